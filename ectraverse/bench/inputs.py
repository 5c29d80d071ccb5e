"""The inputs of every cell, made outside the timed region and shared by every implementation.

Inputs are drawn from a ``random.Random`` seeded by the seed, the curve, the
operation and the size, and made and checked with :mod:`ectraverse.reference`
(Python ints), never with an implementation being timed. Each op of the table
(:mod:`ectraverse.bench.ops`) names one *drawer* of this module: a function
``(factory, curve, size, rng) -> Drawn`` (``curve`` the curve's
:class:`~ectraverse.curves.CurveParams`, which the reference reads).
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
from ectraverse.vocab import domain_tag, token_message

if TYPE_CHECKING:
    from ectraverse.bench.ops import Op

__all__ = ["CURVES", "H2C_DST", "SINGLE_INPUTS", "VARIANTS", "WINDOW_LENGTH", "WINDOWS_M",
           "CHUNK_WORKERS", "MSM_THREADS", "DASK_WORKERS", "DASK_BLOCK_BYTES", "Drawn", "Drawer", "OpInputs",
           "InputFactory", "curve_params", "x_of"]

CURVES = ("secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381")
"""Curves the benchmark knows, in report order."""

H2C_DST = b"ectraverse-bench-v1"
"""The domain-separation tag of the hash_to_curve operations."""

SINGLE_INPUTS = 64
"""Distinct inputs cycled by a single-operation cell (fewer for slow implementations)."""

VARIANTS = 2
"""Distinct input sets cycled by a batch or MSM cell."""

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


def curve_params() -> dict[str, CurveParams]:
    """The parameters of the curves of :data:`CURVES`, by name (:func:`ectraverse.curves.named_params`)."""
    return {name: named_params(name) for name in CURVES}


def _mul(c: CurveParams, k: int, A: Point) -> Point | None:
    return reference.mul(c, k % c.n, A)


_add = reference.add


def x_of(P: Point | None) -> int | None:
    """The x-coordinate of an affine point, None for the identity."""
    return None if P is None else P[0]


def _messages(start: int, count: int) -> list[bytes]:
    """The distinct messages ``b"token-<i>"`` for ``i`` in ``[start, start + count)``."""
    return [b"token-%d" % i for i in range(start, start + count)]


def _hash(c: CurveParams, msg: bytes, dst: bytes) -> Point | None:
    """RFC 9380 ``hash_to_curve(msg, dst)`` with the curve's default suite, by the slow path."""
    suite = rfc9380.default_suite(c)
    [us] = rfc9380.field_elements(suite, c, [msg], dst)
    return reference.hash_to_curve_from_u(c, suite, us)


def _hash_x(c: CurveParams, msg: bytes, dst: bytes) -> int | None:
    """x of :func:`_hash`."""
    return x_of(_hash(c, msg, dst))


@dataclasses.dataclass(frozen=True)
class _Corpus:
    """Whole texts of the standard library's top-level ``*.py`` files, as read and tokenized."""

    texts: list[str]
    tokens: int
    distinct: int
    top: str | int  # the most frequent token (ties: the first seen), id 0 of the vocabulary
    last: str | int  # the least frequent token (ties: the last seen), the vocabulary's last id
    source: str

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
    return _Corpus(texts, tokens, len(counts), ranked[0][0], ranked[-1][0],
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


@dataclasses.dataclass
class Drawn:
    """What a drawer returns: the ``items``, how to compute the x-coordinate of
    the first result, a batch's sum (``expected``; None: the cell checks itself,
    or is not checked), and ``info`` for the result row."""

    items: list[Any]
    expected: Callable[[], int | None] | None = None
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
    _expected: Callable[[], int | None] | None = None
    _cache: list[int | None] = dataclasses.field(default_factory=list)
    info: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def checked(self) -> bool:
        """Whether the first result is checked against :meth:`expected_x`."""
        return self._expected is not None

    def expected_x(self) -> int | None:
        """x-coordinate of the first result (None for the identity).

        Raises:
            ValueError: if this op's inputs come without an expected result.
        """
        if self._expected is None:
            raise ValueError(f"no expected result is computed for {self.op}({self.size})")
        if not self._cache:
            self._cache.append(self._expected())
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
    """

    def __init__(self, params: dict[str, CurveParams], seed: int, prefix_tokens: int = 10_000,
                 dask_block_bytes: int = DASK_BLOCK_BYTES) -> None:
        self._params = params
        self._seed = seed
        self.prefix_size = prefix_tokens
        self.dask_block_bytes = dask_block_bytes
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
        return OpInputs(curve, op.name, size, drawn.items, c, drawn.expected, info=drawn.info)


# ---- the drawers: one per kind of input ----------------------------------------------

def _scalars(c: CurveParams, rng: random.Random, count: int) -> list[int]:
    return [rng.randrange(1, c.n) for _ in range(count)]


def point_pairs(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(P, Q), ...]``, :data:`SINGLE_INPUTS` pairs of distinct points; checked: x of P + Q."""
    pool, m = f.pool(c.name), SINGLE_INPUTS
    items = list(zip(pool.get(0, m), pool.get(m, m)))
    return Drawn(items, lambda: x_of(_add(c, *items[0])))


def points(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[P, ...]``, :data:`SINGLE_INPUTS` points; checked: x of P + P."""
    items = f.pool(c.name).get(0, SINGLE_INPUTS)
    return Drawn(items, lambda: x_of(_add(c, items[0], items[0])))


def scalar_points(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(k, P), ...]``; checked: x of k*P."""
    items = list(zip(_scalars(c, rng, SINGLE_INPUTS), f.pool(c.name).get(0, SINGLE_INPUTS)))
    return Drawn(items, lambda: x_of(_mul(c, *items[0])))


def scalars(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[k, ...]``; checked: x of k*G."""
    items = _scalars(c, rng, SINGLE_INPUTS)
    return Drawn(items, lambda: x_of(_mul(c, items[0], reference.generator(c))))


def _times_g(c: CurveParams, e: int) -> int | None:
    """x of e*G, by the reference."""
    return x_of(_mul(c, e % c.n, reference.generator(c)))


def point_list_pairs(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(Ps, Qs), ...]``, one pair of ``size``-point lists per variant, Q_i never P_i; checked: x of the sum
    of every P_i + Q_i of the first variant (by the points' discrete logs: one multiplication of G)."""
    assert size is not None and size >= 2
    pool, items = f.pool(c.name), []
    for v in range(VARIANTS):
        Ps = pool.get(v * size, size)
        r = rng.randrange(1, size)  # Q_i = P_(i+r): never P_i itself
        items.append((Ps, Ps[r:] + Ps[:r]))
    # Q_i is point (i + r) mod size of the variant's points: the logs of the Qs are the Ps' again
    return Drawn(items, lambda: _times_g(c, 2 * sum(pool.log(i) for i in range(size))))


def scalar_lists(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[ks, ...]``, ``size`` scalars per variant; checked: x of the sum of every k_i*G of the first variant."""
    assert size is not None
    items = [_scalars(c, rng, size) for _ in range(VARIANTS)]
    return Drawn(items, lambda: _times_g(c, sum(items[0])))


def msm_terms(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[(ks, Ps), ...]``, ``size`` terms per variant; checked at every size: x of the first variant's sum,
    ``(sum of k_i * log(P_i)) * G`` by the points' discrete logs (one multiplication of G)."""
    assert size is not None
    pool = f.pool(c.name)
    items = [(_scalars(c, rng, size), pool.get(v * size, size)) for v in range(VARIANTS)]
    return Drawn(items, lambda: _times_g(c, sum(k * pool.log(i) for i, k in enumerate(items[0][0]))))


def messages(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[msg, ...]``, hashed with :data:`H2C_DST`; checked: x of the first message's point."""
    items = _messages(0, SINGLE_INPUTS)
    return Drawn(items, lambda: _hash_x(c, items[0], H2C_DST))


def message_lists(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """``[msgs, ...]``, ``size`` messages per variant, distinct across variants; checked: x of the sum of the
    first variant's first and last points (the slow path is too slow for all of them: a batch cut short
    misses its last)."""
    assert size is not None
    items = [_messages(v * size, size) for v in range(VARIANTS)]
    ends = [items[0][0]] + ([items[0][-1]] if size > 1 else [])
    return Drawn(items, lambda: x_of(functools.reduce(lambda a, m: _add(c, a, _hash(c, m, H2C_DST)), ends, None)))


def corpus_texts(f: InputFactory, c: CurveParams, size: int | None, rng: random.Random) -> Drawn:
    """The texts (str) of the corpus of ``size`` tokens; checked: the sum of the generators of its most and
    least frequent tokens, the vocabulary's first and last (the slow path is too slow for all of them)."""
    assert size is not None
    corpus = f.corpus(size)

    def expected() -> int | None:
        dst = domain_tag(c.name)
        ends = [corpus.top] + ([corpus.last] if corpus.distinct > 1 else [])
        return x_of(functools.reduce(lambda a, t: _add(c, a, _hash(c, token_message(t), dst)), ends, None))

    return Drawn(corpus.texts, expected, corpus.info())


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
    """``[text, copies]``: the corpus text (the stdlib files joined by ``"\\n"``, at most all of them) and how
    many copies of it, one file each, make about ``size`` tokens (info: also ``block_bytes``, the files'
    blocks' size)."""
    assert size is not None
    corpus = f.corpus(size)
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
