"""The tokenizers of ``ectraverse.tokenizers`` and ``resolve``.

Covered: ``words`` on ASCII, accented (precomposed and decomposed), CJK,
Arabic, Devanagari (with ZWJ/ZWNJ), Hangul and emoji text (skin tones, ZWJ
sequences, flags, keycaps, tags), combining marks of every kind, empty and
all-space text, and two properties (no whitespace in a token, nothing but
whitespace lost; the ASCII fast path agrees with the full pattern);
``whitespace``, ``chars`` and ``bytes`` on the same kinds of text; the name
``tokenizers.bytes`` without shadowing the builtin; non-str input; ``resolve``
for names, callables and ``encode`` objects (lists, NumPy ids, an ``ids``
attribute) and every error path.
"""

from __future__ import annotations

import builtins
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ectraverse import tokenizers
from ectraverse.tokenizers import BY_NAME, bytes_tokens, chars, resolve, whitespace, words

ALL = [words, whitespace, chars, bytes_tokens]
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"

# ---- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("   \t\n\u00a0\u3000", []),
        ("Hello, world!", ["Hello", ",", "world", "!"]),
        ("snake_case x2 3.14", ["snake_case", "x2", "3", ".", "14"]),
        ("wait...", ["wait", ".", ".", "."]),
        ("a+b=c", ["a", "+", "b", "=", "c"]),
        ("(x)[y]{z}", ["(", "x", ")", "[", "y", "]", "{", "z", "}"]),
        ("l'été à Noël", ["l", "'", "été", "à", "Noël"]),
        ("naïve café", ["naïve", "café"]),
        ("«Größe» — 5 €", ["«", "Größe", "»", "—", "5", "€"]),
        ("日本語のテキスト。中文，句子", ["日本語のテキスト", "。", "中文", "，", "句子"]),
        ("한국어 문장입니다.", ["한국어", "문장입니다", "."]),
        ("مرحبا بالعالم؟", ["مرحبا", "بالعالم", "؟"]),
        ("Ελληνικά: αβγ", ["Ελληνικά", ":", "αβγ"]),
    ],
)
def test_words_by_script(text, expected):
    assert words(text) == expected


def test_words_keeps_combining_marks_with_their_letter():
    decomposed = unicodedata.normalize("NFD", "crème brûlée")
    assert len(decomposed) > len("crème brûlée")
    assert words(decomposed) == [unicodedata.normalize("NFD", "crème"), unicodedata.normalize("NFD", "brûlée")]
    assert words("e\u0301\u0323x") == ["e\u0301\u0323x"]  # two marks, then more letters
    assert words("Z\u0351\u036b\u0343a\u0310l") == ["Z\u0351\u036b\u0343a\u0310l"]  # "zalgo" stacking


@pytest.mark.parametrize(
    "mark",
    [
        "\u0301",  # Mn, combining acute
        "\u0903",  # Mc, Devanagari visarga
        "\u20dd",  # Me, enclosing circle
        "\ufe0f",  # Mn, variation selector 16
        "\U0001d165",  # Mc, musical symbol combining stem (astral)
        "\U000e0100",  # Mn, variation selector 17 (plane 14)
    ],
)
def test_words_every_kind_of_mark_attaches(mark):
    assert words("a" + mark + " b") == ["a" + mark, "b"]
    assert words("%" + mark) == ["%" + mark]  # after a symbol too


def test_words_orphan_mark_at_start_is_its_own_token():
    assert words("\u0301abc") == ["\u0301", "abc"]


def test_words_indic_joiners_stay_inside_words():
    zwj, zwnj = "\u200d", "\u200c"
    assert words(f"क्{zwj}ष म{zwnj}न") == [f"क्{zwj}ष", f"म{zwnj}न"]
    assert words(f"ab{zwj} cd") == ["ab", zwj, "cd"]  # a trailing joiner is not part of the word


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ok👍!", ["ok", "👍", "!"]),
        ("👍🏽👍", ["👍🏽", "👍"]),  # skin-tone modifier
        ("👨\u200d👩\u200d👧 x", ["👨\u200d👩\u200d👧", "x"]),  # ZWJ family
        ("🇫🇷🇩🇪🇯", ["🇫🇷", "🇩🇪", "🇯"]),  # flags are pairs; a lone indicator stays alone
        ("1\ufe0f\u20e3#", ["1\ufe0f\u20e3", "#"]),  # keycap
        ("❤\ufe0f\u200d🔥", ["❤\ufe0f\u200d🔥"]),
        (SCOTLAND + ".", [SCOTLAND, "."]),  # tag sequence
    ],
)
def test_words_emoji_sequences(text, expected):
    assert words(text) == expected


@given(st.text())
def test_words_loses_only_whitespace(text):
    tokens = words(text)
    assert all(tok and not any(ch.isspace() for ch in tok) for tok in tokens)
    assert "".join(tokens) == "".join(ch for ch in text if not ch.isspace())


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_words_ascii_fast_path_agrees_with_the_full_pattern(text):
    assert words(text) == tokenizers._words_pattern().findall(text)


# ---- whitespace, chars, bytes -----------------------------------------------------------


def test_whitespace():
    assert whitespace("") == []
    assert whitespace(" a\u3000b\tc,d\n\u00a0e ") == ["a", "b", "c,d", "e"]
    assert whitespace("日本語 テキスト 👍🏽!") == ["日本語", "テキスト", "👍🏽!"]


def test_chars_are_code_points():
    assert chars("") == []
    assert chars("a b") == ["a", " ", "b"]
    assert chars("日本") == ["日", "本"]
    assert chars("👍🏽") == ["👍", "🏽"]
    assert chars("e\u0301") == ["e", "\u0301"]  # decomposed: two code points
    assert chars(unicodedata.normalize("NFC", "e\u0301")) == ["é"]


def test_bytes_are_utf8_ints():
    assert bytes_tokens("") == []
    assert bytes_tokens("A") == [65]
    assert bytes_tokens("é日👍") == list("é日👍".encode("utf-8"))
    assert bytes_tokens("é") == [0xC3, 0xA9]
    assert all(type(b) is int and 0 <= b < 256 for b in bytes_tokens("añ日👍\x00\x7f"))


def test_bytes_rejects_lone_surrogates():
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        bytes_tokens("a\ud800")


def test_bytes_name_without_shadowing_the_builtin():
    assert tokenizers.bytes is bytes_tokens
    assert BY_NAME["bytes"] is bytes_tokens
    assert "bytes" not in tokenizers.__all__
    namespace: dict = {}
    exec("from ectraverse.tokenizers import *", namespace)
    assert "bytes" not in namespace
    assert builtins.bytes([1]) == b"\x01"


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [b"text", None, 3, ["a"]])
def test_tokenizers_require_str(fn, bad):
    with pytest.raises(TypeError, match=rf"text must be a str, not {type(bad).__name__}"):
        fn(bad)


# ---- resolve -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["words", "whitespace", "chars", "bytes"])
def test_resolve_names(name):
    assert resolve(name) is BY_NAME[name]


def test_resolve_default_is_words():
    assert resolve() is words


def test_resolve_unknown_name_lists_the_names():
    expected = r"Unknown tokenizer 'bpe'; expected one of: words, whitespace, chars, bytes\."
    with pytest.raises(ValueError, match=expected):
        resolve("bpe")
    with pytest.raises(ValueError, match="Unknown tokenizer 'Words'"):  # names are case-sensitive
        resolve("Words")


def test_resolve_callable_is_returned_as_is():
    def lower_split(text):
        return text.lower().split()

    assert resolve(lower_split) is lower_split
    assert resolve(str.split) is str.split


class _ListEncoder:
    """Like tiktoken: encode(text) -> list[int]."""

    def encode(self, text):
        return [ord(c) for c in text]


class _Encoding:
    def __init__(self, ids):
        self.ids = ids


class _HFTokenizer:
    """Like tokenizers.Tokenizer: encode(text) -> Encoding with .ids; callable too, returning something else."""

    def encode(self, text):
        return _Encoding([len(w) for w in text.split()])

    def __call__(self, text):
        return {"input_ids": [0]}


class _NumpyEncoder:
    def encode(self, text):
        return np.arange(len(text), dtype=np.int64)


def test_resolve_encode_object_ids_become_int_tokens():
    tok = resolve(_ListEncoder())
    assert tok("hé") == [104, 233]
    assert tok("") == []
    assert repr(tok) == "encode_ids(_ListEncoder)"


def test_resolve_prefers_encode_over_call():
    assert resolve(_HFTokenizer())("a bb ccc") == [1, 2, 3]


def test_resolve_numpy_ids_become_python_ints():
    out = resolve(_NumpyEncoder())("abc")
    assert out == [0, 1, 2] and all(type(i) is int for i in out)


def test_resolve_encode_wrapper_requires_str():
    with pytest.raises(TypeError, match="text must be a str, not bytes"):
        resolve(_ListEncoder())(b"abc")


class _Returns:
    def __init__(self, value):
        self.value = value

    def encode(self, text):
        return self.value


@pytest.mark.parametrize(
    "value, what",
    [([1, True], "bool"), ([1, 2.0], "float"), (["a"], "str"), ([None], "NoneType")],
)
def test_resolve_encode_must_return_int_ids(value, what):
    with pytest.raises(TypeError, match=rf"encode\(\) must return int ids, not {what}"):
        resolve(_Returns(value))("x")


@pytest.mark.parametrize("value", ["abc", b"abc", None, 5, {1, 2}, {1: 2}])
def test_resolve_encode_must_return_a_sequence(value):
    with pytest.raises(TypeError, match=rf"encode\(\) must return a sequence of int ids, not {type(value).__name__}"):
        resolve(_Returns(value))("x")


class _NotCallableEncode:
    encode = 5


@pytest.mark.parametrize("bad", [None, 3, b"words", ["words"], _NotCallableEncode()])
def test_resolve_rejects_other_types(bad):
    with pytest.raises(
        TypeError,
        match=r"tokenizer must be a name \(words, whitespace, chars, bytes\), a callable str -> list of tokens, "
        r"or an object with an encode\(text\) method returning ids, not \w+",
    ):
        resolve(bad)
