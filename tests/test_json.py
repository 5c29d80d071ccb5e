"""JSON read from outside (ectraverse._json): nesting bounded before CPython's decoder recurses.

A process whose recursion limit is high (py_ecc sets 100,000 on import) crashed on ``[[[...`` a hundred
thousand deep in a vocabulary file: the C decoder overflowed the stack before any RecursionError.
"""

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ectraverse import _json

import child

# strings full of what the scan must see through: brackets, quotes, backslashes, escapes, non-ASCII
_TEXT = st.text(st.sampled_from('[]{}"\\ab\n\u00e9\u2028\U0001f600'), max_size=12)
_VALUES = st.recursive(st.none() | st.integers() | _TEXT,
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                       max_leaves=20)


def _depth(v) -> int:
    if isinstance(v, list):
        return 1 + max(map(_depth, v), default=0)
    if isinstance(v, dict):
        return 1 + max(map(_depth, v.values()), default=0)
    return 0


@given(_VALUES, st.booleans())
def test_nesting_is_measured_outside_strings(v, dicts):
    """Wrapped to exactly MAX_DEPTH levels the value is read; one level more is refused, whatever brackets,
    quotes and backslashes its strings hold."""
    inside = _depth(v)
    for total in (_json.MAX_DEPTH, _json.MAX_DEPTH + 1):
        wrapped = v
        for _ in range(total - inside):
            wrapped = {"k": wrapped} if dicts else [wrapped]
        text = json.dumps(wrapped, ensure_ascii=False)
        if total <= _json.MAX_DEPTH:
            assert _json.loads(text) == wrapped
        else:
            with pytest.raises(_json.TooDeepError, match="JSON nested more than 64 levels deep"):
                _json.loads(text)


def test_not_json_is_the_decoders_error():
    with pytest.raises(json.JSONDecodeError):
        _json.loads('["a", ')
    assert _json.loads('["[[[[[[[[[[" , "\\\\", "\\"["]') == ["[[[[[[[[[[", "\\", '"[']
    # cut short inside a string of brackets: the decoder's error (a vocabulary file: "is it truncated?"),
    # not "nested too deeply"
    with pytest.raises(json.JSONDecodeError, match="Unterminated string"):
        _json.loads('["a", "' + "[" * 100)
    for not_text in (None, 5, b"[]"):
        with pytest.raises(TypeError, match=f"JSON text must be a str, not {type(not_text).__name__}"):
            _json.loads(not_text)


_UNDER_A_HIGH_LIMIT = """
import sys
sys.setrecursionlimit(100_000)  # as importing py_ecc does
import ectraverse as ect
from ectraverse import demos
nested = "[" * 100_000 + "]" * 100_000
open("v.json", "w").write(nested)
try:
    ect.Vocabulary.load("v.json")
except ect.VocabularyFileError as exc:
    print(exc)
try:
    demos.read_json(nested)
except ValueError as exc:
    print(exc)
"""


def test_a_high_recursion_limit_is_no_crash(tmp_path):
    """The process died of SIGSEGV (status -11) loading that file."""
    r = subprocess.run([sys.executable, "-c", _UNDER_A_HIGH_LIMIT], env=child.env(), cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.splitlines() == ["v.json: not a vocabulary file (JSON nested too deeply to read).",
                                     "JSON nested more than 64 levels deep"]


def test_nesting_is_counted_across_chunks(monkeypatch):
    """The brackets are scanned in chunks; each chunk starts at the level the one before ended on."""
    monkeypatch.setattr(_json, "_CHUNK", 8)
    deep = _json.MAX_DEPTH
    assert _json.loads("[" * deep + "]" * deep) is not None
    with pytest.raises(_json.TooDeepError):
        _json.loads("[" * (deep + 1) + "]" * (deep + 1))
