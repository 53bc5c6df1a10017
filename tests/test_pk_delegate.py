"""Signatures the C path hands to cryptography (algorithms._pk_delegate).

Where cryptography links a newer OpenSSL release series than the extension,
P-384 / P-521 / Ed448 signing and verifying and Ed25519 signing go through
cryptography's libcrypto; the C code still parses and checks the key. These
tests run each such class with the hand-off on and off and hold the results
to PyJWT 2.15.1: the same deterministic tokens (EdDSA), tokens each library
accepts from the other (ECDSA), the same exceptions. A delegate that raises
or answers wrongly is exercised with a stand-in callable.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import pyjwt_fast as jwt
from pyjwt_fast import _native
from pyjwt_fast import algorithms as _alg

pytest.importorskip("cryptography")
pyjwt = pytest.importorskip("jwt")
from cryptography.hazmat.primitives import serialization  # noqa: E402

KEYS = Path(__file__).parent / "keys"

# alg, private PEM, public PEM, another keypair's public PEM
CLASSES = [
    ("ES384", "p384_priv_pkcs8.pem", "p384_pub_spki.pem", "p384b_pub_spki.pem"),
    ("ES512", "p521_priv_pkcs8.pem", "p521_pub_spki.pem", "p521b_pub_spki.pem"),
    ("EdDSA", "ed25519_priv_pkcs8.pem", "ed25519_pub_spki.pem", "ed25519b_pub_spki.pem"),
    ("EdDSA", "ed448_priv_pkcs8.pem", "ed448_pub_spki.pem", "ed448b_pub_spki.pem"),
    # Never handed off: the C path signs these itself.
    ("ES256", "p256_priv_pkcs8.pem", "p256_pub_spki.pem", "p256b_pub_spki.pem"),
    ("RS256", "rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem", "rsa2048b_pub_spki.pem"),
]
IDS = [c[1].split("_")[0] for c in CLASSES]
PAYLOAD = {"sub": "someone", "iat": 1_700_000_000, "exp": int(time.time()) + 3600}


def _read(name):
    return (KEYS / name).read_text()


def _restore():
    mask = _alg._pk_delegation_mask()
    _native._pk_set_delegate(_alg._pk_delegate if mask else None, mask)


@pytest.fixture(params=["handed-off", "c-only"])
def mode(request):
    """Every class with the hand-off on (all classes it covers) and off."""
    if request.param == "handed-off":
        mask = _alg._PK_DELEGATE_SIGN | _alg._PK_DELEGATE_VERIFY << 8
        _native._pk_set_delegate(_alg._pk_delegate, mask)
    else:
        _native._pk_set_delegate(None, 0)
    yield request.param
    _restore()


class Recorder:
    """A delegate that counts its calls and passes them to the real one."""

    def __init__(self):
        self.calls = []

    def __call__(self, index, key, msg, sig=None):
        self.calls.append((_alg._PK_NAMES[index], "verify" if sig is not None else "sign"))
        return _alg._pk_delegate(index, key, msg, sig)


@pytest.fixture
def recorder():
    rec = Recorder()
    _native._pk_set_delegate(rec, _alg._PK_DELEGATE_SIGN | _alg._PK_DELEGATE_VERIFY << 8)
    yield rec
    _restore()


def _forms(priv_name, pub_name):
    priv_pem, pub_pem = _read(priv_name), _read(pub_name)
    priv_obj = serialization.load_pem_private_key(priv_pem.encode(), None)
    return [
        ("pem-str", priv_pem, pub_pem),
        ("pem-bytes", priv_pem.encode(), pub_pem.encode()),
        ("object", priv_obj, priv_obj.public_key()),
    ]


@pytest.mark.parametrize("alg,priv,pub,other", CLASSES, ids=IDS)
def test_tokens_agree_with_pyjwt(mode, alg, priv, pub, other):
    for label, sk, vk in _forms(priv, pub):
        ours = jwt.encode(PAYLOAD, sk, algorithm=alg, headers={"kid": label})
        theirs = pyjwt.encode(PAYLOAD, sk, algorithm=alg, headers={"kid": label})
        if alg == "EdDSA":
            assert ours == theirs, label  # deterministic signatures
        assert jwt.decode(theirs, vk, algorithms=[alg]) == PAYLOAD
        assert pyjwt.decode(ours, vk, algorithms=[alg]) == PAYLOAD
        if alg != "RS256":  # EC and Ed private keys verify too (PyJWT's verify())
            assert jwt.decode_complete(ours, sk, algorithms=[alg])["payload"] == PAYLOAD
            assert pyjwt.decode_complete(ours, sk, algorithms=[alg])["payload"] == PAYLOAD


@pytest.mark.parametrize("alg,priv,pub,other", CLASSES, ids=IDS)
def test_bad_signatures_refused(mode, alg, priv, pub, other):
    token = pyjwt.encode(PAYLOAD, _read(priv), algorithm=alg)
    head, body, sig = token.split(".")
    raw = jwt.utils.base64url_decode(sig)
    flipped = bytes([raw[0] ^ 1]) + raw[1:]
    bad = [
        f"{head}.{body}.{jwt.utils.base64url_encode(flipped).decode()}",
        f"{head}.{body}.{jwt.utils.base64url_encode(raw[:-1]).decode()}",  # short
        f"{head}.{body}.{jwt.utils.base64url_encode(raw + b'x').decode()}",  # long
        f"{head}.{body}.",
        f"{head}.{jwt.utils.base64url_encode(b'{}').decode()}.{sig}",
    ]
    for tok in bad:
        for lib in (jwt, pyjwt):
            with pytest.raises(lib.InvalidSignatureError, match="^Signature verification failed$"):
                lib.decode(tok, _read(pub), algorithms=[alg])
    for lib in (jwt, pyjwt):
        with pytest.raises(lib.InvalidSignatureError):
            lib.decode(token, _read(other), algorithms=[alg])


def test_which_classes_are_handed_off(recorder):
    for alg, priv, pub, _ in CLASSES:
        token = jwt.encode(PAYLOAD, _read(priv), algorithm=alg)
        jwt.decode(token, _read(pub), algorithms=[alg])
    assert recorder.calls == [
        ("ES384", "sign"), ("ES384", "verify"),
        ("ES512", "sign"), ("ES512", "verify"),
        ("EdDSA", "sign"),             # Ed25519: verifying is as fast in C
        ("EdDSA", "sign"), ("EdDSA", "verify"),  # Ed448
    ]


def test_key_checks_stay_in_c(recorder):
    """A key of the wrong curve or half never reaches the delegate."""
    p384, p521 = _read("p384_priv_pkcs8.pem"), _read("p521_pub_spki.pem")
    for lib in (jwt, pyjwt):
        with pytest.raises(lib.InvalidKeyError):
            lib.encode(PAYLOAD, p384, algorithm="ES512")
        with pytest.raises(Exception) as err:
            lib.encode(PAYLOAD, p521, algorithm="ES512")  # a public key cannot sign
        assert not isinstance(err.value, SystemError)
    assert recorder.calls == []


def test_pem_keys_parsed_once():
    if not _alg._pk_delegation_mask():
        pytest.skip("cryptography's OpenSSL is not newer than the extension's here")
    _alg._pk_delegate_key.cache_clear()
    pem = _read("p384_priv_pkcs8.pem")
    for _ in range(20):
        jwt.encode(PAYLOAD, pem, algorithm="ES384")
    info = _alg._pk_delegate_key.cache_info()
    assert info.misses == 1 and info.hits == 19


def test_mask_follows_openssl_versions(monkeypatch):
    from cryptography.hazmat.backends.openssl import backend

    theirs = backend.openssl_version_number()
    full = _alg._PK_DELEGATE_SIGN | _alg._PK_DELEGATE_VERIFY << 8
    monkeypatch.setattr(_native, "OPENSSL_VERSION_NUMBER", theirs)
    assert _alg._pk_delegation_mask() == 0  # the same release series: stay in C
    monkeypatch.setattr(_native, "OPENSSL_VERSION_NUMBER", theirs + 0x100)  # a later patch
    assert _alg._pk_delegation_mask() == 0
    monkeypatch.setattr(_native, "OPENSSL_VERSION_NUMBER", (theirs >> 20) - 1 << 20)
    assert _alg._pk_delegation_mask() == full
    monkeypatch.setattr(backend, "openssl_version_text", lambda: "LibreSSL 3.9.0")
    assert _alg._pk_delegation_mask() == 0


def test_delegate_errors_propagate():
    pem, pub = _read("p384_priv_pkcs8.pem"), _read("p384_pub_spki.pem")
    token = jwt.encode(PAYLOAD, pem, algorithm="ES384")
    mask = _alg._PK_DELEGATE_SIGN | _alg._PK_DELEGATE_VERIFY << 8

    def raising(*args):
        raise ValueError("delegate failed")

    def not_bytes(*args):
        return 42

    try:
        _native._pk_set_delegate(raising, mask)
        with pytest.raises(ValueError, match="delegate failed"):
            jwt.encode(PAYLOAD, pem, algorithm="ES384")
        with pytest.raises(ValueError, match="delegate failed"):
            jwt.decode(token, pub, algorithms=["ES384"])
        _native._pk_set_delegate(not_bytes, mask)
        with pytest.raises(TypeError):
            jwt.encode(PAYLOAD, pem, algorithm="ES384")
        # A truthy answer is a valid signature, as PyJWT's verify() -> bool.
        assert jwt.decode(token, pub, algorithms=["ES384"]) == PAYLOAD
        with pytest.raises(TypeError):
            _native._pk_set_delegate(42, mask)
        with pytest.raises(ValueError):
            _native._pk_set_delegate(raising, -1)
    finally:
        _restore()
    assert jwt.decode(token, pub, algorithms=["ES384"]) == PAYLOAD
