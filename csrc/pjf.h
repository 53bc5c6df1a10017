/* Internal interfaces shared by the files of pyjwt_fast._native. */
#ifndef PJF_PJF_H
#define PJF_PJF_H

#include "common.h"

#include <openssl/evp.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Output buffer: inline storage first, heap once it outgrows it.      */

typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
    char small[512];
} pjf_buf;

static inline void pjf_buf_init(pjf_buf *b)
{
    b->data = b->small;
    b->len = 0;
    b->cap = (Py_ssize_t)sizeof(b->small);
}

static inline void pjf_buf_free(pjf_buf *b)
{
    if (b->data != b->small)
        PyMem_Free(b->data);
    pjf_buf_init(b);
}

/* Makes room for `extra` more bytes; -1 with MemoryError set on failure. */
int pjf_buf_grow(pjf_buf *b, Py_ssize_t extra);

static inline int pjf_buf_reserve(pjf_buf *b, Py_ssize_t extra)
{
    return PJF_LIKELY(b->cap - b->len >= extra) ? 0 : pjf_buf_grow(b, extra);
}

static inline int pjf_buf_put(pjf_buf *b, const void *p, Py_ssize_t n)
{
    if (pjf_buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, p, (size_t)n);
    b->len += n;
    return 0;
}

static inline int pjf_buf_putc(pjf_buf *b, char c)
{
    if (pjf_buf_reserve(b, 1) < 0)
        return -1;
    b->data[b->len++] = c;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Limits on untrusted input (documented in docs/compat.md).           */

/* Largest token decode() takes, in bytes; larger ones are DecodeError. */
#define PJF_MAX_TOKEN_LEN (16 * 1024 * 1024)
/* JSON nesting depth decode() takes; deeper documents are refused with the
 * RecursionError json.loads raises at its own (stack-dependent) limit, which
 * PyJWT turns into DecodeError. */
#define PJF_JSON_MAX_DEPTH 256
/* Nesting depth the C JSON encoder handles itself; deeper goes to json.dumps. */
#define PJF_JSON_ENC_MAX_DEPTH 256

/* Verified-header cache: slots, and the longest header segment kept. */
#define PJF_HCACHE_SLOTS 8
#define PJF_HCACHE_SEG 256
#define PJF_EHCACHE_SLOTS 8
#define PJF_EHCACHE_STR 32
#define PJF_EHCACHE_SEG 160   /* longer segments (strings with many escapes) are not kept */

/* ------------------------------------------------------------------ */
/* JSON (json_enc.c, json_dec.c)                                      */

/* Appends to out the text json.dumps(obj, separators=(",", ":"),
 * sort_keys=sort_keys) produces (ensure_ascii, allow_nan, as the json module
 * defaults). Returns 0 on success; PJF_DEFER, with no exception set, when obj
 * holds anything this encoder leaves to the json module (types other than
 * dict/list/tuple/str/int/float/bool/None, subclasses whose behaviour could
 * differ, cycles or depth beyond PJF_JSON_ENC_MAX_DEPTH, ints json would
 * refuse, sort_keys over keys that are not all str); -1 with an exception set
 * on memory errors. After PJF_DEFER or -1 out->len is unspecified. */
int pjf_json_encode(pjf_buf *out, PyObject *obj, int sort_keys);

/* Parses the UTF-8 JSON text s[0:n]. Returns 0 and a new reference in
 * *result when the text is valid JSON that this decoder takes, giving a
 * value equal to json.loads(bytes(s[0:n])); PJF_DEFER, with no exception
 * set, for anything else (invalid JSON, invalid UTF-8 or encoded surrogates,
 * a BOM or another encoding, integers the
 * int() limit refuses), and the caller then asks json.loads, which gives the
 * exact value or error; -1 with an exception set on memory errors. */
/* Member names seen in earlier documents (short ASCII ones without
 * escapes), shared across calls: interned, so claim lookups by the module's
 * interned names hit by identity and no name is built or hashed twice. */
#define PJF_KEYCACHE_SLOTS 64
#define PJF_KEYCACHE_MAXLEN 24
typedef struct {
    struct {
        Py_ssize_t len;
        char bytes[PJF_KEYCACHE_MAXLEN];
        PyObject *str;
    } slot[PJF_KEYCACHE_SLOTS];
} pjf_keycache;

/* kc may be NULL. */
int pjf_json_decode(const char *s, Py_ssize_t n, PyObject **result, pjf_keycache *kc);
/* pjf_json_decode's answer, with no exception set, when the text is valid
 * up to an array / object that would nest deeper than PJF_JSON_MAX_DEPTH. */
#define PJF_JSON_TOO_DEEP_ARRAY 2
#define PJF_JSON_TOO_DEEP_OBJECT 3

/* ------------------------------------------------------------------ */
/* Module state (module.c)                                            */

struct pjf_hmac_cache;
struct pjf_pk_cache;

typedef struct {
    /* Exception and warning classes of pyjwt_fast.exceptions / .warnings. */
    PyObject *PyJWTError;
    PyObject *InvalidTokenError;
    PyObject *DecodeError;
    PyObject *InvalidSignatureError;
    PyObject *ExpiredSignatureError;
    PyObject *InvalidAudienceError;
    PyObject *InvalidIssuerError;
    PyObject *InvalidIssuedAtError;
    PyObject *ImmatureSignatureError;
    PyObject *InvalidKeyError;
    PyObject *InvalidAlgorithmError;
    PyObject *MissingRequiredClaimError;
    PyObject *InvalidSubjectError;
    PyObject *InvalidJTIError;
    PyObject *InsecureKeyLengthWarning;

    /* Classes and objects of the Python layer, handed over by _setup(). */
    PyObject *PyJWT_type;
    PyObject *PyJWS_type;
    PyObject *HMACAlgorithm_type;
    PyObject *NoneAlgorithm_type;
    PyObject *algorithm_unset;    /* the "algorithm not given" sentinel */
    PyObject *hash_funcs[3];      /* hashlib.sha256, sha384, sha512 */
    PyObject *json_loads;         /* json.loads */
    PyObject *json_dumps;         /* json.dumps */
    PyObject *JSONEncoder;        /* json.JSONEncoder */
    PyObject *datetime_type;      /* datetime.datetime */
    PyObject *timedelta_type;     /* datetime.timedelta */
    PyObject *Iterable;           /* collections.abc.Iterable */
    PyObject *timegm_utc;         /* callable: datetime -> int, as PyJWT converts */
    PyObject *jwk_shaped;         /* callable: bytes -> bool, PyJWT's JWK test */
    PyObject *default_options;    /* PyJWT's default options dict */
    PyObject *RSAAlgorithm_type;
    PyObject *RSAPSSAlgorithm_type;
    PyObject *ECAlgorithm_type;
    PyObject *OKPAlgorithm_type;
    PyObject *pk_hashes[3];       /* the hash_alg values of RSA/EC algorithms */
    PyObject *pk_curves[4];       /* expected_curve values: P-256, P-384, P-521, secp256k1 */
    PyObject *key_der;            /* callable: key object -> DER bytes | None */
    PyObject *PyJWK_type;
    int der_keys;                 /* DER key bytes accepted (no cryptography) */
    PyObject *pk_delegate;        /* callable (alg, key, msg[, sig]) or NULL: signatures
                                   * made by cryptography's libcrypto (pk_delegate_mask) */
    int pk_delegate_mask;         /* PJF_PKD_* bits: sign; the same << 8: verify */
    int ready;

    /* Interned strings. */
    PyObject *s_alg, *s_typ, *s_kid, *s_crit, *s_b64;
    PyObject *s_exp, *s_iat, *s_nbf, *s_iss, *s_aud, *s_sub, *s_jti;
    PyObject *s_payload, *s_header, *s_signature;
    PyObject *s_options, *s_jws, *s_algorithms, *s_header_typ, *s_hash_alg;
    PyObject *s_verify_signature, *s_verify_exp, *s_verify_nbf, *s_verify_iat;
    PyObject *s_verify_aud, *s_verify_iss, *s_verify_sub, *s_verify_jti;
    PyObject *s_require, *s_strict_aud, *s_enforce_minimum_key_length;
    PyObject *s_total_seconds, *s_default, *s_empty;
    PyObject *s_algorithm_name, *s_Algorithm, *s_key;   /* PyJWK attributes */
    PyObject *sep_tuple;          /* (",", ":") */

    /* OpenSSL digests, fetched once. Index 0..2: SHA-256, SHA-384, SHA-512. */
    EVP_MD *md[3];
    EVP_MD_CTX *work;             /* scratch context, used with the GIL held */
    struct pjf_hmac_cache *hmac_cache;
    pjf_keycache keys;            /* JSON member names across documents */
    struct pjf_pk_cache *pk_cache;

    /* Verified headers by their encoded segment (decode.c): apps send the
     * same few headers on every request. Only flat headers are kept. */
    struct {
        Py_ssize_t len;
        PyObject *header;
        char seg[PJF_HCACHE_SEG];
    } hcache[PJF_HCACHE_SLOTS];
    int hcache_next;

    /* Encoded headers {"typ":T,"alg":A} and {"typ":T,"alg":A,K:V} (a headers
     * argument of one str pair, such as {"kid": ...}) by the ASCII text of
     * alg, typ, K and V and the key order (encode.c). */
    struct {
        int used, sorted, has_pair;
        Py_ssize_t alg_len, typ_len, key_len, val_len, seg_len;
        char alg[PJF_EHCACHE_STR], typ[PJF_EHCACHE_STR];
        char key[PJF_EHCACHE_STR], val[PJF_EHCACHE_STR];
        char seg[PJF_EHCACHE_SEG];
    } ehcache[PJF_EHCACHE_SLOTS];
    int ehcache_next;

    PyObject *FastMethod_type;    /* fastcall.c */
    PyObject *param_names[3][10]; /* interned parameter names, fastcall.c */
    PyObject *zero;               /* the int 0 (leeway's default) */
} pjf_state;

static inline pjf_state *pjf_get_state(PyObject *module)
{
    return (pjf_state *)PyModule_GetState(module);
}

/* Raises cls(msg). Returns NULL / -1 for convenience. */
PyObject *pjf_raise(PyObject *cls, const char *msg);
int pjf_raise_int(PyObject *cls, const char *msg);
/* Raises a RuntimeError when _setup() has not run yet. */
int pjf_check_ready(pjf_state *st);
/* A key below the recommended length, as PyJWT reports it: InvalidKeyError
 * (enforce) or InsecureKeyLengthWarning with the message msg (a new
 * reference, consumed; NULL passes an error on). 0, or -1 with an exception. */
int pjf_key_length_problem(pjf_state *st, PyObject *msg, int enforce);
/* Whether key is a PyJWK (1/0), -1 on error. */
int pjf_is_pyjwk(pjf_state *st, PyObject *key);

/* A PyJWK of exactly pyjwt_fast's class, taken apart: its algorithm_name,
 * Algorithm and key attributes (new references). 0 when done; 1 for the
 * Python path (a subclass, or a PyJWK missing one of them); -1 on error. */
typedef struct {
    PyObject *name, *alg_obj, *key;
} pjf_jwk;
int pjf_jwk_parts(pjf_state *st, PyObject *jwk, pjf_jwk *out);
/* When *key is a PyJWK: its parts into jwk and *key replaced by its key
 * (borrowed from jwk). *is_jwk tells whether it was one; returns as
 * pjf_jwk_parts (0 go on, 1 Python path, -1 error), 0 for other keys. */
int pjf_jwk_unwrap(pjf_state *st, PyObject **key, pjf_jwk *jwk, int *is_jwk);
void pjf_jwk_release(pjf_jwk *j);
/* Clears OpenSSL's error queue of this thread. */
void pjf_clear_openssl_errors(void);

/* ------------------------------------------------------------------ */
/* HMAC (hmac.c)                                                      */

#define PJF_HS256 0
#define PJF_HS384 1
#define PJF_HS512 2

/* Digest index of HMACAlgorithm instance alg_obj (0..2), or -1 when its
 * hash_alg is not one the C code implements. Never raises. */
int pjf_hmac_hash_index(pjf_state *st, PyObject *alg_obj);

/* HMACAlgorithm.prepare_key in C: force_bytes, the empty-key and the
 * asymmetric-key / JWK checks with PyJWT's exceptions, the verdict cached by
 * the key's bytes. Sets data and len to the key bytes (borrowed from owner, a
 * new reference the caller releases). Returns 0 or -1 with an exception. */
int pjf_hmac_prepare_key(pjf_state *st, PyObject *key, PyObject **owner,
                         const char **data, Py_ssize_t *len);

/* HMACAlgorithm.check_key_length + the warning / InvalidKeyError PyJWT
 * raises from it. enforce: the enforce_minimum_key_length option. */
int pjf_hmac_check_key_length(pjf_state *st, int hidx, Py_ssize_t keylen, int enforce);

/* prepare_key and sign in one: the key checks of pjf_hmac_prepare_key, then
 * the MAC of msg with digest hidx into out (64 bytes room); *keylen gets the
 * key's length for the length check, which the caller makes afterwards (as
 * PyJWT orders them; computing first is unobservable). Returns the MAC
 * length, or -1 with an exception. */
int pjf_hmac_key_mac(pjf_state *st, int hidx, PyObject *key, const char *msg, Py_ssize_t msglen,
                     unsigned char *out, Py_ssize_t *keylen);

void pjf_hmac_cache_free(struct pjf_hmac_cache *c);

/* ------------------------------------------------------------------ */
/* Token pieces (decode.c)                                            */

typedef struct {
    PyObject *token_owner;   /* the token object (new ref) */
    const char *tok;
    Py_ssize_t toklen;
    Py_ssize_t header_end;   /* index of the first '.' */
    Py_ssize_t sig_start;    /* index after the last '.' */
    PyObject *header;        /* dict (new ref) */
    int header_cached;       /* header came from the verified-header cache */
    pjf_buf payload;         /* decoded payload (empty when b64 is false) */
    pjf_buf signature;       /* decoded signature */
} pjf_loaded;

void pjf_loaded_clear(pjf_loaded *ld);
/* PyJWS._load + PyJWS._validate_headers. 0 or -1 with PyJWT's exception.
 * share_cached: a header from the verified-header cache may be the cached
 * dict itself (for callers that never hand it out), not a copy. */
int pjf_load(pjf_state *st, PyObject *jwt, pjf_loaded *ld, int validate_headers, int share_cached);
int pjf_validate_headers(pjf_state *st, PyObject *header, int encoding);

/* json.loads with PyJWT's exact results: the C decoder, then json.loads for
 * whatever it defers. New reference, or NULL with json's exception. */
PyObject *pjf_json_loads_exact(pjf_state *st, const char *s, Py_ssize_t n);

/* ------------------------------------------------------------------ */
/* Claims (claims.c)                                                  */

double pjf_now(void);

typedef struct {
    int verify_exp, verify_nbf, verify_iat, verify_aud, verify_iss;
    int verify_sub, verify_jti, strict_aud;
    PyObject *require;       /* borrowed */
} pjf_claim_opts;

/* PyJWT._validate_claims with the default hooks. 0 or -1 with exception. */
int pjf_validate_claims(pjf_state *st, PyObject *payload, const pjf_claim_opts *o,
                        PyObject *audience, PyObject *issuer, PyObject *subject,
                        PyObject *leeway);

/* The one-call PyJWT.encode (7 args: self, payload, key, algorithm, headers,
 * json_encoder, sort_headers) and PyJWT.decode (10 args: self, jwt, key,
 * algorithms, options, audience, subject, issuer, leeway, complete). New
 * reference, NotImplemented when the Python path must run, NULL on error. */
PyObject *pjf_jwt_encode(pjf_state *st, PyObject *const *args);
PyObject *pjf_jwt_decode(pjf_state *st, PyObject *const *args);

/* fastcall.c: the type of the module-level encode/decode functions. */
int pjf_fastcall_init(PyObject *module, pjf_state *st);

/* ------------------------------------------------------------------ */
/* Public-key algorithms (pkey.c)                                     */

enum {
    PJF_RS256, PJF_RS384, PJF_RS512,
    PJF_PS256, PJF_PS384, PJF_PS512,
    PJF_ES256, PJF_ES384, PJF_ES512, PJF_ES256K,
    PJF_EDDSA
};
enum { PJF_KT_RSA = 1, PJF_KT_EC, PJF_KT_ED25519, PJF_KT_ED448 };
enum { PJF_CURVE_P256 = 0, PJF_CURVE_P384, PJF_CURVE_P521, PJF_CURVE_K256 };
/* Key classes whose signatures may go to cryptography (pk_delegate). */
enum { PJF_PKD_P384 = 1, PJF_PKD_P521 = 2, PJF_PKD_ED25519 = 4, PJF_PKD_ED448 = 8 };
enum { PJF_FORM_PEM_PRIVATE = 1, PJF_FORM_PEM_PUBLIC, PJF_FORM_SSH, PJF_FORM_DER_PRIVATE,
       PJF_FORM_DER_PUBLIC };

typedef struct {
    EVP_PKEY *pkey;   /* own reference */
    int type;         /* PJF_KT_* */
    int curve;        /* PJF_CURVE_* for EC keys, else -1 */
    int is_private;
    int bits;
    int form;         /* PJF_FORM_* */
    int not_utf8;     /* key bytes that are not UTF-8 (OKPAlgorithm decodes them) */
} pjf_pkey;

/* The parsed key for a PEM/DER/SSH str or bytes, or a cryptography key
 * object. 0 and *out (release with pjf_pkey_release); 1 when the C code
 * does not take the key (the Python layer then decides, as PyJWT would);
 * -1 with an exception. */
int pjf_pkey_get(pjf_state *st, PyObject *key, pjf_pkey *out);
void pjf_pkey_release(pjf_pkey *k);
void pjf_pk_cache_free(struct pjf_pk_cache *c);
/* PJF_RS256.. for an algorithm object the C code implements, else -1. */
int pjf_pk_alg_of(pjf_state *st, PyObject *alg_obj);
/* Whether PyJWT would sign (verify) with this key under alg without
 * raising: the family and curve match, and the key has the needed half. */
int pjf_pk_key_fits(int alg, const pjf_pkey *k, int for_sign);
int pjf_pk_check_key_length(pjf_state *st, int alg, const pjf_pkey *k, int enforce);
/* Appends the JWS signature (ECDSA as raw r || s) of msg under k, which
 * pjf_pkey_get made from key. 0, or -1. */
int pjf_pk_sign(pjf_state *st, int alg, PyObject *key, const pjf_pkey *k, const char *msg, Py_ssize_t n,
                pjf_buf *out);
/* 1 valid, 0 invalid; -1 with an exception only where the signature went to
 * cryptography (pk_delegate) and it raised, as PyJWT's verify would. */
int pjf_pk_verify(pjf_state *st, int alg, PyObject *key, const pjf_pkey *k, const char *msg, Py_ssize_t n,
                  const char *sig, Py_ssize_t siglen);

/* Method tables of the files that export functions to Python. */
extern PyMethodDef pjf_claims_methods[];
extern PyMethodDef pjf_decode_methods[];
extern PyMethodDef pjf_encode_methods[];
extern PyMethodDef pjf_hmac_methods[];
extern PyMethodDef pjf_pkey_methods[];

#endif /* PJF_PJF_H */
