"""Tokenizers: functions from a text to its list of tokens.

A token is a ``str`` or an ``int`` (see :mod:`ectraverse.vocab`).  Four
tokenizers are built in, each also reachable by name through :func:`resolve`:

``words`` (the default)
    Runs of word characters, and each other non-space character as a token of
    its own; whitespace separates tokens and is dropped.  Unicode-aware: a word
    is a run of ``\\w`` (letters and digits of every script, and ``_``) and
    keeps its combining marks, so a decomposed ``"e\\u0301"`` stays one token
    with its base letter.  A punctuation or symbol character keeps its
    combining marks and variation selectors too, and the usual emoji sequences
    stay whole: a pair of regional indicators (a flag), skin-tone modifiers,
    tag sequences and ``ZWJ``-joined emoji.  Scripts written without spaces
    (Chinese, Japanese, Thai) come out as one token per unbroken run: use
    ``chars`` for them.
``whitespace``
    The maximal runs of non-whitespace characters (``str.split()``).
``chars``
    One token per code point.  A decomposed ``"e\\u0301"`` is two tokens:
    normalise the text first (``unicodedata.normalize("NFC", text)``) if that
    matters.
``bytes``
    The UTF-8 bytes of the text, each an ``int`` token in ``range(256)``
    (ints rather than one-character strings, so they never collide with the
    ``chars`` tokens in a mixed vocabulary).  Implemented as
    :func:`bytes_tokens`; the module attribute ``tokenizers.bytes`` is the same
    function.  It is not in ``__all__``, so ``from ectraverse.tokenizers
    import *`` does not shadow the builtin ``bytes``.

No tokenizer normalises, lower-cases or otherwise changes the text.

:func:`resolve` turns any accepted tokenizer spec into a callable: one of the
names above, any callable ``str -> list`` of tokens, or an object with an
``encode(text)`` method returning token ids (as Hugging Face tokenizers and
tiktoken encodings have), whose ids become ``int`` tokens.  Neither package is
a dependency: only the method is used.

Example:
    >>> words("Héllo, wörld! 3.14")
    ['Héllo', ',', 'wörld', '!', '3', '.', '14']
    >>> whitespace("Héllo, wörld!")
    ['Héllo,', 'wörld!']
    >>> chars("añ b")
    ['a', 'ñ', ' ', 'b']
    >>> bytes_tokens("añ")
    [97, 195, 177]
    >>> resolve("bytes") is bytes_tokens
    True
"""

from __future__ import annotations

import codecs
import operator
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from functools import cache

from ectraverse.errors import NotUtf8Error, shown

__all__ = [
    "words", "whitespace", "chars", "bytes_tokens", "by_name", "resolve", "token_list", "text_blocks", "pieces", "BY_NAME",
    "Tokenizer", "LAST_CUT", "BLOCK_SIZE", "MAX_RUN", "COMPILED", "spans", "attach_ready",
]

#: What :func:`resolve` returns: a function from a text to its tokens.
Tokenizer = Callable[[str], list]

# Captured before the module global ``bytes`` is rebound at the end of the module.
_STRINGS = (str, bytes, bytearray)
_BINARY = (bytes, bytearray, memoryview)


def _check_text(text) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")


def _ranges(codepoints: list[int]) -> str:
    """A regex character-class body matching exactly ``codepoints`` (sorted, escaped)."""
    parts: list[str] = []
    start = prev = None
    for cp in codepoints + [None]:
        if start is not None and (cp is None or cp != prev + 1):
            parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = None
        if cp is not None and start is None:
            start = cp
        prev = cp
    return "".join(parts)


#: Attached to the preceding character besides the combining marks: emoji
#: skin-tone modifiers and emoji tag characters (inclusive ranges).
_ATTACH_EXTRA = ((0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))


@cache
def _attach_codepoints() -> tuple[int, ...]:
    """The code points attached to the preceding character by ``words``, sorted.

    Combining marks (categories Mn, Mc, Me; this includes the variation
    selectors), listed from :mod:`unicodedata` since Python's ``re`` has no
    ``\\p{M}``, and :data:`_ATTACH_EXTRA`.  Marks lie in planes 0-3 and 14
    (planes 4-13 are unassigned, 15-16 private use), which the scan covers.
    The one list for the regex and for the compiled tokenizer.
    """
    marks = {
        cp
        for lo, hi in ((0, 0x40000), (0xE0000, 0xF0000))
        for cp in range(lo, min(hi, sys.maxunicode + 1))
        if unicodedata.category(chr(cp))[0] == "M"
    }
    marks.update(cp for lo, hi in _ATTACH_EXTRA for cp in range(lo, hi + 1))
    return tuple(sorted(marks))


@cache
def _words_pattern() -> re.Pattern:
    """The ``words`` regex, built on first use from this Python's Unicode database."""
    attached = list(_attach_codepoints())
    # Two classes, because ``re`` tests a class of BMP characters by bitmap
    # but one with astral characters range by range.
    bmp = _ranges([cp for cp in attached if cp < 0x10000])
    astral = _ranges([cp for cp in attached if cp >= 0x10000])
    attach = f"(?:[{bmp}]|[{astral}])"
    zwnj_zwj = "[\u200c\u200d]"
    # A word: runs of \w, joined by attached marks or by ZWNJ/ZWJ between two
    # word characters (Indic scripts use them inside words).  Unrolled so the
    # common case is one fast \w+; every loop turn consumes a non-\w first, so
    # matching stays linear.
    word = rf"\w++(?:(?:{attach}|{zwnj_zwj}(?=\w))++\w*+)*+"
    # A symbol: a flag (two regional indicators) or one non-word, non-space
    # character, with its attached marks, then any ZWJ-joined symbols.
    one = r"(?:[\U0001f1e6-\U0001f1ff]{2}|[^\w\s])"
    symbol = rf"{one}{attach}*+(?:\u200d{one}{attach}*+)*+"
    return re.compile(f"{word}|{symbol}")


_ASCII_WORDS = re.compile(r"\w+|[^\w\s]")


def words(text: str) -> list[str]:
    """Words and punctuation: runs of word characters, and each other non-space character.

    Args:
        text: the text.

    Returns:
        The tokens, in order; whitespace is dropped.

    Raises:
        TypeError: if text is not a str.

    Example:
        >>> words("C'est l'été… 日本語 ok👍🏽!")
        ['C', "'", 'est', 'l', "'", 'été', '…', '日本語', 'ok', '👍🏽', '!']
        >>> words("cafe\\u0301") == ["cafe\\u0301"], words("🇫🇷🇩🇪")
        (True, ['🇫🇷', '🇩🇪'])
    """
    _check_text(text)
    if text.isascii():  # no marks, joiners or emoji: the same tokens, twice as fast
        return _ASCII_WORDS.findall(text)
    return _words_pattern().findall(text)


def whitespace(text: str) -> list[str]:
    """The runs of non-whitespace characters (Unicode whitespace separates).

    Raises:
        TypeError: if text is not a str.

    Example:
        >>> whitespace(" a\\u3000b\\tc,d\\n")
        ['a', 'b', 'c,d']
    """
    _check_text(text)
    return text.split()


def chars(text: str) -> list[str]:
    """One token per code point (spaces included).

    Raises:
        TypeError: if text is not a str.

    Example:
        >>> chars("日本 ")
        ['日', '本', ' ']
    """
    _check_text(text)
    return list(text)


def bytes_tokens(text: str) -> list[int]:
    """The UTF-8 bytes of the text, as ``int`` tokens in ``range(256)``.

    Also available as ``tokenizers.bytes`` and under the name ``"bytes"``.

    Raises:
        TypeError: if text is not a str.
        UnicodeEncodeError: if text holds a lone surrogate (it has no UTF-8 form).

    Example:
        >>> bytes_tokens("é€")
        [195, 169, 226, 130, 172]
    """
    _check_text(text)
    return list(text.encode("utf-8"))


#: The built-in tokenizers the compiled tokenizer implements, by name: its mode numbers.
#: (``bytes`` needs none: its tokens are the UTF-8 bytes, an array already.)
COMPILED = {"words": 0, "whitespace": 1, "chars": 2}

_attach_lock = threading.Lock()
_attach_set = False


def attach_ready() -> bool:
    """True once the compiled ``words`` tokenizer has its combining marks (the first :func:`spans` call for
    ``words`` sets them up)."""
    return _attach_set


def spans(text: str, name: str):
    """``(start, end)`` of every token the built-in tokenizer ``name`` gives for text, from the compiled
    tokenizer: an int64 NumPy array of shape (T, 2), with no Python object per token.

    ``[text[s:e] for s, e in spans(text, name)]`` equals ``BY_NAME[name](text)`` on all of Unicode
    (tests/test_tokenizer_compiled.py).  The first call for ``words`` hands the compiled tokenizer the
    combining marks (:func:`_attach_codepoints`), about 0.1 s once per process.

    Args:
        text: the text.
        name: ``"words"``, ``"whitespace"`` or ``"chars"`` (:data:`COMPILED`).

    Raises:
        TypeError: text is not a str.
        ValueError: name has no compiled form.

    Example:
        >>> spans("ab, c", "words").tolist()
        [[0, 2], [2, 3], [4, 5]]
    """
    _check_text(text)
    from ectraverse import _tok

    return _tok.spans(text, _compiled_mode(name))


class _Utf8Text:
    """Text given as its UTF-8 encoding (a buffer of bytes, as :meth:`Vocabulary.text_ids` takes it):
    an input of ``Traversal.compose``, ``coefficients`` and ``tokens`` that the built-in tokenizers
    read as it is, without making the str it decodes to (the blocks :mod:`ectraverse.dask` reads and
    composes in one task)."""

    __slots__ = ("data",)

    def __init__(self, data) -> None:
        self.data = data

    def text(self) -> str:
        """The str the bytes decode to.

        Raises:
            UnicodeDecodeError: they are not UTF-8.
        """
        return str(self.data, "utf-8")


def _compiled_mode(name: str) -> int:
    """The compiled tokenizer's mode number for the built-in tokenizer ``name`` (:data:`COMPILED`),
    ready to use: the first call for ``words`` hands it the combining marks (:func:`_attach_codepoints`),
    about 0.1 s once per process.

    Raises:
        ValueError: name has no compiled form.
    """
    global _attach_set
    mode = COMPILED.get(name)
    if mode is None:
        raise ValueError(f"name must be one of {sorted(COMPILED)}, not {name!r}")
    if mode == 0 and not _attach_set:
        from ectraverse import _tok

        with _attach_lock:
            if not _attach_set:
                _tok.set_attach(_attach_codepoints())
                _attach_set = True
    return mode


#: The built-in tokenizers by name (the names :func:`resolve` accepts).
BY_NAME: dict[str, Tokenizer] = {
    "words": words,
    "whitespace": whitespace,
    "chars": chars,
    "bytes": bytes_tokens,
}


class _EncodeIds:
    """Adapts an object with ``encode(text) -> ids`` to a tokenizer returning ``int`` tokens.

    ``encode`` may return a sequence of ints (tiktoken, ``transformers``
    tokenizers) or an object with an ``ids`` attribute (the ``Encoding`` of the
    ``tokenizers`` package).  NumPy integers are converted; bools and other
    types raise ``TypeError``.
    """

    __slots__ = ("encoder",)

    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def __call__(self, text: str) -> list[int]:
        _check_text(text)
        ids = self.encoder.encode(text)
        ids = getattr(ids, "ids", ids)
        if isinstance(ids, (*_STRINGS, Set, Mapping)) or not isinstance(ids, Iterable):
            raise TypeError(f"{self!r}: encode() must return a sequence of int ids, not {type(ids).__name__}")
        out = []
        for i in ids:
            if i.__class__ is not int:
                if isinstance(i, bool):
                    raise TypeError(f"{self!r}: encode() must return int ids, not bool")
                try:
                    i = operator.index(i)
                except TypeError:
                    raise TypeError(f"{self!r}: encode() must return int ids, not {type(i).__name__}") from None
            out.append(i)
        return out

    def __repr__(self) -> str:
        return f"encode_ids({type(self.encoder).__name__})"


def _after_last_space(text: str) -> int:
    """The index just after the last whitespace character (``\\s``) of text, 0 if it has none (in C,
    from the end: a regex search for it walks the whole text)."""
    from ectraverse import _tok

    return _tok.after_last_space(text)


#: Where each built-in tokenizer lets a text be cut so that the tokens of the
#: pieces are the tokens of the whole: no ``words`` or ``whitespace`` token
#: holds a whitespace character, and ``chars`` and ``bytes`` tokens never span
#: a character boundary.  Each function gives the index of the last such cut
#: in a piece of text (0: none).
LAST_CUT: dict[str, Callable[[str], int]] = {
    "words": _after_last_space,
    "whitespace": _after_last_space,
    "chars": len,
    "bytes": len,
}

#: :func:`pieces` reads a file this many bytes (or characters) at a time.
BLOCK_SIZE = 1 << 20
#: The longest run of text without a cut point that :func:`pieces` holds (characters).
MAX_RUN = 1 << 22


def text_blocks(source) -> Iterator[tuple[str, int]]:
    """``(text, consumed)`` for each block of a binary file (UTF-8), a text file or an iterable of str.

    Files are read :data:`BLOCK_SIZE` at a time; ``consumed`` counts the bytes
    (binary files) or characters (text) read so far.  The blocks are cut
    anywhere: :func:`pieces` cuts them at token boundaries.

    Raises:
        TypeError: source is neither a file object nor an iterable of str.
        NotUtf8Error: the bytes are not UTF-8 (a ValueError; it names the byte).
    """
    read = getattr(source, "read", None)
    if read is None:
        if isinstance(source, _STRINGS) or not isinstance(source, Iterable):
            raise TypeError(f"source must be a file object or an iterable of str, not {type(source).__name__}")
        done = 0
        for block in source:
            if not isinstance(block, str):
                raise TypeError(f"the blocks of source must be str, not {type(block).__name__}")
            done += len(block)
            yield block, done
        return
    decoder = None
    done = 0
    while True:
        data = read(BLOCK_SIZE)
        if decoder is None:
            if isinstance(data, _BINARY):
                decoder = codecs.getincrementaldecoder("utf-8")()
            elif not isinstance(data, str):
                raise TypeError(f"source.read() must return bytes or str, not {type(data).__name__}")
        if isinstance(data, str):
            done += len(data)
            if not data:
                return
            yield data, done
            continue
        held = len(decoder.getstate()[0])  # bytes of a character cut by the previous block
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise NotUtf8Error(done - held + exc.start, exc.reason) from None
        done += len(data)
        if text:
            yield text, done
        if not data:
            return


def pieces(source, tokenizer: str = "words") -> Iterator[tuple[str, int]]:
    """Successive pieces of a text stream, each ending on a token boundary of a built-in tokenizer.

    The stream is read :data:`BLOCK_SIZE` at a time, whatever its line
    structure, and each block is cut after its last token boundary
    (:data:`LAST_CUT`); the rest waits for the next block.  The tokens of the
    pieces, in order, are the tokens of the whole text, so memory stays
    bounded while the contexts of the pieces multiply to the whole's.

    Args:
        source: a binary file (decoded as UTF-8), a text file, or an
            iterable of str blocks (cut anywhere).
        tokenizer: the name of a built-in tokenizer.

    Yields:
        ``(piece, consumed)``: the text, and the bytes (binary files) or
        characters (text) consumed so far, for a progress bar.

    Raises:
        TypeError: source is not a file object or an iterable of str.
        ValueError: an unknown tokenizer name; the bytes are not UTF-8 (NotUtf8Error); or a
            run of text without a cut point is longer than :data:`MAX_RUN`
            characters (it would be held whole).

    Example:
        >>> import io
        >>> [p for p, _ in pieces(["the ca", "t sat", " on"])]
        ['the ', 'cat ', 'sat ', 'on']
        >>> [p for p, _ in pieces(io.BytesIO("é b".encode()), "chars")]
        ['é b']
    """
    cut = LAST_CUT.get(tokenizer) if isinstance(tokenizer, str) else None
    if cut is None:
        raise ValueError(f"tokenizer must be one of {', '.join(LAST_CUT)}, not {tokenizer!r}")
    run: list[str] = []  # the text after the last cut
    run_chars = 0
    consumed = 0
    for text, consumed in text_blocks(source):
        k = cut(text)
        if k:
            yield "".join([*run, text[:k]]), consumed
            run, run_chars = [text[k:]], len(text) - k
            continue
        run.append(text)
        run_chars += len(text)
        if run_chars > MAX_RUN:
            raise ValueError(
                f"A run of text without whitespace must be at most {MAX_RUN} characters with tokenizer "
                f"{tokenizer!r}, not longer: the text is composed in pieces cut at whitespace, and the "
                "chars or bytes tokenizers can cut it anywhere."
            )
    rest = "".join(run)
    if rest:
        yield rest, consumed


def token_list(tokenize: Tokenizer, text: str, spec: object = None) -> list:
    """``tokenize(text)`` as a list, refusing a result that is not a sequence of tokens.

    A tokenizer that returns a ``str`` (or bytes) is a mistake that would
    otherwise pass silently, as a sequence of one-character tokens.  The
    tokens themselves are checked where they are used (the vocabulary).

    Args:
        tokenize: a tokenizer function (what :func:`resolve` returns).
        text: the text.
        spec: what the user gave as the tokenizer, for the message (default: tokenize).

    Raises:
        TypeError: the tokenizer returned a str, bytes, a set or a mapping (no order) or a non-iterable.

    Example:
        >>> token_list(str.split, "a b")
        ['a', 'b']
        >>> token_list(str.strip, " a b ")
        Traceback (most recent call last):
        ...
        TypeError: tokenizer <method 'strip' of 'str' objects> must return a list of tokens, not str
    """
    tokens = tokenize(text)
    if tokens.__class__ is not list:
        if isinstance(tokens, (*_STRINGS, Set, Mapping)) or not isinstance(tokens, Iterable):
            shown = tokenize if spec is None else spec
            raise TypeError(f"tokenizer {shown!r} must return a list of tokens, not {type(tokens).__name__}")
        tokens = list(tokens)
    return tokens


def by_name(name: str) -> Tokenizer:
    """The built-in tokenizer called ``name`` (:data:`BY_NAME`).

    Raises:
        ValueError: no built-in has that name (the message lists them).
        TypeError: name is not a str.
    """
    if not isinstance(name, str):
        raise TypeError(f"tokenizer must be a str, not {type(name).__name__}")
    found = BY_NAME.get(name)
    if found is None:
        raise ValueError(f"Unknown tokenizer {shown(name)}; expected one of: {', '.join(BY_NAME)}.")
    return found


def resolve(tokenizer: str | Callable[[str], list] | object = "words") -> Tokenizer:
    """The tokenizer function for a name, a callable, or an object with ``encode``.

    Args:
        tokenizer: one of the names in :data:`BY_NAME` (``"words"``,
            ``"whitespace"``, ``"chars"``, ``"bytes"``); an object with a
            callable ``encode`` attribute, whose ``encode(text)`` returns token
            ids (checked first, because such objects are often callable too,
            returning something other than a token list); or any callable
            ``str -> list`` of tokens, returned as it is.

    Returns:
        A callable from a text to its list of tokens.

    Raises:
        ValueError: for an unknown name (the message lists the names).
        TypeError: for anything else.

    Example:
        >>> class Ids:
        ...     def encode(self, text):
        ...         return [len(w) for w in text.split()]
        >>> resolve(Ids())("a bb ccc")
        [1, 2, 3]
        >>> resolve(str.split) is str.split
        True
        >>> resolve("sentencepiece")
        Traceback (most recent call last):
        ...
        ValueError: Unknown tokenizer 'sentencepiece'; expected one of: words, whitespace, chars, bytes.
    """
    if isinstance(tokenizer, str):
        return by_name(tokenizer)
    if callable(getattr(tokenizer, "encode", None)):
        return _EncodeIds(tokenizer)
    if callable(tokenizer):
        return tokenizer
    raise TypeError(
        "tokenizer must be a name (" + ", ".join(BY_NAME) + "), a callable str -> list of tokens, "
        f"or an object with an encode(text) method returning ids, not {type(tokenizer).__name__}"
    )


# The public name of the UTF-8 tokenizer.  Assigned last and used nowhere in
# this module: from here on the module global ``bytes`` is this function, not
# the builtin, so code in this module must not use the name ``bytes`` (the
# ``_STRINGS`` tuple above captured the builtin while it was still visible).
bytes = bytes_tokens  # noqa: A001
