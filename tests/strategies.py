"""Shared hypothesis strategies and oracle helpers for the core tests.

Everything here is either a *generator* of inputs (curve names, scalars,
points, Jacobian representations) or a thin bridge to the slow oracle
``ectraverse.reference``:

* :func:`ref` gives the parameters of a library ``Curve`` (its
  :class:`~ectraverse.curves.CurveParams`), which is what the oracle takes;
  :func:`to_ref` / :func:`raw_to_ref` turn a library point into the oracle's
  ``(x, y)`` tuple (``None`` for the identity).
* :class:`Oracle` computes ``k * G`` with ``reference.add`` over a table of
  ``d * 16^i * G`` (built with ``reference.add`` too), about ten times faster
  than ``reference.mul`` on the 256..521-bit curves.  The decomposition
  ``k = sum d_i 16^i`` is trivially right, and ``test_ecmult`` also checks
  the table against ``reference.mul`` directly.
* :func:`jacobian_raw` writes a raw core point with a chosen ``Z`` (the core
  stores ``X, Y, Z`` in Montgomery form as little-endian 64-bit limbs), so the
  tests can feed the core projective representations it did not make itself.

No module-level randomness: hypothesis draws everything (the profile in
``conftest.py`` derandomizes it), and fixed pools are deterministic.
"""

from __future__ import annotations

import functools

import hypothesis.strategies as st
from hypothesis import settings

import ectraverse as ect
from ectraverse import _ec, reference
from ectraverse.curves import CurveParams, glv_parameters
from ectraverse.traverse import Traversal

#: The standard named curves.
STANDARD = ["secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381"]
#: Every named curve plus the one-limb toy61: the curves for random tests.
BIG = [*STANDARD, "toy61"]
#: Curves small enough to enumerate every point.
TOYS = ["toy-a0", "toy-b0", "toy-h4", "toy-plot"]
#: Every registered curve.
ALL = [*BIG, *TOYS]
#: Curves whose core uses the GLV endomorphism.
GLV = ["secp256k1", "BN254", "BLS12-381", "toy-a0", "toy61"]
#: Curves with a cofactor > 1 whose full group has points of order 2.
TWO_TORSION = ["toy-b0", "toy-h4"]


def examples(n: int) -> settings:
    """``@settings`` capping the examples of a costly property at ``n``
    (never raising the loaded profile's count, so a quick profile stays quick)."""
    return settings(max_examples=min(n, settings.default.max_examples))


# ---- the oracle ----------------------------------------------------------


def ref(C: ect.Curve) -> CurveParams:
    """The oracle's curve for a library ``Curve``: its parameters, as the one loader read them."""
    return C.params


def to_ref(P: ect.Point):
    """A library point as the oracle's ``(x, y)`` tuple, or ``None`` for the identity."""
    return None if P.is_identity else (P.x, P.y)


def raw_to_ref(C: ect.Curve, raw: bytes):
    """A raw core point as the oracle's tuple (the core's own affine conversion)."""
    return C._core.affine(raw)


def from_ref(C: ect.Curve, xy) -> bytes:
    """The raw core point (Z = 1) of an oracle tuple, through ``from_affine``."""
    return C._core.identity_raw if xy is None else C._core.from_affine(*xy)


def portable_core(C: ect.Curve):
    """A second core for C forced onto the portable C code (``portable=True``):
    no assembly, no prime-specific products, no AVX-512; the tests compare it
    with the curve's own core."""
    prm = C.params
    g = glv_parameters(prm)
    glv = None if g is None else (g.beta, g.lam, g.a1, g.b1, g.a2, g.b2)
    return _ec.CurveCore(prm.name, prm.p, prm.a, prm.b, prm.gx, prm.gy, prm.n, glv, portable=True)


def jacobian_raw(C: ect.Curve, xy, z: int) -> bytes:
    """The raw core point ``(x z^2, y z^3, z)`` (Montgomery form, LE limbs) of ``xy``.

    ``z`` is reduced mod p; ``z = 0`` (or ``xy = None``) gives an identity whose
    X and Y are the (meaningless) values computed from ``xy`` (or ``1, 1``).
    """
    p = C.p
    limbs = C._core.limbs
    R = 1 << (64 * limbs)
    x, y = xy if xy is not None else (1, 1)
    z %= p
    if xy is None:
        z = 0
    coords = (x * z * z % p, y * pow(z, 3, p) % p, z) if z else (x, y, 0)
    return b"".join((v * R % p).to_bytes(8 * limbs, "little") for v in coords)


class Oracle:
    """``k * G`` by ``reference.add`` over a 4-bit fixed-window table of G."""

    def __init__(self, C: ect.Curve):
        self.curve = C
        self.ref = ref(C)
        self.n = C.n
        windows = (C.n.bit_length() + 3) // 4
        table = []
        base = reference.generator(self.ref)
        for _ in range(windows):
            row = [None, base]
            for _ in range(14):
                row.append(reference.add(self.ref, row[-1], base))
            table.append(row)
            base = reference.add(self.ref, row[-1], base)  # 16 * base
        self._table = table

    def mul_G(self, k: int):
        """``(k mod n) * G`` as an oracle tuple."""
        k %= self.n
        R = None
        i = 0
        while k:
            d = k & 15
            if d:
                R = reference.add(self.ref, R, self._table[i][d])
            k >>= 4
            i += 1
        return R

    def mul(self, k: int, P):
        """``k * P`` straight from ``reference.mul`` (slow on big curves)."""
        return reference.mul(self.ref, k, P)


@functools.cache
def _oracle_of(params) -> Oracle:
    return Oracle(ect.curve(params.name))


def oracle(C: ect.Curve) -> Oracle:
    """The (cached) :class:`Oracle` of a named curve."""
    return _oracle_of(C.params)


# ---- scalars ---------------------------------------------------------------


@functools.cache
def _edge_scalars(params) -> tuple[int, ...]:
    """Scalars in [0, n) where multiplication code tends to break."""
    n = params.n
    bits = n.bit_length()
    vals = {0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, n - 1, n - 2, n - 3, n // 2, n // 2 + 1, n // 2 - 1}
    vals |= {(1 << b) + d for b in (bits - 1, bits - 2, 63, 64, 127, 128, 129, bits // 2) for d in (-1, 0, 1)}
    vals |= {n - (1 << b) for b in (32, 64, 128, bits // 2)}
    vals |= {(1 << 128) - 1, (1 << 127) + 12345, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA}
    vals |= set(glv_edge_scalars(params))
    return tuple(sorted({v % n for v in vals}))


def glv_edge_scalars(params) -> list[int]:
    """For a GLV curve: scalars near small combinations ``a + b*lambda`` and near the
    rounding boundaries of the split (``b*k/n`` close to a half-integer).  The parameters are the
    library's (``curves.glv_parameters``, the basis the core splits with), not the oracle's own."""
    g = glv_parameters(params)
    if g is None:
        return []
    n, lam = params.n, g.lam
    vals = []
    for a in range(-3, 4):
        for b in range(-3, 4):
            vals.append((a + b * lam) % n)
    vals += [v % n for v in (g.a1, g.b1, g.a2, g.b2, lam * lam, -lam, g.bound, -g.bound, g.bound * lam)]
    for coef in (g.b1, g.b2):
        c = abs(coef)
        if c == 0:
            continue
        for j in range(4):
            mid = ((2 * j + 1) * n) // (2 * c)
            vals += [(mid + d) % n for d in (-1, 0, 1)]
    return vals


def scalars(C: ect.Curve) -> st.SearchStrategy[int]:
    """Scalars in [0, n): edge values, uniform values, small and ~128-bit values."""
    n = C.n
    return st.one_of(
        st.sampled_from(_edge_scalars(C.params)),
        st.integers(0, n - 1),
        st.integers(0, 1 << 20).map(lambda v: v % n),
        st.integers(1 << 120, 1 << 130).map(lambda v: v % n),
    )


def wide_scalars(C: ect.Curve) -> st.SearchStrategy[int]:
    """Any int, as the public API accepts it: negative, >= n, beyond the limbs."""
    n = C.n
    L = C._core.scalar_limbs
    wide = [
        n, n + 1, n + 2, 2 * n - 1, 2 * n, 3 * n + 5, -1, -2, -n, -(n - 1), -(n + 1), -2 * n,
        (1 << n.bit_length()) - 1, (1 << (8 * C.scalar_bytes)) - 1, (1 << (64 * L)) - 1, 1 << (64 * L), 1 << 600,
        -(1 << (64 * L)),
    ]
    return st.one_of(
        scalars(C),
        st.sampled_from(wide),
        st.integers(-(1 << 700), 1 << 700),
        st.integers(-n, -1),
    )


# ---- points ------------------------------------------------------------------


def points(C: ect.Curve) -> st.SearchStrategy[ect.Point]:
    """``k * G`` for k from :func:`scalars` (the identity included)."""
    G = C.generator
    return scalars(C).map(lambda k: k * G)


def curve_names(names=BIG) -> st.SearchStrategy[str]:
    """A curve name (by default every named curve and toy61)."""
    return st.sampled_from(list(names))


def z_edges(C: ect.Curve) -> list[int]:
    """Nonzero edge Jacobian Z: 1, -1, 2, (p +- 1)/2 and the values stored as Montgomery 1 and -1."""
    p = C.p
    Rinv = pow(1 << (64 * C._core.limbs), -1, p)
    edges = [1, p - 1, 2, (p - 1) // 2, (p + 1) // 2, Rinv, p - Rinv, 2 * Rinv % p]
    return [z for z in edges if z % p]


def z_values(C: ect.Curve) -> st.SearchStrategy[int]:
    """Nonzero Jacobian Z: the edges of z_edges, and random."""
    return st.one_of(st.sampled_from(z_edges(C)), st.integers(1, C.p - 1))


@functools.cache
def _full_group_of(params) -> tuple:
    return tuple(reference.enumerate_points(params))


def full_group(C) -> tuple:
    """Every point of E(F_p) of a toy curve (a ``Curve`` or a name), from
    ``reference.enumerate_points``: ``None`` first, then sorted by (x, y)."""
    return _full_group_of((ect.curve(C) if isinstance(C, str) else C).params)


#: A custom curve with a = -3 (p = 43, b = 10, prime order 37, G = (0, 15)): the
#: named tiny curves have a = 0 or generic a, so this one reaches the a = -3
#: doubling formula exhaustively.
MINUS3 = dict(p=43, a=-3, b=10, gx=0, gy=15, n=37)
# a = -3 with cofactor 4 and all three points of order 2 (2-torsion Z/2 x Z/2):
# the a = -3 doubling must send each of them to the identity.
MINUS3_H4 = dict(p=47, a=-3, b=3, gx=34, gy=30, n=13, h=4)


# ---------------------------------------------------------------------------
# Traversal engines and token vocabularies (tests/test_context.py, test_traverse.py)
# ---------------------------------------------------------------------------


@functools.cache
def engine(name: str, namespace: str = "default", key: bytes | None = None) -> Traversal:
    """One engine per (curve, namespace, key), shared by every example (its vocabulary stays open)."""
    return Traversal(name, namespace=namespace, key=key)


SMALL_VOCAB = st.sampled_from(["a", "b", "c"])
LARGE_VOCAB = st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=6),
    st.integers(-(2**63), 2**63 - 1),
)
VOCABS = {"small": SMALL_VOCAB, "large": LARGE_VOCAB}
