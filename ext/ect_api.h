/* ect_api.h -- the compiled core's entry points, as _ec.pyx sees them.
 *
 * The field/group/ecmult/ops/h2c templates are instantiated four times, each
 * in a C file of its own (a translation unit, compiled in parallel by
 * setup.py), through ect_instance.h:
 *   ect_coreg.c  limb count read at run time (1..9): every other prime,
 *                including toy curves, and scalar fields of other sizes
 *   ect_core4.c  256-bit fields (secp256k1, P-256, BN254)
 *   ect_core6.c  384-bit fields (P-384, BLS12-381)
 *   ect_core9.c  521-bit fields (P-521, with the AVX-512 IFMA code)
 * Each defines the entry points of ECT_API_ENTRIES below with its suffix
 * (ect_api_add_4, ...); this header declares them and dispatches each ect_*
 * call on the limb count of C->fp (C->fn for arithmetic mod n).  It is light (no template is instantiated here), so the
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
 *   X(S, field, return type, name, template function, (parameters), (arguments))
 * declares ect_api_<name>_<S>, which calls the template function
 * <template function>_<S> (ect_instance.h), and the dispatcher ect_<name>,
 * which picks the instantiation by the limb count of C-><field>: the base
 * field fp for every point operation, the scalar field fn for arithmetic mod
 * n alone (the composition coefficients: BLS12-381's n has 4 limbs, its p 6).
 *
 * Return types say what can go wrong.  void: the operation cannot fail (no
 * allocation it depends on, no input it refuses).  int, for answers: equal,
 * is_valid, in_subgroup (1 or 0), affine (0: the identity).  int, for
 * statuses: 1 on success, else 0 or a negative ECT_ERR_* code, each checked
 * by _ec.pyx: field_op (0: an unknown op); from_affine, decode, batch_decode
 * (ECT_ERR_*); batch_mul_common, batch_msm, batch_encode, batch_affine
 * (ECT_ERR_NOMEM); h2c_map (ECT_ERR_RANGE, ECT_ERR_NOMEM); coefficients (0: an
 * index out of range, ECT_ERR_NOMEM); coefficient_merge (0: an id negative or
 * descending, or a scalar not below n; ECT_ERR_NOMEM).  gen_table returns NULL when out of
 * memory; encode and batch_count return sizes. */
#define ECT_API_ENTRIES(X, S)                                                                                       \
    X(S, fp, int, field_op, ect_op_field,                                                                           \
      (const ect_curve *C, int op, uint64_t *out, const uint64_t *a, const uint64_t *b), (C, op, out, a, b))        \
    X(S, fp, void, add, ect_op_add, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b),      \
      (C, out, a, b))                                                                                               \
    X(S, fp, void, double, ect_op_double, (const ect_curve *C, uint64_t *out, const uint64_t *a), (C, out, a))      \
    X(S, fp, void, neg, ect_op_neg, (const ect_curve *C, uint64_t *out, const uint64_t *a), (C, out, a))            \
    X(S, fp, int, equal, ect_op_equal, (const ect_curve *C, const uint64_t *a, const uint64_t *b), (C, a, b))      \
    X(S, fp, int, is_valid, ect_op_is_valid, (const ect_curve *C, const uint64_t *a), (C, a))                      \
    X(S, fp, void, mul, ect_op_mul, (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k),      \
      (C, out, a, k))                                                                                               \
    X(S, fp, int, in_subgroup, ect_op_in_subgroup, (const ect_curve *C, const uint64_t *a), (C, a))                \
    X(S, fp, void *, gen_table, ect_op_gen_table, (const ect_curve *C), (C))                                       \
    X(S, fp, void, mul_gen, ect_op_mul_gen, (const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k), \
      (C, table, out, k))                                                                                           \
    X(S, fp, int, affine, ect_op_affine, (const ect_curve *C, uint8_t *x, uint8_t *y, const uint64_t *a),          \
      (C, x, y, a))                                                                                                 \
    X(S, fp, int, from_affine, ect_op_from_affine,                                                                  \
      (const ect_curve *C, uint64_t *out, const uint8_t *x, const uint8_t *y), (C, out, x, y))                     \
    X(S, fp, int, decode, ect_op_decode, (const ect_curve *C, uint64_t *out, const uint8_t *in, size_t len),       \
      (C, out, in, len))                                                                                            \
    X(S, fp, size_t, encode, ect_op_encode, (const ect_curve *C, uint8_t *out, const uint64_t *a, int compressed), \
      (C, out, a, compressed))                                                                                      \
    X(S, fp, void, batch_add, ect_batch_add,                                                                        \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b, size_t m, int subtract),            \
      (C, out, a, b, m, subtract))                                                                                  \
    X(S, fp, void, batch_mul, ect_batch_mul,                                                                        \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m), (C, out, a, k, m))      \
    X(S, fp, int, batch_mul_common, ect_batch_mul_common,                                                           \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m, const uint64_t *k, size_t s),               \
      (C, out, a, m, k, s))                                                                                         \
    X(S, fp, void, batch_mul_gen, ect_batch_mul_gen,                                                                \
      (const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k, size_t m), (C, table, out, k, m))   \
    X(S, fp, void, batch_sum, ect_batch_sum, (const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m),     \
      (C, out, a, m))                                                                                               \
    X(S, fp, int, batch_msm, ect_batch_msm,                                                                         \
      (const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m, int threads),            \
      (C, out, a, k, m, threads))                                                                                   \
    X(S, fp, int, batch_encode, ect_batch_encode,                                                                   \
      (const ect_curve *C, uint8_t *out, size_t *outlen, const uint64_t *a, size_t m, int compressed),              \
      (C, out, outlen, a, m, compressed))                                                                           \
    X(S, fp, int, batch_affine, ect_batch_affine,                                                                   \
      (const ect_curve *C, uint8_t *xy, uint8_t *inf, const uint64_t *a, size_t m), (C, xy, inf, a, m))            \
    X(S, fp, int, batch_decode, ect_batch_decode,                                                                   \
      (const ect_curve *C, uint64_t *out, size_t max_m, const uint8_t *in, size_t len, size_t *count, size_t *offset), \
      (C, out, max_m, in, len, count, offset))                                                                      \
    X(S, fp, size_t, batch_count, ect_batch_count, (const ect_curve *C, const uint8_t *in, size_t len),            \
      (C, in, len))                                                                                                 \
    X(S, fp, void, horner_chain, ect_horner_chain,                                                                   \
      (const ect_curve *C, uint64_t *out, const uint64_t *start, const uint64_t *a, const int64_t *ids, size_t L,   \
       const uint64_t *k),                                                                                          \
      (C, out, start, a, ids, L, k))                                                                                \
    X(S, fp, int, h2c_map, ect_h2c_map,                                                                             \
      (const ect_curve *C, const ect_h2c *S_, uint64_t *out, const uint8_t *u, size_t m), (C, S_, out, u, m))      \
    X(S, fp, void, h2c_clear, ect_h2c_clear,                                                                        \
      (const ect_curve *C, const ect_h2c *S_, uint64_t *out, const uint64_t *in, size_t m), (C, S_, out, in, m))   \
    X(S, fn, int, coefficients, ect_coefficients,                                                                   \
      (const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L, const int64_t *remap, size_t V, size_t D,  \
       const uint64_t *k),                                                                                          \
      (C, out, ids, L, remap, V, D, k))                                                                             \
    X(S, fn, int, coefficient_merge, ect_coefficient_merge,                                                         \
      (const ect_curve *C, int64_t *out_ids, uint64_t *out, size_t *D, const int64_t *const *ids,                   \
       const uint64_t *const *rows, const size_t *len, size_t P, const uint64_t *scales),                           \
      (C, out_ids, out, D, ids, rows, len, P, scales))

/* Declarations: ect_api_<name>_<S> for S = g, 4, 6, 9. */
#define ECT_API_DECLARE(S, field, ret, name, impl, params, args) ECT_HIDDEN ret ect_api_##name##_##S params;
ECT_API_ENTRIES(ECT_API_DECLARE, g)
ECT_API_ENTRIES(ECT_API_DECLARE, 4)
ECT_API_ENTRIES(ECT_API_DECLARE, 6)
ECT_API_ENTRIES(ECT_API_DECLARE, 9)

/* Definitions, for ect_instance.h: ect_api_<name>_<S> calls the static template function. */
#define ECT_API_DEFINE(S, field, ret, name, impl, params, args) \
    ret ect_api_##name##_##S params { return impl##_##S args; }

/* Dispatchers: ect_<name> runs the instantiation of the curve's limb count. */
#define ECT_API_DISPATCH(S, field, ret, name, impl, params, args)                                  \
    static inline ret ect_##name params {                                                          \
        return C->field.n == 4 ? ect_api_##name##_4 args                                           \
             : C->field.n == 6 ? ect_api_##name##_6 args                                           \
             : C->field.n == 9 ? ect_api_##name##_9 args : ect_api_##name##_g args;                \
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

#endif /* ECT_API_H */
