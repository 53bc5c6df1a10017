/* libFuzzer target: pjf_b64url_decode / pjf_b64url_encode (csrc/b64url.c).
 *
 * Pure C, no Python. For every input the harness checks:
 *  - the decoder never reads or writes out of bounds: src and dst are exact
 *    heap copies of the documented sizes, so ASan sees one byte too many;
 *  - the decoded length never exceeds pjf_b64url_decoded_max(n);
 *  - round trip: whatever the decoder accepts, re-encoded with
 *    pjf_b64url_encode, equals the input with its trailing '=' stripped
 *    (only canonical encodings are accepted);
 *  - shape: whatever the decoder accepts is the URL-safe alphabet followed by
 *    at most two '=', and '=' only when the length is a multiple of 4;
 *  - differential: the decoder accepts exactly what PyJWT 2.15.1's
 *    PyJWS._decode_base64url_segment accepts (re-implemented below from its
 *    source, literally, as the oracle), and then gives the same bytes as a
 *    plain reference decoder.
 * Any violation is abort(). */
#include "b64url.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int in_alphabet(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_';
}

static int ref_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    return 63; /* '_' ; callers check the alphabet first */
}

static void fail(const char *what, const uint8_t *data, size_t n)
{
    fprintf(stderr, "fuzz_b64url: property violated: %s (input length %zu)\n", what, n);
    (void)data;
    abort();
}

/* PyJWT 2.15.1 _decode_base64url_segment's acceptance test, step by step:
 * strip '=' (more than 2 is an error), padding requires len % 4 == 0, the
 * stripped length is never 4k+1, the alphabet, and the re-encoding of the
 * decoded bytes equals the stripped text (no non-zero trailing bits).
 * Returns the decoded length in out, or -1 when PyJWT refuses. */
static long ref_decode(const uint8_t *s, size_t n, uint8_t *out)
{
    size_t len = n, padding = 0, i, o = 0;
    uint32_t acc = 0;
    int bits = 0;

    while (len > 0 && s[len - 1] == '=') {
        len--;
        if (++padding > 2)
            return -1;
    }
    if (padding && n % 4 != 0)
        return -1;
    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++)
        if (!in_alphabet(s[i]))
            return -1;
    for (i = 0; i < len; i++) {
        acc = (acc << 6) | (uint32_t)ref_val(s[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* leftover bits not zero: not canonical, PyJWT re-encodes and refuses */
        return -1;
    return (long)o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exact-size copies: any overread of src / overwrite of dst trips ASan */
    char *src = malloc(size ? size : 1);
    size_t cap = pjf_b64url_decoded_max(size);
    uint8_t *dst = malloc(cap);
    uint8_t *ref = malloc(cap);
    if (src == NULL || dst == NULL || ref == NULL)
        abort();
    if (size)
        memcpy(src, data, size);

    ptrdiff_t got = pjf_b64url_decode(dst, size ? src : NULL, size);
    long want = ref_decode(data, size, ref);

    if (got < -1)
        fail("return value below -1", data, size);
    if (got >= 0) {
        size_t dlen = (size_t)got;
        size_t i, stripped = size;

        if (dlen > cap)
            fail("decoded length above pjf_b64url_decoded_max", data, size);

        /* shape: alphabet, then at most two '=', only with size % 4 == 0 */
        while (stripped > 0 && data[stripped - 1] == '=')
            stripped--;
        if (size - stripped > 2)
            fail("accepted more than two '='", data, size);
        if (size != stripped && size % 4 != 0)
            fail("accepted '=' on a length that is not a multiple of 4", data, size);
        for (i = 0; i < stripped; i++)
            if (!in_alphabet(data[i]))
                fail("accepted a character outside the URL-safe alphabet", data, size);

        /* round trip */
        size_t elen = pjf_b64url_encoded_len(dlen);
        char *enc = malloc(elen ? elen : 1);
        if (enc == NULL)
            abort();
        if (pjf_b64url_encode(enc, dst, dlen) != elen)
            fail("encode wrote a length other than pjf_b64url_encoded_len", data, size);
        if (elen != stripped || memcmp(enc, data, elen) != 0)
            fail("re-encoding differs from the stripped input (non-canonical accepted)", data, size);
        free(enc);

        /* differential: PyJWT accepts it too, with the same bytes */
        if (want < 0)
            fail("accepted an input PyJWT 2.15.1 refuses", data, size);
        if ((size_t)want != dlen || memcmp(ref, dst, dlen) != 0)
            fail("decoded bytes differ from the reference decoder", data, size);
    }
    else if (want >= 0) {
        fail("refused an input PyJWT 2.15.1 accepts", data, size);
    }

    /* encoder on arbitrary bytes: exact-size output, and it decodes back */
    {
        size_t elen = pjf_b64url_encoded_len(size);
        char *enc = malloc(elen ? elen : 1);
        uint8_t *back = malloc(pjf_b64url_decoded_max(elen));
        if (enc == NULL || back == NULL)
            abort();
        if (pjf_b64url_encode(enc, data, size) != elen)
            fail("encode wrote a length other than pjf_b64url_encoded_len", data, size);
        ptrdiff_t blen = pjf_b64url_decode(back, enc, elen);
        if (blen != (ptrdiff_t)size || (size && memcmp(back, data, size) != 0))
            fail("decode(encode(x)) != x", data, size);
        free(enc);
        free(back);
    }

    free(src);
    free(dst);
    free(ref);
    return 0;
}
