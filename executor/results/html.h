/*
 * html: `executor aggregate --html DIR`: one static page, DIR/index.html, with everything
 * inline (CSS, SVG; no scripts, fonts, images or URLs), so it opens the same from a disk, an
 * artifact or a browser with no network: the throughput charts (chart.c), the result tables
 * and the eval summary (the markdown's columns and cell rules), per-request timelines from
 * raw results that carry per-request data (`--save-detailed`: ttfts, itls), and the
 * server-metric curves of `*.server_metrics.json` scrape files (format
 * "inferencex-server-metrics-1": docs/executor.md), and the agentic results' table and charts
 * (agentic_table.h, agentic_chart.h). Every text from the inputs is escaped.
 *
 * Use: file_sets_read(&sets, paths, n, html_want, d) -> html_report_write(dir, &in, d).
 */
#ifndef EXECUTOR_HTML_H
#define EXECUTOR_HTML_H

#include <stdbool.h>

struct diags;
struct eval_rows;
struct file_sets;
struct result_rows;
struct result_set;

/* Timelines show at most this many requests of a raw result (the first ones): a page of
 * thousands of bars says nothing more and weighs megabytes. */
#define HTML_TIMELINE_MAX 500

struct html_input {
	const char *title;               /* NULL: "Benchmark results" */
	const struct result_rows *rows;  /* sorted */
	const struct eval_rows *evals;   /* sorted */
	const struct file_sets *runs;    /* read with html_want */
	const struct result_set *agentic; /* the results read (its agentic ones are shown) */
};

/* The files a set must offer the report: raw results and scrape files. */
bool html_want(const char *base_name);
/* Writes DIR/index.html (DIR created when missing). 0, or -1 with diags. */
int html_report_write(const char *dir, const struct html_input *in, struct diags *d);

#endif
