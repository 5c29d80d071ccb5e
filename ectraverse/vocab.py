"""Vocabularies: token -> id -> generator.

A :class:`Vocabulary` numbers tokens ``0, 1, 2, ...`` in the order they are
added and maps each to its *generator*, a point of the curve's prime-order
group obtained by hashing the token to the curve (RFC 9380).  Nobody knows a
discrete-log relation between two generators, which is what the contexts built
on them rely on (see docs/design.md §3.4).

Tokens:
    A token is a ``str`` or an ``int`` in ``[-2**63, 2**63)``.  ``bool``,
    ``float`` and other types raise ``TypeError``; NumPy integers and ``str``
    subclasses are converted to ``int`` and ``str``.  ``"1"`` and ``1`` are
    different tokens.  A ``str`` token must be valid Unicode (no lone
    surrogates), so that it has exactly one UTF-8 encoding: one with a lone
    surrogate raises ``ValueError`` in every vocabulary, frozen (with an
    unknown token or without) or open.

Message encoding (what is hashed for a token, :func:`token_message`):
    ``b"s" + token.encode("utf-8")`` for a ``str``;
    ``b"i" + str(token).encode("ascii")`` for an ``int`` (signed decimal, no
    leading zeros, ``"-"`` for negatives: ``-12`` gives ``b"i-12"``).
    The one-byte type tag makes the encoding injective across both types.

Domain-separation tag (:func:`domain_tag`):
    ``b"ectraverse-v1:" + curve.name + b":" + namespace`` (UTF-8), e.g.
    ``b"ectraverse-v1:secp256k1:default"``.  ``v1`` is the version of this
    token -> generator mapping; it changes only if the mapping does.  A
    namespace is a non-empty ``str`` without ``":"``, so the tag is split
    unambiguously at its last colon: two different (curve name, namespace)
    pairs never share a tag, hence never share generators.  (Two different
    custom curves given the same name share a tag, but their generators lie
    on different curves.)  Tags longer than 255 bytes are fine: RFC 9380
    §5.3.3 hashes them.

Open and frozen:
    An open vocabulary (the default) grows on demand: ``id(token)``,
    ``generator(token)``, ``add(token)`` and the bulk forms give an unseen
    token the next id.  In a frozen one, every call that would add a token
    raises :class:`~ectraverse.errors.UnknownTokenError` naming it;
    ``token in vocab`` never adds.

Unknown token:
    A frozen vocabulary may name one of its tokens the *unknown* token
    (``unknown="[UNK]"``, given when it is built frozen: the constructor,
    ``from_corpus`` or ``load``), which then stands for every token not in
    it, as tokenizers do with ``[UNK]``: ``id`` and ``generator`` of an
    unseen token give the unknown token's.  Off by default.  An engine over
    such a vocabulary puts the vocabulary itself in its fingerprint, since
    the map from text to contexts now depends on which tokens it holds.

Generators are computed lazily and cached: the first call that needs one
(``generator``, ``generators``, ``save``) hashes every token still waiting,
in one ``curve.hash_to_curve_batch`` call (a single waiting token goes
through ``curve.hash_to_curve``).  So building a vocabulary (``add_many``,
``from_corpus``) is bookkeeping only, and the hashing is paid once, in a batch.

Threads:
    A Vocabulary is safe to share between threads.  Growth (a new token's id,
    the batched hashing, the generator array) happens under one lock, so ids
    stay dense and every token has exactly one generator whatever the
    interleaving; lookups of tokens already present and reads of an array
    already built take no lock, so a warmed or frozen vocabulary does not
    serialise its readers.  Which of two threads gives its new token the
    smaller id is up to the scheduler.

File format (:meth:`Vocabulary.save`, :meth:`Vocabulary.load`), version 2:
    UTF-8 JSON, one object::

        {
         "format": "ectraverse-vocabulary",
         "version": 2,
         "curve": "secp256k1",
         "curve_params": {"p": "0xffff...fc2f", "a": "0x0", "b": "0x7",
                          "gx": "0x79be...1798", "gy": "0x483a...d4b8",
                          "n": "0xffff...4141", "h": "0x1"},
         "namespace": "default",
         "dst": "ectraverse-v1:secp256k1:default",
         "frozen": false,
         "size": 3,
         "tokens": ["the", ",", 42],
         "generators": ["02c6...", "03a1...", "02f0..."],
         "checksum": "sha256:5f0c..."
        }

    ``tokens`` are in id order; a JSON string is a ``str`` token, a JSON
    integer an ``int`` token.  A frozen vocabulary with an unknown token also
    has ``"unknown": TOKEN`` (one of ``tokens``); other files have no such
    field, and a field not named here is refused (a byte order mark before
    the object is ignored).  ``generators[i]`` is the compressed SEC1
    encoding (hex; ``"00"`` for the identity) of token ``i``'s generator.
    ``checksum`` is ``"sha256:"`` and the SHA-256 of every other field as
    canonical JSON (keys sorted, no spaces, ASCII escapes).  Loading checks
    it, then recomputes every generator from the tokens and the tag and
    compares it with the stored one, so a file for another curve or
    namespace, a truncated file, a missing token, a tampered point or any
    other edit raises :class:`~ectraverse.errors.VocabularyFileError`, never
    a wrong vocabulary.  The checksum is no signature: whoever edits a file
    on purpose can compute it again, and then only the generators are still
    checked against the tokens.  Files of version 1, written before the
    checksum, still load; nothing checks their ``frozen`` and ``unknown``.
    Writing is atomic: a temporary file in the same directory, then
    ``os.replace``.

Example:
    >>> V = Vocabulary("secp256k1", ["the", "cat", 7])
    >>> len(V), V.id("cat"), V.token(2), "dog" in V
    (3, 1, 7, False)
    >>> V.id("dog"), len(V)  # open: an unseen token gets the next id
    (3, 4)
    >>> V.dst
    b'ectraverse-v1:secp256k1:default'
    >>> V.freeze().id("mouse")
    Traceback (most recent call last):
    ...
    ectraverse.errors.UnknownTokenError: Token 'mouse' is not in the frozen vocabulary (4 tokens, ...).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import os
import secrets
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from ectraverse import _json, tokenizers
from ectraverse.errors import (EctraverseError, UnknownCurveError, UnknownTokenError, VocabularyFileError,
                               _BuiltAgainOnLoad, shown)
from ectraverse.point import Curve, Point, PointArray
from ectraverse.point import curve as named_curve

__all__ = [
    "Vocabulary", "Token", "int_token_array", "token_message", "domain_tag", "FILE_FORMAT", "FILE_VERSION", "DST_PREFIX"
]

#: A token: a ``str``, or an ``int`` in ``[-2**63, 2**63)``.
Token = str | int

#: The ``"format"`` field of a vocabulary file.
FILE_FORMAT = "ectraverse-vocabulary"
#: The ``"version"`` field this library writes (it reads this one and version 1, which had no checksum).
FILE_VERSION = 2
_READ_VERSIONS = (1, 2)
#: The prefix of every domain-separation tag; ``v1`` versions the token -> generator mapping.
DST_PREFIX = b"ectraverse-v1:"

_INT_MIN, _INT_MAX = -(2**63), 2**63
#: array_ids keeps a table of int tokens below this value (8 bytes each).
_INT_TABLE_MAX = 1 << 22
_PARAM_KEYS = ("p", "a", "b", "gx", "gy", "n", "h")


# ---- tokens, messages and tags ---------------------------------------------------


def _as_token(token) -> Token:
    """token as a plain ``str`` or ``int``; TypeError for other types (bool included)."""
    cls = token.__class__
    if cls is str:
        return token
    if cls is int:
        if not _INT_MIN <= token < _INT_MAX:
            raise ValueError(f"int tokens must be in [-2**63, 2**63), not {token}")
        return token
    if isinstance(token, str):
        return str.__str__(token)
    if not isinstance(token, bool):
        try:
            return _as_token(operator.index(token))
        except TypeError:
            pass
    raise TypeError(f"tokens must be str or int, not {type(token).__name__}")


def int_token_array(values) -> np.ndarray:
    """values, checked as a one-dimensional NumPy array of int tokens (any integer dtype, not bool).

    Raises:
        TypeError: not a NumPy array, or not of an integer dtype.
        ValueError: not one-dimensional, or a value of 2**63 or more.
    """
    if not isinstance(values, np.ndarray):
        raise TypeError(f"values must be a NumPy array of ints, not {type(values).__name__}")
    if values.dtype.kind not in "iu":
        hint = "; for str tokens pass a list (array.tolist())" if values.dtype.kind in "USO" else ""
        raise TypeError(f"values must be a NumPy array of ints, not of {values.dtype}{hint}")
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional, not {values.ndim}-dimensional")
    if values.dtype.kind == "u" and values.size and int(values.max()) >= _INT_MAX:
        raise ValueError(f"int tokens must be in [-2**63, 2**63), not {int(values.max())}")
    return values


def _message(token: Token) -> bytes:
    """token_message for a token already through _as_token."""
    if token.__class__ is str:
        try:
            return b"s" + token.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"str tokens must be valid Unicode: {token!r} has a lone surrogate at index {exc.start}"
            ) from None
    return b"i" + str(token).encode("ascii")


def token_message(token: Token) -> bytes:
    """The bytes hashed to the curve for ``token``: its type tag, then its value.

    Raises:
        TypeError: token is not a str or an int (bool is rejected).
        ValueError: an int outside ``[-2**63, 2**63)``, or a str with a lone surrogate.

    Example:
        >>> token_message("héllo"), token_message(-12), token_message("-12")
        (b'sh\\xc3\\xa9llo', b'i-12', b's-12')
    """
    return _message(_as_token(token))


def _utf8(what: str, text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} must be valid Unicode: {text!r} has a lone surrogate at index {exc.start}") from None


def _check_namespace(namespace) -> str:
    if not isinstance(namespace, str):
        raise TypeError(f"namespace must be a str, not {type(namespace).__name__}")
    if not namespace or ":" in namespace:
        raise ValueError(f"namespace must be a non-empty str without ':', not {shown(namespace)}")
    _utf8("namespace", namespace)
    return namespace


def _as_curve(curve) -> Curve:
    if isinstance(curve, Curve):
        return curve
    if isinstance(curve, str):
        return named_curve(curve)
    raise TypeError(f"curve must be a Curve or a curve name, not {type(curve).__name__}")


def domain_tag(curve: Curve | str, namespace: str = "default") -> bytes:
    """The hash-to-curve domain-separation tag of a vocabulary.

    Args:
        curve: a :class:`~ectraverse.point.Curve` or a curve name.
        namespace: a non-empty str without ``":"``.

    Returns:
        ``b"ectraverse-v1:" + curve name + b":" + namespace``, UTF-8 encoded.

    Raises:
        TypeError: curve or namespace of the wrong type.
        ValueError: an empty namespace, one containing ``":"``, or a lone surrogate.
        UnknownCurveError: an unknown curve name.

    Example:
        >>> domain_tag("P-256", "wiki")
        b'ectraverse-v1:P-256:wiki'
    """
    C = _as_curve(curve)
    return DST_PREFIX + _utf8("curve name", C.name) + b":" + _check_namespace(namespace).encode("utf-8")


def _texts_check(texts) -> None:
    if isinstance(texts, (str, bytes, bytearray)) or not isinstance(texts, Iterable):
        raise TypeError(f"texts must be an iterable of str, not {type(texts).__name__}")


#: Below this many characters, an ASCII text goes through the Python words tokenizer until the compiled
#: one is set up (Vocabulary.text_ids).
_SHORT_TEXT = 10_000


def _byte_buffer(data) -> memoryview:
    """data as a flat memoryview of bytes (format ``B``), for text given as its UTF-8 encoding.

    A buffer that is not C-contiguous (a strided NumPy view) is copied.

    Raises:
        TypeError: data is not a buffer of single bytes.
    """
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"text must be a str or its UTF-8 bytes, not {type(data).__name__}") from None
    if view.itemsize != 1:
        raise TypeError(f"text given as bytes must be a buffer of single bytes, not format "
                        f"{view.format!r} of {view.itemsize} bytes an item")
    if not view.c_contiguous:
        view = memoryview(view.tobytes())
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _tokens_check(tokens) -> None:
    if isinstance(tokens, (str, bytes, bytearray)) or not isinstance(tokens, Iterable):
        raise TypeError(f"tokens must be an iterable of str or int tokens, not {type(tokens).__name__}")


def _count(what: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, not {value}")
    return value


# ---- the vocabulary ----------------------------------------------------------------


class _StderrProgress:
    """A plain progress bar on stderr for ``from_corpus(progress=True)`` (no rich here)."""

    def __init__(self, total: int | None, width: int = 30):
        self.total, self.width, self.texts, self.tokens = total, width, 0, 0

    def __call__(self, n_tokens: int) -> None:
        self.texts += 1
        self.tokens += n_tokens
        if self.total:
            done = self.width * self.texts // self.total
            bar = f"[{'#' * done}{'.' * (self.width - done)}] {self.texts}/{self.total} texts"
        else:
            bar = f"{self.texts} texts"
        sys.stderr.write(f"\rvocabulary {bar}, {self.tokens:,} tokens")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


class Vocabulary(_BuiltAgainOnLoad):
    """Tokens numbered in order of arrival, each with its generator on one curve.

    Args:
        curve: a :class:`~ectraverse.point.Curve` or a curve name.
        tokens: initial tokens (an iterable of str or int; repeats keep their
            first id).
        namespace: names this vocabulary's generators: two namespaces never
            share one (a non-empty str without ``":"``).
        frozen: if True, unseen tokens raise ``UnknownTokenError`` instead of
            being added (or map to ``unknown``).
        unknown: a token standing for every token not in the vocabulary
            (added after ``tokens`` if it is not among them); only with
            ``frozen=True``.  None (the default): unseen tokens raise.

    Raises:
        TypeError: a curve, namespace, token or flag of the wrong type
            (``tokens`` given as a single str, too).
        ValueError: a bad namespace, an int token out of range, a str token
            with a lone surrogate; ``unknown`` without ``frozen=True``.
        UnknownCurveError: an unknown curve name.

    ``len(V)``, ``token in V``, ``iter(V)`` (tokens in id order) and ``==``
    (same curve, namespace, tokens in the same order and unknown token;
    ``frozen`` is not compared) work as expected.  Pickling keeps the
    computed generators.

    Example:
        >>> V = Vocabulary("secp256k1", namespace="demo")
        >>> V.add_many(["a", "b", "a", 5])
        [0, 1, 0, 2]
        >>> list(V), V
        (['a', 'b', 5], Vocabulary(secp256k1, 3 tokens, namespace='demo'))
        >>> U = Vocabulary("secp256k1", ["a", "b"], frozen=True, unknown="[UNK]")
        >>> U.ids(["a", "zebra"]), U.unknown, "zebra" in U
        ([0, 2], '[UNK]', False)
    """

    __slots__ = (
        "_curve", "_namespace", "_dst", "_frozen", "_unknown_id", "_tokens", "_ids", "_int_table", "_hashed", "_lock",
        "_str_index",
    )

    def __init__(
        self,
        curve: Curve | str,
        tokens: Iterable[Token] | None = None,
        *,
        namespace: str = "default",
        frozen: bool = False,
        unknown: Token | None = None,
    ):
        if not isinstance(frozen, bool):
            raise TypeError(f"frozen must be a bool, not {type(frozen).__name__}")
        if unknown is not None and not frozen:
            raise ValueError("unknown is for frozen vocabularies: pass frozen=True with it")
        self._curve = _as_curve(curve)
        self._namespace = _check_namespace(namespace)
        self._dst = domain_tag(self._curve, namespace)
        self._frozen = False
        self._unknown_id: int | None = None
        # Growth appends to _tokens first and publishes the id in _ids second, and
        # replaces _hashed (the generators of tokens 0 .. len(_hashed) - 1) whole,
        # all under _lock; readers that find what they need take no lock.
        self._tokens: list[Token] = []
        self._ids: dict[Token, int] = {}
        self._int_table: np.ndarray | None = None  # int token -> id (-1: none), for array_ids; built on first use
        self._str_index = None  # a C hash table of the str tokens (_tok.StrIndex), for text_ids; built on first use
        self._hashed = PointArray(self._curve)
        self._lock = threading.Lock()
        if tokens is not None:
            _tokens_check(tokens)
            self._lookup_many(tokens)
        if unknown is not None:
            self._unknown_id = self._lookup(unknown)
        self._frozen = frozen

    # ---- properties --------------------------------------------------------

    @property
    def curve(self) -> Curve:
        """The curve the generators lie on."""
        return self._curve

    @property
    def namespace(self) -> str:
        """The namespace: part of the generators' hash-to-curve tag (:attr:`dst`), so vocabularies of
        different namespaces share no generators."""
        return self._namespace

    @property
    def dst(self) -> bytes:
        """The hash-to-curve domain-separation tag (see :func:`domain_tag`)."""
        return self._dst

    @property
    def frozen(self) -> bool:
        """True if unseen tokens raise ``UnknownTokenError`` instead of being added."""
        return self._frozen

    @property
    def unknown(self) -> Token | None:
        """The token standing for every token not in this frozen vocabulary, or None."""
        return None if self._unknown_id is None else self._tokens[self._unknown_id]

    @property
    def tokens(self) -> tuple[Token, ...]:
        """All tokens, in id order (a snapshot)."""
        return tuple(self._tokens)

    def freeze(self) -> Vocabulary:
        """Stop adding tokens from now on (irreversible; ``load(..., frozen=False)`` reopens a saved copy).

        Returns:
            this vocabulary, for chaining.
        """
        with self._lock:
            self._frozen = True
        return self

    # ---- token <-> id ------------------------------------------------------

    def _unknown(self, token: Token) -> UnknownTokenError:
        return UnknownTokenError(
            f"Token {shown(token)} is not in the frozen vocabulary ({len(self._tokens)} tokens, "
            f"curve {self._curve.name!r}, namespace {self._namespace!r}).",
            token=token,
        )

    def _lookup_locked(self, token) -> int:
        """The id of token, adding it if new; the caller holds ``_lock``."""
        token = _as_token(token)
        i = self._ids.get(token)
        if i is not None:
            return i
        if token.__class__ is str and not token.isascii():
            _message(token)  # a lone surrogate is no token: refused alike by open and frozen vocabularies
        if self._frozen:
            if self._unknown_id is not None:
                return self._unknown_id
            raise self._unknown(token)
        i = len(self._tokens)
        self._tokens.append(token)
        self._ids[token] = i  # published after the token: a reader that finds the id finds the token
        table = self._int_table
        if table is not None and token.__class__ is int and 0 <= token < len(table):
            table[token] = i
        return i

    def _lookup(self, token) -> int:
        cls = token.__class__
        if cls is str or cls is int:
            i = self._ids.get(token)
            if i is not None:
                return i
        with self._lock:
            return self._lookup_locked(token)

    def _lookup_many(self, tokens: Iterable) -> list[int]:
        if tokens.__class__ is not list:
            tokens = list(tokens)
        get = self._ids.get
        out = [get(t) if t.__class__ is str or t.__class__ is int else None for t in tokens]
        if None in out:  # unseen tokens (or ones to convert): added in order, under the lock
            with self._lock:
                for j, i in enumerate(out):
                    if i is None:
                        out[j] = self._lookup_locked(tokens[j])
        return out

    def array_ids(self, values) -> np.ndarray:
        """The ids of int tokens given as a one-dimensional NumPy integer array, without a Python object per token.

        Token ids from Hugging Face tokenizers, tiktoken or any integer coding
        map to this vocabulary's ids through an array (a table from token to
        id, grown to the largest token seen, up to ``2**22``); an open
        vocabulary adds unseen tokens in order of first appearance, exactly as
        :meth:`ids` of the same tokens as a list would.  Values outside
        ``[0, 2**22)`` take the per-token path.

        Raises:
            TypeError: values is not an array of integers (bool included).
            ValueError: not one-dimensional, or an int outside [-2**63, 2**63).
            UnknownTokenError: frozen, and a token is not in the vocabulary
                (without an unknown token).

        Example:
            >>> import numpy as np
            >>> V = Vocabulary("secp256k1", [7])
            >>> V.array_ids(np.array([5, 7, 5, 9])), list(V)
            (array([1, 0, 1, 2]), [7, 5, 9])
        """
        a = int_token_array(values)
        if a.size == 0:
            return np.empty(0, dtype=np.int64)
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi >= _INT_TABLE_MAX:
            return np.array(self._lookup_many(a.tolist()), dtype=np.int64)
        table = self._int_table
        if table is not None and hi < len(table):
            ids = table[a]
            if ids.min() >= 0:  # every token known: no lock, no Python object per token
                return ids
        with self._lock:
            table = self._int_table
            if table is None or hi >= len(table):
                table = self._int_table = self._grown_table(hi + 1)
            ids = table[a]
            missing = ids < 0
            if missing.any():
                vals = a[missing]
                distinct, first = np.unique(vals, return_index=True)
                for v in distinct[np.argsort(first)].tolist():  # new tokens in order of first appearance
                    if table[v] < 0:
                        j = self._lookup_locked(v)  # adds it (open), or gives the unknown token's id
                        table[v] = j if self._tokens[j] == v else -1
                ids = table[a]
                if (ids < 0).any():  # only the unknown token maps unseen values (it is never cached)
                    ids = np.where(ids < 0, self._unknown_id, ids)
            return ids

    def text_ids(self, text: str | bytes, tokenizer: str = "words") -> np.ndarray:
        """The ids of the tokens of text under a built-in tokenizer, as an int64 array: equal to
        ``ids(tokenizers.BY_NAME[tokenizer](text))`` (an open vocabulary adds unseen tokens in order),
        without a Python object per known token.

        The compiled tokenizer walks the str's own buffer (as :func:`tokenizers.spans`)
        and, in the same pass, a hash table in C over this vocabulary's str tokens
        (kept in step with it, under its lock) maps each token to its id; only tokens
        not yet in the vocabulary take the Python path.  That pass runs without the
        GIL: threads tokenize side by side.

        Text given as its UTF-8 encoding is tokenized as it is, without the str it decodes to
        (which takes one to four times its memory): a few kB at a time, as it is where ASCII,
        else decoded into a small buffer.

        Args:
            text: the text: a str, or its UTF-8 encoding (bytes, bytearray, or any other
                buffer of single bytes, such as a uint8 NumPy array; copied if not C-contiguous).
            tokenizer: ``"words"``, ``"whitespace"``, ``"chars"`` or ``"bytes"``.

        Raises:
            TypeError: text is neither a str nor a buffer of bytes.
            UnicodeDecodeError: bytes that are not UTF-8 (as ``bytes.decode`` raises it).
            ValueError: tokenizer is not one of those names (TypeError: not a str).
            UnknownTokenError: frozen, and a token is not in the vocabulary (without an unknown token).

        Example:
            >>> V = Vocabulary("secp256k1", ["b"])
            >>> V.text_ids("a b, a"), list(V)
            (array([1, 0, 2, 1]), ['b', 'a', ','])
            >>> V.text_ids("a b, a".encode())
            array([1, 0, 2, 1])
        """
        tokenizers.by_name(tokenizer)
        utf8 = not isinstance(text, str)
        if utf8:
            text = _byte_buffer(text)
            if len(text) < _SHORT_TEXT:  # the str path, short texts' own way included
                return self.text_ids(str(text, "utf-8"), tokenizer)
        if tokenizer == "bytes":
            if utf8:
                from ectraverse import _tok

                _tok.utf8_check(text)
                return self.array_ids(np.frombuffer(text, dtype=np.uint8))
            return self.array_ids(np.frombuffer(text.encode("utf-8"), dtype=np.uint8))
        if tokenizer == "words" and not utf8 and not tokenizers.attach_ready() and len(text) < _SHORT_TEXT and text.isascii():
            # a short ASCII text before the compiled words tokenizer's one-time setup (about 50 ms):
            # the Python path, so a process that composes a few words never pays it
            return np.array(self._lookup_many(tokenizers.words(text)), dtype=np.int64)
        mode = tokenizers._compiled_mode(tokenizer)
        index = self._str_index
        if index is None:
            with self._lock:
                if self._str_index is None:
                    from ectraverse import _tok

                    fresh = _tok.StrIndex()
                    fresh.sync(self._tokens)
                    self._str_index = fresh
                index = self._str_index
        # the lookups run without the GIL, as readers of the index; an update (sync, under self._lock)
        # waits for the readers inside and keeps new ones out, so a lookup never sees half of one
        ids, missed = index.utf8_ids(text, mode) if utf8 else index.text_ids(text, mode)
        if missed.shape[0]:
            with self._lock:
                index.resolve(text, missed, ids, self._lookup_locked, self._tokens)
        return ids

    def _grown_table(self, size: int) -> np.ndarray:
        """A token -> id table for the ints in [0, size), from the tokens so far; the caller holds _lock."""
        size = max(size, 2 * len(self._int_table) if self._int_table is not None else 0)
        table = np.full(min(size, _INT_TABLE_MAX), -1, dtype=np.int64)
        for t, i in self._ids.items():
            if t.__class__ is int and 0 <= t < len(table):
                table[t] = i
        return table

    def id(self, token: Token) -> int:
        """The id of token; an open vocabulary gives an unseen token the next id.

        Raises:
            UnknownTokenError: the vocabulary is frozen and token is not in it.
            TypeError / ValueError: token is not a valid token (see the module docstring).
        """
        return self._lookup(token)

    def ids(self, tokens: Iterable[Token]) -> list[int]:
        """``[self.id(t) for t in tokens]``, as one call.

        Raises:
            UnknownTokenError: the vocabulary is frozen and a token is not in
                it (tokens before it that were seen are not affected).
        """
        _tokens_check(tokens)
        return self._lookup_many(tokens)

    def add(self, token: Token) -> int:
        """Add token if it is new; return its id (the same as :meth:`id`, stated as intent).

        Raises:
            UnknownTokenError: the vocabulary is frozen and token is not in it.
        """
        return self._lookup(token)

    def add_many(self, tokens: Iterable[Token]) -> list[int]:
        """Add the new tokens, in order; return the id of every token given.

        Their generators are hashed later, in one batch, when first needed.

        Raises:
            UnknownTokenError: the vocabulary is frozen and a token is not in it.
            TypeError / ValueError: a token is not valid; the tokens before it stay added (so do
                those of a compose, prefixes or push_many that fails on a token: the vocabulary grows,
                no context changes, since a context never depends on ids).
        """
        _tokens_check(tokens)
        return self._lookup_many(tokens)

    def token(self, token_id: int, /) -> Token:
        """The token with this id.

        Raises:
            TypeError: token_id is not an int (bool is rejected).
            IndexError: token_id is not in ``range(len(self))``.
        """
        if token_id.__class__ is not int:
            if isinstance(token_id, bool):
                raise TypeError("token id must be an int, not bool")
            try:
                token_id = operator.index(token_id)
            except TypeError:
                raise TypeError(f"token id must be an int, not {type(token_id).__name__}") from None
        if not 0 <= token_id < len(self._tokens):
            raise IndexError(f"token id must be in range({len(self._tokens)}), not {token_id}")
        return self._tokens[token_id]

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token) -> bool:
        cls = token.__class__
        if cls is not str and cls is not int:
            try:
                token = _as_token(token)
            except (TypeError, ValueError):
                return False
        return token in self._ids

    def __iter__(self) -> Iterator[Token]:
        return iter(self._tokens)

    def digest(self) -> bytes:
        """32 bytes naming this vocabulary's contents: its tag, its tokens in id order and its unknown token.

        Engines over a vocabulary with an unknown token put this in their
        fingerprint (such a vocabulary is frozen, so it never changes).

        Example:
            >>> Vocabulary("P-256", ["a"]).digest() == Vocabulary("P-256", ["a"]).digest() != Vocabulary("P-256").digest()
            True
        """
        h = hashlib.sha256(b"ectraverse-v1:vocabulary\x00" + self._dst)
        with self._lock:
            tokens, unknown_id = list(self._tokens), self._unknown_id
        for t in tokens:
            m = _message(t)
            h.update(len(m).to_bytes(8, "big") + m)
        h.update(b"\x00unknown:" + (b"-" if unknown_id is None else str(unknown_id).encode()))
        return h.digest()

    # ---- generators ----------------------------------------------------------

    def _all_hashed(self) -> PointArray:
        """The generators of every token, hashing those still waiting (in one batch) first."""
        hashed = self._hashed
        if len(hashed) == len(self._tokens):
            return hashed
        with self._lock:
            hashed = self._hashed
            waiting = self._tokens[len(hashed) :]
            if waiting:
                C, messages = self._curve, [_message(t) for t in waiting]
                if len(messages) == 1:
                    fresh = PointArray(C, [C.hash_to_curve(messages[0], self._dst)])
                else:
                    fresh = C.hash_to_curve_batch(messages, self._dst)
                hashed = self._hashed = hashed.concat(fresh)
            return hashed

    def generator(self, token: Token) -> Point:
        """The generator of token: ``curve.hash_to_curve(token_message(token), dst)``, cached.

        An open vocabulary adds an unseen token first.  The first call after
        tokens were added hashes all of them, in one batch.

        Raises:
            UnknownTokenError: the vocabulary is frozen and token is not in it.

        Example:
            >>> V = Vocabulary("P-256", ["the"], namespace="wiki")
            >>> V.generator("the") == V.curve.hash_to_curve(b"sthe", b"ectraverse-v1:P-256:wiki")
            True
        """
        i = self._lookup(token)
        hashed = self._hashed
        return (hashed if i < len(hashed) else self._all_hashed())[i]

    @property
    def generators(self) -> PointArray:
        """The generators of all tokens, in id order (cached until a token is added).

        Example:
            >>> G = Vocabulary("secp256k1", ["the", 42]).generators
            >>> G, G[0].to_bytes().hex()[:16], G[1] == G.curve.hash_to_curve(b"i42", b"ectraverse-v1:secp256k1:default")
            (PointArray(secp256k1, 2 points), '03fed3240b58c860', True)
        """
        return self._all_hashed()

    # ---- building from text ----------------------------------------------------

    @classmethod
    def from_corpus(
        cls,
        texts: Iterable[str],
        tokenizer: str | Callable[[str], list] | object = "words",
        *,
        min_count: int = 1,
        max_size: int | None = None,
        curve: Curve | str = "secp256k1",
        namespace: str = "default",
        frozen: bool = False,
        unknown: Token | None = None,
        progress: Callable[[int], object] | bool | None = None,
    ) -> Vocabulary:
        """The vocabulary of the tokens of ``texts``, most frequent first.

        Tokens seen at least ``min_count`` times are kept, ordered by
        descending count, ties by first appearance (so the result is
        deterministic), and cut at ``max_size``.  Generators are hashed on
        first use, in one batch (``V.generators`` forces it).

        Args:
            texts: an iterable of str (a single str is rejected: wrap it in a list).
            tokenizer: anything :func:`ectraverse.tokenizers.resolve` accepts:
                ``"words"`` (default), ``"whitespace"``, ``"chars"``,
                ``"bytes"``, a callable ``str -> list`` of tokens, or an
                object with ``encode(text)`` returning ids.
            min_count: the least number of occurrences a kept token has (>= 1).
            max_size: the most tokens kept (None: no limit).
            curve: the curve, as a Curve or a name (a keyword here, because
                the corpus comes first).
            namespace: see :class:`Vocabulary`.
            frozen: freeze the result.
            unknown: the unknown token of the frozen result (see
                :class:`Vocabulary`), added last if the corpus did not keep it.
            progress: ``True`` draws a plain progress bar on stderr (texts
                done, tokens counted; for a sized ``texts`` also the share
                done); or a callable, called after each text with the number
                of tokens it produced (the benchmark passes a ``rich`` bar's
                advance); ``None`` or ``False``: nothing.

        Raises:
            TypeError: texts is a str or not iterable; a text is not a str;
                the tokenizer is not accepted or returns a str or a non-token.
            ValueError: an unknown tokenizer name; min_count < 1; max_size < 0.

        Example:
            >>> V = Vocabulary.from_corpus(["a b, a", "b a c"], min_count=2)
            >>> list(V)
            ['a', 'b']
            >>> list(Vocabulary.from_corpus(["héllo"], "bytes"))  # "l" twice: it comes first
            [108, 104, 195, 169, 111]
        """
        _texts_check(texts)
        tokenize = tokenizers.resolve(tokenizer)
        min_count = _count("min_count", min_count, 1)
        if max_size is not None:
            max_size = _count("max_size", max_size, 0)
        if progress is True:
            progress = _StderrProgress(len(texts) if hasattr(texts, "__len__") else None)
        elif progress is False:
            progress = None
        if progress is not None and not callable(progress):
            raise TypeError(f"progress must be True, False, a callable or None, not {type(progress).__name__}")
        counts: Counter = Counter()
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must hold str, not {type(text).__name__}")
            tokens = tokenizers.token_list(tokenize, text, tokenizer)
            if not isinstance(tokenizer, str) and not all(t.__class__ is str or t.__class__ is int for t in tokens):
                tokens = [_as_token(t) for t in tokens]  # before counting: True and 1.0 would count as 1
            counts.update(tokens)
            if progress is not None:
                progress(len(tokens))
        if isinstance(progress, _StderrProgress):
            progress.close()
        for t in counts:  # type-check every distinct token, kept or not
            if t.__class__ is not str and t.__class__ is not int:
                _as_token(t)
        ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep first appearance
        kept = [t for t, c in ranked if c >= min_count]
        if max_size is not None:
            del kept[max_size:]
        return cls(curve, kept, namespace=namespace, frozen=frozen, unknown=unknown)

    # ---- files -------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        """Write the vocabulary to ``path`` in the documented JSON format, atomically.

        Hashes any tokens still waiting, to store every generator.

        Raises:
            OSError: the file cannot be written (``path`` is left as it was).
        """
        C = self._curve
        prm = C.params
        with self._lock:  # one consistent snapshot (hashing below never adds a token)
            frozen, unknown = self._frozen, self.unknown
        gens = self._all_hashed()
        tokens = self._tokens[: len(gens)]
        width = 1 + C.field_bytes
        blob = gens.to_bytes()
        if len(blob) == width * len(gens):
            hexes = [blob[i : i + width].hex() for i in range(0, len(blob), width)]
        else:  # an identity (encoded as one byte) among them: practically never
            hexes = [P.to_bytes().hex() for P in gens]
        data = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "curve": C.name,
            "curve_params": {key: hex(getattr(prm, key)) for key in _PARAM_KEYS},
            "namespace": self._namespace,
            "dst": self._dst.decode("utf-8"),
            "frozen": frozen,
            "size": len(tokens),
            "tokens": tokens,
            "generators": hexes,
        }
        if unknown is not None:  # written only when set: other files keep the original layout
            data["unknown"] = unknown
        data["checksum"] = _checksum(data)
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        _write_atomic(path, text.encode("utf-8"))

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        curve: Curve | str | None = None,
        namespace: str | None = None,
        frozen: bool | None = None,
    ) -> Vocabulary:
        """Read a vocabulary written by :meth:`save`, recomputing and checking every generator.

        Args:
            path: the file.
            curve: if given, the file must be for this curve (same name and
                parameters).  If not, the file's curve: a registered curve by
                name (its parameters must match), else a custom curve built
                and validated from the stored parameters.
            namespace: if given, the file must have this namespace.
            frozen: override the stored ``frozen`` flag (None keeps it);
                ``frozen=False`` reopens the vocabulary, and its unknown
                token, if it has one, becomes an ordinary token.

        Raises:
            OSError: the file cannot be read.
            VocabularyFileError: the file is not UTF-8 JSON (truncated, or
                nested too deeply to read, say); not a vocabulary file or of
                another version; for another curve or namespace than
                requested; its custom curve is invalid; malformed (a field
                missing or of the wrong type, a bad or repeated token, a size
                that does not match, a generator that is not a hex string of
                the curve's length, an unknown token that is not one of its
                tokens or in an open vocabulary); or a stored generator
                differs from the recomputed one (the message names the first
                such token).

        Hostile files: every check that needs no hashing runs first, so a
        malformed file is refused in time linear in its size; a custom curve
        with oversized numbers (over 576 bits) is refused before any
        primality test (see ``curves.validate_params``).  There is no size
        limit: a well-formed file costs one hash to the curve per token, and
        memory a few times the file's size while it is read.
        """
        if frozen is not None and not isinstance(frozen, bool):
            raise TypeError(f"frozen must be a bool or None, not {type(frozen).__name__}")
        if namespace is not None:
            _check_namespace(namespace)
        want_curve = None if curve is None else _as_curve(curve)
        label = os.fspath(path)
        raw = Path(path).read_bytes()
        data = _parse(label, raw)

        def fail(problem: str) -> VocabularyFileError:
            return VocabularyFileError(f"{label}: {problem}")

        C = _file_curve(fail, data, want_curve)
        ns = data["namespace"]
        if not isinstance(ns, str):
            raise fail(f"'namespace' must be a str, not {_json_type(ns)}.")
        if namespace is not None and ns != namespace:
            raise fail(f"the vocabulary is for namespace {_shown(ns)}, not {namespace!r}.")
        try:
            dst = domain_tag(C, ns)
        except ValueError as exc:
            raise fail(f"bad namespace: {exc}.") from None
        if data["dst"] != dst.decode("utf-8"):
            raise fail(
                f"'dst' is {_shown(data['dst'])}; curve {C.name!r} and namespace {ns!r} give {dst.decode()!r}."
            )
        stored_frozen = data["frozen"]
        if not isinstance(stored_frozen, bool):
            raise fail(f"'frozen' must be true or false, not {_json_type(stored_frozen)}.")
        tokens, hexes, size = data["tokens"], data["generators"], data["size"]
        if not isinstance(tokens, list):
            raise fail(f"'tokens' must be a list, not {_json_type(tokens)}.")
        if not isinstance(hexes, list):
            raise fail(f"'generators' must be a list, not {_json_type(hexes)}.")
        if isinstance(size, bool) or not isinstance(size, int):
            raise fail(f"'size' must be an int, not {_json_type(size)}.")
        if not size == len(tokens) == len(hexes):
            raise fail(f"'size' is {size} but the file holds {len(tokens)} tokens and {len(hexes)} generators.")

        V = cls(C, namespace=ns)
        for i, t in enumerate(tokens):
            if isinstance(t, bool) or not isinstance(t, (str, int)):
                raise fail(f"token {i} must be a JSON string or integer, not {_json_type(t)}.")
            try:
                j = V._lookup(t)
            except ValueError as exc:
                raise fail(f"token {i}: {exc}.") from None
            if j != i:
                raise fail(f"token {t!r} appears twice (ids {j} and {i}).")

        width = 1 + C.field_bytes
        for i, h in enumerate(hexes):  # the shape of every generator before the costly hashing below
            if not isinstance(h, str) or (len(h) != 2 * width and h != "00"):
                raise fail(
                    f"the stored generator of token {V._tokens[i]!r} (id {i}) must be a hex string of {2 * width} "
                    f"digits ('00' for the identity), not {_shown(h)}."
                )
        computed = V.generators
        blob = computed.to_bytes()
        fixed = len(blob) == width * len(computed)
        for i, h in enumerate(hexes):
            expected = blob[i * width : (i + 1) * width] if fixed else computed[i].to_bytes()
            if not isinstance(h, str) or h.lower() != expected.hex():
                raise fail(
                    f"the stored generator of token {V._tokens[i]!r} (id {i}) does not match the token's hash "
                    "to the curve: the file was altered, or written by an incompatible version."
                )
        unknown = data.get("unknown")  # optional: files written before it was added have none
        if unknown is not None:
            if isinstance(unknown, bool) or not isinstance(unknown, (str, int)) or unknown not in V._ids:
                raise fail(f"'unknown' must be null or one of the tokens, not {_shown(unknown)}.")
            if not stored_frozen:
                raise fail("'unknown' is set, but the vocabulary is not frozen: an unknown token needs a frozen one.")
        V._frozen = stored_frozen if frozen is None else frozen
        if V._frozen and unknown is not None:
            V._unknown_id = V._ids[unknown]
        return V

    # ---- protocol --------------------------------------------------------------

    def __eq__(self, other) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (
            self._curve == other._curve
            and self._namespace == other._namespace
            and self._tokens == other._tokens  # 1 != "1", and bools never get in
            and self._unknown_id == other._unknown_id
        )

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        frozen = ", frozen" if self._frozen else ""
        unknown = "" if self._unknown_id is None else f", unknown={self.unknown!r}"
        return (
            f"Vocabulary({self._curve.name}, {len(self._tokens)} tokens, namespace={self._namespace!r}{frozen}{unknown})"
        )

    def _pickle_version(self) -> tuple:
        """What the pickle holds that can change (tokens added, generators hashed): equal while the
        pickle would be equal, so a pickle can be kept and sent again."""
        return (self._frozen, len(self._tokens), len(self._hashed) if self._hashed is not None else -1)

    def __reduce__(self):
        with self._lock:  # tokens and generators from one moment
            state = (self._frozen, list(self._tokens), self._hashed, self._unknown_id)
        return (_unpickle, (self._curve, self._namespace, *state))


def _is_plain_token(t) -> bool:
    """t is a token as a vocabulary keeps it: a str with a UTF-8 form, or an int in [-2**63, 2**63)."""
    if t.__class__ is str:
        try:
            return t.isascii() or bool(_message(t))
        except ValueError:  # a lone surrogate
            return False
    return t.__class__ is int and _INT_MIN <= t < _INT_MAX


def _unpickle(
    curve: Curve, namespace: str, frozen: bool, tokens: list, hashed: PointArray | None, unknown_id: int | None = None
) -> Vocabulary:
    # The state is set directly: engines travel to compose_chunks and Dask workers, and re-adding (and
    # re-hashing) tens of thousands of tokens one by one cost more than the rest.  What is checked is the
    # structure, not that each generator is its token's hash: a pickle is trusted as Python's pickles are
    # (loading one runs whatever code it names); Vocabulary.load checks a file's generators.
    if tokens.__class__ not in (list, tuple):
        raise ValueError(f"corrupt Vocabulary pickle: its tokens must be a list, not {type(tokens).__name__}")
    V = Vocabulary(curve, namespace=namespace)
    V._tokens = list(tokens)
    plain = all(_is_plain_token(t) for t in V._tokens)
    V._ids = {t: i for i, t in enumerate(V._tokens)} if plain else {}
    if hashed is not None:  # (None in pickles of earlier versions with nothing hashed)
        V._hashed = hashed
    if (
        frozen.__class__ is not bool
        or not plain
        or len(V._ids) != len(V._tokens)
        or not isinstance(V._hashed, PointArray)
        or len(V._hashed) > len(V._tokens)
        or V._hashed.curve != curve
        or not (unknown_id is None or (unknown_id.__class__ is int and frozen and 0 <= unknown_id < len(V._tokens)))
    ):
        raise ValueError(
            "corrupt Vocabulary pickle: a token that is not a valid str or an int in [-2**63, 2**63), a token that "
            "appears twice, more generators than tokens or of another curve, or an unknown token that is not "
            "one of its tokens"
        )
    V._frozen = frozen
    V._unknown_id = unknown_id
    return V


# ---- file helpers ----------------------------------------------------------------


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def _shown(value) -> str:
    """A value read from a file, for a message: a str's repr cut to 80 characters, else its JSON type."""
    if not isinstance(value, str):
        return _json_type(value)
    if len(value) <= 80:
        return repr(value)
    return f"{value[:80]!r}... ({len(value)} characters)"


_FIELDS = ("curve", "curve_params", "namespace", "dst", "frozen", "size", "tokens", "generators")


def _parse(label: str, raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte order mark, as some editors write, is ignored
    except UnicodeDecodeError as exc:
        raise VocabularyFileError(f"{label}: not UTF-8 (byte {exc.start}); not a vocabulary file.") from None
    try:
        data = _json.loads(text)
    except json.JSONDecodeError as exc:
        raise VocabularyFileError(
            f"{label}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); is it truncated?"
        ) from None
    except (_json.TooDeepError, RecursionError):
        raise VocabularyFileError(f"{label}: not a vocabulary file (JSON nested too deeply to read).") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise VocabularyFileError(f"{label}: not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise VocabularyFileError(f"{label}: not an ectraverse vocabulary file (no \"format\": {FILE_FORMAT!r}).")
    version = data.get("version")
    if version.__class__ is not int or version not in _READ_VERSIONS:  # not True, not 1.0
        raise VocabularyFileError(
            f"{label}: vocabulary file version {version!r} is not supported; this ectraverse reads versions "
            f"{' and '.join(map(str, _READ_VERSIONS))}."
        )
    fields = _FIELDS if version == 1 else (*_FIELDS, "checksum")
    missing = [key for key in fields if key not in data]
    if missing:
        raise VocabularyFileError(f"{label}: fields missing: {', '.join(missing)}.")
    # a field this version does not define is refused, not ignored: a misspelt "unknown" would
    # otherwise load as a vocabulary without its unknown token
    unexpected = [key for key in data if key not in fields and key not in ("format", "version", "unknown")]
    if unexpected:
        raise VocabularyFileError(
            f"{label}: fields this version does not define: {', '.join(_shown(k) for k in unexpected)}; the file "
            f"was altered, or written by another version."
        )
    if version != 1 and data["checksum"] != _checksum(data):
        raise VocabularyFileError(
            f"{label}: its checksum does not match its content (the checksum covers every other field): the "
            "file was altered or damaged."
        )
    return data


def _checksum(data: dict) -> str:
    """A version 2 file's ``"checksum"``: ``"sha256:"`` and the SHA-256 (hex) of its other fields as
    canonical JSON (keys sorted, no spaces, ASCII escapes).  It catches edits and damage that still
    parse, those the recomputed generators do not (``frozen``, ``unknown``); it is no signature:
    whoever edits a file can compute it again."""
    body = {key: value for key, value in data.items() if key != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def _file_curve(fail: Callable[[str], VocabularyFileError], data: dict, want: Curve | None) -> Curve:
    """The curve of a parsed file, checked against the stored parameters and ``want``."""
    name, raw_params = data["curve"], data["curve_params"]
    if not isinstance(name, str):
        raise fail(f"'curve' must be a str, not {_json_type(name)}.")
    if not isinstance(raw_params, dict):
        raise fail(f"'curve_params' must be an object, not {_json_type(raw_params)}.")
    unexpected = [key for key in raw_params if key not in _PARAM_KEYS]
    if unexpected:
        raise fail(f"'curve_params' holds keys it does not define: {', '.join(_shown(k) for k in unexpected)}.")
    params = {}
    for key in _PARAM_KEYS:
        value = raw_params.get(key)
        try:
            if not isinstance(value, str) or not value.startswith("0x"):
                raise ValueError
            params[key] = int(value, 16)
        except ValueError:
            raise fail(f"curve_params[{key!r}] must be a hex string like '0x1f', not {_shown(value)}.") from None

    def numbers(C: Curve) -> dict[str, int]:
        return {key: getattr(C.params, key) for key in _PARAM_KEYS}

    if want is not None:
        if want.name != name:
            raise fail(f"the vocabulary is for curve {_shown(name)}, not {want.name!r}.")
        if numbers(want) != params:
            raise fail(f"the vocabulary is for a curve named {name!r} with other parameters than the one given.")
        return want
    try:
        C = named_curve(name)
    except UnknownCurveError:
        C = None
    if C is not None and C.name == name:  # a registered curve's own name (save writes no alias of one)
        if numbers(C) != params:
            raise fail(f"its parameters for curve {name!r} differ from the registered curve {C.name!r}.")
        return C
    try:  # any other name is a custom curve's, even one a registered curve answers to ('TOY61', 'secp256r1')
        return Curve(name, **params)
    except EctraverseError as exc:
        raise fail(f"its custom curve {_shown(name)} is invalid: {exc}") from None


def _write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write data to path through a temporary file in the same directory and ``os.replace``.

    The temporary file is created with mode 0o666 less the umask, like an
    ordinary new file; on any failure it is removed and path is untouched.
    """
    target = os.path.abspath(os.fspath(path))
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
