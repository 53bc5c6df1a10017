/* libFuzzer target: full token decoding through the real package.
 *
 * Every csrc/ C file is compiled into this binary with ASan + UBSan + coverage, and
 * PyInit__native is registered as the built-in module pyjwt_fast._native
 * before Py_Initialize, so `import pyjwt_fast` (from the repository named by
 * $PJF_REPO, default: the checkout this binary was built from) runs the
 * instrumented copy of the extension; the Python package around it is the
 * work tree's. CPython uses plain malloc (PYTHONMALLOC=malloc equivalent) so
 * that ASan sees every object: a double Py_DECREF is a double free.
 *
 * The per-input logic, input format and oracle live in
 * fuzz_decode_oracle.py (check(bytes) -> None | str): structured inputs are
 * signed in the harness so they pass the MAC, raw inputs are tokens as they
 * come; each is decoded by pyjwt_fast and by PyJWT 2.15.1 and the outcomes
 * compared. A returned text, an exception escaping check(), or an exception
 * left pending is abort().
 *
 * ES256: structured inputs with control bits 4-5 == 1 are signed with a
 * fixed P-256 key (RFC 6979, so inputs replay exactly) and verified with its
 * PEM public key; raw inputs with bit 5 set are verified with that key.
 * RS / PS / EdDSA variants can follow the same pattern. */
#include "pjf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PJF_REPO_DEFAULT
#define PJF_REPO_DEFAULT "."
#endif

PyMODINIT_FUNC PyInit__native(void);

static PyObject *check_fn;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    PyPreConfig pre;
    PyStatus status;
    PyObject *sys_path = NULL, *p = NULL, *mod = NULL;
    const char *repo = getenv("PJF_REPO");
    char buf[4096];

    (void)argc;
    (void)argv;
    if (repo == NULL || *repo == '\0')
        repo = PJF_REPO_DEFAULT;
    setenv("PJF_FUZZ_HARNESS", "1", 1);

    if (PyImport_AppendInittab("pyjwt_fast._native", PyInit__native) < 0) {
        fprintf(stderr, "fuzz_decode: PyImport_AppendInittab failed\n");
        abort();
    }
    PyPreConfig_InitPythonConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC;
    status = Py_PreInitialize(&pre);
    if (PyStatus_Exception(status))
        Py_ExitStatusException(status);
    Py_InitializeEx(0);

    /* sys.path[0:0] = [REPO, REPO/csrc/fuzz] */
    sys_path = PySys_GetObject("path");  /* borrowed */
    if (sys_path == NULL)
        goto error;
    snprintf(buf, sizeof buf, "%s/csrc/fuzz", repo);
    if ((p = PyUnicode_DecodeFSDefault(buf)) == NULL || PyList_Insert(sys_path, 0, p) < 0)
        goto error;
    Py_CLEAR(p);
    if ((p = PyUnicode_DecodeFSDefault(repo)) == NULL || PyList_Insert(sys_path, 0, p) < 0)
        goto error;
    Py_CLEAR(p);

    mod = PyImport_ImportModule("fuzz_decode_oracle");
    if (mod == NULL)
        goto error;
    check_fn = PyObject_GetAttrString(mod, "check");
    if (check_fn == NULL)
        goto error;
    /* one-time imports and caches before the first input's leak check */
    p = PyObject_CallMethod(mod, "warm_up", NULL);
    if (p == NULL)
        goto error;
    Py_CLEAR(p);
    Py_DECREF(mod);
    return 0;
error:
    PyErr_Print();
    fprintf(stderr, "fuzz_decode: initialisation failed (PJF_REPO=%s; PyJWT 2.15.1 must be "
                    "importable as jwt: PYTHONPATH may name a venv's site-packages)\n", repo);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PyObject *bytes, *r;

    if (PyErr_Occurred()) {
        PyErr_Print();
        fprintf(stderr, "fuzz_decode: exception pending before the input\n");
        abort();
    }
    bytes = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    if (bytes == NULL)
        abort();
    r = PyObject_CallOneArg(check_fn, bytes);
    Py_DECREF(bytes);
    if (r == NULL) {
        PyErr_Print();
        fprintf(stderr, "fuzz_decode: the oracle raised (a harness or package error)\n");
        abort();
    }
    if (r != Py_None) {
        PyObject_Print(r, stderr, Py_PRINT_RAW);
        fprintf(stderr, "\nfuzz_decode: finding (PJF_FUZZ_ORACLE=%s)\n",
                getenv("PJF_FUZZ_ORACLE") ? getenv("PJF_FUZZ_ORACLE") : "full");
        abort();
    }
    Py_DECREF(r);
    if (PyErr_Occurred()) {
        PyErr_Print();
        fprintf(stderr, "fuzz_decode: exception left pending\n");
        abort();
    }
    return 0;
}
