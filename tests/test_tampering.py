"""Bytes from outside, tampered with: every decoder beyond a single point's (whose fuzz is in
test_encoding.py), fed seeded mutations of valid bytes on every named curve and on a custom one.

Each mutated input either decodes to an object that is whole (it round-trips, and the group laws hold
for it) or is refused with the error its decoder documents: never another exception (an IndexError,
a struct or Unicode error, a KeyError) and never a crash.  The mutations are the usual ones of a
fuzzer: bit flips, bytes set to edge values, truncation, insertion, reversal, repetition, deletion.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

import ectraverse as ect
from ectraverse.vocab import token_message

#: Mutated inputs per decoder and curve (the named curves and one custom curve).
ROUNDS = 1000

POINT_ERRORS = (ect.EncodingError, ect.NotOnCurveError, ect.NotInSubgroupError)
CONTEXT_ERRORS = POINT_ERRORS + (ect.ContextMismatchError,)

CURVES = ect.curve_names()


def _custom() -> ect.Curve:
    prm = ect.curve("toy-a0").params
    return ect.Curve("custom-a0", p=prm.p, a=prm.a, b=prm.b, gx=prm.gx, gy=prm.gy, n=prm.n, h=prm.h)


def _curve(name: str) -> ect.Curve:
    return _custom() if name == "custom" else ect.curve(name)


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to eight of a fuzzer's edits of data."""
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        op = rng.randrange(7)
        if op == 0 and b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[rng.randrange(len(b))] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        elif op == 2:
            del b[rng.randrange(len(b) + 1):]
        elif op == 3:
            i = rng.randrange(len(b) + 1)
            b[i:i] = rng.randbytes(rng.randrange(1, 40))
        elif op == 4 and len(b) > 2:
            i = rng.randrange(len(b))
            j = rng.randrange(i, len(b))
            b[i:j] = b[i:j][::-1]
        elif op == 5 and b:
            i = rng.randrange(len(b))
            b[i:i] = b[i:i + rng.randrange(1, 64)] * rng.randrange(1, 4)
        elif op == 6 and b:
            i = rng.randrange(len(b))
            del b[i:i + rng.randrange(1, 16)]
    return bytes(b)


@pytest.mark.parametrize("name", CURVES + ["custom"])
def test_tampered_context_bytes_decode_whole_or_are_refused(name):
    C = _curve(name)
    eng = ect.Traversal(C)
    rng = random.Random(f"tampered-context-{name}")
    valid = [eng.compose(text).to_bytes() for text in ("the cat sat on the mat", "a", "")]
    valid.append((eng.compose("the cat") ** 5).inverse().to_bytes())
    seen: Counter = Counter()
    for _ in range(ROUNDS):
        data = mutate(rng, rng.choice(valid))
        try:
            c = eng.context_from_bytes(data)
        except CONTEXT_ERRORS as exc:
            assert str(exc), data.hex()
            seen[type(exc).__name__] += 1
            continue
        seen["decoded"] += 1
        assert eng.context_from_bytes(c.to_bytes()) == c, data.hex()
        assert c * c.inverse() == eng.identity and (c * eng.compose("x")).length == c.length + 1, data.hex()
    assert len(seen) >= 2, seen  # both ways out were taken: the mutations reach past the first check


@pytest.mark.parametrize("name", CURVES + ["custom"])
def test_tampered_point_arrays_decode_whole_or_are_refused(name):
    C = _curve(name)
    rng = random.Random(f"tampered-array-{name}")
    A = C.multiply_generator([1, 2, 3, C.n - 1])
    valid = [A.to_bytes(True), A.to_bytes(False), C.multiply_generator([0, 5]).to_bytes(True)]
    seen: Counter = Counter()
    for _ in range(ROUNDS):
        data = mutate(rng, rng.choice(valid))
        try:
            B = ect.PointArray.from_bytes(C, data)
        except POINT_ERRORS as exc:
            assert str(exc), data.hex()
            seen[type(exc).__name__] += 1
            continue
        seen["decoded"] += 1
        for compressed in (True, False):
            assert ect.PointArray.from_bytes(C, B.to_bytes(compressed)) == B, data.hex()
        assert all(C.decode(P.to_bytes()) == P for P in B), data.hex()
    assert len(seen) >= 2, seen


@pytest.mark.parametrize("name", ["secp256k1", "P-521", "BLS12-381", "toy-h4", "custom"])
def test_tampered_vocabulary_files_load_whole_or_are_refused(name, tmp_path):
    """A vocabulary file is JSON with a checksum, so almost every change is refused; one that loads
    maps its tokens to the generators hash-to-curve gives them."""
    C = _curve(name)
    rng = random.Random(f"tampered-vocabulary-{name}")
    src, path = tmp_path / "good.json", tmp_path / "tampered.json"
    ect.Vocabulary(C, ["the", "cat", "sat", "été", "🐈"]).save(src)
    ect.Vocabulary(C, ["x"], namespace="other", frozen=True, unknown="x").save(tmp_path / "frozen.json")
    valid = [src.read_bytes(), (tmp_path / "frozen.json").read_bytes()]
    seen: Counter = Counter()
    for _ in range(ROUNDS // 3):
        data = mutate(rng, rng.choice(valid))
        path.write_bytes(data)
        try:
            V = ect.Vocabulary.load(path)
        except ect.VocabularyFileError as exc:
            assert str(path) in str(exc), str(exc)
            seen["refused"] += 1
            continue
        seen["loaded"] += 1
        assert V.curve.params == C.params, data
        for token in V.tokens:
            assert V.generator(token) == V.curve.hash_to_curve(token_message(token), V.dst), data
    assert seen["refused"] >= ROUNDS // 6, seen
