/* row: see row.h. */
#include "matrixgen/row.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/scalar.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/yamltree.h"

struct rval rval_int(long v)
{
	return (struct rval){ .kind = RV_INT, .i = v };
}

struct rval rval_bool(bool v)
{
	return (struct rval){ .kind = RV_BOOL, .b = v };
}

struct rval rval_str(const char *s)
{
	return (struct rval){ .kind = RV_STR, .s = s };
}

struct rval rval_own(char *s)
{
	return (struct rval){ .kind = RV_STR, .owned = true, .s = s };
}

struct rval rval_ints(const long *v, size_t nr)
{
	struct rval l = { .kind = RV_LIST, .nr = nr };
	l.items = xcalloc(nr ? nr : 1, sizeof(*l.items));
	for (size_t i = 0; i < nr; i++)
		l.items[i] = rval_int(v[i]);
	return l;
}

struct rval rval_obj(struct row *obj)
{
	return (struct rval){ .kind = RV_OBJ, .obj = obj };
}

/* An integer as PyYAML reads it: decimal, or decimal grouped by '_' (schema-checked). */
static long node_long(const struct ynode *n)
{
	long v = 0;
	for (const char *p = n->str; *p; p++)
		if (*p != '_')
			v = v * 10 + (*p - '0');
	return v;
}

struct rval rval_from_node(const struct ynode *n)
{
	if (n->kind == YNODE_MAP) {
		struct row *o = xcalloc(1, sizeof(*o));
		row_reserve(o, n->nr);
		for (size_t i = 0; i < n->nr; i++)
			row_set(o, n->pairs[i].key->str, rval_from_node(n->pairs[i].value));
		return rval_obj(o);
	}
	if (n->kind == YNODE_SEQ) {
		struct rval l = { .kind = RV_LIST, .nr = n->nr };
		l.items = xcalloc(n->nr ? n->nr : 1, sizeof(*l.items));
		for (size_t i = 0; i < n->nr; i++)
			l.items[i] = rval_from_node(n->items[i]);
		return l;
	}
	switch (scalar_classify(n)) {
	case SC_INT:
	case SC_INT_ALT:
		return rval_int(node_long(n));
	case SC_BOOL:
		return rval_bool(n->str[0] == 't');
	default:
		return rval_str(n->str);
	}
}

void rval_release(struct rval *v)
{
	switch (v->kind) {
	case RV_LIST:
		for (size_t i = 0; i < v->nr; i++)
			rval_release(&v->items[i]);
		free(v->items);
		break;
	case RV_OBJ:
		row_release(v->obj);
		free(v->obj);
		break;
	case RV_STR:
		if (v->owned)
			free((char *)v->s);
		break;
	default:
		break;
	}
	memset(v, 0, sizeof(*v));
}

struct rval rval_copy(const struct rval *v)
{
	struct rval c = *v;
	switch (v->kind) {
	case RV_LIST:
		c.items = xcalloc(v->nr ? v->nr : 1, sizeof(*c.items));
		for (size_t i = 0; i < v->nr; i++)
			c.items[i] = rval_copy(&v->items[i]);
		break;
	case RV_OBJ:
		c.obj = xcalloc(1, sizeof(*c.obj));
		row_copy(c.obj, v->obj);
		break;
	case RV_STR:
		if (v->owned)
			c.s = xstrdup(v->s);
		break;
	default:
		break;
	}
	return c;
}

/* Keys are mostly the same string literals: compare the pointers before the text. */
static bool key_is(const char *a, const char *b)
{
	return a == b || (a[0] == b[0] && !strcmp(a, b));
}

struct rval *row_get(const struct row *r, const char *key)
{
	for (size_t i = 0; i < r->nr; i++)
		if (key_is(r->v[i].key, key))
			return &r->v[i].val;
	return NULL;
}

void row_reserve(struct row *r, size_t nr)
{
	if (nr <= r->alloc)
		return;
	/* not VEC_GROW, whose first step is 24 fields: most nested rows have 2 to 8 */
	r->v = xrealloc(r->v, st_mult(nr, sizeof(*r->v)));
	r->alloc = nr;
}

void row_push(struct row *r, const char *key, struct rval v)
{
	assert(!row_get(r, key));
	VEC_GROW(r->v, r->nr + 1, r->alloc);
	r->v[r->nr++] = (struct rfield){ key, v };
}

void row_set(struct row *r, const char *key, struct rval v)
{
	struct rval *old = row_get(r, key);
	if (old) {
		rval_release(old);
		*old = v;
		return;
	}
	row_push(r, key, v);
}

void row_del(struct row *r, const char *key)
{
	for (size_t i = 0; i < r->nr; i++) {
		if (!key_is(r->v[i].key, key))
			continue;
		rval_release(&r->v[i].val);
		memmove(&r->v[i], &r->v[i + 1], (r->nr - i - 1) * sizeof(*r->v));
		r->nr--;
		return;
	}
}

void row_copy(struct row *dst, const struct row *src)
{
	memset(dst, 0, sizeof(*dst));
	row_reserve(dst, src->nr);
	for (size_t i = 0; i < src->nr; i++)
		dst->v[i] = (struct rfield){ src->v[i].key, rval_copy(&src->v[i].val) };
	dst->nr = src->nr;
}

/* Whether v holds memory of its own; most fields are numbers and borrowed strings, which
 * row_release passes over without a call. */
static bool rval_owns(const struct rval *v)
{
	return v->kind == RV_LIST || v->kind == RV_OBJ || (v->kind == RV_STR && v->owned);
}

void row_release(struct row *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (rval_owns(&r->v[i].val))
			rval_release(&r->v[i].val);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void rows_release(struct rows *m)
{
	for (size_t i = 0; i < m->nr; i++)
		row_release(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void rval_write(struct jsonw *w, const struct rval *v)
{
	switch (v->kind) {
	case RV_INT: jsonw_int(w, v->i); break;
	case RV_BOOL: jsonw_bool(w, v->b); break;
	case RV_STR: jsonw_str(w, v->s); break;
	case RV_LIST:
		jsonw_arr_open(w);
		for (size_t i = 0; i < v->nr; i++)
			rval_write(w, &v->items[i]);
		jsonw_arr_close(w);
		break;
	case RV_OBJ: row_write(w, v->obj); break;
	}
}

void row_write(struct jsonw *w, const struct row *r)
{
	jsonw_obj_open(w);
	for (size_t i = 0; i < r->nr; i++) {
		jsonw_key(w, r->v[i].key);
		rval_write(w, &r->v[i].val);
	}
	jsonw_obj_close(w);
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct rfield *const *)a)->key,
		      (*(const struct rfield *const *)b)->key);
}

static bool skipped(const char *key, const char *const *skip)
{
	for (size_t i = 0; skip && skip[i]; i++)
		if (key_is(key, skip[i]))
			return true;
	return false;
}

static bool rval_equal(const struct rval *x, const struct rval *y)
{
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case RV_INT: return x->i == y->i;
	case RV_BOOL: return x->b == y->b;
	case RV_STR: return !strcmp(x->s, y->s);
	case RV_LIST:
		if (x->nr != y->nr)
			return false;
		for (size_t i = 0; i < x->nr; i++)
			if (!rval_equal(&x->items[i], &y->items[i]))
				return false;
		return true;
	case RV_OBJ: return row_equal(x->obj, y->obj, NULL);
	}
	return false;
}

bool row_equal(const struct row *a, const struct row *b, const char *const *skip)
{
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->nr; i++) {
		if (skipped(a->v[i].key, skip))
			continue;
		const struct rval *v = row_get(b, a->v[i].key);
		if (!v || !rval_equal(&a->v[i].val, v))
			return false;
		na++;
	}
	for (size_t i = 0; i < b->nr; i++)
		nb += !skipped(b->v[i].key, skip);
	return na == nb; /* rows have no key twice */
}

/* A row has at most about 25 keys and its nested objects fewer: objects up to this size
 * are sorted on the stack by insertion, where a calloc and qsort's calls cost more than
 * the sorting. Larger ones (a YAML mapping can be any size) go to the heap and qsort. */
#define CANON_STACK_FIELDS 32

/* The fields of r not in skip, in key order (keys in a row are distinct); returns their
 * number. f has room for r->nr. */
static size_t sorted_fields(const struct rfield **f, const struct row *r,
			    const char *const *skip)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nr; i++)
		if (!skipped(r->v[i].key, skip))
			f[n++] = &r->v[i];
	if (n > CANON_STACK_FIELDS) {
		qsort(f, n, sizeof(*f), field_cmp);
		return n;
	}
	for (size_t i = 1; i < n; i++) {
		const struct rfield *x = f[i];
		size_t j = i;
		for (; j > 0 && strcmp(f[j - 1]->key, x->key) > 0; j--)
			f[j] = f[j - 1];
		f[j] = x;
	}
	return n;
}

static void rval_canon(struct jsonw *w, struct buf *out, const struct rval *v);

static void obj_canon(struct jsonw *w, struct buf *out, const struct row *r,
		      const char *const *skip)
{
	const struct rfield *stack[CANON_STACK_FIELDS];
	const struct rfield **f = r->nr <= CANON_STACK_FIELDS ? stack : xcalloc(r->nr, sizeof(*f));
	size_t n = sorted_fields(f, r, skip);
	jsonw_obj_open(w);
	for (size_t i = 0; i < n; i++) {
		jsonw_key(w, f[i]->key);
		rval_canon(w, out, &f[i]->val);
	}
	jsonw_obj_close(w);
	if (f != stack)
		free(f);
}

static void rval_canon(struct jsonw *w, struct buf *out, const struct rval *v)
{
	if (v->kind == RV_OBJ) {
		obj_canon(w, out, v->obj, NULL);
	} else if (v->kind == RV_LIST) {
		jsonw_arr_open(w);
		for (size_t i = 0; i < v->nr; i++)
			rval_canon(w, out, &v->items[i]);
		jsonw_arr_close(w);
	} else {
		rval_write(w, v);
	}
}

void row_canon(struct buf *out, const struct row *r, const char *const *skip)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	obj_canon(&w, out, r, skip);
}

void row_canon_ascii(struct buf *out, const struct row *r, const char *const *skip)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT_ASCII);
	obj_canon(&w, out, r, skip);
}
