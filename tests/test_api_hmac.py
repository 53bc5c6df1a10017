"""Hand-written behaviour tests for the HMAC / none API surface, for cases random
generation is unlikely to reach. PyJWT 2.15.1 (`jwt`) is the oracle wherever it
can run the same call; hard facts are asserted only where they are security
properties (DESIGN.md, "Security") or PyJWT's documented messages.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import sys
import time
import warnings
from collections import OrderedDict
from typing import Any

import jwt as pyjwt
import jwt.algorithms
import jwt.api_jws
import jwt.api_jwt
import jwt.exceptions
import jwt.warnings
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjwt_fast
import pyjwt_fast.algorithms
import pyjwt_fast.api_jws
import pyjwt_fast.api_jwt
import pyjwt_fast.exceptions
import pyjwt_fast.warnings
from conftest import assert_same_outcome, differential, examples, outcome, safe_repr, same_value

SECRET = "s" * 64
HS = ["HS256", "HS384", "HS512"]


def both(fn_name: str, *args: Any, **kwargs: Any):
    expected, actual = differential(getattr(pyjwt, fn_name), getattr(pyjwt_fast, fn_name), *args,
                                    what=fn_name, **kwargs)
    assert_same_outcome(expected, actual, f"{fn_name}{safe_repr(args)}{safe_repr(kwargs)}")
    return actual


def both_obj(make_ref: Any, make_fast: Any, method: str, *args: Any, **kwargs: Any):
    expected, actual = differential(getattr(make_ref(), method), getattr(make_fast(), method), *args,
                                    what=method, **kwargs)
    assert_same_outcome(expected, actual, f"{method}{safe_repr(args)}{safe_repr(kwargs)}")
    return actual


def hmac_both(hash_name: str, method: str, *args: Any):
    ref = jwt.algorithms.HMACAlgorithm(getattr(jwt.algorithms.HMACAlgorithm, hash_name))
    fast = pyjwt_fast.algorithms.HMACAlgorithm(getattr(pyjwt_fast.algorithms.HMACAlgorithm, hash_name))
    expected, actual = differential(getattr(ref, method), getattr(fast, method), *args, what=method)
    assert_same_outcome(expected, actual, f"HMACAlgorithm.{method}{safe_repr(args)}")
    return actual


# ==========================================================================
# keys that must never be taken as HMAC secrets
# ==========================================================================

_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_EC = ec.generate_private_key(ec.SECP256R1())
_ED = ed25519.Ed25519PrivateKey.generate()


def _cert(key: Any) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pyjwt-fast test")])
    now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


_CERT = _cert(_RSA)
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER
SPKI = serialization.PublicFormat.SubjectPublicKeyInfo

ASYMMETRIC_KEYS = {
    "rsa-spki-pem": _RSA.public_key().public_bytes(PEM, SPKI),
    "rsa-pkcs1-pem": _RSA.public_key().public_bytes(PEM, serialization.PublicFormat.PKCS1),
    "rsa-private-pem": _RSA.private_bytes(PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()),
    "pkcs8-private-pem": _RSA.private_bytes(PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()),
    "ec-spki-pem": _EC.public_key().public_bytes(PEM, SPKI),
    "ec-private-pem": _EC.private_bytes(PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption()),
    "ed25519-spki-pem": _ED.public_key().public_bytes(PEM, SPKI),
    "certificate-pem": _CERT.public_bytes(PEM),
    "rsa-ssh": _RSA.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    "ec-ssh": _EC.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    "ed25519-ssh": _ED.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    "rsa-spki-der": _RSA.public_key().public_bytes(DER, SPKI),
    "rsa-pkcs1-der": _RSA.public_key().public_bytes(DER, serialization.PublicFormat.PKCS1),
    "ec-spki-der": _EC.public_key().public_bytes(DER, SPKI),
    "ed25519-spki-der": _ED.public_key().public_bytes(DER, SPKI),
    "certificate-der": _CERT.public_bytes(DER),
}
_PEM_RSA = ASYMMETRIC_KEYS["rsa-spki-pem"]
# the PEM variants PyJWT's tests reject (loader-accepted mutations, later blocks)
ASYMMETRIC_KEYS.update({
    "pem-tab-before-end": _PEM_RSA.replace(b"-----END", b"\t-----END"),
    "pem-cr-newlines": _PEM_RSA.replace(b"\n", b"\r"),
    "pem-no-newlines": _PEM_RSA.replace(b"\n", b""),
    "pem-after-begin-marker": b"-----BEGIN PUBLIC KEY-----" + _PEM_RSA,
    "pem-after-end-certificate": b"-----END CERTIFICATE" + _PEM_RSA,
    "pem-as-str": _PEM_RSA.decode(),
    "ssh-as-str": ASYMMETRIC_KEYS["ed25519-ssh"].decode(),
})

_RSA_JWK = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_RSA.public_key()))
_DEEP = 20000
JWK_KEYS = {
    "rsa-jwk": json.dumps(_RSA_JWK),
    "oct-jwk": json.dumps({"kty": "oct", "k": "c2VjcmV0"}),
    "jwks": json.dumps({"keys": [_RSA_JWK]}),
    "jwk-array": json.dumps([_RSA_JWK]),
    "jwk-nested-array": json.dumps([[_RSA_JWK]]),
    "bom-jwks": b"\xef\xbb\xbf" + json.dumps({"keys": [_RSA_JWK]}).encode(),
    "deep-array-jwk": b"[" * _DEEP + b'{"kty":"RSA"}' + b"]" * _DEEP,
    "deep-array-escaped-kty": b"[" * _DEEP + b'{"\\u006bty":"RSA"}' + b"]" * _DEEP,
    "jwks-oversized-int": json.dumps({"keys": [_RSA_JWK], "extra": 0}).replace('"extra": 0', '"extra": ' + "1" * 5000),
    "deep-jwk-object": b'{"kty":"RSA","nested":' + b"[" * 1100 + b"0" + b"]" * 1100 + b"}",
    "jwk-bytes": json.dumps(_RSA_JWK).encode(),
}
for _enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
    JWK_KEYS[f"ws-jwk-{_enc}"] = (" \n" + json.dumps(_RSA_JWK)).encode(_enc)
    JWK_KEYS[f"deep-jwk-surrogate-{_enc}"] = (
        '{"kty":"RSA","extra":"\ud800","nested":' + "[" * 1100 + "0" + "]" * 1100 + "}"
    ).encode(_enc, errors="surrogatepass")

# look like keys but are ordinary secrets: must be accepted exactly as PyJWT does
NOT_KEYS = {
    "incomplete-pem-marker": b"-----BEGIN PUBLIC KEY-----" * 10000,
    "deep-array-kty-string": b'["kty",' + b"[" * _DEEP + b"0" + b"]" * _DEEP + b"]",
    "json-without-kty": '{"this": "is just a json-shaped secret"}',
    "deep-non-jwk": b"[" * 1100 + b"0" + b"]" * 1100,
    "der-looking-binary": b"\x30\x82not-a-der-key",
    "ssh-word-inside": "my ssh-rsa secret " * 4,
    "json-number": "12345678901234567890123456789012",
    "json-string": '"kty"' * 8,
}


@pytest.mark.parametrize("name", sorted(ASYMMETRIC_KEYS))
@pytest.mark.parametrize("alg", HS)
def test_asymmetric_key_refused_as_hmac_secret(name: str, alg: str) -> None:
    key = ASYMMETRIC_KEYS[name]
    msg = ("The specified key is an asymmetric key or x509 certificate and should not be "
           "used as an HMAC secret.")
    res = both("encode", {"a": 1}, key, algorithm=alg)
    assert res.result == ("err", "InvalidKeyError", msg)
    # a token an attacker signed with the public key bytes as the secret
    forged = pyjwt.api_jws.PyJWS().encode(b'{"a":1}', "x" * 64, algorithm=alg)
    h, p, _ = forged.split(".")
    import hmac as _hmac
    kb = key.encode() if isinstance(key, str) else key
    sig = _hmac.new(kb, f"{h}.{p}".encode(), getattr(hashlib, "sha" + alg[2:])).digest()
    token = f"{h}.{p}.{pyjwt.utils.base64url_encode(sig).decode()}"
    res = both("decode", token, key, algorithms=[alg])
    assert res.result == ("err", "InvalidKeyError", msg)
    res = hmac_both("SHA" + alg[2:], "prepare_key", key)
    assert res.result == ("err", "InvalidKeyError", msg)


@pytest.mark.parametrize("name", sorted(JWK_KEYS))
def test_jwk_json_refused_as_hmac_secret(name: str) -> None:
    key = JWK_KEYS[name]
    msg = ("The specified key looks like a JWK and should not be used directly as an HMAC secret. "
           "Load it via PyJWK / HMACAlgorithm.from_jwk first.")
    res = hmac_both("SHA256", "prepare_key", key)
    assert res.result == ("err", "InvalidKeyError", msg)
    res = both("encode", {"a": 1}, key, algorithm="HS256")
    assert res.result == ("err", "InvalidKeyError", msg)
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    assert both("decode", token, key, algorithms=["HS256"]).result == ("err", "InvalidKeyError", msg)


@pytest.mark.parametrize("name", sorted(NOT_KEYS))
def test_key_lookalikes_accepted_as_pyjwt_does(name: str) -> None:
    key = NOT_KEYS[name]
    res = hmac_both("SHA256", "prepare_key", key)
    assert res.ok
    token = both("encode", {"a": 1}, key, algorithm="HS256")
    assert token.ok
    assert both("decode", token.value, key, algorithms=["HS256"]).value == {"a": 1}


@pytest.mark.parametrize("key", ["", b""])
@pytest.mark.parametrize("alg", HS)
def test_empty_key(key: Any, alg: str) -> None:
    res = both("encode", {"a": 1}, key, algorithm=alg)
    assert res.result == ("err", "InvalidKeyError", "HMAC key must not be empty.")
    token = pyjwt.encode({"a": 1}, SECRET, algorithm=alg)
    res = both("decode", token, key, algorithms=[alg])
    assert res.result == ("err", "InvalidKeyError", "HMAC key must not be empty.")
    # the default key is ""
    res = both("decode", token, algorithms=[alg])
    assert res.result == ("err", "InvalidKeyError", "HMAC key must not be empty.")


@pytest.mark.parametrize("key", [1, 1.5, None, object(), bytearray(b"k" * 64), memoryview(b"k" * 64),
                                 ["k"], {"k": 1}, True])
def test_key_types(key: Any) -> None:
    res = both("encode", {"a": 1}, key, algorithm="HS256")
    assert res.result == ("err", "TypeError", "Expected a string or bytes value")
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    res = both("decode", token, key, algorithms=["HS256"])
    assert res.result == ("err", "TypeError", "Expected a string or bytes value")
    res = hmac_both("SHA256", "prepare_key", key)
    assert res.result == ("err", "TypeError", "Expected a string or bytes value")


def test_str_key_with_lone_surrogate() -> None:
    both("encode", {"a": 1}, "k" * 40 + "\udc80", algorithm="HS256")
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    both("decode", token, "\ud800" * 40, algorithms=["HS256"])


@pytest.mark.parametrize("alg", HS)
@pytest.mark.parametrize("length", [1, 31, 32, 47, 48, 63, 64])
@pytest.mark.parametrize("enforce", [False, True])
def test_key_length_warning_and_enforcement(alg: str, length: int, enforce: bool) -> None:
    key = "k" * length
    opts = {"enforce_minimum_key_length": enforce}
    enc = both_obj(lambda: jwt.api_jwt.PyJWT(opts), lambda: pyjwt_fast.api_jwt.PyJWT(opts),
                   "encode", {"a": 1}, key, algorithm=alg)
    token = pyjwt.encode({"a": 1}, key, algorithm=alg) if not enc.ok else enc.value
    both("decode", token, key, algorithms=[alg], options=opts)
    both_obj(lambda: jwt.api_jws.PyJWS(options=opts), lambda: pyjwt_fast.api_jws.PyJWS(options=opts),
             "encode", b"payload", key, algorithm=alg)
    hmac_both("SHA" + alg[2:], "check_key_length", key.encode())


def test_errors_never_echo_key_material() -> None:
    marker = "TOPSECRET-KEY-MATERIAL-0123456789abcdef"
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    for call in (
        lambda m: m.decode(token, marker, algorithms=["HS256"]),
        lambda m: m.decode(token, marker.encode(), algorithms=["HS512"]),
        lambda m: m.decode(token + "x", marker, algorithms=["HS256"]),
        lambda m: m.encode({"a": 1}, marker, algorithm="none"),
        lambda m: m.encode({"a": 1}, '{"kty":"oct","k":"' + marker + '"}', algorithm="HS256"),
    ):
        res = outcome(call, pyjwt_fast)
        assert not res.ok
        assert marker not in res.result[2]
        for _, message in res.warnings:
            assert marker not in message


# ==========================================================================
# algorithms= and the none algorithm
# ==========================================================================


@pytest.mark.parametrize("algorithms", [None, [], (), set(), "", {}])
def test_algorithms_required(algorithms: Any) -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    msg = 'It is required that you pass in a value for the "algorithms" argument when calling decode().'
    for fn in ("decode", "decode_complete"):
        res = both(fn, token, SECRET, algorithms=algorithms)
        assert res.result == ("err", "DecodeError", msg)
    res = both_obj(jwt.api_jws.PyJWS, pyjwt_fast.api_jws.PyJWS, "decode", token, SECRET, algorithms=algorithms)
    assert res.result == ("err", "DecodeError", msg)
    # not needed without verification
    assert both("decode", token, SECRET, algorithms=algorithms, options={"verify_signature": False}).ok
    assert both("decode", token, algorithms=algorithms, options={"verify_signature": False}).ok


@pytest.mark.parametrize("algorithms", ["HS256", "HS256,HS512", "xHS256x", "HS", "HS2560", ("HS256",),
                                        frozenset({"HS256"}), {"HS256": True}, ["HS384"]])
@pytest.mark.parametrize("token_alg", HS + ["none"])
def test_algorithms_as_string_and_other_containers(algorithms: Any, token_alg: str) -> None:
    """PyJWT tests `alg in algorithms`: a str allowlist matches substrings."""
    key = SECRET if token_alg != "none" else None
    token = pyjwt.encode({"a": 1}, key, algorithm=token_alg)
    both("decode", token, SECRET if key else None, algorithms=algorithms)
    both("decode_complete", token, SECRET if key else None, algorithms=algorithms)


@pytest.mark.parametrize("header_alg", ["HS1024", "RS0", "hs256", "HS256 ", "HS25", "None", "NONE", "", None, 1,
                                        ["HS256"], {"a": 1}])
def test_unknown_or_malformed_alg_in_header(header_alg: Any) -> None:
    hdr = json.dumps({"alg": header_alg, "typ": "JWT"}, separators=(",", ":")).encode()
    h = pyjwt.utils.base64url_encode(hdr).decode()
    token = f"{h}.e30.c2ln"
    for algorithms in ([header_alg], ["HS256"], ["HS256", "none"], [header_alg, "HS256"]):
        both("decode", token, SECRET, algorithms=algorithms)
    both("decode", token, options={"verify_signature": False})
    both("get_unverified_header", token)


def test_none_only_when_listed_and_verification_off() -> None:
    token = pyjwt.encode({"a": 1}, None, algorithm="none")
    assert token.endswith(".")
    # verification on: refused whatever the allowlist says
    for algorithms in (["none"], ["HS256", "none"], "none"):
        for key in ("", None):
            res = both("decode", token, key, algorithms=algorithms)
            assert res.result == ("err", "InvalidSignatureError", "Signature verification failed")
        res = both("decode", token, SECRET, algorithms=algorithms)
        assert res.result == ("err", "InvalidKeyError", 'When alg = "none", key value must be None.')
    for algorithms in (["HS256"], ["HS256", "HS384", "HS512"]):
        res = both("decode", token, SECRET, algorithms=algorithms)
        assert res.result == ("err", "InvalidAlgorithmError", "The specified alg value is not allowed")
    # verification off: accepted
    assert both("decode", token, options={"verify_signature": False}).value == {"a": 1}
    # a none token carrying a signature is still not verified
    h, p, _ = token.split(".")
    forged = f"{h}.{p}.{pyjwt.utils.base64url_encode(b'x' * 32).decode()}"
    res = both("decode", forged, algorithms=["none"])
    assert res.result == ("err", "InvalidSignatureError", "Signature verification failed")
    # an HS256 token relabelled as none
    hs = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    none_hdr = pyjwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    relabelled = none_hdr + hs[hs.index("."):]
    for key in (None, SECRET):
        both("decode", relabelled, key, algorithms=["none", "HS256"])


@pytest.mark.parametrize("key", [None, "", b"", "secret", 0, False, b"x"])
def test_encode_none_algorithm_keys(key: Any) -> None:
    for alg in ("none", None):
        both("encode", {"a": 1}, key, algorithm=alg)
        both("encode", {"a": 1}, key, alg)
    both("encode", {"a": 1}, key, headers={"alg": "none"})
    both("encode", {"a": 1}, key)  # default HS256


def test_none_algorithm_object() -> None:
    for key in (None, "", b"", "x", 0, False):
        expected = outcome(jwt.algorithms.NoneAlgorithm().prepare_key, key)
        actual = outcome(pyjwt_fast.algorithms.NoneAlgorithm().prepare_key, key)
        assert_same_outcome(expected, actual, f"NoneAlgorithm.prepare_key({key!r})")
    for mod in (jwt.algorithms, pyjwt_fast.algorithms):
        algo = mod.NoneAlgorithm()
        assert algo.sign(b"msg", None) == b""
        assert algo.verify(b"msg", None, b"") is False
        assert algo.verify(b"msg", None, b"sig") is False
        assert algo.check_key_length(None) is None
        with pytest.raises(NotImplementedError):
            algo.to_jwk("dummy")
        with pytest.raises(NotImplementedError):
            algo.from_jwk({})
        with pytest.raises(NotImplementedError):
            algo.compute_hash_digest(b"x")


# ==========================================================================
# HMACAlgorithm
# ==========================================================================


@pytest.mark.parametrize("hash_name", ["SHA256", "SHA384", "SHA512"])
def test_hmac_algorithm_surface(hash_name: str) -> None:
    assert getattr(pyjwt_fast.algorithms.HMACAlgorithm, hash_name) is getattr(hashlib, hash_name.lower())
    for key in ("secret", b"secret", "k" * 64, "\xc2"):
        prepared = hmac_both(hash_name, "prepare_key", key).value
        sig = hmac_both(hash_name, "sign", b"msg", prepared).value
        assert hmac_both(hash_name, "verify", b"msg", prepared, sig).value is True
        hmac_both(hash_name, "verify", b"msg", prepared, sig[:-1])
        hmac_both(hash_name, "verify", b"msg", prepared, sig + b"\x00")
        hmac_both(hash_name, "verify", b"msg", prepared, b"")
        hmac_both(hash_name, "check_key_length", prepared)
    hmac_both(hash_name, "compute_hash_digest", b"abc")
    assert isinstance(pyjwt_fast.algorithms.HMACAlgorithm(getattr(pyjwt_fast.algorithms.HMACAlgorithm, hash_name)),
                      pyjwt_fast.algorithms.Algorithm)


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "oct", "k": "c2VjcmV0"},
        '{"kty": "oct", "k": "c2VjcmV0"}',
        {"kty": "oct", "k": ""},
        {"kty": "RSA", "k": "c2VjcmV0"},
        {"k": "c2VjcmV0"},
        {"kty": "oct"},
        "{}",
        "not json",
        "[1]",
        42,
        None,
        ["kty"],
        {"kty": "oct", "k": "c2VjcmV0=="},
        {"kty": "oct", "k": "!!!!"},
        {"kty": "oct", "k": 1},
        OrderedDict(kty="oct", k="YQ"),
    ],
)
def test_hmac_from_jwk(jwk: Any) -> None:
    expected = outcome(jwt.algorithms.HMACAlgorithm.from_jwk, copy.deepcopy(jwk))
    actual = outcome(pyjwt_fast.algorithms.HMACAlgorithm.from_jwk, copy.deepcopy(jwk))
    assert_same_outcome(expected, actual, f"from_jwk({jwk!r})")


@pytest.mark.parametrize("key", ["secret", b"secret", b"\x00\xff", "é", "", 1, None])
@pytest.mark.parametrize("as_dict", [False, True, None])
def test_hmac_to_jwk(key: Any, as_dict: Any) -> None:
    kw = {} if as_dict is None else {"as_dict": as_dict}
    expected = outcome(jwt.algorithms.HMACAlgorithm.to_jwk, key, **kw)
    actual = outcome(pyjwt_fast.algorithms.HMACAlgorithm.to_jwk, key, **kw)
    assert_same_outcome(expected, actual, f"to_jwk({key!r}, {kw})")


@settings(max_examples=examples(2000))
@given(
    hash_name=st.sampled_from(["SHA256", "SHA384", "SHA512"]),
    key=st.one_of(st.binary(max_size=150), st.text(max_size=80)),
    msg=st.binary(max_size=300),
    sig=st.one_of(st.none(), st.binary(max_size=70)),
)
def test_hmac_algorithm_differential(hash_name: str, key: Any, msg: bytes, sig: Any) -> None:
    prepared = hmac_both(hash_name, "prepare_key", key)
    hmac_both(hash_name, "check_key_length", key.encode() if isinstance(key, str) else key)
    if not prepared.ok:
        return
    good = hmac_both(hash_name, "sign", msg, prepared.value).value
    assert hmac_both(hash_name, "verify", msg, prepared.value, good).value is True
    if sig is not None:
        hmac_both(hash_name, "verify", msg, prepared.value, sig)


# ==========================================================================
# exceptions and warnings modules
# ==========================================================================

EXCEPTION_NAMES = sorted(
    name for name, obj in vars(jwt.exceptions).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
)


@pytest.mark.parametrize("name", EXCEPTION_NAMES)
def test_exception_classes(name: str) -> None:
    ref = getattr(jwt.exceptions, name)
    fast = getattr(pyjwt_fast.exceptions, name)
    assert [c.__name__ for c in fast.__mro__] == [c.__name__ for c in ref.__mro__]
    if name in pyjwt.__all__:
        assert getattr(pyjwt_fast, name) is fast
    if name == "MissingRequiredClaimError":
        e, f = ref("exp"), fast("exp")
        assert str(f) == str(e) == 'Token is missing the "exp" claim'
        assert f.claim == "exp"
        assert repr(f) == repr(e)
        assert f.args == e.args
    else:
        e, f = ref("msg", 2), fast("msg", 2)
        assert (str(f), repr(f), f.args) == (str(e), repr(e), e.args)


def test_exception_hierarchy_catches() -> None:
    E = pyjwt_fast.exceptions
    assert issubclass(E.InvalidSignatureError, E.DecodeError)
    assert issubclass(E.DecodeError, E.InvalidTokenError)
    assert issubclass(E.InvalidKeyError, E.PyJWTError)
    assert not issubclass(E.InvalidKeyError, E.InvalidTokenError)
    assert issubclass(E.MissingCryptographyError, E.PyJWKError)


def test_warning_classes() -> None:
    for name in ("InsecureKeyLengthWarning", "RemovedInPyjwt3Warning"):
        ref = getattr(jwt.warnings, name)
        fast = getattr(pyjwt_fast.warnings, name)
        assert [c.__name__ for c in fast.__mro__] == [c.__name__ for c in ref.__mro__]
    assert issubclass(pyjwt_fast.warnings.RemovedInPyjwt3Warning, DeprecationWarning)
    assert issubclass(pyjwt_fast.warnings.InsecureKeyLengthWarning, UserWarning)
    assert pyjwt_fast.InsecureKeyLengthWarning is pyjwt_fast.warnings.InsecureKeyLengthWarning


def test_public_names() -> None:
    for name in pyjwt.__all__:
        if name in ("PyJWKClient", "PyJWK", "PyJWKSet"):
            continue  # not in this round's scope
        assert hasattr(pyjwt_fast, name), name
    assert pyjwt_fast.PyJWT is pyjwt_fast.api_jwt.PyJWT
    assert pyjwt_fast.PyJWS is pyjwt_fast.api_jws.PyJWS


def test_missing_required_claim_messages() -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    for require in (["exp"], ["iat", "exp"], ("nbf",), "exp", ["a", "sub"], ["jti"]):
        res = both("decode", token, SECRET, algorithms=["HS256"], options={"require": require})
        if not res.ok:
            assert res.result[1] == "MissingRequiredClaimError"
            assert res.exc.claim in (require if not isinstance(require, str) else list(require))
    # present but null counts as missing
    token = pyjwt.encode({"exp": None}, SECRET, algorithm="HS256")
    res = both("decode", token, SECRET, algorithms=["HS256"], options={"require": ["exp"], "verify_exp": False})
    assert res.result == ("err", "MissingRequiredClaimError", 'Token is missing the "exp" claim')


# ==========================================================================
# deprecations: unsupported kwargs and verify=
# ==========================================================================

_THIS_FILE = __file__


def _attribution(res: Any) -> list:
    """'caller' where a warning points at the calling code (this file), else 'library'."""
    return [("caller" if f == _THIS_FILE else "library") for f in res.warning_files]


def _call_here(fn: Any, *args: Any, **kwargs: Any) -> Any:
    # the library call is made from this file, so stacklevel=2 warnings point here
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn(*args, **kwargs)
        except Exception:  # noqa: BLE001
            pass
    return [(w.category.__name__, str(w.message), "caller" if w.filename == _THIS_FILE else "library")
            for w in caught]


@pytest.mark.parametrize("extra", [{"foo": 1}, {"foo": 1, "bar": 2}, {"bar": 2, "foo": 1}, {"verify_exp": False}])
def test_unsupported_kwargs_warning(extra: dict) -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    both("decode", token, SECRET, algorithms=["HS256"], **extra)
    both("decode_complete", token, SECRET, algorithms=["HS256"], **extra)
    both_obj(jwt.api_jws.PyJWS, pyjwt_fast.api_jws.PyJWS, "decode", token, SECRET, algorithms=["HS256"], **extra)
    both_obj(jwt.api_jws.PyJWS, pyjwt_fast.api_jws.PyJWS, "decode_complete", token, SECRET,
             algorithms=["HS256"], **extra)
    res = outcome(pyjwt_fast.decode, token, SECRET, algorithms=["HS256"], **extra)
    assert [c for c, _ in res.warnings] == ["RemovedInPyjwt3Warning"]


@pytest.mark.parametrize("entry", ["decode", "decode_complete", "PyJWS.decode", "PyJWS.decode_complete"])
def test_deprecation_warnings_point_at_the_caller(entry: str) -> None:
    """DeprecationWarnings are only shown by default when attributed to __main__
    code: the stacklevel must blame the same frame as PyJWT's does."""
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")

    def fn(mod: Any, api_jws: Any) -> Any:
        if entry.startswith("PyJWS."):
            return getattr(api_jws.PyJWS(), entry[6:])
        return getattr(mod, entry)

    for kw in ({"foo": 1}, {"verify": False}, {"verify": True, "options": {"verify_signature": False}}):
        if entry.startswith("PyJWS.") and "verify" in kw:
            continue
        e = _call_here(fn(pyjwt, jwt.api_jws), token, SECRET, algorithms=["HS256"], **kw)
        a = _call_here(fn(pyjwt_fast, pyjwt_fast.api_jws), token, SECRET, algorithms=["HS256"], **kw)
        assert a == e, (entry, kw)


@pytest.mark.parametrize("verify", [None, True, False, 0, 1])
@pytest.mark.parametrize("options", [None, {}, {"verify_signature": False}, {"verify_signature": True},
                                     {"verify_signature": 0}])
def test_legacy_verify_argument(verify: Any, options: Any) -> None:
    token = pyjwt.encode({"a": 1, "exp": int(time.time()) - 1000}, SECRET, algorithm="HS256")
    for fn in ("decode", "decode_complete"):
        both(fn, token, SECRET, algorithms=["HS256"], verify=verify, options=options)


# ==========================================================================
# no mutation of the caller's objects; fresh results
# ==========================================================================


@pytest.mark.parametrize("options", [{"verify_signature": False}, {"verify_signature": True},
                                     {"verify_exp": False, "require": ["a"]}, {}])
def test_options_not_mutated(options: dict) -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    for fn in (pyjwt_fast.decode, pyjwt_fast.decode_complete):
        opts = copy.deepcopy(options)
        fn(token, SECRET, algorithms=["HS256"], options=opts)
        assert opts == options
    opts = copy.deepcopy(options)
    inst = pyjwt_fast.api_jwt.PyJWT(options=opts)
    assert opts == options
    inst.decode(token, SECRET, algorithms=["HS256"], options=opts)
    assert opts == options


def test_reused_options_do_not_disable_claim_verification() -> None:
    options = {"verify_signature": False}
    token = pyjwt.encode({"exp": int(time.time()) - 100}, SECRET, algorithm="HS256")
    pyjwt_fast.decode(token, options=options)
    options["verify_signature"] = True
    res = outcome(pyjwt_fast.decode, token, SECRET, algorithms=["HS256"], options=options)
    assert res.result[1] == "ExpiredSignatureError"


def test_instance_options_not_shared() -> None:
    a = pyjwt_fast.api_jwt.PyJWT({"verify_exp": False})
    b = pyjwt_fast.api_jwt.PyJWT()
    assert a.options["verify_exp"] is False and b.options["verify_exp"] is True
    assert same_value(a.options, jwt.api_jwt.PyJWT({"verify_exp": False}).options)
    assert same_value(pyjwt_fast.api_jwt.PyJWT({"verify_signature": False}).options,
                      jwt.api_jwt.PyJWT({"verify_signature": False}).options)
    token = pyjwt.encode({"exp": int(time.time()) - 100}, SECRET, algorithm="HS256")
    assert outcome(b.decode, token, SECRET, algorithms=["HS256"]).result[1] == "ExpiredSignatureError"
    assert outcome(a.decode, token, SECRET, algorithms=["HS256"]).ok
    # the options attribute is live in PyJWT: changing it changes later decodes
    a.options["verify_exp"] = True
    ref = jwt.api_jwt.PyJWT({"verify_exp": False})
    ref.options["verify_exp"] = True
    assert_same_outcome(outcome(ref.decode, token, SECRET, algorithms=["HS256"]),
                        outcome(a.decode, token, SECRET, algorithms=["HS256"]))


def test_encode_does_not_mutate_payload_or_headers() -> None:
    now = dt.datetime.now(tz=dt.timezone.utc)
    naive = dt.datetime(2030, 1, 1, 12, 0, 0)
    payload = {"exp": now, "iat": naive, "nbf": now, "nested": {"l": [1, 2]}, "aud": ["a"]}
    original = {"exp": now, "iat": naive, "nbf": now, "nested": {"l": [1, 2]}, "aud": ["a"]}
    headers = {"kid": "k1", "crit": ["x"], "b64": False}
    headers_original = copy.deepcopy(headers)
    pyjwt_fast.encode(payload, SECRET, algorithm="HS256", headers={"kid": "k1"})
    assert payload == original and payload["exp"] is now and payload["iat"] is naive
    both("encode", payload, SECRET, algorithm="HS256", headers=headers)
    pyjwt_fast.encode(payload, SECRET, algorithm="HS256", headers=headers)
    assert headers == headers_original
    assert payload == original


def test_encode_datetime_claims_match_pyjwt() -> None:
    now = dt.datetime.now(tz=dt.timezone.utc)
    for value in (now, now.replace(tzinfo=None), now.astimezone(dt.timezone(dt.timedelta(hours=-7))),
                  dt.datetime(1969, 12, 31, 23, 59, 59, 999999), dt.datetime(1, 1, 1),
                  dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc),
                  dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))):
        payload = {"exp": value, "iat": value, "nbf": value}
        res = both("encode", payload, SECRET, algorithm="HS256")
        if res.ok:
            both("decode", res.value, SECRET, algorithms=["HS256"], leeway=10,
                 options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})


@pytest.mark.parametrize("entry", ["decode", "decode_complete"])
def test_results_are_fresh_objects(entry: str) -> None:
    """Decoding the same token twice (the header cache of DESIGN.md) must give
    independent objects the caller may mutate."""
    headers = {"kid": "k1", "x5c": ["a", "b"], "ext": {"n": [1]}}
    token = pyjwt.encode({"a": 1, "l": [1, {"b": 2}]}, SECRET, algorithm="HS256", headers=headers)
    fn = getattr(pyjwt_fast, entry)
    first = fn(token, SECRET, algorithms=["HS256"])
    pristine = copy.deepcopy(first)
    payload = first if entry == "decode" else first["payload"]
    payload["a"] = 2
    payload["l"][1]["b"] = 3
    payload["l"].append(4)
    payload["new"] = True
    if entry == "decode_complete":
        first["header"]["alg"] = "none"
        first["header"]["x5c"].append("c")
        first["header"]["ext"]["n"].append(2)
        first["header"]["kid"] = "other"
        first["signature"] = b""
    for _ in range(3):
        again = fn(token, SECRET, algorithms=["HS256"])
        assert again == pristine
        assert again is not first
    hdr = pyjwt_fast.get_unverified_header(token)
    hdr["x5c"].append("z")
    hdr["alg"] = "x"
    assert pyjwt_fast.get_unverified_header(token) == pyjwt.get_unverified_header(token)
    assert pyjwt_fast.decode_complete(token, SECRET, algorithms=["HS256"])["header"] == pyjwt.get_unverified_header(token)
    # also through bytes tokens and another instance
    assert pyjwt_fast.api_jwt.PyJWT().decode_complete(token.encode(), SECRET, algorithms=["HS256"]) == (
        pristine if entry == "decode_complete" else pyjwt.decode_complete(token, SECRET, algorithms=["HS256"]))


def test_unverified_then_verified_header_is_fresh() -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256", headers={"kid": "k1"})
    h1 = pyjwt_fast.get_unverified_header(token)
    h1["alg"] = "none"
    d = pyjwt_fast.decode_complete(token, SECRET, algorithms=["HS256"])
    assert d["header"] == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
    d["header"]["kid"] = "x"
    assert pyjwt_fast.get_unverified_header(token)["kid"] == "k1"


# ==========================================================================
# token types
# ==========================================================================


@pytest.mark.parametrize("form", ["str", "bytes"])
def test_token_as_str_and_bytes(form: str) -> None:
    token = pyjwt.encode({"a": [1, 2]}, SECRET, algorithm="HS384", headers={"kid": "x"})
    tok = token if form == "str" else token.encode()
    both("decode", tok, SECRET, algorithms=["HS384"])
    both("decode_complete", tok, SECRET, algorithms=["HS384"])
    both("get_unverified_header", tok)
    both_obj(jwt.api_jws.PyJWS, pyjwt_fast.api_jws.PyJWS, "decode", tok, SECRET, algorithms=["HS384"])


class StrSub(str):
    pass


class BytesSub(bytes):
    pass


@pytest.mark.parametrize("token", [None, 123, 1.5, bytearray(b"a.b.c"), memoryview(b"a.b.c"), ["a.b.c"],
                                   {"a": 1}, object(), True])
def test_non_str_bytes_token(token: Any) -> None:
    msg = "Invalid token type. Token must be a <class 'bytes'>"
    for fn in ("decode", "decode_complete"):
        assert both(fn, token, SECRET, algorithms=["HS256"]).result == ("err", "DecodeError", msg)
    assert both("get_unverified_header", token).result == ("err", "DecodeError", msg)
    res = both_obj(jwt.api_jws.PyJWS, pyjwt_fast.api_jws.PyJWS, "decode", token, SECRET, algorithms=["HS256"])
    assert res.result == ("err", "DecodeError", msg)


def test_str_and_bytes_subclass_tokens() -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    for tok in (StrSub(token), BytesSub(token.encode())):
        both("decode", tok, SECRET, algorithms=["HS256"])
        both("get_unverified_header", tok)


@pytest.mark.parametrize("tok", ["", ".", "..", "...", "a", "a.b", "a..", ".b.", "é.é.é", "\ud800.a.b",
                                 "eyJhbGciOiJIUzI1NiJ9.e30.", "eyJhbGciOiJIUzI1NiJ9..", b"\xff.\xff.\xff",
                                 "eyJhbGciOiJIUzI1NiJ9.e30.\x00"])
def test_degenerate_tokens(tok: Any) -> None:
    both("decode", tok, SECRET, algorithms=["HS256"])
    both("decode", tok, options={"verify_signature": False})
    both("get_unverified_header", tok)


# ==========================================================================
# payload/header edge cases hard to hit at random
# ==========================================================================


def test_circular_payload() -> None:
    payload: dict = {"a": 1}
    payload["self"] = payload
    res_e = outcome(pyjwt.encode, payload, SECRET, algorithm="HS256")
    res_a = outcome(pyjwt_fast.encode, payload, SECRET, algorithm="HS256")
    assert_same_outcome(res_e, res_a, "circular payload")
    lst: list = [1]
    lst.append(lst)
    assert_same_outcome(outcome(pyjwt.encode, {"l": lst}, SECRET), outcome(pyjwt_fast.encode, {"l": lst}, SECRET))


@pytest.mark.parametrize("limit", [0, 640, 5000])
def test_int_max_str_digits_setting(limit: int) -> None:
    """Python's int<->str digit limit is process state json honours both ways."""
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(0)
        tokens = [pyjwt.encode({"n": n}, SECRET, algorithm="HS256") for n in (10**700, 10**4400, -(10**5000))]
        sys.set_int_max_str_digits(limit)
        for n, token in zip((10**700, 10**4400, -(10**5000)), tokens):
            both("encode", {"n": n}, SECRET, algorithm="HS256")
            both("decode", token, SECRET, algorithms=["HS256"])
    finally:
        sys.set_int_max_str_digits(old)


@pytest.mark.parametrize("value", ["123", " 123 ", "+123", "1_000", "٣", "𝟓", "0x10", "1e3", "", "-0", "00"])
@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_string_time_claims_parsed_like_int(value: str, claim: str) -> None:
    """PyJWT runs int() on the claim: whitespace, '+', '_' and Unicode digits are
    accepted by int()."""
    future = str(int(time.time()) + 3600)
    for v in (value, value.replace("123", future)):
        token = pyjwt.encode({claim: v}, SECRET, algorithm="HS256")
        both("decode", token, SECRET, algorithms=["HS256"])
        both("decode", token, SECRET, algorithms=["HS256"], leeway=dt.timedelta(days=-1))


@pytest.mark.parametrize("header", [
    {"crit": ["b64"]}, {"crit": []}, {"crit": "b64"}, {"crit": ["b64"], "b64": True},
    {"crit": [1]}, {"crit": None}, {"b64": 0}, {"b64": "false"}, {"crit": ["b64", "b64"], "b64": False},
])
def test_crit_and_b64_on_encode_and_decode(header: dict) -> None:
    res = both("encode", {"a": 1}, SECRET, algorithm="HS256", headers=header)
    if res.ok:
        both("decode", res.value, SECRET, algorithms=["HS256"])
        both("decode", res.value, SECRET, algorithms=["HS256"], detached_payload=b'{"a":1}')
        both("get_unverified_header", res.value)


# ==========================================================================
# subclass hooks and registered algorithms (DESIGN.md: honoured, fast path steps aside)
# ==========================================================================


def _subclasses(base_jwt: Any, base_jws: Any) -> dict:
    import zlib

    class CompressedJWT(base_jwt):
        def _encode_payload(self, payload, headers=None, json_encoder=None):  # type: ignore[no-untyped-def]
            return zlib.compress(super()._encode_payload(payload, headers, json_encoder))

        def _decode_payload(self, decoded):  # type: ignore[no-untyped-def]
            decoded["payload"] = zlib.decompress(decoded["payload"])
            return super()._decode_payload(decoded)

    class NoAudJWT(base_jwt):
        def _validate_aud(self, payload, audience, *, strict=False):  # type: ignore[no-untyped-def]
            return None

    class CustomTyp(base_jws):
        header_typ = "at+jwt"

    return {"compressed": CompressedJWT, "noaud": NoAudJWT, "typ": CustomTyp}


def test_subclass_hooks() -> None:
    ref = _subclasses(jwt.api_jwt.PyJWT, jwt.api_jws.PyJWS)
    fast = _subclasses(pyjwt_fast.api_jwt.PyJWT, pyjwt_fast.api_jws.PyJWS)
    e = outcome(ref["compressed"]().encode, {"a": 1, "exp": int(time.time()) + 100}, SECRET, algorithm="HS256")
    a = outcome(fast["compressed"]().encode, {"a": 1, "exp": int(time.time()) + 100}, SECRET, algorithm="HS256")
    assert_same_outcome(e, a, "compressed encode")
    assert_same_outcome(outcome(ref["compressed"]().decode, e.value, SECRET, algorithms=["HS256"]),
                        outcome(fast["compressed"]().decode, e.value, SECRET, algorithms=["HS256"]))
    token = pyjwt.encode({"aud": "someone"}, SECRET, algorithm="HS256")
    assert_same_outcome(outcome(ref["noaud"]().decode, token, SECRET, algorithms=["HS256"]),
                        outcome(fast["noaud"]().decode, token, SECRET, algorithms=["HS256"]))
    assert_same_outcome(outcome(ref["typ"]().encode, b"x", SECRET), outcome(fast["typ"]().encode, b"x", SECRET))


def test_registered_python_algorithm() -> None:
    def make(mod: Any) -> Any:
        class SHA3HMAC(mod.algorithms.HMACAlgorithm):
            def __init__(self) -> None:
                super().__init__(hashlib.sha3_256)

        jws = mod.api_jws.PyJWS()
        jws.register_algorithm("XS3", SHA3HMAC())
        return jws

    ref, fast = make(jwt), make(pyjwt_fast)
    assert_same_outcome(outcome(ref.encode, b"payload", SECRET, algorithm="XS3"),
                        outcome(fast.encode, b"payload", SECRET, algorithm="XS3"))
    token = ref.encode(b"payload", SECRET, algorithm="XS3")
    assert_same_outcome(outcome(ref.decode, token, SECRET, algorithms=["XS3"]),
                        outcome(fast.decode, token, SECRET, algorithms=["XS3"]))
    assert_same_outcome(outcome(ref.register_algorithm, "HS256", jwt.algorithms.NoneAlgorithm()),
                        outcome(fast.register_algorithm, "HS256", pyjwt_fast.algorithms.NoneAlgorithm()))
    assert_same_outcome(outcome(ref.register_algorithm, "YY", object()),
                        outcome(fast.register_algorithm, "YY", object()))
    ref.unregister_algorithm("HS256")
    fast.unregister_algorithm("HS256")
    assert_same_outcome(outcome(ref.encode, b"p", SECRET, algorithm="HS256"),
                        outcome(fast.encode, b"p", SECRET, algorithm="HS256"))
    hs = pyjwt.api_jws.PyJWS().encode(b"p", SECRET, algorithm="HS256")
    assert_same_outcome(outcome(ref.decode, hs, SECRET, algorithms=["HS256"]),
                        outcome(fast.decode, hs, SECRET, algorithms=["HS256"]))
    assert_same_outcome(outcome(ref.unregister_algorithm, "HS256"), outcome(fast.unregister_algorithm, "HS256"))


def test_pyjws_restricted_algorithms() -> None:
    for algs in (["HS256"], ["none"], [], ["HS512", "none"]):
        ref, fast = jwt.api_jws.PyJWS(algorithms=algs), pyjwt_fast.api_jws.PyJWS(algorithms=algs)
        assert sorted(ref.get_algorithms()) == sorted(fast.get_algorithms())
        for alg in HS + ["none"]:
            key = SECRET if alg != "none" else None
            assert_same_outcome(outcome(ref.encode, b"p", key, algorithm=alg), outcome(fast.encode, b"p", key, algorithm=alg))
            token = pyjwt.api_jws.PyJWS().encode(b"p", key, algorithm=alg)
            assert_same_outcome(outcome(ref.decode, token, key, algorithms=[alg]),
                                outcome(fast.decode, token, key, algorithms=[alg]))
            describe = lambda jws, a: (lambda o: (type(o).__name__, getattr(o, "hash_alg", None)))(  # noqa: E731
                jws.get_algorithm_by_name(a))
            assert_same_outcome(outcome(describe, ref, alg), outcome(describe, fast, alg))


def test_module_level_jws_functions() -> None:
    assert_same_outcome(outcome(jwt.api_jws.get_algorithm_by_name, "HS1024"),
                        outcome(pyjwt_fast.api_jws.get_algorithm_by_name, "HS1024"))
    for name in HS + ["none"]:
        a = pyjwt_fast.get_algorithm_by_name(name)
        assert type(a).__name__ == type(pyjwt.get_algorithm_by_name(name)).__name__


# ==========================================================================
# JSON nesting: PyJWT's limit is Python's recursion limit, counted from the caller
# ==========================================================================


def _nested_array(depth: int) -> bytes:
    return b"[" * depth + b"0" + b"]" * depth


def _depth_token(where: str, depth: int) -> str:
    b64 = lambda raw: pyjwt.utils.base64url_encode(raw).decode()  # noqa: E731
    if where == "header":
        return b64(b'{"alg":"HS256","x":' + _nested_array(depth) + b"}") + ".e30.c2ln"
    h = b64(b'{"alg":"HS256"}')
    p = b64(b'{"x":' + _nested_array(depth) + b"}")
    import hmac as _hmac
    sig = _hmac.new(SECRET.encode(), f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64(sig)}"


DEPTH_ENTRIES = {
    "decode": lambda m, t: m.decode(t, SECRET, algorithms=["HS256"], options={"verify_signature": False}),
    "decode_complete": lambda m, t: m.decode_complete(t, SECRET, algorithms=["HS256"],
                                                      options={"verify_signature": False}),
    "get_unverified_header": lambda m, t: m.get_unverified_header(t),
    "PyJWT().decode": lambda m, t: m.api_jwt.PyJWT().decode(t, SECRET, algorithms=["HS256"]),
    "PyJWS().decode": lambda m, t: m.api_jws.PyJWS().decode(t, SECRET, algorithms=["HS256"],
                                                            options={"verify_signature": False}),
    "PyJWS().decode_complete": lambda m, t: m.api_jws.PyJWS().decode_complete(t, SECRET, algorithms=["HS256"]),
}


def _max_accepted_depth(mod: Any, entry: str, where: str) -> int:
    """Deepest nesting the call parses, found by bisection from this same frame."""
    call = DEPTH_ENTRIES[entry]
    lo, hi = 1, 5000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            call(mod, _depth_token(where, mid))
            refused = False
        except Exception as exc:  # noqa: BLE001
            refused = "maximum recursion depth exceeded" in str(exc)
        if refused:
            hi = mid - 1
        else:
            lo = mid
    return lo


DEPTH_CASES = [(e, "header") for e in sorted(DEPTH_ENTRIES)] + [
    (e, "payload") for e in ("decode", "decode_complete", "PyJWT().decode")  # those parse the payload
]


@pytest.mark.parametrize("entry,where", DEPTH_CASES)
def test_nesting_limit_matches_pyjwt_from_the_same_caller(entry: str, where: str) -> None:
    """PyJWT parses JSON nested as deep as the interpreter's recursion limit allows
    from where it is called (about 950 levels), and refuses one level more with
    DecodeError ("... maximum recursion depth exceeded while decoding a JSON array
    ...", raised from the RecursionError). Called from the same frame, pyjwt_fast
    must draw the line at the same depth. Deeper is never allowed (it would accept
    what PyJWT refuses); shallower only where an entry of test_differential.STRICTER
    (documented in docs/compat.md) covers the token, and then with PyJWT's own
    exception class, message and cause type."""
    from test_differential import STRICTER, Case

    expected = _max_accepted_depth(pyjwt, entry, where)
    actual = _max_accepted_depth(pyjwt_fast, entry, where)
    assert actual <= expected, (
        f"{entry} {where}: pyjwt_fast parses nesting up to {actual}, PyJWT refuses beyond {expected}")
    call = DEPTH_ENTRIES[entry]
    refused_by_pyjwt = outcome(call, pyjwt, _depth_token(where, expected + 1))
    if actual < expected:
        token = _depth_token(where, actual + 1)
        covered = [entry_.name for entry_ in STRICTER if entry_.applies(Case(token, {}))]
        assert covered, (
            f"{entry} {where}: pyjwt_fast refuses nesting {actual + 1}..{expected} that PyJWT parses "
            f"(called from the same frame), and no STRICTER entry covers it")
    else:
        token = _depth_token(where, expected + 1)
    refused = outcome(call, pyjwt_fast, token)
    assert refused.result == refused_by_pyjwt.result, (refused, refused_by_pyjwt)
    assert type(refused.exc.__cause__).__name__ == type(refused_by_pyjwt.exc.__cause__).__name__


# ==========================================================================
# key caches must be content-addressed (DESIGN.md "Keys")
# ==========================================================================


def _fresh(raw: bytes, as_str: bool) -> Any:
    # a new object every time, so that a cache keyed by id() would be fooled by
    # the allocator handing out the address of a freed key
    buf = bytearray(raw)
    return bytes(buf).decode("latin-1") if as_str else bytes(buf)


@pytest.mark.parametrize("as_str", [False, True])
@pytest.mark.parametrize("alg", HS)
def test_key_cache_is_content_addressed(as_str: bool, alg: str) -> None:
    payload = {"sub": "x"}
    for i in range(300):
        right = bytes([i % 256]) * 64 + i.to_bytes(4, "big")
        wrong = bytes([(i + 1) % 256]) * 64 + i.to_bytes(4, "big")
        key = _fresh(right, as_str)
        token = pyjwt_fast.encode(payload, key, algorithm=alg)
        del key
        assert token == pyjwt.encode(payload, _fresh(right, as_str), algorithm=alg)
        key = _fresh(wrong, as_str)
        res = outcome(pyjwt_fast.decode, token, key, algorithms=[alg])
        del key
        assert res.result == ("err", "InvalidSignatureError", "Signature verification failed"), i
        key = _fresh(right, as_str)
        assert pyjwt_fast.decode(token, key, algorithms=[alg]) == payload
        del key
        # same bytes, other type: same verdict as PyJWT (str keys are UTF-8 encoded)
        other = _fresh(right, not as_str)
        assert_same_outcome(outcome(pyjwt.decode, token, other, algorithms=[alg]),
                            outcome(pyjwt_fast.decode, token, other, algorithms=[alg]))


def test_key_confusion_guard_not_bypassed_by_cache() -> None:
    """A key first seen (and cached) as a valid secret for one call must still be
    judged afresh: here the same PEM text is refused every time, and an ordinary
    secret is accepted after a PEM was refused."""
    pem = ASYMMETRIC_KEYS["rsa-spki-pem"]
    for _ in range(3):
        assert both("encode", {"a": 1}, pem, algorithm="HS256").result[1] == "InvalidKeyError"
        assert both("encode", {"a": 1}, pem.decode(), algorithm="HS512").result[1] == "InvalidKeyError"
        assert both("encode", {"a": 1}, SECRET, algorithm="HS256").ok


# ==========================================================================
# option values are tested for truthiness, as PyJWT does
# ==========================================================================

TRUTHY_FALSY = [True, False, 1, 0, None, "", "no", [], [0], 2]


@pytest.mark.parametrize("value", TRUTHY_FALSY)
@pytest.mark.parametrize("aud_claim,audience", [
    ("urn:a", "urn:a"), (["urn:a", "urn:b"], "urn:a"), ("urn:a", ["urn:a", "urn:b"]), ("urn:a", "urn:b"),
    ([], "urn:a"), ("urn:a", ("urn:a",)),
])
def test_strict_aud_values(value: Any, aud_claim: Any, audience: Any) -> None:
    token = pyjwt.encode({"aud": aud_claim}, SECRET, algorithm="HS256")
    both("decode", token, SECRET, algorithms=["HS256"], audience=audience, options={"strict_aud": value})
    both("decode", token, SECRET, algorithms=["HS256"], audience=audience,
         options={"strict_aud": value, "verify_aud": value})


@pytest.mark.parametrize("name", ["verify_signature", "verify_exp", "verify_nbf", "verify_iat", "verify_aud",
                                  "verify_iss", "verify_sub", "verify_jti", "enforce_minimum_key_length"])
@pytest.mark.parametrize("value", TRUTHY_FALSY)
def test_option_truthiness(name: str, value: Any) -> None:
    now = int(time.time())
    claims = {"exp": now - 100, "nbf": now + 100, "iat": now + 100, "aud": "x", "iss": "i", "sub": 1, "jti": 2}
    for key in ("short", SECRET):
        token = pyjwt.encode(claims, key, algorithm="HS256")
        both("decode", token, key, algorithms=["HS256"], issuer="other", options={name: value})
        both("decode_complete", token, key, options={name: value})
        both_obj(lambda: jwt.api_jwt.PyJWT({name: value}), lambda: pyjwt_fast.api_jwt.PyJWT({name: value}),
                 "decode", token, key, algorithms=["HS256"])


def _runtime_str(s: str) -> str:
    """An equal str that is not the interned literal."""
    return "".join(list(s))


class _Mutating:
    """A truthy option value whose __bool__ empties the options dict it sits in."""

    def __init__(self, target: dict) -> None:
        self.target = target

    def __bool__(self) -> bool:
        self.target.clear()
        return True


@pytest.mark.parametrize("form", ["runtime-key", "unknown-key", "int-flag", "mutating", "missing-flag",
                                  "sig-off-missing-flag", "require-tuple"])
@pytest.mark.parametrize("where", ["call", "instance"])
def test_option_dict_forms(form: str, where: str) -> None:
    """The C path reads a plain options dict in one pass; every other shape of
    dict (keys equal to but not the interned names, unknown keys, flags that
    are not True / False, a __bool__ that changes the dict, missing flags)
    must give what PyJWT gives."""
    now = int(time.time())
    token = pyjwt.encode({"exp": now - 100, "iat": now, "aud": "x"}, SECRET, algorithm="HS256")

    def options() -> dict:
        if form == "runtime-key":
            return {_runtime_str("verify_exp"): False, _runtime_str("verify_aud"): False}
        if form == "unknown-key":
            return {"verify_exp": False, "verify_aud": False, "no_such_option": True}
        if form == "int-flag":
            return {"verify_exp": 0, "verify_aud": 1}
        if form == "mutating":
            d: dict = {"verify_aud": False}
            d["verify_exp"] = _Mutating(d)
            return d
        if form == "missing-flag":
            full = dict(pyjwt.api_jwt._jwt_global_obj.options)
            del full["verify_exp"]
            return full
        if form == "sig-off-missing-flag":
            return {"verify_signature": False}
        return {"require": ("exp",), "verify_aud": False, "verify_exp": False}

    for fn in ("decode", "decode_complete"):
        if where == "call":
            e = outcome(getattr(pyjwt, fn), token, SECRET, algorithms=["HS256"], options=options())
            a = outcome(getattr(pyjwt_fast, fn), token, SECRET, algorithms=["HS256"], options=options())
        else:
            e = outcome(lambda: getattr(jwt.api_jwt.PyJWT(options()), fn)(token, SECRET, algorithms=["HS256"]))
            a = outcome(lambda: getattr(pyjwt_fast.api_jwt.PyJWT(options()), fn)(token, SECRET, algorithms=["HS256"]))
        assert_same_outcome(e, a, f"{fn} {where} options {form}")


def test_instance_options_changed_between_calls() -> None:
    """Options are read afresh on every call, never remembered."""
    now = int(time.time())
    token = pyjwt.encode({"exp": now - 100}, SECRET, algorithm="HS256")
    inst = pyjwt_fast.api_jwt.PyJWT()
    with pytest.raises(pyjwt_fast.ExpiredSignatureError):
        inst.decode(token, SECRET, algorithms=["HS256"])
    inst.options["verify_exp"] = False
    assert inst.decode(token, SECRET, algorithms=["HS256"]) == {"exp": now - 100}
    inst.options["verify_exp"] = True
    with pytest.raises(pyjwt_fast.ExpiredSignatureError):
        inst.decode(token, SECRET, algorithms=["HS256"])


def test_plain_header_segments_follow_every_input() -> None:
    """encode() keeps the encoded plain header between calls: a change of
    header_typ, algorithm or key order must never reuse a stale one."""
    payload = {"a": 1}
    o_jws, f_jws = jwt.api_jwt._jwt_global_obj._jws, pyjwt_fast.api_jwt._jwt_global_obj._jws
    saved = (o_jws.header_typ, f_jws.header_typ)
    try:
        for typ in ["JWT", "at+jwt", "", "JWT", 'q"uote\\', "x" * 32, "x" * 33, "é", "JWT", None, 0]:
            o_jws.header_typ = f_jws.header_typ = typ
            for alg in ["HS256", "HS512", "HS256", "none"]:
                key = None if alg == "none" else SECRET
                for sort in (True, False, True):
                    e = outcome(pyjwt.encode, payload, key, algorithm=alg, sort_headers=sort)
                    a = outcome(pyjwt_fast.encode, payload, key, algorithm=alg, sort_headers=sort)
                    assert_same_outcome(e, a, f"typ={typ!r} alg={alg} sort={sort}")
    finally:
        o_jws.header_typ, f_jws.header_typ = saved


def test_single_pair_header_segments_follow_every_input() -> None:
    """A headers argument of one str pair ({"kid": ...}) has its encoded
    header kept between calls too: every change of the pair's key or value,
    typ, alg or key order, alternating with other shapes, must give PyJWT's
    bytes and never a stale segment."""
    payload = {"a": 1}
    pairs = [
        {"kid": "k1"}, {"kid": "k2"}, {"kid": "k1"}, {"kie": "k1"}, {"kid": "k1x"}, {"kid": ""},
        {"": "k1"}, {"x5t": "k1"}, {"kid": 'q"uote\\'}, {"kid": "x" * 32}, {"kid": "x" * 33},
        {"kid": "é"}, {"kid": "k1"}, {"typ": "k1"}, {"alg": "HS256"}, {"b64": "k1"}, {"kid": 1},
        {"kid": "k1", "x": "y"}, {}, None, {"kid": "k1"}, {"cty": "JWT"}, {"kid": "k1"},
    ]
    o_jws, f_jws = jwt.api_jwt._jwt_global_obj._jws, pyjwt_fast.api_jwt._jwt_global_obj._jws
    saved = (o_jws.header_typ, f_jws.header_typ)
    try:
        for typ in ["JWT", "", "at+jwt", "JWT"]:
            o_jws.header_typ = f_jws.header_typ = typ
            for alg in ["HS256", "HS512", "HS256"]:
                for sort in (True, False):
                    for headers in pairs:
                        h1 = None if headers is None else dict(headers)
                        h2 = None if headers is None else dict(headers)
                        e = outcome(pyjwt.encode, payload, SECRET, algorithm=alg, headers=h1, sort_headers=sort)
                        a = outcome(pyjwt_fast.encode, payload, SECRET, algorithm=alg, headers=h2,
                                    sort_headers=sort)
                        assert_same_outcome(e, a, f"typ={typ!r} alg={alg} sort={sort} headers={safe_repr(headers)}")
    finally:
        o_jws.header_typ, f_jws.header_typ = saved


FLAT_HEADERS = [
    {"kid": "k1"}, {"kid": "k1", "typ": "at+jwt"}, {"typ": ""}, {"typ": None}, {"typ": 0}, {"typ": False},
    {"typ": "JWT", "kid": "x"}, {"alg": "HS512"}, {"alg": "HS256", "kid": "a"}, {"b64": True}, {"b64": 0},
    {"b64": "x", "kid": "k"}, {"é": 1, "Z": 2, "a": 3, "_": 4, "\U0001f600": 5, "ä": 6},
    {f"k{i}": i for i in range(8)}, {f"k{i}": i for i in range(9)}, {"x": 1.5, "y": float("nan"), "z": None},
    {"x": True, "y": 2**70, "z": -1}, {"x5c": ["a"], "kid": "k"}, {"kid": 5}, {"cty": "JWT", "jku": "https://x"},
    {"kid": "\u2028\x00\"quote"}, {}, {"typ": "JWT"}, {"crit": ["b64"], "b64": True},
]


def test_payload_key_forms() -> None:
    """encode reads a payload of interned keys in one pass; keys made at run
    time (as json.loads makes them), datetimes and a non-str iss must still
    get PyJWT's conversions and errors."""
    now = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    runtime = "".join(["e", "x", "p"])
    cases = [
        {"exp": 1, "iat": 2.5, "nbf": "x", "iss": "me"},
        {"exp": now, "sub": "a"},
        {runtime: now, "sub": "a"},
        json.loads('{"exp": 1, "iss": "me", "nbf": null}'),
        json.loads('{"iss": 5}'),
        {"iss": 5},
        {"iss": None},
        {"exp": True, "iat": [1], "nbf": {"a": 1}},
        {1: "int key", "exp": now},
        {"".join(["i", "s", "s"]): 7},
    ]
    for payload in cases:
        e = outcome(pyjwt.encode, dict(payload), SECRET, algorithm="HS256")
        a = outcome(pyjwt_fast.encode, dict(payload), SECRET, algorithm="HS256")
        assert_same_outcome(e, a, f"payload {safe_repr(payload)}")


@pytest.mark.parametrize("headers", FLAT_HEADERS, ids=lambda h: safe_repr(h)[:40])
def test_header_dict_shapes(headers: dict) -> None:
    """Small headers dicts take a path that writes the header without
    building PyJWS's dict: the same bytes for every shape, key order and
    typ override, and the general path for the rest."""
    payload = {"a": 1}
    for alg in ("HS256", "HS384"):
        for sort in (True, False):
            e = outcome(pyjwt.encode, payload, SECRET, algorithm=alg, headers=dict(headers), sort_headers=sort)
            a = outcome(pyjwt_fast.encode, payload, SECRET, algorithm=alg, headers=dict(headers), sort_headers=sort)
            assert_same_outcome(e, a, f"headers={safe_repr(headers)} alg={alg} sort={sort}")


# PyJWK-wrapped HMAC keys (oct JWKs): the key's algorithm is the default for
# encode and the only one decode verifies with.
OCT_SECRETS = {"long": b"k" * 64, "short": b"short", "pem-like": b"-----BEGIN PUBLIC KEY-----\nAAAA\n"}


def _oct(secret: bytes) -> dict:
    import base64

    return {"kty": "oct", "k": base64.urlsafe_b64encode(secret).rstrip(b"=").decode()}


@pytest.mark.parametrize("secret", sorted(OCT_SECRETS))
@pytest.mark.parametrize("jwk_alg", ["HS256", "HS384", "HS512"])
def test_pyjwk_hmac_keys(secret: str, jwk_alg: str) -> None:
    data = _oct(OCT_SECRETS[secret])
    o_jwk, f_jwk = pyjwt.PyJWK(dict(data), algorithm=jwk_alg), pyjwt_fast.PyJWK(dict(data), algorithm=jwk_alg)
    payload = {"sub": "x", "exp": int(time.time()) + 60}
    for enc_kwargs in ({}, {"algorithm": None}, {"algorithm": jwk_alg}, {"algorithm": "HS512"},
                       {"headers": {"alg": "HS384", "kid": "k"}}, {"algorithm": "none"}, {"algorithm": "RS256"}):
        e = outcome(pyjwt.encode, payload, o_jwk, **enc_kwargs)
        a = outcome(pyjwt_fast.encode, payload, f_jwk, **enc_kwargs)
        assert_same_outcome(e, a, f"encode {secret} {jwk_alg} {enc_kwargs}")
    tokens = {alg: pyjwt.encode(payload, OCT_SECRETS[secret], algorithm=alg) for alg in ("HS256", "HS384", "HS512")}
    tokens["none"] = pyjwt.encode(payload, None, algorithm="none")
    tokens["noalg"] = pyjwt.api_jws.PyJWS().encode(b"{}", b"k" * 64, headers={"alg": ""})
    tokens["bad-sig"] = tokens[jwk_alg][:-3] + ("AAA" if not tokens[jwk_alg].endswith("AAA") else "BBB")
    for name, token in tokens.items():
        for dec_kwargs in ({}, {"algorithms": None}, {"algorithms": [jwk_alg]}, {"algorithms": []},
                           {"algorithms": ["HS256", "HS384", "HS512"]}, {"algorithms": ["RS256"]},
                           {"algorithms": [jwk_alg], "options": {"verify_signature": False}},
                           {"algorithms": [jwk_alg], "options": {"enforce_minimum_key_length": True}}):
            for fn in ("decode", "decode_complete"):
                e = outcome(getattr(pyjwt, fn), token, o_jwk, **dec_kwargs)
                a = outcome(getattr(pyjwt_fast, fn), token, f_jwk, **dec_kwargs)
                assert_same_outcome(e, a, f"{fn} {name} token, {secret} {jwk_alg} key, {dec_kwargs}")


def test_pyjwk_missing_parts_and_raising_algorithms() -> None:
    """A PyJWK missing an attribute, and an algorithms argument whose
    truth test raises: PyJWT's outcome, whatever order it reads things in."""
    data = _oct(b"k" * 64)
    token = pyjwt.encode({"a": 1}, b"k" * 64, algorithm="HS256")

    class Raising(list):
        def __bool__(self) -> bool:
            raise RuntimeError("no truth")

        def __len__(self) -> int:
            raise RuntimeError("no length")

    for attr in (None, "algorithm_name", "Algorithm", "key"):
        o_jwk, f_jwk = pyjwt.PyJWK(dict(data), algorithm="HS256"), pyjwt_fast.PyJWK(dict(data), algorithm="HS256")
        if attr:
            delattr(o_jwk, attr)
            delattr(f_jwk, attr)
        for kwargs in ({}, {"algorithms": ["HS256"]}, {"options": {"verify_signature": False}},
                       {"algorithms": Raising(["HS256"])}):
            for fn in ("decode", "decode_complete"):
                e = outcome(getattr(pyjwt, fn), token, o_jwk, **kwargs)
                a = outcome(getattr(pyjwt_fast, fn), token, f_jwk, **kwargs)
                assert_same_outcome(e, a, f"{fn} without {attr} {kwargs}")
        for kwargs in ({}, {"algorithm": "HS256"}, {"algorithm": None}):
            e = outcome(pyjwt.encode, {"a": 1}, o_jwk, **kwargs)
            a = outcome(pyjwt_fast.encode, {"a": 1}, f_jwk, **kwargs)
            assert_same_outcome(e, a, f"encode without {attr} {kwargs}")


def test_header_typ_property_returning_new_strings() -> None:
    """header_typ as a property that makes a new str on every read: the
    header segment kept between calls must not outlive or confuse it."""
    counter = {"n": 0}

    def typ(self: Any) -> str:
        counter["n"] += 1
        return "".join(["J", "W", "T" if counter["n"] % 3 else "X"])

    payload = {"a": 1}
    saved = pyjwt_fast.api_jws.PyJWS.__dict__.get("header_typ")
    try:
        pyjwt_fast.api_jws.PyJWS.header_typ = property(typ)
        for i in range(30):
            token = pyjwt_fast.encode(payload, SECRET, algorithm="HS256")
            n = counter["n"]
            expected_typ = "JWT" if n % 3 else "JWX"
            assert pyjwt_fast.get_unverified_header(token) == {"alg": "HS256", "typ": expected_typ}, (i, n)
    finally:
        pyjwt_fast.api_jws.PyJWS.header_typ = saved


def test_pyjwk_subclass_takes_the_python_path() -> None:
    class MyJWK(pyjwt_fast.PyJWK):
        pass

    class TheirJWK(pyjwt.PyJWK):
        pass

    data = _oct(b"k" * 64)
    token = pyjwt.encode({"a": 1}, b"k" * 64, algorithm="HS384")
    for kwargs in ({}, {"algorithms": ["HS384"]}, {"algorithms": ["HS256"]}):
        e = outcome(pyjwt.decode, token, TheirJWK(dict(data), algorithm="HS384"), **kwargs)
        a = outcome(pyjwt_fast.decode, token, MyJWK(dict(data), algorithm="HS384"), **kwargs)
        assert_same_outcome(e, a, f"subclass {kwargs}")
    assert pyjwt_fast.encode({"a": 1}, MyJWK(dict(data), algorithm="HS384")) == token


# ==========================================================================
# options / algorithms as other container types
# ==========================================================================


class MappingOptions(dict):
    pass


def _mapping(values: dict) -> Any:
    from collections.abc import MutableMapping

    class MappingWithoutCopy(MutableMapping):  # PyJWT's test_api_jwt uses the same shape
        def __init__(self, data: dict) -> None:
            self._data = dict(data)

        def __getitem__(self, key: str) -> Any:
            return self._data[key]

        def __setitem__(self, key: str, value: Any) -> None:
            self._data[key] = value

        def __delitem__(self, key: str) -> None:
            del self._data[key]

        def __iter__(self) -> Any:
            return iter(self._data)

        def __len__(self) -> int:
            return len(self._data)

    return MappingWithoutCopy(values)


@pytest.mark.parametrize("make", [dict, MappingOptions, OrderedDict, _mapping])
@pytest.mark.parametrize("values", [{"verify_signature": False}, {"verify_exp": False},
                                    {"require": ["exp"]}, {"verify_signature": True, "verify_aud": False}, {}])
def test_options_as_other_mappings(make: Any, values: dict) -> None:
    token = pyjwt.encode({"exp": int(time.time()) - 100, "aud": "x"}, SECRET, algorithm="HS256")
    for fn in ("decode", "decode_complete"):
        e = outcome(getattr(pyjwt, fn), token, SECRET, algorithms=["HS256"], options=make(values))
        a = outcome(getattr(pyjwt_fast, fn), token, SECRET, algorithms=["HS256"], options=make(values))
        assert_same_outcome(e, a, f"{fn} options={make.__name__}({values})")
    e = outcome(jwt.api_jws.PyJWS().decode, token, SECRET, algorithms=["HS256"], options=make(values))
    a = outcome(pyjwt_fast.api_jws.PyJWS().decode, token, SECRET, algorithms=["HS256"], options=make(values))
    assert_same_outcome(e, a, f"PyJWS.decode options={make.__name__}({values})")
    e = outcome(lambda: jwt.api_jwt.PyJWT(make(values)).decode(token, SECRET, algorithms=["HS256"]))
    a = outcome(lambda: pyjwt_fast.api_jwt.PyJWT(make(values)).decode(token, SECRET, algorithms=["HS256"]))
    assert_same_outcome(e, a, f"PyJWT({make.__name__}({values})).decode")


class AlgList(list):
    pass


@pytest.mark.parametrize("algorithms", [AlgList(["HS256"]), [None, 1, "HS256"], ["HS256", b"HS256"], [b"HS256"],
                                        iter(["HS256"]), {"HS256": 0}, frozenset(["HS256"]), ("HS384", "HS256")])
def test_algorithms_other_containers(algorithms: Any) -> None:
    token = pyjwt.encode({"a": 1}, SECRET, algorithm="HS256")
    algs_e = list(algorithms) if not isinstance(algorithms, (list, dict, frozenset, tuple)) else algorithms
    algs_a = list(algs_e) if isinstance(algs_e, list) and type(algs_e) is list else algs_e
    assert_same_outcome(outcome(pyjwt.decode, token, SECRET, algorithms=algs_e),
                        outcome(pyjwt_fast.decode, token, SECRET, algorithms=algs_a))
