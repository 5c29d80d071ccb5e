"""Error paths of the engine and its contexts: each refusal is specific and says what was expected.

The cases come from a newcomer's and an adversarial user's session (issue 15):
each raised a confusing error from deep inside (``pow()``, ``'<='``), or
passed silently where it should not have.
"""

from __future__ import annotations

import numpy as np
import pytest

import ectraverse as ect


@pytest.fixture(scope="module")
def eng():
    return ect.Traversal("secp256k1", namespace="boundary")


@pytest.mark.parametrize("i, j, bad", [(0.5, 1, "float"), (0, "2", "str"), (True, 2, "bool"), (None, 1, "NoneType")])
def test_window_bounds_must_be_ints(eng, i, j, bad):
    states = eng.prefixes("a b c")
    with pytest.raises(TypeError, match=f"window bound [ij] must be an int, not {bad}"):
        states.window(i, j)


def test_window_bounds_accept_numpy_ints(eng):
    states = eng.prefixes("a b c")
    assert states.window(np.int64(1), np.uint8(3)) == eng.compose("b c")


@pytest.mark.parametrize("index, bad", [("a", "str"), (1.0, "float"), (False, "bool")])
def test_prefix_indices_must_be_ints(eng, index, bad):
    with pytest.raises(TypeError, match=f"prefix index must be an int, not {bad}"):
        eng.prefixes("a b")[index]


def test_a_part_longer_than_the_whole_is_refused(eng):
    whole = eng.compose("a b")
    with pytest.raises(ValueError, match="A prefix of a sequence of 2 tokens has at most 2 tokens, not 3"):
        eng.remove_prefix(whole, "a b c")
    with pytest.raises(ValueError, match="A suffix of a sequence of 2 tokens has at most 2 tokens, not 3"):
        eng.remove_suffix(whole, "x a b")
    # what the group cannot tell stays allowed, and is exact group arithmetic
    assert eng.remove_prefix(whole, "b") == eng.compose("b").inverse() * whole
    assert eng.remove_suffix(whole, "a b") == eng.identity


def test_a_tokenizer_returning_a_str_is_refused_everywhere():
    def bad(text):
        return text.upper()

    engine = ect.Traversal("secp256k1", tokenizer=bad, tokenizer_name="upper")
    for call in (lambda: engine.compose("ab"), lambda: ect.Vocabulary.from_corpus(["ab"], bad)):
        with pytest.raises(TypeError, match="must return a list of tokens, not str"):
            call()


def test_contexts_of_two_engines_name_both_fingerprints(eng):
    other = ect.Traversal("secp256k1", namespace="elsewhere")
    a, b = eng.compose("a"), other.compose("a")
    pattern = f"fingerprints {eng.fingerprint.hex()} and {other.fingerprint.hex()}"
    with pytest.raises(ect.ContextMismatchError, match=pattern):
        a * b
    with pytest.raises(ect.ContextMismatchError, match=f"fingerprint {other.fingerprint.hex()}, this engine's is "):
        eng.remove_prefix(a, b)


def test_context_bytes_from_any_buffer_layout(eng):
    c = eng.compose("a b c")
    raw = np.frombuffer(c.to_bytes() * 2, dtype=np.uint8)[::2]  # every other byte: not contiguous
    assert not raw.flags.c_contiguous
    assert eng.context_from_bytes(np.frombuffer(c.to_bytes(), dtype=np.uint8)) == c
    with pytest.raises(ect.EncodingError):
        eng.context_from_bytes(raw)  # read, and refused as the bytes it holds, not as "not bytes-like"
    doubled = np.repeat(np.frombuffer(c.to_bytes(), dtype=np.uint8), 2)[::2]
    assert not doubled.flags.c_contiguous and eng.context_from_bytes(doubled) == c
