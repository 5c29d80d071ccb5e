"""Error paths and hostile inputs of PointArray and the core's batch entry points (issue 15, items 3, 9, 11).

Batch entry points release the GIL while C runs, so a caller's buffer could be
rewritten by another thread meanwhile: the core reads a private copy.  Indices
are bounds-checked whatever their type; booleans are a mask, as in NumPy.
"""

from __future__ import annotations

import sys
import textwrap
import threading

import numpy as np
import pytest

import ectraverse as ect

from child import run_python

C = ect.curve("secp256k1")


@pytest.fixture(scope="module")
def A():
    return C.multiply_generator([1, 2, 3])


# ---- take ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "indices, shown",
    [
        (np.array([2**64 - 1], dtype=np.uint64), "18446744073709551615"),  # was: the last point
        ([2**70], str(2**70)),  # was: OverflowError
        (np.array([3], dtype=np.int8), "3"),
        ([-4], "-4"),
    ],
)
def test_take_bounds_checks_every_index_type(A, indices, shown):
    with pytest.raises(IndexError, match=rf"must be in \[-3, 3\) for length 3, not {shown}"):
        A.take(indices)


def test_take_booleans_are_a_mask_of_the_right_length(A):
    assert A.take([True, False, True]) == PointArray_of(A, [0, 2])
    assert A.take(np.array([False, True, False])) == PointArray_of(A, [1])
    with pytest.raises(IndexError, match=r"a boolean mask must have one entry per point \(3\), not 2"):
        A.take([True, False])  # was: indices 1 and 0
    with pytest.raises(TypeError, match="all ints or all booleans"):
        A.take([True, 2])


@pytest.mark.parametrize("indices, match", [([1.5], "indices must be ints, not float64"), (["a"], "indices must be ints"),
                                            ("ab", "indices must be ints, not str")])
def test_take_refuses_what_is_not_an_index(A, indices, match):
    with pytest.raises(TypeError, match=match):
        A.take(indices)


def test_take_still_takes(A):
    assert A.take(np.array([2, -3, 2], dtype=np.int64)) == PointArray_of(A, [2, 0, 2])
    assert len(A.take([])) == 0 and len(A.take(np.array([], dtype=np.uint64))) == 0
    with pytest.raises(ValueError, match="indices must be one-dimensional, not 2-dimensional"):
        A.take([[0, 1]])


def PointArray_of(A, rows):
    return ect.PointArray(C, [A[i] for i in rows])


# ---- scalars ------------------------------------------------------------------------------------


def test_msm_and_scaled_refuse_arrays_that_are_not_one_dimensional(A):
    with pytest.raises(TypeError, match="one-dimensional sequence of ints, not a 0-dimensional array"):
        A.msm(np.array(5))  # was: "len() of unsized object"
    with pytest.raises(ValueError, match="not a 2-dimensional array"):
        A.msm(np.ones((3, 1), dtype=np.int64))
    with pytest.raises(TypeError, match="0-dimensional"):
        A.scaled(np.array(2))
    assert A * np.array(2) == A * 2  # a 0-d array multiplies like the scalar it holds


# ---- buffers ------------------------------------------------------------------------------------


def test_decode_reads_any_buffer_layout(A):
    blob = A.to_bytes()
    strided = np.repeat(np.frombuffer(blob, dtype=np.uint8), 2)[::2]
    assert not strided.flags.c_contiguous  # was refused as "must be bytes-like, not ndarray"
    assert ect.PointArray.from_bytes(C, strided) == A
    assert C.decode(np.repeat(np.frombuffer(A[0].to_bytes(), dtype=np.uint8), 2)[::2]) == A[0]
    with pytest.raises(TypeError, match="encoded points must be bytes-like, not list"):
        ect.PointArray.from_bytes(C, [1, 2])


def test_from_bytes_never_returns_undecoded_points_when_the_buffer_changes():
    """A buffer rewritten by another thread during the call (3,000 compressed points, then
    130,000 identities rewritten to 2,000 uncompressed points, the same number of bytes):
    before the fix, 30 of 30 calls returned 133,000 points of which 5,000 were decoded."""
    head = C.multiply_generator(range(1, 3001)).to_bytes()
    zeros = bytes(130_000)
    uncompressed = C.multiply_generator(range(5001, 7001)).to_bytes(compressed=False)
    assert len(uncompressed) == len(zeros)
    buf = bytearray(head + zeros)
    stop = threading.Event()

    def writer():
        tails = (uncompressed, zeros)
        i = 0
        while not stop.is_set():
            buf[len(head):] = tails[i % 2]
            i += 1

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    t = threading.Thread(target=writer)
    t.start()
    try:
        results = []
        for _ in range(30):
            try:
                results.append(ect.PointArray.from_bytes(C, buf))
            except ect.EncodingError:  # a copy taken mid-rewrite may split a record: refused, never wrong
                pass
    finally:
        stop.set()
        t.join()
        sys.setswitchinterval(old)
    assert results
    for arr in results:
        assert len(arr) in (3000 + 130_000, 3000 + 2000)
        blob = arr.to_bytes(compressed=False)
        assert ect.PointArray.from_bytes(C, blob) == arr  # every point valid: it round-trips
        assert arr[:3000].to_bytes() == head


# ---- out of memory ------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux applies it")
def test_composition_coefficients_report_a_failed_allocation_as_memory_error():
    """The C core's scratch for D distinct tokens (72 bytes each) is larger than the result
    (32 bytes each on secp256k1): under an address-space limit that fits the result but not
    the scratch, the failed allocation is a MemoryError, not "token indices must be in [0, D)"."""
    script = textwrap.dedent(
        """
        import resource
        import numpy as np
        import ectraverse as ect
        core = ect.curve("secp256k1")._core
        D = 6_000_000
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 2**20, resource.RLIM_INFINITY))
        try:
            core.composition_coefficients(np.zeros(1, dtype=np.int64), D, 5)
        except MemoryError as exc:
            print("MemoryError:", exc)
        except ValueError as exc:
            print("ValueError:", exc)
        else:
            print("no error")
        """
    )
    out = run_python(script, text=True, timeout=120)
    assert "MemoryError: out of memory accumulating the coefficients of 6000000 distinct tokens" in out.stdout, (
        out.stdout + out.stderr
    )


# ---- Horner's rule over an array: the engine's door to the core ---------------------------------


@pytest.mark.parametrize("name", ["secp256k1", "P-384", "toy61"])
def test_horner_and_its_prefixes_equal_the_naive_sums(name):
    import random

    curve = ect.curve(name)
    B = curve.multiply_generator(range(3, 13))
    rng = random.Random(7)
    k = rng.randrange(2, curve.n - 1)
    for L in (0, 1, 2, 17):
        idx = [rng.randrange(10) for _ in range(L)]
        naive = curve.identity
        for t in idx:
            naive = k * naive + B[t]
        assert B.horner(idx, k) == naive == B.horner(np.array(idx, dtype=np.uint16), k)
        states = B.horner_prefixes(idx, k)
        assert len(states) == L + 1 and states[L] == naive and states[0] == curve.identity
    assert B.horner([-1, 0], k) == B.horner([9, 0], k)
    mine = np.array([-1, 0, 3], dtype=np.intp)
    B.horner(mine, k)
    assert mine.tolist() == [-1, 0, 3]  # the caller's array, read in place, is left as it was


def test_horner_refuses_bad_indices_and_multipliers():
    B = C.multiply_generator([1, 2])
    with pytest.raises(IndexError, match=r"must be in \[-2, 2\) for length 2, not 2"):
        B.horner([0, 2], 5)
    with pytest.raises(TypeError, match="k must be an int, not float"):
        B.horner([0, 1], 5.0)
    with pytest.raises(IndexError):
        B.horner_prefixes([3], 5)


# ---- digests ------------------------------------------------------------------------------------


def test_digests_are_the_low_bytes_of_x_and_equal_for_equal_points():
    P = C.multiply_generator([5, 7, 5, 0])
    P = P.concat(-P[:1])
    d = P.digests(16)
    assert d.shape == (5, 16) and d.dtype == np.uint8 and not d.flags.writeable
    coords = P.coordinates()
    for row, xy in zip(d, coords):
        assert bytes(row) == (bytes(16) if xy is None else xy[0].to_bytes(32, "big")[-16:])
    assert bytes(d[0]) == bytes(d[2]) == bytes(d[4])  # 5G twice, and -5G shares x: a digest never proves equality
    assert P.digests(32).shape == (5, 32) and P.digests(1).shape == (5, 1)
    assert C.multiply_generator([]).digests().shape == (0, 16)


@pytest.mark.parametrize("bad", [0, 33, -1, np.int64(33)])
def test_digests_refuse_a_bad_width(bad):
    with pytest.raises(ValueError, match=rf"nbytes must be an int in \[1, 32\], not {int(bad)}$"):
        C.multiply_generator([1]).digests(bad)


@pytest.mark.parametrize("bad", [True, 1.0, "16"])
def test_digests_refuse_a_width_that_is_not_an_int(bad):
    with pytest.raises(TypeError, match=f"nbytes must be an int, not {type(bad).__name__}"):
        C.multiply_generator([1]).digests(bad)
    assert C.multiply_generator([1]).digests(np.int64(4)).shape == (1, 4)


def test_context_batch_digests_group_equal_windows():
    eng = ect.Traversal("secp256k1")
    batch = eng.prefixes("a b a b c a b").windows(2)
    d = [bytes(r) for r in batch.digests()]
    assert d[0] == d[2] == d[5] and len(set(d)) == 4
