/* schema: see schema.h. */
#include "common/schema.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/safename.h"
#include "common/scalar.h"
#include "common/suggest.h"
#include "common/xalloc.h"
#include "common/yamltree.h"

#define AT(rec, off, type) ((type *)((char *)(rec) + (off)))

void schema_ctx_init(struct schema_ctx *ctx, const char *file, struct diags *d)
{
	ctx->file = file;
	ctx->d = d;
	buf_init(&ctx->path);
}

void schema_ctx_release(struct schema_ctx *ctx)
{
	buf_release(&ctx->path);
}

size_t schema_path_push_key(struct schema_ctx *ctx, const char *key)
{
	size_t old = ctx->path.len;
	if (old)
		buf_addch(&ctx->path, '.');
	buf_adds(&ctx->path, key);
	return old;
}

size_t schema_path_push_index(struct schema_ctx *ctx, size_t i)
{
	size_t old = ctx->path.len;
	char tmp[24], *end = tmp + sizeof(tmp), *p = end; /* not buf_addf: once per list item */
	*--p = ']';
	do
		*--p = (char)('0' + i % 10);
	while (i /= 10);
	*--p = '[';
	buf_add(&ctx->path, p, (size_t)(end - p));
	return old;
}

void schema_path_pop(struct schema_ctx *ctx, size_t len)
{
	buf_setlen(&ctx->path, len);
}

int schema_errorf(struct schema_ctx *ctx, const struct ynode *n, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_errorf(ctx->d, ctx->file, n ? n->line : 0, n ? n->col : 0, ctx->path.s, "%s",
		     msg.s);
	buf_release(&msg);
	return -1;
}

/* "expected X, found Y[; hint]" */
static int type_error(struct schema_ctx *ctx, const struct ynode *n, const char *expected,
		      const char *hint)
{
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	schema_errorf(ctx, n, "expected %s, found %s%s%s", expected, found.s, hint ? "; " : "",
		      hint ? hint : "");
	buf_release(&found);
	return -1;
}

/* underscores: the field takes digits grouped by '_' (SF_UNDERSCORES), so the hint for a
 * badly grouped one (1__0, 10_) must not say '_' is refused */
static const char *int_hint(const struct ynode *n, bool underscores)
{
	if (n->kind != YNODE_SCALAR)
		return NULL;
	switch (scalar_classify(n)) {
	case SC_STRING:
		return n->plain ? NULL : "write the number without quotes";
	case SC_INT_ALT:
		if (underscores)
			return "write a plain decimal number without leading zeros or ':', with "
			       "'_' only between two digits (2_063_837)";
		return "write a plain decimal number without leading zeros, '_' or ':'";
	default:
		return NULL;
	}
}

/* 2_063_837: a plain decimal without leading zero, '_' only between two digits. */
static bool underscore_int(long *out, const struct ynode *n)
{
	if (n->kind != YNODE_SCALAR || !n->plain || n->tag || scalar_classify(n) != SC_INT_ALT)
		return false;
	const char *p = n->str;
	if (*p < '1' || *p > '9')
		return false;
	long v = 0;
	for (; *p; p++) {
		if (*p == '_') {
			if (!(p[1] >= '0' && p[1] <= '9'))
				return false;
			continue;
		}
		if (*p < '0' || *p > '9' || v > (LONG_MAX - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

static int load_int(long *out, const struct sfield *f, const struct ynode *n,
		    struct schema_ctx *ctx)
{
	long max = f->max ? f->max : LONG_MAX;
	long v;
	bool is_int = scalar_to_long(&v, n) || ((f->flags & SF_UNDERSCORES) && underscore_int(&v, n));
	if (is_int && v >= f->min && v <= max) {
		*out = v;
		return 0;
	}
	char expected[96]; /* only on error: a config holds thousands of integers */
	if (f->max)
		snprintf(expected, sizeof(expected), "an integer from %ld to %ld", f->min, max);
	else
		snprintf(expected, sizeof(expected), "an integer >= %ld", f->min);
	const char *hint = is_int ? NULL : f->hint ? f->hint : int_hint(n, f->flags & SF_UNDERSCORES);
	return type_error(ctx, n, expected, hint);
}

static int load_bool(bool *out, const struct sfield *f, const struct ynode *n,
		     struct schema_ctx *ctx)
{
	(void)f;
	if (scalar_classify(n) != SC_BOOL)
		return type_error(ctx, n, "true or false",
				  n->kind == YNODE_SCALAR ? "write true or false, unquoted" : NULL);
	*out = n->str[0] == 't';
	return 0;
}

static int load_str(const char **out, const struct sfield *f, const struct ynode *n,
		    struct schema_ctx *ctx)
{
	if (n->kind != YNODE_SCALAR)
		return type_error(ctx, n, "a string", NULL);
	enum scalar_kind k = scalar_classify(n);
	if (k == SC_NULL)
		return type_error(ctx, n, "a string", NULL);
	if (k != SC_STRING)
		return type_error(ctx, n, "a string", "write it in quotes if a string is meant");
	if ((f->flags & SF_NONEMPTY) && !*n->str)
		return schema_errorf(ctx, n, "expected a non-empty string, found \"\"");
	if ((f->flags & SF_SAFE_NAME) && *n->str && !safe_name_ok(n->str)) {
		struct buf esc = BUF_INIT;
		scalar_describe(&esc, n);
		int rc = schema_errorf(ctx, n, "expected %s, found %s", safe_name_rule, esc.s);
		buf_release(&esc);
		return rc;
	}
	*out = n->str;
	return 0;
}

static int load_double(double *out, const struct ynode *n, struct schema_ctx *ctx)
{
	enum scalar_kind k = scalar_classify(n);
	if (n->kind == YNODE_SCALAR && (k == SC_INT || k == SC_FLOAT)) {
		char *end;
		double v = strtod(n->str, &end);
		if (!*end && isfinite(v)) {
			*out = v;
			return 0;
		}
	}
	return type_error(ctx, n, "a number", NULL);
}

static int load_enum(const char **out, const struct sfield *f, const struct ynode *n,
		     struct schema_ctx *ctx)
{
	const char *s;
	if (load_str(&s, f, n, ctx))
		return -1;
	size_t nr = 0;
	for (; f->choices[nr]; nr++)
		if (!strcmp(s, f->choices[nr])) {
			*out = f->choices[nr];
			return 0;
		}
	struct buf expected = BUF_INIT, esc = BUF_INIT;
	buf_adds(&expected, "one of ");
	for (size_t i = 0; i < nr; i++)
		buf_addf(&expected, "%s%s", i ? ", " : "", f->choices[i]);
	buf_add_escaped(&esc, s, strlen(s));
	const char *close = suggest_closest(s, f->choices, nr);
	if (close)
		schema_errorf(ctx, n, "expected %s, found '%s'; did you mean '%s'?", expected.s,
			      esc.s, close);
	else
		schema_errorf(ctx, n, "expected %s, found '%s'", expected.s, esc.s);
	buf_release(&expected);
	buf_release(&esc);
	return -1;
}

/* A list of n->nr elements of elem_size; each converted by one_fn. */
static int load_list(void *rec, const struct sfield *f, const struct ynode *n,
		     struct schema_ctx *ctx, const char *what)
{
	if (n->kind != YNODE_SEQ)
		return type_error(ctx, n, what, NULL);
	if ((f->flags & SF_NONEMPTY) && n->nr == 0)
		return schema_errorf(ctx, n, "expected a non-empty list, found an empty list");
	size_t *nr = AT(rec, f->nr_off, size_t);
	int rc = 0;
	switch (f->type) {
	case SF_STR_LIST: {
		const char **v = xcalloc(n->nr, sizeof(*v));
		*AT(rec, f->off, const char **) = v;
		struct sfield one = *f;
		one.flags &= ~SF_NONEMPTY;
		for (size_t i = 0; i < n->nr; i++) {
			size_t old = schema_path_push_index(ctx, i);
			rc |= load_str(&v[i], &one, n->items[i], ctx);
			schema_path_pop(ctx, old);
		}
		break;
	}
	case SF_INT_LIST: {
		long *v = xcalloc(n->nr, sizeof(*v));
		*AT(rec, f->off, long *) = v;
		for (size_t i = 0; i < n->nr; i++) {
			size_t old = schema_path_push_index(ctx, i);
			rc |= load_int(&v[i], f, n->items[i], ctx);
			schema_path_pop(ctx, old);
		}
		break;
	}
	case SF_RECORD_LIST: {
		char *v = xcalloc(n->nr, f->sub->size);
		*AT(rec, f->off, void *) = v;
		for (size_t i = 0; i < n->nr; i++) {
			size_t old = schema_path_push_index(ctx, i);
			rc |= schema_load(v + i * f->sub->size, f->sub, n->items[i], ctx);
			schema_path_pop(ctx, old);
		}
		break;
	}
	default:
		break;
	}
	*nr = n->nr;
	return rc ? -1 : 0;
}

static int load_map_str(void *rec, const struct sfield *f, const struct ynode *n,
			struct schema_ctx *ctx)
{
	if (n->kind != YNODE_MAP)
		return type_error(ctx, n, "a mapping of names to strings", NULL);
	struct skv *v = xcalloc(n->nr, sizeof(*v));
	*AT(rec, f->off, struct skv *) = v;
	*AT(rec, f->nr_off, size_t) = n->nr;
	struct sfield one = { .key = f->key, .type = SF_STR };
	int rc = 0;
	for (size_t i = 0; i < n->nr; i++) {
		const struct ynode *k = n->pairs[i].key;
		size_t old = schema_path_push_key(ctx, k->str);
		if (scalar_classify(k) != SC_STRING)
			rc |= type_error(ctx, k, "a string as name",
					 "write it in quotes if a string is meant");
		v[i].key = k->str;
		v[i].node = n->pairs[i].value;
		rc |= load_str(&v[i].value, &one, n->pairs[i].value, ctx);
		schema_path_pop(ctx, old);
	}
	return rc ? -1 : 0;
}

int schema_value(void *rec, const struct sfield *f, const struct ynode *n,
		 struct schema_ctx *ctx)
{
	switch (f->type) {
	case SF_STR:
		return load_str(AT(rec, f->off, const char *), f, n, ctx);
	case SF_INT:
		return load_int(AT(rec, f->off, long), f, n, ctx);
	case SF_BOOL:
		return load_bool(AT(rec, f->off, bool), f, n, ctx);
	case SF_ENUM:
		return load_enum(AT(rec, f->off, const char *), f, n, ctx);
	case SF_STR_LIST:
		return load_list(rec, f, n, ctx, "a list of strings");
	case SF_INT_LIST:
		return load_list(rec, f, n, ctx, "a list of integers");
	case SF_RECORD_LIST:
		return load_list(rec, f, n, ctx, "a list of mappings");
	case SF_RECORD:
		return schema_load(AT(rec, f->off, void), f->sub, n, ctx);
	case SF_MAP_STR:
		return load_map_str(rec, f, n, ctx);
	case SF_DOUBLE:
		return load_double(AT(rec, f->off, double), n, ctx);
	}
	return -1;
}

static int unknown_key(const struct schema *s, const struct ynode *key, struct schema_ctx *ctx)
{
	const char *names[SCHEMA_MAX_FIELDS];
	struct buf list = BUF_INIT, esc = BUF_INIT;
	for (size_t i = 0; i < s->nr; i++) {
		names[i] = s->fields[i].key;
		buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	}
	buf_add_escaped(&esc, key->str, key->len);
	const char *close = suggest_closest(key->str, names, s->nr);
	if (close)
		schema_errorf(ctx, key, "unknown key '%s' in %s; did you mean '%s'?", esc.s,
			      s->what, close);
	else
		schema_errorf(ctx, key, "unknown key '%s' in %s; expected one of: %s", esc.s,
			      s->what, list.s);
	buf_release(&list);
	buf_release(&esc);
	return -1;
}

int schema_load(void *rec, const struct schema *s, const struct ynode *map,
		struct schema_ctx *ctx)
{
	struct srec *hdr = rec;
	hdr->node = map;
	if (map->kind != YNODE_MAP) {
		char expected[128];
		snprintf(expected, sizeof(expected), "a mapping (%s)", s->what);
		return type_error(ctx, map, expected, NULL);
	}
	int rc = 0;
	for (size_t i = 0; i < map->nr; i++) {
		const struct ynode *key = map->pairs[i].key;
		size_t old = schema_path_push_key(ctx, key->str);
		size_t fi = 0;
		while (fi < s->nr && (s->fields[fi].key[0] != key->str[0] ||
				      strcmp(s->fields[fi].key, key->str)))
			fi++;
		if (fi == s->nr || scalar_classify(key) != SC_STRING) {
			rc |= unknown_key(s, key, ctx);
		} else {
			hdr->seen |= 1u << fi;
			if (hdr->order_nr < SCHEMA_MAX_FIELDS)
				hdr->order[hdr->order_nr++] = (unsigned char)fi;
			rc |= schema_value(rec, &s->fields[fi], map->pairs[i].value, ctx);
		}
		schema_path_pop(ctx, old);
	}
	for (size_t fi = 0; fi < s->nr; fi++) {
		if ((s->fields[fi].flags & SF_REQUIRED) && !(hdr->seen & (1u << fi)))
			rc |= schema_errorf(ctx, map, "missing required key '%s' in %s",
					    s->fields[fi].key, s->what);
	}
	if (!rc && s->check)
		rc |= s->check(rec, ctx);
	return rc ? -1 : 0;
}

void schema_release(void *rec, const struct schema *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		const struct sfield *f = &s->fields[i];
		switch (f->type) {
		case SF_RECORD:
			schema_release(AT(rec, f->off, void), f->sub);
			break;
		case SF_RECORD_LIST: {
			char *v = *AT(rec, f->off, char *);
			size_t nr = *AT(rec, f->nr_off, size_t);
			for (size_t k = 0; v && k < nr; k++)
				schema_release(v + k * f->sub->size, f->sub);
			free(v);
			break;
		}
		case SF_STR_LIST:
		case SF_INT_LIST:
		case SF_MAP_STR:
			free(*AT(rec, f->off, void *));
			break;
		default:
			break;
		}
	}
}
