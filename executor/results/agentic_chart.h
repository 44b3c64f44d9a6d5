/*
 * agentic_chart: aggregate's charts of agentic results (the documents agentic_table.h's
 * agentic_result_doc accepts), drawn with chart.c's series chart, so they look like the
 * throughput-interactivity charts. Two per model prefix (infmax_model_prefix):
 * - {prefix}_agentic.svg, the latency-throughput trade-off: x = the headline interactivity
 *   p50 (request_metrics.latency.e2e_norm_intvty.p50: 1 / p50 of E2EL_i / OSL_i, tok/s/user),
 *   y = output throughput per GPU (request_metrics.throughput.per_gpu.output_tput_tps);
 *   points labelled with their concurrency.
 * - {prefix}_agentic_ttft.svg: x = concurrency, y = TTFT p90 in seconds
 *   (request_metrics.latency.ttft.p90).
 * One line per (hardware, framework, precision, kv_offloading), lines in that order, points
 * in concurrency order (ties in reading order). A result whose chart metric is absent, null,
 * not a number, negative or not finite is left out of that chart with a warning naming its
 * file, place and key; one without the string fields or an integer conc is left out of both.
 *
 * Use: agentic_chart_write_all(dir, result set, title, d), or agentic_chart_each for the
 * charts in memory. Nothing is kept between calls.
 */
#ifndef EXECUTOR_AGENTIC_CHART_H
#define EXECUTOR_AGENTIC_CHART_H

#include "executor/results/chart.h"

struct diags;
struct result_set;

/* Calls fn once per chart (name without .svg), models in byte order, each model's
 * interactivity chart before its TTFT chart. Warnings go to d. */
void agentic_chart_each(const struct result_set *rs, const char *title_prefix,
			chart_group_fn fn, void *data, struct diags *d);
/* Writes every chart as DIR/NAME.svg (dir created if missing). 0, or -1 with diags. */
int agentic_chart_write_all(const char *dir, const struct result_set *rs,
			    const char *title_prefix, struct diags *d);

#endif
