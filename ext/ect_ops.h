/* ect_ops.h -- entry points on external buffers (template, see ect_field.h).
 *
 * External layout, shared by every instantiation so that ect_api.h can
 * dispatch on the limb count alone:
 *   point   3 n uint64 limbs: X, Y, Z in Montgomery form (Jacobian; Z = 0 is
 *           the identity), n = C->fp.n
 *   scalar  C->fn.n uint64 limbs, plain, little endian
 *   bytes   SEC1 encodings (0x00 | 02/03 X | 04 X Y), big endian
 * Batches are m consecutive records.  These functions load, compute, store;
 * none of them touches Python objects.  Those that can fail return 1 on
 * success, else 0 or ECT_ERR_* (ect_api.h lists which); the others are void.
 */

static void T(ect_op_add)(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b) {
    GEJ p, q;
    T(ect_gej_load)(C, &p, a);
    T(ect_gej_load)(C, &q, b);
    T(ect_gej_add)(C, &p, &p, &q);
    T(ect_gej_store)(C, out, &p);
}

static void T(ect_op_double)(const ect_curve *C, uint64_t *out, const uint64_t *a) {
    GEJ p;
    T(ect_gej_load)(C, &p, a);
    T(ect_gej_double)(C, &p, &p);
    T(ect_gej_store)(C, out, &p);
}

static void T(ect_op_neg)(const ect_curve *C, uint64_t *out, const uint64_t *a) {
    GEJ p;
    T(ect_gej_load)(C, &p, a);
    T(ect_gej_neg)(C, &p, &p);
    T(ect_gej_store)(C, out, &p);
}

static int T(ect_op_equal)(const ect_curve *C, const uint64_t *a, const uint64_t *b) {
    GEJ p, q;
    T(ect_gej_load)(C, &p, a);
    T(ect_gej_load)(C, &q, b);
    return T(ect_gej_equal)(C, &p, &q);
}

static int T(ect_op_is_valid)(const ect_curve *C, const uint64_t *a) {
    GEJ p;
    T(ect_gej_load)(C, &p, a);
    return T(ect_gej_is_valid)(C, &p);
}

/* One base-field operation on internal values (Montgomery form, fp.n limbs,
 * each < p), for the tests: out = a + b, a - b, a b R^-1, a^2 R^-1, a / 2,
 * -a or 2a (ECT_FOP_*), through the dispatch the point formulas use.
 * Returns 0 for an unknown op. */
static int T(ect_op_field)(const ect_curve *C, int op, uint64_t *out, const uint64_t *a, const uint64_t *b) {
    const ect_field *F = &C->fp;
    FE x = {{0}}, y = {{0}}, r = {{0}}; /* zeroed: the run-time-sized build only fills NL limbs */
    T(ect_fe_load)(F, &x, a);
    T(ect_fe_load)(F, &y, b);
    switch (op) {
    case ECT_FOP_ADD: T(ect_fe_add)(F, &r, &x, &y); break;
    case ECT_FOP_SUB: T(ect_fe_sub)(F, &r, &x, &y); break;
    case ECT_FOP_MUL: T(ect_fe_mul)(F, &r, &x, &y); break;
    case ECT_FOP_SQR: T(ect_fe_sqr)(F, &r, &x); break;
    case ECT_FOP_HALF: T(ect_fe_half)(F, &r, &x); break;
    case ECT_FOP_NEG: T(ect_fe_neg)(F, &r, &x); break;
    case ECT_FOP_DBL: T(ect_fe_dbl)(F, &r, &x); break;
    default: return 0;
    }
    T(ect_fe_store)(F, out, &r);
    return 1;
}

/* out = k a (k plain, any value < 2^(64 fn.n)). */
static void T(ect_op_mul)(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k) {
    GEJ p;
    T(ect_gej_load)(C, &p, a);
    T(ect_ecmult_var)(C, &p, &p, k, 1);
    T(ect_gej_store)(C, out, &p);
}

/* 1 if n a is the identity. */
static int T(ect_op_in_subgroup)(const ect_curve *C, const uint64_t *a) {
    GEJ p;
    T(ect_gej_load)(C, &p, a);
    T(ect_ecmult_var)(C, &p, &p, C->fn.p, 0);
    return T(ect_gej_is_inf)(C, &p);
}

static void *T(ect_op_gen_table)(const ect_curve *C) { return (void *)T(ect_gen_table_build)(C); }

/* out = k G with a table from ect_op_gen_table (k < n). */
static void T(ect_op_mul_gen)(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k) {
    GEJ p;
    T(ect_ecmult_gen)(C, &p, (const GE *)table, k);
    T(ect_gej_store)(C, out, &p);
}

/* Affine coordinates as big-endian bytes (fp.nbytes each); returns 0 for the
 * identity (x and y untouched). */
static int T(ect_op_affine)(const ect_curve *C, uint8_t *x, uint8_t *y, const uint64_t *a) {
    GEJ p;
    GE q;
    T(ect_gej_load)(C, &p, a);
    if (T(ect_gej_is_inf)(C, &p)) return 0;
    T(ect_ge_set_gej)(C, &q, &p);
    T(ect_fe_get_be)(&C->fp, x, &q.x);
    T(ect_fe_get_be)(&C->fp, y, &q.y);
    return 1;
}

/* Point from big-endian affine coordinates; ECT_ERR_RANGE or
 * ECT_ERR_NOT_ON_CURVE on failure. */
static int T(ect_op_from_affine)(const ect_curve *C, uint64_t *out, const uint8_t *x, const uint8_t *y) {
    GE q;
    GEJ p;
    if (!T(ect_fe_set_be_checked)(&C->fp, &q.x, x)) return ECT_ERR_RANGE;
    if (!T(ect_fe_set_be_checked)(&C->fp, &q.y, y)) return ECT_ERR_RANGE;
    q.inf = 0;
    if (!T(ect_ge_is_valid)(C, &q)) return ECT_ERR_NOT_ON_CURVE;
    T(ect_gej_set_ge)(C, &p, &q);
    T(ect_gej_store)(C, out, &p);
    return 1;
}

/* Encoded length of one SEC1 record starting with prefix (0 if unknown). */
static inline size_t T(ect_sec1_len)(const ect_curve *C, uint8_t prefix) {
    size_t nb = (size_t)C->fp.nbytes;
    switch (prefix) {
    case 0x00: return 1;
    case 0x02:
    case 0x03: return 1 + nb;
    case 0x04: return 1 + 2 * nb;
    default: return 0;
    }
}

/* Decode one SEC1 record of exactly len bytes. */
static int T(ect_decode_one)(const ect_curve *C, GEJ *r, const uint8_t *in, size_t len) {
    if (len == 0) return ECT_ERR_LENGTH;
    size_t want = T(ect_sec1_len)(C, in[0]);
    if (want == 0) return ECT_ERR_PREFIX;
    if (len != want) return ECT_ERR_LENGTH;
    GE q;
    if (in[0] == 0x00) {
        T(ect_gej_set_inf)(C, r);
        return 1;
    }
    if (!T(ect_fe_set_be_checked)(&C->fp, &q.x, in + 1)) return ECT_ERR_RANGE;
    if (in[0] == 0x04) {
        if (!T(ect_fe_set_be_checked)(&C->fp, &q.y, in + 1 + C->fp.nbytes)) return ECT_ERR_RANGE;
        q.inf = 0;
        if (!T(ect_ge_is_valid)(C, &q)) return ECT_ERR_NOT_ON_CURVE;
    } else {
        int rc = T(ect_ge_set_xo)(C, &q, &q.x, in[0] == 0x03);
        if (rc != 1) return rc;
    }
    T(ect_gej_set_ge)(C, r, &q);
    return 1;
}

static int T(ect_op_decode)(const ect_curve *C, uint64_t *out, const uint8_t *in, size_t len) {
    GEJ p;
    int rc = T(ect_decode_one)(C, &p, in, len);
    if (rc == 1) T(ect_gej_store)(C, out, &p);
    return rc;
}

static inline size_t T(ect_encode_ge)(const ect_curve *C, uint8_t *out, const GE *q, int compressed) {
    size_t nb = (size_t)C->fp.nbytes;
    if (q->inf) {
        out[0] = 0x00;
        return 1;
    }
    T(ect_fe_get_be)(&C->fp, out + 1, &q->x);
    if (compressed) {
        out[0] = (uint8_t)(0x02 | T(ect_fe_is_odd)(&C->fp, &q->y));
        return 1 + nb;
    }
    out[0] = 0x04;
    T(ect_fe_get_be)(&C->fp, out + 1 + nb, &q->y);
    return 1 + 2 * nb;
}

/* SEC1-encode one point; returns the number of bytes written (out must have
 * room for 1 + 2 fp.nbytes). */
static size_t T(ect_op_encode)(const ect_curve *C, uint8_t *out, const uint64_t *a, int compressed) {
    GEJ p;
    GE q;
    T(ect_gej_load)(C, &p, a);
    T(ect_ge_set_gej)(C, &q, &p);
    return T(ect_encode_ge)(C, out, &q, compressed);
}

/* ---- batches ---------------------------------------------------------- */

/* Pairs per shared inversion in ect_batch_add. */
#define ECT_BATCH_ADD_CHUNK 1024

/* out[i] = a[i] + b[i] (or a[i] - b[i] when subtract); out must not overlap
 * a or b.  Pairs of affine points (Z = 1, as decoded) with different x take
 * the affine addition, lambda = (y2 - y1) / (x2 - x1), with the chunk's
 * x2 - x1 inverted together (Montgomery's trick): 5M + 1S per pair plus a
 * share of one inversion, against 7M + 4S for the mixed addition; the result
 * has Z = 1.  Every other pair (a Jacobian input, the identity, equal x) takes
 * ect_gej_add, as do all pairs if the work space cannot be allocated. */
static void T(ect_batch_add)(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *b, size_t m,
                            int subtract) {
    const ect_field *F = &C->fp;
    const size_t rec = 3 * (size_t)F->n;
    FE *dx = (FE *)malloc(sizeof(FE) * 2 * ECT_BATCH_ADD_CHUNK);
    size_t *idx = (size_t *)malloc(sizeof(size_t) * ECT_BATCH_ADD_CHUNK);
    for (size_t s0 = 0; s0 < m; s0 += ECT_BATCH_ADD_CHUNK) {
        size_t s1 = m - s0 < ECT_BATCH_ADD_CHUNK ? m : s0 + ECT_BATCH_ADD_CHUNK, cnt = 0;
        for (size_t i = s0; i < s1; i++) {
            GEJ p, q;
            T(ect_gej_load)(C, &p, a + i * rec);
            T(ect_gej_load)(C, &q, b + i * rec);
            if (dx && idx && T(ect_gej_z_is_one)(C, &p) && T(ect_gej_z_is_one)(C, &q) &&
                !T(ect_fe_equal)(F, &p.X, &q.X)) {
                T(ect_fe_sub)(F, &dx[cnt], &q.X, &p.X);
                idx[cnt++] = i;
                continue;
            }
            if (subtract) T(ect_gej_neg)(C, &q, &q);
            T(ect_gej_add)(C, &p, &p, &q);
            T(ect_gej_store)(C, out + i * rec, &p);
        }
        if (!cnt) continue;
        T(ect_fe_inv0_batch)(F, dx, cnt, dx + ECT_BATCH_ADD_CHUNK); /* no zeros: the x differ */
        for (size_t j = 0; j < cnt; j++) {
            const size_t i = idx[j];
            GEJ p, q, r;
            FE lam, t;
            T(ect_gej_load)(C, &p, a + i * rec);
            T(ect_gej_load)(C, &q, b + i * rec);
            if (subtract) T(ect_fe_neg)(F, &q.Y, &q.Y);
            T(ect_fe_sub)(F, &t, &q.Y, &p.Y);
            T(ect_fe_mul)(F, &lam, &t, &dx[j]);   /* lambda = (y2 - y1) / (x2 - x1) */
            T(ect_fe_sqr)(F, &t, &lam);
            T(ect_fe_sub)(F, &t, &t, &p.X);
            T(ect_fe_sub)(F, &r.X, &t, &q.X);     /* x3 = lambda^2 - x1 - x2 */
            T(ect_fe_sub)(F, &t, &p.X, &r.X);
            T(ect_fe_mul)(F, &t, &lam, &t);
            T(ect_fe_sub)(F, &r.Y, &t, &p.Y);     /* y3 = lambda (x1 - x3) - y1 */
            T(ect_fe_set_one)(F, &r.Z);
            T(ect_gej_store)(C, out + i * rec, &r);
        }
    }
    free(dx);
    free(idx);
}

/* out[i] = k[i] a[i]. */
static void T(ect_batch_mul)(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m) {
    const size_t rec = 3 * (size_t)C->fp.n, L = (size_t)C->fn.n;
    for (size_t i = 0; i < m; i++) T(ect_op_mul)(C, out + i * rec, a + i * rec, k + i * L);
}

/* out[e m + i] = k[e] a[i] for i < m, e < s (ect_ecmult_common, ect_ecmult.h).
 * Returns 1 or ECT_ERR_NOMEM. */
static int T(ect_batch_mul_common)(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m, const uint64_t *k,
                                   size_t s) {
    return T(ect_ecmult_common)(C, out, a, m, k, s);
}

/* out[i] = k[i] G. */
static void T(ect_batch_mul_gen)(const ect_curve *C, const void *table, uint64_t *out, const uint64_t *k, size_t m) {
    const size_t rec = 3 * (size_t)C->fp.n, L = (size_t)C->fn.n;
    for (size_t i = 0; i < m; i++) T(ect_op_mul_gen)(C, table, out + i * rec, k + i * L);
}

/* out = sum of a[i]. */
static void T(ect_batch_sum)(const ect_curve *C, uint64_t *out, const uint64_t *a, size_t m) {
    const size_t rec = 3 * (size_t)C->fp.n;
    GEJ acc, p;
    T(ect_gej_set_inf)(C, &acc);
    for (size_t i = 0; i < m; i++) {
        T(ect_gej_load)(C, &p, a + i * rec);
        T(ect_gej_add)(C, &acc, &acc, &p);
    }
    T(ect_gej_store)(C, out, &acc);
}

/* Load m Jacobian records and convert them to affine with one inversion;
 * records already affine (Z = 1, a vocabulary's generators) or the identity,
 * when all are, are read straight into the result. */
static GE *T(ect_load_affine_batch)(const ect_curve *C, const uint64_t *a, size_t m) {
    const size_t rec = 3 * (size_t)C->fp.n, cnt = m ? m : 1;
    GE *pts = (GE *)ect_scratch_alloc(sizeof(GE) * cnt);
    if (!pts) return NULL;
    FE one;
    GEJ p;
    T(ect_fe_set_one)(&C->fp, &one);
    size_t i = 0;
    for (; i < m; i++) {
        T(ect_gej_load)(C, &p, a + i * rec);
        const int inf = T(ect_gej_is_inf)(C, &p);
        if (!inf && !T(ect_fe_equal)(&C->fp, &p.Z, &one)) break;
        pts[i].x = p.X;
        pts[i].y = p.Y;
        pts[i].inf = inf;
        if (inf) {
            T(ect_fe_set_zero)(&C->fp, &pts[i].x);
            T(ect_fe_set_zero)(&C->fp, &pts[i].y);
        }
    }
    if (i == m) return pts;
    size_t at = 0; /* one scratch block: the Jacobian points and the batch inversion's products */
    void *block = ect_scratch_alloc(ect_scratch_bytes(sizeof(GEJ) * cnt) + ect_scratch_bytes(sizeof(FE) * cnt));
    if (!block) {
        free(pts);
        return NULL;
    }
    GEJ *jac = (GEJ *)ect_scratch_piece(block, &at, sizeof(GEJ) * cnt);
    FE *scratch = (FE *)ect_scratch_piece(block, &at, sizeof(FE) * cnt);
    for (size_t i = 0; i < m; i++) T(ect_gej_load)(C, &jac[i], a + i * rec);
    T(ect_ge_set_gej_batch)(C, pts, jac, m, scratch);
    free(block);
    return pts;
}

/* out = sum k[i] a[i] (every k[i] < n), on up to `threads` threads (ect_msm). */
static int T(ect_batch_msm)(const ect_curve *C, uint64_t *out, const uint64_t *a, const uint64_t *k, size_t m,
                            int threads) {
    GE *pts = T(ect_load_affine_batch)(C, a, m);
    GEJ r;
    if (!pts) return ECT_ERR_NOMEM;
    int ok = T(ect_msm)(C, &r, pts, k, m, threads);
    free(pts);
    if (!ok) return ECT_ERR_NOMEM;
    T(ect_gej_store)(C, out, &r);
    return 1;
}

/* Concatenated SEC1 encodings of m points; *outlen receives the byte count
 * (out needs room for m (1 + 2 fp.nbytes) bytes). */
static int T(ect_batch_encode)(const ect_curve *C, uint8_t *out, size_t *outlen, const uint64_t *a, size_t m,
                               int compressed) {
    GE *pts = T(ect_load_affine_batch)(C, a, m);
    size_t pos = 0;
    if (!pts) return ECT_ERR_NOMEM;
    for (size_t i = 0; i < m; i++) pos += T(ect_encode_ge)(C, out + pos, &pts[i], compressed);
    free(pts);
    *outlen = pos;
    return 1;
}

/* Affine coordinates of m points as big-endian bytes (x then y, fp.nbytes
 * each, per record); inf[i] = 1 for the identity (its bytes are zero). */
static int T(ect_batch_affine)(const ect_curve *C, uint8_t *xy, uint8_t *inf, const uint64_t *a, size_t m) {
    const size_t nb = (size_t)C->fp.nbytes;
    GE *pts = T(ect_load_affine_batch)(C, a, m);
    if (!pts) return ECT_ERR_NOMEM;
    for (size_t i = 0; i < m; i++) {
        inf[i] = (uint8_t)pts[i].inf;
        if (pts[i].inf) {
            memset(xy + 2 * nb * i, 0, 2 * nb);
        } else {
            T(ect_fe_get_be)(&C->fp, xy + 2 * nb * i, &pts[i].x);
            T(ect_fe_get_be)(&C->fp, xy + 2 * nb * i + nb, &pts[i].y);
        }
    }
    free(pts);
    return 1;
}

/* Decode up to max_m concatenated SEC1 records from in[0 .. len) into out
 * (out = NULL only validates, without a limit).  On success *count is the
 * number of points.  On failure returns the ECT_ERR_* code of
 * the record at index *count (which starts at byte *offset). */
static int T(ect_batch_decode)(const ect_curve *C, uint64_t *out, size_t max_m, const uint8_t *in, size_t len,
                               size_t *count, size_t *offset) {
    const size_t rec = 3 * (size_t)C->fp.n;
    size_t pos = 0, i = 0;
    *count = 0;
    *offset = 0;
    while (pos < len) {
        size_t want = T(ect_sec1_len)(C, in[pos]);
        *count = i;
        *offset = pos;
        if (want == 0) return ECT_ERR_PREFIX;
        if (pos + want > len) return ECT_ERR_LENGTH;
        if (out && i >= max_m) return ECT_ERR_LENGTH;
        GEJ p;
        int rc = T(ect_decode_one)(C, &p, in + pos, want);
        if (rc != 1) return rc;
        if (out) T(ect_gej_store)(C, out + i * rec, &p);
        pos += want;
        i++;
    }
    *count = i;
    *offset = pos;
    return 1;
}

/* Number of SEC1 records in in[0 .. len), or (size_t)-1 if it does not split
 * exactly into records with known prefixes. */
static size_t T(ect_batch_count)(const ect_curve *C, const uint8_t *in, size_t len) {
    size_t pos = 0, i = 0;
    while (pos < len) {
        size_t want = T(ect_sec1_len)(C, in[pos]);
        if (want == 0 || pos + want > len) return (size_t)-1;
        pos += want;
        i++;
    }
    return i;
}

/* Coefficients of a composition, on this instantiation's field code for the scalar field F (C->fn,
 * whose limb count is NL): for token indices ids[0 .. L) and the plain scalar k, out[t] = sum of
 * k^(L-1-i) over the positions i whose token is t, mod n, as plain scalars of NL limbs (D rows).  A
 * position's token is remap[ids[i]] (each ids[i] < V, each remap entry read < D), or ids[i] itself
 * when remap is NULL (each < D; V is then unused).  Every index is checked where it is read, so
 * arrays another thread changes meanwhile can give a wrong answer but never an access out of range.
 * Returns 1, 0 if an index is out of range, or ECT_ERR_NOMEM.
 *
 * Two ways, the same sums.  Short runs (ect_coefficients_chained): one product a position, the
 * positions cut into ECT_COEF_CHAINS runs walked in step, so the loop is bound by the multiplier's
 * throughput rather than by one product's latency.  Long runs (ect_coefficients_blocked): the
 * exponents e = L-1-i cut into blocks of ECT_COEF_BLOCK, e = b B + r; with tab[r] = k^r, block b adds
 * k^(b B) (sum of tab[r] over the token's positions in it) to each token it holds: one sum a
 * position and one product a token a block.  Text repeats its common tokens within a block, so
 * that is several times fewer products than positions. */
#ifndef ECT_COEF_CHAINS
#define ECT_COEF_CHAINS 4
#endif
#ifndef ECT_COEF_BLOCK
#define ECT_COEF_BLOCK 8192
#endif
/* The row of position i's token, or D if an index is out of range. */
static inline size_t T(ect_coef_row)(const int64_t *ids, size_t i, const int64_t *remap, size_t V, size_t D) {
    uint64_t u = (uint64_t)ids[i];
    if (remap) {
        if (u >= V) return D;
        u = (uint64_t)remap[u];
    }
    return u < D ? (size_t)u : D;
}

static int T(ect_coefficients_chained)(const ect_field *F, FE *acc, const int64_t *ids, size_t L,
                                       const int64_t *remap, size_t V, size_t D, const FE *km) {
    enum { J = ECT_COEF_CHAINS };
    FE pw[J];
    size_t end[J], len[J];
    size_t q = (L + J - 1) / J, shortest = L;
    for (int j = 0; j < J; j++) {
        size_t lo = (size_t)j * q < L ? (size_t)j * q : L;
        end[j] = lo + q < L ? lo + q : L;
        len[j] = end[j] - lo;
        if (len[j] < shortest) shortest = len[j];
        uint64_t e = (uint64_t)(L - end[j]); /* pw[j] = k^(L - end[j]) */
        T(ect_fe_pow)(F, &pw[j], km, &e, 1);
    }
    for (size_t s = 0; s < shortest; s++) {
        for (int j = 0; j < J; j++) {
            size_t u = T(ect_coef_row)(ids, end[j] - 1 - s, remap, V, D);
            if (u == D) return 0;
            T(ect_fe_add)(F, &acc[u], &acc[u], &pw[j]);
        }
        for (int j = 0; j < J; j++) T(ect_fe_mul)(F, &pw[j], &pw[j], km);
    }
    for (int j = 0; j < J; j++) {
        for (size_t s = shortest; s < len[j]; s++) {
            size_t u = T(ect_coef_row)(ids, end[j] - 1 - s, remap, V, D);
            if (u == D) return 0;
            T(ect_fe_add)(F, &acc[u], &acc[u], &pw[j]);
            T(ect_fe_mul)(F, &pw[j], &pw[j], km);
        }
    }
    return 1;
}

/* acc as above, for any L (ect_coefficients takes it from 2 ECT_COEF_BLOCK positions on); work space:
 * part and seen (D entries each: a token's sum in the current block, and that block's number), held
 * (the tokens the block holds: at most ECT_COEF_BLOCK) and tab (ECT_COEF_BLOCK rows). */
static int T(ect_coefficients_blocked)(const ect_field *F, FE *acc, const int64_t *ids, size_t L,
                                       const int64_t *remap, size_t V, size_t D, const FE *km, FE *part,
                                       size_t *seen, size_t *held, FE *tab) {
    const size_t B = ECT_COEF_BLOCK;
    FE scale, kB, t;
    T(ect_fe_set_one)(F, &tab[0]);
    for (size_t r = 1; r < B; r++) T(ect_fe_mul)(F, &tab[r], &tab[r - 1], km);
    T(ect_fe_mul)(F, &kB, &tab[B - 1], km); /* k^B */
    T(ect_fe_set_one)(F, &scale);           /* k^(b B) */
    for (size_t d = 0; d < D; d++) seen[d] = SIZE_MAX;
    for (size_t b = 0, e0 = 0; e0 < L; b++, e0 += B) {
        const size_t hi = L - e0 < B ? L - e0 : B;
        size_t nh = 0;
        for (size_t r = 0; r < hi; r++) {
            size_t u = T(ect_coef_row)(ids, L - 1 - (e0 + r), remap, V, D);
            if (u == D) return 0;
            if (seen[u] != b) { /* the token's first position in this block */
                seen[u] = b;
                part[u] = tab[r];
                held[nh++] = u;
            } else {
                T(ect_fe_add)(F, &part[u], &part[u], &tab[r]);
            }
        }
        for (size_t h = 0; h < nh; h++) {
            const size_t u = held[h];
            T(ect_fe_mul)(F, &t, &part[u], &scale);
            T(ect_fe_add)(F, &acc[u], &acc[u], &t);
        }
        T(ect_fe_mul)(F, &scale, &scale, &kB);
    }
    return 1;
}

static int T(ect_coefficients)(const ect_curve *C, uint64_t *out, const int64_t *ids, size_t L,
                               const int64_t *remap, size_t V, size_t D, const uint64_t *k) {
    const ect_field *F = &C->fn;
    const size_t B = ECT_COEF_BLOCK;
    const size_t Dn = D ? D : 1, Bn = L < 2 * B ? 0 : B, Pn = Bn ? Dn : 0;
    /* one scratch block: the sums; for blocked runs also a block's sums, the powers of k within a
     * block, where each token's sum is and the tokens a block holds */
    const size_t size[5] = {sizeof(FE) * Dn, sizeof(FE) * Pn, sizeof(FE) * Bn, sizeof(size_t) * Pn,
                            sizeof(size_t) * Bn};
    size_t total = 0, at = 0;
    for (int i = 0; i < 5; i++) total += ect_scratch_bytes(size[i]);
    void *block = ect_scratch_alloc(total);
    if (!block) return ECT_ERR_NOMEM;
    FE *acc = (FE *)ect_scratch_piece(block, &at, size[0]);
    FE *part = (FE *)ect_scratch_piece(block, &at, size[1]);
    FE *tab = (FE *)ect_scratch_piece(block, &at, size[2]);
    size_t *seen = (size_t *)ect_scratch_piece(block, &at, size[3]);
    size_t *held = (size_t *)ect_scratch_piece(block, &at, size[4]);
    memset(acc, 0, size[0]); /* 0 in Montgomery form */
    FE km;
    T(ect_fe_to_mont)(F, &km, k);
    const int ok = Bn ? T(ect_coefficients_blocked)(F, acc, ids, L, remap, V, D, &km, part, seen, held, tab)
                      : T(ect_coefficients_chained)(F, acc, ids, L, remap, V, D, &km);
    if (ok == 1)
        for (size_t d = 0; d < D; d++) T(ect_fe_from_mont)(F, out + d * (size_t)F->n, &acc[d]);
    free(block);
    return ok;
}

/* The heap of a k-way merge: each entry a part and the id of its next row. */
#ifndef ECT_MERGE_HEAP
#define ECT_MERGE_HEAP
typedef struct {
    int64_t id;
    size_t part;
} ect_merge_head;

static inline void ect_merge_sift(ect_merge_head *h, size_t n, size_t i) {
    ect_merge_head t = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h[c + 1].id < h[c].id) c++;
        if (h[c].id >= t.id) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = t;
}
#endif

/* Coefficient rows of P parts merged by id and scaled, on the scalar field F (C->fn), as merging
 * compositions needs them: part q has len[q] rows rows[q] (plain scalars below n, NL limbs each)
 * under ids ids[q] (non-negative, ascending; equal ids are summed).  Writes out_ids, the union of the
 * ids ascending, and out, per id the sum of scales[q] * row over the rows with that id, mod n (plain
 * scalars); both must hold sum(len) rows, and *D is set to how many were written.
 *
 * A k-way merge over a heap of the parts' next ids: each part is read once, in order, and out written
 * once, in order (no table of ids, no scattered writes).  A row costs one Montgomery product (none when
 * its scale is 1, as the last part's is when merging) and one sum, and the sums stay plain: the product
 * of a plain row v and a scale in Montgomery form (s R) is v s R / R = v s.  Each row is copied before
 * it is checked and used, and an id is only compared and copied, so arrays another thread changes
 * meanwhile can give a wrong answer but never an access out of range.
 * Returns 1; 0 if an id is negative or a part's ids descend, or a row or a scale is not below n; or
 * ECT_ERR_NOMEM. */
static int T(ect_coefficient_merge)(const ect_curve *C, int64_t *out_ids, uint64_t *out, size_t *D,
                                    const int64_t *const *ids, const uint64_t *const *rows, const size_t *len,
                                    size_t P, const uint64_t *scales) {
    const ect_field *F = &C->fn;
    const size_t w = (size_t)F->n;
    *D = 0;
    for (size_t q = 0; q < P; q++)
        if (ect_limbs_cmp(scales + q * w, F->p, (int)w) >= 0) return 0;
    FE *sm = (FE *)malloc((P ? P : 1) * sizeof(FE));
    unsigned char *unit = (unsigned char *)malloc(P ? P : 1);
    size_t *pos = (size_t *)calloc(P ? P : 1, sizeof(size_t));
    ect_merge_head *h = (ect_merge_head *)malloc((P ? P : 1) * sizeof(ect_merge_head));
    if (!sm || !unit || !pos || !h) {
        free(sm);
        free(unit);
        free(pos);
        free(h);
        return ECT_ERR_NOMEM;
    }
    int ok = 1;
    size_t n = 0;
    for (size_t q = 0; q < P; q++) {
        const uint64_t *s = scales + q * w;
        T(ect_fe_to_mont)(F, &sm[q], s);
        unit[q] = s[0] == 1;
        for (size_t j = 1; j < w; j++) unit[q] &= s[j] == 0;
        if (len[q]) {
            h[n].id = ids[q][0];
            h[n].part = q;
            if (h[n++].id < 0) ok = 0;
        }
    }
    for (size_t i = n / 2; i-- > 0;) ect_merge_sift(h, n, i);
    size_t d = 0;
    FE acc = {{0}};
    while (ok && n) {
        const size_t q = h[0].part;
        const int64_t id = h[0].id;
        if (d == 0 || out_ids[d - 1] != id) { /* a new id: the previous one's sum is complete */
            if (d) T(ect_fe_store)(F, out + (d - 1) * w, &acc);
            T(ect_fe_set_zero)(F, &acc);
            out_ids[d++] = id;
        }
        FE x = {{0}}; /* zeroed: the run-time-sized build only fills NL limbs */
        for (int j = 0; j < NL; j++) x.v[j] = rows[q][pos[q] * w + (size_t)j];
        if (ect_limbs_cmp(x.v, F->p, NL) >= 0) {
            ok = 0;
            break;
        }
        if (!unit[q]) T(ect_fe_mul)(F, &x, &x, &sm[q]);
        T(ect_fe_add)(F, &acc, &acc, &x);
        if (++pos[q] < len[q]) {
            h[0].id = ids[q][pos[q]];
            if (h[0].id < id) ok = 0; /* descending (or negative: id >= 0) */
        } else {
            h[0] = h[--n];
        }
        ect_merge_sift(h, n, 0);
    }
    if (ok && d) T(ect_fe_store)(F, out + (d - 1) * w, &acc);
    *D = ok ? d : 0;
    free(sm);
    free(unit);
    free(pos);
    free(h);
    return ok;
}
