#!/usr/bin/env python3
"""End to end: the example Flask app under gunicorn, pyjwt_fast against PyJWT 2.15.1.

    pip install -r benchmarks/requirements-e2e.txt       # gunicorn (and wrk: apt-get install wrk)
    python benchmarks/bench_e2e.py                        # full run, a few minutes
    python benchmarks/bench_e2e.py --quick                # short runs: does it all work?
    python benchmarks/bench_e2e.py --markdown out.md      # also a section for RESULTS.md

examples/flask_app.py, unchanged, is served by gunicorn (2 sync workers on
127.0.0.1) twice at once, on two free ports: once as it is (pyjwt_fast) and
once with PJF_EXAMPLE_JWT=pyjwt, the example's switch to `import jwt`
(PyJWT). A second process, wrk (or, without it, a Python load generator:
threads and http.client), puts a closed-loop load of a fixed number of
connections on one server at a time for a fixed duration: GET /protected
with a bearer token from POST /login (decode), then POST /login itself
(encode, but mostly the password hash). Runs are interleaved, pyjwt_fast,
PyJWT, pyjwt_fast, PyJWT, ...; the figures are medians over the repeats of
requests per second, p50 and p99 latency, and the CPU time the server's
workers used per request, with same-run ratios.

Before anything is timed, each server must answer /protected with 200 for a
token from its own /login and 401 without one or with a tampered one, the
tokens must decode under both libraries, and each gunicorn worker logs (from
a post_worker_init hook) which module the app's `jwt` name is bound to: the
run is refused unless it is pyjwt_fast's C extension in one server and PyJWT
without pyjwt_fast in the other. The servers' process groups are killed at
the end, whatever happens.

This is a measurement, not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

import _benchlib as bl  # benchmarks/_benchlib.py: library checks, machine info, statistics
from _benchlib import Refused

bl.ensure_repo_on_path()

REFERENCE_PYJWT = "2.15.1"
EXAMPLES = os.path.join(bl.REPO, "examples")
DEMO_LOGIN = json.dumps({"username": "demo", "password": "demo-password"})
LIBS = ("pyjwt_fast", "pyjwt")
ROUTES = ("protected", "login")
WORKER_TAG = "pjf-e2e-worker "

# The WSGI entry point gunicorn loads: the example's own factory, configured
# from the environment as its main() does (the secret stays off command lines).
WSGI_MODULE = '''\
import os
import flask_app
app = flask_app.create_app(secret=os.environ["JWT_SECRET_KEY"], db_path=os.environ["JWT_EXAMPLE_DB"])
'''

# gunicorn configuration: after loading the app, each worker logs which module
# the app's `jwt` name is, so the run can check what it measures.
GUNICORN_CONF = '''\
import json, os, sys

def post_worker_init(worker):
    lib = getattr(sys.modules.get("flask_app"), "jwt", None)
    native = getattr(lib, "_native", None)
    worker.log.info("%s%s", {tag!r}, json.dumps({{
        "pid": os.getpid(),
        "module": getattr(lib, "__name__", None),
        "file": getattr(lib, "__file__", None),
        "version": getattr(lib, "__version__", None),
        "native": getattr(native, "__file__", None),
        "pyjwt_fast_loaded": "pyjwt_fast" in sys.modules,
        "jwt_loaded": "jwt" in sys.modules,
        "python": sys.executable,
    }}))
'''.format(tag=WORKER_TAG)

# wrk sends a POST with a JSON body only from a Lua script.
LOGIN_LUA = '''\
wrk.method = "POST"
wrk.body = {body!r}
wrk.headers["Content-Type"] = "application/json"
'''


# ---------------------------------------------------------------- HTTP


def request(port: int, method: str, path: str, body: Optional[str] = None,
            headers: Optional[Dict[str, str]] = None, timeout: float = 10.0) -> Tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:200]
        return resp.status, data
    finally:
        conn.close()


def login(port: int) -> str:
    status, body = request(port, "POST", "/login", DEMO_LOGIN, {"Content-Type": "application/json"})
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("token"), str):
        raise Refused(f"POST /login on port {port} answered {status}: {body!r}")
    return str(body["token"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- servers


class Server:
    """One gunicorn serving the example with one library, in its own process
    group (killed as a whole by stop())."""

    def __init__(self, lib: str, workdir: str, workers: int, worker_class: str, timeout: float):
        self.lib = lib
        self.dir = os.path.join(workdir, lib)
        os.makedirs(self.dir)
        self.workers = workers
        self.worker_class = worker_class
        self.timeout = timeout
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.port = 0
        self.log_path = os.path.join(self.dir, "gunicorn.log")
        self.worker_info: List[Dict[str, Any]] = []

    def env(self, secret: str) -> Dict[str, str]:
        # Nothing from the caller's environment may change gunicorn's settings
        # or the library the example picks.
        env = {k: v for k, v in os.environ.items()
               if k not in ("PJF_EXAMPLE_JWT", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "PYTHONPATH")}
        # The checkout first: the pyjwt_fast of this tree, as the benchmark imports it.
        env["PYTHONPATH"] = os.pathsep.join([bl.REPO, EXAMPLES, self.dir])
        env["JWT_SECRET_KEY"] = secret
        env["JWT_EXAMPLE_DB"] = os.path.join(self.dir, "users.db")
        if self.lib == "pyjwt":
            env["PJF_EXAMPLE_JWT"] = "pyjwt"
        return env

    def start(self, secret: str) -> None:
        with open(os.path.join(self.dir, "e2e_wsgi.py"), "w") as f:
            f.write(WSGI_MODULE)
        conf = os.path.join(self.dir, "gunicorn_conf.py")
        with open(conf, "w") as f:
            f.write(GUNICORN_CONF)
        for _attempt in range(3):  # the free port may be taken before gunicorn binds it
            self.port = free_port()
            cmd = [sys.executable, "-m", "gunicorn", "--config", conf,
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--worker-class", self.worker_class, "--log-level", "info",
                   "--error-logfile", self.log_path, "--graceful-timeout", "5",
                   "e2e_wsgi:app"]
            with open(os.path.join(self.dir, "stdout.log"), "ab") as out:
                self.proc = subprocess.Popen(cmd, env=self.env(secret), cwd=self.dir,
                                             stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_ready():
                return
            self.stop()
        raise Refused(f"gunicorn ({self.lib}) did not start; its log:\n{self.log_tail()}")

    def _wait_ready(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            self.worker_info = self.read_worker_lines()
            if len(self.worker_info) >= self.workers:
                try:
                    request(self.port, "GET", "/protected", timeout=2)
                    return True
                except OSError:
                    pass
            time.sleep(0.1)
        return False

    def read_worker_lines(self) -> List[Dict[str, Any]]:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            return []
        return [json.loads(line.split(WORKER_TAG, 1)[1]) for line in text.splitlines()
                if WORKER_TAG in line]

    def log_tail(self, n: int = 4000) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return "(no log)"

    def worker_pids(self) -> List[int]:
        return [int(w["pid"]) for w in self.worker_info]

    def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)  # start_new_session: the group is gunicorn's pid
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                # The arbiter is gone; a worker it left behind goes with the group.
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
            break


def check_worker(server: Server) -> List[str]:
    """Problems with what the workers loaded (empty: as intended)."""
    problems = []
    lines = server.worker_info
    if len({w["pid"] for w in lines}) != server.workers:
        problems.append(f"{len(lines)} worker lines for {server.workers} workers: {lines}")
    for w in lines:
        if server.lib == "pyjwt_fast":
            ok = (w["module"] == "pyjwt_fast"
                  and os.path.realpath(w["file"] or "").startswith(os.path.join(bl.REPO, "pyjwt_fast"))
                  and (w["native"] or "").endswith((".so", ".pyd")))
        else:
            ok = w["module"] == "jwt" and not w["pyjwt_fast_loaded"] and w["native"] is None
            if ok and w["version"] != REFERENCE_PYJWT:
                print(f"warning: the workers' PyJWT is {w['version']}, not {REFERENCE_PYJWT}",
                      file=sys.stderr)
        if not ok:
            problems.append(f"worker {w['pid']} loaded {w}")
    return problems


def verify(servers: Dict[str, Server], pyjwt: Any, pyjwt_fast: Any, secret: str) -> None:
    """Each server answers as the example should, with the intended library."""
    for lib, server in servers.items():
        problems = check_worker(server)
        token = login(server.port)
        status, body = request(server.port, "GET", "/protected", headers={"Authorization": f"Bearer {token}"})
        if status != 200 or not isinstance(body, dict) or body.get("user") != "demo":
            problems.append(f"GET /protected with the token: {status} {body!r}")
        status, body = request(server.port, "GET", "/protected")
        if status != 401:
            problems.append(f"GET /protected without a token: {status} {body!r}")
        head, sig = token.rsplit(".", 1)
        i = len(sig) // 2
        tampered = f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"
        status, body = request(server.port, "GET", "/protected", headers={"Authorization": f"Bearer {tampered}"})
        if status != 401:
            problems.append(f"GET /protected with a tampered token: {status} {body!r}")
        kwargs: Dict[str, Any] = dict(algorithms=["HS256"], audience="pyjwt-fast-example-api",
                                      issuer="pyjwt-fast-example")
        try:
            if pyjwt.decode(token, secret, **kwargs) != pyjwt_fast.decode(token, secret, **kwargs):
                problems.append("the token decodes differently under PyJWT and pyjwt_fast")
        except Exception as exc:  # noqa: BLE001  (reported, then refused)
            problems.append(f"the token from /login does not decode: {exc!r}")
        if problems:
            raise Refused(f"server {lib}:\n  " + "\n  ".join(problems) + f"\nlog:\n{server.log_tail()}")


def cpu_seconds(pids: List[int]) -> Optional[float]:
    """utime + stime of the processes (Linux /proc), None if one is gone."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- load generators


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _seconds(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> Dict[str, Any]:
    res: Dict[str, Any] = {}
    m = re.search(r"(\d+) requests in ([\d.]+\w+),", out)
    if not m:
        raise Refused(f"cannot read wrk's output:\n{out}")
    res["requests"] = int(m.group(1))
    res["elapsed_s"] = _seconds(m.group(2))
    res["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.0+)?%\s+([\d.]+\w+)", out, re.M)
        if not m:
            raise Refused(f"no {pct}% latency in wrk's output (--latency):\n{out}")
        res[f"p{pct}_s"] = _seconds(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    return res


def run_wrk(port: int, route: str, token: str, duration: float, connections: int,
            threads: int, workdir: str) -> Dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
           "--timeout", "5s", "--latency"]
    if route == "protected":
        cmd += ["-H", f"Authorization: Bearer {token}", f"http://127.0.0.1:{port}/protected"]
    else:
        lua = os.path.join(workdir, "login.lua")
        with open(lua, "w") as f:
            f.write(LOGIN_LUA.format(body=DEMO_LOGIN))
        cmd += ["-s", lua, f"http://127.0.0.1:{port}/login"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    if out.returncode != 0:
        raise Refused(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return parse_wrk(out.stdout)


def run_python_loadgen(port: int, route: str, token: str, duration: float,
                       connections: int) -> Dict[str, Any]:
    """This script in --loadgen mode, in a second process (the spec on stdin:
    the token stays off the command line)."""
    spec: Dict[str, Any] = {"port": port, "duration": duration, "connections": connections}
    if route == "protected":
        spec.update(method="GET", path="/protected", body=None,
                    headers={"Authorization": f"Bearer {token}"})
    else:
        spec.update(method="POST", path="/login", body=DEMO_LOGIN,
                    headers={"Content-Type": "application/json"})
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--loadgen-child"],
                         input=json.dumps(spec), capture_output=True, text=True, timeout=duration + 60)
    if out.returncode != 0:
        raise Refused(f"the Python load generator failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout))


def percentile(sorted_xs: List[float], q: float) -> float:
    """Nearest-rank percentile (as load generators report it)."""
    k = max(0, min(len(sorted_xs) - 1, int(round(q / 100 * len(sorted_xs) + 0.5)) - 1))
    return sorted_xs[k]


def loadgen_main() -> int:
    """--loadgen-child: `connections` threads, each on its own keep-alive
    http.client connection (reopened when the server closes it, as gunicorn's
    sync workers do after every response), send the request back to back until
    `duration` has passed; per-request latencies, statuses and errors go to
    stdout as JSON."""
    spec = json.load(sys.stdin)
    port, duration, n = spec["port"], float(spec["duration"]), int(spec["connections"])
    body = spec["body"].encode() if spec["body"] is not None else None
    start_barrier = threading.Barrier(n + 1)
    lat: List[List[float]] = [[] for _ in range(n)]
    bad = [0] * n
    errors = [0] * n
    ends = [0.0] * n
    deadline = [0.0]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        start_barrier.wait()
        clock = time.perf_counter
        try:
            while True:
                t0 = clock()
                if t0 >= deadline[0]:
                    break
                try:
                    conn.request(spec["method"], spec["path"], body=body, headers=spec["headers"])
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException):
                    errors[i] += 1
                    conn.close()
                    continue
                lat[i].append(clock() - t0)
                if not 200 <= resp.status < 400:
                    bad[i] += 1
        finally:
            ends[i] = clock()
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    begin = time.perf_counter()
    deadline[0] = begin + duration
    start_barrier.wait()
    for t in threads:
        t.join(duration + 15)
    elapsed = max(ends) - begin
    xs = sorted(x for per in lat for x in per)
    json.dump({"requests": len(xs), "elapsed_s": elapsed, "rps": len(xs) / elapsed if elapsed > 0 else 0.0,
               "p50_s": percentile(xs, 50) if xs else float("nan"),
               "p99_s": percentile(xs, 99) if xs else float("nan"),
               "non_2xx": sum(bad), "errors": sum(errors)}, sys.stdout)
    return 0


# ---------------------------------------------------------------- measuring


def one_run(server: Server, route: str, args: argparse.Namespace, loadgen: str,
            duration: float, workdir: str) -> Dict[str, Any]:
    token = login(server.port) if route == "protected" else ""  # fresh: tokens live 15 minutes
    pids = server.worker_pids()
    cpu0 = cpu_seconds(pids)
    if loadgen == "wrk":
        res = run_wrk(server.port, route, token, duration, args.connections, args.threads, workdir)
    else:
        res = run_python_loadgen(server.port, route, token, duration, args.connections)
    cpu1 = cpu_seconds(pids)
    res["server_cpu_per_req_s"] = (
        (cpu1 - cpu0) / res["requests"] if cpu0 is not None and cpu1 is not None and res["requests"] else None)
    # A failed request or a restarted worker makes the run meaningless: flag it.
    res["valid"] = res["requests"] > 0 and res["non_2xx"] == 0 and res["errors"] == 0 and cpu1 is not None
    return res


def summarise(runs: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Medians (and quartiles) per library, same-run ratios of the medians and
    the quartiles of the per-repeat (paired) ratios."""
    out: Dict[str, Any] = {}
    for lib, rs in runs.items():
        good = [r for r in rs if r["valid"]]
        s: Dict[str, Any] = {"runs": len(rs), "valid": len(good)}
        for key in ("requests", "rps", "p50_s", "p99_s", "server_cpu_per_req_s"):
            xs = [r[key] for r in good if r.get(key) is not None]
            if xs:
                s[key] = statistics.median(xs)
                if len(xs) >= 2:
                    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
                    s[key + "_iqr"] = (q1, q3)
        out[lib] = s
    fast, ref = runs["pyjwt_fast"], runs["pyjwt"]
    pairs = [(f, p) for f, p in zip(fast, ref) if f["valid"] and p["valid"]]
    ratios: Dict[str, Any] = {}
    # > 1 means pyjwt_fast is better: more requests/s, less latency or CPU.
    for key, better_high in (("rps", True), ("p50_s", False), ("p99_s", False), ("server_cpu_per_req_s", False)):
        if key not in out["pyjwt_fast"] or key not in out["pyjwt"]:
            continue
        a, b = out["pyjwt_fast"][key], out["pyjwt"][key]
        r: Dict[str, Any] = {"ratio": a / b if better_high else b / a}
        paired = [(f[key] / p[key]) if better_high else (p[key] / f[key]) for f, p in pairs
                  if f.get(key) and p.get(key)]
        if len(paired) >= 2:
            q1, _, q3 = statistics.quantiles(paired, n=4, method="inclusive")
            r["paired_iqr"] = (q1, q3)
        ratios[key] = r
    if "server_cpu_per_req_s" in ratios:
        ratios["server_cpu_saved_per_req_s"] = (
            out["pyjwt"]["server_cpu_per_req_s"] - out["pyjwt_fast"]["server_cpu_per_req_s"])
    out["ratios"] = ratios
    return out


# ---------------------------------------------------------------- output


def _ms(s: Optional[float]) -> str:
    return "-" if s is None else f"{s * 1e3:.2f} ms"


def _us(s: Optional[float]) -> str:
    if s is None:
        return "-"
    return f"{s * 1e6:.0f} µs" if abs(s) < 0.01 else f"{s * 1e3:.0f} ms"


def _iqr(s: Dict[str, Any], key: str, fmt: Any) -> str:
    if key + "_iqr" not in s:
        return ""
    q1, q3 = s[key + "_iqr"]
    return f"{fmt(q1)}-{fmt(q3)}"


def _ratio(r: Dict[str, Any], key: str) -> str:
    if key not in r:
        return "-"
    x = r[key]
    q = f" ({x['paired_iqr'][0]:.2f}-{x['paired_iqr'][1]:.2f})" if "paired_iqr" in x else ""
    return f"{x['ratio']:.2f}x{q}"


def method_line(settings: Dict[str, Any]) -> str:
    lg = settings["loadgen"]
    how = (f"wrk -t{settings['threads']} -c{settings['connections']} --latency" if lg == "wrk"
           else f"Python load generator, {settings['connections']} threads with http.client")
    routes = ", ".join(f"{r} {settings['durations'][r]:g} s" for r in settings["routes"])
    return (f"gunicorn {settings['gunicorn']}, {settings['workers']} {settings['worker_class']} workers "
            f"on 127.0.0.1, one server per library, both up throughout; load from a second "
            f"process: {how}; closed loop, runs of {routes}; {settings['repeats']} interleaved "
            f"repeats (pyjwt_fast, PyJWT, ...) after a {settings['warmup']:g} s warm-up per server; "
            f"medians over the repeats; server CPU = utime + stime of the workers (/proc) / requests")


LOGIN_NOTE = ("POST /login spends ~100 ms of CPU in the password check (werkzeug's scrypt), some "
              "thousands of times the JWT encode: the library cannot show there, and with ~10 "
              "requests/s a run holds few requests, so its p99 is close to its maximum.")

ROUTE_NAMES = {"protected": "GET /protected (decode)", "login": "POST /login (encode + password hash)"}


def print_text(info: Dict[str, Any], settings: Dict[str, Any], results: Dict[str, Any]) -> None:
    bl.print_info_text(info)
    print(f"{'method:':22} {method_line(settings)}")
    print()
    head = (f"{'route':38} {'library':11} {'req/s':>8} {'(IQR)':>15} {'p50':>9} {'p99':>9} "
            f"{'CPU/req':>8} {'req/run':>8} {'valid':>6}")
    print(head)
    print("-" * len(head))
    for route in settings["routes"]:
        res = results[route]
        for lib in LIBS:
            s = res[lib]
            print(f"{ROUTE_NAMES[route]:38} {lib:11} {s.get('rps', 0):>8.0f} "
                  f"{_iqr(s, 'rps', lambda x: f'{x:.0f}'):>15} {_ms(s.get('p50_s')):>9} "
                  f"{_ms(s.get('p99_s')):>9} {_us(s.get('server_cpu_per_req_s')):>8} "
                  f"{s.get('requests', 0):>8.0f} {s['valid']:>3}/{s['runs']}")
        r = res["ratios"]
        saved = r.get("server_cpu_saved_per_req_s")
        print(f"{'':38} {'ratio':11} req/s {_ratio(r, 'rps')}, p50 {_ratio(r, 'p50_s')}, "
              f"p99 {_ratio(r, 'p99_s')}, CPU/req {_ratio(r, 'server_cpu_per_req_s')}"
              + (f"; server CPU per request, PyJWT - pyjwt_fast: {_us(saved)}" if saved is not None else ""))
    print()
    if "login" in settings["routes"]:
        print(LOGIN_NOTE)
    print("ratio: pyjwt_fast's advantage (req/s fast / PyJWT; p50, p99, CPU/req PyJWT / fast), same-run "
          "medians; in parentheses the IQR of the per-repeat ratios. CPU/req: server workers' CPU time "
          "per request. Invalid runs (any non-2xx answer, socket error or worker restart) are left out.")


def markdown(info: Dict[str, Any], settings: Dict[str, Any], results: Dict[str, Any]) -> str:
    lines = ["## End to end: the example Flask app under gunicorn (`bench_e2e.py`)", "",
             f"`{settings['command']}`", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    lines += [f"- method: {method_line(settings)}", ""]
    lines += ["| route | library | requests/s (IQR) | p50 | p99 | server CPU / request | requests / run | valid runs |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for route in settings["routes"]:
        res = results[route]
        for lib in LIBS:
            s = res[lib]
            iqr = _iqr(s, "rps", lambda x: f"{x:.0f}")
            lines.append(f"| {ROUTE_NAMES[route]} | {'PyJWT' if lib == 'pyjwt' else lib} | "
                         f"{s.get('rps', 0):.0f}{f' ({iqr})' if iqr else ''} | {_ms(s.get('p50_s'))} | "
                         f"{_ms(s.get('p99_s'))} | {_us(s.get('server_cpu_per_req_s'))} | "
                         f"{s.get('requests', 0):.0f} | {s['valid']}/{s['runs']} |")
        r = res["ratios"]
        lines.append(f"| {ROUTE_NAMES[route]} | **pyjwt_fast's advantage** | **{_ratio(r, 'rps')}** | "
                     f"{_ratio(r, 'p50_s')} | {_ratio(r, 'p99_s')} | {_ratio(r, 'server_cpu_per_req_s')} | | |")
    lines += ["", "Ratios are pyjwt_fast's advantage from the same run (requests/s: pyjwt_fast / PyJWT; "
              "latency and CPU: PyJWT / pyjwt_fast), medians, with the IQR of the per-repeat ratios. "
              "The load generator shares the two cores with the server, and the machine is shared: "
              "read the ratios and the server CPU per request, not one absolute figure."]
    for route in settings["routes"]:
        saved = results[route]["ratios"].get("server_cpu_saved_per_req_s")
        if saved is not None:
            lines += ["", f"{ROUTE_NAMES[route]}: server CPU per request, PyJWT - pyjwt_fast: {_us(saved)}."]
    if "login" in settings["routes"]:
        lines += ["", LOGIN_NOTE]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # so that the finally clauses stop the servers


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 repeats of 2 s runs: does it all work?")
    ap.add_argument("--repeats", type=int, help="runs per library and route (default 5, --quick 2)")
    ap.add_argument("--duration", type=float, help="seconds per /protected run (default 10, --quick 2)")
    ap.add_argument("--login-duration", type=float, help="seconds per /login run (default 5, --quick 2)")
    ap.add_argument("--no-login", action="store_true", help="measure GET /protected only")
    ap.add_argument("--warmup", type=float, help="seconds of load on each server before timing (default 3, --quick 1)")
    ap.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    ap.add_argument("--wrk-threads", dest="threads", type=int, default=1, help="wrk threads (default 1)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument("--worker-class", default="sync", choices=("sync", "gthread"),
                    help="gunicorn worker class (default sync, gunicorn's own default)")
    ap.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto",
                    help="load generator (default: wrk when installed, else the Python one)")
    ap.add_argument("--startup-timeout", type=float, default=30.0, help="seconds for a server to come up")
    ap.add_argument("--markdown", metavar="PATH", help="also write a section for RESULTS.md to PATH")
    ap.add_argument("--json", metavar="PATH", help="also write every run to PATH")
    if (sys.argv[1:] if argv is None else argv) == ["--loadgen-child"]:
        return loadgen_main()  # the Python load generator's own process
    args = ap.parse_args(argv)

    repeats = args.repeats or (2 if args.quick else 5)
    durations = {"protected": args.duration or (2.0 if args.quick else 10.0),
                 "login": args.login_duration or (2.0 if args.quick else 5.0)}
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    routes = ["protected"] if args.no_login else list(ROUTES)
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    if args.connections < args.threads:
        ap.error("--connections must be at least --wrk-threads")

    try:
        import gunicorn
    except ImportError:
        print("bench_e2e: gunicorn is not installed for this Python: "
              "pip install -r benchmarks/requirements-e2e.txt", file=sys.stderr)
        return 2
    if loadgen == "wrk" and not shutil.which("wrk"):
        print("bench_e2e: wrk is not installed (apt-get install wrk), or use --loadgen python",
              file=sys.stderr)
        return 2
    import jwt as pyjwt  # the reference: PyJWT itself
    import pyjwt_fast
    try:
        bl.check_libraries(pyjwt, pyjwt_fast, REFERENCE_PYJWT)
    except Refused as exc:
        print(f"bench_e2e: refused: {exc}", file=sys.stderr)
        return 2

    from importlib.metadata import version
    wrk_version = None
    if loadgen == "wrk":
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        wrk_version = (out.stdout + out.stderr).split("[")[0].strip() or "unknown"
    info = bl.machine_info(pyjwt, pyjwt_fast, extra={
        "gunicorn": gunicorn.__version__, "flask": version("flask"), "werkzeug": version("werkzeug"),
        "load generator": wrk_version or f"Python ({sys.version.split()[0]}, http.client, threads)",
    })
    settings: Dict[str, Any] = {
        "command": "python benchmarks/bench_e2e.py" + "".join(f" {a}" for a in (argv or sys.argv[1:])),
        "repeats": repeats, "durations": durations, "routes": routes, "warmup": warmup,
        "connections": args.connections, "threads": args.threads, "workers": args.workers,
        "worker_class": args.worker_class, "loadgen": loadgen, "gunicorn": gunicorn.__version__,
    }

    signal.signal(signal.SIGTERM, _terminate)
    secret = secrets.token_urlsafe(48)
    servers: Dict[str, Server] = {}
    runs: Dict[str, Dict[str, List[Dict[str, Any]]]] = {r: {lib: [] for lib in LIBS} for r in routes}
    with tempfile.TemporaryDirectory(prefix="pjf-e2e-") as workdir:
        try:
            for lib in LIBS:
                servers[lib] = Server(lib, workdir, args.workers, args.worker_class, args.startup_timeout)
                servers[lib].start(secret)
            verify(servers, pyjwt, pyjwt_fast, secret)
            for lib in LIBS:
                print(f"  {lib}: gunicorn on port {servers[lib].port}, workers "
                      f"{servers[lib].worker_pids()} loaded {servers[lib].worker_info[0]['module']} "
                      f"({servers[lib].worker_info[0]['native'] or servers[lib].worker_info[0]['file']})",
                      file=sys.stderr)
            if warmup > 0:
                for lib in LIBS:
                    one_run(servers[lib], "protected", args, loadgen, warmup, workdir)
            for rep in range(repeats):
                for route in routes:
                    for lib in LIBS:  # pyjwt_fast, PyJWT, pyjwt_fast, PyJWT, ...
                        res = one_run(servers[lib], route, args, loadgen, durations[route], workdir)
                        runs[route][lib].append(res)
                        print(f"  [{rep + 1}/{repeats}] {route:9} {lib:10} {res['rps']:8.0f} req/s  "
                              f"p50 {_ms(res['p50_s'])}  p99 {_ms(res['p99_s'])}  "
                              f"CPU/req {_us(res['server_cpu_per_req_s'])}"
                              + ("" if res["valid"] else
                                 f"  INVALID (non-2xx {res['non_2xx']}, errors {res['errors']})"),
                              file=sys.stderr, flush=True)
            for lib in LIBS:  # a worker that restarted would have logged a new line
                if len(servers[lib].read_worker_lines()) != args.workers:
                    print(f"warning: {lib}'s workers restarted during the run:\n"
                          f"{servers[lib].log_tail()}", file=sys.stderr)
        except Refused as exc:
            print(f"bench_e2e: refused: {exc}", file=sys.stderr)
            return 2
        finally:
            for server in servers.values():
                server.stop()
    info["load average (end)"] = bl.load_average()

    results = {route: summarise(runs[route]) for route in routes}
    print_text(info, settings, results)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(info, settings, results))
    if args.json:
        bl.write_json(args.json, {"machine": info, "settings": settings, "results": results, "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
