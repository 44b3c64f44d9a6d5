/* agentic_chart: see agentic_chart.h. The two charts are rows of a table {file suffix,
 * title, metric paths, axes}; the results are read once into rows, sorted, then each model's
 * rows become each chart's series. */
#include "executor/results/agentic_chart.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "executor/results/agentic_table.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"

struct arow {
	const char *source;      /* borrowed from the result set */
	const struct jnode *doc; /* borrowed from the result set */
	size_t order;            /* reading order */
	const char *prefix, *hw, *framework, *precision, *kv_offloading; /* borrowed */
	long long conc;
};

struct arows {
	struct arow *v;
	size_t nr, alloc;
};

#define F(field) offsetof(struct arow, field)
static const struct { const char *key; size_t off; } string_fields[] = {
	{ "infmax_model_prefix", F(prefix) }, { "hw", F(hw) }, { "framework", F(framework) },
	{ "precision", F(precision) }, { "kv_offloading", F(kv_offloading) },
};
#undef F
#define STRING_FIELDS_NR (sizeof(string_fields) / sizeof(string_fields[0]))

struct achart {
	const char *suffix;   /* the file is {prefix}{suffix}.svg */
	const char *name;     /* in warnings: "left out of the agentic {name} chart" */
	const char *what;     /* the title after the model */
	const char *subtitle; /* XML text */
	const char *x_path;   /* NULL: the concurrency */
	const char *y_path;
	struct chart_axis x, y;
	bool label_points;
};

static const struct achart charts[] = {
	{ "_agentic", "interactivity", "output throughput per GPU vs interactivity",
	  "Interactivity is 1 / p50(E2EL / OSL) over the requests; labels are concurrency; up "
	  "and to the right is better",
	  "request_metrics.latency.e2e_norm_intvty.p50",
	  "request_metrics.throughput.per_gpu.output_tput_tps",
	  { "Interactivity (tok/s/user, E2E-normalised p50)", "tok/s/user", 1 },
	  { "Output throughput per GPU (tok/s/GPU)", "tok/s/GPU", 1 }, true },
	{ "_agentic_ttft", "TTFT", "TTFT p90 vs concurrency",
	  "TTFT p90 over each run's requests; lower is better", NULL,
	  "request_metrics.latency.ttft.p90", { "Concurrency", NULL, 0 },
	  { "TTFT p90 (s)", "s", 3 }, false },
};
#define CHARTS_NR (sizeof(charts) / sizeof(charts[0]))

#define LEGEND_TITLE "Hardware, framework, precision, KV offload"

/* The configuration of one agentic result; false (a warning) when it cannot be charted. */
static bool arow_read(struct arow *r, const struct result_doc *doc, size_t order,
		      struct diags *d)
{
	memset(r, 0, sizeof(*r));
	r->source = doc->source;
	r->doc = doc->root;
	r->order = order;
	for (size_t i = 0; i < STRING_FIELDS_NR; i++) {
		const struct jnode *n = jobj_get(doc->root, string_fields[i].key);
		if (!n || n->type != JT_STR) {
			diags_warnf(d, r->source, n ? n->line : 0, n ? n->col : 0,
				    string_fields[i].key, "%s%s; left out of the agentic charts",
				    n ? "expected a string, found " : "missing key",
				    n ? jtype_describe(n) : "");
			return false;
		}
		*(const char **)((char *)r + string_fields[i].off) = n->s;
	}
	const struct jnode *n = jobj_get(doc->root, "conc");
	if (n && n->type == JT_NUM && n->is_int) {
		errno = 0;
		r->conc = strtoll(n->s, NULL, 10);
		if (!errno)
			return true;
	}
	diags_warnf(d, r->source, n ? n->line : 0, n ? n->col : 0, "conc",
		    "%s%s; left out of the agentic charts",
		    n ? "expected an integer, found " : "missing key",
		    n ? (n->type == JT_NUM ? n->s : jtype_describe(n)) : "");
	return false;
}

static int arow_cmp(const void *pa, const void *pb)
{
	const struct arow *a = pa, *b = pb;
	int c;
	if ((c = strcmp(a->prefix, b->prefix)) || (c = strcmp(a->hw, b->hw)) ||
	    (c = strcmp(a->framework, b->framework)) || (c = strcmp(a->precision, b->precision)) ||
	    (c = strcmp(a->kv_offloading, b->kv_offloading)))
		return c;
	if (a->conc != b->conc)
		return a->conc < b->conc ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The value at path in r's document; false (a warning) when it is no finite number >= 0. */
static bool metric(double *out, const struct arow *r, const char *path, const char *chart,
		   struct diags *d)
{
	const struct jnode *n = agentic_doc_at(r->doc, path);
	if (n && n->type == JT_NUM && isfinite(n->num) && n->num >= 0) {
		*out = n->num;
		return true;
	}
	if (!n)
		diags_warnf(d, r->source, 0, 0, path, "missing key; left out of the agentic %s "
			    "chart", chart);
	else
		diags_warnf(d, r->source, n->line, n->col, path, "expected a finite number >= 0, "
			    "found %s; left out of the agentic %s chart",
			    n->type == JT_NUM ? n->s : jtype_describe(n), chart);
	return false;
}

static void series_of(struct buf *key, struct buf *name, const struct arow *r)
{
	buf_reset(key); /* each field with its length: no two series share a key */
	buf_addf(key, "%zu:%s%zu:%s%zu:%s%zu:%s", strlen(r->hw), r->hw, strlen(r->framework),
		 r->framework, strlen(r->precision), r->precision, strlen(r->kv_offloading),
		 r->kv_offloading);
	buf_reset(name);
	upper(name, r->hw);
	buf_addch(name, ' ');
	upper(name, r->framework);
	buf_addch(name, ' ');
	upper(name, r->precision);
	buf_addf(name, ", KV offload: %s", r->kv_offloading);
}

/* One chart of the model whose rows are rows[0..n), sorted. */
static void render_chart(struct buf *out, const struct achart *c, const struct arow *rows,
			 size_t n, const char *title_prefix, struct diags *d)
{
	struct chart_set set = { 0 };
	struct buf key = BUF_INIT, name = BUF_INIT, title = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		double x = (double)rows[i].conc, y;
		bool ok = !c->x_path || metric(&x, &rows[i], c->x_path, c->name, d);
		if (!metric(&y, &rows[i], c->y_path, c->name, d) || !ok)
			continue;
		series_of(&key, &name, &rows[i]);
		chart_series_add(chart_set_series(&set, key.s, name.s), x, y, rows[i].conc,
				 rows[i].order);
	}
	if (title_prefix && *title_prefix) {
		chart_xml_text(&title, title_prefix);
		buf_adds(&title, ": ");
	}
	chart_xml_text(&title, rows[0].prefix);
	buf_addf(&title, " agentic coding - %s", c->what);
	const struct chart_frame f = { title.s, c->subtitle, LEGEND_TITLE, c->x, c->y,
				       c->label_points };
	chart_render_series(out, &f, &set);
	chart_set_release(&set);
	buf_release(&key);
	buf_release(&name);
	buf_release(&title);
}

void agentic_chart_each(const struct result_set *rs, const char *title_prefix,
			chart_group_fn fn, void *data, struct diags *d)
{
	struct arows rows = { 0 };
	for (size_t i = 0; i < rs->nr; i++) {
		if (!agentic_result_doc(rs->v[i].root))
			continue;
		VEC_GROW(rows.v, rows.nr + 1, rows.alloc);
		if (arow_read(&rows.v[rows.nr], &rs->v[i], i, d))
			rows.nr++;
	}
	if (rows.nr) /* qsort must not get NULL, even for no rows */
		qsort(rows.v, rows.nr, sizeof(*rows.v), arow_cmp);
	struct buf name = BUF_INIT, svg = BUF_INIT;
	for (size_t i = 0, end; i < rows.nr; i = end) {
		for (end = i + 1; end < rows.nr && !strcmp(rows.v[end].prefix, rows.v[i].prefix);)
			end++;
		for (size_t c = 0; c < CHARTS_NR; c++) {
			buf_reset(&name);
			chart_safe_name(&name, rows.v[i].prefix);
			buf_adds(&name, charts[c].suffix);
			buf_reset(&svg);
			render_chart(&svg, &charts[c], &rows.v[i], end - i, title_prefix, d);
			fn(name.s, &svg, data);
		}
	}
	buf_release(&name);
	buf_release(&svg);
	free(rows.v);
}

int agentic_chart_write_all(const char *dir, const struct result_set *rs,
			    const char *title_prefix, struct diags *d)
{
	if (mkdir_p(dir, d))
		return -1;
	struct chart_writer w = { dir, d, 0 };
	agentic_chart_each(rs, title_prefix, chart_write_group, &w, d);
	return w.rc;
}
