/* entry: see entry.h. The spec's key lists are the tables below, row for row; one walker
 * checks an object against a table (unknown, duplicate, other-shape, missing, type). */
#include "executor/core/entry.h"
#include "executor/core/env.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/suggest.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/core/jtree.h"

enum ftype { F_STR, F_INT, F_BOOL, F_SPEC, F_CONC, F_WORKER, F_SETTINGS };

#define SN 1u /* single-node key */
#define MN 2u /* multi-node key */
#define OPTIONAL 4u

struct field {
	const char *key;
	enum ftype type;
	unsigned flags;
	size_t off;
};

#define E(f) offsetof(struct entry, f)
/* executor-spec 2.1: single-node keys, then the multi-node differences. */
static const struct field entry_fields[] = {
	{ "image", F_STR, SN | MN, E(image) },
	{ "model", F_STR, SN | MN, E(model) },
	{ "model-prefix", F_STR, SN | MN, E(model_prefix) },
	{ "precision", F_STR, SN | MN, E(precision) },
	{ "framework", F_STR, SN | MN, E(framework) },
	{ "runner", F_STR, SN | MN, E(runner) },
	{ "isl", F_INT, SN | MN, E(isl) },
	{ "osl", F_INT, SN | MN, E(osl) },
	{ "tp", F_INT, SN, E(tp) },
	{ "conc", F_CONC, SN | MN, 0 },
	{ "max-model-len", F_INT, SN | MN, E(max_model_len) },
	{ "ep", F_INT, SN, E(ep) },
	{ "dp-attn", F_BOOL, SN, E(dp_attn) },
	{ "spec-decoding", F_SPEC, SN | MN, E(spec_decoding) },
	{ "exp-name", F_STR, SN | MN, E(exp_name) },
	{ "disagg", F_BOOL, SN | MN, E(disagg) },
	{ "run-eval", F_BOOL, SN | MN, E(run_eval) },
	{ "prefill", F_WORKER, MN, E(prefill) },
	{ "decode", F_WORKER, MN, E(decode) },
};
#undef E

#define W(f) offsetof(struct entry_worker, f)
/* matrix-spec 1.1, worker config. */
static const struct field worker_fields[] = {
	{ "num-worker", F_INT, SN | MN, W(num_worker) },
	{ "tp", F_INT, SN | MN, W(tp) },
	{ "ep", F_INT, SN | MN, W(ep) },
	{ "dp-attn", F_BOOL, SN | MN, W(dp_attn) },
	{ "additional-settings", F_SETTINGS, SN | MN | OPTIONAL, 0 },
};
#undef W

static const char *const spec_values[] = { "none", "mtp", "draft_model", NULL };

struct ctx {
	const char *name;
	struct diags *d;
};

static void describe_found(struct buf *b, const struct jnode *n)
{
	switch (n->type) {
	case JT_STR:
		buf_adds(b, "string ");
		json_quote(b, n->s, n->len, JSONW_LINE);
		break;
	case JT_NUM:
		buf_addf(b, "%s %s", n->is_int ? "integer" : "float", n->s);
		break;
	default:
		buf_adds(b, jtype_describe(n));
	}
}

static int type_error(struct ctx *c, const struct jnode *n, const char *path,
		      const char *expected)
{
	struct buf found = BUF_INIT;
	describe_found(&found, n);
	diags_errorf(c->d, c->name, n->line, n->col, path, "expected %s, found %s", expected,
		     found.s);
	buf_release(&found);
	return -1;
}

/* *out is written on every path (0 when refused), so callers' values are never unset. */
static int get_long(long *out, struct ctx *c, const struct jnode *n, const char *path)
{
	*out = 0;
	if (n->type != JT_NUM || !n->is_int)
		return type_error(c, n, path, "an integer >= 1");
	char *end;
	long v = strtol(n->s, &end, 10);
	if (*end || v < 1 || v == LONG_MAX)
		return type_error(c, n, path, "an integer >= 1");
	*out = v;
	return 0;
}

/* executor-spec 2.2: NAME=VALUE, NAME an identifier not in the table, VALUE shell-safe. */
static int parse_setting(struct entry_worker *w, struct ctx *c, const struct jnode *n,
			 const char *path)
{
	if (n->type != JT_STR)
		return type_error(c, n, path, "a string NAME=VALUE");
	const char *eq = memchr(n->s, '=', n->len);
	if (!eq)
		return type_error(c, n, path, "a string NAME=VALUE");
	size_t name_len = (size_t)(eq - n->s);
	char *name = xstrndup(n->s, name_len);
	int rc = 0;
	if (!env_name_valid(name, name_len)) {
		rc = type_error(c, n, path, "a variable name matching [A-Za-z_][A-Za-z0-9_]* before '='");
	} else if (env_name_reserved(name) || !strcmp(name, "HF_TOKEN")) {
		rc = diags_errorf(c->d, c->name, n->line, n->col, path,
				  "setting '%s' would override a variable the executor sets", name);
	} else {
		for (const char *v = eq + 1; v < n->s + n->len; v++) {
			if (strchr(" \t\n\r\f\v\"'$`\\", *v) || !*v) {
				rc = diags_errorf(c->d, c->name, n->line, n->col, path,
						  "the value of '%s' may not contain whitespace, quotes, "
						  "'$', '`' or '\\' (workflows pass it through a shell)",
						  name);
				break;
			}
		}
	}
	if (rc) {
		free(name);
		return -1;
	}
	VEC_GROW(w->settings, w->settings_nr + 1, w->settings_alloc);
	w->settings[w->settings_nr].name = name;
	w->settings[w->settings_nr].value = xstrndup(eq + 1, n->len - name_len - 1);
	w->settings_nr++;
	return 0;
}

static int check_object(void *rec, const struct field *fields, size_t nr, unsigned shape,
			const char *shape_why, struct ctx *c, const struct jnode *obj,
			const char *prefix);

/* rec is the record the table describes: a struct entry (entry_fields) or a struct
 * entry_worker (worker_fields). */
static int parse_field(void *rec, const struct field *f, struct ctx *c, const struct jnode *n,
		       const char *path)
{
	char *base = rec;
	switch (f->type) {
	case F_STR:
		if (n->type != JT_STR)
			return type_error(c, n, path, "a string");
		*(char **)(base + f->off) = xstrdup(n->s);
		return 0;
	case F_SPEC:
		if (n->type == JT_STR)
			for (size_t i = 0; spec_values[i]; i++)
				if (!strcmp(n->s, spec_values[i])) {
					*(char **)(base + f->off) = xstrdup(n->s);
					return 0;
				}
		return type_error(c, n, path, "one of none, mtp, draft_model");
	case F_INT:
		return get_long((long *)(base + f->off), c, n, path);
	case F_BOOL:
		if (n->type != JT_BOOL)
			return type_error(c, n, path, "true or false");
		*(bool *)(base + f->off) = n->b;
		return 0;
	case F_CONC: {
		struct entry *e = rec;
		if (!e->multinode) {
			long v;
			if (get_long(&v, c, n, path))
				return -1;
			VEC_GROW(e->conc, 1, e->conc_alloc);
			e->conc[0] = v;
			e->conc_nr = 1;
			return 0;
		}
		if (n->type != JT_ARR || !n->nr)
			return type_error(c, n, path, "a non-empty list of integers >= 1");
		int rc = 0;
		for (size_t i = 0; i < n->nr; i++) {
			struct buf p = BUF_INIT;
			buf_addf(&p, "%s[%zu]", path, i);
			long v;
			if (get_long(&v, c, &n->items[i], p.s)) {
				rc = -1;
			} else {
				VEC_GROW(e->conc, e->conc_nr + 1, e->conc_alloc);
				e->conc[e->conc_nr++] = v;
			}
			buf_release(&p);
		}
		return rc;
	}
	case F_WORKER:
		if (n->type != JT_OBJ)
			return type_error(c, n, path, "a worker mapping (num-worker, tp, ep, dp-attn)");
		return check_object(base + f->off, worker_fields,
				    sizeof(worker_fields) / sizeof(worker_fields[0]), SN | MN, NULL,
				    c, n, path);
	case F_SETTINGS: {
		struct entry_worker *w = rec;
		w->has_settings = true;
		if (n->type != JT_ARR)
			return type_error(c, n, path, "a list of strings NAME=VALUE");
		int rc = 0;
		for (size_t i = 0; i < n->nr; i++) {
			struct buf p = BUF_INIT;
			buf_addf(&p, "%s[%zu]", path, i);
			if (parse_setting(w, c, &n->items[i], p.s))
				rc = -1;
			buf_release(&p);
		}
		return rc;
	}
	}
	return -1;
}

static const struct field *find_field(const struct field *fields, size_t nr, const char *key)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(fields[i].key, key))
			return &fields[i];
	return NULL;
}

static void join_path(struct buf *p, const char *prefix, const char *key)
{
	buf_reset(p);
	if (prefix && *prefix)
		buf_addf(p, "%s.", prefix);
	buf_adds(p, key);
}

static int check_object(void *rec, const struct field *fields, size_t nr, unsigned shape,
			const char *shape_why, struct ctx *c, const struct jnode *obj,
			const char *prefix)
{
	int rc = 0;
	struct buf path = BUF_INIT;
	for (size_t i = 0; i < obj->nr; i++) {
		const struct jmember *m = &obj->members[i];
		join_path(&path, prefix, m->key);
		if (!jobj_first_of_key(obj, i)) {
			const struct jnode *first = NULL;
			for (size_t j = 0; j < i && !first; j++)
				if (!strcmp(obj->members[j].key, m->key))
					first = &obj->members[j].val;
			rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, path.s,
					  "duplicate key (first at %d:%d)", first->line, first->col);
			continue;
		}
		const struct field *f = find_field(fields, nr, m->key);
		if (!f) {
			const char *cands[32];
			size_t n = 0;
			for (size_t j = 0; j < nr && n < 32; j++)
				if (fields[j].flags & shape)
					cands[n++] = fields[j].key;
			const char *s = suggest_closest(m->key, cands, n);
			if (s)
				rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, path.s,
						  "unknown key (did you mean '%s'?)", s);
			else
				rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, path.s,
						  "unknown key");
			continue;
		}
		if (!(f->flags & shape)) {
			rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, path.s,
					  "a %s key in a %s entry (%s)",
					  shape == SN ? "multi-node" : "single-node",
					  shape == SN ? "single-node" : "multi-node", shape_why);
			continue;
		}
		if (parse_field(rec, f, c, &m->val, path.s))
			rc = -1;
	}
	for (size_t i = 0; i < nr; i++) {
		if (!(fields[i].flags & shape) || (fields[i].flags & OPTIONAL) ||
		    jobj_get(obj, fields[i].key))
			continue;
		join_path(&path, prefix, fields[i].key);
		rc = diags_errorf(c->d, c->name, obj->line, obj->col, path.s, "missing key");
	}
	buf_release(&path);
	return rc;
}

void entry_init(struct entry *e)
{
	memset(e, 0, sizeof(*e));
}

static void worker_release(struct entry_worker *w)
{
	for (size_t i = 0; i < w->settings_nr; i++) {
		free(w->settings[i].name);
		free(w->settings[i].value);
	}
	free(w->settings);
}

void entry_release(struct entry *e)
{
	free(e->image);
	free(e->model);
	free(e->model_prefix);
	free(e->precision);
	free(e->framework);
	free(e->runner);
	free(e->spec_decoding);
	free(e->exp_name);
	free(e->conc);
	worker_release(&e->prefill);
	worker_release(&e->decode);
	entry_init(e);
}

int entry_parse(struct entry *e, const char *json, size_t len, const char *name,
		struct diags *d)
{
	entry_init(e);
	struct jnode *root = jtree_parse(json, len, name, d);
	if (!root)
		return -1;
	struct ctx c = { name, d };
	int rc;
	if (root->type != JT_OBJ) {
		rc = type_error(&c, root, NULL, "an entry object");
		goto out;
	}
	const char *why;
	if (jobj_get(root, "prefill")) {
		e->multinode = true;
		why = "it has 'prefill'";
	} else if (jobj_get(root, "decode")) {
		e->multinode = true;
		why = "it has 'decode'";
	} else {
		why = "it has no 'prefill'";
	}
	rc = check_object(e, entry_fields, sizeof(entry_fields) / sizeof(entry_fields[0]),
			  e->multinode ? MN : SN, why, &c, root, NULL);
	if (!rc && !e->multinode && e->disagg) {
		const struct jnode *n = jobj_get(root, "disagg");
		rc = diags_errorf(d, name, n->line, n->col, "disagg",
				  "a single-node entry cannot be disaggregated (disagg: true needs "
				  "'prefill' and 'decode')");
	}
out:
	jtree_free(root);
	if (rc)
		entry_release(e);
	return rc;
}


static const char *tf(bool b)
{
	return b ? "true" : "false";
}

void entry_result_filename(struct buf *out, const struct entry *e, const char *node)
{
	buf_addf(out, "%s_%s_%s_", e->exp_name, e->precision, e->framework);
	if (!e->multinode) {
		buf_addf(out, "tp%ld-ep%ld-dpa%s", e->tp, e->ep, tf(e->dp_attn));
	} else {
		const struct entry_worker *p = &e->prefill, *dw = &e->decode;
		buf_addf(out, "prefill-tp%ld-ep%ld-dp%s-nw%ld_decode-tp%ld-ep%ld-dp%s-nw%ld", p->tp,
			 p->ep, tf(p->dp_attn), p->num_worker, dw->tp, dw->ep, tf(dw->dp_attn),
			 dw->num_worker);
	}
	buf_addf(out, "_disagg-%s_spec-%s_conc", tf(e->disagg), e->spec_decoding);
	for (size_t i = 0; i < e->conc_nr; i++)
		buf_addf(out, "%s%ld", i ? "x" : "", e->conc[i]);
	buf_addf(out, "_%s", node);
}
