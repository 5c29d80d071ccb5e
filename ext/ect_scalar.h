/* ect_scalar.h -- scalar recoding: width-w NAF, signed windows, the GLV split,
 * and the operation counts that pick a multiplication method from them.
 *
 * Not a template: scalars are plain (not Montgomery) little-endian limb
 * arrays of C->fn.n limbs, and everything here works for any limb count, with
 * its own arithmetic mod n (ect_scalar_mont_mul below), so it needs no field
 * instantiation and no other header of the core but ect_common.h.  Every
 * header that recodes scalars (ect_ecmult.h, ect_pippenger.h,
 * ect_m521_avx512.h) includes it; the include guard makes it one copy per
 * translation unit, whatever the order.
 * VARIABLE-TIME: the digits, and the time to find them, depend on the scalar.
 */
#ifndef ECT_SCALAR_H
#define ECT_SCALAR_H

#include "ect_common.h"

/* Width-w NAF of the plain value k (klimbs limbs, 2 <= w <= 8): digits[i] is 0
 * or odd with |digits[i]| < 2^(w-1), k = sum digits[i] 2^i, and any w
 * consecutive digits hold at most one nonzero.  digits must have room for
 * 64 klimbs + w + 1 entries.  Returns the number of digits (highest nonzero
 * + 1; 0 for k = 0). */
static inline int ect_wnaf(int *digits, const uint64_t *k, int klimbs, int w) {
    int bits = ect_limbs_bitlen(k, klimbs);
    int carry = 0, bit = 0, len = 0;
    for (int i = 0; i < bits + w + 1; i++) digits[i] = 0;
    while (bit < bits) {
        if (ect_limbs_bit(k, bit) == carry) {
            bit++;
            continue;
        }
        int now = w;
        if (now > bits - bit) now = bits - bit;
        int word = (int)ect_limbs_bits(k, klimbs, bit, now) + carry;
        carry = (word >> (w - 1)) & 1;
        word -= carry << w;
        digits[bit] = word;
        len = bit + 1;
        bit += now;
    }
    if (carry) {
        digits[bit] = 1;
        len = bit + 1;
    }
    return len;
}

/* wNAF window for a variable-base multiplication of a bits-bit scalar. */
static inline int ect_wnaf_window(int bits) {
    if (bits <= 16) return 2;
    if (bits <= 64) return 4;
    if (bits <= 300) return 5;
    return 6;
}

/* Fixed-base window width for a curve whose n has nbits bits. */
static inline int ect_gen_window(int nbits) { return nbits >= 64 ? 8 : 4; }
static inline int ect_gen_windows(int nbits) {
    int wg = ect_gen_window(nbits);
    return (nbits + 1 + wg - 1) / wg;
}

/* Signed radix-2^c digits: k = sum d_i 2^(c i), -2^(c-1) < d_i <= 2^(c-1).
 * windows must satisfy windows c >= bits(k) + 1. */
static inline void ect_signed_digits(int *d, const uint64_t *k, int klimbs, int c, int windows) {
    int carry = 0;
    for (int i = 0; i < windows; i++) {
        int v = (int)ect_limbs_bits(k, klimbs, c * i, c) + carry;
        carry = v > (1 << (c - 1));
        d[i] = v - (carry << c);
    }
    ECT_CHECK(carry == 0);
}

/* Operation-count model (in field multiplications; M ~ S) used to choose the
 * MSM method: 8 per doubling, 11 per mixed and 16 per general addition. */
static inline double ect_cost_pippenger(size_t m, int bits, int c) {
    double W = (double)((bits + 1 + c - 1) / c);
    return W * ((double)m * 11.0 + (double)((size_t)1 << (c - 1)) * 32.0 + c * 8.0);
}
static inline double ect_cost_straus(size_t m, int bits) {
    int w = ect_wnaf_window(bits);
    return (double)bits * 8.0 + (double)m * ((double)(1 << (w - 2)) * 16.0 + (double)bits / (w + 1) * 16.0);
}

/* ---- arithmetic mod n for the GLV split --------------------------------- */

/* r = a + b mod n (a, b < n; Fn->n limbs). */
static inline void ect_scalar_add(const ect_field *Fn, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    const int L = Fn->n;
    uint64_t t[ECT_MAXL], u[ECT_MAXL];
    uint64_t carry = ect_limbs_add(t, a, b, L);
    uint64_t borrow = ect_limbs_sub(u, t, Fn->p, L);
    memcpy(r, (carry || !borrow) ? u : t, sizeof(uint64_t) * (size_t)L);
}

/* r = a - b mod n (a, b < n). */
static inline void ect_scalar_sub(const ect_field *Fn, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    const int L = Fn->n;
    if (ect_limbs_sub(r, a, b, L)) ect_limbs_add(r, r, Fn->p, L);
}

/* r = a b R^-1 mod n (Montgomery product, R = 2^(64 Fn->n); a, b < n), so a
 * plain a times the Montgomery form b R of a constant is the plain product.
 * CIOS with one extra word; the result is fully reduced. */
static inline void ect_scalar_mont_mul(const ect_field *Fn, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    const int L = Fn->n;
    uint64_t t[ECT_MAXL + 2] = {0};
    for (int i = 0; i < L; i++) {
        uint64_t c = 0;
        for (int j = 0; j < L; j++) {
            ect_u128 acc = (ect_u128)a[j] * b[i] + t[j] + c;
            t[j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        ect_u128 s = (ect_u128)t[L] + c;
        t[L] = (uint64_t)s;
        t[L + 1] = (uint64_t)(s >> 64);
        const uint64_t m = t[0] * Fn->pinv; /* t + m n = 0 mod 2^64 */
        ect_u128 acc = (ect_u128)m * Fn->p[0] + t[0];
        c = (uint64_t)(acc >> 64);
        for (int j = 1; j < L; j++) {
            acc = (ect_u128)m * Fn->p[j] + t[j] + c;
            t[j - 1] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        s = (ect_u128)t[L] + c;
        t[L - 1] = (uint64_t)s;
        t[L] = t[L + 1] + (uint64_t)(s >> 64);
    }
    /* t < 2n: one conditional subtraction */
    uint64_t u[ECT_MAXL];
    uint64_t borrow = ect_limbs_sub(u, t, Fn->p, L);
    memcpy(r, (t[L] || !borrow) ? u : t, sizeof(uint64_t) * (size_t)L);
}

/* k mod n splits as k = s1 k1 + s2 k2 lambda (mod n) with k1, k2 of about
 * half the bits of n (signs returned in neg1, neg2: 1 means negative).
 * Requires C->has_glv and k < n.  Guide to ECC, Alg. 3.74, with the divisions
 * replaced by multiplications by precomputed round(2^(64 shift) |b| / n):
 *   c1 = s1 round(k g1 / 2^(64 shift)), c2 = s2 round(k g2 / 2^(64 shift)),
 *   k2 = c1 (-b1) + c2 (-b2),  k1 = k - k2 lambda   (mod n),
 * each product a Montgomery product of a plain value and a Montgomery-form
 * constant, hence plain. */
static inline void ect_scalar_split_glv(const ect_curve *C, uint64_t *k1, int *neg1, uint64_t *k2,
                                        int *neg2, const uint64_t *k) {
    const ect_field *Fn = &C->fn;
    const int L = Fn->n, S = C->glv_shift;
    uint64_t prod[2 * ECT_MAXL + 2], c[2][ECT_MAXL], t[ECT_MAXL];
    const uint64_t *g[2] = {C->g1, C->g2}, *mb[2] = {C->mb1, C->mb2};
    const int sg[2] = {C->glv_s1, C->glv_s2};
    for (int w = 0; w < 2; w++) {
        /* c = round(k g / 2^(64 S)) mod n */
        uint64_t half[2 * ECT_MAXL + 2] = {0};
        ect_limbs_mul(prod, k, L, g[w], L + 1);
        half[S - 1] = (uint64_t)1 << 63;
        ect_limbs_add(prod, prod, half, 2 * L + 1);
        for (int i = 0; i < L; i++) c[w][i] = (S + i < 2 * L + 1) ? prod[S + i] : 0;
        while (ect_limbs_cmp(c[w], Fn->p, L) >= 0) ect_limbs_sub(c[w], c[w], Fn->p, L);
        if (sg[w] < 0) { /* c = -c mod n */
            uint64_t z[ECT_MAXL] = {0};
            ect_scalar_sub(Fn, c[w], z, c[w]);
        }
        ect_scalar_mont_mul(Fn, c[w], c[w], mb[w]); /* plain s c (-b) mod n */
    }
    ect_scalar_add(Fn, k2, c[0], c[1]);
    ect_scalar_mont_mul(Fn, t, k2, C->lambda); /* k2 lambda, plain */
    ect_scalar_sub(Fn, k1, k, t);
    /* take the representative of least absolute value */
    *neg1 = ect_limbs_cmp(k1, C->half_n, L) > 0;
    if (*neg1) ect_limbs_sub(k1, Fn->p, k1, L);
    *neg2 = ect_limbs_cmp(k2, C->half_n, L) > 0;
    if (*neg2) ect_limbs_sub(k2, Fn->p, k2, L);
    ECT_CHECK(ect_limbs_bitlen(k1, L) <= C->nbits / 2 + 3);
    ECT_CHECK(ect_limbs_bitlen(k2, L) <= C->nbits / 2 + 3);
}

/* ---- one scalar, recoded once (ect_ecmult_var, ect_horner_chain) ------- */

/* The recoding of k for a variable-base k P: its wNAF, or the wNAFs of the
 * two halves of its GLV split (d2 then applies to lambda P). */
typedef struct {
    int d1[64 * ECT_MAXL + 10], d2[64 * ECT_MAXL + 10];
    int len1, len2;   /* digits in d1, d2 (len2 = 0 without the split) */
    int neg1, neg2;   /* flip the signs of d1's (d2's) digits */
    int w;            /* window: digits are odd, |d| < 2^(w-1) */
    int glv;          /* 1: split, d2 applies to lambda P */
} ect_wnaf_plan;

/* Recode the plain scalar k (C->fn.n limbs, any value below 2^(64 n)).  The
 * GLV split is used only when allow_glv and k < n (see ect_ecmult_var). */
static inline void ect_wnaf_plan_set(const ect_curve *C, ect_wnaf_plan *pl, const uint64_t *k, int allow_glv) {
    const int L = C->fn.n;
    pl->glv = allow_glv && C->has_glv && ect_limbs_cmp(k, C->fn.p, L) < 0;
    pl->len2 = pl->neg1 = pl->neg2 = 0;
    if (pl->glv) {
        uint64_t k1[ECT_MAXL], k2[ECT_MAXL];
        ect_scalar_split_glv(C, k1, &pl->neg1, k2, &pl->neg2, k);
        pl->w = ect_wnaf_window(C->nbits / 2);
        pl->len1 = ect_wnaf(pl->d1, k1, L, pl->w);
        pl->len2 = ect_wnaf(pl->d2, k2, L, pl->w);
    } else {
        pl->w = ect_wnaf_window(ect_limbs_bitlen(k, L));
        pl->len1 = ect_wnaf(pl->d1, k, L, pl->w);
    }
}

/* ---- common scalars (ect_ecmult_common, ect_ecmult.h) ------------------- */

/* One NAF-recoded part of a common scalar: digits d[j] in {-1, 0, 1} applied
 * to 2^j P, or to lambda 2^j P = (beta x, y) when beta; every digit's sign
 * flipped when neg. */
typedef struct {
    const int *d;
    int len, neg, beta;
} ect_common_part;

/* Digits per part: ect_wnaf writes bits + w + 1 entries, bits <= 64 fn.n. */
#define ECT_COMMON_STRIDE (64 * ECT_MAXL + 4)

/* Recode s scalars (plain, fn.n limbs each, every one < n) into parts:
 * two half-length NAFs per scalar when glv, else one.  digits must hold
 * 2 s ECT_COMMON_STRIDE ints.  Returns the number of parts. */
static inline int ect_common_parts(const ect_curve *C, ect_common_part *parts, int *digits, const uint64_t *k,
                                   size_t s, int glv) {
    const int L = C->fn.n;
    int np = 0;
    for (size_t e = 0; e < s; e++) {
        const uint64_t *ke = k + e * (size_t)L;
        if (glv) {
            uint64_t k1[ECT_MAXL], k2[ECT_MAXL];
            int neg1, neg2;
            ect_scalar_split_glv(C, k1, &neg1, k2, &neg2, ke);
            int *d1 = digits + (size_t)np * ECT_COMMON_STRIDE, *d2 = d1 + ECT_COMMON_STRIDE;
            parts[np] = (ect_common_part){d1, ect_wnaf(d1, k1, L, 2), neg1, 0};
            parts[np + 1] = (ect_common_part){d2, ect_wnaf(d2, k2, L, 2), neg2, 1};
            np += 2;
        } else {
            int *d = digits + (size_t)np * ECT_COMMON_STRIDE;
            parts[np] = (ect_common_part){d, ect_wnaf(d, ke, L, 2), 0, 0};
            np += 1;
        }
    }
    return np;
}

#endif /* ECT_SCALAR_H */
