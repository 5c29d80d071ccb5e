"""Field arithmetic of the compiled core (Montgomery mul/sqr/inv/sqrt), seen
through point operations, equals the oracle ``reference``.

* Square roots: decompressing ``02/03 || x`` gives exactly
  ``reference.decode`` (the same y, or an error where there is no root), for
  every x of the toy fields and for random and edge x on every named curve.
  Both algorithms are covered: the named curves, toy-h4 and toy-plot have
  p = 3 mod 4 (one exponentiation); toy-a0, toy-b0 and toy61 have p = 1 mod 4
  (Tonelli-Shanks), and every iteration count of its loop is reached.
* Inversion: ``affine`` of ``(x z^2, y z^3, z)`` is ``(x, y)`` for edge z
  (1, -1, 2, (p+-1)/2, the Z stored as Montgomery 1 / -1) and random z.
* Mul/sqr/add/sub: after long random chains of add/sub/double/neg in the core,
  the affine coordinates equal the oracle's at every step.
* Each field operation (``CurveCore.field_op``: the dispatch the formulas
  run, assembly included) equals integer arithmetic on every pair of edge
  values (0, 1, p - 1, (p +- 1)/2, all-ones and single-bit limbs, values just
  below p) and on random values, for the default and the portable core.
* Coordinates >= p are rejected, never reduced.
* ``x`` whose only root is y = 0 (the 2-torsion of toy-b0 and toy-h4):
  ``02 || x`` decodes to ``(x, 0)`` and ``03 || x`` is rejected, as in the oracle.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import _ec, reference
from ectraverse.curves import CurveParams
from strategies import (
    ALL,
    BIG,
    TOYS,
    TWO_TORSION,
    examples,
    jacobian_raw,
    points,
    portable_core,
    raw_to_ref,
    ref,
    z_edges,
    z_values,
)

TONELLI_SHANKS = ["toy-a0", "toy-b0", "toy61"]


def _rhs(C, x):
    return (x * x * x + C.a * x + C.b) % C.p


def _decode_both(C, data):
    """(library result, oracle result): an affine tuple/None, or the exception class."""
    try:
        want = reference.decode(ref(C), data)
    except ValueError:
        want = ValueError
    try:
        got = raw_to_ref(C, C._core.decode(data))
    except (ect.NotOnCurveError, ect.EncodingError) as exc:
        got = ValueError if isinstance(exc, ValueError) else type(exc)
    return got, want


def _compressed(C, x, prefix):
    return bytes([prefix]) + x.to_bytes(C.field_bytes, "big")


def test_square_root_paths_are_the_expected_ones():
    """The curve set reaches both square-root algorithms (the premise of this file)."""
    for name in ALL:
        p = ect.curve(name).p
        assert (p % 4 == 1) == (name in TONELLI_SHANKS), name


@pytest.mark.parametrize("name", TOYS)
def test_decompress_every_x_of_toy_fields(name):
    C = ect.curve(name)
    checked = 0
    for x in range(C.p):
        for prefix in (2, 3):
            if prefix == 3 and _rhs(C, x) == 0:
                continue  # y = 0: see test_y_zero_compressed_matches_reference
            got, want = _decode_both(C, _compressed(C, x, prefix))
            assert got == want, (x, prefix)
            checked += want is not ValueError
    assert checked == len(reference.enumerate_points(ref(C))) - 1  # every affine point, once


def _two_adic_order(C, v):
    """i such that (v^q)^(2^i) = 1 first, p - 1 = q 2^s: the number of Tonelli-Shanks rounds."""
    p = C.p
    q = p - 1
    while q % 2 == 0:
        q //= 2
    t, i = pow(v, q, p), 0
    while t != 1:
        t = t * t % p
        i += 1
    return i


@pytest.mark.parametrize("name", TONELLI_SHANKS)
def test_tonelli_shanks_every_round_count(name):
    """x's whose x^3 + ax + b needs 0, 1, ..., s-1 Tonelli-Shanks rounds all decode as in the oracle."""
    C = ect.curve(name)
    p, s = C.p, ((C.p - 1) & -(C.p - 1)).bit_length() - 1
    seen = {}
    x = 0
    while len(seen) < s and x < 100_000:
        v = _rhs(C, x)
        if v and reference.is_square(v, p):
            seen.setdefault(_two_adic_order(C, v), []).append(x)
        x += 1
    assert sorted(seen) == list(range(s))
    for xs in seen.values():
        for x in xs[:20]:
            for prefix in (2, 3):
                got, want = _decode_both(C, _compressed(C, x, prefix))
                assert got == want and got is not ValueError


def _x_edges(C):
    p = C.p
    return [0, 1, 2, 3, p - 1, p - 2, (p - 1) // 2, (p + 1) // 2, C.params.gx, (1 << (p.bit_length() - 1)) - 1]


@pytest.mark.parametrize("name", BIG)
@examples(40)
@given(data=st.data())
def test_decompress_random_x(name, data):
    C = ect.curve(name)
    x = data.draw(st.one_of(st.sampled_from(_x_edges(C)), st.integers(0, C.p - 1)), "x")
    prefix = data.draw(st.sampled_from([2, 3]), "prefix")
    got, want = _decode_both(C, _compressed(C, x, prefix))
    assert got == want


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_decompress_points_on_the_curve(name, data):
    """For x of a real point both prefixes decode, to y and p - y, as in the oracle."""
    C = ect.curve(name)
    P = data.draw(points(C).filter(lambda P: not P.is_identity), "P")
    for prefix in (2, 3):
        got, want = _decode_both(C, _compressed(C, P.x, prefix))
        assert got == want and got[0] == P.x and got[1] % 2 == prefix - 2
    assert C._core.equal(C._core.decode(P.to_bytes()), P._raw)


@pytest.mark.parametrize("name", ALL)
@given(data=st.data())
def test_inversion_through_affine(name, data):
    """affine() inverts Z: (x z^2, y z^3, z) comes back as (x, y) for edge and random z."""
    C = ect.curve(name)
    P = data.draw(points(C).filter(lambda P: not P.is_identity), "P")
    xy = (P.x, P.y)
    z = data.draw(z_values(C), "z")
    raw = jacobian_raw(C, xy, z)
    assert raw_to_ref(C, raw) == xy
    assert C._core.encode(raw, False) == reference.encode(ref(C), xy, False)
    xys, inf = C._core.batch_affine(C._core.batch_from_raws([raw, C._core.identity_raw, raw]))
    nb = C.field_bytes
    assert list(inf) == [False, True, False]
    assert bytes(xys[0]) == bytes(xys[2]) == xy[0].to_bytes(nb, "big") + xy[1].to_bytes(nb, "big")


_OPS = st.lists(
    st.tuples(st.sampled_from(["add", "sub", "dbl", "neg", "addG", "mul"]), st.integers(0, 3), st.integers(2, 40)),
    min_size=1,
    max_size=40,
)


@pytest.mark.parametrize("name", ALL)
@examples(30)
@given(ops=_OPS)
def test_long_chains_of_operations(name, ops):
    """A register machine of four points run by the core and by the oracle in lockstep."""
    C = ect.curve(name)
    R, core = ref(C), C._core
    regs = [core.generator_raw, core.double(core.generator_raw), core.identity_raw, core.neg(core.generator_raw)]
    G = reference.generator(R)
    want = [G, reference.double(R, G), None, reference.neg(R, G)]
    for op, i, k in ops:
        j = (i + 1) % 4
        if op == "add":
            regs[i], want[i] = core.add(regs[i], regs[j]), reference.add(R, want[i], want[j])
        elif op == "sub":
            regs[i], want[i] = core.sub(regs[i], regs[j]), reference.add(R, want[i], reference.neg(R, want[j]))
        elif op == "dbl":
            regs[i], want[i] = core.double(regs[i]), reference.double(R, want[i])
        elif op == "neg":
            regs[i], want[i] = core.neg(regs[i]), reference.neg(R, want[i])
        elif op == "addG":
            regs[i], want[i] = core.add(regs[i], core.generator_raw), reference.add(R, want[i], G)
        else:
            regs[i], want[i] = core.mul(regs[i], k), reference.mul(R, k, want[i])
        assert core.is_valid(regs[i])
        assert raw_to_ref(C, regs[i]) == want[i], (op, i, k)
    for r, w in zip(regs, want):
        assert core.encode(r, True) == reference.encode(R, w, True)


def _field_edges(p: int, limbs: int) -> list[int]:
    """Internal field values whose limbs sit at carry and borrow boundaries."""
    vals = {0, 1, 2, 3, p - 1, p - 2, p - 3, (p - 1) // 2, (p + 1) // 2, (p + 3) // 2}
    for k in (*range(32, 64 * limbs, 32), *range(63, 64 * limbs, 64)):  # half-limb and limb edges, top bits
        vals.update(((1 << k) - 1, 1 << k, p - (1 << k), p - (1 << k) + 1))
    for i in range(limbs):
        vals.add(((1 << 64) - 1) << (64 * i))  # one all-ones limb
    return sorted(v for v in vals if 0 <= v < p)


def _field_want(op: str, a: int, b: int, p: int, rinv: int) -> int:
    return {
        "add": lambda: (a + b) % p,
        "sub": lambda: (a - b) % p,
        "mul": lambda: a * b * rinv % p,
        "sqr": lambda: a * a * rinv % p,
        "half": lambda: a * pow(2, -1, p) % p,
        "neg": lambda: -a % p,
        "dbl": lambda: 2 * a % p,
    }[op]()


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "BN254", "P-384", "BLS12-381", "P-521", "toy61", "toy-h4"])
def test_field_operations_match_integers(name):
    C = ect.curve(name)
    p, limbs = C.p, C._core.limbs
    rinv = pow(1 << (64 * limbs), -1, p)
    edges = _field_edges(p, limbs)
    rng = random.Random(f"field-{name}")
    pairs = [(a, b) for a in edges for b in edges] + [(rng.randrange(p), rng.randrange(p)) for _ in range(300)]
    for core in (C._core, portable_core(C)):
        for op in ("add", "sub", "mul", "sqr", "half", "neg", "dbl"):
            for a, b in pairs:
                assert core.field_op(op, a, b) == _field_want(op, a, b, p, rinv), (core.uses_asm, op, hex(a), hex(b))


@pytest.mark.parametrize("args", [("pow", 1, 1), ("add", -1, 0), ("add", 0, 1 << 400), ("mul", 1.0, 1), ("sqr", True, 0)])
def test_field_op_rejects_bad_operands(args):
    with pytest.raises(ValueError, match="must be"):
        ect.curve("P-384")._core.field_op(*args)


@pytest.mark.parametrize("name", ALL)
def test_coordinates_at_least_p_are_rejected(name):
    C = ect.curve(name)
    core, p = C._core, C.p
    gx, gy = C.params.gx, C.params.gy
    for x, y in ((p, gy), (gx, p), (p + gx, gy), (gx, p + gy), (-1, gy), (gx, -gy)):
        with pytest.raises(ect.NotOnCurveError, match=r"must be in \[0, p\)"):
            core.from_affine(x, y)
        with pytest.raises(ect.NotOnCurveError, match=r"must be in \[0, p\)"):
            C.point(x, y)
    if name in TOYS or name == "toy61":  # test_encoding.py covers the standard curves
        nb = C.field_bytes
        top = (1 << (8 * nb)) - 1
        for data in (
            _compressed(C, p, 2),
            _compressed(C, top, 3),
            b"\x04" + p.to_bytes(nb, "big") + gy.to_bytes(nb, "big"),
            b"\x04" + gx.to_bytes(nb, "big") + (gy + p).to_bytes(nb, "big")
            if gy + p <= top
            else b"\x04" + gx.to_bytes(nb, "big") + top.to_bytes(nb, "big"),
        ):
            with pytest.raises(ValueError, match="less than p"):
                reference.decode(ref(C), data)
            with pytest.raises(ect.EncodingError, match="less than p"):
                core.decode(data)


@pytest.mark.parametrize("name", TWO_TORSION)
def test_y_zero_compressed_matches_reference(name):
    """x with x^3 + ax + b = 0 has the single point (x, 0): 02 || x names it, 03 || x names nothing."""
    C = ect.curve(name)
    core = C._core
    xs = [x for x in range(C.p) if _rhs(C, x) == 0]
    assert len(xs) == {"toy-b0": 3, "toy-h4": 1}[name]
    for x in xs:
        assert raw_to_ref(C, core.decode(_compressed(C, x, 2))) == reference.decode(ref(C), _compressed(C, x, 2))
        assert raw_to_ref(C, core.decode(b"\x04" + bytes([x, 0]))) == (x, 0)
        assert core.encode(core.from_affine(x, 0), True) == _compressed(C, x, 2)
        with pytest.raises(ValueError, match="only y = 0"):
            reference.decode(ref(C), _compressed(C, x, 3))
        with pytest.raises(ValueError):
            core.decode(_compressed(C, x, 3))


# ---------------------------------------------------------------------------
# The portable C field code and the x86-64 MULX/ADX assembly agree.  The
# default cores use the assembly where the CPU has it, so every other test
# covers that path; this one builds a second core forced onto the C code.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "BN254", "P-384", "BLS12-381", "P-521", "toy61"])
def test_portable_field_code_matches_default(name):
    C = ect.curve(name)
    port = portable_core(C)
    assert not port.uses_asm
    assert C._core.uses_asm == (_ec.build_info()["asm_adx"] and name not in ("P-521", "toy61"))  # 4 and 6 limbs only
    rng = random.Random(f"portable-{name}")
    for _ in range(40):
        k1, k2 = rng.randrange(C.n), rng.randrange(C.n)
        P = C.generator * k1
        a, b = C._core.mul(P._raw, k2), port.mul(P._raw, k2)
        assert C._core.encode(a) == port.encode(b) == port.encode(a)
        s1, s2 = C._core.add(a, P._raw), port.add(b, P._raw)
        assert C._core.encode(s1) == port.encode(s2)
        assert C._core.encode(C._core.double(a)) == port.encode(port.double(b))
        enc = C._core.encode(a)
        assert port.equal(port.decode(enc), C._core.decode(enc))


def test_pseudo_mersenne_reduction_on_another_prime():
    """The 4-limb reduction for p = 2^256 - c (secp256k1's c = 2^32 + 977) holds
    for any c < 2^64: on y^2 = x^3 + 7 over p = 2^256 - 189, the default core
    (assembly where available) and the portable core agree with the oracle's
    double-and-add.  The core does not need the group order for k < n, so n is
    only a prime bound on the scalars here."""
    p = (1 << 256) - 189
    n = ect.curve("secp256k1").n
    rng = random.Random("pseudo-mersenne-189")
    while True:  # a point: p = 3 mod 4, so a square root is one power
        x = rng.randrange(p)
        rhs = (x * x * x + 7) % p
        y = pow(rhs, (p + 1) // 4, p)
        if y * y % p == rhs:
            break
    O = CurveParams("pm189", p=p, a=0, b=7, gx=x, gy=y, n=n)
    fast = _ec.CurveCore("pm189", p, 0, 7, x, y, n)
    port = _ec.CurveCore("pm189", p, 0, 7, x, y, n, portable=True)
    G = fast.from_affine(x, y)
    for k in [1, 2, 3, n - 1, (1 << 255) + 1, *(rng.randrange(1, n) for _ in range(20))]:
        want = reference.mul(O, k, (x, y))
        a, b = fast.mul(G, k), port.mul(port.from_affine(x, y), k)
        assert fast.affine(a) == port.affine(b) == want
        assert fast.affine(fast.add(a, G)) == reference.add(O, want, (x, y))
        assert fast.affine(fast.double(a)) == reference.add(O, want, want)


def test_p521_doubling_in_digits_on_edge_coordinates():
    """P-521 doubles in radix-2^58 digits with lazy reduction; on Jacobian
    inputs whose coordinates are edge values (stored as 0, 1, p - 1 and the
    like, all-ones digits) it agrees with the generic Montgomery doubling."""
    C = ect.curve("P-521")
    port = portable_core(C)
    rng = random.Random("p521-digits")
    pts = [(C.params.gx, C.params.gy), *((P.x, P.y) for P in (C.generator * rng.randrange(1, C.n) for _ in range(3)))]
    for xy in pts:
        for z in z_edges(C):
            raw = jacobian_raw(C, xy, z)
            a, b = C._core.double(raw), port.double(raw)
            assert C._core.encode(a) == port.encode(b) == reference.encode(ref(C), reference.double(ref(C), xy))


# ---------------------------------------------------------------------------
# P-521's AVX-512 IFMA field code (ect_m521_avx512.h), through _ec.m521v_field:
# 11 limbs of radix 2^52, normalized (limbs 0..9 below 2^52, limb 10 below 2^7).
# Its k*P is compared with the portable core in test_ecmult.py.
# ---------------------------------------------------------------------------

P521 = (1 << 521) - 1
M52 = (1 << 52) - 1
needs_avx512 = pytest.mark.skipif(not _ec.build_info()["avx512_m521"], reason="no AVX-512 IFMA on this build or CPU")


def _limbs52(v: int) -> list[int]:
    """v < 2^527 as normalized limbs."""
    return [(v >> (52 * i)) & M52 for i in range(10)] + [v >> 520]


def _value52(limbs: list[int]) -> int:
    return sum(v << (52 * i) for i, v in enumerate(limbs))


def _assert_normalized(limbs: list[int]):
    assert len(limbs) == 11 and all(0 <= v <= M52 for v in limbs[:10]) and 0 <= limbs[10] < 128, limbs


def _edge_values52() -> list[int]:
    """Values whose limbs sit at the representation's edges: 0, p, 2p, 63p and
    their neighbours, all-ones limbs, limb 10 at its largest, single bits at
    limb boundaries."""
    top = 1 << 527
    vals = [0, 1, 2, P521 - 1, P521, P521 + 1, 2 * P521 - 1, 2 * P521, 2 * P521 + 1, top - 1, (1 << 520) - 1,
            63 * P521, 63 * P521 + 1, 63 * P521 - 1, 127 << 520,
            1 << 520, (1 << 521) + M52, M52, M52 << 52, 1 << 51, (1 << 468) - 1]
    vals += [(1 << (52 * i)) - 1 for i in range(1, 11)] + [1 << (52 * i - 1) for i in range(1, 11)]
    return [v for v in vals if v < top]


@needs_avx512
def test_m521v_field_ops_match_integers():
    """add, sub, mul and sqr of edge and random normalized operands are the
    integers' results mod p, normalized again."""
    rng = random.Random("m521v-field")
    vals = _edge_values52() + [rng.randrange(1 << 527) for _ in range(60)] + [rng.randrange(P521) for _ in range(60)]
    pairs = [(a, b) for a in _edge_values52() for b in _edge_values52()]
    pairs += [(rng.choice(vals), rng.choice(vals)) for _ in range(2000)]
    for a, b in pairs:
        A, B = _limbs52(a), _limbs52(b)
        for op, want in (("add", a + b), ("sub", a - b), ("mul", a * b), ("sqr", a * a)):
            got = _ec.m521v_field(op, A, B)
            _assert_normalized(got)
            assert _value52(got) % P521 == want % P521, (op, hex(a), hex(b))


@needs_avx512
def test_m521v_carries_through_every_limb():
    """Sums whose carry runs through all eleven limbs: the vector carry steps
    move a carry one limb per step, so these are right only if the scalar
    carry loop (ect_f52_carry_slow) ran and was right."""
    cases = [
        ([M52] * 10 + [1], [1] + [0] * 10),  # p + 1 = 1
        ([M52] * 10 + [127], [1] + [0] * 10),  # limb 10 at its largest wraps into limb 0 too
        ([M52] * 10 + [0], [1] + [0] * 10),  # 2^520
        ([M52] * 10 + [127], [M52] * 10 + [127]),  # both at the top
        ([0] * 10 + [0], [M52] * 10 + [1]),  # 0 + p
    ]
    for a, b in cases:
        got = _ec.m521v_field("add", a, b)
        _assert_normalized(got)
        assert _value52(got) % P521 == (_value52(a) + _value52(b)) % P521, (a, b)
    got = _ec.m521v_field("add", [M52] * 10 + [1], [1] + [0] * 10)
    assert got == [1] + [0] * 10


@needs_avx512
def test_m521v_is_zero():
    """Multiples of p in the normalized range are zero; their neighbours and
    random values are not."""
    for v in (0, P521, 2 * P521, 3 * P521, 63 * P521, 64 * P521):
        assert _ec.m521v_field("is_zero", _limbs52(v)) is True
    rng = random.Random("m521v-zero")
    near = [m * P521 + d for m in (0, 1, 2, 63, 64) for d in (-1, 1) if m * P521 + d > 0]
    for v in [*near, (1 << 527) - 1, *(rng.randrange(1, P521) for _ in range(50))]:
        assert _ec.m521v_field("is_zero", _limbs52(v)) is False, hex(v)


@needs_avx512
@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("pow", [0] * 11, [0] * 11), "op must be one of"),
        (("add", [0] * 10, [0] * 11), "a must be 11 ints"),
        (("add", [0] * 11, [1 << 52] + [0] * 10), "b must be 11 ints"),
        (("mul", [0] * 10 + [128], [0] * 11), "limb 10 below 2\\^7"),
        (("mul", [0] * 10 + [-1], [0] * 11), "limb 10 below 2\\^7"),
        (("add", [0.0] * 11, [0] * 11), "a must be 11 ints"),
    ],
)
def test_m521v_field_rejects_bad_operands(args, match):
    with pytest.raises(ValueError, match=match):
        _ec.m521v_field(*args)
