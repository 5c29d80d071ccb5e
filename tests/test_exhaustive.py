"""Exhaustive tests on the tiny curves toy-a0 (GLV, Tonelli-Shanks), toy-b0
(b = 0, three points of order 2), toy-h4 (cofactor 4, Z/4 torsion),
toy-plot (p = 43), and two custom curves with a = -3 (the third doubling
formula; one with cofactor 4 and three points of order 2): every point, every
pair, every scalar.

(a) The FULL group E(F_p), from ``reference.enumerate_points``, through the
    raw core: exactly the points of E are accepted by ``from_affine``; every
    point is ``is_valid`` (with Z = 1 and with other Z); every sum, difference
    and doubling of every pair equals ``reference.add`` / ``double``; SEC1
    encode/decode round trips every point; ``in_subgroup`` holds exactly for
    the n points the oracle says, and multiplying by h lands in the subgroup.
(b) The subgroup <G> of order n, through the public API: ``i * G`` for
    i = 0 .. n-1 are n distinct points equal to ``reference.mul``, and then
    index arithmetic decides everything else: (iG) + (jG) = ((i+j) mod n) G,
    2(iG) = (2i mod n) G, k (iG) = (k i mod n) G for every k and i, k G for
    k in [-2n, 3n), an MSM over all n points; ``decode(encode(P)) == P`` in
    both forms; ``Curve.decode``/``point`` reject exactly the points outside G.
"""

from __future__ import annotations

import numpy as np
import pytest

import ectraverse as ect
from ectraverse import reference
from strategies import MINUS3, MINUS3_H4, TOYS, full_group, jacobian_raw, ref

# ---- helpers ---------------------------------------------------------------------


def _batch(C, raws):
    return C._core.batch_from_raws(raws)


def _affine_table(pts):
    """(xy uint8 (m, 2), inf bool (m,)) for oracle points of a 1-byte field."""
    xy = np.array([(0, 0) if P is None else P for P in pts], dtype=np.uint8)
    inf = np.array([P is None for P in pts], dtype=bool)
    return xy, inf


def _assert_batch_is(C, A, pts):
    """The raw batch A holds exactly the oracle points pts (affine, one inversion)."""
    got_xy, got_inf = C._core.batch_affine(A)
    want_xy, want_inf = _affine_table(pts)
    bad = np.flatnonzero((got_inf != want_inf) | (~want_inf & np.any(got_xy != want_xy, axis=1)))
    assert bad.size == 0, f"{bad.size} wrong results, first at {bad[:5]}"


_CUSTOM = {"custom-a-3": MINUS3, "custom-a-3-h4": MINUS3_H4}


@pytest.fixture(params=[*TOYS, *_CUSTOM])
def toy(request):
    name = request.param
    C = ect.Curve(name, **_CUSTOM[name]) if name in _CUSTOM else ect.curve(name)
    assert C.field_bytes == 1 and C.p < 256
    return C


# ---- (a) the full group E, raw core -----------------------------------------------


def test_from_affine_accepts_exactly_the_points_of_E(toy):
    C = toy
    E = set(full_group(C)[1:])
    assert len(E) + 1 == C.h * C.n  # #E = h n: the enumeration is the whole group
    accepted = set()
    for x in range(C.p):
        for y in range(C.p):
            try:
                C._core.from_affine(x, y)
            except ect.NotOnCurveError:
                continue
            accepted.add((x, y))
    assert accepted == E


def test_every_point_is_valid(toy):
    C = toy
    core = C._core
    for i, P in enumerate(full_group(C)):
        for z in (1, 2 + i % (C.p - 2), C.p - 1):
            assert core.is_valid(jacobian_raw(C, P, z)), (P, z)
    # and a point moved off the curve is not (y + 1 with the same x, any Z)
    for P in full_group(C)[1:]:
        off = (P[0], (P[1] + 1) % C.p)
        if not reference.is_on_curve(ref(C), off):
            assert not core.is_valid(jacobian_raw(C, off, 1))
            assert not core.is_valid(jacobian_raw(C, off, 5))


def test_every_pair_of_E(toy):
    C = toy
    R, core = ref(C), C._core
    E = full_group(C)
    N = len(E)
    # left operands with Z = 1, right operands with assorted Z != 1
    left = [core.identity_raw if P is None else core.from_affine(*P) for P in E]
    right = [jacobian_raw(C, P, 2 + i % (C.p - 2)) for i, P in enumerate(E)]
    I, J = np.repeat(np.arange(N), N), np.tile(np.arange(N), N)
    A = np.ascontiguousarray(_batch(C, left)[I])
    B = np.ascontiguousarray(_batch(C, right)[J])
    _assert_batch_is(C, core.batch_add(A, B, False), [reference.add(R, E[i], E[j]) for i, j in zip(I, J)])
    negs = [reference.neg(R, P) for P in E]
    _assert_batch_is(C, core.batch_add(A, B, True), [reference.add(R, E[i], negs[j]) for i, j in zip(I, J)])
    # both operands with Z = 1: the affine path with its shared inversion (equal x,
    # the identity and Z != 1 fall back to the Jacobian addition)
    A1 = np.ascontiguousarray(_batch(C, left)[J])
    _assert_batch_is(C, core.batch_add(A, A1, False), [reference.add(R, E[i], E[j]) for i, j in zip(I, J)])
    _assert_batch_is(C, core.batch_add(A, A1, True), [reference.add(R, E[i], negs[j]) for i, j in zip(I, J)])
    # single-point entry points, on the same pairs
    for i in range(N):
        for j in range(N):
            assert core.equal(left[i], right[j]) == (i == j)
    # doubling of every point, and P + P with two representations
    for i, P in enumerate(E):
        want = reference.double(R, P)
        assert core.affine(core.double(left[i])) == want
        assert core.affine(core.double(right[i])) == want
        assert core.affine(core.add(left[i], right[i])) == want
        assert core.affine(core.neg(right[i])) == negs[i]


def test_encode_decode_every_point_of_E(toy):
    C = toy
    R, core = ref(C), C._core
    for P in full_group(C):
        raw = core.identity_raw if P is None else jacobian_raw(C, P, 3)
        for compressed in (True, False):
            enc = core.encode(raw, compressed)
            assert enc == reference.encode(R, P, compressed)
            assert core.affine(core.decode(enc)) == P
            assert core.equal(core.decode(enc), raw)
    E = full_group(C)
    blob = b"".join(reference.encode(R, P, i % 2 == 0) for i, P in enumerate(E))
    _assert_batch_is(C, core.batch_decode(blob), E)
    assert core.batch_encode(core.batch_decode(blob), False) == b"".join(reference.encode(R, P, False) for P in E)


def test_in_subgroup_exactly_for_n_points(toy):
    C = toy
    R, core = ref(C), C._core
    E = full_group(C)
    inside = []
    for P in E:
        raw = core.identity_raw if P is None else core.from_affine(*P)
        flag = core.in_subgroup(raw)
        assert flag == reference.in_subgroup(R, P), P
        if flag:
            inside.append(P)
        # h P is always in the subgroup (cofactor clearing)
        assert core.in_subgroup(core.mul(raw, C.h))
        assert core.affine(core.mul(raw, C.h)) == reference.mul(R, C.h, P)
    assert len(inside) == C.n
    A = _batch(C, [core.identity_raw if P is None else core.from_affine(*P) for P in E])
    first_out = next((i for i, P in enumerate(E) if P not in inside), -1)
    assert core.batch_in_subgroup(A) == first_out
    assert (first_out == -1) == (C.h == 1)


# ---- (b) the subgroup G, public API, index arithmetic ------------------------------


def _subgroup(C):
    """(PointArray of i G for i < n, list of their uncompressed encodings)."""
    A = C.multiply_generator(range(C.n))
    encs = [P.to_bytes(compressed=False) for P in A]
    return A, encs


def _expected(encs, idx):
    return b"".join(encs[i] for i in idx)


def test_multiples_of_G_are_n_distinct_points(toy):
    C = toy
    R = ref(C)
    A, encs = _subgroup(C)
    assert A.coordinates() == [reference.mul(R, i, reference.generator(R)) for i in range(C.n)]
    assert len(set(encs)) == C.n and len(set(A)) == C.n
    assert A[0].is_identity and not any(P.is_identity for P in A[1:])
    assert (C.n * C.generator).is_identity
    assert [i * C.generator for i in range(C.n)] == list(A)


def test_every_sum_and_difference(toy):
    C = toy
    n = C.n
    _, encs = _subgroup(C)
    I, J = np.repeat(np.arange(n), n).tolist(), np.tile(np.arange(n), n).tolist()
    left, right = C.multiply_generator(I), C.multiply_generator(J)
    assert (left + right).to_bytes(False) == _expected(encs, [(i + j) % n for i, j in zip(I, J)])
    assert (left - right).to_bytes(False) == _expected(encs, [(i - j) % n for i, j in zip(I, J)])


def test_every_doubling(toy):
    C = toy
    n = C.n
    A, encs = _subgroup(C)
    want = _expected(encs, [2 * i % n for i in range(n)])
    assert (A + A).to_bytes(False) == want
    assert b"".join(P.double().to_bytes(False) for P in A) == want
    assert b"".join((P + P).to_bytes(False) for P in A) == want


def test_every_scalar_times_every_point(toy):
    C = toy
    n = C.n
    _, encs = _subgroup(C)
    I, K = np.repeat(np.arange(n), n).tolist(), np.tile(np.arange(n), n).tolist()
    assert (C.multiply_generator(I) * K).to_bytes(False) == _expected(encs, [k * i % n for i, k in zip(I, K)])


def test_scaled_every_scalar_times_every_point(toy):
    """PointArray.scaled (shared doublings, batched affine steps): on a toy curve
    its affine additions and doublings meet +-2^j P and order-2 points all the
    time, so the exact fallback runs as well as the fast path."""
    C = toy
    n = C.n
    A, encs = _subgroup(C)
    ks = list(range(n))
    for k, row in zip(ks, A.scaled(ks)):
        assert row.to_bytes(False) == _expected(encs, [k * i % n for i in range(n)]), k


def test_common_scalars_over_the_full_group(toy):
    """The raw core's batch_mul_common on every point of E (outside G too) equals its mul."""
    C = toy
    core = C._core
    E = full_group(C)
    raws = [core.identity_raw if P is None else jacobian_raw(C, P, 2 + i % (C.p - 2)) for i, P in enumerate(E)]
    A = _batch(C, raws)
    ks = list(range(C.n))
    rows = core.batch_mul_common(A, ks)
    for k, row in zip(ks, rows):
        _assert_batch_is(C, np.ascontiguousarray(row), [reference.mul(ref(C), k, P) for P in E])
        assert all(core.equal(row[i].tobytes(), core.mul(raw, k)) for i, raw in enumerate(raws))


def test_scalars_out_of_range(toy):
    C = toy
    n = C.n
    A, encs = _subgroup(C)
    ks = list(range(-2 * n, 3 * n))
    assert C.multiply_generator(ks).to_bytes(False) == _expected(encs, [k % n for k in ks])
    for i in (1, 2, n - 1, n // 2):
        P = A[i]
        assert b"".join((k * P).to_bytes(False) for k in ks) == _expected(encs, [k * i % n for k in ks])
        assert (C.multiply_generator([i] * len(ks)) * ks).to_bytes(False) == _expected(
            encs, [k * i % n for k in ks]
        )


def test_msm_over_the_whole_subgroup(toy):
    C = toy
    n = C.n
    A, encs = _subgroup(C)
    for ks in (
        [(7 * i + 3) % n for i in range(n)],
        [1] * n,
        [n - 1] * n,
        list(range(n)),
        [0] * n,
        [(i * i) % n for i in range(n)],
    ):
        assert A.msm(ks).to_bytes(False) == encs[sum(k * i for i, k in enumerate(ks)) % n]
        doubled = ect.PointArray(C, [*A, *A])  # every point twice: equal points in every bucket
        assert doubled.msm(ks + ks).to_bytes(False) == encs[2 * sum(k * i for i, k in enumerate(ks)) % n]
    assert A.sum().to_bytes(False) == encs[n * (n - 1) // 2 % n]


def test_decode_encode_every_subgroup_point(toy):
    C = toy
    A, _ = _subgroup(C)
    for P in A:
        for compressed in (True, False):
            Q = C.decode(P.to_bytes(compressed))
            assert Q == P and hash(Q) == hash(P)
        if not P.is_identity:
            assert C.point(P.x, P.y) == P
    for compressed in (True, False):
        assert ect.PointArray.from_bytes(C, A.to_bytes(compressed)) == A


def test_public_api_rejects_exactly_the_points_outside_G(toy):
    C = toy
    R = ref(C)
    outside = 0
    for P in full_group(C)[1:]:
        enc = reference.encode(R, P)
        if reference.in_subgroup(R, P):
            assert C.decode(enc) == C.point(*P)
        else:
            outside += 1
            with pytest.raises(ect.NotInSubgroupError, match="subgroup"):
                C.decode(enc)
            with pytest.raises(ect.NotInSubgroupError, match="subgroup"):
                C.point(*P)
    assert outside == (C.h - 1) * C.n
