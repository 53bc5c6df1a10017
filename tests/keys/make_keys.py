"""Generate the public-key test keys in this directory.

The generated files are committed; tests never regenerate them. Run
``python tests/keys/make_keys.py`` only to replace the whole set (every file is
rewritten with fresh random keys, so expected outputs in the tests are always
computed by PyJWT at test time, never stored).

Naming: <key>_<part>_<format>.<ext>
  key     rsa2048, rsa2048b (a second, unrelated key: wrong-key tests), rsa1024
          (below PyJWT's 2048-bit minimum: InsecureKeyLengthWarning), p256, p256b,
          p384, p384b, p521, p521b, secp256k1, secp256k1b, ed25519, ed25519b,
          ed448, ed448b
  part    priv | pub | cert
  format  pkcs1 (RSA PRIVATE KEY / RSA PUBLIC KEY), sec1 (EC PRIVATE KEY), pkcs8
          (PRIVATE KEY), spki (PUBLIC KEY), openssh (OPENSSH PRIVATE KEY),
          enc (PKCS#8 encrypted with the password b"password"); the "b" keys
          have only priv_pkcs8.pem and pub_spki.pem
  ext     pem | der | ssh (OpenSSH one-line public key)
"""

from __future__ import annotations

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))

Enc = serialization.Encoding
PrivF = serialization.PrivateFormat
PubF = serialization.PublicFormat
NoEnc = serialization.NoEncryption()


def write(name: str, data: bytes) -> None:
    with open(os.path.join(HERE, name), "wb") as fh:
        fh.write(data)


def self_signed(name: str, key) -> None:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"pyjwt-fast test {name}")])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=36500))
        .sign(key, hashes.SHA256())
    )
    write(f"{name}_cert.pem", cert.public_bytes(Enc.PEM))
    write(f"{name}_cert.der", cert.public_bytes(Enc.DER))


def common(name: str, key, trad: str | None, ssh: bool) -> None:
    pub = key.public_key()
    write(f"{name}_priv_pkcs8.pem", key.private_bytes(Enc.PEM, PrivF.PKCS8, NoEnc))
    write(f"{name}_pub_spki.pem", pub.public_bytes(Enc.PEM, PubF.SubjectPublicKeyInfo))
    if name.endswith("b"):
        return  # the second key of a family: PKCS#8 and SPKI PEM are enough
    write(f"{name}_priv_pkcs8.der", key.private_bytes(Enc.DER, PrivF.PKCS8, NoEnc))
    write(f"{name}_pub_spki.der", pub.public_bytes(Enc.DER, PubF.SubjectPublicKeyInfo))
    write(
        f"{name}_priv_enc.pem",
        key.private_bytes(Enc.PEM, PrivF.PKCS8, serialization.BestAvailableEncryption(b"password")),
    )
    if trad:
        write(f"{name}_priv_{trad}.pem", key.private_bytes(Enc.PEM, PrivF.TraditionalOpenSSL, NoEnc))
        write(f"{name}_priv_{trad}.der", key.private_bytes(Enc.DER, PrivF.TraditionalOpenSSL, NoEnc))
    if ssh:
        write(f"{name}_pub.ssh", pub.public_bytes(Enc.OpenSSH, PubF.OpenSSH) + b"\n")
        write(f"{name}_priv_openssh.pem", key.private_bytes(Enc.PEM, PrivF.OpenSSH, NoEnc))


def main() -> None:
    for name, bits in (("rsa2048", 2048), ("rsa2048b", 2048), ("rsa1024", 1024)):
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        common(name, key, "pkcs1", ssh=True)
        pub = key.public_key()
        if not name.endswith("b"):
            write(f"{name}_pub_pkcs1.pem", pub.public_bytes(Enc.PEM, PubF.PKCS1))
            write(f"{name}_pub_pkcs1.der", pub.public_bytes(Enc.DER, PubF.PKCS1))
        if name == "rsa2048":
            self_signed(name, key)

    curves = {
        "p256": ec.SECP256R1(),
        "p384": ec.SECP384R1(),
        "p521": ec.SECP521R1(),
        "secp256k1": ec.SECP256K1(),
    }
    for base, curve in curves.items():
        for suffix in ("", "b"):
            key = ec.generate_private_key(curve)
            # OpenSSH has no secp256k1 key type
            common(base + suffix, key, "sec1", ssh=base != "secp256k1")
            if base == "p256" and suffix == "":
                self_signed(base, key)

    for base, cls in (("ed25519", ed25519.Ed25519PrivateKey), ("ed448", ed448.Ed448PrivateKey)):
        for suffix in ("", "b"):
            key = cls.generate()
            # OpenSSH (and cryptography) know ssh-ed25519 but not Ed448
            common(base + suffix, key, None, ssh=base == "ed25519")


if __name__ == "__main__":
    main()
