"""Curves, points and batches of points: the typed, validated public face of the core.

:class:`Curve` is the prime-order group ``G`` of a curve (named or custom).
:class:`Point` is one immutable, hashable element of it; :class:`PointArray` a
NumPy-backed batch whose operations run in the compiled core with the GIL
released.  Every value from outside is checked here, once, so nothing past this
module can see an invalid point.

Points are kept in Jacobian coordinates and normalised lazily: ``P + Q`` and
``k * P`` never invert; ``==`` compares projectively; encodings, ``x``, ``y``
and ``hash`` normalise once and cache.

The arithmetic is variable-time: for public data, not secret keys.

Example:
    >>> import ectraverse as ect
    >>> C = ect.curve("secp256k1")
    >>> P = 3 * C.generator
    >>> P == C.generator + C.generator + C.generator
    True
    >>> C.decode(P.to_bytes()) == P, P.to_bytes().hex()[:10]
    (True, '02f9308a01')
    >>> (C.n - 1) * C.generator == -C.generator
    True
"""

from __future__ import annotations

import operator
import os
import threading
from collections.abc import Iterable, Mapping, Sequence, Set

import numpy as np

try:
    from ectraverse import _ec
except ImportError as exc:  # say what to do, not "cannot import name '_ec' from partially initialized module"
    import importlib.util

    _root = os.path.dirname(os.path.dirname(__file__))
    if importlib.util.find_spec("ectraverse._ec") is None:
        raise ImportError(
            f"ectraverse's compiled core (ectraverse._ec) is not built in {_root!r}. "
            "Install the package (pip install .) and run from outside the checkout, or build the core in "
            "place: python setup.py build_ext --inplace (docs/install.md)"
        ) from exc
    raise ImportError(
        f"ectraverse's compiled core (ectraverse._ec) in {_root!r} is there but does not load ({exc}). "
        "Rebuild it for this Python: python setup.py build_ext --inplace, or pip install ."
    ) from exc
from ectraverse import rfc9380
from ectraverse.curves import MAX_FIELD_BITS, CurveParams, curve_names, glv_parameters, named_params, validate_params
from ectraverse.errors import (CurveMismatchError, InvalidCurveError, NotInSubgroupError, UnknownSuiteError,
                               _BuiltAgainOnLoad, _Immutable)

__all__ = ["Curve", "Point", "PointArray", "curve", "curve_names", "hash_to_curve", "encode_to_curve",
           "limbs_to_scalars", "scalars_to_limbs"]

_NOT_SCALARS = (bool, float, complex, np.bool_, np.floating, np.complexfloating)

#: What messages and tags may be (hash-to-curve reads any such buffer).
_BytesLike = bytes | bytearray | memoryview

#: The fewest rows per thread of a threaded :meth:`PointArray.msm_limbs`: below this, a
#: thread's share of the work saves too little over starting it (two threads take 0.55-0.66
#: of one from 2,048 rows, 0.68-0.83 at 1,024, on secp256k1, P-256 and BLS12-381).
MSM_ROWS_PER_THREAD = 1024


def _scalar(k):
    """k as an int, None for a type that is not ours to judge; TypeError for bool/float."""
    if k.__class__ is int:
        return k
    if isinstance(k, _NOT_SCALARS):
        raise TypeError(f"scalar must be an int, not {type(k).__name__}")
    try:
        return operator.index(k)
    except TypeError:
        return None


def _as_int(what: str, v) -> int:
    if v.__class__ is int:
        return v
    if not isinstance(v, bool):
        try:
            return operator.index(v)
        except TypeError:
            pass
    raise TypeError(f"{what} must be an int, not {type(v).__name__}")


def _unordered(x) -> str:
    """Why a set or a mapping is not taken for a sequence, for a TypeError's message ("" for others)."""
    if isinstance(x, Set):
        return " (a set has no order)"
    return " (iterating a mapping gives only its keys)" if isinstance(x, Mapping) else ""


def _scalar_list(scalars) -> Sequence:
    """scalars as a sequence (not a str, bytes, set or mapping); TypeError otherwise."""
    if isinstance(scalars, (str, bytes, bytearray, Set, Mapping)) or not isinstance(scalars, Iterable):
        raise TypeError(f"scalars must be a sequence of ints, not {type(scalars).__name__}{_unordered(scalars)}")
    if isinstance(scalars, np.ndarray):
        if scalars.ndim != 1:
            raise (TypeError if scalars.ndim == 0 else ValueError)(
                f"scalars must be a one-dimensional sequence of ints, not a {scalars.ndim}-dimensional array"
            )
        return scalars
    return scalars if isinstance(scalars, Sequence) else list(scalars)


class Curve(_BuiltAgainOnLoad, _Immutable):
    """The prime-order subgroup ``G`` of ``y^2 = x^3 + a*x + b`` over ``F_p``.

    Named curves come from :func:`curve`; the constructor builds and validates
    a custom curve.

    Args:
        name: a label for messages and ``repr``: a non-empty ``str`` of at
            most 255 bytes in UTF-8 (contexts store it with a one-byte length).
        p, a, b: field prime and coefficients (``a`` and ``b`` are reduced mod p).
        gx, gy: a generator of the order-``n`` subgroup.
        n: the prime order of the generator.
        h: the cofactor ``#E / n``.

    Raises:
        TypeError: if a parameter is not an int, or the name not a str.
        InvalidCurveError: if a check fails (see ``curves.validate_params``);
            oversized numbers are refused before any costly check.

    Example:
        >>> C = Curve(name="tiny", p=43, a=1, b=3, gx=2, gy=20, n=47)
        >>> C.n * C.generator == C.identity
        True
        >>> Curve(name="bad", p=43, a=1, b=3, gx=2, gy=21, n=47)
        Traceback (most recent call last):
        ...
        ectraverse.errors.InvalidCurveError: generator (0x2, 0x15) is not on curve 'bad'.
    """

    __slots__ = ("_params", "_core", "_generator", "_identity", "_maps", "__weakref__")

    def __init__(self, name: str = "custom", *, p: int, a: int, b: int, gx: int, gy: int, n: int, h: int = 1):
        values = {"p": p, "a": a, "b": b, "gx": gx, "gy": gy, "n": n, "h": h}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{key} must be an int, not {type(value).__name__}")
        if 3 < p and p.bit_length() <= MAX_FIELD_BITS:  # validate_params refuses any other p, cheaply
            a, b = a % p, b % p
        params = CurveParams(name=name, p=p, a=a, b=b, gx=gx, gy=gy, n=n, h=h)
        validate_params(params)
        self._setup(params)

    @classmethod
    def _from_params(cls, params: CurveParams) -> Curve:
        self = cls.__new__(cls)
        self._setup(params)
        return self

    def _setup(self, params: CurveParams) -> None:
        glv = glv_parameters(params)
        glv_tuple = None if glv is None else (glv.beta, glv.lam, glv.a1, glv.b1, glv.a2, glv.b2)
        self._params = params
        self._core = _ec.CurveCore(params.name, params.p, params.a, params.b, params.gx, params.gy, params.n, glv_tuple)
        self._generator = Point._make(self, self._core.generator_raw)
        self._identity = Point._make(self, self._core.identity_raw)
        self._maps: dict[rfc9380.Suite, _ec.MapSuite] = {}  # by the whole suite: ids are the user's

    # ---- parameters --------------------------------------------------------

    @property
    def params(self) -> CurveParams:
        """The domain parameters."""
        return self._params

    @property
    def name(self) -> str:
        """The curve's name: a label for messages and ``repr``, and part of its identity."""
        return self._params.name

    @property
    def generator(self) -> Point:
        """The base point G of the order-n subgroup."""
        return self._generator

    @property
    def identity(self) -> Point:
        """The identity (the point at infinity)."""
        return self._identity

    @property
    def p(self) -> int:
        """The field prime."""
        return self._params.p

    @property
    def a(self) -> int:
        """The coefficient ``a`` of ``y^2 = x^3 + a*x + b`` (in ``[0, p)``)."""
        return self._params.a

    @property
    def b(self) -> int:
        """The coefficient ``b`` of ``y^2 = x^3 + a*x + b`` (in ``[0, p)``)."""
        return self._params.b

    @property
    def n(self) -> int:
        """The prime order of the generator: scalars are reduced mod n."""
        return self._params.n

    @property
    def h(self) -> int:
        """The cofactor ``#E / n``."""
        return self._params.h

    @property
    def field_bytes(self) -> int:
        """Bytes of one SEC1 coordinate, ``ceil(bits(p) / 8)``."""
        return self._params.field_bytes

    @property
    def scalar_bytes(self) -> int:
        """Bytes of one big-endian scalar, ``ceil(bits(n) / 8)``."""
        return self._params.scalar_bytes

    @property
    def has_glv(self) -> bool:
        """True if scalar multiplication splits scalars with the GLV endomorphism."""
        return self._core.has_glv

    @property
    def fixed_size_field(self) -> bool:
        """True if the field's size has a compiled build of its own (256, 384 or 521 bits: unrolled limbs)."""
        return self._core.fast_path

    def __repr__(self) -> str:
        return f"Curve({self.name!r})"

    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if not isinstance(other, Curve):
            return NotImplemented
        return self._params == other._params

    def __hash__(self) -> int:
        return hash(self._params)

    def __reduce__(self):
        if _NAMED.get(self.name) is self:
            return (curve, (self.name,))
        prm = self._params
        return (_custom_curve, (prm.name, prm.p, prm.a, prm.b, prm.gx, prm.gy, prm.n, prm.h))

    # ---- points ------------------------------------------------------------

    def point(self, x: int, y: int) -> Point:
        """The point ``(x, y)``, validated.

        Raises:
            TypeError: if x or y is not an int (NumPy integers are accepted).
            NotOnCurveError: if (x, y) is not on the curve (or out of [0, p)).
            NotInSubgroupError: if the cofactor is > 1 and the point is outside ``G``.
        """
        x, y = _as_int("x", x), _as_int("y", y)
        return self._checked(self._core.from_affine(x, y))

    def decode(self, data) -> Point:
        """A point from its SEC1 encoding: ``02/03 || x``, ``04 || x || y``, or ``00`` (identity).

        Raises:
            TypeError: if data is not bytes-like.
            EncodingError: wrong length or prefix, or a coordinate >= p.
            NotOnCurveError: not on the curve, or no y for a compressed x.
            NotInSubgroupError: the cofactor is > 1 and the point is outside ``G``.
        """
        return self._checked(self._core.decode(data))

    def _checked(self, raw: bytes) -> Point:
        if self._params.h != 1 and not self._core.in_subgroup(raw):
            raise NotInSubgroupError(
                f"Point is on {self.name!r} but not in its subgroup of order n = {self.n:#x} (cofactor {self.h})."
            )
        return Point._make(self, raw)

    def msm(self, points: Iterable[Point], scalars: Iterable[int]) -> Point:
        """``sum(k_i * P_i)`` as one multi-scalar multiplication (Straus or Pippenger).

        Raises:
            CurveMismatchError: a point belongs to another curve.
            ValueError: the numbers of points and scalars differ.
        """
        arr = points if isinstance(points, PointArray) else PointArray(self, points)
        arr._check_curve(self)
        return arr.msm(scalars)

    def coefficient_merge(self, parts, scales) -> tuple[np.ndarray, np.ndarray]:
        """Coefficient rows sorted by id, merged by id with each part scaled: ``(ids, limbs)``, the
        union of the parts' ids, ascending, and per id the sum of ``scales[q] * row`` over the rows
        with that id, mod n, as merging compositions needs them (``Traversal.merge_coefficients``).

        In C with the GIL released: a k-way merge that reads each part once, in order, and writes
        the result once, in order; one product and one sum a row (no product for a scale of 1).

        Args:
            parts: ``(ids, limbs)`` pairs: ids one-dimensional ints, non-negative and ascending
                (equal ids are summed); limbs a ``(len(ids), scalar_limbs)`` uint64 array, each row
                a scalar below n (the form of :meth:`composition_coefficients`).
            scales: one int a part (reduced mod n).

        Returns:
            ``(ids, limbs)``: int64 ids and a ``(len(ids), scalar_limbs)`` uint64 array.

        Raises:
            TypeError: limbs is not a NumPy array; ids are not ints; a scale is not an int.
            ValueError: wrong shapes or dtype; ids negative, descending or past 2**63; a row not
                below n; not one scale a part.

        Example:
            >>> C = curve("toy61")
            >>> a = ([0, 2], scalars_to_limbs(C, [1, 2]))
            >>> b = ([2, 3], scalars_to_limbs(C, [3, 4]))
            >>> ids, rows = C.coefficient_merge([a, b], [5, 1])
            >>> ids.tolist(), limbs_to_scalars(rows).tolist()
            ([0, 2, 3], [5, 13, 4])
        """
        w = self._core.scalar_limbs
        checked = []
        for q, part in enumerate(parts):
            if not isinstance(part, (tuple, list)) or len(part) != 2:
                kind = type(part).__name__
                if isinstance(part, (tuple, list)):
                    kind = f"a {kind} of {len(part)}"
                raise TypeError(f"parts must be (ids, limbs) pairs, not {kind} (part {q})")
            ids, limbs = part
            if not isinstance(limbs, np.ndarray):
                raise TypeError(f"limbs must be a NumPy array, not {type(limbs).__name__}")
            if limbs.dtype != np.uint64 or limbs.ndim != 2 or limbs.shape[1] != w:
                raise ValueError(f"limbs must be a uint64 array of shape (M, {w}), "
                                 f"not {limbs.dtype} of shape {limbs.shape}")
            if not isinstance(ids, np.ndarray):
                if isinstance(ids, (str, bytes, bytearray, Set, Mapping)) or not isinstance(ids, Iterable):
                    raise TypeError(f"ids must be a sequence of ints, not {type(ids).__name__}{_unordered(ids)}")
                ids = [_as_int("ids", i) for i in ids]  # each an int: a float is refused, not truncated
                if ids and not 0 <= min(ids) <= max(ids) < 1 << 63:
                    raise ValueError("ids must be ints in [0, 2**63)")
                ids = np.array(ids, dtype=np.int64)
            if ids.ndim != 1 or ids.shape[0] != limbs.shape[0]:
                raise ValueError(f"ids must be one-dimensional with one entry per row of limbs ({limbs.shape[0]}), "
                                 f"not of shape {ids.shape}")
            if ids.size and (ids.dtype.kind == "O" or ids.dtype == np.uint64 and int(ids.max()) >= 1 << 63):
                raise ValueError("ids must be ints in [0, 2**63)")  # ints too large for int64
            if ids.size and ids.dtype.kind not in "iu":
                raise TypeError(f"ids must be ints, not {ids.dtype}")
            checked.append((ids, limbs))
        return self._core.coefficient_merge(checked, [_as_int("scales", k) for k in scales])

    def composition_coefficients(self, indices, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The scalars of a composition, per distinct index: ``sum(k^(L-1-i) * P[indices[i]])`` is
        ``sum(c_d * P[d])`` over the distinct indices d, with ``c_d = sum of k^(L-1-i) over indices[i] = d``.

        Integer work only (in C with the GIL released: one sum mod n per index, and one product per index
        or, from 16,384 indices on, per distinct index in each block of 8,192): the
        first half of :meth:`PointArray.horner`, for callers that merge coefficients before one
        multi-scalar multiplication (:meth:`PointArray.msm_limbs`).

        Args:
            indices: a one-dimensional sequence or array of non-negative ints.
            k: the multiplier (an int; reduced mod n).

        Returns:
            ``(distinct, limbs)``: the distinct indices, ascending (int64), and their coefficients as a
            ``(len(distinct), scalar_limbs)`` uint64 array, each row one scalar in ``[0, n)`` as 64-bit
            limbs, least significant first (:func:`limbs_to_scalars` reads them).

        Raises:
            TypeError: k or an index is not an int.
            IndexError: a negative index.

        Example:
            >>> C = curve("toy61")
            >>> d, c = C.composition_coefficients([2, 0, 2], 5)
            >>> d.tolist(), limbs_to_scalars(c).tolist() == [5, (25 + 1) % C.n]
            ([0, 2], True)
        """
        k = _as_int("k", k)
        idx = _checked_indices(indices, 1 << 62, what="composition indices", mask=False)  # non-negative: below
        if idx.size == 0:
            return np.empty(0, dtype=np.int64), np.empty((0, self._core.scalar_limbs), dtype=np.uint64)
        if idx.min() < 0:
            raise IndexError(f"composition indices must be non-negative, not {int(idx.min())}")
        distinct, indices, remap = _distinct_lookup(idx, int(idx.max()) + 1)
        limbs = self._core.composition_coefficients(indices, len(distinct), k, remap)
        return distinct.astype(np.int64), limbs

    @property
    def scalar_limbs(self) -> int:
        """64-bit limbs of one scalar in the limb arrays of :meth:`composition_coefficients`."""
        return self._core.scalar_limbs

    def multiply_generator(self, scalars: Iterable[int]) -> PointArray:
        """``[k * G for k in scalars]`` in one call, through the fixed-base table.

        Example:
            >>> C = curve("P-256")
            >>> C.multiply_generator([1, 2])[1] == 2 * C.generator
            True
        """
        return PointArray._wrap(self, self._core.batch_mul_gen(_scalar_list(scalars)))


    # ---- hashing to the curve (RFC 9380) -------------------------------------

    def _suite(self, suite, random_oracle: bool, caller: str) -> rfc9380.Suite:
        """The Suite object for an id, a Suite, or None (this curve's default), of the kind the caller
        computes: a random-oracle ``_RO_`` suite or a nonuniform ``_NU_`` one."""
        if suite is None:
            return rfc9380.default_suite(self._params, random_oracle=random_oracle)
        s = suite if isinstance(suite, rfc9380.Suite) else rfc9380.suite(suite)
        if s.curve != self.name:
            raise CurveMismatchError(f"Suite {s.id!r} is for curve {s.curve!r}, not {self.name!r}.")
        if s.random_oracle != random_oracle:
            kind = "a random-oracle (_RO_)" if random_oracle else "a nonuniform (_NU_)"
            raise UnknownSuiteError(f"{caller} needs {kind} suite, not {s.id!r}.")
        return s

    def _map(self, s: rfc9380.Suite) -> _ec.MapSuite:
        ms = self._maps.get(s)
        if ms is not None:
            return ms
        with _LAZY_LOCK:
            ms = self._maps.get(s)
            if ms is not None:
                return ms
            prm = self._params
            width = 64 * self._core.scalar_limbs
            if s.h_eff.bit_length() > width:
                raise InvalidCurveError(
                    f"hash_to_curve on curve {self.name!r} clears the cofactor with one scalar of at most "
                    f"{width} bits (as wide as n), and its cofactor h_eff has {s.h_eff.bit_length()} bits: "
                    f"n is too small beside p to hash onto this curve."
                )
            if s.map == "SSWU":
                consts = (*rfc9380.sswu_constants(s, prm), 0)
            else:
                consts = rfc9380.svdw_constants(s, prm)
            ms = self._maps[s] = _ec.MapSuite(self._core, s.map, s.map_a, s.map_b, s.Z, *consts, s.iso, s.h_eff)
        return ms

    def _hash_raw(self, msgs: Sequence[bytes], dst: bytes, s: rfc9380.Suite) -> np.ndarray:
        us = rfc9380.field_elements(s, self._params, msgs, dst)
        ms = self._map(s)
        m = len(us)
        if s.random_oracle:
            both = ms.map([u[0] for u in us] + [u[1] for u in us])
            q = self._core.batch_add(np.ascontiguousarray(both[:m]), np.ascontiguousarray(both[m:]))
        else:
            q = ms.map([u[0] for u in us])
        return ms.clear(q)

    def hash_to_curve(self, msg: _BytesLike, dst: _BytesLike, *, suite=None) -> Point:
        """RFC 9380 ``hash_to_curve``: a point of ``G`` nobody knows the discrete log of.

        Args:
            msg: the message (bytes).
            dst: the domain-separation tag (bytes; longer than 255 bytes is hashed, per the RFC).
            suite: a suite id or ``rfc9380.Suite`` for this curve; default: the
                curve's standard ``_RO_`` suite, or its SvdW suite when the RFC
                defines none (BN254, toy and custom curves).

        Raises:
            TypeError: msg or dst is not bytes.
            UnknownSuiteError / CurveMismatchError: the suite is unknown or for another curve.
            InvalidCurveError: the cofactor is wider than n's scalars (a custom curve with n far below p).

        Example:
            >>> C = curve("secp256k1")
            >>> P = C.hash_to_curve(b"abc", b"QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_")
            >>> hex(P.x)[:18]
            '0x3377e01eab42db29'
        """
        s = self._suite(suite, True, "hash_to_curve")
        return Point._make(self, self._hash_raw([msg], dst, s)[0].tobytes())

    def encode_to_curve(self, msg: _BytesLike, dst: _BytesLike, *, suite=None) -> Point:
        """RFC 9380 ``encode_to_curve`` (the nonuniform ``_NU_`` encoding); see :meth:`hash_to_curve`."""
        s = self._suite(suite, False, "encode_to_curve")
        return Point._make(self, self._hash_raw([msg], dst, s)[0].tobytes())

    def hash_to_curve_batch(self, msgs: Iterable[_BytesLike], dst: _BytesLike, *, suite=None, random_oracle: bool = True) -> PointArray:
        """``[hash_to_curve(m, dst) for m in msgs]`` in one call, the field work in C with shared inversions.

        Example:
            >>> C = curve("P-256")
            >>> A = C.hash_to_curve_batch([b"a", b"b"], b"demo-dst")
            >>> A[1] == C.hash_to_curve(b"b", b"demo-dst")
            True
        """
        if isinstance(msgs, (bytes, bytearray, memoryview, str, Set, Mapping)) or not isinstance(msgs, Iterable):
            raise TypeError(f"msgs must be a sequence of bytes, not {type(msgs).__name__}{_unordered(msgs)}")
        s = self._suite(suite, random_oracle,
                        "hash_to_curve_batch" if random_oracle else "hash_to_curve_batch(random_oracle=False)")
        return PointArray._wrap(self, self._hash_raw(list(msgs), dst, s))


def hash_to_curve(msg: _BytesLike, dst: _BytesLike, suite: str) -> Point:
    """RFC 9380 ``hash_to_curve`` for a suite id such as ``"P256_XMD:SHA-256_SSWU_RO_"``.

    Example:
        >>> P = hash_to_curve(b"", b"QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_", "P256_XMD:SHA-256_SSWU_RO_")
        >>> hex(P.x)[:18]
        '0x2c15230b26dbc6fc'
    """
    s = rfc9380.suite(suite)
    return curve(s.curve).hash_to_curve(msg, dst, suite=s)


def encode_to_curve(msg: _BytesLike, dst: _BytesLike, suite: str) -> Point:
    """RFC 9380 ``encode_to_curve`` for a suite id such as ``"P256_XMD:SHA-256_SSWU_NU_"``."""
    s = rfc9380.suite(suite)
    return curve(s.curve).encode_to_curve(msg, dst, suite=s)


_NAMED: dict[str, Curve] = {}
# Guards the lazily grown state of this module: the named-curve registry and each
# curve's hash-to-curve maps (readers that find what they need take no lock).
_LAZY_LOCK = threading.RLock()


def curve(name: str) -> Curve:
    """The named curve (built once, then shared); aliases and case are accepted.

    Names: ``secp256k1``, ``P-256`` (``secp256r1``, ``prime256v1``), ``P-384``
    (``secp384r1``), ``P-521`` (``secp521r1``), ``BN254`` (``alt_bn128``, its
    G1), ``BLS12-381`` (its G1), and the toy curves ``toy-a0``, ``toy-b0``,
    ``toy-h4``, ``toy-plot``, ``toy61``.

    Raises:
        UnknownCurveError: no curve has that name.

    Example:
        >>> curve("secp256r1") is curve("P-256")
        True
    """
    params = named_params(name)
    found = _NAMED.get(params.name)
    if found is None:
        with _LAZY_LOCK:  # one Curve per name, even when threads ask at once
            found = _NAMED.get(params.name)
            if found is None:
                found = _NAMED[params.name] = Curve._from_params(params)
    return found


def _custom_curve(name, p, a, b, gx, gy, n, h):
    return Curve(name, p=p, a=a, b=b, gx=gx, gy=gy, n=n, h=h)


def _checked_indices(indices, m: int, *, what: str = "PointArray indices", mask: bool = True) -> np.ndarray:
    """indices (ints in [-m, m), or a boolean mask of length m) as an intp array; see PointArray.take.
    With ``mask=False`` (indices that do not index an array of m points) booleans are refused and an
    index past the bound is reported against ``[0, m)``."""
    if isinstance(indices, (str, bytes, bytearray)):
        raise TypeError(f"indices must be ints, not {type(indices).__name__}")
    if not isinstance(indices, np.ndarray):
        indices = list(indices)
        kinds = {type(i) is bool or isinstance(i, np.bool_) for i in indices}
        if True in kinds and not mask:
            raise TypeError(f"{what} must be ints, not booleans")
        if len(kinds) > 1:
            raise TypeError("indices must be all ints or all booleans (a mask), not a mix of both")
    idx = np.asarray(indices)
    if idx.ndim != 1:
        raise ValueError(f"indices must be one-dimensional, not {idx.ndim}-dimensional")
    if idx.dtype == np.bool_:
        if not mask:
            raise TypeError(f"{what} must be ints, not booleans")
        if idx.shape[0] != m:
            raise IndexError(f"a boolean mask must have one entry per point ({m}), not {idx.shape[0]}")
        return np.flatnonzero(idx)
    if idx.size == 0:
        return np.empty(0, dtype=np.intp)
    if idx.dtype.kind == "O":  # ints too large for any integer dtype, or other objects
        for i in idx:
            _as_int("indices", i)  # TypeError for what is not an int
        lo, hi = min(idx), max(idx)
    elif idx.dtype.kind in "iu":
        lo, hi = int(idx.min()), int(idx.max())  # compared as Python ints: no wrap-around
    else:
        raise TypeError(f"indices must be ints, not {idx.dtype}")
    if lo < -m or hi >= m:
        bad = lo if lo < -m else hi
        raise IndexError(f"{what} must be in " + (f"[-{m}, {m}) for length {m}" if mask else f"[0, {m})")
                         + f", not {bad}")
    return idx.astype(np.intp, copy=False)  # callers never write to it: it may be the caller's array


def _distinct_lookup(idx: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(the distinct values of idx in [0, m), ascending; indices; remap): position i's index among
    them is ``remap[indices[i]]``, or ``indices[i]`` when remap is None.  When idx is long against m,
    by marking in O(L + m), with no array per position (indices is idx, remap has m entries); else by
    NumPy's sort (indices is the inverse, remap None)."""
    if idx.shape[0] * 8 < m:
        distinct, inverse = np.unique(idx, return_inverse=True)
        return distinct, inverse, None
    seen = np.zeros(m, dtype=bool)
    seen[idx] = True
    distinct = np.flatnonzero(seen)
    remap = np.empty(m, dtype=np.int64)
    remap[distinct] = np.arange(distinct.shape[0])
    return distinct, idx, remap


def limbs_to_scalars(limbs: np.ndarray) -> np.ndarray:
    """Scalars given as 64-bit limbs (least significant first, one row each) as a NumPy array of
    Python ints (dtype object), for exact integer arithmetic on them.

    Raises:
        ValueError: limbs is not two-dimensional, or holds a negative limb.
        TypeError: limbs are not integers.

    Example:
        >>> limbs_to_scalars(np.array([[1, 2]], dtype=np.uint64)).tolist() == [1 + (2 << 64)]
        True
    """
    limbs = np.asarray(limbs)
    if limbs.ndim != 2:
        raise ValueError(f"limbs must be a two-dimensional array, one row of 64-bit limbs per scalar, "
                         f"not {limbs.ndim}-dimensional")
    if limbs.dtype.kind == "O" or limbs.size == 0:  # Python ints (checked one by one), or nothing at all
        values = [_as_int("limbs", v) for v in limbs.ravel().tolist()]
        if any(not 0 <= v < 1 << 64 for v in values):
            raise ValueError("limbs must be in [0, 2^64)")
        limbs = np.array(values, dtype=np.uint64).reshape(limbs.shape)
    if limbs.dtype.kind not in "iu" or limbs.dtype.itemsize > 8:
        raise TypeError(f"limbs must be an array of 64-bit unsigned ints, not {limbs.dtype}")
    if limbs.dtype.kind == "i" and limbs.size and limbs.min() < 0:
        raise ValueError(f"limbs must be non-negative, not {int(limbs.min())}")
    limbs = limbs.astype(np.uint64, copy=False)
    out = np.zeros(limbs.shape[0], dtype=object)
    for j in range(limbs.shape[1] - 1, -1, -1):  # Horner in 2^64, most significant limb first
        out = (out << 64) | limbs[:, j].astype(object)
    return out


def scalars_to_limbs(curve: Curve, scalars) -> np.ndarray:
    """Python ints (reduced mod n) as a ``(len, curve.scalar_limbs)`` uint64 limb array, least
    significant limb first: the form :meth:`PointArray.msm_limbs` takes.

    Raises:
        TypeError: scalars is not a sequence of ints (a float, a bool, a str among them).
        ValueError: an array of scalars that is not one-dimensional.

    Example:
        >>> C = curve("secp256k1")
        >>> limbs_to_scalars(scalars_to_limbs(C, [-1, 5])).tolist() == [C.n - 1, 5]
        True
    """
    scalars = _scalar_list(scalars)
    if isinstance(scalars, np.ndarray) and (scalars.dtype.kind in "iu" or scalars.size == 0):
        vals = scalars.astype(object)
    elif isinstance(scalars, np.ndarray) and scalars.dtype.kind != "O":
        raise TypeError(f"scalars must be ints, not {scalars.dtype}")
    else:
        vals = np.asarray([_as_int("scalars", s) for s in scalars], dtype=object)
    vals = vals.reshape(-1) % curve.n
    w = curve._core.scalar_limbs
    out = np.empty((vals.shape[0], w), dtype=np.uint64)
    mask = (1 << 64) - 1
    for j in range(w):
        out[:, j] = ((vals >> (64 * j)) & mask).astype(np.uint64)
    return out


def _limbs_below(limbs: np.ndarray, n: int) -> bool:
    """True if every row of little-endian limbs is a value below n (compared limb by limb, most significant first)."""
    w = limbs.shape[1]
    nl = np.array([(n >> (64 * j)) & ((1 << 64) - 1) for j in range(w)], dtype=np.uint64)
    undecided = np.ones(limbs.shape[0], dtype=bool)
    for j in range(w - 1, -1, -1):
        col = limbs[:, j]
        if (undecided & (col > nl[j])).any():
            return False
        undecided &= col == nl[j]
    return not undecided.any()  # equal to n in every limb


def _same_curve(c1: Curve, c2: Curve) -> None:
    if c1 is not c2 and c1._params != c2._params:
        if c1.name != c2.name:
            raise CurveMismatchError(f"Cannot combine points of {c1.name!r} and {c2.name!r}.")
        raise CurveMismatchError(f"Cannot combine points of two different curves both named {c1.name!r} "
                                 f"(their domain parameters differ: {_differences(c1._params, c2._params)}).")


def _differences(a: CurveParams, b: CurveParams) -> str:
    return ", ".join(key for key in ("p", "a", "b", "gx", "gy", "n", "h") if getattr(a, key) != getattr(b, key))


class Point(_BuiltAgainOnLoad, _Immutable):
    """An element of a curve's prime-order group; immutable and hashable.

    Build points with ``curve.point(x, y)``, ``curve.decode(data)``,
    ``Point.from_bytes(curve, data)``, or arithmetic on ``curve.generator``.

    Supports ``P + Q``, ``P - Q``, ``-P``, ``k * P`` and ``P * k`` (``k`` an
    int, reduced mod n, negative allowed), and ``==``.  ``k * curve.generator``
    uses the curve's precomputed fixed-base table (built on first use).

    Example:
        >>> C = curve("toy-plot")
        >>> G = C.generator
        >>> (G.x, G.y), (2 * G - G) == G, (C.n * G).is_identity
        ((2, 20), True, True)
    """

    __slots__ = ("_curve", "_raw", "_enc", "_xy")

    def __init__(self, curve: Curve, x: int, y: int):
        if not isinstance(curve, Curve):
            raise TypeError(f"curve must be a Curve, not {type(curve).__name__}")
        other = curve.point(x, y)
        self._curve, self._raw, self._enc, self._xy = curve, other._raw, None, None

    @classmethod
    def _make(cls, curve: Curve, raw: bytes) -> Point:
        self = object.__new__(cls)
        self._curve = curve
        self._raw = raw
        self._enc = None
        self._xy = None
        return self

    @classmethod
    def from_bytes(cls, curve: Curve, data) -> Point:
        """Same as ``curve.decode(data)``."""
        if not isinstance(curve, Curve):
            raise TypeError(f"curve must be a Curve, not {type(curve).__name__}")
        return curve.decode(data)

    @property
    def curve(self) -> Curve:
        """The curve the point is on."""
        return self._curve

    @property
    def is_identity(self) -> bool:
        """True for the identity (the point at infinity)."""
        return self._curve._core.is_identity(self._raw)

    def _affine(self) -> tuple[int, int]:
        if self._xy is None:
            xy = self._curve._core.affine(self._raw)
            if xy is None:
                raise ValueError(f"The identity of {self._curve.name!r} has no affine coordinates.")
            self._xy = xy
        return self._xy

    @property
    def x(self) -> int:
        """The affine x-coordinate (ValueError for the identity)."""
        return self._affine()[0]

    @property
    def y(self) -> int:
        """The affine y-coordinate (ValueError for the identity)."""
        return self._affine()[1]

    def to_bytes(self, compressed: bool = True) -> bytes:
        """SEC1 encoding: ``02/03 || x`` (compressed), ``04 || x || y``, or ``00`` for the identity."""
        if compressed:
            if self._enc is None:
                self._enc = self._curve._core.encode(self._raw, True)
            return self._enc
        return self._curve._core.encode(self._raw, False)

    def __bytes__(self) -> bytes:
        return self.to_bytes()

    # ---- arithmetic --------------------------------------------------------

    def __add__(self, other):
        if other.__class__ is not Point:
            return NotImplemented
        c = self._curve
        if other._curve is not c:
            _same_curve(c, other._curve)
        return Point._make(c, c._core.add(self._raw, other._raw))

    def __sub__(self, other):
        if other.__class__ is not Point:
            return NotImplemented
        c = self._curve
        if other._curve is not c:
            _same_curve(c, other._curve)
        return Point._make(c, c._core.sub(self._raw, other._raw))

    def __neg__(self):
        return Point._make(self._curve, self._curve._core.neg(self._raw))

    def __pos__(self):
        return self

    def __mul__(self, k):
        k = _scalar(k)
        if k is None:
            return NotImplemented
        c = self._curve
        if self is c._generator:  # the curve's own generator: fixed-base table
            return Point._make(c, c._core.mul_gen(k))
        return Point._make(c, c._core.mul(self._raw, k))

    __rmul__ = __mul__

    def double(self) -> Point:
        """``2 * P`` by one doubling."""
        return Point._make(self._curve, self._curve._core.double(self._raw))

    def __eq__(self, other):
        if other.__class__ is not Point:
            return NotImplemented
        c = self._curve
        if other._curve is not c and c._params != other._curve._params:
            return False
        return c._core.equal(self._raw, other._raw)

    def __hash__(self):
        return hash((self._curve._params.p, self._curve._params.n, self.to_bytes()))

    def __repr__(self):
        if self.is_identity:
            return f"Point({self._curve.name}, identity)"
        x, y = self._affine()
        return f"Point({self._curve.name}, x={x:#x}, y={y:#x})"

    def __reduce__(self):
        return (_decode_point, (self._curve, self.to_bytes()))


def _decode_point(curve: Curve, data: bytes) -> Point:
    if not isinstance(curve, Curve):
        raise TypeError(f"corrupt Point pickle: its curve must be a Curve, not {type(curve).__name__}")
    return curve.decode(data)


class PointArray(_BuiltAgainOnLoad, _Immutable):
    """A batch of points on one curve, backed by a NumPy array; operations run in C.

    Build it from points, or from concatenated SEC1 encodings with
    :meth:`from_bytes`; ``curve.multiply_generator`` also returns one.
    Element-wise ``A + B``, ``A - B``, ``-A``, ``A * scalars`` (one int per
    element, or a single int for all), and :meth:`sum`, :meth:`msm`,
    :meth:`to_bytes`.  Indexing gives a :class:`Point` (or a ``PointArray`` for
    a slice).  Immutable.

    Example:
        >>> C = curve("secp256k1")
        >>> A = C.multiply_generator([1, 2, 3])
        >>> B = PointArray(C, [C.generator] * 3)
        >>> (A + B)[2] == 4 * C.generator, A.msm([1, 1, 1]) == A.sum() == 6 * C.generator
        (True, True)
    """

    __slots__ = ("_curve", "_a")
    __array_ufunc__ = None  # numpy scalars defer to our __rmul__ instead of broadcasting

    def __init__(self, curve: Curve, points: Iterable[Point] = ()):
        if not isinstance(curve, Curve):
            raise TypeError(f"curve must be a Curve, not {type(curve).__name__}")
        raws = []
        for i, P in enumerate(points):
            if P.__class__ is not Point:
                raise TypeError(f"PointArray items must be Points, not {type(P).__name__} (at index {i})")
            if P._curve is not curve:
                _same_curve(curve, P._curve)
            raws.append(P._raw)
        self._curve = curve
        self._a = curve._core.batch_from_raws(raws) if raws else curve._core.new_batch(0)
        self._a.flags.writeable = False

    @classmethod
    def _wrap(cls, curve: Curve, arr: np.ndarray) -> PointArray:
        self = object.__new__(cls)
        self._curve = curve
        arr.flags.writeable = False
        self._a = arr
        return self

    @classmethod
    def from_bytes(cls, curve: Curve, data) -> PointArray:
        """A batch from concatenated SEC1 encodings (compressed, uncompressed or 0x00, mixed freely).

        Each record becomes a point of ``3 * 8 * limbs`` bytes, whatever its length: a 1-byte
        identity record takes 216 bytes on P-521 (bound untrusted input by its records).

        Raises:
            EncodingError / NotOnCurveError: naming the index and byte offset of the first bad record.
            NotInSubgroupError: cofactor > 1 and a point outside ``G``.
        """
        if not isinstance(curve, Curve):
            raise TypeError(f"curve must be a Curve, not {type(curve).__name__}")
        arr = curve._core.batch_decode(data)
        if curve.h != 1:
            bad = curve._core.batch_in_subgroup(arr)
            if bad >= 0:
                raise NotInSubgroupError(
                    f"point {bad} is on {curve.name!r} but not in its subgroup of order n (cofactor {curve.h})."
                )
        return cls._wrap(curve, arr)

    @property
    def curve(self) -> Curve:
        """The curve the points are on."""
        return self._curve

    def __len__(self) -> int:
        return self._a.shape[0]

    def __getitem__(self, index):
        if index.__class__ is int:  # the common case first: no bool, no conversion
            i = index
        elif isinstance(index, slice):
            return PointArray._wrap(self._curve, np.ascontiguousarray(self._a[index]))
        else:
            try:
                i = None if isinstance(index, (bool, np.bool_)) else operator.index(index)
            except TypeError:
                i = None
        if i is None:
            raise TypeError(f"PointArray index must be an int or a slice, not {type(index).__name__} "
                            "(take() takes a list or array of indices, or a boolean mask)")
        m = len(self)
        if not -m <= i < m:
            raise IndexError(f"PointArray index {i} out of range for length {m}")
        return Point._make(self._curve, self._a[i].tobytes())

    def take(self, indices) -> PointArray:
        """The points at the given indices, as a new array.

        Args:
            indices: a one-dimensional sequence or NumPy array of ints in
                ``[-len, len)`` (negative counts from the end, repeats
                allowed), or a boolean mask of length ``len`` (as NumPy).

        Raises:
            TypeError: indices that are not ints (floats, strs) or ints mixed
                with booleans.
            ValueError: not one-dimensional.
            IndexError: an index out of range, or a mask of another length.

        Example:
            >>> C = curve("toy61")
            >>> A = C.multiply_generator([1, 2, 3])
            >>> A.take([2, 0, 2])[0] == 3 * C.generator, len(A.take([True, False, True]))
            (True, 2)
        """
        return PointArray._wrap(self._curve, np.ascontiguousarray(self._a[_checked_indices(indices, len(self))]))

    def concat(self, other: PointArray) -> PointArray:
        """The points of this array followed by those of ``other``, as a new array.

        Raises:
            TypeError: other is not a PointArray.
            CurveMismatchError: other is on another curve.

        Example:
            >>> C = curve("toy61")
            >>> A = C.multiply_generator([1, 2]).concat(C.multiply_generator([3]))
            >>> len(A), A[2] == 3 * C.generator
            (3, True)
        """
        if not isinstance(other, PointArray):
            raise TypeError(f"concat needs a PointArray, not {type(other).__name__}")
        other._check_curve(self._curve)
        return PointArray._wrap(self._curve, np.concatenate((self._a, other._a)))

    def __iter__(self):
        c = self._curve
        for row in self._a:
            yield Point._make(c, row.tobytes())

    def __repr__(self) -> str:
        return f"PointArray({self._curve.name}, {len(self)} points)"

    def _check_curve(self, curve: Curve) -> None:
        if self._curve is not curve:
            _same_curve(curve, self._curve)

    def _check_peer(self, other: PointArray) -> None:
        other._check_curve(self._curve)
        if len(other) != len(self):
            raise ValueError(f"PointArrays must have the same length, not {len(self)} and {len(other)}")

    def __add__(self, other):
        if not isinstance(other, PointArray):
            return NotImplemented
        self._check_peer(other)
        return PointArray._wrap(self._curve, self._curve._core.batch_add(self._a, other._a, False))

    def __sub__(self, other):
        if not isinstance(other, PointArray):
            return NotImplemented
        self._check_peer(other)
        return PointArray._wrap(self._curve, self._curve._core.batch_add(self._a, other._a, True))

    def __neg__(self):
        return PointArray._wrap(self._curve, self._curve._core.batch_neg(self._a))

    def __mul__(self, scalars):
        if isinstance(scalars, (str, bytes, bytearray)):
            raise TypeError(f"scalars must be ints, not {type(scalars).__name__}")
        if isinstance(scalars, np.ndarray):
            if scalars.ndim == 0:  # one scalar, as NumPy broadcasts it
                scalars = scalars.item()
            else:
                scalars = _scalar_list(scalars)
        if not isinstance(scalars, (Sequence, np.ndarray)):
            k = _scalar(scalars)  # one int for every element
            if k is not None:
                scalars = [k] * len(self)
            elif isinstance(scalars, Iterable):  # an iterator, as msm and scaled take (a set or mapping refused)
                scalars = _scalar_list(scalars)
            else:
                return NotImplemented
        if len(scalars) != len(self):
            raise ValueError(f"expected {len(self)} scalars, not {len(scalars)}")
        return PointArray._wrap(self._curve, self._curve._core.batch_mul(self._a, scalars))

    __rmul__ = __mul__

    def horner(self, indices, k: int) -> Point:
        """``sum(k^(L-1-i) * self[indices[i]])``, the polynomial with these points as digits, at k.

        Horner's rule in the group (``S <- k S + self[t]`` for each index in
        order), computed as one multi-scalar multiplication over the distinct
        indices: the coefficient of each is accumulated mod n in C.  This is
        a context's point, with the vocabulary's generators as ``self``.

        Args:
            indices: a one-dimensional sequence or array of ints in ``[0, len)``.
            k: the multiplier (an int; reduced mod n).

        Raises:
            TypeError: k or an index is not an int.
            IndexError: an index out of range.

        Example:
            >>> C = curve("toy61")
            >>> A = C.multiply_generator([1, 2, 3])
            >>> A.horner([2, 0, 2], 5) == 25 * A[2] + 5 * A[0] + A[2]
            True
        """
        k = _as_int("k", k)
        idx = _checked_indices(indices, len(self))
        L = idx.shape[0]
        if L == 0:
            return self._curve.identity
        if L == 1:
            return self[idx[0]]
        if idx.min() < 0:  # negative indices count from the end, as everywhere else
            idx = idx % len(self)
        distinct, indices, remap = _distinct_lookup(idx, len(self))
        core = self._curve._core
        coef = core.composition_coefficients(indices, len(distinct), k, remap)
        return Point._make(self._curve, core.batch_msm_limbs(np.ascontiguousarray(self._a[distinct]), coef))

    def horner_prefixes(self, indices, k: int) -> PointArray:
        """The points of every prefix: ``[0]`` is the identity, ``[i] = k * [i-1] + self[indices[i-1]]``.

        ``result[i] == self.horner(indices[:i], k)`` for ``i = 0 .. L``; one
        scalar multiplication and one addition per index, the whole chain in C
        (``k`` recoded once), the results normalised (affine) together.

        Example:
            >>> C = curve("toy61")
            >>> A = C.multiply_generator([1, 2])
            >>> S = A.horner_prefixes([1, 0, 1], 7)
            >>> len(S), S[3] == A.horner([1, 0, 1], 7)
            (4, True)
        """
        k = _as_int("k", k)
        m = len(self)
        idx = _checked_indices(indices, m)
        idx = np.where(idx < 0, idx + m, idx)  # negative indices count from the end, as in take
        # the chain S_i = k S_(i-1) + P_(u_i) runs in C, k recoded once, the GIL released
        return PointArray._wrap(self._curve, self._curve._core.horner_prefixes(self._a, idx, k))

    def scaled(self, scalars: Iterable[int]) -> list[PointArray]:
        """``[k * self for k in scalars]``, computed together: many points times a few common scalars.

        Every point follows the same schedule, so its doublings are computed
        once and serve every scalar, and the steps run in affine coordinates
        with one shared field inversion per bit position.  On secp256k1 each
        further scalar costs about a third of a separate multiplication.  The
        results come back normalised (affine), so adding them is cheap.

        Example:
            >>> C = curve("toy61")
            >>> two, three = C.multiply_generator([1, 5]).scaled([2, 3])
            >>> two[1] == 10 * C.generator, three[0] == 3 * C.generator
            (True, True)

        Raises:
            TypeError: a scalar is not an int.
        """
        scalars = _scalar_list(scalars)
        rows = self._curve._core.batch_mul_common(self._a, scalars)
        return [PointArray._wrap(self._curve, row) for row in rows]

    def __eq__(self, other):
        if not isinstance(other, PointArray):
            return NotImplemented
        if self._curve != other._curve or len(self) != len(other):
            return False
        return self.to_bytes() == other.to_bytes()

    __hash__ = None

    def sum(self) -> Point:
        """The sum of all points (the identity for an empty array)."""
        return Point._make(self._curve, self._curve._core.batch_sum(self._a))

    def msm(self, scalars: Iterable[int]) -> Point:
        """``sum(k_i * A[i])`` by one multi-scalar multiplication.

        Raises:
            TypeError: a scalar is not an int.
            ValueError: the number of scalars differs from ``len(self)``.
        """
        scalars = _scalar_list(scalars)
        if len(scalars) != len(self):
            raise ValueError(f"expected {len(self)} scalars, not {len(scalars)}")
        return Point._make(self._curve, self._curve._core.batch_msm(self._a, scalars))

    def msm_limbs(self, limbs: np.ndarray, *, threads: int = 1) -> Point:
        """``sum(c_i * A[i])`` for scalars given as limbs, the form :meth:`Curve.composition_coefficients`
        returns: a ``(len(self), curve.scalar_limbs)`` uint64 array, 64-bit limbs least significant first,
        each row a scalar in ``[0, n)``.

        With ``threads`` above 1, the compiled MSM shares its windows among that many threads
        (at most one per :data:`MSM_ROWS_PER_THREAD` rows, and one per window), each passing
        over every row for its own windows, and adds their shares; it starts and joins them
        itself, without the GIL: for a caller that holds idle cores.

        Raises:
            TypeError: limbs is not a NumPy array, threads not an int.
            ValueError: the wrong shape or dtype, or a row not below n; threads below 1.

        Example:
            >>> C = curve("toy61")
            >>> A = C.multiply_generator([1, 2])
            >>> A.msm_limbs(scalars_to_limbs(C, [3, 4])) == A.msm([3, 4])
            True
        """
        if not isinstance(limbs, np.ndarray):
            raise TypeError(f"limbs must be a NumPy array, not {type(limbs).__name__}")
        w = self._curve._core.scalar_limbs
        if limbs.dtype != np.uint64 or limbs.shape != (len(self), w):
            raise ValueError(f"limbs must be a uint64 array of shape ({len(self)}, {w}), "
                             f"not {limbs.dtype} of shape {limbs.shape}")
        threads = _as_int("threads", threads)
        if threads < 1:
            raise ValueError(f"threads must be a positive int, not {threads}")
        if len(self) == 0:
            return self._curve.identity
        # a private copy, checked and then read by C without the GIL: the core takes every row below n
        # on trust, and the caller's array may change in another thread meanwhile
        limbs = np.array(limbs, order="C")
        if not _limbs_below(limbs, self._curve.n):
            raise ValueError("every row of limbs must be a scalar below n")
        runs = max(1, min(threads, len(self) // MSM_ROWS_PER_THREAD))
        raw = self._curve._core.batch_msm_limbs(self._a, limbs, runs)
        return Point._make(self._curve, raw)

    def __reduce__(self):
        return (PointArray.from_bytes, (self._curve, self.to_bytes(compressed=False)))

    def to_bytes(self, compressed: bool = True) -> bytes:
        """Concatenated SEC1 encodings (one field inversion for the whole batch)."""
        return self._curve._core.batch_encode(self._a, compressed)

    def digests(self, nbytes: int | None = None) -> np.ndarray:
        """A compact digest per point: the low ``nbytes`` bytes of its affine x (one inversion in all);
        by default 16, or the field's size when smaller.

        Equal points have equal digests; unequal points may share one (P and -P
        always do, and the identity's digest is all zeros), so a digest groups
        candidates and never proves equality: compare the points, or what they
        encode, before concluding. Returns a read-only ``(len, nbytes)`` uint8 array.

        Raises:
            TypeError: nbytes is not an int.
            ValueError: nbytes not in [1, field_bytes].
        """
        nb = self._curve.field_bytes
        nbytes = min(16, nb) if nbytes is None else _as_int("nbytes", nbytes)
        if not 1 <= nbytes <= nb:
            raise ValueError(f"nbytes must be an int in [1, {nb}], not {nbytes}")
        xy, _ = self._curve._core.batch_affine(self._a)
        out = np.ascontiguousarray(xy[:, nb - nbytes : nb])
        out.flags.writeable = False
        return out

    def coordinates(self) -> list[tuple[int, int] | None]:
        """Affine ``(x, y)`` per point (``None`` for the identity), one inversion in all."""
        xy, inf = self._curve._core.batch_affine(self._a)
        nb = self._curve.field_bytes
        out: list[tuple[int, int] | None] = []
        for row, is_inf in zip(xy, inf):
            if is_inf:
                out.append(None)
            else:
                raw = row.tobytes()
                out.append((int.from_bytes(raw[:nb], "big"), int.from_bytes(raw[nb:], "big")))
        return out
