/*
 * sim_opts: simserver's option table, --help, and fault rules (see
 * sim_opts.h).  Each value type is parsed in one place: parse_value.
 */
#define _GNU_SOURCE
#include "sim_opts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const fault_names[FAULT_NR] = {
	"none", "500", "429", "reset", "malformed", "stall",
	"endless", "flood", "slow-headers", "no-usage", "die",
};

int fault_from_name(const char *s, size_t n)
{
	for (int i = 0; i < FAULT_NR; i++)
		if (strlen(fault_names[i]) == n && !memcmp(fault_names[i], s, n))
			return i;
	return -1;
}

enum opt_type { OPT_STRING, OPT_INT, OPT_DOUBLE, OPT_FAULT, OPT_FLAG };

struct opt_row {
	const char *name;
	enum opt_type type;
	size_t offset;       /* into struct sim_config */
	long long min;       /* OPT_INT: smallest value allowed */
	long long max;       /* OPT_INT: largest value allowed */
	const char *metavar;
	const char *help;
};

#define OFF(f) offsetof(struct sim_config, f)
static const struct opt_row opt_table[] = {
	{ "host", OPT_STRING, OFF(host), 0, 0, "ADDR",
	  "numeric IPv4/IPv6 address or localhost to listen on (default 127.0.0.1)" },
	{ "port", OPT_INT, OFF(port), 0, 65535, "N",
	  "port; 0 picks a free one (default: env PORT, else 8888)" },
	{ "port-file", OPT_STRING, OFF(port_file), 0, 0, "PATH",
	  "after listen, write the bound port there (temp file + rename)" },
	{ "model", OPT_STRING, OFF(model), 0, 0, "NAME",
	  "served model name; other names get 404 (default sim-model)" },
	{ "ttft-ms", OPT_DOUBLE, OFF(ttft_ms), 0, 0, "F",
	  "time from request received to first token (default 50)" },
	{ "prefill-us-per-token", OPT_DOUBLE, OFF(prefill_us_per_token), 0, 0, "F",
	  "added to the TTFT per prompt token (default 0)" },
	{ "itl-ms", OPT_DOUBLE, OFF(itl_ms), 0, 0, "F",
	  "gap between tokens (default 10)" },
	{ "decode-slowdown", OPT_DOUBLE, OFF(decode_slowdown), 0, 0, "F",
	  "gap = itl * (1 + F * (decoding streams - 1)) (default 0)" },
	{ "startup-delay-ms", OPT_INT, OFF(startup_delay_ms), 0, 86400000, "N",
	  "/health answers 503 until this long after start (default 0)" },
	{ "slow-headers-ms", OPT_INT, OFF(slow_headers_ms), 0, 86400000, "N",
	  "delay of the slow-headers fault (default 2000)" },
	{ "fault", OPT_FAULT, 0, 0, 0, "MODE=RATE|MODE@N",
	  "give MODE to a share RATE of requests, or to every N-th (repeatable)" },
	{ "seed", OPT_INT, OFF(seed), 0, 0x7fffffffffffffffLL, "N",
	  "seed of the fault draws (default 0)" },
	{ "exit-after-requests", OPT_INT, OFF(exit_after_requests), 0,
	  0x7fffffffffffffffLL, "N",
	  "exit 0 once N generation requests have ended; 0 never (default 0)" },
	{ "idle-close-ms", OPT_INT, OFF(idle_close_ms), 0, 86400000, "N",
	  "close a connection with no request in progress after N ms quiet; 0 never (default 0)" },
	{ "eval-dataset", OPT_STRING, OFF(eval_dataset), 0, 0, "PATH",
	  "answer the GSM8K questions of this JSONL file (sim_eval.h)" },
	{ "eval-accuracy", OPT_DOUBLE, OFF(eval_accuracy), 0, 0, "F",
	  "share of them answered right, 0..1 (default 1)" },
	{ "prefix-hit-percent", OPT_INT, OFF(prefix_hit_percent), 0, 100, "P",
	  "/metrics: prefix-cache hits = prompt tokens * P / 100 per request (default 0)" },
	{ "prefix-cache-blocks", OPT_INT, OFF(prefix_cache_blocks), 0, 100000000, "N",
	  "model a prefix cache of N blocks (LRU; sim_prefix.h): TTFT = ttft + prefill per "
	  "uncached token, /metrics hits = cached tokens; 0 none (default 0)" },
	{ "prefix-block-tokens", OPT_INT, OFF(prefix_block_tokens), 1, 1000000, "N",
	  "tokens per cached block (default 512)" },
	{ "preempt-every", OPT_INT, OFF(preempt_every), 0, 0x7fffffffffffffffLL, "N",
	  "/metrics: preemptions = completed requests / N; 0 none (default 0)" },
	{ "kv-capacity-requests", OPT_INT, OFF(kv_capacity_requests), 1, 0x7fffffffffffffffLL,
	  "N", "/metrics: KV-cache usage = running requests / N (default 100)" },
	{ "sglang-metrics", OPT_FLAG, OFF(sglang_metrics), 0, 0, NULL,
	  "/metrics with SGLang's metric names instead of vLLM's" },
	{ "output-tokens-delta", OPT_INT, OFF(output_tokens_delta), -1000000, 1000000, "N",
	  "stream max_tokens + N tokens (at least 1), as a server ignoring max_tokens (default 0)" },
	{ "tokens-per-chunk", OPT_INT, OFF(tokens_per_chunk), 1, MAX_TOKENS_PER_CHUNK, "K",
	  "K tokens in each event, K * itl apart; usage in each with continuous_usage_stats "
	  "(default 1)" },
	{ "help", OPT_FLAG, OFF(help), 0, 0, NULL, "print this help and exit" },
};
#undef OFF

void config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->host = "127.0.0.1";
	cfg->port = -1;
	cfg->model = "sim-model";
	cfg->ttft_ms = 50;
	cfg->itl_ms = 10;
	cfg->slow_headers_ms = 2000;
	cfg->eval_accuracy = 1;
	cfg->kv_capacity_requests = 100;
	cfg->prefix_block_tokens = 512;
	cfg->tokens_per_chunk = 1;
}

void config_release(struct sim_config *cfg)
{
	free(cfg->faults);
	cfg->faults = NULL;
	cfg->faults_nr = cfg->faults_alloc = 0;
}

void config_print_help(FILE *f)
{
	fprintf(f, "usage: simserver [OPTION...]\n"
		   "A simulated OpenAI-compatible streaming inference server.\n\n");
	for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		const struct opt_row *o = &opt_table[i];
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		fprintf(f, "  %-32s %s\n", left, o->help);
	}
	fprintf(f, "\nfault modes:");
	for (int i = 1; i < FAULT_NR; i++)
		fprintf(f, " %s", fault_names[i]);
	fprintf(f, "\n(a request header X-Sim-Fault: MODE overrides the rules; "
		   "MODE none means no fault)\n"
		   "\nexit status: 0 stopped by SIGTERM/SIGINT or "
		   "--exit-after-requests, 1 could not start,\n"
		   "2 usage error, 3 the die fault\n");
}

static int parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int parse_fault(struct sim_config *cfg, const char *v, struct sbuf *err)
{
	size_t n = strcspn(v, "=@");
	int mode = fault_from_name(v, n);
	struct fault_rule r = { FAULT_NONE, 0, 0 };

	if (mode <= FAULT_NONE) {
		sbuf_addf(err, "--fault: unknown mode '%.*s'", (int)n, v);
		return -1;
	}
	r.mode = (enum fault)mode;
	if (v[n] == '=') {
		if (parse_double(v + n + 1, &r.rate) || r.rate < 0 || r.rate > 1) {
			sbuf_addf(err, "--fault %s: expected a rate in [0, 1]", v);
			return -1;
		}
		double sum = r.rate;
		for (size_t i = 0; i < cfg->faults_nr; i++)
			sum += cfg->faults[i].rate;
		if (sum > 1 + 1e-9) {
			sbuf_addf(err, "--fault %s: fault rates add up to more than 1", v);
			return -1;
		}
	} else if (v[n] == '@') {
		if (parse_ll(v + n + 1, &r.every) || r.every < 1) {
			sbuf_addf(err, "--fault %s: expected an integer N >= 1 after @", v);
			return -1;
		}
	} else {
		sbuf_addf(err, "--fault '%s': expected MODE=RATE or MODE@N", v);
		return -1;
	}
	VEC_GROW(cfg->faults, cfg->faults_nr + 1, cfg->faults_alloc);
	cfg->faults[cfg->faults_nr++] = r;
	return 0;
}

static int parse_value(struct sim_config *cfg, const struct opt_row *o,
		       const char *v, struct sbuf *err)
{
	char *field = (char *)cfg + o->offset;
	long long ll;
	double d;

	switch (o->type) {
	case OPT_STRING:
		if (!*v) {
			sbuf_addf(err, "--%s: expected a non-empty string", o->name);
			return -1;
		}
		memcpy(field, &v, sizeof(v));
		return 0;
	case OPT_INT:
		if (parse_ll(v, &ll) || ll < o->min || ll > o->max) {
			sbuf_addf(err, "--%s: expected an integer in [%lld, %lld], found '%s'",
				  o->name, o->min, o->max, v);
			return -1;
		}
		memcpy(field, &ll, sizeof(ll));
		return 0;
	case OPT_DOUBLE:
		if (parse_double(v, &d) || d < 0) {
			sbuf_addf(err, "--%s: expected a number >= 0, found '%s'", o->name, v);
			return -1;
		}
		memcpy(field, &d, sizeof(d));
		return 0;
	case OPT_FAULT:
		return parse_fault(cfg, v, err);
	case OPT_FLAG:
		break;
	}
	return -1;
}

static const struct opt_row *find_opt(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
		if (strlen(opt_table[i].name) == n && !memcmp(opt_table[i].name, name, n))
			return &opt_table[i];
	return NULL;
}

static int port_from_env(struct sim_config *cfg, struct sbuf *err)
{
	const char *env = getenv("PORT");
	if (cfg->port >= 0)
		return 0;
	if (!env || !*env) {
		cfg->port = 8888;
		return 0;
	}
	if (parse_ll(env, &cfg->port) || cfg->port < 0 || cfg->port > 65535) {
		sbuf_addf(err, "env PORT: expected an integer in [0, 65535], found '%s'", env);
		return -1;
	}
	return 0;
}

int config_parse_args(struct sim_config *cfg, int argc, char **argv,
		      struct sbuf *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			sbuf_addf(err, "unexpected argument '%s'", a);
			return -1;
		}
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		const struct opt_row *o = find_opt(a + 2, n);
		if (!o) {
			sbuf_addf(err, "unknown option '%.*s'", (int)n + 2, a);
			return -1;
		}
		if (o->type == OPT_FLAG) {
			if (eq) {
				sbuf_addf(err, "--%s takes no value", o->name);
				return -1;
			}
			*(int *)((char *)cfg + o->offset) = 1;
			continue;
		}
		const char *v = eq ? eq + 1 : NULL;
		if (!v) {
			if (i + 1 >= argc) {
				sbuf_addf(err, "--%s: missing value %s", o->name, o->metavar);
				return -1;
			}
			v = argv[++i];
		}
		if (parse_value(cfg, o, v, err))
			return -1;
	}
	if (port_from_env(cfg, err))
		return -1;
	/* splitmix64 state; the seed is mixed so that seeds 0, 1, 2 differ. */
	cfg->rng_state = (uint64_t)cfg->seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	return 0;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

enum fault fault_pick(struct sim_config *cfg, uint64_t reqno)
{
	int any_rate = 0;
	for (size_t i = 0; i < cfg->faults_nr; i++) {
		const struct fault_rule *r = &cfg->faults[i];
		if (r->every && reqno % (uint64_t)r->every == 0)
			return r->mode;
		any_rate |= !r->every && r->rate > 0;
	}
	if (!any_rate)
		return FAULT_NONE;
	/* one draw per request, so rates of different modes add up */
	double u = (double)(splitmix64(&cfg->rng_state) >> 11) * 0x1p-53;
	double acc = 0;
	for (size_t i = 0; i < cfg->faults_nr; i++) {
		const struct fault_rule *r = &cfg->faults[i];
		if (r->every)
			continue;
		acc += r->rate;
		if (u < acc)
			return r->mode;
	}
	return FAULT_NONE;
}
