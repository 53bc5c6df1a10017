"""PyJWKClient: signing keys from a JWKS endpoint, as PyJWT 2.15.1 has it."""
from __future__ import annotations

import http.client
import json
import math
import threading
import time
import urllib.request
from functools import lru_cache
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse

from .api_jwk import PyJWK, PyJWKSet
from .api_jwt import decode_complete as decode_token
from .exceptions import DecodeError, PyJWKClientConnectionError, PyJWKClientError
from .jwk_set_cache import JWKSetCache

# What PyJWT catches around the request: urllib's errors (HTTPError is one),
# a read that times out, and http.client's errors (IncompleteRead, ...).
# Anything else (e.g. json.JSONDecodeError for a body that is not JSON)
# escapes unwrapped, as it does from PyJWT.
_FETCH_ERRORS = (URLError, TimeoutError, http.client.HTTPException)


class _NoRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect: the 3xx then surfaces as an HTTPError.

    Following one would send the request headers (often credentials) to
    a host the caller never named.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


class PyJWKClient:
    def __init__(
        self,
        uri: str,
        cache_keys: bool = False,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: dict[str, Any] | None = None,
        timeout: float = 30,
        ssl_context: SSLContext | None = None,
        cooldown_duration: float = 30,
    ):
        """A client for the signing keys of the JWKS endpoint at ``uri``.

        Two caches, as in PyJWT: the whole JWK Set for ``lifespan`` seconds
        (``cache_jwk_set``, on by default), and an LRU of up to
        ``max_cached_keys`` keys by ``kid`` with no expiry (``cache_keys``,
        off by default). An unknown ``kid`` forces one refetch, at most once
        per ``cooldown_duration`` seconds while the set cache is on.
        ``headers``, ``timeout`` and ``ssl_context`` apply to every request.
        """
        if headers is None:
            headers = {}
        # urllib would also open file://, ftp:// and data: URIs; a URI that an
        # attacker can influence (a token's `jku`) must not reach local files.
        scheme = urlparse(uri).scheme.lower()
        if scheme not in ("http", "https"):
            raise PyJWKClientError(
                f"Invalid JWKS URI scheme {scheme!r}: only 'http' and 'https' "
                f"are supported."
            )
        self.uri = uri
        self.jwk_set_cache: JWKSetCache | None = None
        self.headers = headers
        self.timeout = timeout
        self.ssl_context = ssl_context

        # The order of these checks decides which message a NaN or -inf gets.
        if cooldown_duration < 0:
            raise PyJWKClientError(
                "Cooldown duration must be greater than or equal to 0, "
                f'the input is "{cooldown_duration}"'
            )
        if not math.isfinite(cooldown_duration):
            raise PyJWKClientError(
                f'Cooldown duration must be finite, the input is "{cooldown_duration}"'
            )
        self.cooldown_duration = cooldown_duration
        self._last_successful_fetch: float | None = None
        # Serializes kid lookups, so concurrent misses share one refetch.
        self._client_lock = threading.RLock()

        if cache_jwk_set:
            # Only "<= 0" is refused: PyJWT lets a NaN or infinite lifespan
            # through, and such a cache never expires.
            if lifespan <= 0:
                raise PyJWKClientError(
                    f'Lifespan must be greater than 0, the input is "{lifespan}"'
                )
            self.jwk_set_cache = JWKSetCache(lifespan)

        if cache_keys:
            # PyJWT wraps the bound method and shadows it on the instance, so
            # a subclass's get_signing_key is what gets cached.
            self.get_signing_key = lru_cache(maxsize=max_cached_keys)(  # type: ignore[method-assign]
                self.get_signing_key
            )

    def fetch_data(self) -> Any:
        """GET the endpoint and return its JSON object, caching it as a JWK Set.

        Raises PyJWKClientConnectionError if the request fails (including
        HTTP errors and refused redirects), PyJWKClientError if the body is
        not a JSON object, and PyJWKSetError (from the cache) if the set has
        no usable keys.
        """
        try:
            request = urllib.request.Request(url=self.uri, headers=self.headers)
            handlers: list[Any] = [_NoRedirectHandler()]
            if self.ssl_context is not None:
                handlers.append(urllib.request.HTTPSHandler(context=self.ssl_context))
            # Looked up at call time (not imported by name) so that patching
            # urllib.request.build_opener, as PyJWT's tests do, takes effect.
            opener = urllib.request.build_opener(*handlers)
            with opener.open(request, timeout=self.timeout) as response:
                jwk_set = json.load(response)
        except _FETCH_ERRORS as e:
            if isinstance(e, HTTPError):
                e.close()  # an HTTPError holds the response's socket open
            raise PyJWKClientConnectionError(
                f'Fail to fetch data from the url, err: "{e}"'
            ) from e

        jwk_set = self._as_jwk_set_payload(jwk_set)

        # The cache is written only on success: a failed refresh keeps
        # serving the set fetched before it.
        if self.jwk_set_cache is not None:
            self.jwk_set_cache.put(jwk_set)
        self._last_successful_fetch = time.monotonic()
        return jwk_set

    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        """The JWK Set: from the cache unless expired, off or ``refresh``."""
        data = None
        fetched = False
        if self.jwk_set_cache is not None and not refresh:
            data = self.jwk_set_cache.get()

        if data is None:
            data = self.fetch_data()
            fetched = True

        if isinstance(data, PyJWKSet):
            jwk_set = data
        else:
            # fetch_data() may be overridden, so its result is checked again.
            jwk_set = PyJWKSet.from_dict(self._as_jwk_set_payload(data))

        # Cache what is returned, not what fetch_data() cached: an overriding
        # fetch_data() may have filtered the payload it got from the endpoint.
        if fetched and self.jwk_set_cache is not None:
            self.jwk_set_cache.put(jwk_set)

        return jwk_set

    @staticmethod
    def _as_jwk_set_payload(data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise PyJWKClientError("The JWKS endpoint did not return a JSON object")
        return data

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        """The keys of the set with a ``kid`` and ``use`` "sig" or no ``use``."""
        jwk_set = self.get_jwk_set(refresh)
        return self._get_signing_keys_from_jwk_set(jwk_set)

    @staticmethod
    def _get_signing_keys_from_jwk_set(jwk_set: PyJWKSet) -> list[PyJWK]:
        signing_keys = [
            key
            for key in jwk_set.keys
            if key.public_key_use in ["sig", None] and key.key_id
        ]
        if not signing_keys:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return signing_keys

    def get_signing_key(self, kid: str) -> PyJWK:
        """The signing key whose ``kid`` is ``kid``.

        On a miss the set is refetched once, unless the set cache is on and
        the last successful fetch is less than ``cooldown_duration`` old
        (so tokens with made-up kids cannot make every request hit the
        endpoint). Raises PyJWKClientError if the key is still missing.
        """
        with self._client_lock:
            signing_keys = self.get_signing_keys()
            signing_key = self.match_kid(signing_keys, kid)
            if signing_key:
                return signing_key

            cooling_down = (
                self.jwk_set_cache is not None
                and self._last_successful_fetch is not None
                and time.monotonic() - self._last_successful_fetch < self.cooldown_duration
            )
            if not cooling_down:
                signing_keys = self.get_signing_keys(refresh=True)
                # Also when an overriding fetch_data() does not record it.
                self._last_successful_fetch = time.monotonic()
                signing_key = self.match_kid(signing_keys, kid)

            if not signing_key:
                raise PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
            return signing_key

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """The signing key named by the ``kid`` header of ``token`` (unverified)."""
        # Not get_unverified_header(): PyJWT reads the whole token first, so
        # a token with a bad payload (not JSON, not an object, a b64=false
        # form without its payload) raises DecodeError before any request.
        # decode_complete() without verification is that, on the C path.
        unverified = decode_token(token, options={"verify_signature": False})
        return self.get_signing_key(unverified["header"].get("kid"))

    @staticmethod
    def match_kid(signing_keys: list[PyJWK], kid: str) -> PyJWK | None:
        """The first key of ``signing_keys`` whose ``kid`` is ``kid``, or None."""
        for key in signing_keys:
            if key.key_id == kid:
                return key
        return None
