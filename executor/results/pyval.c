/*
 * pyval: Python's view of JSON values; see pyval.h.
 */
#include "executor/results/pyval.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/jtree.h"

/* Code points str.isprintable() refuses that are not controls: separators other than the
 * space (Zs, Zl, Zp), format characters (Cf) and private use (Co). Unassigned code points
 * (Cn) are not listed: they are read as printable. */
static const struct {
	uint32_t lo, hi;
} unprintable[] = {
	{ 0x80, 0xa0 }, { 0xad, 0xad }, { 0x600, 0x605 }, { 0x61c, 0x61c }, { 0x6dd, 0x6dd },
	{ 0x70f, 0x70f }, { 0x890, 0x891 }, { 0x8e2, 0x8e2 }, { 0x1680, 0x1680 },
	{ 0x180e, 0x180e }, { 0x2000, 0x200f }, { 0x2028, 0x202f }, { 0x205f, 0x2064 },
	{ 0x2066, 0x206f }, { 0x3000, 0x3000 }, { 0xd800, 0xf8ff }, { 0xfeff, 0xfeff },
	{ 0xfff9, 0xfffb }, { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
	{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
	{ 0xf0000, 0x10ffff },
};

static bool printable(uint32_t c)
{
	if (c < 0x20 || c == 0x7f)
		return false;
	for (size_t i = 0; i < sizeof(unprintable) / sizeof(unprintable[0]); i++)
		if (c >= unprintable[i].lo && c <= unprintable[i].hi)
			return false;
	return true;
}

/* The code point at s (valid UTF-8, as jtree leaves strings) and its length. */
static uint32_t utf8_at(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0 || n < 4) {
		*len = n < 3 ? n : 3;
		return n < 3 ? 0xfffd : (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*len = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	       (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

void pyval_repr_str(struct buf *out, const char *s, size_t len)
{
	bool single = memchr(s, '\'', len) != NULL, dbl = memchr(s, '"', len) != NULL;
	char q = single && !dbl ? '"' : '\'';
	buf_addch(out, q);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t k;
		uint32_t c = utf8_at(u + i, len - i, &k);
		if (c == (uint32_t)q || c == '\\')
			buf_addf(out, "\\%c", (char)c);
		else if (c == '\t')
			buf_adds(out, "\\t");
		else if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (printable(c))
			buf_add(out, s + i, k);
		else if (c < 0x100)
			buf_addf(out, "\\x%02x", c);
		else if (c < 0x10000)
			buf_addf(out, "\\u%04x", c);
		else
			buf_addf(out, "\\U%08x", c);
		i += k;
	}
	buf_addch(out, q);
}

/* an int's text as Python prints it: "-0" is 0 */
static void int_text(struct buf *out, const struct jnode *n)
{
	buf_adds(out, strcmp(n->s, "-0") ? n->s : "0");
}

void pyval_repr(struct buf *out, const struct jnode *n)
{
	char tmp[32];
	if (!n || n->type == JT_NULL) {
		buf_adds(out, "None");
		return;
	}
	switch (n->type) {
	case JT_NULL:
		break;
	case JT_BOOL:
		buf_adds(out, n->b ? "True" : "False");
		break;
	case JT_NUM:
		if (n->is_int) {
			int_text(out, n);
		} else if (isnan(n->num)) {
			buf_adds(out, "nan");
		} else if (isinf(n->num)) {
			buf_adds(out, n->num < 0 ? "-inf" : "inf");
		} else {
			fmt_double_py(tmp, n->num);
			buf_adds(out, tmp);
		}
		break;
	case JT_STR:
		pyval_repr_str(out, n->s, n->len);
		break;
	case JT_ARR:
		buf_addch(out, '[');
		for (size_t i = 0; i < n->nr; i++) {
			if (i)
				buf_adds(out, ", ");
			pyval_repr(out, &n->items[i]);
		}
		buf_addch(out, ']');
		break;
	case JT_OBJ: {
		bool first = true;
		buf_addch(out, '{');
		for (size_t i = 0; i < n->nr; i++) {
			if (!jobj_first_of_key(n, i))
				continue;
			if (!first)
				buf_adds(out, ", ");
			first = false;
			pyval_repr_str(out, n->members[i].key, n->members[i].key_len);
			buf_adds(out, ": ");
			pyval_repr(out, jobj_get(n, n->members[i].key));
		}
		buf_addch(out, '}');
		break;
	}
	}
}

static long long clamp_ll(const char *s)
{
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	return v; /* strtoll clamps to LLONG_MIN / LLONG_MAX on overflow */
}

/* ints: bool as 0/1, JSON integers by value */
static bool as_int(const struct jnode *n, long long *v, bool *exact)
{
	if (n->type == JT_BOOL) {
		*v = n->b;
		*exact = true;
		return true;
	}
	if (n->type == JT_NUM && n->is_int) {
		errno = 0;
		*v = strtoll(n->s, NULL, 10);
		*exact = errno != ERANGE;
		return true;
	}
	return false;
}

static bool is_numeric(const struct jnode *n)
{
	return n->type == JT_BOOL || n->type == JT_NUM;
}

static double as_double(const struct jnode *n)
{
	return n->type == JT_BOOL ? (double)n->b : n->num;
}

bool pyval_eq(const struct jnode *a, const struct jnode *b)
{
	bool an = !a || a->type == JT_NULL, bn = !b || b->type == JT_NULL;
	if (an || bn)
		return an && bn;
	if (is_numeric(a) && is_numeric(b)) {
		long long x, y;
		bool xe, ye;
		if (as_int(a, &x, &xe) && as_int(b, &y, &ye)) {
			if (xe && ye)
				return x == y;
			return !strcmp(a->s ? a->s : "", b->s ? b->s : ""); /* big ints by text */
		}
		return as_double(a) == as_double(b);
	}
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JT_STR:
		return a->len == b->len && !memcmp(a->s, b->s, a->len);
	case JT_ARR:
		if (a->nr != b->nr)
			return false;
		for (size_t i = 0; i < a->nr; i++)
			if (!pyval_eq(&a->items[i], &b->items[i]))
				return false;
		return true;
	case JT_OBJ: {
		size_t ka = 0, kb = 0;
		for (size_t i = 0; i < b->nr; i++)
			kb += jobj_first_of_key(b, i);
		for (size_t i = 0; i < a->nr; i++) {
			if (!jobj_first_of_key(a, i))
				continue;
			ka++;
			const struct jnode *bv = jobj_get(b, a->members[i].key);
			if (!bv || !pyval_eq(jobj_get(a, a->members[i].key), bv))
				return false;
		}
		return ka == kb;
	}
	default:
		return false;
	}
}

bool pyval_eq_int(const struct jnode *a, long long v)
{
	if (!a || !is_numeric(a))
		return false;
	long long x;
	bool exact;
	if (as_int(a, &x, &exact))
		return exact && x == v;
	return a->num == (double)v;
}

bool pyval_eq_str(const struct jnode *a, const char *s)
{
	return a && a->type == JT_STR && a->len == strlen(s) && !memcmp(a->s, s, a->len);
}

bool pyval_truthy(const struct jnode *n)
{
	if (!n)
		return false;
	switch (n->type) {
	case JT_NULL:
		return false;
	case JT_BOOL:
		return n->b;
	case JT_NUM:
		return n->num != 0 || isnan(n->num);
	case JT_STR:
		return n->len > 0;
	case JT_ARR:
	case JT_OBJ:
		return n->nr > 0;
	}
	return false;
}

const char *pyval_type_name(const struct jnode *n)
{
	if (!n)
		return "NoneType";
	switch (n->type) {
	case JT_NULL:
		return "NoneType";
	case JT_BOOL:
		return "bool";
	case JT_NUM:
		return n->is_int ? "int" : "float";
	case JT_STR:
		return "str";
	case JT_ARR:
		return "list";
	case JT_OBJ:
		return "dict";
	}
	return "object";
}

bool pyval_int(const struct jnode *n, long long *v)
{
	if (!n || n->type != JT_NUM || !n->is_int)
		return false;
	*v = clamp_ll(n->s);
	return true;
}

bool pyval_finite(const struct jnode *n)
{
	return n && n->type == JT_NUM && isfinite(n->num);
}
