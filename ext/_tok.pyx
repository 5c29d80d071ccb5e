# cython: boundscheck=False, wraparound=False, cdivision=True
"""The compiled tokenizer: a str's buffer (or UTF-8 bytes) -> token spans -> vocabulary ids.

Reads the str through ``PyUnicode_KIND``/``PyUnicode_DATA``/``PyUnicode_READ``
(PEP 393 kinds 1, 2 and 4), so no Python object is made per token.  UTF-8
bytes (:meth:`StrIndex.utf8_ids`) go through the same loop a piece of a few kB
at a time, cut after whitespace: an ASCII piece read as kind 1 where it lies, any
other decoded (strictly, as Python's codec) into a small buffer of kind 4.  Three of
the built-in tokenizers of :mod:`ectraverse.tokenizers` are implemented here
(``bytes`` goes through ``Vocabulary.array_ids``):

* ``words`` (mode 0): the state machine equal to ``tokenizers._words_pattern``;
  ``\\w`` is ``Py_UNICODE_ISALNUM(ch) || ch == '_'`` and ``\\s`` is
  ``Py_UNICODE_ISSPACE(ch)``, as in CPython's ``_sre`` for str patterns.
* ``whitespace`` (mode 1): maximal runs of non-``Py_UNICODE_ISSPACE``
  characters, as ``str.split()``.
* ``chars`` (mode 2): one token per code point.

:class:`StrIndex` maps a token's code points to its id by open addressing.
It is an index of the vocabulary's token list, never a second vocabulary: it
holds ids ``0 .. indexed - 1`` of that (append-only) list and is brought up
to date by :meth:`StrIndex.sync` under the vocabulary's lock.

The tokenizer loops (:func:`spans`, :meth:`StrIndex.text_ids`) run without
the GIL, so other threads run meanwhile (a Dask worker's event loop, other
tasks, other tokenizers).  The index is a readers-writer structure: a lookup
enters as a reader (under the index's mutex, a count of readers goes up; it
goes down, atomically, when the loop ends); :meth:`StrIndex.sync`, the only
writer, takes the mutex (no reader enters) and waits for the readers inside
to leave before it changes the table, so a lookup never sees a half-made
update and readers never wait for each other.  Every wait happens without
the GIL.  The text is read through its own buffer, kept alive by the caller.
"""

from cpython.unicode cimport PyUnicode_KIND, PyUnicode_DATA, Py_UNICODE_ISSPACE
from cpython.pythread cimport (PyThread_type_lock, PyThread_allocate_lock, PyThread_free_lock,
                               PyThread_acquire_lock, PyThread_release_lock, WAIT_LOCK)
from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t
from libc.stdlib cimport malloc, realloc, free
from libc.string cimport memcpy, memset
from posix.unistd cimport usleep

import numpy as np
cimport numpy as cnp

cnp.import_array()

cdef extern from "Python.h":
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_READY(object o) except -1
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil  # a macro: reads the buffer

cdef extern from *:
    """
    static inline void ect_tok_enter(Py_ssize_t *n) { __atomic_fetch_add(n, 1, __ATOMIC_ACQ_REL); }
    static inline void ect_tok_leave(Py_ssize_t *n) { __atomic_fetch_sub(n, 1, __ATOMIC_RELEASE); }
    static inline Py_ssize_t ect_tok_inside(Py_ssize_t *n) { return __atomic_load_n(n, __ATOMIC_ACQUIRE); }
    """
    void ect_tok_enter(Py_ssize_t* n) nogil
    void ect_tok_leave(Py_ssize_t* n) nogil
    Py_ssize_t ect_tok_inside(Py_ssize_t* n) nogil

DEF NCP = 0x110000
DEF C_WORD = 1
DEF C_SPACE = 2
DEF C_ATTACH = 4

# One byte of class bits per code point: \w, \s, and "attached to the
# preceding character" (set by set_attach from tokenizers' single list).
cdef uint8_t CLS[NCP]
cdef bint ATTACH_SET = False


cdef void _init_classes() noexcept:
    cdef Py_UCS4 c
    for c in range(NCP):
        CLS[c] = (C_WORD if (Py_UNICODE_ISALNUM(c) or c == 0x5F) else 0) | (C_SPACE if Py_UNICODE_ISSPACE(c) else 0)


_init_classes()


def set_attach(codepoints):
    """Mark the code points attached to a preceding character (``tokenizers._attach_codepoints()``)."""
    global ATTACH_SET
    cdef Py_ssize_t c
    for c in range(NCP):
        CLS[c] &= ~C_ATTACH
    for c in codepoints:
        if not 0 <= c < NCP:
            raise ValueError(f"code points must be in [0, 0x110000), not {c}")
        CLS[c] |= C_ATTACH
    ATTACH_SET = True


def classes(Py_ssize_t cp):
    """The class bits of a code point (1: \\w, 2: \\s, 4: attached), for the exhaustive test."""
    if not 0 <= cp < NCP:
        raise ValueError(f"code point must be in [0, 0x110000), not {cp}")
    return CLS[cp]


def after_last_space(str text):
    """The index just after the last whitespace character of text (``\\s`` as ``re`` has it for a
    str), 0 if it has none: a backward scan, as long as the run after that character."""
    PyUnicode_READY(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i = PyUnicode_GET_LENGTH(text)
    with nogil:
        while i > 0 and not (CLS[PyUnicode_READ(kind, data, i - 1)] & C_SPACE):
            i -= 1
    return i


cdef inline bint _ri(Py_UCS4 c) noexcept nogil:
    return 0x1F1E6 <= c <= 0x1F1FF


cdef inline Py_ssize_t _one(int kind, void* data, Py_ssize_t p, Py_ssize_t n) noexcept nogil:
    """End of ``(?:[RI]{2}|[^\\w\\s])`` at p, or -1."""
    if p >= n:
        return -1
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, p)
    if _ri(c) and p + 1 < n and _ri(PyUnicode_READ(kind, data, p + 1)):
        return p + 2
    if CLS[c] & (C_WORD | C_SPACE):
        return -1
    return p + 1


cdef inline Py_ssize_t _attached(int kind, void* data, Py_ssize_t j, Py_ssize_t n) noexcept nogil:
    while j < n and CLS[PyUnicode_READ(kind, data, j)] & C_ATTACH:
        j += 1
    return j


cdef class _Spans:
    cdef int64_t* buf
    cdef Py_ssize_t count, cap

    def __cinit__(self):
        self.buf = NULL
        self.count = self.cap = 0

    def __dealloc__(self):
        free(self.buf)

    cdef int push(self, Py_ssize_t s, Py_ssize_t e) noexcept nogil:
        """Append a span: 0, or -1 out of memory (the caller raises, holding the GIL)."""
        cdef int64_t* nb
        cdef Py_ssize_t cap
        if self.count == self.cap:
            cap = 1024 if self.cap == 0 else 2 * self.cap
            nb = <int64_t*>realloc(self.buf, 2 * cap * sizeof(int64_t))
            if nb == NULL:
                return -1
            self.buf, self.cap = nb, cap
        self.buf[2 * self.count] = s
        self.buf[2 * self.count + 1] = e
        self.count += 1
        return 0


cdef inline Py_ssize_t _token(int kind, void* data, Py_ssize_t i, Py_ssize_t n, int mode,
                              Py_ssize_t* end) noexcept nogil:
    """The start of the first token at or after i (n if there is none), its end in ``end[0]``:
    the one tokenizer loop, which :func:`spans` and :meth:`StrIndex.text_ids` both walk."""
    cdef Py_ssize_t j, k
    cdef Py_UCS4 c, d
    cdef uint8_t cl
    if mode == 2:
        end[0] = i + 1
        return i
    if mode == 1:
        while i < n and CLS[PyUnicode_READ(kind, data, i)] & C_SPACE:
            i += 1
        j = i + 1
        while j < n and not (CLS[PyUnicode_READ(kind, data, j)] & C_SPACE):
            j += 1
        end[0] = j
        return i
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        cl = CLS[c]
        if cl & C_WORD:
            # \w++(?:(?:attach|[ZWNJ ZWJ](?=\w))++\w*+)*+ : continue while the
            # character is \w or attached, or a joiner before a \w
            j = i + 1
            while j < n:
                d = PyUnicode_READ(kind, data, j)
                if CLS[d] & (C_WORD | C_ATTACH):
                    j += 1
                elif (d == 0x200C or d == 0x200D) and j + 1 < n and CLS[PyUnicode_READ(kind, data, j + 1)] & C_WORD:
                    j += 1
                else:
                    break
            end[0] = j
            return i
        if cl & C_SPACE:
            i += 1
            continue
        # one attach*+ (?:ZWJ one attach*+)*+
        j = _attached(kind, data, _one(kind, data, i, n), n)
        while j < n and PyUnicode_READ(kind, data, j) == 0x200D:
            k = _one(kind, data, j + 1, n)
            if k < 0:
                break
            j = _attached(kind, data, k, n)
        end[0] = j
        return i
    return n


# ---- UTF-8 text ---------------------------------------------------------------------------------

DEF PIECE = 16384  # bytes of UTF-8 text decoded at a time (the decoded code points stay in cache)


cdef inline Py_ssize_t _utf8_decode(const uint8_t* s, Py_ssize_t n, Py_UCS4* out) noexcept nogil:
    """Decode n bytes of UTF-8 into out (room for n code points; NULL: only check them) as Python's
    strict ``utf-8`` codec does (no overlong forms, no surrogates, nothing past U+10FFFF, no sequence
    cut short): the number of code points, or -1 if the bytes are not UTF-8."""
    cdef Py_ssize_t i = 0, m = 0, k
    cdef uint32_t c, c1, c2, c3
    cdef uint64_t w
    while i < n:
        c = s[i]
        if c < 0x80:
            if i + 8 <= n:  # ASCII runs 8 bytes at a time
                memcpy(&w, s + i, 8)
                if not (w & 0x8080808080808080ULL):
                    if out != NULL:
                        for k in range(8):
                            out[m + k] = s[i + k]
                    i += 8
                    m += 8
                    continue
            if out != NULL:
                out[m] = c
            i += 1
        elif c < 0xC2:  # a continuation byte, or the lead of an overlong 2-byte form
            return -1
        elif c < 0xE0:
            if i + 1 >= n or (s[i + 1] & 0xC0) != 0x80:
                return -1
            if out != NULL:
                out[m] = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F)
            i += 2
        elif c < 0xF0:
            if i + 2 >= n:
                return -1
            c1, c2 = s[i + 1], s[i + 2]
            if (c1 & 0xC0) != 0x80 or (c2 & 0xC0) != 0x80 or (c == 0xE0 and c1 < 0xA0) or (c == 0xED and c1 >= 0xA0):
                return -1  # not continuation bytes, an overlong form, a surrogate
            if out != NULL:
                out[m] = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F)
            i += 3
        elif c < 0xF5:
            if i + 3 >= n:
                return -1
            c1, c2, c3 = s[i + 1], s[i + 2], s[i + 3]
            if ((c1 & 0xC0) != 0x80 or (c2 & 0xC0) != 0x80 or (c3 & 0xC0) != 0x80
                    or (c == 0xF0 and c1 < 0x90) or (c == 0xF4 and c1 >= 0x90)):
                return -1  # not continuation bytes, an overlong form, past U+10FFFF
            if out != NULL:
                out[m] = ((c & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((c2 & 0x3F) << 6) | (c3 & 0x3F)
            i += 4
        else:
            return -1
        m += 1
    return m


cdef inline bint _ascii(const uint8_t* s, Py_ssize_t n) noexcept nogil:
    cdef uint8_t acc = 0
    cdef Py_ssize_t i
    for i in range(n):
        acc |= s[i]
    return acc < 0x80


cdef inline bint _cut_after(uint8_t b) noexcept nogil:
    """Whether a piece of UTF-8 text may end after the byte b: an ASCII character that is only
    whitespace (no token holds it, and no tokenizer looks past it), so the tokens of the pieces end
    to end are the text's."""
    return b < 0x80 and CLS[b] == C_SPACE


cdef inline Py_ssize_t _piece_end(const uint8_t* s, Py_ssize_t pos, Py_ssize_t n, Py_ssize_t piece) noexcept nogil:
    """The end of the piece of s[:n] from pos: after the last whitespace byte of the next ``piece``
    bytes, else after the first one past them, else n."""
    cdef Py_ssize_t q
    if n - pos <= piece:
        return n
    q = pos + piece
    while q > pos and not _cut_after(s[q - 1]):
        q -= 1
    if q > pos:
        return q
    q = pos + piece
    while q < n and not _cut_after(s[q - 1]):
        q += 1
    return q


cdef inline Py_ssize_t _utf8_len(Py_UCS4 c) noexcept nogil:
    return 1 if c < 0x80 else 2 if c < 0x800 else 3 if c < 0x10000 else 4


def utf8_check(const uint8_t[::1] data):
    """Raise ``UnicodeDecodeError`` (Python's own, from decoding the bytes) if data is not UTF-8."""
    cdef Py_ssize_t n = data.shape[0], r = 0
    if n:
        with nogil:
            r = _utf8_decode(&data[0], n, NULL)
    if r < 0:
        _utf8_error(data)


cdef int _utf8_error(const uint8_t[::1] data) except -1:
    """Raise Python's ``UnicodeDecodeError`` for bytes the decoder above refused."""
    bytes(data).decode("utf-8")
    raise SystemError("ectraverse._tok: the UTF-8 decoder refused bytes that Python decodes")


cdef int _check_mode(int mode) except -1:
    if not 0 <= mode <= 2:
        raise ValueError(f"mode must be 0, 1 or 2, not {mode}")
    if mode == 0 and not ATTACH_SET:
        raise RuntimeError("set_attach() must be called before the words tokenizer is used")
    return 0


cdef object _span_array(_Spans sp):
    a = np.empty((sp.count, 2), dtype=np.int64)
    if sp.count:
        memcpy(cnp.PyArray_DATA(a), sp.buf, 2 * sp.count * sizeof(int64_t))
    return a


def spans(str text, int mode):
    """``(start, end)`` of every token of text, an int64 array of shape (T, 2).

    mode: 0 ``words``, 1 ``whitespace``, 2 ``chars``.
    """
    _check_mode(mode)
    PyUnicode_READY(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, e = 0
    if mode == 2:
        a = np.empty((n, 2), dtype=np.int64)
        a[:, 0] = np.arange(n, dtype=np.int64)
        a[:, 1] = a[:, 0] + 1
        return a
    cdef _Spans out = _Spans()
    cdef int err = 0
    with nogil:
        while True:
            i = _token(kind, data, i, n, mode, &e)
            if i >= n:
                break
            if out.push(i, e):
                err = 1
                break
            i = e
    if err:
        raise MemoryError()
    return _span_array(out)


cdef inline uint64_t _hash(int kind, void* data, Py_ssize_t s, Py_ssize_t e) noexcept nogil:
    """FNV-1a over the code points, then the murmur3 fmix64 finaliser."""
    cdef uint64_t h = 0xcbf29ce484222325ULL ^ <uint64_t>(e - s)
    cdef Py_ssize_t i
    for i in range(s, e):
        h = (h ^ <uint64_t>PyUnicode_READ(kind, data, i)) * 0x100000001b3ULL
    h ^= h >> 33
    h *= 0xff51afd7ed558ccdULL
    h ^= h >> 33
    h *= 0xc4ceb3fe1a85ec53ULL
    h ^= h >> 33
    return h


cdef class StrIndex:
    """An index of the str tokens of a vocabulary's token list: code points -> id.

    Open addressing (linear probing, load <= 1/2) on a 64-bit hash of the code
    points; a hit is confirmed by comparing every code point with the stored
    copy.  Holds no Python object.
    """
    cdef uint64_t* hashes   # per slot
    cdef int64_t* slot_id   # per slot: token id, -1 empty
    cdef Py_ssize_t cap, count
    cdef int64_t* off       # per token id: offset in pool (-1: not a str token)
    cdef int64_t* length
    cdef Py_ssize_t ids_cap
    cdef Py_UCS4* pool
    cdef Py_ssize_t pool_len, pool_cap
    cdef readonly Py_ssize_t indexed
    cdef PyThread_type_lock mutex  # held by sync while it changes the table; a reader takes it to enter
    cdef Py_ssize_t readers        # lookups inside the table now (atomic)

    def __cinit__(self):
        self.mutex = PyThread_allocate_lock()
        if self.mutex == NULL:
            raise MemoryError()
        self.readers = 0
        self.cap = 1024
        self.hashes = <uint64_t*>malloc(self.cap * sizeof(uint64_t))
        self.slot_id = <int64_t*>malloc(self.cap * sizeof(int64_t))
        if self.hashes == NULL or self.slot_id == NULL:
            raise MemoryError()
        memset(self.slot_id, 0xFF, self.cap * sizeof(int64_t))
        self.count = 0
        self.off = self.length = NULL
        self.ids_cap = 0
        self.pool = NULL
        self.pool_len = self.pool_cap = 0
        self.indexed = 0

    def __dealloc__(self):
        if self.mutex != NULL:
            PyThread_free_lock(self.mutex)
        free(self.hashes)
        free(self.slot_id)
        free(self.off)
        free(self.length)
        free(self.pool)

    cdef inline int64_t _find(self, int kind, void* data, Py_ssize_t s, Py_ssize_t e, uint64_t h) noexcept nogil:
        cdef Py_ssize_t mask = self.cap - 1, pos = <Py_ssize_t>(h & <uint64_t>mask), i
        cdef int64_t tid
        cdef Py_UCS4* key
        while True:
            tid = self.slot_id[pos]
            if tid < 0:
                return -1
            if self.hashes[pos] == h and self.length[tid] == e - s:
                key = self.pool + self.off[tid]
                for i in range(e - s):
                    if key[i] != PyUnicode_READ(kind, data, s + i):
                        break
                else:
                    return tid
            pos = (pos + 1) & mask

    cdef Py_ssize_t _lookup(self, int kind, void* data, Py_ssize_t n, int mode, int64_t* iv, Py_ssize_t t,
                            _Spans missed) noexcept nogil:
        """The one lookup loop: the ids of the tokens of data[:n] into iv from t on (-1 where not
        indexed, each such token's span pushed to missed); the new t, or -1 out of memory.  The
        caller is inside the table as a reader."""
        cdef Py_ssize_t i = 0, e = 0
        cdef int64_t r
        while True:
            i = _token(kind, data, i, n, mode, &e)
            if i >= n:
                return t
            r = self._find(kind, data, i, e, _hash(kind, data, i, e))
            iv[t] = r
            if r < 0 and missed.push(i, e):
                return -1
            t += 1
            i = e

    cdef int _grow_slots(self) except -1:
        cdef Py_ssize_t old_cap = self.cap, i, pos, mask
        cdef uint64_t* oh = self.hashes
        cdef int64_t* oi = self.slot_id
        cdef Py_ssize_t ncap = 2 * old_cap
        cdef uint64_t* nh = <uint64_t*>malloc(ncap * sizeof(uint64_t))
        cdef int64_t* ni = <int64_t*>malloc(ncap * sizeof(int64_t))
        if nh == NULL or ni == NULL:
            free(nh)
            free(ni)
            raise MemoryError()
        memset(ni, 0xFF, ncap * sizeof(int64_t))
        mask = ncap - 1
        for i in range(old_cap):
            if oi[i] >= 0:
                pos = <Py_ssize_t>(oh[i] & <uint64_t>mask)
                while ni[pos] >= 0:
                    pos = (pos + 1) & mask
                nh[pos] = oh[i]
                ni[pos] = oi[i]
        self.hashes, self.slot_id, self.cap = nh, ni, ncap
        free(oh)
        free(oi)
        return 0

    cdef int _reserve_ids(self, Py_ssize_t n) except -1:
        cdef Py_ssize_t nc
        cdef int64_t* a
        cdef int64_t* b
        if n <= self.ids_cap:
            return 0
        nc = max(n, 2 * self.ids_cap, 1024)
        a = <int64_t*>realloc(self.off, nc * sizeof(int64_t))
        if a == NULL:
            raise MemoryError()
        self.off = a
        b = <int64_t*>realloc(self.length, nc * sizeof(int64_t))
        if b == NULL:
            raise MemoryError()
        self.length = b
        self.ids_cap = nc
        return 0

    cdef int _insert(self, str token, int64_t tid) except -1:
        PyUnicode_READY(token)
        cdef int kind = PyUnicode_KIND(token)
        cdef void* data = PyUnicode_DATA(token)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(token), i, pos, mask, nc
        cdef Py_UCS4* np_
        cdef uint64_t h = _hash(kind, data, 0, n)
        if self.pool_len + n > self.pool_cap:
            nc = max(self.pool_len + n, 2 * self.pool_cap, 4096)
            np_ = <Py_UCS4*>realloc(self.pool, nc * sizeof(Py_UCS4))
            if np_ == NULL:
                raise MemoryError()
            self.pool, self.pool_cap = np_, nc
        for i in range(n):
            self.pool[self.pool_len + i] = PyUnicode_READ(kind, data, i)
        self.off[tid] = self.pool_len
        self.length[tid] = n
        self.pool_len += n
        if 2 * (self.count + 1) > self.cap:
            self._grow_slots()
        mask = self.cap - 1
        pos = <Py_ssize_t>(h & <uint64_t>mask)
        while self.slot_id[pos] >= 0:
            pos = (pos + 1) & mask
        self.hashes[pos] = h
        self.slot_id[pos] = tid
        self.count += 1
        return 0

    def sync(self, list tokens):
        """Index the tokens appended to the list since the last call (the caller holds the vocabulary's
        lock): the index's writer, alone in the table (see the module docstring)."""
        cdef Py_ssize_t n = len(tokens), i
        if n == self.indexed:
            return
        with nogil:
            PyThread_acquire_lock(self.mutex, WAIT_LOCK)  # no reader enters now
            while ect_tok_inside(&self.readers):  # those inside leave within one pass over their text
                usleep(20)
        try:
            self._reserve_ids(n)
            for i in range(self.indexed, n):
                t = tokens[i]
                if type(t) is str:
                    self._insert(<str>t, i)
                else:
                    self.off[i] = -1
                    self.length[i] = -1
            self.indexed = n
        finally:
            PyThread_release_lock(self.mutex)

    def text_ids(self, str text, int mode):
        """``(ids, missed)``: the id of every token of text under the tokenizer ``mode`` (as
        :func:`spans`), -1 where it is not indexed, and the ``(start, end)`` of those tokens, in
        order, an int64 array of shape (M, 2).  One pass over the text, no array of every span."""
        _check_mode(mode)
        PyUnicode_READY(text)
        cdef int kind = PyUnicode_KIND(text)
        cdef void* data = PyUnicode_DATA(text)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), t = 0
        cdef _Spans missed = _Spans()
        ids = np.empty(n, dtype=np.int64)  # at most one token per character; shrunk in place below
        cdef int64_t* iv = <int64_t*>cnp.PyArray_DATA(ids)
        with nogil:
            PyThread_acquire_lock(self.mutex, WAIT_LOCK)  # enter as a reader (see the module docstring)
            ect_tok_enter(&self.readers)
            PyThread_release_lock(self.mutex)
            t = self._lookup(kind, data, n, mode, iv, 0, missed)
            ect_tok_leave(&self.readers)
        if t < 0:
            raise MemoryError()
        if t < n:
            ids.resize(t, refcheck=False)  # realloc: no copy, and the untouched pages were never used
        return ids, _span_array(missed)

    def utf8_ids(self, const uint8_t[::1] data, int mode, Py_ssize_t piece=PIECE):
        """:meth:`text_ids` of the text whose UTF-8 encoding is data, without a str made of it: read a
        piece of about ``piece`` bytes at a time (the tests make them short), cut after whitespace
        (:func:`_piece_end`), as it is when ASCII, else decoded into a small buffer; the spans of the
        missed tokens are in bytes.

        Raises:
            UnicodeDecodeError: data is not UTF-8 (Python's own error for it).
        """
        cdef Py_ssize_t n = data.shape[0], pos = 0, end, m, t = 0, ci, bi, first, j, cap = piece
        cdef const uint8_t* s = &data[0] if n else NULL
        cdef Py_UCS4* buf
        cdef void* chunk
        cdef int kind, err = 0
        cdef _Spans missed = _Spans()
        cdef int64_t* iv
        _check_mode(mode)
        if piece < 1:
            raise ValueError(f"piece must be at least 1, not {piece}")
        ids = np.empty(n, dtype=np.int64)  # at most one token per byte; shrunk in place below
        iv = <int64_t*>cnp.PyArray_DATA(ids)
        buf = <Py_UCS4*>malloc(cap * sizeof(Py_UCS4))
        if buf == NULL:
            raise MemoryError()
        with nogil:
            PyThread_acquire_lock(self.mutex, WAIT_LOCK)  # enter as a reader (see the module docstring)
            ect_tok_enter(&self.readers)
            PyThread_release_lock(self.mutex)
            while pos < n:
                end = _piece_end(s, pos, n, piece)
                if _ascii(s + pos, end - pos):
                    kind, chunk, m = 1, <void*><uint8_t*>(s + pos), end - pos
                else:
                    if end - pos > cap:  # a piece with no whitespace for more than PIECE bytes
                        free(buf)
                        cap = end - pos
                        buf = <Py_UCS4*>malloc(cap * sizeof(Py_UCS4))
                        if buf == NULL:
                            err = 1
                            break
                    m = _utf8_decode(s + pos, end - pos, buf)
                    if m < 0:
                        err = 2
                        break
                    kind, chunk = 4, <void*>buf
                first = missed.count
                t = self._lookup(kind, chunk, m, mode, iv, t, missed)
                if t < 0:
                    err = 1
                    break
                ci, bi = 0, pos  # the misses' spans, in code points of the piece, to bytes of data
                for j in range(2 * first, 2 * missed.count):
                    if kind == 1:
                        missed.buf[j] += pos
                    else:
                        while ci < missed.buf[j]:
                            bi += _utf8_len(buf[ci])
                            ci += 1
                        missed.buf[j] = bi
                pos = end
            ect_tok_leave(&self.readers)
        free(buf)
        if err == 1:
            raise MemoryError()
        if err == 2:
            _utf8_error(data)
        if t < n:
            ids.resize(t, refcheck=False)
        return ids, _span_array(missed)

    def resolve(self, text, const int64_t[:, ::1] missed, int64_t[::1] ids, lookup_locked, list tokens):
        """Fill the -1 entries of ids in order, the i-th from the i-th span of ``missed`` (as
        :meth:`text_ids` gives them for a str, :meth:`utf8_ids` for UTF-8 bytes, in bytes): from the
        index, else ``lookup_locked(token)`` (which adds the token, gives the unknown token's id, or
        raises), then re-index.  The caller holds the vocabulary's lock; ``tokens`` is its token list."""
        cdef bint utf8 = not isinstance(text, str)
        cdef const uint8_t[::1] raw
        cdef int kind = 0
        cdef void* data = NULL
        cdef Py_ssize_t T = ids.shape[0], M = missed.shape[0], t, m = 0, n
        cdef int64_t s, e, r
        if utf8:
            raw = text
            n = raw.shape[0]
        else:
            PyUnicode_READY(text)
            kind, data, n = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)
        self.sync(tokens)
        for t in range(T):
            if ids[t] >= 0:
                continue
            if m == M:
                raise ValueError(f"ids has more than the {M} missed entries")
            s = missed[m, 0]
            e = missed[m, 1]
            m += 1
            if not 0 <= s < e <= n:
                raise ValueError(f"span ({s}, {e}) is not a token of a text of {n} {'bytes' if utf8 else 'characters'}")
            if utf8:
                token = bytes(raw[s:e]).decode("utf-8")
                PyUnicode_READY(token)
                r = self._find(PyUnicode_KIND(token), PyUnicode_DATA(token), 0, len(token),
                               _hash(PyUnicode_KIND(token), PyUnicode_DATA(token), 0, len(token)))
            else:
                token = None
                r = self._find(kind, data, s, e, _hash(kind, data, s, e))
            if r < 0:
                r = lookup_locked(token if utf8 else text[s:e])
                if len(tokens) != self.indexed:
                    self.sync(tokens)
            ids[t] = r
