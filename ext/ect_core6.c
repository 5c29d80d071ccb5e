/* ect_core6.c -- the 6-limb instantiation: 384-bit fields (P-384, BLS12-381). */

#define ECT_SFX 6
#define ECT_N 6
#define ECT_L 6
#define NL 6
#include "ect_instance.h"
