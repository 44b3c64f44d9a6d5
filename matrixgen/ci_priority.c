/* ci_priority: see ci_priority.h. The policy's shape is a table (policy_top and its
 * sub-tables) walked by one loader; the scoring follows upstream's calculate_priority
 * step by step, in the same order. */
#include "matrixgen/ci_priority.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/scalar.h"
#include "common/schema.h"
#include "common/sha256.h"
#include "common/suggest.h"
#include "common/xalloc.h"

#define SCORE_SCALE 1000000000000LL /* 1e12: twelve decimals */
#define SCORE_MAX (1000000LL * SCORE_SCALE)

/* ---- the policy's shape ---- */

enum pkind {
	PK_VERSION,  /* the integer 1 */
	PK_NUM,      /* ci_score */
	PK_NUM_MAP,  /* struct ci_adjust_map: name -> number */
	PK_STR,      /* const char *, non-empty */
	PK_STR_LIST, /* const char **, count at nr_off */
	PK_TABLE,    /* a mapping with its own table, filling the same struct ci_policy */
};

struct ptable;

struct pfield {
	const char *key;
	enum pkind kind;
	bool required;
	size_t off, nr_off;
	const struct ptable *sub;
};

struct ptable {
	const struct pfield *f;
	size_t nr;
};

#define AT(p, off, type) ((type *)((char *)(p) + (off)))
#define OFF(m) offsetof(struct ci_policy, m)
#define TABLE(rows) { rows, sizeof(rows) / sizeof(rows[0]) }

static const struct pfield adjustments_rows[] = {
	{ "event", PK_NUM_MAP, false, OFF(event), 0, NULL },
	{ "multi-node", PK_NUM, false, OFF(multi_node), 0, NULL },
	{ "agentic", PK_NUM, false, OFF(agentic), 0, NULL },
	{ "eval-only", PK_NUM, false, OFF(eval_only), 0, NULL },
	{ "precision", PK_NUM_MAP, false, OFF(precision), 0, NULL },
	{ "spec-decoding", PK_NUM_MAP, false, OFF(spec_decoding), 0, NULL },
	{ "framework-prefix", PK_NUM_MAP, false, OFF(framework_prefix), 0, NULL },
	{ "model-prefix", PK_NUM_MAP, false, OFF(model_prefix), 0, NULL },
};
static const struct ptable adjustments_table = TABLE(adjustments_rows);

static const struct pfield skip_queue_rows[] = {
	{ "name", PK_STR, true, OFF(skip_queue_label), 0, NULL },
};
static const struct ptable skip_queue_table = TABLE(skip_queue_rows);

static const struct pfield checklist_rows[] = {
	{ "names", PK_STR_LIST, false, OFF(checklist_labels), OFF(checklist_labels_nr), NULL },
	{ "adjustment", PK_NUM, false, OFF(checklist_adjustment), 0, NULL },
};
static const struct ptable checklist_table = TABLE(checklist_rows);

static const struct pfield patchwork_rows[] = {
	{ "names", PK_STR_LIST, true, OFF(patchwork_labels), OFF(patchwork_labels_nr), NULL },
	{ "score", PK_NUM, true, OFF(patchwork_score), 0, NULL },
	{ "waived-by", PK_STR_LIST, false, OFF(patchwork_waivers), OFF(patchwork_waivers_nr),
	  NULL },
};
static const struct ptable patchwork_table = TABLE(patchwork_rows);

static const struct pfield labels_rows[] = {
	{ "skip-queue", PK_TABLE, true, 0, 0, &skip_queue_table },
	{ "checklist-complete", PK_TABLE, false, 0, 0, &checklist_table },
	{ "patchwork", PK_TABLE, true, 0, 0, &patchwork_table },
};
static const struct ptable labels_table = TABLE(labels_rows);

static const struct pfield policy_rows[] = {
	{ "version", PK_VERSION, true, 0, 0, NULL },
	{ "base-score", PK_NUM, true, OFF(base_score), 0, NULL },
	{ "adjustments", PK_TABLE, true, 0, 0, &adjustments_table },
	{ "labels", PK_TABLE, true, 0, 0, &labels_table },
};
static const struct ptable policy_table = TABLE(policy_rows);
_Static_assert(sizeof(adjustments_rows) / sizeof(adjustments_rows[0]) <= 16,
	       "load_table keeps 16 seen flags");

/* ---- numbers: Decimal(str(value)) as fixed point ---- */

/* Parses a decimal text ("2", "-0.75", "1e-05", "1.5e+16") into units of 1e-12. */
static int decimal_to_score(ci_score *out, const char *s)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	char digits[64];
	size_t nd = 0;
	long exp10 = 0;
	bool point = false;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			point = true;
			continue;
		}
		if (*s < '0' || *s > '9' || nd >= sizeof(digits))
			return -1;
		digits[nd++] = *s;
		if (point)
			exp10--;
	}
	if (*s)
		exp10 += strtol(s + 1, NULL, 10);
	exp10 += 12; /* to units of 1e-12 */
	ci_score v = 0;
	for (size_t i = 0; i < nd; i++) {
		int dgt = digits[i] - '0';
		long pos = exp10 + (long)(nd - 1 - i); /* this digit's power of ten in the units */
		if (pos < 0) {
			if (dgt)
				return -2; /* finer than 1e-12 */
			continue;
		}
		if (pos > 18)
			return dgt ? -3 : 0;
		ci_score p = 1;
		for (long k = 0; k < pos; k++)
			p *= 10;
		if (dgt && p > (SCORE_MAX - v) / dgt)
			return -3;
		v += dgt * p;
	}
	if (v > SCORE_MAX)
		return -3;
	*out = neg ? -v : v;
	return 0;
}

static int load_number(ci_score *out, const struct ynode *n, struct schema_ctx *ctx)
{
	enum scalar_kind k = n->kind == YNODE_SCALAR ? scalar_classify(n) : SC_STRING;
	char text[40];
	if (n->kind == YNODE_SCALAR && k == SC_INT) {
		snprintf(text, sizeof(text), "%.39s", n->str);
	} else if (n->kind == YNODE_SCALAR && k == SC_FLOAT) {
		double v = strtod(n->str, NULL);
		if (!isfinite(v))
			goto bad;
		fmt_double_py(text, v); /* Python's str(float): the Decimal is made from it */
	} else {
		goto bad;
	}
	int rc = decimal_to_score(out, text);
	if (rc == -2)
		return schema_errorf(ctx, n, "expected a number with at most 12 decimals, found %s",
				     n->str);
	if (rc)
		return schema_errorf(ctx, n,
				     "expected a number from -1000000 to 1000000, found %s", n->str);
	return 0;
bad:;
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	schema_errorf(ctx, n, "expected a number, found %s", found.s);
	buf_release(&found);
	return -1;
}

static int load_string(const char **out, const struct ynode *n, struct schema_ctx *ctx)
{
	if (n->kind == YNODE_SCALAR && scalar_classify(n) == SC_STRING && *n->str) {
		*out = n->str;
		return 0;
	}
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	schema_errorf(ctx, n, "expected a non-empty string, found %s", found.s);
	buf_release(&found);
	return -1;
}

static int expect_mapping(const struct ynode *n, struct schema_ctx *ctx)
{
	if (n->kind == YNODE_MAP)
		return 0;
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	schema_errorf(ctx, n, "expected a mapping, found %s", found.s);
	buf_release(&found);
	return -1;
}

static int load_num_map(struct ci_adjust_map *m, const struct ynode *n, struct schema_ctx *ctx)
{
	if (expect_mapping(n, ctx))
		return -1;
	m->v = xcalloc(n->nr ? n->nr : 1, sizeof(*m->v));
	int rc = 0;
	for (size_t i = 0; i < n->nr; i++) {
		size_t old = schema_path_push_key(ctx, n->pairs[i].key->str);
		struct ci_adjust *a = &m->v[m->nr];
		a->key = n->pairs[i].key->str;
		if (load_number(&a->v, n->pairs[i].value, ctx))
			rc = -1;
		else
			m->nr++;
		schema_path_pop(ctx, old);
	}
	return rc;
}

static int load_str_list(const char ***out, size_t *nr, const struct ynode *n,
			 struct schema_ctx *ctx)
{
	if (n->kind != YNODE_SEQ) {
		struct buf found = BUF_INIT;
		scalar_describe(&found, n);
		schema_errorf(ctx, n, "expected a list of strings, found %s", found.s);
		buf_release(&found);
		return -1;
	}
	*out = xcalloc(n->nr ? n->nr : 1, sizeof(**out));
	int rc = 0;
	for (size_t i = 0; i < n->nr; i++) {
		size_t old = schema_path_push_index(ctx, i);
		rc |= load_string(&(*out)[*nr], n->items[i], ctx);
		if (!rc)
			(*nr)++;
		schema_path_pop(ctx, old);
	}
	return rc;
}

static int load_table(struct ci_policy *p, const struct ptable *t, const struct ynode *map,
		      struct schema_ctx *ctx);

static int load_field(struct ci_policy *p, const struct pfield *f, const struct ynode *n,
		      struct schema_ctx *ctx)
{
	switch (f->kind) {
	case PK_VERSION: {
		long v;
		if (scalar_to_long(&v, n) && v == 1)
			return 0;
		return schema_errorf(ctx, n, "unsupported CI priority policy version: expected 1, "
					     "found %s", n->kind == YNODE_SCALAR ? n->str : "a collection");
	}
	case PK_NUM:
		return load_number(AT(p, f->off, ci_score), n, ctx);
	case PK_NUM_MAP:
		return load_num_map(AT(p, f->off, struct ci_adjust_map), n, ctx);
	case PK_STR:
		return load_string(AT(p, f->off, const char *), n, ctx);
	case PK_STR_LIST:
		return load_str_list(AT(p, f->off, const char **), AT(p, f->nr_off, size_t), n, ctx);
	case PK_TABLE:
		return load_table(p, f->sub, n, ctx);
	}
	return -1;
}

static int load_table(struct ci_policy *p, const struct ptable *t, const struct ynode *map,
		      struct schema_ctx *ctx)
{
	if (expect_mapping(map, ctx))
		return -1;
	int rc = 0;
	bool seen[16] = { false };
	for (size_t i = 0; i < map->nr; i++) {
		const struct ynode *key = map->pairs[i].key;
		size_t fi = 0;
		while (fi < t->nr && strcmp(t->f[fi].key, key->str))
			fi++;
		size_t old = schema_path_push_key(ctx, key->str);
		if (fi == t->nr) {
			const char *names[16];
			for (size_t k = 0; k < t->nr; k++)
				names[k] = t->f[k].key;
			const char *close = suggest_closest(key->str, names, t->nr);
			if (close)
				schema_errorf(ctx, key, "unknown key '%s'; did you mean '%s'?", key->str,
					      close);
			else
				schema_errorf(ctx, key, "unknown key '%s'", key->str);
			rc = -1;
		} else {
			seen[fi] = true;
			rc |= load_field(p, &t->f[fi], map->pairs[i].value, ctx);
		}
		schema_path_pop(ctx, old);
	}
	for (size_t k = 0; k < t->nr; k++)
		if (t->f[k].required && !seen[k])
			rc = schema_errorf(ctx, map, "missing required key '%s'", t->f[k].key);
	return rc;
}

int ci_policy_load(struct ci_policy *p, const char *name, const char *text, size_t len,
		   struct diags *d)
{
	memset(p, 0, sizeof(*p));
	if (ydoc_load(&p->doc, name, text, len, d))
		return -1;
	if (!p->doc.root)
		return diags_errorf(d, name, 1, 1, NULL, "expected a mapping, found an empty document");
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, name, d);
	int rc = load_table(p, &policy_table, p->doc.root, &ctx);
	schema_ctx_release(&ctx);
	return rc;
}

void ci_policy_release(struct ci_policy *p)
{
	struct ci_adjust_map *maps[] = { &p->event, &p->precision, &p->spec_decoding,
					 &p->framework_prefix, &p->model_prefix };
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		free(maps[i]->v);
	free(p->checklist_labels);
	free(p->patchwork_labels);
	free(p->patchwork_waivers);
	ydoc_release(&p->doc);
	memset(p, 0, sizeof(*p));
}

/* ---- scoring ---- */

static bool in_list(const char *s, const char *const *v, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static bool lists_meet(const char *const *a, size_t a_nr, const char *const *b, size_t b_nr)
{
	for (size_t i = 0; i < a_nr; i++)
		if (in_list(a[i], b, b_nr))
			return true;
	return false;
}

static const struct ci_adjust *adjust_find(const struct ci_adjust_map *m, const char *key)
{
	/* a key written twice is refused by yamltree, so the first match is the only one */
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].key, key))
			return &m->v[i];
	return NULL;
}

static ci_score adjust_get(const struct ci_adjust_map *m, const char *key)
{
	const struct ci_adjust *a = adjust_find(m, key);
	return a ? a->v : 0;
}

/* value == prefix or value starts with "prefix-" */
static bool prefix_matches(const char *value, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(value, prefix, n) && (value[n] == '\0' || value[n] == '-');
}

static ci_score first_prefix_adjustment(const struct ci_adjust_map *m, const char *value)
{
	for (size_t i = 0; i < m->nr; i++)
		if (prefix_matches(value, m->v[i].key))
			return m->v[i].v;
	return 0;
}

/* One of the job's texts the policy looks up: str(entry.get(key, "")) upstream. */
struct fact {
	const char *s; /* into the job's tree, or buf */
	char buf[40];
	bool ok;       /* false: a value whose str() no policy key can equal (a list, an object,
			* a text with a NUL) */
};

/* What the score depends on. */
struct job_facts {
	bool multi_node, agentic, eval_only;
	struct fact precision, spec_decoding, framework, model_prefix;
};

/* Python's str() of a JSON value (absent: ""). */
static void fact_read(struct fact *f, const struct jnode *n)
{
	f->ok = true;
	f->s = f->buf;
	if (!n) {
		f->buf[0] = '\0';
		return;
	}
	switch (n->type) {
	case JT_STR:
		f->s = n->s;
		f->ok = !memchr(n->s, '\0', n->len);
		break;
	case JT_NUM:
		if (n->is_int) /* an integer of more digits than buf holds matches no key anyway */
			snprintf(f->buf, sizeof(f->buf), "%s", strcmp(n->s, "-0") ? n->s : "0");
		else if (isnan(n->num))
			snprintf(f->buf, sizeof(f->buf), "nan");
		else if (isinf(n->num))
			snprintf(f->buf, sizeof(f->buf), "%s", n->num < 0 ? "-inf" : "inf");
		else
			fmt_double_py(f->buf, n->num);
		break;
	case JT_BOOL:
		snprintf(f->buf, sizeof(f->buf), "%s", n->b ? "True" : "False");
		break;
	case JT_NULL:
		snprintf(f->buf, sizeof(f->buf), "None");
		break;
	default:
		f->ok = false;
		f->buf[0] = '\0';
	}
}

static void job_facts_read(struct job_facts *f, const struct jnode *job)
{
	const struct jnode *prefill = jobj_get(job, "prefill");
	const struct jnode *scenario = jobj_get(job, "scenario-type");
	const struct jnode *eval_only = jobj_get(job, "eval-only");
	f->multi_node = prefill && prefill->type != JT_NULL;
	f->agentic = scenario && scenario->type == JT_STR && scenario->len == 14 &&
		     !memcmp(scenario->s, "agentic-coding", 14);
	f->eval_only = eval_only && eval_only->type == JT_BOOL && eval_only->b;
	fact_read(&f->precision, jobj_get(job, "precision"));
	fact_read(&f->spec_decoding, jobj_get(job, "spec-decoding"));
	fact_read(&f->framework, jobj_get(job, "framework"));
	fact_read(&f->model_prefix, jobj_get(job, "model-prefix"));
}

static void fact_clear(struct fact *f)
{
	f->buf[0] = '\0';
	f->s = f->buf;
	f->ok = true;
}

static bool has_criterion(const struct ci_context *c, const char *name)
{
	return in_list(name, c->criteria, c->criteria_nr);
}

static bool any_prefix_criterion(const struct ci_adjust_map *m, const struct ci_context *c,
				 const char *value)
{
	for (size_t i = 0; i < m->nr; i++)
		if (has_criterion(c, m->v[i].key) && prefix_matches(value, m->v[i].key))
			return true;
	return false;
}

/* upstream's _entry_from_criteria: the job's facts, kept only where a criterion names them */
static void facts_from_criteria(struct job_facts *f, const struct ci_policy *p,
				const struct ci_context *c)
{
	f->multi_node = f->multi_node && has_criterion(c, "multi-node");
	f->agentic = f->agentic && has_criterion(c, "agentic");
	f->eval_only = f->eval_only && has_criterion(c, "eval-only");
	if (!f->precision.ok || !has_criterion(c, f->precision.s))
		fact_clear(&f->precision);
	if (!f->spec_decoding.ok || !has_criterion(c, f->spec_decoding.s))
		fact_clear(&f->spec_decoding);
	if (!f->framework.ok || !any_prefix_criterion(&p->framework_prefix, c, f->framework.s))
		fact_clear(&f->framework);
	if (!f->model_prefix.ok ||
	    !any_prefix_criterion(&p->model_prefix, c, f->model_prefix.s))
		fact_clear(&f->model_prefix);
}

static ci_score calculate_priority(const struct jnode *job, const struct ci_policy *p,
				   const struct ci_context *c)
{
	bool patchwork = (c->has_criteria && has_criterion(c, "patchwork")) ||
			 lists_meet(c->labels, c->labels_nr, p->patchwork_labels,
				    p->patchwork_labels_nr);
	if (patchwork && !lists_meet(c->labels, c->labels_nr, p->patchwork_waivers,
				     p->patchwork_waivers_nr))
		return p->patchwork_score;

	struct job_facts f;
	job_facts_read(&f, job);
	if (c->has_criteria)
		facts_from_criteria(&f, p, c);
	ci_score s = p->base_score + adjust_get(&p->event, c->event_name);
	if (f.multi_node)
		s += p->multi_node;
	if (f.agentic)
		s += p->agentic;
	if (f.eval_only)
		s += p->eval_only;
	if (f.precision.ok)
		s += adjust_get(&p->precision, f.precision.s);
	if (f.spec_decoding.ok)
		s += adjust_get(&p->spec_decoding, f.spec_decoding.s);
	if (f.framework.ok)
		s += first_prefix_adjustment(&p->framework_prefix, f.framework.s);
	if (f.model_prefix.ok)
		s += adjust_get(&p->model_prefix, f.model_prefix.s);
	if ((c->has_criteria && has_criterion(c, "checklist-complete")) ||
	    lists_meet(c->labels, c->labels_nr, p->checklist_labels, p->checklist_labels_nr))
		s += p->checklist_adjustment;
	return s;
}

void ci_score_format(char out[32], ci_score v)
{
	/* quantize to 0.001, half away from zero (ROUND_HALF_UP); a negative score that
	 * rounds to zero keeps its sign, as Decimal does */
	const ci_score unit = SCORE_SCALE / 1000;
	bool neg = v < 0;
	unsigned long long a = neg ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
	unsigned long long q = a / (unsigned long long)unit;
	if (a % (unsigned long long)unit >= (unsigned long long)unit / 2)
		q++;
	snprintf(out, 32, "%s%llu.%03llu", neg ? "-" : "", q / 1000, q % 1000);
}

static bool is_job(const struct jnode *n)
{
	return jobj_get(n, "runner") && jobj_get(n, "framework");
}

static void queue_token(char out[33], const struct jnode *job, const char *ns,
			const struct buf *path)
{
	struct buf material = BUF_INIT, canonical = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &canonical, JSONW_COMPACT_ASCII);
	jtree_write_sorted(&w, job);
	buf_addf(&material, "%s:%s:", ns, path->s);
	buf_add(&material, canonical.s, canonical.len);
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(material.s, material.len, hex);
	memcpy(out, hex, 32);
	out[32] = '\0';
	buf_release(&material);
	buf_release(&canonical);
}

/* The keys annotate_jobs sets on a job, in the order it sets them: the entry reader's
 * table of CI keys (common/entry_keys), which the executor accepts and ignores. */
enum { ANN_PRIORITY = EKC_PRIORITY, ANN_QUEUE_TOKEN = EKC_QUEUE_TOKEN,
       ANN_SKIP_QUEUE_PR = EKC_SKIP_QUEUE_PR, ANN_NR = EKC_NR };
#define annotation_key(k) (entry_ci_keys[k].name)

struct annotation {
	char priority[32], token[33];
	bool skip_queue;
	long pr_number;
};

static void write_annotation(struct jsonw *w, const struct annotation *a, int which)
{
	if (which == ANN_PRIORITY)
		jsonw_str(w, a->priority);
	else if (which == ANN_QUEUE_TOKEN)
		jsonw_str(w, a->token);
	else
		jsonw_int(w, a->pr_number);
}

static int annotation_of_key(const struct jmember *m, const struct annotation *a)
{
	for (int k = 0; k < ANN_NR; k++)
		if (m->key_len == strlen(annotation_key(k)) &&
		    !memcmp(m->key, annotation_key(k), m->key_len))
			return k == ANN_SKIP_QUEUE_PR && !a->skip_queue ? -1 : k;
	return -1;
}

static void annotate(struct jsonw *w, const struct jnode *n, const struct ci_policy *p,
		     const struct ci_context *c, struct buf *path)
{
	if (n->type == JT_ARR) {
		jsonw_arr_open(w);
		for (size_t i = 0; i < n->nr; i++) {
			size_t old = path->len;
			buf_addf(path, "%s%zu", old ? "/" : "", i);
			annotate(w, &n->items[i], p, c, path);
			buf_setlen(path, old);
		}
		jsonw_arr_close(w);
		return;
	}
	if (n->type != JT_OBJ) {
		jtree_write(w, n);
		return;
	}
	struct annotation a = { .skip_queue = false };
	bool job = is_job(n);
	if (job) {
		ci_score_format(a.priority, calculate_priority(n, p, c));
		queue_token(a.token, n, c->queue_namespace, path);
		a.skip_queue = c->has_pr_number && p->skip_queue_label &&
			       in_list(p->skip_queue_label, c->labels, c->labels_nr);
		a.pr_number = c->pr_number;
	}
	bool written[ANN_NR] = { false };
	jsonw_obj_open(w);
	for (size_t i = 0; i < n->nr; i++) {
		if (!jobj_first_of_key(n, i))
			continue;
		const struct jmember *m = &n->members[i];
		jsonw_key(w, m->key);
		int k = job ? annotation_of_key(m, &a) : -1;
		if (k >= 0) { /* Python's dict assignment replaces the value in place */
			write_annotation(w, &a, k);
			written[k] = true;
			continue;
		}
		size_t old = path->len;
		if (old)
			buf_addch(path, '/');
		buf_add(path, m->key, m->key_len);
		annotate(w, jobj_get(n, m->key), p, c, path);
		buf_setlen(path, old);
	}
	for (int k = 0; job && k < ANN_NR; k++)
		if (!written[k] && (k != ANN_SKIP_QUEUE_PR || a.skip_queue)) {
			jsonw_key(w, annotation_key(k));
			write_annotation(w, &a, k);
		}
	jsonw_obj_close(w);
}

void ci_annotate(struct buf *out, const struct jnode *payload, const struct ci_policy *p,
		 const struct ci_context *c)
{
	struct jsonw w;
	struct buf path = BUF_INIT;
	buf_adds(&path, "");
	jsonw_init(&w, out, JSONW_COMPACT_ASCII);
	annotate(&w, payload, p, c, &path);
	buf_addch(out, '\n');
	buf_release(&path);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ci_check_criteria(const struct ci_policy *p, const struct ci_context *c, struct diags *d)
{
	static const char *const facts[] = { "multi-node", "agentic", "eval-only",
					     "checklist-complete", "patchwork" };
	const struct ci_adjust_map *maps[] = { &p->precision, &p->spec_decoding,
					       &p->framework_prefix, &p->model_prefix };
	if (!c->has_criteria)
		return 0;
	const char **unknown = xcalloc(c->criteria_nr + 1, sizeof(*unknown));
	size_t nr = 0;
	for (size_t i = 0; i < c->criteria_nr; i++) {
		const char *k = c->criteria[i];
		bool known = in_list(k, facts, sizeof(facts) / sizeof(facts[0]));
		for (size_t m = 0; !known && m < sizeof(maps) / sizeof(maps[0]); m++)
			known = adjust_find(maps[m], k) != NULL;
		if (!known)
			unknown[nr++] = k;
	}
	/* as upstream prints sorted(set): sorted, each once */
	qsort(unknown, nr, sizeof(*unknown), str_cmp);
	struct buf list = BUF_INIT;
	for (size_t i = 0; i < nr; i++)
		if (!i || strcmp(unknown[i], unknown[i - 1]))
			buf_addf(&list, "%s'%s'", list.len ? ", " : "", unknown[i]);
	int rc = 0;
	if (nr)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "Unknown CI priority criteria: [%s]", list.s);
	buf_release(&list);
	free(unknown);
	return rc;
}
