"""Traverse: a REPL where every word you type moves a context on the curve.

Type text and each of its tokens is pushed, one by one, onto a traverser:
``S <- k*S + P_token``.  The screen shows the length, the point (compressed
hex) and a log of every step; on the toy curve ``toy-plot`` (p = 43, a group of
prime order 47, so every curve point is in it) a plot shows the whole group
with the current state and its recent trail.  On a real curve
(``--curve secp256k1``) the state panel is shown without a plot.  The screen
fits the terminal: where the 43 x 22 plot does not fit (an 80 x 24 terminal),
a compact one (braille dots, 22 x 11) takes its place beside the state.

A line that starts with ``:`` is a command; any other line is text to push:

=====================  ==========================================================
``:undo [N]``          undo the last N actions (default 1) by their exact inverses:
                       a push is popped (``S <- k^-1 (S - P_t)``), a load is
                       multiplied by the saved context's inverse
``:window I J``        the context of tokens I..J-1 from prefix states,
                       ``C(u[:I])^-1 * C(u[:J])``, checked against composing the slice
``:save NAME``         keep the current state under NAME (in this session)
``:load NAME``         compose the saved context onto the state: ``state * C(NAME)``
``:saved``             list the saved contexts
``:write PATH``        write the state to a file: context bytes in hex, then its tokens (JSON)
``:read PATH [NAME]``  read such a file (checked; at most 64 MiB) and save it as NAME (default: the file's stem)
``:tokens``            the current token sequence, numbered (for ``:window``)
``:plot``              draw the plot (toy curves; it is always on screen in a terminal,
                       and a script prints it at its start and its end)
``:reset``             back to the empty sequence (clears the undo stack)
``:help``              this list
``:quit``              leave (also ``:q``, ``:exit``, end of input, Ctrl-D)
=====================  ==========================================================

In a terminal the demo redraws a full-screen layout after every line.  When
stdin is not a terminal it reads the lines as a script and prints, after each
one, the echoed line, the log entries it added, any result, and a one-line
state (``state: length=L point=HEX ...``): deterministic, so tests can drive it.
On a toy curve a script also prints the plot at its start (the whole group,
the state at the identity) and at its end (the final state and its trail).
Errors in commands print one line and the demo goes on.

Example (a script)::

    $ printf 'hello world\\n:undo\\n:quit\\n' | python -m ectraverse.demos.traverse
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ectraverse import demos
from ectraverse.context import Context
from ectraverse.errors import EctraverseError
from ectraverse.point import Curve, Point
from ectraverse.traverse import Traversal

__all__ = ["DESCRIPTION", "Session", "add_arguments", "run"]

DESCRIPTION = "A REPL: type words and watch the context move; undo, windows, save/load (compose), reset."

#: How many earlier states the plot shows as a fading trail.
TRAIL = 8
#: Curves with p at most this (and a group this small) get a plot of their whole group.
PLOT_MAX_P = 64
PLOT_MAX_N = 4096
_PROMPT = "› "


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: ``--curve``, ``--tokenizer``, ``--namespace``, and ``--seed`` (accepted like every
    demo's; nothing here is random)."""
    parser.add_argument("--curve", default="toy-plot",
                        help="curve name (default toy-plot: a 43 x 43 plot of the whole group; "
                             "a real curve such as secp256k1 shows the state without a plot)")
    parser.add_argument("--tokenizer", default="words", choices=["words", "whitespace", "chars", "bytes"],
                        help="how typed text is split into tokens (default words)")
    parser.add_argument("--namespace", default="default", help="vocabulary namespace (default 'default')")
    parser.add_argument("--seed", type=int, default=0,
                        help="accepted for a uniform demo interface; this demo is deterministic and uses no randomness")


# ---- the model: a session over one engine (no drawing) ---------------------------------


def short_hex(point: Point, keep: int = 10) -> str:
    """The compressed point in hex, cut to ``keep`` digits and an ellipsis when longer."""
    h = point.to_bytes().hex()
    return h if len(h) <= keep + 2 else h[:keep] + "…"


@dataclass(frozen=True)
class Saved:
    """A saved context and its tokens (``None`` when read from a file without them)."""

    context: Context
    tokens: tuple | None


@dataclass(frozen=True)
class LogEntry:
    """One action: the state it moved to, or (``moved`` false: save, read) the context it named."""

    number: int
    action: str
    context: Context
    moved: bool = True

    def text(self) -> str:
        c = self.context
        return f"#{self.number} {self.action}{' ->' if self.moved else ':'} length {c.length}, point {short_hex(c.point)}"


class Session:
    """The demo's state machine: a history traverser, the token list, saved contexts, a log.

    Every change of state goes through here and is logged.  ``tokens`` is the
    sequence whose context the state is, or ``None`` once a context without
    tokens (read from a file) has been composed in.

    Example:
        >>> s = Session(Traversal("toy-plot"))
        >>> _ = s.push_text("a b")
        >>> before = s.state
        >>> _ = s.push_text("c"); _ = s.undo()
        >>> s.state == before, s.tokens
        (True, ['a', 'b'])
    """

    def __init__(self, engine: Traversal):
        self.engine = engine
        self.traverser = engine.traverser(history=True)
        self.tokens: list | None = []
        self.saved: dict[str, Saved] = {}
        self.log: list[LogEntry] = []
        self.visited: deque[Context] = deque([engine.identity], maxlen=TRAIL + 1)
        self._undo: list[tuple] = []  # ("push", token) | ("load", name, Saved, tokens before)

    @property
    def state(self) -> Context:
        return self.traverser.state

    @property
    def trail(self) -> list[Context]:
        """Earlier states, most recent first (at most TRAIL)."""
        return list(self.visited)[-2::-1]

    def _record(self, action: str, *, moved: bool = True, context: Context | None = None) -> LogEntry:
        entry = LogEntry(len(self.log) + 1, action, self.state if context is None else context, moved)
        self.log.append(entry)
        if moved:
            self.visited.append(self.state)
        return entry

    # ---- actions ----------------------------------------------------------------

    def push_text(self, text: str) -> list[LogEntry]:
        """Tokenize and push each token (one log entry per token): all of them, or, when one cannot be
        a token (a lone surrogate, from a byte that is not UTF-8), none."""
        toks = self.engine.tokens(text)
        self.engine.vocabulary.add_many(toks)  # raises before any push
        return [self.push(t) for t in toks]

    def push(self, token) -> LogEntry:
        self.traverser.push(token)
        if self.tokens is not None:
            self.tokens.append(token)
        self._undo.append(("push", token))
        return self._record(f"push {token!r}")

    @property
    def undoable(self) -> int:
        """How many actions :meth:`undo` can undo, one by one."""
        return len(self._undo)

    def undo(self) -> list[str]:
        """Undo the last action by its exact inverse; returns lines describing the proof.

        Raises:
            IndexError: nothing to undo.
        """
        if not self._undo:
            raise IndexError("nothing to undo")
        rec = self._undo.pop()
        if rec[0] == "push":
            token = rec[1]
            self.traverser.pop(token)  # S <- k^-1 (S - P_token)
            if self.tokens is not None:
                self.tokens.pop()
            self._record(f"undo push {token!r}")
            return []
        _, name, saved, tokens_before = rec
        expected = self.state * saved.context.inverse()
        lines = [f"state * C({name})^-1 = {_ctx(expected)}"]
        if saved.tokens is not None and self.tokens is not None:
            for t in reversed(saved.tokens):  # the same, one exact pop at a time
                self.traverser.pop(t)
            lines.append(f"popping its {len(saved.tokens)} tokens gives {_ctx(self.state)}: "
                         + _verdict(self.state == expected))
        else:
            self.traverser.restore(expected)
        self.tokens = None if tokens_before is None else list(tokens_before)
        self._record(f"undo load {name!r}")
        return lines

    def window(self, i: int, j: int) -> tuple[list, Context, Context, Context]:
        """``(tokens[i:j], from prefix states, C(u[:i])^-1 * C(u[:j]), compose(tokens[i:j]))``.

        Raises:
            ValueError: the token sequence is unknown.
            IndexError: bad bounds.
        """
        if self.tokens is None:
            raise ValueError("windows need the token sequence, and the state includes a context read without tokens")
        prefixes = self.engine.prefixes(self.tokens)
        window = prefixes.window(i, j)  # raises IndexError for bad bounds
        via = prefixes[i].inverse() * prefixes[j]
        direct = self.engine.compose(self.tokens[i:j])
        return self.tokens[i:j], window, via, direct

    def save(self, name: str) -> Saved:
        saved = Saved(self.state, None if self.tokens is None else tuple(self.tokens))
        self.saved[name] = saved
        self._record(f"save {name!r}", moved=False)
        return saved

    def load(self, name: str) -> list[str]:
        """Compose the saved context NAME onto the state; returns lines describing the proof.

        Raises:
            KeyError: no such saved context.
        """
        if name not in self.saved:
            known = ", ".join(sorted(self.saved)) or "none yet"
            raise KeyError(f"no saved context {name!r} (saved: {known})")
        saved = self.saved[name]
        before = None if self.tokens is None else list(self.tokens)
        product = self.state * saved.context
        lines = [f"state * C({name}) = {_ctx(self.state)} * {_ctx(saved.context)} = {_ctx(product)}"]
        if saved.tokens is not None and self.tokens is not None:
            whole = self.tokens + list(saved.tokens)
            direct = self.engine.compose(whole)
            lines.append(f"C(tokens + {name}'s tokens) = {_ctx(direct)}: " + _verdict(direct == product))
            self.traverser.push_many(list(saved.tokens))
            self.tokens = whole
        else:
            self.traverser.restore(product)
            self.tokens = None
            lines.append(f"{name!r} has no tokens: the state is now known by its context alone")
        self._undo.append(("load", name, saved, before))
        self._record(f"load {name!r}")
        return lines

    def write(self, path: str) -> str:
        """Write the state (hex of its bytes, then its tokens as JSON) to ``path``."""
        data = self.state.to_bytes()
        body = data.hex() + "\n"
        if self.tokens is not None:
            body += json.dumps(self.tokens, ensure_ascii=False) + "\n"
        Path(path).write_text(body, encoding="utf-8")
        return f"wrote {len(data)} bytes of context (length {self.state.length}) to {path}"

    def read(self, path: str, name: str | None = None) -> str:
        """Read a file written by :meth:`write` and save it as ``name`` (default: the file's stem).

        Raises:
            OSError: the file cannot be read.
            ValueError: more than :data:`demos.FILE_MAX` bytes, not UTF-8, more than two lines, malformed hex or
                tokens, tokens that do not compose to the context.
            EncodingError, ContextMismatchError: bad bytes, or another engine's context.
        """
        data = demos.read_file(path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path} is not UTF-8 text (byte {exc.start}): not a file :write made") from None
        # lines end at "\n" (and "\r\n"), not at every break splitlines() knows: the JSON of tokens may hold
        # U+2028, U+2029 or U+0085 as they are
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if not lines:
            raise ValueError(f"{path} is empty")
        if len(lines) > 2:
            raise ValueError(f"{path} has {len(lines)} lines; a file :write made has at most two (the context "
                             "in hex, then its tokens as JSON)")
        try:
            raw = bytes.fromhex(lines[0])
        except ValueError:
            raise ValueError(f"the first line of {path} must be the context's bytes in hex") from None
        context = self.engine.context_from_bytes(raw)
        tokens = None
        if len(lines) > 1:
            try:
                tokens = demos.read_json(lines[1])
            except (ValueError, RecursionError):  # arrays nested too deep are a ValueError
                tokens = None
            if not isinstance(tokens, list):
                raise ValueError(f"the second line of {path} must be a JSON list of tokens")
            if self.engine.compose(tokens) != context:
                raise ValueError(f"the tokens in {path} do not compose to its context")
            tokens = tuple(tokens)
        name = name or Path(path).stem
        self.saved[name] = Saved(context, tokens)
        self._record(f"read {name!r}", moved=False, context=context)
        checked = "" if tokens is None else f" with its {len(tokens)} token{'s' if len(tokens) != 1 else ''} (checked)"
        return f"read {name!r} = {_ctx(context)}{checked}"

    def reset(self) -> None:
        self.traverser.restore(self.engine.identity)
        self.tokens = []
        self._undo.clear()
        self._record("reset")



def _ctx(c: Context) -> str:
    return f"({c.length}, {short_hex(c.point)})"


def _verdict(ok: bool) -> str:
    return "equal ✓" if ok else "DIFFERENT ✗"


# ---- drawing -----------------------------------------------------------------------------


class GroupPlot:
    """The whole group of a tiny curve on a p x p grid, two y values per text row.

    A cell shows ``▀`` (a point at the upper y), ``▄`` (lower), ``█`` (both);
    ``@`` is the current state, digits 1..8 the trail (1 = the previous state).
    The identity has no coordinates: it is the corner cell ``O``.
    """

    def __init__(self, curve: Curve):
        self.curve = curve
        self.p = curve.p
        pts = set()
        P = curve.generator
        while not P.is_identity:
            pts.add((P.x, P.y))
            P = P + curve.generator
        self.points = pts

    @staticmethod
    def supports(curve: Curve) -> bool:
        return curve.p <= PLOT_MAX_P and curve.n <= PLOT_MAX_N

    def render(self, state: Point, trail: list[Point]) -> Text:
        marks: dict[object, tuple[str, str]] = {}  # (x, y) or "O" -> (char, style)
        for age in range(len(trail), 0, -1):  # older first, so more recent marks win
            marks[_where(trail[age - 1])] = (str(age), _TRAIL_STYLES[min(age, len(_TRAIL_STYLES)) - 1])
        marks[_where(state)] = ("@", "bold red")
        p = self.p
        text = Text(no_wrap=True)
        for row in range((p + 1) // 2 - 1, -1, -1):
            lo, hi = 2 * row, 2 * row + 1
            text.append(f"{lo:>2}" if lo % 10 == 0 else "  ", style="dim")
            text.append("│", style="dim")
            for x in range(p):
                mark = _best(marks.get((x, hi)), marks.get((x, lo)))
                if mark is not None:
                    text.append(*mark)
                    continue
                up, down = (x, hi) in self.points, (x, lo) in self.points
                text.append("█" if up and down else "▀" if up else "▄" if down else " ", style="cyan")
            text.append("\n")
        corner = marks.get("O")
        if corner is None:
            text.append(" O", style="bold")
        else:
            text.append(corner[0], style=corner[1])
            text.append("O", style="bold")
        text.append("└" + "─" * p + "\n", style="dim")
        axis = [" "] * p
        for x0 in range(0, p, 10):
            for d, ch in enumerate(str(x0)):
                if x0 + d < p:
                    axis[x0 + d] = ch
        text.append("   " + "".join(axis) + "\n", style="dim")
        text.append("@", style="bold red")
        text.append(" state   ")
        text.append("1-8", style="yellow")
        text.append(" trail (1 = previous)\n")
        text.append("▀▄", style="cyan")
        text.append(" points at upper/lower y   O identity")
        return text

    #: Braille dot bits by (column, row from the top) within a 2 x 4 cell.
    _DOTS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20,
             (0, 3): 0x40, (1, 3): 0x80}

    def render_compact(self, state: Point, trail: list[Point]) -> Text:
        """The same plot at half the width and half the height: a braille cell holds 2 x 4 grid points.

        ``@`` and the trail digits mark the cell holding the state and the earlier states.
        """
        def cell(where):
            return "O" if where == "O" else (where[0] // 2, where[1] // 4)

        marks: dict[object, tuple[str, str]] = {}
        for age in range(len(trail), 0, -1):
            marks[cell(_where(trail[age - 1]))] = (str(age), _TRAIL_STYLES[min(age, len(_TRAIL_STYLES)) - 1])
        marks[cell(_where(state))] = ("@", "bold red")
        p = self.p
        cols, rows = (p + 1) // 2, (p + 3) // 4
        dots = [[0] * cols for _ in range(rows)]
        for x, y in self.points:
            dots[y // 4][x // 2] |= self._DOTS[(x % 2, 3 - y % 4)]
        text = Text(no_wrap=True)
        for row in range(rows - 1, -1, -1):
            lo = 4 * row
            text.append(f"{lo:>2}" if lo % 20 == 0 else "  ", style="dim")
            text.append("│", style="dim")
            for col in range(cols):
                mark = marks.get((col, row))
                if mark is not None:
                    text.append(*mark)
                elif dots[row][col]:
                    text.append(chr(0x2800 + dots[row][col]), style="cyan")
                else:
                    text.append(" ")
            text.append("\n")
        corner = marks.get("O")
        text.append(*(corner if corner is not None else (" ", "")))
        text.append("O", style="bold")
        text.append("└" + "─" * cols + "\n", style="dim")
        axis = [" "] * cols
        for x0 in range(0, p, 20):
            for d, ch in enumerate(str(x0)):
                if x0 // 2 + d < cols:
                    axis[x0 // 2 + d] = ch
        text.append("   " + "".join(axis) + "\n", style="dim")
        text.append("@", style="bold red")
        text.append(" state  ")
        text.append("1-8", style="yellow")
        text.append(" trail")
        return text

    def title(self, compact: bool = False) -> str:
        c = self.curve
        if compact:
            return f"{c.name}: all {c.n} points"
        ax = "" if c.a == 0 else " + x" if c.a == 1 else f" + {c.a}x"
        b = "" if c.b == 0 else f" + {c.b}"
        return f"{c.name}: all {c.n} points of y² = x³{ax}{b} over F_{c.p}"


_TRAIL_STYLES = ("bold yellow", "yellow", "yellow", "dark_orange", "dark_orange", "grey62", "grey50", "grey42")


def _where(P: Point):
    return "O" if P.is_identity else (P.x, P.y)


def _best(a, b):
    """The more recent of two marks: '@' first, then the lower age."""
    cands = [m for m in (a, b) if m is not None]
    if not cands:
        return None
    return min(cands, key=lambda m: -1 if m[0] == "@" else int(m[0]))


_COMMANDS: list[tuple[str, str, str]] = [
    (":undo [N]", "undo", "undo the last N actions by their exact inverses (default 1)"),
    (":window I J", "window", "context of tokens I..J-1 from prefix states, checked against the slice"),
    (":save NAME", "save", "keep the current state under NAME"),
    (":load NAME", "load", "compose a saved context onto the state: state * C(NAME)"),
    (":saved", "saved", "list the saved contexts"),
    (":write PATH", "write", "write the state to a file (hex bytes, then tokens as JSON)"),
    (":read PATH [NAME]", "read", "read such a file (checked) and save it as NAME"),
    (":tokens", "tokens", "the token sequence, numbered for :window"),
    (":plot", "plot", "draw the group plot (toy curves)"),
    (":reset", "reset", "back to the empty sequence (clears undo)"),
    (":help", "help", "this list"),
    (":quit", "quit", "leave (also :q, :exit, Ctrl-D)"),
]
_ALIASES = {"q": "quit", "exit": "quit", "u": "undo", "w": "window", "h": "help", "?": "help"}


class UsageError(ValueError):
    """A command typed the wrong way."""


class Repl:
    """Parses input lines, drives a :class:`Session`, and draws it.

    After :meth:`handle`, ``messages`` holds what the command has to say
    (renderables); ``error`` is set when the command failed.
    """

    def __init__(self, session: Session, console: Console):
        self.session = session
        self.console = console
        curve = session.engine.curve
        self.plot = GroupPlot(curve) if GroupPlot.supports(curve) else None
        self.messages: list[RenderableType] = []
        self.error = False
        self._handlers: dict[str, Callable[[list[str]], bool]] = {
            name: getattr(self, f"_cmd_{name}") for _, name, _ in _COMMANDS
        }

    # ---- input --------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Run one input line; False means quit."""
        self.messages = []
        self.error = False
        line = line.strip()
        if not line:
            return True
        try:
            if not line.startswith(":"):
                entries = self.session.push_text(line)
                if not entries:
                    self._say("no tokens in that line")
                return True
            word, *args = line[1:].split() or [""]
            name = _ALIASES.get(word.lower(), word.lower())
            handler = self._handlers.get(name)
            if handler is None:
                raise UsageError(f"unknown command {':' + word!r}; type :help for the list")
            return handler(args)
        except (UsageError, EctraverseError, ValueError, TypeError, IndexError, KeyError, OSError) as exc:
            self.error = True
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self.messages.append(Text(f"error: {msg}", style="bold red"))
            return True

    def _say(self, *lines: str, style: str = "") -> None:
        for ln in lines:
            self.messages.append(Text(ln, style=style))

    @staticmethod
    def _args(args: list[str], lo: int, hi: int, usage: str) -> list[str]:
        if not lo <= len(args) <= hi:
            raise UsageError(f"usage: {usage}")
        return args

    def _cmd_undo(self, args: list[str]) -> bool:
        (n,) = self._args(args, 0, 1, ":undo [N]") or ["1"]
        count = demos.number(n, "N", "a positive integer")
        if count < 1:
            raise UsageError(f"N must be a positive integer, not {count}")
        can = self.session.undoable
        if count > can:  # refused whole, not undone in part
            raise UsageError("nothing to undo" if can == 0 else f"only {can} action{'s' if can > 1 else ''} to undo, "
                             f"not {count}")
        for _ in range(count):
            self._say(*self.session.undo())
        return True

    def _cmd_window(self, args: list[str]) -> bool:
        i, j = (demos.number(b, "a window bound", "an integer") for b in self._args(args, 2, 2, ":window I J"))
        toks, window, via, direct = self.session.window(i, j)
        shown = demos.visible(" ".join(map(str, toks))) if toks else "(empty)"
        rows = [(f"prefixes.window({i}, {j})", window), (f"C(u[:{i}])^-1 * C(u[:{j}])", via),
                (f"compose(tokens[{i}:{j}])", direct)]
        width = max(len(label) for label, _ in rows)
        self._say(f"window {i} {j} = tokens[{i}:{j}]: {shown}")
        for label, c in rows:
            self._say(f"  {label:<{width}}  {_ctx(c)}")
        self._say("  " + _verdict(window == via == direct))
        return True

    def _cmd_save(self, args: list[str]) -> bool:
        (name,) = self._args(args, 1, 1, ":save NAME")
        saved = self.session.save(name)
        self._say(f"saved {name!r} = {_ctx(saved.context)}")
        return True

    def _cmd_load(self, args: list[str]) -> bool:
        (name,) = self._args(args, 1, 1, ":load NAME")
        self._say(*self.session.load(name))
        return True

    def _cmd_saved(self, args: list[str]) -> bool:
        self._args(args, 0, 0, ":saved")
        if not self.session.saved:
            self._say("nothing saved yet (:save NAME)")
        for name, s in self.session.saved.items():
            toks = "no tokens" if s.tokens is None else demos.visible(" ".join(map(str, s.tokens))) or "(empty)"
            self._say(f"{demos.visible(name)}: {_ctx(s.context)}  {toks}")
        return True

    def _cmd_write(self, args: list[str]) -> bool:
        (path,) = self._args(args, 1, 1, ":write PATH")
        self._say(self.session.write(path))
        return True

    def _cmd_read(self, args: list[str]) -> bool:
        path, *name = self._args(args, 1, 2, ":read PATH [NAME]")
        self._say(self.session.read(path, name[0] if name else None))
        return True

    def _cmd_tokens(self, args: list[str]) -> bool:
        self._args(args, 0, 0, ":tokens")
        self._say(self._tokens_line(limit=None))
        return True

    def _cmd_plot(self, args: list[str]) -> bool:
        self._args(args, 0, 0, ":plot")
        if self.plot is None:
            raise UsageError(f"no plot on {self.session.engine.curve.name!r}: its group is too large to draw "
                             f"(try --curve toy-plot)")
        self.messages.append(self.plot_panel())
        return True

    def _cmd_reset(self, args: list[str]) -> bool:
        self._args(args, 0, 0, ":reset")
        self.session.reset()
        return True

    def _cmd_help(self, args: list[str]) -> bool:
        self.messages.append(help_table())
        return True

    def _cmd_quit(self, args: list[str]) -> bool:
        return False

    # ---- output ---------------------------------------------------------------------

    def _tokens_line(self, limit: int | None = 12) -> str:
        toks = self.session.tokens
        if toks is None:
            return "tokens: unknown (a context read without tokens was composed in)"
        if not toks:
            return "tokens: (none)"
        start = 0 if limit is None else max(0, len(toks) - limit)
        body = demos.visible(" ".join(f"{i}:{toks[i]}" for i in range(start, len(toks))))
        return "tokens: " + ("… " if start else "") + body

    def state_line(self) -> Text:
        """One line: length, full point hex, affine coordinates on toy curves, the last tokens."""
        c = self.session.state
        P = c.point
        line = Text("state: ", style="bold")
        line.append(f"length={c.length} point={P.to_bytes().hex()}")
        if self.plot is not None:
            line.append(" (O)" if P.is_identity else f" (x={P.x}, y={P.y})")
        toks = self.session.tokens
        if toks is None:
            line.append(" tokens=?")
        else:
            tail = toks[-10:]
            shown = demos.visible(" ".join(map(str, tail)))
            line.append(" tokens=[" + ("… " if len(toks) > 10 else "") + shown + "]")
        return line

    def state_panel(self) -> Panel:
        s = self.session
        c, eng = s.state, s.engine
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column(overflow="fold")
        grid.add_row("curve", f"{eng.curve.name}  (n has {eng.curve.n.bit_length()} bits)")
        grid.add_row("length", Text(str(c.length), style="bold green"))
        grid.add_row("point", Text(c.point.to_bytes().hex(), style="bold magenta"))
        if self.plot is not None:
            grid.add_row("(x, y)", "O (the identity)" if c.point.is_identity else f"({c.point.x}, {c.point.y})")
        grid.add_row("size", f"{8 + len(c.point.to_bytes())} bytes (length + point), at most "
                             f"{9 + eng.curve.field_bytes} at any length; {len(c.to_bytes())} serialized")
        # Text, not str: rich would read a token or a name such as "[/]" as markup
        grid.add_row("tokens", Text(self._tokens_line()[len("tokens: "):]))
        grid.add_row("saved", Text(demos.visible(", ".join(s.saved)) or "-"))
        return Panel(grid, title="state C(u) = (length, point)", title_align="left", border_style="green")

    def log_panel(self, rows: int) -> Panel:
        entries = self.session.log[-rows:] if rows > 0 else []
        body = Text("\n".join(e.text() for e in entries) or "(type some words)", no_wrap=True, overflow="ellipsis")
        return Panel(body, title="log", title_align="left", border_style="blue")

    def plot_panel(self, compact: bool = False) -> Panel:
        """The plot of the whole group with the state and its trail; ``compact``: the braille version."""
        s = self.session
        draw = self.plot.render_compact if compact else self.plot.render
        body = draw(s.state.point, [c.point for c in s.trail])
        return Panel(body, title=self.plot.title(compact), title_align="left", border_style="cyan", expand=False)

    def screen(self) -> RenderableType:
        """The full-screen layout for a terminal: the header, and state, result and log beside the plot.

        It fits the terminal when it can: the plot is the full one if it fits,
        else the compact one; a terminal too narrow for the plot beside the
        panels stacks them; the log gets the rows left over.  With the prompt
        line below it, an 80 x 24 terminal shows the header, the state and the
        compact plot whole.
        """
        console = self.console
        header = Text.assemble(("ectraverse traverse", "bold"), "  type words to push them; ",
                               (":help", "bold"), " for commands, ", (":quit", "bold"), " to leave")
        msg = Panel(Group(*self.messages), title="result", title_align="left",
                    border_style="red" if self.error else "white") if self.messages else None
        above_log = [self.state_panel()] + ([msg] if msg is not None else [])
        chrome = self._height(header, console.width) + 1  # the header, and the prompt below the screen
        plot = None
        for compact in ((False, True) if self.plot is not None else ()):
            plot = self.plot_panel(compact)
            plot_width = console.measure(plot).maximum
            side = console.width - plot_width >= 50
            plot_rows = self._height(plot, plot_width if side else console.width)
            left_width = console.width - plot_width if side else console.width
            left_rows = sum(self._height(r, left_width) for r in above_log)
            if chrome + (max(left_rows, plot_rows) if side else left_rows + plot_rows) <= console.height:
                break
        if plot is None:
            side, plot_rows = False, 0
            left_rows = sum(self._height(r, console.width) for r in above_log)
        rows = console.height - chrome - left_rows - (0 if side else plot_rows) - 2  # the log panel's borders
        left = above_log + ([self.log_panel(rows)] if rows >= 1 else [])
        if plot is None:
            return Group(header, *left)
        if not side:
            return Group(header, plot, *left)
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(width=plot_width)
        grid.add_row(Group(*left), plot)
        return Group(header, grid)

    def _height(self, renderable: RenderableType, width: int) -> int:
        options = self.console.options.update_width(width)
        return len(self.console.render_lines(renderable, options, pad=False))


def help_table() -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for usage, _, what in _COMMANDS:
        table.add_row(usage, what)
    return Group(Text("Commands (any other line is text: its tokens are pushed one by one):"), table)


# ---- the loops --------------------------------------------------------------------------


def run(args: argparse.Namespace, *, stdin: TextIO, console: Console) -> int:
    """Run the REPL: full-screen in a terminal, a deterministic script reader otherwise.

    Raises:
        DemoError: an unknown curve or tokenizer, a bad namespace.
    """
    try:
        engine = Traversal(args.curve, tokenizer=args.tokenizer, namespace=args.namespace)
    except (EctraverseError, ValueError, TypeError) as exc:
        raise demos.DemoError(str(exc)) from None
    repl = Repl(Session(engine), console)
    if stdin.isatty():
        return _interactive(repl, stdin, console)
    return _script(repl, stdin, console)


def _script(repl: Repl, stdin: TextIO, console: Console) -> int:
    curve = repl.session.engine.curve
    console.print(Text(f"ectraverse traverse on {curve.name} (n has {curve.n.bit_length()} bits); "
                       f"lines starting with ':' are commands (:help)"), soft_wrap=True)
    if repl.plot is not None:
        console.print(repl.plot_panel())
    console.print(repl.state_line(), soft_wrap=True)
    keep = True
    for raw in stdin:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        console.print(Text(_PROMPT + demos.visible(line)), soft_wrap=True)
        seen = len(repl.session.log)
        keep = repl.handle(line)
        for entry in repl.session.log[seen:]:
            console.print(Text("  " + entry.text()), soft_wrap=True)
        for m in repl.messages:
            console.print(_indent(m), soft_wrap=isinstance(m, Text))
        if not keep:
            break
        console.print(repl.state_line(), soft_wrap=True)
    if repl.plot is not None:
        console.print(repl.plot_panel())
    if not keep:
        console.print("bye")
    return 0


def _indent(m: RenderableType) -> RenderableType:
    return Text("  ") + m if isinstance(m, Text) else m


def _interactive(repl: Repl, stdin: TextIO, console: Console) -> int:
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:  # pragma: no cover - platform without readline
        pass
    interrupted = False
    with console.screen(hide_cursor=False):
        while True:
            console.clear()
            console.print(repl.screen())
            try:
                if stdin is sys.stdin:
                    line = console.input(Text(_PROMPT, style="bold"))
                else:
                    console.print(_PROMPT, end="")
                    line = stdin.readline()
                    if not line:
                        raise EOFError
            except EOFError:
                break
            except KeyboardInterrupt:  # the state is shown, then the interruption reported (exit 130)
                interrupted = True
                break
            if not repl.handle(line):
                break
    console.print(repl.state_line(), soft_wrap=True)
    if interrupted:
        raise KeyboardInterrupt
    return 0


if __name__ == "__main__":
    sys.exit(demos.main("traverse"))
