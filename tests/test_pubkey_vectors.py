"""Fixed public-key test vectors: Project Wycheproof, RFC 7520 section 4, RFC 8037.

Wycheproof (C2SP/wycheproof, testvectors_v1; Apache License 2.0, see
tests/vectors/wycheproof/LICENSE and README): for each file, each test group's public
key is loaded from every form the file carries (publicKeyPem, publicKeyJwk / keyJwk
through the algorithm class's from_jwk, and publicKeyDer, a pyjwt_fast extension),
and every test's (msg, sig) goes through ``pyjwt_fast.algorithms.<Class>(...).verify``.
The verdict must be True exactly for "valid" and False for "invalid"; "acceptable"
may go either way and is recorded (pytest ``record_property`` and the test output).
PyJWT runs the same vectors as the oracle: its verdicts satisfy the same rule, and
pyjwt_fast's outcome (value or exception) equals PyJWT's on valid and invalid tests.
A JWS signing input cannot be built around an arbitrary Wycheproof msg, so these go
through the algorithm layer, not the token layer.

RFC 7520 (section 4.1 RS256, 4.2 PS384, 4.3 ES512, keys from section 3.1-3.4) and
RFC 8037 (appendix A.1-A.5, Ed25519). The RFC text is not on this machine: the
values below were taken from published copies of these examples in other projects'
test suites (jose4j's JoseCookbookTest for RFC 7520; several JOSE libraries for
RFC 8037 A.4, all agreeing), and each is self-checking against PyJWT: the RS256 and
Ed25519 signatures are deterministic and PyJWT must reproduce them byte for byte
from the RFC's private keys; the PS384 and ES512 signatures are randomized and are
checked by verification only (a signature that verifies under the RFC's public key
cannot have been mistyped). If PyJWT does not reproduce a value the oracle
assertion fails, which would mean the vector, not pyjwt_fast, is wrong.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import jwt as pyjwt
import jwt.algorithms as o_algs
import jwt.api_jws
import pytest

import pyjwt_fast
import pyjwt_fast.algorithms as f_algs
import pyjwt_fast.api_jws
import pyjwt_fast.exceptions
from conftest import Outcome, assert_same_outcome, outcome

HERE = os.path.dirname(os.path.abspath(__file__))
WYCHEPROOF_DIR = os.path.join(HERE, "vectors", "wycheproof")
STANDIN = bool(getattr(pyjwt_fast, "__standin__", False))


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64u_dec(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


# ==========================================================================
# Wycheproof
# ==========================================================================

# file -> (algorithm names it exercises, algorithm class name)
WYCHEPROOF_FILES: dict[str, tuple[list[str], str]] = {
    "ecdsa_secp256k1_sha256_p1363_test.json": (["ES256K"], "ECAlgorithm"),
    "ecdsa_secp256r1_sha256_p1363_test.json": (["ES256"], "ECAlgorithm"),
    "ecdsa_secp384r1_sha384_p1363_test.json": (["ES384"], "ECAlgorithm"),
    "ecdsa_secp521r1_sha512_p1363_test.json": (["ES512", "ES521"], "ECAlgorithm"),
    "ed25519_test.json": (["EdDSA"], "OKPAlgorithm"),
    "ed448_test.json": (["EdDSA"], "OKPAlgorithm"),
    "rsa_pss_2048_sha256_mgf1_32_test.json": (["PS256"], "RSAPSSAlgorithm"),
    "rsa_pss_2048_sha384_mgf1_48_test.json": (["PS384"], "RSAPSSAlgorithm"),
    "rsa_pss_4096_sha512_mgf1_64_test.json": (["PS512"], "RSAPSSAlgorithm"),
    "rsa_signature_2048_sha256_test.json": (["RS256"], "RSAAlgorithm"),
    "rsa_signature_3072_sha384_test.json": (["RS384"], "RSAAlgorithm"),
    "rsa_signature_4096_sha512_test.json": (["RS512"], "RSAAlgorithm"),
}
KEY_FORMS = ["pem", "jwk", "der"]

_loaded: dict[str, dict] = {}


def load_vectors(name: str) -> dict:
    if name not in _loaded:
        with open(os.path.join(WYCHEPROOF_DIR, name), encoding="utf-8") as fh:
            _loaded[name] = json.load(fh)
    return _loaded[name]


_JWK_CURVES = {"secp256r1": ("P-256", 32), "secp256k1": ("secp256k1", 32), "secp384r1": ("P-384", 48),
               "secp521r1": ("P-521", 66)}


def _group_jwk(group: dict) -> dict:
    """The group's JWK. A few ECDSA groups (davidben's r/s edge cases) carry no JWK:
    theirs is built from the group's own publicKey.wx / wy / curve."""
    if "publicKeyJwk" in group:
        return group["publicKeyJwk"]
    if "keyJwk" in group:
        return group["keyJwk"]
    pk = group["publicKey"]
    crv, size = _JWK_CURVES[pk["curve"]]
    return {
        "kty": "EC",
        "crv": crv,
        "x": b64u(int(pk["wx"], 16).to_bytes(size, "big")),
        "y": b64u(int(pk["wy"], 16).to_bytes(size, "big")),
    }


def _prepare(lib_algs: Any, alg_name: str, cls_name: str, group: dict, form: str) -> Outcome:
    """The group's key as `form`, through the library's prepare_key (and from_jwk)."""
    alg = lib_algs.get_default_algorithms()[alg_name]
    if form == "pem":
        return outcome(alg.prepare_key, group["publicKeyPem"])
    if form == "der":
        return outcome(alg.prepare_key, bytes.fromhex(group["publicKeyDer"]))
    cls = getattr(lib_algs, cls_name)
    return outcome(lambda: alg.prepare_key(cls.from_jwk(dict(_group_jwk(group)))))


def _pem_oracle_form(form: str) -> str:
    """PyJWT has no DER keys: its oracle for the DER form is the same key as PEM."""
    return "pem" if form == "der" else form


def test_wycheproof_files_present_and_counted() -> None:
    for name in WYCHEPROOF_FILES:
        data = load_vectors(name)
        n = sum(len(g["tests"]) for g in data["testGroups"])
        assert n == data["numberOfTests"], name
        assert data["schema"] in (
            "ecdsa_p1363_verify_schema_v1.json",
            "eddsa_verify_schema_v1.json",
            "rsassa_pss_verify_schema_v1.json",
            "rsassa_pkcs1_verify_schema_v1.json",
        ), name


def _params() -> list[Any]:
    out = []
    for name, (algs, _cls) in WYCHEPROOF_FILES.items():
        for alg in algs:
            for form in KEY_FORMS:
                marks = []
                if form == "der" and (STANDIN or f_algs.has_crypto):
                    # DER key bytes are taken only without cryptography
                    # (docs/compat.md); tests/test_nocrypto.py covers that mode.
                    marks.append(pytest.mark.skip(reason="DER keys are taken only without cryptography"))
                out.append(pytest.param(name, alg, form, id=f"{name.replace('_test.json', '')}-{alg}-{form}",
                                        marks=marks))
    return out


@pytest.mark.parametrize("name,alg_name,form", _params())
def test_wycheproof_verify(name: str, alg_name: str, form: str, record_property: Any) -> None:
    data = load_vectors(name)
    cls_name = WYCHEPROOF_FILES[name][1]
    o_alg = o_algs.get_default_algorithms()[alg_name]
    f_alg = f_algs.get_default_algorithms()[alg_name]
    failures: list[str] = []
    acceptable: list[str] = []
    counts = {"valid": 0, "invalid": 0, "acceptable": 0}
    for gi, group in enumerate(data["testGroups"]):
        o_key = _prepare(o_algs, alg_name, cls_name, group, _pem_oracle_form(form))
        f_key = _prepare(f_algs, alg_name, cls_name, group, form)
        ctx = f"{name} group {gi} key form {form}"
        # every group key loads with PyJWT from PEM and JWK (oracle sanity), and
        # pyjwt_fast loads it the same way
        assert o_key.ok, (ctx, o_key)
        assert f_key.ok, (ctx, f_key)
        assert type(f_key.value) is type(o_key.value), ctx
        for t in group["tests"]:
            msg, sig, result = bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]), t["result"]
            counts[result] += 1
            what = f"{ctx} tcId {t['tcId']} ({t['comment']!r}, flags {t['flags']}, result {result})"
            exp = outcome(o_alg.verify, msg, o_key.value, sig)
            act = outcome(f_alg.verify, msg, f_key.value, sig)
            if result == "acceptable":
                acceptable.append(f"tcId {t['tcId']} {t['flags']}: PyJWT {exp.result!r}, pyjwt_fast {act.result!r}")
                if not (act.ok and isinstance(act.value, bool)):
                    failures.append(f"{what}: verify did not return a bool: {act!r}")
                continue
            want = result == "valid"
            if not (exp.ok and exp.value is want):
                failures.append(f"ORACLE {what}: PyJWT gave {exp!r}, expected {want}")
            if not (act.ok and act.value is want):
                failures.append(f"{what}: pyjwt_fast gave {act!r}, expected {want}")
            elif exp.result != act.result:
                failures.append(f"{what}: PyJWT {exp!r} vs pyjwt_fast {act!r}")
    record_property("wycheproof_counts", json.dumps(counts))
    record_property("wycheproof_acceptable", json.dumps(acceptable))
    if acceptable:
        print(f"{name} {alg_name} {form}: acceptable vectors: " + "; ".join(acceptable))
    assert not failures, f"{len(failures)} vector(s) failed:\n" + "\n".join(failures[:30])


@pytest.mark.parametrize("name", list(WYCHEPROOF_FILES))
def test_wycheproof_key_forms_agree(name: str) -> None:
    """PEM, JWK (and DER) of a group describe one key: pyjwt_fast prepares the same
    key material from each, equal to PyJWT's."""
    from cryptography.hazmat.primitives import serialization

    data = load_vectors(name)
    alg_name, cls_name = WYCHEPROOF_FILES[name][0][0], WYCHEPROOF_FILES[name][1]
    forms = ["pem", "jwk"] + ([] if STANDIN or f_algs.has_crypto else ["der"])
    for group in data["testGroups"]:
        spki = bytes.fromhex(group["publicKeyDer"])
        o_pem = _prepare(o_algs, alg_name, cls_name, group, "pem").value
        assert o_pem.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo) == spki
        for form in forms:
            key = _prepare(f_algs, alg_name, cls_name, group, form).value
            assert key.public_bytes(serialization.Encoding.DER,
                                    serialization.PublicFormat.SubjectPublicKeyInfo) == spki, form


def test_wycheproof_signatures_through_the_token_layer() -> None:
    """A sample through PyJWS.decode: a valid Wycheproof signature does not verify
    over a JWS signing input (different message) and an invalid one neither; the
    signature bytes are carried as base64url, refused with InvalidSignatureError
    exactly as PyJWT refuses them."""
    samples = 0
    for name, (algs, _cls) in WYCHEPROOF_FILES.items():
        data = load_vectors(name)
        group = data["testGroups"][0]
        pem = group["publicKeyPem"]
        for t in group["tests"][:8]:
            token = f"{b64u(json.dumps({'alg': algs[0]}).encode())}.{b64u(bytes.fromhex(t['msg']))}.{b64u(bytes.fromhex(t['sig']))}"
            exp = outcome(jwt.api_jws.PyJWS().decode, token, pem, algorithms=[algs[0]])
            act = outcome(pyjwt_fast.api_jws.PyJWS().decode, token, pem, algorithms=[algs[0]])
            assert_same_outcome(exp, act, f"{name} tcId {t['tcId']} as a token")
            assert not act.ok
            samples += 1
    assert samples >= 12 * 8 - 20


# ==========================================================================
# RFC 7520 section 4 (keys: section 3)
# ==========================================================================

# The payload of all RFC 7520 section 4 examples (Figure 7), base64url.
RFC7520_PAYLOAD_B64 = (
    "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9h"
    "ZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0"
    "IG9mZiB0by4"
)
RFC7520_PAYLOAD = (
    "It\u2019s a dangerous business, Frodo, going out your door. You step onto the road, and if you don't keep "
    "your feet, there\u2019s no knowing where you might be swept off to."
).encode("utf-8")
RFC7520_KID = "bilbo.baggins@hobbiton.example"

# Figure 3/4: RSA key (section 3.3 public, 3.4 private)
RFC7520_RSA_JWK = {
    "kty": "RSA",
    "kid": RFC7520_KID,
    "use": "sig",
    "n": "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqV"
    "wGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde"
    "3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5g"
    "HdrNP5zw",
    "e": "AQAB",
    "d": "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRld"
    "Y7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU"
    "6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOc"
    "OpBrQzwQ",
    "p": "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmG"
    "peNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
    "q": "uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7an"
    "V5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc",
    "dp": "B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn"
    "-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX59ehik",
    "dq": "CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pErAMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJK"
    "bi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdKT1cYF8",
    "qi": "3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-NZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDh"
    "jJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpPz8aaI4",
}
RFC7520_RSA_PUBLIC_JWK = {k: RFC7520_RSA_JWK[k] for k in ("kty", "kid", "use", "n", "e")}

# Figure 1/2: EC P-521 key (section 3.1 public, 3.2 private)
RFC7520_EC_JWK = {
    "kty": "EC",
    "kid": RFC7520_KID,
    "use": "sig",
    "crv": "P-521",
    "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
    "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
    "d": "AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt",
}
RFC7520_EC_PUBLIC_JWK = {k: v for k, v in RFC7520_EC_JWK.items() if k != "d"}

# section 4.1.3 (RS256), 4.2.3 (PS384), 4.3.3 (ES512): compact serializations
RFC7520_RS256 = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    + RFC7520_PAYLOAD_B64
    + ".MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDk"
    "oBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0"
    "ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5"
    "y18kDquDg"
)
RFC7520_PS384 = (
    "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    + RFC7520_PAYLOAD_B64
    + ".cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcb"
    "UrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUj"
    "vAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw"
)
RFC7520_ES512 = (
    "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    + RFC7520_PAYLOAD_B64
    + ".AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxX"
    "Pn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2"
)


def test_rfc7520_payload_and_headers() -> None:
    assert b64u_dec(RFC7520_PAYLOAD_B64) == RFC7520_PAYLOAD
    for tok, alg in ((RFC7520_RS256, "RS256"), (RFC7520_PS384, "PS384"), (RFC7520_ES512, "ES512")):
        assert json.loads(b64u_dec(tok.split(".")[0])) == {"alg": alg, "kid": RFC7520_KID}
        assert pyjwt_fast.get_unverified_header(tok) == pyjwt.get_unverified_header(tok)


def _rsa_keys(lib_algs: Any) -> tuple[Any, Any]:
    return (lib_algs.RSAAlgorithm.from_jwk(dict(RFC7520_RSA_JWK)),
            lib_algs.RSAAlgorithm.from_jwk(dict(RFC7520_RSA_PUBLIC_JWK)))


def _pem(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    if hasattr(key, "private_bytes"):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize("key_as", ["jwk-object", "pem", "pyjwk"])
def test_rfc7520_4_1_rs256_reproduced(key_as: str) -> None:
    headers = {"kid": RFC7520_KID, "typ": None}
    o_priv, o_pub = _rsa_keys(o_algs)
    # oracle: PyJWT reproduces the RFC's token from the RFC's key (checks the vector)
    assert jwt.api_jws.PyJWS().encode(RFC7520_PAYLOAD, o_priv, algorithm="RS256", headers=headers) == RFC7520_RS256
    f_priv, f_pub = _rsa_keys(f_algs)
    if key_as == "pem":
        f_priv, f_pub = _pem(f_priv), _pem(f_pub)
    elif key_as == "pyjwk":
        f_priv = pyjwt_fast.PyJWK(dict(RFC7520_RSA_JWK), "RS256")
        f_pub = pyjwt_fast.PyJWK(dict(RFC7520_RSA_PUBLIC_JWK), "RS256")
    assert pyjwt_fast.api_jws.PyJWS().encode(RFC7520_PAYLOAD, f_priv, algorithm="RS256",
                                             headers=headers) == RFC7520_RS256
    assert pyjwt_fast.api_jws.encode(RFC7520_PAYLOAD, f_priv, algorithm="RS256", headers=headers) == RFC7520_RS256
    res = pyjwt_fast.api_jws.decode_complete(RFC7520_RS256, f_pub, algorithms=["RS256"])
    assert res == jwt.api_jws.decode_complete(RFC7520_RS256, o_pub, algorithms=["RS256"])
    assert res["payload"] == RFC7520_PAYLOAD
    assert res["header"] == {"alg": "RS256", "kid": RFC7520_KID}
    # the algorithm layer: signature bytes equal the RFC's
    sig = b64u_dec(RFC7520_RS256.split(".")[2])
    alg = f_algs.get_default_algorithms()["RS256"]
    signing_input = RFC7520_RS256.rsplit(".", 1)[0].encode()
    assert alg.sign(signing_input, alg.prepare_key(_pem(_rsa_keys(f_algs)[0]))) == sig


@pytest.mark.parametrize("key_as", ["jwk-object", "pem", "private-pem"])
def test_rfc7520_4_2_ps384_verified(key_as: str) -> None:
    o_priv, o_pub = _rsa_keys(o_algs)
    # oracle: PyJWT verifies the RFC's PS384 signature with the RFC's key
    assert jwt.api_jws.decode(RFC7520_PS384, o_pub, algorithms=["PS384"]) == RFC7520_PAYLOAD
    f_priv, f_pub = _rsa_keys(f_algs)
    key: Any = {"jwk-object": f_pub, "pem": _pem(f_pub), "private-pem": _pem(f_priv)}[key_as]
    exp = outcome(jwt.api_jws.decode, RFC7520_PS384, {"jwk-object": o_pub, "pem": _pem(o_pub),
                                                      "private-pem": _pem(o_priv)}[key_as], algorithms=["PS384"])
    act = outcome(pyjwt_fast.api_jws.decode, RFC7520_PS384, key, algorithms=["PS384"])
    assert_same_outcome(exp, act, f"RFC 7520 4.2 with {key_as}")
    # tampered: refused
    bad = RFC7520_PS384[:-2] + ("A" if RFC7520_PS384[-2] != "A" else "B") + RFC7520_PS384[-1]
    with pytest.raises(pyjwt_fast.exceptions.InvalidSignatureError):
        pyjwt_fast.api_jws.decode(bad, _pem(f_pub), algorithms=["PS384"])
    # PS384 is randomized: a fresh pyjwt_fast signature verifies with PyJWT
    tok = pyjwt_fast.api_jws.encode(RFC7520_PAYLOAD, _pem(f_priv), algorithm="PS384",
                                    headers={"kid": RFC7520_KID, "typ": None})
    assert tok.split(".")[:2] == RFC7520_PS384.split(".")[:2]
    assert jwt.api_jws.decode(tok, o_pub, algorithms=["PS384"]) == RFC7520_PAYLOAD


@pytest.mark.parametrize("alg", ["ES512", "ES521"])
@pytest.mark.parametrize("key_as", ["jwk-object", "pem", "private-pem", "private-object"])
def test_rfc7520_4_3_es512_verified(key_as: str, alg: str) -> None:
    o_priv = o_algs.ECAlgorithm.from_jwk(dict(RFC7520_EC_JWK))
    o_pub = o_algs.ECAlgorithm.from_jwk(dict(RFC7520_EC_PUBLIC_JWK))
    assert jwt.api_jws.decode(RFC7520_ES512, o_pub, algorithms=["ES512"]) == RFC7520_PAYLOAD
    f_priv = f_algs.ECAlgorithm.from_jwk(dict(RFC7520_EC_JWK))
    f_pub = f_algs.ECAlgorithm.from_jwk(dict(RFC7520_EC_PUBLIC_JWK))
    o_key = {"jwk-object": o_pub, "pem": _pem(o_pub), "private-pem": _pem(o_priv), "private-object": o_priv}[key_as]
    f_key = {"jwk-object": f_pub, "pem": _pem(f_pub), "private-pem": _pem(f_priv), "private-object": f_priv}[key_as]
    # the token says ES512; allowing only ES521 is InvalidAlgorithmError, both allowed verifies
    for algorithms in (["ES512"], [alg], ["ES512", alg]):
        exp = outcome(jwt.api_jws.decode, RFC7520_ES512, o_key, algorithms=algorithms)
        act = outcome(pyjwt_fast.api_jws.decode, RFC7520_ES512, f_key, algorithms=algorithms)
        assert_same_outcome(exp, act, f"RFC 7520 4.3 with {key_as} algorithms={algorithms}")
    # the same signature relabelled ES521 (same curve and hash, but the header is signed)
    h = b64u(json.dumps({"alg": "ES521", "kid": RFC7520_KID}, separators=(",", ":")).encode())
    relabelled = h + "." + RFC7520_ES512.split(".", 1)[1]
    exp = outcome(jwt.api_jws.decode, relabelled, o_key, algorithms=["ES521"])
    act = outcome(pyjwt_fast.api_jws.decode, relabelled, f_key, algorithms=["ES521"])
    assert_same_outcome(exp, act, "RFC 7520 4.3 relabelled ES521")
    assert not act.ok
    # algorithm layer: the raw signature (r||s, 2 x 66 bytes)
    sig = b64u_dec(RFC7520_ES512.split(".")[2])
    assert len(sig) == 132
    a = f_algs.get_default_algorithms()[alg]
    assert a.verify(RFC7520_ES512.rsplit(".", 1)[0].encode(), a.prepare_key(_pem(f_pub)), sig) is True


def test_rfc7520_jwks_to_jwk_parity() -> None:
    """to_jwk of the RFC keys: pyjwt_fast's output equals PyJWT's, and carries the
    RFC's n / e / x / y / d."""
    for cls, jwk_in in (("RSAAlgorithm", RFC7520_RSA_JWK), ("RSAAlgorithm", RFC7520_RSA_PUBLIC_JWK),
                        ("ECAlgorithm", RFC7520_EC_JWK), ("ECAlgorithm", RFC7520_EC_PUBLIC_JWK)):
        o = getattr(o_algs, cls).to_jwk(getattr(o_algs, cls).from_jwk(dict(jwk_in)), as_dict=True)
        f = getattr(f_algs, cls).to_jwk(getattr(f_algs, cls).from_jwk(dict(jwk_in)), as_dict=True)
        assert f == o and list(f) == list(o)
        for member in ("n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "crv"):
            if member in jwk_in:
                assert f[member] == jwk_in[member], (cls, member)


# ==========================================================================
# RFC 8037 appendix A (Ed25519)
# ==========================================================================

RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_PAYLOAD = b"Example of Ed25519 signing"
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
RFC8037_PRIVATE_JWK = {"kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": RFC8037_X}
RFC8037_PUBLIC_JWK = {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X}


def test_rfc8037_a1_a2_keys() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization

    # A.1 / A.2: x is the public key of d (checks the transcribed values)
    raw_x = Ed25519PrivateKey.from_private_bytes(b64u_dec(RFC8037_D)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert b64u(raw_x) == RFC8037_X
    for jwk_in in (RFC8037_PRIVATE_JWK, RFC8037_PUBLIC_JWK):
        o = o_algs.OKPAlgorithm.to_jwk(o_algs.OKPAlgorithm.from_jwk(dict(jwk_in)), as_dict=True)
        f = f_algs.OKPAlgorithm.to_jwk(f_algs.OKPAlgorithm.from_jwk(dict(jwk_in)), as_dict=True)
        assert f == o and list(f) == list(o)
        assert f["x"] == RFC8037_X


@pytest.mark.parametrize("key_as", ["jwk-object", "pem", "pem-bytes", "pyjwk"])
def test_rfc8037_a4_a5_ed25519(key_as: str) -> None:
    headers = {"typ": None}
    o_priv = o_algs.OKPAlgorithm.from_jwk(dict(RFC8037_PRIVATE_JWK))
    o_pub = o_algs.OKPAlgorithm.from_jwk(dict(RFC8037_PUBLIC_JWK))
    # oracle: PyJWT reproduces A.4 exactly
    assert jwt.api_jws.encode(RFC8037_PAYLOAD, o_priv, algorithm="EdDSA", headers=headers) == RFC8037_JWS
    f_priv: Any = f_algs.OKPAlgorithm.from_jwk(dict(RFC8037_PRIVATE_JWK))
    f_pub: Any = f_algs.OKPAlgorithm.from_jwk(dict(RFC8037_PUBLIC_JWK))
    if key_as == "pem":
        f_priv, f_pub = _pem(f_priv), _pem(f_pub)
    elif key_as == "pem-bytes":
        f_priv, f_pub = _pem(f_priv).encode(), _pem(f_pub).encode()
    elif key_as == "pyjwk":
        f_priv = pyjwt_fast.PyJWK(dict(RFC8037_PRIVATE_JWK))
        f_pub = pyjwt_fast.PyJWK(dict(RFC8037_PUBLIC_JWK))
    # A.4: signing reproduces the RFC's JWS
    assert pyjwt_fast.api_jws.encode(RFC8037_PAYLOAD, f_priv, algorithm="EdDSA", headers=headers) == RFC8037_JWS
    # A.5: verification
    assert pyjwt_fast.api_jws.decode(RFC8037_JWS, f_pub, algorithms=["EdDSA"]) == RFC8037_PAYLOAD
    assert pyjwt_fast.api_jws.decode_complete(RFC8037_JWS, f_pub, algorithms=["EdDSA"]) == \
        jwt.api_jws.decode_complete(RFC8037_JWS, o_pub, algorithms=["EdDSA"])
    # one flipped signature bit: InvalidSignatureError, as PyJWT
    sig = bytearray(b64u_dec(RFC8037_JWS.split(".")[2]))
    sig[10] ^= 0x01
    bad = RFC8037_JWS.rsplit(".", 1)[0] + "." + b64u(bytes(sig))
    exp = outcome(jwt.api_jws.decode, bad, o_pub, algorithms=["EdDSA"])
    act = outcome(pyjwt_fast.api_jws.decode, bad, f_pub, algorithms=["EdDSA"])
    assert_same_outcome(exp, act, f"RFC 8037 tampered, key {key_as}")
    assert act.result[1] == "InvalidSignatureError"


def test_rfc8037_algorithm_layer() -> None:
    alg = f_algs.get_default_algorithms()["EdDSA"]
    priv = alg.prepare_key(_pem(f_algs.OKPAlgorithm.from_jwk(dict(RFC8037_PRIVATE_JWK))))
    signing_input = RFC8037_JWS.rsplit(".", 1)[0]
    sig = b64u_dec(RFC8037_JWS.split(".")[2])
    assert alg.sign(signing_input.encode(), priv) == sig
    assert alg.verify(signing_input.encode(), priv, sig) is True  # verification with the private key
    pub = alg.prepare_key("ssh-ed25519 " + base64.b64encode(
        b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + b64u_dec(RFC8037_X)).decode())
    assert alg.verify(signing_input.encode(), pub, sig) is True  # the same key as an SSH public key
    assert alg.verify(signing_input, pub, sig) is True  # str message, as OKPAlgorithm allows
