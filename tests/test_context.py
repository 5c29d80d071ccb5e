"""The context algebra of docs/design.md §1 on random token sequences.

``C(u) = (L, sum k^(L-i) P_ui)`` is a monoid homomorphism into the group
Z ⋉ G.  Checked here, by hypothesis, on secp256k1, P-256, toy61 and toy-plot
(n = 47, so distinct sequences collide there all the time: only the laws that
hold for every element are run on it), over a small vocabulary (three tokens,
many repeats) and a large one (arbitrary str and int tokens):

* ``compose`` equals the definition, computed independently (Horner's rule
  with point arithmetic; the explicit sum with ``ectraverse.reference`` on the
  small curves);
* ``C(uv) = C(u) C(v)``; associativity; two-sided identity and inverses;
  ``c ** m`` for negative, zero and positive m equals repeated products;
* ``remove_prefix`` / ``remove_suffix`` with contexts, token lists and strings;
* order matters on the big curves;
* ``to_bytes`` / ``context_from_bytes`` round trips (negative lengths, the
  identity) and the documented byte layout; pickling of contexts and engines
  (keyed engines included);
* every error path of contexts: direct construction, mixing engines (other
  namespace, key or curve), bytes of another engine, bad bytes.

Error paths of the engine and the traverser are in test_traverse.py.
"""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import reference, tokenizers
from ectraverse.context import FORMAT_MAGIC, FORMAT_VERSION, Context, ContextGroup
from ectraverse.traverse import Traversal
from strategies import SMALL_VOCAB, VOCABS, engine, ref, to_ref

#: Curves for the laws that hold for every element of the group.
CURVES = ["secp256k1", "P-256", "toy61", "toy-plot"]
#: Curves large enough that distinct short sequences never collide in practice.
BIG = ["secp256k1", "P-256", "toy61"]
#: Curves cheap enough for the pure-Python reference arithmetic.
SMALL_FIELD = ["toy61", "toy-plot"]




def seqs(vocab: str, max_size: int = 16):
    return st.lists(VOCABS[vocab], max_size=max_size)


def horner(eng: Traversal, tokens) -> tuple[int, ect.Point]:
    """The definition, token by token: ``S <- k S + P_t``."""
    k = eng.group._power(1)
    S = eng.curve.identity
    for t in tokens:
        S = k * S + eng.vocabulary.generator(t)
    return len(tokens), S


# ---- compose is the definition ------------------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_compose_is_horners_rule(name, vocab, data):
    eng = engine(name)
    u = data.draw(seqs(vocab, 24))
    c = eng.compose(u)
    assert (c.length, c.point) == horner(eng, u)


@pytest.mark.parametrize("name", SMALL_FIELD)
@given(u=seqs("small", 12) | seqs("large", 12))
def test_compose_is_the_explicit_sum_by_reference_arithmetic(name, u):
    """``S = sum_i k^(L-i) P_ui`` term by term with Python ints (no Horner, no MSM)."""
    eng = engine(name)
    R = ref(eng.curve)
    k, n, L = eng.group._power(1), eng.curve.n, len(u)
    S = None
    for i, t in enumerate(u, start=1):
        S = reference.add(R, S, reference.mul(R, pow(k, L - i, n), to_ref(eng.vocabulary.generator(t))))
    c = eng.compose(u)
    assert c.length == L
    assert to_ref(c.point) == S


def test_strings_are_tokenized_and_iterables_taken_as_tokens():
    eng = engine("secp256k1")
    assert eng.compose("a b, c") == eng.compose(["a", "b", ",", "c"]) == eng.compose(iter(["a", "b", ",", "c"]))
    assert eng.compose("") == eng.compose([]) == eng.identity
    assert eng.compose(["a"]) == eng.token_context("a")
    assert eng.token_context("a") == eng.group.atom(eng.vocabulary.generator("a"))
    assert eng.compose([1]) != eng.compose(["1"])  # int and str tokens differ


# ---- the group laws --------------------------------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_homomorphism(name, vocab, data):
    eng = engine(name)
    u, v = data.draw(seqs(vocab)), data.draw(seqs(vocab))
    cu, cv, cuv = eng.compose(u), eng.compose(v), eng.compose(u + v)
    assert cu * cv == cuv
    assert cuv.length == len(u) + len(v)


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_associativity(name, vocab, data):
    """Any three elements, inverses of sequences (negative lengths) included."""
    eng = engine(name)
    a, b, c = (
        eng.compose(data.draw(seqs(vocab, 10))) ** data.draw(st.sampled_from([1, -1])) for _ in range(3)
    )
    assert (a * b) * c == a * (b * c)


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_identity_and_inverses_on_both_sides(name, vocab, data):
    eng = engine(name)
    u = data.draw(seqs(vocab))
    c = eng.compose(u)
    e = eng.identity
    assert (e.length, e.point.is_identity) == (0, True)
    assert c * e == e * c == c
    inv = c.inverse()
    assert inv.length == -len(u)
    assert c * inv == e
    assert inv * c == e
    assert inv.inverse() == c
    assert c ** -1 == inv


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_powers_are_repeated_products(name, vocab, data):
    eng = engine(name)
    u = data.draw(seqs(vocab, 8))
    m = data.draw(st.integers(-7, 7))
    c = eng.compose(u)
    base = c if m >= 0 else c.inverse()
    expected = eng.identity
    for _ in range(abs(m)):
        expected = expected * base
    assert c**m == expected
    assert (c**m).length == m * len(u)
    if m >= 0:
        assert c**m == eng.compose(u * m)


@pytest.mark.parametrize("key", [None, b"k"])
def test_powers_of_any_size_follow_the_exponent_laws(key):
    """c ** m is one scalar multiplication (a geometric sum of k^L): exponents of thousands of bits obey
    c^(a+b) = c^a c^b and c^(ab) = (c^a)^b; a length-0 context (r = k^0 = 1) has c^m = (0, m S)."""
    eng = ect.Traversal("secp256k1", key=key)
    c = eng.compose("the cat sat")
    a, b = 2**4000 + 3, -(2**3000) + 11
    assert c ** (a + b) == c**a * c**b
    assert (c**a).length == 3 * a and c**a * c**-a == eng.identity
    assert c ** (a * 5) == (c**a) ** 5 == (c**5) ** a
    zero = eng.compose("a b") * eng.compose("b a").inverse()  # length 0, a point that is not the identity
    assert zero.length == 0 and not zero.point.is_identity
    assert zero**7 == zero * zero * zero * zero * zero * zero * zero
    assert (zero**a).point == (a % eng.curve.n) * zero.point
    toy = engine("toy-plot")  # n = 47: some power of k^3 is 1
    d = toy.compose("a b c")
    order = next(L for L in range(1, toy.curve.n) if toy.group.power(3 * L) == 1)  # r^m = 1: the sum is 0
    assert d**order == toy.compose("a b c " * order)


def test_power_accepts_index_types_only():
    c = engine("toy61").compose("a b")
    assert c ** np.int64(3) == c * c * c
    with pytest.raises(TypeError):
        c**1.5
    with pytest.raises(TypeError):
        c**True
    with pytest.raises(TypeError):
        c * 3
    with pytest.raises(TypeError):
        c * c.point


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_remove_prefix_and_suffix(name, vocab, data):
    eng = engine(name)
    u, v = data.draw(seqs(vocab)), data.draw(seqs(vocab))
    cu, cv, cuv = eng.compose(u), eng.compose(v), eng.compose(u + v)
    # with contexts
    assert eng.remove_prefix(cuv, cu) == cv
    assert eng.remove_suffix(cuv, cv) == cu
    # with token lists, and mixed
    assert eng.remove_prefix(u + v, u) == cv
    assert eng.remove_suffix(u + v, v) == cu
    assert eng.remove_prefix(cuv, u) == eng.remove_prefix(u + v, cu) == cv
    assert eng.remove_suffix(cuv, v) == eng.remove_suffix(u + v, cv) == cu
    # the formulas of docs/design.md §1
    assert cu.inverse() * cuv == cv
    assert cuv * cv.inverse() == cu


def test_remove_prefix_and_suffix_with_strings():
    eng = engine("secp256k1")
    assert eng.remove_prefix("the cat sat", "the") == eng.compose("cat sat")
    assert eng.remove_suffix("the cat sat", "sat") == eng.compose("the cat")
    # removing what is not a prefix gives a context, just not of a token sequence
    odd = eng.remove_prefix("the cat sat", "cat")
    assert odd.length == 2 and odd != eng.compose("cat sat") and odd != eng.compose("the sat")


# ---- order and distinctness on the big curves -------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_order_matters(name, vocab, data):
    eng = engine(name)
    a, b = data.draw(st.lists(VOCABS[vocab], min_size=2, max_size=2, unique=True))
    assert eng.compose([a, b]) != eng.compose([b, a])
    u = data.draw(seqs(vocab, 10))
    assert eng.compose(u + [a, b]) != eng.compose(u + [b, a])
    assert eng.compose([a, b] + u) != eng.compose([b, a] + u)


@pytest.mark.parametrize("name", BIG)
@given(data=st.data())
def test_distinct_sequences_have_distinct_contexts(name, data):
    eng = engine(name)
    u = data.draw(seqs("small", 12))
    v = data.draw(st.lists(SMALL_VOCAB, min_size=len(u), max_size=len(u)))
    assert (eng.compose(u) == eng.compose(v)) == (u == v)


def test_order_matters_in_the_doc_example():
    eng = engine("secp256k1")
    assert eng.compose("a b") != eng.compose("b a")
    assert eng.compose("a b c") == eng.compose("a b") * eng.compose("c")


# ---- equality and hashing ---------------------------------------------------------------


def test_equal_contexts_hash_equal_and_engines_never_compare_equal():
    eng = engine("secp256k1")
    c1, c2 = eng.compose("x y z"), eng.compose("x y") * eng.compose("z")
    assert c1 is not c2 and c1 == c2 and hash(c1) == hash(c2)
    assert len({c1, c2, eng.compose("z y x")}) == 2
    assert c1 != c1.to_bytes() and c1 != (3, c1.point)
    other = engine("secp256k1", namespace="other")
    assert other.compose("x y z") != c1
    assert engine("secp256k1", key=b"k1").compose("x y z") != c1
    # the identity of two engines: same length and point, different engines
    assert other.identity != eng.identity


def test_contexts_of_one_point_and_other_lengths_differ():
    """On a small group, sequences of different lengths share points: their contexts are still unequal
    (the length is half of the element), and a set keeps them apart."""
    eng = engine("toy-plot")  # n = 47
    n, k = eng.curve.n, eng.group.power(1)
    order = next(d for d in range(1, n) if pow(k, d, n) == 1)
    loop = eng.compose(["a"] * order)  # (1 + k + ... + k^(order-1)) P_a = 0
    assert loop.point == eng.identity.point and loop.length == order
    assert loop != eng.identity and loop * loop.inverse() == eng.identity
    P = eng.token_context("a").point
    assert eng.group.context(5, P) != eng.group.context(1, P)
    assert len({eng.group.context(L, P) for L in range(-3, 4)}) == 7


# ---- bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize("vocab", VOCABS)
@pytest.mark.parametrize("name", CURVES)
@given(data=st.data())
def test_bytes_round_trip(name, vocab, data):
    eng = engine(name)
    m = data.draw(st.integers(-3, 3))
    c = eng.compose(data.draw(seqs(vocab))) ** m
    raw = c.to_bytes()
    back = eng.context_from_bytes(raw)
    assert back == c and back.length == c.length and back.point == c.point
    assert eng.group.from_bytes(bytearray(raw)) == c
    assert eng.context_from_bytes(memoryview(raw)) == c


@pytest.mark.parametrize("name", CURVES)
def test_bytes_layout(name):
    eng = engine(name)
    C = eng.curve
    cname = C.name.encode("ascii")
    head = FORMAT_MAGIC + bytes((FORMAT_VERSION, len(cname))) + cname + eng.fingerprint
    assert FORMAT_MAGIC == b"ECTX" and FORMAT_VERSION == 1 and len(eng.fingerprint) == 16
    c = eng.compose("a b c").inverse()  # length -3
    raw = c.to_bytes()
    assert raw == head + (-3).to_bytes(8, "big", signed=True) + c.point.to_bytes()
    assert raw[len(head) : len(head) + 8] == b"\xff" * 7 + b"\xfd"
    ident = eng.identity.to_bytes()
    assert ident == head + bytes(8) + b"\x00"
    assert eng.context_from_bytes(ident) == eng.identity
    if not c.point.is_identity:
        assert len(raw) == len(head) + 8 + 1 + C.field_bytes
    if name == "secp256k1":
        assert len(raw) - len(head) == 41  # length + compressed point: docs/design.md's 41 bytes


def test_large_lengths_round_trip():
    eng = engine("toy61")
    c = eng.compose("a b")
    for m in (2**40, -(2**40), (2**62) // 2):
        big = c**m
        assert big.length == 2 * m
        assert eng.context_from_bytes(big.to_bytes()) == big


# ---- pickling ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, b"secret key"])
@pytest.mark.parametrize("name", CURVES)
def test_pickle_contexts_and_engines(name, key):
    eng = Traversal(name, namespace="pickled", key=key)
    text = "to be or not to be , that is the question"
    c = eng.compose(text)
    for obj in (c, c.inverse(), eng.identity, c**3):
        back = pickle.loads(pickle.dumps(obj))
        assert back == obj and back.length == obj.length
        assert back * obj == obj * obj  # the unpickled context still combines with the original engine's
    eng2 = pickle.loads(pickle.dumps(eng))
    assert eng2.keyed == (key is not None)
    assert eng2.fingerprint == eng.fingerprint
    assert eng2.group._power(1) == eng.group._power(1)
    assert eng2.vocabulary == eng.vocabulary
    assert eng2.compose(text) == c
    assert eng2.compose("new tokens here") == eng.compose("new tokens here")
    assert eng2.remove_suffix(c, "question") == eng.compose(text.rsplit(" ", 1)[0])
    group = pickle.loads(pickle.dumps(eng.group))
    assert group.fingerprint == eng.fingerprint and group.curve == eng.curve


# ---- ContextGroup directly ----------------------------------------------------------------------


def test_context_group_checks_its_arguments():
    C = ect.curve("toy61")
    with pytest.raises(TypeError, match="curve must be a Curve, not str"):
        ContextGroup("toy61", 5, b"t")
    with pytest.raises(TypeError, match="k must be an int, not bool"):
        ContextGroup(C, True, b"t")
    with pytest.raises(TypeError, match="k must be an int, not float"):
        ContextGroup(C, 5.0, b"t")
    for bad in (0, 1, C.n - 1, C.n, -3):
        with pytest.raises(ValueError, match=r"k must be in \[2, n - 2\]"):
            ContextGroup(C, bad, b"t")
    for bad in (5, "demo", None):  # bytes(5) would be five zero bytes
        with pytest.raises(TypeError, match=f"tag must be bytes, not {type(bad).__name__}"):
            ContextGroup(C, 5, bad)
    assert ContextGroup(C, 5, bytearray(b"demo")).fingerprint == ContextGroup(C, 5, memoryview(b"demo")).fingerprint
    G = ContextGroup(C, 5, b"demo")
    assert G.power(3) == 125 and G.power(-1) * 5 % C.n == 1 and G.power(0) == 1
    P = C.generator
    assert G.context(2, 6 * P) == G.atom(P) * G.atom(P)  # (1, P)(1, P) = (2, 5P + P)
    with pytest.raises(TypeError, match="length must be an int, not bool"):
        G.context(True, P)
    with pytest.raises(TypeError, match="point must be a Point, not int"):
        G.context(1, 7)
    with pytest.raises(ect.ContextMismatchError, match="point is on 'secp256k1', not 'toy61'"):
        G.context(1, ect.curve("secp256k1").generator)
    # the same (curve, k, tag) is the same engine; another tag is another
    assert ContextGroup(C, 5, b"demo").fingerprint == G.fingerprint
    assert ContextGroup(C, 5, b"demo2").fingerprint != G.fingerprint
    assert ContextGroup(C, 6, b"demo").fingerprint != G.fingerprint


# ---- error paths ------------------------------------------------------------------------------


def test_contexts_cannot_be_constructed_directly():
    with pytest.raises(TypeError, match="Contexts come from an engine"):
        Context()
    with pytest.raises(TypeError, match="Contexts come from an engine"):
        Context(1, engine("toy61").curve.generator)


@pytest.mark.parametrize(
    ("mine", "other"),
    [
        pytest.param({}, dict(namespace="elsewhere"), id="namespace"),
        pytest.param({}, dict(key=b"k1"), id="keyed-vs-unkeyed"),
        pytest.param(dict(key=b"k1"), dict(key=b"k2"), id="other-key"),
        pytest.param({}, dict(name="P-256"), id="curve"),
    ],
)
def test_mixing_engines(mine, other):
    eng = engine(mine.get("name", "secp256k1"), mine.get("namespace", "default"), mine.get("key"))
    oth = engine(other.get("name", "secp256k1"), other.get("namespace", "default"), other.get("key"))
    mine, theirs = eng.compose("a b"), oth.compose("a b")
    assert mine != theirs
    with pytest.raises(ect.ContextMismatchError, match="Cannot combine contexts of different engines"):
        mine * theirs
    with pytest.raises(ect.ContextMismatchError, match="Cannot combine contexts of different engines"):
        theirs * mine
    with pytest.raises(ect.ContextMismatchError, match="belongs to another engine"):
        eng.remove_prefix(mine, theirs)
    with pytest.raises(ect.ContextMismatchError, match="belongs to another engine"):
        eng.remove_suffix(theirs, "b")
    with pytest.raises(ect.ContextMismatchError, match="belongs to another engine"):
        eng.traverser().restore(theirs)
    with pytest.raises(ValueError):  # ContextMismatchError is a ValueError too
        eng.remove_suffix(mine, theirs)
    match = "are for curve 'P-256'" if oth.curve != eng.curve else "come from another engine"
    with pytest.raises(ect.ContextMismatchError, match=match):
        eng.context_from_bytes(theirs.to_bytes())
    with pytest.raises(ect.ContextMismatchError, match=match):
        eng.context_from_bytes(oth.identity.to_bytes())


def test_engines_with_the_same_parameters_mix():
    """Same curve, namespace, key and tokenizer: the same engine, whatever the object identity."""
    a = Traversal("toy61", namespace="same", key=b"k", tokenizer="whitespace")
    b = Traversal("toy61", namespace="same", key=b"k", tokenizer="whitespace")
    assert a.fingerprint == b.fingerprint
    assert a.compose(["x", "y"]) * b.compose(["z"]) == b.compose(["x", "y", "z"])
    assert b.context_from_bytes(a.compose("x").to_bytes()) == a.compose("x")


def test_the_fingerprint_names_the_curve_by_its_parameters():
    """A curve's name is a label: a custom curve named toy61, with toy61's order but another equation
    (an isomorphic one, a*u^4 and b*u^6), shared toy61's fingerprint, so each engine decoded about half
    the other's contexts as contexts of its own, points that are not what was composed."""
    T, u = ect.curve("toy61"), 3
    p = T.p
    twin = ect.Curve(name="toy61", p=p, a=T.a * u**4 % p, b=T.b * u**6 % p, gx=T.generator.x * u**2 % p,
                     gy=T.generator.y * u**3 % p, n=T.n, h=T.h)
    assert twin != T and twin.n == T.n
    real, fake = Traversal(T), Traversal(twin)
    assert real.fingerprint != fake.fingerprint
    for text in ("a", "b", "c d", "e f g", "h"):
        for a, b in ((real, fake), (fake, real)):
            with pytest.raises(ect.ContextMismatchError, match="come from another engine"):
                b.context_from_bytes(a.compose(text).to_bytes())
    # the generator is a parameter too (the engine never uses it, but the curves differ)
    G2 = 2 * T.generator
    other_g = ect.Curve(name="toy61", p=p, a=T.a, b=T.b, gx=G2.x, gy=G2.y, n=T.n, h=T.h)
    assert Traversal(other_g).fingerprint != real.fingerprint
    with pytest.raises(ect.ContextMismatchError, match="come from another engine"):
        Traversal(other_g).context_from_bytes(real.compose("a").to_bytes())
    # the same parameters under the same name: the same engine, whichever object built the curve
    same = ect.Curve(name="toy61", p=p, a=T.a, b=T.b, gx=T.generator.x, gy=T.generator.y, n=T.n, h=T.h)
    assert Traversal(same).fingerprint == real.fingerprint


def test_the_fingerprint_names_the_tokenizer():
    """A context composed with one tokenizer never decodes under another (issue 15, item 8)."""
    words, chars = Traversal("secp256k1"), Traversal("secp256k1", tokenizer="chars")
    assert words.fingerprint != chars.fingerprint
    with pytest.raises(ect.ContextMismatchError, match="come from another engine"):
        words.context_from_bytes(chars.compose("ab").to_bytes())
    with pytest.raises(ect.ContextMismatchError, match="different engines"):
        words.compose("a") * chars.compose("a")
    # the points agree (same generators and multiplier): only the map from text differs
    assert words.compose(["a", "b"]).point == chars.compose(["a", "b"]).point


def test_custom_tokenizers_need_a_name_for_bytes():
    def split(text):
        return text.split()

    named = Traversal("secp256k1", tokenizer=split, tokenizer_name="split-v1")
    again = Traversal("secp256k1", tokenizer=str.split, tokenizer_name="split-v1")
    other = Traversal("secp256k1", tokenizer=split, tokenizer_name="split-v2")
    assert named.fingerprint == again.fingerprint != other.fingerprint
    assert named.fingerprint != Traversal("secp256k1", tokenizer="whitespace").fingerprint
    c = named.compose("a b")
    assert again.context_from_bytes(c.to_bytes()) == c
    assert pickle.loads(pickle.dumps(c)) == c
    unnamed = Traversal("secp256k1", tokenizer=split)
    u = unnamed.compose("a b")
    assert u * u == unnamed.compose("a b a b") and u.point == c.point
    for refused in (lambda: u.to_bytes(), lambda: pickle.dumps(u), lambda: pickle.dumps(unnamed.group)):
        with pytest.raises(TypeError, match="tokenizer_name="):
            refused()
    # two engines with unnamed tokenizers are two identities, even with the same function
    assert Traversal("secp256k1", tokenizer=split).fingerprint != unnamed.fingerprint
    with pytest.raises(ValueError, match="tokenizer_name is for custom tokenizers"):
        Traversal("secp256k1", tokenizer="words", tokenizer_name="words")
    with pytest.raises(ValueError, match="must not be empty"):
        Traversal("secp256k1", tokenizer=split, tokenizer_name="")
    with pytest.raises(TypeError, match="tokenizer_name must be a str, not bytes"):
        Traversal("secp256k1", tokenizer=split, tokenizer_name=b"x")


@pytest.mark.parametrize("name", ["words", "whitespace", "chars", "bytes"])
def test_builtin_tokenizer_passed_as_its_function_is_that_builtin(name):
    """tokenizer=tokenizers.words is tokenizer="words": one fingerprint, a byte form, a pickle, a file stream."""
    by_name = Traversal("secp256k1", tokenizer=name)
    by_function = Traversal("secp256k1", tokenizer=tokenizers.BY_NAME[name])
    assert by_function.fingerprint == by_name.fingerprint and repr(by_function) == repr(by_name)
    c = by_function.compose("the cat, the hat")
    assert by_name.context_from_bytes(c.to_bytes()) == c == by_name.compose("the cat, the hat")
    assert pickle.loads(pickle.dumps(by_function)).fingerprint == by_name.fingerprint
    assert by_function.compose_stream(io.StringIO("the cat, the hat")) == c
    # with a tokenizer_name, the same function is a custom tokenizer of that name (as before)
    named = Traversal("secp256k1", tokenizer=tokenizers.BY_NAME[name], tokenizer_name=name)
    assert named.fingerprint != by_name.fingerprint and named.compose("the cat, the hat").point == c.point


def _layout(c: Context) -> tuple[bytes, int]:
    """The context's bytes and the offset of its point."""
    raw = c.to_bytes()
    return raw, len(raw) - len(c.point.to_bytes())


def test_bad_bytes_wrong_magic_and_version():
    eng = engine("secp256k1")
    raw, _ = _layout(eng.compose("a b c"))
    with pytest.raises(ect.EncodingError, match=r"must start with b'ECTX' and a version byte"):
        eng.context_from_bytes(b"XCTX" + raw[4:])
    with pytest.raises(ect.EncodingError, match=r"must start with b'ECTX'"):
        eng.context_from_bytes(b"")
    for version in (0, 2, 255):
        with pytest.raises(ect.EncodingError, match=f"format version must be 1, not {version}"):
            eng.context_from_bytes(raw[:4] + bytes((version,)) + raw[5:])


@pytest.mark.parametrize("which", ["point", "identity"])
def test_bad_bytes_every_truncation(which):
    eng = engine("secp256k1")
    c = eng.compose("a b c") if which == "point" else eng.identity
    raw = c.to_bytes()
    for cut in range(len(raw)):
        with pytest.raises(ect.EncodingError, match="must start with|truncated|must be 33 bytes"):
            eng.context_from_bytes(raw[:cut])
    # one byte too many is not a context either
    with pytest.raises(ect.EncodingError, match="must be 33 bytes, not 34|single byte 0x00, not 2 bytes"):
        eng.context_from_bytes(raw + b"\x00")


def test_bad_bytes_tampered_point():
    eng = engine("secp256k1")
    C = eng.curve
    raw, pos = _layout(eng.compose("a b c"))
    head = raw[:pos]
    with pytest.raises(ect.EncodingError, match="must start with 0x00, 0x02, 0x03 or 0x04, not 0x05"):
        eng.context_from_bytes(head + b"\x05" + raw[pos + 1 :])
    with pytest.raises(ect.EncodingError, match="must be less than p"):
        eng.context_from_bytes(head + b"\x02" + (C.p + 1).to_bytes(32, "big"))
    x = next(x for x in range(1, 100) if not reference.is_square((x**3 + C.a * x + C.b) % C.p, C.p))
    with pytest.raises(ect.NotOnCurveError, match=f"No point on 'secp256k1' has x = {x:#x}"):
        eng.context_from_bytes(head + b"\x02" + x.to_bytes(32, "big"))
    # uncompressed points are refused, on the curve or off it: every context has one encoding
    P = eng.compose("a").point
    off = b"\x04" + P.x.to_bytes(32, "big") + ((P.y + 1) % C.p).to_bytes(32, "big")
    for enc in (off, P.to_bytes(compressed=False)):
        with pytest.raises(ect.EncodingError, match="must be SEC1-compressed"):
            eng.context_from_bytes(head + enc)
    assert eng.context_from_bytes(head + P.to_bytes()).point == P


def test_bad_bytes_tampered_header():
    eng = engine("secp256k1")
    raw, pos = _layout(eng.compose("a b c"))
    fp = 6 + len("secp256k1")
    flipped = raw[:fp] + bytes((raw[fp] ^ 1,)) + raw[fp + 1 :]
    with pytest.raises(ect.ContextMismatchError, match="come from another engine"):
        eng.context_from_bytes(flipped)
    renamed = raw[:6] + b"secp256k2" + raw[fp:]
    with pytest.raises(ect.ContextMismatchError, match="are for curve 'secp256k2', not 'secp256k1'"):
        eng.context_from_bytes(renamed)
    longer = raw[:5] + bytes((raw[5] + 1,)) + raw[6:]  # name length one too long: the name eats a byte
    with pytest.raises(ect.EncodingError, match="are corrupt: they hold the curve name 'secp256k1' and are the "
                                                "size of a context on it, but their curve name's length byte is 10"):
        eng.context_from_bytes(longer)
    shorter = raw[:5] + bytes((raw[5] - 1,)) + raw[6:]
    with pytest.raises(ect.EncodingError, match="are corrupt: .* length byte is 8, not 9"):
        eng.context_from_bytes(shorter)
    # another curve's context of the same size (a name one byte shorter, a point one byte longer) is no
    # corruption: toy-plot's 2-byte points beside secp256k1's identity
    toy = engine("toy-plot").compose("a b c").to_bytes()
    assert len(toy) == len(eng.identity.to_bytes())
    with pytest.raises(ect.ContextMismatchError, match="are for curve 'toy-plot', not 'secp256k1'"):
        eng.context_from_bytes(toy)
    with pytest.raises(ect.ContextMismatchError, match="are for curve 'secp256k1', not 'toy-plot'"):
        engine("toy-plot").context_from_bytes(eng.identity.to_bytes())
    for cut in range(1, 6):  # the magic and version cut short: truncated, not "must start with"
        with pytest.raises(ect.EncodingError, match=f"are truncated: {cut} bytes, expected at least 6"):
            eng.context_from_bytes(raw[:cut])
    for other in (b"", b"X", b"ECTY", b"ectx\x01\x09"):
        with pytest.raises(ect.EncodingError, match="must start with b'ECTX' and a version byte"):
            eng.context_from_bytes(other)
    p256 = engine("P-256").compose("a b c").to_bytes()  # another curve's context: another size
    with pytest.raises(ect.ContextMismatchError, match="are for curve 'P-256', not 'secp256k1'"):
        eng.context_from_bytes(p256)
    # a tampered length decodes (there is no MAC): the length changes, the point does not
    relen = raw[:pos - 8] + (5).to_bytes(8, "big") + raw[pos:]
    got = eng.context_from_bytes(relen)
    assert got.length == 5 and got.point == eng.compose("a b c").point


@pytest.mark.parametrize("bad", ["ECTX", 12, None, [1, 2]])
def test_bad_bytes_type(bad):
    with pytest.raises(TypeError, match="context bytes must be bytes-like, not"):
        engine("secp256k1").context_from_bytes(bad)


def test_to_bytes_refuses_lengths_beyond_the_format():
    c = engine("toy61").compose("a b") ** (2**62)
    with pytest.raises(ValueError, match=r"lengths in \[-2\^63, 2\^63\)"):
        c.to_bytes()


def test_a_curve_name_has_one_encoding_in_context_bytes():
    """The name field is compared as bytes: invalid UTF-8 that decodes (with replacement) to the
    curve's name is not a second encoding of the same context."""
    T = ect.curve("toy61")
    C = ect.Curve("toy\ufffd", p=T.p, a=T.a, b=T.b, gx=T.generator.x, gy=T.generator.y, n=T.n, h=T.h)
    eng = ect.Traversal(C)
    c = eng.compose("a b c")
    good = c.to_bytes()
    name = C.name.encode("utf-8")
    assert good[5] == len(name) and good[6:6 + len(name)] == name
    forged = good[:5] + bytes([4]) + b"toy\xff" + good[6 + len(name):]
    with pytest.raises(ect.ContextMismatchError, match=r"Context bytes are for curve b'toy\\xff' \(not UTF-8\), not 'toy"):
        eng.context_from_bytes(forged)
    assert eng.context_from_bytes(good) == c
