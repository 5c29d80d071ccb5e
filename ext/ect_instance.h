/* ect_instance.h -- one instantiation of the templates (see ect_api.h).
 *
 * Included once by each of ext/ect_core{g,4,6,9}.c, after it sets
 *   ECT_SFX   the suffix of every name (g, 4, 6, 9)
 *   ECT_N     the limb count as a constant (4, 6, 9), or 0: read at run time
 *   ECT_L     array length of a field element (the limb count, or ECT_MAXL)
 *   NL        loop bound: a constant, or (F->n) for the run-time-sized build
 * Defines the instantiation's entry points (ECT_API_ENTRIES with the suffix
 * ECT_SFX).  The scalar recoding every instantiation shares (wNAF, the GLV
 * split) is not a template: ect_scalar.h, included by the headers that use
 * it.  Everything else is static, so only what an entry point calls is
 * compiled.
 */
#include "ect_api.h"

#ifndef T
#define T(name) ECT_CAT(name, ECT_SFX)
#endif

#include "ect_field.h"
#include "ect_group.h"
#if ECT_N == 9
#include "ect_m521_avx512.h" /* the 9-limb k P (ect_ecmult_var) calls it */
#endif
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"

ECT_API_ENTRIES(ECT_API_DEFINE, ECT_SFX)
