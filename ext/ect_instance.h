/* ect_instance.h -- one instantiation of the templates (see ect_api.h).
 *
 * Included by ext/ect_core{g,4,6,9}.c, after they set
 *   ECT_SFX   the suffix of every name (g, 4, 6, 9)
 *   ECT_N     the limb count as a constant (4, 6, 9), or 0: read at run time
 *   ECT_L     array length of a field element (the limb count, or ECT_MAXL)
 *   NL        loop bound: a constant, or (F->n) for the run-time-sized build
 * and, optionally, ECT_NO_ENTRIES.  Defines the instantiation's entry points
 * (ECT_API_ENTRIES with the suffix ECT_SFX) unless ECT_NO_ENTRIES is set,
 * then undefines the parameters, so a file can include it again with others.
 *
 * The fixed-size instantiations first include the run-time-sized one with
 * ECT_NO_ENTRIES, as ect_api.h did when every instantiation shared one file:
 * their scalar arithmetic (mod n, any size: the GLV split, wNAF helpers of
 * ect_ecmult.h) uses the _g field code, and the 9-limb AVX-512 code uses those
 * helpers.  Only what is called gets compiled: everything is static.
 */
#include "ect_api.h"

#ifndef T
#define T(name) ECT_CAT(name, ECT_SFX)
#endif

#include "ect_field.h"
#include "ect_group.h"
#if ECT_N == 9
#include "ect_m521_avx512.h" /* before ect_ecmult.h, whose 9-limb k P calls it */
#endif
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"

#ifndef ECT_NO_ENTRIES
ECT_API_ENTRIES(ECT_API_DEFINE, ECT_SFX)
int ECT_CAT(ect_api_coefficients, ECT_SFX) ECT_COEFFICIENTS_PARAMS { return T(ect_coefficients)(F, out, ids, L, D, k); }
#endif

#undef ECT_NO_ENTRIES
#undef ECT_SFX
#undef ECT_N
#undef ECT_L
#undef NL
#undef FE
#undef GE
#undef GEJ
#undef FE_VERIFY
#undef GEJ_VERIFY
#undef GEJC
