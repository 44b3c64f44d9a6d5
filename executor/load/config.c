/* config: see config.h. */
#include "executor/load/config.h"

#include <math.h>
#include <string.h>

#define SIX_HOURS_S (6 * 3600.0)

const char *const metric_names[METRIC_NR] = { "ttft", "tpot", "itl", "e2el" };

void bench_config_init(struct bench_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = "vllm";
	cfg->api = &api_completions;
	cfg->endpoint = "/v1/completions";
	cfg->ds.input_len = cfg->ds.output_len = 1024;
	cfg->ds.range_ratio = 0.8;
	cfg->ds.num_prompts = 1000;
	cfg->ds.format = PROMPT_IDS;
	cfg->best_of = 1;
	cfg->request_rate = INFINITY;
	cfg->burstiness = 1.0;
	cfg->ignore_eos = true;
	cfg->request_timeout_s = SIX_HOURS_S;
	for (int m = 0; m < METRIC_NR; m++) {
		cfg->metrics[m] = true;
		cfg->goodput_ms[m] = -1;
	}
	cfg->progress = true;
}
