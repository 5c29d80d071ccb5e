"""Every error path of the public API raises its specific class with a message
that says what was expected, and the value types keep their contracts.

Covered: unknown / non-str curve names; each check of custom-curve validation
failing on its own (p not prime, p <= 3, p too wide, coordinates out of range,
singular, G off the curve, n not prime, h < 1, h*n outside Hasse, wrong n,
non-int and bool parameters, non-str name); a valid custom curve working and
pickling; ``curve.point`` off the curve, with non-int coordinates, outside the
subgroup; scalar types (float, bool, str rejected; NumPy integers accepted);
mixing curves in every operation; PointArray length and scalar-count
mismatches, indexing; the identity's coordinates; ``PointArray.from_bytes``
naming the index of a bad record; pickling; immutability and hashing.

SEC1 decode errors of single points, non-bytes input to ``decode`` and the
BLS12-381 subgroup check are in test_encoding.py, and the cofactor check,
oversized numbers, curve names and hostile vocabulary files in
test_curve_validation.py; they are not repeated here.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import ectraverse as ect
from ectraverse import reference

TOY_PLOT = dict(p=43, a=1, b=3, gx=2, gy=20, n=47)  # toy-plot's parameters, by hand


# ---- curve names ---------------------------------------------------------------


def test_unknown_curve_names_the_alternatives():
    with pytest.raises(ect.UnknownCurveError, match=r"Unknown curve 'nope'; expected one of: secp256k1, P-256.*toy61"):
        ect.curve("nope")
    with pytest.raises(ValueError, match="Unknown curve"):  # also a ValueError
        ect.curve("")


LONG = "x" * 100_000


@pytest.mark.parametrize("call", [
    lambda: ect.curve(LONG),
    lambda: ect.curve("secp256k1").hash_to_curve(b"m", b"dst", suite=LONG),
    lambda: ect.Vocabulary("secp256k1", namespace=LONG + ":"),
    lambda: ect.Traversal(tokenizer=LONG),
    lambda: ect.Vocabulary("secp256k1", ["a"]).freeze().id(LONG),
    lambda: ect.Vocabulary("secp256k1", ["a"]).text_ids("a", LONG),
], ids=["curve", "suite", "namespace", "tokenizer", "token", "text_ids-tokenizer"])
def test_a_long_value_is_quoted_cut_short(call):
    """A name or a token of 100,000 characters was quoted whole in the message."""
    with pytest.raises((ValueError, KeyError)) as info:  # (UnknownTokenError is a KeyError)
        call()
    message = info.value.args[0]
    assert "x" * 41 not in message and "'" + "x" * 40 + "'… (100,00" in message


def test_text_ids_names_every_tokenizer():
    """It said "name must be one of ['chars', 'whitespace', 'words']", leaving out "bytes", which works."""
    V = ect.Vocabulary("secp256k1", ["a"])
    with pytest.raises(ValueError, match=r"^Unknown tokenizer 'byte'; expected one of: words, whitespace, chars, bytes\.$"):
        V.text_ids("hé", "byte")
    with pytest.raises(TypeError, match="tokenizer must be a str, not int"):
        V.text_ids("hé", 5)
    assert V.text_ids("hé", "bytes").tolist() == [1, 2, 3]


@pytest.mark.parametrize("name", [3, None, b"secp256k1", ["P-256"]])
def test_curve_name_must_be_str(name):
    with pytest.raises(TypeError, match=r"curve name must be a str, not \w+"):
        ect.curve(name)


def test_aliases_and_case_reach_the_same_curve():
    assert ect.curve("SECP256R1") is ect.curve("prime256v1") is ect.curve("P-256")
    assert ect.curve("alt_bn128") is ect.curve("BN254")
    assert ect.curve_names()[:6] == ["secp256k1", "P-256", "P-384", "P-521", "BN254", "BLS12-381"]
    assert "toy61" in ect.curve_names()


# ---- custom curve validation -------------------------------------------------------


def _params(**changes):
    d = dict(TOY_PLOT)
    d.update(changes)
    return d


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        pytest.param({"p": 45}, r"p of curve 'bad' must be a prime greater than 3, not 45\.", id="p-composite"),
        pytest.param({"p": 3}, r"p of curve 'bad' must be a prime greater than 3, not 3\.", id="p-3"),
        pytest.param({"p": 2}, r"must be a prime greater than 3, not 2\.", id="p-2"),
        pytest.param({"p": -43}, r"must be a prime greater than 3, not -43\.", id="p-negative"),
        pytest.param({"p": (1 << 607) - 1}, r"p of curve 'bad' must have at most 576 bits, not 607\.", id="p-too-wide"),
        pytest.param({"gx": 43}, r"gx of curve 'bad' must be in \[0, p\), not 43\.", id="gx-p"),
        pytest.param({"gy": -1}, r"gy of curve 'bad' must be in \[0, p\), not -1\.", id="gy-negative"),
        pytest.param({"a": 0, "b": 0}, r"curve 'bad' is singular: 4a\^3 \+ 27b\^2 = 0 mod p\.", id="singular"),
        pytest.param({"a": 43 - 3, "b": 2}, r"is singular", id="singular-a-minus-3"),
        pytest.param({"gy": 21}, r"generator \(0x2, 0x15\) is not on curve 'bad'\.", id="G-off-curve"),
        pytest.param({"n": 45}, r"n of curve 'bad' must be an odd prime, not 45\.", id="n-composite"),
        pytest.param({"n": 2}, r"n of curve 'bad' must be an odd prime, not 2\.", id="n-2"),
        pytest.param({"h": 0}, r"cofactor h of curve 'bad' must be >= 1, not 0\.", id="h-0"),
        pytest.param(
            {"h": 2}, r"h\*n = 94 for curve 'bad' is outside the Hasse interval \[31, 57\]\.", id="h-outside-hasse"
        ),
        pytest.param({"n": 7}, r"h\*n = 7 for curve 'bad' is outside the Hasse interval", id="n-outside-hasse"),
        pytest.param(
            {"n": 53}, r"n\*G is not the identity on curve 'bad': G does not have order 53\.", id="n-wrong-order"
        ),
    ],
)
def test_custom_curve_validation(changes, pattern):
    with pytest.raises(ect.InvalidCurveError, match=pattern):
        ect.Curve("bad", **_params(**changes))


@pytest.mark.parametrize(
    ("key", "value", "typename"),
    [
        ("p", 43.0, "float"),
        ("a", "1", "str"),
        ("b", None, "NoneType"),
        ("gx", True, "bool"),
        ("gy", np.int64(20), "int64"),
        ("n", 47.0, "float"),
        ("h", False, "bool"),
    ],
)
def test_custom_curve_parameter_types(key, value, typename):
    with pytest.raises(TypeError, match=rf"{key} must be an int, not {typename}"):
        ect.Curve("bad", **_params(**{key: value}))


def test_custom_curve_name_type():
    with pytest.raises(TypeError, match="name must be a str, not int"):
        ect.Curve(7, **TOY_PLOT)


def test_custom_curve_works_and_pickles():
    C = ect.Curve("mine", **TOY_PLOT)
    R = C.params  # what the oracle reads: the parameters the Curve was built from
    G = C.generator
    assert (G.x, G.y) == (2, 20) and C.h == 1 and not C.has_glv
    want = [reference.encode(R, reference.mul(R, k, reference.generator(R))) for k in range(C.n)]
    assert [(k * G).to_bytes() for k in range(C.n)] == want
    assert C == ect.Curve("mine", **TOY_PLOT) and hash(C) == hash(ect.Curve("mine", **TOY_PLOT))
    assert C != ect.curve("toy-plot")  # same numbers, different name: a different curve
    C2 = pickle.loads(pickle.dumps(C))
    assert C2 == C and C2.params == C.params
    P = pickle.loads(pickle.dumps(5 * G))
    assert P.curve == C and P == 5 * G
    # a ≡ -3 given as a negative number is reduced mod p
    D = ect.Curve("minus3", p=43, a=-3, b=10, gx=0, gy=15, n=37)
    assert D.a == 40 and (D.n * D.generator).is_identity and not (36 * D.generator).is_identity


def test_custom_curve_with_cofactor():
    prm = ect.curve("toy-b0").params
    C = ect.Curve("b0", p=prm.p, a=prm.a, b=prm.b, gx=prm.gx, gy=prm.gy, n=prm.n, h=prm.h)
    with pytest.raises(ect.NotInSubgroupError, match=r"not in its subgroup of order n = 0x1d \(cofactor 4\)"):
        C.point(0, 0)


# ---- curve.point / Point() ---------------------------------------------------------


def test_point_off_curve():
    C = ect.curve("toy-plot")
    with pytest.raises(ect.NotOnCurveError, match=r"Point \(0x2, 0x15\) is not on 'toy-plot'"):
        C.point(2, 21)
    with pytest.raises(ect.NotOnCurveError, match=r"is not on 'toy-plot'"):
        ect.Point(C, 2, 21)
    with pytest.raises(ect.NotOnCurveError, match=r"must be in \[0, p\), not \(0x2b, 0x14\)"):
        C.point(43, 20)
    with pytest.raises(ValueError):  # NotOnCurveError is a ValueError
        C.point(0, 0)


@pytest.mark.parametrize(
    ("x", "y", "pattern"),
    [(2.0, 20, "x must be an int, not float"), (2, "20", "y must be an int, not str"),
     (True, 20, "x must be an int, not bool"), (2, None, "y must be an int, not NoneType")],
)
def test_point_coordinate_types(x, y, pattern):
    C = ect.curve("toy-plot")
    with pytest.raises(TypeError, match=pattern):
        C.point(x, y)
    with pytest.raises(TypeError, match=pattern):
        ect.Point(C, x, y)


@pytest.mark.parametrize(("name", "xy"), [("toy-b0", (0, 0)), ("toy-b0", (33, 0)), ("toy-h4", (130, 0))])
def test_point_outside_subgroup(name, xy):
    C = ect.curve(name)
    with pytest.raises(ect.NotInSubgroupError, match=rf"on '{name}' but not in its subgroup.*cofactor 4"):
        C.point(*xy)
    assert C.point(C.params.gx, C.params.gy) == C.generator


def test_point_from_bytes_needs_a_curve():
    with pytest.raises(TypeError, match="curve must be a Curve, not str"):
        ect.Point.from_bytes("secp256k1", b"\x00")
    for bad in ("secp256k1", None):
        with pytest.raises(TypeError, match=f"curve must be a Curve, not {type(bad).__name__}"):
            ect.Point(bad, 1, 2)


def test_scalars_and_messages_must_come_in_an_order():
    """A set's order is not the caller's (and for bytes changes between processes), a dict gives its keys:
    both are refused where a sequence of scalars or messages is taken."""
    C = ect.curve("toy-plot")
    A = C.multiply_generator([1, 2, 3])
    calls = [lambda s: A.msm(s), lambda s: C.multiply_generator(s), lambda s: A.scaled(s),
             lambda s: C.msm(A, s), lambda s: A * s, lambda s: s * A]
    for call in calls:
        with pytest.raises(TypeError, match=r"scalars must be a sequence of ints, not set \(a set has no order\)"):
            call({3, 1, 2})
        with pytest.raises(TypeError, match=r"not dict \(iterating a mapping gives only its keys\)"):
            call({3: "x", 1: "y", 2: "z"})
    assert A.msm((3, 1, 2)) == A.msm([3, 1, 2]) == A.msm(iter([3, 1, 2]))  # sequences and iterators still do
    # an iterator multiplies element-wise too (it was "unsupported operand type(s) for *")
    assert list(A * iter([3, 1, 2])) == list((k for k in [3, 1, 2]) * A) == list(A * [3, 1, 2])
    with pytest.raises(TypeError, match=r"msgs must be a sequence of bytes, not set \(a set has no order\)"):
        C.hash_to_curve_batch({b"a", b"b"}, b"dst")
    for one in (b"abc", bytearray(b"abc"), "abc"):  # one message is not a sequence of messages
        with pytest.raises(TypeError, match=f"msgs must be a sequence of bytes, not {type(one).__name__}$"):
            C.hash_to_curve_batch(one, b"dst")


def test_identity_has_no_coordinates():
    O = ect.curve("toy-plot").identity
    with pytest.raises(ValueError, match="The identity of 'toy-plot' has no affine coordinates"):
        O.x  # noqa: B018
    with pytest.raises(ValueError, match="no affine coordinates"):
        O.y  # noqa: B018
    assert repr(O) == "Point(toy-plot, identity)"


# ---- scalar types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "pattern"),
    [
        (lambda P: P * 1.5, "scalar must be an int, not float"),
        (lambda P: 1.5 * P, "scalar must be an int, not float"),
        (lambda P: P * True, "scalar must be an int, not bool"),
        (lambda P: False * P, "scalar must be an int, not bool"),
        (lambda P: P * np.float64(2.0), "scalar must be an int, not float64"),
        (lambda P: P * complex(1, 0), "scalar must be an int, not complex"),
        (lambda P: P * "3", "can't multiply sequence|unsupported operand"),
        (lambda P: "3" * P, "can't multiply sequence|unsupported operand"),
        (lambda P: P * None, "unsupported operand"),
        (lambda P: P + 1, "unsupported operand"),
        (lambda P: 1 - P, "unsupported operand"),
    ],
    ids=["P*1.5", "1.5*P", "P*True", "False*P", "P*float64", "P*complex", "P*str", "str*P", "P*None", "P+1", "1-P"],
)
def test_point_scalar_types(expr, pattern):
    P = ect.curve("secp256k1").generator
    with pytest.raises(TypeError, match=pattern):
        expr(P)


@pytest.mark.parametrize("k", [np.int64(-3), np.uint64(2**64 - 1), np.int8(7), np.uint8(200)], ids=str)
def test_numpy_integer_scalars(k):
    C = ect.curve("secp256k1")
    G = C.generator
    for got in (k * G, G * k):
        assert isinstance(got, ect.Point) and got == int(k) * G
    A = C.multiply_generator([1, 2])
    assert (A * k) == (A * int(k))
    assert A * np.array([k, k]) == A * [int(k), int(k)]
    assert C.multiply_generator(np.array([k])) == C.multiply_generator([int(k)])


def test_numpy_integer_times_pointarray_is_a_pointarray():
    """np.int64(3) * A must not turn into a NumPy object array of Points."""
    C = ect.curve("toy-plot")
    A = C.multiply_generator([1, 2, 3])
    got = np.int64(3) * A
    assert isinstance(got, ect.PointArray)
    assert got == A * 3


@pytest.mark.parametrize(
    ("scalars", "pattern"),
    [(1.5, "scalar must be an int, not float"), (True, "scalar must be an int, not bool"),
     ([1, 2.0], "scalars must be ints, not float"), ([1, True], "scalars must be ints, not bool"),
     (np.array([1.0, 2.0]), "scalars must be ints, not float64"), ([1, "2"], "scalars must be ints, not str"),
     ({1, 2}, r"scalars must be a sequence of ints, not set \(a set has no order\)"), (None, "unsupported operand")],
    ids=["float", "bool", "list-float", "list-bool", "ndarray-float", "list-str", "set", "None"],
)
def test_pointarray_scalar_types(scalars, pattern):
    A = ect.curve("toy-plot").multiply_generator([1, 2])
    with pytest.raises(TypeError, match=pattern):
        A * scalars  # noqa: B018


def test_pointarray_times_str_is_a_type_error():
    """A str is a Sequence, but not of scalars: whatever its length, TypeError."""
    A = ect.curve("toy-plot").multiply_generator([1, 2, 3])
    for s in ("3", "123", "12"):
        with pytest.raises(TypeError, match="int"):
            A * s  # noqa: B018


@pytest.mark.parametrize("bad", [[1.5], [True], ["1"], [None]], ids=["float", "bool", "str", "None"])
def test_batch_scalar_types(bad):
    C = ect.curve("toy-plot")
    A = C.multiply_generator([1])
    pattern = rf"scalars must be ints, not {type(bad[0]).__name__}"
    with pytest.raises(TypeError, match=pattern):
        C.multiply_generator(bad)
    with pytest.raises(TypeError, match=pattern):
        A.msm(bad)
    with pytest.raises(TypeError, match=pattern):
        C.msm(A, bad)


# ---- mixing curves -------------------------------------------------------------------


def test_mixing_curves():
    C, D = ect.curve("secp256k1"), ect.curve("P-256")
    P, Q = C.generator, D.generator
    msg = r"Cannot combine points of 'secp256k1' and 'P-256'"
    with pytest.raises(ect.CurveMismatchError, match=msg):
        P + Q  # noqa: B018
    with pytest.raises(ect.CurveMismatchError, match=msg):
        P - Q  # noqa: B018
    with pytest.raises(ect.CurveMismatchError, match=r"Cannot combine points of 'P-256' and 'secp256k1'"):
        Q + P  # noqa: B018
    with pytest.raises(ect.CurveMismatchError, match=msg):
        ect.PointArray(C, [P, P + P, Q])
    A, B = C.multiply_generator([1, 2]), D.multiply_generator([1, 2])
    with pytest.raises(ect.CurveMismatchError, match="Cannot combine points of"):
        A + B  # noqa: B018
    with pytest.raises(ect.CurveMismatchError, match="Cannot combine points of"):
        A - B  # noqa: B018
    with pytest.raises(ect.CurveMismatchError, match=msg):
        C.msm([P, Q], [1, 1])
    with pytest.raises(ect.CurveMismatchError, match=msg):
        C.msm(B, [1, 1])
    with pytest.raises(ValueError):  # CurveMismatchError is a ValueError
        P + Q  # noqa: B018
    assert P != Q and not (P == Q)  # comparing is not combining
    assert A != B


def test_custom_twin_of_a_named_curve_does_not_mix():
    twin = ect.Curve("mine", **TOY_PLOT)
    with pytest.raises(ect.CurveMismatchError, match=r"'toy-plot' and 'mine'"):
        ect.curve("toy-plot").generator + twin.generator  # noqa: B018
    # two separately built equal curves do combine
    other = ect.Curve("mine", **TOY_PLOT)
    assert twin.generator + other.generator == 2 * twin.generator


# ---- PointArray shapes -------------------------------------------------------------------


def test_pointarray_length_mismatches():
    C = ect.curve("toy-plot")
    A, B = C.multiply_generator([1, 2]), C.multiply_generator([1, 2, 3])
    with pytest.raises(ValueError, match="PointArrays must have the same length, not 2 and 3"):
        A + B  # noqa: B018
    with pytest.raises(ValueError, match="PointArrays must have the same length, not 3 and 2"):
        B - A  # noqa: B018
    with pytest.raises(ValueError, match="expected 2 scalars, not 3"):
        A * [1, 2, 3]  # noqa: B018
    with pytest.raises(ValueError, match="expected 2 scalars, not 1"):
        A.msm([1])
    with pytest.raises(ValueError, match="expected 3 scalars, not 0"):
        C.msm(list(B), [])
    with pytest.raises(ValueError, match="expected 0 scalars, not 1"):
        ect.PointArray(C).msm([1])


def test_pointarray_construction_and_indexing():
    C = ect.curve("toy-plot")
    with pytest.raises(TypeError, match="curve must be a Curve, not str"):
        ect.PointArray("toy-plot", [])
    with pytest.raises(TypeError, match=r"PointArray items must be Points, not tuple \(at index 1\)"):
        ect.PointArray(C, [C.generator, (2, 20)])
    A = C.multiply_generator([1, 2, 3])
    with pytest.raises(IndexError, match="PointArray index 3 out of range for length 3"):
        A[3]  # noqa: B018
    with pytest.raises(IndexError, match="PointArray index -4 out of range for length 3"):
        A[-4]  # noqa: B018
    with pytest.raises(TypeError):
        A["0"]  # noqa: B018
    assert A[-1] == 3 * C.generator and A[np.int64(1)] == 2 * C.generator
    assert A[::-1].coordinates() == A.coordinates()[::-1] and len(A[5:]) == 0
    E = ect.PointArray(C)
    assert len(E) == 0 and E.sum().is_identity and E.msm([]).is_identity and E.to_bytes() == b""


# ---- PointArray.from_bytes --------------------------------------------------------------


def _encs(C, ks, compressed=True):
    return [(k * C.generator).to_bytes(compressed) for k in ks]


def test_from_bytes_truncated_record():
    C = ect.curve("secp256k1")
    e = _encs(C, [1, 2])
    msg = r"point 1 \(byte 33\): Compressed point for 'secp256k1' must be 33 bytes, not 32"
    with pytest.raises(ect.EncodingError, match=msg):
        ect.PointArray.from_bytes(C, e[0] + e[1][:-1])
    u = _encs(C, [1], compressed=False)[0]
    with pytest.raises(ect.EncodingError, match=r"point 2 \(byte 34\): Uncompressed point .* must be 65 bytes, not 10"):
        ect.PointArray.from_bytes(C, e[0] + b"\x00" + u[:10])


def test_from_bytes_bad_prefix_in_the_middle():
    C = ect.curve("P-256")
    e = _encs(C, [1, 2, 3])
    bad = b"\x05" + e[1][1:]
    msg = r"point 1 \(byte 33\): .*must start with 0x00, 0x02, 0x03 or 0x04, not 0x05"
    with pytest.raises(ect.EncodingError, match=msg):
        ect.PointArray.from_bytes(C, e[0] + bad + e[2])


def test_from_bytes_bad_point_in_the_middle():
    C = ect.curve("P-256")
    fb = C.field_bytes
    e = _encs(C, [1, 2, 3])
    G = C.generator
    off = b"\x04" + G.x.to_bytes(fb, "big") + ((G.y + 1) % C.p).to_bytes(fb, "big")
    msg = r"point 3 \(byte 35\): Point \(0x[0-9a-f]+, 0x[0-9a-f]+\) is not on 'P-256'"
    with pytest.raises(ect.NotOnCurveError, match=msg):
        ect.PointArray.from_bytes(C, e[0] + b"\x00" + b"\x00" + off + e[2])
    x_ge_p = b"\x02" + C.p.to_bytes(fb, "big")
    with pytest.raises(ect.EncodingError, match=r"point 1 \(byte 33\): .*less than p"):
        ect.PointArray.from_bytes(C, e[0] + x_ge_p + e[2])
    x = 0
    while reference.sqrt_mod(x**3 + C.a * x + C.b, C.p) is not None:
        x += 1
    with pytest.raises(ect.NotOnCurveError, match=r"point 3 \(byte 99\): No point on 'P-256' has x = "):
        ect.PointArray.from_bytes(C, e[0] + e[1] + e[2] + b"\x03" + x.to_bytes(fb, "big"))


def test_from_bytes_outside_subgroup_names_the_index():
    C = ect.curve("toy-b0")
    blob = b"".join(_encs(C, [1, 0, 2])) + b"\x04\x00\x00" + _encs(C, [3])[0]
    with pytest.raises(ect.NotInSubgroupError, match=r"point 3 is on 'toy-b0' but not in its subgroup"):
        ect.PointArray.from_bytes(C, blob)


def test_from_bytes_types():
    C = ect.curve("toy-plot")
    with pytest.raises(TypeError, match="encoded points must be bytes-like, not str"):
        ect.PointArray.from_bytes(C, "00")
    with pytest.raises(TypeError, match="curve must be a Curve, not str"):
        ect.PointArray.from_bytes("toy-plot", b"\x00")


# ---- pickling, hashing, immutability ----------------------------------------------------


@pytest.mark.parametrize("name", ["secp256k1", "BLS12-381", "toy-b0", "toy61"])
def test_pickle_round_trips(name):
    C = ect.curve(name)
    assert pickle.loads(pickle.dumps(C)) is C  # named curves stay shared
    for P in (C.generator, 12345 * C.generator, C.identity):
        Q = pickle.loads(pickle.dumps(P))
        assert Q == P and hash(Q) == hash(P) and Q.curve is C


def test_pickled_pointarray_stays_read_only():
    C = ect.curve("toy-plot")
    A = C.multiply_generator([1, 0, 5])
    B = pickle.loads(pickle.dumps(A))
    assert B == A and B.curve is C
    with pytest.raises(ValueError, match="read-only"):
        B._a[0, 0, 0] = 1


def test_point_is_hashable_and_immutable():
    C = ect.curve("secp256k1")
    P = 7 * C.generator
    assert hash(P) == hash(C.decode(P.to_bytes(False))) and len({P, 3 * C.generator + 4 * C.generator}) == 1
    for attr in ("x", "y", "curve", "is_identity"):
        with pytest.raises(AttributeError):
            setattr(P, attr, 1)
    with pytest.raises(AttributeError):
        P.label = "mine"
    with pytest.raises(AttributeError):
        del P.x
    assert P == 7 * C.generator


def test_pointarray_is_unhashable_and_read_only():
    C = ect.curve("secp256k1")
    A = C.multiply_generator([1, 2, 3])
    with pytest.raises(TypeError, match="unhashable"):
        hash(A)
    with pytest.raises(AttributeError):
        A.label = "mine"
    for arr in (A, A[1:], A[::2], A + A, A - A, -A, A * 2, ect.PointArray(C, list(A)),
                ect.PointArray.from_bytes(C, A.to_bytes())):
        with pytest.raises(ValueError, match="read-only"):
            arr._a[0, 0, 0] ^= 1
    assert A == C.multiply_generator([1, 2, 3])
