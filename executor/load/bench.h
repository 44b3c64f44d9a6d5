/*
 * bench: the load generator as a library call, for `executor bench` (cmd_bench.c, a thin
 * wrapper) and for `executor run` (executor-spec 4.8).
 *
 *   struct bench_config cfg; bench_config_init(&cfg);   fill it (config.h)
 *   struct bench_result res;
 *   bench_run(&res, &cfg, &diags);            prepares, warms up, runs the timed load
 *   bench_result_write_json(&buf, &cfg, &res); the raw result (result.c, executor-spec 4.7)
 *   bench_summary(&buf, &cfg, &res);           the human summary (result.c)
 *   bench_result_release(&res);
 *
 * bench_run returns -1 with diags only when the load could not run at all (bad URL, server
 * unreachable for a required helper call, failed --profile start); failed requests are data,
 * counted in res.failures. The config borrows every string (argv in cmd_bench.c).
 */
#ifndef EXECUTOR_BENCH_H
#define EXECUTOR_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "executor/load/api.h"
#include "executor/load/config.h"
#include "executor/load/stats.h"

struct buf;
struct diags;

/* Why a request failed. Counted per reason; HTTP statuses are counted per code. */
enum fail_reason {
	FAIL_NONE,
	FAIL_CONNECT,        /* connect refused, unreachable */
	FAIL_SEND,           /* the request could not be written */
	FAIL_RESET,          /* connection reset mid-response */
	FAIL_CLOSED,         /* the server closed before the response ended */
	FAIL_PROTOCOL,       /* not HTTP/1.x, or broken framing */
	FAIL_HTTP,           /* a status other than 200: counted as http_<code> */
	FAIL_MALFORMED,      /* an event that is not JSON */
	FAIL_NO_CHOICE,      /* completions: 200 but no choice event */
	FAIL_TIMEOUT_HEADERS,/* --request-timeout passed before the response head */
	FAIL_TIMEOUT,        /* --request-timeout passed during the stream */
	FAIL_INTERRUPTED,    /* the run was stopped (SIGINT/SIGTERM) */
	FAIL_NR,
};
extern const char *const fail_names[FAIL_NR];

/* One request's outcome, in issue order. */
struct bench_req {
	struct req_rec rec;        /* owns rec.itl_ns and rec.text */
	long prompt_len, output_len; /* prompt tokens; max_tokens asked */
	enum fail_reason fail;
	int http_status;
	bool ok;
	bool approx_output;
	long long output_tokens;   /* 0 for failed requests */
};

struct bench_result {
	struct bench_req *reqs;    /* owned, nr of them */
	size_t nr;
	double date_unix;          /* wall clock when the load ended (the result's "date") */
	double start_unix, end_unix;
	double first_send_unix;    /* wall clock of the first request, warm-ups included */
	double duration_s;
	long completed;
	long long total_input, total_output;
	long good;                 /* goodput: good requests */
	long fail_counts[FAIL_NR];
	long http_counts[1000];    /* FAIL_HTTP by status code */
	double cpu_s;
	long long peak_rss_bytes;
	double max_loop_lag_ms;
	bool approximate_input;
	long approximate_output;
	struct stats_summary summary[METRIC_NR]; /* in ms */
};

int bench_run(struct bench_result *out, const struct bench_config *cfg, struct diags *d);
/* bench_run in two steps, so `run` can build every request while the server is still
 * starting (bench_prepare_needs_server: not when prompts are sized by the server's
 * /tokenize). bench_prep_free is always needed after bench_prepare. */
struct bench_prep;
bool bench_prepare_needs_server(const struct bench_config *cfg);
int bench_prepare(struct bench_prep **out, const struct bench_config *cfg, struct diags *d);
int bench_run_prepared(struct bench_result *out, const struct bench_config *cfg,
		       struct bench_prep *p, struct diags *d);
void bench_prep_free(struct bench_prep *p);
/* Fills completed, totals, goodput and the summaries from the per-request outcomes. */
void bench_result_compute(struct bench_result *r, const struct bench_config *cfg);
void bench_result_write_json(struct buf *out, const struct bench_config *cfg,
			     const struct bench_result *r);
void bench_summary(struct buf *out, const struct bench_config *cfg,
		   const struct bench_result *r);
/* Whether the run met the client's own accuracy bound (executor-spec 4.7 item 8). */
bool bench_saturated(const struct bench_result *r);
void bench_result_release(struct bench_result *r);

#endif
