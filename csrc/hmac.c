/* HS256/384/512: HMAC (RFC 2104) over OpenSSL digests, with the keyed inner
 * and outer digest states cached per key, and HMACAlgorithm.prepare_key's
 * refusal of asymmetric keys and JWKs, cached by the key's bytes. */
#include "pjf.h"

#include <openssl/crypto.h>
#include <openssl/x509.h>

/* Keys longer than this are used but not cached (the cache stays small). */
#define CACHE_MAX_KEY 4096
#define CACHE_SLOTS 32

enum { KEY_UNKNOWN = -2, KEY_OK = 0, KEY_ASYMMETRIC = 1, KEY_JWK = 2 };

static const char MSG_ASYMMETRIC[] =
    "The specified key is an asymmetric key or x509 certificate and"
    " should not be used as an HMAC secret.";
static const char MSG_JWK[] =
    "The specified key looks like a JWK and should not be "
    "used directly as an HMAC secret. Load it via "
    "PyJWK / HMACAlgorithm.from_jwk first.";

typedef struct {
    unsigned char *key; /* owned copy, cleansed on eviction */
    size_t keylen;
    uint64_t hash;
    uint64_t stamp;     /* last use, for LRU eviction */
    int verdict;        /* KEY_*; KEY_UNKNOWN until prepare_key asks */
    EVP_MD_CTX *inner[3];
    EVP_MD_CTX *outer[3];
} cache_entry;

struct pjf_hmac_cache {
    cache_entry slot[CACHE_SLOTS];
    uint64_t clock;
};

static const int digest_len[3] = {32, 48, 64};
static const int block_len[3] = {64, 128, 128};
static const char *const digest_name[3] = {"SHA256", "SHA384", "SHA512"};

static void entry_clear(cache_entry *e)
{
    for (int i = 0; i < 3; i++) {
        EVP_MD_CTX_free(e->inner[i]);
        EVP_MD_CTX_free(e->outer[i]);
        e->inner[i] = e->outer[i] = NULL;
    }
    if (e->key != NULL) {
        OPENSSL_cleanse(e->key, e->keylen);
        PyMem_Free(e->key);
    }
    e->key = NULL;
    e->keylen = 0;
    e->stamp = 0;
}

void pjf_hmac_cache_free(struct pjf_hmac_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        entry_clear(&c->slot[i]);
    PyMem_Free(c);
}

static struct pjf_hmac_cache *get_cache(pjf_state *st)
{
    if (st->hmac_cache == NULL) {
        st->hmac_cache = PyMem_Calloc(1, sizeof(struct pjf_hmac_cache));
        if (st->hmac_cache == NULL)
            PyErr_NoMemory();
    }
    return st->hmac_cache;
}

static cache_entry *cache_find(struct pjf_hmac_cache *c, const unsigned char *key, size_t n, uint64_t h)
{
    for (int i = 0; i < CACHE_SLOTS; i++) {
        cache_entry *e = &c->slot[i];
        if (e->key != NULL && e->hash == h && e->keylen == n && memcmp(e->key, key, n) == 0) {
            e->stamp = ++c->clock;
            return e;
        }
    }
    return NULL;
}

/* Takes the empty or least recently used slot; NULL with MemoryError. */
static cache_entry *cache_insert(struct pjf_hmac_cache *c, const unsigned char *key, size_t n,
                                 uint64_t h, int verdict)
{
    cache_entry *victim = &c->slot[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (c->slot[i].key == NULL) {
            victim = &c->slot[i];
            break;
        }
        if (c->slot[i].stamp < victim->stamp)
            victim = &c->slot[i];
    }
    entry_clear(victim);
    victim->key = PyMem_Malloc(n ? n : 1);
    if (victim->key == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(victim->key, key, n);
    victim->keylen = n;
    victim->hash = h;
    victim->verdict = verdict;
    victim->stamp = ++c->clock;
    return victim;
}

/* ------------------------------------------------------------------ */
/* The key guard                                                      */

/* PEM labels PyJWT's is_pem_format recognises. */
static const char *const pem_labels[] = {
    "CERTIFICATE", "TRUSTED CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY",
    "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY",
    "RSA PRIVATE KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY", "DH PARAMETERS",
    "NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST", "SSH2 PUBLIC KEY",
    "SSH2 ENCRYPTED PRIVATE KEY", "X509 CRL",
};
#define N_PEM_LABELS ((int)(sizeof(pem_labels) / sizeof(pem_labels[0])))

/* Matches "----[- ](BEGIN|END) LABEL[- ]----" at p. Returns the label index
 * and sets *is_begin and *mlen, or -1. */
static int pem_marker_at(const char *p, size_t avail, int *is_begin, size_t *mlen)
{
    if (avail < 4 + 1 + 4 || memcmp(p, "----", 4) != 0 || (p[4] != '-' && p[4] != ' '))
        return -1;
    size_t off = 5;
    if (avail - off >= 6 && memcmp(p + off, "BEGIN ", 6) == 0) {
        *is_begin = 1;
        off += 6;
    }
    else if (avail - off >= 4 && memcmp(p + off, "END ", 4) == 0) {
        *is_begin = 0;
        off += 4;
    }
    else
        return -1;
    for (int i = 0; i < N_PEM_LABELS; i++) {
        size_t l = strlen(pem_labels[i]);
        if (avail - off >= l + 5 && memcmp(p + off, pem_labels[i], l) == 0
            && (p[off + l] == '-' || p[off + l] == ' ') && memcmp(p + off + l + 1, "----", 4) == 0) {
            *mlen = off + l + 5;
            return i;
        }
    }
    return -1;
}

/* is_pem_format: an END marker after (and not overlapping) the latest BEGIN
 * marker with the same label. */
static int is_pem(const char *k, size_t n)
{
    long long begin_end[N_PEM_LABELS];
    for (int i = 0; i < N_PEM_LABELS; i++)
        begin_end[i] = -1;
    const char *p = k, *end = k + n;
    while ((p = memchr(p, '-', (size_t)(end - p))) != NULL) {
        int is_begin;
        size_t mlen;
        int label = pem_marker_at(p, (size_t)(end - p), &is_begin, &mlen);
        if (label >= 0) {
            long long pos = (long long)(p - k);
            if (is_begin)
                begin_end[label] = pos + (long long)mlen;
            else if (begin_end[label] >= 0 && begin_end[label] < pos)
                return 1;
        }
        p++;
    }
    return 0;
}

static int is_ssh(const char *k, size_t n)
{
    static const char *const prefixes[] = {
        "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t l = strlen(prefixes[i]);
        if (n >= l && memcmp(k, prefixes[i], l) == 0)
            return 1;
    }
    return 0;
}

/* A DER SubjectPublicKeyInfo, PKCS#1 RSAPublicKey or X.509 certificate that
 * fills the whole key. */
static int is_der(const char *k, size_t n)
{
    int found = 0;
    if (n == 0 || n > LONG_MAX || (unsigned char)k[0] != 0x30)
        return 0;
    const unsigned char *p = (const unsigned char *)k;
    EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)n);
    if (pk != NULL) {
        found = (p == (const unsigned char *)k + n);
        EVP_PKEY_free(pk);
    }
    if (!found) {
        p = (const unsigned char *)k;
        pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n);
        if (pk != NULL) {
            found = (p == (const unsigned char *)k + n);
            EVP_PKEY_free(pk);
        }
    }
    if (!found) {
        p = (const unsigned char *)k;
        X509 *x = d2i_X509(NULL, &p, (long)n);
        if (x != NULL) {
            found = (p == (const unsigned char *)k + n);
            X509_free(x);
        }
    }
    pjf_clear_openssl_errors();
    return found;
}

/* Whether json.loads could see a JSON object or array in the key: only then
 * can it hold a "kty" member, and only then does PyJWT's test say yes. */
static int may_be_json_container(const char *k, size_t n)
{
    const unsigned char *p = (const unsigned char *)k;
    if (n >= 2 && (p[0] == 0 || p[1] == 0))
        return 1; /* UTF-16/32: let the exact test decide */
    size_t i = 0;
    if (n >= 2 && (p[0] >= 0x80))
        return 1; /* BOMs and other encodings */
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && (p[i] == '{' || p[i] == '[');
}

/* 0 ok / KEY_* verdict, or -1 with an exception. */
static int key_verdict(pjf_state *st, const char *k, size_t n)
{
    if (is_pem(k, n) || is_ssh(k, n) || is_der(k, n))
        return KEY_ASYMMETRIC;
    if (may_be_json_container(k, n)) {
        PyObject *b = PyBytes_FromStringAndSize(k, (Py_ssize_t)n);
        if (b == NULL)
            return -1;
        PyObject *r = PyObject_CallOneArg(st->jwk_shaped, b);
        Py_DECREF(b);
        if (r == NULL)
            return -1;
        int t = PyObject_IsTrue(r);
        Py_DECREF(r);
        if (t < 0)
            return -1;
        if (t)
            return KEY_JWK;
    }
    return KEY_OK;
}

/* The bytes of an HMAC key (str as UTF-8) and the hash the cache filters
 * on: the object's own cached hash, a function of its content; entries are
 * then compared byte for byte. 0, or -1 with PyJWT's exception. */
static int key_view(pjf_state *st, PyObject *key, const char **data, Py_ssize_t *len, uint64_t *h)
{
    if (PyUnicode_Check(key)) {
        *data = PyUnicode_AsUTF8AndSize(key, len);
        if (*data == NULL)
            return -1;
    }
    else if (PyBytes_Check(key)) {
        *data = PyBytes_AS_STRING(key);
        *len = PyBytes_GET_SIZE(key);
    }
    else {
        return pjf_raise_int(PyExc_TypeError, "Expected a string or bytes value");
    }
    if (*len == 0)
        return pjf_raise_int(st->InvalidKeyError, "HMAC key must not be empty.");
    Py_hash_t ph = (PyBytes_CheckExact(key) || PyUnicode_CheckExact(key)) ? PyObject_Hash(key) : 0;
    if (ph == -1)
        return -1;
    *h = (uint64_t)ph ^ ((uint64_t)*len << 1) ^ (uint64_t)PyUnicode_Check(key);
    return 0;
}

/* The cache entry of a key whose verdict is known, or NULL: with an
 * exception on error, without one when the key is too long to cache (its
 * verdict is then in *verdict). Holds no entry pointer across Python code:
 * the JWK test may run Python, which may use (and evict) the cache. */
static cache_entry *lookup_key(pjf_state *st, const char *k, size_t n, uint64_t h, int *verdict)
{
    struct pjf_hmac_cache *c = NULL;
    if (n <= CACHE_MAX_KEY) {
        c = get_cache(st);
        if (c == NULL)
            return NULL;
        cache_entry *e = cache_find(c, (const unsigned char *)k, n, h);
        if (e != NULL && e->verdict != KEY_UNKNOWN) {
            *verdict = e->verdict;
            return e;
        }
    }
    int v = key_verdict(st, k, n);
    if (v < 0)
        return NULL;
    *verdict = v;
    if (c == NULL)
        return NULL;
    cache_entry *e = cache_find(c, (const unsigned char *)k, n, h);
    if (e == NULL)
        return cache_insert(c, (const unsigned char *)k, n, h, v);
    e->verdict = v;
    return e;
}

static int refuse(pjf_state *st, int verdict)
{
    if (verdict == KEY_ASYMMETRIC)
        return pjf_raise_int(st->InvalidKeyError, MSG_ASYMMETRIC);
    if (verdict == KEY_JWK)
        return pjf_raise_int(st->InvalidKeyError, MSG_JWK);
    return 0;
}

int pjf_hmac_prepare_key(pjf_state *st, PyObject *key, PyObject **owner,
                         const char **data, Py_ssize_t *len)
{
    uint64_t h;
    int verdict = KEY_OK;
    *owner = NULL;
    if (key_view(st, key, data, len, &h) < 0)
        return -1;
    if (lookup_key(st, *data, (size_t)*len, h, &verdict) == NULL && PyErr_Occurred())
        return -1;
    if (refuse(st, verdict) < 0)
        return -1;
    *owner = Py_NewRef(key);
    return 0;
}

int pjf_hmac_check_key_length(pjf_state *st, int hidx, Py_ssize_t keylen, int enforce)
{
    if (keylen >= digest_len[hidx])
        return 0;
    PyObject *msg = PyUnicode_FromFormat(
        "The HMAC key is %zd bytes long, which is below the minimum recommended "
        "length of %d bytes for %s. See RFC 7518 Section 3.2.",
        keylen, digest_len[hidx], digest_name[hidx]);
    return pjf_key_length_problem(st, msg, enforce);
}

int pjf_hmac_hash_index(pjf_state *st, PyObject *alg_obj)
{
    PyObject *h = PyObject_GetAttr(alg_obj, st->s_hash_alg);
    if (h == NULL) {
        PyErr_Clear();
        return -1;
    }
    int idx = -1;
    for (int i = 0; i < 3; i++)
        if (h == st->hash_funcs[i])
            idx = i;
    Py_DECREF(h);
    return idx;
}

/* Builds the keyed states H(K0 ^ ipad) and H(K0 ^ opad). */
static int make_states(pjf_state *st, int hidx, const unsigned char *key, size_t keylen,
                       EVP_MD_CTX **inner, EVP_MD_CTX **outer)
{
    unsigned char k0[128], pad[128];
    int bl = block_len[hidx];
    memset(k0, 0, sizeof(k0));
    if (keylen > (size_t)bl) {
        unsigned int dl = 0;
        if (!EVP_Digest(key, keylen, k0, &dl, st->md[hidx], NULL))
            goto fail;
    }
    else {
        memcpy(k0, key, keylen);
    }
    *inner = EVP_MD_CTX_new();
    *outer = EVP_MD_CTX_new();
    if (*inner == NULL || *outer == NULL)
        goto fail;
    for (int i = 0; i < bl; i++)
        pad[i] = k0[i] ^ 0x36;
    if (!EVP_DigestInit_ex2(*inner, st->md[hidx], NULL) || !EVP_DigestUpdate(*inner, pad, (size_t)bl))
        goto fail;
    for (int i = 0; i < bl; i++)
        pad[i] = k0[i] ^ 0x5c;
    if (!EVP_DigestInit_ex2(*outer, st->md[hidx], NULL) || !EVP_DigestUpdate(*outer, pad, (size_t)bl))
        goto fail;
    OPENSSL_cleanse(k0, sizeof(k0));
    OPENSSL_cleanse(pad, sizeof(pad));
    return 0;
fail:
    OPENSSL_cleanse(k0, sizeof(k0));
    OPENSSL_cleanse(pad, sizeof(pad));
    EVP_MD_CTX_free(*inner);
    EVP_MD_CTX_free(*outer);
    *inner = *outer = NULL;
    pjf_clear_openssl_errors();
    PyErr_SetString(PyExc_RuntimeError, "HMAC setup failed in OpenSSL");
    return -1;
}

static int mac_with_states(pjf_state *st, int hidx, EVP_MD_CTX *inner, EVP_MD_CTX *outer,
                           const char *msg, Py_ssize_t msglen, unsigned char *out)
{
    unsigned char ih[64];
    unsigned int il = 0, ol = 0;
    EVP_MD_CTX *w = st->work;
    if (!EVP_MD_CTX_copy_ex(w, inner) || !EVP_DigestUpdate(w, msg, (size_t)msglen)
        || !EVP_DigestFinal_ex(w, ih, &il) || !EVP_MD_CTX_copy_ex(w, outer)
        || !EVP_DigestUpdate(w, ih, il) || !EVP_DigestFinal_ex(w, out, &ol)) {
        pjf_clear_openssl_errors();
        PyErr_SetString(PyExc_RuntimeError, "HMAC computation failed in OpenSSL");
        return -1;
    }
    (void)hidx;
    return (int)ol;
}

/* The MAC with a cached entry's states (made on first use). */
static int mac_entry(pjf_state *st, int hidx, cache_entry *e, const char *msg, Py_ssize_t msglen,
                     unsigned char *out)
{
    if (e->inner[hidx] == NULL
        && make_states(st, hidx, e->key, e->keylen, &e->inner[hidx], &e->outer[hidx]) < 0)
        return -1;
    return mac_with_states(st, hidx, e->inner[hidx], e->outer[hidx], msg, msglen, out);
}

static int mac_uncached(pjf_state *st, int hidx, const char *key, Py_ssize_t keylen,
                        const char *msg, Py_ssize_t msglen, unsigned char *out)
{
    EVP_MD_CTX *inner = NULL, *outer = NULL;
    if (make_states(st, hidx, (const unsigned char *)key, (size_t)keylen, &inner, &outer) < 0)
        return -1;
    int r = mac_with_states(st, hidx, inner, outer, msg, msglen, out);
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
    return r;
}

int pjf_hmac_key_mac(pjf_state *st, int hidx, PyObject *key, const char *msg, Py_ssize_t msglen,
                     unsigned char *out, Py_ssize_t *keylen)
{
    const char *k;
    uint64_t h;
    int verdict = KEY_OK;
    if (key_view(st, key, &k, keylen, &h) < 0)
        return -1;
    cache_entry *e = lookup_key(st, k, (size_t)*keylen, h, &verdict);
    if (e == NULL && PyErr_Occurred())
        return -1;
    if (refuse(st, verdict) < 0)
        return -1;
    /* No Python code runs between the lookup and the use of e. */
    if (e != NULL)
        return mac_entry(st, hidx, e, msg, msglen, out);
    return mac_uncached(st, hidx, k, *keylen, msg, msglen, out);
}

/* MAC under a bytes key given to sign()/verify() directly: no key checks. */
static int mac_bytes_key(pjf_state *st, int hidx, PyObject *key, const char *msg, Py_ssize_t msglen,
                         unsigned char *out)
{
    const char *k = PyBytes_AS_STRING(key);
    Py_ssize_t n = PyBytes_GET_SIZE(key);
    if (n > 0 && (size_t)n <= CACHE_MAX_KEY) {
        struct pjf_hmac_cache *c = get_cache(st);
        if (c == NULL)
            return -1;
        Py_hash_t ph = PyBytes_CheckExact(key) ? PyObject_Hash(key) : 0;
        if (ph == -1)
            return -1;
        uint64_t h = (uint64_t)ph ^ ((uint64_t)n << 1);
        cache_entry *e = cache_find(c, (const unsigned char *)k, (size_t)n, h);
        if (e == NULL)
            e = cache_insert(c, (const unsigned char *)k, (size_t)n, h, KEY_UNKNOWN);
        if (e == NULL)
            return -1;
        return mac_entry(st, hidx, e, msg, msglen, out);
    }
    return mac_uncached(st, hidx, k, n, msg, msglen, out);
}

/* ------------------------------------------------------------------ */
/* Python-facing functions (used by HMACAlgorithm)                    */

static int parse_hidx(PyObject *o, int *hidx)
{
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < 0 || v > 2) {
        PyErr_SetString(PyExc_ValueError, "digest index must be 0, 1 or 2");
        return -1;
    }
    *hidx = (int)v;
    return 0;
}

/* hmac_prepare_key(key) -> bytes */
static PyObject *py_hmac_prepare_key(PyObject *module, PyObject *key)
{
    pjf_state *st = pjf_get_state(module);
    PyObject *owner;
    const char *data;
    Py_ssize_t len;
    if (pjf_check_ready(st) < 0 || pjf_hmac_prepare_key(st, key, &owner, &data, &len) < 0)
        return NULL;
    PyObject *r;
    if (PyBytes_Check(owner))
        r = Py_NewRef(owner);
    else
        r = PyBytes_FromStringAndSize(data, len);
    Py_DECREF(owner);
    return r;
}

/* hmac_digest(hidx, key: bytes, msg: bytes) -> bytes */
static PyObject *py_hmac_digest(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    int hidx;
    unsigned char mac[64];
    if (nargs != 3 || !PyBytes_Check(args[1]) || !PyBytes_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "hmac_digest(index, key: bytes, msg: bytes)");
        return NULL;
    }
    if (pjf_check_ready(st) < 0 || parse_hidx(args[0], &hidx) < 0)
        return NULL;
    int n = mac_bytes_key(st, hidx, args[1], PyBytes_AS_STRING(args[2]), PyBytes_GET_SIZE(args[2]), mac);
    if (n < 0)
        return NULL;
    PyObject *r = PyBytes_FromStringAndSize((const char *)mac, n);
    OPENSSL_cleanse(mac, sizeof(mac));
    return r;
}

/* hmac_verify(hidx, key: bytes, msg: bytes, sig: bytes) -> bool, constant time. */
static PyObject *py_hmac_verify(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    int hidx;
    unsigned char mac[64];
    if (nargs != 4 || !PyBytes_Check(args[1]) || !PyBytes_Check(args[2]) || !PyBytes_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "hmac_verify(index, key: bytes, msg: bytes, sig: bytes)");
        return NULL;
    }
    if (pjf_check_ready(st) < 0 || parse_hidx(args[0], &hidx) < 0)
        return NULL;
    int n = mac_bytes_key(st, hidx, args[1], PyBytes_AS_STRING(args[2]), PyBytes_GET_SIZE(args[2]), mac);
    if (n < 0)
        return NULL;
    int ok = PyBytes_GET_SIZE(args[3]) == n
             && CRYPTO_memcmp(mac, PyBytes_AS_STRING(args[3]), (size_t)n) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    return PyBool_FromLong(ok);
}

/* hmac_check_key_length(hidx, key: bytes) -> str | None */
static PyObject *py_hmac_key_length_msg(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    int hidx;
    if (nargs != 2 || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "hmac_key_length_message(index, key: bytes)");
        return NULL;
    }
    if (parse_hidx(args[0], &hidx) < 0)
        return NULL;
    Py_ssize_t n = PyBytes_GET_SIZE(args[1]);
    if (n >= digest_len[hidx])
        Py_RETURN_NONE;
    return PyUnicode_FromFormat(
        "The HMAC key is %zd bytes long, which is below the minimum recommended "
        "length of %d bytes for %s. See RFC 7518 Section 3.2.",
        n, digest_len[hidx], digest_name[hidx]);
}

/* _hmac_cache_size() -> number of cached keys (tests of the bound). */
static PyObject *py_hmac_cache_size(PyObject *module, PyObject *unused)
{
    (void)unused;
    pjf_state *st = pjf_get_state(module);
    int n = 0;
    if (st->hmac_cache != NULL)
        for (int i = 0; i < CACHE_SLOTS; i++)
            n += st->hmac_cache->slot[i].key != NULL;
    return PyLong_FromLong(n);
}

static PyObject *py_is_pem_format(PyObject *module, PyObject *arg)
{
    (void)module;
    if (!PyBytes_Check(arg))
        return pjf_raise(PyExc_TypeError, "expected bytes");
    return PyBool_FromLong(is_pem(PyBytes_AS_STRING(arg), (size_t)PyBytes_GET_SIZE(arg)));
}

static PyObject *py_is_ssh_key(PyObject *module, PyObject *arg)
{
    (void)module;
    if (!PyBytes_Check(arg))
        return pjf_raise(PyExc_TypeError, "expected bytes");
    return PyBool_FromLong(is_ssh(PyBytes_AS_STRING(arg), (size_t)PyBytes_GET_SIZE(arg)));
}

PyMethodDef pjf_hmac_methods[] = {
    {"is_pem_format", py_is_pem_format, METH_O, "utils.is_pem_format."},
    {"is_ssh_key", py_is_ssh_key, METH_O, "utils.is_ssh_key."},
    {"hmac_prepare_key", py_hmac_prepare_key, METH_O, "HMACAlgorithm.prepare_key."},
    {"hmac_digest", (PyCFunction)(void (*)(void))py_hmac_digest, METH_FASTCALL, "HMAC of msg."},
    {"hmac_verify", (PyCFunction)(void (*)(void))py_hmac_verify, METH_FASTCALL,
     "Constant-time HMAC check."},
    {"hmac_key_length_message", (PyCFunction)(void (*)(void))py_hmac_key_length_msg, METH_FASTCALL,
     "HMACAlgorithm.check_key_length."},
    {"_hmac_cache_size", py_hmac_cache_size, METH_NOARGS, "Number of cached HMAC keys."},
    {NULL, NULL, 0, NULL},
};
