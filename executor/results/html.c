/* html: see html.h. The page is built in one buffer and written whole (temp + rename). The
 * timelines and curves are drawn here, in the charts' style (fixed viewBox, generic fonts);
 * their colours are not the charts' palette, so a screenshot tells them apart
 * (tests/browser). */
#include "executor/results/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "common/xalloc.h"
#include "executor/results/agentic_chart.h"
#include "executor/results/agentic_table.h"
#include "executor/results/aggregate.h"
#include "executor/results/chart.h"
#include "executor/results/eval_rows.h"
#include "executor/results/results_util.h"
#include "executor/results/set_read.h"
#include "executor/results/table.h"

#define METRICS_SUFFIX ".server_metrics.json"
#define METRICS_FORMAT "inferencex-server-metrics-1"

#define TTFT_COLOR "#d62728"
#define DECODE_COLOR "#1f77b4"
#define RUNNING_COLOR "#2ca02c"
#define WAITING_COLOR "#9467bd"
#define KV_COLOR "#8c564b"

bool html_want(const char *name)
{
	if (ends_with(name, METRICS_SUFFIX))
		return true;
	/* a raw result: any other JSON of a run that is none of its known files */
	return ends_with(name, ".json") && strcmp(name, "entry.json") && strcmp(name, "meta.json") &&
	       strncmp(name, "agg_", 4) && strncmp(name, "results", 7) &&
	       strncmp(name, "power_validation_", 17);
}

/* Text for HTML content and attribute values alike; control characters (other than tab
 * and newline) become spaces. */
static void html_text(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&#39;"); break;
		default: buf_addch(out, (char)(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c));
		}
	}
}

static const char *const style =
	"body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:24px}h2{font-size:20px;margin-top:32px;border-bottom:1px solid #ccc}"
	"h3{font-size:16px}table{border-collapse:collapse;font-size:13px;margin:8px 0}"
	"th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;white-space:nowrap}"
	"th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"td.pass{color:#1a7f37;font-weight:bold}td.fail{color:#cf222e;font-weight:bold}"
	"figure{margin:16px 0}figcaption{font-size:13px;color:#555;margin-bottom:4px}"
	"svg{max-width:100%;height:auto;border:1px solid #eee}"
	".scroll{overflow-x:auto}";

static bool looks_numeric(const char *s)
{
	char *end;
	if (!*s)
		return false;
	strtod(s, &end);
	return !*end;
}

static void cell(struct buf *out, const char *text, bool have)
{
	const char *cls = !have ? "" : !strcmp(text, "PASS") ? " class=\"pass\""
				: !strcmp(text, "FAIL") ? " class=\"fail\""
				: looks_numeric(text) ? " class=\"num\"" : "";
	buf_addf(out, "<td%s>", cls);
	if (have)
		html_text(out, text);
	buf_adds(out, "</td>");
}

static void table_head(struct buf *out, const char *const *headers, size_t n)
{
	buf_adds(out, "<div class=\"scroll\"><table>\n<tr>");
	for (size_t i = 0; i < n; i++) {
		buf_adds(out, "<th>");
		html_text(out, headers[i]);
		buf_adds(out, "</th>");
	}
	buf_adds(out, "</tr>\n");
}

static void results_tables(struct buf *out, const struct result_rows *rows)
{
	struct buf text = BUF_INIT;
	for (int multi = 0; multi < 2; multi++) {
		const char *headers[AGGREGATE_COLUMNS_MAX];
		size_t nc = aggregate_columns(headers, multi);
		bool any = false;
		for (size_t i = 0; i < rows->nr; i++) {
			const struct result_row *r = &rows->v[i];
			if (r->multinode != (multi == 1))
				continue;
			if (!any) {
				buf_addf(out, "<h3>%s</h3>\n", multi ? "Multi-Node" : "Single-Node");
				table_head(out, headers, nc);
				any = true;
			}
			buf_adds(out, "<tr>");
			for (size_t c = 0; c < nc; c++) {
				bool have = aggregate_cell(&text, r, c);
				cell(out, text.s, have);
			}
			buf_adds(out, "</tr>\n");
		}
		if (any)
			buf_adds(out, "</table></div>\n");
	}
	buf_release(&text);
}

static void eval_tables(struct buf *out, const struct eval_rows *rows)
{
	struct buf text = BUF_INIT;
	for (int multi = 0; multi < 2; multi++) {
		const char *headers[EVAL_COLUMNS_MAX];
		size_t nc = eval_rows_columns(headers, multi);
		bool any = false;
		for (size_t i = 0; i < rows->nr; i++) {
			const struct eval_row *r = &rows->v[i];
			if (r->multinode != (multi == 1))
				continue;
			if (!any) {
				buf_addf(out, "<h3>%s Eval Results</h3>\n",
					 multi ? "Multi-Node" : "Single-Node");
				table_head(out, headers, nc);
				any = true;
			}
			buf_adds(out, "<tr>");
			for (size_t c = 0; c < nc; c++) {
				bool have = eval_rows_cell(&text, r, c);
				cell(out, text.s, have);
			}
			buf_adds(out, "</tr>\n");
		}
		if (any)
			buf_adds(out, "</table></div>\n");
	}
	buf_release(&text);
}

static void add_chart(const char *name, const struct buf *svg, void *data)
{
	struct buf *out = data;
	buf_adds(out, "<figure><figcaption>");
	html_text(out, name);
	buf_adds(out, "</figcaption>\n");
	buf_add(out, svg->s, svg->len);
	buf_adds(out, "</figure>\n");
}

/* ---- the drawings of this page: axes shared by the timeline and the curves ---- */

#define FW 960.0
#define FL 80.0
#define FR 780.0
#define FT 50.0

static void svg_open(struct buf *out, double h, const char *title)
{
	buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
		 "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n"
		 "<text x=\"%.0f\" y=\"28\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">",
		 FW, h, FW, h, FW, h, FL);
	html_text(out, title);
	buf_adds(out, "</text>\n");
}

static void x_axis(struct buf *out, double bottom, double xmax, const char *label)
{
	double top;
	double step = chart_nice_step(xmax > 0 ? xmax : 1, 8, &top);
	buf_addf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
		 FL, bottom, FR, bottom);
	for (double v = 0; v <= top * (1 + 1e-9); v += step) {
		double x = FL + v / top * (FR - FL);
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
			 "fill=\"#444\">%g</text>\n", x, bottom, x, bottom + 5, x, bottom + 18, v);
	}
	buf_addf(out, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
		 "fill=\"#444\">%s</text>\n", (FL + FR) / 2, bottom + 36, label);
}

static void legend(struct buf *out, const char *const *names, const char *const *colors,
		   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double y = FT + 10 + 22 * (double)i;
		buf_addf(out, "<rect x=\"%.0f\" y=\"%.1f\" width=\"24\" height=\"10\" fill=\"%s\"/>"
			 "<text x=\"%.0f\" y=\"%.1f\" font-size=\"13\" fill=\"#222\">%s</text>\n",
			 FR + 20, y - 5, colors[i], FR + 52, y + 4, names[i]);
	}
}

/* ---- per-request timelines ---- */

/* Each request a bar from its start: time to first token, then the rest of its stream
 * (the sum of its inter-token latencies); failed requests (an error text) are not drawn. */
static void timeline(struct buf *out, const char *source, const struct jnode *doc)
{
	const struct jnode *ttfts = jobj_get(doc, "ttfts"), *itls = jobj_get(doc, "itls");
	const struct jnode *errors = jobj_get(doc, "errors");
	if (!ttfts || ttfts->type != JT_ARR || !itls || itls->type != JT_ARR ||
	    itls->nr != ttfts->nr || !ttfts->nr)
		return;
	size_t n = ttfts->nr < HTML_TIMELINE_MAX ? ttfts->nr : HTML_TIMELINE_MAX;
	double *ttft = xcalloc(n, sizeof(*ttft)), *e2el = xcalloc(n, sizeof(*e2el));
	bool *ok = xcalloc(n, sizeof(*ok));
	double xmax = 0;
	size_t failed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct jnode *t = &ttfts->items[i], *l = &itls->items[i];
		const struct jnode *e = errors && errors->type == JT_ARR && i < errors->nr
						? &errors->items[i] : NULL;
		ok[i] = t->type == JT_NUM && isfinite(t->num) && t->num >= 0 && l->type == JT_ARR &&
			!(e && e->type == JT_STR && e->len);
		if (!ok[i]) {
			failed++;
			continue;
		}
		ttft[i] = t->num;
		e2el[i] = t->num;
		for (size_t j = 0; j < l->nr; j++)
			if (l->items[j].type == JT_NUM && isfinite(l->items[j].num))
				e2el[i] += l->items[j].num;
		xmax = fmax(xmax, e2el[i]);
	}
	double plot_h = 420, bar = plot_h / (double)n, bottom = FT + plot_h;
	buf_adds(out, "<figure><figcaption>");
	html_text(out, source);
	buf_addf(out, ": %zu request%s", ttfts->nr, ttfts->nr == 1 ? "" : "s");
	if (n < ttfts->nr)
		buf_addf(out, " (the first %zu shown)", n);
	if (failed)
		buf_addf(out, "; %zu failed, not drawn", failed);
	buf_adds(out, "</figcaption>\n");
	svg_open(out, bottom + 50, "Per-request latency: time to first token, then decode");
	double top;
	chart_nice_step(xmax > 0 ? xmax : 1, 8, &top);
	for (size_t i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		double y = FT + bar * (double)i, h = fmax(bar * 0.8, 0.5);
		double x1 = FL + ttft[i] / top * (FR - FL), x2 = FL + e2el[i] / top * (FR - FL);
		buf_addf(out, "<rect x=\"%.0f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\""
			 TTFT_COLOR "\"/><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			 "fill=\"" DECODE_COLOR "\"><title>request %zu: TTFT %.4f s, E2EL %.4f s"
			 "</title></rect>\n", FL, y, x1 - FL, h, x1, y, x2 - x1, h, i, ttft[i],
			 e2el[i]);
	}
	x_axis(out, bottom, xmax, "seconds since the request was sent");
	buf_addf(out, "<text x=\"20\" y=\"%.0f\" font-size=\"12\" fill=\"#444\" "
		 "transform=\"rotate(-90 20 %.0f)\" text-anchor=\"middle\">request</text>\n",
		 FT + plot_h / 2, FT + plot_h / 2);
	static const char *const names[] = { "time to first token", "decode" };
	static const char *const colors[] = { TTFT_COLOR, DECODE_COLOR };
	legend(out, names, colors, 2);
	buf_adds(out, "</svg></figure>\n");
	free(ttft);
	free(e2el);
	free(ok);
}

/* ---- server-metric curves ---- */

struct curve {
	const char *name, *color;
	const char *const *metrics; /* NULL-terminated: the adapters' names of this figure */
	bool max;                   /* the largest series (KV usage), else the sum */
	double scale;
	double *x, *y;              /* owned */
	size_t nr;
};

static const char *const running_names[] = { "vllm:num_requests_running",
					     "sglang:num_running_reqs", NULL };
static const char *const waiting_names[] = { "vllm:num_requests_waiting",
					     "sglang:num_queue_reqs", NULL };
static const char *const kv_names[] = { "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
					"sglang:token_usage", NULL };

static bool curve_has(const struct curve *c, const char *name)
{
	for (size_t i = 0; c->metrics[i]; i++)
		if (!strcmp(c->metrics[i], name))
			return true;
	return false;
}

/* One scrape's value of curve c: false when the scrape has none of its metrics. */
static bool scrape_value(double *out, const struct curve *c, const struct jnode *samples)
{
	bool any = false;
	double v = 0;
	for (size_t i = 0; i < samples->nr; i++) {
		const struct jnode *s = &samples->items[i];
		if (s->type != JT_ARR || s->nr != 3 || s->items[0].type != JT_STR ||
		    s->items[2].type != JT_NUM || !isfinite(s->items[2].num) ||
		    !curve_has(c, s->items[0].s))
			continue;
		double x = s->items[2].num;
		v = !any ? x : c->max ? fmax(v, x) : v + x;
		any = true;
	}
	*out = v * c->scale;
	return any;
}

static void line_chart(struct buf *out, const char *title, const char *ylabel,
		       struct curve *const *cs, size_t n)
{
	double xmax = 0, ymax = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cs[k]->nr; i++) {
			xmax = fmax(xmax, cs[k]->x[i]);
			ymax = fmax(ymax, cs[k]->y[i]);
		}
	double plot_h = 260, bottom = FT + plot_h, xtop, ytop;
	chart_nice_step(xmax > 0 ? xmax : 1, 8, &xtop);
	double ystep = chart_nice_step(ymax > 0 ? ymax : 1, 5, &ytop);
	svg_open(out, bottom + 50, title);
	for (double v = 0; v <= ytop * (1 + 1e-9); v += ystep) {
		double y = bottom - v / ytop * plot_h;
		buf_addf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
			 "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
			 "fill=\"#444\">%g</text>\n", FL, y, FR, y, FL - 6, y + 4, v);
	}
	buf_addf(out, "<text x=\"20\" y=\"%.0f\" font-size=\"12\" fill=\"#444\" "
		 "transform=\"rotate(-90 20 %.0f)\" text-anchor=\"middle\">%s</text>\n",
		 FT + plot_h / 2, FT + plot_h / 2, ylabel);
	const char *names[3], *colors[3];
	for (size_t k = 0; k < n; k++) {
		names[k] = cs[k]->name;
		colors[k] = cs[k]->color;
		buf_addf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"",
			 cs[k]->color);
		for (size_t i = 0; i < cs[k]->nr; i++)
			buf_addf(out, "%s%.1f,%.1f", i ? " " : "", FL + cs[k]->x[i] / xtop * (FR - FL),
				 bottom - cs[k]->y[i] / ytop * plot_h);
		buf_adds(out, "\"/>\n");
		for (size_t i = 0; i < cs[k]->nr; i++)
			buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
				 FL + cs[k]->x[i] / xtop * (FR - FL),
				 bottom - cs[k]->y[i] / ytop * plot_h, cs[k]->color);
	}
	x_axis(out, bottom, xmax, "seconds since the first scrape");
	legend(out, names, colors, n);
	buf_adds(out, "</svg>\n");
}

static void server_curves(struct buf *out, const struct set_file *f, struct diags *d)
{
	struct diags local = DIAGS_INIT;
	struct jnode *doc = jtree_parse(f->bytes.s, f->bytes.len, f->source, &local);
	diags_release(&local);
	const char *format = doc && doc->type == JT_OBJ ? jobj_str(doc, "format") : NULL;
	const struct jnode *scrapes = format ? jobj_get(doc, "scrapes") : NULL;
	if (!format || strcmp(format, METRICS_FORMAT) || !scrapes || scrapes->type != JT_ARR) {
		diags_warnf(d, f->source, 0, 0, NULL, "not a scrape file of format %s; its curves "
			    "left out of the report", METRICS_FORMAT);
		jtree_free(doc);
		return;
	}
	struct curve running = { "running", RUNNING_COLOR, running_names, false, 1, NULL, NULL, 0 };
	struct curve waiting = { "waiting", WAITING_COLOR, waiting_names, false, 1, NULL, NULL, 0 };
	struct curve kv = { "KV cache", KV_COLOR, kv_names, true, 100, NULL, NULL, 0 };
	struct curve *all[] = { &running, &waiting, &kv };
	double t0 = NAN;
	for (size_t k = 0; k < 3; k++) {
		all[k]->x = xcalloc(scrapes->nr + 1, sizeof(double));
		all[k]->y = xcalloc(scrapes->nr + 1, sizeof(double));
	}
	for (size_t i = 0; i < scrapes->nr; i++) {
		const struct jnode *s = &scrapes->items[i];
		const struct jnode *unix_s = s->type == JT_OBJ ? jobj_get(s, "unix") : NULL;
		const struct jnode *samples = s->type == JT_OBJ ? jobj_get(s, "samples") : NULL;
		if (!unix_s || unix_s->type != JT_NUM || !samples || samples->type != JT_ARR)
			continue; /* a failed scrape: a gap */
		if (isnan(t0))
			t0 = unix_s->num;
		for (size_t k = 0; k < 3; k++) {
			double v;
			if (scrape_value(&v, all[k], samples)) {
				all[k]->x[all[k]->nr] = fmax(unix_s->num - t0, 0);
				all[k]->y[all[k]->nr++] = v;
			}
		}
	}
	if (running.nr || waiting.nr || kv.nr) {
		buf_adds(out, "<figure><figcaption>");
		html_text(out, f->source);
		buf_adds(out, "</figcaption>\n");
		struct curve *reqs[2];
		size_t nr = 0;
		if (running.nr)
			reqs[nr++] = &running;
		if (waiting.nr)
			reqs[nr++] = &waiting;
		if (nr)
			line_chart(out, "Requests on the server", "requests", reqs, nr);
		struct curve *kvs[1] = { &kv };
		if (kv.nr)
			line_chart(out, "KV cache usage", "% of the KV cache", kvs, 1);
		buf_adds(out, "</figure>\n");
	}
	for (size_t k = 0; k < 3; k++) {
		free(all[k]->x);
		free(all[k]->y);
	}
	jtree_free(doc);
}

static void run_sections(struct buf *timelines, struct buf *curves, const struct file_sets *runs,
			 struct diags *d)
{
	for (size_t i = 0; i < runs->nr; i++)
		for (size_t j = 0; j < runs->v[i].nr; j++) {
			const struct set_file *f = &runs->v[i].v[j];
			if (ends_with(f->name, METRICS_SUFFIX)) {
				server_curves(curves, f, d);
				continue;
			}
			/* a raw result without per-request lists draws nothing: not worth a
			 * warning, most are like that */
			struct jnode *doc = jtree_parse(f->bytes.s, f->bytes.len, f->source, NULL);
			if (doc && doc->type == JT_OBJ)
				timeline(timelines, f->source, doc);
			jtree_free(doc);
		}
}

/* The agentic results: the markdown's table (agentic_table.h) and the charts. */
static void agentic_section(struct buf *out, const struct html_input *in, struct diags *d)
{
	struct table t;
	if (agentic_table_fill(&t, in->agentic)) {
		buf_adds(out, "<section id=\"agentic\">\n<h2>Agentic Results</h2>\n<p>");
		html_text(out, AGENTIC_TABLE_NOTE);
		buf_adds(out, "</p>\n");
		table_head(out, t.headers, t.cols);
		for (size_t r = 0; r < t.rows; r++) {
			buf_adds(out, "<tr>");
			for (size_t c = 0; c < t.cols; c++) {
				const char *text = t.cells[r * t.cols + c];
				cell(out, text ? text : "", text != NULL);
			}
			buf_adds(out, "</tr>\n");
		}
		buf_adds(out, "</table></div>\n");
		agentic_chart_each(in->agentic, in->title, add_chart, out, d);
		buf_adds(out, "</section>\n");
	}
	table_release(&t);
}

int html_report_write(const char *dir, const struct html_input *in, struct diags *d)
{
	const char *title = in->title && *in->title ? in->title : "Benchmark results";
	struct buf page = BUF_INIT, charts = BUF_INIT, timelines = BUF_INIT, curves = BUF_INIT;
	chart_each_group(in->rows, in->title, add_chart, &charts);
	run_sections(&timelines, &curves, in->runs, d);
	buf_adds(&page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<title>");
	html_text(&page, title);
	buf_addf(&page, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	html_text(&page, title);
	buf_addf(&page, "</h1>\n<p>%zu result%s, %zu eval result%s.</p>\n", in->rows->nr,
		 in->rows->nr == 1 ? "" : "s", in->evals->nr, in->evals->nr == 1 ? "" : "s");
	if (charts.len)
		buf_addf(&page, "<section id=\"charts\">\n<h2>Throughput per GPU against "
			 "interactivity</h2>\n%s</section>\n", charts.s);
	if (in->rows->nr) {
		buf_adds(&page, "<section id=\"results\">\n<h2>Results</h2>\n");
		results_tables(&page, in->rows);
		buf_adds(&page, "</section>\n");
	}
	if (in->agentic)
		agentic_section(&page, in, d);
	if (in->evals->nr) {
		buf_adds(&page, "<section id=\"evals\">\n<h2>Eval Summary</h2>\n");
		eval_tables(&page, in->evals);
		buf_adds(&page, "</section>\n");
	}
	if (timelines.len)
		buf_addf(&page, "<section id=\"timelines\">\n<h2>Per-request timelines</h2>\n%s"
			 "</section>\n", timelines.s);
	if (curves.len)
		buf_addf(&page, "<section id=\"server-metrics\">\n<h2>Server metrics</h2>\n%s"
			 "</section>\n", curves.s);
	buf_adds(&page, "</body>\n</html>\n");
	int rc = mkdir_p(dir, d);
	if (!rc) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/index.html", dir);
		rc = file_write_atomic(path.s, page.s, page.len, d);
		buf_release(&path);
	}
	buf_release(&page);
	buf_release(&charts);
	buf_release(&timelines);
	buf_release(&curves);
	return rc;
}
