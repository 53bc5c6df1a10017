#!/usr/bin/env python3
"""Memory per operation and peak RSS: pyjwt_fast against PyJWT 2.15.1.

    python benchmarks/bench_memory.py                   # full run, about a minute
    python benchmarks/bench_memory.py --quick           # fewer ops, one repeat
    python benchmarks/bench_memory.py --markdown out.md # also a section for RESULTS.md

Operations: HS256 encode, HS256 decode, RS256 decode with the public key as a
PEM string (SubjectPublicKeyInfo, RSA 2048). Each (library, operation) runs
in a fresh Python process that imports only that library, so one cannot
inherit the other's memory. In that process:

  1. RSS of the bare interpreter, then the library is imported and the
     inputs set up: the baseline RSS (VmRSS and ru_maxrss) after imports;
  2. a warm-up (caches filled, as in a running application);
  3. N operations, results dropped, tracemalloc off: RSS and ru_maxrss after
     N ops (the peak of the whole process, OpenSSL included);
  4. tracemalloc on, N operations with the results dropped: the net growth
     of traced memory per op (bytes and blocks, after a gc.collect(): ~0
     unless something is retained) and the peak of traced memory above the
     start over the N ops (the transient footprint of one op, plus any
     cyclic garbage waiting for the collector);
  5. N operations whose results are kept in a list: traced bytes and blocks
     per op that a caller holding the result pays (the token str, the
     claims dict).

tracemalloc sees only Python's allocators (PyMem / PyObject: Python objects,
and pyjwt_fast's own buffers, which use PyMem). OpenSSL's malloc (HMAC and
RSA contexts, PEM parsing, the verification) and cryptography's Rust
allocations are invisible to it; RSS sees them.

This is a measurement, not a test: nothing here asserts a figure.
"""
from __future__ import annotations

# The child process measures its own RSS from its first lines: only what
# every child needs is imported at the top.
import gc
import importlib
import json
import os
import resource
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_PYJWT = "2.15.1"
LIBS = ("pyjwt_fast", "pyjwt")
OPS: Dict[str, Tuple[str, int, int]] = {
    # slug: (title, default N, default N for --quick)
    "hs256-encode": ("HS256 encode", 20000, 2000),
    "hs256-decode": ("HS256 decode", 20000, 2000),
    "rs256-decode-pem": ("RS256 decode, PEM key", 5000, 500),
}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def vm_rss_kib() -> int:
    """Current resident set size of this process (Linux /proc)."""
    return _status_kib("VmRSS:")


def vm_hwm_kib() -> int:
    """Peak RSS of this process image (Linux /proc; unlike ru_maxrss, not
    carried over from the process that forked and exec'd it)."""
    return _status_kib("VmHWM:")


def max_rss_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


# ---------------------------------------------------------------- child


def _traced_blocks() -> int:
    """Live traced blocks, without those of the snapshot machinery itself."""
    snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    return len(snap.traces)


def child_main(lib_name: str, op: str, n: int, warmup: int) -> int:
    """One (library, op) in this fresh process; the spec (key, payload,
    tokens) on stdin, the figures as JSON on stdout."""
    rss_bare, maxrss_bare, hwm_bare = vm_rss_kib(), max_rss_kib(), vm_hwm_kib()
    spec = json.load(sys.stdin)
    sys.path.insert(0, REPO)  # the checkout's pyjwt_fast, as the other benchmarks
    lib = importlib.import_module("pyjwt_fast" if lib_name == "pyjwt_fast" else "jwt")
    payload = spec["payload"]
    hs_key = bytes.fromhex(spec["hs_key"])
    if op == "hs256-encode":
        def fn() -> Any:
            return lib.encode(payload, hs_key, algorithm="HS256")
    elif op == "hs256-decode":
        token = spec["hs_token"]

        def fn() -> Any:
            return lib.decode(token, hs_key, algorithms=["HS256"])
    else:
        token, pem = spec["rs_token"], spec["rs_public_pem"]

        def fn() -> Any:
            return lib.decode(token, pem, algorithms=["RS256"])
    gc.collect()
    rss_base, maxrss_base = vm_rss_kib(), max_rss_kib()
    first = fn()  # for the parent's check; lazy imports and key caches happen here too
    native = getattr(lib, "_native", None)
    loaded = {"module": lib.__name__, "file": lib.__file__, "version": getattr(lib, "__version__", None),
              "native": getattr(native, "__file__", None), "pyjwt_fast_loaded": "pyjwt_fast" in sys.modules,
              "cryptography_loaded": "cryptography" in sys.modules}

    for _ in range(warmup):
        fn()
    gc.collect()
    rss_warm = vm_rss_kib()

    # 3. RSS: tracemalloc off (its own tables would count).
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    untraced_s = time.perf_counter() - t0
    gc.collect()
    rss_n, maxrss_n, hwm_n = vm_rss_kib(), max_rss_kib(), vm_hwm_kib()

    # 4. Traced, results dropped: net growth and transient peak.
    tracemalloc.start()
    for _ in range(min(100, n)):  # first traced calls: nothing new expected, but not counted
        fn()
    # gc.collect() also empties the free lists: every reading (and the
    # snapshot, which fills them) comes right after one.
    gc.collect()
    blocks0 = _traced_blocks()
    gc.collect()
    cur0, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    for _ in range(n):
        fn()
    _, peak = tracemalloc.get_traced_memory()
    gc.collect()
    cur1, _ = tracemalloc.get_traced_memory()
    blocks1 = _traced_blocks()

    # 5. Traced, results kept: what holding each result costs.
    held: List[Any] = [None] * n
    gc.collect()
    hblocks0 = _traced_blocks()
    gc.collect()
    hcur0, _ = tracemalloc.get_traced_memory()
    for i in range(n):
        held[i] = fn()
    gc.collect()
    hcur1, _ = tracemalloc.get_traced_memory()
    hblocks1 = _traced_blocks()
    del held
    tracemalloc.stop()

    json.dump({
        "lib": lib_name, "op": op, "n": n, "warmup": warmup, "loaded": loaded, "first": first,
        "rss_bare_kib": rss_bare, "maxrss_bare_kib": maxrss_bare, "hwm_bare_kib": hwm_bare, "hwm_n_kib": hwm_n,
        "rss_base_kib": rss_base, "maxrss_base_kib": maxrss_base, "rss_warm_kib": rss_warm,
        "rss_n_kib": rss_n, "maxrss_n_kib": maxrss_n, "untraced_us_per_op": untraced_s / n * 1e6,
        "net_bytes_per_op": (cur1 - cur0) / n, "net_blocks_per_op": (blocks1 - blocks0) / n,
        "peak_bytes": peak - cur0,
        "held_bytes_per_op": (hcur1 - hcur0) / n, "held_blocks_per_op": (hblocks1 - hblocks0) / n,
    }, sys.stdout)
    return 0


# ---------------------------------------------------------------- parent


def make_spec() -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Inputs shared by every child (one RSA key, the same tokens for both
    libraries), and what each op must return."""
    import hashlib

    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = int(time.time())
    # bench_hmac.py's 5-claim payload, exp an hour ahead; its 64-byte key.
    payload = {"sub": "1234567890", "name": "John Doe", "iat": now - 5, "exp": now + 3600,
               "iss": "https://auth.example.com"}
    hs_key = hashlib.sha512(b"pyjwt-fast benchmark key").digest()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    hs_token = pyjwt.encode(payload, hs_key, algorithm="HS256")
    spec = {"payload": payload, "hs_key": hs_key.hex(), "hs_token": hs_token,
            "rs_token": pyjwt.encode(payload, rsa_key, algorithm="RS256"), "rs_public_pem": pub_pem}
    expected = {"hs256-encode": hs_token, "hs256-decode": payload, "rs256-decode-pem": payload}
    return spec, expected


def run_child(lib: str, op: str, n: int, warmup: int, spec: Dict[str, Any], timeout: float) -> Dict[str, Any]:
    import subprocess

    from _benchlib import Refused

    # Linux carries ru_maxrss over exec from the image that forked: a child
    # forked by this (large) process would report this process's peak. A
    # small shell in between forks the child, whose ru_maxrss then starts
    # from the shell's ("; exit" keeps the shell from exec'ing it directly).
    cmd = ["/bin/sh", "-c", '"$@"; exit $?', "sh",
           sys.executable, os.path.abspath(__file__), "--child", lib, op, "-n", str(n), "--warmup", str(warmup)]
    out = subprocess.run(cmd, input=json.dumps(spec), capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise Refused(f"the {lib} {op} process failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout))


def check_child(res: Dict[str, Any], expected: Dict[str, Any]) -> List[str]:
    """The child loaded the intended library and its op gave the right answer."""
    problems = []
    loaded = res["loaded"]
    if res["lib"] == "pyjwt_fast":
        if loaded["module"] != "pyjwt_fast" or not (loaded["native"] or "").endswith((".so", ".pyd")) \
                or not os.path.realpath(loaded["file"]).startswith(os.path.join(REPO, "pyjwt_fast")):
            problems.append(f"not this checkout's pyjwt_fast with its C extension: {loaded}")
    else:
        if loaded["module"] != "jwt" or loaded["native"] is not None or loaded["pyjwt_fast_loaded"]:
            problems.append(f"`import jwt` is not PyJWT alone: {loaded}")
        elif loaded["version"] != REFERENCE_PYJWT:
            print(f"warning: PyJWT is {loaded['version']}, not the reference {REFERENCE_PYJWT}", file=sys.stderr)
    if res["maxrss_bare_kib"] > res["hwm_bare_kib"] + 1024:
        print(f"warning: ru_maxrss at the start ({res['maxrss_bare_kib']} KiB) is above the process's own "
              f"peak ({res['hwm_bare_kib']} KiB): carried over from its parent", file=sys.stderr)
    if res["first"] != expected[res["op"]]:
        problems.append(f"{res['lib']} {res['op']} returned {res['first']!r}, expected {expected[res['op']]!r}")
    return problems


KEYS = ("rss_bare_kib", "rss_base_kib", "maxrss_base_kib", "rss_warm_kib", "rss_n_kib", "maxrss_n_kib", "hwm_n_kib",
        "untraced_us_per_op", "net_bytes_per_op", "net_blocks_per_op", "peak_bytes",
        "held_bytes_per_op", "held_blocks_per_op")


def summarise(results: List[Dict[str, Any]]) -> Dict[Tuple[str, str], Dict[str, Any]]:
    """Median over the repeats of each figure, with its min and max."""
    import statistics

    out: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for op in OPS:
        for lib in LIBS:
            rs = [r for r in results if r["op"] == op and r["lib"] == lib]
            if not rs:
                continue
            s: Dict[str, Any] = {"repeats": len(rs), "n": rs[0]["n"]}
            for k in KEYS:
                xs = [r[k] for r in rs]
                s[k] = statistics.median(xs)
                s[k + "_range"] = (min(xs), max(xs))
            out[(op, lib)] = s
    return out


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def _kib(kib: float) -> str:
    return f"{kib:+,.0f} KiB"


def _b(x: float) -> str:
    return f"{x:,.0f} B" if abs(x) >= 10 else f"{x:.1f} B"


NOTE = ("tracemalloc sees only Python's allocators (Python objects, and pyjwt_fast's own buffers, "
        "which use PyMem); it does not see OpenSSL's malloc (HMAC and RSA contexts, PEM parsing, "
        "verification) nor cryptography's Rust allocations. RSS does.")

COLUMNS: List[Tuple[str, Optional[str], Optional[Callable[[float], str]]]] = [
    # header, key, formatter
    ("RSS bare", "rss_bare_kib", _mib),
    ("RSS after imports", "rss_base_kib", _mib),
    ("ru_maxrss after N", "maxrss_n_kib", _mib),
    ("RSS growth over N", None, None),
    ("traced peak", "peak_bytes", _b),
    ("net / op", "net_bytes_per_op", _b),
    ("net blocks / op", "net_blocks_per_op", lambda x: f"{x:.3f}"),
    ("held / op", "held_bytes_per_op", _b),
    ("held blocks / op", "held_blocks_per_op", lambda x: f"{x:.2f}"),
]


def _cells(s: Dict[str, Any]) -> List[str]:
    cells = []
    for _, key, fmt in COLUMNS:
        if key is None:  # VmRSS after the N untraced ops minus after the warm-up
            cells.append(_kib(s["rss_n_kib"] - s["rss_warm_kib"]))
        else:
            assert fmt is not None
            cells.append(fmt(s[key]))
    return cells


def method_text(settings: Dict[str, Any]) -> str:
    ns = ", ".join(f"{OPS[op][0]} {n:,}" for op, n in settings["n"].items())
    return (f"a fresh process per (library, op); warm-up {settings['warmup']:,} ops; N = {ns}; "
            f"{settings['repeats']} repeat(s), libraries alternating, medians; RSS = VmRSS, "
            f"ru_maxrss = the process's peak RSS; traced = tracemalloc, one op at a time; "
            f"net = traced growth over N ops with results dropped, after gc.collect(); peak = highest "
            f"traced memory above the start during those N ops; held = traced bytes per result kept")


def print_text(info: Dict[str, Any], settings: Dict[str, Any], summary: Dict[Tuple[str, str], Dict[str, Any]]) -> None:
    import _benchlib as bl

    bl.print_info_text(info)
    print(f"{'method:':22} {method_text(settings)}")
    print()
    widths = [max(len(h), 11) for h, _, _ in COLUMNS]
    head = f"{'operation':22} {'library':11} " + " ".join(f"{h:>{w}}" for (h, _, _), w in zip(COLUMNS, widths))
    print(head)
    print("-" * len(head))
    for (op, lib), s in summary.items():
        print(f"{OPS[op][0]:22} {lib:11} " + " ".join(f"{c:>{w}}" for c, w in zip(_cells(s), widths)))
    print()
    print("RSS growth over N = VmRSS after the N untraced ops minus after the warm-up.")
    print("Note: " + NOTE)


def markdown(info: Dict[str, Any], settings: Dict[str, Any], summary: Dict[Tuple[str, str], Dict[str, Any]]) -> str:
    lines = ["## Memory per operation and peak RSS (`bench_memory.py`)", "", f"`{settings['command']}`", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    lines += [f"- method: {method_text(settings)}", ""]
    lines.append("| operation | library | " + " | ".join(h for h, _, _ in COLUMNS) + " |")
    lines.append("| --- | --- |" + " ---: |" * len(COLUMNS))
    for (op, lib), s in summary.items():
        lines.append(f"| {OPS[op][0]} | {'PyJWT' if lib == 'pyjwt' else lib} | " + " | ".join(_cells(s)) + " |")
    lines += ["", "RSS growth over N = VmRSS after the N untraced ops minus after the warm-up.", "",
              "Note: " + NOTE]
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["--child"]:  # python bench_memory.py --child LIB OP -n N --warmup W
        _, child_lib, child_op, _, child_n, _, child_warmup = args_in
        return child_main(child_lib, child_op, int(child_n), int(child_warmup))

    import argparse

    import _benchlib as bl
    from _benchlib import Refused

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="N/10 ops, one repeat: does it all work?")
    ap.add_argument("-n", type=int, help="ops per phase for every operation (default per op: 20000 HS, 5000 RS)")
    ap.add_argument("--warmup", type=int, help="warm-up ops (default 1000, --quick 100)")
    ap.add_argument("--repeats", type=int, help="processes per (library, op) (default 3, --quick 1)")
    ap.add_argument("--only", action="append", choices=list(OPS), help="this operation only (repeatable)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds for one child process")
    ap.add_argument("--markdown", metavar="PATH", help="also write a section for RESULTS.md to PATH")
    ap.add_argument("--json", metavar="PATH", help="also write every child's figures to PATH")
    args = ap.parse_args(args_in)

    bl.ensure_repo_on_path()
    import jwt as pyjwt
    import pyjwt_fast
    try:
        bl.check_libraries(pyjwt, pyjwt_fast, REFERENCE_PYJWT)
    except Refused as exc:
        print(f"bench_memory: refused: {exc}", file=sys.stderr)
        return 2

    ops = args.only or list(OPS)
    ns: Dict[str, int] = {op: args.n or (OPS[op][2] if args.quick else OPS[op][1]) for op in ops}
    warmup = args.warmup if args.warmup is not None else (100 if args.quick else 1000)
    repeats = args.repeats or (1 if args.quick else 3)
    import cryptography

    info = bl.machine_info(pyjwt, pyjwt_fast, extra={"cryptography": cryptography.__version__})
    settings = {"command": "python benchmarks/bench_memory.py" + "".join(f" {a}" for a in args_in),
                "n": ns, "warmup": warmup, "repeats": repeats}
    spec, expected = make_spec()
    results = []
    try:
        for rep in range(repeats):
            for op in ops:
                for lib in LIBS:  # pyjwt_fast, PyJWT, pyjwt_fast, PyJWT, ...
                    res = run_child(lib, op, ns[op], warmup, spec, args.timeout)
                    problems = check_child(res, expected)
                    if problems:
                        raise Refused("\n  ".join(problems))
                    results.append(res)
                    print(f"  [{rep + 1}/{repeats}] {op:17} {lib:10} RSS {_mib(res['rss_base_kib'])} -> "
                          f"max {_mib(res['maxrss_n_kib'])}, traced peak {_b(res['peak_bytes'])}, "
                          f"net {_b(res['net_bytes_per_op'])}/op, held {_b(res['held_bytes_per_op'])}/op",
                          file=sys.stderr, flush=True)
    except Refused as exc:
        print(f"bench_memory: refused: {exc}", file=sys.stderr)
        return 2
    info["load average (end)"] = bl.load_average()

    summary = summarise(results)
    print_text(info, settings, summary)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(info, settings, summary))
    if args.json:
        bl.write_json(args.json, {"machine": info, "settings": settings, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
