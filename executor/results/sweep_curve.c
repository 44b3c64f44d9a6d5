/* sweep_curve: see sweep_curve.h. */
#include "executor/results/sweep_curve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/chart.h"

bool sweep_curve_is_summary(const struct jnode *doc)
{
	return doc && doc->type == JT_OBJ && jobj_get(doc, "sweep") &&
	       jobj_get(doc, "points");
}

/* Key k of point i: a number (or, when nullable, null -> NAN) into *out. */
static int get_num(double *out, const struct jnode *pt, const char *k, bool nullable,
		   const struct sweep_curve *c, size_t i, struct diags *d)
{
	const struct jnode *n = jobj_get(pt, k);
	if (n && n->type == JT_NUM) {
		*out = n->num;
		return 0;
	}
	if (n && n->type == JT_NULL && nullable) {
		*out = NAN;
		return 0;
	}
	return diags_errorf(d, c->source, n ? n->line : pt->line, n ? n->col : pt->col, NULL,
			    "points[%zu].%s: expected a number%s, found %s", i, k,
			    nullable ? " or null" : "", n ? jtype_describe(n) : "nothing");
}

/* The upper percentile the points carry: the key p{X}_ttft_ms of the first point. */
static char *pct_name_of(const struct jnode *pt)
{
	for (size_t m = 0; pt->type == JT_OBJ && m < pt->nr; m++) {
		const char *k = pt->members[m].key;
		size_t n = strlen(k);
		if (k[0] == 'p' && n > 8 && !strcmp(k + n - 8, "_ttft_ms"))
			return xstrndup(k, n - 8);
	}
	return xstrdup("p99");
}

static int read_point(struct curve_point *p, const struct jnode *pt, struct sweep_curve *c,
		      size_t i, struct diags *d)
{
	if (pt->type != JT_OBJ)
		return diags_errorf(d, c->source, pt->line, pt->col, NULL, "points[%zu]: expected "
				    "an object, found %s", i, jtype_describe(pt));
	p->strategy = jobj_str(pt, "strategy");
	if (!p->strategy)
		return diags_errorf(d, c->source, pt->line, pt->col, NULL, "points[%zu].strategy: "
				    "expected a string", i);
	const struct jnode *rate = jobj_get(pt, "request_rate");
	if (rate && rate->type == JT_STR && !strcmp(rate->s, "inf"))
		p->rate = INFINITY;
	else if (get_num(&p->rate, pt, "request_rate", false, c, i, d))
		return -1;
	const struct jnode *conc = jobj_get(pt, "max_concurrency");
	p->max_concurrency = conc && conc->type == JT_NUM ? (long long)conc->num : 0;
	p->stopped = jobj_str(pt, "stopped");
	char pk[96], ek[96];
	snprintf(pk, sizeof(pk), "%s_ttft_ms", c->pct_name);
	snprintf(ek, sizeof(ek), "%s_e2el_ms", c->pct_name);
	int rc = 0;
	rc |= get_num(&p->throughput, pt, "request_throughput", false, c, i, d);
	rc |= get_num(&p->goodput, pt, "request_goodput", true, c, i, d);
	rc |= get_num(&p->output_tput, pt, "output_throughput", false, c, i, d);
	rc |= get_num(&p->ttft_mean, pt, "mean_ttft_ms", true, c, i, d);
	rc |= get_num(&p->ttft_pct, pt, pk, true, c, i, d);
	rc |= get_num(&p->tpot_mean, pt, "mean_tpot_ms", true, c, i, d);
	rc |= get_num(&p->itl_mean, pt, "mean_itl_ms", true, c, i, d);
	rc |= get_num(&p->e2el_mean, pt, "mean_e2el_ms", true, c, i, d);
	rc |= get_num(&p->e2el_pct, pt, ek, true, c, i, d);
	return rc ? -1 : 0;
}

int sweep_curve_read(struct sweep_curve *out, const struct jnode *doc, const char *source,
		     struct diags *d)
{
	memset(out, 0, sizeof(*out));
	out->source = source;
	const struct jnode *pts = doc->type == JT_OBJ ? jobj_get(doc, "points") : NULL;
	if (!pts || pts->type != JT_ARR)
		return diags_errorf(d, source, doc->line, doc->col, NULL, "points: expected an "
				    "array of sweep points");
	out->model = jobj_str(doc, "model_id");
	out->pct_name = pct_name_of(pts->nr ? &pts->items[0] : doc);
	int rc = 0;
	for (size_t i = 0; i < pts->nr; i++) {
		VEC_GROW(out->v, out->nr + 1, out->alloc);
		struct curve_point *p = &out->v[out->nr++];
		memset(p, 0, sizeof(*p));
		if (read_point(p, &pts->items[i], out, i, d))
			rc = -1;
	}
	return rc;
}

void sweep_curve_release(struct sweep_curve *c)
{
	free(c->pct_name);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void cell(struct buf *out, double v)
{
	if (isfinite(v))
		buf_addf(out, " %.2f |", v);
	else
		buf_adds(out, " - |");
}

void sweep_curve_markdown(struct buf *out, const struct sweep_curve *c)
{
	buf_addf(out, "## Sweep: %s\n\n", c->model ? c->model : c->source);
	buf_addf(out, "| # | Strategy | Rate (req/s) | Conc | Throughput (req/s) | Goodput (req/s) "
		 "| Output (tok/s) | Mean TTFT (ms) | %s TTFT (ms) | Mean TPOT (ms) | Mean ITL (ms) "
		 "| Mean E2EL (ms) | %s E2EL (ms) | Stopped |\n", c->pct_name, c->pct_name);
	buf_adds(out, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < c->nr; i++) {
		const struct curve_point *p = &c->v[i];
		buf_addf(out, "| %zu | %s |", i + 1, p->strategy);
		if (isfinite(p->rate))
			buf_addf(out, " %.2f |", p->rate);
		else
			buf_adds(out, " inf |");
		if (p->max_concurrency)
			buf_addf(out, " %lld |", p->max_concurrency);
		else
			buf_adds(out, " - |");
		const double v[] = { p->throughput, p->goodput, p->output_tput, p->ttft_mean,
				     p->ttft_pct, p->tpot_mean, p->itl_mean, p->e2el_mean,
				     p->e2el_pct };
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			cell(out, v[k]);
		buf_addf(out, " %s |\n", p->stopped ? p->stopped : "");
	}
	buf_addch(out, '\n');
}

int sweep_curve_markdown_json(struct buf *out, const char *json, size_t len, const char *name,
			      struct diags *d)
{
	struct jnode *doc = jtree_parse(json, len, name, d);
	if (!doc)
		return -1;
	struct sweep_curve c;
	int rc = sweep_curve_read(&c, doc, name, d);
	if (!rc)
		sweep_curve_markdown(out, &c);
	sweep_curve_release(&c);
	jtree_free(doc);
	return rc;
}
