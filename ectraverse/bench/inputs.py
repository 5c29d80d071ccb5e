"""The inputs of every cell, made outside the timed region and shared by every implementation.

Inputs are drawn from a ``random.Random`` seeded by the seed, the curve, the
operation and the size, and made with :mod:`ectraverse.reference` (Python ints),
never with an implementation being timed. Each op of the table
(:mod:`ectraverse.bench.ops`) names one *drawer* of this module: a function
``(factory, curve, size, rng) -> Drawn`` (``curve`` the curve's
:class:`~ectraverse.curves.CurveParams`, which the reference reads).

The expected results, every point a cell's check compares (one list per input
set), are made here, once per (curve, op, size), and shared by every
implementation. The scheme, in two functions:

* :func:`multiples_of_g`: the inputs' points have known discrete logs (the
  pool's points are ``S + i*D`` for random multiples ``S``, ``D`` of ``G``), so
  every expected result of ``add``, ``double``, ``mul``, ``mul_g``,
  ``batch_add``, ``batch_mul_g`` and ``msm`` is ``e*G`` for a known ``e``: all
  of them at once by ectraverse's ``curve.multiply_generator`` (C; for
  ``batch_mul_g``, which times that call, ``e * G`` one at a time), verified
  against the reference: their sum (by ``reference.add``, which also checks
  each point is on the curve) is ``(sum of e)*G`` by one ``reference.mul``,
  and the first, the last and :data:`SAMPLES` seeded-random ones are each
  ``reference.mul(e, G)``;
* :func:`hashes`: the expected points of ``hash_to_curve``,
  ``hash_to_curve_batch`` and ``vocab`` (its generators) by ectraverse the
  other way than the cell times them (``hash_to_curve`` one message at a time
  for the batches, ``hash_to_curve_batch`` for the single op), verified
  against the reference's RFC 9380 slow path on the first, the last and
  :data:`SAMPLES` seeded-random messages.

Engine cells check a short slice of their tokens against the definition of a
context by the reference alone (:func:`reference_context`).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import sysconfig
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ectraverse import reference, rfc9380, tokenizers
from ectraverse.curves import CurveParams, named_params
from ectraverse.point import curve as ec_curve
from ectraverse.vocab import domain_tag, token_message

if TYPE_CHECKING:
    from ectraverse.bench.ops import Op

__all__ = ["CURVES", "H2C_DST", "SINGLE_INPUTS", "VARIANTS", "SAMPLES", "REFERENCE_SLICE", "WINDOW_LENGTH",
           "WINDOWS_M", "CHUNK_WORKERS", "MSM_THREADS", "DASK_WORKERS", "DASK_BLOCK_BYTES", "Drawn", "Drawer",
           "OpInputs", "InputFactory", "Points", "curve_params", "hashes", "multiples_of_g", "reference_context"]

CURVES = ("secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381")
"""Curves the benchmark knows, in report order."""

H2C_DST = b"ectraverse-bench-v1"
"""The domain-separation tag of the hash_to_curve operations."""

SINGLE_INPUTS = 64
"""Distinct inputs cycled by a single-operation cell (fewer for slow implementations)."""

VARIANTS = 2
"""Distinct input sets cycled by a batch or MSM cell."""

SAMPLES = 4
"""Seeded-random elements of a list of expected points that the reference computes too, besides the first
and the last (:func:`multiples_of_g`, :func:`hashes`)."""

REFERENCE_SLICE = 8
"""Tokens of the slice whose context an engine cell checks against the definition, by the reference
(:func:`reference_context`): a hash and a multiplication a token, so a few."""

WINDOW_LENGTH = 8
"""Length of the windows of the ``window`` operation."""

WINDOWS_M = (8, 4)
"""Window lengths of the ``windows`` operation (one row each)."""

CHUNK_WORKERS = 2
"""Chunks of the ``compose_chunks`` text, and worker processes of its pool."""

MSM_THREADS = 2
"""Threads of the ``msm_threads`` op's MSMs (``PointArray.msm_limbs(threads=)``)."""

REPEATS_M = 8
"""Window length of the ``repeats`` operation (8-grams)."""

DASK_WORKERS = (1, 2)
"""Worker processes of the ``dask`` op's two LocalClusters (one thread each)."""

DASK_BLOCK_BYTES = 8 << 20
"""The ``dask`` op reads its files in ``text_blocks`` of about this many bytes by default
(``--dask-block-bytes``), as ``ectraverse compose --scheduler`` does (``ectraverse.cli.DASK_BLOCK_BYTES``):
a block a file at the default size, 4 partitions for 4·10⁶ tokens."""

DASK_BLOCKS_MAX = 4096
"""The most blocks the ``dask`` op's files may be cut into (a smaller ``--dask-block-bytes`` is refused):
a task each, and a graph of millions of them would take minutes to build and run."""

Point = tuple[int, int]
Points = list["Point | None"]
"""Affine points, None for the identity: one input set's expected results."""


def curve_params() -> dict[str, CurveParams]:
    """The parameters of the curves of :data:`CURVES`, by name (:func:`ectraverse.curves.named_params`)."""
    return {name: named_params(name) for name in CURVES}


def _mul(c: CurveParams, k: int, A: Point) -> Point | None:
    return reference.mul(c, k % c.n, A)


_add = reference.add


def _messages(start: int, count: int) -> list[bytes]:
    """The distinct messages ``b"token-<i>"`` for ``i`` in ``[start, start + count)``."""
    return [b"token-%d" % i for i in range(start, start + count)]


def _hash(c: CurveParams, msg: bytes, dst: bytes) -> Point | None:
    """RFC 9380 ``hash_to_curve(msg, dst)`` with the curve's default suite, by the slow path."""
    suite = rfc9380.default_suite(c)
    [us] = rfc9380.field_elements(suite, c, [msg], dst)
    return reference.hash_to_curve_from_u(c, suite, us)


# ---- the expected points: the one scheme -------------------------------------------------

def _sampled(count: int, rng: random.Random) -> list[int]:
    """The indices the reference checks in a list of ``count``: the first, the last, :data:`SAMPLES` random."""
    return sorted({0, count - 1, *(rng.randrange(count) for _ in range(SAMPLES))})


def _by_set(flat: Points, shape: list[list[Any]]) -> list[Points]:
    """``flat`` cut into lists as long as those of ``shape`` (one per input set)."""
    out, at = [], 0
    for part in shape:
        out.append(flat[at:at + len(part)])
        at += len(part)
    return out


def _unlike(c: CurveParams, what: str, where: str) -> ArithmeticError:
    return ArithmeticError(f"the expected points are not trustworthy: ectraverse's {what} on {c.name}, which "
                           f"makes them, disagrees with the reference {where}")


def _verify(c: CurveParams, what: str, got: Points, want: Callable[[int], Point | None], count: int,
            rng: random.Random) -> None:
    """``got`` (ectraverse's ``what``) has ``count`` points, and its first, its last and :data:`SAMPLES` drawn
    by ``rng`` are the reference's ``want(i)``.

    Raises:
        ArithmeticError: they are not.
    """
    if len(got) != count:
        raise _unlike(c, what, f"on the count: {len(got):,} points for {count:,}")
    for i in _sampled(count, rng):
        if got[i] != want(i):
            raise _unlike(c, what, f"at element {i:,} of {count:,}")


def multiples_of_g(c: CurveParams, logs: list[list[int]], rng: random.Random, *,
                   one_at_a_time: bool = False) -> list[Points]:
    """``e*G`` for every ``e`` of ``logs`` (a list per input set): by ectraverse's ``multiply_generator``,
    all at once, or, for the cell that times that call (``one_at_a_time``), ``e * G`` one point at a time;
    verified against the reference.

    Their sum, by ``reference.add`` (which checks that each is on the curve), must be ``(sum of e)*G`` by one
    ``reference.mul``; the first, the last and :data:`SAMPLES` of them drawn by ``rng`` must each be
    ``reference.mul(e, G)``.

    Raises:
        ArithmeticError: ectraverse's points disagree with the reference.
    """
    flat = [e % c.n for part in logs for e in part]
    C = ec_curve(c.name)
    if one_at_a_time:
        what = "e * G"
        got = [None if P.is_identity else (P.x, P.y) for P in (e * C.generator for e in flat)]
    else:
        what = "multiply_generator"
        got = C.multiply_generator(flat).coordinates()
    G = reference.generator(c)
    _verify(c, what, got, lambda i: _mul(c, flat[i], G), len(flat), rng)
    if functools.reduce(functools.partial(reference.add, c), got, None) != _mul(c, sum(flat), G):
        raise _unlike(c, what, f"on the sum of its {len(flat):,} points")
    return _by_set(got, logs)


def hashes(c: CurveParams, msgs: list[list[bytes]], dst: bytes, rng: random.Random, *,
           one_at_a_time: bool) -> list[Points]:
    """RFC 9380 ``hash_to_curve(m, dst)`` for every ``m`` of ``msgs`` (a list per input set): by ectraverse
    the other way than the cells it checks time, ``hash_to_curve`` of one message at a time for the batch
    cells (``one_at_a_time``: no inversion shared between messages, so an element of a batch computed
    from the wrong message, or in the wrong place, differs) and ``hash_to_curve_batch`` of them all in one
    call for the single one; verified against the reference's slow path (:func:`_hash`) on the first, the
    last and :data:`SAMPLES` messages drawn by ``rng``.

    Raises:
        ArithmeticError: ectraverse's points disagree with the reference.
    """
    flat = [m for part in msgs for m in part]
    C = ec_curve(c.name)
    if one_at_a_time:
        what = "hash_to_curve"
        got = [None if P.is_identity else (P.x, P.y) for P in (C.hash_to_curve(m, dst) for m in flat)]
    else:
        what = "hash_to_curve_batch"
        got = C.hash_to_curve_batch(flat, dst).coordinates()
    _verify(c, what, got, lambda i: _hash(c, flat[i], dst), len(flat), rng)
    return _by_set(got, msgs)


@functools.lru_cache(maxsize=32)
def reference_context(curve: str, tokens: tuple[Any, ...], k: int) -> Point | None:
    """The point of the context of ``tokens`` under an engine of multiplier ``k`` on ``curve`` (namespace
    ``"default"``), by its definition ``S = sum of k^(L-i) * P_(u_i)`` for i = 1 .. L, with ``P_t`` the
    reference's RFC 9380 hash of ``token_message(t)`` under the DST ``domain_tag(curve)``: the reference
    alone, a hash and a multiplication a token (cached: the engine cells share their first tokens)."""
    c = named_params(curve)
    dst, L = domain_tag(curve), len(tokens)
    return reference.msm(c, [pow(k, L - 1 - i, c.n) for i in range(L)],
                         [_hash(c, token_message(t), dst) for t in tokens])


@dataclasses.dataclass(frozen=True)
class _Corpus:
    """Whole texts of the standard library's top-level ``*.py`` files, as read and tokenized."""

    texts: list[str]
    tokens: int
    distinct: int
    ranked: list[str]  # the distinct tokens, most frequent first (ties: first seen first): the vocabulary's order
    source: str

    @property
    def top(self) -> str:
        """The most frequent token (ties: the first seen), id 0 of the vocabulary."""
        return self.ranked[0]

    def info(self) -> dict[str, Any]:
        """The fields a row of an op on this corpus reports (see :attr:`OpInputs.info`)."""
        return {"tokens": self.tokens, "distinct_tokens": self.distinct, "texts": len(self.texts),
                "corpus": self.source}


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
    ranked = counts.most_common()  # sorted by count, stable: ties keep first appearance
    return _Corpus(texts, tokens, len(counts), [t for t, _ in ranked],
                   f"{root}/*.py, {len(texts)} of {len(files)} files by name")


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


class _PointPool:
    """Points S + i*D of one curve (S = s*G, D = d*G random multiples of G), grown on demand
    with ``reference.points_along`` (one inversion per chunk); their discrete logs ``s + i*d``
    are known, so a sum of multiples of them is checked with one multiplication of G."""

    def __init__(self, c: CurveParams, rng: random.Random) -> None:
        self._c = c
        G = reference.generator(c)
        self._s, self._d = rng.randrange(1, c.n), rng.randrange(1, c.n)
        self._start = _mul(c, self._s, G)
        self._step = _mul(c, self._d, G)
        self._points: list[Point] = []

    def log(self, i: int) -> int:
        """The discrete log of point i: point i is ``log(i) * G``."""
        return (self._s + i * self._d) % self._c.n

    def get(self, start: int, count: int) -> list[Point]:
        missing = start + count - len(self._points)
        if missing > 0:
            first = self._start if not self._points else _add(self._c, self._points[-1], self._step)
            self._points.extend(reference.points_along(self._c, first, self._step, missing))
        return self._points[start:start + count]


Expected = Callable[[random.Random], "list[Points]"]
"""How a drawer's expected points are made, given the rng that draws the elements the reference computes."""


@dataclasses.dataclass
class Drawn:
    """What a drawer returns: the ``items``, how to make the expected points of
    every result (``expected``, one list per input set: :func:`multiples_of_g` or
    :func:`hashes`; None: the cell checks itself), and ``info`` for the result row."""

    items: list[Any]
    expected: Expected | None = None
    info: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class OpInputs:
    """The inputs of one (curve, operation, size), shared by every implementation.

    ``items`` is what the op's drawer made (see each drawer of this module);
    points are affine ``(x, y)`` int tuples, scalars ints in ``[1, n)``.
    ``info`` holds fields for the result row: ``tokens``, ``distinct_tokens``,
    ``texts`` and ``corpus`` for the ops on the standard-library corpus,
    ``tokens`` for those on its first tokens.
    """

    curve: str
    op: str
    size: int | None
    items: list[Any]
    params: CurveParams
    _expected: Expected | None = None
    _samples: random.Random | None = None
    _cache: list[list[Points]] = dataclasses.field(default_factory=list)
    info: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def checked(self) -> bool:
        """Whether every result of its cells is compared with :meth:`expected`."""
        return self._expected is not None

    def expected(self) -> list[Points]:
        """The expected result of every input, one list per input set (a single op's: one list, a point per
        item; an MSM's: one point per set), made on the first call and kept for every implementation.

        Raises:
            ValueError: if this op's inputs come without expected results.
            ArithmeticError: ectraverse, which makes them, disagrees with the reference.
        """
        if self._expected is None:
            raise ValueError(f"no expected result is computed for {self.op}({self.size})")
        if not self._cache:
            self._cache.append(self._expected(self._samples))
        return self._cache[0]


Drawer = Callable[["InputFactory", CurveParams, "int | None", random.Random], Drawn]
"""A function that draws an op's inputs: ``(factory, curve, size, rng) -> Drawn``."""


class InputFactory:
    """Makes and caches the inputs of every cell of one run.

    Args:
        params: the curves' parameters, by name (:func:`curve_params`).
        seed: the run's ``--seed``.
        prefix_tokens: how many of the corpus text's first tokens the engine ops take.
        dask_block_bytes: about how many bytes a block of the ``dask`` op's files holds.
        compose_tokens: about how many tokens the compose text holds (``--compose-tokens``), of which the
            ``dask`` op's files are copies.
    """

    def __init__(self, params: dict[str, CurveParams], seed: int, prefix_tokens: int = 10_000,
                 dask_block_bytes: int = DASK_BLOCK_BYTES, compose_tokens: int = 1_000_000) -> None:
        self._params = params
        self._seed = seed
        self.prefix_size = prefix_tokens
        self.dask_block_bytes = dask_block_bytes
        self.compose_tokens = compose_tokens
        self._pools: dict[str, _PointPool] = {}
        self._corpora: dict[int, _Corpus] = {}
        self._prefixes: dict[int, list[str]] = {}

    def corpus(self, target: int) -> _Corpus:
        """The stdlib corpus of at least ``target`` tokens (:func:`_stdlib_corpus`), cached."""
        if target not in self._corpora:
            self._corpora[target] = _stdlib_corpus(target)
        return self._corpora[target]

    def prefix(self, count: int) -> list[str]:
        """The first ``count`` tokens (all, if fewer) of the corpus texts joined by ``"\\n"``."""
        if count not in self._prefixes:
            corpus = self.corpus(count)
            self._prefixes[count] = tokenizers.words("\n".join(corpus.texts))[:count]
        return self._prefixes[count]

    def pool(self, curve: str) -> _PointPool:
        """The point pool of ``curve``: every op on it draws its points from the same sequence."""
        if curve not in self._pools:
            self._pools[curve] = _PointPool(self._params[curve], self._rng(curve, "points"))
        return self._pools[curve]

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(["ectraverse-bench", str(self._seed), *map(str, parts)]))

    def build(self, curve: str, op: Op, size: int | None) -> OpInputs:
        """The inputs of ``op`` at ``size`` on ``curve``, made by the op's drawer (``op.inputs``).

        Raises:
            OSError: if the corpus cannot be read (ops on the corpus).
            ValueError: if it holds no tokens.
        """
        c = self._params[curve]
        drawn = op.inputs(self, c, size, self._rng(curve, op.name, size))
        return OpInputs(curve, op.name, size, drawn.items, c, drawn.expected,
                        self._rng(curve, op.name, size, "samples"), info=drawn.info)


# ---- the drawers: one per kind of input ----------------------------------------------

def _scalars(c: CurveParams, rng: random.Random, count: int) -> list[int]:
    return [rng.randrange(1, c.n) for _ in range(count)]


def point_pairs(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(P, Q), ...]``, :data:`SINGLE_INPUTS` pairs of distinct points; expected: every P + Q."""
    pool, m = f.pool(c.name), SINGLE_INPUTS
    items = list(zip(pool.get(0, m), pool.get(m, m)))
    logs = [[pool.log(i) + pool.log(m + i) for i in range(m)]]
    return Drawn(items, lambda samples: multiples_of_g(c, logs, samples))


def points(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[P, ...]``, :data:`SINGLE_INPUTS` points; expected: every P + P."""
    pool = f.pool(c.name)
    logs = [[2 * pool.log(i) for i in range(SINGLE_INPUTS)]]
    return Drawn(pool.get(0, SINGLE_INPUTS), lambda samples: multiples_of_g(c, logs, samples))


def scalar_points(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(k, P), ...]``; expected: every k*P."""
    pool = f.pool(c.name)
    items = list(zip(_scalars(c, rng, SINGLE_INPUTS), pool.get(0, SINGLE_INPUTS)))
    logs = [[k * pool.log(i) for i, (k, _) in enumerate(items)]]
    return Drawn(items, lambda samples: multiples_of_g(c, logs, samples))


def scalars(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[k, ...]``; expected: every k*G."""
    items = _scalars(c, rng, SINGLE_INPUTS)
    return Drawn(items, lambda samples: multiples_of_g(c, [items], samples))


def point_list_pairs(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(Ps, Qs), ...]``, one pair of ``size``-point lists per input set, Q_i never P_i; expected: every
    P_i + Q_i of every set."""
    assert size is not None and size >= 2
    pool, items, logs = f.pool(c.name), [], []
    for v in range(VARIANTS):
        Ps = pool.get(v * size, size)
        r = rng.randrange(1, size)  # Q_i = P_(i+r): never P_i itself
        items.append((Ps, Ps[r:] + Ps[:r]))
        logs.append([pool.log(v * size + i) + pool.log(v * size + (i + r) % size) for i in range(size)])
    return Drawn(items, lambda samples: multiples_of_g(c, logs, samples))


def scalar_lists(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[ks, ...]``, ``size`` scalars per input set; expected: every k_i*G of every set."""
    assert size is not None
    items = [_scalars(c, rng, size) for _ in range(VARIANTS)]
    return Drawn(items, lambda samples: multiples_of_g(c, items, samples, one_at_a_time=True))


def msm_terms(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(ks, Ps), ...]``, ``size`` terms per input set; expected: each set's sum of k_i*P_i, one point,
    ``(sum of k_i * log(P_i)) * G`` by the points' discrete logs."""
    assert size is not None
    pool = f.pool(c.name)
    items = [(_scalars(c, rng, size), pool.get(v * size, size)) for v in range(VARIANTS)]
    logs = [[sum(k * pool.log(v * size + i) for i, k in enumerate(ks))] for v, (ks, _) in enumerate(items)]
    return Drawn(items, lambda samples: multiples_of_g(c, logs, samples))


def messages(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[msg, ...]``, hashed with :data:`H2C_DST`; expected: every message's point."""
    items = _messages(0, SINGLE_INPUTS)
    return Drawn(items, lambda samples: hashes(c, [items], H2C_DST, samples, one_at_a_time=False))


def message_lists(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[msgs, ...]``, ``size`` messages per input set, distinct across sets; expected: every message's point."""
    assert size is not None
    items = [_messages(v * size, size) for v in range(VARIANTS)]
    return Drawn(items, lambda samples: hashes(c, items, H2C_DST, samples, one_at_a_time=True))


def corpus_texts(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """The texts (str) of the corpus of ``size`` tokens; expected: the generator of every distinct token, in
    the vocabulary's order (most frequent first), hashed under the vocabulary's DST."""
    assert size is not None
    corpus = f.corpus(size)
    msgs = [[token_message(t) for t in corpus.ranked]]
    return Drawn(corpus.texts, lambda samples: hashes(c, msgs, domain_tag(c.name), samples, one_at_a_time=True),
                 corpus.info())


def compose_text(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[text, prefix]``: the corpus texts joined by ``"\\n"`` and its first tokens (the push run)."""
    assert size is not None
    corpus = f.corpus(size)
    return Drawn(["\n".join(corpus.texts), f.prefix(min(f.prefix_size, corpus.tokens))], info=corpus.info())


def text_chunks(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """That text cut at line boundaries into :data:`CHUNK_WORKERS` str chunks (``"".join`` is the text)."""
    assert size is not None
    corpus = f.corpus(size)
    return Drawn(_split_at_lines("\n".join(corpus.texts), CHUNK_WORKERS), info=corpus.info())


def dask_text(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[text, copies]``: the compose text (the corpus of about ``--compose-tokens`` tokens, its files joined
    by ``"\\n"``; for a ``size`` below that, its first files, about ``size`` tokens) and how many copies of it,
    one file each, make about ``size`` tokens (info: also ``block_bytes``, the files' blocks' size)."""
    assert size is not None
    corpus = f.corpus(min(size, f.compose_tokens))
    copies = max(1, round(size / corpus.tokens))
    text = "\n".join(corpus.texts)
    blocks = copies * -(-len(text.encode("utf-8")) // f.dask_block_bytes)
    if blocks > DASK_BLOCKS_MAX:
        raise ValueError(f"--dask-block-bytes {f.dask_block_bytes:,} cuts the dask op's {copies:,} file(s) into about "
                         f"{blocks:,} blocks, more than {DASK_BLOCKS_MAX:,}: give a larger size")
    info = {**corpus.info(), "tokens": corpus.tokens * copies, "copies": copies, "block_bytes": f.dask_block_bytes,
            "corpus": f"{corpus.source}, {copies} cop{'y' if copies == 1 else 'ies'}"}
    return Drawn([text, copies], info=info)


def prefix_tokens(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """The list of the first ``prefix_tokens`` tokens of that text."""
    items = f.prefix(f.prefix_size)
    return Drawn(items, info={"tokens": len(items)})
