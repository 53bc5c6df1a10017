"""Information for a bug report, as jwt.help gives it, plus pyjwt_fast's own."""
import json
import platform
import sys

from . import __version__ as pyjwt_version
from . import _native

try:
    import cryptography

    cryptography_version = cryptography.__version__
except ModuleNotFoundError:
    cryptography_version = ""


def info() -> dict[str, dict[str, str]]:
    """Platform, Python, cryptography and PyJWT-API versions, and the C core's
    OpenSSL."""
    try:
        platform_info = {"system": platform.system(), "release": platform.release()}
    except OSError:
        platform_info = {"system": "Unknown", "release": "Unknown"}

    implementation = platform.python_implementation()
    if implementation == "CPython":
        implementation_version = platform.python_version()
    elif implementation == "PyPy":
        v = sys.pypy_version_info  # type: ignore[attr-defined]
        implementation_version = f"{v.major}.{v.minor}.{v.micro}"
        if v.releaselevel != "final":
            implementation_version += v.releaselevel
    else:
        implementation_version = "Unknown"

    return {
        "platform": platform_info,
        "implementation": {"name": implementation, "version": implementation_version},
        "cryptography": {"version": cryptography_version},
        "pyjwt": {"version": pyjwt_version},
        "pyjwt_fast": {"openssl": _native.OPENSSL_VERSION},
    }


def main() -> None:
    """Pretty-print the bug information as JSON."""
    print(json.dumps(info(), sort_keys=True, indent=2))


if __name__ == "__main__":
    main()
