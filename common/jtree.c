/* jtree: see jtree.h. A recursive-descent parser over RFC 8259 plus Python's NaN/Infinity;
 * depth is bounded (JTREE_MAX_DEPTH), so hostile input cannot exhaust the stack. */
#include "common/jtree.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/xalloc.h"

struct parser {
	const char *s, *end, *p;
	const char *line_start;
	int line;
	/* the last column asked for: nodes are made in reading order, so counting on from
	 * there keeps the reader linear on a one-line document of any size */
	const char *col_at;
	int col;
	const char *name;
	struct diags *d;
	int depth;
	volatile sig_atomic_t *stop; /* NULL, or the program's stop flag: the read gives up */
	unsigned values;             /* values read, to look at stop every few thousand */
};

static int col_of(struct parser *ps, const char *at)
{
	/* columns count code points, as editors show them */
	if (!ps->col_at || ps->col_at < ps->line_start || ps->col_at > at) {
		ps->col_at = ps->line_start;
		ps->col = 1;
	}
	for (const char *q = ps->col_at; q < at; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			ps->col++;
	ps->col_at = at;
	return ps->col;
}

static int fail(struct parser *ps, const char *what)
{
	if (!ps->d)
		return -1;
	if (ps->p >= ps->end)
		return diags_errorf(ps->d, ps->name, ps->line, col_of(ps, ps->p), NULL,
				    "invalid JSON: %s, found the end of the file", what);
	unsigned char c = (unsigned char)*ps->p;
	if (c >= 0x20 && c < 0x7F)
		return diags_errorf(ps->d, ps->name, ps->line, col_of(ps, ps->p), NULL,
				    "invalid JSON: %s, found '%c'", what, c);
	return diags_errorf(ps->d, ps->name, ps->line, col_of(ps, ps->p), NULL,
			    "invalid JSON: %s, found byte 0x%02x", what, c);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;
		if (c == '\n') {
			ps->line++;
			ps->line_start = ps->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		ps->p++;
	}
}

static bool lit(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, word, n)) {
		ps->p += n;
		return true;
	}
	return false;
}

static void add_utf8(struct buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		buf_addch(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 4);
	}
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n;
	uint32_t min;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		n = 2;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	uint32_t cp = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static int parse_string(struct parser *ps, struct buf *out)
{
	ps->p++; /* the opening quote */
	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(ps, "expected a character of a string (control characters must be escaped)");
		if (c == '\\') {
			if (ps->end - ps->p < 2) {
				ps->p++;
				return fail(ps, "expected an escape");
			}
			char e = ps->p[1];
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			const char *k = e ? strchr(from, e) : NULL;
			if (k) {
				buf_addch(out, to[k - from]);
				ps->p += 2;
				continue;
			}
			uint32_t cp;
			if (e != 'u' || ps->end - ps->p < 6 || hex4(ps->p + 2, &cp)) {
				ps->p++;
				return fail(ps, "expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
			}
			ps->p += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo;
				if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' &&
				    !hex4(ps->p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
					ps->p += 6;
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else {
					cp = 0xFFFD;
				}
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			add_utf8(out, cp);
			continue;
		}
		size_t n = utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);
		if (!n) {
			add_utf8(out, 0xFFFD);
			ps->p++;
			continue;
		}
		buf_add(out, ps->p, n);
		ps->p += n;
	}
	return fail(ps, "expected '\"' to end the string");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps, struct jnode *n)
{
	const char *start = ps->p;
	bool is_int = true;
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (lit(ps, "Infinity")) {
		n->num = start[0] == '-' ? -INFINITY : INFINITY;
		is_int = false;
		goto done;
	}
	if (ps->p >= ps->end || !is_digit(*ps->p))
		return fail(ps, "expected a digit");
	if (*ps->p == '0') {
		ps->p++;
	} else {
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		is_int = false;
		ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p))
			return fail(ps, "expected a digit after '.'");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		is_int = false;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p))
			return fail(ps, "expected a digit of the exponent");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	n->s = xstrndup(start, (size_t)(ps->p - start));
	n->num = strtod(n->s, NULL);
	n->len = (size_t)(ps->p - start);
	n->is_int = is_int;
	n->type = JT_NUM;
	return 0;
done:
	n->s = xstrndup(start, (size_t)(ps->p - start));
	n->len = (size_t)(ps->p - start);
	n->is_int = is_int;
	n->type = JT_NUM;
	return 0;
}

static int parse_value(struct parser *ps, struct jnode *n);

/* A closed container gives back the room VEC_GROW kept for more: a document of many small
 * arrays and objects would otherwise hold about 24 slots for each (about 1 GB of slack for
 * an 8 MB file). */
#define SHRINK_TO_FIT(arr, nr, alloc)                                     \
	do {                                                              \
		if ((alloc) > (nr)) {                                     \
			(arr) = xrealloc((arr), (nr) * sizeof(*(arr)));   \
			(alloc) = (nr);                                   \
		}                                                         \
	} while (0)

static int parse_array(struct parser *ps, struct jnode *n)
{
	n->type = JT_ARR;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		VEC_GROW(n->items, n->nr + 1, n->alloc);
		struct jnode *item = &n->items[n->nr];
		memset(item, 0, sizeof(*item));
		n->nr++;
		skip_ws(ps);
		if (parse_value(ps, item))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			SHRINK_TO_FIT(n->items, n->nr, n->alloc);
			return 0;
		}
		return fail(ps, "expected ',' or ']' in an array");
	}
}

static int parse_object(struct parser *ps, struct jnode *n)
{
	n->type = JT_OBJ;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, "expected '\"' to start a member name");
		VEC_GROW(n->members, n->nr + 1, n->alloc);
		struct jmember *m = &n->members[n->nr];
		memset(m, 0, sizeof(*m));
		n->nr++;
		struct buf key = BUF_INIT;
		int rc = parse_string(ps, &key);
		m->key_len = key.len;
		m->key = buf_take(&key, NULL);
		if (rc)
			return -1;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, "expected ':' after a member name");
		ps->p++;
		skip_ws(ps);
		if (parse_value(ps, &m->val))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			SHRINK_TO_FIT(n->members, n->nr, n->alloc);
			return 0;
		}
		return fail(ps, "expected ',' or '}' in an object");
	}
}

static int parse_value(struct parser *ps, struct jnode *n)
{
	n->line = ps->line;
	n->col = col_of(ps, ps->p);
	if (ps->p >= ps->end)
		return fail(ps, "expected a value");
	/* a document of many megabytes takes a second or more: a signal is answered in between */
	if (ps->stop && (++ps->values & 4095) == 0 && *ps->stop) {
		if (ps->d)
			diags_errorf(ps->d, ps->name, ps->line, col_of(ps, ps->p), NULL,
				     "interrupted while reading");
		return -1;
	}
	if (++ps->depth > JTREE_MAX_DEPTH)
		return fail(ps, "nesting too deep");
	int rc = 0;
	switch (*ps->p) {
	case '{':
		rc = parse_object(ps, n);
		break;
	case '[':
		rc = parse_array(ps, n);
		break;
	case '"': {
		struct buf s = BUF_INIT;
		n->type = JT_STR;
		rc = parse_string(ps, &s);
		n->len = s.len;
		n->s = buf_take(&s, NULL);
		break;
	}
	default:
		if (lit(ps, "true") || lit(ps, "false")) {
			n->type = JT_BOOL;
			n->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		} else if (lit(ps, "null")) {
			n->type = JT_NULL;
		} else if (lit(ps, "NaN")) {
			n->type = JT_NUM;
			n->num = NAN;
			n->s = xstrdup("NaN");
			n->len = 3;
		} else if (*ps->p == '-' || is_digit(*ps->p) || *ps->p == 'I') {
			if (*ps->p == 'I') {
				if (!lit(ps, "Infinity"))
					return fail(ps, "expected a value");
				n->type = JT_NUM;
				n->num = INFINITY;
				n->s = xstrdup("Infinity");
				n->len = 8;
			} else {
				rc = parse_number(ps, n);
			}
		} else {
			rc = fail(ps, "expected a value");
		}
	}
	ps->depth--;
	return rc;
}

static void node_release(struct jnode *n)
{
	for (size_t i = 0; n->type == JT_ARR && i < n->nr; i++)
		node_release(&n->items[i]);
	for (size_t i = 0; n->type == JT_OBJ && i < n->nr; i++) {
		free(n->members[i].key);
		node_release(&n->members[i].val);
	}
	free(n->items);
	free(n->members);
	free(n->s);
}

struct jnode *jtree_parse(const char *s, size_t len, const char *name, struct diags *d)
{
	return jtree_parse_stoppable(s, len, name, NULL, d);
}

struct jnode *jtree_parse_stoppable(const char *s, size_t len, const char *name,
				    volatile sig_atomic_t *stop, struct diags *d)
{
	struct parser ps = { .s = s, .end = s + len, .p = s, .line_start = s, .line = 1,
			      .name = name, .d = d, .stop = stop };
	struct jnode *root = xcalloc(1, sizeof(*root));
	skip_ws(&ps);
	int rc = parse_value(&ps, root);
	if (!rc) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			rc = fail(&ps, "expected the end of the document after the value");
	}
	if (rc) {
		jtree_free(root);
		return NULL;
	}
	return root;
}

void jtree_free(struct jnode *root)
{
	if (!root)
		return;
	node_release(root);
	free(root);
}

const struct jnode *jobj_get(const struct jnode *obj, const char *key)
{
	if (!obj || obj->type != JT_OBJ)
		return NULL;
	/* by length too: a member named "image\u0000" is not "image" */
	size_t len = strlen(key);
	for (size_t i = obj->nr; i-- > 0;)
		if (obj->members[i].key_len == len && !memcmp(obj->members[i].key, key, len))
			return &obj->members[i].val;
	return NULL;
}

const struct jnode *jarr_at(const struct jnode *arr, size_t i)
{
	return arr && arr->type == JT_ARR && i < arr->nr ? &arr->items[i] : NULL;
}

const char *jobj_str(const struct jnode *obj, const char *key)
{
	const struct jnode *v = jobj_get(obj, key);
	return v && v->type == JT_STR ? v->s : NULL;
}

bool jobj_first_of_key(const struct jnode *obj, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (obj->members[j].key_len == obj->members[i].key_len &&
		    !memcmp(obj->members[j].key, obj->members[i].key, obj->members[i].key_len))
			return false;
	return true;
}

static const struct jnode *last_value(const struct jnode *obj, size_t i)
{
	const struct jmember *m = &obj->members[i];
	for (size_t j = obj->nr; j-- > i;)
		if (obj->members[j].key_len == m->key_len &&
		    !memcmp(obj->members[j].key, m->key, m->key_len))
			return &obj->members[j].val;
	return &m->val;
}

static int member_cmp(const void *pa, const void *pb)
{
	const struct jmember *a = *(const struct jmember *const *)pa;
	const struct jmember *b = *(const struct jmember *const *)pb;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);
	/* UTF-8 byte order is code point order: Python's sort of str keys */
	return c ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

static void write_node(struct jsonw *w, const struct jnode *n, bool sorted);

static void write_object(struct jsonw *w, const struct jnode *n, bool sorted)
{
	/* the members Python keeps: one per key, at its first position, with the last value */
	const struct jmember **keep = xmalloc((n->nr ? n->nr : 1) * sizeof(*keep));
	size_t kept = 0;
	for (size_t i = 0; i < n->nr; i++)
		if (jobj_first_of_key(n, i))
			keep[kept++] = &n->members[i];
	if (sorted) /* keys are unique now, so the order is total */
		qsort(keep, kept, sizeof(*keep), member_cmp);
	jsonw_obj_open(w);
	for (size_t k = 0; k < kept; k++) {
		jsonw_key(w, keep[k]->key);
		write_node(w, last_value(n, (size_t)(keep[k] - n->members)), sorted);
	}
	jsonw_obj_close(w);
	free(keep);
}

static void write_node(struct jsonw *w, const struct jnode *n, bool sorted)
{
	switch (n->type) {
	case JT_NULL:
		jsonw_null(w);
		break;
	case JT_BOOL:
		jsonw_bool(w, n->b);
		break;
	case JT_NUM:
		if (n->is_int) {
			/* Python ints are exact: write the digits, "-0" as 0 */
			const char *t = n->s;
			if (!strcmp(t, "-0"))
				t = "0";
			jsonw_raw(w, t);
		} else {
			jsonw_double(w, n->num);
		}
		break;
	case JT_STR:
		jsonw_strn(w, n->s, n->len);
		break;
	case JT_ARR:
		jsonw_arr_open(w);
		for (size_t i = 0; i < n->nr; i++)
			write_node(w, &n->items[i], sorted);
		jsonw_arr_close(w);
		break;
	case JT_OBJ:
		write_object(w, n, sorted);
		break;
	}
}

void jtree_write(struct jsonw *w, const struct jnode *n)
{
	write_node(w, n, false);
}

void jtree_write_sorted(struct jsonw *w, const struct jnode *n)
{
	write_node(w, n, true);
}

const char *jtype_describe(const struct jnode *n)
{
	switch (n->type) {
	case JT_NULL:
		return "null";
	case JT_BOOL:
		return n->b ? "boolean true" : "boolean false";
	case JT_NUM:
		return n->is_int ? "an integer" : "a float";
	case JT_STR:
		return "a string";
	case JT_ARR:
		return "a list";
	case JT_OBJ:
		return "an object";
	}
	return "a value";
}
