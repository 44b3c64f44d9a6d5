/* cmd_bench: see cmd_bench.h. The option table follows executor-spec 4.1 row for row; the
 * last three rows are ours. */
#include "executor/commands.h"
#include "executor/cmd_bench.h"

#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/opt.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/bench.h"
#include "executor/load/load.h"
#include "executor/load/raw_result.h"
#include "executor/load/summary.h"

static const char *const backends[] = { "vllm", "sglang", "openai", "lmdeploy", "scalellm",
					"openai-chat", NULL };
static const char *const datasets[] = { "random", NULL };
static const char *const formats[] = { "ids", "text", NULL };

/* Where the options land before they become a bench_config. */
static struct bench_opts {
	const char *backend, *base_url, *host, *endpoint, *model, *served, *tokenizer;
	const char *tokenizer_mode, *dataset, *percentile_metrics, *metric_percentiles;
	const char *result_dir, *result_filename, *prompt_format;
	long port, input_len, output_len, prefix_len, num_prompts, max_conc, seed;
	long num_warmups, best_of;
	double ratio, rate, burstiness, timeout_s;
	bool trust, chat_template, ignore_eos, no_ignore_eos, save_result, save_detailed;
	bool disable_tqdm, profile;
	struct strvec goodput, metadata;
} o;

#define ROW(n, t, dst, mv, help) { n, t, 0, dst, mv, help, 0, NULL, NULL }
static const struct opt bench_opts[] = {
	{ "backend", OPT_STR, 0, &o.backend, "NAME", "API flavour; openai-chat uses chat "
	  "completions (default vllm)", 0, backends, NULL },
	ROW("base-url", OPT_STR, &o.base_url, "URL", "server URL, e.g. http://127.0.0.1:8000"),
	ROW("host", OPT_STR, &o.host, "HOST", "server host without --base-url (127.0.0.1)"),
	{ "port", OPT_INT, 0, &o.port, "N", "server port without --base-url (8000)", 1, NULL,
	  NULL },
	ROW("endpoint", OPT_STR, &o.endpoint, "PATH", "API path (default /v1/completions)"),
	{ "model", OPT_STR, OPT_REQUIRED, &o.model, "NAME", "model id", 0, NULL, NULL },
	ROW("served-model-name", OPT_STR, &o.served, "NAME", "model name in requests"),
	ROW("tokenizer", OPT_STR, &o.tokenizer, "NAME", "only sets tokenizer_id"),
	ROW("tokenizer-mode", OPT_STR, &o.tokenizer_mode, "MODE", "accepted, no effect"),
	ROW("trust-remote-code", OPT_FLAG, &o.trust, NULL, "accepted, no effect"),
	{ "dataset-name", OPT_STR, 0, &o.dataset, "NAME", "dataset", 0, datasets, NULL },
	{ "random-input-len", OPT_INT, 0, &o.input_len, "N", "input length (1024)", 1, NULL,
	  NULL },
	{ "random-output-len", OPT_INT, 0, &o.output_len, "N", "output length (1024)", 1, NULL,
	  NULL },
	ROW("random-range-ratio", OPT_DOUBLE, &o.ratio, "R",
	    "lengths drawn from [floor(len x R), len] (0.8)"),
	ROW("random-prefix-len", OPT_INT, &o.prefix_len, "N", "shared prefix tokens (0)"),
	ROW("use-chat-template", OPT_FLAG, &o.chat_template, NULL,
	    "prompts are /tokenize'd chat messages"),
	{ "num-prompts", OPT_INT, 0, &o.num_prompts, "N",
	  "timed requests (10 x max-concurrency, 1000 if unlimited)", 1, NULL, NULL },
	{ "max-concurrency", OPT_INT, 0, &o.max_conc, "N", "requests in flight at most "
	  "(unlimited)", 1, NULL, NULL },
	ROW("request-rate", OPT_DOUBLE, &o.rate, "R", "requests/s, or inf (inf)"),
	ROW("burstiness", OPT_DOUBLE, &o.burstiness, "B", "gamma shape of the gaps (1.0)"),
	{ "seed", OPT_INT, 0, &o.seed, "N", "random seed (0)", LONG_MIN, NULL, NULL },
	{ "ignore-eos", OPT_FLAG, 0, &o.ignore_eos, NULL, "send ignore_eos (default on)", 0,
	  NULL, "no-ignore-eos" },
	ROW("num-warmups", OPT_INT, &o.num_warmups, "N",
	    "untimed requests first (2 x max-concurrency, 0 if unlimited)"),
	{ "best-of", OPT_INT, 0, &o.best_of, "N", "best_of (1)", 1, NULL, NULL },
	ROW("percentile-metrics", OPT_STR, &o.percentile_metrics, "LIST",
	    "comma-separated of ttft,tpot,itl,e2el (all)"),
	ROW("metric-percentiles", OPT_STR, &o.metric_percentiles, "LIST",
	    "comma-separated percentiles (99)"),
	ROW("goodput", OPT_LIST, &o.goodput, "KEY:MS", "good when each metric <= MS (ttft, "
	    "tpot, e2el)"),
	ROW("save-result", OPT_FLAG, &o.save_result, NULL, "write the raw result JSON"),
	ROW("save-detailed", OPT_FLAG, &o.save_detailed, NULL, "add per-request lists"),
	ROW("result-dir", OPT_STR, &o.result_dir, "DIR", "where the result goes (.)"),
	ROW("result-filename", OPT_STR, &o.result_filename, "NAME", "result file name"),
	ROW("metadata", OPT_LIST, &o.metadata, "KEY=VALUE", "extra string keys in the result"),
	ROW("disable-tqdm", OPT_FLAG, &o.disable_tqdm, NULL, "no progress bar"),
	ROW("profile", OPT_FLAG, &o.profile, NULL, "POST /start_profile and /stop_profile"),
	{ "prompt-format", OPT_STR, 0, &o.prompt_format, "F",
	  "ours: token ids or words (ids)", 0, formats, NULL },
	ROW("no-ignore-eos", OPT_FLAG, &o.no_ignore_eos, NULL, "ours: do not send ignore_eos"),
	ROW("request-timeout", OPT_DOUBLE, &o.timeout_s, "S",
	    "ours: per-request limit in seconds (21600)"),
};

static const struct opt_cmd bench_cmd = {
	"executor bench --model NAME [options]",
	"Drives an OpenAI-compatible server with streaming requests and reports what the "
	"server did: TTFT, TPOT, ITL, E2EL and throughput (executor-spec section 4).",
	bench_opts, sizeof(bench_opts) / sizeof(bench_opts[0]),
	"A failed request is counted under its reason in the result's \"failures\".\n",
};

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

static int parse_percentiles(struct bench_config *cfg, const char *list, struct diags *d)
{
	char *copy = xstrdup(list), *save = NULL;
	size_t alloc = 0;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		double p = strtod(t, &end);
		if (end == t || *end || !(p >= 0 && p <= 100)) {
			rc = diags_usagef(d, "--metric-percentiles: expected numbers in [0, 100], "
					  "found '%s'", t);
			continue;
		}
		VEC_GROW(cfg->percentiles, cfg->percentiles_nr + 1, alloc);
		cfg->percentiles[cfg->percentiles_nr++] = p;
	}
	free(copy);
	if (!cfg->percentiles_nr && !rc)
		rc = diags_usagef(d, "--metric-percentiles: no percentile in '%s'", list);
	return rc;
}

static int parse_goodput(struct bench_config *cfg, struct diags *d)
{
	static const int keys[] = { METRIC_TTFT, METRIC_TPOT, METRIC_E2EL };
	int rc = 0;
	for (size_t i = 0; i < o.goodput.nr; i++) {
		const char *item = o.goodput.v[i], *colon = strchr(item, ':');
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
	cfg->goodput = o.goodput.nr > 0;
	return rc;
}

/* Rules that are not a single row: ranges of doubles, backend vs endpoint, defaults that
 * depend on other options. */
static int check_and_fill(struct bench_config *cfg, struct buf *url, struct diags *d)
{
	int rc = 0;
	if (o.ratio > 1) /* the table rejects < 0 */
		rc = diags_usagef(d, "--random-range-ratio: must be in [0, 1]");
	if (!(o.rate > 0))
		rc = diags_usagef(d, "--request-rate: must be > 0 (or inf)");
	if (!(o.burstiness > 0) || isinf(o.burstiness))
		rc = diags_usagef(d, "--burstiness: must be > 0");
	if (!(o.timeout_s > 0))
		rc = diags_usagef(d, "--request-timeout: must be > 0");
	bool chat = !strcmp(o.backend, "openai-chat");
	size_t el = strlen(o.endpoint);
	if (chat && (el < 16 || strcmp(o.endpoint + el - 16, "chat/completions")))
		rc = diags_usagef(d, "--backend openai-chat needs an --endpoint ending in "
				  "chat/completions, found '%s'", o.endpoint);
	if (o.base_url)
		buf_adds(url, o.base_url);
	else
		buf_addf(url, "http://%s:%ld", o.host, o.port);
	while (url->len && url->s[url->len - 1] == '/')
		buf_setlen(url, url->len - 1);
	for (size_t i = 0; i < o.metadata.nr; i++) {
		char *key = NULL, *value = NULL;
		if (metadata_parse(&key, &value, o.metadata.v[i], d) < 0)
			rc = -1;
		free(key);
		free(value);
	}
	if ((o.percentile_metrics && parse_metrics(cfg, o.percentile_metrics, d)) ||
	    parse_percentiles(cfg, o.metric_percentiles, d) || parse_goodput(cfg, d))
		rc = -1;
	cfg->api = chat ? &api_chat : &api_completions;
	return rc;
}

static void fill_config(struct bench_config *cfg, const char *base_url)
{
	cfg->backend = o.backend;
	cfg->base_url = base_url;
	cfg->endpoint = o.endpoint;
	cfg->model_id = o.model;
	cfg->served_model = o.served ? o.served : o.model;
	cfg->tokenizer_id = o.tokenizer;
	cfg->max_concurrency = o.max_conc;
	if (opt_given(&bench_cmd, "num-prompts"))
		cfg->ds.num_prompts = (size_t)o.num_prompts;
	else if (o.max_conc)
		cfg->ds.num_prompts = (size_t)(10 * o.max_conc);
	cfg->num_warmups = opt_given(&bench_cmd, "num-warmups") ? o.num_warmups : 2 * o.max_conc;
	cfg->ds.input_len = o.input_len;
	cfg->ds.output_len = o.output_len;
	cfg->ds.prefix_len = o.prefix_len;
	cfg->ds.range_ratio = o.ratio;
	cfg->ds.seed = (uint64_t)o.seed;
	cfg->ds.format = !strcmp(o.prompt_format, "text") ? PROMPT_TEXT : PROMPT_IDS;
	cfg->use_chat_template = o.chat_template;
	cfg->best_of = o.best_of;
	cfg->request_rate = o.rate;
	cfg->burstiness = o.burstiness;
	cfg->ignore_eos = !o.no_ignore_eos;
	cfg->request_timeout_s = o.timeout_s;
	cfg->metadata = o.metadata.v;
	cfg->metadata_nr = o.metadata.nr;
	cfg->save_detailed = o.save_detailed;
	cfg->profile = o.profile;
	cfg->progress = !o.disable_tqdm;
	const char *key = getenv("OPENAI_API_KEY");
	cfg->bearer = key && *key ? key : NULL;
}

/* The options' defaults: bench_config_init's values, plus what only the command line has. */
static void defaults(const struct bench_config *cfg)
{
	memset(&o, 0, sizeof(o));
	o.backend = cfg->backend;
	o.host = "127.0.0.1";
	o.port = 8000;
	o.endpoint = cfg->endpoint;
	o.dataset = "random";
	o.input_len = cfg->ds.input_len;
	o.output_len = cfg->ds.output_len;
	o.ratio = cfg->ds.range_ratio;
	o.rate = cfg->request_rate;
	o.burstiness = cfg->burstiness;
	o.best_of = cfg->best_of;
	o.timeout_s = cfg->request_timeout_s;
	o.metric_percentiles = "99";
	o.result_dir = ".";
	o.prompt_format = cfg->ds.format == PROMPT_TEXT ? "text" : "ids";
}

/* {backend}-{rate}qps[-concurrency{N}]-{model's last path part}-{date}.json */
static void default_filename(struct buf *out, const struct bench_config *cfg, double date)
{
	char rate[32], stamp[32];
	if (isfinite(cfg->request_rate))
		fmt_double_py(rate, cfg->request_rate);
	else
		strcpy(rate, "inf");
	result_date(stamp, sizeof(stamp), date);
	const char *slash = strrchr(cfg->model_id, '/');
	buf_addf(out, "%s-%sqps", cfg->backend, rate);
	if (cfg->max_concurrency)
		buf_addf(out, "-concurrency%ld", cfg->max_concurrency);
	buf_addf(out, "-%s-%s.json", slash ? slash + 1 : cfg->model_id, stamp);
}

static int save_result(const struct bench_config *cfg, const struct bench_result *res,
		       struct diags *d)
{
	struct buf json = BUF_INIT, path = BUF_INIT;
	bench_result_write_json(&json, cfg, res);
	int rc = mkdir_p(o.result_dir, d);
	buf_addf(&path, "%s/", o.result_dir);
	if (o.result_filename)
		buf_adds(&path, o.result_filename);
	else
		default_filename(&path, cfg, res->date_unix);
	if (!rc)
		rc = file_write_atomic(path.s, json.s, json.len, d);
	buf_release(&json);
	buf_release(&path);
	return rc;
}

static int print_stdout(const struct buf *b, struct diags *d)
{
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) || ferror(stdout))
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
	return 0;
}

static int run_bench(struct bench_config *cfg, struct diags *d)
{
	struct bench_result res;
	int rc = bench_run(&res, cfg, d);
	if (res.reqs) {
		struct buf out = BUF_INIT;
		bench_summary(&out, cfg, &res);
		if (print_stdout(&out, d))
			rc = -1;
		buf_release(&out);
		if (o.save_result && save_result(cfg, &res, d))
			rc = -1;
		if (*cfg->stop)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "interrupted");
		else if (!res.completed && res.nr)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "no request succeeded (failures: "
					  "see the summary)");
	}
	bench_result_release(&res);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

/* Options -> cfg and url. 0; 1 when --help was asked for (the help is in help, nothing
 * else is done); -1 on a usage error. */
static int parse_args(struct bench_config *cfg, struct buf *url, int argc, char **argv,
		      struct buf *help, struct diags *d)
{
	bench_config_init(cfg);
	defaults(cfg);
	int prc = opt_parse_or_help(&bench_cmd, argc, argv, NULL, help, d);
	if (prc)
		return prc;
	if (check_and_fill(cfg, url, d))
		return -1;
	fill_config(cfg, url->s);
	return 0;
}

int bench_parse_args(struct bench_config *cfg, struct buf *url, int argc, char **argv,
		     struct diags *d)
{
	struct buf help = BUF_INIT;
	int rc = parse_args(cfg, url, argc, argv, &help, d);
	buf_release(&help);
	if (rc == 1)
		return diags_usagef(d, "bench_parse_args: unexpected --help");
	return rc;
}

void bench_args_release(struct bench_config *cfg)
{
	free(cfg->percentiles);
	cfg->percentiles = NULL;
	free(o.goodput.v);
	free(o.metadata.v);
	memset(&o.goodput, 0, sizeof(o.goodput));
	memset(&o.metadata, 0, sizeof(o.metadata));
}

int cmd_bench(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d)
{
	struct bench_config cfg;
	struct buf url = BUF_INIT, help = BUF_INIT;
	int rc = parse_args(&cfg, &url, argc, argv, &help, d);
	cfg.stop = stop;
	int status = EXIT_USAGE;
	if (rc == 1)
		status = print_stdout(&help, d) ? EXIT_FAIL : EXIT_OK;
	else if (rc == 0)
		status = run_bench(&cfg, d);
	bench_args_release(&cfg);
	buf_release(&url);
	buf_release(&help);
	return status;
}
