"""Error paths of the engine and its contexts: each refusal is specific and says what was expected.

The cases come from a newcomer's and an adversarial user's session (issue 15):
each raised a confusing error from deep inside (``pow()``, ``'<='``), or
passed silently where it should not have.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import ectraverse as ect
from ectraverse.traverse import PrefixStates


@pytest.fixture(scope="module")
def eng():
    return ect.Traversal("secp256k1", namespace="boundary")


@pytest.mark.parametrize("i, j, bad", [(0.5, 1, "float"), (0, "2", "str"), (True, 2, "bool"), (None, 1, "NoneType")])
def test_window_bounds_must_be_ints(eng, i, j, bad):
    states = eng.prefixes("a b c")
    with pytest.raises(TypeError, match=f"window bound [ij] must be an int, not {bad}"):
        states.window(i, j)


def test_window_bounds_accept_numpy_ints(eng):
    states = eng.prefixes("a b c")
    assert states.window(np.int64(1), np.uint8(3)) == eng.compose("b c")


@pytest.mark.parametrize("index, bad", [("a", "str"), (1.0, "float"), (False, "bool")])
def test_prefix_indices_must_be_ints(eng, index, bad):
    with pytest.raises(TypeError, match=f"prefix index must be an int, not {bad}"):
        eng.prefixes("a b")[index]


def test_a_part_longer_than_the_whole_is_refused(eng):
    whole = eng.compose("a b")
    with pytest.raises(ValueError, match="A prefix of a sequence of 2 tokens has at most 2 tokens, not 3"):
        eng.remove_prefix(whole, "a b c")
    with pytest.raises(ValueError, match="A suffix of a sequence of 2 tokens has at most 2 tokens, not 3"):
        eng.remove_suffix(whole, "x a b")
    for empty in (eng.identity, ""):  # the empty sequence has no part but itself
        with pytest.raises(ValueError, match="A prefix of a sequence of 0 tokens has at most 0 tokens, not 2"):
            eng.remove_prefix(empty, "a b")
        with pytest.raises(ValueError, match="A suffix of a sequence of 0 tokens has at most 0 tokens, not 2"):
            eng.remove_suffix(empty, "a b")
    assert eng.remove_prefix("", "") == eng.identity
    # what the group cannot tell stays allowed, and is exact group arithmetic
    assert eng.remove_prefix(whole, "b") == eng.compose("b").inverse() * whole
    assert eng.remove_suffix(whole, "a b") == eng.identity


def test_a_tokenizer_returning_a_str_is_refused_everywhere():
    def bad(text):
        return text.upper()

    engine = ect.Traversal("secp256k1", tokenizer=bad, tokenizer_name="upper")
    for call in (lambda: engine.compose("ab"), lambda: ect.Vocabulary.from_corpus(["ab"], bad)):
        with pytest.raises(TypeError, match="must return a list of tokens, not str"):
            call()


def test_contexts_of_two_engines_name_both_fingerprints(eng):
    other = ect.Traversal("secp256k1", namespace="elsewhere")
    a, b = eng.compose("a"), other.compose("a")
    pattern = f"fingerprints {eng.fingerprint.hex()} and {other.fingerprint.hex()}"
    with pytest.raises(ect.ContextMismatchError, match=pattern):
        a * b
    with pytest.raises(ect.ContextMismatchError, match=f"fingerprint {other.fingerprint.hex()}, this engine's is "):
        eng.remove_prefix(a, b)


def test_context_bytes_from_any_buffer_layout(eng):
    c = eng.compose("a b c")
    raw = np.frombuffer(c.to_bytes() * 2, dtype=np.uint8)[::2]  # every other byte: not contiguous
    assert not raw.flags.c_contiguous
    assert eng.context_from_bytes(np.frombuffer(c.to_bytes(), dtype=np.uint8)) == c
    with pytest.raises(ect.EncodingError):
        eng.context_from_bytes(raw)  # read, and refused as the bytes it holds, not as "not bytes-like"
    doubled = np.repeat(np.frombuffer(c.to_bytes(), dtype=np.uint8), 2)[::2]
    assert not doubled.flags.c_contiguous and eng.context_from_bytes(doubled) == c


class _Forged:
    """Pickles as the reduce tuple it is given: the bytes anyone could write in place of a real pickle."""

    def __init__(self, rv):
        self.rv = rv

    def __reduce__(self):
        return self.rv


def _forged(obj, change) -> bytes:
    """A pickle of obj with its reduce tuple's arguments changed by ``change(list) -> list``."""
    fn, args = obj.__reduce__()
    return pickle.dumps(_Forged((fn, tuple(change(list(args))))))


def test_edited_pickles_raise_instead_of_giving_wrong_contexts():
    eng = ect.Traversal("secp256k1")
    part = eng.coefficients("a b a c")
    assert eng.from_coefficients(pickle.loads(pickle.dumps(part))) == eng.compose("a b a c")
    p256 = ect.curve("P-256")
    for change in (
        lambda a: [a[0], a[1], a[2][:2], a[3]],  # a token dropped: its row would be dropped silently
        lambda a: [a[0], a[1], a[2] + ("z",), a[3]],  # a token added
        lambda a: [a[0], a[1], (a[2][0],) * len(a[2]), a[3]],  # a token twice
        lambda a: [a[0], "xyz", a[2], a[3]],
        lambda a: [a[0], 4.5, a[2], a[3]],
        lambda a: [a[0], -1, a[2], a[3]],
        lambda a: [a[0], 2, a[2], a[3]],  # shorter than its distinct tokens
        lambda a: [a[0], a[1], a[2], a[3].astype(np.int64)],
        lambda a: [a[0], a[1], a[2], a[3][:, :3]],
        lambda a: [a[0], a[1], a[2], np.full_like(a[3], np.iinfo(np.uint64).max)],  # rows not below n
        lambda a: [a[0], a[1], [1.5] * len(a[2]), a[3]],
        lambda a: [a[0], a[1], (2**64,) + a[2][1:], a[3]],  # an int no vocabulary holds
        lambda a: [a[0], a[1], ("\ud800",) + a[2][1:], a[3]],  # a lone surrogate
        lambda a: ["group", a[1], a[2], a[3]],
    ):
        with pytest.raises(ValueError, match="corrupt Coefficients pickle"):
            pickle.loads(_forged(part, change))

    V = ect.Vocabulary(ect.curve("secp256k1"), ["a", "b", "c"])
    V.generators
    assert pickle.loads(pickle.dumps(V)) == V
    for change in (
        lambda a: a[:3] + [[1.5, 2**70, "c"]] + a[4:],
        lambda a: a[:3] + [["a", ["b"], "c"]] + a[4:],
        lambda a: a[:3] + [["a", "a", "c"]] + a[4:],
        lambda a: a[:3] + [["a"]] + a[4:],  # more generators than tokens
        lambda a: a[:4] + [p256.multiply_generator([1, 2, 3])] + a[5:],
        lambda a: a[:4] + ["generators"] + a[5:],
        lambda a: a[:2] + [1] + a[3:],  # frozen not a bool
        lambda a: a[:2] + [True] + a[3:5] + [7],  # an unknown id past the tokens
        lambda a: a[:3] + ["abc"] + a[4:],  # a str: once three tokens "a", "b", "c"
        lambda a: a[:3] + [{"a": 0, "b": 1, "c": 2}] + a[4:],  # a dict: once its keys
        lambda a: a[:3] + [5] + a[4:],  # once a bare "'int' object is not iterable"
        lambda a: a[:3] + [["a", "b", "c\ud800"]] + a[4:],  # no token in any vocabulary
    ):
        with pytest.raises(ValueError, match="corrupt Vocabulary pickle"):
            pickle.loads(_forged(V, change))

    batch = eng.prefixes("a b c").windows(2)
    assert [c.to_bytes() for c in pickle.loads(pickle.dumps(batch))] == [c.to_bytes() for c in batch]
    with pytest.raises(ect.CurveMismatchError, match="The points are on 'P-256', the contexts' group on 'secp256k1'"):
        pickle.loads(_forged(batch, lambda a: [a[0], a[1], p256.multiply_generator([1, 2])]))
    with pytest.raises(TypeError, match="length must be an int, not float"):
        pickle.loads(_forged(batch, lambda a: [a[0], 2.0, a[2]]))
    with pytest.raises(TypeError, match="points must be a PointArray, not list"):
        ect.ContextBatch(eng.group, 2, [])
    with pytest.raises(TypeError, match="group must be a ContextGroup, not Traversal"):
        ect.ContextBatch(eng, 2, batch.points)


def test_prefix_states_index_and_traverser_pickles_are_checked():
    """These pickled their internals unchecked: an edited pickle loaded as states of other tokens, an index
    that missed matches, a traverser holding another engine's context. Prefix states and indexes now pickle
    as what they are built from and are built again; a traverser's state is checked against its engine."""
    A, B = ect.Traversal("secp256k1"), ect.Traversal("secp256k1", namespace="other")
    ps = A.prefixes("a b c d e f g h")
    back = pickle.loads(pickle.dumps(ps))
    assert back.tokens_length == 8 and [back[i] for i in range(9)] == [ps[i] for i in range(9)]
    started = PrefixStates(A, A.vocabulary.ids(["c", "d"]), start=A.compose("a b"))  # as dask.prefixes makes them
    assert pickle.loads(pickle.dumps(started))[2] == A.compose("a b c d")
    for change in (
        lambda a: ["engine", a[1], a[2]],
        lambda a: [a[0], a[1][:, None], a[2]],
        lambda a: [a[0], a[1].astype(float), a[2]],
        lambda a: [a[0], a[1] + 100, a[2]],  # ids past the vocabulary
        lambda a: [a[0], -a[1] - 1, a[2]],
        lambda a: [a[0], np.array([0, -1]), a[2]],  # -1 alone, which NumPy would read as the last row
        lambda a: [a[0], "abc", a[2]],
        lambda a: [a[0], a[1], "start"],
    ):
        with pytest.raises(ValueError, match="corrupt PrefixStates pickle"):
            pickle.loads(_forged(ps, change))
    with pytest.raises(ect.ContextMismatchError):
        pickle.loads(_forged(started, lambda a: [a[0], a[1], B.compose("a b")]))
    edited = pickle.loads(_forged(ps, lambda a: [a[0], a[1][:-1], a[2]]))  # consistent with its tokens
    assert edited.tokens_length == 7 and edited[7] == A.compose("a b c d e f g")

    ix = A.index("a b a b c", 3)
    assert pickle.loads(pickle.dumps(ix)).find("a b") == [0, 2]
    reversed_ix = pickle.loads(_forged(ix, lambda a: [a[0], a[1][::-1], a[2]]))  # tokens c b a b a
    assert reversed_ix.find("a b") == [2] and reversed_ix.find("b a") == [1, 3]
    for change in (lambda a: [a[0], [1.5] * 5, a[2]], lambda a: [a[0], [99], a[2]], lambda a: [a[0], [0, -1], a[2]],
                   lambda a: [None, a[1], a[2]]):
        with pytest.raises(ValueError, match="corrupt WindowIndex pickle"):
            pickle.loads(_forged(ix, change))
    with pytest.raises(TypeError, match="max_n must be an int"):
        pickle.loads(_forged(ix, lambda a: [a[0], a[1], 2.5]))

    # pickles made before (the objects' fields as a dict, max_n a plain attribute then): built again from their
    # engine and ids, so checked too
    legacy_ix = {("max_n" if k == "_max_n" else k): v for k, v in _fields(ix).items()}
    assert pickle.loads(_forged_state(ix, legacy_ix)).find("a b") == [0, 2]
    old_ix = {k: v for k, v in legacy_ix.items() if k != "_asked"}
    assert pickle.loads(_forged_state(ix, {**old_ix, "_ids": old_ix["_ids"][::-1]})).find("a b") == [2]
    assert pickle.loads(_forged_state(ps, _fields(ps)))[8] == A.compose("a b c d e f g h")
    assert pickle.loads(_forged_state(started, _fields(started)))[2] == A.compose("a b c d")
    # kept as its length alone: a start of length 0 that is not the identity was dropped, every state wrong
    level = A.compose("a") * A.compose("b").inverse()
    assert level.length == 0 and not level.point.is_identity
    folded = {k: v for k, v in _fields(PrefixStates(A, A.vocabulary.ids(["c"]), start=level)).items() if k != "_start"}
    for obj, state in ((ix, {**old_ix, "_ids": [99]}), (ps, {**_fields(ps), "_ids": np.array([99])}),
                       (ps, {"_ids": ps._ids}), (ps, folded), (started, {**_fields(started), "_start": "a b"}),
                       (ix, [1])):
        with pytest.raises(ValueError, match=f"corrupt {type(obj).__name__} pickle"):
            pickle.loads(_forged_state(obj, state))

    t = A.traverser(history=True)
    t.push_many("x y")
    back = pickle.loads(pickle.dumps(t))
    assert back.state == t.state and back.undo() == A.compose("x")
    for state, error in (
        ((None, {"_engine": A, "_state": B.compose("x y"), "_history": ["x", "y"]}), ect.ContextMismatchError),
        ((None, {"_engine": A, "_state": "x y", "_history": None}), ValueError),
        ((None, {"_engine": A, "_state": t.state, "_history": "xy"}), ValueError),
        ((None, {"_engine": A, "_state": t.state}), ValueError),
        ({"_engine": A}, ValueError),
    ):
        with pytest.raises(error):
            pickle.loads(_forged_state(t, state))


def _fields(obj) -> dict:
    """obj's fields by name, as a pickle of it held them when it had a ``__dict__``."""
    return {name: getattr(obj, name) for name in type(obj).__slots__}


def _forged_state(obj, state) -> bytes:
    """A pickle of obj whose state (what __setstate__ receives) is ``state``."""
    return pickle.dumps(_Forged((object.__new__, (type(obj),), state)))


def test_pickles_that_set_fields_directly_are_refused():
    """A hand-made pickle (object.__new__ and the fields as its state) skipped every check of these classes'
    reduce functions: a point off its curve loaded and was added, a context of any length, a vocabulary whose
    ids disagreed with its tokens. Each is built again from what it is made of, or refused."""
    eng = ect.Traversal("secp256k1")
    C, G = eng.curve, eng.curve.generator
    off_curve = {"_curve": C, "_raw": G._raw, "_enc": None, "_xy": (1, 2)}
    objects = [(G, (None, off_curve)), (C, (None, {})), (C.multiply_generator([1, 2]), (None, {"_curve": C})),
               (eng.compose("a b"), (None, {"_group": eng.group, "_length": -5, "_point": G})),
               (eng.group, (None, {})), (eng.vocabulary, (None, {"_tokens": ["a", "a"], "_ids": {"a": 7}})),
               (eng, {"_curve": C}), (eng.coefficients("a b"), (None, {})), (eng.prefixes("a b").windows(1), (None, {}))]
    for obj, state in objects:
        name = type(obj).__name__
        assert type(pickle.loads(pickle.dumps(obj))) is type(obj)  # a real pickle is built again
        with pytest.raises(ValueError, match=f"corrupt {name} pickle: a {name} is built again from what it is made of"):
            pickle.loads(_forged_state(obj, state))
    # a keyed group pickles as its fingerprint; one that is not bytes raised AttributeError from inside
    from ectraverse.context import _live_keyed_group
    with pytest.raises(ValueError, match="corrupt ContextGroup pickle: a keyed group's fingerprint must be bytes, not str"):
        pickle.loads(pickle.dumps(_Forged((_live_keyed_group, ("ab",)))))


def test_point_and_context_pickles_check_their_curve_and_group():
    """A Point or Context pickle whose curve or group is not one: a TypeError saying so (an int group once
    loaded as an int, None raised AttributeError from inside)."""
    eng = ect.Traversal("secp256k1")
    c, G = eng.compose("a b"), eng.curve.generator
    for bad in (7, None, "secp256k1", eng):
        with pytest.raises(TypeError, match=f"corrupt Context pickle: its group must be a ContextGroup, not {type(bad).__name__}"):
            pickle.loads(_forged(c, lambda a: [bad, a[1]]))
    for bad in ("secp256k1", b"secp256k1", None):
        with pytest.raises(TypeError, match=f"corrupt Point pickle: its curve must be a Curve, not {type(bad).__name__}"):
            pickle.loads(_forged(G, lambda a: [bad, a[1]]))
    assert pickle.loads(pickle.dumps(c)) == c and pickle.loads(pickle.dumps(G)) == G


def test_a_context_batch_slices_into_a_batch():
    """A slice of a batch once made a Context whose point was a whole PointArray (bytes that would not decode,
    products that raised from inside)."""
    eng = ect.Traversal("secp256k1")
    batch = eng.prefixes("a b c d e").windows(2)
    part = batch[1:3]
    assert isinstance(part, ect.ContextBatch) and part.length == 2 and list(part) == list(batch)[1:3]
    assert batch[-1] == list(batch)[-1] == eng.compose("d e")
    for bad in (1.5, [0, 1], "0", True):
        with pytest.raises(TypeError, match=f"batch index must be an int, not {type(bad).__name__}"):
            batch[bad]


def test_what_is_not_a_token_sequence_says_what_is():
    eng = ect.Traversal("secp256k1")
    with pytest.raises(TypeError, match="bytes are not tokens"):  # as bytes and bytearray: not int tokens
        eng.compose(memoryview(b"a b"))
    for bad in (None, 5, 3.5):
        for call in (eng.compose, eng.prefixes, eng.traverser().push_many, lambda x: eng.remove_prefix("a b", x)):
            with pytest.raises(TypeError, match="a token sequence must be a str, a sequence of tokens or a NumPy "
                                                f"int array, not {type(bad).__name__}"):
                call(bad)
