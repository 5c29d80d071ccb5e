/* ect_api.h -- the compiled core's entry points, as _ec.pyx sees them.
 *
 * Instantiates the field/group/ecmult/ops/h2c templates four times:
 *   _g  limb count read at run time (1..9): every prime, including toy curves
 *   _4  256-bit fields (secp256k1, P-256, BN254)
 *   _6  384-bit fields (P-384, BLS12-381)
 *   _9  521-bit fields (P-521)
 * and dispatches each ect_* call on C->fp.n.  The run-time-sized build comes
 * first because the scalar field (mod n, any size) always uses it.
 */
#ifndef ECT_API_H
#define ECT_API_H

#include "ect_common.h"

#define ECT_CAT_(a, b) a##_##b
#define ECT_CAT(a, b) ECT_CAT_(a, b)
#define T(name) ECT_CAT(name, ECT_SFX)

/* -- run-time limb count -- */
#define ECT_SFX g
#define ECT_N 0
#define ECT_L ECT_MAXL
#define NL (F->n)
#include "ect_field.h"
#include "ect_group.h"
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"
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

/* -- 4 limbs -- */
#define ECT_SFX 4
#define ECT_N 4
#define ECT_L 4
#define NL 4
#include "ect_field.h"
#include "ect_group.h"
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"
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

/* -- 6 limbs -- */
#define ECT_SFX 6
#define ECT_N 6
#define ECT_L 6
#define NL 6
#include "ect_field.h"
#include "ect_group.h"
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"
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

/* -- 9 limbs -- */
#define ECT_SFX 9
#define ECT_N 9
#define ECT_L 9
#define NL 9
#include "ect_field.h"
#include "ect_group.h"
#include "ect_m521_avx512.h"
#include "ect_ecmult.h"
#include "ect_ops.h"
#include "ect_h2c.h"
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

#define ECT_DISPATCH(C, fn, ...)                                                                   \
    ((C)->fp.n == 4 ? fn##_4(__VA_ARGS__)                                                          \
                    : (C)->fp.n == 6 ? fn##_6(__VA_ARGS__) : (C)->fp.n == 9 ? fn##_9(__VA_ARGS__) : fn##_g(__VA_ARGS__))

/* 1 if this curve runs on a compile-time-sized (unrolled) instantiation. */
static inline int ect_fast_path(const ect_curve *C) { return C->fp.n == 4 || C->fp.n == 6 || C->fp.n == 9; }
static inline int ect_verify_build(void) { return ECT_VERIFY_ON; }
static inline int ect_asm_available(void) { return ECT_ASM_X86 && ect_cpu_has_adx(); }
/* 1 if P-521's k P can run on AVX-512 IFMA here (built in, and this CPU and OS support it). */
static inline int ect_avx512_m521_available(void) {
#if ECT_AVX512_M521
    return ect_cpu_has_avx512ifma();
#else
    return 0;
#endif
}
/* The AVX-512 P-521 field operations, for the tests: returns 0 if they are not available here. */
static inline int ect_m521v_field(int op, uint64_t *r, const uint64_t *a, const uint64_t *b) {
#if ECT_AVX512_M521
    if (!ect_cpu_has_avx512ifma()) return 0;
    ect_m521v_field_op(op, r, a, b);
    return 1;
#else
    (void)op, (void)r, (void)a, (void)b;
    return 0;
#endif
}

static inline int ect_field_op(const ect_curve *C, int op, uint64_t *out, const uint64_t *a, const uint64_t *b) {
    return ECT_DISPATCH(C, ect_op_field, C, op, out, a, b);
}
static inline int ect_add(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b) {
    return ECT_DISPATCH(C, ect_op_add, C, out, a, b);
}
static inline int ect_double(const ect_curve *C, uint64_t *out, const uint64_t *a) {
    return ECT_DISPATCH(C, ect_op_double, C, out, a);
}
static inline int ect_neg(const ect_curve *C, uint64_t *out, const uint64_t *a) {
    return ECT_DISPATCH(C, ect_op_neg, C, out, a);
}
static inline int ect_equal(const ect_curve *C, const uint64_t *a, const uint64_t *b) {
    return ECT_DISPATCH(C, ect_op_equal, C, a, b);
}
static inline int ect_is_valid(const ect_curve *C, const uint64_t *a) {
    return ECT_DISPATCH(C, ect_op_is_valid, C, a);
}
static inline int ect_mul(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k) {
    return ECT_DISPATCH(C, ect_op_mul, C, out, a, k);
}
static inline int ect_in_subgroup(const ect_curve *C, const uint64_t *a) {
    return ECT_DISPATCH(C, ect_op_in_subgroup, C, a);
}
static inline void *ect_gen_table(const ect_curve *C) { return ECT_DISPATCH(C, ect_op_gen_table, C); }
static inline int ect_mul_gen(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k) {
    return ECT_DISPATCH(C, ect_op_mul_gen, C, table, out, k);
}
static inline int ect_affine(const ect_curve *C, uint8_t *x, uint8_t *y, const uint64_t *a) {
    return ECT_DISPATCH(C, ect_op_affine, C, x, y, a);
}
static inline int ect_from_affine(const ect_curve *C, uint64_t *out, const uint8_t *x, const uint8_t *y) {
    return ECT_DISPATCH(C, ect_op_from_affine, C, out, x, y);
}
static inline int ect_decode(const ect_curve *C, uint64_t *out, const uint8_t *in, size_t len) {
    return ECT_DISPATCH(C, ect_op_decode, C, out, in, len);
}
static inline size_t ect_encode(const ect_curve *C, uint8_t *out, const uint64_t *a, int compressed) {
    return ECT_DISPATCH(C, ect_op_encode, C, out, a, compressed);
}
static inline int ect_batch_add(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b, size_t m,
                                int subtract) {
    return ECT_DISPATCH(C, ect_batch_add, C, out, a, b, m, subtract);
}
static inline int ect_batch_mul(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m) {
    return ECT_DISPATCH(C, ect_batch_mul, C, out, a, k, m);
}
static inline int ect_batch_mul_common(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m,
                                       const uint64_t *k, size_t s) {
    return ECT_DISPATCH(C, ect_batch_mul_common, C, out, a, m, k, s);
}
static inline int ect_batch_mul_gen(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k,
                                    size_t m) {
    return ECT_DISPATCH(C, ect_batch_mul_gen, C, table, out, k, m);
}
static inline int ect_batch_sum(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m) {
    return ECT_DISPATCH(C, ect_batch_sum, C, out, a, m);
}
static inline int ect_batch_msm(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m) {
    return ECT_DISPATCH(C, ect_batch_msm, C, out, a, k, m);
}
static inline int ect_batch_encode(const ect_curve *C, uint8_t *out, size_t *outlen, const uint64_t *a, size_t m,
                                   int compressed) {
    return ECT_DISPATCH(C, ect_batch_encode, C, out, outlen, a, m, compressed);
}
static inline int ect_batch_affine(const ect_curve *C, uint8_t *xy, uint8_t *inf, const uint64_t *a, size_t m) {
    return ECT_DISPATCH(C, ect_batch_affine, C, xy, inf, a, m);
}
static inline int ect_batch_decode(const ect_curve *C, uint64_t *out, size_t max_m, const uint8_t *in, size_t len,
                                   size_t *count, size_t *offset) {
    return ECT_DISPATCH(C, ect_batch_decode, C, out, max_m, in, len, count, offset);
}
static inline size_t ect_batch_count(const ect_curve *C, const uint8_t *in, size_t len) {
    return ECT_DISPATCH(C, ect_batch_count, C, in, len);
}
static inline int ect_h2c_map(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint8_t *u, size_t m) {
    return ECT_DISPATCH(C, ect_h2c_map, C, S, out, u, m);
}
static inline int ect_h2c_clear(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint64_t *in, size_t m) {
    return ECT_DISPATCH(C, ect_h2c_clear, C, S, out, in, m);
}

/* Coefficients of a composition (ectraverse.traverse): for the token indices
 * ids[0 .. L) (each < D) and the plain scalar k, out[t] = sum of k^(L-1-i)
 * over the positions i with ids[i] = t, mod n, as plain scalars of fn.n limbs.
 * Returns 1, 0 if an index is out of range, or ECT_ERR_NOMEM.  On the
 * instantiation of the scalar field's own limb count (ect_coefficients, ect_ops.h). */
static inline int ect_composition_coefficients(const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L,
                                               size_t D, const uint64_t *k) {
    const ect_field *Fn = &C->fn;
    return Fn->n == 4   ? ect_coefficients_4(Fn, out, ids, L, D, k)
           : Fn->n == 6 ? ect_coefficients_6(Fn, out, ids, L, D, k)
           : Fn->n == 9 ? ect_coefficients_9(Fn, out, ids, L, D, k)
                        : ect_coefficients_g(Fn, out, ids, L, D, k);
}

#undef T
#endif /* ECT_API_H */
