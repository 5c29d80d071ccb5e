"""The group law of the compiled core equals the textbook one in ``reference``.

On every named curve and toy61, for points drawn by hypothesis (``k * G`` with
edge and random k, the identity included): ``P + Q``, ``P - Q``, ``-P``,
``2P`` (``double()`` and ``P + P``), the identity on either side, inverses,
commutativity and associativity give exactly the affine points that
``reference.add`` / ``neg`` / ``double`` give; equality and hashing are
projective (different Jacobian representations of one point compare and hash
equal); ``to_bytes`` round trips in both SEC1 forms and matches
``reference.encode``.

Through the raw core, on Jacobian inputs with arbitrary Z, and on the FULL
group E(F_p) of the cofactor-4 toy curves (points outside the subgroup and the
points of order 2, whose doubling is the identity), the same operations match
the oracle too.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import reference
from strategies import BIG, TWO_TORSION, full_group, jacobian_raw, points, raw_to_ref, ref, to_ref, z_values


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_add_sub_neg_double_match_reference(name, data):
    C = ect.curve(name)
    R = ref(C)
    P, Q = data.draw(points(C), "P"), data.draw(points(C), "Q")
    p, q = to_ref(P), to_ref(Q)
    assert reference.is_on_curve(R, p) and reference.is_on_curve(R, q)
    assert to_ref(P + Q) == reference.add(R, p, q)
    assert to_ref(P - Q) == reference.add(R, p, reference.neg(R, q))
    assert to_ref(-P) == reference.neg(R, p)
    assert to_ref(+P) == p
    assert to_ref(P.double()) == reference.double(R, p)
    assert to_ref(P + P) == reference.double(R, p)
    assert P + P == P.double()


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_identity_and_inverses(name, data):
    C = ect.curve(name)
    O = C.identity
    P = data.draw(points(C), "P")
    assert O.is_identity and to_ref(O) is None
    assert P + O == P and O + P == P
    assert to_ref(P + O) == to_ref(O + P) == to_ref(P)
    assert P - O == P
    assert O - P == -P
    assert (P + (-P)).is_identity
    assert ((-P) + P).is_identity
    assert (P - P).is_identity
    assert (O + O).is_identity and O.double().is_identity and (-O).is_identity
    assert -(-P) == P
    assert (P == O) == P.is_identity


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_commutative_associative_and_projective_equality(name, data):
    C = ect.curve(name)
    R = ref(C)
    P, Q, S = (data.draw(points(C), label) for label in "PQS")
    assert P + Q == Q + P
    left, right = (P + Q) + S, P + (Q + S)
    assert left == right
    assert hash(left) == hash(right)
    assert left.to_bytes() == right.to_bytes()
    assert to_ref(left) == reference.add(R, reference.add(R, to_ref(P), to_ref(Q)), to_ref(S))
    # The same point reached by a longer road still compares equal.
    assert (P + Q) - Q == P
    assert hash((P + Q) - Q) == hash(P)


@pytest.mark.parametrize("name", BIG)
def test_equality_is_projective_not_bytewise(name):
    """(G + 2G) + 3G and G + (2G + 3G) are stored with different Z, yet are equal."""
    C = ect.curve(name)
    G = C.generator
    a, b, c = G, G.double(), 3 * G
    left, right = (a + b) + c, a + (b + c)
    assert left._raw != right._raw  # the premise: two Jacobian representations
    assert left == right and hash(left) == hash(right)
    assert {left: 1}[right] == 1
    assert left != left + G
    assert to_ref(left) == reference.mul(ref(C), 6, reference.generator(ref(C)))


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_to_bytes_round_trip(name, data):
    C = ect.curve(name)
    R = ref(C)
    P = data.draw(points(C), "P")
    p = to_ref(P)
    for compressed in (True, False):
        enc = P.to_bytes(compressed=compressed)
        assert enc == reference.encode(R, p, compressed)
        assert reference.decode(R, enc) == p
        back = C.decode(enc)
        assert back == P and hash(back) == hash(P) and to_ref(back) == p
        assert ect.Point.from_bytes(C, enc) == P
    assert bytes(P) == P.to_bytes()


# ---- the raw core with arbitrary Z ------------------------------------------


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_raw_ops_on_arbitrary_jacobian_inputs(name, data):
    """The core's add/double/neg/equal/affine on (x z^2, y z^3, z) for any z."""
    C = ect.curve(name)
    R, core = ref(C), C._core
    p, q = to_ref(data.draw(points(C), "P")), to_ref(data.draw(points(C), "Q"))
    zp, zq = data.draw(z_values(C), "zp"), data.draw(z_values(C), "zq")
    rp, rq = jacobian_raw(C, p, zp), jacobian_raw(C, q, zq)
    assert core.is_valid(rp) and core.is_valid(rq)
    assert raw_to_ref(C, rp) == p
    assert core.equal(rp, jacobian_raw(C, p, 1))
    assert raw_to_ref(C, core.add(rp, rq)) == reference.add(R, p, q)
    assert raw_to_ref(C, core.sub(rp, rq)) == reference.add(R, p, reference.neg(R, q))
    assert raw_to_ref(C, core.double(rp)) == reference.double(R, p)
    assert raw_to_ref(C, core.neg(rp)) == reference.neg(R, p)
    # P + P with two different representations of P takes the doubling branch.
    assert raw_to_ref(C, core.add(rp, jacobian_raw(C, p, zq))) == reference.double(R, p)
    assert core.is_identity(core.add(rp, jacobian_raw(C, reference.neg(R, p), zq)))
    assert core.encode(rp, True) == reference.encode(R, p, True)
    assert core.encode(rp, False) == reference.encode(R, p, False)


@pytest.mark.parametrize("name", BIG)
def test_identity_is_any_z_zero(name):
    """Z = 0 is the identity whatever X and Y hold (the core's one identity)."""
    C = ect.curve(name)
    core = C._core
    G = reference.generator(ref(C))
    junk = jacobian_raw(C, G, 0)  # X = gx, Y = gy, Z = 0
    assert junk != core.identity_raw
    assert core.is_identity(junk) and core.equal(junk, core.identity_raw)
    assert core.affine(junk) is None and core.encode(junk, True) == b"\x00"
    g = jacobian_raw(C, G, 7)
    assert core.equal(core.add(g, junk), g) and core.equal(core.add(junk, g), g)
    assert core.is_identity(core.double(junk)) and core.is_identity(core.neg(junk))
    assert not core.equal(g, junk)


# ---- the full group of the cofactor-4 toys, through the raw core -------------


def from_affine(C, xy):
    return C._core.from_affine(*xy)


@pytest.mark.parametrize("name", TWO_TORSION)
@given(data=st.data())
def test_full_group_raw_ops_match_reference(name, data):
    C = ect.curve(name)
    R, core = ref(C), C._core
    E = full_group(name)
    p, q = data.draw(st.sampled_from(E), "p"), data.draw(st.sampled_from(E), "q")
    rp = jacobian_raw(C, p, data.draw(z_values(C), "zp"))
    rq = jacobian_raw(C, q, data.draw(z_values(C), "zq"))
    assert raw_to_ref(C, core.add(rp, rq)) == reference.add(R, p, q)
    assert raw_to_ref(C, core.sub(rp, rq)) == reference.add(R, p, reference.neg(R, q))
    assert raw_to_ref(C, core.double(rp)) == reference.double(R, p)
    assert raw_to_ref(C, core.neg(rp)) == reference.neg(R, p)
    assert core.equal(rp, rq) == (p == q)
    assert core.in_subgroup(rp) == reference.in_subgroup(R, p)


@pytest.mark.parametrize("name", TWO_TORSION)
def test_points_of_order_two(name):
    """y = 0: P = -P, P + P and 2P are the identity, P + T is another 2-torsion point."""
    C = ect.curve(name)
    R, core = ref(C), C._core
    twos = [P for P in full_group(name) if P is not None and P[1] == 0]
    assert len(twos) == {"toy-b0": 3, "toy-h4": 1}[name]
    G = C._core.generator_raw
    for T in twos:
        for z in (1, 2, C.p - 1, 55):
            t = jacobian_raw(C, T, z)
            assert core.is_valid(t)
            assert core.is_identity(core.double(t))
            assert core.is_identity(core.add(t, t))
            assert core.is_identity(core.add(t, jacobian_raw(C, T, 3)))
            assert core.is_identity(core.sub(t, t))
            assert core.equal(core.neg(t), t)
            assert not core.in_subgroup(t)
            assert core.encode(t, True) == bytes([2, T[0]])
            # T + G is outside the subgroup; adding T again gives G back.
            tg = core.add(t, G)
            assert raw_to_ref(C, tg) == reference.add(R, T, reference.generator(R))
            assert core.equal(core.add(tg, t), G)
    for T1 in twos:
        for T2 in twos:
            s = core.add(from_affine(C, T1), from_affine(C, T2))
            assert raw_to_ref(C, s) == reference.add(R, T1, T2)
    if name == "toy-h4":
        # Z/4 torsion: the points Q with 2Q = T have order 4.
        (T,) = twos
        fours = [P for P in full_group(name) if P is not None and reference.double(R, P) == T]
        assert fours
        for P in fours:
            r = from_affine(C, P)
            assert core.equal(core.double(r), from_affine(C, T))
            assert core.is_identity(core.double(core.double(r)))

