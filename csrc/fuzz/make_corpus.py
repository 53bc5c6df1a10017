"""Writes the seed corpora csrc/fuzz/corpus/<target>/ (deterministic; rerun to refresh).

    python csrc/fuzz/make_corpus.py

Needs only the standard library. The files are small on purpose: libFuzzer
grows the corpus itself; the seeds show it the shapes (real tokens, JSON
documents, edge cases) that random bytes rarely hit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = bytes(range(0x41, 0x41 + 32))  # fuzz_decode_oracle.KEY


def b64(b: bytes) -> bytes:
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def hs(header: bytes, payload: bytes, digest=hashlib.sha256, key: bytes = KEY) -> bytes:
    si = b64(header) + b"." + b64(payload)
    return si + b"." + b64(hmac.new(key, si, digest).digest())


def write(target: str, items: list[tuple[str, bytes]]) -> None:
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in items:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


JSON_DOCS = [
    ("header_hs256", b'{"alg":"HS256","typ":"JWT"}'),
    ("header_kid_crit", b'{"alg":"HS256","kid":"k1","crit":["b64"],"b64":false}'),
    ("payload_typical", b'{"sub":"1234567890","name":"John Doe","iat":1516239022,'
                        b'"exp":1893456000,"aud":["urn:a","urn:b"],"iss":"urn:i","jti":"j-1"}'),
    ("empty_object", b"{}"),
    ("empty_array", b"[]"),
    ("nested", b'{"a":{"b":[1,[2,[3,{"c":null}]]]},"d":[true,false]}'),
    ("spaces", b' \t\n\r{ "a" : [ 1 , 2 ] , "b" : { } } \n'),
    ("numbers", b"[0,-0,1,-1,12345678901234567,123456789012345678901234567890,"
                b"1.5,-0.0,1e10,1E-10,2.5e+3,1.7976931348623157e308,1e400,-1e400,"
                b"5e-324,4.9e-325,0.1,123456789012345.678]"),
    ("big_int", b"9" * 40),
    ("int_4300_digits", b"[" + b"7" * 4300 + b"]"),       # int()'s default digit limit
    ("int_4301_digits", b"[-" + b"7" * 4301 + b"]"),      # json.loads raises ValueError
    ("float_long", b"[0." + b"1" * 80 + b"e-5]"),
    ("nan_inf", b'[NaN,Infinity,-Infinity,{"x":NaN}]'),
    ("escapes", b'"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\u00e9 \\u20ac \\ud83d\\ude00"'),
    ("lone_surrogates", b'["\\ud800","\\udc00","\\ud800\\u0041","\\ud800\\ud800\\udc00"]'),
    ("utf8", '{"ключ":"значение","emoji":"😀","cjk":"漢字","mixed":"aé€😀"}'.encode()),
    ("dup_keys", b'{"a":1,"b":2,"a":3}'),
    ("key_cache", b'[{"alg":1,"typ":2},{"alg":3,"typ":4},{"alg":5,"typ":6}]'),
    ("long_string", b'"' + b"abcdefgh" * 40 + b'\\n"'),
    ("deep_255", b"[" * 255 + b"]" * 255),
    ("deep_257", b"[" * 257 + b"]" * 257),
    # invalid: json.loads raises, the decoder must defer
    ("bad_trailing_comma", b"[1,2,]"),
    ("bad_extra_data", b"{} {}"),
    ("bad_control_char", b'"a\x01b"'),
    ("bad_escape", b'"\\x41"'),
    ("bad_short_u", b'"\\u12"'),
    ("bad_leading_zero", b"[01]"),
    ("bad_dot", b"[1.]"),
    ("bad_exp", b"[1e]"),
    ("bad_utf8", b'"\xc3\x28"'),
    ("bad_overlong", b'"\xc0\xaf"'),
    ("encoded_surrogate", b'"\xed\xa0\x80"'),
    ("bom_utf8", b'\xef\xbb\xbf{"a":1}'),
    ("utf16le", '{"a":1}'.encode("utf-16-le")),
    ("utf32be", '["x"]'.encode("utf-32-be")),
    ("truncated", b'{"a":[1,2,{"b":"c'),
    ("nan_lower", b"[nan]"),
    ("true_prefix", b"[tru]"),
    ("single_quote", b"{'a':1}"),
]


def corpus_b64url() -> list[tuple[str, bytes]]:
    items = []
    samples = [b"", b"\x00", b"\xff", b"ab", b"abc", b"abcd", b"\xfb\xff\xbf", bytes(range(64)),
               b'{"alg":"HS256","typ":"JWT"}', hashlib.sha256(b"x").digest()]
    for i, s in enumerate(samples):
        enc = b64(s)
        items.append((f"valid_{i:02d}", enc))
        if len(enc) % 4:
            items.append((f"padded_{i:02d}", enc + b"=" * (-len(enc) % 4)))
    items += [
        ("std_alphabet", b"ab+/"),
        ("three_pad", b"A==="),
        ("pad_wrong_len", b"AA="),
        ("pad_middle", b"AA==AAAA"),
        ("len_4k1", b"AAAAA"),
        ("nonzero_bits_2", b"AB"),
        ("nonzero_bits_3", b"AAB"),
        ("nonzero_bits_pad", b"AB=="),
        ("only_pad", b"=="),
        ("four_pad", b"===="),
        ("whitespace", b"AA AA"),
        ("newline", b"AAAA\n"),
        ("high_bytes", b"\xff\xfe\x80A"),
        ("nul", b"AA\x00A"),
        ("dots", b"eyJh.bGc"),
    ]
    return items


def corpus_decode() -> list[tuple[str, bytes]]:
    hdr = b'{"alg":"HS256","typ":"JWT"}'
    items = []
    # structured mode: control byte, HEADER ~~~ PAYLOAD (see fuzz_decode_oracle.py)
    structured = [
        ("s_typical", 0x01, hdr, b'{"sub":"alice","exp":1893456000,"iat":1516239022}'),
        ("s_expired", 0x01, hdr, b'{"sub":"alice","exp":1000}'),
        ("s_nbf_future", 0x01, hdr, b'{"nbf":1893456000}'),
        ("s_iat_bad", 0x01, hdr, b'{"iat":"yesterday"}'),
        ("s_exp_str", 0x01, hdr, b'{"exp":"1893456000"}'),
        ("s_exp_float", 0x01, hdr, b'{"exp":1893456000.5,"nbf":1.5,"iat":1e9}'),
        ("s_exp_nan", 0x01, hdr, b'{"exp":NaN,"nbf":Infinity,"iat":-Infinity}'),
        ("s_exp_bool", 0x01, hdr, b'{"exp":true}'),
        ("s_exp_bigint", 0x01, hdr, b'{"exp":' + b"9" * 30 + b"}"),
        ("s_int_digit_limit", 0x01, hdr, b'{"n":' + b"1" * 4301 + b"}"),
        ("s_aud", 0x03, hdr, b'{"aud":"urn:a"}'),
        ("s_aud_list", 0x05, hdr, b'{"aud":["urn:b","urn:x"],"iss":"urn:i"}'),
        ("s_aud_bad", 0x03, hdr, b'{"aud":[1,2]}'),
        ("s_aud_missing", 0x03, hdr, b"{}"),
        ("s_iss_list", 0x07, hdr, b'{"iss":"urn:j","sub":"s"}'),
        ("s_sub_int", 0x07, hdr, b'{"iss":"urn:i","sub":5}'),
        ("s_require", 0x09, hdr, b'{"exp":1893456000,"iat":1,"nbf":1,"aud":"x","iss":"y","sub":"z","jti":"j"}'),
        ("s_require_missing", 0x09, hdr, b'{"exp":1893456000}'),
        ("s_jti_int", 0x09, hdr, b'{"jti":1}'),
        ("s_strict_aud", 0x0D, hdr, b'{"aud":["urn:a"]}'),
        ("s_leeway_td", 0x0F, hdr, b'{"exp":1000}'),
        ("s_payload_list", 0x01, hdr, b"[1,2,3]"),
        ("s_payload_str", 0x01, hdr, b'"x"'),
        ("s_payload_bad", 0x01, hdr, b'{"a":'),
        ("s_payload_bad_utf8", 0x01, hdr, b'{"a":"\xff"}'),
        ("s_payload_bom", 0x01, hdr, b'\xef\xbb\xbf{"a":1}'),
        ("s_payload_utf16", 0x01, hdr, '{"a":1}'.encode("utf-16-le")),
        ("s_payload_deep", 0x01, hdr, b'{"a":' + b"[" * 300 + b"]" * 300 + b"}"),
        ("s_hs384", 0x21, b'{"alg":"HS384"}', b'{"a":1}'),
        ("s_hs512", 0x35, b'{"alg":"HS512"}', b'{"a":1}'),
        ("s_alg_missing", 0x01, b'{"typ":"JWT"}', b"{}"),
        ("s_alg_none", 0x01, b'{"alg":"none"}', b"{}"),
        ("s_alg_empty", 0x01, b'{"alg":""}', b"{}"),
        ("s_alg_int", 0x01, b'{"alg":1}', b"{}"),
        ("s_alg_rs256", 0x01, b'{"alg":"RS256"}', b"{}"),
        ("s_kid_int", 0x01, b'{"alg":"HS256","kid":1}', b"{}"),
        ("s_crit_b64", 0x01, b'{"alg":"HS256","crit":["b64"],"b64":true}', b"{}"),
        ("s_crit_unknown", 0x01, b'{"alg":"HS256","crit":["exp"]}', b"{}"),
        ("s_crit_empty", 0x01, b'{"alg":"HS256","crit":[]}', b"{}"),
        ("s_b64_false", 0x01, b'{"alg":"HS256","b64":false,"crit":["b64"]}', b"{}"),
        ("s_header_list", 0x01, b"[]", b"{}"),
        ("s_header_dup", 0x01, b'{"alg":"none","alg":"HS256"}', b"{}"),
        ("s_header_nested", 0x01, b'{"alg":"HS256","jwk":{"kty":"oct"},"x5c":["a"]}', b"{}"),
        ("s_header_utf8", 0x01, '{"alg":"HS256","kid":"ключ"}'.encode(), b"{}"),
        ("s_padded", 0x41, hdr, b'{"sub":"padme"}'),
        ("s_bad_mac", 0x81, hdr, b'{"sub":"alice"}'),
        ("s_no_sep", 0x01, b"", b'{"sub":"default header"}'),
        # ES256 (control bits 4-5 == 1): signed in the harness with its P-256 key
        ("s_es256", 0x11, b'{"alg":"ES256","typ":"JWT"}', b'{"sub":"alice","exp":1893456000}'),
        ("s_es256_as_hs256", 0x11, hdr, b'{"sub":"confused"}'),
        ("s_es256_bad_sig", 0x91, b'{"alg":"ES256"}', b'{"a":1}'),
        ("s_es256_aud", 0x15, b'{"alg":"ES256","kid":"k"}', b'{"aud":["urn:b"],"iss":"urn:i"}'),
    ]
    for name, ctl, h, p in structured:
        items.append((name, bytes([ctl]) + h + b"~~~" + p if h else bytes([ctl]) + p))
    # raw mode: control byte with bit 0 clear, then the token
    raw = [
        ("r_valid", hs(hdr, b'{"sub":"alice"}')),
        ("r_pyjwt_doc", b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
                        b"IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        ("r_wrong_key", hs(hdr, b'{"a":1}', key=b"another secret")),
        ("r_none", b64(b'{"alg":"none"}') + b"." + b64(b'{"a":1}') + b"."),
        ("r_empty", b""),
        ("r_dots", b".."),
        ("r_one_dot", b"a.b"),
        ("r_four_dots", b"a.b.c.d"),
        ("r_junk", b"!!!!.!!!!.!!!!"),
        ("r_bad_header_b64", b"eyJhbGciOiJIUzI1NiJ9x." + b64(b"{}") + b".AAAA"),
        ("r_header_not_json", b64(b"not json") + b"." + b64(b"{}") + b"."),
        ("r_padded_alb", hs(hdr, b'{"a":1}').replace(b".", b"==.", 1)),
        ("r_high_bytes", b"\xff\xfe.\x80.\xc3\xa9"),
        ("r_nul", b"eyJ\x00.e.e"),
    ]
    for name, tok in raw:
        items.append((name, b"\x00" + tok))
    # raw mode, bit 5: verified with the ES256 public key
    items.append(("r_es256_key_hs_token", b"\x20" + hs(hdr, b'{"a":1}')))
    items.append(("r_es256_short_sig", b"\x20" + b64(b'{"alg":"ES256"}') + b"." + b64(b"{}")
                  + b"." + b64(b"\x01" * 63)))
    items.append(("r_es256_zero_sig", b"\x20" + b64(b'{"alg":"ES256"}') + b"." + b64(b"{}")
                  + b"." + b64(b"\x00" * 64)))
    items.append(("r_str_surrogateescape", b"\x10" + b"\xff\xfe.\x80.x"))
    items.append(("r_audience_variant", b"\x02" + hs(hdr, b'{"aud":"urn:a"}')))
    return items


def main() -> None:
    write("fuzz_b64url", corpus_b64url())
    write("fuzz_json_dec", JSON_DOCS)
    write("fuzz_decode", corpus_decode())
    for t in ("fuzz_b64url", "fuzz_json_dec", "fuzz_decode"):
        print(t, len(os.listdir(os.path.join(HERE, "corpus", t))), "files")
    # sanity: every JSON seed named bad_* really is invalid
    for name, doc in JSON_DOCS:
        if name.startswith("bad_"):
            try:
                json.loads(doc)
            except ValueError:
                continue
            raise SystemExit(f"seed {name} is valid JSON")


if __name__ == "__main__":
    main()
