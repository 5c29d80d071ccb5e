"""Curve parameters: the named-curve registry and validation of custom curves.

Named curves are facts read from ``ectraverse/data/curves.json`` (a copy of the
project's standard parameter file: SEC 2, EIP-196/197 and the pairing-friendly
curves draft, each entry citing its source) and ``data/toy_curves.json`` (tiny
curves for demos and exhaustive tests).  ``data/field_info.json``, beside
them, stores a primitive element of each field with the factorisation of
``p - 1`` that proves it, so that the tests can build ``galois.GF(p)`` without
searching; the library itself does not read it.

This module knows nothing about points; :mod:`ectraverse.point` builds the
group (``Curve``) on top of a :class:`CurveParams`.

Example:
    >>> params = named_params("secp256r1")
    >>> params.name, params.field_bytes, params.h
    ('P-256', 32, 1)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ectraverse import numbertheory
from ectraverse.errors import InvalidCurveError, UnknownCurveError, shown

__all__ = ["CurveParams", "named_params", "curve_names", "validate_params", "glv_parameters"]

#: Largest supported field: 9 limbs of 64 bits (P-521 needs 9).
MAX_FIELD_BITS = 576


@dataclass(frozen=True)
class CurveParams:
    """Domain parameters of ``y^2 = x^3 + a*x + b`` over ``F_p`` with a subgroup of order ``n``.

    Attributes:
        name: canonical name.
        p, a, b: the field prime and the coefficients (``0 <= a, b < p``).
        gx, gy: the generator of the order-``n`` subgroup.
        n: the prime order of the generator.
        h: the cofactor ``#E / n``.
        aliases: other accepted names.
        note: what the curve is for (toy curves) or a caveat.
        source: where the numbers come from.

    Two parameter sets are equal when their name and numbers are: ``aliases``,
    ``note`` and ``source`` describe a curve, they do not make it another.
    """

    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int
    h: int = 1
    aliases: tuple[str, ...] = field(default=(), compare=False)
    note: str = field(default="", compare=False)
    source: str = field(default="", compare=False)

    @property
    def field_bytes(self) -> int:
        """Bytes of one big-endian coordinate: ``ceil(bits(p) / 8)``."""
        return (self.p.bit_length() + 7) // 8

    @property
    def scalar_bytes(self) -> int:
        """Bytes of one big-endian scalar: ``ceil(bits(n) / 8)``."""
        return (self.n.bit_length() + 7) // 8


def _read_json(filename: str) -> dict:
    return json.loads(resources.files("ectraverse").joinpath("data", filename).read_text("utf-8"))


@cache
def _registry() -> tuple[dict[str, CurveParams], dict[str, str]]:
    """(canonical name -> params, folded alias -> canonical name)."""
    params: dict[str, CurveParams] = {}
    for filename in ("curves.json", "toy_curves.json"):
        for name, d in _read_json(filename)["curves"].items():
            params[name] = CurveParams(
                name=name,
                p=int(d["p"], 16),
                a=int(d["a"], 16),
                b=int(d["b"], 16),
                gx=int(d["Gx"], 16),
                gy=int(d["Gy"], 16),
                n=int(d["n"], 16),
                h=int(d["h"], 16),
                aliases=tuple(d.get("aliases", ())),
                note=d.get("note", ""),
                source=d.get("source", ""),
            )
    folded: dict[str, str] = {}
    for name, prm in params.items():
        for alias in (name, *prm.aliases):
            folded[_fold(alias)] = name
    return params, folded


def _fold(name: str) -> str:
    return name.casefold().replace("_", "-").replace(" ", "-")


def curve_names() -> list[str]:
    """Canonical names of the registered curves, standard curves first.

    Example:
        >>> curve_names()[:3]
        ['secp256k1', 'P-256', 'P-384']
    """
    return list(_registry()[0])


def named_params(name: str) -> CurveParams:
    """Parameters of a named curve; aliases and case are accepted.

    Raises:
        TypeError: if name is not a str.
        UnknownCurveError: if no curve has that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"curve name must be a str, not {type(name).__name__}")
    params, folded = _registry()
    canonical = folded.get(_fold(name))
    if canonical is None:
        raise UnknownCurveError(f"Unknown curve {shown(name)}; expected one of: {', '.join(params)}.")
    return params[canonical]


def validate_params(prm: CurveParams) -> None:
    """Check that custom parameters define a usable prime-order group, or refuse them.

    Cheap checks come first, so that oversized or hostile numbers are refused
    in milliseconds, before any primality test or scalar multiplication:

    1. the name is a non-empty ``str``, valid Unicode (no lone surrogate), of
       at most 255 bytes in UTF-8 (contexts store it after a one-byte length);
    2. p, n and h have at most 576 bits (:data:`MAX_FIELD_BITS`; a larger h
       could not pass step 7 anyway) and p > 3;
    3. p is prime (:func:`numbertheory.is_probable_prime`: exact below 3.3e24,
       wrong with probability at most 2^-64 above);
    4. a, b, gx, gy lie in [0, p);
    5. 4a^3 + 27b^2 != 0 mod p, and G = (gx, gy) is on the curve;
    6. n is an odd prime;
    7. h >= 1, n does not divide h, and h*n lies in the Hasse interval,
       ``|p + 1 - h*n| <= 2*sqrt(p)``.  With n | h, n^2 divides #E and the
       points of order n may not form one subgroup (E[n] = Z/n x Z/n): then
       ``n*P = O`` does not prove P is in <G>, and multiplying by h sends
       every point to O;
    8. n*G is the identity, so G (not the identity) has order n and n divides #E;
    9. #E = h*n, proved, or the curve is refused:

       * if ``n > 4*sqrt(p)`` (every registered curve), steps 7 and 8 prove
         it: #E is a multiple of n in the Hasse interval, which is narrower
         than n, so it holds only one;
       * else if p < 2^16, the points are counted (a few ms);
       * else points P are sampled at x = 0, 1, 2, ... (those with a square
         root, the smaller y: deterministic), and each must satisfy
         ``h*n*P = O``.  #E and h*n are then both multiples, in the Hasse
         interval, of L = lcm(n, orders of the sampled points), and they
         are proved equal as soon as h*n is the only multiple of L there
         (always once ``L > 4*sqrt(p)``).  Computing the orders needs h
         factored: trial division below 2^16 must leave 1 or a prime.  If
         it does not, or if 8 points leave other multiples of L in the
         interval (a group of small exponent, such as nearly
         ``Z/m x Z/m``), the curve is refused rather than accepted unproved.

    Steps 8 and 9 multiply in Python ints (:func:`numbertheory.ec_mul`, in
    Jacobian coordinates): about 10 ms per scalar multiplication on a 521-bit curve.  Step 9 costs nothing when
    ``n > 4*sqrt(p)``; with a large p and a small n it takes a few scalar
    multiplications per prime factor of h.  Messages show numbers of up to
    64 bits in decimal, larger ones in hex, and too large ones by their size.

    Raises:
        TypeError: the name is not a str.
        InvalidCurveError: naming the first check that fails.

    Example:
        >>> bad = CurveParams("bad", p=43, a=1, b=3, gx=2, gy=20, n=47, h=2)
        >>> validate_params(bad)
        Traceback (most recent call last):
        ...
        ectraverse.errors.InvalidCurveError: h*n = 94 for curve 'bad' is outside the Hasse interval [31, 57].
    """
    _check_name(prm.name)
    p, a, b, gx, gy, n, h = prm.p, prm.a, prm.b, prm.gx, prm.gy, prm.n, prm.h
    label = f"curve {prm.name!r}"
    for what, value in (("p", p), ("n", n), ("h", h)):
        if value.bit_length() > MAX_FIELD_BITS:
            raise InvalidCurveError(
                f"{what} of {label} must have at most {MAX_FIELD_BITS} bits, not {value.bit_length()}."
            )
    if p <= 3 or not numbertheory.is_probable_prime(p):
        raise InvalidCurveError(f"p of {label} must be a prime greater than 3, not {_number(p)}.")
    for what, value in (("a", a), ("b", b), ("gx", gx), ("gy", gy)):
        if not 0 <= value < p:
            raise InvalidCurveError(f"{what} of {label} must be in [0, p), not {_number(value)}.")
    if (4 * a**3 + 27 * b**2) % p == 0:
        raise InvalidCurveError(f"{label} is singular: 4a^3 + 27b^2 = 0 mod p.")
    if (gy * gy - (gx**3 + a * gx + b)) % p:
        raise InvalidCurveError(f"generator ({gx:#x}, {gy:#x}) is not on {label}.")
    if n < 3 or not numbertheory.is_probable_prime(n):
        raise InvalidCurveError(f"n of {label} must be an odd prime, not {_number(n)}.")
    if h < 1:
        raise InvalidCurveError(f"cofactor h of {label} must be >= 1, not {_number(h)}.")
    if h % n == 0:
        raise InvalidCurveError(
            f"n = {_number(n)} divides the cofactor h of {label}: the points of order n need not form one "
            f"subgroup, so subgroup checks and cofactor clearing would be wrong."
        )
    order, width = h * n, math.isqrt(4 * p)  # |p + 1 - h*n| <= 2 sqrt(p)  <=>  |p + 1 - h*n| <= isqrt(4p)
    if not p + 1 - width <= order <= p + 1 + width:
        raise InvalidCurveError(
            f"h*n = {_number(order)} for {label} is outside the Hasse interval "
            f"[{_number(p + 1 - width)}, {_number(p + 1 + width)}]."
        )
    if numbertheory.ec_mul(p, a, n, (gx, gy)) is not None:
        raise InvalidCurveError(f"n*G is not the identity on {label}: G does not have order {_number(n)}.")
    if n * n <= 16 * p:
        _check_group_order(prm, label)


#: Below this p, validate_params counts the points of the curve (step 9).
_COUNT_LIMIT = 1 << 16
#: Curve points sampled when the Hasse interval alone does not fix #E (validate_params, step 9).
_SAMPLED_POINTS = 8
#: The cofactor is factored by trial division below this bound (validate_params, step 9).
_TRIAL_DIVISION_BOUND = 1 << 16


def _check_group_order(prm: CurveParams, label: str) -> None:
    """Step 9 of validate_params for ``n <= 4*sqrt(p)``: prove #E = h*n, or refuse."""
    p, a, n, h = prm.p, prm.a, prm.n, prm.h
    order, width = h * n, math.isqrt(4 * p)
    if p < _COUNT_LIMIT:
        count = _count_points(p, a, prm.b)
        if count != order:
            raise InvalidCurveError(f"{label} has {count} points, not h*n = {order}: the cofactor h = {h} is wrong.")
        return
    lo, hi = p + 1 - width, p + 1 + width  # the Hasse interval, which holds #E and (checked before) h*n
    factors = _factor(h)
    if factors is not None:
        factors[n] = factors.get(n, 0) + 1
    lcm, sampled = n, 0
    for x in range(16 * _SAMPLED_POINTS):  # half the x have points: 8 points all but surely
        y = numbertheory.sqrt_mod(x**3 + a * x + prm.b, p)
        if y is None:
            continue
        if numbertheory.ec_mul(p, a, order, (x, y)) is not None:
            raise InvalidCurveError(
                f"h*n does not annihilate the point ({x:#x}, {y:#x}) of {label}: #E != h*n, so the cofactor "
                f"h = {_number(h)} is wrong."
            )
        if factors is not None:
            lcm = math.lcm(lcm, _point_order(p, a, (x, y), factors))
            if order - lcm < lo and order + lcm > hi:
                return  # #E, a multiple of lcm in [lo, hi], can only be h*n
        sampled += 1
        if sampled == _SAMPLED_POINTS:
            break
    why = (
        f"h = {_number(h)} has no factorisation by trial division below 2^16 (the part left is composite)"
        if factors is None
        else f"the Hasse interval holds several multiples of {_number(lcm)}, the least common multiple of n and "
        f"of the orders of {sampled} sampled points"
    )
    raise InvalidCurveError(
        f"cannot verify the cofactor of {label}: n <= 4*sqrt(p), so h*n in the Hasse interval does not fix #E, "
        f"and {why}."
    )


def _count_points(p: int, a: int, b: int) -> int:
    """#E of ``y^2 = x^3 + a*x + b`` over a small prime field: 1 + the number of roots y of each x."""
    is_square = bytearray(p)
    for y in range(p):
        is_square[y * y % p] = 1
    count = 1
    for x in range(p):
        v = (x * x * x + a * x + b) % p
        count += 1 if v == 0 else 2 * is_square[v]
    return count


def _factor(m: int) -> dict[int, int] | None:
    """{prime: exponent} of ``m >= 1`` if trial division below 2^16 leaves 1 or a prime, else None."""
    factors: dict[int, int] = {}
    d = 2
    while d < _TRIAL_DIVISION_BOUND and d * d <= m:
        while m % d == 0:
            factors[d] = factors.get(d, 0) + 1
            m //= d
        d += 1 if d == 2 else 2
    if m > 1:
        if not numbertheory.is_probable_prime(m):
            return None
        factors[m] = factors.get(m, 0) + 1
    return factors


def _point_order(p: int, a: int, P: tuple[int, int], factors: dict[int, int]) -> int:
    """The order of the point P of ``y^2 = x^3 + a*x + b``, given the factorisation ``{q: e}`` of a multiple of it."""
    order = math.prod(q**e for q, e in factors.items())
    for q, e in factors.items():
        order //= q**e
        R = numbertheory.ec_mul(p, a, order, P)
        while R is not None:
            R = numbertheory.ec_mul(p, a, q, R)
            order *= q
    return order


#: Integers of more bits are shown in messages by their size only.
_SHOWN_BITS = 2 * MAX_FIELD_BITS


def _number(value: int) -> str:
    """value for a message: decimal up to 64 bits, hex up to 1152 bits, else its size.

    Never a long decimal: int -> str is quadratic, and refused above 4300 digits.
    """
    bits = value.bit_length()
    if bits <= 64:
        return str(value)
    if bits <= _SHOWN_BITS:
        return hex(value)
    return f"{'a negative' if value < 0 else 'an'} integer of {bits} bits"


#: Longest curve name, in UTF-8 bytes: a context's bytes store it after a one-byte length.
MAX_NAME_BYTES = 255


def _check_name(name) -> None:
    """A curve name is a non-empty str, valid Unicode, of at most 255 bytes in UTF-8."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidCurveError(
            f"a curve name must be valid Unicode, not a str with a lone surrogate at index {exc.start}."
        ) from None
    if not 1 <= size <= MAX_NAME_BYTES:
        raise InvalidCurveError(f"a curve name must have 1 to {MAX_NAME_BYTES} bytes in UTF-8, not {size}.")


@cache
def glv_parameters(prm: CurveParams) -> numbertheory.GLVParameters | None:
    """The GLV endomorphism of an a = 0 curve, computed once per curve (see :func:`numbertheory.glv_parameters`).

    Example:
        >>> g = glv_parameters(named_params("secp256k1"))
        >>> hex(g.beta)[:10], glv_parameters(named_params("P-256")) is None
        ('0x7ae96a2b', True)
    """
    return numbertheory.glv_parameters(prm.p, prm.a, prm.n, prm.gx, prm.gy)
