"""pyjwt_fast: PyJWT 2.15.1's API, with the common path in one C call.

    import pyjwt_fast as jwt
"""
import collections.abc as _abc
import datetime as _datetime
import hashlib as _hashlib
import json as _json

from . import _native
from .algorithms import HMACAlgorithm as _HMACAlgorithm
from .algorithms import NoneAlgorithm as _NoneAlgorithm
from .algorithms import _looks_like_jwk
from . import algorithms as _alg
from .api_jwk import PyJWK, PyJWKSet
from .api_jws import (
    _ALGORITHM_UNSET,
    PyJWS,
    get_algorithm_by_name,
    get_unverified_header,
    register_algorithm,
    unregister_algorithm,
)
from .api_jwt import PyJWT, _timegm_utc, decode, decode_complete, encode
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKError,
    PyJWKSetError,
    PyJWTError,
)
from . import exceptions as _exc
from .jwks_client import PyJWKClient
from .warnings import InsecureKeyLengthWarning
from ._install import install

_native._setup(
    PyJWTError=PyJWTError,
    InvalidTokenError=InvalidTokenError,
    DecodeError=DecodeError,
    InvalidSignatureError=InvalidSignatureError,
    ExpiredSignatureError=ExpiredSignatureError,
    InvalidAudienceError=InvalidAudienceError,
    InvalidIssuerError=InvalidIssuerError,
    InvalidIssuedAtError=InvalidIssuedAtError,
    ImmatureSignatureError=ImmatureSignatureError,
    InvalidKeyError=InvalidKeyError,
    InvalidAlgorithmError=InvalidAlgorithmError,
    MissingRequiredClaimError=MissingRequiredClaimError,
    InvalidSubjectError=_exc.InvalidSubjectError,
    InvalidJTIError=_exc.InvalidJTIError,
    InsecureKeyLengthWarning=InsecureKeyLengthWarning,
    PyJWT_type=PyJWT,
    PyJWS_type=PyJWS,
    HMACAlgorithm_type=_HMACAlgorithm,
    NoneAlgorithm_type=_NoneAlgorithm,
    algorithm_unset=_ALGORITHM_UNSET,
    json_loads=_json.loads,
    json_dumps=_json.dumps,
    JSONEncoder=_json.JSONEncoder,
    datetime_type=_datetime.datetime,
    timedelta_type=_datetime.timedelta,
    Iterable=_abc.Iterable,
    timegm_utc=_timegm_utc,
    jwk_shaped=_looks_like_jwk,
    default_options=PyJWT._get_default_options(),
    RSAAlgorithm_type=_alg.RSAAlgorithm,
    RSAPSSAlgorithm_type=_alg.RSAPSSAlgorithm,
    ECAlgorithm_type=_alg.ECAlgorithm,
    OKPAlgorithm_type=_alg.OKPAlgorithm,
    key_der=_alg._key_der,
    PyJWK_type=PyJWK,
    der_keys=not _alg.has_crypto,
    pk_sha256=_alg._PK_HASHES[0],
    pk_sha384=_alg._PK_HASHES[1],
    pk_sha512=_alg._PK_HASHES[2],
    curve_p256=_alg._PK_CURVES[0],
    curve_p384=_alg._PK_CURVES[1],
    curve_p521=_alg._PK_CURVES[2],
    curve_k256=_alg._PK_CURVES[3],
    sha256=_hashlib.sha256,
    sha384=_hashlib.sha384,
    sha512=_hashlib.sha512,
)

_pk_mask = _alg._pk_delegation_mask() if _alg.has_crypto else 0
if _pk_mask:
    _native._pk_set_delegate(_alg._pk_delegate, _pk_mask)
del _pk_mask

__version__ = "2.15.1"
"""The PyJWT version whose API this package implements."""

__title__ = "pyjwt-fast"
__description__ = "JSON Web Token implementation in Python, with the hot path in C"

__all__ = [
    "PyJWS",
    "PyJWT",
    "PyJWKClient",
    "PyJWK",
    "PyJWKSet",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
    "register_algorithm",
    "unregister_algorithm",
    "get_algorithm_by_name",
    "install",
    # Warnings
    "InsecureKeyLengthWarning",
    # Exceptions
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidTokenError",
    "MissingRequiredClaimError",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWTError",
]
