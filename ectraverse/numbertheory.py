"""Number theory for setting curves up and validating them, in Python integers.

Production code takes its number theory from here: custom-curve validation
(:mod:`ectraverse.curves`), the hash-to-curve constants
(:mod:`ectraverse.rfc9380`), the GLV constants of :class:`ectraverse.Curve`,
and the compiled core's field setup (``_ec.pyx``, which stores
:func:`sqrt_constants` for its square roots).

* :func:`is_square` (the Jacobi symbol) and :func:`sqrt_mod` (``a^((p+1)/4)``
  or Tonelli-Shanks, exactly as the core computes it, from the constants of
  :func:`sqrt_constants`);
* :func:`sgn0` (RFC 9380 section 4.1);
* :func:`is_probable_prime` (Miller-Rabin: exact below 3.3e24, an error bound
  of ``2**-64`` above);
* :func:`glv_parameters` (the GLV endomorphism of an ``a = 0`` curve);
* :func:`ec_mul`: scalar multiplication in Jacobian coordinates, for the
  checks that run before the compiled core exists.

:mod:`ectraverse.reference`, the test oracle, does not import this module: it
has implementations of its own, written separately (Euler's criterion, a
textbook Tonelli-Shanks, Baillie-PSW, affine double-and-add, a GLV
derivation through ``sqrt(-3)`` and Gauss reduction), and
``tests/test_numbertheory.py`` compares the two.  A routine shared by both
could hide its own bug from the tests.

Everything is variable-time: for public numbers only.

Example:
    >>> p = 2**255 - 19                      # p = 5 (mod 8): Tonelli-Shanks
    >>> r = sqrt_mod(4, p)
    >>> r, sqrt_mod(2, p), sgn0(p - 1)
    (2, None, 0)
    >>> is_probable_prime(p), is_probable_prime(p + 2)
    (True, False)
"""

from __future__ import annotations

import hashlib
import math
import operator
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "SqrtConstants",
    "sqrt_constants",
    "is_square",
    "sqrt_mod",
    "sgn0",
    "is_probable_prime",
    "GLVParameters",
    "glv_parameters",
    "ec_mul",
]

# ---------------------------------------------------------------------------
# Quadratic residues and square roots
# ---------------------------------------------------------------------------


def _jacobi(a: int, n: int) -> int:
    """The Jacobi symbol ``(a / n)`` for an odd ``n > 0``, by quadratic reciprocity."""
    a %= n
    sign = 1
    while a:
        twos = (a & -a).bit_length() - 1  # a = 2^twos * odd
        a >>= twos
        if twos & 1 and n & 7 in (3, 5):  # (2 / n) = -1 for n = 3, 5 (mod 8)
            sign = -sign
        if a & 3 == 3 and n & 3 == 3:  # reciprocity: both 3 (mod 4) flips the sign
            sign = -sign
        a, n = n % a, a
    return sign if n == 1 else 0


def is_square(a: int, p: int) -> bool:
    """Whether ``a`` is a square modulo the odd prime ``p`` (0 is: ``0 = 0^2``).

    Computed with the Jacobi symbol (no modular exponentiation).

    Args:
        a: any integer (reduced modulo p).
        p: an odd prime (not checked).

    Example:
        >>> [x for x in range(7) if is_square(x, 7)]
        [0, 1, 2, 4]
    """
    return _jacobi(a, p) != -1


@dataclass(frozen=True)
class SqrtConstants:
    """What a square root modulo the odd prime ``p`` needs, computed once per prime.

    Attributes:
        p: the prime.
        s, q: ``p - 1 = q * 2**s`` with ``q`` odd (``s == 1`` exactly when ``p = 3 (mod 4)``).
        exponent: ``(p + 1) / 4`` when ``s == 1`` (then ``a^exponent`` is the
            root), else ``(q - 1) / 2`` (Tonelli-Shanks starts from
            ``w = a^exponent``).
        c: ``z^q`` for the least non-residue ``z >= 2``: a generator of the
            order-``2**s`` subgroup (Tonelli-Shanks only; ``0`` when ``s == 1``).
    """

    p: int
    s: int
    q: int
    exponent: int
    c: int


@lru_cache(maxsize=64)
def sqrt_constants(p: int) -> SqrtConstants:
    """The :class:`SqrtConstants` of the odd prime ``p``: what the core's field setup stores.

    Raises:
        ValueError: if ``p`` is not odd and at least 3, or if no non-residue
            exists below ``p`` (then ``p`` is not prime).

    Example:
        >>> sqrt_constants(7)            # 7 = 3 (mod 4): a^2 is the root
        SqrtConstants(p=7, s=1, q=3, exponent=2, c=0)
        >>> sqrt_constants(17)           # 17 - 1 = 1 * 2^4; z = 3, c = 3^1
        SqrtConstants(p=17, s=4, q=1, exponent=0, c=3)
    """
    p = operator.index(p)
    if p < 3 or p % 2 == 0:
        raise ValueError(f"p must be an odd prime, not {p}")
    s = ((p - 1) & (1 - p)).bit_length() - 1  # the 2-adic valuation of p - 1
    q = (p - 1) >> s
    if s == 1:
        return SqrtConstants(p=p, s=1, q=q, exponent=(p + 1) // 4, c=0)
    z = next((z for z in range(2, p) if _jacobi(z, p) == -1), None)
    if z is None:
        raise ValueError(f"{p} has no quadratic non-residue, so it is not prime")
    return SqrtConstants(p=p, s=s, q=q, exponent=(q - 1) // 2, c=pow(z, q, p))


def sqrt_mod(a: int, p: int) -> int | None:
    """The smaller square root of ``a`` modulo the odd prime ``p``, or ``None``.

    The algorithm is the compiled core's (``ect_fe_sqrt`` in ``ext/ect_field.h``),
    with the same :func:`sqrt_constants`: ``a^((p+1)/4)`` for ``p = 3 (mod 4)``,
    else Tonelli-Shanks from ``w = a^((q-1)/2)``, ``x = a*w``, ``b = a^q``.
    Of the two roots ``r`` and ``p - r`` the smaller is returned, so the
    answer does not depend on the algorithm.

    Args:
        a: any integer (reduced modulo p).
        p: an odd prime (not checked; a returned root always squares to ``a``).

    Returns:
        The root in ``[0, (p - 1) / 2]``, or ``None`` if ``a`` is not a square.

    Example:
        >>> sqrt_mod(2, 7), sqrt_mod(3, 7), sqrt_mod(10, 13), sqrt_mod(0, 13)
        (3, None, 6, 0)
    """
    a %= p
    if a == 0:
        return 0
    k = sqrt_constants(p)
    if k.s == 1:
        x = pow(a, k.exponent, p)
    else:
        w = pow(a, k.exponent, p)  # a^((q-1)/2)
        x = a * w % p  # a^((q+1)/2): x^2 = a * b
        b = x * w % p  # a^q, of order dividing 2^(s-1) when a is a square
        c, m = k.c, k.s
        while b != 1:
            i, t = 0, b
            while t != 1:  # the least i with b^(2^i) = 1
                t = t * t % p
                i += 1
                if i >= m:
                    return None  # b has order 2^s: a is not a square
            t = pow(c, 1 << (m - i - 1), p)
            x = x * t % p
            c = t * t % p
            b = b * c % p
            m = i
    if x * x % p != a:
        return None
    return min(x, p - x)


def sgn0(x: int) -> int:
    """The sign of a field element of ``GF(p)``: its parity (RFC 9380 section 4.1, ``m = 1``).

    Args:
        x: a field element in ``[0, p)``; the parity of an unreduced value
            says nothing about its residue.

    Example:
        >>> sgn0(0), sgn0(1), sgn0(10)
        (0, 1, 0)
    """
    return x & 1


# ---------------------------------------------------------------------------
# Primality
# ---------------------------------------------------------------------------

#: Odd primes below 1000, for trial division.
_ODD_PRIMES = tuple(q for q in range(3, 1000, 2) if all(q % d for d in range(3, math.isqrt(q) + 1, 2)))

#: Miller-Rabin bases that make the test exact for n < 2^64 (Jim Sinclair, 2011).
_BASES_64 = (2, 325, 9375, 28178, 450775, 9780504, 1795265022)
#: The first 13 primes make it exact for n < 3 317 044 064 679 887 385 961 981
#: (Sorenson and Webster, "Strong pseudoprimes to twelve prime bases", 2015).
_BASES_13 = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
_EXACT_13 = 3317044064679887385961981
#: Rounds with bases drawn from SHA-256(n) above that bound.
_HASHED_ROUNDS = 32


def _is_strong_liar(n: int, d: int, s: int, base: int) -> bool:
    """Whether the odd ``n = d * 2^s + 1`` is a strong probable prime to ``base``."""
    if base == 0:  # a base that is a multiple of n proves nothing
        return True
    x = pow(base, d, n)
    if x == 1 or x == n - 1:
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def _hashed_bases(n: int, count: int) -> list[int]:
    """``count`` bases in ``[2, n - 2]`` derived from SHA-256 of ``n``: reproducible, not chosen by whoever chose n."""
    seed = n.to_bytes((n.bit_length() + 7) // 8, "big")
    width = (n.bit_length() + 64 + 7) // 8  # 64 extra bits make the reduction's bias negligible
    bases = []
    for i in range(count):
        stream = b"".join(
            hashlib.sha256(b"ectraverse-mr" + i.to_bytes(4, "big") + j.to_bytes(4, "big") + seed).digest()
            for j in range(-(-width // 32))
        )
        bases.append(2 + int.from_bytes(stream[:width], "big") % (n - 3))
    return bases


def is_probable_prime(n: int) -> bool:
    """Miller-Rabin: exact below 3.3e24, wrong with probability at most ``2**-64`` above.

    Trial division by the primes below 1000, then strong probable-prime tests
    (Miller-Rabin) to bases known to make the answer exact: Sinclair's seven
    bases below 2^64, the first 13 primes below
    ``3 317 044 064 679 887 385 961 981`` (Sorenson-Webster).  Larger ``n``
    get the 13 prime bases and 32 more drawn from SHA-256 of ``n``; a
    composite passes a uniformly random base with probability at most 1/4
    (Rabin, Monier), so it passes all 32 with probability at most ``2**-64``
    over the hash, even if it was built to fool fixed bases.  A prime is
    never rejected.

    Args:
        n: any integer (below 2 is not prime).

    Example:
        >>> [k for k in range(30) if is_probable_prime(k)]
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
        >>> is_probable_prime(2**127 - 1), is_probable_prime(2**128 + 1)
        (True, False)
    """
    n = operator.index(n)
    if n < 3:
        return n == 2
    if n % 2 == 0:
        return False
    for q in _ODD_PRIMES:
        if n % q == 0:
            return n == q
    if n < 1000 * 1000:
        return True
    s = ((n - 1) & (1 - n)).bit_length() - 1
    d = (n - 1) >> s
    if n < 1 << 64:
        bases = _BASES_64
    elif n < _EXACT_13:
        bases = _BASES_13
    else:
        bases = _BASES_13 + tuple(_hashed_bases(n, _HASHED_ROUNDS))
    return all(_is_strong_liar(n, d, s, base % n) for base in bases)


# ---------------------------------------------------------------------------
# Scalar multiplication in Jacobian coordinates, for validation
# ---------------------------------------------------------------------------


def _jac_double(p: int, a: int, P: tuple[int, int, int]) -> tuple[int, int, int]:
    """2P in Jacobian coordinates, any a (EFD dbl-2007-bl); Z3 = 0 when Y1 = 0."""
    X1, Y1, Z1 = P
    XX = X1 * X1 % p
    YY = Y1 * Y1 % p
    YYYY = YY * YY % p
    ZZ = Z1 * Z1 % p
    S = 2 * ((X1 + YY) ** 2 - XX - YYYY) % p  # S = 2 ((X1 + YY)^2 - XX - YYYY)
    M = (3 * XX + a * ZZ * ZZ) % p  # M = 3 XX + a ZZ^2
    X3 = (M * M - 2 * S) % p  # X3 = M^2 - 2 S
    Y3 = (M * (S - X3) - 8 * YYYY) % p  # Y3 = M (S - X3) - 8 YYYY
    Z3 = ((Y1 + Z1) ** 2 - YY - ZZ) % p  # Z3 = (Y1 + Z1)^2 - YY - ZZ = 2 Y1 Z1
    return X3, Y3, Z3


def _jac_add_affine(p: int, a: int, P: tuple[int, int, int], x2: int, y2: int) -> tuple[int, int, int]:
    """P + (x2, y2) with the second point affine (EFD madd-2007-bl), every case handled."""
    X1, Y1, Z1 = P
    if Z1 == 0:
        return x2, y2, 1
    Z1Z1 = Z1 * Z1 % p
    H = (x2 * Z1Z1 - X1) % p  # H = U2 - X1
    r = 2 * (y2 * Z1 * Z1Z1 - Y1) % p  # r = 2 (S2 - Y1)
    if H == 0:
        return _jac_double(p, a, P) if r == 0 else (1, 1, 0)  # P = Q, or P = -Q
    HH = H * H % p
    J = 4 * H * HH % p  # I = 4 HH, J = H I
    V = 4 * X1 * HH % p  # V = X1 I
    X3 = (r * r - J - 2 * V) % p  # X3 = r^2 - J - 2 V
    Y3 = (r * (V - X3) - 2 * Y1 * J) % p  # Y3 = r (V - X3) - 2 Y1 J
    Z3 = ((Z1 + H) ** 2 - Z1Z1 - HH) % p  # Z3 = (Z1 + H)^2 - Z1Z1 - HH = 2 Z1 H
    return X3, Y3, Z3


def ec_mul(p: int, a: int, k: int, P: tuple[int, int]) -> tuple[int, int] | None:
    """``k*P`` on ``y^2 = x^3 + a*x + b`` over ``GF(p)``, in Python ints.

    Left-to-right double-and-add in Jacobian coordinates with one inversion
    at the end (b is not needed).  For validating curves before the
    compiled core is set up; the core is ~1000x faster.

    Args:
        p: the field prime.
        a: the curve coefficient.
        k: any integer (negative: ``|k| * (-P)``; not reduced modulo anything).
        P: an affine point on the curve (not checked).

    Returns:
        The affine result, or ``None`` for the identity.

    Example:
        >>> ec_mul(17, 2, 2, (5, 1)), ec_mul(17, 2, 19, (5, 1)), ec_mul(17, 2, -1, (5, 1))
        ((6, 3), None, (5, 16))
    """
    x, y = P
    if k < 0:
        k, y = -k, (-y) % p
    R = (1, 1, 0)
    for bit in bin(k)[2:]:
        R = _jac_double(p, a, R)
        if bit == "1":
            R = _jac_add_affine(p, a, R, x, y)
    X, Y, Z = R
    if Z == 0:
        return None
    zi = pow(Z, -1, p)
    zi2 = zi * zi % p
    return X * zi2 % p, Y * zi2 * zi % p


# ---------------------------------------------------------------------------
# GLV endomorphism (Gallant, Lambert, Vanstone, CRYPTO 2001; Hankerson,
# Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", section 3.5 and
# algorithm 3.74)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GLVParameters:
    """The endomorphism ``phi(x, y) = (beta*x, y)`` of a curve ``y^2 = x^3 + b``.

    On the order-``n`` subgroup ``phi`` acts as multiplication by ``lam``:
    ``lam * P = (beta * x, y)``.

    Attributes:
        p: The field prime.
        n: The subgroup order.
        beta: A nontrivial cube root of unity modulo ``p`` (the smaller of the two).
        lam: The cube root of unity modulo ``n`` that matches ``beta``.
        a1, b1, a2, b2: A reduced basis ``v1 = (a1, b1)``, ``v2 = (a2, b2)`` of the
            lattice ``{(x, y) : x + y*lam ≡ 0 (mod n)}``, signed so that
            ``a1*b2 - a2*b1 == n``.
        bound: Rounding ``k`` in this basis (``reference.glv_split``, the
            core's split) gives ``|k1|, |k2| < bound``. It is
            ``max(|a1|+|a2|, |b1|+|b2|) // 2 + 1``, checked to be at most
            ``2**(bits(n)//2 + 2)``.
    """

    p: int
    n: int
    beta: int
    lam: int
    a1: int
    b1: int
    a2: int
    b2: int
    bound: int


def _cube_roots_of_unity(m: int) -> tuple[int, int]:
    """The two roots of ``x^2 + x + 1`` modulo a prime ``m = 1 (mod 3)``, smaller first."""
    for g in range(2, m):
        w = pow(g, (m - 1) // 3, m)
        if w != 1:
            break
    else:  # pragma: no cover - every prime m = 1 (mod 3) has non-cubes
        raise ArithmeticError(f"no nontrivial cube root of unity modulo {m}")
    w2 = w * w % m
    return (min(w, w2), max(w, w2))


def _glv_basis(n: int, lam: int) -> tuple[int, int, int, int]:
    """Short basis of ``{(x, y): x + y*lam = 0 mod n}`` by extended Euclid (HMV algorithm 3.74)."""
    # r_i = s_i*n + t_i*lam, so (r_i, -t_i) is in the lattice for every i.
    rs, ts = [n, lam], [0, 1]
    while rs[-1] != 0:
        q = rs[-2] // rs[-1]
        rs.append(rs[-2] - q * rs[-1])
        ts.append(ts[-2] - q * ts[-1])
    # l = the largest index with r_l >= sqrt(n).
    l = max(i for i, r in enumerate(rs) if r * r >= n)
    a1, b1 = rs[l + 1], -ts[l + 1]
    cands = [(rs[l], -ts[l])]
    if l + 2 < len(rs):
        cands.append((rs[l + 2], -ts[l + 2]))
    a2, b2 = min(cands, key=lambda v: v[0] * v[0] + v[1] * v[1])
    det = a1 * b2 - a2 * b1
    if det == -n:
        a2, b2 = -a2, -b2
    elif det != n:  # pragma: no cover - consecutive Euclid rows always form a basis
        raise ArithmeticError(f"GLV basis has determinant {det}, not ±{n}")
    return a1, b1, a2, b2


def glv_parameters(p: int, a: int, n: int, gx: int, gy: int) -> GLVParameters | None:
    """The GLV endomorphism of ``y^2 = x^3 + b`` with generator ``(gx, gy)`` of prime order ``n``, if any.

    The curve needs ``a = 0`` and ``p = 1 (mod 3)`` (so ``GF(p)`` holds the cube
    roots of unity and ``(x, y) -> (beta*x, y)`` is an automorphism) and
    ``n = 1 (mod 3)`` (so it acts on the order-``n`` subgroup as a scalar
    ``lam``). ``beta`` is the smaller nontrivial cube root of unity modulo ``p``;
    of the two modulo ``n`` the one with ``lam*G == (beta*gx mod p, gy)`` is
    taken. The lattice basis comes from the extended Euclidean algorithm on
    ``(n, lam)``.

    Args:
        p, a: the field prime and the coefficient a.
        n: the prime order of G.
        gx, gy: the generator G, on the curve (not checked).

    Returns:
        The parameters, or ``None`` if ``a != 0``, ``p != 1 (mod 3)``,
        ``n != 1 (mod 3)``, or neither candidate ``lam`` maps ``G`` to
        ``(beta*gx, gy)``.

    Raises:
        ArithmeticError: if the split bound is larger than
            ``2**(bits(n)//2 + 2)`` (not expected for a prime ``n``).

    Example:
        >>> g = glv_parameters(7, 0, 13, 1, 2)
        >>> g.beta, g.lam, g.a1 * g.b2 - g.a2 * g.b1
        (2, 3, 13)
        >>> ec_mul(7, 0, g.lam, (1, 2)) == (g.beta * 1 % 7, 2)
        True
    """
    if a % p != 0 or p % 3 != 1 or n % 3 != 1:
        return None
    beta = _cube_roots_of_unity(p)[0]
    target = (beta * gx % p, gy)
    for lam in _cube_roots_of_unity(n):
        if ec_mul(p, a, lam, (gx, gy)) == target:
            break
    else:
        return None
    a1, b1, a2, b2 = _glv_basis(n, lam)
    bound = max(abs(a1) + abs(a2), abs(b1) + abs(b2)) // 2 + 1
    if bound > 1 << (n.bit_length() // 2 + 2):  # pragma: no cover
        raise ArithmeticError(f"GLV split bound {bound} exceeds 2**{n.bit_length() // 2 + 2}")
    return GLVParameters(p=p, n=n, beta=beta, lam=lam, a1=a1, b1=b1, a2=a2, b2=b2, bound=bound)
