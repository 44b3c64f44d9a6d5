/*
 * chart: the throughput-interactivity chart as a self-contained SVG (executor-spec 7,
 * --svg): one chart per (model prefix, isl, osl), x = median interactivity (tok/s/user),
 * y = throughput per GPU (tok/s/GPU), one polyline per (hardware, framework, precision) with
 * a legend, points in interactivity order labelled with their concurrency. No scripts, no
 * external fonts or styles (generic font families), a white background: it reads the same
 * in a browser and on GitHub. Rows without both numbers are left out of the chart.
 *
 * Use: chart_write_all(dir, sorted rows, title, d); chart_render for one group (tests).
 */
#ifndef EXECUTOR_CHART_H
#define EXECUTOR_CHART_H

#include <stddef.h>

struct buf;
struct diags;
struct result_row;
struct result_rows;
struct sweep_curve;

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

/* The latency-throughput curve of a rate sweep (sweep_curve.h): x = achieved request
 * throughput, y = mean TTFT, the upper TTFT percentile and mean E2EL in ms, points in
 * throughput order labelled sync, max or the requested rate. title may be NULL. */
void chart_render_sweep(struct buf *out, const struct sweep_curve *c, const char *title);

#endif
