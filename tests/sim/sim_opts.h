/*
 * sim_opts: simserver's configuration: the option table, its --help text,
 * the fault modes and the rules that pick a fault for a request.
 *
 * Use: config_init, config_parse_args (fills the config from argv and env
 * PORT), ... config_release.  fault_pick draws from cfg->rng_state.
 */
#ifndef SIM_OPTS_H
#define SIM_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "sim_util.h"

/* Exit statuses. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,   /* could not start: bind, listen, port file */
	EXIT_USAGE = 2,  /* bad command line */
	EXIT_DIE = 3,    /* the `die` fault */
};

/* Order is the order of failed_by_fault in /stats. */
enum fault {
	FAULT_NONE,
	FAULT_500,
	FAULT_429,
	FAULT_RESET,
	FAULT_MALFORMED,
	FAULT_STALL,
	FAULT_ENDLESS,
	FAULT_FLOOD,
	FAULT_SLOW_HEADERS,
	FAULT_NO_USAGE,
	FAULT_DIE,
	FAULT_NR
};

extern const char *const fault_names[FAULT_NR];

/* The fault named s (n bytes), or -1. "none" is FAULT_NONE. */
int fault_from_name(const char *s, size_t n);

#define MAX_TOKENS_PER_CHUNK 64

struct fault_rule {
	enum fault mode;
	double rate;      /* MODE=RATE: probability per request */
	long long every;  /* MODE@N: every N-th request; 0 for a rate rule */
};

struct sim_config {
	const char *host;          /* borrowed from argv or a literal */
	long long port;            /* -1 until set */
	const char *port_file;     /* borrowed from argv, NULL if none */
	const char *model;         /* borrowed from argv or a literal */
	double ttft_ms;
	double prefill_us_per_token;
	double itl_ms;
	double decode_slowdown;
	long long startup_delay_ms;
	long long slow_headers_ms;
	long long seed;
	long long exit_after_requests;
	long long idle_close_ms;   /* 0: keep idle connections open */
	const char *eval_dataset;  /* borrowed from argv; NULL: no eval answers (sim_eval.h) */
	double eval_accuracy;      /* share of eval questions answered right */
	/* /metrics and the failure gates' tests (sim_metrics.h) */
	long long prefix_hit_percent;   /* prefix-cache hits per request: prompt * P / 100 */
	long long preempt_every;        /* preemptions = completed requests / N; 0 none */
	long long kv_capacity_requests; /* KV usage = running / this */
	long long prefix_cache_blocks;  /* sim_prefix.h: LRU capacity in blocks; 0 no cache */
	long long prefix_block_tokens;  /* tokens per cached block */
	int sglang_metrics;             /* SGLang's metric names instead of vLLM's */
	long long output_tokens_delta;  /* stream max_tokens + this tokens (at least 1) */
	long long tokens_per_chunk;     /* tokens in one event, sent per_chunk * itl apart */
	int help;
	struct fault_rule *faults; /* owned, in command-line order */
	size_t faults_nr, faults_alloc;
	uint64_t rng_state;
};

void config_init(struct sim_config *cfg);
void config_release(struct sim_config *cfg);
/* 0 on success (cfg->help set when --help was given); -1 with a message
 * in err on a usage error. */
int config_parse_args(struct sim_config *cfg, int argc, char **argv,
		      struct sbuf *err);
void config_print_help(FILE *f);

/* The fault for generation request number reqno (counted from 1):
 * the first matching MODE@N rule, else one draw against the summed rates. */
enum fault fault_pick(struct sim_config *cfg, uint64_t reqno);

#endif
