#!/usr/bin/env python3
"""pyjwt_fast, PyJWT 2.15.1 and every peer JWT library installable here, in
one run with interleaved repeats.

    python benchmarks/bench_peers.py --quick                  # a rough look (a few minutes)
    python benchmarks/bench_peers.py --cpu-time --markdown results.md --json results.json
    python benchmarks/chart.py results.json peers.png        # the chart for the README
    python benchmarks/bench_peers.py --list                   # libraries, versions, rows

Peers (see peers.py for each adapter's exact calls): joserfc, Authlib,
python-jose, jwcrypto, jwskate, python_jwt (Python over cryptography), and
oxyjwt, rsjwt, clasp-jwt, pyjosers, webtoken, jwk-key-manager (native cores
in Rust). Not benchmarked: pyjwt-rs (not installable here: sdist only, and
its build needs crates.io, which this machine cannot reach), ryjwt (no wheel
on the package index), rustoken (encodes and decodes only its own {id, exp}
tokens), tokenhmac (not a JWT library).

Rows: HS256, HS512, RS256, PS256, ES256, EdDSA x encode / decode x payload
small (5 claims), medium (20 claims, nested) and large (~4 KB of JSON) x key
form "obj" (each library's own pre-parsed key object, built once) and "pem"
(the PEM text on every call; for HMAC the raw secret). A library that cannot
do a row gets n/a with the reason in a footnote.

Fairness: every decode verifies the signature and checks exp (calling the
library's claim validation where it is a separate step), with the algorithms
restricted where the library allows. Before timing, each adapter passes a
gate: its tokens decode under PyJWT to the payload, it decodes PyJWT's and
pyjwt_fast's tokens to the payload, and it rejects a token with one flipped
signature byte. An adapter that fails is reported, not timed. It is also
checked (and noted, not failed) whether a decode rejects an expired token
and a token of another algorithm made with the same key.

Method: _benchlib's (README.md): per row, one closure per library, warm-up,
a batch size calibrated per closure, batches interleaved A, B, C, ...,
medians, IQR, ratios to PyJWT from the same run. This is a measurement, not
a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import base64
import fnmatch
import json
import secrets
import sys
import time
import warnings
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Tuple

import _benchlib as bl  # benchmarks/_benchlib.py: timing, machine info
from _benchlib import Refused

# Measure the in-place build of this checkout, not an installed pyjwt_fast.
bl.ensure_repo_on_path()

import cryptography  # noqa: E402
import jwt as pyjwt  # noqa: E402  (the reference: PyJWT itself)
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

import peers  # noqa: E402  (benchmarks/peers.py: the adapters)
from peers import AlgKeys, NotApplicable  # noqa: E402

try:
    import pyjwt_fast  # noqa: E402
except ImportError as _exc:  # e.g. the extension being rebuilt right now
    print(f"bench_peers: cannot import pyjwt_fast from {bl.REPO} ({_exc}); "
          "if the extension is being rebuilt, try again when it is done", file=sys.stderr)
    sys.exit(2)

REFERENCE_PYJWT = "2.15.1"
ISSUER = "https://auth.example.com"
ALGS = ("HS256", "HS512", "RS256", "PS256", "ES256", "EdDSA")
FAMILY = {"HS256": "HS", "HS512": "HS", "RS256": "RS", "PS256": "PS", "ES256": "ES", "EdDSA": "Ed"}
KINDS = ("encode", "decode")
PAYLOADS = ("small", "medium", "large")
FORMS = ("obj", "pem")
# Tokens a decode restricted to the first algorithm should refuse: another
# algorithm, the same key.
SIBLING = {"HS256": "HS512", "HS512": "HS256", "RS256": "PS256", "PS256": "RS256"}
NOISY = 0.10  # a cell whose IQR exceeds this share of its median is marked "~"


# ---------------------------------------------------------------- payloads


def make_payloads(now: int) -> Dict[str, Dict[str, Any]]:
    """small: bench_hmac.py's 5 claims; medium: 20 claims with nested
    objects and arrays (and some non-ASCII text); large: medium plus a list
    of entitlements, to about 4 KB of compact JSON. No aud (PyJWT's decode
    would then require an audience argument) and no nbf."""
    small = {"sub": "1234567890", "name": "John Doe", "iat": now - 5, "exp": now + 3600, "iss": ISSUER}
    medium = {
        **small,
        "email": "john.doe@example.com",
        "email_verified": True,
        "given_name": "Jürgen",
        "family_name": "Doe",
        "preferred_username": "jdoe",
        "locale": "de-DE",
        "zoneinfo": "Europe/Berlin",
        "updated_at": now - 86400,
        "scope": "openid profile email read:orders write:orders",
        "roles": ["admin", "editor", "viewer"],
        "groups": ["engineering", "platform", "on-call"],
        "org": {"id": 4711, "name": "Example Corp", "plan": "enterprise"},
        "address": {"street_address": "1 Main St", "locality": "Springfield", "postal_code": "12345",
                    "country": "US"},
        "permissions": [{"resource": "orders", "actions": ["read", "write"]},
                        {"resource": "invoices", "actions": ["read"]}],
        "session": {"sid": "4f1c2a9e-7b3d-4c5e-9a8f-0d1e2f3a4b5c", "amr": ["pwd", "otp"], "acr": "2",
                    "risk": 0.125},
    }
    assert len(medium) == 20
    large = dict(medium)
    entitlements: List[Dict[str, Any]] = []
    large["entitlements"] = entitlements
    i = 0
    while len(json.dumps(large, separators=(",", ":"))) < 4000:
        entitlements.append({"resource": f"service-{i % 7}/resource-{i:03d}",
                             "actions": ["read", "write", "delete"][: 1 + i % 3],
                             "quota": 1000 + 37 * i, "shared": i % 2 == 0})
        i += 1
    return {"small": small, "medium": medium, "large": large}


def payload_size(p: Dict[str, Any]) -> int:
    return len(json.dumps(p, separators=(",", ":")).encode())


# ---------------------------------------------------------------- keys, tokens


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_keys() -> Dict[str, AlgKeys]:
    """Generated once per run: a 64-byte secret (printable, so a library that
    takes the secret as str gets the same bytes), RSA 2048 (RS256 and
    PS256), P-256, Ed25519."""
    secret = secrets.token_urlsafe(48).encode()
    assert len(secret) == 64
    keys: Dict[str, AlgKeys] = {}
    oct_jwk = {"kty": "oct", "k": _b64u(secret)}
    for alg in ("HS256", "HS512"):
        keys[alg] = AlgKeys(alg, "HS", secret, secret, secret.decode(), secret.decode(), oct_jwk, oct_jwk)
    pairs: Dict[str, Any] = {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
    }
    algos = pyjwt.algorithms.get_default_algorithms()
    for alg, name in (("RS256", "rsa"), ("PS256", "rsa"), ("ES256", "p256"), ("EdDSA", "ed25519")):
        priv = pairs[name]
        pub = priv.public_key()
        priv_pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode()
        pub_pem = pub.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        to_jwk = algos[alg].to_jwk
        keys[alg] = AlgKeys(alg, FAMILY[alg], priv, pub, priv_pem, pub_pem,
                            to_jwk(priv, as_dict=True), to_jwk(pub, as_dict=True))
    return keys


def flip_signature_byte(token: str) -> str:
    head, sig = token.rsplit(".", 1)
    raw = bytearray(_b64d(sig))
    raw[len(raw) // 2] ^= 0x01
    return head + "." + _b64u(bytes(raw))


class Fixture:
    """Keys, payloads and the tokens the gate and the decode rows use. Decode
    rows time PyJWT's token (for ES and PS, whose signatures are randomised,
    every library verifies that same one)."""

    def __init__(self) -> None:
        self.now = int(time.time())
        self.keys = make_keys()
        self.payloads = make_payloads(self.now)
        self.ref: Dict[Tuple[str, str], str] = {}
        self.fast: Dict[Tuple[str, str], str] = {}
        for alg in ALGS:
            k = self.keys[alg]
            for p, payload in self.payloads.items():
                self.ref[alg, p] = pyjwt.encode(payload, k.priv, algorithm=alg)
                self.fast[alg, p] = pyjwt_fast.encode(payload, k.priv, algorithm=alg)
        small = self.payloads["small"]
        self.expired = {alg: pyjwt.encode({**small, "iat": self.now - 7200, "exp": self.now - 3600},
                                          self.keys[alg].priv, algorithm=alg) for alg in ALGS}
        self.sibling = {alg: pyjwt.encode(small, self.keys[alg].priv, algorithm=other)
                        for alg, other in SIBLING.items()}


# ---------------------------------------------------------------- rows


class Row:
    def __init__(self, alg: str, kind: str, payload: str, form: str):
        self.alg, self.kind, self.payload, self.form = alg, kind, payload, form
        self.slug = f"{alg.lower()}-{kind}-{payload}-{form}"
        self.form_label = "object" if form == "obj" else ("secret" if alg.startswith("HS") else "PEM")
        self.name = f"{alg} {kind}, {payload}, {self.form_label}"
        self.short = f"{alg} {kind[:3]} {payload[:3]} {self.form_label[:3]}"


ALL_ROWS = [Row(a, k, p, f) for a in ALGS for k in KINDS for p in PAYLOADS for f in FORMS]


def select_rows(patterns: Optional[List[str]]) -> List[Row]:
    if not patterns:
        return list(ALL_ROWS)
    pats = [p.strip().lower() for arg in patterns for p in arg.split(",") if p.strip()]
    rows = [r for r in ALL_ROWS if any(fnmatch.fnmatchcase(r.slug, p) for p in pats)]
    if not rows:
        raise SystemExit(f"bench_peers: --rows {','.join(pats)} matches no row (slugs look like "
                         "hs256-encode-small-obj, es256-decode-large-pem; globs allowed)")
    return rows


# ---------------------------------------------------------------- stdout, warnings


class _Sink:
    """Takes what a library prints (webtoken's encode prints on every call):
    counts it during the gate, swallows it during timing."""

    def __init__(self) -> None:
        self.text: List[str] = []
        self.keep = True

    def write(self, s: str) -> int:
        if self.keep and len(self.text) < 10:
            self.text.append(s)
        return len(s)

    def flush(self) -> None:
        pass


class Gate:
    """The correctness gate, before any timing. Per (library, row): n/a (the
    library cannot), failed (with why), or the closure to time. Notes collect
    what is worth knowing but not disqualifying."""

    def __init__(self, fx: Fixture, adapters: Dict[str, peers.Adapter]):
        self.fx, self.adapters = fx, adapters
        self.na: Dict[Tuple[str, str], str] = {}  # (lib, row slug) -> reason
        self.failed: Dict[Tuple[str, str], str] = {}
        self.ok: Dict[Tuple[str, str], Callable[[], Any]] = {}
        self.lib_notes: Dict[str, List[str]] = {}
        self.no_exp: Dict[str, List[str]] = {}  # lib -> "alg form" whose decode took an expired token
        self._checked_extra: set = set()

    def note(self, lib: str, text: str) -> None:
        notes = self.lib_notes.setdefault(lib, [])
        if text not in notes:
            notes.append(text)

    def _call(self, lib: str, what: str, fn: Callable[[], Any]) -> Any:
        """Run fn once, recording what it prints and warns."""
        sink = _Sink()
        old = sys.stdout
        sys.stdout = sink
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                return fn()
        finally:
            sys.stdout = old
            if sink.text:
                self.note(lib, f"its {what} writes to stdout on every call ({''.join(sink.text)[:40]!r}); "
                               "timed with stdout sent to a sink that drops it")
            for w in caught:
                self.note(lib, f"its {what} warns on every call: {w.category.__name__}: {w.message}")

    def run(self, rows: List[Row], libs: List[str]) -> None:
        for row in rows:
            for lib in libs:
                self.check(self.adapters[lib], row)

    def check(self, ad: peers.Adapter, row: Row) -> None:
        fx, k = self.fx, self.fx.keys[row.alg]
        key = (ad.slug, row.slug)
        payload = fx.payloads[row.payload]
        try:
            if row.kind == "encode":
                fn = ad.encoder(k, row.form, payload)
            else:
                fn = ad.decoder(k, row.form, fx.ref[row.alg, row.payload])
        except NotApplicable as exc:
            self.na[key] = str(exc)
            return
        try:
            problem = (self._encode_gate if row.kind == "encode" else self._decode_gate)(ad, row, k, fn, payload)
        except Exception as exc:  # noqa: BLE001 - a gate failure, reported
            problem = f"raised {type(exc).__name__}: {str(exc)[:200]}"
        if problem:
            self.failed[key] = problem
        else:
            self.ok[key] = fn
        if row.kind == "decode" and not problem:
            self._extra_checks(ad, row, k)

    def _encode_gate(self, ad, row, k, fn, payload) -> Optional[str]:
        for attempt in range(2):  # the closure can be called again
            tok = self._call(ad.slug, "encode", fn)
            if isinstance(tok, bytes):
                tok = tok.decode()
            if not isinstance(tok, str):
                return f"encode returned {type(tok).__name__}, not a token"
            header = pyjwt.get_unverified_header(tok)
            if header.get("alg") != row.alg:
                return f"token header {header!r}"
            got = pyjwt.decode(tok, k.pub, algorithms=[row.alg])
            want = dict(payload)
            for claim in ad.adds_claims:  # set by the library itself (python_jwt: iat, nbf)
                if not isinstance(got.get(claim), int):
                    return f"its token lacks the {claim} it sets: {got!r}"
                got.pop(claim)
                want.pop(claim, None)
            if not same(got, want):
                return f"PyJWT decodes its token to another payload: {_diff(want, got)}"
        if ad.adds_claims:
            self.note(ad.slug, f"its encode sets {', '.join(ad.adds_claims)} itself (to now), replacing the "
                               "payload's; the gate compares the other claims")
        return None

    def _decode_gate(self, ad, row, k, fn, payload) -> Optional[str]:
        fx = self.fx
        tokens = (("PyJWT's token", fx.ref[row.alg, row.payload], fn),
                  ("pyjwt_fast's token", fx.fast[row.alg, row.payload],
                   ad.decoder(k, row.form, fx.fast[row.alg, row.payload])))
        for who, _tok, dec in tokens:
            for attempt in range(2):
                got = _plain(self._call(ad.slug, "decode", dec))
                if not same(got, payload):
                    return f"decodes {who} to another payload: {_diff(payload, got)}"
        forged = ad.decoder(k, row.form, flip_signature_byte(fx.ref[row.alg, row.payload]))
        try:
            self._call(ad.slug, "decode", forged)
        except Exception:  # noqa: BLE001 - any exception is a rejection
            return None
        return "ACCEPTS a token with a flipped signature byte"

    def _extra_checks(self, ad, row, k) -> None:
        """Once per (library, alg, form): an expired token, and a token of a
        sibling algorithm with the same key. Noted, not failed."""
        fx = self.fx
        done = (ad.slug, row.alg, row.form)
        if done in self._checked_extra:
            return
        self._checked_extra.add(done)
        where = f"{row.alg} {row.form_label}"
        try:
            self._call(ad.slug, "decode", ad.decoder(k, row.form, fx.expired[row.alg]))
            self.no_exp.setdefault(ad.slug, []).append(where)
            self.note(ad.slug, f"its decode ACCEPTS an expired token (exp an hour ago) ({where}): "
                               "these cells are marked '!'")
        except Exception:  # noqa: BLE001
            pass
        if row.alg in SIBLING:
            try:
                self._call(ad.slug, "decode", ad.decoder(k, row.form, fx.sibling[row.alg]))
                self.note(ad.slug, f"a decode set up for {row.alg} accepts an {SIBLING[row.alg]} token made "
                                   f"with the same key ({row.form_label}): it does not restrict the algorithm")
            except Exception:  # noqa: BLE001
                pass


def _plain(x: Any) -> Any:
    """A decode result as a plain dict (authlib's JWTClaims, rsjwt's TokenData)."""
    return dict(x) if isinstance(x, Mapping) else x


def same(a: Any, b: Any) -> bool:
    """JSON equality that also tells true from 1 and 1 from 1.0 (Python's ==
    does not), so a library that changes a claim's JSON type fails."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _show(x: Any) -> str:
    text = repr(x)
    return f"{type(x).__name__} {text[:37] + '...' if len(text) > 40 else text}"


def _diff(want: Any, got: Any) -> str:
    if not isinstance(got, dict):
        return _show(got)
    parts = []
    for key in sorted(set(want) | set(got)):
        if key not in got:
            parts.append(f"{key}: missing")
        elif key not in want:
            parts.append(f"{key}: added, {_show(got[key])}")
        elif not same(want[key], got[key]):
            parts.append(f"{key}: {_show(want[key])} -> {_show(got[key])}")
    more = f" (and {len(parts) - 3} more claims)" if len(parts) > 3 else ""
    return "; ".join(parts[:3]) + more


# ---------------------------------------------------------------- timing


def estimate_seconds(n_callables: int, repeats: int, target: float, warmup: float) -> float:
    """Rough run time: warm-up, calibration (about half a batch more) and the
    repeats, per callable."""
    return n_callables * (warmup + 1.5 * target + repeats * target)


def measure_row(fns: Dict[str, Callable[[], Any]], repeats: int, target: float, warmup: float,
                clock: str) -> Dict[str, Any]:
    stats = bl.time_interleaved(fns, repeats, target, warmup, bl.CLOCKS[clock])
    ref = stats.get("pyjwt")
    for lib, s in stats.items():
        if ref is not None:
            s["vs_pyjwt"] = ref["median"] / s["median"]
            s["vs_pyjwt_q1"], s["vs_pyjwt_q3"] = bl.paired_iqr(ref["samples"], s["samples"])
    return stats


# ---------------------------------------------------------------- output


def _us(seconds: float) -> str:
    us = seconds * 1e6
    if us < 10:
        return f"{us:.2f}"
    if us < 100:
        return f"{us:.1f}"
    return f"{us:.0f}"


def _q(r: float) -> str:
    return f"{r:.2f}" if r < 10 else (f"{r:.1f}" if r < 100 else f"{r:.0f}")


def _x(r: float) -> str:
    return _q(r) + "x"


class Footnotes:
    def __init__(self) -> None:
        self.items: List[str] = []

    def ref(self, text: str) -> int:
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text) + 1


def cell_status(res: Dict[str, Any], lib: str, row: Row, fn: Footnotes) -> Tuple[Optional[Dict[str, Any]], str]:
    """(stats or None, marker text for a missing cell)."""
    slug = row.slug
    if lib in res["times"].get(slug, {}):
        return res["times"][slug][lib], ""
    if (lib, slug) in res["na"]:
        return None, f"n/a[{fn.ref(res['na'][lib, slug])}]"
    if (lib, slug) in res["failed"]:
        label = next((x["label"] for x in res["libs"] if x["slug"] == lib), lib)
        return None, f"FAIL[{fn.ref(label + ' failed the gate: ' + res['failed'][lib, slug])}]"
    if slug in res["row_errors"]:
        return None, f"err[{fn.ref(res['row_errors'][slug])}]"
    return None, "-"


def _marks(s: Dict[str, Any], lib: str, row: Row, res: Dict[str, Any]) -> str:
    m = ""
    if s["iqr"] > NOISY * s["median"]:
        m += "~"
    if row.kind == "decode" and f"{row.alg} {row.form_label}" in res["no_exp"].get(lib, []):
        m += "!"
    return m


def print_text(res: Dict[str, Any]) -> None:
    bl.print_info_text(res["machine"])
    print(f"{'method:':22} {res['method']}")
    print(f"{'payloads:':22} " + ", ".join(f"{p} {n} B" for p, n in res["payload_bytes"].items()))
    print()
    print("libraries:")
    for lib in res["libs"]:
        print(f"  {lib['label']:16} {lib['version']:14} {'native' if lib['native'] else 'Python'}")
    for name, why in res["not_benchmarked"]:
        print(f"  {name:31} not benchmarked: {why}")
    rows = [r for r in ALL_ROWS if r.slug in res["row_slugs"]]
    libs = [lib["slug"] for lib in res["libs"]]
    shorts = {lib["slug"]: lib["short"] for lib in res["libs"]}
    fn = Footnotes()
    for title, pick in (("time per op, µs (median; ~ = IQR over 10% of the median)", "us"),
                        ("speed relative to PyJWT (PyJWT median / library median, same run)", "x")):
        print()
        print(title)
        head = f"{'row':24}" + "".join(f"{shorts[lib]:>10}" for lib in libs)
        print(head)
        print("-" * len(head))
        for row in rows:
            cells = []
            for lib in libs:
                s, miss = cell_status(res, lib, row, fn)
                if s is None:
                    cells.append(miss)
                elif pick == "us":
                    cells.append(_us(s["median"]) + _marks(s, lib, row, res))
                else:
                    cells.append(_x(s["vs_pyjwt"]) if "vs_pyjwt" in s else "?")
            print(f"{row.short:24}" + "".join(f"{c:>10}" for c in cells))
    print()
    for i, text in enumerate(fn.items, 1):
        print(f"[{i}] {text}")
    _print_notes(res, "note: ")


def _note_lines(res: Dict[str, Any]) -> List[str]:
    """The run's notes: per library, import warnings, then general ones."""
    labels = {lib["slug"]: lib["label"] for lib in res["libs"]}
    lines = [f"{labels.get(lib, lib)}: {n}" for lib, notes in res["lib_notes"].items() for n in notes]
    lines += [f"{labels.get(lib, lib)}: importing it warns: {w}"
              for lib, warns in res["import_warnings"].items() for w in warns]
    return lines + list(res["notes"])


def _print_notes(res: Dict[str, Any], prefix: str) -> None:
    for line in _note_lines(res):
        print(f"{prefix}{line}")


def write_markdown(res: Dict[str, Any], path: str) -> None:
    out: List[str] = []
    add = out.append
    info = res["machine"]
    add(f"### bench_peers.py, {info['date']}")
    add("")
    add(f"`{res['command']}`")
    add("")
    for k, v in info.items():
        add(f"- {k}: {v}")
    add(f"- method: {res['method']}")
    add("- payloads: " + ", ".join(f"{p} {n} bytes of JSON" for p, n in res["payload_bytes"].items())
        + " (small: 5 claims; medium: 20 claims, nested; large: medium plus a list of objects)")
    add("- key forms: object = each library's own pre-parsed key object, built once; "
        "PEM = the PEM text on every call; secret = the raw HMAC secret on every call")
    add("- libraries: " + ", ".join(f"{lib['label']} {lib['version']}" for lib in res["libs"]))
    for name, why in res["not_benchmarked"]:
        add(f"- not benchmarked: {name}: {why}")
    add("")
    rows = [r for r in ALL_ROWS if r.slug in res["row_slugs"]]
    libs = [lib["slug"] for lib in res["libs"]]
    labels = {lib["slug"]: lib["label"] for lib in res["libs"]}
    fn = Footnotes()
    for title, pick in (("Time per operation, µs (median over the repeats; ~ = IQR above 10% of the median)",
                         "us"),
                        ("Speed relative to PyJWT: PyJWT median / library median in the same run "
                         "(in parentheses: IQR of the per-repeat ratios)", "x")):
        add(f"#### {title}")
        add("")
        add("| row | " + " | ".join(labels[lib] for lib in libs) + " |")
        add("| --- |" + " ---: |" * len(libs))
        for row in rows:
            cells = []
            for lib in libs:
                s, miss = cell_status(res, lib, row, fn)
                if s is None:
                    cells.append(miss)
                elif pick == "us":
                    cells.append(_us(s["median"]) + _marks(s, lib, row, res))
                elif "vs_pyjwt" not in s:
                    cells.append("?")
                elif lib == "pyjwt":
                    cells.append("1")
                else:
                    text = f"{_x(s['vs_pyjwt'])} ({_q(s['vs_pyjwt_q1'])}-{_q(s['vs_pyjwt_q3'])})"
                    cells.append(f"**{text}**" if lib == "pyjwt_fast" else text)
            add(f"| {row.name} | " + " | ".join(cells) + " |")
        add("")
    for i, text in enumerate(fn.items, 1):
        add(f"[{i}] {text}  ")
    add("")
    for line in _note_lines(res):
        add(f"- {line}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ---------------------------------------------------------------- main


def load_adapters(wanted: List[str]) -> Tuple[Dict[str, peers.Adapter], List[Tuple[str, str]]]:
    adapters: Dict[str, peers.Adapter] = {}
    missing: List[Tuple[str, str]] = []
    for cls in peers.ADAPTERS:
        if cls.slug not in wanted:
            continue
        ad = cls()
        try:
            ad.load()
        except Exception as exc:  # noqa: BLE001 - not installed here: reported
            missing.append((f"{cls.label}", f"import failed ({type(exc).__name__}: {exc}); "
                                             f"pip install -r benchmarks/requirements-peers.txt"))
            continue
        adapters[cls.slug] = ad
    return adapters, missing


def machine_info(adapters: Dict[str, peers.Adapter]) -> Dict[str, Any]:
    from cryptography.hazmat.backends.openssl import backend

    extra = {
        "cryptography": f"{cryptography.__version__} ({backend.openssl_version_text()})",
        "keys": "HMAC 64-byte secret, RSA 2048 (e=65537; RS256 and PS256), P-256, Ed25519; "
                "generated for this run; PEM = PKCS#8 private / SubjectPublicKeyInfo public, as str",
    }
    if "jose" in adapters:
        extra["python-jose backend"] = getattr(adapters["jose"], "backend", "?")
    return bl.machine_info(pyjwt, pyjwt_fast, extra=extra)


def main(argv: Optional[List[str]] = None) -> int:
    slugs = [cls.slug for cls in peers.ADAPTERS]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=None, help="batches per library and row (default 15, --quick 3)")
    ap.add_argument("--batch-ms", type=float, default=None, help="target batch length (default 50, --quick 10)")
    ap.add_argument("--quick", action="store_true", help="few, short batches: to check the script, not to measure")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time batches with the process's CPU time instead of wall time (shared machines)")
    ap.add_argument("--rows", action="append", metavar="GLOB",
                    help="only rows whose slug matches (repeatable, comma-separated; slugs like "
                         "hs256-encode-small-obj, es256-decode-large-pem; e.g. 'hs256-*', '*-decode-small-*')")
    ap.add_argument("--libs", metavar="LIST",
                    help=f"only these peers, comma-separated ({', '.join(slugs[2:])}); "
                         "pyjwt_fast and PyJWT always run")
    ap.add_argument("--markdown", metavar="PATH", help="write the tables as Markdown (for RESULTS.md) to PATH")
    ap.add_argument("--json", metavar="PATH", help="write all results, with every sample, to PATH (chart.py reads it)")
    ap.add_argument("--list", action="store_true", help="print libraries, versions and rows, then exit")
    ap.add_argument("--gate-only", action="store_true", help="run the correctness gate, print its report, no timing")
    args = ap.parse_args(argv)

    wanted = ["pyjwt_fast", "pyjwt"]
    if args.libs:
        for s in (x.strip() for x in args.libs.split(",") if x.strip()):
            if s not in slugs:
                ap.error(f"--libs: unknown library {s!r}; choose from {', '.join(slugs)}")
            if s not in wanted:
                wanted.append(s)
    else:
        wanted = slugs
    rows = select_rows(args.rows)

    try:
        bl.check_libraries(pyjwt, pyjwt_fast, REFERENCE_PYJWT)
    except Refused as exc:
        print(f"bench_peers: refused: {exc}", file=sys.stderr)
        return 2
    adapters, missing = load_adapters(wanted)
    for name, why in missing:
        print(f"bench_peers: {name}: {why}", file=sys.stderr)
    libs = [s for s in slugs if s in adapters]

    if args.list:
        for s in libs:
            ad = adapters[s]
            print(f"{ad.label:16} {ad.version():14} {'native' if ad.native else 'Python'}  module {ad.module}")
            print(f"{'':16} exp: {ad.exp_note}")
        for name, why in peers.NOT_BENCHMARKED + missing:
            print(f"{name:16} not benchmarked: {why}")
        print(f"{len(rows)} rows: " + " ".join(r.slug for r in rows))
        return 0

    repeats = args.repeats or (3 if args.quick else 15)
    if repeats < 2:
        ap.error("--repeats must be at least 2")
    batch_ms = args.batch_ms or (10.0 if args.quick else 50.0)
    warmup = 0.02 if args.quick else 0.1
    clock = "cpu" if args.cpu_time else "wall"

    print("  building keys and tokens, running the gate ...", file=sys.stderr, flush=True)
    fx = Fixture()
    gate = Gate(fx, adapters)
    gate.run(rows, libs)
    for (lib, slug), why in sorted(gate.failed.items()):
        print(f"  gate FAILED: {adapters[lib].label} {slug}: {why}", file=sys.stderr)
    n_callables = len(gate.ok)
    est = estimate_seconds(n_callables, repeats, batch_ms / 1000, warmup)
    print(f"  {len(rows)} rows, {n_callables} callables to time "
          f"({len(gate.na)} n/a, {len(gate.failed)} failed the gate); about {est / 60:.0f} min",
          file=sys.stderr, flush=True)

    notes: List[str] = []
    python_peers = [adapters[lib].label for lib in libs if not adapters[lib].native]
    handed_off = getattr(getattr(pyjwt_fast, "algorithms", None), "_pk_delegation_mask", lambda: 0)()
    ours = ("the system libcrypto, except Ed25519 signing, which it hands to cryptography (a later OpenSSL "
            "release series)" if handed_off else "the system libcrypto")
    notes.append(f"{', '.join(python_peers)} sign and verify with cryptography {cryptography.__version__} (its own "
                 f"OpenSSL, in the header); pyjwt_fast with {ours}; the native peers with the crypto "
                 "built into their wheels")
    times: Dict[str, Dict[str, Any]] = {}
    row_errors: Dict[str, str] = {}
    if not args.gate_only:
        sink = _Sink()
        sink.keep = False
        old_stdout = sys.stdout
        start = time.monotonic()
        try:
            sys.stdout = sink  # a library that prints on every call (webtoken's encode)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # warned once in the gate; the warn() call stays timed
                for i, row in enumerate(rows, 1):
                    fns = {lib: gate.ok[lib, row.slug] for lib in libs if (lib, row.slug) in gate.ok}
                    if not fns:
                        continue
                    print(f"  [{i}/{len(rows)}] {row.name}: {len(fns)} libraries "
                          f"({(time.monotonic() - start) / 60:.1f} min)", file=sys.stderr, flush=True)
                    try:
                        times[row.slug] = measure_row(fns, repeats, batch_ms / 1000, warmup, clock)
                    except Exception as exc:  # noqa: BLE001 - reported in the table
                        row_errors[row.slug] = f"{row.name}: raised {type(exc).__name__} while timing: {exc}"
        finally:
            sys.stdout = old_stdout
        took = time.monotonic() - start
    else:
        took = 0.0

    info = machine_info(adapters)
    info["load average (end)"] = bl.load_average()
    clock_text = "; clock: process CPU time" if clock == "cpu" else "; clock: wall time"
    method = (f"{repeats} interleaved repeats per library and row, batches of ~{batch_ms:.0f} ms calibrated per "
              f"library (timeit, GC off during a batch), warm-up {warmup:.2f} s; median per op{clock_text}; "
              f"timing took {took / 60:.1f} min")
    res: Dict[str, Any] = {
        "command": "python benchmarks/bench_peers.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": info,
        "method": method,
        "settings": {"repeats": repeats, "batch_ms": batch_ms, "warmup_s": warmup, "clock": clock,
                     "quick": args.quick},
        "libs": [{"slug": s, "label": adapters[s].label, "short": adapters[s].short,
                  "version": adapters[s].version(), "native": adapters[s].native,
                  "exp": adapters[s].exp_note} for s in libs],
        "not_benchmarked": [list(x) for x in peers.NOT_BENCHMARKED + missing],
        "payload_bytes": {p: payload_size(v) for p, v in fx.payloads.items()},
        "row_slugs": [r.slug for r in rows],
        "rows": [{"slug": r.slug, "alg": r.alg, "kind": r.kind, "payload": r.payload, "form": r.form,
                  "name": r.name} for r in rows],
        "times": times,
        "na": gate.na,
        "failed": gate.failed,
        "row_errors": row_errors,
        "no_exp": gate.no_exp,
        "lib_notes": gate.lib_notes,
        "import_warnings": {s: adapters[s].import_warnings for s in libs if adapters[s].import_warnings},
        "notes": notes,
    }
    if args.gate_only:
        print(f"gate: {len(gate.ok)} ok, {len(gate.na)} n/a, {len(gate.failed)} failed")
        for (lib, slug), why in sorted(gate.failed.items()):
            print(f"  FAILED {adapters[lib].label} {slug}: {why}")
        na_by_reason: Dict[str, List[str]] = {}
        for (lib, slug), why in gate.na.items():
            na_by_reason.setdefault(f"{adapters[lib].label}: {why}", []).append(slug)
        for why, ss in sorted(na_by_reason.items()):
            print(f"  n/a ({len(ss)} rows) {why}")
        _print_notes(res, "note: ")
        return 0

    print_text(res)
    if args.markdown:
        write_markdown(res, args.markdown)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(_jsonable(res), f, indent=1)
            f.write("\n")
    return 0


def _jsonable(res: Dict[str, Any]) -> Dict[str, Any]:
    """Tuple keys (lib, row) as "lib row" strings."""
    out = dict(res)
    for k in ("na", "failed"):
        out[k] = {f"{lib} {slug}": why for (lib, slug), why in res[k].items()}
    return out


if __name__ == "__main__":
    sys.exit(main())
