"""The operations the benchmark times: one :class:`Op` entry each, its goals with it.

An entry says everything the harness needs about an operation: what the
``--op`` help says, how its inputs are drawn (a drawer of
:mod:`ectraverse.bench.inputs`), how a cell is prepared (``kind``), what a time
is per (``per``), the row label, the sizes (full run, ``--quick``, and the
option that overrides them), the repeats if not the common ones, its goals,
the extra fields of its JSON row and how its table cell reads. The
implementations' timing functions live in :mod:`ectraverse.bench.adapters`
(``Adapter._<op name>``). See the package docstring for how to add an op.

This module is light (no ``rich``): the argument parser reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ectraverse.bench import inputs as draw
from ectraverse.bench.inputs import (CHUNK_WORKERS, CURVES, DASK_BLOCK_BYTES, DASK_WORKERS, MSM_THREADS, REPEATS_M,
                                     WINDOW_LENGTH, WINDOWS_M)
from ectraverse.bench.units import fmt_rate, fmt_us, speed

if TYPE_CHECKING:
    from ectraverse.bench.adapters import Case
    from ectraverse.bench.inputs import OpInputs
    from ectraverse.bench.timing import Measurement

__all__ = ["ANY", "CURVES", "LAYER_CURVES", "TOKEN_CURVES", "ENGINE_CURVES", "QUICK_CURVES", "Goal", "Op",
           "Sizes", "SizeOption", "OPS", "ops_of_layer"]

TOKEN_CURVES = ("secp256k1", "P-256")
"""Curves the token-layer operations run on unless ``--curve`` is given."""

ENGINE_CURVES = ("secp256k1",)
"""Curves the engine operations run on unless ``--curve`` is given."""

LAYER_CURVES: Mapping[str, tuple[str, ...] | None] = {"group": None, "token": TOKEN_CURVES, "engine": ENGINE_CURVES}
"""The layers of the library an op can belong to, and the curves their ops run on unless
``--curve`` is given (None: every curve of the run)."""

QUICK_CURVES = ("secp256k1", "P-256")
"""The curves of a ``--quick`` run unless ``--curve`` is given."""

ANY = -1
"""A goal's size that matches the one measured size of an op (a batch length, a token count)."""

Segments = list[tuple[str, "str | None"]]
"""A table cell as text pieces, each with a ``rich`` style name or None (the report styles them)."""


@dataclasses.dataclass(frozen=True)
class SizeOption:
    """A command-line option that sets the sizes of one or more ops.

    ``dest`` is its argparse destination (``--batch-size`` -> ``batch_size``);
    ``selection`` the key under which the JSON's ``meta.selection`` records the
    sizes: a list (``repeatable``), a dict by op (``per_op``: the ops have
    different defaults), or the one value; ``unit`` what it counts, when not
    what the op's time is per (``"token"`` for ``repeats``, timed per window).
    """

    dest: str
    selection: str
    repeatable: bool = False
    per_op: bool = False
    unit: str | None = None


MSM_SIZE = SizeOption("msm_size", "msm_sizes", repeatable=True)
BATCH_SIZE = SizeOption("batch_size", "batch_sizes", per_op=True)
VOCAB_TOKENS = SizeOption("vocab_tokens", "vocab_tokens", unit="token")
COMPOSE_TOKENS = SizeOption("compose_tokens", "compose_tokens", unit="token")
DASK_TOKENS = SizeOption("dask_tokens", "dask_tokens", unit="token")


@dataclasses.dataclass(frozen=True)
class Sizes:
    """The sizes an op is timed at: in a full run, with ``--quick``, and the option that overrides both."""

    full: tuple[int, ...]
    quick: tuple[int, ...]
    option: SizeOption | None = None


@dataclasses.dataclass(frozen=True)
class Goal:
    """A goal of the op it belongs to: ectraverse's time of that op over a comparison's time is at
    most the target; or, with neither ``vs`` nor ``vs_field``, ectraverse's µs per op is; or, with
    ``value_field``, that field of the op's own row is (in the unit of ``target_text``: ``"≤ 300 MB"``).

    Args of the dataclass:
        text: the goal's name; ``{curve}`` and ``{size}`` are filled in.
        target_text: ``"≤ 1/3"``, ``"≤ 1.5"``, ``"≤ 40 µs"``: shown as is; the target is its number.
        size: the size of the op's row (None for a single op, :data:`ANY` for its one measured size).
        vs: the comparison ``(implementation, op, size)`` on the same curve.
        vs_field: instead, a field of the op's own row (µs per op of a baseline timed in the same cell).
        field: the time compared, a field of the op's own row (µs per op of a callable timed in the same
            cell) instead of its ``us_per_op``.
        curves: the curves the goal is listed on; None: those of the op's layer, and any other curve on
            which an op of that layer was measured.
        plan_vs: time the comparison (ectraverse only) when its op is not selected.
        value_field: instead of a time, a field of the op's own row, compared with the target in the
            target's unit (a peak memory).
        unless: why the op's row cannot judge the goal, or None: ``unless(row)``; a reason makes it n.a.
    """

    text: str
    target_text: str
    size: int | None = None
    vs: tuple[str, str, int | None] | None = None
    vs_field: str | None = None
    curves: tuple[str, ...] | None = None
    plan_vs: bool = False
    field: str | None = None
    value_field: str | None = None
    unless: Callable[[dict[str, Any]], str | None] | None = None

    @property
    def target(self) -> float:
        """The number of :attr:`target_text` (``"≤ 1/1.5"`` -> 0.666..., ``"≤ 40 µs"`` -> 40.0)."""
        num, _, den = self.target_text.removeprefix("≤ ").partition(" ")[0].partition("/")
        return float(num) / float(den or 1)

    @property
    def unit(self) -> str:
        """The unit after the target's number (``"µs"``, ``"MB"``), or ``""`` for a ratio."""
        return self.target_text.removeprefix("≤ ").partition(" ")[2]

    @property
    def kind(self) -> str:
        """``"ratio"`` (against a comparison), ``"us_per_op"`` (an absolute time) or ``"field"`` (a row's field)."""
        if self.value_field is not None:
            return "field"
        return "us_per_op" if self.vs is None and self.vs_field is None else "ratio"


@dataclasses.dataclass(frozen=True)
class Op:
    """One operation of the benchmark: everything the harness knows about it.

    Args of the dataclass:
        name: the ``--op`` name, and the adapters' method ``_<name>``.
        help: what it times, for ``--op``'s help.
        layer: ``"group"``, ``"token"`` or ``"engine"`` (:data:`LAYER_CURVES`: where it runs by default).
        kind: how a cell is prepared: ``"single"`` (a loop over distinct inputs, one op each: the
            adapter's ``_<name>(curve, items)`` returns ``(fn, results)``), ``"batch"`` (one call of
            ``size`` ops, cycling through input sets: the same), ``"whole"`` (the adapter's
            ``_<name>(inputs, progress)`` returns the whole :class:`~ectraverse.bench.adapters.Case`).
        per: what a time is per: ``"op"``, ``"element"``, ``"point"``, ``"message"``, ``"token"``, ``"window"``.
        inputs: its drawer (:mod:`ectraverse.bench.inputs`).
        label: the row label, a format string of ``name`` and ``size`` (a sized label falls back to the
            name when the size is unknown).
        sizes: its sizes; None: one cell without a size.
        repeats: (full, quick) timed repeats when ``--repeats`` is not given; None: the common ones.
        goals: its speed goals, in the order of the goal table.
        row: extra fields of its JSON row: ``row(m, base, case, inputs)`` (``base``: the
            measurement of the cell's baseline, or None).
        cell: its table cell, ``cell(row)``, if not the common one (time per op with
            :attr:`suffix`, the ratio to ectraverse, then :attr:`note`).
        suffix: after the time per op in the common cell (``"/pt"``).
        note: a dim line under the common cell, ``note(row)``.
        caption: how the table's caption says what its time is per.
        method: a header row of the report, ``method(meta) -> (label, text)``, shown when the op is
            selected (rows of the same label once).
        reports_tokens: the cell reports its tokenizing (the run draws a progress bar).
    """

    name: str
    help: str
    layer: str
    kind: str
    per: str
    inputs: draw.Drawer
    label: str = "{name}"
    sizes: Sizes | None = None
    repeats: tuple[int, int] | None = None
    goals: tuple[Goal, ...] = ()
    row: Callable[[Measurement, Measurement | None, Case, OpInputs], dict[str, Any]] | None = None
    cell: Callable[[dict[str, Any]], Segments] | None = None
    suffix: str = ""
    note: Callable[[dict[str, Any]], str] | None = None
    caption: str | None = None
    method: Callable[[dict[str, Any]], tuple[str, str]] | None = None
    reports_tokens: bool = False

    def label_of(self, size: int | None) -> str:
        """The row label at ``size``.

        Example:
            >>> OPS["msm"].label_of(1024), OPS["batch_add"].label_of(10_000), OPS["vocab"].label_of(None)
            ('msm(1024)', 'batch_add (n=10,000)', 'vocab')
        """
        if size is None and "{size" in self.label:
            return self.name
        return self.label.format(name=self.name, size=size)

    @property
    def size_unit(self) -> str:
        """What its size counts: its size option's unit, else what a time is per."""
        option = self.sizes.option if self.sizes is not None else None
        return option.unit if option is not None and option.unit is not None else self.per

    @property
    def default_curves(self) -> tuple[str, ...] | None:
        """The curves it runs on unless ``--curve`` is given (None: all of the run)."""
        return LAYER_CURVES[self.layer]

    @property
    def baselines(self) -> tuple[str, ...]:
        """The ectraverse ops its goals compare with that are timed too when not selected."""
        return tuple(dict.fromkeys(g.vs[1] for g in self.goals if g.plan_vs and g.vs is not None))


# ---- rows and cells of the ops with fields of their own -----------------------------------

def _corpus_row(m: Measurement, inputs: OpInputs) -> dict[str, Any]:
    info = inputs.info
    return {"tokens": info["tokens"], "distinct_tokens": info["distinct_tokens"], "texts": info["texts"],
            "corpus": info["corpus"], "tokens_per_s": m.ops_per_s}


def _vocab_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    return {**_corpus_row(m, inputs), "us_per_distinct_token": m.us_per_call / inputs.info["distinct_tokens"]}


def _compose_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = _corpus_row(m, inputs)
    if base is not None:  # the push run, per token and scaled to the compose's tokens
        row.update(compose_s=m.us_per_call / 1e6, push_run_s=base.us_per_call / 1e6, push_loops=base.loops,
                   push_all_s=list(base.all_s), push_us_per_token=base.us_per_op,
                   push_tokens_per_s=base.ops_per_s, push_scaled_s=base.us_per_op * case.ops_per_call / 1e6,
                   speedup=base.us_per_op / m.us_per_op)
    return row


def _compose_text_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = _corpus_row(m, inputs)
    if base is not None:  # re.findall of the same text
        row.update(compose_s=m.us_per_call / 1e6, findall_s=base.us_per_call / 1e6, findall_loops=base.loops,
                   findall_all_s=list(base.all_s), findall_us_per_token=base.us_per_op)
    return row


def _compose_ids_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    return _corpus_row(m, inputs)


def _msm_threads_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = {"threads": MSM_THREADS, "threaded_s": m.us_per_call / 1e6}
    if base is not None:  # the same MSMs on one thread
        row.update(one_thread_s=base.us_per_call / 1e6, one_thread_loops=base.loops, one_thread_all_s=list(base.all_s),
                   one_thread_us_per_point=base.us_per_op, speedup=base.us_per_op / m.us_per_op)
    return row


def _repeats_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = {"tokens": inputs.info["tokens"], "distinct_tokens": inputs.info["distinct_tokens"],
           "repeats_s": m.us_per_call / 1e6}
    if base is not None:  # the dict of m-tuples
        row.update(dict_s=base.us_per_call / 1e6, dict_loops=base.loops, dict_all_s=list(base.all_s),
                   dict_us_per_window=base.us_per_op)
    return row


def _chunks_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = _corpus_row(m, inputs)
    if base is not None:  # compose(text) in this one process
        row.update(chunks_s=m.us_per_call / 1e6, compose_s=base.us_per_call / 1e6, compose_loops=base.loops,
                   compose_all_s=list(base.all_s), compose_us_per_token=base.us_per_op,
                   compose_tokens_per_s=base.ops_per_s, speedup=base.us_per_op / m.us_per_op)
    return row


def _dask_row(m: Measurement, base: Measurement | None, case: Case, inputs: OpInputs) -> dict[str, Any]:
    row = _corpus_row(m, inputs)
    row["two_workers_s"] = m.us_per_call / 1e6
    if base is not None:  # the same bag on the one-worker cluster
        row.update(one_worker_s=base.us_per_call / 1e6, one_worker_loops=base.loops, one_worker_all_s=list(base.all_s),
                   one_worker_us_per_token=base.us_per_op, speedup=base.us_per_op / m.us_per_op)
    return row


def _rate(per_s: float) -> str:
    return fmt_rate(per_s).removesuffix("/s")


def _vocab_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{_rate(r['tokens_per_s'])} tokens/s", None),
                      (f"\n{fmt_us(r['us_per_distinct_token'])}/distinct token", None),
                      (f"\n{r['tokens']:,} tokens, {r['distinct_tokens']:,} distinct, "
                       f"{fmt_us(r['us_per_call'])} a build", "dim")]
    return cell


def _compose_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{_rate(r['tokens_per_s'])} tokens/s, {fmt_us(r['us_per_call'])} a compose", None)]
    if "push_scaled_s" in r:
        cell.append((f"\npush: {_rate(r['push_tokens_per_s'])} tokens/s, {fmt_us(r['push_scaled_s'] * 1e6)} "
                     f"scaled; compose {speed(r['compose_s'], r['push_scaled_s'])}", None))
        cell.append((f"\n{r['tokens']:,} tokens; push run of {r['push_tokens']:,} in "
                     f"{fmt_us(r['push_run_s'] * 1e6)}", "dim"))
    return cell


def _msm_threads_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{fmt_us(r['us_per_op'])}/pt on {r['threads']} threads", None)]
    if "one_thread_s" in r:
        cell.append((f"\n{fmt_us(r['one_thread_us_per_point'])}/pt on one; "
                     f"{r['threads']} threads {speed(r['threaded_s'], r['one_thread_s'])}", None))
    cell.append((f"\n{fmt_us(r['us_per_call'])} total", "dim"))
    return cell


def _chunks_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{fmt_us(r['us_per_call'])} in {r['workers']} processes", None)]
    if "compose_s" in r:
        cell.append((f"\n{fmt_us(r['compose_s'] * 1e6)} in one; "
                     f"{r['workers']} processes {speed(r['chunks_s'], r['compose_s'])}", None))
    cell.append((f"\n{r['tokens']:,} tokens, {r['chunks']} chunks, {r['start_method']}", "dim"))
    return cell


def _dask_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{fmt_us(r['us_per_call'])} on {DASK_WORKERS[1]} workers", None)]
    if "one_worker_s" in r:
        cell.append((f"\n{fmt_us(r['one_worker_s'] * 1e6)} on {DASK_WORKERS[0]}; "
                     f"{DASK_WORKERS[1]} workers {speed(r['two_workers_s'], r['one_worker_s'])}", None))
    if "compose_s" in r:
        cell.append((f"\ncompose in one process: {fmt_us(r['compose_s'] * 1e6)}", None))
    floors = [f"{fmt_us(r[f'floor{n}_s'] * 1e6)} on {n}" for n in DASK_WORKERS if f"floor{n}_s" in r]
    if floors:
        cell.append((f"\nDask alone (its tasks doing nothing): {', '.join(floors)}", None))
    cpu = [f"{fmt_us(r[f'cpu{n}_s'] * 1e6)} on {n}" for n in DASK_WORKERS if f"cpu{n}_s" in r]
    if cpu:
        cell.append((f"\nCPU a call, every process: {', '.join(cpu)} ({r['cores']} cores)", None))
    tasks = ", ".join(f"{r[f'tasks{n}']} on {n}" for n in DASK_WORKERS if f"tasks{n}" in r)
    cell.append((f"\n{r['tokens']:,} tokens, {r['partitions']} partitions, tasks: {tasks}", "dim"))
    return cell


def _one_partition(r: dict[str, Any]) -> str | None:
    """Why a dask row cannot judge a goal of its workers: a bag of one partition is tokenized on one worker."""
    if r.get("partitions") == 1:
        return ("the bag has 1 partition, tokenized on one worker whatever the cluster (give more --dask-tokens "
                "or a smaller --dask-block-bytes)")
    return None


def _prefix_note(r: dict[str, Any]) -> str:
    return f"prefix of {r['tokens']:,} tokens"


def _compose_text_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{_rate(r['tokens_per_s'])} tokens/s, {fmt_us(r['us_per_call'])} a compose", None)]
    if "findall_s" in r:
        cell.append((f"\nre.findall: {fmt_us(r['findall_s'] * 1e6)}; compose {speed(r['compose_s'], r['findall_s'])}",
                     None))
    if "stream_s" in r:
        cell.append((f"\ncompose_stream of its bytes: {fmt_us(r['stream_s'] * 1e6)}", None))
    cell.append((f"\n{r['tokens']:,} tokens", "dim"))
    return cell


def _prefixes_note(r: dict[str, Any]) -> str:
    return (f"{r['tokens']:,} tokens, blocks of {r['block']}; first call (tables made): "
            f"{fmt_us(r['first_us_per_token'])}/token; tables settled after {r['settling_calls']} calls")


def _repeats_cell(r: dict[str, Any]) -> Segments:
    cell: Segments = [(f"{fmt_us(r['us_per_call'])} ({fmt_us(r['us_per_op'])}/window), "
                       f"peak {r['peak_mb']:.0f} MB", None)]
    if "dict_s" in r:
        cell.append((f"\ndict of {r['window_length']}-tuples: {fmt_us(r['dict_s'] * 1e6)}, "
                     f"peak {r['dict_peak_mb']:.0f} MB; repeats {speed(r['repeats_s'], r['dict_s'])}", None))
    cell.append((f"\n{r['tokens']:,} tokens, {r['groups']:,} groups, {r['positions']:,} positions", "dim"))
    return cell


# ---- header rows of the report ---------------------------------------------------------

def _h2c_method(meta: dict[str, Any]) -> tuple[str, str]:
    m = meta["method"]
    return "hash_to_curve", (f"messages {m['hash_to_curve_messages']}; DST {m['hash_to_curve_dst']!r}; "
                             "the curve's default RFC 9380 suite")


def _vocab_method(meta: dict[str, Any]) -> tuple[str, str]:
    m = meta["method"]
    n = m["vocab_repeats"]
    return "vocab", (f"{'one timed build' if n == 1 else f'median of {n} timed builds'} per curve, after one "
                     f"untimed calibration build (the warm-up); corpus: {m['vocab_corpus']}")


def _compose_method(meta: dict[str, Any]) -> tuple[str, str]:
    m, prefix = meta["method"], meta["selection"]["prefix_tokens"]
    return "compose", (f"compose and compose_chunks: median of {m['engine_repeats']} timed calls (about 1 s "
                       "each at full size: few repeats) after untimed warm-ups (one compose; for compose_chunks "
                       "also two pool calls), then their comparison (a push run of the text's first "
                       f"{prefix:,} tokens, or compose in one process) timed the same way; text: "
                       f"{m['engine_text']}; pool: {m['engine_pool']}")


def _engine_method(meta: dict[str, Any]) -> tuple[str, str]:
    prefix = meta["selection"]["prefix_tokens"]
    return "engine", (f"push: 64 tokens a call; window and windows: prefix states of the text's first "
                      f"{prefix:,} tokens; checked against the reference on a slice of 8 tokens, and against the "
                      "engine's other paths (see each row's check)")


# ---- the table -------------------------------------------------------------------------

_SIZED = "{name} (n={size:,})"
_CORPUS = "{name} (~{size:,} tokens)"
_SINGLE_E = ("ectraverse", "mul", None)


def _table(*ops: Op) -> dict[str, Op]:
    return {op.name: op for op in ops}


OPS: Mapping[str, Op] = _table(
    Op("add", "P + Q", "group", "single", "op", draw.point_pairs,
       goals=(Goal("{curve} add vs coincurve combine_keys", "≤ 1/3", vs=("coincurve", "add", None),
                   curves=("secp256k1",)),)),
    Op("double", "P + P (or the implementation's doubling)", "group", "single", "op", draw.points),
    Op("mul", "k*P, variable base", "group", "single", "op", draw.scalar_points,
       goals=(Goal("{curve} mul vs coincurve multiply", "≤ 1.5", vs=("coincurve", "mul", None),
                   curves=("secp256k1",)),
              Goal("{curve} mul vs cryptography exchange", "≤ 1.0", vs=("cryptography", "mul", None),
                   curves=("P-256",)),
              Goal("{curve} mul vs cryptography exchange", "≤ 0.5", vs=("cryptography", "mul", None),
                   curves=("P-384", "P-521")),
              Goal("{curve} mul vs py_ecc multiply", "≤ 0.2", vs=("py_ecc", "mul", None), curves=("BN254",)),
              Goal("{curve} mul vs py_ecc multiply", "≤ 1/3", vs=("py_ecc", "mul", None),
                   curves=("BLS12-381",)))),
    Op("mul_g", "k*G, fixed base", "group", "single", "op", draw.scalars,
       goals=(Goal("{curve} mul_g vs coincurve from_secret", "≤ 1.5", vs=("coincurve", "mul_g", None),
                   curves=("secp256k1",)),)),
    Op("batch_add", "element-wise addition of two point arrays, per element", "group", "batch", "element",
       draw.point_list_pairs, _SIZED, Sizes((100_000,), (10_000,), BATCH_SIZE),
       goals=(Goal("{curve} batch_add per element vs coincurve combine_keys", "≤ 0.1", ANY,
                   vs=("coincurve", "add", None), curves=("secp256k1",)),),
       caption="batches: per element"),
    Op("batch_mul_g", "batch k_i*G, per element", "group", "batch", "element", draw.scalar_lists, _SIZED,
       Sizes((10_000,), (1_000,), BATCH_SIZE), caption="batches: per element"),
    Op("msm", "multi-scalar multiplication sum k_i*P_i, per point (and total)", "group", "batch", "point",
       draw.msm_terms, "msm({size})", Sizes((16, 64, 256, 1024, 4096, 65536), (16, 256), MSM_SIZE),
       goals=tuple(Goal("{curve} msm({size}) per point vs ectraverse mul", target, size, vs=_SINGLE_E,
                        curves=("secp256k1",))
                   for size, target in ((1024, "≤ 0.35"), (4096, "≤ 0.15"), (65536, "≤ 0.10"))),
       suffix="/pt", note=lambda r: f"{fmt_us(r['us_per_call'])} total",
       caption="msm: per point, then the whole call"),
    Op("msm_threads", f"PointArray.msm_limbs(limbs, threads={MSM_THREADS}), per point, against the same on one "
       "thread", "group", "whole", "point", draw.msm_terms, "msm_threads({size})",
       Sizes((4096, 65536), (4096,)), row=_msm_threads_row, cell=_msm_threads_cell,
       caption="msm: per point, then the whole call"),
    Op("hash_to_curve", "RFC 9380 hash_to_curve of one message per call", "token", "single", "message",
       draw.messages, caption="hash_to_curve: per message", method=_h2c_method),
    Op("hash_to_curve_batch", "hash_to_curve_batch of distinct messages, per message", "token", "batch",
       "message", draw.message_lists, _SIZED, Sizes((10_000,), (1_000,), BATCH_SIZE),
       goals=(Goal("{curve} hash_to_curve_batch per message", "≤ 40 µs", ANY, curves=TOKEN_CURVES),
              Goal("{curve} hash_to_curve_batch per message vs reference hash_to_curve", "≤ 1/20", ANY,
                   vs=("reference", "hash_to_curve", None), curves=TOKEN_CURVES)),
       caption="hash_to_curve: per message", method=_h2c_method),
    Op("vocab", "Vocabulary.from_corpus over stdlib source, then .generators; tokens/s and µs per distinct "
       "token", "token", "whole", "token", draw.corpus_texts, _CORPUS,
       Sizes((1_000_000,), (100_000,), VOCAB_TOKENS), repeats=(1, 3), row=_vocab_row, cell=_vocab_cell,
       caption="vocab: tokens/s and per distinct token", method=_vocab_method, reports_tokens=True),
    Op("compose", "Traversal.compose(tokens) of the compose text's token list (stdlib source, tokenized once, "
       "untimed), warm; tokens/s, against a run of Traverser.push",
       "engine", "whole", "token", draw.compose_text, _CORPUS, Sizes((1_000_000,), (100_000,), COMPOSE_TOKENS),
       goals=(Goal("{curve} compose per token vs Traverser.push per token", "≤ 1/50", ANY,
                   vs_field="push_us_per_token"),),
       row=_compose_row, cell=_compose_cell, caption="compose: tokens/s and the push run",
       method=_compose_method),
    Op("compose_text", "Traversal.compose(text) of the compose text, warm (the str path: the compiled tokenizer "
       "and the C token table), against re.findall(r'\\w+|[^\\w\\s]', text) of the same text", "engine", "whole",
       "token", draw.compose_text, _CORPUS, Sizes((1_000_000,), (100_000,), COMPOSE_TOKENS),
       goals=(Goal("{curve} compose(text) vs re.findall of the text", "≤ 1.0", ANY,
                   vs_field="findall_us_per_token"),),
       row=_compose_text_row, cell=_compose_text_cell, caption="compose: tokens/s and the push run",
       method=_compose_method),
    Op("compose_ids", "Traversal.compose of a NumPy int array: the compose text's tokens numbered in order of "
       "first appearance, warm; per token", "engine", "whole", "token", draw.compose_text, _CORPUS,
       Sizes((1_000_000,), (100_000,), COMPOSE_TOKENS),
       goals=(Goal("{curve} compose(ids) per token vs ectraverse mul", "≤ 0.004", ANY, vs=_SINGLE_E,
                   plan_vs=True),),
       row=_compose_ids_row, suffix="/token", caption="compose: tokens/s and the push run",
       method=_compose_method),
    Op("prefixes", "Traversal.prefixes(tokens) of the prefix tokens, per token, on an engine that keeps its "
       "per-token tables (the first call, which makes them, in the row's note)", "engine", "whole", "token",
       draw.prefix_tokens, goals=(Goal("{curve} prefixes per token vs ectraverse mul", "≤ 0.05", vs=_SINGLE_E,
                                       plan_vs=True),),
       suffix="/token", note=_prefixes_note, caption="window(s): per window", method=_engine_method),
    Op("push", "one Traverser.push(token)", "engine", "whole", "op", draw.prefix_tokens,
       goals=(Goal("{curve} push vs ectraverse mul", "≤ 1.5", vs=_SINGLE_E, plan_vs=True),),
       method=_engine_method),
    Op("window", f"one PrefixStates.window(i, i + {WINDOW_LENGTH})", "engine", "whole", "window",
       draw.prefix_tokens, f"{{name}} (length {WINDOW_LENGTH})",
       goals=(Goal("{curve} window vs ectraverse mul", "≤ 1.5", vs=_SINGLE_E, plan_vs=True),),
       suffix="/window", note=_prefix_note, caption="window(s): per window", method=_engine_method),
    Op("windows", f"PrefixStates.windows(m) for m = {' and '.join(map(str, WINDOWS_M))}, per window", "engine",
       "whole", "window", draw.prefix_tokens, "windows({size})", Sizes(WINDOWS_M, WINDOWS_M),
       goals=(*(Goal(f"{{curve}} windows({{size}}) per window vs window (length {WINDOW_LENGTH})", "≤ 1/2", m,
                     vs=("ectraverse", "window", None), plan_vs=True) for m in WINDOWS_M),
              Goal("{curve} windows({size}) per window vs ectraverse mul", "≤ 0.05", 8, vs=_SINGLE_E,
                   plan_vs=True)),
       suffix="/window", note=_prefix_note, caption="window(s): per window", method=_engine_method),
    Op("repeats", f"Traversal.repeats(tokens, {REPEATS_M}) of the compose text's tokens, against a dict of "
       f"{REPEATS_M}-tuples giving the same groups; per window; peak memory of each (tracemalloc)", "engine",
       "whole", "window", draw.compose_text, _CORPUS, Sizes((1_000_000,), (100_000,), COMPOSE_TOKENS),
       goals=(Goal(f"{{curve}} repeats({REPEATS_M}) vs a dict of {REPEATS_M}-tuples", "≤ 2.0", ANY,
                   vs_field="dict_us_per_window"),
              Goal(f"{{curve}} repeats({REPEATS_M}) peak memory", "≤ 300 MB", ANY, value_field="peak_mb")),
       row=_repeats_row, cell=_repeats_cell, caption="repeats: the whole call", method=_compose_method),
    Op("compose_chunks", f"Traversal.compose_chunks of the compose text in {CHUNK_WORKERS} chunks on a "
       f"ProcessPoolExecutor({CHUNK_WORKERS}), against compose in one process", "engine", "whole", "token",
       draw.text_chunks, f"{{name}} (~{{size:,}} tokens, {CHUNK_WORKERS} processes)",
       Sizes((1_000_000,), (100_000,), COMPOSE_TOKENS),
       goals=(Goal(f"{{curve}} compose_chunks ({CHUNK_WORKERS} processes) vs compose in one process", "≤ 1/1.5",
                   ANY, vs_field="compose_us_per_token"),),
       row=_chunks_row, cell=_chunks_cell, caption="compose_chunks: the whole call", method=_compose_method),
    Op("dask", f"ectraverse.dask.compose of a bag (copies of the compose text, blocks of "
       f"{DASK_BLOCK_BYTES >> 20} MiB) on "
       f"LocalClusters of {DASK_WORKERS[1]} and {DASK_WORKERS[0]} worker processes, against compose in one process",
       "engine", "whole", "token", draw.dask_text, f"{{name}} (~{{size:,}} tokens, {DASK_WORKERS[1]} workers)",
       Sizes((4_000_000,), (200_000,), DASK_TOKENS),
       goals=(Goal(f"{{curve}} dask.compose on {DASK_WORKERS[1]} workers vs {DASK_WORKERS[0]}", "≤ 1/1.7", ANY,
                   vs_field="one_worker_us_per_token", unless=_one_partition),
              Goal(f"{{curve}} dask.compose on {DASK_WORKERS[0]} worker vs compose in one process", "≤ 1.3", ANY,
                   field="one_worker_us_per_token", vs_field="compose_us_per_op")),
       row=_dask_row, cell=_dask_cell, caption="dask: the whole computation", method=_compose_method),
)
"""Operations the benchmark knows, by name, in report order."""


def ops_of_layer(layer: str) -> tuple[str, ...]:
    """The names of the ops of ``layer``, in report order.

    Example:
        >>> ops_of_layer("token")
        ('hash_to_curve', 'hash_to_curve_batch', 'vocab')
    """
    return tuple(name for name, op in OPS.items() if op.layer == layer)
