"""The traversal engine: prefix states, windows, chunked composition, the
streaming traverser, the window index and the multiplier.

* ``prefixes(x)[i]`` is ``C(x[:i])``; ``window(i, j)`` equals ``C(x[i:j])`` for
  every ``i <= j`` of short inputs, and ``windows(m)`` equals composing every
  slice of length m, for every m (hypothesis, on secp256k1, P-256, toy61 and
  toy-plot, small and large vocabularies);
* ``compose_chunks`` equals ``compose`` for random chunkings, empty chunks
  included, serially and once through a two-process pool;
* the traverser agrees with the batch composition on 5,000 tokens of real text
  (push, push_many, pop, undo, checkpoint, restore), and against a list model
  on random operation sequences;
* with history off, memory does not grow over 10^6 pushes (tracemalloc); with
  history on, it does;
* ``WindowIndex.find`` and ``repeats`` against a brute-force scan of a few
  hundred tokens of real text;
* the multiplier: no small multiplicative order (checked without the code's
  own order test), keyed and unkeyed engines differ, a key fixes the engine,
  toy curves get k of order > (n - 1)/4 (exact orders by brute force);
* every error path of the engine, the prefix states, the traverser and the index.

"Real text" is the standard library's top-level ``*.py`` files, sorted by name
and tokenized with ``ectraverse.tokenizers.words``.  This module runs in about
40 s, most of it the 10^6 traced pushes.
"""

from __future__ import annotations

import functools
import itertools
import math
import pathlib
import pickle
import sysconfig
import tracemalloc
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import reference, rfc9380, tokenizers, traverse
from ectraverse.traverse import ContextBatch, Traversal, derive_multiplier
from ectraverse.vocab import Vocabulary, int_token_array
from strategies import LARGE_VOCAB, SMALL_VOCAB, VOCABS, engine

CURVES = ["secp256k1", "P-256", "toy61", "toy-plot"]
TOYS = ["toy-a0", "toy-b0", "toy-h4", "toy-plot"]




def seqs(vocab: str, min_size: int = 0, max_size: int = 12):
    return st.lists(VOCABS[vocab], min_size=min_size, max_size=max_size)


@functools.cache
def stdlib_tokens(count: int) -> tuple:
    """The first ``count`` tokens of the stdlib's top-level *.py files, sorted by name."""
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    out: list = []
    for f in sorted(root.glob("*.py"), key=lambda f: f.name):
        out.extend(tokenizers.words(f.read_text(encoding="utf-8")))
        if len(out) >= count:
            return tuple(out[:count])
    raise AssertionError(f"the stdlib's top-level *.py files hold only {len(out)} tokens")  # pragma: no cover


# ---- prefix states and windows ----------------------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_prefix_states_and_every_window(name, vocab, data):
    eng = engine(name)
    x = data.draw(seqs(vocab, max_size=9))
    L = len(x)
    P = eng.prefixes(x)
    assert len(P) == L + 1 and P.tokens_length == L
    for i in range(L + 1):
        assert P[i] == eng.compose(x[:i])
        assert P[i].length == i
    assert P[-1] == eng.compose(x) and P[-(L + 1)] == eng.identity
    for i in range(L + 1):
        for j in range(i, L + 1):
            w = P.window(i, j)
            assert w == eng.compose(x[i:j]), (i, j)
            assert w == P[i].inverse() * P[j]


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_windows_of_every_length(name, vocab, data):
    eng = engine(name)
    x = data.draw(seqs(vocab, min_size=1, max_size=14))
    L = len(x)
    P = eng.prefixes(x)
    for m in range(1, L + 1):
        W = P.windows(m)
        assert isinstance(W, ContextBatch)
        assert len(W) == L - m + 1 and W.length == m and len(W.points) == L - m + 1
        expected = [eng.compose(x[i : i + m]) for i in range(L - m + 1)]
        assert list(W) == expected
        assert [W[i] for i in range(len(W))] == expected
        assert all(c.length == m for c in W)


def test_a_window_batch_index_out_of_range_names_the_batch():
    W = engine("toy61").prefixes("a b c d e").windows(2)
    assert W[-4] == W[0] and W[3] == W[-1]
    for i in (4, -5):
        with pytest.raises(IndexError, match=f"ContextBatch index {i} out of range for 4 contexts"):
            W[i]  # noqa: B018


def test_windows_on_a_toy_curve_with_identity_generators():
    """On toy-plot (n = 47) some tokens hash to the identity; windows must still be right."""
    eng = engine("toy-plot")
    V = eng.vocabulary
    zero = next(t for t in range(10_000) if V.generator(t).is_identity)
    x = [1, zero, 2, zero, zero, 3, 1, zero]
    P = eng.prefixes(x)
    for m in range(1, len(x) + 1):
        assert list(P.windows(m)) == [eng.compose(x[i : i + m]) for i in range(len(x) - m + 1)]
    assert eng.index(x, 3).find([zero]) == [1, 3, 4, 7]


@pytest.mark.parametrize("method", ["tables", "prefix"])
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_both_windows_methods(name, method, data):
    """windows(m) picks per-token tables or [i + m] - k^m [i] by cost; force each one."""
    cost = 0 if method == "tables" else math.inf
    eng = engine(name)
    x = data.draw(seqs("large", min_size=1, max_size=12))
    P = eng.prefixes(x)
    with mock.patch.object(traverse, "_tables_cost", lambda *args: cost):
        for m in range(1, len(x) + 1):
            assert list(P.windows(m)) == [P.window(i, i + m) for i in range(len(x) - m + 1)]


@pytest.mark.parametrize("block", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("name", ["secp256k1", "P-384", "toy-plot"])
@given(data=st.data())
def test_prefix_states_kept_in_blocks(name, block, data):
    """Prefix states kept as block starts plus running block sums, for each block size B, from the
    identity or after a start context (``start=``, as Dask's prefixes take a partition's): every
    prefix is the start's tokens then the first i tokens, the batched read agrees, and every window
    and windows(m) by both methods equal composing the tokens."""
    eng = engine(name)
    before = data.draw(seqs("large", max_size=4))
    x = data.draw(seqs("large", max_size=3 * block + 2))
    L = len(x)
    with mock.patch.object(traverse, "_BLOCK_SIZES", (block,)):
        P = traverse.PrefixStates(eng, eng._ids(x), start=eng.compose(before)) if before else eng.prefixes(x)
    assert P._block == block and len(P) == L + 1
    for i in range(L + 1):
        assert P[i] == eng.compose(before + x[:i])
    many = list(range(L + 1)) + list(range(L, -1, -2))  # every prefix, and some twice, out of order
    assert list(P._points(many)) == [P[i].point for i in many]  # the batched read of Dask's prefixes
    for i in range(L + 1):
        for j in range(i, L + 1):
            assert P.window(i, j) == eng.compose(x[i:j]), (i, j)
    for cost in (0, math.inf):
        with mock.patch.object(traverse, "_tables_cost", lambda *args: cost):
            for m in range(1, L + 1):
                assert list(P.windows(m)) == [eng.compose(x[i : i + m]) for i in range(L - m + 1)]


def test_prefix_states_refuse_a_start_of_another_engine():
    eng, other = engine("secp256k1"), engine("secp256k1", namespace="other")
    with pytest.raises(ect.ContextMismatchError, match="belongs to another engine"):
        traverse.PrefixStates(eng, eng._ids(["a"]), start=other.compose(["a"]))


def test_power_tables_deepen_and_grow_exactly():
    """The engine's kept tables k^e P_t: asked for more tokens and deeper, every row stays exact."""
    eng = Traversal("secp256k1", namespace="power tables")
    V, g = eng.vocabulary, eng.group
    tables = eng._power_tables
    first = np.array(V.ids(["a", "b", "c"]))
    tables.get(first, 2)
    more = np.array(V.ids(["c", "d", "e", "f"]))
    got, rows = tables.get(more, 5)
    assert tables.kept == 6 and tables.depth == 5
    for t, row in zip(more, rows):
        for e in range(5):
            assert got[e][int(row)] == g._power(e) * V.generators[int(t)]
    assert tables.missing(np.array(V.ids(["a", "zebra"]))) == 1
    with pytest.raises(ValueError, match=r"table depth must be in \[1, 32\], not 33"):
        tables.get(first, 33)


def test_prefix_states_deepen_the_tables_when_calls_repeat():
    """Rent or buy: the first call picks shallow tables for itself; calls again on the same tokens
    add what deeper tables would have saved to a credit, which pays for deepening them to the
    deepest within a few calls; every call's states stay exact."""
    eng = Traversal("secp256k1", namespace="rent or buy")
    x = list(stdlib_tokens(3000))
    blocks, credits = [], []
    for _ in range(12):
        P = eng.prefixes(x)
        blocks.append(P._block)
        credits.append(eng._power_tables._credit)
        if P._block == traverse._BLOCK_SIZES[-1]:
            break
    assert 1 < blocks[0] < traverse._BLOCK_SIZES[-1] and blocks[-1] == traverse._BLOCK_SIZES[-1], blocks
    assert blocks == sorted(blocks) and credits[-1] == 0 and credits[-2] > credits[0] > 0
    assert eng._power_tables.depth == traverse._BLOCK_SIZES[-1]
    for i in (0, 1, 31, 32, 33, 1500, 2999, 3000):
        assert P[i] == eng.compose(x[:i])
    assert P.window(7, 2990) == eng.compose(x[7:2990]) and P.window(40, 50) == eng.compose(x[40:50])


def test_windows_cost_model_picks_by_repetition():
    assert traverse._tables_cost(10_000, 1_100, 0, 0, 8) < traverse._prefix_cost(10_000, 8)
    assert traverse._tables_cost(10_000, 9_000, 0, 0, 8) > traverse._prefix_cost(10_000, 8)
    # tables already kept cost nothing more
    assert traverse._tables_cost(10_000, 0, 9_000, 8, 8) < traverse._prefix_cost(10_000, 8)


def test_prefix_states_cost_model_picks_blocks_for_long_text():
    costs = {B: traverse._prefix_states_cost(100_000, 5_000, 0, 0, B) for B in traverse._BLOCK_SIZES}
    assert min(costs, key=costs.get) > 1
    assert min(traverse._BLOCK_SIZES, key=lambda B: traverse._prefix_states_cost(3, 3, 0, 0, B)) == 1


def test_windows_of_real_text_match_prefix_windows():
    eng = engine("secp256k1")
    x = list(stdlib_tokens(300))
    P = eng.prefixes(x)
    for m in (1, 2, 5, 17, 64):
        W = P.windows(m)
        assert len(W) == 301 - m
        for i in (0, 1, 150 - m // 2, 299 - m, 300 - m):
            assert W[i] == P.window(i, i + m) == eng.compose(x[i : i + m])


# ---- chunks ----------------------------------------------------------------------------------


def chunkings(draw, x):
    """x cut at random places (repeated cuts give empty chunks), plus empty chunks at the ends."""
    cuts = sorted(draw(st.lists(st.integers(0, len(x)), max_size=8)))
    bounds = [0, *cuts, len(x)]
    chunks = [x[a:b] for a, b in itertools.pairwise(bounds)]
    if draw(st.booleans()):
        chunks = [[], *chunks, []]
    return chunks


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_compose_chunks_equals_compose(name, vocab, data):
    eng = engine(name)
    x = data.draw(seqs(vocab, max_size=20))
    chunks = chunkings(data.draw, x)
    assert sum(map(len, chunks)) == len(x)
    assert eng.compose_chunks(chunks) == eng.compose(x)
    assert eng.compose_chunks(iter(chunks)) == eng.compose(x)


def test_compose_chunks_edge_cases():
    eng = engine("secp256k1")
    assert eng.compose_chunks([]) == eng.identity
    assert eng.compose_chunks([[], [], ""]) == eng.identity
    assert eng.compose_chunks(["the cat", "", "sat on", "the mat"]) == eng.compose("the cat sat on the mat")
    assert eng.compose_chunks([["a"]] * 7) == eng.compose(["a"] * 7)


def test_compose_chunks_refuses_what_is_not_chunks_in_order():
    eng = engine("toy61")
    for bad, why in (("the cat", "it is not a sequence of chunks"), (b"ab", "it is not a sequence of chunks"),
                     ({"a b", "c d"}, "a set has no order"), (frozenset(["a"]), "a set has no order"),
                     ({"a": 1}, "it is not a sequence of chunks"), (eng.compose("a"), "it is not a sequence"),
                     (5, "it is not a sequence of chunks")):
        with pytest.raises(TypeError, match=f"chunks must be an iterable of chunks .* not a {type(bad).__name__} "
                                            f"\\({why}"):
            eng.compose_chunks(bad)
    for bad in (5, "pool", object()):
        with pytest.raises(TypeError, match=f"executor must be a concurrent.futures.Executor or None, not "
                                            f"{type(bad).__name__}"):
            eng.compose_chunks(["a", "b"], executor=bad)
    assert eng.compose_chunks(("a b", "c")) == eng.compose_chunks(c for c in ["a b", "c"]) == eng.compose("a b c")


def test_compose_chunks_with_an_executor_names_a_tokenizer_that_does_not_pickle():
    def nested(s):
        return s.split()

    for tok in (lambda s: s.split(), nested):
        eng = Traversal("secp256k1", tokenizer=tok, tokenizer_name="split")
        assert eng.compose_chunks(["a b\n", "c"]) == eng.compose("a b\nc")  # no executor: nothing to send
        with ThreadPoolExecutor(2) as pool, pytest.raises(TypeError, match="tokenizer 'split' does not .*lambda"):
            eng.compose_chunks(["a b\n", "c"], pool)


def test_compose_chunks_with_a_process_pool():
    eng = Traversal("secp256k1", namespace="pool", key=b"pool key")
    x = list(stdlib_tokens(400))
    chunks = [x[:0], x[:90], x[90:91], [], x[91:250], x[250:]]
    with ProcessPoolExecutor(2) as pool:
        got = eng.compose_chunks(chunks, executor=pool)
    assert got == eng.compose(x)
    assert got.length == 400


def test_compose_chunks_with_a_thread_pool_and_an_open_vocabulary():
    """Threads share one process: each composes on its own copy of the engine,
    so the vocabulary never grows from two threads at once."""
    eng = engine("secp256k1")
    x = list(stdlib_tokens(3000))
    chunks = [x[i:i + 150] for i in range(0, len(x), 150)]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(2):  # the second round reuses the threads' copies
            assert eng.compose_chunks(chunks, executor=pool) == eng.compose(x)


def test_compose_chunk_workers_see_the_vocabulary_frozen():
    """Freezing changes the engine's pickle though no token was added: a worker that kept the open copy
    gets the frozen one, and a chunk's unseen token is refused there as compose refuses it."""
    eng = Traversal("secp256k1", namespace="freeze")
    eng.compose("a b")
    with ThreadPoolExecutor(1) as pool:
        assert eng.compose_chunks(["a ", "b"], executor=pool) == eng.compose("a b")
        eng.vocabulary.freeze()
        for chunks in (["a zebra"], ["a ", "zebra"]):  # points (only the worker's copy can refuse), coefficients
            with pytest.raises(ect.UnknownTokenError, match="'zebra' is not in the frozen vocabulary"):
                eng.compose_chunks(chunks, executor=pool)


def test_compose_chunk_workers_keep_their_engine_while_it_is_unchanged():
    """A worker holds the engine of one digest: a chunk with the digest alone is composed on it, or
    answered None (send the pickle) when the worker holds another engine."""
    eng = Traversal("P-256", namespace="chunks")
    digest, blob, shared = eng._pickled()
    assert eng._pickled() == (digest, blob, shared) and shared == len(eng.vocabulary)  # kept while unchanged
    assert eng.group.context(*traverse._chunk_task("points", digest, blob, "a b c")) == eng.compose("a b c")
    kept = traverse._chunk_worker.engine[1]
    assert eng.group.context(*traverse._chunk_task("points", digest, None, "d e")) == eng.compose("d e")
    assert traverse._chunk_worker.engine[1] is kept
    assert eng._pickled()[0] != digest  # "d e" grew the vocabulary: a new pickle
    other = Traversal("P-256", namespace="other")
    assert traverse._chunk_task("points", other._pickled()[0], None, "a") is None
    traverse._chunk_task("points", *other._pickled()[:2], "a")
    assert traverse._chunk_worker.engine[1] is not kept


def test_compose_chunks_sends_the_engine_once_per_worker(monkeypatch):
    """The first call's chunks go with the digest alone, come back None, and go again with the
    pickle; the next call's are composed on the worker's kept copy, the pickle not sent."""
    eng = engine("secp256k1")
    lines = [f"line {i} of the text\n" for i in range(4)]
    eng.compose("".join(lines))  # the vocabulary holds every token: the pickle stays the same
    sent = []
    submit = ThreadPoolExecutor.submit

    def spy(self, fn, *args):
        sent.append(args[2] is not None)
        return submit(self, fn, *args)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", spy)
    with ThreadPoolExecutor(1) as pool:
        assert eng.compose_chunks(lines, executor=pool) == eng.compose("".join(lines))
        assert sent == [False] * 4 + [True] * 4  # no worker held the engine: every chunk again, with it
        sent.clear()
        assert eng.compose_chunks(lines, executor=pool) == eng.compose("".join(lines))
        assert sent == [False] * 4


# ---- the traverser -----------------------------------------------------------------------------


def test_streaming_agrees_with_batch_on_5000_tokens():
    eng = engine("secp256k1")
    x = list(stdlib_tokens(5000))
    P = eng.prefixes(x)
    whole = eng.compose(x)
    assert P[-1] == whole

    tr = eng.traverser(history=True)
    for i, t in enumerate(x, start=1):
        s = tr.push(t)
        assert s == tr.state == P[i]
    assert len(tr) == 5000 and tr.state == whole

    # pop back to 3000 tokens, exactly; then undo to 2000
    for i in range(5000, 3000, -1):
        assert tr.pop(x[i - 1]) == P[i - 1]
    for i in range(3000, 2000, -1):
        assert tr.undo() == P[i - 1]
    mark = tr.checkpoint()
    assert mark == P[2000]

    # push_many in uneven chunks (token lists) reaches the same state
    for a, b in itertools.pairwise([2000, 2001, 2500, 2500, 4321, 5000]):
        assert tr.push_many(x[a:b]) == P[b]
    assert tr.state == whole
    for _ in range(3000):  # push_many extends the history: undo walks back token by token
        tr.undo()
    assert tr.state == P[2000] == mark

    # restore jumps and clears the history
    tr.push_many(x[2000:2100])
    assert tr.restore(mark) == mark == tr.state
    with pytest.raises(IndexError, match="nothing to undo"):
        tr.undo()

    # without history: push_many of a str tokenizes it
    plain = eng.traverser()
    plain.push_many(x[:1234])
    plain.push_many(" ".join(map(str, x[1234:])))  # identifiers and punctuation re-tokenize the same
    assert plain.state == eng.compose(x[:1234] + tokenizers.words(" ".join(map(str, x[1234:]))))


@pytest.mark.parametrize("name", ["secp256k1", "toy61", "toy-plot"])
@given(data=st.data())
def test_traverser_against_a_list_model(name, data):
    """Random push / push_many / pop / undo / checkpoint / restore against a model list."""
    eng = engine(name)
    tr = eng.traverser(history=True)
    model: list = []  # the sequence the state stands for
    hist: list = []  # what undo can undo: always a suffix of model
    saved = (eng.identity, [])
    for _ in range(data.draw(st.integers(1, 25))):
        op = data.draw(st.sampled_from(["push", "push_many", "pop", "undo", "checkpoint", "restore"]))
        if op == "push":
            t = data.draw(SMALL_VOCAB | LARGE_VOCAB)
            tr.push(t)
            model.append(t)
            hist.append(t)
        elif op == "push_many":
            ts = data.draw(seqs("small", max_size=5))
            tr.push_many(ts)
            model += ts
            hist += ts
        elif op == "pop" and model:
            tr.pop(model[-1])
            model.pop()
            if hist:
                hist.pop()
        elif op == "undo":
            if hist:
                tr.undo()
                assert hist.pop() == model.pop()
            else:
                with pytest.raises(IndexError, match="nothing to undo"):
                    tr.undo()
        elif op == "checkpoint":
            saved = (tr.checkpoint(), list(model))
        elif op == "restore":
            tr.restore(saved[0])
            model, hist = list(saved[1]), []
        assert tr.state == eng.compose(model)
        assert len(tr) == len(model)


def test_pop_is_the_inverse_of_push():
    eng = engine("secp256k1")
    tr = eng.traverser()
    before = tr.push_many("x y z")
    tr.push("w")
    assert tr.pop("w") == before
    # popping what was not pushed is still the group operation: (S - P_t) / k
    tr.pop("q")
    assert tr.state == eng.compose("x y z") * eng.token_context("q").inverse()
    assert eng.traverser().pop("a") == eng.token_context("a").inverse()


def test_restore_accepts_any_context_of_the_engine():
    eng = engine("toy61")
    tr = eng.traverser(history=True)
    c = eng.compose("from another place")
    assert tr.restore(c) == c and tr.state == c
    tr.push("now")
    assert tr.state == eng.compose("from another place now")
    assert tr.undo() == c


def test_push_many_of_an_array_keeps_the_history():
    """An int array is composed in one call; with a history, each of its tokens is still a step to undo."""
    eng = engine("secp256k1")
    tr = eng.traverser(history=True)
    tr.push_many(np.array([5, 6, 7]))
    assert tr.state == eng.compose([5, 6, 7])
    assert tr.undo() == eng.compose([5, 6]) and tr.undo() == eng.compose([5])
    plain = eng.traverser()
    assert plain.push_many(np.array([5, 6, 7])) == eng.compose([5, 6, 7])


def test_a_traverser_is_true_unless_empty():
    eng = engine("toy61")
    tr = eng.traverser()
    assert not tr
    tr.pop("a")  # more pops than pushes: length -1, not empty
    assert tr.state.length == -1 and tr
    tr.push("a")
    assert tr.state == eng.identity and not tr


# ---- memory --------------------------------------------------------------------------------------

_KIB = 1024
_TOKENS = [f"t{i}" for i in range(16)]


def _pushes(tr, rounds: int) -> None:
    push = tr.push
    for _ in range(rounds):
        for t in _TOKENS:
            push(t)


def test_memory_is_flat_with_history_off():
    """10^6 pushes on toy61: the traced memory after them is what it was after warm-up."""
    eng = Traversal("toy61", namespace="memory")
    tr = eng.traverser()
    _pushes(tr, 1000)  # warm-up: generators hashed, caches filled
    tracemalloc.start()
    try:
        _pushes(tr, 1000)
        current0, peak0 = tracemalloc.get_traced_memory()
        _pushes(tr, 62_500 - 2000)  # 10^6 pushes in all
        current1, peak1 = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(tr) == 1_000_000
    assert tr.state == eng.compose(_TOKENS) ** 62_500  # every push was right
    assert peak1 - peak0 < 64 * _KIB, (peak0, peak1)
    assert current1 - current0 < 64 * _KIB, (current0, current1)


def test_memory_grows_with_history_on():
    """The sanity check of the measurement: with history the list of tokens shows up."""
    eng = Traversal("toy61", namespace="memory")
    tr = eng.traverser(history=True)
    _pushes(tr, 100)
    tracemalloc.start()
    try:
        current0, _ = tracemalloc.get_traced_memory()
        _pushes(tr, 5000)  # 80,000 pushes: >= 8 bytes each for the list slot
        current1, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert current1 - current0 > 8 * 80_000 * 0.9 > 64 * _KIB


# ---- the window index ----------------------------------------------------------------------------


def brute_force_positions(x: list, m: int) -> dict[tuple, list[int]]:
    positions: dict[tuple, list[int]] = defaultdict(list)
    for i in range(len(x) - m + 1):
        positions[tuple(x[i : i + m])].append(i)
    return positions


@pytest.mark.parametrize("name", ["secp256k1", "toy61"])
def test_window_index_against_brute_force(name):
    eng = engine(name)
    x = list(stdlib_tokens(400))
    ix = eng.index(x, 4)
    assert len(ix) == 400 and ix.max_n == 4
    for m in range(1, 5):
        truth = brute_force_positions(x, m)
        for gram, positions in truth.items():
            assert ix.find(list(gram)) == positions, gram
        expected = sorted(((g, p) for g, p in truth.items() if len(p) > 1), key=lambda item: item[1][0])
        assert ix.repeats(m) == expected
        assert expected  # real text repeats itself at every length up to 4
    # phrases that do not occur: reversed bigrams that are absent, unseen tokens
    absent = [g[::-1] for g in brute_force_positions(x, 2) if g[::-1] not in brute_force_positions(x, 2)]
    assert absent
    for g in absent[:50]:
        assert ix.find(list(g)) == []
    assert ix.find(["no-such-token-anywhere"]) == []
    # a str phrase is tokenized
    first = " ".join(x[:3])
    assert ix.find(first) == brute_force_positions(x, 3)[tuple(tokenizers.words(first))]


def test_window_index_clips_max_n():
    eng = engine("toy61")
    ix = eng.index("a b a b a", 99)
    assert ix.max_n == 5 and len(ix) == 5
    assert ix.find("a b a") == [0, 2]
    assert ix.repeats(2) == [(("a", "b"), [0, 2]), (("b", "a"), [1, 3])]
    assert ix.repeats(5) == []


# ---- the multiplier -------------------------------------------------------------------------------


def trial_factor(m: int, bound: int = 2**20) -> tuple[dict[int, int], int]:
    """The prime factors of m below bound (with multiplicity) and the cofactor left."""
    factors: dict[int, int] = {}
    p = 2
    while p < bound and m > 1:
        while m % p == 0:
            factors[p] = factors.get(p, 0) + 1
            m //= p
        p += 1 if p == 2 else 2
    return factors, m


def divisors(factors: dict[int, int]) -> list[int]:
    out = [1]
    for p, e in factors.items():
        out = [d * p**i for d in out for i in range(e + 1)]
    return sorted(out)


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "P-384", "toy61"])
@pytest.mark.parametrize("key", [None, b"a key"])
def test_multiplier_has_no_small_order(name, key):
    """k is not 0, +-1, and k^d != 1 for every divisor d of n - 1 made of primes below 2^20.

    (Every divisor of n - 1 below 2^20 is one of them; so are all the divisors of
    the 2^20-smooth part, some far above 2^20.)"""
    eng = engine(name, key=key)
    n = eng.curve.n
    k = eng.group._power(1)
    assert k not in (0, 1, n - 1) and 2 <= k <= n - 2
    factors, rest = trial_factor(n - 1)
    ds = divisors(factors)
    assert ds == [d for d in range(1, 2**20) if (n - 1) % d == 0] + [d for d in ds if d >= 2**20]
    for d in ds:
        assert pow(k, d, n) != 1, d
    assert pow(k, n - 1, n) == 1  # Fermat: the order divides n - 1


def test_toy61_multiplier_exact_order():
    """toy61: n - 1 = 12 q with q prime, so the order of k is computed exactly."""
    for key in (None, b"a key", b"another"):
        eng = engine("toy61", key=key)
        n, k = eng.curve.n, eng.group._power(1)
        factors, q = trial_factor(n - 1)
        assert factors == {2: 2, 3: 1} and reference.is_probable_prime(q)
        factors[q] = 1
        order = n - 1
        for p in factors:
            while order % p == 0 and pow(k, order // p, n) == 1:
                order //= p
        assert pow(k, order, n) == 1
        assert order > 2**32


def brute_force_order(k: int, n: int) -> int:
    e, x = 1, k % n
    while x != 1:
        x = x * k % n
        e += 1
    return e


@pytest.mark.parametrize("name", TOYS)
def test_order_check_is_exact_on_toy_curves(name):
    """The baby-step giant-step order check (powers from the compiled coefficient loop) against
    brute-force orders: for every unit k and bounds around its order."""
    C = ect.curve(name)
    n = C.n
    for k in range(2, n):
        e = brute_force_order(k, n)
        for bound in {1, 2, e - 1, e, e + 1, (n - 1) // 4, n}:
            if bound >= 1:
                assert traverse._order_at_most(C, k, bound) == (e <= bound), (k, e, bound)


@pytest.mark.parametrize("name", ["secp256k1", "P-384"])
def test_order_check_on_large_curves(name):
    """Units of every order d | n - 1 below 2^20 are found at bound d and not at d - 1; random ones never."""
    C = ect.curve(name)
    n = C.n
    for d in divisors(trial_factor(n - 1)[0]):
        if d >= 2**20:
            continue
        k = next(x for x in (pow(g, (n - 1) // d, n) for g in range(2, 1000)) if exact_order(x, n, d) == d)
        assert traverse._order_at_most(C, k, traverse.MIN_ORDER)
        assert traverse._order_at_most(C, k, d) and (d == 1 or not traverse._order_at_most(C, k, d - 1))
    for k in (12345678901234567, n - 2, pow(3, 1 << 100, n)):
        assert not traverse._order_at_most(C, k, traverse.MIN_ORDER)


def exact_order(k: int, n: int, d: int) -> int:
    """The order of k, known to divide d: the least divisor e of d with k^e = 1."""
    return min(e for e in divisors(trial_factor(d)[0]) if pow(k, e, n) == 1)


@pytest.mark.parametrize("name", TOYS)
def test_toy_multipliers_have_large_order(name):
    """Exact orders by brute force, over many engines (namespaces and keys) of each toy curve."""
    n = ect.curve(name).n
    first_candidates_rejected = 0
    seen = set()
    for i in range(24):
        key = None if i == 0 else f"key {i}".encode()
        eng = Traversal(name, namespace=f"ns{i % 3}", key=key)
        k = eng.group._power(1)
        seen.add(k)
        assert k not in (0, 1, n - 1)
        assert brute_force_order(k, n) > (n - 1) / 4
        # the first candidate (counter 0, then the tag with ":1", ":2", ...) the rule accepts, and no other
        tag = b"ectraverse-v1:engine:" + name.encode() + b":" + f"ns{i % 3}".encode() + (b":keyed" if key else b"")
        L = (n.bit_length() + 128 + 7) // 8
        for counter in itertools.count():
            dst = tag if counter == 0 else tag + b":" + str(counter).encode()
            (want,) = rfc9380.hash_to_field(key or b"", dst, 1, modulus=n, L=L, hash_name="sha256")
            if want not in (0, 1, n - 1) and brute_force_order(want, n) > (n - 1) // 4:
                break
        assert k == want, (i, counter)
        first_candidates_rejected += counter > 0
    assert len(seen) > 1
    if name == "toy-b0":  # n = 29: 10 of the 28 units have order <= 7, so rejections happen
        assert first_candidates_rejected > 0


@pytest.mark.parametrize(("n", "params"), [(5, dict(p=5, a=3, b=2, gx=1, gy=1)), (7, dict(p=5, a=2, b=1, gx=0, gy=1))])
def test_the_multiplier_is_never_minus_one(n, params):
    """k = n - 1 has order 2, which the order bound (n - 1) // 4 = 1 lets through when n is 5 or 7:
    the rule refuses it by name, as 0 and 1."""
    C = ect.Curve(f"tiny{n}", n=n, **params)
    assert [k for k in range(n) if traverse._acceptable(C, k)] == list(range(2, n - 1))


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "toy61"])
def test_multiplier_is_the_documented_hash_to_field(name):
    C = ect.curve(name)
    n = C.n
    L = (n.bit_length() + 128 + 7) // 8
    for namespace, key in (("default", None), ("default", b"k"), ("wiki", None), ("wiki", b"k")):
        eng = engine(name, namespace, key)
        tag = b"ectraverse-v1:engine:" + name.encode() + b":" + namespace.encode() + (b":keyed" if key else b"")
        (k0,) = rfc9380.hash_to_field(key or b"", tag, 1, modulus=n, L=L, hash_name="sha256")
        assert eng.group._power(1) == derive_multiplier(C, tag, key) == k0  # counter 0 accepted on big curves


def test_keyed_and_unkeyed_engines():
    plain = engine("secp256k1")
    k1, k1_again = Traversal("secp256k1", key=b"k1"), Traversal("secp256k1", key=bytearray(b"k1"))
    k2 = engine("secp256k1", key=b"k2")
    k1_view = Traversal("secp256k1", key=memoryview(b"k1"))
    assert plain.keyed is False and k1.keyed is True
    assert "keyed" in repr(k1) and "keyed" not in repr(plain)
    ks = {e.group._power(1) for e in (plain, k1, k2)}
    fps = {e.fingerprint for e in (plain, k1, k2)}
    assert len(ks) == 3 and len(fps) == 3
    assert k1.fingerprint == k1_again.fingerprint == k1_view.fingerprint
    assert k1.group._power(1) == k1_again.group._power(1)
    assert k1.compose("a b c") == k1_again.compose("a b c") != plain.compose("a b c")
    # the same tokens give the same generators: only the multiplier differs
    assert k1.compose("a") == k1.token_context("a") and k1.compose("a").point == plain.compose("a").point
    # the multiplier appears neither in context bytes nor in the fingerprint
    k = k1.group._power(1).to_bytes(32, "big")
    assert k not in k1.compose("a b c").to_bytes() and k[:16] != k1.fingerprint
    # other namespaces and curves give other multipliers
    assert engine("secp256k1", "wiki").group._power(1) != plain.group._power(1)


# ---- error paths ---------------------------------------------------------------------------------


def frozen_engine() -> Traversal:
    V = Vocabulary("secp256k1", ["a", "b", "c"], frozen=True)
    return Traversal("secp256k1", vocabulary=V)


def test_unknown_token_in_a_frozen_vocabulary():
    eng = frozen_engine()
    assert eng.compose("a b c") == engine("secp256k1").compose("a b c")
    msg = r"Token 'zebra' is not in the frozen vocabulary \(3 tokens"
    with pytest.raises(ect.UnknownTokenError, match=msg) as info:
        eng.compose("a zebra")
    assert info.value.token == "zebra" and isinstance(info.value, KeyError)
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.compose(["a", "b", "zebra", "c"])
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.traverser().push("zebra")
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.traverser().push_many("a zebra")
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.traverser().pop("zebra")
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.token_context("zebra")
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.prefixes("a b zebra")
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.index("a zebra", 2)
    with pytest.raises(ect.UnknownTokenError, match=msg):
        eng.remove_prefix("a b", "zebra")
    assert len(eng.vocabulary) == 3
    tr = eng.traverser(history=True)
    tr.push("a")
    with pytest.raises(ect.UnknownTokenError):
        tr.push("zebra")
    assert tr.state == eng.compose("a") and tr.undo() == eng.identity  # a failed push changes nothing


@pytest.mark.parametrize(("key", "cls", "match"), [
    ("secret", TypeError, "key must be bytes, not str"),
    (12345, TypeError, "key must be bytes, not int"),
    ([1, 2], TypeError, "key must be bytes, not list"),
    (b"", ValueError, r"key must not be empty \(use key=None"),
    (bytearray(), ValueError, "key must not be empty"),
])
def test_bad_keys(key, cls, match):
    with pytest.raises(cls, match=match):
        Traversal("toy61", key=key)


def test_vocabulary_must_match_the_engine():
    with pytest.raises(ValueError, match=r"vocabulary is for \('P-256', namespace 'default'\), not \('secp256k1'"):
        Traversal("secp256k1", vocabulary=Vocabulary("P-256"))
    with pytest.raises(ValueError, match=r"vocabulary is for \('secp256k1', namespace 'wiki'\), not \('secp256k1', namespace 'default'\)"):
        Traversal("secp256k1", namespace="default", vocabulary=Vocabulary("secp256k1", namespace="wiki"))
    with pytest.raises(TypeError, match="vocabulary must be a Vocabulary, not list"):
        Traversal("secp256k1", vocabulary=["a", "b"])
    V = Vocabulary("toy61", ["x"], namespace="wiki")
    assert Traversal(ect.curve("toy61"), namespace="wiki", vocabulary=V).vocabulary is V


def test_the_engine_takes_curve_and_namespace_from_its_vocabulary():
    V = Vocabulary("P-256", ["x", "y"], namespace="wiki")
    eng = Traversal(vocabulary=V)
    assert (eng.curve, eng.namespace, eng.vocabulary) == (ect.curve("P-256"), "wiki", V)
    assert eng.fingerprint == Traversal("P-256", namespace="wiki").fingerprint
    assert Traversal("P-256", vocabulary=V).namespace == "wiki" and Traversal(namespace="wiki", vocabulary=V).curve == V.curve
    assert (Traversal().curve.name, Traversal().namespace) == ("secp256k1", "default")


def test_bad_curves():
    with pytest.raises(TypeError, match="curve must be a curve name or a Curve, not int"):
        Traversal(5)
    with pytest.raises(ect.UnknownCurveError, match="Unknown curve 'nope'"):
        Traversal("nope")


@pytest.mark.parametrize("bad", [b"a b", bytearray(b"a b")])
def test_bytes_are_not_tokens(bad):
    eng = engine("secp256k1")
    with pytest.raises(TypeError, match="bytes are not tokens; decode them to str"):
        eng.compose(bad)
    with pytest.raises(TypeError, match="bytes are not tokens"):
        eng.prefixes(bad)
    with pytest.raises(TypeError, match="bytes are not tokens"):
        eng.traverser().push_many(bad)


def test_contexts_are_not_token_sequences():
    eng = engine("secp256k1")
    with pytest.raises(TypeError, match="a Context is not a token sequence"):
        eng.compose(eng.compose("a"))
    with pytest.raises(TypeError, match="restore needs a Context, not str"):
        eng.traverser().restore("a b")


@pytest.mark.parametrize("bad, why", [({"a", "b"}, "a set has no order"), (frozenset("ab"), "a set has no order"),
                                      ({"a": 1}.keys(), "a set has no order"),
                                      ({"a": 1, "b": 2}, "iterating a mapping gives only its keys")])
def test_sets_and_mappings_are_not_token_sequences(bad, why):
    # a set of str iterates in an order that differs between processes: composing it would give
    # each process (each Dask worker) its own answer
    eng = engine("secp256k1")
    msg = rf"a {type(bad).__name__} is not a token sequence \({why}\); pass a list of tokens"
    for call in (eng.compose, eng.prefixes, eng.traverser().push_many, lambda x: eng.compose_chunks([["a"], x])):
        with pytest.raises(TypeError, match=msg):
            call(bad)
    assert eng.compose(list({"a": 1, "b": 2})) == eng.compose(["a", "b"])  # a list of its keys, in order


def test_window_bounds():
    eng = engine("toy61")
    P = eng.prefixes("a b c d")
    for m in (0, -1):
        with pytest.raises(ValueError, match=rf"window length must be at least 1, not {m}"):
            P.windows(m)
    # longer than the stream: no window, as repeats and WindowIndex find none (it was a ValueError)
    for states, m in ((P, 5), (P, 10**30), (eng.prefixes([]), 1)):
        none = states.windows(m)
        assert len(none) == 0 and list(none) == [] and none.length == m and eng.repeats("a b c d", m) == []
    for bad in (True, 1.5, "2"):  # as P[True] is refused
        with pytest.raises(TypeError, match=f"window length must be an int, not {type(bad).__name__}"):
            P.windows(bad)
    assert list(P.windows(np.int64(2))) == list(P.windows(2))
    for i, j in ((2, 1), (-1, 2), (0, 5), (5, 5)):
        with pytest.raises(IndexError, match=rf"window bounds must satisfy 0 <= i <= j <= 4, not \({i}, {j}\)"):
            P.window(i, j)
    for i in (5, -6):
        with pytest.raises(IndexError, match=rf"prefix index must be in \[0, 4\], not {i}"):
            P[i]
    assert P.window(4, 4) == P.window(0, 0) == eng.identity


def test_index_bounds():
    eng = engine("toy61")
    ix = eng.index("a b c a b", 3)
    with pytest.raises(ValueError, match=r"phrase length must be in \[1, 3\], not 4"):
        ix.find("a b c a")
    with pytest.raises(ValueError, match=r"phrase length must be in \[1, 3\], not 0"):
        ix.find([])
    for m in (0, 4):
        with pytest.raises(ValueError, match=rf"m must be in \[1, 3\], not {m}"):
            ix.repeats(m)
    for bad in (0, -2):
        with pytest.raises(ValueError, match=f"max_n must be a positive int, not {bad}"):
            eng.index("a b", bad)
    with pytest.raises(ValueError, match=r"max_n must be at most 32 \(WindowIndex.MAX_N\) for a stream of 40 "
                                         r"tokens, not 33"):
        eng.index("a b " * 20, 33)  # once "table depth must be in [1, 32]", from inside
    assert ect.WindowIndex.MAX_N == 32 and eng.index("a b", 33).max_n == 2  # clipped to the stream first
    for bad in (True, 2.0, "3"):
        with pytest.raises(TypeError, match=f"max_n must be an int, not {type(bad).__name__}"):
            eng.index("a b", bad)
        with pytest.raises(TypeError, match=f"m must be an int, not {type(bad).__name__}"):
            ix.repeats(bad)
    assert eng.index("a b a b", np.int64(2)).repeats(np.int64(2)) == eng.index("a b a b", 2).repeats(2)


def test_index_longer_than_its_stream_finds_nothing():
    """A phrase or m within the max_n asked for but longer than the stream finds nothing, as
    Traversal.repeats says: the index clips its windows to the stream, not what it answers."""
    eng = engine("toy61")
    ix = eng.index("a b a", 5)
    assert ix.max_n == 3 and ix.find("a b a b") == [] and ix.repeats(4) == [] == eng.repeats("a b a", 4)
    assert ix.find("a b a") == [0] and ix.repeats(1) == [(("a",), [0, 2])]
    empty = eng.index("", 3)
    assert (len(empty), empty.max_n, empty.find("a"), empty.repeats(1)) == (0, 0, [], [])
    for too_long in (lambda: ix.find("a b a b a b"), lambda: empty.find("a b c d")):
        with pytest.raises(ValueError, match=r"phrase length must be in \[1, [35]\], not [46]"):
            too_long()
    with pytest.raises(ValueError, match=r"m must be in \[1, 5\], not 6"):
        ix.repeats(6)
    back = pickle.loads(pickle.dumps(ix))  # max_n as asked travels
    assert (back.max_n, back.find("a b a b"), back.find("a b")) == (3, [], [0])


def test_index_find_with_an_unknown_token():
    """With a frozen vocabulary's unknown token, a phrase token not in the vocabulary is the unknown
    token, in find as in compose and repeats (find once returned [] for it)."""
    V = ect.Vocabulary("secp256k1", ["a", "b"], frozen=True, unknown="[UNK]")
    eng = ect.Traversal(vocabulary=V)
    ix = eng.index("zebra a zebra b yak", 2)
    assert ix.find("zebra") == ix.find(["[UNK]"]) == ix.find("yak") == [0, 2, 4]
    assert ix.find("zebra a") == [0] and ix.find("a zebra") == [1] and ix.find("b zebra") == [3] and ix.find("a b") == []
    assert ix.repeats(1) == [(("[UNK]",), [0, 2, 4])] and len(V) == 3
    opened = ect.Traversal("secp256k1")  # an open vocabulary: an unseen token is not found, nor added
    assert opened.index("a b", 2).find("zebra") == [] and "zebra" not in opened.vocabulary


@pytest.mark.parametrize("curve", ["toy61", "toy-a0", "secp256k1"])
def test_digests_default_fits_the_field(curve):
    """digests() by default: 16 bytes, or all of a shorter field's (a toy curve's 16 once raised)."""
    eng = engine(curve)
    batch = eng.prefixes("a b a b").windows(2)
    nb = eng.curve.field_bytes
    assert batch.digests().shape == (3, min(16, nb))
    assert (batch.digests() == batch.points.digests(min(16, nb))).all()
    assert (batch.digests()[0] == batch.digests()[2]).all()


def test_undo_errors():
    eng = engine("toy61")
    tr = eng.traverser()
    tr.push("a")
    with pytest.raises(ValueError, match="undo needs a traverser made with history=True"):
        tr.undo()
    assert tr.state == eng.compose("a")
    tr = eng.traverser(history=True)
    with pytest.raises(IndexError, match="nothing to undo"):
        tr.undo()
    tr.push("a")
    tr.undo()
    with pytest.raises(IndexError, match="nothing to undo"):
        tr.undo()
    assert tr.state == eng.identity


def test_pop_with_history_must_match_the_last_push():
    tr = engine("toy61").traverser(history=True)
    tr.push("a")
    tr.push("b")
    with pytest.raises(ValueError, match=r"pop\('a'\) does not match the last token pushed, 'b'"):
        tr.pop("a")
    assert tr.pop("b") == engine("toy61").compose(["a"])


def test_len_of_a_negative_state_says_what_happened():
    tr = engine("toy61").traverser()
    tr.pop("a")
    assert tr.state.length == -1
    with pytest.raises(ValueError, match="negative length -1"):
        len(tr)


def test_find_does_not_add_unseen_tokens():
    eng = Traversal("toy61", namespace="find-unseen")
    ix = eng.index("a b a b", 2)
    size = len(eng.vocabulary)
    assert ix.find("a zebra") == [] and ix.find("zebra") == []
    assert len(eng.vocabulary) == size
    frozen = Traversal("toy61", namespace="find-frozen", vocabulary=ect.Vocabulary("toy61", ["a", "b"], namespace="find-frozen", frozen=True))
    assert frozen.index("a b a", 2).find("a zebra") == []


@pytest.mark.parametrize("phrase, error, match", [
    ([1.0], TypeError, "tokens must be str or int, not float"),
    (["a", None], TypeError, "not NoneType"),
    ([True], TypeError, "not bool"),
    ([["a"]], TypeError, "not list"),
    (["\ud800"], ValueError, "lone surrogate"),
    ([2**64], ValueError, r"int tokens must be in \[-2\*\*63, 2\*\*63\)"),
])
def test_find_refuses_what_is_no_token_as_compose_does(phrase, error, match):
    """find answered "not found" for a phrase holding a float, None or 2**64, where compose, repeats and
    push raise (and so did find, with a vocabulary's unknown token)."""
    eng = Traversal("toy61", namespace="find-invalid")
    ix = eng.index("a b a b", 2)
    for call in (lambda: ix.find(phrase), lambda: eng.compose(phrase)):
        with pytest.raises(error, match=match):
            call()
    assert ix.find(["a", "zebra"]) == []


def test_contexts_as_hex_and_back():
    eng = Traversal("P-256", namespace="hex")
    c = eng.compose("the cat sat")
    assert c.hex() == c.to_bytes().hex()
    assert eng.context_from_hex(c.hex()) == c == eng.context_from_hex(" ".join(c.hex()[i:i + 2] for i in range(0, 144, 2)))
    with pytest.raises(ect.EncodingError, match="Context hex must be pairs of hexadecimal digits"):
        eng.context_from_hex(c.hex()[:-1])
    with pytest.raises(TypeError, match="context hex must be a str, not bytes"):
        eng.context_from_hex(c.to_bytes())
    with pytest.raises(ect.ContextMismatchError, match="come from another engine"):
        Traversal("P-256").context_from_hex(c.hex())


def test_reprs_say_what_the_objects_hold():
    eng = Traversal("toy61", namespace="r", tokenizer="chars")
    assert repr(eng) == "Traversal('toy61', namespace='r', tokenizer='chars')"
    assert repr(Traversal("toy61", tokenizer=str.split)).endswith("tokenizer=unnamed)")
    tr = eng.traverser(history=True)
    tr.push_many("ab")
    assert repr(tr) == f"Traverser(length=2, history of 2 tokens, {eng!r})"
    assert repr(eng.traverser()) == f"Traverser(length=0, {eng!r})"
    assert repr(eng.prefixes("abc")) == f"PrefixStates(3 tokens, 4 prefixes, {eng!r})"
    ix = eng.index("abcab", 3)
    assert repr(ix) == f"WindowIndex(5 tokens, windows of length 1..3, {eng!r})" and len(ix) == 5


# ---- token ids as NumPy arrays ------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), max_size=60), st.sampled_from([np.int64, np.uint32, np.int16]))
def test_arrays_of_int_tokens_compose_as_their_lists(values, dtype):
    """The array path (a table from token to id, no Python object per token) equals the list path,
    new tokens included: ids come in the same order of first appearance."""
    by_array, by_list = Traversal("toy61", namespace="arr"), Traversal("toy61", namespace="arr")
    arr = np.array(values, dtype=dtype)
    assert by_array.compose(arr) == by_list.compose(values)
    assert list(by_array.vocabulary) == list(by_list.vocabulary)
    assert by_array.compose(arr[::-1]) == by_list.compose(values[::-1])  # a strided view


def test_every_engine_entry_takes_an_array_of_int_tokens():
    eng = Traversal("secp256k1", namespace="arr")
    values = [5, 9, 5, 2**40, 17, 5, 9, 3]  # one value past the table: the per-token path
    arr = np.array(values, dtype=np.int64)
    assert eng.compose(arr) == eng.compose(values)
    assert eng.prefixes(arr).window(2, 6) == eng.compose(values[2:6])
    assert eng.index(arr, 2).find([5, 9]) == [0, 5]
    assert list(eng.prefixes(arr).windows(3)) == list(eng.prefixes(values).windows(3))
    tr = eng.traverser()
    tr.push_many(arr[:4])
    assert tr.push_many(arr[4:]) == eng.compose(values)
    assert eng.tokens(arr) == values and all(type(t) is int for t in eng.tokens(arr))
    neg = np.array([-3, 4, -3], dtype=np.int8)
    assert eng.compose(neg) == eng.compose([-3, 4, -3])
    minus_one = np.array([-1, 5, -1])  # -1 is a token, not the last row of the table the array path reads
    assert eng.compose(minus_one) == eng.compose([-1, 5, -1])
    assert eng.vocabulary.array_ids(minus_one).tolist() == eng.vocabulary.ids([-1, 5, -1])


def test_array_ids_in_frozen_vocabularies():
    V = Vocabulary("secp256k1", [10, 20], frozen=True)
    assert V.array_ids(np.array([20, 10, 20])).tolist() == [1, 0, 1]
    with pytest.raises(ect.UnknownTokenError, match="Token 30 is not in the frozen vocabulary"):
        V.array_ids(np.array([10, 30]))
    U = Vocabulary("secp256k1", [10, 20], frozen=True, unknown=-1)
    assert U.array_ids(np.array([20, 30, 10, 31, 30])).tolist() == [1, 2, 0, 2, 2] and len(U) == 3


@pytest.mark.parametrize("bad, cls, match", [
    (np.array([1.0, 2.0]), TypeError, "values must be a NumPy array of ints, not of float64$"),
    (np.array([True, False]), TypeError, "not of bool$"),
    (np.array(["a", "b"]), TypeError, r"not of <U1; for str tokens pass a list \(array.tolist\(\)\)$"),
    (np.array(["a", "b"], dtype=object), TypeError, r"not of object; for str tokens pass a list"),
    (np.array([[1, 2]]), ValueError, "values must be one-dimensional, not 2-dimensional"),
    (np.array([2**63], dtype=np.uint64), ValueError, r"int tokens must be in \[-2\*\*63, 2\*\*63\)"),
])
def test_arrays_that_are_not_int_tokens_are_refused(bad, cls, match):
    eng = Traversal("secp256k1")
    for call in (eng.compose, eng.tokens, int_token_array):
        with pytest.raises(cls, match=match):
            call(bad)


def test_window_index_is_exact_where_contexts_collide():
    """On a 47-point curve many different windows share a context: find and repeats check the tokens,
    so they agree with a brute-force scan of the token tuples (they once reported the colliding windows)."""
    eng = engine("toy-plot")
    from ectraverse.demos.windows import zen_text  # the text the windows demo indexes

    text = zen_text()
    toks = eng.tokens(text)
    ix = eng.index(text, 4)
    collided = 0
    for m in range(1, 5):
        where: dict[tuple, list[int]] = {}
        for i in range(len(toks) - m + 1):
            where.setdefault(tuple(toks[i:i + m]), []).append(i)
        for phrase, positions in where.items():
            assert ix.find(list(phrase)) == positions
            collided += len(ix._table[(m, eng.compose(list(phrase)).point.to_bytes())]) > len(positions)
        assert ix.repeats(m) == sorted(((p, pos) for p, pos in where.items() if len(pos) > 1), key=lambda g: g[1][0])
    assert collided > 100  # the check above is not vacuous: most phrases share their context with others
