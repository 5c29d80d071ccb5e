"""cycle: cyclic symmetry made exact, the twelve months as an orbit of order 12.

On a curve whose group order ``n`` has ``12 | n - 1`` (secp256k1, P-256, BN254,
BLS12-381, toy61), ``Z_n`` holds an element ``w`` of exact multiplicative
order 12.  Month ``i`` (January = 0 ... December = 11) becomes the point
``M_i = w^i * B``, where ``B`` is the engine's token point of ``"January"``
(RFC 9380 hash-to-curve).  "+3 months" is multiplication by ``w^3``: it sends
each month to the month three later and wraps December to March *exactly*
(the points are equal, not close), and twelve steps return to the start
because ``w^12 = 1``.

The engine's multiplier ``k`` must never behave like this: a small order
would make contexts of long sequences wrap around and collide.  The demo shows
``k^d`` for ``d = 1 .. 12`` (none is 1; the engine rejects any ``k`` of order
at most ``2^32``), then builds a context group with the bad multiplier ``w``
and exhibits two different month sequences, 12 tokens apart, with equal
contexts.

Commands (one per line; a prompt on a terminal, a script on any other stdin;
month names are case-insensitive and may be abbreviated to three letters)::

    +N MONTH         shift MONTH by N months: w^N * M_MONTH (e.g. "+3 December", "+13 January")
    -N MONTH         shift backwards (e.g. "-1 January" is December)
    compose A B ...  months as rotations (January = +0 ... December = +11), applied in turn to B:
                     "compose March October" = w^2 then w^9 = w^11 * B = December
    cycle MONTH      twelve steps of +1 from MONTH, back exactly to MONTH
    power D          w^D and k^D mod n side by side (D any integer)
    collide          the bad-multiplier collision again
    help             this list
    quit             leave (so does end of input)

With a script the output is deterministic: nothing in the demo is random.

Example:
    >>> w = order_12_root(97)          # 12 | 96
    >>> pow(w, 12, 97), pow(w, 6, 97) != 1, pow(w, 4, 97) != 1
    (1, True, True)
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ectraverse import demos
from ectraverse.context import ContextGroup
from ectraverse.curves import glv_parameters
from ectraverse.errors import EctraverseError
from ectraverse.point import Curve, Point, curve as named_curve, curve_names
from ectraverse.traverse import Traversal
from ectraverse.demos._shell import command_lines

__all__ = ["DESCRIPTION", "MONTHS", "add_arguments", "run", "order_12_root"]

DESCRIPTION = "Cyclic symmetry made exact: the months as an orbit of order 12, and why k must never have small order."

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
ORDER = 12

_HELP = """[bold]commands[/]
  [cyan]+N MONTH[/]         shift MONTH by N months, e.g. [cyan]+3 December[/], [cyan]+13 January[/]
  [cyan]-N MONTH[/]         shift backwards, e.g. [cyan]-1 January[/]
  [cyan]compose A B ...[/]  months as rotations (January = +0 ... December = +11) applied in turn
  [cyan]cycle MONTH[/]      twelve steps of +1, back exactly to MONTH
  [cyan]power D[/]          w^D and k^D mod n
  [cyan]collide[/]          the bad-multiplier collision
  [cyan]help[/], [cyan]quit[/]"""

_CIRCULANT = (
    "Cyclic symmetries in a task's targets (months, hours, pitch classes, addition mod 12) tend to show up in trained "
    "models as circulant weight matrices, which the discrete Fourier transform diagonalises.  Here the same symmetry "
    "is exact by construction: on the twelve month points, multiplication by w is the cyclic shift (the permutation "
    "that generates every circulant), and w itself is a primitive 12th root of unity in Z_n, an eigenvalue of that shift."
)


def order_12_root(n: int) -> int:
    """The first ``w = c^((n - 1) / 12) mod n`` (c = 2, 3, ...) of exact multiplicative order 12.

    Args:
        n: a prime with ``12 | n - 1``.

    Raises:
        ValueError: if 12 does not divide n - 1.
    """
    if (n - 1) % ORDER:
        raise ValueError(f"n - 1 must be divisible by {ORDER}, not {(n - 1) % ORDER} mod {ORDER}")
    e = (n - 1) // ORDER
    for c in range(2, n):
        w = pow(c, e, n)
        if pow(w, 6, n) != 1 and pow(w, 4, n) != 1:  # 6 and 4 are the maximal proper divisors of 12
            return w
    raise ValueError(f"no element of order {ORDER} mod {n}")  # pragma: no cover  (n prime: one exists)


def _hex(P: Point, width: int = 12) -> str:
    raw = P.to_bytes().hex()
    return raw if len(raw) <= width else raw[:width] + "…"


def _scalar(x: int, n: int) -> str:
    """A scalar mod n in short hex (head…tail, so near-equal values stay distinguishable)."""
    if x == 1:
        return "1"
    if x == n - 1:
        return "n − 1  (= −1)"
    h = f"{x:x}"
    return "0x" + (h if len(h) <= 16 else h[:8] + "…" + h[-6:])


def _month(word: str) -> int:
    w = word.strip().casefold()
    for i, name in enumerate(MONTHS):
        if w == name.casefold() or (len(w) >= 3 and name.casefold().startswith(w)):
            return i
    raise ValueError(f"unknown month {word!r}; expected January … December (or Jan … Dec)")


def _supported() -> list[str]:
    return [name for name in curve_names() if (named_curve(name).n - 1) % ORDER == 0]


class _Cycle:
    """The state of one run: the orbit, the engine and the bad group."""

    def __init__(self, C: Curve, console: Console):
        self.C = C
        self.n = C.n
        self.console = console
        self.w = order_12_root(C.n)
        self.engine = Traversal(C)
        self.B = self.engine.vocabulary.generator("January")
        self.M = [pow(self.w, i, self.n) * self.B for i in range(ORDER)]
        self.where = {P.to_bytes(): i for i, P in enumerate(self.M)}
        self.bad = ContextGroup(C, self.w, b"ectraverse-v1:demo-cycle:bad-multiplier:" + C.name.encode())

    # ---- the walk-through -------------------------------------------------------------

    def intro(self) -> None:
        c, n, w = self.console, self.n, self.w
        c.print(Panel.fit(
            f"[bold]cycle[/] on [cyan]{self.C.name}[/]: n − 1 = 12 · {_scalar((n - 1) // ORDER, n)}\n"
            f"w = {_scalar(w, n)} has exact order 12:  w^12 = {_scalar(pow(w, 12, n), n)},  "
            f"w^6 = {_scalar(pow(w, 6, n), n)},  w^4 ≠ 1\n"
            "month i  ↦  M_i = w^i · B,   B = P_\"January\" (the engine's token point, RFC 9380 hash-to-curve)",
            title="the months as an orbit of order 12", title_align="left"))
        table = Table(title='"+3 months" is multiplication by w^3', title_justify="left")
        for col in ("i", "month", "M_i", "w^3 · M_i", "= M_j", "month + 3", "exact"):
            table.add_column(col)
        w3 = pow(w, 3, n)
        for i, name in enumerate(MONTHS):
            P = w3 * self.M[i]
            j = self.where.get(P.to_bytes())
            target = (i + 3) % ORDER
            table.add_row(str(i), name, _hex(self.M[i]), _hex(P), f"M_{j}" if j is not None else "—",
                          MONTHS[j] + ("  (wrapped)" if i + 3 >= ORDER else "") if j is not None else "off the orbit",
                          "✓ exactly" if P == self.M[target] else "✗ no")
        demos.show_table(c, table)
        self.symmetries()
        back = pow(w, ORDER, n) * self.M[0]
        c.print(f"Twelve steps return exactly: w^12 · M_0 = {_hex(back)} = M_0 = {_hex(self.M[0])}: "
                f"{'equal' if back == self.M[0] else 'NOT equal'}.\n")
        self.powers(range(1, ORDER + 1), title="the engine's multiplier k never comes back to 1")
        k_ones = [d for d in range(1, ORDER + 1) if self.engine.group.power(d) == 1]
        c.print(f"k^d = 1 for d in 1..12: {k_ones or 'none'}.  The engine derives k by RFC 9380 hash_to_field and "
                "rejects any k of order ≤ 2^32 (baby-step giant-step), so powers of k never wrap within a sequence "
                "shorter than that.  A k of small order would make every context forget where its tokens stood, "
                "modulo that order:\n")
        self.collide()
        c.print(Panel(_CIRCULANT, title="circulant structure", title_align="left"))
        c.print("Type [cyan]help[/] for commands.\n")

    def symmetries(self) -> None:
        """What the orbit's structure means on the curve: w^6 = -1 and, on a = 0 curves, the GLV eigenvalue."""
        c, n, M = self.console, self.n, self.M
        x0, y0 = M[0].x, M[0].y
        neg = M[6] == -M[0] and M[6].x == x0
        c.print(f"w^6 = −1, so M_(i+6) = −M_i: the same x, the other y "
                f"({'checked' if neg else 'NOT so'} for January and July).")
        glv = glv_parameters(self.C.params)
        if glv is None:
            return
        for e in (4, 8):
            if pow(self.w, e, n) == glv.lam:
                image = self.C.point(glv.beta * x0 % self.C.p, y0)
                c.print(f"w^{e} is this curve's GLV eigenvalue λ (the cube root of unity behind its fast endomorphism): "
                        f"M_(i+{e}) = (β·x, y) for M_i = (x, y) ({'checked' if image == M[e] else 'NOT so'} "
                        f"for {MONTHS[0]} and {MONTHS[e]}).")

    def powers(self, ds, *, title: str) -> None:
        n = self.n
        table = Table(title=title, title_justify="left")
        for col in ("d", "w^d mod n", "w^d = 1", "k^d mod n", "k^d = 1"):
            table.add_column(col)
        for d in ds:
            wd, kd = pow(self.w, d, n), self.engine.group.power(d)
            table.add_row(str(d), _scalar(wd, n), "yes" if wd == 1 else "no", _scalar(kd, n), "yes" if kd == 1 else "no")
        demos.show_table(self.console, table)

    def collide(self) -> None:
        c = self.console
        u = list(MONTHS) + ["March"]            # January ... December March
        v = ["March"] + list(MONTHS[1:]) + ["January"]   # March February ... December January
        bad_u = self._compose_bad(u)
        bad_v = self._compose_bad(v)
        good_u, good_v = self.engine.compose(u), self.engine.compose(v)
        c.print("u = " + " ".join(u))
        c.print("v = " + " ".join(v))
        c.print("(u and v differ only at positions 0 and 12, twelve tokens apart: January and March swapped)")
        table = Table(title="the same two sequences under two multipliers", title_justify="left")
        for col in ("multiplier", "C(u)", "C(v)", "C(u) == C(v)"):
            table.add_column(col)
        table.add_row("bad: w, order 12", f"({bad_u.length}, {_hex(bad_u.point)})",
                      f"({bad_v.length}, {_hex(bad_v.point)})",
                      "[bold red]EQUAL: collision[/]" if bad_u == bad_v else "different")
        table.add_row("engine: k, order > 2^32", f"({good_u.length}, {_hex(good_u.point)})",
                      f"({good_v.length}, {_hex(good_v.point)})", "EQUAL" if good_u == good_v else "[green]different[/]")
        demos.show_table(c, table)
        year = self._compose_bad([MONTHS[0]] * ORDER)
        c.print(f"With w, twelve Januaries compose to ({year.length}, "
                f"{'O, the identity point' if year.point.is_identity else _hex(year.point)}): "
                "(1 + w + … + w^11) · P = 0, so the point forgets a whole year.  "
                f"The engine's twelve Januaries: ({ORDER}, {_hex(self.engine.compose([MONTHS[0]] * ORDER).point)}).\n")

    def _compose_bad(self, tokens):
        ctx = self.bad.identity
        for t in tokens:
            ctx = ctx * self.bad.atom(self.engine.vocabulary.generator(t))
        return ctx

    # ---- commands -----------------------------------------------------------------

    def shift(self, steps: int, month: int) -> None:
        n = self.n
        P = pow(self.w, steps, n) * self.M[month]
        j = self.where.get(P.to_bytes())
        target = (month + steps) % ORDER
        laps = (month + steps) // ORDER
        years = f"{abs(laps)} year{'s' if abs(laps) != 1 else ''}"
        wrap = "" if laps == 0 else f"  (wrapped {'forward' if laps > 0 else 'back'} {years})"
        if j is None:  # pragma: no cover  (cannot happen: w^steps M_i is on the orbit)
            self.console.print(f"w^{steps} · M_{month} = {_hex(P)} is not on the orbit")
            return
        self.console.print(
            f"{steps:+d} {MONTHS[month]} = w^{steps} · M_{month} = {_hex(P)} = M_{j} = [bold]{MONTHS[j]}[/]{wrap}   "
            f"exact: {'equal' if P == self.M[target] else 'NOT equal'} to M_{target}")

    def compose(self, months: list[int]) -> None:
        n = self.n
        P = self.B
        for m in months:
            P = pow(self.w, m, n) * P
        total = sum(months)
        j = self.where.get(P.to_bytes())
        steps = " then ".join(f"w^{m}" for m in months)
        self.console.print(
            f"compose {' '.join(MONTHS[m] for m in months)}: {steps} applied to B = w^{total % ORDER} · B "
            f"= M_{j} = [bold]{MONTHS[j]}[/]   ({' + '.join(map(str, months))} = {total} ≡ {total % ORDER} mod 12)")

    def cycle(self, month: int) -> None:
        n = self.n
        table = Table(title=f"twelve steps of +1 from {MONTHS[month]}", title_justify="left")
        for col in ("step", "point", "month"):
            table.add_column(col)
        P = self.M[month]
        w = self.w
        for step in range(ORDER + 1):
            j = self.where.get(P.to_bytes())
            table.add_row(str(step), _hex(P), MONTHS[j])
            P = w * P
        back = pow(w, ORDER, n) * self.M[month]
        demos.show_table(self.console, table)
        self.console.print(f"after 12 steps: {'exactly' if back == self.M[month] else 'NOT'} back at {MONTHS[month]} "
                           f"({_hex(back)} == {_hex(self.M[month])})")

    def do(self, line: str) -> bool:
        """Run one command; False to stop."""
        words = line.split()
        if not words or words[0].startswith("#"):
            return True
        head, rest = words[0].lower(), words[1:]
        if head in ("quit", "exit", "q"):
            return False
        if head in ("help", "?"):
            self.console.print(_HELP)
        elif head[0] in "+-" and head[1:].isdecimal():
            if len(rest) != 1:
                raise ValueError(f"usage: {demos.shown(head)} MONTH (one month), not {len(rest)} words")
            self.shift(demos.number(head, "a step", "a number of months"), _month(rest[0]))
        elif head == "compose":
            if not rest:
                raise ValueError("usage: compose MONTH [MONTH ...]")
            self.compose([_month(m) for m in rest])
        elif head == "cycle":
            if len(rest) != 1:
                raise ValueError("usage: cycle MONTH")
            self.cycle(_month(rest[0]))
        elif head == "power":
            if len(rest) != 1 or not (rest[0][1:] if rest[0][0] in "+-" else rest[0]).isdecimal():  # one sign at most
                raise ValueError("usage: power D (an integer)")
            d = demos.number(rest[0], "D", "an integer")
            self.powers([d], title=f"w^{d} and k^{d}")
        elif head == "collide":
            self.collide()
        else:
            raise ValueError(f"unknown command {words[0]!r}; type help")
        return True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: ``--curve``, and ``--seed`` (accepted like every demo's; nothing here is random)."""
    parser.add_argument("--curve", default="secp256k1",
                        help="a curve with 12 | n - 1 (default secp256k1; also P-256, BN254, BLS12-381, toy61)")
    parser.add_argument("--seed", type=int, default=0,
                        help="accepted for a uniform demo interface; this demo is deterministic and uses no randomness")


def run(args: argparse.Namespace, *, stdin: TextIO, console: Console) -> int:
    """Run the demo: the walk-through, then commands from stdin until quit or end of input.

    Returns:
        0.

    Raises:
        DemoError: the curve is unknown, or has 12 ∤ n - 1.
    """
    try:
        C = named_curve(args.curve)
    except (EctraverseError, TypeError) as exc:
        raise demos.DemoError(str(exc)) from None
    if (C.n - 1) % ORDER:
        raise demos.DemoError(
            f"curve {C.name!r} has no element of order 12 in Z_n: n − 1 ≡ {(C.n - 1) % ORDER} (mod 12), "
            f"and 12 must divide n − 1; try one of: {', '.join(_supported())}")
    demo = _Cycle(C, console)
    demo.intro()
    for line in command_lines(stdin, console, "cycle> "):
        try:
            if not demo.do(line):
                break
        except ValueError as exc:
            console.print(f"[red]{escape(str(exc))}[/]")
    return 0


if __name__ == "__main__":
    sys.exit(demos.main("cycle"))
