"""Command line for pyjwt_fast: ``python -m pyjwt_fast`` / ``pyjwt-fast``.

    pyjwt-fast decode TOKEN                       # show header and claims, no verification
    pyjwt-fast decode TOKEN --key env:SECRET --alg HS256
    pyjwt-fast encode '{"sub": "42"}' --key env:SECRET --exp 3600

Exit status: 0 valid (or decoded without verification), 1 invalid token or
library error, 2 usage error.

Only the public API of pyjwt_fast is used. Key material is never printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import time
import warnings
from typing import Any, NoReturn, Sequence

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

TIME_CLAIMS = ("exp", "nbf", "iat")

KEY_HELP = (
    "VALUE, @PATH (a file, read as-is) or env:NAME (an environment variable); "
    "prefer @PATH or env:NAME, literal values land in shell history. "
    "A JWK (JSON object) works too"
)


class UsageError(Exception):
    """A problem with the command line or its inputs: exit status 2."""


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------


def _prog() -> str:
    base = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if base in ("__main__.py", "-m", "-c", ""):
        return "python -m pyjwt_fast"
    return "pyjwt-fast"


def _split_list(values: Sequence[str] | None) -> list[str]:
    """Flatten repeatable, comma-separated option values; drop empty items."""
    out: list[str] = []
    for value in values or ():
        out.extend(item.strip() for item in value.split(",") if item.strip())
    return out


def _read_source(spec: str, what: str) -> str:
    """A value given as a literal, @PATH or "-" (stdin) -> text."""
    if spec == "-":
        return sys.stdin.read()
    if spec.startswith("@"):
        path = os.path.expanduser(spec[1:])
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            raise UsageError(f"cannot read {what} file {path!r}: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{what} file {path!r} is not UTF-8 text") from None
    return spec


def _load_key(spec: str, algorithms: Sequence[str]) -> Any:
    """--key value -> str/bytes/PyJWK. Errors never contain the key itself."""
    if spec.startswith("env:"):
        name = spec[4:]
        if not name:
            raise UsageError("--key env:NAME needs a variable name")
        if name not in os.environ:
            raise UsageError(f"--key: environment variable {name!r} is not set")
        key: str | bytes = os.environ[name]
    elif spec.startswith("@"):
        path = os.path.expanduser(spec[1:])
        try:
            with open(path, "rb") as f:
                key = f.read()
        except OSError as e:
            raise UsageError(f"--key: cannot read key file {path!r}: {e.strerror or e}") from None
    else:
        key = spec
    if not key:
        raise UsageError("--key: the key is empty")
    return _maybe_jwk(key, algorithms)


def _maybe_jwk(key: str | bytes, algorithms: Sequence[str]) -> Any:
    """A key that is a JSON object with "kty" becomes a PyJWK; anything else is kept."""
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    if not text.lstrip().startswith("{"):
        return key
    try:
        data = json.loads(text)
    except ValueError:
        return key
    if not isinstance(data, dict) or "kty" not in data:
        return key
    from . import PyJWK

    algorithm = algorithms[0] if len(algorithms) == 1 and "alg" not in data else None
    return PyJWK(data, algorithm)


def _redact(message: str, key: Any) -> str:
    """Defensive: remove the key (and its longer lines) from a message."""
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    if not isinstance(key, str):
        return message
    pieces = [key] if len(key) >= 4 else []
    pieces += [line.strip() for line in key.splitlines() if len(line.strip()) >= 16]
    for piece in sorted(set(pieces), key=len, reverse=True):
        message = message.replace(piece, "<redacted>")
    return message


def _describe(exc: BaseException, key: Any = None) -> str:
    message = str(exc)
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return _redact(text, key)


def _emit_warnings(caught: list[Any], key: Any) -> None:
    for w in caught:
        print(f"warning: {_redact(str(w.message), key)}", file=sys.stderr)


def _dumps(obj: Any) -> str:
    """Indented JSON, readable non-ASCII, but no raw C1 control characters (terminal escapes)."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str)
    return re.sub("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]",
                  lambda m: f"\\u{ord(m.group()):04x}", text)


# --------------------------------------------------------------------------
# time claims
# --------------------------------------------------------------------------


def human_span(seconds: float) -> str:
    """|seconds| as one rounded unit: "45 s", "4 min", "2 h", "3 days", "5 years"."""
    s = abs(seconds)
    n = round(s)
    if n < 60:
        return f"{n} s"
    n = round(s / 60)
    if n < 60:
        return f"{n} min"
    n = round(s / 3600)
    if n < 24:
        return f"{n} h"
    n = round(s / 86400)
    if n < 730:
        return f"{n} day" if n == 1 else f"{n} days"
    return f"{round(s / (365.25 * 86400))} years"


def relative_phrase(claim: str, value: float, now: float) -> str:
    """The human phrase for one time claim, relative to now (no leeway)."""
    delta = value - now
    span = human_span(delta)
    if claim == "exp":
        return f"expires in {span}" if delta > 0 else f"expired {span} ago"
    if claim == "iat":
        return f"issued {span} ago" if delta <= 0 else f"issued in the future ({span} from now)"
    # nbf
    return f"not valid yet (valid in {span})" if delta > 0 else f"valid since {span} ago"


def _utc_iso(value: float) -> str:
    dt = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    spec = "seconds" if float(value).is_integer() else "milliseconds"
    return dt.isoformat(timespec=spec).replace("+00:00", "Z")


def time_claims(payload: dict[str, Any], now: float) -> dict[str, dict[str, Any]]:
    """{claim: {"value", "utc", "relative"}} for exp/nbf/iat present in payload."""
    out: dict[str, dict[str, Any]] = {}
    for claim in TIME_CLAIMS:
        if claim not in payload:
            continue
        value = payload[claim]
        entry: dict[str, Any] = {"value": value, "utc": None, "relative": None}
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            entry["relative"] = "not a NumericDate (number of seconds since the epoch)"
        else:
            try:
                entry["utc"] = _utc_iso(value)
                entry["relative"] = relative_phrase(claim, value, now)
            except (OverflowError, OSError, ValueError):
                entry["relative"] = "out of range"
        out[claim] = entry
    return out


# --------------------------------------------------------------------------
# decode
# --------------------------------------------------------------------------


def _read_token(arg: str | None) -> str:
    if arg is None or arg == "-":
        if sys.stdin is None:
            raise UsageError("no token given and no stdin to read it from")
        if sys.stdin.isatty():
            print("Paste the token, then press Ctrl-D:", file=sys.stderr)
        raw = sys.stdin.read()
    else:
        raw = arg
    token = raw.strip()
    parts = token.split(None, 1)
    if len(parts) == 2 and parts[0].lower() == "bearer":
        token = parts[1].strip()
    if not token:
        raise UsageError("no token given (pass it as an argument or on stdin)")
    return token


def _hint(exc: BaseException, header: dict[str, Any] | None, payload: dict[str, Any] | None,
          algorithms: list[str], key: Any, args: argparse.Namespace) -> str | None:
    from . import InvalidAlgorithmError, InvalidAudienceError, InvalidSignatureError

    if isinstance(exc, InvalidAlgorithmError) and header is not None:
        return (f"the token's header says alg={header.get('alg')!r}; "
                f"--alg allows {', '.join(algorithms)}")
    if (isinstance(exc, InvalidAudienceError) and not args.audience
            and payload is not None and "aud" in payload):
        return "the token has an aud claim: pass the expected value with --audience"
    if (isinstance(exc, InvalidSignatureError) and isinstance(key, bytes)
            and key.endswith(b"\n") and args.key.startswith("@")
            and any(a.startswith("HS") for a in algorithms)):
        return ("the key file ends with a newline, which is part of an HMAC secret "
                "(write it with printf '%s' or echo -n)")
    return None


def cmd_decode(args: argparse.Namespace) -> int:
    import pyjwt_fast

    algorithms = _split_list(args.alg)
    token = _read_token(args.token)

    header: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    error: str | None = None
    try:
        complete = pyjwt_fast.decode_complete(token, options={"verify_signature": False})
        header, payload = complete["header"], complete["payload"]
    except Exception as e:  # malformed: nothing to show
        error = _describe(e)

    if args.key is not None and not algorithms:
        seen = header.get("alg") if header else None
        raise UsageError(
            "--alg is required with --key"
            + (f" (this token's header says alg={seen!r})" if seen else "")
            + ". The algorithm is never taken from the token: its header is chosen by "
            "whoever made the token, and trusting it allows algorithm confusion (alg=none, "
            "or an RSA public key used as an HMAC secret). Pass the algorithm(s) you "
            f"expect, e.g. --alg {seen if isinstance(seen, str) and seen else 'RS256'} "
            "if that is what your issuer uses.")
    if args.key is None and algorithms:
        raise UsageError("--alg is only used to verify: give the key with --key")

    now = time.time()
    times = time_claims(payload, now) if payload is not None else {}
    verified = args.key is not None
    valid: bool | None = None
    hint: str | None = None
    caught: list[Any] = []
    key: Any = None

    if error is not None:
        valid = False
    elif verified:
        options: dict[str, Any] = {}
        if args.require:
            options["require"] = _split_list(args.require)
        if args.no_verify_exp:
            options["verify_exp"] = False
        audience = args.audience[0] if args.audience and len(args.audience) == 1 else args.audience
        try:
            key = _load_key(args.key, algorithms)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                pyjwt_fast.decode(
                    token, key, algorithms=algorithms, options=options,
                    audience=audience, issuer=args.issuer, leeway=args.leeway,
                )
            valid = True
        except UsageError:
            raise
        except Exception as e:
            valid = False
            error = _describe(e, key)
            hint = _hint(e, header, payload, algorithms, key, args)
    _emit_warnings(caught, key)

    if args.json:
        doc = {
            "header": header,
            "payload": payload,
            "verified": verified,
            "valid": valid,
            "error": error,
            "times": times,
        }
        if hint:
            doc["hint"] = hint
        print(_dumps(doc))
    else:
        _print_decoded(header, payload, times, now, verified, valid, error, hint,
                       header.get("alg") if header else None)
    return EXIT_OK if valid is not False else EXIT_INVALID


def _print_decoded(header: Any, payload: Any, times: Any, now: float, verified: bool, valid: Any,
                   error: Any, hint: Any, alg: Any) -> None:
    if header is not None:
        print("Header:")
        print(_dumps(header))
        print()
        print("Payload:")
        print(_dumps(payload))
        if times:
            print()
            print(f"Time claims (now {_utc_iso(int(now))}):")
            for claim, t in times.items():
                shown = _dumps(t["value"])
                utc = t["utc"] or "-"
                print(f"  {claim}  {shown:<12}  {utc:<20}  {t['relative']}")
        print()
    if error is not None:
        print(f"INVALID: {error}")
    elif not verified:
        print("Signature NOT verified (no --key given): do not trust these claims.")
    else:
        print(f"VALID: signature ({alg}) and claims verified.")
    if hint:
        print(f"hint: {hint}")


# --------------------------------------------------------------------------
# encode
# --------------------------------------------------------------------------


def _parse_headers(items: Sequence[str] | None) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for item in items or ():
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--header expects KEY=VALUE, got {item!r}")
        if name == "alg":
            raise UsageError("set the algorithm with --alg, not --header alg=...")
        try:
            headers[name] = json.loads(raw)
        except ValueError:
            headers[name] = raw
    return headers


def cmd_encode(args: argparse.Namespace) -> int:
    import pyjwt_fast

    algorithm = args.alg
    headers = _parse_headers(args.header)
    if args.key is None and algorithm != "none":
        raise UsageError(f"--key is required for --alg {algorithm} (only 'none' signs without a key)")

    source = "-" if args.claims is None else args.claims
    if source == "-" and sys.stdin is not None and sys.stdin.isatty():
        print("Type the claims as JSON, then press Ctrl-D:", file=sys.stderr)
    text = _read_source(source, "claims")
    try:
        claims = json.loads(text) if text.strip() else {}
    except ValueError as e:
        raise UsageError(f"claims are not valid JSON: {e}") from None
    if not isinstance(claims, dict):
        raise UsageError(f"claims must be a JSON object, got {type(claims).__name__}")

    now = int(time.time())
    if args.iat:
        claims["iat"] = now
    if args.exp is not None:
        claims["exp"] = now + args.exp

    key: Any = None
    caught: list[Any] = []
    try:
        if args.key is not None:
            key = _load_key(args.key, [algorithm])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            token = pyjwt_fast.encode(claims, key, algorithm=algorithm, headers=headers or None)
    except UsageError:
        raise
    except Exception as e:
        _emit_warnings(caught, key)
        print(f"error: {_describe(e, key)}", file=sys.stderr)
        if (isinstance(e, (pyjwt_fast.InvalidKeyError, AttributeError, TypeError, ValueError))
                and algorithm.startswith(("RS", "PS", "ES", "Ed"))):
            print(f"hint: --alg {algorithm} signs with a private key "
                  "(PEM, DER or OpenSSH, e.g. --key @private.pem)", file=sys.stderr)
        return EXIT_INVALID
    _emit_warnings(caught, key)
    print(token)
    return EXIT_OK


# --------------------------------------------------------------------------
# parser and entry point
# --------------------------------------------------------------------------

DECODE_EPILOG = """\
examples:
  # show header and claims, NOT verified
  %(prog)s eyJhbGciOi...
  # token from stdin; a leading "Bearer " is stripped
  echo "Bearer eyJhbGciOi..." | %(prog)s
  # verify: the key and the expected algorithm(s) are both required
  %(prog)s TOKEN --key env:JWT_SECRET --alg HS256
  %(prog)s TOKEN --key @public.pem --alg RS256,PS256 --audience api
  %(prog)s TOKEN --json | jq .payload

exit status: 0 valid (or decoded without --key), 1 invalid or malformed, 2 usage error
"""

ENCODE_EPILOG = """\
examples:
  %(prog)s '{"sub": "42"}' --key env:JWT_SECRET --exp 3600 --iat
  %(prog)s @claims.json --key @private.pem --alg RS256 --header kid=key-1
  echo '{"sub": "42"}' | %(prog)s --key env:JWT_SECRET
  # an already expired token, for tests
  %(prog)s '{"sub": "42"}' --key env:JWT_SECRET --exp -60

exit status: 0 ok, 1 library error (e.g. unusable key), 2 usage error
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors become UsageError so main() can return 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    prog = _prog()
    parser = _Parser(
        prog=prog,
        description="Decode, verify and create JSON Web Tokens (pyjwt_fast).",
        epilog=f"run '{prog} decode --help' or '{prog} encode --help' for details",
    )
    sub = parser.add_subparsers(dest="command", metavar="{decode,encode}", parser_class=_Parser)

    raw = argparse.RawDescriptionHelpFormatter
    d = sub.add_parser(
        "decode", help="show a token's header and claims; verify it with --key",
        description="Show a token's header and claims. Without --key nothing is verified;\n"
                    "with --key and --alg the signature and the claims are verified.",
        epilog=DECODE_EPILOG, formatter_class=raw,
    )
    d.add_argument("token", nargs="?", metavar="TOKEN",
                   help='the token; read from stdin when absent or "-"')
    d.add_argument("--key", metavar="KEY", help="verification key: " + KEY_HELP)
    d.add_argument("--alg", action="append", metavar="ALG",
                   help="accepted algorithm(s), repeatable or comma-separated; required with --key")
    d.add_argument("--audience", action="append", metavar="AUD", help="expected aud (repeatable)")
    d.add_argument("--issuer", metavar="ISS", help="expected iss")
    d.add_argument("--leeway", type=float, default=0, metavar="SECONDS",
                   help="clock skew allowed for exp/nbf/iat")
    d.add_argument("--require", action="append", metavar="CLAIM",
                   help="claim that must be present (repeatable or comma-separated)")
    d.add_argument("--no-verify-exp", action="store_true", help="accept expired tokens")
    d.add_argument("--json", action="store_true",
                   help='machine-readable output: {"header", "payload", "valid", "error", ...}')
    d.set_defaults(func=cmd_decode)

    e = sub.add_parser(
        "encode", help="create a signed token from JSON claims",
        description="Create a token from JSON claims and print it.",
        epilog=ENCODE_EPILOG, formatter_class=raw,
    )
    e.add_argument("claims", nargs="?", metavar="CLAIMS",
                   help='claims as a JSON object, @FILE, or stdin when absent or "-"')
    e.add_argument("--key", metavar="KEY",
                   help="signing key (a secret for HS*, else a private key): " + KEY_HELP)
    e.add_argument("--alg", default="HS256", metavar="ALG", help="algorithm (default HS256)")
    e.add_argument("--header", action="append", metavar="KEY=VALUE",
                   help="extra header field (repeatable); VALUE is parsed as JSON when it parses")
    e.add_argument("--exp", type=int, metavar="SECONDS", help="add exp = now + SECONDS")
    e.add_argument("--iat", action="store_true", help="add iat = now")
    e.set_defaults(func=cmd_encode)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 invalid, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(args.func(args))
    except UsageError as e:
        print(f"{parser.prog}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as e:  # --help, or argparse exiting by itself
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
