/* Registered-claim validation, in PyJWT 2.15.1's order with its exceptions
 * and messages. Used by the one-call decode and, one claim at a time, by the
 * PyJWT._validate_* methods, so both paths share this code. */
#include "pjf.h"

#include <math.h>
#include <time.h>

/* datetime.now(tz=timezone.utc).timestamp(): microseconds, then seconds. */
double pjf_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long us = (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
    return (double)us / 1e6;
}

/* int(value) as PyJWT calls it: 0 and a new reference; 1 when int() raised
 * ValueError, TypeError or OverflowError (cleared); -1 on other errors. */
static int claim_int(PyObject *v, PyObject **out)
{
    if (PyLong_CheckExact(v)) {
        *out = Py_NewRef(v);
        return 0;
    }
    *out = PyNumber_Long(v);
    if (*out != NULL)
        return 0;
    if (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_TypeError)
        || PyErr_ExceptionMatches(PyExc_OverflowError)) {
        PyErr_Clear();
        return 1;
    }
    return -1;
}

/* Evaluates `value OP (now + sign * leeway)` with Python's semantics
 * (float + int conversion, exact int/float comparison). 1/0, or -1. */
static int compare_to_bound(PyObject *value, double now, PyObject *leeway, int sign, int op)
{
    double lw;
    int have_lw = 0;
    if (PyFloat_CheckExact(leeway)) {
        lw = PyFloat_AS_DOUBLE(leeway);
        have_lw = 1;
    }
    else if (PyLong_CheckExact(leeway)) {
        lw = PyLong_AsDouble(leeway); /* what float + int does, OverflowError included */
        if (lw == -1.0 && PyErr_Occurred())
            return -1;
        have_lw = 1;
    }
    if (have_lw) {
        double bound = sign > 0 ? now + lw : now - lw;
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (!overflow && v <= (1LL << 53) && v >= -(1LL << 53)) {
            double dv = (double)v;
            switch (op) {
            case Py_GT: return dv > bound;
            case Py_LE: return dv <= bound;
            default: break;
            }
        }
        PyObject *b = PyFloat_FromDouble(bound);
        if (b == NULL)
            return -1;
        int r = PyObject_RichCompareBool(value, b, op);
        Py_DECREF(b);
        return r;
    }
    PyObject *nowobj = PyFloat_FromDouble(now);
    if (nowobj == NULL)
        return -1;
    PyObject *b = sign > 0 ? PyNumber_Add(nowobj, leeway) : PyNumber_Subtract(nowobj, leeway);
    Py_DECREF(nowobj);
    if (b == NULL)
        return -1;
    int r = PyObject_RichCompareBool(value, b, op);
    Py_DECREF(b);
    return r;
}

/* Shared shape of iat / nbf / exp: int() the claim, compare, raise. */
static int validate_time(PyObject *value, double now, PyObject *leeway, int sign, int op,
                         PyObject *conv_exc, const char *conv_msg,
                         PyObject *cmp_exc, const char *cmp_msg)
{
    PyObject *iv;
    int r = claim_int(value, &iv);
    if (r < 0)
        return -1;
    if (r == 1)
        return pjf_raise_int(conv_exc, conv_msg);
    r = compare_to_bound(iv, now, leeway, sign, op);
    Py_DECREF(iv);
    if (r < 0)
        return -1;
    if (r)
        return pjf_raise_int(cmp_exc, cmp_msg);
    return 0;
}

static int validate_iat(pjf_state *st, PyObject *v, double now, PyObject *leeway)
{
    return validate_time(v, now, leeway, +1, Py_GT,
                         st->InvalidIssuedAtError, "Issued At claim (iat) must be an integer.",
                         st->ImmatureSignatureError, "The token is not yet valid (iat)");
}

static int validate_nbf(pjf_state *st, PyObject *v, double now, PyObject *leeway)
{
    return validate_time(v, now, leeway, +1, Py_GT,
                         st->DecodeError, "Not Before claim (nbf) must be an integer.",
                         st->ImmatureSignatureError, "The token is not yet valid (nbf)");
}

static int validate_exp(pjf_state *st, PyObject *v, double now, PyObject *leeway)
{
    return validate_time(v, now, leeway, -1, Py_LE,
                         st->DecodeError, "Expiration Time claim (exp) must be an integer.",
                         st->ExpiredSignatureError, "Signature has expired");
}

static int raise_missing(pjf_state *st, PyObject *claim)
{
    PyObject *exc = PyObject_CallOneArg(st->MissingRequiredClaimError, claim);
    if (exc == NULL)
        return -1;
    PyErr_SetObject(st->MissingRequiredClaimError, exc);
    Py_DECREF(exc);
    return -1;
}

static int validate_required(pjf_state *st, PyObject *payload, PyObject *claims)
{
    if (PyList_CheckExact(claims) && PyList_GET_SIZE(claims) == 0)
        return 0;
    PyObject *it = PyObject_GetIter(claims);
    if (it == NULL)
        return -1;
    PyObject *claim;
    while ((claim = PyIter_Next(it)) != NULL) {
        PyObject *v = PyDict_GetItemWithError(payload, claim);
        if (v == NULL && PyErr_Occurred())
            goto error;
        if (v == NULL || v == Py_None) {
            raise_missing(st, claim);
            goto error;
        }
        Py_DECREF(claim);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
error:
    Py_DECREF(claim);
    Py_DECREF(it);
    return -1;
}

static int validate_iss(pjf_state *st, PyObject *payload, PyObject *issuer)
{
    if (issuer == Py_None)
        return 0;
    PyObject *iss = PyDict_GetItemWithError(payload, st->s_iss);
    if (iss == NULL)
        return PyErr_Occurred() ? -1 : raise_missing(st, st->s_iss);
    if (!PyUnicode_Check(iss))
        return pjf_raise_int(st->InvalidIssuerError, "Payload Issuer (iss) must be a string");
    Py_INCREF(iss);   /* the issuer's __eq__ / __contains__ is user code */
    int r;
    if (PyUnicode_Check(issuer)) {
        int ne = PyObject_RichCompareBool(iss, issuer, Py_NE);
        r = ne < 0 ? -1 : ne ? pjf_raise_int(st->InvalidIssuerError, "Invalid issuer") : 0;
    }
    else {
        int in = PySequence_Contains(issuer, iss);
        if (in < 0 && PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            r = pjf_raise_int(st->InvalidIssuerError, "Issuer param must be \"str\" or \"Container[str]\"");
        }
        else {
            r = in < 0 ? -1 : in ? 0 : pjf_raise_int(st->InvalidIssuerError, "Invalid issuer");
        }
    }
    Py_DECREF(iss);
    return r;
}

static int validate_aud(pjf_state *st, PyObject *payload, PyObject *audience, int strict)
{
    PyObject *claims = PyDict_GetItemWithError(payload, st->s_aud); /* borrowed */
    if (claims == NULL && PyErr_Occurred())
        return -1;
    int empty = 1;
    if (claims != NULL) {
        empty = PyObject_Not(claims);
        if (empty < 0)
            return -1;
    }
    if (audience == Py_None) {
        if (empty)
            return 0;
        return pjf_raise_int(st->InvalidAudienceError, "Invalid audience");
    }
    if (empty)
        return raise_missing(st, st->s_aud);

    if (strict) {
        if (!PyUnicode_Check(audience))
            return pjf_raise_int(st->InvalidAudienceError, "Invalid audience (strict)");
        if (!PyUnicode_Check(claims))
            return pjf_raise_int(st->InvalidAudienceError, "Invalid claim format in token (strict)");
        Py_INCREF(claims);   /* the audience's __eq__ is user code */
        int ne = PyObject_RichCompareBool(audience, claims, Py_NE);
        Py_DECREF(claims);
        if (ne < 0)
            return -1;
        return ne ? pjf_raise_int(st->InvalidAudienceError, "Audience doesn't match (strict)") : 0;
    }

    PyObject *list = NULL, *it = NULL, *aud = NULL;
    int result = -1;
    Py_INCREF(claims);
    if (PyUnicode_Check(claims)) {
        list = PyList_New(1);
        if (list == NULL)
            goto done;
        PyList_SET_ITEM(list, 0, claims);
        claims = NULL;
    }
    else if (PyList_Check(claims)) {
        list = claims;
        claims = NULL;
    }
    else {
        pjf_raise_int(st->InvalidAudienceError, "Invalid claim format in token");
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(list, i))) {
            pjf_raise_int(st->InvalidAudienceError, "Invalid claim format in token");
            goto done;
        }
    }
    if (PyUnicode_Check(audience)) {
        int in = PySequence_Contains(list, audience);
        if (in < 0)
            goto done;
        result = in ? 0 : pjf_raise_int(st->InvalidAudienceError, "Audience doesn't match");
        goto done;
    }
    it = PyObject_GetIter(audience);
    if (it == NULL)
        goto done;
    while ((aud = PyIter_Next(it)) != NULL) {
        int in = PySequence_Contains(list, aud);
        Py_CLEAR(aud);
        if (in < 0)
            goto done;
        if (in) {
            result = 0;
            goto done;
        }
    }
    if (PyErr_Occurred())
        goto done;
    result = pjf_raise_int(st->InvalidAudienceError, "Audience doesn't match");
done:
    Py_XDECREF(claims);
    Py_XDECREF(list);
    Py_XDECREF(it);
    return result;
}

static int validate_sub(pjf_state *st, PyObject *payload, PyObject *subject)
{
    PyObject *sub = PyDict_GetItemWithError(payload, st->s_sub);
    if (sub == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyUnicode_Check(sub))
        return pjf_raise_int(st->InvalidSubjectError, "Subject must be a string");
    if (subject == Py_None)
        return 0;
    Py_INCREF(sub);   /* the subject's __eq__ is user code */
    int ne = PyObject_RichCompareBool(sub, subject, Py_NE);
    Py_DECREF(sub);
    if (ne < 0)
        return -1;
    return ne ? pjf_raise_int(st->InvalidSubjectError, "Invalid subject") : 0;
}

static int validate_jti(pjf_state *st, PyObject *payload)
{
    PyObject *jti = PyDict_GetItemWithError(payload, st->s_jti);
    if (jti == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyUnicode_Check(jti))
        return pjf_raise_int(st->InvalidJTIError, "JWT ID must be a string");
    return 0;
}

/* leeway: timedelta -> total_seconds(), anything else as given (new ref). */
static PyObject *normalize_leeway(pjf_state *st, PyObject *leeway)
{
    if (PyLong_CheckExact(leeway) || PyFloat_CheckExact(leeway))
        return Py_NewRef(leeway);
    int is_td = PyObject_IsInstance(leeway, st->timedelta_type);
    if (is_td < 0)
        return NULL;
    if (is_td)
        return PyObject_CallMethodNoArgs(leeway, st->s_total_seconds);
    return Py_NewRef(leeway);
}

static int check_audience_type(pjf_state *st, PyObject *audience)
{
    if (audience == Py_None || PyUnicode_Check(audience) || PyList_CheckExact(audience)
        || PyTuple_CheckExact(audience) || PySet_CheckExact(audience))
        return 0;
    int ok = PyObject_IsInstance(audience, st->Iterable);
    if (ok < 0)
        return -1;
    if (!ok)
        return pjf_raise_int(PyExc_TypeError, "audience must be a string, iterable or None");
    return 0;
}

/* One claim of the payload, looked up by an interned name. */
static inline PyObject *claim(PyObject *payload, PyObject *name, int *err)
{
    PyObject *v = PyDict_GetItemWithError(payload, name);
    *err = (v == NULL && PyErr_Occurred());
    return v;
}

int pjf_validate_claims(pjf_state *st, PyObject *payload, const pjf_claim_opts *o,
                        PyObject *audience, PyObject *issuer, PyObject *subject,
                        PyObject *leeway_in)
{
    int err;
    PyObject *v;
    PyObject *leeway = normalize_leeway(st, leeway_in);
    if (leeway == NULL)
        return -1;
    if (check_audience_type(st, audience) < 0 || validate_required(st, payload, o->require) < 0)
        goto error;

    double now = pjf_now();
    if (o->verify_iat) {
        if ((v = claim(payload, st->s_iat, &err)) != NULL && validate_iat(st, v, now, leeway) < 0)
            goto error;
        if (err)
            goto error;
    }
    if (o->verify_nbf) {
        if ((v = claim(payload, st->s_nbf, &err)) != NULL && validate_nbf(st, v, now, leeway) < 0)
            goto error;
        if (err)
            goto error;
    }
    if (o->verify_exp) {
        if ((v = claim(payload, st->s_exp, &err)) != NULL && validate_exp(st, v, now, leeway) < 0)
            goto error;
        if (err)
            goto error;
    }
    if (o->verify_iss && validate_iss(st, payload, issuer) < 0)
        goto error;
    if (o->verify_aud && validate_aud(st, payload, audience, o->strict_aud) < 0)
        goto error;
    if (o->verify_sub && validate_sub(st, payload, subject) < 0)
        goto error;
    if (o->verify_jti && validate_jti(st, payload) < 0)
        goto error;
    Py_DECREF(leeway);
    return 0;
error:
    Py_DECREF(leeway);
    assert(PyErr_Occurred());
    return -1;
}

/* ------------------------------------------------------------------ */
/* One claim at a time, for PyJWT's overridable _validate_* methods.  */

static int need_ready_dict(pjf_state *st, PyObject *payload)
{
    if (pjf_check_ready(st) < 0)
        return -1;
    if (!PyDict_Check(payload)) {
        PyErr_SetString(PyExc_TypeError, "payload must be a dict");
        return -1;
    }
    return 0;
}

static int as_now(PyObject *o, double *now)
{
    *now = PyFloat_AsDouble(o);
    return (*now == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* claim_time(kind, payload, now, leeway): kind 0 iat, 1 nbf, 2 exp. */
static PyObject *py_claim_time(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    double now;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "claim_time(kind, payload, now, leeway)");
        return NULL;
    }
    long kind = PyLong_AsLong(args[0]);
    if ((kind == -1 && PyErr_Occurred()) || need_ready_dict(st, args[1]) < 0 || as_now(args[2], &now) < 0)
        return NULL;
    static const char *const names[3] = {"iat", "nbf", "exp"};
    if (kind < 0 || kind > 2)
        return pjf_raise(PyExc_ValueError, "kind must be 0, 1 or 2");
    PyObject *v = PyDict_GetItemString(args[1], names[kind]);
    if (v == NULL) {
        PyErr_SetString(PyExc_KeyError, names[kind]);
        return NULL;
    }
    Py_INCREF(v);
    int r = kind == 0 ? validate_iat(st, v, now, args[3])
            : kind == 1 ? validate_nbf(st, v, now, args[3])
                        : validate_exp(st, v, now, args[3]);
    Py_DECREF(v);
    if (r < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* claim_required(payload, claims) */
static PyObject *py_claim_required(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 2)
        return pjf_raise(PyExc_TypeError, "claim_required(payload, claims)");
    if (need_ready_dict(st, args[0]) < 0 || validate_required(st, args[0], args[1]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* claim_iss(payload, issuer) */
static PyObject *py_claim_iss(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 2)
        return pjf_raise(PyExc_TypeError, "claim_iss(payload, issuer)");
    if (need_ready_dict(st, args[0]) < 0 || validate_iss(st, args[0], args[1]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* claim_aud(payload, audience, strict) */
static PyObject *py_claim_aud(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 3)
        return pjf_raise(PyExc_TypeError, "claim_aud(payload, audience, strict)");
    int strict = PyObject_IsTrue(args[2]);
    if (strict < 0 || need_ready_dict(st, args[0]) < 0 || validate_aud(st, args[0], args[1], strict) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* claim_sub(payload, subject) */
static PyObject *py_claim_sub(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 2)
        return pjf_raise(PyExc_TypeError, "claim_sub(payload, subject)");
    if (need_ready_dict(st, args[0]) < 0 || validate_sub(st, args[0], args[1]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* claim_jti(payload) */
static PyObject *py_claim_jti(PyObject *module, PyObject *payload)
{
    pjf_state *st = pjf_get_state(module);
    if (need_ready_dict(st, payload) < 0 || validate_jti(st, payload) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* check_audience_type(audience): the TypeError _validate_claims raises. */
static PyObject *py_check_audience_type(PyObject *module, PyObject *audience)
{
    pjf_state *st = pjf_get_state(module);
    if (pjf_check_ready(st) < 0 || check_audience_type(st, audience) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_now(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyFloat_FromDouble(pjf_now());
}

PyMethodDef pjf_claims_methods[] = {
    {"now", py_now, METH_NOARGS, "datetime.now(tz=timezone.utc).timestamp()"},
    {"claim_time", (PyCFunction)(void (*)(void))py_claim_time, METH_FASTCALL,
     "PyJWT._validate_iat / _validate_nbf / _validate_exp."},
    {"claim_required", (PyCFunction)(void (*)(void))py_claim_required, METH_FASTCALL,
     "PyJWT._validate_required_claims."},
    {"claim_iss", (PyCFunction)(void (*)(void))py_claim_iss, METH_FASTCALL, "PyJWT._validate_iss."},
    {"claim_aud", (PyCFunction)(void (*)(void))py_claim_aud, METH_FASTCALL, "PyJWT._validate_aud."},
    {"claim_sub", (PyCFunction)(void (*)(void))py_claim_sub, METH_FASTCALL, "PyJWT._validate_sub."},
    {"claim_jti", py_claim_jti, METH_O, "PyJWT._validate_jti."},
    {"check_audience_type", py_check_audience_type, METH_O,
     "The audience type check of PyJWT._validate_claims."},
    {NULL, NULL, 0, NULL},
};
