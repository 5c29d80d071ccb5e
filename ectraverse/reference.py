"""Slow, obviously correct elliptic-curve arithmetic: the test oracle.

This module is the independent reference that the compiled core and the
public classes are checked against. It uses nothing but Python integers and
the formulas of the textbook (affine coordinates, one modular inversion per
group operation, plain double-and-add), and it imports nothing from the rest
of ``ectraverse`` so that a bug there cannot hide a bug here. The library's
own number theory (square roots, primality, the GLV constants) is
``ectraverse.numbertheory``, written apart from this module's; the tests
compare the two.

Conventions:

* A curve is ``y^2 = x^3 + a*x + b`` over ``GF(p)`` with a base point
  ``G = (gx, gy)`` of prime order ``n`` and cofactor ``h``. The functions only
  read the attributes ``p``, ``a``, ``b`` (and ``n``, ``gx``, ``gy``, ``name``
  where they need them), so they take the library's one curve-parameter type,
  ``ectraverse.curves.CurveParams`` (``named_params(name)``, the one loader of
  the curve data), as the tests and the benchmark give it. Reading those
  attributes is all the oracle takes from the library: no arithmetic of
  ``ectraverse`` runs here, and only the examples below import the type.
* A point is a tuple ``(x, y)`` of integers with ``0 <= x, y < p``; the point
  at infinity (the group identity, O) is ``None``. There is no other identity
  and no ``(0, 0)`` sentinel: ``(0, 0)`` is an ordinary affine point whenever
  ``b == 0``.
* Points given to the public functions are checked to be on the curve and a
  :class:`ValueError` is raised otherwise; the helpers that start with an
  underscore skip the check.
* Everything is variable-time and slow. It is for tests and for baselines,
  never for secrets.

Example:
    >>> from ectraverse.curves import CurveParams
    >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
    >>> G = generator(C)
    >>> double(C, G)
    (6, 3)
    >>> mul(C, 19, G) is None
    True
    >>> decode(C, encode(C, G)) == G
    True
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

__all__ = [
    "Point",
    "GLVParameters",
    "inv_mod",
    "sqrt_mod",
    "is_square",
    "is_probable_prime",
    "generator",
    "is_on_curve",
    "neg",
    "add",
    "double",
    "mul",
    "msm",
    "points_along",
    "in_subgroup",
    "encode",
    "decode",
    "enumerate_points",
    "group_order",
    "glv_parameters",
    "glv_split",
    "sgn0",
    "map_to_curve_sswu",
    "map_to_curve_svdw",
    "iso_map",
    "map_to_curve",
    "hash_to_curve_from_u",
]

#: An affine point ``(x, y)``, or ``None`` for the point at infinity.
Point = Optional[Tuple[int, int]]

#: Largest field size :func:`enumerate_points` accepts (it is O(p)).
_ENUMERATE_LIMIT = 1 << 20


# ---------------------------------------------------------------------------
# Modular arithmetic
# ---------------------------------------------------------------------------


def inv_mod(a: int, m: int) -> int:
    """Return the inverse of ``a`` modulo ``m``.

    Args:
        a: Any integer (it is reduced modulo ``m``).
        m: The modulus, ``m >= 2``.

    Returns:
        The unique ``x`` in ``[0, m)`` with ``a*x ≡ 1 (mod m)``.

    Raises:
        ValueError: If ``m < 2`` or ``gcd(a, m) != 1`` (this includes ``a ≡ 0``).

    Example:
        >>> inv_mod(3, 7)
        5
        >>> inv_mod(-1, 7)
        6
    """
    if m < 2:
        raise ValueError(f"modulus must be at least 2, not {m}")
    g = math.gcd(a, m)
    if g != 1:
        raise ValueError(f"{a} has no inverse modulo {m} (gcd is {g})")
    # CPython computes this with the extended Euclidean algorithm.
    return pow(a, -1, m)


def is_square(a: int, p: int) -> bool:
    """Tell whether ``a`` is a square modulo the prime ``p`` (Euler's criterion).

    Zero counts as a square (``0 = 0^2``).

    Args:
        a: Any integer (reduced modulo ``p``).
        p: A prime (not checked).

    Returns:
        ``True`` if ``a ≡ y^2 (mod p)`` for some ``y``.

    Example:
        >>> [x for x in range(7) if is_square(x, 7)]
        [0, 1, 2, 4]
    """
    a %= p
    if a == 0 or p == 2:
        return True
    return pow(a, (p - 1) // 2, p) == 1


def sqrt_mod(a: int, p: int) -> Optional[int]:
    """Return a square root of ``a`` modulo the prime ``p``, or ``None``.

    For ``p ≡ 3 (mod 4)`` the root is ``a^((p+1)/4)``; otherwise it is found by
    Tonelli–Shanks, using the smallest quadratic non-residue ``z >= 2``. Either
    way the candidate is squared and compared with ``a`` before it is returned.

    Which root: of the two roots ``r`` and ``p - r`` the **smaller** one,
    ``min(r, p - r)``, so the answer lies in ``[0, (p - 1) / 2]`` and does not
    depend on the algorithm. Callers that want a given parity (SEC1
    decompression) take ``p - r`` themselves.

    Args:
        a: Any integer (reduced modulo ``p``).
        p: A prime (not checked; for a composite modulus the result is
            meaningless, though a returned value always squares to ``a``).

    Returns:
        The smaller square root, ``0`` for ``a ≡ 0``, or ``None`` when ``a`` is
        not a square modulo ``p``.

    Example:
        >>> sqrt_mod(2, 7)   # 3^2 = 9 = 2 and 4^2 = 16 = 2 (mod 7)
        3
        >>> sqrt_mod(3, 7) is None
        True
        >>> sqrt_mod(10, 13)  # 13 = 1 (mod 4): Tonelli-Shanks; roots 6 and 7
        6
    """
    a %= p
    if a == 0 or p == 2:
        return a
    if pow(a, (p - 1) // 2, p) != 1:
        return None
    if p % 4 == 3:
        r = pow(a, (p + 1) // 4, p)
    else:
        r = _tonelli_shanks(a, p)
    if r * r % p != a:  # cannot happen for a prime p; guards a composite one
        return None
    return min(r, p - r)


def _tonelli_shanks(a: int, p: int) -> int:
    """Tonelli–Shanks for a quadratic residue ``a != 0`` modulo an odd prime ``p``."""
    # p - 1 = q * 2^s with q odd.
    q, s = p - 1, 0
    while q % 2 == 0:
        q //= 2
        s += 1
    z = 2
    while pow(z, (p - 1) // 2, p) != p - 1:
        z += 1
        if z >= p:  # only for a composite p with no non-residue found
            return 0
    m = s
    c = pow(z, q, p)  # generator of the 2-Sylow subgroup
    t = pow(a, q, p)
    r = pow(a, (q + 1) // 2, p)
    # Invariant: r^2 = a * t, and t has order dividing 2^(m-1).
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2 = t2 * t2 % p
            i += 1
            if i == m:  # a was not a residue (composite p)
                return 0
        b = pow(c, 1 << (m - i - 1), p)
        m = i
        c = b * b % p
        t = t * c % p
        r = r * b % p
    return r


# Bases for Miller-Rabin: the first 13 primes. Testing all of them is an exact
# primality test for n < 3 317 044 064 679 887 385 961 981 (Sorenson and
# Webster, 2015).
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
_MR_EXACT_LIMIT = 3317044064679887385961981
_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61,
                 67, 71, 73, 79, 83, 89, 97)


def is_probable_prime(n: int) -> bool:
    """Primality test: exact below 3.3·10^24, Baillie–PSW-strength above.

    The test is trial division by the primes below 100, then a strong
    (Miller–Rabin) probable-prime test to each of the 13 prime bases 2..41,
    then a strong Lucas probable-prime test with Selfridge's parameters
    (method A). The Miller–Rabin bases alone make the answer exact for
    ``n < 3 317 044 064 679 887 385 961 981`` (Sorenson–Webster); above that the
    combination contains the Baillie–PSW test, for which no composite that
    passes is known. A prime is never rejected.

    Args:
        n: Any integer (negative numbers, 0 and 1 are not prime).

    Returns:
        ``True`` if ``n`` is (probably, see above) prime.

    Example:
        >>> [k for k in range(30) if is_probable_prime(k)]
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
        >>> is_probable_prime(2**127 - 1), is_probable_prime(2**128 + 1)
        (True, False)
    """
    n = operator.index(n)
    if n < 2:
        return False
    for q in _SMALL_PRIMES:
        if n % q == 0:
            return n == q
    if n < 100 * 100:
        return True
    if not all(_strong_probable_prime(n, base) for base in _MR_BASES):
        return False
    if n < _MR_EXACT_LIMIT:
        return True
    return _strong_lucas_probable_prime(n)


def _strong_probable_prime(n: int, base: int) -> bool:
    """Miller–Rabin round: is the odd ``n > base`` a strong probable prime to ``base``?"""
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    x = pow(base, d, n)
    if x == 1 or x == n - 1:
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def _jacobi(a: int, n: int) -> int:
    """Jacobi symbol ``(a / n)`` for an odd ``n > 0``."""
    a %= n
    result = 1
    while a:
        while a % 2 == 0:
            a //= 2
            if n % 8 in (3, 5):
                result = -result
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0


def _strong_lucas_probable_prime(n: int) -> bool:
    """Strong Lucas test with Selfridge's parameters, for an odd ``n`` > 1 with no tiny factor."""
    if math.isqrt(n) ** 2 == n:
        return False  # no D with (D/n) = -1 exists for a square
    # Selfridge: the first D in 5, -7, 9, -11, ... with Jacobi (D/n) = -1.
    D = 5
    while True:
        j = _jacobi(D, n)
        if j == -1:
            break
        if j == 0 and abs(D) != n:
            return False
        D = -D - 2 if D > 0 else -D + 2
    P, Q = 1, (1 - D) // 4
    # n + 1 = d * 2^s with d odd.
    d, s = n + 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1

    def half(x: int) -> int:
        x %= n
        return (x + n) // 2 if x % 2 else x // 2

    # Left-to-right binary ladder for U_k, V_k and Q^k (start at k = 1).
    U, V, Qk = 1, P, Q % n
    for bit in bin(d)[3:]:
        U, V = U * V % n, (V * V - 2 * Qk) % n  # k -> 2k
        Qk = Qk * Qk % n
        if bit == "1":  # k -> k + 1
            U, V = half(P * U + V), half(D * U + P * V)
            Qk = Qk * Q % n
    if U == 0 or V == 0:
        return True
    for _ in range(s - 1):
        V = (V * V - 2 * Qk) % n  # V_{2k} = V_k^2 - 2 Q^k
        Qk = Qk * Qk % n
        if V == 0:
            return True
    return False


# ---------------------------------------------------------------------------
# Group law (affine coordinates)
# ---------------------------------------------------------------------------


def _name(C) -> str:
    return getattr(C, "name", "curve")


def generator(C) -> Tuple[int, int]:
    """Return the base point ``(gx, gy)`` of ``C`` as an oracle point.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> generator(CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19))
        (5, 1)
    """
    return (C.gx, C.gy)


def is_on_curve(C, P: Point) -> bool:
    """Tell whether ``P`` is a point of the curve ``C``.

    ``None`` (the point at infinity) is on every curve. An affine point must be
    a pair of ints in ``[0, p)`` with ``y^2 ≡ x^3 + a*x + b (mod p)``.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> is_on_curve(C, (5, 1)), is_on_curve(C, (5, 2)), is_on_curve(C, None)
        (True, False, True)
    """
    if P is None:
        return True
    if not isinstance(P, tuple) or len(P) != 2:
        return False
    x, y = P
    if type(x) is bool or type(y) is bool or not (isinstance(x, int) and isinstance(y, int)):
        return False
    p = C.p
    if not (0 <= x < p and 0 <= y < p):
        return False
    return (y * y - (x * x * x + C.a * x + C.b)) % p == 0


def _check(C, P: Point) -> None:
    if not is_on_curve(C, P):
        raise ValueError(f"{P!r} is not a point of {_name(C)!r}")


def _neg(C, P: Point) -> Point:
    if P is None:
        return None
    return (P[0], (-P[1]) % C.p)


def _add(C, P: Point, Q: Point) -> Point:
    """Affine addition with every special case; no on-curve check."""
    if P is None:
        return Q
    if Q is None:
        return P
    p = C.p
    x1, y1 = P
    x2, y2 = Q
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None  # Q = -P, which includes doubling a point with y = 0
        # P == Q: tangent slope (3 x^2 + a) / (2 y)
        lam = (3 * x1 * x1 + C.a) * inv_mod(2 * y1, p) % p
    else:
        # chord slope (y2 - y1) / (x2 - x1)
        lam = (y2 - y1) * inv_mod(x2 - x1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    y3 = (lam * (x1 - x3) - y1) % p
    return (x3, y3)


def _mul(C, k: int, P: Point) -> Point:
    """Left-to-right double-and-add for any integer ``k``; no on-curve check."""
    if k < 0:
        k, P = -k, _neg(C, P)
    R = None
    for bit in bin(k)[2:]:
        R = _add(C, R, R)
        if bit == "1":
            R = _add(C, R, P)
    return R


def neg(C, P: Point) -> Point:
    """Return ``-P``: ``(x, -y mod p)``, and ``None`` for ``None``.

    Raises:
        ValueError: If ``P`` is not on the curve.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> neg(C, (5, 1))
        (5, 16)
    """
    _check(C, P)
    return _neg(C, P)


def add(C, P: Point, Q: Point) -> Point:
    """Return ``P + Q`` with the chord-and-tangent law.

    Handles every case: either operand ``None``, ``P == Q`` (doubling),
    ``P == -Q`` (result ``None``), and doubling a point with ``y = 0``
    (a 2-torsion point, result ``None``).

    Raises:
        ValueError: If ``P`` or ``Q`` is not on the curve.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> add(C, (5, 1), (6, 3))
        (10, 6)
        >>> add(C, (5, 1), (5, 16)) is None
        True
    """
    _check(C, P)
    _check(C, Q)
    return _add(C, P, Q)


def double(C, P: Point) -> Point:
    """Return ``2*P`` (``None`` when ``P`` is ``None`` or has ``y = 0``).

    Raises:
        ValueError: If ``P`` is not on the curve.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> double(C, (5, 1))
        (6, 3)
    """
    _check(C, P)
    return _add(C, P, P)


def mul(C, k: int, P: Point) -> Point:
    """Return ``k*P`` by plain double-and-add.

    ``k`` may be any integer: zero gives ``None`` and a negative ``k`` gives
    ``|k| * (-P)``. It is **not** reduced modulo ``n`` (``P`` need not lie in
    the order-``n`` subgroup).

    Raises:
        TypeError: If ``k`` is not an integer (``bool`` included).
        ValueError: If ``P`` is not on the curve.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> G = generator(C)
        >>> mul(C, 3, G), mul(C, -1, G), mul(C, 0, G)
        ((10, 6), (5, 16), None)
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"scalar must be an int, not {type(k).__name__}")
    _check(C, P)
    return _mul(C, k, P)


def msm(C, scalars: Sequence[int], points: Sequence[Point]) -> Point:
    """Return ``sum(k_i * P_i)``, one :func:`mul` per term.

    Raises:
        ValueError: If the two sequences differ in length, or a point is not
            on the curve.
        TypeError: If a scalar is not an int.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> G = generator(C)
        >>> msm(C, [1, 2], [G, G]) == mul(C, 3, G)
        True
    """
    scalars, points = list(scalars), list(points)
    if len(scalars) != len(points):
        raise ValueError(
            f"msm needs as many scalars as points, not {len(scalars)} and {len(points)}"
        )
    R = None
    for k, P in zip(scalars, points):
        R = _add(C, R, mul(C, k, P))
    return R


def points_along(C, start: Point, step: Point, count: int) -> list:
    """The ``count`` points ``start + i*step`` for ``i = 0 .. count-1``.

    A fast walk for making many varied points (benchmark inputs): one
    Jacobian mixed addition per point and one inversion for the whole list
    (Montgomery's trick).  The points must stay finite: if the walk meets the
    point at infinity it raises ``ArithmeticError``.

    Args:
        C: the curve.
        start, step: finite points on C.
        count: how many points.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=43, a=1, b=3, gx=2, gy=20, n=47)
        >>> G = generator(C)
        >>> points_along(C, G, G, 3) == [G, mul(C, 2, G), mul(C, 3, G)]
        True
    """
    _check(C, start)
    _check(C, step)
    if start is None or step is None:
        raise ArithmeticError("points_along needs finite start and step points")
    p, (x2, y2) = C.p, step
    X, Y, Z = start[0], start[1], 1
    jac = []
    for _ in range(count):
        if Z == 0:
            raise ArithmeticError("points_along met the point at infinity")
        jac.append((X, Y, Z))
        # mixed addition (X, Y, Z) + (x2, y2): H = x2 Z^2 - X, R = y2 Z^3 - Y
        ZZ = Z * Z % p
        H = (x2 * ZZ - X) % p
        R = (y2 * ZZ * Z - Y) % p
        if H == 0:  # the walk reached +-step: let the affine formulas decide
            nxt = _add(C, (X * pow(ZZ, -1, p) % p, Y * pow(ZZ * Z, -1, p) % p), step)
            X, Y, Z = (0, 1, 0) if nxt is None else (nxt[0], nxt[1], 1)
            continue
        HH = H * H % p
        HHH = H * HH % p
        V = X * HH % p
        X3 = (R * R - HHH - 2 * V) % p
        Y, Z = (R * (V - X3) - Y * HHH) % p, Z * H % p
        X = X3
    # one inversion for all: prefix products of Z
    prefix, acc = [], 1
    for _, _, Zi in jac:
        prefix.append(acc)
        acc = acc * Zi % p
    inv = pow(acc, -1, p) if jac else 1
    out = [None] * len(jac)
    for i in range(len(jac) - 1, -1, -1):
        Xi, Yi, Zi = jac[i]
        zi = inv * prefix[i] % p
        inv = inv * Zi % p
        zi2 = zi * zi % p
        out[i] = (Xi * zi2 % p, Yi * zi2 * zi % p)
    return out


def in_subgroup(C, P: Point) -> bool:
    """Tell whether the curve point ``P`` lies in the order-``n`` subgroup (``n*P = O``).

    Raises:
        ValueError: If ``P`` is not on the curve.
    """
    _check(C, P)
    return _mul(C, C.n, P) is None


# ---------------------------------------------------------------------------
# SEC1 encoding (SEC 1 v2.0, sections 2.3.3 and 2.3.4)
# ---------------------------------------------------------------------------


def encode(C, P: Point, compressed: bool = True) -> bytes:
    """Encode a point in SEC1 form.

    * ``None`` -> the single byte ``00``;
    * compressed -> ``02`` (even y) or ``03`` (odd y) followed by ``X``;
    * uncompressed -> ``04 || X || Y``.

    ``X`` and ``Y`` are big-endian, ``field_bytes = ceil(bits(p)/8)`` long.

    Raises:
        ValueError: If ``P`` is not on the curve.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> G = generator(C)
        >>> encode(C, G).hex(), encode(C, G, compressed=False).hex(), encode(C, None).hex()
        ('0305', '040501', '00')
    """
    _check(C, P)
    if P is None:
        return b"\x00"
    fb = (C.p.bit_length() + 7) // 8
    x, y = P
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(fb, "big")
    return b"\x04" + x.to_bytes(fb, "big") + y.to_bytes(fb, "big")


def decode(C, data: bytes) -> Point:
    """Decode a SEC1 point and check that it lies on the curve.

    Accepts ``00`` (the point at infinity, exactly one byte), ``02``/``03``
    ``|| X`` and ``04 || X || Y``. Subgroup membership is **not** checked (see
    :func:`in_subgroup`).

    Args:
        C: The curve.
        data: ``bytes``, ``bytearray`` or ``memoryview``.

    Returns:
        The point, or ``None`` for the point at infinity.

    Raises:
        TypeError: If ``data`` is not bytes-like.
        ValueError: For an empty input, an unknown prefix byte, a length that
            does not match the prefix, a coordinate ``>= p``, a point that is
            not on the curve, or a compressed ``X`` with no square root of
            ``X^3 + a*X + b``.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> decode(C, bytes.fromhex("0305"))
        (5, 1)
        >>> decode(C, bytes.fromhex("0205"))
        (5, 16)
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"encoded point must be bytes, not {type(data).__name__}")
    data = bytes(data)
    name = _name(C)
    p = C.p
    fb = (p.bit_length() + 7) // 8
    if not data:
        raise ValueError(f"Encoded point for {name!r} must not be empty.")
    prefix = data[0]
    if prefix == 0x00:
        if len(data) != 1:
            raise ValueError(
                f"Point at infinity for {name!r} must be 1 byte, not {len(data)}."
            )
        return None
    if prefix in (0x02, 0x03):
        if len(data) != 1 + fb:
            raise ValueError(
                f"Compressed point for {name!r} must be {1 + fb} bytes, not {len(data)}."
            )
        x = int.from_bytes(data[1:], "big")
        if x >= p:
            raise ValueError(f"x coordinate for {name!r} must be less than p, not {x:#x}.")
        rhs = (x * x * x + C.a * x + C.b) % p
        y = sqrt_mod(rhs, p)
        if y is None:
            raise ValueError(
                f"x = {x:#x} is not the x coordinate of a point of {name!r} "
                "(x^3 + a*x + b has no square root)."
            )
        if (y & 1) != (prefix & 1):
            y = (p - y) % p
        if (y & 1) != (prefix & 1):
            # y = 0 is the only root and it is even: prefix 03 names no point.
            raise ValueError(
                f"x = {x:#x} on {name!r} has only y = 0, which needs prefix 02, not 03."
            )
        return (x, y)
    if prefix == 0x04:
        if len(data) != 1 + 2 * fb:
            raise ValueError(
                f"Uncompressed point for {name!r} must be {1 + 2 * fb} bytes, not {len(data)}."
            )
        x = int.from_bytes(data[1 : 1 + fb], "big")
        y = int.from_bytes(data[1 + fb :], "big")
        if x >= p:
            raise ValueError(f"x coordinate for {name!r} must be less than p, not {x:#x}.")
        if y >= p:
            raise ValueError(f"y coordinate for {name!r} must be less than p, not {y:#x}.")
        if (y * y - (x * x * x + C.a * x + C.b)) % p:
            raise ValueError(f"({x:#x}, {y:#x}) is not on the curve {name!r}.")
        return (x, y)
    raise ValueError(
        f"Encoded point for {name!r} must start with 0x00, 0x02, 0x03 or 0x04, not {prefix:#04x}."
    )


# ---------------------------------------------------------------------------
# Tiny curves: brute force
# ---------------------------------------------------------------------------


def enumerate_points(C) -> list:
    """List every point of a tiny curve by brute force.

    A table of all squares ``y^2 mod p`` is built first, then every
    ``x in [0, p)`` is looked up in it. This is independent of
    :func:`sqrt_mod`, which the tests check against it.

    Args:
        C: A curve with ``p <= 2**20``.

    Returns:
        ``[None]`` followed by every affine point, sorted by ``(x, y)``.

    Raises:
        ValueError: If ``p > 2**20``.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19)
        >>> pts = enumerate_points(C)
        >>> len(pts), pts[:3]
        (19, [None, (0, 6), (0, 11)])
    """
    p = C.p
    if p > _ENUMERATE_LIMIT:
        raise ValueError(f"enumerate_points needs p <= 2**20, not a {p.bit_length()}-bit p")
    roots: dict = {}
    for y in range(p):
        roots.setdefault(y * y % p, []).append(y)
    points: list = [None]
    for x in range(p):
        for y in sorted(roots.get((x * x * x + C.a * x + C.b) % p, ())):
            points.append((x, y))
    return points


def group_order(C) -> int:
    """Return ``#E(GF(p))``, counted by :func:`enumerate_points` (so ``p <= 2**20``).

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> group_order(CurveParams("demo", p=17, a=2, b=2, gx=5, gy=1, n=19))
        19
    """
    return len(enumerate_points(C))


# ---------------------------------------------------------------------------
# GLV endomorphism (Gallant, Lambert, Vanstone, CRYPTO 2001; Hankerson,
# Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", section 3.5),
# derived here through sqrt(-3) and Lagrange-Gauss reduction
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
        bound: :func:`glv_split` guarantees ``|k1| < bound`` and
            ``|k2| < bound``. It is ``max(|a1|+|a2|, |b1|+|b2|) // 2 + 1`` and is
            checked, when the parameters are built, to be at most
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


def _cube_roots_of_unity(m: int) -> Tuple[int, int]:
    """The roots of ``x^2 + x + 1`` modulo a prime ``m = 1 (mod 3)``, smaller first: ``(-1 ± sqrt(-3)) / 2``."""
    r = sqrt_mod(-3, m)
    if r is None:  # pragma: no cover - -3 is a square modulo every prime m = 1 (mod 3)
        raise ArithmeticError(f"-3 is not a square modulo {m}")
    half = inv_mod(2, m)
    w1, w2 = (-1 + r) * half % m, (-1 - r) * half % m
    return (min(w1, w2), max(w1, w2))


def _glv_basis(n: int, lam: int) -> Tuple[int, int, int, int]:
    """A reduced basis of ``{(x, y): x + y*lam ≡ 0 mod n}``, by Lagrange-Gauss reduction.

    Starts from the basis ``(n, 0), (-lam, 1)`` and reduces it as Gauss
    reduced binary quadratic forms: subtract the nearest-integer multiple of
    the shorter vector from the longer one until the shorter stays shorter.
    (The library derives its basis with the extended Euclidean algorithm
    instead, in ``ectraverse.numbertheory``.)
    """

    def dot(u: Tuple[int, int], v: Tuple[int, int]) -> int:
        return u[0] * v[0] + u[1] * v[1]

    u, v = (n, 0), (-lam % n, 1)
    if dot(u, u) < dot(v, v):
        u, v = v, u
    while True:  # invariant: |v| <= |u|
        q = _round_div(dot(u, v), dot(v, v))
        u = (u[0] - q * v[0], u[1] - q * v[1])
        if dot(u, u) >= dot(v, v):
            break
        u, v = v, u
    (a1, b1), (a2, b2) = v, u
    det = a1 * b2 - a2 * b1
    if det == -n:
        a2, b2 = -a2, -b2
    elif det != n:  # pragma: no cover - reduction steps keep the determinant
        raise ArithmeticError(f"GLV basis has determinant {det}, not ±{n}")
    return a1, b1, a2, b2


def glv_parameters(C) -> Optional[GLVParameters]:
    """Find the GLV endomorphism of a curve ``y^2 = x^3 + b``, if it has one.

    The curve needs ``a = 0`` and ``p ≡ 1 (mod 3)`` (so ``GF(p)`` holds the cube
    roots of unity and ``(x, y) -> (beta*x, y)`` is an automorphism) and
    ``n ≡ 1 (mod 3)`` (so it acts on the order-``n`` subgroup as a scalar
    ``lam``). ``beta`` is the smaller nontrivial cube root of unity modulo ``p``;
    of the two nontrivial cube roots of unity modulo ``n`` the one with
    ``lam*G == (beta*gx mod p, gy)`` is taken. The lattice basis comes from the
    Lagrange-Gauss reduction of ``(n, 0), (-lam, 1)``.

    This is the oracle's derivation, written apart from the library's
    (``ectraverse.numbertheory.glv_parameters``: cube roots as powers of a
    non-cube, the basis by extended Euclid); the tests compare the two.

    Args:
        C: A curve with attributes ``p, a, n, gx, gy``.

    Returns:
        The parameters, or ``None`` if ``a != 0``, ``p ≢ 1 (mod 3)``,
        ``n ≢ 1 (mod 3)``, or neither candidate ``lam`` maps ``G`` to
        ``(beta*gx, gy)``.

    Raises:
        ValueError: If ``(gx, gy)`` is not on the curve.
        ArithmeticError: If the split bound is larger than
            ``2**(bits(n)//2 + 2)`` (not expected to happen for prime ``n``).

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("demo", p=7, a=0, b=3, gx=1, gy=2, n=13)
        >>> G = generator(C)
        >>> g = glv_parameters(C)
        >>> g.beta, g.lam
        (2, 3)
        >>> mul(C, g.lam, G) == (g.beta * C.gx % C.p, C.gy)
        True
    """
    p, n = C.p, C.n
    if C.a % p != 0 or p % 3 != 1 or n % 3 != 1:
        return None
    beta = _cube_roots_of_unity(p)[0]
    G = generator(C)
    _check(C, G)
    target = (beta * C.gx % p, C.gy)
    for lam in _cube_roots_of_unity(n):
        if _mul(C, lam, G) == target:
            break
    else:
        return None
    a1, b1, a2, b2 = _glv_basis(n, lam)
    bound = max(abs(a1) + abs(a2), abs(b1) + abs(b2)) // 2 + 1
    limit = 1 << (n.bit_length() // 2 + 2)
    if bound > limit:  # pragma: no cover
        raise ArithmeticError(f"GLV split bound {bound} exceeds 2**{n.bit_length() // 2 + 2}")
    return GLVParameters(p=p, n=n, beta=beta, lam=lam, a1=a1, b1=b1, a2=a2, b2=b2, bound=bound)


def _round_div(x: int, n: int) -> int:
    """``x / n`` rounded to the nearest integer (halves upward), for ``n > 0``."""
    return (2 * x + n) // (2 * n)


def glv_split(params: GLVParameters, k: int) -> Tuple[int, int]:
    """Split a scalar as ``k ≡ k1 + k2*lam (mod n)`` with ``k1, k2`` about ``sqrt(n)``.

    ``k`` is reduced modulo ``n``; then ``(k, 0)`` is written in the basis
    ``v1, v2`` with rational coefficients ``(b2*k/n, -b1*k/n)``, each coefficient
    is rounded to the nearest integer, and the rounded combination is
    subtracted. The remainder differs from ``(k, 0)`` by a lattice vector, and
    since each coefficient moved by at most 1/2,
    ``|k1| <= (|a1| + |a2|) / 2`` and ``|k2| <= (|b1| + |b2|) / 2``, so
    ``|k1|, |k2| < params.bound <= 2**(bits(n)//2 + 2)``.

    Args:
        params: From :func:`glv_parameters`.
        k: Any integer.

    Returns:
        ``(k1, k2)``, possibly negative.

    Example:
        >>> from ectraverse.curves import CurveParams
        >>> g = glv_parameters(CurveParams("demo", p=7, a=0, b=3, gx=1, gy=2, n=13))
        >>> k1, k2 = glv_split(g, 10)
        >>> (k1 + k2 * g.lam) % 13, max(abs(k1), abs(k2)) < g.bound
        (10, True)
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"scalar must be an int, not {type(k).__name__}")
    n = params.n
    k %= n
    c1 = _round_div(params.b2 * k, n)
    c2 = _round_div(-params.b1 * k, n)
    k1 = k - c1 * params.a1 - c2 * params.a2
    k2 = -c1 * params.b1 - c2 * params.b2
    return k1, k2


# ---------------------------------------------------------------------------
# RFC 9380 mappings (hashing to curves): sections 4.1, 6.6.1, 6.6.2, 6.6.3, 7
#
# Straight from the RFC's step lists, one numbered step per line, so that a
# reader can hold this code against the text. The suite parameters (Z, the
# isogeny, h_eff) come from the caller as plain integers and tuples: this
# module knows no suite and no hashing.
# ---------------------------------------------------------------------------


def sgn0(x: int) -> int:
    """The sign of a field element of ``GF(p)``: its parity (RFC 9380 section 4.1, m = 1).

    Args:
        x: A field element in ``[0, p)`` (the parity of an unreduced value
            says nothing about its residue).

    Returns:
        ``1`` if ``x`` is odd ("negative"), else ``0``.

    Example:
        >>> sgn0(0), sgn0(1), sgn0(10)
        (0, 1, 0)
    """
    return x % 2


def _inv0(x: int, p: int) -> int:
    """``1/x`` modulo ``p``, and ``0`` for ``x ≡ 0`` (RFC 9380 section 4, inv0)."""
    x %= p
    return pow(x, -1, p) if x else 0


def map_to_curve_sswu(p: int, A: int, B: int, Z: int, u: int) -> Tuple[int, int]:
    """Simplified Shallue-van de Woestijne-Ulas map (RFC 9380 section 6.6.2).

    Maps a field element ``u`` to a point of ``y^2 = x^3 + A*x + B`` over
    ``GF(p)``, ``A != 0`` and ``B != 0``. For the curves with ``A*B == 0``
    (secp256k1, BLS12-381) the suite maps to an isogenous curve ``E'`` and then
    applies :func:`iso_map`.

    Args:
        p: The field prime.
        A, B: The coefficients of the target curve (``E'`` when there is an isogeny).
        Z: The suite's constant: a non-square with ``g(x) - Z`` irreducible and
            ``g(B / (Z*A))`` square (RFC 9380 section 6.6.2).
        u: The field element (reduced modulo ``p``).

    Returns:
        An affine point ``(x, y)`` with ``sgn0(y) == sgn0(u)``; this map never
        returns the identity.

    Raises:
        ValueError: If ``A`` or ``B`` is ``0`` modulo ``p``.
        ArithmeticError: If neither candidate ``x`` gives a square, which a
            valid ``Z`` rules out.

    Example:
        >>> P = map_to_curve_sswu(43, 1, 3, 34, 5)   # toy-plot's curve; Z = -9 meets the criteria
        >>> P, (P[1] ** 2 - (P[0] ** 3 + P[0] + 3)) % 43
        ((7, 3), 0)
    """
    A, B, Z, u = A % p, B % p, Z % p, u % p
    if A == 0 or B == 0:
        raise ValueError(f"the SSWU map needs A != 0 and B != 0, not A = {A}, B = {B}")
    # 1. tv1 = inv0(Z^2 * u^4 + Z * u^2)
    tv1 = _inv0(Z * Z * pow(u, 4, p) + Z * u * u, p)
    # 2. x1 = (-B / A) * (1 + tv1)
    x1 = (-B) * pow(A, -1, p) * (1 + tv1) % p
    # 3. If tv1 == 0, set x1 = B / (Z * A)
    if tv1 == 0:
        x1 = B * pow(Z * A, -1, p) % p
    # 4. gx1 = x1^3 + A * x1 + B
    gx1 = (x1 * x1 * x1 + A * x1 + B) % p
    # 5. x2 = Z * u^2 * x1
    x2 = Z * u * u * x1 % p
    # 6. gx2 = x2^3 + A * x2 + B
    gx2 = (x2 * x2 * x2 + A * x2 + B) % p
    # 7. If is_square(gx1), set x = x1 and y = sqrt(gx1)
    # 8. Else set x = x2 and y = sqrt(gx2)
    if is_square(gx1, p):
        x, y = x1, sqrt_mod(gx1, p)
    else:
        x, y = x2, sqrt_mod(gx2, p)
    if y is None:
        raise ArithmeticError(f"SSWU with Z = {Z}: neither g(x1) nor g(x2) is a square (Z is not valid)")
    # 9. If sgn0(u) != sgn0(y), set y = -y
    if sgn0(u) != sgn0(y):
        y = (-y) % p
    # 10. return (x, y)
    return (x, y)


def map_to_curve_svdw(p: int, A: int, B: int, Z: int, u: int) -> Tuple[int, int]:
    """Shallue-van de Woestijne map (RFC 9380 section 6.6.1), for any ``A`` and ``B``.

    Args:
        p: The field prime (odd, and ``p > 3``).
        A, B: The coefficients of ``y^2 = g(x) = x^3 + A*x + B``.
        Z: The suite's constant, meeting the four criteria of section 6.6.1
            (see ``find_z_svdw`` in RFC 9380 Appendix H.1): ``g(Z) != 0``,
            ``-(3 Z^2 + 4 A) / (4 g(Z))`` is a nonzero square, and ``g(Z)`` or
            ``g(-Z/2)`` is a square.
        u: The field element (reduced modulo ``p``).

    Returns:
        An affine point ``(x, y)`` with ``sgn0(y) == sgn0(u)``; never the
        identity. The exceptional ``u`` with ``(1 + u^2 g(Z)) (1 - u^2 g(Z)) == 0``
        go through ``inv0`` and land on ``x = -Z/2`` or ``x = Z``.

    Raises:
        ArithmeticError: If ``Z`` breaks the criteria (``g(Z) = 0``,
            ``3 Z^2 + 4 A = 0``, no square root for the constant, or no
            candidate ``x`` with ``g(x)`` square).

    Example:
        >>> P = map_to_curve_svdw(43, 1, 3, 42, 5)   # toy-plot's curve, Z = -1
        >>> P, (P[1] ** 2 - (P[0] ** 3 + P[0] + 3)) % 43
        ((20, 5), 0)
    """
    A, B, Z, u = A % p, B % p, Z % p, u % p

    def g(x: int) -> int:
        return (x * x * x + A * x + B) % p

    gZ = g(Z)
    den = (3 * Z * Z + 4 * A) % p
    if gZ == 0 or den == 0:
        raise ArithmeticError(f"SvdW with Z = {Z}: g(Z) and 3 Z^2 + 4 A must be nonzero")
    # 1. tv1 = u^2 * g(Z)
    tv1 = u * u * gZ % p
    # 2. tv2 = 1 + tv1
    tv2 = (1 + tv1) % p
    # 3. tv1 = 1 - tv1
    tv1 = (1 - tv1) % p
    # 4. tv3 = inv0(tv1 * tv2)
    tv3 = _inv0(tv1 * tv2, p)
    # 5. tv4 = sqrt(-g(Z) * (3 * Z^2 + 4 * A))
    tv4 = sqrt_mod(-gZ * den, p)
    if tv4 is None:
        raise ArithmeticError(f"SvdW with Z = {Z}: -g(Z) * (3 Z^2 + 4 A) is not a square (Z is not valid)")
    # 6. If sgn0(tv4) == 1, set tv4 = -tv4
    if sgn0(tv4) == 1:
        tv4 = (-tv4) % p
    # 7. tv5 = u * tv1 * tv3 * tv4
    tv5 = u * tv1 * tv3 * tv4 % p
    # 8. tv6 = -4 * g(Z) / (3 * Z^2 + 4 * A)
    tv6 = -4 * gZ * pow(den, -1, p) % p
    # 9. x1 = -Z / 2 - tv5
    half_neg_z = (-Z) * pow(2, -1, p) % p
    x1 = (half_neg_z - tv5) % p
    # 10. x2 = -Z / 2 + tv5
    x2 = (half_neg_z + tv5) % p
    # 11. x3 = Z + tv6 * (tv2^2 * tv3)^2
    t = tv2 * tv2 * tv3 % p
    x3 = (Z + tv6 * t * t) % p
    # 12.-14. the first of x1, x2, x3 with g(x) square
    for x in (x1, x2, x3):
        y = sqrt_mod(g(x), p)
        if y is not None:
            break
    else:
        raise ArithmeticError(f"SvdW with Z = {Z}: none of g(x1), g(x2), g(x3) is a square (Z is not valid)")
    # 15. If sgn0(u) != sgn0(y), set y = -y
    if sgn0(u) != sgn0(y):
        y = (-y) % p
    # 16. return (x, y)
    return (x, y)


def _poly_eval(coefficients: Sequence[int], x: int, p: int) -> int:
    """Horner's rule for ``sum(c_j * x^j)``, coefficients in ascending powers."""
    acc = 0
    for c in reversed(coefficients):
        acc = (acc * x + c) % p
    return acc


def iso_map(p: int, iso: Sequence[Sequence[int]], P: Point) -> Point:
    """Apply an isogeny map given by its rational functions (RFC 9380 section 6.6.3).

    ``iso_map(x', y') = (x_num(x') / x_den(x'), y' * y_num(x') / y_den(x'))``.

    Args:
        p: The field prime.
        iso: ``(x_num, x_den, y_num, y_den)``, each a sequence of coefficients
            in ascending powers of ``x'`` (element ``j`` is the coefficient of
            ``x'^j``; RFC 9380 Appendix E writes them ``k_(i,j)``).
        P: A point ``(x', y')`` of ``E'``, or ``None``.

    Returns:
        The image on ``E``; ``None`` (the identity) for ``P = None`` and for
        every input where a denominator vanishes, as section 6.6.3 requires.

    Example:
        >>> iso_map(7, ((0, 1), (1,), (1,), (1,)), (3, 4))   # the identity map
        (3, 4)
        >>> iso_map(7, ((0, 1), (4, 1), (1,), (1,)), (3, 4)) is None   # x_den(3) = 0
        True
    """
    if P is None:
        return None
    x_num, x_den, y_num, y_den = iso
    xp, yp = P
    xd = _poly_eval(x_den, xp, p)
    yd = _poly_eval(y_den, xp, p)
    if xd == 0 or yd == 0:
        return None
    x = _poly_eval(x_num, xp, p) * pow(xd, -1, p) % p
    y = yp * _poly_eval(y_num, xp, p) * pow(yd, -1, p) % p
    return (x, y)


def map_to_curve(C, suite, u: int) -> Point:
    """One field element to a point of ``C``: the suite's map, then its isogeny.

    This is ``map_to_curve`` of RFC 9380 section 3 (the values ``Q0``, ``Q1``
    and ``Q`` of the test vectors).

    Args:
        C: The target curve ``E`` (attributes ``p``, ``a``, ``b``).
        suite: Any object with the attributes ``map`` (``"SSWU"`` or
            ``"SVDW"``), ``Z``, ``map_a``, ``map_b`` (the curve the map
            targets: ``E'`` when there is an isogeny) and ``iso`` (``None`` or
            the tuple of :func:`iso_map`).
        u: The field element.

    Returns:
        A point of ``C`` (``None`` only when the isogeny hits a pole).

    Raises:
        ValueError: If ``suite.map`` is unknown, or the result is not on ``C``
            (the suite does not belong to the curve).

    Example:
        >>> from types import SimpleNamespace as S
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("toy-plot", p=43, a=1, b=3, gx=2, gy=20, n=47)
        >>> map_to_curve(C, S(map="SVDW", Z=42, map_a=1, map_b=3, iso=None), 5)
        (20, 5)
    """
    p = C.p
    if suite.map == "SSWU":
        Q: Point = map_to_curve_sswu(p, suite.map_a, suite.map_b, suite.Z, u)
    elif suite.map == "SVDW":
        Q = map_to_curve_svdw(p, suite.map_a, suite.map_b, suite.Z, u)
    else:
        raise ValueError(f"suite map must be 'SSWU' or 'SVDW', not {suite.map!r}")
    if suite.iso is not None:
        Q = iso_map(p, suite.iso, Q)
    if not is_on_curve(C, Q):
        raise ValueError(f"the suite's map sends u = {u} to {Q!r}, which is not on {_name(C)!r}")
    return Q


def hash_to_curve_from_u(C, suite, us: Sequence[int]) -> Point:
    """The end of RFC 9380's ``hash_to_curve`` / ``encode_to_curve``, from the field elements on.

    ``hash_to_curve`` (two elements): ``clear_cofactor(map(u0) + map(u1))``;
    ``encode_to_curve`` (one element): ``clear_cofactor(map(u0))``, where
    ``clear_cofactor(P) = h_eff * P`` (RFC 9380 sections 3 and 7). The field
    elements come from ``hash_to_field`` (``ectraverse.rfc9380``), which this
    module does not implement.

    Args:
        C: The target curve ``E``.
        suite: As for :func:`map_to_curve`, plus ``h_eff``.
        us: One or two field elements.

    Returns:
        A point of the order-``n`` subgroup (when ``h_eff`` clears the cofactor).

    Example:
        >>> from types import SimpleNamespace as S
        >>> from ectraverse.curves import CurveParams
        >>> C = CurveParams("toy-plot", p=43, a=1, b=3, gx=2, gy=20, n=47)
        >>> s = S(map="SVDW", Z=42, map_a=1, map_b=3, iso=None, h_eff=1)
        >>> hash_to_curve_from_u(C, s, [5, 7]) == add(C, map_to_curve(C, s, 5), map_to_curve(C, s, 7))
        True
    """
    us = list(us)
    if len(us) not in (1, 2):
        raise ValueError(f"hash_to_curve_from_u needs 1 or 2 field elements, not {len(us)}")
    R: Point = None
    for u in us:
        R = _add(C, R, map_to_curve(C, suite, u))
    return _mul(C, suite.h_eff, R)
