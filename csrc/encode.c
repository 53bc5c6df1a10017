/* PyJWT.encode in one call: payload and header JSON, base64url and the
 * signature written into one buffer, the token built as an ASCII str. */
#include "pjf.h"
#include "b64url.h"

#include <openssl/crypto.h>

/* A json_encoder class json.dumps would run exactly like the default one for
 * the types the C encoder writes: a JSONEncoder subclass that may override
 * default() but not how it encodes. */
static int simple_encoder(pjf_state *st, PyObject *cls)
{
    static const char *const same[] = {"__init__", "encode", "iterencode"};
    if (cls == Py_None || cls == st->JSONEncoder)
        return 1;
    if (!PyType_Check(cls))
        return 0;
    int sub = PyObject_IsSubclass(cls, st->JSONEncoder);
    if (sub <= 0)
        return sub;
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        PyObject *a = PyObject_GetAttrString(cls, same[i]);
        if (a == NULL)
            return -1;
        PyObject *b = PyObject_GetAttrString(st->JSONEncoder, same[i]);
        if (b == NULL) {
            Py_DECREF(a);
            return -1;
        }
        int eq = (a == b);
        Py_DECREF(a);
        Py_DECREF(b);
        if (!eq)
            return 0;
    }
    return 1;
}

/* json.dumps(obj, separators=(",", ":"), cls=json_encoder, sort_keys=...)
 * encoded to UTF-8 and appended to out: the C encoder, or the json module
 * for what it defers. */
static int dump_json(pjf_state *st, pjf_buf *out, PyObject *obj, PyObject *json_encoder,
                     int simple, int sort_keys)
{
    Py_ssize_t start = out->len;
    int r = simple ? pjf_json_encode(out, obj, sort_keys) : PJF_DEFER;
    if (r <= 0)
        return r;
    out->len = start;
    PyObject *kw = Py_BuildValue("{sOsOsO}", "separators", st->sep_tuple, "cls", json_encoder,
                                 "sort_keys", sort_keys ? Py_True : Py_False);
    if (kw == NULL)
        return -1;
    PyObject *a = PyTuple_Pack(1, obj);
    if (a == NULL) {
        Py_DECREF(kw);
        return -1;
    }
    PyObject *s = PyObject_Call(st->json_dumps, a, kw);
    Py_DECREF(a);
    Py_DECREF(kw);
    if (s == NULL)
        return -1;
    Py_ssize_t n;
    const char *u = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
    if (u == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "json.dumps did not return a str");
        Py_DECREF(s);
        return -1;
    }
    r = pjf_buf_put(out, u, n);
    Py_DECREF(s);
    return r;
}

static int append_b64(pjf_buf *out, const char *data, Py_ssize_t n)
{
    size_t enc = pjf_b64url_encoded_len((size_t)n);
    if (pjf_buf_reserve(out, (Py_ssize_t)enc) < 0)
        return -1;
    out->len += (Py_ssize_t)pjf_b64url_encode(out->data + out->len, (const uint8_t *)data, (size_t)n);
    return 0;
}

/* The common payload in one pass instead of four lookups: every key an
 * interned str (an interned str equals one of the claim names only if it is
 * that very object), exp / iat / nbf absent or of a type PyJWT leaves alone,
 * iss absent or a str. 1 when it is such a payload (nothing to change), 0
 * when the lookups must decide. Runs no user code. */
static int plain_payload(pjf_state *st, PyObject *payload)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(payload, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k) || !PyUnicode_CHECK_INTERNED(k))
            return 0;
        if (k == st->s_exp || k == st->s_iat || k == st->s_nbf) {
            if (!PyLong_CheckExact(v) && !PyFloat_CheckExact(v) && !PyUnicode_CheckExact(v) && v != Py_None)
                return 0;
        }
        else if (k == st->s_iss && !PyUnicode_Check(v)) {
            return 0;
        }
    }
    return 1;
}

/* The payload with exp/iat/nbf datetimes turned into ints as PyJWT does
 * (a copy when anything changes), after its `iss` type check. New ref. */
static PyObject *prepare_payload(pjf_state *st, PyObject *payload)
{
    if (plain_payload(st, payload))
        return Py_NewRef(payload);
    PyObject *names[3] = {st->s_exp, st->s_iat, st->s_nbf};
    PyObject *copy = NULL;
    for (int i = 0; i < 3; i++) {
        PyObject *v = PyDict_GetItemWithError(payload, names[i]);
        if (v == NULL) {
            if (PyErr_Occurred())
                goto error;
            continue;
        }
        if (PyLong_CheckExact(v) || PyFloat_CheckExact(v) || PyUnicode_CheckExact(v) || v == Py_None)
            continue;
        int is_dt = PyObject_IsInstance(v, st->datetime_type);
        if (is_dt < 0)
            goto error;
        if (!is_dt)
            continue;
        if (copy == NULL && (copy = PyDict_Copy(payload)) == NULL)
            goto error;
        PyObject *ts = PyObject_CallOneArg(st->timegm_utc, v);
        if (ts == NULL)
            goto error;
        int r = PyDict_SetItem(copy, names[i], ts);
        Py_DECREF(ts);
        if (r < 0)
            goto error;
    }
    PyObject *p = copy ? copy : payload;
    PyObject *iss = PyDict_GetItemWithError(p, st->s_iss);
    if (iss == NULL && PyErr_Occurred())
        goto error;
    if (iss != NULL && !PyUnicode_Check(iss)) {
        PyErr_SetString(PyExc_TypeError, "Issuer (iss) must be a string.");
        goto error;
    }
    return copy ? copy : Py_NewRef(payload);
error:
    Py_XDECREF(copy);
    return NULL;
}

/* Signs signing_input with alg_obj; appends the signature (raw) to sig. */
static int sign(pjf_state *st, PyObject *alg_obj, PyObject *key, int enforce,
                const char *input, Py_ssize_t input_len, pjf_buf *sig)
{
    if ((PyObject *)Py_TYPE(alg_obj) == st->HMACAlgorithm_type) {
        int hidx = pjf_hmac_hash_index(st, alg_obj);
        if (hidx >= 0) {
            unsigned char mac[64];
            Py_ssize_t klen;
            int n = pjf_hmac_key_mac(st, hidx, key, input, input_len, mac, &klen);
            if (n < 0 || pjf_hmac_check_key_length(st, hidx, klen, enforce) < 0)
                return -1;
            return pjf_buf_put(sig, mac, n);
        }
    }
    int palg = pjf_pk_alg_of(st, alg_obj);
    if (palg >= 0) {
        pjf_pkey k;
        int r = pjf_pkey_get(st, key, &k);
        if (r < 0)
            return -1;
        if (r == 0 && pjf_pk_key_fits(palg, &k, 1)) {
            r = pjf_pk_check_key_length(st, palg, &k, enforce);
            if (r == 0)
                r = pjf_pk_sign(st, palg, key, &k, input, input_len, sig);
            pjf_pkey_release(&k);
            return r;
        }
        if (r == 0)
            pjf_pkey_release(&k);
        /* Otherwise PyJWT's own steps below decide, exceptions included. */
    }
    if ((PyObject *)Py_TYPE(alg_obj) == st->NoneAlgorithm_type) {
        int empty = key == Py_None;
        if (!empty && (empty = PyObject_RichCompareBool(key, st->s_empty, Py_EQ)) < 0)
            return -1;
        if (!empty)
            return pjf_raise_int(st->InvalidKeyError, "When alg = \"none\", key value must be None.");
        return 0;
    }
    /* Any other Algorithm: its own prepare_key / check_key_length / sign. */
    PyObject *prepared = NULL, *msg = NULL, *input_obj = NULL, *out = NULL;
    int result = -1;
    prepared = PyObject_CallMethod(alg_obj, "prepare_key", "O", key);
    if (prepared == NULL)
        goto done;
    msg = PyObject_CallMethod(alg_obj, "check_key_length", "O", prepared);
    if (msg == NULL)
        goto done;
    int truthy = PyObject_IsTrue(msg);
    if (truthy < 0)
        goto done;
    if (truthy) {
        PyObject *text = PyObject_Str(msg);   /* warnings.warn(msg) takes any message */
        if (pjf_key_length_problem(st, text, enforce) < 0)
            goto done;
    }
    input_obj = PyBytes_FromStringAndSize(input, input_len);
    if (input_obj == NULL)
        goto done;
    out = PyObject_CallMethod(alg_obj, "sign", "OO", input_obj, prepared);
    if (out == NULL)
        goto done;
    Py_buffer view;
    if (PyObject_GetBuffer(out, &view, PyBUF_SIMPLE) < 0)
        goto done;
    result = pjf_buf_put(sig, view.buf, view.len);
    PyBuffer_Release(&view);
done:
    Py_XDECREF(prepared);
    Py_XDECREF(msg);
    Py_XDECREF(input_obj);
    Py_XDECREF(out);
    return result;
}

/* {"alg":A,"typ":T} with json.dumps's escaping, keys in the order asked. */
static int plain_header(pjf_buf *out, PyObject *alg, PyObject *typ, int with_typ, int sort_keys)
{
    if (!with_typ)
        return pjf_buf_put(out, "{\"alg\":", 7) < 0 || pjf_json_encode(out, alg, 0) != 0
                   || pjf_buf_putc(out, '}') < 0 ? -1 : 0;
    if (sort_keys)
        return pjf_buf_put(out, "{\"alg\":", 7) < 0 || pjf_json_encode(out, alg, 0) != 0
                   || pjf_buf_put(out, ",\"typ\":", 7) < 0 || pjf_json_encode(out, typ, 0) != 0
                   || pjf_buf_putc(out, '}') < 0 ? -1 : 0;
    return pjf_buf_put(out, "{\"typ\":", 7) < 0 || pjf_json_encode(out, typ, 0) != 0
               || pjf_buf_put(out, ",\"alg\":", 7) < 0 || pjf_json_encode(out, alg, 0) != 0
               || pjf_buf_putc(out, '}') < 0 ? -1 : 0;
}

#define FLAT_HEADER_MAX 8

/* A value json.dumps writes without running user code, the same way as the
 * C encoder. */
static int plain_scalar(PyObject *v)
{
    return PyUnicode_CheckExact(v) || PyLong_CheckExact(v) || PyFloat_CheckExact(v) || PyBool_Check(v)
           || v == Py_None;
}

/* The header of a call with a small headers dict of str keys and scalar
 * values ({"kid": ...}), written without building the dict PyJWS.encode
 * builds: {"typ", "alg"} updated with headers in place, typ dropped when
 * falsy, b64 dropped, keys sorted when asked. 0 done, -1 error, 1 when the
 * headers are of another shape (nothing written). No user code runs: every
 * key and value is an exact str or scalar. */
static int flat_header(pjf_state *st, pjf_buf *out, PyObject *typ, PyObject *alg, PyObject *headers,
                       int sort_headers)
{
    PyObject *keys[FLAT_HEADER_MAX + 2], *vals[FLAT_HEADER_MAX + 2];
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    if (PyDict_GET_SIZE(headers) > FLAT_HEADER_MAX || !plain_scalar(typ) || !plain_scalar(alg))
        return 1;
    while (PyDict_Next(headers, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k) || !plain_scalar(v))
            return 1;
    }
    if (pjf_validate_headers(st, headers, 1) < 0)
        return -1;
    int m = 0;
    keys[m] = st->s_typ;
    vals[m++] = typ;
    keys[m] = st->s_alg;
    vals[m++] = alg;
    pos = 0;
    while (PyDict_Next(headers, &pos, &k, &v)) {
        int i = 0;
        while (i < m && PyUnicode_Compare(keys[i], k) != 0)
            i++;
        if (i == m)
            keys[m++] = k;
        vals[i] = v;
    }
    /* del header["typ"] when falsy (a scalar's truth runs no user code);
     * del header["b64"] (false b64 took the Python path earlier). */
    int w = 0;
    for (int i = 0; i < m; i++) {
        if (i == 0 && PyObject_IsTrue(vals[0]) == 0)
            continue;
        if (PyUnicode_Compare(keys[i], st->s_b64) == 0)
            continue;
        keys[w] = keys[i];
        vals[w++] = vals[i];
    }
    m = w;
    if (sort_headers) {
        for (int i = 1; i < m; i++) {
            PyObject *kk = keys[i], *vv = vals[i];
            int j = i;
            while (j > 0 && PyUnicode_Compare(keys[j - 1], kk) > 0) {
                keys[j] = keys[j - 1];
                vals[j] = vals[j - 1];
                j--;
            }
            keys[j] = kk;
            vals[j] = vv;
        }
    }
    Py_ssize_t start = out->len;
    if (pjf_buf_putc(out, '{') < 0)
        return -1;
    for (int i = 0; i < m; i++) {
        if ((i > 0 && pjf_buf_putc(out, ',') < 0) || pjf_json_encode(out, keys[i], 0) != 0
            || pjf_buf_putc(out, ':') < 0)
            goto fail;
        int r = pjf_json_encode(out, vals[i], 0);
        if (r != 0)
            goto fail;
    }
    if (pjf_buf_putc(out, '}') < 0)
        return -1;
    return 0;
fail:
    if (PyErr_Occurred())
        return -1;
    out->len = start;   /* the encoder deferred: the general path decides */
    return 1;
}

/* Appends the header JSON PyJWS.encode writes: {"typ": header_typ, "alg":
 * alg} updated with headers, typ dropped when falsy, b64 dropped. */
static int header_json(pjf_state *st, pjf_buf *out, PyObject *typ, PyObject *alg, PyObject *headers,
                       PyObject *json_encoder, int sort_headers)
{
    int result = -1;
    PyObject *header = NULL;
    if (headers == NULL && PyUnicode_CheckExact(alg) && PyUnicode_CheckExact(typ)) {
        /* The usual header: no dict, no sort. Strings never defer. */
        Py_ssize_t start = out->len;
        if (plain_header(out, alg, typ, PyUnicode_GET_LENGTH(typ) > 0, sort_headers) == 0)
            return 0;
        if (PyErr_Occurred())
            return -1;
        out->len = start;
    }
    if (headers != NULL) {
        int r = flat_header(st, out, typ, alg, headers, sort_headers);
        if (r <= 0)
            return r;
    }
    header = PyDict_New();
    if (header == NULL || PyDict_SetItem(header, st->s_typ, typ) < 0
        || PyDict_SetItem(header, st->s_alg, alg) < 0)
        goto done;
    if (headers != NULL && (pjf_validate_headers(st, headers, 1) < 0 || PyDict_Update(header, headers) < 0))
        goto done;
    /* header["typ"] is always there: update() cannot remove it. */
    PyObject *typv = PyDict_GetItemWithError(header, st->s_typ);
    int typ_set = PyErr_Occurred() ? -1 : 0;
    if (typv != NULL) {
        Py_INCREF(typv);   /* its __bool__ is user code */
        typ_set = PyObject_IsTrue(typv);
        Py_DECREF(typv);
    }
    int has_b64 = typ_set < 0 ? -1 : PyDict_Contains(header, st->s_b64);
    if (has_b64 < 0 || (!typ_set && PyDict_DelItem(header, st->s_typ) < 0)
        || (has_b64 && PyDict_DelItem(header, st->s_b64) < 0))
        goto done;
    result = dump_json(st, out, header, json_encoder, 1, sort_headers);
done:
    Py_XDECREF(header);
    return result;
}

/* A short all-ASCII str's characters, or NULL. */
static const char *short_ascii(PyObject *s, Py_ssize_t *len)
{
    if (!PyUnicode_CheckExact(s) || !PyUnicode_IS_COMPACT_ASCII(s)
        || PyUnicode_GET_LENGTH(s) > PJF_EHCACHE_STR)
        return NULL;
    *len = PyUnicode_GET_LENGTH(s);
    return (const char *)PyUnicode_DATA(s);
}

/* A short ASCII text: first in its str, then copied to the stack (the
 * cache key must not point into objects that code run later could release). */
typedef struct {
    const char *text;
    Py_ssize_t len;
} key_part;

/* The one pair of a headers argument the segment cache can key on: an exact
 * str key other than alg, typ and b64 (which change the header's shape)
 * with an exact str value, both short ASCII. 1 and the parts, or 0. */
static int single_pair(PyObject *headers, key_part *k, key_part *v)
{
    Py_ssize_t pos = 0;
    PyObject *ko, *vo;
    if (PyDict_GET_SIZE(headers) != 1 || !PyDict_Next(headers, &pos, &ko, &vo))
        return 0;
    if ((k->text = short_ascii(ko, &k->len)) == NULL || (v->text = short_ascii(vo, &v->len)) == NULL)
        return 0;
    static const char *const shaping[] = {"alg", "typ", "b64"};
    for (int i = 0; i < 3; i++)
        if (k->len == 3 && memcmp(k->text, shaping[i], 3) == 0)
            return 0;
    return 1;
}

/* Appends the header segment (base64url of the header JSON) to buf, using
 * json as scratch space past its current end. The header of the usual call
 * is a function of alg, typ, the key order and at most one str pair of
 * headers ({"kid": ...}): its segment is kept for the next call. */
static int header_segment(pjf_state *st, pjf_buf *buf, pjf_buf *json, PyObject *jws, PyObject *alg,
                          PyObject *headers, PyObject *json_encoder, int sort_headers)
{
    PyObject *typ = PyObject_GetAttr(jws, st->s_header_typ);
    if (typ == NULL)
        return -1;
    Py_ssize_t alen = 0, tlen = 0;
    key_part hk = {NULL, 0}, hv = {NULL, 0};
    char kbuf[PJF_EHCACHE_STR], vbuf[PJF_EHCACHE_STR];
    int has_pair = headers != NULL;
    const char *a = NULL, *t = NULL;
    if (!has_pair || single_pair(headers, &hk, &hv)) {
        a = short_ascii(alg, &alen);
        t = a != NULL ? short_ascii(typ, &tlen) : NULL;
    }
    if (t != NULL && has_pair) {
        memcpy(kbuf, hk.text, (size_t)hk.len);
        memcpy(vbuf, hv.text, (size_t)hv.len);
        hk.text = kbuf;
        hv.text = vbuf;
    }
    int sorted = sort_headers != 0;
    if (t != NULL) {
        for (int i = 0; i < PJF_EHCACHE_SLOTS; i++) {
            if (st->ehcache[i].used && st->ehcache[i].sorted == sorted && st->ehcache[i].alg_len == alen
                && st->ehcache[i].typ_len == tlen && st->ehcache[i].has_pair == has_pair
                && memcmp(st->ehcache[i].alg, a, (size_t)alen) == 0
                && memcmp(st->ehcache[i].typ, t, (size_t)tlen) == 0
                && (!has_pair
                    || (st->ehcache[i].key_len == hk.len && st->ehcache[i].val_len == hv.len
                        && memcmp(st->ehcache[i].key, hk.text, (size_t)hk.len) == 0
                        && memcmp(st->ehcache[i].val, hv.text, (size_t)hv.len) == 0))) {
                Py_DECREF(typ);
                return pjf_buf_put(buf, st->ehcache[i].seg, st->ehcache[i].seg_len);
            }
        }
    }
    Py_ssize_t start = json->len, seg_start = buf->len;
    int r = header_json(st, json, typ, alg, headers, json_encoder, sort_headers);
    if (r < 0 || append_b64(buf, json->data + start, json->len - start) < 0) {
        Py_DECREF(typ);
        return -1;
    }
    json->len = start;
    Py_ssize_t seg_len = buf->len - seg_start;
    if (t != NULL && seg_len <= PJF_EHCACHE_SEG) {
        int i = st->ehcache_next;
        st->ehcache_next = (i + 1) % PJF_EHCACHE_SLOTS;
        st->ehcache[i].used = 1;
        st->ehcache[i].sorted = sorted;
        st->ehcache[i].has_pair = has_pair;
        st->ehcache[i].alg_len = alen;
        st->ehcache[i].typ_len = tlen;
        st->ehcache[i].key_len = hk.len;
        st->ehcache[i].val_len = hv.len;
        memcpy(st->ehcache[i].alg, a, (size_t)alen);
        memcpy(st->ehcache[i].typ, t, (size_t)tlen);
        if (has_pair) {
            memcpy(st->ehcache[i].key, hk.text, (size_t)hk.len);
            memcpy(st->ehcache[i].val, hv.text, (size_t)hv.len);
        }
        memcpy(st->ehcache[i].seg, buf->data + seg_start, (size_t)seg_len);
        st->ehcache[i].seg_len = seg_len;
    }
    Py_DECREF(typ);   /* only now: t points into it */
    return 0;
}

static PyObject *not_implemented(void)
{
    Py_RETURN_NOTIMPLEMENTED;
}

/* jwt_encode(self, payload, key, algorithm, headers, json_encoder, sort_headers)
 * -> str, or NotImplemented when the call needs the Python path (decided
 * before anything observable happens). */
PyObject *pjf_jwt_encode(pjf_state *st, PyObject *const *args)
{
    if (pjf_check_ready(st) < 0)
        return NULL;
    PyObject *self = args[0], *payload = args[1], *key = args[2], *algorithm = args[3];
    PyObject *headers = args[4], *json_encoder = args[5];
    int sort_headers = PyObject_IsTrue(args[6]);
    PyObject *jws = NULL, *jws_opts = NULL, *table = NULL, *alg_obj = NULL;
    PyObject *prepared = NULL, *result = NULL;
    pjf_buf buf, sig, json;
    pjf_buf_init(&buf);
    pjf_buf_init(&sig);
    pjf_buf_init(&json);

    if (sort_headers < 0)
        return NULL;
    if ((PyObject *)Py_TYPE(self) != st->PyJWT_type || !PyDict_CheckExact(payload)
        || (headers != Py_None && !PyDict_CheckExact(headers)))
        return not_implemented();
    int simple = simple_encoder(st, json_encoder);
    if (simple < 0)
        return NULL;
    if (!simple)
        return not_implemented();
    /* A PyJWK names the default algorithm and signs with its key; the
     * algorithm object still comes from the table (PyJWS.encode). */
    pjf_jwk jwk;
    int is_jwk;
    int jr = pjf_jwk_unwrap(st, &key, &jwk, &is_jwk);
    if (jr != 0)
        return jr < 0 ? NULL : not_implemented();   /* a PyJWK subclass: Python path */
    int have_headers = headers != Py_None && PyDict_GET_SIZE(headers) > 0;
    if (have_headers) {
        PyObject *b64 = PyDict_GetItemWithError(headers, st->s_b64);
        if (b64 == Py_False)
            goto defer;   /* detached payloads: Python path */
        if (b64 == NULL && PyErr_Occurred())
            goto error;
    }
    jws = PyObject_GetAttr(self, st->s_jws);
    if (jws == NULL)
        goto error;
    if ((PyObject *)Py_TYPE(jws) != st->PyJWS_type)
        goto defer;
    jws_opts = PyObject_GetAttr(jws, st->s_options);
    if (jws_opts == NULL)
        goto error;
    table = PyObject_GetAttr(jws, st->s_algorithms);
    if (table == NULL)
        goto error;
    if (!PyDict_CheckExact(jws_opts) || !PyDict_CheckExact(table))
        goto defer;

    /* PyJWT.encode: payload checks and JSON. */
    prepared = prepare_payload(st, payload);
    if (prepared == NULL)
        goto error;
    if (dump_json(st, &json, prepared, json_encoder, 1, 0) < 0)
        goto error;

    /* PyJWS.encode: the algorithm and the header. */
    PyObject *alg;
    if ((algorithm == st->algorithm_unset || algorithm == Py_None) && is_jwk)
        alg = Py_NewRef(jwk.name);
    else if (algorithm == st->algorithm_unset)
        alg = PyUnicode_FromString("HS256");
    else if (algorithm == Py_None)
        alg = PyUnicode_FromString("none");
    else
        alg = Py_NewRef(algorithm);
    if (alg == NULL)
        goto error;
    if (have_headers) {
        PyObject *halg = PyDict_GetItemWithError(headers, st->s_alg);
        if (halg == NULL && PyErr_Occurred()) {
            Py_DECREF(alg);
            goto error;
        }
        int truthy = halg ? PyObject_IsTrue(halg) : 0;
        if (truthy < 0) {
            Py_DECREF(alg);
            goto error;
        }
        if (truthy)
            Py_SETREF(alg, Py_NewRef(halg));
    }
    if (header_segment(st, &buf, &json, jws, alg, have_headers ? headers : NULL, json_encoder, sort_headers) < 0
        || pjf_buf_putc(&buf, '.') < 0 || append_b64(&buf, json.data, json.len) < 0) {
        Py_DECREF(alg);
        goto error;
    }

    alg_obj = PyDict_GetItemWithError(table, alg);
    Py_XINCREF(alg_obj);
    Py_DECREF(alg);
    if (alg_obj == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_NotImplementedError, "Algorithm not supported");
        goto error;
    }
    PyObject *enf = PyDict_GetItemWithError(jws_opts, st->s_enforce_minimum_key_length);
    if (enf == NULL && PyErr_Occurred())
        goto error;
    int enforce = enf ? PyObject_IsTrue(enf) : 0;
    if (enforce < 0)
        goto error;
    if (sign(st, alg_obj, key, enforce, buf.data, buf.len, &sig) < 0)
        goto error;

    size_t siglen = pjf_b64url_encoded_len((size_t)sig.len);
    result = PyUnicode_New(buf.len + 1 + (Py_ssize_t)siglen, 127);
    if (result == NULL)
        goto error;
    char *out = (char *)PyUnicode_1BYTE_DATA(result);
    memcpy(out, buf.data, (size_t)buf.len);
    out[buf.len] = '.';
    pjf_b64url_encode(out + buf.len + 1, (const uint8_t *)sig.data, (size_t)sig.len);
    goto done;

defer:
    result = not_implemented();
    goto done;
error:
    assert(PyErr_Occurred());
    result = NULL;
done:
    Py_XDECREF(jws);
    Py_XDECREF(jws_opts);
    Py_XDECREF(table);
    Py_XDECREF(alg_obj);
    Py_XDECREF(prepared);
    pjf_jwk_release(&jwk);
    pjf_buf_free(&buf);
    pjf_buf_free(&json);
    pjf_buf_free(&sig);
    return result;
}

static PyObject *jwt_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7)
        return pjf_raise(PyExc_TypeError, "jwt_encode takes 7 arguments");
    return pjf_jwt_encode(pjf_get_state(module), args);
}

/* dumps(obj, json_encoder, sort_keys) -> bytes: the JSON of PyJWT's encode
 * (C encoder, json.dumps for what it defers), for the Python path. */
static PyObject *py_dumps(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 3)
        return pjf_raise(PyExc_TypeError, "dumps(obj, json_encoder, sort_keys)");
    int sort_keys = PyObject_IsTrue(args[2]);
    if (sort_keys < 0 || pjf_check_ready(st) < 0)
        return NULL;
    int simple = simple_encoder(st, args[1]);
    if (simple < 0)
        return NULL;
    pjf_buf out;
    pjf_buf_init(&out);
    PyObject *r = NULL;
    if (dump_json(st, &out, args[0], args[1], simple, sort_keys) == 0)
        r = PyBytes_FromStringAndSize(out.data, out.len);
    pjf_buf_free(&out);
    return r;
}

PyMethodDef pjf_encode_methods[] = {
    {"jwt_encode", (PyCFunction)(void (*)(void))jwt_encode, METH_FASTCALL,
     "PyJWT.encode in one call, or NotImplemented."},
    {"dumps", (PyCFunction)(void (*)(void))py_dumps, METH_FASTCALL,
     "json.dumps(obj, separators=(',', ':'), cls=..., sort_keys=...).encode()."},
    {NULL, NULL, 0, NULL},
};
