"""End-to-end tests of examples/flask_helper_app.py over real HTTP on 127.0.0.1.

The app runs as a subprocess (`python examples/flask_helper_app.py --port N`)
with a temporary database and a known secret; tokens it issues are checked
with PyJWT, hostile tokens are crafted with the same secret, and revocations
are checked in the SQLite database and across a restart.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import jwt as pyjwt  # the reference implementation, PyJWT 2.15.1
import pytest

import pyjwt_fast

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "flask_helper_app.py"
SECRET = "helper-example-secret-" + "0123456789abcdef" * 3
ISSUER, AUDIENCE = "pyjwt-fast-helper-example", "pyjwt-fast-helper-example-api"
REALM = "pyjwt-fast-helper-example"
CHALLENGE_NO_ERROR = f'Bearer realm="{REALM}"'
STARTUP_TIMEOUT_S = 15.0
DECODE: dict[str, Any] = dict(algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: Any  # decoded JSON


def child_env(**extra: str) -> dict[str, str]:
    """Environment for the app: the same pyjwt_fast as this test imported, no
    stray configuration."""
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET_KEY"}
    package_root = str(Path(pyjwt_fast.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def send(port: int, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
        return Reply(resp.status, resp.headers, json.loads(raw) if raw else None)
    finally:
        conn.close()


@contextmanager
def running_server(db: Path, log_path: Path) -> Iterator[int]:
    """The example serving `db` on a free port until the block ends."""
    port = free_port()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--port", str(port), "--db", str(db)],
            env=child_env(JWT_SECRET_KEY=SECRET), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                send(port, "GET", "/protected")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"server not answering after {STARTUP_TIMEOUT_S}s:\n"
                                f"{log_path.read_text()}")
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("flask_helper_app")
    db = tmp / "app.db"
    with running_server(db, tmp / "server.log") as port:
        yield {"port": port, "db": db, "tmp": tmp}


def login(port: int, payload: Any = None, content_type: str = "application/json") -> Reply:
    payload = {"username": "demo", "password": "demo-password"} if payload is None else payload
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return send(port, "POST", "/login", body, {"Content-Type": content_type})


def with_token(port: int, method: str, path: str, token: str | None) -> Reply:
    return send(port, method, path,
                headers={} if token is None else {"Authorization": f"Bearer {token}"})


def session(port: int) -> tuple[str, str]:
    reply = login(port)
    assert reply.status == 200, reply
    return str(reply.body["access_token"]), str(reply.body["refresh_token"])


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "demo", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now,
            "exp": now + 600, "jti": "test-jti", "type": "access"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def assert_invalid_token(reply: Reply, description: str) -> None:
    assert reply.status == 401, reply.body
    assert reply.headers["WWW-Authenticate"] == (
        f'Bearer realm="{REALM}", error="invalid_token", error_description="{description}"')
    assert reply.body == {"error": "invalid_token", "error_description": description}


# ---------------------------------------------------------------------- login


def test_login_returns_access_and_refresh_tokens(server: dict[str, Any]) -> None:
    reply = login(server["port"])
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.body["token_type"] == "Bearer" and reply.body["expires_in"] == 15 * 60
    access = pyjwt.decode(reply.body["access_token"], SECRET, **DECODE)
    refresh = pyjwt.decode(reply.body["refresh_token"], SECRET, **DECODE)
    assert pyjwt_fast.decode(reply.body["access_token"], SECRET, **DECODE) == access
    assert (access["type"], refresh["type"]) == ("access", "refresh")
    assert access["sub"] == refresh["sub"] == "demo"
    assert access["sid"] == refresh["sid"]  # one login session
    assert access["jti"] != refresh["jti"]
    assert access["exp"] - access["iat"] == 15 * 60
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600
    assert abs(access["iat"] - time.time()) < 60
    assert pyjwt.get_unverified_header(reply.body["access_token"]) == {"alg": "HS256",
                                                                      "typ": "JWT"}


def test_each_login_is_a_new_session(server: dict[str, Any]) -> None:
    first, second = (pyjwt.decode(session(server["port"])[0], SECRET, **DECODE)
                     for _ in range(2))
    assert first["sid"] != second["sid"] and first["jti"] != second["jti"]


@pytest.mark.parametrize("username, password", [("demo", "wrong"), ("nobody", "demo-password")])
def test_wrong_credentials_401(server: dict[str, Any], username: str, password: str) -> None:
    reply = login(server["port"], {"username": username, "password": password})
    assert reply.status == 401
    assert reply.body == {"error": "invalid_credentials",
                          "error_description": "Wrong username or password"}


@pytest.mark.parametrize("body, content_type", [
    (b"this is not json", "application/json"),
    (b"username=demo&password=demo-password", "application/x-www-form-urlencoded"),
    (b'["demo", "demo-password"]', "application/json"),
    (b'{"username": "demo"}', "application/json"),
    (b'{"username": 1, "password": "demo-password"}', "application/json"),
    (b'{"username": "", "password": "demo-password"}', "application/json"),
], ids=["garbage", "form", "list", "no-password", "int-username", "empty-username"])
def test_malformed_login_body_400(server: dict[str, Any], body: bytes, content_type: str) -> None:
    reply = login(server["port"], body, content_type)
    assert reply.status == 400 and reply.body["error"] == "invalid_request"


def test_passwords_are_stored_hashed(server: dict[str, Any]) -> None:
    with sqlite3.connect(server["db"]) as conn:
        (stored,) = conn.execute(
            "SELECT password_hash FROM users WHERE username = 'demo'").fetchone()
    assert "demo-password" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


# ------------------------------------------------------------------ protected


def test_protected_returns_the_identity(server: dict[str, Any]) -> None:
    access, _ = session(server["port"])
    reply = with_token(server["port"], "GET", "/protected", access)
    assert reply.status == 200 and reply.body == {"user": "demo"}


@pytest.mark.parametrize("authorization", [None, "", "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk"],
                         ids=["missing", "empty", "basic"])
def test_no_bearer_credentials_401_plain_challenge(server: dict[str, Any],
                                                   authorization: str | None) -> None:
    reply = send(server["port"], "GET", "/protected",
                 headers={} if authorization is None else {"Authorization": authorization})
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == CHALLENGE_NO_ERROR  # RFC 6750, 3.1
    assert reply.body == {"error": "unauthorized", "error_description": "Missing bearer token"}


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer two tokens", 'Bearer "x"'])
def test_malformed_authorization_header_400(server: dict[str, Any], authorization: str) -> None:
    reply = send(server["port"], "GET", "/protected", headers={"Authorization": authorization})
    assert reply.status == 400
    assert reply.headers["WWW-Authenticate"] == (
        f'Bearer realm="{REALM}", error="invalid_request", '
        f'error_description="Malformed Authorization header"')
    assert reply.body["error"] == "invalid_request"


def _flip_signature_char(token: str) -> str:
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2
    return f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"


@pytest.mark.parametrize("make, description", [
    (_flip_signature_char, "Signature verification failed"),
    (lambda t: pyjwt.encode(claims(), "x" * 64, algorithm="HS256"),
     "Signature verification failed"),
    (lambda t: pyjwt.encode(claims(exp=int(time.time()) - 60), SECRET, algorithm="HS256"),
     "Token has expired"),
    (lambda t: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",
     "Token algorithm is not allowed"),
    (lambda t: pyjwt.encode(claims(), SECRET, algorithm="HS512"),
     "Token algorithm is not allowed"),
    (lambda t: pyjwt.encode(claims(aud="other"), SECRET, algorithm="HS256"), "Invalid audience"),
    (lambda t: pyjwt.encode(claims(iss="other"), SECRET, algorithm="HS256"), "Invalid issuer"),
    (lambda t: pyjwt.encode(claims(jti=None), SECRET, algorithm="HS256"),
     "Token is missing the jti claim"),
    (lambda t: "not-a-jwt", "Token is malformed"),
], ids=["tampered", "other-secret", "expired", "alg-none", "hs512", "audience", "issuer",
        "no-jti", "garbage"])
def test_bad_token_401(server: dict[str, Any], make: Any, description: str) -> None:
    access, _ = session(server["port"])
    assert_invalid_token(with_token(server["port"], "GET", "/protected", make(access)),
                         description)


def test_refresh_token_is_not_an_access_token(server: dict[str, Any]) -> None:
    _, refresh = session(server["port"])
    assert_invalid_token(with_token(server["port"], "GET", "/protected", refresh),
                         "Only access tokens are allowed")


# -------------------------------------------------------------------- refresh


def test_refresh_issues_a_new_access_token(server: dict[str, Any]) -> None:
    access, refresh = session(server["port"])
    reply = with_token(server["port"], "POST", "/refresh", refresh)
    assert reply.status == 200 and reply.headers["Cache-Control"] == "no-store"
    assert set(reply.body) == {"access_token", "token_type", "expires_in"}
    new, old = (pyjwt.decode(t, SECRET, **DECODE) for t in (reply.body["access_token"], access))
    assert new["type"] == "access" and new["sub"] == "demo"
    assert new["sid"] == old["sid"] and new["jti"] != old["jti"]
    assert with_token(server["port"], "GET", "/protected",
                      reply.body["access_token"]).status == 200


def test_refresh_needs_a_refresh_token(server: dict[str, Any]) -> None:
    access, _ = session(server["port"])
    assert_invalid_token(with_token(server["port"], "POST", "/refresh", access),
                         "Only refresh tokens are allowed")
    reply = with_token(server["port"], "POST", "/refresh", None)
    assert reply.status == 401 and reply.headers["WWW-Authenticate"] == CHALLENGE_NO_ERROR


# --------------------------------------------------------------------- logout


def revocations(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT kind, value FROM revocations"))


def test_logout_revokes_the_token_and_its_session(server: dict[str, Any]) -> None:
    port = server["port"]
    access, refresh = session(port)
    other_access, other_refresh = session(port)  # another login: unaffected
    refreshed = with_token(port, "POST", "/refresh", refresh).body["access_token"]
    claims_ = pyjwt.decode(access, SECRET, **DECODE)

    reply = with_token(port, "POST", "/logout", access)
    assert reply.status == 200 and reply.body == {"revoked": claims_["jti"]}
    assert {("jti", claims_["jti"]), ("sid", claims_["sid"])} <= revocations(server["db"])

    for method, path, token in (("GET", "/protected", access), ("GET", "/protected", refreshed),
                                ("POST", "/refresh", refresh), ("POST", "/logout", access)):
        assert_invalid_token(with_token(port, method, path, token), "Token has been revoked")
    assert with_token(port, "GET", "/protected", other_access).status == 200
    assert with_token(port, "POST", "/refresh", other_refresh).status == 200


def test_logout_needs_an_access_token(server: dict[str, Any]) -> None:
    _, refresh = session(server["port"])
    assert_invalid_token(with_token(server["port"], "POST", "/logout", refresh),
                         "Only access tokens are allowed")
    assert with_token(server["port"], "POST", "/logout", None).status == 401


def test_revocations_survive_a_restart(server: dict[str, Any]) -> None:
    access, refresh = session(server["port"])
    assert with_token(server["port"], "POST", "/logout", access).status == 200
    with running_server(server["db"], server["tmp"] / "restart.log") as port:
        assert_invalid_token(with_token(port, "GET", "/protected", access),
                             "Token has been revoked")
        assert_invalid_token(with_token(port, "POST", "/refresh", refresh),
                             "Token has been revoked")
        fresh, _ = session(port)
        assert with_token(port, "GET", "/protected", fresh).status == 200


def test_unknown_route_is_json_404(server: dict[str, Any]) -> None:
    reply = send(server["port"], "GET", "/nope")
    assert reply.status == 404 and reply.body["error"] == "Not Found"


# ------------------------------------------------------------------ processes


def test_demo_mode_runs_self_contained(tmp_path: Path) -> None:
    # Fresh-venv conditions: no secret, no database, an unrelated working dir.
    default_db = SCRIPT.with_name("flask_helper_app.db")
    default_db_existed = default_db.exists()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--demo"], cwd=tmp_path, env=child_env(),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()

    def line(label: str) -> str:
        found = [ln for ln in lines if ln.strip().startswith(label)]
        assert len(found) == 1, (label, result.stdout)
        return found[0]

    assert line("POST /login demo / demo-password").split("->")[1].startswith(" 200")
    assert line("GET /protected with the access token").endswith("-> 200 user='demo'")
    assert line("GET /protected without a token").endswith(
        f"-> 401 WWW-Authenticate: {CHALLENGE_NO_ERROR}")
    assert " 200 " in line("POST /refresh with the refresh token")
    assert " 200 " in line("POST /logout with the new access token")
    for label in ("GET /protected with the logged-out token",
                  "POST /refresh with the session's refresh token"):
        assert line(label).endswith("-> 401 Token has been revoked")
    assert "UNEXPECTED" not in result.stdout
    assert result.stdout.rstrip().endswith("Demo OK: every response was as expected")
    assert "JWT_SECRET_KEY is not set" in result.stderr  # the generated secret is shown
    assert list(tmp_path.iterdir()) == []  # the demo database was temporary
    assert default_db.exists() == default_db_existed


@pytest.mark.parametrize("secret, message", [("x" * 31, "at least 32"),
                                             ("", "JWT_SECRET_KEY must be set")])
def test_unusable_secret_is_refused(tmp_path: Path, secret: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--port", str(free_port()), "--db", str(tmp_path / "a.db")],
        env=child_env(JWT_SECRET_KEY=secret), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not secret or secret not in result.stderr  # never echoed
