"""Leak and boundedness tests for the C core (pyjwt_fast._native).

(a) Reference counts: the objects a caller passes in (payload dicts, keys as str /
    bytes / cryptography key objects, header dicts, options, audience lists,
    json_encoder classes, hook objects) have the same reference count before and
    after 1000 calls, on the success path and on every error path we can provoke,
    for HS256, RS256, ES256, ES384 and EdDSA (Ed25519 and Ed448). The same loop
    also watches ``sys.getallocatedblocks()`` (pymalloc blocks: a leaked exception, message
    string or parsed dict made inside C shows up there even though the caller
    never sees it).
(b) Process memory: RSS (from /proc/self/statm) of a fresh subprocess is flat
    over 1,000,000 HS256 encode+decode cycles after a 100,000-cycle warm-up.
(c) Caches: 10,000 distinct HMAC keys and 300 distinct PEM keys (EC P-256) keep
    ``_native._hmac_cache_size()`` / ``_native._pk_cache_size()`` within their
    bounds, results stay correct and RSS stays bounded.

No timed assertions anywhere.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import pyjwt_fast as jwt
from pyjwt_fast import _native

crypto = pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

KEYS = Path(__file__).parent / "keys"
REPO = Path(__file__).resolve().parent.parent

# Bounds of the caches, as defined in csrc/hmac.c (CACHE_SLOTS) and csrc/pkey.c
# (PK_CACHE_SLOTS). The tests only require "at most"; if the C side shrinks a
# bound these still pass, if it grows one past these numbers, update here.
HMAC_CACHE_BOUND = 32
PK_CACHE_BOUND = 128

N_CALLS = 1000
# pymalloc blocks allowed to appear over n calls: a fraction of n (one-off
# interning, free-list growth, cryptography's own caches add a few hundred at most
# and do not grow with n). A leak of one object per call gives >= n.
def _block_slack(n):
    return max(n // 2, 100)

pytestmark = pytest.mark.filterwarnings("ignore::pyjwt_fast.warnings.InsecureKeyLengthWarning")


def _read(name: str) -> str:
    return (KEYS / name).read_text()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------
# keys, as str, bytes and cryptography objects
# --------------------------------------------------------------------------

HS_SECRET_STR = "s" * 32
HS_SECRET_BYTES = b"b" * 64

RSA_PRIV_PEM = _read("rsa2048_priv_pkcs8.pem")
RSA_PUB_PEM = _read("rsa2048_pub_spki.pem")
RSA_OTHER_PUB_PEM = _read("rsa2048b_pub_spki.pem")
EC_PRIV_PEM = _read("p256_priv_pkcs8.pem")
EC_PUB_PEM = _read("p256_pub_spki.pem")
EC_OTHER_PUB_PEM = _read("p256b_pub_spki.pem")
ED_PRIV_PEM = _read("ed25519_priv_pkcs8.pem")
ED_PUB_PEM = _read("ed25519_pub_spki.pem")
ED_OTHER_PUB_PEM = _read("ed25519b_pub_spki.pem")
# P-384 and Ed448: the classes whose signatures may go through cryptography
# (pyjwt_fast.algorithms._pk_delegate) rather than the extension's libcrypto.
P384_PRIV_PEM = _read("p384_priv_pkcs8.pem")
P384_PUB_PEM = _read("p384_pub_spki.pem")
P384_OTHER_PUB_PEM = _read("p384b_pub_spki.pem")
ED448_PRIV_PEM = _read("ed448_priv_pkcs8.pem")
ED448_PUB_PEM = _read("ed448_pub_spki.pem")
ED448_OTHER_PUB_PEM = _read("ed448b_pub_spki.pem")

RSA_PRIV_OBJ = serialization.load_pem_private_key(RSA_PRIV_PEM.encode(), None)
RSA_PUB_OBJ = RSA_PRIV_OBJ.public_key()
EC_PRIV_OBJ = serialization.load_pem_private_key(EC_PRIV_PEM.encode(), None)
EC_PUB_OBJ = EC_PRIV_OBJ.public_key()
ED_PRIV_OBJ = serialization.load_pem_private_key(ED_PRIV_PEM.encode(), None)
ED_PUB_OBJ = ED_PRIV_OBJ.public_key()
P384_PRIV_OBJ = serialization.load_pem_private_key(P384_PRIV_PEM.encode(), None)
P384_PUB_OBJ = P384_PRIV_OBJ.public_key()

def _jwk(key, alg, family):
    return jwt.PyJWK(family.to_jwk(key, as_dict=True), algorithm=alg)


HS_JWK = _jwk(HS_SECRET_BYTES, "HS256", jwt.algorithms.HMACAlgorithm)
EC_PRIV_JWK = _jwk(EC_PRIV_OBJ, "ES256", jwt.algorithms.ECAlgorithm)
EC_PUB_JWK = _jwk(EC_PUB_OBJ, "ES256", jwt.algorithms.ECAlgorithm)

# alg -> list of (label, signing key, verifying key, a verifying key of another keypair)
KEYSETS = {
    "HS256": [
        ("str", HS_SECRET_STR, HS_SECRET_STR, "t" * 32),
        ("bytes", HS_SECRET_BYTES, HS_SECRET_BYTES, b"c" * 64),
        ("pyjwk", HS_JWK, HS_JWK, b"c" * 64),
    ],
    "RS256": [
        ("pem-str", RSA_PRIV_PEM, RSA_PUB_PEM, RSA_OTHER_PUB_PEM),
        ("pem-bytes", RSA_PRIV_PEM.encode(), RSA_PUB_PEM.encode(), RSA_OTHER_PUB_PEM.encode()),
        ("crypto-obj", RSA_PRIV_OBJ, RSA_PUB_OBJ, RSA_OTHER_PUB_PEM),
    ],
    "ES256": [
        ("pem-str", EC_PRIV_PEM, EC_PUB_PEM, EC_OTHER_PUB_PEM),
        ("pem-bytes", EC_PRIV_PEM.encode(), EC_PUB_PEM.encode(), EC_OTHER_PUB_PEM.encode()),
        ("crypto-obj", EC_PRIV_OBJ, EC_PUB_OBJ, EC_OTHER_PUB_PEM),
        ("pyjwk", EC_PRIV_JWK, EC_PUB_JWK, EC_OTHER_PUB_PEM),
    ],
    "EdDSA": [
        ("pem-str", ED_PRIV_PEM, ED_PUB_PEM, ED_OTHER_PUB_PEM),
        ("pem-bytes", ED_PRIV_PEM.encode(), ED_PUB_PEM.encode(), ED_OTHER_PUB_PEM.encode()),
        ("crypto-obj", ED_PRIV_OBJ, ED_PUB_OBJ, ED_OTHER_PUB_PEM),
        ("ed448-pem-str", ED448_PRIV_PEM, ED448_PUB_PEM, ED448_OTHER_PUB_PEM),
    ],
    "ES384": [
        ("pem-str", P384_PRIV_PEM, P384_PUB_PEM, P384_OTHER_PUB_PEM),
        ("crypto-obj", P384_PRIV_OBJ, P384_PUB_OBJ, P384_OTHER_PUB_PEM),
    ],
}


class DefaultEncoder(json.JSONEncoder):
    """A json_encoder that only overrides default (the C fast path keeps it)."""

    def default(self, o):
        if isinstance(o, set):
            return sorted(o)
        return super().default(o)


class SortingEncoder(json.JSONEncoder):
    """A json_encoder with other behaviour (the C path steps aside)."""

    def __init__(self, *a, **kw):
        kw["sort_keys"] = True
        super().__init__(*a, **kw)


class Hook:
    """An object that only a json_encoder's default() knows how to serialise."""

    def __init__(self, v):
        self.v = v


class HookEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Hook):
            return {"hook": o.v}
        return super().default(o)


class RaisingEncoder(json.JSONEncoder):
    def default(self, o):
        raise ValueError("encoder refuses")


class HookedJWT(jwt.PyJWT):
    """A subclass overriding a documented hook: the C path steps aside for it."""

    def _validate_claims(self, payload, options, **kw):  # noqa: D401
        return super()._validate_claims(payload, options, **kw)


# --------------------------------------------------------------------------
# the measurement
# --------------------------------------------------------------------------


def _measure(fn, tracked, n=N_CALLS):
    """Run fn n times after a warm-up; return the refcount deltas of tracked and
    the pymalloc block delta."""
    for _ in range(20):
        fn()
    gc.collect()
    before = [sys.getrefcount(o) for o in tracked]
    blocks0 = sys.getallocatedblocks()
    for _ in range(n):
        fn()
    gc.collect()
    blocks1 = sys.getallocatedblocks()
    after = [sys.getrefcount(o) for o in tracked]
    deltas = [a - b for a, b in zip(after, before)]
    return deltas, blocks1 - blocks0


def _check(fn, tracked, expect=None, n=N_CALLS):
    """fn() must behave as `expect` (an exception class, or None for success) and
    leave tracked refcounts and pymalloc blocks unchanged over n calls."""

    def call():
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the class is asserted below
            if expect is None or not isinstance(e, expect):
                raise
        else:
            if expect is not None:
                raise AssertionError(f"expected {expect.__name__}, call returned")

    call()  # behaviour check (raises on an unexpected outcome)
    deltas, blocks = _measure(call, tracked, n)
    labels = [type(o).__name__ for o in tracked]
    assert deltas == [0] * len(tracked), f"refcount deltas {list(zip(labels, deltas))}"
    assert blocks < _block_slack(n), f"{blocks} pymalloc blocks appeared over {n} calls"


def _now():
    return int(_dt.datetime.now(tz=_dt.timezone.utc).timestamp())


def _cases(alg, sign_key, verify_key, other_key):
    """(name, fn, tracked objects, expected exception or None) for one alg/keyset."""
    now = _now()
    payload = {"sub": "user", "iat": now, "exp": now + 3600, "aud": ["svc", "other"], "iss": "me",
               "nested": {"a": [1, 2.5, None, True, "x" * 40]}}
    headers = {"kid": "key-1", "x-extra": [1, 2, 3]}
    options = {"verify_exp": True, "require": ["exp", "iat"]}
    audience = ["svc", "zzz"]
    token = jwt.encode(payload, sign_key, algorithm=alg, headers=headers)
    expired_payload = {"sub": "u", "iat": now - 7200, "exp": now - 3600}
    expired = jwt.encode(expired_payload, sign_key, algorithm=alg)
    future_nbf = jwt.encode({"nbf": now + 3600}, sign_key, algorithm=alg)
    head, body, sig = token.split(".")
    tampered = f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"
    wrong_alg = "HS384" if alg != "HS384" else "HS512"
    not_json_payload = f"{head}.{jwt.utils.base64url_encode(b'{not json').decode()}.{sig}"
    bad_header = f"{jwt.utils.base64url_encode(b'[1,2').decode()}.{body}.{sig}"
    set_payload = {"tags": {"b", "a"}, "hook": Hook(3)}
    hook = set_payload["hook"]
    bad_key_type = 12345
    algs = [alg]
    complete = jwt.decode_complete
    hooked = HookedJWT()

    cases = [
        ("encode", lambda: jwt.encode(payload, sign_key, algorithm=alg, headers=headers),
         [payload, sign_key, headers, alg], None),
        ("encode-json_encoder-default", lambda: jwt.encode(
            {"tags": {"b", "a"}}, sign_key, algorithm=alg, json_encoder=DefaultEncoder),
         [sign_key, DefaultEncoder], None),
        ("encode-json_encoder-other", lambda: jwt.encode(
            payload, sign_key, algorithm=alg, json_encoder=SortingEncoder, headers=headers),
         [payload, sign_key, headers, SortingEncoder], None),
        ("encode-hook-object", lambda: jwt.encode(
            {"h": hook}, sign_key, algorithm=alg, json_encoder=HookEncoder),
         [hook, sign_key, HookEncoder], None),
        ("encode-unserialisable", lambda: jwt.encode({"o": hook}, sign_key, algorithm=alg),
         [hook, sign_key], TypeError),
        ("encode-encoder-raises", lambda: jwt.encode(
            {"o": hook}, sign_key, algorithm=alg, json_encoder=RaisingEncoder),
         [hook, sign_key, RaisingEncoder], ValueError),
        ("encode-bad-headers", lambda: jwt.encode(payload, sign_key, algorithm=alg,
                                                  headers={"kid": 5}),
         [payload, sign_key], jwt.InvalidTokenError),
        ("encode-payload-not-dict", lambda: jwt.encode(["x"], sign_key, algorithm=alg),
         [sign_key], TypeError),
        ("decode", lambda: jwt.decode(token, verify_key, algorithms=algs, audience=audience,
                                      issuer="me", options=options),
         [token, verify_key, algs, audience, options], None),
        ("decode_complete", lambda: complete(token, verify_key, algorithms=algs, audience="svc"),
         [token, verify_key, algs], None),
        ("decode-subclass-hook", lambda: hooked.decode(token, verify_key, algorithms=algs,
                                                       audience=audience),
         [token, verify_key, algs, audience, hooked], None),
        ("get_unverified_header", lambda: jwt.get_unverified_header(token), [token], None),
        ("bad-signature", lambda: jwt.decode(tampered, verify_key, algorithms=algs, audience=audience),
         [tampered, verify_key, algs, audience], jwt.InvalidSignatureError),
        ("other-key", lambda: jwt.decode(token, other_key, algorithms=algs, audience=audience),
         [token, other_key, algs, audience], jwt.InvalidSignatureError),
        ("expired", lambda: jwt.decode(expired, verify_key, algorithms=algs, options=options),
         [expired, verify_key, algs, options], jwt.ExpiredSignatureError),
        ("immature", lambda: jwt.decode(future_nbf, verify_key, algorithms=algs),
         [future_nbf, verify_key, algs], jwt.ImmatureSignatureError),
        ("bad-audience", lambda: jwt.decode(token, verify_key, algorithms=algs, audience=["nope"]),
         [token, verify_key, algs], jwt.InvalidAudienceError),
        ("bad-audience-type", lambda: jwt.decode(token, verify_key, algorithms=algs, audience=[1]),
         [token, verify_key, algs], jwt.InvalidAudienceError),
        ("bad-issuer", lambda: jwt.decode(token, verify_key, algorithms=algs, audience=audience,
                                          issuer="you"),
         [token, verify_key, algs, audience], jwt.InvalidIssuerError),
        ("missing-claim", lambda: jwt.decode(token, verify_key, algorithms=algs, audience=audience,
                                             options={"require": ["jti"]}),
         [token, verify_key, algs, audience], jwt.MissingRequiredClaimError),
        ("malformed", lambda: jwt.decode("abc.def", verify_key, algorithms=algs),
         [verify_key, algs], jwt.DecodeError),
        ("malformed-b64", lambda: jwt.decode(head + ".!!!." + sig, verify_key, algorithms=algs),
         [verify_key, algs], jwt.DecodeError),
        ("json-error-payload", lambda: jwt.decode(not_json_payload, verify_key, algorithms=algs),
         [not_json_payload, verify_key, algs], jwt.DecodeError),
        ("json-error-header", lambda: jwt.decode(bad_header, verify_key, algorithms=algs),
         [bad_header, verify_key, algs], jwt.DecodeError),
        ("wrong-alg", lambda: jwt.decode(token, verify_key, algorithms=[wrong_alg]),
         [token, verify_key], jwt.InvalidAlgorithmError),
        ("bad-key-type", lambda: jwt.decode(token, bad_key_type, algorithms=algs),
         [token, bad_key_type, algs], (TypeError, jwt.InvalidKeyError)),
        ("unverified", lambda: jwt.decode(token, options={"verify_signature": False}),
         [token], None),
    ]
    if alg.startswith("HS"):
        short = sign_key[:3] if isinstance(sign_key, (str, bytes)) else b"sho"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            short_tok = jwt.encode({"a": 1}, short, algorithm=alg)
        strict = {"enforce_minimum_key_length": True}
        cases += [
            ("key-length-enforced", lambda: jwt.decode(short_tok, short, algorithms=algs,
                                                       options=strict),
             [short_tok, short, algs, strict], jwt.InvalidKeyError),
            ("key-length-warning", lambda: jwt.decode(short_tok, short, algorithms=algs),
             [short_tok, short, algs], None),
            ("pem-as-hmac-secret", lambda: jwt.decode(token, EC_PUB_PEM, algorithms=algs),
             [token, EC_PUB_PEM, algs], jwt.InvalidKeyError),
        ]
    else:
        garbage = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
        cases += [
            ("garbage-key", lambda: jwt.decode(token, garbage, algorithms=algs),
             [token, garbage, algs], (jwt.InvalidKeyError, ValueError, TypeError)),
            ("garbage-sign-key", lambda: jwt.encode(payload, garbage, algorithm=alg),
             [payload, garbage], (jwt.InvalidKeyError, ValueError, TypeError)),
            ("hmac-secret-as-pubkey", lambda: jwt.decode(token, HS_SECRET_BYTES, algorithms=algs),
             [token, HS_SECRET_BYTES, algs], (jwt.InvalidKeyError, ValueError, TypeError)),
        ]
    return cases


ALL_CASES = []
for _alg, _sets in KEYSETS.items():
    for _label, _sk, _vk, _ok in _sets:
        for _name, _fn, _tracked, _exp in _cases(_alg, _sk, _vk, _ok):
            # An RSA PEM private key with a json_encoder the C path steps aside for is
            # parsed by cryptography on every call, as PyJWT does (~60 ms each, RSA key
            # checks): 100 calls there, N_CALLS everywhere else.
            _n = 100 if (_alg == "RS256" and _label.startswith("pem")
                         and _name == "encode-json_encoder-other") else N_CALLS
            ALL_CASES.append(pytest.param(_fn, _tracked, _exp, _n, id=f"{_alg}-{_label}-{_name}"))


@pytest.mark.parametrize("fn,tracked,expect,n", ALL_CASES)
def test_refcounts_stable(fn, tracked, expect, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(fn, tracked, expect, n)


def test_cached_header_not_shared():
    """The header cache must hand out a fresh dict on every call."""
    tok = jwt.encode({"a": 1}, HS_SECRET_STR, algorithm="HS256", headers={"kid": "k"})
    for _ in range(3):
        h = jwt.decode_complete(tok, HS_SECRET_STR, algorithms=["HS256"])["header"]
        assert h == {"alg": "HS256", "kid": "k", "typ": "JWT"}
        h["poison"] = True
    assert "poison" not in jwt.get_unverified_header(tok)


# --------------------------------------------------------------------------
# (b) RSS flat over 1M HS256 encode+decode cycles
# --------------------------------------------------------------------------

RSS_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    import pyjwt_fast as jwt
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    warm, n = int(sys.argv[1]), int(sys.argv[2])
    key = "k" * 32
    algs = ["HS256"]
    def run(count, base):
        for i in range(base, base + count):
            payload = {"sub": "user%d" % (i % 1000), "iat": 1700000000, "n": i, "role": "admin",
                       "aud": "svc"}
            tok = jwt.encode(payload, key, algorithm="HS256")
            out = jwt.decode(tok, key, algorithms=algs, audience="svc",
                             options={"verify_exp": False})
            if out["n"] != i:
                raise SystemExit("wrong result at %d" % i)
    run(warm, 0)
    r0 = rss()
    t0 = time.perf_counter()
    run(n, warm)
    r1 = rss()
    print(r0, r1, round(time.perf_counter() - t0, 2))
    """
)

RSS_CYCLES = int(os.environ.get("PJF_RSS_CYCLES", "1000000"))


def _run_rss(warm: int, n: int) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(warm), str(n)],
        capture_output=True, text=True, check=True, cwd=str(REPO),
    ).stdout.split()
    return int(out[0]), int(out[1])


def test_rss_flat_over_many_hs256_cycles():
    r0, r1 = _run_rss(100_000, RSS_CYCLES)
    assert r1 - r0 < 1 << 20, f"RSS grew by {(r1 - r0) / 1024:.0f} KiB over {RSS_CYCLES} cycles"


# --------------------------------------------------------------------------
# (c) caches bounded under key churn
# --------------------------------------------------------------------------


def test_hmac_cache_bounded_under_key_churn():
    payload = {"sub": "x"}
    sizes = []
    for i in range(10_000):
        key = f"secret-{i:06d}-" + "x" * 24
        tok = jwt.encode({"sub": "x", "i": i}, key, algorithm="HS256")
        assert jwt.decode(tok, key, algorithms=["HS256"]) == {"sub": "x", "i": i}
        if i % 97 == 0:
            # the previous key must not verify this key's token
            prev = f"secret-{i - 1:06d}-" + "x" * 24
            with pytest.raises(jwt.InvalidSignatureError):
                jwt.decode(tok, prev, algorithms=["HS256"])
        sizes.append(_native._hmac_cache_size())
    assert max(sizes) <= HMAC_CACHE_BOUND, max(sizes)
    # bytes keys of several lengths, too
    for i in range(2_000):
        key = os.urandom(16 + i % 100)
        tok = jwt.encode(payload, key, algorithm="HS512")
        assert jwt.decode(tok, key, algorithms=["HS512"]) == payload
    assert _native._hmac_cache_size() <= HMAC_CACHE_BOUND


def _ec_pems(n):
    out = []
    for _ in range(n):
        k = ec.generate_private_key(ec.SECP256R1())
        priv = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()
        pub = k.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        out.append((priv, pub))
    return out


def test_pk_cache_bounded_under_key_churn():
    pems = _ec_pems(300)
    for rnd in range(2):
        for i, (priv, pub) in enumerate(pems):
            tok = jwt.encode({"i": i, "r": rnd}, priv, algorithm="ES256")
            assert jwt.decode(tok, pub, algorithms=["ES256"]) == {"i": i, "r": rnd}
            other = pems[(i + 1) % len(pems)][1]
            with pytest.raises(jwt.InvalidSignatureError):
                jwt.decode(tok, other, algorithms=["ES256"])
            assert _native._pk_cache_size() <= PK_CACHE_BOUND
    assert _native._pk_cache_size() <= PK_CACHE_BOUND


CHURN_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import pyjwt_fast as jwt
    from pyjwt_fast import _native
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    pems = []
    for _ in range(300):
        k = ec.generate_private_key(ec.SECP256R1())
        pems.append((
            k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode(),
            k.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()))
    def churn(rnd):
        for i in range(10_000):
            key = "churn-%d-%06d-" % (rnd, i) + "y" * 24
            tok = jwt.encode({"i": i}, key, algorithm="HS256")
            assert jwt.decode(tok, key, algorithms=["HS256"]) == {"i": i}
        for i, (priv, pub) in enumerate(pems):
            tok = jwt.encode({"i": i}, priv, algorithm="ES256")
            assert jwt.decode(tok, pub, algorithms=["ES256"]) == {"i": i}
    churn(0); churn(1)
    r0 = rss()
    for rnd in range(2, 7):
        churn(rnd)
    r1 = rss()
    print(r0, r1, _native._hmac_cache_size(), _native._pk_cache_size())
    """
)


def test_rss_bounded_under_key_churn():
    out = subprocess.run([sys.executable, "-c", CHURN_SCRIPT], capture_output=True, text=True,
                         check=True, cwd=str(REPO)).stdout.split()
    r0, r1, hsize, psize = map(int, out)
    assert hsize <= HMAC_CACHE_BOUND and psize <= PK_CACHE_BOUND
    # 5 more rounds of 10,000 HMAC keys + 300 PEM keys: a per-key leak of even
    # 100 bytes would be ~5 MB; bounded caches stay flat.
    assert r1 - r0 < 2 << 20, f"RSS grew by {(r1 - r0) / 1024:.0f} KiB under key churn"
