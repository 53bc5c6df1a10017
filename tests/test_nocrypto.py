"""Public-key tokens without the cryptography package: PEM, DER and OpenSSH
keys on the C core alone (a subprocess in which `import cryptography` fails).
Tokens are checked against PyJWT (with cryptography) in this process."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jwt as pyjwt
import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "tests" / "keys"
VECTORS = ROOT / "tests" / "vectors" / "wycheproof"

# alg -> (private key files, public key files) of the same key
CASES = {
    "RS256": (["rsa2048_priv_pkcs8.pem", "rsa2048_priv_pkcs1.pem", "rsa2048_priv_pkcs8.der", "rsa2048_priv_pkcs1.der"],
              ["rsa2048_pub_spki.pem", "rsa2048_pub_pkcs1.pem", "rsa2048_pub_spki.der", "rsa2048_pub.ssh"]),
    "RS512": (["rsa2048_priv_pkcs8.pem"], ["rsa2048_pub_spki.der"]),
    "PS256": (["rsa2048_priv_pkcs8.der"], ["rsa2048_pub_spki.pem", "rsa2048_pub.ssh"]),
    "PS384": (["rsa2048_priv_pkcs1.pem"], ["rsa2048_pub_pkcs1.der"]),
    "ES256": (["p256_priv_pkcs8.pem", "p256_priv_sec1.pem", "p256_priv_sec1.der"],
              ["p256_pub_spki.pem", "p256_pub_spki.der", "p256_pub.ssh"]),
    "ES384": (["p384_priv_pkcs8.der"], ["p384_pub_spki.pem", "p384_pub.ssh"]),
    "ES512": (["p521_priv_sec1.pem"], ["p521_pub_spki.der", "p521_pub.ssh"]),
    "ES256K": (["secp256k1_priv_pkcs8.pem"], ["secp256k1_pub_spki.der"]),
    "EdDSA": (["ed25519_priv_pkcs8.pem", "ed25519_priv_pkcs8.der", "ed448_priv_pkcs8.pem"],
              ["ed25519_pub_spki.pem", "ed25519_pub_spki.der", "ed25519_pub.ssh"]),
}

CHILD = textwrap.dedent(
    r"""
    import json, sys, warnings
    sys.modules["cryptography"] = None          # import cryptography now fails
    import pyjwt_fast as jwt
    from pyjwt_fast import algorithms
    assert not algorithms.has_crypto
    job = json.load(sys.stdin)
    out = {}

    def key(name):
        with open(job["keys"] + "/" + name, "rb") as f:
            data = f.read()
        return data if name.endswith(".der") else data.decode()

    def attempt(fn, *a, **k):
        try:
            return ["ok", fn(*a, **k)]
        except Exception as e:  # noqa: BLE001
            return ["err", type(e).__name__, str(e)]

    for alg, privs, pubs, oracle in job["cases"]:
        for p in privs:
            tok = jwt.encode({"sub": "x"}, key(p), algorithm=alg)
            out[f"{alg} {p} encode"] = tok
            for q in pubs:
                out[f"{alg} {p} -> {q}"] = attempt(jwt.decode, tok, key(q), algorithms=[alg])
        for q in pubs:
            out[f"{alg} oracle -> {q}"] = attempt(jwt.decode, oracle, key(q), algorithms=[alg])
            bad = oracle[:-8] + ("A" if oracle[-8] != "A" else "B") + oracle[-7:]
            out[f"{alg} tampered -> {q}"] = attempt(jwt.decode, bad, key(q), algorithms=[alg])
            a = jwt.get_algorithm_by_name(alg)
            k = a.prepare_key(key(q))
            signing_input, _, sig = oracle.rpartition(".")
            import base64
            raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
            out[f"{alg} verify {q}"] = [type(k).__name__, a.verify(signing_input.encode(), k, raw)]
        # the wrong family is refused
        other = "rsa2048_pub_spki.pem" if not alg.startswith(("RS", "PS")) else "p256_pub_spki.pem"
        out[f"{alg} wrong family"] = attempt(jwt.decode, oracle, key(other), algorithms=[alg])

    # a 1024-bit RSA key warns as PyJWT does
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = jwt.encode({"a": 1}, key("rsa1024_priv_pkcs8.pem"), algorithm="RS256")
    out["short rsa"] = [str(x.message) for x in w]
    out["short rsa enforce"] = attempt(
        jwt.PyJWT({"enforce_minimum_key_length": True}).decode, t, key("rsa1024_pub_spki.der"),
        algorithms=["RS256"])
    out["hmac"] = jwt.decode(jwt.encode({"a": 1}, "k" * 32), "k" * 32, algorithms=["HS256"])
    out["hmac guard"] = attempt(jwt.encode, {"a": 1}, key("rsa2048_pub_spki.der"), algorithm="HS256")
    out["pyjwk"] = attempt(jwt.PyJWK, {"kty": "RSA", "n": "AQAB", "e": "AQAB"})

    # Wycheproof vectors with the DER keys they carry
    import base64 as b64
    counts = {}
    for fname, alg in job["wycheproof"]:
        with open(job["vectors"] + "/" + fname) as f:
            data = json.load(f)
        a = jwt.get_algorithm_by_name(alg)
        wrong = 0
        for g in data["testGroups"]:
            k = a.prepare_key(bytes.fromhex(g["publicKeyDer"]))
            for t in g["tests"]:
                if t["result"] == "acceptable":
                    continue
                ok = a.verify(bytes.fromhex(t["msg"]), k, bytes.fromhex(t["sig"]))
                wrong += ok != (t["result"] == "valid")
        counts[fname] = wrong
    out["wycheproof wrong verdicts"] = counts
    json.dump(out, sys.stdout)
    """
)

WYCHEPROOF = [
    ("ecdsa_secp256r1_sha256_p1363_test.json", "ES256"),
    ("ecdsa_secp384r1_sha384_p1363_test.json", "ES384"),
    ("ecdsa_secp521r1_sha512_p1363_test.json", "ES512"),
    ("ecdsa_secp256k1_sha256_p1363_test.json", "ES256K"),
    ("ed25519_test.json", "EdDSA"),
    ("ed448_test.json", "EdDSA"),
    ("rsa_signature_2048_sha256_test.json", "RS256"),
    ("rsa_signature_4096_sha512_test.json", "RS512"),
    ("rsa_pss_2048_sha256_mgf1_32_test.json", "PS256"),
    ("rsa_pss_4096_sha512_mgf1_64_test.json", "PS512"),
]


@pytest.fixture(scope="module")
def child() -> dict:
    oracle = {}
    for alg, (privs, _pubs) in CASES.items():
        pem = privs[0].replace(".der", ".pem")
        oracle[alg] = pyjwt.encode({"sub": "oracle"}, (KEYS / pem).read_text(), algorithm=alg)
    job = {
        "keys": str(KEYS),
        "vectors": str(VECTORS),
        "cases": [[alg, privs, pubs, oracle[alg]] for alg, (privs, pubs) in CASES.items()],
        "wycheproof": WYCHEPROOF,
    }
    proc = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(job), capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    result["_oracle"] = oracle
    return result


@pytest.mark.parametrize("alg", list(CASES))
def test_tokens_round_trip_and_match_pyjwt(child: dict, alg: str) -> None:
    privs, pubs = CASES[alg]
    for p in privs:
        tok = child[f"{alg} {p} encode"]
        # PyJWT (with cryptography) verifies what the C core signed without it
        pub_pem = pubs[0].replace(".der", ".pem")
        if alg == "EdDSA" and p.startswith("ed448"):
            pub_pem = "ed448_pub_spki.pem"
        assert pyjwt.decode(tok, (KEYS / pub_pem).read_text(), algorithms=[alg]) == {"sub": "x"}
        if alg.startswith("RS") or (alg == "EdDSA" and p.startswith("ed25519")):
            # deterministic signatures: the same bytes as PyJWT
            assert tok == pyjwt.encode({"sub": "x"}, (KEYS / p.replace(".der", ".pem")).read_text(), algorithm=alg)
        for q in pubs:
            if alg == "EdDSA" and p.startswith("ed448"):
                assert child[f"{alg} {p} -> {q}"][0] == "err"  # an Ed25519 key cannot verify Ed448
                continue
            assert child[f"{alg} {p} -> {q}"] == ["ok", {"sub": "x"}]
    for q in pubs:
        assert child[f"{alg} oracle -> {q}"] == ["ok", {"sub": "oracle"}]
        assert child[f"{alg} tampered -> {q}"][:2] == ["err", "InvalidSignatureError"]
        assert child[f"{alg} verify {q}"] == ["NativeKey", True]
    assert child[f"{alg} wrong family"][0] == "err"


def test_short_rsa_key_and_other_paths(child: dict) -> None:
    assert child["short rsa"] == [
        "The RSA key is 1024 bits long, which is below the minimum recommended size of 2048 bits. "
        "See NIST SP 800-131A."
    ]
    assert child["short rsa enforce"][:2] == ["err", "InvalidKeyError"]
    assert child["hmac"] == {"a": 1}
    assert child["hmac guard"] == [
        "err", "InvalidKeyError",
        "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.",
    ]
    # JWK import needs cryptography, as in PyJWT
    assert child["pyjwk"] == ["err", "MissingCryptographyError", "RS256 requires 'cryptography' to be installed."]


def test_wycheproof_verdicts_without_cryptography(child: dict) -> None:
    assert child["wycheproof wrong verdicts"] == {name: 0 for name, _ in WYCHEPROOF}
