"""Streaming a text in bounded memory: ``tokenizers.pieces`` and ``Traversal.compose_stream``.

A stream is read in fixed-size blocks whatever its line structure and each
block is cut after its last token boundary; the product of the pieces'
contexts must equal composing the whole text, for every built-in tokenizer,
whatever the block size (so multi-byte characters and tokens straddle block
boundaries).  Memory is checked through what is read and held, never RSS or
time.  The command line streams through the same code (tests/test_cli.py).
"""

import io
import pickle
import random

import pytest

from ectraverse import NotUtf8Error, Traversal, tokenizers
from streams import RecordingStream

# No newline anywhere: multi-byte characters (2, 3, 4 bytes), combining marks, ZWJ emoji and a flag,
# skin tones, Unicode spaces (NBSP, ideographic space, tab, the separators 0x1c-0x1f) and punctuation.
TEXT = (
    "Héllo, wörld! 日本語\u3000テキスト e\u0301t\u00e9\u00a0👍🏽 👨\u200d👩\u200d👧 🇫🇷🇩🇪 x\ty\x1cz"
    " a_b-c ok👍🏽! ((nested)) "
) * 7 + "tail-without-space"


@pytest.fixture(scope="module")
def engines():
    return {name: Traversal(tokenizer=name) for name in tokenizers.BY_NAME}


def test_every_builtin_tokenizer_has_a_cut_rule():
    assert set(tokenizers.LAST_CUT) == set(tokenizers.BY_NAME)


@pytest.mark.parametrize("name", list(tokenizers.BY_NAME))
@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 16, 61])
def test_newline_free_text_streams_to_the_context_of_the_whole(name, block, engines, monkeypatch):
    monkeypatch.setattr(tokenizers, "BLOCK_SIZE", block)
    data = TEXT.encode("utf-8")
    assert b"\n" not in data
    engine = engines[name]
    pieces = [text for text, _ in tokenizers.pieces(RecordingStream(data), name)]
    assert "".join(pieces) == TEXT
    assert len(pieces) > 1  # it streamed: no line ends, yet more than one piece
    # each piece ends on a token boundary: its tokens are the whole's tokens, in order
    assert [t for p in pieces for t in engine.tokens(p)] == engine.tokens(TEXT)
    ctx = engine.compose_stream(RecordingStream(data))
    assert ctx == engine.compose(TEXT)


# Characters that join to their neighbours in the words tokenizer, and separators of every kind.
TRICKY = ["a", "Z", "9", "_", "é", "日", "\u0301", "\u200d", "\u200c", "👍", "🏽", "🇫", "🇷", "\U000e0067",
          "\ufe0f", "!", ",", "-", " ", "\t", "\u3000", "\u00a0", "\u2028", "\x1f", "\x00"]


@pytest.mark.parametrize("name", list(tokenizers.BY_NAME))
def test_random_texts_cut_on_token_boundaries(name, engines, monkeypatch):
    """Seeded random texts of joiners, marks, flags and separators: the pieces' tokens are the whole's."""
    rng = random.Random(2024)
    engine = engines[name]
    for _ in range(300):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randrange(1, 40)))
        monkeypatch.setattr(tokenizers, "BLOCK_SIZE", rng.randrange(1, 12))
        pieces = [t for t, _ in tokenizers.pieces(RecordingStream(text.encode()), name)]
        assert "".join(pieces) == text
        assert [t for p in pieces for t in engine.tokens(p)] == engine.tokens(text), (text, pieces)


def test_multibyte_characters_straddle_the_blocks(monkeypatch):
    """With 1-byte blocks every multi-byte character arrives split, and comes out whole."""
    monkeypatch.setattr(tokenizers, "BLOCK_SIZE", 1)
    pieces = [text for text, _ in tokenizers.pieces(RecordingStream("é日👍🏽".encode()), "chars")]
    assert pieces == ["é", "日", "👍", "🏽"]


def test_reads_are_bounded_and_pieces_come_before_the_end(monkeypatch):
    """A long newline-free text is read BLOCK_BYTES at a time and composed as it arrives, not held whole."""
    monkeypatch.setattr(tokenizers, "BLOCK_SIZE", 64)
    stream = RecordingStream(b"cat sat " * 10_000)  # 80,000 bytes, no newline
    blocks = tokenizers.pieces(stream, "words")
    first, read = next(blocks)
    assert stream.reads == [64] and read == 64 and first == "cat sat " * 8
    held = [len(text) for text, _ in blocks]
    assert set(stream.reads) == {64}
    assert max(held) <= 64 and sum(held) + len(first) == 80_000


@pytest.mark.parametrize("name", ["words", "whitespace"])
def test_a_run_without_boundary_is_refused_after_bounded_reads(name, monkeypatch):
    """/dev/zero: NUL is not whitespace, so no cut ever comes; the run is refused once past MAX_RUN_CHARS."""
    monkeypatch.setattr(tokenizers, "BLOCK_SIZE", 100)
    monkeypatch.setattr(tokenizers, "MAX_RUN", 1000)
    stream = RecordingStream(b"\0", endless=True)
    with pytest.raises(ValueError, match=rf"A run of text without whitespace must be at most 1000 "
                                         rf"characters with tokenizer '{name}', not longer"):
        list(tokenizers.pieces(stream, name))
    assert stream.consumed <= 1000 + 100


def test_the_run_limit_is_exact_and_counts_what_a_cut_carries_over(monkeypatch):
    """A run of MAX_RUN characters is taken, one more is refused, also when the run began in a block
    before the last cut (the rest carried over counts) and when it crosses blocks."""
    monkeypatch.setattr(tokenizers, "MAX_RUN", 1000)
    eng = Traversal("secp256k1")
    assert eng.compose_stream(["a" * 1000, " b"]) == eng.compose("a" * 1000 + " b")
    assert eng.compose_stream(["x " + "a" * 999, "a", " b"]).length == 3
    for blocks in (["a" * 1001, " b"], ["x " + "a" * 1000, "a", " b"], ["a" * 600, "a" * 401, " b"]):
        with pytest.raises(ValueError, match="A run of text without whitespace must be at most 1000 characters"):
            eng.compose_stream(blocks)


@pytest.mark.parametrize("block", [1, 2, 3, 4, 1 << 20])
def test_invalid_utf8_names_its_byte_whatever_the_blocks(block, monkeypatch):
    monkeypatch.setattr(tokenizers, "BLOCK_SIZE", block)
    bad = "é 日 x".encode() + b"\xff rest"
    with pytest.raises(NotUtf8Error, match=r"^The text is not valid UTF-8 \(byte 8: invalid start byte\)\.$") as info:
        list(tokenizers.pieces(RecordingStream(bad), "words"))
    assert (info.value.position, info.value.reason) == (8, "invalid start byte")
    assert isinstance(info.value, ValueError)
    copy = pickle.loads(pickle.dumps(info.value))  # it crosses processes (Dask, pools) whole
    assert type(copy) is NotUtf8Error and str(copy) == str(info.value)
    assert (copy.position, copy.reason) == (8, "invalid start byte")
    cut = "ab ".encode() + "é".encode()[:1]  # a character cut by the end of the input
    with pytest.raises(ValueError, match=r"\(byte 3: unexpected end of data\)\.$"):
        list(tokenizers.pieces(RecordingStream(cut), "chars"))


def test_empty_and_whitespace_only_streams(engines):
    assert list(tokenizers.pieces(RecordingStream(b""), "words")) == []
    eng = engines["words"]
    assert eng.compose_stream(io.BytesIO(b" \t ")) == eng.identity


def test_text_files_and_iterables_stream_too(engines):
    eng = engines["words"]
    assert eng.compose_stream(io.StringIO(TEXT)) == eng.compose(TEXT)
    blocks = [TEXT[i:i + 7] for i in range(0, len(TEXT), 7)]  # cut anywhere, inside tokens too
    assert eng.compose_stream(blocks) == eng.compose(TEXT)
    seen = []
    assert eng.compose_stream(iter(blocks), progress=seen.append) == eng.compose(TEXT)
    assert seen and seen[-1] == len(TEXT) and seen == sorted(seen)
    for bad in (5, "log"):
        with pytest.raises(TypeError, match=f"progress must be a callable or None, not {type(bad).__name__}"):
            eng.compose_stream(blocks, progress=bad)


def test_a_custom_tokenizer_streams_blocks_as_given():
    eng = Traversal(tokenizer=str.split, tokenizer_name="split")
    assert eng.compose_stream(["the cat ", "sat on", " the mat"]) == eng.compose("the cat sat on the mat")
    with pytest.raises(TypeError, match="a file cannot be cut at a custom tokenizer's token boundaries"):
        eng.compose_stream(io.StringIO("the cat"))


@pytest.mark.parametrize("source, match", [
    ("a str", "source must be a file object or an iterable of str, not str"),
    (b"bytes", "source must be a file object or an iterable of str, not bytes"),
    (["a", 1], "the blocks of source must be str, not int"),
    (12, "source must be a file object or an iterable of str, not int"),
])
def test_stream_sources_of_the_wrong_type(engines, source, match):
    with pytest.raises(TypeError, match=match):
        engines["words"].compose_stream(source)


def test_pieces_refuses_a_tokenizer_without_a_cut_rule():
    with pytest.raises(ValueError, match="tokenizer must be one of words, whitespace, chars, bytes, not 'bpe'"):
        list(tokenizers.pieces(["x"], "bpe"))
