"""The ``ectraverse`` console script.

Subcommands:
    curves   a table of the registered curves
    bench    the benchmark (see :mod:`ectraverse.bench`)

User errors print one line on stderr and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

import ectraverse
from ectraverse import bench
from ectraverse.errors import EctraverseError


def _cmd_curves(args: argparse.Namespace) -> int:
    table = Table(title="ectraverse curves", title_justify="left")
    for col in ("name", "aliases", "bits(p)", "bits(n)", "h", "a", "GLV", "fixed-size core"):
        table.add_column(col)
    for name in ectraverse.curve_names():
        C = ectraverse.curve(name)
        a = "-3" if C.a == C.p - 3 else str(C.a) if C.a < 1000 else f"{C.a:#x}"[:12] + "…"
        table.add_row(
            name,
            ", ".join(C.params.aliases),
            str(C.p.bit_length()),
            str(C.n.bit_length()),
            str(C.h) if C.h < 1000 else f"{C.h:#x}"[:12] + "…",
            a,
            "yes" if C.has_glv else "",
            "yes" if C._core.fast_path else "",
        )
    Console().print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ectraverse",
        description="Elliptic-curve compositional state machine: group arithmetic, benchmarks.",
    )
    parser.add_argument("--version", action="version", version=f"ectraverse {ectraverse.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p_curves = sub.add_parser("curves", help="list the registered curves")
    p_curves.set_defaults(func=_cmd_curves)
    p_bench = sub.add_parser(
        "bench",
        help="benchmark group operations against the reference and installed peers",
        description=bench.__doc__.strip().splitlines()[0] if bench.__doc__ else None,
    )
    bench.add_arguments(p_bench)
    p_bench.set_defaults(func=lambda a: bench.run(a))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (EctraverseError, OSError) as exc:
        print(f"ectraverse: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ectraverse: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
