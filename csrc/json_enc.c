/* Python objects -> JSON text, byte-identical to
 * json.dumps(obj, separators=(",", ":"), sort_keys=...) with the json module's
 * defaults (ensure_ascii, allow_nan, check_circular). Whatever this file is
 * not sure to write exactly as json would is left to json (PJF_DEFER). */
#include "pjf.h"

#include <math.h>

/* Output bytes of each code point below 256 under ensure_ascii:
 * 1 as is, 2 for a short escape, 6 for \u00XX (json escapes 0x7F and up). */
static const uint8_t esc_len[256] = {
    6, 6, 6, 6, 6, 6, 6, 6, 2, 2, 2, 6, 2, 2, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
};

static const char hex_digits[] = "0123456789abcdef";

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* ------------------------------------------------------------------ */
/* Strings                                                            */

static inline char *put_u4(char *w, Py_UCS4 v)
{
    w[0] = '\\';
    w[1] = 'u';
    w[2] = hex_digits[(v >> 12) & 15];
    w[3] = hex_digits[(v >> 8) & 15];
    w[4] = hex_digits[(v >> 4) & 15];
    w[5] = hex_digits[v & 15];
    return w + 6;
}

/* Writes code point c < 256 escaped as json does. */
static inline char *put_low(char *w, Py_UCS4 c)
{
    switch (esc_len[c]) {
    case 1:
        *w = (char)c;
        return w + 1;
    case 2:
        w[0] = '\\';
        switch (c) {
        case '\b': w[1] = 'b'; break;
        case '\f': w[1] = 'f'; break;
        case '\n': w[1] = 'n'; break;
        case '\r': w[1] = 'r'; break;
        case '\t': w[1] = 't'; break;
        default: w[1] = (char)c; break;  /* '"' and '\\' escape themselves */
        }
        return w + 2;
    default:
        return put_u4(w, c);
    }
}

/* Writes any code point escaped as json does (surrogate pair above the BMP). */
static inline char *put_cp(char *w, Py_UCS4 c)
{
    if (c < 256)
        return put_low(w, c);
    if (c < 0x10000)
        return put_u4(w, c);
    c -= 0x10000;
    w = put_u4(w, 0xD800 | (c >> 10));
    return put_u4(w, 0xDC00 | (c & 0x3FF));
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether any of the 8 bytes in x needs escaping (< 0x20, '"', '\\', >= 0x7F):
 * the bit tricks are exact as a yes/no answer, which is all this asks. */
static inline int needs_escape8(uint64_t x)
{
    uint64_t lt20 = (x - ONES * 0x20) & ~x & HIGHS;
    uint64_t ge7f = ((x + ONES) | x) & HIGHS;
    uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
    q = (q - ONES) & ~q & HIGHS;
    bs = (bs - ONES) & ~bs & HIGHS;
    return (lt20 | ge7f | q | bs) != 0;
}

/* Output size of a 1-byte-kind string's content, 8 clean bytes at a time. */
static inline uint64_t ucs1_escaped_size(const Py_UCS1 *p, Py_ssize_t n)
{
    uint64_t size = 0;
    Py_ssize_t i = 0, j;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (PJF_LIKELY(!needs_escape8(x)))
            size += 8;
        else
            for (j = i; j < i + 8; j++)
                size += esc_len[p[j]];
    }
    for (; i < n; i++)
        size += esc_len[p[i]];
    return size;
}

/* Reserves exactly `size` bytes (computed as uint64_t so it cannot wrap). */
static inline int reserve_exact(pjf_buf *b, uint64_t size)
{
    if (PJF_UNLIKELY(size > (uint64_t)(PY_SSIZE_T_MAX - b->len))) {
        PyErr_NoMemory();
        return -1;
    }
    return pjf_buf_reserve(b, (Py_ssize_t)size);
}

/* Appends s as a quoted JSON string; exact output size first, one reserve. */
static int enc_str(pjf_buf *b, PyObject *s)
{
    Py_ssize_t n, i;
    uint64_t size = 2;
    int kind;
    const void *data;
    char *w;

#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0)
        return -1;
#endif
    n = PyUnicode_GET_LENGTH(s);
    kind = PyUnicode_KIND(s);
    data = PyUnicode_DATA(s);

    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)data;
        size += ucs1_escaped_size(p, n);
        if (reserve_exact(b, size) < 0)
            return -1;
        w = b->data + b->len;
        *w++ = '"';
        if (size == (uint64_t)n + 2) {
            /* nothing to escape: the common case for JWT claims */
            memcpy(w, p, (size_t)n);
            w += n;
        }
        else {
            for (i = 0; i < n; i++)
                w = put_low(w, p[i]);
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = (const Py_UCS2 *)data;
        for (i = 0; i < n; i++)
            size += p[i] < 256 ? esc_len[p[i]] : 6;
        if (reserve_exact(b, size) < 0)
            return -1;
        w = b->data + b->len;
        *w++ = '"';
        for (i = 0; i < n; i++)
            w = p[i] < 256 ? put_low(w, p[i]) : put_u4(w, p[i]);
    }
    else {
        const Py_UCS4 *p = (const Py_UCS4 *)data;
        for (i = 0; i < n; i++)
            size += p[i] < 256 ? esc_len[p[i]] : p[i] < 0x10000 ? 6 : 12;
        if (reserve_exact(b, size) < 0)
            return -1;
        w = b->data + b->len;
        *w++ = '"';
        for (i = 0; i < n; i++)
            w = put_cp(w, p[i]);
    }
    *w++ = '"';
    assert((uint64_t)(w - (b->data + b->len)) == size);
    b->len = w - b->data;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                            */

/* Writes v in decimal so that it ends just before `end`; returns its start. */
static inline char *u64_dec(char *end, uint64_t v)
{
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        end -= 2;
        memcpy(end, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * v, 2);
    }
    else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* Appends lit[0:n], wrapped in quotes when it is a dict key. */
static int put_maybe_quoted(pjf_buf *b, const char *lit, Py_ssize_t n, int quoted)
{
    char *w;
    if (pjf_buf_reserve(b, n + 2) < 0)
        return -1;
    w = b->data + b->len;
    if (quoted)
        *w++ = '"';
    memcpy(w, lit, (size_t)n);
    w += n;
    if (quoted)
        *w++ = '"';
    b->len = w - b->data;
    return 0;
}

/* Ints beyond int64: int.__repr__ as json calls it, deferring its limit error. */
static int enc_bigint(pjf_buf *b, PyObject *o, int quoted)
{
    PyObject *r = PyLong_Type.tp_repr(o);
    const char *u;
    Py_ssize_t n;
    int rc;

    if (r == NULL) {
        /* sys.get_int_max_str_digits: json.dumps raises the same ValueError */
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear();
            return PJF_DEFER;
        }
        return -1;
    }
    u = PyUnicode_AsUTF8AndSize(r, &n);
    rc = u != NULL ? put_maybe_quoted(b, u, n, quoted) : -1;
    Py_DECREF(r);
    return rc;
}

/* int and its subclasses, as int.__repr__ writes them (json ignores overrides). */
static int enc_int(pjf_buf *b, PyObject *o, int quoted)
{
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    char tmp[24];
    char *end = tmp + sizeof(tmp), *st;
    uint64_t mag;

    if (PJF_UNLIKELY(overflow))
        return enc_bigint(b, o, quoted);
    if (PJF_UNLIKELY(v == -1 && PyErr_Occurred()))
        return -1;
    mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (quoted)
        *--end = '"';
    st = u64_dec(end, mag);
    if (v < 0)
        *--st = '-';
    if (quoted)
        *--st = '"';
    return pjf_buf_put(b, st, tmp + sizeof(tmp) - st);
}

/* float and its subclasses, as float.__repr__ writes them; json's names for
 * the non-finite values. */
static int enc_float(pjf_buf *b, PyObject *o, int quoted)
{
    double d = PyFloat_AS_DOUBLE(o);
    char *r;
    int rc;

    if (PJF_UNLIKELY(!isfinite(d))) {
        if (isnan(d))
            return put_maybe_quoted(b, "NaN", 3, quoted);
        if (d > 0)
            return put_maybe_quoted(b, "Infinity", 8, quoted);
        return put_maybe_quoted(b, "-Infinity", 9, quoted);
    }
    /* the exact call float_repr makes */
    r = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (r == NULL)
        return -1;
    rc = put_maybe_quoted(b, r, (Py_ssize_t)strlen(r), quoted);
    PyMem_Free(r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Containers                                                         */

static int enc_obj(pjf_buf *b, PyObject *o, int sort_keys, int depth);

/* A dict key, converted to a string the way json's encoder does. */
static int enc_key(pjf_buf *b, PyObject *k)
{
    if (PyUnicode_Check(k))
        return enc_str(b, k);
    if (PyFloat_Check(k))
        return enc_float(b, k, 1);
    if (k == Py_True)
        return pjf_buf_put(b, "\"true\"", 6);
    if (k == Py_False)
        return pjf_buf_put(b, "\"false\"", 7);
    if (k == Py_None)
        return pjf_buf_put(b, "\"null\"", 6);
    if (PyLong_Check(k))
        return enc_int(b, k, 1);
    /* json raises TypeError for other keys (skipkeys is off) */
    return PJF_DEFER;
}

/* Keys in sorted order; only all-exact-str keys, whose order json computes
 * the same way (other keys may not compare, or compare by user code). */
static int enc_dict_sorted(pjf_buf *b, PyObject *d, int depth)
{
    PyObject *keys = PyDict_Keys(d);
    Py_ssize_t i, n;
    int rc = -1;

    if (keys == NULL)
        return -1;
    n = PyList_GET_SIZE(keys);
    for (i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(keys, i))) {
            rc = PJF_DEFER;
            goto done;
        }
    }
    if (PyList_Sort(keys) < 0)
        goto done;
    if (pjf_buf_putc(b, '{') < 0)
        goto done;
    for (i = 0; i < n; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i), *v;
        rc = PyDict_GetItemRef(d, k, &v);
        if (rc <= 0) {
            /* a key vanished: the dict changed under us, let json see it */
            rc = rc < 0 ? -1 : PJF_DEFER;
            goto done;
        }
        rc = i > 0 ? pjf_buf_putc(b, ',') : 0;
        if (rc == 0)
            rc = enc_str(b, k);
        if (rc == 0)
            rc = pjf_buf_putc(b, ':');
        if (rc == 0)
            rc = enc_obj(b, v, 1, depth + 1);
        Py_DECREF(v);
        if (rc != 0)
            goto done;
    }
    rc = pjf_buf_putc(b, '}');
done:
    Py_DECREF(keys);
    return rc;
}

static int enc_dict(pjf_buf *b, PyObject *d, int sort_keys, int depth)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    int first = 1;

    if (depth >= PJF_JSON_ENC_MAX_DEPTH)
        return PJF_DEFER;
    if (PyDict_GET_SIZE(d) == 0)
        return pjf_buf_put(b, "{}", 2);
    if (sort_keys)
        return enc_dict_sorted(b, d, depth);
    if (pjf_buf_putc(b, '{') < 0)
        return -1;
    while (PyDict_Next(d, &pos, &k, &v)) {
        int rc;
        if (!first && pjf_buf_putc(b, ',') < 0)
            return -1;
        first = 0;
        /* held while encoding: a finalizer run by an allocation could mutate d */
        Py_INCREF(k);
        Py_INCREF(v);
        rc = enc_key(b, k);
        if (rc == 0)
            rc = pjf_buf_putc(b, ':');
        if (rc == 0)
            rc = enc_obj(b, v, 0, depth + 1);
        Py_DECREF(k);
        Py_DECREF(v);
        if (rc != 0)
            return rc;
    }
    return pjf_buf_putc(b, '}');
}

static int enc_list(pjf_buf *b, PyObject *o, int sort_keys, int depth)
{
    Py_ssize_t i;

    if (depth >= PJF_JSON_ENC_MAX_DEPTH)
        return PJF_DEFER;
    if (pjf_buf_putc(b, '[') < 0)
        return -1;
    /* the size is read again each time: the list is not ours */
    for (i = 0; i < PyList_GET_SIZE(o); i++) {
        PyObject *item;
        int rc;
        if (i > 0 && pjf_buf_putc(b, ',') < 0)
            return -1;
        item = Py_NewRef(PyList_GET_ITEM(o, i));
        rc = enc_obj(b, item, sort_keys, depth + 1);
        Py_DECREF(item);
        if (rc != 0)
            return rc;
    }
    return pjf_buf_putc(b, ']');
}

static int enc_tuple(pjf_buf *b, PyObject *o, int sort_keys, int depth)
{
    Py_ssize_t i, n = PyTuple_GET_SIZE(o);

    if (depth >= PJF_JSON_ENC_MAX_DEPTH)
        return PJF_DEFER;
    if (pjf_buf_putc(b, '[') < 0)
        return -1;
    for (i = 0; i < n; i++) {
        int rc;
        if (i > 0 && pjf_buf_putc(b, ',') < 0)
            return -1;
        rc = enc_obj(b, PyTuple_GET_ITEM(o, i), sort_keys, depth + 1);
        if (rc != 0)
            return rc;
    }
    return pjf_buf_putc(b, ']');
}

/* depth: the number of containers around o. */
static int enc_obj(pjf_buf *b, PyObject *o, int sort_keys, int depth)
{
    PyTypeObject *t = Py_TYPE(o);

    /* exact types first, in the order JWT payloads use them */
    if (t == &PyUnicode_Type)
        return enc_str(b, o);
    if (t == &PyLong_Type)
        return enc_int(b, o, 0);
    if (t == &PyDict_Type)
        return enc_dict(b, o, sort_keys, depth);
    if (o == Py_True)
        return pjf_buf_put(b, "true", 4);
    if (o == Py_False)
        return pjf_buf_put(b, "false", 5);
    if (o == Py_None)
        return pjf_buf_put(b, "null", 4);
    if (t == &PyFloat_Type)
        return enc_float(b, o, 0);
    if (t == &PyList_Type)
        return enc_list(b, o, sort_keys, depth);
    if (t == &PyTuple_Type)
        return enc_tuple(b, o, sort_keys, depth);
    /* json writes str/int/float subclasses by their base type's rules
     * (str content, int.__repr__, float.__repr__), whatever they override */
    if (PyUnicode_Check(o))
        return enc_str(b, o);
    if (PyLong_Check(o))
        return enc_int(b, o, 0);
    if (PyFloat_Check(o))
        return enc_float(b, o, 0);
    /* dict/list/tuple subclasses, everything default() may handle */
    return PJF_DEFER;
}

int pjf_json_encode(pjf_buf *out, PyObject *obj, int sort_keys)
{
    int rc = enc_obj(out, obj, sort_keys != 0, 0);
    assert(rc != PJF_DEFER || !PyErr_Occurred());
    assert(rc != -1 || PyErr_Occurred());
    return rc;
}
