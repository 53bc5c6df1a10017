"""Fixed test vectors for HS256/HS384/HS512 and none.

Sources
  * PyJWT 2.15.1's own test suite (tests/test_api_jws.py, tests/test_api_jwt.py,
    tests/test_algorithms.py, tests/test_advisory.py): its fixed tokens and expected
    outputs, re-stated here as data.
  * RFC 7515 Appendix A.1 (HS256, header with CRLF) and A.5 (unsecured JWS).
  * RFC 7797 sections 4.1 and 4.2 (b64 true / false with the A.1 key).
  * Project Wycheproof HMAC vectors (C2SP/wycheproof, testvectors_v1, files
    hmac_sha256_test.json, hmac_sha384_test.json, hmac_sha512_test.json; Apache
    License 2.0, see tests/vectors/wycheproof/LICENSE and README).

Every case checks the stated fact and, where PyJWT can run it, that pyjwt_fast's
outcome (value or exception class + message, and warnings) equals PyJWT's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from decimal import Decimal
from typing import Any

import jwt as pyjwt
import jwt.algorithms
import jwt.api_jws
import pytest

import pyjwt_fast
import pyjwt_fast.algorithms
import pyjwt_fast.api_jws
import pyjwt_fast.exceptions
from conftest import assert_same_outcome, differential, safe_repr

HERE = os.path.dirname(os.path.abspath(__file__))
WYCHEPROOF_DIR = os.path.join(HERE, "vectors", "wycheproof")


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64u_dec(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def both(fn_name: str, *args: Any, **kwargs: Any):
    """Run the same top-level call on PyJWT and pyjwt_fast and compare."""
    expected, actual = differential(getattr(pyjwt, fn_name), getattr(pyjwt_fast, fn_name), *args,
                                    what=fn_name, **kwargs)
    assert_same_outcome(expected, actual, f"{fn_name}{safe_repr(args)}{safe_repr(kwargs)}")
    return actual


def both_jws(method: str, *args: Any, **kwargs: Any):
    expected, actual = differential(
        getattr(jwt.api_jws.PyJWS(), method), getattr(pyjwt_fast.api_jws.PyJWS(), method),
        *args, what=f"PyJWS.{method}", **kwargs,
    )
    assert_same_outcome(expected, actual, f"PyJWS.{method}{safe_repr(args)}{safe_repr(kwargs)}")
    return actual


def raises(result: Any, cls_name: str, message: str | None = None, contains: str | None = None) -> None:
    assert not result.ok, result
    assert result.result[1] == cls_name, result
    assert isinstance(result.exc, getattr(pyjwt_fast.exceptions, cls_name, Exception)), result
    if message is not None:
        assert result.result[2] == message, result
    if contains is not None:
        assert contains in result.result[2], result


# ==========================================================================
# PyJWT's golden tokens
# ==========================================================================

# {"alg": "HS256", "typ": "JWT"} / {"hello": "world"} (with spaces), secret "secret"
HELLO_WORLD_JWT = (
    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9"
    ".eyJoZWxsbyI6ICJ3b3JsZCJ9"
    ".tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8"
)
HELLO_WORLD_SIG = (
    b'\xb6\xf6\xa0,2\xe8j"J\xc4\xe2\xaa\xa4\x15\xd2'
    b"\x10l\xbbI\x84\xa2}\x98c\x9e\xd8&\xf5\xcbi\xca?"
)
# JWS over b"hello world", header {"typ":"JWT","alg":"HS256"}, secret "secret"
HELLO_JWS_TYP_FIRST = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."
    "aGVsbG8gd29ybGQ."
    "gEW0pdU4kxPthjtehYdhxB9mMOGajt1xCKlGGXDJ8PM"
)
HELLO_JWS_TYP_FIRST_SIG = (
    b"\x80E\xb4\xa5\xd58\x93\x13\xed\x86;^\x85\x87a\xc4"
    b"\x1ff0\xe1\x9a\x8e\xddq\x08\xa9F\x19p\xc9\xf0\xf3"
)
# JWS over b"hello world", header {"alg":"HS256","typ":"JWT"} — what PyJWS.encode
# produces for it with the default algorithm.
HELLO_JWS = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "aGVsbG8gd29ybGQ."
    "SIr03zM64awWRdPrAM_61QWsZchAtgDV3pphfHPPWkI"
)
HELLO_JWS_SIG = (
    b"H\x8a\xf4\xdf3:\xe1\xac\x16E\xd3\xeb\x00\xcf\xfa\xd5\x05\xac"
    b"e\xc8@\xb6\x00\xd5\xde\x9aa|s\xcfZB"
)


def test_pyjws_encode_default_algorithm_golden() -> None:
    res = both_jws("encode", b"hello world", "secret")
    assert res.value == HELLO_JWS
    res = both_jws("decode_complete", HELLO_JWS, "secret", algorithms=["HS256"])
    assert res.value == {
        "payload": b"hello world",
        "header": {"alg": "HS256", "typ": "JWT"},
        "signature": HELLO_JWS_SIG,
    }


@pytest.mark.parametrize("token", [HELLO_JWS_TYP_FIRST, HELLO_JWS_TYP_FIRST.encode()])
def test_pyjws_decodes_valid_jws_golden(token: Any) -> None:
    assert both_jws("decode", token, "secret", algorithms=["HS256"]).value == b"hello world"
    res = both_jws("decode_complete", token, "secret", algorithms=["HS256"])
    assert res.value == {
        "header": {"alg": "HS256", "typ": "JWT"},
        "payload": b"hello world",
        "signature": HELLO_JWS_TYP_FIRST_SIG,
    }
    assert list(res.value["header"]) == ["typ", "alg"]  # the token's own order


@pytest.mark.parametrize("token", [HELLO_WORLD_JWT, HELLO_WORLD_JWT.encode()])
def test_pyjwt_decodes_valid_jwt_golden(token: Any) -> None:
    assert both("decode", token, "secret", algorithms=["HS256"]).value == {"hello": "world"}
    res = both("decode_complete", token, "secret", algorithms=["HS256"])
    assert res.value == {
        "header": {"alg": "HS256", "typ": "JWT"},
        "payload": {"hello": "world"},
        "signature": HELLO_WORLD_SIG,
    }
    assert both_jws("decode", token, "secret", algorithms=["HS256"]).value == b'{"hello": "world"}'


def test_pyjws_encode_default_algorithm_sig_matches_token() -> None:
    assert b64u_dec(HELLO_JWS.split(".")[2]) == HELLO_JWS_SIG


GOLDEN_ERRORS = [
    # (description, call, args, kwargs, exception class, exact message or None, substring)
    ("missing segment", "decode",
     ("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJoZWxsbyI6ICJ3b3JsZCJ9", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Not enough segments", None),
    ("token None", "decode", (None, "secret"), {"algorithms": ["HS256"]},
     "DecodeError", "Invalid token type. Token must be a <class 'bytes'>", None),
    ("token int", "decode", (123, "secret"), {"algorithms": ["HS256"]},
     "DecodeError", "Invalid token type. Token must be a <class 'bytes'>", None),
    ("non-mapping header", "decode",
     ("MQ.eyJoZWxsbyI6ICJ3b3JsZCJ9.tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Invalid header string: must be a json object", None),
    ("alg hs256 lower case", "decode",
     ("eyJhbGciOiJoczI1NiIsInR5cCI6IkpXVCJ9.eyJoZWxsbyI6IndvcmxkIn0"
      ".5R_FEPE7SW2dT9GgIxPgZATjFGXfUDOSwo7TtO_Kd_g", "secret"),
     {"algorithms": ["hs256"]}, "InvalidAlgorithmError", "Algorithm not supported", None),
    ("wrong secret", "decode", (HELLO_JWS, "bar"), {"algorithms": ["HS256"]},
     "InvalidSignatureError", "Signature verification failed", None),
    ("algorithms missing", "decode", (HELLO_JWS, "secret"), {},
     "DecodeError",
     'It is required that you pass in a value for the "algorithms" argument when calling decode().', None),
    ("no alg header", "decode",
     ("e30.eyJhIjo1fQ.KEh186CjVw_Q8FadjJcaVnE7hO5Z9nHBbU8TgbhHcBY", "secret"),
     {"algorithms": ["HS256"]}, "InvalidAlgorithmError", "Algorithm not specified", None),
    ("no secret", "decode", (HELLO_JWS,), {"algorithms": ["HS256"]},
     "InvalidKeyError", "HMAC key must not be empty.", None),
    ("header padding", "decode",
     ("aeyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJoZWxsbyI6ICJ3b3JsZCJ9"
      ".tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Invalid header padding", None),
    ("invalid header string", "decode",
     ("eyJhbGciOiAiSFMyNTbpIiwgInR5cCI6ICJKV1QifQ==.eyJoZWxsbyI6ICJ3b3JsZCJ9"
      ".tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", None, "Invalid header"),
    ("deeply nested header", "decode",
     (b64u(b"[" * 1000 + b"]" * 1000) + ".eyJoZWxsbyI6ICJ3b3JsZCJ9"
      ".tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", None, "Invalid header"),
    ("payload padding", "decode",
     ("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.aeyJoZWxsbyI6ICJ3b3JsZCJ9"
      ".tvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Invalid payload padding", None),
    ("crypto padding", "decode",
     ("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJoZWxsbyI6ICJ3b3JsZCJ9"
      ".aatvagLDLoaiJKxOKqpBXSEGy7SYSifZhjntgm9ctpyj8", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Invalid crypto padding", None),
    ("payload not JSON", "decode", (HELLO_JWS, "secret"), {"algorithms": ["HS256"]},
     "DecodeError", None, "Invalid payload string"),
    ("payload not an object", "decode",
     ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.MQ.AbcSR3DWum91KOgfKxUHm78rLs_DrrZ1CrDgpUFFzls", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Invalid payload string: must be a json object", None),
    ("audience=1", "decode", (HELLO_WORLD_JWT, "secret"), {"audience": 1, "algorithms": ["HS256"]},
     "TypeError", "audience must be a string, iterable or None", None),
    ("aud claim 1", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJoZWxsbyI6IndvcmxkIiwiYXVkIjoxfQ"
      ".Rof08LBSwbm8Z_bhA2N3DFY-utZR1Gi9rbIS5Zthnnc", "secret"),
     {"audience": "my_audience", "algorithms": ["HS256"]},
     "InvalidAudienceError", "Invalid claim format in token", None),
    ("aud claim [1]", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJoZWxsbyI6IndvcmxkIiwiYXVkIjpbMV19"
      ".iQgKpJ8shetwNMIosNXWBPFB057c2BHs-8t1d2CCM2A", "secret"),
     {"audience": "my_audience", "algorithms": ["HS256"]},
     "InvalidAudienceError", "Invalid claim format in token", None),
    ("exp not an int", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOiJub3QtYW4taW50In0"
      ".P65iYgoHtBqB07PMtBSuKNUEIPPPfmjfJG217cEE66s", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Expiration Time claim (exp) must be an integer.", None),
    ("iat not an int", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOiJub3QtYW4taW50In0"
      ".H1GmcQgSySa5LOKYbzGm--b1OmRbHFkyk8pq811FzZM", "secret"),
     {"algorithms": ["HS256"]}, "InvalidIssuedAtError", "Issued At claim (iat) must be an integer.", None),
    ("nbf not an int", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOiJub3QtYW4taW50In0"
      ".c25hldC8G2ZamC8uKpax9sYMTgdZo3cxrmzFHaAAluw", "secret"),
     {"algorithms": ["HS256"]}, "DecodeError", "Not Before claim (nbf) must be an integer.", None),
    ("kid not a string", "get_unverified_header",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6MTIzfQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
      ".vs2WY54jfpKP3JGC73Vq5YlMsqM5oTZ1ZydT77SiZSk",),
     {}, "InvalidTokenError", "Key ID header parameter must be a string", None),
    # GHSA-ffqj-6fqr-9h24: public keys as HMAC secrets (token forged with the key)
    ("ssh-ed25519 public key as HMAC secret", "decode",
     ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0ZXN0IjoxMjM0fQ"
      ".6ulDpqSlbHmQ8bZXhZRLFko9SwcHrghCwh8d-exJEE4",
      b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPL1I9oiq+B8crkmuV4YViiUnhdLjCp3hvy1bNGuGfNL"),
     {"algorithms": ["HS256", "HS384", "HS512", "none"]},
     "InvalidKeyError",
     "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.",
     None),
    ("ecdsa ssh public key as HMAC secret", "decode",
     ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZXN0IjoxMjM0fQ"
      ".5eYfbrbeGYmWfypQ6rMWXNZ8bdHcqKng5GPr9MJZITU",
      b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJXMtkUkkoJ9kQP8Qhp"
      b"KO/TfuxcKC2a92dIo/xDY6MNl6VA8MChCpAJN0w1wvVPJ4qTJRnGO7A6V6dl8oRxDPkc="),
     {"algorithms": ["HS256", "HS384", "HS512", "none"]},
     "InvalidKeyError",
     "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.",
     None),
]


@pytest.mark.parametrize(
    "desc,fn,args,kwargs,cls,message,contains", GOLDEN_ERRORS, ids=[g[0] for g in GOLDEN_ERRORS]
)
def test_golden_errors(desc: str, fn: str, args: tuple, kwargs: dict, cls: str,
                       message: str | None, contains: str | None) -> None:
    raises(both(fn, *args, **kwargs), cls, message, contains)
    if fn == "decode":
        raises(both("decode_complete", *args, **kwargs), cls, message, contains)


def test_golden_skip_signature() -> None:
    token = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9"
        ".4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZA"
    )
    for kw in ({}, {"algorithms": ["HS256"]}):
        assert both("decode", token, "secret", options={"verify_signature": False}, **kw).value == {
            "some": "payload"
        }


def test_golden_aud_null_allowed() -> None:
    token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOm51bGx9.-Peqc-pTugGvrc5C8Bnl0-X1V_5fv-aVb_7y7nGBVvQ"
    assert both("decode", token, "secret", algorithms=["HS256"]).value == {"aud": None}


def test_golden_none_token_unverified() -> None:
    token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e30."
    assert both("decode", token, options={"verify_signature": False}).value == {}
    res = both("decode_complete", token, options={"verify_signature": False})
    assert res.value == {"header": {"alg": "none", "typ": "JWT"}, "payload": {}, "signature": b""}
    raises(both("decode", token, algorithms=["none"]), "InvalidSignatureError", "Signature verification failed")
    raises(both("decode", token, algorithms=["HS256"]), "InvalidAlgorithmError",
           "The specified alg value is not allowed")


def test_golden_encode_none_via_headers() -> None:
    token = both_jws("encode", b"hello world", None, headers={"alg": "none"}).value
    raises(both_jws("decode", token, algorithms=["none"]), "InvalidSignatureError",
           "Signature verification failed")
    assert both_jws("decode", token, options={"verify_signature": False}).value == b"hello world"


def test_golden_encode_algorithm_is_case_sensitive() -> None:
    raises(both_jws("encode", b"hello world", "none", algorithm="hs256"), "NotImplementedError",
           "Algorithm not supported")
    raises(both_jws("encode", b"hello world", "secret", algorithm="HS1024"), "NotImplementedError",
           "Algorithm not supported")


@pytest.mark.parametrize("secret", ["\xc2", b"\xc2"])
def test_golden_non_ascii_secret_roundtrip(secret: Any) -> None:
    token = both_jws("encode", b"hello world", secret).value
    assert both_jws("decode", token, secret, algorithms=["HS256"]).value == b"hello world"


@pytest.mark.parametrize("sort_headers", [False, True])
def test_golden_sorting_of_headers(sort_headers: bool) -> None:
    token = both_jws("encode", b"hello world", "\xc2", headers={"b": "1", "a": "2"},
                     sort_headers=sort_headers).value
    header_json = b64u_dec(token.split(".")[0])
    assert sort_headers == (header_json.index(b'"a"') < header_json.index(b'"b"'))


def test_golden_custom_json_encoder_in_headers() -> None:
    class CustomJSONEncoder(json.JSONEncoder):
        def default(self, o: object) -> str:
            assert isinstance(o, Decimal)
            return "it worked"

    data = {"some_decimal": Decimal("2.2")}
    raises(both_jws("encode", b"hello world", "secret", headers=data), "TypeError",
           "Object of type Decimal is not JSON serializable")
    token = both_jws("encode", b"hello world", "secret", headers=data, json_encoder=CustomJSONEncoder).value
    assert json.loads(b64u_dec(token.split(".")[0]))["some_decimal"] == "it worked"
    token = both("encode", data, "secret", json_encoder=CustomJSONEncoder).value
    assert both("decode", token, "secret", algorithms=["HS256"]).value == {"some_decimal": "it worked"}


@pytest.mark.parametrize("typ", ["", None])
def test_golden_empty_typ_dropped(typ: Any) -> None:
    token = both_jws("encode", b"hello world", "secret", headers={"typ": typ}).value
    assert "typ" not in json.loads(b64u_dec(token.split(".")[0]))


@pytest.mark.parametrize("kid", [123, None])
def test_golden_encode_rejects_non_str_kid(kid: Any) -> None:
    raises(both_jws("encode", b"hello world", "secret", headers={"kid": kid}),
           "InvalidTokenError", "Key ID header parameter must be a string")


@pytest.mark.parametrize(
    "segment,decoded", [("Zg", b"f"), ("Zg==", b"f"), ("Zm8=", b"fo")]
)
def test_golden_canonical_base64url_padding_accepted(segment: str, decoded: bytes) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.e30." + segment
    res = both("decode_complete", token, options={"verify_signature": False})
    assert res.value["signature"] == decoded


@pytest.mark.parametrize("segment", ["Zg===", "Zg=", "a", "Z?==", "Zh", "Zh=="])
def test_golden_invalid_base64url_padding_rejected(segment: str) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.e30." + segment
    raises(both("decode_complete", token, options={"verify_signature": False}),
           "DecodeError", "Invalid crypto padding")


def test_golden_signature_junk_padding_and_embedded_padding() -> None:
    secret = "a" * 32
    token = both_jws("encode", b"hello world", secret, algorithm="HS256").value
    h, p, s = token.split(".")
    raises(both_jws("decode", f"{h}.{p}.{s}!!!!", secret, algorithms=["HS256"]), "DecodeError",
           "Invalid crypto padding")
    pad = "=" * (-len(s) % 4)
    assert pad
    assert both_jws("decode", f"{h}.{p}.{s}{pad}", secret, algorithms=["HS256"]).value == b"hello world"
    raises(both_jws("decode", f"{h}.{p}.{s[:2]}={s[2:]}", secret, algorithms=["HS256"]),
           "DecodeError", "Invalid crypto padding")


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [[1], {"a": 1}, None, float("inf")])
def test_golden_non_numeric_time_claims(claim: str, value: Any) -> None:
    token = both("encode", {claim: value}, "secret").value
    res = both("decode", token, "secret", algorithms=["HS256"])
    raises(res, "InvalidIssuedAtError" if claim == "iat" else "DecodeError", contains=claim)


def test_golden_crit_unknown_extension() -> None:
    token = both("encode", {"sub": "attacker", "role": "admin"}, "secret", algorithm="HS256",
                 headers={"crit": ["x-custom-policy"], "x-custom-policy": "require-mfa"}).value
    raises(both("decode", token, "secret", algorithms=["HS256"]), "InvalidTokenError",
           "Unsupported critical extension: x-custom-policy")


def test_golden_detached_content() -> None:
    token = both_jws("encode", b"hello world", "secret", algorithm="HS256", is_payload_detached=True).value
    header = json.loads(b64u_dec(token.split(".")[0]))
    assert header["b64"] is False and "b64" in header["crit"]
    assert token.split(".")[1] == ""
    assert both_jws("decode", token, "secret", algorithms=["HS256"],
                    detached_payload=b"hello world").value == b"hello world"
    raises(both_jws("decode", token, "secret", algorithms=["HS256"]), "DecodeError",
           'It is required that you pass in a value for the "detached_payload" argument to decode a '
           "message having the b64 header set to false.")
    attached = both_jws("encode", b"hello world", "secret", algorithm="HS256").value
    raises(both_jws("decode", attached, "secret", algorithms=["HS256"], detached_payload=b"different payload"),
           "DecodeError",
           'It is only valid to pass "detached_payload" when the protected header has "b64" set to false.')


def test_golden_b64_header_variants() -> None:
    token = both_jws("encode", b"hello world", "secret", "HS256", {"b64": False}).value
    h, p, _ = token.split(".")
    assert json.loads(b64u_dec(h))["b64"] is False and p == ""
    token = both_jws("encode", b"hello world", "secret", "HS256", {"b64": True}).value
    h, p, _ = token.split(".")
    assert "b64" not in json.loads(b64u_dec(h)) and p
    token = both_jws("encode", b"hello world", "secret", algorithm="HS256",
                     headers={"b64": False, "crit": ["b64"]}).value
    assert json.loads(b64u_dec(token.split(".")[0]))["crit"] == ["b64"]


def _hand_token(header: dict, payload: bytes, segment: bytes | None = None) -> str:
    h = b64u(json.dumps(header, separators=(",", ":")).encode()).encode()
    sig = hmac.new(b"secret", h + b"." + payload, hashlib.sha256).digest()
    return b".".join([h, segment or b"", b64u(sig).encode()]).decode()


def test_golden_b64_false_requires_crit_and_empty_segment() -> None:
    payload = b"hello world"
    token = _hand_token({"typ": "JWT", "alg": "HS256", "b64": False}, payload)
    raises(both_jws("decode", token, "secret", algorithms=["HS256"], detached_payload=payload),
           "InvalidTokenError", "The 'b64' header parameter requires 'b64' to be listed in 'crit'.")
    token = _hand_token({"typ": "JWT", "alg": "HS256", "b64": False, "crit": ["b64"]}, payload, b"A" * 1024)
    raises(both_jws("decode", token, "secret", algorithms=["HS256"], detached_payload=payload),
           "DecodeError", "Payload segment must be empty when 'b64' is false.")


# ==========================================================================
# RFC 7515 Appendix A.1 / A.5 and RFC 7797
# ==========================================================================

RFC7515_A1_JWK_K = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
RFC7515_A1_KEY = b64u_dec(RFC7515_A1_JWK_K)
RFC7515_A1_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
RFC7515_A1_SIGNATURE = bytes(
    [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
     22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
)
RFC7515_A1_PAYLOAD = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
# A.5: the same claims, unsecured ({"alg":"none"}), empty signature
RFC7515_A5_TOKEN = (
    "eyJhbGciOiJub25lIn0"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
)


def test_rfc7515_a1_key_from_jwk() -> None:
    jwk = {"kty": "oct", "k": RFC7515_A1_JWK_K}
    for mod in (jwt.algorithms, pyjwt_fast.algorithms):
        assert mod.HMACAlgorithm.from_jwk(jwk) == RFC7515_A1_KEY
        assert mod.HMACAlgorithm.from_jwk(json.dumps(jwk)) == RFC7515_A1_KEY


@pytest.mark.parametrize("key", [RFC7515_A1_KEY, "jwk"])
def test_rfc7515_a1_decode(key: Any) -> None:
    if key == "jwk":
        key = pyjwt_fast.algorithms.HMACAlgorithm.from_jwk({"kty": "oct", "k": RFC7515_A1_JWK_K})
    opts = {"verify_exp": False}
    assert both("decode", RFC7515_A1_TOKEN, key, algorithms=["HS256"], options=opts).value == RFC7515_A1_PAYLOAD
    res = both("decode_complete", RFC7515_A1_TOKEN, key, algorithms=["HS256"], options=opts)
    assert res.value == {
        "header": {"typ": "JWT", "alg": "HS256"},
        "payload": RFC7515_A1_PAYLOAD,
        "signature": RFC7515_A1_SIGNATURE,
    }
    assert both("get_unverified_header", RFC7515_A1_TOKEN).value == {"typ": "JWT", "alg": "HS256"}
    # the header/payload JSON (with CRLF and spaces) verbatim from PyJWS
    raw = both_jws("decode", RFC7515_A1_TOKEN, key, algorithms=["HS256"]).value
    assert raw == b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
    # exp 2011: expired with the default options
    raises(both("decode", RFC7515_A1_TOKEN, key, algorithms=["HS256"]), "ExpiredSignatureError",
           "Signature has expired")
    # only HS256 is right
    raises(both("decode", RFC7515_A1_TOKEN, key, algorithms=["HS384"], options=opts),
           "InvalidAlgorithmError", "The specified alg value is not allowed")


def test_rfc7515_a1_signature_via_algorithm() -> None:
    signing_input = RFC7515_A1_TOKEN.rsplit(".", 1)[0].encode()
    for mod in (jwt.algorithms, pyjwt_fast.algorithms):
        alg = mod.HMACAlgorithm(mod.HMACAlgorithm.SHA256)
        key = alg.prepare_key(RFC7515_A1_KEY)
        assert alg.sign(signing_input, key) == RFC7515_A1_SIGNATURE
        assert alg.verify(signing_input, key, RFC7515_A1_SIGNATURE) is True
        assert alg.verify(signing_input, key, RFC7515_A1_SIGNATURE[:-1] + b"\x00") is False


def test_rfc7515_a5_unsecured() -> None:
    opts = {"verify_signature": False}
    assert both("decode", RFC7515_A5_TOKEN, options=opts).value == RFC7515_A1_PAYLOAD
    res = both("decode_complete", RFC7515_A5_TOKEN, options=opts)
    assert res.value["header"] == {"alg": "none"} and res.value["signature"] == b""
    raises(both("decode", RFC7515_A5_TOKEN, algorithms=["none"], options={"verify_exp": False}),
           "InvalidSignatureError", "Signature verification failed")
    raises(both("decode", RFC7515_A5_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"]),
           "InvalidAlgorithmError", "The specified alg value is not allowed")


# RFC 7797 section 4.1 (b64 true) and 4.2 (b64 false), payload "$.02", the A.1 key
RFC7797_4_1_TOKEN = "eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ"
RFC7797_4_2_TOKEN = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY"


def test_rfc7797_encode_byte_identical() -> None:
    res = both_jws("encode", b"$.02", RFC7515_A1_KEY, algorithm="HS256", headers={"typ": None})
    assert res.value == RFC7797_4_1_TOKEN
    res = both_jws("encode", b"$.02", RFC7515_A1_KEY, algorithm="HS256",
                   headers={"typ": None, "b64": False, "crit": ["b64"]})
    assert res.value == RFC7797_4_2_TOKEN
    res = both_jws("encode", b"$.02", RFC7515_A1_KEY, algorithm="HS256", headers={"typ": None},
                   is_payload_detached=True)
    assert res.value == RFC7797_4_2_TOKEN


def test_rfc7797_decode() -> None:
    assert both_jws("decode", RFC7797_4_1_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"]).value == b"$.02"
    assert both_jws("decode", RFC7797_4_2_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"],
                    detached_payload=b"$.02").value == b"$.02"
    res = both_jws("decode_complete", RFC7797_4_2_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"],
                   detached_payload=b"$.02")
    assert res.value["header"] == {"alg": "HS256", "b64": False, "crit": ["b64"]}
    raises(both_jws("decode", RFC7797_4_2_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"],
                    detached_payload=b"$.03"), "InvalidSignatureError", "Signature verification failed")
    # the JWT layer: "$.02" is not a JSON object
    raises(both("decode", RFC7797_4_2_TOKEN, RFC7515_A1_KEY, algorithms=["HS256"], detached_payload=b"$.02"),
           "DecodeError", None, "Invalid payload string")


# ==========================================================================
# PyJWT's HMAC algorithm facts (tests/test_algorithms.py)
# ==========================================================================

# tests/keys/jwk_hmac.json
JWK_HMAC = {
    "kty": "oct",
    "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037",
    "use": "sig",
    "alg": "HS256",
    "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg",
}


@pytest.mark.parametrize("as_dict", [False, True])
def test_hmac_to_jwk_golden(as_dict: bool) -> None:
    for mod in (jwt.algorithms, pyjwt_fast.algorithms):
        algo = mod.HMACAlgorithm(mod.HMACAlgorithm.SHA256)
        out = algo.to_jwk("secret", as_dict=as_dict)
        key = out if as_dict else json.loads(out)
        assert key == {"kty": "oct", "k": "c2VjcmV0"}
    e = jwt.algorithms.HMACAlgorithm.to_jwk("secret")
    a = pyjwt_fast.algorithms.HMACAlgorithm.to_jwk("secret")
    assert e == a  # same JSON text, key order included


def test_hmac_jwk_parse_sign_verify_golden() -> None:
    for mod in (jwt.algorithms, pyjwt_fast.algorithms):
        algo = mod.HMACAlgorithm(mod.HMACAlgorithm.SHA256)
        key = algo.from_jwk(json.dumps(JWK_HMAC))
        assert key == b64u_dec(JWK_HMAC["k"])
        sig = algo.sign(b"Hello World!", key)
        assert sig == hmac.new(key, b"Hello World!", hashlib.sha256).digest()
        assert algo.verify(b"Hello World!", key, sig)


# ==========================================================================
# Wycheproof HMAC vectors
# ==========================================================================
# Source: Project Wycheproof (https://github.com/C2SP/wycheproof), testvectors_v1,
# hmac_sha256_test.json / hmac_sha384_test.json / hmac_sha512_test.json,
# Apache License 2.0 (tests/vectors/wycheproof/LICENSE).

WYCHEPROOF = {
    "HS256": ("hmac_sha256_test.json", "SHA256", hashlib.sha256),
    "HS384": ("hmac_sha384_test.json", "SHA384", hashlib.sha384),
    "HS512": ("hmac_sha512_test.json", "SHA512", hashlib.sha512),
}


def _wycheproof_cases() -> list:
    cases = []
    for alg, (fname, _, hashfn) in WYCHEPROOF.items():
        with open(os.path.join(WYCHEPROOF_DIR, fname), encoding="utf-8") as fh:
            doc = json.load(fh)
        full_bits = hashfn().digest_size * 8
        for group in doc["testGroups"]:
            for t in group["tests"]:
                cases.append(pytest.param(
                    alg, group["tagSize"] == full_bits, bytes.fromhex(t["key"]), bytes.fromhex(t["msg"]),
                    bytes.fromhex(t["tag"]), t["result"],
                    id=f"{alg}-tc{t['tcId']}-tag{group['tagSize']}-{t['result']}",
                ))
    return cases


WYCHEPROOF_CASES = _wycheproof_cases()


def test_wycheproof_files_loaded() -> None:
    assert len(WYCHEPROOF_CASES) == 3 * 174


@pytest.mark.parametrize("alg,full,key,msg,tag,result", WYCHEPROOF_CASES)
def test_wycheproof_hmac(alg: str, full: bool, key: bytes, msg: bytes, tag: bytes, result: str) -> None:
    _, attr, hashfn = WYCHEPROOF[alg]
    fast = pyjwt_fast.algorithms.HMACAlgorithm(getattr(pyjwt_fast.algorithms.HMACAlgorithm, attr))
    ref = jwt.algorithms.HMACAlgorithm(getattr(jwt.algorithms.HMACAlgorithm, attr))
    correct = hmac.new(key, msg, hashfn).digest()

    signed = fast.sign(msg, key)
    assert signed == ref.sign(msg, key) == correct
    verified = fast.verify(msg, key, tag)
    assert verified == ref.verify(msg, key, tag)
    if full:
        assert (signed == tag) == (result == "valid")
        assert verified == (result == "valid")
    else:
        # truncated tags: never accepted, whatever Wycheproof says about them
        assert verified is False
        assert fast.verify(msg, key, correct[: len(tag)]) is False


@pytest.mark.parametrize("alg,full,key,msg,tag,result", WYCHEPROOF_CASES)
def test_wycheproof_in_a_token(alg: str, full: bool, key: bytes, msg: bytes, tag: bytes, result: str) -> None:
    """The vector's deviation from the correct MAC (bit flips, truncation) applied
    to a real token's MAC under the same key: the JWT layer must accept exactly the
    unmodified full-length tags and refuse the rest with InvalidSignatureError."""
    _, _, hashfn = WYCHEPROOF[alg]
    correct = hmac.new(key, msg, hashfn).digest()
    delta = bytes(a ^ b for a, b in zip(tag, correct[: len(tag)]))
    header = b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64u(b'{"tc":1}')
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(key, signing_input, hashfn).digest()
    forged = bytes(a ^ b for a, b in zip(mac[: len(tag)], delta))
    token = f"{header}.{payload}.{b64u(forged)}"
    res = both("decode", token, key, algorithms=[alg])
    if full and result == "valid":
        assert res.ok and res.value == {"tc": 1}
    else:
        raises(res, "InvalidSignatureError", "Signature verification failed")
