"""The traversal engine: token sequences as contexts, with exact inverses and bounded state.

A :class:`Traversal` fixes a curve, a tokenizer, a vocabulary (token ->
generator ``P_t`` by RFC 9380 hash-to-curve) and a multiplier ``k``; it maps
every token sequence ``u`` to the context ``C(u) = (L, sum k^(L-i) P_ui)``
(see :mod:`ectraverse.context` for the algebra).  Because ``C`` is a
homomorphism, ``C(uv) = C(u) * C(v)``: contexts compose exactly, invert
exactly, and never grow.

The multiplier is ``k = hash_to_field(key or "", tag)`` into ``Z_n`` (RFC 9380
section 5.2) under the engine's tag ``ectraverse-v1:engine:<curve>:<namespace>``
(``:keyed`` appended with a key); a candidate that is 0, +-1 or of order at
most ``2^32`` (at most ``(n - 1) / 4`` on tiny curves) is rejected and the
next counter value tried.

The engine's fingerprint (in every context's bytes) names what maps input to
contexts: the curve, the namespace, the tokenizer and ``k``.  A built-in
tokenizer is named by its name; a custom one needs ``tokenizer_name=`` for its
contexts to have a byte form (and to pickle); without one, the engine is an
identity of its own: another engine on the same function, or a copy of this
one, gets another fingerprint.  A built-in tokenizer passed as its function
(``tokenizer=tokenizers.words``) is that built-in, named, unless
``tokenizer_name=`` is given too.

Guarantees and limits (see the README): exact and deterministic; for
sequences chosen independently of ``k``, two distinct sequences of length
<= L collide with probability <= L / n.  Not a cryptographic hash against an
adversary who knows ``k``.  With a secret key, ``k`` stays out of contexts,
their bytes, their pickles and the public API; the engine itself (and its
pickle, which :meth:`Traversal.compose_chunks` sends to workers) holds the key,
and a :class:`Traverser`, :class:`PrefixStates` or :class:`WindowIndex` of a
keyed engine refuses to pickle, since it holds the engine.

Threads: a Traversal (with its vocabulary, curve and point arrays) is safe to
share between threads; a :class:`Traverser` is one mutable state, for one
thread at a time.

Example:
    >>> eng = Traversal("secp256k1")
    >>> ab, c = eng.compose("a b"), eng.compose("c")
    >>> eng.compose("a b c") == ab * c
    True
    >>> eng.remove_prefix("a b c", "a b") == c
    True
    >>> eng.compose("a b") == eng.compose("b a")
    False
"""

from __future__ import annotations

import hashlib
import itertools
import math
import operator
import os
import pickle
import secrets
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import SupportsIndex

import numpy as np

from ectraverse import rfc9380, tokenizers
from ectraverse.context import Context, ContextGroup
from ectraverse.errors import (ContextMismatchError, CurveMismatchError, InvalidCurveError, _BuiltAgainOnLoad,
                               _Immutable)
from ectraverse.point import (Curve, Point, PointArray, _limbs_below, _unordered, curve as named_curve,
                              limbs_to_scalars)
from ectraverse.vocab import Vocabulary, _is_plain_token, int_token_array, token_message

__all__ = ["Traversal", "Coefficients", "PrefixStates", "ContextBatch", "Traverser", "WindowIndex",
           "derive_multiplier"]

#: The smallest multiplicative order accepted for k on curves with n > 2^34.
MIN_ORDER = 2**32


def _order_at_most(curve: Curve, k: int, bound: int) -> bool:
    """True if k^e = 1 (mod n) for some 1 <= e <= bound: baby-step giant-step, both sets of powers
    from the compiled coefficient loop (the powers of k are the coefficients of 0, 1, .., m-1),
    matched on their low limbs (one sort, one binary search), every match confirmed on all limbs."""
    m = math.isqrt(bound) + 1
    _, rows = curve.composition_coefficients(np.arange(m), k)  # row d: k^(m-1-d)
    baby = rows[::-1]  # row j: k^j
    order = np.argsort(baby[:, 0], kind="stable")
    lows = baby[order, 0]
    starts = np.flatnonzero(np.concatenate(([True], lows[1:] != lows[:-1], [True])))
    for r in np.flatnonzero(np.diff(starts) > 1).tolist():  # runs of one low limb: are two babies equal?
        s, e = int(starts[r]), int(starts[r + 1])
        if np.unique(baby[order[s:e]], axis=0).shape[0] < e - s:
            return True  # k^a = k^b, a < b < m: the order divides b - a < m <= bound
    _, rows = curve.composition_coefficients(np.arange(m + 1), pow(k, m, curve.n))  # row d: k^(m(m-d))
    giant = rows[::-1][1:]  # row i - 1: k^(im), i = 1 .. m
    gorder = np.argsort(giant[:, 0])  # the giants' low limbs sorted too: the binary searches run in order
    glows = giant[gorder, 0]
    first = np.searchsorted(lows, glows)
    for h in np.flatnonzero(lows[np.minimum(first, m - 1)] == glows).tolist():  # k^(im) = k^j: the order divides im - j
        i, last = int(gorder[h]), int(np.searchsorted(lows, glows[h], side="right"))
        if any(np.array_equal(giant[i], baby[j]) and (i + 1) * m - j <= bound for j in order[first[h]:last].tolist()):
            return True
    return False


def _acceptable(curve: Curve, k: int) -> bool:
    n = curve.n
    if k in (0, 1, n - 1):
        return False
    bound = MIN_ORDER if n > 4 * MIN_ORDER else (n - 1) // 4
    return not _order_at_most(curve, k, bound)


def derive_multiplier(curve: Curve, tag: bytes, key: bytes | None = None) -> int:
    """The engine multiplier: RFC 9380 ``hash_to_field`` into ``Z_n``, rejecting weak values.

    Args:
        curve: the engine's curve.
        tag: the engine's domain-separation tag.
        key: optional secret bytes; the message hashed (empty without a key).

    Returns:
        k in [2, n - 2] of multiplicative order > 2^32 (> (n - 1)/4 on tiny curves).

    Raises:
        InvalidCurveError: n < 5: Z_3^* is {1, 2}, and no k outside {0, 1, n - 1} exists.
    """
    n = curve.n
    if n < 5:
        raise InvalidCurveError(
            f"an engine needs a group of order n >= 5 (its multiplier k must avoid 0, 1 and n - 1); "
            f"curve {curve.name!r} has n = {n}."
        )
    L = (n.bit_length() + 128 + 7) // 8
    msg = key or b""
    for counter in range(1 << 16):
        dst = tag if counter == 0 else tag + b":" + str(counter).encode()
        (k,) = rfc9380.hash_to_field(msg, dst, 1, modulus=n, L=L, hash_name="sha256")
        if _acceptable(curve, k):
            return k
    raise ValueError(f"no multiplier of large order found for {curve.name!r}")  # pragma: no cover


class Traversal(_BuiltAgainOnLoad):
    """An engine mapping token sequences to contexts.

    Args:
        curve: a curve name or :class:`~ectraverse.point.Curve` (default: the
            vocabulary's curve, else secp256k1).
        tokenizer: how strings are split: a name ("words", "whitespace",
            "chars", "bytes"), a callable, or an object with ``encode``.  A
            built-in's own function (``tokenizers.words``) is that built-in.
        tokenizer_name: a name for a custom tokenizer, put in the engine's
            fingerprint: engines that share it (and curve, namespace and key)
            exchange contexts, so give one name to one tokenization.  Without
            it, a custom tokenizer's engine is an identity of its own (a copy
            or another engine on the same function gets another fingerprint):
            its contexts have no byte form and do not pickle.
        namespace: the vocabulary namespace (generators differ per namespace;
            default: the vocabulary's, else "default").
        key: optional secret bytes; with a key the multiplier is secret.
        vocabulary: a :class:`~ectraverse.vocab.Vocabulary` to use, whose
            curve and namespace the engine takes (given ones must match); by
            default an open one is created.

    Raises:
        TypeError: key is not bytes-like, or a bad tokenizer/curve type.
        ValueError: the vocabulary's curve or namespace differs; a
            tokenizer_name for a built-in tokenizer, or an empty one.
    """

    # fields in slots, as the other objects keep theirs: a misspelt attribute is an AttributeError, not a
    # field silently added; a weak reference is how ectraverse.dask remembers the engines it shipped
    __slots__ = ("_curve", "_tokenizer_spec", "_tokenizer_name", "_tokenize", "_builtin", "_namespace", "_key",
                 "_vocab", "_group", "_power_tables", "_pickle", "__weakref__")

    def __init__(self, curve: Curve | str | None = None, *, tokenizer="words", tokenizer_name: str | None = None,
                 namespace: str | None = None, key=None, vocabulary: Vocabulary | None = None):
        if vocabulary is not None and not isinstance(vocabulary, Vocabulary):
            raise TypeError(f"vocabulary must be a Vocabulary, not {type(vocabulary).__name__}")
        if curve is None:
            C = vocabulary.curve if vocabulary is not None else named_curve("secp256k1")
        else:
            C = named_curve(curve) if isinstance(curve, str) else curve
            if not isinstance(C, Curve):
                raise TypeError(f"curve must be a curve name or a Curve, not {type(curve).__name__}")
        if namespace is None:
            namespace = vocabulary.namespace if vocabulary is not None else "default"
        if key is not None:
            if isinstance(key, str) or not isinstance(key, (bytes, bytearray, memoryview)):
                raise TypeError(f"key must be bytes, not {type(key).__name__}")
            key = bytes(key)
            if not key:
                raise ValueError("key must not be empty (use key=None for an unkeyed engine)")
        if vocabulary is None:
            vocabulary = Vocabulary(C, namespace=namespace)
        elif vocabulary.curve != C or vocabulary.namespace != namespace:
            raise ValueError(
                f"vocabulary is for ({vocabulary.curve.name!r}, namespace {vocabulary.namespace!r}), "
                f"not ({C.name!r}, namespace {namespace!r}); leave curve and namespace out to take the vocabulary's"
            )
        if tokenizer_name is None:  # a built-in passed as its function is that built-in, named
            tokenizer = next((n for n, f in tokenizers.BY_NAME.items() if tokenizer is f), tokenizer)
        self._curve = C
        self._tokenizer_spec = tokenizer
        self._tokenizer_name = tokenizer_name
        self._tokenize = tokenizers.resolve(tokenizer)
        # a built-in tokenizer maps a str to ids through the compiled path (Vocabulary.text_ids)
        self._builtin = next((n for n, f in tokenizers.BY_NAME.items() if tokenizer is f or (isinstance(tokenizer, str) and tokenizer == n)), None)
        self._namespace = namespace
        self._key = key
        self._vocab = vocabulary
        tag = b"ectraverse-v1:engine:" + C.name.encode() + b":" + namespace.encode() + (b":keyed" if key else b"")
        named = _tokenizer_identity(tokenizer, tokenizer_name)
        # the fingerprint's tag names the curve by its parameters (a name is only a label: two curves
        # may share one), the tokenizer (and the vocabulary, when it maps unseen tokens to an unknown
        # token); k comes from the engine tag alone
        ident = named if named is not None else b"unnamed:" + secrets.token_bytes(16)
        fingerprint_tag = tag + b"\x00curve:" + _curve_identity(C) + b"\x00tokenizer:" + ident
        if vocabulary.unknown is not None:
            fingerprint_tag += b"\x00vocabulary:" + vocabulary.digest()
        self._group = ContextGroup(C, derive_multiplier(C, tag, key), fingerprint_tag,
                                   secret=key is not None, byte_form=named is not None)
        self._power_tables = _PowerTables(self._group, vocabulary)
        self._pickle: tuple[tuple, bytes, bytes] | None = None  # (vocabulary version, digest, pickle): _pickled

    # ---- properties -------------------------------------------------------

    @property
    def curve(self) -> Curve:
        """The curve whose group holds the contexts' points."""
        return self._curve

    @property
    def namespace(self) -> str:
        """The vocabulary's namespace: part of every generator's hash-to-curve tag."""
        return self._namespace

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary mapping tokens to generators (shared, thread-safe)."""
        return self._vocab

    @property
    def keyed(self) -> bool:
        """True if a secret key set the multiplier."""
        return self._key is not None

    @property
    def fingerprint(self) -> bytes:
        """16 bytes identifying this engine (curve, namespace, multiplier) in context bytes."""
        return self._group.fingerprint

    @property
    def group(self) -> ContextGroup:
        """The engine's group ℤ ⋉ G (its curve, multiplier and fingerprint)."""
        return self._group

    @property
    def identity(self) -> Context:
        """The context of the empty sequence."""
        return self._group.identity

    def __repr__(self) -> str:
        name = self._tokenizer_spec if isinstance(self._tokenizer_spec, str) else self._tokenizer_name
        tok = "" if name == "words" else f", tokenizer={'unnamed' if name is None else repr(name)}"
        keyed = ", keyed" if self.keyed else ""
        return f"Traversal({self._curve.name!r}, namespace={self._namespace!r}{tok}{keyed})"

    def __reduce__(self):
        # The pickle holds the key of a keyed engine.  Tokenizers must pickle too
        # (names always do).
        return (_rebuild_engine, (self._curve, self._tokenizer_spec, self._tokenizer_name, self._namespace,
                                  self._key, self._vocab))

    # ---- tokens --------------------------------------------------------------

    def tokens(self, x) -> list:
        """Tokens of x: a str is tokenized, a NumPy integer array is int tokens, any other iterable is taken as tokens
        (not a set, whose order is arbitrary, nor a mapping)."""
        if isinstance(x, tokenizers._Utf8Text):
            x = x.text()
        if isinstance(x, str):
            return tokenizers.token_list(self._tokenize, x, self._tokenizer_spec)
        if isinstance(x, (list, tuple)):  # the usual sequences, before the slower checks below (Set's is an ABC's)
            return list(x)
        if isinstance(x, np.ndarray):
            return int_token_array(x).tolist()
        if isinstance(x, (bytes, bytearray, memoryview)):
            raise TypeError("bytes are not tokens; decode them to str, or pass a list of tokens")
        if isinstance(x, Context):
            raise TypeError("a Context is not a token sequence")
        if isinstance(x, (Set, Mapping)):  # a set's order differs between processes (str hashes are salted)
            raise TypeError(f"a {type(x).__name__} is not a token sequence{_unordered(x)}; pass a list of tokens")
        if not isinstance(x, Iterable):
            raise TypeError(f"a token sequence must be a str, a sequence of tokens or a NumPy int array, "
                            f"not {type(x).__name__}")
        return list(x)

    def _ids(self, x) -> list[int] | np.ndarray:
        """Vocabulary ids of x's tokens: an array for a NumPy array of int tokens, or for a str under a
        built-in tokenizer (no Python object per token)."""
        if isinstance(x, np.ndarray):
            return self._vocab.array_ids(x)
        if isinstance(x, (str, tokenizers._Utf8Text)) and self._builtin is not None:
            return self._vocab.text_ids(x if isinstance(x, str) else x.data, self._builtin)
        return self._vocab.add_many(self.tokens(x))

    def _as_context(self, x) -> Context:
        if isinstance(x, Context):
            self._check(x)
            return x
        return self.compose(x)

    def _check(self, c: Context) -> None:
        theirs, mine = c.group.fingerprint, self._group.fingerprint
        if theirs != mine:
            raise ContextMismatchError(
                f"The context belongs to another engine (fingerprint {theirs.hex()}, this engine's is {mine.hex()})."
            )

    def token_context(self, token) -> Context:
        """The context ``(1, P_token)`` of a single token."""
        return self._group.atom(self._vocab.generator(token))

    # ---- composing -------------------------------------------------------------

    def _compose_ids(self, ids: Sequence[int] | np.ndarray) -> Context:
        L = len(ids)
        if L == 0:
            return self.identity
        # S = sum_t c_t P_t with c_t = sum_{i: u_i = t} k^(L-i): one MSM over the distinct tokens
        S = self._vocab.generators.horner(np.asarray(ids, dtype=np.intp), self._group._power(1))
        return Context._make(self._group, L, S)

    def compose(self, x) -> Context:
        """The context of x (a str, tokenized; a sequence of tokens; or a NumPy array of int tokens).

        Long inputs take the multi-scalar path: the coefficients
        ``c_t = sum k^(L-i) mod n`` are accumulated per distinct token, then
        one multi-scalar multiplication gives ``S``.

        Raises:
            UnknownTokenError: a token is missing from a frozen vocabulary.
            TypeError: x is bytes, a Context, a set (no order) or a mapping.
        """
        return self._compose_ids(self._ids(x))

    def context_from_bytes(self, data) -> Context:
        """A context from :meth:`Context.to_bytes` output of this same engine.

        Raises:
            EncodingError: malformed or truncated bytes.
            ContextMismatchError: bytes of another curve or engine.
            NotOnCurveError, NotInSubgroupError: the point's bytes are well formed but name no point of
                the curve (of its prime-order subgroup).
        """
        return self._group.from_bytes(data)

    def context_from_hex(self, text: str) -> Context:
        """A context from :meth:`Context.hex` output of this same engine.

        Raises:
            TypeError: text is not a str.
            EncodingError: not hex, or malformed or truncated bytes.
            ContextMismatchError: bytes of another curve or engine.
            NotOnCurveError, NotInSubgroupError: as for :meth:`context_from_bytes`.
        """
        return self._group.from_hex(text)

    def _part(self, whole, part, what: str) -> tuple[Context, Context]:
        w, p = self._as_context(whole), self._as_context(part)
        if 0 <= w.length < p.length:
            raise ValueError(
                f"A {what} of a sequence of {w.length} tokens has at most {w.length} tokens, not {p.length}."
            )
        return w, p

    def remove_prefix(self, whole, prefix) -> Context:
        """``C(v)`` from ``C(uv)`` and ``C(u)`` (contexts or token sequences): ``C(u)^-1 * C(uv)``.

        The group cannot tell whether ``prefix`` really is a prefix of
        ``whole``: if it is not, the result is a valid group element that is
        the context of no sequence (its length may even be negative).  What
        can be refused is: a prefix longer than the whole.

        Raises:
            ValueError: the prefix is longer than the whole.
            ContextMismatchError: a context of another engine.
        """
        w, p = self._part(whole, prefix, "prefix")
        return p.inverse() * w

    def remove_suffix(self, whole, suffix) -> Context:
        """``C(u)`` from ``C(uv)`` and ``C(v)``: ``C(uv) * C(v)^-1``.

        As with :meth:`remove_prefix`, a ``suffix`` that is not one gives the
        context of no sequence; a suffix longer than the whole is refused.

        Raises:
            ValueError: the suffix is longer than the whole.
            ContextMismatchError: a context of another engine.
        """
        w, s = self._part(whole, suffix, "suffix")
        return w * s.inverse()

    def compose_chunks(self, chunks: Iterable, executor: Executor | None = None) -> Context:
        """Compose pieces independently and merge them in order.

        Equal to composing the concatenation of the chunks' token sequences:
        so for text, every chunk must end on a token boundary.  A chunk cut
        inside a word gives two tokens where the whole text has one.  With
        the ``words`` and ``whitespace`` tokenizers, cut text just after a
        whitespace character (lines of a file do); with ``chars``, anywhere;
        with ``bytes``, between characters.  Lists of tokens may be cut anywhere.

        Two exact ways to merge, chosen by a cost rule (docs/costs.md):

        * **coefficient space** (:meth:`coefficients`, :meth:`merge_coefficients`):
          each chunk gives its coefficient vector, integer work only; the
          vectors merge as ``c = k^(l2) c1 + c2`` and the whole pays one
          multi-scalar multiplication over the union of the chunks' distinct
          tokens.  Taken for two or more chunks: the MSM, which runs once in
          this process (shared among as many threads as the executor has
          workers, up to the machine's cores), replaces one per chunk.
        * **points**: each chunk gives its length and point, and an ordered
          tree reduction multiplies them (one scalar multiplication a product):
          a single chunk, and a keyed engine's chunks in other processes.

        A keyed engine's coefficients depend on its secret ``k``: they never
        leave this process, so with an executor other than a
        ``ThreadPoolExecutor`` a keyed engine's chunks come back as points.

        With an executor (for example a ``concurrent.futures.ProcessPoolExecutor``),
        each chunk is composed in a worker, on the worker thread's own copy of
        the engine, which it keeps: a chunk goes with the engine's digest, and
        only a worker that does not hold that engine yet gets its pickle (a
        keyed engine's pickle holds its key; the engine keeps its pickle while
        its vocabulary is unchanged).  In coefficient space a chunk's new
        tokens come back as tokens and are added to this engine's
        vocabulary in order; as points, only the chunk's length and point
        come back, and this engine's vocabulary does not learn its tokens.  So with
        an executor the engine must pickle: a custom tokenizer must be a
        function defined at the top level of a module (a lambda or a nested
        function is a ``TypeError`` that says so).

        Example:
            >>> eng = Traversal("secp256k1")
            >>> lines = ["the cat\\n", "sat on\\n", "the mat\\n"]
            >>> eng.compose_chunks(lines) == eng.compose("".join(lines))
            True
        """
        if isinstance(chunks, (str, bytes, bytearray, Context, Set, Mapping)) or not isinstance(chunks, Iterable):
            why = "a set has no order" if isinstance(chunks, Set) else "it is not a sequence of chunks"
            raise TypeError(f"chunks must be an iterable of chunks (strs or token sequences) in order, not a "
                            f"{type(chunks).__name__} ({why})")
        if executor is not None and not callable(getattr(executor, "submit", None)):
            raise TypeError(f"executor must be a concurrent.futures.Executor or None, not {type(executor).__name__}")
        chunks = list(chunks)
        if not _merge_in_coefficients(len(chunks), executor, self.keyed):
            if executor is None:
                parts = [self.compose(c) for c in chunks]
            else:
                parts = [self._group.context(*r) for r in self._in_workers(executor, "points", chunks)]
            return self._reduce(parts)
        if executor is None:
            return self.from_coefficients(self.merge_coefficients([self.coefficients(c) for c in chunks]))
        coefs = [self._adopt(*r) for r in self._in_workers(executor, "coefficients", chunks)]
        return self.from_coefficients(self.merge_coefficients(coefs), threads=_executor_workers(executor))

    def _in_workers(self, executor: Executor, kind: str, chunks: list) -> list:
        """:func:`_chunk_task` of every chunk on the executor: first with the engine's digest only,
        then, for the chunks whose worker does not hold this engine yet, with its pickle."""
        digest, blob, _ = self._pickled()
        results = [f.result() for f in [executor.submit(_chunk_task, kind, digest, None, c) for c in chunks]]
        missing = [i for i, r in enumerate(results) if r is None]
        for i, f in zip(missing, [executor.submit(_chunk_task, kind, digest, blob, chunks[i]) for i in missing]):
            results[i] = f.result()
        return results

    def _pickled(self) -> tuple[bytes, bytes, int]:
        """(digest, pickle, shared) of this engine, kept while its vocabulary's pickle would not change;
        shared is the vocabulary's size before pickling: its ids below it are the same in every copy."""
        version = self._vocab._pickle_version()
        kept = self._pickle
        if kept is None or kept[0] != version:
            try:
                blob = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                if self._builtin is not None:  # pragma: no cover - a built-in engine pickles
                    raise
                raise TypeError(
                    f"The engine must pickle to go to other workers, and its tokenizer {self._tokenizer_name!r} "
                    f"does not ({type(exc).__name__}: {exc}): pickle sends a function by its module and name, "
                    "so give a function defined at the top level of a module (not a lambda or a nested function)"
                ) from exc
            kept = self._pickle = (version, hashlib.blake2b(blob, digest_size=16).digest(), blob)
        return kept[1], kept[2], kept[0][1]

    # ---- coefficient space ----------------------------------------------------------

    def coefficients(self, x) -> Coefficients:
        """x (as :meth:`compose` takes it) in coefficient space: its length L and, per distinct token t,
        ``c_t = sum of k^(L-1-i) over the positions i of t`` mod n, so that the context's point is
        ``sum(c_t * P_t)``.  Integer work only: no curve arithmetic (the generators are not even hashed).

        Merge parts with :meth:`merge_coefficients`, and turn a part into its context with
        :meth:`from_coefficients` (one multi-scalar multiplication).  A keyed engine's coefficients
        reveal values that depend on its secret multiplier: they stay in this process (they refuse to
        pickle).

        Example:
            >>> eng = Traversal("secp256k1")
            >>> a, b = eng.coefficients("the cat"), eng.coefficients("sat on the mat")
            >>> eng.from_coefficients(eng.merge_coefficients([a, b])) == eng.compose("the cat sat on the mat")
            True
            >>> a.length, len(a), a.tokens
            (2, 2, ('the', 'cat'))
        """
        return self._coefficients_ids(self._ids(x))

    def _coefficients_ids(self, ids: Sequence[int] | np.ndarray) -> Coefficients:
        distinct, limbs = self._curve.composition_coefficients(ids, self._group._power(1))
        return Coefficients._make(self._group, self._vocab, len(ids), distinct, limbs)

    def merge_coefficients(self, parts: Iterable[Coefficients]) -> Coefficients:
        """The coefficients of the concatenation of the parts' sequences, in order: for two parts,
        ``(l1 + l2, k^(l2) c1 + c2)`` element-wise over the union of their tokens, exact, in C
        (:meth:`Curve.coefficient_merge`: tens of ns per coefficient, against µs per point of an MSM).

        Parts may come from copies of this engine in other threads or processes (a pickled part
        carries its tokens; its tokens new to this engine's vocabulary are added in order).

        Raises:
            TypeError: a part is not a :class:`Coefficients`.
            ContextMismatchError: a part of another engine.
            UnknownTokenError: a part's token is missing from this frozen vocabulary.
        """
        own = []
        for p in parts:
            if not isinstance(p, Coefficients):
                raise TypeError(f"parts must be Coefficients, not {type(p).__name__}")
            if p._group.fingerprint != self._group.fingerprint:
                raise ContextMismatchError(
                    f"The coefficients belong to another engine (fingerprint {p._group.fingerprint.hex()}, "
                    f"this engine's is {self._group.fingerprint.hex()})."
                )
            own.append(p if p._vocab is self._vocab else self._adopt(p.length, *self._tokens_to_ids(p)))
        if len(own) == 1:
            return own[0]
        if not own:
            w = self._curve.scalar_limbs
            return Coefficients._make(self._group, self._vocab, 0, np.empty(0, dtype=np.int64),
                                      np.empty((0, w), dtype=np.uint64))
        lengths = [p.length for p in own]
        # tokens after each part (c = sum_p k^(after) c_p), in Python ints: a length may pass 2^63
        after = list(itertools.accumulate([0] + lengths[:0:-1]))[::-1]
        ids, sums = self._curve.coefficient_merge([(p._ids, p._limbs) for p in own],
                                                  [self._group._power(a) for a in after])
        return Coefficients._make(self._group, self._vocab, sum(lengths), ids, sums)

    def from_coefficients(self, part: Coefficients, *, threads: int = 1) -> Context:
        """The context of a part: ``(L, sum(c_t * P_t))``, one multi-scalar multiplication, cut
        across ``threads`` threads when it is long enough (:meth:`PointArray.msm_limbs`).

        Raises:
            TypeError: part is not a :class:`Coefficients`; threads is not an int.
            ContextMismatchError: a part of another engine.
            ValueError: threads is below 1.
        """
        if not isinstance(part, Coefficients):
            raise TypeError(f"part must be Coefficients, not {type(part).__name__}")
        (part,) = [self.merge_coefficients([part])]  # this engine's ids (a part from elsewhere is adopted)
        if part._ids.size == 0:
            return Context._make(self._group, part.length, self._curve.identity)
        S = self._vocab.generators.take(part._ids).msm_limbs(part._limbs, threads=threads)
        return Context._make(self._group, part.length, S)

    def _tokens_to_ids(self, part: Coefficients) -> tuple[np.ndarray, np.ndarray]:
        """A foreign part's (ids, limbs) in this engine's vocabulary, ids ascending."""
        ids = np.asarray(self._vocab.add_many(list(part.tokens)), dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        return ids[order], np.ascontiguousarray(part._limbs[order])

    def _adopt(self, length: int, ids: np.ndarray, limbs: np.ndarray, base: int | None = None,
               new_tokens: Sequence = ()) -> Coefficients:
        """A part in this engine's ids: a worker's ids below ``base`` (the size of the vocabulary it
        was pickled with) are this vocabulary's too; its newer tokens come as ``new_tokens``."""
        if base is not None and new_tokens:
            fresh = np.asarray(self._vocab.add_many(list(new_tokens)), dtype=np.int64)
            ids = np.concatenate((ids[: ids.shape[0] - fresh.shape[0]], fresh))
            order = np.argsort(ids, kind="stable")
            ids, limbs = ids[order], np.ascontiguousarray(limbs[order])
        return Coefficients._make(self._group, self._vocab, length, ids, limbs)

    def compose_stream(self, source, *, progress=None) -> Context:
        """The context of a text stream, composed piece by piece in bounded memory.

        Each piece becomes its coefficients (:meth:`coefficients`, integer work), merged
        :data:`_STREAM_MERGE` at a time, so memory holds one piece and one coefficient per
        distinct token so far, and the whole pays one multi-scalar multiplication at the end.

        With a built-in tokenizer, the stream is read in blocks whatever its
        line structure and cut at token boundaries
        (:func:`ectraverse.tokenizers.pieces`), so the result is exactly
        ``compose`` of the whole text.  A custom tokenizer's boundaries are
        unknown: give it an iterable of text blocks that each end on a token
        boundary, which are composed as given.

        Args:
            source: a binary file (read as UTF-8), a text file, or an
                iterable of str blocks.
            progress: a callable, called after each piece with the bytes
                (binary files) or characters consumed so far; or None.

        Raises:
            TypeError: source is not a file object or an iterable of str; a
                file with a custom tokenizer.
            ValueError: the bytes are not UTF-8 (:class:`~ectraverse.NotUtf8Error`), or a run without a token
                boundary is longer than ``tokenizers.MAX_RUN`` characters.

        Example:
            >>> import io
            >>> eng = Traversal("secp256k1")
            >>> eng.compose_stream(io.StringIO("the cat sat on the mat")) == eng.compose("the cat sat on the mat")
            True
        """
        if progress is not None and not callable(progress):
            raise TypeError(f"progress must be a callable or None, not {type(progress).__name__}")
        if isinstance(self._tokenizer_spec, str):
            parts = tokenizers.pieces(source, self._tokenizer_spec)
        elif hasattr(source, "read"):
            raise TypeError(
                "a file cannot be cut at a custom tokenizer's token boundaries: pass an iterable of text "
                "blocks that each end on one"
            )
        else:
            parts = tokenizers.text_blocks(source)
        pending: list[Coefficients] = []  # the pieces' coefficients since the last merge; one MSM at the end
        for text, consumed in parts:
            pending.append(self.coefficients(text))
            if len(pending) == _STREAM_MERGE:
                pending = [self.merge_coefficients(pending)]
            if progress is not None:
                progress(consumed)
        return self.from_coefficients(self.merge_coefficients(pending))

    def _reduce(self, parts: list[Context]) -> Context:
        if not parts:
            return self.identity
        while len(parts) > 1:  # pairwise, order kept: associativity makes any grouping equal
            parts = [parts[i] * parts[i + 1] if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
        self._check(parts[0])
        return parts[0]

    # ---- prefix states, windows, traversers, indexes -------------------------------

    def prefixes(self, x) -> PrefixStates:
        """Prefix states of x: ``[i]`` is the context of the first i tokens (``i = 0 .. L``)."""
        return PrefixStates(self, self._ids(x))

    def traverser(self, *, history: bool = False) -> Traverser:
        """A state machine: push tokens, pop them exactly, checkpoint and restore."""
        return Traverser(self, history=history)

    def index(self, x, max_n: SupportsIndex) -> WindowIndex:
        """An index of every window of length 1..max_n of x, for phrase lookup and repeats."""
        return WindowIndex(self, self._ids(x), max_n)

    def repeats(self, x, m: SupportsIndex) -> list[tuple[tuple, list[int]]]:
        """The m-token windows of x that occur more than once: ``[(tokens, positions), ...]``, each
        group's start positions ascending, the groups in order of first occurrence: the same groups,
        in the same form, as ``index(x, m).repeats(m)``, without building the windows of every length
        below m, and exact: two windows are grouped only if their tokens are equal.

        The windows are grouped by a 64-bit digest of their token ids (a polynomial over the ids
        mod 2^64, every window's from two running sums: O(L) whatever m), one stable sort, then
        every group is checked token by token against its first window; a digest shared by windows
        that differ (a collision) is split exactly.  About 50 bytes per window of NumPy arrays
        (docs/costs.md), no Python object per window.

        Args:
            x: a str (tokenized), a sequence of tokens, or a NumPy array of int tokens.
            m: the window length, a positive int (longer than x: no windows, no repeats).

        Raises:
            TypeError: m is not an int.
            ValueError: m < 1.

        Example:
            >>> Traversal("secp256k1").repeats("a b a b a", 2)
            [(('a', 'b'), [0, 2]), (('b', 'a'), [1, 3])]
        """
        m = _index("window length", m)
        if m < 1:
            raise ValueError(f"window length must be a positive int, not {m}")
        ids = np.asarray(self._ids(x), dtype=np.int64)
        if m > ids.shape[0]:
            return []
        pos, bounds = _repeated_windows(ids, m)
        tokens = self._vocab.tokens
        positions = pos.tolist()
        out = []
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            first = positions[a]
            out.append((tuple(tokens[t] for t in ids[first : first + m].tolist()), positions[a:b]))
        return out

    def _window_levels(self, ids: Sequence[int], m: int) -> Iterator[PointArray]:
        """Points of every window of length r = 1 .. m of ids, one array per r
        (start i = 0 .. L - r), by the recurrence

            W(r)_i = k^(r-1) P_(u_i) + W(r-1)_(i+1)

        over the engine's kept per-token tables k^e P_t (e < m; affine, so each
        step is one batched affine addition per window), computing the tables
        of tokens not seen before (:class:`_PowerTables`)."""
        L = len(ids)
        if not 1 <= m <= L:
            raise ValueError(f"window length must be in [1, {L}], not {m}")
        tables, r = self._power_tables.get(np.asarray(ids, dtype=np.intp), m)
        W = tables[0].take(r)
        yield W
        for level in range(2, m + 1):
            W = tables[level - 1].take(r[: L - level + 1]) + W[1:]
            yield W


def _rebuild_engine(curve, tokenizer, tokenizer_name, namespace, key, vocabulary):
    return Traversal(curve, tokenizer=tokenizer, tokenizer_name=tokenizer_name, namespace=namespace, key=key,
                     vocabulary=vocabulary)


def _curve_identity(C: Curve) -> bytes:
    """What the fingerprint says of the curve: its domain parameters, each as its length and its
    big-endian bytes (the name is in the tag already, and two curves may share a name)."""
    prm = C.params
    out = bytearray()
    for value in (prm.p, prm.a, prm.b, prm.gx, prm.gy, prm.n, prm.h):
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        out += len(raw).to_bytes(2, "big") + raw
    return bytes(out)


def _tokenizer_identity(tokenizer, name) -> bytes | None:
    """What the fingerprint says of the tokenizer: a built-in's name, ``custom:`` and a
    custom tokenizer's given name, or None for a custom tokenizer without one."""
    if isinstance(tokenizer, str):
        if name is not None:
            raise ValueError(f"tokenizer_name is for custom tokenizers; {tokenizer!r} is named already")
        return b"builtin:" + tokenizer.encode()
    if name is None:
        return None
    if not isinstance(name, str):
        raise TypeError(f"tokenizer_name must be a str, not {type(name).__name__}")
    if not name:
        raise ValueError("tokenizer_name must not be empty")
    return b"custom:" + name.encode("utf-8", errors="surrogatepass")


_chunk_worker = threading.local()  # .engine: (digest of the pickle, the engine unpickled from it, its vocabulary size)


def _chunk_task(kind: str, digest: bytes, blob: bytes | None, chunk):
    """One chunk of compose_chunks, in a worker: ``(length, point)`` for kind "points", ``(length,
    ids, limbs, base, new tokens)`` for "coefficients"; or None when this worker does not hold the
    engine of that digest and no pickle came with the chunk (the caller sends it then).

    Each thread composes on its own copy of the engine (vocabulary growth would serialise the
    threads of a shared one) and keeps it while the digest is the same: the engine travels to a
    worker once, not with every chunk.  In coefficient space, ids below ``base``, the size of the
    vocabulary the engine was pickled with, are the same in the caller's vocabulary; the tokens of
    the ids from ``base`` on (a suffix of the ascending ids) travel as tokens, since a worker's copy
    numbers its new tokens on its own."""
    cached = getattr(_chunk_worker, "engine", None)
    if cached is None or cached[0] != digest:
        if blob is None:
            return None
        engine = pickle.loads(blob)
        cached = _chunk_worker.engine = (digest, engine, len(engine.vocabulary))
    engine, base = cached[1], cached[2]
    if kind == "points":
        c = engine.compose(chunk)
        return c.length, c.point
    return engine.coefficients(chunk)._shared(base)


#: ``compose_stream`` merges its pieces' coefficients this many at a time: a merge costs the distinct
#: tokens so far, so merging every piece into the total would cost the vocabulary once a piece.
_STREAM_MERGE = 16


def _merge_in_coefficients(n_chunks: int, executor: Executor | None, keyed: bool) -> bool:
    """compose_chunks' cost rule (docs/costs.md): merge in coefficient space, or multiply points.

    Two chunks or more merge as coefficients: one MSM over the union of their distinct tokens (at
    most their sum, and an MSM costs less a point the longer it is), shared among the executor's
    workers' worth of threads, costs no more than one MSM per chunk on those workers, and no
    product is paid per merge; a keyed engine's chunks in other processes are the exception."""
    if n_chunks < 2:
        return False
    return not (keyed and executor is not None and not isinstance(executor, ThreadPoolExecutor))


def _executor_workers(executor: Executor) -> int:
    """How many tasks the executor runs at once, at most the cores of this machine: the threads
    the final MSM of compose_chunks may take while the workers are idle."""
    cores = os.cpu_count() or 1
    return max(1, min(getattr(executor, "_max_workers", None) or cores, cores))


def _pickled_ids(engine, ids, what: str) -> np.ndarray:
    """A pickle's engine and token ids, checked: a Traversal, and a one-dimensional integer array of ids of
    its vocabulary (what the object is rebuilt from, so the rest is consistent by construction)."""
    if not isinstance(engine, Traversal):
        raise ValueError(f"corrupt {what} pickle: its engine must be a Traversal, not {type(engine).__name__}")
    a = np.asarray(ids) if isinstance(ids, (np.ndarray, list)) else None
    if a is None or a.ndim != 1 or (a.size and a.dtype.kind not in "iu") or (
            a.size and not 0 <= int(a.min()) <= int(a.max()) < len(engine.vocabulary)):
        raise ValueError(f"corrupt {what} pickle: its token ids must be a list of ids of the engine's vocabulary")
    return a.astype(np.int64, copy=False)


def _rebuild_prefix_states(engine, ids, start) -> PrefixStates:
    ids = _pickled_ids(engine, ids, "PrefixStates")
    if start is not None and not isinstance(start, Context):
        raise ValueError(f"corrupt PrefixStates pickle: its start must be a Context or None, not {type(start).__name__}")
    return PrefixStates(engine, ids, start=start)


def _rebuild_window_index(engine, ids, max_n) -> WindowIndex:
    return WindowIndex(engine, _pickled_ids(engine, ids, "WindowIndex"), max_n)


def _take_fields(obj, built) -> None:
    """Give obj, an empty object of built's class (what a pickle's ``__setstate__`` is called on), built's fields."""
    for name in type(built).__slots__:
        setattr(obj, name, getattr(built, name))


def _refuse_pickle(engine: Traversal, what: str) -> None:
    """Refuse to pickle an object that holds its engine and the engine's states, when the engine is
    keyed, or has a custom tokenizer without a name (a copy of it is another engine)."""
    if engine.keyed:
        raise TypeError(
            f"A {what} of a keyed engine does not pickle: it holds the engine, and the engine holds the key. "
            "Pickle its contexts (they pickle without the key) or send their bytes instead."
        )
    if not engine.group._byte_form:
        raise TypeError(
            f"A {what} of an engine whose custom tokenizer has no name does not pickle: a copy of the engine "
            "would be another engine, its states not these. Name the tokenizer: "
            "Traversal(..., tokenizer=f, tokenizer_name='...')."
        )


class Coefficients(_BuiltAgainOnLoad, _Immutable):
    """A token sequence in coefficient space over its engine's vocabulary: its length L and, per distinct
    token t, ``c_t mod n`` with ``S = sum(c_t * P_t)`` (:meth:`Traversal.coefficients`).

    ``length`` is L, ``len()`` the number of distinct tokens, ``tokens`` those tokens (ascending vocabulary
    id).  Parts merge exactly with :meth:`Traversal.merge_coefficients` and become a context with
    :meth:`Traversal.from_coefficients`.  A part pickles with its tokens (not ids), so any copy of the
    engine can merge it whatever its vocabulary has seen; a keyed engine's part refuses to pickle, and
    its :meth:`scalars` are refused: they depend on the secret multiplier.
    """

    __slots__ = ("_group", "_vocab", "_length", "_ids", "_limbs", "_tokens")

    @classmethod
    def _make(cls, group: ContextGroup, vocab: Vocabulary | None, length: int, ids: np.ndarray | None,
              limbs: np.ndarray, tokens: tuple | None = None) -> Coefficients:
        self = object.__new__(cls)
        self._group, self._vocab, self._length = group, vocab, length
        self._ids, self._limbs, self._tokens = ids, limbs, tokens
        if ids is not None:
            ids.flags.writeable = False
        limbs.flags.writeable = False
        return self

    def __len__(self) -> int:
        return self._limbs.shape[0]

    @property
    def length(self) -> int:
        """L, the length of the token sequence."""
        return self._length

    @property
    def tokens(self) -> tuple:
        """The distinct tokens, in the order of :meth:`scalars`."""
        if self._tokens is None:
            everything = self._vocab.tokens
            self._tokens = tuple(everything[i] for i in self._ids.tolist())
        return self._tokens

    def scalars(self) -> list[int]:
        """The coefficients ``c_t`` (ints in ``[0, n)``), in the order of :attr:`tokens`.

        Raises:
            TypeError: the part is a keyed engine's.
        """
        if self._group.secret:
            raise TypeError("the coefficients of a keyed engine are not available: they depend on its secret multiplier")
        return limbs_to_scalars(self._limbs).tolist()

    def __repr__(self) -> str:
        return f"Coefficients(length {self.length}, {len(self)} distinct tokens)"

    def _shared(self, base: int) -> tuple:
        """The part as it crosses between copies of its engine: ``(length, ids, limbs, base, new
        tokens)``; ids below ``base`` (a vocabulary size every copy shares) are the same in every
        copy, the rest (a suffix: ids ascend) travel as their tokens.  :meth:`Traversal._adopt`
        reads it back."""
        new = self._ids[self._ids >= base]
        tokens = self._vocab.tokens if new.size else ()
        return self.length, self._ids, self._limbs, base, [tokens[i] for i in new.tolist()]

    def __reduce__(self):
        if self._group.secret:
            raise TypeError(
                "The coefficients of a keyed engine do not pickle: they depend on its secret multiplier. "
                "Send the context (engine.from_coefficients(part)) instead."
            )
        return (_rebuild_coefficients, (self._group, self.length, self.tokens, np.asarray(self._limbs)))


def _rebuild_coefficients(group: ContextGroup, length: int, tokens: tuple, limbs: np.ndarray) -> Coefficients:
    """A pickled part, its structure checked (a pickle is trusted as Python's are: loading one runs
    whatever code it names): a malformed or truncated one gets an error, never an inconsistent part.
    A pickle carries no MAC: an edited row still below n, or a longer length, loads as another part."""
    tokens = tuple(tokens) if isinstance(tokens, (tuple, list)) else None
    curve = group.curve if isinstance(group, ContextGroup) else None
    if (
        curve is None
        or length.__class__ is not int
        or length < 0
        or tokens is None
        or not all(_is_plain_token(t) for t in tokens)
        or len(set(tokens)) != len(tokens)
        or not isinstance(limbs, np.ndarray)
        or limbs.dtype != np.uint64
        or limbs.shape != (len(tokens), curve.scalar_limbs)
        or length < len(tokens)
        or not _limbs_below(limbs, curve.n)
    ):
        raise ValueError("corrupt Coefficients pickle: its length, tokens (distinct tokens: str of valid "
                         "Unicode, int in [-2**63, 2**63)) and rows "
                         "(one scalar below n per token) do not agree")
    return Coefficients._make(group, None, length, None, np.array(limbs), tokens)


class ContextBatch(_BuiltAgainOnLoad, _Immutable):
    """Contexts of one common length as a batch: ``len``, indexing, ``points`` (a PointArray)."""

    __slots__ = ("_group", "_length", "_points")

    def __init__(self, group: ContextGroup, length: int, points: PointArray):
        if not isinstance(group, ContextGroup):
            raise TypeError(f"group must be a ContextGroup, not {type(group).__name__}")
        if not isinstance(points, PointArray):
            raise TypeError(f"points must be a PointArray, not {type(points).__name__}")
        if points.curve is not group.curve and points.curve.params != group.curve.params:
            raise CurveMismatchError(f"The points are on {points.curve.name!r}, the contexts' group on "
                                     f"{group.curve.name!r}.")
        self._group = group
        self._length = _index("length", length)
        self._points = points

    @property
    def length(self) -> int:
        """The length every context of the batch has."""
        return self._length

    @property
    def points(self) -> PointArray:
        """The contexts' points."""
        return self._points

    def __len__(self) -> int:
        return len(self._points)

    def __getitem__(self, i):
        """The context at index i (an int), or a ContextBatch of a slice."""
        if isinstance(i, slice):
            return ContextBatch(self._group, self._length, self._points[i])
        i, m = _index("batch index", i), len(self._points)
        if not -m <= i < m:
            raise IndexError(f"ContextBatch index {i} out of range for {m} contexts")
        return Context._make(self._group, self._length, self._points[i])

    def __iter__(self):
        for P in self._points:
            yield Context._make(self._group, self._length, P)

    def __repr__(self) -> str:
        return f"ContextBatch({len(self)} contexts of length {self._length})"

    def digests(self, nbytes: int | None = None) -> np.ndarray:
        """A compact digest per context (all share one length): ``points.digests(nbytes)`` (by default
        16 bytes, fewer on a curve whose field elements are shorter).

        Equal contexts have equal digests, never the converse: group by digest,
        then verify each group exactly (see :meth:`PointArray.digests`).
        """
        return self._points.digests(nbytes)

    def __reduce__(self):
        return (ContextBatch, (self._group, self._length, self._points))


class PrefixStates(_Immutable):
    """Contexts of every prefix of a token sequence: ``[i]`` for ``i = 0 .. L``.

    ``window(i, j) = [i]^-1 * [j]`` is the context of tokens ``i .. j-1`` in
    O(1): at most a two-point multi-scalar multiplication, whatever L, i and j;
    ``windows(m)`` gives every window of length m as a :class:`ContextBatch`
    through the batch paths.

    How the states are kept (docs/costs.md): the tokens are cut into blocks of
    B; with the engine's per-token tables ``k^e P_t`` (e < B), each block's
    running sums ``Q_(b,s) = sum_(s' < s) k^(B-1-s') P_(u_(bB+s'))`` are
    batched additions, the block starts ``S_(bB)`` one ``k^B``-multiplication
    each (``S_((b+1)B) = k^B S_(bB) + Q_(b,B)``, a chain in C), and the state of
    ``i = bB + s`` is ``R_i = X_b + Q_(b,s)`` with ``X_b = k^B S_(bB)``, which is
    ``k^(B-s) S_i`` (X and Q are kept, R_i is one addition when asked for):
    so ``[i] = k^(s-B) R_i`` and
    ``window(i, j) = k^(s_j-B) R_j - k^(j-i+s_i-B) R_i`` (a two-point MSM), or,
    for a window of at most B tokens, the sum of their table points
    ``k^(j-1-t) P_(u_t)`` (additions only).  B = 1 keeps ``S_i`` itself, one
    ``k * P`` per token; the engine's tables choose B (:meth:`_PowerTables.block_size`).
    """

    __slots__ = ("_engine", "_ids", "_start", "_start_length", "_block", "_tables", "_rows", "_X", "_Q")

    def __init__(self, engine: Traversal, ids: Sequence[int], *, start: Context | None = None):
        """The prefix states of the tokens with these vocabulary ids; after ``start`` if given (a
        context of the engine's group): ``[i]`` is then ``start`` times the first i tokens' context,
        for one more k-multiplication in all (the chain begins at start's point, not the identity),
        and windows are the tokens' own as before."""
        self._engine = engine
        self._ids = np.asarray(ids, dtype=np.intp)
        if start is not None:
            engine._check(start)
        self._start = start
        self._start_length = 0 if start is None else start.length
        S0 = None if start is None or start.point.is_identity else start.point
        B = engine._power_tables.block_size(self._ids)
        self._block = B
        self._tables: list[PointArray] = []  # k^e P_t for e < B (B > 1), and each position's row in them
        self._rows = np.empty(0, dtype=np.int64)
        if B == 1:  # the states themselves: S_i = k S_(i-1) + P_(u_i)
            generators, ids = engine.vocabulary.generators, self._ids
            if S0 is not None:  # the chain over the tokens' own generators, not a copy of all of them with S0
                distinct, ids = np.unique(ids, return_inverse=True)
                generators = generators.take(distinct)
            self._X = _chain(generators, ids, engine.group._power(1), S0)
            self._Q: list[PointArray | None] = []
        else:
            self._X, self._Q, self._tables, self._rows = _block_states(engine, self._ids, B, S0)

    def __len__(self) -> int:
        return self._ids.shape[0] + 1

    @property
    def tokens_length(self) -> int:
        """L, the number of tokens (``len`` is L + 1, the number of prefixes)."""
        return self._ids.shape[0]

    def __repr__(self) -> str:
        return f"PrefixStates({self.tokens_length} tokens, {len(self)} prefixes, {self._engine!r})"

    def _kept(self, i: int) -> tuple[Point, int]:
        """(R_i, e_i) with S_i = k^(e_i) R_i."""
        B = self._block
        if B == 1:
            return self._X[i], 0
        b, s = divmod(i, B)
        Q = self._Q[s]
        return (self._X[b] if Q is None else self._X[b] + Q[b]), s - B

    def __getitem__(self, i: SupportsIndex) -> Context:
        i = _index("prefix index", i)
        if not -len(self) <= i < len(self):
            raise IndexError(f"prefix index must be in [0, {len(self) - 1}], not {i}")
        i %= len(self)
        R, e = self._kept(i)
        g = self._engine.group
        return Context._make(g, self._start_length + i, R if e == 0 else g._power(e) * R)

    def window(self, i: SupportsIndex, j: SupportsIndex) -> Context:
        """The context of tokens i .. j-1 (0 <= i <= j <= L): ``[i]^-1 * [j]``.

        Raises:
            TypeError: i or j is not an int.
            IndexError: the bounds are not 0 <= i <= j <= L.
        """
        i, j = _index("window bound i", i), _index("window bound j", j)
        L = self.tokens_length
        if not 0 <= i <= j <= L:
            raise IndexError(f"window bounds must satisfy 0 <= i <= j <= {L}, not ({i}, {j})")
        g = self._engine.group
        if 0 < j - i <= len(self._tables):  # a short window: sum_t k^(j-1-t) P_(u_t), table points only
            terms = PointArray(g.curve, [self._tables[j - 1 - t][int(self._rows[t])] for t in range(i, j)])
            return Context._make(g, j - i, terms.sum())
        # [i]^-1 [j] = (j - i, S_j - k^(j-i) S_i) = (j - i, k^a R_j - k^c R_i)
        (Rj, a), (Ri, ei) = self._kept(j), self._kept(i)
        c = j - i + ei
        if a == c:  # one block (or i = j): k^a (R_j - R_i)
            D = Rj - Ri
            return Context._make(g, j - i, D if a == 0 else g._power(a) * D)
        if a == 0:
            return Context._make(g, j - i, Rj - g._power(c) * Ri)
        pair = PointArray(g.curve, [Rj, Ri])
        return Context._make(g, j - i, pair.msm([g._power(a), -g._power(c)]))

    def _points(self, indices: np.ndarray) -> PointArray:
        """The points of ``[i]`` for many i (0 <= i <= L), batched: per offset s in a block, the kept
        ``R_i`` of those i gathered and added, then one multiplication by ``k^(s-B)`` for them all."""
        idx = np.asarray(indices, dtype=np.int64)
        g, B = self._engine.group, self._block
        if B == 1 or idx.size == 0:
            return self._X.take(idx) if B == 1 else PointArray(g.curve)
        b, s = np.divmod(idx, B)
        parts, order = [], []
        for off in np.unique(s).tolist():
            rows = np.flatnonzero(s == off)
            R = self._X.take(b[rows])
            Q = self._Q[off]
            if Q is not None:
                R = R + Q.take(b[rows])
            [scaled] = R.scaled([g._power(off - B)])
            parts.append(scaled)
            order.append(rows)
        inverse = np.empty(idx.shape[0], dtype=np.int64)
        inverse[np.concatenate(order)] = np.arange(idx.shape[0])
        return _concat(parts).take(inverse)

    def __reduce__(self):
        """Pickled as what it is built from (the engine, the token ids, the start), and built again on
        loading: an edited pickle cannot give states that disagree with their tokens."""
        _refuse_pickle(self._engine, "PrefixStates")
        return (_rebuild_prefix_states, (self._engine, self._ids, self._start))

    def __setstate__(self, state):
        """A pickle made before prefix states pickled as what they are built from: built again from its
        engine, token ids and start, checked as those are. Those made while a start was kept as its
        length alone (its point folded into the states) are refused: their start cannot be rebuilt, and
        one of length 0 need not be the identity."""
        if (not isinstance(state, dict) or not {"_engine", "_ids"} <= state.keys()
                or ("_start_length" in state and "_start" not in state)):
            raise ValueError("corrupt PrefixStates pickle: an earlier pickle must hold its engine, token ids and "
                             "start (if it has one)")
        _take_fields(self, _rebuild_prefix_states(state["_engine"], state["_ids"], state.get("_start")))

    def _ordered(self) -> tuple[PointArray, list[int]]:
        """(R_i for i = 0 .. L, in order; the exponents e_i)."""
        L, B = self.tokens_length, self._block
        if B == 1:
            return self._X, [0] * (L + 1)
        cols = [self._X if Q is None else self._X[: len(Q)] + Q for Q in self._Q]
        offsets = np.cumsum([0] + [len(c) for c in cols[:-1]])
        pos = np.arange(L + 1)
        order = offsets[pos % B] + pos // B
        return _concat(cols).take(order), [i % B - B for i in range(L + 1)]

    def windows(self, m: SupportsIndex) -> ContextBatch:
        """Every window of length m (starts 0 .. L - m) as a batch: none when m > L, as
        :meth:`Traversal.repeats` and :class:`WindowIndex` find none.

        Two exact methods, the cheaper one by an operation count
        (docs/costs.md): the engine's per-token tables ``k^e P_t`` (e < m,
        kept between calls) and m - 1 batched affine additions per window,
        which pays per token not yet tabled and wins on long or repetitive
        text; or ``[i + m] - k^m [i]`` from the kept states, batch
        multiplications by per-window scalars, which pays per window.
        """
        m = _index("window length", m)
        if m < 1:
            raise ValueError(f"window length must be at least 1, not {m}")
        L = self.tokens_length
        g = self._engine.group
        if m > L:
            return ContextBatch(g, m, PointArray(g.curve, []))
        tables = self._engine._power_tables
        if m <= _MAX_TABLE_DEPTH and (_tables_cost(L, tables.missing(self._ids), tables.kept, tables.depth, m)
                                      <= _prefix_cost(L, m)):
            *_, W = self._engine._window_levels(self._ids, m)
            return ContextBatch(g, m, W)
        R, e = self._ordered()
        if self._block == 1:
            [shifted] = R[: L - m + 1].scaled([g._power(m)])
            return ContextBatch(g, m, R[m:] - shifted)
        ends = R[m:] * [g._power(x) for x in e[m:]]
        starts = R[: L - m + 1] * [g._power(m + x) for x in e[: L - m + 1]]
        return ContextBatch(g, m, ends - starts)


def _concat(arrays: list[PointArray]) -> PointArray:
    """The arrays end to end, by a balanced tree of concatenations."""
    while len(arrays) > 1:
        arrays = [arrays[i].concat(arrays[i + 1]) if i + 1 < len(arrays) else arrays[i]
                  for i in range(0, len(arrays), 2)]
    return arrays[0]


def _chain(points: PointArray, indices: np.ndarray, k: int, start: Point | None) -> PointArray:
    """``points.horner_prefixes(indices, k)``, the chain ``S_i = k S_(i-1) + points[indices[i-1]]``,
    from ``S_0 = start`` (None: the identity): start joins the points and the chain's first index,
    so the chain in C passes through it ([0] the identity, [1] start), and the states are from [1] on."""
    if start is None:
        return points.horner_prefixes(indices, k)
    table = points.concat(PointArray(points.curve, [start]))
    return table.horner_prefixes(np.concatenate(([len(points)], indices)), k)[1:]


def _block_states(engine: Traversal, ids: np.ndarray, B: int, start: Point | None = None
                  ) -> tuple[PointArray, list[PointArray | None], list[PointArray], np.ndarray]:
    """The kept states of PrefixStates for blocks of B >= 2 (see the class docstring): X_b for every
    block b with bB <= L; Q[s] (s = 0 .. B-1; None for s = 0, where Q is zero) holding Q_(b,s) for
    every block with bB + s <= L; the tables k^e P_t (e < B) and each position's row in them.
    ``start``: S_0 (None: the identity)."""
    g = engine.group
    L = ids.shape[0]
    tables, r = engine._power_tables.get(ids, B)
    # Q[s] over the blocks b with bB + s <= L: s batched affine additions in all
    Q: list[PointArray | None] = [None] * (B + 1)
    for s in range(min(B, L)):
        col = tables[B - 1 - s].take(r[s::B])
        Q[s + 1] = col if s == 0 else Q[s][: len(col)] + col
    # block starts: S_0 (the identity or start), X_b = k^B S_(bB), S_((b+1)B) = X_b + Q_(b,B)
    # (the chain in C: S = the chain of the block sums; X_b = S_(b+1) - Q_(b,B), X_full = k^B S_full)
    kB, full = g._power(B), L // B
    if full:
        sums = Q[B]
        S = _chain(sums, np.arange(full), kB, start)
        X = (S[1:] - sums).concat(PointArray(g.curve, [kB * S[full]]))
    else:
        X = PointArray(g.curve, [g.curve.identity if start is None else kB * start])
    return X, Q[: min(B, L + 1)], tables, r


# ---- per-token power tables --------------------------------------------------------

#: The deepest per-token table kept: k^e P_t for e below this (96 bytes a point and exponent).
_MAX_TABLE_DEPTH = 32


class _PowerTables:
    """The per-token tables ``k^e P_t`` (e below a depth) of one engine, for the tokens asked for so
    far: computed on demand by shared-doubling batch multiplications (``PointArray.scaled``, whose
    results are affine, so that adding them is the batched affine addition), and kept for later
    calls (windows, prefix states, indexes); asked for deeper, every kept token's table deepens.
    Memory: 96 bytes per kept token and exponent.  One lock; a call that computes holds it.  It is
    the engine's process's own: the engine's pickle does not carry it.

    How deep prefix states want them is a rent-or-buy choice (:meth:`block_size`): the deepest
    tables cost once, shallower ones a longer chain on every call; a credit of what the deepest
    would have saved the calls so far pays for deepening to them, so a run of calls on the same
    tokens costs at most about twice what the best depth chosen in hindsight would have (the
    ski-rental bound)."""

    def __init__(self, group: ContextGroup, vocab: Vocabulary):
        self._group, self._vocab = group, vocab
        self._lock = threading.Lock()
        self._rows = np.full(0, -1, dtype=np.int64)  # vocabulary id -> row of the tables, -1: not kept
        self._tables: list[PointArray] = []  # [e][row] = k^e P_t
        self._credit = 0.0  # in k * P: what deeper tables would have saved the prefix states so far
        self.kept = 0

    @property
    def depth(self) -> int:
        return len(self._tables)

    def missing(self, ids: np.ndarray) -> int:
        """How many distinct vocabulary ids among these (int array) have no table yet."""
        rows = self._rows
        known = ids < rows.shape[0]
        unknown = ids[~known]
        unknown = np.concatenate((unknown, ids[known][rows[ids[known]] < 0]))
        return int(np.unique(unknown).shape[0]) if unknown.size else 0

    def block_size(self, ids: np.ndarray) -> int:
        """The block size B of prefix states of these ids (tables to depth B), by the operation count
        of :func:`_prefix_states_cost`, the deepest tables' less the credit: a call that takes them
        spends it, any other adds what they would have saved it."""
        L = ids.shape[0]
        with self._lock:
            missing, kept, depth = self.missing(ids), self.kept, self.depth

            def tables(B: int) -> float:
                return _table_work(missing, kept, depth, B) if B > 1 else 0.0

            def chain(B: int) -> float:
                return _prefix_states_cost(L, 0, 0, 0, B)

            deepest = _BLOCK_SIZES[-1]  # the one whose chain is shortest: the credit pays only for it

            def cost(b: int) -> float:
                return (max(0.0, tables(b) - self._credit) if b == deepest else tables(b)) + chain(b)

            B = min(_BLOCK_SIZES, key=cost)
            if B == deepest:
                self._credit = max(0.0, self._credit - tables(B))
            else:
                self._credit += chain(B) - chain(deepest)
            return B

    def get(self, ids: np.ndarray, depth: int) -> tuple[list[PointArray], np.ndarray]:
        """(``tables[e]`` for e < depth, the row of each of the vocabulary ids ``ids`` in them)."""
        if not 1 <= depth <= _MAX_TABLE_DEPTH:
            raise ValueError(f"table depth must be in [1, {_MAX_TABLE_DEPTH}], not {depth}")
        g = self._group
        with self._lock:
            size = len(self._vocab)
            if self._rows.shape[0] < size:
                self._rows = np.concatenate((self._rows, np.full(size - self._rows.shape[0], -1, dtype=np.int64)))
            have = len(self._tables)
            if depth > have and self.kept:  # deepen every kept token's table
                self._tables = self._tables + self._tables[0].scaled([g._power(e) for e in range(have, depth)])
            rows = self._rows[ids]
            if (rows < 0).any():
                new = np.unique(ids[rows < 0])
                fresh = self._vocab.generators.take(new).scaled([g._power(e) for e in range(max(depth, have))])
                self._tables = fresh if not self.kept else [t.concat(f) for t, f in zip(self._tables, fresh)]
                self._rows[new] = np.arange(self.kept, self.kept + new.shape[0])
                self.kept += new.shape[0]
                rows = self._rows[ids]
            return self._tables[:depth], rows


# Operation-count model of prefix states and windows(m), in units of one k * P, measured on
# secp256k1 (2026-12-04, a 2-core machine, k * P = 42 us): PointArray.scaled of 5000 points costs
# 0.83 k * P a point for one scalar and about 0.24 for each further one; a take and a batched
# affine addition 0.005 per element (prefix states: one of each per token); a batch
# multiplication by per-element scalars 0.75 per element; a block start (one k * P and an
# addition) 1.05.
_FIRST_SCALAR = 0.8
_FURTHER_SCALAR = 0.24
_ADDITION = 0.005
_BATCH_MUL = 0.75
_BLOCK_START = 1.05
_BLOCK_SIZES = (1, 2, 4, 8, 16, 32)


def _table_work(missing: int, kept: int, depth: int, want: int) -> float:
    """Tables to depth ``want``: every missing token's, and the kept ones' deepened."""
    work = missing * (_FIRST_SCALAR + _FURTHER_SCALAR * (max(want, depth) - 1))
    if want > depth and kept:
        work += kept * (_FIRST_SCALAR + _FURTHER_SCALAR * (want - depth - 1))
    return work


def _prefix_states_cost(L: int, missing: int, kept: int, depth: int, B: int) -> float:
    if B == 1:
        return L * _BLOCK_START
    return _table_work(missing, kept, depth, B) + (L / B + 1) * _BLOCK_START + L * _ADDITION


def _tables_cost(L: int, missing: int, kept: int, depth: int, m: int) -> float:
    return _table_work(missing, kept, depth, m) + _ADDITION * L * (m - 1)


def _prefix_cost(L: int, m: int) -> float:
    return (L - m + 1) * (2 * _BATCH_MUL + _ADDITION)


class Traverser:
    """A streaming state machine over one engine: ``push``, ``pop``, ``undo``, checkpoints.

    The state is one context; with ``history=False`` memory does not grow
    with the number of tokens pushed.  ``pop(token)`` is the exact inverse of
    ``push(token)``: ``S <- k^-1 (S - P_token)``.
    """

    __slots__ = ("_engine", "_state", "_history")

    def __init__(self, engine: Traversal, *, history: bool = False):
        self._engine = engine
        self._state = engine.identity
        self._history: list | None = [] if history else None

    @property
    def state(self) -> Context:
        """The current context: the tokens pushed so far (less those popped)."""
        return self._state

    def __repr__(self) -> str:
        history = "" if self._history is None else f", history of {len(self._history)} tokens"
        return f"Traverser(length={self._state.length}{history}, {self._engine!r})"

    def __len__(self) -> int:
        if self._state.length < 0:
            raise ValueError(
                f"the state has negative length {self._state.length} (more pops than pushes); read state.length"
            )
        return self._state.length

    def __bool__(self) -> bool:
        """False at the identity's length 0, True otherwise (after more pops than pushes too)."""
        return self._state.length != 0

    def __copy__(self) -> Traverser:
        """A traverser at the same state over the same engine, with a history of its own: a branch point
        (a keyed engine's too, whose traversers do not pickle).  ``copy.deepcopy`` is the same: the
        engine is shared, as engines are (see the thread-safety notes), and the rest is immutable."""
        new = Traverser.__new__(Traverser)
        new._engine, new._state = self._engine, self._state
        new._history = None if self._history is None else list(self._history)
        return new

    def __deepcopy__(self, memo) -> Traverser:
        return self.__copy__()

    def push(self, token) -> Context:
        """Append one token: ``S <- k S + P_token``."""
        g = self._engine.group
        P = self._engine.vocabulary.generator(token)
        s = self._state
        self._state = Context._make(g, s.length + 1, g._power(1) * s.point + P)
        if self._history is not None:
            self._history.append(token)
        return self._state

    def push_many(self, tokens) -> Context:
        """Append many tokens (one composition, then one product)."""
        if isinstance(tokens, np.ndarray) and self._history is None:  # int tokens, no Python object per token
            self._state = self._state * self._engine.compose(tokens)
            return self._state
        toks = self._engine.tokens(tokens)
        self._state = self._state * self._engine.compose(toks)
        if self._history is not None:
            self._history.extend(toks)
        return self._state

    def pop(self, token) -> Context:
        """Remove ``token`` from the end (the exact inverse of ``push(token)``).

        Popping more than was pushed is allowed: the state is then the
        group element of negative length (``len`` refuses it; read ``state.length``).

        Raises:
            ValueError: with history, ``token`` is not the last token pushed.
        """
        s = self._state
        if self._history is not None and self._history and self._history[-1] != token:
            raise ValueError(f"pop({token!r}) does not match the last token pushed, {self._history[-1]!r}")
        g = self._engine.group
        P = self._engine.vocabulary.generator(token)
        self._state = Context._make(g, s.length - 1, g._power(-1) * (s.point - P))
        if self._history:
            self._history.pop()
        return self._state

    def undo(self) -> Context:
        """Pop the last pushed token (needs ``history=True``)."""
        if self._history is None:
            raise ValueError("undo needs a traverser made with history=True")
        if not self._history:
            raise IndexError("nothing to undo")
        return self.pop(self._history[-1])

    def checkpoint(self) -> Context:
        """The current state, to :meth:`restore` later."""
        return self._state

    def restore(self, context: Context) -> Context:
        """Jump to a saved state (of the same engine); history is cleared."""
        if not isinstance(context, Context):
            raise TypeError(f"restore needs a Context, not {type(context).__name__}")
        self._engine._check(context)
        self._state = context
        if self._history is not None:
            self._history = []
        return context

    def __getstate__(self):
        _refuse_pickle(self._engine, "Traverser")
        return super().__getstate__()

    def __setstate__(self, state):
        _, slots = state if isinstance(state, tuple) and len(state) == 2 else (None, None)
        if not isinstance(slots, dict) or set(slots) != {"_engine", "_state", "_history"}:
            raise ValueError("corrupt Traverser pickle: its state must hold its engine, state and history")
        engine, context, history = slots["_engine"], slots["_state"], slots["_history"]
        if not isinstance(engine, Traversal) or not isinstance(context, Context):
            raise ValueError("corrupt Traverser pickle: its engine must be a Traversal and its state a Context")
        engine._check(context)  # a context of another engine: ContextMismatchError
        if history is not None and (history.__class__ is not list or not all(map(_is_plain_token, history))):
            raise ValueError("corrupt Traverser pickle: its history must be None or a list of tokens")
        self._engine, self._state, self._history = engine, context, history


class WindowIndex(_Immutable):
    """Every window of length 1..max_n over a token stream, keyed by its context.

    ``find(phrase)`` returns every start position of the phrase (one
    composition and one dictionary lookup); ``repeats(m)`` lists the m-grams
    that occur more than once.  The exact, algebraic counterpart of a
    similarity-hash memory: equal contexts mean equal sequences up to the
    collision bound, and both check the tokens of what the contexts group, so
    a collision (frequent on a toy curve of a few dozen points) is never a
    false match.  ``len(index)`` is the number of tokens indexed; the index
    keeps one entry per distinct window and length (docs/costs.md).

    Example:
        >>> ix = Traversal("secp256k1").index("a b a b c", 2)
        >>> len(ix), ix.find("a b"), ix
        (5, [0, 2], WindowIndex(5 tokens, windows of length 1..2, Traversal('secp256k1', namespace='default')))
    """

    #: The longest windows an index tables (the engine's per-token tables go this deep); a longer
    #: phrase: find its first MAX_N tokens, then confirm each start with :meth:`PrefixStates.window`.
    MAX_N = _MAX_TABLE_DEPTH

    __slots__ = ("_engine", "_ids", "_asked", "_max_n", "_table")

    def __init__(self, engine: Traversal, ids: Sequence[int], max_n: SupportsIndex):
        max_n = _index("max_n", max_n)
        if max_n < 1:
            raise ValueError(f"max_n must be a positive int, not {max_n}")
        self._engine = engine
        self._ids = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
        self._asked = max_n  # what find and repeats take; longer than the stream, they find nothing
        self._max_n = min(max_n, len(self._ids))  # windows no longer than the stream
        if self._max_n > self.MAX_N:
            raise ValueError(f"max_n must be at most {self.MAX_N} (WindowIndex.MAX_N) for a stream of "
                             f"{len(self._ids)} tokens, not {max_n}")
        self._table: dict[tuple[int, bytes], list[int]] = {}
        levels = engine._window_levels(self._ids, self._max_n)
        for m in range(1, self._max_n + 1):
            pts = next(levels)
            for i, key in enumerate(_encodings(pts)):
                self._table.setdefault((m, key), []).append(i)

    @property
    def max_n(self) -> int:
        """The longest windows tabled: ``max_n`` as asked, or the stream's length if that is shorter."""
        return self._max_n

    def __len__(self) -> int:
        """The number of tokens indexed (not the number of windows)."""
        return len(self._ids)

    def __repr__(self) -> str:
        return f"WindowIndex({len(self._ids)} tokens, windows of length 1..{self._max_n}, {self._engine!r})"

    def __reduce__(self):
        """Pickled as what it is built from (the engine, the token ids, max_n as asked), and built again
        on loading: an edited pickle cannot give matches that disagree with its tokens."""
        _refuse_pickle(self._engine, "WindowIndex")
        return (_rebuild_window_index, (self._engine, self._ids, self._asked))

    def __setstate__(self, state):
        """A pickle made before indexes pickled as what they are built from: built again from its engine,
        token ids and max_n, checked as those are."""
        if not isinstance(state, dict) or not {"_engine", "_ids", "max_n"} <= state.keys():
            raise ValueError("corrupt WindowIndex pickle: an earlier pickle must hold its engine, token ids and max_n")
        max_n = state.get("_asked", state["max_n"])
        _take_fields(self, _rebuild_window_index(state["_engine"], state["_ids"], max_n))

    def find(self, phrase) -> list[int]:
        """Start positions of the phrase (a str or token sequence) in the stream, of 1 to ``max_n``
        tokens as the index was asked for (none when longer than the stream).  With a vocabulary's
        unknown token, a token not in the vocabulary is that token, as everywhere in the engine: it
        finds where any unknown token stands."""
        toks = self._engine.tokens(phrase)
        if not 1 <= len(toks) <= self._asked:
            raise ValueError(f"phrase length must be in [1, {self._asked}], not {len(toks)}")
        if len(toks) > self._max_n:
            return []
        vocab = self._engine.vocabulary
        missing = [] if vocab.unknown is not None else [t for t in toks if t not in vocab]
        if missing:  # not in the stream (and not added), unless it is no token at all: that raises
            for t in missing:
                token_message(t)
            return []
        c = self._engine.compose(toks)
        ids, m = list(self._engine._ids(toks)), len(toks)
        return [i for i in self._table.get((m, c.point.to_bytes()), ()) if self._ids[i : i + m] == ids]

    def repeats(self, m: SupportsIndex) -> list[tuple[tuple, list[int]]]:
        """Repeated m-grams: ``[(tokens, positions), ...]`` in order of first occurrence; m from 1 to
        ``max_n`` as the index was asked for (none when longer than the stream)."""
        m = _index("m", m)
        if not 1 <= m <= self._asked:
            raise ValueError(f"m must be in [1, {self._asked}], not {m}")
        vocab = self._engine.vocabulary
        out = []
        for (length, _), positions in self._table.items():
            if length == m and len(positions) > 1:
                by_tokens: dict[tuple, list[int]] = {}  # one context, split by the windows' tokens
                for i in positions:
                    by_tokens.setdefault(tuple(self._ids[i : i + m]), []).append(i)
                out.extend((tuple(vocab.token(t) for t in ids), group)
                           for ids, group in by_tokens.items() if len(group) > 1)
        out.sort(key=lambda item: item[1][0])
        return out


# The window digest: h_i = sum_e ids[i + e] * B^(m - 1 - e) mod 2^64 for a fixed odd B (so B is
# invertible mod 2^64): with running sums G_i = sum_(e < i) ids[e] * B^-e, h_i = (G_(i+m) - G_i) *
# B^(i + m - 1), all in wrapping uint64 arithmetic.  Equal windows have equal digests; the converse is
# checked, token by token.
_DIGEST_BASE = 0x9E3779B97F4A7C15  # odd: 2^64 / golden ratio
_DIGEST_BASE_INVERSE = pow(_DIGEST_BASE, -1, 1 << 64)


def _window_digests(ids: np.ndarray, m: int) -> np.ndarray:
    """A uint64 digest of every m-window of ids (start 0 .. L - m), equal for equal windows."""
    L = ids.shape[0]
    with np.errstate(over="ignore"):
        inv = np.full(L, _DIGEST_BASE_INVERSE, dtype=np.uint64)
        inv[0] = 1
        inv_powers = np.cumprod(inv)  # B^-e, wrapping
        G = np.zeros(L + 1, dtype=np.uint64)
        np.cumsum(ids.astype(np.uint64) * inv_powers, out=G[1:])
        fwd = np.full(L - m + 1, _DIGEST_BASE, dtype=np.uint64)
        fwd[0] = pow(_DIGEST_BASE, m - 1, 1 << 64)
        powers = np.cumprod(fwd)  # B^(i + m - 1)
        return (G[m:] - G[: L - m + 1]) * powers


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lens)])``, without the loop."""
    ends = np.cumsum(lens)
    return np.arange(int(ends[-1]) if lens.size else 0, dtype=np.int64) + np.repeat(starts - (ends - lens), lens)


def _repeated_windows(ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The groups of equal m-windows of ids that occur more than once, exactly.

    Returns ``(pos, bounds)``: group g's start positions are ``pos[bounds[g]:bounds[g + 1]]``,
    ascending, and the groups come in order of their first position."""
    h = _window_digests(ids, m)
    order = np.argsort(h, kind="stable")  # stable: positions ascending within a digest
    hs = h[order]
    bounds = np.concatenate(([0], np.flatnonzero(hs[1:] != hs[:-1]) + 1, [hs.shape[0]]))
    del h, hs
    lens = np.diff(bounds)
    starts, lens = bounds[:-1][lens > 1], lens[lens > 1]  # digest runs of two or more windows
    pos = order[_ranges(starts, lens)]
    head = np.repeat(order[starts], lens)
    same = np.ones(pos.shape[0], dtype=bool)
    for e in range(m):  # every window against its run's first, token id by token id
        same &= ids[pos + e] == ids[head + e]
    del head
    run = np.repeat(np.arange(lens.shape[0]), lens)
    bad = np.unique(run[~same])
    extra: list[list[int]] = []
    if bad.size:  # digest runs whose windows differ (a collision): split them exactly
        for r in bad.tolist():
            split: dict[tuple, list[int]] = {}
            for p in pos[run == r].tolist():
                split.setdefault(tuple(ids[p : p + m].tolist()), []).append(p)
            extra.extend(v for v in split.values() if len(v) > 1)
        good = ~np.isin(run, bad)
        pos, lens = pos[good], np.delete(lens, bad)
    if extra:
        pos = np.concatenate([pos, np.array([p for g in extra for p in g], dtype=np.int64)])
        lens = np.concatenate([lens, np.array([len(g) for g in extra], dtype=np.int64)])
    offsets = np.cumsum(lens) - lens
    by_first = np.argsort(pos[offsets], kind="stable")
    lens = lens[by_first]
    return pos[_ranges(offsets[by_first], lens)], np.concatenate(([0], np.cumsum(lens)))


def _index(what: str, value) -> int:
    """value as an int index; TypeError for bool, float, str and the rest."""
    if value.__class__ is int:
        return value
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def _encodings(points: PointArray) -> list[bytes]:
    """Compressed encodings of every point, split from one batch encoding."""
    blob = points.to_bytes()
    nb = points.curve.field_bytes
    out, pos = [], 0
    while pos < len(blob):
        size = 1 if blob[pos] == 0 else 1 + nb
        out.append(blob[pos : pos + size])
        pos += size
    return out
