"""The CLI's input caps and resource errors, in process.

Key files and contexts on stdin are read with a cap, and running out of
memory is one line with exit status 1.  Streaming a text is the engine's
(tests/test_stream.py); the console script streams through it
(tests/test_cli.py).
"""

import io

import pytest

from ectraverse import cli
from streams import RecordingStream


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


def test_a_stdin_context_at_the_cap_is_read(monkeypatch, capsys):
    """Exactly CONTEXT_HEX_MAX characters are within the cap: read, then decoded (and refused as no context)."""
    monkeypatch.setattr(cli, "CONTEXT_HEX_MAX", 100)
    monkeypatch.setattr("sys.stdin", io.StringIO("0" * 100))
    assert cli.main(["invert", "-"]) == 1
    assert capsys.readouterr().err.startswith("ectraverse: error: CONTEXT (stdin): Context bytes must start with")
