"""Contexts: elements of the group ℤ ⋉ G that token sequences map to.

A context is ``C = (L, S)``: a length ``L`` (any integer; negative for inverses)
and a point ``S`` of the curve's prime-order group ``G``.  With the engine's
multiplier ``k`` (a scalar of large multiplicative order mod ``n``):

* product (concatenation): ``(l1, S1) * (l2, S2) = (l1 + l2, k^l2 * S1 + S2)``;
* identity ``(0, O)``; inverse ``(l, S)^-1 = (-l, -(k^-l * S))``;
* the context of ``u1 ... uL`` is ``(L, sum k^(L-i) * P_ui)`` (Horner's rule:
  appending token ``t`` is ``S <- k*S + P_t``), so ``C(uv) = C(u) * C(v)``.

The product is associative but not commutative.  A context stores the length,
never ``k^L``: with a secret key the multiplier stays private.

Keyed groups (``secret=True``, built by keyed engines) keep ``k`` out of every
object a context reaches and out of every pickle: :meth:`ContextGroup.power`
refuses, and a keyed group pickles as its fingerprint alone, so a pickled
context is rebound on loading to the live keyed group with that fingerprint
(build the engine first) and refuses to load without one.  Inside the process
Python can reach any attribute: the promise is about what leaves it.

Byte format (version 1), big-endian::

    b"ECTX"  version (1 byte = 1)
    curve-name length (1 byte) | curve name (UTF-8, at most 255 bytes)
    engine fingerprint (16 bytes)
    length (8 bytes, signed two's complement)
    S: SEC1 compressed point (1 + field_bytes bytes, or the single byte 0x00 for O);
       the only accepted form, so every context has exactly one encoding

The fingerprint identifies the engine (its tag, which names the curve, the
namespace and the tokenizer, and ``k``) without revealing the multiplier: the
first 16 bytes of SHA-256 over a fixed label, the tag and ``k``.

Example:
    >>> from ectraverse.point import curve
    >>> G = ContextGroup(curve("toy61"), k=5, tag=b"demo")
    >>> a = G.atom(curve("toy61").generator)          # one token
    >>> ab = a * a                                     # two tokens
    >>> (ab.length, ab.point == 5 * a.point + a.point)
    (2, True)
    >>> (ab * ab.inverse()) == G.identity, ab ** -1 == ab.inverse()
    (True, True)
"""

from __future__ import annotations

import hashlib
import operator
import threading
import weakref

from ectraverse.curves import _number
from ectraverse.errors import ContextMismatchError, EncodingError, _BuiltAgainOnLoad, _Immutable
from ectraverse.point import Curve, Point

__all__ = ["Context", "ContextGroup", "FORMAT_MAGIC", "FORMAT_VERSION"]

FORMAT_MAGIC = b"ECTX"
FORMAT_VERSION = 1
_FINGERPRINT_BYTES = 16
_LENGTH_BYTES = 8


# Keyed groups alive in this process, by fingerprint: what a pickled keyed context
# is rebound to when it is loaded (its pickle holds the fingerprint, never k).  Every
# live group of a fingerprint is kept (copies of an engine, engines built again with
# the same key), oldest first, so that one of them dying leaves the others findable;
# a pickle loads as the newest.  Weak references without callbacks (a callback could
# run while this thread holds the lock): the dead are dropped when their fingerprint
# is next registered, and fingerprints none of whose groups lives whenever the table
# has doubled since the last sweep.
_LIVE_KEYED: dict[bytes, list[weakref.ref]] = {}
_LIVE_KEYED_LOCK = threading.Lock()
_live_keyed_sweep_at = 16


def _register_keyed(group: ContextGroup) -> None:
    global _live_keyed_sweep_at
    with _LIVE_KEYED_LOCK:
        refs = [ref for ref in _LIVE_KEYED.get(group._fingerprint, ()) if ref() is not None]
        _LIVE_KEYED[group._fingerprint] = [*refs, weakref.ref(group)]
        if len(_LIVE_KEYED) > _live_keyed_sweep_at:
            for fingerprint in [f for f, refs in _LIVE_KEYED.items() if all(ref() is None for ref in refs)]:
                del _LIVE_KEYED[fingerprint]
            _live_keyed_sweep_at = 2 * len(_LIVE_KEYED) + 16


class ContextGroup(_BuiltAgainOnLoad, _Immutable):
    """The group ℤ ⋉ G of one engine: a curve and a multiplier ``k``.

    Args:
        curve: the curve whose prime-order group holds the points.
        k: the multiplier, an int in [2, n - 2] (the engine checks its order).
        tag: the engine's tag (bytes), mixed into the fingerprint.
        secret: ``k`` is secret (a keyed engine's): :meth:`power` refuses, and
            the group pickles as its fingerprint, rebound on loading to the
            live keyed group with that fingerprint.
        byte_form: contexts have a byte form (:meth:`Context.to_bytes`, and
            pickles, which use it); False for engines whose tokenizer has no
            name, whose fingerprint names nothing another process could match.

    Traversal engines build one; it is exposed for the algebra's own sake.
    """

    __slots__ = ("_curve", "_k", "_kinv", "_tag", "_secret", "_byte_form", "_fingerprint", "_identity", "__weakref__")

    def __init__(self, curve: Curve, k: int, tag: bytes, *, secret: bool = False, byte_form: bool = True):
        if not isinstance(curve, Curve):
            raise TypeError(f"curve must be a Curve, not {type(curve).__name__}")
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"k must be an int, not {type(k).__name__}")
        if not 2 <= k <= curve.n - 2:
            raise ValueError(f"k must be in [2, n - 2], not {k}")
        if not isinstance(tag, (bytes, bytearray, memoryview)):  # bytes(5) would be five zero bytes
            raise TypeError(f"tag must be bytes, not {type(tag).__name__}")
        self._curve = curve
        self._k = k
        self._kinv = pow(k, -1, curve.n)
        self._tag = bytes(tag)
        self._secret = bool(secret)
        self._byte_form = bool(byte_form)
        digest = hashlib.sha256(b"ectraverse-v1:fingerprint\x00" + bytes(tag) + b"\x00" + k.to_bytes(curve.scalar_bytes, "big"))
        self._fingerprint = digest.digest()[:_FINGERPRINT_BYTES]
        self._identity = Context._make(self, 0, curve.identity)
        if self._secret:
            _register_keyed(self)

    @property
    def curve(self) -> Curve:
        """The curve whose prime-order group holds the points."""
        return self._curve

    @property
    def fingerprint(self) -> bytes:
        """The engine's fingerprint: a hash of its tag and ``k``, stored in every context's bytes."""
        return self._fingerprint

    @property
    def identity(self) -> Context:
        """The empty context: length 0, the identity point."""
        return self._identity

    @property
    def secret(self) -> bool:
        """True if ``k`` is secret (the group of a keyed engine)."""
        return self._secret

    def power(self, length: int) -> int:
        """``k^length mod n`` for any integer length (negative: powers of ``k^-1``).

        Raises:
            TypeError: the group is keyed (its multiplier is secret), or
                length is not an int.
        """
        if self._secret:
            raise TypeError("power() is not available on a keyed engine's group: its multiplier is secret.")
        return self._power(_int("length", length))

    def _power(self, length: int) -> int:
        """``k^length mod n`` (for the algebra inside this package, keyed or not)."""
        if length >= 0:
            return pow(self._k, length, self._curve.n)
        return pow(self._kinv, -length, self._curve.n)

    def atom(self, point: Point) -> Context:
        """The context ``(1, point)`` of a one-token sequence."""
        return Context._make(self, 1, point)

    def context(self, length: int, point: Point) -> Context:
        """The context ``(length, point)``; the point must be on this group's curve."""
        if isinstance(length, bool) or not isinstance(length, int):
            raise TypeError(f"length must be an int, not {type(length).__name__}")
        if not isinstance(point, Point):
            raise TypeError(f"point must be a Point, not {type(point).__name__}")
        if point.curve != self._curve:
            raise ContextMismatchError(f"point is on {point.curve.name!r}, not {self._curve.name!r}")
        return Context._make(self, length, point)

    def from_bytes(self, data) -> Context:
        """Decode :meth:`Context.to_bytes` output made by this same engine.

        Raises:
            TypeError: data is not bytes-like.
            EncodingError: malformed, truncated, or an unknown version.
            ContextMismatchError: the bytes name another curve or engine.
            NotOnCurveError, NotInSubgroupError: the point's bytes name no point of the curve (of its
                prime-order subgroup).
        """
        try:
            raw = memoryview(data).tobytes()  # any buffer, whatever its layout
        except TypeError:
            raise TypeError(f"context bytes must be bytes-like, not {type(data).__name__}") from None
        head = len(FORMAT_MAGIC) + 2
        if not raw or not raw.startswith(FORMAT_MAGIC[: len(raw)]):  # a prefix of the magic: truncated, below
            raise EncodingError(f"Context bytes must start with {FORMAT_MAGIC!r} and a version byte.")
        if len(raw) < head:
            raise EncodingError(f"Context bytes are truncated: {len(raw)} bytes, expected at least {head} "
                                f"({FORMAT_MAGIC!r}, a version byte and the curve name's length).")
        if raw[4] != FORMAT_VERSION:
            raise EncodingError(f"Context format version must be {FORMAT_VERSION}, not {raw[4]}.")
        name_len = raw[5]
        pos = head + name_len
        need = pos + _FINGERPRINT_BYTES + _LENGTH_BYTES + 1
        if len(raw) < need:
            raise EncodingError(f"Context bytes are truncated: {len(raw)} bytes, expected at least {need}.")
        own = self._curve.name.encode("utf-8")
        if raw[head:pos] != own:  # the bytes themselves: one encoding per context
            sizes = {head + len(own) + _FINGERPRINT_BYTES + _LENGTH_BYTES + 1 + extra
                     for extra in (0, self._curve.field_bytes)}  # the identity's point, any other point's
            if name_len != len(own) and raw[head : head + len(own)] == own and len(raw) in sizes:
                # this curve's name and a context's size on it, but a wrong length byte: not another curve's
                raise EncodingError(f"Context bytes are corrupt: they hold the curve name {self._curve.name!r} "
                                    f"and are the size of a context on it, but their curve name's length byte "
                                    f"is {name_len}, not {len(own)}.")
            try:
                name = repr(raw[head:pos].decode("utf-8"))
            except UnicodeDecodeError:
                name = f"{raw[head:pos]!r} (not UTF-8)"
            raise ContextMismatchError(f"Context bytes are for curve {name}, not {self._curve.name!r}.")
        fp = raw[pos : pos + _FINGERPRINT_BYTES]
        if fp != self._fingerprint:
            raise ContextMismatchError(
                f"Context bytes come from another engine (fingerprint {fp.hex()}, this engine's is {self._fingerprint.hex()})."
            )
        pos += _FINGERPRINT_BYTES
        length = int.from_bytes(raw[pos : pos + _LENGTH_BYTES], "big", signed=True)
        enc = raw[pos + _LENGTH_BYTES :]
        if enc[:1] == b"\x04":
            raise EncodingError(
                "The point of a context must be SEC1-compressed (0x02/0x03 || x) or the single byte 0x00, "
                "not uncompressed (0x04): every context has exactly one encoding."
            )
        point = self._curve.decode(enc)
        return Context._make(self, length, point)

    def from_hex(self, text: str) -> Context:
        """Decode :meth:`Context.hex` output made by this same engine (whitespace between bytes is ignored).

        Raises:
            TypeError: text is not a str.
            EncodingError: not hex, or not a context's bytes (see :meth:`from_bytes`).
            ContextMismatchError: the bytes name another curve or engine.
        """
        if not isinstance(text, str):
            raise TypeError(f"context hex must be a str, not {type(text).__name__}")
        try:
            data = bytes.fromhex(text)
        except ValueError as exc:
            raise EncodingError(f"Context hex must be pairs of hexadecimal digits: {exc}.") from None
        return self.from_bytes(data)

    def __reduce__(self):
        if self._secret:  # the fingerprint only: k never leaves the process
            return (_live_keyed_group, (self._fingerprint,))
        if not self._byte_form:
            raise TypeError(_NO_BYTE_FORM)
        return (ContextGroup, (self._curve, self._k, self._tag))

    def __repr__(self) -> str:
        keyed = ", keyed" if self._secret else ""
        return f"ContextGroup({self._curve.name}, fingerprint={self._fingerprint.hex()}{keyed})"


_NO_BYTE_FORM = (
    "Contexts of an engine whose custom tokenizer has no name have no byte form and do not pickle: "
    "name it, Traversal(..., tokenizer=f, tokenizer_name='...')."
)


def _live_keyed_group(fingerprint: bytes) -> ContextGroup:
    """The live keyed group with this fingerprint (what a keyed group's pickle loads as)."""
    if fingerprint.__class__ is not bytes:
        raise ValueError(f"corrupt ContextGroup pickle: a keyed group's fingerprint must be bytes, not "
                         f"{type(fingerprint).__name__}")
    with _LIVE_KEYED_LOCK:
        group = next((g for g in (ref() for ref in reversed(_LIVE_KEYED.get(fingerprint, ()))) if g is not None), None)
    if group is None:
        raise ContextMismatchError(
            f"No keyed engine with fingerprint {fingerprint.hex()} is alive in this process: a keyed context's "
            "pickle holds no key, so build the engine (Traversal(..., key=...)) before loading it, or send "
            "context bytes and decode them with engine.context_from_bytes."
        )
    return group


def _int(what: str, value) -> int:
    """value as an int (NumPy integers accepted); TypeError for bool, float and the rest."""
    if value.__class__ is int:
        return value
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{what} must be an int, not {type(value).__name__}")


class Context(_BuiltAgainOnLoad, _Immutable):
    """An element ``(length, point)`` of an engine's group ℤ ⋉ G; immutable and hashable.

    ``c1 * c2`` is concatenation, ``c.inverse()`` undoes ``c``, ``c ** m`` repeats
    it ``m`` times (any integer ``m``).  Contexts of different engines never mix.
    """

    __slots__ = ("_group", "_length", "_point")

    def __init__(self, *args, **kwargs):
        raise TypeError("Contexts come from an engine: Traversal.compose(...), engine.identity, context_from_bytes(...)")

    @classmethod
    def _make(cls, group: ContextGroup, length: int, point: Point) -> Context:
        self = object.__new__(cls)
        self._group = group
        self._length = length
        self._point = point
        return self

    @property
    def length(self) -> int:
        """The number of tokens (negative for inverses of sequences)."""
        return self._length

    @property
    def point(self) -> Point:
        """The point ``S``."""
        return self._point

    @property
    def group(self) -> ContextGroup:
        """The group of the engine the context belongs to."""
        return self._group

    def _check(self, other: Context) -> None:
        mine, theirs = self._group._fingerprint, other._group._fingerprint
        if other._group is not self._group and theirs != mine:
            raise ContextMismatchError(
                f"Cannot combine contexts of different engines (fingerprints {mine.hex()} and {theirs.hex()})."
            )

    def __mul__(self, other):
        if not isinstance(other, Context):
            return NotImplemented
        self._check(other)
        g = self._group
        if other._length == 0:
            shifted = self._point
        else:
            shifted = g._power(other._length) * self._point
        return Context._make(g, self._length + other._length, shifted + other._point)

    def inverse(self) -> Context:
        """``(l, S)^-1 = (-l, -(k^-l * S))``: ``c * c.inverse()`` is the identity."""
        g = self._group
        return Context._make(g, -self._length, -(g._power(-self._length) * self._point))

    def __pow__(self, m):
        if isinstance(m, bool):
            return NotImplemented
        try:
            m = operator.index(m)
        except TypeError:
            return NotImplemented
        base = self if m >= 0 else self.inverse()
        m = abs(m)
        # (L, S)^m = (mL, (1 + r + ... + r^(m-1)) S) with r = k^L: a geometric sum mod the prime n, so
        # one scalar multiplication whatever m (square-and-multiply in the group cost O(log m) of them,
        # each with a power k^length whose exponent doubled every step)
        g, n = self._group, self._group._curve.n
        r = g._power(base._length)
        s = m % n if r == 1 else (pow(r, m, n) - 1) * pow(r - 1, -1, n) % n
        return Context._make(g, base._length * m, s * base._point)

    def __eq__(self, other):
        if not isinstance(other, Context):
            return NotImplemented
        return (
            self._group._fingerprint == other._group._fingerprint
            and self._length == other._length
            and self._point == other._point
        )

    def __hash__(self):
        return hash((self._group._fingerprint, self._length, self._point))

    def __reduce__(self):
        return (_context_from_bytes, (self._group, self.to_bytes()))

    def to_bytes(self) -> bytes:
        """The versioned byte format described in the module docstring.

        Raises:
            ValueError: the length does not fit the format's 8 signed bytes (|length| >= 2^63).
            TypeError: the engine's custom tokenizer has no name (no byte form).
        """
        if not self._group._byte_form:
            raise TypeError(_NO_BYTE_FORM)
        if not -(2**63) <= self._length < 2**63:
            raise ValueError(f"This context, of length {_number(self._length)}, has no bytes: context bytes hold "
                             f"lengths in [-2^63, 2^63).")
        name = self._group._curve.name.encode("utf-8")
        return b"".join(
            (
                FORMAT_MAGIC,
                bytes((FORMAT_VERSION, len(name))),
                name,
                self._group._fingerprint,
                self._length.to_bytes(_LENGTH_BYTES, "big", signed=True),
                self._point.to_bytes(),
            )
        )

    def hex(self) -> str:
        """``to_bytes().hex()``: the form the command line prints; ``engine.context_from_hex`` reads it.

        Example:
            >>> from ectraverse.point import curve
            >>> G = ContextGroup(curve("toy61"), k=5, tag=b"demo")
            >>> c = G.atom(curve("toy61").generator)
            >>> G.from_hex(c.hex()) == c, c.hex()[:8]
            (True, '45435458')
        """
        return self.to_bytes().hex()

    def __repr__(self) -> str:
        return f"Context(length={self._length}, point={self._point.to_bytes().hex()})"


def _context_from_bytes(group: ContextGroup, data: bytes) -> Context:
    if not isinstance(group, ContextGroup):
        raise TypeError(f"corrupt Context pickle: its group must be a ContextGroup, not {type(group).__name__}")
    return group.from_bytes(data)
