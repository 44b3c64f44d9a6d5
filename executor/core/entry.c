/* entry: see entry.h. The keys, their types and shapes are common/entry_keys' table (the one
 * matrixgen writes with); this file adds where each goes in struct entry, and one walker
 * checks an object against the table (unknown, duplicate, other-shape, missing, type). */
#include "executor/core/entry.h"
#include "executor/core/env.h"

#include <errno.h>
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
	[EK_DECODE] = E(decode),
};
#undef E

#define E(f) offsetof(struct entry, f)
static const size_t entry_v2_offsets[EK2_NR] = {
	[EK2_PP] = E(pp), [EK2_DCP_SIZE] = E(dcp_size), [EK2_PCP_SIZE] = E(pcp_size),
	[EK2_ROUTER] = E(router), [EK2_KV_P2P_TRANSFER] = E(kv_p2p_transfer),
	[EK2_EVAL_ONLY] = E(eval_only), [EK2_EVAL_CONC] = E(eval_conc),
	[EK2_EVAL_ALL_CONCS] = E(eval_all_concs), [EK2_RECIPE_FINGERPRINT] = E(recipe_fingerprint),
	[EK2_KV_OFFLOADING] = E(kv_offloading), [EK2_KV_OFFLOAD_BACKEND] = E(kv_offload_backend),
	[EK2_TOTAL_CPU_DRAM_GB] = E(total_cpu_dram_gb), [EK2_DURATION] = E(duration),
	[EK2_SCENARIO_TYPE] = E(scenario_type),
};
#undef E

#define E(f) offsetof(struct entry, f)
static const size_t entry_ci_offsets[EKC_NR] = {
	[EKC_PRIORITY] = E(ci_priority), [EKC_QUEUE_TOKEN] = E(ci_queue_token),
	[EKC_SKIP_QUEUE_PR] = E(ci_skip_queue_pr),
};
#undef E

#define W(f) offsetof(struct entry_worker, f)
static const size_t worker_offsets[EWK_NR] = {
	[EWK_NUM_WORKER] = W(num_worker), [EWK_TP] = W(tp), [EWK_EP] = W(ep),
	[EWK_DP_ATTN] = W(dp_attn), [EWK_SETTINGS] = 0,
};
static const size_t worker_v2_offsets[EWK2_NR] = {
	[EWK2_PP] = W(pp), [EWK2_DCP_SIZE] = W(dcp_size), [EWK2_PCP_SIZE] = W(pcp_size),
	[EWK2_HARDWARE] = W(hardware),
};
#undef W

/* A table and where its rows go; next: the next table of the same object (v2, then CI's),
 * walked as if its rows were this table's. */
struct table {
	const struct entry_key_row *rows;
	const size_t *offsets;
	size_t nr;
	const struct table *next;
};
static const struct table entry_ci_table = { entry_ci_keys, entry_ci_offsets, EKC_NR, NULL };
static const struct table entry_v2_table = { entry_v2_keys, entry_v2_offsets, EK2_NR,
					     &entry_ci_table };
static const struct table entry_table = { entry_keys, entry_offsets, EK_NR, &entry_v2_table };
static const struct table worker_v2_table = { entry_v2_worker_keys, worker_v2_offsets, EWK2_NR,
					      NULL };
static const struct table worker_table = { entry_worker_keys, worker_offsets, EWK_NR,
					   &worker_v2_table };
#define CANDIDATES_MAX ((size_t)EK_NR + (size_t)EK2_NR + (size_t)EKC_NR)
_Static_assert((int)EWK_NR + (int)EWK2_NR <= (int)EK_NR + (int)EK2_NR,
	       "unknown_key's candidate array holds any table's names");

/* Whether the row is required in shape. */
static bool row_required(const struct entry_key_row *r, unsigned shape)
{
	return (r->shapes & shape) && !r->optional && !(r->optional_in & shape);
}

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
	for (; t; t = t->next)
		for (size_t i = 0; i < t->nr; i++)
			if (row_required(&t->rows[i], shape)) {
				buf_addf(out, "%s%s", sep, t->rows[i].name);
				sep = ", ";
			}
}

static int parse_choice(char **out, const char *const *values, struct ctx *c,
			const struct jnode *n, const char *path)
{
	if (!values)
		values = entry_spec_values;
	if (n->type == JT_STR && strlen(n->s) == n->len)
		for (size_t i = 0; values[i]; i++)
			if (!strcmp(n->s, values[i])) {
				*out = xstrdup(n->s);
				return 0;
			}
	struct buf expected = BUF_INIT;
	buf_adds(&expected, values[1] ? "one of " : "");
	for (size_t i = 0; values[i]; i++)
		buf_addf(&expected, "%s%s", i ? ", " : "", values[i]);
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

static void join_path(struct buf *p, const char *prefix, const char *key);
static int duplicate_key(struct ctx *c, const struct jnode *obj, size_t i, const char *path);

/* An integer >= 0 (total-cpu-dram-gb; num-worker, since decode may have none). */
static int get_count(long *out, struct ctx *c, const struct jnode *n, const char *path)
{
	*out = 0;
	if (n->type == JT_NUM && n->is_int && !strcmp(n->s, "0"))
		return 0;
	if (n->type == JT_NUM && n->is_int && n->s[0] != '-')
		return get_long_max(out, c, n, path, 0);
	return type_error(c, n, path, "an integer >= 0");
}

/* recipe-fingerprint: what upstream's schema takes, ^[0-9a-f]{64}$ */
static int get_fingerprint(char **out, struct ctx *c, const struct jnode *n, const char *path)
{
	const char *expected = "64 lower-case hex digits (a sha256)";
	if (n->type != JT_STR || n->len != 64 || strlen(n->s) != 64 ||
	    strspn(n->s, "0123456789abcdef") != 64)
		return type_error(c, n, path, expected);
	*out = xstrdup(n->s);
	return 0;
}

/* priority: what ci_priority.py's format_priority writes, f"{score:.3f}" of a Decimal:
 * an optional '-', digits, '.', three digits */
static int get_priority(char **out, struct ctx *c, const struct jnode *n, const char *path)
{
	const char *expected = "a string of a decimal with 3 places, e.g. \"3.000\"";
	if (n->type != JT_STR || strlen(n->s) != n->len)
		return type_error(c, n, path, expected);
	const char *s = n->s + (n->s[0] == '-');
	size_t whole = strspn(s, "0123456789");
	if (!whole || s[whole] != '.' || strspn(s + whole + 1, "0123456789") != 3 ||
	    s[whole + 4])
		return type_error(c, n, path, expected);
	*out = xstrdup(n->s);
	return 0;
}

/* queue-token: ci_priority.py's sha256(...).hexdigest()[:32] */
static int get_queue_token(char **out, struct ctx *c, const struct jnode *n, const char *path)
{
	if (n->type != JT_STR || n->len != 32 || strlen(n->s) != 32 ||
	    strspn(n->s, "0123456789abcdef") != 32)
		return type_error(c, n, path, "32 lower-case hex digits");
	*out = xstrdup(n->s);
	return 0;
}

/* skip-queue-pr: the PR number as given to ci-priority, any integer */
static int get_any_int(long *out, struct ctx *c, const struct jnode *n, const char *path)
{
	*out = 0;
	const char *expected = "an integer";
	if (n->type != JT_NUM || !n->is_int)
		return type_error(c, n, path, expected);
	char *end;
	errno = 0;
	long v = strtol(n->s, &end, 10);
	if (*end || errno)
		return type_error(c, n, path, expected);
	*out = v;
	return 0;
}

/* runner: a safe name, or an agentic scenario's exact cluster, "cluster:" and a safe name
 * (such a runner is no node name: run refuses it as one, see entry_node_name_checked). */
static int get_runner(char **out, struct ctx *c, const struct jnode *n, const char *path)
{
	static const char cluster[] = "cluster:";
	const char *expected = "a safe name, or \"cluster:\" and a safe name";
	if (n->type != JT_STR || strlen(n->s) != n->len)
		return type_error(c, n, path, expected);
	const char *name = n->s;
	if (!strncmp(name, cluster, sizeof(cluster) - 1))
		name += sizeof(cluster) - 1;
	if (!safe_name_ok(name))
		return type_error(c, n, path, expected);
	*out = xstrdup(n->s);
	return 0;
}

/* router {name, version}, kv-offload-backend {name, version?} (upstream's
 * ComponentMetadata and KVOffloadBackendMetadata): non-empty strings, no other keys, and a
 * version that is the component's own, not "image:...". */
static int parse_component(struct entry_component *out, bool version_required, struct ctx *c,
			   const struct jnode *n, const char *path)
{
	const char *expected = version_required ? "a mapping {name, version}"
						: "a mapping {name, version?}";
	if (n->type != JT_OBJ)
		return type_error(c, n, path, expected);
	int rc = 0;
	struct buf p = BUF_INIT;
	for (size_t i = 0; i < n->nr; i++) {
		const struct jmember *m = &n->members[i];
		join_path(&p, path, m->key);
		if (!jobj_first_of_key(n, i)) {
			rc = duplicate_key(c, n, i, p.s);
			continue;
		}
		bool is_name = !strcmp(m->key, "name"), is_version = !strcmp(m->key, "version");
		if ((!is_name && !is_version) || strlen(m->key) != m->key_len) {
			rc = diags_errorf(c->d, c->name, m->val.line, m->val.col, p.s,
					  "unknown key (%s has only name and version)", path);
			continue;
		}
		const struct jnode *v = &m->val;
		if (v->type != JT_STR || !v->len || strlen(v->s) != v->len) {
			rc = type_error(c, v, p.s, "a non-empty string");
			continue;
		}
		if (is_version && !strncmp(v->s, "image:", 6)) {
			rc = diags_errorf(c->d, c->name, v->line, v->col, p.s,
					  "expected the component's own version (a release, package "
					  "version or source commit), found an image reference");
			continue;
		}
		char **field = is_name ? &out->name : &out->version;
		free(*field);
		*field = xstrdup(v->s);
	}
	static const char *const keys[] = { "name", "version" };
	for (size_t k = 0; k < (version_required ? 2u : 1u); k++) {
		if (jobj_get(n, keys[k]))
			continue;
		join_path(&p, path, keys[k]);
		rc = diags_errorf(c->d, c->name, n->line, n->col, p.s, "missing key");
	}
	buf_release(&p);
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
		return parse_choice((char **)field, t->rows[i].values, c, n, path);
	case EKT_COUNT:
		return get_count((long *)field, c, n, path);
	case EKT_COMPONENT:
	case EKT_BACKEND:
		return parse_component((struct entry_component *)field,
				       t->rows[i].type == EKT_COMPONENT, c, n, path);
	case EKT_FINGERPRINT:
		return get_fingerprint((char **)field, c, n, path);
	case EKT_RUNNER:
		return get_runner((char **)field, c, n, path);
	case EKT_PRIORITY:
		return get_priority((char **)field, c, n, path);
	case EKT_QUEUE_TOKEN:
		return get_queue_token((char **)field, c, n, path);
	case EKT_ANY_INT:
		return get_any_int((long *)field, c, n, path);
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
	const char *cands[CANDIDATES_MAX];
	size_t n = 0;
	for (; t; t = t->next)
		for (size_t j = 0; j < t->nr; j++)
			if (t->rows[j].shapes & shape)
				cands[n++] = t->rows[j].name;
	const char *s = suggest_closest(m->key, cands, n);
	if (s)
		return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
				    "unknown key (did you mean '%s'?)", s);
	return diags_errorf(c->d, c->name, m->val.line, m->val.col, path, "unknown key");
}

static const char *shape_name(unsigned shape)
{
	switch (shape) {
	case ENTRY_SINGLE: return "single-node";
	case ENTRY_MULTI: return "multi-node";
	case ENTRY_AGENTIC_SINGLE: return "agentic single-node";
	default: return "agentic multi-node";
	}
}

/* A key of the tables that this shape has not: of the other node count (single- vs
 * multi-node, why: shape_why), or of the other scenario (fixed vs agentic). */
static int other_shape_key(const struct entry_key_row *r, unsigned shape, const char *shape_why,
			   struct ctx *c, const struct jmember *m, const char *path)
{
	bool agentic = shape & (ENTRY_AGENTIC_SINGLE | ENTRY_AGENTIC_MULTI);
	unsigned other_nodes = shape & ENTRY_ANY_SINGLE ? shape << 1 : shape >> 1;
	if (r->shapes & other_nodes)
		return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
				    "a %s key in a %s entry (%s)", shape_name(other_nodes),
				    shape_name(shape), shape_why);
	return diags_errorf(c->d, c->name, m->val.line, m->val.col, path,
			    "not a key of a%s %s entry (it has %s'%s')", agentic ? "n" : "",
			    shape_name(shape), agentic ? "" : "no ",
			    entry_v2_keys[EK2_SCENARIO_TYPE].name);
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
		const struct table *in = t; /* a key with a NUL in it matches no row */
		size_t k = 0;
		for (; in; in = in->next) {
			for (k = 0; k < in->nr; k++)
				if (!strcmp(in->rows[k].name, m->key) && strlen(m->key) == m->key_len)
					break;
			if (k < in->nr)
				break;
		}
		if (!in) {
			rc = unknown_key(t, shape, c, m, path.s);
			continue;
		}
		if (!(in->rows[k].shapes & shape)) {
			rc = other_shape_key(&in->rows[k], shape, shape_why, c, m, path.s);
			continue;
		}
		if (parse_field(rec, in, k, c, &m->val, path.s))
			rc = -1;
	}
	for (const struct table *in = t; in; in = in->next)
		for (size_t i = 0; i < in->nr; i++) {
			if (!row_required(&in->rows[i], shape) || jobj_get(obj, in->rows[i].name))
				continue;
			join_path(&path, prefix, in->rows[i].name);
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
	free(w->hardware);
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
	free(e->router.name);
	free(e->router.version);
	free(e->kv_offload_backend.name);
	free(e->kv_offload_backend.version);
	free(e->kv_p2p_transfer);
	free(e->recipe_fingerprint);
	free(e->kv_offloading);
	free(e->scenario_type);
	free(e->ci_priority);
	free(e->ci_queue_token);
	worker_release(&e->prefill);
	worker_release(&e->decode);
	entry_init(e);
}

/* Whether obj (the entry, or a worker of it) has a key of the v2 table t. */
static bool has_v2_key(const struct jnode *obj, const struct entry_key_row *rows, size_t nr)
{
	if (!obj || obj->type != JT_OBJ)
		return false;
	for (size_t i = 0; i < nr; i++)
		if (jobj_get(obj, rows[i].name))
			return true;
	return false;
}

static void sizes_default(long *pp, long *dcp, long *pcp)
{
	*pp = *dcp = *pcp = 1;
}

/* tp % dcp-size == 0 (upstream's _validate_tp_context_topology), at dcp-size. */
static int check_dcp(struct ctx *c, const struct jnode *obj, long tp, long dcp, const char *prefix)
{
	const char *key = entry_v2_keys[EK2_DCP_SIZE].name;
	const struct jnode *n = jobj_get(obj, key);
	if (!n || tp % dcp == 0)
		return 0;
	struct buf p = BUF_INIT;
	join_path(&p, prefix, key);
	diags_errorf(c->d, c->name, n->line, n->col, p.s, "expected a divisor of tp (%ld), found "
		     "%ld", tp, dcp);
	buf_release(&p);
	return -1;
}

/* The rules of upstream's entry models that are not one key's type (validation.py at
 * 843c6254f), on an entry that passed the tables. */
static int check_v2_rules(struct entry *e, struct ctx *c, const struct jnode *root)
{
	int rc = 0;
	const char *prefill = entry_keys[EK_PREFILL].name, *decode = entry_keys[EK_DECODE].name;
	if (!e->multinode && !e->agentic && e->v2) {
		/* v1 single-node entries have no pp, dcp-size, pcp-size; upstream's v2 rows always do */
		static const enum entry_v2_key sizes[] = { EK2_PP, EK2_DCP_SIZE, EK2_PCP_SIZE };
		const char *v2_key = NULL;
		for (size_t i = 0; i < EK2_NR && !v2_key; i++)
			if (jobj_get(root, entry_v2_keys[i].name))
				v2_key = entry_v2_keys[i].name;
		for (size_t i = 0; i < 3; i++)
			if (!jobj_get(root, entry_v2_keys[sizes[i]].name))
				rc = diags_errorf(c->d, c->name, root->line, root->col,
						  entry_v2_keys[sizes[i]].name, "missing key (a v2 "
						  "entry: it has '%s')", v2_key);
	}
	if (!e->multinode) {
		rc |= check_dcp(c, root, e->tp, e->dcp_size, NULL);
	} else {
		const struct jnode *pn = jobj_get(root, prefill), *dn = jobj_get(root, decode);
		rc |= check_dcp(c, pn, e->prefill.tp, e->prefill.dcp_size, prefill);
		rc |= check_dcp(c, dn, e->decode.tp, e->decode.dcp_size, decode);
		const char *nw = entry_worker_keys[EWK_NUM_WORKER].name;
		if (e->prefill.num_worker < 1) {
			const struct jnode *n = jobj_get(pn, nw);
			rc = diags_errorf(c->d, c->name, n->line, n->col, "prefill.num-worker",
					  "expected an integer >= 1 (only decode may have no "
					  "workers), found integer 0");
		}
		if (!e->prefill.hardware != !e->decode.hardware) {
			const char *hw = entry_v2_worker_keys[EWK2_HARDWARE].name;
			bool in_prefill = e->prefill.hardware != NULL;
			const struct jnode *n = jobj_get(in_prefill ? pn : dn, hw);
			rc = diags_errorf(c->d, c->name, n->line, n->col,
					  in_prefill ? "prefill.hardware" : "decode.hardware",
					  "written for %s only: write hardware for both workers or "
					  "neither", in_prefill ? prefill : decode);
		}
		const char *p2p = entry_v2_keys[EK2_KV_P2P_TRANSFER].name;
		if (e->v2 && e->disagg && !e->kv_p2p_transfer) {
			const struct jnode *n = jobj_get(root, entry_keys[EK_DISAGG].name);
			rc = diags_errorf(c->d, c->name, n->line, n->col, entry_keys[EK_DISAGG].name,
					  "a disaggregated v2 entry needs '%s'", p2p);
		}
	}
	if (e->agentic) {
		const char *backend = entry_v2_keys[EK2_KV_OFFLOAD_BACKEND].name;
		const char *offloading = entry_v2_keys[EK2_KV_OFFLOADING].name;
		const struct jnode *n = jobj_get(root, backend);
		bool offloads = strcmp(e->kv_offloading, "none") != 0;
		if (n && !offloads)
			rc = diags_errorf(c->d, c->name, n->line, n->col, backend,
					  "only with %s other than 'none'", offloading);
		if (!n && offloads)
			rc = diags_errorf(c->d, c->name, root->line, root->col, backend,
					  "missing key (%s is '%s')", offloading, e->kv_offloading);
	}
	return rc ? -1 : 0;
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
	e->agentic = jobj_get(root, entry_v2_keys[EK2_SCENARIO_TYPE].name) != NULL;
	e->v2 = has_v2_key(root, entry_v2_keys, EK2_NR) ||
		has_v2_key(jobj_get(root, prefill), entry_v2_worker_keys, EWK2_NR) ||
		has_v2_key(jobj_get(root, decode), entry_v2_worker_keys, EWK2_NR);
	sizes_default(&e->pp, &e->dcp_size, &e->pcp_size);
	sizes_default(&e->prefill.pp, &e->prefill.dcp_size, &e->prefill.pcp_size);
	sizes_default(&e->decode.pp, &e->decode.dcp_size, &e->decode.pcp_size);
	unsigned shape = e->multinode ? ENTRY_MULTI : ENTRY_SINGLE;
	if (e->agentic)
		shape <<= 2; /* ENTRY_AGENTIC_SINGLE, ENTRY_AGENTIC_MULTI */
	int rc = check_object(e, &entry_table, shape, why.s, &c, root, NULL);
	buf_release(&why);
	if (!rc && !e->multinode && e->disagg) {
		const char *disagg = entry_keys[EK_DISAGG].name;
		const struct jnode *n = jobj_get(root, disagg);
		rc = diags_errorf(d, name, n->line, n->col, disagg,
				  "a single-node entry cannot be disaggregated (%s: true needs "
				  "'%s' and '%s')", disagg, prefill, decode);
	}
	if (!rc)
		rc = check_v2_rules(e, &c, root);
	if (!rc && !e->spec_decoding) /* agentic single-node: upstream's default */
		e->spec_decoding = xstrdup(entry_spec_values[0]);
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

/* One worker's part of a multi-node name: v1 tp-ep-dp-nw, v2 tp-pp-dcp-pcp-ep-dp-nw. */
static void worker_name(struct buf *out, const char *role, const struct entry_worker *w, bool v2)
{
	buf_addf(out, "%s-tp%ld", role, w->tp);
	if (v2)
		buf_addf(out, "-pp%ld-dcp%ld-pcp%ld", w->pp, w->dcp_size, w->pcp_size);
	buf_addf(out, "-ep%ld-dp%s-nw%ld", w->ep, env_bool_text(w->dp_attn), w->num_worker);
}

/* upstream's benchmark-tmpl.yml and benchmark-multinode-tmpl.yml (843c6254f) for v2 */
void entry_result_filename(struct buf *out, const struct entry *e, const char *node)
{
	buf_addf(out, "%s_%s_%s_", e->exp_name, e->precision, e->framework);
	if (!e->multinode) {
		buf_addf(out, "tp%ld", e->tp);
		if (e->v2)
			buf_addf(out, "-pp%ld-dcp%ld-pcp%ld", e->pp, e->dcp_size, e->pcp_size);
		buf_addf(out, "-ep%ld-dpa%s", e->ep, env_bool_text(e->dp_attn));
	} else {
		worker_name(out, "prefill", &e->prefill, e->v2);
		buf_addch(out, '_');
		worker_name(out, "decode", &e->decode, e->v2);
	}
	buf_addf(out, "_disagg-%s_spec-%s_conc", env_bool_text(e->disagg), e->spec_decoding);
	for (size_t i = 0; i < e->conc_nr; i++)
		buf_addf(out, "%s%ld", i ? "x" : "", e->conc[i]);
	buf_addf(out, "_%s", node);
	if (e->recipe_fingerprint) /* ${RECIPE_FINGERPRINT:0:16} */
		buf_addf(out, "_recipe-%.16s", e->recipe_fingerprint);
}

long entry_gpu_count(const struct entry *e)
{
	return e->tp * e->pp * e->pcp_size;
}

const char *entry_node_name_checked(const struct entry *e, const char *given, struct diags *d)
{
	const char *node = entry_node_name(e, given);
	if (safe_name_ok(node))
		return node;
	diags_errorf(d, NULL, 0, 0, NULL, "node name '%s': expected %s", node, safe_name_rule);
	return NULL;
}
