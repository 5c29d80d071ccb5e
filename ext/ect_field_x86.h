/* ect_field_x86.h -- x86-64 assembly: Montgomery products with MULX/ADCX/ADOX
 * for 4- and 6-limb fields (any odd p), a 6-limb squaring, products and
 * squares whose reductions use the prime's shape (P-256 and P-384: shifts in
 * place of most multiplications; 2^256 - c, as secp256k1: one MULX by c per
 * round), and modular addition and subtraction for 4 and 6 limbs.
 *
 * Used only when the CPU reports BMI2 and ADX (checked at run time with
 * CPUID: ect_cpu_has_adx) and the field descriptor asks for it (asm_adx); the
 * portable C code in ect_field.h is the fallback and the reference the tests
 * compare this against.  VARIABLE-TIME like the rest of the core (the final
 * subtraction uses cmov, but callers branch on values anyway).
 *
 * Build with ECTRAVERSE_NO_ASM=1 (setup.py defines ECT_NO_ASM) to leave it out.
 */
#ifndef ECT_FIELD_X86_H
#define ECT_FIELD_X86_H

#if ECT_ASM_X86 /* ect_common.h */
#include <cpuid.h>

/* 1 if the CPU has BMI2 (MULX) and ADX (ADCX/ADOX): CPUID leaf 7, EBX bits 8 and 19. */
static inline int ect_cpu_has_adx(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ((b >> 8) & 1) && ((b >> 19) & 1);
}

/* r = a b R^-1 mod p for 4-limb p, a, b < p, R = 2^256; pinv = -p^-1 mod 2^64.
 * CIOS (coarsely integrated operand scanning): for each limb b[i],
 *   t += a b[i]                (MULX products, low words on the CF chain (ADCX),
 *                               high words on the OF chain (ADOX))
 *   m = t[0] pinv; t += m p; t >>= 64
 * t stays below 2p, so one conditional subtraction (SBB, CMOVC) ends it.
 * Registers: t0..t5 in r8..r13; rax/rbx receive MULX products; rdx is MULX's
 * implicit operand.  r may alias a or b (it is written last). */

/* One product step of a row: rdx times the limb at OFF of operand SRC (a or
 * p), its low word added into LO on the CF chain, its high word into HI on the
 * OF chain. */
#define ECT_MAC(SRC, OFF, LO, HI)                                                                  \
    "mulxq " OFF "(%[" SRC "]), %%rax, %%rbx\n\t"                                                  \
    "adcxq %%rax, %%" LO "\n\t"                                                                    \
    "adoxq %%rbx, %%" HI "\n\t"

/* The end of a row's product run: the CF and OF chains' last carries into
 * TOP, then into OVER (the word above it, zero before the run). */
#define ECT_CARRY_OUT(TOP, OVER)                                                                   \
    "adcxq %[zero], %%" TOP "\n\t"                                                                 \
    "adoxq %[zero], %%" OVER "\n\t"                                                                \
    "adcxq %[zero], %%" OVER "\n\t"

/* m = t0 pinv into rdx, and CF = OF = 0 for the reduction's run. */
#define ECT_M_STEP                                                                                 \
    "movq %%r8, %%rdx\n\t"                                                                         \
    "imulq %[pinv], %%rdx\n\t"                                                                     \
    "xorl %%eax, %%eax\n\t"

/* One CIOS row as assembly text. */
#define ECT_ROW4(OFF)                                                                       \
    /* t += a * b[i]: low words on the CF chain, high words on the OF chain */                     \
    "movq " OFF "(%[b]), %%rdx\n\t"                                                                \
    "xorl %%r13d, %%r13d\n\t" /* t5 = 0, CF = OF = 0 */                                            \
    ECT_MAC("a", "0", "r8", "r9")                                                                  \
    ECT_MAC("a", "8", "r9", "r10")                                                                 \
    ECT_MAC("a", "16", "r10", "r11")                                                               \
    ECT_MAC("a", "24", "r11", "r12")                                                               \
    ECT_CARRY_OUT("r12", "r13")                                                                    \
    /* m = t0 pinv; t += m p (the low word becomes 0); t >>= 64 */                                 \
    ECT_M_STEP                                                                                     \
    ECT_MAC("p", "0", "r8", "r9")                                                                  \
    ECT_MAC("p", "8", "r9", "r10")                                                                 \
    ECT_MAC("p", "16", "r10", "r11")                                                               \
    ECT_MAC("p", "24", "r11", "r12")                                                               \
    ECT_CARRY_OUT("r12", "r13")                                                                    \
    "movq %%r9, %%r8\n\t"                                                                          \
    "movq %%r10, %%r9\n\t"                                                                         \
    "movq %%r11, %%r10\n\t"                                                                        \
    "movq %%r12, %%r11\n\t"                                                                        \
    "movq %%r13, %%r12\n\t"

/* Four rows, then t < 2p: subtract p once unless that borrows. */
#define ECT_MONT_MUL4_ASM()                                                                   \
    __asm__ volatile("xorl %%r8d, %%r8d\n\t"                                                       \
                     "xorl %%r9d, %%r9d\n\t"                                                       \
                     "xorl %%r10d, %%r10d\n\t"                                                     \
                     "xorl %%r11d, %%r11d\n\t"                                                     \
                     "xorl %%r12d, %%r12d\n\t"                                                     \
                     ECT_ROW4("0") ECT_ROW4("8") ECT_ROW4("16") ECT_ROW4("24")                     \
                     "movq %%r8, %%rax\n\t"                                                        \
                     "subq 0(%[p]), %%rax\n\t"                                                     \
                     "movq %%r9, %%rbx\n\t"                                                        \
                     "sbbq 8(%[p]), %%rbx\n\t"                                                     \
                     "movq %%r10, %%rcx\n\t"                                                       \
                     "sbbq 16(%[p]), %%rcx\n\t"                                                    \
                     "movq %%r11, %%rdx\n\t"                                                       \
                     "sbbq 24(%[p]), %%rdx\n\t"                                                    \
                     "sbbq $0, %%r12\n\t"                                                          \
                     "cmovcq %%r8, %%rax\n\t"                                                      \
                     "cmovcq %%r9, %%rbx\n\t"                                                      \
                     "cmovcq %%r10, %%rcx\n\t"                                                     \
                     "cmovcq %%r11, %%rdx\n\t"                                                     \
                     "movq %%rax, 0(%[r])\n\t"                                                     \
                     "movq %%rbx, 8(%[r])\n\t"                                                     \
                     "movq %%rcx, 16(%[r])\n\t"                                                    \
                     "movq %%rdx, 24(%[r])\n\t"                                                    \
                     :                                                                             \
                     : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p), [pinv] "m"(pinv),          \
                       [zero] "m"(ect_zero_limb)                                                   \
                     : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "cc",   \
                       "memory")

static const uint64_t ect_zero_limb = 0;

ECT_ALWAYS_INLINE void ect_mont_mul4_adx(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p,
                                         uint64_t pinv) {
    ECT_MONT_MUL4_ASM();
}

/* r = a^2 R^-1 mod p for 4-limb p (any odd p; secp256k1 and BN254 use it):
 * the square into t0..t7 (r8..r15) by ECT_SQUARE4 (below), then four
 * Montgomery rounds in place, where round i adds m p (m = t_i pinv) to
 * t_i..t_{i+4} and rcx carries into t_{i+5}: 26 MULX against the product's
 * 32.  t < 2p ends in rcx:r15..r12. */
#define ECT_SQR4_ROUND(T0, T1, T2, T3, T4)                                                         \
    "movq %%" T0 ", %%rdx\n\t"                                                                     \
    "imulq %[pinv], %%rdx\n\t"                                                                     \
    "xorl %%eax, %%eax\n\t"                                                                        \
    ECT_MAC("p", "0", T0, T1)                                                                      \
    ECT_MAC("p", "8", T1, T2)                                                                      \
    ECT_MAC("p", "16", T2, T3)                                                                     \
    ECT_MAC("p", "24", T3, T4)                                                                     \
    "adcxq %%rcx, %%" T4 "\n\t"                                                                    \
    "movl $0, %%ecx\n\t"                                                                           \
    "adcxq %[zero], %%rcx\n\t"                                                                     \
    "adoxq %[zero], %%rcx\n\t"

/* The square of a 4-limb a into r8..r15: six cross products, doubled, plus
 * the four squares on the diagonal (10 MULX).  Uses rax, rbx, rcx, rdx. */
#define ECT_SQUARE4                                                                                \
    "movq 0(%[a]), %%rdx\n\t"                                                                      \
    "mulxq 8(%[a]), %%r9, %%r10\n\t"   /* a0 a1 */                                                 \
    "mulxq 16(%[a]), %%rax, %%r11\n\t" /* a0 a2 */                                                 \
    "mulxq 24(%[a]), %%rbx, %%r12\n\t" /* a0 a3 */                                                 \
    "addq %%rax, %%r10\n\t"                                                                        \
    "adcq %%rbx, %%r11\n\t"                                                                        \
    "adcq $0, %%r12\n\t"                                                                           \
    "movq 8(%[a]), %%rdx\n\t"                                                                      \
    "mulxq 16(%[a]), %%rax, %%rbx\n\t" /* a1 a2: words 3, 4 */                                     \
    "mulxq 24(%[a]), %%rcx, %%r13\n\t" /* a1 a3: words 4, 5 */                                     \
    "addq %%rcx, %%rbx\n\t"                                                                        \
    "adcq $0, %%r13\n\t"                                                                           \
    "addq %%rax, %%r11\n\t"                                                                        \
    "adcq %%rbx, %%r12\n\t"                                                                        \
    "adcq $0, %%r13\n\t"                                                                           \
    "movq 16(%[a]), %%rdx\n\t"                                                                     \
    "mulxq 24(%[a]), %%rax, %%r14\n\t" /* a2 a3: words 5, 6 */                                     \
    "addq %%rax, %%r13\n\t"                                                                        \
    "adcq $0, %%r14\n\t"                                                                           \
    "xorl %%r15d, %%r15d\n\t"                                                                      \
    /* double them (t7 takes the top bit) */                                                       \
    "addq %%r9, %%r9\n\t"                                                                          \
    "adcq %%r10, %%r10\n\t"                                                                        \
    "adcq %%r11, %%r11\n\t"                                                                        \
    "adcq %%r12, %%r12\n\t"                                                                        \
    "adcq %%r13, %%r13\n\t"                                                                        \
    "adcq %%r14, %%r14\n\t"                                                                        \
    "adcq %%r15, %%r15\n\t"                                                                        \
    /* add the squares a_i^2 on the diagonal (MULX and MOV keep CF) */                             \
    "movq 0(%[a]), %%rdx\n\t"                                                                      \
    "mulxq %%rdx, %%r8, %%rax\n\t"                                                                 \
    "addq %%rax, %%r9\n\t"                                                                         \
    "movq 8(%[a]), %%rdx\n\t"                                                                      \
    "mulxq %%rdx, %%rax, %%rbx\n\t"                                                                \
    "adcq %%rax, %%r10\n\t"                                                                        \
    "adcq %%rbx, %%r11\n\t"                                                                        \
    "movq 16(%[a]), %%rdx\n\t"                                                                     \
    "mulxq %%rdx, %%rax, %%rbx\n\t"                                                                \
    "adcq %%rax, %%r12\n\t"                                                                        \
    "adcq %%rbx, %%r13\n\t"                                                                        \
    "movq 24(%[a]), %%rdx\n\t"                                                                     \
    "mulxq %%rdx, %%rax, %%rbx\n\t"                                                                \
    "adcq %%rax, %%r14\n\t"                                                                        \
    "adcq %%rbx, %%r15\n\t"

ECT_ALWAYS_INLINE void ect_mont_sqr4_adx(uint64_t *r, const uint64_t *a, const uint64_t *p, uint64_t pinv) {
    uint64_t *out = r;
    __asm__ volatile(
        ECT_SQUARE4
        "xorl %%ecx, %%ecx\n\t"
        ECT_SQR4_ROUND("r8", "r9", "r10", "r11", "r12")
        ECT_SQR4_ROUND("r9", "r10", "r11", "r12", "r13")
        ECT_SQR4_ROUND("r10", "r11", "r12", "r13", "r14")
        ECT_SQR4_ROUND("r11", "r12", "r13", "r14", "r15")
        /* t = rcx:r15..r12 < 2p: subtract p unless that borrows */
        "movq %%r12, %%rax\n\t"
        "subq 0(%[p]), %%rax\n\t"
        "movq %%r13, %%rbx\n\t"
        "sbbq 8(%[p]), %%rbx\n\t"
        "movq %%r14, %%rdx\n\t"
        "sbbq 16(%[p]), %%rdx\n\t"
        "movq %%r15, %%r8\n\t"
        "sbbq 24(%[p]), %%r8\n\t"
        "sbbq $0, %%rcx\n\t" /* borrows only if t < p */
        "cmovcq %%r12, %%rax\n\t"
        "cmovcq %%r13, %%rbx\n\t"
        "cmovcq %%r14, %%rdx\n\t"
        "cmovcq %%r15, %%r8\n\t"
        "movq %[out], %%r9\n\t"
        "movq %%rax, 0(%%r9)\n\t"
        "movq %%rbx, 8(%%r9)\n\t"
        "movq %%rdx, 16(%%r9)\n\t"
        "movq %%r8, 24(%%r9)\n\t"
        :
        : [a] "r"(a), [p] "r"(p), [pinv] "m"(pinv), [out] "m"(out), [zero] "m"(ect_zero_limb)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* The P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 is -1 mod 2^64, so
 * pinv = 1 and a Montgomery round's m is the lowest word itself; and m p =
 * m 2^96 + m p3 2^192 - m with p3 = 2^64 - 2^32 + 1 (p's top limb).  So t + m p
 * clears that word exactly (t0 - m = 0) and adds m 2^32 (two shifts) one word
 * up and m p3 (one MULX) three words up: one MULX per round instead of four.
 *
 * One such round on a separated product t0..t7 in r8..r15: m = M (the lowest
 * word left), the three words above it gain m 2^32 and m p3, and M, now free,
 * receives the word above them (the high half of m p3 plus the carry, which
 * cannot overflow). */
#define ECT_RED_P256(M, A, B, C)                                                                   \
    "movq %%" M ", %%rdx\n\t"                                                                      \
    "movq %%" M ", %%rax\n\t"                                                                      \
    "shlq $32, %%rax\n\t"                                                                          \
    "movq %%" M ", %%rbx\n\t"                                                                      \
    "shrq $32, %%rbx\n\t"                                                                          \
    "mulxq %[p3], %%rcx, %%" M "\n\t"                                                              \
    "addq %%rax, %%" A "\n\t"                                                                      \
    "adcq %%rbx, %%" B "\n\t"                                                                      \
    "adcq %%rcx, %%" C "\n\t"                                                                      \
    "adcq $0, %%" M "\n\t"

/* r = t R^-1 mod p for the 512-bit t in r8..r15: four rounds on its low half
 * leave the words to add to the high half in r8..r11; the sum is below 2p, so
 * one subtraction of p (its limbs as immediates, p3 from memory) ends it.
 * Writes through the output pointer %[out] (read last). */
#define ECT_REDUCE_P256                                                                            \
    ECT_RED_P256("r8", "r9", "r10", "r11")                                                         \
    ECT_RED_P256("r9", "r10", "r11", "r8")                                                         \
    ECT_RED_P256("r10", "r11", "r8", "r9")                                                         \
    ECT_RED_P256("r11", "r8", "r9", "r10")                                                         \
    "addq %%r8, %%r12\n\t"                                                                         \
    "adcq %%r9, %%r13\n\t"                                                                         \
    "adcq %%r10, %%r14\n\t"                                                                        \
    "adcq %%r11, %%r15\n\t"                                                                        \
    "movl $0, %%r8d\n\t"                                                                           \
    "adcq $0, %%r8\n\t" /* t = r8:r15:r14:r13:r12 < 2p */                                          \
    "movl $0xffffffff, %%r9d\n\t"                                                                  \
    "movq %[p3], %%r11\n\t"                                                                        \
    "movq %%r12, %%rax\n\t"                                                                        \
    "movq %%r13, %%rbx\n\t"                                                                        \
    "movq %%r14, %%rcx\n\t"                                                                        \
    "movq %%r15, %%rdx\n\t"                                                                        \
    "subq $-1, %%rax\n\t"                                                                          \
    "sbbq %%r9, %%rbx\n\t"                                                                         \
    "sbbq $0, %%rcx\n\t"                                                                           \
    "sbbq %%r11, %%rdx\n\t"                                                                        \
    "sbbq $0, %%r8\n\t" /* borrows only if t < p */                                                \
    "cmovcq %%r12, %%rax\n\t"                                                                      \
    "cmovcq %%r13, %%rbx\n\t"                                                                      \
    "cmovcq %%r14, %%rcx\n\t"                                                                      \
    "cmovcq %%r15, %%rdx\n\t"                                                                      \
    "movq %[out], %%r10\n\t"                                                                       \
    "movq %%rax, 0(%%r10)\n\t"                                                                     \
    "movq %%rbx, 8(%%r10)\n\t"                                                                     \
    "movq %%rcx, 16(%%r10)\n\t"                                                                    \
    "movq %%rdx, 24(%%r10)\n\t"

/* Row i > 0 of a 4x4 product: t_i..t_{i+4} (T0..T4, T4 zero before) += a b[i]
 * (b[i] at OFF), low words on the CF chain, high words on the OF chain. */
#define ECT_PROD_ROW4(OFF, T0, T1, T2, T3, T4)                                                     \
    "movq " OFF "(%[b]), %%rdx\n\t"                                                                \
    "xorl %%" T4 "d, %%" T4 "d\n\t"                                                                \
    ECT_MAC("a", "0", T0, T1)                                                                      \
    ECT_MAC("a", "8", T1, T2)                                                                      \
    ECT_MAC("a", "16", T2, T3)                                                                     \
    ECT_MAC("a", "24", T3, T4)                                                                     \
    "adcxq %[zero], %%" T4 "\n\t"

/* The product of 4-limb a and b into r8..r15 (16 MULX, rows on the CF and OF
 * chains).  Uses rax, rbx, rcx, rdx. */
#define ECT_PRODUCT4                                                                               \
    "movq 0(%[b]), %%rdx\n\t"                                                                      \
    "mulxq 0(%[a]), %%r8, %%r9\n\t"                                                                \
    "mulxq 8(%[a]), %%rax, %%r10\n\t"                                                              \
    "mulxq 16(%[a]), %%rbx, %%r11\n\t"                                                             \
    "mulxq 24(%[a]), %%rcx, %%r12\n\t"                                                             \
    "addq %%rax, %%r9\n\t"                                                                         \
    "adcq %%rbx, %%r10\n\t"                                                                        \
    "adcq %%rcx, %%r11\n\t"                                                                        \
    "adcq $0, %%r12\n\t"                                                                           \
    ECT_PROD_ROW4("8", "r9", "r10", "r11", "r12", "r13")                                           \
    ECT_PROD_ROW4("16", "r10", "r11", "r12", "r13", "r14")                                         \
    ECT_PROD_ROW4("24", "r11", "r12", "r13", "r14", "r15")

static const uint64_t ect_p256_p3 = 0xffffffff00000001ULL; /* the P-256 prime's top limb */

/* r = a b R^-1 mod the P-256 prime: the whole product first (ECT_PRODUCT4),
 * then ECT_REDUCE_P256 (faster here than interleaving the rounds with the
 * rows, CIOS-style).  r may alias a or b. */
ECT_ALWAYS_INLINE void ect_mul_p256_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    uint64_t *out = r;
    __asm__ volatile(
        ECT_PRODUCT4
        ECT_REDUCE_P256
        :
        : [a] "r"(a), [b] "r"(b), [out] "m"(out), [p3] "m"(ect_p256_p3), [zero] "m"(ect_zero_limb)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* r = a^2 R^-1 mod the P-256 prime: the square (six cross products, doubled,
 * plus four squares: 10 MULX) into r8..r15, then ECT_REDUCE_P256.  r may
 * alias a. */
ECT_ALWAYS_INLINE void ect_sqr_p256_adx(uint64_t *r, const uint64_t *a) {
    uint64_t *out = r;
    __asm__ volatile(
        ECT_SQUARE4
        ECT_REDUCE_P256
        :
        : [a] "r"(a), [out] "m"(out), [p3] "m"(ect_p256_p3)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* Primes p = 2^256 - c with c < 2^64 (secp256k1: c = 2^32 + 977).  Then
 * pinv = c^-1 mod 2^64 and m p = m 2^256 - m c: a Montgomery round's m = t_i
 * pinv makes the low word of m c equal t_i, so the round only subtracts the
 * high word of m c one word up (one MULX, where the generic round has four)
 * and owes m at 2^(256 + 64 i).  Rounds in place on the product t0..t7 in
 * r8..r15: t_i, now zero, keeps m_i; the borrows out of the low half, and the
 * last round's high word, add up to Q in rcx.  Then
 *   t R^-1 = (t + M p) / 2^256 = t_hi + M - Q < 2p   (M = m_3..m_0),
 * and t - p = t + c - 2^256, so adding c decides the final subtraction.
 * Writes through the output pointer %[out]; %[c] and %[pinv] in memory. */
#define ECT_PM4_ROUND(T)                                                                           \
    "movq %%" T ", %%rdx\n\t"                                                                      \
    "imulq %[pinv], %%rdx\n\t"                                                                     \
    "movq %%rdx, %%" T "\n\t"                                                                      \
    "mulxq %[c], %%rax, %%rbx\n\t" /* rax = the round's t_i: it cancels */
#define ECT_REDUCE_PM4                                                                             \
    ECT_PM4_ROUND("r8")                                                                            \
    "xorl %%ecx, %%ecx\n\t"                                                                        \
    "subq %%rbx, %%r9\n\t"                                                                         \
    "sbbq $0, %%r10\n\t"                                                                           \
    "sbbq $0, %%r11\n\t"                                                                           \
    "adcq $0, %%rcx\n\t"                                                                           \
    ECT_PM4_ROUND("r9")                                                                            \
    "subq %%rbx, %%r10\n\t"                                                                        \
    "sbbq $0, %%r11\n\t"                                                                           \
    "adcq $0, %%rcx\n\t"                                                                           \
    ECT_PM4_ROUND("r10")                                                                           \
    "subq %%rbx, %%r11\n\t"                                                                        \
    "adcq $0, %%rcx\n\t"                                                                           \
    ECT_PM4_ROUND("r11")                                                                           \
    "addq %%rbx, %%rcx\n\t"                                                                        \
    /* t = t_hi + M - Q in rax:r15..r12 */                                                         \
    "addq %%r8, %%r12\n\t"                                                                         \
    "adcq %%r9, %%r13\n\t"                                                                         \
    "adcq %%r10, %%r14\n\t"                                                                        \
    "adcq %%r11, %%r15\n\t"                                                                        \
    "movl $0, %%eax\n\t"                                                                           \
    "adcq $0, %%rax\n\t"                                                                           \
    "subq %%rcx, %%r12\n\t"                                                                        \
    "sbbq $0, %%r13\n\t"                                                                           \
    "sbbq $0, %%r14\n\t"                                                                           \
    "sbbq $0, %%r15\n\t"                                                                           \
    "sbbq $0, %%rax\n\t"                                                                           \
    /* t + c: a carry into rax (nonzero) means t >= p, and t - p is the low words */               \
    "movq %%r12, %%r8\n\t"                                                                         \
    "movq %%r13, %%r9\n\t"                                                                         \
    "movq %%r14, %%r10\n\t"                                                                        \
    "movq %%r15, %%r11\n\t"                                                                        \
    "addq %[c], %%r8\n\t"                                                                          \
    "adcq $0, %%r9\n\t"                                                                            \
    "adcq $0, %%r10\n\t"                                                                           \
    "adcq $0, %%r11\n\t"                                                                           \
    "adcq $0, %%rax\n\t"                                                                           \
    "cmovnzq %%r8, %%r12\n\t"                                                                      \
    "cmovnzq %%r9, %%r13\n\t"                                                                      \
    "cmovnzq %%r10, %%r14\n\t"                                                                     \
    "cmovnzq %%r11, %%r15\n\t"                                                                     \
    "movq %[out], %%rax\n\t"                                                                       \
    "movq %%r12, 0(%%rax)\n\t"                                                                     \
    "movq %%r13, 8(%%rax)\n\t"                                                                     \
    "movq %%r14, 16(%%rax)\n\t"                                                                    \
    "movq %%r15, 24(%%rax)\n\t"

/* r = a b R^-1 mod p = 2^256 - c: ECT_PRODUCT4, then ECT_REDUCE_PM4 (20 MULX
 * against the generic product's 32).  r may alias a or b. */
ECT_ALWAYS_INLINE void ect_mul_pm4_adx(uint64_t *r, const uint64_t *a, const uint64_t *b, uint64_t pinv,
                                       uint64_t c) {
    uint64_t *out = r;
    __asm__ volatile(
        ECT_PRODUCT4
        ECT_REDUCE_PM4
        :
        : [a] "r"(a), [b] "r"(b), [out] "m"(out), [pinv] "m"(pinv), [c] "m"(c), [zero] "m"(ect_zero_limb)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* r = a^2 R^-1 mod p = 2^256 - c: ECT_SQUARE4, then ECT_REDUCE_PM4 (14 MULX
 * against 26).  r may alias a. */
ECT_ALWAYS_INLINE void ect_sqr_pm4_adx(uint64_t *r, const uint64_t *a, uint64_t pinv, uint64_t c) {
    uint64_t *out = r;
    __asm__ volatile(
        ECT_SQUARE4
        ECT_REDUCE_PM4
        :
        : [a] "r"(a), [out] "m"(out), [pinv] "m"(pinv), [c] "m"(c)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* The 6-limb products' ending: t (r8..r13) is stored through rax, p is
 * subtracted in the registers (ECT_T6_SUB_P, then the top word's borrow), and
 * on a borrow (t < p) the stored t is reloaded (CMOVC from memory) before the
 * final store. */
#define ECT_T6_STORE                                                                               \
    "movq %%r8, 0(%%rax)\n\t"                                                                      \
    "movq %%r9, 8(%%rax)\n\t"                                                                      \
    "movq %%r10, 16(%%rax)\n\t"                                                                    \
    "movq %%r11, 24(%%rax)\n\t"                                                                    \
    "movq %%r12, 32(%%rax)\n\t"                                                                    \
    "movq %%r13, 40(%%rax)\n\t"
#define ECT_T6_SUB_P                                                                               \
    "subq 0(%[p]), %%r8\n\t"                                                                       \
    "sbbq 8(%[p]), %%r9\n\t"                                                                       \
    "sbbq 16(%[p]), %%r10\n\t"                                                                     \
    "sbbq 24(%[p]), %%r11\n\t"                                                                     \
    "sbbq 32(%[p]), %%r12\n\t"                                                                     \
    "sbbq 40(%[p]), %%r13\n\t"
#define ECT_T6_KEEP_IF_BORROW                                                                      \
    "cmovcq 0(%%rax), %%r8\n\t"                                                                    \
    "cmovcq 8(%%rax), %%r9\n\t"                                                                    \
    "cmovcq 16(%%rax), %%r10\n\t"                                                                  \
    "cmovcq 24(%%rax), %%r11\n\t"                                                                  \
    "cmovcq 32(%%rax), %%r12\n\t"                                                                  \
    "cmovcq 40(%%rax), %%r13\n\t"

/* The same CIOS product for 6-limb p (P-384, BLS12-381).  t0..t7 live in
 * r8..r15; with a, b and p in three more registers every general register
 * but rbp and rsp is taken, so pinv and the output pointer are read from the
 * stack.  The final subtraction works in place: t is stored, p subtracted in
 * the registers, and the stored t reloaded (CMOVC from memory) on a borrow. */
#define ECT_ROW6(OFF)                                                                             \
    "movq " OFF "(%[b]), %%rdx\n\t"                                                                \
    "xorl %%r15d, %%r15d\n\t" /* t7 = 0, CF = OF = 0 */                                            \
    ECT_MAC("a", "0", "r8", "r9")                                                                  \
    ECT_MAC("a", "8", "r9", "r10")                                                                 \
    ECT_MAC("a", "16", "r10", "r11")                                                               \
    ECT_MAC("a", "24", "r11", "r12")                                                               \
    ECT_MAC("a", "32", "r12", "r13")                                                               \
    ECT_MAC("a", "40", "r13", "r14")                                                               \
    ECT_CARRY_OUT("r14", "r15")                                                                    \
    ECT_M_STEP                                                                                     \
    ECT_MAC("p", "0", "r8", "r9")                                                                  \
    ECT_MAC("p", "8", "r9", "r10")                                                                 \
    ECT_MAC("p", "16", "r10", "r11")                                                               \
    ECT_MAC("p", "24", "r11", "r12")                                                               \
    ECT_MAC("p", "32", "r12", "r13")                                                               \
    ECT_MAC("p", "40", "r13", "r14")                                                               \
    ECT_CARRY_OUT("r14", "r15")                                                                    \
    "movq %%r9, %%r8\n\t"                                                                          \
    "movq %%r10, %%r9\n\t"                                                                         \
    "movq %%r11, %%r10\n\t"                                                                        \
    "movq %%r12, %%r11\n\t"                                                                        \
    "movq %%r13, %%r12\n\t"                                                                        \
    "movq %%r14, %%r13\n\t"                                                                        \
    "movq %%r15, %%r14\n\t"

ECT_ALWAYS_INLINE void ect_mont_mul6_adx(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p,
                                         uint64_t pinv) {
    uint64_t *out = r;
    __asm__ volatile("xorl %%r8d, %%r8d\n\t"
                     "xorl %%r9d, %%r9d\n\t"
                     "xorl %%r10d, %%r10d\n\t"
                     "xorl %%r11d, %%r11d\n\t"
                     "xorl %%r12d, %%r12d\n\t"
                     "xorl %%r13d, %%r13d\n\t"
                     "xorl %%r14d, %%r14d\n\t"
                     ECT_ROW6("0") ECT_ROW6("8") ECT_ROW6("16") ECT_ROW6("24") ECT_ROW6("32") ECT_ROW6("40")
                     "movq %[out], %%rax\n\t"
                     ECT_T6_STORE
                     ECT_T6_SUB_P
                     "sbbq $0, %%r14\n\t" /* borrows only if t < p */
                     ECT_T6_KEEP_IF_BORROW
                     ECT_T6_STORE
                     :
                     : [a] "r"(a), [b] "r"(b), [p] "r"(p), [pinv] "m"(pinv), [out] "m"(out),
                       [zero] "m"(ect_zero_limb)
                     : "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc",
                       "memory");
}

/* The CIOS product for the P-384 prime p = 2^384 - 2^128 - 2^96 + 2^32 - 1.
 * pinv = 2^32 + 1, so m = t0 + (t0 << 32), and m p = m 2^384 - D with
 * D = m (2^128 + 2^96 - 2^32 + 1): with u = m << 32 and v = m >> 32 (so m 2^32
 * = v 2^64 + u), D's words are D0 = m - u (= t0, so t0 - D0 = 0 exactly and
 * nothing borrows out of word 0), D1 = u - v - borrow, D2 = m + v - borrow and
 * D3 = the carry.  A row's reduction is then t -= D (words 1..7), t6 += m, t
 * >>= 64: shifts, additions and subtractions in place of six MULX.  The
 * product half and the invariant t < 2p are ECT_ROW6's. */
/* One P-384 round on positions i..i+7 in r8..r15 (words above i + 7 are
 * zero or, in a squaring, not yet added): t -= D, t_{i+6} += m, as above;
 * t_i becomes zero and r8 may be overwritten. */
#define ECT_RED_P384                                                                               \
    "movq %%r8, %%rdx\n\t"                                                                         \
    "movq %%r8, %%rax\n\t"                                                                         \
    "shlq $32, %%rax\n\t"                                                                          \
    "addq %%rax, %%rdx\n\t" /* m = t0 (2^32 + 1) */                                                \
    "movq %%rdx, %%rax\n\t"                                                                        \
    "shlq $32, %%rax\n\t" /* u */                                                                  \
    "movq %%rdx, %%rbx\n\t"                                                                        \
    "shrq $32, %%rbx\n\t" /* v */                                                                  \
    "cmpq %%rax, %%rdx\n\t" /* CF: m - u borrows */                                                \
    "sbbq %%rbx, %%rax\n\t" /* D1 */                                                               \
    "movq %%rdx, %%rcx\n\t"                                                                        \
    "sbbq $0, %%rcx\n\t"                                                                           \
    "addq %%rbx, %%rcx\n\t" /* D2 */                                                               \
    "movl $0, %%ebx\n\t"                                                                           \
    "adcq $0, %%rbx\n\t" /* D3 */                                                                  \
    "subq %%rax, %%r9\n\t"                                                                         \
    "sbbq %%rcx, %%r10\n\t"                                                                        \
    "sbbq %%rbx, %%r11\n\t"                                                                        \
    "sbbq $0, %%r12\n\t"                                                                           \
    "sbbq $0, %%r13\n\t"                                                                           \
    "sbbq $0, %%r14\n\t"                                                                           \
    "sbbq $0, %%r15\n\t"                                                                           \
    "addq %%rdx, %%r14\n\t"                                                                        \
    "adcq $0, %%r15\n\t"

#define ECT_ROW_P384(OFF)                                                                          \
    "movq " OFF "(%[b]), %%rdx\n\t"                                                                \
    "xorl %%r15d, %%r15d\n\t" /* t7 = 0, CF = OF = 0 */                                            \
    ECT_MAC("a", "0", "r8", "r9")                                                                  \
    ECT_MAC("a", "8", "r9", "r10")                                                                 \
    ECT_MAC("a", "16", "r10", "r11")                                                               \
    ECT_MAC("a", "24", "r11", "r12")                                                               \
    ECT_MAC("a", "32", "r12", "r13")                                                               \
    ECT_MAC("a", "40", "r13", "r14")                                                               \
    ECT_CARRY_OUT("r14", "r15")                                                                    \
    ECT_RED_P384                                                                                   \
    "movq %%r9, %%r8\n\t"                                                                          \
    "movq %%r10, %%r9\n\t"                                                                         \
    "movq %%r11, %%r10\n\t"                                                                        \
    "movq %%r12, %%r11\n\t"                                                                        \
    "movq %%r13, %%r12\n\t"                                                                        \
    "movq %%r14, %%r13\n\t"                                                                        \
    "movq %%r15, %%r14\n\t"

/* t (r8..r13) - p for the P-384 prime, whose limbs are constants: p2..p5 as
 * immediates, p0 and p1 from rcx and rdx, so no pointer to p.  The caller
 * takes the last borrow into its carry word. */
#define ECT_P384_SUB_P                                                                             \
    "movl $0xffffffff, %%ecx\n\t" /* p0 */                                                         \
    "movq %%rcx, %%rdx\n\t"                                                                        \
    "notq %%rdx\n\t" /* p1 */                                                                      \
    "subq %%rcx, %%r8\n\t"                                                                         \
    "sbbq %%rdx, %%r9\n\t"                                                                         \
    "sbbq $-2, %%r10\n\t"                                                                          \
    "sbbq $-1, %%r11\n\t"                                                                          \
    "sbbq $-1, %%r12\n\t"                                                                          \
    "sbbq $-1, %%r13\n\t"

ECT_ALWAYS_INLINE void ect_mont_mul_p384_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    uint64_t *out = r;
    __asm__ volatile("xorl %%r8d, %%r8d\n\t"
                     "xorl %%r9d, %%r9d\n\t"
                     "xorl %%r10d, %%r10d\n\t"
                     "xorl %%r11d, %%r11d\n\t"
                     "xorl %%r12d, %%r12d\n\t"
                     "xorl %%r13d, %%r13d\n\t"
                     "xorl %%r14d, %%r14d\n\t"
                     ECT_ROW_P384("0") ECT_ROW_P384("8") ECT_ROW_P384("16") ECT_ROW_P384("24")
                     ECT_ROW_P384("32") ECT_ROW_P384("40")
                     "movq %[out], %%rax\n\t"
                     ECT_T6_STORE
                     ECT_P384_SUB_P
                     "sbbq $0, %%r14\n\t" /* borrows only if t < p */
                     ECT_T6_KEEP_IF_BORROW
                     ECT_T6_STORE
                     :
                     : [a] "r"(a), [b] "r"(b), [out] "m"(out), [zero] "m"(ect_zero_limb)
                     : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc",
                       "memory");
}

/* r = a^2 R^-1 mod p for 6-limb p: the square is formed first (15 cross
 * products, doubled, plus 6 squares: 21 MULX against the product's 36) into
 * t[12] on the stack, then reduced by six Montgomery rounds (36 MULX), where
 * ect_mont_mul6_adx interleaves 72.  Rounds hold positions i..i+5 in
 * r8..r13, t[i+6] in r14 and the carry into it in r15. */
#define ECT_SQR6_DIAG(OFF, K)                                                                      \
    "movq " OFF "(%[a]), %%rdx\n\t"                                                                \
    "mulxq %%rdx, %%rax, %%rbx\n\t"                                                                \
    "movq 8*" K "(%[t]), %%rdx\n\t"                                                                \
    "adcxq %%rdx, %%rdx\n\t"                                                                       \
    "adoxq %%rax, %%rdx\n\t"                                                                       \
    "movq %%rdx, 8*" K "(%[t])\n\t"                                                                \
    "movq 8*" K "+8(%[t]), %%rdx\n\t"                                                              \
    "adcxq %%rdx, %%rdx\n\t"                                                                       \
    "adoxq %%rbx, %%rdx\n\t"                                                                       \
    "movq %%rdx, 8*" K "+8(%[t])\n\t"
#define ECT_SQR6_ROUND(NEXT)                                                                       \
    "movq %%r8, %%rdx\n\t"                                                                         \
    "imulq %[pinv], %%rdx\n\t"                                                                     \
    "xorl %%eax, %%eax\n\t"                                                                        \
    ECT_MAC("p", "0", "r8", "r9")                                                                  \
    ECT_MAC("p", "8", "r9", "r10")                                                                 \
    ECT_MAC("p", "16", "r10", "r11")                                                               \
    ECT_MAC("p", "24", "r11", "r12")                                                               \
    ECT_MAC("p", "32", "r12", "r13")                                                               \
    ECT_MAC("p", "40", "r13", "r14")                                                               \
    "adcxq %%r15, %%r14\n\t"                                                                       \
    "movl $0, %%r15d\n\t"                                                                          \
    "adcxq %[zero], %%r15\n\t"                                                                     \
    "adoxq %[zero], %%r15\n\t"                                                                     \
    "movq %%r9, %%r8\n\t"                                                                          \
    "movq %%r10, %%r9\n\t"                                                                         \
    "movq %%r11, %%r10\n\t"                                                                        \
    "movq %%r12, %%r11\n\t"                                                                        \
    "movq %%r13, %%r12\n\t"                                                                        \
    "movq %%r14, %%r13\n\t"                                                                        \
    NEXT

/* The square of a 6-limb a into t[0..11] at %[t]: 15 cross products,
 * doubled, plus 6 squares (21 MULX).  Uses rax, rbx, rdx, r8..r15. */
#define ECT_SQUARE6                                                                                \
    /* row 0: a0 a1..a5 into positions 1..6 (r9..r14) */                                           \
    "movq 0(%[a]), %%rdx\n\t"                                                                      \
    "xorl %%r14d, %%r14d\n\t"                                                                      \
    "mulxq 8(%[a]), %%r9, %%r10\n\t"                                                               \
    "mulxq 16(%[a]), %%rax, %%r11\n\t"                                                             \
    "mulxq 24(%[a]), %%rbx, %%r12\n\t"                                                             \
    "addq %%rax, %%r10\n\t"                                                                        \
    "adcq %%rbx, %%r11\n\t"                                                                        \
    "mulxq 32(%[a]), %%rax, %%r13\n\t"                                                             \
    "mulxq 40(%[a]), %%rbx, %%r14\n\t"                                                             \
    "adcq %%rax, %%r12\n\t"                                                                        \
    "adcq %%rbx, %%r13\n\t"                                                                        \
    "adcq $0, %%r14\n\t"                                                                           \
    /* row 1: a1 a2..a5 into positions 3..7 (r11..r15) */                                          \
    "movq 8(%[a]), %%rdx\n\t"                                                                      \
    "xorl %%r15d, %%r15d\n\t"                                                                      \
    ECT_MAC("a", "16", "r11", "r12")                                                               \
    ECT_MAC("a", "24", "r12", "r13")                                                               \
    ECT_MAC("a", "32", "r13", "r14")                                                               \
    ECT_MAC("a", "40", "r14", "r15")                                                               \
    "adcxq %[zero], %%r15\n\t"                                                                     \
    /* positions 1..4 are final */                                                                 \
    "movq %%r9, 8(%[t])\n\t"                                                                       \
    "movq %%r10, 16(%[t])\n\t"                                                                     \
    "movq %%r11, 24(%[t])\n\t"                                                                     \
    "movq %%r12, 32(%[t])\n\t"                                                                     \
    /* row 2: a2 a3..a5 into positions 5..8 (r13, r14, r15, r9) */                                 \
    "movq 16(%[a]), %%rdx\n\t"                                                                     \
    "xorl %%r9d, %%r9d\n\t"                                                                        \
    ECT_MAC("a", "24", "r13", "r14")                                                               \
    ECT_MAC("a", "32", "r14", "r15")                                                               \
    ECT_MAC("a", "40", "r15", "r9")                                                                \
    "adcxq %[zero], %%r9\n\t"                                                                      \
    "movq %%r13, 40(%[t])\n\t"                                                                     \
    "movq %%r14, 48(%[t])\n\t"                                                                     \
    /* row 3: a3 a4, a3 a5 into positions 7..9 (r15, r9, r10) */                                   \
    "movq 24(%[a]), %%rdx\n\t"                                                                     \
    "xorl %%r10d, %%r10d\n\t"                                                                      \
    ECT_MAC("a", "32", "r15", "r9")                                                                \
    ECT_MAC("a", "40", "r9", "r10")                                                                \
    "adcxq %[zero], %%r10\n\t"                                                                     \
    "movq %%r15, 56(%[t])\n\t"                                                                     \
    "movq %%r9, 64(%[t])\n\t"                                                                      \
    /* row 4: a4 a5 into positions 9, 10 (r10, r11) */                                             \
    "movq 32(%[a]), %%rdx\n\t"                                                                     \
    "mulxq 40(%[a]), %%rax, %%r11\n\t"                                                             \
    "addq %%rax, %%r10\n\t"                                                                        \
    "adcq $0, %%r11\n\t"                                                                           \
    "movq %%r10, 72(%[t])\n\t"                                                                     \
    "movq %%r11, 80(%[t])\n\t"                                                                     \
    "movq $0, 0(%[t])\n\t"                                                                         \
    "movq $0, 88(%[t])\n\t"                                                                        \
    /* t = 2 t + the squares a_i^2 at positions 2i, 2i+1 (doubling on the                          \
     * CF chain, the squares on the OF chain; no carry leaves word 11) */                          \
    "xorl %%eax, %%eax\n\t"                                                                        \
    ECT_SQR6_DIAG("0", "0")                                                                        \
    ECT_SQR6_DIAG("8", "2")                                                                        \
    ECT_SQR6_DIAG("16", "4")                                                                       \
    ECT_SQR6_DIAG("24", "6")                                                                       \
    ECT_SQR6_DIAG("32", "8")                                                                       \
    ECT_SQR6_DIAG("40", "10")

ECT_ALWAYS_INLINE void ect_mont_sqr6_adx(uint64_t *r, const uint64_t *a, const uint64_t *p, uint64_t pinv) {
    uint64_t *out = r;
    uint64_t t[12];
    __asm__ volatile(
        ECT_SQUARE6
        /* six Montgomery rounds */
        "movq 0(%[t]), %%r8\n\t"
        "movq 8(%[t]), %%r9\n\t"
        "movq 16(%[t]), %%r10\n\t"
        "movq 24(%[t]), %%r11\n\t"
        "movq 32(%[t]), %%r12\n\t"
        "movq 40(%[t]), %%r13\n\t"
        "movq 48(%[t]), %%r14\n\t"
        "xorl %%r15d, %%r15d\n\t"
        ECT_SQR6_ROUND("movq 56(%[t]), %%r14\n\t")
        ECT_SQR6_ROUND("movq 64(%[t]), %%r14\n\t")
        ECT_SQR6_ROUND("movq 72(%[t]), %%r14\n\t")
        ECT_SQR6_ROUND("movq 80(%[t]), %%r14\n\t")
        ECT_SQR6_ROUND("movq 88(%[t]), %%r14\n\t")
        ECT_SQR6_ROUND("")
        /* t = r15:r13..r8 < 2p: subtract p unless that borrows (as in
         * ect_mont_mul6_adx, the stored t is reloaded on a borrow) */
        "movq %[out], %%rax\n\t"
        ECT_T6_STORE
        ECT_T6_SUB_P
        "sbbq $0, %%r15\n\t"
        ECT_T6_KEEP_IF_BORROW
        ECT_T6_STORE
        :
        : [a] "r"(a), [t] "r"(t), [p] "r"(p), [pinv] "m"(pinv), [out] "m"(out), [zero] "m"(ect_zero_limb)
        : "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* r = a^2 R^-1 mod the P-384 prime: ECT_SQUARE6, then six rounds of
 * ECT_RED_P384 in place of ECT_SQR6_ROUND's (no MULX, and m takes a shift
 * and an addition where the generic round waits for IMUL).  Rounds hold
 * positions i..i+5 in r8..r13, t[i+6] in r14 and the carry into it in r15
 * (zero or one: the window plus m p is below 2^449).  r may alias a. */
#define ECT_SQR_P384_ROUND(NEXT)                                                                   \
    "addq %%r15, %%r14\n\t" /* the carry into t_{i+6} */                                           \
    "movl $0, %%r15d\n\t"                                                                          \
    "adcq $0, %%r15\n\t"                                                                           \
    ECT_RED_P384                                                                                   \
    "movq %%r9, %%r8\n\t"                                                                          \
    "movq %%r10, %%r9\n\t"                                                                         \
    "movq %%r11, %%r10\n\t"                                                                        \
    "movq %%r12, %%r11\n\t"                                                                        \
    "movq %%r13, %%r12\n\t"                                                                        \
    "movq %%r14, %%r13\n\t"                                                                        \
    NEXT

ECT_ALWAYS_INLINE void ect_mont_sqr_p384_adx(uint64_t *r, const uint64_t *a) {
    uint64_t *out = r;
    uint64_t t[12];
    __asm__ volatile(
        ECT_SQUARE6
        "movq 0(%[t]), %%r8\n\t"
        "movq 8(%[t]), %%r9\n\t"
        "movq 16(%[t]), %%r10\n\t"
        "movq 24(%[t]), %%r11\n\t"
        "movq 32(%[t]), %%r12\n\t"
        "movq 40(%[t]), %%r13\n\t"
        "movq 48(%[t]), %%r14\n\t"
        "xorl %%r15d, %%r15d\n\t"
        ECT_SQR_P384_ROUND("movq 56(%[t]), %%r14\n\t")
        ECT_SQR_P384_ROUND("movq 64(%[t]), %%r14\n\t")
        ECT_SQR_P384_ROUND("movq 72(%[t]), %%r14\n\t")
        ECT_SQR_P384_ROUND("movq 80(%[t]), %%r14\n\t")
        ECT_SQR_P384_ROUND("movq 88(%[t]), %%r14\n\t")
        ECT_SQR_P384_ROUND("")
        /* t = r15:r13..r8 < 2p: subtract p unless that borrows */
        "movq %[out], %%rax\n\t"
        ECT_T6_STORE
        ECT_P384_SUB_P
        "sbbq $0, %%r15\n\t"
        ECT_T6_KEEP_IF_BORROW
        ECT_T6_STORE
        :
        : [a] "r"(a), [t] "r"(t), [out] "m"(out), [zero] "m"(ect_zero_limb)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* r = a + b mod p for 4-limb p (a, b < p): ADD/ADC, then subtract p unless
 * that borrows (CMOVC keeps the sum).  Baseline x86-64 only. */
ECT_ALWAYS_INLINE void ect_mod_add4_x86(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "xorl %%eax, %%eax\n\t"
        "addq 0(%[b]), %%r8\n\t"
        "adcq 8(%[b]), %%r9\n\t"
        "adcq 16(%[b]), %%r10\n\t"
        "adcq 24(%[b]), %%r11\n\t"
        "adcq $0, %%rax\n\t" /* carry out of the sum */
        "movq %%r8, %%rbx\n\t"
        "subq 0(%[p]), %%rbx\n\t"
        "movq %%r9, %%rcx\n\t"
        "sbbq 8(%[p]), %%rcx\n\t"
        "movq %%r10, %%rdx\n\t"
        "sbbq 16(%[p]), %%rdx\n\t"
        "movq %%r11, %%rsi\n\t"
        "sbbq 24(%[p]), %%rsi\n\t"
        "sbbq $0, %%rax\n\t" /* borrows only if sum < p */
        "cmovcq %%r8, %%rbx\n\t"
        "cmovcq %%r9, %%rcx\n\t"
        "cmovcq %%r10, %%rdx\n\t"
        "cmovcq %%r11, %%rsi\n\t"
        "movq %%rbx, 0(%[r])\n\t"
        "movq %%rcx, 8(%[r])\n\t"
        "movq %%rdx, 16(%[r])\n\t"
        "movq %%rsi, 24(%[r])\n\t"
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p)
        : "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* r = a - b mod p for 4-limb p (a, b < p): SUB/SBB, then add p masked by the
 * borrow.  Baseline x86-64 only. */
ECT_ALWAYS_INLINE void ect_mod_sub4_x86(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "subq 0(%[b]), %%r8\n\t"
        "sbbq 8(%[b]), %%r9\n\t"
        "sbbq 16(%[b]), %%r10\n\t"
        "sbbq 24(%[b]), %%r11\n\t"
        "sbbq %%rax, %%rax\n\t" /* mask = borrow ? ~0 : 0 */
        "movq 0(%[p]), %%rbx\n\t"
        "movq 8(%[p]), %%rcx\n\t"
        "movq 16(%[p]), %%rdx\n\t"
        "movq 24(%[p]), %%rsi\n\t"
        "andq %%rax, %%rbx\n\t"
        "andq %%rax, %%rcx\n\t"
        "andq %%rax, %%rdx\n\t"
        "andq %%rax, %%rsi\n\t"
        "addq %%rbx, %%r8\n\t"
        "adcq %%rcx, %%r9\n\t"
        "adcq %%rdx, %%r10\n\t"
        "adcq %%rsi, %%r11\n\t"
        "movq %%r8, 0(%[r])\n\t"
        "movq %%r9, 8(%[r])\n\t"
        "movq %%r10, 16(%[r])\n\t"
        "movq %%r11, 24(%[r])\n\t"
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p)
        : "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* r = a + b mod p for 6-limb p (a, b < p): ADD/ADC into r8..r13, the sum
 * stored, p subtracted in the registers, and the stored sum reloaded (CMOVC)
 * on a borrow, as the 6-limb products end.  r may alias a or b.  Baseline
 * x86-64 only. */
ECT_ALWAYS_INLINE void ect_mod_add6_x86(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "movq 32(%[a]), %%r12\n\t"
        "movq 40(%[a]), %%r13\n\t"
        "xorl %%ecx, %%ecx\n\t"
        "addq 0(%[b]), %%r8\n\t"
        "adcq 8(%[b]), %%r9\n\t"
        "adcq 16(%[b]), %%r10\n\t"
        "adcq 24(%[b]), %%r11\n\t"
        "adcq 32(%[b]), %%r12\n\t"
        "adcq 40(%[b]), %%r13\n\t"
        "adcq $0, %%rcx\n\t" /* carry out of the sum */
        "movq %[r], %%rax\n\t"
        ECT_T6_STORE
        ECT_T6_SUB_P
        "sbbq $0, %%rcx\n\t" /* borrows only if sum < p */
        ECT_T6_KEEP_IF_BORROW
        ECT_T6_STORE
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p)
        : "rax", "rcx", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}

/* r = a - b mod p for 6-limb p (a, b < p): SUB/SBB, then p added on a
 * borrow: CMOVC picks p's limb or zero and ADOX adds it on the OF chain, so
 * the borrow in CF survives the whole run.  r may alias a or b.  Baseline
 * x86-64 only but for ADOX (the asm_adx CPUs). */
ECT_ALWAYS_INLINE void ect_mod_sub6_x86(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *p) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "movq 32(%[a]), %%r12\n\t"
        "movq 40(%[a]), %%r13\n\t"
        "subq 0(%[b]), %%r8\n\t"
        "sbbq 8(%[b]), %%r9\n\t"
        "sbbq 16(%[b]), %%r10\n\t"
        "sbbq 24(%[b]), %%r11\n\t"
        "sbbq 32(%[b]), %%r12\n\t"
        "sbbq 40(%[b]), %%r13\n\t"
        "sbbq %%rcx, %%rcx\n\t" /* 0 - CF: keeps CF, clears OF */
        "movl $0, %%eax\n\t"
        "cmovcq 0(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r8\n\t"
        "movl $0, %%eax\n\t"
        "cmovcq 8(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r9\n\t"
        "movl $0, %%eax\n\t"
        "cmovcq 16(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r10\n\t"
        "movl $0, %%eax\n\t"
        "cmovcq 24(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r11\n\t"
        "movl $0, %%eax\n\t"
        "cmovcq 32(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r12\n\t"
        "movl $0, %%eax\n\t"
        "cmovcq 40(%[p]), %%rax\n\t"
        "adoxq %%rax, %%r13\n\t"
        "movq %[r], %%rax\n\t"
        ECT_T6_STORE
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p] "r"(p)
        : "rax", "rcx", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}

#else
static inline int ect_cpu_has_adx(void) { return 0; }
#endif

#endif /* ECT_FIELD_X86_H */
