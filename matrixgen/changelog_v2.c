/* changelog_v2: see changelog_v2.h. The steps follow process_changelog.py's main() in its
 * order, so that the first error upstream would raise is the one reported here. */
#include "matrixgen/changelog_v2.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/proc.h"
#include "common/scalar.h"
#include "common/sha256.h"
#include "common/strindex.h"
#include "common/vec.h"
#include "common/yamltree.h"
#include "matrixgen/expand_v2.h"
#include "matrixgen/row.h"
#include "matrixgen/select.h"

enum { SCEN_FIXED = 1, SCEN_AGENTIC = 2, SCEN_BOTH = 3 };
static const char *const scenario_names[] = { "fixed-seq-len", "agentic-coding" };

static unsigned entry_scenarios(const struct changelog_entry *e)
{
	if (!e->scenario_types_nr)
		return SCEN_BOTH;
	unsigned m = 0;
	for (size_t i = 0; i < e->scenario_types_nr; i++)
		m |= !strcmp(e->scenario_types[i], scenario_names[0]) ? SCEN_FIXED : SCEN_AGENTIC;
	return m;
}

/* A Python list of str as repr() prints it: ['a', 'b'] */
static void py_str_list(struct buf *out, const char *const *v, size_t nr)
{
	buf_addch(out, '[');
	for (size_t i = 0; i < nr; i++)
		buf_addf(out, "%s'%s'", i ? ", " : "", v[i]);
	buf_addch(out, ']');
}

/* ---- key resolution: get_config_keys_from_master ('*' only, full match) ---- */

static bool star_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat && *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/* The entry's configs as names, in upstream's order, each once. */
static int resolve_keys(struct strvec *out, const struct inputs *in,
			const struct changelog_entry *e, struct diags *d)
{
	struct strindex seen = STRINDEX_INIT;
	int rc = 0;
	for (size_t k = 0; k < e->keys_nr && !rc; k++) {
		const char *key = e->keys[k];
		if (strchr(key, '*')) {
			size_t found = 0;
			for (size_t i = 0; i < in->configs_nr; i++) {
				const char *name = in->configs[i].key;
				if (!star_match(key, name))
					continue;
				found++;
				if (strindex_find(&seen, name, strlen(name)) == STRINDEX_NONE) {
					strindex_add(&seen, name, strlen(name), out->nr);
					VEC_PUSH(out, name);
				}
			}
			if (!found)
				rc = diags_errorf(d, NULL, 0, 0, NULL,
						  "No config keys matched the wildcard pattern '%s' in "
						  "master configs.", key);
		} else if (!inputs_config(in, key)) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "Config key '%s' not found in master configs.", key);
		} else if (strindex_find(&seen, key, strlen(key)) == STRINDEX_NONE) {
			strindex_add(&seen, key, strlen(key), out->nr);
			VEC_PUSH(out, key);
		}
	}
	strindex_release(&seen);
	return rc;
}

/* ---- the generator, as process_changelog runs it (test-config on named configs) ---- */

static int generate(struct rows *out, const struct inputs *in, const struct strvec *names,
		    unsigned scen, bool evals, bool all_evals, struct diags *d)
{
	struct ptrvec chosen = { 0 };
	struct strvec no_seq = { 0 };
	struct longvec no_conc = { 0 };
	int rc = select_test_config_keys(&chosen, in, names, d);
	if (!rc) {
		struct v2_sweep s = { .test_config = true, .seq_lens = &no_seq,
				      .fixed = scen & SCEN_FIXED, .agentic = scen & SCEN_AGENTIC,
				      .conc_only = &no_conc, .node_filter = NULL };
		struct rows m = { 0 };
		for (size_t i = 0; i < chosen.nr; i++)
			expand_v2_config(&m, in, chosen.v[i], &s);
		evals_v2_apply(&m, !evals, evals, all_evals);
		for (size_t i = 0; i < m.nr; i++)
			VEC_PUSH(out, m.v[i]);
		free(m.v);
	}
	free(chosen.v);
	return rc;
}

/* ---- comparing configs as Python compares the loaded YAML ---- */

static bool scalar_number(double *v, const struct ynode *n)
{
	enum scalar_kind k = scalar_classify(n);
	if (k != SC_INT && k != SC_INT_ALT && k != SC_FLOAT)
		return false;
	char tmp[64];
	size_t j = 0;
	for (const char *s = n->str; *s && j + 1 < sizeof(tmp); s++)
		if (*s != '_')
			tmp[j++] = *s;
	tmp[j] = '\0';
	char *end;
	*v = strtod(tmp, &end);
	return !*end;
}

static bool yaml_equal(const struct ynode *a, const struct ynode *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case YNODE_SCALAR: {
		double x, y;
		if (scalar_number(&x, a) && scalar_number(&y, b))
			return x == y;
		return scalar_classify(a) == scalar_classify(b) && a->len == b->len &&
		       !memcmp(a->str, b->str, a->len);
	}
	case YNODE_SEQ:
		if (a->nr != b->nr)
			return false;
		for (size_t i = 0; i < a->nr; i++)
			if (!yaml_equal(a->items[i], b->items[i]))
				return false;
		return true;
	case YNODE_MAP:
		if (a->nr != b->nr)
			return false;
		for (size_t i = 0; i < a->nr; i++)
			if (!yaml_equal(a->pairs[i].value, ynode_get(b, a->pairs[i].key->str)))
				return false;
		return true;
	}
	return false;
}

/* A mapping without one key, compared with another such mapping. */
static bool yaml_equal_except(const struct ynode *a, const struct ynode *b, const char *skip)
{
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->nr; i++) {
		if (!strcmp(a->pairs[i].key->str, skip))
			continue;
		na++;
		if (!yaml_equal(a->pairs[i].value, ynode_get(b, a->pairs[i].key->str)))
			return false;
	}
	for (size_t i = 0; i < b->nr; i++)
		nb += strcmp(b->pairs[i].key->str, skip) != 0;
	return na == nb;
}

static const struct ynode *config_node(const struct inputs *in, const char *key)
{
	const struct config *c = inputs_config(in, key);
	return c ? c->hdr.node : NULL;
}

/* ---- the base revision's inputs (generation_inputs_at_ref) ---- */

static int git_show(struct buf *out, const char *ref, const char *path, struct diags *d)
{
	struct buf spec = BUF_INIT, err = BUF_INIT;
	buf_addf(&spec, "%s:%s%s", ref, path[0] == '/' ? "" : "./", path);
	const char *argv[] = { "git", "show", spec.s, NULL };
	int status = 0;
	int rc = proc_capture(argv, out, &err, &status, d);
	if (!rc && status) {
		while (err.len && (err.s[err.len - 1] == '\n' || err.s[err.len - 1] == '\r'))
			buf_setlen(&err, err.len - 1);
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "append-only base revision is missing generation inputs: git show "
				  "%s failed (exit %d): %s", spec.s, status, err.s);
	}
	buf_release(&spec);
	buf_release(&err);
	return rc;
}

static int load_base_inputs(struct inputs *base, const struct inputs *head, const char *ref,
			    struct diags *d)
{
	struct strvec files = { 0 };
	struct strindex seen = STRINDEX_INIT;
	for (size_t i = 0; i < head->configs_nr; i++) {
		const char *f = head->configs[i].file;
		if (strindex_find(&seen, f, strlen(f)) == STRINDEX_NONE) {
			strindex_add(&seen, f, strlen(f), files.nr);
			VEC_PUSH(&files, f);
		}
	}
	int rc = 0;
	for (size_t i = 0; i < files.nr && !rc; i++) {
		struct buf text = BUF_INIT, name = BUF_INIT;
		buf_addf(&name, "%s:%s", ref, files.v[i]);
		rc = git_show(&text, ref, files.v[i], d);
		if (!rc)
			rc = inputs_load_configs_text(base, name.s, text.s, text.len, d);
		buf_release(&text);
		buf_release(&name);
	}
	if (!rc) {
		struct buf text = BUF_INIT, name = BUF_INIT;
		buf_addf(&name, "%s:%s", ref, head->runner_file);
		rc = git_show(&text, ref, head->runner_file, d);
		if (!rc)
			rc = inputs_load_runners_text(base, name.s, text.s, text.len, d);
		buf_release(&text);
		buf_release(&name);
	}
	if (!rc && base->layout != LAYOUT_V2)
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "append-only: the base revision's master configs are not v2 "
				  "(scenarios)");
	strindex_release(&seen);
	free(files.v);
	return rc;
}

/* ---- validate_append_only_scope ---- */

struct selection {
	struct strvec configs; /* in first-selected order */
	unsigned *scen;        /* per config: the scenarios its entries allow */
	struct strindex index;
};

static void select_add(struct selection *s, const char *key, unsigned scen)
{
	size_t pos = strindex_find(&s->index, key, strlen(key));
	if (pos == STRINDEX_NONE) {
		pos = s->configs.nr;
		strindex_add(&s->index, key, strlen(key), pos);
		VEC_PUSH(&s->configs, key);
		s->scen = xrealloc(s->scen, s->configs.nr * sizeof(*s->scen));
		s->scen[pos] = 0;
	}
	s->scen[pos] |= scen;
}

static int str_sort_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int error_with_list(struct diags *d, const char *msg, struct strvec *v)
{
	qsort(v->v, v->nr, sizeof(*v->v), str_sort_cmp);
	struct buf list = BUF_INIT;
	py_str_list(&list, v->v, v->nr);
	int rc = diags_errorf(d, NULL, 0, 0, NULL, "%s%s", msg, list.s);
	buf_release(&list);
	return rc;
}

static int check_scope(const struct inputs *base, const struct inputs *head,
		       const struct selection *sel, struct diags *d)
{
	struct strvec v = { 0 };
	int rc = 0;
	for (size_t i = 0; i < sel->configs.nr; i++)
		if (!inputs_config(base, sel->configs.v[i]))
			VEC_PUSH(&v, sel->configs.v[i]);
	if (v.nr) {
		rc = error_with_list(d, "append-only requires every selected config to exist in "
					"the base revision; missing: ", &v);
		goto done;
	}
	/* configs outside the selection: unchanged, present in both or in neither */
	const struct inputs *sides[] = { base, head };
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->configs_nr; i++) {
			const char *key = sides[s]->configs[i].key;
			if (strindex_find(&sel->index, key, strlen(key)) != STRINDEX_NONE)
				continue;
			if (s == 1 && inputs_config(base, key))
				continue; /* compared from the base side already */
			if (!yaml_equal(config_node(base, key), config_node(head, key)))
				VEC_PUSH(&v, key);
		}
	if (v.nr) {
		rc = error_with_list(d, "append-only PR changed configs not selected by its "
					"changelog entry: ", &v);
		goto done;
	}
	for (size_t i = 0; i < sel->configs.nr && !rc; i++) {
		const char *key = sel->configs.v[i];
		const struct ynode *b = config_node(base, key), *h = config_node(head, key);
		const struct ynode *bs = ynode_get(b, "scenarios"), *hs = ynode_get(h, "scenarios");
		bool same_keys = (bs ? bs->nr : 0) == (hs ? hs->nr : 0);
		for (size_t k = 0; same_keys && bs && k < bs->nr; k++)
			same_keys = ynode_get(hs, bs->pairs[k].key->str) != NULL;
		if (!same_keys) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "append-only added or removed a scenario in config '%s'", key);
			break;
		}
		bool unselected = false;
		for (size_t k = 0; bs && k < bs->nr; k++)
			for (size_t n = 0; n < 2; n++)
				if (!strcmp(bs->pairs[k].key->str, scenario_names[n]) &&
				    !(sel->scen[i] & (1u << n)))
					unselected = true;
		if (unselected && !yaml_equal_except(b, h, "scenarios")) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "append-only changed config-wide fields that can affect "
					  "scenarios outside its changelog scope: '%s'", key);
			break;
		}
		for (size_t k = 0; bs && k < bs->nr; k++) {
			const char *scen = bs->pairs[k].key->str;
			unsigned bit = !strcmp(scen, scenario_names[0]) ? SCEN_FIXED : SCEN_AGENTIC;
			if (!(sel->scen[i] & bit) &&
			    !yaml_equal(bs->pairs[k].value, ynode_get(hs, scen))) {
				rc = diags_errorf(d, NULL, 0, 0, NULL,
						  "append-only changed a scenario outside its changelog "
						  "scope: '%s' / '%s'", key, scen);
				break;
			}
		}
	}
done:
	free(v.v);
	return rc;
}

/* ---- append_only_delta ---- */

static const char *const curve_skip[] = { "conc", "exp-name", "recipe-fingerprint", NULL };

/* One curve: a recipe without its point-level fields, and its concurrencies. */
struct curve {
	char *key;    /* owned canonical text */
	struct longvec concs;
};

struct curves {
	struct curve *v;
	size_t nr, alloc;
	struct strindex index;
};

static bool has_conc(const struct longvec *v, long c)
{
	for (size_t i = 0; i < v->nr; i++)
		if (v->v[i] == c)
			return true;
	return false;
}

static int concs_of(struct longvec *out, const struct row *r, struct diags *d)
{
	const struct rval *c = row_get(r, "conc");
	if (c && c->kind == RV_INT) {
		VEC_PUSH(out, c->i);
		return 0;
	}
	bool ok = c && c->kind == RV_LIST && c->nr;
	for (size_t i = 0; ok && i < c->nr; i++)
		ok = c->items[i].kind == RV_INT;
	if (!ok)
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "append-only matrix entry has invalid concurrency value");
	for (size_t i = 0; i < c->nr; i++)
		VEC_PUSH(out, c->items[i].i);
	return 0;
}

static size_t curve_of(struct curves *cs, const struct row *r)
{
	struct buf key = BUF_INIT;
	row_canon(&key, r, curve_skip);
	size_t pos = strindex_find(&cs->index, key.s, key.len);
	if (pos != STRINDEX_NONE) {
		buf_release(&key);
		return pos;
	}
	pos = cs->nr;
	struct curve c = { .key = buf_take(&key, NULL) };
	VEC_PUSH(cs, c);
	strindex_add(&cs->index, cs->v[pos].key, strlen(cs->v[pos].key), pos);
	return pos;
}

static void curves_release(struct curves *cs)
{
	for (size_t i = 0; i < cs->nr; i++) {
		free(cs->v[i].key);
		free(cs->v[i].concs.v);
	}
	free(cs->v);
	strindex_release(&cs->index);
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static const char *row_str(const struct row *r, const char *key)
{
	const struct rval *v = row_get(r, key);
	return v && v->kind == RV_STR ? v->s : NULL;
}

/* _matrix_visual_series_key as one text (None and "" kept apart) */
static void visual_series(struct buf *out, const struct row *r)
{
	const char *scenario = row_str(r, "scenario-type");
	bool agentic = scenario && !strcmp(scenario, "agentic-coding");
	const char *keys[] = { "model", "model-prefix", "precision", "framework", "runner" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *s = row_str(r, keys[i]);
		buf_addf(out, "%s%s\x1f", s ? "s" : "n", s ? s : "");
	}
	const struct rval *disagg = row_get(r, "disagg");
	buf_addf(out, "%d\x1f%s\x1f", disagg && disagg->kind == RV_BOOL && disagg->b,
		 agentic ? "agentic_traces" : "single_turn");
	const struct rval *isl = row_get(r, "isl"), *osl = row_get(r, "osl");
	if (agentic || !isl || !osl)
		buf_adds(out, "n\x1fn\x1f");
	else
		buf_addf(out, "%ld\x1f%ld\x1f", isl->i, osl->i);
	const char *off = row_str(r, "kv-offloading");
	buf_addf(out, "%s\x1f", !off || !*off || !strcmp(off, "none") ? "off" : "on");
	const char *spec = row_str(r, "spec-decoding");
	buf_addf(out, "%s\x1f", agentic ? "" : spec ? spec : "none");
	const char *roles[] = { "prefill", "decode" };
	for (size_t i = 0; i < 2; i++) {
		const struct rval *w = row_get(r, roles[i]);
		const char *hw = w && w->kind == RV_OBJ ? row_str(w->obj, "hardware") : NULL;
		buf_addf(out, "%s%s\x1f", hw ? "s" : "n", hw ? hw : "");
	}
}

static int append_only_delta(struct rows *out, const struct rows *base, const struct rows *head,
			     struct diags *d)
{
	struct curves bc = { .index = STRINDEX_INIT }, hc = { .index = STRINDEX_INIT };
	size_t *head_curve = xcalloc(head->nr + 1, sizeof(*head_curve));
	int rc = 0;
	for (size_t i = 0; i < base->nr && !rc; i++) {
		size_t c = curve_of(&bc, &base->v[i]); /* first: it may move bc.v */
		rc = concs_of(&bc.v[c].concs, &base->v[i], d);
	}
	for (size_t i = 0; i < head->nr && !rc; i++) {
		head_curve[i] = curve_of(&hc, &head->v[i]);
		rc = concs_of(&hc.v[head_curve[i]].concs, &head->v[i], d);
	}
	if (rc)
		goto done;
	if (!bc.nr) {
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "append-only requires an existing curve in the base revision");
		goto done;
	}
	size_t *in_head = xcalloc(bc.nr, sizeof(*in_head));
	for (size_t i = 0; i < bc.nr; i++) {
		in_head[i] = strindex_find(&hc.index, bc.v[i].key, strlen(bc.v[i].key));
		if (in_head[i] == STRINDEX_NONE)
			rc = -1;
	}
	if (rc) {
		free(in_head);
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "append-only may not remove or modify existing generated recipes");
		goto done;
	}
	for (size_t i = 0; i < bc.nr && !rc; i++) {
		struct longvec removed = { 0 };
		for (size_t k = 0; k < bc.v[i].concs.nr; k++) {
			long c = bc.v[i].concs.v[k];
			if (!has_conc(&hc.v[in_head[i]].concs, c) && !has_conc(&removed, c))
				VEC_PUSH(&removed, c);
		}
		if (removed.nr) {
			qsort(removed.v, removed.nr, sizeof(*removed.v), long_cmp);
			struct buf list = BUF_INIT;
			for (size_t k = 0; k < removed.nr; k++)
				buf_addf(&list, "%s%ld", k ? ", " : "", removed.v[k]);
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "append-only may not remove existing concurrency points: [%s]",
					  list.s);
			buf_release(&list);
		}
		free(removed.v);
	}
	free(in_head);
	if (rc)
		goto done;
	/* per head curve: the points the base lacks, each emitted once, in source order */
	struct longvec *emitted = xcalloc(hc.nr + 1, sizeof(*emitted));
	for (size_t i = 0; i < head->nr; i++) {
		const struct curve *h = &hc.v[head_curve[i]];
		size_t b = strindex_find(&bc.index, h->key, strlen(h->key));
		const struct longvec *base_concs = b == STRINDEX_NONE ? NULL : &bc.v[b].concs;
		struct longvec *done_concs = &emitted[head_curve[i]];
		const struct rval *c = row_get(&head->v[i], "conc");
		struct longvec added = { 0 };
		size_t n = c->kind == RV_INT ? 1 : c->nr;
		for (size_t k = 0; k < n; k++) {
			long v = c->kind == RV_INT ? c->i : c->items[k].i;
			if ((!base_concs || !has_conc(base_concs, v)) && !has_conc(done_concs, v)) {
				VEC_PUSH(&added, v);
				VEC_PUSH(done_concs, v);
			}
		}
		if (added.nr) {
			struct row copy = { 0 };
			row_copy(&copy, &head->v[i]);
			if (c->kind != RV_INT)
				row_set(&copy, "conc", rval_ints(added.v, added.nr));
			VEC_PUSH(out, copy);
		}
		free(added.v);
	}
	for (size_t i = 0; i < hc.nr; i++)
		free(emitted[i].v);
	free(emitted);
	if (!out->nr) {
		rc = diags_errorf(d, NULL, 0, 0, NULL, "append-only did not add any generated points");
		goto done;
	}
	/* every addition belongs to a curve the base has, with one unchanged image */
	struct strindex series = STRINDEX_INIT;
	struct buf *keys = xcalloc(base->nr + 1, sizeof(*keys));
	struct strvec *images = xcalloc(base->nr + 1, sizeof(*images));
	size_t series_nr = 0;
	for (size_t i = 0; i < base->nr; i++) {
		visual_series(&keys[i], &base->v[i]);
		size_t pos = strindex_add(&series, keys[i].s, keys[i].len, series_nr);
		if (pos == series_nr)
			series_nr++;
		const char *img = row_str(&base->v[i], "image");
		bool have = false;
		for (size_t k = 0; k < images[pos].nr; k++)
			have |= (img && images[pos].v[k] && !strcmp(images[pos].v[k], img)) ||
				(!img && !images[pos].v[k]);
		if (!have)
			VEC_PUSH(&images[pos], img);
	}
	for (size_t i = 0; i < out->nr && !rc; i++) {
		struct buf k = BUF_INIT;
		visual_series(&k, &out->v[i]);
		size_t pos = strindex_find(&series, k.s, k.len);
		const char *img = row_str(&out->v[i], "image");
		if (!img || pos == STRINDEX_NONE || images[pos].nr != 1 || !images[pos].v[0] ||
		    strcmp(images[pos].v[0], img))
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "append-only additions must belong to an existing visual "
					  "curve with one unchanged non-null image");
		buf_release(&k);
	}
	for (size_t i = 0; i < base->nr; i++) {
		buf_release(&keys[i]);
		free(images[i].v);
	}
	free(keys);
	free(images);
	strindex_release(&series);
done:
	free(head_curve);
	curves_release(&bc);
	curves_release(&hc);
	return rc;
}

/* ---- trim_conc ---- */

static const char *const trim_skip[] = { "conc", "exp-name", NULL };

static void trim_conc(struct rows *m)
{
	struct strindex groups = STRINDEX_INIT;
	struct buf *keys = xcalloc(m->nr + 1, sizeof(*keys));
	size_t *keep = xcalloc(m->nr + 1, sizeof(*keep)); /* per group: the kept row */
	size_t *group = xcalloc(m->nr + 1, sizeof(*group));
	for (size_t i = 0; i < m->nr; i++) {
		struct row *r = &m->v[i];
		const struct rval *prefill = row_get(r, "prefill");
		if (prefill) { /* multinode: [min(conc)] */
			group[i] = STRINDEX_NONE;
			struct rval *c = row_get(r, "conc");
			if (c && c->kind == RV_LIST && c->nr > 1) {
				long lo = c->items[0].i;
				for (size_t k = 1; k < c->nr; k++)
					if (c->items[k].i < lo)
						lo = c->items[k].i;
				row_set(r, "conc", rval_ints(&lo, 1));
			}
			continue;
		}
		row_canon(&keys[i], r, trim_skip);
		size_t g = strindex_add(&groups, keys[i].s, keys[i].len, i);
		group[i] = g;
		/* min() keeps the first of equal values */
		if (g != i && row_get(r, "conc")->i < row_get(&m->v[keep[g]], "conc")->i)
			keep[g] = i;
		else if (g == i)
			keep[i] = i;
	}
	strindex_release(&groups); /* it borrows the keys */
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++) {
		buf_release(&keys[i]);
		if (group[i] == STRINDEX_NONE || keep[group[i]] == i)
			m->v[n++] = m->v[i];
		else
			row_release(&m->v[i]);
	}
	m->nr = n;
	free(keys);
	free(keep);
	free(group);
}

/* ---- the output: upstream's pydantic models dumped with exclude_none ---- */

enum mdefault { MD_NONE, MD_FALSE, MD_EMPTY_LIST };

struct model;
struct mfield {
	const char *key;
	enum mdefault def;          /* written when the row lacks the key */
	const struct model *sub;    /* an object value is written in this model's order */
};
struct model {
	const char *name;
	const struct mfield *f;
	size_t nr;
};

#define MODEL(name, rows) { name, rows, sizeof(rows) / sizeof(rows[0]) }

static const struct mfield component_fields[] = { { "name", MD_NONE, NULL },
						  { "version", MD_NONE, NULL } };
static const struct model component_model = MODEL("ComponentMetadata", component_fields);
static const struct model backend_model = MODEL("KVOffloadBackendMetadata", component_fields);

static const struct mfield worker_fields[] = {
	{ "num-worker", MD_NONE, NULL }, { "tp", MD_NONE, NULL }, { "pp", MD_NONE, NULL },
	{ "dcp-size", MD_NONE, NULL }, { "pcp-size", MD_NONE, NULL }, { "ep", MD_NONE, NULL },
	{ "dp-attn", MD_NONE, NULL }, { "hardware", MD_NONE, NULL },
	{ "additional-settings", MD_EMPTY_LIST, NULL },
};
static const struct model worker_model = MODEL("WorkerConfig", worker_fields);

#define F(k) { k, MD_NONE, NULL }
static const struct mfield single_fields[] = {
	F("image"), F("model"), F("model-prefix"), F("precision"), F("framework"),
	F("spec-decoding"), F("runner"), F("isl"), F("osl"), F("tp"), F("pp"), F("dcp-size"),
	F("pcp-size"), F("ep"), F("dp-attn"), F("conc"), F("max-model-len"), F("exp-name"),
	F("disagg"), F("run-eval"), { "eval-only", MD_FALSE, NULL },
	{ "router", MD_NONE, &component_model }, F("recipe-fingerprint"),
};
static const struct mfield multi_fields[] = {
	F("image"), F("model"), F("model-prefix"), F("precision"), F("framework"),
	F("spec-decoding"), F("runner"), F("isl"), F("osl"),
	{ "prefill", MD_NONE, &worker_model }, { "decode", MD_NONE, &worker_model },
	F("conc"), F("max-model-len"), F("exp-name"), F("disagg"), F("run-eval"),
	{ "eval-only", MD_FALSE, NULL }, F("eval-conc"), { "eval-all-concs", MD_FALSE, NULL },
	{ "router", MD_NONE, &component_model }, F("kv-p2p-transfer"), F("recipe-fingerprint"),
};
static const struct mfield single_agentic_fields[] = {
	F("image"), F("model"), F("model-prefix"), F("precision"), F("framework"), F("runner"),
	F("tp"), F("pp"), F("dcp-size"), F("pcp-size"), F("ep"), F("dp-attn"),
	F("spec-decoding"), F("conc"), F("kv-offloading"),
	{ "kv-offload-backend", MD_NONE, &backend_model },
	{ "router", MD_NONE, &component_model }, F("total-cpu-dram-gb"), F("duration"),
	F("exp-name"), F("scenario-type"), F("run-eval"), F("eval-only"), F("recipe-fingerprint"),
};
static const struct mfield multi_agentic_fields[] = {
	F("image"), F("model"), F("model-prefix"), F("precision"), F("framework"),
	F("spec-decoding"), F("runner"), { "prefill", MD_NONE, &worker_model },
	{ "decode", MD_NONE, &worker_model }, F("conc"), F("kv-offloading"),
	{ "kv-offload-backend", MD_NONE, &backend_model },
	{ "router", MD_NONE, &component_model }, F("kv-p2p-transfer"), F("total-cpu-dram-gb"),
	F("duration"), F("exp-name"), F("disagg"), F("scenario-type"), F("run-eval"),
	F("eval-only"), F("eval-conc"), F("recipe-fingerprint"),
};
#undef F
static const struct model single_model = MODEL("SingleNodeMatrixEntry", single_fields);
static const struct model multi_model = MODEL("MultiNodeMatrixEntry", multi_fields);
static const struct model single_agentic_model =
	MODEL("SingleNodeAgenticMatrixEntry", single_agentic_fields);
static const struct model multi_agentic_model =
	MODEL("MultiNodeAgenticMatrixEntry", multi_agentic_fields);

static bool row_is_agentic(const struct row *r)
{
	const char *s = row_str(r, "scenario-type");
	return s && !strcmp(s, "agentic-coding");
}

static bool row_is_multi(const struct row *r)
{
	return row_get(r, "prefill") != NULL;
}

static const struct model *model_of(const struct row *r)
{
	if (row_is_agentic(r))
		return row_is_multi(r) ? &multi_agentic_model : &single_agentic_model;
	return row_is_multi(r) ? &multi_model : &single_model;
}

static int write_model(struct jsonw *w, const struct row *r, const struct model *m,
		       struct diags *d);

static int write_value(struct jsonw *w, const struct rval *v, const struct model *sub,
		       struct diags *d)
{
	switch (v->kind) {
	case RV_INT:
		jsonw_int(w, v->i);
		return 0;
	case RV_BOOL:
		jsonw_bool(w, v->b);
		return 0;
	case RV_STR:
		jsonw_str(w, v->s);
		return 0;
	case RV_LIST: {
		int rc = 0;
		jsonw_arr_open(w);
		for (size_t i = 0; i < v->nr; i++)
			rc |= write_value(w, &v->items[i], NULL, d);
		jsonw_arr_close(w);
		return rc;
	}
	case RV_OBJ:
		if (sub)
			return write_model(w, v->obj, sub, d);
		row_write(w, v->obj);
		return 0;
	}
	return 0;
}

static int write_model(struct jsonw *w, const struct row *r, const struct model *m,
		       struct diags *d)
{
	/* extra="forbid": a key the model lacks would fail upstream's validation */
	for (size_t i = 0; i < r->nr; i++) {
		size_t k = 0;
		while (k < m->nr && strcmp(m->f[k].key, r->v[i].key))
			k++;
		if (k == m->nr)
			return diags_errorf(d, NULL, 0, 0, NULL,
					    "internal error: a generated row has '%s', which %s "
					    "does not allow", r->v[i].key, m->name);
	}
	int rc = 0;
	jsonw_obj_open(w);
	for (size_t k = 0; k < m->nr; k++) {
		const struct rval *v = row_get(r, m->f[k].key);
		if (v) {
			jsonw_key(w, m->f[k].key);
			rc |= write_value(w, v, m->f[k].sub, d);
		} else if (m->f[k].def == MD_FALSE) {
			jsonw_key(w, m->f[k].key);
			jsonw_bool(w, false);
		} else if (m->f[k].def == MD_EMPTY_LIST) {
			jsonw_key(w, m->f[k].key);
			jsonw_arr_open(w);
			jsonw_arr_close(w);
		}
	}
	jsonw_obj_close(w);
	return rc;
}

static void seq_len_name(char *out, size_t size, const struct row *r)
{
	long isl = row_get(r, "isl")->i, osl = row_get(r, "osl")->i;
	if (isl == 1024 && osl == 1024)
		snprintf(out, size, "1k1k");
	else if (isl == 8192 && osl == 1024)
		snprintf(out, size, "8k1k");
	else
		snprintf(out, size, "%ld_%ld", isl, osl);
}

/* single_node / multi_node: {group: [rows]}, groups in order of first appearance */
static int write_groups(struct jsonw *w, const struct rows *m, const char **group, bool multi,
			struct diags *d)
{
	int rc = 0;
	jsonw_obj_open(w);
	for (size_t i = 0; i < m->nr; i++) {
		if (row_is_multi(&m->v[i]) != multi)
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = row_is_multi(&m->v[k]) == multi && !strcmp(group[k], group[i]);
		if (seen)
			continue;
		jsonw_key(w, group[i]);
		jsonw_arr_open(w);
		for (size_t k = i; k < m->nr; k++)
			if (row_is_multi(&m->v[k]) == multi && !strcmp(group[k], group[i]))
				rc |= write_model(w, &m->v[k], model_of(&m->v[k]), d);
		jsonw_arr_close(w);
	}
	jsonw_obj_close(w);
	return rc;
}

static int write_eval_bucket(struct jsonw *w, const char *name, const struct rows *evals,
			     bool multi, bool agentic, struct diags *d)
{
	int rc = 0;
	jsonw_key(w, name);
	jsonw_arr_open(w);
	for (size_t i = 0; i < evals->nr; i++)
		if (row_is_multi(&evals->v[i]) == multi && row_is_agentic(&evals->v[i]) == agentic)
			rc |= write_model(w, &evals->v[i], model_of(&evals->v[i]), d);
	jsonw_arr_close(w);
	return rc;
}

static void write_str_array(struct jsonw *w, const char *const *v, size_t nr)
{
	jsonw_arr_open(w);
	for (size_t i = 0; i < nr; i++)
		jsonw_str(w, v[i]);
	jsonw_arr_close(w);
}

static void write_metadata(struct jsonw *w, const struct inputs *in,
			   const struct changelog_v2_opts *o)
{
	jsonw_key(w, "changelog_metadata");
	jsonw_obj_open(w);
	jsonw_key(w, "base_ref");
	jsonw_str(w, o->base_ref);
	jsonw_key(w, "head_ref");
	jsonw_str(w, o->head_ref);
	jsonw_key(w, "entries");
	jsonw_arr_open(w);
	for (size_t i = 0; i < in->changelog_nr; i++) {
		const struct changelog_entry *e = &in->changelog[i];
		jsonw_obj_open(w);
		jsonw_key(w, "config-keys");
		write_str_array(w, e->keys, e->keys_nr);
		jsonw_key(w, "description");
		write_str_array(w, e->description, e->description_nr);
		jsonw_key(w, "pr-link");
		jsonw_str(w, e->pr_link);
		jsonw_key(w, "evals-only");
		jsonw_bool(w, e->evals_only);
		jsonw_key(w, "all-evals");
		jsonw_bool(w, e->all_evals);
		jsonw_key(w, "append-only");
		jsonw_bool(w, e->append_only);
		if (e->eval_min_prefill_ep) {
			jsonw_key(w, "eval-min-prefill-ep");
			jsonw_int(w, e->eval_min_prefill_ep);
		}
		if (e->scenario_types_nr) {
			jsonw_key(w, "scenario-type");
			write_str_array(w, e->scenario_types, e->scenario_types_nr);
		}
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* ---- main flow ---- */

/* Which scenarios of each config are taken already (benchmark_scenarios_seen). */
struct seen_scenarios {
	struct strindex index;
	unsigned *mask;
	size_t nr;
};

static unsigned *seen_slot(struct seen_scenarios *s, const char *key)
{
	size_t pos = strindex_find(&s->index, key, strlen(key));
	if (pos == STRINDEX_NONE) {
		pos = s->nr++;
		strindex_add(&s->index, key, strlen(key), pos);
		s->mask = xrealloc(s->mask, s->nr * sizeof(*s->mask));
		s->mask[pos] = 0;
	}
	return &s->mask[pos];
}

/* The configs of one entry grouped by the scenarios still unseen for each, groups in
 * order of first appearance (upstream's defaultdict keyed by the scenario tuple). */
struct scen_group {
	unsigned mask;
	struct strvec names;
};

static size_t group_unseen(struct scen_group groups[3], const struct strvec *configs,
			   unsigned scen, struct seen_scenarios *seen)
{
	size_t nr = 0;
	for (size_t i = 0; i < configs->nr; i++) {
		unsigned *mask = seen_slot(seen, configs->v[i]);
		unsigned unseen = scen & ~*mask;
		if (!unseen)
			continue;
		*mask |= unseen;
		size_t g = 0;
		while (g < nr && groups[g].mask != unseen)
			g++;
		if (g == nr)
			groups[nr++] = (struct scen_group){ .mask = unseen };
		VEC_PUSH(&groups[g].names, configs->v[i]);
	}
	return nr;
}

static void filter_prefill_ep(struct rows *m, size_t from, long min_ep)
{
	if (!min_ep)
		return;
	size_t n = from;
	for (size_t i = from; i < m->nr; i++) {
		const struct rval *p = row_get(&m->v[i], "prefill");
		const struct rval *ep = p && p->kind == RV_OBJ ? row_get(p->obj, "ep") : NULL;
		long v = ep && ep->kind == RV_INT ? ep->i : 1;
		if (p && p->kind == RV_OBJ && v < min_ep)
			row_release(&m->v[i]);
		else
			m->v[n++] = m->v[i];
	}
	m->nr = n;
}

static const char *const fingerprint_skip[] = { "conc", "exp-name", "recipe-fingerprint",
						NULL };

static void add_fingerprint(struct row *r)
{
	struct buf canon = BUF_INIT;
	row_canon_ascii(&canon, r, fingerprint_skip);
	char *hex = xmalloc(SHA256_HEX_LEN + 1);
	sha256_hex(canon.s, canon.len, hex);
	row_set(r, "recipe-fingerprint", rval_own(hex));
	buf_release(&canon);
}

static int write_output(struct buf *out, const struct inputs *in, struct rows *bench,
			const struct rows *evals, const struct changelog_v2_opts *o,
			struct diags *d)
{
	const char **group = xcalloc(bench->nr + 1, sizeof(*group));
	char (*names)[48] = xcalloc(bench->nr + 1, sizeof(*names));
	for (size_t i = 0; i < bench->nr; i++) {
		if (row_is_agentic(&bench->v[i]))
			snprintf(names[i], sizeof(names[i]), "agentic");
		else
			seq_len_name(names[i], sizeof(names[i]), &bench->v[i]);
		group[i] = names[i];
	}
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	int rc = 0;
	jsonw_obj_open(&w);
	jsonw_key(&w, "single_node");
	rc |= write_groups(&w, bench, group, false, d);
	jsonw_key(&w, "multi_node");
	rc |= write_groups(&w, bench, group, true, d);
	rc |= write_eval_bucket(&w, "evals", evals, false, false, d);
	rc |= write_eval_bucket(&w, "agentic_evals", evals, false, true, d);
	rc |= write_eval_bucket(&w, "multinode_evals", evals, true, false, d);
	rc |= write_eval_bucket(&w, "multinode_agentic_evals", evals, true, true, d);
	write_metadata(&w, in, o);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
	free(group);
	free(names);
	return rc;
}

int changelog_v2(struct buf *out, const struct inputs *in, const struct changelog_v2_opts *o,
		 struct diags *d)
{
	const struct changelog_entry *e = in->changelog;
	size_t nr = in->changelog_nr;
	size_t append_only = 0;
	for (size_t i = 0; i < nr; i++)
		append_only += e[i].append_only;
	if (append_only && append_only != nr)
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "append-only entries cannot share a sweep with regular "
				    "changelog entries");
	if (append_only && (o->all_evals || o->evals_only))
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "append-only sweeps cannot use all-evals or evals-only modifiers");

	struct strvec *configs = xcalloc(nr + 1, sizeof(*configs));
	struct inputs base;
	inputs_init(&base);
	struct selection sel = { .index = STRINDEX_INIT };
	struct seen_scenarios bench_seen = { .index = STRINDEX_INIT };
	struct seen_scenarios eval_seen = { .index = STRINDEX_INIT };
	struct rows bench = { 0 }, evals = { 0 };
	size_t *order = xcalloc(nr + 1, sizeof(*order));
	int rc = 0;
	for (size_t i = 0; i < nr && !rc; i++)
		rc = resolve_keys(&configs[i], in, &e[i], d);
	if (!rc && append_only) {
		rc = load_base_inputs(&base, in, o->base_ref, d);
		for (size_t i = 0; i < nr; i++)
			for (size_t k = 0; k < configs[i].nr; k++)
				select_add(&sel, configs[i].v[k], entry_scenarios(&e[i]));
		if (!rc)
			rc = check_scope(&base, in, &sel, d);
	}
	/* all-evals entries first, so their broader eval matrix wins (a stable sort) */
	size_t n = 0;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nr; i++)
			if (e[i].all_evals == (pass == 0))
				order[n++] = i;
	for (size_t oi = 0; oi < nr && !rc; oi++) {
		const struct changelog_entry *ce = &e[order[oi]];
		const struct strvec *names = &configs[order[oi]];
		unsigned scen = entry_scenarios(ce);
		bool expand_all = o->all_evals || ce->all_evals;
		bool suppress = o->evals_only || ce->evals_only || ce->all_evals;
		struct scen_group groups[3];
		memset(groups, 0, sizeof(groups));
		size_t g_nr = 0;
		if (!suppress) {
			g_nr = group_unseen(groups, names, scen, &bench_seen);
			for (size_t g = 0; g < g_nr && !rc; g++) {
				struct rows head = { 0 }, b = { 0 };
				rc = generate(&head, in, &groups[g].names, groups[g].mask, false, false, d);
				if (!rc && ce->append_only) {
					rc = generate(&b, &base, &groups[g].names, groups[g].mask, false,
						      false, d);
					if (!rc) {
						struct rows delta = { 0 };
						rc = append_only_delta(&delta, &b, &head, d);
						rows_release(&head);
						head = delta;
					}
				}
				for (size_t i = 0; i < head.nr && !rc; i++)
					VEC_PUSH(&bench, head.v[i]);
				if (!rc)
					head.nr = 0; /* the rows moved */
				rows_release(&head);
				rows_release(&b);
			}
			for (size_t g = 0; g < g_nr; g++)
				free(groups[g].names.v);
		}
		if (rc || ce->append_only)
			continue;
		memset(groups, 0, sizeof(groups));
		g_nr = group_unseen(groups, names, scen, &eval_seen);
		for (size_t g = 0; g < g_nr && !rc; g++) {
			size_t from = evals.nr;
			rc = generate(&evals, in, &groups[g].names, groups[g].mask, true, expand_all, d);
			if (!rc)
				filter_prefill_ep(&evals, from, ce->eval_min_prefill_ep);
		}
		for (size_t g = 0; g < g_nr; g++)
			free(groups[g].names.v);
	}
	if (!rc) {
		if (o->trim_conc)
			trim_conc(&bench);
		for (size_t i = 0; i < bench.nr; i++)
			add_fingerprint(&bench.v[i]);
		rc = write_output(out, in, &bench, &evals, o, d);
	}
	for (size_t i = 0; i < nr; i++)
		free(configs[i].v);
	free(configs);
	free(order);
	rows_release(&bench);
	rows_release(&evals);
	free(sel.configs.v);
	free(sel.scen);
	strindex_release(&sel.index);
	strindex_release(&bench_seen.index);
	free(bench_seen.mask);
	strindex_release(&eval_seen.index);
	free(eval_seen.mask);
	inputs_release(&base);
	return rc;
}
