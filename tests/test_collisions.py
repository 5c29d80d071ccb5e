"""No collisions among the windows of 10^6 tokens of real text (slow: 60-75 s, about 0.6 GB).

Every window of length 1..8 of the first 10^6 tokens of the Python standard
library's source, on secp256k1: two windows have the same context point
exactly when their token sequences are equal.  Both directions are checked
against the token-id sequences themselves (not against hashes of them):

* every group of windows sharing a point holds equal id tuples (no collision);
* every group of windows with equal id tuples shares one point (determinism,
  and the batch recurrence agrees with itself across positions).

Real text: the standard library's top-level ``*.py`` files sorted by name,
then, because those hold slightly fewer than 10^6 tokens (995,510 on CPython
3.11), the ``*.py`` files of its subpackages sorted by relative path (outside
``site-packages``), tokenized with :func:`ectraverse.tokenizers.words` and cut
at 10^6 tokens.

Window points come from the engine's batch path, ``Traversal._window_levels``
(``prefixes`` does one scalar multiplication per token, far too slow here), and
a seeded sample of them is checked against ``compose`` so that the batch path
cannot pass by producing distinct garbage.  Grouping is done in NumPy: the
33-byte compressed encodings (no identity is expected on secp256k1, so the
batch encoding is exactly 33 bytes per window) and the id windows are each
viewed as one opaque record per row and ``np.unique``-d.
"""

from __future__ import annotations

import pathlib
import random
import sysconfig

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from ectraverse import tokenizers
from ectraverse.traverse import Traversal

TOKENS = 10**6
MAX_M = 8
RECORD = 33  # compressed secp256k1 point


def stdlib_corpus(count: int) -> list:
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    top = sorted(root.glob("*.py"), key=lambda f: f.name)
    deeper = sorted(
        (f for f in root.rglob("*.py") if f.parent != root and "site-packages" not in f.relative_to(root).parts),
        key=lambda f: f.relative_to(root).as_posix(),
    )
    out: list = []
    for f in [*top, *deeper]:
        out.extend(tokenizers.words(f.read_text(encoding="utf-8", errors="replace")))
        if len(out) >= count:
            return out[:count]
    pytest.skip(f"the standard library holds only {len(out)} tokens")  # pragma: no cover


def rows_as_records(a: np.ndarray) -> np.ndarray:
    """A 2-D array as a 1-D array of opaque records, one per row (for np.unique)."""
    a = np.ascontiguousarray(a)
    return a.view(np.dtype((np.void, a.dtype.itemsize * a.shape[1]))).ravel()


def equal_within_groups(group: np.ndarray, rows: np.ndarray) -> tuple[bool, int]:
    """(all rows equal within every group of equal ``group`` labels, number of adjacent pairs compared)."""
    order = np.argsort(group, kind="stable")
    g = group[order]
    same = g[1:] == g[:-1]
    first, second = order[:-1][same], order[1:][same]
    return bool(np.array_equal(rows[first], rows[second])), int(same.sum())


def test_no_collisions_among_windows_of_a_million_tokens():
    tokens = stdlib_corpus(TOKENS)
    assert len(tokens) == TOKENS
    eng = Traversal("secp256k1", namespace="collisions")
    ids = eng.vocabulary.add_many(tokens)
    ids_arr = np.asarray(ids, dtype=np.int32)
    assert len(eng.vocabulary) > 20_000  # a large vocabulary: real text
    rng = random.Random(20240601)

    levels = eng._window_levels(ids, MAX_M)
    for m in range(1, MAX_M + 1):
        count = TOKENS - m + 1
        W = next(levels)
        assert len(W) == count

        # the batch path gives the contexts of the windows (a seeded sample, ends included)
        for i in [0, count - 1, *rng.sample(range(count), 30)]:
            assert W[i] == eng.compose(tokens[i : i + m]).point, (m, i)

        blob = W.to_bytes()
        del W
        assert len(blob) == RECORD * count  # no identity among the windows
        points = np.frombuffer(blob, dtype=np.uint8).reshape(count, RECORD)
        windows = sliding_window_view(ids_arr, m)  # (count, m) token ids, a view

        _, point_group, point_counts = np.unique(rows_as_records(points), return_inverse=True, return_counts=True)
        _, window_group, window_counts = np.unique(rows_as_records(windows), return_inverse=True, return_counts=True)
        point_group, window_group = point_group.ravel(), window_group.ravel()

        # windows sharing a point have equal token ids: no collision
        ok, pairs = equal_within_groups(point_group, windows)
        assert ok, f"a collision among the windows of length {m}"
        # windows with equal token ids share a point
        ok_converse, pairs_converse = equal_within_groups(window_group, points)
        assert ok_converse, f"equal windows of length {m} with different points"

        # so the two partitions are the same one; and real text repeats itself at every length
        assert len(point_counts) == len(window_counts)
        assert sorted(point_counts.tolist()) == sorted(window_counts.tolist())
        assert pairs == pairs_converse == count - len(point_counts) > 0
        del blob, points, point_group, window_group
