"""The run: load the implementations, plan the cells, time them, evaluate the goals, report.

A cell is one (implementation, curve, op, size). Cells of the same (curve,
op, size) share their inputs and their expected results; one failing cell is
reported and never hides the others. Before a cell is timed, the result of
every input it times is compared with the expected points (:func:`_compare`),
and an engine cell runs its own check; after it is timed, the check of what its
timed calls kept, if it has one.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ectraverse.bench import goals, report
from ectraverse.bench.adapters import ADAPTERS, Adapter, Case
from ectraverse.bench.args import Settings
from ectraverse.bench.inputs import InputFactory, OpInputs, Points, curve_params
from ectraverse.bench.ops import OPS, ops_of_layer
from ectraverse.bench.timing import Measurement, measure, measure_group, measure_pair

__all__ = ["TokenProgress", "run"]


@dataclasses.dataclass(frozen=True)
class _Task:
    impl: str
    curve: str
    op: str
    size: int | None


class TokenProgress:
    """A :class:`~ectraverse.bench.adapters.TokenReporter` that draws a ``rich``
    progress task, restarted for every build.

    Args:
        progress: the run's progress display.
        description: the task's text.
        total: the tokens of one build.
    """

    def __init__(self, progress: Progress, description: str, total: int) -> None:
        self._progress = progress
        self._total = total
        self._task = progress.add_task(description, total=total)

    def start(self) -> None:
        """A build starts: the task restarts."""
        self._progress.reset(self._task, total=self._total)

    def __call__(self, n_tokens: int) -> None:
        """``n_tokens`` more tokens were read."""
        self._progress.advance(self._task, n_tokens)

    def close(self) -> None:
        """Remove the task."""
        self._progress.remove_task(self._task)


def _with_baselines(ops: Sequence[str]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """``ops`` plus the ops their goals compare with and time too (:attr:`Op.baselines`,
    transitively), in report order, and which added op is there for which selected ones."""
    added: dict[str, list[str]] = {}
    todo = list(ops)
    while todo:
        op = todo.pop()
        for base in OPS[op].baselines:
            if base not in ops:
                if base not in added:
                    todo.append(base)
                added.setdefault(base, []).append(op)
    return tuple(o for o in OPS if o in ops or o in added), added


def _plan(s: Settings, adapters: dict[str, Adapter]) -> tuple[list[_Task], list[str]]:
    """The cells of the run, in report order, and the notes on what is left out or added."""
    order = list(OPS)
    tasks, skipped = [], []
    for curve in s.curves:
        ops = s.ops
        for op in s.ops:
            on = OPS[op].default_curves
            if on is not None and not s.explicit_curves and curve not in on:
                note = (f"{', '.join(ops_of_layer(OPS[op].layer))}: run on {' and '.join(on)} "
                        "unless --curve names other curves")
                if note not in skipped:
                    skipped.append(note)
                ops = tuple(o for o in ops if o != op)
        if "ectraverse" in adapters:
            ops, added = _with_baselines(ops)
            for base, wanted in added.items():
                skipped.append(f"{base} on {curve}: timed (ectraverse only) as the baseline of the "
                               f"{' and '.join(sorted(set(wanted), key=order.index))} goal(s)")
        for op in ops:
            for size in s.sizes[op]:
                for name, a in adapters.items():
                    if not a.supports(curve, op):
                        continue
                    if op not in s.ops and name != "ectraverse":
                        continue  # a baseline of a goal: ectraverse's own
                    if s.quick and not s.explicit_ops and a.quick_ops is not None and op not in a.quick_ops:
                        continue
                    if size is not None and a.max_size is not None and size > a.max_size:
                        note = f"{name}: {op} sizes above {a.max_size} are not run (too slow)"
                        if note not in skipped:
                            skipped.append(note)
                        continue
                    tasks.append(_Task(name, curve, op, size))
    if "dask" in s.ops and "ectraverse" in adapters and not any(adapters["ectraverse"].supports(c, "dask")
                                                                for c in s.curves):
        skipped.append("dask: not run: it needs Dask, an optional extra (pip install 'ectraverse[dask]')")
    return tasks, skipped


def _result_row(t: _Task, case: Case, m: Measurement, inputs: OpInputs,
                base: Measurement | None = None) -> dict[str, Any]:
    op = OPS[t.op]
    row = {
        "impl": t.impl, "curve": t.curve, "op": t.op, "size": t.size,
        "us_per_op": m.us_per_op, "ops_per_s": m.ops_per_s,
        "loops": m.loops, "repeats": m.repeats, "median_s": m.median_s, "all_s": list(m.all_s),
        "ops_per_call": case.ops_per_call, "us_per_call": m.us_per_call,
        "inputs": case.inputs, "checked": case.checked, "per": op.per,
    }
    if case.check_text is not None:
        row["check"] = case.check_text
    if op.row is not None:
        row.update(op.row(m, base, case, inputs))
    row.update(case.info)
    return row


def _brief(P: object) -> str:
    """A result for an error message: its coordinates' first hex digits."""
    if P is None:
        return "the identity"
    return ", ".join(f"{c:#x}"[:14] + "…" for c in (P if isinstance(P, tuple) else (P,)))


def _compare(label: str, got: list[Points], want: list[Points]) -> None:
    """Every result of a cell against the expected points, element by element, input set by input set.

    Args:
        label: the cell, for the message.
        got: its results, one list per input set (affine points, or x-coordinates).
        want: the expected results, as many lists as long.

    Raises:
        ArithmeticError: naming the input set and the index of the first wrong element.
    """
    if len(got) != len(want):
        raise ArithmeticError(f"wrong result: {label} gave results for {len(got)} input set(s), not {len(want)}")
    for v, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w):
            raise ArithmeticError(f"wrong result: {label}, input set {v}: {len(g):,} results, not {len(w):,}")
        i = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), None)
        if i is not None:
            raise ArithmeticError(f"wrong result: {label}, input set {v}, element {i:,} of {len(w):,}: "
                                  f"({_brief(g[i])}), expected ({_brief(w[i])})")


def _check_results(t: _Task, label: str, case: Case, inputs: OpInputs) -> None:
    """The results of every input the cell times against the inputs' expected points (x only for a cell
    whose implementation gives no more; a single op's first ``case.inputs``, the ones it times)."""
    want = inputs.expected()
    if OPS[t.op].kind == "single":
        want = [want[0][: case.inputs]]
    if case.x_only:
        want = [[None if P is None else P[0] for P in part] for part in want]
    _compare(f"{t.impl} {label}", case.results(), want)


def _error_row(t: _Task, label: str, exc: Exception, err: Console) -> dict[str, Any]:
    msg = f"{type(exc).__name__}: {str(exc) or ('out of memory' if isinstance(exc, MemoryError) else 'no message')}"
    err.print(f"[red]error[/red] {t.impl} {t.curve} {escape(label)}: {escape(msg)}", highlight=False)
    return {"impl": t.impl, "curve": t.curve, "op": t.op, "size": t.size, "error": msg}


def _measure_with_extra(case: Case, min_time: float, repeats: int) -> tuple[Measurement, Measurement | None]:
    """The cell, its baseline (if any) and its extra callables, side by side; the extras' medians go to its info."""
    fns = [(case.fn, case.ops_per_call)]
    if case.baseline is not None:
        fns.append((case.baseline, case.baseline_ops))
    fns.extend(case.extra.values())
    got = measure_group(fns, min_time=min_time, repeats=repeats)
    for name, x in zip(case.extra, got[len(got) - len(case.extra):]):
        case.info.update({f"{name}_us_per_op": x.us_per_op, f"{name}_s": x.us_per_call / 1e6,
                          f"{name}_all_s": list(x.all_s), f"{name}_loops": x.loops})
    return got[0], (got[1] if case.baseline is not None else None)


def _run_tasks(s: Settings, tasks: list[_Task], adapters: dict[str, Adapter],
               factory: InputFactory, err: Console) -> list[dict[str, Any]]:
    """Time every cell, one (curve, op, size) group after another; a failed cell becomes an error row."""
    results: list[dict[str, Any]] = []
    short: set[str] = set()  # ops whose corpus held under 9/10 of the tokens asked: said once
    show = s.progress and err.is_terminal
    progress = Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not show, transient=False)
    with progress:
        bar = progress.add_task("ectraverse bench", total=len(tasks))
        for (curve, name, size), group in itertools.groupby(tasks, key=lambda t: (t.curve, t.op, t.size)):
            op = OPS[name]
            label = op.label_of(size)
            progress.update(bar, description=f"inputs {curve} {label}")
            try:
                inputs = factory.build(curve, op, size)
            except (OSError, ValueError) as exc:  # the corpus cannot be read (or decoded), or is empty
                for t in group:
                    results.append(_error_row(t, label, exc, err))
                    progress.advance(bar)
                continue
            built = inputs.info.get("tokens")
            # sizes are about so many tokens: only a corpus well short of one is said
            if size is not None and op.per == "token" and isinstance(built, int) and built < 0.9 * size \
                    and name not in short:
                short.add(name)
                progress.console.print(f"{name}: the corpus holds {built:,} tokens, fewer than the {size:,} asked "
                                       "for: timed on those (the result rows give the tokens timed)", highlight=False)
            for t in group:
                progress.update(bar, description=f"{t.impl} {curve} {label}")
                tokens = None
                if op.reports_tokens and show:
                    tokens = TokenProgress(progress, f"  tokenizing ({inputs.info['texts']} files)",
                                           inputs.info["tokens"])
                case = None
                try:
                    case = adapters[t.impl].prepare(inputs, progress=tokens)
                    if case.results is not None:
                        _check_results(t, label, case, inputs)
                    if case.check is not None:
                        case.check()
                    repeats = s.repeats_of[name]
                    base = None
                    if case.extra:
                        progress.update(bar, description=f"{t.impl} {curve} {label} and its comparisons")
                        m, base = _measure_with_extra(case, s.min_time, repeats)
                    elif case.baseline is None:
                        m = measure(case.fn, ops_per_call=case.ops_per_call, min_time=s.min_time, repeats=repeats)
                    else:
                        progress.update(bar, description=f"{t.impl} {curve} {label} and its baseline")
                        m, base = measure_pair(case.fn, case.baseline, ops_per_call=case.ops_per_call,
                                               baseline_ops=case.baseline_ops, min_time=s.min_time,
                                               repeats=repeats)
                    if case.after is not None:
                        case.after()
                    results.append(_result_row(t, case, m, inputs, base))
                except Exception as exc:  # one failing cell must not hide the others: it is reported
                    results.append(_error_row(t, label, exc, err))
                finally:
                    if tokens is not None:
                        tokens.close()
                    if case is not None and case.close is not None:
                        case.close()
                progress.advance(bar)
            del inputs
        progress.update(bar, description="done")
    return results


def _load(s: Settings, err: Console) -> tuple[dict[str, Adapter], dict[str, str]]:
    """The selected implementations that import, and why the others are skipped."""
    adapters: dict[str, Adapter] = {}
    unavailable: dict[str, str] = {}
    for name in s.impls:
        a = ADAPTERS[name]()
        try:
            a.load()
        except ImportError as exc:
            unavailable[name] = f"{a.missing_hint} ({exc})" if name in ("ectraverse", "reference") else a.missing_hint
            continue
        except Exception as exc:  # noqa: BLE001 - an install broken otherwise (a library it cannot load): named, skipped
            unavailable[name] = f"its import failed ({type(exc).__name__}: {exc})"
            continue
        adapters[name] = a
    for name, why in unavailable.items():
        err.print(f"ectraverse bench: {name}: {escape(why)}; skipped", highlight=False)
    return adapters, unavailable


def run(args: argparse.Namespace, *, argv: Sequence[str] | None = None) -> int:
    """Run the benchmark described by parsed ``args`` (see :func:`ectraverse.bench.run`).

    Returns:
        0 on success; 1 if a cell failed, a result was wrong, nothing could
        be measured, or the ``--json`` file could not be written; 2 for an
        option refused after parsing.
    """
    out, err = report.console(), report.console(stderr=True)
    try:
        s = Settings.from_args(args)
    except ValueError as exc:
        err.print(f"ectraverse bench: error: {escape(str(exc))}", highlight=False)
        return 2
    adapters, unavailable = _load(s, err)
    tasks, skipped = _plan(s, adapters)
    if not tasks:
        err.print("ectraverse bench: error: nothing to measure: no installed implementation offers the "
                  "selected curves and operations at the selected sizes")
        for note in skipped:
            err.print(f"  {escape(note)}", highlight=False)
        return 1
    factory = InputFactory(curve_params(), s.seed, s.prefix_tokens, s.dask_block_bytes, s.sizes["compose"][0])
    results = _run_tasks(s, tasks, adapters, factory, err)
    goal_rows = goals.evaluate(results, s.curves)
    meta = report.meta(s, adapters, unavailable, skipped, argv)
    report.render(out, meta, results, goal_rows, s)
    if s.json_path is not None:
        try:  # checked before timing, but a device can still be full
            s.json_path.write_text(json.dumps({"meta": meta, "results": results, "goals": goal_rows}, indent=1)
                                   + "\n", encoding="utf-8")
        except OSError as exc:
            err.print(f"ectraverse bench: error: cannot write the results to --json {str(s.json_path)!r}: "
                      f"{escape(exc.strerror or str(exc))}", highlight=False)
            return 1
        out.print(f"\nresults written to {s.json_path}", highlight=False)
    failed = [r for r in results if "error" in r]
    if failed:
        err.print(f"ectraverse bench: {len(failed)} cell(s) failed, see above")
        return 1
    return 0
