"""``ectraverse.numbertheory`` (production) against ``ectraverse.reference`` (the oracle).

The two are written apart, with different algorithms where it makes sense:

=====================  ===============================  =====================================
routine                numbertheory                      reference
=====================  ===============================  =====================================
is_square              Jacobi symbol (reciprocity)       Euler's criterion
sqrt_mod               the core's Tonelli-Shanks         textbook Tonelli-Shanks
is_probable_prime      Miller-Rabin (Sinclair, 13        Miller-Rabin + strong Lucas
                       primes, hashed bases)             (Baillie-PSW)
scalar multiplication  Jacobian, mixed addition          affine double-and-add
GLV parameters         powers of a non-cube, Euclid      sqrt(-3), Lagrange-Gauss
=====================  ===============================  =====================================

Every case is compared on many inputs (hypothesis, derandomized by the
profile in conftest.py) and on the edges: p = 3 (mod 4), p = 5 (mod 8),
p = 1 (mod 16) and higher powers of two, non-residues, 0; small fields are
checked against a table of squares, exhaustively.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ectraverse import numbertheory as nt
from ectraverse import reference as ref
from ectraverse.curves import CurveParams, curve_names, named_params

PRIMES_BELOW_2000 = [q for q in range(3, 2000, 2) if all(q % d for d in range(3, math.isqrt(q) + 1, 2))]

# Large primes by residue class: the shapes the core's square root meets.
LARGE = {
    "secp256k1 p (3 mod 4)": named_params("secp256k1").p,
    "P-521 p (3 mod 4)": named_params("P-521").p,
    "2^255 - 19 (5 mod 8)": 2**255 - 19,
    "P-224 p (1 mod 2^96)": 2**224 - 2**96 + 1,
    "toy61 p (1 mod 8)": named_params("toy61").p,
    "BN254 n (1 mod 2^28)": named_params("BN254").n,
    "BLS12-381 n (1 mod 2^32)": named_params("BLS12-381").n,
    "P-256 n": named_params("P-256").n,
}


def test_the_residue_classes_are_covered():
    small = {p % 16 for p in PRIMES_BELOW_2000}
    assert {3, 7, 11, 15, 5, 13, 9, 1} <= small
    assert {p % 4 for p in LARGE.values()} == {1, 3}
    assert 5 in {p % 8 for p in LARGE.values()}
    assert max((p - 1 & 1 - p).bit_length() - 1 for p in LARGE.values()) >= 32  # s = 96 for P-224


def test_doctests():
    import doctest

    result = doctest.testmod(nt)
    assert result.failed == 0 and result.attempted > 10


def test_imports_nothing_from_the_oracle():
    """Production and the oracle share no code: neither imports the other."""
    for module in (nt, ref):
        lines = [ln.strip() for ln in open(module.__file__, encoding="utf-8")]
        assert not any(ln.startswith(("from ectraverse", "import ectraverse")) for ln in lines), module.__name__


# ---- square roots and quadratic residues -------------------------------------------------


@pytest.mark.parametrize("p", PRIMES_BELOW_2000[::7] + [3, 5, 7, 17, 97, 257, 641, 1153])
def test_sqrt_and_is_square_small_fields_exhaustive(p):
    roots: dict[int, int] = {}
    for y in range(p):
        roots.setdefault(y * y % p, y)
    for a in range(-p, 2 * p):
        want = roots.get(a % p)
        want = None if want is None else min(want, p - want)
        assert nt.sqrt_mod(a, p) == want == ref.sqrt_mod(a, p), (a, p)
        assert nt.is_square(a, p) == (want is not None) == ref.is_square(a, p), (a, p)


@pytest.mark.parametrize("label", LARGE)
@given(data=st.data())
def test_sqrt_large_primes_against_the_oracle(label, data):
    p = LARGE[label]
    y = data.draw(st.integers(0, p - 1), label="y")
    a = data.draw(st.integers(0, p - 1), label="a")
    assert nt.sqrt_mod(y * y, p) == min(y, p - y) == ref.sqrt_mod(y * y, p)
    assert nt.sqrt_mod(a, p) == ref.sqrt_mod(a, p)
    assert nt.is_square(a, p) == ref.is_square(a, p)


@pytest.mark.parametrize("label", LARGE)
def test_sqrt_edges(label):
    p = LARGE[label]
    k = nt.sqrt_constants(p)
    assert nt.sqrt_mod(0, p) == nt.sqrt_mod(p, p) == 0
    assert nt.sqrt_mod(1, p) == 1 and nt.sqrt_mod(4, p) == 2
    z = next(z for z in range(2, 1000) if not ref.is_square(z, p))  # the least non-residue
    assert nt.sqrt_mod(z, p) is None and not nt.is_square(z, p)
    assert nt.sqrt_mod(z * 9, p) is None and nt.sqrt_mod(-z * z, p) == ref.sqrt_mod(-z * z, p)
    assert nt.sqrt_mod(p - 1, p) == ref.sqrt_mod(p - 1, p)  # -1: a square exactly when p = 1 (mod 4)
    assert (k.p, k.q << k.s) == (p, p - 1) and k.q % 2 == 1
    if k.s == 1:
        assert k.exponent == (p + 1) // 4 and k.c == 0
    else:
        assert k.exponent == (k.q - 1) // 2 and k.c == pow(z, k.q, p)
        assert pow(k.c, 1 << (k.s - 1), p) == p - 1  # c has order exactly 2^s


@given(st.sampled_from(PRIMES_BELOW_2000), st.integers())
def test_sqrt_any_integer_small_primes(p, a):
    assert nt.sqrt_mod(a, p) == ref.sqrt_mod(a, p)
    assert nt.is_square(a, p) == ref.is_square(a, p)


def test_sqrt_constants_refuse_what_is_not_an_odd_prime():
    for bad in (-7, 0, 1, 2, 16):
        with pytest.raises(ValueError, match="p must be an odd prime"):
            nt.sqrt_constants(bad)


@given(st.integers(0, 2**600))
def test_sgn0_is_the_parity(x):
    assert nt.sgn0(x) == ref.sgn0(x) == x % 2


# ---- primality -----------------------------------------------------------------------------


def test_primality_exhaustive_below_100000():
    sieve = bytearray([1]) * 100_000
    sieve[:2] = b"\0\0"
    for i in range(2, 317):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, 100_000, i)))
    for k in range(-3, 100_000):
        assert nt.is_probable_prime(k) == (k >= 0 and bool(sieve[k])) == ref.is_probable_prime(k), k


# Strong pseudoprimes: each fools one classic set of fixed bases, so only the bases past them refuse it.
PSEUDOPRIMES = [
    2047,  # base 2
    3215031751,  # bases 2, 3, 5, 7
    3825123056546413051,  # bases 2 .. 31 (below 2^64: Sinclair's bases decide)
    318665857834031151167461,  # bases 2 .. 37 (below 3.3e24: the 13th prime base, 41, decides)
    3317044064679887385961981,  # every prime base 2 .. 41 (Sorenson-Webster's bound): only hashed bases refuse it
    # Carmichael numbers, products of the curves' primes, squares of primes
    561,
    41041,
    825265,
    named_params("secp256k1").p * named_params("P-256").n,
    named_params("P-521").p ** 2,
    (2**127 - 1) * (2**89 - 1),
]


@pytest.mark.parametrize("n", PSEUDOPRIMES)
def test_pseudoprimes_are_refused(n):
    assert not nt.is_probable_prime(n)
    assert not ref.is_probable_prime(n)


@given(st.integers(1, 2**100), st.integers(1, 2**100))
def test_products_are_composite(a, b):
    if a > 1 and b > 1:
        assert not nt.is_probable_prime(a * b)


@given(st.integers(0, 2**600))
def test_primality_agrees_with_the_oracle(n):
    assert nt.is_probable_prime(n) == ref.is_probable_prime(n)


def test_primes_dividing_a_fixed_base_are_prime():
    """A base that is a multiple of n proves nothing and is skipped: 299210837, a prime factor of the
    deterministic base 1795265022 = 2 * 3 * 299210837, was called composite without the skip."""
    def prime_factors(m: int) -> set[int]:  # the bases are below 2^31: trial division to their root
        out, d = set(), 2
        while d * d <= m:
            while m % d == 0:
                out.add(d)
                m //= d
            d += 1
        return out | ({m} if m > 1 else set())

    large = {q for b in nt._BASES_64 for q in prime_factors(b) if q > 10**6}
    assert 299210837 in large
    for q in large:
        assert nt.is_probable_prime(q) and ref.is_probable_prime(q), q


@pytest.mark.parametrize("name", curve_names())
def test_every_curves_primes(name):
    prm = named_params(name)
    for q in (prm.p, prm.n):
        assert nt.is_probable_prime(q) and ref.is_probable_prime(q)
        assert nt.is_probable_prime(q + 2) == ref.is_probable_prime(q + 2)


# ---- scalar multiplication -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["toy-a0", "toy-b0", "toy-h4", "toy-plot"])
def test_ec_mul_every_point_every_small_k(name):
    """Every point of the tiny curves (the identity and 2-torsion included) and k in [-3, 2 #E]."""
    prm = named_params(name)
    points = ref.enumerate_points(prm)[1:]
    order = len(points) + 1
    for P in points:
        for k in range(-3, 2 * order + 1):
            assert nt.ec_mul(prm.p, prm.a, k, P) == ref.mul(prm, k, P), (P, k)


@pytest.mark.parametrize("name", [n for n in curve_names() if named_params(n).p > 1 << 16])
@given(k=st.integers(-(2**600), 2**600), j=st.integers(1, 2**64))
def test_ec_mul_large_curves_against_the_oracle(name, k, j):
    prm = named_params(name)
    P = ref.mul(prm, j, (prm.gx, prm.gy))
    assert nt.ec_mul(prm.p, prm.a, k, P) == ref.mul(prm, k, P)


def test_ec_mul_meets_a_doubling_and_the_identity_inside_the_ladder():
    prm = CurveParams("t", p=43, a=1, b=3, gx=2, gy=20, n=47)
    G = (prm.gx, prm.gy)
    for k in (46, 47, 48, 94, 95):  # the ladder's R hits -G, O and G; n and 2n give O
        assert nt.ec_mul(prm.p, prm.a, k, G) == ref.mul(prm, k, G)


# ---- GLV -------------------------------------------------------------------------------------

GLV_CURVES = ["secp256k1", "BN254", "BLS12-381", "toy-a0", "toy61"]


@pytest.mark.parametrize("name", curve_names())
def test_glv_parameters_against_the_oracle(name):
    """beta and lam equal; the two bases (Euclid, Gauss) span the same lattice with the same split bound."""
    prm = named_params(name)
    mine = nt.glv_parameters(prm.p, prm.a, prm.n, prm.gx, prm.gy)
    theirs = ref.glv_parameters(prm)
    assert (mine is None) == (theirs is None) == (name not in GLV_CURVES)
    if mine is None:
        return
    n, lam = prm.n, mine.lam
    assert (mine.p, mine.n, mine.beta, mine.lam) == (theirs.p, theirs.n, theirs.beta, theirs.lam)
    assert mine.a1 * mine.b2 - mine.a2 * mine.b1 == n
    for a, b in ((mine.a1, mine.b1), (mine.a2, mine.b2), (theirs.a1, theirs.b1), (theirs.a2, theirs.b2)):
        assert (a + b * lam) % n == 0  # in the lattice; with det n, each pair is a basis of it
    assert mine.bound == max(abs(mine.a1) + abs(mine.a2), abs(mine.b1) + abs(mine.b2)) // 2 + 1
    assert mine.bound <= 1 << (n.bit_length() // 2 + 2)
    assert max(abs(mine.a1), abs(mine.b1), abs(mine.a2), abs(mine.b2)) ** 2 < 4 * n
    # the oracle's split with the library's basis is a valid split (the core splits with this basis)
    for k in (0, 1, n - 1, n // 2, lam, n - lam, mine.bound, 2**200 + 7):
        k1, k2 = ref.glv_split(mine, k)
        assert (k1 + k2 * lam - k) % n == 0 and max(abs(k1), abs(k2)) < mine.bound


def test_glv_parameters_none_when_the_curve_has_none():
    prm = named_params("toy-a0")
    assert nt.glv_parameters(prm.p, prm.a, prm.n + 1, prm.gx, prm.gy) is None  # n = 2 (mod 3)
    assert nt.glv_parameters(prm.p, prm.a, 199, prm.gx, prm.gy) is None  # 199 = 1 (mod 3), wrong order
    assert nt.glv_parameters(131, prm.a, prm.n, prm.gx, prm.gy) is None  # p = 2 (mod 3)
    assert nt.glv_parameters(prm.p, 1, prm.n, prm.gx, prm.gy) is None  # a != 0
