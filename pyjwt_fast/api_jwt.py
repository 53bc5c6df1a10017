"""PyJWT: JSON Web Tokens. The common path of encode/decode is one C call;
the methods below are PyJWT 2.15.1's API and its hooks, on the C pieces."""
from __future__ import annotations

import json
import warnings
from calendar import timegm
from collections.abc import Container, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from . import _native
from .api_jws import _ALGORITHM_UNSET, PyJWS, _jws_global_obj
from .exceptions import DecodeError
from .types import FullOptions, Options, SigOptions
from .warnings import RemovedInPyjwt3Warning

_jwt_encode = _native.jwt_encode
_jwt_decode = _native.jwt_decode


class PyJWT:
    def __init__(self, options: Options | None = None) -> None:
        self.options: FullOptions
        self.options = self._get_default_options()
        if options is not None:
            self.options = self._merge_options(options)

        self._jws = PyJWS(options=self._get_sig_options())

    @staticmethod
    def _get_default_options() -> FullOptions:
        return {
            "verify_signature": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iat": True,
            "verify_aud": True,
            "verify_iss": True,
            "verify_sub": True,
            "verify_jti": True,
            "require": [],
            "strict_aud": False,
            "enforce_minimum_key_length": False,
        }

    def _get_sig_options(self) -> SigOptions:
        return {
            "verify_signature": self.options["verify_signature"],
            "enforce_minimum_key_length": self.options.get("enforce_minimum_key_length", False),
        }

    def _merge_options(self, options: Options | None = None) -> FullOptions:
        if options is None:
            return self.options

        merged_options = cast(Options, dict(options))

        # With signature verification off, the claim checks default to off.
        if not merged_options.get("verify_signature", True):
            merged_options["verify_exp"] = merged_options.get("verify_exp", False)
            merged_options["verify_nbf"] = merged_options.get("verify_nbf", False)
            merged_options["verify_iat"] = merged_options.get("verify_iat", False)
            merged_options["verify_aud"] = merged_options.get("verify_aud", False)
            merged_options["verify_iss"] = merged_options.get("verify_iss", False)
            merged_options["verify_sub"] = merged_options.get("verify_sub", False)
            merged_options["verify_jti"] = merged_options.get("verify_jti", False)
        return cast(FullOptions, {**self.options, **merged_options})

    def encode(
        self,
        payload: dict[str, Any],
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,  # type: ignore[assignment]
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        sort_headers: bool = True,
    ) -> str:
        """Encode the ``payload`` as JSON Web Token (see PyJWT's documentation)."""
        token = _jwt_encode(self, payload, key, algorithm, headers, json_encoder, sort_headers)
        if token is not NotImplemented:
            return cast(str, token)

        if not isinstance(payload, dict):
            raise TypeError(
                "Expecting a dict object, as JWT only supports "
                "JSON objects as payloads."
            )

        payload = payload.copy()
        for time_claim in ["exp", "iat", "nbf"]:
            # Convert datetime to a intDate value in known time-format claims
            if isinstance(payload.get(time_claim), datetime):
                payload[time_claim] = timegm(payload[time_claim].utctimetuple())

        if "iss" in payload and not isinstance(payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")

        json_payload = self._encode_payload(payload, headers=headers, json_encoder=json_encoder)

        return self._jws.encode(
            json_payload, key, algorithm, headers, json_encoder, sort_headers=sort_headers
        )

    def _encode_payload(
        self,
        payload: dict[str, Any],
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
    ) -> bytes:
        """Encode a given payload to the bytes to be signed (a hook for subclasses)."""
        return _native.dumps(payload, json_encoder, False)

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: Options | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Container[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Like decode(), returning {"header", "payload", "signature"}."""
        if not kwargs and verify is None and detached_payload is None:
            decoded = _jwt_decode(
                self, jwt, key, algorithms, options, audience, subject, issuer, leeway, True
            )
            if decoded is not NotImplemented:
                return cast(dict[str, Any], decoded)
        if kwargs:
            warnings.warn(
                "passing additional kwargs to decode_complete() is deprecated "
                "and will be removed in pyjwt version 3. "
                f"Unsupported kwargs: {tuple(kwargs.keys())}",
                RemovedInPyjwt3Warning,
                stacklevel=2,
            )

        if options is None:
            verify_signature = True
        else:
            verify_signature = options.get("verify_signature", True)

        if verify is not None and verify != verify_signature:
            warnings.warn(
                "The `verify` argument to `decode` does nothing in PyJWT 2.0 and newer. "
                "The equivalent is setting `verify_signature` to False in the `options` dictionary. "
                "This invocation has a mismatch between the kwarg and the option entry.",
                category=DeprecationWarning,
                stacklevel=2,
            )

        merged_options = self._merge_options(options)

        sig_options: SigOptions = {
            "verify_signature": verify_signature,
            "enforce_minimum_key_length": merged_options.get("enforce_minimum_key_length", False),
        }
        decoded = self._jws.decode_complete(
            jwt,
            key=key,
            algorithms=algorithms,
            options=sig_options,
            detached_payload=detached_payload,
        )

        payload = self._decode_payload(decoded)

        self._validate_claims(
            payload,
            merged_options,
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            subject=subject,
        )

        decoded["payload"] = payload
        return decoded

    def _decode_payload(self, decoded: dict[str, Any]) -> dict[str, Any]:
        """Decode the payload of a JWS dictionary (a hook for subclasses)."""
        try:
            payload: dict[str, Any] = _native.json_loads(decoded["payload"])
        except (ValueError, RecursionError) as e:
            raise DecodeError(f"Invalid payload string: {e}") from e
        if not isinstance(payload, dict):
            raise DecodeError("Invalid payload string: must be a json object")
        return payload

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: Options | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        subject: str | None = None,
        issuer: str | Container[str] | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verify the ``jwt`` token signature and return the token claims."""
        if not kwargs and verify is None and detached_payload is None:
            payload = _jwt_decode(
                self, jwt, key, algorithms, options, audience, subject, issuer, leeway, False
            )
            if payload is not NotImplemented:
                return cast(dict[str, Any], payload)
        if kwargs:
            warnings.warn(
                "passing additional kwargs to decode() is deprecated "
                "and will be removed in pyjwt version 3. "
                f"Unsupported kwargs: {tuple(kwargs.keys())}",
                RemovedInPyjwt3Warning,
                stacklevel=2,
            )
        decoded = self.decode_complete(
            jwt,
            key,
            algorithms,
            options,
            verify=verify,
            detached_payload=detached_payload,
            audience=audience,
            subject=subject,
            issuer=issuer,
            leeway=leeway,
        )
        return cast(dict[str, Any], decoded["payload"])

    def _validate_claims(
        self,
        payload: dict[str, Any],
        options: FullOptions,
        audience: Iterable[str] | str | None = None,
        issuer: Container[str] | str | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
    ) -> None:
        if isinstance(leeway, timedelta):
            leeway = leeway.total_seconds()

        _native.check_audience_type(audience)

        self._validate_required_claims(payload, options["require"])

        now = _native.now()

        if "iat" in payload and options["verify_iat"]:
            self._validate_iat(payload, now, leeway)

        if "nbf" in payload and options["verify_nbf"]:
            self._validate_nbf(payload, now, leeway)

        if "exp" in payload and options["verify_exp"]:
            self._validate_exp(payload, now, leeway)

        if options["verify_iss"]:
            self._validate_iss(payload, issuer)

        if options["verify_aud"]:
            self._validate_aud(payload, audience, strict=options.get("strict_aud", False))

        if options["verify_sub"]:
            self._validate_sub(payload, subject)

        if options["verify_jti"]:
            self._validate_jti(payload)

    def _validate_required_claims(self, payload: dict[str, Any], claims: Iterable[str]) -> None:
        _native.claim_required(payload, claims)

    def _validate_sub(self, payload: dict[str, Any], subject: str | None = None) -> None:
        _native.claim_sub(payload, subject)

    def _validate_jti(self, payload: dict[str, Any]) -> None:
        _native.claim_jti(payload)

    def _validate_iat(self, payload: dict[str, Any], now: float, leeway: float) -> None:
        _native.claim_time(0, payload, now, leeway)

    def _validate_nbf(self, payload: dict[str, Any], now: float, leeway: float) -> None:
        _native.claim_time(1, payload, now, leeway)

    def _validate_exp(self, payload: dict[str, Any], now: float, leeway: float) -> None:
        _native.claim_time(2, payload, now, leeway)

    def _validate_aud(
        self,
        payload: dict[str, Any],
        audience: str | Iterable[str] | None,
        *,
        strict: bool = False,
    ) -> None:
        _native.claim_aud(payload, audience, strict)

    def _validate_iss(self, payload: dict[str, Any], issuer: Container[str] | str | None) -> None:
        _native.claim_iss(payload, issuer)


def _timegm_utc(value: datetime) -> int:
    return timegm(value.utctimetuple())


_jwt_global_obj = PyJWT()
_jwt_global_obj._jws = _jws_global_obj
# The module-level functions match their arguments in C and call the bound
# methods below for any call the C path does not take.
encode = _native.fast_method(0, _jwt_global_obj, _jwt_global_obj.encode)
decode = _native.fast_method(1, _jwt_global_obj, _jwt_global_obj.decode)
decode_complete = _native.fast_method(2, _jwt_global_obj, _jwt_global_obj.decode_complete)
