#include "b64url.h"

#include <string.h>

/* Character of a 6-bit value, and value of a character (-1 outside the
 * URL-safe alphabet), as constant expressions so the tables below are built
 * by the compiler. */
#define B64_CH(v) ((v) < 26 ? 'A' + (v) : (v) < 52 ? 'a' + (v) - 26 : (v) < 62 ? '0' + (v) - 52 \
                   : (v) == 62 ? '-' : '_')
#define B64_VAL(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 \
                    : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : (c) == '-' ? 62 : (c) == '_' ? 63 : -1)

/* Encoding, two characters per lookup: enc2[v] holds the characters of the
 * 12-bit value v, the first in the low byte. */
#define E2(i) (uint16_t)(B64_CH((i) >> 6) | (B64_CH((i) & 63) << 8))
#define E2x4(i) E2(i), E2((i) + 1), E2((i) + 2), E2((i) + 3)
#define E2x16(i) E2x4(i), E2x4((i) + 4), E2x4((i) + 8), E2x4((i) + 12)
#define E2x64(i) E2x16(i), E2x16((i) + 16), E2x16((i) + 32), E2x16((i) + 48)
#define E2x256(i) E2x64(i), E2x64((i) + 64), E2x64((i) + 128), E2x64((i) + 192)
#define E2x1024(i) E2x256(i), E2x256((i) + 256), E2x256((i) + 512), E2x256((i) + 768)
static const uint16_t enc2[4096] = {E2x1024(0), E2x1024(1024), E2x1024(2048), E2x1024(3072)};

static const char enc_table[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decoding: decK[c] is the value of character c already shifted into place
 * for position K of a 4-character group, or BAD for a character outside the
 * alphabet; OR-ing the four gives the 24 bits, or a value with BAD set. */
#define BAD 0x01000000u
#define DV(c, sh) (B64_VAL(c) < 0 ? BAD : (uint32_t)B64_VAL(c) << (sh))
#define DVx4(c, sh) DV(c, sh), DV((c) + 1, sh), DV((c) + 2, sh), DV((c) + 3, sh)
#define DVx16(c, sh) DVx4(c, sh), DVx4((c) + 4, sh), DVx4((c) + 8, sh), DVx4((c) + 12, sh)
#define DVx64(c, sh) DVx16(c, sh), DVx16((c) + 16, sh), DVx16((c) + 32, sh), DVx16((c) + 48, sh)
#define DVx256(sh) DVx64(0, sh), DVx64(64, sh), DVx64(128, sh), DVx64(192, sh)
static const uint32_t dec0[256] = {DVx256(18)};
static const uint32_t dec1[256] = {DVx256(12)};
static const uint32_t dec2[256] = {DVx256(6)};
static const uint32_t dec3[256] = {DVx256(0)};

size_t pjf_b64url_encode(char *restrict dst, const uint8_t *restrict src, size_t n)
{
    char *p = dst;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) | src[i + 2];
        uint32_t hi = enc2[v >> 12], lo = enc2[v & 0xFFF];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint32_t quad = hi | (lo << 16);  /* the four characters in memory order */
        memcpy(p, &quad, 4);
#else
        p[0] = (char)(hi & 0xFF);
        p[1] = (char)(hi >> 8);
        p[2] = (char)(lo & 0xFF);
        p[3] = (char)(lo >> 8);
#endif
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

ptrdiff_t pjf_b64url_decode(uint8_t *restrict dst, const char *restrict src, size_t n)
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
        uint32_t v = dec0[s[i]] | dec1[s[i + 1]] | dec2[s[i + 2]] | dec3[s[i + 3]];
        if (v & BAD)
            return -1;
        p[0] = (uint8_t)(v >> 16);
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)v;
        p += 3;
    }
    size_t rest = len - i;
    if (rest == 2) {
        uint32_t a = dec3[s[i]], b = dec3[s[i + 1]];
        if ((a | b) & BAD)
            return -1;
        if (b & 0x0F) /* bits that a canonical encoder leaves zero */
            return -1;
        *p++ = (uint8_t)((a << 2) | (b >> 4));
    }
    else if (rest == 3) {
        uint32_t a = dec3[s[i]], b = dec3[s[i + 1]], c = dec3[s[i + 2]];
        if ((a | b | c) & BAD)
            return -1;
        if (c & 0x03)
            return -1;
        *p++ = (uint8_t)((a << 2) | (b >> 4));
        *p++ = (uint8_t)((b << 4) | (c >> 2));
    }
    return (ptrdiff_t)(p - dst);
}
