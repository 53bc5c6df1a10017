"""Algorithms: PyJWT's jwt.algorithms classes, with HMAC done in C."""
from __future__ import annotations

import hashlib
import hmac
import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, NoReturn

from . import _native
from .exceptions import InvalidKeyError
from .types import HashlibHash, JWKDict
from .utils import base64url_decode, base64url_encode, force_bytes

try:
    import cryptography  # noqa: F401

    has_crypto = True
except ModuleNotFoundError:  # pragma: no cover - exercised in a crypto-less venv
    has_crypto = False

requires_cryptography = {
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES256K",
    "ES384",
    "ES521",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
}


def get_default_algorithms() -> dict[str, Algorithm]:
    """Returns the algorithms that are implemented by the library."""
    return {
        "none": NoneAlgorithm(),
        "HS256": HMACAlgorithm(HMACAlgorithm.SHA256),
        "HS384": HMACAlgorithm(HMACAlgorithm.SHA384),
        "HS512": HMACAlgorithm(HMACAlgorithm.SHA512),
    }


class Algorithm(ABC):
    """The interface for an algorithm used to sign and verify tokens."""

    _crypto_key_types: tuple[type, ...] | None = None

    def compute_hash_digest(self, bytestr: bytes) -> bytes:
        hash_alg = getattr(self, "hash_alg", None)
        if hash_alg is None:
            raise NotImplementedError
        if has_crypto:
            from cryptography.hazmat.primitives import hashes

            if isinstance(hash_alg, type) and issubclass(hash_alg, hashes.HashAlgorithm):
                digest = hashes.Hash(hash_alg())
                digest.update(bytestr)
                return bytes(digest.finalize())
        return bytes(hash_alg(bytestr).digest())

    def check_crypto_key_type(self, key: Any) -> None:
        """Check that the key belongs to the right cryptographic family."""
        if not has_crypto or self._crypto_key_types is None:
            raise ValueError(
                "This method requires the cryptography library, and should only be used by cryptography-based algorithms."
            )
        if not isinstance(key, self._crypto_key_types):
            valid_classes = (cls.__name__ for cls in self._crypto_key_types)
            actual_class = key.__class__.__name__
            self_class = self.__class__.__name__
            raise InvalidKeyError(
                f"Expected one of {valid_classes}, got: {actual_class}. Invalid Key type for {self_class}"
            )

    @abstractmethod
    def prepare_key(self, key: Any) -> Any:
        """Validates and converts the key for sign() and verify()."""

    @abstractmethod
    def sign(self, msg: bytes, key: Any) -> bytes:
        """Returns a digital signature for msg."""

    @abstractmethod
    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        """Verifies that sig is a valid signature of msg."""

    @staticmethod
    @abstractmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> JWKDict | str:
        """Serializes a given key into a JWK"""

    @staticmethod
    @abstractmethod
    def from_jwk(jwk: str | JWKDict) -> Any:
        """Deserializes a given key from JWK back into a key object"""

    def check_key_length(self, key: Any) -> str | None:
        """A warning message if the key is below the recommended length."""
        return None


class NoneAlgorithm(Algorithm):
    """Placeholder for use when no signing or verification operations are required."""

    def prepare_key(self, key: str | None) -> None:
        if key == "":
            key = None
        if key is not None:
            raise InvalidKeyError('When alg = "none", key value must be None.')
        return key

    def sign(self, msg: bytes, key: None) -> bytes:
        return b""

    def verify(self, msg: bytes, key: None, sig: bytes) -> bool:
        return False

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> NoReturn:
        raise NotImplementedError()

    @staticmethod
    def from_jwk(jwk: str | JWKDict) -> NoReturn:
        raise NotImplementedError()


class HMACAlgorithm(Algorithm):
    """HMAC with SHA-256/384/512, computed in C with keyed state cached per key."""

    SHA256: ClassVar[HashlibHash] = hashlib.sha256
    SHA384: ClassVar[HashlibHash] = hashlib.sha384
    SHA512: ClassVar[HashlibHash] = hashlib.sha512

    def __init__(self, hash_alg: HashlibHash) -> None:
        self.hash_alg = hash_alg

    def _index(self) -> int:
        h = self.hash_alg
        if h is hashlib.sha256:
            return 0
        if h is hashlib.sha384:
            return 1
        if h is hashlib.sha512:
            return 2
        return -1

    def prepare_key(self, key: str | bytes) -> bytes:
        return _native.hmac_prepare_key(key)

    @staticmethod
    def to_jwk(key_obj: str | bytes, as_dict: bool = False) -> JWKDict | str:
        jwk = {
            "k": base64url_encode(force_bytes(key_obj)).decode(),
            "kty": "oct",
        }
        if as_dict:
            return jwk
        return json.dumps(jwk)

    @staticmethod
    def from_jwk(jwk: str | JWKDict) -> bytes:
        try:
            if isinstance(jwk, str):
                obj: JWKDict = json.loads(jwk)
            elif isinstance(jwk, dict):
                obj = jwk
            else:
                raise ValueError
        except ValueError:
            raise InvalidKeyError("Key is not valid JSON") from None

        if obj.get("kty") != "oct":
            raise InvalidKeyError("Not an HMAC key")

        key_bytes = base64url_decode(obj["k"])
        if len(key_bytes) == 0:
            raise InvalidKeyError("HMAC key must not be empty.")
        return key_bytes

    def check_key_length(self, key: bytes) -> str | None:
        i = self._index()
        if i >= 0 and type(key) is bytes:
            return _native.hmac_key_length_message(i, key)
        min_length = self.hash_alg().digest_size
        if len(key) < min_length:
            return (
                f"The HMAC key is {len(key)} bytes long, which is below "
                f"the minimum recommended length of {min_length} bytes for "
                f"{self.hash_alg().name.upper()}. "
                f"See RFC 7518 Section 3.2."
            )
        return None

    def sign(self, msg: bytes, key: bytes) -> bytes:
        i = self._index()
        if i >= 0 and type(key) is bytes and type(msg) is bytes:
            return _native.hmac_digest(i, key, msg)
        return hmac.new(key, msg, self.hash_alg).digest()

    def verify(self, msg: bytes, key: bytes, sig: bytes) -> bool:
        i = self._index()
        if i >= 0 and type(key) is bytes and type(msg) is bytes and type(sig) is bytes:
            return _native.hmac_verify(i, key, msg, sig)
        return hmac.compare_digest(sig, self.sign(msg, key))


def _looks_like_jwk(key_bytes: bytes) -> bool:
    """Whether an HMAC secret is a JWK (or JSON holding one), judged as
    PyJWT 2.15.1 judges it; the C key guard asks this only for keys that
    could be a JSON object or array."""
    try:
        parsed = json.loads(key_bytes, parse_int=lambda _: 0)
    except RecursionError:
        return _deep_json_looks_like_jwk(key_bytes)
    except ValueError:
        return False
    pending = [parsed]
    while pending:
        obj = pending.pop()
        if isinstance(obj, dict):
            if "kty" in obj:
                return True
            pending.extend(obj.values())
        elif isinstance(obj, list):
            pending.extend(obj)
    return False


def _deep_json_looks_like_jwk(key_bytes: bytes) -> bool:
    """Too deep for json.loads: an object at the top, or an array with a
    "kty" member name anywhere in it."""
    try:
        text = key_bytes.decode(json.detect_encoding(key_bytes), errors="surrogatepass")
    except UnicodeError:
        text = ""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return True
    if not stripped.startswith("["):
        return False
    i, n = 0, len(text)
    while i < n:
        if text[i] != '"':
            i += 1
            continue
        end = i + 1
        while end < n and text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        if end >= n:
            return False
        after = end + 1
        while after < n and text[after] in " \t\r\n":
            after += 1
        if after < n and text[after] == ":":
            try:
                if json.loads(text[i : end + 1]) == "kty":
                    return True
            except ValueError:
                pass
        i = end + 1
    return False
