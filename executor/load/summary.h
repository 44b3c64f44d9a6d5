/*
 * summary: the human summary of one load that `bench` and `run` print on stdout, in the
 * layout of the field's tools (vLLM's benchmark_serving.py): totals, throughputs, each
 * reported metric's mean, median and percentiles, then our client figures and failures.
 */
#ifndef EXECUTOR_SUMMARY_H
#define EXECUTOR_SUMMARY_H

struct bench_config;
struct bench_result;
struct buf;

/* Appends the summary of computed r (result.h) to out. */
void bench_summary(struct buf *out, const struct bench_config *cfg,
		   const struct bench_result *r);

#endif
