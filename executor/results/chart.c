/* chart: see chart.h. Layout in fixed SVG units (viewBox), so the chart scales with the
 * page: plot on the left, legend in a column on the right, so long series names never
 * cover points. */
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

struct series {
	const char *hw, *framework, *precision; /* borrowed from the rows */
	const struct result_row **pts;          /* owned array of borrowed rows */
	size_t nr, alloc;
};

static void xml_text(struct buf *out, const char *s)
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

static void xml_upper(struct buf *out, const char *s)
{
	struct buf u = BUF_INIT;
	upper(&u, s);
	xml_text(out, u.s);
	buf_release(&u);
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

static int pt_cmp(const void *pa, const void *pb)
{
	const struct result_row *a = *(const struct result_row *const *)pa;
	const struct result_row *b = *(const struct result_row *const *)pb;
	double x = a->metric[MET_INTVTY], y = b->metric[MET_INTVTY];
	if (x != y)
		return x < y ? -1 : 1;
	if (a->conc != b->conc)
		return a->conc < b->conc ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool plottable(const struct result_row *r)
{
	return r->has[MET_INTVTY] && r->has[MET_TPUT] && isfinite(r->metric[MET_INTVTY]) &&
	       isfinite(r->metric[MET_TPUT]);
}

static size_t collect_series(struct series **out, const struct result_row *const *rows,
			     size_t n)
{
	struct series *s = NULL;
	size_t nr = 0, alloc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct result_row *r = rows[i];
		if (!plottable(r))
			continue;
		size_t k;
		for (k = 0; k < nr; k++)
			if (!strcmp(s[k].hw, r->hw) && !strcmp(s[k].framework, r->framework) &&
			    !strcmp(s[k].precision, r->precision))
				break;
		if (k == nr) {
			VEC_GROW(s, nr + 1, alloc);
			memset(&s[nr], 0, sizeof(s[nr]));
			s[nr].hw = r->hw;
			s[nr].framework = r->framework;
			s[nr].precision = r->precision;
			nr++;
		}
		VEC_GROW(s[k].pts, s[k].nr + 1, s[k].alloc);
		s[k].pts[s[k].nr++] = r;
	}
	for (size_t k = 0; k < nr; k++)
		qsort(s[k].pts, s[k].nr, sizeof(*s[k].pts), pt_cmp);
	*out = s;
	return nr;
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

static void series_label(struct buf *out, const struct series *s)
{
	xml_upper(out, s->hw);
	buf_adds(out, " ");
	xml_upper(out, s->framework);
	buf_adds(out, " ");
	xml_upper(out, s->precision);
}

void chart_render(struct buf *out, const struct result_row *const *rows, size_t n,
		  const char *title_prefix)
{
	struct series *s;
	size_t ns = collect_series(&s, rows, n);
	double xmax = 0, ymax = 0;
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].nr; i++) {
			xmax = fmax(xmax, s[k].pts[i]->metric[MET_INTVTY]);
			ymax = fmax(ymax, s[k].pts[i]->metric[MET_TPUT]);
		}
	double xtop, ytop;
	double xstep = chart_nice_step(xmax, 8, &xtop), ystep = chart_nice_step(ymax, 6, &ytop);

	/* the legend column is as wide as its longest line (about 0.62 em per character in a
	 * generic sans-serif), so no name is cut off */
	size_t longest = strlen(LEGEND_TITLE);
	for (size_t k = 0; k < ns; k++) {
		size_t len = strlen(s[k].hw) + strlen(s[k].framework) + strlen(s[k].precision) + 8 +
			     36 / 8;
		if (len > longest)
			longest = len;
	}
	double width = fmax(W, PLOT_R + 30 + 36 + 13 * 0.62 * (double)longest + 20);
	buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n", width, H, width, H);
	buf_addf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, H);
	char seq[SEQ_LEN_NAME_MAX] = "";
	if (n)
		seq_len_name(seq, (long)rows[0]->isl, (long)rows[0]->osl);
	buf_addf(out, "<text x=\"%.1f\" y=\"32\" font-size=\"18\" font-weight=\"bold\" "
		 "fill=\"#222\">", PLOT_L);
	if (title_prefix && *title_prefix) {
		xml_text(out, title_prefix);
		buf_adds(out, ": ");
	}
	if (n) {
		xml_text(out, rows[0]->model_prefix);
		buf_addf(out, " %s", seq);
	}
	buf_adds(out, " - throughput per GPU vs interactivity</text>\n");
	if (n)
		buf_addf(out, "<text x=\"%.1f\" y=\"52\" font-size=\"13\" fill=\"#666\">ISL %lld, "
			 "OSL %lld; labels are concurrency; up and to the right is better</text>\n",
			 PLOT_L, rows[0]->isl, rows[0]->osl);
	axes(out, xtop, xstep, ytop, ystep, "Interactivity (tok/s/user, median)",
	     "Throughput per GPU (tok/s/GPU)");

	for (size_t k = 0; k < ns; k++) {
		const char *color = palette[k % PALETTE_NR];
		const char *dash = dashes[(k / PALETTE_NR) % (sizeof(dashes) / sizeof(dashes[0]))];
		buf_adds(out, "<g>\n<title>");
		series_label(out, &s[k]);
		buf_addf(out, "</title>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s%s%s "
			 "points=\"", color, *dash ? " stroke-dasharray=\"" : "", dash,
			 *dash ? "\"" : "");
		for (size_t i = 0; i < s[k].nr; i++) {
			double x = PLOT_L + s[k].pts[i]->metric[MET_INTVTY] / xtop * (PLOT_R - PLOT_L);
			double y = PLOT_B - s[k].pts[i]->metric[MET_TPUT] / ytop * (PLOT_B - PLOT_T);
			buf_addf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
		}
		buf_adds(out, "\"/>\n");
		for (size_t i = 0; i < s[k].nr; i++) {
			const struct result_row *r = s[k].pts[i];
			double x = PLOT_L + r->metric[MET_INTVTY] / xtop * (PLOT_R - PLOT_L);
			double y = PLOT_B - r->metric[MET_TPUT] / ytop * (PLOT_B - PLOT_T);
			buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" "
				 "stroke=\"#fff\" stroke-width=\"1\"><title>conc %lld: %.1f tok/s/user, "
				 "%.1f tok/s/GPU</title></circle>\n", x, y, color, r->conc,
				 r->metric[MET_INTVTY], r->metric[MET_TPUT]);
			buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\" "
				 "stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">%lld</text>\n",
				 x + 6, y - 7, color, r->conc);
		}
		buf_adds(out, "</g>\n");
	}

	/* legend */
	double lx = PLOT_R + 30, ly = PLOT_T + 6;
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
		 "fill=\"#222\">%s</text>\n", lx, ly, LEGEND_TITLE);
	for (size_t k = 0; k < ns; k++) {
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
		series_label(out, &s[k]);
		buf_addf(out, " (%zu)</text>\n", s[k].nr);
	}
	if (!ns)
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
			 "fill=\"#666\">no points with both numbers</text>\n", (PLOT_L + PLOT_R) / 2,
			 (PLOT_T + PLOT_B) / 2);
	buf_adds(out, "</svg>\n");
	for (size_t k = 0; k < ns; k++)
		free(s[k].pts);
	free(s);
}

static void safe_name(struct buf *out, const char *s)
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
		safe_name(&name, a->model_prefix);
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

struct write_ctx {
	const char *dir;
	struct diags *d;
	int rc;
};

static void write_one(const char *name, const struct buf *svg, void *data)
{
	struct write_ctx *w = data;
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
	struct write_ctx w = { dir, d, 0 };
	chart_each_group(rows, title_prefix, write_one, &w);
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
		xml_text(out, p->strategy);
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
	buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n", W, H, W, H);
	buf_addf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", W, H);
	buf_addf(out, "<text x=\"%.1f\" y=\"32\" font-size=\"18\" font-weight=\"bold\" "
		 "fill=\"#222\">", PLOT_L);
	if (title && *title) {
		xml_text(out, title);
		buf_adds(out, ": ");
	}
	xml_text(out, c->model ? c->model : c->source);
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
