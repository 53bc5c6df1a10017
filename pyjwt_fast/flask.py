"""A small Flask extension: bearer-token authentication on pyjwt_fast.

    from pyjwt_fast.flask import JWT, create_access_token, get_jwt_identity, jwt_required

    app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]  # >= 32 bytes for HS256
    jwt = JWT(app)

    @app.get("/me")
    @jwt_required()
    def me():
        return {"user": get_jwt_identity()}

Tokens travel in ``Authorization: Bearer <token>``; errors follow RFC 6750.
The configuration is read and checked once, by ``init_app``. See docs/flask.md.
"""
from __future__ import annotations

import functools
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Optional, TypeVar, Union, cast

from flask import Flask, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from .algorithms import get_default_algorithms
from .api_jwt import decode_complete, encode
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
)

__all__ = [
    "JWT",
    "create_access_token",
    "create_refresh_token",
    "get_jwt",
    "get_jwt_identity",
    "jwt_required",
]

Claims = dict[str, Any]
DescriptionCallback = Callable[[str], ResponseReturnValue]
TokenCallback = Callable[[Claims, Claims], ResponseReturnValue]
BlocklistCallback = Callable[[Claims, Claims], bool]
F = TypeVar("F", bound=Callable[..., Any])
DC = TypeVar("DC", bound=DescriptionCallback)
TC = TypeVar("TC", bound=TokenCallback)
BC = TypeVar("BC", bound=BlocklistCallback)

_EXTENSION = "pyjwt_fast.flask"
_G_CLAIMS = "_pyjwt_fast_jwt"

_HMAC_MIN_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}  # the digest sizes (RFC 7518, 3.2)
_ASYMMETRIC = frozenset(get_default_algorithms()) - set(_HMAC_MIN_BYTES) - {"none"}
_RESERVED = frozenset({"sub", "iat", "nbf", "exp", "jti", "type", "iss", "aud"})

# RFC 6750, 2.1: credentials = "Bearer" 1*SP b64token.
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
# RFC 6750, 3: what a quoted realm / error_description may hold.
_QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")

# error_description per failure, most specific class first; fixed strings, so
# nothing from the token reaches the WWW-Authenticate header.
_TOKEN_ERRORS: tuple[tuple[type[InvalidTokenError], str], ...] = (
    (ImmatureSignatureError, "Token is not yet valid"),
    (InvalidSignatureError, "Signature verification failed"),
    (InvalidAlgorithmError, "Token algorithm is not allowed"),
    (InvalidAudienceError, "Invalid audience"),
    (InvalidIssuerError, "Invalid issuer"),
    (InvalidIssuedAtError, "Invalid issued-at time"),
    (InvalidSubjectError, "Invalid subject"),
    (InvalidJTIError, "Invalid token id"),
    (DecodeError, "Token is malformed"),
    (InvalidTokenError, "Invalid token"),
)

MISSING_TOKEN = "Missing bearer token"
MALFORMED_HEADER = "Malformed Authorization header"
TOKEN_EXPIRED = "Token has expired"
TOKEN_REVOKED = "Token has been revoked"


@dataclass(frozen=True)
class _Settings:
    """The checked configuration of one app."""

    algorithm: str
    signing_key: Any
    verify_key: Any
    access_expires: int
    refresh_expires: int
    issuer: Optional[str]
    audience: Union[str, list[str], None]
    leeway: float
    realm: Optional[str]
    options: dict[str, Any]
    options_expired: dict[str, Any]


class _Failure(Exception):
    """Why a request is refused; turned into a response by the right loader."""

    def __init__(
        self,
        kind: str,
        description: str,
        header: Optional[Claims] = None,
        payload: Optional[Claims] = None,
    ) -> None:
        super().__init__(description)
        self.kind = kind  # unauthorized, invalid_request, invalid_token, expired, revoked
        self.description = description
        self.header = header or {}
        self.payload = payload or {}


class JWT:
    """The extension: ``JWT(app)`` or ``jwt = JWT(); jwt.init_app(app)``."""

    def __init__(self, app: Optional[Flask] = None) -> None:
        self._blocklist: Optional[BlocklistCallback] = None
        self._unauthorized: Optional[DescriptionCallback] = None
        self._invalid_request: Optional[DescriptionCallback] = None
        self._invalid_token: Optional[DescriptionCallback] = None
        self._expired: Optional[TokenCallback] = None
        self._revoked: Optional[TokenCallback] = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Read and check ``app.config``; ValueError or RuntimeError if unusable."""
        app.extensions[_EXTENSION] = (self, _load_settings(app.config))

    # ------------------------------------------------------------- loaders

    def token_in_blocklist_loader(self, callback: BC) -> BC:
        """``callback(header, payload) -> bool``: True refuses the token as revoked."""
        self._blocklist = callback
        return callback

    def unauthorized_loader(self, callback: DC) -> DC:
        """``callback(description)``: the response when no bearer token was sent."""
        self._unauthorized = callback
        return callback

    def invalid_request_loader(self, callback: DC) -> DC:
        """``callback(description)``: the response to a malformed Authorization header."""
        self._invalid_request = callback
        return callback

    def invalid_token_loader(self, callback: DC) -> DC:
        """``callback(description)``: the response to a token that does not verify."""
        self._invalid_token = callback
        return callback

    def expired_token_loader(self, callback: TC) -> TC:
        """``callback(header, payload)``: the response to an expired, otherwise valid token."""
        self._expired = callback
        return callback

    def revoked_token_loader(self, callback: TC) -> TC:
        """``callback(header, payload)``: the response to a revoked token."""
        self._revoked = callback
        return callback

    # ------------------------------------------------------------ requests

    def _verify_request(self, settings: _Settings, optional: bool, refresh: bool) -> None:
        token = _bearer_token(request.headers.get("Authorization"))
        if token is None:
            if not optional:
                raise _Failure("unauthorized", MISSING_TOKEN)
            setattr(g, _G_CLAIMS, {})
            return
        header, payload = _decode(settings, token)
        expected = "refresh" if refresh else "access"
        if payload.get("type") != expected:
            raise _Failure("invalid_token", f"Only {expected} tokens are allowed", header, payload)
        if self._blocklist is not None and self._blocklist(header, payload):
            raise _Failure("revoked", TOKEN_REVOKED, header, payload)
        setattr(g, _G_CLAIMS, payload)

    def _error_response(self, settings: _Settings, failure: _Failure) -> Response:
        kind, description = failure.kind, failure.description
        custom: Optional[Callable[[], ResponseReturnValue]] = None
        if kind == "unauthorized" and self._unauthorized is not None:
            custom = functools.partial(self._unauthorized, description)
        elif kind == "invalid_request" and self._invalid_request is not None:
            custom = functools.partial(self._invalid_request, description)
        elif kind == "expired" and self._expired is not None:
            custom = functools.partial(self._expired, failure.header, failure.payload)
        elif kind == "revoked" and self._revoked is not None:
            custom = functools.partial(self._revoked, failure.header, failure.payload)
        elif kind in ("invalid_token", "expired", "revoked") and self._invalid_token is not None:
            custom = functools.partial(self._invalid_token, description)

        if kind == "unauthorized":
            status, error, challenge = 401, "unauthorized", _challenge(settings)
        elif kind == "invalid_request":
            status, error = 400, "invalid_request"
            challenge = _challenge(settings, error, description)
        else:
            status, error = 401, "invalid_token"
            challenge = _challenge(settings, error, description)

        if custom is not None:
            response = current_app.make_response(custom())
            # RFC 9110, 11.6.1: a 401 always carries a challenge.
            if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
                response.headers["WWW-Authenticate"] = challenge
            return response
        response = jsonify(error=error, error_description=description)
        response.status_code = status
        response.headers["WWW-Authenticate"] = challenge
        return response


# ---------------------------------------------------------------- tokens


def create_access_token(identity: str, /, **claims: Any) -> str:
    """A signed access token for ``identity`` (the ``sub``), with extra ``claims``."""
    return _create_token(identity, "access", claims)


def create_refresh_token(identity: str, /, **claims: Any) -> str:
    """A signed refresh token for ``identity`` (the ``sub``), with extra ``claims``."""
    return _create_token(identity, "refresh", claims)


def _create_token(identity: str, token_type: str, extra: dict[str, Any]) -> str:
    _, settings = _current()
    if not isinstance(identity, str):
        raise TypeError(f"identity must be a str, not {type(identity).__name__}")
    if not identity:
        raise ValueError("identity must not be empty")
    clash = _RESERVED.intersection(extra)
    if clash:
        raise ValueError(f"claims set by the extension cannot be passed: {sorted(clash)}")
    now = int(time.time())
    lifetime = settings.refresh_expires if token_type == "refresh" else settings.access_expires
    payload: dict[str, Any] = {
        "sub": identity,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
        "type": token_type,
    }
    if settings.issuer is not None:
        payload["iss"] = settings.issuer
    if settings.audience is not None:
        payload["aud"] = settings.audience
    payload.update(extra)
    return cast(str, encode(payload, settings.signing_key, algorithm=settings.algorithm))


# ------------------------------------------------------------- decorators


def jwt_required(optional: bool = False, refresh: bool = False) -> Callable[[F], F]:
    """Require a valid access token (``refresh=True``: a refresh token).

    ``optional=True`` lets requests without an Authorization header through,
    with ``get_jwt() == {}``; a token that is sent must still be valid.
    """
    if not isinstance(optional, bool):
        raise TypeError("use @jwt_required() with parentheses")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.method != "OPTIONS":  # CORS preflights carry no credentials
                ext, settings = _current()
                try:
                    ext._verify_request(settings, optional, refresh)
                except _Failure as failure:
                    return ext._error_response(settings, failure)
            return current_app.ensure_sync(view)(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def get_jwt() -> Claims:
    """The claims of the current request's token; ``{}`` if optional and absent."""
    claims = g.get(_G_CLAIMS)
    if claims is None:
        raise RuntimeError("get_jwt() needs a view decorated with @jwt_required()")
    return cast(Claims, claims)


def get_jwt_identity() -> Optional[str]:
    """The ``sub`` of the current request's token; None if optional and absent."""
    return cast(Optional[str], get_jwt().get("sub"))


# -------------------------------------------------------------- internals


def _current() -> tuple[JWT, _Settings]:
    state = current_app.extensions.get(_EXTENSION)
    if state is None:
        raise RuntimeError("pyjwt_fast.flask.JWT is not initialised on this app: JWT(app)")
    return cast("tuple[JWT, _Settings]", state)


def _bearer_token(authorization: Optional[str]) -> Optional[str]:
    """The bearer token, or None when the request carries no bearer credentials."""
    scheme, _, rest = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        # Nothing, or another scheme: RFC 6750, 3.1 answers without an error code.
        return None
    token = rest.lstrip(" ")
    if not _B64TOKEN.fullmatch(token):
        raise _Failure("invalid_request", MALFORMED_HEADER)
    return token


def _decode(settings: _Settings, token: str) -> tuple[Claims, Claims]:
    kwargs: dict[str, Any] = dict(
        algorithms=[settings.algorithm],  # never taken from the token
        audience=settings.audience,
        issuer=settings.issuer,
        leeway=settings.leeway,
    )
    try:
        decoded = decode_complete(token, settings.verify_key, options=settings.options, **kwargs)
    except ExpiredSignatureError:
        # Checked before iss/aud: report "expired" only for an otherwise valid token.
        try:
            decoded = decode_complete(
                token, settings.verify_key, options=settings.options_expired, **kwargs
            )
        except InvalidTokenError as exc:
            raise _Failure("invalid_token", _describe(exc)) from None
        raise _Failure("expired", TOKEN_EXPIRED, decoded["header"], decoded["payload"]) from None
    except InvalidTokenError as exc:
        raise _Failure("invalid_token", _describe(exc)) from None
    return decoded["header"], decoded["payload"]


def _describe(exc: InvalidTokenError) -> str:
    if isinstance(exc, MissingRequiredClaimError):
        return f"Token is missing the {exc.claim} claim"  # a name from our own list
    return next(text for cls, text in _TOKEN_ERRORS if isinstance(exc, cls))


def _challenge(settings: _Settings, error: Optional[str] = None, description: str = "") -> str:
    params = [f'realm="{settings.realm}"'] if settings.realm is not None else []
    if error is not None:
        params += [f'error="{error}"', f'error_description="{description}"']
    return "Bearer " + ", ".join(params) if params else "Bearer"


# ------------------------------------------------------------ configuration


def _load_settings(config: Mapping[str, Any]) -> _Settings:
    algorithm = config.get("JWT_ALGORITHM", "HS256")
    if algorithm not in _HMAC_MIN_BYTES and algorithm not in _ASYMMETRIC:
        supported = ", ".join(sorted([*_HMAC_MIN_BYTES, *_ASYMMETRIC]))
        raise ValueError(f"JWT_ALGORITHM {algorithm!r} is not supported; use one of {supported}")

    secret = config.get("JWT_SECRET_KEY")
    private, public = config.get("JWT_PRIVATE_KEY"), config.get("JWT_PUBLIC_KEY")
    if algorithm in _HMAC_MIN_BYTES:
        if private is not None or public is not None:
            raise ValueError(
                f"JWT_PRIVATE_KEY / JWT_PUBLIC_KEY are set but JWT_ALGORITHM is {algorithm}; "
                "set JWT_ALGORITHM to the asymmetric algorithm of the keys"
            )
        if not secret:
            raise RuntimeError(f"JWT_SECRET_KEY must be set for {algorithm}")
        if not isinstance(secret, (str, bytes)):
            raise ValueError("JWT_SECRET_KEY must be a str or bytes")
        minimum = _HMAC_MIN_BYTES[algorithm]
        size = len(secret.encode() if isinstance(secret, str) else secret)
        if size < minimum:
            raise ValueError(
                f"JWT_SECRET_KEY is {size} bytes; {algorithm} needs at least {minimum} "
                "(RFC 7518, 3.2). Generate one: python -c 'import secrets; "
                "print(secrets.token_urlsafe(64))'"
            )
        signing_key: Any = secret
        verify_key: Any = secret
    else:
        missing = [n for n, v in (("JWT_PRIVATE_KEY", private), ("JWT_PUBLIC_KEY", public)) if not v]
        if missing:
            raise RuntimeError(f"{' and '.join(missing)} must be set for {algorithm}")
        signing_key, verify_key = _as_pem(private, private=True), _as_pem(public, private=False)

    issuer = config.get("JWT_ISSUER")
    if issuer is not None and not (isinstance(issuer, str) and issuer):
        raise ValueError("JWT_ISSUER must be a non-empty str")
    audience = config.get("JWT_AUDIENCE")
    if audience is not None:
        if isinstance(audience, Sequence) and not isinstance(audience, str):
            audience = list(audience)
            valid = bool(audience) and all(isinstance(a, str) and a for a in audience)
        else:
            valid = isinstance(audience, str) and bool(audience)
        if not valid:
            raise ValueError("JWT_AUDIENCE must be a non-empty str or list of them")
    realm = config.get("JWT_REALM")
    if realm is not None and not (isinstance(realm, str) and _QUOTABLE.fullmatch(realm)):
        raise ValueError('JWT_REALM must be a str of printable ASCII without \'"\' or \'\\\'')

    require = ["exp", "iat", "sub", "jti", "type"]
    require += [name for name, v in (("iss", issuer), ("aud", audience)) if v is not None]
    settings = _Settings(
        algorithm=algorithm,
        signing_key=signing_key,
        verify_key=verify_key,
        access_expires=_seconds(config, "JWT_ACCESS_TOKEN_EXPIRES", timedelta(minutes=15)),
        refresh_expires=_seconds(config, "JWT_REFRESH_TOKEN_EXPIRES", timedelta(days=30)),
        issuer=issuer,
        audience=audience,
        leeway=_leeway(config.get("JWT_LEEWAY", 0)),
        realm=realm,
        options={"require": require},
        options_expired={"require": require, "verify_exp": False},
    )
    _check_keys(settings)
    return settings


def _seconds(config: Mapping[str, Any], name: str, default: timedelta) -> int:
    value = config.get(name, default)
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ValueError(f"{name} must be a timedelta or a number of seconds")
    if seconds < 1:
        raise ValueError(f"{name} must be at least one second")
    return int(seconds)


def _leeway(value: Any) -> float:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError("JWT_LEEWAY must be a timedelta or a number of seconds >= 0")
    return float(value)


def _as_pem(key: Any, *, private: bool) -> Any:
    """A cryptography key object as PEM: PEM keys are parsed once and cached in C,
    key objects would take the Python path on every request."""
    try:
        from cryptography.hazmat.primitives import serialization as ser
    except ImportError:  # then the key cannot be a cryptography object either
        return key
    if private and hasattr(key, "private_bytes"):
        return key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    if not private and hasattr(key, "public_bytes"):
        return key.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    return key


def _check_keys(settings: _Settings) -> None:
    """Sign and verify one token, so that a wrong key fails now, not per request."""
    names = (
        ("JWT_SECRET_KEY", "JWT_SECRET_KEY")
        if settings.algorithm in _HMAC_MIN_BYTES
        else ("JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY")
    )
    try:
        token = encode({"probe": True}, settings.signing_key, algorithm=settings.algorithm)
    except Exception as exc:
        raise ValueError(
            f"{names[0]} cannot sign {settings.algorithm} tokens: {type(exc).__name__}: {exc}"
        ) from None
    try:
        decode_complete(
            token,
            settings.verify_key,
            algorithms=[settings.algorithm],
            options={"enforce_minimum_key_length": True},
        )
    except InvalidSignatureError:
        raise ValueError(f"{names[1]} does not verify what {names[0]} signs") from None
    except Exception as exc:
        raise ValueError(
            f"{names[1]} cannot verify {settings.algorithm} tokens: {type(exc).__name__}: {exc}"
        ) from None
