"""A corpus of hostile tokens and keys, each run through PyJWT 2.15.1 (the oracle)
and pyjwt_fast.

Every case is differential: decode (with a key and an allowlist),
get_unverified_header and decode(verify_signature=False) must give PyJWT's
result, or PyJWT's exception class and message. Where pyjwt_fast is deliberately
stricter (docs/compat.md: tokens over 16 MiB, JSON deeper than 256 levels), the
documented exception is asserted instead, and PyJWT's class is still checked.
Every exception pyjwt_fast raises must be a pyjwt_fast.PyJWTError or the very
class PyJWT raises on that input.

Each case is bounded (the biggest are the 16 MiB and 10 MB tokens), so the
file runs in seconds. No timed assertions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import jwt as pyjwt  # the oracle
import pytest
from conftest import assert_same_outcome, differential, safe_repr

import pyjwt_fast as jwt
from pyjwt_fast import _native

pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, utils as asym_utils  # noqa: E402

KEYS = Path(__file__).parent / "keys"
SECRET = "s3cr3t-" + "x" * 32
SECRET_B = SECRET.encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs(header: bytes | dict, payload: bytes | dict, key: bytes = SECRET_B,
       digest=hashlib.sha256) -> str:
    """A token signed with HMAC over raw header/payload bytes (any JSON, or none)."""
    if isinstance(header, dict):
        header = json.dumps(header, separators=(",", ":")).encode()
    if isinstance(payload, dict):
        payload = json.dumps(payload, separators=(",", ":")).encode()
    signing_input = f"{b64(header)}.{b64(payload)}".encode()
    sig = hmac.new(key, signing_input, digest).digest()
    return f"{signing_input.decode()}.{b64(sig)}"


def _is_allowed_exception(fast_exc: BaseException, oracle_exc: BaseException | None) -> bool:
    if isinstance(fast_exc, jwt.PyJWTError):
        return True
    return oracle_exc is not None and type(fast_exc) is type(oracle_exc)


def check_all(token, key=SECRET, algorithms=("HS256",), **kw):
    """Differential check of the entry points on one token: decode and
    decode_complete (key, allowlist, **kw), get_unverified_header, and decode with
    verify_signature off. Returns pyjwt_fast's outcome of the verified decode."""
    calls = [
        ("decode", lambda m: m.decode, (token, key), dict(algorithms=list(algorithms), **kw)),
        ("decode_complete", lambda m: m.decode_complete, (token, key),
         dict(algorithms=list(algorithms), **kw)),
        ("get_unverified_header", lambda m: m.get_unverified_header, (token,), {}),
        ("unverified", lambda m: m.decode, (token,),
         dict(options={"verify_signature": False}, algorithms=list(algorithms))),
    ]
    first = None
    for name, get, args, kwargs in calls:
        expected, actual = differential(get(pyjwt), get(jwt), *args, what=name, **kwargs)
        if actual.exc is not None:
            assert _is_allowed_exception(actual.exc, expected.exc), (
                f"{name}: {type(actual.exc).__name__} is neither a PyJWTError nor PyJWT's "
                f"{type(expected.exc).__name__ if expected.exc else 'result'}")
            assert not isinstance(actual.exc, RecursionError)
        assert_same_outcome(expected, actual, f"{name} {safe_repr(token, 240)}")
        if first is None:
            first = actual
    return first


# --------------------------------------------------------------------------
# alg "none" in every spelling
# --------------------------------------------------------------------------

NONE_SPELLINGS = ["none", "None", "NONE", "nOnE", "none ", " none", "none\x00", "n\u043ene",
                  "", "null", "HS256 ", "hs256"]


@pytest.mark.parametrize("alg", NONE_SPELLINGS)
@pytest.mark.parametrize("sig", ["", "AAAA", None])
@pytest.mark.parametrize("allow", [["HS256"], ["none"], ["HS256", "none"], "self",
                                   ["none", "None", "NONE"], ["RS256", "ES256"]])
def test_alg_none(alg, sig, allow):
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(b'{"sub":"admin"}')
    if sig is None:  # a real HS256 MAC over the none-header token
        sig = b64(hmac.new(SECRET_B, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    token = f"{header}.{payload}.{sig}"
    algorithms = [alg] if allow == "self" else allow
    out = check_all(token, algorithms=algorithms)
    assert not out.ok, "a none/odd-alg token must never verify"
    # and with verification explicitly off, both libraries agree too
    for key in (SECRET, None, ""):
        e, a = differential(pyjwt.decode, jwt.decode, token, key, algorithms=algorithms,
                            options={"verify_signature": False})
        assert_same_outcome(e, a, "verify_signature False")


def test_alg_missing_or_not_str():
    for hdr in ({}, {"alg": None}, {"alg": 1}, {"alg": ["HS256"]}, {"alg": {"x": 1}},
                {"alg": True}, {"typ": "JWT"}):
        out = check_all(hs(hdr, {"a": 1}))
        assert not out.ok


# --------------------------------------------------------------------------
# algorithm confusion: public key material used as an HMAC secret
# --------------------------------------------------------------------------

def _confusion_keys():
    out = []
    for name in ["rsa2048_pub_spki.pem", "rsa2048_pub_pkcs1.pem", "rsa2048_pub.ssh",
                 "rsa2048_cert.pem", "p256_pub_spki.pem", "p256_pub.ssh", "p256_cert.pem",
                 "p384_pub_spki.pem", "p521_pub.ssh", "ed25519_pub_spki.pem", "ed25519_pub.ssh",
                 "ed448_pub_spki.pem", "rsa2048_priv_pkcs8.pem", "p256_priv_sec1.pem"]:
        text = (KEYS / name).read_text()
        out.append((name, text))
        out.append((name + "-bytes", text.encode()))
    for name in ["rsa2048_pub_spki.der", "rsa2048_pub_pkcs1.der", "rsa2048_cert.der",
                 "p256_pub_spki.der", "p256_cert.der", "ed25519_pub_spki.der"]:
        out.append((name, (KEYS / name).read_bytes()))
    # JWK JSON of a public key
    pub = serialization.load_pem_public_key((KEYS / "p256_pub_spki.pem").read_bytes())
    jwk_json = pyjwt.algorithms.ECAlgorithm.to_jwk(pub)
    out.append(("p256-jwk-json", jwk_json))
    rpub = serialization.load_pem_public_key((KEYS / "rsa2048_pub_spki.pem").read_bytes())
    out.append(("rsa-jwk-json", pyjwt.algorithms.RSAAlgorithm.to_jwk(rpub)))
    return out


@pytest.mark.parametrize("name,key", _confusion_keys(), ids=lambda x: x if isinstance(x, str)
                         and len(x) < 40 else "")
@pytest.mark.parametrize("alg,digest", [("HS256", hashlib.sha256), ("HS384", hashlib.sha384),
                                        ("HS512", hashlib.sha512)])
def test_algorithm_confusion(name, key, alg, digest):
    kb = key.encode() if isinstance(key, str) else key
    token = hs({"alg": alg, "typ": "JWT"}, {"sub": "admin"}, key=kb, digest=digest)
    out = check_all(token, key=key, algorithms=[alg])
    # PEM / SSH / certificate / DER / JWK public key material is never an HMAC secret
    assert not out.ok and type(out.exc) is jwt.InvalidKeyError, out
    # whatever the key, encoding with it as an HMAC secret behaves as PyJWT
    e, a = differential(pyjwt.encode, jwt.encode, {"a": 1}, key, algorithm=alg)
    assert_same_outcome(e, a, "encode")
    # and an asymmetric-alg token is never verified by a secret (the reverse confusion)
    if alg == "HS256":
        check_all(token, key=SECRET, algorithms=["RS256", "ES256", "EdDSA"])


# --------------------------------------------------------------------------
# crit, kid, other header fields
# --------------------------------------------------------------------------

CRIT_VALUES = ["b64", ["b64"], [], [1], [None], ["exp"], ["unknown"], ["b64", "b64"], {"b64": 1},
               None, True, [["b64"]], [""], ["b64", 1]]


@pytest.mark.parametrize("crit", CRIT_VALUES, ids=repr)
@pytest.mark.parametrize("with_b64", [None, True, False, "false"])
def test_crit(crit, with_b64):
    hdr = {"alg": "HS256", "crit": crit}
    if with_b64 is not None:
        hdr["b64"] = with_b64
    check_all(hs(hdr, {"a": 1}))


@pytest.mark.parametrize("kid", [1, 1.5, None, True, [], ["a"], {"a": 1}, "", "x" * 10000],
                         ids=lambda v: repr(v)[:20])
def test_kid_types(kid):
    check_all(hs({"alg": "HS256", "kid": kid}, {"a": 1}))


@pytest.mark.parametrize("typ", [1, None, "", "jwt", "JWT", "at+jwt", ["JWT"]], ids=repr)
def test_typ_and_cty(typ):
    check_all(hs({"alg": "HS256", "typ": typ, "cty": typ}, {"a": 1}))


# --------------------------------------------------------------------------
# non-canonical base64url
# --------------------------------------------------------------------------

def _b64_variants():
    good = hs({"alg": "HS256", "typ": "JWT"}, {"sub": "user", "n": 1})
    h, p, s = good.split(".")
    v = {"good": good}
    for seg, idx in (("header", 0), ("payload", 1), ("sig", 2)):
        parts = [h, p, s]
        orig = parts[idx]
        alts = {
            "pad1": orig + "=", "pad2": orig + "==", "pad3": orig + "===", "pad4": orig + "====",
            "pad-mid": orig[:4] + "=" + orig[4:],
            "plus": orig.replace("-", "+").replace("_", "/") if ("-" in orig or "_" in orig)
            else orig[:-1] + "+",
            "slash": orig[:-1] + "/",
            "space": orig[:3] + " " + orig[3:], "tab": orig + "\t", "newline": orig + "\n",
            "crlf": orig[:5] + "\r\n" + orig[5:], "lead-space": " " + orig,
            "nonascii": orig[:-1] + "é", "fullwidth": orig[:-1] + "Ａ", "nul": orig + "\x00",
            "len%4==1": orig + "A", "empty": "",
            "star": orig[:-1] + "*", "dot": orig + ".",
        }
        # trailing bits: change the last char to one that differs only in discarded bits
        last = orig[-1]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        i = alphabet.index(last)
        rem = len(orig) % 4
        if rem in (2, 3):
            flip = 1 if rem == 3 else 8  # low 2 bits (rem 3) / low 4 bits (rem 2) are padding
            alts["trailing-bits"] = orig[:-1] + alphabet[i ^ flip]
        for name, alt in alts.items():
            parts2 = list(parts)
            parts2[idx] = alt
            v[f"{seg}-{name}"] = ".".join(parts2)
    v["two-dots"] = f"{h}.{p}"
    v["four-parts"] = f"{h}.{p}.{s}.{s}"
    v["empty"] = ""
    v["dots"] = "..."
    return v


B64_VARIANTS = _b64_variants()


@pytest.mark.parametrize("name", list(B64_VARIANTS))
@pytest.mark.parametrize("as_bytes", [False, True])
def test_non_canonical_base64url(name, as_bytes):
    token = B64_VARIANTS[name]
    if as_bytes:
        token = token.encode("utf-8")
    check_all(token)


# --------------------------------------------------------------------------
# very large tokens
# --------------------------------------------------------------------------

def test_token_just_over_max_length():
    limit = _native.MAX_TOKEN_LENGTH
    assert limit == 16 * 1024 * 1024
    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    sig = "A" * 43
    body_len = limit + 1 - len(head) - len(sig) - 2
    token = f"{head}.{'A' * body_len}.{sig}"
    assert len(token) == limit + 1
    msg = f"Token is longer than the maximum of {limit} bytes"
    for tok in (token, token.encode()):
        a = None
        try:
            jwt.decode(tok, SECRET, algorithms=["HS256"])
        except Exception as exc:  # noqa: BLE001
            a = exc
        assert type(a) is jwt.DecodeError and str(a) == msg, a
        with pytest.raises(jwt.DecodeError, match="longer than the maximum"):
            jwt.decode_complete(tok, SECRET, algorithms=["HS256"])
        with pytest.raises(jwt.DecodeError, match="longer than the maximum"):
            jwt.decode(tok, options={"verify_signature": False})


def test_token_at_max_length_is_not_refused_for_length():
    limit = _native.MAX_TOKEN_LENGTH
    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    sig = "A" * 43
    body_len = limit - len(head) - len(sig) - 2
    body_len -= body_len % 4  # decodable base64
    token = f"{head}.{'A' * body_len}.{sig}"
    e, a = differential(pyjwt.decode, jwt.decode, token, SECRET, algorithms=["HS256"])
    assert_same_outcome(e, a, "16 MiB token")


def test_ten_megabyte_valid_token():
    payload = {"sub": "u", "blob": "x" * (7 * 1024 * 1024)}
    token = pyjwt.encode(payload, SECRET, algorithm="HS256")
    assert len(token) > 9_000_000
    out = check_all(token)
    assert out.ok and out.value == payload
    # and the same with a forged signature
    check_all(token[:-5] + ("AAAAA" if token[-5:] != "AAAAA" else "BBBBB"))


# --------------------------------------------------------------------------
# deep JSON nesting, huge numbers, invalid UTF-8, duplicate keys
# --------------------------------------------------------------------------

DEPTH = _native.JSON_MAX_DEPTH


def _deep_msg(where: str, container: str) -> str:
    return (f"Invalid {where} string: maximum recursion depth exceeded while decoding a "
            f"JSON {container} from a unicode string")


@pytest.mark.parametrize("container", ["array", "object"])
@pytest.mark.parametrize("where", ["header", "payload"])
@pytest.mark.parametrize("depth", [100_000, DEPTH + 1])
def test_deep_nesting(container, where, depth):
    if container == "array":
        deep = b"[" * depth + b"]" * depth
    else:
        deep = b'{"a":' * depth + b"1" + b"}" * depth
    if where == "header":
        header = b'{"alg":"HS256","x":' + deep + b"}"
        token = hs(header, {"a": 1})
    else:
        token = hs({"alg": "HS256"}, b'{"x":' + deep + b"}")
    # the outer object is level 1, so `deep` starts at level 2
    msg = _deep_msg(where, container)
    calls = [lambda: jwt.decode(token, SECRET, algorithms=["HS256"]),
             lambda: jwt.decode_complete(token, SECRET, algorithms=["HS256"]),
             lambda: jwt.decode(token, options={"verify_signature": False})]
    if where == "header":
        calls.append(lambda: jwt.get_unverified_header(token))
    for call in calls:
        with pytest.raises(jwt.DecodeError) as ei:
            call()
        assert str(ei.value) == msg
    # PyJWT also refuses with DecodeError (past its recursion limit) at 100,000 levels
    if depth == 100_000:
        with pytest.raises(pyjwt.DecodeError):
            pyjwt.decode(token, SECRET, algorithms=["HS256"])


def test_nesting_at_limit_is_accepted():
    inner = b"[" * (DEPTH - 1) + b"]" * (DEPTH - 1)
    token = hs({"alg": "HS256"}, b'{"x":' + inner + b"}")
    out = check_all(token)
    assert out.ok


HUGE = "1" * 5000


@pytest.mark.parametrize("raw", [
    f'{{"exp":{HUGE}}}', f'{{"n":{HUGE}}}', f'{{"n":-{HUGE}}}', f'{{"iat":{HUGE}}}',
    f'{{"nbf":{"9" * 4300}}}', f'{{"nbf":{"9" * 4301}}}',
    '{"exp":1e999}', '{"exp":-1e999}', '{"nbf":1e999}', '{"iat":1e999}', '{"iat":-1e999}',
    f'{{"n":1{"0" * 5000}.5}}', f'{{"n":1e{"9" * 5000}}}', f'{{"n":0.{"0" * 5000}1}}',
    '{"exp":NaN}', '{"exp":Infinity}', '{"exp":-Infinity}', '{"nbf":NaN}', '{"iat":NaN}',
    '{"iat":Infinity}', '{"nbf":-Infinity}',
], ids=lambda r: r[:24])
def test_huge_and_special_numbers(raw):
    token = hs({"alg": "HS256"}, raw.encode())
    check_all(token)
    check_all(token, options={"require": ["exp", "iat", "nbf"]})
    check_all(token, leeway=10**20)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", ["1", "", "abc", "1e5", True, False, None, [], [1], {}, {"a": 1},
                                   1.5, -1, 0, 2**63, -(2**63), 2**64, 10**30, 1e308])
def test_time_claim_types(claim, value):
    token = hs({"alg": "HS256"}, {claim: value})
    check_all(token)
    check_all(token, leeway=5)


@pytest.mark.parametrize("where", ["header", "payload"])
@pytest.mark.parametrize("bad", [b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80",
                                 b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80", b"\xef\xbb\xbf",
                                 b"\x00"], ids=repr)
def test_invalid_utf8(where, bad):
    inside = b'{"alg":"HS256","x":"a' + bad + b'b"}' if where == "header" else None
    if where == "header":
        token = hs(inside, {"a": 1})
    else:
        token = hs({"alg": "HS256"}, b'{"x":"a' + bad + b'b"}')
    check_all(token)
    # and outside a string, and as a BOM/prefix
    if where == "payload":
        check_all(hs({"alg": "HS256"}, bad + b'{"a":1}'))
        check_all(hs({"alg": "HS256"}, b'{"a":1}' + bad))
    else:
        check_all(hs(bad + b'{"alg":"HS256"}', {"a": 1}))


@pytest.mark.parametrize("header", [
    b'{"alg":"none","alg":"HS256"}',
    b'{"alg":"HS256","alg":"none"}',
    b'{"alg":"HS256","alg":"HS512"}',
    b'{"alg":"RS256","alg":"HS256"}',
    b'{"alg":"HS256","alg":"RS256"}',
    b'{"alg":"HS256","kid":"a","kid":1}',
    b'{"alg":"HS256","crit":["b64"],"crit":[]}',
    b'{"alg":"HS256","b64":false,"b64":true}',
    b'{"alg":"HS256","alg":"HS256"}',
])
def test_duplicate_header_keys(header):
    check_all(hs(header, {"a": 1}))
    check_all(hs(header, {"a": 1}), algorithms=["HS256", "none", "HS512"])


@pytest.mark.parametrize("payload", [
    b'{"exp":1,"exp":99999999999}', b'{"exp":99999999999,"exp":1}',
    b'{"aud":"a","aud":"b"}', b'{"iss":"x","iss":"me"}', b'{"sub":1,"sub":"s"}',
    b'{"a":1,"a":2,"a":3}',
])
def test_duplicate_payload_keys(payload):
    token = hs({"alg": "HS256"}, payload)
    out = check_all(token)
    check_all(token, audience="b", issuer="me")
    if out.ok:
        assert out.value == json.loads(payload)


@pytest.mark.parametrize("raw", [
    b"", b" ", b"null", b"1", b'"s"', b"[]", b"[1]", b"true", b"{", b"}", b'{"a":1}x',
    b'{"a":1,}', b"{'a':1}", b'{"a":01}', b'{"a":.5}', b'{"a":+1}', b'{"a":"\\ud800"}',
    b'{"a":"\\u00"}', b'{"a":"\x01"}', b'{"a":1}\x00', b'\xff\xfe{\x00}\x00',
    b'\xfe\xff\x00{\x00}', b"\x00\x00\x00{", b'{"a":nan}', b'{"a":-NaN}',
])
@pytest.mark.parametrize("where", ["header", "payload"])
def test_malformed_json(raw, where):
    if where == "header":
        check_all(hs(raw, {"a": 1}))
    else:
        check_all(hs({"alg": "HS256"}, raw))


# --------------------------------------------------------------------------
# ECDSA signatures: wrong length, zero, the curve order, DER
# --------------------------------------------------------------------------

CURVES = {
    "ES256": (ec.SECP256R1(), hashes.SHA256(), 32,
              0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551, "p256"),
    "ES384": (ec.SECP384R1(), hashes.SHA384(), 48,
              int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                  "581A0DB248B0A77AECEC196ACCC52973", 16), "p384"),
    "ES512": (ec.SECP521R1(), hashes.SHA512(), 66,
              int("01" + "FF" * 32 + "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16), "p521"),
}


def _ec_cases():
    cases = []
    for alg, (curve, h, size, order, stem) in CURVES.items():
        priv = serialization.load_pem_private_key((KEYS / f"{stem}_priv_pkcs8.pem").read_bytes(),
                                                  None)
        pub_pem = (KEYS / f"{stem}_pub_spki.pem").read_text()
        header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        payload = b64(b'{"sub":"admin"}')
        signing_input = f"{header}.{payload}".encode()
        der = priv.sign(signing_input, ec.ECDSA(h))
        r, s = asym_utils.decode_dss_signature(der)

        def raw(r_, s_, n=size):
            return r_.to_bytes(n, "big") + s_.to_bytes(n, "big")

        sigs = {
            "valid": raw(r, s),
            "der": der,
            "r=s=0": raw(0, 0),
            "r=0": raw(0, s),
            "s=0": raw(r, 0),
            "r=n": raw(order, s),
            "s=n": raw(r, order),
            "r=s=n": raw(order, order),
            "r=n+r": raw(order + r, s) if (order + r).bit_length() <= 8 * size else raw(r, s)[::-1],
            "s=n-s (high-s)": raw(r, order - s),
            "short": raw(r, s)[:-1],
            "long": raw(r, s) + b"\x00",
            "half": raw(r, s)[:size],
            "double": raw(r, s) * 2,
            "empty": b"",
            "one-byte": b"\x00",
            "all-ff": b"\xff" * (2 * size),
            "wider-ints": raw(r, s, size + 1),
            "narrower-ints": raw(r % (1 << (8 * (size - 1))), s % (1 << (8 * (size - 1))),
                                 size - 1),
        }
        for name, sig in sigs.items():
            cases.append(pytest.param(alg, pub_pem, f"{header}.{payload}.{b64(sig)}", name,
                                      id=f"{alg}-{name}"))
    return cases


@pytest.mark.parametrize("alg,pub_pem,token,name", _ec_cases())
def test_ecdsa_signatures(alg, pub_pem, token, name):
    out = check_all(token, key=pub_pem, algorithms=[alg])
    if name == "valid" or name == "s=n-s (high-s)":
        # ECDSA signatures are malleable: (r, n-s) verifies too, in both libraries
        assert out.ok, out
    else:
        assert not out.ok and type(out.exc) is jwt.InvalidSignatureError, out
    # the same token under the other EC algorithms / keys, and as an HMAC token
    for other in CURVES:
        if other != alg:
            check_all(token, key=(KEYS / f"{CURVES[other][4]}_pub_spki.pem").read_text(),
                      algorithms=[other, alg])


# --------------------------------------------------------------------------
# keys of the wrong type, and odd arguments
# --------------------------------------------------------------------------

GOOD = hs({"alg": "HS256", "typ": "JWT"}, {"sub": "u"})


@pytest.mark.parametrize("key", [None, 1, 1.5, [], {}, object(), b"", "", bytearray(b"k" * 32),
                                 memoryview(b"k" * 32), "é" * 40, "\ud800" * 20],
                         ids=lambda k: type(k).__name__)
def test_key_types(key):
    check_all(GOOD, key=key)


@pytest.mark.parametrize("algorithms", [None, [], "HS256", ("HS256",), ["hs256"], [None], [1],
                                        ["HS256", None], {"HS256": 1}, "", [""]],
                         ids=repr)
def test_algorithms_types(algorithms):
    e, a = differential(pyjwt.decode, jwt.decode, GOOD, SECRET, algorithms=algorithms)
    if a.exc is not None:
        assert _is_allowed_exception(a.exc, e.exc)
    assert_same_outcome(e, a, repr(algorithms))


@pytest.mark.parametrize("token", [None, 1, b"", "", [], "\ud800.\ud800.\ud800", "a.b.c" * 3,
                                   bytearray(GOOD.encode()), memoryview(GOOD.encode())],
                         ids=lambda t: type(t).__name__)
def test_token_types(token):
    for fn in ("decode", "decode_complete"):
        e, a = differential(getattr(pyjwt, fn), getattr(jwt, fn), token, SECRET,
                            algorithms=["HS256"])
        if a.exc is not None:
            assert _is_allowed_exception(a.exc, e.exc)
        assert_same_outcome(e, a, fn)
    e, a = differential(pyjwt.get_unverified_header, jwt.get_unverified_header, token)
    if a.exc is not None:
        assert _is_allowed_exception(a.exc, e.exc)
    assert_same_outcome(e, a, "get_unverified_header")
