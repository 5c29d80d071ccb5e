"""Shared objects under threads: engines, vocabularies, curves and point arrays.

Each test starts 8 threads at one barrier on one shared, fresh object and
compares every result with a single-threaded computation, then checks the
shared object is still consistent and still right.  The interpreter's switch
interval is cut to a microsecond meanwhile, so threads interleave inside the
code under test: before the vocabulary's growth was locked, the engine test
gave wrong contexts for most lists and left more generators than tokens.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable

import numpy as np
import pytest

import ectraverse as ect
from ectraverse import point as point_module

THREADS = 8


@pytest.fixture
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_threads(work: Callable[[int], object], jobs: int) -> list:
    """work(j) for j in range(jobs), spread over THREADS threads started together; results in j order."""
    results: list = [None] * jobs
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(t: int) -> None:
        barrier.wait()
        try:
            for j in range(t, jobs, THREADS):
                results[j] = work(j)
        except BaseException as exc:  # handed to the main thread, which raises it
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    return results


def token_lists(count: int, length: int, seed: int) -> list[list[str]]:
    """count lists of length tokens; about half of each list's tokens are its own."""
    rng = random.Random(seed)
    shared = [f"w{i}" for i in range(40)]
    return [[rng.choice(shared) if rng.random() < 0.5 else f"t{j}-{i}" for i in range(length)] for j in range(count)]


def assert_vocabulary_consistent(V: ect.Vocabulary) -> None:
    tokens = list(V)
    assert len(set(tokens)) == len(tokens) == len(V)
    assert [V.id(t) for t in tokens] == list(range(len(tokens)))
    G = V.generators
    assert len(G) == len(V)
    expected = V.curve.hash_to_curve_batch([ect.vocab.token_message(t) for t in tokens], V.dst)
    assert G == expected


@pytest.mark.parametrize("name", ["secp256k1", "toy61"])
def test_one_open_engine_composes_from_8_threads(name, fast_switching):
    lists = token_lists(64, 50, seed=15)
    shared = ect.Traversal(name, namespace="threads")
    got = run_threads(lambda j: shared.compose(lists[j]), len(lists))
    alone = ect.Traversal(name, namespace="threads")
    assert got == [alone.compose(x) for x in lists]
    assert_vocabulary_consistent(shared.vocabulary)
    assert set(shared.vocabulary) == set(alone.vocabulary)
    # still right afterwards, single-threaded, with old and new tokens
    for x in lists[:4] + [["never", "seen", "before", "w1"]]:
        assert shared.compose(x) == alone.compose(x)
        assert shared.prefixes(x).window(1, 3) == alone.compose(x[1:3])


def test_prefix_states_windows_and_traversers_from_8_threads(fast_switching):
    lists = token_lists(32, 12, seed=16)
    shared = ect.Traversal("P-256", namespace="threads")

    def work(j: int):
        x = lists[j]
        tr = shared.traverser(history=True)  # one traverser per thread: a Traverser is one state
        for t in x:
            tr.push(t)
        tr.undo()
        return shared.prefixes(x).window(2, 7), shared.index(x, 2).find(x[3:5]), tr.state

    got = run_threads(work, len(lists))
    alone = ect.Traversal("P-256", namespace="threads")
    for x, (window, found, state) in zip(lists, got):
        assert window == alone.compose(x[2:7])
        assert 3 in found
        assert state == alone.compose(x[:-1])
    assert_vocabulary_consistent(shared.vocabulary)


def test_prefix_tables_and_the_kept_pickle_from_8_threads(fast_switching):
    """Prefix states of one text from 8 threads while the engine's tables are made, deepened (the
    rent-or-buy credit is shared) and its pickle kept: every state right, the tables and the pickle
    consistent afterwards."""
    x = token_lists(1, 600, seed=17)[0]
    shared = ect.Traversal("secp256k1", namespace="threads")
    shared.compose(x)  # the vocabulary is complete: its pickle does not change below
    alone = ect.Traversal("secp256k1", namespace="threads")
    want = {i: alone.compose(x[:i]) for i in (0, 1, 31, 32, 33, 300, 599, 600)}

    def work(j: int):
        if j % 4 == 3:
            return shared._pickled()[0]
        P = shared.prefixes(x)
        return {i: P[i] for i in want}, P.window(5, 40)

    got = run_threads(work, 48)
    digest = shared._pickled()[0]
    for j, r in enumerate(got):
        if j % 4 == 3:
            assert r == digest
        else:
            assert r[0] == want and r[1] == alone.compose(x[5:40])
    tables = shared._power_tables
    assert tables.kept == len(set(x)) and tables.depth in ect.traverse._BLOCK_SIZES
    rows = tables._rows[np.asarray(shared.vocabulary.ids(x))]
    assert sorted(set(rows.tolist())) == list(range(tables.kept))


def test_one_vocabulary_grows_from_8_threads(fast_switching):
    lists = token_lists(64, 30, seed=17)
    V = ect.Vocabulary("secp256k1", namespace="threads")

    def work(j: int):
        ids = V.add_many(lists[j])
        return ids, V.generator(lists[j][0]), len(V.generators) >= max(ids) + 1

    got = run_threads(work, len(lists))
    assert_vocabulary_consistent(V)
    for x, (ids, first, covered) in zip(lists, got):
        assert [V.token(i) for i in ids] == x  # every id handed out names its token
        assert first == V.generators[ids[0]] and covered


def test_texts_tokenized_against_one_growing_vocabulary_from_8_threads(fast_switching):
    """The compiled tokenizer looks tokens up without the GIL while other threads add tokens: texts
    with words of their own (each thread's syncs of the index fall inside others' lookups), then four
    threads reading a long text while four grow the index.  With the index's writer not waiting for
    its readers, this test crashed the interpreter (a freed table read) in 7 runs of 8."""
    rng = random.Random(19)
    shared_words = [f"w{i}" for i in range(50)] + ["é", "ß", "日本"]
    texts = [" ".join(rng.choice(shared_words) if rng.random() < 0.7 else f"new{j}x{i}" for i in range(4000))
             for j in range(32)]
    V = ect.Vocabulary("secp256k1", namespace="threads")
    got = run_threads(lambda j: V.text_ids(texts[j]), len(texts))
    tokens = list(V)
    assert len(set(tokens)) == len(tokens) and [V.id(t) for t in tokens] == list(range(len(tokens)))
    for text, ids in zip(texts, got):
        assert [V.token(i) for i in ids.tolist()] == text.split()  # every id names its token
    # four threads read a long text of known words (its lookups take milliseconds) while four add
    # 80,000 words through the same index, growing its table eight times under them
    long_text = " ".join(rng.choice(shared_words) for _ in range(100_000))
    for _ in range(3):
        V = ect.Vocabulary("secp256k1", namespace="threads")
        want = V.text_ids(long_text)
        reads = run_threads(lambda j: [V.text_ids(long_text) for _ in range(12)] if j < 4 else
                            [V.text_ids(" ".join(f"g{j}x{r}y{i}" for i in range(1000))) for r in range(20)], 8)
        assert all(np.array_equal(ids, want) for ids in reads[0] + reads[1] + reads[2] + reads[3])
        assert len(V) == len(shared_words) + 80_000
    shared, alone = ect.Traversal("secp256k1", namespace="threads"), ect.Traversal("secp256k1", namespace="threads")
    contexts = run_threads(lambda j: shared.compose(texts[j]), 16)
    assert contexts == [alone.compose(t) for t in texts[:16]]
    assert_vocabulary_consistent(shared.vocabulary)
    assert set(shared.vocabulary) == set(alone.vocabulary)


def test_frozen_vocabulary_reads_from_8_threads(fast_switching):
    lists = token_lists(16, 40, seed=18)
    V = ect.Vocabulary("P-256", [t for x in lists for t in x], frozen=True)
    expected = [V.ids(x) for x in lists]
    got = run_threads(lambda j: (V.ids(lists[j % 16]), "missing" in V), 64)
    assert [ids for ids, _ in got] == [expected[j % 16] for j in range(64)]
    assert not any(missing for _, missing in got)
    with pytest.raises(ect.UnknownTokenError):
        V.id("missing")


def test_a_fresh_curve_builds_its_lazy_state_once_from_8_threads(fast_switching):
    """The fixed-base table (k * G) and the hash-to-curve maps are built on first use."""
    P256 = ect.curve("P-256")
    C = ect.Curve("fresh", p=P256.p, a=P256.a, b=P256.b, gx=P256.generator.x, gy=P256.generator.y, n=P256.n)
    scalars = [random.Random(19).randrange(P256.n) for _ in range(64)]
    dst = b"ectraverse-test-threads"

    def work(j: int):
        return (scalars[j] * C.generator).to_bytes(), C.hash_to_curve(b"m%d" % j, dst).to_bytes()

    got = run_threads(work, 64)
    for j, (kG, h) in enumerate(got):
        assert kG == (scalars[j] * P256.generator).to_bytes()
        assert h == P256.hash_to_curve(b"m%d" % j, dst).to_bytes()
    assert len(C._maps) == 1


def test_a_curve_keeps_one_map_per_suite_from_8_threads(fast_switching):
    """Maps are kept per suite (not per id): three suites, two of them equal but for their id, hashed at
    once from 8 threads on a fresh curve, give one map each and the serial points."""
    import dataclasses

    from ectraverse import rfc9380

    P256 = ect.curve("P-256")
    C = ect.Curve("fresh-suites", p=P256.p, a=P256.a, b=P256.b, gx=P256.generator.x, gy=P256.generator.y, n=P256.n)
    ro, nu = rfc9380.default_suite(C.params), rfc9380.default_suite(C.params, random_oracle=False)
    mine = dataclasses.replace(ro, id="my-P256-suite", curve=C.name)
    dst = b"ectraverse-test-threads"

    def work(j: int):
        msg = b"m%d" % j
        return (C.hash_to_curve(msg, dst, suite=mine).to_bytes(), C.encode_to_curve(msg, dst).to_bytes(),
                C.hash_to_curve(msg, dst).to_bytes())

    got = run_threads(work, 48)
    for j, (a, b, c) in enumerate(got):
        want = P256.hash_to_curve(b"m%d" % j, dst).to_bytes()
        assert a == c == want and b == P256.encode_to_curve(b"m%d" % j, dst).to_bytes()
    assert set(C._maps) == {ro, nu, mine} and len(C._maps) == 3


def test_named_curves_are_built_once_from_8_threads(monkeypatch, fast_switching):
    monkeypatch.setattr(point_module, "_NAMED", {})
    got = run_threads(lambda j: ect.curve(["P-384", "secp384r1"][j % 2]), 32)
    assert all(C is got[0] for C in got)


def test_one_point_array_from_8_threads(fast_switching):
    C = ect.curve("secp256k1")
    A = C.multiply_generator(range(1, 201))
    scalars = [random.Random(20).randrange(C.n) for _ in range(200)]
    limbs = point_module.scalars_to_limbs(C, scalars)
    expected = ((A + A).to_bytes(), A.msm(scalars), A.take(np.arange(199, -1, -3)).to_bytes(), A.sum(),
                A.msm(scalars).to_bytes())

    def work(j: int):  # and an MSM sharing its work among 3 threads of its own in each of them
        return ((A + A).to_bytes(), A.msm(scalars), A.take(np.arange(199, -1, -3)).to_bytes(), A.sum(),
                ect.Point._make(C, C._core.batch_msm_limbs(A._a, limbs, 3)).to_bytes())

    assert run_threads(work, 32) == [expected] * 32


def test_arrays_of_int_tokens_from_8_threads(fast_switching):
    """The vocabulary's token -> id table grows under its lock while other threads read it."""
    rng = random.Random(21)
    arrays = [np.array([rng.randrange(j * 50, j * 50 + 400) for _ in range(60)], dtype=np.int64) for j in range(64)]
    shared = ect.Traversal("secp256k1", namespace="threads")
    got = run_threads(lambda j: shared.compose(arrays[j]), len(arrays))
    alone = ect.Traversal("secp256k1", namespace="threads")
    assert got == [alone.compose(a.tolist()) for a in arrays]
    assert_vocabulary_consistent(shared.vocabulary)
    V = shared.vocabulary
    assert all((V.array_ids(a) == np.array(V.ids(a.tolist()))).all() for a in arrays)


def test_keyed_engines_built_and_dropped_from_8_threads_keep_pickles_loading(monkeypatch, fast_switching):
    """The registry of live keyed groups, from 8 threads: engines with one key built and dropped (and
    others with keys of their own, so the table sweeps), while one engine stays alive and its contexts'
    pickles keep loading as it."""
    import gc
    import pickle

    from ectraverse import context

    monkeypatch.setattr(context, "_live_keyed_sweep_at", 4)  # sweeps often
    eng = ect.Traversal("toy61", key=b"shared")
    c = eng.compose("a b c")
    blob = pickle.dumps(c)

    def work(j: int) -> bool:
        ect.Traversal("toy61", key=b"shared" if j % 2 else b"own %d" % j)  # dropped at once
        if j % 5 == 0:
            gc.collect(0)
        return pickle.loads(blob) == c

    assert all(run_threads(work, 96))
    gc.collect()
    assert pickle.loads(blob) == c


def test_msm_limbs_reads_a_private_copy_of_the_callers_scalars(fast_switching):
    """The core takes every scalar row below n on trust (checked in Python first): msm_limbs must check,
    and hand to C, a copy of its own.  Here the caller's array turns into rows of 2**256 - 1 while the
    multiplications run (8 threads over one array): each call gives msm(OLD) or refuses the rows; handed
    the caller's array itself, most calls returned some other point, from scalars past the check."""
    C = ect.curve("secp256k1")
    rng = random.Random(6)
    m = 4096
    A = C.multiply_generator([rng.randrange(1, C.n) for _ in range(m)])
    old = point_module.scalars_to_limbs(C, [rng.randrange(C.n) for _ in range(m)])
    want = A.msm_limbs(old)
    for _ in range(6):
        buf = old.copy()

        def work(j: int):
            if j == 0:  # one writer, after the others have started
                threading.Event().wait(0.002)
                buf[:] = np.iinfo(np.uint64).max
                return "written"
            try:
                return A.msm_limbs(buf)
            except ValueError:
                return "refused"

        results = run_threads(work, THREADS)
        assert results[0] == "written"
        assert all(r in (want, "refused") for r in results[1:]), results
