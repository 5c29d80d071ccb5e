"""Adapters: one class per implementation, each with a timing function per op it offers.

An adapter declares its distribution (for the version), the modules
:meth:`Adapter.load` imports, which ops it offers on which curves, and notes on
what exactly it times; for each op ``name`` it offers it implements
``_<name>``, with the signature that the op's ``kind`` asks for
(:class:`ectraverse.bench.ops.Op`). Points reach it as affine int tuples and
are converted to its own objects before timing.
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
                                     REPEATS_M, SINGLE_INPUTS, WINDOW_LENGTH, OpInputs, x_of)
from ectraverse.bench.ops import OPS
from ectraverse.curves import named_params
from ectraverse.traverse import _BLOCK_SIZES

__all__ = ["ADAPTERS", "Adapter", "Case", "TokenReporter"]

_POINT_OPS = frozenset({"add", "double", "mul", "mul_g"})


@dataclasses.dataclass
class Case:
    """One prepared cell: ``fn()`` performs ``ops_per_call`` operations.

    ``probe()`` returns the x-coordinate (None for the identity) of the first
    result, for the correctness check; it is never timed.

    The engine operations add: ``check()``, which raises :class:`ArithmeticError`
    if the results disagree with one another (``check_text`` says what is
    compared; never timed); ``baseline()``, a second callable of
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
    probe: Callable[[], int | None]
    inputs: int
    check: Callable[[], None] | None = None
    check_text: str | None = None
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


class Adapter:
    """Base of the implementation adapters.

    A subclass declares ``name``, ``dist`` (its distribution, for the version),
    ``modules`` (imported by :meth:`load`), ``support`` (curve -> operations),
    ``notes`` (what it times, for the report), and implements ``_<op>`` for each
    op it offers: ``_<op>(curve, items) -> (fn, probe)`` for the ``"single"``
    and ``"batch"`` ops, ``_<op>(inputs, progress) -> Case`` for the
    ``"whole"`` ones (see :class:`ectraverse.bench.ops.Op`).
    """

    name = ""
    dist: str | None = None
    modules: tuple[str, ...] = ()
    support: dict[str, frozenset[str]] = {}
    notes: tuple[str, ...] = ()
    single_inputs = SINGLE_INPUTS
    quick_ops: frozenset[str] | None = None  # operations run by --quick (None: all)
    max_size: int | None = None              # largest batch or MSM size it is asked for
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
        fn, probe = timing(inputs.curve, items)
        return Case(fn, ops, probe, len(items))


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

    @staticmethod
    def _px(R: Any) -> int | None:
        return None if R.is_identity else R.x

    @classmethod
    def _ends_x(cls, A: Any) -> int | None:
        """x of the sum of a point array's first and last points (its first alone if it has one), as the
        inputs of the hash cells check them."""
        return cls._px(A[0] + A[len(A) - 1] if len(A) > 1 else A[0])

    def _add(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pairs = [(C.point(*P), C.point(*Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                a + b

        return fn, lambda: self._px(pairs[0][0] + pairs[0][1])

    def _double(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pts = [C.point(*P) for P in items]

        def fn() -> None:
            for a in pts:
                a.double()

        return fn, lambda: self._px(pts[0].double())

    def _mul(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        pairs = [(k, C.point(*P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                k * a

        return fn, lambda: self._px(pairs[0][0] * pairs[0][1])

    def _mul_g(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        G = C.generator
        ks = list(items)

        def fn() -> None:
            for k in ks:
                k * G

        return fn, lambda: self._px(ks[0] * G)

    def _batch_add(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [(self._array(C, Ps), self._array(C, Qs)) for Ps, Qs in items]
        nxt = _cycle(variants)

        def fn() -> None:
            a, b = nxt()
            a + b

        return fn, lambda: self._px((variants[0][0] + variants[0][1]).sum())  # every element, as the inputs check

    def _batch_mul_g(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [list(ks) for ks in items]
        nxt = _cycle(variants)
        mg = C.multiply_generator

        def fn() -> None:
            mg(nxt())

        return fn, lambda: self._px(mg(variants[0]).sum())

    def _msm(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [(self._array(C, Ps), list(ks)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            a, ks = nxt()
            a.msm(ks)

        return fn, lambda: self._px(variants[0][0].msm(variants[0][1]))

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

        def check() -> None:
            for a, limbs in variants:
                self._agree(a.msm_limbs(limbs, threads=MSM_THREADS), a.msm_limbs(limbs),
                            f"msm_limbs on {MSM_THREADS} threads differs from one thread")

        a, limbs = variants[0]
        return Case(fn, len(a), lambda: self._px(a.msm_limbs(limbs, threads=MSM_THREADS)), len(variants),
                    check=check, check_text=f"msm_limbs(limbs, threads={MSM_THREADS}) == msm_limbs(limbs)",
                    baseline=one, baseline_ops=len(a))

    def _hash_to_curve(self, curve: str, items: list) -> tuple:
        h = self._curve(curve).hash_to_curve
        msgs, dst = list(items), H2C_DST

        def fn() -> None:
            for m in msgs:
                h(m, dst)

        return fn, lambda: self._px(h(msgs[0], dst))

    def _hash_to_curve_batch(self, curve: str, items: list) -> tuple:
        hb = self._curve(curve).hash_to_curve_batch
        variants = [list(msgs) for msgs in items]
        nxt = _cycle(variants)
        dst = H2C_DST

        def fn() -> None:
            hb(nxt(), dst)

        return fn, lambda: self._ends_x(hb(variants[0], dst))

    def _vocab(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        from_corpus = self.mod["ectraverse"].Vocabulary.from_corpus
        curve, texts = inputs.curve, inputs.items

        def build() -> Any:
            if progress is None:
                return from_corpus(texts, "words", curve=curve).generators
            progress.start()
            return from_corpus(texts, "words", curve=curve, progress=progress).generators

        return Case(build, inputs.info["tokens"], lambda: self._ends_x(build()), len(texts))

    # ---- the traversal engine: each cell builds its own engine and checks it against itself ----

    def _engine(self, curve: str) -> Any:
        return self.mod["ectraverse"].Traversal(curve)

    @staticmethod
    def _agree(got: Any, expected: Any, what: str) -> None:
        if got != expected:
            raise ArithmeticError(f"wrong result: {what}")

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

        return Case(fn, tokens, lambda: None, 1, check=check,
                    check_text=f"compose(tokens) == compose_chunks of its pieces of {_SHORT_CHUNK:,} tokens; "
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
            self._agree(whole, eng.compose(eng.tokens(text)), "compose(text) differs from composing its token list")
            self._agree(stream(), whole, "compose_stream of the text's bytes differs from compose(text)")

        return Case(fn, inputs.info["tokens"], lambda: None, 1, check=check,
                    check_text="compose(text) == compose(tokens(text)) == compose_stream of its bytes",
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

        return Case(fn, len(tokens), lambda: None, 1, check=check,
                    check_text=f"compose(ids) == compose(ids.tolist()) == compose_chunks of its pieces of "
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

        return Case(fn, L, lambda: None, 1, check=check,
                    check_text="two calls agree; [L] == compose(tokens); window(3, L - 2) == compose of those tokens",
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

        return Case(fn, info["windows"], lambda: None, 1, check=check,
                    check_text=f"the groups (start offsets) == those of a dict of {m}-tuples; peak memory by tracemalloc",
                    baseline=by_dict, baseline_ops=info["windows"], info=info)

    def _push(self, inputs: OpInputs, progress: TokenReporter | None) -> Case:
        tokens = list(inputs.items[: self.single_inputs])
        eng = self._engine(inputs.curve)
        eng.compose(tokens)  # hashes their generators
        push = eng.traverser().push

        def fn() -> None:
            for t in tokens:
                push(t)

        def check() -> None:
            tr = eng.traverser()
            for t in tokens:
                tr.push(t)
            self._agree(tr.state, eng.compose(tokens), f"pushing {len(tokens)} tokens differs from composing them")

        return Case(fn, len(tokens), lambda: None, len(tokens), check=check,
                    check_text="the state after pushing the tokens == compose of them")

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

        return Case(fn, count, lambda: None, count, check=check,
                    check_text="window(i, i + m) == compose(tokens[i:i + m]) at every start timed",
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
            for i in (0, L - m):
                self._agree(batch[i], states.window(i, i + m), f"windows({m})[{i}] differs from window({i}, {i + m})")

        return Case(fn, L - m + 1, lambda: None, 1, check=check,
                    check_text="windows(m)[i] == window(i, i + m) for the first and last i",
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

        def fn() -> None:
            eng.compose_chunks(chunks, pool)

        def single() -> None:
            eng.compose(text)

        def check() -> None:
            for c in warm:
                self._agree(c, whole, f"compose_chunks of {len(chunks)} chunks differs from compose(text)")

        return Case(fn, inputs.info["tokens"], lambda: None, len(chunks), check=check,
                    check_text="compose_chunks(chunks, pool) == compose(text)",
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

            runs = [lambda client=client: compute(client) for client, _ in clusters]
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

        return Case(runs[1], tokens, lambda: None, bag.npartitions, check=check,
                    check_text="ectraverse.dask.compose(eng, bag) on both clusters == compose(text)",
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

        return fn, lambda: x_of(add(C, *pairs[0]))

    def _double(self, curve: str, items: list) -> tuple:
        C, dbl = named_params(curve), self.ref.double
        pts = list(items)

        def fn() -> None:
            for a in pts:
                dbl(C, a)

        return fn, lambda: x_of(dbl(C, pts[0]))

    def _mul(self, curve: str, items: list) -> tuple:
        C, mul = named_params(curve), self.ref.mul
        pairs = list(items)

        def fn() -> None:
            for k, a in pairs:
                mul(C, k, a)

        return fn, lambda: x_of(mul(C, *pairs[0]))

    def _mul_g(self, curve: str, items: list) -> tuple:
        C, mul = named_params(curve), self.ref.mul
        G = self.ref.generator(C)
        ks = list(items)

        def fn() -> None:
            for k in ks:
                mul(C, k, G)

        return fn, lambda: x_of(mul(C, ks[0], G))

    def _msm(self, curve: str, items: list) -> tuple:
        C, msm = named_params(curve), self.ref.msm
        variants = [(list(ks), list(Ps)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            msm(C, *nxt())

        return fn, lambda: x_of(msm(C, *variants[0]))

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

        return fn, lambda: x_of(h(msgs[0]))


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

        return fn, lambda: combine(list(pairs[0])).point()[0]

    def _double(self, curve: str, items: list) -> tuple:
        combine = self.mod["coincurve"].PublicKey.combine_keys
        keys = [self._key(P) for P in items]

        def fn() -> None:
            for a in keys:
                combine([a, a])

        return fn, lambda: combine([keys[0], keys[0]]).point()[0]

    def _mul(self, curve: str, items: list) -> tuple:
        pairs = [(k.to_bytes(32, "big"), self._key(P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                a.multiply(k)

        return fn, lambda: pairs[0][1].multiply(pairs[0][0]).point()[0]

    def _mul_g(self, curve: str, items: list) -> tuple:
        from_secret = self.mod["coincurve"].PublicKey.from_secret
        ks = [k.to_bytes(32, "big") for k in items]

        def fn() -> None:
            for k in ks:
                from_secret(k)

        return fn, lambda: from_secret(ks[0]).point()[0]


class CryptographyAdapter(Adapter):
    name = "cryptography"
    dist = "cryptography"
    modules = ("cryptography", "cryptography.hazmat.primitives.asymmetric.ec")
    support = {c: frozenset({"mul", "mul_g"}) for c in ("secp256k1", "P-256", "P-384", "P-521")}
    notes = (
        "mul = private_key.exchange(ECDH(), peer_public_key): k*P plus key handling;",
        "mul_g = derive_private_key(k, curve).public_key(): includes object construction;",
        "no point addition, batch or MSM API.",
    )
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

        return fn, lambda: int.from_bytes(pairs[0][0].exchange(ecdh, pairs[0][1]), "big")

    def _mul_g(self, curve: str, items: list) -> tuple:
        ec = self.mod["cryptography.hazmat.primitives.asymmetric.ec"]
        crv = self._ec_curve(curve)
        derive = ec.derive_private_key
        ks = list(items)

        def fn() -> None:
            for k in ks:
                derive(k, crv).public_key()

        return fn, lambda: derive(ks[0], crv).public_key().public_numbers().x


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

    def _add(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pairs = [(self._pt(crv, P), self._pt(crv, Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                a + b

        return fn, lambda: (pairs[0][0] + pairs[0][1]).x

    def _double(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pts = [self._pt(crv, P) for P in items]

        def fn() -> None:
            for a in pts:
                a + a

        return fn, lambda: (pts[0] + pts[0]).x

    def _mul(self, curve: str, items: list) -> tuple:
        crv = self._fcurve(curve)
        pairs = [(k, self._pt(crv, P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                k * a

        return fn, lambda: (pairs[0][0] * pairs[0][1]).x

    def _mul_g(self, curve: str, items: list) -> tuple:
        G = self._fcurve(curve).G
        ks = list(items)

        def fn() -> None:
            for k in ks:
                k * G

        return fn, lambda: (ks[0] * G).x


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

    def _px(self, m: Any, R: Any) -> int | None:
        return None if m.is_inf(R) else int(m.normalize(R)[0].n)

    def _add(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        add = m.add
        pairs = [(self._pt(m, P), self._pt(m, Q)) for P, Q in items]

        def fn() -> None:
            for a, b in pairs:
                add(a, b)

        return fn, lambda: self._px(m, add(*pairs[0]))

    def _double(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        dbl = m.double
        pts = [self._pt(m, P) for P in items]

        def fn() -> None:
            for a in pts:
                dbl(a)

        return fn, lambda: self._px(m, dbl(pts[0]))

    def _mul(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        mul = m.multiply
        pairs = [(k, self._pt(m, P)) for k, P in items]

        def fn() -> None:
            for k, a in pairs:
                mul(a, k)

        return fn, lambda: self._px(m, mul(pairs[0][1], pairs[0][0]))

    def _mul_g(self, curve: str, items: list) -> tuple:
        m = self._m(curve)
        mul, G = m.multiply, m.G1
        ks = list(items)

        def fn() -> None:
            for k in ks:
                mul(G, k)

        return fn, lambda: self._px(m, mul(G, ks[0]))


ADAPTERS: dict[str, type[Adapter]] = {
    a.name: a for a in (EctraverseAdapter, ReferenceAdapter, CoincurveAdapter,
                        CryptographyAdapter, FastecdsaAdapter, PyEccAdapter)
}
"""The registry: implementation name -> adapter class, in report order."""
