/* ect_core4.c -- the 4-limb instantiation: 256-bit fields (secp256k1, P-256, BN254). */

#define ECT_SFX 4
#define ECT_N 4
#define ECT_L 4
#define NL 4
#include "ect_instance.h"
