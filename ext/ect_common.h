/* ect_common.h -- shared types of the ectraverse compiled core.
 *
 * The core does prime-field elliptic-curve arithmetic on 64-bit limbs in
 * Montgomery form.  Everything here is VARIABLE-TIME by design: branches and
 * memory accesses depend on the values processed.  It is meant for public data
 * (contexts of public token sequences), never for secret keys.
 *
 * Layout of the core (dependencies point down):
 *   ect_api.h          ECT_API_ENTRIES, the list of entry points, and their dispatch by
 *                      limb count; the only header _ec.pyx includes (ect_api.pxd mirrors it)
 *   ect_core*.c        ect_coreg.c, ect_core4.c, ect_core6.c, ect_core9.c:
 *                      one instantiation each, through ect_instance.h: limb count read
 *                      at run time (g: toy and other curves), or 4, 6, 9 as constants;
 *                      ect_core9.c also holds the AVX-512 P-521 availability checks
 *   ect_instance.h     includes the templates below once and defines the entry points
 *   ect_ops.h          the entry points' bodies on external buffers (load, compute,
 *                      store), and the composition coefficients (arithmetic mod n)
 *   ect_h2c.h          RFC 9380 map_to_curve (SSWU, SvdW) and cofactor clearing
 *   ect_ecmult.h       k P (wNAF, GLV), k G (fixed-base table), many points times a few
 *                      common scalars (ect_ecmult_common), Straus and Pippenger MSM
 *   ect_pippenger.h    Pippenger MSM with affine buckets (included by ect_ecmult.h)
 *   ect_m521_avx512.h  P-521 k P on AVX-512 IFMA (9 limbs only; called by ect_ecmult.h)
 *   ect_group.h        Jacobian/affine points: double, add, mixed add, batch to affine
 *   ect_field.h        Montgomery arithmetic mod p (and mod n for the coefficients)
 *   ect_scalar.h       scalar recoding, not a template: wNAF, signed windows, the GLV
 *                      split (with its own arithmetic mod n), the MSM cost model
 *   ect_common.h       this file: limb helpers, field and curve descriptors, ECT_ASM_X86
 *   ect_field_x86.h    x86-64 assembly for 4- and 6-limb fields (included by this file)
 *
 * ect_field.h, ect_group.h, ect_ecmult.h, ect_pippenger.h, ect_ops.h and
 * ect_h2c.h are templates (names through T(), see ect_field.h): each
 * ect_core*.c instantiates them once, in a translation unit of its own, so
 * one source serves every prime from a few bits to 521 bits.  The headers
 * that are not templates (ect_common.h, ect_scalar.h, ect_field_x86.h) have
 * include guards and depend on nothing but each other, in that order.
 *
 * Conventions: functions that cannot fail return void; the others return 1
 * on success and 0 (or a negative ECT_ERR_* code) on failure.  None aborts
 * (except ECT_CHECK in VERIFY builds) or touches Python objects.  Output arguments come first and may alias inputs unless the
 * contract comment says otherwise.
 */
#ifndef ECT_COMMON_H
#define ECT_COMMON_H

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 ect_u128;

/* Scratch blocks: one allocation for the buffers of one call, malloc's (or,
 * below, aligned to 2 MiB), freed with free().  ect_scratch_alloc(
 * ect_scratch_bytes(s1) + ... + ect_scratch_bytes(sk)) holds pieces of those
 * sizes, taken in that order with ect_scratch_piece, each 64-byte aligned.
 *
 * Where glibc's malloc maps every large block afresh, its mmap threshold
 * fixed (mallopt(3): setting any of M_TRIM_THRESHOLD, M_TOP_PAD,
 * M_MMAP_THRESHOLD or M_MMAP_MAX turns off its dynamic threshold; Dask's
 * workers set MALLOC_TRIM_THRESHOLD_), each call faults its scratch in 4 kB
 * at a time: over 3,000 faults for one MSM of 27,697 points.  There a block of
 * 1 MiB or more is rounded up to whole 2 MiB pages, aligned to 2 MiB and
 * advised for transparent huge pages, as NumPy advises its large arrays, and
 * faults in 2 MiB at a time (15 faults for that MSM).  Elsewhere malloc keeps
 * large blocks in its heap between calls, without faults, and serves this
 * block as it served the pieces. */
#define ECT_SCRATCH_HUGE ((size_t)1 << 21)
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* 1 if the environment fixed glibc's mmap threshold when the process
 * started (the variables, or their GLIBC_TUNABLES), else 0; read once. */
static inline int ect_malloc_threshold_fixed(void) {
    static int fixed = -1; /* computed once; a race computes the same value */
    int f = __atomic_load_n(&fixed, __ATOMIC_RELAXED);
    if (f < 0) {
        static const char *const vars[] = {"MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_",
                                           "MALLOC_MMAP_MAX_"};
        static const char *const tunables[] = {"glibc.malloc.trim_threshold", "glibc.malloc.top_pad",
                                               "glibc.malloc.mmap_threshold", "glibc.malloc.mmap_max"};
        const char *t = getenv("GLIBC_TUNABLES");
        f = 0;
        for (int i = 0; i < 4; i++) f |= getenv(vars[i]) != NULL || (t && strstr(t, tunables[i]) != NULL);
        __atomic_store_n(&fixed, f, __ATOMIC_RELAXED);
    }
    return f;
}

/* Room for a piece of `bytes` bytes in a block (64 more for the whole
 * block's alignment are in ect_scratch_alloc). */
static inline size_t ect_scratch_bytes(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

static inline void *ect_scratch_alloc(size_t bytes) {
    if (bytes > SIZE_MAX - 2 * ECT_SCRATCH_HUGE) return NULL; /* no size wraps below */
    bytes += 64;                                             /* the pieces start at the first 64-byte boundary */
#if defined(__unix__) || defined(__APPLE__)
    if (bytes >= ECT_SCRATCH_HUGE / 2 && ect_malloc_threshold_fixed()) {
        bytes = (bytes + ECT_SCRATCH_HUGE - 1) & ~(ECT_SCRATCH_HUGE - 1);
        void *p = NULL;
        if (posix_memalign(&p, ECT_SCRATCH_HUGE, bytes)) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice: its failure changes nothing */
#endif
        return p;
    }
#endif
    return malloc(bytes);
}

/* The piece of `bytes` bytes at *at in a block, which *at then moves past. */
static inline void *ect_scratch_piece(void *block, size_t *at, size_t bytes) {
    unsigned char *p = (unsigned char *)(((uintptr_t)block + 63) & ~(uintptr_t)63) + *at;
    *at += ect_scratch_bytes(bytes);
    return p;
}

/* 9 limbs = 576 bits: enough for P-521, the largest supported field. */
#define ECT_MAXL 9

/* Invariant checks, compiled in only with -DECT_VERIFY (the debug build that CI
 * runs once).  A failed check is a bug in the core, never a user error. */
#ifdef ECT_VERIFY
#include <stdio.h>
#define ECT_CHECK(cond)                                                        \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "ectraverse VERIFY failed: %s (%s:%d)\n", #cond,   \
                    __FILE__, __LINE__);                                       \
            abort();                                                           \
        }                                                                      \
    } while (0)
#define ECT_VERIFY_ON 1
#else
#define ECT_CHECK(cond) ((void)0)
#define ECT_VERIFY_ON 0
#endif

/* Error codes returned by decoding entry points (success is 1). */
#define ECT_ERR_LENGTH -1       /* wrong number of bytes for the prefix */
#define ECT_ERR_PREFIX -2       /* first byte is not 0x00, 0x02, 0x03 or 0x04 */
#define ECT_ERR_RANGE -3        /* a coordinate is >= p */
#define ECT_ERR_NOT_ON_CURVE -4 /* (x, y) does not satisfy the equation */
#define ECT_ERR_NO_SQRT -5      /* compressed x: x^3 + ax + b is not a square */
#define ECT_ERR_NOMEM -6        /* allocation failed */
#define ECT_ERR_PARITY -8       /* prefix 0x03 for an x whose only y is 0 (not canonical) */

/* A prime field F_p in Montgomery form with R = 2^(64 n).  All constants are
 * computed by the Python layer (Python ints) and copied in; limbs are little
 * endian (limb 0 is least significant). */
typedef struct {
    int n;                   /* limbs in use, 1..ECT_MAXL */
    int bits;                /* bit length of p */
    int nbytes;              /* ceil(bits / 8): big-endian encoding length */
    uint64_t pinv;           /* -p^-1 mod 2^64 */
    uint64_t p[ECT_MAXL];    /* the modulus */
    uint64_t one[ECT_MAXL];  /* R mod p: 1 in Montgomery form */
    uint64_t r2[ECT_MAXL];   /* R^2 mod p: converts into Montgomery form */
    uint64_t pm2[ECT_MAXL];  /* p - 2: the Fermat inversion exponent */
    int p3mod4;              /* 1 if p = 3 mod 4 (square root by one power) */
    uint64_t sqrt_e[ECT_MAXL]; /* (p+1)/4 if p3mod4, else (q-1)/2, p-1 = q 2^s */
    int ts_s;                /* s (Tonelli-Shanks only) */
    uint64_t ts_c[ECT_MAXL]; /* z^q in Montgomery form, z a non-residue */
    int asm_adx;             /* 1: 4- and 6-limb products use the MULX/ADX code (ect_field_x86.h) */
    int mersenne521;         /* 1: p = 2^521 - 1: radix-2^58 products, reduced by folding (ect_fe_mul_m521) */
    int p256;                /* 1: p is the P-256 prime (the assembly reduces by shifts: ect_mul_p256_adx) */
    int p384;                /* 1: p is the P-384 prime (likewise: ect_mont_mul_p384_adx) */
    int pm4;                 /* 1: p = 2^256 - c, c < 2^64 (secp256k1): rounds multiply by c (ect_mul_pm4_adx) */
    int avx512_m521;         /* 1: k P runs on AVX-512 IFMA (ect_m521_avx512.h): p = 2^521 - 1, a = -3, prime order */
} ect_field;

/* Base-field operations of ect_op_field (ect_ops.h), the tests' view of the field code. */
#define ECT_FOP_ADD 0
#define ECT_FOP_SUB 1
#define ECT_FOP_MUL 2
#define ECT_FOP_SQR 3
#define ECT_FOP_HALF 4
#define ECT_FOP_NEG 5
#define ECT_FOP_DBL 6
#define ECT_FOP_IS_ZERO 7 /* the AVX-512 P-521 code's tests only (ect_m521v_field_op): r[0] = (a == 0) */

/* How the curve coefficient a is handled by doubling. */
#define ECT_A_ZERO 0
#define ECT_A_MINUS3 1
#define ECT_A_GENERIC 2

/* A short Weierstrass curve y^2 = x^3 + a x + b over F_p with a subgroup of
 * prime order n.  Field constants are in Montgomery form. */
typedef struct {
    ect_field fp;            /* the base field */
    ect_field fn;            /* the scalar field Z_n (for the GLV split) */
    int a_kind;              /* ECT_A_ZERO, ECT_A_MINUS3 or ECT_A_GENERIC */
    uint64_t a[ECT_MAXL];
    uint64_t b[ECT_MAXL];
    uint64_t gx[ECT_MAXL];   /* generator, affine */
    uint64_t gy[ECT_MAXL];
    int nbits;               /* bit length of n */
    /* GLV endomorphism (x, y) -> (beta x, y) acting as lambda on the subgroup.
     * k = k1 + k2 lambda (mod n) with
     *   c1 = s1 round(k g1 / 2^(64 glv_shift)), c2 = s2 round(k g2 / 2^(64 glv_shift)),
     *   k2 = c1 mb1 + c2 mb2 (mod n), k1 = k - k2 lambda (mod n). */
    int has_glv;
    uint64_t beta[ECT_MAXL];     /* Montgomery form, mod p */
    uint64_t lambda[ECT_MAXL];   /* Montgomery form, mod n */
    uint64_t mb1[ECT_MAXL];      /* -b1 mod n, Montgomery form */
    uint64_t mb2[ECT_MAXL];      /* -b2 mod n, Montgomery form */
    uint64_t g1[ECT_MAXL + 1];   /* round(2^(64 shift) |b2| / n), plain */
    uint64_t g2[ECT_MAXL + 1];   /* round(2^(64 shift) |b1| / n), plain */
    int glv_s1, glv_s2;          /* signs (+1/-1) of b2 and -b1 */
    int glv_shift;               /* in limbs */
    uint64_t half_n[ECT_MAXL];   /* (n - 1) / 2, plain: split outputs above are negated */
} ect_curve;

/* RFC 9380 map_to_curve for one suite (ect_h2c.h).  Field constants are in
 * Montgomery form; the Python layer (ectraverse.rfc9380) computes them. */
#define ECT_H2C_SSWU 1 /* simplified SWU, section 6.6.2 (on E' when there is an isogeny) */
#define ECT_H2C_SVDW 2 /* Shallue-van de Woestijne, section 6.6.1 */
#define ECT_ISO_MAX 16 /* coefficients per isogeny polynomial (BLS12-381 G1 needs 16) */
typedef struct {
    int kind;                 /* ECT_H2C_SSWU or ECT_H2C_SVDW */
    uint64_t A[ECT_MAXL];     /* the curve the map lands on: E', or E itself */
    uint64_t B[ECT_MAXL];
    uint64_t Z[ECT_MAXL];
    uint64_t c1[ECT_MAXL];    /* SSWU: -B/A          SvdW: g(Z) */
    uint64_t c2[ECT_MAXL];    /* SSWU: sqrt(-Z^3)    SvdW: -Z/2 */
    uint64_t c3[ECT_MAXL];    /* SSWU: B/(Z A)       SvdW: sqrt(-g(Z)(3Z^2 + 4A)), sgn0 = 0 */
    uint64_t c4[ECT_MAXL];    /* SSWU: unused        SvdW: -4 g(Z) / (3Z^2 + 4A) */
    int iso_len[4];           /* lengths of x_num, x_den, y_num, y_den; all 0: no isogeny */
    uint64_t iso[4][ECT_ISO_MAX][ECT_MAXL]; /* ascending powers */
    uint64_t h_eff[ECT_MAXL]; /* plain scalar (C->fn.n limbs) */
    int h_eff_is_one;
} ect_h2c;

/* ---- plain (non-modular) multi-limb helpers shared by every instantiation --- */

/* Bit i of a little-endian limb array. */
static inline int ect_limbs_bit(const uint64_t *a, int i) {
    return (int)((a[i >> 6] >> (i & 63)) & 1);
}

/* Bits [i, i + count) of a (count <= 32), reading past nlimbs as zero. */
static inline uint32_t ect_limbs_bits(const uint64_t *a, int nlimbs, int i, int count) {
    int limb = i >> 6, shift = i & 63;
    uint64_t v = limb < nlimbs ? a[limb] >> shift : 0;
    if (shift + count > 64 && limb + 1 < nlimbs) v |= a[limb + 1] << (64 - shift);
    return (uint32_t)(v & ((((uint64_t)1) << count) - 1));
}

/* Number of significant bits of a (0 for zero). */
static inline int ect_limbs_bitlen(const uint64_t *a, int nlimbs) {
    for (int i = nlimbs - 1; i >= 0; i--)
        if (a[i]) return 64 * i + 64 - __builtin_clzll(a[i]);
    return 0;
}

/* Compare a and b: -1, 0 or 1. */
static inline int ect_limbs_cmp(const uint64_t *a, const uint64_t *b, int nlimbs) {
    for (int i = nlimbs - 1; i >= 0; i--) {
        if (a[i] < b[i]) return -1;
        if (a[i] > b[i]) return 1;
    }
    return 0;
}

/* Big-endian bytes (exactly len of them) to nlimbs little-endian limbs.
 * Returns 0 if the value does not fit in nlimbs limbs. */
static inline int ect_limbs_from_be(uint64_t *r, int nlimbs, const uint8_t *in, size_t len) {
    memset(r, 0, sizeof(uint64_t) * (size_t)nlimbs);
    for (size_t i = 0; i < len; i++) {
        size_t bit = 8 * (len - 1 - i);
        if (in[i] == 0) continue;
        if (bit >= (size_t)64 * (size_t)nlimbs) return 0;
        r[bit >> 6] |= (uint64_t)in[i] << (bit & 63);
    }
    return 1;
}

/* nlimbs limbs to exactly len big-endian bytes (the value must fit). */
static inline void ect_limbs_to_be(uint8_t *out, size_t len, const uint64_t *a, int nlimbs) {
    for (size_t i = 0; i < len; i++) {
        size_t bit = 8 * (len - 1 - i);
        out[i] = bit < (size_t)64 * (size_t)nlimbs ? (uint8_t)(a[bit >> 6] >> (bit & 63)) : 0;
    }
}

/* ECT_SCALAR(v): keeps the limb v in a general register.  Without it GCC
 * vectorizes per-limb selects into 16-byte loads of limbs just stored one by
 * one from the carry chain, and every such load stalls (no store forwarding). */
#if defined(__GNUC__) || defined(__clang__)
#define ECT_SCALAR(v) __asm__("" : "+r"(v))
#else
#define ECT_SCALAR(v) ((void)0)
#endif

/* ECT_UNROLL: unroll the next loop fully.  GCC's heuristics leave nested
 * loops with triangular bounds rolled, and the P-521 products need their 9 x 9
 * digit products laid out in registers. */
#if defined(__clang__)
#define ECT_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define ECT_UNROLL _Pragma("GCC unroll 16")
#else
#define ECT_UNROLL
#endif

/* ECT_ALWAYS_INLINE: inline even where GCC's size heuristics would not (the
 * assembly helpers and the 4-limb field operations, see ect_field.h). */
#if defined(__GNUC__) || defined(__clang__)
#define ECT_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ECT_ALWAYS_INLINE static inline
#endif

/* ECT_ASM_X86: 1 where the x86-64 assembly and intrinsics are compiled in
 * (ect_field_x86.h, the ADC/SBB chains below, the AVX-512 P-521 code), 0 with
 * ECT_NO_ASM (setup.py's ECTRAVERSE_NO_ASM=1: the plain-C build), on other
 * CPUs and on other compilers.  Defined here and nowhere else. */
#if !defined(ECT_NO_ASM) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ECT_ASM_X86 1
#else
#define ECT_ASM_X86 0
#endif

/* One limb of a carry (borrow) chain: *r = a + b + c (a - b - c), returns the
 * carry (borrow) out, 0 or 1.  On x86-64 the ADC/SBB intrinsics, which GCC and
 * Clang turn into one carry chain; elsewhere (and with ECT_NO_ASM) 128-bit
 * arithmetic. */
#if ECT_ASM_X86
#include <x86intrin.h>
static inline uint64_t ect_addc(uint64_t *r, uint64_t a, uint64_t b, uint64_t c) {
    unsigned long long out;
    c = _addcarry_u64((unsigned char)c, a, b, &out);
    *r = out;
    return c;
}
static inline uint64_t ect_subb(uint64_t *r, uint64_t a, uint64_t b, uint64_t c) {
    unsigned long long out;
    c = _subborrow_u64((unsigned char)c, a, b, &out);
    *r = out;
    return c;
}
#else
static inline uint64_t ect_addc(uint64_t *r, uint64_t a, uint64_t b, uint64_t c) {
    ect_u128 t = (ect_u128)a + b + c;
    *r = (uint64_t)t;
    return (uint64_t)(t >> 64);
}
static inline uint64_t ect_subb(uint64_t *r, uint64_t a, uint64_t b, uint64_t c) {
    ect_u128 t = (ect_u128)a - b - c;
    *r = (uint64_t)t;
    return (uint64_t)(t >> 64) & 1;
}
#endif

/* r = a + b over nlimbs limbs, returns the carry out. */
static inline uint64_t ect_limbs_add(uint64_t *r, const uint64_t *a, const uint64_t *b, int nlimbs) {
    uint64_t c = 0;
    for (int i = 0; i < nlimbs; i++) c = ect_addc(&r[i], a[i], b[i], c);
    return c;
}

/* r = a - b over nlimbs limbs, returns the borrow out (0 or 1). */
static inline uint64_t ect_limbs_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, int nlimbs) {
    uint64_t borrow = 0;
    for (int i = 0; i < nlimbs; i++) borrow = ect_subb(&r[i], a[i], b[i], borrow);
    return borrow;
}

/* r = a * b (schoolbook), r has an + bn limbs and must not overlap a or b. */
static inline void ect_limbs_mul(uint64_t *r, const uint64_t *a, int an, const uint64_t *b, int bn) {
    for (int i = 0; i < an + bn; i++) r[i] = 0;
    for (int i = 0; i < an; i++) {
        uint64_t c = 0;
        for (int j = 0; j < bn; j++) {
            ect_u128 acc = (ect_u128)a[i] * b[j] + r[i + j] + c;
            r[i + j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        r[i + bn] = c;
    }
}

#include "ect_field_x86.h"

#endif /* ECT_COMMON_H */
