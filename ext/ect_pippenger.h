/* ect_pippenger.h -- Pippenger MSM with affine buckets and batched inversions
 * (template, see ect_field.h; included by ect_ecmult.h before ect_msm).
 *
 *   msm_pippenger_affine   sum k_i P_i with signed c-bit digits, like
 *       ect_msm_pippenger, but every bucket is an affine point and the bucket
 *       additions of many buckets share one inversion (Montgomery's trick):
 *       5M + 1S per addition plus 3M for the shared inversion, against the
 *       7M + 4S of a mixed Jacobian addition.
 *
 * The buckets of G windows at once (G nb buckets, nb = 2^(c-1) per window)
 * are filled in one pass over the terms.  Each (bucket, point) pair goes
 * into the pending batch unless its bucket is already there (a conflict: the
 * pair waits in a queue and is retried after the batch is applied).  A batch
 * of `cap` additions is inverted and applied at once; an empty bucket takes
 * the point as it is (no inversion), a point equal to its bucket doubles it
 * (slope (3x^2 + a) / 2y), and a point opposite to its bucket empties it.
 * Should the queue stay long after a batch (many terms in few buckets: equal
 * points with equal digits), its pairs are added instead into Jacobian
 * "spill" buckets, allocated only then, so the method never degrades into
 * one inversion per addition.  A batch is applied ECT_PA_WAYS additions at
 * a time, their products interleaved.  Bucket sums are then reduced per
 * window by running sums, affine as well (ect_pa_reduce_affine; Jacobian
 * when the segments would be too short or the pass spilled), and the
 * windows combined in Jacobian coordinates.
 * VARIABLE-TIME, like the rest of ect_ecmult.h.
 */

#ifndef ECT_PIPPENGER_SHARED
#define ECT_PIPPENGER_SHARED
#include <stdlib.h>
#include "ect_threads.h"
#include "ect_scalar.h"

/* Buckets filled in one pass (all windows' buckets when they fit). */
#define ECT_PA_PASS_BUCKETS ((size_t)1 << 14)

/* Windows per pass for c-bit digits and W windows. */
static inline int ect_pa_group(int c, int W) {
    size_t nb = (size_t)1 << (c - 1);
    size_t g = ECT_PA_PASS_BUCKETS / nb;
    if (g < 1) g = 1;
    return g < (size_t)W ? (int)g : W;
}

/* Additions per batch inversion for nbk buckets in a pass: an eighth of the
 * buckets, so that a pair meets a busy bucket rarely. */
static inline size_t ect_pa_cap(size_t nbk) {
    size_t cap = nbk / 8;
    if (cap < 16) cap = 16;
    if (cap > 8192) cap = 8192;
    return cap;
}

/* Operation count (field multiplications, as ect_cost_pippenger) of the
 * affine method for m terms of bits-bit scalars, c-bit digits, over a field
 * of fbits bits: 6 per bucket addition plus its share of a Fermat inversion
 * (about fbits products per batch of cap), and the Jacobian running sums
 * (2^(c-1) 32 per window).  Fitted to timings on secp256k1, P-256 and P-384
 * (16 to 65536 points) against ect_cost_pippenger and ect_cost_straus. */
static inline double ect_cost_pippenger_affine(size_t m, int bits, int c, int fbits) {
    const int W = (bits + 1 + c - 1) / c;
    const size_t nbk = (size_t)ect_pa_group(c, W) << (c - 1);
    const double add = 6.0 + (double)fbits / (double)ect_pa_cap(nbk);
    return (double)W * ((double)m * add + (double)((size_t)1 << (c - 1)) * 32.0 + c * 8.0);
}

/* ect_cost_pippenger_affine of the busiest of `threads` threads sharing the
 * work (ect_msm_pippenger_affine): ceil((W - 1) / threads) of the W windows,
 * and 1 / threads of the top one. */
static inline double ect_cost_pippenger_affine_shared(size_t m, int bits, int c, int fbits, int threads) {
    const int W = (bits + 1 + c - 1) / c, n = ect_thread_count(threads, (size_t)W);
    const double share = (double)((W - 1 + n - 1) / n) + 1.0 / (double)n;
    return ect_cost_pippenger_affine(m, bits, c, fbits) * share / (double)W;
}
#endif /* ECT_PIPPENGER_SHARED */

/* ect_scalar_split_glv (ect_scalar.h) with this instantiation's unrolled
 * arithmetic mod n when n has as many limbs as p (secp256k1, BN254), on Fn:
 * C->fn or a copy of it that uses the assembly products (asm_adx); else that
 * function.  An MSM of many points splits every scalar, and this takes three
 * Montgomery products where that takes eight plus conversions: a Montgomery
 * product of a plain value and a Montgomery-form constant is plain, so
 *   k2 = s1 c1 (-b1) + s2 c2 (-b2),  k1 = k - k2 lambda   (mod n)
 * need no conversion in or out. */
static inline void T(ect_split_glv)(const ect_curve *C, const ect_field *Fn, uint64_t *k1, int *neg1, uint64_t *k2,
                                    int *neg2, const uint64_t *k) {
#if ECT_N != 0
    if (Fn->n == ECT_N) {
        const int L = ECT_N, S = C->glv_shift;
        uint64_t prod[2 * ECT_N + 2];
        FE cw[2], mb[2], t, a, kk;
        const uint64_t *g[2] = {C->g1, C->g2};
        const int sg[2] = {C->glv_s1, C->glv_s2};
        T(ect_fe_load)(Fn, &mb[0], C->mb1);
        T(ect_fe_load)(Fn, &mb[1], C->mb2);
        for (int w = 0; w < 2; w++) {
            /* c = round(k g / 2^(64 S)) */
            uint64_t half[2 * ECT_N + 2] = {0};
            ect_limbs_mul(prod, k, L, g[w], L + 1);
            half[S - 1] = (uint64_t)1 << 63;
            ect_limbs_add(prod, prod, half, 2 * L + 1);
            for (int i = 0; i < L; i++) cw[w].v[i] = (S + i < 2 * L + 1) ? prod[S + i] : 0;
            while (ect_limbs_cmp(cw[w].v, Fn->p, L) >= 0) ect_limbs_sub(cw[w].v, cw[w].v, Fn->p, L);
            if (sg[w] < 0) T(ect_fe_neg)(Fn, &cw[w], &cw[w]);
            T(ect_fe_mul)(Fn, &cw[w], &cw[w], &mb[w]); /* plain s c (-b) mod n */
        }
        T(ect_fe_add)(Fn, &t, &cw[0], &cw[1]); /* k2, plain */
        T(ect_fe_load)(Fn, &a, C->lambda);
        T(ect_fe_mul)(Fn, &a, &t, &a); /* k2 lambda, plain */
        for (int i = 0; i < L; i++) kk.v[i] = k[i];
        T(ect_fe_sub)(Fn, &kk, &kk, &a);
        for (int i = 0; i < L; i++) {
            k1[i] = kk.v[i];
            k2[i] = t.v[i];
        }
        /* take the representative of least absolute value */
        *neg1 = ect_limbs_cmp(k1, C->half_n, L) > 0;
        if (*neg1) ect_limbs_sub(k1, Fn->p, k1, L);
        *neg2 = ect_limbs_cmp(k2, C->half_n, L) > 0;
        if (*neg2) ect_limbs_sub(k2, Fn->p, k2, L);
        ECT_CHECK(ect_limbs_bitlen(k1, L) <= C->nbits / 2 + 3);
        ECT_CHECK(ect_limbs_bitlen(k2, L) <= C->nbits / 2 + 3);
        return;
    }
#endif
    (void)Fn;
    ect_scalar_split_glv(C, k1, neg1, k2, neg2, k);
}

/* An affine bucket: x, y (whether it is empty is kept in ect_pa_ws.st). */
typedef struct {
    FE x, y;
} T(ect_pa_bucket);

/* Additions of a batch applied side by side (and product chains of its inversion). */
#define ECT_PA_WAYS 4

/* Queued pairs that never spill (the last rounds of a pass just run). */
#define ECT_PA_FEW 16
#define ECT_PA_SET 1  /* st[b]: the bucket holds a point (else it is the identity) */
#define ECT_PA_BUSY 2 /* st[b]: the bucket has a pending addition */

/* Work space of one pass. */
typedef struct {
    const GE *pts;
    T(ect_pa_bucket) *bk; /* nbk affine buckets (64-byte aligned) */
    GEJ *spill;      /* NULL, or nbk Jacobian buckets (allocated on first spill) */
    uint8_t *st;     /* nbk states: ECT_PA_SET | ECT_PA_BUSY */
    uint32_t *eb;    /* cap pending additions: bucket */
    uint32_t *ep;    /* ... and point code: index << 2 | negate << 1 | doubling */
    FE *den, *scr;   /* their slope denominators, and the prefix products */
    uint32_t *qb, *qp; /* qcap queued pairs (bucket, point code) */
    size_t nbk, cnt, cap, qlen, qcap;
    FE a;            /* the curve's a (read when a_kind != ECT_A_ZERO) */
} T(ect_pa_ws);

/* Start bucket b + point (code >> 2) (negated when code & 2): an empty bucket
 * takes the point, an opposite one empties, anything else becomes a pending
 * addition (or doubling).  b must not be busy and the batch not full. */
static inline void T(ect_pa_put)(const ect_curve *C, T(ect_pa_ws) *w, uint32_t b, uint32_t code) {
    const ect_field *F = &C->fp;
    T(ect_pa_bucket) *B = &w->bk[b];
    const GE *P = &w->pts[code >> 2];
    if (!w->st[b]) {
        B->x = P->x;
        if (code & 2) T(ect_fe_neg)(F, &B->y, &P->y);
        else B->y = P->y;
        w->st[b] = ECT_PA_SET;
        return;
    }
    FE *d = &w->den[w->cnt];
    T(ect_fe_sub)(F, d, &P->x, &B->x);
    if (T(ect_fe_is_zero)(F, d)) {
        FE y;
        if (code & 2) T(ect_fe_neg)(F, &y, &P->y);
        else y = P->y;
        /* P = -B, or P = B of order 2: the sum is the identity */
        if (!T(ect_fe_equal)(F, &y, &B->y) || T(ect_fe_is_zero)(F, &B->y)) {
            w->st[b] = 0;
            return;
        }
        T(ect_fe_dbl)(F, d, &B->y);
        code |= 1;
    }
    w->eb[w->cnt] = b;
    w->ep[w->cnt] = code;
    w->cnt++;
    w->st[b] = ECT_PA_SET | ECT_PA_BUSY;
}

/* Apply the pending batch: one inversion for all denominators, then the
 * affine additions (backwards, each as soon as its inverse is known):
 * lambda = (y2 - y1) / (x2 - x1), or (3 x1^2 + a) / 2 y1 for a doubling;
 * x3 = lambda^2 - x1 - x2, y3 = lambda (x1 - x3) - y1.  Adding -P uses
 * -lambda = (y2 + y1) / (x2 - x1) and y3 = -lambda (x3 - x1) - y1. */
static inline void T(ect_pa_apply)(const ect_curve *C, T(ect_pa_ws) *w) {
    const ect_field *F = &C->fp;
    const size_t n = w->cnt;
    if (!n) return;
    /* ECT_PA_WAYS interleaved product chains (entries i = r mod WAYS), so
     * that consecutive products do not wait for each other */
    enum { WAYS = ECT_PA_WAYS };
    FE acc[WAYS], lam, t;
    size_t last[WAYS];
    int nch = 0;
    for (size_t i = 0; i < n; i++) {
        if (i < WAYS) w->scr[i] = w->den[i];
        else T(ect_fe_mul)(F, &w->scr[i], &w->scr[i - WAYS], &w->den[i]);
    }
    /* invert the chains' totals together (Montgomery's trick on at most WAYS) */
    for (size_t r = 0; r < WAYS && r < n; r++) {
        last[r] = r + (n - 1 - r) / WAYS * WAYS;
        nch++;
    }
    {
        FE pre[WAYS];
        pre[0] = w->scr[last[0]];
        for (int r = 1; r < nch; r++) T(ect_fe_mul)(F, &pre[r], &pre[r - 1], &w->scr[last[r]]);
        T(ect_fe_inv)(F, &t, &pre[nch - 1]);
        for (int r = nch - 1; r > 0; r--) {
            T(ect_fe_mul)(F, &acc[r], &t, &pre[r - 1]);
            T(ect_fe_mul)(F, &t, &t, &w->scr[last[r]]);
        }
        acc[0] = t;
    }
    /* entries WAYS at a time (i - 1 down to i - WAYS, one per chain), their
     * steps interleaved so that each product has independent ones beside it */
    size_t i = n;
    while (i > 0) {
        const int cnt = i >= WAYS ? WAYS : (int)i;
        FE inv2[WAYS], t2[WAYS], lam2[WAYS], x32[WAYS];
        const FE *x2[WAYS];
        T(ect_pa_bucket) *B2[WAYS];
        uint32_t c2[WAYS];
        if (i > 2 * WAYS)
            for (int e = 1; e <= WAYS; e++) {
                __builtin_prefetch(&w->bk[w->eb[i - WAYS - e]]);
                __builtin_prefetch(&w->pts[w->ep[i - WAYS - e] >> 2]);
            }
        for (int e = 0; e < cnt; e++) {
            const size_t k = i - 1 - (size_t)e;
            FE *ac = &acc[k % WAYS];
            if (k >= WAYS) T(ect_fe_mul)(F, &inv2[e], ac, &w->scr[k - WAYS]);
            else inv2[e] = *ac;
        }
        for (int e = 0; e < cnt; e++) {
            const size_t k = i - 1 - (size_t)e;
            if (k >= WAYS) T(ect_fe_mul)(F, &acc[k % WAYS], &acc[k % WAYS], &w->den[k]);
        }
        for (int e = 0; e < cnt; e++) {
            const size_t k = i - 1 - (size_t)e;
            const uint32_t code = w->ep[k];
            T(ect_pa_bucket) *B = &w->bk[w->eb[k]];
            B2[e] = B;
            c2[e] = code;
            if (code & 1) { /* doubling: 3 x^2 + a */
                T(ect_fe_sqr)(F, &lam, &B->x);
                T(ect_fe_dbl)(F, &t, &lam);
                T(ect_fe_add)(F, &t2[e], &t, &lam);
                if (C->a_kind != ECT_A_ZERO) T(ect_fe_add)(F, &t2[e], &t2[e], &w->a);
                x2[e] = &B->x;
            } else {
                const GE *P = &w->pts[code >> 2];
                if (code & 2) T(ect_fe_add)(F, &t2[e], &P->y, &B->y);
                else T(ect_fe_sub)(F, &t2[e], &P->y, &B->y);
                x2[e] = &P->x;
            }
        }
        for (int e = 0; e < cnt; e++) T(ect_fe_mul)(F, &lam2[e], &t2[e], &inv2[e]);
        for (int e = 0; e < cnt; e++) T(ect_fe_sqr)(F, &x32[e], &lam2[e]);
        for (int e = 0; e < cnt; e++) {
            T(ect_pa_bucket) *B = B2[e];
            T(ect_fe_sub)(F, &x32[e], &x32[e], &B->x);
            T(ect_fe_sub)(F, &x32[e], &x32[e], x2[e]);
            if ((c2[e] & 3) == 2) T(ect_fe_sub)(F, &t2[e], &x32[e], &B->x);
            else T(ect_fe_sub)(F, &t2[e], &B->x, &x32[e]);
        }
        for (int e = 0; e < cnt; e++) T(ect_fe_mul)(F, &t2[e], &t2[e], &lam2[e]);
        for (int e = 0; e < cnt; e++) {
            T(ect_pa_bucket) *B = B2[e];
            T(ect_fe_sub)(F, &B->y, &t2[e], &B->y);
            B->x = x32[e];
            w->st[w->eb[i - 1 - (size_t)e]] = ECT_PA_SET;
        }
        i -= (size_t)cnt;
    }
    w->cnt = 0;
}

/* Add the queued pairs into the Jacobian spill buckets.  Returns 0 when out of memory. */
static inline int T(ect_pa_spill)(const ect_curve *C, T(ect_pa_ws) *w) {
    if (!w->spill) {
        w->spill = (GEJ *)ect_scratch_alloc(sizeof(GEJ) * w->nbk);
        if (!w->spill) return 0;
        for (size_t b = 0; b < w->nbk; b++) T(ect_gej_set_inf)(C, &w->spill[b]);
    }
    for (size_t q = 0; q < w->qlen; q++) {
        const GE *P = &w->pts[w->qp[q] >> 2];
        GE np;
        if (w->qp[q] & 2) {
            T(ect_ge_neg)(C, &np, P);
            P = &np;
        }
        T(ect_gej_add_ge)(C, &w->spill[w->qb[q]], &w->spill[w->qb[q]], P);
    }
    w->qlen = 0;
    return 1;
}

/* Apply the batch, then move the queue into the next batch (pairs whose
 * bucket is busy again stay queued).  When more than half the queue stays
 * (or, with final, more than a few stay behind a batch of under cap / 8),
 * the queue spills.  Returns 0 when out of memory. */
static inline int T(ect_pa_flush)(const ect_curve *C, T(ect_pa_ws) *w, int final) {
    T(ect_pa_apply)(C, w);
    size_t kept = 0;
    for (size_t q = 0; q < w->qlen; q++) {
        const uint32_t b = w->qb[q];
        if (w->st[b] & ECT_PA_BUSY) {
            w->qb[kept] = b;
            w->qp[kept] = w->qp[q];
            kept++;
        } else {
            T(ect_pa_put)(C, w, b, w->qp[q]);
        }
    }
    w->qlen = kept;
    if (2 * kept > w->qcap || (final && kept > ECT_PA_FEW && w->cnt < w->cap / 8)) return T(ect_pa_spill)(C, w);
    return 1;
}

/* Add point code to bucket b.  Returns 0 when out of memory. */
static inline int T(ect_pa_add)(const ect_curve *C, T(ect_pa_ws) *w, uint32_t b, uint32_t code) {
    if (w->st[b] & ECT_PA_BUSY) {
        if (w->qlen == w->qcap && !T(ect_pa_flush)(C, w, 0)) return 0;
        if (w->st[b] & ECT_PA_BUSY) {
            w->qb[w->qlen] = b;
            w->qp[w->qlen] = code;
            w->qlen++;
            return 1;
        }
    }
    T(ect_pa_put)(C, w, b, code);
    if (w->cnt == w->cap) return T(ect_pa_flush)(C, w, 0);
    return 1;
}

/* sum_b (b + 1) bucket[b] over one window's nb buckets (plus their spill). */
static inline void T(ect_pa_reduce)(const ect_curve *C, GEJ *r, const T(ect_pa_bucket) *bk, const uint8_t *st,
                                    const GEJ *spill, size_t nb) {
    GEJ running, sum;
    T(ect_gej_set_inf)(C, &running);
    T(ect_gej_set_inf)(C, &sum);
    for (size_t b = nb; b-- > 0;) {
        if (st[b]) {
            GE q;
            q.x = bk[b].x;
            q.y = bk[b].y;
            q.inf = 0;
            T(ect_gej_add_ge)(C, &running, &running, &q);
        }
        if (spill && !T(ect_gej_is_inf)(C, &spill[b])) T(ect_gej_add)(C, &running, &running, &spill[b]);
        T(ect_gej_add)(C, &sum, &sum, &running);
    }
    *r = sum;
}

/* The same sums for the g windows of a pass, with the running sums affine
 * as well: each window's nb buckets are cut into K segments of L (powers of
 * two), and the K g segments run side by side, each step one batch of
 * additions with one shared inversion: R_s += B (the segment's running sum),
 * then T_s += R_s (its local weighted sum, weights 1 .. L).  Then
 *   sum_b (b + 1) B_b = sum_s T_s + L sum_s s R_s
 * in Jacobian coordinates, sum_s s R_s by a running sum over K segments.
 * About 12M per bucket instead of 27M.  Returns 0 (nothing written) when
 * there is nothing to gain (L < 4) or memory is short: the caller then uses
 * ect_pa_reduce. */
static inline int T(ect_pa_reduce_affine)(const ect_curve *C, const T(ect_pa_ws) *w, GEJ *out, int g, size_t nb) {
    size_t K = 1;
    while (K * (size_t)g < 256) K <<= 1;
    if (K > nb / 4) return 0;
    const size_t L = nb / K, nc = K * (size_t)g;
    T(ect_pa_ws) R, S;
    memset(&R, 0, sizeof(R));
    void *rmem = malloc(2 * sizeof(T(ect_pa_bucket)) * nc);
    GE *add = (GE *)malloc(sizeof(GE) * nc);
    uint8_t *st = (uint8_t *)calloc(2 * nc, 1);
    uint32_t *e = (uint32_t *)malloc(2 * sizeof(uint32_t) * nc);
    FE *fe = (FE *)malloc(2 * sizeof(FE) * nc);
    if (!rmem || !add || !st || !e || !fe) {
        free(rmem);
        free(add);
        free(st);
        free(e);
        free(fe);
        return 0;
    }
    R.pts = add;
    R.eb = e;
    R.ep = e + nc;
    R.den = fe;
    R.scr = fe + nc;
    R.nbk = R.cap = nc;
    R.a = w->a;
    S = R;
    R.bk = (T(ect_pa_bucket) *)rmem;
    S.bk = R.bk + nc;
    R.st = st;
    S.st = st + nc;
    for (size_t j = L; j-- > 0;) {
        for (size_t c = 0; c < nc; c++) { /* segment c % K of window c / K: bucket (c % K) L + j */
            const size_t b = (c / K) * nb + (c % K) * L + j;
            if (!w->st[b]) continue;
            add[c].x = w->bk[b].x;
            add[c].y = w->bk[b].y;
            add[c].inf = 0;
            T(ect_pa_put)(C, &R, (uint32_t)c, (uint32_t)(c << 2));
        }
        T(ect_pa_apply)(C, &R);
        for (size_t c = 0; c < nc; c++) {
            if (!R.st[c]) continue;
            add[c].x = R.bk[c].x;
            add[c].y = R.bk[c].y;
            add[c].inf = 0;
            T(ect_pa_put)(C, &S, (uint32_t)c, (uint32_t)(c << 2));
        }
        T(ect_pa_apply)(C, &S);
    }
    for (int jj = 0; jj < g; jj++) {
        GEJ run, u, t;
        GE q;
        q.inf = 0;
        T(ect_gej_set_inf)(C, &run);
        T(ect_gej_set_inf)(C, &u);
        T(ect_gej_set_inf)(C, &t);
        for (size_t k = K; k-- > 0;) {
            const size_t c = (size_t)jj * K + k;
            if (R.st[c]) {
                q.x = R.bk[c].x;
                q.y = R.bk[c].y;
                T(ect_gej_add_ge)(C, &run, &run, &q);
            }
            if (k) T(ect_gej_add)(C, &u, &u, &run); /* u = sum_s s R_s */
            if (S.st[c]) {
                q.x = S.bk[c].x;
                q.y = S.bk[c].y;
                T(ect_gej_add_ge)(C, &t, &t, &q);
            }
        }
        for (size_t l = L; l > 1 && !T(ect_gej_is_inf)(C, &u); l >>= 1) T(ect_gej_double)(C, &u, &u);
        T(ect_gej_add)(C, &out[jj], &t, &u);
    }
    free(rmem);
    free(add);
    free(st);
    free(e);
    free(fe);
    return 1;
}

/* r = a share of sum ks[i] pts[i] (pts affine, ks plain with klimbs limbs,
 * neg[i] flips point i) by Pippenger with c-bit signed digits d_ij (j < W)
 * and batch-affine buckets: windows lo .. hi - 1 (below the top one, W - 1)
 * of every term, and the top window of terms rlo .. rhi - 1,
 *   sum_{j in [lo, hi)} 2^(c j) sum_i d_ij pts[i]
 *     + 2^(c (W - 1)) sum_{i in [rlo, rhi)} d_i,W-1 pts[i];
 * shares whose windows cover 0 .. W - 2 and whose rows cover 0 .. m - 1 add
 * up to the whole sum.  The top window is cut by terms, not given whole to
 * one share, because its digits are short: its few buckets meet often and
 * cost nearly two windows.  Requires m < 2^30.  Returns 0 when out of
 * memory. */
static inline int T(ect_pa_windows)(const ect_curve *C, GEJ *r, const GE *pts, const int *neg, const uint64_t *ks,
                                    int klimbs, size_t m, int c, int W, int lo, int hi, size_t rlo, size_t rhi) {
    const int Wr = hi - lo + 1, G = ect_pa_group(c, Wr); /* digit columns: windows lo .. hi - 1, then W - 1 */
    const size_t nb = (size_t)1 << (c - 1), nbk = (size_t)G * nb;
    T(ect_pa_ws) w;
    memset(&w, 0, sizeof(w));
    w.pts = pts;
    w.nbk = nbk;
    w.cap = ect_pa_cap(nbk);
    w.qcap = w.cap / 2;
    if (C->a_kind != ECT_A_ZERO) T(ect_fe_load)(&C->fp, &w.a, C->a);
    /* one scratch block: digits, window sums, one term's digits, buckets (64-byte aligned), their
     * states, the batch's buckets and points, the queue's, the denominators and prefix products */
    const size_t size[11] = {sizeof(int32_t) * (size_t)Wr * (m ? m : 1), sizeof(GEJ) * (size_t)Wr,
                             sizeof(int) * (size_t)W, sizeof(T(ect_pa_bucket)) * nbk, nbk,
                             sizeof(uint32_t) * w.cap, sizeof(uint32_t) * w.cap, sizeof(uint32_t) * w.qcap,
                             sizeof(uint32_t) * w.qcap, sizeof(FE) * w.cap, sizeof(FE) * w.cap};
    size_t total = 0, at = 0;
    for (int i = 0; i < 11; i++) total += ect_scratch_bytes(size[i]);
    void *block = ect_scratch_alloc(total);
    if (!block) return 0;
    int32_t *digits = (int32_t *)ect_scratch_piece(block, &at, size[0]);
    GEJ *wsum = (GEJ *)ect_scratch_piece(block, &at, size[1]);
    int *dt = (int *)ect_scratch_piece(block, &at, size[2]);
    w.bk = (T(ect_pa_bucket) *)ect_scratch_piece(block, &at, size[3]);
    w.st = (uint8_t *)ect_scratch_piece(block, &at, size[4]);
    w.eb = (uint32_t *)ect_scratch_piece(block, &at, size[5]);
    w.ep = (uint32_t *)ect_scratch_piece(block, &at, size[6]);
    w.qb = (uint32_t *)ect_scratch_piece(block, &at, size[7]);
    w.qp = (uint32_t *)ect_scratch_piece(block, &at, size[8]);
    w.den = (FE *)ect_scratch_piece(block, &at, size[9]);
    w.scr = (FE *)ect_scratch_piece(block, &at, size[10]);
    int ok = 1;
    /* recode every scalar once, keeping this share's digits; the point's sign goes into its digits */
    for (size_t i = 0; i < m; i++) {
        int32_t *d = digits + i * (size_t)Wr;
        if (pts[i].inf) {
            memset(d, 0, sizeof(int32_t) * (size_t)Wr);
            continue;
        }
        ect_signed_digits(dt, ks + i * (size_t)klimbs, klimbs, c, W);
        const int s = neg && neg[i];
        for (int j = 0; j < Wr - 1; j++) d[j] = s ? -dt[lo + j] : dt[lo + j];
        d[Wr - 1] = i < rlo || i >= rhi ? 0 : s ? -dt[W - 1] : dt[W - 1];
    }
    for (int w0 = 0; ok && w0 < Wr; w0 += G) {
        const int g = Wr - w0 < G ? Wr - w0 : G;
        memset(w.st, 0, (size_t)g * nb);
        free(w.spill); /* allocated again by the pass that spills */
        w.spill = NULL;
        for (size_t i = 0; ok && i < m; i++) {
            const int32_t *d = digits + i * (size_t)Wr + w0;
            if (i + 8 < m) { /* the buckets of a later term */
                const int32_t *dn = d + 8 * (size_t)Wr;
                for (int j = 0; j < g; j++)
                    if (dn[j]) __builtin_prefetch(&w.bk[(size_t)j * nb + (size_t)(dn[j] < 0 ? -dn[j] : dn[j]) - 1]);
            }
            for (int j = 0; j < g; j++) {
                const int32_t dv = d[j];
                if (!dv) continue;
                const uint32_t b = (uint32_t)((size_t)j * nb + (size_t)(dv < 0 ? -dv : dv) - 1);
                if (!T(ect_pa_add)(C, &w, b, (uint32_t)(i << 2) | (dv < 0 ? 2u : 0u))) {
                    ok = 0;
                    break;
                }
            }
        }
        while (ok && (w.cnt || w.qlen)) ok = T(ect_pa_flush)(C, &w, 1);
        if (ok && !w.spill && T(ect_pa_reduce_affine)(C, &w, wsum + w0, g, nb)) continue;
        for (int j = 0; ok && j < g; j++)
            T(ect_pa_reduce)(C, &wsum[w0 + j], w.bk + (size_t)j * nb, w.st + (size_t)j * nb,
                             w.spill ? w.spill + (size_t)j * nb : NULL, nb);
    }
    if (ok) {
        GEJ acc;
        T(ect_gej_set_inf)(C, &acc);
        for (int j = Wr - 2; j >= 0; j--) {
            if (!T(ect_gej_is_inf)(C, &acc))
                for (int s = 0; s < c; s++) T(ect_gej_double)(C, &acc, &acc);
            T(ect_gej_add)(C, &acc, &acc, &wsum[j]);
        }
        for (int s = 0; s < c * lo && !T(ect_gej_is_inf)(C, &acc); s++) T(ect_gej_double)(C, &acc, &acc);
        GEJ top = wsum[Wr - 1];
        for (int s = 0; s < c * (W - 1) && !T(ect_gej_is_inf)(C, &top); s++) T(ect_gej_double)(C, &top, &top);
        T(ect_gej_add)(C, r, &acc, &top);
    }
    free(block);
    free(w.spill);
    return ok;
}

/* One thread's share of ect_msm_pippenger_affine. */
typedef struct {
    const ect_curve *C;
    const GE *pts;
    const int *neg;
    const uint64_t *ks;
    int klimbs, c, W, lo, hi, ok;
    size_t m, rlo, rhi;
    GEJ r;
} T(ect_pa_job);

static void *T(ect_pa_run)(void *arg) {
    T(ect_pa_job) *j = (T(ect_pa_job) *)arg;
    j->ok = T(ect_pa_windows)(j->C, &j->r, j->pts, j->neg, j->ks, j->klimbs, j->m, j->c, j->W, j->lo, j->hi, j->rlo,
                              j->rhi);
    return NULL;
}

/* r = sum ks[i] pts[i] (pts affine, ks plain with klimbs limbs, below
 * 2^bits, neg[i] flips point i) by Pippenger with c-bit signed digits and
 * batch-affine buckets, shared among up to `threads` threads (this one and
 * threads - 1 it starts; at most one per window): each takes an even share
 * of the windows below the top one, over every term, and of the top
 * window's terms (ect_pa_windows): every share does about 1 / threads of
 * the single thread's work, where a cut of the terms gives each an MSM of
 * m / threads terms, which costs more than 1 / threads of one of m unless
 * its window size happens to suit it better.  A thread that cannot start has
 * its share run here.  Requires m < 2^30.  Returns 0 when out of memory. */
static inline int T(ect_msm_pippenger_affine)(const ect_curve *C, GEJ *r, const GE *pts, const int *neg,
                                              const uint64_t *ks, int klimbs, size_t m, int bits, int c,
                                              int threads) {
    const int W = (bits + 1 + c - 1) / c, n = ect_thread_count(threads, (size_t)W);
    T(ect_pa_job) job[ECT_MSM_MAX_THREADS];
    for (int t = 0; t < n; t++)
        job[t] = (T(ect_pa_job)){C, pts, neg, ks, klimbs, c, W, (W - 1) * t / n, (W - 1) * (t + 1) / n, 0, m,
                                 m * (size_t)t / (size_t)n, m * (size_t)(t + 1) / (size_t)n};
    ect_run_jobs(n, T(ect_pa_run), job, sizeof(job[0]));
    int ok = 1;
    T(ect_gej_set_inf)(C, r);
    for (int t = 0; t < n; t++) {
        ok = ok && job[t].ok;
        if (ok) T(ect_gej_add)(C, r, r, &job[t].r);
    }
    return ok;
}
