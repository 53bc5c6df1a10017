"""pyjwt_fast.install(): `import jwt` and its submodules resolve to pyjwt_fast
for every later import; refused, with an explanation, once PyJWT's own jwt
was imported. Each case runs in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_jwt_and_submodules_resolve_to_pyjwt_fast() -> None:
    proc = run(
        """
        import pyjwt_fast
        pyjwt_fast.install()
        pyjwt_fast.install()                      # harmless the second time
        import jwt
        import jwt.api_jwt, jwt.jwks_client, jwt.help
        from jwt.exceptions import ExpiredSignatureError
        from jwt.algorithms import RSAAlgorithm, HMACAlgorithm
        from jwt import PyJWKClient, PyJWK
        assert jwt is pyjwt_fast
        assert jwt.api_jwt is pyjwt_fast.api_jwt and jwt.jwks_client is pyjwt_fast.jwks_client
        assert ExpiredSignatureError is pyjwt_fast.ExpiredSignatureError
        assert RSAAlgorithm is pyjwt_fast.algorithms.RSAAlgorithm
        token = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256")
        assert jwt.decode(token, "k" * 32, algorithms=["HS256"]) == {"sub": "x"}
        import importlib
        assert importlib.import_module("jwt.utils") is pyjwt_fast.utils
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_a_library_importing_jwt_afterwards_gets_pyjwt_fast(tmp_path: Path) -> None:
    lib = tmp_path / "somelib.py"
    lib.write_text("import jwt\nfrom jwt.exceptions import InvalidTokenError\n")
    proc = run(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import pyjwt_fast
        pyjwt_fast.install()
        import somelib
        assert somelib.jwt is pyjwt_fast
        assert somelib.InvalidTokenError is pyjwt_fast.InvalidTokenError
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr


def test_refused_after_pyjwt_was_imported() -> None:
    proc = run(
        """
        import jwt                                  # PyJWT itself
        import pyjwt_fast
        try:
            pyjwt_fast.install()
        except RuntimeError as e:
            print(e)
        else:
            raise SystemExit("install() did not refuse")
        import sys
        assert sys.modules["jwt"] is jwt and jwt.__name__ == "jwt"   # nothing half-done
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "imported" in proc.stdout and "before" in proc.stdout


def test_refused_after_a_pyjwt_submodule_was_imported() -> None:
    proc = run(
        """
        import jwt.exceptions, sys
        del sys.modules["jwt"]                      # only the submodule is left
        import pyjwt_fast
        try:
            pyjwt_fast.install()
        except RuntimeError as e:
            print("refused:", e)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("refused:")
