/* ect_group.h -- points of y^2 = x^3 + a x + b over F_p (template, see ect_field.h).
 *
 * GEJ: Jacobian (X, Y, Z) representing (X/Z^2, Y/Z^3); Z = 0 is the identity
 *      (the one identity; X and Y are then meaningless).
 * GE:  affine (x, y) with an explicit infinity flag.
 * Formulas are from the Explicit-Formulas Database (EFD, hyperelliptic.org/EFD,
 * "g1p/auto-shortw-jacobian*"), named at each function.  Costs count M
 * (multiplication), S (squaring); additions are not counted.
 * Every function accepts outputs aliasing inputs.
 */

typedef struct {
    FE X, Y, Z;
} T(ect_gej);

typedef struct {
    FE x, y;
    int inf;
} T(ect_ge);

#define GEJ T(ect_gej)
#define GE T(ect_ge)

static inline void T(ect_gej_set_inf)(const ect_curve *C, GEJ *r) {
    const ect_field *F = &C->fp;
    T(ect_fe_set_zero)(F, &r->X);
    T(ect_fe_set_one)(F, &r->Y);
    T(ect_fe_set_zero)(F, &r->Z);
}

static inline int T(ect_gej_is_inf)(const ect_curve *C, const GEJ *a) {
    return T(ect_fe_is_zero)(&C->fp, &a->Z);
}

static inline void T(ect_gej_set_ge)(const ect_curve *C, GEJ *r, const GE *a) {
    if (a->inf) {
        T(ect_gej_set_inf)(C, r);
        return;
    }
    r->X = a->x;
    r->Y = a->y;
    T(ect_fe_set_one)(&C->fp, &r->Z);
}

/* External layout: 3 n limbs X, Y, Z (Montgomery form). */
static inline void T(ect_gej_load)(const ect_curve *C, GEJ *r, const uint64_t *in) {
    const ect_field *F = &C->fp;
    T(ect_fe_load)(F, &r->X, in);
    T(ect_fe_load)(F, &r->Y, in + F->n);
    T(ect_fe_load)(F, &r->Z, in + 2 * F->n);
}

static inline void T(ect_gej_store)(const ect_curve *C, uint64_t *out, const GEJ *a) {
    const ect_field *F = &C->fp;
    T(ect_fe_store)(F, out, &a->X);
    T(ect_fe_store)(F, out + F->n, &a->Y);
    T(ect_fe_store)(F, out + 2 * F->n, &a->Z);
}

static inline void T(ect_ge_neg)(const ect_curve *C, GE *r, const GE *a) {
    r->x = a->x;
    T(ect_fe_neg)(&C->fp, &r->y, &a->y);
    r->inf = a->inf;
}

static inline void T(ect_gej_neg)(const ect_curve *C, GEJ *r, const GEJ *a) {
    r->X = a->X;
    T(ect_fe_neg)(&C->fp, &r->Y, &a->Y);
    r->Z = a->Z;
}

/* rhs = x^3 + a x + b */
static inline void T(ect_curve_rhs)(const ect_curve *C, FE *rhs, const FE *x) {
    const ect_field *F = &C->fp;
    FE t, a = {{0}}, b = {{0}}; /* zeroed: the run-time-sized build only loads NL limbs */
    T(ect_fe_sqr)(F, &t, x);
    if (C->a_kind != ECT_A_ZERO) {
        T(ect_fe_load)(F, &a, C->a);
        T(ect_fe_add)(F, &t, &t, &a);
    }
    T(ect_fe_mul)(F, &t, &t, x);
    T(ect_fe_load)(F, &b, C->b);
    T(ect_fe_add)(F, rhs, &t, &b);
}

/* 1 if the affine point satisfies the curve equation (the identity does). */
static inline int T(ect_ge_is_valid)(const ect_curve *C, const GE *a) {
    if (a->inf) return 1;
    FE lhs, rhs;
    T(ect_fe_sqr)(&C->fp, &lhs, &a->y);
    T(ect_curve_rhs)(C, &rhs, &a->x);
    return T(ect_fe_equal)(&C->fp, &lhs, &rhs);
}

/* 1 if the Jacobian point satisfies Y^2 = X^3 + a X Z^4 + b Z^6. */
static inline int T(ect_gej_is_valid)(const ect_curve *C, const GEJ *p) {
    const ect_field *F = &C->fp;
    if (T(ect_gej_is_inf)(C, p)) return 1;
    FE lhs, rhs, z2, z4, z6, t, k;
    T(ect_fe_sqr)(F, &lhs, &p->Y);
    T(ect_fe_sqr)(F, &rhs, &p->X);
    T(ect_fe_mul)(F, &rhs, &rhs, &p->X);
    T(ect_fe_sqr)(F, &z2, &p->Z);
    T(ect_fe_sqr)(F, &z4, &z2);
    T(ect_fe_mul)(F, &z6, &z4, &z2);
    T(ect_fe_load)(F, &k, C->a);
    T(ect_fe_mul)(F, &t, &k, &p->X);
    T(ect_fe_mul)(F, &t, &t, &z4);
    T(ect_fe_add)(F, &rhs, &rhs, &t);
    T(ect_fe_load)(F, &k, C->b);
    T(ect_fe_mul)(F, &t, &k, &z6);
    T(ect_fe_add)(F, &rhs, &rhs, &t);
    return T(ect_fe_equal)(F, &lhs, &rhs);
}

#define GEJ_VERIFY(C, p) ECT_CHECK(T(ect_gej_is_valid)((C), (p)))

#if ECT_N == 9
/* Doubling on P-521 (a = -3), dbl-2001-b on gamma = Y^2 (4M + 4S), in radix
 * 2^58 digits from the three conversions in to the three out (ect_m58 in
 * ect_field.h).  T below means "tight": digits < 2^58 + 2^14, what products
 * return; each subtraction adds the smallest K p whose digits cover the
 * subtrahend's, and each product's operands keep max(a) max(b) < 2^123. */
static inline void T(ect_gej_double_m521)(const ect_curve *C, GEJ *r, const GEJ *a) {
    T(ect_m58) X, Y, Z, delta, gamma, g, beta4, t, u, alpha, X3, Y3, Z3;
    T(ect_m58_from_fe)(&X, &a->X); /* digits < 2^58 */
    T(ect_m58_from_fe)(&Y, &a->Y);
    T(ect_m58_from_fe)(&Z, &a->Z);
    T(ect_m58_sqr)(&delta, &Z);             /* delta = Z^2, T */
    T(ect_m58_sqr)(&gamma, &Y);             /* gamma = Y^2, T */
    T(ect_m58_scale)(&g, &gamma, 4);        /* 4 gamma < 2^60.1 */
    T(ect_m58_mul)(&beta4, &X, &g);         /* 4 beta = 4 X gamma, T */
    T(ect_m58_sub)(&t, &X, &delta, 4);      /* X - delta < 2^60.4 */
    T(ect_m58_add)(&u, &X, &delta);         /* X + delta < 2^59.1 */
    T(ect_m58_mul)(&alpha, &t, &u);
    T(ect_m58_scale)(&alpha, &alpha, 3);    /* alpha = 3 (X - delta)(X + delta) < 2^59.6 */
    T(ect_m58_mul)(&Z3, &Y, &Z);
    T(ect_m58_scale)(&Z3, &Z3, 2);          /* Z3 = 2 Y Z */
    T(ect_m58_sqr)(&X3, &alpha);
    T(ect_m58_scale)(&t, &beta4, 2);        /* 8 beta < 2^59.1 */
    T(ect_m58_sub)(&X3, &X3, &t, 8);        /* X3 = alpha^2 - 8 beta < 2^61.1 */
    T(ect_m58_sub)(&t, &beta4, &X3, 16);    /* 4 beta - X3 < 2^62.1 */
    T(ect_m58_mul)(&Y3, &alpha, &t);
    T(ect_m58_sqr)(&u, &gamma);
    T(ect_m58_scale)(&u, &u, 8);            /* 8 gamma^2 < 2^61.1 */
    T(ect_m58_sub)(&Y3, &Y3, &u, 32);       /* Y3 = alpha (4 beta - X3) - 8 gamma^2 < 2^63.1 */
    T(ect_m58_to_fe)(&r->X, &X3);
    T(ect_m58_to_fe)(&r->Y, &Y3);
    T(ect_m58_to_fe)(&r->Z, &Z3);
}
#endif

/* r = 2a.  A point with Y = 0 (order 2) doubles to the identity because
 * Z3 = 2 Y1 Z1 = 0 in every formula below (P-521's digit one too). */
static inline void T(ect_gej_double)(const ect_curve *C, GEJ *r, const GEJ *a) {
    const ect_field *F = &C->fp;
    GEJ_VERIFY(C, a);
    if (T(ect_gej_is_inf)(C, a)) {
        T(ect_gej_set_inf)(C, r);
        return;
    }
#if ECT_N == 9
    if (F->mersenne521 && C->a_kind == ECT_A_MINUS3) {
        T(ect_gej_double_m521)(C, r, a);
        GEJ_VERIFY(C, r);
        return;
    }
#endif
    if (C->a_kind == ECT_A_ZERO) {
        /* dbl-2009-l, a = 0: 2M + 5S */
        FE A, B, Cc, D, E, Fv, t, Z3;
        T(ect_fe_sqr)(F, &A, &a->X);        /* A = X1^2 */
        T(ect_fe_sqr)(F, &B, &a->Y);        /* B = Y1^2 */
        T(ect_fe_sqr)(F, &Cc, &B);          /* C = B^2 */
        T(ect_fe_add)(F, &t, &a->X, &B);
        T(ect_fe_sqr)(F, &t, &t);
        T(ect_fe_sub)(F, &t, &t, &A);
        T(ect_fe_sub)(F, &t, &t, &Cc);
        T(ect_fe_dbl)(F, &D, &t);           /* D = 2((X1+B)^2 - A - C) */
        T(ect_fe_dbl)(F, &E, &A);
        T(ect_fe_add)(F, &E, &E, &A);       /* E = 3A */
        T(ect_fe_sqr)(F, &Fv, &E);          /* F = E^2 */
        T(ect_fe_mul)(F, &Z3, &a->Y, &a->Z);
        T(ect_fe_dbl)(F, &r->Z, &Z3);       /* Z3 = 2 Y1 Z1 */
        T(ect_fe_dbl)(F, &t, &D);
        T(ect_fe_sub)(F, &r->X, &Fv, &t);   /* X3 = F - 2D */
        T(ect_fe_sub)(F, &t, &D, &r->X);
        T(ect_fe_mul)(F, &t, &E, &t);
        T(ect_fe_dbl)(F, &Cc, &Cc);
        T(ect_fe_dbl)(F, &Cc, &Cc);
        T(ect_fe_dbl)(F, &Cc, &Cc);
        T(ect_fe_sub)(F, &r->Y, &t, &Cc);   /* Y3 = E(D - X3) - 8C */
    } else if (C->a_kind == ECT_A_MINUS3) {
        /* dbl-2001-b, a = -3, rewritten on 2Y:
         * with g = (2Y)^2 = 4 Y^2 the formula's 4 beta is X g, its 8 gamma^2
         * is g^2 / 2 and Z3 = 2Y Z, so 4M + 4S with 10 additions and
         * halvings in place of 3M + 5S with 16. */
        FE delta, Y2, g, beta4, alpha, t, u, X3;
        T(ect_fe_sqr)(F, &delta, &a->Z);     /* delta = Z1^2 */
        T(ect_fe_dbl)(F, &Y2, &a->Y);        /* Y2 = 2 Y1 */
        T(ect_fe_sqr)(F, &g, &Y2);           /* g = 4 Y1^2 */
        T(ect_fe_mul)(F, &beta4, &a->X, &g); /* 4 beta = 4 X1 Y1^2 */
        T(ect_fe_sub)(F, &t, &a->X, &delta);
        T(ect_fe_add)(F, &u, &a->X, &delta);
        T(ect_fe_mul)(F, &alpha, &t, &u);
        T(ect_fe_dbl)(F, &t, &alpha);
        T(ect_fe_add)(F, &alpha, &alpha, &t); /* alpha = 3(X1-delta)(X1+delta) */
        T(ect_fe_mul)(F, &r->Z, &Y2, &a->Z); /* Z3 = 2 Y1 Z1 (a->Z is not read again) */
        T(ect_fe_sqr)(F, &X3, &alpha);
        T(ect_fe_dbl)(F, &t, &beta4);
        T(ect_fe_sub)(F, &X3, &X3, &t);      /* X3 = alpha^2 - 8 beta */
        T(ect_fe_sub)(F, &t, &beta4, &X3);
        T(ect_fe_mul)(F, &t, &alpha, &t);
        T(ect_fe_sqr)(F, &u, &g);
        T(ect_fe_half)(F, &u, &u);           /* 8 Y1^4 = g^2 / 2 */
        T(ect_fe_sub)(F, &r->Y, &t, &u);     /* Y3 = alpha(4 beta - X3) - 8 Y1^4 */
        r->X = X3;
    } else {
        /* dbl-2007-bl, any a: 1M + 8S + 1 multiplication by a */
        FE XX, YY, YYYY, ZZ, S, M, t, k;
        T(ect_fe_sqr)(F, &XX, &a->X);
        T(ect_fe_sqr)(F, &YY, &a->Y);
        T(ect_fe_sqr)(F, &YYYY, &YY);
        T(ect_fe_sqr)(F, &ZZ, &a->Z);
        T(ect_fe_add)(F, &t, &a->X, &YY);
        T(ect_fe_sqr)(F, &t, &t);
        T(ect_fe_sub)(F, &t, &t, &XX);
        T(ect_fe_sub)(F, &t, &t, &YYYY);
        T(ect_fe_dbl)(F, &S, &t);           /* S = 2((X1+YY)^2 - XX - YYYY) */
        T(ect_fe_sqr)(F, &t, &ZZ);
        T(ect_fe_load)(F, &k, C->a);
        T(ect_fe_mul)(F, &t, &t, &k);
        T(ect_fe_dbl)(F, &M, &XX);
        T(ect_fe_add)(F, &M, &M, &XX);
        T(ect_fe_add)(F, &M, &M, &t);       /* M = 3 XX + a ZZ^2 */
        T(ect_fe_add)(F, &t, &a->Y, &a->Z);
        T(ect_fe_sqr)(F, &t, &t);
        T(ect_fe_sub)(F, &t, &t, &YY);
        T(ect_fe_sub)(F, &r->Z, &t, &ZZ);   /* Z3 = (Y1+Z1)^2 - YY - ZZ */
        T(ect_fe_sqr)(F, &t, &M);
        T(ect_fe_dbl)(F, &k, &S);
        T(ect_fe_sub)(F, &t, &t, &k);       /* T = M^2 - 2S */
        T(ect_fe_sub)(F, &k, &S, &t);
        r->X = t;                           /* X3 = T */
        T(ect_fe_mul)(F, &k, &M, &k);
        T(ect_fe_dbl)(F, &YYYY, &YYYY);
        T(ect_fe_dbl)(F, &YYYY, &YYYY);
        T(ect_fe_dbl)(F, &YYYY, &YYYY);
        T(ect_fe_sub)(F, &r->Y, &k, &YYYY); /* Y3 = M(S - T) - 8 YYYY */
    }
    GEJ_VERIFY(C, r);
}

static inline void T(ect_gej_add_ge)(const ect_curve *C, GEJ *r, const GEJ *a, const GE *b);

/* 1 if the Jacobian point has Z = 1 (decoded and constructed points do). */
static inline int T(ect_gej_z_is_one)(const ect_curve *C, const GEJ *a) {
    const ect_field *F = &C->fp;
    uint64_t acc = 0;
    for (int i = 0; i < NL; i++) acc |= a->Z.v[i] ^ F->one[i];
    return acc == 0;
}

/* r = a + b, both Jacobian, given b's Z^2 and Z^3 in zz2, zzz2 (NULL: computed
 * here).  add-2007-bl: 11M + 5S, 10M + 4S with zz2 and zzz2 given (a table
 * entry added many times), or the mixed addition (7M + 4S) when either side
 * has Z = 1.  Handles the identity on either side, a = b (doubles) and a = -b
 * (identity). */
static inline void T(ect_gej_add_zz)(const ect_curve *C, GEJ *r, const GEJ *a, const GEJ *b, const FE *zz2,
                                     const FE *zzz2) {
    const ect_field *F = &C->fp;
    GEJ_VERIFY(C, a);
    GEJ_VERIFY(C, b);
    if (T(ect_gej_is_inf)(C, a)) {
        *r = *b;
        return;
    }
    if (T(ect_gej_is_inf)(C, b)) {
        *r = *a;
        return;
    }
    if (T(ect_gej_z_is_one)(C, b) || T(ect_gej_z_is_one)(C, a)) {
        const GEJ *j = T(ect_gej_z_is_one)(C, b) ? a : b, *z1 = (j == a) ? b : a;
        GE q;
        q.x = z1->X;
        q.y = z1->Y;
        q.inf = 0;
        T(ect_gej_add_ge)(C, r, j, &q);
        return;
    }
    FE Z1Z1, Z2Z2, Z2Z2Z2, U1, U2, S1, S2, H, I, J, rr, V, t;
    T(ect_fe_sqr)(F, &Z1Z1, &a->Z);
    if (zz2) {
        Z2Z2 = *zz2;
        Z2Z2Z2 = *zzz2;
    } else {
        T(ect_fe_sqr)(F, &Z2Z2, &b->Z);
        T(ect_fe_mul)(F, &Z2Z2Z2, &Z2Z2, &b->Z);
    }
    T(ect_fe_mul)(F, &U1, &a->X, &Z2Z2);    /* U1 = X1 Z2Z2 */
    T(ect_fe_mul)(F, &U2, &b->X, &Z1Z1);    /* U2 = X2 Z1Z1 */
    T(ect_fe_mul)(F, &S1, &a->Y, &Z2Z2Z2);  /* S1 = Y1 Z2^3 */
    T(ect_fe_mul)(F, &S2, &b->Y, &a->Z);
    T(ect_fe_mul)(F, &S2, &S2, &Z1Z1);      /* S2 = Y2 Z1 Z1Z1 */
    T(ect_fe_sub)(F, &H, &U2, &U1);         /* H = U2 - U1 */
    T(ect_fe_sub)(F, &rr, &S2, &S1);
    if (T(ect_fe_is_zero)(F, &H)) {
        if (T(ect_fe_is_zero)(F, &rr)) {
            T(ect_gej_double)(C, r, a);     /* a = b */
        } else {
            T(ect_gej_set_inf)(C, r);       /* a = -b */
        }
        return;
    }
    T(ect_fe_dbl)(F, &rr, &rr);             /* r = 2(S2 - S1) */
    T(ect_fe_dbl)(F, &I, &H);
    T(ect_fe_sqr)(F, &I, &I);               /* I = (2H)^2 */
    T(ect_fe_mul)(F, &J, &H, &I);           /* J = H I */
    T(ect_fe_mul)(F, &V, &U1, &I);          /* V = U1 I */
    T(ect_fe_add)(F, &t, &a->Z, &b->Z);
    T(ect_fe_sqr)(F, &t, &t);
    T(ect_fe_sub)(F, &t, &t, &Z1Z1);
    T(ect_fe_sub)(F, &t, &t, &Z2Z2);
    T(ect_fe_mul)(F, &r->Z, &t, &H);        /* Z3 = ((Z1+Z2)^2 - Z1Z1 - Z2Z2) H */
    T(ect_fe_sqr)(F, &t, &rr);
    T(ect_fe_sub)(F, &t, &t, &J);
    T(ect_fe_sub)(F, &t, &t, &V);
    T(ect_fe_sub)(F, &r->X, &t, &V);        /* X3 = r^2 - J - 2V */
    T(ect_fe_sub)(F, &t, &V, &r->X);
    T(ect_fe_mul)(F, &t, &rr, &t);
    T(ect_fe_mul)(F, &S1, &S1, &J);
    T(ect_fe_dbl)(F, &S1, &S1);
    T(ect_fe_sub)(F, &r->Y, &t, &S1);       /* Y3 = r(V - X3) - 2 S1 J */
    GEJ_VERIFY(C, r);
}

/* r = a + b, both Jacobian: ect_gej_add_zz with b's Z^2 and Z^3 computed. */
static inline void T(ect_gej_add)(const ect_curve *C, GEJ *r, const GEJ *a, const GEJ *b) {
    T(ect_gej_add_zz)(C, r, a, b, NULL, NULL);
}

/* r = a + b with b affine (mixed addition).  madd-2007-bl: 7M + 4S. */
static inline void T(ect_gej_add_ge)(const ect_curve *C, GEJ *r, const GEJ *a, const GE *b) {
    const ect_field *F = &C->fp;
    GEJ_VERIFY(C, a);
    if (b->inf) {
        *r = *a;
        return;
    }
    if (T(ect_gej_is_inf)(C, a)) {
        T(ect_gej_set_ge)(C, r, b);
        return;
    }
    FE Z1Z1, U2, S2, H, HH, I, J, rr, V, t;
    T(ect_fe_sqr)(F, &Z1Z1, &a->Z);
    T(ect_fe_mul)(F, &U2, &b->x, &Z1Z1);    /* U2 = X2 Z1Z1 */
    T(ect_fe_mul)(F, &S2, &b->y, &a->Z);
    T(ect_fe_mul)(F, &S2, &S2, &Z1Z1);      /* S2 = Y2 Z1 Z1Z1 */
    T(ect_fe_sub)(F, &H, &U2, &a->X);       /* H = U2 - X1 */
    T(ect_fe_sub)(F, &rr, &S2, &a->Y);
    if (T(ect_fe_is_zero)(F, &H)) {
        if (T(ect_fe_is_zero)(F, &rr)) {
            T(ect_gej_double)(C, r, a);
        } else {
            T(ect_gej_set_inf)(C, r);
        }
        return;
    }
    T(ect_fe_dbl)(F, &rr, &rr);             /* r = 2(S2 - Y1) */
    T(ect_fe_sqr)(F, &HH, &H);              /* HH = H^2 */
    T(ect_fe_dbl)(F, &I, &HH);
    T(ect_fe_dbl)(F, &I, &I);               /* I = 4 HH */
    T(ect_fe_mul)(F, &J, &H, &I);           /* J = H I */
    T(ect_fe_mul)(F, &V, &a->X, &I);        /* V = X1 I */
    T(ect_fe_add)(F, &t, &a->Z, &H);
    T(ect_fe_sqr)(F, &t, &t);
    T(ect_fe_sub)(F, &t, &t, &Z1Z1);
    T(ect_fe_sub)(F, &r->Z, &t, &HH);       /* Z3 = (Z1+H)^2 - Z1Z1 - HH */
    FE Y1 = a->Y;
    T(ect_fe_sqr)(F, &t, &rr);
    T(ect_fe_sub)(F, &t, &t, &J);
    T(ect_fe_sub)(F, &t, &t, &V);
    T(ect_fe_sub)(F, &r->X, &t, &V);        /* X3 = r^2 - J - 2V */
    T(ect_fe_sub)(F, &t, &V, &r->X);
    T(ect_fe_mul)(F, &t, &rr, &t);
    T(ect_fe_mul)(F, &Y1, &Y1, &J);
    T(ect_fe_dbl)(F, &Y1, &Y1);
    T(ect_fe_sub)(F, &r->Y, &t, &Y1);       /* Y3 = r(V - X3) - 2 Y1 J */
    GEJ_VERIFY(C, r);
}

/* 1 if a and b are the same point: X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3,
 * so no inversion is needed.  4M + 2S. */
static inline int T(ect_gej_equal)(const ect_curve *C, const GEJ *a, const GEJ *b) {
    const ect_field *F = &C->fp;
    int ia = T(ect_gej_is_inf)(C, a), ib = T(ect_gej_is_inf)(C, b);
    if (ia || ib) return ia && ib;
    FE z1, z2, u1, u2;
    T(ect_fe_sqr)(F, &z1, &a->Z);
    T(ect_fe_sqr)(F, &z2, &b->Z);
    T(ect_fe_mul)(F, &u1, &a->X, &z2);
    T(ect_fe_mul)(F, &u2, &b->X, &z1);
    if (!T(ect_fe_equal)(F, &u1, &u2)) return 0;
    T(ect_fe_mul)(F, &z1, &z1, &a->Z);
    T(ect_fe_mul)(F, &z2, &z2, &b->Z);
    T(ect_fe_mul)(F, &u1, &a->Y, &z2);
    T(ect_fe_mul)(F, &u2, &b->Y, &z1);
    return T(ect_fe_equal)(F, &u1, &u2);
}

/* r = a in affine form: one inversion. */
static inline void T(ect_ge_set_gej)(const ect_curve *C, GE *r, const GEJ *a) {
    const ect_field *F = &C->fp;
    if (T(ect_gej_is_inf)(C, a)) {
        T(ect_fe_set_zero)(F, &r->x);
        T(ect_fe_set_zero)(F, &r->y);
        r->inf = 1;
        return;
    }
    FE zi, zi2, zi3;
    T(ect_fe_inv)(F, &zi, &a->Z);
    T(ect_fe_sqr)(F, &zi2, &zi);
    T(ect_fe_mul)(F, &zi3, &zi2, &zi);
    T(ect_fe_mul)(F, &r->x, &a->X, &zi2);
    T(ect_fe_mul)(F, &r->y, &a->Y, &zi3);
    r->inf = 0;
}

/* r[i] = a[i] in affine form for i < m, with one inversion (Montgomery's
 * trick; an identity's Z counts as 1): 3(m-1) M for the prefix products, one
 * inversion, then 3M + 1S per point.  scratch must hold m field elements.
 * r and a must not overlap. */
static inline void T(ect_ge_set_gej_batch)(const ect_curve *C, GE *r, const GEJ *a, size_t m, FE *scratch) {
    const ect_field *F = &C->fp;
    FE acc, zi, zi2, t;
    if (m == 0) return;
    T(ect_fe_set_one)(F, &acc);
    for (size_t i = 0; i < m; i++) {
        if (!T(ect_gej_is_inf)(C, &a[i])) T(ect_fe_mul)(F, &acc, &acc, &a[i].Z);
        scratch[i] = acc; /* product of the Z up to and including i */
    }
    T(ect_fe_inv)(F, &acc, &acc); /* acc = 1 / (product of every Z) */
    for (size_t k = m; k-- > 0;) {
        if (T(ect_gej_is_inf)(C, &a[k])) {
            T(ect_fe_set_zero)(F, &r[k].x);
            T(ect_fe_set_zero)(F, &r[k].y);
            r[k].inf = 1;
            continue;
        }
        if (k > 0) {
            T(ect_fe_mul)(F, &zi, &acc, &scratch[k - 1]); /* 1 / Z_k */
            T(ect_fe_mul)(F, &acc, &acc, &a[k].Z);       /* drop Z_k from acc */
        } else {
            zi = acc;
        }
        T(ect_fe_sqr)(F, &zi2, &zi);
        T(ect_fe_mul)(F, &r[k].x, &a[k].X, &zi2);
        T(ect_fe_mul)(F, &t, &zi2, &zi);
        T(ect_fe_mul)(F, &r[k].y, &a[k].Y, &t);
        r[k].inf = 0;
    }
}

/* Decompress: r = the point with x-coordinate x and y of the given parity.
 * Returns ECT_ERR_NO_SQRT if x^3 + a x + b is not a square, ECT_ERR_PARITY if
 * an odd y is asked for but the only y is 0, else 1. */
static inline int T(ect_ge_set_xo)(const ect_curve *C, GE *r, const FE *x, int odd) {
    const ect_field *F = &C->fp;
    FE rhs, y;
    T(ect_curve_rhs)(C, &rhs, x);
    if (!T(ect_fe_sqrt)(F, &y, &rhs)) return ECT_ERR_NO_SQRT;
    if (odd && T(ect_fe_is_zero)(F, &y)) return ECT_ERR_PARITY;
    if (T(ect_fe_is_odd)(F, &y) != odd) T(ect_fe_neg)(F, &y, &y);
    r->x = *x;
    r->y = y;
    r->inf = 0;
    return 1;
}
