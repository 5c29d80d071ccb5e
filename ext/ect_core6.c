/* ect_core6.c -- the 6-limb instantiation: 384-bit fields (P-384, BLS12-381). */

/* The run-time-sized code, for the scalar arithmetic mod n (any size). */
#define ECT_SFX g
#define ECT_N 0
#define ECT_L ECT_MAXL
#define NL (F->n)
#define ECT_NO_ENTRIES
#include "ect_instance.h"

#define ECT_SFX 6
#define ECT_N 6
#define ECT_L 6
#define NL 6
#include "ect_instance.h"
