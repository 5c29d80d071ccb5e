/* ect_field.h -- Montgomery arithmetic in F_p on 64-bit limbs (template).
 *
 * VARIABLE-TIME: the final subtractions, the inversion and the square root
 * branch on the values.  Never use this code on secret data.
 *
 * On x86-64 with BMI2 + ADX, 4- and 6-limb products, squares, sums and
 * differences run the assembly in ect_field_x86.h when F->asm_adx
 * is set; the P-256 and P-384 primes (F->p256, F->p384) and the primes
 * 2^256 - c with c < 2^64 (F->pm4: secp256k1) have their own reductions.
 * P-521 (F->mersenne521) multiplies in radix 2^58 and reduces by folding.
 *
 * Template parameters, set by ext/ect_core*.c before each inclusion (ect_instance.h):
 *   ECT_N     the limb count as a constant (4, 6, 9), or 0 for the run-time-sized build
 *   ECT_L     array length of a field element (the limb count, or ECT_MAXL)
 *   NL        loop bound: a constant, or (F->n) for the run-time-sized build
 *   T(name)   appends the instantiation's suffix (_4, _6, _9 or _g)
 * Every function takes the field descriptor F first; a constant NL lets the
 * compiler unroll every loop.
 *
 * Representation: an element a of F_p is stored as a*R mod p, R = 2^(64 n),
 * fully reduced (0 <= value < p).  Every function keeps that invariant and
 * accepts outputs aliasing inputs.
 */

typedef struct {
    uint64_t v[ECT_L];
} T(ect_fe);

/* The 4- and 6-limb products, squares, sums and differences dispatch to
 * assembly on x86-64 and are forced inline: called, each one saves and
 * restores the callee-saved registers its assembly clobbers; inlined into a
 * point formula, the formula saves them once.  Their portable bodies
 * (*_portable) stay ordinary functions, so the inlined code is only the
 * dispatch and the assembly. */
#if ECT_N == 4 || ECT_N == 6
#define ECT_FE_INLINE ECT_ALWAYS_INLINE
#define ECT_FE_MUL_INLINE ECT_ALWAYS_INLINE
#elif ECT_N == 9
/* 9 limbs: sums, differences and negations (ECT_FE9_INLINE below) are
 * forced inline too.  In a translation unit of its own, which the AVX-512
 * code makes large, GCC's inline-unit-growth limit otherwise leaves them out
 * of line: a call per modular addition in the point formulas.  Products and
 * squares stay calls, their radix-2^58 steps placed by GCC: forcing those
 * inline too cut instructions but ran slower. */
#define ECT_FE_INLINE ECT_ALWAYS_INLINE
#define ECT_FE_MUL_INLINE static inline
#else
#define ECT_FE_INLINE static inline
#define ECT_FE_MUL_INLINE static inline
#endif
#if ECT_N == 9
#define ECT_FE9_INLINE ECT_ALWAYS_INLINE /* forced inline for 9 limbs only (above) */
#else
#define ECT_FE9_INLINE static inline
#endif
/* Where the assembly is the fast path, the portable bodies are never inlined:
 * GCC would otherwise copy them into every formula when an instantiation has
 * a translation unit of its own (ect_core4.c, ect_core6.c), doubling the
 * formulas' code for a path these CPUs do not take. */
#if ECT_ASM_X86 && (ECT_N == 4 || ECT_N == 6) && (defined(__GNUC__) || defined(__clang__))
#define ECT_FE_PORTABLE static __attribute__((noinline))
#elif ECT_N == 9
#define ECT_FE_PORTABLE ECT_ALWAYS_INLINE
#else
#define ECT_FE_PORTABLE static inline
#endif

#define FE T(ect_fe)

/* Invariant check: a is fully reduced. */
#define FE_VERIFY(F, a) ECT_CHECK(ect_limbs_cmp((a)->v, (F)->p, NL) < 0)

static inline void T(ect_fe_set_zero)(const ect_field *F, FE *r) {
    for (int i = 0; i < NL; i++) r->v[i] = 0;
}

static inline void T(ect_fe_set_one)(const ect_field *F, FE *r) {
    for (int i = 0; i < NL; i++) r->v[i] = F->one[i];
}

/* Load n limbs (already in Montgomery form and reduced) from a buffer. */
static inline void T(ect_fe_load)(const ect_field *F, FE *r, const uint64_t *in) {
    for (int i = 0; i < NL; i++) r->v[i] = in[i];
    FE_VERIFY(F, r);
}

static inline void T(ect_fe_store)(const ect_field *F, uint64_t *out, const FE *a) {
    for (int i = 0; i < NL; i++) out[i] = a->v[i];
}

static inline int T(ect_fe_is_zero)(const ect_field *F, const FE *a) {
    uint64_t acc = 0;
    for (int i = 0; i < NL; i++) acc |= a->v[i];
    return acc == 0;
}

static inline int T(ect_fe_equal)(const ect_field *F, const FE *a, const FE *b) {
    uint64_t acc = 0;
    for (int i = 0; i < NL; i++) acc |= a->v[i] ^ b->v[i];
    return acc == 0;
}

/* r = t - p if (carry or t >= p) else t, for t < 2p given as NL limbs + carry.
 * Selects by mask, not by branch: the choice is a coin flip for random
 * values, and a mispredicted branch costs more than the select. */
ECT_FE9_INLINE void T(ect_fe_reduce_once)(const ect_field *F, FE *r, const uint64_t *t, uint64_t carry) {
    uint64_t d[ECT_L];
    uint64_t borrow = ect_limbs_sub(d, t, F->p, NL);
    uint64_t keep = (uint64_t)0 - (borrow & (carry ^ 1)); /* all ones: keep t */
    for (int i = 0; i < NL; i++) {
        uint64_t v = (t[i] & keep) | (d[i] & ~keep);
        ECT_SCALAR(v);
        r->v[i] = v;
    }
}

ECT_FE_PORTABLE void T(ect_fe_add_portable)(const ect_field *F, FE *r, const FE *a, const FE *b) {
    uint64_t t[ECT_L];
    uint64_t c = ect_limbs_add(t, a->v, b->v, NL);
    T(ect_fe_reduce_once)(F, r, t, c);
}

/* r = a + b mod p. */
ECT_FE_INLINE void T(ect_fe_add)(const ect_field *F, FE *r, const FE *a, const FE *b) {
#if ECT_ASM_X86 && ECT_N == 4
    if (F->asm_adx)
        ect_mod_add4_x86(r->v, a->v, b->v, F->p);
    else
#elif ECT_ASM_X86 && ECT_N == 6
    if (F->asm_adx)
        ect_mod_add6_x86(r->v, a->v, b->v, F->p);
    else
#endif
        T(ect_fe_add_portable)(F, r, a, b);
    FE_VERIFY(F, r);
}

ECT_FE_PORTABLE void T(ect_fe_sub_portable)(const ect_field *F, FE *r, const FE *a, const FE *b) {
    uint64_t t[ECT_L], pm[ECT_L];
    uint64_t mask = (uint64_t)0 - ect_limbs_sub(t, a->v, b->v, NL); /* add p back on a borrow */
    for (int i = 0; i < NL; i++) {
        pm[i] = F->p[i] & mask;
        ECT_SCALAR(pm[i]);
    }
    ect_limbs_add(r->v, t, pm, NL);
}

/* r = a - b mod p. */
ECT_FE_INLINE void T(ect_fe_sub)(const ect_field *F, FE *r, const FE *a, const FE *b) {
#if ECT_ASM_X86 && ECT_N == 4
    if (F->asm_adx)
        ect_mod_sub4_x86(r->v, a->v, b->v, F->p);
    else
#elif ECT_ASM_X86 && ECT_N == 6
    if (F->asm_adx)
        ect_mod_sub6_x86(r->v, a->v, b->v, F->p);
    else
#endif
        T(ect_fe_sub_portable)(F, r, a, b);
    FE_VERIFY(F, r);
}

/* r = -a mod p. */
ECT_FE9_INLINE void T(ect_fe_neg)(const ect_field *F, FE *r, const FE *a) {
    if (T(ect_fe_is_zero)(F, a)) {
        T(ect_fe_set_zero)(F, r);
        return;
    }
    uint64_t t[ECT_L];
    ect_limbs_sub(t, F->p, a->v, NL);
    for (int i = 0; i < NL; i++) r->v[i] = t[i];
}

/* r = 2a mod p. */
ECT_FE_INLINE void T(ect_fe_dbl)(const ect_field *F, FE *r, const FE *a) {
    T(ect_fe_add)(F, r, a, a);
}

/* r = a / 2 mod p: a >> 1 if a is even, else (a + p) >> 1 (p is odd). */
ECT_FE_INLINE void T(ect_fe_half)(const ect_field *F, FE *r, const FE *a) {
    uint64_t t[ECT_L], pm[ECT_L];
    uint64_t mask = (uint64_t)0 - (a->v[0] & 1);
    for (int i = 0; i < NL; i++) {
        pm[i] = F->p[i] & mask;
        ECT_SCALAR(pm[i]);
    }
    uint64_t c = ect_limbs_add(t, a->v, pm, NL);
    for (int i = 0; i < NL - 1; i++) {
        uint64_t v = (t[i] >> 1) | (t[i + 1] << 63);
        ECT_SCALAR(v); /* no vectorized shifts (see ECT_SCALAR) */
        r->v[i] = v;
    }
    r->v[NL - 1] = (t[NL - 1] >> 1) | (c << 63);
    FE_VERIFY(F, r);
}

#if ECT_N == 9
/* P-521 (p = 2^521 - 1).  2^521 = 1 mod p, so a value's 521-bit digits can
 * be summed (folded) instead of reduced, and multiplying by a power of 2 is a
 * rotation within 521 bits: the Montgomery factor R^-1 = 2^-576 = 2^-55 mod p
 * rotates right by 55, R = 2^55 right by 466.  No multiplication is spent on
 * reduction. */
#define ECT_M521_TOP 0x1FF /* limb 8 holds bits 512 .. 520 */

/* x = x mod p as a value below 2^521 (p itself may remain: it rotates to
 * itself and ect_m521_rotr maps it to 0), for x < 2^640 given as 10 limbs. */
static inline void T(ect_m521_fold)(uint64_t *x) {
    /* fold until x < 2^521 (twice at most): x = (x mod 2^521) + (x >> 521) */
    while ((x[8] >> 9) | x[9]) {
        uint64_t c = (x[8] >> 9) | (x[9] << 55), c2 = x[9] >> 9;
        x[8] &= ECT_M521_TOP;
        x[9] = 0;
        ect_u128 acc = (ect_u128)x[0] + c;
        x[0] = (uint64_t)acc;
        acc >>= 64;
        acc += (ect_u128)x[1] + c2;
        x[1] = (uint64_t)acc;
        acc >>= 64;
        for (int i = 2; i < 10 && acc; i++) {
            acc += x[i];
            x[i] = (uint64_t)acc;
            acc >>= 64;
        }
    }
}

/* r = x 2^-s mod p, fully reduced, for x < 2^521 in 10 limbs (x[9] = 0) and
 * a constant 0 < s < 521: x rotated right by s bits within 521 bits. */
static inline void T(ect_m521_rotr)(FE *r, const uint64_t *x, const int s) {
    for (int i = 0; i < 9; i++) { /* bits [64 i, 64 i + 64) of the result start at bit s + 64 i of x, cyclically */
        const int b = (s + 64 * i) % 521, w = b / 64, o = b % 64;
        uint64_t v = (x[w] >> o) | (o ? x[w + 1] << (64 - o) : 0);
        if (b + 64 > 521) v |= x[0] << (521 - b); /* the window wraps to bit 0 */
        r->v[i] = v;
    }
    r->v[8] &= ECT_M521_TOP;
    /* x = p (all ones, = 0 mod p) rotates to itself */
    uint64_t all = r->v[8] ^ ECT_M521_TOP;
    for (int i = 0; i < 8; i++) all |= ~r->v[i];
    if (!all)
        for (int i = 0; i < 9; i++) r->v[i] = 0;
}

/* REDC: r = t R^-1 mod p for t < 2^1152 (18 limbs). */
static inline void T(ect_fe_redc_m521)(FE *r, const uint64_t *t) {
    uint64_t x[10];
    /* x = (t mod 2^521) + (t >> 521), 10 limbs */
    ect_u128 acc = 0;
    for (int i = 0; i < 10; i++) {
        uint64_t lo = i < 8 ? t[i] : (i == 8 ? t[8] & ECT_M521_TOP : 0);
        uint64_t hi = (t[8 + i] >> 9) | (i + 9 < 18 ? t[9 + i] << 55 : 0);
        acc += (ect_u128)lo + hi;
        x[i] = (uint64_t)acc;
        acc >>= 64;
    }
    T(ect_m521_fold)(x);
    T(ect_m521_rotr)(r, x, 55);
}

/* Products in radix 2^58, as OpenSSL's ecp_nistp521.c does: a 521-bit value
 * is 9 digits of 58 bits, a digit product fits in 116 bits and a column of
 * nine of them in 128, so columns accumulate without carries; and
 * 2^522 = 2 mod p, so column k + 9 folds into column k doubled.
 *
 * Field products (ect_fe_mul_m521) split the digits off the 64-bit limbs on
 * entry and join them back on exit, so the representation elsewhere stays
 * 9 limbs of 64 bits.  The P-521 doubling (ect_gej_double_m521) stays in
 * digits throughout (ect_m58: plain values, not Montgomery form, digits
 * above 58 bits allowed), with the bounds written next to each step and
 * checked under ECT_VERIFY. */
#define ECT_M58 ((((uint64_t)1) << 58) - 1)

typedef struct {
    uint64_t d[9];
} T(ect_m58);

/* The 58-bit digits of a < 2^522 (9 limbs). */
static inline void T(ect_m521_digits)(uint64_t *d, const uint64_t *a) {
    d[0] = a[0] & ECT_M58;
    for (int k = 1; k < 9; k++) { /* digit k starts at bit 58 k, inside limb w, and ends in limb w + 1 */
        const int w = 58 * k / 64, s = 58 * k % 64;
        d[k] = ((a[w] >> s) | (a[w + 1] << (64 - s))) & ECT_M58;
    }
}

/* Largest digit, for the ECT_VERIFY bound checks. */
static inline uint64_t T(ect_m58_max)(const uint64_t *d) {
    uint64_t m = 0;
    for (int k = 0; k < 9; k++) m = d[k] > m ? d[k] : m;
    return m;
}

/* cols[k] = column k of a b with columns 9..16 folded (doubled) into 0..7.
 * The columns stay below 2^128 when max(a) max(b) < 2^123 (nine products, one
 * factor doubled), and b's digits must be below 2^63. */
static inline void T(ect_m58_cols_mul)(ect_u128 *cols, const uint64_t *A, const uint64_t *B) {
    uint64_t B2[9];
    ECT_CHECK(T(ect_m58_max)(B) >> 63 == 0);
    ECT_CHECK(((ect_u128)T(ect_m58_max)(A) * T(ect_m58_max)(B)) >> 123 == 0);
    for (int j = 0; j < 9; j++) B2[j] = B[j] << 1;
    ECT_UNROLL
    for (int k = 0; k < 9; k++) {
        ect_u128 s = 0;
        ECT_UNROLL
        for (int i = 0; i <= k; i++) s += (ect_u128)A[i] * B[k - i];
        ECT_UNROLL
        for (int i = k + 1; i < 9; i++) s += (ect_u128)A[i] * B2[k + 9 - i];
        cols[k] = s;
    }
}

/* The same for a^2: 45 digit products (a_i a_j for i < j once, doubled).
 * Below 2^128 when max(a)^2 < 2^123 (at most five products per column, the
 * largest a_i 4 a_j); a's digits must be below 2^62. */
static inline void T(ect_m58_cols_sqr)(ect_u128 *cols, const uint64_t *A) {
    uint64_t A2[9], A4[9];
    const uint64_t m = T(ect_m58_max)(A);
    ECT_CHECK(m >> 62 == 0 && ((ect_u128)m * m) >> 123 == 0);
    (void)m;
    for (int j = 0; j < 9; j++) {
        A2[j] = A[j] << 1;
        A4[j] = A[j] << 2;
    }
    ECT_UNROLL
    for (int k = 0; k < 9; k++) {
        ect_u128 s = 0;
        /* column k: i + j = k, then (folded, times 2) i + j = k + 9 */
        ECT_UNROLL
        for (int i = 0; 2 * i < k; i++) s += (ect_u128)A[i] * A2[k - i];
        if (k % 2 == 0) s += (ect_u128)A[k / 2] * A[k / 2];
        ECT_UNROLL
        for (int i = k + 1; 2 * i < k + 9; i++) s += (ect_u128)A[i] * A4[k + 9 - i];
        if (k % 2 == 1) s += (ect_u128)A[(k + 9) / 2] * A2[(k + 9) / 2];
        cols[k] = s;
    }
}

/* e[k] = the low 58 bits of v[k] plus the bits of v[k - 1] above them (v[8]'s,
 * at 2^522 = 2, go to e[0] doubled): one carry step, every digit at once. */
#define ECT_M58_CARRY_STEP(e, v, LO, HI)                                                           \
    do {                                                                                           \
        (e)[0] = LO((v)[0]) + (HI((v)[8]) << 1);                                                   \
        for (int k_ = 1; k_ < 9; k_++) (e)[k_] = LO((v)[k_]) + HI((v)[k_ - 1]);                   \
    } while (0)
#define ECT_M58_LO(x) ((uint64_t)(x) & ECT_M58)
#define ECT_M58_HI(x) ((x) >> 58)

/* Digits below 2^58 + 2^14 ("tight") from columns below 2^127.2 (what the
 * checks in the column functions allow): two carry steps, the first leaving
 * e_k < 2^58 + 2^70.2. */
static inline void T(ect_m58_carry)(T(ect_m58) *r, const ect_u128 *cols) {
    ect_u128 e[9];
    ECT_M58_CARRY_STEP(e, cols, ECT_M58_LO, ECT_M58_HI);
    ECT_M58_CARRY_STEP(r->d, e, ECT_M58_LO, (uint64_t)ECT_M58_HI);
}

/* r = a b and r = a^2 (mod p) on digits. */
static inline void T(ect_m58_mul)(T(ect_m58) *r, const T(ect_m58) *a, const T(ect_m58) *b) {
    ect_u128 cols[9];
    T(ect_m58_cols_mul)(cols, a->d, b->d);
    T(ect_m58_carry)(r, cols);
}
static inline void T(ect_m58_sqr)(T(ect_m58) *r, const T(ect_m58) *a) {
    ect_u128 cols[9];
    T(ect_m58_cols_sqr)(cols, a->d);
    T(ect_m58_carry)(r, cols);
}

/* r = a + b, r = m a (small m) and r = a + K p - b (K a power of two with
 * K p's digits, K (2^58 - 1) and K (2^57 - 1) for the top one, at least b's):
 * digit by digit, no carries. */
static inline void T(ect_m58_add)(T(ect_m58) *r, const T(ect_m58) *a, const T(ect_m58) *b) {
    for (int k = 0; k < 9; k++) r->d[k] = a->d[k] + b->d[k];
}
static inline void T(ect_m58_scale)(T(ect_m58) *r, const T(ect_m58) *a, uint64_t m) {
    for (int k = 0; k < 9; k++) r->d[k] = a->d[k] * m;
}
static inline void T(ect_m58_sub)(T(ect_m58) *r, const T(ect_m58) *a, const T(ect_m58) *b, uint64_t K) {
    for (int k = 0; k < 9; k++) {
        const uint64_t kp = K * (k < 8 ? ECT_M58 : ECT_M58 >> 1);
        ECT_CHECK(b->d[k] <= kp && a->d[k] + kp >= a->d[k]);
        r->d[k] = a->d[k] + kp - b->d[k];
    }
}

/* Digits of the plain value of a (Montgomery form in): a R^-1 = a 2^-55. */
static inline void T(ect_m58_from_fe)(T(ect_m58) *r, const FE *a) {
    uint64_t x[10];
    FE plain;
    for (int i = 0; i < 9; i++) x[i] = a->v[i];
    x[9] = 0;
    T(ect_m521_rotr)(&plain, x, 55);
    T(ect_m521_digits)(r->d, plain.v);
}

/* r = (sum of e[k] 2^(58 k)) 2^-s mod p, fully reduced, for e[k] < 2^64.
 * The e_k of even k do not overlap, nor those of odd k (each spans bits
 * [58 k, 58 k + 64)), so each set is placed into 64-bit limbs by shifts
 * alone and one addition joins the two: no serial carry chain. */
static inline void T(ect_m521_join)(FE *r, const uint64_t *e, const int s) {
    uint64_t x[10] = {0}, odd[10] = {0};
    ECT_UNROLL
    for (int k = 0; k < 9; k++) {
        uint64_t *dst = k % 2 ? odd : x;
        const int w = 58 * k / 64, o = 58 * k % 64;
        dst[w] |= e[k] << o;
        if (o) dst[w + 1] |= e[k] >> (64 - o);
    }
    ect_limbs_add(x, x, odd, 10); /* below 2^528: no carry out */
    T(ect_m521_fold)(x);
    T(ect_m521_rotr)(r, x, s);
}

/* r = the digits' value in Montgomery form (times R = 2^55 = 2^-466), fully
 * reduced, for digits below 2^64: one carry step leaves e_k < 2^58 + 2^7. */
static inline void T(ect_m58_to_fe)(FE *r, const T(ect_m58) *a) {
    uint64_t e[9];
    ECT_M58_CARRY_STEP(e, a->d, ECT_M58_LO, ECT_M58_HI);
    T(ect_m521_join)(r, e, 466);
}

/* r = a b 2^-576 mod p and r = a^2 2^-576 mod p (Montgomery products of
 * canonical a, b): the columns stay below 2^120.1 (digits < 2^58), so one
 * carry step leaves e_k < 2^64, then they are joined rotated by 2^-55. */
static inline void T(ect_m521_cols_to_fe)(FE *r, const ect_u128 *cols) {
    uint64_t e[9];
    ECT_CHECK((cols[8] >> 120) == 0);
    for (int k = 0; k < 8; k++) ECT_CHECK((cols[k] >> 121) == 0);
    ECT_M58_CARRY_STEP(e, cols, ECT_M58_LO, (uint64_t)ECT_M58_HI);
    T(ect_m521_join)(r, e, 55);
}
static inline void T(ect_fe_mul_m521)(FE *r, const FE *a, const FE *b) {
    uint64_t A[9], B[9];
    ect_u128 cols[9];
    T(ect_m521_digits)(A, a->v);
    T(ect_m521_digits)(B, b->v);
    T(ect_m58_cols_mul)(cols, A, B);
    T(ect_m521_cols_to_fe)(r, cols);
}
static inline void T(ect_fe_sqr_m521)(FE *r, const FE *a) {
    uint64_t A[9];
    ect_u128 cols[9];
    T(ect_m521_digits)(A, a->v);
    T(ect_m58_cols_sqr)(cols, A);
    T(ect_m521_cols_to_fe)(r, cols);
}
#endif

/* Montgomery reduction (REDC): r = t R^-1 mod p for t < p R, t given as 2 NL
 * limbs (destroyed).  Separated operand scanning: NL^2 multiplications. */
static inline void T(ect_fe_redc)(const ect_field *F, FE *r, uint64_t *t) {
#if ECT_N == 9
    if (F->mersenne521) {
        T(ect_fe_redc_m521)(r, t);
        FE_VERIFY(F, r);
        return;
    }
#endif
    uint64_t top = 0;
    for (int i = 0; i < NL; i++) {
        uint64_t m = t[i] * F->pinv; /* makes t[i] + m p[0] = 0 mod 2^64 */
        uint64_t c = 0;
        for (int j = 0; j < NL; j++) {
            ect_u128 acc = (ect_u128)m * F->p[j] + t[i + j] + c;
            t[i + j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        ect_u128 acc = (ect_u128)t[i + NL] + c + top;
        t[i + NL] = (uint64_t)acc;
        top = (uint64_t)(acc >> 64);
    }
    /* t / R = t[NL .. 2NL) + top 2^(64 NL) < 2p */
    T(ect_fe_reduce_once)(F, r, t + NL, top);
    FE_VERIFY(F, r);
}

/* The products and squares in portable C: schoolbook, then REDC. */
ECT_FE_PORTABLE void T(ect_fe_mul_portable)(const ect_field *F, FE *r, const FE *a, const FE *b) {
    uint64_t t[2 * ECT_L];
    for (int i = 0; i < NL; i++) t[i] = 0;
    for (int i = 0; i < NL; i++) {
        uint64_t c = 0;
        uint64_t ai = a->v[i];
        for (int j = 0; j < NL; j++) {
            ect_u128 acc = (ect_u128)ai * b->v[j] + t[i + j] + c;
            t[i + j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        t[i + NL] = c;
    }
    T(ect_fe_redc)(F, r, t);
}

/* The cross products are computed once and doubled: NL (NL + 1) / 2 + NL^2
 * word products. */
ECT_FE_PORTABLE void T(ect_fe_sqr_portable)(const ect_field *F, FE *r, const FE *a) {
    uint64_t t[2 * ECT_L];
    for (int i = 0; i < 2 * NL; i++) t[i] = 0;
    /* cross products a_i a_j, i < j */
    for (int i = 0; i < NL; i++) {
        uint64_t c = 0;
        for (int j = i + 1; j < NL; j++) {
            ect_u128 acc = (ect_u128)a->v[i] * a->v[j] + t[i + j] + c;
            t[i + j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        t[i + NL] = c;
    }
    /* double them */
    uint64_t hi = 0;
    for (int i = 0; i < 2 * NL; i++) {
        uint64_t x = t[i];
        t[i] = (x << 1) | hi;
        hi = x >> 63;
    }
    /* add the squares a_i^2 on the diagonal */
    uint64_t c = 0;
    for (int i = 0; i < NL; i++) {
        ect_u128 sq = (ect_u128)a->v[i] * a->v[i];
        ect_u128 acc = (ect_u128)t[2 * i] + (uint64_t)sq + c;
        t[2 * i] = (uint64_t)acc;
        acc = (ect_u128)t[2 * i + 1] + (uint64_t)(sq >> 64) + (uint64_t)(acc >> 64);
        t[2 * i + 1] = (uint64_t)acc;
        c = (uint64_t)(acc >> 64);
    }
    T(ect_fe_redc)(F, r, t);
}

/* r = a b R^-1 mod p (Montgomery product).  4- and 6-limb fields on CPUs with
 * BMI2 + ADX take the assembly in ect_field_x86.h, P-521 its radix-2^58
 * product, everything else the portable code. */
ECT_FE_MUL_INLINE void T(ect_fe_mul)(const ect_field *F, FE *r, const FE *a, const FE *b) {
#if ECT_ASM_X86 && ECT_N == 4
    if (F->asm_adx && F->p256)
        ect_mul_p256_adx(r->v, a->v, b->v);
    else if (F->asm_adx && F->pm4)
        ect_mul_pm4_adx(r->v, a->v, b->v, F->pinv, 0 - F->p[0]);
    else if (F->asm_adx)
        ect_mont_mul4_adx(r->v, a->v, b->v, F->p, F->pinv);
    else
#elif ECT_ASM_X86 && ECT_N == 6
    if (F->asm_adx && F->p384)
        ect_mont_mul_p384_adx(r->v, a->v, b->v);
    else if (F->asm_adx)
        ect_mont_mul6_adx(r->v, a->v, b->v, F->p, F->pinv);
    else
#elif ECT_N == 9
    if (F->mersenne521)
        T(ect_fe_mul_m521)(r, a, b);
    else
#endif
        T(ect_fe_mul_portable)(F, r, a, b);
    FE_VERIFY(F, r);
}

/* r = a^2 R^-1 mod p, dispatched as ect_fe_mul. */
ECT_FE_MUL_INLINE void T(ect_fe_sqr)(const ect_field *F, FE *r, const FE *a) {
#if ECT_ASM_X86 && ECT_N == 4
    if (F->asm_adx && F->p256)
        ect_sqr_p256_adx(r->v, a->v);
    else if (F->asm_adx && F->pm4)
        ect_sqr_pm4_adx(r->v, a->v, F->pinv, 0 - F->p[0]);
    else if (F->asm_adx)
        ect_mont_sqr4_adx(r->v, a->v, F->p, F->pinv);
    else
#elif ECT_ASM_X86 && ECT_N == 6
    if (F->asm_adx && F->p384)
        ect_mont_sqr_p384_adx(r->v, a->v);
    else if (F->asm_adx)
        ect_mont_sqr6_adx(r->v, a->v, F->p, F->pinv);
    else
#elif ECT_N == 9
    if (F->mersenne521)
        T(ect_fe_sqr_m521)(r, a);
    else
#endif
        T(ect_fe_sqr_portable)(F, r, a);
    FE_VERIFY(F, r);
}

/* r = a in Montgomery form, for a plain value a < p. */
static inline void T(ect_fe_to_mont)(const ect_field *F, FE *r, const uint64_t *a) {
    FE x = {{0}}, r2 = {{0}}; /* zeroed: the run-time-sized build only fills NL limbs */
    for (int i = 0; i < NL; i++) {
        x.v[i] = a[i];
        r2.v[i] = F->r2[i];
    }
    T(ect_fe_mul)(F, r, &x, &r2);
}

/* out = the plain value of a (leaves Montgomery form). */
static inline void T(ect_fe_from_mont)(const ect_field *F, uint64_t *out, const FE *a) {
    uint64_t t[2 * ECT_L];
    FE r;
    for (int i = 0; i < NL; i++) {
        t[i] = a->v[i];
        t[i + NL] = 0;
    }
    T(ect_fe_redc)(F, &r, t);
    for (int i = 0; i < NL; i++) out[i] = r.v[i];
}

/* Parse exactly F->nbytes big-endian bytes; returns 0 if the value is >= p
 * (set_be_checked: it never reduces). */
static inline int T(ect_fe_set_be_checked)(const ect_field *F, FE *r, const uint8_t *in) {
    uint64_t t[ECT_L];
    if (!ect_limbs_from_be(t, NL, in, (size_t)F->nbytes)) return 0;
    if (ect_limbs_cmp(t, F->p, NL) >= 0) return 0;
    T(ect_fe_to_mont)(F, r, t);
    return 1;
}

/* Write a as exactly F->nbytes big-endian bytes. */
static inline void T(ect_fe_get_be)(const ect_field *F, uint8_t *out, const FE *a) {
    uint64_t t[ECT_L];
    T(ect_fe_from_mont)(F, t, a);
    ect_limbs_to_be(out, (size_t)F->nbytes, t, NL);
}

/* 1 if the plain value of a is odd. */
static inline int T(ect_fe_is_odd)(const ect_field *F, const FE *a) {
    uint64_t t[ECT_L] = {0};
    T(ect_fe_from_mont)(F, t, a);
    return (int)(t[0] & 1);
}

/* r = a^e for a plain exponent e of elimbs limbs; fixed 4-bit windows.
 * Cost: bits(e) squarings + bits(e)/4 + 14 products. */
static inline void T(ect_fe_pow)(const ect_field *F, FE *r, const FE *a, const uint64_t *e, int elimbs) {
    FE tab[16], acc;
    T(ect_fe_set_one)(F, &tab[0]);
    tab[1] = *a;
    for (int i = 2; i < 16; i++) T(ect_fe_mul)(F, &tab[i], &tab[i - 1], a);
    int bits = ect_limbs_bitlen(e, elimbs);
    int top = (bits + 3) / 4;
    T(ect_fe_set_one)(F, &acc);
    for (int w = top - 1; w >= 0; w--) {
        if (w != top - 1)
            for (int s = 0; s < 4; s++) T(ect_fe_sqr)(F, &acc, &acc);
        uint32_t d = ect_limbs_bits(e, elimbs, 4 * w, 4);
        if (d) T(ect_fe_mul)(F, &acc, &acc, &tab[d]);
    }
    *r = acc;
}

/* r = 1/a (Fermat: a^(p-2)); r = 0 when a = 0. */
static inline void T(ect_fe_inv)(const ect_field *F, FE *r, const FE *a) {
    T(ect_fe_pow)(F, r, a, F->pm2, NL);
}

/* vals[i] = 1 / vals[i] for i < m with one inversion (Montgomery's trick);
 * zeros stay zero (RFC 9380's inv0).  scratch must hold m elements and must
 * not overlap vals.  3(m - 1) products + one inversion. */
static inline void T(ect_fe_inv0_batch)(const ect_field *F, FE *vals, size_t m, FE *scratch) {
    FE acc, t;
    T(ect_fe_set_one)(F, &acc);
    for (size_t i = 0; i < m; i++) {
        if (!T(ect_fe_is_zero)(F, &vals[i])) T(ect_fe_mul)(F, &acc, &acc, &vals[i]);
        scratch[i] = acc; /* product of the nonzero values up to i */
    }
    T(ect_fe_inv)(F, &acc, &acc);
    for (size_t k = m; k-- > 0;) {
        if (T(ect_fe_is_zero)(F, &vals[k])) continue;
        if (k > 0) {
            T(ect_fe_mul)(F, &t, &acc, &scratch[k - 1]);
            T(ect_fe_mul)(F, &acc, &acc, &vals[k]);
        } else {
            t = acc;
        }
        vals[k] = t;
    }
}

/* r = a square root of a; returns 0 (r unspecified) if a is not a square.
 * p = 3 mod 4: r = a^((p+1)/4).  Otherwise Tonelli-Shanks with the
 * precomputed non-residue power ts_c = z^q.  r may alias a. */
static inline int T(ect_fe_sqrt)(const ect_field *F, FE *r, const FE *a) {
    FE x, chk;
    if (F->p3mod4) {
        T(ect_fe_pow)(F, &x, a, F->sqrt_e, NL);
        T(ect_fe_sqr)(F, &chk, &x);
        if (!T(ect_fe_equal)(F, &chk, a)) return 0;
        *r = x;
        return 1;
    }
    if (T(ect_fe_is_zero)(F, a)) {
        T(ect_fe_set_zero)(F, r);
        return 1;
    }
    FE w, b, c, t, one;
    T(ect_fe_set_one)(F, &one);
    T(ect_fe_pow)(F, &w, a, F->sqrt_e, NL); /* w = a^((q-1)/2) */
    T(ect_fe_mul)(F, &x, a, &w);            /* x = a^((q+1)/2) */
    T(ect_fe_mul)(F, &b, &x, &w);           /* b = a^q */
    for (int i = 0; i < NL; i++) c.v[i] = F->ts_c[i];
    int m = F->ts_s;
    while (!T(ect_fe_equal)(F, &b, &one)) {
        /* least i with b^(2^i) = 1 */
        int i = 0;
        t = b;
        while (!T(ect_fe_equal)(F, &t, &one)) {
            T(ect_fe_sqr)(F, &t, &t);
            i++;
            if (i >= m) return 0; /* a is a non-residue */
        }
        t = c;
        for (int j = 0; j < m - i - 1; j++) T(ect_fe_sqr)(F, &t, &t);
        T(ect_fe_mul)(F, &x, &x, &t);
        T(ect_fe_sqr)(F, &c, &t);
        T(ect_fe_mul)(F, &b, &b, &c);
        m = i;
    }
    *r = x;
    return 1;
}

#undef ECT_FE_INLINE
#undef ECT_FE_PORTABLE
