/* ect_coreg.c -- the run-time-sized instantiation: every field of 1..9 limbs
 * that has no fixed-size one (toy curves, custom curves of other sizes), and
 * the composition coefficients (arithmetic mod n, any size). */

#define ECT_SFX g
#define ECT_N 0
#define ECT_L ECT_MAXL
#define NL (F->n)
#include "ect_instance.h"

/* Montgomery arithmetic mod n: one product and one sum per position. */
int ect_composition_coefficients(const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L, size_t D,
                                 const uint64_t *k) {
    const ect_field *Fn = &C->fn;
    const size_t w = (size_t)Fn->n;
    ect_fe_g km, pw, t;
    ect_fe_g *acc = (ect_fe_g *)calloc(D ? D : 1, sizeof(ect_fe_g));
    if (!acc) return ECT_ERR_NOMEM;
    for (size_t i = 0; i < L; i++) {
        if (ids[i] < 0 || (size_t)ids[i] >= D) {
            free(acc);
            return 0;
        }
    }
    ect_fe_to_mont_g(Fn, &km, k);
    ect_fe_set_one_g(Fn, &pw);
    for (size_t i = L; i-- > 0;) {
        ect_fe_g *a = &acc[ids[i]];
        ect_fe_add_g(Fn, a, a, &pw);
        ect_fe_mul_g(Fn, &pw, &pw, &km);
    }
    for (size_t d = 0; d < D; d++) {
        t = acc[d];
        ect_fe_from_mont_g(Fn, out + d * w, &t);
    }
    free(acc);
    return 1;
}

