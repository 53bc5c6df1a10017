"""RS256/384/512, PS256/384/512, ES256/ES256K/ES384/ES512/ES521 and EdDSA (Ed25519,
Ed448): pyjwt_fast against PyJWT 2.15.1 as the oracle.

What is checked
  * every algorithm x every key form (PEM str / bytes, PKCS#1 / SEC1 / PKCS#8 / SPKI,
    SSH public keys, X.509 certificates, OpenSSH and encrypted private keys,
    cryptography key objects, DER, and junk): encode and decode give PyJWT's outcome
    (value, or exception class + message, and warnings). RS* and EdDSA tokens are
    byte-identical to PyJWT's; PS* and ES* signatures are randomized, so their tokens
    are compared segment by segment and the signatures cross-verified (pyjwt_fast's
    token verifies with PyJWT and PyJWT's with pyjwt_fast);
  * tampering (header, payload, signature bit flips, truncation, ECDSA signatures of
    the wrong length, r = 0 / s = 0 / r = n, DER in place of r||s, high-s, Ed25519 /
    Ed448 S + L, RSA signature = modulus, algorithm relabelling) gives PyJWT's
    exception; every case except the ones PyJWT itself accepts (high-s) is refused;
  * algorithm confusion: public keys, SSH keys, certificates, JWK JSON and private
    PEMs used as an HMAC secret are refused with PyJWT's InvalidKeyError;
  * 1024-bit RSA: PyJWT's InsecureKeyLengthWarning, or InvalidKeyError with
    enforce_minimum_key_length;
  * pyjwt_fast.algorithms API parity: prepare_key result types and key material,
    sign / verify, to_jwk / from_jwk (as_dict True / False, error cases),
    check_key_length, compute_hash_digest, get_default_algorithms, has_crypto,
    requires_cryptography; PyJWK-wrapped keys.

DER key bytes are a pyjwt_fast extension only where PyJWT's loaders are absent,
i.e. without ``cryptography`` (tests/test_nocrypto.py). With ``cryptography``
installed, as here, pyjwt_fast follows PyJWT: DER bytes get PyJWT's outcome on
those same bytes, everywhere. ``der_accepted`` says which DER forms are taken
as keys (none while ``cryptography`` is installed); where a form is taken it
must behave exactly like the same key in PEM, PyJWT's outcome on the PEM being
the oracle.

Run against PyJWT itself (``PYTHONPATH=<dir with a stand-in pyjwt_fast>``) the whole
file passes: that proves the expectations sound.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import jwt as pyjwt
import jwt.algorithms as o_algs
import jwt.api_jws
import jwt.api_jwt
import jwt.warnings
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import pyjwt_fast
import pyjwt_fast.algorithms as f_algs
import pyjwt_fast.api_jws
import pyjwt_fast.api_jwt
import pyjwt_fast.exceptions
import pyjwt_fast.warnings
from conftest import Outcome, assert_same_outcome, differential, outcome, safe_repr

HERE = os.path.dirname(os.path.abspath(__file__))
KEYDIR = os.path.join(HERE, "keys")

STANDIN = bool(getattr(pyjwt_fast, "__standin__", False))

RSA_ALGS = ["RS256", "RS384", "RS512"]
PSS_ALGS = ["PS256", "PS384", "PS512"]
EC_ALGS = ["ES256", "ES256K", "ES384", "ES512", "ES521"]
ALL_ALGS = RSA_ALGS + PSS_ALGS + EC_ALGS + ["EdDSA"]
DETERMINISTIC = set(RSA_ALGS) | {"EdDSA"}
EC_CURVE_KEY = {"ES256": "p256", "ES256K": "secp256k1", "ES384": "p384", "ES512": "p521", "ES521": "p521"}
# group orders (openssl ecparam -param_enc explicit -text); checked at test time:
# (r, n - s) must verify with PyJWT, which only holds for the right n
EC_ORDER = {
    "p256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    "p384": int(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973", 16
    ),
    "p521": int(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        "fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        16,
    ),
}
# RFC 8032 group orders L
ED_ORDER = {
    "ed25519": 2**252 + 27742317777372353535851937790883648493,
    "ed448": 2**446 - 13818066809895115352007386748515426880336692474882178609894547503885,
}

# (alg, keyname) pairs that sign: every algorithm with every key family it accepts
ALG_KEYS = (
    [(a, "rsa2048") for a in RSA_ALGS + PSS_ALGS]
    + [(a, EC_CURVE_KEY[a]) for a in EC_ALGS]
    + [("EdDSA", "ed25519"), ("EdDSA", "ed448")]
)
ALG_KEY_IDS = [f"{a}-{k}" for a, k in ALG_KEYS]

PAYLOAD = {
    "sub": "user-1",
    "iss": "pyjwt-fast-tests",
    "iat": 1700000000,
    "exp": 4102444800,
    "scope": ["read", "write"],
    "n": 1.5,
    "nested": {"k": None, "t": True},
    "uni": "\u00e9\u2603",
}
HEADERS = {"kid": "key-1"}


# ==========================================================================
# keys
# ==========================================================================


def raw(name: str) -> bytes:
    with open(os.path.join(KEYDIR, name), "rb") as fh:
        return fh.read()


def text(name: str) -> str:
    return raw(name).decode("ascii")


@lru_cache(maxsize=None)
def priv_obj(keyname: str) -> Any:
    return serialization.load_pem_private_key(raw(f"{keyname}_priv_pkcs8.pem"), password=None)


@lru_cache(maxsize=None)
def pub_obj(keyname: str) -> Any:
    return serialization.load_pem_public_key(raw(f"{keyname}_pub_spki.pem"))


def family(keyname: str) -> str:
    if keyname.startswith("rsa"):
        return "rsa"
    if keyname.startswith("ed"):
        return "okp"
    return "ec"


def base_key(keyname: str) -> str:
    """rsa2048b -> rsa2048, secp256k1b -> secp256k1: the family of a second key."""
    return keyname[:-1] if keyname.endswith("b") else keyname


def compatible(alg: str, keyname: str) -> bool:
    """Whether PyJWT would accept a key of this family/curve for alg."""
    base = base_key(keyname)
    if alg in RSA_ALGS or alg in PSS_ALGS:
        return base.startswith("rsa")
    if alg in EC_ALGS:
        return base == EC_CURVE_KEY[alg]
    return base in ("ed25519", "ed448")


class StrSub(str):
    pass


class BytesSub(bytes):
    pass


@dataclass(frozen=True)
class KeyForm:
    id: str
    keyname: str | None  # None: junk
    kind: str  # priv | pub | cert | junk
    make: Callable[[], Any]
    der: bool = False
    # for DER forms: the PEM form whose PyJWT outcome is the oracle, or None when
    # the PEM form is itself refused (certificates): then only refusal is required
    pem_equiv: str | None = None

    def value(self) -> Any:
        return self.make()


def _file(name: str, as_text: bool) -> Callable[[], Any]:
    return (lambda: text(name)) if as_text else (lambda: raw(name))


def _build_forms() -> list[KeyForm]:
    forms: list[KeyForm] = []

    def add(*args: Any, **kw: Any) -> None:
        forms.append(KeyForm(*args, **kw))

    # ---- RSA 2048: every form
    k = "rsa2048"
    for fmt in ("pkcs8", "pkcs1"):
        add(f"{k}-priv-{fmt}-pem-str", k, "priv", _file(f"{k}_priv_{fmt}.pem", True))
        add(f"{k}-priv-{fmt}-pem-bytes", k, "priv", _file(f"{k}_priv_{fmt}.pem", False))
        add(f"{k}-priv-{fmt}-der", k, "priv", _file(f"{k}_priv_{fmt}.der", False), der=True,
            pem_equiv=f"{k}-priv-{fmt}-pem-bytes")
    add(f"{k}-priv-obj", k, "priv", lambda: priv_obj("rsa2048"))
    add(f"{k}-priv-openssh", k, "priv", _file(f"{k}_priv_openssh.pem", True))
    add(f"{k}-priv-encrypted", k, "priv", _file(f"{k}_priv_enc.pem", False))
    add(f"{k}-priv-pem-crlf", k, "priv", lambda: text("rsa2048_priv_pkcs8.pem").replace("\n", "\r\n"))
    add(f"{k}-priv-pem-no-final-newline", k, "priv", lambda: text("rsa2048_priv_pkcs8.pem").rstrip("\n"))
    add(f"{k}-priv-pem-str-subclass", k, "priv", lambda: StrSub(text("rsa2048_priv_pkcs8.pem")))
    add(f"{k}-priv-pem-bytearray", k, "priv", lambda: bytearray(raw("rsa2048_priv_pkcs8.pem")))
    for fmt in ("spki", "pkcs1"):
        add(f"{k}-pub-{fmt}-pem-str", k, "pub", _file(f"{k}_pub_{fmt}.pem", True))
        add(f"{k}-pub-{fmt}-pem-bytes", k, "pub", _file(f"{k}_pub_{fmt}.pem", False))
        add(f"{k}-pub-{fmt}-der", k, "pub", _file(f"{k}_pub_{fmt}.der", False), der=True,
            pem_equiv=f"{k}-pub-{fmt}-pem-bytes")
    add(f"{k}-pub-ssh-str", k, "pub", lambda: text("rsa2048_pub.ssh"))
    add(f"{k}-pub-ssh-bytes", k, "pub", lambda: raw("rsa2048_pub.ssh"))
    add(f"{k}-pub-ssh-no-newline", k, "pub", lambda: text("rsa2048_pub.ssh").strip())
    add(f"{k}-pub-obj", k, "pub", lambda: pub_obj("rsa2048"))
    add(f"{k}-pub-pem-crlf", k, "pub", lambda: text("rsa2048_pub_spki.pem").replace("\n", "\r\n"))
    add(f"{k}-pub-pem-bytes-subclass", k, "pub", lambda: BytesSub(raw("rsa2048_pub_spki.pem")))
    add(f"{k}-pub-pem-memoryview", k, "pub", lambda: memoryview(raw("rsa2048_pub_spki.pem")))
    add(f"{k}-cert-pem", k, "cert", _file(f"{k}_cert.pem", True))
    add(f"{k}-cert-der", k, "cert", _file(f"{k}_cert.der", False), der=True, pem_equiv=None)

    # ---- RSA 1024 (InsecureKeyLengthWarning)
    k = "rsa1024"
    add(f"{k}-priv-pkcs8-pem-str", k, "priv", _file(f"{k}_priv_pkcs8.pem", True))
    add(f"{k}-priv-pkcs1-pem-bytes", k, "priv", _file(f"{k}_priv_pkcs1.pem", False))
    add(f"{k}-priv-pkcs8-der", k, "priv", _file(f"{k}_priv_pkcs8.der", False), der=True,
        pem_equiv=f"{k}-priv-pkcs8-pem-str")
    add(f"{k}-priv-obj", k, "priv", lambda: priv_obj("rsa1024"))
    add(f"{k}-pub-spki-pem-str", k, "pub", _file(f"{k}_pub_spki.pem", True))
    add(f"{k}-pub-pkcs1-pem-str", k, "pub", _file(f"{k}_pub_pkcs1.pem", True))
    add(f"{k}-pub-ssh-str", k, "pub", _file(f"{k}_pub.ssh", True))
    add(f"{k}-pub-obj", k, "pub", lambda: pub_obj("rsa1024"))
    add(f"{k}-pub-spki-der", k, "pub", _file(f"{k}_pub_spki.der", False), der=True,
        pem_equiv=f"{k}-pub-spki-pem-str")

    # ---- EC curves
    for k in ("p256", "p384", "p521", "secp256k1"):
        for fmt in ("pkcs8", "sec1"):
            add(f"{k}-priv-{fmt}-pem-str", k, "priv", _file(f"{k}_priv_{fmt}.pem", True))
            add(f"{k}-priv-{fmt}-pem-bytes", k, "priv", _file(f"{k}_priv_{fmt}.pem", False))
            add(f"{k}-priv-{fmt}-der", k, "priv", _file(f"{k}_priv_{fmt}.der", False), der=True,
                pem_equiv=f"{k}-priv-{fmt}-pem-bytes")
        add(f"{k}-priv-obj", k, "priv", (lambda kk: lambda: priv_obj(kk))(k))
        add(f"{k}-priv-encrypted", k, "priv", _file(f"{k}_priv_enc.pem", True))
        add(f"{k}-pub-spki-pem-str", k, "pub", _file(f"{k}_pub_spki.pem", True))
        add(f"{k}-pub-spki-pem-bytes", k, "pub", _file(f"{k}_pub_spki.pem", False))
        add(f"{k}-pub-spki-der", k, "pub", _file(f"{k}_pub_spki.der", False), der=True,
            pem_equiv=f"{k}-pub-spki-pem-bytes")
        add(f"{k}-pub-obj", k, "pub", (lambda kk: lambda: pub_obj(kk))(k))
        if k != "secp256k1":
            add(f"{k}-pub-ssh-str", k, "pub", _file(f"{k}_pub.ssh", True))
            add(f"{k}-pub-ssh-bytes", k, "pub", _file(f"{k}_pub.ssh", False))
            add(f"{k}-priv-openssh", k, "priv", _file(f"{k}_priv_openssh.pem", True))
    add("p256-pub-pem-crlf", "p256", "pub", lambda: text("p256_pub_spki.pem").replace("\n", "\r\n"))
    add("p256-priv-pem-bytearray", "p256", "priv", lambda: bytearray(raw("p256_priv_pkcs8.pem")))
    add("p256-cert-pem", "p256", "cert", _file("p256_cert.pem", True))
    add("p256-cert-der", "p256", "cert", _file("p256_cert.der", False), der=True, pem_equiv=None)

    # ---- EdDSA
    for k in ("ed25519", "ed448"):
        add(f"{k}-priv-pkcs8-pem-str", k, "priv", _file(f"{k}_priv_pkcs8.pem", True))
        add(f"{k}-priv-pkcs8-pem-bytes", k, "priv", _file(f"{k}_priv_pkcs8.pem", False))
        add(f"{k}-priv-pkcs8-der", k, "priv", _file(f"{k}_priv_pkcs8.der", False), der=True,
            pem_equiv=f"{k}-priv-pkcs8-pem-bytes")
        add(f"{k}-priv-obj", k, "priv", (lambda kk: lambda: priv_obj(kk))(k))
        add(f"{k}-priv-encrypted", k, "priv", _file(f"{k}_priv_enc.pem", True))
        add(f"{k}-pub-spki-pem-str", k, "pub", _file(f"{k}_pub_spki.pem", True))
        add(f"{k}-pub-spki-pem-bytes", k, "pub", _file(f"{k}_pub_spki.pem", False))
        add(f"{k}-pub-spki-der", k, "pub", _file(f"{k}_pub_spki.der", False), der=True,
            pem_equiv=f"{k}-pub-spki-pem-bytes")
        add(f"{k}-pub-obj", k, "pub", (lambda kk: lambda: pub_obj(kk))(k))
    add("ed25519-pub-ssh-str", "ed25519", "pub", _file("ed25519_pub.ssh", True))
    add("ed25519-pub-ssh-bytes", "ed25519", "pub", _file("ed25519_pub.ssh", False))
    add("ed25519-priv-openssh", "ed25519", "priv", _file("ed25519_priv_openssh.pem", True))
    add("ed25519-pub-pem-crlf", "ed25519", "pub", lambda: text("ed25519_pub_spki.pem").replace("\n", "\r\n"))
    add("ed25519-priv-pem-str-subclass", "ed25519", "priv", lambda: StrSub(text("ed25519_priv_pkcs8.pem")))

    # ---- junk and malformed keys
    spki = text("rsa2048_pub_spki.pem")
    body = spki.split("\n")[1]
    junk: list[tuple[str, Callable[[], Any]]] = [
        ("empty-str", lambda: ""),
        ("empty-bytes", lambda: b""),
        ("hmac-secret", lambda: "secret"),
        ("garbage-bytes", lambda: b"\xff\xfe\x00garbage"),
        ("none", lambda: None),
        ("int", lambda: 123),
        ("jwk-dict", lambda: {"kty": "EC", "crv": "P-256"}),
        ("pem-truncated-body", lambda: f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"),
        ("pem-bad-base64", lambda: "-----BEGIN PUBLIC KEY-----\n!!!!notbase64!!!!\n-----END PUBLIC KEY-----\n"),
        ("pem-wrong-label", lambda: spki.replace("PUBLIC KEY", "FOO KEY")),
        ("pem-no-end", lambda: spki.replace("-----END PUBLIC KEY-----", "")),
        ("pem-private-label-public-body", lambda: spki.replace("PUBLIC KEY", "PRIVATE KEY")),
        ("pem-truncated-private", lambda: text("p256_priv_pkcs8.pem")[:120]),
        ("ssh-rsa-corrupt", lambda: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQ== comment"),
        ("ssh-ecdsa-corrupt", lambda: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= x"),
        ("ssh-ed25519-corrupt", lambda: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== x"),
        ("ssh-dss", lambda: "ssh-dss AAAAB3NzaC1kc3MAAACBAP== x"),
        ("jwk-json-str", lambda: json.dumps(o_algs.ECAlgorithm.to_jwk(pub_obj("p256"), as_dict=True))),
        ("random-der-like", lambda: bytes.fromhex("3082010a0282010100") + b"\x00" * 16),
    ]
    for jid, make in junk:
        add(f"junk-{jid}", None, "junk", make)
    return forms


FORMS = _build_forms()
FORMS_BY_ID = {f.id: f for f in FORMS}
assert len(FORMS_BY_ID) == len(FORMS)


# ==========================================================================
# comparison helpers
# ==========================================================================

_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")


def _normalized(o: Outcome) -> Outcome:
    """PyJWT's check_crypto_key_type() message prints a generator object, whose
    address differs on every call: only that address is masked."""
    if o.ok:
        return o
    res = Outcome(
        (o.result[0], o.result[1], _ADDR.sub(" at 0x?", o.result[2])),
        warnings=o.warnings,
        exc=o.exc,
        warning_files=o.warning_files,
    )
    return res


def same(expected: Outcome, actual: Outcome, what: str) -> None:
    assert_same_outcome(_normalized(expected), _normalized(actual), what)


def b64u(raw_: bytes) -> str:
    return base64.urlsafe_b64encode(raw_).rstrip(b"=").decode()


def b64u_dec(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


@lru_cache(maxsize=None)
def der_accepted(alg: str, form_id: str) -> bool:
    """Whether a DER form is a key the algorithm takes: PyJWT's prepare_key for alg
    accepts the same key as PEM."""
    form = FORMS_BY_ID[form_id]
    if not form.der or form.pem_equiv is None:
        return False
    if pyjwt_fast.algorithms.has_crypto:
        return False  # DER is taken only without cryptography (docs/compat.md)
    o_alg = o_algs.get_default_algorithms()[alg]
    return outcome(o_alg.prepare_key, FORMS_BY_ID[form.pem_equiv].value()).ok


def oracle_value(form: KeyForm, alg: str) -> Any:
    """The key PyJWT is given for a form. DER is a pyjwt_fast extension: a DER key
    that the algorithm takes (a key of its family / curve) behaves exactly as the
    same key in PEM, so PyJWT gets the PEM; any other DER input (a key of another
    family, a certificate) is refused exactly as PyJWT refuses those DER bytes,
    so PyJWT gets the DER bytes themselves."""
    if der_accepted(alg, form.id):
        return FORMS_BY_ID[form.pem_equiv].value()  # type: ignore[index]
    return form.value()


def sign_key_for(alg: str, keyname: str | None) -> str:
    if keyname is not None and compatible(alg, keyname):
        if alg == "PS512" and keyname == "rsa1024":
            # 2 + 64 + 64 bytes of PSS encoding do not fit a 1024-bit modulus:
            # PyJWT cannot sign; the token comes from the 2048-bit key instead
            return "rsa2048"
        return keyname
    if alg in EC_CURVE_KEY:
        return EC_CURVE_KEY[alg]
    if alg == "EdDSA":
        return "ed25519"
    return "rsa2048"


@lru_cache(maxsize=None)
def oracle_token(alg: str, keyname: str, headers: str = json.dumps(HEADERS)) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)  # rsa1024: expected
        return pyjwt.encode(PAYLOAD, priv_obj(keyname), algorithm=alg, headers=json.loads(headers))


def assert_encode_equivalent(alg: str, expected: Outcome, actual: Outcome, keyname: str | None,
                             what: str, jws_payload: bytes | None = None, detached: bool = False) -> None:
    """assert_same_outcome, except that randomized signatures (PS*, ES*) are
    compared by cross-verification instead of equality."""
    if alg in DETERMINISTIC or not (expected.ok and actual.ok):
        same(expected, actual, what)
        return
    assert expected.warnings == actual.warnings, (what, expected.warnings, actual.warnings)
    o_tok, f_tok = expected.value, actual.value
    assert isinstance(f_tok, str), (what, type(f_tok))
    o_h, o_p, o_s = o_tok.split(".")
    f_h, f_p, f_s = f_tok.split(".")
    assert (f_h, f_p) == (o_h, o_p), f"header/payload segments differ [{what}]"
    assert len(b64u_dec(f_s)) == len(b64u_dec(o_s)), f"signature length differs [{what}]"
    assert keyname is not None
    pub = pub_obj(keyname)
    if jws_payload is None:
        # the signature is what is checked here; claims are compared by the callers
        o_dec, f_dec, kw = pyjwt.decode, pyjwt_fast.decode, {"options": {"verify_aud": False}}
    else:
        o_dec, f_dec = jwt.api_jws.PyJWS().decode, pyjwt_fast.api_jws.PyJWS().decode
        kw = {"detached_payload": jws_payload} if detached else {}
    # pyjwt_fast's token verifies with PyJWT ...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o_dec(f_tok, pub, algorithms=[alg], **kw)
        # ... and PyJWT's with pyjwt_fast, with a key object and a PEM string
        f_dec(o_tok, pub, algorithms=[alg], **kw)
        f_dec(o_tok, text(f"{keyname}_pub_spki.pem"), algorithms=[alg], **kw)


def _maybe_skip_der(form: KeyForm, alg: str) -> None:
    if STANDIN and der_accepted(alg, form.id):
        pytest.skip("DER keys are a pyjwt_fast extension; the PyJWT stand-in has none")


# ==========================================================================
# 1. every algorithm x every key form: encode and decode
# ==========================================================================


# Which (algorithm, key form) pairs run. All of them would be ~3,600 calls; the
# trimming below drops only repetitions that exercise nothing new and cost time:
# cryptography validates an RSA private key on every load (~35 ms for 2048 bits),
# and PyJWT reloads PEM keys on every call, so the RSA-2048 private PEM forms run
# with a representative set of algorithms; formatting variants of a PEM (CRLF,
# subclasses, buffers...) run with one algorithm per algorithm class.
VARIANT_MARKERS = ("crlf", "no-final-newline", "subclass", "bytearray", "memoryview", "no-newline")
VARIANT_ALGS = {"RS256", "PS384", "ES256", "ES512", "EdDSA"}
PRIMARY_RSA_PRIV = {"rsa2048-priv-pkcs8-pem-str", "rsa2048-priv-pkcs1-pem-bytes"}


def in_matrix(alg: str, form: KeyForm) -> bool:
    if form.keyname == "rsa2048" and form.kind == "priv" and ("pem" in form.id or form.der) and not any(
            m in form.id for m in ("openssh", "encrypted", "bytearray")):
        if form.id in PRIMARY_RSA_PRIV:
            return alg in {"RS256", "RS512", "PS256", "PS384", "ES256", "EdDSA"}
        if any(m in form.id for m in VARIANT_MARKERS):
            return alg == "RS256"
        return alg in {"RS256", "PS256"} or (form.der and alg == "ES256")
    if any(m in form.id for m in VARIANT_MARKERS):
        return alg in VARIANT_ALGS
    return True


MATRIX = [pytest.param(a, f, id=f"{a}-{f.id}") for a in ALL_ALGS for f in FORMS if in_matrix(a, f)]


@pytest.mark.parametrize("alg,form", MATRIX)
def test_every_algorithm_every_key_form(alg: str, form: KeyForm) -> None:
    """encode with the form, and decode a token PyJWT signed with the form's key
    (or with the algorithm's default key when the form does not fit the algorithm)."""
    _maybe_skip_der(form, alg)

    # encode
    what = f"encode alg={alg} key={form.id}"
    expected = outcome(pyjwt.encode, PAYLOAD, oracle_value(form, alg), algorithm=alg, headers=HEADERS)
    actual = outcome(pyjwt_fast.encode, PAYLOAD, form.value(), algorithm=alg, headers=HEADERS)
    assert_encode_equivalent(alg, expected, actual, form.keyname, what)
    if expected.ok:
        # sanity of the oracle: only a private key of the right family signs
        assert form.kind == "priv" and compatible(alg, form.keyname or ""), what

    # decode
    what = f"decode alg={alg} key={form.id}"
    token = oracle_token(alg, sign_key_for(alg, form.keyname))
    expected = outcome(pyjwt.decode, token, oracle_value(form, alg), algorithms=[alg])
    actual = outcome(pyjwt_fast.decode, token, form.value(), algorithms=[alg])
    same(expected, actual, what)
    if form.kind == "pub" and form.keyname and compatible(alg, form.keyname) and not form.der:
        if "bytearray" not in form.id and "memoryview" not in form.id and sign_key_for(alg, form.keyname) == form.keyname:
            # sanity of the oracle: every public key form of the right family verifies
            assert expected.ok and expected.value == PAYLOAD, (what, expected)


@pytest.mark.parametrize("form", [f for f in FORMS if f.keyname in (
    "rsa2048", "p256", "p384", "p521", "secp256k1", "ed25519", "ed448") and (
    f.kind == "pub" or (f.kind == "priv" and family(f.keyname) != "rsa"))],  # RSA private: AttributeError
    ids=lambda f: f.id)
def test_decode_wrong_key_same_family(form: KeyForm) -> None:
    """A token signed by another key of the same family/curve: InvalidSignatureError
    (or whatever PyJWT says for that key form)."""
    keyname = form.keyname
    assert keyname
    algs = [a for a in ALL_ALGS if compatible(a, keyname)]
    for alg in algs:
        if STANDIN and der_accepted(alg, form.id):
            continue
        token = oracle_token(alg, keyname + "b")
        what = f"decode alg={alg} token-key={keyname}b key={form.id}"
        expected = outcome(pyjwt.decode, token, oracle_value(form, alg), algorithms=[alg])
        actual = outcome(pyjwt_fast.decode, token, form.value(), algorithms=[alg])
        same(expected, actual, what)
        assert not actual.ok, what


@pytest.mark.parametrize("alg,keyname", ALG_KEYS, ids=ALG_KEY_IDS)
def test_tokens_cross_verify_both_directions(alg: str, keyname: str) -> None:
    """pyjwt_fast-encoded tokens decode with PyJWT and vice versa (private keys as
    PEM str, PEM bytes and objects; public keys as PEM str, SSH and objects)."""
    priv_forms = [text(f"{keyname}_priv_pkcs8.pem"), raw(f"{keyname}_priv_pkcs8.pem"), priv_obj(keyname)]
    pub_forms: list[Any] = [text(f"{keyname}_pub_spki.pem"), raw(f"{keyname}_pub_spki.pem"), pub_obj(keyname)]
    if os.path.exists(os.path.join(KEYDIR, f"{keyname}_pub.ssh")):
        pub_forms.append(text(f"{keyname}_pub.ssh"))
    payloads = [PAYLOAD, {}, {"a": "x" * 5000}, {"list": list(range(50)), "f": -0.0}]
    for i, payload in enumerate(payloads):
        o_tok = pyjwt.encode(payload, priv_obj(keyname), algorithm=alg)
        # PEM forms with the first payload, the key object with every payload
        # (PyJWT, the stand-in, reparses RSA PEMs at ~35 ms each)
        for pk in priv_forms if i == 0 else priv_forms[2:]:
            f_tok = pyjwt_fast.encode(payload, pk, algorithm=alg)
            if alg in DETERMINISTIC:
                assert f_tok == o_tok, (alg, keyname, type(pk))
            for pub in pub_forms:
                assert pyjwt.decode(f_tok, pub, algorithms=[alg]) == payload
        for pub in pub_forms:
            res = pyjwt_fast.decode(o_tok, pub, algorithms=[alg])
            assert res == payload
            full_o = pyjwt.decode_complete(o_tok, pub, algorithms=[alg])
            full_f = pyjwt_fast.decode_complete(o_tok, pub, algorithms=[alg])
            assert full_f == full_o


@pytest.mark.parametrize("alg,keyname", ALG_KEYS, ids=ALG_KEY_IDS)
def test_pyjws_bytes_payloads_and_detached(alg: str, keyname: str) -> None:
    """PyJWS level: arbitrary byte payloads, header options, detached payload
    (RFC 7797 b64=false)."""
    k = priv_obj(keyname)
    pub = text(f"{keyname}_pub_spki.pem")
    cases: list[tuple[bytes, dict]] = [
        (b"", {}),
        (b"\x00\xff binary \x80", {"headers": {"kid": "k", "cty": "x"}}),
        (b"hello world", {"headers": {"typ": None}}),
        (b"x" * 1000, {"headers": {"z": 1, "a": 2}, "sort_headers": False}),
        (b"detached payload", {"is_payload_detached": True}),
    ]
    for i, (body, kw) in enumerate(cases):
        o = outcome(jwt.api_jws.PyJWS().encode, body, k, algorithm=alg, **kw)
        f_key = text(f"{keyname}_priv_pkcs8.pem") if i % 2 == 0 else k
        f = outcome(pyjwt_fast.api_jws.PyJWS().encode, body, f_key, algorithm=alg, **kw)
        detached = kw.get("is_payload_detached", False)
        assert_encode_equivalent(alg, o, f, keyname, f"PyJWS.encode {alg} {body[:20]!r} {kw}",
                                 jws_payload=body, detached=detached)
        for tok in (o.value, f.value):
            dkw = {"detached_payload": body} if detached else {}
            exp = outcome(jwt.api_jws.PyJWS().decode_complete, tok, pub, algorithms=[alg], **dkw)
            act = outcome(pyjwt_fast.api_jws.PyJWS().decode_complete, tok, pub, algorithms=[alg], **dkw)
            same(exp, act, f"PyJWS.decode_complete {alg} {body[:20]!r} {kw}")
            assert exp.ok and exp.value["payload"] == body


class DefaultOnlyEncoder(json.JSONEncoder):
    """Overrides only default(): pyjwt_fast may keep its C JSON path."""

    def default(self, o: Any) -> Any:
        return str(o)


class FullEncoder(json.JSONEncoder):
    """Overrides encode(): pyjwt_fast must hand JSON to Python."""

    def encode(self, o: Any) -> str:
        return super().encode(o)


@pytest.mark.parametrize("key_kind", ["pem-str", "pem-bytes", "obj", "der"])
@pytest.mark.parametrize("alg,keyname", ALG_KEYS, ids=ALG_KEY_IDS)
def test_key_forms_on_every_api_path(alg: str, keyname: str, key_kind: str) -> None:
    """The same key form works the same on every entry point (module functions,
    PyJWT / PyJWS instances, options, custom JSON encoders, detached payloads),
    whichever of pyjwt_fast's paths serves the call. PyJWT with the PEM key is the
    oracle (DER is pyjwt_fast's extension: it must behave as that PEM)."""
    if key_kind == "der" and (STANDIN or pyjwt_fast.algorithms.has_crypto):
        pytest.skip("DER keys are taken only without cryptography (tests/test_nocrypto.py)")
    o_priv, o_pub = priv_obj(keyname), text(f"{keyname}_pub_spki.pem")
    f_priv: Any = {"pem-str": text(f"{keyname}_priv_pkcs8.pem"), "pem-bytes": raw(f"{keyname}_priv_pkcs8.pem"),
                   "obj": priv_obj(keyname), "der": raw(f"{keyname}_priv_pkcs8.der")}[key_kind]
    f_pub: Any = {"pem-str": o_pub, "pem-bytes": raw(f"{keyname}_pub_spki.pem"), "obj": pub_obj(keyname),
                  "der": raw(f"{keyname}_pub_spki.der")}[key_kind]
    payload = {**PAYLOAD, "aud": "svc", "when": 1}
    enforce = {"enforce_minimum_key_length": True}
    encodes: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple, dict, bytes | None]] = [
        ("encode", pyjwt.encode, pyjwt_fast.encode, (payload,), {"algorithm": alg}, None),
        ("encode headers", pyjwt.encode, pyjwt_fast.encode, (payload,), {"algorithm": alg, "headers": {"kid": "k"}},
         None),
        ("encode sort_headers=False", pyjwt.encode, pyjwt_fast.encode, (payload,),
         {"algorithm": alg, "headers": {"kid": "k", "b": 1}, "sort_headers": False}, None),
        ("encode default-only encoder", pyjwt.encode, pyjwt_fast.encode, (payload,),
         {"algorithm": alg, "json_encoder": DefaultOnlyEncoder}, None),
        ("encode full encoder", pyjwt.encode, pyjwt_fast.encode, (payload,),
         {"algorithm": alg, "json_encoder": FullEncoder}, None),
        ("PyJWT().encode", jwt.api_jwt.PyJWT().encode, pyjwt_fast.api_jwt.PyJWT().encode, (payload,),
         {"algorithm": alg}, None),
        ("PyJWT(enforce).encode", jwt.api_jwt.PyJWT(options=enforce).encode,
         pyjwt_fast.api_jwt.PyJWT(options=enforce).encode, (payload,), {"algorithm": alg}, None),
        ("PyJWS().encode", jwt.api_jws.PyJWS().encode, pyjwt_fast.api_jws.PyJWS().encode, (b"raw bytes",),
         {"algorithm": alg}, b"raw bytes"),
        ("PyJWS().encode detached", jwt.api_jws.PyJWS().encode, pyjwt_fast.api_jws.PyJWS().encode,
         (b"detached",), {"algorithm": alg, "is_payload_detached": True}, b"detached"),
    ]
    failures: list[str] = []
    for name, o_fn, f_fn, args, kw, jws_payload in encodes:
        exp = outcome(o_fn, *args, o_priv, **kw)
        act = outcome(f_fn, *args, f_priv, **kw)
        assert exp.ok, (name, exp)
        try:
            assert_encode_equivalent(alg, exp, act, keyname, f"{name} {alg} key={key_kind}",
                                     jws_payload=jws_payload, detached=bool(kw.get("is_payload_detached")))
        except Exception as exc:  # noqa: BLE001 - every path is reported
            failures.append(f"{name}: {exc}")

    token = pyjwt.encode(payload, o_priv, algorithm=alg)
    jws_token = jwt.api_jws.PyJWS().encode(b"raw bytes", o_priv, algorithm=alg)
    detached_token = jwt.api_jws.PyJWS().encode(b"detached", o_priv, algorithm=alg, is_payload_detached=True)
    decodes: list[tuple[str, Callable[..., Any], Callable[..., Any], str, dict]] = [
        ("decode", pyjwt.decode, pyjwt_fast.decode, token, {"audience": "svc"}),
        ("decode no audience", pyjwt.decode, pyjwt_fast.decode, token, {}),
        ("decode_complete", pyjwt.decode_complete, pyjwt_fast.decode_complete, token, {"audience": "svc"}),
        ("decode leeway", pyjwt.decode, pyjwt_fast.decode, token, {"audience": "svc", "leeway": 30}),
        ("decode options", pyjwt.decode, pyjwt_fast.decode, token,
         {"options": {"verify_aud": False, "require": ["exp", "iat"]}}),
        ("decode enforce", pyjwt.decode, pyjwt_fast.decode, token, {"audience": "svc", "options": enforce}),
        ("decode issuer", pyjwt.decode, pyjwt_fast.decode, token, {"audience": "svc", "issuer": "pyjwt-fast-tests"}),
        ("decode wrong issuer", pyjwt.decode, pyjwt_fast.decode, token, {"audience": "svc", "issuer": "other"}),
        ("PyJWT().decode", jwt.api_jwt.PyJWT().decode, pyjwt_fast.api_jwt.PyJWT().decode, token,
         {"audience": "svc"}),
        ("PyJWS().decode", jwt.api_jws.PyJWS().decode, pyjwt_fast.api_jws.PyJWS().decode, jws_token, {}),
        ("PyJWS().decode_complete", jwt.api_jws.PyJWS().decode_complete,
         pyjwt_fast.api_jws.PyJWS().decode_complete, jws_token, {}),
        ("PyJWS().decode detached", jwt.api_jws.PyJWS().decode, pyjwt_fast.api_jws.PyJWS().decode,
         detached_token, {"detached_payload": b"detached"}),
        ("PyJWS().decode detached wrong payload", jwt.api_jws.PyJWS().decode, pyjwt_fast.api_jws.PyJWS().decode,
         detached_token, {"detached_payload": b"detacheD"}),
    ]
    for name, o_fn, f_fn, tok, kw in decodes:
        exp = outcome(o_fn, tok, o_pub, algorithms=[alg], **kw)
        act = outcome(f_fn, tok, f_pub, algorithms=[alg], **kw)
        try:
            same(exp, act, f"{name} {alg} key={key_kind}")
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, f"{len(failures)} path(s) differ:\n" + "\n".join(failures)


# ==========================================================================
# 2. tampering
# ==========================================================================


def _flip(data: bytes, index: int, bit: int) -> bytes:
    b = bytearray(data)
    b[index] ^= 1 << bit
    return bytes(b)


def _with_header(header: dict, p: str, s: str) -> str:
    return b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + p + "." + s


def tamper_cases(alg: str, keyname: str, token: str) -> list[tuple[str, str, str, bool]]:
    """(name, token, algorithm allowed on decode, must be refused)."""
    h, p, s = token.split(".")
    sig = b64u_dec(s)
    hdr = json.loads(b64u_dec(h))
    n = len(sig)
    out: list[tuple[str, str, str, bool]] = []

    def add(name: str, tok: str, must_refuse: bool = True, allowed: str = alg) -> None:
        out.append((name, tok, allowed, must_refuse))

    def with_sig(new: bytes) -> str:
        return f"{h}.{p}.{b64u(new)}"

    for idx in sorted({0, 1, n // 2, n - 2, n - 1}):
        for bit in (0, 7):
            add(f"sig-flip-{idx}-{bit}", with_sig(_flip(sig, idx, bit)))
    add("sig-truncated-1", with_sig(sig[:-1]))
    add("sig-truncated-half", with_sig(sig[: n // 2]))
    add("sig-empty", f"{h}.{p}.")
    add("sig-extra-zero", with_sig(sig + b"\x00"))
    add("sig-leading-zero", with_sig(b"\x00" + sig))
    add("sig-all-zero", with_sig(b"\x00" * n))
    add("sig-all-ff", with_sig(b"\xff" * n))
    add("sig-doubled", with_sig(sig + sig))
    add("header-kid-changed", _with_header({**hdr, "kid": "key-2"}, p, s))
    add("header-extra-member", _with_header({**hdr, "x": 1}, p, s))
    raw_h = b64u_dec(h)
    add("header-bitflip-in-value", b64u(raw_h.replace(b'"key-1"', b'"key-0"')) + f".{p}.{s}")
    add("header-bitflip-structure", b64u(_flip(raw_h, 0, 1)) + f".{p}.{s}")
    raw_p = b64u_dec(p)
    add("payload-claim-changed", f"{h}.{b64u(raw_p.replace(b'user-1', b'user-2'))}.{s}")
    for idx in (0, len(raw_p) // 2, len(raw_p) - 1):
        add(f"payload-bitflip-{idx}", f"{h}.{b64u(_flip(raw_p, idx, 0))}.{s}")
    extended = raw_p[:-1] + b',"admin":true}'
    add("payload-extended", f"{h}.{b64u(extended)}.{s}")
    add("segments-swapped", f"{p}.{h}.{s}")
    add("signature-of-other-token", f"{h}.{b64u(b'{}')}.{s}")

    # algorithm relabelling: same signature, the header claims a sibling algorithm
    siblings = {
        "RS256": ["RS384", "PS256", "ES256", "EdDSA", "HS256"],
        "RS384": ["RS256", "PS384"],
        "RS512": ["RS256", "PS512"],
        "PS256": ["RS256", "PS384"],
        "PS384": ["RS384", "PS256"],
        "PS512": ["RS512", "PS256"],
        "ES256": ["ES256K", "ES384", "RS256", "EdDSA", "HS256"],
        "ES256K": ["ES256"],
        "ES384": ["ES256", "ES512"],
        "ES512": ["ES521", "ES384"],
        "ES521": ["ES512"],
        "EdDSA": ["ES256", "RS256", "HS256"],
    }[alg]
    for other in siblings:
        add(f"relabel-{other}", _with_header({**hdr, "alg": other}, p, s), allowed=other)
        add(f"relabel-{other}-both-allowed", _with_header({**hdr, "alg": other}, p, s),
            allowed=f"{alg},{other}")
    add("relabel-none", _with_header({**hdr, "alg": "none"}, p, ""), allowed="none")
    add("relabel-none-with-alg", _with_header({**hdr, "alg": "none"}, p, ""), allowed=f"{alg},none")
    add("alg-missing", _with_header({k: v for k, v in hdr.items() if k != "alg"}, p, s))

    if alg in EC_ALGS:
        order = EC_ORDER[keyname]
        L = n // 2
        r, s_ = int.from_bytes(sig[:L], "big"), int.from_bytes(sig[L:], "big")

        def rs(r_: int, s2: int, size: int = L) -> bytes:
            return r_.to_bytes(size, "big") + s2.to_bytes(size, "big")

        add("ecdsa-r-s-zero", with_sig(rs(0, 0)))
        add("ecdsa-r-zero", with_sig(rs(0, s_)))
        add("ecdsa-s-zero", with_sig(rs(r, 0)))
        add("ecdsa-r-eq-n", with_sig(rs(order, s_)))
        add("ecdsa-s-eq-n", with_sig(rs(r, order)))
        # r + n, s + n: the same values mod n, out of range (fits the field only on P-521)
        if (r + order).bit_length() <= 8 * L:
            add("ecdsa-r-plus-n", with_sig(rs(r + order, s_)))
        if (s_ + order).bit_length() <= 8 * L:
            add("ecdsa-s-plus-n", with_sig(rs(r, s_ + order)))
        add("ecdsa-r-s-one", with_sig(rs(1, 1)))
        add("ecdsa-swapped", with_sig(rs(s_, r)))
        # high-s: (r, n - s) is the other valid signature; OpenSSL and so PyJWT accept it
        add("ecdsa-high-s", with_sig(rs(r, order - s_)), must_refuse=False)
        add("ecdsa-der-encoded", with_sig(encode_dss_signature(r, s_)))
        add("ecdsa-der-encoded-high-s", with_sig(encode_dss_signature(r, order - s_)))
        add("ecdsa-halves-padded", with_sig(rs(r, s_, L + 1)))
        add("ecdsa-halves-short", with_sig(rs(r % 2 ** (8 * (L - 1)), s_ % 2 ** (8 * (L - 1)), L - 1)))
        for other_len in (64, 96, 132):
            if other_len != n:
                # r||s of another curve's length, numbers unchanged (left-padded / cut)
                half = other_len // 2
                add(f"ecdsa-length-{other_len}",
                    with_sig(rs(r % 2 ** (8 * half), s_ % 2 ** (8 * half), half)))
    elif alg == "EdDSA":
        order = ED_ORDER[keyname]
        half = n // 2
        S = int.from_bytes(sig[half:], "little")
        if (S + order).bit_length() <= 8 * half:
            add("eddsa-s-plus-l", with_sig(sig[:half] + (S + order).to_bytes(half, "little")))
        add("eddsa-s-eq-l", with_sig(sig[:half] + order.to_bytes(half, "little")))
        add("eddsa-r-zero", with_sig(b"\x00" * half + sig[half:]))
        add("eddsa-s-zero", with_sig(sig[:half] + b"\x00" * half))
        # an Ed448-sized signature for Ed25519 and the other way round
        add("eddsa-other-length", with_sig(sig + bytes(50) if n == 64 else sig[:64]))
    else:
        modulus = pub_obj(keyname).public_numbers().n
        klen = (modulus.bit_length() + 7) // 8
        add("rsa-sig-eq-modulus", with_sig(modulus.to_bytes(klen, "big")))
        add("rsa-sig-modulus-minus-1", with_sig((modulus - 1).to_bytes(klen, "big")))
        add("rsa-sig-one", with_sig((1).to_bytes(klen, "big")))
        add("rsa-sig-plus-modulus", with_sig((int.from_bytes(sig, "big") + modulus).to_bytes(klen + 1, "big")))
    return out


def _tamper_params() -> list[Any]:
    params = []
    for alg, keyname in ALG_KEYS:
        params.append(pytest.param(alg, keyname, id=f"{alg}-{keyname}"))
    return params


@pytest.mark.parametrize("key_kind", ["pem-str", "obj"])
@pytest.mark.parametrize("alg,keyname", _tamper_params())
def test_tampered_tokens_refused_like_pyjwt(alg: str, keyname: str, key_kind: str) -> None:
    token = oracle_token(alg, keyname)
    key: Any = text(f"{keyname}_pub_spki.pem") if key_kind == "pem-str" else pub_obj(keyname)
    # the untampered token verifies (sanity)
    assert pyjwt_fast.decode(token, key, algorithms=[alg]) == PAYLOAD
    failures = []
    for name, tok, allowed, must_refuse in tamper_cases(alg, keyname, token):
        algorithms = allowed.split(",")
        what = f"{alg}/{keyname}/{key_kind} tamper={name} algorithms={algorithms} token={tok}"
        expected = outcome(pyjwt.decode, tok, key, algorithms=algorithms)
        actual = outcome(pyjwt_fast.decode, tok, key, algorithms=algorithms)
        try:
            same(expected, actual, what)
            if must_refuse:
                assert not actual.ok, f"tampered token accepted [{what}]"
            else:
                # oracle sanity (and a check of the group order constant)
                assert expected.ok, f"PyJWT refused the high-s signature [{what}]"
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, f"{len(failures)} tamper case(s) differ:\n" + "\n\n".join(failures[:15])


@pytest.mark.parametrize("alg,keyname", ALG_KEYS, ids=ALG_KEY_IDS)
def test_signature_tampering_is_invalid_signature_error(alg: str, keyname: str) -> None:
    """The plain signature tampering cases must be InvalidSignatureError, not some
    other error (PyJWT's verdict, asserted explicitly)."""
    token = oracle_token(alg, keyname)
    key = text(f"{keyname}_pub_spki.pem")
    for name, tok, allowed, must_refuse in tamper_cases(alg, keyname, token):
        if not (name.startswith(("sig-", "ecdsa-", "eddsa-", "rsa-", "payload-", "header-kid", "header-extra"))
                and must_refuse):
            continue
        with pytest.raises(pyjwt_fast.exceptions.InvalidSignatureError, match="^Signature verification failed$"):
            pyjwt_fast.decode(tok, key, algorithms=allowed.split(","))


# ==========================================================================
# 3. algorithm confusion
# ==========================================================================


def _confusion_secrets() -> list[tuple[str, Any]]:
    secrets: list[tuple[str, Any]] = []
    for k in ("rsa2048", "rsa1024", "p256", "p384", "p521", "secp256k1", "ed25519", "ed448"):
        secrets.append((f"{k}-pub-spki-pem-str", text(f"{k}_pub_spki.pem")))
        secrets.append((f"{k}-pub-spki-pem-bytes", raw(f"{k}_pub_spki.pem")))
        secrets.append((f"{k}-pub-spki-der", raw(f"{k}_pub_spki.der")))
        secrets.append((f"{k}-priv-pkcs8-pem", text(f"{k}_priv_pkcs8.pem")))
        secrets.append((f"{k}-priv-encrypted-pem", text(f"{k}_priv_enc.pem")))
        if os.path.exists(os.path.join(KEYDIR, f"{k}_pub.ssh")):
            secrets.append((f"{k}-ssh", text(f"{k}_pub.ssh")))
            secrets.append((f"{k}-ssh-no-newline", text(f"{k}_pub.ssh").strip()))
        if os.path.exists(os.path.join(KEYDIR, f"{k}_priv_openssh.pem")):
            secrets.append((f"{k}-priv-openssh", text(f"{k}_priv_openssh.pem")))
        obj_pub, obj_priv = pub_obj(k), priv_obj(k)
        cls = o_algs.RSAAlgorithm if family(k) == "rsa" else (
            o_algs.ECAlgorithm if family(k) == "ec" else o_algs.OKPAlgorithm)
        secrets.append((f"{k}-jwk-pub-json", cls.to_jwk(obj_pub)))
        secrets.append((f"{k}-jwk-priv-json", cls.to_jwk(obj_priv)))
        secrets.append((f"{k}-jwk-pub-json-bytes", cls.to_jwk(obj_pub).encode()))
        secrets.append((f"{k}-jwks-json", json.dumps({"keys": [cls.to_jwk(obj_pub, as_dict=True)]})))
    for k in ("rsa2048", "rsa1024"):
        secrets.append((f"{k}-pub-pkcs1-pem", text(f"{k}_pub_pkcs1.pem")))
        secrets.append((f"{k}-pub-pkcs1-der", raw(f"{k}_pub_pkcs1.der")))
        secrets.append((f"{k}-priv-pkcs1-pem", text(f"{k}_priv_pkcs1.pem")))
    for k in ("p256", "p384", "p521", "secp256k1"):
        secrets.append((f"{k}-priv-sec1-pem", text(f"{k}_priv_sec1.pem")))
    secrets.append(("rsa2048-cert-pem", text("rsa2048_cert.pem")))
    secrets.append(("rsa2048-cert-der", raw("rsa2048_cert.der")))
    secrets.append(("p256-cert-pem", text("p256_cert.pem")))
    secrets.append(("p256-cert-der", raw("p256_cert.der")))
    secrets.append(("pem-with-leading-text", "my key:\n" + text("rsa2048_pub_spki.pem")))
    secrets.append(("pem-crlf", text("rsa2048_pub_spki.pem").replace("\n", "\r\n")))
    return secrets


CONFUSION_SECRETS = _confusion_secrets()


def _forge_hs(alg: str, secret: bytes, payload: dict) -> str:
    h = b64u(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64u(json.dumps(payload, separators=(",", ":")).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    mac = hmac.new(secret, f"{h}.{p}".encode(), digest).digest()
    return f"{h}.{p}.{b64u(mac)}"


@pytest.mark.parametrize("hs", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("name,secret", CONFUSION_SECRETS, ids=[n for n, _ in CONFUSION_SECRETS])
def test_public_key_as_hmac_secret_refused(name: str, secret: Any, hs: str) -> None:
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    forged = _forge_hs(hs, secret_bytes, {"sub": "admin"})
    asym = "RS256" if name.startswith("rsa") else ("EdDSA" if name.startswith("ed") else "ES256")
    for algorithms in ([hs], [hs, asym], [asym, hs]):
        what = f"forged {hs} with {name} as secret, algorithms={algorithms}"
        expected = outcome(pyjwt.decode, forged, secret, algorithms=algorithms)
        actual = outcome(pyjwt_fast.decode, forged, secret, algorithms=algorithms)
        same(expected, actual, what)
        assert not expected.ok and expected.result[1] == "InvalidKeyError", (what, expected)
    what = f"encode {hs} with {name} as secret"
    expected = outcome(pyjwt.encode, {"sub": "admin"}, secret, algorithm=hs)
    actual = outcome(pyjwt_fast.encode, {"sub": "admin"}, secret, algorithm=hs)
    same(expected, actual, what)
    assert not expected.ok and expected.result[1] == "InvalidKeyError", (what, expected)


@pytest.mark.parametrize("alg,keyname", ALG_KEYS, ids=ALG_KEY_IDS)
def test_hmac_secret_not_accepted_as_asymmetric_key(alg: str, keyname: str) -> None:
    """The reverse confusion: an HMAC secret (or an HS-signed token) never verifies
    as a public-key algorithm."""
    token = oracle_token(alg, keyname)
    for key in ("secret", b"secret", "a" * 64, b"\x00" * 32):
        expected = outcome(pyjwt.decode, token, key, algorithms=[alg])
        actual = outcome(pyjwt_fast.decode, token, key, algorithms=[alg])
        same(expected, actual, f"decode {alg} with HMAC secret {key!r}")
        assert not actual.ok
        expected = outcome(pyjwt.encode, PAYLOAD, key, algorithm=alg)
        actual = outcome(pyjwt_fast.encode, PAYLOAD, key, algorithm=alg)
        same(expected, actual, f"encode {alg} with HMAC secret {key!r}")
        assert not actual.ok
    # an HS256 token verified with the public key while only the asymmetric alg is
    # allowed: InvalidAlgorithmError
    hs_tok = pyjwt.encode(PAYLOAD, "x" * 64, algorithm="HS256")
    pub = text(f"{keyname}_pub_spki.pem")
    expected = outcome(pyjwt.decode, hs_tok, pub, algorithms=[alg])
    actual = outcome(pyjwt_fast.decode, hs_tok, pub, algorithms=[alg])
    same(expected, actual, f"HS256 token, {alg} allowed")
    assert not actual.ok


# ==========================================================================
# 4. key length
# ==========================================================================


@pytest.mark.parametrize("alg", RSA_ALGS + PSS_ALGS)
@pytest.mark.parametrize(
    "priv_form,pub_form",
    [
        ("rsa1024-priv-pkcs8-pem-str", "rsa1024-pub-spki-pem-str"),
        ("rsa1024-priv-pkcs1-pem-bytes", "rsa1024-pub-ssh-str"),
        ("rsa1024-priv-obj", "rsa1024-pub-obj"),
        ("rsa1024-priv-pkcs8-der", "rsa1024-pub-spki-der"),
    ],
)
def test_short_rsa_key_warning_and_enforcement(alg: str, priv_form: str, pub_form: str) -> None:
    pf, vf = FORMS_BY_ID[priv_form], FORMS_BY_ID[pub_form]
    _maybe_skip_der(pf, alg)
    if pf.der and pyjwt_fast.algorithms.has_crypto:
        pytest.skip("DER keys are taken only without cryptography (tests/test_nocrypto.py)")
    # PS512 does not fit a 1024-bit key (PyJWT raises on signing): its token comes
    # from the 2048-bit key and decoding it with the 1024-bit key fails after the warning
    token = oracle_token(alg, sign_key_for(alg, "rsa1024"))

    # default: InsecureKeyLengthWarning with PyJWT's message, and the call succeeds
    exp = outcome(pyjwt.encode, PAYLOAD, oracle_value(pf, alg), algorithm=alg)
    act = outcome(pyjwt_fast.encode, PAYLOAD, pf.value(), algorithm=alg)
    assert_encode_equivalent(alg, exp, act, "rsa1024", f"encode {alg} {priv_form}")
    assert exp.warnings and exp.warnings[0][0] == "InsecureKeyLengthWarning"
    assert exp.ok == (alg != "PS512")
    exp = outcome(pyjwt.decode, token, oracle_value(vf, alg), algorithms=[alg])
    act = outcome(pyjwt_fast.decode, token, vf.value(), algorithms=[alg])
    same(exp, act, f"decode {alg} {pub_form}")
    assert exp.ok == (alg != "PS512") and exp.warnings

    # the warning is pyjwt_fast's InsecureKeyLengthWarning class, so filters work
    with warnings.catch_warnings():
        warnings.simplefilter("error", pyjwt_fast.warnings.InsecureKeyLengthWarning)
        with pytest.raises(pyjwt_fast.warnings.InsecureKeyLengthWarning, match="^The RSA key is 1024 bits long"):
            pyjwt_fast.decode(token, vf.value(), algorithms=[alg])
    assert pyjwt_fast.InsecureKeyLengthWarning is pyjwt_fast.warnings.InsecureKeyLengthWarning
    assert issubclass(pyjwt_fast.warnings.InsecureKeyLengthWarning, UserWarning)

    # enforce_minimum_key_length: InvalidKeyError with the same message
    opts = {"enforce_minimum_key_length": True}
    exp = outcome(jwt.api_jwt.PyJWT(options=opts).encode, PAYLOAD, oracle_value(pf, alg), algorithm=alg)
    act = outcome(pyjwt_fast.api_jwt.PyJWT(options=opts).encode, PAYLOAD, pf.value(), algorithm=alg)
    same(exp, act, f"PyJWT(options=enforce).encode {alg} {priv_form}")
    assert exp.result[1] == "InvalidKeyError"
    exp = outcome(jwt.api_jwt.PyJWT(options=opts).decode, token, oracle_value(vf, alg), algorithms=[alg])
    act = outcome(pyjwt_fast.api_jwt.PyJWT(options=opts).decode, token, vf.value(), algorithms=[alg])
    same(exp, act, f"PyJWT(options=enforce).decode {alg} {pub_form}")
    assert exp.result[1] == "InvalidKeyError"
    exp = outcome(pyjwt.decode, token, oracle_value(vf, alg), algorithms=[alg], options=opts)
    act = outcome(pyjwt_fast.decode, token, vf.value(), algorithms=[alg], options=opts)
    same(exp, act, f"decode(options=enforce) {alg} {pub_form}")
    exp = outcome(jwt.api_jws.PyJWS(options=opts).encode, b"x", oracle_value(pf, alg), algorithm=alg)
    act = outcome(pyjwt_fast.api_jws.PyJWS(options=opts).encode, b"x", pf.value(), algorithm=alg)
    same(exp, act, f"PyJWS(options=enforce).encode {alg} {priv_form}")
    # enforcement off explicitly: warning again
    exp = outcome(pyjwt.decode, token, oracle_value(vf, alg), algorithms=[alg],
                  options={"enforce_minimum_key_length": False})
    act = outcome(pyjwt_fast.decode, token, vf.value(), algorithms=[alg],
                  options={"enforce_minimum_key_length": False})
    same(exp, act, f"decode(options=no-enforce) {alg} {pub_form}")


@pytest.mark.parametrize("alg,keyname", [p for p in ALG_KEYS if p[1] != "rsa2048"] + [("RS256", "rsa2048")])
def test_no_key_length_warning_for_adequate_keys(alg: str, keyname: str) -> None:
    token = oracle_token(alg, keyname)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pyjwt_fast.decode(token, text(f"{keyname}_pub_spki.pem"), algorithms=[alg],
                                 options={"enforce_minimum_key_length": True}) == PAYLOAD
        pyjwt_fast.encode(PAYLOAD, text(f"{keyname}_priv_pkcs8.pem"), algorithm=alg)


# ==========================================================================
# 5. parsed-key cache: content-addressed, never confused
# ==========================================================================


def test_key_cache_distinguishes_keys_of_same_shape() -> None:
    for keyname in ("rsa2048", "p256", "p384", "p521", "secp256k1", "ed25519", "ed448"):
        algs = [a for a in ALL_ALGS if compatible(a, keyname)]
        alg = algs[0]
        pem_a, pem_b = text(f"{keyname}_pub_spki.pem"), text(f"{keyname}b_pub_spki.pem")
        tok_a, tok_b = oracle_token(alg, keyname), oracle_token(alg, keyname + "b")
        for _ in range(3):
            assert pyjwt_fast.decode(tok_a, pem_a, algorithms=[alg]) == PAYLOAD
            assert pyjwt_fast.decode(tok_b, pem_b, algorithms=[alg]) == PAYLOAD
            with pytest.raises(pyjwt_fast.exceptions.InvalidSignatureError):
                pyjwt_fast.decode(tok_a, pem_b, algorithms=[alg])
            with pytest.raises(pyjwt_fast.exceptions.InvalidSignatureError):
                pyjwt_fast.decode(tok_b, pem_a.encode(), algorithms=[alg])
        # same key, str then bytes then str: one parsed key, same verdicts
        priv_a = text(f"{keyname}_priv_pkcs8.pem")
        priv_b = text(f"{keyname}b_priv_pkcs8.pem")
        t1 = pyjwt_fast.encode(PAYLOAD, priv_a, algorithm=alg)
        t2 = pyjwt_fast.encode(PAYLOAD, priv_a.encode(), algorithm=alg)
        t3 = pyjwt_fast.encode(PAYLOAD, priv_b, algorithm=alg)
        for t in (t1, t2):
            assert pyjwt.decode(t, pub_obj(keyname), algorithms=[alg]) == PAYLOAD
            with pytest.raises(pyjwt.exceptions.InvalidSignatureError):
                pyjwt.decode(t, pub_obj(keyname + "b"), algorithms=[alg])
        assert pyjwt.decode(t3, pub_obj(keyname + "b"), algorithms=[alg]) == PAYLOAD
        if alg in DETERMINISTIC:
            assert t1 == t2 != t3


def test_key_cache_single_byte_difference() -> None:
    """Two PEM strings differing in one base64 character of the key: the second is a
    different (here: unparseable or wrong) key, never served from the first's
    cache entry."""
    alg, keyname = "ES256", "p256"
    token = oracle_token(alg, keyname)
    pem = text(f"{keyname}_pub_spki.pem")
    assert pyjwt_fast.decode(token, pem, algorithms=[alg]) == PAYLOAD
    lines = pem.split("\n")
    for pos in (30, 40, len(lines[1]) - 3):
        line = lines[1]
        new_char = "A" if line[pos] != "A" else "B"
        mutated = "\n".join([lines[0], line[:pos] + new_char + line[pos + 1:]] + lines[2:])
        exp = outcome(pyjwt.decode, token, mutated, algorithms=[alg])
        act = outcome(pyjwt_fast.decode, token, mutated, algorithms=[alg])
        same(exp, act, f"mutated PEM at {pos}")
        assert not act.ok
    assert pyjwt_fast.decode(token, pem, algorithms=[alg]) == PAYLOAD


# ==========================================================================
# 6. pyjwt_fast.algorithms API parity
# ==========================================================================


def test_module_level_api() -> None:
    assert f_algs.has_crypto == o_algs.has_crypto is True
    assert f_algs.requires_cryptography == o_algs.requires_cryptography
    f_def, o_def = f_algs.get_default_algorithms(), o_algs.get_default_algorithms()
    assert list(f_def) == list(o_def)
    for name in o_def:
        assert type(f_def[name]).__name__ == type(o_def[name]).__name__, name
        assert isinstance(f_def[name], f_algs.Algorithm)
    for cls in ("RSAAlgorithm", "RSAPSSAlgorithm", "ECAlgorithm", "OKPAlgorithm"):
        assert issubclass(getattr(f_algs, cls), f_algs.Algorithm), cls
    assert issubclass(f_algs.RSAPSSAlgorithm, f_algs.RSAAlgorithm)
    # the hash constants are cryptography's, as in PyJWT
    for cls in ("RSAAlgorithm", "RSAPSSAlgorithm", "ECAlgorithm"):
        for h in ("SHA256", "SHA384", "SHA512"):
            assert getattr(getattr(f_algs, cls), h) is getattr(getattr(o_algs, cls), h), (cls, h)
    for name in ALL_ALGS:
        assert type(pyjwt_fast.get_algorithm_by_name(name)).__name__ == type(
            pyjwt.get_algorithm_by_name(name)).__name__
    for name in EC_ALGS:
        assert f_def[name].expected_curve is o_def[name].expected_curve, name
        assert f_def[name].hash_alg is o_def[name].hash_alg, name
    for name in RSA_ALGS + PSS_ALGS:
        assert f_def[name].hash_alg is o_def[name].hash_alg, name
    # PyJWS instances know the same algorithms
    assert sorted(pyjwt_fast.api_jws.PyJWS().get_algorithms()) == sorted(jwt.api_jws.PyJWS().get_algorithms())


def _fp(key: Any) -> Any:
    """Comparable fingerprint of a prepared key: its exact type and key material."""
    if hasattr(key, "private_bytes"):
        return (type(key), key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    if hasattr(key, "public_bytes"):
        return (type(key), key.public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo))
    return (type(key), key)


def _alg_instances(name: str) -> tuple[Any, Any]:
    return o_algs.get_default_algorithms()[name], f_algs.get_default_algorithms()[name]


PREPARE_ALGS = ["RS256", "PS384", "ES256", "ES256K", "ES384", "ES521", "EdDSA"]


@pytest.mark.parametrize(
    "alg,form", [pytest.param(a, f, id=f"{a}-{f.id}") for a in PREPARE_ALGS for f in FORMS if in_matrix(a, f)])
def test_prepare_key_parity(alg: str, form: KeyForm) -> None:
    _maybe_skip_der(form, alg)
    o_alg, f_alg = _alg_instances(alg)
    expected = outcome(lambda: _fp(o_alg.prepare_key(oracle_value(form, alg))))
    actual = outcome(lambda: _fp(f_alg.prepare_key(form.value())))
    same(expected, actual, f"{alg}.prepare_key({form.id})")


@pytest.mark.parametrize("curve_key", ["p256", "p384", "p521", "secp256k1"])
def test_ec_algorithm_without_expected_curve(curve_key: str) -> None:
    """ECAlgorithm(hash) built by hand (expected_curve=None) takes any curve."""
    for hname in ("SHA256", "SHA384", "SHA512"):
        o = o_algs.ECAlgorithm(getattr(o_algs.ECAlgorithm, hname))
        f = f_algs.ECAlgorithm(getattr(f_algs.ECAlgorithm, hname))
        assert f.expected_curve is None
        for key in (text(f"{curve_key}_priv_pkcs8.pem"), text(f"{curve_key}_pub_spki.pem"), priv_obj(curve_key)):
            same(outcome(lambda: _fp(o.prepare_key(key))), outcome(lambda: _fp(f.prepare_key(key))),
                 f"ECAlgorithm({hname}).prepare_key {curve_key}")
        fk = f.prepare_key(text(f"{curve_key}_priv_pkcs8.pem"))
        sig = f.sign(b"msg", fk)
        assert o.verify(b"msg", pub_obj(curve_key), sig)
        # another hand-built instance with a different expected curve refuses it
        o2 = o_algs.ECAlgorithm(o_algs.ECAlgorithm.SHA256, ec.SECP384R1 if curve_key != "p384" else ec.SECP256R1)
        f2 = f_algs.ECAlgorithm(f_algs.ECAlgorithm.SHA256, ec.SECP384R1 if curve_key != "p384" else ec.SECP256R1)
        same(outcome(lambda: _fp(o2.prepare_key(priv_obj(curve_key)))),
             outcome(lambda: _fp(f2.prepare_key(priv_obj(curve_key)))), f"ECAlgorithm(curve) {curve_key}")


@pytest.mark.parametrize("alg,keyname", ALG_KEYS + [("RS256", "rsa1024"), ("PS256", "rsa1024")],
                         ids=ALG_KEY_IDS + ["RS256-rsa1024", "PS256-rsa1024"])
def test_sign_verify_parity(alg: str, keyname: str) -> None:
    o_alg, f_alg = _alg_instances(alg)
    o_priv = o_alg.prepare_key(priv_obj(keyname))
    f_priv = f_alg.prepare_key(text(f"{keyname}_priv_pkcs8.pem"))
    o_pub = o_alg.prepare_key(pub_obj(keyname))
    f_pub = f_alg.prepare_key(raw(f"{keyname}_pub_spki.pem"))
    for msg in (b"", b"a.b", b"\x00" * 100, os.urandom(3000)):
        f_sig = f_alg.sign(msg, f_priv)
        o_sig = o_alg.sign(msg, o_priv)
        assert isinstance(f_sig, bytes)
        if alg in DETERMINISTIC:
            assert f_sig == o_sig
        else:
            assert len(f_sig) == len(o_sig)
        assert o_alg.verify(msg, o_pub, f_sig) is True
        assert f_alg.verify(msg, f_pub, o_sig) is True
        assert f_alg.verify(msg, f_pub, f_sig) is True
        # prepared keys are interchangeable (cryptography objects on both sides)
        assert f_alg.verify(msg, o_pub, o_sig) is True
        assert o_alg.verify(msg, f_pub, f_sig) is True
        assert f_alg.verify(msg + b"x", f_pub, o_sig) is False
        assert f_alg.verify(msg, f_pub, _flip(o_sig, len(o_sig) // 2, 3)) is False
        assert f_alg.verify(msg, f_pub, o_sig[:-1]) is False
        if alg in EC_ALGS or alg == "EdDSA":
            # verification with the private key, as PyJWT allows for EC and OKP
            same(outcome(o_alg.verify, msg, o_priv, o_sig), outcome(f_alg.verify, msg, f_priv, o_sig),
                 f"{alg}.verify with private key")
    # verify() with odd signature inputs: PyJWT's outcome (False or an exception)
    msg = b"header.payload"
    sig = o_alg.sign(msg, o_priv)
    for bad in (b"", b"\x00", sig + b"\x00", sig[1:], b"\xff" * len(sig), bytes(len(sig))):
        same(outcome(o_alg.verify, msg, o_pub, bad), outcome(f_alg.verify, msg, f_pub, bad),
             f"{alg}.verify odd sig len={len(bad)}")
    if alg == "EdDSA":
        # OKPAlgorithm accepts str msg and sig
        same(outcome(o_alg.verify, "header.payload", o_pub, sig),
             outcome(f_alg.verify, "header.payload", f_pub, sig), "OKP.verify(str msg)")
        same(outcome(lambda: o_alg.sign("str msg", o_priv)), outcome(lambda: f_alg.sign("str msg", f_priv)),
             "OKP.sign(str msg)")
    # sign() with a public key, verify() of RSA with a private key: PyJWT's exception
    same(outcome(o_alg.sign, msg, o_pub), outcome(f_alg.sign, msg, f_pub), f"{alg}.sign(public key)")
    same(outcome(o_alg.verify, msg, o_priv, sig), outcome(f_alg.verify, msg, f_priv, sig),
         f"{alg}.verify(private key)")


@pytest.mark.parametrize("alg", ALL_ALGS)
def test_compute_hash_digest_parity(alg: str) -> None:
    o_alg, f_alg = _alg_instances(alg)
    for data in (b"", b"abc", b"\x00" * 1000, os.urandom(257)):
        same(outcome(o_alg.compute_hash_digest, data), outcome(f_alg.compute_hash_digest, data),
             f"{alg}.compute_hash_digest")


@pytest.mark.parametrize("alg,keyname", ALG_KEYS + [("RS256", "rsa1024"), ("PS512", "rsa1024")],
                         ids=ALG_KEY_IDS + ["RS256-rsa1024", "PS512-rsa1024"])
def test_check_key_length_parity(alg: str, keyname: str) -> None:
    o_alg, f_alg = _alg_instances(alg)
    for o_key, f_key in (
        (o_alg.prepare_key(priv_obj(keyname)), f_alg.prepare_key(text(f"{keyname}_priv_pkcs8.pem"))),
        (o_alg.prepare_key(pub_obj(keyname)), f_alg.prepare_key(text(f"{keyname}_pub_spki.pem"))),
    ):
        same(outcome(o_alg.check_key_length, o_key), outcome(f_alg.check_key_length, f_key),
             f"{alg}.check_key_length {keyname}")
        same(outcome(o_alg.check_key_length, o_key), outcome(f_alg.check_key_length, o_key),
             f"{alg}.check_key_length {keyname} (PyJWT-prepared key)")


JWK_CLASSES = {"rsa": "RSAAlgorithm", "ec": "ECAlgorithm", "okp": "OKPAlgorithm"}
JWK_KEYS = ["rsa2048", "rsa1024", "p256", "p384", "p521", "secp256k1", "ed25519", "ed448"]


@pytest.mark.parametrize("as_dict", [True, False])
@pytest.mark.parametrize("keyname", JWK_KEYS)
def test_to_jwk_from_jwk_parity(keyname: str, as_dict: bool) -> None:
    cls = JWK_CLASSES[family(keyname)]
    o_cls, f_cls = getattr(o_algs, cls), getattr(f_algs, cls)
    for part, key in (("priv", priv_obj(keyname)), ("pub", pub_obj(keyname))):
        what = f"{cls}.to_jwk({keyname} {part}, as_dict={as_dict})"
        exp = outcome(o_cls.to_jwk, key, as_dict=as_dict)
        act = outcome(f_cls.to_jwk, key, as_dict=as_dict)
        same(exp, act, what)
        # positional as_dict and the default
        same(outcome(o_cls.to_jwk, key, as_dict), outcome(f_cls.to_jwk, key, as_dict), what + " positional")
        same(outcome(o_cls.to_jwk, key), outcome(f_cls.to_jwk, key), what + " default")
        # prepared by pyjwt_fast from a PEM string: same JWK
        alg = [a for a in ALL_ALGS if compatible(a, keyname)][0]
        f_prepared = f_algs.get_default_algorithms()[alg].prepare_key(text(
            f"{keyname}_{'priv_pkcs8' if part == 'priv' else 'pub_spki'}.pem"))
        same(exp, outcome(f_cls.to_jwk, f_prepared, as_dict=as_dict), what + " of pyjwt_fast-prepared key")
        jwk_val = exp.value
        # from_jwk round trip: the same key back, from dict and from str
        for src in (jwk_val, json.dumps(jwk_val) if as_dict else json.loads(jwk_val)):
            e2 = outcome(lambda: _fp(o_cls.from_jwk(src)))
            a2 = outcome(lambda: _fp(f_cls.from_jwk(src)))
            same(e2, a2, f"{cls}.from_jwk({keyname} {part})")
            assert e2.ok and e2.value == _fp(key)
        # and to_jwk of the from_jwk result is stable
        back = f_cls.from_jwk(jwk_val)
        same(outcome(o_cls.to_jwk, o_cls.from_jwk(jwk_val), as_dict=as_dict),
             outcome(f_cls.to_jwk, back, as_dict=as_dict), what + " after round trip")


def _jwk_error_cases() -> list[tuple[str, str, Any]]:
    rsa_pub = o_algs.RSAAlgorithm.to_jwk(pub_obj("rsa2048"), as_dict=True)
    rsa_priv = o_algs.RSAAlgorithm.to_jwk(priv_obj("rsa2048"), as_dict=True)
    ec_pub = o_algs.ECAlgorithm.to_jwk(pub_obj("p256"), as_dict=True)
    ec_priv = o_algs.ECAlgorithm.to_jwk(priv_obj("p256"), as_dict=True)
    ec384 = o_algs.ECAlgorithm.to_jwk(priv_obj("p384"), as_dict=True)
    k1 = o_algs.ECAlgorithm.to_jwk(priv_obj("secp256k1"), as_dict=True)
    ed = o_algs.OKPAlgorithm.to_jwk(priv_obj("ed25519"), as_dict=True)
    ed_b = o_algs.OKPAlgorithm.to_jwk(priv_obj("ed25519b"), as_dict=True)
    ed448 = o_algs.OKPAlgorithm.to_jwk(priv_obj("ed448"), as_dict=True)

    def drop(d: dict, *keys: str) -> dict:
        return {k: v for k, v in d.items() if k not in keys}

    cases: list[tuple[str, str, Any]] = []
    for cls in ("RSAAlgorithm", "ECAlgorithm", "OKPAlgorithm"):
        cases += [
            (cls, "not-json", "{not json"),
            (cls, "int", 123),
            (cls, "list-json", "[1, 2]"),
            (cls, "empty-dict", {}),
            (cls, "bytes-json", json.dumps(ec_pub).encode()),
        ]
    cases += [
        ("RSAAlgorithm", "kty-ec", ec_pub),
        ("RSAAlgorithm", "no-n", drop(rsa_pub, "n")),
        ("RSAAlgorithm", "no-e", drop(rsa_pub, "e")),
        ("RSAAlgorithm", "oth", {**rsa_priv, "oth": [{}]}),
        ("RSAAlgorithm", "partial-crt", drop(rsa_priv, "dq", "qi")),
        ("RSAAlgorithm", "only-p", drop(rsa_priv, "q", "dp", "dq", "qi")),
        ("RSAAlgorithm", "d-only-recover-primes", drop(rsa_priv, "p", "q", "dp", "dq", "qi")),
        ("RSAAlgorithm", "n-zero", {**rsa_pub, "n": "AA"}),
        ("RSAAlgorithm", "e-even", {**rsa_pub, "e": "Ag"}),
        ("RSAAlgorithm", "wrong-d", {**rsa_priv, "d": rsa_priv["dp"]}),
        ("RSAAlgorithm", "key-ops-ignored", {**rsa_pub, "key_ops": ["sign"], "alg": "RS512", "kid": "x"}),
        ("ECAlgorithm", "kty-rsa", rsa_pub),
        ("ECAlgorithm", "no-x", drop(ec_pub, "x")),
        ("ECAlgorithm", "no-y", drop(ec_pub, "y")),
        ("ECAlgorithm", "no-crv", drop(ec_pub, "crv")),
        ("ECAlgorithm", "bad-crv", {**ec_pub, "crv": "P-192"}),
        ("ECAlgorithm", "p256-coords-of-p384", {**ec384, "crv": "P-256"}),
        ("ECAlgorithm", "p384-coords-of-p256", {**ec_pub, "crv": "P-384"}),
        ("ECAlgorithm", "p521-coords-of-p256", {**ec_pub, "crv": "P-521"}),
        ("ECAlgorithm", "secp256k1-coords-of-p384", {**ec384, "crv": "secp256k1"}),
        ("ECAlgorithm", "p256-point-of-secp256k1", {**k1, "crv": "P-256"}),
        ("ECAlgorithm", "point-not-on-curve", {**ec_pub, "y": ec_pub["x"]}),
        ("ECAlgorithm", "d-wrong-length", {**ec_priv, "d": b64u(b"\x01" * 31)}),
        ("ECAlgorithm", "d-mismatch", {**ec_priv, "d": b64u((12345).to_bytes(32, "big"))}),
        ("ECAlgorithm", "d-zero", {**ec_priv, "d": b64u(bytes(32))}),
        ("OKPAlgorithm", "kty-ec", ec_pub),
        ("OKPAlgorithm", "crv-x25519", {**ed, "crv": "X25519"}),
        ("OKPAlgorithm", "no-crv", drop(ed, "crv")),
        ("OKPAlgorithm", "no-x", drop(ed, "x")),
        ("OKPAlgorithm", "x-short", {**drop(ed, "d"), "x": b64u(b"\x01" * 31)}),
        ("OKPAlgorithm", "d-short", {**ed, "d": b64u(b"\x01" * 31)}),
        ("OKPAlgorithm", "d-x-mismatch", {**ed, "x": ed_b["x"]}),
        ("OKPAlgorithm", "ed448-x-for-ed25519", {**drop(ed448, "d"), "crv": "Ed25519"}),
        ("OKPAlgorithm", "ed25519-x-for-ed448", {**drop(ed, "d"), "crv": "Ed448"}),
    ]
    return cases


JWK_ERROR_CASES = _jwk_error_cases()


@pytest.mark.parametrize("cls,name,jwk_in", JWK_ERROR_CASES, ids=[f"{c}-{n}" for c, n, _ in JWK_ERROR_CASES])
def test_from_jwk_edge_cases(cls: str, name: str, jwk_in: Any) -> None:
    o_cls, f_cls = getattr(o_algs, cls), getattr(f_algs, cls)
    expected, actual = differential(lambda j: _fp(o_cls.from_jwk(j)), lambda j: _fp(f_cls.from_jwk(j)), jwk_in,
                                    what=f"{cls}.from_jwk {name}")
    same(expected, actual, f"{cls}.from_jwk {name}: {safe_repr(jwk_in, 300)}")


@pytest.mark.parametrize("cls", ["RSAAlgorithm", "ECAlgorithm", "OKPAlgorithm"])
def test_to_jwk_wrong_key_types(cls: str) -> None:
    o_cls, f_cls = getattr(o_algs, cls), getattr(f_algs, cls)
    for name, key in (("str", "not a key"), ("none", None), ("rsa", priv_obj("rsa2048")), ("ec", priv_obj("p256")),
                      ("ec-pub", pub_obj("p384")), ("ed", priv_obj("ed25519")), ("ed448-pub", pub_obj("ed448"))):
        same(outcome(o_cls.to_jwk, key), outcome(f_cls.to_jwk, key), f"{cls}.to_jwk({name})")


def test_algorithm_constructors() -> None:
    from cryptography.hazmat.primitives import hashes as h

    for cls in ("RSAAlgorithm", "RSAPSSAlgorithm"):
        for hn in (h.SHA256, h.SHA384, h.SHA512):
            o = getattr(o_algs, cls)(hn)
            f = getattr(f_algs, cls)(hn)
            assert f.hash_alg is o.hash_alg
            key = priv_obj("rsa2048")
            s_f = f.sign(b"m", f.prepare_key(key))
            assert o.verify(b"m", o.prepare_key(pub_obj("rsa2048")), s_f)
    o = o_algs.OKPAlgorithm()
    f = f_algs.OKPAlgorithm(foo="ignored")
    assert f.sign(b"m", f.prepare_key(priv_obj("ed448"))) == o.sign(b"m", priv_obj("ed448"))
    # PSS with salt length = digest length, checked with cryptography directly
    for hn, name in ((h.SHA256, "PS256"), (h.SHA384, "PS384"), (h.SHA512, "PS512")):
        f_alg = f_algs.get_default_algorithms()[name]
        sig = f_alg.sign(b"pss", f_alg.prepare_key(text("rsa2048_priv_pkcs8.pem")))
        pub_obj("rsa2048").verify(sig, b"pss", padding.PSS(mgf=padding.MGF1(hn()), salt_length=hn.digest_size), hn())
        with pytest.raises(Exception):  # noqa: B017 - any InvalidSignature
            pub_obj("rsa2048").verify(sig, b"pss", padding.PSS(mgf=padding.MGF1(hn()), salt_length=hn.digest_size + 1),
                                      hn())


# ==========================================================================
# 7. PyJWK-wrapped keys
# ==========================================================================


@pytest.mark.parametrize("keyname", JWK_KEYS)
def test_pyjwk_keys(keyname: str) -> None:
    cls = JWK_CLASSES[family(keyname)]
    o_cls = getattr(o_algs, cls)
    algs = [a for a in ALL_ALGS if compatible(a, keyname)]
    for part, key in (("priv", priv_obj(keyname)), ("pub", pub_obj(keyname))):
        data = o_cls.to_jwk(key, as_dict=True)
        # first and last algorithm of the family (loading an RSA private JWK costs
        # ~35 ms per call in cryptography)
        for alg in [None] + sorted({algs[0], algs[-1]}):
            what = f"PyJWK({keyname} {part}, algorithm={alg})"
            exp = outcome(pyjwt.PyJWK, dict(data), alg)
            act = outcome(pyjwt_fast.PyJWK, dict(data), alg)
            if not (exp.ok and act.ok):
                same(exp, act, what)
                continue
            o_jwk, f_jwk = exp.value, act.value
            assert f_jwk.algorithm_name == o_jwk.algorithm_name, what
            assert _fp(f_jwk.key) == _fp(o_jwk.key), what
            assert (f_jwk.key_type, f_jwk.key_id, f_jwk.public_key_use) == (
                o_jwk.key_type, o_jwk.key_id, o_jwk.public_key_use), what
            a = o_jwk.algorithm_name
            if part == "priv":
                e_tok = outcome(pyjwt.encode, PAYLOAD, o_jwk, algorithm=a)
                f_tok = outcome(pyjwt_fast.encode, PAYLOAD, f_jwk, algorithm=a)
                assert_encode_equivalent(a, e_tok, f_tok, keyname, what + " encode")
                if e_tok.ok:
                    # algorithm=None with a PyJWK: the JWK's algorithm
                    assert_encode_equivalent(a, outcome(pyjwt.encode, PAYLOAD, o_jwk, algorithm=None),
                                             outcome(pyjwt_fast.encode, PAYLOAD, f_jwk, algorithm=None),
                                             keyname, what + " encode algorithm=None")
            else:
                token = oracle_token(a, sign_key_for(a, keyname))
                same(outcome(pyjwt.decode, token, o_jwk, algorithms=[a]),
                     outcome(pyjwt_fast.decode, token, f_jwk, algorithms=[a]), what + " decode")
                # no algorithms argument: the PyJWK's own algorithm is used
                same(outcome(pyjwt.decode, token, o_jwk), outcome(pyjwt_fast.decode, token, f_jwk),
                     what + " decode without algorithms")
                # a token whose header names another algorithm
                other = "RS256" if a != "RS256" else "PS256"
                tok2 = oracle_token(other, sign_key_for(other, keyname))
                same(outcome(pyjwt.decode, tok2, o_jwk, algorithms=[a, other]),
                     outcome(pyjwt_fast.decode, tok2, f_jwk, algorithms=[a, other]), what + " decode other alg")
