"""The command line: ``python -m pyjwt_fast`` / ``pyjwt_fast.cli.main``.

Most tests call main([...]) in-process with capsys; a few run a real subprocess
to check exit codes and stdin handling end to end. Time phrases are checked on
claims far enough from now (minutes to days) that a second of drift cannot
change the rounded phrase.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pyjwt_fast
from pyjwt_fast.cli import human_span, main, relative_phrase

REPO = Path(__file__).resolve().parent.parent
SECRET = "cli-test-secret-0123456789-abcdefghijklmnop"  # >= 32 bytes: no key-length warning
OTHER = "a-different-secret-0123456789-abcdefghijklm"


def hs(claims: dict, key: str = SECRET, **kw) -> str:
    return pyjwt_fast.encode(claims, key, algorithm="HS256", **kw)


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*argv: str, stdin: str = "", env: dict | None = None):
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pyjwt_fast", *argv],
        input=stdin, capture_output=True, text=True, env=full_env, timeout=60,
    )


@pytest.fixture(scope="module")
def rsa_pem(tmp_path_factory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    d = tmp_path_factory.mktemp("rsa")
    priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (d / "priv.pem").write_bytes(priv.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (d / "pub.pem").write_bytes(priv.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return d / "priv.pem", d / "pub.pem"


# --------------------------------------------------------------------------
# time phrases
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seconds, expected", [
    (0, "0 s"), (45, "45 s"), (59.4, "59 s"), (59.6, "1 min"), (-299, "5 min"),
    (240, "4 min"), (3599, "1 h"), (2 * 3600 + 100, "2 h"), (86400, "1 day"),
    (3 * 86400 + 60, "3 days"), (400 * 86400, "400 days"), (10 * 365.25 * 86400, "10 years"),
])
def test_human_span(seconds, expected):
    assert human_span(seconds) == expected


def test_relative_phrases():
    now = 1_700_000_000
    assert relative_phrase("exp", now + 240, now) == "expires in 4 min"
    assert relative_phrase("exp", now - 7200, now) == "expired 2 h ago"
    assert relative_phrase("iat", now - 3 * 86400, now) == "issued 3 days ago"
    assert relative_phrase("iat", now + 600, now) == "issued in the future (10 min from now)"
    assert relative_phrase("nbf", now + 600, now) == "not valid yet (valid in 10 min)"
    assert relative_phrase("nbf", now - 60, now) == "valid since 1 min ago"


# --------------------------------------------------------------------------
# decode without a key
# --------------------------------------------------------------------------


def test_decode_without_key_shows_claims_and_times(capsys):
    now = int(time.time())
    exp, iat, nbf = now + 3 * 86400, now - 2 * 3600, now + 600
    token = hs({"zeta": 1, "alpha": "a", "exp": exp, "iat": iat, "nbf": nbf}, headers={"kid": "k1"})
    code, out, err = run(capsys, "decode", token)
    assert code == 0
    assert "Signature NOT verified" in out
    # the claims pretty-printed, in the token's key order
    assert out.index('"zeta"') < out.index('"alpha"') < out.index('"exp"')
    assert '"kid": "k1"' in out
    assert "expires in 3 days" in out
    assert "issued 2 h ago" in out
    assert "not valid yet (valid in 10 min)" in out
    iso = datetime.datetime.fromtimestamp(exp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert iso in out and str(exp) in out


def test_decode_without_key_expired_is_still_shown(capsys):
    now = int(time.time())
    token = hs({"sub": "x", "exp": now - 5 * 60})
    code, out, _ = run(capsys, "decode", token)
    assert code == 0  # nothing was verified, so nothing failed
    assert "expired 5 min ago" in out
    assert "NOT verified" in out


def test_decode_non_numeric_time_claim(capsys):
    code, out, _ = run(capsys, "decode", hs({"exp": "tomorrow"}))
    assert code == 0
    assert "not a NumericDate" in out


def test_decode_malformed_token(capsys):
    code, out, _ = run(capsys, "decode", "not.a.token")
    assert code == 1
    assert "INVALID: DecodeError" in out


def test_decode_token_from_stdin_with_bearer(capsys, monkeypatch):
    token = hs({"sub": "from-stdin"})
    code, out, _ = run(capsys, "decode", stdin=f"  Bearer {token}\n\n", monkeypatch=monkeypatch)
    assert code == 0 and '"sub": "from-stdin"' in out
    code, out, _ = run(capsys, "decode", "-", stdin=f"bearer\t{token}", monkeypatch=monkeypatch)
    assert code == 0 and '"sub": "from-stdin"' in out


def test_decode_empty_input_is_usage_error(capsys, monkeypatch):
    code, _, err = run(capsys, "decode", stdin="  \n", monkeypatch=monkeypatch)
    assert code == 2 and "no token" in err


# --------------------------------------------------------------------------
# decode with a key
# --------------------------------------------------------------------------


def test_decode_right_key_valid(capsys):
    token = hs({"sub": "1", "exp": int(time.time()) + 3600})
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256")
    assert code == 0
    assert "VALID: signature (HS256)" in out
    assert "INVALID" not in out and "NOT verified" not in out


def test_decode_wrong_key_invalid(capsys):
    code, out, _ = run(capsys, "decode", hs({"sub": "1"}), "--key", OTHER, "--alg", "HS256")
    assert code == 1
    assert "INVALID: InvalidSignatureError: Signature verification failed" in out


def test_decode_expired_invalid(capsys):
    token = hs({"sub": "1", "exp": int(time.time()) - 7200})
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256")
    assert code == 1
    assert "INVALID: ExpiredSignatureError: Signature has expired" in out
    assert "expired 2 h ago" in out
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256", "--no-verify-exp")
    assert code == 0 and "VALID" in out


def test_decode_key_without_alg_is_usage_error(capsys):
    code, out, err = run(capsys, "decode", hs({"a": 1}), "--key", SECRET)
    assert code == 2
    assert "--alg is required" in err and "algorithm confusion" in err
    assert "alg='HS256'" in err  # what the header claims, to help the user choose
    assert out == ""


def test_decode_alg_not_allowed(capsys):
    code, out, _ = run(capsys, "decode", hs({"a": 1}), "--key", SECRET, "--alg", "RS256,ES256")
    assert code == 1
    assert "InvalidAlgorithmError" in out and "RS256, ES256" in out


def test_decode_alg_list_forms(capsys):
    token = hs({"a": 1})
    for argv in (["--alg", "RS256,HS256"], ["--alg", "RS256", "--alg", "HS256"]):
        code, out, _ = run(capsys, "decode", token, "--key", SECRET, *argv)
        assert code == 0, out


def test_decode_audience_issuer_require(capsys):
    token = hs({"aud": "api", "iss": "me", "sub": "1"})
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256")
    assert code == 1 and "InvalidAudienceError" in out and "--audience" in out
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256",
                       "--audience", "api", "--issuer", "me", "--require", "sub,iss")
    assert code == 0, out
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256",
                       "--audience", "api", "--issuer", "someone-else")
    assert code == 1 and "InvalidIssuerError" in out
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256",
                       "--audience", "api", "--require", "jti")
    assert code == 1 and 'MissingRequiredClaimError: Token is missing the "jti" claim' in out


def test_decode_json_output(capsys):
    now = int(time.time())
    token = hs({"sub": "1", "exp": now + 3 * 86400})
    code, out, _ = run(capsys, "decode", token, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["header"] == {"alg": "HS256", "typ": "JWT"}
    assert doc["payload"] == {"sub": "1", "exp": now + 3 * 86400}
    assert doc["verified"] is False and doc["valid"] is None and doc["error"] is None
    assert doc["times"]["exp"]["relative"] == "expires in 3 days"

    code, out, _ = run(capsys, "decode", token, "--json", "--key", SECRET, "--alg", "HS256")
    doc = json.loads(out)
    assert code == 0 and doc["valid"] is True and doc["error"] is None

    code, out, _ = run(capsys, "decode", token, "--json", "--key", OTHER, "--alg", "HS256")
    doc = json.loads(out)
    assert code == 1 and doc["valid"] is False
    assert doc["error"] == "InvalidSignatureError: Signature verification failed"

    code, out, _ = run(capsys, "decode", "garbage", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["valid"] is False and doc["header"] is None
    assert doc["error"].startswith("DecodeError")


def test_decode_output_escapes_terminal_controls(capsys):
    code, out, _ = run(capsys, "decode", hs({"name": "evil\x1b[2J\x9b31m\u202e"}))
    assert code == 0
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "\\u001b" in out and "\\u009b" in out


# --------------------------------------------------------------------------
# key forms and key secrecy
# --------------------------------------------------------------------------


def test_key_from_env_and_file(capsys, monkeypatch, tmp_path):
    token = hs({"sub": "1"})
    monkeypatch.setenv("CLI_TEST_JWT_SECRET", SECRET)
    code, out, _ = run(capsys, "decode", token, "--key", "env:CLI_TEST_JWT_SECRET", "--alg", "HS256")
    assert code == 0 and "VALID" in out

    (tmp_path / "secret.key").write_text(SECRET)  # no trailing newline
    code, out, _ = run(capsys, "decode", token, "--key", f"@{tmp_path / 'secret.key'}", "--alg", "HS256")
    assert code == 0 and "VALID" in out

    (tmp_path / "nl.key").write_text(SECRET + "\n")  # the newline is part of the secret
    code, out, _ = run(capsys, "decode", token, "--key", f"@{tmp_path / 'nl.key'}", "--alg", "HS256")
    assert code == 1 and "ends with a newline" in out


def test_key_source_errors_are_usage_errors(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("CLI_TEST_UNSET_VAR", raising=False)
    token = hs({"sub": "1"})
    code, _, err = run(capsys, "decode", token, "--key", "env:CLI_TEST_UNSET_VAR", "--alg", "HS256")
    assert code == 2 and "CLI_TEST_UNSET_VAR" in err
    code, _, err = run(capsys, "decode", token, "--key", f"@{tmp_path / 'missing.pem'}", "--alg", "HS256")
    assert code == 2 and "cannot read key file" in err


def test_key_is_never_echoed(capsys, monkeypatch, rsa_pem):
    priv, _ = rsa_pem
    token = hs({"sub": "1"})
    outputs = []
    for argv in (
        ["decode", token, "--key", SECRET, "--alg", "HS256"],
        ["decode", token, "--key", SECRET, "--alg", "HS256", "--json"],
        ["decode", token, "--key", SECRET],                       # usage error
        ["decode", "garbage", "--key", SECRET, "--alg", "HS256"],  # malformed
        ["decode", hs({"a": 1}, OTHER), "--key", SECRET, "--alg", "HS256"],  # wrong key
        ["encode", '{"a": 1}', "--key", SECRET],
        ["encode", '{"a": 1}', "--key", SECRET, "--alg", "RS256"],  # InvalidKeyError
        ["encode", '{"a": 1}', "--key", SECRET, "--alg", "NOPE"],
        ["encode", "{not json", "--key", SECRET],
        ["encode", '{"a": 1}', "--key", "short-s3cr"],             # key-length warning
    ):
        code, out, err = run(capsys, *argv)
        outputs.append(out + err)
    blob = "\n".join(outputs)
    assert SECRET not in blob and "short-s3cr" not in blob
    pem_lines = [ln for ln in priv.read_text().splitlines() if "-----" not in ln]
    code, out, err = run(capsys, "encode", '{"a": 1}', "--key", f"@{priv}", "--alg", "HS256")
    assert not any(ln in out + err for ln in pem_lines)


# --------------------------------------------------------------------------
# encode
# --------------------------------------------------------------------------


def test_encode_hs256_round_trip(capsys):
    before = int(time.time())
    code, out, err = run(capsys, "encode", '{"sub": "42", "name": "Ada"}', "--key", SECRET,
                         "--exp", "3600", "--iat", "--header", "kid=key-1", "--header", "n=7")
    after = int(time.time())
    assert code == 0 and err == ""
    token = out.strip()
    assert out == token + "\n"
    claims = pyjwt_fast.decode(token, SECRET, algorithms=["HS256"])
    assert claims["sub"] == "42" and claims["name"] == "Ada"
    assert before <= claims["iat"] <= after
    assert claims["exp"] - claims["iat"] == 3600
    header = pyjwt_fast.get_unverified_header(token)
    assert header == {"alg": "HS256", "kid": "key-1", "n": 7, "typ": "JWT"}
    # and the reference implementation agrees
    import jwt as reference
    assert reference.decode(token, SECRET, algorithms=["HS256"]) == claims
    code, out, _ = run(capsys, "decode", token, "--key", SECRET, "--alg", "HS256")
    assert code == 0 and "VALID" in out and "expires in 1 h" in out


def test_encode_rs256_round_trip_with_pem_files(capsys, rsa_pem, tmp_path):
    priv, pub = rsa_pem
    claims_file = tmp_path / "claims.json"
    claims_file.write_text(json.dumps({"sub": "u1", "roles": ["admin"]}))
    code, out, err = run(capsys, "encode", f"@{claims_file}", "--key", f"@{priv}", "--alg", "RS256")
    assert code == 0, err
    token = out.strip()
    assert pyjwt_fast.decode(token, pub.read_bytes(), algorithms=["RS256"]) == {
        "sub": "u1", "roles": ["admin"]}
    code, out, _ = run(capsys, "decode", token, "--key", f"@{pub}", "--alg", "RS256")
    assert code == 0 and "VALID: signature (RS256)" in out
    # the public key as an HMAC secret is refused: --alg decides, not the token
    code, out, _ = run(capsys, "decode", token, "--key", f"@{pub}", "--alg", "HS256")
    assert code == 1 and "InvalidAlgorithmError" in out


def test_encode_claims_from_stdin(capsys, monkeypatch):
    code, out, _ = run(capsys, "encode", "--key", SECRET, stdin='{"from": "stdin"}\n',
                       monkeypatch=monkeypatch)
    assert code == 0
    assert pyjwt_fast.decode(out.strip(), SECRET, algorithms=["HS256"]) == {"from": "stdin"}


def test_encode_alg_none(capsys):
    code, out, _ = run(capsys, "encode", '{"a": 1}', "--alg", "none")
    assert code == 0 and out.strip().endswith(".")


@pytest.mark.parametrize("argv, code, message", [
    (['{"a": 1}'], 2, "--key is required"),
    (["{not json", "--key", SECRET], 2, "not valid JSON"),
    (["[1, 2]", "--key", SECRET], 2, "must be a JSON object"),
    (['{"a": 1}', "--key", SECRET, "--header", "kid"], 2, "KEY=VALUE"),
    (['{"a": 1}', "--key", SECRET, "--header", "alg=none"], 2, "--alg"),
    (['{"a": 1}', "--key", SECRET, "--alg", "RS256"], 1, "InvalidKeyError"),
    (['{"a": 1}', "--key", SECRET, "--alg", "NOPE"], 1, "Algorithm not supported"),
])
def test_encode_errors(capsys, argv, code, message):
    got, out, err = run(capsys, "encode", *argv)
    assert got == code
    assert message in err
    assert out == ""


def test_usage_errors_and_help(capsys):
    assert run(capsys)[0] == 2
    assert run(capsys, "decode", "--bogus")[0] == 2
    code, out, _ = run(capsys, "decode", "--help")
    assert code == 0 and "examples:" in out and "--alg" in out
    code, out, _ = run(capsys, "encode", "--help")
    assert code == 0 and "examples:" in out


# --------------------------------------------------------------------------
# real subprocesses
# --------------------------------------------------------------------------


def test_subprocess_decode_stdin_and_exit_codes():
    token = hs({"sub": "sp", "exp": int(time.time()) + 3 * 86400})
    r = run_subprocess("decode", stdin=f"Bearer {token}\n")
    assert r.returncode == 0, r.stderr
    assert '"sub": "sp"' in r.stdout and "NOT verified" in r.stdout

    r = run_subprocess("decode", "-", "--key", "env:CLI_SP_SECRET", "--alg", "HS256", "--json",
                       stdin=token, env={"CLI_SP_SECRET": OTHER})
    assert r.returncode == 1
    assert json.loads(r.stdout)["error"] == "InvalidSignatureError: Signature verification failed"

    r = run_subprocess("decode", token, "--key", "env:CLI_SP_SECRET", env={"CLI_SP_SECRET": SECRET})
    assert r.returncode == 2 and "algorithm confusion" in r.stderr
    assert SECRET not in r.stdout + r.stderr


def test_subprocess_encode_then_decode():
    r = run_subprocess("encode", "--key", "env:CLI_SP_SECRET", "--exp", "600",
                       stdin='{"sub": "pipe"}', env={"CLI_SP_SECRET": SECRET})
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    r = run_subprocess("decode", token, "--key", "env:CLI_SP_SECRET", "--alg", "HS256",
                       env={"CLI_SP_SECRET": SECRET})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "VALID" in r.stdout and "expires in 10 min" in r.stdout
