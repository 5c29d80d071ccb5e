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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ectraverse import reference
from ectraverse.errors import InvalidCurveError, UnknownCurveError

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
    """

    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int
    h: int = 1
    aliases: tuple[str, ...] = ()
    note: str = ""
    source: str = ""

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
        raise UnknownCurveError(f"Unknown curve {name!r}; expected one of: {', '.join(params)}.")
    return params[canonical]


def validate_params(prm: CurveParams) -> None:
    """Check that custom parameters define a usable prime-order group.

    Checks, in order: p is a prime > 3 of at most 576 bits; a, b, gx, gy lie
    in [0, p); 4a^3 + 27b^2 != 0 mod p; G is on the curve; n is an odd prime;
    n*G is the identity; h >= 1 and h*n lies in the Hasse interval
    |p + 1 - h*n| <= 2*sqrt(p).

    Raises:
        InvalidCurveError: naming the first check that fails.
    """
    import galois  # slow to import; only custom curves need it

    p, a, b, n, h = prm.p, prm.a, prm.b, prm.n, prm.h
    label = f"curve {prm.name!r}"
    if p <= 3 or not galois.is_prime(p):
        raise InvalidCurveError(f"p of {label} must be a prime greater than 3, not {p}.")
    if p.bit_length() > MAX_FIELD_BITS:
        raise InvalidCurveError(f"p of {label} must have at most {MAX_FIELD_BITS} bits, not {p.bit_length()}.")
    for what, value in (("a", a), ("b", b), ("gx", gx := prm.gx), ("gy", gy := prm.gy)):
        if not 0 <= value < p:
            raise InvalidCurveError(f"{what} of {label} must be in [0, p), not {value}.")
    if (4 * a**3 + 27 * b**2) % p == 0:
        raise InvalidCurveError(f"{label} is singular: 4a^3 + 27b^2 = 0 mod p.")
    if (gy * gy - (gx**3 + a * gx + b)) % p:
        raise InvalidCurveError(f"generator ({gx:#x}, {gy:#x}) is not on {label}.")
    if n < 3 or not galois.is_prime(n):
        raise InvalidCurveError(f"n of {label} must be an odd prime, not {n}.")
    if h < 1:
        raise InvalidCurveError(f"cofactor h of {label} must be >= 1, not {h}.")
    order = h * n
    if (p + 1 - order) ** 2 > 4 * p:
        raise InvalidCurveError(
            f"h*n = {order} for {label} is outside the Hasse interval "
            f"[{p + 1 - math.isqrt(4 * p)}, {p + 1 + math.isqrt(4 * p)}]."
        )
    ref = reference.RefCurve(prm.name, p=p, a=a, b=b, n=n, h=h, gx=gx, gy=gy)
    if reference.mul(ref, n, (gx, gy)) is not None:
        raise InvalidCurveError(f"n*G is not the identity on {label}: G does not have order {n}.")


@cache
def glv_parameters(prm: CurveParams) -> reference.GLVParameters | None:
    """The GLV endomorphism of an a = 0 curve (see ``reference.glv_parameters``)."""
    ref = reference.RefCurve(prm.name, p=prm.p, a=prm.a, b=prm.b, n=prm.n, h=prm.h, gx=prm.gx, gy=prm.gy)
    return reference.glv_parameters(ref)
