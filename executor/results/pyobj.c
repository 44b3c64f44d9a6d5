/* pyobj: see pyobj.h. */
#include "executor/results/pyobj.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"

static struct pyobj *pyobj_new(enum pyobj_type t)
{
	struct pyobj *o = xcalloc(1, sizeof(*o));
	o->type = t;
	return o;
}

struct pyobj *pyobj_none(void)
{
	return pyobj_new(PY_NONE);
}

struct pyobj *pyobj_bool(bool b)
{
	struct pyobj *o = pyobj_new(PY_BOOL);
	o->b = b;
	return o;
}

struct pyobj *pyobj_int(long long i)
{
	struct pyobj *o = pyobj_new(PY_INT);
	o->i = i;
	return o;
}

struct pyobj *pyobj_float(double x)
{
	struct pyobj *o = pyobj_new(PY_FLOAT);
	o->x = x;
	return o;
}

struct pyobj *pyobj_optf(struct optd x)
{
	return x.ok ? pyobj_float(x.v) : pyobj_none();
}

struct pyobj *pyobj_str(const char *s)
{
	struct pyobj *o = pyobj_new(PY_STR);
	o->s = xstrdup(s);
	return o;
}

struct pyobj *pyobj_node(const struct jnode *n)
{
	struct pyobj *o = pyobj_new(PY_NODE);
	o->node = n;
	return o;
}

struct pyobj *pyobj_list(void)
{
	return pyobj_new(PY_LIST);
}

struct pyobj *pyobj_dict(void)
{
	return pyobj_new(PY_DICT);
}

struct pyobj *pyobj_get(const struct pyobj *d, const char *key)
{
	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->v[i].key, key))
			return d->v[i].val;
	return NULL;
}

struct pyobj *pyobj_set(struct pyobj *d, const char *key, struct pyobj *val)
{
	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->v[i].key, key)) {
			pyobj_free(d->v[i].val);
			d->v[i].val = val;
			return val;
		}
	VEC_GROW(d->v, d->nr + 1, d->alloc);
	d->v[d->nr].key = xstrdup(key);
	d->v[d->nr++].val = val;
	return val;
}

void pyobj_append(struct pyobj *l, struct pyobj *val)
{
	VEC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr].key = NULL;
	l->v[l->nr++].val = val;
}

void pyobj_free(struct pyobj *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nr; i++) {
		free(o->v[i].key);
		pyobj_free(o->v[i].val);
	}
	free(o->v);
	free(o->s);
	free(o);
}

/* round_floats on one float: round(x, 5) (correctly rounded: glibc's printf is exact, like
 * Python's dtoa), then int() when |x| >= 1 and integral (written with all its digits, as a
 * Python int is, however large). */
static void write_float(struct jsonw *w, double x)
{
	if (!isfinite(x)) {
		jsonw_double(w, x);
		return;
	}
	char tmp[400];
	double r = x;
	if (x != 0) {
		snprintf(tmp, sizeof(tmp), "%.5f", x);
		r = strtod(tmp, NULL);
	}
	if (fabs(r) >= 1 && r == floor(r)) {
		snprintf(tmp, sizeof(tmp), "%.0f", r);
		jsonw_raw(w, tmp);
		return;
	}
	jsonw_double(w, r);
}

static void write_node(struct jsonw *w, const struct jnode *n);

/* A document's object as Python keeps it: one member per key, at its first place, with the
 * last value. */
static void write_node_object(struct jsonw *w, const struct jnode *n)
{
	jsonw_obj_open(w);
	for (size_t i = 0; i < n->nr; i++) {
		if (!jobj_first_of_key(n, i))
			continue;
		jsonw_key(w, n->members[i].key);
		write_node(w, jobj_get(n, n->members[i].key));
	}
	jsonw_obj_close(w);
}

static void write_node(struct jsonw *w, const struct jnode *n)
{
	switch (n->type) {
	case JT_NUM:
		if (n->is_int)
			jsonw_raw(w, strcmp(n->s, "-0") ? n->s : "0");
		else
			write_float(w, n->num);
		break;
	case JT_ARR:
		jsonw_arr_open(w);
		for (size_t i = 0; i < n->nr; i++)
			write_node(w, &n->items[i]);
		jsonw_arr_close(w);
		break;
	case JT_OBJ:
		write_node_object(w, n);
		break;
	default:
		jtree_write(w, n);
		break;
	}
}

void pyobj_write(struct jsonw *w, const struct pyobj *o)
{
	switch (o->type) {
	case PY_NONE:
		jsonw_null(w);
		break;
	case PY_BOOL:
		jsonw_bool(w, o->b);
		break;
	case PY_INT:
		jsonw_int(w, o->i);
		break;
	case PY_FLOAT:
		write_float(w, o->x);
		break;
	case PY_STR:
		jsonw_str(w, o->s);
		break;
	case PY_NODE:
		write_node(w, o->node);
		break;
	case PY_LIST:
		jsonw_arr_open(w);
		for (size_t i = 0; i < o->nr; i++)
			pyobj_write(w, o->v[i].val);
		jsonw_arr_close(w);
		break;
	case PY_DICT:
		jsonw_obj_open(w);
		for (size_t i = 0; i < o->nr; i++) {
			jsonw_key(w, o->v[i].key);
			pyobj_write(w, o->v[i].val);
		}
		jsonw_obj_close(w);
		break;
	}
}
