"""PyJWT's jwt.utils helpers, on the C base64url and key-shape checks."""
from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Optional, Union

from . import _native

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurve


def force_bytes(value: Union[bytes, str]) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    elif isinstance(value, bytes):
        return value
    else:
        raise TypeError("Expected a string or bytes value")


def base64url_decode(input: Union[bytes, str]) -> bytes:
    """Lenient base64url decoding (padding optional), as jwt.utils does it."""
    input_bytes = force_bytes(input)
    rem = len(input_bytes) % 4
    if rem > 0:
        input_bytes += b"=" * (4 - rem)
    return base64.urlsafe_b64decode(input_bytes)


def base64url_encode(input: bytes) -> bytes:
    return _native.b64url_encode(input)


def to_base64url_uint(val: int, *, bit_length: Optional[int] = None) -> bytes:
    if val < 0:
        raise ValueError("Must be a positive integer")
    int_bytes = bytes_from_int(val, bit_length=bit_length)
    if len(int_bytes) == 0:
        int_bytes = b"\x00"
    return base64url_encode(int_bytes)


def from_base64url_uint(val: Union[bytes, str]) -> int:
    data = base64url_decode(force_bytes(val))
    return int.from_bytes(data, byteorder="big")


def number_to_bytes(num: int, num_bytes: int) -> bytes:
    padded_hex = "%0*x" % (2 * num_bytes, num)
    return binascii.a2b_hex(padded_hex.encode("ascii"))


def bytes_to_number(string: bytes) -> int:
    return int(binascii.b2a_hex(string), 16)


def bytes_from_int(val: int, *, bit_length: Optional[int] = None) -> bytes:
    if bit_length is None:
        bit_length = val.bit_length()
    byte_length = (bit_length + 7) // 8
    return val.to_bytes(byte_length, "big", signed=False)


def der_to_raw_signature(der_sig: bytes, curve: EllipticCurve) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    num_bytes = (curve.key_size + 7) // 8
    r, s = decode_dss_signature(der_sig)
    return number_to_bytes(r, num_bytes) + number_to_bytes(s, num_bytes)


def raw_to_der_signature(raw_sig: bytes, curve: EllipticCurve) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    num_bytes = (curve.key_size + 7) // 8
    if len(raw_sig) != 2 * num_bytes:
        raise ValueError("Invalid signature")
    r = bytes_to_number(raw_sig[:num_bytes])
    s = bytes_to_number(raw_sig[num_bytes:])
    return bytes(encode_dss_signature(r, s))


def is_pem_format(key: bytes) -> bool:
    """An END marker follows a BEGIN marker of the same PEM label."""
    return _native.is_pem_format(bytes(key))


def is_ssh_key(key: bytes) -> bool:
    return _native.is_ssh_key(bytes(key))
