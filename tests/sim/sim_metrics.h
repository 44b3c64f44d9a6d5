/*
 * sim_metrics: simserver's GET /metrics, a Prometheus text exposition with vLLM's metric
 * names (or SGLang's, --sglang-metrics) and values the tests can compute exactly.
 *
 * Counters are cumulative from the start and never reset (POST /stats/reset leaves them, as
 * a real server's counters never go back); they count generation requests that streamed to
 * their end with no fault, when their last write went:
 *   prompt tokens, generation tokens (the tokens streamed), requests,
 *   prefix-cache queries = prompt tokens, prefix-cache hits = the request's cached tokens
 *   with --prefix-cache-blocks (sim_prefix.h), else prompt * P / 100 per request
 *   (integer division; --prefix-hit-percent P), preemptions = requests / N
 *   (--preempt-every N; 0: none).
 * Gauges are read at the scrape: running = streams between token 1 and their end,
 * waiting = other streams in progress, KV-cache usage = running / --kv-capacity-requests.
 *
 * Use: sim_metrics_add_completed from the stream's end; sim_metrics_write answers a scrape.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stdint.h>

#include "sim_opts.h"
#include "sim_util.h"

struct sim_metrics {
	uint64_t requests;
	uint64_t prompt_tokens;
	uint64_t generation_tokens;
	uint64_t prefix_queries;
	uint64_t prefix_hits;
};

void sim_metrics_add_completed(struct sim_metrics *m, const struct sim_config *cfg,
			       long long prompt_tokens, long long output_tokens,
			       long long cached_tokens);
/* Appends the exposition text for the gauges running and waiting. */
void sim_metrics_write(struct sbuf *out, const struct sim_metrics *m,
		       const struct sim_config *cfg, long long running, long long waiting);

#endif
