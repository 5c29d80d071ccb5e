/* ect_m521_avx512.h -- P-521 scalar multiplication on AVX-512 IFMA.
 *
 * VARIABLE-TIME, like the rest of the core: branches on the wNAF digits and on
 * the rare carries noted below.  Never use it on secret data.
 *
 * Where it runs: k P (ect_ecmult_var) on a curve over p = 2^521 - 1 with
 * a = -3 and prime order (P-521), when the field descriptor's avx512_m521
 * flag is set: by the Python layer, on CPUs with AVX-512F and AVX-512 IFMA
 * enabled by the operating system (ect_cpu_has_avx512ifma).  The functions
 * carry a target attribute, so the rest of the core stays portable.  The
 * fallback is the radix-2^58 code of ect_field.h and ect_group.h; the tests
 * compare this with integers (field operations, through ect_m521v_field_op)
 * and with the portable core (k P).  Left out with ECT_NO_ASM.
 *
 * Included by ect_instance.h inside the 9-limb instantiation, after ect_group.h:
 * it converts from and to ect_fe_9 / ect_gej_9 with the P-521 fold and
 * rotation of ect_field.h.  Its wNAF recoding comes from ect_scalar.h.
 *
 * Representation (ect_f52): 11 limbs of radix 2^52, the plain value (not
 * Montgomery form), sum l_i 2^(52 i), congruent to the element mod p.  Limbs
 * 0..7 are v[0]'s lanes, limbs 8..10 are v[1]'s lanes 0..2, lanes 3..7 of v[1]
 * are zero.  Every ect_f52 a function takes or returns is NORMALIZED:
 *     l_0 .. l_9 < 2^52,   l_10 < 2^7     (so the value is below 2^527)
 * vpmadd52luq / vpmadd52huq multiply the low 52 bits of each 64-bit lane and
 * add the low (high) 52 bits of the 104-bit product to the destination lane,
 * so normalized limbs are exactly what they need, and columns of products
 * sum in 64-bit lanes without carries.
 *
 * Reduction: 2^521 = 1 mod p.  Limb 10 has weight 2^520, so its bits above
 * bit 0 wrap to limb 0 (x 2^521 = x); a product's column k >= 11 has weight
 * 2^(52 k) = 2^(52 (k - 11) + 51) mod p, so it folds into columns k - 11 (its
 * low bit, times 2^51) and k - 10 (the rest).  A carry step moves every
 * limb's bits above 52 into the next limb at once (lanes shifted by one
 * permutation).  Every result takes one step, which leaves limbs 0..9 below
 * 2^52 except with probability below 2^-38 per call (limb 0 receives limb
 * 10's high bits, up to 2^13); a check sends those cases to a scalar carry
 * loop (ect_f52_carry_slow, tested on crafted inputs).  Limb 10 is then at
 * most 1 plus the carry out of limb 9, far below 2^7 for the wide values
 * formed here.
 */
#include "ect_scalar.h"

#if ECT_ASM_X86 && ECT_N == 9 && (defined(__GNUC__) || defined(__clang__))
#define ECT_AVX512_M521 1
#include <immintrin.h>

/* 1 if the CPU has AVX-512F (CPUID leaf 7, EBX bit 16) and AVX-512 IFMA
 * (bit 21), and the operating system saves the AVX-512 state (OSXSAVE, then
 * XCR0 bits 1, 2, 5, 6, 7: SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM). */
static inline int ect_cpu_has_avx512ifma(void) {
    unsigned int a, b, c, d, lo, hi;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !((b >> 16) & 1) || !((b >> 21) & 1)) return 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0xE6) == 0xE6;
}

#define ECT_AVX512_TARGET __attribute__((target("avx512f,avx512ifma")))
#define ECT_AVX512_INLINE static inline __attribute__((always_inline, target("avx512f,avx512ifma")))
#define ECT_M52 ((((uint64_t)1) << 52) - 1)

typedef union {
    __m512i v[2];
    uint64_t l[16];
} __attribute__((aligned(64))) ect_f52;

/* Invariant check (VERIFY builds): a is normalized. */
static inline void ect_f52_verify(const ect_f52 *a) {
    for (int i = 0; i < 10; i++) ECT_CHECK(a->l[i] <= ECT_M52);
    ECT_CHECK(a->l[10] < (1 << 7));
    for (int i = 11; i < 16; i++) ECT_CHECK(a->l[i] == 0);
    (void)a;
}
#ifdef ECT_VERIFY
#define F52_VERIFY(a) ect_f52_verify(a)
#else
#define F52_VERIFY(a) ((void)0)
#endif

/* The scalar carry loop for the rare cases the vector steps leave a limb at
 * or above 2^52: carry through limbs 0..9, wrap limb 10's bits above bit 0
 * into limb 0, repeat until every limb 0..9 is below 2^52.  Input: l_0..l_9
 * below 2^63 and l_10 below 2^16 (no overflow); output normalized, limb 10 at
 * most 2. */
static void __attribute__((noinline)) ect_f52_carry_slow(uint64_t *l) {
    int again;
    do {
        for (int i = 0; i < 10; i++) {
            l[i + 1] += l[i] >> 52;
            l[i] &= ECT_M52;
        }
        l[0] += l[10] >> 1;
        l[10] &= 1;
        again = 0;
        for (int i = 0; i < 10; i++) again |= l[i] > ECT_M52;
    } while (again);
    ECT_CHECK(l[10] <= 2);
}

/* One carry step on the 11 limbs in (R0, R1): limb i keeps its low 52 bits
 * (limb 10: its low bit) and receives limb i-1's bits above them (limb 0:
 * limb 10's bits above bit 0, as 2^521 = 1).  For limbs 0..9 below 2^63 and
 * limb 10 below 2^14 (ect_f52_normalize's bounds are tighter), no lane
 * overflows. */
ECT_AVX512_INLINE void ect_f52_carry_step(__m512i *R0, __m512i *R1) {
    const __m512i mask0 = _mm512_set1_epi64((long long)ECT_M52);
    const __m512i mask1 = _mm512_set_epi64(0, 0, 0, 0, 0, 1, (long long)ECT_M52, (long long)ECT_M52);
    const __m512i shift0 = _mm512_set1_epi64(52);
    const __m512i shift1 = _mm512_set_epi64(64, 64, 64, 64, 64, 1, 52, 52); /* 64: lane cleared */
    /* lane i of the carries moves to lane i + 1; lane 10 (index 8 + 2 of the pair) to lane 0 */
    const __m512i up0 = _mm512_set_epi64(6, 5, 4, 3, 2, 1, 0, 10), up1 = _mm512_set_epi64(0, 0, 0, 0, 0, 9, 8, 7);
    const __m512i t0 = _mm512_and_si512(*R0, mask0), t1 = _mm512_and_si512(*R1, mask1);
    const __m512i h0 = _mm512_srlv_epi64(*R0, shift0), h1 = _mm512_srlv_epi64(*R1, shift1);
    *R0 = _mm512_add_epi64(t0, _mm512_permutex2var_epi64(h0, up0, h1));
    *R1 = _mm512_add_epi64(t1, _mm512_maskz_permutex2var_epi64(0x07, h0, up1, h1));
}

/* r = the wide value (R0, R1) normalized: one carry step, then the scalar
 * loop if a limb 0..9 is still at or above 2^52.  The wide limbs 0..9 must be
 * below 2^58 (so the new limb 10 is below 1 + 2^6) and limb 10 below 2^14. */
ECT_AVX512_INLINE void ect_f52_normalize(ect_f52 *r, __m512i R0, __m512i R1) {
#ifdef ECT_VERIFY
    {
        ect_f52 w;
        w.v[0] = R0;
        w.v[1] = R1;
        for (int i = 0; i < 10; i++) ECT_CHECK((w.l[i] >> 58) == 0);
        ECT_CHECK(w.l[10] < (1 << 14));
        for (int i = 11; i < 16; i++) ECT_CHECK(w.l[i] == 0);
    }
#endif
    ect_f52_carry_step(&R0, &R1);
    const __m512i top = _mm512_set1_epi64((long long)ECT_M52);
    const __mmask8 over = _mm512_cmpgt_epu64_mask(R0, top) | _mm512_cmpgt_epu64_mask(R1, top);
    if (__builtin_expect(over != 0, 0)) { /* by value: r itself never has its address taken */
        ect_f52 t;
        t.v[0] = R0;
        t.v[1] = R1;
        ect_f52_carry_slow(t.l);
        R0 = t.v[0];
        R1 = t.v[1];
    }
    r->v[0] = R0;
    r->v[1] = R1;
    F52_VERIFY(r);
}

/* Q = 65p with limbs 0..9 at least 2^53 - 65 and limb 10 = 128: a + Q - b has
 * no negative limb for normalized b.  Q = 2p + 63 (2^521 - 1): 2p's limbs
 * (2^53 - 2 in 0..9, 2 in 10) with 2 63 added to limb 10 (2^521 = 2 2^520)
 * and 63 taken from limb 0. */
#define ECT_F52_Q0 _mm512_set_epi64(0x1ffffffffffffe, 0x1ffffffffffffe, 0x1ffffffffffffe, 0x1ffffffffffffe, \
                                    0x1ffffffffffffe, 0x1ffffffffffffe, 0x1ffffffffffffe, 0x1fffffffffffbf)
#define ECT_F52_Q1 _mm512_set_epi64(0, 0, 0, 0, 0, 128, 0x1ffffffffffffe, 0x1ffffffffffffe)

/* m x for a small constant m (shifts and additions; m is a constant after inlining). */
ECT_AVX512_INLINE __m512i ect_v_mulc(__m512i x, const int m) {
    __m512i acc = _mm512_setzero_si512();
    if (m & 1) acc = x;
    if (m & 2) acc = _mm512_add_epi64(acc, _mm512_slli_epi64(x, 1));
    if (m & 4) acc = _mm512_add_epi64(acc, _mm512_slli_epi64(x, 2));
    if (m & 8) acc = _mm512_add_epi64(acc, _mm512_slli_epi64(x, 3));
    if (m & 16) acc = _mm512_add_epi64(acc, _mm512_slli_epi64(x, 4));
    return acc;
}

/* r = ma a + mb b + kq Q - mc c (constant multipliers, mc <= kq; mb or mc
 * may be 0 with b or c any element), normalized.  The wide limbs are never
 * negative (mc c <= kq Q limb by limb), limbs 0..9 are below
 * (ma + mb + 2 kq) 2^52 and limb 10 below 2^7 (ma + mb + kq), well inside
 * ect_f52_normalize's bounds for the small multipliers used here. */
ECT_AVX512_INLINE void ect_f52_comb(ect_f52 *r, const int ma, const ect_f52 *a, const int mb, const ect_f52 *b,
                                    const int kq, const int mc, const ect_f52 *c) {
    __m512i R0 = ect_v_mulc(a->v[0], ma), R1 = ect_v_mulc(a->v[1], ma);
    if (mb) {
        R0 = _mm512_add_epi64(R0, ect_v_mulc(b->v[0], mb));
        R1 = _mm512_add_epi64(R1, ect_v_mulc(b->v[1], mb));
    }
    if (kq) {
        R0 = _mm512_add_epi64(R0, ect_v_mulc(ECT_F52_Q0, kq));
        R1 = _mm512_add_epi64(R1, ect_v_mulc(ECT_F52_Q1, kq));
    }
    if (mc) {
        R0 = _mm512_sub_epi64(R0, ect_v_mulc(c->v[0], mc));
        R1 = _mm512_sub_epi64(R1, ect_v_mulc(c->v[1], mc));
    }
    ECT_CHECK(mc <= kq && ma + mb + 2 * kq < 64);
    ect_f52_normalize(r, R0, R1);
}

ECT_AVX512_INLINE void ect_f52_add(ect_f52 *r, const ect_f52 *a, const ect_f52 *b) {
    ect_f52_comb(r, 1, a, 1, b, 0, 0, a);
}

ECT_AVX512_INLINE void ect_f52_sub(ect_f52 *r, const ect_f52 *a, const ect_f52 *b) {
    ect_f52_comb(r, 1, a, 0, a, 1, 1, b);
}

/* ---- products --------------------------------------------------------------
 * Columns: a product's column k (weight 2^(52 k)) sums lo(a_i b_j) over
 * i + j = k and hi(a_i b_j) over i + j = k - 1.  Block c is the vector of
 * columns 8c .. 8c + 7 (c = 0, 1, 2).  Window o of b holds b's limb l + o in
 * lane l (zero outside 0..10), so broadcast a_i times window o lands a_i
 * b_(l+o) in lane l: column 8c + l when i = 8c - o for the low halves and
 * i = 8c - o - 1 for the high halves.  Eighteen windows (o = -7 .. 10, one
 * VALIGNQ each from b's two vectors) serve every block, and every product
 * with the same b.  Each block spreads its terms over a few accumulators so
 * that the dependency chains stay short. */

/* Window o of b (B0 = limbs 0..7, B1 = limbs 8..10, Z = 0), -7 <= o <= 10.
 * (Unaligned loads from a zero-padded copy of b would leave the shuffle ports
 * free, but every such load misses store forwarding: three times slower.) */
#define ECT_F52_WINDOW(o)                                                                          \
    ((o) < 0 ? _mm512_alignr_epi64(B0, Z, ((o) + 8) & 7)                                           \
             : (o) == 0 ? B0                                                                       \
                        : (o) < 8 ? _mm512_alignr_epi64(B1, B0, (o) & 7)                           \
                                  : (o) == 8 ? B1 : _mm512_alignr_epi64(Z, B1, ((o) - 8) & 7))

/* Column accumulators of one product: blocks 0, 1, 2 over 3, 4, 2 registers. */
typedef struct {
    __m512i c0[3], c1[4], c2[2];
} ect_f52_cols;

ECT_AVX512_INLINE void ect_f52_cols_zero(ect_f52_cols *A) {
    for (int i = 0; i < 3; i++) A->c0[i] = _mm512_setzero_si512();
    for (int i = 0; i < 4; i++) A->c1[i] = _mm512_setzero_si512();
    for (int i = 0; i < 2; i++) A->c2[i] = _mm512_setzero_si512();
}

/* acc += lo or hi (a_i W), in the lanes of mask m only. */
ECT_AVX512_INLINE void ect_f52_madd(__m512i *acc, const ect_f52 *a, const int i, const __m512i W, const int hi,
                                    const __mmask8 m) {
    const __m512i ai = _mm512_set1_epi64((long long)a->l[i]); /* a load, not a shuffle: the shuffle ports are busy */
    if (m == 0xFF)
        *acc = hi ? _mm512_madd52hi_epu64(*acc, ai, W) : _mm512_madd52lo_epu64(*acc, ai, W);
    else
        *acc = hi ? _mm512_mask_madd52hi_epu64(*acc, m, ai, W) : _mm512_mask_madd52lo_epu64(*acc, m, ai, W);
}

/* The terms of a b (all lanes) that window o contributes to block c. */
#define ECT_F52_ACC(A, blk, i, HI) (&(A)->c##blk[(2 * (i) + (HI)) % (int)(sizeof((A)->c##blk) / sizeof(__m512i))])
#define ECT_F52_MUL_TERM(A, a, blk, o, HI)                                                         \
    do {                                                                                           \
        const int i_ = 8 * (blk) - (o) - (HI);                                                     \
        if (i_ >= 0 && i_ <= 10) ect_f52_madd(ECT_F52_ACC(A, blk, i_, HI), (a), i_, W, (HI), 0xFF); \
    } while (0)

/* The cross terms a_i a_j, i < j, of a^2 that window o (of a itself)
 * contributes to block c: lane l holds j = l + o, so the lanes with j > i are
 * l > 8c - 2o (low halves, i = 8c - o) and l >= 8c - 2o (high halves,
 * i = 8c - o - 1); lanes past j = 10 hold zeros and are skipped when a
 * whole term would be. */
#define ECT_F52_SQR_TERM(A, a, blk, o, HI)                                                         \
    do {                                                                                           \
        const int i_ = 8 * (blk) - (o) - (HI), first_ = 8 * (blk) - 2 * (o) + 1 - (HI);            \
        const int last_ = 10 - (o) < 7 ? 10 - (o) : 7;                                             \
        if (i_ >= 0 && i_ <= 10 && first_ <= last_)                                                \
            ect_f52_madd(ECT_F52_ACC(A, blk, i_, HI), (a), i_, W, (HI),                           \
                         first_ <= 0 ? 0xFF : (__mmask8)(0xFF << (first_ & 7)));                       \
    } while (0)

/* TERM(A, a, block, o, half) for every block (0, 1, 2) and half (low, high) of window o. */
#define ECT_F52_TERMS(TERM, A, a, o)                                                               \
    do {                                                                                           \
        TERM(A, a, 0, o, 0);                                                                       \
        TERM(A, a, 0, o, 1);                                                                       \
        TERM(A, a, 1, o, 0);                                                                       \
        TERM(A, a, 1, o, 1);                                                                       \
        TERM(A, a, 2, o, 0);                                                                       \
        TERM(A, a, 2, o, 1);                                                                       \
    } while (0)

/* Every window, in order; BODY(o) uses W. */
#define ECT_F52_EACH_WINDOW(BODY)                                                                  \
    do {                                                                                           \
        _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Warray-bounds\"")       \
        { const __m512i W = ECT_F52_WINDOW(-7); BODY(-7); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-6); BODY(-6); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-5); BODY(-5); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-4); BODY(-4); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-3); BODY(-3); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-2); BODY(-2); }                                        \
        { const __m512i W = ECT_F52_WINDOW(-1); BODY(-1); }                                        \
        { const __m512i W = ECT_F52_WINDOW(0); BODY(0); }                                          \
        { const __m512i W = ECT_F52_WINDOW(1); BODY(1); }                                          \
        { const __m512i W = ECT_F52_WINDOW(2); BODY(2); }                                          \
        { const __m512i W = ECT_F52_WINDOW(3); BODY(3); }                                          \
        { const __m512i W = ECT_F52_WINDOW(4); BODY(4); }                                          \
        { const __m512i W = ECT_F52_WINDOW(5); BODY(5); }                                          \
        { const __m512i W = ECT_F52_WINDOW(6); BODY(6); }                                          \
        { const __m512i W = ECT_F52_WINDOW(7); BODY(7); }                                          \
        { const __m512i W = ECT_F52_WINDOW(8); BODY(8); }                                          \
        { const __m512i W = ECT_F52_WINDOW(9); BODY(9); }                                          \
        { const __m512i W = ECT_F52_WINDOW(10); BODY(10); }                                        \
        _Pragma("GCC diagnostic pop")                                                              \
    } while (0)

/* r = the columns in A reduced: blocks summed, then columns 0..21 (each below
 * 22 2^52 < 2^57; a_10, b_10 < 2^7 make column 21, hi(a_10 b_10), zero and
 * column 20 below 2^15) folded to limbs 0..9 below 2^57.2 and limb 10 below
 * 2^14, then normalized.  The fold: G = columns 10..20 and H = columns
 * 11..21 in lanes 0..10; limb m gets column m (m <= 9; limb 10 keeps column
 * 10's low bit), column m + 10 halved (G) and the low bit of column m + 11 at
 * bit 51 (H). */
ECT_AVX512_INLINE void ect_f52_cols_reduce(ect_f52 *r, const ect_f52_cols *A, const __m512i *diag) {
    const __m512i Z = _mm512_setzero_si512();
    __m512i C0 = _mm512_add_epi64(_mm512_add_epi64(A->c0[0], A->c0[1]), A->c0[2]);
    __m512i C1 = _mm512_add_epi64(_mm512_add_epi64(A->c1[0], A->c1[1]), _mm512_add_epi64(A->c1[2], A->c1[3]));
    __m512i C2 = _mm512_add_epi64(A->c2[0], A->c2[1]);
    if (diag) { /* a square: the cross terms count twice, plus the diagonal */
        C0 = _mm512_add_epi64(_mm512_slli_epi64(C0, 1), diag[0]);
        C1 = _mm512_add_epi64(_mm512_slli_epi64(C1, 1), diag[1]);
        C2 = _mm512_add_epi64(_mm512_slli_epi64(C2, 1), diag[2]);
    }
#ifdef ECT_VERIFY
    {
        ect_f52 w;
        w.v[0] = C2;
        ECT_CHECK(w.l[5] == 0 && w.l[6] == 0 && w.l[7] == 0);
    }
#endif
    const __m512i G0 = _mm512_alignr_epi64(C2, C1, 2), G1 = _mm512_alignr_epi64(Z, C2, 2); /* columns 10.. */
    const __m512i H0 = _mm512_alignr_epi64(C2, C1, 3), H1 = _mm512_alignr_epi64(Z, C2, 3); /* columns 11.. */
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i low1 = _mm512_set_epi64(0, 0, 0, 0, 0, 1, -1, -1); /* columns 8, 9 and column 10's low bit */
    const __m512i R0 = _mm512_add_epi64(_mm512_add_epi64(C0, _mm512_srli_epi64(G0, 1)),
                                        _mm512_slli_epi64(_mm512_and_si512(H0, one), 51));
    const __m512i R1 = _mm512_add_epi64(_mm512_add_epi64(_mm512_and_si512(C1, low1), _mm512_srli_epi64(G1, 1)),
                                        _mm512_slli_epi64(_mm512_and_si512(H1, one), 51));
    ect_f52_normalize(r, R0, R1);
}

/* The diagonal of a^2 as columns: lo(a_i^2) in column 2i, hi(a_i^2) in
 * column 2i + 1 (4 IFMA, then the two halves interleaved). */
ECT_AVX512_INLINE void ect_f52_diag(__m512i *diag, const ect_f52 *a) {
    const __m512i Z = _mm512_setzero_si512();
    const __m512i lo0 = _mm512_madd52lo_epu64(Z, a->v[0], a->v[0]), hi0 = _mm512_madd52hi_epu64(Z, a->v[0], a->v[0]);
    const __m512i lo1 = _mm512_madd52lo_epu64(Z, a->v[1], a->v[1]), hi1 = _mm512_madd52hi_epu64(Z, a->v[1], a->v[1]);
    const __m512i even = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), odd = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
    diag[0] = _mm512_permutex2var_epi64(lo0, even, hi0);
    diag[1] = _mm512_permutex2var_epi64(lo0, odd, hi0);
    diag[2] = _mm512_permutex2var_epi64(lo1, even, hi1); /* lanes 6, 7 come from v[1]'s zero lane 3 */
}

/* r = a b mod p, normalized: 48 IFMA over b's 18 windows.  r may alias a or b. */
ECT_AVX512_INLINE void ect_f52_mul(ect_f52 *r, const ect_f52 *a, const ect_f52 *b) {
    const __m512i Z = _mm512_setzero_si512(), B0 = b->v[0], B1 = b->v[1];
    ect_f52_cols A;
    F52_VERIFY(a);
    F52_VERIFY(b);
    ect_f52_cols_zero(&A);
#define ECT_F52_BODY(o) ECT_F52_TERMS(ECT_F52_MUL_TERM, &A, a, o)
    ECT_F52_EACH_WINDOW(ECT_F52_BODY);
#undef ECT_F52_BODY
    ect_f52_cols_reduce(r, &A, NULL);
}

/* r = a^2 mod p, normalized: the 55 cross products once (32 masked IFMA over
 * a's windows), doubled, plus the diagonal (4 IFMA).  r may alias a. */
ECT_AVX512_INLINE void ect_f52_sqr(ect_f52 *r, const ect_f52 *a) {
    const __m512i Z = _mm512_setzero_si512(), B0 = a->v[0], B1 = a->v[1];
    ect_f52_cols A;
    __m512i diag[3];
    F52_VERIFY(a);
    ect_f52_cols_zero(&A);
    ect_f52_diag(diag, a);
#define ECT_F52_BODY(o) ECT_F52_TERMS(ECT_F52_SQR_TERM, &A, a, o)
    ECT_F52_EACH_WINDOW(ECT_F52_BODY);
#undef ECT_F52_BODY
    ect_f52_cols_reduce(r, &A, diag);
}

/* 1 if a = 0 mod p.  Normalized once more (limb 10's bits above bit 0 wrap
 * to limb 0), a has limb 10 at most 2, so it is below 3 2^520 < 2p: it is 0
 * or p, each with one limb pattern (p: 2^52 - 1 in limbs 0..9, 1 in limb 10). */
ECT_AVX512_INLINE int ect_f52_is_zero(const ect_f52 *a) {
    const __m512i Z = _mm512_setzero_si512();
    const __m512i ones = _mm512_set1_epi64((long long)ECT_M52);
    const __m512i p1 = _mm512_set_epi64(0, 0, 0, 0, 0, 1, (long long)ECT_M52, (long long)ECT_M52);
    ect_f52 b;
    F52_VERIFY(a);
    ect_f52_normalize(&b, a->v[0], a->v[1]);
    ECT_CHECK(b.l[10] <= 2);
    return (_mm512_cmpeq_epi64_mask(b.v[0], Z) & _mm512_cmpeq_epi64_mask(b.v[1], Z)) == 0xFF ||
           (_mm512_cmpeq_epi64_mask(b.v[0], ones) & _mm512_cmpeq_epi64_mask(b.v[1], p1)) == 0xFF;
}

/* r = the plain value of a (Montgomery form, canonical) in radix 2^52. */
static inline void ect_f52_from_fe(ect_f52 *r, const ect_fe_9 *a) {
    uint64_t x[10];
    ect_fe_9 plain;
    for (int i = 0; i < 9; i++) x[i] = a->v[i];
    x[9] = 0;
    ect_m521_rotr_9(&plain, x, 55); /* a R^-1 = a 2^-55: rotate right by 55 */
    for (int i = 0; i < 16; i++) r->l[i] = 0;
    for (int i = 0; i < 11; i++) { /* limb i is bits [52 i, 52 i + 52), in words w and w + 1 */
        const int w = 52 * i / 64, o = 52 * i % 64;
        uint64_t v = plain.v[w] >> o;
        if (o > 12 && w + 1 < 9) v |= plain.v[w + 1] << (64 - o);
        r->l[i] = v & ECT_M52;
    }
    F52_VERIFY(r);
}

/* r = a in Montgomery form (times R = 2^576 = 2^55 mod p), fully reduced: the
 * limbs (disjoint bit ranges, limb 10 below 2^7) joined into 64-bit words,
 * folded below 2^521 and rotated. */
static inline void ect_f52_to_fe(ect_fe_9 *r, const ect_f52 *a) {
    uint64_t x[10] = {0};
    F52_VERIFY(a);
    for (int i = 0; i < 11; i++) {
        const int w = 52 * i / 64, o = 52 * i % 64;
        x[w] |= a->l[i] << o;
        if (o > 12) x[w + 1] |= a->l[i] >> (64 - o);
    }
    ect_m521_fold_9(x);
    ect_m521_rotr_9(r, x, 466); /* 2^-466 = 2^55 mod p */
}

/* ---- points ---------------------------------------------------------------
 * ect_gej52: Jacobian (X, Y, Z) as in ect_group.h, coordinates normalized.
 * The identity is not represented: the scalar multiplication keeps a flag.
 * On a curve of prime order no point but the identity has Y = 0, so a
 * doubling of a point is never the identity. */
typedef struct {
    ect_f52 X, Y, Z;
} ect_gej52;

/* A table entry: the point, -Y, and Z^2, Z^3 for the additions. */
typedef struct {
    ect_gej52 p;
    ect_f52 Yn, ZZ, ZZZ;
} ect_gej52c;

/* r = 2a, a = -3: dbl-2001-b (3M + 5S in the EFD's count; here 4M + 4S with
 * Z3 = 2 Y Z) in four rounds of independent products:
 *   delta = Z^2, gamma = Y^2, YZ
 *   beta = X gamma, alpha = 3 (X - delta)(X + delta), gamma^2
 *   alpha^2
 *   alpha (4 beta - X3) = alpha (12 beta - alpha^2)
 * X3 = alpha^2 - 8 beta, Y3 = alpha (4 beta - X3) - 8 gamma^2, Z3 = 2 Y Z.
 * r may alias a. */
ECT_AVX512_INLINE void ect_gej52_double(ect_gej52 *r, const ect_gej52 *a) {
    ect_f52 delta, gamma, yz, t, u, beta, alpha, g2, a2, w;
    ect_f52_sqr(&delta, &a->Z);
    ect_f52_sqr(&gamma, &a->Y);
    ect_f52_mul(&yz, &a->Y, &a->Z);
    ect_f52_comb(&t, 3, &a->X, 0, &a->X, 3, 3, &delta); /* 3 (X - delta) */
    ect_f52_add(&u, &a->X, &delta);                     /* X + delta */
    ect_f52_mul(&beta, &a->X, &gamma);
    ect_f52_mul(&alpha, &t, &u);
    ect_f52_sqr(&g2, &gamma);
    ect_f52_sqr(&a2, &alpha);
    ect_f52_comb(&w, 12, &beta, 0, &beta, 1, 1, &a2);   /* 12 beta - alpha^2 = 4 beta - X3 */
    ect_f52_comb(&r->X, 1, &a2, 0, &a2, 8, 8, &beta);   /* X3 = alpha^2 - 8 beta */
    ect_f52_add(&r->Z, &yz, &yz);                       /* Z3 = 2 Y Z */
    ect_f52_mul(&t, &alpha, &w);
    ect_f52_comb(&r->Y, 1, &t, 0, &t, 8, 8, &g2);       /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/* r = a + e (or a - e when neg), e a table entry: add-1998-cmo-2 with e's
 * Z^2, Z^3 given (10M + 4S) in five rounds of independent products:
 *   Z1Z1 = Z1^2, U1 = X1 ZZ2, S1 = Y1 ZZZ2, Y2 Z1, Z1 Z2
 *   U2 = X2 Z1Z1, S2 = Y2 Z1 Z1Z1;     H = U2 - U1, R = S2 - S1
 *   HH = H^2, R^2, Z3 = Z1 Z2 H
 *   HHH = H HH, V = U1 HH
 *   R (V - X3) = R (3V + HHH - R^2), S1 HHH
 * X3 = R^2 - HHH - 2V, Y3 = R (V - X3) - S1 HHH.  H = 0 means a = +-e: a
 * doubling when R = 0 too, else the identity.  Returns 1 if r is the
 * identity (r is then unspecified), else 0.  r may alias a. */
ECT_AVX512_INLINE int ect_gej52_add(ect_gej52 *r, const ect_gej52 *a, const ect_gej52c *e, int neg) {
    ect_f52 z1z1, u1, s1, t, z1z2, u2, s2, h, rr, hh, r2, hhh, v, w;
    ect_f52_sqr(&z1z1, &a->Z);
    ect_f52_mul(&u1, &a->X, &e->ZZ);
    ect_f52_mul(&s1, &a->Y, &e->ZZZ);
    ect_f52_mul(&t, neg ? &e->Yn : &e->p.Y, &a->Z);
    ect_f52_mul(&z1z2, &a->Z, &e->p.Z);
    ect_f52_mul(&u2, &e->p.X, &z1z1);
    ect_f52_mul(&s2, &t, &z1z1);
    ect_f52_sub(&h, &u2, &u1);
    ect_f52_sub(&rr, &s2, &s1);
    if (ect_f52_is_zero(&h)) {
        if (!ect_f52_is_zero(&rr)) return 1;
        ect_gej52_double(r, a);
        return 0;
    }
    ect_f52_sqr(&hh, &h);
    ect_f52_sqr(&r2, &rr);
    ect_f52_mul(&r->Z, &z1z2, &h);
    ect_f52_mul(&hhh, &h, &hh);
    ect_f52_mul(&v, &u1, &hh);
    ect_f52_comb(&w, 3, &v, 1, &hhh, 1, 1, &r2); /* 3V + HHH - R^2 = V - X3 */
    ect_f52_mul(&t, &rr, &w);
    ect_f52_sub(&r->X, &v, &w);                  /* X3 = V - (V - X3) */
    ect_f52_mul(&u1, &s1, &hhh);
    ect_f52_sub(&r->Y, &t, &u1);                      /* Y3 = R (V - X3) - S1 HHH */
    return 0;
}

/* r = the table entry of the Jacobian point a. */
ECT_AVX512_INLINE void ect_gej52c_set(ect_gej52c *r, const ect_gej52 *a) {
    const ect_f52 zero = {{_mm512_setzero_si512(), _mm512_setzero_si512()}};
    r->p = *a;
    ect_f52_sub(&r->Yn, &zero, &a->Y);
    ect_f52_sqr(&r->ZZ, &a->Z);
    ect_f52_mul(&r->ZZZ, &r->ZZ, &a->Z);
}

/* r = k P for a plain scalar k of C->fn.n limbs (any value below
 * 2^(64 fn.n)), P on the curve (a = -3, prime order, p = 2^521 - 1): width-w
 * NAF over the odd multiples P, 3P, ..., (2^(w-1) - 1) P, as ect_ecmult_var.
 * r may alias P. */
static ECT_AVX512_TARGET void ect_ecmult_var_m521v(const ect_curve *C, ect_gej_9 *r, const ect_gej_9 *P,
                                                    const uint64_t *k) {
    const int L = C->fn.n;
    int d[64 * ECT_MAXL + 10];
    ect_gej52c tab[16];
    ect_gej52 acc, t;
    if (ect_gej_is_inf_9(C, P)) {
        ect_gej_set_inf_9(C, r);
        return;
    }
    const int w = ect_wnaf_window(ect_limbs_bitlen(k, L));
    const int len = ect_wnaf(d, k, L, w);
    ect_f52_from_fe(&t.X, &P->X);
    ect_f52_from_fe(&t.Y, &P->Y);
    ect_f52_from_fe(&t.Z, &P->Z);
    ect_gej52c_set(&tab[0], &t);
    if (w > 2) { /* odd multiples (2i + 1) P = (2i - 1) P + 2P: with prime order, never the identity nor 2P */
        ect_gej52c twice;
        ect_gej52_double(&acc, &t);
        ect_gej52c_set(&twice, &acc);
        for (int i = 1; i < (1 << (w - 2)); i++) {
            ect_gej52 s = acc; /* initialised: an add whose sum is the identity leaves r unset */
            const int inf = ect_gej52_add(&s, &tab[i - 1].p, &twice, 0);
            ECT_CHECK(!inf);
            (void)inf;
            ect_gej52c_set(&tab[i], &s);
        }
    }
    int inf = 1;
    for (int i = len - 1; i >= 0; i--) {
        if (!inf) ect_gej52_double(&acc, &acc);
        if (!d[i]) continue;
        const ect_gej52c *e = &tab[(d[i] < 0 ? -d[i] : d[i]) >> 1];
        if (inf) {
            acc = e->p;
            if (d[i] < 0) acc.Y = e->Yn;
            inf = 0;
        } else {
            inf = ect_gej52_add(&acc, &acc, e, d[i] < 0);
        }
    }
    if (inf) {
        ect_gej_set_inf_9(C, r);
        return;
    }
    ect_f52_to_fe(&r->X, &acc.X);
    ect_f52_to_fe(&r->Y, &acc.Y);
    ect_f52_to_fe(&r->Z, &acc.Z);
}

/* Field operations for the tests (through _ec.m521v_field): r = a + b, a - b,
 * a b, a^2 (ECT_FOP_ADD, _SUB, _MUL, _SQR), or r[0] = is_zero(a)
 * (ECT_FOP_IS_ZERO), on normalized 11-limb arrays (the caller checks that they are). */
static ECT_AVX512_TARGET void ect_m521v_field_op(int op, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    ect_f52 x, y, z;
    for (int i = 0; i < 16; i++) {
        x.l[i] = i < 11 ? a[i] : 0;
        y.l[i] = i < 11 ? b[i] : 0;
    }
    if (op == ECT_FOP_IS_ZERO) {
        r[0] = (uint64_t)ect_f52_is_zero(&x);
        return;
    }
    if (op == ECT_FOP_ADD) ect_f52_add(&z, &x, &y);
    else if (op == ECT_FOP_SUB) ect_f52_sub(&z, &x, &y);
    else if (op == ECT_FOP_MUL) ect_f52_mul(&z, &x, &y);
    else ect_f52_sqr(&z, &x);
    for (int i = 0; i < 11; i++) r[i] = z.l[i];
}

#undef ECT_F52_WINDOW
#undef ECT_F52_ACC
#undef ECT_F52_MUL_TERM
#undef ECT_F52_SQR_TERM
#undef ECT_F52_TERMS
#undef ECT_F52_EACH_WINDOW
#else
#define ECT_AVX512_M521 0
#endif
