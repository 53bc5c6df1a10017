#!/usr/bin/env python3
"""Python-level fuzz harness (atheris) for pyjwt_fast's decode API.

Each input drives one call of decode / decode_complete / get_unverified_header
with random arguments: the token (random bytes or str, or a structured token
built from random header/payload values and, for HS*, correctly signed so the
claim checks are reached), a key from a small set that includes wrong types,
an algorithms list, an options dict with random values, and audience / issuer /
subject / leeway of random types.

Finding (the harness raises, atheris stops and writes the crashing input):
  level "crash" (default): pyjwt_fast raised an exception that is not a
      pyjwt_fast.PyJWTError and PyJWT 2.15.1 (`jwt`, the oracle) did not raise
      the same class on the same arguments.
  level "class" (PJF_ATHERIS_ORACLE=class): also a different verdict (one
      returns, the other raises) or a different exception class name -- except
      for the stricter cases docs/compat.md documents (tokens over 16 MiB, JSON
      deeper than 256 levels).

Run (from the repository root, after `python setup.py build_ext --inplace`):

    nice -n 19 python csrc/fuzz/atheris_decode.py -max_total_time=300 -rss_limit_mb=4096 \\
        /tmp/atheris-corpus

Replay one input:  python csrc/fuzz/atheris_decode.py crash-<sha1>
The C extension is not coverage-instrumented here (libFuzzer coverage comes from
atheris' Python bytecode instrumentation of pyjwt_fast's Python layer); for
coverage-guided fuzzing of the C code see docs/fuzzing.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import warnings

import atheris

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, REPO)

# Coverage: pyjwt_fast's Python layer and PyJWT's (the oracle's branches track
# what the input exercises: claim checks, header checks, key handling), plus the
# harness' own generators (instrumented at the end of the file).
with atheris.instrument_imports(include=["pyjwt_fast", "jwt"]):
    import jwt as pyjwt  # the oracle
    import pyjwt_fast

LEVEL = os.environ.get("PJF_ATHERIS_ORACLE", "crash")
warnings.simplefilter("ignore")

SECRET = "fuzz-secret-" + "k" * 24
KEYDIR = os.path.join(REPO, "tests", "keys")


def _key(name):
    with open(os.path.join(KEYDIR, name)) as f:
        return f.read()


KEYS = [
    SECRET, SECRET.encode(), "short", b"", "", None, 0, 1.5, [], {}, ["x"],
    _key("p256_pub_spki.pem"), _key("rsa2048_pub_spki.pem"), _key("ed25519_pub_spki.pem"),
    _key("p256_pub.ssh"), _key("p256_pub_spki.pem").encode(), bytearray(b"k" * 32),
    "\ud800" * 8, "é" * 20,
]
ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "PS256", "ES256", "ES384", "ES512",
        "EdDSA", "ES256K", "none", "None", "NONE", "", "hs256", "HS256 "]
OPTION_NAMES = ["verify_signature", "verify_exp", "verify_nbf", "verify_iat", "verify_aud",
                "verify_iss", "verify_sub", "verify_jti", "require", "strict_aud",
                "enforce_minimum_key_length", "unknown"]
CLAIMS = ["exp", "nbf", "iat", "aud", "iss", "sub", "jti"]


def rand_scalar(fdp):
    k = fdp.ConsumeIntInRange(0, 13)
    if k == 0:
        return None
    if k == 1:
        return fdp.ConsumeBool()
    if k == 2:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 10))
    if k == 3:
        return fdp.ConsumeRegularFloat()
    if k == 4:
        return fdp.PickValueInList([float("nan"), float("inf"), -float("inf"), -0.0, 1e308])
    if k == 5:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))
    if k == 6:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 12))
    if k == 7:
        return fdp.PickValueInList(CLAIMS + ALGS + ["me", "svc", "aud1"])
    if k == 8:
        return fdp.ConsumeIntInRange(1_600_000_000, 2_000_000_000)
    if k == 9:
        return dt.timedelta(seconds=fdp.ConsumeIntInRange(-100, 100))
    if k == 10:
        return dt.datetime.fromtimestamp(fdp.ConsumeIntInRange(0, 2**32), tz=dt.timezone.utc)
    if k == 11:
        return 10 ** fdp.ConsumeIntInRange(0, 5000)
    if k == 12:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 6))  # may hold surrogates
    return object()


def rand_value(fdp, depth=0):
    k = fdp.ConsumeIntInRange(0, 5)
    if depth < 3 and k == 0:
        return [rand_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    if depth < 3 and k == 1:
        return tuple(rand_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 2)))
    if depth < 3 and k == 2:
        return {fdp.PickValueInList(CLAIMS + ["a", "b"]): rand_value(fdp, depth + 1)
                for _ in range(fdp.ConsumeIntInRange(0, 3))}
    return rand_scalar(fdp)


def rand_json_value(fdp, depth=0):
    """A value json.dumps can write (for headers/payloads)."""
    v = rand_value(fdp, depth)
    try:
        json.dumps(v)
        return v
    except (TypeError, ValueError):
        return fdp.ConsumeIntInRange(0, 2**40)


def b64(data: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def structured_token(fdp):
    alg = fdp.PickValueInList(ALGS) if fdp.ConsumeBool() else rand_json_value(fdp)
    header = {"alg": alg}
    for name in ("typ", "kid", "crit", "b64", "cty", "jku", "x5c"):
        if fdp.ConsumeIntInRange(0, 3) == 0:
            header[name] = rand_json_value(fdp)
    payload = {}
    for name in CLAIMS + ["x"]:
        if fdp.ConsumeBool():
            payload[name] = rand_json_value(fdp)
    if fdp.ConsumeIntInRange(0, 7) == 0:
        payload = rand_json_value(fdp)
    try:
        hb = json.dumps(header, separators=(",", ":")).encode()
        pb = json.dumps(payload, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        hb, pb = b'{"alg":"HS256"}', b"{}"
    if fdp.ConsumeIntInRange(0, 5) == 0:  # raw JSON-ish bytes instead
        pb = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
    signing_input = f"{b64(hb)}.{b64(pb)}"
    digest = {"HS384": hashlib.sha384, "HS512": hashlib.sha512}.get(alg if isinstance(alg, str)
                                                                     else "", hashlib.sha256)
    if fdp.ConsumeIntInRange(0, 3):
        sig = hmac.new(SECRET.encode(), signing_input.encode(), digest).digest()
    else:
        sig = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 80))
    tok = f"{signing_input}.{b64(sig)}"
    if fdp.ConsumeIntInRange(0, 7) == 0:
        tok = tok.replace(".", "=.") + "="
    return tok


def make_token(fdp):
    k = fdp.ConsumeIntInRange(0, 5)
    if k == 0:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 400))
    if k == 1:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 400))
    if k == 2:
        return rand_scalar(fdp)
    tok = structured_token(fdp)
    return tok.encode() if k == 3 else tok


def make_kwargs(fdp):
    kw = {}
    if fdp.ConsumeIntInRange(0, 9):
        if fdp.ConsumeIntInRange(0, 5):
            kw["algorithms"] = [fdp.PickValueInList(ALGS) for _ in range(fdp.ConsumeIntInRange(0, 3))]
        else:
            kw["algorithms"] = rand_value(fdp)
    if fdp.ConsumeBool():
        opts = {}
        for _ in range(fdp.ConsumeIntInRange(0, 4)):
            name = fdp.PickValueInList(OPTION_NAMES)
            if name == "require" and fdp.ConsumeBool():
                opts[name] = [fdp.PickValueInList(CLAIMS) for _ in range(fdp.ConsumeIntInRange(0, 3))]
            else:
                opts[name] = fdp.ConsumeBool() if fdp.ConsumeBool() else rand_value(fdp)
        kw["options"] = opts if fdp.ConsumeIntInRange(0, 9) else rand_value(fdp)
    for name in ("audience", "issuer", "subject", "leeway"):
        if fdp.ConsumeIntInRange(0, 2) == 0:
            if name == "leeway" and fdp.ConsumeBool():
                kw[name] = fdp.PickValueInList([0, 5, 10**12, -10, 1.5, dt.timedelta(seconds=30)])
            elif name in ("audience", "issuer") and fdp.ConsumeBool():
                v = fdp.PickValueInList(["me", "svc", "aud1", ["svc", "aud1"], ["me"], [], ("svc",)])
                kw[name] = v
            else:
                kw[name] = rand_value(fdp)
    return kw


def _outcome(fn, args, kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except RecursionError as e:  # never acceptable from pyjwt_fast; report below
        return ("err", e)
    except Exception as e:  # noqa: BLE001
        return ("err", e)


def _safe_repr(obj, limit=600):
    try:
        text = repr(obj)
    except Exception as e:  # noqa: BLE001 - ints beyond int_max_str_digits
        text = f"<repr failed: {type(e).__name__}>"
    return text[:limit]


def _stricter(exc) -> bool:
    msg = str(exc)
    return isinstance(exc, pyjwt_fast.DecodeError) and (
        "longer than the maximum" in msg or "maximum recursion depth exceeded" in msg)


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    which = fdp.ConsumeIntInRange(0, 2)
    token = make_token(fdp)
    if which == 2:
        fname, args, kwargs = "get_unverified_header", (token,), {}
    else:
        fname = "decode" if which == 0 else "decode_complete"
        key = fdp.PickValueInList(KEYS) if fdp.ConsumeIntInRange(0, 7) else rand_value(fdp)
        args = (token, key) if fdp.ConsumeIntInRange(0, 7) else (token,)
        kwargs = make_kwargs(fdp)
    try:
        f_args, f_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        o_args, o_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    except Exception:  # noqa: BLE001 - uncopyable (object()): share
        f_args, f_kwargs, o_args, o_kwargs = args, dict(kwargs), args, dict(kwargs)
    fast = _outcome(getattr(pyjwt_fast, fname), f_args, f_kwargs)
    if fast[0] == "ok" and LEVEL == "crash":
        return
    fexc = fast[1] if fast[0] == "err" else None
    if fexc is not None and isinstance(fexc, pyjwt_fast.PyJWTError) and LEVEL == "crash":
        return
    oracle = _outcome(getattr(pyjwt, fname), o_args, o_kwargs)
    oexc = oracle[1] if oracle[0] == "err" else None
    ctx = fname + _safe_repr((args, kwargs))
    if fexc is not None and not isinstance(fexc, pyjwt_fast.PyJWTError):
        if oexc is None or type(oexc) is not type(fexc) or isinstance(fexc, RecursionError):
            raise RuntimeError(
                f"FINDING: pyjwt_fast raised {type(fexc).__name__}: {str(fexc)[:300]}; "
                f"PyJWT: {type(oexc).__name__ if oexc else 'returned'}; {ctx}") from fexc
    if LEVEL == "class":
        if (fexc is None) != (oexc is None):
            if fexc is not None and _stricter(fexc):
                return
            raise RuntimeError(f"FINDING (verdict): pyjwt_fast {fast[0]} {_safe_repr(fexc, 200)}, "
                               f"PyJWT {oracle[0]} {_safe_repr(oexc, 200)}; {ctx}")
        if fexc is not None and type(fexc).__name__ != type(oexc).__name__:
            raise RuntimeError(f"FINDING (class): pyjwt_fast {_safe_repr(fexc, 200)}, PyJWT {_safe_repr(oexc, 200)}; "
                               f"{ctx}")


for _f in (rand_scalar, rand_value, rand_json_value, structured_token, make_token,
           make_kwargs, TestOneInput):
    globals()[_f.__name__] = atheris.instrument_func(_f)


def main():
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
