/* ect_coreg.c -- the run-time-sized instantiation: every field of 1..9 limbs
 * that has no fixed-size one (toy curves, custom curves of other sizes), and
 * the scalar field (the composition coefficients, mod n) of any size that has
 * none either. */

#define ECT_SFX g
#define ECT_N 0
#define ECT_L ECT_MAXL
#define NL (F->n)
#include "ect_instance.h"
