/* ect_ecmult.h -- scalar multiplication (template, see ect_field.h).
 *
 *   ecmult_var   k P, variable base: width-w NAF; on curves with an efficient
 *                endomorphism (a = 0, GLV) k is first split into two half-length
 *                scalars, halving the doublings.
 *   ecmult_gen   k G, fixed base: signed 8-bit windows over a table of
 *                d 2^(8i) G, so k G costs one mixed addition per window.
 *   msm          sum k_i P_i: Straus (interleaved wNAF) for few points,
 *                Pippenger (signed bucket method) for many; the cheaper one is
 *                picked by an operation-count model.  GLV-split when available.
 * Scalars are plain (not Montgomery) little-endian limb arrays of C->fn.n limbs.
 * VARIABLE-TIME: the sequence of additions depends on the scalar.
 */

#include "ect_scalar.h" /* wNAF, signed windows, the GLV split, the cost model */

/* A table entry: a Jacobian point with its Z^2 and Z^3, so that adding it
 * (ect_gej_add_zz) costs 10M + 4S instead of 11M + 5S. */
typedef struct {
    GEJ p;
    FE zz, zzz;
} T(ect_gejc);
#define GEJC T(ect_gejc)

static inline void T(ect_gejc_set)(const ect_curve *C, GEJC *r, const GEJ *p) {
    r->p = *p;
    T(ect_fe_sqr)(&C->fp, &r->zz, &p->Z);
    T(ect_fe_mul)(&C->fp, &r->zzz, &r->zz, &p->Z);
}

/* Table of odd multiples tab[i] = (2i + 1) P for i < 2^(w-2). */
static inline void T(ect_odd_multiples)(const ect_curve *C, GEJC *tab, const GEJ *P, int w) {
    GEJC P2;
    GEJ t;
    T(ect_gej_double)(C, &t, P);
    T(ect_gejc_set)(C, &P2, &t);
    T(ect_gejc_set)(C, &tab[0], P);
    for (int i = 1; i < (1 << (w - 2)); i++) {
        T(ect_gej_add_zz)(C, &t, &tab[i - 1].p, &P2.p, &P2.zz, &P2.zzz);
        T(ect_gejc_set)(C, &tab[i], &t);
    }
}

/* r += d tab[|d| / 2] with the sign of d flipped when neg. */
static inline void T(ect_add_digit)(const ect_curve *C, GEJ *r, const GEJC *tab, int d, int neg) {
    const GEJC *e = &tab[(d < 0 ? -d : d) >> 1];
    GEJ q = e->p;
    if ((d < 0) != (neg != 0)) T(ect_gej_neg)(C, &q, &q); /* Z, so Z^2 and Z^3, unchanged */
    T(ect_gej_add_zz)(C, r, r, &q, &e->zz, &e->zzz);
}

/* r = k P for the scalar k recoded in pl (ect_wnaf_plan_set); r may be P. */
static inline void T(ect_ecmult_plan)(const ect_curve *C, GEJ *r, const GEJ *P, const ect_wnaf_plan *pl) {
    GEJC tab1[16], tab2[16];
    GEJ acc = {{{0}}, {{0}}, {{0}}}; /* zeroed: the run-time-sized build sets NL limbs */
    const int w = pl->w, len1 = pl->len1, len2 = pl->len2;
    T(ect_gej_set_inf)(C, &acc);
    if (T(ect_gej_is_inf)(C, P)) {
        *r = acc;
        return;
    }
    T(ect_odd_multiples)(C, tab1, P, w);
    if (pl->glv) {
        FE beta;
        T(ect_fe_load)(&C->fp, &beta, C->beta);
        for (int i = 0; i < (1 << (w - 2)); i++) {
            tab2[i] = tab1[i];
            T(ect_fe_mul)(&C->fp, &tab2[i].p.X, &tab1[i].p.X, &beta); /* lambda P = (beta X, Y, Z) */
        }
    }
    int len = len1 > len2 ? len1 : len2;
    for (int i = len - 1; i >= 0; i--) {
        T(ect_gej_double)(C, &acc, &acc);
        if (i < len1 && pl->d1[i]) T(ect_add_digit)(C, &acc, tab1, pl->d1[i], pl->neg1);
        if (i < len2 && pl->d2[i]) T(ect_add_digit)(C, &acc, tab2, pl->d2[i], pl->neg2);
    }
    *r = acc;
}

/* r = k P for a plain scalar k of C->fn.n limbs (any value below 2^(64 n)).
 * The GLV split is used only when allow_glv and k < n: the endomorphism acts
 * as lambda only on the order-n subgroup, so points that may lie outside it
 * (cofactor clearing, subgroup checks) must pass allow_glv = 0. */
static inline void T(ect_ecmult_var)(const ect_curve *C, GEJ *r, const GEJ *P, const uint64_t *k, int allow_glv) {
#if ECT_N == 9 && ECT_AVX512_M521
    if (C->fp.avx512_m521) { /* P-521 on AVX-512 IFMA (ect_m521_avx512.h) */
        ect_ecmult_var_m521v(C, r, P, k);
        return;
    }
#endif
    ect_wnaf_plan pl;
    if (T(ect_gej_is_inf)(C, P)) {
        T(ect_gej_set_inf)(C, r);
        return;
    }
    ect_wnaf_plan_set(C, &pl, k, allow_glv);
    T(ect_ecmult_plan)(C, r, P, &pl);
}

/* ---- a Horner chain: S_i = k S_(i-1) + P_(ids[i]) ------------------------ */

/* Records normalised per batch inversion at the end of ect_horner_chain. */
#define ECT_HORNER_CHUNK 1024

/* out[i] = S_(i+1) for i < L, where S_0 = start (NULL: the identity) and
 * S_(i+1) = k S_i + a[ids[i]]: a and out are records as in ect_ops.h, ids
 * index a (the caller checks them), k is plain and below n.  k is recoded
 * once (as ect_ecmult_var would every time), the chain runs in Jacobian
 * coordinates, and the outputs are normalised at the end (Z = 1; the
 * identity Z = 0), ECT_HORNER_CHUNK of them per inversion; they stay
 * Jacobian if the work space cannot be allocated.  Cannot fail. */
static inline void T(ect_horner_chain)(const ect_curve *C, uint64_t *out, const uint64_t *start, const uint64_t *a,
                                       const int64_t *ids, size_t L, const uint64_t *k) {
    const size_t rec = 3 * (size_t)C->fp.n;
    GEJ s = {{{0}}, {{0}}, {{0}}}, p = {{{0}}, {{0}}, {{0}}}; /* zeroed: the run-time-sized build sets NL limbs */
    ect_wnaf_plan *pl = NULL;
    int per_step = 0; /* recode per step: ect_ecmult_var's own path (P-521 on AVX-512) */
#if ECT_N == 9 && ECT_AVX512_M521
    per_step = C->fp.avx512_m521;
#endif
    ect_wnaf_plan plan;
    if (!per_step) {
        pl = &plan;
        ect_wnaf_plan_set(C, pl, k, 1);
    }
    if (start) T(ect_gej_load)(C, &s, start);
    else T(ect_gej_set_inf)(C, &s);
    for (size_t i = 0; i < L; i++) {
        if (pl) T(ect_ecmult_plan)(C, &s, &s, pl);
        else T(ect_ecmult_var)(C, &s, &s, k, 1);
        T(ect_gej_load)(C, &p, a + (size_t)ids[i] * rec);
        T(ect_gej_add)(C, &s, &s, &p);
        T(ect_gej_store)(C, out + i * rec, &s);
    }
    /* normalise: one inversion per chunk */
    const size_t cm = L < ECT_HORNER_CHUNK ? L : ECT_HORNER_CHUNK;
    if (cm == 0) return;
    GEJ *jac = (GEJ *)malloc(sizeof(GEJ) * cm);
    GE *ge = (GE *)malloc(sizeof(GE) * cm);
    FE *scratch = (FE *)malloc(sizeof(FE) * cm);
    if (jac && ge && scratch) {
        for (size_t i0 = 0; i0 < L; i0 += cm) {
            const size_t c = L - i0 < cm ? L - i0 : cm;
            for (size_t i = 0; i < c; i++) T(ect_gej_load)(C, &jac[i], out + (i0 + i) * rec);
            T(ect_ge_set_gej_batch)(C, ge, jac, c, scratch);
            for (size_t i = 0; i < c; i++) {
                T(ect_gej_set_ge)(C, &jac[i], &ge[i]);
                T(ect_gej_store)(C, out + (i0 + i) * rec, &jac[i]);
            }
        }
    }
    free(jac);
    free(ge);
    free(scratch);
}

/* ---- many points times a few common scalars ---------------------------
 *
 * ecmult_common computes k_e P_i for every point P_i of a batch and every
 * scalar k_e of a short list.  Because the scalars are shared, every point
 * follows the same schedule, and two things become cheap:
 *   - the doublings 2^j P_i are computed once per point and serve every k_e
 *     (the NAF digits of k_e select which 2^j P_i to add), and
 *   - every step runs in affine coordinates, with the inversions of all the
 *     points' additions and doublings of one bit position shared through one
 *     Montgomery batch inversion: about 5M + 1S per addition and 5M + 2S per
 *     doubling, against 8M + 3S and 2M + 5S (or more) in Jacobian form.
 * A point whose affine step would divide by zero (the accumulator equals
 * +-2^j P_i, or 2^j P_i has order 2: never for the points of a prime-order
 * subgroup with random-looking scalars, often on toy curves) is marked and
 * recomputed with ecmult_var, so the result is exact for every input.
 */

/* Affine slope step: r = (x3, y3) from a = (x1, y1), lambda and x2:
 * x3 = lambda^2 - x1 - x2, y3 = lambda (x1 - x3) - y1. */
static inline void T(ect_ge_slope_step)(const ect_field *F, GE *r, const GE *a, const FE *lam, const FE *x2) {
    FE x3, t;
    T(ect_fe_sqr)(F, &x3, lam);
    T(ect_fe_sub)(F, &x3, &x3, &a->x);
    T(ect_fe_sub)(F, &x3, &x3, x2);
    T(ect_fe_sub)(F, &t, &a->x, &x3);
    T(ect_fe_mul)(F, &t, &t, lam);
    T(ect_fe_sub)(F, &r->y, &t, &a->y);
    r->x = x3;
    r->inf = 0;
}

/* Work space of ecmult_common for a chunk of up to cm points and np parts. */
typedef struct {
    GE *acc;            /* np * cm accumulators, acc[p cm + i] */
    GE *dbl;            /* cm points 2^j P_i */
    FE *bx;             /* cm values beta x(2^j P_i) */
    FE *den, *scratch;  /* (np + 1) cm denominators and the batch inversion's products */
    uint32_t *who;      /* (np + 1) cm entries: point index i and part p (np for a doubling) */
    uint8_t *bad;       /* cm flags: recompute point i with ecmult_var */
} T(ect_common_ws);

/* One bit position j: add digit j of every part to its accumulators, then
 * double 2^j P_i (unless last), all with one batch inversion. */
static inline void T(ect_common_step)(const ect_curve *C, T(ect_common_ws) *w, const GE *pts, size_t cm,
                                      const ect_common_part *parts, int np, int j, int last) {
    const ect_field *F = &C->fp;
    FE beta, a3 = {{0}}; /* a3 is read only when a != 0 */
    size_t cnt = 0;
    int need_beta = 0;
    T(ect_fe_load)(F, &beta, C->beta);
    for (int p = 0; p < np; p++) need_beta |= parts[p].beta && j < parts[p].len && parts[p].d[j];
    if (need_beta)
        for (size_t i = 0; i < cm; i++) T(ect_fe_mul)(F, &w->bx[i], &w->dbl[i].x, &beta);
    /* collect the denominators: x(addend) - x(acc), then 2 y(2^j P) */
    for (int p = 0; p < np; p++) {
        if (j >= parts[p].len || !parts[p].d[j]) continue;
        const int neg = (parts[p].d[j] < 0) != (parts[p].neg != 0);
        GE *acc = w->acc + (size_t)p * cm;
        for (size_t i = 0; i < cm; i++) {
            if (w->bad[i] || pts[i].inf) continue;
            const FE *x2 = parts[p].beta ? &w->bx[i] : &w->dbl[i].x;
            if (acc[i].inf) { /* the first digit: acc = +-addend, no inversion */
                acc[i].x = *x2;
                acc[i].y = w->dbl[i].y;
                if (neg) T(ect_fe_neg)(F, &acc[i].y, &acc[i].y);
                acc[i].inf = 0;
                continue;
            }
            T(ect_fe_sub)(F, &w->den[cnt], x2, &acc[i].x);
            if (T(ect_fe_is_zero)(F, &w->den[cnt])) {
                w->bad[i] = 1;
                continue;
            }
            w->who[2 * cnt] = (uint32_t)i;
            w->who[2 * cnt + 1] = (uint32_t)p;
            cnt++;
        }
    }
    if (!last) {
        for (size_t i = 0; i < cm; i++) {
            if (w->bad[i] || pts[i].inf) continue;
            T(ect_fe_dbl)(F, &w->den[cnt], &w->dbl[i].y);
            if (T(ect_fe_is_zero)(F, &w->den[cnt])) {
                w->bad[i] = 1;
                continue;
            }
            w->who[2 * cnt] = (uint32_t)i;
            w->who[2 * cnt + 1] = (uint32_t)np;
            cnt++;
        }
    }
    T(ect_fe_inv0_batch)(F, w->den, cnt, w->scratch);
    if (C->a_kind != ECT_A_ZERO) T(ect_fe_load)(F, &a3, C->a);
    /* apply: every addition reads 2^j P_i before any doubling overwrites it */
    for (size_t c = 0; c < cnt; c++) {
        const size_t i = w->who[2 * c];
        const int p = (int)w->who[2 * c + 1];
        if (w->bad[i]) continue; /* marked after its entry was collected */
        FE lam, t;
        if (p < np) {
            GE *acc = w->acc + (size_t)p * cm + i;
            const FE *x2 = parts[p].beta ? &w->bx[i] : &w->dbl[i].x;
            const int neg = (parts[p].d[j] < 0) != (parts[p].neg != 0);
            if (neg) T(ect_fe_add)(F, &t, &w->dbl[i].y, &acc->y); /* y2 - y1 with y2 = -y */
            else T(ect_fe_sub)(F, &t, &w->dbl[i].y, &acc->y);
            if (neg) T(ect_fe_neg)(F, &t, &t);
            T(ect_fe_mul)(F, &lam, &t, &w->den[c]);
            T(ect_ge_slope_step)(F, acc, acc, &lam, x2);
        } else {
            GE *d = &w->dbl[i];
            T(ect_fe_sqr)(F, &lam, &d->x);
            T(ect_fe_dbl)(F, &t, &lam);
            T(ect_fe_add)(F, &lam, &lam, &t); /* 3 x^2 */
            if (C->a_kind != ECT_A_ZERO) T(ect_fe_add)(F, &lam, &lam, &a3);
            T(ect_fe_mul)(F, &lam, &lam, &w->den[c]);
            T(ect_ge_slope_step)(F, d, d, &lam, &d->x);
        }
    }
}

/* out[e m + i] = k[e] a[i] for i < m, e < s (plain scalars, fn.n limbs each):
 * many points times a few common scalars, in chunks of points; a and out are
 * records as in ect_ops.h, the results stored with Z = 1 (identity: Z = 0).
 * Returns 1 or ECT_ERR_NOMEM. */
static int T(ect_ecmult_common)(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m, const uint64_t *k,
                                size_t s) {
    const ect_field *F = &C->fp;
    const size_t rec = 3 * (size_t)F->n, L = (size_t)C->fn.n;
    if (m == 0 || s == 0) return 1;
    int glv = C->has_glv;
    for (size_t e = 0; e < s; e++) glv &= ect_limbs_cmp(k + e * L, C->fn.p, (int)L) < 0;
    const size_t np = glv ? 2 * s : s;
    size_t cm = 65536 / (np + 1);
    if (cm > 512) cm = 512;
    if (cm < 64) cm = 64;
    if (cm > m) cm = m;
    T(ect_common_ws) w;
    ect_common_part *parts = (ect_common_part *)malloc(sizeof(ect_common_part) * np);
    int *digits = (int *)malloc(sizeof(int) * np * ECT_COMMON_STRIDE);
    GE *pts = (GE *)malloc(sizeof(GE) * cm);
    GEJ *jac = (GEJ *)malloc(sizeof(GEJ) * cm);
    w.acc = (GE *)malloc(sizeof(GE) * np * cm);
    w.dbl = (GE *)malloc(sizeof(GE) * cm);
    w.bx = (FE *)malloc(sizeof(FE) * cm);
    w.den = (FE *)malloc(sizeof(FE) * (np + 1) * cm);
    w.scratch = (FE *)malloc(sizeof(FE) * (np + 1) * cm);
    w.who = (uint32_t *)malloc(sizeof(uint32_t) * 2 * (np + 1) * cm);
    w.bad = (uint8_t *)malloc(cm);
    int rc = 1;
    if (!parts || !digits || !pts || !jac || !w.acc || !w.dbl || !w.bx || !w.den || !w.scratch || !w.who || !w.bad) {
        rc = ECT_ERR_NOMEM;
        goto done;
    }
    const int nparts = ect_common_parts(C, parts, digits, k, s, glv);
    int len = 0;
    for (int p = 0; p < nparts; p++) len = parts[p].len > len ? parts[p].len : len;
    for (size_t i0 = 0; i0 < m; i0 += cm) {
        const size_t c = m - i0 < cm ? m - i0 : cm;
        for (size_t i = 0; i < c; i++) T(ect_gej_load)(C, &jac[i], a + (i0 + i) * rec);
        T(ect_ge_set_gej_batch)(C, pts, jac, c, w.scratch);
        for (size_t i = 0; i < c; i++) {
            w.dbl[i] = pts[i];
            w.bad[i] = 0;
        }
        for (size_t q = 0; q < (size_t)nparts * c; q++) w.acc[q].inf = 1;
        /* the accumulators of the chunk are acc[p c + i] */
        for (int j = 0; j < len; j++) T(ect_common_step)(C, &w, pts, c, parts, nparts, j, j == len - 1);
        if (glv) { /* k_e P_i = acc[2e] + acc[2e + 1]: one more batched affine addition */
            size_t cnt = 0;
            for (size_t e = 0; e < s; e++) {
                GE *u = w.acc + 2 * e * c, *v = u + c;
                for (size_t i = 0; i < c; i++) {
                    if (w.bad[i] || pts[i].inf || v[i].inf) continue;
                    if (u[i].inf) {
                        u[i] = v[i];
                        continue;
                    }
                    T(ect_fe_sub)(F, &w.den[cnt], &v[i].x, &u[i].x);
                    if (T(ect_fe_is_zero)(F, &w.den[cnt])) {
                        w.bad[i] = 1;
                        continue;
                    }
                    w.who[2 * cnt] = (uint32_t)i;
                    w.who[2 * cnt + 1] = (uint32_t)e;
                    cnt++;
                }
            }
            T(ect_fe_inv0_batch)(F, w.den, cnt, w.scratch);
            for (size_t q = 0; q < cnt; q++) {
                const size_t i = w.who[2 * q], e = w.who[2 * q + 1];
                if (w.bad[i]) continue;
                GE *u = w.acc + 2 * e * c + i, *v = u + c;
                FE lam;
                T(ect_fe_sub)(F, &lam, &v->y, &u->y);
                T(ect_fe_mul)(F, &lam, &lam, &w.den[q]);
                T(ect_ge_slope_step)(F, u, u, &lam, &v->x);
            }
        }
        const size_t stride = glv ? 2 * c : c; /* result e is acc[e stride + i] */
        for (size_t e = 0; e < s; e++) {
            for (size_t i = 0; i < c; i++) {
                GEJ r;
                if (w.bad[i]) {
                    T(ect_ecmult_var)(C, &r, &jac[i], k + e * L, 1);
                } else {
                    const GE *q = &w.acc[e * stride + i]; /* identity inputs: acc stayed inf */
                    ECT_CHECK(q->inf || T(ect_ge_is_valid)(C, q));
                    T(ect_gej_set_ge)(C, &r, q);
                }
                T(ect_gej_store)(C, out + (e * m + i0 + i) * rec, &r);
            }
        }
    }
done:
    free(parts);
    free(digits);
    free(pts);
    free(jac);
    free(w.acc);
    free(w.dbl);
    free(w.bx);
    free(w.den);
    free(w.scratch);
    free(w.who);
    free(w.bad);
    return rc;
}

/* Build the fixed-base table: windows x 2^(wg-1) affine points,
 * entry [i][j] = (j + 1) 2^(wg i) G.  Returns NULL when out of memory. */
static inline GE *T(ect_gen_table_build)(const ect_curve *C) {
    const int wg = ect_gen_window(C->nbits), W = ect_gen_windows(C->nbits);
    const size_t E = (size_t)1 << (wg - 1), total = (size_t)W * E;
    GE *table = (GE *)malloc(sizeof(GE) * total);
    GEJ *jac = (GEJ *)malloc(sizeof(GEJ) * total);
    FE *scratch = (FE *)malloc(sizeof(FE) * total);
    if (!table || !jac || !scratch) {
        free(table);
        free(jac);
        free(scratch);
        return NULL;
    }
    GEJ base;
    T(ect_fe_load)(&C->fp, &base.X, C->gx);
    T(ect_fe_load)(&C->fp, &base.Y, C->gy);
    T(ect_fe_set_one)(&C->fp, &base.Z);
    for (int i = 0; i < W; i++) {
        GEJ *row = jac + (size_t)i * E;
        row[0] = base;
        for (size_t j = 1; j < E; j++) T(ect_gej_add)(C, &row[j], &row[j - 1], &base);
        T(ect_gej_double)(C, &base, &row[E - 1]); /* 2^wg base */
    }
    T(ect_ge_set_gej_batch)(C, table, jac, total, scratch);
    free(jac);
    free(scratch);
    return table;
}

/* r = k G with the table above; k plain, k < 2^(nbits). */
static inline void T(ect_ecmult_gen)(const ect_curve *C, GEJ *r, const GE *table, const uint64_t *k) {
    const int wg = ect_gen_window(C->nbits), W = ect_gen_windows(C->nbits);
    const size_t E = (size_t)1 << (wg - 1);
    int d[64 * ECT_MAXL / 4 + 4];
    GEJ acc = {{{0}}, {{0}}, {{0}}}; /* zeroed: the run-time-sized build sets NL limbs */
    ect_signed_digits(d, k, C->fn.n, wg, W);
    T(ect_gej_set_inf)(C, &acc);
    for (int i = 0; i < W; i++) {
        if (d[i] > 0) {
            T(ect_gej_add_ge)(C, &acc, &acc, &table[(size_t)i * E + (size_t)(d[i] - 1)]);
        } else if (d[i] < 0) {
            GE q;
            T(ect_ge_neg)(C, &q, &table[(size_t)i * E + (size_t)(-d[i] - 1)]);
            T(ect_gej_add_ge)(C, &acc, &acc, &q);
        }
    }
    *r = acc;
}

/* Straus: r = sum k_i P_i by interleaved wNAF over per-point tables; pts
 * affine, ks plain with klimbs limbs each, neg[i] flips the sign of point i.
 * Returns 0 when out of memory. */
static inline int T(ect_msm_straus)(const ect_curve *C, GEJ *r, const GE *pts, const int *neg,
                                    const uint64_t *ks, int klimbs, size_t m, int bits) {
    const int w = ect_wnaf_window(bits);
    const size_t tsz = (size_t)1 << (w - 2), dl = (size_t)64 * (size_t)klimbs + (size_t)w + 1;
    GEJC *tabs = (GEJC *)malloc(sizeof(GEJC) * tsz * (m ? m : 1));
    int *digits = (int *)malloc(sizeof(int) * dl * (m ? m : 1));
    int *lens = (int *)malloc(sizeof(int) * (m ? m : 1));
    if (!tabs || !digits || !lens) {
        free(tabs);
        free(digits);
        free(lens);
        return 0;
    }
    int len = 0;
    for (size_t i = 0; i < m; i++) {
        GEJ p;
        T(ect_gej_set_ge)(C, &p, &pts[i]);
        lens[i] = T(ect_gej_is_inf)(C, &p) ? 0 : ect_wnaf(digits + i * dl, ks + i * (size_t)klimbs, klimbs, w);
        if (lens[i]) T(ect_odd_multiples)(C, tabs + i * tsz, &p, w);
        if (lens[i] > len) len = lens[i];
    }
    GEJ acc;
    T(ect_gej_set_inf)(C, &acc);
    for (int b = len - 1; b >= 0; b--) {
        T(ect_gej_double)(C, &acc, &acc);
        for (size_t i = 0; i < m; i++) {
            int dv = b < lens[i] ? digits[i * dl + (size_t)b] : 0;
            if (dv) T(ect_add_digit)(C, &acc, tabs + i * tsz, dv, neg ? neg[i] : 0);
        }
    }
    *r = acc;
    free(tabs);
    free(digits);
    free(lens);
    return 1;
}

/* Pippenger with signed c-bit digits and 2^(c-1) buckets per window.
 * Returns 0 when out of memory. */
static inline int T(ect_msm_pippenger)(const ect_curve *C, GEJ *r, const GE *pts, const int *neg,
                                       const uint64_t *ks, int klimbs, size_t m, int bits, int c) {
    const int W = (bits + 1 + c - 1) / c;
    const size_t nb = (size_t)1 << (c - 1);
    int *digits = (int *)malloc(sizeof(int) * (size_t)W * (m ? m : 1));
    GEJ *buckets = (GEJ *)malloc(sizeof(GEJ) * nb);
    if (!digits || !buckets) {
        free(digits);
        free(buckets);
        return 0;
    }
    for (size_t i = 0; i < m; i++) ect_signed_digits(digits + i * (size_t)W, ks + i * (size_t)klimbs, klimbs, c, W);
    GEJ acc, running, sum;
    T(ect_gej_set_inf)(C, &acc);
    for (int win = W - 1; win >= 0; win--) {
        for (int s = 0; s < c; s++) T(ect_gej_double)(C, &acc, &acc);
        for (size_t b = 0; b < nb; b++) T(ect_gej_set_inf)(C, &buckets[b]);
        for (size_t i = 0; i < m; i++) {
            int dv = digits[i * (size_t)W + (size_t)win];
            if (!dv) continue;
            if ((dv < 0) != (neg && neg[i])) {
                GE q;
                T(ect_ge_neg)(C, &q, &pts[i]);
                T(ect_gej_add_ge)(C, &buckets[(dv < 0 ? -dv : dv) - 1], &buckets[(dv < 0 ? -dv : dv) - 1], &q);
            } else {
                T(ect_gej_add_ge)(C, &buckets[(dv < 0 ? -dv : dv) - 1], &buckets[(dv < 0 ? -dv : dv) - 1], &pts[i]);
            }
        }
        /* sum_b (b + 1) bucket[b] by a running sum from the top */
        T(ect_gej_set_inf)(C, &running);
        T(ect_gej_set_inf)(C, &sum);
        for (size_t b = nb; b-- > 0;) {
            T(ect_gej_add)(C, &running, &running, &buckets[b]);
            T(ect_gej_add)(C, &sum, &sum, &running);
        }
        T(ect_gej_add)(C, &acc, &acc, &sum);
    }
    *r = acc;
    free(digits);
    free(buckets);
    return 1;
}

#include "ect_pippenger.h"

/* Rows per thread of an MSM's GLV split, at least. */
#define ECT_GLV_ROWS_PER_THREAD 2048

/* One thread's rows lo .. hi - 1 of an MSM's GLV split (ect_msm). */
typedef struct {
    const ect_curve *C;
    const GE *pts;
    const uint64_t *ks;
    GE *gp;
    uint64_t *gk;
    int *gneg;
    size_t lo, hi;
} T(ect_glv_job);

/* k_i P_i = (s1 k1) P_i + (s2 k2) (lambda P_i): terms 2i and 2i + 1. */
static void *T(ect_glv_run)(void *arg) {
    const T(ect_glv_job) *j = (const T(ect_glv_job) *)arg;
    const ect_curve *C = j->C;
    const int L = C->fn.n;
    FE beta;
    ect_field fnx = C->fn; /* mod n on the assembly products where p's use them */
    fnx.asm_adx = C->fp.asm_adx;
    T(ect_fe_load)(&C->fp, &beta, C->beta);
    for (size_t i = j->lo; i < j->hi; i++) {
        T(ect_split_glv)(C, &fnx, j->gk + 2 * i * (size_t)L, &j->gneg[2 * i], j->gk + (2 * i + 1) * (size_t)L,
                         &j->gneg[2 * i + 1], j->ks + i * (size_t)L);
        j->gp[2 * i] = j->pts[i];
        j->gp[2 * i + 1] = j->pts[i];
        if (!j->pts[i].inf) T(ect_fe_mul)(&C->fp, &j->gp[2 * i + 1].x, &j->pts[i].x, &beta);
    }
    return NULL;
}

/* r = sum ks[i] pts[i] for m affine points and scalars (plain, C->fn.n limbs,
 * each < n), the GLV split's rows and the affine Pippenger's windows shared
 * among up to `threads` threads (the smaller methods, for few terms, run on
 * this one).  Returns 1, or 0 when out of memory. */
static inline int T(ect_msm)(const ect_curve *C, GEJ *r, const GE *pts, const uint64_t *ks, size_t m, int threads) {
    const int L = C->fn.n;
    const GE *P = pts;
    const uint64_t *K = ks;
    const int *neg = NULL;
    size_t mm = m;
    void *glv = NULL; /* one scratch block for the split's points, scalars and signs */
    GE *gp = NULL;
    uint64_t *gk = NULL;
    int *gneg = NULL;
    if (m == 0) {
        T(ect_gej_set_inf)(C, r);
        return 1;
    }
    if (C->has_glv) {
        /* 2m half-length terms: k_i P_i = (s1 k1) P_i + (s2 k2) (lambda P_i) */
        mm = 2 * m;
        const size_t size[3] = {sizeof(GE) * mm, sizeof(uint64_t) * mm * (size_t)L, sizeof(int) * mm};
        size_t at = 0;
        glv = ect_scratch_alloc(ect_scratch_bytes(size[0]) + ect_scratch_bytes(size[1]) + ect_scratch_bytes(size[2]));
        if (!glv) return 0;
        gp = (GE *)ect_scratch_piece(glv, &at, size[0]);
        gk = (uint64_t *)ect_scratch_piece(glv, &at, size[1]);
        gneg = (int *)ect_scratch_piece(glv, &at, size[2]);
        T(ect_glv_job) job[ECT_MSM_MAX_THREADS];
        const int n = ect_thread_count(threads, m / ECT_GLV_ROWS_PER_THREAD);
        for (int t = 0; t < n; t++) job[t] = (T(ect_glv_job)){C, pts, ks, gp, gk, gneg, m * t / n, m * (t + 1) / n};
        ect_run_jobs(n, T(ect_glv_run), job, sizeof(job[0]));
        P = gp;
        K = gk;
        neg = gneg;
    }
    int bits = 0;
    for (size_t i = 0; i < mm; i++) {
        int b = ect_limbs_bitlen(K + i * (size_t)L, L);
        if (b > bits) bits = b;
    }
    int ok;
    if (bits == 0) {
        T(ect_gej_set_inf)(C, r);
        ok = 1;
    } else {
        int best_c = 2, aff_c = 2;
        double best = ect_cost_pippenger(mm, bits, 2);
        double aff = ect_cost_pippenger_affine_shared(mm, bits, 2, C->fp.bits, threads);
        for (int c = 3; c <= 16; c++) {
            double cost = ect_cost_pippenger(mm, bits, c);
            if (cost < best) {
                best = cost;
                best_c = c;
            }
            cost = ect_cost_pippenger_affine_shared(mm, bits, c, C->fp.bits, threads);
            if (cost < aff) {
                aff = cost;
                aff_c = c;
            }
        }
        /* the cheapest of Straus, Jacobian and affine Pippenger */
        double straus = ect_cost_straus(mm, bits);
        int method = straus <= best ? 0 : 1;
        if (aff < (method ? best : straus) && mm < ((size_t)1 << 30)) method = 2;
        if (method == 0)
            ok = T(ect_msm_straus)(C, r, P, neg, K, L, mm, bits);
        else if (method == 1)
            ok = T(ect_msm_pippenger)(C, r, P, neg, K, L, mm, bits, best_c);
        else
            ok = T(ect_msm_pippenger_affine)(C, r, P, neg, K, L, mm, bits, aff_c, threads);
    }
    free(glv);
    return ok;
}
