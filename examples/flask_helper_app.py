"""Login / refresh / logout app on pyjwt_fast.flask, the first-party Flask helper.

    python examples/flask_helper_app.py --demo        # self-contained walk-through, exits
    python examples/flask_helper_app.py --port 8000   # serve on http://127.0.0.1:8000

    curl -s -X POST localhost:8000/login -H 'Content-Type: application/json' \\
         -d '{"username": "demo", "password": "demo-password"}'
    curl -s localhost:8000/protected -H "Authorization: Bearer $ACCESS"
    curl -s -X POST localhost:8000/refresh -H "Authorization: Bearer $REFRESH"
    curl -s -X POST localhost:8000/logout -H "Authorization: Bearer $ACCESS"

Logging out revokes the presented access token (its jti) and the login
session it belongs to (its sid), so the session's refresh token stops working
too. Revocations are stored in SQLite beside the users and checked on every
request by the helper's token_in_blocklist_loader.

Configuration:
  JWT_SECRET_KEY  (environment) HMAC secret, at least 32 bytes. When unset a
                  random one is generated and printed to stderr; tokens then
                  die with the process.
  --db PATH       SQLite database of users and revocations. The default is
                  flask_helper_app.db next to this script (ignored by git).
                  --demo always uses a fresh temporary database.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.serving import make_server

from pyjwt_fast.flask import (
    JWT,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

ISSUER = "pyjwt-fast-helper-example"
AUDIENCE = "pyjwt-fast-helper-example-api"
REALM = "pyjwt-fast-helper-example"
ACCESS_LIFETIME_S = 15 * 60
REFRESH_LIFETIME_S = 30 * 24 * 3600
DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
DEFAULT_DB = Path(__file__).resolve().with_name("flask_helper_app.db")


def init_db(db_path: str | os.PathLike[str]) -> None:
    """Create the tables and the demo user if they do not exist yet."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS users ("
            " username TEXT PRIMARY KEY, password_hash TEXT NOT NULL)"
        )
        # kind 'jti': one token; kind 'sid': every token of a login session.
        # expires_at: when the revoked tokens expire anyway and the row can go.
        conn.execute(
            "CREATE TABLE IF NOT EXISTS revocations ("
            " kind TEXT NOT NULL CHECK (kind IN ('jti', 'sid')), value TEXT NOT NULL,"
            " expires_at INTEGER NOT NULL, PRIMARY KEY (kind, value))"
        )
        conn.execute(
            "INSERT OR IGNORE INTO users (username, password_hash) VALUES (?, ?)",
            (DEMO_USER, generate_password_hash(DEMO_PASSWORD)),
        )


def password_hash_of(db_path: str | os.PathLike[str], username: str) -> str | None:
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute(
            "SELECT password_hash FROM users WHERE username = ?", (username,)
        ).fetchone()
    return row[0] if row else None


def is_revoked(db_path: str | os.PathLike[str], jti: str, sid: str | None) -> bool:
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute(
            "SELECT 1 FROM revocations WHERE (kind = 'jti' AND value = ?)"
            " OR (kind = 'sid' AND value = ?) LIMIT 1",
            (jti, sid),
        ).fetchone()
    return row is not None


def revoke(db_path: str | os.PathLike[str], jti: str, sid: str | None, token_exp: int) -> None:
    now = int(time.time())
    rows = [("jti", jti, token_exp)]
    if sid is not None:  # a session's refresh tokens live at most REFRESH_LIFETIME_S
        rows.append(("sid", sid, now + REFRESH_LIFETIME_S))
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executemany(
            "INSERT OR REPLACE INTO revocations (kind, value, expires_at) VALUES (?, ?, ?)", rows
        )
        conn.execute("DELETE FROM revocations WHERE expires_at < ?", (now,))


def json_error(status: int, error: str, description: str) -> Response:
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


def token_response(**tokens: str) -> Response:
    response = jsonify(**tokens, token_type="Bearer", expires_in=ACCESS_LIFETIME_S)
    response.headers["Cache-Control"] = "no-store"  # RFC 6749, 5.1
    return response


def create_app(*, secret: str, db_path: str | os.PathLike[str]) -> Flask:
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=16 * 1024,
        JWT_SECRET_KEY=secret,
        JWT_ALGORITHM="HS256",
        JWT_ACCESS_TOKEN_EXPIRES=ACCESS_LIFETIME_S,
        JWT_REFRESH_TOKEN_EXPIRES=REFRESH_LIFETIME_S,
        JWT_ISSUER=ISSUER,
        JWT_AUDIENCE=AUDIENCE,
        JWT_REALM=REALM,
    )
    jwt = JWT(app)  # checks the secret: ValueError if it is too short
    init_db(db_path)
    # Checked against when the user does not exist, so that an unknown user
    # costs the same time as a wrong password (no user enumeration by timing).
    dummy_hash = generate_password_hash(secrets.token_urlsafe(16))

    @jwt.token_in_blocklist_loader
    def token_revoked(header: dict[str, Any], payload: dict[str, Any]) -> bool:
        return is_revoked(db_path, payload["jti"], payload.get("sid"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return json_error(exc.code or 500, exc.name, exc.description or exc.name)

    @app.post("/login")
    def login() -> Response:
        body = request.get_json(silent=True)  # None unless a JSON content type
        if not isinstance(body, dict):
            return json_error(400, "invalid_request", "Send a JSON object")
        username, password = body.get("username"), body.get("password")
        if not (isinstance(username, str) and username):
            return json_error(400, "invalid_request", "username must be a non-empty string")
        if not (isinstance(password, str) and password):
            return json_error(400, "invalid_request", "password must be a non-empty string")

        stored = password_hash_of(db_path, username)
        password_ok = check_password_hash(stored or dummy_hash, password)
        if stored is None or not password_ok:
            return json_error(401, "invalid_credentials", "Wrong username or password")

        sid = secrets.token_urlsafe(16)  # the login session, shared by its tokens
        return token_response(
            access_token=create_access_token(username, sid=sid),
            refresh_token=create_refresh_token(username, sid=sid),
        )

    @app.post("/refresh")
    @jwt_required(refresh=True)
    def refresh() -> Response:
        identity = get_jwt_identity()
        assert identity is not None  # not optional: the helper checked it
        sid = get_jwt().get("sid")
        extra = {"sid": sid} if isinstance(sid, str) else {}
        return token_response(access_token=create_access_token(identity, **extra))

    @app.post("/logout")
    @jwt_required()
    def logout() -> Response:
        claims = get_jwt()
        revoke(db_path, claims["jti"], claims.get("sid"), claims["exp"])
        return jsonify(revoked=claims["jti"])

    @app.get("/protected")
    @jwt_required()
    def protected() -> Response:
        return jsonify(user=get_jwt_identity())

    return app


# --------------------------------------------------------------------- demo


Reply = tuple[int, dict[str, str], Any]  # status, headers, decoded JSON body


def call(url: str, data: dict[str, Any] | None = None, token: str | None = None,
         method: str | None = None) -> Reply:
    """One JSON request; 4xx/5xx answers are returned, not raised."""
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.load(resp)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), json.load(err)


def run_demo(secret: str) -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(secret=secret, db_path=Path(tmp) / "demo.db")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.port}"
        print(f"Demo server on {base} (temporary database)")
        failures: list[str] = []

        def step(label: str, expected: int, got: Reply, note: str = "") -> None:
            status, _, body = got
            if not note and isinstance(body, dict) and "error_description" in body:
                note = body["error_description"]
            print(f"  {label:<48} -> {status} {note}")
            if status != expected:
                failures.append(f"{label}: expected {expected}, got {status} {body}")

        def post(path: str, token: str | None = None, data: dict[str, Any] | None = None) -> Reply:
            return call(f"{base}{path}", data, token, method="POST")

        try:
            got = post("/login", data={"username": DEMO_USER, "password": DEMO_PASSWORD})
            access = got[2].get("access_token", "") if got[0] == 200 else ""
            refresh = got[2].get("refresh_token", "") if got[0] == 200 else ""
            step("POST /login demo / demo-password", 200, got, f"access {access[:20]}...")
            step("POST /login demo / wrong password", 401,
                 post("/login", data={"username": DEMO_USER, "password": "guess"}))
            got = call(f"{base}/protected", token=access)
            step("GET /protected with the access token", 200, got, f"user={got[2].get('user')!r}")
            got = call(f"{base}/protected")
            step("GET /protected without a token", 401, got,
                 f"WWW-Authenticate: {got[1].get('WWW-Authenticate')}")
            step("GET /protected with the refresh token", 401,
                 call(f"{base}/protected", token=refresh))
            step("POST /refresh with the access token", 401, post("/refresh", access))
            got = post("/refresh", refresh)
            fresh = got[2].get("access_token", "") if got[0] == 200 else ""
            step("POST /refresh with the refresh token", 200, got, f"access {fresh[:20]}...")
            got = call(f"{base}/protected", token=fresh)
            step("GET /protected with the new access token", 200, got,
                 f"user={got[2].get('user')!r}")
            got = post("/logout", fresh)
            step("POST /logout with the new access token", 200, got,
                 f"revoked jti {got[2].get('revoked')!r}")
            for label, path, tok in (
                ("GET /protected with the logged-out token", "/protected", fresh),
                ("GET /protected with the first access token", "/protected", access),
                ("POST /refresh with the session's refresh token", "/refresh", refresh),
            ):
                got = call(f"{base}{path}", token=tok, method="POST" if path == "/refresh" else None)
                step(label, 401, got)
                if got[0] == 401 and got[2].get("error_description") != "Token has been revoked":
                    failures.append(f"{label}: not refused as revoked: {got[2]}")
        except (OSError, ValueError) as exc:  # connection trouble, non-JSON body
            failures.append(f"request failed: {exc!r}")
        finally:
            server.shutdown()
            thread.join()
            server.server_close()

    for failure in failures:
        print(f"UNEXPECTED: {failure}")
    print("Demo FAILED" if failures else "Demo OK: every response was as expected")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--port", type=int, default=5000, help="serve on 127.0.0.1:PORT")
    mode.add_argument("--demo", action="store_true", help="run a self-contained demo and exit")
    parser.add_argument("--db", default=str(DEFAULT_DB),
                        help="SQLite database of users and revocations (default: %(default)s)")
    args = parser.parse_args(argv)

    secret = os.environ.get("JWT_SECRET_KEY")
    if secret is None:
        secret = secrets.token_urlsafe(32)
        print(f"JWT_SECRET_KEY is not set; generated one for this run:\n"
              f"  export JWT_SECRET_KEY='{secret}'", file=sys.stderr)
    try:
        if args.demo:
            return run_demo(secret)
        app = create_app(secret=secret, db_path=args.db)
    except (ValueError, RuntimeError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # debug/reloader off: the reloader would restart with a new generated secret.
    app.run(host="127.0.0.1", port=args.port, threaded=True, debug=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
