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


class OddStr(str):
    """A str whose == and hash say nothing about its text."""

    def __hash__(self):
        return 0

    def __eq__(self, other):
        return isinstance(other, str)

    __ne__ = object.__ne__


class UnhashableStr(str):
    __hash__ = None  # type: ignore[assignment]


def test_key_cache_goes_by_text_and_type(mode):
    """The delegate's parsed-key cache must name a key by its exact type and
    text, never by a str subclass's own __eq__ / __hash__."""
    priv_a = _read("ed448_priv_pkcs8.pem")
    pub_a, pub_b = _read("ed448_pub_spki.pem"), _read("ed448b_pub_spki.pem")
    token = pyjwt.encode({"a": 1}, priv_a, algorithm="EdDSA")
    for lib in (jwt, pyjwt):
        assert lib.decode(token, OddStr(pub_a), algorithms=["EdDSA"]) == {"a": 1}
        with pytest.raises(lib.InvalidSignatureError):
            lib.decode(token, OddStr(pub_b), algorithms=["EdDSA"])
        assert lib.decode(token, UnhashableStr(pub_a), algorithms=["EdDSA"]) == {"a": 1}
        assert lib.decode(token, UnhashableStr(pub_a).encode(), algorithms=["EdDSA"]) == {"a": 1}
    p384 = _read("p384_priv_pkcs8.pem")
    assert jwt.encode(PAYLOAD, OddStr(p384), algorithm="ES384").count(".") == 2


def test_str_then_bytes_of_one_key_compare_nothing():
    """The same PEM as str and as bytes: no str/bytes comparison anywhere
    (python -bb turns one into an error)."""
    import subprocess
    import sys

    code = (
        "import pyjwt_fast as jwt, jwt as pyjwt\n"
        f"pem = open({str(KEYS / 'p384_priv_pkcs8.pem')!r}).read()\n"
        f"pub = open({str(KEYS / 'p384_pub_spki.pem')!r}).read()\n"
        "for key in (pem, pem.encode(), pem):\n"
        "    tok = jwt.encode({'a': 1}, key, algorithm='ES384')\n"
        "    assert pyjwt.decode(tok, pub, algorithms=['ES384']) == {'a': 1}\n"
        "    assert jwt.decode(tok, pub.encode(), algorithms=['ES384']) == {'a': 1}\n"
        "    assert jwt.decode(tok, pub, algorithms=['ES384']) == {'a': 1}\n"
    )
    subprocess.run([sys.executable, "-bb", "-c", code], check=True, cwd=str(KEYS.parent.parent))


@pytest.mark.parametrize("name", ["ed448", "ed25519"])
def test_okp_key_bytes_not_utf8(mode, name):
    """OKPAlgorithm.prepare_key decodes key bytes as UTF-8: bytes that are
    not give PyJWT's UnicodeDecodeError, in C or handed off."""
    priv = _read(f"{name}_priv_pkcs8.pem").encode() + b"\xff"
    pub = _read(f"{name}_pub_spki.pem").encode() + b"\xff"
    token = pyjwt.encode({"a": 1}, _read(f"{name}_priv_pkcs8.pem"), algorithm="EdDSA")
    for lib in (jwt, pyjwt):
        with pytest.raises(UnicodeDecodeError):
            lib.encode({"a": 1}, priv, algorithm="EdDSA")
        with pytest.raises(UnicodeDecodeError):
            lib.decode(token, pub, algorithms=["EdDSA"])


def test_first_calls_from_many_threads():
    """Many threads making their first hand-off at once all get valid tokens
    (the delegate's algorithm table exists before any call)."""
    import sys
    import threading

    assert [a.__class__.__name__ for a in _alg._pk_delegate_algs[6:]] == [
        "ECAlgorithm", "ECAlgorithm", "ECAlgorithm", "ECAlgorithm", "OKPAlgorithm"]
    pem, pub = _read("p384_priv_pkcs8.pem"), _read("p384_pub_spki.pem")
    obj = serialization.load_pem_private_key(pem.encode(), None)
    errors, tokens = [], []
    barrier = threading.Barrier(8)

    def work(key):
        try:
            barrier.wait()
            for _ in range(5):
                tokens.append(jwt.encode({"a": 1}, key, algorithm="ES384"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _alg._pk_delegate_key.cache_clear()
        threads = [threading.Thread(target=work, args=(pem if i % 2 else obj,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert len(tokens) == 40
    for tok in tokens:
        assert pyjwt.decode(tok, pub, algorithms=["ES384"]) == {"a": 1}
