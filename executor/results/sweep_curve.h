/*
 * sweep_curve: a rate sweep's summary (`executor bench --sweep N --save-result` writes
 * {stem}-sweep.json, load/sweep.h) as a latency-throughput curve: a markdown table, one row
 * per point in run order, and an SVG chart, x = achieved request throughput (req/s), y =
 * latency (ms): mean TTFT, the summary's upper TTFT percentile (p99 by default) and mean
 * E2EL, points in throughput order, each labelled with its strategy (sync, max, or the
 * requested rate). `executor aggregate --sweep FILE` and `bench --sweep` print the table.
 *
 *   struct sweep_curve c; sweep_curve_read(&c, doc, source, d)   (borrows from doc)
 *   sweep_curve_markdown(&buf, &c); sweep_curve_svg(&buf, &c, title)
 *   sweep_curve_release(&c)
 *
 * A summary is read strictly: a missing key or one of the wrong type is an error naming
 * the file, the point and the key. Numbers that may be null (no sample) print as "-".
 */
#ifndef EXECUTOR_SWEEP_CURVE_H
#define EXECUTOR_SWEEP_CURVE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct jnode;

struct curve_point {
	const char *strategy;       /* borrowed from the document */
	double rate;                /* requested; INFINITY for "inf" */
	long long max_concurrency;  /* 0: null (unlimited) */
	const char *stopped;        /* borrowed; NULL when it ran to its end */
	double throughput, goodput, output_tput; /* goodput NAN when null */
	double ttft_mean, ttft_pct, tpot_mean, itl_mean, e2el_mean, e2el_pct; /* NAN: null */
};

struct sweep_curve {
	const char *source;         /* borrowed: the file's name */
	const char *model;          /* borrowed */
	char *pct_name;             /* owned: "p99" (the percentile the summary carries) */
	struct curve_point *v;      /* owned */
	size_t nr, alloc;
};

int sweep_curve_read(struct sweep_curve *out, const struct jnode *doc, const char *source,
		     struct diags *d);
void sweep_curve_markdown(struct buf *out, const struct sweep_curve *c);
void sweep_curve_svg(struct buf *out, const struct sweep_curve *c, const char *title);
void sweep_curve_release(struct sweep_curve *c);
/* Parse + read + markdown, for `bench --sweep` (its own summary, name "sweep"). */
int sweep_curve_markdown_json(struct buf *out, const char *json, size_t len, const char *name,
			      struct diags *d);
/* Whether doc is a sweep summary (an object with "sweep" and "points"). */
bool sweep_curve_is_summary(const struct jnode *doc);

#endif
