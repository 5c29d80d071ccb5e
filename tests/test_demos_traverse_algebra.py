"""The ``traverse`` and ``algebra`` demos, driven by scripts on stdin, with their output checked for real content.

What a demo prints is checked against an independent computation with the
library (a fresh engine composing the same tokens), not only against itself.
One test runs ``traverse`` in a real pseudo-terminal (120 x 40) and reads the
screen.
"""

import argparse
import contextlib
import doctest
import fcntl
import io
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from rich.console import Console

import ectraverse
from ectraverse import Traversal
from ectraverse import demos
from ectraverse.demos import algebra
from ectraverse.demos import traverse as tv

LAWS = ["closure", "associativity", "identity", "inverses", "non-commutativity", "powers"]


def drive(module, argv, script, width=120):
    """Run a demo on a script; return (exit status, output)."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False)
    status = module.run(args, stdin=io.StringIO(script), console=console)
    return status, buf.getvalue()


def blocks(out):
    """The traverse transcript as [(command, lines printed for it, state line after it)].

    The first block is ("", [], initial state line)."""
    result = []
    command, lines = "", []
    for line in out.splitlines():
        if line.startswith("› "):
            command, lines = line[2:], []
        elif line.startswith("state: "):
            result.append((command, lines, line))
            lines = []  # what follows a state line before the next command (the final plot) is no command's
        else:
            lines.append(line.strip())
    return result


def state_after(out, command):
    """The state line printed after the last occurrence of ``command``."""
    found = [state for cmd, _, state in blocks(out) if cmd == command]
    assert found, f"{command!r} not in the transcript"
    return found[-1]


def printed_for(out, command):
    found = [lines for cmd, lines, _ in blocks(out) if cmd == command]
    assert found, f"{command!r} not in the transcript"
    return found[-1]


def parse_state(line):
    m = re.match(r"state: length=(-?\d+) point=([0-9a-f]+)", line)
    assert m, line
    return int(m.group(1)), m.group(2)


def expected(engine, text):
    c = engine.compose(text)
    return c.length, c.point.to_bytes().hex()


@pytest.fixture(scope="module")
def engines():
    return {name: Traversal(name) for name in ("toy-plot", "secp256k1")}


# ---------------------------------------------------------------- traverse: states move


@pytest.mark.parametrize("name", ["toy-plot", "secp256k1"])
def test_typed_words_move_the_state(name, engines):
    status, out = drive(tv, ["--curve", name], "hello world\nfoo\n:quit\n")
    assert status == 0
    states = [parse_state(s) for _, _, s in blocks(out)]
    assert states[0] == (0, "00")
    assert states[1] == expected(engines[name], "hello world")
    assert states[2] == expected(engines[name], "hello world foo")
    assert len({s for s in states}) == 3
    # one log entry per token, each with the length it reached
    log = printed_for(out, "hello world")
    assert log[0].startswith("#1 push 'hello' -> length 1, point ")
    assert log[1].startswith("#2 push 'world' -> length 2, point ")
    assert "bye" in out


@pytest.mark.parametrize("name", ["toy-plot", "secp256k1"])
def test_undo_returns_to_the_exact_earlier_state(name, engines):
    script = "a b c\nd e\n:undo\n:undo\nf\n:undo 3\n"
    status, out = drive(tv, ["--curve", name], script)
    assert status == 0
    states = [s for _, _, s in blocks(out)]
    after_abc, after_abcde = states[1], states[2]
    first_undo, second_undo = states[3], states[4]
    assert parse_state(first_undo)[0] == 4 and first_undo != after_abcde
    assert second_undo == after_abc  # the whole printed line: length, point, tokens
    assert printed_for(out, ":undo 3")[-1].startswith("#11 undo push 'b' -> length 1")
    assert parse_state(states[-1]) == expected(engines[name], "a")
    assert states[-1].endswith("tokens=[a]")


def test_undo_on_a_real_curve_equals_composing_the_prefix(engines):
    _, out = drive(tv, ["--curve", "secp256k1"], "one two three four\n:undo 2\n")
    assert parse_state(state_after(out, ":undo 2")) == expected(engines["secp256k1"], "one two")


@pytest.mark.parametrize("name", ["toy-plot", "secp256k1"])
def test_window_equals_the_compose_of_the_slice(name, engines):
    _, out = drive(tv, ["--curve", name], "the cat sat on the mat\n:window 1 4\n:window 2 2\n")
    lines = printed_for(out, ":window 1 4")
    assert lines[0] == "window 1 4 = tokens[1:4]: cat sat on"
    c = engines[name].compose("cat sat on")
    h = c.point.to_bytes().hex()
    want = f"(3, {h if len(h) <= 12 else h[:10] + '…'})"
    values = [ln.split()[-2] + " " + ln.split()[-1] for ln in lines[1:4]]
    assert values == [want] * 3
    assert [ln.split()[0] for ln in lines[1:4]] == ["prefixes.window(1,", "C(u[:1])^-1", "compose(tokens[1:4])"]
    assert lines[4] == "equal ✓"
    empty = printed_for(out, ":window 2 2")
    assert empty[1].endswith("(0, 00)") and empty[-1] == "equal ✓"
    # a window does not move the state
    assert state_after(out, ":window 1 4") == state_after(out, "the cat sat on the mat")


def test_save_and_load_compose_onto_the_state(engines):
    eng = engines["secp256k1"]
    script = "a b\n:save ab\n:reset\nc\n:load ab\n:load ab\n:undo\n:undo\n:saved\n"
    _, out = drive(tv, ["--curve", "secp256k1"], script)
    assert printed_for(out, ":save ab")[-1].startswith("saved 'ab' = (2, ")
    assert parse_state(state_after(out, ":reset")) == (0, "00")
    states = [s for cmd, _, s in blocks(out) if cmd in (":load ab", ":undo")]
    assert [parse_state(s) for s in states] == [
        expected(eng, "c a b"), expected(eng, "c a b a b"), expected(eng, "c a b"), expected(eng, "c")
    ]
    assert states[0].endswith("tokens=[c a b]")
    proof = printed_for(out, ":load ab")
    assert any(ln.startswith("state * C(ab) = (3, ") for ln in proof)
    assert any(ln.startswith("C(tokens + ab's tokens) = (5, ") and ln.endswith("equal ✓") for ln in proof)
    undo = printed_for(out, ":undo")
    assert any("popping its 2 tokens gives (1, " in ln and ln.endswith("equal ✓") for ln in undo)
    assert any(ln.startswith("ab: (2, ") and ln.endswith("a b") for ln in printed_for(out, ":saved"))


def test_write_and_read_a_context_file(tmp_path, engines):
    eng = engines["toy-plot"]
    path = tmp_path / "greeting.ctx"
    script = f"hello there\n:write {path}\n:reset\nwell\n:read {path}\n:load greeting\n:window 0 1\n"
    _, out = drive(tv, [], script)
    hexline, tokline = path.read_text("utf-8").splitlines()
    assert eng.context_from_bytes(bytes.fromhex(hexline)) == eng.compose("hello there")
    assert tokline == '["hello", "there"]'
    assert printed_for(out, f":read {path}")[-1].endswith("with its 2 tokens (checked)")
    assert parse_state(state_after(out, ":load greeting")) == expected(eng, "well hello there")
    assert printed_for(out, ":window 0 1")[-1] == "equal ✓"


def test_a_context_without_tokens_composes_but_has_no_windows(tmp_path, engines):
    eng = engines["toy-plot"]
    path = tmp_path / "bare.ctx"
    path.write_text(eng.compose("x y z").to_bytes().hex() + "\n", "utf-8")
    script = f"w\n:read {path} xyz\n:load xyz\n:window 0 1\n:undo\n:undo\n"
    _, out = drive(tv, [], script)
    loaded = state_after(out, ":load xyz")
    assert parse_state(loaded) == expected(eng, "w x y z") and loaded.endswith("tokens=?")
    assert printed_for(out, ":window 0 1")[-1].startswith("error: windows need the token sequence")
    states = [s for cmd, _, s in blocks(out) if cmd == ":undo"]
    assert states[0] == state_after(out, "w") and parse_state(states[1]) == (0, "00")


def test_a_file_of_another_engine_or_bad_tokens_is_refused(tmp_path, engines):
    other = tmp_path / "other.ctx"
    other.write_text(engines["secp256k1"].compose("a").to_bytes().hex() + "\n", "utf-8")
    lying = tmp_path / "lying.ctx"
    lying.write_text(engines["toy-plot"].compose("a").to_bytes().hex() + '\n["b"]\n', "utf-8")
    garbage = tmp_path / "garbage.ctx"
    garbage.write_text("zz\n", "utf-8")
    nested = tmp_path / "nested.ctx"  # json.loads runs out of stack on arrays nested this deep
    nested.write_text(engines["toy-plot"].compose("a").to_bytes().hex() + "\n" + "[" * 100_000 + "\n", "utf-8")
    latin1 = tmp_path / "latin1.ctx"
    latin1.write_bytes(b"\xe9t\xe9\n")
    extra = tmp_path / "extra.ctx"
    extra.write_text(engines["toy-plot"].compose("a").to_bytes().hex() + '\n["a"]\nmore\n', "utf-8")
    script = (f":read {other}\n:read {lying}\n:read {garbage}\n:read {nested}\n:read {latin1}\n:read {extra}\n"
              ":read /dev/zero\n:saved\n")
    status, out = drive(tv, [], script)
    assert status == 0
    assert printed_for(out, f":read {nested}")[0] == f"error: the second line of {nested} must be a JSON list of tokens"
    assert printed_for(out, f":read {other}")[0] == "error: Context bytes are for curve 'secp256k1', not 'toy-plot'."
    assert printed_for(out, f":read {lying}")[0] == f"error: the tokens in {lying} do not compose to its context"
    assert printed_for(out, f":read {garbage}")[0] == f"error: the first line of {garbage} must be the context's bytes in hex"
    assert printed_for(out, f":read {latin1}")[0] == f"error: {latin1} is not UTF-8 text (byte 0): not a file :write made"
    assert printed_for(out, f":read {extra}")[0].startswith(f"error: {extra} has 3 lines; a file :write made has at most two")
    # a device is read up to the limit, not to the end of memory
    assert printed_for(out, ":read /dev/zero")[0] == f"error: /dev/zero holds more than {demos.FILE_MAX:,} bytes, more than a demo reads"
    assert printed_for(out, ":saved") == ["nothing saved yet (:save NAME)"]


def test_reset_returns_to_length_zero():
    _, out = drive(tv, ["--curve", "secp256k1"], "a b c\n:save s\n:reset\n:undo\n")
    assert state_after(out, ":reset") == "state: length=0 point=00 tokens=[]"
    assert printed_for(out, ":undo") == ["error: nothing to undo"]


def test_bad_commands_print_an_error_and_continue():
    bad = [":bogus", ":window x 2", ":window 3 1", ":window 1", ":undo", ":undo 0", ":load nope",
           ":read /nonexistent/file.ctx", ":save", ":write", ":", ":plot extra"]
    script = "\n".join(bad + ["still alive", ":quit", "never read"]) + "\n"
    status, out = drive(tv, [], script)
    assert status == 0
    assert "Traceback" not in out
    for command in bad:
        lines = printed_for(out, command)
        assert lines and lines[-1].startswith("error: "), (command, lines)
        assert state_after(out, command) == "state: length=0 point=00 (O) tokens=[]"
    assert printed_for(out, ":bogus") == ["error: unknown command ':bogus'; type :help for the list"]
    assert printed_for(out, ":") == ["error: unknown command ':'; type :help for the list"]
    assert printed_for(out, ":window 3 1") == ["error: window bounds must satisfy 0 <= i <= j <= 0, not (3, 1)"]
    assert printed_for(out, ":load nope") == ["error: no saved context 'nope' (saved: none yet)"]
    assert parse_state(state_after(out, "still alive"))[0] == 2
    assert "never read" not in out


def test_end_of_input_ends_cleanly_and_help_lists_every_command():
    status, out = drive(tv, [], ":help\nx\n")
    assert status == 0 and "bye" not in out
    for usage in (":undo [N]", ":window I J", ":save NAME", ":load NAME", ":write PATH", ":read PATH [NAME]",
                  ":reset", ":help", ":quit"):
        assert usage in out


def test_an_unknown_curve_is_an_error_not_a_traceback():
    with pytest.raises(demos.DemoError, match="Unknown curve 'nope'"):
        drive(tv, ["--curve", "nope"], "a\n")


def grid_lines(plot_lines):
    """The rows of the plot grid (y labels, axis, 43 cells), from the printed panel."""
    rows = []
    for ln in plot_lines:
        m = re.match(r"│ (..)│(.{43})", ln)
        if m:
            rows.append(m.group(2))
    return rows


def test_plot_shows_the_whole_group_the_state_and_its_trail(engines):
    _, out = drive(tv, [], ":plot\na b c\n:plot\n")
    empty, moved = [lines for cmd, lines, _ in blocks(out) if cmd == ":plot"]
    assert "toy-plot: all 47 points of y² = x³ + x + 3 over F_43" in empty[0]
    rows = grid_lines(empty)
    assert len(rows) == 22
    # every one of the 46 affine points is drawn; the state (the identity) is the corner cell
    assert sum(r.count("▀") + r.count("▄") + 2 * r.count("█") for r in rows) == 46
    assert any(ln.startswith("│ @O└") for ln in empty)
    rows = grid_lines(moved)
    text = "".join(rows)
    assert text.count("@") == 1 and {"1", "2"} <= set(text)  # the state and the trail of a, a b
    P = engines["toy-plot"].compose("a b c").point
    row = rows[21 - P.y // 2]
    assert row[P.x] == "@"
    assert any(ln.startswith("│ 3O└") for ln in moved)  # the empty sequence, three steps ago
    status, out = drive(tv, ["--curve", "secp256k1"], ":plot\n")
    assert printed_for(out, ":plot")[0].startswith("error: no plot on 'secp256k1'")


def test_a_script_shows_the_plot_at_its_start_and_end(engines):
    """Piped input shows the whole group without typing :plot: at the start, and at the end with the trail."""
    status, out = drive(tv, [], "a b c\n:quit\n")
    assert status == 0
    assert out.count("toy-plot: all 47 points of y² = x³ + x + 3 over F_43") == 2
    first = blocks(out)[0][1]  # printed before the first state line
    rows = grid_lines(first)
    assert len(rows) == 22 and sum(r.count("▀") + r.count("▄") + 2 * r.count("█") for r in rows) == 46
    assert any(ln.startswith("│ @O└") for ln in first)
    end = out[out.rindex("state: "):].splitlines()  # after the last state line: the final plot, then bye
    P = engines["toy-plot"].compose("a b c").point
    rows = grid_lines(end)
    assert len(rows) == 22 and rows[21 - P.y // 2][P.x] == "@"
    assert any(ln.startswith("│ 3O└") for ln in end)  # the trail: the empty sequence, three steps ago
    assert end[-1] == "bye"
    _, out = drive(tv, ["--curve", "secp256k1"], "a b c\n")
    assert "points of" not in out and "error" not in out


def _screen(width, height, script):
    buf = io.StringIO()
    console = Console(file=buf, width=width, height=height, force_terminal=False)
    repl = tv.Repl(tv.Session(Traversal("toy-plot")), console)
    for line in script:
        repl.handle(line)
    console.print(repl.screen())
    return buf.getvalue().splitlines()


@pytest.mark.parametrize("script", [
    [],
    ["the cat sat on the mat"],
    [" ".join(f"w{i}" for i in range(40)), ":window 1 3"],  # a long log and a result panel
])
def test_the_screen_fits_80_by_24(script, engines):
    """With the prompt line below it, the screen fits 24 rows: the header, the state and a plot, all whole."""
    lines = _screen(80, 24, script)
    assert len(lines) <= 23, "\n".join(lines)
    assert all(len(ln) <= 80 for ln in lines)
    assert lines[0].startswith("ectraverse traverse  type words")
    screen = "\n".join(lines)
    c = engines["toy-plot"].compose(" ".join(ln for ln in script if not ln.startswith(":")))
    assert "state C(u) = (length, point)" in screen
    assert re.search(rf"length\s+{c.length}\b", screen) and re.search(r"point\s+" + c.point.to_bytes().hex(), screen)
    assert "toy-plot: all 47 points" in screen and "@ state" in screen
    assert "╭─ toy-plot" in screen and "└" + "─" * 22 in screen  # the whole compact plot, its top and its axis
    assert screen.count("@") == 2  # the state in the plot, and the legend


def test_a_large_terminal_gets_the_full_plot():
    screen = "\n".join(_screen(120, 40, ["the cat"]))
    assert "toy-plot: all 47 points of y² = x³ + x + 3 over F_43" in screen and "└" + "─" * 43 in screen


def test_the_compact_plot_draws_every_point_and_marks_the_state(engines):
    plot = tv.GroupPlot(engines["toy-plot"].curve)
    text = plot.render_compact(engines["toy-plot"].identity.point, []).plain
    dots = sum(bin(ord(ch) - 0x2800).count("1") for ch in text if 0x2800 < ord(ch) <= 0x28FF)
    assert dots == 46 and "@O└" in text  # every affine point is a dot; the identity is the corner
    P = engines["toy-plot"].compose("a b").point
    rows = [ln[3:] for ln in plot.render_compact(P, []).plain.splitlines()[:11]]
    assert rows[10 - P.y // 4][P.x // 2] == "@"


def test_session_doctest():
    assert doctest.testmod(tv, optionflags=doctest.ELLIPSIS).failed == 0


# ---------------------------------------------------------------- algebra


@pytest.fixture(scope="module")
def algebra_run():
    return drive(algebra, ["--trials", "12", "--fast"], "", width=160)


def test_algebra_checks_every_law_and_all_pass(algebra_run):
    status, out = algebra_run
    assert status == 0
    assert "FAIL" not in out and "Traceback" not in out
    for number, law in enumerate(LAWS, 1):
        assert f"{number}. {law}: " in out
        # the counts cannot be misread: 12 trials in all, 3 of them in the table
        assert f"{law}: 12 of 12 trials passed (3 of them shown above)" in out
        row = next(ln for ln in out.splitlines() if ln.startswith(f"│ {law} "))
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells[0] == law and cells[2:4] == ["12", "12"] and cells[4].endswith(" ms"), cells
    assert out.count("│ pass") == 3 * len(LAWS)
    assert "All 6 laws hold on every trial." in out


def test_algebra_shows_real_sequences_and_contexts(algebra_run, engines):
    _, out = algebra_run
    eng = engines["secp256k1"]
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("1. closure"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("closure: "))
    rows = [[c.strip() for c in ln.split("│")] for ln in lines[start:end] if ln.rstrip().endswith("│ pass")]
    assert len(rows) == 3
    for u, v, prod, whole, _ in rows:  # at width 160 no sequence wraps
        u, v = ([] if x == "(empty)" else x.split() for x in (u, v))
        c = eng.compose(u + v)
        assert prod == whole == f"({c.length}, {c.point.to_bytes().hex()[:6]}…)"
    assert "Example of the exception: u = cat, v = cat cat give uv = vu" in out


def test_algebra_is_deterministic_per_seed():
    def normalised(argv):
        status, out = drive(algebra, argv + ["--trials", "4"], "")
        out = re.sub(r"\d+\.\d ms", "t ms", out)
        # the time column is as wide as its widest time ("9.8 ms" or "10.2 ms"): padding and rules vary
        return status, re.sub(r"[ ─━]+", " ", out)

    assert normalised(["--seed", "5"]) == normalised(["--seed", "5"])
    assert normalised(["--seed", "5"])[1] != normalised(["--seed", "6"])[1]


def test_algebra_on_a_toy_curve_only_order_can_collide():
    status, out = drive(algebra, ["--curve", "toy-plot", "--trials", "60"], "", width=160)
    for law in LAWS[:4] + ["powers"]:
        assert f"{law}: 60 of 60 trials passed (3 of them shown above)" in out
    if status == 1:  # a genuine collision among 47 points, explained
        assert "1 law(s) failed: non-commutativity" in out
        assert "These are genuine collisions, not broken arithmetic: the contexts' points lie in a group of only 47" in out
        assert "The only failures are collisions of distinct sequences, which a curve whose contexts have 47" in out
    else:
        assert status == 0


def test_algebra_tally_wording():
    assert doctest.testmod(algebra, optionflags=doctest.ELLIPSIS).failed == 0
    _, out = drive(algebra, ["--trials", "2", "--show", "5", "--fast"], "", width=160)
    assert "closure: 2 of 2 trials passed (all shown above)" in out
    _, out = drive(algebra, ["--trials", "1", "--show", "0", "--fast"], "", width=160)
    assert "closure: 1 of 1 trial passed\n" in out
    assert "more trials" not in out


def test_algebra_on_a_narrow_terminal():
    """On 40 columns each trial is printed as lines ``column  value``, sequences whole (the u column was
    one letter wide, a word spelled down the screen)."""
    _, out = drive(algebra, ["--trials", "2", "--fast"], "", width=40)
    lines = out.splitlines()
    assert "┃" not in out and max(map(len, lines)) <= 40
    assert sum(line.split() == ["ok", "pass"] for line in lines) == 6 * 2
    assert "laws checked live" in out and any(line.startswith("law        closure") for line in lines)


def test_algebra_unknown_curve():
    with pytest.raises(demos.DemoError, match="Unknown curve 'nope'"):
        drive(algebra, ["--curve", "nope"], "")


# ---------------------------------------------------------------- a real terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def _read_until(fd, chunks, needle, timeout=15.0):
    """Read the pty into chunks until the ANSI-stripped text contains needle (or EOF)."""
    deadline = time.monotonic() + timeout
    while needle not in ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {needle!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not data:
            return False
        chunks.append(data)
    return True


@contextlib.contextmanager
def _demo_in_a_terminal(module: str, cwd):
    """``(proc, master, chunks)``: ``python -m ectraverse.demos.MODULE`` on a 120 x 40 pseudo-terminal of
    its own, read into chunks by :func:`_read_until`; killed if still running at the end.  cwd: outside the
    checkout, as ``python -m`` puts the working directory first on sys.path, and a clean checkout's source
    tree has no compiled core (the installed package must be imported)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "TERM")}
    env["TERM"] = "xterm-256color"
    root = str(Path(ectraverse.__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    # Ctrl-C as a terminal's foreground process gets it, even when these tests run in the background (a shell
    # starts background jobs with SIGINT ignored, which the child would inherit and Python keep)
    proc = subprocess.Popen([sys.executable, "-m", f"ectraverse.demos.{module}"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True, close_fds=True, cwd=cwd,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    try:
        yield proc, master, []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_traverse_in_a_real_terminal(engines, tmp_path):
    with _demo_in_a_terminal("traverse", tmp_path) as (proc, master, chunks):
        _read_until(master, chunks, "›")
        os.write(master, b"hello world\r")
        _read_until(master, chunks, "#2 push 'world'")
        os.write(master, b":window 0 2\r")
        _read_until(master, chunks, "equal ✓")
        os.write(master, b":quit\r")
        _read_until(master, chunks, "\x00never")  # to EOF
        assert proc.wait(timeout=15) == 0
    raw = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[?1049h" in raw  # the alternate screen of a full-screen app
    screen = ANSI.sub("", raw)
    c = engines["toy-plot"].compose("hello world")
    assert "state C(u) = (length, point)" in screen
    assert re.search(r"length\s+2\b", screen)
    assert re.search(r"point\s+" + c.point.to_bytes().hex(), screen)
    assert f"({c.point.x}, {c.point.y})" in screen
    assert "toy-plot: all 47 points" in screen and "└" + "─" * 43 in screen
    assert "@ state" in screen and "1-8 trail" in screen
    assert "window 0 2 = tokens[0:2]: hello world" in screen
    # leaving the alternate screen, the final state is printed for the shell's scrollback
    assert f"state: length=2 point={c.point.to_bytes().hex()} (x={c.point.x}, y={c.point.y})" in screen


def test_undo_of_a_non_decimal_digit_is_a_usage_error():
    _, out = drive(tv, ["--curve", "secp256k1"], "a b\n:undo ²\n")
    assert printed_for(out, ":undo ²") == ["error: N must be a positive integer, not '²'"]


def test_a_line_is_pushed_whole_or_not_at_all_and_undo_n_whole(engines):
    """A line with a token that cannot be one (a lone surrogate: how a byte that is not UTF-8 reads) pushed the
    tokens before it, dropped the rest and reported only the error; ``:undo 5`` with two actions undid both,
    then said "nothing to undo". Both now change nothing and say why."""
    eng = engines["toy-plot"]
    _, out = drive(tv, ["--curve", "toy-plot"], "a b\nc \udcff d\n:undo 5\n:undo 99999\n:undo 2\n:undo\n")
    echoed = "c \\udcff d"  # the line as echoed: the surrogate shown as its escape
    assert printed_for(out, echoed) == ["error: str tokens must be valid Unicode: '\\udcff' has a lone surrogate "
                                        "at index 0"]
    assert parse_state(state_after(out, echoed)) == expected(eng, "a b")
    assert printed_for(out, ":undo 5") == ["error: only 2 actions to undo, not 5"]
    assert parse_state(state_after(out, ":undo 5")) == expected(eng, "a b")
    assert parse_state(state_after(out, ":undo 2")) == (0, "00")
    assert printed_for(out, ":undo") == ["error: nothing to undo"]


def test_numbers_past_the_digit_limit_are_said_to_be_too_long():
    """A bound of 5,000 digits was "not an integer", echoed whole; elsewhere Python's own advice to raise
    sys.set_int_max_str_digits() came through."""
    big = "9" * 5000
    _, out = drive(tv, ["--curve", "toy-plot"], f"a b\n:window 0 {big}\n:undo {big}\n")
    assert printed_for(out, f":window 0 {big}") == ["error: a window bound must be an integer of at most 4,300 digits, "
                                                    "not one of 5,000"]
    assert printed_for(out, f":undo {big}") == ["error: N must be a positive integer of at most 4,300 digits, not one "
                                                "of 5,000"]


def test_a_file_write_made_reads_back_whatever_its_tokens(tmp_path):
    """Tokens holding U+2028, U+0085 or U+2029 (the chars tokenizer makes them) are written as they are, and
    splitlines() broke the file at them: ":read" refused what ":write" had just made."""
    path = tmp_path / "ls.ctx"
    text = "a\u2028b\u0085c\u2029d"
    eng = Traversal("toy-plot", tokenizer="chars")
    _, out = drive(tv, ["--curve", "toy-plot", "--tokenizer", "chars"], f"{text}\n:write {path}\n:read {path} again\n")
    c = eng.compose(text)
    assert c.length == 7
    assert printed_for(out, f":read {path} again") == [f"#8 read 'again': length 7, point {tv.short_hex(c.point)}",
                                                       f"read 'again' = (7, {tv.short_hex(c.point)}) with its 7 tokens "
                                                       "(checked)"]


@pytest.mark.parametrize("module, prompt", [("traverse", "›"), ("cycle", "cycle>"), ("windows", "windows>")])
def test_ctrl_c_at_a_prompt_is_an_interruption(module, prompt, tmp_path):
    """Ctrl-C at an interactive prompt ended the demo as end of input does: status 0 and no word, where the
    docs promise 130 and "ectraverse: interrupted"."""
    with _demo_in_a_terminal(module, tmp_path) as (proc, master, chunks):
        _read_until(master, chunks, prompt)
        for _ in range(5):  # as Ctrl-C in its terminal (this pty is not its controlling one)
            proc.send_signal(signal.SIGINT)
            try:  # a signal that lands between the prompt and the read's wait is seen at the next key: press again
                _read_until(master, chunks, "ectraverse: interrupted", timeout=3.0)
                break
            except AssertionError:
                continue
        _read_until(master, chunks, "\x00never")  # to EOF
        assert proc.wait(timeout=15) == 130
    screen = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))
    assert "ectraverse: interrupted" in screen and "Traceback" not in screen
    if module == "traverse":  # the state is left in the scrollback first, as on :quit
        assert "state: length=0 point=00" in screen


def test_tokens_and_names_are_shown_not_read_as_markup_or_terminal_controls(engines):
    """The screen's state panel read its tokens and saved names as rich markup (":save [/]" ended the demo
    with a MarkupError), and :window and :saved printed them raw (an ESC reached the terminal)."""
    buf = io.StringIO()
    console = Console(file=buf, width=100, height=30, force_terminal=False)
    repl = tv.Repl(tv.Session(Traversal("toy-plot", tokenizer="whitespace")), console)
    for line in ["[/] [bold]x \x1b]0;T\x07", ":save [/]", ":save \x1b[31mred", ":window 0 3", ":saved"]:
        repl.handle(line)
    console.print(repl.screen())
    for m in repl.messages:
        console.print(m)
    out = buf.getvalue()
    assert "\x1b" not in out
    assert "[/] [bold]x \\x1b]0;T\\x07" in out  # the panel's tokens and :window's, literally
    assert "[/], \\x1b[31mred" in out  # the panel's saved names
    assert "\\x1b[31mred: " in out  # :saved


# ---------------------------------------------------------------- found by a mutation audit of the demos


def test_a_saved_context_keeps_its_tokens_when_the_state_moves_on(engines):
    """:save keeps the tokens as they were: pushing more afterwards changes neither the saved context's tokens
    nor what :load composes; :undo takes the load back by the inverse, and shows it."""
    eng = engines["toy-plot"]
    _, out = drive(tv, [], "a b\n:save ab\nc\n:load ab\n:saved\n:undo\n")
    loaded = state_after(out, ":load ab")
    assert parse_state(loaded) == expected(eng, "a b c a b") and loaded.endswith("tokens=[a b c a b]")
    assert printed_for(out, ":load ab")[-1].startswith("C(tokens + ab's tokens) = (5, ")
    assert printed_for(out, ":load ab")[-1].endswith("equal ✓")
    assert any(ln.startswith("ab: (2, ") and ln.endswith("  a b") for ln in printed_for(out, ":saved"))
    # undone by the inverse, shown, and checked against popping the two tokens
    abc = f"(3, {tv.short_hex(eng.compose('a b c').point)})"
    assert printed_for(out, ":undo")[-2:] == [f"state * C(ab)^-1 = {abc}",
                                              f"popping its 2 tokens gives {abc}: equal ✓"]


def _cell(rows, point):
    """The character the plot's grid rows show for an affine point."""
    return rows[21 - point.y // 2][point.x]


def test_the_plot_shows_the_state_over_its_trail_and_a_place_at_its_latest_age(engines):
    """'@' wins the cell it shares with the trail; a place visited twice shows its more recent age; :save,
    which does not move the state, adds nothing to the trail."""
    eng = engines["toy-plot"]
    _, out = drive(tv, [], "a\n:undo\n:plot\nb\n:plot\n:save s\nc\n:plot\n")
    back, again, saved = [lines for cmd, lines, _ in blocks(out) if cmd == ":plot"]
    a, b = eng.compose("a").point, eng.compose("b").point
    assert any(ln.startswith("│ @O└") for ln in back) and _cell(grid_lines(back), a) == "1"
    # visited: e, a, e, b: the identity 1 and 3 moves ago, a 2 moves ago
    assert any(ln.startswith("│ 1O└") for ln in again) and _cell(grid_lines(again), a) == "2"
    # then :save s and c: b 1 move ago, the identity 2 (and 4), a 3
    rows = grid_lines(saved)
    assert any(ln.startswith("│ 2O└") for ln in saved)
    assert _cell(rows, b) == "1" and _cell(rows, a) == "3" and _cell(rows, eng.compose("b c").point) == "@"


def test_the_plot_trail_is_the_eight_previous_states(engines):
    """Ten tokens: the trail marks the eight states before the current one, 1 (the previous) .. 8; the state
    after the first token, and the identity before it, are not marked."""
    eng = engines["toy-plot"]
    line = "q0 t1 w2 z3 c4 f5 i6 l7 o8 r9"
    prefixes = eng.prefixes(line.split())
    cells = {(prefixes[k].point.x, prefixes[k].point.y // 2) for k in range(1, 11)}
    assert len(cells) == 10  # ten states in ten different cells, none the identity
    _, out = drive(tv, [], f"{line}\n:plot\n")
    plot = printed_for(out, ":plot")
    rows = grid_lines(plot)
    assert _cell(rows, prefixes[10].point) == "@"
    for age in range(1, 9):
        assert _cell(rows, prefixes[10 - age].point) == str(age), age
    assert _cell(rows, prefixes[1].point) in "▀▄█" and "9" not in "".join(rows)
    assert any(ln.startswith("│  O└") for ln in plot)


def _curve_points(C):
    """Every affine point of a tiny curve, by trying every (x, y): independent of the library's group law."""
    return {(x, y) for x in range(C.p) for y in range(C.p) if (y * y - x ** 3 - C.a * x - C.b) % C.p == 0}


def test_the_plot_draws_each_point_in_its_half_of_a_cell(engines):
    """Each row of the plot holds two y values: a point at the upper y is ▀, at the lower ▄, both █; in the
    compact plot each point is its own braille dot (dots 1 2 3 7 down the left column, 4 5 6 8 down the right)."""
    C = engines["toy-plot"].curve
    points = _curve_points(C)
    assert len(points) == C.n - 1  # toy-plot: the curve's points are the whole group
    plot = tv.GroupPlot(C)
    rows = [ln[3:] for ln in plot.render(engines["toy-plot"].identity.point, []).plain.splitlines()[:22]]
    for r, row in enumerate(rows):
        lo = 2 * (21 - r)
        for x in range(C.p):
            up, down = (x, lo + 1) in points, (x, lo) in points
            assert row[x] == ("█" if up and down else "▀" if up else "▄" if down else " "), (x, lo)
    rows = [ln[3:] for ln in plot.render_compact(engines["toy-plot"].identity.point, []).plain.splitlines()[:11]]
    left, right = (0x40, 0x04, 0x02, 0x01), (0x80, 0x20, 0x10, 0x08)  # by y % 4
    for r, row in enumerate(rows):
        for col in range(22):
            bits = sum((left if x % 2 == 0 else right)[y % 4] for x, y in points
                       if x // 2 == col and y // 4 == 10 - r)
            assert row[col] == (chr(0x2800 + bits) if bits else " "), (col, r)


def test_algebra_a_collision_fails_the_law_the_summary_and_the_exit_status():
    """On toy-plot (47 points), seed 0 and 25 trials draw one genuine collision in the non-commutativity law,
    at a trial past the three shown: it is shown as FAIL, counted, explained, and the exit status is 1."""
    status, out = drive(algebra, ["--curve", "toy-plot", "--trials", "25", "--fast"], "", width=160)
    assert status == 1
    assert "non-commutativity: 24 of 25 trials passed (4 of them shown above)" in out
    for law in LAWS[:4] + ["powers"]:
        assert f"{law}: 25 of 25 trials passed (3 of them shown above)" in out
    failed = [[c.strip() for c in ln.split("│")] for ln in out.splitlines() if ln.rstrip().endswith("│ FAIL")]
    assert len(failed) == 1
    u, v = failed[0][0].split(), failed[0][1].split()
    eng = Traversal("toy-plot")
    assert u + v != v + u and eng.compose(u) * eng.compose(v) == eng.compose(v) * eng.compose(u)
    row = next(ln for ln in out.splitlines() if ln.startswith("│ non-commutativity "))
    assert [c.strip() for c in row.strip("│").split("│")][2:4] == ["25", "24"]
    assert "1 law(s) failed: non-commutativity" in out and "All 6 laws hold" not in out
    assert "These are genuine collisions, not broken arithmetic" in out


def test_algebra_draws_no_commuting_pair_for_non_commutativity(engines):
    """uv = vu is the exception the law excludes: a drawn pair that commutes (seed 26 draws dog, dog) is drawn
    again, never shown as a failure.  Every trial shown: each pair differs from its swap, and so do its contexts."""
    eng = engines["secp256k1"]
    status, out = drive(algebra, ["--seed", "26", "--trials", "12", "--show", "12", "--fast"], "", width=200)
    assert status == 0 and "non-commutativity: 12 of 12 trials passed (all shown above)" in out
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("5. non-commutativity"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("non-commutativity: "))
    rows = [[c.strip() for c in ln.split("│")] for ln in lines[start:end] if ln.rstrip().endswith("│ pass")]
    assert len(rows) == 12
    for u, v, *_ in rows:
        u, v = u.split(), v.split()
        assert u + v != v + u and eng.compose(u) * eng.compose(v) != eng.compose(v) * eng.compose(u)


def test_algebra_defaults_and_the_trials_cap():
    """Without options: seed 0, 25 trials a law, sequences of 0..6 tokens, as the intro says; --trials takes at
    most 10,000."""
    status, out = drive(algebra, ["--fast"], "", width=160)
    assert status == 0
    intro = " ".join(out.split())
    assert "sequences of 0..6 tokens" in intro and "seed 0, 25 trials per law." in intro
    assert "closure: 25 of 25 trials passed (3 of them shown above)" in out
    assert demos.build_parser("algebra").parse_args(["--trials", "10000"]).trials == 10_000
    with pytest.raises(SystemExit):
        demos.build_parser("algebra").parse_args(["--trials", "10001"])


class _Terminal(io.StringIO):
    """A script that says it is a terminal."""

    def isatty(self):
        return True


def test_algebra_pauses_between_laws_only_in_a_terminal_without_fast(monkeypatch):
    """In a terminal the tour pauses after each law (--fast skips the pauses); a script never pauses."""
    pauses = []
    monkeypatch.setattr(algebra.time, "sleep", pauses.append)
    args = demos.build_parser("algebra").parse_args(["--trials", "1"])
    console = Console(file=io.StringIO(), width=160)
    assert algebra.run(args, stdin=io.StringIO(""), console=console) == 0 and pauses == []
    assert algebra.run(args, stdin=_Terminal(""), console=console) == 0 and len(pauses) == 6 and min(pauses) > 0
    pauses.clear()
    args.fast = True
    assert algebra.run(args, stdin=_Terminal(""), console=console) == 0 and pauses == []


def test_algebra_commuting_example_is_equal(algebra_run, engines):
    """The exception to non-commutativity, cat and cat cat, is shown equal, with the context of cat cat cat."""
    _, out = algebra_run
    c = engines["secp256k1"].compose(["cat"] * 3)
    assert (f"so C(u)C(v) = C(v)C(u) = (3, {c.point.to_bytes().hex()[:6]}…): equal, as it must be."
            in " ".join(out.split()))


def test_a_state_without_tokens_is_written_as_one_line_and_read_back(tmp_path, engines):
    """A state known by its context alone is written without a tokens line, reads back, and :saved says it has
    no tokens."""
    eng = engines["toy-plot"]
    bare, written = tmp_path / "bare.ctx", tmp_path / "written.ctx"
    bare.write_text(eng.compose("x y").to_bytes().hex() + "\n", "utf-8")
    _, out = drive(tv, [], f":read {bare} xy\n:load xy\n:write {written}\n:read {written} again\n:saved\n")
    c = eng.compose("x y")
    assert written.read_text("utf-8") == c.to_bytes().hex() + "\n"
    assert printed_for(out, f":read {written} again")[-1] == f"read 'again' = (2, {tv.short_hex(c.point)})"
    assert f"again: (2, {tv.short_hex(c.point)})  no tokens" in printed_for(out, ":saved")


def test_tokens_lists_every_token_and_the_state_line_the_last_ten():
    """:tokens numbers the whole sequence (for :window); the state line shows the last ten, with '…' before
    them only when there are more."""
    words = " ".join(f"w{i}" for i in range(14))
    _, out = drive(tv, ["--curve", "secp256k1"], f"{words}\n:tokens\n:undo 4\n")
    assert printed_for(out, ":tokens") == ["tokens: " + " ".join(f"{i}:w{i}" for i in range(14))]
    assert state_after(out, words).endswith("tokens=[… " + " ".join(f"w{i}" for i in range(4, 14)) + "]")
    assert state_after(out, ":undo 4").endswith("tokens=[" + " ".join(f"w{i}" for i in range(10)) + "]")


def test_undo_refusal_counts_in_words_and_command_aliases():
    """With one action, ":undo 2" says "only 1 action"; :u, :w, :h, :? and :exit are the short forms."""
    _, out = drive(tv, ["--curve", "secp256k1"], "a\n:undo 2\n:w 0 1\n:h\n:?\n:u\n:exit\nb\n")
    assert printed_for(out, ":undo 2") == ["error: only 1 action to undo, not 2"]
    window = printed_for(out, ":w 0 1")
    assert window[0] == "window 0 1 = tokens[0:1]: a" and window[-1] == "equal ✓"
    for command in (":h", ":?"):
        assert any(":undo [N]" in ln for ln in printed_for(out, command)), command
    assert parse_state(state_after(out, ":u")) == (0, "00")
    assert "› b" not in out and out.rstrip().endswith("bye")
