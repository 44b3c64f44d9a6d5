/*
 * server_metrics: the scrapes file (load/scrape.h, NAME.server_metrics.json) reduced to the
 * figures that say what the server did during the load, under vLLM's or SGLang's metric
 * names (the adapter is the prefix the samples carry: "vllm:" or "sglang:").
 *
 * Rules (docs/executor.md, "Server metrics"): only scrapes without an error count. A
 * counter's value in a scrape is the sum of its series (every label set); the figure is the
 * last scrape's value minus the first's (the after and before scrapes), null when either
 * lacks it or the difference is negative (a restarted server). A gauge is read per scrape
 * (running and waiting: the sum of the series; KV-cache usage: the largest), over the scrapes
 * taken during the load (all of them when there were none), as mean and max. Hit rate:
 * vLLM prefix-cache hits / queries, SGLang cached tokens / prompt tokens (deltas); null when
 * the denominator is 0. Generation throughput: generation tokens delta / the seconds between
 * the first and the last scrape.
 *
 * Use: server_metrics_reduce(&r, text, len, name, d) -> read r -> nothing to free.
 */
#ifndef EXECUTOR_SERVER_METRICS_H
#define EXECUTOR_SERVER_METRICS_H

#include <stdbool.h>
#include <stddef.h>

struct diags;

/* A figure that may be absent (null in JSON). */
struct maybe {
	bool ok;
	double v;
};

enum sm_figure {
	SM_PREFIX_HIT_RATE,
	SM_KV_USAGE_MEAN, SM_KV_USAGE_MAX,
	SM_RUNNING_MEAN, SM_RUNNING_MAX,
	SM_WAITING_MEAN, SM_WAITING_MAX,
	SM_PREEMPTIONS,
	SM_PROMPT_TOKENS, SM_GENERATION_TOKENS,
	SM_GENERATION_THROUGHPUT,
	SM_NR
};
/* The processed result's key of each figure, in the order they are written. */
extern const char *const sm_keys[SM_NR];

struct server_metrics {
	const char *adapter;   /* "vllm", "sglang" or "none" (static) */
	long scrapes;          /* scrapes that gave samples */
	struct maybe fig[SM_NR];
};

/* 0, or -1 with diags when text is not a scrapes file (JSON errors at line:column, the
 * format's keys and types at their key path). */
/* A scrape file sample's value (the third item of [name, {labels}, value]): a number, or
 * Prometheus' "NaN", "+Inf", "-Inf" as strings. 0, or -1 when it is neither. */
struct jnode;
int server_metrics_sample_value(double *out, const struct jnode *v);

int server_metrics_reduce(struct server_metrics *out, const char *text, size_t len,
			  const char *name, struct diags *d);

#endif
