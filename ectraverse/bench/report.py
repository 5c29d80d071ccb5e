"""The report: the run's metadata, the tables on the terminal, the goal table.

The only module of the benchmark that draws with ``rich`` (with the progress
bar of :mod:`ectraverse.bench.runner`).
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ectraverse import _terminal
from ectraverse.bench.adapters import ADAPTERS, Adapter, EctraverseAdapter
from ectraverse.bench.args import Settings
from ectraverse.bench.goals import measured_text
from ectraverse.bench.inputs import CHUNK_WORKERS, H2C_DST, SINGLE_INPUTS, VARIANTS
from ectraverse.bench.ops import OPS
from ectraverse.bench.units import fmt_rate, fmt_us, sig3

__all__ = ["console", "meta", "render"]


def console(stderr: bool = False) -> Console:
    """A console without highlighting, 140 columns wide when not a terminal (unless ``COLUMNS`` is set)."""
    return _terminal.console(stderr=stderr, highlight=False, piped_width=140)


def _cpu_model() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return model


def meta(s: Settings, adapters: dict[str, Adapter], unavailable: dict[str, str],
         skipped: list[str], argv: Sequence[str] | None) -> dict[str, Any]:
    """The JSON's ``meta``: versions, machine, method, selection, command line, date, notes.

    Args:
        s: the run's settings.
        adapters: the implementations that loaded.
        unavailable: why the others did not.
        skipped: the planner's notes.
        argv: the benchmark's arguments as given (``sys.argv[1:]`` when None).
    """
    versions: dict[str, str] = {"python": f"{platform.python_implementation()} {platform.python_version()}"}
    for dist in ("numpy", "rich"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    for name in ADAPTERS:
        if name in adapters:
            versions[name] = adapters[name].version()
        elif name in unavailable:
            versions[name] = unavailable[name]
    if "ectraverse" not in versions:
        versions["ectraverse"] = EctraverseAdapter().version()
    argv_list = list(sys.argv[1:] if argv is None else argv)
    return {
        "tool": "ectraverse bench",
        "command": " ".join(["ectraverse bench", *argv_list]),
        "argv": argv_list,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions,
        "ectraverse_build": importlib.import_module("ectraverse._ec").build_info(),
        "machine": {"platform": platform.platform(), "machine": platform.machine(), "cpu": _cpu_model(),
                    "cpu_count": os.cpu_count()},
        "method": {"timer": "time.perf_counter", "statistic": "median", "gc": "disabled while timing",
                   "min_time_s": s.min_time, "repeats": s.repeats, "seed": s.seed, "quick": s.quick,
                   "single_op_inputs": SINGLE_INPUTS, "batch_variants": VARIANTS,
                   "vocab_repeats": s.repeats_of["vocab"], "hash_to_curve_dst": H2C_DST.decode("ascii"),
                   "hash_to_curve_messages": "b'token-<i>', distinct within and across the cycled input sets",
                   "vocab_corpus": "the stdlib's top-level *.py files by name, whole, tokenized by "
                                   "ectraverse.tokenizers.words",
                   "engine_repeats": s.repeats_of["compose"],
                   "engine_text": "the vocab corpus's files joined by '\\n'; compose_chunks cuts it at "
                                  f"line boundaries into {CHUNK_WORKERS} chunks",
                   "engine_pool": f"concurrent.futures.ProcessPoolExecutor({CHUNK_WORKERS}) with the "
                                  "platform's default start method (each row's start_method), warmed by "
                                  "two untimed compose_chunks calls"},
        "selection": s.selection(),
        "unavailable": unavailable,
        "skipped": skipped,
        "notes": {name: list(a.notes) for name, a in adapters.items()},
    }


def _cell(r: dict[str, Any] | None, base: dict[str, Any] | None, details: bool) -> Text:
    """A table cell: the op's own (:attr:`Op.cell`), else the time per op, the ratio to ectraverse's
    and the op's note."""
    if r is None:
        return Text("—", style="dim")
    if "error" in r:
        return Text("error", style="bold red")
    op = OPS[r["op"]]
    if op.cell is not None:
        t = Text()
        for text, style in op.cell(r):
            t.append(text, style=style)
    else:
        t = Text(fmt_us(r["us_per_op"]) + op.suffix)
        if base is not None and base is not r and "error" not in base:
            ratio = r["us_per_op"] / base["us_per_op"]
            t.append(f" ({sig3(ratio)}×)", style="green" if ratio >= 1 else "yellow")
        if op.note is not None:
            t.append(f"\n{op.note(r)}", style="dim")
    if details:
        t.append(f"\n{fmt_rate(r['ops_per_s'])}, {r['loops']}×{r['ops_per_call']} ops ×{r['repeats']}", style="dim")
    return t


def _header(meta: dict[str, Any], s: Settings) -> Table:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()

    def row(label: str, value: str) -> None:  # as text, not markup: "pip install 'ectraverse[bench]'"
        head.add_row(label, Text(value))

    v = meta["versions"]
    row("ectraverse bench", meta["date"])
    row("python", f"{v['python']}, numpy {v['numpy']}, rich {v['rich']}")
    for name in ADAPTERS:
        if name in v:
            row(name, v[name])
    if meta["ectraverse_build"] is not None:
        row("ectraverse build", str(meta["ectraverse_build"]))
    mach = meta["machine"]
    row("machine", f"{mach['cpu']}, {mach['cpu_count']} CPUs, {mach['platform']}")
    method = meta["method"]
    row("method", f"median of {method['repeats']} repeats of ≥ {method['min_time_s']} s each "
                  f"(calibrated loops), time.perf_counter, gc off, seed {method['seed']}")
    rows = dict(OPS[op].method(meta) for op in s.ops if OPS[op].method is not None)
    for label, text in rows.items():
        row(label, text)
    return head


def render(out: Console, meta: dict[str, Any], results: list[dict[str, Any]],
           goals: list[dict[str, Any]], s: Settings) -> None:
    """Print the report: the header, one table per curve, what is timed, the goal table.

    Args:
        out: where to print.
        meta: from :func:`meta`.
        results: the result rows.
        goals: from :func:`ectraverse.bench.goals.evaluate`.
        s: the run's settings.
    """
    out.print(_header(meta, s))
    order = list(OPS)
    impls = [i for i in ADAPTERS if any(r["impl"] == i for r in results)]
    captions = "; ".join(dict.fromkeys(op.caption for op in OPS.values() if op.caption))
    out.print()
    out.print(f"Median time per operation ({captions}). "
              "(n×) = time / ectraverse's time: above 1, ectraverse is faster.", highlight=False)
    for curve in s.curves:
        rows = [r for r in results if r["curve"] == curve]
        if not rows:
            continue
        cols = [i for i in impls if any(r["impl"] == i for r in rows)]
        table = Table(title=curve, title_justify="left", title_style="bold")
        table.add_column("operation", style="bold")
        for i in cols:
            table.add_column(i, justify="right")
        keys = list(dict.fromkeys((r["op"], r["size"]) for r in rows))
        for op, size in sorted(keys, key=lambda k: (order.index(k[0]), k[1] or 0)):
            by_impl = {r["impl"]: r for r in rows if (r["op"], r["size"]) == (op, size)}
            base = by_impl.get("ectraverse")
            table.add_row(OPS[op].label_of(size), *(_cell(by_impl.get(i), base, s.details) for i in cols))
        out.print()
        out.print(table)

    out.print()
    out.print("[bold]What is timed[/bold]")
    for name, notes in meta["notes"].items():
        out.print(f"  [bold]{name}[/bold]: {escape(notes[0])}", highlight=False)
        for line in notes[1:]:
            out.print(f"    {escape(line)}", highlight=False)
    for name, why in meta["unavailable"].items():
        out.print(f"  [bold]{name}[/bold]: {escape(why)}; skipped", highlight=False)
    for line in meta["skipped"]:
        out.print(f"  {escape(line)}", highlight=False, style="dim")

    gt = Table(title="Speed goals (information, not a test): ectraverse time / comparison time, "
                     "or ectraverse time per operation",
               title_justify="left")
    gt.add_column("goal")
    gt.add_column("target", justify="right")
    gt.add_column("measured", justify="right")
    gt.add_column("status", justify="center")
    gt.add_column("detail", style="dim")
    style = {"pass": "bold green", "fail": "bold red", "n.a.": "dim"}
    for g in goals:
        gt.add_row(g["goal"], g["target_text"], measured_text(g), Text(g["status"], style=style[g["status"]]),
                   g["detail"])
    out.print()
    out.print(gt)
