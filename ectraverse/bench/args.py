"""The benchmark's command line: its options, their parsing, and the settings of a run.

Light on purpose (no ``rich``, nothing timed): ``ectraverse bench --help``
imports this and the op table only.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ectraverse._args import ArgumentParser, at_most, integer, positive_int, shown
from ectraverse.bench.adapters import ADAPTERS
from ectraverse.bench.inputs import DASK_BLOCK_BYTES, WINDOW_LENGTH, WINDOWS_M
from ectraverse.bench.ops import CURVES, LAYER_CURVES, OPS, QUICK_CURVES, Sizes, ops_of_layer
from ectraverse.curves import named_params

__all__ = ["MIN_TIME", "REPEATS", "PREFIX_TOKENS", "DRAWN_MAX", "Settings", "add_arguments", "build_parser"]

MIN_TIME = (0.1, 0.02)
"""Seconds one repeat lasts at least: (full run, ``--quick``)."""

REPEATS = (5, 3)
"""Timed repeats per cell: (full run, ``--quick``); an op may have its own (:attr:`Op.repeats`)."""

PREFIX_TOKENS = 10_000
"""The corpus text's first tokens the engine ops take by default (``--prefix-tokens``)."""


def _norm(s: str) -> str:
    return s.strip().lower().replace("_", "-").replace(" ", "-")


def _curve_aliases() -> dict[str, str]:
    table = {}
    for name in CURVES:
        for alias in (name, *named_params(name).aliases):
            table[_norm(alias)] = name
    return table


def _choice(kind: str, table: Callable[[], dict[str, str]], names: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return table()[_norm(value)]
        except KeyError:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {shown(value)}; choose from: {', '.join(names)}") from None
    parse.__name__ = kind  # argparse names the type in some messages
    return parse


SIZE_MAX = 10**9
"""The most a size option (tokens, points, elements) may ask for: far past what the machine holds."""


#: The most ``--repeats`` may ask for: each repeat is at least ``--min-time`` seconds of every cell.
REPEATS_MAX = 1000

#: argparse type of a size option: a positive int of at most :data:`SIZE_MAX`.
_size = at_most(SIZE_MAX)

DRAWN_MAX = 1 << 18
"""The most ``--msm-size`` and ``--batch-size`` may ask for (262,144): their inputs, two sets of that many
points or scalars, are drawn in pure Python (about 10 µs a point), and a batch's expected points are checked
by the reference (about 30 µs a point), so 10⁹ would never finish."""


def _drawn_size(value: str) -> int:
    """argparse type of ``--msm-size`` and ``--batch-size``: a positive int of at most :data:`DRAWN_MAX`."""
    n = positive_int(value)
    if n > DRAWN_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {DRAWN_MAX:,}, not {shown(value)} (the inputs are drawn "
                                         "and checked in pure Python: a larger size would not finish)")
    return n


def _at_least_three(value: str) -> int:
    n = positive_int(value)
    if n < 3:
        raise argparse.ArgumentTypeError(f"must be at least 3 (a median needs repeats), not {shown(value)}")
    return n


_repeats = at_most(REPEATS_MAX, _at_least_three)


#: The most ``--min-time`` may ask for, in seconds: a cell takes ``--repeats`` times that.
MIN_TIME_MAX = 60.0


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {shown(value)}") from None
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {shown(value)}")
    if x > MIN_TIME_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {MIN_TIME_MAX:g} seconds, not {shown(value)}")
    return x


def _default_ops_text() -> str:
    parts = [f"{', '.join(ops_of_layer(layer))} on {' and '.join(curves)} only"
             for layer, curves in LAYER_CURVES.items() if curves is not None]
    by_baselines: dict[tuple[str, ...], list[str]] = {}
    for name, op in OPS.items():
        if op.baselines:
            by_baselines.setdefault(op.baselines, []).append(name)
    planned = [f"{' and '.join(names)} also time{'s' if len(names) == 1 else ''} {' and '.join(bases)}"
               for bases, names in by_baselines.items()]
    return (f"Default: all ({' and '.join(parts)}, unless --curve is given). "
            f"{', and '.join(planned)}, for their goals.")


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the benchmark's options to ``parser`` (for mounting as a subcommand).

    Args:
        parser: a parser or sub-parser.

    Returns:
        The same parser.
    """
    ops_help = "; ".join(f"{name}: {op.help}" for name, op in OPS.items())
    parser.add_argument("--curve", action="append", metavar="NAME",
                        type=_choice("curve", _curve_aliases, CURVES),
                        help=f"curve to time (repeatable; aliases accepted): {', '.join(CURVES)}. "
                             f"Default: all ({' and '.join(QUICK_CURVES)} with --quick).")
    parser.add_argument("--op", action="append", metavar="NAME",
                        type=_choice("operation", lambda: {_norm(o): o for o in OPS}, list(OPS)),
                        help=f"operation to time (repeatable). {ops_help}. {_default_ops_text()}")
    parser.add_argument("--impl", action="append", metavar="NAME",
                        type=_choice("implementation", lambda: {_norm(a): a for a in ADAPTERS}, list(ADAPTERS)),
                        help=f"implementation to time (repeatable): {', '.join(ADAPTERS)}. "
                             "Default: all that are installed.")
    parser.add_argument("--quick", action="store_true",
                        help="a run of under a minute: secp256k1 and P-256, MSM sizes 16 and 256, "
                             "smaller batches, vocabulary and compose text (100000 tokens), 3 repeats of "
                             "at least 0.02 s, reference for add, mul and hash_to_curve only (unless --op names others)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write every result to this JSON file")
    parser.add_argument("--seed", type=integer, default=1, metavar="N", help="seed of the random inputs (default 1)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none either when stderr is not a terminal)")
    parser.add_argument("--min-time", type=_positive_float, metavar="SECONDS",
                        help=f"minimum duration of one repeat (default {MIN_TIME[0]}, {MIN_TIME[1]} with --quick; "
                             f"at most {MIN_TIME_MAX:g})")
    parser.add_argument("--repeats", type=_repeats, metavar="N",
                        help=f"timed repeats per cell, the median is reported (default {REPEATS[0]}, "
                             f"{REPEATS[1]} with --quick; 3 to {REPEATS_MAX:,})")
    parser.add_argument("--msm-size", action="append", type=_drawn_size, metavar="N",
                        help="MSM size (repeatable; default 16 64 256 1024 4096 65536, 16 256 with --quick; "
                             f"at most {DRAWN_MAX:,}, as the inputs are drawn in pure Python)")
    parser.add_argument("--batch-size", type=_drawn_size, metavar="N",
                        help="elements per batch call (default 100000 for batch_add, 10000 for "
                             "batch_mul_g and hash_to_curve_batch; 10000, 1000 and 1000 with --quick; "
                             f"at most {DRAWN_MAX:,}, as the inputs are drawn in pure Python)")
    parser.add_argument("--vocab-tokens", type=_size, metavar="N",
                        help="tokens of standard-library source the vocab operation builds from, whole "
                             "files by name until at least N (default 1000000, 100000 with --quick); "
                             "the build is timed once (3 times with --quick) unless --repeats is given")
    parser.add_argument("--compose-tokens", type=_size, metavar="N",
                        help="tokens of the text of compose and compose_chunks: the vocab corpus's files "
                             "joined by newlines, whole files until at least N (default 1000000, 100000 "
                             "with --quick); these two are timed 5 times (3 with --quick) unless --repeats "
                             "is given")
    parser.add_argument("--dask-tokens", type=_size, metavar="N",
                        help="tokens of the dask op's bag: copies of that text, as many as make about N "
                             "(default 4000000, 200000 with --quick); needs the dask extra "
                             "(pip install \"ectraverse[dask]\")")
    parser.add_argument("--dask-block-bytes", type=_size, metavar="N",
                        help="the dask op reads its files in text blocks of about N bytes, cut after "
                             f"newlines (default {DASK_BLOCK_BYTES}, as 'ectraverse compose --scheduler' "
                             "reads them: a block a file at the default size)")
    parser.add_argument("--prefix-tokens", type=_size, metavar="N",
                        help="the first N tokens of that text make the prefix states of window and "
                             "windows, push's tokens (the first 64) and compose's push run (at most the "
                             "text's tokens) "
                             f"(default {PREFIX_TOKENS}; at least {max(WINDOW_LENGTH, *WINDOWS_M)})")
    parser.add_argument("--details", action="store_true",
                        help="also show ops/s, loops and repeats in every table cell")
    return parser


def build_parser(prog: str = "ectraverse bench") -> argparse.ArgumentParser:
    """The benchmark's own argument parser.

    Args:
        prog: the program name its usage and errors show.

    Returns:
        An :class:`ectraverse._args.ArgumentParser` with :func:`add_arguments`.
    """
    parser = ArgumentParser(
        prog=prog,
        description="Time ectraverse, its pure-Python reference and the installed peer libraries "
                    "(coincurve, cryptography, fastecdsa, py_ecc) side by side, per curve and operation.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Times are medians; ratios are each implementation's time over ectraverse's.\n\n"
               "examples:\n"
               "  ectraverse bench --quick\n"
               "  ectraverse bench --curve secp256k1 --op msm --msm-size 4096 --impl ectraverse --impl coincurve\n"
               "  ectraverse bench --curve secp256k1 --impl ectraverse --op dask\n"
               "  ectraverse bench --json bench.json")
    return add_arguments(parser)


def _check_writable(path: Path) -> None:
    """Refuse a ``--json`` path that could not be written, before anything is timed.

    Raises:
        ValueError: path is a directory, its directory does not exist, or it
            (or its directory, for a new file) is not writable.
    """
    if path.is_dir():
        raise ValueError(f"--json must be a file path, not the directory {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"--json: directory {str(path.parent)!r} does not exist")
    target = Path(os.path.realpath(path))  # what the probe creates: a dangling link's target, not the link
    existed = target.exists()
    try:  # opened for real (os.access answers yes to root where the file system says no); a FIFO must not block
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o666))
    except OSError as exc:
        raise ValueError(f"--json must be a writable path, not {str(path)!r} ({exc.strerror or exc})") from None
    if not existed:
        target.unlink(missing_ok=True)


@dataclasses.dataclass
class Settings:
    """What a run does, from the parsed options and the op table.

    ``sizes`` and ``repeats_of`` are per op (every op of the table, selected
    or not); ``repeats`` is the common repeat count.
    """

    curves: tuple[str, ...]
    ops: tuple[str, ...]
    impls: tuple[str, ...]
    explicit_ops: bool
    explicit_curves: bool
    quick: bool
    min_time: float
    repeats: int
    sizes: dict[str, tuple[int | None, ...]]
    repeats_of: dict[str, int]
    prefix_tokens: int
    dask_block_bytes: int
    seed: int
    progress: bool
    details: bool
    json_path: Path | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        """The settings of parsed ``args`` (from :func:`build_parser` or :func:`add_arguments`).

        Raises:
            ValueError: an option's value that argparse cannot judge alone: ``--batch-size`` below 2,
                ``--prefix-tokens`` shorter than a window, a ``--json`` path that cannot be written.
        """
        q = 1 if args.quick else 0
        if args.batch_size is not None and args.batch_size < 2:
            raise ValueError(f"--batch-size must be at least 2, not {args.batch_size}")
        least = max(WINDOW_LENGTH, *WINDOWS_M)
        if args.prefix_tokens is not None and args.prefix_tokens < least:
            raise ValueError(f"--prefix-tokens must be at least {least}, not {args.prefix_tokens}")
        if args.json is not None:
            _check_writable(args.json)
        repeats = args.repeats or REPEATS[q]
        return cls(
            curves=tuple(c for c in CURVES if c in args.curve) if args.curve else (QUICK_CURVES if q else CURVES),
            ops=tuple(o for o in OPS if o in args.op) if args.op else tuple(OPS),
            impls=tuple(a for a in ADAPTERS if not args.impl or a in args.impl),
            explicit_ops=bool(args.op),
            explicit_curves=bool(args.curve),
            quick=args.quick,
            min_time=args.min_time or MIN_TIME[q],
            repeats=repeats,
            sizes={name: _sizes(op.sizes, args, q) for name, op in OPS.items()},
            repeats_of={name: args.repeats or (op.repeats[q] if op.repeats else repeats) for name, op in OPS.items()},
            prefix_tokens=args.prefix_tokens or PREFIX_TOKENS,
            dask_block_bytes=args.dask_block_bytes or DASK_BLOCK_BYTES,
            seed=args.seed,
            progress=not args.no_progress,
            details=args.details,
            json_path=args.json,
        )

    def selection(self) -> dict[str, Any]:
        """The JSON's ``meta.selection``: curves, ops, implementations and every size option's value."""
        out: dict[str, Any] = {"curves": list(self.curves), "ops": list(self.ops), "impls": list(self.impls)}
        for name, op in OPS.items():
            opt = op.sizes.option if op.sizes else None
            if opt is None:
                continue
            sizes = self.sizes[name]
            if opt.repeatable:
                out[opt.selection] = list(sizes)
            elif opt.per_op:
                out.setdefault(opt.selection, {})[name] = sizes[0]
            else:
                out[opt.selection] = sizes[0]
        out["prefix_tokens"] = self.prefix_tokens
        out["dask_block_bytes"] = self.dask_block_bytes
        return out


def _sizes(sizes: Sizes | None, args: argparse.Namespace, q: int) -> tuple[int | None, ...]:
    """An op's sizes in this run: the option's value if given, else the default of a full or quick run."""
    if sizes is None:
        return (None,)
    given = getattr(args, sizes.option.dest) if sizes.option else None
    if given is None:
        return sizes.quick if q else sizes.full
    return tuple(sorted(set(given))) if sizes.option.repeatable else (given,)
