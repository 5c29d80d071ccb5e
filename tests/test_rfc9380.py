"""RFC 9380 hashing to curves: expand_message_xmd, hash_to_field, the suites and the reference maps.

The oracle for points is :mod:`ectraverse.reference` (``map_to_curve_sswu``,
``map_to_curve_svdw``, ``iso_map``, ``add``, ``mul``): every ``Q0``/``Q1``/``Q``
and ``P`` of the RFC's vectors is recomputed with it from the ``u`` values that
:mod:`ectraverse.rfc9380` derives, so a test of the compiled maps only has to
compare against the reference.

* one case per vector of the three ``expand_message_xmd_*.json`` files
  (``uniform_bytes``, ``DST_prime``, ``msg_prime``; RFC 9380 Appendix K);
* one case per vector of the ten suite files (Appendix J): every ``u``, every
  ``Q0``/``Q1`` (``_RO_``) or ``Q`` (``_NU_``), and ``P``;
* the constants: each standard suite's ``Z`` is the one RFC 9380's
  ``find_z_sswu`` (Appendix H.2) returns, its criteria checked here from
  scratch (including irreducibility of ``g(x) - Z``); each SvdW suite's ``Z``
  meets the criteria of section 6.6.1 and is the first candidate of
  ``find_z_svdw`` (Appendix H.1); the BN254 constants match a published copy;
* the SvdW map on the toy curves for every ``u`` of the field, including the
  exceptional ``u`` with ``(1 - g(Z) u^2)(1 + g(Z) u^2) = 0``, and cofactor
  clearing into the subgroup on the ``h = 4`` curves;
* every error path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

import child
import vectors

import ectraverse as ect
from ectraverse import reference, rfc9380
from ectraverse.curves import CurveParams, curve_names, named_params
from ectraverse.errors import CurveMismatchError, EctraverseError, UnknownSuiteError

if vectors.VECTORS_DIR is None:
    pytest.skip(vectors.MISSING_REASON, allow_module_level=True)

XMD_FILES = [
    "expand_message_xmd_SHA256_38.json",
    "expand_message_xmd_SHA256_256.json",
    "expand_message_xmd_SHA512_38.json",
]
STANDARD_IDS = [
    "P256_XMD:SHA-256_SSWU_RO_",
    "P256_XMD:SHA-256_SSWU_NU_",
    "P384_XMD:SHA-384_SSWU_RO_",
    "P384_XMD:SHA-384_SSWU_NU_",
    "P521_XMD:SHA-512_SSWU_RO_",
    "P521_XMD:SHA-512_SSWU_NU_",
    "secp256k1_XMD:SHA-256_SSWU_RO_",
    "secp256k1_XMD:SHA-256_SSWU_NU_",
    "BLS12381G1_XMD:SHA-256_SSWU_RO_",
    "BLS12381G1_XMD:SHA-256_SSWU_NU_",
]
STANDARD_CURVES = {"secp256k1", "P-256", "P-384", "P-521", "BLS12-381"}
SVDW_CURVES = [name for name in curve_names() if name not in STANDARD_CURVES]
TOY_CURVES = [name for name in SVDW_CURVES if name.startswith("toy") and named_params(name).p < 1 << 8]


def _point(d: dict) -> tuple[int, int]:
    return (int(d["x"], 16), int(d["y"], 16))


def _map(prm: CurveParams, s: rfc9380.Suite, u: int):
    """map_to_curve of RFC 9380 section 3, spelled out with the reference primitives."""
    if s.map == "SSWU":
        Q = reference.map_to_curve_sswu(prm.p, s.map_a, s.map_b, s.Z, u)
    else:
        Q = reference.map_to_curve_svdw(prm.p, s.map_a, s.map_b, s.Z, u)
    if s.iso is not None:
        Q = reference.iso_map(prm.p, s.iso, Q)
    return Q


def _xmd_cases():
    for filename in XMD_FILES:
        for i, _ in enumerate(vectors.load_json(f"rfc9380/{filename}")["tests"]):
            yield pytest.param(filename, i, id=f"{filename[:-5]}-{i}")


def _suite_cases():
    for sid in STANDARD_IDS:
        for i, _ in enumerate(vectors.load_json(f"rfc9380/{sid}.json")["vectors"]):
            yield pytest.param(sid, i, id=f"{sid}-{i}")


# ---------------------------------------------------------------------------
# expand_message_xmd (RFC 9380 section 5.3.1, Appendix K)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("filename, i", list(_xmd_cases()))
def test_expand_message_xmd_vector(filename, i):
    doc = vectors.load_json(f"rfc9380/{filename}")
    t = doc["tests"][i]
    dst, msg, length = doc["DST"].encode(), t["msg"].encode(), int(t["len_in_bytes"], 16)
    assert rfc9380.dst_prime(dst, doc["hash"]).hex() == t["DST_prime"]
    assert rfc9380.msg_prime(msg, dst, length, doc["hash"]).hex() == t["msg_prime"]
    assert rfc9380.expand_message_xmd(msg, dst, length, doc["hash"]).hex() == t["uniform_bytes"]


def test_expand_message_xmd_vector_counts():
    assert [len(vectors.load_json(f"rfc9380/{f}")["tests"]) for f in XMD_FILES] == [10, 10, 10]
    # the long-DST file really exercises section 5.3.3
    assert len(vectors.load_json(f"rfc9380/{XMD_FILES[1]}")["DST"]) > 255


def test_expand_message_xmd_sha384_blocks():
    """No RFC vectors for SHA-384: check the chaining (b_i, strxor) against hashlib by hand."""
    dst, msg, length = b"ectraverse-test-SHA384", b"abc", 100
    dp = dst + bytes([len(dst)])
    b0 = hashlib.sha384(bytes(128) + msg + length.to_bytes(2, "big") + b"\x00" + dp).digest()
    b1 = hashlib.sha384(b0 + b"\x01" + dp).digest()
    b2 = hashlib.sha384(bytes(x ^ y for x, y in zip(b0, b1)) + b"\x02" + dp).digest()
    b3 = hashlib.sha384(bytes(x ^ y for x, y in zip(b0, b2)) + b"\x03" + dp).digest()
    assert rfc9380.expand_message_xmd(msg, dst, length, "SHA-384") == (b1 + b2 + b3)[:length]


def test_expand_message_xmd_accepts_bytes_like_and_hash_spellings():
    dst = b"QUUX-V01-CS02-with-expander-SHA256-128"
    ref = rfc9380.expand_message_xmd(b"abc", dst, 32, "sha256")
    for name in ("SHA-256", "SHA256", "sha_256"):
        assert rfc9380.expand_message_xmd(bytearray(b"abc"), memoryview(dst), 32, name) == ref


def test_expand_message_xmd_max_length():
    dst = b"ectraverse-test"
    assert len(rfc9380.expand_message_xmd(b"", dst, 8160)) == 8160
    assert len(rfc9380.expand_message_xmd(b"", dst, 16320, "sha512")) == 16320


# ---------------------------------------------------------------------------
# The ten RFC suites (Appendix J)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sid", STANDARD_IDS)
def test_suite_matches_vector_file(sid):
    doc = vectors.load_json(f"rfc9380/{sid}.json")
    s = rfc9380.suite(sid)
    prm = named_params(s.curve)
    assert doc["ciphersuite"] == s.id == sid
    assert named_params(doc["curve"]) == prm
    assert int(doc["field"]["p"], 16) == prm.p and int(doc["field"]["m"], 16) == 1
    assert doc["hash"] == s.hash_name
    assert int(doc["L"], 16) == s.L and int(doc["k"], 16) == s.k and int(doc["Z"], 16) == s.Z
    assert doc["map"]["name"] == s.map == "SSWU"
    assert doc["randomOracle"] is s.random_oracle
    assert len(doc["vectors"]) == 5
    assert rfc9380.default_suite(prm, random_oracle=s.random_oracle) is s
    assert (s.iso is None) == (prm.a != 0)  # the isogeny is for the AB == 0 curves
    assert s.h_eff == (0xD201000000010001 if prm.name == "BLS12-381" else 1)


@pytest.mark.parametrize("sid, i", list(_suite_cases()))
def test_suite_vector(sid, i):
    doc = vectors.load_json(f"rfc9380/{sid}.json")
    v = doc["vectors"][i]
    s = rfc9380.suite(sid)
    prm = named_params(s.curve)
    C = prm
    msg, dst = v["msg"].encode(), doc["dst"].encode()

    us = rfc9380.field_elements(s, prm, [msg], dst)[0]
    assert us == [int(u, 16) for u in v["u"]]
    assert us == rfc9380.hash_to_field(msg, dst, s.count, modulus=prm.p, L=s.L, hash_name=s.hash_name)

    Qs = [_map(prm, s, u) for u in us]
    expected = [v["Q0"], v["Q1"]] if s.random_oracle else [v["Q"]]
    assert Qs == [_point(q) for q in expected]

    R = None
    for Q in Qs:
        R = reference.add(C, R, Q)
    P = reference.mul(C, s.h_eff, R)
    assert P == _point(v["P"])
    assert reference.in_subgroup(C, P)
    assert reference.hash_to_curve_from_u(C, s, us) == P


def test_nu_suites_equal_ro_suites_but_for_the_encoding():
    for ro_id in STANDARD_IDS[::2]:
        ro, nu = rfc9380.suite(ro_id), rfc9380.suite(ro_id.replace("_RO_", "_NU_"))
        assert (ro.random_oracle, nu.random_oracle, ro.count, nu.count) == (True, False, 2, 1)
        assert dataclasses.replace(nu, id=ro.id, random_oracle=True) == ro


def test_suite_data_is_a_verbatim_copy():
    packaged = resources.files("ectraverse").joinpath("data", "rfc9380_suites.json").read_bytes()
    assert packaged == (vectors.VECTORS_DIR / "rfc9380" / "suite_params.json").read_bytes()


# ---------------------------------------------------------------------------
# SSWU: Z and the constants (RFC 9380 section 6.6.2, Appendix H.2)
# ---------------------------------------------------------------------------


def _poly_trim(a: list[int]) -> list[int]:
    while a and a[-1] == 0:
        a.pop()
    return a


def _poly_mod(a: list[int], f: list[int], p: int) -> list[int]:
    a = _poly_trim([c % p for c in a])
    inv_lead = pow(f[-1], -1, p)
    while len(a) >= len(f):
        c = a[-1] * inv_lead % p
        shift = len(a) - len(f)
        for j, fj in enumerate(f):
            a[shift + j] = (a[shift + j] - c * fj) % p
        _poly_trim(a)
    return a


def _poly_mulmod(a: list[int], b: list[int], f: list[int], p: int) -> list[int]:
    prod = [0] * (len(a) + len(b) - 1) if a and b else []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            prod[i + j] += x * y
    return _poly_mod(prod, f, p)


def _cubic_has_root(f: list[int], p: int) -> bool:
    """Whether the cubic f (ascending coefficients) has a root in GF(p): gcd(x^p - x, f) != 1."""
    r, base, e = [1], [0, 1], p  # r = x^p mod f by square-and-multiply
    while e:
        if e & 1:
            r = _poly_mulmod(r, base, f, p)
        base = _poly_mulmod(base, base, f, p)
        e >>= 1
    r = r + [0] * (2 - len(r))
    r[1] -= 1  # x^p - x
    r = _poly_mod(r, f, p)
    a, b = list(f), r
    while b:
        a, b = b, _poly_mod(a, b, p)
    return len(a) > 1  # gcd of positive degree: a linear factor


def _sswu_z_ok(p: int, A: int, B: int, Z: int) -> bool:
    """The four criteria of RFC 9380 section 6.6.2 for the SSWU constant Z."""
    g = lambda x: (x * x * x + A * x + B) % p  # noqa: E731
    return (
        not reference.is_square(Z, p)  # 1. Z is non-square in F
        and Z != p - 1  # 2. Z != -1 in F
        and not _cubic_has_root([(B - Z) % p, A, 0, 1], p)  # 3. g(x) - Z is irreducible
        and reference.is_square(g(B * pow(Z * A, -1, p)), p)  # 4. g(B / (Z * A)) is square
    )


def test_cubic_root_helper_on_small_field():
    p = 43
    for c in range(p):
        f = [c, 1, 0, 1]  # x^3 + x + c
        assert _cubic_has_root(f, p) == any((x**3 + x + c) % p == 0 for x in range(p))


@pytest.mark.parametrize("sid", STANDARD_IDS[::2])
def test_sswu_z_is_the_rfc_choice(sid):
    """Z meets the criteria and is what find_z_sswu returns: the first of 1, -1, 2, -2, ... to pass."""
    s = rfc9380.suite(sid)
    p = named_params(s.curve).p
    assert _sswu_z_ok(p, s.map_a, s.map_b, s.Z)
    vectors_params = vectors.load_json("rfc9380/suite_params.json")["suites"][sid]
    assert s.Z == vectors_params["Z_signed"] % p
    ctr_max = abs(vectors_params["Z_signed"])
    earlier = [z % p for c in range(1, ctr_max + 1) for z in (c, -c)]
    earlier = earlier[: earlier.index(s.Z)]
    assert not any(_sswu_z_ok(p, s.map_a, s.map_b, z) for z in earlier)


@pytest.mark.parametrize("sid", STANDARD_IDS[::2])
def test_sswu_constants(sid):
    s = rfc9380.suite(sid)
    prm = named_params(s.curve)
    p = prm.p
    c1, c2, c3 = rfc9380.sswu_constants(s, prm)
    assert c1 * s.map_a % p == (-s.map_b) % p
    assert (c2 * c2 + s.Z**3) % p == 0 and c2 % 2 == 0
    assert c3 * s.Z * s.map_a % p == s.map_b % p
    # c3 is the x1 of the exceptional u = 0, as the oracle computes it
    assert reference.map_to_curve_sswu(p, s.map_a, s.map_b, s.Z, 0)[0] == c3


@pytest.mark.parametrize("sid", STANDARD_IDS[::2])
def test_sswu_exceptional_u(sid):
    """u = 0 and the u with Z^2 u^4 + Z u^2 = 0 (u^2 = -1/Z, a square when p = 3 mod 4) take x1 = B / (Z A)."""
    s = rfc9380.suite(sid)
    prm = named_params(s.curve)
    p, A, B, Z = prm.p, s.map_a, s.map_b, s.Z
    r = reference.sqrt_mod(-pow(Z, -1, p), p)
    assert r is not None
    C = prm
    Cp = dataclasses.replace(prm, name="E'", a=A, b=B)
    for u in (0, r, p - r):
        x, y = reference.map_to_curve_sswu(p, A, B, Z, u)
        assert reference.is_on_curve(Cp, (x, y))
        assert x == B * pow(Z * A, -1, p) % p  # criterion 4 makes g(x1) square
        assert reference.is_on_curve(C, _map(prm, s, u))
    for u in (1, 2, p - 1, p - 2):  # u and -u: same x, opposite signs
        (x1, y1), (x2, y2) = (reference.map_to_curve_sswu(p, A, B, Z, v) for v in (u, p - u))
        assert x1 == x2 and (y1 + y2) % p == 0


def test_iso_map_denominator_zero_is_identity():
    s = rfc9380.suite("secp256k1_XMD:SHA-256_SSWU_RO_")
    p = named_params("secp256k1").p
    x_den = s.iso[1]  # x^2 + k_(2,1) x + k_(2,0)
    disc = (x_den[1] ** 2 - 4 * x_den[0]) % p
    root = reference.sqrt_mod(disc, p)
    assert root is not None, "x_den of secp256k1's 3-isogeny splits over GF(p)"
    xp = (-x_den[1] + root) * pow(2, -1, p) % p
    assert (xp * xp + x_den[1] * xp + x_den[0]) % p == 0
    assert reference.iso_map(p, s.iso, (xp, 1)) is None
    assert reference.iso_map(p, s.iso, None) is None


# ---------------------------------------------------------------------------
# SvdW suites (RFC 9380 section 6.6.1, Appendix H.1) for BN254 and the toy curves
# ---------------------------------------------------------------------------


def _svdw_z_ok(p: int, A: int, B: int, Z: int) -> bool:
    g = lambda x: (x * x * x + A * x + B) % p  # noqa: E731
    if g(Z) == 0:  # 1. g(Z) != 0
        return False
    h = -(3 * Z * Z + 4 * A) * pow(4 * g(Z), -1, p) % p
    return (
        h != 0  # 2. -(3 Z^2 + 4 A) / (4 g(Z)) != 0
        and reference.is_square(h, p)  # 3. ... is square
        and (reference.is_square(g(Z), p) or reference.is_square(g(-Z * pow(2, -1, p)), p))  # 4.
    )


def test_svdw_curves_are_the_expected_ones():
    assert SVDW_CURVES == ["BN254", "toy-a0", "toy-b0", "toy-h4", "toy-plot", "toy61"]


@pytest.mark.parametrize("name", SVDW_CURVES)
def test_svdw_suite_parameters(name):
    prm = named_params(name)
    ro, nu = rfc9380.suite(f"{name}_XMD:SHA-256_SVDW_RO_"), rfc9380.suite(f"{name}_XMD:SHA-256_SVDW_NU_")
    assert rfc9380.default_suite(prm) is ro and rfc9380.default_suite(prm, random_oracle=False) is nu
    k = min(128, prm.n.bit_length() // 2)
    assert (ro.curve, ro.hash_name, ro.map, ro.k, ro.iso, ro.h_eff) == (name, "sha256", "SVDW", k, None, prm.h)
    assert ro.L == -(-((prm.p - 1).bit_length() + k) // 8)
    assert (ro.map_a, ro.map_b) == (prm.a, prm.b)
    assert dataclasses.replace(nu, id=ro.id, random_oracle=True) == ro


@pytest.mark.parametrize("name", SVDW_CURVES)
def test_svdw_z_is_the_rfc_choice(name):
    prm = named_params(name)
    p, Z = prm.p, rfc9380.suite(f"{name}_XMD:SHA-256_SVDW_RO_").Z
    assert _svdw_z_ok(p, prm.a, prm.b, Z)
    earlier = []  # the candidates find_z_svdw tries before Z: 1, -1, 2, -2, ...
    for c in range(1, p // 2 + 1):
        if Z in (c, p - c):
            earlier += [c] if Z == p - c else []
            break
        earlier += [c, p - c]
    assert not any(_svdw_z_ok(p, prm.a, prm.b, z) for z in earlier)


def test_svdw_z_values():
    z = {name: rfc9380.suite(f"{name}_XMD:SHA-256_SVDW_RO_").Z for name in SVDW_CURVES}
    signed = {name: v if v <= named_params(name).p // 2 else v - named_params(name).p for name, v in z.items()}
    assert signed == {"BN254": 1, "toy-a0": -1, "toy-b0": 6, "toy-h4": 4, "toy-plot": -1, "toy61": 1}


def test_bn254_svdw_constants_match_a_published_copy():
    """Z = 1 and c1..c4 as in kevincharm/bls-bn254, contracts/BLS.sol (an RFC 9380 SvdW map to BN254 G1)."""
    prm = named_params("BN254")
    s = rfc9380.suite("BN254_XMD:SHA-256_SVDW_RO_")
    assert s.Z == 1
    assert rfc9380.svdw_constants(s, prm) == (
        0x4,
        0x183227397098D014DC2822DB40C0AC2ECBC0B548B438E5469E10460B6C3E7EA3,
        0x16789AF3A83522EB353C98FC6B36D713D5D8D1CC5DFFFFFFA,
        0x10216F7BA065E00DE81AC1E7808072C9DD2B2385CD7B438469602EB24829A9BD,
    )


@pytest.mark.parametrize("name", SVDW_CURVES)
def test_svdw_constants_definition(name):
    prm = named_params(name)
    s = rfc9380.default_suite(prm)
    p, A, Z = prm.p, prm.a, s.Z
    c1, c2, c3, c4 = rfc9380.svdw_constants(s, prm)
    den = 3 * Z * Z + 4 * A
    assert c1 == (Z**3 + A * Z + prm.b) % p
    assert (2 * c2 + Z) % p == 0
    assert (c3 * c3 + c1 * den) % p == 0 and reference.sgn0(c3) == 0
    assert (c4 * den + 4 * c1) % p == 0


def _exceptional_x(p: int, Z: int) -> set[int]:
    """With tv3 = inv0(0) = 0 the map's candidates are x1 = x2 = -Z/2 and x3 = Z."""
    return {(-Z) * pow(2, -1, p) % p, Z}


@pytest.mark.parametrize("name", TOY_CURVES)
def test_svdw_map_every_u_of_a_toy_field(name):
    prm = named_params(name)
    s = rfc9380.default_suite(prm)
    C, p = prm, prm.p
    c1 = rfc9380.svdw_constants(s, prm)[0]
    for u in range(p):
        x, y = reference.map_to_curve_svdw(p, s.map_a, s.map_b, s.Z, u)
        assert reference.is_on_curve(C, (x, y)), u
        assert y == 0 or reference.sgn0(y) == reference.sgn0(u), u
        if (1 - c1 * u * u) * (1 + c1 * u * u) % p == 0:
            assert x in _exceptional_x(p, s.Z), u
        Q = reference.mul(C, prm.h, (x, y))
        assert reference.in_subgroup(C, Q), u


def test_toy_fields_have_both_kinds_of_exceptional_u():
    """The exhaustive test above covers 1 - g(Z) u^2 = 0 and 1 + g(Z) u^2 = 0: both occur."""
    found = {}
    for name in TOY_CURVES:
        prm = named_params(name)
        s = rfc9380.default_suite(prm)
        c1 = rfc9380.svdw_constants(s, prm)[0]
        found[name] = (
            [u for u in range(prm.p) if (1 - c1 * u * u) % prm.p == 0],
            [u for u in range(prm.p) if (1 + c1 * u * u) % prm.p == 0],
        )
    assert found == {
        "toy-a0": ([71, 170], [35, 206]),
        "toy-b0": ([54, 55], [38, 71]),
        "toy-h4": ([], [53, 78]),
        "toy-plot": ([1, 42], []),
    }


@pytest.mark.parametrize("name", ["BN254", "toy61"])
def test_svdw_map_big_fields(name):
    prm = named_params(name)
    s = rfc9380.default_suite(prm)
    C, p = prm, prm.p
    c1 = rfc9380.svdw_constants(s, prm)[0]
    us = [0, 1, 2, 3, p - 1, p - 2, (p - 1) // 2, (p + 1) // 2]
    us += [u for pair in rfc9380.field_elements(s, prm, [b"%d" % i for i in range(40)], b"ectraverse-svdw") for u in pair]
    exceptional = []
    for sign in (1, -1):  # u^2 = 1/c1 and u^2 = -1/c1, when they have roots
        r = reference.sqrt_mod(sign * pow(c1, -1, p), p)
        if r is not None:
            exceptional += [r, p - r]
    if name == "BN254":
        assert sorted(exceptional) == sorted([(p + 1) // 2, (p - 1) // 2])  # c1 = 4: u = +-1/2
    for u in us + exceptional:
        x, y = reference.map_to_curve_svdw(p, s.map_a, s.map_b, s.Z, u)
        assert reference.is_on_curve(C, (x, y)), u
        assert reference.sgn0(y) == reference.sgn0(u), u
    for u in exceptional:
        assert reference.map_to_curve_svdw(p, s.map_a, s.map_b, s.Z, u)[0] in _exceptional_x(p, s.Z)


@pytest.mark.parametrize("name", TOY_CURVES + ["toy61"])
@pytest.mark.parametrize("random_oracle", [True, False], ids=["RO", "NU"])
def test_svdw_suite_lands_in_the_subgroup(name, random_oracle):
    prm = named_params(name)
    s = rfc9380.default_suite(prm, random_oracle=random_oracle)
    C = prm
    msgs = [b"token %d" % i for i in range(60)]
    outputs = set()
    for us in rfc9380.field_elements(s, prm, msgs, b"ectraverse-test-" + s.id.encode()):
        assert len(us) == s.count and all(0 <= u < prm.p for u in us)
        P = reference.hash_to_curve_from_u(C, s, us)
        assert reference.in_subgroup(C, P)
        outputs.add(P)
    assert len(outputs) > min(20, prm.n // 3)  # not constant


def test_default_suite_for_custom_curves():
    toy = named_params("toy-h4")
    custom = dataclasses.replace(toy, name="my-curve", aliases=())
    s = rfc9380.default_suite(custom)
    assert s.id == "my-curve_XMD:SHA-256_SVDW_RO_" and s.curve == "my-curve"
    assert dataclasses.replace(s, id="x", curve="x") == dataclasses.replace(rfc9380.default_suite(toy), id="x", curve="x")
    assert rfc9380.field_elements(s, custom, [b"a"], b"DST") == rfc9380.field_elements(
        rfc9380.default_suite(toy), toy, [b"a"], b"DST"
    )
    # the curve equation, not the name, selects a standard suite
    p256_twin = dataclasses.replace(named_params("P-256"), name="my-p256", aliases=())
    assert rfc9380.default_suite(p256_twin).id == "P256_XMD:SHA-256_SSWU_RO_"


def test_a_custom_curve_named_like_a_named_one_hashes_with_its_own_suite():
    """Its default SvdW suite takes the named curve's suite id; the id is checked against the suite registered
    under it only on that suite's curve equation."""
    h4 = ect.curve("toy-h4")
    twin = ect.Curve("toy61", p=h4.p, a=h4.a, b=h4.b, gx=h4.generator.x, gy=h4.generator.y, n=h4.n, h=h4.h)
    s = rfc9380.default_suite(twin.params)
    assert s.id == rfc9380.suite("toy61_XMD:SHA-256_SVDW_RO_").id and s != rfc9380.suite(s.id)
    points = twin.hash_to_curve_batch([b"a", b"b", b"c"], DST)
    assert all(twin.decode(P.to_bytes()) == P for P in points)
    assert [P.to_bytes() for P in points] == [P.to_bytes() for P in h4.hash_to_curve_batch([b"a", b"b", b"c"], DST)]
    with pytest.raises(CurveMismatchError, match="it has the id of a registered suite but not its parameters"):
        ect.curve("toy61").hash_to_curve(b"a", DST, suite=s)  # on toy61 itself the id means toy61's suite


def test_suites_listing():
    ids = rfc9380.suites()
    assert ids[:10] == STANDARD_IDS
    assert ids[10:] == [f"{n}_XMD:SHA-256_SVDW_{e}_" for n in SVDW_CURVES for e in ("RO", "NU")]
    assert all(rfc9380.suite(i).id == i for i in ids)


def test_field_elements_batch_equals_hash_to_field():
    prm = named_params("P-384")
    s = rfc9380.suite("P384_XMD:SHA-384_SSWU_RO_")
    msgs = [b"", b"a", bytes(300)]
    batch = rfc9380.field_elements(s, prm, msgs, b"DST")
    assert batch == [rfc9380.hash_to_field(m, b"DST", 2, modulus=prm.p, L=72, hash_name="sha384") for m in msgs]
    assert rfc9380.field_elements(s, prm, [], b"DST") == []


# ---------------------------------------------------------------------------
# Error paths
# ---------------------------------------------------------------------------

DST = b"QUUX-V01-CS02-with-expander-SHA256-128"


def test_unknown_suite():
    with pytest.raises(UnknownSuiteError, match=r"Unknown hash-to-curve suite 'P256_XMD:SHA-256_SVDW_RO_'; expected one of: P256_XMD:SHA-256_SSWU_RO_, "):
        rfc9380.suite("P256_XMD:SHA-256_SVDW_RO_")
    assert issubclass(UnknownSuiteError, EctraverseError) and issubclass(UnknownSuiteError, ValueError)
    with pytest.raises(TypeError, match="suite id must be a str, not bytes"):
        rfc9380.suite(b"P256_XMD:SHA-256_SSWU_RO_")


def test_a_suite_of_the_other_kind_is_refused():
    """hash_to_curve takes only _RO_ suites, encode_to_curve only _NU_ ones: neither computes the other."""
    ro, nu = "P256_XMD:SHA-256_SSWU_RO_", "P256_XMD:SHA-256_SSWU_NU_"
    C = ect.curve("P-256")
    for call, sid in ((lambda s: ect.hash_to_curve(b"abc", DST, s), nu),
                      (lambda s: C.hash_to_curve(b"abc", DST, suite=s), nu),
                      (lambda s: C.hash_to_curve_batch([b"abc"], DST, suite=s), nu)):
        with pytest.raises(UnknownSuiteError, match=f"needs a random-oracle \\(_RO_\\) suite, not '{sid}'"):
            call(sid)
    for call, sid in ((lambda s: ect.encode_to_curve(b"abc", DST, s), ro),
                      (lambda s: C.encode_to_curve(b"abc", DST, suite=s), ro),
                      (lambda s: C.hash_to_curve_batch([b"abc"], DST, suite=s, random_oracle=False), ro)):
        with pytest.raises(UnknownSuiteError, match=f"needs a nonuniform \\(_NU_\\) suite, not '{sid}'"):
            call(sid)
    assert ect.hash_to_curve(b"abc", DST, ro) == C.hash_to_curve(b"abc", DST) != C.encode_to_curve(b"abc", DST)
    assert ect.encode_to_curve(b"abc", DST, nu) == C.encode_to_curve(b"abc", DST, suite=nu)


@pytest.mark.parametrize(
    "call, cls, match",
    [
        (lambda: rfc9380.expand_message_xmd("abc", DST, 32), TypeError, "msg must be bytes, not str"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST.decode(), 32), TypeError, "dst must be bytes, not str"),
        (lambda: rfc9380.expand_message_xmd(b"abc", b"", 32), ValueError, "dst must not be empty"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 8161), ValueError, "between 1 and 8160 .*not 8161"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 12241, "sha384"), ValueError, "between 1 and 12240"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 16321, "sha512"), ValueError, "between 1 and 16320"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 0), ValueError, "between 1 and 8160 .*not 0"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, True), TypeError, "length must be an int, not bool"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 32.0), TypeError, "length must be an int, not float"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 32, "md5"), ValueError, "hash_name must be one of"),
        (lambda: rfc9380.expand_message_xmd(b"abc", DST, 32, 256), TypeError, "hash_name must be a str"),
        (lambda: rfc9380.dst_prime("x"), TypeError, "dst must be bytes, not str"),
        (lambda: rfc9380.msg_prime(b"", DST, 70000), ValueError, "between 1 and 8160"),
        (lambda: rfc9380.hash_to_field("abc", DST, 2, modulus=43, L=2), TypeError, "msg must be bytes, not str"),
        (lambda: rfc9380.hash_to_field(b"abc", DST, 0, modulus=43, L=2), ValueError, "count must be at least 1, not 0"),
        (lambda: rfc9380.hash_to_field(b"abc", DST, 1, modulus=1, L=2), ValueError, "modulus must be at least 2"),
        (lambda: rfc9380.hash_to_field(b"abc", DST, 1, modulus=43, L=0), ValueError, "L must be at least 1"),
        (lambda: rfc9380.hash_to_field(b"abc", DST, 200, modulus=43, L=41), ValueError, r"count \* L = 200 \* 41 = 8200 bytes"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bytes_and_length_errors(call, cls, match):
    with pytest.raises(cls, match=match):
        call()


def test_field_elements_errors():
    prm = named_params("P-256")
    s = rfc9380.suite("P256_XMD:SHA-256_SSWU_RO_")
    with pytest.raises(TypeError, match="msgs must be a sequence of bytes, not bytes"):
        rfc9380.field_elements(s, prm, b"abc", DST)
    with pytest.raises(TypeError, match="msgs must be a sequence of bytes, not str"):
        rfc9380.field_elements(s, prm, "abc", DST)
    with pytest.raises(TypeError, match="msg must be bytes, not str"):
        rfc9380.field_elements(s, prm, [b"a", "b"], DST)
    with pytest.raises(TypeError, match="dst must be bytes, not str"):
        rfc9380.field_elements(s, prm, [b"a"], "DST")
    with pytest.raises(TypeError, match="params must be a CurveParams, not str"):
        rfc9380.field_elements(s, "P-256", [b"a"], DST)
    with pytest.raises(TypeError, match="suite must be a Suite, not str"):
        rfc9380.field_elements(s.id, prm, [b"a"], DST)
    with pytest.raises(CurveMismatchError, match="'P256_XMD:SHA-256_SSWU_RO_' does not fit the curve 'secp256k1'"):
        rfc9380.field_elements(s, named_params("secp256k1"), [b"a"], DST)
    bn = rfc9380.suite("BN254_XMD:SHA-256_SVDW_RO_")
    with pytest.raises(CurveMismatchError, match="'BN254_XMD:SHA-256_SVDW_RO_' does not fit the curve 'toy61'"):
        rfc9380.field_elements(bn, named_params("toy61"), [b"a"], DST)
    bad_z = dataclasses.replace(bn, id="my-BN254-suite", Z=0)
    with pytest.raises(CurveMismatchError, match=r"Z fails the SvdW criteria: -\(3 Z\^2 \+ 4 A\) / \(4 g\(Z\)\) = 0"):
        rfc9380.field_elements(bad_z, named_params("BN254"), [b"a"], DST)


def test_constants_and_default_suite_errors():
    p256, bn = named_params("P-256"), named_params("BN254")
    with pytest.raises(ValueError, match="svdw_constants needs an SvdW suite, not 'P256_XMD:SHA-256_SSWU_RO_'"):
        rfc9380.svdw_constants(rfc9380.suite("P256_XMD:SHA-256_SSWU_RO_"), p256)
    with pytest.raises(ValueError, match="sswu_constants needs an SSWU suite, not 'BN254_XMD:SHA-256_SVDW_RO_'"):
        rfc9380.sswu_constants(rfc9380.suite("BN254_XMD:SHA-256_SVDW_RO_"), bn)
    with pytest.raises(TypeError, match="params must be a CurveParams, not str"):
        rfc9380.default_suite("P-256")
    with pytest.raises(TypeError, match="random_oracle must be a bool, not int"):
        rfc9380.default_suite(p256, random_oracle=1)
    with pytest.raises(ValueError, match="map must be 'SSWU' or 'SVDW', not 'ELL2'"):
        dataclasses.replace(rfc9380.suite("P256_XMD:SHA-256_SSWU_RO_"), map="ELL2")


@pytest.mark.parametrize("sid", rfc9380.suites())
def test_a_registered_id_names_only_its_own_parameters(sid):
    """A suite under a registered id with any other parameter is refused before it maps anything (the
    curve keeps one map per suite, not per id, so the registered one stays right after a refusal)."""
    s = rfc9380.suite(sid)
    C = ect.curve(s.curve)
    for change in ({"Z": (s.Z + 1) % C.params.p}, {"hash_name": "sha512" if s.hash_name != "sha512" else "sha256"},
                   {"h_eff": s.h_eff * 3}, {"L": s.L + 1}):
        with pytest.raises(CurveMismatchError, match="it has the id of a registered suite but not its parameters"):
            C.hash_to_curve_batch([b"a"], DST, suite=dataclasses.replace(s, **change), random_oracle=s.random_oracle)
    want = C.hash_to_curve_batch([b"a", b"b"], DST, suite=sid, random_oracle=s.random_oracle)
    assert list(C.hash_to_curve_batch([b"a", b"b"], DST, suite=s, random_oracle=s.random_oracle)) == list(want)


@pytest.mark.parametrize("sid", rfc9380.suites())
def test_a_custom_suite_maps_into_the_subgroup_or_is_refused(sid):
    """A suite under a new id is checked against the curve: cofactor clearing by a multiple of h, and an
    isogeny that sends E' onto E (exactly, as polynomials); what passes gives points that decode."""
    s = rfc9380.suite(sid)
    C = ect.curve(s.curve)
    h = C.params.h
    h2c = C.hash_to_curve if s.random_oracle else C.encode_to_curve
    twin = dataclasses.replace(s, id="my-" + sid, h_eff=s.h_eff if s.h_eff % h == 0 else h)
    points = C.hash_to_curve_batch([b"a", b"b", b"c"], DST, suite=twin, random_oracle=s.random_oracle)
    assert all(C.decode(P.to_bytes()) == P for P in points)
    if twin.h_eff == s.h_eff:
        assert list(points) == list(C.hash_to_curve_batch([b"a", b"b", b"c"], DST, suite=s,
                                                          random_oracle=s.random_oracle))
    if h > 1:
        for h_eff in (1, h + 1):
            with pytest.raises(CurveMismatchError, match=f"its h_eff = {h_eff} is not a multiple of the cofactor h = {h}"):
                h2c(b"a", DST, suite=dataclasses.replace(twin, h_eff=h_eff))
    if s.iso is not None:
        for w in range(4):
            iso = [list(poly) for poly in s.iso]
            iso[w][0] = (iso[w][0] + 1) % C.params.p
            with pytest.raises(CurveMismatchError, match="its isogeny does not send the points of E'"):
                h2c(b"a", DST, suite=dataclasses.replace(twin, iso=tuple(map(tuple, iso))))
        zero = (s.iso[0], (0,), s.iso[2], s.iso[3])
        with pytest.raises(CurveMismatchError, match="its isogeny has a zero denominator"):
            h2c(b"a", DST, suite=dataclasses.replace(twin, iso=zero))
        with pytest.raises(CurveMismatchError, match="does not send the points of E'"):  # E' itself, not E
            h2c(b"a", DST, suite=dataclasses.replace(twin, map_b=s.map_b + 1))


@pytest.mark.parametrize(
    "change, cls, match",
    [
        ({"h_eff": 1.5}, TypeError, "h_eff must be an int, not float"),
        ({"Z": "5"}, TypeError, "Z must be an int, not str"),
        ({"L": True}, TypeError, "L must be an int, not bool"),
        ({"map_a": None}, TypeError, "map_a must be an int, not NoneType"),
        ({"id": b"x"}, TypeError, "id must be a str, not bytes"),
        ({"hash_name": 256}, TypeError, "hash_name must be a str, not int"),
        ({"random_oracle": 1}, TypeError, "random_oracle must be a bool, not int"),
        ({"iso": ((1,), (1,), (1,))}, ValueError, "iso must be None or four coefficient sequences"),
        ({"iso": "abcd"}, ValueError, "iso must be None or four coefficient sequences"),
        ({"iso": ((1,), (1,), (1,), (1.0,))}, TypeError, "an isogeny coefficient must be an int, not float"),
        ({"h_eff": 0}, ValueError, "L and h_eff must be at least 1"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_suite_fields_are_typed(change, cls, match):
    with pytest.raises(cls, match=match):
        dataclasses.replace(rfc9380.suite("secp256k1_XMD:SHA-256_SSWU_RO_"), **change)


def test_the_rfc_suites_under_their_users_own_ids_give_the_same_points():
    """BLS12-381's h_eff (1 - z) clears the cofactor without being a multiple of h: a copy under another
    id keeps it and gives the RFC's points."""
    for sid in ("BLS12381G1_XMD:SHA-256_SSWU_RO_", "secp256k1_XMD:SHA-256_SSWU_NU_"):
        s = rfc9380.suite(sid)
        C = ect.curve(s.curve)
        mine = dataclasses.replace(s, id="myapp-v1")
        want = C.hash_to_curve_batch([b"a", b"b"], DST, suite=s, random_oracle=s.random_oracle)
        got = C.hash_to_curve_batch([b"a", b"b"], DST, suite=mine, random_oracle=s.random_oracle)
        assert list(got) == list(want)


def test_a_degenerate_isogeny_is_refused():
    """A constant x map satisfies the curve equation's identity (every point lands on one 2-torsion point,
    cleared to the identity): an isogeny's x_num has degree one more than x_den, and y_num is not zero."""
    C = ect.curve("toy-h4")
    c = next(x for x in range(C.p) if (x**3 + C.a * x + C.b) % C.p == 0)  # the x of the 2-torsion point
    base = rfc9380.default_suite(C.params)
    p = C.p
    Z = next(z for z in range(2, p) if not reference.is_square(z, p))
    for iso in (((c,), (1,), (0,), (1,)), ((c, 0), (1,), (0,), (1,)), ((0, 1), (1,), (0,), (1,))):
        bad = dataclasses.replace(base, id="degenerate", map="SSWU", Z=Z, map_a=1, map_b=1, iso=iso)
        with pytest.raises(CurveMismatchError, match="x_num must have degree one more than x_den, and y_num must "
                                                     "not be zero|does not send the points"):
            C.hash_to_curve(b"a", DST, suite=bad)


def test_suites_round_trip_through_their_fields():
    s = rfc9380.suite("BLS12381G1_XMD:SHA-256_SSWU_RO_")
    assert rfc9380.Suite(**dataclasses.asdict(s)) == s and rfc9380.Suite(*dataclasses.astuple(s)) == s
    assert [f.name for f in dataclasses.fields(s)][-1] == "h_eff"  # the cached hash is no field
    old = object.__new__(rfc9380.Suite)  # as an earlier version's pickle restores one: fields, no hash
    for f in dataclasses.fields(s):
        object.__setattr__(old, f.name, getattr(s, f.name))
    assert hash(old) == hash(s) and old == s
    assert dataclasses.replace(s, random_oracle=np.bool_(True)).random_oracle is True


def test_suite_fields_are_normalised():
    """NumPy ints become ints and an isogeny's lists tuples, so a suite is hashable and compares by value."""
    s = rfc9380.suite("secp256k1_XMD:SHA-256_SSWU_RO_")
    t = dataclasses.replace(s, iso=[list(poly) for poly in s.iso], L=np.int32(s.L), k=np.int64(s.k))
    assert t == s and hash(t) == hash(s) and type(t.L) is int and isinstance(t.iso[0], tuple)


def test_a_suite_pickles_without_its_processes_hash():
    """The hash is cached (curves look their maps up by suite), and str hashes differ between processes:
    a pickle rebuilds the suite, and its hash, where it is loaded."""
    s = rfc9380.suite("BLS12381G1_XMD:SHA-256_SSWU_RO_")
    blob = pickle.dumps(s)
    assert pickle.loads(blob) == s and hash(pickle.loads(blob)) == hash(s)
    code = ("import pickle, sys; s = pickle.loads(sys.stdin.buffer.read()); "
            "from ectraverse import rfc9380; t = rfc9380.suite(s.id); print(s == t, hash(s) == hash(t))")
    for seed in ("1", "2"):
        r = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, cwd=child.SCRATCH,
                           env={**child.env(), "PYTHONHASHSEED": seed}, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == [b"True", b"True"]


def test_reference_map_errors():
    with pytest.raises(ValueError, match="the SSWU map needs A != 0 and B != 0"):
        reference.map_to_curve_sswu(43, 0, 3, 34, 5)
    with pytest.raises(ArithmeticError, match="SvdW with Z = 1"):
        reference.map_to_curve_svdw(43, 1, 3, 1, 5)  # Z = 1 fails criterion 3 on toy-plot
    with pytest.raises(ValueError, match="1 or 2 field elements, not 3"):
        reference.hash_to_curve_from_u(named_params("toy-plot"), rfc9380.suite("toy-plot_XMD:SHA-256_SVDW_RO_"), [1, 2, 3])


def test_find_z_svdw_errors():
    with pytest.raises(ValueError, match="p must be an odd prime greater than 3, not 2"):
        rfc9380.find_z_svdw(2, 1, 1)
    # y^2 = x^3 + x + 2 over GF(5): every candidate fails a criterion
    with pytest.raises(ValueError, match=r"no Z in GF\(5\) meets the SvdW criteria for A = 1, B = 2"):
        rfc9380.find_z_svdw(5, 1, 2)
    with pytest.raises(TypeError, match="p must be an int, not float"):
        rfc9380.find_z_svdw(43.0, 1, 3)
