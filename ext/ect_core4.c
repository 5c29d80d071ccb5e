/* ect_core4.c -- the 4-limb instantiation: 256-bit fields (secp256k1, P-256, BN254). */

/* The run-time-sized code, for the scalar arithmetic mod n (any size). */
#define ECT_SFX g
#define ECT_N 0
#define ECT_L ECT_MAXL
#define NL (F->n)
#define ECT_NO_ENTRIES
#include "ect_instance.h"

#define ECT_SFX 4
#define ECT_N 4
#define ECT_L 4
#define NL 4
#include "ect_instance.h"
