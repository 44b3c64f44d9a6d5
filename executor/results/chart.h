/*
 * chart: aggregate's SVG charts, self-contained (no scripts, no external fonts or styles:
 * generic font families; a white background), so they read the same in a browser and on
 * GitHub. Three kinds share one look:
 * - the series chart, the writer under the others: lines of points (x, y), points
 *   labelled with their concurrency when the frame asks, a legend column on the right with
 *   each line's name and point count, nice ticks from 0 on both axes. Its callers build the series
 *   (chart_set_series, chart_series_add) and say the texts (struct chart_frame).
 * - the throughput-interactivity chart (executor-spec 7, --svg): one chart per (model
 *   prefix, isl, osl), x = median interactivity (tok/s/user), y = throughput per GPU
 *   (tok/s/GPU), one line per (hardware, framework, precision), points in interactivity
 *   order. Rows without both numbers are left out of the chart.
 * - the latency-throughput curve of a rate sweep (chart_render_sweep).
 * The agentic charts are agentic_chart.c, on the series chart.
 *
 * Use: chart_write_all(dir, sorted rows, title, d); chart_render for one group (tests);
 * for a series chart: struct chart_set set = { 0 }; chart_series_add(chart_set_series(&set,
 * key, name), ...) ...; chart_render_series(out, &frame, &set); chart_set_release(&set).
 */
#ifndef EXECUTOR_CHART_H
#define EXECUTOR_CHART_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct result_row;
struct result_rows;
struct sweep_curve;

/* One point of a series chart. */
struct chart_point {
	double x, y;
	long long conc; /* its label */
	size_t order;   /* the caller's tie-break (reading order) */
};

/* One line: its points in drawing order (the caller's). */
struct chart_series {
	char *key;  /* owned: what tells series apart (chart_set_series) */
	char *name; /* owned: the legend text, plain (XML-escaped when written) */
	struct chart_point *v; /* owned */
	size_t nr, alloc;
};

/* The lines of one chart in legend order (first added first). */
struct chart_set {
	struct chart_series *v; /* owned */
	size_t nr, alloc;
};

/* The series of set with this key, added (empty, named name) when there is none yet. The
 * pointer is valid until the next call on set. */
struct chart_series *chart_set_series(struct chart_set *set, const char *key, const char *name);
void chart_series_add(struct chart_series *s, double x, double y, long long conc, size_t order);
/* Sorts each series' points by x, then conc, then order. */
void chart_set_sort_by_x(struct chart_set *set);
void chart_set_release(struct chart_set *set);

struct chart_axis {
	const char *label; /* under or beside the axis */
	const char *unit;  /* in each point's tooltip after the value; NULL: not shown there */
	int decimals;      /* of the value in the tooltip */
};

/* The texts around a series chart. */
struct chart_frame {
	const char *title;    /* XML text (escaped by the caller) */
	const char *subtitle; /* XML text, or NULL */
	const char *legend_title;
	struct chart_axis x, y;
	bool label_points; /* each point labelled with its concurrency */
};

/* Appends the series chart of set; every x and y must be finite. */
void chart_render_series(struct buf *out, const struct chart_frame *f,
			 const struct chart_set *set);
/* Appends s to out escaped for XML text and attributes; control characters become spaces. */
void chart_xml_text(struct buf *out, const char *s);

/* Ticks for [0, max]: a "nice" step (1, 2, 2.5 or 5 x 10^k) giving about `want` intervals;
 * *top is the first tick >= max. Returns the step. */
double chart_nice_step(double max, int want, double *top);
/* Appends one chart for the n rows (one model prefix and isl/osl). title_prefix may be NULL. */
void chart_render(struct buf *out, const struct result_row *const *rows, size_t n,
		  const char *title_prefix);
/* Calls fn once per group of rows (model prefix, isl, osl) in the rows' order, with the
 * group's name ({prefix}_{seq-len name}; '/' and control characters in the prefix become
 * '_') and its chart. */
typedef void (*chart_group_fn)(const char *name, const struct buf *svg, void *data);
void chart_each_group(const struct result_rows *rows, const char *title_prefix,
		      chart_group_fn fn, void *data);
/* Writes {prefix}_{seq-len name}.svg into dir (created if missing) for every group of
 * rows; '/' and control characters in the prefix become '_'. 0 or -1 with diags. */
int chart_write_all(const char *dir, const struct result_rows *rows, const char *title_prefix,
		    struct diags *d);
/* Appends name made safe as a file name: '/' and control characters become '_'. */
void chart_safe_name(struct buf *out, const char *name);
/* A chart_group_fn writing each chart as DIR/NAME.svg (temp name + rename; dir must exist):
 * data is a struct chart_writer, whose rc becomes -1 (diags in d) when a write fails. */
struct chart_writer {
	const char *dir;
	struct diags *d;
	int rc;
};
void chart_write_group(const char *name, const struct buf *svg, void *data);

/* The latency-throughput curve of a rate sweep (sweep_curve.h): x = achieved request
 * throughput, y = mean TTFT, the upper TTFT percentile and mean E2EL in ms, points in
 * throughput order labelled sync, max or the requested rate. title may be NULL. */
void chart_render_sweep(struct buf *out, const struct sweep_curve *c, const char *title);

#endif
