/*
 * config: what one load is asked to do (executor-spec 4.1, 4.2): struct bench_config, the
 * metrics it reports, and its defaults. `executor bench` fills it from its options
 * (cmd_bench.c); bench_run (bench.h) reads it.
 *
 *   struct bench_config cfg; bench_config_init(&cfg);   the defaults of executor-spec 4.2
 *   set fields; bench_run(&res, &cfg, &diags)
 *
 * The config owns nothing: every string and array is borrowed, and must outlive the load
 * and the writing of its result.
 */
#ifndef EXECUTOR_CONFIG_H
#define EXECUTOR_CONFIG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "executor/load/api.h"
#include "executor/load/dataset.h"

/* The per-request latency metrics, in the raw result's fixed order (executor-spec 4.7 item 7). */
enum metric { METRIC_TTFT, METRIC_TPOT, METRIC_ITL, METRIC_E2EL, METRIC_NR };
/* "ttft", "tpot", "itl", "e2el": the names in options and result keys */
extern const char *const metric_names[METRIC_NR];

struct bench_config {
	const char *backend;       /* vllm, sglang, openai, lmdeploy, scalellm, openai-chat */
	const struct api_ops *api;
	const char *base_url;      /* "http://host:port" (no trailing path) */
	const char *endpoint;      /* "/v1/completions" */
	const char *model_id;      /* --model */
	const char *served_model;  /* what requests name: --served-model-name, else --model */
	const char *tokenizer_id;
	struct dataset_config ds;
	bool use_chat_template;
	long max_concurrency;      /* 0: unlimited */
	long num_warmups;
	long best_of;
	double request_rate;       /* INFINITY: as fast as slots free */
	double burstiness;
	bool ignore_eos;
	double request_timeout_s;  /* ours: per-request limit, default 6 hours */
	bool metrics[METRIC_NR];   /* --percentile-metrics */
	double *percentiles;       /* owned by the caller; --metric-percentiles */
	size_t percentiles_nr;
	bool goodput;              /* --goodput given */
	double goodput_ms[METRIC_NR]; /* < 0: not a criterion (ttft, tpot, e2el only) */
	const char **metadata;     /* "KEY=VALUE" items, borrowed */
	size_t metadata_nr;
	bool save_detailed;
	bool profile;
	bool progress;             /* a bar on stderr (also needs a terminal) */
	const char *bearer;        /* $OPENAI_API_KEY or NULL */
	/* the program's stop flag (set by SIGINT/SIGTERM): the load ends at its next turn and
	 * the requests in flight count as interrupted; NULL: never stopped */
	volatile sig_atomic_t *stop;
};

void bench_config_init(struct bench_config *cfg);

#endif
