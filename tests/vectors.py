"""Find and read the external test vectors (described in ``tests/vectors_data/README.md``).

This is a plain helper module, not a pytest plugin: it defines no fixtures.
The vectors directory is the first of these that exists:

1. the directory named by the environment variable ``ECTRAVERSE_VECTORS``
   (if the variable is set, no other place is tried);
2. ``<repo>/tests/vectors_data``, the copy kept inside the repository.

If none exists, :data:`VECTORS_DIR` is ``None`` and :data:`MISSING_REASON`
says where we looked. A test module that needs the vectors skips itself at
collection, so a missing directory shows up as a skip, never as a pass::

    import pytest
    import vectors

    if vectors.VECTORS_DIR is None:
        pytest.skip(vectors.MISSING_REASON, allow_module_level=True)

A directory that exists but lacks a file is an error, not a skip:
:func:`load_json` raises :class:`FileNotFoundError`.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
from typing import Any

__all__ = ["ENV_VAR", "VECTORS_DIR", "MISSING_REASON", "load_json", "parse_bigint"]

ENV_VAR = "ECTRAVERSE_VECTORS"

_TESTS_DIR = pathlib.Path(__file__).resolve().parent


def _locate() -> tuple[pathlib.Path | None, str]:
    """Return (directory or None, reason it is None)."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = pathlib.Path(env).expanduser()
        if path.is_dir():
            return path.resolve(), ""
        return None, f"{ENV_VAR} is set to {env!r}, which is not a directory"
    candidates = [_TESTS_DIR / "vectors_data"]
    for path in candidates:
        if path.is_dir():
            return path.resolve(), ""
    tried = ", ".join(str(p) for p in candidates)
    return None, f"test vectors not found: {ENV_VAR} is unset and none of {tried} exists"


VECTORS_DIR, MISSING_REASON = _locate()


@functools.lru_cache(maxsize=None)
def load_json(relpath: str) -> Any:
    """Parse one JSON file under :data:`VECTORS_DIR`, once per process.

    The result is cached and shared between callers: treat it as read-only.

    Args:
        relpath: path relative to the vectors directory, with ``/`` separators,
            e.g. ``"wycheproof/ecdh_secp256r1_ecpoint_test.json"``.

    Returns:
        The parsed JSON document.

    Raises:
        FileNotFoundError: the vectors directory or the file is missing.
    """
    if VECTORS_DIR is None:
        raise FileNotFoundError(MISSING_REASON)
    with open(VECTORS_DIR / relpath, encoding="utf-8") as f:
        return json.load(f)


def parse_bigint(s: str) -> int:
    """Decode a Wycheproof ``BigInt``: big-endian two's-complement hex.

    A value whose first hex digit is 8..f is negative; positive values with the
    top bit set carry a leading ``00``.

    >>> parse_bigint("00ff"), parse_bigint("ff"), parse_bigint("7f"), parse_bigint("")
    (255, -1, 127, 0)
    """
    if not s:
        return 0
    value = int(s, 16)
    if int(s[0], 16) >= 8:
        value -= 1 << (4 * len(s))
    return value
