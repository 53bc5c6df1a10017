"""Login / protected-route Flask app using pyjwt_fast (a drop-in for PyJWT).

    python examples/flask_app.py --demo        # self-contained walk-through, exits
    python examples/flask_app.py --port 8000   # serve on http://127.0.0.1:8000

    curl -s -X POST localhost:8000/login -H 'Content-Type: application/json' \\
         -d '{"username": "demo", "password": "demo-password"}'
    curl -s localhost:8000/protected -H "Authorization: Bearer $TOKEN"

Configuration (environment):
  JWT_SECRET_KEY  HMAC secret, at least 32 bytes. When unset a random one is
                  generated and printed to stderr; tokens then die with the
                  process.
  JWT_EXAMPLE_DB  SQLite users database (also --db). The default is users.db
                  next to this script (ignored by git): it survives restarts
                  and, unlike a fixed name in the shared temp dir, cannot be
                  planted by another local user. --demo always uses a fresh
                  temporary database.
  PJF_EXAMPLE_JWT pyjwt: use PyJWT instead of pyjwt_fast (benchmarks only).
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

# PJF_EXAMPLE_JWT=pyjwt serves the same app with PyJWT itself, for the
# end-to-end comparison in benchmarks/bench_e2e.py; anything else: pyjwt_fast.
if os.environ.get("PJF_EXAMPLE_JWT") == "pyjwt":
    import jwt
else:
    import pyjwt_fast as jwt

ALGORITHM = "HS256"
ISSUER = "pyjwt-fast-example"
AUDIENCE = "pyjwt-fast-example-api"
REALM = "pyjwt-fast-example"
TOKEN_LIFETIME_S = 15 * 60
MIN_SECRET_BYTES = 32
DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
DEFAULT_DB = Path(__file__).resolve().with_name("users.db")

# error_description for each failure, most specific class first. Fixed strings
# rather than str(exc): they must not contain '"' or '\' (RFC 6750, 3).
TOKEN_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "The access token expired"),
    (jwt.ImmatureSignatureError, "The access token is not valid yet"),
    (jwt.InvalidSignatureError, "The access token signature is invalid"),
    (jwt.InvalidAlgorithmError, "The access token algorithm is not allowed"),
    (jwt.InvalidAudienceError, "The access token audience is invalid"),
    (jwt.InvalidIssuerError, "The access token issuer is invalid"),
    (jwt.MissingRequiredClaimError, "The access token lacks a required claim"),
    (jwt.DecodeError, "The access token is malformed"),
    (jwt.InvalidTokenError, "The access token is invalid"),
)


def init_db(db_path: str | os.PathLike[str]) -> None:
    """Create the users table and the demo user if they do not exist yet."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS users ("
            " username TEXT PRIMARY KEY, password_hash TEXT NOT NULL)"
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


def json_error(
    status: int, error: str, description: str, challenge: str | None = None
) -> Response:
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    if challenge is not None:
        response.headers["WWW-Authenticate"] = challenge
    return response


def bearer_challenge(error: str | None = None, description: str = "") -> str:
    params = [f'realm="{REALM}"']
    if error:
        params += [f'error="{error}"', f'error_description="{description}"']
    return "Bearer " + ", ".join(params)


def create_app(*, secret: str, db_path: str | os.PathLike[str]) -> Flask:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
    init_db(db_path)
    # Checked against when the user does not exist, so that an unknown user
    # costs the same time as a wrong password (no user enumeration by timing).
    dummy_hash = generate_password_hash(secrets.token_urlsafe(16))

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024

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

        now = int(time.time())
        claims = {
            "sub": username,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME_S,
            "jti": secrets.token_urlsafe(16),
        }
        token = jwt.encode(claims, secret, algorithm=ALGORITHM)
        response = jsonify(token=token, token_type="Bearer", expires_in=TOKEN_LIFETIME_S)
        response.headers["Cache-Control"] = "no-store"  # RFC 6749, 5.1
        return response

    @app.get("/protected")
    def protected() -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            # No credentials, or another scheme (Basic, ...): RFC 6750, 3.1 says
            # the challenge SHOULD NOT carry an error code then, the client may
            # simply not know that authentication is needed.
            return json_error(
                401, "unauthorized", "Send Authorization: Bearer <token>", bearer_challenge()
            )
        token = token.strip()
        if not token or " " in token:  # no or several values: RFC 6750, 3.1 -> 400
            description = "Malformed Authorization header"
            return json_error(
                400, "invalid_request", description,
                bearer_challenge("invalid_request", description),
            )
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],  # never taken from the token itself
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as exc:
            description = next(text for cls, text in TOKEN_ERRORS if isinstance(exc, cls))
            return json_error(
                401, "invalid_token", description,
                bearer_challenge("invalid_token", description),
            )
        if password_hash_of(db_path, claims["sub"]) is None:  # user since deleted
            description = "The access token subject is unknown"
            return json_error(
                401, "invalid_token", description,
                bearer_challenge("invalid_token", description),
            )
        return jsonify(user=claims["sub"], claims=claims)

    return app


# --------------------------------------------------------------------- demo


Reply = tuple[int, dict[str, str], Any]  # status, headers, decoded JSON body


def call(url: str, data: dict[str, Any] | None = None, token: str | None = None) -> Reply:
    """One JSON request; 4xx/5xx answers are returned, not raised."""
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.load(resp)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), json.load(err)


def tamper(token: str) -> str:
    """Change one character in the middle of the signature. (The last one may
    only hold padding bits, which base64 decoders are free to ignore.)"""
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2
    return f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"


def run_demo(secret: str) -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(secret=secret, db_path=Path(tmp) / "users.db")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.port}"
        print(f"Demo server on {base} (temporary database)")
        failures: list[str] = []

        def step(label: str, expected: int, got: Reply, note: str) -> None:
            status = got[0]
            print(f"  {label:<38} -> {status} {note}")
            if status != expected:
                failures.append(f"{label}: expected {expected}, got {status} {got[2]}")

        try:
            login = call(f"{base}/login", {"username": DEMO_USER, "password": DEMO_PASSWORD})
            token = login[2].get("token", "") if login[0] == 200 else ""
            step("POST /login demo / demo-password", 200, login, f"token {token[:24]}...")
            wrong = call(f"{base}/login", {"username": DEMO_USER, "password": "guess"})
            step("POST /login demo / wrong password", 401, wrong, wrong[2].get("error", ""))
            ok = call(f"{base}/protected", token=token)
            step("GET /protected with the token", 200, ok, f"user={ok[2].get('user')!r}")
            for label, tok in (("with a tampered token", tamper(token)), ("without a token", None)):
                got = call(f"{base}/protected", token=tok)
                step(f"GET /protected {label}", 401, got,
                     f"WWW-Authenticate: {got[1].get('WWW-Authenticate')}")
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--port", type=int, default=5000, help="serve on 127.0.0.1:PORT")
    mode.add_argument("--demo", action="store_true", help="run a self-contained demo and exit")
    parser.add_argument(
        "--db", default=os.environ.get("JWT_EXAMPLE_DB", str(DEFAULT_DB)),
        help="SQLite users database (default: $JWT_EXAMPLE_DB or %(default)s)",
    )
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
    except (ValueError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # debug/reloader off: the reloader would restart with a new generated secret.
    app.run(host="127.0.0.1", port=args.port, threaded=True, debug=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
