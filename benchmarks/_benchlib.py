"""Shared timing and reporting code of the benchmark scripts (bench_hmac.py,
bench_pubkey.py): library checks, warm-up, batch calibration, interleaved
repeats, medians / IQR / paired ratios, machine information, and instruction
counts under callgrind. Not a test helper: nothing here asserts a speed.

The method (see README.md): each operation is a zero-argument closure; after
a warm-up, a batch size is calibrated per callable so that one batch lasts
about `target` seconds (timeit, so the GC is off inside a batch); batches of
all the callables of a row are then interleaved, A, B, C, A, B, C, ..., so a
noisy neighbour slows them alike; the figures are the median, min and IQR of
the per-operation time over the repeats, and ratios are taken between
callables of the same run (ratio of medians, and the IQR of the per-repeat
ratios).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_repo_on_path() -> None:
    """`python benchmarks/x.py` puts benchmarks/ on sys.path, not the
    repository: make `import pyjwt_fast` find the in-place build of this
    checkout rather than an installed copy."""
    if REPO not in sys.path:
        sys.path.insert(0, REPO)


class Refused(Exception):
    """The run would not measure what it claims to: nothing is timed."""


def check_libraries(pyjwt: Any, pyjwt_fast: Any, reference: str) -> None:
    """The run compares what it says it compares, or it does not run."""
    if os.path.dirname(os.path.abspath(pyjwt.__file__)).startswith(
        os.path.dirname(os.path.abspath(pyjwt_fast.__file__))
    ) or "pyjwt_fast" in pyjwt.__name__ or getattr(pyjwt, "_native", None) is not None:
        raise Refused(f"`import jwt` resolved to pyjwt_fast ({pyjwt.__file__}), not to PyJWT")
    native = pyjwt_fast._native
    if not native.__file__.endswith((".so", ".pyd")):
        raise Refused(f"pyjwt_fast._native is not the C extension: {native.__file__}")
    if pyjwt.__version__ != reference:
        print(f"warning: PyJWT is {pyjwt.__version__}, not the reference {reference}",
              file=sys.stderr)


def write_json(path: str, data: Dict[str, Any]) -> None:
    """The results of a run as indented JSON (--json)."""
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- timing


# The clocks a run can use: wall time (timeit's default), or the CPU time of
# the process, which leaves out the time the scheduler gives to other
# processes on a shared, oversubscribed machine (but not the slowdown from
# sharing caches or a core with them).
CLOCKS: Dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def calibrate(fn: Callable[[], Any], target: float, clock: Callable[[], float] = time.perf_counter) -> int:
    """Loop count for one batch of about `target` seconds (cf. Timer.autorange)."""
    timer = timeit.Timer(fn, timer=clock)
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= target / 5:
            break
        number *= 10 if t < target / 50 else 2
    return max(1, round(number * target / t))


def warm_up(fn: Callable[[], Any], seconds: float) -> None:
    """Call fn for about `seconds`, checking the clock every 100 calls, or
    more often for slow calls (one call can take tens of ms)."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    chunk = max(1, min(100, int(0.01 / first))) if first > 0 else 100
    end = start + seconds
    while time.perf_counter() < end:
        for _ in range(chunk):
            fn()


def describe(per_op: List[float]) -> Dict[str, float]:
    q1, _, q3 = statistics.quantiles(per_op, n=4, method="inclusive")
    return {
        "median": statistics.median(per_op),
        "min": min(per_op),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
    }


def paired_iqr(num: Sequence[float], den: Sequence[float]) -> Tuple[float, float]:
    """Quartiles of the per-repeat ratios num[i] / den[i] (same repeat, so
    adjacent batches)."""
    ratios = [a / b for a, b in zip(num, den)]
    q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    return q1, q3


def time_interleaved(fns: Dict[str, Callable[[], Any]], repeats: int, target: float,
                     warmup: float, clock: Callable[[], float] = time.perf_counter) -> Dict[str, Dict[str, Any]]:
    """Warm-up, per-callable calibration, then `repeats` rounds of one batch
    per callable in order (A, B, ..., A, B, ...). Per callable: describe()
    of the per-op times, plus "number" (batch size) and "samples". `clock`
    times the batches (and their calibration): wall time by default."""
    for fn in fns.values():
        warm_up(fn, warmup)
    numbers = {name: calibrate(fn, target, clock) for name, fn in fns.items()}
    timers = {name: timeit.Timer(fn, timer=clock) for name, fn in fns.items()}
    samples: Dict[str, List[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name in fns:  # A, B, A, B, ...
            samples[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    return {name: {**describe(s), "number": numbers[name], "samples": s} for name, s in samples.items()}


# ---------------------------------------------------------------- machine


def run_cmd(cmd: List[str]) -> Optional[str]:
    try:
        out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def load_average() -> Optional[str]:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return None


def machine_info(pyjwt: Any, pyjwt_fast: Any, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Date, CPU, cores, OS, Python, OpenSSL, PyJWT version, pyjwt_fast commit,
    load average. `extra` entries come after PyJWT's version."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    usable: Optional[int]
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    commit = run_cmd(["git", "rev-parse", "--short", "HEAD"])
    if commit is not None and run_cmd(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " (+ uncommitted changes)"
    import ssl

    info = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical, {usable} usable",
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "openssl (pyjwt_fast)": getattr(pyjwt_fast._native, "OPENSSL_VERSION", "unknown"),
        "openssl (python ssl)": ssl.OPENSSL_VERSION,
        "pyjwt": pyjwt.__version__,
    }
    info.update(extra or {})
    info["pyjwt_fast commit"] = commit or "unknown"
    info["load average (start)"] = load_average()
    return info


# ---------------------------------------------------------------- output


def fmt_time(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:.2f} µs" if us < 100 else f"{us:.1f} µs"


def print_info_text(info: Dict[str, Any]) -> None:
    for k, v in info.items():
        print(f"{k + ':':22} {v}")


def print_info_markdown(info: Dict[str, Any]) -> None:
    for k, v in info.items():
        print(f"- {k}: {v}")


# ---------------------------------------------------------------- callgrind


def count_instructions(script: str, jobs_list: Iterable[Tuple[str, str, int]],
                       extra_args: Sequence[str] = (), jobs: int = 2,
                       env: Optional[Dict[str, str]] = None) -> Dict[Tuple[str, str, int], int]:
    """Whole-process instruction counts under valgrind --tool=callgrind of
    `python script --loop SLUG -n N --lib LIB [extra_args]`, for each
    (lib, slug, n) of jobs_list, `jobs` at a time. The caller takes the
    difference between two loop lengths, which cancels start-up
    (interpreter, imports, set-up), so the per-op figure does not depend on
    noise."""
    import concurrent.futures
    import re
    import shutil
    import tempfile

    if shutil.which("valgrind") is None:
        raise Refused("valgrind is not installed (apt-get install valgrind)")
    python = os.path.realpath(sys.executable)  # not a pyenv shim: callgrind must see python itself
    script = os.path.abspath(script)
    env = {**os.environ, **(env or {}), "PYTHONHASHSEED": "0"}
    jobs_list = list(jobs_list)
    # One plain run first, so that every callgrind run finds the same .pyc files.
    lib0, slug0, _ = jobs_list[0]
    subprocess.run([python, script, "--loop", slug0, "-n", "1", "--lib", lib0, *extra_args],
                   env=env, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        def one(job: Any) -> int:
            lib, slug, n = job
            out = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/{lib}.{slug}.{n}.out",
                 python, script, "--loop", slug, "-n", str(n), "--lib", lib, *extra_args],
                env=env, capture_output=True, text=True,
            )
            m = re.search(r"Collected : (\d+)", out.stderr)
            if out.returncode != 0 or m is None:
                raise Refused(f"callgrind run {job} failed:\n{out.stderr[-2000:]}")
            print(f"  callgrind {lib} {slug} n={n}: {int(m.group(1)):,} instructions",
                  file=sys.stderr, flush=True)
            return int(m.group(1))

        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            return dict(zip(jobs_list, pool.map(one, jobs_list)))


def per_op_counts(totals: Dict[Tuple[str, str, int], int], lib: str, slug: str,
                  ns: Sequence[int]) -> List[float]:
    """Instructions per op between consecutive loop lengths."""
    return [(totals[(lib, slug, b)] - totals[(lib, slug, a)]) / (b - a) for a, b in zip(ns, ns[1:])]
