/* Shared macros and CPython version shims. No project types here: see pjf.h. */
#ifndef PJF_COMMON_H
#define PJF_COMMON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>

#if PY_VERSION_HEX < 0x030A0000
/* Py_NewRef / Py_XNewRef arrived in 3.10. */
static inline PyObject *pjf_newref(PyObject *o) { Py_INCREF(o); return o; }
#define Py_NewRef(o) pjf_newref((PyObject *)(o))
static inline PyObject *pjf_xnewref(PyObject *o) { Py_XINCREF(o); return o; }
#define Py_XNewRef(o) pjf_xnewref((PyObject *)(o))
#define Py_IsNone(o) ((o) == Py_None)
#define Py_IsTrue(o) ((o) == Py_True)
#define Py_IsFalse(o) ((o) == Py_False)
#endif

#if PY_VERSION_HEX < 0x030D0000
/* PyDict_GetItemRef arrived in 3.13: 1 found (new ref), 0 missing, -1 error. */
static inline int pjf_dict_getitemref(PyObject *d, PyObject *k, PyObject **out)
{
    PyObject *v = PyDict_GetItemWithError(d, k);
    if (v != NULL) {
        *out = Py_NewRef(v);
        return 1;
    }
    *out = NULL;
    return PyErr_Occurred() ? -1 : 0;
}
#define PyDict_GetItemRef pjf_dict_getitemref
#endif

#if defined(__GNUC__)
#define PJF_LIKELY(x) __builtin_expect(!!(x), 1)
#define PJF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define PJF_LIKELY(x) (x)
#define PJF_UNLIKELY(x) (x)
#endif

/* Returned by encoders/decoders that met something they leave to Python. */
#define PJF_DEFER 1

#endif /* PJF_COMMON_H */
