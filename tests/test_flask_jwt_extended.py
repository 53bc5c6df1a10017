"""Flask-JWT-Extended 4.7.4 on pyjwt_fast.

1. FJE's own test suite, taken unmodified from its source archive, runs once
   on PyJWT (the baseline) and once with `jwt` resolving to pyjwt_fast
   through install(), called by a `-p` plugin before anything imports
   flask_jwt_extended. Every test that passes on PyJWT must pass on pyjwt_fast,
   except those listed in docs/compat.md ("Flask-JWT-Extended's test suite").
2. A small FJE app answers the same requests identically on PyJWT and on
   pyjwt_fast, and on pyjwt_fast every jwt call FJE makes per request
   (encode, decode with verification, the unverified decode and
   get_unverified_header) stays on the C fast path: the Python layer's steps
   are patched to raise, so any call that leaves the fast path fails.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import pyjwt_fast

ROOT = Path(__file__).resolve().parent.parent
VERSION = "4.7.4"
SDIST = f"flask_jwt_extended-{VERSION}.tar.gz"
CACHE = Path(os.environ.get("PJF_FJE_SDIST_DIR", ROOT / "tests" / ".fje-sdist"))
KEYS = ROOT / "tests" / "keys"
PACKAGE_ROOT = str(Path(pyjwt_fast.__file__).resolve().parent.parent)

INSTALL_PLUGIN = """\
import pyjwt_fast

pyjwt_fast.install()
"""

# Records which jwt module FJE really used, for the parent to check.
PROBE_PLUGIN = """\
import json
import os
import sys


def pytest_sessionfinish(session, exitstatus):
    tokens = sys.modules.get("flask_jwt_extended.tokens")
    fje = sys.modules.get("flask_jwt_extended")
    with open(os.environ["PJF_FJE_PROBE"], "w") as out:
        json.dump({
            "jwt": getattr(sys.modules.get("jwt"), "__name__", None),
            "fje_jwt": getattr(getattr(tokens, "jwt", None), "__name__", None),
            "fje_file": getattr(fje, "__file__", None),
        }, out)
"""


# ------------------------------------------------------------- the FJE suite


def require(module: str, hint: str) -> None:
    """Skip without `module`; in CI (CI set) fail instead, a skip would hide the check."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is not installed: {hint}")
        pytest.skip(f"{module} is not installed: {hint}")


def deselected() -> list[str]:
    """Node ids listed in docs/compat.md's section on FJE's test suite."""
    text = (ROOT / "docs" / "compat.md").read_text(encoding="utf-8")
    if "## Flask-JWT-Extended's test suite" not in text:
        return []
    section = text.split("## Flask-JWT-Extended's test suite", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(tests/test_\w+\.py::[\w:\[\]\-.]+)`", section)


def fetch_sdist() -> Path:
    path = CACHE / SDIST
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", f"flask-jwt-extended=={VERSION}", "-d", str(CACHE)],
            check=True, timeout=300,
        )
    return path


def outcomes(junit: Path) -> dict[str, str]:
    """node id -> passed / failed / error / skipped, from a junit XML report."""
    result = {}
    for case in ET.parse(junit).iter("testcase"):
        module, _, cls = case.get("classname", "").partition(".test_")
        module_path = f"{module.replace('.', '/')}/test_{cls.split('.')[0]}.py"
        inner = cls.split(".")[1:]
        node = "::".join([module_path, *inner, case.get("name", "")])
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        result[node] = "failed" if "failure" in kinds else (kinds[0] if kinds else "passed")
    return result


def run_suite(suite: Path, plugins: Path, tag: str, *, install: bool) -> tuple[dict[str, str],
                                                                             dict[str, Any], str]:
    junit, probe = suite.parent / f"{tag}.xml", suite.parent / f"{tag}-probe.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugins), PACKAGE_ROOT,
                                                      env.get("PYTHONPATH")]))
    env["PJF_FJE_PROBE"] = str(probe)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if install:
        args += ["-p", "pjf_install_jwt"]  # before anything imports flask_jwt_extended
    args += ["-p", "pjf_fje_probe", "-c", str(plugins / "pytest.ini"), "--rootdir", str(suite),
             f"--junitxml={junit}", str(suite / "tests")]
    for node in deselected() if install else []:
        args += ["--deselect", str(suite / node)]
    proc = subprocess.run(args, cwd=suite, env=env, capture_output=True, text=True, timeout=600)
    tail = "\n".join(proc.stdout.splitlines()[-40:]) + "\n" + proc.stderr[-2000:]
    assert junit.exists() and probe.exists(), f"the {tag} run did not complete:\n{tail}"
    return outcomes(junit), json.loads(probe.read_text()), tail


def summary(results: dict[str, str]) -> str:
    counts = {k: list(results.values()).count(k) for k in ("passed", "failed", "error", "skipped")}
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n)


def test_fje_suite_passes_on_pyjwt_fast(tmp_path: Path) -> None:
    for module in ("dateutil", "cryptography", "jwt"):  # what FJE's tests import
        require(module, "FJE's test suite needs python-dateutil, cryptography and PyJWT")
    try:
        sdist = fetch_sdist()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        if os.environ.get("CI"):
            raise
        pytest.skip("Flask-JWT-Extended's source archive could not be downloaded")

    top = f"flask_jwt_extended-{VERSION}/"
    with tarfile.open(sdist) as tar:
        # Its tests and the package they test, both from the pinned release.
        members = [m for m in tar.getmembers()
                   if m.name.startswith((top + "tests/", top + "flask_jwt_extended/"))]
        tar.extractall(tmp_path, members=members)  # noqa: S202 - PyPI's archive of a pinned release
    suite = tmp_path / top
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "pjf_install_jwt.py").write_text(INSTALL_PLUGIN)
    (plugins / "pjf_fje_probe.py").write_text(PROBE_PLUGIN)
    (plugins / "pytest.ini").write_text("[pytest]\n")  # no stray configuration

    baseline, base_probe, base_tail = run_suite(suite, plugins, "pyjwt", install=False)
    fast, fast_probe, fast_tail = run_suite(suite, plugins, "pyjwt_fast", install=True)
    print(f"FJE {VERSION} suite on PyJWT:      {summary(baseline)}")
    print(f"FJE {VERSION} suite on pyjwt_fast: {summary(fast)} "
          f"({len(deselected())} deselected by docs/compat.md)")

    # Each run used the jwt it was meant to, and FJE from the archive.
    assert base_probe["jwt"] == base_probe["fje_jwt"] == "jwt", base_probe
    assert fast_probe["jwt"] == fast_probe["fje_jwt"] == "pyjwt_fast", fast_probe
    for probe in (base_probe, fast_probe):
        assert str(probe["fje_file"]).startswith(str(suite)), probe

    assert baseline and not [n for n, o in baseline.items() if o in ("failed", "error")], \
        f"FJE's suite fails on PyJWT itself (environment?):\n{base_tail}"
    regressions = sorted(n for n, o in fast.items() if o in ("failed", "error"))
    assert not regressions, f"FJE tests failing on pyjwt_fast: {regressions}\n{fast_tail}"
    expected = {n for n, o in baseline.items() if o == "passed"} - {
        n for n in baseline if any(n.startswith(d) for d in deselected())}
    assert {n for n, o in fast.items() if o == "passed"} == expected


# ------------------------------------------------- FJE app: same answers, in C

APP_SCRIPT = r'''
import json
import sys
from datetime import timedelta
from pathlib import Path

mode, keys = sys.argv[1], Path(sys.argv[2])
calls = []
if mode.startswith("fast"):
    import pyjwt_fast

    pyjwt_fast.install()  # before flask_jwt_extended imports jwt
if mode == "fast":
    from pyjwt_fast.api_jws import PyJWS
    from pyjwt_fast.api_jwt import PyJWT

    def refuse(name):
        def method(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} ran: the call left the C fast path")
        return method

    for cls, names in ((PyJWT, ["decode_complete", "_decode_payload", "_validate_claims",
                                "_encode_payload"]),
                       (PyJWS, ["encode", "decode_complete", "_load", "_verify_signature",
                                "_validate_headers"])):
        for name in names:
            setattr(cls, name, refuse(f"{cls.__name__}.{name}"))

import jwt
from flask import Flask, jsonify
from flask_jwt_extended import (
    JWTManager, create_access_token, create_refresh_token, decode_token, get_jwt,
    get_jwt_header, get_jwt_identity, get_unverified_jwt_headers, jwt_required,
)

if sys.argv[3:] == ["objects"]:  # cryptography key objects instead of PEM strings
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key, load_pem_public_key)
    def pem(name):
        data = (keys / name).read_bytes()
        return load_pem_private_key(data, None) if "priv" in name else load_pem_public_key(data)
    SCENARIOS = {
        "ES256-objects": {"JWT_ALGORITHM": "ES256", "JWT_PRIVATE_KEY": pem("p256_priv_pkcs8.pem"),
                          "JWT_PUBLIC_KEY": pem("p256_pub_spki.pem")},
    }
else:
    def pem(name):
        return (keys / name).read_text()
    SCENARIOS = {
        "HS256": {},
        "HS512-aud-iss-leeway": {"JWT_ALGORITHM": "HS512", "JWT_ENCODE_AUDIENCE": "api",
                                 "JWT_DECODE_AUDIENCE": ["web", "api"], "JWT_ENCODE_ISSUER": "me",
                                 "JWT_DECODE_ISSUER": "me", "JWT_DECODE_LEEWAY": 5},
        "HS256-decode-algorithms-nbf": {"JWT_DECODE_ALGORITHMS": ["HS384", "HS256"],
                                        "JWT_ENCODE_NBF": True},
        "HS256-cookies": {"JWT_TOKEN_LOCATION": ["cookies"]},
        "HS256-no-exp": {"JWT_ACCESS_TOKEN_EXPIRES": False},
        "RS256": {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY": pem("rsa2048_priv_pkcs8.pem"),
                  "JWT_PUBLIC_KEY": pem("rsa2048_pub_spki.pem")},
        "PS384": {"JWT_ALGORITHM": "PS384", "JWT_PRIVATE_KEY": pem("rsa2048_priv_pkcs1.pem"),
                  "JWT_PUBLIC_KEY": pem("rsa2048_pub_pkcs1.pem")},
        "ES256": {"JWT_ALGORITHM": "ES256", "JWT_PRIVATE_KEY": pem("p256_priv_pkcs8.pem"),
                  "JWT_PUBLIC_KEY": pem("p256_pub_spki.pem")},
        "ES512": {"JWT_ALGORITHM": "ES512", "JWT_PRIVATE_KEY": pem("p521_priv_sec1.pem"),
                  "JWT_PUBLIC_KEY": pem("p521_pub_spki.pem")},
        "EdDSA": {"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY": pem("ed25519_priv_pkcs8.pem"),
                  "JWT_PUBLIC_KEY": pem("ed25519_pub_spki.pem")},
    }
SECRET = "fje-test-secret-" + "0123456789abcdef" * 4


def flip(token):
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2
    return f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"


def run(name, config):
    app = Flask(name)
    app.config["JWT_SECRET_KEY"] = SECRET
    app.config.update(config)
    JWTManager(app)

    def whoami():
        return jsonify(user=get_jwt_identity(), claims=sorted(get_jwt()),
                       header=get_jwt_header())

    app.add_url_rule("/p", "p", jwt_required()(whoami))
    app.add_url_rule("/o", "o", jwt_required(optional=True)(whoami))
    app.add_url_rule("/r", "r", jwt_required(refresh=True)(whoami), methods=["POST"])
    app.add_url_rule("/f", "f", jwt_required(fresh=True)(whoami))
    with app.test_request_context():
        access = create_access_token("alice", fresh=timedelta(minutes=5),
                                     additional_claims={"roles": ["a"], "n": 1.5},
                                     additional_headers={"kid": "k1"})
        refresh = create_refresh_token("alice")
        stale = create_access_token("alice", fresh=False)
        expired = create_access_token("alice", expires_delta=timedelta(seconds=-30))
        decoded = decode_token(access)
        expired_claims = decode_token(expired, allow_expired=True)
        unverified = get_unverified_jwt_headers(access)
    forged_none = (jwt.utils.base64url_encode(b'{"alg":"none"}').decode() + "."
                   + access.split(".")[1] + ".")
    alg = config.get("JWT_ALGORITHM", "HS256")
    alg = alg if alg.startswith("HS") else "HS256"
    foreign_aud, foreign_iss = (
        jwt.encode({"sub": "alice", "aud": aud, "iss": iss, "type": "access"}, SECRET,
                   algorithm=alg)
        for aud, iss in (("other", "me"), ("api", "you")))
    cookies = config.get("JWT_TOKEN_LOCATION") == ["cookies"]

    def get(path, token, method="get"):
        client = app.test_client()
        if token is None:
            resp = getattr(client, method)(path)
        elif cookies:
            client.set_cookie("access_token_cookie" if path != "/r" else "refresh_token_cookie",
                              token)
            resp = getattr(client, method)(path)
        else:
            resp = getattr(client, method)(path, headers={"Authorization": f"Bearer {token}"})
        return [resp.status_code, resp.get_json()]

    answers = {
        "access": get("/p", access),
        "optional-none": get("/o", None),
        "optional-access": get("/o", access),
        "fresh": get("/f", access),
        "stale": get("/f", stale),
        "refresh-as-access": get("/p", refresh),
        "refresh": get("/r", refresh, "post") if not cookies else None,
        "access-as-refresh": get("/r", access, "post") if not cookies else None,
        "missing": get("/p", None),
        "tampered": get("/p", flip(access)),
        "expired": get("/p", expired),
        "garbage": get("/p", "abc"),
        "alg-none": get("/p", forged_none),
        "foreign-aud": get("/p", foreign_aud),
        "foreign-iss": get("/p", foreign_iss),
        "decode_token": sorted(decoded),
        "expired-claims": sorted(expired_claims),
        "unverified-header": unverified,
    }
    return answers


out = {"results": {name: run(name, config) for name, config in SCENARIOS.items()}}
# The control: a call that needs the Python layer trips the spies.
try:
    jwt.decode(jwt.encode({"a": 1}, SECRET), SECRET, algorithms=["HS256"], verify=True)
except AssertionError:
    pass
out["calls"] = calls
print(json.dumps(out))
'''


def run_app_script(mode: str, *extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-c", APP_SCRIPT, mode, str(KEYS), *extra],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.splitlines()[-1]))


@pytest.fixture()
def needs_fje() -> None:
    require("flask_jwt_extended", f"pip install flask-jwt-extended=={VERSION}")


@pytest.fixture(scope="module")
def pyjwt_answers() -> dict[str, Any]:
    require("flask_jwt_extended", f"pip install flask-jwt-extended=={VERSION}")
    answers = run_app_script("pyjwt")
    assert answers["calls"] == []
    return dict(answers["results"])


def test_fje_app_same_answers_and_no_python_path(pyjwt_answers: dict[str, Any]) -> None:
    fast = run_app_script("fast")
    # Only the control call reached the Python layer (and was refused there).
    assert fast["calls"] == ["PyJWT.decode_complete"], fast["calls"]
    assert fast["results"] == pyjwt_answers
    hs256 = fast["results"]["HS256"]
    assert hs256["access"] == [200, {
        "user": "alice", "header": {"alg": "HS256", "typ": "JWT", "kid": "k1"},
        "claims": ["csrf", "exp", "fresh", "iat", "jti", "n", "nbf", "roles", "sub", "type"]}]
    # FJE puts PyJWT's messages into its responses: they must be identical.
    assert hs256["tampered"] == [422, {"msg": "Signature verification failed"}]
    assert hs256["expired"] == [401, {"msg": "Token has expired"}]
    assert hs256["alg-none"] == [422, {"msg": "The specified alg value is not allowed"}]
    checked = fast["results"]["HS512-aud-iss-leeway"]
    assert checked["foreign-aud"] == [422, {"msg": "Audience doesn't match"}]
    assert checked["foreign-iss"] == [422, {"msg": "Invalid issuer"}]
    for results in fast["results"].values():
        assert results["access"][0] == 200 and results["missing"][0] == 401


@pytest.mark.usefixtures("needs_fje")
def test_fje_app_with_key_objects_stays_on_the_fast_path() -> None:
    fast = run_app_script("fast", "objects")
    assert fast["calls"] == ["PyJWT.decode_complete"], fast["calls"]


@pytest.mark.usefixtures("needs_fje")
def test_fje_app_with_key_objects_same_answers() -> None:
    baseline = run_app_script("pyjwt", "objects")["results"]
    fast = run_app_script("fast-unpatched", "objects")["results"]
    assert fast == baseline
