"""pyjwt_fast.flask, the first-party Flask helper, in process with Flask's test client.

Tokens it issues are checked with PyJWT (the reference), hostile tokens are
made with PyJWT and the same keys, and every error is checked against
RFC 6750: status, WWW-Authenticate challenge and JSON body.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt as pyjwt  # the reference implementation, PyJWT 2.15.1
import pytest
from flask import Flask, Response, jsonify
from flask.testing import FlaskClient

import pyjwt_fast
from pyjwt_fast.api_jws import PyJWS
from pyjwt_fast.api_jwt import PyJWT
from pyjwt_fast.flask import (
    JWT,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

KEYS = Path(__file__).resolve().parent / "keys"
SECRET = "helper-test-secret-" + "0123456789abcdef" * 4  # 83 bytes: enough for HS512
OTHER_SECRET = "another-secret-" + "fedcba9876543210" * 4
RESERVED = ["sub", "iat", "nbf", "exp", "jti", "type", "iss", "aud"]
# RFC 6750, 3: the characters error_description and realm may hold.
QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")


def key(name: str) -> str:
    return (KEYS / name).read_text()


ASYMMETRIC = {
    # alg: (private PEM, public PEM)
    "RS256": ("rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem"),
    "RS384": ("rsa2048_priv_pkcs1.pem", "rsa2048_pub_pkcs1.pem"),
    "RS512": ("rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem"),
    "PS256": ("rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem"),
    "PS384": ("rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem"),
    "PS512": ("rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem"),
    "ES256": ("p256_priv_pkcs8.pem", "p256_pub_spki.pem"),
    "ES384": ("p384_priv_sec1.pem", "p384_pub_spki.pem"),
    "ES512": ("p521_priv_pkcs8.pem", "p521_pub_spki.pem"),
    "ES256K": ("secp256k1_priv_pkcs8.pem", "secp256k1_pub_spki.pem"),
    "EdDSA": ("ed25519_priv_pkcs8.pem", "ed25519_pub_spki.pem"),
}


# ------------------------------------------------------------------ fixtures


def make_app(**config: Any) -> tuple[Flask, JWT]:
    """An app with one route per decorator flavour; JWT_SECRET_KEY=SECRET
    unless an asymmetric algorithm or an explicit secret is configured."""
    app = Flask(__name__)
    if "JWT_SECRET_KEY" not in config and "JWT_PRIVATE_KEY" not in config:
        config["JWT_SECRET_KEY"] = SECRET
    app.config.update(config)
    ext = JWT(app)

    def whoami() -> Response:
        return jsonify(identity=get_jwt_identity(), claims=get_jwt())

    app.add_url_rule("/access", "access", jwt_required()(whoami))
    app.add_url_rule("/refresh", "refresh", jwt_required(refresh=True)(whoami),
                     methods=["POST"])
    app.add_url_rule("/optional", "optional", jwt_required(optional=True)(whoami))
    app.add_url_rule("/optional-refresh", "optional_refresh",
                     jwt_required(optional=True, refresh=True)(whoami))
    app.add_url_rule("/preflight", "preflight", jwt_required()(lambda: "ok"),
                     methods=["GET", "OPTIONS"], provide_automatic_options=False)
    return app, ext


@pytest.fixture()
def app_ext() -> tuple[Flask, JWT]:
    return make_app()


@pytest.fixture()
def app(app_ext: tuple[Flask, JWT]) -> Flask:
    return app_ext[0]


@pytest.fixture()
def ext(app_ext: tuple[Flask, JWT]) -> JWT:
    return app_ext[1]


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def tokens(app: Flask, identity: str = "alice", /, **claims: Any) -> tuple[str, str]:
    with app.app_context():
        return create_access_token(identity, **claims), create_refresh_token(identity, **claims)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(**overrides: Any) -> dict[str, Any]:
    """Claims the helper accepts as an access token; None removes one."""
    now = int(time.time())
    base = {"sub": "alice", "iat": now, "nbf": now, "exp": now + 600, "jti": "j1",
            "type": "access"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def b64(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_rfc6750(resp: Any, status: int, error: str, description: str,
                   realm: str | None = None) -> None:
    """The default error format: status, challenge and JSON body."""
    assert resp.status_code == status, resp.get_json()
    assert QUOTABLE.fullmatch(description)
    params = [f'realm="{realm}"'] if realm else []
    params += [f'error="{error}"', f'error_description="{description}"']
    assert resp.headers["WWW-Authenticate"] == "Bearer " + ", ".join(params)
    assert resp.mimetype == "application/json"
    assert resp.get_json() == {"error": error, "error_description": description}


# ------------------------------------------------------------ token creation


def test_access_token_claims(app: Flask) -> None:
    before = int(time.time())
    access, _ = tokens(app, "alice", role="admin", scopes=["a", "b"])
    header = pyjwt.get_unverified_header(access)
    assert header == {"alg": "HS256", "typ": "JWT"}
    payload = pyjwt.decode(access, SECRET, algorithms=["HS256"])
    assert payload["sub"] == "alice"
    assert payload["type"] == "access"
    assert before <= payload["iat"] == payload["nbf"] <= int(time.time())
    assert payload["exp"] - payload["iat"] == 15 * 60
    assert isinstance(payload["jti"], str) and len(payload["jti"]) >= 22  # 128 random bits
    assert payload["role"] == "admin" and payload["scopes"] == ["a", "b"]
    assert "iss" not in payload and "aud" not in payload
    assert pyjwt_fast.decode(access, SECRET, algorithms=["HS256"]) == payload


def test_refresh_token_claims(app: Flask) -> None:
    _, refresh = tokens(app)
    payload = pyjwt.decode(refresh, SECRET, algorithms=["HS256"])
    assert payload["type"] == "refresh" and payload["sub"] == "alice"
    assert payload["exp"] - payload["iat"] == 30 * 24 * 3600


def test_every_token_gets_a_fresh_jti(app: Flask) -> None:
    jtis = {pyjwt.decode(t, SECRET, algorithms=["HS256"])["jti"]
            for _ in range(20) for t in tokens(app)}
    assert len(jtis) == 40


@pytest.mark.parametrize("access, refresh, expected", [
    (timedelta(minutes=5), timedelta(hours=2), (300, 7200)),
    (60, 3600, (60, 3600)),
    (90.5, 7200.0, (90, 7200)),
])
def test_lifetimes_from_config(access: Any, refresh: Any, expected: tuple[int, int]) -> None:
    app, _ = make_app(JWT_ACCESS_TOKEN_EXPIRES=access, JWT_REFRESH_TOKEN_EXPIRES=refresh)
    got = tuple(
        (p := pyjwt.decode(t, SECRET, algorithms=["HS256"]))["exp"] - p["iat"]
        for t in tokens(app))
    assert got == expected


@pytest.mark.parametrize("audience", ["api", ["api", "admin"]])
def test_issuer_and_audience_are_set_and_required(audience: Any) -> None:
    app, _ = make_app(JWT_ISSUER="https://issuer.example", JWT_AUDIENCE=audience)
    access, _ = tokens(app)
    payload = pyjwt.decode(access, SECRET, algorithms=["HS256"], issuer="https://issuer.example",
                           audience="api")
    assert payload["iss"] == "https://issuer.example" and payload["aud"] == audience
    assert app.test_client().get("/access", headers=bearer(access)).status_code == 200


@pytest.mark.parametrize("claim", RESERVED)
def test_claims_the_helper_sets_cannot_be_passed(app: Flask, claim: str) -> None:
    with app.app_context(), pytest.raises(ValueError, match=claim):
        create_access_token("alice", **{claim: "x"})


def test_a_claim_may_be_called_identity(app: Flask) -> None:
    access, _ = tokens(app, "alice", identity="not the subject")
    payload = pyjwt.decode(access, SECRET, algorithms=["HS256"])
    assert payload["sub"] == "alice" and payload["identity"] == "not the subject"


@pytest.mark.parametrize("identity", [42, None, b"alice", ["alice"], {"id": 1}, 1.5])
def test_identity_must_be_a_str(app: Flask, identity: Any) -> None:
    with app.app_context():
        for create in (create_access_token, create_refresh_token):
            with pytest.raises(TypeError, match="identity must be a str"):
                create(identity)


def test_identity_must_not_be_empty(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="empty"):
        create_access_token("")


def test_create_token_needs_an_initialised_app() -> None:
    with Flask(__name__).app_context(), pytest.raises(RuntimeError, match="not initialised"):
        create_access_token("alice")


# ----------------------------------------------------------- jwt_required()


@pytest.mark.parametrize("authorization", [
    "Bearer {t}", "bearer {t}", "BEARER {t}", "Bearer   {t}", "  Bearer {t}  ",
])
def test_access_token_accepted(app: Flask, client: FlaskClient, authorization: str) -> None:
    access, _ = tokens(app, "alice", role="admin")
    resp = client.get("/access", headers={"Authorization": authorization.format(t=access)})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["identity"] == "alice"
    assert body["claims"] == pyjwt.decode(access, SECRET, algorithms=["HS256"])


def test_refresh_token_accepted_where_required(app: Flask, client: FlaskClient) -> None:
    _, refresh = tokens(app)
    resp = client.post("/refresh", headers=bearer(refresh))
    assert resp.status_code == 200
    assert resp.get_json()["claims"]["type"] == "refresh"


def test_refresh_token_refused_where_access_required(app: Flask, client: FlaskClient) -> None:
    _, refresh = tokens(app)
    assert_rfc6750(client.get("/access", headers=bearer(refresh)), 401, "invalid_token",
                   "Only access tokens are allowed")


def test_access_token_refused_where_refresh_required(app: Flask, client: FlaskClient) -> None:
    access, _ = tokens(app)
    assert_rfc6750(client.post("/refresh", headers=bearer(access)), 401, "invalid_token",
                   "Only refresh tokens are allowed")


@pytest.mark.parametrize("token_type", ["Access", "id", "", None, 1, ["access"]])
def test_unknown_token_type_refused(client: FlaskClient, token_type: Any) -> None:
    token = pyjwt.encode(claims(type=token_type), SECRET, algorithm="HS256")
    resp = client.get("/access", headers=bearer(token))
    description = ("Token is missing the type claim" if token_type is None
                   else "Only access tokens are allowed")
    assert_rfc6750(resp, 401, "invalid_token", description)


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": ""}, {"Authorization": "   "},
    {"Authorization": "Basic YWxpY2U6c2VjcmV0"}, {"Authorization": "Token abc.def.ghi"},
    {"Authorization": "Bearerabc.def.ghi"},
], ids=["missing", "empty", "blank", "basic", "other-scheme", "no-space"])
def test_no_bearer_credentials_401_challenge_without_error(
        client: FlaskClient, headers: dict[str, str]) -> None:
    resp = client.get("/access", headers=headers)
    assert resp.status_code == 401
    # RFC 6750, 3.1: no error code when the request carried no bearer token.
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    assert resp.get_json() == {"error": "unauthorized",
                               "error_description": "Missing bearer token"}


def test_realm_in_every_challenge() -> None:
    app, _ = make_app(JWT_REALM="example api")
    client = app.test_client()
    assert client.get("/access").headers["WWW-Authenticate"] == 'Bearer realm="example api"'
    assert_rfc6750(client.get("/access", headers=bearer("a.b.c")), 401, "invalid_token",
                   "Token is malformed", realm="example api")
    assert_rfc6750(client.get("/access", headers={"Authorization": "Bearer a b"}), 400,
                   "invalid_request", "Malformed Authorization header", realm="example api")


@pytest.mark.parametrize("authorization", [
    "Bearer", "Bearer ", "Bearer two tokens", "Bearer a.b.c,d.e.f", 'Bearer "a.b.c"',
    "Bearer a.b.c;", "Bearer =abc", "Bearer a\tb",
])
def test_malformed_authorization_header_400(client: FlaskClient, authorization: str) -> None:
    resp = client.get("/access", headers={"Authorization": authorization})
    assert_rfc6750(resp, 400, "invalid_request", "Malformed Authorization header")


def _flip_signature_char(token: str) -> str:
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2  # not the last char: it may carry only ignored padding bits
    return f"{head}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1:]}"


def _signed(key: str = SECRET, algorithm: str = "HS256",
            **overrides: Any) -> Callable[[str], str]:
    return lambda _: pyjwt.encode(claims(**overrides), key, algorithm=algorithm)


NOW = int(time.time())
BAD_TOKENS: dict[str, tuple[Callable[[str], str], str]] = {
    # name: (make(valid access token) -> bad token, error_description)
    "tampered-signature": (_flip_signature_char, "Signature verification failed"),
    "tampered-payload": (lambda t: ".".join([t.split(".")[0], b64(claims(sub="admin")),
                                             t.split(".")[2]]),
                         "Signature verification failed"),
    "other-secret": (_signed(key=OTHER_SECRET), "Signature verification failed"),
    "empty-signature": (lambda t: t.rsplit(".", 1)[0] + ".", "Signature verification failed"),
    "expired": (_signed(iat=NOW - 3600, nbf=NOW - 3600, exp=NOW - 60), "Token has expired"),
    "not-yet-valid": (_signed(nbf=NOW + 3600), "Token is not yet valid"),
    "issued-in-future": (_signed(iat=NOW + 3600), "Token is not yet valid"),
    "alg-none": (lambda _: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",
                 "Token algorithm is not allowed"),
    "alg-none-signed": (lambda t: f"{b64({'alg': 'none'})}.{b64(claims())}.{t.split('.')[2]}",
                        "Token algorithm is not allowed"),
    "hs512": (_signed(algorithm="HS512"), "Token algorithm is not allowed"),
    "rs256": (_signed(key=key("rsa2048_priv_pkcs8.pem"), algorithm="RS256"),
              "Token algorithm is not allowed"),
    "no-alg": (lambda _: f"{b64({'typ': 'JWT'})}.{b64(claims())}.c2ln",
               "Token algorithm is not allowed"),
    "no-exp": (_signed(exp=None), "Token is missing the exp claim"),
    "no-iat": (_signed(iat=None), "Token is missing the iat claim"),
    "no-sub": (_signed(sub=None), "Token is missing the sub claim"),
    "no-jti": (_signed(jti=None), "Token is missing the jti claim"),
    "no-type": (_signed(type=None), "Token is missing the type claim"),
    "int-sub": (_signed(sub=42), "Invalid subject"),
    "int-jti": (_signed(jti=42), "Invalid token id"),
    "str-iat": (_signed(iat="yesterday"), "Invalid issued-at time"),
    "str-exp": (_signed(exp="tomorrow"), "Token is malformed"),
    "unexpected-aud": (_signed(aud="someone"), "Invalid audience"),
    "garbage": (lambda _: "not-a-jwt", "Token is malformed"),
    "two-segments": (lambda t: t.rsplit(".", 1)[0], "Token is malformed"),
    "four-segments": (lambda t: t + ".abc", "Token is malformed"),
    "bad-base64": (lambda t: "e" + t, "Token is malformed"),
    "header-not-object": (lambda t: f"{b64([1])}.{t.split('.', 1)[1]}", "Token is malformed"),
    "payload-not-object": (lambda _: pyjwt_fast.api_jws.PyJWS().encode(
        b"[1]", SECRET, algorithm="HS256"), "Token is malformed"),
    "payload-not-json": (lambda _: pyjwt_fast.api_jws.PyJWS().encode(
        b"{", SECRET, algorithm="HS256"), "Token is malformed"),
}


@pytest.mark.parametrize("name", list(BAD_TOKENS))
def test_bad_token_401_invalid_token(app: Flask, client: FlaskClient, name: str) -> None:
    make, description = BAD_TOKENS[name]
    access, _ = tokens(app)
    bad = make(access)
    assert bad != access
    assert_rfc6750(client.get("/access", headers=bearer(bad)), 401, "invalid_token", description)


def test_bad_tokens_match_pyjwt_verdict(app: Flask) -> None:
    """Every bad token above is refused by PyJWT too, with the helper's options."""
    access, _ = tokens(app)
    for name, (make, _) in BAD_TOKENS.items():
        with pytest.raises(pyjwt.InvalidTokenError):
            pyjwt.decode(make(access), SECRET, algorithms=["HS256"],
                         options={"require": ["exp", "iat", "sub", "jti", "type"]})
            print(f"PyJWT accepted {name}")  # pragma: no cover


TOKEN_ISS_AUD = [(None, None), ("me", None), (None, "api"), ("you", None), (None, "web"),
                 ("me", "api")]


@pytest.mark.parametrize("config, expected", [
    # expected error_description per TOKEN_ISS_AUD entry; None: accepted
    ({}, [None, None, "Invalid audience", None, "Invalid audience", "Invalid audience"]),
    ({"JWT_ISSUER": "me"},
     ["Token is missing the iss claim", None, "Token is missing the iss claim", "Invalid issuer",
      "Token is missing the iss claim", "Invalid audience"]),
    ({"JWT_AUDIENCE": "api"},
     ["Token is missing the aud claim", "Token is missing the aud claim", None,
      "Token is missing the aud claim", "Invalid audience", None]),
    ({"JWT_ISSUER": "me", "JWT_AUDIENCE": ["web", "api"]},
     ["Token is missing the iss claim", "Token is missing the aud claim",
      "Token is missing the iss claim", "Token is missing the aud claim",
      "Token is missing the iss claim", None]),
], ids=["neither", "issuer", "audience", "both"])
def test_issuer_and_audience_checks(config: dict[str, Any], expected: list[str | None]) -> None:
    """Unconfigured iss is not checked; an aud the app does not expect is refused
    (PyJWT's rule); configured ones are required and must match."""
    app, _ = make_app(**config)
    client = app.test_client()
    for (iss, aud), description in zip(TOKEN_ISS_AUD, expected):
        token = pyjwt.encode(claims(iss=iss, aud=aud), SECRET, algorithm="HS256")
        resp = client.get("/access", headers=bearer(token))
        if description is None:
            assert resp.status_code == 200, (iss, aud, resp.get_json())
        else:
            assert_rfc6750(resp, 401, "invalid_token", description)


def test_missing_configured_claims_named() -> None:
    app, _ = make_app(JWT_ISSUER="me", JWT_AUDIENCE="api")
    client = app.test_client()
    for claim, other in (("iss", {"aud": "api"}), ("aud", {"iss": "me"})):
        token = pyjwt.encode(claims(**other), SECRET, algorithm="HS256")
        assert_rfc6750(client.get("/access", headers=bearer(token)), 401, "invalid_token",
                       f"Token is missing the {claim} claim")


@pytest.mark.parametrize("leeway", [10, 10.0, timedelta(seconds=10)])
def test_leeway(leeway: Any) -> None:
    token = pyjwt.encode(claims(iat=NOW - 100, nbf=NOW - 100, exp=int(time.time()) - 5),
                         SECRET, algorithm="HS256")
    strict, _ = make_app()
    lenient, _ = make_app(JWT_LEEWAY=leeway)
    assert strict.test_client().get("/access", headers=bearer(token)).status_code == 401
    assert lenient.test_client().get("/access", headers=bearer(token)).status_code == 200


def test_optional_without_token(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Basic YWxpY2U6c2VjcmV0"}):
        for path in ("/optional", "/optional-refresh"):
            resp = client.get(path, headers=headers)
            assert resp.status_code == 200
            assert resp.get_json() == {"identity": None, "claims": {}}


def test_optional_with_token(app: Flask, client: FlaskClient) -> None:
    access, refresh = tokens(app)
    assert client.get("/optional", headers=bearer(access)).get_json()["identity"] == "alice"
    assert client.get("/optional-refresh", headers=bearer(refresh)).get_json()["identity"] == \
        "alice"


def test_optional_still_refuses_bad_credentials(app: Flask, client: FlaskClient) -> None:
    access, refresh = tokens(app)
    assert_rfc6750(client.get("/optional", headers=bearer(_flip_signature_char(access))), 401,
                   "invalid_token", "Signature verification failed")
    assert_rfc6750(client.get("/optional", headers=bearer(refresh)), 401, "invalid_token",
                   "Only access tokens are allowed")
    assert_rfc6750(client.get("/optional", headers={"Authorization": "Bearer a b"}), 400,
                   "invalid_request", "Malformed Authorization header")


def test_state_is_per_request(app: Flask, client: FlaskClient) -> None:
    access, _ = tokens(app, "alice")
    other, _ = tokens(app, "bob")
    assert client.get("/optional", headers=bearer(access)).get_json()["identity"] == "alice"
    assert client.get("/optional").get_json() == {"identity": None, "claims": {}}
    assert client.get("/access", headers=bearer(other)).get_json()["identity"] == "bob"


def test_get_jwt_outside_a_protected_view(app: Flask) -> None:
    with app.test_request_context("/"):
        with pytest.raises(RuntimeError, match="jwt_required"):
            get_jwt()
        with pytest.raises(RuntimeError, match="jwt_required"):
            get_jwt_identity()


def test_cors_preflight_needs_no_token(client: FlaskClient) -> None:
    assert client.options("/preflight").status_code == 200
    assert client.get("/preflight").status_code == 401


def test_decorator_without_parentheses_is_an_error() -> None:
    with pytest.raises(TypeError, match="parentheses"):
        jwt_required(lambda: "x")  # type: ignore[arg-type]


def test_decorator_keeps_the_view_name_and_doc() -> None:
    def view() -> str:
        """Docstring."""
        return "x"

    wrapped = jwt_required()(view)
    assert wrapped.__name__ == "view" and wrapped.__doc__ == "Docstring."


def test_async_view() -> None:
    pytest.importorskip("asgiref")  # Flask runs async views through asgiref
    app, _ = make_app()

    @app.get("/async")
    @jwt_required()
    async def async_view() -> dict[str, Any]:
        return {"identity": get_jwt_identity()}

    access, _ = tokens(app)
    assert app.test_client().get("/async", headers=bearer(access)).get_json() == \
        {"identity": "alice"}


def test_one_extension_several_apps() -> None:
    ext = JWT()
    apps = []
    for secret in (SECRET, OTHER_SECRET):
        app = Flask(__name__)
        app.config["JWT_SECRET_KEY"] = secret
        ext.init_app(app)
        app.add_url_rule("/access", "access", jwt_required()(lambda: jsonify(get_jwt_identity())))
        apps.append(app)
    first, second = (tokens(app)[0] for app in apps)
    assert apps[0].test_client().get("/access", headers=bearer(first)).status_code == 200
    assert apps[1].test_client().get("/access", headers=bearer(second)).status_code == 200
    assert apps[1].test_client().get("/access", headers=bearer(first)).status_code == 401


def test_pyjwt_made_token_accepted(client: FlaskClient) -> None:
    token = pyjwt.encode(claims(sub="carol"), SECRET, algorithm="HS256")
    assert client.get("/access", headers=bearer(token)).get_json()["identity"] == "carol"


# ------------------------------------------------------------------ blocklist


def test_blocklist_loader_revokes(app: Flask, ext: JWT, client: FlaskClient) -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    revoked: set[str] = set()

    @ext.token_in_blocklist_loader
    def check(header: dict[str, Any], payload: dict[str, Any]) -> bool:
        seen.append((header, payload))
        return payload["jti"] in revoked

    access, refresh = tokens(app)
    assert client.get("/access", headers=bearer(access)).status_code == 200
    assert seen == [({"alg": "HS256", "typ": "JWT"},
                     pyjwt.decode(access, SECRET, algorithms=["HS256"]))]
    revoked.add(seen[0][1]["jti"])
    assert_rfc6750(client.get("/access", headers=bearer(access)), 401, "invalid_token",
                   "Token has been revoked")
    assert client.post("/refresh", headers=bearer(refresh)).status_code == 200


def test_blocklist_not_consulted_for_refused_tokens(app: Flask, ext: JWT,
                                                    client: FlaskClient) -> None:
    calls: list[str] = []
    @ext.token_in_blocklist_loader
    def check(header: dict[str, Any], payload: dict[str, Any]) -> bool:
        calls.append(payload["jti"])
        return False

    access, refresh = tokens(app)
    client.get("/access", headers=bearer(_flip_signature_char(access)))
    client.get("/access", headers=bearer(refresh))  # wrong type
    client.get("/access", headers=bearer(pyjwt.encode(claims(exp=NOW - 60), SECRET)))
    client.get("/access")
    assert calls == []


def test_blocklist_loader_is_returned_unchanged(ext: JWT) -> None:
    def check(header: dict[str, Any], payload: dict[str, Any]) -> bool:
        return False

    assert ext.token_in_blocklist_loader(check) is check


# -------------------------------------------------------------------- loaders


def test_unauthorized_loader(ext: JWT, client: FlaskClient) -> None:
    @ext.unauthorized_loader
    def unauthorized(description: str) -> tuple[dict[str, str], int]:
        return {"msg": description}, 403

    resp = client.get("/access")
    assert resp.status_code == 403 and resp.get_json() == {"msg": "Missing bearer token"}


def test_custom_401_gets_a_challenge_if_it_has_none(ext: JWT, client: FlaskClient) -> None:
    ext.unauthorized_loader(lambda description: ({"msg": description}, 401))
    resp = client.get("/access")
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
    ext.unauthorized_loader(
        lambda d: ({"msg": d}, 401, {"WWW-Authenticate": 'Bearer realm="mine"'}))
    assert client.get("/access").headers["WWW-Authenticate"] == 'Bearer realm="mine"'


def test_invalid_request_loader(ext: JWT, client: FlaskClient) -> None:
    ext.invalid_request_loader(lambda description: ({"msg": description}, 400))
    resp = client.get("/access", headers={"Authorization": "Bearer a b"})
    assert resp.status_code == 400
    assert resp.get_json() == {"msg": "Malformed Authorization header"}
    assert "WWW-Authenticate" not in resp.headers  # only a 401 must carry one


def test_invalid_token_loader(app: Flask, ext: JWT, client: FlaskClient) -> None:
    descriptions: list[str] = []

    @ext.invalid_token_loader
    def invalid(description: str) -> Response:
        descriptions.append(description)
        return Response("nope", status=401, headers={"WWW-Authenticate": "Bearer"})

    access, refresh = tokens(app)
    for token in (_flip_signature_char(access), refresh, "garbage"):
        resp = client.get("/access", headers=bearer(token))
        assert resp.status_code == 401 and resp.data == b"nope"
    assert descriptions == ["Signature verification failed", "Only access tokens are allowed",
                            "Token is malformed"]


def test_invalid_token_loader_covers_expired_and_revoked_by_default(
        app: Flask, ext: JWT, client: FlaskClient) -> None:
    ext.invalid_token_loader(lambda description: ({"msg": description}, 401))
    ext.token_in_blocklist_loader(lambda h, p: p["sub"] == "revoked")
    expired = pyjwt.encode(claims(exp=NOW - 60), SECRET)
    revoked, _ = tokens(app, "revoked")
    assert client.get("/access", headers=bearer(expired)).get_json() == \
        {"msg": "Token has expired"}
    assert client.get("/access", headers=bearer(revoked)).get_json() == \
        {"msg": "Token has been revoked"}


def test_expired_token_loader_gets_the_verified_claims(ext: JWT, client: FlaskClient) -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    @ext.expired_token_loader
    def expired(header: dict[str, Any], payload: dict[str, Any]) -> tuple[str, int]:
        seen.append((header, payload))
        return "expired", 419

    payload = claims(exp=NOW - 60)
    resp = client.get("/access", headers=bearer(pyjwt.encode(payload, SECRET)))
    assert resp.status_code == 419 and resp.data == b"expired"
    assert seen == [({"alg": "HS256", "typ": "JWT"}, payload)]


def test_expired_is_reported_only_for_otherwise_valid_tokens(ext: JWT,
                                                              client: FlaskClient) -> None:
    ext.expired_token_loader(lambda h, p: ("expired", 419))
    app, _ = make_app(JWT_ISSUER="me")
    app_client = app.test_client()
    cases = [
        (client, pyjwt.encode(claims(exp=NOW - 60), OTHER_SECRET), "Signature verification failed"),
        (app_client, pyjwt.encode(claims(exp=NOW - 60, iss="you"), SECRET), "Invalid issuer"),
        (app_client, pyjwt.encode(claims(exp=NOW - 60, iss="me"), SECRET), "Token has expired"),
    ]
    for c, token, description in cases:
        assert_rfc6750(c.get("/access", headers=bearer(token)), 401, "invalid_token", description)


def test_revoked_token_loader(app: Flask, ext: JWT, client: FlaskClient) -> None:
    ext.token_in_blocklist_loader(lambda header, payload: True)
    seen: list[dict[str, Any]] = []

    @ext.revoked_token_loader
    def revoked(header: dict[str, Any], payload: dict[str, Any]) -> tuple[dict[str, str], int]:
        seen.append(payload)
        return {"msg": f"{payload['sub']} logged out"}, 401

    access, _ = tokens(app)
    resp = client.get("/access", headers=bearer(access))
    assert resp.status_code == 401 and resp.get_json() == {"msg": "alice logged out"}
    assert resp.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert seen[0]["jti"] == pyjwt.decode(access, SECRET, algorithms=["HS256"])["jti"]


def test_loaders_return_their_callback(ext: JWT) -> None:
    def by_description(description: str) -> str:
        return description

    def by_token(header: dict[str, Any], payload: dict[str, Any]) -> str:
        return ""

    for loader in (ext.unauthorized_loader, ext.invalid_request_loader, ext.invalid_token_loader):
        assert loader(by_description) is by_description
    for token_loader in (ext.expired_token_loader, ext.revoked_token_loader):
        assert token_loader(by_token) is by_token


# ----------------------------------------------------------------- algorithms


def _key_objects(private_pem: str, public_pem: str) -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return (serialization.load_pem_private_key(private_pem.encode(), None),
            serialization.load_pem_public_key(public_pem.encode()))


@pytest.mark.parametrize("form", ["str", "bytes", "object"])
@pytest.mark.parametrize("algorithm", list(ASYMMETRIC))
def test_asymmetric_algorithms(algorithm: str, form: str) -> None:
    private_pem, public_pem = (key(name) for name in ASYMMETRIC[algorithm])
    if form == "object":
        private, public = _key_objects(private_pem, public_pem)
    elif form == "bytes":
        private, public = private_pem.encode(), public_pem.encode()
    else:
        private, public = private_pem, public_pem
    app, _ = make_app(JWT_ALGORITHM=algorithm, JWT_PRIVATE_KEY=private, JWT_PUBLIC_KEY=public)
    access, refresh = tokens(app)
    assert pyjwt.get_unverified_header(access)["alg"] == algorithm
    assert pyjwt.decode(access, public_pem, algorithms=[algorithm])["sub"] == "alice"
    client = app.test_client()
    assert client.get("/access", headers=bearer(access)).get_json()["identity"] == "alice"
    assert client.post("/refresh", headers=bearer(refresh)).status_code == 200
    assert_rfc6750(client.get("/access", headers=bearer(_flip_signature_char(access))), 401,
                   "invalid_token", "Signature verification failed")
    hs = pyjwt.encode(claims(), SECRET, algorithm="HS256")
    assert_rfc6750(client.get("/access", headers=bearer(hs)), 401, "invalid_token",
                   "Token algorithm is not allowed")


def test_public_key_as_hmac_secret_token_refused() -> None:
    """The classic algorithm confusion: an HS256 token keyed with the public key."""
    public = key("rsa2048_pub_spki.pem")
    app, _ = make_app(JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY=key("rsa2048_priv_pkcs8.pem"),
                      JWT_PUBLIC_KEY=public)
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims())}"
    mac = hmac.new(public.encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert_rfc6750(app.test_client().get("/access", headers=bearer(forged)), 401,
                   "invalid_token", "Token algorithm is not allowed")


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_hmac_algorithms(algorithm: str) -> None:
    app, _ = make_app(JWT_ALGORITHM=algorithm)
    access, _ = tokens(app)
    assert pyjwt.decode(access, SECRET, algorithms=[algorithm])["sub"] == "alice"
    assert app.test_client().get("/access", headers=bearer(access)).status_code == 200


# -------------------------------------------------------------- configuration


def config_error(**config: Any) -> pytest.ExceptionInfo[Exception]:
    app = Flask(__name__)
    app.config.update(config)
    with pytest.raises((RuntimeError, ValueError)) as info:
        JWT(app)
    assert "pyjwt_fast.flask" not in app.extensions
    return info


@pytest.mark.parametrize("secret", [None, "", b""])
def test_hmac_without_secret_refused(secret: Any) -> None:
    info = config_error(JWT_SECRET_KEY=secret)
    assert info.type is RuntimeError and "JWT_SECRET_KEY must be set" in str(info.value)


@pytest.mark.parametrize("algorithm, size", [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_secret_shorter_than_digest_refused(algorithm: str, size: int) -> None:
    short = "s" * (size - 1)
    info = config_error(JWT_ALGORITHM=algorithm, JWT_SECRET_KEY=short)
    assert info.type is ValueError
    assert f"{size - 1} bytes" in str(info.value) and f"at least {size}" in str(info.value)
    assert short not in str(info.value)  # the secret is never echoed
    for ok in ("s" * size, b"s" * size, "é" * (size // 2)):  # bytes count, not characters
        app = Flask(__name__)
        app.config.update(JWT_ALGORITHM=algorithm, JWT_SECRET_KEY=ok)
        JWT(app)


def test_secret_of_wrong_type_refused() -> None:
    assert config_error(JWT_SECRET_KEY=["x" * 40]).type is ValueError


def test_public_key_as_hmac_secret_refused() -> None:
    info = config_error(JWT_SECRET_KEY=key("rsa2048_pub_spki.pem"))
    assert info.type is ValueError and "cannot sign HS256" in str(info.value)
    assert "BEGIN" not in str(info.value)


@pytest.mark.parametrize("algorithm", ["none", "HS1", "RS128", "hs256", "", None])
def test_unsupported_algorithm_refused(algorithm: Any) -> None:
    info = config_error(JWT_ALGORITHM=algorithm)
    assert info.type is ValueError and "not supported" in str(info.value)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
@pytest.mark.parametrize("missing", ["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY", "both"])
def test_asymmetric_without_keys_refused(algorithm: str, missing: str) -> None:
    private_name, public_name = ASYMMETRIC[algorithm]
    config = {"JWT_ALGORITHM": algorithm, "JWT_SECRET_KEY": SECRET,
              "JWT_PRIVATE_KEY": key(private_name), "JWT_PUBLIC_KEY": key(public_name)}
    for name in (["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"] if missing == "both" else [missing]):
        del config[name]
    info = config_error(**config)
    assert info.type is RuntimeError and algorithm in str(info.value)
    for name in (["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"] if missing == "both" else [missing]):
        assert name in str(info.value)


@pytest.mark.filterwarnings("ignore::pyjwt_fast.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm, private, public, message", [
    ("RS256", "rsa2048_priv_pkcs8.pem", "rsa2048b_pub_spki.pem", "does not verify"),
    ("ES256", "p256_priv_pkcs8.pem", "p256b_pub_spki.pem", "does not verify"),
    ("EdDSA", "ed25519_priv_pkcs8.pem", "ed25519b_pub_spki.pem", "does not verify"),
    ("RS256", "p256_priv_pkcs8.pem", "p256_pub_spki.pem", "JWT_PRIVATE_KEY cannot sign"),
    ("ES256", "rsa2048_priv_pkcs8.pem", "rsa2048_pub_spki.pem", "JWT_PRIVATE_KEY cannot sign"),
    ("ES384", "p256_priv_pkcs8.pem", "p256_pub_spki.pem", "cannot"),
    ("RS256", "rsa2048_priv_pkcs8.pem", "p256_pub_spki.pem", "JWT_PUBLIC_KEY cannot verify"),
    ("RS256", "rsa1024_priv_pkcs8.pem", "rsa1024_pub_spki.pem", "1024 bits"),
], ids=["rsa-pair", "ec-pair", "ed-pair", "ec-for-rs", "rsa-for-es", "p256-for-es384",
        "ec-public-for-rs", "rsa-1024"])
def test_unusable_key_pair_refused(algorithm: str, private: str, public: str,
                                   message: str) -> None:
    info = config_error(JWT_ALGORITHM=algorithm, JWT_PRIVATE_KEY=key(private),
                        JWT_PUBLIC_KEY=key(public))
    assert info.type is ValueError and message in str(info.value), str(info.value)
    assert "BEGIN" not in str(info.value)


def test_keys_with_an_hmac_algorithm_refused() -> None:
    info = config_error(JWT_SECRET_KEY=SECRET, JWT_PUBLIC_KEY=key("rsa2048_pub_spki.pem"))
    assert info.type is ValueError and "JWT_ALGORITHM is HS256" in str(info.value)


@pytest.mark.parametrize("name", ["JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES"])
@pytest.mark.parametrize("value", [0, -5, 0.5, timedelta(0), timedelta(seconds=-1), "900",
                                   True, None, False])
def test_bad_lifetime_refused(name: str, value: Any) -> None:
    info = config_error(JWT_SECRET_KEY=SECRET, **{name: value})
    assert info.type is ValueError and name in str(info.value)


@pytest.mark.parametrize("config", [
    {"JWT_LEEWAY": -1}, {"JWT_LEEWAY": "5"}, {"JWT_LEEWAY": timedelta(seconds=-1)},
    {"JWT_LEEWAY": True},
    {"JWT_ISSUER": ""}, {"JWT_ISSUER": 5}, {"JWT_ISSUER": ["me"]},
    {"JWT_AUDIENCE": ""}, {"JWT_AUDIENCE": []}, {"JWT_AUDIENCE": ["api", ""]},
    {"JWT_AUDIENCE": [1]}, {"JWT_AUDIENCE": 5}, {"JWT_AUDIENCE": b"api"},
    {"JWT_REALM": 'say "hi"'}, {"JWT_REALM": "back\\slash"}, {"JWT_REALM": "new\nline"},
    {"JWT_REALM": 5},
])
def test_bad_optional_settings_refused(config: dict[str, Any]) -> None:
    info = config_error(JWT_SECRET_KEY=SECRET, **config)
    assert info.type is ValueError and next(iter(config)) in str(info.value)


def test_config_is_read_once_by_init_app() -> None:
    app, _ = make_app()
    access, _ = tokens(app)
    app.config["JWT_SECRET_KEY"] = OTHER_SECRET  # too late: documented
    assert app.test_client().get("/access", headers=bearer(access)).status_code == 200


# ------------------------------------------------------------------ fast path


@pytest.fixture()
def no_python_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make every Python-layer step of encode/decode raise: a call that leaves
    the C fast path then fails loudly."""
    def refuse(name: str) -> Callable[..., Any]:
        def method(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError(f"{name} ran: the call left the C fast path")
        return method

    for cls, names in ((PyJWT, ["decode_complete", "_decode_payload", "_validate_claims",
                                "_encode_payload"]),
                       (PyJWS, ["encode", "decode_complete", "_load", "_verify_signature",
                                "_validate_headers"])):
        for name in names:
            monkeypatch.setattr(cls, name, refuse(f"{cls.__name__}.{name}"))
    yield


@pytest.mark.parametrize("algorithm, form", [
    ("HS256", "str"), ("RS256", "str"), ("RS256", "object"), ("PS256", "object"),
    ("ES256", "str"), ("ES256", "object"), ("EdDSA", "str"), ("EdDSA", "object"),
])
def test_requests_stay_on_the_fast_path(algorithm: str, form: str,
                                        no_python_path: None) -> None:
    if algorithm == "HS256":
        config: dict[str, Any] = {}
    else:
        private, public = (key(name) for name in ASYMMETRIC[algorithm])
        if form == "object":
            private, public = _key_objects(private, public)
        config = {"JWT_ALGORITHM": algorithm, "JWT_PRIVATE_KEY": private,
                  "JWT_PUBLIC_KEY": public}
    # init_app's probe, token creation and the request: all in C.
    app, _ = make_app(JWT_ISSUER="me", JWT_AUDIENCE=["api", "web"], JWT_LEEWAY=5, **config)
    access, refresh = tokens(app)
    client = app.test_client()
    assert client.get("/access", headers=bearer(access)).status_code == 200
    assert client.post("/refresh", headers=bearer(refresh)).status_code == 200
    expired = make_app(JWT_ISSUER="me", JWT_AUDIENCE=["api", "web"],
                       JWT_ACCESS_TOKEN_EXPIRES=1, **config)[0]
    with expired.app_context(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(time, "time", lambda: NOW - 3600)
        old = create_access_token("alice")
    assert client.get("/access", headers=bearer(old)).get_json()["error_description"] == \
        "Token has expired"


def test_fast_path_spy_catches_the_python_path(no_python_path: None) -> None:
    """The control: a call that does take the Python path trips the spy."""
    token = pyjwt.encode(claims(), SECRET, algorithm="HS256")
    with pytest.raises(AssertionError, match="left the C fast path"):
        pyjwt_fast.decode(token, SECRET, algorithms=["HS256"], verify=True)


FRESH_PROCESS_SCRIPT = r'''
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from flask import Flask

from pyjwt_fast.api_jws import PyJWS
from pyjwt_fast.flask import JWT, create_access_token, get_jwt_identity, jwt_required

keys = Path(sys.argv[1])
app = Flask(__name__)
app.config.update(
    JWT_ALGORITHM="ES256",
    JWT_PRIVATE_KEY=load_pem_private_key((keys / "p256_priv_pkcs8.pem").read_bytes(), None),
    JWT_PUBLIC_KEY=load_pem_public_key((keys / "p256_pub_spki.pem").read_bytes()),
)
JWT(app)
app.add_url_rule("/", "me", jwt_required()(lambda: {"me": get_jwt_identity()}))
python_path = []
load = PyJWS._load
PyJWS._load = lambda self, jwt: (python_path.append(1), load(self, jwt))[1]
with app.app_context():
    token = create_access_token("alice")
resp = app.test_client().get("/", headers={"Authorization": f"Bearer {token}"})
assert resp.get_json() == {"me": "alice"}, resp.get_json()
print(len(python_path))
'''


def test_key_objects_stay_on_the_fast_path_in_a_fresh_process() -> None:
    """cryptography key objects are turned into PEM by init_app: in a process
    that has seen no PEM key yet, pyjwt_fast would otherwise take the Python
    path for them on every request (see docs/flask.md)."""
    package_root = str(Path(pyjwt_fast.__file__).resolve().parent.parent)
    proc = subprocess.run([sys.executable, "-c", FRESH_PROCESS_SCRIPT, str(KEYS)],
                          env={**os.environ, "PYTHONPATH": package_root},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0"]
