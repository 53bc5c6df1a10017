/* Public-key algorithms: keys parsed once (PEM, DER, OpenSSH public keys,
 * cryptography key objects through their DER) into a bounded,
 * content-addressed cache, and RS / PS / ES / EdDSA sign and verify through
 * OpenSSL 3 EVP with the GIL released. */
#include "pjf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#define PK_CACHE_SLOTS 128
#define PK_CACHE_MAX_KEY (64 * 1024)

/* Algorithms, in the order of pjf_pk_alg. */
static const char *const digest_of[] = {
    "SHA256", "SHA384", "SHA512",   /* RS */
    "SHA256", "SHA384", "SHA512",   /* PS */
    "SHA256", "SHA384", "SHA512", "SHA256", /* ES256 ES384 ES512(P-521) ES256K */
    NULL,                           /* EdDSA */
};
static const int digest_size_of[] = {32, 48, 64, 32, 48, 64, 32, 48, 64, 32, 0};
/* Curve (PJF_CURVE_*) each ES algorithm needs. */
static const int curve_of_es[] = {PJF_CURVE_P256, PJF_CURVE_P384, PJF_CURVE_P521, PJF_CURVE_K256};
/* Scalar size in bytes of each curve, for raw r || s. */
static const int curve_bytes[] = {32, 48, 66, 32};

typedef struct {
    unsigned char *data;   /* key material as given (owned copy) */
    size_t len;
    uint64_t hash;
    uint64_t stamp;
    int taken;             /* 1: parsed into k; 0: left to the Python layer */
    int from_object;       /* the DER of a key object, not bytes a caller gave */
    pjf_pkey k;
    PyObject *obj;         /* a cryptography key object with this DER (strong
                            * reference: its identity cannot be reused) */
} pk_entry;

struct pjf_pk_cache {
    pk_entry slot[PK_CACHE_SLOTS];
    uint64_t clock;
};

void pjf_pkey_release(pjf_pkey *k)
{
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
}

/* Returns the entry's key object for the caller to release once the cache
 * is consistent again (releasing it may run Python code). */
static PyObject *entry_clear(pk_entry *e)
{
    PyObject *obj = e->obj;
    pjf_pkey_release(&e->k);
    PyMem_Free(e->data);
    memset(e, 0, sizeof(*e));
    return obj;
}

void pjf_pk_cache_free(struct pjf_pk_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < PK_CACHE_SLOTS; i++)
        Py_XDECREF(entry_clear(&c->slot[i]));
    PyMem_Free(c);
}

/* ------------------------------------------------------------------ */
/* OpenSSH public keys (RFC 4253 section 6.6, RFC 5656, RFC 8709)     */

static int b64std_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 with padding; -1 on anything else. out needs n bytes. */
static ptrdiff_t b64std_decode(const char *s, size_t n, unsigned char *out)
{
    if (n % 4 != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int j = 0; j < 4; j++) {
            if (s[i + j] == '=' && i + 4 == n && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            if (pad)
                return -1;
            v[j] = b64std_value((unsigned char)s[i + j]);
            if (v[j] < 0)
                return -1;
        }
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) | (uint32_t)v[3];
        out[o++] = (unsigned char)(w >> 16);
        if (pad < 2)
            out[o++] = (unsigned char)(w >> 8);
        if (pad < 1)
            out[o++] = (unsigned char)w;
    }
    return (ptrdiff_t)o;
}

typedef struct {
    const unsigned char *p;
    size_t left;
} reader;

/* An SSH "string": uint32 length and bytes. */
static int read_string(reader *r, const unsigned char **s, size_t *n)
{
    if (r->left < 4)
        return -1;
    uint32_t len = ((uint32_t)r->p[0] << 24) | ((uint32_t)r->p[1] << 16) | ((uint32_t)r->p[2] << 8) | r->p[3];
    if (len > r->left - 4)
        return -1;
    *s = r->p + 4;
    *n = len;
    r->p += 4 + len;
    r->left -= 4 + len;
    return 0;
}

static int string_is(const unsigned char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) > 0)
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

/* An SSH mpint that must be positive. */
static BIGNUM *read_mpint(reader *r)
{
    const unsigned char *s;
    size_t n;
    if (read_string(r, &s, &n) < 0 || n == 0 || (s[0] & 0x80) || n > 2048)
        return NULL;
    return BN_bin2bn(s, (int)n, NULL);
}

/* "<type> <base64 blob>[ <comment>]" as OpenSSH writes public keys. */
static EVP_PKEY *parse_ssh(const char *k, size_t n)
{
    const char *sp = memchr(k, ' ', n);
    if (sp == NULL)
        return NULL;
    size_t tlen = (size_t)(sp - k);
    const char *b = sp + 1, *end = k + n;
    const char *be = b;
    while (be < end && *be != ' ' && *be != '\n' && *be != '\r')
        be++;
    /* After the blob only a comment may follow. */
    size_t blen = (size_t)(be - b);
    if (blen == 0 || blen > 16384)
        return NULL;
    unsigned char *blob = OPENSSL_malloc(blen);
    if (blob == NULL)
        return NULL;
    EVP_PKEY *pkey = NULL;
    BIGNUM *e = NULL, *nn = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    ptrdiff_t bn = b64std_decode(b, blen, blob);
    if (bn < 0)
        goto done;
    reader r = {blob, (size_t)bn};
    const unsigned char *t;
    size_t tn;
    if (read_string(&r, &t, &tn) < 0 || tn != tlen || memcmp(t, k, tlen) != 0)
        goto done;
    if (string_is(t, tn, "ssh-rsa")) {
        e = read_mpint(&r);
        nn = read_mpint(&r);
        if (e == NULL || nn == NULL || r.left != 0)
            goto done;
        bld = OSSL_PARAM_BLD_new();
        if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, nn)
            || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
            goto done;
        pkey = pkey_from_params("RSA", bld);
    }
    else if (string_is(t, tn, "ssh-ed25519")) {
        const unsigned char *pk;
        size_t pn;
        if (read_string(&r, &pk, &pn) < 0 || pn != 32 || r.left != 0)
            goto done;
        pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pk, pn);
    }
    else if (tn == 19 && memcmp(t, "ecdsa-sha2-nistp", 16) == 0) {
        static const char *const ids[3] = {"nistp256", "nistp384", "nistp521"};
        static const char *const groups[3] = {"prime256v1", "secp384r1", "secp521r1"};
        const unsigned char *cid, *q;
        size_t cn, qn;
        int which = -1;
        for (int i = 0; i < 3; i++)
            if (string_is(t + 11, 8, ids[i]))
                which = i;
        if (which < 0 || read_string(&r, &cid, &cn) < 0 || !string_is(cid, cn, ids[which])
            || read_string(&r, &q, &qn) < 0 || r.left != 0)
            goto done;
        bld = OSSL_PARAM_BLD_new();
        if (bld == NULL
            || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, groups[which], 0)
            || !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, qn))
            goto done;
        pkey = pkey_from_params("EC", bld);
    }
done:
    OSSL_PARAM_BLD_free(bld);
    BN_free(e);
    BN_free(nn);
    OPENSSL_free(blob);
    return pkey;
}

/* ------------------------------------------------------------------ */
/* PEM and DER                                                        */

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static EVP_PKEY *decode_key(const char *input_type, const unsigned char *data, size_t len, int selection)
{
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, input_type, NULL, NULL, selection, NULL, NULL);
    if (dctx == NULL)
        return NULL;
    OSSL_DECODER_CTX_set_pem_password_cb(dctx, no_passphrase, NULL);
    const unsigned char *p = data;
    size_t left = len;
    if (!OSSL_DECODER_from_data(dctx, &p, &left)) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    OSSL_DECODER_CTX_free(dctx);
    return pkey;
}

static size_t count_substr(const char *k, size_t n, const char *needle)
{
    size_t c = 0, l = strlen(needle);
    for (const char *p = k; (size_t)(k + n - p) >= l;) {
        const char *q = memchr(p, needle[0], (size_t)(k + n - p) - l + 1);
        if (q == NULL)
            break;
        if (memcmp(q, needle, l) == 0)
            c++;
        p = q + 1;
    }
    return c;
}

static int has_substr(const char *k, size_t n, const char *needle)
{
    return count_substr(k, n, needle) > 0;
}

/* Fills k from PEM with exactly one block of a plain key label, an
 * OpenSSH public key, or (allow_der) DER. 1 parsed, 0 not a key this code
 * takes. check: verify a private key's consistency, as cryptography does
 * when it loads one (key objects were checked when they were made). */
static int parse_key_bytes(const char *k, size_t n, pjf_pkey *out, int allow_der, int check)
{
    EVP_PKEY *pkey = NULL;
    int is_private = 0, form = 0;
    const unsigned char *u = (const unsigned char *)k;

    if ((n > 4 && memcmp(k, "ssh-", 4) == 0) || (n > 11 && memcmp(k, "ecdsa-sha2-", 11) == 0)) {
        pkey = parse_ssh(k, n);
        form = PJF_FORM_SSH;
    }
    else if (has_substr(k, n, "-----BEGIN ")) {
        static const char *const priv[] = {"-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
                                           "-----BEGIN EC PRIVATE KEY-----"};
        static const char *const pub[] = {"-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PUBLIC KEY-----"};
        if (count_substr(k, n, "-----BEGIN ") != 1 || has_substr(k, n, "Proc-Type:"))
            return 0;
        for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
            if (has_substr(k, n, priv[i]))
                is_private = 1;
        int is_public = 0;
        for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++)
            if (has_substr(k, n, pub[i]))
                is_public = 1;
        if (!is_private && !is_public)
            return 0;
        pkey = decode_key("PEM", u, n, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
        form = is_private ? PJF_FORM_PEM_PRIVATE : PJF_FORM_PEM_PUBLIC;
    }
    else if (allow_der && n > 0 && u[0] == 0x30) {
        pkey = decode_key("DER", u, n, EVP_PKEY_KEYPAIR);
        if (pkey != NULL) {
            is_private = 1;
            form = PJF_FORM_DER_PRIVATE;
        }
        else {
            pkey = decode_key("DER", u, n, EVP_PKEY_PUBLIC_KEY);
            form = PJF_FORM_DER_PUBLIC;
        }
    }
    pjf_clear_openssl_errors();
    if (pkey == NULL)
        return 0;

    int type = 0, curve = -1;
    if (EVP_PKEY_is_a(pkey, "RSA"))
        type = PJF_KT_RSA;
    else if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64];
        size_t glen = 0;
        type = PJF_KT_EC;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen)) {
            if (strcmp(group, "prime256v1") == 0) curve = PJF_CURVE_P256;
            else if (strcmp(group, "secp384r1") == 0) curve = PJF_CURVE_P384;
            else if (strcmp(group, "secp521r1") == 0) curve = PJF_CURVE_P521;
            else if (strcmp(group, "secp256k1") == 0) curve = PJF_CURVE_K256;
        }
        if (curve < 0)
            type = 0; /* explicit or other curves: left to the Python layer */
    }
    else if (EVP_PKEY_is_a(pkey, "ED25519"))
        type = PJF_KT_ED25519;
    else if (EVP_PKEY_is_a(pkey, "ED448"))
        type = PJF_KT_ED448;

    /* A private key must be consistent, as cryptography checks on load. */
    if (type != 0 && is_private && check) {
        EVP_PKEY_CTX *cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (cctx == NULL || EVP_PKEY_check(cctx) != 1)
            type = 0;
        EVP_PKEY_CTX_free(cctx);
    }
    pjf_clear_openssl_errors();
    if (type == 0) {
        EVP_PKEY_free(pkey);
        return 0;
    }
    out->pkey = pkey;
    out->type = type;
    out->curve = curve;
    out->is_private = is_private;
    out->bits = EVP_PKEY_get_bits(pkey);
    out->form = form;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The cache                                                          */

static struct pjf_pk_cache *get_cache(pjf_state *st)
{
    if (st->pk_cache == NULL) {
        st->pk_cache = PyMem_Calloc(1, sizeof(struct pjf_pk_cache));
        if (st->pk_cache == NULL)
            PyErr_NoMemory();
    }
    return st->pk_cache;
}

/* Key material -> parsed key. 0 and *out filled (own reference), 1 when
 * the C code does not take this key, -1 with an exception. */
static int key_from_material(pjf_state *st, PyObject *holder, const char *k, Py_ssize_t n, pjf_pkey *out,
                             PyObject *obj)
{
    if (n <= 0 || n > PK_CACHE_MAX_KEY)
        return 1;
    struct pjf_pk_cache *c = get_cache(st);
    if (c == NULL)
        return -1;
    /* A subclass's own __hash__ says nothing about the text (and may raise):
     * entries are told apart by the text itself, the hash only narrows. */
    Py_hash_t ph = (PyUnicode_CheckExact(holder) || PyBytes_CheckExact(holder)) ? PyObject_Hash(holder) : 0;
    if (ph == -1)
        return -1;
    uint64_t h = (uint64_t)ph ^ ((uint64_t)n << 1) ^ (uint64_t)PyUnicode_Check(holder);
    pk_entry *e = NULL;
    PyObject *evicted = NULL;
    for (int i = 0; i < PK_CACHE_SLOTS; i++) {
        pk_entry *s = &c->slot[i];
        if (s->data != NULL && s->hash == h && s->len == (size_t)n && s->from_object == (obj != NULL)
            && memcmp(s->data, k, (size_t)n) == 0) {
            e = s;
            break;
        }
    }
    if (e == NULL) {
        pk_entry *victim = &c->slot[0];
        for (int i = 0; i < PK_CACHE_SLOTS; i++) {
            if (c->slot[i].data == NULL) {
                victim = &c->slot[i];
                break;
            }
            if (c->slot[i].stamp < victim->stamp)
                victim = &c->slot[i];
        }
        pjf_pkey parsed = {0};
        /* DER from a caller only where PyJWT's loaders are absent (no
         * cryptography): with them, such bytes get PyJWT's refusal. */
        int taken = parse_key_bytes(k, (size_t)n, &parsed, obj != NULL || st->der_keys, obj == NULL);
        if (taken && obj == NULL && PyBytes_Check(holder)
            && (parsed.type == PJF_KT_ED25519 || parsed.type == PJF_KT_ED448)) {
            /* PyJWT's OKPAlgorithm.prepare_key decodes key bytes as UTF-8
             * (UnicodeDecodeError otherwise): such keys are left to it. */
            PyObject *text = PyUnicode_DecodeUTF8(k, n, "strict");
            if (text == NULL) {
                if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
                    pjf_pkey_release(&parsed);
                    return -1;
                }
                PyErr_Clear();
                parsed.not_utf8 = 1;
            }
            Py_XDECREF(text);
        }
        unsigned char *copy = PyMem_Malloc((size_t)n);
        if (copy == NULL) {
            pjf_pkey_release(&parsed);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(copy, k, (size_t)n);
        evicted = entry_clear(victim);
        victim->data = copy;
        victim->len = (size_t)n;
        victim->hash = h;
        victim->taken = taken;
        victim->from_object = obj != NULL;
        victim->k = parsed;
        e = victim;
    }
    e->stamp = ++c->clock;
    int r = 1;
    if (obj != NULL && e->obj != obj) {
        PyObject *old = e->obj;
        e->obj = Py_NewRef(obj);
        Py_XSETREF(evicted, old);
    }
    if (e->taken) {
        *out = e->k;
        r = EVP_PKEY_up_ref(out->pkey) ? 0 : 1;
        if (r)
            pjf_clear_openssl_errors();
    }
    Py_XDECREF(evicted);
    return r;
}

/* The entry that remembers this key object, by identity. */
static int key_from_object(pjf_state *st, PyObject *obj, pjf_pkey *out)
{
    struct pjf_pk_cache *c = st->pk_cache;
    if (c == NULL)
        return 2;  /* nothing cached yet: not seen */
    for (int i = 0; i < PK_CACHE_SLOTS; i++) {
        pk_entry *e = &c->slot[i];
        if (e->obj == obj && e->data != NULL) {
            e->stamp = ++c->clock;
            if (!e->taken)
                return 1;
            *out = e->k;
            if (!EVP_PKEY_up_ref(out->pkey)) {
                pjf_clear_openssl_errors();
                return 1;
            }
            return 0;
        }
    }
    return 2;
}

int pjf_pkey_get(pjf_state *st, PyObject *key, pjf_pkey *out)
{
    memset(out, 0, sizeof(*out));
    if (PyUnicode_Check(key)) {
        Py_ssize_t n;
        const char *k = PyUnicode_AsUTF8AndSize(key, &n);
        if (k == NULL) {
            PyErr_Clear(); /* PyJWT's own error comes from the Python path */
            return 1;
        }
        return key_from_material(st, key, k, n, out, NULL);
    }
    if (PyBytes_CheckExact(key))
        return key_from_material(st, key, PyBytes_AS_STRING(key), PyBytes_GET_SIZE(key), out, NULL);
    if (st->key_der == NULL || st->key_der == Py_None || PyBytes_Check(key))
        return 1;
    int r = key_from_object(st, key, out);
    if (r != 2)
        return r;
    /* A cryptography key object seen for the first time: its DER names it. */
    PyObject *der = PyObject_CallOneArg(st->key_der, key);
    if (der == NULL)
        return -1;
    r = 1;
    if (PyBytes_CheckExact(der))
        r = key_from_material(st, der, PyBytes_AS_STRING(der), PyBytes_GET_SIZE(der), out, key);
    Py_DECREF(der);
    return r;
}

/* ------------------------------------------------------------------ */
/* ECDSA signatures: DER <-> raw r || s                                */

/* Appends a DER INTEGER for the unsigned big-endian v[0:n]. */
static size_t der_int(unsigned char *out, const unsigned char *v, size_t n)
{
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    size_t pad = (v[0] & 0x80) ? 1 : 0, o = 0;
    out[o++] = 0x02;
    if (n + pad < 128)
        out[o++] = (unsigned char)(n + pad);
    else {
        out[o++] = 0x81;
        out[o++] = (unsigned char)(n + pad);
    }
    if (pad)
        out[o++] = 0;
    memcpy(out + o, v, n);
    return o + n;
}

/* raw r || s (2 * half bytes) -> DER SEQUENCE; returns its length. out
 * needs 2 * half + 16 bytes. */
static size_t raw_to_der(const unsigned char *raw, size_t half, unsigned char *out)
{
    unsigned char body[2 * 67 + 8];
    size_t bl = der_int(body, raw, half);
    bl += der_int(body + bl, raw + half, half);
    size_t o = 0;
    out[o++] = 0x30;
    if (bl < 128)
        out[o++] = (unsigned char)bl;
    else {
        out[o++] = 0x81;
        out[o++] = (unsigned char)bl;
    }
    memcpy(out + o, body, bl);
    return o + bl;
}

/* Reads one DER length; -1 on malformed. */
static int der_len(const unsigned char **p, const unsigned char *end, size_t *len)
{
    if (*p >= end)
        return -1;
    unsigned char b = *(*p)++;
    if (b < 0x80) {
        *len = b;
        return 0;
    }
    if (b != 0x81 || *p >= end)
        return -1;
    *len = *(*p)++;
    return 0;
}

static int der_read_int(const unsigned char **p, const unsigned char *end, unsigned char *out, size_t half)
{
    size_t len;
    if (*p >= end || *(*p)++ != 0x02 || der_len(p, end, &len) < 0 || len == 0 || len > (size_t)(end - *p))
        return -1;
    const unsigned char *v = *p;
    *p += len;
    while (len > 0 && v[0] == 0) {
        v++;
        len--;
    }
    if (len > half)
        return -1;
    memset(out, 0, half - len);
    memcpy(out + half - len, v, len);
    return 0;
}

/* DER ECDSA-Sig-Value from OpenSSL -> raw r || s. */
static int der_to_raw(const unsigned char *der, size_t n, size_t half, unsigned char *raw)
{
    const unsigned char *p = der, *end = der + n;
    size_t len;
    if (n < 2 || *p++ != 0x30 || der_len(&p, end, &len) < 0 || len != (size_t)(end - p))
        return -1;
    if (der_read_int(&p, end, raw, half) < 0 || der_read_int(&p, end, raw + half, half) < 0 || p != end)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sign and verify: no Python objects touched (run without the GIL).  */

static int init_ctx(EVP_MD_CTX *mctx, int alg, EVP_PKEY *pkey, int sign)
{
    OSSL_PARAM params[4], *pp = params;
    int saltlen = digest_size_of[alg];
    char pss[] = "pss";
    char *mgf = (char *)digest_of[alg];
    if (alg >= PJF_PS256 && alg <= PJF_PS512) {
        *pp++ = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pss, 0);
        *pp++ = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &saltlen);
        *pp++ = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, mgf, 0);
    }
    *pp = OSSL_PARAM_construct_end();
    const OSSL_PARAM *use = (pp == params) ? NULL : params;
    if (sign)
        return EVP_DigestSignInit_ex(mctx, NULL, digest_of[alg], NULL, NULL, pkey, use) == 1;
    return EVP_DigestVerifyInit_ex(mctx, NULL, digest_of[alg], NULL, NULL, pkey, use) == 1;
}

/* Signature of msg into a fresh OPENSSL_malloc buffer; 0 ok, -1 failure. */
static int pk_sign_nogil(int alg, const pjf_pkey *k, const unsigned char *msg, size_t n,
                         unsigned char **sig, size_t *siglen)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned char *buf = NULL;
    size_t len = 0;
    int ok = mctx != NULL && init_ctx(mctx, alg, k->pkey, 1)
             && EVP_DigestSign(mctx, NULL, &len, msg, n) == 1
             && (buf = OPENSSL_malloc(len ? len : 1)) != NULL
             && EVP_DigestSign(mctx, buf, &len, msg, n) == 1;
    EVP_MD_CTX_free(mctx);
    if (ok && alg >= PJF_ES256 && alg <= PJF_ES256K) {
        size_t half = (size_t)curve_bytes[k->curve];
        unsigned char *raw = OPENSSL_malloc(2 * half);
        ok = raw != NULL && der_to_raw(buf, len, half, raw) == 0;
        OPENSSL_free(buf);
        buf = raw;
        len = 2 * half;
    }
    if (!ok) {
        OPENSSL_free(buf);
        return -1;
    }
    *sig = buf;
    *siglen = len;
    return 0;
}

/* 1 valid, 0 invalid. */
static int pk_verify_nogil(int alg, const pjf_pkey *k, const unsigned char *msg, size_t n,
                           const unsigned char *sig, size_t siglen)
{
    unsigned char der[2 * 66 + 16];
    if (alg >= PJF_ES256 && alg <= PJF_ES256K) {
        size_t half = (size_t)curve_bytes[k->curve];
        if (siglen != 2 * half)
            return 0; /* refused before OpenSSL sees it */
        siglen = raw_to_der(sig, half, der);
        sig = der;
    }
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    int ok = mctx != NULL && init_ctx(mctx, alg, k->pkey, 0)
             && EVP_DigestVerify(mctx, sig, siglen, msg, n) == 1;
    EVP_MD_CTX_free(mctx);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Signatures made by cryptography's libcrypto                         */

/* Where the cryptography package links a newer OpenSSL release series than
 * this extension does, some signatures are much faster there (P-384 signing
 * about 3.6x with 4.0 against 3.0). The Python layer then registers a
 * delegate and the key classes it takes (pyjwt_fast.algorithms). */
static int delegated(const pjf_state *st, const pjf_pkey *k, int sign)
{
    int cls = 0;
    if (st->pk_delegate == NULL)
        return 0;
    if (k->type == PJF_KT_EC)
        cls = k->curve == PJF_CURVE_P384 ? PJF_PKD_P384 : k->curve == PJF_CURVE_P521 ? PJF_PKD_P521 : 0;
    else if (k->type == PJF_KT_ED25519)
        cls = PJF_PKD_ED25519;
    else if (k->type == PJF_KT_ED448)
        cls = PJF_PKD_ED448;
    return (st->pk_delegate_mask & (sign ? cls : cls << 8)) != 0;
}

/* pk_delegate(alg, key, msg[, sig]): new reference, or NULL with an exception. */
static PyObject *call_delegate(pjf_state *st, int alg, PyObject *key, const char *msg, Py_ssize_t n,
                               const char *sig, Py_ssize_t siglen)
{
    PyObject *a = PyLong_FromLong(alg), *m = PyBytes_FromStringAndSize(msg, n), *s = NULL, *r = NULL;
    if (a != NULL && m != NULL && (sig == NULL || (s = PyBytes_FromStringAndSize(sig, siglen)) != NULL)) {
        PyObject *args[4] = {a, key, m, s};
        /* The delegate is held for the call: _pk_set_delegate may replace it. */
        PyObject *fn = Py_NewRef(st->pk_delegate);
        r = PyObject_Vectorcall(fn, args, sig == NULL ? 3 : 4, NULL);
        Py_DECREF(fn);
    }
    Py_XDECREF(a);
    Py_XDECREF(m);
    Py_XDECREF(s);
    return r;
}

int pjf_pk_sign(pjf_state *st, int alg, PyObject *key, const pjf_pkey *k, const char *msg, Py_ssize_t n,
                pjf_buf *out)
{
    unsigned char *sig = NULL;
    size_t siglen = 0;
    int r;
    if (delegated(st, k, 1)) {
        PyObject *res = call_delegate(st, alg, key, msg, n, NULL, 0);
        if (res == NULL)
            return -1;
        r = PyBytes_Check(res) ? pjf_buf_put(out, PyBytes_AS_STRING(res), PyBytes_GET_SIZE(res))
                               : pjf_raise_int(PyExc_TypeError, "signature delegate returned no bytes");
        Py_DECREF(res);
        return r;
    }
    Py_BEGIN_ALLOW_THREADS
    r = pk_sign_nogil(alg, k, (const unsigned char *)msg, (size_t)n, &sig, &siglen);
    ERR_clear_error();
    Py_END_ALLOW_THREADS
    if (r < 0)
        return pjf_raise_int(PyExc_RuntimeError, "signing failed in OpenSSL");
    r = pjf_buf_put(out, sig, (Py_ssize_t)siglen);
    OPENSSL_free(sig);
    return r;
}

int pjf_pk_verify(pjf_state *st, int alg, PyObject *key, const pjf_pkey *k, const char *msg, Py_ssize_t n,
                  const char *sig, Py_ssize_t siglen)
{
    int r;
    if (delegated(st, k, 0)) {
        PyObject *res = call_delegate(st, alg, key, msg, n, sig, siglen);
        if (res == NULL)
            return -1;
        r = PyObject_IsTrue(res);
        Py_DECREF(res);
        return r;
    }
    Py_BEGIN_ALLOW_THREADS
    r = pk_verify_nogil(alg, k, (const unsigned char *)msg, (size_t)n, (const unsigned char *)sig, (size_t)siglen);
    ERR_clear_error();
    Py_END_ALLOW_THREADS
    return r;
}

/* ------------------------------------------------------------------ */
/* Which C algorithm an Algorithm object is                           */

int pjf_pk_alg_of(pjf_state *st, PyObject *alg_obj)
{
    PyObject *tp = (PyObject *)Py_TYPE(alg_obj);
    int base;
    if (tp == st->RSAAlgorithm_type)
        base = PJF_RS256;
    else if (tp == st->RSAPSSAlgorithm_type)
        base = PJF_PS256;
    else if (tp == st->ECAlgorithm_type)
        base = PJF_ES256;
    else if (tp == st->OKPAlgorithm_type)
        return PJF_EDDSA;
    else
        return -1;
    PyObject *h = PyObject_GetAttr(alg_obj, st->s_hash_alg);
    if (h == NULL) {
        PyErr_Clear();
        return -1;
    }
    int hidx = -1;
    for (int i = 0; i < 3; i++)
        if (h == st->pk_hashes[i])
            hidx = i;
    Py_DECREF(h);
    if (hidx < 0)
        return -1;
    if (base != PJF_ES256)
        return base + hidx;
    PyObject *c = PyObject_GetAttrString(alg_obj, "expected_curve");
    if (c == NULL) {
        PyErr_Clear();
        return -1;
    }
    int cidx = -1;
    for (int i = 0; i < 4; i++)
        if (c == st->pk_curves[i])
            cidx = i;
    Py_DECREF(c);
    /* ES256 P-256, ES384 P-384, ES512/ES521 P-521, ES256K secp256k1 */
    static const int es_for[4][3] = {
        {PJF_ES256, -1, -1}, {-1, PJF_ES384, -1}, {-1, -1, PJF_ES512}, {PJF_ES256K, -1, -1}};
    return cidx < 0 ? -1 : es_for[cidx][hidx];
}

/* Bytes of the DigestInfo a PKCS#1 v1.5 signature wraps a digest in. */
static const int digest_info_len[3] = {51, 67, 83};

int pjf_pk_key_fits(int alg, const pjf_pkey *k, int for_sign)
{
    if (for_sign && !k->is_private)
        return 0;
    /* RSA keys too small for the padding: cryptography's own error decides. */
    int mod_bytes = (k->bits + 7) / 8;
    if (alg <= PJF_RS512 && mod_bytes < digest_info_len[alg - PJF_RS256] + 11)
        return 0;
    if (alg >= PJF_PS256 && alg <= PJF_PS512 && mod_bytes < 2 * digest_size_of[alg] + 2)
        return 0;
    if (alg <= PJF_PS512)
        /* RSAAlgorithm.verify needs a public key object (PyJWT calls key.verify). */
        return k->type == PJF_KT_RSA && (for_sign || !k->is_private);
    if (alg <= PJF_ES256K)
        return k->type == PJF_KT_EC && k->curve == curve_of_es[alg - PJF_ES256];
    return (k->type == PJF_KT_ED25519 || k->type == PJF_KT_ED448) && !k->not_utf8;
}

int pjf_pk_check_key_length(pjf_state *st, int alg, const pjf_pkey *k, int enforce)
{
    if (alg > PJF_PS512 || k->bits >= 2048)
        return 0;
    PyObject *msg = PyUnicode_FromFormat(
        "The RSA key is %d bits long, which is below the minimum recommended size of 2048 bits. "
        "See NIST SP 800-131A.", k->bits);
    return pjf_key_length_problem(st, msg, enforce);
}

/* ------------------------------------------------------------------ */
/* Python-facing functions (the algorithms without cryptography)      */

static PyObject *py_pk_cache_size(PyObject *module, PyObject *unused)
{
    (void)unused;
    pjf_state *st = pjf_get_state(module);
    int n = 0;
    if (st->pk_cache != NULL)
        for (int i = 0; i < PK_CACHE_SLOTS; i++)
            n += st->pk_cache->slot[i].data != NULL;
    return PyLong_FromLong(n);
}

/* The algorithm index and the parsed key of pk_sign / pk_verify's
 * arguments: 0, 1 when the C code does not take the key, -1 on error. */
static int pk_args(pjf_state *st, PyObject *alg_obj, PyObject *key, int *alg, pjf_pkey *k)
{
    long a = PyLong_AsLong(alg_obj);
    if (a == -1 && PyErr_Occurred())
        return -1;
    if (a < 0 || a > PJF_EDDSA)
        return pjf_raise_int(PyExc_ValueError, "unknown algorithm");
    *alg = (int)a;
    return pjf_pkey_get(st, key, k);
}

/* pk_sign(alg, key, msg) -> bytes | None (None: key not taken by C). */
static PyObject *py_pk_sign(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 3 || !PyBytes_Check(args[2]))
        return pjf_raise(PyExc_TypeError, "pk_sign(alg, key, msg: bytes)");
    int alg;
    pjf_pkey k;
    int r = pk_args(st, args[0], args[1], &alg, &k);
    if (r < 0)
        return NULL;
    if (r == 1 || !pjf_pk_key_fits(alg, &k, 1)) {
        pjf_pkey_release(&k);
        Py_RETURN_NONE;
    }
    pjf_buf out;
    pjf_buf_init(&out);
    PyObject *res = NULL;
    if (pjf_pk_sign(st, alg, args[1], &k, PyBytes_AS_STRING(args[2]), PyBytes_GET_SIZE(args[2]), &out) == 0)
        res = PyBytes_FromStringAndSize(out.data, out.len);
    pjf_buf_free(&out);
    pjf_pkey_release(&k);
    return res;
}

/* pk_verify(alg, key, msg, sig) -> bool | None */
static PyObject *py_pk_verify(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 4 || !PyBytes_Check(args[2]) || !PyBytes_Check(args[3]))
        return pjf_raise(PyExc_TypeError, "pk_verify(alg, key, msg: bytes, sig: bytes)");
    int alg;
    pjf_pkey k;
    int r = pk_args(st, args[0], args[1], &alg, &k);
    if (r < 0)
        return NULL;
    /* Verification with the public half works for EC and Ed keys. */
    int fits = r == 0 && (pjf_pk_key_fits(alg, &k, 0) || (alg <= PJF_PS512 && k.type == PJF_KT_RSA));
    if (!fits) {
        pjf_pkey_release(&k);
        Py_RETURN_NONE;
    }
    r = pjf_pk_verify(st, alg, args[1], &k, PyBytes_AS_STRING(args[2]), PyBytes_GET_SIZE(args[2]),
                      PyBytes_AS_STRING(args[3]), PyBytes_GET_SIZE(args[3]));
    pjf_pkey_release(&k);
    return r < 0 ? NULL : PyBool_FromLong(r == 1);
}

/* pk_info(key) -> (type, curve, is_private, bits) | None */
static PyObject *py_pk_info(PyObject *module, PyObject *key)
{
    pjf_state *st = pjf_get_state(module);
    pjf_pkey k;
    int r = pjf_pkey_get(st, key, &k);
    if (r < 0)
        return NULL;
    if (r == 1)
        Py_RETURN_NONE;
    PyObject *t = Py_BuildValue("(iiii)", k.type, k.curve, k.is_private, k.bits);
    pjf_pkey_release(&k);
    return t;
}

/* _pk_set_delegate(fn | None, mask): which signatures go to fn (see delegated). */
static PyObject *py_pk_set_delegate(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 2 || (args[0] != Py_None && !PyCallable_Check(args[0])))
        return pjf_raise(PyExc_TypeError, "_pk_set_delegate(fn or None, mask: int)");
    long mask = PyLong_AsLong(args[1]);
    if (mask == -1 && PyErr_Occurred())
        return NULL;
    if (mask < 0 || mask > 0xffff)
        return pjf_raise(PyExc_ValueError, "mask out of range");
    Py_XSETREF(st->pk_delegate, args[0] == Py_None ? NULL : Py_NewRef(args[0]));
    st->pk_delegate_mask = st->pk_delegate == NULL ? 0 : (int)mask;
    Py_RETURN_NONE;
}

PyMethodDef pjf_pkey_methods[] = {
    {"pk_sign", (PyCFunction)(void (*)(void))py_pk_sign, METH_FASTCALL,
     "Signature with a key the C code parses, or None."},
    {"pk_verify", (PyCFunction)(void (*)(void))py_pk_verify, METH_FASTCALL,
     "Signature check with a key the C code parses, or None."},
    {"pk_info", py_pk_info, METH_O, "(type, curve, is_private, bits) of a key, or None."},
    {"_pk_set_delegate", (PyCFunction)(void (*)(void))py_pk_set_delegate, METH_FASTCALL,
     "Route the signatures of some key classes to a Python callable."},
    {"_pk_cache_size", py_pk_cache_size, METH_NOARGS, "Number of cached public-key entries."},
    {NULL, NULL, 0, NULL},
};
