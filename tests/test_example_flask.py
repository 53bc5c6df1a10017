"""End-to-end tests of examples/flask_app.py over real HTTP on 127.0.0.1.

The app runs as a subprocess (`python examples/flask_app.py --port N`) with a
temporary database and a known secret; tokens it issues are checked with both
pyjwt_fast and PyJWT, and hostile tokens are crafted with the same secret.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import jwt as pyjwt  # the reference implementation, PyJWT 2.15.1
import pytest

import pyjwt_fast

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "flask_app.py"
SECRET = "example-test-secret-" + "0123456789abcdef" * 3  # 68 bytes: fine for HS512 too
ISSUER, AUDIENCE = "pyjwt-fast-example", "pyjwt-fast-example-api"
CHALLENGE_NO_ERROR = 'Bearer realm="pyjwt-fast-example"'
STARTUP_TIMEOUT_S = 15.0


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: Any  # decoded JSON


def child_env(**extra: str) -> dict[str, str]:
    """Environment for the app: the same pyjwt_fast as this test imported
    (stand-in, editable install or build tree), no stray configuration."""
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SECRET_KEY", "JWT_EXAMPLE_DB")}
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("flask_app")
    port, db, log_path = free_port(), tmp / "users.db", tmp / "server.log"
    with open(log_path, "wb") as log:
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
        yield {"port": port, "db": db}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def login(port: int, payload: Any, content_type: str = "application/json") -> Reply:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return send(port, "POST", "/login", body, {"Content-Type": content_type})


def get_protected(port: int, authorization: str | None) -> Reply:
    return send(port, "GET", "/protected", headers={} if authorization is None
                else {"Authorization": authorization})


@pytest.fixture(scope="module")
def token(server: dict[str, Any]) -> str:
    reply = login(server["port"], {"username": "demo", "password": "demo-password"})
    assert reply.status == 200, reply
    return str(reply.body["token"])


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "demo", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now,
            "exp": now + 600, "jti": "test"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# ------------------------------------------------------------------ login


def test_login_token_decodes_with_pyjwt_fast_and_pyjwt(server: dict[str, Any]) -> None:
    reply = login(server["port"], {"username": "demo", "password": "demo-password"})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    token = reply.body["token"]
    kwargs: dict[str, Any] = dict(
        algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER,
        options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud", "jti"]})
    fast = pyjwt_fast.decode(token, SECRET, **kwargs)
    reference = pyjwt.decode(token, SECRET, **kwargs)
    assert fast == reference
    assert pyjwt.get_unverified_header(token)["alg"] == "HS256"
    assert fast["sub"] == "demo"
    assert fast["nbf"] == fast["iat"] and abs(fast["iat"] - time.time()) < 60
    assert fast["exp"] - fast["iat"] == 15 * 60 == reply.body["expires_in"]
    assert isinstance(fast["jti"], str) and len(fast["jti"]) >= 16
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(token, "another-secret-" + "fedcba9876543210" * 4, **kwargs)


def test_each_login_gets_a_fresh_jti(server: dict[str, Any], token: str) -> None:
    other = login(server["port"], {"username": "demo", "password": "demo-password"}).body["token"]
    assert pyjwt.decode(other, options={"verify_signature": False})["jti"] != \
        pyjwt.decode(token, options={"verify_signature": False})["jti"]


@pytest.mark.parametrize("username, password", [("demo", "wrong"), ("nobody", "demo-password")])
def test_wrong_credentials_401(server: dict[str, Any], username: str, password: str) -> None:
    reply = login(server["port"], {"username": username, "password": password})
    assert reply.status == 401
    # Same answer for an unknown user and a wrong password: no user enumeration.
    assert reply.body == {"error": "invalid_credentials",
                          "error_description": "Wrong username or password"}


@pytest.mark.parametrize("body, content_type", [
    (b"this is not json", "application/json"),
    (b'{"username": "demo", "password": ', "application/json"),
    (b"username=demo&password=demo-password", "application/x-www-form-urlencoded"),
    (b'{"username": "demo", "password": "demo-password"}', "text/plain"),
    (b'["demo", "demo-password"]', "application/json"),
    (b"null", "application/json"),
    (b'"demo"', "application/json"),
    (b"", "application/json"),
    (b'{"username": "demo"}', "application/json"),
    (b'{"password": "demo-password"}', "application/json"),
    (b'{"username": 1, "password": "demo-password"}', "application/json"),
    (b'{"username": "demo", "password": ["demo-password"]}', "application/json"),
    (b'{"username": "", "password": "demo-password"}', "application/json"),
], ids=["garbage", "truncated", "form", "text-plain", "list", "null", "string", "empty",
        "no-password", "no-username", "int-username", "list-password", "empty-username"])
def test_malformed_login_body_400(server: dict[str, Any], body: bytes, content_type: str) -> None:
    reply = login(server["port"], body, content_type)
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"


def test_passwords_are_stored_hashed(server: dict[str, Any]) -> None:
    with sqlite3.connect(server["db"]) as conn:
        (stored,) = conn.execute(
            "SELECT password_hash FROM users WHERE username = 'demo'").fetchone()
    assert "demo-password" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


# -------------------------------------------------------------- protected


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_protected_with_token_200(server: dict[str, Any], token: str, scheme: str) -> None:
    reply = get_protected(server["port"], f"{scheme} {token}")
    assert reply.status == 200
    assert reply.body["user"] == "demo"
    assert reply.body["claims"] == pyjwt.decode(
        token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)


@pytest.mark.parametrize("authorization", [
    None,
    "",
    "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk",
    "Token {token}",
    "{token}",
], ids=["missing", "empty", "basic", "other-scheme", "no-scheme"])
def test_no_bearer_credentials_401_plain_challenge(
        server: dict[str, Any], token: str, authorization: str | None) -> None:
    reply = get_protected(
        server["port"], None if authorization is None else authorization.format(token=token))
    assert reply.status == 401
    # RFC 6750, 3.1: no error code when the request carried no bearer token.
    assert reply.headers["WWW-Authenticate"] == CHALLENGE_NO_ERROR
    assert reply.body["error"] == "unauthorized"


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Bearer two tokens"])
def test_malformed_bearer_header_400(server: dict[str, Any], authorization: str) -> None:
    reply = get_protected(server["port"], authorization)
    assert reply.status == 400
    assert 'error="invalid_request"' in reply.headers["WWW-Authenticate"]


def _flip_signature_char(token: str) -> str:
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2  # not the last char: it may carry only ignored padding bits
    return f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"


def _swap_payload(token: str) -> str:
    header, _, sig = token.split(".")
    return ".".join([header, b64(claims(sub="admin")), sig])


def _alg_none(_: str) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."


def _alg_none_with_signature(token: str) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.{token.rsplit('.', 1)[1]}"


def _signed(key: str = SECRET, algorithm: str = "HS256", **overrides: Any) -> Callable[[str], str]:
    return lambda _: pyjwt.encode(claims(**overrides), key, algorithm=algorithm)


BAD_TOKENS = {
    # name: (make(valid_token) -> bad token, expected error_description)
    "tampered-signature": (_flip_signature_char, "The access token signature is invalid"),
    "tampered-payload": (_swap_payload, "The access token signature is invalid"),
    "other-secret": (_signed(key="another-secret-" + "fedcba9876543210" * 4),
                     "The access token signature is invalid"),
    "expired": (_signed(iat=int(time.time()) - 3600, nbf=int(time.time()) - 3600,
                        exp=int(time.time()) - 60), "The access token expired"),
    "alg-none": (_alg_none, "The access token algorithm is not allowed"),
    "alg-none-signed": (_alg_none_with_signature, "The access token algorithm is not allowed"),
    "hs512": (_signed(algorithm="HS512"), "The access token algorithm is not allowed"),
    "not-yet-valid": (_signed(nbf=int(time.time()) + 3600), "The access token is not valid yet"),
    "wrong-audience": (_signed(aud="someone-else"), "The access token audience is invalid"),
    "wrong-issuer": (_signed(iss="someone-else"), "The access token issuer is invalid"),
    "no-exp": (_signed(exp=None), "The access token lacks a required claim"),
    "no-sub": (_signed(sub=None), "The access token lacks a required claim"),
    "unknown-user": (_signed(sub="mallory"), "The access token subject is unknown"),
    "garbage": (lambda _: "not-a-jwt", "The access token is malformed"),
    "two-segments": (lambda t: t.rsplit(".", 1)[0], "The access token is malformed"),
}


@pytest.mark.parametrize("name", list(BAD_TOKENS))
def test_bad_token_401_invalid_token(server: dict[str, Any], token: str, name: str) -> None:
    make, description = BAD_TOKENS[name]
    bad = make(token)
    assert bad != token
    reply = get_protected(server["port"], f"Bearer {bad}")
    assert reply.status == 401, reply.body
    assert reply.headers["WWW-Authenticate"] == (
        f'Bearer realm="pyjwt-fast-example", error="invalid_token", '
        f'error_description="{description}"')
    assert reply.body == {"error": "invalid_token", "error_description": description}


def test_unknown_route_is_json_404(server: dict[str, Any]) -> None:
    reply = send(server["port"], "GET", "/nope")
    assert reply.status == 404 and reply.body["error"] == "Not Found"


# ------------------------------------------------------------- processes


def test_demo_mode_runs_self_contained(tmp_path: Path) -> None:
    # Fresh-venv conditions: no secret, no database, an unrelated working dir.
    default_db_existed = (SCRIPT.parent / "users.db").exists()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--demo"], cwd=tmp_path, env=child_env(),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "POST /login demo / demo-password" in out and "-> 200" in out
    assert "GET /protected with the token" in out and "user='demo'" in out
    assert 'error="invalid_token"' in out
    no_token = [line for line in out.splitlines() if "without a token" in line]
    assert no_token and no_token[0].endswith(f"-> 401 WWW-Authenticate: {CHALLENGE_NO_ERROR}")
    assert "UNEXPECTED" not in out and out.rstrip().endswith(
        "Demo OK: every response was as expected")
    assert "JWT_SECRET_KEY is not set" in result.stderr  # the generated secret is shown
    assert list(tmp_path.iterdir()) == []  # the demo database was temporary
    assert (SCRIPT.parent / "users.db").exists() == default_db_existed


def test_short_secret_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--port", str(free_port()), "--db", str(tmp_path / "u.db")],
        env=child_env(JWT_SECRET_KEY="x" * 31), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "at least 32 bytes" in result.stderr
