/* config: see config.h. */
#include "executor/load/config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"

#define SIX_HOURS_S (6 * 3600.0)

const char *const metric_names[METRIC_NR] = { "ttft", "tpot", "itl", "e2el" };

static const double default_percentiles[] = { 99 };
/* upstream's client at 843c6254f: --metric-percentiles 90,99,99.9 */
static const double v2_percentiles[] = { 90, 99, 99.9 };

void bench_config_init(struct bench_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = "vllm";
	cfg->api = &api_completions;
	cfg->endpoint = "/v1/completions";
	cfg->ds.input_len = cfg->ds.output_len = 1024;
	cfg->ds.range_ratio = 0.8;
	cfg->ds.format = PROMPT_IDS;
	bench_config_set_concurrency(cfg, 0, NULL); /* 0 is always within bounds */
	cfg->best_of = 1;
	cfg->request_rate = INFINITY;
	cfg->burstiness = 1.0;
	cfg->ignore_eos = true;
	cfg->request_timeout_s = SIX_HOURS_S;
	for (int m = 0; m < METRIC_NR; m++) {
		cfg->metrics[m] = true;
		cfg->goodput_ms[m] = -1;
	}
	bench_config_set_schema(cfg, RESULT_SCHEMA_V1);
	cfg->progress = true;
	const char *key = getenv("OPENAI_API_KEY");
	cfg->bearer = key && *key ? key : NULL;
}

void bench_config_set_schema(struct bench_config *cfg, enum result_schema schema)
{
	cfg->schema = schema;
	if (schema == RESULT_SCHEMA_V2) {
		cfg->percentiles = v2_percentiles;
		cfg->percentiles_nr = sizeof(v2_percentiles) / sizeof(v2_percentiles[0]);
	} else {
		cfg->percentiles = default_percentiles;
		cfg->percentiles_nr = sizeof(default_percentiles) / sizeof(default_percentiles[0]);
	}
}

int bench_config_set_concurrency(struct bench_config *cfg, long max_concurrency,
				 struct diags *d)
{
	/* 10 x it must stay a long (the budget then says whether the machine can hold it) */
	if (max_concurrency < 0 || max_concurrency > LONG_MAX / 10)
		return diags_usagef(d, "--max-concurrency: expected 1 to %ld, found %ld",
				    LONG_MAX / 10, max_concurrency);
	cfg->max_concurrency = max_concurrency;
	cfg->ds.num_prompts = max_concurrency ? (size_t)(10 * max_concurrency) : 1000;
	cfg->num_warmups = 2 * max_concurrency;
	return 0;
}

void bench_config_set_url(struct bench_config *cfg, struct buf *storage, const char *base_url)
{
	buf_reset(storage);
	buf_adds(storage, base_url);
	while (storage->len && storage->s[storage->len - 1] == '/')
		buf_setlen(storage, storage->len - 1);
	cfg->base_url = storage->s;
}

int bench_config_check(const struct bench_config *cfg, struct diags *d)
{
	int rc = 0;
	if (!(cfg->ds.range_ratio >= 0 && cfg->ds.range_ratio <= 1))
		rc = diags_usagef(d, "--random-range-ratio: must be in [0, 1]");
	if (!(cfg->request_rate > 0))
		rc = diags_usagef(d, "--request-rate: must be > 0 (or inf)");
	if (cfg->ramp.strategy != RAMP_NONE &&
	    (!(cfg->ramp.start_rps > 0) || !(cfg->ramp.end_rps >= cfg->ramp.start_rps) ||
	     isinf(cfg->ramp.end_rps)))
		rc = diags_usagef(d, "--ramp-up-start-rps, --ramp-up-end-rps: expected 0 < start <= "
				  "end, found %g and %g", cfg->ramp.start_rps, cfg->ramp.end_rps);
	if (!(cfg->burstiness > 0) || isinf(cfg->burstiness))
		rc = diags_usagef(d, "--burstiness: must be > 0");
	if (!(cfg->request_timeout_s > 0))
		rc = diags_usagef(d, "--request-timeout: must be > 0");
	if (!(cfg->server_metrics_interval_s >= 0) || isinf(cfg->server_metrics_interval_s))
		rc = diags_usagef(d, "--server-metrics-interval: must be >= 0 (0: no scrapes)");
	size_t el = strlen(cfg->endpoint);
	if (cfg->api->chat && (el < 16 || strcmp(cfg->endpoint + el - 16, "chat/completions")))
		rc = diags_usagef(d, "--backend openai-chat needs an --endpoint ending in "
				  "chat/completions, found '%s'", cfg->endpoint);
	return rc;
}

int bench_config_for_run(struct bench_config *cfg, struct buf *url,
			 const struct bench_load_spec *spec, struct diags *d)
{
	bench_config_init(cfg);
	cfg->stop = spec->stop;
	cfg->model_id = cfg->served_model = spec->model;
	bench_config_set_url(cfg, url, spec->base_url);
	/* as existing recipes pass it; both backends speak completions */
	cfg->backend = strcmp(spec->framework, "trt") ? "vllm" : "openai";
	cfg->api = &api_completions;
	cfg->ds.input_len = spec->isl;
	cfg->ds.output_len = spec->osl;
	cfg->ds.range_ratio = spec->range_ratio;
	if (bench_config_set_concurrency(cfg, spec->conc < 1 ? -1 : spec->conc, d))
		return -1;
	/* 4.8 passes these although they are 4.2's defaults too: the command line says what
	 * `run` wants even if `bench`'s defaults change */
	cfg->request_rate = INFINITY;
	cfg->ignore_eos = true;
	for (int m = 0; m < METRIC_NR; m++)
		cfg->metrics[m] = true;
	cfg->use_chat_template = !strcmp(spec->spec_decoding, "mtp");
	bench_config_set_schema(cfg, spec->schema);
	cfg->server_metrics_interval_s = spec->server_metrics_interval_s;
	return bench_config_check(cfg, d);
}
