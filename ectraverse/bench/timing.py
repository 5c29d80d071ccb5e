"""Timing: a calibrated loop count, then repeats with the garbage collector off; the median.

:func:`measure` times one callable; :func:`measure_pair` times a callable and
the baseline it is compared with, their repeats alternating, so a machine that
speeds up or slows down during a cell moves both alike; :func:`measure_group`
does the same for any number of callables.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import math
import statistics
import time
from collections.abc import Callable, Sequence

__all__ = ["Measurement", "measure", "measure_group", "measure_pair"]


@dataclasses.dataclass(frozen=True)
class Measurement:
    """Timings of one cell: ``repeats`` runs of ``loops`` calls of ``ops_per_call`` operations."""

    loops: int
    ops_per_call: int
    all_s: tuple[float, ...]

    @property
    def repeats(self) -> int:
        """Timed repeats."""
        return len(self.all_s)

    @property
    def median_s(self) -> float:
        """Median seconds of a repeat (``loops`` calls)."""
        return statistics.median(self.all_s)

    @property
    def us_per_call(self) -> float:
        """Median µs per call."""
        return self.median_s / self.loops * 1e6

    @property
    def us_per_op(self) -> float:
        """Median µs per operation."""
        return self.us_per_call / self.ops_per_call

    @property
    def ops_per_s(self) -> float:
        """Operations per second, from the median."""
        return 1e6 / self.us_per_op


def _time_loops(fn: Callable[[], object], loops: int, timer: Callable[[], float]) -> float:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        it = itertools.repeat(None, loops)
        t0 = timer()
        for _ in it:
            fn()
        return timer() - t0
    finally:
        if gc_was_enabled:
            gc.enable()


def measure(fn: Callable[[], object], *, ops_per_call: int = 1, min_time: float = 0.1,
            repeats: int = 5, timer: Callable[[], float] = time.perf_counter) -> Measurement:
    """Time ``fn``: calibrate a loop count, then take ``repeats`` timings.

    The loop count grows until ``loops`` calls take at least ``min_time``
    seconds (the calibration runs are discarded); each repeat then times that
    many calls with garbage collection disabled.

    Args:
        fn: zero-argument callable performing ``ops_per_call`` operations.
        ops_per_call: operations per call of ``fn``, to report per operation.
        min_time: target duration of one repeat, in seconds.
        repeats: number of timed repeats.
        timer: the clock, :func:`time.perf_counter` by default.

    Returns:
        The :class:`Measurement`.

    Raises:
        ValueError: if ``ops_per_call`` or ``repeats`` is below 1, or
            ``min_time`` is not positive.

    Example:
        >>> m = measure(lambda: sum(range(100)), ops_per_call=100, min_time=0.001, repeats=3)
        >>> m.repeats, m.us_per_op > 0
        (3, True)
    """
    _check_measure_args(ops_per_call, min_time, repeats)
    loops = _calibrate(fn, min_time, timer)
    all_s = tuple(_time_loops(fn, loops, timer) for _ in range(repeats))
    return Measurement(loops, ops_per_call, all_s)


def measure_pair(fn: Callable[[], object], baseline: Callable[[], object], *, ops_per_call: int = 1,
                 baseline_ops: int = 1, min_time: float = 0.1, repeats: int = 5,
                 timer: Callable[[], float] = time.perf_counter) -> tuple[Measurement, Measurement]:
    """Time ``fn`` and the ``baseline`` it is compared with, repeats alternating.

    Each is calibrated as by :func:`measure`; then the repeats interleave (fn,
    baseline, fn, baseline, ...), so a machine that speeds up or slows down
    during the cell moves both medians alike and their ratio stays fair.

    Returns:
        (the :class:`Measurement` of fn, that of baseline).

    Raises:
        ValueError: as :func:`measure`, for either operation count.

    Example:
        >>> a, b = measure_pair(lambda: sum(range(100)), lambda: sum(range(10)), ops_per_call=100,
        ...                     baseline_ops=10, min_time=0.001, repeats=3)
        >>> a.repeats, b.repeats
        (3, 3)
    """
    _check_measure_args(ops_per_call, min_time, repeats)
    _check_measure_args(baseline_ops, min_time, repeats)
    loops = _calibrate(fn, min_time, timer)
    base_loops = _calibrate(baseline, min_time, timer)
    runs, base_runs = [], []
    for _ in range(repeats):
        runs.append(_time_loops(fn, loops, timer))
        base_runs.append(_time_loops(baseline, base_loops, timer))
    return (Measurement(loops, ops_per_call, tuple(runs)),
            Measurement(base_loops, baseline_ops, tuple(base_runs)))


def measure_group(fns: Sequence[tuple[Callable[[], object], int]], *, min_time: float = 0.1, repeats: int = 5,
                  timer: Callable[[], float] = time.perf_counter) -> list[Measurement]:
    """Time several callables side by side: :func:`measure_pair` for any number of them.

    Each ``(fn, ops_per_call)`` is calibrated as by :func:`measure`; then the repeats
    interleave (first, second, ..., first, second, ...), so every ratio between them is fair.

    Returns:
        One :class:`Measurement` per callable, in order.

    Raises:
        ValueError: as :func:`measure`, for any operation count.

    Example:
        >>> a, b, c = measure_group([(lambda: sum(range(100)), 100), (lambda: None, 1), (lambda: 0, 1)],
        ...                         min_time=0.001, repeats=3)
        >>> a.repeats, c.repeats
        (3, 3)
    """
    for _, ops in fns:
        _check_measure_args(ops, min_time, repeats)
    loops = [_calibrate(fn, min_time, timer) for fn, _ in fns]
    runs: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for (fn, _), n, out in zip(fns, loops, runs):
            out.append(_time_loops(fn, n, timer))
    return [Measurement(n, ops, tuple(r)) for (_, ops), n, r in zip(fns, loops, runs)]


def _check_measure_args(ops_per_call: int, min_time: float, repeats: int) -> None:
    if ops_per_call < 1:
        raise ValueError(f"ops_per_call must be at least 1, not {ops_per_call}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats}")
    if not min_time > 0:
        raise ValueError(f"min_time must be positive, not {min_time}")


def _calibrate(fn: Callable[[], object], min_time: float, timer: Callable[[], float]) -> int:
    """The loop count: grown until that many calls take at least min_time (these runs are discarded)."""
    loops = 1
    while True:
        t = _time_loops(fn, loops, timer)
        if t >= min_time:
            return loops
        if t <= 0:
            loops *= 10
        else:
            loops = max(loops + 1, min(loops * 10, math.ceil(loops * min_time * 1.15 / t)))
