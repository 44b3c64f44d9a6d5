/* sim_metrics: see sim_metrics.h. */
#include "sim_metrics.h"

#include <stdio.h>
#include <string.h>

void sim_metrics_add_completed(struct sim_metrics *m, const struct sim_config *cfg,
			       long long prompt_tokens, long long output_tokens,
			       long long cached_tokens)
{
	m->requests++;
	m->prompt_tokens += (uint64_t)prompt_tokens;
	m->generation_tokens += (uint64_t)output_tokens;
	m->prefix_queries += (uint64_t)prompt_tokens;
	m->prefix_hits += cfg->prefix_cache_blocks ? (uint64_t)cached_tokens :
			  (uint64_t)(prompt_tokens * cfg->prefix_hit_percent / 100);
}

/* One metric family: HELP, TYPE and one sample with the model label (extra: more labels,
 * written before it, or ""). */
static void family(struct sbuf *out, const char *name, const char *type, const char *help,
		   const char *model, const char *extra, double v)
{
	sbuf_addf(out, "# HELP %s %s\n# TYPE %s %s\n%s{%smodel_name=", name, help, name,
		  type, name, extra);
	sbuf_add_json_str(out, model, strlen(model));
	/* %.17g: the value the tests compute, to the last bit */
	sbuf_addf(out, "} %.17g\n", v);
}

/* A histogram with one bucket, so scrapes carry the _bucket/_sum/_count shape real servers
 * send (the reduction reads none of it). */
static void histogram(struct sbuf *out, const char *name, const char *model, double count)
{
	sbuf_addf(out, "# HELP %s_seconds time to first token\n# TYPE %s_seconds histogram\n",
		  name, name);
	sbuf_addf(out, "%s_seconds_bucket{le=\"+Inf\",model_name=", name);
	sbuf_add_json_str(out, model, strlen(model));
	sbuf_addf(out, "} %.17g\n%s_seconds_sum{model_name=", count, name);
	sbuf_add_json_str(out, model, strlen(model));
	sbuf_addf(out, "} 0\n%s_seconds_count{model_name=", name);
	sbuf_add_json_str(out, model, strlen(model));
	sbuf_addf(out, "} %.17g\n", count);
}

void sim_metrics_write(struct sbuf *out, const struct sim_metrics *m,
		       const struct sim_config *cfg, long long running, long long waiting)
{
	const char *model = cfg->model;
	double usage = cfg->kv_capacity_requests ?
		(double)running / (double)cfg->kv_capacity_requests : 0;
	double preempt = cfg->preempt_every ?
		(double)(m->requests / (uint64_t)cfg->preempt_every) : 0;
	if (cfg->sglang_metrics) {
		family(out, "sglang:num_running_reqs", "gauge", "running", model, "",
		       (double)running);
		family(out, "sglang:num_queue_reqs", "gauge", "waiting", model, "",
		       (double)waiting);
		family(out, "sglang:token_usage", "gauge", "kv usage", model, "", usage);
		family(out, "sglang:prompt_tokens_total", "counter", "prompt tokens", model, "",
		       (double)m->prompt_tokens);
		family(out, "sglang:generation_tokens_total", "counter", "generation tokens",
		       model, "", (double)m->generation_tokens);
		family(out, "sglang:cached_tokens_total", "counter", "cached prompt tokens",
		       model, "cache_source=\"device\",", (double)m->prefix_hits);
		family(out, "sglang:num_retracted_requests_total", "counter", "retractions",
		       model, "", preempt);
		histogram(out, "sglang:time_to_first_token", model, (double)m->requests);
		return;
	}
	family(out, "vllm:num_requests_running", "gauge", "running", model, "",
	       (double)running);
	family(out, "vllm:num_requests_waiting", "gauge", "waiting", model, "",
	       (double)waiting);
	family(out, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage (1 = 100%)", model, "",
	       usage);
	family(out, "vllm:prefix_cache_queries_total", "counter", "prefix-cache queries",
	       model, "", (double)m->prefix_queries);
	family(out, "vllm:prefix_cache_hits_total", "counter", "prefix-cache hits", model, "",
	       (double)m->prefix_hits);
	family(out, "vllm:num_preemptions_total", "counter", "preemptions", model, "",
	       preempt);
	family(out, "vllm:prompt_tokens_total", "counter", "prompt tokens", model, "",
	       (double)m->prompt_tokens);
	family(out, "vllm:generation_tokens_total", "counter", "generation tokens", model, "",
	       (double)m->generation_tokens);
	family(out, "vllm:request_success_total", "counter", "finished requests", model,
	       "finished_reason=\"length\",", (double)m->requests);
	histogram(out, "vllm:time_to_first_token", model, (double)m->requests);
}
