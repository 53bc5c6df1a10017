#include "b64url.h"

static const char enc_table[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63 for the URL-safe alphabet, 64 for anything else. */
static const uint8_t dec_table[256] = {
#define X 64
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

size_t pjf_b64url_encode(char *dst, const uint8_t *src, size_t n)
{
    char *p = dst;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) | src[i + 2];
        p[0] = enc_table[(v >> 18) & 63];
        p[1] = enc_table[(v >> 12) & 63];
        p[2] = enc_table[(v >> 6) & 63];
        p[3] = enc_table[v & 63];
        p += 4;
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        p[0] = enc_table[(v >> 18) & 63];
        p[1] = enc_table[(v >> 12) & 63];
        p += 2;
    }
    else if (n - i == 2) {
        uint32_t v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8);
        p[0] = enc_table[(v >> 18) & 63];
        p[1] = enc_table[(v >> 12) & 63];
        p[2] = enc_table[(v >> 6) & 63];
        p += 3;
    }
    return (size_t)(p - dst);
}

ptrdiff_t pjf_b64url_decode(uint8_t *dst, const char *src, size_t n)
{
    const uint8_t *s = (const uint8_t *)src;
    size_t len = n, padding = 0;

    while (len > 0 && s[len - 1] == '=') {
        len--;
        if (++padding > 2)
            return -1;
    }
    if (padding && n % 4 != 0)
        return -1;
    if (len % 4 == 1)
        return -1;

    uint8_t *p = dst;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint8_t a = dec_table[s[i]], b = dec_table[s[i + 1]];
        uint8_t c = dec_table[s[i + 2]], d = dec_table[s[i + 3]];
        if ((a | b | c | d) & 64)
            return -1;
        uint32_t v = ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6) | d;
        p[0] = (uint8_t)(v >> 16);
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)v;
        p += 3;
    }
    size_t rest = len - i;
    if (rest == 2) {
        uint8_t a = dec_table[s[i]], b = dec_table[s[i + 1]];
        if ((a | b) & 64)
            return -1;
        if (b & 0x0F) /* bits that a canonical encoder leaves zero */
            return -1;
        *p++ = (uint8_t)((a << 2) | (b >> 4));
    }
    else if (rest == 3) {
        uint8_t a = dec_table[s[i]], b = dec_table[s[i + 1]], c = dec_table[s[i + 2]];
        if ((a | b | c) & 64)
            return -1;
        if (c & 0x03)
            return -1;
        *p++ = (uint8_t)((a << 2) | (b >> 4));
        *p++ = (uint8_t)((b << 4) | (c >> 2));
    }
    return (ptrdiff_t)(p - dst);
}
