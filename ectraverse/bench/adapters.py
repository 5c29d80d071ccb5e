"""Adapters: one class per implementation, each with a timing function per op it offers.

An adapter declares its distribution (for the version), the modules
:meth:`Adapter.load` imports, which ops it offers on which curves, and notes on
what exactly it times; for each op ``name`` it offers it implements
``_<name>``, with the signature that the op's ``kind`` asks for
(:class:`ectraverse.bench.ops.Op`). Points reach it as affine int tuples and
are converted to its own objects before timing; its results go back to the
check as affine int tuples (None for the identity).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import importlib
import importlib.metadata
import importlib.util
import io
import itertools
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from ectraverse import rfc9380
from ectraverse.bench.inputs import (CHUNK_WORKERS, CURVES, DASK_BLOCK_BYTES, DASK_WORKERS, H2C_DST, MSM_THREADS,
                                     REFERENCE_SLICE, REPEATS_M, SINGLE_INPUTS, WINDOW_LENGTH, OpInputs, Points,
                                     reference_context)
from ectraverse.bench.ops import OPS
from ectraverse.curves import named_params
from ectraverse.traverse import _BLOCK_SIZES

__all__ = ["ADAPTERS", "Adapter", "Case", "TokenReporter", "EVERY_RESULT", "ENGINE_CHECKED"]

_POINT_OPS = frozenset({"add", "double", "mul", "mul_g"})

EVERY_RESULT = "every result vs reference-verified expected points"
"""What the check of a cell compared, in its row's ``checked``: the results of every input it times, every
input set, both coordinates, element by element (:mod:`ectraverse.bench.inputs` makes the expected points)."""

ENGINE_CHECKED = "engine vs reference on a slice, and vs itself"
"""``checked`` of the engine cells: a context of a slice of their tokens against its definition by the
reference (:func:`~ectraverse.bench.inputs.reference_context`), the rest against the engine's other paths
(each row's ``check`` says which)."""


@dataclasses.dataclass
class Case:
    """One prepared cell: ``fn()`` performs ``ops_per_call`` operations over ``inputs`` inputs.

    ``checked`` says what its check compares (the row's ``checked``). ``results()``,
    never timed, gives the result of every input ``fn`` times, as affine points
    (None for the identity), one list per input set (a single op: one list, a
    result per input; an MSM: one point per set); the run compares them, element
    by element, with the inputs' expected points; with ``x_only``, their
    x-coordinates only (ints), for an implementation that gives no more.

    The engine operations add: ``check()``, which raises :class:`ArithmeticError`
    if a result disagrees with the reference or with the engine's other paths
    (``check_text`` says what is compared; never timed); ``after()``, the same
    for what the timed calls kept (the last one's result), run after timing;
    ``baseline()``, a second callable of
    ``baseline_ops`` operations timed in the same cell, the same way, as the
    comparison of the cell's goal (their repeats alternate:
    :func:`~ectraverse.bench.timing.measure_pair`); ``extra``, more callables
    ``name -> (fn, ops_per_call)`` timed alongside, repeat by repeat
    (:func:`~ectraverse.bench.timing.measure_group`), whose medians become the
    row's ``<name>_us_per_op``, ``<name>_s``, ``<name>_all_s`` and ``<name>_loops``;
    ``info``, fields for the result row; and ``close()``, which releases what
    the cell holds (a process pool, a cluster), timed or not, failed or not.
    """

    fn: Callable[[], object]
    ops_per_call: int
    inputs: int
    checked: str
    results: Callable[[], list[Points]] | None = None
    x_only: bool = False
    check: Callable[[], None] | None = None
    check_text: str | None = None
    after: Callable[[], None] | None = None
    baseline: Callable[[], object] | None = None
    baseline_ops: int = 0
    info: dict[str, Any] = dataclasses.field(default_factory=dict)
    close: Callable[[], None] | None = None
    extra: dict[str, tuple[Callable[[], object], int]] = dataclasses.field(default_factory=dict)


class TokenReporter(Protocol):
    """What a ``vocab`` cell reports its tokenizing to: ``start()`` before each
    build, then ``reporter(n_tokens)`` after each text (the ``progress``
    argument of :meth:`ectraverse.Vocabulary.from_corpus`)."""

    def start(self) -> None:
        """A build starts."""

    def __call__(self, n_tokens: int) -> None:
        """``n_tokens`` more tokens were read."""


def _cycle(variants: list[Any]) -> Callable[[], Any]:
    return itertools.cycle(variants).__next__


def _sec1(P: tuple[int, int], field_bytes: int) -> bytes:
    return b"\x04" + P[0].to_bytes(field_bytes, "big") + P[1].to_bytes(field_bytes, "big")


def _xy(R: Any) -> tuple[int, int] | None:
    """An ectraverse point as an affine tuple, None for the identity."""
    return None if R.is_identity else (R.x, R.y)


class Adapter:
    """Base of the implementation adapters.

    A subclass declares ``name``, ``dist`` (its distribution, for the version),
    ``modules`` (imported by :meth:`load`), ``support`` (curve -> operations),
    ``notes`` (what it times, for the report), and implements ``_<op>`` for each
    op it offers: ``_<op>(curve, items) -> (fn, results)`` for the ``"single"``
    and ``"batch"`` ops (``results()``: see :class:`Case`), ``_<op>(inputs, progress)
    -> Case`` for the ``"whole"`` ones (see :class:`ectraverse.bench.ops.Op`).
    ``x_only`` names the ops whose results it gives as x-coordinates only, and why.
    """

    name = ""
    dist: str | None = None
    modules: tuple[str, ...] = ()
    support: dict[str, frozenset[str]] = {}
    notes: tuple[str, ...] = ()
    single_inputs = SINGLE_INPUTS
    quick_ops: frozenset[str] | None = None  # operations run by --quick (None: all)
    max_size: int | None = None              # largest batch or MSM size it is asked for
    x_only: dict[str, str] = {}              # op -> why its results are x-coordinates only
    missing_hint = "not installed (pip install 'ectraverse[bench]')"

    def __init__(self) -> None:
        self.mod: dict[str, Any] = {}

    def load(self) -> None:
        """Import the implementation.

        Raises:
            ImportError: if it is not installed.
        """
        for name in self.modules:
            self.mod[name] = importlib.import_module(name)

    def supports(self, curve: str, op: str) -> bool:
        """Whether it offers ``op`` on ``curve``."""
        return op in self.support.get(curve, frozenset())

    def version(self) -> str:
        """Its version: the distribution's, else the top module's ``__version__``, else "unknown"."""
        if self.dist:
            try:
                return importlib.metadata.version(self.dist)
            except importlib.metadata.PackageNotFoundError:
                pass
        top = (self.mod.get(self.modules[0]) or sys.modules.get(self.modules[0])) if self.modules else None
        return str(getattr(top, "__version__", "unknown"))

    def prepare(self, inputs: OpInputs, *, progress: TokenReporter | None = None) -> Case:
        """The cell of ``inputs`` for this implementation.

        Args:
            inputs: from the input factory.
            progress: told of the tokenizing of an op that reports it (``vocab``;
                other operations ignore it); None reports nothing.

        Returns:
            The :class:`Case`, ready to time.
        """
        kind = OPS[inputs.op].kind
        timing = getattr(self, "_" + inputs.op)
        if kind == "whole":
            return timing(inputs, progress)
        if kind == "single":
            items = inputs.items[: self.single_inputs]
            ops = len(items)
        else:
            assert inputs.size is not None
            items, ops = inputs.items, inputs.size
        fn, results = timing(inputs.curve, items)
        why = self.x_only.get(inputs.op)
        checked = EVERY_RESULT if why is None else f"x of {EVERY_RESULT} ({why})"
        return Case(fn, ops, len(items), checked, results, x_only=why is not None)


class EctraverseAdapter(Adapter):
    name = "ectraverse"
    dist = "ectraverse"
    modules = ("ectraverse",)
    support = {c: frozenset(OPS) for c in CURVES}
    notes = (
        "add = P + Q; double = P.double(); mul = k * P; mul_g = k * curve.generator;",
        "batch_add = PointArray + PointArray; batch_mul_g = curve.multiply_generator(scalars);",
        "msm = PointArray.msm(scalars); results stay in the core's own coordinates (normalised",
        "lazily, when read), as py_ecc's do; coincurve, cryptography and fastecdsa return affine points.",
        "hash_to_curve = curve.hash_to_curve(msg, dst) per message; hash_to_curve_batch =",
        "curve.hash_to_curve_batch(msgs, dst), one call; both with the curve's default RFC 9380 suite.",
        "vocab = Vocabulary.from_corpus(texts, 'words', curve=name).generators: tokenizing, counting,",
        "ranking and hashing every distinct token in one batch; with the progress bar on, its per-text",
        "updates (one per file) are inside the timed region.",
        "compose = Traversal(curve).compose(tokens) (the text tokenized once, untimed, as for push), vocabulary hashed; its",
        "comparison is a run of eng.traverser().push(token) over the text's first tokens (a fresh traverser",
        "per run); push = Traverser.push(token) over 64 tokens, one traverser kept across calls;",
        f"window = PrefixStates.window(i, i + {WINDOW_LENGTH}) at 64 starts spread over the prefix states;",
        "windows = PrefixStates.windows(m), one call for every window; compose_chunks =",
        f"compose_chunks(chunks, pool) with a concurrent.futures.ProcessPoolExecutor({CHUNK_WORKERS}) (the",
        "platform's default start method), each chunk tokenized and composed in a worker (the engine, with",
        "its hashed vocabulary, goes to a worker once; warm workers keep their unpickled copy), against",
        "compose(text) in this process.",
        "compose_text = compose(text) of the same text, warm, against re.findall(r'\\w+|[^\\w\\s]', text), and",
        "beside them compose_stream of its UTF-8 bytes (an io.BytesIO, read as 'ectraverse compose -f' reads a file);",
        "compose_ids = compose of a NumPy int64 array of its tokens numbered in order of first appearance;",
        "prefixes = Traversal.prefixes(tokens) of the prefix tokens on an engine that keeps its per-token tables",
        "(the calls before they settle at their deepest, untimed: the first, which makes them, and those until the",
        "engine deepens them, are reported); repeats = Traversal.repeats(tokens,",
        f"{REPEATS_M}) against a dict of {REPEATS_M}-tuples of the same tokens (groups of two or more starts), both",
        "returning Python lists; peak memory of one call of each by tracemalloc (untimed).",
        f"dask = ectraverse.dask.compose(eng, bag).compute() on LocalClusters of {DASK_WORKERS[0]} and",
        f"{DASK_WORKERS[1]} worker processes (one thread each), the bag ectraverse.dask.text_blocks of files holding",
        f"copies of the compose text, one file each, read in blocks of about {DASK_BLOCK_BYTES >> 20} MiB cut after",
        "newlines (--dask-block-bytes; as 'ectraverse compose --scheduler' reads files), computed as under a default",
        "client (the engine scattered to the workers once), against compose(text) in this process (the vocabulary",
        "hashed first: the workers hash nothing); beside them,",
        "Dask alone: on each cluster, a graph of the computation's shape whose tasks do nothing; and, untimed,",
        "the CPU a call takes in all (workers, client and schedulers, by psutil, mean of 5 calls).",
    )
    missing_hint = "not importable"

    def load(self) -> None:
        super().load()
        if not hasattr(self.mod["ectraverse"], "curve"):
            raise ImportError("the package has no 'curve' function (is the core built and installed?)")
        if importlib.util.find_spec("distributed") is None:  # the dask extra is optional: no dask cells
            self.support = {c: frozenset(OPS) - {"dask"} for c in CURVES}

    def _curve(self, curve: str) -> Any:
        return self.mod["ectraverse"].curve(curve)

    def _array(self, C: Any, points: list[tuple[int, int]]) -> Any:
        fb = C.field_bytes
        data = b"".join(_sec1(P, fb) for P in points)
        return self.mod["ectraverse"].PointArray.from_bytes(C, data)

    def _add(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pairs = [(C.point(*P), C.point(*Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                a + b

        return fn, lambda: [[_xy(a + b) for a, b in pairs]]

    def _double(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pts = [C.point(*P) for P in items]

        def fn() -> None:
            for a in pts:
                a.double()

        return fn, lambda: [[_xy(a.double()) for a in pts]]

    def _mul(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pairs = [(k, C.point(*P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                k * a

        return fn, lambda: [[_xy(k * a) for k, a in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        G = C.generator
        ks = list(items)

        def fn() -> None:
            for k in ks:
                k * G

        return fn, lambda: [[_xy(k * G) for k in ks]]

    def _batch_add(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [(self._array(C, Ps), self._array(C, Qs)) for Ps, Qs in items]
        nxt = _cycle(variants)

        def fn() -> None:
            a, b = nxt()
            a + b

        return fn, lambda: [(a + b).coordinates() for a, b in variants]

    def _batch_mul_g(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [list(ks) for ks in items]
        nxt = _cycle(variants)
        mg = C.multiply_generator

        def fn() -> None:
            mg(nxt())

        return fn, lambda: [mg(ks).coordinates() for ks in variants]

    def _msm(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [(self._array(C, Ps), list(ks)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            a, ks = nxt()
            a.msm(ks)

        return fn, lambda: [[_xy(a.msm(ks))] for a, ks in variants]

    def _msm_threads(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        C = self._curve(inputs.curve)
        to_limbs = self.mod["ectraverse"].point.scalars_to_limbs
        variants = [(self._array(C, Ps), to_limbs(C, list(ks))) for ks, Ps in inputs.items]
        threaded, single = _cycle(variants), _cycle(variants)

        def fn() -> None:
            a, limbs = threaded()
            a.msm_limbs(limbs, threads=MSM_THREADS)

        def one() -> None:
            a, limbs = single()
            a.msm_limbs(limbs)

        def results() -> list[Points]:
            return [[_xy(a.msm_limbs(limbs, threads=MSM_THREADS))] for a, limbs in variants]

        def check() -> None:
            for a, limbs in variants:
                self._agree(a.msm_limbs(limbs, threads=MSM_THREADS), a.msm_limbs(limbs),
                            f"msm_limbs on {MSM_THREADS} threads differs from one thread")

        n = len(variants[0][0])
        return Case(fn, n, len(variants), f"{EVERY_RESULT}, and vs one thread", results, check=check,
                    check_text=f"msm_limbs(limbs, threads={MSM_THREADS}) == msm_limbs(limbs)",
                    baseline=one, baseline_ops=n)

    def _hash_to_curve(self, curve: str, items: list) -> tuple:
        h = self._curve(curve).hash_to_curve
        msgs, dst = list(items), H2C_DST

        def fn() -> None:
            for m in msgs:
                h(m, dst)

        return fn, lambda: [[_xy(h(m, dst)) for m in msgs]]

    def _hash_to_curve_batch(self, curve: str, items: list) -> tuple:
        hb = self._curve(curve).hash_to_curve_batch
        variants = [list(msgs) for msgs in items]
        nxt = _cycle(variants)
        dst = H2C_DST

        def fn() -> None:
            hb(nxt(), dst)

        return fn, lambda: [hb(msgs, dst).coordinates() for msgs in variants]

    def _vocab(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        from_corpus = self.mod["ectraverse"].Vocabulary.from_corpus
        curve, texts = inputs.curve, inputs.items

        def build() -> Any:
            if progress is None:
                return from_corpus(texts, "words", curve=curve).generators
            progress.start()
            return from_corpus(texts, "words", curve=curve, progress=progress).generators

        return Case(build, inputs.info["tokens"], len(texts), "every generator vs reference-verified expected points",
                    lambda: [build().coordinates()])

    # ---- the traversal engine: each cell builds its own engine, checks a slice of its tokens against the
    # ---- definition by the reference, and the rest against the engine's other paths

    def _engine(self, curve: str) -> Any:
        return self.mod["ectraverse"].Traversal(curve)

    @staticmethod
    def _agree(got: Any, expected: Any, what: str) -> None:
        if got != expected:
            raise ArithmeticError(f"wrong result: {what}")

    @staticmethod
    def _defined(eng: Any, got: Any, tokens: list, what: str) -> None:
        """``got``, the engine's context of ``tokens`` (a short slice), against its definition by the
        reference (:func:`~ectraverse.bench.inputs.reference_context`): its length and its point."""
        want = reference_context(eng.curve.name, tuple(tokens), eng.group.power(1))
        if got.length != len(tokens) or _xy(got.point) != want:
            raise ArithmeticError(f"wrong result: {what} differs from its definition, S = sum of k^(L-i)*P_(u_i) "
                                  "with P_t the reference's RFC 9380 hash_to_curve")

    def _compose(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        text, prefix = inputs.items
        tokens = inputs.info["tokens"]
        eng = self._engine(inputs.curve)
        compose, traverser = eng.compose, eng.traverser
        token_list = eng.tokens(text)  # like the push run, compose takes the tokens: same work compared
        whole = compose(token_list)  # the untimed warm-up: every token of the text is hashed

        def fn() -> None:
            compose(token_list)

        def push_run() -> None:
            push = traverser().push
            for t in prefix:
                push(t)

        def check() -> None:
            self._agree(whole.length, tokens, f"compose(tokens) has length {whole.length}, not {tokens}")
            self._agree(whole, _in_short_chunks(eng, token_list), "compose(tokens) differs from merging the "
                        f"compositions of its pieces of {_SHORT_CHUNK:,} tokens")
            tr = traverser()
            for t in prefix:
                tr.push(t)
            self._agree(tr.state, compose(prefix), f"pushing the first {len(prefix):,} tokens one at a time "
                                                   "differs from composing them")
            head = token_list[:REFERENCE_SLICE]
            self._defined(eng, compose(head), head, f"compose of the text's first {len(head)} tokens")

        return Case(fn, tokens, 1, ENGINE_CHECKED, check=check,
                    check_text=f"compose of the first {REFERENCE_SLICE} tokens == its definition by the reference; "
                               f"compose(tokens) == compose_chunks of its pieces of {_SHORT_CHUNK:,} tokens; "
                               "the push run's state == compose of its tokens",
                    baseline=push_run, baseline_ops=len(prefix), info={"push_tokens": len(prefix)})

    def _compose_text(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        text = inputs.items[0]
        eng = self._engine(inputs.curve)
        whole = eng.compose(text)  # the untimed warm-up: every token hashed, the C token table built
        findall = re.compile(r"\w+|[^\w\s]").findall

        data = text.encode("utf-8")

        def fn() -> None:
            eng.compose(text)

        def stream() -> Any:
            return eng.compose_stream(io.BytesIO(data))

        def check() -> None:
            tokens = eng.tokens(text)
            self._agree(whole, eng.compose(tokens), "compose(text) differs from composing its token list")
            self._agree(stream(), whole, "compose_stream of the text's bytes differs from compose(text)")
            head = tokens[:REFERENCE_SLICE]  # a word token is a maximal run, the others one character: spaces keep them
            self._defined(eng, eng.compose(" ".join(head)), head, f"compose(text) of the text's first {len(head)} "
                          "tokens joined by spaces")

        return Case(fn, inputs.info["tokens"], 1, ENGINE_CHECKED, check=check,
                    check_text=f"compose(text) of the first {REFERENCE_SLICE} tokens joined by spaces == its "
                               "definition by the reference; compose(text) == compose(tokens(text)) == "
                               "compose_stream of its bytes",
                    baseline=lambda: findall(text), baseline_ops=inputs.info["tokens"],
                    extra={"stream": (stream, inputs.info["tokens"])})

    def _compose_ids(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        np = importlib.import_module("numpy")
        text = inputs.items[0]
        eng = self._engine(inputs.curve)
        tokens = eng.tokens(text)
        number = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
        ids = np.fromiter((number[t] for t in tokens), dtype=np.int64, count=len(tokens))
        whole = eng.compose(ids)  # the untimed warm-up: every id hashed

        def fn() -> None:
            eng.compose(ids)

        def check() -> None:
            self._agree(whole, eng.compose(ids.tolist()), "compose of the id array differs from composing its list")
            self._agree(whole, _in_short_chunks(eng, ids.tolist()), "compose(ids) differs from merging the "
                        f"compositions of its pieces of {_SHORT_CHUNK:,} ids")
            head = ids[:REFERENCE_SLICE]
            self._defined(eng, eng.compose(head), head.tolist(), f"compose of the array's first {len(head)} ids")

        return Case(fn, len(tokens), 1, ENGINE_CHECKED, check=check,
                    check_text=f"compose of the first {REFERENCE_SLICE} ids (int tokens) == its definition by the "
                               "reference; compose(ids) == compose(ids.tolist()) == compose_chunks of its pieces of "
                               f"{_SHORT_CHUNK:,} ids", info={"distinct_ids": len(number)})

    def _prefixes(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        tokens = list(inputs.items)
        eng = self._engine(inputs.curve)
        eng.compose(tokens)  # hashes their generators
        start = time.perf_counter()
        first = eng.prefixes(tokens)  # makes the engine's per-token tables (untimed, reported)
        first_s = time.perf_counter() - start
        L, settling, states = len(tokens), 1, first
        while states._block not in (1, _BLOCK_SIZES[-1]) and settling < 16:  # until the engine deepens its tables
            states = eng.prefixes(tokens)
            settling += 1

        def fn() -> None:
            eng.prefixes(tokens)

        def check() -> None:
            again = eng.prefixes(tokens)
            for i in (0, 1, L // 2, L - 1, L):
                self._agree(again[i], first[i], f"prefixes(tokens)[{i}] differs between two calls")
            self._agree(again[L], eng.compose(tokens), "the last prefix state differs from composing the tokens")
            self._agree(again.window(3, L - 2), eng.compose(tokens[3:L - 2]),
                        f"window(3, {L - 2}) differs from composing those tokens")
            h = min(L, REFERENCE_SLICE)
            self._defined(eng, again[h], tokens[:h], f"prefixes(tokens)[{h}]")

        return Case(fn, L, 1, ENGINE_CHECKED, check=check,
                    check_text=f"[{REFERENCE_SLICE}] == the definition of the first {REFERENCE_SLICE} tokens by the "
                               "reference; two calls agree; [L] == compose(tokens); window(3, L - 2) == compose of "
                               "those tokens",
                    info={"tokens": L, "block": states._block, "settling_calls": settling,
                          "first_us_per_token": first_s * 1e6 / L})

    def _repeats(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        text, m = inputs.items[0], REPEATS_M
        eng = self._engine(inputs.curve)
        tokens = eng.tokens(text)
        eng.compose(tokens)  # the untimed warm-up: every token in the vocabulary
        info: dict[str, Any] = {"window_length": m, "windows": max(0, len(tokens) - m + 1)}

        def fn() -> Any:
            return eng.repeats(tokens, m)

        def by_dict() -> list[list[int]]:
            seen: dict[tuple, list[int]] = {}
            for i in range(len(tokens) - m + 1):
                seen.setdefault(tuple(tokens[i:i + m]), []).append(i)
            return [v for v in seen.values() if len(v) > 1]

        def check() -> None:
            ours, peak = _traced(fn)
            theirs, dict_peak = _traced(by_dict)
            got = sorted(starts for _, starts in ours)
            self._agree(got, sorted(theirs), f"repeats(tokens, {m}) differs from a dict of {m}-tuples")
            info.update(groups=len(got), positions=sum(map(len, got)), peak_mb=peak / 1e6,
                        dict_peak_mb=dict_peak / 1e6)

        return Case(fn, info["windows"], 1, f"every group vs a dict of {m}-tuples (pure Python)", check=check,
                    check_text=f"the groups (start offsets) == those of a dict of {m}-tuples; peak memory by tracemalloc",
                    baseline=by_dict, baseline_ops=info["windows"], info=info)

    def _push(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        tokens = list(inputs.items[: self.single_inputs])
        eng = self._engine(inputs.curve)
        eng.compose(tokens)  # hashes their generators
        timed = eng.traverser()
        push, calls = timed.push, [0]

        def fn() -> None:
            for t in tokens:
                push(t)
            calls[0] += 1

        def check() -> None:
            tr = eng.traverser()
            for t in tokens:
                tr.push(t)
            self._agree(tr.state, eng.compose(tokens), f"pushing {len(tokens)} tokens differs from composing them")
            head = tokens[:REFERENCE_SLICE]
            self._defined(eng, eng.compose(head), head, f"compose of the first {len(head)} tokens")

        def after() -> None:  # the timed traverser pushed the tokens calls[0] times over
            self._agree(timed.state, eng.compose(tokens) ** calls[0], f"the timed traverser's state after "
                        f"{calls[0]:,} calls differs from compose(tokens) ** {calls[0]:,}")

        return Case(fn, len(tokens), len(tokens), ENGINE_CHECKED, check=check,
                    check_text=f"compose of the first {REFERENCE_SLICE} tokens == its definition by the reference; "
                               "the state after pushing the tokens == compose of them; after timing, the timed "
                               "traverser's state == compose(tokens) ** calls", after=after)

    def _window(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        tokens, m = inputs.items, WINDOW_LENGTH
        L = len(tokens)
        if L < m:
            raise ValueError(f"the window operation needs at least {m} tokens, not {L}")
        eng = self._engine(inputs.curve)
        states = eng.prefixes(tokens)
        window = states.window
        count = min(self.single_inputs, L - m + 1)
        starts = [i * (L - m) // max(1, count - 1) for i in range(count)]

        def fn() -> None:
            for i in starts:
                window(i, i + m)

        def check() -> None:
            for i in starts:
                self._agree(window(i, i + m), eng.compose(tokens[i:i + m]),
                            f"window({i}, {i + m}) differs from composing tokens {i} .. {i + m - 1}")
            i = starts[len(starts) // 2]
            self._defined(eng, window(i, i + m), tokens[i:i + m], f"window({i}, {i + m})")

        return Case(fn, count, count, ENGINE_CHECKED, check=check,
                    check_text="window(i, i + m) == compose(tokens[i:i + m]) at every start timed, and == its "
                               "definition by the reference at the middle start",
                    info={"tokens": L, "window_length": m})

    def _windows(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        tokens, m = inputs.items, inputs.size
        assert m is not None
        L = len(tokens)
        if L < m:
            raise ValueError(f"windows({m}) needs at least {m} tokens, not {L}")
        eng = self._engine(inputs.curve)
        states = eng.prefixes(tokens)
        windows = states.windows

        def fn() -> None:
            windows(m)

        def check() -> None:
            batch = windows(m)
            self._agree(len(batch), L - m + 1, f"windows({m}) of {L} tokens has {len(batch)} windows")
            wrong = next((i for i in range(L - m + 1) if batch[i] != states.window(i, i + m)), None)
            if wrong is not None:
                raise ArithmeticError(f"wrong result: windows({m})[{wrong}] differs from window({wrong}, {wrong + m})")
            self._defined(eng, batch[0], tokens[:m], f"windows({m})[0]")

        return Case(fn, L - m + 1, 1, ENGINE_CHECKED, check=check,
                    check_text="windows(m)[0] == the definition of the first m tokens by the reference; "
                               "windows(m)[i] == window(i, i + m) for every i",
                    info={"tokens": L, "window_length": m, "windows": L - m + 1})

    def _compose_chunks(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        chunks = list(inputs.items)
        text = "".join(chunks)
        eng = self._engine(inputs.curve)
        whole = eng.compose(text)  # hashes the vocabulary, which goes to the workers with the engine
        context = multiprocessing.get_context()
        pool = concurrent.futures.ProcessPoolExecutor(CHUNK_WORKERS, mp_context=context)
        try:
            # untimed warm-ups: the workers start, import ectraverse and serve a chunk each
            warm = [eng.compose_chunks(chunks, pool) for _ in range(2)]
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise

        last: list[Any] = [None]

        def fn() -> None:
            last[0] = eng.compose_chunks(chunks, pool)

        def single() -> None:
            eng.compose(text)

        def check() -> None:
            for c in warm:
                self._agree(c, whole, f"compose_chunks of {len(chunks)} chunks differs from compose(text)")
            head = eng.tokens(text)[:REFERENCE_SLICE]
            half = len(head) // 2
            self._defined(eng, eng.compose_chunks([head[:half], head[half:]], pool), head,
                          f"compose_chunks of the text's first {len(head)} tokens in 2 chunks")

        def after() -> None:
            self._agree(last[0], whole, f"the last timed compose_chunks of {len(chunks)} chunks differs from "
                                        "compose(text)")

        return Case(fn, inputs.info["tokens"], len(chunks), ENGINE_CHECKED, check=check,
                    check_text=f"compose_chunks of the first {REFERENCE_SLICE} tokens in 2 chunks on the pool == "
                               "their definition by the reference; compose_chunks(chunks, pool) == compose(text), "
                               "for the warm-up calls and, after timing, the last timed call",
                    after=after,
                    baseline=single, baseline_ops=inputs.info["tokens"],
                    info={"chunks": len(chunks), "workers": CHUNK_WORKERS,
                          "start_method": context.get_start_method(),
                          "chunk_chars": [len(c) for c in chunks]},
                    close=lambda: pool.shutdown(cancel_futures=True))

    def _dask(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        import ectraverse.dask as ed

        text, copies = inputs.items
        whole = "\n".join([text] * copies)
        eng = self._engine(inputs.curve)
        want = eng.compose(whole)  # hashes the vocabulary, which the workers receive with the engine
        tokens = inputs.info["tokens"]
        tmp = tempfile.mkdtemp(prefix="ectraverse-bench-dask-")
        clusters: list[Any] = []

        def close() -> None:
            try:
                for client, cluster in clusters:
                    client.close()
                    cluster.close()
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

        try:
            paths = []
            for i in range(copies):
                paths.append(os.path.join(tmp, f"copy{i}.txt"))
                with open(paths[-1], "w", encoding="utf-8", newline="") as f:
                    f.write(text)
            bag = ed.text_blocks(paths, blocksize=inputs.info["block_bytes"])
            for n in DASK_WORKERS:  # quiet (here too): an interrupted run's teardown logs every cut connection
                clusters.append(ed._local_cluster(n, set_as_default=False))

            def compute(client: Any) -> Any:
                with client.as_current():  # as under a default client: the engine scattered once, kept
                    return client.compute(ed.compose(eng, bag)).result()

            kept: dict[int, Any] = {}  # each cluster's last result: after timing, a timed call's

            def run(n: int, client: Any) -> Any:
                kept[n] = compute(client)
                return kept[n]

            runs = [lambda n=n, client=client: run(n, client) for n, (client, _) in zip(DASK_WORKERS, clusters)]
            warm = [run() for run in runs for _ in range(2)]  # untimed: workers import, unpickle the engine
            floors, tasks = {}, {}
            for n, (client, _) in zip(DASK_WORKERS, clusters):
                with client.as_current():
                    shape = _DaskShape(ed.compose(eng, bag))
                shape.run(client)
                floors[f"floor{n}"] = (lambda client=client, shape=shape: shape.run(client), tokens)
                tasks[f"tasks{n}"] = len(shape.deps)
            cpu = {f"cpu{n}_s": _cpu_per_call(run, client) for n, run, (client, _) in zip(DASK_WORKERS, runs, clusters)}
        except BaseException:
            close()
            raise

        def single() -> None:
            eng.compose(whole)

        def check() -> None:
            for c in warm:
                self._agree(c, want, "ectraverse.dask.compose of the bag differs from compose(text)")
            head = eng.tokens(text)[:REFERENCE_SLICE]
            self._defined(eng, eng.compose(head), head, f"compose of the text's first {len(head)} tokens")

        def after() -> None:
            for n in DASK_WORKERS:
                self._agree(kept[n], want, f"the last timed ectraverse.dask.compose of the bag on {n} worker(s) "
                                           "differs from compose(text)")

        return Case(runs[1], tokens, bag.npartitions, ENGINE_CHECKED, check=check,
                    check_text=f"compose of the first {REFERENCE_SLICE} tokens == its definition by the reference; "
                               "ectraverse.dask.compose(eng, bag) on both clusters == compose(text), for the "
                               "warm-up calls and, after timing, each cluster's last timed call", after=after,
                    baseline=runs[0], baseline_ops=tokens, extra={"compose": (single, tokens), **floors},
                    info={"workers": list(DASK_WORKERS), "partitions": bag.npartitions, "copies": copies,
                          "block_bytes": inputs.info["block_bytes"],
                          "method": "auto", **tasks, "cores": os.cpu_count(), **cpu},
                    close=close)


#: Pieces short enough for the coefficients' position-by-position path (the core sums long inputs by
#: blocks of 8,192 positions from 16,384 on): the check of compose's and compose_ids' long inputs.
_SHORT_CHUNK = 8192


def _in_short_chunks(eng: Any, tokens: list) -> Any:
    """The context of ``tokens`` the other way: pieces of :data:`_SHORT_CHUNK` tokens composed apart and
    merged in coefficient space (``compose_chunks`` without an executor)."""
    return eng.compose_chunks([tokens[i:i + _SHORT_CHUNK] for i in range(0, len(tokens), _SHORT_CHUNK)])


def _cpu_per_call(run: Callable[[], Any], client: Any, calls: int = 5) -> float:
    """CPU seconds a call of run, over every process it keeps busy: the cluster's workers and this one
    (the client and the schedulers), the mean of ``calls`` untimed calls."""
    import psutil  # distributed's own dependency

    procs = [psutil.Process()] + [psutil.Process(pid) for pid in client.run(os.getpid).values()]

    def used() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in procs)

    before = used()
    for _ in range(calls):
        run()
    return (used() - before) / calls


def _nothing(*_: Any) -> int:
    """A task of :class:`_DaskShape`'s graph: takes its inputs, does nothing."""
    return 0


class _DaskShape:
    """A graph of a Dask computation's shape whose tasks do nothing: Dask's own time for it (client,
    scheduler, round trips to the workers), with its data (the engine's pickle) the same, so it
    crosses the wire as the computation's does."""

    def __init__(self, lazy: Any) -> None:
        import dask.core

        graph = dict(lazy.__dask_graph__())
        self.deps = {k: sorted(dask.core.get_dependencies(graph, k), key=str) for k in graph}
        self.data = {k: graph[k] for k in graph if not dask.core.istask(graph[k])}  # the engine's pickle
        (self.final,) = set(graph) - {d for ds in self.deps.values() for d in ds}

    def run(self, client: Any) -> Any:
        tag = uuid.uuid4().hex  # keys of each run's own, as compose's
        name = {k: k if k in self.data else f"floor-{tag}-{i}" for i, k in enumerate(self.deps)}
        graph = {name[k]: self.data[k] if k in self.data else (_nothing, *[name[d] for d in ds])
                 for k, ds in self.deps.items()}
        return client.get(graph, name[self.final])


def _traced(fn: Callable[[], Any]) -> tuple[Any, int]:
    """``(fn(), its peak of traced memory in bytes)``: tracemalloc, started and stopped around the call."""
    tracemalloc.start()
    try:
        return fn(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class ReferenceAdapter(Adapter):
    name = "reference"
    dist = None
    modules = ("ectraverse.reference",)
    support = {c: frozenset({"add", "double", "mul", "mul_g", "hash_to_curve", "msm"}) for c in CURVES}
    notes = (
        "the pure-Python oracle: add, double, mul(C, k, P), mul_g = mul(C, k, G), msm;",
        "hash_to_curve = rfc9380.field_elements(suite, params, [msg], dst) then",
        "hash_to_curve_from_u(C, suite, us), per message (RFC 9380's slow path, no batch);",
        "slow, so 8 inputs per call, MSM up to 16 points, and --quick runs add, mul and hash_to_curve only.",
    )
    single_inputs = 8
    quick_ops = frozenset({"add", "mul", "hash_to_curve"})
    max_size = 16
    missing_hint = "not importable"

    def load(self) -> None:
        super().load()
        self.ref = self.mod["ectraverse.reference"]

    def version(self) -> str:
        return "(this tree)"

    def _add(self, curve: str, items: list) -> tuple:
        C, add = named_params(curve), self.ref.add
        pairs = list(items)

        def fn() -> None:
            for a, b in pairs:
                add(C, a, b)

        return fn, lambda: [[add(C, a, b) for a, b in pairs]]

    def _double(self, curve: str, items: list) -> tuple:
        C, dbl = named_params(curve), self.ref.double
        pts = list(items)

        def fn() -> None:
            for a in pts:
                dbl(C, a)

        return fn, lambda: [[dbl(C, a) for a in pts]]

    def _mul(self, curve: str, items: list) -> tuple:
        C, mul = named_params(curve), self.ref.mul
        pairs = list(items)

        def fn() -> None:
            for k, a in pairs:
                mul(C, k, a)

        return fn, lambda: [[mul(C, k, a) for k, a in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        C, mul = named_params(curve), self.ref.mul
        G = self.ref.generator(C)
        ks = list(items)

        def fn() -> None:
            for k in ks:
                mul(C, k, G)

        return fn, lambda: [[mul(C, k, G) for k in ks]]

    def _msm(self, curve: str, items: list) -> tuple:
        C, msm = named_params(curve), self.ref.msm
        variants = [(list(ks), list(Ps)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            msm(C, *nxt())

        return fn, lambda: [[msm(C, ks, Ps)] for ks, Ps in variants]

    def _hash_to_curve(self, curve: str, items: list) -> tuple:
        C, from_u = named_params(curve), self.ref.hash_to_curve_from_u
        suite = rfc9380.default_suite(C)
        field_elements = rfc9380.field_elements
        msgs, dst = list(items), H2C_DST

        def h(m: bytes) -> tuple[int, int] | None:
            return from_u(C, suite, field_elements(suite, C, [m], dst)[0])

        def fn() -> None:
            for m in msgs:
                h(m)

        return fn, lambda: [[h(m) for m in msgs]]


class CoincurveAdapter(Adapter):
    name = "coincurve"
    dist = "coincurve"
    modules = ("coincurve",)
    support = {"secp256k1": _POINT_OPS}
    notes = (
        "add = PublicKey.combine_keys([P, Q]); double = combine_keys([P, P]);",
        "mul = PublicKey.multiply(k_bytes) (libsecp256k1's ec_pubkey_tweak_mul, variable-time);",
        "mul_g = PublicKey.from_secret(k_bytes);",
        "no multi-scalar multiplication or batch API.",
    )

    def _key(self, P: tuple[int, int]) -> Any:
        return self.mod["coincurve"].PublicKey.from_point(*P)

    def _add(self, curve: str, items: list) -> tuple:
        combine = self.mod["coincurve"].PublicKey.combine_keys
        pairs = [(self._key(P), self._key(Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                combine([a, b])

        return fn, lambda: [[combine([a, b]).point() for a, b in pairs]]

    def _double(self, curve: str, items: list) -> tuple:
        combine = self.mod["coincurve"].PublicKey.combine_keys
        keys = [self._key(P) for P in items]

        def fn() -> None:
            for a in keys:
                combine([a, a])

        return fn, lambda: [[combine([a, a]).point() for a in keys]]

    def _mul(self, curve: str, items: list) -> tuple:
        pairs = [(k.to_bytes(32, "big"), self._key(P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                a.multiply(k)

        return fn, lambda: [[a.multiply(k).point() for k, a in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        from_secret = self.mod["coincurve"].PublicKey.from_secret
        ks = [k.to_bytes(32, "big") for k in items]

        def fn() -> None:
            for k in ks:
                from_secret(k)

        return fn, lambda: [[from_secret(k).point() for k in ks]]


class CryptographyAdapter(Adapter):
    name = "cryptography"
    dist = "cryptography"
    modules = ("cryptography", "cryptography.hazmat.primitives.asymmetric.ec")
    support = {c: frozenset({"mul", "mul_g"}) for c in ("secp256k1", "P-256", "P-384", "P-521")}
    notes = (
        "mul = private_key.exchange(ECDH(), peer_public_key): k*P plus key handling (it gives x only, so its",
        "check compares x only);",
        "mul_g = derive_private_key(k, curve).public_key(): includes object construction;",
        "no point addition, batch or MSM API.",
    )
    x_only = {"mul": "cryptography's ECDH gives x only"}
    _CURVE_CLASS = {"secp256k1": "SECP256K1", "P-256": "SECP256R1",
                    "P-384": "SECP384R1", "P-521": "SECP521R1"}

    def version(self) -> str:
        v = super().version()
        try:
            backend = importlib.import_module("cryptography.hazmat.backends.openssl").backend
            return f"{v} ({backend.openssl_version_text()})"
        except (ImportError, AttributeError):
            return v

    def _ec_curve(self, curve: str) -> Any:
        return getattr(self.mod["cryptography.hazmat.primitives.asymmetric.ec"], self._CURVE_CLASS[curve])()

    def _mul(self, curve: str, items: list) -> tuple:
        ec = self.mod["cryptography.hazmat.primitives.asymmetric.ec"]
        crv = self._ec_curve(curve)
        fb = (crv.key_size + 7) // 8
        pairs = [(ec.derive_private_key(k, crv),
                  ec.EllipticCurvePublicKey.from_encoded_point(crv, _sec1(P, fb))) for k, P in items]
        ecdh = ec.ECDH()

        def fn() -> None:
            for priv, pub in pairs:
                priv.exchange(ecdh, pub)

        return fn, lambda: [[int.from_bytes(priv.exchange(ecdh, pub), "big") for priv, pub in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        ec = self.mod["cryptography.hazmat.primitives.asymmetric.ec"]
        crv = self._ec_curve(curve)
        derive = ec.derive_private_key
        ks = list(items)

        def fn() -> None:
            for k in ks:
                derive(k, crv).public_key()

        def results() -> list[Points]:
            numbers = [derive(k, crv).public_key().public_numbers() for k in ks]
            return [[(pn.x, pn.y) for pn in numbers]]

        return fn, results


class FastecdsaAdapter(Adapter):
    name = "fastecdsa"
    dist = "fastecdsa"
    modules = ("fastecdsa.curve", "fastecdsa.point")
    support = {c: _POINT_OPS for c in ("secp256k1", "P-256", "P-384", "P-521")}
    notes = (
        "add = P + Q; double = P + P; mul = k * P; mul_g = k * curve.G;",
        "no public multi-scalar multiplication (Shamir's trick is internal to verify), no batch API.",
    )
    _CURVE_ATTR = {"secp256k1": "secp256k1", "P-256": "P256", "P-384": "P384", "P-521": "P521"}

    def _fcurve(self, curve: str) -> Any:
        return getattr(self.mod["fastecdsa.curve"], self._CURVE_ATTR[curve])

    def _pt(self, crv: Any, P: tuple[int, int]) -> Any:
        return self.mod["fastecdsa.point"].Point(P[0], P[1], crv)

    @staticmethod
    def _xy(R: Any) -> tuple[int, int] | None:
        return None if R.z == 0 else (R.x, R.y)  # z = 0: the point at infinity

    def _add(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pairs = [(self._pt(crv, P), self._pt(crv, Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                a + b

        return fn, lambda: [[self._xy(a + b) for a, b in pairs]]

    def _double(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pts = [self._pt(crv, P) for P in items]

        def fn() -> None:
            for a in pts:
                a + a

        return fn, lambda: [[self._xy(a + a) for a in pts]]

    def _mul(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pairs = [(k, self._pt(crv, P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                k * a

        return fn, lambda: [[self._xy(k * a) for k, a in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        G = self._fcurve(curve).G
        ks = list(items)

        def fn() -> None:
            for k in ks:
                k * G

        return fn, lambda: [[self._xy(k * G) for k in ks]]


class PyEccAdapter(Adapter):
    name = "py_ecc"
    dist = "py_ecc"
    modules = ("py_ecc.optimized_bn128", "py_ecc.optimized_bls12_381")
    support = {c: _POINT_OPS for c in ("BN254", "BLS12-381")}
    notes = (
        "BN254 = py_ecc.optimized_bn128, BLS12-381 = py_ecc.optimized_bls12_381 (G1);",
        "add, double, multiply(P, k), multiply(G1, k); pure Python, so 8 inputs per call.",
    )
    single_inputs = 8
    _MODULE = {"BN254": "py_ecc.optimized_bn128", "BLS12-381": "py_ecc.optimized_bls12_381"}

    def _m(self, curve: str) -> Any:
        return self.mod[self._MODULE[curve]]

    def _pt(self, m: Any, P: tuple[int, int]) -> Any:
        return (m.FQ(P[0]), m.FQ(P[1]), m.FQ.one())

    def _xy(self, m: Any, R: Any) -> tuple[int, int] | None:
        if m.is_inf(R):
            return None
        x, y = m.normalize(R)
        return int(x.n), int(y.n)

    def _add(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        add = m.add
        pairs = [(self._pt(m, P), self._pt(m, Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                add(a, b)

        return fn, lambda: [[self._xy(m, add(a, b)) for a, b in pairs]]

    def _double(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        dbl = m.double
        pts = [self._pt(m, P) for P in items]

        def fn() -> None:
            for a in pts:
                dbl(a)

        return fn, lambda: [[self._xy(m, dbl(a)) for a in pts]]

    def _mul(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        mul = m.multiply
        pairs = [(k, self._pt(m, P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                mul(a, k)

        return fn, lambda: [[self._xy(m, mul(a, k)) for k, a in pairs]]

    def _mul_g(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        mul, G = m.multiply, m.G1
        ks = list(items)

        def fn() -> None:
            for k in ks:
                mul(G, k)

        return fn, lambda: [[self._xy(m, mul(G, k)) for k in ks]]


ADAPTERS: dict[str, type[Adapter]] = {
    a.name: a for a in (EctraverseAdapter, ReferenceAdapter, CoincurveAdapter,
                        CryptographyAdapter, FastecdsaAdapter, PyEccAdapter)
}
"""The registry: implementation name -> adapter class, in report order."""
