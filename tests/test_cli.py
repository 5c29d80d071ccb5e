"""The ``ectraverse`` console script, run as a real process.

Every subcommand runs through ``python -m ectraverse.cli`` in a subprocess (and
through the installed ``ectraverse`` script when one is on PATH); ``--json``
output is parsed back and checked against the library in this process, and
every error a user can cause is checked for its exit status (1, or 2 for
usage errors), its single line on stderr and the absence of a traceback.

The subprocesses import the same package as this process: the installed one
when ``ectraverse`` lives in site-packages, otherwise the source tree (through
PYTHONPATH).  They run in a temporary directory, so the current directory
never shadows an installed package.
"""

import doctest
import importlib
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import ectraverse
import ectraverse.demos
from ectraverse import Traversal, rfc9380
from ectraverse.demos import DEMOS, DESCRIPTIONS

import child

REPO = Path(__file__).resolve().parents[1]
SUBCOMMANDS = ["compose", "invert", "concat", "window", "remove-prefix", "remove-suffix", "repeats", "curves",
               "hash-to-curve", "demo", "bench"]
SECP_DST = "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"


ENV = child.env()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def cli(workdir):
    """``cli(*args, input=None, env=None)``: run the console script, return the CompletedProcess."""

    def run(*args, input=None, env=None, argv0=(sys.executable, "-m", "ectraverse.cli")):
        stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        return subprocess.run([*argv0, *map(str, args)], capture_output=True, text=True, env=env or ENV,
                              cwd=workdir, timeout=300, **stdin)

    return run


def ok(r) -> str:
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr}"
    assert "Traceback" not in r.stderr
    return r.stdout


def ok_json(r):
    out = ok(r)
    assert r.stderr == ""
    return json.loads(out)


def user_error(r, *fragments) -> str:
    """Exit 1, nothing on stdout, one line ``ectraverse: error: ...`` on stderr holding every fragment."""
    assert r.returncode == 1, f"exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}"
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("ectraverse: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


def usage_error(r, *fragments) -> None:
    assert r.returncode == 2, f"exit {r.returncode}, stderr {r.stderr!r}"
    assert "Traceback" not in r.stderr
    assert "usage:" in r.stderr
    for f in fragments:
        assert f in r.stderr, (f, r.stderr)


def run_all(cli, argvs) -> list:
    """Run many short invocations, a few at a time (each is mostly interpreter start-up)."""
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda argv: cli(*argv), argvs))


def hexctx(c) -> str:
    return c.to_bytes().hex()


@pytest.fixture(scope="module")
def eng():
    return Traversal()


# ---- help and version -----------------------------------------------------------------


def test_top_level_help_lists_every_subcommand(cli):
    out = ok(cli("--help"))
    for name in SUBCOMMANDS:
        assert name in out
    assert "Exit status" in out
    assert ok(cli("--version")).strip() == f"ectraverse {ectraverse.__version__}"


def test_subcommand_help(cli):
    for name, r in zip(SUBCOMMANDS, run_all(cli, [[name, "--help"] for name in SUBCOMMANDS])):
        usage, examples = ok(r).split("\nexamples:\n")  # every command's help ends with examples of it
        assert usage.startswith("usage: ectraverse " + name) and f"ectraverse {name} " in examples, name


# ---- compose ---------------------------------------------------------------------------


def test_compose_text_human(cli, eng):
    c = eng.compose("the cat sat")
    lines = ok(cli("compose", "the cat sat")).splitlines()
    assert [ln.split() for ln in lines] == [
        ["length", "3"], ["point", c.point.to_bytes().hex()], ["context", hexctx(c)],
    ]


def test_compose_json_fields(cli, eng):
    c = eng.compose("the cat sat")
    rec = ok_json(cli("compose", "--json", "the cat sat"))
    assert rec == {
        "length": 3, "point": c.point.to_bytes().hex(), "context": hexctx(c), "curve": "secp256k1",
        "namespace": "default", "tokenizer": "words", "keyed": False, "fingerprint": eng.fingerprint.hex(),
    }
    assert eng.context_from_bytes(bytes.fromhex(rec["context"])) == c


def test_compose_stdin_file_and_quiet_agree(cli, eng, workdir):
    text = "Über 2 cats,\nthen 👍🏽 dogs!\n"
    want = hexctx(eng.compose(text))
    path = workdir / "text.txt"
    path.write_text(text, encoding="utf-8")
    assert ok(cli("compose", "-q", input=text)).strip() == want
    assert ok(cli("compose", "-q", "-f", path)).strip() == want
    assert ok(cli("compose", "-q", "-f", "-", input=text)).strip() == want
    assert ok(cli("compose", "-q", text)).strip() == want


def test_compose_files_given_with_f_each_time_are_all_composed(cli, eng, workdir):
    """-f A -f B is -f A B (each -f used to replace the files before it: only B was composed)."""
    (workdir / "a.txt").write_text("the cat sat\n", encoding="utf-8")
    (workdir / "b.txt").write_text("on the mat\n", encoding="utf-8")
    want = hexctx(eng.compose("the cat sat on the mat"))
    assert ok(cli("compose", "-q", "-f", "a.txt", "-f", "b.txt")).strip() == want
    assert ok(cli("compose", "-q", "-f", "a.txt", "b.txt")).strip() == want
    r = cli("compose", "-q", "-f", "-", "-f", "a.txt")
    assert r.returncode == 2 and "-f takes '-' (stdin) alone" in r.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_one_ctrl_d_ends_stdin_on_a_terminal(workdir, eng):
    """On a terminal stdin is read as typed: one Ctrl-D at a line's start ends it (a buffered read of 1 MiB
    took the first end-of-file to finish its block, and waited for a second)."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ectraverse.cli", "compose", "-q"], stdin=slave, stderr=slave,
                            stdout=subprocess.PIPE, env=ENV, cwd=workdir)
    os.close(slave)
    shown = b""
    while b"Ctrl-D" not in shown:  # the prompt: the command is reading
        assert select.select([master], [], [], 60)[0], shown
        shown += os.read(master, 1024)
    os.write(master, b"the cat\n")
    os.write(master, b"\x04")  # one Ctrl-D, at the start of a line
    try:
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
        os.close(master)
    assert proc.returncode == 0
    assert out.decode().strip() == hexctx(eng.compose("the cat\n"))


def test_compose_empty_is_the_identity(cli, eng):
    rec = ok_json(cli("compose", "--json", input=""))
    assert (rec["length"], rec["point"]) == (0, "00")
    assert rec["context"] == hexctx(eng.identity)


def test_compose_engine_options(cli):
    text = "a b, a"
    want = Traversal("P-256", tokenizer="chars", namespace="demo").compose(text)
    rec = ok_json(cli("compose", "--json", "--curve", "P-256", "--tokenizer", "chars", "--namespace", "demo", text))
    assert (rec["context"], rec["length"], rec["curve"], rec["namespace"], rec["tokenizer"]) == (
        hexctx(want), len(text), "P-256", "demo", "chars")


def test_compose_key_file(cli, workdir, eng):
    key = bytes(range(256)) + b"\n"  # every byte value, and the final newline is part of the key
    path = workdir / "secret.key"
    path.write_bytes(key)
    rec = ok_json(cli("compose", "--json", "--key-file", path, "a b c"))
    keyed = Traversal(key=key)
    assert rec["keyed"] is True
    assert rec["context"] == hexctx(keyed.compose("a b c"))
    assert rec["fingerprint"] == keyed.fingerprint.hex() != eng.fingerprint.hex()
    assert key.hex() not in json.dumps(rec)


def test_compose_large_file_in_blocks(cli, workdir):
    """Over BLOCK_SIZE, the file is composed in blocks: the product equals one composition."""
    from ectraverse.tokenizers import BLOCK_SIZE

    line = "the quick brown fox, é 日本語 👍🏽\n"
    text = line * (BLOCK_SIZE * 11 // 10 // len(line.encode()) + 1) + "no final newline"
    path = workdir / "big.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > BLOCK_SIZE
    want = Traversal(tokenizer="chars").compose(text)
    rec = ok_json(cli("compose", "--json", "--tokenizer", "chars", "-f", path))
    assert (rec["length"], rec["context"]) == (len(text), hexctx(want))


def test_compose_newline_free_file_in_blocks(cli, workdir):
    """A file over BLOCK_SIZE without one newline streams too (cut at whitespace), to the whole text's context."""
    from ectraverse.tokenizers import BLOCK_SIZE

    words = "the quick brown fox, é 日本語 👍🏽 a\u3000b\tc "
    text = words * (BLOCK_SIZE * 11 // 10 // len(words.encode()) + 1) + "end"
    path = workdir / "flat.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > BLOCK_SIZE and "\n" not in text
    rec = ok_json(cli("compose", "--json", "-f", path))
    want = Traversal().compose(text)
    assert (rec["length"], rec["context"]) == (want.length, hexctx(want))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_sigterm_exits_143_with_one_line(workdir):
    """SIGTERM while a command waits on its input (a FIFO it has opened): exit 128 + 15, one line on
    stderr, no traceback."""
    fifo = workdir / "sigterm.fifo"
    os.mkfifo(fifo)
    writer = []

    def reading() -> bool:  # a FIFO opens for writing, without blocking, once its reader has it open
        try:
            writer.append(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            return False
        return True

    try:
        r = child.terminated(["compose", "-f", str(fifo)], ENV, workdir, reading)
    finally:
        for fd in writer:
            os.close(fd)
        fifo.unlink()
    assert writer and (r.returncode, r.stderr, r.stdout) == (143, "ectraverse: terminated\n", "")


def test_sigterm_handler_is_put_back(workdir):
    """main() installs its SIGTERM handler for the command only."""
    from ectraverse import cli

    before = signal.getsignal(signal.SIGTERM)
    assert cli.main(["curves", "--json"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


# A signal that lands while the interpreter frees its modules, once the command has written its result:
# here sent by an object of __main__ when it is freed, which is after CPython has put the default
# handlers back (a Ctrl-C there, while Dask's modules were freed, ended `compose --scheduler local:2`
# by the signal, status -2 and no line).
_LATE_SIGNAL = """
import os, signal, sys
from ectraverse import _entry

class Late:
    def __del__(self):
        os.kill(os.getpid(), signal.{sig})

late = Late()
sys.exit(_entry.run(lambda: print("done") or 0))
"""


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_during_exit_leaves_the_status(workdir, sig):
    """SIGINT or SIGTERM after the command has returned, while the process exits: the command's status
    and output stand, nothing on stderr."""
    r = subprocess.run([sys.executable, "-c", _LATE_SIGNAL.format(sig=sig)], env=ENV, cwd=workdir,
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "done\n", "")


# SIGTERM landing while the main thread runs a finalizer (here an object's __del__, as Dask's futures and
# clusters have): the Terminated it raises cannot leave the finalizer, and Python printed it and went on,
# the command running to its end with status 0 (once seen as a bench that ignored its SIGTERM).
_LOST_SIGTERM = """
import os, signal, sys, time
from ectraverse import _entry

class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)

def command():
    Finalized()  # freed at once: the signal is handled inside its __del__
    for step in range(100):
        print(step, flush=True)
        time.sleep(0.05)
    return 0

sys.exit(_entry.run(command))
"""


def test_sigterm_inside_a_finalizer_still_terminates(workdir):
    """The signal is handled again outside the finalizer: status 143, one line, the work cut short."""
    r = subprocess.run([sys.executable, "-c", _LOST_SIGTERM], env=ENV, cwd=workdir, capture_output=True,
                       text=True, timeout=60)
    assert (r.returncode, r.stderr) == (143, "ectraverse: terminated\n")
    assert "99" not in r.stdout.split()


def test_a_command_ending_before_its_lost_sigterm_is_handled_again_still_reports_it(monkeypatch, capsys):
    """Should the command return while the signal waits to be handled again, run() reports it all the same:
    143 and the line, and nothing is left to go off later."""
    from ectraverse import _entry

    monkeypatch.setattr(_entry, "_AGAIN_AFTER", 0.5)
    stopped = []

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)

    def command():
        Finalized()
        return 0

    assert _entry.run(command, on_stop=lambda: stopped.append(True)) == 143
    assert capsys.readouterr().err == "ectraverse: terminated\n" and stopped == [True]
    assert not _entry._termination_lost and signal.getsignal(signal.SIGTERM) is not _entry._terminate


def test_other_exceptions_in_finalizers_reach_the_unraisable_hook_before(monkeypatch):
    """Only a swallowed Terminated is handled again: what else a finalizer raises goes where it went before
    (the hook in place when the command started), which is put back after it."""
    from ectraverse import _entry

    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    before = sys.unraisablehook

    class Finalized:
        def __del__(self):
            raise ValueError("from a finalizer")

    def command():
        Finalized()
        return 7

    assert _entry.run(command) == 7
    assert [(u.exc_type, str(u.exc_value)) for u in seen] == [(ValueError, "from a finalizer")]
    assert sys.unraisablehook is before


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def _compose_on_a_terminal(workdir, path):
    """``(exit status, stdout, what the terminal showed)`` of ``compose -q -f path`` with stderr on a terminal."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ectraverse.cli", "compose", "-q", "-f", str(path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=ENV, cwd=workdir)
    os.close(slave)
    chunks = []

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the child has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = proc.communicate(timeout=300)
    reader.join(timeout=60)
    os.close(master)
    return proc.returncode, out.decode(), b"".join(chunks).decode("utf-8", "replace")


def test_compose_progress_bar_on_a_terminal(workdir, eng):
    """With stderr on a terminal, a file over PROGRESS_MIN_BYTES shows a progress bar, one of exactly that
    size none; stdout is unchanged."""
    from ectraverse.cli import PROGRESS_MIN_BYTES

    text = "one two three four five six\n" * (PROGRESS_MIN_BYTES // 28 + 2000)
    path = workdir / "progress.txt"
    path.write_text(text, encoding="utf-8")
    status, out, err = _compose_on_a_terminal(workdir, path)
    assert status == 0, err
    assert out.strip() == hexctx(eng.compose(text))
    assert "composing" in err and "Traceback" not in err
    at = "a\n" * (PROGRESS_MIN_BYTES // 2)
    path.write_text(at, encoding="utf-8")
    assert path.stat().st_size == PROGRESS_MIN_BYTES
    status, out, err = _compose_on_a_terminal(workdir, path)
    assert (status, out.strip(), err) == (0, hexctx(eng.compose(at)), "")


# ---- invert, concat, remove-prefix, remove-suffix, window --------------------------------------


def test_invert_and_concat_round_trip(cli, eng):
    c = ok_json(cli("compose", "--json", "a b c"))["context"]
    inv = ok_json(cli("invert", "--json", c))
    assert inv["length"] == -3
    assert inv["context"] == hexctx(eng.compose("a b c").inverse())
    for pair in ((c, inv["context"]), (inv["context"], c)):
        ident = ok_json(cli("concat", "--json", *pair))
        assert (ident["length"], ident["point"], ident["context"]) == (0, "00", hexctx(eng.identity))


def test_invert_reads_stdin_and_text(cli, eng):
    want = hexctx(eng.compose("a b").inverse())
    assert ok(cli("invert", "-q", "-", input=hexctx(eng.compose("a b")) + "\n")).strip() == want
    assert ok(cli("invert", "-q", "--text", "a b")).strip() == want
    assert ok(cli("invert", "-q", "0X" + hexctx(eng.compose("a b")))).strip() == want  # the prefix in either case


def test_concat_is_composition_of_the_concatenation(cli, eng):
    parts = [hexctx(eng.compose(t)) for t in ("a b", "c", "d e f")]
    assert ok_json(cli("concat", "--json", *parts))["context"] == hexctx(eng.compose("a b c d e f"))
    assert ok_json(cli("concat", "--json", "--text", "a b", "c"))["context"] == hexctx(eng.compose("a b c"))
    # hex with a 0x prefix, upper case, and spaces is accepted
    messy = "0x" + " ".join(parts[1][i:i + 8] for i in range(0, len(parts[1]), 8)).upper()
    assert ok_json(cli("concat", "--json", parts[0], messy))["context"] == hexctx(eng.compose("a b c"))


def test_remove_prefix_and_suffix(cli, eng):
    abc, ab, c = (hexctx(eng.compose(t)) for t in ("a b c", "a b", "c"))
    assert ok_json(cli("remove-prefix", "--json", abc, ab))["context"] == c
    assert ok_json(cli("remove-suffix", "--json", abc, c))["context"] == ab
    assert ok_json(cli("remove-prefix", "--json", "--text", "a b c", "a b"))["context"] == c
    assert ok_json(cli("remove-suffix", "--json", "--text", "a b c", "c"))["context"] == ab
    assert ok(cli("remove-prefix", "-q", "-", ab, input=abc)).strip() == c


def test_window_of_a_text(cli, eng):
    text = "the cat sat on the mat"
    rec = ok_json(cli("window", "--json", "--text", text, 1, 4))
    assert rec["context"] == hexctx(eng.compose("cat sat on"))
    assert (rec["start"], rec["end"], rec["tokens"], rec["length"]) == (1, 4, ["cat", "sat", "on"], 3)
    empty = ok_json(cli("window", "--json", "--text", text, 2, 2))
    assert (empty["length"], empty["tokens"], empty["context"]) == (0, [], hexctx(eng.identity))
    human = ok(cli("window", "--text", text, 4, 6))
    assert 'tokens   ["the", "mat"]' in human and hexctx(eng.compose("the mat")) in human
    assert ok(cli("window", "-q", "--text", text, 0, 2)).strip() == hexctx(eng.compose("the cat"))  # from the start


def test_window_of_two_prefix_states(cli, eng):
    states = eng.prefixes("a b c d e")
    rec = ok_json(cli("window", "--json", hexctx(states[1]), hexctx(states[4])))
    assert rec["context"] == hexctx(eng.compose("b c d")) == hexctx(states.window(1, 4))
    # the CLI's own prefix states
    p1, p4 = (ok(cli("compose", "-q", t)).strip() for t in ("a", "a b c d"))
    assert ok(cli("window", "-q", p1, p4)).strip() == hexctx(eng.compose("b c d"))


# ---- curves, hash-to-curve -------------------------------------------------------------------


def test_curves(cli):
    rows = ok_json(cli("curves", "--json"))
    assert [r["name"] for r in rows] == ectraverse.curve_names()
    for r in rows:
        C = ectraverse.curve(r["name"])
        assert r["suite"] == rfc9380.default_suite(C.params).id
        assert r["suite_nu"] == rfc9380.default_suite(C.params, random_oracle=False).id
        assert (int(r["p"], 16), int(r["n"], 16), r["bits_p"]) == (C.p, C.n, C.p.bit_length())
    tables = ok(cli("curves"))  # piped: wide enough that no suite ID is cut
    assert "hash-to-curve suites" in tables
    for r in rows:
        assert r["name"] in tables and r["suite"] in tables and r["suite_nu"] in tables


def test_hash_to_curve_rfc9380_vector(cli):
    rec = ok_json(cli("hash-to-curve", "--json", "abc", "--dst", SECP_DST))
    P = ectraverse.curve("secp256k1").hash_to_curve(b"abc", SECP_DST.encode())
    assert rec == {"curve": "secp256k1", "suite": "secp256k1_XMD:SHA-256_SSWU_RO_",
                   "point": P.to_bytes().hex(), "x": hex(P.x), "y": hex(P.y)}
    assert rec["x"].startswith("0x3377e01eab42db29")  # RFC 9380 appendix J.8.1, msg "abc"
    human = ok(cli("hash-to-curve", "abc", "--dst", SECP_DST))
    assert rec["point"] in human and rec["x"] in human and rec["y"] in human


def test_hash_to_curve_suites_and_hex(cli):
    dst = b"ectraverse-cli-test"
    C = ectraverse.curve("P-384")
    want_nu = C.encode_to_curve(b"\x00\xffabc", dst).to_bytes().hex()
    by_suite = ok_json(cli("hash-to-curve", "--json", "00ff616263", "--hex", "--dst", dst.decode(),
                           "--suite", "P384_XMD:SHA-384_SSWU_NU_"))
    assert (by_suite["curve"], by_suite["point"]) == ("P-384", want_nu)
    by_flag = ok(cli("hash-to-curve", "-q", "00ff616263", "--hex", "--dst", dst.decode(), "--curve", "P-384",
                     "--encode"))
    assert by_flag.strip() == want_nu
    raw = ok(cli("hash-to-curve", "-q", "-", "--dst", dst.decode(), "--curve", "toy-plot", input="message"))
    assert raw.strip() == ectraverse.curve("toy-plot").hash_to_curve(b"message", dst).to_bytes().hex()
    empty = ok(cli("hash-to-curve", "-q", "", "--hex", "--dst", dst.decode()))  # --hex "": the empty message
    assert empty.strip() == ectraverse.curve("secp256k1").hash_to_curve(b"", dst).to_bytes().hex()


# ---- demo --------------------------------------------------------------------------------


def test_demo_lists_the_demos(cli):
    out = ok(cli("demo"))  # piped: wide enough that no description wraps
    for name, description in DESCRIPTIONS.items():
        assert name in out and description in out
    rows = ok_json(cli("demo", "--json"))
    assert rows == [{"name": n, "description": DESCRIPTIONS[n], "module": DEMOS[n]} for n in DEMOS]


def test_demo_registry():
    assert list(DEMOS) == list(DESCRIPTIONS) == ectraverse.demos.names() == ["traverse", "algebra", "cycle", "windows"]
    result = doctest.testmod(ectraverse.demos, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
    with pytest.raises(ValueError, match=r"Unknown demo 'nope'; expected one of: traverse, algebra, cycle, windows"):
        ectraverse.demos.load("nope")
    with pytest.raises(TypeError, match="demo name must be a str, not int"):
        ectraverse.demos.load(3)


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_module_interface(name):
    module = ectraverse.demos.load(name)
    assert module is importlib.import_module(DEMOS[name])
    assert module.DESCRIPTION == DESCRIPTIONS[name], "the registry's description must match the demo's"
    for attr in ("add_arguments", "run"):
        assert callable(getattr(module, attr))
    assert callable(ectraverse.demos.main)  # the one standalone entry point, for every demo


# Scripts on stdin (not a terminal): deterministic output, then EOF or a quit command.
DEMO_SCRIPTS = {
    "traverse": (["--curve", "toy-plot"], "hello world\n:undo\n:quit\n", "state: length=1"),
    "algebra": (["--fast", "--trials", "2", "--show", "0", "--seed", "3"], "", "closure"),
    "cycle": ([], "+3 December\nquit\n", "March"),
    "windows": (["--max-n", "3"], "is better than\n:quit\n", "is better than"),
}


@pytest.fixture(scope="module")
def demo_outputs(cli):
    """``ectraverse demo NAME`` run on each script, once for the tests below."""
    return {name: cli("demo", name, *DEMO_SCRIPTS[name][0], input=DEMO_SCRIPTS[name][1]) for name in DEMOS}


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_runs_a_script(cli, demo_outputs, name):
    out = ok(demo_outputs[name])
    assert DEMO_SCRIPTS[name][2] in out
    helped = ok(cli("demo", name, "--help"))
    assert helped.startswith(f"usage: ectraverse demo {name}")


@pytest.mark.skipif(not (REPO / "demos").is_dir(), reason="the demos/ launchers are not beside the tests")
@pytest.mark.parametrize("name", list(DEMOS))
def test_launcher_equals_the_subcommand(cli, demo_outputs, name):
    options, script, _ = DEMO_SCRIPTS[name]
    via_cli = ok(demo_outputs[name])
    via_launcher = ok(cli(*options, input=script, argv0=(sys.executable, str(REPO / "demos" / f"{name}.py"))))
    if name == "algebra":  # its table shows timings
        assert via_cli.splitlines()[-1] == via_launcher.splitlines()[-1]
    else:
        assert via_cli == via_launcher


# ---- bench -------------------------------------------------------------------------------


def test_bench_is_mounted(cli, workdir):
    path = workdir / "bench.json"
    ok(cli("bench", "--quick", "--curve", "secp256k1", "--op", "add", "--impl", "ectraverse", "--min-time", "0.001",
           "--repeats", "3", "--no-progress", "--json", path))
    results = json.loads(path.read_text())["results"]
    assert [(r["impl"], r["curve"], r["op"]) for r in results] == [("ectraverse", "secp256k1", "add")]
    assert results[0]["checked"] == "every result vs reference-verified expected points"


# ---- user errors: exit 1, one line on stderr --------------------------------------------------


def _ctx(text, **kw):
    return hexctx(Traversal(**kw).compose(text))


AB = _ctx("a b")

USER_ERRORS = [
    ("bad-hex", ["invert", "zz" + AB], ["CONTEXT must be a context in hex", "'z' at position 0"]),
    ("odd-hex", ["invert", AB[:-1]], ["CONTEXT must be a context in hex with an even number of digits, not 143"]),
    ("empty-hex", ["invert", ""], ["CONTEXT is empty"]),
    ("not-a-context", ["concat", AB, "00ff"], ["CONTEXT 2: Context bytes must start with b'ECTX'"]),
    ("truncated", ["invert", AB[:60]], ["CONTEXT: Context bytes are truncated"]),
    ("other-namespace", ["remove-prefix", AB, _ctx("a", namespace="other")],
     ["PREFIX: Context bytes come from another engine", "--namespace"]),
    ("other-curve", ["invert", "--curve", "P-256", AB], ["Context bytes are for curve 'secp256k1', not 'P-256'"]),
    ("keyed-engine", ["window", AB, _ctx("a b c", key=b"k")], ["PREFIX_J: Context bytes come from another engine"]),
    ("other-tokenizer", ["invert", _ctx("a b", tokenizer="chars")],
     ["CONTEXT: Context bytes come from another engine", "Use the --curve, --tokenizer, --namespace and --key-file"]),
    ("unknown-curve", ["compose", "--curve", "nope", "x"], ["Unknown curve 'nope'; expected one of: secp256k1"]),
    ("unknown-curve-h2c", ["hash-to-curve", "x", "--dst", "d", "--curve", "nope"], ["Unknown curve 'nope'"]),
    ("missing-file", ["compose", "-f", "no/such/file.txt"], ["cannot read 'no/such/file.txt': No such file"]),
    ("directory", ["compose", "-f", "."], ["cannot read '.':"]),
    ("missing-key-file", ["compose", "--key-file", "no-such.key", "x"], ["cannot read key file 'no-such.key'"]),
    ("window-bounds", ["window", "--text", "a b c", "2", "5"], ["0 <= I <= J <= 3", "not I=2, J=5"]),
    ("window-bound-cut", ["window", "--text", "a b c", "1", "9" * 4300],
     ["not I=1, J=99999999999999999999… (4,300 digits)"]),
    ("length-past-2^63", ["invert", hexctx(Traversal().compose("a") ** (-2**63))],
     ["This context, of length 9223372036854775808, has no bytes: context bytes hold lengths in [-2^63, 2^63)"]),
    ("unknown-suite", ["hash-to-curve", "x", "--dst", "d", "--suite", "NOPE_RO_"], ["Unknown hash-to-curve suite"]),
    ("suite-curve", ["hash-to-curve", "x", "--dst", "d", "--suite", "P256_XMD:SHA-256_SSWU_RO_", "--curve", "P-384"],
     ["is for curve 'P-256', not 'P-384'"]),
    ("encode-ro-suite", ["hash-to-curve", "x", "--dst", "d", "--encode", "--suite", "P256_XMD:SHA-256_SSWU_RO_"],
     ["--encode needs a nonuniform (_NU_) suite"]),
    ("empty-dst", ["hash-to-curve", "x", "--dst", ""], ["--dst must not be empty"]),
    ("bad-hex-msg", ["hash-to-curve", "abc", "--hex", "--dst", "d"], ["MSG must be hex with an even number of digits"]),
    # endless inputs: refused after a bounded read, never a MemoryError traceback
    ("dev-zero", ["compose", "-f", "/dev/zero"],
     ["'/dev/zero': A run of text without whitespace must be at most 4194304 characters with tokenizer 'words'"]),
    ("dev-zero-key", ["compose", "--key-file", "/dev/zero", "x"],
     ["key file '/dev/zero' must hold at most 4096 bytes, not more"]),
    ("dev-zero-repeats", ["repeats", "-m", "1", "/dev/zero"],
     ["cannot read '/dev/zero': it is a device, and repeats reads each file whole"]),
]


@pytest.fixture(scope="module")
def user_results(cli):
    return run_all(cli, [args for _, args, _ in USER_ERRORS])


@pytest.mark.parametrize("i", range(len(USER_ERRORS)), ids=[c[0] for c in USER_ERRORS])
def test_user_error(user_results, i):
    _, args, fragments = USER_ERRORS[i]
    user_error(user_results[i], *fragments)


def test_user_error_from_files(cli, workdir):
    (workdir / "empty.key").write_bytes(b"")
    user_error(cli("compose", "--key-file", workdir / "empty.key", "x"), "key file", "is empty")
    bad = workdir / "latin1.txt"
    bad.write_bytes(b"caf\xe9 au lait\n")
    user_error(cli("compose", "-f", bad),
               f"The file {str(bad)!r} is not valid UTF-8 (byte 3: invalid continuation byte).")
    # bad hex and a context of another engine through stdin
    user_error(cli("invert", "-", input="not hex"), "CONTEXT (stdin) must be a context in hex")
    r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "invert", "-"], input=b"ab\xff", capture_output=True,
                       env=ENV, cwd=workdir)
    assert r.returncode == 1 and r.stderr.decode().endswith("but has the byte 0xff (not UTF-8) at position 2\n")
    user_error(cli("invert", "--namespace", "n2", "-", input=AB), "CONTEXT (stdin): Context bytes come from another")


def test_stdin_that_is_not_utf8_is_named(monkeypatch, capsys):
    from ectraverse.cli import main

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"ab caf\xe9")))
    assert main(["compose", "-f", "-"]) == 1
    assert capsys.readouterr().err == "ectraverse: error: stdin is not valid UTF-8 (byte 6: unexpected end of data).\n"


def test_debug_shows_the_traceback(cli):
    r = cli("compose", "--curve", "nope", "x", env={**ENV, "ECTRAVERSE_DEBUG": "1"})
    assert r.returncode == 1 and "Traceback" in r.stderr and "UnknownCurveError" in r.stderr
    user_error(cli("compose", "--curve", "nope", "x", env={**ENV, "ECTRAVERSE_DEBUG": "0"}), "Unknown curve")  # 0: off


# ---- usage errors: exit 2 ----------------------------------------------------------------------

USAGE_ERRORS = [
    ("no-command", [], ["positional arguments:", "compose", "repeats", "hash-to-curve", "bench"]),  # the commands
    ("unknown-command", ["frobnicate"], ["invalid choice: 'frobnicate'"]),
    ("unknown-tokenizer", ["compose", "--tokenizer", "bpe", "x"], ["invalid choice: 'bpe'"]),
    ("long-tokenizer", ["compose", "--tokenizer", "b" * 5000, "x"], ["invalid choice: '" + "b" * 40 + "'… (5,000 characters)"]),
    ("text-and-file", ["compose", "x", "-f", "y"], ["not allowed with argument"]),
    ("json-and-quiet", ["compose", "--json", "-q", "x"], ["not allowed with argument"]),
    ("key-on-command-line", ["compose", "--key", "s3cret", "x"], ["never taken on the command line", "--key-file"]),
    ("abbreviated-option", ["compose", "--key-f", "k", "x"], ["unrecognized option --key-f and 1 other argument (values are not echoed)"]),
    ("invert-no-arg", ["invert"], ["required: CONTEXT"]),
    ("concat-no-arg", ["concat"], ["required: CONTEXT"]),
    ("remove-prefix-one-arg", ["remove-prefix", AB], ["required: PREFIX"]),
    ("window-one-context", ["window", AB], ["expected two prefix-state contexts PREFIX_I PREFIX_J, got 1"]),
    ("window-three-contexts", ["window", AB, AB, AB], ["expected two prefix-state contexts PREFIX_I PREFIX_J, got 3"]),
    ("window-text-two-args", ["window", "--text", "a b", "1"], ["with --text, expected TEXT I J, got 2"]),
    ("window-not-integer", ["window", "--text", "a b", "one", "2"], ["I must be an integer, not 'one'"]),
    ("usage-before-engine", ["window", "--curve", "nope", AB], ["expected two prefix-state contexts"]),
    ("two-stdin", ["concat", "-", "-"], ["only one argument can be '-' (stdin), not CONTEXT 1 and CONTEXT 2"]),
    ("h2c-no-dst", ["hash-to-curve", "abc"], ["required: --dst"]),
    ("unknown-demo", ["demo", "tetris"], ["unknown demo 'tetris'; expected one of: traverse, algebra, cycle, windows"]),
    ("demo-json-and-name", ["demo", "--json", "cycle"], ["--json lists the demos; it takes no NAME"]),
    ("demo-unknown-option", ["demo", "cycle", "--bogus"], ["usage: ectraverse demo cycle", "--bogus"]),
]


@pytest.fixture(scope="module")
def usage_results(cli):
    return run_all(cli, [args for _, args, _ in USAGE_ERRORS])


@pytest.mark.parametrize("i", range(len(USAGE_ERRORS)), ids=[c[0] for c in USAGE_ERRORS])
def test_usage_error(usage_results, i):
    _, args, fragments = USAGE_ERRORS[i]
    r = usage_results[i]
    usage_error(r, *fragments)
    assert "s3cret" not in r.stderr  # a key typed on the command line is not echoed


# ---- a value is never echoed --------------------------------------------------------------

SECRET = "SECRET-7f3a"
NO_ECHO = [
    ["--key=" + SECRET, "compose", "x"],
    ["--ke", SECRET, "compose", "x"],  # an option before COMMAND: its value must not become an echoed COMMAND
    ["curves", "--key=" + SECRET],
    ["curves", "--key", SECRET],
    ["hash-to-curve", "abc", "--dst", "d", "--key=" + SECRET],
    ["hash-to-curve", "abc", "--dst", "d", "--key", SECRET],
    ["demo", "--key=" + SECRET],
    ["demo", "algebra", "--key=" + SECRET],
    ["demo", "traverse", "--key", SECRET],
    ["demo", "cycle", "-k" + SECRET],
    ["compose", "--ke=" + SECRET, "x"],
    ["compose", "--key=" + SECRET, "x"],
    ["invert", "--keyfile=" + SECRET, AB],
    ["window", "--text", "--k=" + SECRET, "a b", "0", "1"],
    ["compose", "--json=" + SECRET, "x"],  # a flag given a value
    ["compose", "-q" + SECRET, "x"],
    ["bench", "--key=" + SECRET],
]


@pytest.fixture(scope="module")
def no_echo_results(cli):
    return run_all(cli, NO_ECHO)


@pytest.mark.parametrize("i", range(len(NO_ECHO)), ids=[" ".join(a) for a in NO_ECHO])
def test_an_option_value_is_never_echoed(no_echo_results, i):
    r = no_echo_results[i]
    usage_error(r)
    assert SECRET not in r.stdout and SECRET not in r.stderr
    assert "Traceback" not in r.stderr


def test_unrecognized_options_are_named(cli):
    usage_error(cli("curves", "--ke=" + SECRET), "unrecognized option --ke (values are not echoed)")
    usage_error(cli("--ke", SECRET, "compose"), "unrecognized option --ke (values are not echoed); "
                                               "options go after the COMMAND")
    usage_error(cli("demo", "algebra", "--key", SECRET), "usage: ectraverse demo algebra",
                "unrecognized option --key and 1 other argument (values are not echoed)")


# ---- the installed console script ------------------------------------------------------------


@pytest.mark.skipif(shutil.which("ectraverse") is None, reason="no 'ectraverse' console script on PATH")
def test_installed_console_script(cli, eng):
    exe = shutil.which("ectraverse")
    assert ok(cli("--version", argv0=(exe,))).strip() == f"ectraverse {ectraverse.__version__}"
    rec = ok_json(cli("compose", "--json", "a b c", argv0=(exe,)))
    assert rec["context"] == hexctx(eng.compose("a b c"))
    user_error(cli("invert", "zz", argv0=(exe,)), "CONTEXT must be a context in hex")
    usage_error(cli("window", AB, argv0=(exe,)), "PREFIX_I PREFIX_J")


def test_repeats_table_shows_tokens_and_paths_as_they_are(cli, workdir):
    """Tokens and file names that look like rich markup are printed as text: "[/x]" once raised
    MarkupError with a traceback, and "[bold]" vanished from the table."""
    (workdir / "markup.txt").write_text("[/x] hello [/x] hello [bold]secret[/bold] x [bold]secret[/bold] x\n",
                                        encoding="utf-8")
    (workdir / "[red]copy.txt").write_text("[/x] hello\n", encoding="utf-8")
    out = ok(cli("repeats", "-m", "2", "--tokenizer", "whitespace", "markup.txt", "[red]copy.txt"))
    assert "[/x] hello" in out and "[bold]secret[/bold] x" in out
    assert "[red]copy.txt: 0" in out and "markup.txt: 0" in out


def test_repeats_table_shows_control_characters_as_escapes(cli, workdir):
    """A token holding an ESC (here a control sequence that would set the terminal's title) or a
    bidirectional override is shown as its escape, not written to the terminal as it is."""
    (workdir / "hostile.txt").write_text("x \x1b]0;pwned\x07 \u202eevil x \x1b]0;pwned\x07 \u202eevil\n",
                                         encoding="utf-8")
    out = ok(cli("repeats", "-m", "2", "hostile.txt"))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b" in out and "\\x07" in out and "\\u202e" in out  # shown as escapes


def test_repeats_takes_each_file_once(cli, workdir):
    """A file given twice, by the same name or another (a symlink), is a usage error: the occurrences in
    its two copies would be identical entries of --json."""
    (workdir / "twice.txt").write_text("a b a b\n", encoding="utf-8")
    link = workdir / "twice-link.txt"
    if not link.exists():
        link.symlink_to(workdir / "twice.txt")
    usage_error(cli("repeats", "-m", "2", "twice.txt", "twice.txt"), "FILE 'twice.txt' is given twice")
    usage_error(cli("repeats", "-m", "2", "--json", "twice.txt", "twice-link.txt"),
                "FILE 'twice-link.txt' is the file 'twice.txt' again")
    assert json.loads(ok(cli("repeats", "-m", "2", "--json", "twice.txt"))) == [[{"file": "twice.txt", "offset": 0},
                                                                               {"file": "twice.txt", "offset": 2}]]


def test_a_closed_stdin_reads_as_empty_and_a_closed_stderr_says_nothing(workdir):
    """Started with stdin closed ('<&-'), sys.stdin is None: read as /dev/null is, not an AttributeError
    (compose, a context from '-', hash-to-curve of '-', a demo); with stderr closed ('2>&-'), an error
    line goes nowhere, not to stdout among the results."""

    def run(*args, close):
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV, cwd=workdir,
                              timeout=120, preexec_fn=lambda: os.close(close))

    empty = Traversal().identity
    r = run("-m", "ectraverse.cli", "compose", "-q", close=0)
    assert (r.returncode, r.stdout, r.stderr) == (0, hexctx(empty) + "\n", "")
    r = run("-m", "ectraverse.cli", "invert", "-", close=0)
    assert r.returncode == 1 and r.stderr.startswith("ectraverse: error: CONTEXT (stdin) is empty"), r.stderr
    r = run("-m", "ectraverse.cli", "hash-to-curve", "-q", "--dst", "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_",
            "-", close=0)
    assert r.returncode == 0 and r.stdout.strip() == ectraverse.curve("secp256k1").hash_to_curve(
        b"", b"QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_").to_bytes().hex(), r.stderr
    for program in (("-m", "ectraverse.cli", "demo", "windows"), ("-m", "ectraverse.demos.windows")):
        r = run(*program, "--max-n", "3", close=0)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    r = run("-m", "ectraverse.cli", "compose", "-f", str(workdir / "missing.txt"), close=2)
    assert (r.returncode, r.stdout) == (1, "")


@pytest.mark.parametrize("sig, status, line", [(signal.SIGINT, 130, "ectraverse: interrupted\n"),
                                              (signal.SIGTERM, 143, "ectraverse: terminated\n")])
@pytest.mark.parametrize("program", [("-m", "ectraverse.cli", "demo", "traverse"), ("-m", "ectraverse.demos.traverse")])
def test_a_demo_stopped_by_a_signal_says_one_line(workdir, sig, status, line, program):
    """Ctrl-C or SIGTERM while a demo waits for input: the console script's subcommand and the standalone
    launcher (``python -m ectraverse.demos.NAME``, as ``python demos/NAME.py``) both exit with one line."""
    proc = subprocess.Popen([sys.executable, *program, "--curve", "toy-plot"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=workdir)
    timer = threading.Timer(120, proc.kill)  # a hung child must not hang the suite
    timer.start()
    try:
        assert proc.stdout.readline()  # the demo has started: it waits for input now
        proc.send_signal(sig)
        _, err = proc.communicate()
    finally:
        proc.kill()
        timer.cancel()
    assert (proc.returncode, err) == (status, line), err


def test_a_closed_stdout_is_one_error_line(workdir):
    """Started with stdout closed ('>&-'), sys.stdout is None: one line on stderr, not an AttributeError."""
    r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "curves"], stdout=None, stderr=subprocess.PIPE,
                       text=True, env=ENV, cwd=workdir, timeout=120, stdin=subprocess.DEVNULL,
                       preexec_fn=lambda: os.close(1))
    assert r.returncode == 1 and r.stderr == "ectraverse: error: standard output is closed\n", r.stderr


def test_json_with_a_file_name_that_is_not_utf8_is_still_json(cli, workdir):
    """repeats --json wrote the name's raw byte 0xff: output neither UTF-8 nor JSON, exit 0."""
    name = os.fsdecode(b"n\xffame.txt")
    (workdir / name).write_text("a b a b\n", encoding="utf-8")
    r = cli("repeats", "-m", "2", "--json", name)
    raw = ok(r)
    raw.encode("utf-8")  # every character encodes: no lone surrogate was written
    groups = json.loads(raw)
    assert {os.fsencode(occ["file"]) for g in groups for occ in g} == {b"n\xffame.txt"}


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_without_unicode_escapes_what_it_lacks(cli, encoding):
    """curves and the demos ended with the codec's message (exit 1) over one '…' or 'Σ'."""
    def run(*args, input=b""):
        r = subprocess.run([sys.executable, "-m", "ectraverse.cli", *args], input=input, capture_output=True,
                           env={**ENV, "PYTHONIOENCODING": encoding}, cwd=cli_dir, timeout=300)
        assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
        return r.stdout.decode(encoding)

    cli_dir = child.SCRATCH
    assert "secp256k1" in run("curves")
    assert "\\u03a3" in run("demo", "algebra", "--fast", "--trials", "2")  # Σ, in neither encoding
    assert "state: length=1" in run("demo", "traverse", "--curve", "secp256k1", input=b"a\n")
    record = json.loads(run("compose", "--json", "--namespace", "café", "été"))  # JSON, not Python's \xe9
    assert record["namespace"] == "café"
    utf8 = ok_json(cli("compose", "--json", "--namespace", "café", "été"))
    assert record == utf8
    # a demo's script is read as UTF-8, not as the input encoding says: "été" is one token, not "Ã©tÃ©"
    state = run("demo", "traverse", "--curve", "secp256k1", input="été\n".encode("utf-8"))
    assert f"length=1 point={ok_json(cli('compose', '--json', 'été'))['point']}" in state


def test_a_bad_line_of_a_strict_utf8_stdin_is_one_failed_command(workdir):
    """Under PYTHONIOENCODING=utf-8 one undecodable byte on stdin ended the demo (exit 1, the codec's message)."""
    r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "demo", "traverse", "--curve", "secp256k1"],
                       input=b"a\n\xff\nb\n", capture_output=True, env={**ENV, "PYTHONIOENCODING": "utf-8"},
                       cwd=workdir, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert "lone surrogate" in out and "state: length=2" in out


def test_an_argument_in_an_ascii_locale_is_read_as_its_utf8_bytes(cli):
    """In an ASCII locale (LC_ALL=C PYTHONUTF8=0) 'café' arrives as lone surrogates: it was refused as not UTF-8."""
    env = {**ENV, "LC_ALL": "C", "PYTHONUTF8": "0"}
    assert ok(cli("compose", "-q", "café", env=env)) == ok(cli("compose", "-q", "café"))
    assert ok(cli("hash-to-curve", "--curve", "P-256", "--dst", "dé", "mé", env=env)) == \
        ok(cli("hash-to-curve", "--curve", "P-256", "--dst", "dé", "mé"))


def test_columns_zero_is_taken_as_unset(cli):
    """rich takes COLUMNS=0 for a width of 0 and prints nothing: the demos printed 0 bytes and exited 0."""
    env = {**ENV, "COLUMNS": "0"}
    out = ok(cli("demo", "algebra", "--fast", "--trials", "2", env=env))
    assert "closure" in out and len(out) > 1000
    assert "secp256k1" in ok(cli("curves", env=env))


def test_streams_escape_for_the_command_and_are_put_back(monkeypatch):
    """main() called from a program: an ASCII stdout escapes what it lacks while the command runs, and the
    program's stream keeps its own error handler afterwards."""
    from ectraverse.cli import main

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors="strict", write_through=True)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["curves"]) == 0
    assert out.errors == "strict"
    text = raw.getvalue().decode("ascii")
    assert "secp256k1" in text and "\\u2026" in text  # the table's "…", escaped
    with pytest.raises(UnicodeEncodeError):
        print("…", file=out)


def test_a_host_that_read_stdin_can_still_call_main(monkeypatch):
    """Python refuses to reconfigure a stream with text already decoded: main() raised UnsupportedOperation
    and left the host's stdout changed."""
    from ectraverse.cli import main

    stdin = io.TextIOWrapper(io.BytesIO(b"first\nsecond\n"), encoding="utf-8", errors="strict")
    assert stdin.readline() == "first\n"
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["compose", "-q", "a b"]) == 0
    assert (stdin.errors, out.errors) == ("strict", "strict") and stdin.readline() == "second\n"


@pytest.mark.parametrize("columns, terminal_width", [(None, None), ("0", None), ("90", 90), ("abc", None)])
def test_a_piped_console_is_as_wide_as_asked_and_columns_zero_is_unset(monkeypatch, columns, terminal_width):
    from ectraverse import _terminal

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    c = _terminal.console(piped_width=140, file=io.StringIO())
    assert not c.is_terminal and c.width == (terminal_width or 140)
    assert _terminal.console(file=io.StringIO()).width == (terminal_width or 80)


def test_repeats_on_dask_refuses_a_file_changed_before_its_table(tmp_path, monkeypatch, capsys):
    """The table reads the files again for the windows' tokens: a file rewritten after the Dask step
    showed windows that occur nowhere twice, exit 0."""
    pytest.importorskip("dask")
    from ectraverse import cli as cli_module

    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("the cat sat on the mat\n", encoding="utf-8")
    two.write_text("a dog sat on the mat\n", encoding="utf-8")
    found = cli_module._repeats_on_dask

    def then_rewrite(*args):
        groups = found(*args)
        one.write_text("zz yy xx ww vv uu tt ss\n", encoding="utf-8")
        return groups

    monkeypatch.setattr(cli_module, "_repeats_on_dask", then_rewrite)
    assert cli_module.main(["repeats", "-m", "3", "--scheduler", "synchronous", str(one), str(two)]) == 1
    assert "changed while repeats ran" in capsys.readouterr().err


def test_a_local_cluster_that_cannot_start_is_one_line(cli, workdir):
    """With no usable temporary directory Dask's LocalCluster raised 'RuntimeError: Cluster failed to start',
    printed as a 70-line traceback."""
    pytest.importorskip("distributed")
    (workdir / "start.txt").write_text("a b c\n", encoding="utf-8")
    r = cli("compose", "-f", "start.txt", "--scheduler", "local:1", env={**ENV, "DASK_TEMPORARY_DIRECTORY": "/proc/none"})
    user_error(r, "the local Dask cluster of --scheduler could not start", "writable temporary directory")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_output_device_is_named_as_the_output(workdir):
    """'ectraverse: error: [Errno 28] No space left on device' did not say what could not be written."""
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "compose", "a b"], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=ENV, cwd=workdir, timeout=300)
    assert r.returncode == 1
    assert r.stderr == "ectraverse: error: cannot write the output: No space left on device\n"


def test_repeats_table_says_the_window_length_and_when_it_shows_only_the_first(cli, workdir):
    from ectraverse.cli import REPEATS_TABLE_MAX

    (workdir / "norep.txt").write_text("a b c d\n")
    assert ok(cli("repeats", "-m", "2", "norep.txt")) == "no 2-token window occurs more than once in 1 file(s)\n"
    (workdir / "rep.txt").write_text("a b a b\n")
    assert "by first occurrence" not in ok(cli("repeats", "-m", "2", "rep.txt"))  # every group shown
    many = REPEATS_TABLE_MAX + 5
    (workdir / "many.txt").write_text("".join(f"w{i} " for i in range(many)) * 2 + "\n")
    out = " ".join(ok(cli("repeats", "-m", "1", "many.txt")).split())
    assert f"the first {REPEATS_TABLE_MAX} by first occurrence; --json lists all {many}" in out, out


def test_main_shields_the_exit_once_a_process(capsys):
    """Each main() call in one process (a host, a test session) adds no exit handler after the first."""
    import atexit

    from ectraverse import cli as cli_module

    assert cli_module.main(["compose", "-q", "a b c"]) == 0
    handlers = atexit._ncallbacks()
    assert cli_module.main(["compose", "-q", "a b c"]) == 0
    assert atexit._ncallbacks() == handlers
    capsys.readouterr()


def test_a_c_locale_stdout_escapes_what_it_lacks(workdir):
    """LC_ALL=C without UTF-8 mode: Python makes stdout ASCII with surrogateescape; a table of non-ASCII
    tokens is printed with escapes, not an encoding error."""
    (workdir / "accents.txt").write_text("été b été b\n", encoding="utf-8")
    env = {k: v for k, v in ENV.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_CTYPE")}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "repeats", "-m", "2", "accents.txt"],
                       capture_output=True, env=env, cwd=workdir, timeout=300)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    assert b"\\xe9t\\xe9" in r.stdout, r.stdout
