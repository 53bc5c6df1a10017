/* libFuzzer target: pjf_json_decode (csrc/json_dec.c) against json.loads.
 *
 * CPython is embedded (Py_Initialize in LLVMFuzzerInitialize, with the plain
 * malloc allocator so that ASan sees every Python object) and json_dec.c is
 * compiled into this binary with the sanitizers. For every input:
 *  - the decoder never crashes and never reads past s[0:n] (the input is an
 *    exact-size heap copy);
 *  - it is called twice: with a member-name cache (pjf_keycache) kept across
 *    inputs, as the extension does, and with none; both calls must give the
 *    same answer and the same value (the cache is invisible);
 *  - it returns 0, PJF_DEFER, PJF_JSON_TOO_DEEP_ARRAY/OBJECT or -1 and
 *    nothing else; after 0 no exception is pending and *result is set; after
 *    the others no exception is pending and *result is NULL; -1 only with a
 *    MemoryError pending;
 *  - PJF_JSON_TOO_DEEP_* only when the text really opens a container at
 *    depth PJF_JSON_MAX_DEPTH + 1, of that kind ('[' / '{'), outside strings
 *    (the documented divergence: json.loads may still take such a text);
 *  - when it returns 0, json.loads(bytes) must return too, with an equal
 *    value: PyObject_RichCompareBool (NaN: json.dumps of both compared), and
 *    a strict structural comparison on top (exact types, float bit patterns
 *    so -0.0 != 0.0, dict key order, str kind and ascii flag - a str of a
 *    non-canonical kind compares equal but breaks dict lookups);
 *  - when json.loads raises, the decoder must have returned PJF_DEFER.
 * With PJF_FUZZ_STRICT_DEFER=1 in the environment it also aborts when the
 * decoder defers a text that json.loads takes and that none of the documented
 * defer reasons covers (a performance property, not a safety one: off by
 * default).
 * Any violation is abort(). */
#include "pjf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PyObject *json_loads;     /* json.loads */
static PyObject *json_dumps;     /* json.dumps */
static PyObject *defer_excused;  /* helper: (bytes, value) -> bool */
static int strict_defer;
static pjf_keycache keycache;    /* zero-initialised, kept across inputs */

static int strict_equal(PyObject *a, PyObject *b, int depth);

/* Documented reasons for PJF_DEFER on a text json.loads accepts: not valid
 * UTF-8 (surrogates json takes with surrogatepass), a BOM / UTF-16 / UTF-32
 * (NUL among the first two bytes, or a first byte >= 0x80), nesting deeper
 * than PJF_JSON_MAX_DEPTH. */
static const char helper_src[] =
    "def _depth(v):\n"
    "    best, stack = 0, [(v, 1)]\n"
    "    while stack:\n"
    "        o, d = stack.pop()\n"
    "        if isinstance(o, dict):\n"
    "            best = max(best, d); stack.extend((x, d + 1) for x in o.values())\n"
    "        elif isinstance(o, list):\n"
    "            best = max(best, d); stack.extend((x, d + 1) for x in o)\n"
    "    return best\n"
    "def defer_excused(b, v, max_depth):\n"
    "    if len(b) >= 2 and (b[0] == 0 or b[1] == 0): return True\n"
    "    if len(b) >= 1 and b[0] >= 0x80: return True\n"
    "    try: b.decode('utf-8')\n"
    "    except UnicodeDecodeError: return True\n"
    "    return _depth(v) > max_depth\n";

#ifndef PJF_JSON_TOO_DEEP_ARRAY
#define PJF_JSON_TOO_DEEP_ARRAY (-100)   /* older decoders: never returned */
#define PJF_JSON_TOO_DEEP_OBJECT (-101)
#endif

/* The opener ('[' or '{') that first reaches depth PJF_JSON_MAX_DEPTH + 1,
 * counting brackets outside string literals, or 0 when none does. */
static int first_too_deep_opener(const uint8_t *s, size_t n)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        }
        else if (c == '"') {
            in_str = 1;
        }
        else if (c == '[' || c == '{') {
            if (++depth > PJF_JSON_MAX_DEPTH)
                return c;
        }
        else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 0;
}

static void die(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_json_dec: property violated: %s (input length %zu)\n", what, size);
    if (PyErr_Occurred())
        PyErr_Print();
    (void)data;
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    PyPreConfig pre;
    PyStatus status;
    PyObject *json = NULL, *ns = NULL, *r = NULL;

    (void)argc;
    (void)argv;
    PyPreConfig_InitPythonConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC;  /* ASan sees every object */
    status = Py_PreInitialize(&pre);
    if (PyStatus_Exception(status))
        Py_ExitStatusException(status);
    Py_InitializeEx(0);

    json = PyImport_ImportModule("json");
    if (json == NULL)
        goto error;
    json_loads = PyObject_GetAttrString(json, "loads");
    json_dumps = PyObject_GetAttrString(json, "dumps");
    if (json_loads == NULL || json_dumps == NULL)
        goto error;
    /* json.decoder's NaN / PosInf / NegInf, which the decoder hands out */
    if (PyImport_ImportModule("json.decoder") == NULL)
        goto error;
    ns = PyDict_New();
    if (ns == NULL || PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) < 0)
        goto error;
    r = PyRun_String(helper_src, Py_file_input, ns, ns);
    if (r == NULL)
        goto error;
    defer_excused = PyDict_GetItemString(ns, "defer_excused");
    if (defer_excused == NULL)
        goto error;
    Py_INCREF(defer_excused);
    Py_DECREF(r);
    Py_DECREF(json);
    strict_defer = getenv("PJF_FUZZ_STRICT_DEFER") != NULL
                   && strcmp(getenv("PJF_FUZZ_STRICT_DEFER"), "1") == 0;
    return 0;
error:
    PyErr_Print();
    fprintf(stderr, "fuzz_json_dec: initialisation failed\n");
    abort();
}

/* 1 when a and b are the same JSON value in every observable way. */
static int strict_equal(PyObject *a, PyObject *b, int depth)
{
    if (Py_TYPE(a) != Py_TYPE(b))
        return 0;
    if (a == b)
        return 1;
    if (PyFloat_CheckExact(a)) {
        double x = PyFloat_AS_DOUBLE(a), y = PyFloat_AS_DOUBLE(b);
        if (x != x && y != y)
            return 1;
        return memcmp(&x, &y, sizeof x) == 0;
    }
    if (PyLong_CheckExact(a)) {
        int eq = PyObject_RichCompareBool(a, b, Py_EQ);
        if (eq < 0)
            abort();
        return eq;
    }
    if (PyUnicode_CheckExact(a)) {
        if (PyUnicode_GET_LENGTH(a) != PyUnicode_GET_LENGTH(b)
            || PyUnicode_KIND(a) != PyUnicode_KIND(b)
            || PyUnicode_IS_ASCII(a) != PyUnicode_IS_ASCII(b))
            return 0;
        return PyUnicode_Compare(a, b) == 0;
    }
    if (PyList_CheckExact(a)) {
        Py_ssize_t n = PyList_GET_SIZE(a);
        if (n != PyList_GET_SIZE(b))
            return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (!strict_equal(PyList_GET_ITEM(a, i), PyList_GET_ITEM(b, i), depth + 1))
                return 0;
        return 1;
    }
    if (PyDict_CheckExact(a)) {
        Py_ssize_t pa = 0, pb = 0;
        PyObject *ka, *va, *kb, *vb;
        if (PyDict_GET_SIZE(a) != PyDict_GET_SIZE(b))
            return 0;
        while (PyDict_Next(a, &pa, &ka, &va)) {
            if (!PyDict_Next(b, &pb, &kb, &vb))
                return 0;
            if (!strict_equal(ka, kb, depth + 1) || !strict_equal(va, vb, depth + 1))
                return 0;
        }
        return 1;
    }
    if (a == Py_None || PyBool_Check(a))
        return a == b;
    return 0;  /* a type json.loads never makes */
}

/* json.dumps(v) (allow_nan: NaN writes as NaN), new reference. */
static PyObject *dumps(PyObject *v)
{
    return PyObject_CallOneArg(json_dumps, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);   /* exact size: ASan sees overreads */
    PyObject *mine = NULL, *theirs = NULL, *bytes = NULL;
    int rc;

    if (copy == NULL)
        abort();
    if (size)
        memcpy(copy, data, size);

    if (PyErr_Occurred())
        die("exception pending before the call", data, size);
    /* the production mode: the member-name cache shared across documents
     * (module state in the extension, a static here, kept across inputs) */
    rc = pjf_json_decode(copy, (Py_ssize_t)size, &mine, &keycache);
    if (rc != -1 || !PyErr_Occurred()) {
        /* and without the cache: the same answer, the same value */
        PyObject *plain = NULL;
        int rc2;
        PyObject *saved_t, *saved_v, *saved_tb;
        PyErr_Fetch(&saved_t, &saved_v, &saved_tb);
        rc2 = pjf_json_decode(copy, (Py_ssize_t)size, &plain, NULL);
        if (rc2 == -1) {
            if (!PyErr_ExceptionMatches(PyExc_MemoryError))
                die("-1 with an exception other than MemoryError (no key cache)", data, size);
            PyErr_Clear();
        }
        else if (PyErr_Occurred()) {
            die("exception left set (no key cache)", data, size);
        }
        else if (rc2 != rc) {
            fprintf(stderr, "with key cache: %d, without: %d\n", rc, rc2);
            die("the member-name cache changes the answer", data, size);
        }
        else if (rc == 0 && !strict_equal(mine, plain, 0)) {
            die("the member-name cache changes the value", data, size);
        }
        Py_XDECREF(plain);
        PyErr_Restore(saved_t, saved_v, saved_tb);
    }
    free(copy);

    if (rc == -1) {
        if (mine != NULL)
            die("-1 with a result", data, size);
        if (!PyErr_ExceptionMatches(PyExc_MemoryError))
            die("-1 with an exception other than MemoryError", data, size);
        PyErr_Clear();
        return 0;
    }
    if (rc == PJF_JSON_TOO_DEEP_ARRAY || rc == PJF_JSON_TOO_DEEP_OBJECT) {
        int opener = first_too_deep_opener(data, size);
        if (PyErr_Occurred())
            die("exception left set after PJF_JSON_TOO_DEEP_*", data, size);
        if (mine != NULL)
            die("PJF_JSON_TOO_DEEP_* with a result", data, size);
        if (opener != (rc == PJF_JSON_TOO_DEEP_ARRAY ? '[' : '{'))
            die("PJF_JSON_TOO_DEEP_* on a text that does not nest that deep with that kind",
                data, size);
        return 0;
    }
    if (rc != 0 && rc != PJF_DEFER)
        die("return value other than 0, PJF_DEFER, PJF_JSON_TOO_DEEP_*, -1", data, size);
    if (PyErr_Occurred())
        die(rc == 0 ? "exception left set after 0" : "exception left set after PJF_DEFER", data, size);
    if (rc == 0 && mine == NULL)
        die("0 without a result", data, size);
    if (rc == PJF_DEFER && mine != NULL)
        die("PJF_DEFER with a result", data, size);

    bytes = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    if (bytes == NULL)
        die("PyBytes_FromStringAndSize", data, size);
    theirs = PyObject_CallOneArg(json_loads, bytes);

    if (theirs == NULL) {
        /* json.loads raises: the C decoder must have left it to json */
        if (rc == 0) {
            PyErr_Print();
            die("decoder returned a value where json.loads raises", data, size);
        }
        PyErr_Clear();
    }
    else if (rc == 0) {
        int eq = PyObject_RichCompareBool(mine, theirs, Py_EQ);
        if (eq < 0)
            die("comparison raised", data, size);
        if (!eq) {
            /* NaN != NaN: json.dumps of both (NaN writes as NaN) decides */
            PyObject *da = dumps(mine), *db = dumps(theirs);
            if (da == NULL || db == NULL)
                die("json.dumps raised", data, size);
            eq = PyObject_RichCompareBool(da, db, Py_EQ);
            Py_DECREF(da);
            Py_DECREF(db);
        }
        if (eq != 1)
            die("value differs from json.loads", data, size);
        if (!strict_equal(mine, theirs, 0))
            die("value differs from json.loads in type, key order, float sign or str kind", data, size);
    }
    else if (strict_defer) {
        PyObject *ok = PyObject_CallFunction(defer_excused, "OOi", bytes, theirs,
                                             (int)PJF_JSON_MAX_DEPTH);
        if (ok == NULL)
            die("defer_excused raised", data, size);
        if (ok != Py_True)
            die("PJF_DEFER on a text json.loads takes, for no documented reason", data, size);
        Py_DECREF(ok);
    }

    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    Py_DECREF(bytes);
    if (PyErr_Occurred())
        die("exception left pending by the harness", data, size);
    return 0;
}
