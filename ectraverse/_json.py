"""JSON read from outside (a vocabulary file, a demo's saved context), its nesting bounded first.

CPython's C decoder recurses once a nesting level and stops at the recursion
limit; a process that raised that limit (``py_ecc`` sets it to 100,000 on
import) lets ``[[[[...`` a hundred thousand deep overflow the C stack: a crash,
not a ``RecursionError``. :func:`loads` measures the nesting before the
decoder sees the text. Nothing ectraverse reads nests more than a few levels.
"""

from __future__ import annotations

import json
import re

import numpy as np

__all__ = ["MAX_DEPTH", "TooDeepError", "loads"]

#: The deepest nesting :func:`loads` reads (arrays and objects, together).
MAX_DEPTH = 64

_NOT_NESTING = bytes(sorted(set(range(256)) - set(b'"[]{}')))  # bytes.translate deletes them
_STRING = re.compile(rb'"[^"]*"')  # a string, once only its quotes and brackets are left
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_CHUNK = 1 << 20


class TooDeepError(ValueError):
    """JSON nested more than :data:`MAX_DEPTH` levels."""


def _too_deep(text: str) -> bool:
    """Whether text's arrays and objects nest more than :data:`MAX_DEPTH` deep, counting the brackets
    outside strings (a string the text ends inside included: the decoder says so)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:  # a vocabulary file's way: nothing to look at
        return False
    # escaped backslashes, then escaped quotes, go first (left to right, as the decoder pairs them); then
    # all but quotes and brackets; then the strings, whose brackets are not nesting; a quote left opens
    # a string the text ends inside (a file cut short): nothing after it nests
    unescaped = text.encode("utf-8", "surrogatepass").replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = _STRING.sub(b"", unescaped.translate(None, _NOT_NESTING))
    brackets = np.frombuffer(outside.split(b'"', 1)[0], dtype=np.uint8)
    level = 0
    for start in range(0, len(brackets), _CHUNK):
        levels = level + np.cumsum(_STEP[brackets[start:start + _CHUNK]], dtype=np.int64)
        if levels.max() > MAX_DEPTH:
            return True
        level = int(levels[-1])
    return False


def loads(text: str):
    """``json.loads(text)``, refusing nesting deeper than :data:`MAX_DEPTH` before decoding.

    Raises:
        TypeError: text is not a str.
        TooDeepError: nested too deeply (a ValueError).
        json.JSONDecodeError: not JSON (a ValueError).

    Example:
        >>> loads('{"tokens": ["a", 1]}')
        {'tokens': ['a', 1]}
        >>> try:
        ...     loads("[" * 100_000 + "]" * 100_000)
        ... except TooDeepError as exc:
        ...     print(exc)
        JSON nested more than 64 levels deep
    """
    if not isinstance(text, str):
        raise TypeError(f"JSON text must be a str, not {type(text).__name__}")
    if _too_deep(text):
        raise TooDeepError(f"JSON nested more than {MAX_DEPTH} levels deep")
    return json.loads(text)
