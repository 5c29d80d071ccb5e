"""Vocabulary generators: hashing tokens to the curve, and save/load round trips.

Covered: ``generator(token)`` is ``curve.hash_to_curve(token_message, dst)``;
``generators`` in id order, cached, rebuilt after an add; hashing is lazy and
batched (``from_corpus`` and ``add_many`` hash nothing; the first use hashes all
waiting tokens in one batch; a single waiting token goes through
``hash_to_curve``); the same token gives the same generator in two
vocabularies, whatever its id; namespaces, curves and token types separate
generators; frozen vocabularies; pickling keeps generators; save/load round
trips (named, aliased and custom curves, Unicode and int tokens, an empty
vocabulary, an identity generator) with the documented layout; tampered files
(a flipped hex digit, a removed token, a swapped pair, a changed namespace, a
changed curve, a truncated file) raise ``VocabularyFileError`` naming the
problem; atomic saving.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random

import pytest

import ectraverse as ect
from ectraverse.errors import UnknownTokenError, VocabularyFileError
from ectraverse.point import Curve
from ectraverse.vocab import Vocabulary, _checksum, token_message


K1 = "secp256k1"
TOKENS = ["the", "cat", ",", "日本", "👍🏽", "e\u0301", "", 0, -1, 42, 2**63 - 1]


@pytest.fixture
def spy(monkeypatch):
    """Counts calls to the curve's hashing methods (and still calls them)."""
    calls = {"single": 0, "batch": 0, "messages": 0}
    single, batch = Curve.hash_to_curve, Curve.hash_to_curve_batch

    def hash_one(self, msg, dst):
        calls["single"] += 1
        calls["messages"] += 1
        return single(self, msg, dst)

    def hash_many(self, msgs, dst):
        calls["batch"] += 1
        calls["messages"] += len(msgs)
        return batch(self, msgs, dst)

    monkeypatch.setattr(Curve, "hash_to_curve", hash_one)
    monkeypatch.setattr(Curve, "hash_to_curve_batch", hash_many)
    return calls


# ---- generators -------------------------------------------------------------------------


def test_generator_is_the_hash_of_the_token_message():
    V = Vocabulary(K1, TOKENS, namespace="gen")
    C = V.curve
    for t in TOKENS:
        assert V.generator(t) == C.hash_to_curve(token_message(t), b"ectraverse-v1:secp256k1:gen")


def test_known_answers():
    """Pins the message and tag encodings: RFC 9380 hash_to_curve with the curve's standard suite."""
    G = Vocabulary(K1, ["the", 42]).generators
    assert G.to_bytes().hex() == (
        "03fed3240b58c860d72c6cdb08e77983b7d92293460e93e778347eafcbf53ff53c"
        "037ee4f65295763ed97749b3fcbfb77f35a0c9b1a11e4e3bdfe95bcd6533fb9ccb"
    )
    P = Vocabulary("P-256", namespace="wiki").generator("the")
    assert P.to_bytes().hex() == "0361bf12adf2e733a3623f03bd0a65797941717a232992237c5bf2331abc692ce0"


def test_generators_in_id_order():
    V = Vocabulary(K1, TOKENS)
    G = V.generators
    assert isinstance(G, ect.PointArray) and len(G) == len(TOKENS) and G.curve is V.curve
    assert G == V.curve.hash_to_curve_batch([token_message(t) for t in TOKENS], V.dst)
    assert list(G) == [V.generator(t) for t in V]
    assert all(not P.is_identity for P in G)


def test_generators_cached_and_rebuilt_after_an_add():
    V = Vocabulary(K1, ["a", "b"])
    G = V.generators
    assert V.generators is G
    V.add("a")
    assert V.generators is G
    V.add("c")
    G2 = V.generators
    assert G2 is not G and len(G2) == 3 and G2[:2] == G and G2[2] == V.generator("c")


def test_empty_generators():
    G = Vocabulary("P-256").generators
    assert len(G) == 0 and G.curve is ect.curve("P-256")


def test_same_token_same_generator_across_vocabularies():
    rng = random.Random(7)
    shuffled = TOKENS[:]
    rng.shuffle(shuffled)
    A, B = Vocabulary(K1, TOKENS), Vocabulary(K1, shuffled)
    for t in TOKENS:
        assert A.id(t) != B.id(t) or t == shuffled[TOKENS.index(t)]
        assert A.generator(t) == B.generator(t)


def test_namespaces_give_different_generators():
    A = Vocabulary(K1, TOKENS, namespace="one")
    B = Vocabulary(K1, TOKENS, namespace="two")
    D = Vocabulary(K1, TOKENS)
    for t in TOKENS:
        assert len({A.generator(t), B.generator(t), D.generator(t)}) == 3


def test_curves_give_different_generators():
    for name in ("P-256", "P-384", "BN254"):
        V = Vocabulary(name, ["a", 1])
        assert V.generator("a").curve is ect.curve(name) and V.generator("a") != V.generator(1)


def test_str_and_int_tokens_have_different_generators():
    V = Vocabulary(K1, ["1", 1, "-5", -5])
    assert len(set(V.generators)) == 4


def test_all_generators_are_distinct():
    V = Vocabulary(K1, [f"t{i}" for i in range(200)] + list(range(200)))
    assert len(set(V.generators)) == 400


# ---- laziness and batching ------------------------------------------------------------------


def test_building_hashes_nothing_then_one_batch(spy):
    V = Vocabulary.from_corpus(["a b c a", "d e"], "whitespace")
    V.add_many(["f", "g"])
    assert spy == {"single": 0, "batch": 0, "messages": 0}
    V.generator("c")  # the first use hashes every waiting token at once
    assert spy == {"single": 0, "batch": 1, "messages": 7}
    V.generators
    V.generator("a")
    assert spy["messages"] == 7


def test_an_unseen_token_is_hashed_alone_and_cached(spy):
    V = Vocabulary(K1, ["a", "b"])
    V.generators
    P = V.generator("new")  # open: added, then hashed on its own
    assert V.id("new") == 2 and spy == {"single": 1, "batch": 1, "messages": 3}
    assert V.generator("new") == P and spy["messages"] == 3
    V.add_many(["x", "y"])
    assert V.generators[3] == V.generator("x") and spy["batch"] == 2 and spy["messages"] == 5


def test_frozen_generator_raises_naming_the_token():
    V = Vocabulary(K1, ["a"], frozen=True)
    assert V.generator("a") == V.generators[0]
    with pytest.raises(UnknownTokenError, match=r"Token 'b' is not in the frozen vocabulary"):
        V.generator("b")
    assert len(V.generators) == 1


def test_pickle_keeps_the_generators(spy):
    V = Vocabulary(K1, ["a", "b", 3], namespace="pk", frozen=True)
    G = V.generators
    before = spy["messages"]
    W = pickle.loads(pickle.dumps(V))
    assert W == V and W.frozen and W.generators == G and spy["messages"] == before


def test_pickle_partly_hashed(spy):
    V = Vocabulary(K1, ["a", "b"])
    V.generators
    V.add_many(["c", "d"])  # waiting
    W = pickle.loads(pickle.dumps(V))
    assert spy["messages"] == 2
    assert W.generators == Vocabulary(K1, ["a", "b", "c", "d"]).generators


# ---- save / load ------------------------------------------------------------------------


def test_round_trip(tmp_path):
    V = Vocabulary(K1, TOKENS, namespace="wiki")
    path = tmp_path / "vocab.json"
    V.save(path)
    W = Vocabulary.load(path)
    assert W == V and list(W) == TOKENS and [type(t) for t in W] == [type(t) for t in TOKENS]
    assert W.curve is V.curve and W.namespace == "wiki" and not W.frozen
    assert W.generators == V.generators


def test_file_layout(tmp_path):
    V = Vocabulary(K1, ["the", "日本", 42], namespace="doc", frozen=True)
    path = tmp_path / "v.json"
    V.save(str(path))
    raw = path.read_bytes()
    assert "日本".encode() in raw  # readable UTF-8, not \u escapes
    d = json.loads(raw)
    C = V.curve
    checksum = d.pop("checksum")  # SHA-256 of the other fields as canonical JSON
    canonical = json.dumps(d, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    assert checksum == "sha256:" + hashlib.sha256(canonical).hexdigest()
    assert d == {
        "format": "ectraverse-vocabulary",
        "version": 2,
        "curve": "secp256k1",
        "curve_params": {k: hex(getattr(C.params, k)) for k in ("p", "a", "b", "gx", "gy", "n", "h")},
        "namespace": "doc",
        "dst": "ectraverse-v1:secp256k1:doc",
        "frozen": True,
        "size": 3,
        "tokens": ["the", "日本", 42],
        "generators": [P.to_bytes().hex() for P in V.generators],
    }
    assert all(len(h) == 66 and h[:2] in ("02", "03") for h in d["generators"])


def test_round_trip_keeps_frozen_unless_overridden(tmp_path):
    path = tmp_path / "v.json"
    Vocabulary(K1, ["a"], frozen=True).save(path)
    assert Vocabulary.load(path).frozen
    W = Vocabulary.load(path, frozen=False)
    assert not W.frozen and W.id("b") == 1
    Vocabulary(K1, ["a"]).save(path)
    assert Vocabulary.load(path, frozen=True).frozen


def test_load_with_matching_curve_and_namespace(tmp_path):
    path = tmp_path / "v.json"
    V = Vocabulary("P-256", ["a", 1], namespace="n")
    V.save(path)
    assert Vocabulary.load(path, curve="secp256r1", namespace="n") == V
    assert Vocabulary.load(path, curve=ect.curve("P-256")) == V


def test_round_trip_empty(tmp_path):
    path = tmp_path / "v.json"
    Vocabulary("P-384").save(path)
    W = Vocabulary.load(path)
    assert len(W) == 0 and W.curve is ect.curve("P-384")


def test_round_trip_custom_curve(tmp_path):
    prm = ect.curve("toy61").params
    C = Curve("my-curve", **{k: getattr(prm, k) for k in ("p", "a", "b", "gx", "gy", "n", "h")})
    V = Vocabulary(C, ["a", "b", 7])
    path = tmp_path / "v.json"
    V.save(path)
    W = Vocabulary.load(path)  # "my-curve" is not registered: built from the stored parameters
    assert W == V and W.curve == C and W.curve.name == "my-curve" and W.generators == V.generators
    assert Vocabulary.load(path, curve=C) == V


@pytest.mark.parametrize("name, numbers_of", [("TOY61", "toy61"), ("Toy61", "toy61"), ("secp256r1", "P-256"),
                                              ("secp256r1", "toy61")])
def test_a_custom_curve_named_as_a_registered_curve_answers_keeps_its_name(tmp_path, name, numbers_of):
    prm = ect.curve(numbers_of).params
    C = Curve(name, **{k: getattr(prm, k) for k in ("p", "a", "b", "gx", "gy", "n", "h")})
    V = Vocabulary(C, ["a", "b"])
    path = tmp_path / "v.json"
    V.save(path)
    W = Vocabulary.load(path)
    assert W == V and W.curve == C and W.curve.name == name and W.generators == V.generators


def test_round_trip_from_corpus(tmp_path):
    rng = random.Random(11)
    words = ["alpha", "beta", "γάμμα", "дельта", "イプシロン", "ζ", "η!"]
    texts = [" ".join(rng.choices(words, k=rng.randrange(1, 30))) for _ in range(50)]
    V = Vocabulary.from_corpus(texts, min_count=2)
    path = tmp_path / "v.json"
    V.save(path)
    assert Vocabulary.load(path) == V


def test_identity_generator_round_trips(tmp_path, monkeypatch):
    """A hash landing on the identity (probability ~1/n) is stored as "00" and loads."""
    batch = Curve.hash_to_curve_batch

    def with_identity(self, msgs, dst):
        pts = list(batch(self, msgs, dst))
        pts[1] = self.identity
        return ect.PointArray(self, pts)

    monkeypatch.setattr(Curve, "hash_to_curve_batch", with_identity)
    V = Vocabulary(K1, ["a", "b", "c"])
    path = tmp_path / "v.json"
    V.save(path)
    assert json.loads(path.read_text())["generators"][1] == "00"
    assert Vocabulary.load(path).generators[1].is_identity


# ---- tampered files ------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "v.json"
    Vocabulary(K1, ["a", "b", "c", "d"], namespace="ns").save(path)
    return path


def _edit(path, change):
    """The file edited on purpose: its checksum made again, so that the checks below it are what refuse."""
    d = json.loads(path.read_text("utf-8"))
    change(d)
    d["checksum"] = _checksum(d)
    path.write_text(json.dumps(d), "utf-8")
    return path


@pytest.mark.parametrize("change", [
    lambda d: d.update(frozen=True),
    lambda d: d["tokens"].reverse(),
    lambda d: d.update(size=5),
    lambda d: d.update(namespace="other"),
    lambda d: d.update(checksum=d["checksum"][:-1] + ("1" if d["checksum"].endswith("0") else "0")),
    lambda d: d.update(checksum=None),
], ids=["frozen", "tokens", "size", "namespace", "checksum", "checksum null"])
def test_an_edit_that_keeps_the_checksum_is_refused_by_it(saved, change):
    d = json.loads(saved.read_text("utf-8"))
    change(d)
    saved.write_text(json.dumps(d), "utf-8")
    with pytest.raises(VocabularyFileError, match="its checksum does not match its content"):
        Vocabulary.load(saved)


def test_a_version_2_file_needs_its_checksum_and_a_version_1_file_has_none(saved):
    d = json.loads(saved.read_text("utf-8"))
    del d["checksum"]
    saved.write_text(json.dumps(d), "utf-8")
    with pytest.raises(VocabularyFileError, match="fields missing: checksum"):
        Vocabulary.load(saved)
    saved.write_text(json.dumps({**d, "version": 1}), "utf-8")  # as written before the checksum: loads
    assert Vocabulary.load(saved) == Vocabulary(K1, ["a", "b", "c", "d"], namespace="ns")
    saved.write_text(json.dumps({**d, "version": 1, "checksum": _checksum(d)}), "utf-8")
    with pytest.raises(VocabularyFileError, match="fields this version does not define: 'checksum'"):
        Vocabulary.load(saved)


def test_the_unknown_token_edited_to_another_token_is_refused(tmp_path):
    V = Vocabulary(K1, ["a", "b"], frozen=True, unknown="a")
    path = tmp_path / "v.json"
    V.save(path)
    raw = path.read_bytes()
    edited = raw.replace(b'"unknown": "a"', b'"unknown": "b"')  # one byte: every unseen token would be "b"
    assert edited != raw
    path.write_bytes(edited)
    with pytest.raises(VocabularyFileError, match="its checksum does not match its content"):
        Vocabulary.load(path)


def _flip(hex_string, i):
    return hex_string[:i] + format(int(hex_string[i], 16) ^ 1, "x") + hex_string[i + 1 :]


@pytest.mark.parametrize("digit", [0, 1, 2, 40, 65])
def test_tampered_generator_names_the_token(saved, digit):
    def change(d):
        d["generators"][2] = _flip(d["generators"][2], digit)

    with pytest.raises(VocabularyFileError, match=r"the stored generator of token 'c' \(id 2\) does not match"):
        Vocabulary.load(_edit(saved, change))


def test_generator_that_is_not_hex(saved):
    def change(d):
        d["generators"][0] = 5

    with pytest.raises(VocabularyFileError, match=r"token 'a' \(id 0\)"):
        Vocabulary.load(_edit(saved, change))


def test_removed_token(saved):
    with pytest.raises(VocabularyFileError, match="'size' is 4 but the file holds 3 tokens and 4 generators"):
        Vocabulary.load(_edit(saved, lambda d: d["tokens"].pop(1)))


def test_removed_token_with_consistent_size_still_fails(saved):
    def change(d):
        del d["tokens"][1]
        del d["generators"][3]
        d["size"] = 3

    with pytest.raises(VocabularyFileError, match=r"token 'c' \(id 1\) does not match"):
        Vocabulary.load(_edit(saved, change))


def test_swapped_tokens(saved):
    def change(d):
        d["tokens"][0], d["tokens"][3] = d["tokens"][3], d["tokens"][0]

    with pytest.raises(VocabularyFileError, match=r"token 'd' \(id 0\) does not match"):
        Vocabulary.load(_edit(saved, change))


def test_changed_namespace(saved):
    expected = "'dst' is 'ectraverse-v1:secp256k1:ns'; curve 'secp256k1' and namespace 'other'"
    with pytest.raises(VocabularyFileError, match=expected):
        Vocabulary.load(_edit(saved, lambda d: d.update(namespace="other")))

    def change(d):
        d.update(namespace="other", dst="ectraverse-v1:secp256k1:other")

    with pytest.raises(VocabularyFileError, match=r"token 'a' \(id 0\) does not match"):
        Vocabulary.load(_edit(saved, change))


def test_requested_namespace_or_curve_differs(saved):
    with pytest.raises(VocabularyFileError, match="for namespace 'ns', not 'default'"):
        Vocabulary.load(saved, namespace="default")
    with pytest.raises(VocabularyFileError, match="for curve 'secp256k1', not 'BN254'"):
        Vocabulary.load(saved, curve="BN254")


def test_changed_curve(saved):
    def change(d):
        C = ect.curve("P-256")
        d["curve"] = "P-256"
        d["dst"] = "ectraverse-v1:P-256:ns"
        d["curve_params"] = {k: hex(getattr(C.params, k)) for k in d["curve_params"]}

    with pytest.raises(VocabularyFileError, match=r"token 'a' \(id 0\) does not match"):
        Vocabulary.load(_edit(saved, change))


def test_truncated_file(saved):
    raw = saved.read_bytes()
    for cut in (len(raw) // 3, len(raw) - 3):
        saved.write_bytes(raw[:cut])
        with pytest.raises(VocabularyFileError, match="not valid JSON .*is it truncated"):
            Vocabulary.load(saved)


def test_uppercase_hex_is_accepted(saved):
    V = Vocabulary.load(saved)

    def change(d):
        d["generators"] = [h.upper() for h in d["generators"]]

    assert Vocabulary.load(_edit(saved, change)) == V


# ---- atomic saving ------------------------------------------------------------------------


def test_save_overwrites_atomically(tmp_path, monkeypatch):
    path = tmp_path / "v.json"
    V1 = Vocabulary(K1, ["old"])
    V1.save(path)
    Vocabulary(K1, ["new", "er"]).save(path)
    assert list(Vocabulary.load(path)) == ["new", "er"]
    assert sorted(os.listdir(tmp_path)) == ["v.json"]

    def fail(src, dst):
        raise OSError("no space left")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="no space left"):
        Vocabulary(K1, ["lost"]).save(path)
    monkeypatch.undo()
    assert list(Vocabulary.load(path)) == ["new", "er"]
    assert sorted(os.listdir(tmp_path)) == ["v.json"]
