"""The CLI's streaming of texts and its input caps, in process.

``compose -f``/stdin reads fixed-size blocks whatever the line structure and
cuts each after its last token boundary; the product of the pieces' contexts
must equal composing the whole text, for every built-in tokenizer, whatever
the block size (so multi-byte characters and tokens straddle block
boundaries).  Memory is checked through what is read and held, never RSS or
time.
"""

import io
import random

import pytest

from ectraverse import Traversal, cli, tokenizers

# No newline anywhere: multi-byte characters (2, 3, 4 bytes), combining marks, ZWJ emoji and a flag,
# skin tones, Unicode spaces (NBSP, ideographic space, tab, the separators 0x1c-0x1f) and punctuation.
TEXT = (
    "Héllo, wörld! 日本語\u3000テキスト e\u0301t\u00e9\u00a0👍🏽 👨\u200d👩\u200d👧 🇫🇷🇩🇪 x\ty\x1cz"
    " a_b-c ok👍🏽! ((nested)) "
) * 7 + "tail-without-space"


@pytest.fixture(scope="module")
def engines():
    return {name: Traversal(tokenizer=name) for name in tokenizers.BY_NAME}


class RecordingStream:
    """A binary stream over ``data`` (repeated forever when ``endless``) that records its reads."""

    def __init__(self, data: bytes, endless: bool = False):
        self.data, self.endless = data, endless
        self.pos = 0
        self.reads: list[int] = []  # the size asked for by each read

    def read(self, n: int) -> bytes:
        self.reads.append(n)
        if self.endless:
            return (self.data * (n // len(self.data) + 1))[:n]
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    @property
    def consumed(self) -> int:
        return sum(self.reads) if self.endless else self.pos


def test_every_builtin_tokenizer_has_a_cut_rule():
    assert set(cli._CUTS) == set(tokenizers.BY_NAME)


@pytest.mark.parametrize("name", list(tokenizers.BY_NAME))
@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 16, 61])
def test_newline_free_text_streams_to_the_context_of_the_whole(name, block, engines, monkeypatch):
    monkeypatch.setattr(cli, "BLOCK_BYTES", block)
    data = TEXT.encode("utf-8")
    assert b"\n" not in data
    engine = engines[name]
    pieces = [text for text, _ in cli._text_blocks(RecordingStream(data), "t", name)]
    assert "".join(pieces) == TEXT
    assert len(pieces) > 1  # it streamed: no line ends, yet more than one piece
    # each piece ends on a token boundary: its tokens are the whole's tokens, in order
    assert [t for p in pieces for t in engine.tokens(p)] == engine.tokens(TEXT)
    ctx = cli._compose_stream(engine, RecordingStream(data), "t", name)
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
        monkeypatch.setattr(cli, "BLOCK_BYTES", rng.randrange(1, 12))
        pieces = [t for t, _ in cli._text_blocks(RecordingStream(text.encode()), "t", name)]
        assert "".join(pieces) == text
        assert [t for p in pieces for t in engine.tokens(p)] == engine.tokens(text), (text, pieces)


def test_multibyte_characters_straddle_the_blocks(monkeypatch):
    """With 1-byte blocks every multi-byte character arrives split, and comes out whole."""
    monkeypatch.setattr(cli, "BLOCK_BYTES", 1)
    pieces = [text for text, _ in cli._text_blocks(RecordingStream("é日👍🏽".encode()), "t", "chars")]
    assert pieces == ["é", "日", "👍", "🏽"]


def test_reads_are_bounded_and_pieces_come_before_the_end(monkeypatch):
    """A long newline-free text is read BLOCK_BYTES at a time and composed as it arrives, not held whole."""
    monkeypatch.setattr(cli, "BLOCK_BYTES", 64)
    stream = RecordingStream(b"cat sat " * 10_000)  # 80,000 bytes, no newline
    blocks = cli._text_blocks(stream, "t", "words")
    first, read = next(blocks)
    assert stream.reads == [64] and read == 64 and first == "cat sat " * 8
    held = [len(text) for text, _ in blocks]
    assert set(stream.reads) == {64}
    assert max(held) <= 64 and sum(held) + len(first) == 80_000


@pytest.mark.parametrize("name", ["words", "whitespace"])
def test_a_run_without_boundary_is_refused_after_bounded_reads(name, monkeypatch):
    """/dev/zero: NUL is not whitespace, so no cut ever comes; the run is refused once past MAX_RUN_CHARS."""
    monkeypatch.setattr(cli, "BLOCK_BYTES", 100)
    monkeypatch.setattr(cli, "MAX_RUN_CHARS", 1000)
    stream = RecordingStream(b"\0", endless=True)
    with pytest.raises(cli.CLIError, match=rf"'/dev/zero': a run of text without whitespace must be at most 1000 "
                                           rf"characters with --tokenizer {name}, not longer \(one starts at byte 0\)"):
        list(cli._text_blocks(stream, "'/dev/zero'", name))
    assert stream.consumed <= 1000 + 100


def test_a_long_run_reports_where_it_starts(monkeypatch):
    monkeypatch.setattr(cli, "BLOCK_BYTES", 8)
    monkeypatch.setattr(cli, "MAX_RUN_CHARS", 20)
    data = "ab é ".encode() + b"x" * 100  # the run starts after the last space, at byte 6
    with pytest.raises(cli.CLIError, match=r"one starts at byte 6\)"):
        list(cli._text_blocks(RecordingStream(data), "t", "words"))


@pytest.mark.parametrize("block", [1, 2, 3, 4, 1 << 20])
def test_invalid_utf8_names_its_byte_whatever_the_blocks(block, monkeypatch):
    monkeypatch.setattr(cli, "BLOCK_BYTES", block)
    bad = "é 日 x".encode() + b"\xff rest"
    with pytest.raises(cli.CLIError, match=r"^'f' is not valid UTF-8 text \(byte 8: invalid start byte\)$"):
        list(cli._text_blocks(RecordingStream(bad), "'f'", "words"))
    cut = "ab ".encode() + "é".encode()[:1]  # a character cut by the end of the input
    with pytest.raises(cli.CLIError, match=r"\(byte 3: unexpected end of data\)$"):
        list(cli._text_blocks(RecordingStream(cut), "'f'", "chars"))


def test_empty_and_whitespace_only_streams(engines):
    assert list(cli._text_blocks(RecordingStream(b""), "t", "words")) == []
    eng = engines["words"]
    assert cli._compose_stream(eng, io.BytesIO(b" \t "), "t", "words") == eng.identity


# ---- key files -----------------------------------------------------------------------------


def test_key_file_cap(tmp_path):
    at_cap = tmp_path / "cap.key"
    at_cap.write_bytes(b"k" * cli.KEY_MAX_BYTES)
    assert cli._read_key(str(at_cap)) == b"k" * cli.KEY_MAX_BYTES
    over = tmp_path / "over.key"
    over.write_bytes(b"k" * (cli.KEY_MAX_BYTES + 1))
    with pytest.raises(cli.CLIError, match=rf"key file '.*over.key' must hold at most {cli.KEY_MAX_BYTES} bytes"):
        cli._read_key(str(over))


def test_key_file_reads_at_most_one_byte_over_the_cap(monkeypatch):
    stream = RecordingStream(b"\0", endless=True)

    class Opened:
        def __enter__(self):
            return stream

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr("builtins.open", lambda path, mode: Opened())
    with pytest.raises(cli.CLIError, match="must hold at most"):
        cli._read_key("/dev/zero")
    assert stream.reads == [cli.KEY_MAX_BYTES + 1]


# ---- resource errors ---------------------------------------------------------------------


def test_memory_error_is_one_line_and_exit_1(monkeypatch, capsys):
    def boom(args):
        raise MemoryError

    monkeypatch.setattr(cli, "_engine", boom)
    assert cli.main(["compose", "x"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "ectraverse: error: out of memory; the input or a parameter is too large for this machine"]


def test_stdin_context_is_read_with_a_cap(monkeypatch, capsys):
    monkeypatch.setattr(cli, "CONTEXT_HEX_MAX", 100)
    monkeypatch.setattr("sys.stdin", io.StringIO("ab" * 1000))
    assert cli.main(["invert", "-"]) == 1
    err = capsys.readouterr().err
    assert err == ("ectraverse: error: CONTEXT (stdin) must be a context in hex of at most 100 characters, "
                   "not more\n")
