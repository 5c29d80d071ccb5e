"""Tests of ``ectraverse.reference``, the slow oracle, on its own.

Nothing here touches the compiled core: these tests establish that the oracle
and the curve data it reads are right, so that the other test files can trust
it. Randomness is seeded; nothing is timed.
"""

import dataclasses
import doctest
import json
import math
import random
from pathlib import Path

import pytest

from ectraverse import reference as ref
from ectraverse.curves import CurveParams, named_params

DATA = Path(__file__).resolve().parents[1] / "ectraverse" / "data"
# The curves as the library's one loader reads them (the oracle takes a CurveParams).
NAMED = {name: named_params(name) for name in json.loads((DATA / "curves.json").read_text())["curves"]}
TOYS = {name: named_params(name) for name in json.loads((DATA / "toy_curves.json").read_text())["curves"]}
ALL = {**NAMED, **TOYS}
RAW = {
    **json.loads((DATA / "curves.json").read_text())["curves"],
    **json.loads((DATA / "toy_curves.json").read_text())["curves"],
}

FIELD_INFO = json.loads((DATA / "field_info.json").read_text())
TINY = {name: C for name, C in TOYS.items() if C.p < 1 << 16}
GLV_CURVES = ["secp256k1", "BN254", "BLS12-381", "toy-a0", "toy61"]


def small_primes(limit):
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(range(i * i, limit, i)))
    return [i for i in range(limit) if sieve[i]]


# ---------------------------------------------------------------------------
# The module itself
# ---------------------------------------------------------------------------


def test_doctests():
    result = doctest.testmod(ref, verbose=False)
    assert result.attempted > 20
    assert result.failed == 0


def test_all_is_explicit_and_importable():
    for name in ref.__all__:
        assert hasattr(ref, name), name


def test_imports_nothing_from_ectraverse():
    source = Path(ref.__file__).read_text()
    code_lines = [ln.strip() for ln in source.splitlines()]
    assert not any(
        ln.startswith(("import ectraverse", "from ectraverse", "from .")) for ln in code_lines
    )


# ---------------------------------------------------------------------------
# Modular arithmetic
# ---------------------------------------------------------------------------


def test_inv_mod_small_exhaustive():
    for m in range(2, 60):
        for a in range(-m, 2 * m):
            if math.gcd(a, m) == 1:
                x = ref.inv_mod(a, m)
                assert 0 <= x < m and (a * x) % m == 1 % m
            else:
                with pytest.raises(ValueError, match="no inverse"):
                    ref.inv_mod(a, m)


def test_inv_mod_large_and_errors():
    p = NAMED["P-521"].p
    rng = random.Random(11)
    for _ in range(20):
        a = rng.randrange(1, p)
        assert a * ref.inv_mod(a, p) % p == 1
    with pytest.raises(ValueError, match="modulus must be at least 2"):
        ref.inv_mod(1, 1)
    with pytest.raises(ValueError, match="no inverse"):
        ref.inv_mod(p, p)


@pytest.mark.parametrize("p", [p for p in small_primes(400) if p > 2])
def test_sqrt_mod_and_is_square_small_exhaustive(p):
    squares = {y * y % p for y in range(p)}
    for a in range(-1, p + 1):
        r = ref.sqrt_mod(a, p)
        assert ref.is_square(a, p) == (a % p in squares)
        if a % p in squares:
            assert r is not None and r * r % p == a % p
            assert r <= p - r  # the smaller root
        else:
            assert r is None


def test_sqrt_mod_both_residue_classes_are_covered():
    classes = {p % 4 for p in small_primes(400) if p > 2}
    assert classes == {1, 3}


@pytest.mark.parametrize(
    "label, p",
    [
        ("secp256k1 p (3 mod 4)", NAMED["secp256k1"].p),
        ("P-521 p (3 mod 4)", NAMED["P-521"].p),
        ("toy61 p (1 mod 8)", TOYS["toy61"].p),
        ("BN254 n (1 mod 2^28)", NAMED["BN254"].n),
        ("BLS12-381 n (1 mod 2^32)", NAMED["BLS12-381"].n),
    ],
)
def test_sqrt_mod_large(label, p):
    rng = random.Random(label)
    for _ in range(25):
        y = rng.randrange(1, p)
        r = ref.sqrt_mod(y * y, p)
        assert r == min(y, p - y)
    nonresidues = 0
    for _ in range(25):
        a = rng.randrange(1, p)
        if not ref.is_square(a, p):
            nonresidues += 1
            assert ref.sqrt_mod(a, p) is None
    assert nonresidues > 0
    assert ref.sqrt_mod(0, p) == 0 and ref.sqrt_mod(p, p) == 0


def test_sqrt_mod_matches_galois():
    galois = pytest.importorskip("galois")
    np = pytest.importorskip("numpy")
    C = TOYS["toy61"]
    g = int(FIELD_INFO["toy61"]["primitive_element"], 16)
    F = galois.GF(C.p, primitive_element=g, verify=False)
    rng = random.Random(5)
    values = [rng.randrange(C.p) for _ in range(40)]
    arr = F(values)
    is_sq = arr.is_square()
    for v, s in zip(values, is_sq):
        assert ref.is_square(v, C.p) == bool(s)
    sq_values = [v for v, s in zip(values, is_sq) if s]
    roots = np.sqrt(F(sq_values))  # galois also returns the smaller root
    assert [ref.sqrt_mod(v, C.p) for v in sq_values] == [int(r) for r in roots]


def test_is_probable_prime_small_exhaustive():
    limit = 30000
    primes = set(small_primes(limit))
    for n in range(-3, limit):
        assert ref.is_probable_prime(n) == (n in primes), n


@pytest.mark.parametrize(
    "n",
    [
        561, 1105, 41041, 825265, 321197185,  # Carmichael numbers
        2047, 3277, 4033, 4681, 8321,  # strong pseudoprimes to base 2
        3215031751,  # strong pseudoprime to bases 2, 3, 5, 7
        3825123056546413051,  # strong pseudoprime to bases 2..23
        318665857834031151167461,  # strong pseudoprime to the 12 prime bases 2..37
        3317044064679887385961981,  # strong pseudoprime to the 13 prime bases 2..41
        5459, 5777, 10877, 16109, 18971,  # strong Lucas pseudoprimes
        2**128 + 1, (2**61 - 1) ** 2, (2**89 - 1) * (2**107 - 1),
    ],
)
def test_is_probable_prime_rejects_pseudoprimes(n):
    assert not ref.is_probable_prime(n)


def test_pseudoprimes_exercise_each_layer():
    # 3317044064679887385961981 passes every Miller-Rabin base: only the
    # Lucas test rejects it.
    n = 3317044064679887385961981
    assert all(ref._strong_probable_prime(n, b) for b in ref._MR_BASES)
    assert not ref._strong_lucas_probable_prime(n)
    # and the strong Lucas pseudoprimes are rejected by Miller-Rabin.
    for n in (5459, 5777, 10877, 16109, 18971):
        assert ref._strong_lucas_probable_prime(n)
        assert not ref._strong_probable_prime(n, 2)


@pytest.mark.parametrize("e", [61, 89, 107, 127, 521])
def test_is_probable_prime_mersenne(e):
    assert ref.is_probable_prime(2**e - 1)
    assert not ref.is_probable_prime(2**e + 1)


def test_is_probable_prime_products_of_curve_primes():
    a, b = NAMED["secp256k1"].p, NAMED["P-256"].n
    assert ref.is_probable_prime(a) and ref.is_probable_prime(b)
    assert not ref.is_probable_prime(a * b)
    assert not ref.is_probable_prime(a * a)


# ---------------------------------------------------------------------------
# Curve data
# ---------------------------------------------------------------------------


def test_curve_data_through_the_one_loader():
    assert set(NAMED) == {"secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381"}
    for name, C in ALL.items():
        assert C.name == name and 0 <= C.a < C.p and 0 <= C.b < C.p
        assert ref.generator(C) == (int(RAW[name]["Gx"], 16), int(RAW[name]["Gy"], 16))
    with pytest.raises(dataclasses.FrozenInstanceError):
        NAMED["secp256k1"].p = 19  # type: ignore[misc]


def check_curve_facts(C):
    p, n = C.p, C.n
    assert ref.is_probable_prime(p) and p > 3
    assert ref.is_probable_prime(n)
    assert 0 <= C.a < p and 0 <= C.b < p
    assert (4 * C.a**3 + 27 * C.b**2) % p != 0
    G = ref.generator(C)
    assert ref.is_on_curve(C, G)
    assert ref.mul(C, n, G) is None
    assert ref.mul(C, n - 1, G) == ref.neg(C, G)
    assert ref.mul(C, n + 1, G) == G
    assert C.field_bytes == (p.bit_length() + 7) // 8 == RAW[C.name]["field_bytes"]
    # h*n lies in the Hasse interval |p + 1 - #E| <= 2 sqrt(p) ...
    t = p + 1 - C.h * n
    assert t * t <= 4 * p
    # ... and when the points are too many to count, n > 4 sqrt(p) forces #E = h*n
    # (the interval holds only one multiple of n). Tiny curves are counted instead.
    if p >= 1 << 16:
        assert n * n > 16 * p


@pytest.mark.parametrize("name", list(NAMED))
def test_named_curve_facts(name):
    check_curve_facts(NAMED[name])


@pytest.mark.parametrize("name", list(TOYS))
def test_toy_curve_facts(name):
    C = TOYS[name]
    check_curve_facts(C)
    entry = RAW[name]
    assert entry["aliases"] == [] and entry["oid"] is None
    assert entry["note"] and entry["source"] and entry["equation"]
    if name in TINY:
        assert ref.group_order(C) == C.h * C.n


@pytest.mark.parametrize("name", list(TINY))
def test_toy_generator_spans_the_subgroup(name):
    C = TINY[name]
    points = ref.enumerate_points(C)
    subgroup = {P for P in points if ref.mul(C, C.n, P) is None}
    multiples = set()
    R = None
    for _ in range(C.n):
        multiples.add(R)
        R = ref.add(C, R, ref.generator(C))
    assert R is None
    assert multiples == subgroup and len(subgroup) == C.n
    assert {P for P in points if ref.in_subgroup(C, P)} == subgroup


def test_toy_curve_requirements():
    a0, b0, h4, plot, t61 = (TOYS[k] for k in ("toy-a0", "toy-b0", "toy-h4", "toy-plot", "toy61"))
    assert a0.a == 0 and a0.h == 1 and 100 <= a0.p <= 250 and a0.p % 3 == 1 and a0.n % 3 == 1
    assert b0.b == 0 and b0.h >= 2 and 100 <= b0.p <= 250 and b0.n >= 23
    assert h4.a != 0 and h4.b != 0 and h4.h == 4 and 100 <= h4.p <= 250
    assert plot.a != 0 and plot.b != 0 and plot.h == 1 and 40 <= plot.p <= 70
    assert t61.a == 0 and t61.h == 1 and 2**60 < t61.p < 2**62
    assert t61.p % 3 == 1 and t61.n % 3 == 1
    assert {C.p % 4 for C in TOYS.values()} == {1, 3}


def test_toy_torsion_structure():
    # toy-b0: three points of order 2 (Z/2 x Z/2); toy-h4: one (Z/4).
    for name, count in (("toy-b0", 3), ("toy-h4", 1)):
        C = TOYS[name]
        two_torsion = [P for P in ref.enumerate_points(C)[1:] if P[1] == 0]
        assert len(two_torsion) == count
        for P in two_torsion:
            assert ref.double(C, P) is None
            assert ref.neg(C, P) == P
    assert (0, 0) in ref.enumerate_points(TOYS["toy-b0"])


# ---------------------------------------------------------------------------
# Field info: primitive elements with the factorization of p - 1
# ---------------------------------------------------------------------------


def test_field_info_covers_every_curve():
    missing = FIELD_INFO.get("missing")
    names = set(FIELD_INFO) - {"missing"}
    assert names | set(missing or {}) >= set(ALL)
    assert set(ALL) - names == set(missing or {})


@pytest.mark.parametrize("name", [n for n in ALL if n in FIELD_INFO])
def test_primitive_element(name):
    p = ALL[name].p
    info = FIELD_INFO[name]
    g = int(info["primitive_element"], 16)
    factors = {int(q, 16): e for q, e in info["p_minus_1_factors"].items()}
    assert math.prod(q**e for q, e in factors.items()) == p - 1
    assert all(ref.is_probable_prime(q) and e >= 1 for q, e in factors.items())
    assert 1 < g < p
    assert all(pow(g, (p - 1) // q, p) != 1 for q in factors)
    # it is the smallest one
    for h in range(2, g):
        assert any(pow(h, (p - 1) // q, p) == 1 for q in factors)


@pytest.mark.parametrize("name", list(TINY))
def test_primitive_element_by_brute_force(name):
    p = TINY[name].p
    g = int(FIELD_INFO[name]["primitive_element"], 16)
    powers, x = set(), 1
    for _ in range(p - 1):
        powers.add(x)
        x = x * g % p
    assert x == 1 and len(powers) == p - 1


# ---------------------------------------------------------------------------
# Group law
# ---------------------------------------------------------------------------


def addition_table(C):
    points = ref.enumerate_points(C)
    index = {P: i for i, P in enumerate(points)}
    table = [[index[ref.add(C, P, Q)] for Q in points] for P in points]
    return points, index, table


@pytest.mark.parametrize("name", ["toy-plot", "toy-b0", "toy-h4"])
def test_group_laws_exhaustive(name):
    C = TOYS[name]
    points, index, table = addition_table(C)  # every sum must be a curve point
    N = len(points)
    neg = [index[ref.neg(C, P)] for P in points]
    assert points[0] is None
    for i in range(N):
        row = table[i]
        assert row[0] == i and table[0][i] == i  # identity
        assert row[neg[i]] == 0  # inverse
        assert index[ref.double(C, points[i])] == row[i]
        for j in range(N):
            assert row[j] == table[j][i]  # commutativity
    for i in range(N):
        ti = table[i]
        for j in range(N):
            tij = table[ti[j]]
            tj = table[j]
            for k in range(N):
                assert tij[k] == ti[tj[k]]  # associativity


@pytest.mark.parametrize("name", list(TINY))
def test_mul_matches_repeated_addition(name):
    C = TINY[name]
    order = C.h * C.n
    for P in ref.enumerate_points(C)[:: max(1, order // 12)]:
        R = None
        for k in range(0, order + 3):
            assert ref.mul(C, k, P) == R
            assert ref.mul(C, -k, P) == ref.neg(C, R)
            R = ref.add(C, R, P)
        assert ref.mul(C, order, P) is None  # Lagrange


def test_mul_on_toy_a0_every_scalar():
    C = TOYS["toy-a0"]
    R = None
    for k in range(-2 * C.n, 2 * C.n):
        expected = ref.mul(C, k % C.n, ref.generator(C))
        assert ref.mul(C, k, ref.generator(C)) == expected
    for k in range(C.n):
        assert ref.mul(C, k, ref.generator(C)) == R
        R = ref.add(C, R, ref.generator(C))


def test_group_law_random_on_named_curves():
    rng = random.Random(2024)
    for C in NAMED.values():
        a, b = rng.randrange(C.n), rng.randrange(C.n)
        P, Q = ref.mul(C, a, ref.generator(C)), ref.mul(C, b, ref.generator(C))
        assert ref.add(C, P, Q) == ref.mul(C, a + b, ref.generator(C))
        assert ref.double(C, P) == ref.mul(C, 2 * a, ref.generator(C))
        assert ref.add(C, P, ref.neg(C, P)) is None


def test_msm():
    rng = random.Random(7)
    for C in (TOYS["toy61"], NAMED["secp256k1"], TOYS["toy-h4"]):
        points = [ref.mul(C, rng.randrange(1, C.n), ref.generator(C)) for _ in range(5)] + [None]
        scalars = [rng.randrange(-C.n, C.n) for _ in points]
        expected = None
        for k, P in zip(scalars, points):
            expected = ref.add(C, expected, ref.mul(C, k, P))
        assert ref.msm(C, scalars, points) == expected
        logs = [rng.randrange(C.n) for _ in range(4)]
        pts = [ref.mul(C, x, ref.generator(C)) for x in logs]
        combined = sum(s * x for s, x in zip(scalars, logs))
        assert ref.msm(C, scalars[:4], pts) == ref.mul(C, combined, ref.generator(C))
        assert ref.msm(C, [], []) is None
        with pytest.raises(ValueError, match="as many scalars as points"):
            ref.msm(C, [1, 2], [ref.generator(C)])


def test_argument_errors():
    C = TOYS["toy-plot"]
    off = (C.gx, (C.gy + 1) % C.p)
    assert not ref.is_on_curve(C, off)
    for bad in (off, (C.gx, C.gy + C.p), (C.gx, -C.gy), [C.gx, C.gy], (True, 1)):
        assert not ref.is_on_curve(C, bad)
        with pytest.raises(ValueError, match="is not a point of 'toy-plot'"):
            ref.add(C, ref.generator(C), bad)
        with pytest.raises(ValueError, match="is not a point of"):
            ref.mul(C, 2, bad)
        with pytest.raises(ValueError, match="is not a point of"):
            ref.encode(C, bad)
    for k in (True, 2.0, "3", None):
        with pytest.raises(TypeError, match="scalar must be an int"):
            ref.mul(C, k, ref.generator(C))
    with pytest.raises(ValueError, match="enumerate_points needs p <= 2\\*\\*20"):
        ref.enumerate_points(NAMED["secp256k1"])


# ---------------------------------------------------------------------------
# SEC1 encoding
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TINY))
def test_encode_decode_round_trip_exhaustive(name):
    C = TINY[name]
    seen = set()
    for P in ref.enumerate_points(C):
        for compressed in (True, False):
            data = ref.encode(C, P, compressed=compressed)
            if P is None:
                assert data == b"\x00"
            elif compressed:
                assert len(data) == 1 + C.field_bytes and data[0] == 2 + (P[1] & 1)
            else:
                assert len(data) == 1 + 2 * C.field_bytes and data[0] == 4
            assert ref.decode(C, data) == P
            assert ref.decode(C, bytearray(data)) == P
            assert ref.decode(C, memoryview(data)) == P
            seen.add(data)
    assert len(seen) == 2 * (C.h * C.n) - 1  # the identity has one encoding


@pytest.mark.parametrize("name", list(ALL))
def test_encode_decode_round_trip_random(name):
    C = ALL[name]
    rng = random.Random(name)
    for _ in range(3):
        P = ref.mul(C, rng.randrange(1, C.n), ref.generator(C))
        for compressed in (True, False):
            assert ref.decode(C, ref.encode(C, P, compressed)) == P
    fb = C.field_bytes
    uncompressed = b"\x04" + C.gx.to_bytes(fb, "big") + C.gy.to_bytes(fb, "big")
    assert ref.encode(C, ref.generator(C), compressed=False) == uncompressed


def test_decode_p256_generator_known_encoding():
    C = NAMED["P-256"]
    data = bytes.fromhex("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
    assert ref.decode(C, data) == ref.generator(C)
    assert ref.encode(C, ref.generator(C)) == data


def first_x_without_root(C):
    return next(x for x in range(C.p) if not ref.is_square(x**3 + C.a * x + C.b, C.p))


@pytest.mark.parametrize("name", ["toy-h4", "toy61", "secp256k1", "P-521"])
def test_decode_errors(name):
    C = ALL[name]
    fb = C.field_bytes
    X, Y = C.gx.to_bytes(fb, "big"), C.gy.to_bytes(fb, "big")
    bad_p = C.p.to_bytes(fb, "big")
    cases = [
        (b"", "must not be empty"),
        (b"\x00\x00", "Point at infinity for .* must be 1 byte, not 2"),
        (b"\x02" + X[1:], f"Compressed point for '{name}' must be {1 + fb} bytes, not {fb}"),
        (b"\x03" + X + b"\x00", f"Compressed point .* must be {1 + fb} bytes, not {fb + 2}"),
        (b"\x04" + X + Y[1:], f"Uncompressed point for '{name}' must be {1 + 2 * fb} bytes"),
        (b"\x04" + X, "Uncompressed point .* must be"),
        (b"\x02" + bad_p, "x coordinate .* must be less than p"),
        (b"\x04" + bad_p + Y, "x coordinate .* must be less than p"),
        (b"\x04" + X + bad_p, "y coordinate .* must be less than p"),
        (b"\x04" + X + ((C.gy + 1) % C.p).to_bytes(fb, "big"), "is not on the curve"),
        (b"\x02" + first_x_without_root(C).to_bytes(fb, "big"), "has no square root"),
    ]
    for prefix in (0x01, 0x05, 0x06, 0x07, 0xFF):
        cases.append((bytes([prefix]) + X + Y, "must start with 0x00, 0x02, 0x03 or 0x04, not"))
    for data, message in cases:
        with pytest.raises(ValueError, match=message):
            ref.decode(C, data)
    with pytest.raises(TypeError, match="encoded point must be bytes"):
        ref.decode(C, (b"\x04" + X + Y).hex())


def test_decode_y_zero_and_outside_subgroup():
    C = TOYS["toy-b0"]
    assert ref.decode(C, b"\x02\x00") == (0, 0)
    with pytest.raises(ValueError, match="only y = 0"):
        ref.decode(C, b"\x03\x00")
    # decode does not check the subgroup: (0, 0) has order 2.
    assert not ref.in_subgroup(C, (0, 0))
    assert ref.in_subgroup(C, ref.generator(C)) and ref.in_subgroup(C, None)


# ---------------------------------------------------------------------------
# GLV
# ---------------------------------------------------------------------------

# The endomorphism constants that libsecp256k1 uses for secp256k1.
SECP256K1_BETA = 0x7AE96A2B657C07106E64479EAC3434E99CF0497512F58995C1396C28719501EE
SECP256K1_LAMBDA = 0x5363AD4CC05C30E0A5261C028812645A122E22EA20816678DF02967C1B23BD72


@pytest.fixture(scope="module")
def glv():
    return {name: ref.glv_parameters(ALL[name]) for name in GLV_CURVES}


@pytest.mark.parametrize("name", GLV_CURVES)
def test_glv_parameters(glv, name):
    C, g = ALL[name], glv[name]
    assert g is not None
    p, n = C.p, C.n
    assert (g.p, g.n) == (p, n)
    assert g.beta != 1 and pow(g.beta, 3, p) == 1
    assert g.lam != 1 and pow(g.lam, 3, n) == 1
    assert ref.mul(C, g.lam, ref.generator(C)) == (g.beta * C.gx % p, C.gy)
    P = ref.mul(C, random.Random(name).randrange(1, n), ref.generator(C))
    assert ref.mul(C, g.lam, P) == (g.beta * P[0] % p, P[1])
    assert (g.a1 + g.b1 * g.lam) % n == 0
    assert (g.a2 + g.b2 * g.lam) % n == 0
    assert g.a1 * g.b2 - g.a2 * g.b1 == n
    limit = 1 << (n.bit_length() // 2 + 2)
    assert g.bound == max(abs(g.a1) + abs(g.a2), abs(g.b1) + abs(g.b2)) // 2 + 1
    assert g.bound <= limit
    assert max(abs(g.a1), abs(g.b1), abs(g.a2), abs(g.b2)) ** 2 < 4 * n


def test_glv_secp256k1_known_constants(glv):
    assert glv["secp256k1"].beta == SECP256K1_BETA
    assert glv["secp256k1"].lam == SECP256K1_LAMBDA


@pytest.mark.parametrize("name", GLV_CURVES)
def test_glv_split(glv, name):
    g = glv[name]
    n = g.n
    rng = random.Random(name)
    edge = [0, 1, 2, n - 1, n, n + 1, -1, -n, g.lam, n - g.lam, 2**300 + 5, n // 2, (n + 1) // 2]
    edge += [abs(g.a1), abs(g.b1), abs(g.a2), abs(g.b2)]
    limit = 1 << (n.bit_length() // 2 + 2)
    scalars = edge + [rng.randrange(n) for _ in range(300)]
    scalars += [rng.randrange(-(n**2), n**2) for _ in range(50)]
    for k in scalars:
        k1, k2 = ref.glv_split(g, k)
        assert (k1 + k2 * g.lam - k) % n == 0
        assert abs(k1) < g.bound and abs(k2) < g.bound
        assert abs(k1) < limit and abs(k2) < limit


def test_glv_split_toy_a0_every_scalar(glv):
    C, g = TOYS["toy-a0"], glv["toy-a0"]
    for k in range(C.n):
        k1, k2 = ref.glv_split(g, k)
        assert (k1 + k2 * g.lam - k) % C.n == 0
        assert max(abs(k1), abs(k2)) < g.bound
    # and the split computes k*G as k1*G + k2*phi(G)
    phiG = (g.beta * C.gx % C.p, C.gy)
    for k in range(0, C.n, 7):
        k1, k2 = ref.glv_split(g, k)
        assert ref.msm(C, [k1, k2], [ref.generator(C), phiG]) == ref.mul(C, k, ref.generator(C))
    with pytest.raises(TypeError, match="scalar must be an int"):
        ref.glv_split(g, 1.0)


@pytest.mark.parametrize("name", ["P-256", "P-384", "P-521", "toy-b0", "toy-h4", "toy-plot"])
def test_glv_parameters_none(name):
    assert ref.glv_parameters(ALL[name]) is None


def test_glv_parameters_none_when_the_order_does_not_fit():
    C = TOYS["toy-a0"]
    assert ref.glv_parameters(dataclasses.replace(C, n=C.n + 1)) is None  # n = 2 (mod 3)
    assert ref.glv_parameters(dataclasses.replace(C, n=199)) is None  # 199 = 1 (mod 3), wrong order
    assert ref.glv_parameters(dataclasses.replace(C, p=131)) is None  # p = 2 (mod 3)


def test_points_along_matches_repeated_addition():
    C = NAMED["secp256k1"]
    step = ref.mul(C, 5, ref.generator(C))
    assert ref.points_along(C, ref.generator(C), step, 40) == [ref.mul(C, 1 + 5 * i, ref.generator(C)) for i in range(40)]


def test_points_along_through_doubling_and_to_infinity():
    T = CurveParams("t", p=43, a=1, b=3, gx=2, gy=20, n=47)
    # start = G, step = G: the walk meets H = 0 with R = 0 (a doubling) at once
    assert ref.points_along(T, ref.generator(T), ref.generator(T), 46) == [ref.mul(T, i + 1, ref.generator(T)) for i in range(46)]
    with pytest.raises(ArithmeticError, match="infinity"):
        ref.points_along(T, ref.generator(T), ref.generator(T), 48)
