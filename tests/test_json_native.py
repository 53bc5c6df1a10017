"""The C JSON encoder and decoder against the json module, their oracle.

_native._json_dumps(obj, sort_keys) -> bytes, or None when the C encoder defers;
_native._json_loads(data) -> (value,), or None when the C decoder defers.
Deferring is always correct (the caller then asks json), except where a test
says the C path must take the input itself.
"""
import collections
import enum
import gc
import json
import json.decoder
import math
import sys
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyjwt_fast import _native

dumps = _native._json_dumps
loads = _native._json_loads

MAX_DEPTH = 256  # PJF_JSON_MAX_DEPTH and PJF_JSON_ENC_MAX_DEPTH in csrc/pjf.h
INT_LIMIT = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0


def ref_dumps(obj, sort_keys=False):
    return json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys).encode("ascii")


def same(a, b):
    """Equality that also tells apart types, -0.0, NaN and dict key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def check_dumps(obj, sort_keys):
    """The C result equals json's, or the C path deferred; json errors defer."""
    got = dumps(obj, sort_keys)
    try:
        expected = ref_dumps(obj, sort_keys)
    except (TypeError, ValueError, RecursionError):
        assert got is None
        return None
    if got is not None:
        assert got == expected
    return got


def check_loads(data):
    """The C result equals json.loads', or the C path deferred; json errors defer."""
    got = loads(data)
    try:
        expected = json.loads(data)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, int limit
        assert got is None, data
        return None
    if got is not None:
        assert isinstance(got, tuple) and len(got) == 1
        assert same(got[0], expected), data
    return got


# ---------------------------------------------------------------------------
# Strategies

# no deadline: sanitizer builds and loaded CI machines are slow, not wrong
BASE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.text(st.characters(exclude_categories=()), max_size=12)  # incl. surrogates
ints = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-(10**60), 10**60),
    st.sampled_from([0, -1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64, 10**18, 10**19]),
)
floats = st.floats()  # with nan, +-inf, -0.0
scalars = st.one_of(st.none(), st.booleans(), ints, floats, any_text)
keys = st.one_of(any_text, any_text, ints, floats, st.booleans(), st.none())
str_keys = any_text


def json_values(key_strategy):
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.lists(children, max_size=5).map(tuple),
            st.dictionaries(key_strategy, children, max_size=5),
        ),
        max_leaves=25,
    )


values_any_keys = json_values(keys)
values_str_keys = json_values(str_keys)

jwt_payloads = st.dictionaries(
    st.sampled_from(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "name", "scope", "roles"])
    | st.text(max_size=8),
    st.one_of(
        st.integers(0, 2**40),
        st.text(max_size=30),
        st.lists(st.text(max_size=8), max_size=3),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False),
    ),
    max_size=12,
)


def has_surrogate(s):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


# ---------------------------------------------------------------------------
# Encoder: differential

@settings(BASE, max_examples=400)
@given(values_any_keys, st.booleans())
def test_dumps_matches_json(obj, sort_keys):
    got = check_dumps(obj, sort_keys)
    if not sort_keys:
        # plain dict/list/tuple/str/int/float/bool/None: the C path must take it
        assert got is not None


@settings(BASE, max_examples=300)
@given(values_str_keys)
def test_dumps_sorted_str_keys_never_defers(obj):
    got = check_dumps(obj, True)
    assert got is not None


@settings(BASE, max_examples=300)
@given(jwt_payloads, st.booleans())
def test_dumps_jwt_payloads(payload, sort_keys):
    assert dumps(payload, sort_keys) == ref_dumps(payload, sort_keys)


@settings(BASE, max_examples=300)
@given(any_text)
def test_dumps_strings(s):
    assert dumps(s, False) == ref_dumps(s)
    assert dumps({s: s}, False) == ref_dumps({s: s})


def test_dumps_every_code_point():
    bmp = "".join(map(chr, range(0x10000)))  # controls, 0x7F, Latin-1, surrogates
    assert dumps(bmp, False) == ref_dumps(bmp)
    astral = "".join(map(chr, range(0x10000, 0x110000, 97))) + "\U0010ffff"
    assert dumps(astral, False) == ref_dumps(astral)
    mixed = "a\u00e9\U0001f600\ud800\x7f\"\\/\b\f\n\r\t\x00\x1f"
    assert dumps(mixed, False) == ref_dumps(mixed)
    latin1 = "".join(map(chr, range(256)))
    assert dumps([latin1, latin1[:128]], False) == ref_dumps([latin1, latin1[:128]])


def test_dumps_each_latin1_char_at_each_offset():
    # every code point < 256 at every offset of the C encoder's 8-byte blocks
    for c in map(chr, range(256)):
        for pos in range(17):
            s = "a" * pos + c + "b" * (16 - pos)
            assert dumps(s, False) == ref_dumps(s), (c, pos)


@pytest.mark.parametrize(
    "obj",
    [
        None, True, False, 0, -1, 1, 9, 10, 99, 100, 12345, -12345,
        2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64, 10**300, -(10**300),
        0.0, -0.0, 1.5, 1e16, 1e-5, 1e22, 1e-7, 123456789.125, 5e-324, 1.7976931348623157e308,
        float("nan"), float("inf"), float("-inf"),
        "", "x", "é", "\U0001f600", [], {}, (), [[]], [{}], {"": ""},
        {1: 1, 1.5: 2, True: 3, False: 4, None: 5, -0.0: 6, float("nan"): 7,
         float("inf"): 8, float("-inf"): 9, 2**70: 10, -5: 11},
        {"a": 1, 1: 2, "1": 3},
        ("a", (1, (2.5, None)), [True]),
        {"sub": "1234567890", "name": "John Doe", "iat": 1516239022, "admin": True},
    ],
)
def test_dumps_examples(obj):
    assert dumps(obj, False) == ref_dumps(obj)


def test_dumps_sort_keys_order():
    d = {"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": 2}, "\U0001f600": 0, "\uffff": 1, "": 2, "B": 3}
    assert dumps(d, True) == ref_dumps(d, True)
    assert dumps(d, False) == ref_dumps(d, False)


@pytest.mark.parametrize(
    "d", [{"a": 1, 2: 3}, {1: 1, 2: 2}, {None: 1}, {"a": {"b": 1, 3: 4}}, {True: 1}],
)
def test_dumps_sort_keys_non_str_keys_defer(d):
    assert dumps(d, True) is None
    check_dumps(d, True)


class MyStr(str):
    def __str__(self):
        return "other"

    def __repr__(self):
        return "other"


class MyInt(int):
    def __repr__(self):
        return "other"


class MyFloat(float):
    def __repr__(self):
        return "other"


class Color(enum.IntEnum):
    RED = 1


class Name(str, enum.Enum):
    A = "alpha"


def test_dumps_scalar_subclasses_follow_json():
    objs = [MyStr("s\u00e9"), MyInt(7), MyInt(2**80), MyFloat(2.5), MyFloat("nan"), Color.RED, Name.A,
            {MyStr("k"): MyInt(1), MyInt(3): MyFloat(0.5), MyFloat(1.25): Color.RED, Color.RED: 0}]
    for obj in objs:
        assert dumps(obj, False) == ref_dumps(obj), obj


class MyDict(dict):
    pass


class MyList(list):
    pass


class MyTuple(tuple):
    pass


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize(
    "obj",
    [
        MyDict(a=1), MyList([1]), MyTuple((1,)), Point(1, 2), collections.OrderedDict(a=1),
        collections.defaultdict(int, a=1), object(), b"bytes", bytearray(b"x"), {1, 2},
        frozenset(), 1j, [1, 2, object()], {"a": {"b": [b"x"]}}, {(1, 2): 3}, {b"k": 1},
        {"a": MyDict()}, {MyStr("k"): 1, "x": [MyList()]},
    ],
)
def test_dumps_defers_other_types(obj):
    assert dumps(obj, False) is None
    assert dumps(obj, True) is None


def test_dumps_custom_encoder_types_defer():
    import datetime
    import decimal
    import uuid

    for obj in [datetime.datetime(2020, 1, 1), decimal.Decimal("1.5"), uuid.uuid4()]:
        assert dumps({"x": obj}, False) is None


def nested_list(depth, leaf=1):
    obj = leaf
    for _ in range(depth):
        obj = [obj]
    return obj


def nested_dict(depth, leaf=1):
    obj = leaf
    for _ in range(depth):
        obj = {"k": obj}
    return obj


def test_dumps_depth_limit():
    for make in (nested_list, nested_dict):
        assert dumps(make(MAX_DEPTH), False) == ref_dumps(make(MAX_DEPTH))
        assert dumps(make(MAX_DEPTH), True) == ref_dumps(make(MAX_DEPTH), True)
        assert dumps(make(MAX_DEPTH + 1), False) is None
        assert dumps(make(MAX_DEPTH + 1), True) is None
    # a scalar at the deepest level is not a container: still taken
    assert dumps(nested_list(MAX_DEPTH, "leaf"), False) == ref_dumps(nested_list(MAX_DEPTH, "leaf"))
    assert dumps(nested_list(MAX_DEPTH, []), False) is None


def test_dumps_cycles_defer():
    a = []
    a.append(a)
    d = {}
    d["self"] = [1, d]
    for obj in (a, d, {"x": a}):
        assert dumps(obj, False) is None
        assert dumps(obj, True) is None
        with pytest.raises(ValueError, match="Circular reference"):
            ref_dumps(obj)


def test_dumps_shared_references_are_not_cycles():
    inner = {"a": [1, 2]}
    obj = [inner, inner, (inner,)]
    assert dumps(obj, False) == ref_dumps(obj)


@pytest.mark.skipif(not INT_LIMIT, reason="no int max str digits limit")
def test_dumps_int_digit_limit():
    ok = 10 ** (INT_LIMIT - 1)
    too_long = 10**INT_LIMIT
    assert dumps(ok, False) == ref_dumps(ok)
    assert dumps(-ok, False) == ref_dumps(-ok)
    assert dumps({ok: 1}, False) == ref_dumps({ok: 1})
    for obj in (too_long, -too_long, [1, too_long], {too_long: 1}, {"a": MyInt(too_long)}):
        assert dumps(obj, False) is None
        with pytest.raises(ValueError):
            ref_dumps(obj)
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(640)
        assert dumps(10**640, False) is None
        assert dumps(10**639, False) == ref_dumps(10**639)
    finally:
        sys.set_int_max_str_digits(old)


# ---------------------------------------------------------------------------
# Decoder: differential

@settings(BASE, max_examples=400)
@given(
    values_any_keys,
    st.booleans(),
    st.sampled_from([None, 0, 2, "\t"]),
    st.sampled_from([(",", ":"), (", ", ": "), (" ,\r\n", " :\n\t")]),
)
def test_loads_json_dumps_output(obj, ensure_ascii, indent, separators):
    text = json.dumps(obj, ensure_ascii=ensure_ascii, indent=indent, separators=separators)
    data = text.encode("utf-8", "surrogatepass")
    got = check_loads(data)
    if not (not ensure_ascii and has_surrogate(text)):
        # valid UTF-8 JSON within the depth limit: the C path must take it
        assert got is not None, data


@settings(BASE, max_examples=300)
@given(jwt_payloads)
def test_loads_jwt_payloads_and_round_trip(payload):
    data = dumps(payload, False)
    got = loads(data)
    assert got is not None and same(got[0], json.loads(data))
    assert dumps(got[0], False) == data


@settings(BASE, max_examples=300)
@given(values_str_keys)
def test_round_trip(obj):
    data = dumps(obj, False)
    assert data is not None
    got = loads(data)
    assert got is not None
    assert same(got[0], json.loads(data))
    assert dumps(got[0], False) == data


@settings(BASE, max_examples=500)
@given(st.binary(max_size=48))
def test_loads_random_bytes(data):
    check_loads(data)


json_alphabet = st.sampled_from(
    list('{}[]":,.-+eE0123456789 \t\n\r\\/ubfnrtaslNIy')
    + ["true", "false", "null", "NaN", "Infinity", "\\u", "d83d", "de00", "\x00", "\x7f", "\x1f", "é", "\ud800", "\U0001f600"]
)


@settings(BASE, max_examples=500)
@given(st.lists(json_alphabet, max_size=40))
def test_loads_json_like_text(parts):
    check_loads("".join(parts).encode("utf-8", "surrogatepass"))


@settings(BASE, max_examples=400)
@given(values_str_keys, st.lists(st.tuples(st.sampled_from("idr"), st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4))
def test_loads_mutated_json(obj, mutations):
    data = bytearray(json.dumps(obj, indent=None if len(mutations) % 2 else 1).encode("utf-8", "surrogatepass"))
    for op, pos, byte in mutations:
        pos = pos % (len(data) + 1)
        if op == "i":
            data[pos:pos] = bytes([byte])
        elif op == "d" and pos < len(data):
            del data[pos]
        elif pos < len(data):
            data[pos] = byte
    check_loads(bytes(data))


def test_loads_each_byte_at_each_offset():
    # every byte value at every offset of the C decoder's 8-byte blocks
    for byte in range(256):
        for pos in range(17):
            check_loads(b'"' + b"a" * pos + bytes([byte]) + b"b" * (16 - pos) + b'"')
            check_loads(b'"' + b"a" * pos + b"\xc3" + bytes([byte]) + b"b" * (15 - pos) + b'"')


digits = st.text("0123456789", min_size=1, max_size=25)
float_literals = st.builds(
    lambda sign, whole, frac, exp: sign + whole + frac + exp,
    st.sampled_from(["", "-"]),
    st.one_of(st.just("0"), st.builds(lambda a, b: a + b, st.sampled_from("123456789"), digits | st.just(""))),
    st.one_of(st.just(""), digits.map(lambda f: "." + f)),
    st.one_of(
        st.just(""),
        st.builds(lambda e, sgn, n: e + sgn + n, st.sampled_from("eE"), st.sampled_from(["", "+", "-"]),
                  st.text("0123456789", min_size=1, max_size=4)),
    ),
)


@settings(BASE, max_examples=1000)
@given(float_literals)
def test_loads_number_literals(lit):
    data = lit.encode()
    got = loads(data)
    assert got is not None
    assert same(got[0], json.loads(data))
    if isinstance(got[0], float):
        assert got[0].hex() == float(lit).hex()


@pytest.mark.parametrize(
    "lit",
    [
        "9007199254740993.0", "9007199254740992.0", "9007199254740993e0", "0.1", "0.3", "1e22", "1e23",
        "123456789012345678e-5", "1234567890123456789e3", "4.35", "2.675", "1.0000000000000002",
        "8.98846567431158e307", "0.000001", "1e-22", "1e-23", "-0.0", "-0e10", "0e-999", "3.0e-0",
        "17976931348623157e292", "2.4703282292062328e-324", "2.4703282292062327e-324",
        "22250738585072011e-324", "0.0000000000000000000001", "1" + "0" * 21 + ".0",
    ],
)
def test_loads_float_rounding(lit):
    got = loads(lit.encode())[0]
    assert got.hex() == float(lit).hex()


VALUES = [
    b'{"a":1,"b":2,"a":3}',
    b'{"a":{"x":1},"a":[2],"b":0,"a":null}',
    b'"\\ud800"', b'"\\udc00"', b'"\\ud800\\ud800"', b'"\\ud800x"', b'"\\ud83d\\ude00"',
    b'"\\udc00\\ud800"', b'"\\ud800\\ud83d\\ude00"', b'"\\uD83D\\uDE00"', b'"\\ud800\\n"',
    b'"\\ud800\\u0041"', b'"\\u0000\\u001f\\u007f\\u00ff\\u0100\\uffff"',
    b'"\\"\\\\\\/\\b\\f\\n\\r\\t"', b'"\x7f"', b'"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"',
    b'"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"',
    b'"a\xc3\xa9\\n"', b'"\xe2\x82\xac\\u00e9"', b'"\xf0\x9f\x98\x80\\t"', b'{"\xc3\xa9":"\\u00e9"}',
    b"1e400", b"-1e400", b"1E400", b"1e-400", b"-0", b"-0.0", b"0", b"0.0", b"0e0", b"0E+0",
    b"1e5", b"1E+5", b"-1.5e-3", b"123.456e7", b"0.1", b"1.7976931348623157e308", b"2.2250738585072014e-308",
    b"5e-324", b"4.9406564584124654e-324", b"9007199254740993", b"0." + b"0" * 500 + b"1",
    b"1" * 400 + b".5", b"999999999999999999", b"-999999999999999999", b"1000000000000000000",
    b"9223372036854775807", b"9223372036854775808", b"-9223372036854775809",
    b"123456789012345678901234567890", b"-" + b"7" * 100,
    b"NaN", b"Infinity", b"-Infinity", b"[NaN,Infinity,-Infinity]", b'{"x":NaN}',
    b" \t\n\r1\r\n ", b"true", b"false", b"null", b'""', b"[]", b"{}", b"[ ]", b"{ }",
    b'[1,[2,[3,{"a":[]}]],{}]', b'{"a" : 1 , "b" : [ 1 , 2 ] }',
    b'[{"a":1,"b":2},{"b":3,"a":4},{"a":5}]',
    b'["\\u0041", "A", {"A": 1, "\\u0041": 2}]',
]


@pytest.mark.parametrize("data", VALUES)
def test_loads_values(data):
    got = loads(data)
    assert got is not None, data
    assert same(got[0], json.loads(data))


DEFER_JSON_ERRORS = [
    b"", b" ", b"\n", b"-", b"-x", b"--1", b"+1", b"01", b"00", b"-01", b"1.", b".5", b"1.e5", b"1e",
    b"1e+", b"1E-", b"0x10", b"1_000", b"1 2", b"1 x", b"{}x", b"[] []", b"1,", b"[1,]", b"[,1]",
    b"[1 2]", b'{"a":1,}', b'{"a" 1}', b'{"a":}', b"{,}", b"{1:2}", b"{'a':1}", b'{"a":1', b"[1",
    b"[", b"{", b"]", b"}", b'{"a"', b'{"a":', b'["a"', b"nan", b"inf", b"infinity", b"-NaN",
    b"+Infinity", b"NAN", b"-infinity", b"Infinit", b"tru", b"nul", b"fals", b"truex", b"True", b"None",
    b'"\x01"', b'"\x1f"', b'"a\nb"', b'"\t"', b'"\x00"', b"\x0b1", b"\x0c1", b"\xc2\xa01",
    b'"\\x"', b'"\\u12"', b'"\\U0041"', b'"\\u00g0"', b'"\\', b'"\\u', b'"\\ud800\\u12"', b'"\\ud800\\uzzzz"',
    b'"abc', b'"abc\\"', b'"\\"', b"'a'",
    b'"\xff"', b'"\xc0\x80"', b'"\xc1\xbf"', b'"\xe0\x80\x80"', b'"\xe0\x9f\xbf"', b'"\xf0\x8f\xbf\xbf"',
    b'"\xf4\x90\x80\x80"', b'"\xf5\x80\x80\x80"', b'"\xc3"', b'"\xe2\x82"', b'"\xf0\x9f\x98"', b'"\x80"',
    b'"\xc3\x28"', b"\xc3\xa9", b"[\xc3\xa9]", b'{"a":1}\xc3\xa9',
    b"9" * (INT_LIMIT + 1) if INT_LIMIT else b"x",
]


@pytest.mark.parametrize("data", DEFER_JSON_ERRORS)
def test_loads_invalid_defers(data):
    assert loads(data) is None
    with pytest.raises((ValueError, RecursionError)):
        json.loads(data)


DEFER_JSON_ACCEPTS = [
    b'"\xed\xa0\x80"',  # encoded surrogate: json takes it through surrogatepass
    b'["\xed\xbf\xbf"]',
    b'\xef\xbb\xbf{"a":1}',  # UTF-8 BOM
    '{"a":1}'.encode("utf-16"), '{"a":1}'.encode("utf-16-le"), '{"a":1}'.encode("utf-16-be"),
    '{"a":1}'.encode("utf-32"), '{"a":1}'.encode("utf-32-le"), '{"a":1}'.encode("utf-32-be"),
    "1".encode("utf-16-le"), "1".encode("utf-16-be"), "[1]".encode("utf-16-le"),
    b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1),
]


@pytest.mark.parametrize("data", DEFER_JSON_ACCEPTS)
def test_loads_defers_what_json_decodes_differently(data):
    assert loads(data) is None
    json.loads(data)  # json takes it: the caller's fallback gives the value


def test_loads_constants_are_jsons():
    # json.loads hands out json.decoder's NaN/PosInf/NegInf: same objects keep == on containers
    got = loads(b"[NaN,Infinity,-Infinity]")[0]
    assert got[0] is json.decoder.NaN and got[1] is json.decoder.PosInf and got[2] is json.decoder.NegInf
    assert got == json.loads(b"[NaN,Infinity,-Infinity]")
    del got
    before = sys.getrefcount(json.decoder.NaN)
    for _ in range(1000):
        loads(b'{"a":[NaN,NaN]}')
        loads(b"[NaN, x]")
    after = sys.getrefcount(json.decoder.NaN)  # outside assert: its rewriting holds temporaries
    assert after == before


def test_loads_duplicate_keys_last_wins_first_position():
    got = loads(b'{"a":1,"b":2,"a":3,"c":4,"b":5}')[0]
    assert list(got.items()) == [("a", 3), ("b", 5), ("c", 4)]


def test_loads_repeated_keys_share_one_object():
    got = loads(b'[{"name":1,"\\u00e9":2},{"name":3,"\\u00e9":4}]')[0]
    k0, k1 = list(got[0]), list(got[1])
    assert k0 == k1 == ["name", "\u00e9"]
    assert k0[0] is k1[0] and k0[1] is k1[1]


def test_loads_many_distinct_keys():
    # more keys than the C key cache has slots, repeated, with colliding shapes
    names = ["k%03d" % i for i in range(200)] + ["x" * n for n in range(40)] + [""]
    doc = [dict((name, i) for i, name in enumerate(names)) for _ in range(3)]
    data = json.dumps(doc).encode()
    got = loads(data)
    assert got is not None and same(got[0], json.loads(data))


def test_loads_depth_limit():
    for depth in (1, 2, MAX_DEPTH - 1, MAX_DEPTH):
        for data in (
            b"[" * depth + b"]" * depth,
            b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1),
            b"[" * depth + b"1" + b"]" * depth,
            b'[{"a":' * ((depth - 1) // 2) + b"[]" + b"}]" * ((depth - 1) // 2),
        ):
            got = loads(data)
            assert got is not None, depth
            assert got[0] == json.loads(data)
    # deep but invalid: defers without walking into trouble
    assert loads(b"[" * 100000) is None
    assert loads(b'{"a":' * 100000) is None


@pytest.mark.skipif(not INT_LIMIT, reason="no int max str digits limit")
def test_loads_int_digit_limit():
    ok = b"9" * INT_LIMIT
    assert loads(ok) is not None and loads(ok)[0] == json.loads(ok)
    assert loads(b"-" + ok)[0] == -int(ok)
    for data in (b"9" * (INT_LIMIT + 1), b"-" + b"9" * (INT_LIMIT + 1), b"[1, " + b"9" * (INT_LIMIT + 1) + b"]"):
        assert loads(data) is None
        with pytest.raises(ValueError):
            json.loads(data)
    # floats have no digit limit
    data = b"9" * (INT_LIMIT + 1) + b".0"
    assert same(loads(data)[0], json.loads(data))


def test_loads_large_documents_linear():
    big_str = b'"' + b"a\\n\xc3\xa9" * 200000 + b'"'
    assert same(loads(big_str)[0], json.loads(big_str))
    big_list = b"[" + b",".join([b'{"k":1.5,"s":"x"}'] * 50000) + b"]"
    assert same(loads(big_list)[0], json.loads(big_list))
    big_num = b"0." + b"1" * 200000
    assert same(loads(big_num)[0], json.loads(big_num))


# ---------------------------------------------------------------------------
# References: no leaks on success, deferral or error paths

def _growth(fn, rounds=3000):
    for _ in range(200):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(100):
            fn()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(rounds):
            fn()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


LEAK_DOCS = [
    b'{"sub":"1234567890","name":"J\\u00f6hn \xc3\xa9","iat":1516239022,"l":[1,2.5,null,true],"a":{"b":[]}}',
    b'[{"a":1,"b":"x"},{"a":2,"b":"y"}]',
    b'{"a":[1,"x",{"b":2.5,"c":["\xc3\xa9"]}],"d":' + b"9" * 50 + b',"e":tru',
    b'{"a":[1,"x",{"b":2.5}],"c":NaN, "e": "\\ud800", "f": "\\x"}',
    b'{"k":{"k":{"k":[1,2,3,' + b"9" * (INT_LIMIT + 1 if INT_LIMIT else 10) + b"]}}}",
    b"[" * (MAX_DEPTH + 1),
    b'{"a":1,"a":2,"a":{"x":[1]},"a":"s"}',
    b'{"a":1} x',
]


@pytest.mark.parametrize("data", LEAK_DOCS)
def test_loads_no_leak(data):
    assert _growth(lambda: loads(data)) < 64 * 1024


LEAK_OBJS = [
    {"sub": "1234567890", "name": "J\u00f6hn", "iat": 1516239022, "f": 1.5, "l": [1, (2, None)], "big": 2**100},
    {"a": [1, {"b": object()}]},
    {"a": 1, 2: 3},
    nested_list(MAX_DEPTH + 1),
    [1, 10**700],  # beyond the 640-digit limit the test sets
    {10**700: 1},
    {"a": MyDict()},
]


@pytest.mark.parametrize("obj", LEAK_OBJS)
def test_dumps_no_leak(obj):
    old = sys.get_int_max_str_digits() if INT_LIMIT else None
    try:
        if INT_LIMIT:
            sys.set_int_max_str_digits(640)  # the lowest: cheap to hit
        assert _growth(lambda: (dumps(obj, False), dumps(obj, True))) < 64 * 1024
    finally:
        if INT_LIMIT:
            sys.set_int_max_str_digits(old)


def test_dumps_does_not_leak_references():
    marker = "marker-" + str(id(object()))
    leaf = [marker, 2**80, 1.5]
    obj = {marker: leaf, "x": (leaf, {"y": leaf}), "z": object()}
    refs = (sys.getrefcount(marker), sys.getrefcount(leaf))
    for _ in range(100):
        dumps(obj, False)
        dumps(obj, True)
        dumps({marker: leaf}, True)
    after = (sys.getrefcount(marker), sys.getrefcount(leaf))
    assert after == refs
