"""RFC 9380 (hashing to elliptic curves): expand_message_xmd, hash_to_field and the suites.

This module turns bytes into field elements and names the parameters of each
hash-to-curve suite; the maps from field elements to points run in the
compiled core (and, slowly, in :mod:`ectraverse.reference`, the oracle).

* :func:`expand_message_xmd` (RFC 9380 section 5.3.1, with the long-DST rule
  of section 5.3.3) and :func:`hash_to_field` (section 5.2, ``m = 1``).
* :class:`Suite`: one suite's parameters. :func:`suite` looks one up by ID,
  :func:`suites` lists them, :func:`default_suite` picks one for a curve.
* The registry holds the ten standard SSWU suites of RFC 9380 section 8 whose
  curves ectraverse has (P-256, P-384, P-521, secp256k1, BLS12-381 G1, each
  ``_RO_`` and ``_NU_``), read from ``data/rfc9380_suites.json`` (a verbatim
  copy of the project's ``vectors/rfc9380/suite_params.json``), and a
  Shallue-van de Woestijne suite pair for every other named curve (BN254 and
  the toy curves), which RFC 9380 does not cover:

  * ID ``"<curve>_XMD:SHA-256_SVDW_RO_"`` (and ``_NU_``);
  * map: SvdW (section 6.6.1) with ``Z`` from the RFC's ``find_z_svdw``
    (Appendix H.1), see :func:`find_z_svdw`;
  * security level ``k = min(128, floor(bits(n) / 2))``;
  * ``L = ceil((ceil(log2(p)) + k) / 8)`` (section 5);
  * hash SHA-256 (its 256-bit output covers ``2k`` for every such ``k``);
  * ``h_eff = h``, the curve's cofactor (section 7).

  :func:`default_suite` builds the same for a custom curve.

Nothing here is secret-safe: it is all variable-time Python.

Example:
    >>> s = suite("P256_XMD:SHA-256_SSWU_RO_")
    >>> s.curve, s.hash_name, s.L, s.map, s.random_oracle
    ('P-256', 'sha256', 48, 'SSWU', True)
    >>> dst = b"QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_"
    >>> [hex(u)[:10] for u in field_elements(s, named_params("P-256"), [b"abc"], dst)[0]]
    ['0xafe47f2e', '0x379a2783']
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache
from importlib import resources

from numpy import bool_ as np_bool

from ectraverse.curves import CurveParams, curve_names, named_params
from ectraverse.errors import CurveMismatchError, UnknownSuiteError, shown
from ectraverse.numbertheory import is_square, sgn0, sqrt_mod

__all__ = [
    "Suite",
    "expand_message_xmd",
    "dst_prime",
    "msg_prime",
    "hash_to_field",
    "suite",
    "suites",
    "default_suite",
    "find_z_svdw",
    "svdw_constants",
    "sswu_constants",
    "field_elements",
]

# ---------------------------------------------------------------------------
# Hash functions: name -> (hashlib constructor, b_in_bytes, s_in_bytes)
# ---------------------------------------------------------------------------

_HASHES = {
    "sha256": (hashlib.sha256, 32, 64),
    "sha384": (hashlib.sha384, 48, 128),
    "sha512": (hashlib.sha512, 64, 128),
}

#: RFC 9380 section 5.3.3: a DST longer than this is hashed first.
_MAX_DST = 255
#: RFC 9380 section 5.3.1: ``len_in_bytes`` travels in two bytes.
_MAX_LENGTH = 65535


def _hash_name(hash_name) -> str:
    """Fold ``"SHA-256"``, ``"SHA256"``, ``"sha256"`` ... to the hashlib name."""
    if not isinstance(hash_name, str):
        raise TypeError(f"hash_name must be a str, not {type(hash_name).__name__}")
    folded = hash_name.lower().replace("-", "").replace("_", "")
    if folded not in _HASHES:
        raise ValueError(f"hash_name must be one of 'sha256', 'sha384', 'sha512', not {hash_name!r}")
    return folded


def _as_bytes(what: str, value) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes, not {type(value).__name__}")


def _as_int(what: str, value) -> int:
    if value.__class__ is int:
        return value
    if not isinstance(value, (bool, float)):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def _max_length(name: str) -> int:
    return min(255 * _HASHES[name][1], _MAX_LENGTH)


def _check_length(length, name: str) -> int:
    length = _as_int("length", length)
    limit = _max_length(name)
    if not 1 <= length <= limit:
        raise ValueError(
            f"length for expand_message_xmd with {name} must be between 1 and {limit} "
            f"(255 blocks of {_HASHES[name][1]} bytes), not {length}."
        )
    return length


def _dst_prime(dst: bytes, name: str) -> bytes:
    """DST_prime = DST || I2OSP(len(DST), 1), after the long-DST rule; dst already checked."""
    if len(dst) > _MAX_DST:
        # RFC 9380 section 5.3.3: DST = H("H2C-OVERSIZE-DST-" || a_very_long_DST)
        dst = _HASHES[name][0](b"H2C-OVERSIZE-DST-" + dst).digest()
    return dst + bytes([len(dst)])


def _check_dst(dst) -> bytes:
    dst = _as_bytes("dst", dst)
    if not dst:
        raise ValueError("dst must not be empty (RFC 9380 section 3.1: tags MUST have nonzero length).")
    return dst


def dst_prime(dst: bytes, hash_name: str = "sha256") -> bytes:
    """The ``DST_prime`` of expand_message_xmd: ``DST || I2OSP(len(DST), 1)``.

    A DST longer than 255 bytes is first replaced by
    ``H("H2C-OVERSIZE-DST-" || DST)`` (RFC 9380 section 5.3.3).

    Args:
        dst: The domain separation tag (non-empty).
        hash_name: ``"sha256"``, ``"sha384"`` or ``"sha512"`` (``"SHA-256"`` works too).

    Returns:
        The bytes appended to every hash input of :func:`expand_message_xmd`.

    Raises:
        TypeError: If ``dst`` is not bytes.
        ValueError: If ``dst`` is empty or the hash is unknown.

    Example:
        >>> dst_prime(b"QUUX").hex()
        '5155555804'
        >>> len(dst_prime(bytes(300)))   # hashed to 32 bytes, plus the length byte
        33
    """
    return _dst_prime(_check_dst(dst), _hash_name(hash_name))


def msg_prime(msg: bytes, dst: bytes, length: int, hash_name: str = "sha256") -> bytes:
    """The ``msg_prime`` of expand_message_xmd (RFC 9380 section 5.3.1, step 6).

    ``msg_prime = Z_pad || msg || I2OSP(length, 2) || I2OSP(0, 1) || DST_prime``,
    with ``Z_pad`` one input block (``s_in_bytes``) of zero bytes.

    Args:
        msg: The message.
        dst: The domain separation tag.
        length: The requested output length ``len_in_bytes``.
        hash_name: As for :func:`dst_prime`.

    Returns:
        The input of the first hash, ``b_0 = H(msg_prime)``.

    Raises:
        TypeError, ValueError: As for :func:`expand_message_xmd`.

    Example:
        >>> m = msg_prime(b"abc", b"QUUX", 32)
        >>> len(m), m[64:].hex()
        (75, '6162630020005155555804')
    """
    msg = _as_bytes("msg", msg)
    dst = _check_dst(dst)
    name = _hash_name(hash_name)
    length = _check_length(length, name)
    zpad = bytes(_HASHES[name][2])
    return zpad + msg + length.to_bytes(2, "big") + b"\x00" + _dst_prime(dst, name)


class _Expander:
    """expand_message_xmd with the per-(DST, length, hash) work done once.

    ``H(Z_pad)`` is absorbed into a hash object that is copied per message.
    """

    __slots__ = ("_new", "_b", "_length", "_ell", "_tail", "_dst_prime", "_head")

    def __init__(self, dst: bytes, length: int, name: str):
        new, b_in_bytes, s_in_bytes = _HASHES[name]
        self._new = new
        self._b = b_in_bytes
        self._length = length
        # 1. ell = ceil(len_in_bytes / b_in_bytes); 2. the ABORT is _check_length's job
        self._ell = -(-length // b_in_bytes)
        # 3. DST_prime = DST || I2OSP(len(DST), 1)
        self._dst_prime = _dst_prime(dst, name)
        # 5. l_i_b_str = I2OSP(len_in_bytes, 2); then I2OSP(0, 1) || DST_prime
        self._tail = length.to_bytes(2, "big") + b"\x00" + self._dst_prime
        # 4. Z_pad = I2OSP(0, s_in_bytes), the first block of msg_prime
        self._head = new(bytes(s_in_bytes))

    def __call__(self, msg: bytes) -> bytes:
        # 6. msg_prime = Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime
        # 7. b_0 = H(msg_prime)
        h = self._head.copy()
        h.update(msg)
        h.update(self._tail)
        b0 = h.digest()
        # 8. b_1 = H(b_0 || I2OSP(1, 1) || DST_prime)
        bi = self._new(b0 + b"\x01" + self._dst_prime).digest()
        blocks = [bi]
        # 9.-10. b_i = H(strxor(b_0, b_(i - 1)) || I2OSP(i, 1) || DST_prime)
        b0_int = int.from_bytes(b0, "big")
        for i in range(2, self._ell + 1):
            xored = (b0_int ^ int.from_bytes(bi, "big")).to_bytes(self._b, "big")
            bi = self._new(xored + bytes([i]) + self._dst_prime).digest()
            blocks.append(bi)
        # 11. uniform_bytes = b_1 || ... || b_ell; 12. the first len_in_bytes bytes
        return b"".join(blocks)[: self._length]


def expand_message_xmd(msg: bytes, dst: bytes, length: int, hash_name: str = "sha256") -> bytes:
    """RFC 9380 section 5.3.1: expand ``msg`` to ``length`` uniform bytes with a Merkle-Damgard hash.

    Args:
        msg: The message (any length, may be empty).
        dst: The domain separation tag; non-empty (section 3.1). A DST longer
            than 255 bytes is hashed first (section 5.3.3).
        length: ``len_in_bytes``, from 1 to ``min(255 * b_in_bytes, 65535)``
            (8160 for SHA-256, 12240 for SHA-384, 16320 for SHA-512).
        hash_name: ``"sha256"``, ``"sha384"`` or ``"sha512"``; ``"SHA-256"``
            style names are accepted too.

    Returns:
        ``length`` pseudo-random bytes.

    Raises:
        TypeError: If ``msg`` or ``dst`` is not bytes, or ``length`` not an int.
        ValueError: For an empty ``dst``, a ``length`` out of range, or an
            unknown hash.

    Example:
        >>> dst = b"QUUX-V01-CS02-with-expander-SHA256-128"   # RFC 9380 Appendix K.1
        >>> expand_message_xmd(b"", dst, 32).hex()
        '68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235'
    """
    msg = _as_bytes("msg", msg)
    dst = _check_dst(dst)
    name = _hash_name(hash_name)
    length = _check_length(length, name)
    return _Expander(dst, length, name)(msg)


def _check_field_args(count, modulus, L, name: str) -> tuple[int, int, int]:
    count = _as_int("count", count)
    modulus = _as_int("modulus", modulus)
    L = _as_int("L", L)
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}.")
    if modulus < 2:
        raise ValueError(f"modulus must be at least 2, not {modulus}.")
    if L < 1:
        raise ValueError(f"L must be at least 1, not {L}.")
    limit = _max_length(name)
    if count * L > limit:
        raise ValueError(
            f"count * L = {count} * {L} = {count * L} bytes is more than expand_message_xmd "
            f"with {name} can produce ({limit})."
        )
    return count, modulus, L


def _split(uniform: bytes, count: int, L: int, modulus: int) -> list[int]:
    # 6. e_j = OS2IP(tv) mod p for each L-byte slice (m = 1)
    return [int.from_bytes(uniform[i * L : (i + 1) * L], "big") % modulus for i in range(count)]


def hash_to_field(msg: bytes, dst: bytes, count: int, *, modulus: int, L: int, hash_name: str = "sha256") -> list[int]:
    """RFC 9380 section 5.2: hash ``msg`` to ``count`` elements of ``GF(modulus)`` (``m = 1``).

    ``uniform_bytes = expand_message_xmd(msg, dst, count * L)``; element ``i`` is
    the big-endian integer of bytes ``[i*L, (i+1)*L)`` reduced modulo ``modulus``.

    Args:
        msg: The message.
        dst: The domain separation tag.
        count: How many field elements (2 for hash_to_curve, 1 for encode_to_curve).
        modulus: The field's prime ``p`` (or the group order ``n``, for scalars).
        L: Bytes per element: ``ceil((ceil(log2(p)) + k) / 8)`` for security level ``k``.
        hash_name: As for :func:`expand_message_xmd`.

    Returns:
        ``count`` integers in ``[0, modulus)``.

    Raises:
        TypeError: If ``msg`` or ``dst`` is not bytes, or a number is not an int.
        ValueError: If ``count``, ``modulus`` or ``L`` is below 1 (2 for the
            modulus), ``count * L`` is more than the hash can expand to, or
            ``dst`` is empty.

    Example:
        >>> hash_to_field(b"abc", b"QUUX", 2, modulus=43, L=2)
        [23, 30]
    """
    msg = _as_bytes("msg", msg)
    dst = _check_dst(dst)
    name = _hash_name(hash_name)
    count, modulus, L = _check_field_args(count, modulus, L, name)
    return _split(_Expander(dst, count * L, name)(msg), count, L, modulus)


# ---------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------

_MAPS = ("SSWU", "SVDW")


@dataclass(frozen=True)
class Suite:
    """The parameters of one hash-to-curve suite (RFC 9380 section 8), for ``m = 1`` fields.

    Attributes:
        id: The suite ID, e.g. ``"secp256k1_XMD:SHA-256_SSWU_RO_"`` or
            ``"BN254_XMD:SHA-256_SVDW_RO_"``.
        curve: The target curve's canonical ectraverse name (a custom curve's name).
        hash_name: ``"sha256"``, ``"sha384"`` or ``"sha512"`` (expand_message_xmd's hash).
        L: Bytes per field element in hash_to_field.
        k: The security level in bits.
        map: ``"SSWU"`` (section 6.6.2, or 6.6.3 with ``iso``) or ``"SVDW"`` (section 6.6.1).
        random_oracle: ``True`` for ``hash_to_curve`` (``_RO_``: two field
            elements, mapped and added), ``False`` for ``encode_to_curve`` (``_NU_``: one).
        Z: The map's constant, reduced modulo ``p``.
        map_a, map_b: The coefficients of the curve the map lands on: the
            isogenous ``E'`` when ``iso`` is set, else ``E`` itself.
        iso: ``None``, or the isogeny ``E' -> E`` as four coefficient tuples
            ``(x_num, x_den, y_num, y_den)`` in ascending powers of ``x'``
            (denominators monic), for :func:`ectraverse.reference.iso_map`.
        h_eff: The cofactor-clearing scalar: ``clear_cofactor(P) = h_eff * P``.

    A suite may be built by hand (``dataclasses.replace`` of a registered one, say). Under a
    registered id it must carry that suite's parameters; under any other id it is checked against
    the curve when used, so that every point it gives lies on the curve and in its subgroup:
    ``h_eff`` a multiple of the cofactor ``h`` (the RFC's own smaller ``h_eff`` for BLS12-381 is
    accepted only under its id), an SvdW ``Z`` meeting the RFC's criteria, an SSWU ``Z`` that is
    not a square, and an isogeny that sends ``E'`` onto ``E`` (checked exactly, as polynomials).
    A failed check raises :class:`~ectraverse.errors.CurveMismatchError`; a field of the wrong
    type, ``TypeError``.
    """

    id: str
    curve: str
    hash_name: str
    L: int
    k: int
    map: str
    random_oracle: bool
    Z: int
    map_a: int
    map_b: int
    iso: tuple | None
    h_eff: int

    def __hash__(self) -> int:  # computed once: a curve looks its compiled maps up by suite on every hash
        h = self.__dict__.get("_hash")
        if h is None:  # (a suite unpickled from an earlier version has none yet)
            h = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", h)
        return h

    def __reduce__(self):  # through __init__: the cached hash is this process's (str hashes are salted)
        return (Suite, tuple(getattr(self, f.name) for f in fields(self) if f.init))

    def __post_init__(self):
        for name in ("id", "curve", "hash_name", "map"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a str, not {type(getattr(self, name)).__name__}")
        if isinstance(self.random_oracle, np_bool):
            object.__setattr__(self, "random_oracle", bool(self.random_oracle))
        if not isinstance(self.random_oracle, bool):
            raise TypeError(f"random_oracle must be a bool, not {type(self.random_oracle).__qualname__}")
        for name in ("L", "k", "Z", "map_a", "map_b", "h_eff"):
            object.__setattr__(self, name, _as_int(name, getattr(self, name)))
        if self.iso is not None:
            if isinstance(self.iso, (str, bytes)) or not isinstance(self.iso, Sequence) or len(self.iso) != 4:
                raise ValueError("iso must be None or four coefficient sequences (x_num, x_den, y_num, y_den).")
            object.__setattr__(self, "iso", tuple(tuple(_as_int("an isogeny coefficient", c) for c in poly)
                                                  for poly in self.iso))
        if self.map not in _MAPS:
            raise ValueError(f"map must be 'SSWU' or 'SVDW', not {self.map!r}.")
        if self.hash_name not in _HASHES:
            raise ValueError(f"hash_name must be one of 'sha256', 'sha384', 'sha512', not {self.hash_name!r}.")
        if self.L < 1 or self.h_eff < 1:
            raise ValueError(f"L and h_eff must be at least 1, not {self.L} and {self.h_eff}.")

    @property
    def count(self) -> int:
        """Field elements per message: 2 for ``_RO_`` suites, 1 for ``_NU_``."""
        return 2 if self.random_oracle else 1


def _ceil_log2(p: int) -> int:
    """``ceil(log2(p))`` for ``p >= 1``, exactly."""
    return (p - 1).bit_length()


def _svdw_criteria(p: int, A: int, B: int, Z: int) -> str | None:
    """The first of RFC 9380 section 6.6.1's criteria that ``Z`` fails, or ``None``."""

    def g(x: int) -> int:
        return (x * x * x + A * x + B) % p

    gz = g(Z)
    # 1. g(Z) != 0 in F.
    if gz == 0:
        return "g(Z) = 0"
    # 2. -(3 * Z^2 + 4 * A) / (4 * g(Z)) != 0 in F.
    h = -(3 * Z * Z + 4 * A) * pow(4 * gz, -1, p) % p
    if h == 0:
        return "-(3 Z^2 + 4 A) / (4 g(Z)) = 0"
    # 3. -(3 * Z^2 + 4 * A) / (4 * g(Z)) is square in F.
    if not is_square(h, p):
        return "-(3 Z^2 + 4 A) / (4 g(Z)) is not a square"
    # 4. At least one of g(Z) and g(-Z / 2) is square in F.
    if not (is_square(gz, p) or is_square(g(-Z * pow(2, -1, p)), p)):
        return "neither g(Z) nor g(-Z / 2) is a square"
    return None


def find_z_svdw(p: int, A: int, B: int) -> int:
    """The Shallue-van de Woestijne constant ``Z`` that RFC 9380 recommends (Appendix H.1).

    Tries ``Z = 1, -1, 2, -2, 3, ...`` in that order and returns the first that
    meets the four criteria of section 6.6.1: ``g(Z) != 0``;
    ``-(3 Z^2 + 4 A) / (4 g(Z))`` is nonzero and a square; ``g(Z)`` or
    ``g(-Z / 2)`` is a square (``g(x) = x^3 + A x + B``).

    Args:
        p: An odd prime ``p > 3``.
        A, B: The curve's coefficients.

    Returns:
        ``Z`` reduced modulo ``p`` (``-1`` comes back as ``p - 1``).

    Raises:
        ValueError: If ``p`` is not odd and greater than 3 (primality is
            not checked), or no ``Z`` works (possible only for a tiny ``p``).

    Example:
        >>> find_z_svdw(43, 1, 3)          # toy-plot: -1 is the first that works
        42
        >>> find_z_svdw(named_params("BN254").p, 0, 3)
        1
    """
    p = _as_int("p", p)
    if p <= 3 or p % 2 == 0:
        raise ValueError(f"p must be an odd prime greater than 3, not {p}.")
    A, B = _as_int("A", A) % p, _as_int("B", B) % p
    for ctr in range(1, (p + 1) // 2):
        for z in (ctr, p - ctr):
            if _svdw_criteria(p, A, B, z) is None:
                return z
    raise ValueError(f"no Z in GF({p}) meets the SvdW criteria for A = {A}, B = {B}.")


def _iso_tuple(d: dict) -> tuple:
    return tuple(tuple(int(c, 16) for c in d[key]) for key in ("x_num", "x_den", "y_num", "y_den"))


@cache
def _standard() -> tuple[dict[str, Suite], dict[str, tuple[int, int, int]]]:
    """(id -> Suite, id -> (p, A, B) of the target curve E) for the RFC's suites."""
    text = resources.files("ectraverse").joinpath("data", "rfc9380_suites.json").read_text("utf-8")
    out: dict[str, Suite] = {}
    eq: dict[str, tuple[int, int, int]] = {}
    for sid, d in json.loads(text)["suites"].items():
        p, A, B = (int(d[key], 16) for key in ("p", "A", "B"))
        iso = d.get("iso_map")
        prm = named_params(d["curve"])  # "NIST P-256" -> "P-256", "BLS12-381 G1" -> "BLS12-381"
        if (prm.p, prm.a, prm.b) != (p, A, B):  # pragma: no cover - a data file error
            raise ValueError(f"suite {sid!r} does not describe the curve {prm.name!r}.")
        out[sid] = Suite(
            id=sid,
            curve=prm.name,
            hash_name=_hash_name(d["H"]),
            L=d["L"],
            k=d["k"],
            map="SSWU",
            random_oracle=d["encoding"] == "hash_to_curve",
            Z=int(d["Z"], 16),
            map_a=int(d["E_prime_A"], 16) if iso else A,
            map_b=int(d["E_prime_B"], 16) if iso else B,
            iso=_iso_tuple(iso) if iso else None,
            h_eff=int(d["h_eff"], 16),
        )
        eq[sid] = (p, A, B)
    return out, eq


@cache
def _svdw_suite(prm: CurveParams, random_oracle: bool) -> Suite:
    k = min(128, prm.n.bit_length() // 2)
    return Suite(
        id=f"{prm.name}_XMD:SHA-256_SVDW_{'RO' if random_oracle else 'NU'}_",
        curve=prm.name,
        hash_name="sha256",
        L=-(-(_ceil_log2(prm.p) + k) // 8),
        k=k,
        map="SVDW",
        random_oracle=random_oracle,
        Z=find_z_svdw(prm.p, prm.a, prm.b),
        map_a=prm.a,
        map_b=prm.b,
        iso=None,
        h_eff=prm.h,
    )


def _standard_for(prm: CurveParams, random_oracle: bool) -> Suite | None:
    standard, eq = _standard()
    for sid, s in standard.items():
        if s.random_oracle == random_oracle and eq[sid] == (prm.p, prm.a, prm.b):
            return s
    return None


@cache
def _registry() -> dict[str, Suite]:
    reg = dict(_standard()[0])
    for name in curve_names():
        prm = named_params(name)
        if _standard_for(prm, True) is None:
            for ro in (True, False):
                s = _svdw_suite(prm, ro)
                reg[s.id] = s
    return reg


def suites() -> list[str]:
    """The IDs of every registered suite: the RFC's ten, then the SvdW suites of the other named curves.

    Example:
        >>> ids = suites()
        >>> ids[0], "BN254_XMD:SHA-256_SVDW_NU_" in ids, len(ids)
        ('P256_XMD:SHA-256_SSWU_RO_', True, 22)
    """
    return list(_registry())


def suite(id: str) -> Suite:
    """Look a suite up by its ID.

    Args:
        id: A suite ID from :func:`suites`, e.g. ``"P384_XMD:SHA-384_SSWU_NU_"``.

    Returns:
        The :class:`Suite`.

    Raises:
        TypeError: If ``id`` is not a str.
        UnknownSuiteError: If no suite has that ID (the message lists them).

    Example:
        >>> s = suite("BN254_XMD:SHA-256_SVDW_RO_")
        >>> s.curve, s.map, s.Z, s.k, s.L, s.h_eff
        ('BN254', 'SVDW', 1, 127, 48, 1)
    """
    if not isinstance(id, str):
        raise TypeError(f"suite id must be a str, not {type(id).__name__}")
    reg = _registry()
    try:
        return reg[id]
    except KeyError:
        raise UnknownSuiteError(f"Unknown hash-to-curve suite {shown(id)}; expected one of: {', '.join(reg)}.") from None


def _check_params(params) -> CurveParams:
    if not isinstance(params, CurveParams):
        raise TypeError(f"params must be a CurveParams, not {type(params).__name__}")
    return params


def default_suite(params: CurveParams, *, random_oracle: bool = True) -> Suite:
    """The suite ectraverse uses to hash to a curve.

    The RFC's SSWU suite when the curve has one (the curve equation, not the
    name, decides: P-256, P-384, P-521, secp256k1, BLS12-381 G1); otherwise
    the SvdW suite ``"<name>_XMD:SHA-256_SVDW_RO_"`` (``_NU_`` for
    ``random_oracle=False``) described in the module docstring, computed on
    the fly for a custom curve.

    Args:
        params: The curve.
        random_oracle: ``True`` for hash_to_curve, ``False`` for encode_to_curve.

    Returns:
        The :class:`Suite`.

    Raises:
        TypeError: If ``params`` is not a :class:`~ectraverse.curves.CurveParams`.
        ValueError: If no SvdW ``Z`` exists for the curve (tiny fields only).

    Example:
        >>> default_suite(named_params("secp256k1")).id
        'secp256k1_XMD:SHA-256_SSWU_RO_'
        >>> default_suite(named_params("toy-h4"), random_oracle=False).id
        'toy-h4_XMD:SHA-256_SVDW_NU_'
    """
    prm = _check_params(params)
    if not isinstance(random_oracle, bool):
        raise TypeError(f"random_oracle must be a bool, not {type(random_oracle).__name__}")
    return _standard_for(prm, random_oracle) or _svdw_suite(prm, random_oracle)


def _check_fits(s: Suite, prm: CurveParams) -> None:
    """CurveMismatchError unless the suite ``s`` is one for the curve ``prm`` (checked once per pair)."""
    if not isinstance(s, Suite):
        raise TypeError(f"suite must be a Suite, not {type(s).__name__}")
    _fits(s, _check_params(prm))


@lru_cache(maxsize=256)
def _fits(s: Suite, prm: CurveParams) -> None:
    """:func:`_check_fits` of a checked pair (a refusal raises, so only fitting pairs are kept)."""
    p = prm.p
    eq = _standard()[1].get(s.id)
    registered = _registry().get(s.id)
    of = named_params(registered.curve) if registered is not None else None
    # a registered id names its suite on its own curve's equation (a custom curve's own suite may share it)
    if of is not None and (of.p, of.a, of.b) == (p, prm.a, prm.b) and replace(s, curve=of.name) != registered:
        problem = "it has the id of a registered suite but not its parameters"
    elif eq is not None:
        if eq == (p, prm.a, prm.b):
            return
        problem = "it is for another curve equation"
    elif s.h_eff % prm.h and s.h_eff not in _standard_h_eff(p, prm.a, prm.b):
        problem = (f"its h_eff = {s.h_eff} is not a multiple of the cofactor h = {prm.h} (nor the RFC's "
                   "h_eff for this curve), so its points could fall outside the subgroup")
    elif not 0 <= s.Z < p:
        problem = f"its Z = {s.Z} is not reduced modulo p"
    elif s.map == "SVDW":
        if s.iso is not None or (s.map_a, s.map_b) != (prm.a, prm.b):
            problem = "an SvdW suite maps straight to E, but its map_a, map_b differ from a, b"
        else:
            problem = _svdw_criteria(p, prm.a, prm.b, s.Z)
            if problem is None:
                return
            problem = f"its Z fails the SvdW criteria: {problem}"
    else:  # a custom SSWU suite: what can be checked without the isogeny
        if s.iso is None and (s.map_a, s.map_b) != (prm.a, prm.b):
            problem = "its map_a, map_b differ from a, b and it has no isogeny"
        elif s.map_a % p == 0 or s.map_b % p == 0 or is_square(s.Z, p):
            problem = "SSWU needs map_a, map_b != 0 and a non-square Z"
        elif s.iso is not None:
            problem = _iso_problem(s, prm)
            if problem is None:
                return
        else:
            return
    raise CurveMismatchError(f"Suite {s.id!r} does not fit the curve {prm.name!r}: {problem}.")


def _poly_mul(f: list[int], g: list[int], p: int) -> list[int]:
    """The product of two polynomials over GF(p), coefficients in ascending powers."""
    out = [0] * max(0, len(f) + len(g) - 1)
    for i, a in enumerate(f):
        for j, b in enumerate(g):
            out[i + j] += a * b
    return [c % p for c in out]


def _poly_add(*fs: list[int], p: int) -> list[int]:
    out = [0] * max(map(len, fs))
    for f in fs:
        for i, c in enumerate(f):
            out[i] += c
    return [c % p for c in out]


def _trimmed(f: list[int]) -> list[int]:
    while f and not f[-1]:
        f = f[:-1]
    return f


@cache
def _standard_h_eff(p: int, a: int, b: int) -> frozenset[int]:
    """The h_eff of the RFC's suites for the curve y^2 = x^3 + a x + b over GF(p) (BLS12-381's clears the
    cofactor without being a multiple of it)."""
    standard, eqs = _standard()
    return frozenset(s.h_eff for sid, s in standard.items() if eqs[sid] == (p, a, b))


def _iso_problem(s: Suite, prm: CurveParams) -> str | None:
    """Why a custom suite's isogeny does not send the points of ``E'`` (map_a, map_b) onto ``E``, or ``None``.

    ``(x, y) = (x_num / x_den, y' y_num / y_den)`` lies on ``E`` for every point ``(x', y')`` of ``E'``
    off the denominators' roots exactly when ``g'(x') y_num^2 x_den^3 = (x_num^3 + a x_num x_den^2 +
    b x_den^3) y_den^2`` as polynomials (``g'(x) = x^3 + map_a x + map_b``): checked coefficient by
    coefficient, exactly.  (Where a denominator vanishes the map gives the identity.)
    """
    p = prm.p
    xn, xd, yn, yd = (_trimmed([c % p for c in poly]) for poly in s.iso)
    if not xd or not yd:
        return "its isogeny has a zero denominator"
    if len(xn) != len(xd) + 1 or not yn:  # an isogeny of degree d: x_num of degree d, x_den of d - 1
        return "its isogeny's x_num must have degree one more than x_den, and y_num must not be zero"

    def mul(*fs: list[int]) -> list[int]:
        out = [1]
        for f in fs:
            out = _poly_mul(out, f, p)
        return out

    g_prime = [s.map_b % p, s.map_a % p, 0, 1]
    lhs = mul(g_prime, yn, yn, xd, xd, xd)
    rhs = mul(_poly_add(mul(xn, xn, xn), mul([prm.a % p], xn, xd, xd), mul([prm.b % p], xd, xd, xd), p=p), yd, yd)
    if _trimmed(lhs) != _trimmed(rhs):
        return "its isogeny does not send the points of E' (map_a, map_b) onto the curve"
    return None


def svdw_constants(suite: Suite, params: CurveParams) -> tuple[int, int, int, int]:
    """The precomputable constants of the SvdW map (RFC 9380 section 6.6.1, steps 5 and 8).

    ``c1 = g(Z)``, ``c2 = -Z / 2``, ``c3 = sqrt(-g(Z) * (3 Z^2 + 4 A))`` with
    ``sgn0(c3) == 0``, ``c4 = -4 g(Z) / (3 Z^2 + 4 A)``, all modulo ``p``
    (these are the constants of the straight-line version, Appendix F.1).

    Args:
        suite: An SvdW suite.
        params: Its curve.

    Returns:
        ``(c1, c2, c3, c4)``.

    Raises:
        ValueError: If the suite's map is not SvdW.
        CurveMismatchError: If the suite does not fit the curve.

    Example:
        >>> prm = named_params("toy-plot")
        >>> svdw_constants(default_suite(prm), prm)
        (1, 22, 6, 24)
    """
    if not isinstance(suite, Suite) or suite.map != "SVDW":
        raise ValueError(f"svdw_constants needs an SvdW suite, not {getattr(suite, 'id', suite)!r}.")
    _check_fits(suite, params)
    p, A, Z = params.p, suite.map_a, suite.Z
    gz = (Z * Z * Z + A * Z + suite.map_b) % p
    den = (3 * Z * Z + 4 * A) % p
    c3 = sqrt_mod(-gz * den, p)
    if c3 is None:  # pragma: no cover - _check_fits ran the criteria
        raise ValueError(f"-g(Z) (3 Z^2 + 4 A) is not a square for suite {suite.id!r}.")
    if sgn0(c3):
        c3 = p - c3
    return gz, (-Z) * pow(2, -1, p) % p, c3, -4 * gz * pow(den, -1, p) % p


def sswu_constants(suite: Suite, params: CurveParams) -> tuple[int, int, int]:
    """Constants of the SSWU map for ``p = 3 (mod 4)``, on the curve it targets (``E'`` if isogenous).

    ``c1 = -B / A`` (step 2 of RFC 9380 section 6.6.2);
    ``c2 = sqrt(-Z^3)`` with ``sgn0(c2) == 0``: since ``x2 = Z u^2 x1``,
    ``g(x2) = Z^3 u^6 g(x1)``, so when ``g(x1)`` is not a square,
    ``y2 = c2 * u^3 * sqrt(-g(x1))``. ``-Z^3`` is a square exactly when
    ``p = 3 (mod 4)`` (``Z`` is a non-square), which holds for all five curves
    with a standard suite;
    ``c3 = B / (Z A)``, the ``x1`` of step 3 (when ``inv0`` gives 0).

    Args:
        suite: An SSWU suite.
        params: Its curve ``E``.

    Returns:
        ``(c1, c2, c3)``, with ``A``, ``B`` = ``suite.map_a``, ``suite.map_b``.

    Raises:
        ValueError: If the suite's map is not SSWU, or ``p != 3 (mod 4)``.
        CurveMismatchError: If the suite does not fit the curve.

    Example:
        >>> prm = named_params("P-256")
        >>> c1, c2, c3 = sswu_constants(default_suite(prm), prm)
        >>> (c2 * c2 + pow(-10, 3)) % prm.p, c2 % 2, c3 * -10 * (prm.p - 3) % prm.p == prm.b
        (0, 0, True)
    """
    if not isinstance(suite, Suite) or suite.map != "SSWU":
        raise ValueError(f"sswu_constants needs an SSWU suite, not {getattr(suite, 'id', suite)!r}.")
    _check_fits(suite, params)
    p = params.p
    if p % 4 != 3:
        raise ValueError(f"sswu_constants needs p = 3 (mod 4), not p = {p % 4} (mod 4) for {params.name!r}.")
    A, B, Z = suite.map_a % p, suite.map_b % p, suite.Z % p
    c2 = sqrt_mod(-Z * Z * Z, p)
    if c2 is None:  # pragma: no cover - Z is a non-square and p = 3 mod 4
        raise ValueError(f"-Z^3 is not a square for suite {suite.id!r}.")
    if sgn0(c2):
        c2 = p - c2
    return (-B) * pow(A, -1, p) % p, c2, B * pow(Z * A, -1, p) % p


def field_elements(suite: Suite, params: CurveParams, msgs: Sequence[bytes], dst: bytes) -> list[list[int]]:
    """The field elements ``u`` of each message: the first half of hash_to_curve / encode_to_curve.

    ``hash_to_field(msg, dst, count, modulus=p, L=suite.L, hash_name=suite.hash_name)``
    per message, with ``count = 2`` for ``_RO_`` suites and ``1`` for ``_NU_``.
    The work that depends only on ``dst`` is done once for the batch.

    Args:
        suite: The suite.
        params: Its curve (gives ``p``).
        msgs: A sequence of messages (bytes each).
        dst: The domain separation tag.

    Returns:
        One list of ``suite.count`` integers in ``[0, p)`` per message.

    Raises:
        TypeError: If ``msgs`` is a str or bytes (not a sequence of them), or
            a message or ``dst`` is not bytes.
        ValueError: If ``dst`` is empty.
        CurveMismatchError: If the suite does not fit the curve.

    Example:
        >>> prm = named_params("toy-plot")
        >>> field_elements(default_suite(prm), prm, [b"a", b"b"], b"QUUX")
        [[36, 21], [42, 1]]
    """
    _check_fits(suite, params)
    if isinstance(msgs, (str, bytes, bytearray, memoryview)) or not isinstance(msgs, Sequence):
        raise TypeError(f"msgs must be a sequence of bytes, not {type(msgs).__name__}")
    dst = _check_dst(dst)
    count, L, p = suite.count, suite.L, params.p
    count, p, L = _check_field_args(count, p, L, suite.hash_name)
    expand = _Expander(dst, count * L, suite.hash_name)
    return [_split(expand(_as_bytes("msg", m)), count, L, p) for m in msgs]
