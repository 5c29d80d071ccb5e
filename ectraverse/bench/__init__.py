"""``ectraverse bench``: time ectraverse side by side with its peers, in one run.

For every curve and operation the harness times ectraverse, the pure-Python
oracle :mod:`ectraverse.reference`, and each peer library that is installed
(coincurve, cryptography, fastecdsa, py_ecc: the optional ``bench`` extra).
A peer that is missing is skipped with a "not installed" note.

Method, the same for every cell (implementation, curve, operation):

* inputs (scalars and points) are made outside the timed region from a
  ``random.Random`` seeded by ``--seed``, the curve, the operation and the size,
  so every implementation gets the same inputs; points are converted to each
  implementation's own objects before timing;
* a cell's callable runs the operation over a list of distinct inputs (single
  operations) or makes one batch call, cycling through two input sets (batch
  operations and MSM); a single call is never timed;
* the loop count is calibrated until one repeat lasts at least ``--min-time``
  (0.1 s; 0.02 s with ``--quick``); then ``--repeats`` repeats (5; 3 with
  ``--quick``) are timed with :func:`time.perf_counter`, garbage collection off
  as in :mod:`timeit`, and the **median** is reported as µs per operation
  (per element for batch operations, per point for MSM) and operations per
  second;
* before timing, the first result of each cell is checked against affine
  arithmetic done here with Python ints; a wrong result is reported as an error.

The token layer has three operations of its own, run on secp256k1 and P-256
unless ``--curve`` names other curves:

* ``hash_to_curve``: ``curve.hash_to_curve(msg, dst)``, one message per call,
  over distinct messages ``b"token-<i>"`` with the DST ``b"ectraverse-bench-v1"``;
  the reference runs RFC 9380's slow path (:func:`ectraverse.rfc9380.field_elements`
  then :func:`ectraverse.reference.hash_to_curve_from_u`), on 8 messages;
* ``hash_to_curve_batch``: ``curve.hash_to_curve_batch(msgs, dst)``, one call
  for 10,000 distinct messages (1,000 with ``--quick``), reported per message;
* ``vocab``: ``Vocabulary.from_corpus(texts, "words", curve=...)`` then
  ``.generators`` (hashing is lazy, so the time includes it) over the Python
  standard library's own top-level ``*.py`` files, sorted by name and taken
  whole until about 10**6 tokens (10**5 with ``--quick``; ``--vocab-tokens``).
  It is reported per token and as tokens per second and µs per distinct token.
  A full-size build takes about a second, so it is timed once (after one
  untimed calibration build that doubles as a warm-up), not ``--repeats``
  times, unless ``--repeats`` is given. ectraverse alone offers it.

Hash results are checked against :mod:`ectraverse.reference`: the x-coordinate
of the first message's point, and for ``vocab`` the generator of the most
frequent token.

The traversal engine has five operations, run on secp256k1 unless ``--curve``
names other curves (ectraverse alone offers them; each cell builds its own
:class:`~ectraverse.Traversal` and checks its results against the engine
itself, untimed):

* ``compose``: ``eng.compose(tokens)``, where the tokens are the ``vocab`` corpus's
  files joined by ``"\\n"`` and tokenized once, untimed, like the push run's
  tokens (about 10**6 tokens; 10**5 with ``--quick``; ``--compose-tokens``),
  warm (one untimed compose first
  hashes the vocabulary). Reported as tokens per second, against a run of
  ``eng.traverser().push(t)`` over the text's first 10**4 tokens
  (``--prefix-tokens``) timed the same way (a goal's two sides alternate
  repeat by repeat, :func:`measure_pair`), scaled to the text's length;
  checked: the push run's state equals the compose of its tokens;
* ``push``: one ``Traverser.push(token)``, 64 tokens per call;
* ``window``: one ``PrefixStates.window(i, i + 8)`` on the prefix states of
  the first 10**4 tokens, at 64 starts spread over them; checked against
  ``compose`` of the slice;
* ``windows``: ``PrefixStates.windows(m)`` on the same states, per window, one
  row each for m = 8 and m = 4; checked: ``windows(m)[i] == window(i, i + m)``
  for the first and last i;
* ``compose_chunks``: ``eng.compose_chunks(chunks, pool)``, the compose text
  cut at line boundaries into 2 str chunks, tokenized and composed in the
  workers of a ``concurrent.futures.ProcessPoolExecutor(2)`` (the platform's
  default start method), against ``eng.compose(text)`` in this process timed
  the same way; the pool is warmed by two untimed calls (the workers have
  started and imported everything; the engine travels with its hashed
  vocabulary, so they hash nothing, and each keeps its unpickled copy, so
  the timed calls pickle the engine once each but unpickle nothing);
  checked: both calls equal ``compose(text)``. ``--quick`` runs it too, on
  its 10**5-token text: with the ``fork`` start method the pool starts in
  milliseconds, and with ``spawn`` or ``forkserver`` its start-up (about a
  second) falls in the untimed warm-up.

``compose`` and ``compose_chunks`` take about a second per call at full size,
so they are timed 5 times (3 with ``--quick``; the median is reported;
``--repeats`` overrides),
after the calibration call, which doubles as one more warm-up. The goals of
``push`` and ``window`` compare with ectraverse's own ``mul`` on the same curve,
and those of ``windows`` with ``window``: when they are not selected they are
timed as well (ectraverse only), with a note.

Run it as ``ectraverse bench`` (or ``python -m ectraverse.bench``)::

    ectraverse bench --quick
    ectraverse bench --curve secp256k1 --op mul --op mul_g --json bench.json
    ectraverse bench --op hash_to_curve_batch --op vocab --curve P-256
    ectraverse bench --curve secp256k1 --op mul --op compose --op push --op window --op windows --op compose_chunks

The table shows times and, in parentheses, each implementation's time relative
to ectraverse's (above 1 means ectraverse is faster). A final table compares the
measurements with the project's speed goals; it informs, it never fails a run.

``--json PATH`` writes ``{"meta": {...}, "results": [...], "goals": [...]}``:
``meta`` holds the versions, machine, method, selection, command line and date;
each result has ``impl``, ``curve``, ``op``, ``size`` (null for single
operations, the batch length or MSM size otherwise), ``us_per_op``,
``ops_per_s``, ``loops``, ``repeats``, ``median_s`` and ``all_s`` (seconds per
repeat of ``loops`` calls), plus ``ops_per_call``, ``us_per_call``, ``inputs``,
``checked`` and ``per`` (``"op"``, ``"element"``, ``"point"``, ``"message"``,
``"token"`` or ``"window"``); a ``vocab`` result also has ``tokens``,
``distinct_tokens``, ``texts``, ``tokens_per_s`` and ``us_per_distinct_token``,
and its ``size`` is the requested number of tokens (``tokens`` is the actual
count: whole files are taken). Engine results have ``check`` (what was
compared); ``compose`` and ``compose_chunks`` have ``tokens``,
``distinct_tokens``, ``texts`` and ``tokens_per_s`` as ``vocab`` (``size`` is
the requested number of tokens), and ``speedup`` (the comparison's time over
the operation's, for the same tokens); ``compose`` also ``compose_s`` (seconds
per compose), ``push_tokens``, ``push_run_s`` (seconds per push run),
``push_loops``, ``push_all_s``, ``push_us_per_token``, ``push_tokens_per_s``
and ``push_scaled_s`` (the push run scaled to the text's tokens);
``compose_chunks`` also ``chunks``, ``workers``, ``start_method``,
``chunk_chars``, ``chunks_s`` (seconds per call), ``compose_s``,
``compose_loops``, ``compose_all_s``, ``compose_us_per_token`` and
``compose_tokens_per_s`` (compose in one process); ``window`` and ``windows``
have ``tokens`` (of the prefix states) and ``window_length``, and ``windows``
has ``windows`` (per call; its ``size`` is m). A cell that failed has
``error`` instead of timings.
The exit status is 1 if any cell failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime
import gc
import importlib
import importlib.metadata
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import statistics
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from ectraverse import reference, rfc9380, tokenizers
from ectraverse._args import ArgumentParser, positive_int
from ectraverse.curves import named_params
from ectraverse.vocab import domain_tag, token_message

__all__ = [
    "ADAPTERS",
    "CURVES",
    "OPS",
    "Adapter",
    "Case",
    "Measurement",
    "TokenProgress",
    "add_arguments",
    "build_parser",
    "main",
    "measure",
    "run",
]

CURVES = ("secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381")
"""Curves the benchmark knows, in report order."""

POINT_OPS = ("add", "double", "mul", "mul_g")
SINGLE_OPS = POINT_OPS + ("hash_to_curve",)
BATCH_OPS = ("batch_add", "batch_mul_g", "msm", "hash_to_curve_batch")
TOKEN_OPS = ("hash_to_curve", "hash_to_curve_batch", "vocab")
ENGINE_OPS = ("compose", "push", "window", "windows", "compose_chunks")
OPS = ("add", "double", "mul", "mul_g", "batch_add", "batch_mul_g", "msm",
       "hash_to_curve", "hash_to_curve_batch", "vocab") + ENGINE_OPS
"""Operations the benchmark knows, in report order."""

TOKEN_CURVES = ("secp256k1", "P-256")
"""Curves the token-layer operations (``TOKEN_OPS``) run on unless ``--curve`` is given."""

ENGINE_CURVES = ("secp256k1",)
"""Curves the engine operations (``ENGINE_OPS``) run on unless ``--curve`` is given."""

WINDOW_LENGTH = 8
"""Length of the windows of the ``window`` operation."""

WINDOWS_M = (8, 4)
"""Window lengths of the ``windows`` operation (one row each)."""

CHUNK_WORKERS = 2
"""Chunks of the ``compose_chunks`` text, and worker processes of its pool."""

_BASELINE_OP = {"push": "mul", "window": "mul", "windows": "window"}
"""The ectraverse operation each engine operation's goal compares with, on the same curve:
planned too (and noted) when it is not selected."""

_OP_HELP = {
    "add": "P + Q",
    "double": "P + P (or the implementation's doubling)",
    "mul": "k*P, variable base",
    "mul_g": "k*G, fixed base",
    "batch_add": "element-wise addition of two point arrays, per element",
    "batch_mul_g": "batch k_i*G, per element",
    "msm": "multi-scalar multiplication sum k_i*P_i, per point (and total)",
    "hash_to_curve": "RFC 9380 hash_to_curve of one message per call",
    "hash_to_curve_batch": "hash_to_curve_batch of distinct messages, per message",
    "vocab": "Vocabulary.from_corpus over stdlib source, then .generators; tokens/s and µs per distinct token",
    "compose": "Traversal.compose(text) of stdlib source, warm; tokens/s, against a run of Traverser.push",
    "push": "one Traverser.push(token)",
    "window": f"one PrefixStates.window(i, i + {WINDOW_LENGTH})",
    "windows": f"PrefixStates.windows(m) for m = {' and '.join(map(str, WINDOWS_M))}, per window",
    "compose_chunks": f"Traversal.compose_chunks of the compose text in {CHUNK_WORKERS} chunks on a "
                      f"ProcessPoolExecutor({CHUNK_WORKERS}), against compose in one process",
}

_FULL = {"min_time": 0.1, "repeats": 5, "msm_sizes": (16, 64, 256, 1024, 4096),
         "batch_add": 100_000, "batch_mul_g": 10_000, "hash_to_curve_batch": 10_000,
         "vocab_tokens": 1_000_000, "vocab_repeats": 1, "compose_tokens": 1_000_000, "prefix_tokens": 10_000,
         "engine_repeats": 5, "curves": CURVES}
_QUICK = {"min_time": 0.02, "repeats": 3, "msm_sizes": (16, 256),
          "batch_add": 10_000, "batch_mul_g": 1_000, "hash_to_curve_batch": 1_000,
          "vocab_tokens": 100_000, "vocab_repeats": 3, "compose_tokens": 100_000, "prefix_tokens": 10_000,
          "engine_repeats": 3, "curves": ("secp256k1", "P-256")}

_BIG_ENGINE_OPS = ("compose", "compose_chunks")
"""Engine operations timed ``engine_repeats`` times (5, or 3 with ``--quick``, unless ``--repeats`` is
given): one call takes ~1 s."""

H2C_DST = b"ectraverse-bench-v1"
"""The domain-separation tag of the hash_to_curve operations."""

_SINGLE_INPUTS = 64
"""Distinct inputs cycled by a single-operation cell (fewer for slow implementations)."""

_VARIANTS = 2
"""Distinct input sets cycled by a batch or MSM cell."""

_CHECK_MSM_MAX = 16
"""MSM results are checked against the local arithmetic up to this size."""


# --------------------------------------------------------------------------
# Inputs are made and checked with ectraverse.reference (Python ints), never
# with an implementation being timed.
# --------------------------------------------------------------------------

def _load_params() -> dict[str, reference.RefCurve]:
    curves = reference.load_curves()
    return {name: curves[name] for name in CURVES}


def _mul(c: reference.RefCurve, k: int, A: tuple[int, int]) -> tuple[int, int] | None:
    return reference.mul(c, k % c.n, A)


_add = reference.add


def _x(P: tuple[int, int] | None) -> int | None:
    return None if P is None else P[0]


def _messages(start: int, count: int) -> list[bytes]:
    """The distinct messages ``b"token-<i>"`` for ``i`` in ``[start, start + count)``."""
    return [b"token-%d" % i for i in range(start, start + count)]


def _hash_x(c: reference.RefCurve, msg: bytes, dst: bytes) -> int | None:
    """x of RFC 9380 ``hash_to_curve(msg, dst)`` with the curve's default suite, by the slow path."""
    prm = named_params(c.name)
    suite = rfc9380.default_suite(prm)
    [us] = rfc9380.field_elements(suite, prm, [msg], dst)
    return _x(reference.hash_to_curve_from_u(c, suite, us))


@dataclasses.dataclass(frozen=True)
class _Corpus:
    """Whole texts of the standard library's top-level ``*.py`` files, as read and tokenized."""

    texts: list[str]
    tokens: int
    distinct: int
    top: str | int  # the most frequent token (ties: the first seen), id 0 of the vocabulary
    source: str


def _stdlib_corpus(target: int) -> _Corpus:
    """The first files of the stdlib, by name, until they hold at least ``target`` tokens.

    Tokens are counted with :func:`ectraverse.tokenizers.words`; files are taken
    whole (all of them if they hold fewer tokens).
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(root.glob("*.py"), key=lambda f: f.name)
    if not files:
        raise FileNotFoundError(f"no *.py files in the standard library directory {str(root)!r}")
    texts: list[str] = []
    counts: Counter = Counter()
    tokens = 0
    for f in files:
        if tokens >= target:
            break
        text = f.read_text(encoding="utf-8")
        words = tokenizers.words(text)
        texts.append(text)
        counts.update(words)
        tokens += len(words)
    if not counts:
        raise ValueError(f"the standard library's *.py files in {str(root)!r} hold no tokens")
    [(top, _)] = counts.most_common(1)  # sorted by count, stable: ties keep first appearance
    return _Corpus(texts, tokens, len(counts), top, f"{root}/*.py, {len(texts)} of {len(files)} files by name")


class _PointPool:
    """Points S + i*D of one curve (S, D random multiples of G), grown on demand
    with ``reference.points_along`` (one inversion per chunk)."""

    def __init__(self, c: reference.RefCurve, rng: random.Random) -> None:
        self._c = c
        G = (c.gx, c.gy)
        self._start = _mul(c, rng.randrange(1, c.n), G)
        self._step = _mul(c, rng.randrange(1, c.n), G)
        self._points: list[tuple[int, int]] = []

    def get(self, start: int, count: int) -> list[tuple[int, int]]:
        missing = start + count - len(self._points)
        if missing > 0:
            first = self._start if not self._points else _add(self._c, self._points[-1], self._step)
            self._points.extend(reference.points_along(self._c, first, self._step, missing))
        return self._points[start:start + count]


@dataclasses.dataclass
class OpInputs:
    """The inputs of one (curve, operation, size), shared by every implementation.

    ``items`` depends on the operation:

    * ``add``: ``[(P, Q), ...]``; ``double``: ``[P, ...]``;
      ``mul``: ``[(k, P), ...]``; ``mul_g``: ``[k, ...]``;
    * ``batch_add``: ``[(Ps, Qs), ...]``, one pair of equal-length lists per variant;
      ``batch_mul_g``: ``[ks, ...]``; ``msm``: ``[(ks, Ps), ...]``;
    * ``hash_to_curve``: ``[msg, ...]``; ``hash_to_curve_batch``: ``[msgs, ...]``,
      one list per variant; both hashed with the DST :data:`H2C_DST`;
    * ``vocab``: the texts (str) of the corpus; ``info`` holds its ``tokens``,
      ``distinct_tokens``, ``texts`` and ``corpus`` (where it comes from);
    * ``compose``: ``[text, prefix]``, the corpus texts joined by ``"\\n"`` and
      the list of its first tokens (the push run); ``compose_chunks``: the
      text cut at line boundaries into :data:`CHUNK_WORKERS` str chunks
      (``"".join(items)`` is the text); ``info`` as for ``vocab``;
    * ``push``, ``window``, ``windows``: the list of the first tokens of the
      corpus text (``info["tokens"]`` of them).

    Points are affine ``(x, y)`` int tuples, scalars ints in ``[1, n)``.
    """

    curve: str
    op: str
    size: int | None
    items: list[Any]
    params: reference.RefCurve
    _expected: Callable[[], int | None] | None = None
    _cache: list[int | None] = dataclasses.field(default_factory=list)
    info: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def checked(self) -> bool:
        return self._expected is not None

    def expected_x(self) -> int | None:
        """x-coordinate of the first result (None for the identity)."""
        if self._expected is None:
            raise ValueError(f"no expected result is computed for {self.op}({self.size})")
        if not self._cache:
            self._cache.append(self._expected())
        return self._cache[0]


def _split_at_lines(text: str, parts: int) -> list[str]:
    """``text`` cut into ``parts`` pieces just after a newline at or past each ``len(text) * i / parts``.

    ``"".join`` of the pieces is ``text``; a piece is empty only if the text
    has no newline left to cut at.
    """
    cuts = [0]
    for i in range(1, parts):
        j = text.find("\n", max(cuts[-1], len(text) * i // parts))
        cuts.append(len(text) if j < 0 else j + 1)
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]


class _InputFactory:
    def __init__(self, params: dict[str, reference.RefCurve], seed: int, prefix_tokens: int = 10_000) -> None:
        self._params = params
        self._seed = seed
        self._prefix_size = prefix_tokens
        self._pools: dict[str, _PointPool] = {}
        self._corpora: dict[int, _Corpus] = {}
        self._prefixes: dict[int, list[str]] = {}

    def _corpus(self, target: int) -> _Corpus:
        if target not in self._corpora:
            self._corpora[target] = _stdlib_corpus(target)
        return self._corpora[target]

    def _prefix(self, count: int) -> list[str]:
        """The first ``count`` tokens (all, if fewer) of the corpus texts joined by ``"\\n"``."""
        if count not in self._prefixes:
            corpus = self._corpus(count)
            self._prefixes[count] = tokenizers.words("\n".join(corpus.texts))[:count]
        return self._prefixes[count]

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(["ectraverse-bench", str(self._seed), *map(str, parts)]))

    def _pool(self, curve: str) -> _PointPool:
        if curve not in self._pools:
            self._pools[curve] = _PointPool(self._params[curve], self._rng(curve, "points"))
        return self._pools[curve]

    def build(self, curve: str, op: str, size: int | None) -> OpInputs:
        c = self._params[curve]
        rng = self._rng(curve, op, size)
        pool = self._pool(curve)
        G = (c.gx, c.gy)
        m = _SINGLE_INPUTS

        def scalars(count: int) -> list[int]:
            return [rng.randrange(1, c.n) for _ in range(count)]

        if op == "add":
            items: list[Any] = list(zip(pool.get(0, m), pool.get(m, m)))
            expected = lambda: _x(_add(c, *items[0]))  # noqa: E731
        elif op == "double":
            items = pool.get(0, m)
            expected = lambda: _x(_add(c, items[0], items[0]))  # noqa: E731
        elif op == "mul":
            items = list(zip(scalars(m), pool.get(0, m)))
            expected = lambda: _x(_mul(c, *items[0]))  # noqa: E731
        elif op == "mul_g":
            items = scalars(m)
            expected = lambda: _x(_mul(c, items[0], G))  # noqa: E731
        elif op == "batch_add":
            assert size is not None and size >= 2
            items = []
            for v in range(_VARIANTS):
                Ps = pool.get(v * size, size)
                r = rng.randrange(1, size)        # Q_i = P_(i+r): never P_i itself
                items.append((Ps, Ps[r:] + Ps[:r]))
            expected = lambda: _x(_add(c, items[0][0][0], items[0][1][0]))  # noqa: E731
        elif op == "batch_mul_g":
            assert size is not None
            items = [scalars(size) for _ in range(_VARIANTS)]
            expected = lambda: _x(_mul(c, items[0][0], G))  # noqa: E731
        elif op == "msm":
            assert size is not None
            items = [(scalars(size), pool.get(v * size, size)) for v in range(_VARIANTS)]

            def expected() -> int | None:
                acc = None
                for k, P in zip(*items[0]):
                    acc = _add(c, acc, _mul(c, k, P))
                return _x(acc)

            if size > _CHECK_MSM_MAX:
                return OpInputs(curve, op, size, items, c)
        elif op == "hash_to_curve":
            items = _messages(0, m)
            expected = lambda: _hash_x(c, items[0], H2C_DST)  # noqa: E731
        elif op == "hash_to_curve_batch":
            assert size is not None
            items = [_messages(v * size, size) for v in range(_VARIANTS)]
            expected = lambda: _hash_x(c, items[0][0], H2C_DST)  # noqa: E731
        elif op == "vocab":
            assert size is not None
            corpus = self._corpus(size)
            info = {"tokens": corpus.tokens, "distinct_tokens": corpus.distinct,
                    "texts": len(corpus.texts), "corpus": corpus.source}
            expected = lambda: _hash_x(c, token_message(corpus.top), domain_tag(curve))  # noqa: E731
            return OpInputs(curve, op, size, corpus.texts, c, expected, info=info)
        elif op in ("compose", "compose_chunks"):
            assert size is not None
            corpus = self._corpus(size)
            text = "\n".join(corpus.texts)
            info = {"tokens": corpus.tokens, "distinct_tokens": corpus.distinct,
                    "texts": len(corpus.texts), "corpus": corpus.source}
            if op == "compose":
                items = [text, self._prefix(min(self._prefix_size, corpus.tokens))]
            else:
                items = _split_at_lines(text, CHUNK_WORKERS)
            return OpInputs(curve, op, size, items, c, info=info)
        elif op in ("push", "window", "windows"):
            items = self._prefix(self._prefix_size)
            return OpInputs(curve, op, size, items, c, info={"tokens": len(items)})
        else:
            raise ValueError(f"op must be one of {', '.join(OPS)}, not {op!r}")
        return OpInputs(curve, op, size, items, c, expected)


def _sec1(P: tuple[int, int], field_bytes: int) -> bytes:
    return b"\x04" + P[0].to_bytes(field_bytes, "big") + P[1].to_bytes(field_bytes, "big")


# --------------------------------------------------------------------------
# Adapters: one small class per implementation
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Case:
    """One prepared cell: ``fn()`` performs ``ops_per_call`` operations.

    ``probe()`` returns the x-coordinate (None for the identity) of the first
    result, for the correctness check; it is never timed.

    The engine operations add: ``check()``, which raises :class:`ArithmeticError`
    if the results disagree with one another (``check_text`` says what is
    compared; never timed); ``baseline()``, a second callable of
    ``baseline_ops`` operations timed in the same cell, the same way, as the
    comparison of the cell's goal (their repeats alternate: :func:`measure_pair`);
    ``info``, fields for the result row; and ``close()``, which releases what
    the cell holds (a process pool), timed or not, failed or not.
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


def _cycle(variants: list[Any]) -> Callable[[], Any]:
    return itertools.cycle(variants).__next__


class TokenProgress:
    """What a ``vocab`` cell reports its tokenizing to: ``start()`` before each
    build, then ``progress(n_tokens)`` after each text (the ``progress``
    argument of :meth:`ectraverse.Vocabulary.from_corpus`).

    This one draws a ``rich`` progress task, restarted for every build.
    """

    def __init__(self, progress: Progress, description: str, total: int) -> None:
        self._progress = progress
        self._total = total
        self._task = progress.add_task(description, total=total)

    def start(self) -> None:
        self._progress.reset(self._task, total=self._total)

    def __call__(self, n_tokens: int) -> None:
        self._progress.advance(self._task, n_tokens)

    def close(self) -> None:
        self._progress.remove_task(self._task)


class Adapter:
    """Base of the implementation adapters.

    A subclass declares ``name``, ``dist`` (its distribution, for the version),
    ``modules`` (imported by :meth:`load`), ``support`` (curve -> operations),
    and implements ``_<op>(curve, items)`` returning ``(fn, probe)``
    (``_vocab(curve, texts, progress)`` also takes a :class:`TokenProgress` or None;
    the engine operations' ``_<op>(inputs)`` return the whole :class:`Case`).
    """

    name = ""
    dist: str | None = None
    modules: tuple[str, ...] = ()
    support: dict[str, frozenset[str]] = {}
    notes: tuple[str, ...] = ()
    single_inputs = _SINGLE_INPUTS
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
        return op in self.support.get(curve, frozenset())

    def version(self) -> str:
        if self.dist:
            try:
                return importlib.metadata.version(self.dist)
            except importlib.metadata.PackageNotFoundError:
                pass
        top = (self.mod.get(self.modules[0]) or sys.modules.get(self.modules[0])) if self.modules else None
        return str(getattr(top, "__version__", "unknown"))

    def prepare(self, inputs: OpInputs, *, progress: TokenProgress | None = None) -> Case:
        """The cell of ``inputs`` for this implementation.

        Args:
            inputs: from the input factory.
            progress: told of the tokenizing of a ``vocab`` cell (other
                operations ignore it); None draws nothing.
        """
        items = inputs.items
        if inputs.op in ENGINE_OPS:
            return getattr(self, "_" + inputs.op)(inputs)
        if inputs.op == "vocab":
            fn, probe = self._vocab(inputs.curve, items, progress)
            return Case(fn, inputs.info["tokens"], probe, len(items))
        if inputs.op in SINGLE_OPS:
            items = items[: self.single_inputs]
            ops = len(items)
        else:
            assert inputs.size is not None
            ops = inputs.size
        fn, probe = getattr(self, "_" + inputs.op)(inputs.curve, items)
        return Case(fn, ops, probe, len(items))


class EctraverseAdapter(Adapter):
    name = "ectraverse"
    dist = "ectraverse"
    modules = ("ectraverse",)
    support = {c: frozenset(OPS) for c in CURVES}
    notes = (
        "add = P + Q; double = P.double() (P + P if absent); mul = k * P; mul_g = k * curve.generator;",
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
        "its hashed vocabulary, is pickled once per call; warm workers keep their unpickled copy), against",
        "compose(text) in this process.",
    )
    missing_hint = "not importable"

    def load(self) -> None:
        super().load()
        if not hasattr(self.mod["ectraverse"], "curve"):
            raise ImportError("the package has no 'curve' function (is the core built and installed?)")

    def _curve(self, curve: str) -> Any:
        return self.mod["ectraverse"].curve(curve)

    def _array(self, C: Any, points: list[tuple[int, int]]) -> Any:
        fb = C.field_bytes
        data = b"".join(_sec1(P, fb) for P in points)
        return self.mod["ectraverse"].PointArray.from_bytes(C, data)

    @staticmethod
    def _px(R: Any) -> int | None:
        return None if R.is_identity else R.x

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
        if hasattr(pts[0], "double"):
            def fn() -> None:
                for a in pts:
                    a.double()

            return fn, lambda: self._px(pts[0].double())

        def fn_add() -> None:
            for a in pts:
                a + a

        return fn_add, lambda: self._px(pts[0] + pts[0])

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

        return fn, lambda: self._px((variants[0][0] + variants[0][1])[0])

    def _batch_mul_g(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [list(ks) for ks in items]
        nxt = _cycle(variants)
        mg = C.multiply_generator

        def fn() -> None:
            mg(nxt())

        return fn, lambda: self._px(mg(variants[0])[0])

    def _msm(self, curve: str, items: list) -> tuple:
        C = self._curve(curve)
        variants = [(self._array(C, Ps), list(ks)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            a, ks = nxt()
            a.msm(ks)

        return fn, lambda: self._px(variants[0][0].msm(variants[0][1]))

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

        return fn, lambda: self._px(hb(variants[0], dst)[0])

    def _vocab(self, curve: str, texts: list, progress: TokenProgress | None) -> tuple:
        from_corpus = self.mod["ectraverse"].Vocabulary.from_corpus

        def build() -> Any:
            if progress is None:
                return from_corpus(texts, "words", curve=curve).generators
            progress.start()
            return from_corpus(texts, "words", curve=curve, progress=progress).generators

        return build, lambda: self._px(build()[0])

    # ---- the traversal engine: each cell builds its own engine and checks it against itself ----

    def _engine(self, curve: str) -> Any:
        return self.mod["ectraverse"].Traversal(curve)

    @staticmethod
    def _agree(got: Any, expected: Any, what: str) -> None:
        if got != expected:
            raise ArithmeticError(f"wrong result: {what}")

    def _compose(self, inputs: OpInputs) -> Case:
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
            tr = traverser()
            for t in prefix:
                tr.push(t)
            self._agree(tr.state, compose(prefix), f"pushing the first {len(prefix):,} tokens one at a time "
                                                   "differs from composing them")

        return Case(fn, tokens, lambda: None, 1, check=check,
                    check_text="compose(tokens).length == tokens; the push run's state == compose of its tokens",
                    baseline=push_run, baseline_ops=len(prefix), info={"push_tokens": len(prefix)})

    def _push(self, inputs: OpInputs) -> Case:
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

    def _window(self, inputs: OpInputs) -> Case:
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
            i = starts[-1]
            self._agree(window(i, i + m), eng.compose(tokens[i:i + m]),
                        f"window({i}, {i + m}) differs from composing tokens {i} .. {i + m - 1}")

        return Case(fn, count, lambda: None, count, check=check,
                    check_text="window(i, i + m) == compose(tokens[i:i + m]) at the last start",
                    info={"tokens": L, "window_length": m})

    def _windows(self, inputs: OpInputs) -> Case:
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

    def _compose_chunks(self, inputs: OpInputs) -> Case:
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


class _ReferenceAPI:
    """The one place that knows the names of :mod:`ectraverse.reference`.

    Points are ``(x, y)`` tuples or None; ``load_curves(path)`` returns curve
    objects keyed by name; ``add(C, P, Q)``, ``double(C, P)``, ``mul(C, k, P)``,
    ``msm(C, scalars, points)``, ``hash_to_curve_from_u(C, suite, us)`` (the
    field elements ``us`` come from :func:`ectraverse.rfc9380.field_elements`).
    """

    def __init__(self, module: Any) -> None:
        self.curves = module.load_curves()
        self.add = module.add
        self.double = module.double
        self.mul = module.mul
        self.msm = module.msm
        self.hash_to_curve_from_u = module.hash_to_curve_from_u

    def curve(self, name: str) -> Any:
        return self.curves[name]

    @staticmethod
    def generator(C: Any) -> tuple[int, int]:
        G = getattr(C, "G", None)
        return tuple(G) if G is not None else (C.gx, C.gy)  # type: ignore[return-value]


class ReferenceAdapter(Adapter):
    name = "reference"
    dist = None
    modules = ("ectraverse.reference",)
    support = {c: frozenset(SINGLE_OPS + ("msm",)) for c in CURVES}
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
        self.api = _ReferenceAPI(self.mod["ectraverse.reference"])

    def version(self) -> str:
        return "(this tree)"

    def _add(self, curve: str, items: list) -> tuple:
        C, add = self.api.curve(curve), self.api.add
        pairs = list(items)

        def fn() -> None:
            for a, b in pairs:
                add(C, a, b)

        return fn, lambda: _x(add(C, *pairs[0]))

    def _double(self, curve: str, items: list) -> tuple:
        C, dbl = self.api.curve(curve), self.api.double
        pts = list(items)

        def fn() -> None:
            for a in pts:
                dbl(C, a)

        return fn, lambda: _x(dbl(C, pts[0]))

    def _mul(self, curve: str, items: list) -> tuple:
        C, mul = self.api.curve(curve), self.api.mul
        pairs = list(items)

        def fn() -> None:
            for k, a in pairs:
                mul(C, k, a)

        return fn, lambda: _x(mul(C, *pairs[0]))

    def _mul_g(self, curve: str, items: list) -> tuple:
        C, mul = self.api.curve(curve), self.api.mul
        G = self.api.generator(C)
        ks = list(items)

        def fn() -> None:
            for k in ks:
                mul(C, k, G)

        return fn, lambda: _x(mul(C, ks[0], G))

    def _msm(self, curve: str, items: list) -> tuple:
        C, msm = self.api.curve(curve), self.api.msm
        variants = [(list(ks), list(Ps)) for ks, Ps in items]
        nxt = _cycle(variants)

        def fn() -> None:
            msm(C, *nxt())

        return fn, lambda: _x(msm(C, *variants[0]))

    def _hash_to_curve(self, curve: str, items: list) -> tuple:
        C, from_u = self.api.curve(curve), self.api.hash_to_curve_from_u
        prm = named_params(curve)
        suite = rfc9380.default_suite(prm)
        field_elements = rfc9380.field_elements
        msgs, dst = list(items), H2C_DST

        def h(m: bytes) -> tuple[int, int] | None:
            return from_u(C, suite, field_elements(suite, prm, [m], dst)[0])

        def fn() -> None:
            for m in msgs:
                h(m)

        return fn, lambda: _x(h(msgs[0]))


class CoincurveAdapter(Adapter):
    name = "coincurve"
    dist = "coincurve"
    modules = ("coincurve",)
    support = {"secp256k1": frozenset(POINT_OPS)}
    notes = (
        "add = PublicKey.combine_keys([P, Q]); double = combine_keys([P, P]);",
        "mul = PublicKey.multiply(k_bytes) (constant-time); mul_g = PublicKey.from_secret(k_bytes);",
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
    support = {c: frozenset(POINT_OPS) for c in ("secp256k1", "P-256", "P-384", "P-521")}
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
    support = {c: frozenset(POINT_OPS) for c in ("BN254", "BLS12-381")}
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


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Measurement:
    """Timings of one cell: ``repeats`` runs of ``loops`` calls of ``ops_per_call`` operations."""

    loops: int
    ops_per_call: int
    all_s: tuple[float, ...]

    @property
    def repeats(self) -> int:
        return len(self.all_s)

    @property
    def median_s(self) -> float:
        return statistics.median(self.all_s)

    @property
    def us_per_call(self) -> float:
        return self.median_s / self.loops * 1e6

    @property
    def us_per_op(self) -> float:
        return self.us_per_call / self.ops_per_call

    @property
    def ops_per_s(self) -> float:
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


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _norm(s: str) -> str:
    return s.strip().lower().replace("_", "-").replace(" ", "-")


def _curve_aliases() -> dict[str, str]:
    table = {}
    for name in CURVES:
        for alias in (name, *named_params(name).aliases):
            table[_norm(alias)] = name
    return table


def _choice(kind: str, table: Callable[[], dict[str, str]], shown: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return table()[_norm(value)]
        except KeyError:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {value!r}; choose from: {', '.join(shown)}") from None
    parse.__name__ = kind  # argparse names the type in some messages
    return parse


def _repeats(value: str) -> int:
    n = positive_int(value)
    if n < 3:
        raise argparse.ArgumentTypeError(f"must be at least 3 (a median needs repeats), not {value!r}")
    return n


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {value!r}") from None
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {value!r}")
    return x


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the benchmark's options to ``parser`` (for mounting as a subcommand).

    Args:
        parser: a parser or sub-parser.

    Returns:
        The same parser.
    """
    ops_help = "; ".join(f"{k}: {v}" for k, v in _OP_HELP.items())
    parser.add_argument("--curve", action="append", metavar="NAME",
                        type=_choice("curve", _curve_aliases, CURVES),
                        help=f"curve to time (repeatable; aliases accepted): {', '.join(CURVES)}. "
                             "Default: all (secp256k1 and P-256 with --quick).")
    parser.add_argument("--op", action="append", metavar="NAME",
                        type=_choice("operation", lambda: {_norm(o): o for o in OPS}, OPS),
                        help=f"operation to time (repeatable). {ops_help}. Default: all "
                             f"({', '.join(TOKEN_OPS)} on {' and '.join(TOKEN_CURVES)} only and "
                             f"{', '.join(ENGINE_OPS)} on {' and '.join(ENGINE_CURVES)} only, "
                             "unless --curve is given). push and window also time mul, and windows "
                             "also times window, for their goals.")
    parser.add_argument("--impl", action="append", metavar="NAME",
                        type=_choice("implementation", lambda: {_norm(a): a for a in ADAPTERS}, list(ADAPTERS)),
                        help=f"implementation to time (repeatable): {', '.join(ADAPTERS)}. "
                             "Default: all that are installed.")
    parser.add_argument("--quick", action="store_true",
                        help="a run of under a minute: secp256k1 and P-256, MSM sizes 16 and 256, "
                             "smaller batches, vocabulary and compose text (100000 tokens), 3 repeats of "
                             "at least 0.02 s, reference for add, mul and hash_to_curve only")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write every result to this JSON file")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="seed of the random inputs (default 1)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none either when stderr is not a terminal)")
    parser.add_argument("--min-time", type=_positive_float, metavar="SECONDS",
                        help="minimum duration of one repeat (default 0.1, 0.02 with --quick)")
    parser.add_argument("--repeats", type=_repeats, metavar="N",
                        help="timed repeats per cell, the median is reported (default 5, 3 with --quick)")
    parser.add_argument("--msm-size", action="append", type=positive_int, metavar="N",
                        help="MSM size (repeatable; default 16 64 256 1024 4096, 16 256 with --quick)")
    parser.add_argument("--batch-size", type=positive_int, metavar="N",
                        help="elements per batch call (default 100000 for batch_add, 10000 for "
                             "batch_mul_g and hash_to_curve_batch; 10000, 1000 and 1000 with --quick)")
    parser.add_argument("--vocab-tokens", type=positive_int, metavar="N",
                        help="tokens of standard-library source the vocab operation builds from, whole "
                             "files by name until at least N (default 1000000, 100000 with --quick); "
                             "a build of the default size is timed once unless --repeats is given")
    parser.add_argument("--compose-tokens", type=positive_int, metavar="N",
                        help="tokens of the text of compose and compose_chunks: the vocab corpus's files "
                             "joined by newlines, whole files until at least N (default 1000000, 100000 "
                             "with --quick); these two are timed 5 times (3 with --quick) unless --repeats "
                             "is given")
    parser.add_argument("--prefix-tokens", type=positive_int, metavar="N",
                        help="the first N tokens of that text make the prefix states of window and "
                             "windows, push's tokens (the first 64) and compose's push run (at most the "
                             "text's tokens) "
                             f"(default 10000; at least {max(WINDOW_LENGTH, *WINDOWS_M)})")
    parser.add_argument("--details", action="store_true",
                        help="also show ops/s, loops and repeats in every table cell")
    return parser


def build_parser(prog: str = "ectraverse bench") -> argparse.ArgumentParser:
    """The benchmark's own argument parser."""
    parser = ArgumentParser(
        prog=prog,
        description="Time ectraverse, its pure-Python reference and the installed peer libraries "
                    "(coincurve, cryptography, fastecdsa, py_ecc) side by side, per curve and operation.",
        epilog="Times are medians; ratios are each implementation's time over ectraverse's.")
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
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise ValueError(f"--json must be a writable path, not {str(path)!r} ({str(target)!r} is read-only)")


@dataclasses.dataclass
class _Settings:
    curves: tuple[str, ...]
    ops: tuple[str, ...]
    impls: tuple[str, ...]
    explicit_ops: bool
    quick: bool
    min_time: float
    repeats: int
    msm_sizes: tuple[int, ...]
    batch_sizes: dict[str, int]
    vocab_tokens: int
    vocab_repeats: int
    compose_tokens: int
    prefix_tokens: int
    engine_repeats: int
    explicit_curves: bool
    seed: int
    progress: bool
    details: bool
    json_path: Path | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> _Settings:
        base = _QUICK if args.quick else _FULL
        batch = args.batch_size
        if batch is not None and batch < 2:
            raise ValueError(f"--batch-size must be at least 2, not {batch}")
        least = max(WINDOW_LENGTH, *WINDOWS_M)
        if args.prefix_tokens is not None and args.prefix_tokens < least:
            raise ValueError(f"--prefix-tokens must be at least {least}, not {args.prefix_tokens}")
        if args.json is not None:
            _check_writable(args.json)
        return cls(
            curves=tuple(c for c in CURVES if c in args.curve) if args.curve else base["curves"],
            ops=tuple(o for o in OPS if o in args.op) if args.op else OPS,
            impls=tuple(a for a in ADAPTERS if not args.impl or a in args.impl),
            explicit_ops=bool(args.op),
            quick=args.quick,
            min_time=args.min_time or base["min_time"],
            repeats=args.repeats or base["repeats"],
            msm_sizes=tuple(sorted(set(args.msm_size))) if args.msm_size else base["msm_sizes"],
            batch_sizes={op: batch or base[op] for op in ("batch_add", "batch_mul_g", "hash_to_curve_batch")},
            vocab_tokens=args.vocab_tokens or base["vocab_tokens"],
            vocab_repeats=args.repeats or base["vocab_repeats"],
            compose_tokens=args.compose_tokens or base["compose_tokens"],
            prefix_tokens=args.prefix_tokens or base["prefix_tokens"],
            engine_repeats=args.repeats or base["engine_repeats"],
            explicit_curves=bool(args.curve),
            seed=args.seed,
            progress=not args.no_progress,
            details=args.details,
            json_path=args.json,
        )


# --------------------------------------------------------------------------
# Runner
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Task:
    impl: str
    curve: str
    op: str
    size: int | None


def _with_baselines(ops: Sequence[str]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """``ops`` plus the baselines of their goals (:data:`_BASELINE_OP`, transitively), in
    report order, and which added operation is there for which selected ones."""
    added: dict[str, list[str]] = {}
    todo = list(ops)
    while todo:
        op = todo.pop()
        base = _BASELINE_OP.get(op)
        if base is not None and base not in ops:
            if base not in added:
                todo.append(base)
            added.setdefault(base, []).append(op)
    return tuple(o for o in OPS if o in ops or o in added), added


def _plan(s: _Settings, adapters: dict[str, Adapter]) -> tuple[list[_Task], list[str]]:
    tasks, skipped = [], []
    for curve in s.curves:
        ops = s.ops
        for op in s.ops:
            for group, on in ((TOKEN_OPS, TOKEN_CURVES), (ENGINE_OPS, ENGINE_CURVES)):
                if op in group and not s.explicit_curves and curve not in on:
                    note = f"{', '.join(group)}: run on {' and '.join(on)} unless --curve names other curves"
                    if note not in skipped:
                        skipped.append(note)
                    ops = tuple(o for o in ops if o != op)
        if "ectraverse" in adapters:
            ops, added = _with_baselines(ops)
            for base, wanted in added.items():
                skipped.append(f"{base} on {curve}: timed (ectraverse only) as the baseline of the "
                               f"{' and '.join(sorted(set(wanted), key=OPS.index))} goal(s)")
        for op in ops:
            if op == "msm":
                sizes: tuple[int | None, ...] = s.msm_sizes
            elif op in s.batch_sizes:
                sizes = (s.batch_sizes[op],)
            elif op == "vocab":
                sizes = (s.vocab_tokens,)
            elif op in _BIG_ENGINE_OPS:
                sizes = (s.compose_tokens,)
            elif op == "windows":
                sizes = WINDOWS_M
            else:
                sizes = (None,)
            for size in sizes:
                for name, a in adapters.items():
                    if not a.supports(curve, op):
                        continue
                    if op not in s.ops and name != "ectraverse":
                        continue  # a baseline of an engine goal: ectraverse's own
                    if s.quick and not s.explicit_ops and a.quick_ops is not None and op not in a.quick_ops:
                        continue
                    if size is not None and a.max_size is not None and size > a.max_size:
                        note = f"{name}: {op} sizes above {a.max_size} are not run (too slow)"
                        if note not in skipped:
                            skipped.append(note)
                        continue
                    tasks.append(_Task(name, curve, op, size))
    return tasks, skipped


def _label(op: str, size: int | None) -> str:
    if op == "msm":
        return f"msm({size})"
    if op == "vocab" and size is not None:
        return f"vocab (~{size:,} tokens)"
    if op == "compose" and size is not None:
        return f"compose (~{size:,} tokens)"
    if op == "compose_chunks" and size is not None:
        return f"compose_chunks (~{size:,} tokens, {CHUNK_WORKERS} processes)"
    if op == "window":
        return f"window (length {WINDOW_LENGTH})"
    if op == "windows":
        return f"windows({size})"
    if size is not None:
        return f"{op} (n={size:,})"
    return op


def _per(op: str) -> str:
    if op == "msm":
        return "point"
    if op in ("hash_to_curve", "hash_to_curve_batch"):
        return "message"
    if op in ("vocab", "compose", "compose_chunks"):
        return "token"
    if op in ("window", "windows"):
        return "window"
    return "element" if op in BATCH_OPS else "op"


def _result_row(t: _Task, case: Case, m: Measurement, inputs: OpInputs,
                base: Measurement | None = None) -> dict[str, Any]:
    row = {
        "impl": t.impl, "curve": t.curve, "op": t.op, "size": t.size,
        "us_per_op": m.us_per_op, "ops_per_s": m.ops_per_s,
        "loops": m.loops, "repeats": m.repeats, "median_s": m.median_s, "all_s": list(m.all_s),
        "ops_per_call": case.ops_per_call, "us_per_call": m.us_per_call,
        "inputs": case.inputs, "checked": inputs.checked or case.check is not None, "per": _per(t.op),
    }
    if case.check_text is not None:
        row["check"] = case.check_text
    if t.op in ("vocab", "compose", "compose_chunks"):
        row.update(tokens=inputs.info["tokens"], distinct_tokens=inputs.info["distinct_tokens"],
                   texts=inputs.info["texts"], corpus=inputs.info["corpus"], tokens_per_s=m.ops_per_s)
    if t.op == "vocab":
        row.update(us_per_distinct_token=m.us_per_call / inputs.info["distinct_tokens"])
    row.update(case.info)
    if t.op == "compose" and base is not None:
        # the push run, per token and scaled to the compose's tokens
        row.update(compose_s=m.us_per_call / 1e6, push_run_s=base.us_per_call / 1e6, push_loops=base.loops,
                   push_all_s=list(base.all_s), push_us_per_token=base.us_per_op,
                   push_tokens_per_s=base.ops_per_s, push_scaled_s=base.us_per_op * case.ops_per_call / 1e6,
                   speedup=base.us_per_op / m.us_per_op)
    elif t.op == "compose_chunks" and base is not None:
        # compose(text) in this one process
        row.update(chunks_s=m.us_per_call / 1e6, compose_s=base.us_per_call / 1e6, compose_loops=base.loops,
                   compose_all_s=list(base.all_s), compose_us_per_token=base.us_per_op,
                   compose_tokens_per_s=base.ops_per_s, speedup=base.us_per_op / m.us_per_op)
    return row


def _run_tasks(s: _Settings, tasks: list[_Task], adapters: dict[str, Adapter],
               factory: _InputFactory, err: Console) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    show = s.progress and err.is_terminal
    progress = Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not show, transient=False)
    with progress:
        bar = progress.add_task("ectraverse bench", total=len(tasks))
        for key, group in itertools.groupby(tasks, key=lambda t: (t.curve, t.op, t.size)):
            curve, op, size = key
            progress.update(bar, description=f"inputs {curve} {_label(op, size)}")
            try:
                inputs = factory.build(curve, op, size)
            except (OSError, ValueError) as exc:  # the vocab corpus cannot be read (or decoded), or is empty
                msg = f"{type(exc).__name__}: {exc}"
                for t in group:
                    err.print(f"[red]error[/red] {t.impl} {curve} {_label(op, size)}: {msg}",
                              markup=True, highlight=False)
                    results.append({"impl": t.impl, "curve": t.curve, "op": t.op, "size": t.size,
                                    "error": msg})
                    progress.advance(bar)
                continue
            for t in group:
                progress.update(bar, description=f"{t.impl} {curve} {_label(op, size)}")
                tokens = None
                if op == "vocab" and show:
                    tokens = TokenProgress(progress, f"  tokenizing ({inputs.info['texts']} files)",
                                           inputs.info["tokens"])
                case = None
                try:
                    case = adapters[t.impl].prepare(inputs, progress=tokens)
                    got = case.probe()
                    if inputs.checked and got != inputs.expected_x():
                        raise ArithmeticError(
                            f"wrong result: x = {got!r}, expected {inputs.expected_x()!r}")
                    if case.check is not None:
                        case.check()
                    repeats = (s.vocab_repeats if op == "vocab" else
                               s.engine_repeats if op in _BIG_ENGINE_OPS else s.repeats)
                    base = None
                    if case.baseline is None:
                        m = measure(case.fn, ops_per_call=case.ops_per_call, min_time=s.min_time, repeats=repeats)
                    else:
                        progress.update(bar, description=f"{t.impl} {curve} {_label(op, size)} and its baseline")
                        m, base = measure_pair(case.fn, case.baseline, ops_per_call=case.ops_per_call,
                                               baseline_ops=case.baseline_ops, min_time=s.min_time,
                                               repeats=repeats)
                    results.append(_result_row(t, case, m, inputs, base))
                except Exception as exc:  # one failing cell must not hide the others: it is reported
                    msg = f"{type(exc).__name__}: {exc}"
                    err.print(f"[red]error[/red] {t.impl} {curve} {_label(op, size)}: {msg}",
                              markup=True, highlight=False)
                    results.append({"impl": t.impl, "curve": t.curve, "op": t.op, "size": t.size,
                                    "error": msg})
                finally:
                    if tokens is not None:
                        tokens.close()
                    if case is not None and case.close is not None:
                        case.close()
                progress.advance(bar)
            del inputs
        progress.update(bar, description="done")
    return results


# --------------------------------------------------------------------------
# Goals
# --------------------------------------------------------------------------

_ANY = -1  # matches the one measured size of a batch operation


@dataclasses.dataclass(frozen=True)
class _Goal:
    """``num``'s time / ``den``'s time ≤ ``target``; or, without ``den``, ``num``'s µs per op ≤ ``target``.

    With ``den_field``, the comparison time is that field of ``num``'s own row
    (µs per operation of a baseline timed in the same cell).
    """

    text: str
    num: tuple[str, str, str, int | None]
    den: tuple[str, str, str, int | None] | None
    target: float
    target_text: str
    den_field: str | None = None


_GOALS = (
    _Goal("secp256k1 mul vs coincurve multiply",
          ("ectraverse", "secp256k1", "mul", None), ("coincurve", "secp256k1", "mul", None), 1.5, "≤ 1.5"),
    _Goal("secp256k1 mul_g vs coincurve from_secret",
          ("ectraverse", "secp256k1", "mul_g", None), ("coincurve", "secp256k1", "mul_g", None), 1.5, "≤ 1.5"),
    _Goal("P-256 mul vs cryptography exchange",
          ("ectraverse", "P-256", "mul", None), ("cryptography", "P-256", "mul", None), 1.0, "≤ 1.0"),
    _Goal("P-384 mul vs cryptography exchange",
          ("ectraverse", "P-384", "mul", None), ("cryptography", "P-384", "mul", None), 0.5, "≤ 0.5"),
    _Goal("P-521 mul vs cryptography exchange",
          ("ectraverse", "P-521", "mul", None), ("cryptography", "P-521", "mul", None), 0.5, "≤ 0.5"),
    _Goal("BN254 mul vs py_ecc multiply",
          ("ectraverse", "BN254", "mul", None), ("py_ecc", "BN254", "mul", None), 0.2, "≤ 0.2"),
    _Goal("BLS12-381 mul vs py_ecc multiply",
          ("ectraverse", "BLS12-381", "mul", None), ("py_ecc", "BLS12-381", "mul", None), 1 / 3, "≤ 1/3"),
    _Goal("secp256k1 add vs coincurve combine_keys",
          ("ectraverse", "secp256k1", "add", None), ("coincurve", "secp256k1", "add", None), 1 / 3, "≤ 1/3"),
    _Goal("secp256k1 batch_add per element vs coincurve combine_keys",
          ("ectraverse", "secp256k1", "batch_add", _ANY), ("coincurve", "secp256k1", "add", None), 0.1, "≤ 0.1"),
    _Goal("secp256k1 msm(1024) per point vs ectraverse mul",
          ("ectraverse", "secp256k1", "msm", 1024), ("ectraverse", "secp256k1", "mul", None), 0.35, "≤ 0.35"),
    _Goal("secp256k1 hash_to_curve_batch per message",
          ("ectraverse", "secp256k1", "hash_to_curve_batch", _ANY), None, 40.0, "≤ 40 µs"),
    _Goal("P-256 hash_to_curve_batch per message",
          ("ectraverse", "P-256", "hash_to_curve_batch", _ANY), None, 40.0, "≤ 40 µs"),
    _Goal("secp256k1 hash_to_curve_batch per message vs reference hash_to_curve",
          ("ectraverse", "secp256k1", "hash_to_curve_batch", _ANY), ("reference", "secp256k1", "hash_to_curve", None),
          1 / 20, "≤ 1/20"),
    _Goal("P-256 hash_to_curve_batch per message vs reference hash_to_curve",
          ("ectraverse", "P-256", "hash_to_curve_batch", _ANY), ("reference", "P-256", "hash_to_curve", None),
          1 / 20, "≤ 1/20"),
)


def _engine_goals(curve: str) -> tuple[_Goal, ...]:
    """The goals of the engine operations on ``curve``."""
    e = "ectraverse"
    mul, window = (e, curve, "mul", None), (e, curve, "window", None)
    return (
        _Goal(f"{curve} compose per token vs Traverser.push per token", (e, curve, "compose", _ANY), None,
              1 / 50, "≤ 1/50", den_field="push_us_per_token"),
        _Goal(f"{curve} push vs ectraverse mul", (e, curve, "push", None), mul, 1.5, "≤ 1.5"),
        _Goal(f"{curve} window vs ectraverse mul", window, mul, 1.5, "≤ 1.5"),
        *(_Goal(f"{curve} windows({m}) per window vs window", (e, curve, "windows", m), window, 1 / 2, "≤ 1/2")
          for m in WINDOWS_M),
        _Goal(f"{curve} compose_chunks ({CHUNK_WORKERS} processes) vs compose in one process",
              (e, curve, "compose_chunks", _ANY), None, 1 / 1.5, "≤ 1/1.5", den_field="compose_us_per_token"),
    )


def _find(results: list[dict[str, Any]], key: tuple[str, str, str, int | None]) -> dict[str, Any] | None:
    impl, curve, op, size = key
    for r in results:
        if (r["impl"], r["curve"], r["op"]) == (impl, curve, op) and (size == _ANY or r["size"] == size) \
                and "error" not in r:
            return r
    return None


def _evaluate_goals(results: list[dict[str, Any]], curves: Sequence[str] = CURVES) -> list[dict[str, Any]]:
    """One row per goal on ``curves``: ``kind`` is ``"ratio"`` (``value`` = ``ratio`` = the
    time over the comparison's time) or ``"us_per_op"`` (``value`` = µs per operation,
    ``ratio`` None); ``status`` is pass, fail or n.a. (not measured).

    The engine goals are listed for the curves of :data:`ENGINE_CURVES` and
    for every curve with an engine operation among ``results``."""
    engine_curves = [c for c in curves
                     if c in ENGINE_CURVES or any(r["curve"] == c and r["op"] in ENGINE_OPS for r in results)]
    out = []
    for g in (*_GOALS, *(g for c in engine_curves for g in _engine_goals(c))):
        if g.num[1] not in curves:
            continue
        num = _find(results, g.num)
        den = None if g.den is None else _find(results, g.den)
        row: dict[str, Any] = {"goal": g.text,
                               "kind": "us_per_op" if g.den is None and g.den_field is None else "ratio",
                               "target": g.target, "target_text": g.target_text,
                               "value": None, "ratio": None, "status": "n.a.", "detail": ""}
        missing = [f"{k[0]} {k[1]} {_label(k[2], None if k[3] == _ANY else k[3])}"
                   for k, r in ((g.num, num), (g.den, den)) if k is not None and r is None]
        den_us = None
        if g.den_field is not None and num is not None:
            den_us = num.get(g.den_field)
            if den_us is None:
                missing.append(f"{g.den_field} of {num['impl']} {num['curve']} {_label(num['op'], num['size'])}")
        elif den is not None:
            den_us = den["us_per_op"]
        if missing:
            row["detail"] = "not measured: " + "; ".join(missing)
        elif den_us is None:
            us = num["us_per_op"]
            row.update(value=us, status="pass" if us <= g.target else "fail", detail=f"{_fmt_us(us)} per op")
        else:
            ratio = num["us_per_op"] / den_us
            speed = f"{_sig3(1 / ratio)}× faster" if ratio <= 1 else f"{_sig3(ratio)}× slower"
            row.update(value=ratio, ratio=ratio, status="pass" if ratio <= g.target else "fail",
                       detail=f"{_fmt_us(num['us_per_op'])} vs {_fmt_us(den_us)} ({speed})")
        out.append(row)
    return out


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def _sig(v: float, sig: int) -> str:
    """v with ``sig`` significant digits, in fixed-point notation."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    digits = max(0, sig - 1 - math.floor(math.log10(abs(v))))
    return f"{v:.{digits}f}"


def _sig3(v: float) -> str:
    return _sig(v, 3)


def _fmt_us(us: float, sig: int = 3) -> str:
    """A time in µs with ``sig`` significant digits, in the unit (s, ms, µs, ns) that shows it best."""
    if us >= 999_500:
        return f"{_sig(us / 1e6, sig)} s"
    if us >= 999.5:
        return f"{_sig(us / 1e3, sig)} ms"
    if us >= 0.9995:
        return f"{_sig(us, sig)} µs"
    return f"{_sig(us * 1e3, sig)} ns"


def _goal_measured(goal: dict[str, Any]) -> str:
    """A goal row's measured value, with the significant digits (at least 3) that put it on the side
    of the target its status says: a failing 0.02004 against 1/50 shows as 0.02004, not 0.0200."""
    value, target = goal["value"], goal["target"]
    if value is None:
        return "—"
    sig = 3
    while sig < 17 and math.isfinite(value) and (float(f"{value:.{sig - 1}e}") <= target) != (value <= target):
        sig += 1
    return _fmt_us(value, sig) if goal["kind"] == "us_per_op" else _sig(value, sig)


def _fmt_rate(ops: float) -> str:
    for unit, f in (("M", 1e6), ("k", 1e3)):
        if ops >= f:
            return f"{_sig3(ops / f)}{unit}/s"
    return f"{_sig3(ops)}/s"


def _meta(s: _Settings, adapters: dict[str, Adapter], unavailable: dict[str, str],
          skipped: list[str], argv: Sequence[str] | None) -> dict[str, Any]:
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
    build = None
    try:
        ec = importlib.import_module("ectraverse._ec")
    except ImportError:
        ec = None
    info = getattr(ec, "build_info", None)
    if callable(info):
        build = info()
    elif info is not None:
        build = info
    cpu_model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    argv_list = list(sys.argv[1:] if argv is None else argv)
    return {
        "tool": "ectraverse bench",
        "command": " ".join(["ectraverse bench" if argv is not None else Path(sys.argv[0]).name, *argv_list]),
        "argv": argv_list,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions,
        "ectraverse_build": build,
        "machine": {"platform": platform.platform(), "machine": platform.machine(), "cpu": cpu_model,
                    "cpu_count": os.cpu_count()},
        "method": {"timer": "time.perf_counter", "statistic": "median", "gc": "disabled while timing",
                   "min_time_s": s.min_time, "repeats": s.repeats, "seed": s.seed, "quick": s.quick,
                   "single_op_inputs": _SINGLE_INPUTS, "batch_variants": _VARIANTS,
                   "vocab_repeats": s.vocab_repeats, "hash_to_curve_dst": H2C_DST.decode("ascii"),
                   "hash_to_curve_messages": "b'token-<i>', distinct within and across the cycled input sets",
                   "vocab_corpus": "the stdlib's top-level *.py files by name, whole, tokenized by "
                                   "ectraverse.tokenizers.words",
                   "engine_repeats": s.engine_repeats,
                   "engine_text": "the vocab corpus's files joined by '\\n'; compose_chunks cuts it at "
                                  f"line boundaries into {CHUNK_WORKERS} chunks",
                   "engine_pool": f"concurrent.futures.ProcessPoolExecutor({CHUNK_WORKERS}) with the "
                                  "platform's default start method (each row's start_method), warmed by "
                                  "two untimed compose_chunks calls"},
        "selection": {"curves": list(s.curves), "ops": list(s.ops), "impls": list(s.impls),
                      "msm_sizes": list(s.msm_sizes), "batch_sizes": s.batch_sizes,
                      "vocab_tokens": s.vocab_tokens, "compose_tokens": s.compose_tokens,
                      "prefix_tokens": s.prefix_tokens},
        "unavailable": unavailable,
        "skipped": skipped,
        "notes": {name: list(a.notes) for name, a in adapters.items()},
    }


def _vocab_cell(r: dict[str, Any], details: bool) -> Text:
    t = Text(f"{_fmt_rate(r['tokens_per_s']).removesuffix('/s')} tokens/s")
    t.append(f"\n{_fmt_us(r['us_per_distinct_token'])}/distinct token")
    t.append(f"\n{r['tokens']:,} tokens, {r['distinct_tokens']:,} distinct, {_fmt_us(r['us_per_call'])} a build",
             style="dim")
    if details:
        t.append(f"\n{r['loops']} build(s) ×{r['repeats']}", style="dim")
    return t


def _speed(fast_s: float, slow_s: float) -> str:
    return f"{_sig3(slow_s / fast_s)}× faster" if fast_s <= slow_s else f"{_sig3(fast_s / slow_s)}× slower"


def _compose_cell(r: dict[str, Any], details: bool) -> Text:
    t = Text(f"{_fmt_rate(r['tokens_per_s']).removesuffix('/s')} tokens/s, {_fmt_us(r['us_per_call'])} a compose")
    if "push_scaled_s" in r:
        t.append(f"\npush: {_fmt_rate(r['push_tokens_per_s']).removesuffix('/s')} tokens/s, "
                 f"{_fmt_us(r['push_scaled_s'] * 1e6)} scaled ({_speed(r['compose_s'], r['push_scaled_s'])})")
        t.append(f"\n{r['tokens']:,} tokens; push run of {r['push_tokens']:,} in {_fmt_us(r['push_run_s'] * 1e6)}",
                 style="dim")
    if details:
        t.append(f"\n{r['loops']} compose(s) ×{r['repeats']}", style="dim")
    return t


def _chunks_cell(r: dict[str, Any], details: bool) -> Text:
    t = Text(f"{_fmt_us(r['us_per_call'])} in {r['workers']} processes")
    if "compose_s" in r:
        t.append(f"\n{_fmt_us(r['compose_s'] * 1e6)} in one ({_speed(r['chunks_s'], r['compose_s'])})")
    t.append(f"\n{r['tokens']:,} tokens, {r['chunks']} chunks, {r['start_method']}", style="dim")
    if details:
        t.append(f"\n{r['loops']} call(s) ×{r['repeats']}", style="dim")
    return t


def _cell(r: dict[str, Any] | None, base: dict[str, Any] | None, details: bool) -> Text:
    if r is None:
        return Text("—", style="dim")
    if "error" in r:
        return Text("error", style="bold red")
    if r["op"] == "vocab":
        return _vocab_cell(r, details)
    if r["op"] == "compose":
        return _compose_cell(r, details)
    if r["op"] == "compose_chunks":
        return _chunks_cell(r, details)
    t = Text(_fmt_us(r["us_per_op"]))
    if r["op"] == "msm":
        t.append("/pt")
    if r["op"] in ("window", "windows"):
        t.append("/window")
    if base is not None and base is not r and "error" not in base:
        ratio = r["us_per_op"] / base["us_per_op"]
        t.append(f" ({_sig3(ratio)}×)", style="green" if ratio >= 1 else "yellow")
    if r["op"] == "msm":
        t.append(f"\n{_fmt_us(r['us_per_call'])} total", style="dim")
    if r["op"] in ("window", "windows"):
        t.append(f"\nprefix of {r['tokens']:,} tokens", style="dim")
    if details:
        t.append(f"\n{_fmt_rate(r['ops_per_s'])}, {r['loops']}×{r['ops_per_call']} ops ×{r['repeats']}",
                 style="dim")
    return t


def _render(out: Console, meta: dict[str, Any], results: list[dict[str, Any]],
            goals: list[dict[str, Any]], s: _Settings) -> None:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    v = meta["versions"]
    head.add_row("ectraverse bench", meta["date"])
    head.add_row("python", f"{v['python']}, numpy {v['numpy']}, rich {v['rich']}")
    for name in ADAPTERS:
        if name in v:
            head.add_row(name, v[name])
    if meta["ectraverse_build"] is not None:
        head.add_row("ectraverse build", str(meta["ectraverse_build"]))
    mach = meta["machine"]
    head.add_row("machine", f"{mach['cpu']}, {mach['cpu_count']} CPUs, {mach['platform']}")
    method = meta["method"]
    head.add_row("method", f"median of {method['repeats']} repeats of ≥ {method['min_time_s']} s each "
                           f"(calibrated loops), time.perf_counter, gc off, seed {method['seed']}")
    if "vocab" in s.ops:
        n = method["vocab_repeats"]
        head.add_row("vocab", f"{'one timed build' if n == 1 else f'median of {n} timed builds'} per curve, "
                              "after one untimed calibration build (the warm-up); corpus: "
                              f"{method['vocab_corpus']}")
    if {"hash_to_curve", "hash_to_curve_batch"} & set(s.ops):
        head.add_row("hash_to_curve", f"messages {method['hash_to_curve_messages']}; "
                                      f"DST {method['hash_to_curve_dst']!r}; the curve's default RFC 9380 suite")
    if set(_BIG_ENGINE_OPS) & set(s.ops):
        head.add_row("compose", f"compose and compose_chunks: median of {method['engine_repeats']} timed calls "
                                "(about 1 s each at full size: few repeats) after untimed warm-ups (one compose; "
                                "for compose_chunks also two pool calls), then their comparison (a push run "
                                f"of the text's first {s.prefix_tokens:,} tokens, or compose in one process) "
                                f"timed the same way; text: {method['engine_text']}; pool: {method['engine_pool']}")
    if {"push", "window", "windows"} & set(s.ops):
        head.add_row("engine", f"push: 64 tokens a call; window and windows: prefix states of the text's first "
                               f"{s.prefix_tokens:,} tokens; every result checked against the engine itself "
                               "(see each row's check)")
    out.print(head)

    impls = [i for i in ADAPTERS if any(r["impl"] == i for r in results)]
    out.print()
    out.print("Median time per operation (batches: per element; msm: per point, then the whole call; "
              "hash_to_curve: per message; vocab: tokens/s and per distinct token; compose: tokens/s and "
              "the push run; compose_chunks: the whole call; window(s): per window). "
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
        for op, size in sorted(keys, key=lambda k: (OPS.index(k[0]), k[1] or 0)):
            by_impl = {r["impl"]: r for r in rows if (r["op"], r["size"]) == (op, size)}
            base = by_impl.get("ectraverse")
            table.add_row(_label(op, size), *(_cell(by_impl.get(i), base, s.details) for i in cols))
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
        out.print(f"  {line}", highlight=False, style="dim")

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
        gt.add_row(g["goal"], g["target_text"], _goal_measured(g),
                   Text(g["status"], style=style[g["status"]]), g["detail"])
    out.print()
    out.print(gt)


def _console(stderr: bool = False) -> Console:
    c = Console(stderr=stderr, highlight=False)
    if not c.is_terminal and "COLUMNS" not in os.environ:
        c = Console(stderr=stderr, highlight=False, width=140)
    return c


def run(args: argparse.Namespace, *, argv: Sequence[str] | None = None) -> int:
    """Run the benchmark described by parsed ``args``.

    Args:
        args: the namespace from :func:`build_parser` (or a parser given
            :func:`add_arguments`).
        argv: the arguments as given, recorded in the JSON metadata
            (``sys.argv`` when None).

    Returns:
        0 on success; 1 if a cell failed, a result was wrong, or nothing could
        be measured.
    """
    out, err = _console(), _console(stderr=True)
    try:
        s = _Settings.from_args(args)
    except ValueError as exc:
        err.print(f"ectraverse bench: error: {escape(str(exc))}", highlight=False)
        return 2
    adapters: dict[str, Adapter] = {}
    unavailable: dict[str, str] = {}
    for name in s.impls:
        a = ADAPTERS[name]()
        try:
            a.load()
        except ImportError as exc:
            unavailable[name] = f"{a.missing_hint} ({exc})" if name in ("ectraverse", "reference") else a.missing_hint
            continue
        adapters[name] = a
    for name, why in unavailable.items():
        err.print(f"ectraverse bench: {name}: {escape(why)}; skipped", highlight=False)

    tasks, skipped = _plan(s, adapters)
    if not tasks:
        err.print("ectraverse bench: nothing to measure: no installed implementation offers the "
                  "selected curves and operations")
        return 1
    factory = _InputFactory(_load_params(), s.seed, s.prefix_tokens)
    results = _run_tasks(s, tasks, adapters, factory, err)
    goals = _evaluate_goals(results, s.curves)
    meta = _meta(s, adapters, unavailable, skipped, argv)
    _render(out, meta, results, goals, s)
    if s.json_path is not None:
        s.json_path.write_text(json.dumps({"meta": meta, "results": results, "goals": goals}, indent=1) + "\n",
                               encoding="utf-8")
        out.print(f"\nresults written to {s.json_path}", highlight=False)
    failed = [r for r in results if "error" in r]
    if failed:
        err.print(f"ectraverse bench: {len(failed)} cell(s) failed, see above")
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse ``argv`` (``sys.argv[1:]`` when None) and run.

    Returns:
        The exit status (argparse itself exits with 2 on a bad option).
    """
    args = build_parser().parse_args(argv)
    return run(args, argv=argv)

