"""The C extension is the code that runs: no silent pure-Python path."""
import importlib.machinery

import pyjwt_fast
from pyjwt_fast import _native, api_jwt


def test_extension_is_a_compiled_module():
    assert _native.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    assert "OpenSSL 3" in _native.OPENSSL_VERSION


def test_module_functions_are_the_c_dispatchers():
    fast_type = type(pyjwt_fast.decode)
    assert fast_type.__module__ == "pyjwt_fast._native"
    for fn in (pyjwt_fast.encode, pyjwt_fast.decode, pyjwt_fast.decode_complete):
        assert type(fn) is fast_type
        assert fn.__self__ is api_jwt._jwt_global_obj


def test_c_path_answers_without_the_python_method(monkeypatch):
    # With the Python methods made to fail, the common calls still work: the
    # answer came from C.
    def boom(*args, **kwargs):
        raise AssertionError("Python path ran")

    key = "k" * 64
    token = pyjwt_fast.encode({"sub": "x"}, key, algorithm="HS256")
    monkeypatch.setattr(api_jwt.PyJWT, "_encode_payload", boom)
    monkeypatch.setattr(api_jwt.PyJWT, "_decode_payload", boom)
    monkeypatch.setattr(api_jwt.PyJWT, "_validate_claims", boom)
    monkeypatch.setattr(pyjwt_fast.PyJWS, "_load", boom)
    assert pyjwt_fast.encode({"sub": "x"}, key, algorithm="HS256") == token
    assert pyjwt_fast.decode(token, key, algorithms=["HS256"]) == {"sub": "x"}
    assert api_jwt.PyJWT().decode(token, key, algorithms=["HS256"]) == {"sub": "x"}
    assert api_jwt._jwt_decode(
        api_jwt._jwt_global_obj, token, key, ["HS256"], None, None, None, None, 0, False
    ) == {"sub": "x"}


def test_subclass_hooks_take_the_python_path():
    calls = []

    class Hooked(api_jwt.PyJWT):
        def _validate_claims(self, payload, options, **kwargs):
            calls.append(payload)
            super()._validate_claims(payload, options, **kwargs)

    key = "k" * 64
    token = pyjwt_fast.encode({"sub": "x"}, key, algorithm="HS256")
    assert Hooked().decode(token, key, algorithms=["HS256"]) == {"sub": "x"}
    assert calls == [{"sub": "x"}]


def test_pyjwk_keys_take_the_c_path(monkeypatch):
    # A PyJWK (HMAC and public-key) is answered in C as well, not only str /
    # bytes / cryptography keys.
    def boom(*args, **kwargs):
        raise AssertionError("Python path ran")

    from cryptography.hazmat.primitives.asymmetric import ec

    from pyjwt_fast.algorithms import ECAlgorithm

    oct_jwk = pyjwt_fast.PyJWK({"kty": "oct", "k": "a2V5" * 16}, algorithm="HS256")
    ec_priv = ec.generate_private_key(ec.SECP256R1())
    ec_priv_jwk = pyjwt_fast.PyJWK(ECAlgorithm.to_jwk(ec_priv, as_dict=True), algorithm="ES256")
    ec_pub_jwk = pyjwt_fast.PyJWK(ECAlgorithm.to_jwk(ec_priv.public_key(), as_dict=True), algorithm="ES256")
    hs_token = pyjwt_fast.encode({"sub": "x"}, oct_jwk)
    es_token = pyjwt_fast.encode({"sub": "y"}, ec_priv_jwk)
    monkeypatch.setattr(api_jwt.PyJWT, "_encode_payload", boom)
    monkeypatch.setattr(api_jwt.PyJWT, "_decode_payload", boom)
    monkeypatch.setattr(api_jwt.PyJWT, "_validate_claims", boom)
    monkeypatch.setattr(pyjwt_fast.PyJWS, "_load", boom)
    monkeypatch.setattr(pyjwt_fast.PyJWS, "_verify_signature", boom)
    assert pyjwt_fast.encode({"sub": "x"}, oct_jwk) == hs_token
    assert pyjwt_fast.decode(hs_token, oct_jwk) == {"sub": "x"}
    assert pyjwt_fast.decode(hs_token, oct_jwk, algorithms=["HS256"]) == {"sub": "x"}
    assert pyjwt_fast.decode(es_token, ec_pub_jwk, algorithms=["ES256"]) == {"sub": "y"}
    assert pyjwt_fast.decode_complete(es_token, ec_pub_jwk)["payload"] == {"sub": "y"}
