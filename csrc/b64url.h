/* base64url (RFC 4648 section 5) without padding. Pure C: no Python.h. */
#ifndef PJF_B64URL_H
#define PJF_B64URL_H

#include <stddef.h>
#include <stdint.h>

/* Length of the unpadded encoding of n bytes. */
static inline size_t pjf_b64url_encoded_len(size_t n)
{
    return (n / 3) * 4 + ((n % 3) ? (n % 3) + 1 : 0);
}

/* Upper bound of the decoded length of n encoded characters. */
static inline size_t pjf_b64url_decoded_max(size_t n)
{
    return (n / 4) * 3 + 3;
}

/* Writes pjf_b64url_encoded_len(n) characters to dst; returns that count. */
size_t pjf_b64url_encode(char *restrict dst, const uint8_t *restrict src, size_t n);

/* Decodes one JWS segment with the rules PyJWT 2.15.1 applies to it:
 * at most two trailing '=' and then only when the whole segment length is a
 * multiple of 4; after them only the URL-safe alphabet; never a length of
 * 4k+1; and the unused low bits of the last character must be zero (the
 * encoding is canonical). dst needs pjf_b64url_decoded_max(n) bytes.
 * Returns the decoded length, or -1 when the segment is refused. */
ptrdiff_t pjf_b64url_decode(uint8_t *restrict dst, const char *restrict src, size_t n);

#endif /* PJF_B64URL_H */
