/* chart: see chart.h. Layout in fixed SVG units (viewBox), so the chart scales with the
 * page: plot on the left, legend in a column on the right, so long series names never
 * cover points. Every chart is one function of its input: same input, same bytes. */
#include "executor/results/chart.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/seqlen.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/aggregate.h"
#include "executor/core/entry.h"
#include "executor/results/results_util.h"
#include "executor/results/sweep_curve.h"

#define W 960.0
#define H 600.0
#define PLOT_L 90.0
#define PLOT_T 70.0
#define PLOT_R 700.0 /* the legend starts at PLOT_R + 30 */
#define PLOT_B 520.0
#define LEGEND_TITLE "Hardware, framework, precision"

/* Tableau 10: distinct in print and for the common colour-vision deficiencies. */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
#define PALETTE_NR (sizeof(palette) / sizeof(palette[0]))
/* After ten series the colours repeat with a dash pattern. */
static const char *const dashes[] = { "", "6 3", "2 3", "8 3 2 3" };

void chart_xml_text(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			buf_adds(out, "&amp;");
		else if (c == '<')
			buf_adds(out, "&lt;");
		else if (c == '>')
			buf_adds(out, "&gt;");
		else if (c == '"')
			buf_adds(out, "&quot;");
		else if (c < 0x20)
			buf_addch(out, ' '); /* not allowed in XML 1.0 text */
		else
			buf_addch(out, (char)c);
	}
}

double chart_nice_step(double max, int want, double *top)
{
	if (!(max > 0) || !isfinite(max))
		max = 1;
	double raw = max / want;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag, step;
	if (f <= 1)
		step = 1;
	else if (f <= 2)
		step = 2;
	else if (f <= 2.5)
		step = 2.5;
	else if (f <= 5)
		step = 5;
	else
		step = 10;
	step *= mag;
	*top = ceil(max / step - 1e-9) * step;
	return step;
}

/* Tick label with as many decimals as the step needs; thousands grouped with commas. */
static void tick_label(struct buf *out, double v, double step)
{
	int dec = 0;
	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-9)
		dec++;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%.*f", dec, v);
	const char *dot = strchr(tmp, '.');
	size_t int_len = dot ? (size_t)(dot - tmp) : strlen(tmp);
	for (size_t i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0)
			buf_addch(out, ',');
		buf_addch(out, tmp[i]);
	}
	if (dot)
		buf_adds(out, dot);
}

/* ---- the series chart ---- */

struct chart_series *chart_set_series(struct chart_set *set, const char *key, const char *name)
{
	for (size_t k = 0; k < set->nr; k++)
		if (!strcmp(set->v[k].key, key))
			return &set->v[k];
	VEC_GROW(set->v, set->nr + 1, set->alloc);
	struct chart_series *s = &set->v[set->nr++];
	memset(s, 0, sizeof(*s));
	s->key = xstrdup(key);
	s->name = xstrdup(name);
	return s;
}

void chart_series_add(struct chart_series *s, double x, double y, long long conc, size_t order)
{
	VEC_GROW(s->v, s->nr + 1, s->alloc);
	s->v[s->nr++] = (struct chart_point){ x, y, conc, order };
}

static int point_x_cmp(const void *pa, const void *pb)
{
	const struct chart_point *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->conc != b->conc)
		return a->conc < b->conc ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void chart_set_sort_by_x(struct chart_set *set)
{
	for (size_t k = 0; k < set->nr; k++)
		qsort(set->v[k].v, set->v[k].nr, sizeof(*set->v[k].v), point_x_cmp);
}

void chart_set_release(struct chart_set *set)
{
	for (size_t k = 0; k < set->nr; k++) {
		free(set->v[k].key);
		free(set->v[k].name);
		free(set->v[k].v);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* chart_nice_step gives about 6-8 ticks; the bound keeps an axis whose top overflowed to
 * infinity (a value near DBL_MAX) from drawing ticks until memory runs out. */
#define MAX_TICKS 64

static void axes(struct buf *out, double xtop, double xstep, double ytop, double ystep,
		 const char *xlabel, const char *ylabel)
{
	buf_adds(out, "<g font-size=\"12\" fill=\"#444\">\n");
	int ticks = 0;
	for (double v = 0; v <= xtop * (1 + 1e-9) && ticks++ < MAX_TICKS; v += xstep) {
		double x = PLOT_L + v / xtop * (PLOT_R - PLOT_L);
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n",
			 x, PLOT_T, x, PLOT_B);
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, PLOT_B + 18);
		tick_label(out, v, xstep);
		buf_adds(out, "</text>\n");
	}
	ticks = 0;
	for (double v = 0; v <= ytop * (1 + 1e-9) && ticks++ < MAX_TICKS; v += ystep) {
		double y = PLOT_B - v / ytop * (PLOT_B - PLOT_T);
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n",
			 PLOT_L, y, PLOT_R, y);
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">",
			 PLOT_L - 8, y);
		tick_label(out, v, ystep);
		buf_adds(out, "</text>\n");
	}
	buf_adds(out, "</g>\n");
	buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		 "stroke=\"#888\"/>\n", PLOT_L, PLOT_T, PLOT_R - PLOT_L, PLOT_B - PLOT_T);
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
		 "fill=\"#222\">%s</text>\n", (PLOT_L + PLOT_R) / 2, PLOT_B + 48, xlabel);
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
		 "fill=\"#222\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n", 24.0,
		 (PLOT_T + PLOT_B) / 2, 24.0, (PLOT_T + PLOT_B) / 2, ylabel);
}

static void svg_begin(struct buf *out, double width)
{
	buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n", width, H, width, H);
	buf_addf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, H);
}

static void tooltip_value(struct buf *out, double v, const struct chart_axis *a)
{
	if (a->unit)
		buf_addf(out, "%.*f %s", a->decimals, v, a->unit);
}

static void series_line(struct buf *out, const struct chart_frame *f, const struct chart_series *s,
			size_t k, double xtop, double ytop)
{
	const char *color = palette[k % PALETTE_NR];
	const char *dash = dashes[(k / PALETTE_NR) % (sizeof(dashes) / sizeof(dashes[0]))];
	buf_adds(out, "<g>\n<title>");
	chart_xml_text(out, s->name);
	buf_addf(out, "</title>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s%s%s "
		 "points=\"", color, *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
	for (size_t i = 0; i < s->nr; i++) {
		double x = PLOT_L + s->v[i].x / xtop * (PLOT_R - PLOT_L);
		double y = PLOT_B - s->v[i].y / ytop * (PLOT_B - PLOT_T);
		buf_addf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	buf_adds(out, "\"/>\n");
	for (size_t i = 0; i < s->nr; i++) {
		const struct chart_point *p = &s->v[i];
		double x = PLOT_L + p->x / xtop * (PLOT_R - PLOT_L);
		double y = PLOT_B - p->y / ytop * (PLOT_B - PLOT_T);
		buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" "
			 "stroke=\"#fff\" stroke-width=\"1\"><title>conc %lld: ", x, y, color, p->conc);
		tooltip_value(out, p->x, &f->x);
		buf_adds(out, f->x.unit && f->y.unit ? ", " : "");
		tooltip_value(out, p->y, &f->y);
		buf_adds(out, "</title></circle>\n");
		if (f->label_points)
			buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\" "
				 "stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">%lld</text>\n",
				 x + 6, y - 7, color, p->conc);
	}
	buf_adds(out, "</g>\n");
}

static void legend(struct buf *out, const struct chart_frame *f, const struct chart_set *set)
{
	double lx = PLOT_R + 30, ly = PLOT_T + 6;
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
		 "fill=\"#222\">", lx, ly);
	chart_xml_text(out, f->legend_title);
	buf_adds(out, "</text>\n");
	for (size_t k = 0; k < set->nr; k++) {
		const char *color = palette[k % PALETTE_NR];
		const char *dash = dashes[(k / PALETTE_NR) % (sizeof(dashes) / sizeof(dashes[0]))];
		double y = ly + 24 + 22 * (double)k;
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			 "stroke-width=\"2.5\"%s%s%s/>\n", lx, y, lx + 28, y, color,
			 *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
		buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", lx + 14, y,
			 color);
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#222\" "
			 "dominant-baseline=\"middle\">", lx + 36, y);
		chart_xml_text(out, set->v[k].name);
		buf_addf(out, " (%zu)</text>\n", set->v[k].nr);
	}
}

void chart_render_series(struct buf *out, const struct chart_frame *f,
			 const struct chart_set *set)
{
	double xmax = 0, ymax = 0;
	for (size_t k = 0; k < set->nr; k++)
		for (size_t i = 0; i < set->v[k].nr; i++) {
			xmax = fmax(xmax, set->v[k].v[i].x);
			ymax = fmax(ymax, set->v[k].v[i].y);
		}
	double xtop, ytop;
	double xstep = chart_nice_step(xmax, 8, &xtop), ystep = chart_nice_step(ymax, 6, &ytop);

	/* the legend column is as wide as its longest line (about 0.62 em per character in a
	 * generic sans-serif, 10 more for the point count), so no name is cut off */
	size_t longest = strlen(f->legend_title);
	for (size_t k = 0; k < set->nr; k++)
		if (strlen(set->v[k].name) + 10 > longest)
			longest = strlen(set->v[k].name) + 10;
	double width = fmax(W, PLOT_R + 30 + 36 + 13 * 0.62 * (double)longest + 20);
	svg_begin(out, width);
	buf_addf(out, "<text x=\"%.1f\" y=\"32\" font-size=\"18\" font-weight=\"bold\" "
		 "fill=\"#222\">%s</text>\n", PLOT_L, f->title);
	if (f->subtitle)
		buf_addf(out, "<text x=\"%.1f\" y=\"52\" font-size=\"13\" fill=\"#666\">%s</text>\n",
			 PLOT_L, f->subtitle);
	axes(out, xtop, xstep, ytop, ystep, f->x.label, f->y.label);
	for (size_t k = 0; k < set->nr; k++)
		series_line(out, f, &set->v[k], k, xtop, ytop);
	legend(out, f, set);
	if (!set->nr)
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
			 "fill=\"#666\">no points with both numbers</text>\n", (PLOT_L + PLOT_R) / 2,
			 (PLOT_T + PLOT_B) / 2);
	buf_adds(out, "</svg>\n");
}

/* ---- the throughput-interactivity chart ---- */

static bool plottable(const struct result_row *r)
{
	return r->has[MET_INTVTY] && r->has[MET_TPUT] && isfinite(r->metric[MET_INTVTY]) &&
	       isfinite(r->metric[MET_TPUT]);
}

void chart_render(struct buf *out, const struct result_row *const *rows, size_t n,
		  const char *title_prefix)
{
	struct chart_set set = { 0 };
	struct buf key = BUF_INIT, name = BUF_INIT, title = BUF_INIT, subtitle = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct result_row *r = rows[i];
		if (!plottable(r))
			continue;
		buf_reset(&key); /* each field with its length: no two series share a key */
		buf_addf(&key, "%zu:%s%zu:%s%zu:%s", strlen(r->hw), r->hw, strlen(r->framework),
			 r->framework, strlen(r->precision), r->precision);
		buf_reset(&name);
		upper(&name, r->hw);
		buf_addch(&name, ' ');
		upper(&name, r->framework);
		buf_addch(&name, ' ');
		upper(&name, r->precision);
		chart_series_add(chart_set_series(&set, key.s, name.s), r->metric[MET_INTVTY],
				 r->metric[MET_TPUT], r->conc, r->order);
	}
	chart_set_sort_by_x(&set);
	if (title_prefix && *title_prefix) {
		chart_xml_text(&title, title_prefix);
		buf_adds(&title, ": ");
	}
	if (n) {
		char seq[SEQ_LEN_NAME_MAX];
		seq_len_name(seq, (long)rows[0]->isl, (long)rows[0]->osl);
		chart_xml_text(&title, rows[0]->model_prefix);
		buf_addf(&title, " %s", seq);
		buf_addf(&subtitle, "ISL %lld, OSL %lld; labels are concurrency; up and to the right "
			 "is better", rows[0]->isl, rows[0]->osl);
	}
	buf_adds(&title, " - throughput per GPU vs interactivity");
	const struct chart_frame f = {
		title.s, n ? subtitle.s : NULL, LEGEND_TITLE,
		{ "Interactivity (tok/s/user, median)", "tok/s/user", 1 },
		{ "Throughput per GPU (tok/s/GPU)", "tok/s/GPU", 1 },
		true,
	};
	chart_render_series(out, &f, &set);
	buf_release(&key);
	buf_release(&name);
	buf_release(&title);
	buf_release(&subtitle);
	chart_set_release(&set);
}

void chart_safe_name(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_addch(out, (*s == '/' || (unsigned char)*s < 0x20) ? '_' : *s);
}

void chart_each_group(const struct result_rows *rows, const char *title_prefix,
		      chart_group_fn fn, void *data)
{
	bool *done = xcalloc(rows->nr + 1, sizeof(*done));
	const struct result_row **group = xcalloc(rows->nr + 1, sizeof(*group));
	for (size_t i = 0; i < rows->nr; i++) {
		if (done[i])
			continue;
		const struct result_row *a = &rows->v[i];
		size_t n = 0;
		for (size_t j = i; j < rows->nr; j++) {
			const struct result_row *b = &rows->v[j];
			if (!done[j] && !strcmp(a->model_prefix, b->model_prefix) &&
			    a->isl == b->isl && a->osl == b->osl) {
				done[j] = true;
				group[n++] = b;
			}
		}
		struct buf name = BUF_INIT, svg = BUF_INIT;
		chart_safe_name(&name, a->model_prefix);
		buf_addch(&name, '_');
		char seq[SEQ_LEN_NAME_MAX];
		seq_len_name(seq, (long)a->isl, (long)a->osl);
		buf_adds(&name, seq);
		chart_render(&svg, group, n, title_prefix);
		fn(name.s, &svg, data);
		buf_release(&name);
		buf_release(&svg);
	}
	free(done);
	free(group);
}

void chart_write_group(const char *name, const struct buf *svg, void *data)
{
	struct chart_writer *w = data;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s.svg", w->dir, name);
	if (file_write_atomic(path.s, svg->s, svg->len, w->d))
		w->rc = -1;
	buf_release(&path);
}

int chart_write_all(const char *dir, const struct result_rows *rows, const char *title_prefix,
		    struct diags *d)
{
	if (mkdir_p(dir, d))
		return -1;
	struct chart_writer w = { dir, d, 0 };
	chart_each_group(rows, title_prefix, chart_write_group, &w);
	return w.rc;
}

/* ---- the latency-throughput curve of a rate sweep ---- */

static int curve_cmp(const void *pa, const void *pb)
{
	const struct curve_point *a = *(const struct curve_point *const *)pa;
	const struct curve_point *b = *(const struct curve_point *const *)pb;
	if (a->throughput != b->throughput)
		return a->throughput < b->throughput ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void curve_label(struct buf *out, const struct curve_point *p)
{
	if (!strcmp(p->strategy, "synchronous"))
		buf_adds(out, "sync");
	else if (!strcmp(p->strategy, "throughput"))
		buf_adds(out, "max");
	else if (isfinite(p->rate))
		buf_addf(out, "%.2f/s", p->rate);
	else
		chart_xml_text(out, p->strategy);
	if (p->stopped)
		buf_adds(out, " (stopped)");
}

void chart_render_sweep(struct buf *out, const struct sweep_curve *c, const char *title)
{
	/* the three latencies, each a series over the points in throughput order */
	const struct curve_point **pts = xcalloc(c->nr + 1, sizeof(*pts));
	size_t n = 0;
	for (size_t i = 0; i < c->nr; i++)
		if (isfinite(c->v[i].throughput))
			pts[n++] = &c->v[i];
	qsort(pts, n, sizeof(*pts), curve_cmp);
	const size_t offs[] = { offsetof(struct curve_point, ttft_mean),
				offsetof(struct curve_point, ttft_pct),
				offsetof(struct curve_point, e2el_mean) };
	char names[3][48];
	snprintf(names[0], sizeof(names[0]), "TTFT, mean");
	snprintf(names[1], sizeof(names[1]), "TTFT, %s", c->pct_name);
	snprintf(names[2], sizeof(names[2]), "E2E latency, mean");
	double xmax = 0, ymax = 0;
	for (size_t i = 0; i < n; i++) {
		xmax = fmax(xmax, pts[i]->throughput);
		for (size_t k = 0; k < 3; k++) {
			double v = *(const double *)((const char *)pts[i] + offs[k]);
			if (isfinite(v))
				ymax = fmax(ymax, v);
		}
	}
	double xtop, ytop;
	double xstep = chart_nice_step(xmax, 8, &xtop), ystep = chart_nice_step(ymax, 6, &ytop);
	svg_begin(out, W);
	buf_addf(out, "<text x=\"%.1f\" y=\"32\" font-size=\"18\" font-weight=\"bold\" "
		 "fill=\"#222\">", PLOT_L);
	if (title && *title) {
		chart_xml_text(out, title);
		buf_adds(out, ": ");
	}
	chart_xml_text(out, c->model ? c->model : c->source);
	buf_adds(out, " - latency vs throughput (rate sweep)</text>\n");
	buf_addf(out, "<text x=\"%.1f\" y=\"52\" font-size=\"13\" fill=\"#666\">%zu points: "
		 "synchronous, max throughput, constant rates between; labels are the requested "
		 "rate</text>\n", PLOT_L, c->nr);
	axes(out, xtop, xstep, ytop, ystep, "Request throughput (req/s, achieved)",
	     "Latency (ms)");
	for (size_t k = 0; k < 3; k++) {
		const char *color = palette[k];
		buf_addf(out, "<g>\n<title>%s</title>\n<polyline fill=\"none\" stroke=\"%s\" "
			 "stroke-width=\"2.5\"%s points=\"", names[k], color,
			 k == 1 ? " stroke-dasharray=\"6 3\"" : "");
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			double v = *(const double *)((const char *)pts[i] + offs[k]);
			if (!isfinite(v))
				continue;
			buf_addf(out, "%s%.1f,%.1f", first ? "" : " ",
				 PLOT_L + pts[i]->throughput / xtop * (PLOT_R - PLOT_L),
				 PLOT_B - v / ytop * (PLOT_B - PLOT_T));
			first = false;
		}
		buf_adds(out, "\"/>\n");
		for (size_t i = 0; i < n; i++) {
			double v = *(const double *)((const char *)pts[i] + offs[k]);
			if (!isfinite(v))
				continue;
			double x = PLOT_L + pts[i]->throughput / xtop * (PLOT_R - PLOT_L);
			double y = PLOT_B - v / ytop * (PLOT_B - PLOT_T);
			buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" "
				 "stroke=\"#fff\" stroke-width=\"1\"><title>%.2f req/s: %.2f ms"
				 "</title></circle>\n", x, y, color, pts[i]->throughput, v);
			if (k != 2)
				continue; /* one label per point, on the top line */
			buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#222\" "
				 "stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">", x + 6,
				 y - 7);
			curve_label(out, pts[i]);
			buf_adds(out, "</text>\n");
		}
		buf_adds(out, "</g>\n");
	}
	double lx = PLOT_R + 30, ly = PLOT_T + 6;
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
		 "fill=\"#222\">Latency</text>\n", lx, ly);
	for (size_t k = 0; k < 3; k++) {
		double y = ly + 24 + 22 * (double)k;
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			 "stroke-width=\"2.5\"%s/>\n", lx, y, lx + 28, y, palette[k],
			 k == 1 ? " stroke-dasharray=\"6 3\"" : "");
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#222\" "
			 "dominant-baseline=\"middle\">%s</text>\n", lx + 36, y, names[k]);
	}
	buf_adds(out, "</svg>\n");
	free(pts);
}
