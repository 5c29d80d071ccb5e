"""Project Wycheproof ECDH vectors: SEC1 point decoding and scalar multiplication.

One test case per vector id, over the seven ECDH files in
``vectors/wycheproof/`` (see ``vectors/README.md``, section 4):

* ``ecdh_<curve>_ecpoint_test.json`` (P-256, P-384, P-521): ``public`` is a bare
  SEC1 point, given straight to ``C.decode``.
* ``ecdh_<curve>_test.json`` (the same three plus secp256k1): ``public`` is a DER
  X.509 SubjectPublicKeyInfo. ectraverse has no DER parser, so we apply the
  README's prefix rule: a key is used only when it is exactly the fixed
  named-curve SPKI prefix followed by a 65/97/133-byte uncompressed point;
  anything else counts as rejected at the ASN.1 layer.

The expected outcome of every decode is worked out here, from the bytes alone,
with plain Python integers and the curve constants in ``vectors/curves.json``
(:func:`classify`). Each case then checks two things: that this outcome agrees
with Wycheproof's verdict (``valid`` must decode, ``invalid`` must not), and
that ``ectraverse`` does exactly that, down to the exception class.

What the ``invalid`` and ``acceptable`` vectors turned out to need
(:func:`test_outcome_tally` pins the numbers per file):

* empty public key (``InvalidEncoding``) -> ``EncodingError``;
* ``InvalidCurveAttack`` points on the grid {0, 1, p-1, p}^2: the ones with a
  coordinate equal to p are rejected by the range check (``EncodingError``,
  X or Y >= p) before the curve equation is looked at; the other nine, and the
  ``InvalidPublic`` points such as (0, 0), are ``NotOnCurveError``;
* compressed ``InvalidCompressedPublic`` and ``WrongCurve`` (low-order points on
  the quadratic twist) -> ``NotOnCurveError``: x^3 + ax + b has no square root;
* ``acceptable`` in the ecpoint files: one compressed key per file. We accept
  compressed points, so it must decode and give ``shared``;
* ``acceptable`` in the asn files: all are ASN.1 oddities (``InvalidAsn``,
  explicit or modified parameters, compressed points, ...) and are rejected by
  the prefix rule, except one per file, "modifying last byte of bit string",
  whose DER is well formed with the named-curve prefix, but whose point is off
  the curve. Wycheproof still lists the original key's ``shared``; we reject it
  with ``NotOnCurveError``, which "acceptable" allows.
"""

from __future__ import annotations

import collections
import functools
from typing import NamedTuple

import pytest

import ectraverse as ect
import vectors

if vectors.VECTORS_DIR is None:
    pytest.skip(vectors.MISSING_REASON, allow_module_level=True)


# Wycheproof curve name -> ectraverse canonical name (curve() accepts both).
CANONICAL = {
    "secp256r1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
    "secp256k1": "secp256k1",
}

# Fixed DER prefix of a named-curve SubjectPublicKeyInfo, up to the SEC1 point
# (vectors/README.md, section 4).
SPKI_PREFIX = {
    "secp256k1": bytes.fromhex("3056301006072a8648ce3d020106052b8104000a034200"),
    "secp256r1": bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200"),
    "secp384r1": bytes.fromhex("3076301006072a8648ce3d020106052b81040022036200"),
    "secp521r1": bytes.fromhex("30819b301006072a8648ce3d020106052b8104002303818600"),
}

# (curve, encoding) -> (valid, acceptable, invalid), the table in vectors/README.md.
README_COUNTS = {
    ("secp256k1", "asn"): (473, 230, 49),
    ("secp256r1", "asn"): (330, 230, 52),
    ("secp256r1", "ecpoint"): (330, 1, 24),
    ("secp384r1", "asn"): (771, 230, 46),
    ("secp384r1", "ecpoint"): (771, 1, 18),
    ("secp521r1", "asn"): (632, 228, 56),
    ("secp521r1", "ecpoint"): (632, 1, 28),
}

# Message fragments the library's errors must contain (re.search). They say
# what was expected; test_encoding.py uses the same wording.
MESSAGES = {
    "empty": r"(?i)empty|\bnot 0\b|\b0 bytes",
    "prefix": r"(?i)prefix|first byte|must start with",
    "range": r"(?i)range|less than p\b|< ?p\b|>= ?p\b|≥ ?p\b",
    "off-curve": r"(?i)not on\b",
    "no-root": r"(?i)no point|square",
}

ERROR_CLASS = {
    "empty": ect.EncodingError,
    "length": ect.EncodingError,
    "prefix": ect.EncodingError,
    "range": ect.EncodingError,
    "off-curve": ect.NotOnCurveError,
    "no-root": ect.NotOnCurveError,
}


class CurveParams(NamedTuple):
    p: int
    a: int
    b: int
    field_bytes: int


class Case(NamedTuple):
    curve: str  # Wycheproof spelling, e.g. "secp256r1"
    encoding: str  # "ecpoint" | "asn"
    tc_id: int
    comment: str
    flags: tuple[str, ...]
    public: bytes
    private: int
    shared: str
    result: str  # "valid" | "acceptable" | "invalid"

    @property
    def id(self) -> str:
        return f"{self.curve}_{self.encoding}-tc{self.tc_id}"


@functools.lru_cache(maxsize=None)
def curve_params(wycheproof_name: str) -> CurveParams:
    """Domain parameters from vectors/curves.json (not from the library)."""
    entry = vectors.load_json("curves.json")["curves"][CANONICAL[wycheproof_name]]
    return CurveParams(
        int(entry["p"], 16), int(entry["a"], 16), int(entry["b"], 16), entry["field_bytes"]
    )


def classify(params: CurveParams, data: bytes) -> tuple[str, str | None]:
    """What SEC1 decoding must do with ``data``, worked out with plain ints.

    Returns:
        ``("ok", None)`` if it must decode, otherwise ``(category, message
        regex)`` with a category of :data:`ERROR_CLASS`.
    """
    p, a, b, fb = params
    if not data:
        return "empty", MESSAGES["empty"]
    prefix = data[0]
    if prefix == 0x00:
        return ("ok", None) if len(data) == 1 else ("length", r"(?i)single byte|\b1 byte")
    if prefix in (0x02, 0x03):
        if len(data) != 1 + fb:
            return "length", rf"\b{1 + fb} bytes"
        x = int.from_bytes(data[1:], "big")
        if x >= p:
            return "range", MESSAGES["range"]
        rhs = (x * x * x + a * x + b) % p
        if rhs != 0 and pow(rhs, (p - 1) // 2, p) != 1:  # Euler's criterion
            return "no-root", MESSAGES["no-root"]
        return "ok", None
    if prefix == 0x04:
        if len(data) != 1 + 2 * fb:
            return "length", rf"\b{1 + 2 * fb} bytes"
        x = int.from_bytes(data[1 : 1 + fb], "big")
        y = int.from_bytes(data[1 + fb :], "big")
        if x >= p or y >= p:
            return "range", MESSAGES["range"]
        if (y * y - (x * x * x + a * x + b)) % p != 0:
            return "off-curve", MESSAGES["off-curve"]
        return "ok", None
    return "prefix", MESSAGES["prefix"]


def spki_point(case: Case) -> bytes | None:
    """The SEC1 point inside an SPKI key, or None if the prefix rule rejects it.

    We have no DER parser: only ``PREFIX || 04 || X || Y`` is understood.
    """
    prefix = SPKI_PREFIX[case.curve]
    fb = curve_params(case.curve).field_bytes
    body = case.public[len(prefix) :]
    if case.public.startswith(prefix) and len(body) == 1 + 2 * fb and body[0] == 0x04:
        return body
    return None


def _load_cases(curve: str, encoding: str) -> list[Case]:
    suffix = "_ecpoint_test.json" if encoding == "ecpoint" else "_test.json"
    doc = vectors.load_json(f"wycheproof/ecdh_{curve}{suffix}")
    cases = []
    for group in doc["testGroups"]:
        assert group["curve"] == curve and group["encoding"] == encoding, group["curve"]
        for t in group["tests"]:
            cases.append(
                Case(
                    curve,
                    encoding,
                    t["tcId"],
                    t["comment"],
                    tuple(t["flags"]),
                    bytes.fromhex(t["public"]),
                    vectors.parse_bigint(t["private"]),
                    t["shared"],
                    t["result"],
                )
            )
    return cases


CASES = {key: _load_cases(*key) for key in README_COUNTS}
ECPOINT_CASES = [c for key, cs in CASES.items() if key[1] == "ecpoint" for c in cs]
ASN_CASES = [c for key, cs in CASES.items() if key[1] == "asn" for c in cs]


def _params(cases: list[Case]) -> list:
    return [pytest.param(c, id=c.id) for c in cases]


def _check_decode(C, data: bytes, case: Case) -> None:
    """Decode ``data`` on ``C`` and check the outcome that :func:`classify` predicts."""
    outcome, pattern = classify(curve_params(case.curve), data)
    # Our prediction must agree with Wycheproof before it is used to judge the library.
    if case.result == "valid":
        assert outcome == "ok", f"classify() rejects a valid vector as {outcome}"
    elif case.result == "invalid":
        assert outcome != "ok", "classify() accepts an invalid vector"

    if outcome == "ok":
        P = C.decode(data)
        assert not P.is_identity
        shared = (case.private * P).x.to_bytes(C.field_bytes, "big").hex()
        assert shared == case.shared
    else:
        with pytest.raises(ERROR_CLASS[outcome], match=pattern):
            C.decode(data)


@pytest.mark.parametrize("case", _params(ECPOINT_CASES))
def test_ecpoint(case: Case) -> None:
    # The Wycheproof spelling ("secp256r1") on purpose: these go through the alias.
    C = ect.curve(case.curve)
    _check_decode(C, case.public, case)


@pytest.mark.parametrize("case", _params(ASN_CASES))
def test_asn(case: Case) -> None:
    C = ect.curve(CANONICAL[case.curve])
    point = spki_point(case)
    if point is not None:
        _check_decode(C, point, case)
        return
    # Rejected at the ASN.1 layer, which is right for invalid and allowed for
    # acceptable keys, never for valid ones.
    assert case.result != "valid", "a valid key does not fit the SPKI prefix rule"
    # The DER blob itself is not a SEC1 point: decode must say so with the
    # error the bytes call for (almost always an unknown prefix, 0x30).
    outcome, pattern = classify(curve_params(case.curve), case.public)
    assert outcome != "ok"
    with pytest.raises(ERROR_CLASS[outcome], match=pattern):
        C.decode(case.public)


@pytest.mark.parametrize("key", list(README_COUNTS), ids=lambda k: f"{k[0]}_{k[1]}")
def test_vector_counts(key: tuple[str, str]) -> None:
    """Every file is complete: counts per result match the README's table."""
    curve, encoding = key
    suffix = "_ecpoint_test.json" if encoding == "ecpoint" else "_test.json"
    doc = vectors.load_json(f"wycheproof/ecdh_{curve}{suffix}")
    cases = CASES[key]
    counts = collections.Counter(c.result for c in cases)
    assert (counts["valid"], counts["acceptable"], counts["invalid"]) == README_COUNTS[key]
    assert len(cases) == sum(README_COUNTS[key]) == doc["numberOfTests"]
    assert len({c.tc_id for c in cases}) == len(cases), "duplicate tcId"


# (curve, encoding) -> Counter of (result, outcome). Outcome "asn" means rejected
# by the SPKI prefix rule; the others are classify() categories.
EXPECTED_TALLY = {
    ("secp256r1", "ecpoint"): {
        ("valid", "ok"): 330, ("acceptable", "ok"): 1, ("invalid", "empty"): 1,
        ("invalid", "range"): 7, ("invalid", "off-curve"): 9, ("invalid", "no-root"): 7,
    },
    ("secp384r1", "ecpoint"): {
        ("valid", "ok"): 771, ("acceptable", "ok"): 1, ("invalid", "empty"): 1,
        ("invalid", "range"): 7, ("invalid", "off-curve"): 9, ("invalid", "no-root"): 1,
    },
    ("secp521r1", "ecpoint"): {
        ("valid", "ok"): 632, ("acceptable", "ok"): 1, ("invalid", "empty"): 1,
        ("invalid", "range"): 7, ("invalid", "off-curve"): 9, ("invalid", "no-root"): 11,
    },
    ("secp256k1", "asn"): {
        ("valid", "ok"): 473, ("acceptable", "asn"): 229, ("acceptable", "off-curve"): 1,
        ("invalid", "asn"): 31, ("invalid", "range"): 7, ("invalid", "off-curve"): 11,
    },
    ("secp256r1", "asn"): {
        ("valid", "ok"): 330, ("acceptable", "asn"): 229, ("acceptable", "off-curve"): 1,
        ("invalid", "asn"): 34, ("invalid", "range"): 7, ("invalid", "off-curve"): 11,
    },
    ("secp384r1", "asn"): {
        ("valid", "ok"): 771, ("acceptable", "asn"): 229, ("acceptable", "off-curve"): 1,
        ("invalid", "asn"): 28, ("invalid", "range"): 7, ("invalid", "off-curve"): 11,
    },
    ("secp521r1", "asn"): {
        ("valid", "ok"): 632, ("acceptable", "asn"): 227, ("acceptable", "off-curve"): 1,
        ("invalid", "asn"): 38, ("invalid", "range"): 7, ("invalid", "off-curve"): 11,
    },
}


@pytest.mark.parametrize("key", list(EXPECTED_TALLY), ids=lambda k: f"{k[0]}_{k[1]}")
def test_outcome_tally(key: tuple[str, str]) -> None:
    """Pin which error each non-valid vector needs, so a change is seen in review."""
    tally: collections.Counter = collections.Counter()
    for case in CASES[key]:
        if case.encoding == "asn":
            point = spki_point(case)
            outcome = "asn" if point is None else classify(curve_params(case.curve), point)[0]
        else:
            outcome = classify(curve_params(case.curve), case.public)[0]
        tally[case.result, outcome] += 1
    assert tally == collections.Counter(EXPECTED_TALLY[key])


def test_flags_match_outcomes() -> None:
    """The categories agree with what Wycheproof's flags say is wrong."""
    for case in ECPOINT_CASES:
        outcome = classify(curve_params(case.curve), case.public)[0]
        if "InvalidEncoding" in case.flags:
            assert outcome == "empty", case.id
        if "InvalidCurveAttack" in case.flags:
            assert outcome in ("range", "off-curve"), case.id
        if {"InvalidCompressedPublic", "WrongCurve"} & set(case.flags):
            assert case.public[0] in (2, 3) and outcome == "no-root", case.id
        if "CompressedPublic" in case.flags:
            assert case.result == "acceptable" and outcome == "ok", case.id
    for case in ASN_CASES:
        point = spki_point(case)
        if point is not None and case.result != "valid":
            outcome = classify(curve_params(case.curve), point)[0]
            assert {"InvalidCurveAttack", "InvalidPublic", "InvalidAsn"} & set(case.flags), case.id
            assert outcome in ("range", "off-curve"), case.id


@pytest.mark.parametrize("wycheproof_name", list(CANONICAL))
def test_curve_names_and_parameters(wycheproof_name: str) -> None:
    """Both spellings name the same curve, with the parameters the vectors assume."""
    canonical = CANONICAL[wycheproof_name]
    by_alias, by_name = ect.curve(wycheproof_name), ect.curve(canonical)
    assert by_alias.name == by_name.name == canonical
    entry = vectors.load_json("curves.json")["curves"][canonical]
    gx, gy, fb = int(entry["Gx"], 16), int(entry["Gy"], 16), entry["field_bytes"]
    for C in (by_alias, by_name):
        assert (C.p, C.a, C.b, C.n, C.h) == tuple(int(entry[k], 16) for k in "pabnh")
        assert C.field_bytes == fb
        assert (C.generator.x, C.generator.y) == (gx, gy)
    # A point decoded through either name is the same point.
    g = b"\x04" + gx.to_bytes(fb, "big") + gy.to_bytes(fb, "big")
    assert by_alias.decode(g) == by_name.decode(g) == by_name.generator
