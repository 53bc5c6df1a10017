#!/usr/bin/env python3
"""HMAC (HS256 / HS512) encode and decode: pyjwt_fast against PyJWT 2.15.1.

    python benchmarks/bench_hmac.py                  # full run, text table
    python benchmarks/bench_hmac.py --quick          # a rough look in a few seconds
    python benchmarks/bench_hmac.py --markdown       # the table for RESULTS.md
    python benchmarks/bench_hmac.py --json out.json  # machine-readable results too

Both libraries are measured in the same process and the same run, row by row,
their batches interleaved (A, B, A, B, ...) so that a noisy neighbour hurts
both alike. Each batch is a timeit-style loop calibrated to last ~75 ms; the
figures are the median, the minimum and the interquartile range of the
per-operation time over the repeats, and the ratio is the ratio of the two
medians. Before anything is timed, every row is run once through both
libraries and must give byte-identical tokens and equal decode results; the
benchmark refuses to run otherwise.

    python benchmarks/bench_hmac.py --callgrind      # instructions per op (valgrind)
    python benchmarks/bench_hmac.py --loop hs256-decode -n 4000 [--lib pyjwt]

--callgrind counts instructions per operation under valgrind (no clock, so
no noise); --loop runs one row N times with no timing, for `perf record` or a
hand-run callgrind (see benchmarks/README.md).

This is a measurement, not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import os
import sys
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

import _benchlib as bl  # benchmarks/_benchlib.py: timing, machine info, callgrind
from _benchlib import Refused

# Measure the in-place build of this checkout, not an installed pyjwt_fast.
bl.ensure_repo_on_path()

import jwt as pyjwt  # noqa: E402  (the reference: PyJWT itself)
import pyjwt_fast  # noqa: E402

REFERENCE_PYJWT = "2.15.1"

# 64 bytes: at least the 512-bit minimum PyJWT wants for HS512, so neither
# library warns (InsecureKeyLengthWarning) on any row. Two forms
# (--secret, or PJF_BENCH_SECRET for the callgrind subprocesses): random
# bytes, and text as an application reads it from its configuration (PyJWT
# scans a secret's text for PEM / SSH / JWK shapes on every call, which
# costs it about 3 us more than on random bytes; pyjwt_fast keeps the
# verdict with the key's cached state).
SECRETS = {
    "bytes": hashlib.sha512(b"pyjwt-fast benchmark key").digest(),
    "text": hashlib.sha512(b"pyjwt-fast benchmark key").hexdigest()[:64],
}
SECRET_FORM = os.environ.get("PJF_BENCH_SECRET", "bytes")
KEY: Any = SECRETS.get(SECRET_FORM, SECRETS["bytes"])
ISSUER = "https://auth.example.com"
AUDIENCE = "https://api.example.com"
KID = "2024-06-signing-key"

# Fixed once per run so both libraries sign the very same payload; exp is an
# hour ahead, far beyond the length of any run, and iat a little in the past.
NOW = int(time.time())
PAYLOAD: Dict[str, Any] = {
    "sub": "1234567890",
    "name": "John Doe",
    "iat": NOW - 5,
    "exp": NOW + 3600,
    "iss": ISSUER,
}
PAYLOAD_AUD: Dict[str, Any] = {**PAYLOAD, "aud": AUDIENCE}


class Row:
    """One line of the table: a name and, per library, the operation to time."""

    def __init__(self, name: str, slug: str, kind: str, alg: str, make: Callable[[Any], Callable[[], Any]]):
        self.name = name
        self.slug = slug
        self.kind = kind  # "encode" or "decode"
        self.alg = alg
        self.make = make  # lib module -> zero-argument callable


def _encoder(lib: Any, alg: str, headers: Optional[Dict[str, Any]]) -> Callable[[], Any]:
    encode, payload, key = lib.encode, PAYLOAD, KEY
    if headers is None:
        return lambda: encode(payload, key, algorithm=alg)
    return lambda: encode(payload, key, algorithm=alg, headers=headers)


def _decoder(lib: Any, token: str, alg: str, claims: bool) -> Callable[[], Any]:
    decode, key, algorithms = lib.decode, KEY, [alg]
    if not claims:
        return lambda: decode(token, key, algorithms=algorithms)
    return lambda: decode(token, key, algorithms=algorithms, audience=AUDIENCE, issuer=ISSUER, leeway=10)


def _rows() -> List[Row]:
    # Each row's callable is a closure that makes the call an application
    # writes, with the library's function and the arguments bound beforehand:
    # the same code, and so the same overhead, for both libraries. (A closure
    # costs one Python frame; functools.partial with keywords would copy its
    # keyword dict on every call, about twice that.) Decode rows decode a
    # token that PyJWT made; verification checks pyjwt_fast makes the same one.
    tokens = {
        (alg, aud): pyjwt.encode(PAYLOAD_AUD if aud else PAYLOAD, KEY, algorithm=alg)
        for alg in ("HS256", "HS512")
        for aud in (False, True)
    }
    rows = []
    for alg in ("HS256", "HS512"):
        low = alg.lower()
        rows += [
            Row(f"{alg} encode", f"{low}-encode", "encode", alg,
                functools.partial(_encoder, alg=alg, headers=None)),
            Row(f"{alg} encode, kid header", f"{low}-encode-kid", "encode", alg,
                functools.partial(_encoder, alg=alg, headers={"kid": KID})),
            Row(f"{alg} decode", f"{low}-decode", "decode", alg,
                functools.partial(_decoder, token=tokens[(alg, False)], alg=alg, claims=False)),
            Row(f"{alg} decode, aud/iss/leeway", f"{low}-decode-aud", "decode", alg,
                functools.partial(_decoder, token=tokens[(alg, True)], alg=alg, claims=True)),
        ]
    return rows


LIBS = {"pyjwt_fast": pyjwt_fast, "pyjwt": pyjwt}


# ---------------------------------------------------------------- checks


def check_libraries() -> None:
    """The run compares what it says it compares, or it does not run."""
    bl.check_libraries(pyjwt, pyjwt_fast, REFERENCE_PYJWT)


def verify(rows: List[Row]) -> None:
    """Every row: same token bytes (encode) or equal results (decode), no warning."""
    problems = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a key-length or deprecation warning is a failure
        for row in rows:
            try:
                out = {name: row.make(lib)() for name, lib in LIBS.items()}
            except Exception as exc:  # noqa: BLE001 - reported, then refused
                problems.append(f"{row.name}: raised {type(exc).__name__}: {exc}")
                continue
            fast, ref = out["pyjwt_fast"], out["pyjwt"]
            if type(fast) is not type(ref) or fast != ref:
                problems.append(f"{row.name}: pyjwt_fast gave {fast!r}, PyJWT gave {ref!r}")
            elif row.kind == "encode":
                # The token must also decode to the payload (and header) it was made from.
                header = pyjwt.get_unverified_header(ref)
                want = {"alg": row.alg, "typ": "JWT"}
                if "kid" in row.slug:
                    want["kid"] = KID
                back = pyjwt.decode(ref, KEY, algorithms=[row.alg])
                if header != want or back != PAYLOAD:
                    problems.append(f"{row.name}: token round-trips to {header!r} / {back!r}")
            else:
                want = PAYLOAD_AUD if "aud" in row.slug else PAYLOAD
                if ref != want:
                    problems.append(f"{row.name}: decode gave {ref!r}, expected {want!r}")
        # The decode rows' tokens are PyJWT's; pyjwt_fast must produce them too.
        for alg in ("HS256", "HS512"):
            for payload in (PAYLOAD, PAYLOAD_AUD):
                a = pyjwt_fast.encode(payload, KEY, algorithm=alg)
                b = pyjwt.encode(payload, KEY, algorithm=alg)
                if a != b:
                    problems.append(f"{alg} token for {sorted(payload)}: {a!r} != {b!r}")
    if problems:
        raise Refused("pyjwt_fast and PyJWT disagree, nothing timed:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------- timing


def measure(row: Row, repeats: int, target: float, warmup: float, clock: str = "wall") -> Dict[str, Any]:
    fns = {name: row.make(lib) for name, lib in LIBS.items()}
    stats = bl.time_interleaved(fns, repeats, target, warmup, bl.CLOCKS[clock])  # A, B, A, B, ...
    q1, q3 = bl.paired_iqr(stats["pyjwt"]["samples"], stats["pyjwt_fast"]["samples"])
    return {
        "row": row.name,
        "slug": row.slug,
        "pyjwt_fast": stats["pyjwt_fast"],
        "pyjwt": stats["pyjwt"],
        "ratio": stats["pyjwt"]["median"] / stats["pyjwt_fast"]["median"],
        "paired_ratio_q1": q1,
        "paired_ratio_q3": q3,
    }


# ---------------------------------------------------------------- machine


def machine_info() -> Dict[str, Any]:
    return bl.machine_info(pyjwt, pyjwt_fast)


# ---------------------------------------------------------------- output


_t = bl.fmt_time


def _secret_text() -> str:
    if isinstance(KEY, str):
        return f"{len(KEY)}-character text (str; --secret text)"
    return f"{len(KEY)} random bytes (--secret bytes)"


def print_text(info: Dict[str, Any], results: List[Dict[str, Any]], settings: Dict[str, Any]) -> None:
    bl.print_info_text(info)
    print(f"{'method:':22} {settings['repeats']} interleaved repeats per library and row, "
          f"batches of ~{settings['batch_ms']:.0f} ms; median per op, min, IQR"
          f"{'; clock: process CPU time' if settings.get('clock') == 'cpu' else ''}")
    print(f"{'secret:':22} {_secret_text()}")
    print()
    head = (f"{'operation':28} {'pyjwt_fast':>11} {'min':>10} {'IQR':>9}   "
            f"{'PyJWT':>11} {'min':>10} {'IQR':>9}   {'ratio':>7}  {'paired IQR':>13}")
    print(head)
    print("-" * len(head))
    for r in results:
        f, p = r["pyjwt_fast"], r["pyjwt"]
        print(f"{r['row']:28} {_t(f['median']):>11} {_t(f['min']):>10} {_t(f['iqr']):>9}   "
              f"{_t(p['median']):>11} {_t(p['min']):>10} {_t(p['iqr']):>9}   "
              f"{r['ratio']:>6.1f}x  {r['paired_ratio_q1']:>5.1f}-{r['paired_ratio_q3']:.1f}x")
    print()
    print("ratio = PyJWT median / pyjwt_fast median (same run); paired IQR = interquartile range "
          "of the per-repeat ratios.")


def print_markdown(info: Dict[str, Any], results: List[Dict[str, Any]], settings: Dict[str, Any]) -> None:
    bl.print_info_markdown(info)
    print(f"- method: {settings['repeats']} interleaved repeats per library and row, "
          f"batches of ~{settings['batch_ms']:.0f} ms (timeit, GC off during a batch)"
          f"{'; clock: process CPU time' if settings.get('clock') == 'cpu' else ''}")
    print(f"- secret: {_secret_text()}")
    print()
    print("| operation | pyjwt_fast median | min | IQR | PyJWT median | min | IQR | PyJWT / pyjwt_fast |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        f, p = r["pyjwt_fast"], r["pyjwt"]
        print(f"| {r['row']} | {_t(f['median'])} | {_t(f['min'])} | {_t(f['iqr'])} | "
              f"{_t(p['median'])} | {_t(p['min'])} | {_t(p['iqr'])} | "
              f"**{r['ratio']:.1f}x** ({r['paired_ratio_q1']:.1f}-{r['paired_ratio_q3']:.1f}) |")


# ---------------------------------------------------------------- main


def run_loop(slug: str, n: int, lib_name: str) -> None:
    """No timing: call one row's operation n times (for callgrind / perf)."""
    rows = {r.slug: r for r in _rows()}
    fn = rows[slug].make(LIBS[lib_name])
    fn()  # first call outside the loop: lazy imports, key caches
    for _ in itertools.repeat(None, n):
        fn()


def count_instructions(slugs: List[str], ns: List[int], jobs: int = 2) -> List[Dict[str, Any]]:
    """Instructions per op under callgrind: whole-process counts at several
    loop lengths; the difference between two lengths cancels start-up
    (interpreter, imports, verification), so it does not depend on noise."""
    jobs_list = [(lib, slug, n) for lib in LIBS for slug in slugs for n in ns]
    totals = bl.count_instructions(__file__, jobs_list, jobs=jobs)
    results = []
    for slug in slugs:
        for lib in LIBS:
            per_op = bl.per_op_counts(totals, lib, slug, ns)
            results.append({"row": slug, "lib": lib, "n": ns, "totals": [totals[(lib, slug, n)] for n in ns],
                            "instructions_per_op": per_op})
    return results


def print_instructions(results: List[Dict[str, Any]], markdown: bool) -> None:
    by_row: Dict[str, Dict[str, List[float]]] = {}
    for r in results:
        by_row.setdefault(r["row"], {})[r["lib"]] = r["instructions_per_op"]
    ns = results[0]["n"]
    pairs = ", ".join(f"n={a}..{b}" for a, b in zip(ns, ns[1:]))
    if markdown:
        print("| operation | pyjwt_fast instructions/op | PyJWT instructions/op | PyJWT / pyjwt_fast |")
        print("| --- | ---: | ---: | ---: |")
    else:
        print(f"instructions per op (callgrind, whole process, {pairs}):")
    for row, libs in by_row.items():
        fast, ref = libs["pyjwt_fast"], libs["pyjwt"]
        f = " / ".join(f"{x:,.0f}" for x in fast)
        p = " / ".join(f"{x:,.0f}" for x in ref)
        ratio = ref[-1] / fast[-1]
        if markdown:
            print(f"| {row} | {f} | {p} | {ratio:.1f}x |")
        else:
            print(f"  {row:20} pyjwt_fast {f:>16}   PyJWT {p:>18}   ratio {ratio:.1f}x")


def main(argv: Optional[List[str]] = None) -> int:
    slugs = [r.slug for r in _rows()]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=None, help="batches per library and row (default 15, --quick 5)")
    ap.add_argument("--batch-ms", type=float, default=None, help="target batch length (default 75, --quick 20)")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter batches: a rough look")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time batches with the process's CPU time instead of wall time (shared machines)")
    ap.add_argument("--json", metavar="OUT", help="also write machine-readable results to OUT")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (RESULTS.md)")
    ap.add_argument("--only", action="append", choices=slugs, help="time only this row (repeatable)")
    ap.add_argument("--loop", choices=slugs, help="no timing: run this row -n times (for callgrind/perf)")
    ap.add_argument("-n", type=int, default=1000, help="iterations for --loop")
    ap.add_argument("--lib", choices=sorted(LIBS), default="pyjwt_fast", help="library for --loop")
    ap.add_argument("--callgrind", action="store_true",
                    help="no timing: instructions per op under valgrind --tool=callgrind "
                         "(rows from --only, default hs256-encode and hs256-decode)")
    ap.add_argument("--callgrind-n", default="2000,4000",
                    help="loop lengths for --callgrind; per op = difference / length difference")
    ap.add_argument("--secret", choices=sorted(SECRETS), default=None,
                    help="the HMAC secret's form: random bytes (default) or text, as apps configure it")
    args = ap.parse_args(argv)
    if args.secret:
        global KEY, SECRET_FORM
        SECRET_FORM, KEY = args.secret, SECRETS[args.secret]
        os.environ["PJF_BENCH_SECRET"] = args.secret   # for the callgrind subprocesses

    try:
        check_libraries()
        rows = _rows()
        verify(rows)
    except Refused as exc:
        print(f"bench_hmac: refused: {exc}", file=sys.stderr)
        return 2

    if args.loop:
        run_loop(args.loop, args.n, args.lib)
        return 0

    if args.callgrind:
        ns = sorted(int(x) for x in args.callgrind_n.split(","))
        if len(ns) < 2:
            ap.error("--callgrind-n needs at least two loop lengths")
        try:
            counts = count_instructions(args.only or ["hs256-encode", "hs256-decode"], ns)
        except Refused as exc:
            print(f"bench_hmac: {exc}", file=sys.stderr)
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
    if args.only:
        rows = [r for r in rows if r.slug in args.only]
    clock = "cpu" if args.cpu_time else "wall"
    settings: Dict[str, Any] = {"repeats": repeats, "batch_ms": batch_ms, "warmup_s": warmup}
    if args.cpu_time:  # only then: the default output stays as it was
        settings["clock"] = clock

    info = machine_info()
    results = []
    for row in rows:
        print(f"  timing {row.name} ...", file=sys.stderr, flush=True)
        results.append(measure(row, repeats, batch_ms / 1000, warmup, clock))
    info["load average (end)"] = bl.load_average()

    (print_markdown if args.markdown else print_text)(info, results, settings)
    if args.json:
        bl.write_json(args.json, {"machine": info, "settings": settings, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
