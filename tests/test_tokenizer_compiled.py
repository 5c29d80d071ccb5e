"""The compiled tokenizer (ectraverse._tok) against the pure-Python built-in tokenizers."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ectraverse import _tok, tokenizers

_tok.set_attach(tokenizers._attach_codepoints())

# An exception swallowed inside a noexcept C helper shows as an unraisable-exception warning: fail on it.
pytestmark = pytest.mark.filterwarnings("error")

MODES = {"words": 0, "whitespace": 1, "chars": 2}
PIECES = ["a", "é", "e\u0301", "_", "1", " ", "\t", "\u3000", "\u200c", "\u200d", "👍", "\U0001f3fd", "🇫", "🇷",
          "\U000e0041", "\ud800", "!", "\u0301", "日", "\n", "\x85", "\u2028", "\ufe0f"]
# Arbitrary code points, lone surrogates included, mixed with the pieces the words tokenizer treats specially.
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.characters(codec=None, min_codepoint=0)), max_size=40).map("".join)


def compiled(text, name):
    return [text[s:e] for s, e in _tok.spans(text, MODES[name]).tolist()]


def test_classes_equal_re_on_every_code_point():
    word, space = re.compile(r"\w"), re.compile(r"\s")
    attached = set(tokenizers._attach_codepoints())
    wrong = []
    for cp in range(0x110000):
        ch = chr(cp)
        expected = (1 if word.match(ch) else 0) | (2 if space.match(ch) else 0) | (4 if cp in attached else 0)
        splits = not ch.split()  # str.split() whitespace
        if _tok.classes(cp) != expected or splits != bool(expected & 2):
            wrong.append(cp)
    assert wrong == []


@pytest.mark.parametrize("name", MODES)
@settings(max_examples=400)
@given(text=texts)
def test_equal_to_python(name, text):
    assert compiled(text, name) == tokenizers.BY_NAME[name](text)


@pytest.mark.parametrize("text", [
    "Héllo, wörld! 3.14", "C'est l'été… 日本語 ok👍🏽!", "cafe\u0301", "🇫🇷🇩🇪", "🇫🇷🇩", " a\u3000b\tc,d\n", "",
    "a\u200db", "a\u200d", "👩\u200d💻", "x\u200d\u200d!", "\ud800a\udfff", "क्\u200dष",
])
@pytest.mark.parametrize("name", MODES)
def test_cases(name, text):
    assert compiled(text, name) == tokenizers.BY_NAME[name](text)


def test_stdlib_source():
    import os
    from pathlib import Path
    text = Path(os.__file__).read_text(encoding="utf-8")
    for name in MODES:
        assert compiled(text, name) == tokenizers.BY_NAME[name](text)


def test_bad_input():
    with pytest.raises(TypeError):
        _tok.spans(b"abc", 0)
    with pytest.raises(ValueError, match="mode must be 0, 1 or 2, not 3"):
        _tok.spans("abc", 3)
    with pytest.raises(ValueError, match="code point must be in"):
        _tok.classes(0x110000)


def test_index_finds_tokens_and_misses_the_rest():
    ix = _tok.StrIndex()
    vocab = ["the", 7, "cat", "日本", "e\u0301"]
    ix.sync(vocab)
    text = "the cat 日本 dog e\u0301 the"
    sp = _tok.spans(text, 0)
    ids, misses = ix.lookup(text, sp)
    assert ids.tolist() == [0, 2, 3, -1, 4, 0] and misses == 1
    added = []

    def lookup_locked(token):
        vocab.append(token)
        added.append(token)
        return len(vocab) - 1

    ix.resolve(text, sp, ids, lookup_locked, vocab)
    assert ids.tolist() == [0, 2, 3, 5, 4, 0] and added == ["dog"] and ix.indexed == 6
