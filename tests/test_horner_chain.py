"""The Horner chain in C: ``PointArray.horner_prefixes`` and ``CurveCore.horner_prefixes``.

* every prefix against the definition ``S_i = k S_(i-1) + P_(u_i)`` computed
  point by point (``k * S + P``), on every curve, toy curves included, and on
  the portable core (no assembly, no AVX-512);
* chains through the identity (``k S + P = O``), through a doubling
  (``k S = P``), through identity points of the batch, with k = 0, 1, n - 1
  and k >= n, negative indices, empty indices;
* the core's argument errors.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import ectraverse as ect
from strategies import portable_core

ALL = ect.curve_names()


def definition(A: ect.PointArray, idx, k: int) -> list:
    """The prefixes, one point operation at a time."""
    S = A.curve.identity
    out = [S]
    for t in idx:
        S = k * S + A[t]
        out.append(S)
    return out


@pytest.mark.parametrize("name", ALL)
def test_prefixes_equal_the_definition_on_every_curve(name):
    C = ect.curve(name)
    n = C.n
    rng = random.Random(name)
    A = C.multiply_generator([rng.randrange(1, n) for _ in range(6)] + [0])  # the last one is the identity
    for k in (0, 1, 2, n - 1, n, n + 5, rng.randrange(n), rng.randrange(n)):
        idx = [rng.randrange(-7, 7) for _ in range(9)]
        S = A.horner_prefixes(idx, k)
        assert len(S) == len(idx) + 1
        assert list(S) == definition(A, idx, k), (name, k, idx)
        assert S[len(idx)] == A.horner(idx, k)


@pytest.mark.parametrize("name", ALL)
def test_the_portable_core_runs_the_same_chain(name):
    C = ect.curve(name)
    port = portable_core(C)
    rng = random.Random(f"portable {name}")
    A = C.multiply_generator([rng.randrange(C.n) for _ in range(5)])
    idx = np.array([rng.randrange(5) for _ in range(12)], dtype=np.int64)
    k = rng.randrange(C.n)
    mine = C._core.horner_prefixes(A._a, idx, k)
    theirs = port.horner_prefixes(A._a, idx, k)
    assert len(mine) == len(theirs) == 13
    for a, b in zip(mine, theirs):
        assert C._core.affine(a.tobytes()) == port.affine(b.tobytes())
    want = definition(A, idx.tolist(), k)
    assert [C._core.affine(r.tobytes()) for r in mine] == [C._core.affine(P._raw) for P in want]


@pytest.mark.parametrize("name", ["toy61", "toy-plot", "toy-h4", "toy-a0", "secp256k1"])
def test_chains_through_the_identity_and_through_doublings(name):
    """k S + P = O (the sum vanishes), k S = P (the sum doubles), and the identity as an addend."""
    C = ect.curve(name)
    rng = random.Random(f"identity {name}")
    k = rng.randrange(2, C.n - 1)
    P = rng.randrange(1, C.n) * C.generator
    # A[0] = P, A[1] = -k P, A[2] = k P, A[3] = O
    A = ect.PointArray(C, [P, -(k * P), k * P, C.identity])
    cases = [
        [0, 1],           # S_2 = k P - k P = O
        [0, 1, 0, 1],     # through O and back
        [0, 2],           # S_2 = k P + k P: a doubling
        [3, 3, 0],        # O, O, then P
        [0, 3, 3],        # k S + O
    ]
    for idx in cases:
        S = A.horner_prefixes(idx, k)
        assert list(S) == definition(A, idx, k), (name, idx)
    assert A.horner_prefixes([0, 1], k)[2].is_identity
    assert A.horner_prefixes([0, 2], k)[2] == 2 * k * P


@pytest.mark.parametrize("name", ["toy61", "secp256k1", "P-521"])
def test_empty_indices_give_the_identity_alone(name):
    C = ect.curve(name)
    A = C.multiply_generator([1, 2, 3])
    for idx in ([], np.array([], dtype=np.int64), range(0)):
        S = A.horner_prefixes(idx, 12345)
        assert len(S) == 1 and S[0].is_identity
    empty = ect.PointArray(C, [])
    S = empty.horner_prefixes([], 7)
    assert len(S) == 1 and S[0].is_identity


@pytest.mark.parametrize("length", [4, 1025, 2500])
def test_the_outputs_are_normalised(length):
    """The rows come back with Z = 1 (the identity Z = 0), as the other batch results do: in every chunk
    of rows the core normalises at once, the last and partial one too."""
    C = ect.curve("secp256k1")
    A = C.multiply_generator([3, 5])
    idx = np.array([0, 1, 1, 0] if length == 4 else random.Random(length).choices([0, 1], k=length))
    raw = C._core.horner_prefixes(A._a, idx, 77)
    one = np.frombuffer(C._core.identity_raw, dtype=np.uint64).reshape(3, -1)[1]  # Montgomery 1
    assert (raw[0, 2] == 0).all()
    assert (raw[1:, 2] == one).all()


def test_long_chains_cross_the_normalisation_chunks():
    C = ect.curve("toy61")
    rng = random.Random(3)
    A = C.multiply_generator([rng.randrange(C.n) for _ in range(4)] + [0])
    idx = [rng.randrange(5) for _ in range(2500)]
    k = rng.randrange(C.n)
    assert list(A.horner_prefixes(idx, k)) == definition(A, idx, k)


def test_core_argument_errors():
    C = ect.curve("toy61")
    core = C._core
    A = C.multiply_generator([1, 2])._a
    with pytest.raises(ValueError, match=r"indices must be in \[0, 2\) for 2 points, not 2"):
        core.horner_prefixes(A, [0, 2], 5)
    with pytest.raises(ValueError, match=r"indices must be in \[0, 2\) for 2 points, not -1"):
        core.horner_prefixes(A, [-1], 5)
    with pytest.raises(ValueError, match="one-dimensional"):
        core.horner_prefixes(A, [[0, 1]], 5)
    with pytest.raises(TypeError, match="indices must be ints"):
        core.horner_prefixes(A, [0.5], 5)
    with pytest.raises(TypeError, match="k must be an int, not float"):
        core.horner_prefixes(A, [0], 5.0)
    with pytest.raises(TypeError, match="k must be an int, not bool"):
        core.horner_prefixes(A, [0], True)
    with pytest.raises(ValueError, match="raw point batch"):
        core.horner_prefixes(A[:, :2], [0], 5)
    with pytest.raises(ValueError, match=r"indices must be in \[0, 0\) for 0 points, not 0"):
        core.horner_prefixes(core.new_batch(0), [0], 5)
    B = C.multiply_generator([1, 2])
    with pytest.raises(IndexError):
        B.horner_prefixes([3], 5)
    with pytest.raises(TypeError, match="k must be an int"):
        B.horner_prefixes([0], 5.0)
