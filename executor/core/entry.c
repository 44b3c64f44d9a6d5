/* entry: see entry.h. The keys, their types and shapes are common/entry_keys' table (the one
 * matrixgen writes with); this file adds where each goes in struct entry, and one walker
 * checks an object against the table (unknown, duplicate, other-shape, missing, type). */
#include "executor/core/entry.h"
#include "executor/core/env.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/safename.h"
#include "common/suggest.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/jtree.h"

/* Where each row of the tables goes: a field of struct entry, resp. struct entry_worker.
 * conc and additional-settings fill lists (their row type says how), not one field. */
#define E(f) offsetof(struct entry, f)
static const size_t entry_offsets[EK_NR] = {
	[EK_IMAGE] = E(image), [EK_MODEL] = E(model), [EK_MODEL_PREFIX] = E(model_prefix),
	[EK_PRECISION] = E(precision), [EK_FRAMEWORK] = E(framework), [EK_RUNNER] = E(runner),
	[EK_ISL] = E(isl), [EK_OSL] = E(osl), [EK_TP] = E(tp), [EK_CONC] = 0,
	[EK_MAX_MODEL_LEN] = E(max_model_len), [EK_EP] = E(ep), [EK_DP_ATTN] = E(dp_attn),
	[EK_SPEC_DECODING] = E(spec_decoding), [EK_EXP_NAME] = E(exp_name),
	[EK_DISAGG] = E(disagg), [EK_RUN_EVAL] = E(run_eval), [EK_PREFILL] = E(prefill),
	[EK_DECODE] = E(decode), [EK_EVAL_ONLY] = E(eval_only),
};
#undef E

#define W(f) offsetof(struct entry_worker, f)
static const size_t worker_offsets[EWK_NR] = {
	[EWK_NUM_WORKER] = W(num_worker), [EWK_TP] = W(tp), [EWK_EP] = W(ep),
	[EWK_DP_ATTN] = W(dp_attn), [EWK_SETTINGS] = 0,
};
#undef W

/* A table and where its rows go. */
struct table {
	const struct entry_key_row *rows;
	const size_t *offsets;
	size_t nr;
};
static const struct table entry_table = { entry_keys, entry_offsets, EK_NR };
static const struct table worker_table = { entry_worker_keys, worker_offsets, EWK_NR };
_Static_assert((int)EWK_NR <= (int)EK_NR, "unknown_key's candidate array holds any table's names");

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

/* An integer from 1 to max (0: no bound of ours, LONG_MAX - 1 at most). *out is written on
 * every path (0 when refused), so callers' values are never unset. */
static int get_long_max(long *out, struct ctx *c, const struct jnode *n, const char *path,
			long max)
{
	*out = 0;
	char expected[64] = "an integer >= 1";
	if (max)
		snprintf(expected, sizeof(expected), "an integer from 1 to %ld", max);
	if (n->type != JT_NUM || !n->is_int)
		return type_error(c, n, path, expected);
	char *end;
	long v = strtol(n->s, &end, 10);
	if (*end || v < 1 || v == LONG_MAX || (max && v > max))
		return type_error(c, n, path, expected);
	*out = v;
	return 0;
}

static int get_long(long *out, struct ctx *c, const struct jnode *n, const char *path)
{
	return get_long_max(out, c, n, path, 0);
}

/* A string of the entry: no NUL, since a C string would cut it ("a\u0000b" would reach the
 * recipe as MODEL=a). Other control characters pass (matrixgen writes them, escaped, where a
 * config has them; an environment value can hold them); names are stricter (safename.h). */
static int get_string(char **out, struct ctx *c, const struct jnode *n, const char *path,
		      bool name)
{
	if (n->type != JT_STR)
		return type_error(c, n, path, name ? safe_name_rule : "a string");
	if (strlen(n->s) != n->len)
		return type_error(c, n, path, name ? safe_name_rule : "a string without NUL characters");
	if (name && !safe_name_ok(n->s))
		return type_error(c, n, path, safe_name_rule);
	*out = xstrdup(n->s);
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

static int check_object(void *rec, const struct table *t, unsigned shape, const char *shape_why,
			struct ctx *c, const struct jnode *obj, const char *prefix);

/* Appends the names of the rows of t required in shape, joined by ", " (out may already hold
 * text before them). */
static void required_names(struct buf *out, const struct table *t, unsigned shape)
{
	const char *sep = "";
	for (size_t i = 0; i < t->nr; i++)
		if ((t->rows[i].shapes & shape) && !t->rows[i].optional) {
			buf_addf(out, "%s%s", sep, t->rows[i].name);
			sep = ", ";
		}
}

static int parse_choice(char **out, struct ctx *c, const struct jnode *n, const char *path)
{
	if (n->type == JT_STR)
		for (size_t i = 0; entry_spec_values[i]; i++)
			if (!strcmp(n->s, entry_spec_values[i])) {
				*out = xstrdup(n->s);
				return 0;
			}
	struct buf expected = BUF_INIT;
	buf_adds(&expected, "one of ");
	for (size_t i = 0; entry_spec_values[i]; i++)
		buf_addf(&expected, "%s%s", i ? ", " : "", entry_spec_values[i]);
	type_error(c, n, path, expected.s);
	buf_release(&expected);
	return -1;
}

/* conc: single-node one value, multi-node a non-empty list in written order. */
static int parse_conc(struct entry *e, struct ctx *c, const struct jnode *n, const char *path)
{
	if (!e->multinode) {
		long v;
		if (get_long_max(&v, c, n, path, ENTRY_CONC_MAX))
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
		if (get_long_max(&v, c, &n->items[i], p.s, ENTRY_CONC_MAX)) {
			rc = -1;
		} else {
			VEC_GROW(e->conc, e->conc_nr + 1, e->conc_alloc);
			e->conc[e->conc_nr++] = v;
		}
		buf_release(&p);
	}
	return rc;
}

static int parse_settings(struct entry_worker *w, struct ctx *c, const struct jnode *n,
			  const char *path)
{
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

/* Row i of table t from node n into rec, the record t describes: a struct entry
 * (entry_table) or a struct entry_worker (worker_table). */
static int parse_field(void *rec, const struct table *t, size_t i, struct ctx *c,
		       const struct jnode *n, const char *path)
{
	char *field = (char *)rec + t->offsets[i];
	switch (t->rows[i].type) {
	case EKT_STRING:
	case EKT_NAME:
		return get_string((char **)field, c, n, path, t->rows[i].type == EKT_NAME);
	case EKT_CHOICE:
		return parse_choice((char **)field, c, n, path);
	case EKT_INT:
		return get_long((long *)field, c, n, path);
	case EKT_BOOL:
		if (n->type != JT_BOOL)
			return type_error(c, n, path, "true or false");
		*(bool *)field = n->b;
		return 0;
	case EKT_CONC:
		return parse_conc(rec, c, n, path);
	case EKT_WORKER:
		if (n->type != JT_OBJ) {
			struct buf expected = BUF_INIT;
			buf_adds(&expected, "a worker mapping (");
			required_names(&expected, &worker_table, ENTRY_MULTI);
			buf_addch(&expected, ')');
			type_error(c, n, path, expected.s);
			buf_release(&expected);
			return -1;
		}
		return check_object(field, &worker_table, ENTRY_MULTI, NULL, c, n, path);
	case EKT_SETTINGS:
		return parse_settings(rec, c, n, path);
	}
	return -1;
}

static void join_path(struct buf *p, const char *prefix, const char *key)
{
	buf_reset(p);
	if (prefix && *prefix)
		buf_addf(p, "%s.", prefix);
	buf_adds(p, key);
}

static int unknown_key(const struct table *t, unsigned shape, struct ctx *c,
		       const struct jmember *m, const char *path)
{
	if (strlen(m->key) != m->key_len)
		return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
				    "unknown key (it holds a NUL character)");
	const char *cands[EK_NR];
	size_t n = 0;
	for (size_t j = 0; j < t->nr; j++)
		if (t->rows[j].shapes & shape)
			cands[n++] = t->rows[j].name;
	const char *s = suggest_closest(m->key, cands, n);
	if (s)
		return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
				    "unknown key (did you mean '%s'?)", s);
	return diags_errorf(c->d, c->name, m->val.line, m->val.col, path, "unknown key");
}

static int duplicate_key(struct ctx *c, const struct jnode *obj, size_t i, const char *path)
{
	const struct jmember *m = &obj->members[i];
	const struct jnode *first = NULL;
	for (size_t j = 0; j < i && !first; j++)
		if (!strcmp(obj->members[j].key, m->key))
			first = &obj->members[j].val;
	return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
			    "duplicate key (first at %d:%d)", first->line, first->col);
}

static int check_object(void *rec, const struct table *t, unsigned shape, const char *shape_why,
			struct ctx *c, const struct jnode *obj, const char *prefix)
{
	int rc = 0;
	struct buf path = BUF_INIT;
	for (size_t i = 0; i < obj->nr; i++) {
		const struct jmember *m = &obj->members[i];
		join_path(&path, prefix, m->key);
		if (!jobj_first_of_key(obj, i)) {
			rc = duplicate_key(c, obj, i, path.s);
			continue;
		}
		size_t k = 0; /* a key with a NUL in it matches no row: "image\u0000" is unknown */
		while (k < t->nr && (strcmp(t->rows[k].name, m->key) || strlen(m->key) != m->key_len))
			k++;
		if (k == t->nr) {
			rc = unknown_key(t, shape, c, m, path.s);
			continue;
		}
		if (!(t->rows[k].shapes & shape)) {
			rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, path.s,
					  "a %s key in a %s entry (%s)",
					  shape == ENTRY_SINGLE ? "multi-node" : "single-node",
					  shape == ENTRY_SINGLE ? "single-node" : "multi-node",
					  shape_why);
			continue;
		}
		if (parse_field(rec, t, k, c, &m->val, path.s))
			rc = -1;
	}
	for (size_t i = 0; i < t->nr; i++) {
		if (!(t->rows[i].shapes & shape) || t->rows[i].optional ||
		    jobj_get(obj, t->rows[i].name))
			continue;
		join_path(&path, prefix, t->rows[i].name);
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

int entry_from_jnode(struct entry *e, const struct jnode *root, const char *name,
		     struct diags *d)
{
	entry_init(e);
	struct ctx c = { name, d };
	if (root->type != JT_OBJ)
		return type_error(&c, root, NULL, "an entry object");
	const char *prefill = entry_keys[EK_PREFILL].name, *decode = entry_keys[EK_DECODE].name;
	struct buf why = BUF_INIT;
	if (jobj_get(root, prefill) || jobj_get(root, decode)) {
		e->multinode = true;
		buf_addf(&why, "it has '%s'", jobj_get(root, prefill) ? prefill : decode);
	} else {
		buf_addf(&why, "it has no '%s'", prefill);
	}
	int rc = check_object(e, &entry_table, e->multinode ? ENTRY_MULTI : ENTRY_SINGLE, why.s,
			      &c, root, NULL);
	buf_release(&why);
	if (!rc && !e->multinode && e->disagg) {
		const char *disagg = entry_keys[EK_DISAGG].name;
		const struct jnode *n = jobj_get(root, disagg);
		rc = diags_errorf(d, name, n->line, n->col, disagg,
				  "a single-node entry cannot be disaggregated (%s: true needs "
				  "'%s' and '%s')", disagg, prefill, decode);
	}
	if (rc)
		entry_release(e);
	return rc;
}

int entry_parse(struct entry *e, const char *json, size_t len, const char *name,
		struct diags *d)
{
	entry_init(e);
	struct jnode *root = jtree_parse(json, len, name, d);
	if (!root)
		return -1;
	int rc = entry_from_jnode(e, root, name, d);
	jtree_free(root);
	return rc;
}

int entry_read(struct entry *e, const char *path, struct diags *d)
{
	struct buf text = BUF_INIT;
	entry_init(e);
	int rc = file_read_all(&text, path, d);
	if (!rc)
		rc = entry_parse(e, text.s, text.len, strcmp(path, "-") ? path : "<stdin>", d);
	buf_release(&text);
	return rc;
}

const char *entry_node_name(const struct entry *e, const char *given)
{
	if (given && *given)
		return given;
	const char *env = getenv("RUNNER_NAME");
	return env && *env ? env : e->runner;
}

void entry_result_filename(struct buf *out, const struct entry *e, const char *node)
{
	buf_addf(out, "%s_%s_%s_", e->exp_name, e->precision, e->framework);
	if (!e->multinode) {
		buf_addf(out, "tp%ld-ep%ld-dpa%s", e->tp, e->ep, env_bool_text(e->dp_attn));
	} else {
		const struct entry_worker *p = &e->prefill, *dw = &e->decode;
		buf_addf(out, "prefill-tp%ld-ep%ld-dp%s-nw%ld_decode-tp%ld-ep%ld-dp%s-nw%ld", p->tp,
			 p->ep, env_bool_text(p->dp_attn), p->num_worker, dw->tp, dw->ep,
			 env_bool_text(dw->dp_attn), dw->num_worker);
	}
	buf_addf(out, "_disagg-%s_spec-%s_conc", env_bool_text(e->disagg), e->spec_decoding);
	for (size_t i = 0; i < e->conc_nr; i++)
		buf_addf(out, "%s%ld", i ? "x" : "", e->conc[i]);
	buf_addf(out, "_%s", node);
}

const char *entry_node_name_checked(const struct entry *e, const char *given, struct diags *d)
{
	const char *node = entry_node_name(e, given);
	if (safe_name_ok(node))
		return node;
	diags_errorf(d, NULL, 0, 0, NULL, "node name '%s': expected %s", node, safe_name_rule);
	return NULL;
}
