"""Vocabulary bookkeeping that needs no hashing: token <-> id, open and frozen,
``from_corpus``, the message and tag encodings, and the file errors that are
found before any generator is computed.

Generators are hashed lazily, so everything here runs without
``Curve.hash_to_curve``; what needs it (generators, save/load round trips,
tampered points) is in test_vocab_hashing.py.

Covered: the constructor's arguments and their errors; token types (str, int,
NumPy ints, str subclasses; bool, float, bytes, None, out-of-range ints and
lone surrogates rejected); ids in arrival order; ``in`` (never adding, False
for non-tokens); ``id``/``add``/``ids``/``add_many`` growing an open
vocabulary and raising ``UnknownTokenError`` (a ``KeyError`` and an
``EctraverseError``, naming the token) in a frozen one; ``token(id)`` and its
errors; ``==``, ``repr``, pickling; ``token_message`` and ``domain_tag``
(injective: every (curve, namespace) pair its own tag); ``from_corpus``
(ordering, ``min_count``, ``max_size``, every tokenizer kind, progress
callback, every error); ``load`` of files that are truncated, not JSON, not
ours, of another version, for another curve or namespace, or malformed; the
atomic writer.
"""

from __future__ import annotations

import json
import os
import pickle
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ectraverse as ect
from ectraverse import vocab
from ectraverse.errors import EctraverseError, UnknownTokenError, VocabularyFileError
from ectraverse.vocab import Vocabulary, _checksum, domain_tag, token_message

K1 = "secp256k1"


# ---- construction ---------------------------------------------------------------------


def test_defaults():
    V = Vocabulary(K1)
    assert len(V) == 0 and list(V) == [] and V.tokens == ()
    assert V.curve is ect.curve(K1)
    assert V.namespace == "default" and not V.frozen
    assert V.dst == b"ectraverse-v1:secp256k1:default"


def test_curve_by_name_alias_or_object():
    P256 = ect.curve("P-256")
    assert Vocabulary("secp256r1").curve is P256
    assert Vocabulary(P256).curve is P256
    assert Vocabulary("prime256v1").dst == b"ectraverse-v1:P-256:default"  # canonical name in the tag


@pytest.mark.parametrize("bad", [None, 3, b"secp256k1"])
def test_curve_type(bad):
    with pytest.raises(TypeError, match=r"curve must be a Curve or a curve name, not \w+"):
        Vocabulary(bad)


def test_unknown_curve():
    with pytest.raises(ect.UnknownCurveError, match="Unknown curve 'ed25519'"):
        Vocabulary("ed25519")


@pytest.mark.parametrize("bad", ["", "a:b", ":", "ns:"])
def test_namespace_values(bad):
    with pytest.raises(ValueError, match=r"namespace must be a non-empty str without ':', not "):
        Vocabulary(K1, namespace=bad)


@pytest.mark.parametrize("bad", [None, 1, b"ns"])
def test_namespace_type(bad):
    with pytest.raises(TypeError, match=r"namespace must be a str, not \w+"):
        Vocabulary(K1, namespace=bad)


def test_namespace_lone_surrogate():
    with pytest.raises(ValueError, match=r"namespace must be valid Unicode: .* lone surrogate at index 2"):
        Vocabulary(K1, namespace="ab\udc80")


def test_unicode_namespace():
    assert Vocabulary(K1, namespace="wiki-日本").dst == "ectraverse-v1:secp256k1:wiki-日本".encode()


@pytest.mark.parametrize("bad", [None, 1, "yes"])
def test_frozen_type(bad):
    with pytest.raises(TypeError, match=r"frozen must be a bool, not \w+"):
        Vocabulary(K1, frozen=bad)


@pytest.mark.parametrize("bad", ["abc", b"abc", 5, None.__class__])
def test_tokens_must_be_an_iterable_of_tokens(bad):
    with pytest.raises(TypeError, match=r"tokens must be an iterable of str or int tokens, not \w+"):
        Vocabulary(K1, bad)


# ---- tokens and ids -------------------------------------------------------------------


def test_ids_follow_arrival_and_repeats_keep_their_id():
    V = Vocabulary(K1, ["b", "a", "b", 3, "a", -7])
    assert list(V) == ["b", "a", 3, -7]
    assert [V.id(t) for t in V] == [0, 1, 2, 3]
    assert [V.token(i) for i in range(len(V))] == list(V)
    assert V.tokens == ("b", "a", 3, -7)


def test_str_and_int_are_different_tokens():
    V = Vocabulary(K1, ["1", 1, "-0", 0])
    assert len(V) == 4 and V.id(1) == 1 and V.id("1") == 0


def test_numpy_ints_and_str_subclasses_are_converted():
    class Word(str):
        pass

    V = Vocabulary(K1, [np.int64(5), Word("w"), np.uint8(200)])
    assert list(V) == [5, "w", 200]
    assert [type(t) for t in V] == [int, str, int]
    assert V.id(5) == 0 and V.id(np.int32(5)) == 0 and V.id("w") == 1 and np.int16(200) in V


@pytest.mark.parametrize("bad", [True, 1.0, b"x", None, (1,), 1 + 0j])
def test_token_types(bad):
    with pytest.raises(TypeError, match=rf"tokens must be str or int, not {type(bad).__name__}"):
        Vocabulary(K1, [bad])
    V = Vocabulary(K1, [1])
    with pytest.raises(TypeError, match="tokens must be str or int"):
        V.id(bad)
    assert len(V) == 1


def test_bool_never_passes_for_an_int():
    V = Vocabulary(K1, [0, 1])
    assert True not in V and False not in V
    with pytest.raises(TypeError, match="not bool"):
        V.id(True)


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 10**30])
def test_int_token_range(bad):
    with pytest.raises(ValueError, match=r"int tokens must be in \[-2\*\*63, 2\*\*63\), not -?\d+"):
        Vocabulary(K1, [bad])
    assert bad not in Vocabulary(K1)


def test_int_token_bounds_accepted():
    assert list(Vocabulary(K1, [2**63 - 1, -(2**63)])) == [2**63 - 1, -(2**63)]


def test_lone_surrogate_token():
    with pytest.raises(ValueError, match=r"must be valid Unicode: 'x\\ud800' has a lone surrogate at index 1"):
        Vocabulary(K1, ["ok", "x\ud800"])


@pytest.mark.parametrize("kind", ["open", "frozen", "frozen with unknown"])
def test_lone_surrogate_refused_by_every_vocabulary(kind):
    """A lone surrogate is no token: a ValueError, whether the vocabulary is open, frozen, or frozen
    with an unknown token (which must not absorb it), through every way in."""
    V = Vocabulary(K1, ["a"], frozen=kind != "open", unknown="[UNK]" if kind == "frozen with unknown" else None)
    before = len(V)
    for call in (lambda: V.id("x\ud800"), lambda: V.ids(["a", "\udfff"]), lambda: V.text_ids("a \ud800"),
                 lambda: ect.Traversal(vocabulary=V).compose(["a", "\ud800"])):
        with pytest.raises(ValueError, match="lone surrogate"):
            call()
    assert len(V) == before and "x\ud800" not in V
    assert V.ids(["a"]) == [0]


def test_contains_never_adds():
    V = Vocabulary(K1, ["a"])
    assert "a" in V and "b" not in V and len(V) == 1
    for other in (1.5, None, [], {}, b"a", 2**70):  # not tokens at all: False, not an error
        assert other not in V


def test_open_vocabulary_grows_on_demand():
    V = Vocabulary(K1, ["a"])
    assert V.id("b") == 1
    assert V.add("c") == 2 and V.add("a") == 0
    assert V.ids(["a", "d", "d"]) == [0, 3, 3]
    assert V.add_many(["e", "a", 9]) == [4, 0, 5]
    assert list(V) == ["a", "b", "c", "d", "e", 9]


def test_add_many_accepts_any_iterable():
    V = Vocabulary(K1)
    assert V.add_many(iter(["x", "y"])) == [0, 1]
    assert V.add_many(t for t in ("y", "z")) == [1, 2]
    assert V.add_many(np.array([3, 4])) == [3, 4]
    with pytest.raises(TypeError, match="tokens must be an iterable of str or int tokens, not str"):
        V.add_many("xyz")
    with pytest.raises(TypeError, match="not str"):
        V.ids("xyz")


def test_frozen_raises_unknown_token_error_naming_the_token():
    V = Vocabulary(K1, ["a", "b"], namespace="ns", frozen=True)
    assert V.frozen and V.id("b") == 1 and V.add("a") == 0 and V.ids(["b", "a"]) == [1, 0]
    msg = r"Token 'zebra' is not in the frozen vocabulary \(2 tokens, curve 'secp256k1', namespace 'ns'\)\."
    for call in (V.id, V.add, V.generator, lambda t: V.ids([t]), lambda t: V.add_many(["a", t])):
        with pytest.raises(UnknownTokenError, match=msg) as info:
            call("zebra")
        assert info.value.token == "zebra"
        assert str(info.value).startswith("Token 'zebra'")  # not quoted like a plain KeyError
    with pytest.raises(UnknownTokenError, match=r"Token 42 is not in the frozen"):
        V.id(42)
    assert len(V) == 2 and "zebra" not in V


def test_unknown_token_error_classes():
    V = Vocabulary(K1, frozen=True)
    with pytest.raises(KeyError):
        V.id("x")
    with pytest.raises(EctraverseError):
        V.id("x")
    err = pickle.loads(pickle.dumps(UnknownTokenError("Token 'x' is not ...", token="x")))
    assert err.token == "x" and str(err) == "Token 'x' is not ..."


def test_frozen_still_type_checks_first():
    V = Vocabulary(K1, frozen=True)
    with pytest.raises(TypeError, match="not float"):
        V.id(1.0)


def test_freeze():
    V = Vocabulary(K1, ["a"])
    assert V.freeze() is V and V.frozen
    with pytest.raises(UnknownTokenError, match="'b'"):
        V.add("b")


def test_constructor_tokens_are_added_before_freezing():
    V = Vocabulary(K1, ["a", "b"], frozen=True)
    assert list(V) == ["a", "b"]


def test_token_by_id():
    V = Vocabulary(K1, ["a", 5])
    assert V.token(0) == "a" and V.token(np.int64(1)) == 5


@pytest.mark.parametrize("bad", [2, -1, 10**20])
def test_token_id_out_of_range(bad):
    V = Vocabulary(K1, ["a", "b"])
    with pytest.raises(IndexError, match=rf"token id must be in range\(2\), not {bad}"):
        V.token(bad)


@pytest.mark.parametrize("bad", [True, 1.0, "0", None])
def test_token_id_type(bad):
    with pytest.raises(TypeError, match=rf"token id must be an int, not {type(bad).__name__}"):
        Vocabulary(K1, ["a", "b"]).token(bad)


def test_token_on_empty_vocabulary():
    with pytest.raises(IndexError, match=r"range\(0\), not 0"):
        Vocabulary(K1).token(0)


# ---- protocol ------------------------------------------------------------------------


def test_repr():
    assert repr(Vocabulary(K1, ["a", "b"])) == "Vocabulary(secp256k1, 2 tokens, namespace='default')"
    assert repr(Vocabulary("P-384", namespace="x", frozen=True)) == "Vocabulary(P-384, 0 tokens, namespace='x', frozen)"


def test_equality():
    a = Vocabulary(K1, ["a", 1])
    assert a == Vocabulary(ect.curve(K1), ["a", 1], frozen=True)  # frozen is a mode, not content
    assert a != Vocabulary(K1, [1, "a"])
    assert a != Vocabulary(K1, ["a", "1"])
    assert a != Vocabulary(K1, ["a", 1], namespace="other")
    assert a != Vocabulary("P-256", ["a", 1])
    assert a != ["a", 1] and a != "a"
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)
    # the unknown token is content: it decides what an unseen token means (and so the digest)
    by_unknown = [Vocabulary(K1, ["a", 1], frozen=True, unknown=u) for u in (None, "a", 1)]
    assert [x == y for x in by_unknown for y in by_unknown] == [x is y for x in by_unknown for y in by_unknown]
    assert len({x.digest() for x in by_unknown}) == 3


def test_pickle_before_hashing():
    V = Vocabulary("P-256", ["a", 3, "ü"], namespace="p", frozen=True)
    W = pickle.loads(pickle.dumps(V))
    assert W == V and W.frozen and W.namespace == "p" and W.curve is V.curve
    with pytest.raises(UnknownTokenError):
        W.id("new")


def test_pickle_part_hashed_keeps_the_generators_and_the_waiting_tokens():
    V = Vocabulary(K1, ["a", 1, "b"])
    hashed = V.generators  # the first three are hashed ...
    V.add_many(["c", 2])  # ... these two wait
    W = pickle.loads(pickle.dumps(V))
    assert W == V and W.generators[:3] == hashed and W.generators == V.generators
    assert W.id("c") == 3 and W.id("new") == 5


def test_unpickling_refuses_an_inconsistent_state():
    P = Vocabulary(K1, ["a", "b"]).generators
    with pytest.raises(ValueError, match="corrupt Vocabulary pickle"):
        vocab._unpickle(ect.curve(K1), "default", False, ["a", "a"], None)
    with pytest.raises(ValueError, match="more generators than tokens"):
        vocab._unpickle(ect.curve(K1), "default", False, ["a"], P)


# ---- message and tag encodings --------------------------------------------------------


@pytest.mark.parametrize(
    "token, message",
    [
        ("", b"s"),
        ("a", b"sa"),
        ("héllo", b"sh\xc3\xa9llo"),
        ("日", b"s\xe6\x97\xa5"),
        ("-12", b"s-12"),
        (0, b"i0"),
        (42, b"i42"),
        (-12, b"i-12"),
        (2**63 - 1, b"i9223372036854775807"),
        (np.int64(7), b"i7"),
    ],
)
def test_token_message(token, message):
    assert token_message(token) == message


def test_token_message_errors():
    with pytest.raises(TypeError, match="tokens must be str or int, not bool"):
        token_message(False)
    with pytest.raises(ValueError, match="lone surrogate"):
        token_message("\udfff")


_tokens = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"])),  # no lone surrogates
    st.integers(-(2**63), 2**63 - 1),
)


@given(_tokens, _tokens)
def test_token_message_is_injective(s, t):
    same = type(s) is type(t) and s == t
    assert (token_message(s) == token_message(t)) == same


def test_domain_tags_are_distinct_for_distinct_curves_and_namespaces():
    namespaces = ["default", "a", "b", "default-2", "x-y", "日本", "a b"]
    tags = {}
    for name in ect.curve_names():
        for ns in namespaces:
            tag = domain_tag(name, ns)
            assert tag.startswith(b"ectraverse-v1:") and tag.rsplit(b":", 1)[1] == ns.encode()
            tags[tag] = (name, ns)
    assert len(tags) == len(ect.curve_names()) * len(namespaces)


def test_domain_tag_matches_the_vocabulary():
    assert domain_tag(ect.curve("BN254"), "n") == Vocabulary("alt_bn128", namespace="n").dst == b"ectraverse-v1:BN254:n"
    assert domain_tag("toy-plot") == b"ectraverse-v1:toy-plot:default"


def test_domain_tag_errors():
    with pytest.raises(ValueError, match="without ':'"):
        domain_tag(K1, "a:b")
    with pytest.raises(TypeError, match="curve must be a Curve or a curve name, not int"):
        domain_tag(1)


# ---- from_corpus ------------------------------------------------------------------------


def test_from_corpus_orders_by_count_then_first_appearance():
    V = Vocabulary.from_corpus(["b a c", "c b d", "b e"], "whitespace")
    assert list(V) == ["b", "c", "a", "d", "e"]  # b:3, c:2, then a, d, e (count 1) as first seen
    assert V.curve is ect.curve(K1) and V.namespace == "default" and not V.frozen


def test_from_corpus_default_tokenizer_is_words():
    assert list(Vocabulary.from_corpus(["Hi, hi!", "hi."])) == ["hi", "Hi", ",", "!", "."]


def test_from_corpus_min_count_and_max_size():
    texts = ["a a a b b c", "d a b"]
    assert list(Vocabulary.from_corpus(texts, min_count=2)) == ["a", "b"]
    assert list(Vocabulary.from_corpus(texts, min_count=5)) == []
    assert list(Vocabulary.from_corpus(texts, max_size=3)) == ["a", "b", "c"]
    assert list(Vocabulary.from_corpus(texts, max_size=0)) == []
    assert list(Vocabulary.from_corpus(texts, min_count=2, max_size=1)) == ["a"]


def test_from_corpus_matches_a_brute_force_count():
    rng = random.Random(20240611)
    alphabet = [f"w{i}" for i in range(60)]
    texts = [" ".join(rng.choices(alphabet, k=rng.randrange(0, 40))) for _ in range(200)]
    V = Vocabulary.from_corpus(texts, "whitespace", min_count=3, max_size=40)
    counts = Counter(t for text in texts for t in text.split())
    first = {}
    for i, t in enumerate(t for text in texts for t in text.split()):
        first.setdefault(t, i)
    expected = sorted((t for t in counts if counts[t] >= 3), key=lambda t: (-counts[t], first[t]))[:40]
    assert list(V) == expected


def test_from_corpus_keywords():
    V = Vocabulary.from_corpus(["x y"], "chars", curve="P-256", namespace="c", frozen=True)
    assert list(V) == ["x", " ", "y"]
    assert V.curve is ect.curve("P-256") and V.namespace == "c" and V.frozen
    assert Vocabulary.from_corpus([], curve=ect.curve("P-384")).curve is ect.curve("P-384")


def test_from_corpus_every_tokenizer_kind():
    assert list(Vocabulary.from_corpus(["aé"], "bytes")) == [97, 195, 169]

    class Ids:
        def encode(self, text):
            return [len(w) for w in text.split()]

    assert list(Vocabulary.from_corpus(["a bb cc d"], Ids())) == [1, 2]
    assert list(Vocabulary.from_corpus(["A b", "a"], lambda s: s.lower().split())) == ["a", "b"]
    assert list(Vocabulary.from_corpus(["a b"], lambda s: (w for w in s.split()))) == ["a", "b"]  # any iterable
    assert list(Vocabulary.from_corpus(["3 4 3"], lambda s: [np.int64(w) for w in s.split()])) == [3, 4]
    assert list(Vocabulary.from_corpus(iter(["x", "y x"]), "whitespace")) == ["x", "y"]  # texts: any iterable


def test_from_corpus_progress_callback():
    seen = []
    Vocabulary.from_corpus(["a b c", "", "d e"], "whitespace", progress=seen.append)
    assert seen == [3, 0, 2]
    with pytest.raises(TypeError, match="progress must be True, False, a callable or None, not int"):
        Vocabulary.from_corpus(["a"], progress=1)


@pytest.mark.parametrize("texts", ["a b c", b"abc", 5])
def test_from_corpus_texts_must_be_an_iterable_of_str(texts):
    with pytest.raises(TypeError, match=r"texts must be an iterable of str, not \w+"):
        Vocabulary.from_corpus(texts)


def test_from_corpus_text_types():
    with pytest.raises(TypeError, match="texts must hold str, not bytes"):
        Vocabulary.from_corpus(["ok", b"bad"])


def test_from_corpus_tokenizer_errors():
    with pytest.raises(ValueError, match="Unknown tokenizer 'bpe'"):
        Vocabulary.from_corpus(["a"], "bpe")
    with pytest.raises(TypeError, match="tokenizer must be a name"):
        Vocabulary.from_corpus(["a"], 3)
    with pytest.raises(TypeError, match="must return a list of tokens, not str"):
        Vocabulary.from_corpus(["a"], str.lower)
    with pytest.raises(TypeError, match="must return a list of tokens, not NoneType"):
        Vocabulary.from_corpus(["a"], lambda s: None)
    for mixed, what in (([1, True, True], "bool"), ([1, 1.0], "float")):  # equal to 1: counted as 1 once
        with pytest.raises(TypeError, match=f"tokens must be str or int, not {what}"):
            Vocabulary.from_corpus(["a"], lambda s, m=mixed: m)
    for unordered in ({"a", "b"}, frozenset("ab"), {"a": 1}):  # a set's order changes with PYTHONHASHSEED
        with pytest.raises(TypeError, match=f"must return a list of tokens, not {type(unordered).__name__}"):
            Vocabulary.from_corpus(["a"], lambda s, u=unordered: u)
    with pytest.raises(TypeError, match="tokens must be str or int, not float"):
        Vocabulary.from_corpus(["a"], lambda s: [1.5])
    with pytest.raises(TypeError, match="tokens must be str or int, not bool"):
        Vocabulary.from_corpus(["a"], lambda s: [True], min_count=2)  # checked even when not kept


@pytest.mark.parametrize(
    "kwargs, cls, match",
    [
        ({"min_count": 0}, ValueError, "min_count must be >= 1, not 0"),
        ({"min_count": 1.0}, TypeError, "min_count must be an int, not float"),
        ({"min_count": True}, TypeError, "min_count must be an int, not bool"),
        ({"max_size": -1}, ValueError, "max_size must be >= 0, not -1"),
        ({"max_size": "3"}, TypeError, "max_size must be an int, not str"),
        ({"namespace": "a:b"}, ValueError, "without ':'"),
        ({"curve": "nope"}, ect.UnknownCurveError, "Unknown curve 'nope'"),
        ({"frozen": 1}, TypeError, "frozen must be a bool"),
    ],
)
def test_from_corpus_argument_errors(kwargs, cls, match):
    with pytest.raises(cls, match=match):
        Vocabulary.from_corpus(["a"], **kwargs)


# ---- loading files that fail before any hashing ----------------------------------------------


def _file_dict(**changes):
    C = ect.curve(K1)
    d = {
        "format": "ectraverse-vocabulary",
        "version": 1,
        "curve": K1,
        "curve_params": {k: hex(getattr(C.params, k)) for k in ("p", "a", "b", "gx", "gy", "n", "h")},
        "namespace": "default",
        "dst": "ectraverse-v1:secp256k1:default",
        "frozen": False,
        "size": 2,
        "tokens": ["a", 1],
        "generators": ["02" + "00" * 32, "03" + "00" * 32],
    }
    d.update(changes)
    return d


def _write(tmp_path, content, name="v.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        Vocabulary.load(tmp_path / "none.json")


def test_load_truncated_file(tmp_path):
    text = json.dumps(_file_dict()).encode()
    for cut in (0, 1, len(text) // 2, len(text) - 1):
        path = _write(tmp_path, text[:cut])
        expected = r"v\.json: not valid JSON \(.* at line 1, column \d+\); is it truncated\?"
        with pytest.raises(VocabularyFileError, match=expected):
            Vocabulary.load(path)


def test_load_not_utf8(tmp_path):
    with pytest.raises(VocabularyFileError, match=r"not UTF-8 \(byte 2\)"):
        Vocabulary.load(_write(tmp_path, b'{"\xff"}'))


@pytest.mark.parametrize("content", [[], {"format": "other"}, {"tokens": []}, "ectraverse-vocabulary"])
def test_load_not_a_vocabulary_file(tmp_path, content):
    with pytest.raises(VocabularyFileError, match="not an ectraverse vocabulary file"):
        Vocabulary.load(_write(tmp_path, content))


@pytest.mark.parametrize("version", [3, 0, "1", "2", None, True, 1.0, 2.0])
def test_load_other_version(tmp_path, version):
    expected = rf"version {version!r} is not supported; this ectraverse reads versions 1 and 2"
    with pytest.raises(VocabularyFileError, match=expected):
        Vocabulary.load(_write(tmp_path, _file_dict(version=version)))


def test_load_missing_fields(tmp_path):
    d = _file_dict()
    del d["dst"], d["tokens"]
    with pytest.raises(VocabularyFileError, match="fields missing: dst, tokens"):
        Vocabulary.load(_write(tmp_path, d))


def test_load_refuses_fields_it_does_not_define(tmp_path):
    """A field the format does not define was ignored: a frozen vocabulary whose "unknown" key was misspelt
    (or edited by one byte) loaded without its unknown token, an engine with another fingerprint that
    raised on the tokens it used to map to the unknown one."""
    V = Vocabulary("toy61", ["a", "[UNK]"], frozen=True, unknown="[UNK]")
    path = tmp_path / "v.json"
    V.save(path)
    text = path.read_text("utf-8")
    assert Vocabulary.load(path) == V
    for edited, field in ((text.replace('"unknown"', '"unknowo"'), "'unknowo'"),
                          (text.replace('"frozen"', '"extra": 1,\n "frozen"'), "'extra'"),
                          (text.replace('"p":', '"q": "0x1", "p":'), None)):
        data = json.loads(edited)
        path.write_text(json.dumps({**data, "checksum": _checksum(data)}), "utf-8")  # edited on purpose
        with pytest.raises(VocabularyFileError) as info:
            Vocabulary.load(path)
        if field is None:
            assert "'curve_params' holds keys it does not define: 'q'" in str(info.value)
        else:
            assert f"fields this version does not define: {field}; the file was altered" in str(info.value)


def test_load_accepts_a_byte_order_mark(tmp_path):
    """A file an editor saved with a UTF-8 byte order mark loads (it was "not valid JSON ...; is it truncated?")."""
    V = Vocabulary("toy61", ["a", "b"])
    path = tmp_path / "v.json"
    V.save(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert Vocabulary.load(path) == V


def test_load_for_another_curve(tmp_path):
    path = _write(tmp_path, _file_dict())
    with pytest.raises(VocabularyFileError, match="the vocabulary is for curve 'secp256k1', not 'P-256'"):
        Vocabulary.load(path, curve="P-256")
    custom = ect.Curve(K1, **{k: getattr(ect.curve("toy-plot").params, k) for k in ("p", "a", "b", "gx", "gy", "n")})
    with pytest.raises(VocabularyFileError, match="for a curve named 'secp256k1' with other parameters"):
        Vocabulary.load(path, curve=custom)


def test_load_for_another_namespace(tmp_path):
    with pytest.raises(VocabularyFileError, match="the vocabulary is for namespace 'default', not 'other'"):
        Vocabulary.load(_write(tmp_path, _file_dict()), namespace="other")


def test_load_curve_params_that_differ_from_the_registered_curve(tmp_path):
    d = _file_dict()
    d["curve_params"]["b"] = "0x8"
    with pytest.raises(VocabularyFileError, match="parameters for curve 'secp256k1' differ from the registered curve"):
        Vocabulary.load(_write(tmp_path, d))
    # an alias of a registered curve ('secp256r1' is P-256) names a custom curve: save writes canonical names
    alias = _file_dict(curve="secp256r1", dst="ectraverse-v1:secp256r1:default")
    with pytest.raises(VocabularyFileError, match=r"the stored generator of token 'a' \(id 0\) does not match"):
        Vocabulary.load(_write(tmp_path, alias))


@pytest.mark.parametrize("value", [7, "7", "0xzz", None])
def test_load_bad_curve_params(tmp_path, value):
    d = _file_dict()
    d["curve_params"]["gx"] = value
    with pytest.raises(VocabularyFileError, match=r"curve_params\['gx'\] must be a hex string like '0x1f', not "):
        Vocabulary.load(_write(tmp_path, d))


def test_load_invalid_custom_curve(tmp_path):
    d = _file_dict(curve="mine", dst="ectraverse-v1:mine:default")
    d["curve_params"] = {"p": "0x2b", "a": "0x1", "b": "0x3", "gx": "0x2", "gy": "0x15", "n": "0x2f", "h": "0x1"}
    expected = r"its custom curve 'mine' is invalid: generator .* is not on curve 'mine'"
    with pytest.raises(VocabularyFileError, match=expected):
        Vocabulary.load(_write(tmp_path, d))


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"curve": 1}, "'curve' must be a str, not an integer"),
        ({"curve_params": []}, "'curve_params' must be an object, not a list"),
        ({"namespace": None}, "'namespace' must be a str, not null"),
        ({"namespace": "a:b"}, "bad namespace: namespace must be a non-empty str without ':'"),
        (
            {"dst": "ectraverse-v1:secp256k1:other"},
            "'dst' is 'ectraverse-v1:secp256k1:other'; curve 'secp256k1' and namespace 'default' "
            "give 'ectraverse-v1:secp256k1:default'",
        ),
        ({"frozen": "no"}, "'frozen' must be true or false, not a string"),
        ({"tokens": "a"}, "'tokens' must be a list, not a string"),
        ({"generators": {}}, "'generators' must be a list, not an object"),
        ({"size": 2.0}, "'size' must be an int, not a number"),
        ({"size": 3}, "'size' is 3 but the file holds 2 tokens and 2 generators"),
        ({"tokens": ["a"]}, "'size' is 2 but the file holds 1 tokens and 2 generators"),
        ({"generators": ["02"]}, "'size' is 2 but the file holds 2 tokens and 1 generators"),
        ({"tokens": ["a", 1.5]}, "token 1 must be a JSON string or integer, not a number"),
        ({"tokens": ["a", True]}, "token 1 must be a JSON string or integer, not a boolean"),
        ({"tokens": [None, "a"]}, "token 0 must be a JSON string or integer, not null"),
        ({"tokens": ["a", 2**64]}, r"token 1: int tokens must be in \[-2\*\*63, 2\*\*63\)"),
        ({"tokens": ["a", "a"]}, "token 'a' appears twice \\(ids 0 and 1\\)"),
    ],
)
def test_load_malformed(tmp_path, changes, match):
    with pytest.raises(VocabularyFileError, match=match):
        Vocabulary.load(_write(tmp_path, _file_dict(**changes)))


def test_load_argument_types(tmp_path):
    path = _write(tmp_path, _file_dict())
    with pytest.raises(TypeError, match="frozen must be a bool or None, not int"):
        Vocabulary.load(path, frozen=1)
    with pytest.raises(ValueError, match="without ':'"):
        Vocabulary.load(path, namespace="a:b")
    with pytest.raises(TypeError, match="curve must be a Curve or a curve name, not int"):
        Vocabulary.load(path, curve=1)


def test_vocabulary_file_error_is_a_value_error():
    assert issubclass(VocabularyFileError, ValueError) and issubclass(VocabularyFileError, EctraverseError)
    assert issubclass(UnknownTokenError, KeyError) and issubclass(UnknownTokenError, EctraverseError)


# ---- the atomic writer -----------------------------------------------------------------


def test_write_atomic_creates_and_replaces(tmp_path):
    path = tmp_path / "out.json"
    vocab._write_atomic(path, b"one")
    vocab._write_atomic(str(path), b"two")
    assert path.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["out.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_atomic_failure_leaves_the_target_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_bytes(b"original")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        vocab._write_atomic(path, b"new")
    assert path.read_bytes() == b"original"
    assert os.listdir(tmp_path) == ["out.json"]


def test_write_atomic_onto_a_directory(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(OSError):
        vocab._write_atomic(tmp_path / "d", b"x")
    assert os.listdir(tmp_path) == ["d"]


def test_from_corpus_progress_true_draws_a_bar_on_stderr(capsys):
    V = Vocabulary.from_corpus(["a b a", "c a"], progress=True)
    assert list(V) == ["a", "b", "c"]
    err = capsys.readouterr().err
    assert "2/2 texts" in err and "5 tokens" in err and err.endswith("\n")


def test_from_corpus_progress_must_be_callable_or_bool():
    with pytest.raises(TypeError, match="progress must be True, False, a callable or None, not str"):
        Vocabulary.from_corpus(["a"], progress="yes")


# ---- the unknown token ------------------------------------------------------------------------


def test_an_unknown_token_stands_for_every_unseen_token():
    V = Vocabulary("secp256k1", ["a", "b"], frozen=True, unknown="[UNK]")
    assert list(V) == ["a", "b", "[UNK]"] and V.unknown == "[UNK]" and V.frozen
    assert V.ids(["a", "zebra", "b", "yak"]) == [0, 2, 1, 2] and len(V) == 3
    assert V.generator("zebra") == V.generator("[UNK]") and "zebra" not in V
    assert repr(V) == "Vocabulary(secp256k1, 3 tokens, namespace='default', frozen, unknown='[UNK]')"
    already = Vocabulary("secp256k1", ["<unk>", "a"], frozen=True, unknown="<unk>")
    assert list(already) == ["<unk>", "a"] and already.id("nope") == 0
    assert Vocabulary("secp256k1", ["a", "b"], frozen=True) != V
    with pytest.raises(ValueError, match="unknown is for frozen vocabularies: pass frozen=True with it"):
        Vocabulary("secp256k1", ["a"], unknown="[UNK]")
    with pytest.raises(TypeError, match="tokens must be str or int, not float"):
        Vocabulary("secp256k1", ["a"], frozen=True, unknown=1.5)


def test_a_corpus_vocabulary_with_min_count_composes_its_own_corpus():
    corpus = ["the cat sat on the mat", "the dog sat"]
    V = Vocabulary.from_corpus(corpus, min_count=2, frozen=True, unknown="[UNK]")
    assert list(V) == ["the", "sat", "[UNK]"]
    eng = ect.Traversal(vocabulary=V)
    c = eng.compose(corpus[0])
    assert c == eng.compose(["the", "[UNK]", "sat", "[UNK]", "the", "[UNK]"]) and c.length == 6
    with pytest.raises(UnknownTokenError, match="'cat' is not in the frozen vocabulary"):
        ect.Traversal(vocabulary=Vocabulary.from_corpus(corpus, min_count=2, frozen=True)).compose(corpus[0])


def test_an_engine_over_an_unknown_token_names_its_vocabulary_in_the_fingerprint():
    V = Vocabulary("P-256", ["a", "b"], frozen=True, unknown="[UNK]")
    W = Vocabulary("P-256", ["a", "c"], frozen=True, unknown="[UNK]")
    fps = {ect.Traversal(vocabulary=X).fingerprint for X in (V, W, Vocabulary("P-256"))}
    assert len(fps) == 3  # "c" means itself under W and [UNK] under V: their contexts must not mix
    same = Vocabulary("P-256", ["a", "b"], frozen=True, unknown="[UNK]")
    assert ect.Traversal(vocabulary=same).fingerprint == ect.Traversal(vocabulary=V).fingerprint
    assert V.digest() == same.digest() != W.digest()


def test_the_unknown_token_survives_files_and_pickles(tmp_path):
    V = Vocabulary("secp256k1", ["a", 7], frozen=True, unknown="[UNK]")
    path = tmp_path / "v.json"
    V.save(path)
    assert json.loads(path.read_text("utf-8"))["unknown"] == "[UNK]"
    back = Vocabulary.load(path)
    assert back == V and back.unknown == "[UNK]" and back.id("zzz") == 2
    reopened = Vocabulary.load(path, frozen=False)
    assert reopened.unknown is None and reopened.id("zzz") == 3
    assert pickle.loads(pickle.dumps(V)) == V and pickle.loads(pickle.dumps(V)).id("q") == 2
    data = json.loads(path.read_text("utf-8"))
    for unknown, frozen, match in (("nope", True, "'unknown' must be null or one of the tokens, not 'nope'"),
                                   (True, True, "'unknown' must be null or one of the tokens, not a boolean"),
                                   ("[UNK]", False, "'unknown' is set, but the vocabulary is not frozen")):
        edited = {**data, "unknown": unknown, "frozen": frozen}
        path.write_text(json.dumps(edited), "utf-8")
        with pytest.raises(VocabularyFileError, match="its checksum does not match its content"):
            Vocabulary.load(path)
        path.write_text(json.dumps({**edited, "checksum": _checksum(edited)}), "utf-8")  # edited on purpose
        with pytest.raises(VocabularyFileError, match=match):
            Vocabulary.load(path)
