# cython: language_level=3
# Declarations mirroring ext/ect_common.h and ext/ect_api.h, cimported by
# _ec.pyx.  Only the fields and entry points that _ec.pyx uses are listed.
from libc.stdint cimport uint64_t, uint8_t, int64_t


cdef extern from "ect_api.h" nogil:
    enum: ECT_MAXL
    enum: ECT_ERR_LENGTH
    enum: ECT_ERR_PREFIX
    enum: ECT_ERR_RANGE
    enum: ECT_ERR_NOT_ON_CURVE
    enum: ECT_ERR_NO_SQRT
    enum: ECT_ERR_NOMEM
    enum: ECT_ERR_PARITY
    enum: ECT_A_ZERO
    enum: ECT_A_MINUS3
    enum: ECT_A_GENERIC
    enum: ECT_FOP_ADD
    enum: ECT_FOP_SUB
    enum: ECT_FOP_MUL
    enum: ECT_FOP_SQR
    enum: ECT_FOP_HALF
    enum: ECT_FOP_NEG
    enum: ECT_FOP_DBL
    enum: ECT_FOP_IS_ZERO

    ctypedef struct ect_field:
        int n
        int bits
        int nbytes
        uint64_t pinv
        uint64_t p[ECT_MAXL]
        uint64_t one[ECT_MAXL]
        uint64_t r2[ECT_MAXL]
        uint64_t pm2[ECT_MAXL]
        int p3mod4
        uint64_t sqrt_e[ECT_MAXL]
        int ts_s
        uint64_t ts_c[ECT_MAXL]
        int asm_adx
        int mersenne521
        int p256
        int p384
        int pm4
        int avx512_m521

    ctypedef struct ect_curve:
        ect_field fp
        ect_field fn
        int a_kind
        uint64_t a[ECT_MAXL]
        uint64_t b[ECT_MAXL]
        uint64_t gx[ECT_MAXL]
        uint64_t gy[ECT_MAXL]
        int nbits
        int has_glv
        uint64_t beta[ECT_MAXL]
        uint64_t lambda_ "lambda"[ECT_MAXL]
        uint64_t mb1[ECT_MAXL]
        uint64_t mb2[ECT_MAXL]
        uint64_t g1[ECT_MAXL + 1]
        uint64_t g2[ECT_MAXL + 1]
        int glv_s1
        int glv_s2
        int glv_shift
        uint64_t half_n[ECT_MAXL]

    enum: ECT_H2C_SSWU
    enum: ECT_H2C_SVDW
    enum: ECT_ISO_MAX

    ctypedef struct ect_h2c:
        int kind
        uint64_t A[ECT_MAXL]
        uint64_t B[ECT_MAXL]
        uint64_t Z[ECT_MAXL]
        uint64_t c1[ECT_MAXL]
        uint64_t c2[ECT_MAXL]
        uint64_t c3[ECT_MAXL]
        uint64_t c4[ECT_MAXL]
        int iso_len[4]
        uint64_t iso[4][ECT_ISO_MAX][ECT_MAXL]
        uint64_t h_eff[ECT_MAXL]
        int h_eff_is_one

    int ect_limbs_from_be(uint64_t *r, int nlimbs, const uint8_t *inp, size_t length)
    int ect_fast_path(const ect_curve *C)
    int ect_verify_build()
    int ect_asm_available()
    int ect_avx512_m521_available()
    int ect_malloc_threshold_fixed()
    int ect_m521v_field(int op, uint64_t *r, const uint64_t *a, const uint64_t *b)

    int ect_field_op(const ect_curve *C, int op, uint64_t *out, const uint64_t *a, const uint64_t *b)
    void ect_add(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b)
    void ect_double(const ect_curve *C, uint64_t *out, const uint64_t *a)
    void ect_neg(const ect_curve *C, uint64_t *out, const uint64_t *a)
    int ect_equal(const ect_curve *C, const uint64_t *a, const uint64_t *b)
    int ect_is_valid(const ect_curve *C, const uint64_t *a)
    void ect_mul(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k)
    int ect_in_subgroup(const ect_curve *C, const uint64_t *a)
    void *ect_gen_table(const ect_curve *C)
    void ect_mul_gen(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k)
    int ect_affine(const ect_curve *C, uint8_t *x, uint8_t *y, const uint64_t *a)
    int ect_from_affine(const ect_curve *C, uint64_t *out, const uint8_t *x, const uint8_t *y)
    int ect_decode(const ect_curve *C, uint64_t *out, const uint8_t *inp, size_t length)
    size_t ect_encode(const ect_curve *C, uint8_t *out, const uint64_t *a, int compressed)

    void ect_batch_add(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b, size_t m, int subtract)
    void ect_batch_mul(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m)
    int ect_batch_mul_common(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m, const uint64_t *k, size_t s)
    void ect_batch_mul_gen(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k, size_t m)
    void ect_batch_sum(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m)
    int ect_batch_msm(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m, int threads)
    int ect_batch_encode(const ect_curve *C, uint8_t *out, size_t *outlen, const uint64_t *a, size_t m, int compressed)
    int ect_batch_affine(const ect_curve *C, uint8_t *xy, uint8_t *inf, const uint64_t *a, size_t m)
    int ect_batch_decode(const ect_curve *C, uint64_t *out, size_t max_m, const uint8_t *inp, size_t length,
                         size_t *count, size_t *offset)
    size_t ect_batch_count(const ect_curve *C, const uint8_t *inp, size_t length)
    int ect_coefficients(const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L, const int64_t *remap,
                         size_t V, size_t D, const uint64_t *k)
    int ect_coefficient_merge(const ect_curve *C, int64_t *out_ids, uint64_t *out, size_t *D,
                              const int64_t *const *ids, const uint64_t *const *rows, const size_t *length, size_t P,
                              const uint64_t *scales)
    void ect_horner_chain(const ect_curve *C, uint64_t *out, const uint64_t *start, const uint64_t *a,
                          const int64_t *ids, size_t L, const uint64_t *k)
    int ect_h2c_map(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint8_t *u, size_t m)
    void ect_h2c_clear(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint64_t *inp, size_t m)
