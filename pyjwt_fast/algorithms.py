"""Algorithms: PyJWT's jwt.algorithms classes, with HMAC done in C."""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, cast

from . import _native
from .exceptions import InvalidKeyError
from .types import HashlibHash, JWKDict
from .utils import base64url_decode, base64url_encode, force_bytes

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric.ec import (
        ECDSA,
        SECP256K1,
        SECP256R1,
        SECP384R1,
        SECP521R1,
        EllipticCurve,
        EllipticCurvePrivateKey,
        EllipticCurvePrivateNumbers,
        EllipticCurvePublicKey,
        EllipticCurvePublicNumbers,
    )
    from cryptography.hazmat.primitives.asymmetric.ed448 import (
        Ed448PrivateKey,
        Ed448PublicKey,
    )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )
    from cryptography.hazmat.primitives.asymmetric.rsa import (
        RSAPrivateKey,
        RSAPrivateNumbers,
        RSAPublicKey,
        RSAPublicNumbers,
        rsa_crt_dmp1,
        rsa_crt_dmq1,
        rsa_crt_iqmp,
        rsa_recover_prime_factors,
    )
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
        load_pem_private_key,
        load_pem_public_key,
        load_ssh_public_key,
    )

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
    default_algorithms: dict[str, Algorithm] = {
        "none": NoneAlgorithm(),
        "HS256": HMACAlgorithm(HMACAlgorithm.SHA256),
        "HS384": HMACAlgorithm(HMACAlgorithm.SHA384),
        "HS512": HMACAlgorithm(HMACAlgorithm.SHA512),
    }
    # The public-key algorithms run on the C core, with cryptography or without.
    default_algorithms.update(
        {
            "RS256": RSAAlgorithm(RSAAlgorithm.SHA256),
            "RS384": RSAAlgorithm(RSAAlgorithm.SHA384),
            "RS512": RSAAlgorithm(RSAAlgorithm.SHA512),
            "ES256": ECAlgorithm(ECAlgorithm.SHA256, SECP256R1),
            "ES256K": ECAlgorithm(ECAlgorithm.SHA256, SECP256K1),
            "ES384": ECAlgorithm(ECAlgorithm.SHA384, SECP384R1),
            "ES521": ECAlgorithm(ECAlgorithm.SHA512, SECP521R1),
            "ES512": ECAlgorithm(ECAlgorithm.SHA512, SECP521R1),
            "PS256": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA256),
            "PS384": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA384),
            "PS512": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA512),
            "EdDSA": OKPAlgorithm(),
        }
    )
    return default_algorithms


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


if has_crypto:
    from typing import Union, cast, get_args

    from .utils import (
        der_to_raw_signature,
        from_base64url_uint,
        raw_to_der_signature,
        to_base64url_uint,
    )

    AllowedRSAKeys = Union[RSAPrivateKey, RSAPublicKey]
    AllowedECKeys = Union[EllipticCurvePrivateKey, EllipticCurvePublicKey]
    AllowedOKPKeys = Union[Ed25519PrivateKey, Ed25519PublicKey, Ed448PrivateKey, Ed448PublicKey]
    AllowedKeys = Union[AllowedRSAKeys, AllowedECKeys, AllowedOKPKeys]
    AllowedPrivateKeys = Union[
        RSAPrivateKey, EllipticCurvePrivateKey, Ed25519PrivateKey, Ed448PrivateKey
    ]
    AllowedPublicKeys = Union[RSAPublicKey, EllipticCurvePublicKey, Ed25519PublicKey, Ed448PublicKey]

    def _load_jwk_obj(jwk: str | JWKDict) -> JWKDict:
        try:
            if isinstance(jwk, str):
                return cast(JWKDict, json.loads(jwk))
            elif isinstance(jwk, dict):
                return jwk
            raise ValueError
        except ValueError:
            raise InvalidKeyError("Key is not valid JSON") from None

    class RSAAlgorithm(Algorithm):
        """RSASSA-PKCS1-v1_5 with SHA-2; the token path signs and verifies in C."""

        SHA256: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA256
        SHA384: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA384
        SHA512: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA512

        _crypto_key_types = cast(tuple[type, ...], get_args(Union[RSAPrivateKey, RSAPublicKey]))
        _MIN_KEY_SIZE: ClassVar[int] = 2048

        def __init__(self, hash_alg: type[hashes.HashAlgorithm]) -> None:
            self.hash_alg = hash_alg

        def check_key_length(self, key: AllowedRSAKeys) -> str | None:
            if key.key_size < self._MIN_KEY_SIZE:
                return (
                    f"The RSA key is {key.key_size} bits long, which is below "
                    f"the minimum recommended size of {self._MIN_KEY_SIZE} bits. "
                    f"See NIST SP 800-131A."
                )
            return None

        def prepare_key(self, key: AllowedRSAKeys | str | bytes) -> AllowedRSAKeys:
            if isinstance(key, self._crypto_key_types):
                return cast(AllowedRSAKeys, key)
            if not isinstance(key, (bytes, str)):
                raise TypeError("Expecting a PEM-formatted key.")
            key_bytes = force_bytes(key)
            try:
                if key_bytes.startswith(b"ssh-rsa"):
                    public_key: Any = load_ssh_public_key(key_bytes)
                    self.check_crypto_key_type(public_key)
                    return cast(RSAPublicKey, public_key)
                private_key: Any = load_pem_private_key(key_bytes, password=None)
                self.check_crypto_key_type(private_key)
                return cast(RSAPrivateKey, private_key)
            except ValueError:
                try:
                    public_key = load_pem_public_key(key_bytes)
                    self.check_crypto_key_type(public_key)
                    return cast(RSAPublicKey, public_key)
                except (ValueError, UnsupportedAlgorithm):
                    raise InvalidKeyError("Could not parse the provided public key.") from None

        @staticmethod
        def to_jwk(key_obj: AllowedRSAKeys, as_dict: bool = False) -> JWKDict | str:
            obj: dict[str, Any] | None = None
            if hasattr(key_obj, "private_numbers"):
                numbers = key_obj.private_numbers()
                obj = {
                    "kty": "RSA",
                    "key_ops": ["sign"],
                    "n": to_base64url_uint(numbers.public_numbers.n).decode(),
                    "e": to_base64url_uint(numbers.public_numbers.e).decode(),
                    "d": to_base64url_uint(numbers.d).decode(),
                    "p": to_base64url_uint(numbers.p).decode(),
                    "q": to_base64url_uint(numbers.q).decode(),
                    "dp": to_base64url_uint(numbers.dmp1).decode(),
                    "dq": to_base64url_uint(numbers.dmq1).decode(),
                    "qi": to_base64url_uint(numbers.iqmp).decode(),
                }
            elif hasattr(key_obj, "verify"):
                pub = key_obj.public_numbers()
                obj = {
                    "kty": "RSA",
                    "key_ops": ["verify"],
                    "n": to_base64url_uint(pub.n).decode(),
                    "e": to_base64url_uint(pub.e).decode(),
                }
            else:
                raise InvalidKeyError("Not a public or private key")
            return obj if as_dict else json.dumps(obj)

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedRSAKeys:
            obj = _load_jwk_obj(jwk)
            if obj.get("kty") != "RSA":
                raise InvalidKeyError("Not an RSA key") from None

            if "d" in obj and "e" in obj and "n" in obj:
                if "oth" in obj:
                    raise InvalidKeyError("Unsupported RSA private key: > 2 primes not supported")
                other_props = ["p", "q", "dp", "dq", "qi"]
                props_found = [prop in obj for prop in other_props]
                any_props_found = any(props_found)
                if any_props_found and not all(props_found):
                    raise InvalidKeyError(
                        "RSA key must include all parameters if any are present besides d"
                    ) from None

                public_numbers = RSAPublicNumbers(
                    from_base64url_uint(obj["e"]), from_base64url_uint(obj["n"])
                )
                if any_props_found:
                    numbers = RSAPrivateNumbers(
                        d=from_base64url_uint(obj["d"]),
                        p=from_base64url_uint(obj["p"]),
                        q=from_base64url_uint(obj["q"]),
                        dmp1=from_base64url_uint(obj["dp"]),
                        dmq1=from_base64url_uint(obj["dq"]),
                        iqmp=from_base64url_uint(obj["qi"]),
                        public_numbers=public_numbers,
                    )
                else:
                    d = from_base64url_uint(obj["d"])
                    p, q = rsa_recover_prime_factors(public_numbers.n, d, public_numbers.e)
                    numbers = RSAPrivateNumbers(
                        d=d,
                        p=p,
                        q=q,
                        dmp1=rsa_crt_dmp1(d, p),
                        dmq1=rsa_crt_dmq1(d, q),
                        iqmp=rsa_crt_iqmp(p, q),
                        public_numbers=public_numbers,
                    )
                return numbers.private_key()
            elif "n" in obj and "e" in obj:
                return RSAPublicNumbers(
                    from_base64url_uint(obj["e"]), from_base64url_uint(obj["n"])
                ).public_key()
            else:
                raise InvalidKeyError("Not a public or private key")

        def sign(self, msg: bytes, key: RSAPrivateKey) -> bytes:
            return key.sign(msg, padding.PKCS1v15(), self.hash_alg())

        def verify(self, msg: bytes, key: RSAPublicKey, sig: bytes) -> bool:
            try:
                key.verify(sig, msg, padding.PKCS1v15(), self.hash_alg())
                return True
            except InvalidSignature:
                return False

    class ECAlgorithm(Algorithm):
        """ECDSA with SHA-2; JWS signatures are raw r || s."""

        SHA256: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA256
        SHA384: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA384
        SHA512: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA512

        _crypto_key_types = cast(
            tuple[type, ...], get_args(Union[EllipticCurvePrivateKey, EllipticCurvePublicKey])
        )

        def __init__(
            self,
            hash_alg: type[hashes.HashAlgorithm],
            expected_curve: type[EllipticCurve] | None = None,
        ) -> None:
            self.hash_alg = hash_alg
            self.expected_curve = expected_curve

        def _validate_curve(self, key: AllowedECKeys) -> None:
            if self.expected_curve is None:
                return
            if not isinstance(key.curve, self.expected_curve):
                raise InvalidKeyError(
                    f"The key's curve '{key.curve.name}' does not match the expected "
                    f"curve '{self.expected_curve.name}' for this algorithm"
                )

        def prepare_key(self, key: AllowedECKeys | str | bytes) -> AllowedECKeys:
            if isinstance(key, self._crypto_key_types):
                ec_key = cast(AllowedECKeys, key)
                self._validate_curve(ec_key)
                return ec_key
            if not isinstance(key, (bytes, str)):
                raise TypeError("Expecting a PEM-formatted key.")
            key_bytes = force_bytes(key)
            # Verifying key first, then signing key.
            try:
                if key_bytes.startswith(b"ecdsa-sha2-"):
                    public_key: Any = load_ssh_public_key(key_bytes)
                else:
                    public_key = load_pem_public_key(key_bytes)
                self.check_crypto_key_type(public_key)
                ec_public_key = cast(EllipticCurvePublicKey, public_key)
                self._validate_curve(ec_public_key)
                return ec_public_key
            except ValueError:
                private_key: Any = load_pem_private_key(key_bytes, password=None)
                self.check_crypto_key_type(private_key)
                ec_private_key = cast(EllipticCurvePrivateKey, private_key)
                self._validate_curve(ec_private_key)
                return ec_private_key

        def sign(self, msg: bytes, key: EllipticCurvePrivateKey) -> bytes:
            der_sig = key.sign(msg, ECDSA(self.hash_alg()))
            return der_to_raw_signature(der_sig, key.curve)

        def verify(self, msg: bytes, key: AllowedECKeys, sig: bytes) -> bool:
            try:
                der_sig = raw_to_der_signature(sig, key.curve)
            except ValueError:
                return False
            try:
                public_key = (
                    key.public_key() if isinstance(key, EllipticCurvePrivateKey) else key
                )
                public_key.verify(der_sig, msg, ECDSA(self.hash_alg()))
                return True
            except InvalidSignature:
                return False

        @staticmethod
        def to_jwk(key_obj: AllowedECKeys, as_dict: bool = False) -> JWKDict | str:
            if isinstance(key_obj, EllipticCurvePrivateKey):
                public_numbers = key_obj.public_key().public_numbers()
            elif isinstance(key_obj, EllipticCurvePublicKey):
                public_numbers = key_obj.public_numbers()
            else:
                raise InvalidKeyError("Not a public or private key")

            if isinstance(key_obj.curve, SECP256R1):
                crv = "P-256"
            elif isinstance(key_obj.curve, SECP384R1):
                crv = "P-384"
            elif isinstance(key_obj.curve, SECP521R1):
                crv = "P-521"
            elif isinstance(key_obj.curve, SECP256K1):
                crv = "secp256k1"
            else:
                raise InvalidKeyError(f"Invalid curve: {key_obj.curve}")

            obj: dict[str, Any] = {
                "kty": "EC",
                "crv": crv,
                "x": to_base64url_uint(public_numbers.x, bit_length=key_obj.curve.key_size).decode(),
                "y": to_base64url_uint(public_numbers.y, bit_length=key_obj.curve.key_size).decode(),
            }
            if isinstance(key_obj, EllipticCurvePrivateKey):
                obj["d"] = to_base64url_uint(
                    key_obj.private_numbers().private_value,
                    bit_length=key_obj.curve.key_size,
                ).decode()
            return obj if as_dict else json.dumps(obj)

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedECKeys:
            obj = _load_jwk_obj(jwk)
            if obj.get("kty") != "EC":
                raise InvalidKeyError("Not an Elliptic curve key") from None
            if "x" not in obj or "y" not in obj:
                raise InvalidKeyError("Not an Elliptic curve key") from None

            x = base64url_decode(obj.get("x"))  # type: ignore[arg-type]
            y = base64url_decode(obj.get("y"))  # type: ignore[arg-type]
            curve = obj.get("crv")
            curve_obj: EllipticCurve
            sizes = {"P-256": 32, "P-384": 48, "P-521": 66, "secp256k1": 32}
            curves: dict[str, type[EllipticCurve]] = {
                "P-256": SECP256R1, "P-384": SECP384R1, "P-521": SECP521R1, "secp256k1": SECP256K1
            }
            if curve in sizes:
                size = sizes[curve]
                if not (len(x) == len(y) == size):
                    raise InvalidKeyError(f"Coords should be {size} bytes for curve {curve}")
                curve_obj = curves[curve]()
            else:
                raise InvalidKeyError(f"Invalid curve: {curve}")

            public_numbers = EllipticCurvePublicNumbers(
                x=int.from_bytes(x, byteorder="big"),
                y=int.from_bytes(y, byteorder="big"),
                curve=curve_obj,
            )
            if "d" not in obj:
                return public_numbers.public_key()

            d = base64url_decode(obj.get("d"))  # type: ignore[arg-type]
            if len(d) != len(x):
                raise InvalidKeyError("D should be {} bytes for curve {}", len(x), curve)
            return EllipticCurvePrivateNumbers(
                int.from_bytes(d, byteorder="big"), public_numbers
            ).private_key()

    class RSAPSSAlgorithm(RSAAlgorithm):
        """RSASSA-PSS with MGF1 and a salt as long as the digest."""

        def sign(self, msg: bytes, key: RSAPrivateKey) -> bytes:
            return key.sign(
                msg,
                padding.PSS(
                    mgf=padding.MGF1(self.hash_alg()),
                    salt_length=self.hash_alg().digest_size,
                ),
                self.hash_alg(),
            )

        def verify(self, msg: bytes, key: RSAPublicKey, sig: bytes) -> bool:
            try:
                key.verify(
                    sig,
                    msg,
                    padding.PSS(
                        mgf=padding.MGF1(self.hash_alg()),
                        salt_length=self.hash_alg().digest_size,
                    ),
                    self.hash_alg(),
                )
                return True
            except InvalidSignature:
                return False

    class OKPAlgorithm(Algorithm):
        """EdDSA with Ed25519 or Ed448 keys."""

        _crypto_key_types = cast(
            tuple[type, ...],
            get_args(Union[Ed25519PrivateKey, Ed25519PublicKey, Ed448PrivateKey, Ed448PublicKey]),
        )

        def __init__(self, **kwargs: Any) -> None:
            pass

        def prepare_key(self, key: AllowedOKPKeys | str | bytes) -> AllowedOKPKeys:
            if not isinstance(key, (str, bytes)):
                self.check_crypto_key_type(key)
                return key

            key_str = key.decode("utf-8") if isinstance(key, bytes) else key
            key_bytes = key.encode("utf-8") if isinstance(key, str) else key

            loaded_key: Any
            if "-----BEGIN PUBLIC" in key_str:
                loaded_key = load_pem_public_key(key_bytes)
            elif "-----BEGIN PRIVATE" in key_str:
                loaded_key = load_pem_private_key(key_bytes, password=None)
            elif key_str[0:4] == "ssh-":
                loaded_key = load_ssh_public_key(key_bytes)
            else:
                raise InvalidKeyError("Not a public or private key")

            self.check_crypto_key_type(loaded_key)
            return cast("AllowedOKPKeys", loaded_key)

        def sign(self, msg: str | bytes, key: Ed25519PrivateKey | Ed448PrivateKey) -> bytes:
            msg_bytes = msg.encode("utf-8") if isinstance(msg, str) else msg
            return key.sign(msg_bytes)

        def verify(self, msg: str | bytes, key: AllowedOKPKeys, sig: str | bytes) -> bool:
            try:
                msg_bytes = msg.encode("utf-8") if isinstance(msg, str) else msg
                sig_bytes = sig.encode("utf-8") if isinstance(sig, str) else sig
                public_key = (
                    key.public_key()
                    if isinstance(key, (Ed25519PrivateKey, Ed448PrivateKey))
                    else key
                )
                public_key.verify(sig_bytes, msg_bytes)
                return True
            except InvalidSignature:
                return False

        @staticmethod
        def to_jwk(key: AllowedOKPKeys, as_dict: bool = False) -> JWKDict | str:
            if isinstance(key, (Ed25519PublicKey, Ed448PublicKey)):
                x = key.public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw)
                crv = "Ed25519" if isinstance(key, Ed25519PublicKey) else "Ed448"
                obj = {
                    "x": base64url_encode(force_bytes(x)).decode(),
                    "kty": "OKP",
                    "crv": crv,
                }
                return obj if as_dict else json.dumps(obj)

            if isinstance(key, (Ed25519PrivateKey, Ed448PrivateKey)):
                d = key.private_bytes(
                    encoding=Encoding.Raw,
                    format=PrivateFormat.Raw,
                    encryption_algorithm=NoEncryption(),
                )
                x = key.public_key().public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw)
                crv = "Ed25519" if isinstance(key, Ed25519PrivateKey) else "Ed448"
                obj = {
                    "x": base64url_encode(force_bytes(x)).decode(),
                    "d": base64url_encode(force_bytes(d)).decode(),
                    "kty": "OKP",
                    "crv": crv,
                }
                return obj if as_dict else json.dumps(obj)

            raise InvalidKeyError("Not a public or private key")

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedOKPKeys:
            obj = _load_jwk_obj(jwk)
            if obj.get("kty") != "OKP":
                raise InvalidKeyError("Not an Octet Key Pair")
            curve = obj.get("crv")
            if curve != "Ed25519" and curve != "Ed448":
                raise InvalidKeyError(f"Invalid curve: {curve}")
            if "x" not in obj:
                raise InvalidKeyError('OKP should have "x" parameter')
            x = base64url_decode(obj.get("x"))  # type: ignore[arg-type]
            try:
                if "d" not in obj:
                    if curve == "Ed25519":
                        return Ed25519PublicKey.from_public_bytes(x)
                    return Ed448PublicKey.from_public_bytes(x)
                d = base64url_decode(obj.get("d"))  # type: ignore[arg-type]
                private_key: Ed25519PrivateKey | Ed448PrivateKey
                if curve == "Ed25519":
                    private_key = Ed25519PrivateKey.from_private_bytes(d)
                else:
                    private_key = Ed448PrivateKey.from_private_bytes(d)
                if (
                    private_key.public_key().public_bytes(
                        encoding=Encoding.Raw, format=PublicFormat.Raw
                    )
                    != x
                ):
                    raise InvalidKeyError("Public key does not match private key")
                return private_key
            except ValueError as err:
                raise InvalidKeyError("Invalid key parameter") from err

    _PRIVATE_KEY_TYPES = (RSAPrivateKey, EllipticCurvePrivateKey, Ed25519PrivateKey, Ed448PrivateKey)
    _PUBLIC_KEY_TYPES = (RSAPublicKey, EllipticCurvePublicKey, Ed25519PublicKey, Ed448PublicKey)

    def _key_der(key: Any) -> bytes | None:
        """DER of a cryptography key object: what names it in the C key cache."""
        try:
            if isinstance(key, _PRIVATE_KEY_TYPES):
                return key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
            if isinstance(key, _PUBLIC_KEY_TYPES):
                return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        except Exception:
            return None
        return None

    _PK_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)
    _PK_CURVES = (SECP256R1, SECP384R1, SECP521R1, SECP256K1)

    # Where cryptography links a newer OpenSSL release series than the
    # extension does, the C path hands some signatures to it: the key classes
    # measured faster there (OpenSSL 3.0.19 against 4.0: P-384 signing 3.6x
    # and verifying 1.3x, P-521 and Ed448 5-11%, Ed25519 signing 1.3x). P-256,
    # secp256k1, RSA and Ed25519 verifying are as fast in C, so stay there.
    # The C code still parses and checks the key first (family, curve, length).
    _PK_DELEGATE_SIGN = (
        _native.PKD_P384 | _native.PKD_P521 | _native.PKD_ED25519 | _native.PKD_ED448
    )
    _PK_DELEGATE_VERIFY = _native.PKD_P384 | _native.PKD_P521 | _native.PKD_ED448

    def _pk_delegation_mask() -> int:
        """Which signatures the C path hands to cryptography (0: none)."""
        try:
            from cryptography.hazmat.backends.openssl import backend

            text = backend.openssl_version_text()
            number = backend.openssl_version_number()
        except Exception:  # pragma: no cover - a cryptography without these
            return 0
        # Compare major.minor: OpenSSL 3 numbers are 0xMNN00PP0.
        if not text.startswith("OpenSSL ") or number >> 20 <= _native.OPENSSL_VERSION_NUMBER >> 20:
            return 0
        return _PK_DELEGATE_SIGN | _PK_DELEGATE_VERIFY << 8

    # The C code's algorithm numbers, in its order.
    _PK_NAMES = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                 "ES256", "ES384", "ES512", "ES256K", "EdDSA")

    @functools.lru_cache(maxsize=32)
    def _pk_delegate_key(index: int, kind: type, material: str | bytes) -> Any:
        # PEM / SSH text parsed once per key, as the C key cache does; keyed by
        # the exact type too, so str and bytes are never compared.
        return _pk_delegate_algs[index].prepare_key(material)

    def _pk_delegate(index: int, key: Any, msg: bytes, sig: bytes | None = None) -> Any:
        """A signature (sig None) or its check, by cryptography, for the C path."""
        alg = _pk_delegate_algs[index]
        kind = type(key)
        if kind is str or kind is bytes:
            key = _pk_delegate_key(index, kind, key)
        elif isinstance(key, (str, bytes)):
            key = alg.prepare_key(key)  # a subclass: its own __eq__ / __hash__ name no key
        if sig is None:
            return alg.sign(msg, key)
        return alg.verify(msg, key, sig)

if has_crypto:
    # Built once at import: the delegate may run in several threads at once.
    _pk_delegate_algs: tuple[Algorithm, ...] = tuple(
        get_default_algorithms()[name] for name in _PK_NAMES
    )

if not has_crypto and not TYPE_CHECKING:  # pragma: no cover - a venv without cryptography
    from ._native_keys import (  # noqa: F401
        _KEY_DER as _key_der,
        _PK_CURVES,
        _PK_HASHES,
        ECAlgorithm,
        NativeKey,
        OKPAlgorithm,
        RSAAlgorithm,
        RSAPSSAlgorithm,
        SECP256K1,
        SECP256R1,
        SECP384R1,
        SECP521R1,
    )
