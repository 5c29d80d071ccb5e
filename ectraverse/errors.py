"""The exception hierarchy of ectraverse, and how an error message quotes a value (:func:`shown`).

Errors about bad *data* (points, encodings, curves, suites, tokens, files,
contexts of another engine) have classes of their own, all
:class:`EctraverseError`; those about a bad *value* also subclass
:class:`ValueError`, so code that already catches ``ValueError`` keeps
working. An argument out of its range, or an operation that does not apply
(undo with nothing to undo, the coordinates of the identity, a prefix longer
than the whole), raises Python's own ``ValueError`` or ``IndexError``; wrong
*types* raise plain :class:`TypeError`.
"""

__all__ = [
    "shown",
    "EctraverseError",
    "NotOnCurveError",
    "NotInSubgroupError",
    "EncodingError",
    "CurveMismatchError",
    "InvalidCurveError",
    "UnknownCurveError",
    "UnknownTokenError",
    "VocabularyFileError",
    "UnknownSuiteError",
    "ContextMismatchError",
    "NotUtf8Error",
]


def shown(value, limit: int = 40) -> str:
    """A value as an error message quotes it: its repr, cut after ``limit`` characters, so a long value
    read from outside is never echoed whole.

    Example:
        >>> shown("12"), shown("9" * 5000)
        ("'12'", "'9999999999999999999999999999999999999999'… (5,000 characters)")
        >>> shown(b"x" * 50), shown(10 ** 5000)
        ("b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (a bytes of 50)", 'an int of 16,610 bits')
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an int of {value.bit_length():,} bits"  # repr refuses past 4,300 digits
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" of {len(value):,}" if isinstance(value, (bytes, bytearray, tuple, list)) else ""
    return f"{text[:limit]}… (a {type(value).__name__}{size})"


class EctraverseError(Exception):
    """Base class of every error raised by ectraverse."""


class NotOnCurveError(EctraverseError, ValueError):
    """Coordinates do not satisfy the curve equation (or an x has no y)."""


class NotInSubgroupError(EctraverseError, ValueError):
    """A point is on the curve but outside its prime-order subgroup."""


class EncodingError(EctraverseError, ValueError):
    """Bytes are not a valid encoding (wrong length, prefix, or out of range)."""


class CurveMismatchError(EctraverseError, ValueError):
    """An operation mixes points (or arrays) from different curves."""


class InvalidCurveError(EctraverseError, ValueError):
    """Custom curve parameters fail validation."""


class UnknownCurveError(EctraverseError, ValueError):
    """No curve is registered under the requested name."""


class UnknownTokenError(EctraverseError, KeyError):
    """A token is not in a frozen vocabulary (``token`` holds it).

    A :class:`KeyError`, so ``except KeyError`` and ``dict``-like code keep
    working, but printed as its plain message, not as ``repr`` of a key.
    """

    def __init__(self, message: str, token=None):
        super().__init__(message)
        self.token = token

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class VocabularyFileError(EctraverseError, ValueError):
    """A vocabulary file is unreadable, corrupt, tampered with, or for another curve or namespace."""


class UnknownSuiteError(EctraverseError, ValueError):
    """No hash-to-curve suite is registered under the requested ID, or the suite is of the other kind
    (an ``_NU_`` suite given to ``hash_to_curve``, an ``_RO_`` one to ``encode_to_curve``)."""


class ContextMismatchError(EctraverseError, ValueError):
    """Contexts (or context bytes) from different traversal engines were mixed."""


class NotUtf8Error(EctraverseError, ValueError):
    """Bytes read as text are not UTF-8: ``position`` is the offset of the first bad byte in the
    whole input, ``reason`` the decoder's (as :class:`UnicodeDecodeError` names them)."""

    def __init__(self, position: int, reason: str):
        super().__init__(f"The text is not valid UTF-8 (byte {position}: {reason}).")
        self.position = position
        self.reason = reason

    def __reduce__(self):  # its arguments, not its message: it crosses processes (Dask, pools) whole
        return type(self), (self.position, self.reason)


class _BuiltAgainOnLoad:
    """A base of the classes that pickle as a call building them again (their ``__reduce__``), so that
    loading one checks what it is given. A hand-made pickle that sets such an object's fields instead
    (``object.__new__`` and a state) is refused: it would skip every check (a point off its curve, a
    context of any length, a vocabulary whose ids disagree with its tokens)."""

    __slots__ = ()

    def __setstate__(self, state):
        name = type(self).__name__
        raise ValueError(f"corrupt {name} pickle: a {name} is built again from what it is made of when "
                         "loaded, never from its fields")


class _Immutable:
    """A base of the classes whose objects never change: a copy (``copy.copy``, ``copy.deepcopy``)
    is the object itself, as for ``int`` and ``tuple``.  Copying within a process needs no pickle,
    which some of them refuse (a keyed engine's, or one whose tokenizer has no name)."""

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self
