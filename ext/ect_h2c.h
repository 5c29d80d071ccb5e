/* ect_h2c.h -- RFC 9380 map_to_curve, isogeny maps and cofactor clearing (template).
 *
 * The Python layer (ectraverse.rfc9380) does expand_message_xmd and
 * hash_to_field, and fills an ect_h2c with the suite's constants; this file
 * turns field elements u into curve points, in batches, with every inversion
 * of a batch shared (Montgomery's trick):
 *
 *   map    u -> (x, y) on the map's curve: simplified SWU (section 6.6.2) or
 *          Shallue-van de Woestijne (section 6.6.1);
 *   iso    (x', y') on E' -> E by the suite's rational maps (section 6.6.3);
 *   clear  P -> h_eff P (section 7), never through the GLV endomorphism.
 *
 * VARIABLE-TIME: the square-root attempts branch on the input (public token
 * strings here, never secrets).  Section numbers are RFC 9380's.
 */

/* g(x) = x^3 + A x + B for the map's curve. */
static inline void T(ect_h2c_g)(const ect_field *F, FE *r, const FE *x, const FE *A, const FE *B) {
    FE t;
    T(ect_fe_sqr)(F, &t, x);
    T(ect_fe_add)(F, &t, &t, A);
    T(ect_fe_mul)(F, &t, &t, x);
    T(ect_fe_add)(F, r, &t, B);
}

/* The maps' last step: r = (x, y) with y's sign set to sgn0(u) (sgn0 = parity, m = 1). */
static inline void T(ect_h2c_finish)(const ect_field *F, GE *r, const FE *u, const FE *x, const FE *y) {
    r->x = *x;
    r->y = *y;
    if (T(ect_fe_is_odd)(F, u) != T(ect_fe_is_odd)(F, y)) T(ect_fe_neg)(F, &r->y, y);
    r->inf = 0;
}

/* Simplified SWU, section 6.6.2, given tv1 = inv0(Z^2 u^4 + Z u^2). */
static inline void T(ect_h2c_sswu)(const ect_curve *C, const ect_h2c *S, GE *r, const FE *u, const FE *tv1) {
    const ect_field *F = &C->fp;
    FE A, B, Z, c, one, x1, gx1, y, x, u2, t;
    T(ect_fe_load)(F, &A, S->A);
    T(ect_fe_load)(F, &B, S->B);
    T(ect_fe_load)(F, &Z, S->Z);
    T(ect_fe_set_one)(F, &one);
    if (T(ect_fe_is_zero)(F, tv1)) {
        T(ect_fe_load)(F, &x1, S->c3); /* exceptional case: x1 = B / (Z A) */
    } else {
        T(ect_fe_load)(F, &c, S->c1);
        T(ect_fe_add)(F, &t, &one, tv1);
        T(ect_fe_mul)(F, &x1, &c, &t); /* x1 = (-B / A) (1 + tv1) */
    }
    T(ect_h2c_g)(F, &gx1, &x1, &A, &B);
    T(ect_fe_sqr)(F, &u2, u);
    if (F->p3mod4) {
        /* one exponentiation: y1 = gx1^((p+1)/4) is sqrt(gx1) if gx1 is a
         * square, else y1^2 = -gx1 and sqrt(gx2) = y1 u^3 sqrt(-Z^3), because
         * gx2 = Z^3 u^6 gx1. */
        T(ect_fe_pow)(F, &y, &gx1, F->sqrt_e, NL);
        T(ect_fe_sqr)(F, &t, &y);
        if (T(ect_fe_equal)(F, &t, &gx1)) {
            x = x1;
        } else {
            T(ect_fe_mul)(F, &x, &Z, &u2);
            T(ect_fe_mul)(F, &x, &x, &x1); /* x2 = Z u^2 x1 */
            T(ect_fe_load)(F, &c, S->c2);
            T(ect_fe_mul)(F, &t, &u2, u);
            T(ect_fe_mul)(F, &y, &y, &t);
            T(ect_fe_mul)(F, &y, &y, &c);
        }
    } else if (T(ect_fe_sqrt)(F, &y, &gx1)) {
        x = x1;
    } else {
        FE gx2;
        T(ect_fe_mul)(F, &x, &Z, &u2);
        T(ect_fe_mul)(F, &x, &x, &x1);
        T(ect_h2c_g)(F, &gx2, &x, &A, &B);
        int ok = T(ect_fe_sqrt)(F, &y, &gx2); /* one of gx1, gx2 is a square */
        ECT_CHECK(ok);
        (void)ok;
    }
    T(ect_h2c_finish)(F, r, u, &x, &y);
}

/* Shallue-van de Woestijne, section 6.6.1, given tv3 = inv0((1 - c1 u^2)(1 + c1 u^2)). */
static inline void T(ect_h2c_svdw)(const ect_curve *C, const ect_h2c *S, GE *r, const FE *u, const FE *tv3) {
    const ect_field *F = &C->fp;
    FE A, B, c, one, tv1, tv2, tv4, x, gx, y;
    T(ect_fe_load)(F, &A, S->A);
    T(ect_fe_load)(F, &B, S->B);
    T(ect_fe_set_one)(F, &one);
    T(ect_fe_load)(F, &c, S->c1);
    T(ect_fe_sqr)(F, &tv1, u);
    T(ect_fe_mul)(F, &tv1, &tv1, &c);   /* tv1 = c1 u^2 */
    T(ect_fe_add)(F, &tv2, &one, &tv1); /* tv2 = 1 + tv1 */
    T(ect_fe_sub)(F, &tv1, &one, &tv1); /* tv1 = 1 - tv1 */
    T(ect_fe_mul)(F, &tv4, u, &tv1);
    T(ect_fe_mul)(F, &tv4, &tv4, tv3);
    T(ect_fe_load)(F, &c, S->c3);
    T(ect_fe_mul)(F, &tv4, &tv4, &c);   /* tv4 = u tv1 tv3 c3 */
    T(ect_fe_load)(F, &c, S->c2);
    T(ect_fe_sub)(F, &x, &c, &tv4);     /* x1 = c2 - tv4 */
    T(ect_h2c_g)(F, &gx, &x, &A, &B);
    if (!T(ect_fe_sqrt)(F, &y, &gx)) {
        T(ect_fe_add)(F, &x, &c, &tv4); /* x2 = c2 + tv4 */
        T(ect_h2c_g)(F, &gx, &x, &A, &B);
        if (!T(ect_fe_sqrt)(F, &y, &gx)) {
            T(ect_fe_sqr)(F, &x, &tv2);
            T(ect_fe_mul)(F, &x, &x, tv3);
            T(ect_fe_sqr)(F, &x, &x);
            T(ect_fe_load)(F, &c, S->c4);
            T(ect_fe_mul)(F, &x, &x, &c);
            T(ect_fe_load)(F, &c, S->Z);
            T(ect_fe_add)(F, &x, &x, &c); /* x3 = (tv2^2 tv3)^2 c4 + Z */
            T(ect_h2c_g)(F, &gx, &x, &A, &B);
            int ok = T(ect_fe_sqrt)(F, &y, &gx); /* g(x3) is always a square */
            ECT_CHECK(ok);
            (void)ok;
        }
    }
    T(ect_h2c_finish)(F, r, u, &x, &y);
}

/* Horner: r = sum coef[j] x^j for j < len. */
static inline void T(ect_h2c_poly)(const ect_field *F, FE *r, const uint64_t (*coef)[ECT_MAXL], int len, const FE *x) {
    FE c;
    T(ect_fe_load)(F, r, coef[len - 1]);
    for (int j = len - 2; j >= 0; j--) {
        T(ect_fe_mul)(F, r, r, x);
        T(ect_fe_load)(F, &c, coef[j]);
        T(ect_fe_add)(F, r, r, &c);
    }
}

/* out[i] = map_to_curve(u[i]) on E (through the isogeny when the suite has
 * one), as Jacobian records with Z = 1 (or the identity, when an isogeny's
 * denominator vanishes).  u holds m big-endian field elements of fp.nbytes.
 * Returns 1, ECT_ERR_RANGE if some u >= p, or ECT_ERR_NOMEM. */
static int T(ect_h2c_map)(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint8_t *u, size_t m) {
    const ect_field *F = &C->fp;
    const size_t rec = 3 * (size_t)F->n, cnt = m ? m : 1;
    FE *us = (FE *)malloc(sizeof(FE) * cnt);
    FE *den = (FE *)malloc(sizeof(FE) * cnt);
    FE *scratch = (FE *)malloc(sizeof(FE) * cnt);
    GE *pts = (GE *)malloc(sizeof(GE) * cnt);
    int rc = 1;
    if (!us || !den || !scratch || !pts) {
        rc = ECT_ERR_NOMEM;
        goto done;
    }
    FE Z, c1, one, t;
    T(ect_fe_load)(F, &Z, S->Z);
    T(ect_fe_load)(F, &c1, S->c1);
    T(ect_fe_set_one)(F, &one);
    for (size_t i = 0; i < m; i++) {
        if (!T(ect_fe_set_be_checked)(F, &us[i], u + i * (size_t)F->nbytes)) {
            rc = ECT_ERR_RANGE;
            goto done;
        }
        if (S->kind == ECT_H2C_SSWU) {
            /* Z^2 u^4 + Z u^2 = (Z u^2)^2 + Z u^2 */
            T(ect_fe_sqr)(F, &t, &us[i]);
            T(ect_fe_mul)(F, &t, &t, &Z);
            T(ect_fe_sqr)(F, &den[i], &t);
            T(ect_fe_add)(F, &den[i], &den[i], &t);
        } else {
            /* (1 - c1 u^2)(1 + c1 u^2) = 1 - (c1 u^2)^2 */
            T(ect_fe_sqr)(F, &t, &us[i]);
            T(ect_fe_mul)(F, &t, &t, &c1);
            T(ect_fe_sqr)(F, &t, &t);
            T(ect_fe_sub)(F, &den[i], &one, &t);
        }
    }
    T(ect_fe_inv0_batch)(F, den, m, scratch);
    for (size_t i = 0; i < m; i++) {
        if (S->kind == ECT_H2C_SSWU)
            T(ect_h2c_sswu)(C, S, &pts[i], &us[i], &den[i]);
        else
            T(ect_h2c_svdw)(C, S, &pts[i], &us[i], &den[i]);
    }
    if (S->iso_len[0]) {
        /* (x, y) = (x_num / x_den, y' y_num / y_den): one shared inversion of
         * x_den y_den per point; a zero denominator gives the identity. */
        FE *xn = us, *yn = scratch; /* reuse the buffers: u is no longer needed */
        GE *p = pts;
        FE *xdyd = den;
        FE *xd = (FE *)malloc(sizeof(FE) * cnt), *yd = (FE *)malloc(sizeof(FE) * cnt);
        FE *scr = (FE *)malloc(sizeof(FE) * cnt);
        if (!xd || !yd || !scr) {
            free(xd);
            free(yd);
            free(scr);
            rc = ECT_ERR_NOMEM;
            goto done;
        }
        for (size_t i = 0; i < m; i++) {
            T(ect_h2c_poly)(F, &xn[i], S->iso[0], S->iso_len[0], &p[i].x);
            T(ect_h2c_poly)(F, &xd[i], S->iso[1], S->iso_len[1], &p[i].x);
            T(ect_h2c_poly)(F, &yn[i], S->iso[2], S->iso_len[2], &p[i].x);
            T(ect_h2c_poly)(F, &yd[i], S->iso[3], S->iso_len[3], &p[i].x);
            T(ect_fe_mul)(F, &xdyd[i], &xd[i], &yd[i]);
        }
        T(ect_fe_inv0_batch)(F, xdyd, m, scr);
        for (size_t i = 0; i < m; i++) {
            if (T(ect_fe_is_zero)(F, &xdyd[i])) {
                p[i].inf = 1;
                continue;
            }
            T(ect_fe_mul)(F, &t, &xn[i], &yd[i]);
            T(ect_fe_mul)(F, &t, &t, &xdyd[i]);   /* x = x_num / x_den */
            T(ect_fe_mul)(F, &yn[i], &yn[i], &xd[i]);
            T(ect_fe_mul)(F, &yn[i], &yn[i], &xdyd[i]);
            T(ect_fe_mul)(F, &p[i].y, &p[i].y, &yn[i]); /* y = y' y_num / y_den */
            p[i].x = t;
        }
        free(xd);
        free(yd);
        free(scr);
    }
    for (size_t i = 0; i < m; i++) {
        GEJ j;
        T(ect_gej_set_ge)(C, &j, &pts[i]);
        GEJ_VERIFY(C, &j);
        T(ect_gej_store)(C, out + i * rec, &j);
    }
done:
    free(us);
    free(den);
    free(scratch);
    free(pts);
    return rc;
}

/* out[i] = h_eff in[i] (section 7, clear_cofactor), without the GLV split. */
static void T(ect_h2c_clear)(const ect_curve *C, const ect_h2c *S, uint64_t *out, const uint64_t *in, size_t m) {
    const size_t rec = 3 * (size_t)C->fp.n;
    for (size_t i = 0; i < m; i++) {
        GEJ p;
        T(ect_gej_load)(C, &p, in + i * rec);
        if (!S->h_eff_is_one) T(ect_ecmult_var)(C, &p, &p, S->h_eff, 0);
        T(ect_gej_store)(C, out + i * rec, &p);
    }
}
