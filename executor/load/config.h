/*
 * config: what one load is asked to do (executor-spec 4.1, 4.2, 4.8): struct bench_config,
 * the metrics it reports, its defaults (defined here only), the rules between its fields,
 * and the config `executor run` drives each load with. bench_run (bench.h) reads it.
 *
 *   `executor bench` (cmd_bench.c):
 *     bench_config_init(&cfg)                 the defaults of executor-spec 4.2
 *     options into cfg; bench_config_set_concurrency, bench_config_set_url;
 *     bench_config_check(&cfg, &diags)
 *   `executor run` (run.c):
 *     bench_config_for_run(&cfg, &url, &spec, &diags)   all of the above, per 4.8
 *
 * The config owns nothing: every string and array is borrowed, and must outlive the load
 * and the writing of its result (base_url: the struct buf given to the setter).
 */
#ifndef EXECUTOR_CONFIG_H
#define EXECUTOR_CONFIG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "executor/load/api.h"
#include "executor/load/dataset.h"
#include "executor/load/ramp.h"

struct buf;
struct diags;

/* The per-request latency metrics, in the raw result's fixed order (executor-spec 4.7 item 7). */
enum metric { METRIC_TTFT, METRIC_TPOT, METRIC_ITL, METRIC_E2EL, METRIC_NR };
/* "ttft", "tpot", "itl", "e2el": the names in options and result keys */
extern const char *const metric_names[METRIC_NR];

/* The raw result's layout (executor-spec 4.7). v1: as the spec lists it. v2: as upstream's
 * client at 843c6254f writes it: benchmark_start_time_unix and benchmark_end_time_unix right
 * after duration, input_lens and output_lens with or without --save-detailed, and the
 * default percentiles 90,99,99.9. `bench --result-schema v2`; `run` for v2 entries. */
enum result_schema { RESULT_SCHEMA_V1, RESULT_SCHEMA_V2 };

/* What a watch (bench_config.watch) sees of the timed load; times are CLOCK_MONOTONIC. */
struct load_watch {
	int64_t now_ns, start_ns;
	int64_t next_issue_ns;     /* when the next request is due (rated loads) */
	size_t nr, issued, done, inflight;
};

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
	/* --ramp-up-*: with a strategy, request_rate is end_rps (the load paces by request_rate
	 * being finite) and the gaps are ramp_draw's; the raw result says "inf" as vLLM's */
	struct ramp ramp;
	bool ignore_eos;
	double request_timeout_s;  /* ours: per-request limit, default 6 hours */
	bool metrics[METRIC_NR];   /* --percentile-metrics */
	const double *percentiles; /* borrowed; --metric-percentiles (default: the schema's) */
	size_t percentiles_nr;
	bool goodput;              /* --goodput given */
	double goodput_ms[METRIC_NR]; /* < 0: not a criterion (ttft, tpot, e2el only) */
	const char **metadata;     /* "KEY=VALUE" items, borrowed */
	size_t metadata_nr;
	bool save_detailed;
	enum result_schema schema; /* default v1 */
	bool profile;
	bool progress;             /* a bar on stderr (also needs a terminal) */
	const char *bearer;        /* $OPENAI_API_KEY or NULL */
	/* ours: scrape the server's /metrics before, every this many seconds during, and after
	 * the timed load (scrape.h); 0: no scrapes */
	double server_metrics_interval_s;
	/* ours: a server that streamed other token counts than max_tokens asked (with
	 * ignore_eos) is not an error (result.h, output_len_mismatches) */
	bool allow_output_len_mismatch;
	/* ours: ask for usage in every chunk (stream_options.continuous_usage_stats, vLLM), so
	 * ITL is per token when a chunk carries several (api.h) */
	bool continuous_usage;
	/* the program's stop flag (set by SIGINT/SIGTERM): the load ends at its next turn and
	 * the requests in flight count as interrupted; NULL: never stopped */
	volatile sig_atomic_t *stop;
	/* ours, for a driver above one load (sweep.h): asked once per loop turn of the timed
	 * load; true ends it as the stop flag does (requests never issued keep send_ns 0).
	 * NULL: none */
	bool (*watch)(const struct load_watch *w, void *data);
	void *watch_data;
};

/* The defaults of executor-spec 4.2, and $OPENAI_API_KEY as the bearer when set. */
void bench_config_init(struct bench_config *cfg);
/* max_concurrency (0: unlimited) and the defaults that follow from it: num_prompts 10 x
 * max_concurrency (1000 when unlimited), num_warmups 2 x max_concurrency. -1 with a usage
 * diag when 10 x it would not fit in a long (d may be NULL for 0). */
int bench_config_set_concurrency(struct bench_config *cfg, long max_concurrency,
				 struct diags *d);
/* The raw result's layout and its default percentiles (v1: 99; v2: 90, 99, 99.9), which a
 * later --metric-percentiles replaces. */
void bench_config_set_schema(struct bench_config *cfg, enum result_schema schema);
/* base_url without trailing '/' into storage (emptied first), which cfg->base_url borrows. */
void bench_config_set_url(struct bench_config *cfg, struct buf *storage, const char *base_url);
/* The rules no option row can state: value ranges of doubles, the backend against the
 * endpoint. -1 with usage diags (worded for the command line) when one is broken. */
int bench_config_check(const struct bench_config *cfg, struct diags *d);

/* What `executor run` decides for one load (executor-spec 4.8); strings borrowed. run.c
 * maps the entry, the deployment and the recipe's environment onto it; the rules that turn
 * it into a config are bench_config_for_run's. */
struct bench_load_spec {
	const char *base_url;      /* single-node http://{host}:{PORT}, multi-node BASE_URL */
	const char *model;         /* MODEL (multi-node: SERVED_MODEL_NAME when reported) */
	const char *framework;     /* the entry's framework: trt is driven as --backend openai */
	const char *spec_decoding; /* the entry's: mtp adds --use-chat-template */
	long isl, osl;             /* the entry's, >= 1 */
	double range_ratio;        /* RANDOM_RANGE_RATIO */
	long conc;                 /* this load's concurrency, >= 1 */
	volatile sig_atomic_t *stop; /* the program's stop flag */
	enum result_schema schema; /* v2 for v2 entries (upstream's client at 843c6254f) */
	double server_metrics_interval_s; /* run's --server-metrics-interval (0: none) */
};

/* cfg exactly as executor-spec 4.8's command line gives it: `--model M --base-url U
 * --backend vllm|openai --dataset-name random --random-input-len ISL --random-output-len OSL
 * --random-range-ratio R --num-prompts 10c --max-concurrency c --request-rate inf
 * --ignore-eos --num-warmups 2c --percentile-metrics ttft,tpot,itl,e2el [--use-chat-template]`,
 * with the spec's result schema (v2: upstream's layout and percentiles 90,99,99.9)
 * (where the result goes is run's: it writes the file itself). url: storage for
 * cfg->base_url. -1 with usage diags when a value breaks bench_config_check's rules. */
int bench_config_for_run(struct bench_config *cfg, struct buf *url,
			 const struct bench_load_spec *spec, struct diags *d);

#endif
