"""``Traversal.repeats(x, m)``: the repeated m-token windows, exactly.

* equal to a plain dict of m-tuples (same groups, same order, same form), by
  hypothesis on small and large vocabularies, lists and NumPy arrays of int
  tokens, secp256k1 and a toy curve; and to ``index(x, m).repeats(m)`` on
  secp256k1 (on the toy curve, whose group has 47 elements, the index groups
  windows whose contexts collide; ``repeats`` checks tokens and does not);
* forced digest collisions (every window one digest, or a digest of one bit)
  never group windows that differ;
* the digest is the polynomial it claims to be, whatever m;
* 20,000 tokens of real text against the dict; the argument errors.
"""

from __future__ import annotations

import pathlib
import sysconfig
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ectraverse import tokenizers, traverse
from ectraverse.traverse import Traversal
from strategies import VOCABS, engine, examples


def by_dict(tokens, m):
    """The reference: a dict of m-tuples, groups of two or more in order of first occurrence."""
    d: dict = {}
    for i in range(len(tokens) - m + 1):
        d.setdefault(tuple(tokens[i : i + m]), []).append(i)
    return [(k, v) for k, v in d.items() if len(v) > 1]


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", ["secp256k1", "toy-plot"])
@given(data=st.data())
def test_repeats_equal_a_dict_and_the_index(name, vocab, data):
    eng = engine(name)
    x = data.draw(st.lists(VOCABS[vocab], max_size=40))
    m = data.draw(st.integers(1, 6))
    got = eng.repeats(x, m)
    assert got == by_dict(x, m)
    if m <= len(x) and name == "secp256k1":  # toy-plot's group is tiny: its index groups unequal windows
        assert got == eng.index(x, m).repeats(m)


@given(x=st.lists(st.integers(0, 3), max_size=60), m=st.integers(1, 8))
def test_repeats_of_int_arrays(x, m):
    eng = engine("secp256k1")
    assert eng.repeats(np.array(x, dtype=np.int64), m) == eng.repeats(x, m) == by_dict(x, m)


def constant_digest(ids, m):
    return np.zeros(ids.shape[0] - m + 1, dtype=np.uint64)


def one_bit_digest(ids, m):
    return traverse.__dict__["_real_digests"](ids, m) & np.uint64(1)


traverse._real_digests = traverse._window_digests


@pytest.mark.parametrize("digest", [constant_digest, one_bit_digest])
@given(x=st.lists(st.sampled_from("abc"), max_size=50), m=st.integers(1, 5))
@examples(60)
def test_forced_digest_collisions_never_group_different_windows(digest, x, m):
    eng = engine("secp256k1")
    with mock.patch.object(traverse, "_window_digests", digest):
        assert eng.repeats(x, m) == by_dict(x, m)


@given(ids=st.lists(st.integers(0, 2**40), min_size=1, max_size=30), data=st.data())
def test_the_window_digest_is_its_polynomial(ids, data):
    m = data.draw(st.integers(1, len(ids)))
    B, mask = traverse._DIGEST_BASE, (1 << 64) - 1
    want = [sum(ids[i + e] * pow(B, m - 1 - e, 1 << 64) for e in range(m)) & mask for i in range(len(ids) - m + 1)]
    assert traverse._window_digests(np.array(ids, dtype=np.int64), m).tolist() == want


def test_repeats_of_real_text():
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    toks: list = []
    for f in sorted(root.glob("*.py"), key=lambda f: f.name):
        toks.extend(tokenizers.words(f.read_text(encoding="utf-8")))
        if len(toks) >= 20_000:
            break
    toks = toks[:20_000]
    eng = Traversal("secp256k1", namespace="repeats")
    for m in (1, 3, 8, 40):
        assert eng.repeats(toks, m) == by_dict(toks, m)
    text = " ".join(toks[:3000])
    assert eng.repeats(text, 8) == by_dict(eng.tokens(text), 8)


def test_repeats_errors():
    eng = engine("secp256k1")
    with pytest.raises(ValueError, match="window length must be a positive int, not 0"):
        eng.repeats("a b", 0)
    with pytest.raises(TypeError, match="window length must be an int, not float"):
        eng.repeats("a b", 2.0)
    assert eng.repeats("", 1) == [] and eng.repeats("a b", 3) == []
