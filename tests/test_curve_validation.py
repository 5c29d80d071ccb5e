"""Validation of custom curves and of the curves in vocabulary files (issue 15,
items 4, 5 and 10).

* The cofactor is verified, not assumed: a wrong h below ``n = 4*sqrt(p)`` is
  refused (by counting points in a small field, by points that h*n does not
  annihilate in a large one), every wrong h of every small curve is refused,
  and what cannot be proved is refused with a message that says so.
* Oversized and hostile numbers are refused with ``InvalidCurveError`` /
  ``VocabularyFileError`` before any primality test or scalar multiplication
  (asserted by making those fail if called, not by timing), and no message
  formats a huge integer in decimal.
* Curve names: a non-empty str, valid Unicode, at most 255 bytes in UTF-8; a
  non-ASCII name of 255 bytes round-trips a context through bytes.

Oracles: ``reference.group_order`` (brute-force count) and
``reference.in_subgroup``.
"""

from __future__ import annotations

import json
import math

import pytest

import ectraverse as ect
from ectraverse import curves, numbertheory, reference
from ectraverse.curves import CurveParams
from ectraverse.errors import InvalidCurveError, VocabularyFileError
from ectraverse.vocab import _checksum

TOY_PLOT = dict(p=43, a=1, b=3, gx=2, gy=20, n=47)  # n > 4*sqrt(p): the Hasse interval fixes #E

# p ~ 2^40 with n ~ 2^18 < 4*sqrt(p) ~ 2^21.8: #E = 3077053 * n, 3077053 = 7^3 * 8971 (issue 15, item 4).
W = dict(p=849546454597, a=0, b=60396728591, gx=302596833748, gy=520161825768, n=276091)
W_H = 3077053

# a = -3, #E = 52 = 4 * 13 with group Z/2 x Z/26: n = 13 < 4*sqrt(47), and h = 3 puts h*n = 39 in the
# Hasse interval [35, 61] too (tests/strategies.py holds the same curve as MINUS3_H4).
SMALL = dict(p=47, a=47 - 3, b=3, gx=34, gy=30, n=13)

# y^2 = x^3 + 2x over p = 5*118^2 + 2*118 + 1 = (1 + 118)^2 + (2*118)^2: Frobenius 1 + 118*(1 + 2i), so
# E = Z/118 x Z/590, #E = 5 * 118^2.  Its exponent 590 < 4*sqrt(p) leaves 69620 - 590 in the Hasse interval.
SPLIT = dict(p=69857, a=2, b=0, gx=22559, gy=43432, n=5, h=118**2)


def _forbid(monkeypatch, *names):
    """Make the named functions of ``numbertheory`` (validation's arithmetic), and galois' primality test,
    fail the test if called."""

    def forbidden(*args, **kwargs):
        raise AssertionError("validation reached a costly step for input a cheap check should refuse")

    for name in names:
        monkeypatch.setattr(numbertheory, name, forbidden)
    if "is_probable_prime" in names:  # the primality test validation used before (26 s for 11,213 bits)
        monkeypatch.setattr(pytest.importorskip("galois"), "is_prime", forbidden)


# ---- item 4: the cofactor --------------------------------------------------------------


def test_wrong_cofactor_with_small_n_is_refused():
    expected = (
        r"h\*n does not annihilate the point \(0x[0-9a-f]+, 0x[0-9a-f]+\) of curve 'w': #E != h\*n, "
        r"so the cofactor h = 3077054 is wrong\."
    )
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Curve("w", **W, h=W_H + 1)


def test_true_cofactor_with_small_n_is_accepted_and_hashes_land_in_the_subgroup():
    C = ect.Curve("w", **W, h=W_H)
    R = C.params
    hashed = C.hash_to_curve_batch([b"token %d" % i for i in range(16)], b"ectraverse-test")
    assert all(reference.in_subgroup(R, (P.x, P.y)) for P in hashed)
    assert not any(P.is_identity for P in hashed)


def test_wrong_cofactor_in_a_small_field_is_refused_by_counting():
    with pytest.raises(InvalidCurveError, match=r"curve 's' has 52 points, not h\*n = 39: the cofactor h = 3 is wrong\."):
        ect.Curve("s", **SMALL, h=3)
    assert ect.Curve("s", **SMALL, h=4).h == 4


@pytest.mark.parametrize("path", ["count", "sample"])
@pytest.mark.parametrize("p", [43, 47])
def test_every_cofactor_of_every_small_curve(monkeypatch, p, path):
    """Every nonsingular curve over F_p, every odd prime n | #E with n <= 4*sqrt(p), every h with h*n in the
    Hasse interval: accepted exactly when h*n = #E (the brute-force count), by counting and by sampling
    points (the path of large fields, forced here); sampling may refuse the true h only as unprovable."""
    if path == "sample":
        monkeypatch.setattr(curves, "_COUNT_LIMIT", 0)
    width = math.isqrt(4 * p)
    checked = unproved = 0
    for a in range(p):
        for b in range(p):
            if (4 * a**3 + 27 * b**2) % p == 0:
                continue
            R = CurveParams("t", p=p, a=a, b=b, gx=0, gy=0, n=1)
            points = reference.enumerate_points(R)[1:]
            order = len(points) + 1
            for n in (q for q in range(3, 4 * math.isqrt(p) + 1) if order % q == 0 and reference.is_probable_prime(q)):
                G = next(Q for Q in points if reference.mul(R, n, Q) is None)  # of order n: n is prime
                for h in range(max(1, -(-(p + 1 - width) // n)), (p + 1 + width) // n + 1):
                    try:
                        ect.Curve("t", p=p, a=a, b=b, gx=G[0], gy=G[1], n=n, h=h)
                    except InvalidCurveError as exc:
                        if h * n == order and h % n == 0:
                            assert str(exc).startswith(f"n = {n} divides the cofactor h"), (a, b, n, h)
                        else:
                            assert h * n != order or str(exc).startswith("cannot verify the cofactor"), (a, b, n, h)
                            unproved += h * n == order
                    else:
                        assert h * n == order, f"wrong cofactor accepted: a={a} b={b} n={n} h={h}, #E={order}"
                        assert h % n, f"n divides the cofactor, accepted: a={a} b={b} n={n} h={h}"
                    checked += 1
    assert checked > 3000
    if path == "count":
        assert unproved == 0  # counting decides every case


def test_n_dividing_the_cofactor_is_refused():
    """y^2 = x^3 + 3 over F_43 has 49 points, every one of order 7 (E = Z/7 x Z/7): with n = h = 7, the
    h*n the Hasse interval holds is right, yet n*P = O for points outside <G> and h*P = O for every P."""
    R = CurveParams("full", p=43, a=0, b=3, gx=1, gy=2, n=7, h=7)
    points = reference.enumerate_points(R)
    assert len(points) == 49 and all(reference.mul(R, 7, P) is None for P in points[1:])
    expected = r"n = 7 divides the cofactor h of curve 'full': the points of order n need not form one subgroup"
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Curve("full", p=43, a=0, b=3, gx=1, gy=2, n=7, h=7)


def _wide_cofactor_curve() -> ect.Curve:
    """y^2 = x^3 + 1 over p = 3 * 2^87 * n - 1 = 2 mod 3 is supersingular, #E = p + 1: n = 2^61 - 1 fills
    one 64-bit word, and its cofactor h = 3 * 2^87 has 89 bits."""
    n, h = 2**61 - 1, 3 * 2**87
    p = h * n - 1
    G = numbertheory.ec_mul(p, 0, h, (7, numbertheory.sqrt_mod(7**3 + 1, p)))
    return ect.Curve("wide", p=p, a=0, b=1, gx=G[0], gy=G[1], n=n, h=h)


def test_cofactor_wider_than_a_scalar_is_refused_by_hash_to_curve():
    C = _wide_cofactor_curve()
    assert C.generator * C.n == C.identity and 2 * C.generator == C.generator + C.generator  # the group works
    expected = r"hash_to_curve on curve 'wide' clears the cofactor with one scalar of at most 64 bits .* has 89 bits"
    with pytest.raises(InvalidCurveError, match=expected):
        C.hash_to_curve(b"abc", b"ectraverse-test")
    with pytest.raises(InvalidCurveError, match=expected):
        C.hash_to_curve_batch([b"a", b"b"], b"ectraverse-test")
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Vocabulary(C, ["a", "b"]).generator("a")
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Traversal(C).compose(["a", "b"])


def test_an_engine_needs_a_group_of_order_at_least_5():
    C = ect.Curve("three", p=43, a=0, b=6, gx=0, gy=7, n=3, h=13)  # a valid group: #E = 39
    assert C.generator * 3 == C.identity
    with pytest.raises(InvalidCurveError, match=r"an engine needs a group of order n >= 5 .* 'three' has n = 3\."):
        ect.Traversal(C)


def test_cofactor_that_trial_division_cannot_factor_is_refused(monkeypatch):
    monkeypatch.setattr(curves, "_TRIAL_DIVISION_BOUND", 5)  # 3077053 = 7^3 * 8971: now out of reach
    expected = (
        r"cannot verify the cofactor of curve 'w': n <= 4\*sqrt\(p\), so h\*n in the Hasse interval does not fix #E, "
        r"and h = 3077053 has no factorisation by trial division below 2\^16"
    )
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Curve("w", **W, h=W_H)


def test_group_of_small_exponent_is_refused_as_unprovable():
    assert reference.group_order(CurveParams("split", **SPLIT)) == SPLIT["n"] * SPLIT["h"]  # a true h
    expected = r"cannot verify the cofactor of curve 'split'.* holds several multiples of 590, the least common"
    with pytest.raises(InvalidCurveError, match=expected):
        ect.Curve("split", **SPLIT)


def test_large_n_is_proved_by_the_hasse_interval_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(curves, "_check_group_order", lambda ref, label: calls.append(ref.name))
    for name in ("P-256", "BLS12-381", "toy-plot"):  # h = 1, h = 2^126.., h = 1
        prm = ect.curve(name).params
        ect.Curve(name + "-copy", p=prm.p, a=prm.a, b=prm.b, gx=prm.gx, gy=prm.gy, n=prm.n, h=prm.h)
    assert calls == []
    ect.Curve("w", **W, h=W_H)
    assert calls == ["w"]


# ---- item 5: oversized and hostile numbers ---------------------------------------------------

HUGE = 10**5000  # int -> str refuses it (4300 digits)
# p = 2^576 - 789 and n = 2^576 + 243 are prime, and n <= p + 1 + 2*sqrt(p): only the size bound refuses n.
P576, N577 = 2**576 - 789, 2**576 + 243


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        pytest.param({"p": 2**11213 - 1}, r"p of curve 'x' must have at most 576 bits, not 11213\.", id="p-11213-bits"),
        pytest.param({"p": HUGE}, r"p of curve 'x' must have at most 576 bits, not 16610\.", id="p-huge"),
        pytest.param({"p": -HUGE}, r"p of curve 'x' must have at most 576 bits, not 16610\.", id="p-huge-negative"),
        pytest.param({"n": HUGE}, r"n of curve 'x' must have at most 576 bits, not 16610\.", id="n-huge"),
        pytest.param({"h": HUGE}, r"h of curve 'x' must have at most 576 bits, not 16610\.", id="h-huge"),
        pytest.param({"h": 2**577}, r"h of curve 'x' must have at most 576 bits, not 578\.", id="h-578-bits"),
        pytest.param(
            {"p": P576, "a": 1, "b": 1, "gx": 0, "gy": 1, "n": N577},
            r"n of curve 'x' must have at most 576 bits, not 577\.",
            id="n-577-bits-p-576-bits",
        ),
    ],
)
def test_oversized_numbers_are_refused_before_any_costly_step(monkeypatch, changes, pattern):
    _forbid(monkeypatch, "is_probable_prime", "ec_mul")
    with pytest.raises(InvalidCurveError, match=pattern):
        ect.Curve("x", **{**TOY_PLOT, **changes})


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        pytest.param({"gx": HUGE}, r"gx of curve 'x' must be in \[0, p\), not an integer of 16610 bits\.", id="gx"),
        pytest.param({"gy": -HUGE}, r"gy of curve 'x' must be in \[0, p\), not a negative integer of 16610 bits\.",
                     id="gy-negative"),
        pytest.param({"gx": 2**100}, r"gx of curve 'x' must be in \[0, p\), not 0x10{25}\.", id="gx-hex"),
        pytest.param({"n": -5}, r"n of curve 'x' must be an odd prime, not -5\.", id="n-negative"),
        pytest.param({"h": -1}, r"cofactor h of curve 'x' must be >= 1, not -1\.", id="h-negative"),
        pytest.param({"n": 59}, r"h\*n = 59 for curve 'x' is outside the Hasse interval \[31, 57\]\.",
                     id="n-above-hasse"),
        pytest.param({"h": 2**200}, r"h\*n = 0x2f0{50} for curve 'x' is outside the Hasse interval \[31, 57\]\.",
                     id="h-above-hasse"),
    ],
)
def test_bad_numbers_get_invalid_curve_error_never_a_formatting_error(changes, pattern):
    with pytest.raises(InvalidCurveError, match=pattern):
        ect.Curve("x", **{**TOY_PLOT, **changes})


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        # toy-b0 (#E = 4 * 29) with the 2-torsion point (0, 0) as G: the count holds, G's order does not
        pytest.param(dict(p=109, a=1, b=0, gx=0, gy=0, n=29, h=4), r"n\*G is not the identity on curve 'c': "
                     r"G does not have order 29\.", id="G-outside-the-order-n-subgroup"),
        pytest.param(dict(p=109, a=1, b=0, gx=0, gy=0, n=2, h=58), r"n of curve 'c' must be an odd prime, not 2\.",
                     id="n-2"),
        pytest.param(dict(p=3, a=2, b=1, gx=0, gy=1, n=7, h=1), r"p of curve 'c' must be a prime greater than 3, "
                     r"not 3\.", id="p-3"),
        # y^2 = x^3 is singular; its smooth points form a group of order p, inside the Hasse interval, and
        # past the point-counting bound (2^16) only the discriminant refuses it
        pytest.param(dict(p=65537, a=0, b=0, gx=1, gy=1, n=65537, h=1), r"curve 'c' is singular: "
                     r"4a\^3 \+ 27b\^2 = 0 mod p\.", id="singular-past-counting"),
        pytest.param(dict(p=11, a=0, b=0, gx=1, gy=1, n=11, h=1), r"curve 'c' is singular", id="singular-small"),
    ],
)
def test_each_rule_refuses_its_own_curve(params, pattern):
    """Each case breaks one rule (n = 2 also divides h) and is refused with that rule's message (without the
    rule, the curve went through, or reached the compiled core's bare ValueError)."""
    with pytest.raises(InvalidCurveError, match=pattern):
        ect.Curve("c", **params)


def test_coefficients_are_reduced_only_modulo_a_valid_p(monkeypatch):
    # a huge a is reduced mod a small p (linear time) and the curve is the same
    C = ect.Curve("x", **{**TOY_PLOT, "a": 1 + 43 * HUGE, "b": 3 - 43 * HUGE})
    assert (C.a, C.b) == (1, 3)
    # with an oversized p, a and b are left as given (no division by a huge p) and p is refused
    _forbid(monkeypatch, "is_probable_prime", "ec_mul")
    with pytest.raises(InvalidCurveError, match="p of curve 'x' must have at most 576 bits"):
        ect.Curve("x", **{**TOY_PLOT, "p": 2**20000 + 1, "a": 2**40000})


# ---- item 5: hostile vocabulary files ----------------------------------------------------


def _vocabulary_file(tmp_path, **changes):
    path = tmp_path / "v.json"
    ect.Vocabulary("toy-plot", ["a", "b"]).save(path)
    d = json.loads(path.read_text("utf-8"))
    d.update(changes)
    _write_sealed(path, d)
    return path


def _write_sealed(path, d):
    """The file edited on purpose: its checksum made again, so that what is refused is the content."""
    path.write_text(json.dumps({**d, "checksum": _checksum(d)}), "utf-8")


def _custom(name, **params):
    return dict(
        curve=name,
        dst=f"ectraverse-v1:{name}:default",
        curve_params={key: hex(value) for key, value in {**TOY_PLOT, "h": 1, **params}.items()},
    )


def test_file_with_an_oversized_prime_is_refused_before_any_costly_step(tmp_path, monkeypatch):
    path = _vocabulary_file(tmp_path, **_custom("crafted", p=2**11213 - 1))
    _forbid(monkeypatch, "is_probable_prime", "ec_mul")
    expected = r"v\.json: its custom curve 'crafted' is invalid: p of curve 'crafted' must have at most 576 bits, not 11213"
    with pytest.raises(VocabularyFileError, match=expected):
        ect.Vocabulary.load(path)


def test_file_with_a_huge_hex_number_is_refused(tmp_path, monkeypatch):
    path = _vocabulary_file(tmp_path, **_custom("crafted"))
    d = json.loads(path.read_text("utf-8"))
    d["curve_params"]["gy"] = "0x" + "f" * 1_000_000
    _write_sealed(path, d)
    _forbid(monkeypatch, "ec_mul")
    with pytest.raises(VocabularyFileError, match=r"gy of curve 'crafted' must be in \[0, p\), not an integer of "
                       r"4000000 bits\.") as info:
        ect.Vocabulary.load(path)
    assert len(str(info.value)) < 300


def test_file_with_a_wrong_cofactor_is_refused(tmp_path):
    path = _vocabulary_file(tmp_path, **_custom("w", **W, h=W_H + 1))
    with pytest.raises(VocabularyFileError, match=r"its custom curve 'w' is invalid: h\*n does not annihilate"):
        ect.Vocabulary.load(path)


@pytest.mark.parametrize("where", ["top", "inside"])
def test_deeply_nested_json_is_a_vocabulary_file_error(tmp_path, where):
    path = tmp_path / "v.json"
    nested = "[" * 100_000 + "]" * 100_000
    if where == "top":
        path.write_text(nested, "utf-8")
    else:
        text = _vocabulary_file(tmp_path).read_text("utf-8")
        path.write_text(text.replace('"tokens": [', '"tokens": [' + nested + ", ", 1), "utf-8")
    with pytest.raises(VocabularyFileError, match=r"v\.json: not a vocabulary file \(JSON nested too deeply to read\)"):
        ect.Vocabulary.load(path)


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        pytest.param(_custom("n" * 1_000_000), r"its custom curve 'n{80}'\.\.\. \(1000000 characters\) is invalid: "
                     r"a curve name must have 1 to 255 bytes in UTF-8, not 1000000\.", id="name"),
        pytest.param({"curve_params": {"p": "1" * 1_000_000}},
                     r"curve_params\['p'\] must be a hex string like '0x1f', not '1{80}'\.\.\. \(1000000 characters\)",
                     id="param-not-hex"),
        pytest.param({"curve_params": {"p": [[[[1]]]]}},
                     r"curve_params\['p'\] must be a hex string like '0x1f', not a list\.", id="param-list"),
        pytest.param({"dst": "d" * 1_000_000}, r"'dst' is 'd{80}'\.\.\. \(1000000 characters\); curve 'toy-plot'",
                     id="dst"),
    ],
)
def test_file_values_are_quoted_briefly_in_messages(tmp_path, changes, pattern):
    with pytest.raises(VocabularyFileError, match=pattern) as info:
        ect.Vocabulary.load(_vocabulary_file(tmp_path, **changes))
    assert len(str(info.value)) < 400


@pytest.mark.parametrize("bad", [5, "02", "0" * 64, None])
def test_malformed_generators_are_refused_before_hashing(tmp_path, monkeypatch, bad):
    path = tmp_path / "v.json"
    ect.Vocabulary("secp256k1", [f"t{i}" for i in range(50)]).save(path)
    d = json.loads(path.read_text("utf-8"))
    d["generators"][49] = bad
    _write_sealed(path, d)

    def no_hashing(*args, **kwargs):
        raise AssertionError("hashed tokens of a file whose generators are malformed")

    monkeypatch.setattr(ect.Curve, "hash_to_curve", no_hashing)
    monkeypatch.setattr(ect.Curve, "hash_to_curve_batch", no_hashing)
    expected = r"the stored generator of token 't49' \(id 49\) must be a hex string of 66 digits \('00' for the identity\)"
    with pytest.raises(VocabularyFileError, match=expected):
        ect.Vocabulary.load(path)


# ---- item 10: curve names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        pytest.param("", r"a curve name must have 1 to 255 bytes in UTF-8, not 0\.", id="empty"),
        pytest.param("x" * 256, r"a curve name must have 1 to 255 bytes in UTF-8, not 256\.", id="256-ascii"),
        pytest.param("é" * 128, r"a curve name must have 1 to 255 bytes in UTF-8, not 256\.", id="256-bytes-128-chars"),
        pytest.param("x" * 10**7, r"a curve name must have 1 to 255 bytes in UTF-8, not 10000000\.", id="huge"),
        pytest.param(
            "ab\udc80", r"a curve name must be valid Unicode, not a str with a lone surrogate at index 2\.", id="surrogate"
        ),
    ],
)
def test_bad_curve_names_are_refused(name, pattern):
    with pytest.raises(InvalidCurveError, match=pattern) as info:
        ect.Curve(name, **TOY_PLOT)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("name", [7, b"bytes", None])
def test_curve_name_must_be_a_str(name):
    with pytest.raises(TypeError, match=rf"name must be a str, not {type(name).__name__}"):
        ect.Curve(name, **TOY_PLOT)


def test_non_ascii_name_of_255_bytes_round_trips_a_context():
    name = "кривая-" + "é" * 120 + "xy"  # 13 + 240 + 2 bytes
    assert len(name.encode("utf-8")) == 255
    C = ect.Curve(name, **TOY_PLOT)
    assert C.name == name
    T = ect.Traversal(C)
    ctx = T.compose("a b")
    data = ctx.to_bytes()
    assert T.context_from_bytes(data) == ctx
    assert data[5] == 255 and data[6 : 6 + 255].decode("utf-8") == name  # b"ECTX", version, length, name
