"""The compiled RFC 9380 maps equal the reference maps and the RFC's own vectors.

* every suite (the ten standard ones and the SvdW suites of BN254 and the toy
  curves): compiled map_to_curve(u) == reference.map_to_curve(u) for seeded
  random u and the edge values 0, 1, p - 1;
* toy curves: every u in the field (exhaustive);
* every RFC 9380 vector through the compiled path: Q0/Q1 (or Q) from the
  vector's u, and P from the message (so hash_to_field, the maps, the isogeny
  and cofactor clearing -- never through GLV, see BLS12-381 -- agree);
* batch == single, and hash_to_curve / encode_to_curve differ.
"""

from __future__ import annotations

import random

import pytest
from vectors import VECTORS_DIR, load_json

import ectraverse as ect
from ectraverse import reference, rfc9380

# the standard suites (test_rfc9380.py pins the registry's list; here it is used as data)
SUITE_FILES = [sid for sid in rfc9380.suites() if rfc9380.suite(sid).map == "SSWU"]
TOYS = ["toy-a0", "toy-b0", "toy-h4", "toy-plot"]


def _compiled_map(C: ect.Curve, s: rfc9380.Suite, us: list[int]) -> list:
    raws = C._map(s).map(us)
    return [C._core.affine(raw.tobytes()) for raw in raws]


@pytest.mark.parametrize("suite_id", rfc9380.suites())
def test_compiled_map_matches_reference(suite_id):
    s = rfc9380.suite(suite_id)
    C = ect.curve(s.curve)
    rng = random.Random(suite_id)
    us = [0, 1, C.p - 1] + [rng.randrange(C.p) for _ in range(25)]
    RC = C.params
    assert _compiled_map(C, s, us) == [reference.map_to_curve(RC, s, u) for u in us]


#: The u that BLS12-381 G1's SSWU sends to the kernel of its 11-isogeny (x_den(x) = 0 there): x_den has
#: two roots that SSWU reaches, and each is reached by 4 u through x1 = (-B/A)(1 + 1/(Z^2 u^4 + Z u^2))
#: (g(x1) a square) and by 4 more through x2 = Z u^2 x1.  RFC 9380 section 6.6.3: the isogeny sends
#: them to the identity.  A random u reaches one with probability 16/p.
BLS12_381_KERNEL_U = [
    # through x1
    0xA2605E5991FCF3E63728A7A1468D79BACAA5F23F3816AADCD38EFDD330C6D4F5BBF450F92156E0E23E16E3252BCD042,
    0xFDB0C04A060175BE7A91D3C2EE2D53BB7CCEC610003A81199F7E2C3C3A488D4C2ECBAEF1F3E91F1961D91CDAD42DA69,
    0x68951D10BE6961019AA800A51CF48B707FC9E40700510406BE9242D0C8DD866AFDEC0D66F9DC2CF1DC944702EC161BB,
    0x1377C0192D99508A317127ABF17C64205C7AAD448380027EFB47AE73EA231DBD6ECD3F2841B63D309C35BB8FD13E48F0,
    0xB3F3F9519FF3AB349E4FFC214F99998A697B02358FCFE44830E29129F58D6F9154A23FD14DFA660A75D4AAEC9B607C3,
    0xEC1D2551F80ABE70136A7F42E52133EBDDF9B619A88147AE422A98E57581F2B0961DC019C74599F12A1B5513649A2E8,
    0x598C1367BBD9D3B73DFEFB263A117BCDBCB4C7A282897D4A20589AD2EA80DA73B23A465E2C291E7EF0FDE593438F513,
    0x146850B3BDC2495ED73BB803DFAA951A88ABFF0ACB5C7AEAC52B48F3C808E87CE3885B98CE916E17CAEF21A6CBC6B598,
    # through x2
    0x854A3CB180882D5B1EFC1C3CC5B3FB33B27CB739F1389986CA46E1C5CB5010D8A06FD781C63074868F316D95B8F8405,
    0x998E1E079710A43D477D37AB7F0C430D601A85B9E8E6DBC808410DFD7DC5A5976E3BC7792CB83163665DF3D00F0377C,
    0xA3BF00221E169B850C5268C3D1EDD576732060760BC0C00ED0311DEE8588B18130822D3027F8D142802D784EA194FCA,
    0xA92437E90BC473049AB549B4C4A145FEB4FB5CD39F7EE85C11FA62A8F5317220B398BE420CA5D8364D460F6EE1EFD29,
    0xF6ECE6BA8C39F6A0170531AF7019877792795B7B98D2439A6112C76675DDF021372741A9089A27C552A9F0911E0AD82,
    0xFC521E8179E7CE1FA56812A062CCF7FFD45457D92C906BE7A2DC0C20E586B0C0BA3DD2BAED472EB91FC287B15E65AE1,
    0x10683009C00EDC5676A3D43B8B5AE8A68E75A32954F6A502E6ACC1C11ED49BCAA7C843871E887CE9839920C2FF0F732F,
    0x11AC6E1F217763C4992BE5F276F06D24294F801154718926FA8C648499FBF51694A5028694F0F8B7510BE926A47026A6,
]


@pytest.mark.parametrize("suite_id", [sid for sid in rfc9380.suites() if sid.startswith("BLS12381G1_")])
def test_the_isogeny_sends_its_kernel_to_the_identity(suite_id):
    """A u whose SSWU point lies in the isogeny's kernel maps to the identity, as the reference says
    (a compiled map that divided by the zero denominator gave (0, 0), a point off the curve)."""
    s = rfc9380.suite(suite_id)
    C = ect.curve(s.curve)
    p, A, B, Z = C.p, s.map_a, s.map_b, s.Z
    us = BLS12_381_KERNEL_U
    assert sorted(p - u for u in us) == sorted(us)
    branches = []
    for u in us:  # each is a kernel u: SSWU's x (x1, or x2 where g(x1) is not a square) is a root of x_den
        tv = (Z * Z * pow(u, 4, p) + Z * u * u) % p
        x1 = -B * pow(A, -1, p) * (1 + pow(tv, -1, p)) % p
        square = reference.sqrt_mod((x1**3 + A * x1 + B) % p, p) is not None
        x = x1 if square else Z * u * u * x1 % p
        branches.append(square)
        assert sum(c * pow(x, i, p) for i, c in enumerate(s.iso[1])) % p == 0
    assert branches.count(True) == branches.count(False) == 8
    assert [reference.map_to_curve(C.params, s, u) for u in us] == [None] * len(us)
    assert _compiled_map(C, s, us) == [None] * len(us)


@pytest.mark.parametrize("name", TOYS)
@pytest.mark.parametrize("random_oracle", [True, False])
def test_compiled_map_exhaustive_on_toy_curves(name, random_oracle):
    C = ect.curve(name)
    s = rfc9380.default_suite(C.params, random_oracle=random_oracle)
    assert s.map == "SVDW"
    us = list(range(C.p))
    RC = C.params
    got = _compiled_map(C, s, us)
    assert got == [reference.map_to_curve(RC, s, u) for u in us]
    assert all(reference.is_on_curve(RC, P) for P in got)


def _vector_cases():
    if VECTORS_DIR is None:
        return []
    cases = []
    for name in SUITE_FILES:
        data = load_json(f"rfc9380/{name}.json")
        for i, v in enumerate(data["vectors"]):
            cases.append(pytest.param(name, i, id=f"{name}-{i}"))
    return cases


@pytest.mark.skipif(VECTORS_DIR is None, reason="RFC 9380 vectors not found")
@pytest.mark.parametrize(("suite_id", "index"), _vector_cases())
def test_rfc9380_vector_through_the_compiled_path(suite_id, index):
    data = load_json(f"rfc9380/{suite_id}.json")
    v = data["vectors"][index]
    s = rfc9380.suite(suite_id)
    C = ect.curve(s.curve)
    dst = data["dst"].encode()
    us = [int(u, 16) for u in v["u"]]
    assert rfc9380.field_elements(s, C.params, [v["msg"].encode()], dst) == [us]
    expected_q = [v["Q0"], v["Q1"]] if data["randomOracle"] else [v["Q"]]
    got_q = _compiled_map(C, s, us)
    assert got_q == [(int(q["x"], 16), int(q["y"], 16)) for q in expected_q]
    op = C.hash_to_curve if data["randomOracle"] else C.encode_to_curve
    P = op(v["msg"].encode(), dst, suite=s)
    assert (P.x, P.y) == (int(v["P"]["x"], 16), int(v["P"]["y"], 16))
    batch = C.hash_to_curve_batch([v["msg"].encode()], dst, suite=s, random_oracle=s.random_oracle)
    assert batch[0] == P


@pytest.mark.parametrize("name", ["secp256k1", "P-256", "BN254", "BLS12-381", "toy61", "toy-b0"])
def test_batch_equals_single_and_lands_in_the_subgroup(name):
    C = ect.curve(name)
    msgs = [f"token {i}".encode() for i in range(20)] + [b""]
    A = C.hash_to_curve_batch(msgs, b"ectraverse-test")
    for i, m in enumerate(msgs):
        P = C.hash_to_curve(m, b"ectraverse-test")
        assert A[i] == P
        assert (C.n * P).is_identity
    nu = C.hash_to_curve_batch(msgs, b"ectraverse-test", random_oracle=False)
    assert nu[0] == C.encode_to_curve(msgs[0], b"ectraverse-test")
    if C.n > 2**32:  # on tiny curves collisions are expected
        assert len(set(A)) == len(msgs)
        assert nu[0] != A[0]


def test_suite_for_another_curve_is_rejected():
    with pytest.raises(ect.CurveMismatchError, match="is for curve 'P-256', not 'secp256k1'"):
        ect.curve("secp256k1").hash_to_curve(b"m", b"dst", suite="P256_XMD:SHA-256_SSWU_RO_")


def test_module_level_functions_follow_the_suite_id():
    dst = b"QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_"
    assert ect.hash_to_curve(b"abc", dst, "P256_XMD:SHA-256_SSWU_RO_") == ect.curve("P-256").hash_to_curve(b"abc", dst)
    with pytest.raises(ect.UnknownSuiteError):
        ect.hash_to_curve(b"abc", dst, "P256_XMD:SHA-256_NOPE_RO_")
