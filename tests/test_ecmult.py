"""Scalar multiplication and its batch forms equal the oracle ``reference``.

* Variable base ``k * P`` and ``P * k`` (wNAF, GLV-split on a = 0 curves) for
  edge, GLV-boundary, negative, >= n and beyond-the-limbs scalars.
* Fixed base ``C._core.mul_gen`` and ``Curve.multiply_generator``.
* ``PointArray * scalars`` element-wise, ``PointArray.sum``.
* ``Curve.msm`` / ``PointArray.msm`` at sizes 0 .. 300 on GLV and non-GLV
  curves, so Straus and both Pippengers run (the core's cost model is mirrored
  below and the sizes are checked to reach every method); with all-zero
  scalars, repeated, identity, duplicate and negated points, and scalars that
  cancel (which drive the bucket additions into their doubling and identity
  branches); the batch-affine Pippenger at sizes up to 2,500 points on every
  curve, with doubling, cancelling, queued and spilled bucket additions.
* Batch add/sub/neg with identities and equal/opposite pairs, and batch
  encode/decode round trips with identities in the middle.

Expected values: ``reference.mul`` directly on the toy curves and toy61, and
elsewhere :class:`strategies.Oracle` (``reference.add`` over a table of G,
itself checked against ``reference.mul`` here), using ``k * (a G) = (k a) G``.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import _ec, reference
from ectraverse.point import scalars_to_limbs
from strategies import (
    ALL,
    BIG,
    GLV,
    TOYS,
    examples,
    full_group,
    glv_edge_scalars,
    jacobian_raw,
    oracle,
    portable_core,
    ref,
    scalars,
    to_ref,
    wide_scalars,
    z_edges,
)

CHEAP = [*TOYS, "toy61"]  # reference.mul is fast enough here to call per example


@pytest.mark.parametrize("name", ALL)
def test_oracle_table_matches_reference_mul(name):
    C = ect.curve(name)
    O, R = oracle(C), ref(C)
    rng = random.Random(f"oracle-{name}")
    ks = [1, 2, C.n - 1, rng.randrange(C.n)]
    if name in CHEAP:
        ks += [rng.randrange(C.n) for _ in range(20)]
    for k in ks:
        assert O.mul_G(k) == reference.mul(R, k, reference.generator(R))
    assert O.mul_G(0) is None and O.mul_G(C.n) is None


def test_curve_sets_cover_glv_and_plain():
    assert {ect.curve(name).has_glv for name in BIG} == {True, False}
    assert sorted(name for name in ALL if ect.curve(name).has_glv) == sorted(GLV)


# ---- k * P -------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@given(data=st.data())
def test_variable_base(name, data):
    C = ect.curve(name)
    O = oracle(C)
    a = data.draw(scalars(C), "a")
    k = data.draw(wide_scalars(C), "k")
    P = a * C.generator
    want = O.mul_G(k * a)
    kP = k * P
    assert to_ref(kP) == want
    assert to_ref(P * k) == want
    assert (-k) * P == -kP
    assert (k % C.n) * P == kP and (k + C.n) * P == kP
    assert C._core.equal(C._core.mul(P._raw, k), kP._raw)


@pytest.mark.parametrize("name", CHEAP)
@given(data=st.data())
def test_variable_base_against_reference_mul(name, data):
    """No index arithmetic: k * P straight against reference.mul, P any point of the group G."""
    C = ect.curve(name)
    R = ref(C)
    P = data.draw(scalars(C), "a") * C.generator
    k = data.draw(wide_scalars(C), "k")
    assert to_ref(k * P) == reference.mul(R, k, to_ref(P))


@pytest.mark.parametrize("name", ["toy-b0", "toy-h4"])
@given(data=st.data())
def test_core_mul_outside_the_subgroup(name, data):
    """The raw core's mul reduces k mod n: on a point of E outside G that is
    (k mod n) P, which the oracle computes without reduction."""
    C = ect.curve(name)
    R = ref(C)
    p = data.draw(st.sampled_from(full_group(name)), "p")
    k = data.draw(st.integers(-3 * C.n, 3 * C.n), "k")
    raw = C._core.identity_raw if p is None else C._core.from_affine(*p)
    assert C._core.affine(C._core.mul(raw, k)) == reference.mul(R, k % C.n, p)
    assert C._core.in_subgroup(raw) == reference.in_subgroup(R, p)


@pytest.mark.parametrize("name", GLV)
def test_every_glv_edge_scalar(name):
    """All scalars at the GLV split's edges (k near a + b*lambda, rounding boundaries),
    through the variable-base wNAF, the fixed-base table and the MSM."""
    C = ect.curve(name)
    O = oracle(C)
    ks = sorted(set(glv_edge_scalars(C.params)))
    assert len(ks) > 50
    want = [O.mul_G(k) for k in ks]
    G = ect.PointArray(C, [C.generator] * len(ks))
    assert (G * ks).coordinates() == want
    assert C.multiply_generator(ks).coordinates() == want
    P = 0x1234567 * C.generator
    assert (ect.PointArray(C, [P] * len(ks)) * ks).coordinates() == [O.mul_G(0x1234567 * k) for k in ks]
    assert to_ref(G.msm(ks)) == O.mul_G(sum(ks))
    assert to_ref(C.msm(C.multiply_generator(ks), ks)) == O.mul_G(sum(k * k for k in ks))


# ---- k * G ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@given(data=st.data())
def test_fixed_base(name, data):
    C = ect.curve(name)
    O = oracle(C)
    ks = data.draw(st.lists(wide_scalars(C), min_size=0, max_size=4), "ks")
    A = C.multiply_generator(ks)
    assert len(A) == len(ks)
    for k, P in zip(ks, A):
        want = O.mul_G(k)
        assert to_ref(P) == want
        assert C._core.affine(C._core.mul_gen(k)) == want
        assert P == k * C.generator
    assert A.coordinates() == [O.mul_G(k) for k in ks]


@pytest.mark.parametrize("name", ALL)
def test_fixed_base_every_window_digit(name):
    """k = d * 2^(w i) for every signed digit position: each table row and the carries."""
    C = ect.curve(name)
    O = oracle(C)
    w = 8 if C.n.bit_length() >= 64 else 4
    ks = []
    for i in range(0, C.n.bit_length() + w, w):
        for d in (1, 2, (1 << (w - 1)) - 1, 1 << (w - 1), (1 << (w - 1)) + 1, (1 << w) - 1):
            ks.append((d << i) % C.n)
    if name not in CHEAP:
        ks = ks[:: max(1, len(ks) // 40)]  # keep the oracle's share small on big curves
    got = C.multiply_generator(ks).coordinates()
    assert got == [O.mul_G(k) for k in ks]


# ---- PointArray * scalars, sum -------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(data=st.data())
def test_pointarray_times_scalars(name, data):
    C = ect.curve(name)
    O = oracle(C)
    m = data.draw(st.integers(0, 4), "m")
    a = data.draw(st.lists(scalars(C), min_size=m, max_size=m), "a")
    k = data.draw(st.lists(wide_scalars(C), min_size=m, max_size=m), "k")
    A = C.multiply_generator(a)
    want = [O.mul_G(x * y) for x, y in zip(a, k)]
    assert (A * k).coordinates() == want
    assert (k * A).coordinates() == want
    assert (A * np.array(k, dtype=object)).coordinates() == want
    assert (A * tuple(k)) == (A * k)
    if m:
        c = k[0]
        assert (A * c).coordinates() == [O.mul_G(x * c) for x in a]
        assert (A * np.int64(c % (1 << 62))) == (A * (c % (1 << 62)))


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(data=st.data())
def test_pointarray_scaled(name, data):
    """A.scaled(ks) == [k * A for k in ks], identities and repeated points included."""
    C = ect.curve(name)
    O = oracle(C)
    a = data.draw(st.lists(st.one_of(st.just(0), scalars(C)), max_size=5), "a")
    ks = data.draw(st.lists(wide_scalars(C), max_size=4), "ks")
    A = C.multiply_generator(a + a[:1])
    rows = A.scaled(ks)
    assert len(rows) == len(ks)
    for k, row in zip(ks, rows):
        assert row.coordinates() == [O.mul_G(x * k) for x in a + a[:1]]
        assert row == A * k


@pytest.mark.parametrize("name", GLV)
def test_scaled_glv_edge_scalars(name):
    C = ect.curve(name)
    O = oracle(C)
    ks = sorted(set(glv_edge_scalars(C.params)))
    P = 0x1234567 * C.generator
    A = ect.PointArray(C, [C.generator, P, C.identity])
    for k, row in zip(ks, A.scaled(ks)):
        assert row.coordinates() == [O.mul_G(k), O.mul_G(0x1234567 * k), None], k


def test_scaled_many_points_cross_chunks():
    """More points than one chunk of the core, and more scalars than fit its default chunk."""
    C = ect.curve("secp256k1")
    rng = random.Random(7)
    A = C.multiply_generator([rng.randrange(C.n) for _ in range(1100)])
    ks = [rng.randrange(C.n) for _ in range(3)]
    for k, row in zip(ks, A.scaled(ks)):
        assert row == A * k
    B = A[:70]
    ks = [rng.randrange(C.n) for _ in range(600)]
    rows = B.scaled(ks)
    for e in (0, 299, 599):
        assert rows[e] == B * ks[e]


def test_scaled_errors():
    C = ect.curve("secp256k1")
    A = C.multiply_generator([1, 2])
    assert A.scaled([]) == []
    assert C.multiply_generator([]).scaled([3]) == [C.multiply_generator([])]
    for bad in ([1.0], [True], ["1"], "12", 5):
        with pytest.raises(TypeError):
            A.scaled(bad)


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(data=st.data())
def test_pointarray_sum(name, data):
    """Sums with duplicates, negations and identities, so additions hit every branch."""
    C = ect.curve(name)
    O = oracle(C)
    base = data.draw(st.lists(scalars(C), min_size=1, max_size=3), "base")
    pool = base + [-x for x in base] + [0, 2 * base[0]]
    a = data.draw(st.lists(st.sampled_from(pool), max_size=8), "a")
    A = C.multiply_generator(a)
    assert to_ref(A.sum()) == O.mul_G(sum(a))


# ---- MSM --------------------------------------------------------------------------


#: ect_pippenger.h: ECT_PA_PASS_BUCKETS, the buckets the affine method fills in one pass.
PASS_BUCKETS = 1 << 13


def _model_method(C, m: int, bits: int) -> str:
    """Which method the core's operation-count model (ext/ect_scalar.h, ext/ect_pippenger.h)
    picks: "straus", "pippenger" (Jacobian buckets) or "affine" (batch-affine buckets)."""
    mm = 2 * m if C.has_glv else m
    fbits = C.params.p.bit_length()

    def window(b):
        return 2 if b <= 16 else 4 if b <= 64 else 5 if b <= 300 else 6

    def pippenger(c):
        W = (bits + 1 + c - 1) // c
        return W * (mm * 11.0 + (1 << (c - 1)) * 32.0 + c * 8.0)

    def affine(c):
        W = (bits + 1 + c - 1) // c
        nb = 1 << (c - 1)
        cap = min(max(min(max(1, PASS_BUCKETS // nb), W) * nb // 8, 16), 8192)
        return W * (mm * (6.0 + fbits / cap) + nb * 32.0 + c * 8.0)

    w = window(bits)
    straus = bits * 8.0 + mm * ((1 << (w - 2)) * 16.0 + bits / (w + 1) * 16.0)
    best = min(pippenger(c) for c in range(2, 17))
    method = "straus" if straus <= best else "pippenger"
    if min(affine(c) for c in range(2, 17)) < (best if method == "pippenger" else straus):
        method = "affine"
    return method


def _effective_bits(C):
    """Bits of the scalars the MSM sees for uniform k: half of n with GLV."""
    return C.n.bit_length() // 2 + 1 if C.has_glv else C.n.bit_length()


MSM_SIZES = {
    "secp256k1": [0, 1, 2, 3, 7, 16, 64, 300],
    "P-256": [0, 1, 2, 3, 7, 16, 64, 300],
    "toy61": [0, 1, 2, 3, 7, 16, 64, 300],
    "BN254": [3, 64],
    "BLS12-381": [2, 16, 64],
    "P-384": [0, 1, 2, 3, 7, 16],
    "P-521": [1, 2, 3, 7],
    "toy-a0": [1, 7, 64, 300],
    "toy-b0": [3, 300],
    "toy-h4": [2, 64],
    "toy-plot": [5, 300],
}
MSM_CASES = [(name, m) for name, sizes in MSM_SIZES.items() for m in sizes]


def test_msm_sizes_reach_every_method():
    """Straus and the batch-affine Pippenger both run on a GLV and on a non-GLV curve;
    the Jacobian Pippenger, which the affine one displaces almost everywhere, on BLS12-381."""
    for glv_name, plain_name in (("secp256k1", "P-256"), ("toy61", "toy-plot"), ("toy-a0", "toy-b0")):
        for name in (glv_name, plain_name):
            C = ect.curve(name)
            methods = {_model_method(C, m, _effective_bits(C)) for m in MSM_SIZES[name] if m}
            assert methods == {"straus", "affine"}, (name, methods)
        assert ect.curve(glv_name).has_glv and not ect.curve(plain_name).has_glv
    C = ect.curve("BLS12-381")
    assert {_model_method(C, m, _effective_bits(C)) for m in MSM_SIZES["BLS12-381"]} == {"straus", "pippenger"}


def _msm_inputs(C, m: int, tag: str):
    rng = random.Random(f"msm-{tag}-{C.name}-{m}")
    n = C.n
    a = [rng.randrange(n) for _ in range(m)]
    k = [rng.choice((rng.randrange(n), rng.randrange(1 << 64), n - 1, 1, 0)) for _ in range(m)]
    return a, k


@pytest.mark.parametrize(("name", "m"), MSM_CASES)
def test_msm_sizes(name, m):
    C = ect.curve(name)
    O = oracle(C)
    a, k = _msm_inputs(C, m, "uniform")
    A = C.multiply_generator(a)
    want = O.mul_G(sum(x * y for x, y in zip(a, k)))
    assert to_ref(A.msm(k)) == want
    assert to_ref(C.msm(list(A), k)) == want
    assert to_ref(C.msm(A, np.array(k, dtype=object))) == want
    assert to_ref(A.msm(iter(k))) == want
    if m:
        assert A.msm([0] * m).is_identity
        # sum k_i P_i + sum k_i (-P_i) = O: every point meets its negation
        both = ect.PointArray(C, [*A, *(-A)])
        assert both.msm(k + k).is_identity
        # k_i and n - k_i on the same point cancel as well
        assert both.msm([*k, *(C.n - x for x in k)]) == A.msm([2 * x for x in k])


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "toy61", "toy-a0", "toy-h4", "BN254"])
def test_msm_adversarial_buckets(name):
    """300 terms drawn from a handful of points and scalars: equal and opposite
    points land in the same Pippenger bucket (doubling and identity branches)."""
    C = ect.curve(name)
    O = oracle(C)
    rng = random.Random(f"msm-buckets-{name}")
    n = C.n
    pool_a = [1, n - 1, 2, 0, 12345 % n, n - 12345 % n]  # G, -G, 2G, O, P, -P
    pool_k = [1, 2, 3, n - 1, n - 2, (1 << 40) % n, 0, n // 2]
    for m in (8, 64, 300):
        a = [rng.choice(pool_a) for _ in range(m)]
        k = [rng.choice(pool_k) for _ in range(m)]
        A = C.multiply_generator(a)
        assert to_ref(A.msm(k)) == O.mul_G(sum(x * y for x, y in zip(a, k)))
        same = C.multiply_generator([a[0]] * m)  # one point repeated m times
        assert to_ref(same.msm(k)) == O.mul_G(a[0] * sum(k))
        ident = ect.PointArray(C, [C.identity] * m)
        assert ident.msm(k).is_identity


#: Sizes at which every curve's MSM takes the batch-affine Pippenger (ext/ect_pippenger.h).
AFFINE_SIZES = {"secp256k1": 2500, "P-256": 1500, "P-384": 700, "P-521": 400, "BN254": 1200, "BLS12-381": 600,
                "toy61": 300, "toy-a0": 300, "toy-b0": 300, "toy-h4": 300, "toy-plot": 300}


#: Threads an affine Pippenger is asked to share its work among: 2 and 3 (uneven shares of the
#: windows and of the top window's terms), 7, and more than its windows (one per window at most;
#: 64 is ECT_MSM_MAX_THREADS).
MSM_THREADS = (2, 3, 7, 64, 1000)


@pytest.mark.parametrize("name", sorted(AFFINE_SIZES))
def test_msm_affine_buckets(name):
    """The batch-affine Pippenger against the oracle, at a size where the model picks it,
    on inputs that reach every branch of its bucket additions: empty buckets, P + P
    (doubling), P + (-P) (emptied bucket), pairs queued behind a busy bucket, and
    (many equal points with equal digits) the Jacobian spill buckets; and of its affine
    running sums (equal and opposite buckets)."""
    C = ect.curve(name)
    O = oracle(C)
    m = AFFINE_SIZES[name]
    assert _model_method(C, m, _effective_bits(C)) == "affine"
    n = C.n
    rng = random.Random(f"msm-affine-{name}")

    def check(a, k):
        A = C.multiply_generator(a)
        want = O.mul_G(sum(x * y for x, y in zip(a, k)))
        assert to_ref(A.msm(k)) == want
        limbs = scalars_to_limbs(C, k)
        for threads in MSM_THREADS:  # the work shared among threads (ect_pa_windows): the same sum
            assert C._core.affine(C._core.batch_msm_limbs(A._a, limbs, threads)) == want, threads

    # uniform, with 0, 1, n - 1 and 64-bit scalars mixed in
    a, k = _msm_inputs(C, m, "affine")
    check(a, k)
    # every point twice with the same scalar (doublings), and with its negation (cancelling)
    half = a[: m // 2]
    kh = k[: m // 2]
    check(half + half, kh + kh)
    check(half + [n - x for x in half], kh + kh)
    check(half + half, kh + [n - x for x in kh])
    # a handful of points and scalars: the same buckets over and over, queued and spilled
    pool_a = [1, n - 1, 2, 0, 12345 % n, n - 12345 % n]
    pool_k = [1, 2, 3, n - 1, n - 2, (1 << 40) % n, 0, n // 2, rng.randrange(n)]
    a = [rng.choice(pool_a) for _ in range(m)]
    k = [rng.choice(pool_k) for _ in range(m)]
    check(a, k)
    check([a[0] or 1] * m, [k[0] or 1] * m)  # one point, one scalar: every term in one bucket per window
    check([7] * m, [rng.randrange(n) for _ in range(m)])
    # small distinct scalars on G or -G: the buckets hold equal and opposite points, so the
    # affine running sums double and cancel
    small = [i % (n - 1) + 1 for i in range(m)]
    check([1] * m, small)
    check([rng.choice((1, n - 1)) for _ in range(m)], small)
    check([rng.choice((1, n - 1, 2, n - 2)) for _ in range(m)], [rng.choice(small) for _ in range(m)])
    # the identity and zero scalars among random terms; all identities; all zero scalars
    a = [rng.choice((0, rng.randrange(n))) for _ in range(m)]
    k = [rng.choice((0, n - 1, rng.randrange(n))) for _ in range(m)]
    check(a, k)
    assert ect.PointArray(C, [C.identity] * m).msm(k).is_identity
    assert C.multiply_generator(a).msm([0] * m).is_identity


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381"])
def test_msm_affine_portable_core(name):
    """The batch-affine Pippenger on the portable C field code (no assembly; the GLV
    split mod n on the portable products too) equals the curve's own core."""
    C = ect.curve(name)
    port = portable_core(C)
    m = AFFINE_SIZES[name]
    a, k = _msm_inputs(C, m, "portable")
    A = C.multiply_generator(a)._a
    want = C._core.batch_msm(A, k)
    assert port.affine(port.batch_msm(A, k)) == C._core.affine(want) == oracle(C).mul_G(sum(x * y for x, y in zip(a, k)))
    limbs = scalars_to_limbs(C, k)
    for threads in MSM_THREADS:
        assert port.affine(port.batch_msm_limbs(A, limbs, threads)) == C._core.affine(want), threads


@pytest.mark.parametrize("name", ["secp256k1", "P-384", "BLS12-381", "toy61"])
def test_batches_of_affine_and_jacobian_records(name):
    """A batch read to affine (MSM, encoding) whose records are all already affine (Z = 1, as a
    vocabulary's generators are) or the identity takes the short way; one record with Z != 1
    anywhere sends the whole batch through the shared inversion: both give the oracle's points."""
    C = ect.curve(name)
    O, core = oracle(C), C._core
    rng = random.Random(f"affine-records-{name}")
    a = [rng.randrange(1, C.n) for _ in range(40)]
    affine = [core.from_affine(*O.mul_G(x)) for x in a]  # Z = 1
    G2 = core.add(core.generator_raw, core.generator_raw)  # a Jacobian record: Z != 1
    assert core.affine(G2) == O.mul_G(2)
    for where in (None, 0, 17, 39):
        raws, want = list(affine), list(a)
        if where is not None:
            raws[where], want[where] = G2, 2
        raws[5], want[5] = core.identity_raw, 0
        A = core.batch_from_raws(raws)
        ks = [rng.randrange(C.n) for _ in raws]
        assert core.affine(core.batch_msm(A, ks)) == O.mul_G(sum(x * k for x, k in zip(want, ks)))
        P = ect.PointArray.from_bytes(C, core.batch_encode(A, False))
        assert [p.is_identity or (p.x, p.y) == O.mul_G(x) for p, x in zip(P, want)] == [True] * len(want)


@pytest.mark.parametrize("name", ["toy-b0", "toy-h4"])
def test_msm_affine_outside_the_subgroup(name):
    """Raw MSM over every point of E (points of order 2 included: their bucket doublings give
    the identity), at a size where the batch-affine Pippenger runs: sum (k_i mod n) P_i."""
    C = ect.curve(name)
    R, core = ref(C), C._core
    E = full_group(C)
    m = AFFINE_SIZES[name]
    assert not C.has_glv and _model_method(C, m, _effective_bits(C)) == "affine"
    rng = random.Random(f"msm-outside-{name}")
    for _ in range(4):
        pts = [rng.choice(E) for _ in range(m)]
        ks = [rng.randrange(C.n) for _ in range(m)]
        A = core.batch_from_raws([core.identity_raw if P is None else core.from_affine(*P) for P in pts])
        want = None
        for k, P in zip(ks, pts):
            want = reference.add(R, want, reference.mul(R, k, P))
        assert core.affine(core.batch_msm(A, ks)) == want
        limbs = scalars_to_limbs(C, ks)
        for threads in MSM_THREADS:
            assert core.affine(core.batch_msm_limbs(A, limbs, threads)) == want, threads


@pytest.mark.parametrize("name", BIG)
@examples(30)
@given(data=st.data())
def test_msm_small_random(name, data):
    C = ect.curve(name)
    O = oracle(C)
    m = data.draw(st.integers(0, 5), "m")
    a = data.draw(st.lists(scalars(C), min_size=m, max_size=m), "a")
    k = data.draw(st.lists(wide_scalars(C), min_size=m, max_size=m), "k")
    A = C.multiply_generator(a)
    assert to_ref(C.msm(A, k)) == O.mul_G(sum(x * y for x, y in zip(a, k)))


# ---- batch add / sub / neg ---------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(data=st.data())
def test_batch_add_sub_neg(name, data):
    C = ect.curve(name)
    R, O = ref(C), oracle(C)
    base = data.draw(scalars(C), "base")
    pool = [0, base, -base, 2 * base, 1]  # identity, P, -P, 2P, G
    m = data.draw(st.integers(0, 8), "m")
    a = data.draw(st.lists(st.sampled_from(pool), min_size=m, max_size=m), "a")
    b = data.draw(st.lists(st.sampled_from(pool), min_size=m, max_size=m), "b")
    A, B = C.multiply_generator(a), C.multiply_generator(b)
    pa, pb = [O.mul_G(x) for x in a], [O.mul_G(x) for x in b]
    assert (A + B).coordinates() == [reference.add(R, p, q) for p, q in zip(pa, pb)]
    assert (A - B).coordinates() == [reference.add(R, p, reference.neg(R, q)) for p, q in zip(pa, pb)]
    assert (-A).coordinates() == [reference.neg(R, p) for p in pa]
    assert (A + A).coordinates() == [reference.double(R, p) for p in pa]
    assert (A - A).coordinates() == [None] * m
    assert [P + Q for P, Q in zip(A, B)] == list(A + B)


# ---- batch encode / decode ---------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(data=st.data())
def test_batch_encode_decode_round_trip(name, data):
    C = ect.curve(name)
    R, O = ref(C), oracle(C)
    a = data.draw(st.lists(scalars(C), max_size=6), "a")
    where = data.draw(st.integers(0, len(a)), "where")
    a = a[:where] + [0] + a[where:]  # an identity in the middle (or at an end)
    forms = data.draw(st.lists(st.booleans(), min_size=len(a), max_size=len(a)), "forms")
    A = C.multiply_generator(a)
    pts = [O.mul_G(x) for x in a]
    for compressed in (True, False):
        blob = A.to_bytes(compressed=compressed)
        assert blob == b"".join(reference.encode(R, p, compressed) for p in pts)
        back = ect.PointArray.from_bytes(C, blob)
        assert back == A and back.coordinates() == pts
    mixed = b"".join(reference.encode(R, p, f) for p, f in zip(pts, forms))
    back = ect.PointArray.from_bytes(C, bytearray(mixed))
    assert back.coordinates() == pts
    assert [P.to_bytes() for P in back] == [reference.encode(R, p) for p in pts]
    assert ect.PointArray.from_bytes(C, b"").coordinates() == []


# ---------------------------------------------------------------------------
# P-521's k*P on AVX-512 IFMA (ext/ect_m521_avx512.h), where the CPU has it:
# against the portable core (radix-2^58-free generic C) and the oracle.
# ---------------------------------------------------------------------------

P521_AVX512 = pytest.mark.skipif(not _ec.build_info()["avx512_m521"], reason="no AVX-512 IFMA on this build or CPU")


def test_avx512_path_is_taken_exactly_for_p521():
    assert ect.curve("P-521")._core.uses_avx512 == _ec.build_info()["avx512_m521"]
    assert not portable_core(ect.curve("P-521")).uses_avx512
    assert not any(ect.curve(name)._core.uses_avx512 for name in ALL if name != "P-521")


def _wnaf(k: int, w: int) -> list[int]:
    """ect_wnaf (ext/ect_scalar.h), digit i at index i."""
    bits = k.bit_length()
    digits = [0] * (bits + w + 1)
    carry = bit = 0
    while bit < bits:
        if (k >> bit) & 1 == carry:
            bit += 1
            continue
        now = min(w, bits - bit)
        word = ((k >> bit) & ((1 << now) - 1)) + carry
        carry = (word >> (w - 1)) & 1
        digits[bit] = word - (carry << w)
        bit += now
    if carry:
        digits[bit] = 1
    return digits


def _wnaf_window(bits: int) -> int:
    """ect_wnaf_window (ext/ect_scalar.h)."""
    return 2 if bits <= 16 else 4 if bits <= 64 else 5 if bits <= 300 else 6


def _additions_meeting_the_entry(k: int, n: int) -> set[str]:
    """Replay the wNAF loop on multiples of P mod n: "double" when an addition
    adds acc to itself, "identity" when it adds acc to its negative."""
    seen, acc = set(), None
    for d in reversed(_wnaf(k, _wnaf_window(k.bit_length()))):
        if acc is not None:
            acc = 2 * acc % n
        if d:
            if acc is not None and acc == d % n:
                seen.add("double")
            if acc is not None and acc == -d % n:
                seen.add("identity")
            acc = d % n if acc is None else (acc + d) % n
            acc = None if acc == 0 else acc
    return seen


def _meeting_scalars(n: int) -> dict[str, list[int]]:
    """Scalars (>= n, below 2^576) whose last addition meets acc = +-entry:
    k = A 2^s + d with A 2^s = +-d mod n; and multiples of n, whose last
    addition gives the identity, and scalars that pass through it."""
    out = {"double": [], "identity": []}
    for s in (6, 7, 20, 54):
        for d in (1, 3, 31, -1, -29):
            for sign, kind in ((1, "double"), (-1, "identity")):
                A = sign * d * pow(2, -s, n) % n
                out[kind].append(A * 2**s + d)
    out["identity"] += [n, 3 * n, n << 20]
    out["through"] = [(n << 20) + 5, (n << 30) + n - 1, (n << 40) + (1 << 300) + 7]
    return out


@P521_AVX512
def test_p521_avx512_additions_that_meet_the_entry():
    """The vector addition's H = 0 cases (acc = entry: a doubling; acc =
    -entry: the identity), and the identity in the middle of the loop, reached
    with scalars >= n through mul_wide; each case's premise is replayed first."""
    C = ect.curve("P-521")
    port, R, O = portable_core(C), ref(C), oracle(C)
    P = C.generator * 0x1234567
    cases = _meeting_scalars(C.n)
    for kind in ("double", "identity"):
        for k in cases[kind]:
            assert kind in _additions_meeting_the_entry(k, C.n), (kind, k)
    for k in cases["double"] + cases["identity"] + cases["through"]:
        got = C._core.mul_wide(P._raw, k)
        assert C._core.encode(got) == port.encode(port.mul_wide(P._raw, k)), k
        want = O.mul_G(k * 0x1234567)
        assert C._core.encode(got) == reference.encode(R, want), k


@P521_AVX512
def test_p521_avx512_on_edge_jacobian_inputs_and_digits():
    """Inputs with edge Z (Montgomery 1 and -1, (p +- 1)/2, ...) and scalars
    using every table entry with both signs, a last digit of either sign, and
    the smallest windows: equal to the portable core."""
    C = ect.curve("P-521")
    port = portable_core(C)
    rng = random.Random("p521-avx512-edges")
    pts = [(C.params.gx, C.params.gy), *((Q.x, Q.y) for Q in (C.generator * rng.randrange(1, C.n) for _ in range(2)))]
    ks = [1, 2, 3, 5, 31, 33, 63, 64, 65, (1 << 16) - 1, 1 << 16, (1 << 64) + 1, (1 << 300) - 1, C.n - 1, C.n - 31]
    ks += [(d << 500) + e for d in range(1, 32, 2) for e in (d, -d)] + [rng.randrange(C.n) for _ in range(8)]
    for xy in pts:
        for z in z_edges(C):
            raw = jacobian_raw(C, xy, z)
            for k in ks:
                assert C._core.encode(C._core.mul(raw, k)) == port.encode(port.mul(raw, k)), (xy, z, k)


def test_mul_wide_outside_the_subgroup_does_not_split():
    """k >= n never takes the GLV split, which holds on the order-n subgroup only: on points of
    BLS12-381 G1 outside it, mul_wide(P, k) for k = n, n + 1, 2n is k P (a split at k = n gave the
    identity)."""
    C = ect.curve("BLS12-381")
    R, n, rng = C.params, C.n, random.Random("outside the subgroup")
    found = 0
    while found < 3:
        x = rng.randrange(C.p)
        y = reference.sqrt_mod((x**3 + R.a * x + R.b) % C.p, C.p)
        if y is None or reference.mul(R, n, (x, y)) is None:
            continue
        found += 1
        raw = C._core.from_affine(x, y)
        for k in (n, n + 1, 2 * n):
            assert C._core.affine(C._core.mul_wide(raw, k)) == reference.mul(R, k, (x, y)), (x, k)


def test_glv_split_whose_sum_carries():
    """A custom a = 0 curve over a 64-bit prime whose order n is just below 2^64: the GLV split's
    k2 = c1 (-b1) + c2 (-b2) mod n carries out of 64 bits for many k (the sum's carry branch, which the
    named curves never reach; a VERIFY build checks the halves stay short)."""
    p, b, gx, gy, n = 18446744073709548859, 10, 3, 1038056665876097928, 18446744073491182429
    C = ect.Curve("c64", p=p, a=0, b=b, gx=gx, gy=gy, n=n)
    assert C.has_glv and n > (1 << 64) - (1 << 28)
    R = C.params
    rng = random.Random("carry")
    P = C.generator * 7  # not the generator: the variable-base path (wNAF with the split)
    Pxy = reference.mul(R, 7, (gx, gy))
    for _ in range(200):
        k = rng.randrange(1, n)
        Q = P * k
        assert (None if Q.is_identity else (Q.x, Q.y)) == reference.mul(R, k, Pxy), k


def test_mul_wide_rejects_out_of_range_scalars():
    core = ect.curve("P-521")._core
    G = ect.curve("P-521").generator._raw
    for k in (-1, 1 << 576, 1.0, True):
        with pytest.raises(ValueError, match=r"k must be an int in \[0, 2\^576\)"):
            core.mul_wide(G, k)
