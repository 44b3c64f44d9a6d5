/*
 * cmd_bench: `executor bench` (executor-spec 4.1): options -> struct bench_config
 * (load/config.h), the load (load/bench.h), the summary on stdout, and with --save-result
 * the raw result file. Returns the exit status; diags go to main.
 *
 * The option table follows executor-spec 4.1 row for row; the last three rows are ours.
 * Rows store straight into the config, so its defaults (bench_config_init) are the only
 * ones. struct bench_args holds the rest: the URL's parts, the values whose default follows
 * --max-concurrency, the lists parsed after the table, and the result file, which only this
 * command writes. Both live in cmd_bench's frame: nothing is kept at file scope.
 *
 * Accepted with no effect (rows without a destination, common/opt.h), so that command lines
 * written for vLLM's benchmark_serving.py keep working: --tokenizer-mode and
 * --trust-remote-code (no tokenizer is loaded), --ignore-eos (on unless --no-ignore-eos).
 *
 * --dataset-name trace replays a recorded trace instead (--dataset-path; load/replay.h):
 * run_replay, with its own result (replay_out.h).
 */
#include "executor/commands.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/opt.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/bench.h"
#include "executor/load/budget.h"
#include "executor/load/raw_result.h"
#include "executor/load/realtime.h"
#include "executor/load/replay_out.h"
#include "executor/load/synth.h"
#include "executor/load/summary.h"
#include "executor/load/sweep.h"
#include "executor/results/sweep_curve.h"

static const char *const backends[] = { "vllm", "sglang", "openai", "lmdeploy", "scalellm",
					"openai-chat", NULL };
static const char *const datasets[] = { "random", "trace", "multi-turn",
					"generated-shared-prefix", "prefix-repetition", NULL };
static const char *const formats[] = { "ids", "text", NULL };
static const char *const schemas[] = { "v1", "v2", NULL }; /* enum result_schema's order */

/* The options that are not a config field as given. */
struct bench_args {
	const char *base_url, *host;   /* the URL: --base-url, else http://{host}:{port} */
	long port;
	long num_prompts;              /* 0: not given (follows --max-concurrency) */
	long num_warmups;              /* -1: not given (follows --max-concurrency) */
	long seed;
	const char *prompt_format;     /* NULL: the config's default */
	const char *result_schema;     /* NULL: v1 */
	const char *percentile_metrics, *metric_percentiles; /* NULL: the config's defaults */
	struct strvec goodput, metadata; /* v owned; items borrowed from argv */
	bool no_ignore_eos, disable_tqdm, save_result, realtime;
	const char *result_dir, *result_filename;
	struct buf url;                /* owned: what cfg->base_url borrows */
	double *percentiles;           /* owned: what cfg->percentiles borrows when given */
	double max_failed_pct;         /* the failure gate: exit 1 above this % failed */
	const char *ramp_strategy;     /* NULL: no ramp */
	double ramp_start_rps, ramp_end_rps; /* NAN: not given */
	struct sweep_opts sweep;       /* points 0: no sweep */
	const char *dataset_name;      /* NULL: random */
	const char *dataset_path;      /* trace: the trace file */
	double duration_s;             /* trace: the bound (0: every session once) */
	bool drain;                    /* trace: wait for the turns in flight at the bound */
	double trace_idle_cap_s, system_idle_cap_s; /* trace: AIPerf's idle caps; 0: none */
	double start_min, start_max;   /* trace: AIPerf's trajectory start ratios */
	long warmup_per_lane;          /* trace: one-token requests after each lane's primer */
	const char *session_header;    /* trace: the header naming the session */
	bool no_session_header;
	const char *records_dir;       /* trace: where profile_export.jsonl goes */
	/* the synthetic workloads (synth.h), replayed as traces; option names as SGLang's
	 * (--gsp-*) and vLLM's (--prefix-repetition-*) */
	long mt_sessions, mt_turns, mt_system_len, mt_user_len, mt_output_len;
	double mt_think_ms;
	long gsp_groups, gsp_per_group, gsp_system_len, gsp_question_len, gsp_output_len;
	long pr_prefix_len, pr_suffix_len, pr_prefixes, pr_output_len;
	const char *save_trace;        /* synthetic: keep the generated trace there */
	struct buf synth_path;         /* owned: the generated trace's file */
	bool synth_temp;               /* synth_path is a temporary file: removed at the end */
};

static void args_init(struct bench_args *a)
{
	memset(a, 0, sizeof(*a));
	a->host = "127.0.0.1";
	a->port = 8000;
	a->num_warmups = -1;
	a->max_failed_pct = 5; /* upstream's client (benchmark_serving.py at 843c6254f) */
	a->result_dir = ".";
	a->ramp_start_rps = a->ramp_end_rps = NAN;
	a->sweep.oversat_min_s = 10;
	a->session_header = "X-Session-ID";
	a->mt_sessions = 16, a->mt_turns = 8, a->mt_system_len = 1024, a->mt_user_len = 128;
	a->mt_output_len = 64;
	a->gsp_groups = 64, a->gsp_per_group = 16, a->gsp_system_len = 2048;
	a->gsp_question_len = 128, a->gsp_output_len = 256; /* SGLang's defaults */
	a->pr_prefix_len = 256, a->pr_suffix_len = 256, a->pr_prefixes = 10;
	a->pr_output_len = 128; /* vLLM's defaults */
	buf_init(&a->url);
	buf_init(&a->synth_path);
}

static void args_release(struct bench_args *a)
{
	free(a->goodput.v);
	free(a->metadata.v);
	free(a->percentiles);
	buf_release(&a->url);
	if (a->synth_temp)
		unlink(a->synth_path.s);
	buf_release(&a->synth_path);
}

static const char bench_usage[] = "executor bench --model NAME [options]";
static const char bench_summary_text[] =
	"Drives an OpenAI-compatible server with streaming requests and reports what the "
	"server did: TTFT, TPOT, ITL, E2EL and throughput (executor-spec section 4).";
static const char bench_epilog[] =
	"A failed request is counted under its reason in the result's \"failures\".\n";

/* The table, pointing into this call's cfg and a. 0; 1 when --help was asked for (the help
 * is in help); -1 on a usage error. */
static int parse_options(struct bench_config *cfg, struct bench_args *a, int argc,
			 char **argv, struct buf *help, struct diags *d)
{
#define ROW(n, t, dst, mv, help) { n, t, 0, dst, mv, help, 0, NULL, NULL }
	const struct opt rows[] = {
		{ "backend", OPT_STR, 0, &cfg->backend, "NAME", "API flavour; openai-chat uses "
		  "chat completions (default vllm)", 0, backends, NULL },
		ROW("base-url", OPT_STR, &a->base_url, "URL", "server URL, e.g. http://127.0.0.1:8000"),
		ROW("host", OPT_STR, &a->host, "HOST", "server host without --base-url (127.0.0.1)"),
		{ "port", OPT_INT, 0, &a->port, "N", "server port without --base-url (8000)", 1,
		  NULL, NULL },
		ROW("endpoint", OPT_STR, &cfg->endpoint, "PATH", "API path (default /v1/completions)"),
		{ "model", OPT_STR, OPT_REQUIRED, &cfg->model_id, "NAME", "model id", 0, NULL, NULL },
		ROW("served-model-name", OPT_STR, &cfg->served_model, "NAME", "model name in requests"),
		ROW("tokenizer", OPT_STR, &cfg->tokenizer_id, "NAME", "only sets tokenizer_id"),
		ROW("tokenizer-mode", OPT_STR, NULL, "MODE", "accepted, no effect"),
		ROW("trust-remote-code", OPT_FLAG, NULL, NULL, "accepted, no effect"),
		{ "dataset-name", OPT_STR, 0, &a->dataset_name, "NAME", "dataset (random); trace "
		  "replays --dataset-path", 0, datasets, NULL },
		ROW("dataset-path", OPT_STR, &a->dataset_path, "FILE", "trace: Mooncake or AgentX "
		    "JSONL"),
		ROW("duration", OPT_DOUBLE, &a->duration_s, "S", "trace: end the replay after S "
		    "seconds, replaying the file again as needed (default: every session once)"),
		ROW("drain", OPT_FLAG, &a->drain, NULL, "trace: at --duration wait for the turns in "
		    "flight (default: cut them)"),
		ROW("trace-idle-gap-cap-seconds", OPT_DOUBLE, &a->trace_idle_cap_s, "S", "trace: "
		    "a session tree with nothing in flight waits at most S s for its next turn "
		    "(AIPerf's; upstream's run: 300; 0: the recorded gaps)"),
		ROW("system-idle-gap-cap-seconds", OPT_DOUBLE, &a->system_idle_cap_s, "S", "trace: "
		    "with nothing in flight anywhere, the next turn or row comes within S s "
		    "(AIPerf's; its agentx scenario: 10; 0: none)"),
		ROW("trajectory-start-min-ratio", OPT_DOUBLE, &a->start_min, "R", "trace: a session "
		    "starts at a step drawn in [R, max] of its steps, lanes warmed first (AIPerf's; "
		    "upstream's run: 0.25; default 0)"),
		ROW("trajectory-start-max-ratio", OPT_DOUBLE, &a->start_max, "R", "trace: the "
		    "draw's upper bound (upstream's run: 0.75; default 0: start at step 0)"),
		{ "warmup-requests-per-lane", OPT_INT, 0, &a->warmup_per_lane, "N", "trace: after "
		  "each lane's primer, N more steps as one-token requests before the clock starts "
		  "(AIPerf's; upstream's run: 10; default 0)", 0, NULL, NULL },
		ROW("session-header", OPT_STR, &a->session_header, "NAME", "trace: header naming "
		    "the session (X-Session-ID)"),
		ROW("no-session-header", OPT_FLAG, &a->no_session_header, NULL, "trace: send none"),
		ROW("records-dir", OPT_STR, &a->records_dir, "DIR", "trace: write AIPerf-style "
		    "profile_export.jsonl there"),
#define N0(n, dst, help) { n, OPT_INT, 0, dst, "N", help, 0, NULL, NULL }
#define N1(n, dst, help) { n, OPT_INT, 0, dst, "N", help, 1, NULL, NULL }
		N1("multi-turn-sessions", &a->mt_sessions, "multi-turn: conversations (16)"),
		N1("multi-turn-turns", &a->mt_turns, "multi-turn: turns each (8)"),
		N0("multi-turn-system-len", &a->mt_system_len, "multi-turn: the shared system "
		   "prompt's tokens (1024)"),
		N0("multi-turn-user-len", &a->mt_user_len, "multi-turn: tokens of each user "
		   "message (128)"),
		N1("multi-turn-output-len", &a->mt_output_len, "multi-turn: max_tokens of each "
		   "answer, added to the conversation (64)"),
		ROW("multi-turn-think-ms", OPT_DOUBLE, &a->mt_think_ms, "MS", "multi-turn: the gap "
		    "after each answer (0)"),
		N1("gsp-num-groups", &a->gsp_groups, "generated-shared-prefix: groups (64)"),
		N1("gsp-prompts-per-group", &a->gsp_per_group, "generated-shared-prefix: prompts "
		   "per group (16)"),
		N0("gsp-system-prompt-len", &a->gsp_system_len, "generated-shared-prefix: each "
		   "group's shared prompt tokens (2048)"),
		N0("gsp-question-len", &a->gsp_question_len, "generated-shared-prefix: each "
		   "prompt's own tokens (128)"),
		N1("gsp-output-len", &a->gsp_output_len, "generated-shared-prefix: max_tokens (256)"),
		N0("prefix-repetition-prefix-len", &a->pr_prefix_len, "prefix-repetition: prefix "
		   "tokens (256)"),
		N0("prefix-repetition-suffix-len", &a->pr_suffix_len, "prefix-repetition: each "
		   "prompt's own tokens (256)"),
		N1("prefix-repetition-num-prefixes", &a->pr_prefixes, "prefix-repetition: distinct "
		   "prefixes (10); the prompts are --num-prompts"),
		N1("prefix-repetition-output-len", &a->pr_output_len, "prefix-repetition: max_tokens "
		   "(128)"),
		ROW("save-trace", OPT_STR, &a->save_trace, "FILE", "multi-turn, "
		    "generated-shared-prefix, prefix-repetition: keep the generated trace there"),
#undef N0
#undef N1
		{ "random-input-len", OPT_INT, 0, &cfg->ds.input_len, "N", "input length (1024)", 1,
		  NULL, NULL },
		{ "random-output-len", OPT_INT, 0, &cfg->ds.output_len, "N", "output length (1024)",
		  1, NULL, NULL },
		ROW("random-range-ratio", OPT_DOUBLE, &cfg->ds.range_ratio, "R",
		    "lengths drawn from [floor(len x R), len] (0.8)"),
		ROW("random-prefix-len", OPT_INT, &cfg->ds.prefix_len, "N", "shared prefix tokens (0)"),
		ROW("use-chat-template", OPT_FLAG, &cfg->use_chat_template, NULL,
		    "prompts are /tokenize'd chat messages"),
		{ "num-prompts", OPT_INT, 0, &a->num_prompts, "N",
		  "timed requests (10 x max-concurrency, 1000 if unlimited)", 1, NULL, NULL },
		{ "max-concurrency", OPT_INT, 0, &cfg->max_concurrency, "N", "requests in flight at "
		  "most (unlimited)", 1, NULL, NULL },
		ROW("request-rate", OPT_DOUBLE, &cfg->request_rate, "R", "requests/s, or inf (inf)"),
		ROW("burstiness", OPT_DOUBLE, &cfg->burstiness, "B", "gamma shape of the gaps (1.0)"),
		{ "ramp-up-strategy", OPT_STR, 0, &a->ramp_strategy, "S", "the rate rises from "
		  "--ramp-up-start-rps to --ramp-up-end-rps over the requests, linear or "
		  "exponential (not with --request-rate)", 0, ramp_strategy_names, NULL },
		ROW("ramp-up-start-rps", OPT_DOUBLE, &a->ramp_start_rps, "R",
		    "the first request's rate (> 0)"),
		ROW("ramp-up-end-rps", OPT_DOUBLE, &a->ramp_end_rps, "R",
		    "the last request's rate (>= start)"),
		{ "sweep", OPT_INT, 0, &a->sweep.points, "N", "ours: a rate sweep of N >= 2 points: "
		  "synchronous, throughput, then N - 2 rates between (one result each)", 2, NULL,
		  NULL },
		ROW("sweep-max-seconds", OPT_DOUBLE, &a->sweep.max_seconds, "S",
		    "ours: a sweep point's load at most S seconds (no limit)"),
		ROW("sweep-oversat-min-seconds", OPT_DOUBLE, &a->sweep.oversat_min_s, "S",
		    "ours: over-saturation is judged after S seconds of a paced point (10)"),
		{ "seed", OPT_INT, 0, &a->seed, "N", "random seed (0)", LONG_MIN, NULL, NULL },
		{ "ignore-eos", OPT_FLAG, 0, NULL, NULL, "send ignore_eos (default on)", 0, NULL,
		  "no-ignore-eos" },
		ROW("num-warmups", OPT_INT, &a->num_warmups, "N",
		    "untimed requests first (2 x max-concurrency, 0 if unlimited)"),
		{ "best-of", OPT_INT, 0, &cfg->best_of, "N", "best_of (1)", 1, NULL, NULL },
		ROW("percentile-metrics", OPT_STR, &a->percentile_metrics, "LIST",
		    "comma-separated of ttft,tpot,itl,e2el (all)"),
		ROW("metric-percentiles", OPT_STR, &a->metric_percentiles, "LIST",
		    "comma-separated percentiles (99; v2: 90,99,99.9)"),
		ROW("goodput", OPT_LIST, &a->goodput, "KEY:MS", "good when each metric <= MS (ttft, "
		    "tpot, e2el)"),
		ROW("save-result", OPT_FLAG, &a->save_result, NULL, "write the raw result JSON"),
		ROW("save-detailed", OPT_FLAG, &cfg->save_detailed, NULL, "add per-request lists"),
		ROW("result-dir", OPT_STR, &a->result_dir, "DIR", "where the result goes (.)"),
		ROW("result-filename", OPT_STR, &a->result_filename, "NAME", "result file name"),
		ROW("metadata", OPT_LIST, &a->metadata, "KEY=VALUE", "extra string keys in the result"),
		ROW("max-failed-pct", OPT_DOUBLE, &a->max_failed_pct, "PCT",
		    "exit 1 when more than PCT % of the timed requests failed (5)"),
		ROW("disable-tqdm", OPT_FLAG, &a->disable_tqdm, NULL, "no progress bar"),
		ROW("profile", OPT_FLAG, &cfg->profile, NULL, "POST /start_profile and /stop_profile"),
		{ "prompt-format", OPT_STR, 0, &a->prompt_format, "F",
		  "ours: token ids or words (ids)", 0, formats, NULL },
		ROW("no-ignore-eos", OPT_FLAG, &a->no_ignore_eos, NULL, "ours: do not send ignore_eos"),
		ROW("request-timeout", OPT_DOUBLE, &cfg->request_timeout_s, "S",
		    "ours: per-request limit in seconds (21600)"),
		{ "result-schema", OPT_STR, 0, &a->result_schema, "V", "ours: raw result layout; v2 "
		  "is upstream's newer client's (v1)", 0, schemas, NULL },
		ROW("server-metrics-interval", OPT_DOUBLE, &cfg->server_metrics_interval_s, "S",
		    "ours: scrape /metrics before, every S s during and after the load (0: off)"),
		ROW("continuous-usage-stats", OPT_FLAG, &cfg->continuous_usage, NULL,
		    "ours: usage in every chunk, for ITL per token"),
		ROW("realtime", OPT_FLAG, &a->realtime, NULL, "ours: the client in the SCHED_FIFO "
		    "real-time class (root or CAP_SYS_NICE), run ahead of the node's other work"),
		ROW("allow-output-len-mismatch", OPT_FLAG, &cfg->allow_output_len_mismatch, NULL,
		    "ours: a server ignoring max_tokens is not an error"),
	};
#undef ROW
	const struct opt_cmd cmd = { bench_usage, bench_summary_text, rows,
				     sizeof(rows) / sizeof(rows[0]), bench_epilog };
	return opt_parse_or_help(&cmd, argc, argv, NULL, help, d);
}

static int parse_metrics(struct bench_config *cfg, const char *list, struct diags *d)
{
	for (int m = 0; m < METRIC_NR; m++)
		cfg->metrics[m] = false;
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int m = 0;
		while (m < METRIC_NR && strcmp(metric_names[m], t))
			m++;
		if (m == METRIC_NR)
			rc = diags_usagef(d, "--percentile-metrics: unknown metric '%s' (choose from "
					  "ttft, tpot, itl, e2el)", t);
		else
			cfg->metrics[m] = true;
	}
	free(copy);
	return rc;
}

static int parse_percentiles(struct bench_config *cfg, struct bench_args *a, struct diags *d)
{
	char *copy = xstrdup(a->metric_percentiles), *save = NULL;
	size_t nr = 0, alloc = 0;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		double p = strtod(t, &end);
		if (end == t || *end || !(p >= 0 && p <= 100)) {
			rc = diags_usagef(d, "--metric-percentiles: expected numbers in [0, 100], "
					  "found '%s'", t);
			continue;
		}
		VEC_GROW(a->percentiles, nr + 1, alloc);
		a->percentiles[nr++] = p;
	}
	free(copy);
	if (!nr && !rc)
		rc = diags_usagef(d, "--metric-percentiles: no percentile in '%s'",
				  a->metric_percentiles);
	cfg->percentiles = a->percentiles;
	cfg->percentiles_nr = nr;
	return rc;
}

static int parse_goodput(struct bench_config *cfg, const struct bench_args *a, struct diags *d)
{
	static const int keys[] = { METRIC_TTFT, METRIC_TPOT, METRIC_E2EL };
	int rc = 0;
	for (size_t i = 0; i < a->goodput.nr; i++) {
		const char *item = a->goodput.v[i], *colon = strchr(item, ':');
		int m = -1;
		for (int k = 0; colon && k < 3; k++)
			if (strlen(metric_names[keys[k]]) == (size_t)(colon - item) &&
			    !strncmp(item, metric_names[keys[k]], (size_t)(colon - item)))
				m = keys[k];
		char *end = NULL;
		double ms = colon ? strtod(colon + 1, &end) : -1;
		if (m < 0 || end == colon + 1 || *end || !(ms >= 0) || isinf(ms)) {
			rc = diags_usagef(d, "--goodput: expected KEY:MS with KEY in ttft, tpot, "
					  "e2el and MS >= 0, found '%s'", item);
			continue;
		}
		cfg->goodput_ms[m] = ms;
	}
	cfg->goodput = a->goodput.nr > 0;
	return rc;
}

/* vLLM's rules (serve.py main_async): a strategy needs both rates and no --request-rate;
 * ours also wants start > 0 for linear (vLLM's first request would fail its rate assert) */
static int set_ramp(struct bench_config *cfg, const struct bench_args *a, struct diags *d)
{
	bool rates = !isnan(a->ramp_start_rps) || !isnan(a->ramp_end_rps);
	if (!a->ramp_strategy)
		return rates ? diags_usagef(d, "--ramp-up-start-rps and --ramp-up-end-rps need "
					    "--ramp-up-strategy") : 0;
	if (isnan(a->ramp_start_rps) || isnan(a->ramp_end_rps))
		return diags_usagef(d, "--ramp-up-strategy needs both --ramp-up-start-rps and "
				    "--ramp-up-end-rps");
	if (isfinite(cfg->request_rate))
		return diags_usagef(d, "--ramp-up-strategy sets the rate: remove --request-rate");
	cfg->ramp.strategy = strcmp(a->ramp_strategy, "linear") ? RAMP_EXPONENTIAL : RAMP_LINEAR;
	cfg->ramp.start_rps = a->ramp_start_rps;
	cfg->ramp.end_rps = a->ramp_end_rps;
	cfg->request_rate = a->ramp_end_rps; /* paced (config.h) */
	return 0;
}

static int check_sweep(const struct bench_config *cfg, const struct bench_args *a,
		       struct diags *d)
{
	if (!a->sweep.points)
		return a->sweep.max_seconds > 0 ? diags_usagef(d, "--sweep-max-seconds needs "
							      "--sweep") : 0;
	if (isfinite(cfg->request_rate) || a->ramp_strategy)
		return diags_usagef(d, "--sweep sets the rates: remove --request-rate and "
				    "--ramp-up-strategy");
	return 0;
}

static int check_metadata(const struct bench_args *a, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < a->metadata.nr; i++) {
		char *key = NULL, *value = NULL;
		if (metadata_parse(&key, &value, a->metadata.v[i], d) < 0)
			rc = -1;
		free(key);
		free(value);
	}
	return rc;
}

/* The parsed options into the config fields no row stores into, then the rules that are not
 * a single row (messages in the order the checks ran before: config rules, metadata, then
 * the lists, stopping at the first list that fails). */
static int finish_config(struct bench_config *cfg, struct bench_args *a, struct diags *d)
{
	if (!cfg->served_model)
		cfg->served_model = cfg->model_id;
	cfg->api = !strcmp(cfg->backend, "openai-chat") ? &api_chat : &api_completions;
	if (a->base_url) {
		bench_config_set_url(cfg, &a->url, a->base_url);
	} else {
		struct buf url = BUF_INIT;
		buf_addf(&url, "http://%s:%ld", a->host, a->port);
		bench_config_set_url(cfg, &a->url, url.s);
		buf_release(&url);
	}
	if (bench_config_set_concurrency(cfg, cfg->max_concurrency, d))
		return -1;
	if (a->num_prompts)
		cfg->ds.num_prompts = (size_t)a->num_prompts;
	if (a->num_warmups >= 0)
		cfg->num_warmups = a->num_warmups;
	cfg->ds.seed = (uint64_t)a->seed;
	if (a->prompt_format)
		cfg->ds.format = !strcmp(a->prompt_format, "text") ? PROMPT_TEXT : PROMPT_IDS;
	cfg->ignore_eos = !a->no_ignore_eos;
	cfg->metadata = a->metadata.v;
	cfg->metadata_nr = a->metadata.nr;
	cfg->progress = !a->disable_tqdm;
	/* before the percentiles: v2 brings its own default list */
	if (a->result_schema)
		bench_config_set_schema(cfg, !strcmp(a->result_schema, "v2") ? RESULT_SCHEMA_V2
									     : RESULT_SCHEMA_V1);
	if (check_sweep(cfg, a, d) || set_ramp(cfg, a, d))
		return -1;
	int rc = bench_config_check(cfg, d);
	if (check_metadata(a, d))
		rc = -1;
	if ((a->percentile_metrics && parse_metrics(cfg, a->percentile_metrics, d)) ||
	    (a->metric_percentiles && parse_percentiles(cfg, a, d)) || parse_goodput(cfg, a, d))
		rc = -1;
	return rc;
}

/* {backend}-{rate}qps[-concurrency{N}]-{model's last path part}-{date}.json; with a ramp
 * {backend}-ramp-up-{strategy}-{start}qps-{end}qps[...] as vLLM names it */
static void default_filename(struct buf *out, const struct bench_config *cfg, double date)
{
	char rate[32], stamp[32];
	if (isfinite(cfg->request_rate))
		fmt_double_py(rate, cfg->request_rate);
	else
		strcpy(rate, "inf");
	result_date(stamp, sizeof(stamp), date);
	const char *slash = strrchr(cfg->model_id, '/');
	if (cfg->ramp.strategy != RAMP_NONE) {
		char start[32], end[32];
		fmt_double_py(start, cfg->ramp.start_rps);
		fmt_double_py(end, cfg->ramp.end_rps);
		buf_addf(out, "%s-ramp-up-%s-%sqps-%sqps", cfg->backend,
			 ramp_strategy_names[cfg->ramp.strategy - 1], start, end);
	} else {
		buf_addf(out, "%s-%sqps", cfg->backend, rate);
	}
	if (cfg->max_concurrency)
		buf_addf(out, "-concurrency%ld", cfg->max_concurrency);
	buf_addf(out, "-%s-%s.json", slash ? slash + 1 : cfg->model_id, stamp);
}

static int save_result(const struct bench_config *cfg, const struct bench_args *a,
		       const struct bench_result *res, struct diags *d)
{
	struct buf json = BUF_INIT, path = BUF_INIT;
	bench_result_write_json(&json, cfg, res);
	int rc = mkdir_p(a->result_dir, d);
	buf_addf(&path, "%s/", a->result_dir);
	if (a->result_filename)
		buf_adds(&path, a->result_filename);
	else
		default_filename(&path, cfg, res->date_unix);
	if (!rc)
		rc = file_write_atomic(path.s, json.s, json.len, d);
	if (!rc && res->scraped) {
		/* beside the result: NAME.json -> NAME.server_metrics.json */
		if (path.len > 5 && !strcmp(path.s + path.len - 5, ".json"))
			buf_setlen(&path, path.len - 5);
		buf_adds(&path, ".server_metrics.json");
		buf_reset(&json);
		scrapes_write_json(&json, &res->scrapes);
		rc = file_write_atomic(path.s, json.s, json.len, d);
	}
	buf_release(&json);
	buf_release(&path);
	return rc;
}

/* A sweep's file names: {stem}-{NN}-{strategy}[-{rate}qps].json per point and
 * {stem}-sweep.json, stem being --result-filename less ".json", else
 * {backend}-{model's last path part}-{date}. */
static void sweep_stem(struct buf *out, const struct bench_config *cfg,
		       const struct bench_args *a, double date)
{
	if (a->result_filename) {
		size_t n = strlen(a->result_filename);
		if (n > 5 && !strcmp(a->result_filename + n - 5, ".json"))
			n -= 5;
		buf_add(out, a->result_filename, n);
		return;
	}
	char stamp[32];
	result_date(stamp, sizeof(stamp), date);
	const char *slash = strrchr(cfg->model_id, '/');
	buf_addf(out, "%s-%s-%s", cfg->backend, slash ? slash + 1 : cfg->model_id, stamp);
}

static int print_stdout(const struct buf *b, struct diags *d)
{
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) || ferror(stdout))
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
	return 0;
}

/* Upstream's client fails a run when more than 5% of its requests failed, after the result
 * is saved (1 - completed / num_prompts > 0.05); here the bound is --max-failed-pct. */
struct sweep_out {
	const struct bench_args *a;
	struct buf stem;
	long points;
	bool failed;               /* a point failed the gate or completed nothing */
};

/* One finished sweep point: its summary on stdout, its raw result, the failure gate over
 * the requests that ended on their own (the ones the sweep cut are interrupted). */
static int sweep_point_done(struct sweep_point *p, const struct bench_config *cfg,
			    const struct bench_result *res, void *data, struct diags *d)
{
	struct sweep_out *so = data;
	struct buf out = BUF_INIT;
	char rate[32] = "";
	if (isfinite(p->rate))
		snprintf(rate, sizeof(rate), "-%.2fqps", p->rate);
	buf_addf(&out, "---- sweep point %zu/%ld: %s%s%s ----\n", p->index, so->points,
		 sweep_kind_names[p->kind], rate,
		 p->over_saturated ? " (stopped: over-saturated)" :
		 p->time_limited ? " (stopped: time limit)" : "");
	bench_summary(&out, cfg, res);
	int rc = print_stdout(&out, d);
	buf_release(&out);
	if (so->a->save_result) {
		struct buf json = BUF_INIT, name = BUF_INIT, path = BUF_INIT;
		bench_result_write_json(&json, cfg, res);
		buf_addf(&name, "%s-%02zu-%s%s.json", so->stem.s, p->index,
			 sweep_kind_names[p->kind], rate);
		buf_addf(&path, "%s/%s", so->a->result_dir, name.s);
		if (!rc)
			rc = file_write_atomic(path.s, json.s, json.len, d);
		p->result_file = buf_take(&name, NULL);
		buf_release(&json);
		buf_release(&path);
	}
	/* the gate counts the requests that ended on their own: the sweep's cut is not theirs */
	long interrupted = p->over_saturated || p->time_limited ?
			   res->fail_counts[FAIL_INTERRUPTED] : 0;
	double ended = (double)res->nr - (double)interrupted;
	double failed_pct = ended > 0 ? 100.0 * (ended - (double)res->completed) / ended : 0;
	if (!res->completed || failed_pct > so->a->max_failed_pct)
		so->failed = true;
	return rc;
}

/* --sweep N: the points (sweep.h), each written as it ends, then the summary and its
 * latency-throughput table (the one `aggregate` prints from the summary). */
static int run_sweep(const struct bench_config *cfg, const struct bench_args *a,
		     struct diags *d)
{
	if (load_budget_check(cfg, d))
		return EXIT_FAIL;
	struct sweep_out so = { .a = a, .stem = BUF_INIT, .points = a->sweep.points };
	sweep_stem(&so.stem, cfg, a, clock_wall_s());
	int rc = a->save_result ? mkdir_p(a->result_dir, d) : 0;
	struct sweep sw;
	memset(&sw, 0, sizeof(sw));
	if (!rc)
		rc = sweep_run(&sw, cfg, &a->sweep, sweep_point_done, &so, d);
	if (sw.nr) {
		struct buf json = BUF_INIT, table = BUF_INIT;
		sweep_summary_json(&json, &sw, cfg, &a->sweep);
		if (sweep_curve_markdown_json(&table, json.s, json.len, "sweep", d) ||
		    print_stdout(&table, d))
			rc = -1;
		if (a->save_result) {
			struct buf path = BUF_INIT;
			buf_addf(&path, "%s/%s-sweep.json", a->result_dir, so.stem.s);
			if (file_write_atomic(path.s, json.s, json.len, d))
				rc = -1;
			buf_release(&path);
		}
		buf_release(&json);
		buf_release(&table);
	}
	if (!rc && so.failed)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "a sweep point completed nothing or more "
				  "than %g%% of its requests failed (--max-failed-pct)",
				  a->max_failed_pct);
	sweep_release(&sw);
	buf_release(&so.stem);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

static int run_bench(const struct bench_config *cfg, const struct bench_args *a,
		     struct diags *d)
{
	struct bench_result res;
	/* refused before the first allocation, not by malloc half-way */
	if (load_budget_check(cfg, d))
		return EXIT_FAIL;
	int rc = bench_run(&res, cfg, d);
	if (res.measured) {
		struct buf out = BUF_INIT;
		bench_summary(&out, cfg, &res);
		if (print_stdout(&out, d))
			rc = -1;
		buf_release(&out);
		if (a->save_result && save_result(cfg, a, &res, d))
			rc = -1;
		if (*cfg->stop)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "interrupted");
		else if (!res.completed && res.nr)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "no request succeeded (failures: "
					  "see the summary)");
		else if (bench_failure_gate(&res, a->max_failed_pct, "--max-failed-pct", d))
			rc = -1;
		else if (bench_ignores_max_tokens(&res) && !cfg->allow_output_len_mismatch)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "the server ignores max_tokens%s: "
					  "%ld of %ld successful requests got another number "
					  "of tokens than asked (--allow-output-len-mismatch "
					  "accepts it)", cfg->ignore_eos ? " or ignore_eos" : "",
					  res.output_len_mismatches, res.completed);
	}
	bench_result_release(&res);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

static bool is_synth(const struct bench_args *a, enum synth_kind *kind)
{
	for (int k = 0; k < 3; k++)
		if (a->dataset_name && !strcmp(a->dataset_name, synth_names[k])) {
			if (kind)
				*kind = (enum synth_kind)k;
			return true;
		}
	return false;
}

/* A replay: of a trace file, or of a synthetic workload written as one. */
static bool is_trace(const struct bench_args *a)
{
	return a->dataset_name && (!strcmp(a->dataset_name, "trace") || is_synth(a, NULL));
}

/* The synthetic workload's trace, into --save-trace or a temporary file that
 * dataset_path then names. */
static int write_synth(struct bench_args *a, const struct bench_config *cfg, struct diags *d)
{
	struct synth_config c = { .seed = cfg->ds.seed };
	is_synth(a, &c.kind);
	switch (c.kind) {
	case SYNTH_MULTI_TURN:
		c.sessions = a->mt_sessions, c.turns = a->mt_turns, c.system_len = a->mt_system_len;
		c.user_len = a->mt_user_len, c.output_len = a->mt_output_len;
		c.think_s = a->mt_think_ms / 1000;
		if (!(a->mt_think_ms >= 0 && a->mt_think_ms < 1e9))
			return diags_usagef(d, "--multi-turn-think-ms: expected milliseconds >= 0, "
					    "found %g", a->mt_think_ms);
		if (!c.system_len && !c.user_len)
			return diags_usagef(d, "multi-turn: --multi-turn-system-len and "
					    "--multi-turn-user-len are both 0: the first prompt is empty");
		break;
	case SYNTH_GSP:
		c.groups = a->gsp_groups, c.per_group = a->gsp_per_group;
		c.system_len = a->gsp_system_len, c.question_len = a->gsp_question_len;
		c.output_len = a->gsp_output_len;
		if (!c.system_len && !c.question_len)
			return diags_usagef(d, "generated-shared-prefix: --gsp-system-prompt-len and "
					    "--gsp-question-len are both 0: the prompts are empty");
		break;
	case SYNTH_PREFIX_REPETITION:
		c.prompts = a->num_prompts ? a->num_prompts : 1000, c.prefixes = a->pr_prefixes;
		c.system_len = a->pr_prefix_len, c.suffix_len = a->pr_suffix_len;
		c.output_len = a->pr_output_len;
		if (!c.system_len && !c.suffix_len)
			return diags_usagef(d, "prefix-repetition: --prefix-repetition-prefix-len and "
					    "--prefix-repetition-suffix-len are both 0: the prompts are "
					    "empty");
		break;
	}
	struct buf text = BUF_INIT;
	synth_write(&text, &c);
	int rc;
	if (a->save_trace) {
		buf_adds(&a->synth_path, a->save_trace);
		rc = file_write_atomic(a->synth_path.s, text.s, text.len, d);
	} else {
		const char *tmp = getenv("TMPDIR");
		buf_addf(&a->synth_path, "%s/infbench-synth-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		int fd = mkstemp(a->synth_path.s);
		rc = fd < 0 ? diags_errorf(d, a->synth_path.s, 0, 0, NULL, "cannot create: %s",
					   strerror(errno)) : 0;
		if (fd >= 0) {
			a->synth_temp = true;
			close(fd);
			rc = file_overwrite(a->synth_path.s, text.s, text.len, d);
		}
	}
	buf_release(&text);
	a->dataset_path = a->synth_path.s;
	return rc;
}

/* The options a replay takes or refuses (the random dataset's own are ignored). */
static int check_trace(const struct bench_config *cfg, const struct bench_args *a,
		       struct diags *d)
{
	if (!is_trace(a))
		return a->dataset_path || a->duration_s || a->drain || a->records_dir ||
		       a->save_trace || a->trace_idle_cap_s || a->system_idle_cap_s ||
		       a->start_min || a->start_max || a->warmup_per_lane ?
		       diags_usagef(d, "--dataset-path, --duration, --drain, --records-dir, "
				    "--save-trace, the idle gap caps and the warm start need "
				    "--dataset-name "
				    "trace or a synthetic one "
				    "(multi-turn, generated-shared-prefix, prefix-repetition)") : 0;
	if (is_synth(a, NULL) && a->dataset_path)
		return diags_usagef(d, "--dataset-name %s makes its own trace: remove "
				    "--dataset-path", a->dataset_name);
	if (!is_synth(a, NULL) && a->save_trace)
		return diags_usagef(d, "--save-trace goes with a synthetic --dataset-name");
	if (!is_synth(a, NULL) && !a->dataset_path)
		return diags_usagef(d, "--dataset-name trace needs --dataset-path FILE");
	if (a->sweep.points || isfinite(cfg->request_rate) || a->ramp_strategy)
		return diags_usagef(d, "--dataset-name trace: the trace sets the times: remove "
				    "--request-rate, --ramp-up-strategy and --sweep");
	const struct { const char *name; double v; } secs[] = {
		{ "--duration", a->duration_s },
		{ "--trace-idle-gap-cap-seconds", a->trace_idle_cap_s },
		{ "--system-idle-gap-cap-seconds", a->system_idle_cap_s },
	};
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (!(secs[i].v >= 0) || isinf(secs[i].v) || secs[i].v > 1e9)
			return diags_usagef(d, "%s: expected seconds >= 0, found %g", secs[i].name,
					    secs[i].v);
	if (!(a->start_min >= 0 && a->start_min <= 1) || !(a->start_max >= 0 && a->start_max <= 1))
		return diags_usagef(d, "--trajectory-start-min-ratio / -max-ratio: expected "
				    "ratios in [0, 1], found %g and %g", a->start_min, a->start_max);
	if (a->start_min > a->start_max)
		return diags_usagef(d, "--trajectory-start-min-ratio %g is above "
				    "--trajectory-start-max-ratio %g", a->start_min, a->start_max);
	return 0;
}

/* --dataset-name trace: the replay, its summary, its result and its AIPerf-style records. */
static int run_replay(const struct bench_config *cfg, struct bench_args *a,
		      struct diags *d)
{
	if (is_synth(a, NULL) && write_synth(a, cfg, d))
		return EXIT_FAIL;
	struct replay_config rc = { .bench = cfg, .trace_path = a->dataset_path,
				    .max_sessions = cfg->max_concurrency,
				    .duration_s = a->duration_s, .drain = a->drain,
				    .session_header = a->no_session_header ? NULL :
						      a->session_header,
				    .trace_idle_cap_s = a->trace_idle_cap_s,
				    .system_idle_cap_s = a->system_idle_cap_s,
				    .start_min = a->start_min, .start_max = a->start_max,
				    .warmup_per_lane = a->warmup_per_lane };
	struct replay_result res;
	int rc_ = replay_run(&res, &rc, d);
	if (res.measured) {
		struct buf out = BUF_INIT, path = BUF_INIT;
		replay_summary(&out, &rc, &res);
		if (print_stdout(&out, d))
			rc_ = -1;
		if (a->save_result) {
			buf_reset(&out);
			replay_result_json(&out, &rc, &res);
			buf_addf(&path, "%s/%s", a->result_dir,
				 a->result_filename ? a->result_filename : "trace-replay.json");
			if (mkdir_p(a->result_dir, d) || file_write_atomic(path.s, out.s, out.len, d))
				rc_ = -1;
		}
		if (a->records_dir) {
			buf_reset(&out);
			buf_reset(&path);
			replay_records_jsonl(&out, &res);
			buf_addf(&path, "%s/profile_export.jsonl", a->records_dir);
			if (mkdir_p(a->records_dir, d) ||
			    file_write_atomic(path.s, out.s, out.len, d))
				rc_ = -1;
		}
		buf_release(&out);
		buf_release(&path);
		if (!rc_ && *cfg->stop)
			rc_ = diags_errorf(d, NULL, 0, 0, NULL, "interrupted");
	}
	replay_result_release(&res);
	return rc_ < 0 ? EXIT_FAIL : EXIT_OK;
}

int cmd_bench(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d)
{
	struct bench_config cfg;
	struct bench_args a;
	struct buf help = BUF_INIT;
	bench_config_init(&cfg);
	cfg.stop = stop;
	args_init(&a);
	int rc = parse_options(&cfg, &a, argc, argv, &help, d);
	int status = EXIT_USAGE;
	if (rc == 1)
		status = print_stdout(&help, d) ? EXIT_FAIL : EXIT_OK;
	else if (rc == 0 && !finish_config(&cfg, &a, d) && !check_trace(&cfg, &a, d))
		status = a.realtime && load_take_realtime(d) ? EXIT_FAIL :
			 is_trace(&a) ? run_replay(&cfg, &a, d) :
			 a.sweep.points ? run_sweep(&cfg, &a, d) : run_bench(&cfg, &a, d);
	args_release(&a);
	buf_release(&help);
	return status;
}
