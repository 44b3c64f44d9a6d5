/* eval_rows: see eval_rows.h. The reading follows collect_eval_results.py's
 * extract_lm_metrics and build_row; the tables are two column lists over one cell function. */
#include "executor/results/eval_rows.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/core/entry.h"
#include "executor/results/csv.h"
#include "executor/results/results_util.h"
#include "executor/results/set_read.h"
#include "executor/results/table.h"

#define ENTRY_FILE "entry.json"

bool eval_rows_want(const char *name)
{
	return !strcmp(name, ENTRY_FILE) || (!strncmp(name, "results", 7) && ends_with(name, ".json"));
}

static char *lower_dup(const char *s)
{
	char *c = xstrdup(s);
	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

static char *upper_dup(const char *s)
{
	struct buf b = BUF_INIT;
	upper(&b, s);
	return buf_take(&b, NULL);
}

static const char *bool_text(bool b)
{
	return b ? "true" : "false";
}

/* The configuration columns from the run's entry, as upstream's meta_env.json gives them
 * (benchmark_lib.sh _write_lm_eval_meta_json, bridge_disagg_eval_metadata). */
static void row_config(struct eval_row *r, const struct entry *e)
{
	r->multinode = e->multinode;
	r->model_prefix = xstrdup(e->model_prefix);
	r->hw = upper_dup(e->runner);
	r->framework = lower_dup(e->framework);
	r->precision = lower_dup(e->precision);
	r->spec_decoding = xstrdup(e->spec_decoding ? e->spec_decoding : "");
	r->isl = e->isl;
	r->osl = e->osl;
	/* the eval's concurrency: the entry's highest, as run's eval phase sends it */
	r->conc = 1;
	for (size_t i = 0; i < e->conc_nr; i++)
		if (e->conc[i] > r->conc)
			r->conc = e->conc[i];
	if (!e->multinode) {
		r->tp = r->prefill_tp = r->decode_tp = e->tp;
		r->ep = r->prefill_ep = r->decode_ep = e->ep;
		r->prefill_workers = r->decode_workers = 1;
		r->dp_attention = xstrdup(bool_text(e->dp_attn));
		r->prefill_dp = xstrdup(r->dp_attention);
		r->decode_dp = xstrdup(r->dp_attention);
		return;
	}
	r->tp = r->prefill_tp = e->prefill.tp;
	r->ep = r->prefill_ep = e->prefill.ep;
	r->prefill_workers = e->prefill.num_worker;
	r->decode_tp = e->decode.tp;
	r->decode_ep = e->decode.ep;
	r->decode_workers = e->decode.num_worker;
	r->prefill_dp = xstrdup(bool_text(e->prefill.dp_attn));
	r->decode_dp = xstrdup(bool_text(e->decode.dp_attn));
	struct buf b = BUF_INIT;
	if (e->prefill.dp_attn == e->decode.dp_attn)
		buf_adds(&b, r->prefill_dp);
	else
		buf_addf(&b, "prefill=%s,decode=%s", r->prefill_dp, r->decode_dp);
	r->dp_attention = buf_take(&b, NULL);
}

static bool num_at(double *out, const struct jnode *obj, const char *key)
{
	const struct jnode *n = obj && obj->type == JT_OBJ ? jobj_get(obj, key) : NULL;
	if (!n || n->type != JT_NUM)
		return false;
	*out = n->num;
	return true;
}

/* results[task][metric,filter] and its _stderr */
static void filtered(double *v, bool *has_v, double *se, bool *has_se, const struct jnode *res,
		     const char *metric, const char *filter)
{
	struct buf k = BUF_INIT;
	buf_addf(&k, "%s,%s", metric, filter);
	*has_v = num_at(v, res, k.s);
	buf_reset(&k);
	buf_addf(&k, "%s_stderr,%s", metric, filter);
	*has_se = num_at(se, res, k.s);
	buf_release(&k);
}

/* One task of results: the metric from configs.metric_list, the filters from filter_list
 * ("strict"/"resolved" in the name: strict; "flex"/"extract": flexible), no filters: the
 * bare metric. Upstream's filter-less `acc` (accuracy) is read as the strict score. */
static void row_scores(struct eval_row *r, const struct jnode *doc, const char *task,
		       const struct jnode *res)
{
	const struct jnode *configs = jobj_get(doc, "configs");
	const struct jnode *cfg = configs && configs->type == JT_OBJ ? jobj_get(configs, task) : NULL;
	const struct jnode *ml = cfg && cfg->type == JT_OBJ ? jobj_get(cfg, "metric_list") : NULL;
	const struct jnode *fl = cfg && cfg->type == JT_OBJ ? jobj_get(cfg, "filter_list") : NULL;
	const char *metric = "exact_match";
	if (ml && ml->type == JT_ARR && ml->nr && jobj_str(&ml->items[0], "metric"))
		metric = jobj_str(&ml->items[0], "metric");
	if (!fl || fl->type != JT_ARR || !fl->nr) {
		const char *key = jobj_get(res, "acc") ? "acc" : metric;
		struct buf k = BUF_INIT;
		buf_addf(&k, "%s_stderr", key);
		r->has_strict = num_at(&r->strict, res, key);
		r->has_strict_se = num_at(&r->strict_se, res, k.s);
		buf_release(&k);
		return;
	}
	for (size_t i = 0; i < fl->nr; i++) {
		const char *name = jobj_str(&fl->items[i], "name");
		if (!name)
			continue;
		if (strstr(name, "strict") || strstr(name, "resolved"))
			filtered(&r->strict, &r->has_strict, &r->strict_se, &r->has_strict_se, res,
				 metric, name);
		else if (strstr(name, "flex") || strstr(name, "extract"))
			filtered(&r->flex, &r->has_flex, &r->flex_se, &r->has_flex_se, res, metric,
				 name);
	}
}

static void row_threshold(struct eval_row *r, const struct jnode *doc)
{
	const struct jnode *t = jobj_get(doc, "threshold");
	const struct jnode *pass = t && t->type == JT_OBJ ? jobj_get(t, "pass") : NULL;
	const char *task = t && t->type == JT_OBJ ? jobj_str(t, "task") : NULL;
	if (!pass || pass->type != JT_BOOL || !num_at(&r->min_score, t, "min_score") ||
	    (task && strcmp(task, r->task)))
		return;
	r->has_threshold = true;
	r->pass = pass->b;
}

static void read_results(struct eval_rows *out, const struct set_file *f, const struct entry *e,
			 struct diags *d)
{
	struct diags local = DIAGS_INIT;
	struct jnode *doc = jtree_parse(f->bytes.s, f->bytes.len, f->source, &local);
	if (!doc) {
		for (size_t i = 0; i < local.nr; i++)
			diags_warnf(d, local.v[i].file, local.v[i].line, local.v[i].col, NULL,
				    "%s; eval result skipped", local.v[i].msg);
		diags_release(&local);
		return;
	}
	diags_release(&local);
	const struct jnode *results = doc->type == JT_OBJ ? jobj_get(doc, "results") : NULL;
	if (doc->type != JT_OBJ || !jobj_get(doc, "lm_eval_version")) {
		jtree_free(doc); /* another JSON called results*: not lm-eval's, as upstream */
		return;
	}
	if (!results || results->type != JT_OBJ) {
		diags_warnf(d, f->source, doc->line, doc->col, "results",
			    "expected an object of tasks; eval result skipped");
		jtree_free(doc);
		return;
	}
	const struct jnode *nsamples = jobj_get(doc, "n-samples");
	const char *model_name = jobj_str(doc, "model_name");
	for (size_t i = 0; i < results->nr; i++) {
		const struct jmember *m = &results->members[i];
		struct eval_row r;
		memset(&r, 0, sizeof(r));
		r.source = xstrdup(f->source);
		r.task = xstrdup(m->key);
		row_config(&r, e);
		r.model = xstrdup(model_name && *model_name ? model_name : e->model);
		row_scores(&r, doc, m->key, &m->val);
		double n;
		const struct jnode *ns = nsamples && nsamples->type == JT_OBJ
						 ? jobj_get(nsamples, m->key) : NULL;
		if (num_at(&n, ns, "effective"))
			r.n_eff = (long long)n;
		row_threshold(&r, doc);
		r.order = out->nr;
		VEC_PUSH(out, r);
	}
	jtree_free(doc);
}

void eval_rows_read(struct eval_rows *out, const struct file_sets *sets, struct diags *d)
{
	for (size_t i = 0; i < sets->nr; i++) {
		const struct file_set *s = &sets->v[i];
		const struct set_file *ef = file_set_get(s, ENTRY_FILE);
		if (s->nr == (ef ? 1u : 0u))
			continue; /* a run without an eval */
		struct entry e;
		struct diags local = DIAGS_INIT;
		if (!ef) {
			diags_warnf(d, s->source, 0, 0, NULL, "eval results without an %s beside "
				    "them (their configuration); skipped", ENTRY_FILE);
		} else if (entry_parse(&e, ef->bytes.s, ef->bytes.len, ef->source, &local)) {
			for (size_t k = 0; k < local.nr; k++)
				diags_warnf(d, local.v[k].file, local.v[k].line, local.v[k].col,
					    local.v[k].path, "%s; eval results beside it skipped",
					    local.v[k].msg);
		} else {
			for (size_t j = 0; j < s->nr; j++)
				if (&s->v[j] != ef)
					read_results(out, &s->v[j], &e, d);
			entry_release(&e);
		}
		diags_release(&local);
	}
}

static int cmp_ll(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct eval_row *a = pa, *b = pb;
	int c;
	if (a->multinode != b->multinode)
		return a->multinode ? 1 : -1;
	if ((c = strcmp(a->model_prefix, b->model_prefix)) || (c = strcmp(a->hw, b->hw)) ||
	    (c = strcmp(a->framework, b->framework)) || (c = strcmp(a->precision, b->precision)) ||
	    (c = strcmp(a->spec_decoding, b->spec_decoding)) || (c = cmp_ll(a->isl, b->isl)) ||
	    (c = cmp_ll(a->osl, b->osl)))
		return c;
	if (!a->multinode) {
		if ((c = cmp_ll(a->tp, b->tp)) || (c = cmp_ll(a->ep, b->ep)))
			return c;
	} else if ((c = cmp_ll(a->prefill_tp, b->prefill_tp)) ||
		   (c = cmp_ll(a->prefill_ep, b->prefill_ep)) ||
		   (c = cmp_ll(a->prefill_workers, b->prefill_workers)) ||
		   (c = cmp_ll(a->decode_tp, b->decode_tp)) ||
		   (c = cmp_ll(a->decode_ep, b->decode_ep)) ||
		   (c = cmp_ll(a->decode_workers, b->decode_workers))) {
		return c;
	}
	if ((c = cmp_ll(a->conc, b->conc)))
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

void eval_rows_sort(struct eval_rows *rows)
{
	if (rows->nr)
		qsort(rows->v, rows->nr, sizeof(*rows->v), row_cmp);
}

/* The columns of both tables, each once; this order is also the CSV's. */
enum ecol {
	E_PREFIX, E_HW, E_FW, E_PREC, E_SPEC, E_ISL, E_OSL, E_TP, E_EP, E_P_TP, E_P_EP, E_P_DPA,
	E_P_WORKERS, E_D_TP, E_D_EP, E_D_DPA, E_D_WORKERS, E_CONC, E_DPA, E_TASK, E_SCORE,
	E_STRICT, E_FLEX, E_N, E_MODEL, E_MIN, E_PASS, E_NR,
};

static const char *const ecol_headers[E_NR] = {
	[E_PREFIX] = "Model Prefix", [E_HW] = "Hardware", [E_FW] = "Framework",
	[E_PREC] = "Precision", [E_SPEC] = "Spec Decode", [E_ISL] = "ISL", [E_OSL] = "OSL",
	[E_TP] = "TP", [E_EP] = "EP", [E_P_TP] = "Prefill TP", [E_P_EP] = "Prefill EP",
	[E_P_DPA] = "Prefill DP Attn", [E_P_WORKERS] = "Prefill Workers",
	[E_D_TP] = "Decode TP", [E_D_EP] = "Decode EP", [E_D_DPA] = "Decode DP Attn",
	[E_D_WORKERS] = "Decode Workers", [E_CONC] = "Conc", [E_DPA] = "DP Attention",
	[E_TASK] = "Task", [E_SCORE] = "Score", [E_STRICT] = "EM Strict",
	[E_FLEX] = "EM Flexible", [E_N] = "N (eff)", [E_MODEL] = "Model",
	[E_MIN] = "Min Score", [E_PASS] = "Pass",
};

/* upstream's column orders, then ours (Min Score, Pass) */
static const enum ecol single_ecols[] = {
	E_PREFIX, E_HW, E_FW, E_PREC, E_SPEC, E_ISL, E_OSL, E_TP, E_EP, E_CONC, E_DPA,
	E_TASK, E_SCORE, E_STRICT, E_FLEX, E_N, E_MODEL, E_MIN, E_PASS,
};
static const enum ecol multi_ecols[] = {
	E_PREFIX, E_HW, E_FW, E_PREC, E_SPEC, E_ISL, E_OSL, E_P_TP, E_P_EP, E_P_DPA,
	E_P_WORKERS, E_D_TP, E_D_EP, E_D_DPA, E_D_WORKERS, E_CONC, E_TASK, E_SCORE, E_STRICT,
	E_FLEX, E_N, E_MODEL, E_MIN, E_PASS,
};
#define SINGLE_ECOLS_NR (sizeof(single_ecols) / sizeof(single_ecols[0]))
#define MULTI_ECOLS_NR (sizeof(multi_ecols) / sizeof(multi_ecols[0]))

/* upstream's pct() and se(): "85.00%", "N/A"; " ±1.23%", "" */
static void pct_se(struct buf *b, bool has, double v, bool has_se, double se)
{
	if (has)
		buf_addf(b, "%.2f%%", v * 100);
	else
		buf_adds(b, "N/A");
	if (has_se)
		buf_addf(b, " \xc2\xb1%.2f%%", se * 100);
}

/* %.4f without trailing zeros (the CSV's number rule, aggregate.h) */
static void fraction(struct buf *b, double v)
{
	buf_addf(b, "%.4f", v);
	size_t n = b->len;
	while (b->s[n - 1] == '0')
		n--;
	if (b->s[n - 1] == '.')
		n--;
	buf_setlen(b, n);
}

/* The cell of column c; false: missing (NULL in the table, empty in CSV). String and
 * integer columns are found by their field's offset + 1 (0: a column of another kind). */
static bool ecell(struct buf *b, const struct eval_row *r, enum ecol c, bool csv)
{
	static const size_t str_off[E_NR] = {
		[E_PREFIX] = offsetof(struct eval_row, model_prefix) + 1,
		[E_HW] = offsetof(struct eval_row, hw) + 1,
		[E_SPEC] = offsetof(struct eval_row, spec_decoding) + 1,
		[E_P_DPA] = offsetof(struct eval_row, prefill_dp) + 1,
		[E_D_DPA] = offsetof(struct eval_row, decode_dp) + 1,
		[E_DPA] = offsetof(struct eval_row, dp_attention) + 1,
		[E_TASK] = offsetof(struct eval_row, task) + 1,
		[E_MODEL] = offsetof(struct eval_row, model) + 1,
	};
	static const size_t int_off[E_NR] = {
		[E_ISL] = offsetof(struct eval_row, isl) + 1,
		[E_OSL] = offsetof(struct eval_row, osl) + 1,
		[E_TP] = offsetof(struct eval_row, tp) + 1,
		[E_EP] = offsetof(struct eval_row, ep) + 1,
		[E_P_TP] = offsetof(struct eval_row, prefill_tp) + 1,
		[E_P_EP] = offsetof(struct eval_row, prefill_ep) + 1,
		[E_P_WORKERS] = offsetof(struct eval_row, prefill_workers) + 1,
		[E_D_TP] = offsetof(struct eval_row, decode_tp) + 1,
		[E_D_EP] = offsetof(struct eval_row, decode_ep) + 1,
		[E_D_WORKERS] = offsetof(struct eval_row, decode_workers) + 1,
		[E_CONC] = offsetof(struct eval_row, conc) + 1,
	};
	const char *base = (const char *)r;
	buf_reset(b);
	if (str_off[c]) {
		buf_adds(b, *(char *const *)(base + str_off[c] - 1));
		return true;
	}
	if (int_off[c]) {
		buf_addf(b, "%lld", *(const long long *)(base + int_off[c] - 1));
		return true;
	}
	switch (c) {
	case E_FW:
		upper(b, r->framework);
		return true;
	case E_PREC:
		upper(b, r->precision);
		return true;
	case E_SCORE:
	case E_STRICT:
		if (csv && r->has_strict)
			fraction(b, r->strict);
		else if (!csv)
			pct_se(b, r->has_strict, r->strict, r->has_strict_se, r->strict_se);
		return b->len > 0;
	case E_FLEX:
		if (csv && r->has_flex)
			fraction(b, r->flex);
		else if (!csv)
			pct_se(b, r->has_flex, r->flex, r->has_flex_se, r->flex_se);
		return b->len > 0;
	case E_N: /* upstream's `n_eff or ''`: an empty text cell, not a missing one */
		if (r->n_eff)
			buf_addf(b, "%lld", r->n_eff);
		return !csv || r->n_eff;
	case E_MIN:
		if (!r->has_threshold)
			return false;
		if (csv)
			fraction(b, r->min_score);
		else
			buf_addf(b, "%.2f%%", r->min_score * 100);
		return true;
	case E_PASS:
		if (!r->has_threshold)
			return false;
		buf_adds(b, r->pass ? "PASS" : "FAIL");
		return true;
	default:
		return false;
	}
}

static void esection(struct buf *out, const struct eval_rows *rows, bool multinode, bool *first)
{
	const enum ecol *cols = multinode ? multi_ecols : single_ecols;
	size_t nc = multinode ? MULTI_ECOLS_NR : SINGLE_ECOLS_NR;
	const char *headers[E_NR];
	for (size_t i = 0; i < nc; i++)
		headers[i] = ecol_headers[cols[i]];
	struct table t;
	table_init(&t, headers, nc);
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < rows->nr; i++) {
		if (rows->v[i].multinode != multinode)
			continue;
		size_t row = table_row(&t);
		for (size_t c = 0; c < nc; c++)
			table_set(&t, row, c, ecell(&cell, &rows->v[i], cols[c], false) ? cell.s : NULL);
	}
	if (t.rows) {
		buf_addf(out, "%s### %s Eval Results\n\n", *first ? "" : "\n\n",
			 multinode ? "Multi-Node" : "Single-Node");
		table_render(out, &t);
		buf_addch(out, '\n');
		*first = false;
	}
	buf_release(&cell);
	table_release(&t);
}

void eval_rows_markdown(struct buf *out, const struct eval_rows *rows)
{
	if (!rows->nr)
		return;
	bool first = true;
	buf_adds(out, "## Eval Summary\n\n");
	esection(out, rows, false, &first);
	esection(out, rows, true, &first);
}

static void jstr_or_null(struct jsonw *w, const char *key, bool has, double v)
{
	jsonw_key(w, key);
	if (has)
		jsonw_double(w, v);
	else
		jsonw_null(w);
}

static void jint(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

static void jstr(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	jsonw_str(w, v);
}

static void erow_json(struct jsonw *w, const struct eval_row *r)
{
	jsonw_obj_open(w);
	jsonw_key(w, "is_multinode");
	jsonw_bool(w, r->multinode);
	jstr(w, "model_prefix", r->model_prefix);
	jstr(w, "model", r->model);
	jstr(w, "hw", r->hw);
	jstr(w, "framework", r->framework);
	jstr(w, "precision", r->precision);
	jstr(w, "spec_decoding", r->spec_decoding);
	jint(w, "isl", r->isl);
	jint(w, "osl", r->osl);
	jint(w, "tp", r->tp);
	jint(w, "ep", r->ep);
	jint(w, "prefill_tp", r->prefill_tp);
	jint(w, "prefill_ep", r->prefill_ep);
	jint(w, "prefill_num_workers", r->prefill_workers);
	jint(w, "decode_tp", r->decode_tp);
	jint(w, "decode_ep", r->decode_ep);
	jint(w, "decode_num_workers", r->decode_workers);
	jint(w, "conc", r->conc);
	jstr(w, "dp_attention", r->dp_attention);
	jstr(w, "prefill_dp_attention", r->prefill_dp);
	jstr(w, "decode_dp_attention", r->decode_dp);
	jstr(w, "task", r->task);
	jstr_or_null(w, "em_strict", r->has_strict, r->strict);
	jstr_or_null(w, "em_strict_se", r->has_strict_se, r->strict_se);
	jstr_or_null(w, "em_flexible", r->has_flex, r->flex);
	jstr_or_null(w, "em_flexible_se", r->has_flex_se, r->flex_se);
	jsonw_key(w, "n_eff");
	if (r->n_eff)
		jsonw_int(w, r->n_eff);
	else
		jsonw_null(w);
	jstr(w, "source", r->source);
	jstr_or_null(w, "score", r->has_strict, r->strict);
	jsonw_key(w, "score_name");
	if (r->has_strict)
		jsonw_str(w, "em_strict");
	else
		jsonw_null(w);
	jstr_or_null(w, "score_se", r->has_strict && r->has_strict_se, r->strict_se);
	jstr_or_null(w, "min_score", r->has_threshold, r->min_score);
	jsonw_key(w, "pass");
	if (r->has_threshold)
		jsonw_bool(w, r->pass);
	else
		jsonw_null(w);
	jsonw_obj_close(w);
}

void eval_rows_json(struct buf *out, const struct eval_rows *rows)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < rows->nr; i++)
		erow_json(&w, &rows->v[i]);
	jsonw_arr_close(&w);
}

static bool kind_has(bool multinode, enum ecol c)
{
	const enum ecol *cols = multinode ? multi_ecols : single_ecols;
	size_t nc = multinode ? MULTI_ECOLS_NR : SINGLE_ECOLS_NR;
	for (size_t i = 0; i < nc; i++)
		if (cols[i] == c)
			return true;
	return false;
}

void eval_rows_csv(struct buf *out, const struct eval_rows *rows)
{
	const char *fields[E_NR + 1];
	fields[0] = "kind";
	for (size_t c = 0; c < E_NR; c++)
		fields[c + 1] = ecol_headers[c];
	csv_record(out, fields, E_NR + 1);
	struct buf text[E_NR];
	for (size_t c = 0; c < E_NR; c++)
		buf_init(&text[c]);
	for (size_t i = 0; i < rows->nr; i++) {
		const struct eval_row *r = &rows->v[i];
		fields[0] = r->multinode ? "multi-node" : "single-node";
		for (size_t c = 0; c < E_NR; c++) {
			bool ok = kind_has(r->multinode, c) && ecell(&text[c], r, c, true);
			fields[c + 1] = ok ? text[c].s : NULL;
		}
		csv_record(out, fields, E_NR + 1);
	}
	for (size_t c = 0; c < E_NR; c++)
		buf_release(&text[c]);
}

void eval_rows_release(struct eval_rows *rows)
{
	for (size_t i = 0; i < rows->nr; i++) {
		struct eval_row *r = &rows->v[i];
		char **owned[] = { &r->source, &r->model_prefix, &r->model, &r->hw, &r->framework,
				   &r->precision, &r->spec_decoding, &r->dp_attention,
				   &r->prefill_dp, &r->decode_dp, &r->task };
		for (size_t k = 0; k < sizeof(owned) / sizeof(owned[0]); k++)
			free(*owned[k]);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

size_t eval_rows_columns(const char **headers, bool multinode)
{
	const enum ecol *cols = multinode ? multi_ecols : single_ecols;
	size_t nc = multinode ? MULTI_ECOLS_NR : SINGLE_ECOLS_NR;
	for (size_t i = 0; i < nc; i++)
		headers[i] = ecol_headers[cols[i]];
	return nc;
}

bool eval_rows_cell(struct buf *out, const struct eval_row *r, size_t i)
{
	return ecell(out, r, (r->multinode ? multi_ecols : single_ecols)[i], false);
}
