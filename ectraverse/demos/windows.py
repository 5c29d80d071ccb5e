"""windows: index a real text by window contexts, find its repeated phrases, look phrases up.

The text is the Zen of Python, taken from the standard library (the source of
the ``this`` module, decoded from rot13 without importing it), or any UTF-8
file given with ``--file``.  The engine splits it into words and punctuation
and indexes every window of length 1 .. ``--max-n`` by its context: equal
contexts mean equal phrases (up to the collision bound: the index checks each
match's tokens, which matters on a toy curve), so repeated phrases fall out of
a dictionary, and a lookup is one composition and one dictionary probe.

It also shows the O(1) window identity at work: from the prefix states
``P_i = C(u[:i])``, the context of any window is ``P_i^-1 * P_j = C(u[i:j])``,
one scalar multiplication whatever the window's length.  A repeated phrase at
positions ``i`` and ``j`` has different prefix states but equal windows, both
equal to ``compose(phrase)``.

Commands (one per line; a prompt on a terminal, a script on any other stdin)::

    PHRASE          its start positions (token indices), or "not found";
                    phrases longer than --max-n are confirmed by O(1) windows
    :repeats M      every phrase of M tokens that occurs more than once
    :window I J     the window of tokens I .. J-1 from the prefix states P_I and P_J
    :help           this list
    :quit           leave (so does end of input)

Lines starting with ``#`` are comments.  Nothing is random: a script gives
the same output on every run.

Example:
    >>> "is better than" in zen_text()
    True
"""

from __future__ import annotations

import argparse
import ast
import codecs
import importlib.util
import sys
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ectraverse import demos
from ectraverse.demos import positive_int
from ectraverse.context import Context
from ectraverse.errors import EctraverseError
from ectraverse.traverse import Traversal, WindowIndex
from ectraverse.demos._shell import command_lines

__all__ = ["DESCRIPTION", "add_arguments", "run", "zen_text"]

DESCRIPTION = "Index a real text by window contexts: repeated phrases, lookups, and the O(1) window identity."

_HELP = """[bold]commands[/]
  [cyan]PHRASE[/]          its start positions, e.g. [cyan]is better than[/]
  [cyan]:repeats M[/]      every phrase of M tokens that occurs more than once
  [cyan]:window I J[/]     the window of tokens I .. J-1 from the prefix states P_I and P_J
  [cyan]:help[/], [cyan]:quit[/]"""

_MAX_ROWS = 40


def zen_text() -> str:
    """The Zen of Python, read from the standard library's ``this.py`` without importing it (which prints it).

    Raises:
        FileNotFoundError: this Python ships without ``this.py``.
    """
    spec = importlib.util.find_spec("this")
    source = spec.loader.get_source("this") if spec is not None and spec.loader is not None else None
    if source is None:
        raise FileNotFoundError("the standard library's this.py (the Zen of Python) is missing; pass --file PATH")
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "s" and isinstance(node.value, ast.Constant)):
            return codecs.decode(node.value.value, "rot13")
    raise FileNotFoundError("this.py holds no encoded text 's'; pass --file PATH")  # pragma: no cover


def _hex(ctx: Context) -> str:
    raw = ctx.point.to_bytes().hex()
    return f"({ctx.length}, {raw if len(raw) <= 12 else raw[:12] + '…'})"


def _phrase(tokens: Sequence) -> str:
    """Tokens joined by spaces, for rich markup: its brackets escaped, and what a terminal would act on
    (an ESC, a bidirectional override: the text comes from a file) shown as escapes."""
    return escape(demos.visible(" ".join(map(str, tokens))))


def _positions(pos: Sequence[int], limit: int = 16) -> str:
    shown = ", ".join(map(str, pos[:limit]))
    return shown + (f", … ({len(pos)} in all)" if len(pos) > limit else "")


class _Windows:
    def __init__(self, engine: Traversal, tokens: list, max_n: int, top: int, source: str, console: Console):
        self.engine = engine
        self.tokens = tokens
        self.console = console
        self.top = top
        self.source = source
        self.index = engine.index(tokens, max_n)
        self.max_n = self.index.max_n
        self.prefixes = engine.prefixes(tokens)

    # ---- the walk-through -----------------------------------------------------------

    def intro(self) -> None:
        c, L = self.console, len(self.tokens)
        c.print(Panel.fit(
            f"text: {escape(demos.visible(self.source))}\n"
            f"{L} token{'s' if L != 1 else ''} ({len(set(self.tokens))} distinct), words and punctuation; curve "
            f"[cyan]{self.engine.curve.name}[/]\n"
            f"indexed: every window of length 1 .. {self.max_n} by its context (length, point); "
            f"prefix states P_0 .. P_{L}",
            title="windows", title_align="left"))
        best = None
        table = Table(title=f"repeated phrases (top {self.top} per length, by count)", title_justify="left")
        for col in ("m", "phrase", "count", "positions"):
            table.add_column(col)
        for m in range(self.max_n, 1 if self.max_n > 1 else 0, -1):
            reps = sorted(self.index.repeats(m), key=lambda r: (-len(r[1]), r[1][0]))
            for phrase, pos in reps[: self.top]:
                table.add_row(str(m), _phrase(phrase), str(len(pos)), _positions(pos))
            for phrase, pos in reps:  # the phrase that saves the most tokens when its repeats are shared
                score = (m * (len(pos) - 1), -pos[0])
                if best is None or score > best[0]:
                    best = (score, phrase, pos)
            if reps and m > 2:
                table.add_section()
        if best is None:
            longest = "of any length" if self.max_n == 1 else f"of length 2 .. {self.max_n}"
            c.print(f"No phrase {longest} occurs twice in this text.")
        else:
            demos.show_table(c, table)
            self.identity(list(best[1]), best[2][:2])
        c.print("Type a phrase to look it up, or [cyan]:help[/].\n")

    def identity(self, phrase: list, starts: Sequence[int]) -> None:
        """The O(1) window identity P_i^-1 * P_(i+m) = compose(phrase) at each start."""
        c, P, m = self.console, self.prefixes, len(phrase)
        target = self.engine.compose(phrase)
        text = _phrase(phrase)
        table = Table(title=f"the O(1) window identity for \"{text}\" (m = {m})", title_justify="left")
        for col in ("i", "P_i", "P_(i+m)", "P_i^-1 · P_(i+m)", "C(phrase)", "equal"):
            table.add_column(col)
        for i in starts:
            w = P[i].inverse() * P[i + m]
            table.add_row(str(i), _hex(P[i]), _hex(P[i + m]), _hex(w), _hex(target),
                          "✓ exactly" if w == target else "✗ no")
        demos.show_table(c, table)
        if len(starts) >= 2:
            i, j = starts[0], starts[1]
            same = P.window(i, i + m) == P.window(j, j + m)
            c.print(
                f"P_{i} ≠ P_{j} (different histories: {i} and {j} tokens), yet the windows are "
                f"{'equal' if same else 'NOT equal'}: the same phrase gives the same context wherever it stands.  "
                "Each window costs one scalar multiplication, P_i^-1 · P_j = (j − i, S_j − k^(j−i) · S_i), "
                "whatever its length; no token is re-read.\n")

    # ---- commands -------------------------------------------------------------------

    def lookup(self, line: str) -> None:
        toks = self.engine.tokens(line)
        if not toks:
            return
        m, L = len(toks), len(self.tokens)
        label = _phrase(toks)
        if m <= self.max_n:
            pos = self.index.find(toks)
            how = ""
        else:  # candidates from the index, each confirmed by an O(1) window
            target = self.engine.compose(toks)
            candidates = self.index.find(toks[: self.max_n])
            pos = [i for i in candidates
                   if i + m <= L and self.prefixes.window(i, i + m) == target and self.tokens[i:i + m] == toks]
            how = f"  (longer than --max-n {self.max_n}: index candidates confirmed by O(1) windows and their tokens)"
        if not pos:
            self.console.print(f"\"{label}\": not found{how}")
            return
        self.console.print(f"\"{label}\": {len(pos)} position{'s' if len(pos) != 1 else ''}: {_positions(pos)}{how}")
        for i in pos[: self.top]:
            before, after = _phrase(self.tokens[max(0, i - 4) : i]), _phrase(self.tokens[i + m : i + m + 4])
            self.console.print(f"  {i:>6}  …{before} [bold]{label}[/] {after}…")

    def repeats(self, m: int) -> None:
        if not 1 <= m <= self.max_n:
            raise ValueError(f":repeats needs M in [1, {self.max_n}] (the index's --max-n), not {m}")
        reps = self.index.repeats(m)
        if not reps:
            self.console.print(f"no phrase of {m} token{'s' if m != 1 else ''} occurs twice")
            return
        title = f"{len(reps)} repeated phrase{'s' if len(reps) != 1 else ''} of {m} token{'s' if m != 1 else ''}"
        table = Table(title=title, title_justify="left")
        for col in ("phrase", "count", "positions"):
            table.add_column(col)
        for phrase, pos in reps[:_MAX_ROWS]:
            table.add_row(_phrase(phrase), str(len(pos)), _positions(pos))
        demos.show_table(self.console, table)
        if len(reps) > _MAX_ROWS:
            self.console.print(f"… and {len(reps) - _MAX_ROWS} more")

    def window(self, i: int, j: int) -> None:
        L = len(self.tokens)
        if not 0 <= i < j <= L:
            raise ValueError(f":window needs 0 <= I < J <= {L}, not {i} {j}")
        P = self.prefixes
        w = P.window(i, j)
        direct = self.engine.compose(self.tokens[i:j])
        text = " ".join(map(str, self.tokens[i:j]))
        text = escape(demos.visible(text if len(text) <= 200 else text[:200] + "…"))
        self.console.print(f"tokens {i} .. {j - 1}: \"{text}\"")
        self.console.print(
            f"  P_{i} = {_hex(P[i])}   P_{j} = {_hex(P[j])}\n"
            f"  P_{i}^-1 · P_{j} = {_hex(w)}   compose(tokens {i} .. {j - 1}) = {_hex(direct)}   "
            f"{'equal: the window identity holds' if w == direct else 'NOT equal'}")
        if j - i <= self.max_n:
            pos = self.index.find(self.tokens[i:j])
            self.console.print(f"  the same window starts at: {_positions(pos)}")

    def do(self, line: str) -> bool:
        """Run one command line; False to stop."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        if not text.startswith(":"):
            self.lookup(text)
            return True
        words = text.split()
        head, rest = words[0].lower(), words[1:]
        if head in (":quit", ":q", ":exit"):
            return False
        if head == ":help":
            self.console.print(_HELP)
        elif head == ":repeats":
            if len(rest) != 1 or not rest[0].isdecimal():
                raise ValueError("usage: :repeats M (a positive integer)")
            self.repeats(demos.number(rest[0], "M", "a positive integer"))
        elif head == ":window":
            if len(rest) != 2 or not all(r.isdecimal() for r in rest):
                raise ValueError("usage: :window I J (token positions, 0 <= I < J)")
            self.window(*(demos.number(r, "a token position", "an integer") for r in rest))
        else:
            raise ValueError(f"unknown command {words[0]!r}; type :help (a line without ':' is a phrase)")
        return True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: ``--file``, ``--max-n``, ``--top``, ``--curve``, and ``--seed``.

    ``--seed`` is accepted like every demo's; nothing in this demo is random.
    """
    parser.add_argument("--file", metavar="PATH",
                        help="a UTF-8 text to index (default: the Zen of Python, from the standard library)")
    parser.add_argument("--max-n", type=positive_int, default=6, metavar="N",
                        help=f"index windows of 1 .. N tokens, at most {WindowIndex.MAX_N} of a longer text "
                             "(default 6)")
    parser.add_argument("--top", type=positive_int, default=5, metavar="K",
                        help="repeated phrases shown per length, and excerpts per lookup (default 5)")
    parser.add_argument("--curve", default="secp256k1", help="the engine's curve (default secp256k1)")
    parser.add_argument("--seed", type=int, default=0,
                        help="accepted for a uniform demo interface; this demo is deterministic and uses no randomness")


def run(args: argparse.Namespace, *, stdin: TextIO, console: Console) -> int:
    """Run the demo: index the text, show repeats and the window identity, then answer lookups.

    Returns:
        0.

    Raises:
        DemoError: the text cannot be read or holds no tokens, or the curve is unknown.
    """
    try:
        if args.file:
            text, source = demos.read_file(args.file).decode("utf-8"), args.file
        else:
            text, source = zen_text(), "the Zen of Python (the standard library's this.py, rot13-decoded)"
        engine = Traversal(args.curve)
    except UnicodeDecodeError as exc:
        raise demos.DemoError(f"{args.file!r} is not UTF-8 (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise demos.DemoError(f"cannot read {args.file!r}: {exc.strerror or exc}") from None
    except (EctraverseError, ValueError) as exc:  # ValueError: a file past demos.FILE_MAX
        raise demos.DemoError(str(exc)) from None
    tokens = engine.tokens(text)
    if not tokens:
        raise demos.DemoError(f"{source} holds no tokens")
    if min(args.max_n, len(tokens)) > WindowIndex.MAX_N:  # as WindowIndex: clipped to the text first
        raise demos.DemoError(f"--max-n must be at most {WindowIndex.MAX_N} for a text of {len(tokens)} tokens, "
                              f"not {args.max_n}")
    demo = _Windows(engine, tokens, args.max_n, args.top, source, console)
    demo.intro()
    for line in command_lines(stdin, console, "windows> "):
        try:
            if not demo.do(line):
                break
        except (ValueError, IndexError) as exc:
            console.print(f"[red]{escape(str(exc))}[/]")
    return 0


if __name__ == "__main__":
    sys.exit(demos.main("windows"))
