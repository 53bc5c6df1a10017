/* UTF-8 JSON text -> Python objects, equal to json.loads(bytes) on every text
 * it accepts. Strict RFC 8259 grammar plus json's NaN/Infinity/-Infinity; any
 * other text is left to json.loads (PJF_DEFER), which then gives the exact
 * value or error. Containers are tracked on an explicit stack, so nesting
 * costs no C recursion. */
#include "pjf.h"

#include <float.h>
#include <math.h>

/* Bytes that end a run of plain string content: control characters, '"',
 * '\\', and the lead/continuation bytes of multi-byte UTF-8. */
static const uint8_t str_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether any of the 8 bytes in x is special in a string (see str_special):
 * the bit tricks are exact as a yes/no answer, which is all this asks. */
static inline int has_special8(uint64_t x)
{
    uint64_t lt20 = (x - ONES * 0x20) & ~x & HIGHS;
    uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
    q = (q - ONES) & ~q & HIGHS;
    bs = (bs - ONES) & ~bs & HIGHS;
    return (lt20 | (x & HIGHS) | q | bs) != 0;
}

/* Keys seen earlier in the document, by their raw bytes: repeated keys (arrays
 * of objects) share one str, as json's memo makes them, without a rebuild. */
#define KEY_CACHE_SLOTS 32

typedef struct {
    const uint8_t *raw;      /* the key's bytes between the quotes, in the input */
    Py_ssize_t len;
    PyObject *str;           /* owned */
} key_slot;

typedef struct {
    const uint8_t *p;        /* next byte to read */
    const uint8_t *end;      /* one past the last byte; never read */
    uint32_t used;           /* bit i: keys[i] holds a key */
    key_slot keys[KEY_CACHE_SLOTS];
    pjf_keycache *kc;        /* names across documents, or NULL */
} dec;

/* A container being filled; key is the member name awaiting its value. */
typedef struct {
    PyObject *obj;           /* owned dict or list */
    PyObject *key;           /* owned, dicts only, NULL between members */
} frame;

static inline void skip_ws(dec *d)
{
    const uint8_t *p = d->p, *end = d->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    d->p = p;
}

/* ------------------------------------------------------------------ */
/* Strings                                                            */

static inline int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;  /* ASCII letters to lower case; no other byte lands in a..f */
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static inline long hex4(const uint8_t *p)
{
    int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), e = hexval(p[3]);
    if ((a | b | c | e) < 0)
        return -1;
    return ((long)a << 12) | (b << 8) | (c << 4) | e;
}

/* Escape at p (p[0] == '\\'): its code point in *cp, its length in bytes,
 * or -1 when invalid. A high surrogate followed by a low one joins, as json
 * does; any other surrogate stays a lone code point. */
static inline int read_escape(const uint8_t *p, const uint8_t *end, Py_UCS4 *cp)
{
    long u, lo;

    if (end - p < 2)
        return -1;
    switch (p[1]) {
    case '"': *cp = '"'; return 2;
    case '\\': *cp = '\\'; return 2;
    case '/': *cp = '/'; return 2;
    case 'b': *cp = '\b'; return 2;
    case 'f': *cp = '\f'; return 2;
    case 'n': *cp = '\n'; return 2;
    case 'r': *cp = '\r'; return 2;
    case 't': *cp = '\t'; return 2;
    case 'u': break;
    default: return -1;
    }
    if (end - p < 6 || (u = hex4(p + 2)) < 0)
        return -1;
    if (u >= 0xD800 && u <= 0xDBFF && end - p >= 12 && p[6] == '\\' && p[7] == 'u') {
        /* json refuses a bad \u after a high surrogate too */
        if ((lo = hex4(p + 8)) < 0)
            return -1;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            *cp = 0x10000 + (((Py_UCS4)u - 0xD800) << 10) + ((Py_UCS4)lo - 0xDC00);
            return 12;
        }
    }
    *cp = (Py_UCS4)u;
    return 6;
}

static inline int is_cont(uint8_t c)
{
    return (c & 0xC0) == 0x80;
}

/* Multi-byte UTF-8 sequence at p (p[0] >= 0x80): its length, or -1 when it
 * is truncated, overlong, beyond U+10FFFF or an encoded surrogate (json.loads
 * takes those through surrogatepass; it decides them). */
static inline int read_utf8(const uint8_t *p, const uint8_t *end, Py_UCS4 *cp)
{
    Py_ssize_t avail = end - p;
    uint8_t c = p[0];
    Py_UCS4 v;

    if (c >= 0xC2 && c <= 0xDF) {
        if (avail < 2 || !is_cont(p[1]))
            return -1;
        *cp = ((Py_UCS4)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || !is_cont(p[1]) || !is_cont(p[2]))
            return -1;
        v = ((Py_UCS4)(c & 0x0F) << 12) | ((Py_UCS4)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return -1;
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3]))
            return -1;
        v = ((Py_UCS4)(c & 0x07) << 18) | ((Py_UCS4)(p[1] & 0x3F) << 12)
            | ((Py_UCS4)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        if (v < 0x10000 || v > 0x10FFFF)
            return -1;
        *cp = v;
        return 4;
    }
    return -1;
}

/* What the validating scan learned about a string literal. */
typedef struct {
    const uint8_t *raw;      /* first byte after the opening quote */
    Py_ssize_t len;          /* bytes up to the closing quote */
    Py_ssize_t nchars;       /* code points of the value */
    Py_UCS4 maxchar;
    int escaped;             /* holds at least one backslash escape */
} str_scan;

/* Validates the string whose content starts at d->p and moves past its
 * closing quote. 0, or -1 when the literal is not valid strict JSON. */
static int scan_string(dec *d, str_scan *s)
{
    const uint8_t *p = d->p, *end = d->end;
    Py_ssize_t extra = 0;    /* bytes beyond one per code point */
    Py_UCS4 maxc = 0, cp;
    int escaped = 0, k;

    s->raw = p;
    for (;;) {
        while (end - p >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            if (has_special8(x))
                break;
            p += 8;
        }
        while (p < end && !str_special[*p])
            p++;
        if (p >= end)
            return -1;
        if (*p == '"')
            break;
        if (*p == '\\') {
            k = read_escape(p, end, &cp);
            escaped = 1;
        }
        else if (*p < 0x80) {
            return -1;  /* raw control character: json's strict mode refuses it */
        }
        else {
            k = read_utf8(p, end, &cp);
        }
        if (k < 0)
            return -1;
        if (cp > maxc)
            maxc = cp;
        extra += k - 1;
        p += k;
    }
    s->len = p - s->raw;
    s->nchars = s->len - extra;
    s->maxchar = maxc;
    s->escaped = escaped;
    d->p = p + 1;
    return 0;
}

/* Builds the str of a scanned literal; the scan already validated it. */
static PyObject *build_string(const str_scan *s, const uint8_t *end)
{
    const uint8_t *p = s->raw, *stop = s->raw + s->len;
    PyObject *u;
    int kind;
    void *data;
    Py_ssize_t i = 0;

    if (!s->escaped) {
        if (s->maxchar >= 0x80)
            return PyUnicode_DecodeUTF8((const char *)p, s->len, "strict");
        u = PyUnicode_New(s->len, 127);
        if (u != NULL)
            memcpy(PyUnicode_DATA(u), p, (size_t)s->len);
        return u;
    }
    /* maxchar is exact, so the result has the canonical kind */
    u = PyUnicode_New(s->nchars, s->maxchar < 0x80 ? 127 : s->maxchar);
    if (u == NULL)
        return NULL;
    kind = PyUnicode_KIND(u);
    data = PyUnicode_DATA(u);
    while (p < stop) {
        Py_UCS4 cp;
        int k;
        if (!str_special[*p]) {
            const uint8_t *run = p;
            while (p < stop && !str_special[*p])
                p++;
            if (kind == PyUnicode_1BYTE_KIND) {
                memcpy((Py_UCS1 *)data + i, run, (size_t)(p - run));
                i += p - run;
            }
            else {
                for (; run < p; run++)
                    PyUnicode_WRITE(kind, data, i++, *run);
            }
            continue;
        }
        /* same bound as the scan, so a surrogate pair joins the same way */
        k = *p == '\\' ? read_escape(p, end, &cp) : read_utf8(p, end, &cp);
        assert(k > 0);
        PyUnicode_WRITE(kind, data, i++, cp);
        p += k;
    }
    assert(i == s->nchars);
    return u;
}

/* A member name at d->p (which must be '"'), then ':' with the whitespace
 * around it. New reference, or NULL (exception set, or none to defer). */
static PyObject *parse_key(dec *d)
{
    str_scan s;
    key_slot *slot;
    unsigned idx;
    PyObject *key;

    if (d->p >= d->end || *d->p != '"')
        return NULL;
    d->p++;
    if (scan_string(d, &s) < 0)
        return NULL;
    if (d->kc != NULL && !s.escaped && s.maxchar < 0x80 && s.len <= PJF_KEYCACHE_MAXLEN && s.len > 0) {
        unsigned h = (unsigned)s.len;
        for (Py_ssize_t j = 0; j < s.len; j++)
            h = h * 31 + s.raw[j];
        h %= PJF_KEYCACHE_SLOTS;
        if (d->kc->slot[h].str != NULL && d->kc->slot[h].len == s.len
            && memcmp(d->kc->slot[h].bytes, s.raw, (size_t)s.len) == 0) {
            key = Py_NewRef(d->kc->slot[h].str);
        }
        else {
            key = build_string(&s, d->end);
            if (key == NULL)
                return NULL;
            PyUnicode_InternInPlace(&key);
            PyObject *old = d->kc->slot[h].str;
            memcpy(d->kc->slot[h].bytes, s.raw, (size_t)s.len);
            d->kc->slot[h].len = s.len;
            d->kc->slot[h].str = Py_NewRef(key);
            Py_XDECREF(old);  /* an interned str: no code runs on release */
        }
        goto have_key;
    }
    idx = s.len == 0 ? 0
        : (unsigned)(s.len * 7 + s.raw[0] * 31 + s.raw[s.len - 1]) % KEY_CACHE_SLOTS;
    slot = &d->keys[idx];
    if (((d->used >> idx) & 1) && slot->len == s.len
        && memcmp(slot->raw, s.raw, (size_t)s.len) == 0) {
        key = Py_NewRef(slot->str);
    }
    else {
        key = build_string(&s, d->end);
        if (key == NULL)
            return NULL;
        if ((d->used >> idx) & 1)
            Py_DECREF(slot->str);
        slot->raw = s.raw;
        slot->len = s.len;
        slot->str = Py_NewRef(key);
        d->used |= (uint32_t)1 << idx;
    }
have_key:
    skip_ws(d);
    if (d->p >= d->end || *d->p != ':') {
        Py_DECREF(key);
        return NULL;
    }
    d->p++;
    skip_ws(d);
    return key;
}

/* ------------------------------------------------------------------ */
/* Numbers and constants                                              */

static inline int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* json.loads gives json.decoder's own NaN/PosInf/NegInf objects; handing out
 * the same ones keeps containers holding them == to json's result. */
static PyObject *json_constant(const char *attr, double fallback)
{
    PyObject *modules = PySys_GetObject("modules");  /* borrowed */
    PyObject *mod = NULL, *v;

    if (modules != NULL && PyDict_Check(modules))
        mod = PyDict_GetItemString(modules, "json.decoder");  /* borrowed */
    if (mod != NULL) {
        v = PyObject_GetAttrString(mod, attr);
        if (v != NULL && PyFloat_CheckExact(v))
            return v;
        Py_XDECREF(v);
        PyErr_Clear();
    }
    return PyFloat_FromDouble(fallback);
}

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define PJF_FAST_FLOAT 1
/* Powers of ten that doubles hold exactly. */
static const double exact_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Clinger's fast path for the validated literal lit[0:n]: with a mantissa
 * below 2^53 and 10^|e| <= 10^22 both operands are exact, so one IEEE
 * multiply or divide rounds as strtod does. 0 when the literal needs strtod. */
static int fast_float(const uint8_t *lit, const uint8_t *stop, double *out)
{
    const uint8_t *q = lit;
    uint64_t m = 0;
    int neg = 0, frac = 0, sig = 0, e10 = 0, ex = 0, exneg = 0, nexp = 0;
    double v;

    if (*q == '-') {
        neg = 1;
        q++;
    }
    for (; q < stop && *q != 'e' && *q != 'E'; q++) {
        if (*q == '.') {
            frac = 1;
            continue;
        }
        if (m != 0 || *q != '0')
            sig++;  /* leading zeros are not significant */
        if (sig > 19)
            return 0;
        m = m * 10 + (uint64_t)(*q - '0');
        e10 -= frac;
    }
    if (q < stop) {
        q++;  /* 'e' or 'E' */
        if (*q == '+' || *q == '-')
            exneg = *q++ == '-';
        for (; q < stop; q++) {
            if (++nexp > 4)
                return 0;
            ex = ex * 10 + (*q - '0');
        }
        e10 += exneg ? -ex : ex;
    }
    if (m > ((uint64_t)1 << 53))
        return 0;
    if (m == 0) {
        v = 0.0;
    }
    else if (e10 < 0) {
        if (e10 < -22)
            return 0;
        v = (double)m / exact_pow10[-e10];
    }
    else {
        if (e10 > 22)
            return 0;
        v = (double)m * exact_pow10[e10];
    }
    *out = neg ? -v : v;
    return 1;
}
#endif

/* Copies lit[0:n] NUL-terminated into tmp, or into a PyMem block (*heap) when
 * it does not fit; NULL with MemoryError. */
static char *cstr_copy(const uint8_t *lit, Py_ssize_t n, char *tmp, size_t tmpsize, char **heap)
{
    char *buf = tmp;
    *heap = NULL;
    if ((size_t)n >= tmpsize) {
        buf = *heap = PyMem_Malloc((size_t)n + 1);
        if (buf == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
    }
    memcpy(buf, lit, (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* A number at d->p (a '-' or a digit). RFC 8259 grammar: json's scanner
 * accepts no more (its backtracking on "1." or "1e" always ends in an error). */
static PyObject *parse_number(dec *d)
{
    const uint8_t *start = d->p, *p = start, *end = d->end, *digits;
    int is_float = 0;
    char tmp[64], *heap, *buf;
    PyObject *r;

    if (*p == '-')
        p++;
    digits = p;
    if (p >= end || !is_digit(*p))
        return NULL;
    if (*p == '0')
        p++;
    else
        while (p < end && is_digit(*p))
            p++;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
        is_float = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
        is_float = 1;
    }
    d->p = p;

    if (!is_float && p - digits <= 18) {
        /* fits int64 with room to spare: no string round trip */
        long long v = 0;
        const uint8_t *q;
        for (q = digits; q < p; q++)
            v = v * 10 + (*q - '0');
        return PyLong_FromLongLong(*start == '-' ? -v : v);
    }
#ifdef PJF_FAST_FLOAT
    if (is_float) {
        double v;
        if (fast_float(start, p, &v))
            return PyFloat_FromDouble(v);
    }
#endif
    buf = cstr_copy(start, p - start, tmp, sizeof(tmp), &heap);
    if (buf == NULL)
        return NULL;
    if (is_float) {
        char *fend;
        /* what float() does: overflow gives +-inf, no error */
        double v = PyOS_string_to_double(buf, &fend, NULL);
        if (v == -1.0 && PyErr_Occurred())
            r = NULL;
        else
            r = PyFloat_FromDouble(v);
        assert(r == NULL || fend == buf + (p - start));
    }
    else {
        r = PyLong_FromString(buf, NULL, 10);
    }
    PyMem_Free(heap);
    if (r == NULL && PyErr_ExceptionMatches(PyExc_ValueError)) {
        /* the int() digit limit: json.loads raises it itself */
        PyErr_Clear();
    }
    return r;
}

static inline int match(const dec *d, const char *lit, Py_ssize_t n)
{
    return d->end - d->p >= n && memcmp(d->p, lit, (size_t)n) == 0;
}

/* ------------------------------------------------------------------ */
/* Documents                                                          */

static void release_keys(dec *d)
{
    int i;
    for (i = 0; i < KEY_CACHE_SLOTS; i++) {
        if ((d->used >> i) & 1)
            Py_DECREF(d->keys[i].str);
    }
    d->used = 0;
}

int pjf_json_decode(const char *s, Py_ssize_t n, PyObject **result, pjf_keycache *kc)
{
    dec d;
    frame stack[PJF_JSON_MAX_DEPTH];
    int depth = 0, i, too_deep = 0;
    PyObject *val = NULL;
    frame *f;

    assert(!PyErr_Occurred());
    *result = NULL;
    /* json.detect_encoding reads NULs among the first bytes, and BOMs, as
     * UTF-16/32; no valid UTF-8 JSON text starts with either */
    if (n >= 2 && (s[0] == 0 || s[1] == 0))
        return PJF_DEFER;
    if (n >= 1 && (uint8_t)s[0] >= 0x80)
        return PJF_DEFER;

    d.p = (const uint8_t *)s;
    d.end = d.p + n;
    d.used = 0;
    d.kc = kc;
    skip_ws(&d);

next_value:
    /* d.p is at the start of a value (whitespace skipped) */
    if (d.p >= d.end)
        goto fail;
    switch (*d.p) {
    case '{':
    case '[':
        if (depth >= PJF_JSON_MAX_DEPTH) {
            too_deep = *d.p == '{' ? PJF_JSON_TOO_DEEP_OBJECT : PJF_JSON_TOO_DEEP_ARRAY;
            goto fail;
        }
        f = &stack[depth];
        f->obj = *d.p == '{' ? PyDict_New() : PyList_New(0);
        f->key = NULL;
        if (f->obj == NULL)
            goto fail;
        depth++;
        d.p++;
        skip_ws(&d);
        if (d.p < d.end && *d.p == (PyDict_CheckExact(f->obj) ? '}' : ']')) {
            d.p++;
            val = f->obj;
            depth--;
            goto have_value;
        }
        if (PyDict_CheckExact(f->obj) && (f->key = parse_key(&d)) == NULL)
            goto fail;
        goto next_value;
    case '"': {
        str_scan sc;
        d.p++;
        if (scan_string(&d, &sc) < 0)
            goto fail;
        val = build_string(&sc, d.end);
        break;
    }
    case 't':
        if (!match(&d, "true", 4))
            goto fail;
        d.p += 4;
        val = Py_NewRef(Py_True);
        break;
    case 'f':
        if (!match(&d, "false", 5))
            goto fail;
        d.p += 5;
        val = Py_NewRef(Py_False);
        break;
    case 'n':
        if (!match(&d, "null", 4))
            goto fail;
        d.p += 4;
        val = Py_NewRef(Py_None);
        break;
    case 'N':
        if (!match(&d, "NaN", 3))
            goto fail;
        d.p += 3;
        val = json_constant("NaN", NAN);
        break;
    case 'I':
        if (!match(&d, "Infinity", 8))
            goto fail;
        d.p += 8;
        val = json_constant("PosInf", HUGE_VAL);
        break;
    case '-':
        if (match(&d, "-Infinity", 9)) {
            d.p += 9;
            val = json_constant("NegInf", -HUGE_VAL);
            break;
        }
        val = parse_number(&d);
        break;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        val = parse_number(&d);
        break;
    default:
        goto fail;
    }
    if (val == NULL)
        goto fail;

have_value:
    /* val (owned) is complete: put it into the enclosing container */
    if (depth == 0)
        goto done;
    f = &stack[depth - 1];
    if (f->key != NULL) {
        i = PyDict_SetItem(f->obj, f->key, val);
        Py_CLEAR(f->key);
    }
    else {
        i = PyList_Append(f->obj, val);
    }
    Py_CLEAR(val);
    if (i < 0)
        goto fail;
    skip_ws(&d);
    if (d.p >= d.end)
        goto fail;
    if (*d.p == ',') {
        d.p++;
        skip_ws(&d);
        if (PyDict_CheckExact(f->obj) && (f->key = parse_key(&d)) == NULL)
            goto fail;
        goto next_value;
    }
    if (*d.p == (PyDict_CheckExact(f->obj) ? '}' : ']')) {
        d.p++;
        val = f->obj;
        depth--;
        goto have_value;
    }
    goto fail;

done:
    skip_ws(&d);
    if (d.p != d.end)
        goto fail;  /* json's "Extra data" */
    release_keys(&d);
    *result = val;
    return 0;

fail:
    Py_XDECREF(val);
    for (i = 0; i < depth; i++) {
        Py_DECREF(stack[i].obj);
        Py_XDECREF(stack[i].key);
    }
    release_keys(&d);
    if (PyErr_Occurred())
        return -1;
    return too_deep ? too_deep : PJF_DEFER;
}
