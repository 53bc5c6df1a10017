/* Token decoding: PyJWS._load and _validate_headers, and the one-call
 * PyJWT.decode / decode_complete for the algorithms the C code implements. */
#include "pjf.h"
#include "b64url.h"

#include <openssl/crypto.h>

void pjf_loaded_clear(pjf_loaded *ld)
{
    Py_CLEAR(ld->token_owner);
    Py_CLEAR(ld->header);
    pjf_buf_free(&ld->payload);
    pjf_buf_free(&ld->signature);
}

/* The cached header for this segment (a new reference to the cached dict
 * itself when `share`, which only a caller that never hands the header out
 * may ask for; a copy otherwise), or NULL (no exception). */
static PyObject *hcache_get(pjf_state *st, const char *seg, Py_ssize_t len, int share)
{
    if (len > PJF_HCACHE_SEG)
        return NULL;
    for (int i = 0; i < PJF_HCACHE_SLOTS; i++) {
        if (st->hcache[i].header != NULL && st->hcache[i].len == len
            && memcmp(st->hcache[i].seg, seg, (size_t)len) == 0)
            return share ? Py_NewRef(st->hcache[i].header) : PyDict_Copy(st->hcache[i].header);
    }
    return NULL;
}

/* Keeps a verified header whose values are all immutable scalars, so that
 * the shallow copies handed out share nothing a caller could change. */
static void hcache_put(pjf_state *st, const char *seg, Py_ssize_t len, PyObject *header)
{
    if (len > PJF_HCACHE_SEG || !PyDict_CheckExact(header))
        return;
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(header, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(v) && !PyLong_CheckExact(v) && !PyFloat_CheckExact(v)
            && !PyBool_Check(v) && v != Py_None)
            return;
    }
    PyObject *copy = PyDict_Copy(header);
    if (copy == NULL) {
        PyErr_Clear();
        return;
    }
    int i = st->hcache_next;
    st->hcache_next = (i + 1) % PJF_HCACHE_SLOTS;
    Py_XSETREF(st->hcache[i].header, copy);
    memcpy(st->hcache[i].seg, seg, (size_t)len);
    st->hcache[i].len = len;
}

/* Raises cls(prefix + str(cause)) from the pending exception when that is a
 * ValueError or RecursionError, as PyJWT's `except (ValueError,
 * RecursionError) as e: raise DecodeError(f"...{e}") from e` does. */
static void raise_json_error(pjf_state *st, const char *prefix)
{
    if (!PyErr_ExceptionMatches(PyExc_ValueError) && !PyErr_ExceptionMatches(PyExc_RecursionError))
        return;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    PyObject *msg = PyUnicode_FromFormat("%s%S", prefix, value);
    if (msg == NULL) {
        Py_XDECREF(value);
        return;
    }
    PyObject *exc = PyObject_CallOneArg(st->DecodeError, msg);
    Py_DECREF(msg);
    if (exc == NULL) {
        Py_XDECREF(value);
        return;
    }
    Py_XINCREF(value);
    PyException_SetCause(exc, value);     /* steals a reference */
    PyException_SetContext(exc, value);   /* steals the other */
    PyErr_SetObject(st->DecodeError, exc);
    Py_DECREF(exc);
}

/* Decodes one segment into out (replacing its content). 0, or -1 with
 * PyJWT's DecodeError. */
static int decode_segment(pjf_state *st, const char *s, Py_ssize_t n, const char *name, pjf_buf *out)
{
    out->len = 0;
    if (pjf_buf_reserve(out, (Py_ssize_t)pjf_b64url_decoded_max((size_t)n)) < 0)
        return -1;
    ptrdiff_t len = pjf_b64url_decode((uint8_t *)out->data, s, (size_t)n);
    if (len < 0) {
        PyErr_Format(st->DecodeError, "Invalid %s padding", name);
        return -1;
    }
    out->len = (Py_ssize_t)len;
    return 0;
}

/* PyJWS._validate_kid */
static int validate_kid(pjf_state *st, PyObject *kid)
{
    if (!PyUnicode_Check(kid))
        return pjf_raise_int(st->InvalidTokenError, "Key ID header parameter must be a string");
    return 0;
}

/* PyJWS._validate_crit */
static int validate_crit(pjf_state *st, PyObject *header)
{
    PyObject *crit = PyDict_GetItemWithError(header, st->s_crit);
    if (crit == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, st->s_crit);
        return -1;
    }
    if (!PyList_Check(crit) || PyList_GET_SIZE(crit) == 0)
        return pjf_raise_int(st->InvalidTokenError, "Invalid 'crit' header: must be a non-empty list");
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(crit); i++) {
        PyObject *ext = PyList_GET_ITEM(crit, i);
        if (!PyUnicode_Check(ext))
            return pjf_raise_int(st->InvalidTokenError, "Invalid 'crit' header: values must be strings");
        int eq = PyObject_RichCompareBool(ext, st->s_b64, Py_EQ);
        if (eq < 0)
            return -1;
        if (!eq) {
            PyErr_Format(st->InvalidTokenError, "Unsupported critical extension: %S", ext);
            return -1;
        }
        int has = PyDict_Contains(header, ext);
        if (has < 0)
            return -1;
        if (!has) {
            PyErr_Format(st->InvalidTokenError, "Critical extension '%S' is missing from headers", ext);
            return -1;
        }
    }
    return 0;
}

int pjf_validate_headers(pjf_state *st, PyObject *header, int encoding)
{
    PyObject *kid = PyDict_GetItemWithError(header, st->s_kid);
    if (kid == NULL && PyErr_Occurred())
        return -1;
    if (kid != NULL && validate_kid(st, kid) < 0)
        return -1;
    if (encoding)
        return 0;
    int has = PyDict_Contains(header, st->s_crit);
    if (has < 0)
        return -1;
    return has ? validate_crit(st, header) : 0;
}

/* header.get("b64", True) is False */
static int b64_is_false(pjf_state *st, PyObject *header, int *result)
{
    PyObject *b = PyDict_GetItemWithError(header, st->s_b64);
    if (b == NULL && PyErr_Occurred())
        return -1;
    *result = (b == Py_False);
    return 0;
}

int pjf_load(pjf_state *st, PyObject *jwt, pjf_loaded *ld, int validate_headers, int share_cached)
{
    ld->token_owner = NULL;
    ld->header = NULL;
    ld->header_cached = 0;
    pjf_buf_init(&ld->payload);
    pjf_buf_init(&ld->signature);
    if (PyUnicode_Check(jwt)) {
        ld->tok = PyUnicode_AsUTF8AndSize(jwt, &ld->toklen);
        if (ld->tok == NULL)
            return -1;
    }
    else if (PyBytes_Check(jwt)) {
        ld->tok = PyBytes_AS_STRING(jwt);
        ld->toklen = PyBytes_GET_SIZE(jwt);
    }
    else {
        return pjf_raise_int(st->DecodeError, "Invalid token type. Token must be a <class 'bytes'>");
    }
    ld->token_owner = Py_NewRef(jwt);
    if (ld->toklen > PJF_MAX_TOKEN_LEN) {
        PyErr_Format(st->DecodeError, "Token is longer than the maximum of %d bytes", PJF_MAX_TOKEN_LEN);
        goto error;
    }
    const char *tok = ld->tok;
    const char *last = NULL;
    for (Py_ssize_t i = ld->toklen; i > 0; i--) {
        if (tok[i - 1] == '.') {
            last = tok + i - 1;
            break;
        }
    }
    const char *first = last ? memchr(tok, '.', (size_t)(last - tok)) : NULL;
    if (first == NULL) {
        pjf_raise_int(st->DecodeError, "Not enough segments");
        goto error;
    }
    ld->header_end = first - tok;
    ld->sig_start = last - tok + 1;

    ld->header = hcache_get(st, tok, ld->header_end, share_cached);
    if (ld->header != NULL) {
        /* Cached headers passed _validate_headers and are never detached
         * (b64 false takes the Python path before anything is cached). */
        ld->header_cached = 1;
        if (decode_segment(st, first + 1, last - first - 1, "payload", &ld->payload) < 0
            || decode_segment(st, last + 1, ld->toklen - ld->sig_start, "crypto", &ld->signature) < 0)
            goto error;
        return 0;
    }
    else {
        if (PyErr_Occurred())
            goto error;
        /* The payload buffer holds the header JSON until the payload comes. */
        if (decode_segment(st, tok, ld->header_end, "header", &ld->payload) < 0)
            goto error;
        ld->header = pjf_json_loads_exact(st, ld->payload.data, ld->payload.len);
        if (ld->header == NULL) {
            raise_json_error(st, "Invalid header string: ");
            goto error;
        }
        if (!PyDict_Check(ld->header)) {
            pjf_raise_int(st->DecodeError, "Invalid header string: must be a json object");
            goto error;
        }
    }
    int detached;
    if (b64_is_false(st, ld->header, &detached) < 0)
        goto error;
    if (detached) {
        if (last > first + 1) {
            pjf_raise_int(st->DecodeError, "Payload segment must be empty when 'b64' is false.");
            goto error;
        }
        ld->payload.len = 0;
    }
    else if (decode_segment(st, first + 1, last - first - 1, "payload", &ld->payload) < 0) {
        goto error;
    }
    if (decode_segment(st, last + 1, ld->toklen - ld->sig_start, "crypto", &ld->signature) < 0)
        goto error;
    if (validate_headers && pjf_validate_headers(st, ld->header, 0) < 0)
        goto error;
    return 0;
error:
    pjf_loaded_clear(ld);
    return -1;
}

/* ------------------------------------------------------------------ */
/* The one-call decode                                                */

/* The options PyJWT.decode_complete works with: the call's `options` over
 * self.options, verify_* defaulting to False when the call turns signature
 * verification off (PyJWT._merge_options). */
typedef struct {
    PyObject *call;       /* options argument: dict or None (borrowed) */
    PyObject *self_opts;  /* self.options (borrowed) */
    int call_sig_off;     /* call options hold a false verify_signature */
} opt_view;

/* Borrowed value of option `name`, or NULL when neither dict has it. */
static PyObject *opt_get(const opt_view *v, PyObject *name, int is_verify_flag, int *err)
{
    PyObject *r = NULL;
    *err = 0;
    if (v->call != NULL) {
        r = PyDict_GetItemWithError(v->call, name);
        if (r != NULL)
            return r;
        if (PyErr_Occurred()) {
            *err = 1;
            return NULL;
        }
        if (is_verify_flag && v->call_sig_off)
            return Py_False;
    }
    r = PyDict_GetItemWithError(v->self_opts, name);
    if (r == NULL && PyErr_Occurred())
        *err = 1;
    return r;
}

/* 1/0 for a flag, -1 on error, -2 when the option is missing (PyJWT would
 * raise KeyError: left to the Python path). */
static int opt_flag(const opt_view *v, PyObject *name, int is_verify_flag, int dflt)
{
    int err;
    PyObject *o = opt_get(v, name, is_verify_flag, &err);
    if (err)
        return -1;
    if (o == NULL)
        return dflt;
    Py_INCREF(o);   /* its __bool__ may change the options dict */
    int r = PyObject_IsTrue(o);
    Py_DECREF(o);
    return r;
}

static PyObject *not_implemented(void)
{
    Py_RETURN_NOTIMPLEMENTED;
}

/* The options of one decode, in the order of PyJWT's default options;
 * verify_exp .. verify_jti are the flags a false verify_signature in the
 * call turns off. */
enum {
    OPT_SIGNATURE, OPT_VERIFY_EXP, OPT_VERIFY_NBF, OPT_VERIFY_IAT, OPT_VERIFY_AUD, OPT_VERIFY_ISS,
    OPT_VERIFY_SUB, OPT_VERIFY_JTI, OPT_REQUIRE, OPT_STRICT_AUD, OPT_ENFORCE, OPT_N
};

static void option_names(pjf_state *st, PyObject **names)
{
    names[OPT_VERIFY_EXP] = st->s_verify_exp;
    names[OPT_VERIFY_NBF] = st->s_verify_nbf;
    names[OPT_VERIFY_IAT] = st->s_verify_iat;
    names[OPT_VERIFY_AUD] = st->s_verify_aud;
    names[OPT_VERIFY_ISS] = st->s_verify_iss;
    names[OPT_VERIFY_SUB] = st->s_verify_sub;
    names[OPT_VERIFY_JTI] = st->s_verify_jti;
    names[OPT_STRICT_AUD] = st->s_strict_aud;
    names[OPT_ENFORCE] = st->s_enforce_minimum_key_length;
    names[OPT_REQUIRE] = st->s_require;
    names[OPT_SIGNATURE] = st->s_verify_signature;
}

/* One pass over an options dict instead of a lookup per option: vals[i] is
 * the (borrowed) value of option i or NULL. Taken only when every key is one
 * of the interned option names itself and every flag is True or False, so
 * no user code (__eq__, __bool__) can run while the values are held
 * borrowed; 1 otherwise, and the caller looks the options up one by one. */
static int scan_options(PyObject *const *names, PyObject *d, PyObject **vals)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    for (int i = 0; i < OPT_N; i++)
        vals[i] = NULL;
    int guess = 0;   /* a dict in PyJWT's order matches at the first compare */
    while (PyDict_Next(d, &pos, &k, &v)) {
        int i = guess, tries = 0;
        while (tries < OPT_N && names[i] != k) {
            i = i + 1 == OPT_N ? 0 : i + 1;
            tries++;
        }
        if (tries == OPT_N || (i != OPT_REQUIRE && v != Py_True && v != Py_False))
            return 1;
        vals[i] = v;
        guess = i + 1 == OPT_N ? 0 : i + 1;
    }
    return 0;
}

/* The flags and `require` from the call's options over self.options, as
 * opt_flag / opt_get give them; 0, or 1 when scan_options declines. */
static int fast_options(pjf_state *st, const opt_view *v, int *verify_sig, int *flags, PyObject **require)
{
    PyObject *names[OPT_N], *call[OPT_N], *own[OPT_N];
    option_names(st, names);
    if (scan_options(names, v->self_opts, own) != 0)
        return 1;
    if (v->call != NULL) {
        if (scan_options(names, v->call, call) != 0)
            return 1;
    }
    else {
        for (int i = 0; i < OPT_N; i++)
            call[i] = NULL;
    }
    *verify_sig = call[OPT_SIGNATURE] != Py_False;
    for (int i = OPT_VERIFY_EXP; i <= OPT_ENFORCE; i++) {
        if (i == OPT_REQUIRE)
            continue;
        PyObject *o = call[i];
        if (o == NULL && v->call != NULL && !*verify_sig && i <= OPT_VERIFY_JTI)
            o = Py_False;
        if (o == NULL)
            o = own[i];
        if (o == NULL && i <= OPT_VERIFY_JTI)
            return 1;   /* missing: PyJWT's KeyError, from the Python path */
        flags[i] = o == Py_True;
    }
    *require = call[OPT_REQUIRE] ? call[OPT_REQUIRE] : own[OPT_REQUIRE];
    return *require == NULL;
}


static int verify_hmac(pjf_state *st, int hidx, PyObject *key, const pjf_loaded *ld, int enforce)
{
    unsigned char mac[64];
    Py_ssize_t klen;
    int n = pjf_hmac_key_mac(st, hidx, key, ld->tok, ld->sig_start - 1, mac, &klen);
    if (n < 0)
        return -1;
    int ok = ld->signature.len == n && CRYPTO_memcmp(mac, ld->signature.data, (size_t)n) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    if (pjf_hmac_check_key_length(st, hidx, klen, enforce) < 0)
        return -1;
    if (!ok)
        return pjf_raise_int(st->InvalidSignatureError, "Signature verification failed");
    return 0;
}

/* Public-key verification; 1 when the key is one the Python layer takes. */
static int verify_pk(pjf_state *st, int alg, PyObject *key, const pjf_loaded *ld, int enforce)
{
    pjf_pkey k;
    int r = pjf_pkey_get(st, key, &k);
    if (r != 0)
        return r;
    if (!pjf_pk_key_fits(alg, &k, 0)) {
        pjf_pkey_release(&k);
        return 1;
    }
    if (pjf_pk_check_key_length(st, alg, &k, enforce) < 0) {
        pjf_pkey_release(&k);
        return -1;
    }
    int ok = pjf_pk_verify(st, alg, key, &k, ld->tok, ld->sig_start - 1, ld->signature.data,
                           ld->signature.len);
    pjf_pkey_release(&k);
    if (ok < 0)
        return -1;
    if (!ok)
        return pjf_raise_int(st->InvalidSignatureError, "Signature verification failed");
    return 0;
}

/* PyJWS._verify_signature for the algorithms the C code implements. 0 ok,
 * -1 error, 1 when the Python layer handles it (nothing has been done yet).
 * jwk: the parts of a PyJWK key (then `key` is its key), or NULL. */
static int verify_signature(pjf_state *st, PyObject *jws, const pjf_loaded *ld, PyObject *key,
                            PyObject *algorithms, int enforce, const pjf_jwk *jwk)
{
    PyObject *alg = PyDict_GetItemWithError(ld->header, st->s_alg);
    if (alg == NULL)
        return PyErr_Occurred() ? -1 : pjf_raise_int(st->InvalidAlgorithmError, "Algorithm not specified");
    Py_INCREF(alg);   /* held across comparisons that may run user code */
    int falsy = PyObject_Not(alg);
    if (falsy < 0)
        goto fail;
    if (!falsy) {
        /* a PyJWK without an allowlist allows [its algorithm_name] */
        int in = jwk != NULL && algorithms == Py_None ? PyObject_RichCompareBool(jwk->name, alg, Py_EQ)
                                                      : PySequence_Contains(algorithms, alg);
        if (in < 0)
            goto fail;
        falsy = !in;
    }
    if (falsy) {
        pjf_raise(st->InvalidAlgorithmError, "The specified alg value is not allowed");
        goto fail;
    }

    PyObject *alg_obj;
    if (jwk != NULL) {
        /* The PyJWK's own algorithm verifies, and only a token naming it. */
        int ne = PyObject_RichCompareBool(alg, jwk->name, Py_NE);
        if (ne < 0)
            goto fail;
        if (ne) {
            PyErr_Format(st->InvalidAlgorithmError, "Token algorithm %R does not match the key's algorithm %R",
                         alg, jwk->name);
            goto fail;
        }
        alg_obj = Py_NewRef(jwk->alg_obj);
    }
    else {
        PyObject *table = PyObject_GetAttr(jws, st->s_algorithms);
        if (table == NULL)
            goto fail;
        if (!PyDict_CheckExact(table)) {
            Py_DECREF(table);
            Py_DECREF(alg);
            return 1;
        }
        alg_obj = PyDict_GetItemWithError(table, alg);
        Py_XINCREF(alg_obj);
        Py_DECREF(table);
        if (alg_obj == NULL) {
            if (!PyErr_Occurred())
                pjf_raise(st->InvalidAlgorithmError, "Algorithm not supported");
            goto fail;
        }
    }
    Py_DECREF(alg);

    int r = 1;
    if ((PyObject *)Py_TYPE(alg_obj) == st->HMACAlgorithm_type) {
        int hidx = pjf_hmac_hash_index(st, alg_obj);
        if (hidx >= 0)
            r = verify_hmac(st, hidx, key, ld, enforce);
    }
    else if ((PyObject *)Py_TYPE(alg_obj) != st->NoneAlgorithm_type) {
        int palg = pjf_pk_alg_of(st, alg_obj);
        if (palg >= 0)
            r = verify_pk(st, palg, key, ld, enforce);
    }
    else {
        /* NoneAlgorithm: prepare_key accepts only None or "", verify() is False. */
        int empty = key == Py_None;
        if (!empty) {
            empty = PyObject_RichCompareBool(key, st->s_empty, Py_EQ);
            if (empty < 0) {
                Py_DECREF(alg_obj);
                return -1;
            }
        }
        r = empty ? pjf_raise_int(st->InvalidSignatureError, "Signature verification failed")
                  : pjf_raise_int(st->InvalidKeyError, "When alg = \"none\", key value must be None.");
    }
    Py_DECREF(alg_obj);
    return r;
fail:
    Py_DECREF(alg);
    return -1;
}

/* jwt_decode(self, jwt, key, algorithms, options, audience, subject, issuer,
 *            leeway, complete) -> payload | {"payload", "header", "signature"}
 * PyJWT.decode / decode_complete in one call; NotImplemented when the call
 * needs the Python path (subclass, hooks, other algorithms, key objects,
 * detached payloads, options that are not plain dicts). */
PyObject *pjf_jwt_decode(pjf_state *st, PyObject *const *args)
{
    if (pjf_check_ready(st) < 0)
        return NULL;
    PyObject *self = args[0], *jwt = args[1], *key = args[2], *algorithms = args[3];
    PyObject *options = args[4], *audience = args[5], *subject = args[6], *issuer = args[7];
    PyObject *leeway = args[8];
    int complete = PyObject_IsTrue(args[9]);
    PyObject *jws = NULL, *self_opts = NULL, *payload = NULL, *result = NULL, *require = NULL;
    pjf_loaded ld;
    ld.token_owner = ld.header = NULL;
    pjf_buf_init(&ld.payload);
    pjf_buf_init(&ld.signature);

    if (complete < 0)
        return NULL;
    if ((PyObject *)Py_TYPE(self) != st->PyJWT_type || (options != Py_None && !PyDict_CheckExact(options)))
        return not_implemented();
    pjf_jwk jwk;
    int is_jwk;
    int jr = pjf_jwk_unwrap(st, &key, &jwk, &is_jwk);
    if (jr != 0)
        return jr < 0 ? NULL : not_implemented();   /* a PyJWK subclass: Python path */
    jws = PyObject_GetAttr(self, st->s_jws);
    if (jws == NULL)
        goto error;
    self_opts = PyObject_GetAttr(self, st->s_options);
    if (self_opts == NULL)
        goto error;
    if ((PyObject *)Py_TYPE(jws) != st->PyJWS_type || !PyDict_CheckExact(self_opts))
        goto defer;

    opt_view ov = {options == Py_None ? NULL : options, self_opts, 0};
    pjf_claim_opts co;
    int verify_sig = 1, enforce = 0;
    int flags[OPT_N];
    if (fast_options(st, &ov, &verify_sig, flags, &co.require) == 0) {
        enforce = flags[OPT_ENFORCE];
    }
    else {
        verify_sig = 1;
        if (ov.call != NULL) {
            PyObject *vs = PyDict_GetItemWithError(ov.call, st->s_verify_signature);
            if (vs == NULL && PyErr_Occurred())
                goto error;
            if (vs != NULL) {
                Py_INCREF(vs);
                verify_sig = PyObject_IsTrue(vs);
                Py_DECREF(vs);
                if (verify_sig < 0)
                    goto error;
            }
            ov.call_sig_off = !verify_sig;
        }
        PyObject *names[OPT_N];
        option_names(st, names);
        for (int i = OPT_VERIFY_EXP; i <= OPT_STRICT_AUD; i++) {
            if (i == OPT_REQUIRE)
                continue;
            flags[i] = opt_flag(&ov, names[i], i <= OPT_VERIFY_JTI, i <= OPT_VERIFY_JTI ? -2 : 0);
            if (flags[i] == -1)
                goto error;
            if (flags[i] == -2)
                goto defer;
        }
        int err;
        co.require = opt_get(&ov, st->s_require, 0, &err);
        if (err)
            goto error;
        if (co.require == NULL)
            goto defer;
        /* Held while enforce_minimum_key_length's __bool__ runs. */
        require = Py_NewRef(co.require);
        enforce = opt_flag(&ov, st->s_enforce_minimum_key_length, 0, 0);
        if (enforce < 0)
            goto error;
    }
    if (require == NULL)
        require = Py_NewRef(co.require);   /* user code run during the checks may replace the options */
    co.verify_exp = flags[OPT_VERIFY_EXP];
    co.verify_nbf = flags[OPT_VERIFY_NBF];
    co.verify_iat = flags[OPT_VERIFY_IAT];
    co.verify_aud = flags[OPT_VERIFY_AUD];
    co.verify_iss = flags[OPT_VERIFY_ISS];
    co.verify_sub = flags[OPT_VERIFY_SUB];
    co.verify_jti = flags[OPT_VERIFY_JTI];
    co.strict_aud = flags[OPT_STRICT_AUD];

    if (verify_sig) {
        int none = PyObject_Not(algorithms);   /* evaluated first, as in PyJWS */
        if (none < 0)
            goto error;
        if (none && !is_jwk) {
            pjf_raise(st->DecodeError,
                      "It is required that you pass in a value for the \"algorithms\" argument when calling decode().");
            goto error;
        }
    }
    /* decode() never hands the header out: a cached one can be shared. */
    if (pjf_load(st, jwt, &ld, 1, !complete) < 0)
        goto error;
    int detached = 0;
    if (!ld.header_cached && b64_is_false(st, ld.header, &detached) < 0)
        goto error;
    if (detached)
        goto defer;
    if (verify_sig) {
        int r = verify_signature(st, jws, &ld, key, algorithms, enforce, is_jwk ? &jwk : NULL);
        if (r < 0)
            goto error;
        if (r == 1)
            goto defer;
        if (!ld.header_cached)
            hcache_put(st, ld.tok, ld.header_end, ld.header);
    }

    payload = pjf_json_loads_exact(st, ld.payload.data, ld.payload.len);
    if (payload == NULL) {
        raise_json_error(st, "Invalid payload string: ");
        goto error;
    }
    if (!PyDict_Check(payload)) {
        pjf_raise(st->DecodeError, "Invalid payload string: must be a json object");
        goto error;
    }
    if (pjf_validate_claims(st, payload, &co, audience, issuer, subject, leeway) < 0)
        goto error;

    if (complete) {
        PyObject *sig = PyBytes_FromStringAndSize(ld.signature.data, ld.signature.len);
        result = sig ? PyDict_New() : NULL;
        if (result == NULL || PyDict_SetItem(result, st->s_payload, payload) < 0
            || PyDict_SetItem(result, st->s_header, ld.header) < 0
            || PyDict_SetItem(result, st->s_signature, sig) < 0) {
            Py_XDECREF(sig);
            goto error;
        }
        Py_DECREF(sig);
    }
    else {
        result = Py_NewRef(payload);
    }
    Py_DECREF(payload);
    Py_DECREF(jws);
    Py_DECREF(self_opts);
    Py_DECREF(require);
    pjf_jwk_release(&jwk);
    pjf_loaded_clear(&ld);
    return result;

defer:
    result = not_implemented();
error:
    Py_XDECREF(payload);
    Py_XDECREF(jws);
    Py_XDECREF(self_opts);
    Py_XDECREF(require);
    pjf_jwk_release(&jwk);
    pjf_loaded_clear(&ld);
    if (result == NULL) {
        assert(PyErr_Occurred());
        return NULL;
    }
    if (result == Py_NotImplemented)
        return result;
    Py_DECREF(result);
    return NULL;
}

static PyObject *jwt_decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 10)
        return pjf_raise(PyExc_TypeError, "jwt_decode takes 10 arguments");
    return pjf_jwt_decode(pjf_get_state(module), args);
}

/* load(jwt) -> (payload, signing_input, header, signature): PyJWS._load. */
static PyObject *py_load(PyObject *module, PyObject *jwt)
{
    pjf_state *st = pjf_get_state(module);
    pjf_loaded ld;
    if (pjf_check_ready(st) < 0 || pjf_load(st, jwt, &ld, 0, 0) < 0)
        return NULL;
    PyObject *r = NULL;
    PyObject *payload = PyBytes_FromStringAndSize(ld.payload.data, ld.payload.len);
    PyObject *signing_input = PyBytes_FromStringAndSize(ld.tok, ld.sig_start - 1);
    PyObject *signature = PyBytes_FromStringAndSize(ld.signature.data, ld.signature.len);
    if (payload != NULL && signing_input != NULL && signature != NULL)
        r = PyTuple_Pack(4, payload, signing_input, ld.header, signature);
    Py_XDECREF(payload);
    Py_XDECREF(signing_input);
    Py_XDECREF(signature);
    pjf_loaded_clear(&ld);
    return r;
}

/* unverified_header(jwt) -> dict: PyJWS.get_unverified_header. */
static PyObject *py_unverified_header(PyObject *module, PyObject *jwt)
{
    pjf_state *st = pjf_get_state(module);
    pjf_loaded ld;
    if (pjf_check_ready(st) < 0 || pjf_load(st, jwt, &ld, 1, 0) < 0)
        return NULL;
    PyObject *h = Py_NewRef(ld.header);
    pjf_loaded_clear(&ld);
    return h;
}

/* validate_headers(header, encoding) : PyJWS._validate_headers. */
static PyObject *py_validate_headers(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 2 || !PyDict_Check(args[0]))
        return pjf_raise(PyExc_TypeError, "validate_headers(header: dict, encoding)");
    int enc = PyObject_IsTrue(args[1]);
    if (enc < 0 || pjf_check_ready(st) < 0 || pjf_validate_headers(st, args[0], enc) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_validate_kid(PyObject *module, PyObject *kid)
{
    pjf_state *st = pjf_get_state(module);
    if (pjf_check_ready(st) < 0 || validate_kid(st, kid) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_validate_crit(PyObject *module, PyObject *header)
{
    pjf_state *st = pjf_get_state(module);
    if (!PyDict_Check(header))
        return pjf_raise(PyExc_TypeError, "validate_crit(header: dict)");
    if (pjf_check_ready(st) < 0 || validate_crit(st, header) < 0)
        return NULL;
    Py_RETURN_NONE;
}

PyMethodDef pjf_decode_methods[] = {
    {"validate_kid", py_validate_kid, METH_O, "PyJWS._validate_kid."},
    {"validate_crit", py_validate_crit, METH_O, "PyJWS._validate_crit."},
    {"jwt_decode", (PyCFunction)(void (*)(void))jwt_decode, METH_FASTCALL,
     "PyJWT.decode / decode_complete in one call, or NotImplemented."},
    {"load", py_load, METH_O, "PyJWS._load."},
    {"unverified_header", py_unverified_header, METH_O, "PyJWS.get_unverified_header."},
    {"validate_headers", (PyCFunction)(void (*)(void))py_validate_headers, METH_FASTCALL,
     "PyJWS._validate_headers."},
    {NULL, NULL, 0, NULL},
};
