/* FastMethod: the module-level pyjwt_fast.encode / decode / decode_complete.
 * A vectorcall object bound to the global PyJWT instance that matches the
 * arguments itself (no Python frame on the common path) and hands any call
 * it does not take, unchanged, to the Python bound method it wraps. */
#include "pjf.h"

#include <structmember.h>

enum { KIND_ENCODE = 0, KIND_DECODE = 1, KIND_DECODE_COMPLETE = 2 };
#define MAX_PARAMS 10

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *instance;   /* the PyJWT object */
    PyObject *fallback;   /* its Python bound method */
    PyObject *name;
    int kind;
} FastMethod;

/* Parameter names in PyJWT's order, per kind. decode and decode_complete
 * differ in where subject and issuer stand. */
static const char *const encode_params[] = {
    "payload", "key", "algorithm", "headers", "json_encoder", "sort_headers", NULL};
static const char *const decode_params[] = {
    "jwt", "key", "algorithms", "options", "verify", "detached_payload",
    "audience", "subject", "issuer", "leeway", NULL};
static const char *const decode_complete_params[] = {
    "jwt", "key", "algorithms", "options", "verify", "detached_payload",
    "audience", "issuer", "subject", "leeway", NULL};
static const char *const *const params_of[3] = {encode_params, decode_params, decode_complete_params};
static const int n_params[3] = {6, 10, 10};
static const int n_required[3] = {2, 1, 1};

static PyObject *fallback_call(FastMethod *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

/* Index of keyword `name`: identity with the interned names first. */
static int match_kw(pjf_state *st, int kind, PyObject *name)
{
    PyObject *const *names = st->param_names[kind];
    int n = n_params[kind];
    for (int i = 0; i < n; i++)
        if (names[i] == name)
            return i;
    for (int i = 0; i < n; i++)
        if (PyUnicode_Check(name) && PyUnicode_Compare(names[i], name) == 0)
            return i;
    return -1;
}

static PyObject *fast_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    FastMethod *self = (FastMethod *)callable;
    pjf_state *st = (pjf_state *)PyType_GetModuleState(Py_TYPE(callable));
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int kind = self->kind, n = n_params[kind];
    PyObject *v[MAX_PARAMS + 1] = {NULL};

    if (st == NULL || !st->ready || nargs > n)
        return fallback_call(self, args, nargsf, kwnames);
    for (Py_ssize_t i = 0; i < nargs; i++)
        v[i] = args[i];
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t i = 0; i < nkw; i++) {
            int idx = match_kw(st, kind, PyTuple_GET_ITEM(kwnames, i));
            if (idx < 0 || v[idx] != NULL)
                return fallback_call(self, args, nargsf, kwnames);
            v[idx] = args[nargs + i];
        }
    }
    for (int i = 0; i < n_required[kind]; i++)
        if (v[i] == NULL)
            return fallback_call(self, args, nargsf, kwnames);

    PyObject *r;
    if (kind == KIND_ENCODE) {
        /* self, payload, key, algorithm, headers, json_encoder, sort_headers */
        PyObject *a[7] = {self->instance, v[0], v[1], v[2] ? v[2] : st->algorithm_unset,
                          v[3] ? v[3] : Py_None, v[4] ? v[4] : Py_None, v[5] ? v[5] : Py_True};
        r = pjf_jwt_encode(st, a);
    }
    else {
        int subj = kind == KIND_DECODE ? 7 : 8, iss = kind == KIND_DECODE ? 8 : 7;
        if ((v[4] != NULL && v[4] != Py_None) || (v[5] != NULL && v[5] != Py_None))
            return fallback_call(self, args, nargsf, kwnames);
#define OR(x, d) ((x) ? (x) : (d))
        PyObject *a[10] = {self->instance, v[0], OR(v[1], st->s_empty), OR(v[2], Py_None),
                           OR(v[3], Py_None), OR(v[6], Py_None), OR(v[subj], Py_None),
                           OR(v[iss], Py_None), OR(v[9], st->zero),
                           kind == KIND_DECODE_COMPLETE ? Py_True : Py_False};
#undef OR
        r = pjf_jwt_decode(st, a);
    }
    if (r == Py_NotImplemented) {
        Py_DECREF(r);
        return fallback_call(self, args, nargsf, kwnames);
    }
    return r;
}

static int fm_traverse(FastMethod *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->instance);
    Py_VISIT(self->fallback);
    Py_VISIT(self->name);
    return 0;
}

static int fm_clear(FastMethod *self)
{
    Py_CLEAR(self->instance);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->name);
    return 0;
}

static void fm_dealloc(FastMethod *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    fm_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *fm_repr(FastMethod *self)
{
    return PyUnicode_FromFormat("<function %U (pyjwt_fast, C)>", self->name);
}

/* __wrapped__ lets inspect.signature() report PyJWT's signature. */
static PyMemberDef fm_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(FastMethod, vectorcall), READONLY, NULL},
    {"__wrapped__", T_OBJECT, offsetof(FastMethod, fallback), READONLY, NULL},
    {"__self__", T_OBJECT, offsetof(FastMethod, instance), READONLY, NULL},
    {"__name__", T_OBJECT, offsetof(FastMethod, name), READONLY, NULL},
    {"__qualname__", T_OBJECT, offsetof(FastMethod, name), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyObject *fm_get_doc(FastMethod *self, void *closure)
{
    (void)closure;
    return PyObject_GetAttrString(self->fallback, "__doc__");
}

static PyGetSetDef fm_getset[] = {
    {"__doc__", (getter)fm_get_doc, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot fm_slots[] = {
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_traverse, fm_traverse},
    {Py_tp_clear, fm_clear},
    {Py_tp_dealloc, fm_dealloc},
    {Py_tp_repr, fm_repr},
    {Py_tp_members, fm_members},
    {Py_tp_getset, fm_getset},
    {0, NULL},
};

static PyType_Spec fm_spec = {
    .name = "pyjwt_fast._native.FastMethod",
    .basicsize = sizeof(FastMethod),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .slots = fm_slots,
};

/* fast_method(kind, instance, fallback) -> FastMethod */
static PyObject *fast_method(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pjf_state *st = pjf_get_state(module);
    if (nargs != 3)
        return pjf_raise(PyExc_TypeError, "fast_method(kind, instance, fallback)");
    long kind = PyLong_AsLong(args[0]);
    if (kind == -1 && PyErr_Occurred())
        return NULL;
    if (kind < 0 || kind > 2)
        return pjf_raise(PyExc_ValueError, "kind must be 0, 1 or 2");
    if (!PyCallable_Check(args[2]))
        return pjf_raise(PyExc_TypeError, "fallback must be callable");
    PyTypeObject *tp = (PyTypeObject *)st->FastMethod_type;
    FastMethod *self = PyObject_GC_New(FastMethod, tp);
    if (self == NULL)
        return NULL;
    self->vectorcall = fast_vectorcall;
    self->kind = (int)kind;
    self->instance = Py_NewRef(args[1]);
    self->fallback = Py_NewRef(args[2]);
    self->name = PyUnicode_FromString(kind == 0 ? "encode" : kind == 1 ? "decode" : "decode_complete");
    if (self->name == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static PyMethodDef fastcall_methods[] = {
    {"fast_method", (PyCFunction)(void (*)(void))fast_method, METH_FASTCALL,
     "The C-dispatched module-level encode (0), decode (1), decode_complete (2)."},
    {NULL, NULL, 0, NULL},
};

int pjf_fastcall_init(PyObject *module, pjf_state *st)
{
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < n_params[k]; i++) {
            st->param_names[k][i] = PyUnicode_InternFromString(params_of[k][i]);
            if (st->param_names[k][i] == NULL)
                return -1;
        }
    }
    st->FastMethod_type = PyType_FromModuleAndSpec(module, &fm_spec, NULL);
    if (st->FastMethod_type == NULL)
        return -1;
    return PyModule_AddFunctions(module, fastcall_methods);
}
