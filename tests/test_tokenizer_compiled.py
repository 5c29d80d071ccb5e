"""The compiled tokenizer (ectraverse._tok) against the pure-Python built-in tokenizers."""

import re

import numpy as np
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


@settings(max_examples=400)
@given(text=texts)
def test_after_last_space_equals_re(text):
    m = re.search(r"\s\S*\Z", text)
    assert _tok.after_last_space(text) == (0 if m is None else m.start() + 1)


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
    ids, missed = ix.text_ids(text, 0)
    assert ids.tolist() == [0, 2, 3, -1, 4, 0] and missed.tolist() == [[11, 14]]
    added = []

    def lookup_locked(token):
        vocab.append(token)
        added.append(token)
        return len(vocab) - 1

    ix.resolve(text, missed, ids, lookup_locked, vocab)
    assert ids.tolist() == [0, 2, 3, 5, 4, 0] and added == ["dog"] and ix.indexed == 6


# ---- wired: Vocabulary.text_ids and the engine's str path --------------------------------------

ALL_NAMES = ["words", "whitespace", "chars", "bytes"]
# Text with an UTF-8 form (the bytes tokenizer refuses lone surrogates, as str.encode does).
encodable = texts.filter(lambda t: not any(0xD800 <= ord(c) < 0xE000 for c in t))


@pytest.mark.parametrize("name", ALL_NAMES)
@settings(max_examples=150, deadline=None)
@given(seed=st.lists(encodable, max_size=3), text=encodable)
def test_text_ids_equal_ids_of_the_tokens(name, seed, text):
    """text_ids on a vocabulary that already holds some tokens (found in C) and meets others (added in
    order, as ids() adds them) equals ids() of the Python tokenizer's tokens, and leaves the same vocabulary."""
    from ectraverse.vocab import Vocabulary

    tok = tokenizers.BY_NAME[name]
    first = [t for s in seed for t in tok(s)]
    A, B = Vocabulary("toy61", first), Vocabulary("toy61", first)
    assert A.text_ids(text, name).tolist() == B.ids(tok(text))
    assert list(A) == list(B)
    assert A.text_ids(text, name).tolist() == B.ids(tok(text))  # every token now found in C


def test_text_ids_after_tokens_added_another_way():
    """Tokens the Python paths add after the C index was built are found (the index catches up)."""
    from ectraverse.vocab import Vocabulary

    V = Vocabulary("toy61")
    assert V.text_ids("a b", "words").tolist() == [0, 1]
    V.add_many(["c", 5, "d"])
    assert V.text_ids("d c a zz", "words").tolist() == [4, 2, 0, 5]
    assert V.text_ids("é", "bytes").tolist() == V.ids([195, 169])


def test_text_ids_of_a_frozen_vocabulary():
    from ectraverse.errors import UnknownTokenError
    from ectraverse.vocab import Vocabulary

    V = Vocabulary("toy61", ["a", "b"], frozen=True)
    assert V.text_ids("b a", "words").tolist() == [1, 0]
    with pytest.raises(UnknownTokenError, match="'zz' is not in the frozen vocabulary"):
        V.text_ids("a zz", "words")
    U = Vocabulary("toy61", ["a"], frozen=True, unknown="[UNK]")
    assert U.text_ids("a zz a yy", "words").tolist() == [0, 1, 0, 1]
    assert len(U) == 2


def test_text_ids_bad_input():
    from ectraverse.vocab import Vocabulary

    V = Vocabulary("toy61")
    with pytest.raises(ValueError, match=r"Unknown tokenizer 'nope'; expected one of: words, whitespace, chars, bytes\."):
        V.text_ids("a", "nope")
    with pytest.raises(TypeError, match="text must be a str or its UTF-8 bytes, not int"):
        V.text_ids(3, "words")
    with pytest.raises(TypeError, match="text must be a str or its UTF-8 bytes, not list"):
        V.text_ids([97], "bytes")
    with pytest.raises(TypeError, match="a buffer of single bytes, not format 'i' of 4 bytes an item"):
        V.text_ids(np.zeros(3, dtype=np.int32), "words")
    strided = np.frombuffer(b"a-b-c- -d-d", dtype=np.uint8)[::2]  # b"abc dd", not C-contiguous: copied
    W = Vocabulary("toy61")  # V's tokens are checked below
    assert W.text_ids(strided, "words").tolist() == W.text_ids("abc dd", "words").tolist() == [0, 1]
    for n in (3, 30_000):  # the str path and the compiled one
        with pytest.raises(UnicodeDecodeError, match=f"can't decode byte 0xff in position {n}: invalid start byte"):
            V.text_ids(b"a" * n + b"\xff", "words")
        with pytest.raises(UnicodeDecodeError, match=f"byte 0xc3 in position {n}: unexpected end of data"):
            V.text_ids(b"a" * n + b"\xc3", "bytes")
    with pytest.raises(UnicodeEncodeError):
        V.text_ids("\ud800", "bytes")
    with pytest.raises(ValueError, match="lone surrogate|surrogate"):
        V.text_ids("a \ud800", "words")
    assert list(V) == ["a"]  # the tokens before the refused one stay added, as with ids()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_engine_str_path_equals_token_list(name):
    """A built-in tokenizer, by name or as the function, composes a str through the compiled path; a custom
    tokenizer takes the Python path; all equal composing the token list."""
    import os
    from pathlib import Path

    from ectraverse import Traversal

    text = Path(os.__file__).read_text(encoding="utf-8")[:20_000]
    tokens = tokenizers.BY_NAME[name](text)
    by_name = Traversal("secp256k1", tokenizer=name, namespace="compiled")
    by_function = Traversal("secp256k1", tokenizer=tokenizers.BY_NAME[name], tokenizer_name=name, namespace="compiled")
    assert by_name._builtin == by_function._builtin == name
    expected = by_name.compose(list(tokens))
    assert by_name.compose(text) == expected
    assert by_function.compose(text) == by_function.compose(list(tokens))
    P = by_name.prefixes(text)
    assert P[-1] == expected and P.window(3, 40) == by_name.compose(tokens[3:40])
    custom = Traversal("secp256k1", tokenizer=lambda s: tokenizers.BY_NAME[name](s), tokenizer_name="mine",
                       namespace="compiled")
    assert custom._builtin is None
    assert custom.compose(text).point == expected.point


def test_text_ids_from_8_threads():
    """One open vocabulary, eight threads mapping different texts: every result equals a single-threaded
    vocabulary's ids, and the vocabulary stays consistent (each token once, ids in order)."""
    from concurrent.futures import ThreadPoolExecutor

    from ectraverse.vocab import Vocabulary

    # long enough for the compiled path also as bytes; every other text is given as its UTF-8 bytes
    texts_ = [" ".join(f"w{(i * 7919 + j * 31) % 997}é" for j in range(2000)) + f" t{i}" for i in range(64)]
    V = Vocabulary("toy61")
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda it: V.text_ids(it[1].encode() if it[0] % 2 else it[1], "words"), enumerate(texts_)))
    for t, ids in zip(texts_, got):
        assert [V.token(i) for i in ids.tolist()] == tokenizers.words(t)
    assert len(set(V)) == len(V) == len({w for t in texts_ for w in t.split()})
    assert V.text_ids(texts_[5], "words").tolist() == got[5].tolist()


def test_short_ascii_text_before_the_setup_takes_the_python_path(monkeypatch):
    """Before the compiled words tokenizer is set up, a short ASCII text is tokenized in Python (a process
    composing a few words never pays the setup): the same ids, and the setup still not done."""
    from ectraverse.errors import UnknownTokenError
    from ectraverse.vocab import Vocabulary

    monkeypatch.setattr(tokenizers, "_attach_set", False)
    monkeypatch.setattr(_tok, "spans", lambda *a: pytest.fail("the compiled tokenizer ran"))
    V, W = Vocabulary("toy61"), Vocabulary("toy61")
    assert V.text_ids("the cat, the mat!", "words").tolist() == W.ids(tokenizers.words("the cat, the mat!"))
    assert not tokenizers.attach_ready()
    F = Vocabulary("toy61", ["a"], frozen=True)
    with pytest.raises(UnknownTokenError):
        F.text_ids("a b", "words")


# ---- text given as UTF-8 bytes ----------------------------------------------------------------------

def decode_outcome(data):
    """Python's verdict on data as UTF-8: None, or the error's (start, end, reason)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, exc.end, exc.reason
    return None


def check_outcome(fn, data):
    try:
        fn(data)
    except UnicodeDecodeError as exc:
        return exc.start, exc.end, exc.reason
    return None


def test_utf8_check_equals_python_on_every_short_sequence():
    """Every lead byte, every second byte, and tails that complete, cut or break a longer sequence:
    utf8_check refuses exactly what bytes.decode refuses, with its error."""
    wrong = []
    for lead in range(256):
        for second in range(256):
            for tail in (b"", b"\x80\x80", b"\x80A", b"A", b"\xbf\xbf\xbf"):
                data = bytes([lead, second]) + tail
                if check_outcome(_tok.utf8_check, data) != decode_outcome(data):
                    wrong.append(data)
    assert wrong == []


# Valid UTF-8 pieces, ASCII runs longer than a word, and arbitrary bytes.
utf8_parts = st.one_of(st.text(max_size=6).filter(lambda t: not any(0xD800 <= ord(c) < 0xE000 for c in t))
                       .map(lambda t: t.encode()), st.just(b"abcdefghij klmnop\n"), st.binary(max_size=4))


@settings(max_examples=800)
@given(data=st.lists(utf8_parts, max_size=12).map(b"".join), piece=st.integers(1, 24))
def test_utf8_check_and_utf8_ids_refuse_what_python_refuses(data, piece):
    assert check_outcome(_tok.utf8_check, data) == decode_outcome(data)
    ix = _tok.StrIndex()
    assert check_outcome(lambda d: ix.utf8_ids(d, 0, piece), data) == decode_outcome(data)


@pytest.mark.parametrize("name", MODES)
@settings(max_examples=300, deadline=None)
@given(seed=st.lists(encodable, max_size=3), text=encodable, piece=st.integers(1, 24))
def test_utf8_ids_equal_text_ids(name, seed, text, piece):
    """The ids of a text's UTF-8 bytes, read in pieces of any size (cut after whitespace, ASCII as it is,
    the rest decoded), equal those of the str; the missed tokens are the same, as byte spans; resolving
    them gives the same ids and vocabulary."""
    first = [t for s in seed for t in tokenizers.BY_NAME[name](s)]
    raw = text.encode()
    got = {}
    for form in ("str", "utf8"):
        vocab = list(first)
        ix = _tok.StrIndex()
        ix.sync(vocab)
        ids, missed = ix.text_ids(text, MODES[name]) if form == "str" else ix.utf8_ids(raw, MODES[name], piece)
        tokens = [text[s:e] for s, e in missed.tolist()] if form == "str" else [
            raw[s:e].decode() for s, e in missed.tolist()]

        def lookup_locked(token, vocab=vocab):
            vocab.append(token)
            return len(vocab) - 1

        before = ids.tolist()
        ix.resolve(text if form == "str" else raw, missed, ids, lookup_locked, vocab)
        got[form] = before, tokens, ids.tolist(), vocab
    assert got["utf8"] == got["str"]


def test_utf8_ids_pieces_without_whitespace_and_bad_piece():
    """A run with no whitespace longer than a piece (wide characters, so decoded) is one piece, whole."""
    text = "é" * 50 + " ab " + "日" * 40 + "\n" + "x" * 30
    ix = _tok.StrIndex()
    for piece in (1, 7, 64, 16384):
        ids, missed = ix.utf8_ids(text.encode(), 0, piece)
        assert [text.encode()[s:e].decode() for s, e in missed.tolist()] == tokenizers.words(text)
    with pytest.raises(ValueError, match="piece must be at least 1, not 0"):
        ix.utf8_ids(b"a", 0, 0)
    assert [a.tolist() for a in ix.utf8_ids(b"", 0)] == [[], []]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_vocabulary_and_engine_take_utf8_bytes(name):
    """Vocabulary.text_ids of a text's UTF-8 bytes (bytes, bytearray, memoryview, uint8 array; long enough
    for the compiled path, and short) equals that of the str; an engine composes bytes given as
    tokenizers._Utf8Text as the str, with a built-in tokenizer and a custom one."""
    import os
    from pathlib import Path

    from ectraverse import Traversal
    from ectraverse.vocab import Vocabulary

    text = Path(os.__file__).read_text(encoding="utf-8")[:30_000] + " ünïcödé 日本語 👩\u200d💻 🇫🇷 e\u0301\n"
    raw = text.encode()
    want = Vocabulary("toy61").text_ids(text, name).tolist()
    for data in (raw, bytearray(raw), memoryview(raw), np.frombuffer(raw, dtype=np.uint8)):
        assert Vocabulary("toy61").text_ids(data, name).tolist() == want
    short = text[-60:]
    assert Vocabulary("toy61").text_ids(short.encode(), name).tolist() == Vocabulary("toy61").text_ids(short, name).tolist()
    eng = Traversal("secp256k1", tokenizer=name)
    assert eng.compose(tokenizers._Utf8Text(raw)) == eng.compose(text)
    assert eng.from_coefficients(eng.coefficients(tokenizers._Utf8Text(raw))) == eng.compose(text)
    assert eng.tokens(tokenizers._Utf8Text(raw)) == eng.tokens(text)
    custom = Traversal("secp256k1", tokenizer=lambda s: tokenizers.BY_NAME[name](s), tokenizer_name="mine")
    assert custom.compose(tokenizers._Utf8Text(raw)).point == eng.compose(text).point
    with pytest.raises(UnicodeDecodeError):
        eng.compose(tokenizers._Utf8Text(raw + b"\xff"))
