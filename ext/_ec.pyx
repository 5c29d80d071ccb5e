# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""ectraverse._ec: the compiled core's Python face (private).

The only module that touches both Python objects and the C core in
``ext/ect_*.h``.  A :class:`CurveCore` holds one curve's constants (computed
here from Python ints) and exposes point operations on *raw* points: ``bytes``
of ``3 * limbs * 8`` holding the Jacobian (X, Y, Z) limbs in Montgomery form.
Raw points are an internal currency; the public types in ``ectraverse.point``
wrap them.  Every status code from C is checked here and mapped to a specific
exception.  Batch entry points take and return NumPy ``uint64`` arrays of shape
``(m, 3, limbs)`` and release the GIL while C runs.

The arithmetic is variable-time: do not use it on secret data.
"""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.stdint cimport uint64_t, uint8_t, int64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset, memcpy

from ect_api cimport *

import math
import operator

import numpy as np

from ectraverse.errors import EncodingError, NotOnCurveError
from ectraverse.numbertheory import sqrt_constants

__all__ = ["CurveCore", "MapSuite", "build_info", "m521v_field"]

cdef object _ONE = 1  # a Python int: shifts of it stay arbitrary-precision
# The P-256 and P-384 primes, whose Montgomery reductions the assembly does by shifts.
cdef object _P256_PRIME = 2**256 - 2**224 + 2**192 + 2**96 - 1
cdef object _P384_PRIME = 2**384 - 2**128 - 2**96 + 2**32 - 1


def _montgomery_radix(int limbs):
    """R = 2^(64 limbs) as a Python int."""
    return _ONE << (64 * limbs)


def build_info():
    """Describe the compiled core: VERIFY build or not, limb sizes with fast paths.

    Returns:
        dict: ``{"verify": bool, "max_limbs": 9, "fast_limbs": [4, 6, 9],
        "asm_adx": bool, "avx512_m521": bool, "scratch_huge_pages": bool}``
        (asm_adx: the MULX/ADX field code is built in and this CPU supports
        it; avx512_m521: likewise for P-521's AVX-512 IFMA scalar
        multiplication; scratch_huge_pages: the environment fixed glibc's
        mmap threshold when this process started, as Dask's workers do, so
        the core's large scratch blocks (an MSM's, a composition's
        coefficients') are aligned to 2 MiB and advised for huge pages).
    """
    return {"verify": bool(ect_verify_build()), "max_limbs": ECT_MAXL, "fast_limbs": [4, 6, 9],
            "asm_adx": bool(ect_asm_available()), "avx512_m521": bool(ect_avx512_m521_available()),
            "scratch_huge_pages": bool(ect_malloc_threshold_fixed())}


_M521V_OPS = {"add": ECT_FOP_ADD, "sub": ECT_FOP_SUB, "mul": ECT_FOP_MUL, "sqr": ECT_FOP_SQR, "is_zero": ECT_FOP_IS_ZERO}
_FIELD_OPS = {"add": ECT_FOP_ADD, "sub": ECT_FOP_SUB, "mul": ECT_FOP_MUL, "sqr": ECT_FOP_SQR, "half": ECT_FOP_HALF,
              "neg": ECT_FOP_NEG, "dbl": ECT_FOP_DBL}


cdef void _m521v_limbs(str name, object src, uint64_t *dst) except *:
    """Check and copy one operand of m521v_field."""
    cdef int i
    src = list(src)
    if (len(src) != 11 or any(type(v) is not int or not 0 <= v < (_ONE << 52) for v in src[:10])
            or type(src[10]) is not int or not 0 <= src[10] < 128):
        raise ValueError(f"{name} must be 11 ints, limbs 0..9 below 2^52 and limb 10 below 2^7, not {src!r}")
    for i in range(11):
        dst[i] = src[i]


def m521v_field(str op, a, b=None):
    """One P-521 field operation of the AVX-512 IFMA code, for the tests.

    Args:
        op: ``"add"``, ``"sub"``, ``"mul"`` (of a and b), ``"sqr"`` or
            ``"is_zero"`` (of a).
        a, b: elements in that code's representation: 11 limbs of radix 2^52
            (least significant first), limbs 0..9 below 2^52, limb 10 below 2^7.

    Returns:
        list[int] | bool: the result's 11 limbs (the same representation), or
        for ``"is_zero"`` whether a is 0 mod 2^521 - 1.

    Raises:
        ValueError: an unknown op, or limbs outside that representation.
        RuntimeError: the code is not built in or this CPU lacks AVX-512 IFMA.
    """
    cdef uint64_t x[11]
    cdef uint64_t y[11]
    cdef uint64_t r[11]
    cdef int i
    if op not in _M521V_OPS:
        raise ValueError(f"op must be one of {sorted(_M521V_OPS)}, not {op!r}")
    _m521v_limbs("a", a, x)
    _m521v_limbs("b", a if b is None else b, y)
    if not ect_m521v_field(_M521V_OPS[op], r, x, y):
        raise RuntimeError("the AVX-512 IFMA P-521 code is not available on this build or CPU")
    if op == "is_zero":
        return bool(r[0])
    return [r[i] for i in range(11)]


cdef bytes _private_bytes(object data, str what):
    """The bytes of a bytes-like object as an immutable private copy (bytes itself as it is).

    Entry points that release the GIL read this copy, never the caller's
    buffer, which another thread could rewrite meanwhile.  Any buffer is
    accepted, whatever its layout (a non-contiguous array gives its elements'
    bytes in C order).
    """
    if type(data) is bytes:
        return data
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"{what} must be bytes-like, not {type(data).__name__}") from None
    return view.tobytes()


cdef void _put(uint64_t *dst, int nlimbs, object value) except *:
    """Store the non-negative Python int value (< 2^(64 nlimbs)) as limbs."""
    cdef bytes b = value.to_bytes(nlimbs * 8, "big")
    ect_limbs_from_be(dst, nlimbs, <const uint8_t *>PyBytes_AS_STRING(b), nlimbs * 8)


cdef void _setup_field(ect_field *F, object p) except *:
    """Fill a Montgomery field descriptor for the odd prime p."""
    cdef int nl = (p.bit_length() + 63) // 64
    R = _montgomery_radix(nl)
    F.n = nl
    F.bits = p.bit_length()
    F.nbytes = (F.bits + 7) // 8
    word = _montgomery_radix(1)
    F.pinv = (-pow(p, -1, word)) % word
    _put(F.p, nl, p)
    _put(F.one, nl, R % p)
    _put(F.r2, nl, (R * R) % p)
    _put(F.pm2, nl, p - 2)
    F.mersenne521 = p == (1 << 521) - 1
    F.p256 = p == _P256_PRIME
    F.p384 = p == _P384_PRIME
    F.pm4 = nl == 4 and p >> 64 == (1 << 192) - 1  # p = 2^256 - c, c < 2^64
    # ect_fe_sqrt's constants, computed once, in ectraverse.numbertheory (whose
    # sqrt_mod is this algorithm in Python): a^((p+1)/4) for p = 3 mod 4, else
    # Tonelli-Shanks from a^((q-1)/2) with c = z^q, p - 1 = q 2^s.
    k = sqrt_constants(p)
    _put(F.sqrt_e, nl, k.exponent)
    if k.s == 1:
        F.p3mod4 = 1
        F.ts_s = 0
    else:
        F.p3mod4 = 0
        F.ts_s = k.s
        _put(F.ts_c, nl, (k.c * R) % p)


cdef class CurveCore:
    """Constants and raw point operations of one curve (private API).

    Args:
        name: the curve's name, used in error messages.
        p, a, b: the field prime and coefficients (0 <= a, b < p).
        gx, gy: the generator, affine.
        n: the (odd prime) order of the generator.
        glv: ``None``, or ``(beta, lam, a1, b1, a2, b2)``: (x, y) -> (beta x, y)
            acts as multiplication by lam on the subgroup, and (a1, b1),
            (a2, b2) is a short basis of {(x, y): x + y lam = 0 mod n}.
        portable: use the generic C field code: no x86-64 MULX/ADX
            assembly even where it is available, no prime-specific product
            (P-521's radix-2^58 folding) and no AVX-512 IFMA scalar
            multiplication (P-521); the tests compare the two.

    The caller (``ectraverse.point.Curve``) validates the parameters; this
    class trusts them.
    """

    cdef ect_curve c
    cdef void *table
    cdef readonly str name
    cdef readonly object p, a, b, n
    cdef readonly int limbs, scalar_limbs, field_bytes, scalar_bytes, raw_size
    cdef readonly bytes identity_raw, generator_raw

    def __cinit__(self, str name, p, a, b, gx, gy, n, glv=None, bint portable=False):
        self.table = NULL
        memset(&self.c, 0, sizeof(ect_curve))
        if p < 5 or p % 2 == 0 or p.bit_length() > 64 * ECT_MAXL:
            raise ValueError(f"p must be an odd prime below 2^{64 * ECT_MAXL}, not {p}")
        if n < 3 or n % 2 == 0 or n.bit_length() > 64 * ECT_MAXL:
            raise ValueError(f"n must be an odd prime below 2^{64 * ECT_MAXL}, not {n}")
        self.name = name
        self.p, self.a, self.b, self.n = p, a, b, n
        _setup_field(&self.c.fp, p)
        _setup_field(&self.c.fn, n)
        self.c.fp.asm_adx = 0 if portable else ect_asm_available()
        self.c.fn.asm_adx = self.c.fp.asm_adx  # the composition coefficients' products mod n
        if portable:
            self.c.fp.mersenne521 = 0
        # P-521's AVX-512 k*P needs a = -3 and prime order (no point but the
        # identity has Y = 0): 2n > p + 1 + 2 sqrt(p) >= #E (Hasse) makes h = 1.
        self.c.fp.avx512_m521 = (self.c.fp.mersenne521 and a == p - 3 and 2 * n > p + 3 + 2 * math.isqrt(p)
                                 and ect_avx512_m521_available())
        self.limbs = self.c.fp.n
        self.scalar_limbs = self.c.fn.n
        self.field_bytes = self.c.fp.nbytes
        self.scalar_bytes = self.c.fn.nbytes
        self.raw_size = 3 * self.limbs * 8
        nl = self.limbs
        R = _montgomery_radix(nl)
        mont = lambda x: (x * R) % p
        self.c.a_kind = ECT_A_ZERO if a == 0 else (ECT_A_MINUS3 if a == p - 3 else ECT_A_GENERIC)
        _put(self.c.a, nl, mont(a))
        _put(self.c.b, nl, mont(b))
        _put(self.c.gx, nl, mont(gx))
        _put(self.c.gy, nl, mont(gy))
        self.c.nbits = n.bit_length()
        if glv is not None:
            self._setup_glv(*glv)
        cdef bytes ident = PyBytes_FromStringAndSize(NULL, self.raw_size)
        cdef uint64_t *w = <uint64_t *>PyBytes_AS_STRING(ident)
        memset(w, 0, self.raw_size)
        memcpy(w + self.limbs, self.c.fp.one, self.limbs * 8)
        self.identity_raw = ident
        self.generator_raw = self.from_affine(gx, gy)

    def _setup_glv(self, beta, lam, a1, b1, a2, b2):
        n, p = self.n, self.p
        L = self.scalar_limbs
        Rn = _montgomery_radix(L)
        shift = L + 1
        self.c.has_glv = 1
        self.c.glv_shift = shift
        _put(self.c.beta, self.limbs, (beta * _montgomery_radix(self.limbs)) % p)
        _put(self.c.lambda_, L, (lam * Rn) % n)
        _put(self.c.mb1, L, ((-b1 % n) * Rn) % n)
        _put(self.c.mb2, L, ((-b2 % n) * Rn) % n)
        _put(self.c.g1, L + 1, (abs(b2) * _montgomery_radix(shift) + n // 2) // n)
        _put(self.c.g2, L + 1, (abs(b1) * _montgomery_radix(shift) + n // 2) // n)
        self.c.glv_s1 = -1 if b2 < 0 else 1
        self.c.glv_s2 = 1 if b1 < 0 else -1
        _put(self.c.half_n, L, (n - 1) // 2)

    def __dealloc__(self):
        if self.table != NULL:
            free(self.table)
            self.table = NULL

    @property
    def has_glv(self):
        """True if scalar multiplication uses the GLV endomorphism."""
        return bool(self.c.has_glv)

    @property
    def uses_asm(self):
        """True if field products use the x86-64 MULX/ADX assembly (4- and 6-limb fields)."""
        return bool(self.c.fp.asm_adx) and self.limbs in (4, 6)

    @property
    def uses_avx512(self):
        """True if k*P runs on AVX-512 IFMA (P-521 on CPUs that have it)."""
        return bool(self.c.fp.avx512_m521)

    @property
    def fast_path(self):
        """True if the field size has a compile-time-sized (unrolled) build."""
        return bool(ect_fast_path(&self.c))

    # ---- helpers -----------------------------------------------------------

    cdef inline const uint64_t *_raw(self, bytes a) except NULL:
        if len(a) != self.raw_size:
            raise ValueError(f"raw point for {self.name!r} must be {self.raw_size} bytes, not {len(a)}")
        return <const uint64_t *>PyBytes_AS_STRING(a)

    cdef inline bytes _new_raw(self):
        return PyBytes_FromStringAndSize(NULL, self.raw_size)

    cdef int _scalar(self, object k, uint64_t *out) except -1:
        """out = limbs of k mod n; k must already be a Python int."""
        cdef bytes b = (k % self.n).to_bytes(self.scalar_bytes, "big")
        ect_limbs_from_be(out, self.scalar_limbs, <const uint8_t *>PyBytes_AS_STRING(b), self.scalar_bytes)
        return 0

    def _scalars(self, scalars, Py_ssize_t m):
        """A (m, scalar_limbs) uint64 array of the given ints reduced mod n."""
        cdef Py_ssize_t i
        cdef int L = self.scalar_limbs, sb = self.scalar_bytes
        ks = []
        for k in scalars:
            if isinstance(k, bool):
                raise TypeError("scalars must be ints, not bool")
            try:
                k = operator.index(k)
            except TypeError:
                raise TypeError(f"scalars must be ints, not {type(k).__name__}") from None
            ks.append((k % self.n).to_bytes(sb, "big"))
        if len(ks) != m:
            raise ValueError(f"expected {m} scalars, not {len(ks)}")
        cdef bytes blob = b"".join(ks)
        out = np.empty((m, L), dtype=np.uint64)
        cdef uint64_t[:, ::1] o = out
        cdef const uint8_t *src = <const uint8_t *>PyBytes_AS_STRING(blob)
        for i in range(m):
            ect_limbs_from_be(&o[i, 0], L, src + i * sb, sb)
        return out

    def _check_batch(self, A):
        if not isinstance(A, np.ndarray) or A.dtype != np.uint64 or A.ndim != 3 \
                or A.shape[1] != 3 or A.shape[2] != self.limbs or not A.flags.c_contiguous:
            raise ValueError(f"raw point batch for {self.name!r} must be a C-contiguous uint64 array "
                             f"of shape (m, 3, {self.limbs})")

    # ---- single points -----------------------------------------------------

    def add(self, bytes a, bytes b):
        """Raw a + b."""
        cdef bytes out = self._new_raw()
        ect_add(&self.c, <uint64_t *>PyBytes_AS_STRING(out), self._raw(a), self._raw(b))
        return out

    def double(self, bytes a):
        """Raw 2a."""
        cdef bytes out = self._new_raw()
        ect_double(&self.c, <uint64_t *>PyBytes_AS_STRING(out), self._raw(a))
        return out

    def neg(self, bytes a):
        """Raw -a."""
        cdef bytes out = self._new_raw()
        ect_neg(&self.c, <uint64_t *>PyBytes_AS_STRING(out), self._raw(a))
        return out

    def sub(self, bytes a, bytes b):
        """Raw a - b."""
        cdef bytes out = self._new_raw()
        cdef uint64_t *o = <uint64_t *>PyBytes_AS_STRING(out)
        ect_neg(&self.c, o, self._raw(b))
        ect_add(&self.c, o, self._raw(a), o)
        return out

    def field_op(self, str op, a, b=0):
        """One base-field operation on internal values, for the tests.

        Args:
            op: ``"add"``, ``"sub"``, ``"mul"`` (a b R^-1: the Montgomery
                product), ``"sqr"`` (a^2 R^-1), ``"half"``, ``"neg"`` or ``"dbl"``.
            a, b: ints in [0, p): values as the core holds them (x R mod p for
                the element x, R = 2^(64 limbs)); b only for add, sub and mul.

        Returns:
            int: the result in the same form, through the code the point
            formulas run (assembly where this core uses it).

        Raises:
            ValueError: an unknown op, or a or b outside [0, p).
        """
        cdef uint64_t x[ECT_MAXL]
        cdef uint64_t y[ECT_MAXL]
        cdef uint64_t r[ECT_MAXL]
        cdef int i
        if op not in _FIELD_OPS:
            raise ValueError(f"op must be one of {sorted(_FIELD_OPS)}, not {op!r}")
        for name, v in (("a", a), ("b", b)):
            if type(v) is not int or not 0 <= v < self.p:
                raise ValueError(f"{name} must be an int in [0, p), not {v!r}")
        _put(x, self.limbs, a)
        _put(y, self.limbs, b)
        if ect_field_op(&self.c, _FIELD_OPS[op], r, x, y) != 1:
            raise ValueError(f"the core does not know the field operation {op!r}")
        return sum(int(r[i]) << (64 * i) for i in range(self.limbs))

    def mul(self, bytes a, k):
        """Raw (k mod n) a, for a Python int k."""
        cdef uint64_t ks[ECT_MAXL]
        cdef bytes out = self._new_raw()
        self._scalar(k, ks)
        ect_mul(&self.c, <uint64_t *>PyBytes_AS_STRING(out), self._raw(a), ks)
        return out

    def mul_wide(self, bytes a, k):
        """Raw k a for an int 0 <= k < 2^(64 scalar_limbs), not reduced mod n.

        For k >= n, k a on the whole curve, whatever subgroup a lies in; for
        k < n on a curve with an endomorphism (GLV), the split's answer, which
        is k a only when a is in the order-n subgroup (the subgroup check and
        cofactor clearing never split).  The tests use it to reach scalars >= n.
        """
        cdef uint64_t ks[ECT_MAXL]
        cdef bytes out = self._new_raw()
        cdef int L = self.scalar_limbs
        if type(k) is not int or not 0 <= k < (_ONE << (64 * L)):
            raise ValueError(f"k must be an int in [0, 2^{64 * L}), not {k!r}")
        cdef bytes b = k.to_bytes(8 * L, "big")
        ect_limbs_from_be(ks, L, <const uint8_t *>PyBytes_AS_STRING(b), 8 * L)
        ect_mul(&self.c, <uint64_t *>PyBytes_AS_STRING(out), self._raw(a), ks)
        return out

    cdef int _ensure_table(self) except -1:
        if self.table == NULL:
            self.table = ect_gen_table(&self.c)
            if self.table == NULL:
                raise MemoryError(f"no memory for the fixed-base table of {self.name!r}")
        return 0

    def mul_gen(self, k):
        """Raw (k mod n) G with the fixed-base table (built on first use)."""
        cdef uint64_t ks[ECT_MAXL]
        cdef bytes out = self._new_raw()
        self._ensure_table()
        self._scalar(k, ks)
        ect_mul_gen(&self.c, self.table, <uint64_t *>PyBytes_AS_STRING(out), ks)
        return out

    def equal(self, bytes a, bytes b):
        """True if the raw points are the same point (no inversion)."""
        return bool(ect_equal(&self.c, self._raw(a), self._raw(b)))

    def is_identity(self, bytes a):
        """True if the raw point is the identity (Z = 0)."""
        cdef const uint64_t *z = self._raw(a) + 2 * self.limbs
        cdef int i
        for i in range(self.limbs):
            if z[i]:
                return False
        return True

    def is_valid(self, bytes a):
        """True if the raw point satisfies the curve equation."""
        return bool(ect_is_valid(&self.c, self._raw(a)))

    def in_subgroup(self, bytes a):
        """True if n a is the identity."""
        return bool(ect_in_subgroup(&self.c, self._raw(a)))

    def affine(self, bytes a):
        """(x, y) as Python ints, or None for the identity."""
        cdef int nb = self.field_bytes
        cdef bytes xy = PyBytes_FromStringAndSize(NULL, 2 * nb)
        cdef uint8_t *buf = <uint8_t *>PyBytes_AS_STRING(xy)
        if not ect_affine(&self.c, buf, buf + nb, self._raw(a)):
            return None
        return int.from_bytes(xy[:nb], "big"), int.from_bytes(xy[nb:], "big")

    def from_affine(self, x, y):
        """Raw point from affine ints; NotOnCurveError or EncodingError."""
        cdef int nb = self.field_bytes
        if not (0 <= x < self.p and 0 <= y < self.p):
            raise NotOnCurveError(
                f"Coordinates of a point on {self.name!r} must be in [0, p), not ({x:#x}, {y:#x}).")
        cdef bytes bx = x.to_bytes(nb, "big"), by = y.to_bytes(nb, "big")
        cdef bytes out = self._new_raw()
        rc = ect_from_affine(&self.c, <uint64_t *>PyBytes_AS_STRING(out),
                             <const uint8_t *>PyBytes_AS_STRING(bx), <const uint8_t *>PyBytes_AS_STRING(by))
        if rc != 1:
            raise NotOnCurveError(
                f"Point ({x:#x}, {y:#x}) is not on {self.name!r}: y^2 != x^3 + a*x + b mod p.")
        return out

    def encode(self, bytes a, bint compressed=True):
        """SEC1 encoding of a raw point."""
        cdef unsigned char buf[1 + 2 * 8 * ECT_MAXL]
        cdef size_t ln = ect_encode(&self.c, buf, self._raw(a), compressed)
        return PyBytes_FromStringAndSize(<char *>buf, ln)

    def decode(self, data):
        """Raw point from a SEC1 encoding (bytes-like); EncodingError or NotOnCurveError."""
        cdef const uint8_t[::1] view = _private_bytes(data, "encoded point")
        cdef bytes out = self._new_raw()
        cdef size_t ln = view.shape[0]
        cdef int rc
        if ln == 0:
            rc = ECT_ERR_LENGTH
        else:
            rc = ect_decode(&self.c, <uint64_t *>PyBytes_AS_STRING(out), &view[0], ln)
        if rc != 1:
            raise self._decode_error(rc, bytes(view[:1 + 2 * self.field_bytes]), ln)
        return out

    def _decode_error(self, int rc, bytes head, size_t ln):
        """The exception for decode status rc (head: the record's first bytes)."""
        nb = self.field_bytes
        name = self.name
        if ln == 0:
            return EncodingError(f"Encoded point for {name!r} must not be empty: expected 1, "
                                 f"{1 + nb} or {1 + 2 * nb} bytes.")
        prefix = head[0]
        if rc == ECT_ERR_PREFIX:
            return EncodingError(f"Encoded point for {name!r} must start with 0x00, 0x02, 0x03 or 0x04, "
                                 f"not {prefix:#04x}.")
        if rc == ECT_ERR_LENGTH:
            if prefix == 0:
                return EncodingError(f"The identity on {name!r} is encoded as the single byte 0x00, "
                                     f"not {ln} bytes.")
            kind, want = ("Compressed", 1 + nb) if prefix in (2, 3) else ("Uncompressed", 1 + 2 * nb)
            return EncodingError(f"{kind} point for {name!r} must be {want} bytes, not {ln}.")
        if rc == ECT_ERR_RANGE:
            return EncodingError(f"Coordinates of a point on {name!r} must be less than p "
                                 f"({nb}-byte big-endian integers below {self.p:#x}).")
        x = int.from_bytes(head[1:1 + nb], "big")
        if rc == ECT_ERR_PARITY:
            return EncodingError(f"The only point on {name!r} with x = {x:#x} has y = 0, which is encoded "
                                 f"with prefix 0x02, not 0x03.")
        if rc == ECT_ERR_NO_SQRT:
            return NotOnCurveError(f"No point on {name!r} has x = {x:#x}: x^3 + a*x + b is not a square mod p.")
        if rc == ECT_ERR_NOT_ON_CURVE:
            y = int.from_bytes(head[1 + nb:1 + 2 * nb], "big")
            return NotOnCurveError(f"Point ({x:#x}, {y:#x}) is not on {name!r}: y^2 != x^3 + a*x + b mod p.")
        if rc == ECT_ERR_NOMEM:
            return MemoryError(f"out of memory while decoding points for {name!r}")
        return EncodingError(f"Bad encoded point for {name!r} (status {rc}).")

    # ---- batches (NumPy arrays of raw points, GIL released) ----------------

    def new_batch(self, Py_ssize_t m):
        """An uninitialised (m, 3, limbs) uint64 array."""
        return np.empty((m, 3, self.limbs), dtype=np.uint64)

    def batch_from_raws(self, raws):
        """Stack a list of raw points into an (m, 3, limbs) array."""
        cdef bytes blob = b"".join(raws)
        if len(blob) != len(raws) * self.raw_size:
            raise ValueError(f"raw points for {self.name!r} must be {self.raw_size} bytes each")
        return np.frombuffer(blob, dtype=np.uint64).reshape(len(raws), 3, self.limbs).copy()

    def batch_add(self, A, B, bint subtract=False):
        """Element-wise A + B (or A - B)."""
        self._check_batch(A)
        self._check_batch(B)
        if A.shape[0] != B.shape[0]:
            raise ValueError(f"batches must have the same length, not {A.shape[0]} and {B.shape[0]}")
        out = self.new_batch(A.shape[0])
        cdef const uint64_t[:, :, ::1] a = A
        cdef const uint64_t[:, :, ::1] b = B
        cdef uint64_t[:, :, ::1] o = out
        cdef size_t m = A.shape[0]
        if m:
            with nogil:
                ect_batch_add(&self.c, &o[0, 0, 0], &a[0, 0, 0], &b[0, 0, 0], m, subtract)
        return out

    def batch_neg(self, A):
        """Element-wise -A."""
        self._check_batch(A)
        out = A.copy()
        cdef uint64_t[:, :, ::1] o = out
        cdef Py_ssize_t i
        for i in range(out.shape[0]):
            ect_neg(&self.c, &o[i, 0, 0], &o[i, 0, 0])
        return out

    def batch_mul(self, A, scalars):
        """Element-wise k_i A_i."""
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        K = self._scalars(scalars, m)
        out = self.new_batch(m)
        cdef const uint64_t[:, :, ::1] a = A
        cdef const uint64_t[:, ::1] k = K
        cdef uint64_t[:, :, ::1] o = out
        if m:
            with nogil:
                ect_batch_mul(&self.c, &o[0, 0, 0], &a[0, 0, 0], &k[0, 0], m)
        return out

    def batch_mul_common(self, A, scalars):
        """(s, m, 3, limbs): row e is k_e A_i for every i (s common scalars), affine (Z = 1)."""
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        scalars = list(scalars)
        cdef size_t s = len(scalars)
        K = self._scalars(scalars, s)
        out = np.empty((s, m, 3, self.limbs), dtype=np.uint64)
        cdef const uint64_t[:, :, ::1] a = A
        cdef const uint64_t[:, ::1] k = K
        cdef uint64_t[:, :, :, ::1] o = out
        cdef int rc = 1
        if m and s:
            with nogil:
                rc = ect_batch_mul_common(&self.c, &o[0, 0, 0, 0], &a[0, 0, 0], m, &k[0, 0], s)
        if rc != 1:
            raise MemoryError(f"out of memory multiplying {m} points by {s} scalars")
        return out

    def batch_mul_gen(self, scalars):
        """k_i G for every scalar, as a batch."""
        self._ensure_table()
        scalars = list(scalars)
        cdef size_t m = len(scalars)
        K = self._scalars(scalars, m)
        out = self.new_batch(m)
        cdef const uint64_t[:, ::1] k = K
        cdef uint64_t[:, :, ::1] o = out
        if m:
            with nogil:
                ect_batch_mul_gen(&self.c, self.table, &o[0, 0, 0], &k[0, 0], m)
        return out

    def batch_sum(self, A):
        """Raw sum of every row."""
        self._check_batch(A)
        cdef bytes out = self._new_raw()
        cdef const uint64_t[:, :, ::1] a = A
        cdef size_t m = A.shape[0]
        cdef uint64_t *o = <uint64_t *>PyBytes_AS_STRING(out)
        if m == 0:
            return self.identity_raw
        with nogil:
            ect_batch_sum(&self.c, o, &a[0, 0, 0], m)
        return out

    def batch_msm(self, A, scalars):
        """Raw sum k_i A_i (Straus or Pippenger, GLV-split when available)."""
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        K = self._scalars(scalars, m)
        cdef bytes out = self._new_raw()
        cdef uint64_t *o = <uint64_t *>PyBytes_AS_STRING(out)
        cdef const uint64_t[:, :, ::1] a = A
        cdef const uint64_t[:, ::1] k = K
        cdef int rc
        if m == 0:
            return self.identity_raw
        with nogil:
            rc = ect_batch_msm(&self.c, o, &a[0, 0, 0], &k[0, 0], m, 1)
        if rc != 1:
            raise MemoryError(f"out of memory in a {m}-point multi-scalar multiplication")
        return out

    def composition_coefficients(self, ids, Py_ssize_t D, k, remap=None):
        """(D, scalar_limbs) uint64 scalars: out[t] = sum of k^(L-1-i) over the positions i whose token
        is t, mod n: ``remap[ids[i]]``, or ``ids[i]`` when remap is None.

        ids, remap: int64 arrays, ids in [0, len(remap)) (or [0, D)) and the remap entries read in
        [0, D); k: a Python int.  The GIL is released while C accumulates (one sum a position, and one
        product a position, or for long runs a token a block: ect_coefficients); C checks every index as
        it reads it.
        """
        cdef const int64_t[::1] idv = np.ascontiguousarray(ids, dtype=np.int64)
        cdef const int64_t[::1] rv = np.ascontiguousarray(remap if remap is not None else np.zeros(1, np.int64),
                                                          dtype=np.int64)
        cdef const int64_t *rp = &rv[0] if remap is not None else NULL
        cdef size_t V = rv.shape[0] if remap is not None else 0
        if D < 0:
            raise ValueError(f"D must be non-negative, not {D}")
        cdef uint64_t ks[ECT_MAXL]
        self._scalar(k, ks)
        out = np.zeros((max(D, 1), self.scalar_limbs), dtype=np.uint64)
        cdef uint64_t[:, ::1] o = out
        cdef size_t L = idv.shape[0]
        cdef int rc
        with nogil:
            rc = ect_coefficients(&self.c, &o[0, 0], &idv[0] if L else NULL, L, rp, V, D, ks)
        if rc == ECT_ERR_NOMEM:
            raise MemoryError(f"out of memory accumulating the coefficients of {D} distinct tokens")
        if rc != 1:
            raise ValueError(f"token indices must be in [0, {len(remap) if remap is not None else D})"
                             + (f" and map to [0, {D})" if remap is not None else ""))
        return out[:D]

    def coefficient_merge(self, parts, scales):
        """(ids, limbs): sorted coefficient rows merged by id, each part's scaled by its scale, mod n.

        parts: (ids, limbs) pairs, ids int64 ascending and non-negative (equal ids are summed), limbs
        (len(ids), scalar_limbs) uint64 rows below n; scales: one Python int a part (reduced mod n).
        The result's ids are the union, ascending, and its rows their sums.  The GIL is released
        while C merges (a heap of the parts' next ids; one product and one sum a row).
        """
        cdef Py_ssize_t P = len(parts), q, total = 0, w = self.scalar_limbs
        if len(scales) != P:
            raise ValueError(f"expected one scale a part ({P}), not {len(scales)}")
        keep = []
        for ids, limbs in parts:
            ids = np.ascontiguousarray(ids, dtype=np.int64)
            limbs = np.ascontiguousarray(limbs, dtype=np.uint64)
            if ids.ndim != 1 or limbs.ndim != 2 or limbs.shape[1] != w or limbs.shape[0] != ids.shape[0]:
                raise ValueError(f"each part must be ids of shape (M,) and limbs of shape (M, {w}), "
                                 f"not {ids.shape} and {limbs.shape}")
            keep.append((ids, limbs))
            total += ids.shape[0]
        cdef const uint64_t[:, ::1] sv = self._scalars(scales, P) if P else np.zeros((1, w), np.uint64)
        out_ids = np.empty(total, dtype=np.int64)
        out = np.empty((total, w), dtype=np.uint64)
        cdef size_t D = 0
        cdef int rc = self._merge_into(keep, sv, out_ids, out, &D)
        if rc == ECT_ERR_NOMEM:
            raise MemoryError(f"out of memory merging {P} parts of coefficients")
        if rc != 1:
            raise ValueError("coefficient parts must have non-negative ids, ascending, and rows below n")
        if D < <size_t>total:  # shrunk in place (no views of them exist)
            out_ids.resize(D, refcheck=False)
            out.resize((D, w), refcheck=False)
        return out_ids, out

    cdef int _merge_into(self, list parts, const uint64_t[:, ::1] sv, out_ids, out, size_t *D):
        """ect_coefficient_merge of the parts (checked, contiguous) into out_ids and out; the
        memoryviews it takes are released when it returns."""
        cdef Py_ssize_t P = len(parts), q
        cdef const int64_t **ip = <const int64_t **>malloc((P if P else 1) * sizeof(int64_t *))
        cdef const uint64_t **rp = <const uint64_t **>malloc((P if P else 1) * sizeof(uint64_t *))
        cdef size_t *lp = <size_t *>malloc((P if P else 1) * sizeof(size_t))
        cdef const int64_t[::1] iv
        cdef const uint64_t[:, ::1] rv
        cdef int64_t[::1] oi = out_ids
        cdef uint64_t[:, ::1] o = out
        cdef int rc
        if not ip or not rp or not lp:
            free(ip)
            free(rp)
            free(lp)
            return ECT_ERR_NOMEM
        try:
            for q in range(P):  # a pointer stays valid while parts holds its array
                iv, rv = parts[q]
                lp[q] = iv.shape[0]
                ip[q] = &iv[0] if lp[q] else NULL
                rp[q] = &rv[0, 0] if lp[q] else NULL
            with nogil:
                rc = ect_coefficient_merge(&self.c, &oi[0] if oi.shape[0] else NULL, &o[0, 0] if o.shape[0] else NULL,
                                           D, ip, rp, lp, <size_t>P, &sv[0, 0])
        finally:
            free(ip)
            free(rp)
            free(lp)
        return rc

    def horner_prefixes(self, A, ids, k):
        """(L + 1, 3, limbs): row 0 the identity, row i + 1 = (k mod n) row i + A[ids[i]].

        The chain S_(i+1) = k S_i + A[ids[i]] in C with the GIL released: k
        recoded once (GLV split and wNAF, as mul does), the states kept in
        Jacobian coordinates, the rows normalised together at the end
        (Z = 1; the identity Z = 0).  ids: ints in [0, len(A)).
        """
        self._check_batch(A)
        if isinstance(k, bool):
            raise TypeError("k must be an int, not bool")
        try:
            k = operator.index(k)
        except TypeError:
            raise TypeError(f"k must be an int, not {type(k).__name__}") from None
        arr = np.asarray(ids)
        if arr.ndim != 1:
            raise ValueError(f"indices must be one-dimensional, not {arr.ndim}-dimensional")
        if arr.size and arr.dtype.kind not in "iu":
            raise TypeError(f"indices must be ints, not {arr.dtype}")
        cdef size_t m = A.shape[0]
        cdef const int64_t[::1] idv = np.array(arr, dtype=np.int64)  # a private copy: read without the GIL
        cdef size_t L = idv.shape[0]
        if L:
            lo, hi = int(arr.min()), int(arr.max())  # compared as Python ints: no wrap-around
            if lo < 0 or hi >= <Py_ssize_t>m:
                raise ValueError(f"indices must be in [0, {m}) for {m} points, not {lo if lo < 0 else hi}")
        cdef uint64_t ks[ECT_MAXL]
        self._scalar(k, ks)
        out = self.new_batch(L + 1)
        out[0] = np.frombuffer(self.identity_raw, dtype=np.uint64).reshape(3, self.limbs)
        cdef uint64_t[:, :, ::1] o = out
        cdef const uint64_t[:, :, ::1] a = A
        if L:
            with nogil:
                ect_horner_chain(&self.c, &o[1, 0, 0], NULL, &a[0, 0, 0], &idv[0], L, ks)
        return out

    def batch_msm_limbs(self, A, K, int threads=1):
        """Raw sum K_i A_i for scalars already as (m, scalar_limbs) uint64 limbs (each < n); a large
        MSM shares its windows among up to ``threads`` threads (started and joined here, without the GIL)."""
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        if K.shape != (m, self.scalar_limbs) or K.dtype != np.uint64:
            raise ValueError(f"scalar limbs must be a uint64 array of shape ({m}, {self.scalar_limbs})")
        if m == 0:
            return self.identity_raw
        cdef bytes out = self._new_raw()
        cdef uint64_t *o = <uint64_t *>PyBytes_AS_STRING(out)
        cdef const uint64_t[:, :, ::1] a = A
        cdef const uint64_t[:, ::1] k = np.ascontiguousarray(K)
        cdef int rc
        with nogil:
            rc = ect_batch_msm(&self.c, o, &a[0, 0, 0], &k[0, 0], m, threads)
        if rc != 1:
            raise MemoryError(f"out of memory in a {m}-point multi-scalar multiplication")
        return out

    def batch_encode(self, A, bint compressed=True):
        """Concatenated SEC1 encodings of every row (one inversion in all)."""
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        cdef size_t outlen = 0
        cdef int rc
        if m == 0:
            return b""
        buf = np.empty(m * (1 + 2 * self.field_bytes), dtype=np.uint8)
        cdef uint8_t[::1] b = buf
        cdef const uint64_t[:, :, ::1] a = A
        with nogil:
            rc = ect_batch_encode(&self.c, &b[0], &outlen, &a[0, 0, 0], m, compressed)
        if rc != 1:
            raise MemoryError("out of memory while encoding points")
        return buf[:outlen].tobytes()

    def batch_affine(self, A):
        """Affine coordinates of every row with one inversion.

        Returns:
            (xy, inf): xy is an (m, 2 * field_bytes) uint8 array (big-endian x
            then y per row, zeros for the identity), inf a bool array.
        """
        self._check_batch(A)
        cdef size_t m = A.shape[0]
        cdef int nb = self.field_bytes
        cdef int rc
        xy = np.zeros((m, 2 * nb), dtype=np.uint8)
        inf = np.zeros(m, dtype=np.uint8)
        if m == 0:
            return xy, inf.astype(bool)
        cdef uint8_t[:, ::1] x = xy
        cdef uint8_t[::1] f = inf
        cdef const uint64_t[:, :, ::1] a = A
        with nogil:
            rc = ect_batch_affine(&self.c, &x[0, 0], &f[0], &a[0, 0, 0], m)
        if rc != 1:
            raise MemoryError("out of memory while normalising points")
        return xy, inf.astype(bool)

    def batch_decode(self, data):
        """A batch from concatenated SEC1 encodings (bytes-like).

        Raises EncodingError / NotOnCurveError naming the index of the first
        bad record.  The records are counted and decoded from one private
        copy of data (no copy for bytes), so a buffer rewritten by another
        thread during the call cannot leave points undecoded.
        """
        cdef bytes blob = _private_bytes(data, "encoded points")
        cdef const uint8_t[::1] view = blob
        cdef size_t ln = view.shape[0]
        cdef size_t count = 0, offset = 0
        cdef int rc
        if ln == 0:
            return self.new_batch(0)
        cdef size_t m = ect_batch_count(&self.c, &view[0], ln)
        if m == <size_t>-1:
            # decode without storing to find the first bad record, for the message
            rc = ect_batch_decode(&self.c, NULL, 0, &view[0], ln, &count, &offset)
            head = bytes(view[offset:offset + 1 + 2 * self.field_bytes])
            err = self._decode_error(rc, head, ln - offset if rc == ECT_ERR_LENGTH else len(head))
            raise type(err)(f"point {count} (byte {offset}): {err}")
        out = self.new_batch(m)
        cdef uint64_t[:, :, ::1] o = out
        with nogil:
            rc = ect_batch_decode(&self.c, &o[0, 0, 0], m, &view[0], ln, &count, &offset)
        if rc != 1:
            head = bytes(view[offset:offset + 1 + 2 * self.field_bytes])
            err = self._decode_error(rc, head, len(head))
            raise type(err)(f"point {count} (byte {offset}): {err}")
        if count != m:  # cannot happen on an immutable copy; checked so that it never passes unseen
            raise RuntimeError(f"decoded {count} points where {m} were counted")
        return out

    def batch_in_subgroup(self, A):
        """Index of the first row outside the order-n subgroup, or -1."""
        self._check_batch(A)
        cdef const uint64_t[:, :, ::1] a = A
        cdef Py_ssize_t i
        for i in range(A.shape[0]):
            if not ect_in_subgroup(&self.c, &a[i, 0, 0]):
                return i
        return -1


cdef class MapSuite:
    """One RFC 9380 suite's map_to_curve constants, held in C (private API).

    Args:
        core: the curve's CurveCore.
        kind: "SSWU" or "SVDW".
        A, B: the curve the map lands on (E' for suites with an isogeny).
        Z, c1, c2, c3, c4: the map's constants as ints mod p (see
            ``ect_h2c`` in ext/ect_common.h for what each is per kind).
        iso: ``None`` or four coefficient sequences (x_num, x_den, y_num,
            y_den), ascending powers, ints mod p.
        h_eff: the cofactor-clearing scalar.

    ``ectraverse.rfc9380`` computes every constant; this class trusts them.
    """

    cdef ect_h2c s
    cdef readonly CurveCore core
    cdef readonly str kind

    def __cinit__(self, CurveCore core, str kind, A, B, Z, c1, c2, c3, c4, iso, h_eff):
        memset(&self.s, 0, sizeof(ect_h2c))
        if kind not in ("SSWU", "SVDW"):
            raise ValueError(f"map kind must be 'SSWU' or 'SVDW', not {kind!r}")
        self.core = core
        self.kind = kind
        self.s.kind = ECT_H2C_SSWU if kind == "SSWU" else ECT_H2C_SVDW
        p = core.p
        nl = core.limbs
        R = _montgomery_radix(nl)
        mont = lambda x: ((x % p) * R) % p
        _put(self.s.A, nl, mont(A))
        _put(self.s.B, nl, mont(B))
        _put(self.s.Z, nl, mont(Z))
        _put(self.s.c1, nl, mont(c1))
        _put(self.s.c2, nl, mont(c2))
        _put(self.s.c3, nl, mont(c3))
        _put(self.s.c4, nl, mont(c4))
        cdef int j, w
        if iso is not None:
            if len(iso) != 4:
                raise ValueError("iso must hold four polynomials (x_num, x_den, y_num, y_den)")
            for w in range(4):
                coefs = list(iso[w])
                if not 1 <= len(coefs) <= ECT_ISO_MAX:
                    raise ValueError(f"isogeny polynomials must have 1 to {ECT_ISO_MAX} coefficients, not {len(coefs)}")
                self.s.iso_len[w] = len(coefs)
                for j in range(len(coefs)):
                    _put(self.s.iso[w][j], nl, mont(coefs[j]))
        if not 1 <= h_eff < _montgomery_radix(core.scalar_limbs):
            raise ValueError(f"h_eff must be in [1, 2^{64 * core.scalar_limbs}), not {h_eff}")
        _put(self.s.h_eff, core.scalar_limbs, h_eff)
        self.s.h_eff_is_one = h_eff == 1

    def map(self, us):
        """Raw batch of map_to_curve(u) for field elements u (ints in [0, p)), on E."""
        cdef CurveCore core = self.core
        cdef int nb = core.field_bytes
        us = list(us)
        cdef size_t m = len(us)
        out = core.new_batch(m)
        if m == 0:
            return out
        for u in us:
            if not 0 <= u < core.p:
                raise ValueError(f"field elements must be in [0, p), not {u}")
        cdef bytes blob = b"".join(u.to_bytes(nb, "big") for u in us)
        cdef const uint8_t *src = <const uint8_t *>PyBytes_AS_STRING(blob)
        cdef uint64_t[:, :, ::1] o = out
        cdef int rc
        with nogil:
            rc = ect_h2c_map(&core.c, &self.s, &o[0, 0, 0], src, m)
        if rc != 1:
            raise MemoryError(f"out of memory mapping {m} field elements") if rc == ECT_ERR_NOMEM else \
                ValueError("field elements must be in [0, p)")
        return out

    def clear(self, A):
        """Raw batch h_eff * A[i] (cofactor clearing, never GLV)."""
        cdef CurveCore core = self.core
        core._check_batch(A)
        cdef size_t m = A.shape[0]
        out = core.new_batch(m)
        if m == 0:
            return out
        cdef const uint64_t[:, :, ::1] a = A
        cdef uint64_t[:, :, ::1] o = out
        with nogil:
            ect_h2c_clear(&core.c, &self.s, &o[0, 0, 0], &a[0, 0, 0], m)
        return out
