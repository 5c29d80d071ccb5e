/* ect_core9.c -- the 9-limb instantiation: 521-bit fields (P-521), with the
 * AVX-512 IFMA k P of ect_m521_avx512.h where the CPU has it. */

#define ECT_SFX 9
#define ECT_N 9
#define ECT_L 9
#define NL 9
#include "ect_instance.h"

int ect_avx512_m521_available(void) {
#if ECT_AVX512_M521
    return ect_cpu_has_avx512ifma();
#else
    return 0;
#endif
}

int ect_m521v_field(int op, uint64_t *r, const uint64_t *a, const uint64_t *b) {
#if ECT_AVX512_M521
    if (!ect_cpu_has_avx512ifma()) return 0;
    ect_m521v_field_op(op, r, a, b);
    return 1;
#else
    (void)op, (void)r, (void)a, (void)b;
    return 0;
#endif
}
