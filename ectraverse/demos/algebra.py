"""Algebra: a guided tour of the group laws that contexts obey, checked live.

For each law the demo draws random token sequences (seeded: ``--seed N``,
default 0) from a small vocabulary, composes them on a curve (``--curve``,
default secp256k1), checks the law, and shows the first few trials (the
sequences, the contexts as ``(length, short hex)`` and pass/fail).  It ends
with a table: law, trials, passed, time.

Laws, with ``C`` the context map and ``e = C()`` the identity:

* closure         ``C(u) * C(v) == C(uv)``: the product of contexts is the context of the concatenation
* associativity   ``(C(u) C(v)) C(w) == C(u) (C(v) C(w)) == C(uvw) ==`` a chunked tree reduction
* identity        ``e * C(u) == C(u) == C(u) * e``
* inverses        ``c * c^-1 == e == c^-1 * c``; ``remove_prefix(uv, u) == C(v)``; ``remove_suffix(uv, v) == C(u)``
* non-commutativity  ``C(u) C(v) != C(v) C(u)`` whenever ``uv != vu`` (and equal when ``uv == vu``)
* powers          ``c ** 3 == c c c``, ``c ** -1 == c^-1``, ``c ** 0 == e``, ``c**a * c**b == c**(a+b)``

The demo is not interactive: in a terminal it pauses briefly between laws
(``--fast`` skips the pauses; they are always skipped when stdin is not a
terminal).  The exit status is 0 when every trial passed.  On a toy curve
(n = 47) the non-commutativity law can fail by a genuine collision: distinct
sequences of length <= L collide with probability <= L / n.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ectraverse import demos
from ectraverse.demos import at_most, non_negative_int
from ectraverse.context import Context
from ectraverse.errors import EctraverseError
from ectraverse.traverse import Traversal

__all__ = ["DESCRIPTION", "VOCABULARY", "LawResult", "add_arguments", "run"]

DESCRIPTION = (
    "A guided tour of the group laws (closure, associativity, identity, inverses, non-commutativity, powers), "
    "checked live."
)

#: The small vocabulary sequences are drawn from.
VOCABULARY = ("red", "green", "blue", "cat", "dog", "runs", "sleeps", "the")
_MAX_LEN = 6
#: The most ``--trials`` may ask for: 10,000 take about a minute on secp256k1 with ``--fast`` (7 on P-521).
TRIALS_MAX = 10_000
_PAUSE = 0.8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: ``--curve``, ``--seed``, ``--trials``, ``--show``, ``--fast``."""
    parser.add_argument("--curve", default="secp256k1", help="curve name (default secp256k1)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random sequences (default 0)")
    parser.add_argument("--trials", type=at_most(TRIALS_MAX), default=25,
                        help=f"random trials per law (default 25, at most {TRIALS_MAX:,})")
    parser.add_argument("--show", type=non_negative_int, default=3, help="trials shown in detail per law (default 3)")
    parser.add_argument("--fast", action="store_true", help="no pauses between laws")


@dataclass
class LawResult:
    """The outcome of one law: trials run, how many passed, seconds spent."""

    name: str
    statement: str
    trials: int = 0
    passed: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.passed == self.trials


@dataclass
class _Trial:
    """One trial's display row and verdict."""

    cells: list[str]
    ok: bool


def _short(c: Context) -> str:
    h = c.point.to_bytes().hex()
    return f"({c.length}, {h if len(h) <= 10 else h[:6] + '…'})"


def _seq(u: list[str]) -> str:
    return " ".join(u) if u else "(empty)"


class _Tour:
    def __init__(self, engine: Traversal, rng: random.Random):
        self.eng = engine
        self.rng = rng
        self.e = engine.identity

    def seq(self, lo: int = 0, hi: int = _MAX_LEN) -> list[str]:
        return [self.rng.choice(VOCABULARY) for _ in range(self.rng.randint(lo, hi))]

    # Each law: (columns, trial function returning a _Trial)

    def closure(self) -> _Trial:
        u, v = self.seq(), self.seq()
        cu, cv = self.eng.compose(u), self.eng.compose(v)
        prod, whole = cu * cv, self.eng.compose(u + v)
        ok = isinstance(prod, Context) and prod.length == len(u) + len(v) and prod == whole
        return _Trial([_seq(u), _seq(v), _short(prod), _short(whole)], ok)

    def associativity(self) -> _Trial:
        u, v, w = self.seq(), self.seq(), self.seq()
        cu, cv, cw = (self.eng.compose(x) for x in (u, v, w))
        left, right = (cu * cv) * cw, cu * (cv * cw)
        whole = self.eng.compose(u + v + w)
        chunks = self.eng.compose_chunks([u, v, w])
        ok = left == right == whole == chunks
        return _Trial([_seq(u), _seq(v), _seq(w), _short(left), _short(right)], ok)

    def identity(self) -> _Trial:
        u = self.seq()
        c = self.eng.compose(u)
        ok = self.e * c == c == c * self.e and self.eng.compose([]) == self.e and self.e.length == 0
        return _Trial([_seq(u), _short(self.e * c), _short(c), _short(c * self.e)], ok)

    def inverses(self) -> _Trial:
        u, v = self.seq(), self.seq()
        c, cv, cu = self.eng.compose(u + v), self.eng.compose(v), self.eng.compose(u)
        inv = c.inverse()
        both = c * inv == self.e == inv * c
        prefix = self.eng.remove_prefix(u + v, u) == cv
        suffix = self.eng.remove_suffix(u + v, v) == cu
        checks = (("inv", both), ("pre", prefix), ("suf", suffix))
        marks = " ".join(f"{what} {'✓' if ok else '✗'}" for what, ok in checks)
        return _Trial([_seq(u), _seq(v), _short(inv), marks], both and prefix and suffix)

    def non_commutativity(self) -> _Trial:
        while True:
            u, v = self.seq(1), self.seq(1)
            if u + v != v + u:  # words commute only when both are powers of one word
                break
        cu, cv = self.eng.compose(u), self.eng.compose(v)
        uv, vu = cu * cv, cv * cu
        return _Trial([_seq(u), _seq(v), _short(uv), _short(vu)], uv != vu)

    def powers(self) -> _Trial:
        u = self.seq(1)
        c = self.eng.compose(u)
        a, b = self.rng.randint(-5, 5), self.rng.randint(-5, 5)
        checks = (
            c ** 3 == c * c * c == self.eng.compose(u * 3),
            c ** -1 == c.inverse(),
            c ** 0 == self.e,
            (c ** a) * (c ** b) == c ** (a + b),
        )
        return _Trial([_seq(u), _short(c ** 3), _short(c ** -1), f"{a}, {b}", _short(c ** (a + b))], all(checks))


_LAWS: list[tuple[str, str, list[str], str]] = [
    ("closure", "C(u)·C(v) = C(uv)", ["u", "v", "C(u)·C(v)", "C(uv)"],
     "The product of two contexts is again a context: the context of the concatenation."),
    ("associativity", "(C(u)C(v))C(w) = C(u)(C(v)C(w))", ["u", "v", "w", "(C(u)C(v))C(w)", "C(u)(C(v)C(w))"],
     "Any grouping gives the same context (also C(uvw) and a chunked tree reduction): "
     "long texts can be composed in parallel pieces."),
    ("identity", "e·C(u) = C(u) = C(u)·e", ["u", "e·C(u)", "C(u)", "C(u)·e"],
     "The empty sequence e = (0, O) changes nothing on either side."),
    ("inverses", "c·c⁻¹ = e = c⁻¹·c; remove prefix/suffix",
     ["u", "v", "c⁻¹ = C(uv)⁻¹", "checks"],
     "Every context has an exact inverse: undo, and peel a prefix or a suffix off a longer context. "
     "Checks: inv = (c·c⁻¹ = e = c⁻¹·c), pre = (remove_prefix(uv, u) = C(v)), suf = (remove_suffix(uv, v) = C(u))."),
    ("non-commutativity", "C(u)C(v) ≠ C(v)C(u) when uv ≠ vu", ["u", "v", "C(u)C(v)", "C(v)C(u)"],
     "Order matters: the same tokens in another order land elsewhere."),
    ("powers", "c³ = c·c·c, c⁻¹ = inverse, cᵃcᵇ = cᵃ⁺ᵇ", ["u", "c³", "c⁻¹", "a, b", "cᵃ⁺ᵇ"],
     "Repetition is a power: c ** m for any integer m, by square-and-multiply."),
]


def run(args: argparse.Namespace, *, stdin: TextIO, console: Console) -> int:
    """Check every law on ``args.trials`` random trials; 0 if all passed, 1 if any failed.

    Raises:
        DemoError: the curve is unknown.
    """
    try:
        engine = Traversal(args.curve)
    except (EctraverseError, ValueError, TypeError) as exc:
        raise demos.DemoError(str(exc)) from None
    pause = 0.0 if args.fast or not stdin.isatty() else _PAUSE
    tour = _Tour(engine, random.Random(args.seed))
    C = engine.curve
    console.print(Rule(Text(f"ectraverse algebra on {C.name}", style="bold")))
    console.print(Text(
        f"Contexts C(u) = (length, Σ k^(L-i)·P_ui) on {C.name} (n has {C.n.bit_length()} bits); "
        f"sequences of 0..{_MAX_LEN} tokens from {{{', '.join(VOCABULARY)}}}, seed {args.seed}, "
        f"{args.trials} trials per law."))
    results = []
    for number, (name, statement, columns, intro) in enumerate(_LAWS, 1):
        results.append(_check_law(console, tour, number, name, statement, columns, intro, args))
        if name == "non-commutativity":
            _commuting_note(console, engine)
        if pause:
            time.sleep(pause)
    console.print()
    demos.show_table(console, _summary(results))
    failed = [r for r in results if not r.ok]
    if failed:
        console.print(Text(f"{len(failed)} law(s) failed: " + ", ".join(r.name for r in failed), style="bold red"))
        if [r.name for r in failed] == ["non-commutativity"] and engine.curve.n.bit_length() < 128:
            console.print(Text(f"The only failures are collisions of distinct sequences, which a curve whose "
                               f"contexts have {engine.curve.n} points cannot avoid (above); the arithmetic "
                               f"holds.", style="yellow"))
        return 1
    console.print(Text(f"All {len(results)} laws hold on every trial.", style="bold green"))
    return 0


def _check_law(console: Console, tour: _Tour, number: int, name: str, statement: str, columns: list[str],
               intro: str, args: argparse.Namespace) -> LawResult:
    console.print()
    console.print(Rule(Text(f"{number}. {name}: {statement}", style="bold cyan"), align="left"))
    console.print(Text(intro))
    trial: Callable[[], _Trial] = getattr(tour, name.replace("-", "_"))
    result = LawResult(name, statement)
    table = Table(show_edge=False, pad_edge=False)
    for col in columns:
        # contexts stay on one line; sequences and the long checks column wrap
        table.add_column(col, overflow="fold", no_wrap=col not in ("u", "v", "w") and len(col) < 30)
    table.add_column("ok", justify="center")
    start = time.perf_counter()
    for i in range(args.trials):
        t = trial()
        result.trials += 1
        result.passed += t.ok
        if not t.ok:
            result.failures.append(" | ".join(t.cells))
        if i < args.show or not t.ok:
            table.add_row(*t.cells, Text("pass", style="green") if t.ok else Text("FAIL", style="bold red"))
    result.seconds = time.perf_counter() - start
    if table.row_count:
        demos.show_table(console, table)
    style = "green" if result.ok else "bold red"
    console.print(Text(f"{name}: {_tally(result, table.row_count)}", style=style))
    if not result.ok and name == "non-commutativity":
        n = tour.eng.curve.n
        console.print(Text(
            f"These are genuine collisions, not broken arithmetic: the contexts' points lie in a group of only "
            f"{n} points, so two "
            f"distinct sequences of length <= L land on the same context with probability at most L/n "
            f"(about 1/n = 1/{n} each for random ones). On a 256-bit curve that is below 2^-250.", style="yellow"))
    return result


def _tally(result: LawResult, shown: int) -> str:
    """How many trials passed, out of how many, and how many of them the table showed.

    Example:
        >>> _tally(LawResult("closure", "", trials=25, passed=25), 3)
        '25 of 25 trials passed (3 of them shown above)'
        >>> _tally(LawResult("order", "", trials=2, passed=1), 2)
        '1 of 2 trials passed (all shown above)'
    """
    counted = f"{result.passed} of {result.trials} trial{'s' if result.trials != 1 else ''} passed"
    if shown == 0:
        return counted
    return f"{counted} ({'all' if shown == result.trials else f'{shown} of them'} shown above)"


def _commuting_note(console: Console, engine: Traversal) -> None:
    u, v = ["cat"], ["cat", "cat"]
    a, b = engine.compose(u), engine.compose(v)
    same = a * b == b * a
    console.print(Text(
        f"Example of the exception: u = {_seq(u)}, v = {_seq(v)} give uv = vu, "
        f"so C(u)C(v) = C(v)C(u) = {_short(a * b)}: "
        + ("equal, as it must be." if same else "DIFFERENT (a bug)."), style="dim"))


def _summary(results: list[LawResult]) -> Table:
    table = Table(title="laws checked live", title_justify="left")
    table.add_column("law", style="bold")
    table.add_column("statement")
    table.add_column("trials", justify="right")
    table.add_column("passed", justify="right")
    table.add_column("time", justify="right")
    for r in results:
        table.add_row(r.name, r.statement, str(r.trials),
                      Text(str(r.passed), style="green" if r.ok else "bold red"), f"{r.seconds * 1e3:.1f} ms")
    return table


if __name__ == "__main__":
    sys.exit(demos.main("algebra"))
