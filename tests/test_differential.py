"""Differential tests: PyJWT 2.15.1 (installed as `jwt`) is the oracle.

For every generated input, pyjwt_fast must return an equal value (tokens byte for
byte) or raise the same exception class with the same message, and emit the same
warnings (category and message), as PyJWT does. See DESIGN.md, "Compatibility
contract".

The only tolerated divergence is pyjwt_fast refusing malformed input with a
DecodeError where PyJWT does something else; every such case must be listed in
STRICTER below, matched by a predicate on the input, and documented in
docs/compat.md.

Scope of this round: algorithms none, HS256, HS384, HS512; encode, decode,
decode_complete, get_unverified_header, PyJWT and PyJWS.
"""

from __future__ import annotations

import base64
import calendar
import collections
import enum
import hashlib
import hmac
import json
import math
import os
import re
import struct
import time
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

import jwt as pyjwt
import jwt.api_jws
import jwt.api_jwt
import pytest
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

import pyjwt_fast
import pyjwt_fast.api_jws
import pyjwt_fast.api_jwt
from conftest import (
    IDENTITY_EXAMPLES,
    Outcome,
    assert_same_outcome,
    differential,
    examples,
    outcome,
    safe_repr,
)

HS_ALGS = ["HS256", "HS384", "HS512"]
HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
UNSET = object()  # "argument not passed"

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPAT_MD = os.path.join(REPO, "docs", "compat.md")


# ==========================================================================
# Deliberate strictness: the explicit list
# ==========================================================================


@dataclass(frozen=True)
class Stricter:
    """One documented case where pyjwt_fast refuses (DecodeError) input that
    PyJWT treats differently. `applies` receives the Case being checked."""

    name: str
    compat_ref: str  # a heading or anchor text that docs/compat.md must contain
    applies: Callable[["Case"], bool]


# Every entry is a divergence from PyJWT and needs a docs/compat.md row.
STRICTER: list[Stricter] = [
    Stricter(
        "JSON nesting deeper than 256",
        "JSON nested deeper than 256",
        lambda case: any(json_depth(seg) > 256 for seg in case.raw_segments()),
    ),
]


@dataclass
class Case:
    """The input of one decode-like call, for the STRICTER predicates."""

    token: Any
    kwargs: dict

    def raw_segments(self) -> list[bytes]:
        """Header and payload segments base64url-decoded leniently (b'' where
        that fails)."""
        tok = self.token
        if isinstance(tok, str):
            tok = tok.encode("utf-8", "surrogatepass")
        if not isinstance(tok, bytes):
            return []
        out = []
        for seg in tok.split(b".")[:2]:
            try:
                out.append(base64.urlsafe_b64decode(seg.rstrip(b"=") + b"=" * (-len(seg.rstrip(b"=")) % 4)))
            except Exception:  # noqa: BLE001
                out.append(b"")
        return out


def json_depth(raw: bytes) -> int:
    """Maximum [ / { nesting depth of raw JSON text, ignoring string contents."""
    depth = best = 0
    in_str = esc = False
    for b in raw:
        if in_str:
            if esc:
                esc = False
            elif b == 0x5C:
                esc = True
            elif b == 0x22:
                in_str = False
        elif b == 0x22:
            in_str = True
        elif b in (0x5B, 0x7B):
            depth += 1
            best = max(best, depth)
        elif b in (0x5D, 0x7D):
            depth -= 1
    return best


def label(o: Outcome) -> str:
    """For hypothesis statistics (--hypothesis-show-statistics)."""
    text = "ok" if o.ok else f"{o.result[1]}: {o.result[2][:60]}"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def quietly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Make a fixture token through PyJWT without its warnings reaching the report."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def check(case: Case, expected: Outcome, actual: Outcome, what: str) -> None:
    """assert_same_outcome, except where a STRICTER entry covers the input and
    pyjwt_fast refused it with a DecodeError."""
    event(label(expected))
    if (
        not actual.ok
        and actual.result[1] == "DecodeError"
        and (expected.ok or expected.result != actual.result)
    ):
        for entry in STRICTER:
            if entry.applies(case):
                with open(COMPAT_MD, encoding="utf-8") as fh:
                    assert entry.compat_ref in fh.read(), (
                        f"STRICTER entry {entry.name!r} cites {entry.compat_ref!r}, "
                        "which docs/compat.md does not contain"
                    )
                note(f"tolerated by STRICTER entry {entry.name!r}")
                return
    assert_same_outcome(expected, actual, what)


def test_stricter_entries_are_documented() -> None:
    if not STRICTER:
        return
    with open(COMPAT_MD, encoding="utf-8") as fh:
        text = fh.read()
    for entry in STRICTER:
        assert entry.compat_ref in text, entry


# ==========================================================================
# Value strategies
# ==========================================================================

SPECIAL_CHARS = [
    "\x00", "\x01", "\x1f", "\x7f", "\x80", "\xff", "\u2028", "\u2029",
    "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00",  # lone surrogates
    "\U0001f600", "\U0001d7d3", "\U0010ffff",  # astral
    "\ufeff", "\ufffd", "é", "ß", "\u0301", '"', "\\", "/", "<", "'", "\t", "\n", "\r", " ",
]
def weighted(*pairs: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """Choose among strategies with integer weights. (st.one_of would not do: it
    picks branches uniformly and collapses repeated identical branches.)"""
    strategies = [s for _, s in pairs]
    index = [i for i, (w, _) in enumerate(pairs) for _ in range(w)]
    return st.sampled_from(index).flatmap(lambda i: strategies[i])


def rarely(draw: Any, one_in: int) -> bool:
    return draw(st.integers(1, one_in)) == one_in


class Colour(enum.IntEnum):
    RED = 1
    BIG = 2**70


class StrSub(str):
    pass


class FloatSub(float):
    pass


class IntSub(int):
    pass


class DictSub(dict):
    pass


class ListSub(list):
    pass


class DateTimeSub(datetime):
    pass


class Custom:
    """Not JSON-serialisable; the custom encoders below know it."""

    def __init__(self, v: Any) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Custom) and other.v == self.v

    def __hash__(self) -> int:
        return hash(("Custom", self.v))

    def __repr__(self) -> str:
        return f"Custom({self.v!r})"


SPECIAL_INTS = [0, -1, 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
                -(2**63), -(2**63) - 1, -(2**64), 10**30, -(10**40), 2**1000, 10**4299, -(10**4299)]
SPECIAL_FLOATS = [0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf, 1e16, 1e-7, 1e22, 1e21,
                  1e-5, 1e-4, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3,
                  2.5, 100.0, 1e15, 9007199254740993.0, 123456789012345678.0, -1.5e-300, 1.0]
TZ_POOL = [
    timezone.utc,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-12)),
    timezone(timedelta(hours=23, minutes=59)),
    timezone(timedelta(seconds=-1)),
]
SUBCLASS_SCALARS = [Colour.RED, Colour.BIG, StrSub("sub"), FloatSub(1.5), FloatSub(math.nan), IntSub(7)]

class ByteBuilder:
    """Builds a JSON-able Python value from a byte string. One `binary` draw per
    value tree keeps generation cheap enough for 10,000 examples per algorithm, and
    hypothesis still shrinks it (fewer / smaller bytes -> smaller, simpler value;
    exhausted input reads as zeros -> None)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0

    def byte(self) -> int:
        if self.i < len(self.data):
            self.i += 1
            return self.data[self.i - 1]
        return 0

    def take(self, n: int) -> bytes:
        return bytes(self.byte() for _ in range(n))

    def chance(self, one_in: int) -> bool:
        """True about once in `one_in` draws; a zero byte (what shrinking aims
        for) reads as False."""
        return self.byte() % one_in == one_in - 1

    def pick(self, seq: Any) -> Any:
        return seq[self.byte() % len(seq)]

    def weighted(self, *weights: int) -> int:
        """Index chosen with the given integer weights (zero byte -> index 0)."""
        r = int.from_bytes(self.take(2), "big") % sum(weights)
        for i, w in enumerate(weights):
            if r < w:
                return i
            r -= w
        raise AssertionError

    def datetime(self) -> datetime:
        kind = self.byte() % 4
        if self.chance(6):
            year = self.pick([1, 9999, 1970, 2038, 1969, 2100])
        elif kind == 2:
            year = 1970 + self.byte() % 130
        else:
            year = 1 + int.from_bytes(self.take(2), "big") % 9999
        month, day = 1 + self.byte() % 12, 1 + self.byte() % 28
        hour, minute, second = self.byte() % 24, self.byte() % 60, self.byte() % 60
        micro = int.from_bytes(self.take(3), "big") % 1_000_000
        if self.chance(5):
            hour, minute, second, micro = self.pick([(0, 0, 0, 0), (23, 59, 59, 999_999)])
        if kind == 0:
            return datetime(year, month, day, hour, minute, second, micro)
        if kind == 3:
            return DateTimeSub(year, month, day, hour, minute, second, micro)
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=self.pick(TZ_POOL))

    def non_json(self) -> Any:
        return self.pick([
            lambda: Custom(self.byte() % 10),
            lambda: frozenset(self.byte() % 10 for _ in range(self.byte() % 4)),
            lambda: {self.byte() % 10 for _ in range(self.byte() % 4)},
            lambda: Decimal("2.5"), lambda: date(2020, 1, 2), lambda: b"bytes",
            lambda: 10**4300, lambda: complex(1, 2),
        ])()

    def key_text(self, n: int, alphabet: str | None = None) -> str:
        if alphabet:
            return "".join(alphabet[self.byte() % len(alphabet)] for _ in range(n))
        # any code point but surrogates
        out = []
        for _ in range(n):
            c = int.from_bytes(self.take(3), "big") % (0x110000 - 0x800)
            out.append(chr(c + 0x800 if c >= 0xD800 else c))
        return "".join(out)

    def string(self) -> str:
        out = []
        for _ in range(self.byte() % 10):
            c = self.byte()
            mode = c % 10
            if mode < 5:
                out.append(chr(32 + (c * 7 + self.byte()) % 95))
            elif mode == 5:
                out.append(SPECIAL_CHARS[self.byte() % len(SPECIAL_CHARS)])
            elif mode == 6:
                out.append(chr(0x80 + int.from_bytes(self.take(2), "big") % (0xD800 - 0x80)))
            elif mode == 7:
                out.append(chr(0xD800 + int.from_bytes(self.take(2), "big") % 0x800))  # surrogate
            elif mode == 8:
                out.append(chr(0x10000 + int.from_bytes(self.take(3), "big") % 0x100000))  # astral
            else:
                out.append(chr(0xE000 + int.from_bytes(self.take(2), "big") % 0x2000))
        return "".join(out)

    def integer(self) -> int:
        b = self.byte() % 8
        if b < 3:
            return int.from_bytes(self.take(1), "big", signed=True)
        if b < 5:
            return int.from_bytes(self.take(4), "big", signed=True)
        if b == 5:
            return int.from_bytes(self.take(8), "big", signed=self.byte() % 2 == 0)
        if b == 6:
            return int.from_bytes(self.take(1 + self.byte() % 40), "big", signed=True)
        return SPECIAL_INTS[self.byte() % len(SPECIAL_INTS)]

    def floating(self) -> float:
        if self.byte() % 2:
            return SPECIAL_FLOATS[self.byte() % len(SPECIAL_FLOATS)]
        return struct.unpack("<d", self.take(8))[0]

    def key(self) -> Any:
        b = self.byte() % 16
        if b < 11:
            return self.string()
        if b == 11:
            return self.integer()
        if b == 12:
            return self.floating()
        if b == 13:
            return bool(self.byte() % 2)
        if b == 14:
            return None
        return ("abc", "exp", "iat", "nbf", "iss", "aud", "sub", "jti")[self.byte() % 8]

    def value(self, depth: int = 0) -> Any:
        b = self.byte() % (24 if depth >= 3 else 32)
        if b < 2:
            return None
        if b < 4:
            return bool(b % 2)
        if b < 9:
            return self.integer()
        if b < 12:
            return self.floating()
        if b < 20:
            return self.string()
        if b < 22:
            return self.string() if depth else self.integer()
        if b == 22:
            return SUBCLASS_SCALARS[self.byte() % len(SUBCLASS_SCALARS)]
        if b == 23:
            return ""
        if b < 26:
            return [self.value(depth + 1) for _ in range(self.byte() % 4)]
        if b == 26:
            return tuple(self.value(depth + 1) for _ in range(self.byte() % 3))
        if b < 30:
            return self.mapping(depth + 1)
        if b == 30:
            return ListSub(self.value(depth + 1) for _ in range(self.byte() % 3))
        kind = (DictSub, collections.OrderedDict)[self.byte() % 2]
        return kind((self.string(), self.value(depth + 1)) for _ in range(self.byte() % 3))

    def mapping(self, depth: int = 0, size: int | None = None) -> dict:
        n = self.byte() % 5 if size is None else size
        return {self.key(): self.value(depth) for _ in range(n)}


texts = st.one_of(
    st.binary(max_size=20).map(lambda b: ByteBuilder(b).string()),
    st.sampled_from(["", "a", "abc", "x", "é", "\ud800", "\U0001f600", "sub", "iss"]),
)
json_values = st.binary(min_size=4, max_size=48).map(lambda b: ByteBuilder(b).value())


# --------------------------------------------------------------------------
# JSON encoders (json_encoder=)
# --------------------------------------------------------------------------


def _default(o: Any) -> Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=repr)
    if isinstance(o, Custom):
        return {"custom": o.v}
    if isinstance(o, (Decimal, date)):
        return str(o)
    raise TypeError(f"cannot encode {type(o).__name__}")


class DefaultEncoder(json.JSONEncoder):
    """Overrides only default(): eligible for the C fast path (DESIGN.md)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (set, frozenset, Custom, Decimal, date)):
            return _default(o)
        return super().default(o)


class StrEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        return f"<{type(o).__name__}>"


class NonAsciiEncoder(json.JSONEncoder):
    """Changes constructor arguments: must not take the fast path."""

    def __init__(self, **kw: Any) -> None:
        kw["ensure_ascii"] = False
        super().__init__(**kw)

    def default(self, o: Any) -> Any:
        return _default(o)


class SortingEncoder(json.JSONEncoder):
    def __init__(self, **kw: Any) -> None:
        kw["sort_keys"] = True
        super().__init__(**kw)


class NoNanEncoder(json.JSONEncoder):
    def __init__(self, **kw: Any) -> None:
        kw["allow_nan"] = False
        super().__init__(**kw)


class EncodeOverride(json.JSONEncoder):
    """Overrides encode() itself."""

    def encode(self, o: Any) -> str:
        return super().encode(o).replace("a", "A")


class IterencodeOverride(json.JSONEncoder):
    def iterencode(self, o: Any, _one_shot: bool = False):  # type: ignore[override]
        yield from super().iterencode(o, _one_shot=False)


ENCODERS = [
    None, None, None, None, DefaultEncoder, DefaultEncoder, StrEncoder,
    NonAsciiEncoder, SortingEncoder, NoNanEncoder, EncodeOverride, IterencodeOverride,
]
encoders = st.sampled_from(ENCODERS)


# --------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------

RSA_PUBLIC_PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n"
    "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n"
    "-----END PUBLIC KEY-----\n"
)
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPL1I9oiq+B8crkmuV4YViiUnhdLjCp3hvy1bNGuGfNL"
JWK_JSON = '{"kty":"oct","k":"c2VjcmV0"}'
TRICKY_KEYS = [
    RSA_PUBLIC_PEM, RSA_PUBLIC_PEM.encode(), SSH_KEY, SSH_KEY.encode(), JWK_JSON,
    '{"keys":[{"kty":"RSA"}]}', "[1,2]", "{}", '{"this":"is json"}', "0", "null",
    "-----BEGIN PUBLIC KEY-----", "\ufeff{\"kty\":1}",
]
BAD_KEYS = [None, 1, 1.5, bytearray(b"k" * 64), ["k"], "\ud800" * 64, "k" * 40 + "\udfff"]
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def key_from_bytes(raw: bytes) -> Any:
    """HMAC secrets: mostly long enough for every HS algorithm, so most tokens
    come out clean; some short (warnings), empty, look-alike or ill-typed."""
    bb = ByteBuilder(raw)
    kind = bb.weighted(12, 12, 4, 8, 2, 2)
    if kind == 0:
        return bb.take(64 + bb.byte() % 37)
    if kind == 1:
        return bb.key_text(64 + bb.byte() % 17, ALNUM)
    if kind == 2:
        return bb.key_text(64 + bb.byte() % 17)
    if kind == 3:
        n = bb.byte() % 81
        return bb.pick([lambda: bb.take(n), lambda: bb.key_text(n), lambda: "k" * n, lambda: b"\x00" * n])()
    if kind == 4:
        return bb.pick(TRICKY_KEYS)
    return bb.pick(BAD_KEYS)


hs_keys = st.binary(min_size=8, max_size=120).map(key_from_bytes)
key_values = st.binary(min_size=2, max_size=90).map(lambda raw: key_from_bytes(b"\x00\x00" + raw[:1] + b"\x06" + raw[1:]))
none_keys = st.sampled_from([None, None, "", b"", "secret", 0, b"x", False])


# ==========================================================================
# (a) encode
# ==========================================================================


NON_DICT_PAYLOADS = [[], "str", None, 1, (("a", 1),), set(), collections.UserDict({"a": 1})]
ISS_BAD = [1, None, ["iss"], True, 1.5, b"x"]


def payload_from_bytes(raw: bytes, allow_errors: bool) -> Any:
    """Claims sets for encode. With allow_errors, a minority are things PyJWT
    refuses (non-dict, non-str iss, unserialisable values, date overflow...)."""
    bb = ByteBuilder(raw)
    if allow_errors and bb.chance(60):
        return bb.pick(NON_DICT_PAYLOADS)
    p: Any = bb.mapping(size=bb.byte() % 6)
    shape = bb.byte() % 20
    if shape == 1:
        p = collections.OrderedDict(p)
    elif shape == 2:
        p = DictSub(p)
    for claim in ("exp", "iat", "nbf"):
        if bb.chance(4):
            if not allow_errors:
                p[claim] = bb.datetime() if bb.byte() % 2 else int.from_bytes(bb.take(5), "big")
                continue
            kind = bb.weighted(3, 2, 1, 1, 1)
            p[claim] = [bb.datetime, bb.integer, bb.floating, bb.string,
                        lambda: bb.pick([None, True])][kind]()
    if bb.chance(5):
        p["iss"] = bb.pick(ISS_BAD) if allow_errors and bb.chance(25) else bb.string()
    for claim in ("aud", "sub", "jti"):
        if bb.chance(6):
            p[claim] = bb.value(1)
    if allow_errors and bb.chance(30):
        p[bb.string()] = bb.non_json()
    if allow_errors and bb.chance(80):
        p["when"] = bb.datetime()  # not a time claim: not converted
    if not allow_errors:
        # keep it encodable by PyJWT: str iss, datetimes only in time claims
        if "iss" in p and not isinstance(p["iss"], str):
            p["iss"] = "iss"
    return p


def payloads(allow_errors: bool = True) -> st.SearchStrategy:
    return st.binary(min_size=32, max_size=200).map(lambda raw: payload_from_bytes(raw, allow_errors))


HEADER_SHAPES_ODD = [{}, {}, {}, [], "", collections.UserDict({"kid": "u"}), [("kid", "x")], "str", 0,
                     collections.UserDict()]
TYP_VALUES = ["JWT", "", None, "at+jwt", 0, False, [], "jwt"]
CRIT_VALUES = [["b64"], [], "b64", ["x"], None, ("b64",), ["b64", "x"]]


def header_from_bytes(raw: bytes, for_alg: Any) -> Any:
    bb = ByteBuilder(raw)
    shape = bb.byte() % 20
    if shape == 0:
        return None
    if shape == 1:
        return bb.pick(HEADER_SHAPES_ODD)
    h: dict = {}
    if bb.byte() % 2:
        h["kid"] = bb.pick([1, None, ["k"], ""]) if bb.chance(40) else bb.string()
    if bb.chance(4):
        h["typ"] = bb.pick(TYP_VALUES)
    if bb.chance(6):
        h["cty"] = bb.pick(["JWT", "json", ""])
    for _ in range(bb.byte() % 4):
        h[bb.string()] = bb.value(1)
    if bb.chance(10):
        h["alg"] = bb.pick([for_alg or "HS256", "HS256", "HS384", "HS512", "none", "", None, "HS1024", 0])
    if bb.chance(15):
        h["b64"] = bb.pick([False, True, 0, "false", None])
    if bb.chance(15):
        h["crit"] = bb.pick(CRIT_VALUES)
    if bb.chance(40):
        h[bb.pick([1, None, True, 2.5])] = "nonstr-key"
    if bb.chance(40):
        h["x-obj"] = bb.non_json()
    order = sorted(h, key=lambda _k: bb.byte())  # a random permutation
    out = {k: h[k] for k in order}
    return collections.OrderedDict(out) if shape == 2 else out


def headers(for_alg: Any = None) -> st.SearchStrategy:
    return st.binary(min_size=16, max_size=120).map(lambda raw: header_from_bytes(raw, for_alg))


def _encode_call(mod: Any, style: str, payload: Any, key: Any, alg: Any, hdrs: Any,
                 enc: Any, sort: Any) -> Callable[[], Any]:
    """Build the same call against either library (mod is jwt or pyjwt_fast)."""
    return _call(mod.encode, style, (payload, key), [("algorithm", alg), ("headers", hdrs),
                 ("json_encoder", enc), ("sort_headers", sort)])


def _call(fn: Callable, style: str, required: tuple, optional: list) -> Callable[[], Any]:
    """style 'kw': optional arguments by keyword, UNSET ones omitted;
    'pos': positionally up to the last set one (UNSET holes filled with defaults)."""
    defaults = {"algorithm": UNSET, "headers": None, "json_encoder": None, "sort_headers": True}
    if style == "pos":
        last = max((i for i, (_, v) in enumerate(optional) if v is not UNSET), default=-1)
        if any(v is UNSET for _, v in optional[: last + 1] if _ == "algorithm"):
            style = "kw"  # cannot pass "unset" positionally
        else:
            args = list(required) + [
                (v if v is not UNSET else defaults[k]) for k, v in optional[: last + 1]
            ]
            return lambda: fn(*args)
    kwargs = {k: v for k, v in optional if v is not UNSET}
    return lambda: fn(*required, **kwargs)


def encode_both(payload: Any, key: Any, alg: Any, hdrs: Any, enc: Any, sort: Any,
                style: str, what: str) -> tuple[Outcome, Outcome]:
    def run(mod: Any) -> Callable[..., Any]:
        def f(payload: Any, key: Any, hdrs: Any) -> Any:
            return _encode_call(mod, style, payload, key, alg, hdrs, enc, sort)()
        return f

    return differential(run(pyjwt), run(pyjwt_fast), payload, key, hdrs, what=what)


@pytest.mark.parametrize("alg", HS_ALGS)
@settings(max_examples=IDENTITY_EXAMPLES)
@given(
    payload=payloads(),
    key=hs_keys,
    hdrs=headers(),
    enc=encoders,
    sort=st.sampled_from([True, False, UNSET, True, False, 0, 1, None, "", "yes"]),
    style=st.sampled_from(["kw", "pos"]),
)
def test_encode_token_identity(alg: str, payload: Any, key: Any, hdrs: Any, enc: Any,
                               sort: Any, style: str) -> None:
    """The headline guarantee: the same token, byte for byte (>= 10,000 examples
    per algorithm under the ci profile), or the same exception and warnings."""
    expected, actual = encode_both(payload, key, alg, hdrs, enc, sort, style, f"encode {alg}")
    event(label(expected))
    assert_same_outcome(expected, actual, f"encode algorithm={alg!r}")
    if expected.ok:
        assert type(actual.value) is str


@settings(max_examples=examples(3000))
@given(
    payload=payloads(),
    alg=st.sampled_from([UNSET, None, "none", "none", "HS1024", "hs256", "", 123, "None", ["HS256"]]),
    data=st.data(),
    hdrs=headers(for_alg="none"),
    enc=encoders,
    sort=st.sampled_from([True, False, UNSET]),
    style=st.sampled_from(["kw", "pos"]),
)
def test_encode_other_algorithms(payload: Any, alg: Any, data: Any, hdrs: Any, enc: Any,
                                 sort: Any, style: str) -> None:
    """algorithm none / None / unset (HS256 default) / unknown."""
    key = data.draw(none_keys if alg in (None, "none") else st.one_of(hs_keys, none_keys))
    expected, actual = encode_both(payload, key, alg, hdrs, enc, sort, style, "encode")
    assert_same_outcome(expected, actual, f"encode algorithm={alg!r}")


option_values = st.sampled_from([True, False, None, 0, 1])
OPTION_NAMES = [
    "verify_signature", "verify_exp", "verify_nbf", "verify_iat", "verify_aud",
    "verify_iss", "verify_sub", "verify_jti", "strict_aud", "enforce_minimum_key_length",
]
REQUIRABLE = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "foo"]


@st.composite
def options_dicts(draw: Any, names: list[str] = OPTION_NAMES) -> Any:
    opts: dict = {}
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=5)):
        opts[name] = draw(option_values)
    if draw(st.integers(0, 3)) == 0:
        opts["require"] = draw(
            st.one_of(
                st.lists(st.sampled_from(REQUIRABLE), max_size=3),
                st.lists(st.sampled_from(REQUIRABLE), max_size=3).map(tuple),
                st.sampled_from(["exp", "", None, [1]]),
            )
        )
    if draw(st.integers(0, 9)) == 0:
        opts["verify_unknown"] = True
    return opts


@settings(max_examples=examples(2000))
@given(
    opts=st.one_of(st.none(), options_dicts()),
    payload=payloads(),
    alg=st.sampled_from(HS_ALGS + [UNSET, "none"]),
    key=st.one_of(hs_keys, key_values),
    hdrs=headers(),
    enc=encoders,
)
def test_encode_pyjwt_instance(opts: Any, payload: Any, alg: Any, key: Any, hdrs: Any,
                               enc: Any) -> None:
    """PyJWT(options=...).encode, incl. enforce_minimum_key_length (InvalidKeyError
    instead of the InsecureKeyLengthWarning)."""
    exp_obj = outcome(jwt.api_jwt.PyJWT, opts)
    act_obj = outcome(pyjwt_fast.api_jwt.PyJWT, opts)
    if not (exp_obj.ok and act_obj.ok):
        assert_same_outcome(exp_obj, act_obj, "PyJWT(options)")
        return
    assert_same_outcome(
        outcome(lambda: exp_obj.value.options), outcome(lambda: act_obj.value.options),
        "PyJWT(options).options",
    )
    kw = {} if alg is UNSET else {"algorithm": alg}
    expected, actual = differential(
        lambda p, k, h: exp_obj.value.encode(p, k, headers=h, json_encoder=enc, **kw),
        lambda p, k, h: act_obj.value.encode(p, k, headers=h, json_encoder=enc, **kw),
        payload, key, hdrs, what="PyJWT().encode",
    )
    assert_same_outcome(expected, actual, f"PyJWT({opts!r}).encode")


jws_payloads = st.one_of(
    st.binary(max_size=40),
    st.just(b""),
    st.builds(lambda v: json.dumps(v).encode(), st.dictionaries(st.text(max_size=4), st.integers())),
    st.sampled_from([b"a.b", b"hello world", "str payload", None, 1]),
)


@settings(max_examples=examples(2000))
@given(
    jws_opts=st.one_of(st.none(), options_dicts(["verify_signature", "enforce_minimum_key_length"])),
    jws_algs=st.one_of(st.none(), st.lists(st.sampled_from(HS_ALGS + ["none", "RS256", "XX"]), max_size=3)),
    payload=jws_payloads,
    alg=st.sampled_from(HS_ALGS + [UNSET, None, "none"]),
    key=st.one_of(hs_keys, none_keys),
    hdrs=headers(),
    enc=encoders,
    detached=st.sampled_from([UNSET, False, True, 0, 1, None, "", "x"]),
    sort=st.sampled_from([True, False, UNSET]),
)
def test_encode_pyjws(jws_opts: Any, jws_algs: Any, payload: Any, alg: Any, key: Any,
                      hdrs: Any, enc: Any, detached: Any, sort: Any) -> None:
    """PyJWS(algorithms=..., options=...).encode on raw bytes payloads, incl.
    is_payload_detached."""
    exp_obj = outcome(jwt.api_jws.PyJWS, jws_algs, jws_opts)
    act_obj = outcome(pyjwt_fast.api_jws.PyJWS, jws_algs, jws_opts)
    if not (exp_obj.ok and act_obj.ok):
        assert_same_outcome(exp_obj, act_obj, "PyJWS()")
        return
    # (this round covers HS* and none only)
    in_scope = set(HS_ALGS) | {"none"}
    assert set(exp_obj.value.get_algorithms()) & in_scope == set(act_obj.value.get_algorithms()) & in_scope
    kw: dict = {"headers": hdrs, "json_encoder": enc}
    if alg is not UNSET:
        kw["algorithm"] = alg
    if detached is not UNSET:
        kw["is_payload_detached"] = detached
    if sort is not UNSET:
        kw["sort_headers"] = sort
    expected, actual = differential(
        lambda p, k, kw: exp_obj.value.encode(p, k, **kw),
        lambda p, k, kw: act_obj.value.encode(p, k, **kw),
        payload, key, kw, what="PyJWS().encode",
    )
    assert_same_outcome(expected, actual, "PyJWS().encode")


# ==========================================================================
# (b) decode: tokens with random claims, random decode arguments
# ==========================================================================

AUD_POOL = ["a", "b", "urn:foo", "", "é", "A"]
ISS_POOL = ["i1", "i2", "", "https://issuer.example"]
SUB_POOL = ["s1", "s2", "", "user"]

DIGIT_SETS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]


@st.composite
def time_specs(draw: Any) -> tuple:
    """A time claim relative to 'now', materialised inside the test. Offsets are
    k*100+50 seconds and leeways multiples of 100, so no verdict is within 5 s of
    a boundary."""
    kind = draw(st.sampled_from(["rel", "rel", "rel", "relf", "relstr", "relstr", "lit", "big"]))
    if rarely(draw, 4):
        off = draw(st.integers(-(10**6), 10**6)) * 100 + 50
    else:
        # next to the leeways drawn below, so that the leeway decides the verdict
        off = draw(st.sampled_from([-86400, -1000, -100, 0, 100, 1000, 86400, -1100, 900])) + draw(
            st.sampled_from([50, -50]))
    if kind == "relstr":
        fmt = draw(st.sampled_from(["plain", "spaces", "plus", "nl", "under", "digits", "zeros", "float"]))
        return ("relstr", off, fmt, draw(st.sampled_from(DIGIT_SETS)))
    if kind == "lit":
        return ("lit", draw(st.sampled_from(
            [None, True, False, math.nan, math.inf, -math.inf, 1e300, -1e300, "", "abc", "1.5",
             "1e3", " ", "nan", "inf", "0x10", [], [1], {}, {"a": 1}, 0, -1, 0.0, -0.0, "−5"]
        )))
    if kind == "big":
        return ("lit", draw(st.sampled_from([10**20, -(10**20), 2**64, 10**400, -(10**400), 2**63])))
    return (kind, off)


def materialise_time(spec: tuple, now: int) -> Any:
    kind = spec[0]
    if kind == "lit":
        return spec[1]
    if kind == "rel":
        return now + spec[1]
    if kind == "relf":
        return now + spec[1] + 0.25
    _, off, fmt, digits = spec
    n = now + off
    s = str(abs(n))
    sign = "-" if n < 0 else ""
    if fmt == "spaces":
        return f"  {sign}{s}\t"
    if fmt == "plus":
        return f"+{s}" if n >= 0 else f"{sign}{s}"
    if fmt == "nl":
        return f"{sign}{s}\n"
    if fmt == "under":
        return sign + (s[:1] + "_" + s[1:] if len(s) > 1 else s)
    if fmt == "digits":
        return sign + s.translate(str.maketrans("0123456789", digits))
    if fmt == "zeros":
        return f"{sign}000{s}"
    if fmt == "float":
        return f"{sign}{s}.0"
    return f"{sign}{s}"


aud_claims = st.one_of(
    st.sampled_from(AUD_POOL),
    st.lists(st.sampled_from(AUD_POOL), max_size=3),
    st.lists(st.one_of(st.sampled_from(AUD_POOL), st.integers(0, 2), st.none()), max_size=3),
    st.sampled_from([None, "", [], 1, {"a": "a"}, [["a"]], True, 1.5]),
)
iss_claims = st.one_of(st.sampled_from(ISS_POOL), st.sampled_from([1, None, ["i1"], True, 1.5, {}]))
sub_claims = st.one_of(st.sampled_from(SUB_POOL), st.sampled_from([1, None, [], True, ["s1"]]))
jti_claims = st.sampled_from(["j1", "", 1, None, [], 1.5, {"a": 1}, True])


@st.composite
def claim_specs(draw: Any) -> dict:
    spec: dict = {}
    for c in ("exp", "nbf", "iat"):
        if draw(st.integers(0, 2)) == 0:
            spec[c] = ("time", draw(time_specs()))
    for c, strat in (("aud", aud_claims), ("iss", iss_claims), ("sub", sub_claims), ("jti", jti_claims)):
        if draw(st.booleans()):
            spec[c] = ("val", draw(strat))
    for _ in range(draw(st.integers(0, 2))):
        spec[draw(st.text("xyzw", min_size=1, max_size=3))] = ("val", draw(json_values))
    keys = list(spec)
    return {k: spec[k] for k in (draw(st.permutations(keys)) if keys else keys)}


def materialise_claims(spec: dict, now: int) -> dict:
    return {
        k: (materialise_time(v[1], now) if v[0] == "time" else v[1]) for k, v in spec.items()
    }


def b64u(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def sign(alg: str, key: bytes, signing_input: bytes) -> bytes:
    if alg in HASHES:
        return hmac.new(key, signing_input, HASHES[alg]).digest()
    return b""


def build_token(header_raw: bytes, payload_raw: bytes, key: bytes, sign_alg: str,
                detached: bool = False) -> str:
    """Hand-built compact JWS: whatever header/payload bytes, correctly signed."""
    h = b64u(header_raw)
    if detached:
        sig = sign(sign_alg, key, h + b"." + payload_raw)
        return (h + b".." + b64u(sig)).decode()
    p = b64u(payload_raw)
    sig = sign(sign_alg, key, h + b"." + p)
    return (h + b"." + p + b"." + b64u(sig)).decode()


KEY_LONG = "k" * 64
KEY_MID = b"m" * 40   # warns for HS384 / HS512
KEY_SHORT = "short"    # warns for all


def make_token(alg: str, key: Any, claims: dict, hdrs: Any) -> str:
    """PyJWT's own token where PyJWT will make it, else the same bytes by hand."""
    try:
        return quietly(pyjwt.encode, claims, key if alg != "none" else None, algorithm=alg, headers=hdrs)
    except Exception:  # noqa: BLE001 - e.g. non-str iss is refused by encode
        header = {"typ": "JWT", "alg": alg}
        header.update(hdrs or {})
        kb = key.encode() if isinstance(key, str) else key
        return build_token(
            json.dumps(header, separators=(",", ":"), sort_keys=True).encode(),
            json.dumps(claims, separators=(",", ":")).encode(),
            kb, alg,
        )


ALG_NAMES = ["HS256", "HS384", "HS512", "none", "RS256", "hs256", "", "HS2", "ES256"]


@st.composite
def algorithms_args(draw: Any, token_alg: str) -> Any:
    kind = draw(st.integers(0, 19))
    if kind <= 9:
        return [token_alg]
    if kind == 10:
        return UNSET
    if kind == 11:
        return draw(st.sampled_from([None, []]))
    if kind == 12:
        return draw(st.sampled_from([token_alg, "HS256", "HS256,HS384", "HS", "", "none"]))  # str
    lst = draw(st.lists(st.sampled_from(ALG_NAMES + [token_alg]), max_size=4))
    if kind == 13:
        return tuple(lst)
    if kind == 14:
        return set(lst)
    if kind == 15:
        return {a: 1 for a in lst}
    return lst


audiences = weighted(
    (3, st.just(UNSET)),
    (1, st.none()),
    (4, st.sampled_from(AUD_POOL)),
    (1, st.lists(st.sampled_from(AUD_POOL), max_size=3)),
    (1, st.lists(st.sampled_from(AUD_POOL), max_size=3).map(tuple)),
    (1, st.sets(st.sampled_from(AUD_POOL), max_size=3)),
    (1, st.sampled_from([1, b"a", {"a": 1}, [1, "a"], 1.5])),
)
issuers = st.one_of(
    st.just(UNSET), st.none(),
    st.sampled_from(ISS_POOL),
    st.lists(st.sampled_from(ISS_POOL), max_size=3),
    st.lists(st.sampled_from(ISS_POOL), max_size=3).map(tuple),
    st.sets(st.sampled_from(ISS_POOL), max_size=3),
    st.sampled_from([1, b"i1", {"i1": 1}, ["i1", 1]]),
)
subjects = st.one_of(st.just(UNSET), st.none(), st.sampled_from(SUB_POOL), st.sampled_from([1, ["s1"]]))
leeways = weighted(
    (3, st.just(UNSET)),
    (3, st.sampled_from([0, 0.0, 100, -100, 1000.0, -1000, 10**6, 86400.0, True, False])),
    (3, st.sampled_from([timedelta(seconds=100), timedelta(seconds=-1000), timedelta(days=1),
                         timedelta(seconds=-100), timedelta(milliseconds=1000000)])),
    (1, st.sampled_from([math.nan, math.inf, -math.inf, 10**400, Decimal("100"), FloatSub(100.0),
                         IntSub(-100), "100", None, [1]])),
)


@st.composite
def decode_kwargs(draw: Any, token_alg: str, jws: bool = False) -> dict:
    kw: dict = {}
    algs = draw(algorithms_args(token_alg))
    if algs is not UNSET:
        kw["algorithms"] = algs
    opt_kind = draw(st.integers(0, 29))
    if opt_kind < 12:
        pass
    elif opt_kind == 12:
        kw["options"] = None
    elif opt_kind == 13:
        kw["options"] = draw(st.sampled_from([[], [("verify_signature", False)], "x"]))
    else:
        kw["options"] = draw(
            options_dicts(["verify_signature", "enforce_minimum_key_length"]) if jws else options_dicts()
        )
    if draw(st.integers(0, 9)) == 0:
        kw["detached_payload"] = draw(st.sampled_from([None, b"x", b"{}"]))
    if not jws:
        for name, strat in (("audience", audiences), ("issuer", issuers),
                            ("subject", subjects), ("leeway", leeways)):
            v = draw(strat)
            if v is not UNSET:
                kw[name] = v
        if draw(st.integers(0, 9)) == 0:
            kw["verify"] = draw(st.sampled_from([True, False, None]))
    if draw(st.integers(0, 14)) == 0:
        # unsupported kwargs: RemovedInPyjwt3Warning naming them, in order
        for name in draw(st.lists(st.sampled_from(["foo", "bar", "verify_exp", "audience"] if jws else ["foo", "bar", "verify_exp"]), unique=True, min_size=1, max_size=3)):
            kw[name] = 1
    return kw


@st.composite
def decode_keys(draw: Any, token_key: Any) -> Any:
    """Mostly the right key (None for alg none), sometimes the wrong kind."""
    if rarely(draw, 8):
        return draw(st.sampled_from(["wrong-key" * 8, "", None, 1, KEY_SHORT, KEY_MID, b"",
                                     RSA_PUBLIC_PEM, JWK_JSON, "secret"]))
    if token_key is None:
        return draw(st.sampled_from([None, None, ""]))
    if rarely(draw, 6):
        return token_key.encode() if isinstance(token_key, str) else token_key.decode()
    return token_key


def token_forms(tok: str) -> st.SearchStrategy:
    return weighted((6, st.just(tok)), (4, st.just(tok.encode())),
                    (1, st.sampled_from([bytearray(tok.encode()), memoryview(tok.encode()), None, 1])))


DECODE_ENTRIES = [
    "decode", "decode_complete", "PyJWT.decode", "PyJWT.decode_complete",
    "get_unverified_header", "api_jws.get_unverified_header",
]


def run_entry(entry: str, mod_jwt: Any, mod_api_jwt: Any, mod_api_jws: Any,
              instance_opts: Any) -> Callable[..., Any]:
    """The entry point as f(token, key, kwargs), for either library."""
    if entry == "decode":
        return lambda token, key, kw: mod_jwt.decode(token, key, **kw)
    if entry == "decode_complete":
        return lambda token, key, kw: mod_jwt.decode_complete(token, key, **kw)
    if entry == "get_unverified_header":
        return lambda token, key, kw: mod_jwt.get_unverified_header(token)
    if entry == "api_jws.get_unverified_header":
        return lambda token, key, kw: mod_api_jws.get_unverified_header(token)
    inst = mod_api_jwt.PyJWT(instance_opts)
    if entry == "PyJWT.decode":
        return lambda token, key, kw: inst.decode(token, key, **kw)
    assert entry == "PyJWT.decode_complete"
    return lambda token, key, kw: inst.decode_complete(token, key, **kw)


@settings(max_examples=examples(5000))
@given(
    alg=st.sampled_from(HS_ALGS + ["none"]),
    token_key=st.sampled_from([KEY_LONG, KEY_LONG.encode(), KEY_MID, KEY_SHORT, "ключ-é-\U0001f511" * 6]),
    spec=claim_specs(),
    hdrs=st.one_of(st.none(), st.fixed_dictionaries({}, optional={"kid": st.sampled_from(["k1", ""]), "typ": st.sampled_from(["JWT", "at+jwt", ""])})),
    entry=st.sampled_from(DECODE_ENTRIES),
    instance_opts=st.one_of(st.none(), options_dicts()),
    data=st.data(),
)
def test_decode_claims_and_arguments(alg: str, token_key: Any, spec: dict, hdrs: Any,
                                     entry: str, instance_opts: Any, data: Any) -> None:
    now = int(time.time())
    claims = materialise_claims(spec, now)
    token = make_token(alg, token_key, claims, hdrs)
    note(f"token={token!r} claims={safe_repr(claims)}")
    tok = data.draw(token_forms(token), label="token form")
    key = data.draw(decode_keys(token_key if alg != "none" else None), label="key")
    kw = data.draw(decode_kwargs(alg), label="decode kwargs")
    if entry.startswith("PyJWT") and instance_opts is not None:
        # the constructor itself must agree first
        e, a = outcome(jwt.api_jwt.PyJWT, instance_opts), outcome(pyjwt_fast.api_jwt.PyJWT, instance_opts)
        if not (e.ok and a.ok):
            assert_same_outcome(e, a, "PyJWT(options)")
            return
    expected, actual = differential(
        run_entry(entry, pyjwt, jwt.api_jwt, jwt.api_jws, instance_opts),
        run_entry(entry, pyjwt_fast, pyjwt_fast.api_jwt, pyjwt_fast.api_jws, instance_opts),
        tok, key, kw, what=entry,
    )
    check(Case(tok, kw), expected, actual, f"{entry} kwargs={kw!r}")


@settings(max_examples=examples(2000))
@given(
    alg=st.sampled_from(HS_ALGS + ["none"]),
    token_key=st.sampled_from([KEY_LONG, KEY_MID, KEY_SHORT]),
    payload=jws_payloads.filter(lambda p: isinstance(p, bytes)),
    jws_algs=st.one_of(st.none(), st.lists(st.sampled_from(HS_ALGS + ["none", "XX"]), max_size=3)),
    jws_opts=st.one_of(st.none(), options_dicts(["verify_signature", "enforce_minimum_key_length"])),
    entry=st.sampled_from(["decode", "decode_complete", "get_unverified_header"]),
    data=st.data(),
)
def test_decode_pyjws(alg: str, token_key: Any, payload: bytes, jws_algs: Any, jws_opts: Any,
                      entry: str, data: Any) -> None:
    """PyJWS directly: raw payload bytes back, restricted algorithm sets."""
    token = quietly(pyjwt.api_jws.PyJWS().encode, payload, token_key if alg != "none" else None, algorithm=alg)
    tok = data.draw(token_forms(token))
    key = data.draw(decode_keys(token_key if alg != "none" else None))
    kw = data.draw(decode_kwargs(alg, jws=True))
    e_obj = outcome(jwt.api_jws.PyJWS, jws_algs, jws_opts)
    a_obj = outcome(pyjwt_fast.api_jws.PyJWS, jws_algs, jws_opts)
    if not (e_obj.ok and a_obj.ok):
        assert_same_outcome(e_obj, a_obj, "PyJWS()")
        return

    def run(obj: Any) -> Callable[..., Any]:
        if entry == "get_unverified_header":
            return lambda tok, key, kw: obj.get_unverified_header(tok)
        return lambda tok, key, kw: getattr(obj, entry)(tok, key, **kw)

    expected, actual = differential(run(e_obj.value), run(a_obj.value), tok, key, kw,
                                    what=f"PyJWS.{entry}")
    check(Case(tok, kw), expected, actual, f"PyJWS.{entry} kwargs={kw!r}")


# ==========================================================================
# (c) malformed and mutated tokens
# ==========================================================================

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
ODD_CHARS = ["=", "+", "/", "!", " ", "\n", ".", "é", "\x00", "\ud800", "\U0001f600", "%", "~"]


@st.composite
def mutated(draw: Any, token: str) -> Any:
    t = token
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(
            ["flip", "flip", "insert", "delete", "swap", "pad", "odd", "dots", "truncate",
             "dup", "case", "sigpad", "empty_seg", "strip_sig", "concat"]
        ))
        n = len(t)
        pos = draw(st.integers(0, max(0, n)))
        if op == "flip" and n:
            i = min(pos, n - 1)
            t = t[:i] + draw(st.sampled_from(B64_ALPHABET)) + t[i + 1:]
        elif op == "insert":
            t = t[:pos] + draw(st.sampled_from(B64_ALPHABET + "=.")) + t[pos:]
        elif op == "delete" and n:
            i = min(pos, n - 1)
            t = t[:i] + t[i + 1:]
        elif op == "swap":
            segs = t.split(".")
            if len(segs) >= 2:
                i, j = draw(st.permutations(range(len(segs))))[:2]
                segs[i], segs[j] = segs[j], segs[i]
                t = ".".join(segs)
        elif op == "pad":
            segs = t.split(".")
            i = draw(st.integers(0, len(segs) - 1))
            segs[i] += "=" * draw(st.integers(1, 3))
            t = ".".join(segs)
        elif op == "odd":
            t = t[:pos] + draw(st.sampled_from(ODD_CHARS)) + t[pos:]
        elif op == "dots":
            t = t[:pos] + "." * draw(st.integers(1, 2)) + t[pos:]
        elif op == "truncate":
            t = t[:pos]
        elif op == "dup":
            segs = t.split(".")
            i = draw(st.integers(0, len(segs) - 1))
            segs.insert(i, segs[i])
            t = ".".join(segs)
        elif op == "case" and n:
            i = min(pos, n - 1)
            t = t[:i] + t[i].swapcase() + t[i + 1:]
        elif op == "sigpad":
            t = t + "=" * (-len(t.rsplit(".", 1)[-1]) % 4)
        elif op == "empty_seg":
            segs = t.split(".")
            segs[draw(st.integers(0, len(segs) - 1))] = ""
            t = ".".join(segs)
        elif op == "strip_sig":
            t = t.rsplit(".", 1)[0] + "."
        elif op == "concat":
            t = t + t
    form = draw(st.sampled_from(["str", "str", "bytes"]))
    if form == "bytes":
        return t.encode("utf-8", "surrogatepass")
    return t


@st.composite
def mutation_decode_kwargs(draw: Any, alg: str) -> dict:
    kw: dict = {"algorithms": draw(st.sampled_from([[alg], HS_ALGS + ["none"], [alg], ["HS256"]]))}
    r = draw(st.integers(0, 5))
    if r == 0:
        kw["options"] = {"verify_signature": False}
    elif r == 1:
        kw["options"] = draw(options_dicts())
    return kw


@settings(max_examples=examples(5000))
@given(
    alg=st.sampled_from(HS_ALGS + ["none"]),
    spec=claim_specs(),
    entry=st.sampled_from(["decode", "decode_complete", "get_unverified_header", "PyJWS.decode_complete"]),
    data=st.data(),
)
def test_mutated_tokens(alg: str, spec: dict, entry: str, data: Any) -> None:
    now = int(time.time())
    token = make_token(alg, KEY_LONG, materialise_claims(spec, now), None)
    tok = data.draw(mutated(token), label="mutated token")
    kw = data.draw(mutation_decode_kwargs(alg), label="kwargs")
    key = KEY_LONG if alg != "none" else None

    if entry == "PyJWS.decode_complete" and kw.get("options") is not None:
        kw["options"] = {k: v for k, v in kw["options"].items()
                         if k in ("verify_signature", "enforce_minimum_key_length")}

    def run(mod: Any, api_jws: Any) -> Callable[..., Any]:
        if entry == "get_unverified_header":
            return lambda tok, key, kw: mod.get_unverified_header(tok)
        if entry == "PyJWS.decode_complete":
            return lambda tok, key, kw: api_jws.PyJWS().decode_complete(tok, key, **kw)
        return lambda tok, key, kw: getattr(mod, entry)(tok, key, **kw)

    expected, actual = differential(run(pyjwt, jwt.api_jws), run(pyjwt_fast, pyjwt_fast.api_jws),
                                    tok, key, kw, what=entry)
    check(Case(tok, kw), expected, actual, f"{entry} token={safe_repr(tok, 300)} kwargs={safe_repr(kw, 300)}")


# --- hand-built headers and payloads, correctly signed ---------------------

MISSING = object()
HEADER_ALGS = ["HS256", "HS384", "HS512", "none", "None", "NONE", "hs256", "HS256 ", " HS256",
               "", None, 123, ["HS256"], MISSING, "RS256", "HS1024", "HS256\x00"]


@st.composite
def header_objects(draw: Any) -> dict:
    h: dict = {}
    alg = draw(st.one_of(st.sampled_from(HS_ALGS + ["none"]), st.sampled_from(HEADER_ALGS)))
    if alg is not MISSING:
        h["alg"] = alg
    if draw(st.booleans()):
        h["typ"] = draw(st.sampled_from(["JWT", "", None, 1, "at+jwt"]))
    if draw(st.integers(0, 2)) == 0:
        h["kid"] = draw(st.sampled_from(["k1", "", 1, None, [], {"a": 1}, True, "\ud800"]))
    if draw(st.integers(0, 3)) == 0:
        h["crit"] = draw(st.sampled_from(
            [["b64"], [], "b64", [1], ["x"], ["b64", "b64"], None, ["b64", "x"], {"b64": 1}, ["kid"], ["alg"]]
        ))
    if draw(st.integers(0, 3)) == 0:
        h["b64"] = draw(st.sampled_from([False, True, 0, "false", None]))
    for _ in range(draw(st.integers(0, 2))):
        h[draw(texts)] = draw(json_values)
    keys = list(h)
    return {k: h[k] for k in (draw(st.permutations(keys)) if keys else keys)}


def _nested(depth: int, inner: str = "0", kinds: str = "[") -> str:
    opens = "".join("[" if kinds == "[" else ('{"a":' if kinds == "{" else ("[" if i % 2 else '{"a":')) for i in range(depth))
    closes = "".join("]" if o == "[" else "}" for o in reversed(re.findall(r"\[|\{", opens)))
    return opens + inner + closes


# Nesting depths whose PyJWT verdict does not depend on how deep the Python stack
# already is (recursion limit 1000): small ones always parse, huge ones never.
SAFE_DEPTHS = [1, 2, 10, 50, 100, 3000]


@st.composite
def json_texts(draw: Any, obj: Any) -> bytes:
    """obj serialised in one of many ways json.loads(bytes) must treat exactly as
    PyJWT does; some of them invalid."""
    style = draw(st.sampled_from(
        ["compact", "compact", "compact", "default", "indent", "raw_utf8", "bom", "utf16",
         "utf16le", "utf16be", "utf32", "ws", "garbage", "truncated", "inject", "dupkey",
         "nan", "bignum", "escape", "ctrl", "surrogate_utf8", "deep", "deep_member"]
    ))
    try:
        compact = json.dumps(obj, separators=(",", ":"))
    except Exception:  # noqa: BLE001
        compact = "{}"
    if style == "compact":
        return compact.encode()
    if style == "default":
        return json.dumps(obj).encode()
    if style == "indent":
        return json.dumps(obj, indent=draw(st.sampled_from([0, 2, "\t"]))).encode()
    if style == "raw_utf8":
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if style == "bom":
        return b"\xef\xbb\xbf" + compact.encode()
    if style == "utf16":
        return compact.encode("utf-16")
    if style == "utf16le":
        return compact.encode("utf-16-le")
    if style == "utf16be":
        return compact.encode("utf-16-be")
    if style == "utf32":
        return compact.encode(draw(st.sampled_from(["utf-32", "utf-32-le", "utf-32-be"])))
    if style == "ws":
        ws = draw(st.text(" \t\r\n", max_size=3))
        if rarely(draw, 4):  # not JSON whitespace
            ws += draw(st.sampled_from(["\x0b", "\x0c", "\u00a0", "\u2028", "\ufeff", "\x00"]))
        return (ws + compact + ws).encode()
    if style == "garbage":
        return compact.encode() + draw(st.sampled_from([b"x", b" {}", b"\x00", b",", b"]"]))
    if style == "truncated":
        raw = compact.encode()
        return raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    if style == "inject":
        raw = compact.encode()
        i = draw(st.integers(0, len(raw)))
        junk = draw(st.sampled_from([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\x80",
                                     b"\xf4\x90\x80\x80", b"\\", b'"', b"\x00", b"/*c*/"]))
        return raw[:i] + junk + raw[i:]
    if style == "dupkey" and isinstance(obj, dict) and obj:
        k = next(iter(obj))
        return (compact[:-1] + ("," if len(obj) else "") + json.dumps(k) + ":" + json.dumps(draw(json_values)) + "}").encode()
    if style in ("nan", "bignum", "escape", "ctrl", "surrogate_utf8", "deep_member") and isinstance(obj, dict):
        value = {
            "nan": draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "-NaN", "nan", "infinity"])),
            "bignum": draw(st.sampled_from(
                ["1e400", "-1e400", "1" * 4300, "1" * 4301, "1" + "0" * 5000 + ".5", "-0", "-0.0",
                 "1E5", "1e-400", "0.1e1", "01", "1.", ".5", "+1", "0x1", "2e308", "123456789012345678901234567890",
                 "1.0e+2", "1E-2", "0e0", "-0e-0", "123.456e-789", "1e", "1e+", "-", "--1", "0.0000001",
                 "9007199254740993", "-9223372036854775809", "18446744073709551616", "1.7976931348623157e309"]
            )),
            "escape": draw(st.sampled_from(
                ['"\\ud800"', '"\\udfff\\ud800"', '"\\ud83d\\ude00"', '"\\u00e9"', '"\\x41"', '"\\u12"',
                 '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\U0041"', '"\\uD83D\\uDE00"']
            )),
            "ctrl": '"a\x01b"',
            "surrogate_utf8": '"\udc80"',
            "deep_member": _nested(draw(st.sampled_from(SAFE_DEPTHS)), kinds=draw(st.sampled_from("[{m"))),
        }[style]
        body = compact[1:-1]
        text = "{" + body + ("," if body else "") + '"zz":' + value + "}"
        return text.encode("utf-8", "surrogatepass")
    if style == "deep":
        return _nested(draw(st.sampled_from(SAFE_DEPTHS)), kinds=draw(st.sampled_from("[{m"))).encode()
    return compact.encode()


@st.composite
def header_bytes(draw: Any) -> tuple[bytes, dict | None]:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        raw = draw(st.sampled_from(
            [b"[]", b"1", b'"str"', b"null", b"true", b"", b"{", b"[{\"alg\":\"HS256\"}]", b"\xff\xfe",
             b'{"alg":"HS256"}\n', b'{"alg":"none","alg":"HS256"}', b'{"alg":"HS256","alg":"none"}',
             b'{"\\u0061lg":"HS256"}', b'{"alg":"HS\\u0032\\u00356"}', b'{"alg":"HS256","kid":null}',
             b'{"alg":"HS256"}  ', b'  {"alg":"HS256"}', b'{"alg" : "HS256" }']
        ))
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        return raw, obj if isinstance(obj, dict) else None
    obj = draw(header_objects())
    return draw(json_texts(obj)), obj


@st.composite
def payload_bytes(draw: Any) -> bytes:
    if draw(st.integers(0, 14)) == 0:
        return draw(st.sampled_from([b"[]", b"1", b'"s"', b"null", b"", b"hello", b"{}", b"\x00"]))
    now = int(time.time())
    claims = materialise_claims(draw(claim_specs()), now)
    return draw(json_texts(claims))


@settings(max_examples=examples(5000))
@given(
    hdr=header_bytes(),
    payload_raw=payload_bytes(),
    sign_alg=st.sampled_from(HS_ALGS),
    entry=st.sampled_from(["decode", "decode", "decode_complete", "get_unverified_header", "PyJWS.decode_complete"]),
    data=st.data(),
)
def test_hand_built_tokens(hdr: tuple, payload_raw: bytes, sign_alg: str, entry: str, data: Any) -> None:
    """Header and payload JSON built by hand (alg variants, kid/crit/b64 variants,
    non-object headers, invalid UTF-8, BOM/UTF-16/32, NaN, big numbers, deep
    nesting...) and signed correctly, so that every later check is reached."""
    header_raw, header_obj = hdr
    alg = header_obj.get("alg") if header_obj else None
    if isinstance(alg, str) and alg in HASHES:
        sign_alg = alg
    key = KEY_LONG
    detached = bool(header_obj) and header_obj.get("b64", True) is False and data.draw(st.booleans())
    token = build_token(header_raw, payload_raw, key.encode(), sign_alg, detached=detached)
    kw: dict = {"algorithms": data.draw(st.sampled_from([[sign_alg], HS_ALGS + ["none"], ["none"], [sign_alg]]))}
    r = data.draw(st.integers(0, 5))
    if r == 0:
        kw["options"] = {"verify_signature": False}
    elif r == 1:
        kw["options"] = data.draw(options_dicts())
    if detached or data.draw(st.integers(0, 9)) == 0:
        kw["detached_payload"] = payload_raw if data.draw(st.integers(0, 4)) else b"other"
    dkey = data.draw(st.sampled_from([key, key, key, None, KEY_SHORT]))
    tok = data.draw(st.sampled_from([token, token.encode()]))

    def run(mod: Any, api_jws: Any) -> Callable[..., Any]:
        if entry == "get_unverified_header":
            return lambda tok, key, kw: mod.get_unverified_header(tok)
        if entry == "PyJWS.decode_complete":
            return lambda tok, key, kw: api_jws.PyJWS().decode_complete(tok, key, **kw)
        return lambda tok, key, kw: getattr(mod, entry)(tok, key, **kw)

    expected, actual = differential(run(pyjwt, jwt.api_jws), run(pyjwt_fast, pyjwt_fast.api_jws),
                                    tok, dkey, kw, what=entry)
    check(Case(tok, kw), expected, actual, f"{entry} header={safe_repr(header_raw, 300)} payload={safe_repr(payload_raw, 300)} kwargs={safe_repr(kw, 300)}")


# ==========================================================================
# (d) detached payloads (RFC 7797, b64=false)
# ==========================================================================


@settings(max_examples=examples(2000))
@given(
    payload=st.one_of(st.binary(max_size=40), st.sampled_from([b"", b"a.b", b"{}", b'{"a":1}', b"$.02"])),
    alg=st.sampled_from(HS_ALGS),
    key=st.sampled_from([KEY_LONG, KEY_MID, KEY_SHORT]),
    how=st.sampled_from(["flag", "header", "both", "header_true"]),
    hdrs=st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "crit": st.sampled_from([["b64"], [], "b64", ["x"], None]),
        "kid": st.just("k1"),
    })),
    sort=st.booleans(),
    dp=st.sampled_from(["same", "same", "other", "none", "unset"]),
    dec_entry=st.sampled_from(["PyJWS.decode", "PyJWS.decode_complete", "decode", "decode_complete", "get_unverified_header"]),
    verify=st.booleans(),
)
def test_detached_payload(payload: bytes, alg: str, key: str, how: str, hdrs: Any, sort: bool,
                          dp: str, dec_entry: str, verify: bool) -> None:
    h = dict(hdrs or {})
    kw: dict = {"algorithm": alg, "sort_headers": sort}
    if how in ("flag", "both"):
        kw["is_payload_detached"] = True
    if how in ("header", "both"):
        h["b64"] = False
    if how == "header_true":
        h["b64"] = True
    kw["headers"] = h or None
    expected, actual = differential(
        lambda p, kw: jwt.api_jws.PyJWS().encode(p, key, **kw),
        lambda p, kw: pyjwt_fast.api_jws.PyJWS().encode(p, key, **kw),
        payload, kw, what="PyJWS.encode detached",
    )
    assert_same_outcome(expected, actual, "PyJWS.encode detached")
    if not expected.ok:
        return
    token = expected.value
    dkw: dict = {"algorithms": [alg]}
    if not verify:
        dkw["options"] = {"verify_signature": False}
    if dp == "same":
        dkw["detached_payload"] = payload
    elif dp == "other":
        dkw["detached_payload"] = payload + b"!"
    elif dp == "none":
        dkw["detached_payload"] = None

    def run(mod: Any, api_jws: Any) -> Callable[..., Any]:
        if dec_entry == "get_unverified_header":
            return lambda token, key, kw: mod.get_unverified_header(token)
        if dec_entry.startswith("PyJWS."):
            return lambda token, key, kw: getattr(api_jws.PyJWS(), dec_entry[6:])(token, key, **kw)
        return lambda token, key, kw: getattr(mod, dec_entry)(token, key, **kw)

    expected, actual = differential(run(pyjwt, jwt.api_jws), run(pyjwt_fast, pyjwt_fast.api_jws),
                                    token, key, dkw, what=dec_entry)
    check(Case(token, dkw), expected, actual, f"{dec_entry} detached kwargs={dkw!r}")


@settings(max_examples=examples(1000))
@given(
    payload=payloads(allow_errors=False),
    alg=st.sampled_from(HS_ALGS),
    crit=st.sampled_from([UNSET, ["b64"], [], "b64"]),
    right=st.booleans(),
)
def test_detached_jwt_roundtrip(payload: dict, alg: str, crit: Any, right: bool) -> None:
    """PyJWT.encode with headers={"b64": False} and decode(detached_payload=JSON)."""
    h: dict = {"b64": False}
    if crit is not UNSET:
        h["crit"] = crit
    expected, actual = differential(
        lambda p, h: pyjwt.encode(p, KEY_LONG, algorithm=alg, headers=h),
        lambda p, h: pyjwt_fast.encode(p, KEY_LONG, algorithm=alg, headers=h),
        payload, h, what="encode b64=false",
    )
    assert_same_outcome(expected, actual, "encode b64=false")
    if not expected.ok:
        return
    token = expected.value
    detached = pyjwt_payload_json(payload) if right else b'{"other":1}'
    dkw = {"algorithms": [alg], "detached_payload": detached,
           "options": {"verify_exp": False, "verify_nbf": False, "verify_iat": False}}
    e, a = differential(
        lambda tok, kw: pyjwt.decode_complete(tok, KEY_LONG, **kw),
        lambda tok, kw: pyjwt_fast.decode_complete(tok, KEY_LONG, **kw),
        token, dkw, what="decode_complete detached",
    )
    check(Case(token, dkw), e, a, "decode_complete detached")


def pyjwt_payload_json(payload: dict) -> bytes:
    """The payload bytes PyJWT signs for `payload` (time claims converted)."""
    p = payload.copy()
    for c in ("exp", "iat", "nbf"):
        if isinstance(p.get(c), datetime):
            p[c] = calendar.timegm(p[c].utctimetuple())
    return json.dumps(p, separators=(",", ":")).encode()
