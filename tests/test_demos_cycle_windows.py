"""The ``cycle`` and ``windows`` demos, driven by scripts on stdin, with their output checked for real content.

Every claim a demo prints is checked twice: in its captured output, and
against an independent computation (the algebra directly, or a brute-force
scan of the token list).
"""

import argparse
import io
import re
import subprocess
import sys

import pytest
from rich.console import Console

import child

from ectraverse import Traversal, curve
from ectraverse.context import ContextGroup
from ectraverse import demos
from ectraverse.demos import cycle, windows

MONTHS = cycle.MONTHS


def drive(module, argv, script, width=120):
    """Run a demo on a script; return (exit status, output)."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    buf = io.StringIO()
    status = module.run(args, stdin=io.StringIO(script), console=Console(file=buf, width=width))
    return status, buf.getvalue()


def after(out, command):
    """The output printed after the echoed command line ``> command`` (up to the next echoed command)."""
    start = out.index(f"> {command}\n") + len(command) + 3
    nxt = out.find("\n> ", start)
    return out[start:] if nxt < 0 else out[start : nxt + 1]


# ---------------------------------------------------------------- cycle


@pytest.fixture(scope="module")
def cycle_run():
    script = "\n".join([
        "+3 December", "+12 May", "+13 January", "-1 January", "+25 oct", "+0 Jun",
        "compose March October", "compose Dec Dec Dec",
        "cycle Nov", "power 12", "collide",
        "+3 Smarch", "bogus", "+3", "cycle",
        "quit", "+1 January",
    ]) + "\n"
    return drive(cycle, [], script)


@pytest.mark.parametrize("name", ["secp256k1", "P-256"])
def test_order_12_root_is_exact(name):
    n = curve(name).n
    w = cycle.order_12_root(n)
    assert [d for d in range(1, 13) if pow(w, d, n) == 1] == [12]


def test_order_12_root_refuses_bad_n():
    with pytest.raises(ValueError, match="divisible by 12"):
        cycle.order_12_root(curve("P-384").n)


def test_cycle_walkthrough_shows_the_wrap(cycle_run):
    status, out = cycle_run
    assert status == 0
    rows = {m: line for line in out.splitlines() for m in MONTHS if re.match(rf"│ \d+\s+│ {m}\s", line)}
    assert len(rows) == 12
    for i, m in enumerate(MONTHS):
        assert MONTHS[(i + 3) % 12] in rows[m].split("│")[6], rows[m]
        assert "✓ exactly" in rows[m]
    assert "(wrapped)" in out  # October, November, December wrap into the next year
    assert "w^12 = 1" in out
    assert "= M_0 = " in out and ": equal." in out


def test_cycle_engine_multiplier_never_returns_to_one(cycle_run):
    _, out = cycle_run
    assert "k^d = 1 for d in 1..12: none." in out
    power_row = re.compile(r"│ (\d+)\s+│ .*│ (yes|no)\s+│ .*│ (yes|no)\s+│$")
    rows = [line for line in out.splitlines() if power_row.match(line)]
    table = {int(r.split("│")[1]): r for r in rows}
    assert set(table) >= set(range(1, 13))
    for d in range(1, 13):
        cells = [c.strip() for c in table[d].split("│")]
        assert cells[3] == ("yes" if d == 12 else "no")
        assert cells[5] == "no"
    eng = Traversal("secp256k1")
    assert all(eng.group.power(d) != 1 for d in range(1, 13))


def test_cycle_bad_multiplier_collides(cycle_run):
    _, out = cycle_run
    bad = [line for line in out.splitlines() if "bad: w, order 12" in line]
    good = [line for line in out.splitlines() if "engine: k" in line]
    assert bad and all("EQUAL: collision" in line for line in bad)
    assert good and all("different" in line and "EQUAL" not in line for line in good)
    assert "twelve Januaries compose to (12, O, the identity point)" in out
    # the collision the demo prints, checked directly in the algebra
    C = curve("secp256k1")
    eng = Traversal(C)
    w = cycle.order_12_root(C.n)
    G = ContextGroup(C, w, b"test")
    u = list(MONTHS) + ["March"]
    v = ["March"] + list(MONTHS[1:]) + ["January"]

    def bad_compose(tokens):
        ctx = G.identity
        for t in tokens:
            ctx = ctx * G.atom(eng.vocabulary.generator(t))
        return ctx

    assert u != v and bad_compose(u) == bad_compose(v)
    assert eng.compose(u) != eng.compose(v)


def test_cycle_shift_commands(cycle_run):
    _, out = cycle_run
    assert "= M_2 = March" in after(out, "+3 December") and "exact: equal to M_2" in after(out, "+3 December")
    assert "wrapped forward 1 year" in after(out, "+3 December")
    assert "= M_4 = May" in after(out, "+12 May")
    assert "= M_1 = February" in after(out, "+13 January")
    assert "= M_11 = December" in after(out, "-1 January") and "wrapped back" in after(out, "-1 January")
    assert "= M_10 = November" in after(out, "+25 oct") and "wrapped forward 2 years" in after(out, "+25 oct")
    assert "= M_5 = June" in after(out, "+0 Jun") and "wrapped" not in after(out, "+0 Jun")
    assert "= M_11 = December" in after(out, "compose March October")
    assert "= M_9 = October" in after(out, "compose Dec Dec Dec")  # 33 = 9 mod 12, October is M_9
    assert "exactly back at November" in after(out, "cycle Nov")
    assert "│ 12 │ 1 " in after(out, "power 12").replace("  ", " ").replace("  ", " ")
    assert "EQUAL: collision" in after(out, "collide")


def test_cycle_points_really_are_the_orbit():
    C = curve("secp256k1")
    n, w = C.n, cycle.order_12_root(C.n)
    B = Traversal(C).vocabulary.generator("January")
    M = [pow(w, i, n) * B for i in range(12)]
    assert len({P.to_bytes() for P in M}) == 12
    assert pow(w, 3, n) * M[11] == M[2] and pow(w, 12, n) * M[4] == M[4]


def test_cycle_bad_input_and_quit(cycle_run):
    _, out = cycle_run
    assert "unknown month 'Smarch'" in after(out, "+3 Smarch")
    assert "unknown command 'bogus'" in after(out, "bogus")
    assert "usage" in after(out, "+3") and "usage: cycle MONTH" in after(out, "cycle")
    assert "Traceback" not in out
    assert "> +1 January" not in out  # nothing runs after quit


def test_cycle_end_of_input_and_determinism():
    first = drive(cycle, ["--curve", "P-256"], "+3 December\n")
    second = drive(cycle, ["--curve", "P-256"], "+3 December\n")
    assert first == second and first[0] == 0
    assert "cycle on P-256" in first[1] and "= M_2 = March" in first[1]
    assert "GLV" not in first[1]  # P-256 has no a = 0 endomorphism to mention
    status, out = drive(cycle, [], "")
    assert status == 0 and "EQUAL: collision" in out


@pytest.mark.parametrize("name, residue", [("P-384", 6), ("P-521", 4)])
def test_cycle_refuses_curves_without_order_12(name, residue):
    with pytest.raises(demos.DemoError, match=f"n − 1 ≡ {residue} \\(mod 12\\), and 12 must divide n − 1; try one "
                                              "of: .*secp256k1"):
        drive(cycle, ["--curve", name], "+3 December\n")


def test_cycle_unknown_curve():
    with pytest.raises(demos.DemoError, match="Unknown curve 'no-such-curve'"):
        drive(cycle, ["--curve", "no-such-curve"], "")


def test_cycle_main(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("+3 December\nquit\n"))
    assert demos.main("cycle", []) == 0
    assert "= M_2 = March" in capsys.readouterr().out


# ---------------------------------------------------------------- windows


@pytest.fixture(scope="module")
def zen_tokens():
    return Traversal("secp256k1").tokens(windows.zen_text())


def brute(tokens, phrase):
    m = len(phrase)
    return [i for i in range(len(tokens) - m + 1) if tokens[i : i + m] == phrase]


def brute_repeats(tokens, m):
    seen = {}
    for i in range(len(tokens) - m + 1):
        seen.setdefault(tuple(tokens[i : i + m]), []).append(i)
    return {k: v for k, v in seen.items() if len(v) > 1}


@pytest.fixture(scope="module")
def windows_run():
    script = "\n".join([
        "is better than", "better than never", "the implementation is easy to explain , it",
        "foo bar", "Beautiful is worse than ugly", ":repeats 3", ":repeats 5", ":window 9 12", ":window 15 18",
        ":window 5 3", ":window x", ":repeats 9", ":nope", "# a comment", ":quit", "is better than",
    ]) + "\n"
    return drive(windows, [], script)


def test_zen_text_is_the_zen():
    text = windows.zen_text()
    assert text.startswith("The Zen of Python, by Tim Peters")
    assert text.count("is better than") == 7


def test_windows_intro_repeats_match_brute_force(windows_run, zen_tokens):
    status, out = windows_run
    assert status == 0
    assert f"{len(zen_tokens)} tokens ({len(set(zen_tokens))} distinct)" in out
    target = ("is", "better", "than")
    expected = brute_repeats(zen_tokens, 3)[target]
    assert expected == [9, 15, 21, 27, 33, 39, 120]
    line = next(ln for ln in out.splitlines() if re.match(r"│ 3 │ is better than\s", ln))
    cells = [c.strip() for c in line.split("│")]
    assert cells[3] == str(len(expected)) and cells[4] == ", ".join(map(str, expected))


def test_windows_identity_shown(windows_run, zen_tokens):
    _, out = windows_run
    assert 'the O(1) window identity for "is better than" (m = 3)' in out
    rows = [ln for ln in out.splitlines() if re.match(r"│ (9|15)\s+│ \(\d+,", ln)]
    assert len(rows) == 2 and all("✓ exactly" in r for r in rows)
    assert "P_9 ≠ P_15" in out and "the windows are equal" in out
    # and in the algebra, at every position of the phrase
    eng = Traversal("secp256k1")
    P = eng.prefixes(zen_tokens)
    phrase = ["is", "better", "than"]
    target = eng.compose(phrase)
    for i in brute(zen_tokens, phrase):
        assert P[i].inverse() * P[i + 3] == target == P.window(i, i + 3)
    assert P[9] != P[15]


def test_windows_lookups(windows_run, zen_tokens):
    _, out = windows_run
    for phrase in ("is better than", "better than never", "the implementation is easy to explain , it"):
        pos = brute(zen_tokens, phrase.split())
        assert pos
        plural = "s" if len(pos) != 1 else ""
        expected = f'"{phrase}": {len(pos)} position{plural}: {", ".join(map(str, pos))}'
        assert expected in " ".join(after(out, phrase).split())
    assert "confirmed by O(1) windows" in " ".join(after(out, "the implementation is easy to explain , it").split())
    assert '"foo bar": not found' in after(out, "foo bar")
    assert '"Beautiful is worse than ugly": not found' in after(out, "Beautiful is worse than ugly")


def test_windows_repeats_command(windows_run, zen_tokens):
    _, out = windows_run
    for m in (3, 5):
        section = after(out, f":repeats {m}")
        expected = brute_repeats(zen_tokens, m)
        assert f"{len(expected)} repeated phrase" in section
        for phrase, pos in expected.items():
            row = rf"│ {re.escape(' '.join(phrase))}\s+│ {len(pos)}\s+│ {', '.join(map(str, pos))}\s+│"
            assert re.search(row, section)


def test_windows_window_command(windows_run):
    _, out = windows_run
    for cmd in (":window 9 12", ":window 15 18"):
        section = " ".join(after(out, cmd).split())
        assert 'tokens' in section and '"is better than"' in section
        assert "equal: the window identity holds" in section
        assert "the same window starts at: 9, 15, 21, 27, 33, 39, 120" in section


def test_windows_bad_input_and_quit(windows_run):
    _, out = windows_run
    assert ":window needs 0 <= I < J" in after(out, ":window 5 3")
    assert "usage: :window I J" in after(out, ":window x")
    assert ":repeats needs M in [1, 6]" in after(out, ":repeats 9")
    assert "unknown command ':nope'" in after(out, ":nope")
    assert "Traceback" not in out
    assert out.count("> is better than") == 1  # nothing runs after :quit


def test_windows_every_ngram_lookup_matches_brute_force(zen_tokens):
    """Every distinct 1..6-gram of the text, looked up through the demo, gives the brute-force positions."""
    eng = Traversal("secp256k1")
    grams = []
    for m in range(1, 7):
        for i in range(len(zen_tokens) - m + 1):
            g = tuple(zen_tokens[i : i + m])
            if g not in grams and eng.tokens(" ".join(g)) == list(g) and not g[0].startswith(("#", ":")):
                grams.append(g)
    status, out = drive(windows, ["--top", "1"], "\n".join(" ".join(g) for g in grams) + "\n", width=400)
    assert status == 0
    found = {}
    for line in out.splitlines():
        match = re.match(r'^"(.*)": (\d+) positions?: (.*)$', line)
        if match:
            found[match.group(1)] = (int(match.group(2)), match.group(3))
    assert len(found) == len(grams)
    for g in grams:
        pos = brute(zen_tokens, list(g))
        count, shown = found[" ".join(g)]
        assert count == len(pos)
        assert shown.startswith(", ".join(map(str, pos[:16])))


def test_windows_custom_file(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("the cat sat on the mat . the cat sat on the hat . a cat sat\n", encoding="utf-8")
    tokens = "the cat sat on the mat . the cat sat on the hat . a cat sat".split()
    status, out = drive(windows, ["--file", str(path), "--max-n", "3"], "cat sat\nthe cat sat on the\ndog\n:repeats 4\n")
    assert status == 0
    assert f"{len(tokens)} tokens" in out
    assert f'"cat sat": 3 positions: {", ".join(map(str, brute(tokens, ["cat", "sat"])))}' in out
    assert '"the cat sat on the": 2 positions: 0, 7' in " ".join(out.split())
    assert '"dog": not found' in out
    assert ":repeats needs M in [1, 3]" in out
    # the phrase whose repeats share the most tokens: "cat sat" (2 x 2 shared) over "the cat sat" (3 x 1)
    assert 'the O(1) window identity for "cat sat" (m = 2)' in out


def test_windows_shows_control_characters_of_a_file_as_escapes(tmp_path):
    """A file's tokens reach the terminal as text: an ESC (a control sequence that sets the window's title
    here) and a bidirectional override are shown as escapes, never written as they are."""
    path = tmp_path / "hostile.txt"
    path.write_text("a \x1b]0;pwned\x07 b \u202eevil a \x1b]0;pwned\x07 b \u202eevil\n", encoding="utf-8")
    status, out = drive(windows, ["--file", str(path), "--max-n", "3"], "\x1b]0;pwned\x07 b\n:window 0 3\n",
                        width=400)
    assert status == 0
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b" in out and "\\x07" in out and "\\u202e" in out  # shown as escapes


def test_windows_file_errors(tmp_path):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(demos.DemoError, match=f"cannot read {re.escape(repr(missing))}: No such file or directory"):
        drive(windows, ["--file", missing], "")
    with pytest.raises(demos.DemoError, match=f"cannot read {re.escape(repr(str(tmp_path)))}: Is a directory"):
        drive(windows, ["--file", str(tmp_path)], "")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9\n")
    with pytest.raises(demos.DemoError, match=r"latin1.txt' is not UTF-8 \(byte 3: invalid continuation byte\)"):
        drive(windows, ["--file", str(latin1)], "")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(demos.DemoError, match="empty.txt holds no tokens"):
        drive(windows, ["--file", str(empty)], "")
    with pytest.raises(demos.DemoError, match="Unknown curve 'nope'"):
        drive(windows, ["--curve", "nope"], "")
    with pytest.raises(demos.DemoError, match="--max-n must be at most 32 for a text of 1[0-9]{2} tokens, not 33"):
        drive(windows, ["--max-n", "33"], "")  # the Zen of Python
    short = tmp_path / "short.txt"
    short.write_text("one two three four five\n", encoding="utf-8")
    status, out = drive(windows, ["--file", str(short), "--max-n", "40"], "")  # clipped to the text, as WindowIndex
    assert status == 0 and "every window of length 1 .. 5" in out


def test_demos_that_cannot_start_say_so_on_stderr_and_exit_1(tmp_path):
    """From the command line: one line on stderr, exit 1, as every input error (they once printed on stdout
    and exited 2, the status of a usage error); standalone (demos.main) the same."""
    for argv in (["traverse", "--curve", "nope"], ["algebra", "--curve", "nope"], ["cycle", "--curve", "P-384"],
                 ["windows", "--file", str(tmp_path / "missing.txt")], ["traverse", "--namespace", ""]):
        r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "demo", *argv], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, env=child.env(), cwd=tmp_path, timeout=120)
        assert r.returncode == 1 and r.stdout == "", (argv, r.stdout, r.stderr)
        assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("ectraverse: error: "), r.stderr
    r = subprocess.run([sys.executable, "-m", "ectraverse.demos.cycle", "--curve", "P-384"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, env=child.env(), cwd=tmp_path, timeout=120)
    assert r.returncode == 1 and r.stdout == "" and r.stderr.startswith("ectraverse: error: curve 'P-384' has no element")
    r = subprocess.run([sys.executable, "-m", "ectraverse.cli", "demo", "windows", "--max-n", "33"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, env=child.env(), cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.startswith("ectraverse: error: --max-n must be at most 32 for a text of")


def test_windows_no_repeats_and_determinism(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("one two three four", encoding="utf-8")
    status, out = drive(windows, ["--file", str(path)], "two three\n")
    assert status == 0 and "occurs twice in this text" in out and '"two three": 1 position: 1' in out
    assert drive(windows, [], "is better than\n") == drive(windows, [], "is better than\n")


def test_windows_main(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("better than\n:quit\n"))
    assert demos.main("windows", ["--max-n", "3"]) == 0
    assert '"better than": 8 positions' in capsys.readouterr().out


def test_demo_interface():
    for module in (cycle, windows):
        assert isinstance(module.DESCRIPTION, str) and module.DESCRIPTION
        assert callable(module.add_arguments) and callable(module.run)
        assert not hasattr(module, "main")  # one entry point for every demo: demos.main(name, argv)


def test_demos_use_public_names_only():
    """No demo imports a private module of the library or reads a private attribute of another object
    (``self._x`` is a demo's own business; its package's ``demos._shell`` helper is the demos' own)."""
    import ast
    import pathlib

    for path in pathlib.Path(demos.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                private = [p for p in parts[1:] if p.startswith("_")]
                assert private in ([], ["_shell"]) or path.name == "__init__.py", (path.name, node.module)
                assert not any(a.name.startswith("_") for a in node.names), (path.name, node.module)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                assert isinstance(node.value, ast.Name) and node.value.id == "self", (path.name, node.attr, node.lineno)


@pytest.mark.parametrize("module, script", [(cycle, "+3 December\n"), (windows, "is better than\n")])
def test_seed_is_accepted_and_changes_nothing(module, script):
    assert drive(module, ["--seed", "7"], script) == drive(module, [], script)


def test_numbers_that_are_unicode_digits_but_not_decimal_get_the_usage_line():
    """"²" is a digit to str.isdigit but not to int(): the usage line, not int()'s ValueError."""
    _, out = drive(windows, [], ":repeats ²\n:window ² 3\n")
    assert "usage: :repeats M (a positive integer)" in out and "usage: :window I J" in out
    assert "invalid literal" not in out
    _, out = drive(cycle, [], "+² Jan\npower ²\n")
    assert "unknown command '+²'" in out and "usage: power D (an integer)" in out
    assert "invalid literal" not in out


def test_numbers_past_the_digit_limit_and_doubled_signs_get_a_clear_line(tmp_path):
    """``power +-3`` passed the sign check (every sign stripped) and reached int()'s own message; a number of
    5,000 digits brought Python's advice to raise sys.set_int_max_str_digits()."""
    big = "9" * 5000
    _, out = drive(cycle, [], f"power +-3\npower --3\npower -3\n+{big} January\npower {big}\n", width=6000)
    assert "usage: power D (an integer)" in after(out, "power +-3") and "usage: power D" in after(out, "power --3")
    assert "w^-3 and k^-3" in after(out, "power -3")
    assert "a step must be a number of months of at most 4,300 digits, not one of 5,000" in after(out, f"+{big} January")
    assert "D must be an integer of at most 4,300 digits, not one of 5,000" in after(out, f"power {big}")
    _, out = drive(windows, [], f":repeats {big}\n:window 0 {big}\n", width=6000)
    assert "M must be a positive integer of at most 4,300 digits, not one of 5,000" in after(out, f":repeats {big}")
    assert "a token position must be an integer of at most 4,300 digits" in after(out, f":window 0 {big}")
    assert "set_int_max_str_digits" not in out and big not in out.replace(f"> :repeats {big}", "").replace(
        f"> :window 0 {big}", "")


def test_windows_reads_at_most_file_max_bytes(tmp_path):
    """``--file /dev/zero`` (NUL bytes are UTF-8) was read until memory ran out."""
    with pytest.raises(demos.DemoError, match=f"/dev/zero holds more than {demos.FILE_MAX:,} bytes, more than a demo reads"):
        drive(windows, ["--file", "/dev/zero"], "")


def test_windows_on_one_length_says_what_it_looked_at(tmp_path):
    """With --max-n 1 (or a one-token text) it said "No phrase of length 2 .. 1" and "1 tokens"."""
    one = tmp_path / "one.txt"
    one.write_text("hello\n", encoding="utf-8")
    _, out = drive(windows, ["--file", str(one)], "", width=200)
    assert "No phrase of any length occurs twice in this text." in out and "1 token (1 distinct)" in out


@pytest.mark.parametrize("module, script, row", [(cycle, "+3 January\n", "month + 3  April"),
                                                 (windows, "", "phrase     is better than")])
def test_narrow_terminal_prints_each_row_as_lines(module, script, row):
    """On 40 columns a table too wide for its words is printed a row at a time, one line a column (rich
    squeezed a column to a letter a line); on a wide terminal it stays a table."""
    _, narrow = drive(module, [], script, width=40)
    assert row in narrow and "┃" not in narrow and max(map(len, narrow.splitlines())) <= 40
    _, wide = drive(module, [], script, width=160)
    assert row not in wide and "┃" in wide


# ---------------------------------------------------------------- found by a mutation audit of the demos


def test_cycle_intro_names_minus_one_and_checks_its_symmetries(cycle_run):
    """w^6 is shown as n − 1 (= −1), and the two symmetries the intro claims hold: M_(i+6) = −M_i, and on
    secp256k1 (a = 0) w^8 is the GLV eigenvalue λ, M_(i+8) = (β·x, y) for M_i = (x, y)."""
    _, out = cycle_run
    intro = " ".join(out[: out.index("> +3 December")].split())
    assert "w^6 = n − 1 (= −1)" in intro and "w^12 = 1" in intro
    assert "M_(i+6) = −M_i: the same x, the other y (checked for January and July)" in intro
    assert "w^8 is this curve's GLV eigenvalue λ" in intro and "(checked for January and September)" in intro
    C = curve("secp256k1")
    n, w = C.n, cycle.order_12_root(C.n)
    B = Traversal(C).vocabulary.generator("January")
    M0, M6, M8 = B, pow(w, 6, n) * B, pow(w, 8, n) * B
    assert pow(w, 6, n) == n - 1 and M6 == -M0 and M6.x == M0.x
    beta = M8.x * pow(M0.x, -1, C.p) % C.p
    assert M8.y == M0.y and beta != 1 and pow(beta, 3, C.p) == 1  # x times a cube root of unity


def test_cycle_intro_marks_exactly_the_months_that_wrap(cycle_run):
    """+3 months wraps into the next year from October, November and December, and from no other month."""
    _, out = cycle_run
    for i, m in enumerate(MONTHS):
        row = next(line for line in out.splitlines() if re.match(rf"│ {i}\s+│ {m}\s", line))
        assert ("(wrapped)" in row) == (i + 3 >= 12), row


def test_cycle_engine_twelve_januaries_is_the_engine_context(cycle_run):
    """Beside the bad multiplier's identity point, the engine's twelve Januaries are its own context of them."""
    _, out = cycle_run
    c = Traversal("secp256k1").compose(["January"] * 12)
    assert f"The engine's twelve Januaries: (12, {c.point.to_bytes().hex()[:12]}…)" in " ".join(out.split())


def test_cycle_wrap_years_and_compose_arithmetic():
    """How many years a shift wraps, in words, and the exponent compose reduces mod 12."""
    _, out = drive(cycle, [], "-1 January\n-13 January\n+24 May\ncompose Dec Dec Dec\n")
    assert "= M_11 = December  (wrapped back 1 year)" in after(out, "-1 January")
    assert "= M_11 = December  (wrapped back 2 years)" in after(out, "-13 January")
    assert "= M_4 = May  (wrapped forward 2 years)" in after(out, "+24 May")
    composed = " ".join(after(out, "compose Dec Dec Dec").split())
    assert "w^11 then w^11 then w^11 applied to B = w^9 · B = M_9 = October" in composed
    assert "(11 + 11 + 11 = 33 ≡ 9 mod 12)" in composed


def test_cycle_command_walks_thirteen_rows_back_to_the_start(cycle_run):
    """cycle MONTH: steps 0 .. 12, one month further each, the point of each the month's own M_i."""
    _, out = cycle_run
    C = curve("secp256k1")
    n, w = C.n, cycle.order_12_root(C.n)
    B = Traversal(C).vocabulary.generator("January")
    rows = [[c.strip() for c in line.split("│")[1:4]] for line in after(out, "cycle Nov").splitlines()
            if re.match(r"│ \d+\s+│", line)]
    assert [int(step) for step, _, _ in rows] == list(range(13))
    for step, point, month in rows:
        i = (10 + int(step)) % 12
        assert month == MONTHS[i] and point == (pow(w, i, n) * B).to_bytes().hex()[:12] + "…"


def test_cycle_short_commands_comments_help_and_usage():
    """quit also as exit and q; a '#' line is a comment; help lists the commands; months need three letters;
    compose needs a month."""
    for word in ("exit", "q"):
        _, out = drive(cycle, [], f"{word}\n+1 May\n")
        assert "> +1 May" not in out
    _, out = drive(cycle, [], "# +1 May\nhelp\n+1 ju\ncompose\n")
    assert "> # +1 May\n> help\n" in out  # nothing printed for the comment
    assert "cycle MONTH      twelve steps of +1" in after(out, "help") and "collide" in after(out, "help")
    assert "unknown month 'ju'" in after(out, "+1 ju")
    assert "usage: compose MONTH [MONTH ...]" in after(out, "compose")


def test_windows_repeats_caps_its_table_at_forty_rows(tmp_path):
    """:repeats shows at most 40 rows and says how many more there are; exactly 40 need no such line."""
    path = tmp_path / "twice.txt"
    words = [f"w{i}" for i in range(41)]
    path.write_text(" ".join(words * 2) + "\n", encoding="utf-8")
    _, out = drive(windows, ["--file", str(path)], ":repeats 1\n:repeats 2\n", width=200)
    ones, twos = after(out, ":repeats 1"), after(out, ":repeats 2")
    assert "41 repeated phrases of 1 token" in ones and "… and 1 more" in ones
    assert len(re.findall(r"^│ w\d+\s+│ 2 ", ones, re.M)) == 40
    assert "40 repeated phrases of 2 tokens" in twos and "more" not in twos
    assert len(re.findall(r"^│ w\d+ w\d+\s+│ 2 ", twos, re.M)) == 40


def test_windows_positions_are_cut_after_sixteen(tmp_path):
    """Sixteen positions are listed whole; from seventeen on, the first sixteen and how many in all."""
    path = tmp_path / "xy.txt"
    path.write_text("x " * 16 + "y " * 17 + "\n", encoding="utf-8")
    _, out = drive(windows, ["--file", str(path)], "x\ny\n", width=300)
    assert f'"x": 16 positions: {", ".join(map(str, range(16)))}\n' in out
    assert f'"y": 17 positions: {", ".join(map(str, range(16, 32)))}, … (17 in all)\n' in out


def test_windows_intro_shows_the_top_phrases_of_each_length(windows_run, zen_tokens):
    """The intro's table: for each length 6 .. 2, the --top (default 5) most repeated phrases."""
    _, out = windows_run
    assert "repeated phrases (top 5 per length, by count)" in out
    intro = out[: out.index("> is better than")]
    for m in range(2, 7):
        shown = re.findall(rf"^│ {m}\s+│ (.+?)\s+│ (\d+)\s+│", intro, re.M)
        reps = brute_repeats(zen_tokens, m)
        assert len(shown) == min(5, len(reps)), m
        assert sorted((int(c) for _, c in shown), reverse=True) == sorted(map(len, reps.values()), reverse=True)[:5]
    assert not re.search(r"^│ 1\s+│", intro, re.M)  # single tokens are not phrases


def test_windows_lookup_excerpts_and_the_max_n_boundary():
    """A lookup prints --top excerpts with up to four tokens either side (fewer at the start of the text); a
    phrase of exactly --max-n tokens comes from the index, a longer one is confirmed by O(1) windows."""
    _, out = drive(windows, ["--top", "2"], "is better than\nZen of Python\nimplicit . Simple is better than\n",
                   width=200)
    excerpts = after(out, "is better than").splitlines()[1:]
    assert len(excerpts) == 2 and excerpts[0].split() == ["9", "…by", "Tim", "Peters", "Beautiful", "is", "better",
                                                           "than", "ugly", ".", "Explicit", "is…"]
    assert after(out, "Zen of Python").splitlines()[1].split() == ["1", "…The", "Zen", "of", "Python", ",", "by",
                                                                   "Tim", "Peters…"]
    six = " ".join(after(out, "implicit . Simple is better than").split())
    assert '": 1 position: 18' in six and "longer than --max-n" not in six


def test_windows_long_phrase_at_the_end_and_collisions_on_a_toy_curve(tmp_path):
    """Past --max-n, index candidates are confirmed by O(1) windows and by their tokens: on toy-plot (47
    points) a different phrase's window collides, and is not reported; a phrase that ends the text is found."""
    path = tmp_path / "many.txt"
    text = "a b c d . " + " ".join(f"a b w{i} v{i} ." for i in range(60)) + " a b c d"
    path.write_text(text + "\n", encoding="utf-8")
    eng = Traversal("toy-plot")
    tokens = eng.tokens(text)
    target = eng.compose("a b c d")
    assert sum(eng.compose(tokens[i:i + 4]) == target for i in brute(tokens, ["a", "b"])) > 2  # collisions
    _, out = drive(windows, ["--file", str(path), "--curve", "toy-plot", "--max-n", "2", "--top", "1"], "a b c d\n",
                   width=200)
    pos = brute(tokens, ["a", "b", "c", "d"])
    assert pos == [0, len(tokens) - 4]
    assert f'"a b c d": 2 positions: 0, {len(tokens) - 4}  (longer than --max-n 2' in out


def test_windows_repeats_and_window_bounds():
    """:repeats takes 1 .. --max-n (and says when no phrase repeats); :window takes 0 <= I < J <= the token count,
    and lists the other starts of a window of up to --max-n tokens."""
    _, out = drive(windows, [], ":repeats 1\n:repeats 6\n:window 3 3\n:window 0 182\n:window 9 15\n:window 9 16\n",
                   width=200)
    assert "repeated phrases of 1 token" in after(out, ":repeats 1")
    assert "no phrase of 6 tokens occurs twice" in after(out, ":repeats 6")
    assert ":window needs 0 <= I < J <= 182, not 3 3" in after(out, ":window 3 3")
    assert "equal: the window identity holds" in " ".join(after(out, ":window 0 182").split())
    assert "the same window starts at: 9" in " ".join(after(out, ":window 9 15").split())
    assert "starts at" not in after(out, ":window 9 16")


def test_windows_short_quit_comments_and_help():
    """:q and :exit quit as :quit does; a '#' line is a comment, not a phrase; :help lists the commands."""
    for word in (":q", ":exit"):
        _, out = drive(windows, [], f"{word}\nis better than\n")
        assert "> is better than" not in out
    _, out = drive(windows, [], "# is better than\n:help\n")
    assert "> # is better than\n> :help\n" in out  # nothing printed for the comment
    assert ":repeats M      every phrase of M tokens" in after(out, ":help")


def test_windows_intro_counts_the_prefix_states(windows_run, zen_tokens):
    """L tokens have L + 1 prefix states, P_0 (the identity) .. P_L."""
    _, out = windows_run
    assert f"prefix states P_0 .. P_{len(zen_tokens)}" in out


def test_show_table_prints_a_table_that_just_fits_as_a_table():
    """A table exactly as wide as the console is a table; one column narrower, a record per row."""
    from rich.table import Table

    table = Table()
    table.add_column("name", no_wrap=True)
    table.add_row("abcdefgh")  # 8 characters, 1 of padding and 1 of border either side: 12 columns
    for width, as_table in ((12, True), (11, False)):
        buf = io.StringIO()
        demos.show_table(Console(file=buf, width=width), table)
        assert ("┃" in buf.getvalue()) == as_table, (width, buf.getvalue())
        assert ("┃ name" in buf.getvalue()) if as_table else buf.getvalue().startswith("name  abc")


def test_a_file_of_exactly_file_max_bytes_is_read(tmp_path):
    """demos.FILE_MAX bytes are read; one more is refused (a sparse file of NULs: no disk is written)."""
    path = tmp_path / "big.txt"
    with open(path, "wb") as f:
        f.truncate(demos.FILE_MAX)
    assert len(demos.read_file(str(path))) == demos.FILE_MAX
    with open(path, "r+b") as f:
        f.truncate(demos.FILE_MAX + 1)
    with pytest.raises(ValueError, match=f"holds more than {demos.FILE_MAX:,} bytes"):
        demos.read_file(str(path))


def test_blank_script_lines_are_not_echoed():
    """A script's blank lines are no commands: only the command is echoed."""
    _, out = drive(cycle, [], "\n   \n+1 May\n\n")
    assert [line for line in out.splitlines() if line.startswith(">")] == ["> +1 May"]
