"""What Python and NumPy users expect of the library's objects: equality that follows identity,
attributes that cannot be assigned, copies, truth values, indexing and scalars refused clearly."""

import copy
import pickle
import weakref

import numpy as np
import pytest

import ectraverse as ect
from ectraverse.errors import CurveMismatchError


def _split(text):  # a custom tokenizer that pickles (by reference)
    return text.split()


def _renamed_copy(C: ect.Curve, name: str) -> ect.Curve:
    p = C.params
    return ect.Curve(name=name, p=p.p, a=p.a, b=p.b, gx=p.gx, gy=p.gy, n=p.n, h=p.h)


def test_a_custom_curve_of_a_named_curves_name_and_numbers_is_that_curve():
    named = ect.curve("secp256k1")
    custom = _renamed_copy(named, "secp256k1")  # no source, note or aliases: those describe, not identify
    assert custom == named and hash(custom) == hash(named)
    assert custom.generator == named.generator and len({3 * custom.generator, 3 * named.generator}) == 1
    assert custom.generator + named.generator == 2 * named.generator

    on_named, on_custom = ect.Traversal(named), ect.Traversal(custom)
    assert on_named.fingerprint == on_custom.fingerprint
    c_named, c_custom = on_named.compose("the cat sat"), on_custom.compose("the cat sat")
    assert c_named == c_custom and len({c_named, c_custom}) == 1
    assert on_custom.remove_prefix(c_named, "the") == on_named.compose("cat sat")
    assert (c_named * c_custom.inverse()).point.is_identity


def test_curves_that_share_a_name_but_not_their_numbers_are_told_apart_by_what_differs():
    tiny = ect.Curve(name="tiny", p=43, a=1, b=3, gx=2, gy=20, n=47)
    other = ect.Curve(name="tiny", p=43, a=1, b=3, gx=2, gy=23, n=47)  # the generator's negative
    assert tiny != other and tiny.generator != other.generator
    with pytest.raises(CurveMismatchError, match=r"two different curves both named 'tiny' .*differ: gy\)"):
        tiny.generator + other.generator
    renamed = _renamed_copy(tiny, "small")
    assert renamed != tiny  # the name is part of a curve's identity, as of its engines' fingerprints
    with pytest.raises(CurveMismatchError, match="Cannot combine points of 'small' and 'tiny'"):
        renamed.generator + tiny.generator


@pytest.mark.parametrize("assign", [
    lambda e: setattr(e.group, "identity", e.compose("a b")),
    lambda e: setattr(e.group, "fingerprint", b"\0" * 16),
    lambda e: setattr(e.group, "curve", ect.curve("P-256")),
    lambda e: setattr(e.coefficients("a b a"), "length", 100),
    lambda e: setattr(e.prefixes("a b a b").windows(2), "length", 7),
    lambda e: setattr(e.prefixes("a b a b").windows(2), "points", e.curve.multiply_generator([1, 2, 3])),
    lambda e: setattr(e.index("a b a b", 2), "max_n", 1),
], ids=["group.identity", "group.fingerprint", "group.curve", "Coefficients.length", "ContextBatch.length",
        "ContextBatch.points", "WindowIndex.max_n"])
def test_an_engines_objects_cannot_be_changed_by_assignment(assign):
    eng = ect.Traversal("secp256k1")
    with pytest.raises(AttributeError):
        assign(eng)
    assert eng.compose("").length == 0 and eng.compose("") == eng.identity
    assert eng.index("a b a b", 2).find("a b") == [0, 2]
    assert eng.from_coefficients(eng.coefficients("a b a")) == eng.compose("a b a")


def _immutables(eng):
    c = eng.compose("the cat sat")
    return {
        "Context": c, "ContextGroup": eng.group, "Point": c.point, "Curve": eng.curve,
        "PointArray": eng.curve.multiply_generator([1, 2, 3]), "Coefficients": eng.coefficients("the cat sat"),
        "ContextBatch": eng.prefixes("the cat sat").windows(2), "PrefixStates": eng.prefixes("the cat sat"),
        "WindowIndex": eng.index("the cat sat", 2),
    }


@pytest.mark.parametrize("make", [
    lambda: ect.Traversal("secp256k1"),
    lambda: ect.Traversal("secp256k1", key=b"k" * 32),                    # keyed: its objects do not pickle
    lambda: ect.Traversal("secp256k1", tokenizer=lambda text: text.split()),  # no name: no byte form
], ids=["plain", "keyed", "unnamed tokenizer"])
def test_immutable_objects_copy_as_themselves_whatever_pickling_refuses(make):
    for name, obj in _immutables(make()).items():
        assert copy.copy(obj) is obj, name
        assert copy.deepcopy(obj) is obj, name
        assert copy.deepcopy({"x": [obj]})["x"][0] is obj, name


def test_immutable_objects_take_no_new_attributes():
    """Each keeps its fields in slots: a misspelt attribute (``states.lenght = 3``) is an AttributeError, not
    a field silently added (prefix states and indexes had a ``__dict__``)."""
    for name, obj in _immutables(ect.Traversal("secp256k1")).items():
        assert not hasattr(obj, "__dict__"), name
        with pytest.raises(AttributeError):
            obj.lenght = 3


@pytest.mark.parametrize("key", [None, b"k" * 32], ids=["plain", "keyed"])
def test_an_engine_takes_no_new_attributes(key):
    """An engine's fields are fixed too (its vocabulary grows, the engine does not): a misspelt attribute
    (``eng.vocabluary = v``) is an AttributeError; a weak reference to it still works (Dask's shipping keeps
    them) and it pickles and copies as before."""
    eng = ect.Traversal("secp256k1", key=key)
    assert not hasattr(eng, "__dict__")
    with pytest.raises(AttributeError):
        eng.vocabluary = ect.Vocabulary("secp256k1")
    assert weakref.ref(eng)() is eng
    again = pickle.loads(pickle.dumps(eng))
    assert again.fingerprint == eng.fingerprint and again.compose("the cat") == eng.compose("the cat")
    assert copy.copy(eng).compose("the cat") == eng.compose("the cat")


def test_a_context_too_long_for_bytes_still_copies():
    eng = ect.Traversal("secp256k1")
    c = eng.compose("a b") ** (2**63)
    assert copy.copy(c) is c and copy.deepcopy(c) is c


@pytest.mark.parametrize("key", [None, b"k" * 32], ids=["plain", "keyed"])
def test_a_traverser_copies_as_a_branch_point(key):
    eng = ect.Traversal("secp256k1", key=key)
    tr = eng.traverser(history=True)
    tr.push_many("the cat")
    for branch in (copy.copy(tr), copy.deepcopy(tr)):
        assert branch is not tr and branch.state == tr.state
        branch.push("sat")
        assert branch.state == eng.compose("the cat sat") and tr.state == eng.compose("the cat")
        assert branch.undo() == tr.state and tr.undo() == eng.compose("the")  # histories apart
        tr.push("cat")
    plain = eng.traverser()
    assert copy.copy(plain).state == plain.state


def test_a_traversers_truth_is_a_nonzero_length_even_a_negative_one():
    tr = ect.Traversal("toy61").traverser()
    assert not tr
    tr.push("a")
    assert tr
    tr.pop("a")
    tr.pop("a")
    assert tr.state.length == -1 and bool(tr) is True
    with pytest.raises(ValueError, match="negative length"):
        len(tr)


@pytest.mark.parametrize("index", [True, False, np.bool_(True)])
def test_a_point_array_refuses_a_bool_index_as_its_siblings_do(index):
    A = ect.curve("toy61").multiply_generator([1, 2, 3])
    with pytest.raises(TypeError, match="index must be an int or a slice, not bool"):
        A[index]


@pytest.mark.parametrize("index", [[0, 2], np.array([0, 2]), np.array([True, False, True]), 1.0, "1"])
def test_a_point_array_points_other_indexes_to_take(index):
    A = ect.curve("toy61").multiply_generator([1, 2, 3])
    with pytest.raises(TypeError, match=r"int or a slice, not \w+ \(take\(\) takes a list or array of indices"):
        A[index]
    assert A[np.int64(-1)] == A[2] and A[1:] == A.take([1, 2])


@pytest.mark.parametrize("scalar", [np.float32(3), np.float64(3), np.bool_(True), np.complex64(3), np.float16(1)])
def test_numpy_scalars_that_are_not_integers_are_refused_by_name(scalar):
    C = ect.curve("toy61")
    A = C.multiply_generator([1, 2, 3])
    name = type(scalar).__name__
    for product in (lambda: A * scalar, lambda: scalar * A, lambda: A[0] * scalar):
        with pytest.raises(TypeError, match=f"scalar must be an int, not {name}"):
            product()
    with pytest.raises(TypeError, match="scalar must be an int"):  # NumPy hands the Point a Python scalar
        scalar * A[0]
    assert A * np.int8(3) == A * 3 and np.uint64(3) * A[0] == 3 * A[0]


def test_states_of_an_engine_whose_tokenizer_has_no_name_do_not_pickle_as_its_contexts_do():
    import pickle

    eng = ect.Traversal("secp256k1", tokenizer=_split)  # the engine pickles, as another engine
    tr = eng.traverser()
    tr.push_many("a b")
    for name, obj in (("PrefixStates", eng.prefixes("a b c")), ("WindowIndex", eng.index("a b c", 2)),
                      ("Traverser", tr)):
        with pytest.raises(TypeError, match=f"A {name} of an engine whose custom tokenizer has no name does not "
                                            "pickle: a copy of the engine would be another engine"):
            pickle.dumps(obj)
    with pytest.raises(TypeError, match="have no byte form and do not pickle"):
        pickle.dumps(eng.compose("a b"))
    named = ect.Traversal("secp256k1", tokenizer=_split, tokenizer_name="split")
    assert pickle.loads(pickle.dumps(named.prefixes("a b c")))[2] == named.compose("a b")
