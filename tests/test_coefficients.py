"""Coefficient space: ``S = sum_t c_t P_t``, and the product ``c = k^(l2) c1 + c2`` element-wise.

* ``Curve.composition_coefficients`` against the definition (Python ints), and
  ``PointArray.msm_limbs`` against ``msm``; the limb converters round-trip;
* ``coefficients(x)`` has ``c_t = sum k^(L-1-i)`` over the positions of t, and
  ``from_coefficients`` of it is ``compose(x)``;
* merging the parts of any chunking gives the coefficients of the whole
  (hypothesis, secp256k1, P-256, toy61, toy-plot; small and large vocabularies);
* ``compose_chunks`` through both merges (coefficients, points), serially, on
  threads and on processes, with tokens the workers see first;
* pickled parts carry tokens and merge in a copy of the engine whose vocabulary
  numbers them otherwise; a keyed engine's parts refuse to pickle and to show
  their scalars, and with a process pool its chunks come back as points;
* the error paths.
"""

from __future__ import annotations

import itertools
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import traverse
from ectraverse.point import PointArray, limbs_to_scalars, scalars_to_limbs
from ectraverse.traverse import Coefficients, Traversal
from strategies import VOCABS, engine, examples, portable_core

CURVES = ["secp256k1", "P-256", "toy61", "toy-plot"]


def chunkings(draw, x):
    cuts = sorted(draw(st.lists(st.integers(0, len(x)), max_size=8)))
    bounds = [0, *cuts, len(x)]
    return [x[a:b] for a, b in itertools.pairwise(bounds)]


def by_definition(eng: Traversal, tokens) -> dict:
    """{token: sum of k^(L-1-i) over its positions, mod n} with Python ints."""
    n, k, L = eng.curve.n, eng.group.power(1), len(tokens)
    out: dict = {}
    for i, t in enumerate(tokens):
        out[t] = (out.get(t, 0) + pow(k, L - 1 - i, n)) % n
    return out


# ---- point.py: the narrow door ------------------------------------------------------------


@pytest.mark.parametrize("name", CURVES)
@given(idx=st.lists(st.integers(0, 40), max_size=30), k=st.integers(-(2**300), 2**300))
def test_composition_coefficients_by_definition(name, idx, k):
    C = ect.curve(name)
    distinct, limbs = C.composition_coefficients(np.array(idx, dtype=np.int64), k)
    L, want = len(idx), {}
    for i, t in enumerate(idx):
        want[t] = (want.get(t, 0) + pow(k, L - 1 - i, C.n)) % C.n
    assert distinct.tolist() == sorted(want)
    assert limbs.shape == (len(want), C.scalar_limbs) and limbs.dtype == np.uint64
    assert limbs_to_scalars(limbs).tolist() == [want[t] for t in sorted(want)]
    assert C.composition_coefficients(idx, k)[0].tolist() == distinct.tolist()  # a list works too


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "P-384", "P-521", "BN254", "toy61"])
@given(L=st.integers(0, 70), D=st.integers(1, 9), seed=st.integers(0, 2**32 - 1), k=st.integers(0, 2**600))
@examples(25)
def test_composition_coefficients_on_every_limb_count_and_the_portable_core(name, L, D, seed, k):
    """The C loop (runs of positions with interleaved power chains, on the scalar field's own limb count:
    4, 6, 9 or run-time) by definition, for lengths around every multiple of the chain count, on the
    curve's core and on the portable core (no assembly)."""
    C = ect.curve(name)
    ids = np.random.default_rng(seed).integers(0, D, L).astype(np.int64)
    want = [0] * D
    for i, t in enumerate(ids.tolist()):
        want[t] = (want[t] + pow(k, L - 1 - i, C.n)) % C.n
    remap = np.random.default_rng(seed + 1).permutation(D + 3).astype(np.int64) % D  # V = D + 3 entries
    via = np.array([np.flatnonzero(remap == t)[-1] for t in range(D)])  # via[t]: an entry remap sends to t
    for core in (C._core, portable_core(C)):
        got = core.composition_coefficients(ids, D, k % C.n)
        assert limbs_to_scalars(got).tolist() == want
        got = core.composition_coefficients(via[ids], D, k % C.n, remap)  # each position's token, by remap
        assert limbs_to_scalars(got).tolist() == want


#: ECT_COEF_BLOCK in ext/ect_ops.h: runs of at least two blocks take the blocked accumulation.
COEF_BLOCK = 8192


@pytest.mark.parametrize("name", ["secp256k1", "P-384", "P-521", "BLS12-381", "toy61"])
@pytest.mark.parametrize("L", [2 * COEF_BLOCK - 1, 2 * COEF_BLOCK, 2 * COEF_BLOCK + 1, 3 * COEF_BLOCK + 5])
def test_composition_coefficients_of_long_runs_by_definition(name, L):
    """Long runs sum k^r per block and scale once a token a block (the blocked accumulation): by
    definition, either side of its threshold and with a partial last block, for tokens that repeat
    within a block (a skewed draw) and tokens seen once, on the curve's core and the portable core."""
    C = ect.curve(name)
    rng = np.random.default_rng(L)
    D = 3000
    ids = np.minimum(rng.zipf(1.3, L) - 1, D - 1).astype(np.int64)
    ids[::7] = rng.integers(0, D, len(ids[::7]))
    k = int(rng.integers(2, 2**62)) ** 5 % C.n
    want, pw = [0] * D, 1
    for t in reversed(ids.tolist()):  # k^(L-1-i), from the last position back
        want[t] = (want[t] + pw) % C.n
        pw = pw * k % C.n
    remap = rng.permutation(D + 5).astype(np.int64) % D
    via = np.array([np.flatnonzero(remap == t)[-1] for t in range(D)])
    for core in (C._core, portable_core(C)):
        assert limbs_to_scalars(core.composition_coefficients(ids, D, k)).tolist() == want
        assert limbs_to_scalars(core.composition_coefficients(via[ids], D, k, remap)).tolist() == want


@pytest.mark.parametrize("name", ["secp256k1", "P-521", "toy61"])
def test_composition_coefficients_check_every_index_they_read(name):
    """C checks each index where it reads it (no copy of the arrays is made to check them first):
    an id past the remap table, a remap entry past D, a negative id, each anywhere in the sequence."""
    C = ect.curve(name)
    for core in (C._core, portable_core(C)):
        for L, at in [(11, 0), (11, 5), (11, 10), (3 * COEF_BLOCK, 0), (3 * COEF_BLOCK, COEF_BLOCK + 9),
                      (3 * COEF_BLOCK, 3 * COEF_BLOCK - 1)]:  # short runs, and long ones (blocked)
            ids = np.zeros(L, dtype=np.int64)
            ids[at] = 4
            with pytest.raises(ValueError, match=r"token indices must be in \[0, 4\) and map to \[0, 2\)"):
                core.composition_coefficients(ids, 2, 3, np.array([0, 1, 0, 1], dtype=np.int64))
            ids[at] = 3
            with pytest.raises(ValueError, match=r"and map to \[0, 2\)"):
                core.composition_coefficients(ids, 2, 3, np.array([0, 1, 0, 2], dtype=np.int64))
            ids[at] = -1
            with pytest.raises(ValueError, match=r"token indices must be in \[0, 2\)$"):
                core.composition_coefficients(ids, 2, 3)


@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
@examples(30)
def test_coefficient_merge_by_definition(name, data):
    """The union of the parts' ids, ascending, and per id the sum of scales[q] * row over the parts' rows
    with that id, mod n, on the fast and portable cores; equal ids within a part are summed."""
    C = ect.curve(name)
    P = data.draw(st.integers(0, 6))
    parts, want = [], {}
    # 1 in its forms: a row of a part whose scale is 1 is added without a product; and scales whose low
    # limb alone is 1 (2^64 + 1, ...), which are not 1
    L = C.scalar_limbs
    near_one = [1, C.n + 1, 1 - C.n, (1 << 64) + 1, (1 << 64 * (L - 1)) + 1, C.n - C.n % (1 << 64) + 1]
    scales = data.draw(st.lists(st.one_of(st.sampled_from(near_one), st.integers(-C.n, 2 * C.n)),
                                min_size=P, max_size=P))
    for q in range(P):
        ids = sorted(data.draw(st.lists(st.integers(0, 12), max_size=10)))
        rows = data.draw(st.lists(st.integers(0, C.n - 1), min_size=len(ids), max_size=len(ids)))
        for i, v in zip(ids, rows):
            want[i] = (want.get(i, 0) + scales[q] * v) % C.n
        limbs = scalars_to_limbs(C, rows) if ids else np.empty((0, C.scalar_limbs), dtype=np.uint64)
        parts.append((np.array(ids, dtype=np.int64), limbs))
    for core in (C._core, portable_core(C)):
        ids, limbs = core.coefficient_merge(parts, scales)
        assert ids.dtype == np.int64 and limbs.shape == (len(want), C.scalar_limbs)
        assert dict(zip(ids.tolist(), limbs_to_scalars(limbs).tolist())) == want
        assert ids.tolist() == sorted(want)
    ids, limbs = C.coefficient_merge([(i.tolist(), r) for i, r in parts], scales)  # ids as lists
    assert dict(zip(ids.tolist(), limbs_to_scalars(limbs).tolist())) == want


def test_coefficient_merge_refuses_what_is_out_of_range():
    C = ect.curve("secp256k1")
    rows = scalars_to_limbs(C, [1, 2])
    with pytest.raises(TypeError, match="limbs must be a NumPy array, not list"):
        C.coefficient_merge([([0], [[1, 0, 0, 0]])], [1])
    with pytest.raises(ValueError, match=r"limbs must be a uint64 array of shape \(M, 4\)"):
        C.coefficient_merge([([0, 1], rows.astype(np.int64))], [1])
    with pytest.raises(ValueError, match="one entry per row of limbs"):
        C.coefficient_merge([([0], rows)], [1])
    with pytest.raises(TypeError, match="ids must be ints, not float64"):
        C.coefficient_merge([(np.array([0.0, 1.0]), rows)], [1])
    with pytest.raises(TypeError, match="ids must be an int, not float"):
        C.coefficient_merge([([0, 0.5], rows)], [1])  # not truncated to 0
    with pytest.raises(TypeError, match="ids must be an int, not bool"):
        C.coefficient_merge([([False, True], rows)], [1])
    with pytest.raises(TypeError, match="ids must be ints, not bool"):
        C.coefficient_merge([(np.array([False, True]), rows)], [1])
    for big in (np.array([0, 1 << 63], dtype=np.uint64), [0, 1 << 63], [0, 1 << 70], [-1, 0]):
        with pytest.raises(ValueError, match=r"ids must be ints in \[0, 2\*\*63\)"):
            C.coefficient_merge([(big, rows)], [1])
    with pytest.raises(TypeError, match="scales must be an int, not float"):
        C.coefficient_merge([([0, 1], rows)], [1.0])
    with pytest.raises(ValueError, match=r"one scale a part \(1\), not 2"):
        C.coefficient_merge([([0, 1], rows)], [1, 2])
    for ids in ([1, 0], np.array([-1, 0]), np.array([-2, -1])):  # descending; negative (arrays: checked in C)
        with pytest.raises(ValueError, match="non-negative ids, ascending, and rows below n"):
            C.coefficient_merge([([0, 5], rows), (ids, rows)], [1, 1])
    too_big = rows.copy()
    too_big[1] = scalars_to_limbs(C, [C.n - 1])[0]
    too_big[1, 0] += np.uint64(1)  # n itself
    with pytest.raises(ValueError, match="rows below n"):
        C.coefficient_merge([([0, 1], too_big)], [1])
    assert [a.shape for a in C.coefficient_merge([], [])] == [(0,), (0, 4)]
    for part, pattern in (((0, rows), "ids must be a sequence of ints, not int"),
                          (({1: 0, 0: 1}, rows), r"not dict \(iterating a mapping gives only its keys\)"),
                          (([0, 1], rows, 7), r"parts must be \(ids, limbs\) pairs, not a tuple of 3 \(part 0\)"),
                          (rows, r"parts must be \(ids, limbs\) pairs, not ndarray \(part 0\)"),
                          (None, r"not NoneType \(part 0\)")):
        with pytest.raises(TypeError, match=pattern):
            C.coefficient_merge([part], [1])


def test_merged_lengths_past_2_63_stay_exact():
    """The tokens after each part are summed in Python ints: parts that merge past 2^63 tokens (a part merged
    with itself doubles its length) give the context the group product gives."""
    eng = ect.Traversal("toy61")
    m = eng.coefficients("a b")
    while m.length < 1 << 62:
        m = eng.merge_coefficients([m, m])
    merged = eng.merge_coefficients([m, m, m])  # 3 * 2^62 tokens: 2^63 and more before the last part
    assert merged.length == 3 * m.length
    assert eng.from_coefficients(merged) == eng.from_coefficients(m) ** 3
    assert eng.from_coefficients(eng.merge_coefficients([merged, merged])) == eng.from_coefficients(m) ** 6


@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
@examples(30)
def test_msm_limbs_equals_msm(name, data):
    C = ect.curve(name)
    m = data.draw(st.integers(0, 12))
    scalars = data.draw(st.lists(st.integers(0, C.n - 1), min_size=m, max_size=m))
    A = C.multiply_generator(list(range(1, m + 1)))
    limbs = scalars_to_limbs(C, scalars)
    assert limbs_to_scalars(limbs).tolist() == scalars
    assert A.msm_limbs(limbs) == A.msm(scalars)
    with mock.patch("ectraverse.point.MSM_ROWS_PER_THREAD", 2):  # a thread for as few as 2 rows
        for threads in (2, 3, 8):
            assert A.msm_limbs(limbs, threads=threads) == A.msm(scalars)


def test_msm_limbs_and_coefficients_refuse_what_is_not_theirs():
    C = ect.curve("secp256k1")
    A = C.multiply_generator([1, 2])
    with pytest.raises(TypeError, match="limbs must be a NumPy array, not list"):
        A.msm_limbs([[1, 0, 0, 0], [2, 0, 0, 0]])
    with pytest.raises(ValueError, match=r"limbs must be a uint64 array of shape \(2, 4\), not int64"):
        A.msm_limbs(np.zeros((2, 4), dtype=np.int64))
    with pytest.raises(ValueError, match=r"shape \(2, 4\), not uint64 of shape \(2, 3\)"):
        A.msm_limbs(np.zeros((2, 3), dtype=np.uint64))
    too_big = scalars_to_limbs(C, [1, 2])
    too_big[1] = scalars_to_limbs(C, [C.n - 1])[0]
    too_big[1, 0] += np.uint64(1)  # n itself
    with pytest.raises(ValueError, match="every row of limbs must be a scalar below n"):
        A.msm_limbs(too_big)
    with pytest.raises(IndexError, match="composition indices must be non-negative, not -1"):
        C.composition_coefficients([0, -1], 3)
    with pytest.raises(IndexError, match=r"composition indices must be in \[0, 4611686018427387904\), not 2\*\*62"
                       .replace("2\\*\\*62", str(2**62))):
        C.composition_coefficients([2**62], 3)
    for mask in ([True, False], np.array([True, False]), [0, True]):
        with pytest.raises(TypeError, match="composition indices must be ints, not booleans"):
            C.composition_coefficients(mask, 3)
    with pytest.raises(TypeError, match="k must be an int, not float"):
        C.composition_coefficients([0], 3.0)
    with pytest.raises(ValueError, match="threads must be a positive int, not 0"):
        A.msm_limbs(scalars_to_limbs(C, [1, 2]), threads=0)
    with pytest.raises(TypeError, match="threads must be an int, not str"):
        A.msm_limbs(scalars_to_limbs(C, [1, 2]), threads="2")
    with pytest.raises(ValueError, match="threads must be a positive int, not 0"):  # checked when empty too
        PointArray(C).msm_limbs(np.empty((0, 4), dtype=np.uint64), threads=0)
    assert PointArray(C).msm_limbs(np.empty((0, 4), dtype=np.uint64)) == C.identity
    d, c = C.composition_coefficients([], 3)
    assert d.shape == (0,) and c.shape == (0, 4)


# ---- the engine's coefficient space ------------------------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
@examples(40)
def test_merged_parts_are_the_coefficients_of_the_whole(name, vocab, data):
    eng = engine(name)
    x = data.draw(st.lists(VOCABS[vocab], max_size=20))
    chunks = chunkings(data.draw, x)
    whole = eng.coefficients(x)
    assert whole.length == len(x)
    want = by_definition(eng, x)
    assert dict(zip(whole.tokens, whole.scalars())) == want
    merged = eng.merge_coefficients([eng.coefficients(c) for c in chunks])
    assert merged.length == len(x)
    assert dict(zip(merged.tokens, merged.scalars())) == want
    assert eng.from_coefficients(merged) == eng.from_coefficients(whole) == eng.compose(x)
    # grouping does not matter: merge the merges of any split of the parts
    parts = [eng.coefficients(c) for c in chunks]
    cut = data.draw(st.integers(0, len(parts)))
    left, right = eng.merge_coefficients(parts[:cut]), eng.merge_coefficients(parts[cut:])
    assert eng.from_coefficients(eng.merge_coefficients([left, right])) == eng.compose(x)


@pytest.mark.parametrize("merge", ["coefficients", "points"])
@given(data=st.data())
@examples(25)
def test_compose_chunks_either_merge_equals_compose(merge, data):
    eng = engine("secp256k1")
    x = data.draw(st.lists(VOCABS["large"], max_size=20))
    chunks = chunkings(data.draw, x)
    rule = mock.patch.object(traverse, "_merge_in_coefficients", lambda *_: merge == "coefficients")
    with rule, ThreadPoolExecutor(2) as pool:
        assert eng.compose_chunks(chunks, executor=pool) == eng.compose(x)
    assert eng.compose_chunks(chunks) == eng.compose(x)


def test_the_cost_rule():
    rule = traverse._merge_in_coefficients
    assert not rule(1, None, False) and rule(2, None, False) and rule(2, None, True)
    with ThreadPoolExecutor(2) as threads:
        assert not rule(1, threads, False) and rule(2, threads, False) and rule(2, threads, True)
    with ProcessPoolExecutor(2) as procs:
        assert rule(2, procs, False) and not rule(8, procs, True)  # keyed: k-dependent values stay here


@pytest.mark.parametrize("executor", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_compose_chunks_in_coefficients_with_tokens_the_workers_see_first(executor):
    """The workers' copies number new tokens on their own: those come back as tokens."""
    eng = Traversal("secp256k1", namespace="coefficient chunks")
    eng.compose("seen before")
    lines = [f"line {i} seen w{i % 5} w{i}\n" for i in range(24)]
    with executor(2) as pool:
        got = eng.compose_chunks(lines, executor=pool)  # 24 chunks on 2 workers: coefficient space
        assert got == Traversal("secp256k1", namespace="coefficient chunks").compose("".join(lines))
        assert got == eng.compose("".join(lines))
        assert eng.compose_chunks(lines, executor=pool) == got  # the workers' kept copies


def test_keyed_chunks_in_processes_come_back_as_points(monkeypatch):
    eng = Traversal("secp256k1", key=b"coefficient key", namespace="keyed coefficients")
    lines = [f"line {i} of the text\n" for i in range(16)]
    kinds = []
    in_workers = traverse.Traversal._in_workers

    def spy(self, executor, kind, chunks):
        kinds.append(kind)
        return in_workers(self, executor, kind, chunks)

    monkeypatch.setattr(traverse.Traversal, "_in_workers", spy)
    with ProcessPoolExecutor(2) as pool:
        assert eng.compose_chunks(lines, executor=pool) == eng.compose("".join(lines))
    assert kinds == ["points"]  # k-dependent coefficients never leave this process
    with ThreadPoolExecutor(2) as pool:  # threads: the same process, coefficient space allowed
        assert eng.compose_chunks(lines, executor=pool) == eng.compose("".join(lines))
    assert kinds == ["points", "coefficients"]


def test_parts_pickle_with_their_tokens():
    eng = Traversal("P-256", namespace="pickled parts")
    a, b = eng.coefficients("to be or"), eng.coefficients("not to be")
    other = Traversal("P-256", namespace="pickled parts")
    other.compose("a vocabulary that numbers be not or to otherwise")
    a2, b2 = pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(b))
    assert (a2.length, a2.tokens, a2.scalars()) == (a.length, a.tokens, a.scalars())
    assert repr(a2) == "Coefficients(length 3, 3 distinct tokens)"
    want = eng.compose("to be or not to be")
    assert other.from_coefficients(other.merge_coefficients([a2, b2])) == want
    assert eng.from_coefficients(eng.merge_coefficients([a2, b])) == want
    assert eng.from_coefficients(a2) == eng.compose("to be or")


def test_keyed_parts_stay_in_the_process():
    eng = Traversal("secp256k1", key=b"a key", namespace="keyed parts")
    part = eng.coefficients("a b a")
    assert eng.from_coefficients(part) == eng.compose("a b a")
    with pytest.raises(TypeError, match="The coefficients of a keyed engine do not pickle"):
        pickle.dumps(part)
    with pytest.raises(TypeError, match="the coefficients of a keyed engine are not available"):
        part.scalars()


def test_coefficient_errors():
    eng, other = engine("secp256k1"), engine("secp256k1", namespace="elsewhere")
    with pytest.raises(TypeError, match="parts must be Coefficients, not Context"):
        eng.merge_coefficients([eng.compose("a")])
    with pytest.raises(TypeError, match="part must be Coefficients, not str"):
        eng.from_coefficients("a")
    with pytest.raises(ect.ContextMismatchError, match="The coefficients belong to another engine"):
        eng.merge_coefficients([other.coefficients("a")])
    empty = eng.merge_coefficients([])
    assert (empty.length, len(empty), eng.from_coefficients(empty)) == (0, 0, eng.identity)
    assert isinstance(eng.coefficients(np.array([3, 1, 3])), Coefficients)
    assert eng.from_coefficients(eng.coefficients(np.array([3, 1, 3]))) == eng.compose(np.array([3, 1, 3]))


def test_limb_helpers_refuse_what_would_wrap_or_truncate():
    C = ect.curve("secp256k1")
    n = C.n
    assert limbs_to_scalars(np.array([[1, 2]], dtype=np.int64)).tolist() == [1 + (2 << 64)]  # non-negative: fine
    assert limbs_to_scalars(np.empty((0, 4), dtype=np.uint64)).tolist() == []
    for bad, cls, match in (
        (np.array([[-1]]), ValueError, "limbs must be non-negative, not -1"),
        (np.array([[1.9]]), TypeError, "limbs must be an array of 64-bit unsigned ints, not float64"),
        (np.array([[2**70]], dtype=object), ValueError, r"limbs must be in \[0, 2\^64\)"),
        (np.array([[1.5]], dtype=object), TypeError, "limbs must be an int, not float"),
        (np.array([1, 2], dtype=np.uint64), ValueError, "limbs must be a two-dimensional array.* not 1-dimensional"),
    ):
        with pytest.raises(cls, match=match):
            limbs_to_scalars(bad)
    assert limbs_to_scalars(scalars_to_limbs(C, np.array([-1, 5], dtype=np.int64))).tolist() == [n - 1, 5]
    assert limbs_to_scalars(scalars_to_limbs(C, np.array([n + 1, 2], dtype=object))).tolist() == [1, 2]
    assert scalars_to_limbs(C, []).shape == (0, 4) and scalars_to_limbs(C, np.array([])).shape == (0, 4)
    assert limbs_to_scalars(np.array([[1, 2**64 - 1]], dtype=object)).tolist() == [1 + ((2**64 - 1) << 64)]
    assert limbs_to_scalars(np.empty((0, 4))).tolist() == []  # empty: whatever its dtype
    for bad, cls, match in (
        (np.array([1.5]), TypeError, "scalars must be ints, not float64"),
        (np.array(["1"]), TypeError, "scalars must be ints, not <U1"),
        (np.array([True]), TypeError, "scalars must be ints, not bool"),
        ([True], TypeError, "scalars must be an int, not bool"),
        (np.array([1, 2.5], dtype=object), TypeError, "scalars must be an int, not float"),
        (np.array([[1, 2]]), ValueError, "scalars must be a one-dimensional sequence of ints, not a 2-dimensional"),
        ("12", TypeError, "scalars must be a sequence of ints, not str"),
    ):
        with pytest.raises(cls, match=match):
            scalars_to_limbs(C, bad)
