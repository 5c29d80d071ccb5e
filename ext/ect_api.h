/* ect_api.h -- the compiled core's entry points, as _ec.pyx sees them.
 *
 * The field/group/ecmult/ops/h2c templates are instantiated four times, each
 * in a C file of its own (a translation unit, compiled in parallel by
 * setup.py), through ect_instance.h:
 *   ect_coreg.c  limb count read at run time (1..9): every prime, including
 *                toy curves; also the scalar field (mod n, any size)
 *   ect_core4.c  256-bit fields (secp256k1, P-256, BN254)
 *   ect_core6.c  384-bit fields (P-384, BLS12-381)
 *   ect_core9.c  521-bit fields (P-521, with the AVX-512 IFMA code)
 * Each defines the entry points of ECT_API_ENTRIES below with its suffix
 * (ect_api_add_4, ...); this header declares them and dispatches each ect_*
 * call on C->fp.n.  It is light (no template is instantiated here), so the
 * Cython-generated _ec.c that includes it compiles quickly.
 *
 * An entry point does a whole operation (one point addition at least), so
 * the one call across translation units that the dispatch adds is noise; the
 * field and group code stays static inline inside each instantiation.
 */
#ifndef ECT_API_H
#define ECT_API_H

#include "ect_common.h"

#define ECT_CAT_(a, b) a##_##b
#define ECT_CAT(a, b) ECT_CAT_(a, b)

/* The entry points are internal to the extension module: hidden symbols are
 * called directly, not through the PLT, and cannot be interposed. */
#if defined(__GNUC__) || defined(__clang__)
#define ECT_HIDDEN __attribute__((visibility("hidden")))
#else
#define ECT_HIDDEN
#endif

/* Every entry point of an instantiation, once:
 *   X(S, return type, name, template function, (parameters), (arguments))
 * declares ect_api_<name>_<S>, which calls the template function
 * <template function>_<S> (ect_instance.h), and the dispatcher ect_<name>. */
#define ECT_API_ENTRIES(X, S)                                                                                       \
    X(S, int, field_op, ect_op_field, (const ect_curve *C, int op, uint64_t *out, const uint64_t *a, const uint64_t *b), \
      (C, op, out, a, b))                                                                                           \
    X(S, int, add, ect_op_add, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b), (C, out, a, b)) \
    X(S, int, double, ect_op_double, (const ect_curve *C, uint64_t *out, const uint64_t *a), (C, out, a))            \
    X(S, int, neg, ect_op_neg, (const ect_curve *C, uint64_t *out, const uint64_t *a), (C, out, a))                  \
    X(S, int, equal, ect_op_equal, (const ect_curve *C, const uint64_t *a, const uint64_t *b), (C, a, b))           \
    X(S, int, is_valid, ect_op_is_valid, (const ect_curve *C, const uint64_t *a), (C, a))                           \
    X(S, int, mul, ect_op_mul, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k), (C, out, a, k)) \
    X(S, int, in_subgroup, ect_op_in_subgroup, (const ect_curve *C, const uint64_t *a), (C, a))                     \
    X(S, void *, gen_table, ect_op_gen_table, (const ect_curve *C), (C))                                            \
    X(S, int, mul_gen, ect_op_mul_gen, (const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k),    \
      (C, table, out, k))                                                                                           \
    X(S, int, affine, ect_op_affine, (const ect_curve *C, uint8_t *x, uint8_t *y, const uint64_t *a), (C, x, y, a)) \
    X(S, int, from_affine, ect_op_from_affine, (const ect_curve *C, uint64_t *out, const uint8_t *x, const uint8_t *y), \
      (C, out, x, y))                                                                                               \
    X(S, int, decode, ect_op_decode, (const ect_curve *C, uint64_t *out, const uint8_t *in, size_t len),            \
      (C, out, in, len))                                                                                            \
    X(S, size_t, encode, ect_op_encode, (const ect_curve *C, uint8_t *out, const uint64_t *a, int compressed),      \
      (C, out, a, compressed))                                                                                      \
    X(S, int, batch_add, ect_batch_add,                                                                             \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b, size_t m, int subtract),            \
      (C, out, a, b, m, subtract))                                                                                  \
    X(S, int, batch_mul, ect_batch_mul, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m), \
      (C, out, a, k, m))                                                                                            \
    X(S, int, batch_mul_common, ect_batch_mul_common,                                                               \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m, const uint64_t *k, size_t s),               \
      (C, out, a, m, k, s))                                                                                         \
    X(S, int, batch_mul_gen, ect_batch_mul_gen,                                                                     \
      (const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k, size_t m), (C, table, out, k, m))   \
    X(S, int, batch_sum, ect_batch_sum, (const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m), (C, out, a, m)) \
    X(S, int, batch_msm, ect_batch_msm, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m), \
      (C, out, a, k, m))                                                                                            \
    X(S, int, batch_encode, ect_batch_encode,                                                                       \
      (const ect_curve *C, uint8_t *out, size_t *outlen, const uint64_t *a, size_t m, int compressed),              \
      (C, out, outlen, a, m, compressed))                                                                           \
    X(S, int, batch_affine, ect_batch_affine, (const ect_curve *C, uint8_t *xy, uint8_t *inf, const uint64_t *a, size_t m), \
      (C, xy, inf, a, m))                                                                                           \
    X(S, int, batch_decode, ect_batch_decode,                                                                       \
      (const ect_curve *C, uint64_t *out, size_t max_m, const uint8_t *in, size_t len, size_t *count, size_t *offset), \
      (C, out, max_m, in, len, count, offset))                                                                      \
    X(S, size_t, batch_count, ect_batch_count, (const ect_curve *C, const uint8_t *in, size_t len), (C, in, len))   \
    X(S, int, h2c_map, ect_h2c_map, (const ect_curve *C, const ect_h2c *S_, uint64_t *out, const uint8_t *u, size_t m), \
      (C, S_, out, u, m))                                                                                           \
    X(S, int, h2c_clear, ect_h2c_clear,                                                                             \
      (const ect_curve *C, const ect_h2c *S_, uint64_t *out, const uint64_t *in, size_t m), (C, S_, out, in, m))

/* Declarations: ect_api_<name>_<S> for S = g, 4, 6, 9. */
#define ECT_API_DECLARE(S, ret, name, impl, params, args) ECT_HIDDEN ret ect_api_##name##_##S params;
ECT_API_ENTRIES(ECT_API_DECLARE, g)
ECT_API_ENTRIES(ECT_API_DECLARE, 4)
ECT_API_ENTRIES(ECT_API_DECLARE, 6)
ECT_API_ENTRIES(ECT_API_DECLARE, 9)

/* Definitions, for ect_instance.h: ect_api_<name>_<S> calls the static template function. */
#define ECT_API_DEFINE(S, ret, name, impl, params, args) \
    ret ect_api_##name##_##S params { return impl##_##S args; }

/* Dispatchers: ect_<name> runs the instantiation of the curve's limb count. */
#define ECT_API_DISPATCH(S, ret, name, impl, params, args)                                         \
    static inline ret ect_##name params {                                                          \
        return C->fp.n == 4 ? ect_api_##name##_4 args                                              \
             : C->fp.n == 6 ? ect_api_##name##_6 args                                              \
             : C->fp.n == 9 ? ect_api_##name##_9 args : ect_api_##name##_g args;                   \
    }
ECT_API_ENTRIES(ECT_API_DISPATCH, _)

/* 1 if this curve runs on a compile-time-sized (unrolled) instantiation. */
static inline int ect_fast_path(const ect_curve *C) { return C->fp.n == 4 || C->fp.n == 6 || C->fp.n == 9; }
static inline int ect_verify_build(void) { return ECT_VERIFY_ON; }
static inline int ect_asm_available(void) { return ECT_ASM_X86 && ect_cpu_has_adx(); }

/* In ect_core9.c: 1 if P-521's k P can run on AVX-512 IFMA here (built in,
 * and this CPU and OS support it). */
ECT_HIDDEN int ect_avx512_m521_available(void);
/* In ect_core9.c: the AVX-512 P-521 field operations, for the tests; returns
 * 0 if they are not available here. */
ECT_HIDDEN int ect_m521v_field(int op, uint64_t *r, const uint64_t *a, const uint64_t *b);

/* Coefficients of a composition (ectraverse.traverse): for the token indices
 * ids[0 .. L) (each < D) and the plain scalar k, out[t] = sum of k^(L-1-i)
 * over the positions i with ids[i] = t, mod n, as plain scalars of fn.n limbs.
 * Returns 1, 0 if an index is out of range, or ECT_ERR_NOMEM.  Runs the
 * instantiation of the *scalar* field's limb count (ect_coefficients,
 * ect_ops.h), each defined in its ect_core*.c by ect_instance.h. */
#define ECT_COEFFICIENTS_PARAMS \
    (const ect_field *F, uint64_t *out, const int64_t *ids, size_t L, size_t D, const uint64_t *k)
ECT_HIDDEN int ect_api_coefficients_g ECT_COEFFICIENTS_PARAMS;
ECT_HIDDEN int ect_api_coefficients_4 ECT_COEFFICIENTS_PARAMS;
ECT_HIDDEN int ect_api_coefficients_6 ECT_COEFFICIENTS_PARAMS;
ECT_HIDDEN int ect_api_coefficients_9 ECT_COEFFICIENTS_PARAMS;
static inline int ect_composition_coefficients(const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L,
                                               size_t D, const uint64_t *k) {
    const ect_field *Fn = &C->fn;
    return Fn->n == 4   ? ect_api_coefficients_4(Fn, out, ids, L, D, k)
           : Fn->n == 6 ? ect_api_coefficients_6(Fn, out, ids, L, D, k)
           : Fn->n == 9 ? ect_api_coefficients_9(Fn, out, ids, L, D, k)
                        : ect_api_coefficients_g(Fn, out, ids, L, D, k);
}

#endif /* ECT_API_H */
