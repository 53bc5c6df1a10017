#!/usr/bin/env python3
"""Public-key algorithms (RS, PS, ES, EdDSA) encode and decode: pyjwt_fast
against PyJWT 2.15.1 and against the bare cryptography call (the "floor").

    python benchmarks/bench_pubkey.py                  # full run, text table
    python benchmarks/bench_pubkey.py --quick          # a rough look
    python benchmarks/bench_pubkey.py --markdown       # the table for RESULTS.md
    python benchmarks/bench_pubkey.py --json out.json  # machine-readable results too
    python benchmarks/bench_pubkey.py --all            # every alg with all four rows

Rows: RS256, PS256, ES256 and EdDSA (Ed25519), encode and decode, each with
the key as a PEM string and as a cryptography key object; RS512, ES384 and
ES512 with a smaller set (encode with a key object, decode with both). Four
callables are timed per row, their batches interleaved (A, B, C, D, A, ...)
with per-callable calibrated batch sizes (PyJWT's RSA encode from a PEM
re-parses and checks the private key on each call: tens of ms):

  pyjwt_fast  `pyjwt_fast.encode(payload, key, algorithm=alg)` / `decode(token, key, algorithms=[alg])`
  PyJWT       the same line with `jwt`
  floor       the bare cryptography call PyJWT ends in, on the same signing
              input with the same key object: `key.sign(msg, padding, hash)`,
              `key.verify(sig, msg, ...)`; for ES the DER signature itself,
              `key.sign(msg, ECDSA(h))` / `key.verify(der_sig, msg, ECDSA(h))`
              (the DER <-> raw r||s conversion is the JWT library's work)
  C floor     pyjwt_fast's own sign / verify step alone,
              `pyjwt_fast._native.pk_sign(alg, key_obj, msg)` / `pk_verify(...)`:
              the same route as pyjwt_fast takes (the extension's libcrypto,
              or cryptography's for the key classes handed to it where that
              is a newer OpenSSL: P-384, P-521, Ed448, Ed25519 signing), so
              pyjwt_fast - C floor is the JWT work (JSON, base64url, claims,
              the call) exactly

Before anything is timed: tokens from each library verify under the other,
RS and EdDSA tokens are byte-identical, decode results equal the payload,
and each floor's signature verifies (RS / EdDSA: equals the token's).

    python benchmarks/bench_pubkey.py --callgrind      # instructions per op (valgrind)
    python benchmarks/bench_pubkey.py --loop rs256-decode-pem -n 2000 [--lib pyjwt|floor|cfloor]

This is a measurement, not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import base64
import gc
import itertools
import json
import os
import sys
import tempfile
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

import _benchlib as bl  # benchmarks/_benchlib.py: timing, machine info, callgrind
from _benchlib import Refused

# Measure the in-place build of this checkout, not an installed pyjwt_fast.
bl.ensure_repo_on_path()

import cryptography  # noqa: E402
import jwt as pyjwt  # noqa: E402  (the reference: PyJWT itself)
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import (  # noqa: E402
    decode_dss_signature,
    encode_dss_signature,
)

import pyjwt_fast  # noqa: E402

REFERENCE_PYJWT = "2.15.1"
ISSUER = "https://auth.example.com"

# alg -> (key name, family, hash, pyjwt_fast._native algorithm index, primary)
# The index is pyjwt_fast's pjf_pk_alg order (csrc/pkey.c); verify() checks
# that the C floor's signatures verify under PyJWT, so a wrong one refuses.
ALGS: Dict[str, Any] = {
    "RS256": ("rsa", "RS", hashes.SHA256, 0, True),
    "PS256": ("rsa", "PS", hashes.SHA256, 3, True),
    "ES256": ("p256", "ES", hashes.SHA256, 6, True),
    "EdDSA": ("ed25519", "Ed", None, 10, True),
    "RS512": ("rsa", "RS", hashes.SHA512, 2, False),
    "ES384": ("p384", "ES", hashes.SHA384, 7, False),
    "ES512": ("p521", "ES", hashes.SHA512, 8, False),
}
DETERMINISTIC = ("RS", "Ed")  # families whose tokens must be byte-identical

LIBS = ("pyjwt_fast", "pyjwt", "floor", "cfloor")
LABELS = {"pyjwt_fast": "pyjwt_fast", "pyjwt": "PyJWT", "floor": "floor", "cfloor": "C floor"}


def _payload(now: int) -> Dict[str, Any]:
    """bench_hmac.py's 5-claim payload: exp an hour ahead, iat a little in the past."""
    return {"sub": "1234567890", "name": "John Doe", "iat": now - 5, "exp": now + 3600, "iss": ISSUER}


def _b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


# ---------------------------------------------------------------- fixture


class Fixture:
    """Keys (generated once per run), the payload and the decode rows' tokens.
    A callgrind run writes it to a file so that every valgrind process
    measures the same keys, payload and signatures."""

    def __init__(self, now: int, keys: Dict[str, Any], tokens: Dict[str, str]):
        self.now = now
        self.payload = _payload(now)
        self.priv = keys  # key name -> private key object
        self.pub = {name: k.public_key() for name, k in keys.items()}
        self.priv_pem = {name: k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode()
                         for name, k in keys.items()}
        self.pub_pem = {name: k.public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()
                        for name, k in self.pub.items()}
        # Decode rows decode a token PyJWT made (for ES and PS, whose
        # signatures are randomised, that one token, for both libraries).
        self.tokens = tokens or {alg: pyjwt.encode(self.payload, keys[spec[0]], algorithm=alg)
                                 for alg, spec in ALGS.items()}

    @classmethod
    def generate(cls) -> "Fixture":
        keys = {
            "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "p256": ec.generate_private_key(ec.SECP256R1()),
            "p384": ec.generate_private_key(ec.SECP384R1()),
            "p521": ec.generate_private_key(ec.SECP521R1()),
            "ed25519": ed25519.Ed25519PrivateKey.generate(),
        }
        return cls(int(time.time()), keys, {})

    def dump(self, path: str) -> None:
        with open(path, "w") as f:
            json.dump({"now": self.now, "keys": self.priv_pem, "tokens": self.tokens}, f)

    @classmethod
    def load(cls, path: str) -> "Fixture":
        with open(path) as f:
            d = json.load(f)
        # Already checked by the run that wrote them: skip the RSA key check
        # (slow, and even slower under valgrind).
        keys = {name: serialization.load_pem_private_key(pem.encode(), None, unsafe_skip_rsa_key_validation=True)
                for name, pem in d["keys"].items()}
        return cls(d["now"], keys, d["tokens"])


# ---------------------------------------------------------------- rows


class Row:
    """One line of the table: alg x encode/decode x key as PEM / key object."""

    def __init__(self, alg: str, kind: str, keyform: str, default: bool):
        self.alg, self.kind, self.keyform, self.default = alg, kind, keyform, default
        form = "PEM" if keyform == "pem" else "key object"
        self.name = f"{alg} {kind}, {form}"
        self.slug = f"{alg.lower()}-{kind}-{keyform}"


def _all_rows() -> List[Row]:
    rows = []
    for alg, (_, _, _, _, primary) in ALGS.items():
        for kind in ("encode", "decode"):
            for keyform in ("pem", "obj"):
                default = primary or not (kind == "encode" and keyform == "pem")
                rows.append(Row(alg, kind, keyform, default))
    return rows


def _sig_params(alg: str) -> tuple:
    """The extra arguments of cryptography's sign / verify, built once."""
    _, family, h, _, _ = ALGS[alg]
    if family == "RS":
        return (padding.PKCS1v15(), h())
    if family == "PS":
        return (padding.PSS(mgf=padding.MGF1(h()), salt_length=h().digest_size), h())
    if family == "ES":
        return (ec.ECDSA(h()),)
    return ()


def _raw_to_der(raw: bytes) -> bytes:
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))


def make(fx: Fixture, row: Row, lib: str) -> Callable[[], Any]:
    """The zero-argument closure timed for `lib` on `row`: the line an
    application writes, with the function and all arguments bound
    beforehand (closures, not functools.partial, which copies its keyword
    dict on each call)."""
    alg = row.alg
    keyname, family, _, idx, _ = ALGS[alg]
    payload, token, algorithms = fx.payload, fx.tokens[alg], [alg]
    if lib in ("pyjwt_fast", "pyjwt"):
        mod = pyjwt_fast if lib == "pyjwt_fast" else pyjwt
        if row.kind == "encode":
            encode = mod.encode
            key = fx.priv_pem[keyname] if row.keyform == "pem" else fx.priv[keyname]
            return lambda: encode(payload, key, algorithm=alg)
        decode = mod.decode
        key = fx.pub_pem[keyname] if row.keyform == "pem" else fx.pub[keyname]
        return lambda: decode(token, key, algorithms=algorithms)

    # The floors: the same signing input, the same key object, PEM row or not.
    if row.kind == "encode":
        msg = signing_input(fx, alg).encode()
    else:
        msg = token.rsplit(".", 1)[0].encode()
    raw_sig = _b64d(token.rsplit(".", 1)[1])
    if lib == "floor":
        params = _sig_params(alg)
        if row.kind == "encode":
            sign = fx.priv[keyname].sign
            if family == "Ed":
                return lambda: sign(msg)
            if family == "ES":
                (sigalg,) = params
                return lambda: sign(msg, sigalg)
            pad, h = params
            return lambda: sign(msg, pad, h)
        verify = fx.pub[keyname].verify
        if family == "Ed":
            return lambda: verify(raw_sig, msg)
        if family == "ES":
            der_sig = _raw_to_der(raw_sig)
            (sigalg,) = params
            return lambda: verify(der_sig, msg, sigalg)
        pad, h = params
        return lambda: verify(raw_sig, msg, pad, h)
    if lib == "cfloor":
        native = pyjwt_fast._native
        if row.kind == "encode":
            pk_sign, key = native.pk_sign, fx.priv[keyname]
            return lambda: pk_sign(idx, key, msg)
        pk_verify, key = native.pk_verify, fx.pub[keyname]
        return lambda: pk_verify(idx, key, msg, raw_sig)
    raise ValueError(lib)


_SIGNING_INPUT: Dict[str, str] = {}


def signing_input(fx: Fixture, alg: str) -> str:
    """header.payload of the token pyjwt_fast makes (verify() checks PyJWT's is the same)."""
    if alg not in _SIGNING_INPUT:
        key = fx.priv[ALGS[alg][0]]
        _SIGNING_INPUT[alg] = pyjwt_fast.encode(fx.payload, key, algorithm=alg).rsplit(".", 1)[0]
    return _SIGNING_INPUT[alg]


def has_cfloor() -> bool:
    native = pyjwt_fast._native
    return hasattr(native, "pk_sign") and hasattr(native, "pk_verify")


# ---------------------------------------------------------------- checks


def check_libraries() -> None:
    bl.check_libraries(pyjwt, pyjwt_fast, REFERENCE_PYJWT)


def verify(fx: Fixture, rows: List[Row], libs: List[str]) -> List[str]:
    """Every row's callables once, and the tokens' agreement, before timing.
    Returns notes (not failures); raises Refused on a disagreement."""
    problems: List[str] = []
    notes: List[str] = []
    native = pyjwt_fast._native
    if hasattr(native, "pk_info") and getattr(native, "_pk_cache_size", lambda: -1)() == 0:
        # Nothing has shown pyjwt_fast a key yet: is a key object, as an
        # application's first key, taken by the C core?
        if native.pk_info(fx.pub["p256"]) is None:
            native.pk_info(fx.pub_pem["p256"])
            if native.pk_info(fx.pub["p256"]) is not None:
                notes.append("a cryptography key object given to pyjwt_fast before any PEM / DER key is not "
                             "taken by the C core (it runs the Python fallback) until a bytes or str key has "
                             "been seen; the key-object rows here run after the PEM checks, on the C path")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a key-length or deprecation warning is a failure
        # Tokens from each library verify under the other (with the key as
        # PEM and as object); RS and EdDSA tokens are byte-identical.
        for alg in sorted({r.alg for r in rows}, key=list(ALGS).index):
            keyname, family = ALGS[alg][:2]
            try:
                for form in ("pem", "obj"):
                    priv = fx.priv_pem[keyname] if form == "pem" else fx.priv[keyname]
                    fast_tok = pyjwt_fast.encode(fx.payload, priv, algorithm=alg)
                    ref_tok = pyjwt.encode(fx.payload, priv, algorithm=alg)
                    if family in DETERMINISTIC and fast_tok != ref_tok:
                        problems.append(f"{alg} ({form}): tokens differ:\n    {fast_tok}\n    {ref_tok}")
                    if fast_tok.rsplit(".", 1)[0] != ref_tok.rsplit(".", 1)[0]:
                        problems.append(f"{alg} ({form}): signing inputs differ")
                    if pyjwt.get_unverified_header(fast_tok) != {"alg": alg, "typ": "JWT"}:
                        problems.append(f"{alg} ({form}): header {pyjwt.get_unverified_header(fast_tok)!r}")
                    for pub in (fx.pub_pem[keyname], fx.pub[keyname]):
                        for who, tok, dec in (("pyjwt_fast token, PyJWT decode", fast_tok, pyjwt.decode),
                                              ("PyJWT token, pyjwt_fast decode", ref_tok, pyjwt_fast.decode)):
                            got = dec(tok, pub, algorithms=[alg])
                            if got != fx.payload:
                                problems.append(f"{alg} ({form}): {who} gave {got!r}")
                if fx.tokens[alg].rsplit(".", 1)[0] != signing_input(fx, alg):
                    problems.append(f"{alg}: decode rows' token has another signing input")
            except Exception as exc:  # noqa: BLE001 - reported, then refused
                problems.append(f"{alg}: raised {type(exc).__name__}: {exc}")
        # Does pyjwt_fast take these keys in C (else it falls back to its
        # Python layer, a legitimate but slower path worth knowing about)?
        info = getattr(pyjwt_fast._native, "pk_info", None)
        if info is not None:
            for keyname in sorted({ALGS[r.alg][0] for r in rows}):
                for what, k in (("private PEM", fx.priv_pem[keyname]), ("public PEM", fx.pub_pem[keyname]),
                                ("private key object", fx.priv[keyname]), ("public key object", fx.pub[keyname])):
                    if info(k) is None:
                        notes.append(f"pyjwt_fast's C core does not take the {keyname} {what}: "
                                     "its rows measure the Python fallback")
        # Each row's callables.
        for row in rows:
            alg = row.alg
            keyname, family = ALGS[alg][:2]
            try:
                out = {lib: make(fx, row, lib)() for lib in libs}
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{row.name}: raised {type(exc).__name__}: {exc}")
                continue
            si = signing_input(fx, alg)
            token_sig = _b64d(fx.tokens[alg].rsplit(".", 1)[1])
            if row.kind == "encode":
                for lib in ("pyjwt_fast", "pyjwt"):
                    back = pyjwt.decode(out[lib], fx.pub[keyname], algorithms=[alg])
                    if out[lib].rsplit(".", 1)[0] != si or back != fx.payload:
                        problems.append(f"{row.name}: {lib}'s token {out[lib]!r} round-trips to {back!r}")
                if family in DETERMINISTIC and out["pyjwt_fast"] != out["pyjwt"]:
                    problems.append(f"{row.name}: tokens differ")
                # The floors' signatures, spliced into the token, verify under PyJWT.
                sigs = {"floor": out["floor"]}
                if family == "ES":  # cryptography gives DER; the token carries r || s
                    r, s = decode_dss_signature(out["floor"])
                    half = len(token_sig) // 2
                    sigs["floor"] = r.to_bytes(half, "big") + s.to_bytes(half, "big")
                if "cfloor" in out:
                    sigs["cfloor"] = out["cfloor"]
                for lib, sig in sigs.items():
                    if not isinstance(sig, bytes):
                        problems.append(f"{row.name}: {lib} gave {sig!r}")
                        continue
                    try:
                        pyjwt.decode(si + "." + _b64e(sig), fx.pub[keyname], algorithms=[alg])
                    except Exception as exc:  # noqa: BLE001
                        problems.append(f"{row.name}: {lib}'s signature does not verify: {exc}")
                    if family in DETERMINISTIC and sig != _b64d(out["pyjwt"].rsplit(".", 1)[1]):
                        problems.append(f"{row.name}: {lib}'s signature is not the token's")
            else:
                for lib in ("pyjwt_fast", "pyjwt"):
                    if out[lib] != fx.payload:
                        problems.append(f"{row.name}: {lib} decoded {out[lib]!r}")
                if out["floor"] is not None:  # cryptography's verify returns None or raises
                    problems.append(f"{row.name}: floor verify returned {out['floor']!r}")
                if "cfloor" in out and out["cfloor"] is not True:
                    problems.append(f"{row.name}: C floor verify returned {out['cfloor']!r}")
    if problems:
        raise Refused("pyjwt_fast and PyJWT disagree, nothing timed:\n  " + "\n  ".join(problems))
    return notes


# ---------------------------------------------------------------- timing


def measure(fx: Fixture, row: Row, libs: List[str], repeats: int, target: float, warmup: float,
            clock: str = "wall") -> Dict[str, Any]:
    fns = {lib: make(fx, row, lib) for lib in libs}
    stats = bl.time_interleaved(fns, repeats, target, warmup, bl.CLOCKS[clock])  # A, B, C, D, A, B, ...
    fast = stats["pyjwt_fast"]
    res: Dict[str, Any] = {"row": row.name, "slug": row.slug, "alg": row.alg, "kind": row.kind,
                           "key": row.keyform, **stats}
    res["ratio"] = stats["pyjwt"]["median"] / fast["median"]
    res["paired_ratio_q1"], res["paired_ratio_q3"] = bl.paired_iqr(stats["pyjwt"]["samples"], fast["samples"])
    for floor in ("floor", "cfloor"):
        if floor in stats:
            res[f"fast_over_{floor}"] = fast["median"] / stats[floor]["median"]
            res[f"fast_over_{floor}_q1"], res[f"fast_over_{floor}_q3"] = bl.paired_iqr(
                fast["samples"], stats[floor]["samples"])
            res[f"overhead_vs_{floor}_us"] = (fast["median"] - stats[floor]["median"]) * 1e6
    return res


# ---------------------------------------------------------------- output


def _t(seconds: float) -> str:
    if seconds >= 0.01:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 0.001:
        return f"{seconds * 1e3:.2f} ms"
    return bl.fmt_time(seconds)


def _clock_note(settings: Dict[str, Any]) -> str:
    return "; clock: process CPU time" if settings.get("clock") == "cpu" else ""


def _us(x: float) -> str:
    return f"{x:+.1f} µs" if abs(x) < 100 else f"{x:+.0f} µs"


def print_text(info: Dict[str, Any], results: List[Dict[str, Any]], settings: Dict[str, Any],
               notes: List[str]) -> None:
    bl.print_info_text(info)
    print(f"{'method:':22} {settings['repeats']} interleaved repeats per callable and row, "
          f"batches of ~{settings['batch_ms']:.0f} ms; median per op, IQR{_clock_note(settings)}")
    print()
    cf = any("cfloor" in r for r in results)
    head = (f"{'operation':25} {'pyjwt_fast':>10} {'IQR':>8}  {'PyJWT':>10} {'IQR':>8} {'PyJWT/fast':>10}  "
            f"{'floor':>10} {'IQR':>8} {'fast/floor':>15} {'fast-floor':>11}")
    if cf:
        head += f"  {'C floor':>10} {'fast-C floor':>12}"
    print(head)
    print("-" * len(head))
    for r in results:
        f, p, fl = r["pyjwt_fast"], r["pyjwt"], r["floor"]
        line = (f"{r['row']:25} {_t(f['median']):>10} {_t(f['iqr']):>8}  {_t(p['median']):>10} {_t(p['iqr']):>8} "
                f"{r['ratio']:>9.1f}x  {_t(fl['median']):>10} {_t(fl['iqr']):>8} "
                f"{r['fast_over_floor']:>5.2f}x {r['fast_over_floor_q1']:.2f}-{r['fast_over_floor_q3']:.2f} "
                f"{_us(r['overhead_vs_floor_us']):>11}")
        if cf:
            line += f"  {_t(r['cfloor']['median']):>10} {_us(r['overhead_vs_cfloor_us']):>12}"
        print(line)
    print()
    print("PyJWT/fast = PyJWT median / pyjwt_fast median; fast/floor = pyjwt_fast median / floor median,\n"
          "then the IQR of the per-repeat ratios; fast-floor = difference of the medians. floor = the bare\n"
          "cryptography sign/verify (its own OpenSSL)" + ("; C floor = pyjwt_fast._native.pk_sign/pk_verify\n"
                                                          "alone (pyjwt_fast's OpenSSL)." if cf else "."))
    for n in notes:
        print(f"note: {n}")


def print_markdown(info: Dict[str, Any], results: List[Dict[str, Any]], settings: Dict[str, Any],
                   notes: List[str]) -> None:
    bl.print_info_markdown(info)
    print(f"- method: {settings['repeats']} interleaved repeats per callable and row, "
          f"batches of ~{settings['batch_ms']:.0f} ms calibrated per callable (timeit, GC off during a batch)"
          f"{_clock_note(settings)}")
    for n in notes:
        print(f"- note: {n}")
    print()
    cf = any("cfloor" in r for r in results)
    head = ("| operation | pyjwt_fast | IQR | PyJWT | IQR | PyJWT / pyjwt_fast | floor (cryptography) | IQR "
            "| pyjwt_fast / floor (paired IQR) | pyjwt_fast − floor |")
    sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if cf:
        head += " C floor (pk_*) | pyjwt_fast − C floor |"
        sep += " ---: | ---: |"
    print(head)
    print(sep)
    for r in results:
        f, p, fl = r["pyjwt_fast"], r["pyjwt"], r["floor"]
        line = (f"| {r['row']} | {_t(f['median'])} | {_t(f['iqr'])} | {_t(p['median'])} | {_t(p['iqr'])} | "
                f"**{r['ratio']:.1f}x** ({r['paired_ratio_q1']:.1f}-{r['paired_ratio_q3']:.1f}) | "
                f"{_t(fl['median'])} | {_t(fl['iqr'])} | "
                f"**{r['fast_over_floor']:.2f}x** ({r['fast_over_floor_q1']:.2f}-{r['fast_over_floor_q3']:.2f}) | "
                f"{_us(r['overhead_vs_floor_us'])} |")
        if cf:
            line += f" {_t(r['cfloor']['median'])} | {_us(r['overhead_vs_cfloor_us'])} |"
        print(line)


# ---------------------------------------------------------------- callgrind / loop


def run_loop(fx: Fixture, slug: str, n: int, lib: str) -> None:
    """No timing: call one row's operation n times (for callgrind / perf)."""
    row = {r.slug: r for r in _all_rows()}[slug]
    keyname = ALGS[row.alg][0]
    # The key cache as a timing run leaves it (verify() shows pyjwt_fast
    # these keys as PEM first): in a process whose first key is a key
    # object, pyjwt_fast's C core may not have allocated its cache yet.
    for pem in (fx.priv_pem[keyname], fx.pub_pem[keyname]):
        pyjwt_fast._native.pk_info(pem)
    fn = make(fx, row, lib)
    first = fn()  # first call outside the loop: lazy imports, key caches
    if lib == "cfloor" and first is None:
        raise Refused(f"{slug}: pyjwt_fast's C core did not take the key (pk_* returned None)")
    gc.disable()  # as inside a timed batch (timeit); PyJWT's PEM paths make cyclic garbage
    for _ in itertools.repeat(None, n):
        fn()


def count_instructions(fx: Fixture, slugs: List[str], libs: List[str], ns: List[int],
                       jobs: int = 2) -> List[Dict[str, Any]]:
    """Instructions per op under callgrind: whole-process counts at several
    loop lengths, differences taken. Every process loads the same keys,
    payload and tokens (a fixture file), so the counts repeat exactly."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fixture.json")
        fx.dump(path)
        jobs_list = [(lib, slug, n) for slug in slugs for lib in libs for n in ns]
        totals = bl.count_instructions(__file__, jobs_list, extra_args=["--fixture", path], jobs=jobs)
    results = []
    for slug in slugs:
        for lib in libs:
            results.append({"row": slug, "lib": lib, "n": ns, "totals": [totals[(lib, slug, n)] for n in ns],
                            "instructions_per_op": bl.per_op_counts(totals, lib, slug, ns)})
    return results


def print_instructions(results: List[Dict[str, Any]], markdown: bool) -> None:
    by_row: Dict[str, Dict[str, List[float]]] = {}
    for r in results:
        by_row.setdefault(r["row"], {})[r["lib"]] = r["instructions_per_op"]
    ns = results[0]["n"]
    pairs = ", ".join(f"n={a}..{b}" for a, b in zip(ns, ns[1:]))
    libs = list(next(iter(by_row.values())))
    if markdown:
        print("| operation | " + " | ".join(f"{LABELS[lib]} instructions/op" for lib in libs)
              + (" | pyjwt_fast − C floor |" if "cfloor" in libs else " |"))
        print("| --- |" + " ---: |" * (len(libs) + ("cfloor" in libs)))
    else:
        print(f"instructions per op (callgrind, whole process, {pairs}):")
    for row, counts in by_row.items():
        cells = [" / ".join(f"{x:,.0f}" for x in counts[lib]) for lib in libs]
        extra = []
        if "cfloor" in counts and "pyjwt_fast" in counts:
            extra = [f"{counts['pyjwt_fast'][-1] - counts['cfloor'][-1]:,.0f}"]
        if markdown:
            print(f"| {row} | " + " | ".join(cells + extra) + " |")
        else:
            print(f"  {row}")
            for lib, c in zip(libs, cells):
                print(f"    {LABELS[lib]:12} {c:>24}")
            if extra:
                print(f"    {'pyjwt_fast - C floor':22} {extra[0]:>14}")


# ---------------------------------------------------------------- main


def main(argv: Optional[List[str]] = None) -> int:
    all_rows = _all_rows()
    slugs = [r.slug for r in all_rows]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=None, help="batches per callable and row (default 15, --quick 5)")
    ap.add_argument("--batch-ms", type=float, default=None, help="target batch length (default 75, --quick 20)")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter batches: a rough look")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time batches with the process's CPU time instead of wall time (shared machines)")
    ap.add_argument("--json", metavar="OUT", help="also write machine-readable results to OUT")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (RESULTS.md)")
    ap.add_argument("--only", action="append", choices=slugs, metavar="SLUG",
                    help="time only this row (repeatable): ALG-encode|decode-pem|obj, e.g. rs256-decode-pem")
    ap.add_argument("--all", action="store_true", help="all four rows for RS512, ES384 and ES512 too")
    ap.add_argument("--no-cfloor", action="store_true", help="leave out the C floor column")
    ap.add_argument("--loop", choices=slugs, metavar="SLUG", help="no timing: run this row -n times")
    ap.add_argument("-n", type=int, default=1000, help="iterations for --loop")
    ap.add_argument("--lib", choices=LIBS, default="pyjwt_fast", help="callable for --loop")
    ap.add_argument("--fixture", help=argparse.SUPPRESS)  # keys / tokens file of a --callgrind run
    ap.add_argument("--callgrind", action="store_true",
                    help="no timing: instructions per op under valgrind --tool=callgrind "
                         "(rows from --only, default rs256-decode-pem and es256-decode-pem)")
    ap.add_argument("--callgrind-n", default="100,200,300",
                    help="loop lengths for --callgrind; per op = difference / length difference")
    ap.add_argument("--callgrind-libs", default=",".join(LIBS),
                    help="callables for --callgrind (default all four)")
    args = ap.parse_args(argv)

    try:
        check_libraries()
    except Refused as exc:
        print(f"bench_pubkey: refused: {exc}", file=sys.stderr)
        return 2
    fx = Fixture.load(args.fixture) if args.fixture else Fixture.generate()

    if args.loop:  # checked by the run that launched it (or by a plain run)
        try:
            run_loop(fx, args.loop, args.n, args.lib)
        except Refused as exc:
            print(f"bench_pubkey: {exc}", file=sys.stderr)
            return 2
        return 0

    libs = [lib for lib in LIBS if lib != "cfloor" or (has_cfloor() and not args.no_cfloor)]
    if args.only:
        rows = [r for r in all_rows if r.slug in args.only]
    elif args.callgrind:
        rows = [r for r in all_rows if r.slug in ("rs256-decode-pem", "es256-decode-pem")]
    else:
        rows = [r for r in all_rows if r.default or args.all]
    try:
        notes = verify(fx, rows, libs)
    except Refused as exc:
        print(f"bench_pubkey: refused: {exc}", file=sys.stderr)
        return 2

    if args.callgrind:
        ns = sorted(int(x) for x in args.callgrind_n.split(","))
        cg_libs = [lib for lib in args.callgrind_libs.split(",") if lib]
        if len(ns) < 2:
            ap.error("--callgrind-n needs at least two loop lengths")
        if any(lib not in libs for lib in cg_libs):
            ap.error(f"--callgrind-libs: choose from {', '.join(libs)}")
        try:
            counts = count_instructions(fx, [r.slug for r in rows], cg_libs, ns)
        except Refused as exc:
            print(f"bench_pubkey: {exc}", file=sys.stderr)
            return 2
        print_instructions(counts, args.markdown)
        if args.json:
            bl.write_json(args.json, {"machine": machine_info(), "callgrind": counts})
        return 0

    repeats = args.repeats or (5 if args.quick else 15)
    if repeats < 2:
        ap.error("--repeats must be at least 2")
    batch_ms = args.batch_ms or (20.0 if args.quick else 75.0)
    warmup = 0.05 if args.quick else 0.2
    clock = "cpu" if args.cpu_time else "wall"
    settings = {"repeats": repeats, "batch_ms": batch_ms, "warmup_s": warmup, "callables": libs, "clock": clock}

    info = machine_info()
    results = []
    for row in rows:
        print(f"  timing {row.name} ...", file=sys.stderr, flush=True)
        results.append(measure(fx, row, libs, repeats, batch_ms / 1000, warmup, clock))
    info["load average (end)"] = bl.load_average()

    (print_markdown if args.markdown else print_text)(info, results, settings, notes)
    if args.json:
        bl.write_json(args.json, {"machine": info, "settings": settings, "results": results})
    return 0


def machine_info() -> Dict[str, Any]:
    from cryptography.hazmat.backends.openssl import backend

    return bl.machine_info(pyjwt, pyjwt_fast, extra={
        "cryptography": cryptography.__version__,
        "openssl (cryptography)": backend.openssl_version_text(),
        "keys": "RSA 2048 (e=65537), P-256, P-384, P-521, Ed25519; generated for this run; "
                "PEM = PKCS#8 private / SubjectPublicKeyInfo public, as str",
    })


if __name__ == "__main__":
    sys.exit(main())
