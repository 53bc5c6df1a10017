/* pyjwt_fast._native: module state, multi-phase init, the shared helpers
 * and the small functions (base64url, JSON test hooks, _setup). */
#include "pjf.h"
#include "b64url.h"

#include <openssl/err.h>

/* ------------------------------------------------------------------ */
/* Shared helpers                                                     */

int pjf_buf_grow(pjf_buf *b, Py_ssize_t extra)
{
    if (extra > PY_SSIZE_T_MAX / 2 - b->len) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t need = b->len + extra;
    Py_ssize_t cap = b->cap * 2;
    if (cap < need)
        cap = need;
    char *p;
    if (b->data == b->small) {
        p = PyMem_Malloc((size_t)cap);
        if (p != NULL)
            memcpy(p, b->small, (size_t)b->len);
    }
    else {
        p = PyMem_Realloc(b->data, (size_t)cap);
    }
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

PyObject *pjf_raise(PyObject *cls, const char *msg)
{
    PyErr_SetString(cls, msg);
    return NULL;
}

int pjf_raise_int(PyObject *cls, const char *msg)
{
    PyErr_SetString(cls, msg);
    return -1;
}

int pjf_check_ready(pjf_state *st)
{
    if (PJF_LIKELY(st->ready))
        return 0;
    PyErr_SetString(PyExc_RuntimeError, "pyjwt_fast._native used before pyjwt_fast was imported");
    return -1;
}

int pjf_key_length_problem(pjf_state *st, PyObject *msg, int enforce)
{
    if (msg == NULL)
        return -1;
    int r = -1;
    if (enforce) {
        PyErr_SetObject(st->InvalidKeyError, msg);
    }
    else {
        const char *text = PyUnicode_AsUTF8(msg);
        if (text != NULL)
            r = PyErr_WarnEx(st->InsecureKeyLengthWarning, text, 1);
    }
    Py_DECREF(msg);
    return r;
}

int pjf_is_pyjwk(pjf_state *st, PyObject *key)
{
    if (PyUnicode_Check(key) || PyBytes_Check(key) || key == Py_None)
        return 0;
    return PyObject_IsInstance(key, st->PyJWK_type);
}

int pjf_jwk_parts(pjf_state *st, PyObject *jwk, pjf_jwk *out)
{
    out->name = out->alg_obj = out->key = NULL;
    if ((PyObject *)Py_TYPE(jwk) != st->PyJWK_type)
        return 1;
    out->name = PyObject_GetAttr(jwk, st->s_algorithm_name);
    out->alg_obj = out->name ? PyObject_GetAttr(jwk, st->s_Algorithm) : NULL;
    out->key = out->alg_obj ? PyObject_GetAttr(jwk, st->s_key) : NULL;
    if (out->key == NULL) {
        pjf_jwk_release(out);
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();   /* a PyJWK missing a part: PyJWT's own steps decide */
        return 1;
    }
    return 0;
}

int pjf_jwk_unwrap(pjf_state *st, PyObject **key, pjf_jwk *jwk, int *is_jwk)
{
    jwk->name = jwk->alg_obj = jwk->key = NULL;
    *is_jwk = pjf_is_pyjwk(st, *key);
    if (*is_jwk <= 0)
        return *is_jwk;
    int r = pjf_jwk_parts(st, *key, jwk);
    if (r == 0)
        *key = jwk->key;
    return r;
}

void pjf_jwk_release(pjf_jwk *j)
{
    Py_CLEAR(j->name);
    Py_CLEAR(j->alg_obj);
    Py_CLEAR(j->key);
}

void pjf_clear_openssl_errors(void)
{
    ERR_clear_error();
}

/* ------------------------------------------------------------------ */
/* _setup(**objects): the Python layer hands over its classes.        */

typedef struct {
    const char *name;
    size_t offset;
} setup_slot;

#define SLOT(field) {#field, offsetof(pjf_state, field)}
static const setup_slot setup_slots[] = {
    SLOT(PyJWTError),
    SLOT(InvalidTokenError),
    SLOT(DecodeError),
    SLOT(InvalidSignatureError),
    SLOT(ExpiredSignatureError),
    SLOT(InvalidAudienceError),
    SLOT(InvalidIssuerError),
    SLOT(InvalidIssuedAtError),
    SLOT(ImmatureSignatureError),
    SLOT(InvalidKeyError),
    SLOT(InvalidAlgorithmError),
    SLOT(MissingRequiredClaimError),
    SLOT(InvalidSubjectError),
    SLOT(InvalidJTIError),
    SLOT(InsecureKeyLengthWarning),
    SLOT(PyJWT_type),
    SLOT(PyJWS_type),
    SLOT(HMACAlgorithm_type),
    SLOT(NoneAlgorithm_type),
    SLOT(algorithm_unset),
    SLOT(json_loads),
    SLOT(json_dumps),
    SLOT(JSONEncoder),
    SLOT(datetime_type),
    SLOT(timedelta_type),
    SLOT(Iterable),
    SLOT(timegm_utc),
    SLOT(jwk_shaped),
    SLOT(default_options),
    SLOT(RSAAlgorithm_type),
    SLOT(RSAPSSAlgorithm_type),
    SLOT(ECAlgorithm_type),
    SLOT(OKPAlgorithm_type),
    SLOT(key_der),
    SLOT(PyJWK_type),
    {"pk_sha256", offsetof(pjf_state, pk_hashes) + 0 * sizeof(PyObject *)},
    {"pk_sha384", offsetof(pjf_state, pk_hashes) + 1 * sizeof(PyObject *)},
    {"pk_sha512", offsetof(pjf_state, pk_hashes) + 2 * sizeof(PyObject *)},
    {"curve_p256", offsetof(pjf_state, pk_curves) + 0 * sizeof(PyObject *)},
    {"curve_p384", offsetof(pjf_state, pk_curves) + 1 * sizeof(PyObject *)},
    {"curve_p521", offsetof(pjf_state, pk_curves) + 2 * sizeof(PyObject *)},
    {"curve_k256", offsetof(pjf_state, pk_curves) + 3 * sizeof(PyObject *)},
    {"sha256", offsetof(pjf_state, hash_funcs) + 0 * sizeof(PyObject *)},
    {"sha384", offsetof(pjf_state, hash_funcs) + 1 * sizeof(PyObject *)},
    {"sha512", offsetof(pjf_state, hash_funcs) + 2 * sizeof(PyObject *)},
};
#undef SLOT
#define N_SETUP_SLOTS (sizeof(setup_slots) / sizeof(setup_slots[0]))

static PyObject *setup(PyObject *module, PyObject *args, PyObject *kwargs)
{
    pjf_state *st = pjf_get_state(module);
    if (PyTuple_GET_SIZE(args) != 0 || kwargs == NULL) {
        PyErr_SetString(PyExc_TypeError, "_setup() takes keyword arguments only");
        return NULL;
    }
    for (size_t i = 0; i < N_SETUP_SLOTS; i++) {
        PyObject *v = PyDict_GetItemString(kwargs, setup_slots[i].name);
        if (v == NULL) {
            PyErr_Format(PyExc_TypeError, "_setup() misses %s", setup_slots[i].name);
            return NULL;
        }
    }
    PyObject *der = PyDict_GetItemString(kwargs, "der_keys");
    if (der == NULL) {
        PyErr_SetString(PyExc_TypeError, "_setup() misses der_keys");
        return NULL;
    }
    if (PyDict_GET_SIZE(kwargs) != (Py_ssize_t)N_SETUP_SLOTS + 1) {
        PyErr_SetString(PyExc_TypeError, "_setup() got unexpected arguments");
        return NULL;
    }
    for (size_t i = 0; i < N_SETUP_SLOTS; i++) {
        PyObject **slot = (PyObject **)((char *)st + setup_slots[i].offset);
        PyObject *v = PyDict_GetItemString(kwargs, setup_slots[i].name);
        Py_XSETREF(*slot, Py_NewRef(v));
    }
    st->der_keys = PyObject_IsTrue(der);
    if (st->der_keys < 0)
        return NULL;
    st->ready = 1;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* base64url                                                          */

static int as_bytes_view(PyObject *obj, const char **data, Py_ssize_t *len)
{
    if (PyBytes_Check(obj)) {
        *data = PyBytes_AS_STRING(obj);
        *len = PyBytes_GET_SIZE(obj);
        return 0;
    }
    if (PyUnicode_Check(obj)) {
        *data = PyUnicode_AsUTF8AndSize(obj, len);
        return *data == NULL ? -1 : 0;
    }
    PyErr_SetString(PyExc_TypeError, "Expected a string or bytes value");
    return -1;
}

static PyObject *b64url_encode(PyObject *module, PyObject *arg)
{
    (void)module;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    size_t n = pjf_b64url_encoded_len((size_t)view.len);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (out != NULL)
        pjf_b64url_encode(PyBytes_AS_STRING(out), view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    return out;
}

/* b64url_decode_segment(segment, name): PyJWS._decode_base64url_segment. */
static PyObject *b64url_decode_segment(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    const char *data;
    Py_ssize_t len;
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "b64url_decode_segment(segment, name: str)");
        return NULL;
    }
    if (pjf_check_ready(st) < 0 || as_bytes_view(args[0], &data, &len) < 0)
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)pjf_b64url_decoded_max((size_t)len));
    if (out == NULL)
        return NULL;
    ptrdiff_t n = pjf_b64url_decode((uint8_t *)PyBytes_AS_STRING(out), data, (size_t)len);
    if (n < 0) {
        Py_DECREF(out);
        PyErr_Format(st->DecodeError, "Invalid %U padding", args[1]);
        return NULL;
    }
    if (_PyBytes_Resize(&out, (Py_ssize_t)n) < 0)
        return NULL;
    return out;
}

/* ------------------------------------------------------------------ */
/* JSON: exact loads, and hooks for the tests of the C codec.          */

PyObject *pjf_json_loads_exact(pjf_state *st, const char *s, Py_ssize_t n)
{
    PyObject *result = NULL;
    int r = pjf_json_decode(s, n, &result, &st->keys);
    if (r == 0)
        return result;
    if (r < 0)
        return NULL;
    if (r == PJF_JSON_TOO_DEEP_ARRAY || r == PJF_JSON_TOO_DEEP_OBJECT) {
        PyErr_Format(PyExc_RecursionError,
                     "maximum recursion depth exceeded while decoding a JSON %s from a unicode string",
                     r == PJF_JSON_TOO_DEEP_ARRAY ? "array" : "object");
        return NULL;
    }
    PyObject *b = PyBytes_FromStringAndSize(s, n);
    if (b == NULL)
        return NULL;
    result = PyObject_CallOneArg(st->json_loads, b);
    Py_DECREF(b);
    return result;
}

static PyObject *json_dumps_hook(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "_json_dumps(obj, sort_keys)");
        return NULL;
    }
    int sort_keys = PyObject_IsTrue(args[1]);
    if (sort_keys < 0)
        return NULL;
    pjf_buf buf;
    pjf_buf_init(&buf);
    int r = pjf_json_encode(&buf, args[0], sort_keys);
    PyObject *out = NULL;
    if (r == 0)
        out = PyBytes_FromStringAndSize(buf.data, buf.len);
    else if (r == PJF_DEFER) {
        assert(!PyErr_Occurred());
        out = Py_NewRef(Py_None);
    }
    pjf_buf_free(&buf);
    return out;
}

static PyObject *json_loads_hook(PyObject *module, PyObject *arg)
{
    (void)module;
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "_json_loads(data: bytes)");
        return NULL;
    }
    PyObject *value = NULL;
    int r = pjf_json_decode(PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg), &value,
                            &pjf_get_state(module)->keys);
    if (r < 0)
        return NULL;
    if (r != 0) {
        assert(!PyErr_Occurred());
        Py_RETURN_NONE;
    }
    PyObject *t = PyTuple_Pack(1, value);
    Py_DECREF(value);
    return t;
}

/* json_loads(data): json.loads(data) through the C decoder first. */
static PyObject *json_loads_exact(PyObject *module, PyObject *arg)
{
    pjf_state *st = pjf_get_state(module);
    if (pjf_check_ready(st) < 0)
        return NULL;
    if (!PyBytes_Check(arg))
        return PyObject_CallOneArg(st->json_loads, arg);
    return pjf_json_loads_exact(st, PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg));
}

static PyMethodDef module_methods[] = {
    {"_setup", (PyCFunction)(void (*)(void))setup, METH_VARARGS | METH_KEYWORDS,
     "Hands the Python layer's classes to the extension (called once on import)."},
    {"b64url_encode", b64url_encode, METH_O, "base64url without padding."},
    {"b64url_decode_segment", (PyCFunction)(void (*)(void))b64url_decode_segment, METH_FASTCALL,
     "Decodes one token segment as PyJWS does; DecodeError('Invalid <name> padding')."},
    {"json_loads", json_loads_exact, METH_O, "json.loads, C decoder first."},
    {"_json_dumps", (PyCFunction)(void (*)(void))json_dumps_hook, METH_FASTCALL,
     "Test hook: the C JSON encoder's output, or None when it defers."},
    {"_json_loads", json_loads_hook, METH_O,
     "Test hook: (value,) from the C JSON decoder, or None when it defers."},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------------ */
/* Module state lifecycle                                             */

static int intern(PyObject **slot, const char *s)
{
    *slot = PyUnicode_InternFromString(s);
    return *slot == NULL ? -1 : 0;
}

static int module_exec(PyObject *module)
{
    pjf_state *st = pjf_get_state(module);
    static const char *const digests[3] = {"SHA256", "SHA384", "SHA512"};

    if (PyModule_AddFunctions(module, pjf_hmac_methods) < 0
        || PyModule_AddFunctions(module, pjf_decode_methods) < 0
        || PyModule_AddFunctions(module, pjf_encode_methods) < 0
        || PyModule_AddFunctions(module, pjf_claims_methods) < 0
        || PyModule_AddFunctions(module, pjf_pkey_methods) < 0)
        return -1;

#define I(name) if (intern(&st->s_##name, #name) < 0) return -1
    I(alg); I(typ); I(kid); I(crit); I(b64);
    I(exp); I(iat); I(nbf); I(iss); I(aud); I(sub); I(jti);
    I(payload); I(header); I(signature);
    I(options); I(header_typ); I(hash_alg);
    I(verify_signature); I(verify_exp); I(verify_nbf); I(verify_iat);
    I(verify_aud); I(verify_iss); I(verify_sub); I(verify_jti);
    I(require); I(strict_aud); I(enforce_minimum_key_length);
    I(total_seconds); I(default); I(algorithm_name); I(Algorithm); I(key);
#undef I
    if (intern(&st->s_jws, "_jws") < 0 || intern(&st->s_empty, "") < 0
        || intern(&st->s_algorithms, "_algorithms") < 0)
        return -1;
    st->sep_tuple = Py_BuildValue("(ss)", ",", ":");
    st->zero = PyLong_FromLong(0);
    if (st->sep_tuple == NULL || st->zero == NULL || pjf_fastcall_init(module, st) < 0)
        return -1;

    for (int i = 0; i < 3; i++) {
        st->md[i] = EVP_MD_fetch(NULL, digests[i], NULL);
        if (st->md[i] == NULL) {
            pjf_clear_openssl_errors();
            PyErr_Format(PyExc_ImportError, "OpenSSL has no %s", digests[i]);
            return -1;
        }
    }
    st->work = EVP_MD_CTX_new();
    if (st->work == NULL) {
        PyErr_NoMemory();
        return -1;
    }

    if (PyModule_AddIntConstant(module, "MAX_TOKEN_LENGTH", PJF_MAX_TOKEN_LEN) < 0
        || PyModule_AddIntConstant(module, "JSON_MAX_DEPTH", PJF_JSON_MAX_DEPTH) < 0
        || PyModule_AddStringConstant(module, "OPENSSL_VERSION", OpenSSL_version(OPENSSL_VERSION)) < 0
        || PyModule_AddIntConstant(module, "OPENSSL_VERSION_NUMBER", (long)OpenSSL_version_num()) < 0
        || PyModule_AddIntConstant(module, "PKD_P384", PJF_PKD_P384) < 0
        || PyModule_AddIntConstant(module, "PKD_P521", PJF_PKD_P521) < 0
        || PyModule_AddIntConstant(module, "PKD_ED25519", PJF_PKD_ED25519) < 0
        || PyModule_AddIntConstant(module, "PKD_ED448", PJF_PKD_ED448) < 0)
        return -1;
    return 0;
}

#define STATE_OBJECTS(X)                                                       \
    X(PyJWTError) X(InvalidTokenError) X(DecodeError) X(InvalidSignatureError) \
    X(ExpiredSignatureError) X(InvalidAudienceError) X(InvalidIssuerError)     \
    X(InvalidIssuedAtError) X(ImmatureSignatureError) X(InvalidKeyError)       \
    X(InvalidAlgorithmError) X(MissingRequiredClaimError)                     \
    X(InvalidSubjectError) X(InvalidJTIError) X(InsecureKeyLengthWarning)      \
    X(PyJWT_type) X(PyJWS_type) X(HMACAlgorithm_type) X(NoneAlgorithm_type)    \
    X(algorithm_unset) X(hash_funcs[0]) X(hash_funcs[1]) X(hash_funcs[2])      \
    X(json_loads) X(json_dumps) X(JSONEncoder) X(datetime_type)                \
    X(timedelta_type) X(Iterable) X(timegm_utc) X(jwk_shaped)                  \
    X(default_options) X(RSAAlgorithm_type) X(RSAPSSAlgorithm_type)             \
    X(ECAlgorithm_type) X(OKPAlgorithm_type) X(key_der) X(PyJWK_type)          \
    X(pk_hashes[0]) X(pk_hashes[1]) X(pk_hashes[2]) X(pk_curves[0])            \
    X(pk_curves[1]) X(pk_curves[2]) X(pk_curves[3])                            \
    X(s_alg) X(s_typ) X(s_kid) X(s_crit) X(s_b64) X(s_exp) X(s_iat) X(s_nbf)   \
    X(s_iss) X(s_aud) X(s_sub) X(s_jti) X(s_payload) X(s_header)               \
    X(s_signature) X(s_options) X(s_jws) X(s_algorithms) X(s_header_typ)       \
    X(s_hash_alg) X(s_verify_signature) X(s_verify_exp) X(s_verify_nbf)        \
    X(s_verify_iat) X(s_verify_aud) X(s_verify_iss) X(s_verify_sub)            \
    X(s_verify_jti) X(s_require) X(s_strict_aud)                               \
    X(s_enforce_minimum_key_length) X(s_total_seconds) X(s_default)            \
    X(s_empty) X(sep_tuple) X(FastMethod_type) X(zero)                         \
    X(s_algorithm_name) X(s_Algorithm) X(s_key) X(pk_delegate)

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    pjf_state *st = pjf_get_state(module);
    if (st == NULL)
        return 0;
#define X(f) Py_VISIT(st->f);
    STATE_OBJECTS(X)
#undef X
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 10; i++)
            Py_VISIT(st->param_names[k][i]);
    for (int i = 0; i < PJF_HCACHE_SLOTS; i++)
        Py_VISIT(st->hcache[i].header);
    for (int i = 0; i < PJF_KEYCACHE_SLOTS; i++)
        Py_VISIT(st->keys.slot[i].str);
    return 0;
}

static int module_clear(PyObject *module)
{
    pjf_state *st = pjf_get_state(module);
    if (st == NULL)
        return 0;
#define X(f) Py_CLEAR(st->f);
    STATE_OBJECTS(X)
#undef X
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 10; i++)
            Py_CLEAR(st->param_names[k][i]);
    for (int i = 0; i < PJF_HCACHE_SLOTS; i++) {
        Py_CLEAR(st->hcache[i].header);
        st->hcache[i].len = 0;
    }
    for (int i = 0; i < PJF_KEYCACHE_SLOTS; i++) {
        Py_CLEAR(st->keys.slot[i].str);
        st->keys.slot[i].len = 0;
    }
    st->ready = 0;
    return 0;
}

static void module_free(void *module)
{
    pjf_state *st = pjf_get_state((PyObject *)module);
    if (st == NULL)
        return;
    module_clear((PyObject *)module);
    pjf_hmac_cache_free(st->hmac_cache);
    st->hmac_cache = NULL;
    pjf_pk_cache_free(st->pk_cache);
    st->pk_cache = NULL;
    EVP_MD_CTX_free(st->work);
    st->work = NULL;
    for (int i = 0; i < 3; i++) {
        EVP_MD_free(st->md[i]);
        st->md[i] = NULL;
    }
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, (void *)module_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pyjwt_fast._native",
    .m_doc = "The C core of pyjwt_fast: JSON, base64url, HMAC, token encode/decode.",
    .m_size = sizeof(pjf_state),
    .m_methods = module_methods,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__native(void)
{
    return PyModuleDef_Init(&module_def);
}
