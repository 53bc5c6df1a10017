"""The per-input check of fuzz_decode (csrc/fuzz/fuzz_decode.c calls check()).

Input format (the first byte is a control byte, the rest is the body):

  control bit 0     0: raw-token mode, the body is the token
                    1: structured mode, the body is HEADER_JSON ~~~ PAYLOAD_JSON
                       (no '~~~': the body is the payload under the header
                       {"alg":"HS256","typ":"JWT"}); the harness signs
                       base64url(header) . base64url(payload) with HMAC under
                       KEY, so the input reaches JSON parsing and claim
                       validation after a valid MAC
  bits 1-3          keyword-argument variant, VARIANTS[i] (audience, issuer,
                    subject, leeway, require, strict_aud, decode_complete)
  bits 4-5          structured: 0 HMAC-SHA-256, 1 ES256 (P-256 key EC_KEY, RFC 6979
                    deterministic signature, verified with its PEM public key and
                    algorithms + ["ES256"]; skipped to HMAC without cryptography),
                    2 HMAC-SHA-384, 3 HMAC-SHA-512
                    raw: bit 4 passes the token as str (surrogateescape), not bytes;
                    bit 5 verifies with the ES256 PEM public key and algorithms +
                    ["ES256"] instead of the HMAC secret
  bit 6             structured: '=' padding on every segment whose length allows
  bit 7             structured: one bit of the MAC / signature flipped

Each input runs, on pyjwt_fast (the instrumented C extension) and on PyJWT
2.15.1 (installed as `jwt`, the oracle), with warnings recorded:
  1. decode(token, KEY, algorithms=..., **variant)  (decode_complete for some
     variants; the returned header is then mutated, to catch a shared cached
     header)
  2. get_unverified_header(token)
  3. decode(token, options={"verify_signature": False})
and compares the outcomes. What counts as a finding depends on PJF_FUZZ_ORACLE:
  crash  pyjwt_fast raised an exception that is not a PyJWTError and PyJWT did
         not raise the same class on the same input
  class  the above, or: one returned and the other raised, different exception
         classes, different return values (exact: types, dict order, float bits),
         different warning categories
  full   (default) the above, or different exception messages / warning texts
check() returns None, or a text that names the finding (the harness aborts).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import sys
import warnings

import jwt as pyjwt
import pyjwt_fast

LEVEL = os.environ.get("PJF_FUZZ_ORACLE", "full")
if LEVEL not in ("crash", "class", "full"):
    raise SystemExit(f"PJF_FUZZ_ORACLE must be crash, class or full, not {LEVEL!r}")

KEY = bytes(range(0x41, 0x41 + 32))  # fixed 32-byte HMAC secret
SEP = b"~~~"
DEFAULT_HEADER = b'{"alg":"HS256","typ":"JWT"}'
DIGESTS = [
    ("HS256", hashlib.sha256),
    ("ES256", None),
    ("HS384", hashlib.sha384),
    ("HS512", hashlib.sha512),
]

# (algorithms, kwargs, use decode_complete)
VARIANTS = [
    (["HS256"], {}, False),
    (["HS256"], {"audience": "urn:a"}, False),
    (["HS256", "HS384", "HS512"], {"audience": ["urn:a", "urn:b"], "issuer": "urn:i"}, True),
    (["HS256"], {"issuer": ["urn:i", "urn:j"], "subject": "s", "leeway": 10}, False),
    (["HS256", "HS512"],
     {"options": {"require": ["exp", "iat", "nbf", "aud", "iss", "sub", "jti"]}}, True),
    (["HS256"], {"options": {"verify_exp": False, "verify_iat": False}, "audience": "urn:a"}, False),
    (["HS256", "HS384"], {"options": {"strict_aud": True}, "audience": "urn:a"}, False),
    (["HS256"], {"leeway": __import__("datetime").timedelta(seconds=30),
                 "options": {"verify_aud": False, "verify_signature": True}}, True),
]

assert pyjwt.__version__ == "2.15.1", pyjwt.__version__
try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    EC_KEY = ec.derive_private_key(0x5EED_F00D_CAFE_BABE_1234_5678_9ABC_DEF0, ec.SECP256R1())
    EC_PUB_PEM = EC_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    EC_SIG = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
except (ImportError, TypeError):  # no cryptography, or one without RFC 6979
    EC_KEY = None


def es256_sign(msg: bytes) -> bytes:
    r, s_ = decode_dss_signature(EC_KEY.sign(msg, EC_SIG))
    return r.to_bytes(32, "big") + s_.to_bytes(32, "big")


if os.environ.get("PJF_FUZZ_HARNESS") == "1":
    assert pyjwt_fast._native.__spec__.origin == "built-in", (
        "pyjwt_fast._native is not the instrumented built-in copy: "
        + repr(pyjwt_fast._native.__spec__))


def b64(b: bytes) -> bytes:
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def pad(seg: bytes) -> bytes:
    return seg + b"=" * (-len(seg) % 4) if len(seg) % 4 != 1 else seg


def build(data: bytes):
    """(token, key, algorithms, kwargs, complete) for one fuzz input."""
    if not data:
        return b"", KEY, ["HS256"], {}, False
    ctl, body = data[0], data[1:]
    algorithms, kwargs, complete = VARIANTS[(ctl >> 1) & 7]
    if not ctl & 1:
        token = body.decode("utf-8", "surrogateescape") if ctl & 0x10 else body
        if ctl & 0x20 and EC_KEY is not None:
            return token, EC_PUB_PEM, algorithms + ["ES256"], kwargs, complete
        return token, KEY, algorithms, kwargs, complete
    header, sep, payload = body.partition(SEP)
    if not sep:
        header, payload = DEFAULT_HEADER, body
    alg, digest = DIGESTS[(ctl >> 4) & 3]
    h, p = b64(header), b64(payload)
    key = KEY
    if alg == "ES256" and EC_KEY is not None:
        key, algorithms = EC_PUB_PEM, algorithms + ["ES256"]
        mac = bytearray(es256_sign(h + b"." + p))
    else:
        mac = bytearray(hmac.new(KEY, h + b"." + p, digest or hashlib.sha256).digest())
    if ctl & 0x80:
        mac[0] ^= 1
    s = b64(bytes(mac))
    if ctl & 0x40:
        h, p, s = pad(h), pad(p), pad(s)
    return h + b"." + p + b"." + s, key, algorithms, kwargs, complete


def same(a, b) -> bool:
    """Exact equality of decoded JSON values (and the bytes/dicts around them)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a.hex() == b.hex()
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def run(fn):
    """('ok', value, warnings) or ('exc', exception, warnings)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = ("ok", fn())
        except Exception as e:  # noqa: BLE001 - every exception is compared
            r = ("exc", e)
    return r + ([(x.category.__name__, str(x.message)) for x in w],)


def exc_key(e: BaseException):
    """Class identity across the two packages: PyJWT's classes by name."""
    t = type(e)
    if isinstance(e, (pyjwt_fast.PyJWTError, pyjwt.PyJWTError)):
        return ("PyJWTError", t.__name__)
    return ("builtin", t.__module__, t.__qualname__)


MAX_DEPTH = getattr(pyjwt_fast._native, "JSON_MAX_DEPTH", None)
DEEP_MSG = ("Invalid {} string: maximum recursion depth exceeded while decoding a JSON {} "
            "from a unicode string")


def first_too_deep(text: bytes) -> str | None:
    """'array' / 'object': the kind of the first container, outside strings,
    that opens at depth MAX_DEPTH + 1; None when none does."""
    depth, in_str, i = 0, False, 0
    while i < len(text):
        c = text[i]
        if in_str:
            if c == 0x5C:
                i += 1
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                return "array" if c == 0x5B else "object"
        elif c in (0x5D, 0x7D):
            depth -= 1
        i += 1
    return None


def documented_deep_divergence(token, val_m) -> bool:
    """docs/compat.md: JSON nested deeper than JSON_MAX_DEPTH in the header or
    payload is DecodeError("Invalid <segment> string: maximum recursion depth
    exceeded while decoding a JSON <kind> ...") from level MAX_DEPTH + 1 on,
    where PyJWT may still parse it."""
    if MAX_DEPTH is None or not isinstance(val_m, pyjwt_fast.DecodeError):
        return False
    if isinstance(token, str):
        token = token.encode("utf-8", "surrogateescape")
    parts = token.split(b".")
    if len(parts) < 3:
        return False
    for seg, name in ((parts[0], "header"), (b".".join(parts[1:-1]), "payload")):
        try:
            text = base64.urlsafe_b64decode(seg.rstrip(b"=") + b"=" * (-len(seg.rstrip(b"=")) % 4))
        except ValueError:
            continue
        kind = first_too_deep(text)
        if kind and str(val_m) == DEEP_MSG.format(name, kind):
            return True
    return False


def compare(what, mine, theirs, token=None) -> str | None:
    kind_m, val_m, warn_m = mine
    kind_t, val_t, warn_t = theirs
    if kind_m == "exc" and documented_deep_divergence(token, val_m):
        return None
    if kind_m == "exc" and not isinstance(val_m, pyjwt_fast.PyJWTError):
        if kind_t != "exc" or exc_key(val_m) != exc_key(val_t):
            return (f"{what}: pyjwt_fast raised {type(val_m).__name__}({val_m!s:.300}), "
                    f"PyJWT gave {kind_t} {type(val_t).__name__}({str(val_t):.300})")
    if LEVEL == "crash":
        return None
    if kind_m != kind_t:
        return (f"{what}: pyjwt_fast {kind_m} {type(val_m).__name__}({str(val_m):.300}), "
                f"PyJWT {kind_t} {type(val_t).__name__}({str(val_t):.300})")
    if kind_m == "exc":
        if exc_key(val_m) != exc_key(val_t):
            return (f"{what}: pyjwt_fast raised {type(val_m).__name__}({str(val_m):.300}), "
                    f"PyJWT raised {type(val_t).__name__}({str(val_t):.300})")
        if LEVEL == "full" and str(val_m) != str(val_t):
            return (f"{what}: {type(val_m).__name__} messages differ: "
                    f"pyjwt_fast {str(val_m)!r:.400} PyJWT {str(val_t)!r:.400}")
    elif not same(val_m, val_t):
        return f"{what}: values differ: pyjwt_fast {val_m!r:.400} PyJWT {val_t!r:.400}"
    cats_m, cats_t = [c for c, _ in warn_m], [c for c, _ in warn_t]
    if cats_m != cats_t:
        return f"{what}: warnings differ: pyjwt_fast {cats_m} PyJWT {cats_t}"
    if LEVEL == "full" and warn_m != warn_t:
        return f"{what}: warning texts differ: pyjwt_fast {warn_m!r:.400} PyJWT {warn_t!r:.400}"
    return None


def check(data: bytes) -> str | None:
    token, key, algorithms, kwargs, complete = build(data)

    def decode_with(mod):
        def call():
            if complete:
                r = mod.decode_complete(token, key, algorithms=algorithms, **kwargs)
                out = (r["header"], r["payload"], r["signature"])
                # a fresh header dict every time, even from the verified-header cache
                r["header"]["x-fuzz-mutated"] = True
                return out
            return mod.decode(token, key, algorithms=algorithms, **kwargs)
        return call

    problems = [
        compare("decode", run(decode_with(pyjwt_fast)), run(decode_with(pyjwt)), token),
        compare("get_unverified_header",
                run(lambda: pyjwt_fast.get_unverified_header(token)),
                run(lambda: pyjwt.get_unverified_header(token)), token),
        compare("decode(verify_signature=False)",
                run(lambda: pyjwt_fast.decode(token, options={"verify_signature": False})),
                run(lambda: pyjwt.decode(token, options={"verify_signature": False})), token),
    ]
    found = [p for p in problems if p]
    if found:
        return "; ".join(found) + f"; token={token!r:.600}"
    return None


def warm_up() -> None:
    """One pass over typical inputs at start-up, so that one-time allocations
    of lazily imported modules do not count as per-input leaks."""
    for ctl in range(256):
        check(bytes([ctl]) + b'{"alg":"HS256"}~~~{"exp":1,"aud":"urn:a"}')
        check(bytes([ctl]) + b"eyJhbGciOiJIUzI1NiJ9.e30.AAAA")
        check(bytes([ctl]) + b"..")


if __name__ == "__main__":
    # Replays inputs in pure Python against the installed extension:
    #   python csrc/fuzz/fuzz_decode_oracle.py FILE...
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            print(path, check(f.read()))
