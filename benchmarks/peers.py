"""Adapters of bench_peers.py: for each JWT library, the encode and decode
call an application writes, as a zero-argument closure with the library's
function, key and arguments bound beforehand.

Each adapter's `encoder(k, form, payload)` and `decoder(k, form, token)`
build the key the way the row asks (once, outside the closure) and return
the closure; a library that cannot do the row raises `NotApplicable` with
the reason (the table shows "n/a" and the reason as a footnote). The key
forms:

  obj   the library's own pre-parsed key object (cryptography key objects
        for PyJWT and pyjwt_fast, a jwcrypto JWK, a joserfc RSAKey, ...);
        for HMAC, the library's key object for a secret (PyJWT's PyJWK)
  pem   the PEM text passed on every call (PKCS#8 private key to sign,
        SubjectPublicKeyInfo public key to verify, as str); for HMAC the
        raw secret (bytes, or str where the library takes only str)

Every decode closure verifies the signature and checks `exp` (calling the
library's claim validation where it is a separate step), with the accepted
algorithms restricted to the row's where the library has a way to say so.
bench_peers.py checks all of that on real tokens before timing anything.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

HMAC_ALGS = ("HS256", "HS512")


class NotApplicable(Exception):
    """The library cannot do this row; the message is the footnote."""


@dataclass
class AlgKeys:
    """The keys of one algorithm, in every form an adapter may need. For
    HMAC, priv / pub are the secret (bytes) and the PEM fields its text."""

    alg: str
    family: str  # "HS", "RS", "PS", "ES", "Ed"
    priv: Any  # cryptography private key object, or the secret
    pub: Any  # cryptography public key object, or the secret
    priv_pem: str
    pub_pem: str
    priv_jwk: Dict[str, Any]  # RFC 7517 JWK dicts (for libraries built on JWKs)
    pub_jwk: Dict[str, Any]

    @property
    def hmac(self) -> bool:
        return self.family == "HS"

    @property
    def secret(self) -> bytes:
        return self.priv


# ---------------------------------------------------------------- base


class Adapter:
    """One library. Subclasses set the class attributes and define
    `_encoder` / `_decoder`; `load()` imports the library."""

    slug = ""  # name for --libs and in the JSON
    label = ""  # column header
    short = ""  # column header of the console table (<= 9 characters)
    dist = ""  # distribution name, for its version
    module = ""  # what `import` imports
    native = False  # compiled core (Rust / C) rather than Python over cryptography
    algs: Tuple[str, ...] = ("HS256", "HS512", "RS256", "PS256", "ES256", "EdDSA")
    algs_reason = ""  # footnote for an algorithm outside `algs`
    encodes = True
    encode_reason = ""
    pem_ok = True  # takes a PEM (or, for HMAC, the raw secret) on each call
    pem_reason = ""
    hmac_raw_ok: Optional[bool] = None  # None: as pem_ok
    hmac_raw_reason = ""
    exp_note = ""  # how exp is checked (README, --list)
    # Claims the library itself sets in every token it makes (python_jwt:
    # iat, nbf): the gate checks they are present and the rest is the payload.
    adds_claims: Tuple[str, ...] = ()
    calls = ("", "")  # (encode, decode) as written in the README

    def __init__(self) -> None:
        self.mod: Any = None
        self.import_warnings: List[str] = []
        self._keys: Dict[Any, Any] = {}

    # -- loading

    def load(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.mod = importlib.import_module(self.module)
            self._load()
        self.import_warnings = sorted({f"{w.category.__name__}: {' '.join(str(w.message).split())}" for w in caught})

    def _load(self) -> None:
        """Further imports (submodules) after `self.mod`."""

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.dist)
        except importlib.metadata.PackageNotFoundError:
            return getattr(self.mod, "__version__", "unknown")

    # -- rows

    def check_row(self, alg: str, kind: str, form: str) -> None:
        """Raise NotApplicable if the library cannot do the row."""
        if alg not in self.algs:
            raise NotApplicable(self.algs_reason or f"{self.label} does not implement {alg}")
        if kind == "encode" and not self.encodes:
            raise NotApplicable(self.encode_reason)
        if form == "pem":
            if alg in HMAC_ALGS and self.hmac_raw_ok is not None:
                if not self.hmac_raw_ok:
                    raise NotApplicable(self.hmac_raw_reason)
            elif not self.pem_ok:
                raise NotApplicable(self.pem_reason)

    def key(self, k: AlgKeys, form: str, private: bool, build: Callable[[], Any]) -> Any:
        """The key for (alg, form, side), built once and reused: the gate and
        the timed closures use the very same object."""
        ck = (k.alg, form, private)
        if ck not in self._keys:
            self._keys[ck] = build()
        return self._keys[ck]

    def encoder(self, k: AlgKeys, form: str, payload: Dict[str, Any]) -> Callable[[], Any]:
        self.check_row(k.alg, "encode", form)
        return self._encoder(k, form, payload)

    def decoder(self, k: AlgKeys, form: str, token: str) -> Callable[[], Any]:
        self.check_row(k.alg, "decode", form)
        return self._decoder(k, form, token)

    def _encoder(self, k: AlgKeys, form: str, payload: Dict[str, Any]) -> Callable[[], Any]:
        raise NotImplementedError

    def _decoder(self, k: AlgKeys, form: str, token: str) -> Callable[[], Any]:
        raise NotImplementedError


# ---------------------------------------------------------------- PyJWT's API


class PyJWTLike(Adapter):
    """PyJWT and pyjwt_fast: `encode(payload, key, algorithm=alg)`,
    `decode(token, key, algorithms=[alg])` (which checks exp). Key objects:
    cryptography keys; for HMAC, the library's PyJWK."""

    exp_note = "decode() checks exp (and nbf, iat) by default"
    calls = ("`encode(payload, key, algorithm=alg)`", "`decode(token, key, algorithms=[alg])`")

    def _key(self, k: AlgKeys, form: str, private: bool) -> Any:
        if form == "pem":
            return k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        if k.hmac:
            return self.key(k, form, private, lambda: self.mod.PyJWK(k.priv_jwk, algorithm=k.alg))
        return k.priv if private else k.pub

    def _encoder(self, k, form, payload):
        encode, key, alg = self.mod.encode, self._key(k, form, True), k.alg
        return lambda: encode(payload, key, algorithm=alg)

    def _decoder(self, k, form, token):
        decode, key, algorithms = self.mod.decode, self._key(k, form, False), [k.alg]
        return lambda: decode(token, key, algorithms=algorithms)


class PyJWTFast(PyJWTLike):
    slug, label, short, dist, module = "pyjwt_fast", "pyjwt_fast", "fast", "pyjwt-fast", "pyjwt_fast"
    native = True

    def load(self) -> None:  # imported by bench_peers.py from this checkout
        import pyjwt_fast

        self.mod = pyjwt_fast

    def version(self) -> str:
        return "this checkout"


class PyJWT(PyJWTLike):
    slug, label, short, dist, module = "pyjwt", "PyJWT", "PyJWT", "PyJWT", "jwt"


# ---------------------------------------------------------------- Python peers


class Joserfc(Adapter):
    slug, label, short, dist, module = "joserfc", "joserfc", "joserfc", "joserfc", "joserfc"
    pem_ok = False
    pem_reason = "joserfc takes only its key objects (OctKey / RSAKey / ECKey / OKPKey.import_key) or a key set"
    exp_note = "jwt.decode() does not look at claims: JWTClaimsRegistry().validate(claims) checks exp"
    calls = ('`jwt.encode({"alg": alg}, payload, key, algorithms=[alg])`',
             "`jwt.decode(token, key, algorithms=[alg])`, then `JWTClaimsRegistry().validate(token.claims)`"
             " (registry built once)")

    def _load(self):
        from joserfc import jwk, jwt

        self.jwt, self.jwk = jwt, jwk

    def _key(self, k, private):
        cls = {"HS": "OctKey", "RS": "RSAKey", "PS": "RSAKey", "ES": "ECKey", "Ed": "OKPKey"}[k.family]
        data = k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        return self.key(k, "obj", private, lambda: getattr(self.jwk, cls).import_key(data))

    def _encoder(self, k, form, payload):
        encode, key, header, algs = self.jwt.encode, self._key(k, True), {"alg": k.alg}, [k.alg]
        return lambda: encode(header, payload, key, algorithms=algs)

    def _decoder(self, k, form, token):
        decode, key, algs = self.jwt.decode, self._key(k, False), [k.alg]
        validate = self.jwt.JWTClaimsRegistry().validate

        def run():
            claims = decode(token, key, algorithms=algs).claims
            validate(claims)
            return claims

        return run


class Authlib(Adapter):
    slug, label, short, dist, module = "authlib", "Authlib", "authlib", "Authlib", "authlib.jose"
    exp_note = "jwt.decode() returns JWTClaims unchecked: claims.validate() checks exp"
    calls = ('`JsonWebToken([alg]).encode({"alg": alg}, payload, key)` (returns bytes)',
             "`claims = JsonWebToken([alg]).decode(token, key)`, then `claims.validate()`")

    def _key(self, k, form, private):
        if form == "pem":
            return k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        kty = {"HS": "oct", "RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}[k.family]
        data = k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        return self.key(k, form, private, lambda: self.mod.JsonWebKey.import_key(data, {"kty": kty}))

    def _encoder(self, k, form, payload):
        encode, key, header = self.mod.JsonWebToken([k.alg]).encode, self._key(k, form, True), {"alg": k.alg}
        return lambda: encode(header, payload, key)

    def _decoder(self, k, form, token):
        decode, key = self.mod.JsonWebToken([k.alg]).decode, self._key(k, form, False)

        def run():
            claims = decode(token, key)
            claims.validate()
            return claims

        return run


class PythonJose(Adapter):
    slug, label, short, dist, module = "jose", "python-jose", "jose", "python-jose", "jose"
    algs = ("HS256", "HS512", "RS256", "ES256")
    algs_reason = "python-jose 3.5.0 implements HS, RS and ES only (no PS, no EdDSA)"
    exp_note = "jwt.decode() checks exp (and nbf, iat) by default"
    calls = ("`jwt.encode(payload, key, algorithm=alg)`", "`jwt.decode(token, key, algorithms=[alg])`;"
             " key objects from `jwk.construct(pem_or_secret, alg)`")

    def _load(self):
        from jose import jwk, jwt
        from jose.backends import RSAKey

        self.jwt, self.jwk, self.backend = jwt, jwk, RSAKey.__module__

    def _key(self, k, form, private):
        data = k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        if form == "pem":
            return data
        return self.key(k, form, private, lambda: self.jwk.construct(data, k.alg))

    def _encoder(self, k, form, payload):
        encode, key, alg = self.jwt.encode, self._key(k, form, True), k.alg
        return lambda: encode(payload, key, algorithm=alg)

    def _decoder(self, k, form, token):
        decode, key, algorithms = self.jwt.decode, self._key(k, form, False), [k.alg]
        return lambda: decode(token, key, algorithms=algorithms)


class Jwcrypto(Adapter):
    slug, label, short, dist, module = "jwcrypto", "jwcrypto", "jwcrypto", "jwcrypto", "jwcrypto"
    pem_ok = False
    pem_reason = "jwcrypto takes only its JWK objects (JWK.from_pem / JWK(kty='oct', ...)), not PEM text or a secret"
    exp_note = "JWT(jwt=token, key=key) checks exp and nbf when present (check_claims=None, leeway 60 s)"
    calls = ('`t = JWT(header={"alg": alg, "typ": "JWT"}, claims=payload); t.make_signed_token(key); '
             't.serialize()`', "`json.loads(JWT(jwt=token, key=key, algs=[alg]).claims)`")

    def _load(self):
        from jwcrypto import jwk, jwt

        self.jwt, self.jwk = jwt, jwk

    def _key(self, k, private):
        if k.hmac:
            return self.key(k, "obj", private, lambda: self.jwk.JWK(**k.priv_jwk))
        pem = (k.priv_pem if private else k.pub_pem).encode()
        return self.key(k, "obj", private, lambda: self.jwk.JWK.from_pem(pem))

    def _encoder(self, k, form, payload):
        JWT, key, header = self.jwt.JWT, self._key(k, True), {"alg": k.alg, "typ": "JWT"}

        def run():
            t = JWT(header=header, claims=payload)
            t.make_signed_token(key)
            return t.serialize()

        return run

    def _decoder(self, k, form, token):
        JWT, key, algs, loads = self.jwt.JWT, self._key(k, False), [k.alg], json.loads
        return lambda: loads(JWT(jwt=token, key=key, algs=algs).claims)


class Jwskate(Adapter):
    slug, label, short, dist, module = "jwskate", "jwskate", "jwskate", "jwskate", "jwskate"
    pem_ok = False
    pem_reason = "jwskate takes a Jwk, a JWK dict or a cryptography key, not PEM text (Jwk.from_pem is a separate step)"
    hmac_raw_ok = True
    exp_note = "SignedJwt.verify() checks the signature only: is_expired() checks exp (called after it)"
    calls = ("`str(Jwt.sign(payload, key, alg=alg))`",
             "`jwt = SignedJwt(token); jwt.verify(key, alg=alg)`, then `jwt.is_expired()` (raise if true), "
             "`jwt.claims`")

    def _key(self, k, form, private):
        if form == "pem":  # HMAC only: the secret as bytes
            return k.secret
        if k.hmac:
            return self.key(k, form, private, lambda: self.mod.SymmetricJwk.from_bytes(k.secret))
        return self.key(k, form, private, lambda: self.mod.Jwk.from_pem((k.priv_pem if private else k.pub_pem).encode()))

    def _encoder(self, k, form, payload):
        sign, key, alg = self.mod.Jwt.sign, self._key(k, form, True), k.alg
        return lambda: str(sign(payload, key, alg=alg))

    def _decoder(self, k, form, token):
        SignedJwt, ExpiredJwt, key, alg = self.mod.SignedJwt, self.mod.ExpiredJwt, self._key(k, form, False), k.alg

        def run():
            jwt = SignedJwt(token)
            jwt.verify(key, alg=alg)
            if jwt.is_expired():
                raise ExpiredJwt("expired")
            return jwt.claims

        return run


class PythonJwt(Adapter):
    slug, label, short, dist, module = "python_jwt", "python_jwt", "py_jwt", "python_jwt", "python_jwt"
    pem_ok = False
    pem_reason = "python_jwt takes only jwcrypto JWK objects, not PEM text or a secret"
    adds_claims = ("iat", "nbf")
    exp_note = ("verify_jwt(..., checks_optional=True) checks exp, nbf and iat when present (checks_optional=False "
                "would also require nbf, which the payloads do not have)")
    calls = ("`generate_jwt(payload, key, alg, jti_size=0)` (sets iat and nbf to now itself; jti left out)",
             "`verify_jwt(token, key, [alg], checks_optional=True)[1]`; jwcrypto JWK keys (EdDSA is not in "
             "its documented list, but it passes the algorithm on to jwcrypto, which implements it)")

    def _load(self):
        from jwcrypto import jwk

        self.jwk = jwk

    _key = Jwcrypto._key

    def _encoder(self, k, form, payload):
        generate, key, alg = self.mod.generate_jwt, self._key(k, True), k.alg
        return lambda: generate(payload, key, alg, jti_size=0)

    def _decoder(self, k, form, token):
        verify, key, algs = self.mod.verify_jwt, self._key(k, False), [k.alg]
        return lambda: verify(token, key, algs, checks_optional=True)[1]


# ---------------------------------------------------------------- native peers


class Oxyjwt(Adapter):
    slug, label, short, dist, module = "oxyjwt", "oxyjwt", "oxyjwt", "oxyjwt", "oxyjwt"
    native = True
    pem_ok = False
    pem_reason = ("oxyjwt refuses PEM text and cryptography keys for RS / PS / ES / EdDSA "
                  "(\"raw str/bytes keys are only accepted for HMAC algorithms; use EncodingKey.from_*\")")
    hmac_raw_ok = True
    exp_note = "decode() checks exp (jsonwebtoken's Validation)"
    calls = ("`encode(payload, key, algorithm=alg)`", "`decode(token, key, algorithms=[alg])`; key objects "
             "`EncodingKey` / `DecodingKey.from_secret / from_rsa_pem / from_ec_pem / from_ed_pem`")

    def _key(self, k, form, private):
        if form == "pem":
            return k.secret
        cls = self.mod.EncodingKey if private else self.mod.DecodingKey
        if k.hmac:
            return self.key(k, form, private, lambda: cls.from_secret(k.secret))
        fn = {"RS": "from_rsa_pem", "PS": "from_rsa_pem", "ES": "from_ec_pem", "Ed": "from_ed_pem"}[k.family]
        return self.key(k, form, private, lambda: getattr(cls, fn)(k.priv_pem if private else k.pub_pem))

    _encoder = PyJWTLike._encoder

    def _decoder(self, k, form, token):
        decode, key, algorithms = self.mod.decode, self._key(k, form, False), [k.alg]
        return lambda: decode(token, key, algorithms=algorithms)


class Rsjwt(Adapter):
    slug, label, short, dist, module = "rsjwt", "rsjwt", "rsjwt", "rsjwt", "rsjwt"
    native = True
    algs = HMAC_ALGS
    algs_reason = "rsjwt 0.0.4 implements HS256 / HS384 / HS512 only"
    pem_ok = hmac_raw_ok = False
    pem_reason = hmac_raw_reason = ("the key is bound at construction (rsjwt.JWT(secret, algorithm=alg)); "
                                    "no call takes the key")
    exp_note = "JWT.decode() checks exp (jsonwebtoken's Validation, exp required)"
    calls = ("`JWT(secret, algorithm=alg).encode(payload)` (the JWT object built once)",
             "`JWT(secret, algorithm=alg).decode(token).claims` (decode returns a TokenData that holds the claims "
             "as Rust values; `.claims` makes the dict, as the others return)")

    def _jwt(self, k):
        return self.key(k, "obj", True, lambda: self.mod.JWT(k.secret.decode(), algorithm=k.alg))

    def _encoder(self, k, form, payload):
        encode = self._jwt(k).encode
        return lambda: encode(payload)

    def _decoder(self, k, form, token):
        decode = self._jwt(k).decode
        return lambda: decode(token).claims


class Clasp(Adapter):
    slug, label, short, dist, module = "clasp", "clasp-jwt", "clasp", "clasp-jwt", "clasp"
    native = True
    encodes = False
    encode_reason = "clasp-jwt 0.1.0 verifies only: it has no encode"
    pem_ok = hmac_raw_ok = False
    pem_reason = hmac_raw_reason = ("clasp-jwt verifies with key objects only "
                                    "(SymmetricKey / AsymmetricKey.from_*_pem, built once)")
    exp_note = "verify() checks exp (jsonwebtoken's Validation)"
    calls = ("", "`json.loads(key.verify(token))` (verify returns the claims as JSON text); key from "
                 "`SymmetricKey(secret, alg)` / `AsymmetricKey.from_rsa_pem / from_ec_pem / from_ed_pem(pem, alg)`")

    def _key(self, k):
        if k.hmac:
            return self.key(k, "obj", False, lambda: self.mod.SymmetricKey(k.secret, k.alg))
        fn = {"RS": "from_rsa_pem", "PS": "from_rsa_pem", "ES": "from_ec_pem", "Ed": "from_ed_pem"}[k.family]
        return self.key(k, "obj", False, lambda: getattr(self.mod.AsymmetricKey, fn)(k.pub_pem.encode(), k.alg))

    def _decoder(self, k, form, token):
        verify, loads = self._key(k).verify, json.loads
        return lambda: loads(verify(token))


class Pyjosers(Adapter):
    slug, label, short, dist, module = "pyjosers", "pyjosers", "pyjosers", "pyjosers", "pyjosers"
    native = True
    pem_ok = False
    pem_reason = "pyjosers takes only its JWK objects (JWK.from_pem / JWK(kty='oct', ...)), not PEM text or a secret"
    exp_note = "jwt.decode() applies its Validation (exp checked when present, leeway 60 s)"
    calls = ("`pyjosers.jwt.encode(key, payload, algorithm=alg)`",
             "`pyjosers.jwt.decode(token, key, validation=Validation(allowed_algorithms=[alg]))` (Validation built once)")

    def _load(self):
        import pyjosers.jwt

        self.jwt = pyjosers.jwt

    def _key(self, k, private):
        if k.hmac:
            return self.key(k, "obj", private, lambda: self.mod.JWK(**k.priv_jwk))
        pem = (k.priv_pem if private else k.pub_pem).encode()
        return self.key(k, "obj", private, lambda: self.mod.JWK.from_pem(pem))

    def _encoder(self, k, form, payload):
        encode, key, alg = self.jwt.encode, self._key(k, True), k.alg
        return lambda: encode(key, payload, algorithm=alg)

    def _decoder(self, k, form, token):
        decode, key = self.jwt.decode, self._key(k, False)
        validation = self.mod.Validation(allowed_algorithms=[k.alg])
        return lambda: decode(token, key, validation=validation)


class Webtoken(Adapter):
    slug, label, short, dist, module = "webtoken", "webtoken", "webtoken", "webtoken", "webtoken"
    native = True
    exp_note = "decode() checks exp"
    calls = ("`encode(payload, key, algorithm=alg)`", "`decode(token, key, algorithms=[alg])`; key objects "
             "`webtoken.PyJWK(jwk_dict, algorithm=alg)`")

    def _key(self, k, form, private):
        if form == "pem":
            return k.secret if k.hmac else (k.priv_pem if private else k.pub_pem)
        return self.key(k, form, private, lambda: self.mod.PyJWK(k.priv_jwk if private else k.pub_jwk, algorithm=k.alg))

    _encoder = PyJWTLike._encoder
    _decoder = PyJWTLike._decoder


class KeyManager(Adapter):
    slug, label, short, dist, module = "key_manager", "jwk-key-manager", "key_mgr", "jwk-key-manager", "key_manager"
    native = True
    algs = ("RS256", "PS256")
    algs_reason = "jwk-key-manager 0.1.10 takes RSA keys only (its HMAC, EC and Ed25519 keys fail to parse)"
    exp_note = "verify_token() checks exp (TokenValidation: validate_exp, exp required, leeway 60 s)"
    calls = ("`KeyManager.generate_token(private_pem, payload, TokenHeader(alg=alg))`; object form: a KeyStore with "
             "the key registered once, `manager.generate_token_by_kid(payload, TokenHeader(alg=alg, kid=...))`",
             "`KeyManager.verify_token(token, public_pem, TokenValidation(algorithms=[alg]))`; object form "
             "`manager.verify_token_by_kid(token, validation)` (header and validation built once)")

    def _manager(self, k):
        def build():
            store = self.mod.KeyStore()
            store.register_keys("k1", k.priv_pem, k.pub_pem, k.alg, True)
            return self.mod.KeyManager(store)

        return self.key(k, "obj", True, build)

    def _encoder(self, k, form, payload):
        if form == "pem":
            header = self.mod.TokenHeader(alg=k.alg)
            generate, pem = self.mod.KeyManager.generate_token, k.priv_pem
            return lambda: generate(pem, payload, header)
        # generate_token_by_kid refuses a header without kid ("Token kid must be specified")
        header = self.mod.TokenHeader(alg=k.alg, kid="k1")
        generate = self._manager(k).generate_token_by_kid
        return lambda: generate(payload, header)

    def _decoder(self, k, form, token):
        validation = self.mod.TokenValidation(algorithms=[k.alg])
        if form == "pem":
            verify, pem = self.mod.KeyManager.verify_token, k.pub_pem
            return lambda: verify(token, pem, validation)
        verify = self._manager(k).verify_token_by_kid
        return lambda: verify(token, validation)


# ---------------------------------------------------------------- the list


# Column order: pyjwt_fast, PyJWT, then Python peers, then native ones.
ADAPTERS: List[Type[Adapter]] = [PyJWTFast, PyJWT, Joserfc, Authlib, PythonJose, Jwcrypto, Jwskate, PythonJwt,
                        Oxyjwt, Rsjwt, Clasp, Pyjosers, Webtoken, KeyManager]

# Libraries looked at and not timed, with the reason (printed by the script,
# listed in the README).
NOT_BENCHMARKED: List[Tuple[str, str]] = [
    ("pyjwt-rs", "not installable here: only an sdist on the package index, and building it needs crates.io, "
                 "which this machine cannot reach"),
    ("ryjwt", "not installable here: no wheel on the package index"),
    ("rustoken 0.1.5", "not a general JWT library: it makes only its own HS256 tokens with the claims "
                       "{id, exp} (RustToken(secret).create_token(user_id, ttl)), and its decode rejects any "
                       "other token (\"missing field `id`\"); no row can be run"),
    ("tokenhmac 1.0.0", "not a JWT library: a two-part token payload.signature of padded base64, no header, "
                        "no claims, no exp; it signs bytes you give it (and with a bytes key it fails, "
                        "its key is only set for a str)"),
]
