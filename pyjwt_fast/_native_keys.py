"""The public-key algorithms on the C core alone, for a Python without
cryptography: keys are PEM, DER or OpenSSH bytes parsed by the C core."""
from __future__ import annotations

from typing import Any, ClassVar, NoReturn, Optional

from . import _native
from .algorithms import Algorithm
from .exceptions import InvalidKeyError
from .types import JWKDict
from .utils import force_bytes


class _Hash:
    """Stands for cryptography's hash classes when it is not installed."""

    def __init__(self, name: str, digest_size: int) -> None:
        self.name = name
        self.digest_size = digest_size

    def __call__(self) -> _Hash:
        return self

    def __repr__(self) -> str:
        return f"<hash {self.name}>"

class _Curve:
    """Stands for cryptography's curve classes when it is not installed."""

    def __init__(self, name: str, key_size: int) -> None:
        self.name = name
        self.key_size = key_size

    def __repr__(self) -> str:
        return f"<curve {self.name}>"

_SHA256 = _Hash("sha256", 32)
_SHA384 = _Hash("sha384", 48)
_SHA512 = _Hash("sha512", 64)
_PK_HASHES = (_SHA256, _SHA384, _SHA512)
SECP256R1 = _Curve("secp256r1", 256)
SECP384R1 = _Curve("secp384r1", 384)
SECP521R1 = _Curve("secp521r1", 521)
SECP256K1 = _Curve("secp256k1", 256)
_PK_CURVES = (SECP256R1, SECP384R1, SECP521R1, SECP256K1)

_KT_RSA, _KT_EC, _KT_ED25519, _KT_ED448 = 1, 2, 3, 4

class NativeKey:
    """A PEM, DER or OpenSSH key parsed by the C core (the key type
    prepare_key returns when cryptography is not installed)."""

    __slots__ = ("_material", "key_type", "curve", "is_private", "key_size")

    def __init__(self, material: bytes) -> None:
        info = _native.pk_info(material)
        if info is None:
            raise InvalidKeyError("Could not parse the provided key.")
        self._material = material
        self.key_type, curve, self.is_private, self.key_size = info
        self.curve = _PK_CURVES[curve] if curve >= 0 else None

    def __repr__(self) -> str:
        kind = {1: "RSA", 2: "EC", 3: "Ed25519", 4: "Ed448"}[self.key_type]
        half = "private" if self.is_private else "public"
        return f"<NativeKey {kind} {half} {self.key_size} bits>"

def _KEY_DER(key: Any) -> Optional[bytes]:
    """The key material of a NativeKey: what names it in the C key cache."""
    return key._material if isinstance(key, NativeKey) else None

class _NativeAlgorithm(Algorithm):
    _key_types: tuple[int, ...] = ()

    def _alg_index(self) -> int:
        raise NotImplementedError

    def prepare_key(self, key: Any) -> NativeKey:
        if not isinstance(key, NativeKey):
            if not isinstance(key, (bytes, str)):
                raise TypeError("Expecting a PEM-formatted key.")
            key = NativeKey(force_bytes(key))
        native: NativeKey = key
        if native.key_type not in self._key_types:
            raise InvalidKeyError(
                f"Invalid key type {native!r} for {self.__class__.__name__}"
            )
        return native

    def sign(self, msg: bytes, key: NativeKey) -> bytes:
        sig = _native.pk_sign(self._alg_index(), key, bytes(msg))
        if sig is None:
            raise InvalidKeyError("A private key is needed to sign")
        return sig

    def verify(self, msg: bytes, key: NativeKey, sig: bytes) -> bool:
        ok = _native.pk_verify(self._alg_index(), key, bytes(msg), bytes(sig))
        return bool(ok)

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> NoReturn:
        raise NotImplementedError("JWK export needs cryptography")

    @staticmethod
    def from_jwk(jwk: str | JWKDict) -> NoReturn:
        raise NotImplementedError("JWK import needs cryptography")

class RSAAlgorithm(_NativeAlgorithm):
    """RSASSA-PKCS1-v1_5 with SHA-2, on the C core."""

    SHA256: ClassVar[Any] = _SHA256
    SHA384: ClassVar[Any] = _SHA384
    SHA512: ClassVar[Any] = _SHA512
    _key_types = (_KT_RSA,)
    _base = 0

    def __init__(self, hash_alg: Any) -> None:
        self.hash_alg = hash_alg

    def _alg_index(self) -> int:
        return self._base + _PK_HASHES.index(self.hash_alg)

    def check_key_length(self, key: NativeKey) -> str | None:
        if key.key_size < 2048:
            return (
                f"The RSA key is {key.key_size} bits long, which is below "
                f"the minimum recommended size of 2048 bits. "
                f"See NIST SP 800-131A."
            )
        return None

class RSAPSSAlgorithm(RSAAlgorithm):
    """RSASSA-PSS with MGF1 and a salt as long as the digest, on the C core."""

    _base = 3

class ECAlgorithm(_NativeAlgorithm):
    """ECDSA with SHA-2 (raw r || s signatures), on the C core."""

    SHA256: ClassVar[Any] = _SHA256
    SHA384: ClassVar[Any] = _SHA384
    SHA512: ClassVar[Any] = _SHA512
    _key_types = (_KT_EC,)

    def __init__(self, hash_alg: Any, expected_curve: Any = None) -> None:
        self.hash_alg = hash_alg
        self.expected_curve = expected_curve

    def _alg_index(self) -> int:
        return 6 + _PK_CURVES.index(self.expected_curve)

    def prepare_key(self, key: Any) -> NativeKey:
        native = super().prepare_key(key)
        if self.expected_curve is not None and native.curve is not self.expected_curve:
            raise InvalidKeyError(
                f"The key's curve '{native.curve.name if native.curve else None}' does not match "
                f"the expected curve '{self.expected_curve.name}' for this algorithm"
            )
        return native

class OKPAlgorithm(_NativeAlgorithm):
    """EdDSA with Ed25519 or Ed448 keys, on the C core."""

    _key_types = (_KT_ED25519, _KT_ED448)

    def __init__(self, **kwargs: Any) -> None:
        pass

    def _alg_index(self) -> int:
        return 10
