"""Keyed engines: the multiplier k and the key never leave the process through a context.

A keyed engine's k is what makes its collisions hard to build; anyone who
learns it can build them.  Contexts travel (bytes, pickles), so nothing a
context reaches may hand k out: no public method, no repr, no pickle.  The
pickle checks walk every opcode of the pickle stream and look for k, k^-1 and
the key in every form an integer or a byte string can take there.
"""

from __future__ import annotations

import pickle
import pickletools
import textwrap

import pytest

import ectraverse as ect
from ectraverse.traverse import derive_multiplier

from child import run_python

KEY = b"correct horse battery staple"
CURVES = ["secp256k1", "P-384", "toy61"]


def secrets_of(eng: ect.Traversal) -> tuple[set[int], list[bytes]]:
    """(the integers, the byte strings) that must not appear: k, k^-1, the key."""
    C = eng.curve
    tag = b"ectraverse-v1:engine:" + C.name.encode() + b":" + eng.namespace.encode() + b":keyed"
    k = derive_multiplier(C, tag, KEY)
    assert eng.group._power(1) == k  # the test derives the engine's own k
    ints = {k, pow(k, -1, C.n)}
    blobs = [KEY]
    for v in ints:
        for width in (C.scalar_bytes, (v.bit_length() + 7) // 8, (v.bit_length() + 8) // 8):
            blobs += [v.to_bytes(width, "big"), v.to_bytes(width, "little")]
        blobs += [str(v).encode(), hex(v).encode(), hex(v)[2:].encode()]
    return ints, blobs


def assert_pickle_hides(blob: bytes, ints: set[int], blobs: list[bytes]) -> None:
    for opcode, arg, pos in pickletools.genops(blob):
        if isinstance(arg, int):
            assert arg not in ints, f"k at byte {pos} ({opcode.name})"
        elif isinstance(arg, str):
            assert not any(b.decode("latin-1") in arg for b in blobs), f"k or the key at byte {pos} ({opcode.name})"
        elif isinstance(arg, (bytes, bytearray)):
            assert not any(b in arg for b in blobs), f"k or the key at byte {pos} ({opcode.name})"
    assert not any(b in blob for b in blobs if len(b) >= 8)  # nor anywhere else in the stream


def reachable_contexts(eng: ect.Traversal):
    c = eng.compose("a b c a")
    batch = eng.prefixes("a b c a b").windows(2)
    return {
        "compose": c,
        "inverse": c.inverse(),
        "identity": eng.identity,
        "power": c**-3,
        "window": eng.prefixes("x y z").window(1, 3),
        "batch": batch,
        "batch item": batch[1],
        "a list of them": [c, c * c],
        "the group": eng.group,
    }


@pytest.mark.parametrize("name", CURVES)
@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_keyed_context_pickles_hold_neither_k_nor_the_key(name, protocol):
    eng = ect.Traversal(name, key=KEY, namespace="keyed")
    ints, blobs = secrets_of(eng)
    for what, obj in reachable_contexts(eng).items():
        blob = pickle.dumps(obj, protocol=protocol)
        assert_pickle_hides(blob, ints, blobs)
        back = pickle.loads(blob)  # rebound to the live engine's group
        if what == "batch":
            assert list(back) == list(obj)
        elif what == "the group":
            assert back is eng.group
        else:
            assert back == obj


def test_the_pickle_check_finds_k_where_it_is():
    """The opcode walk is not vacuous: an unkeyed group's pickle does hold its k."""
    eng = ect.Traversal("secp256k1", namespace="keyed")
    k = eng.group._power(1)
    with pytest.raises(AssertionError, match="k at byte"):
        assert_pickle_hides(pickle.dumps(eng.compose("a")), {k}, [])
    with pytest.raises(AssertionError, match="k or the key"):
        assert_pickle_hides(pickle.dumps((b"x" + KEY,)), set(), [KEY])


def test_keyed_groups_refuse_power_and_say_nothing_in_reprs():
    eng = ect.Traversal("secp256k1", key=KEY, namespace="keyed")
    ints, blobs = secrets_of(eng)
    c = eng.compose("a b")
    assert eng.group.secret and c.group.secret
    with pytest.raises(TypeError, match="not available on a keyed engine's group: its multiplier is secret"):
        c.group.power(1)
    for obj in (c, eng.group, eng, eng.identity):
        text = repr(obj)
        assert not any(str(v) in text or hex(v)[2:] in text for v in ints)
    assert "keyed" in repr(eng.group)
    plain = ect.Traversal("secp256k1", namespace="keyed")
    assert not plain.group.secret and plain.group.power(2) == pow(plain.group._power(1), 2, plain.curve.n)
    with pytest.raises(TypeError, match="length must be an int, not float"):
        plain.group.power(1.0)


def test_objects_holding_a_keyed_engine_refuse_to_pickle():
    eng = ect.Traversal("secp256k1", key=KEY, namespace="keyed")
    tr = eng.traverser(history=True)
    tr.push("a")
    for what, obj in (("Traverser", tr), ("PrefixStates", eng.prefixes("a b")), ("WindowIndex", eng.index("a b a", 2))):
        with pytest.raises(TypeError, match=f"A {what} of a keyed engine does not pickle"):
            pickle.dumps(obj)
    # the same objects of an unkeyed engine pickle as before
    plain = ect.Traversal("secp256k1", namespace="keyed")
    tr = plain.traverser(history=True)
    tr.push("a")
    back = pickle.loads(pickle.dumps(tr))
    assert back.state == tr.state and back.undo() == plain.identity
    assert pickle.loads(pickle.dumps(plain.prefixes("a b c"))).window(0, 2) == plain.compose("a b")
    assert pickle.loads(pickle.dumps(plain.index("a b a b", 2))).find("a b") == [0, 2]


def test_a_keyed_context_loads_only_where_its_engine_lives():
    """In a fresh interpreter the pickle alone is useless; with the engine built, it loads."""
    eng = ect.Traversal("secp256k1", key=KEY, namespace="keyed")
    c = eng.compose("to be or not to be")
    script = textwrap.dedent(
        f"""
        import pickle, sys
        import ectraverse as ect
        blob = sys.stdin.buffer.read()
        try:
            pickle.loads(blob)
        except ect.ContextMismatchError as exc:
            print("refused:", exc)
        eng = ect.Traversal("secp256k1", key={KEY!r}, namespace="keyed")
        print("loaded:", pickle.loads(blob) == eng.compose("to be or not to be"))
        """
    )
    out = run_python(script, input=pickle.dumps(c), check=True, timeout=120).stdout.decode()
    assert f"refused: No keyed engine with fingerprint {eng.fingerprint.hex()} is alive in this process" in out
    assert "loaded: True" in out


def test_a_keyed_context_loads_while_its_engine_lives_whatever_copies_died():
    """Another engine with the same key (or a copy of this one) that dies does not take the live one's
    place: its contexts still unpickle (the newer group's death once unregistered the fingerprint)."""
    import gc
    from concurrent.futures import ThreadPoolExecutor

    eng = ect.Traversal("secp256k1", key=KEY, namespace="copies")
    c = eng.compose("a b")
    ect.Traversal("secp256k1", key=KEY, namespace="copies")  # built again, then dropped
    pickle.loads(pickle.dumps(eng))  # a copy, dropped
    with ThreadPoolExecutor(2) as pool:  # copies travel to the chunks' tasks
        assert eng.compose_chunks(["a ", "b"], executor=pool) == c
    gc.collect()
    assert pickle.loads(pickle.dumps(c)) == c and pickle.loads(pickle.dumps(eng.group)) is not None
    blob = pickle.dumps(c)
    del eng, c
    gc.collect()
    with pytest.raises(ect.ContextMismatchError, match="No keyed engine with fingerprint"):
        pickle.loads(blob)  # the last one gone



def test_dead_keyed_fingerprints_do_not_pile_up(monkeypatch):
    """The table of live keyed groups drops fingerprints none of whose groups lives, whenever it has doubled."""
    import gc

    from ectraverse import context

    monkeypatch.setattr(context, "_LIVE_KEYED", {})
    monkeypatch.setattr(context, "_live_keyed_sweep_at", 16)
    sizes = []
    for i in range(60):  # one keyed engine alive at a time
        ect.Traversal("toy61", key=b"key %d" % i)
        gc.collect(0)
        sizes.append(len(context._LIVE_KEYED))
    assert max(sizes) <= 18 and sizes[-1] < 18


def test_compose_chunks_with_a_keyed_engine_in_processes():
    from concurrent.futures import ProcessPoolExecutor

    eng = ect.Traversal("secp256k1", key=KEY, namespace="keyed")
    lines = [f"line {i} of the text\n" for i in range(12)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert eng.compose_chunks(lines, executor=pool) == eng.compose("".join(lines))
