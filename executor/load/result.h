/*
 * result: one load's outcome (executor-spec 4.5, 4.6): each request's measurements and how it
 * ended, in issue order, and the aggregates computed from them after the run (counts,
 * totals, goodput, each metric's summary in ms).
 *
 *   bench_run (bench.h) fills reqs and the clock and CPU figures, then calls
 *   bench_result_compute for the rest; raw_result.h writes the result as JSON (4.7),
 *   summary.h as text; bench_result_release frees it.
 *
 * struct bench_result owns its reqs (with their itl_ns and text) and its summaries.
 */
#ifndef EXECUTOR_RESULT_H
#define EXECUTOR_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "executor/load/api.h"
#include "executor/load/config.h"
#include "executor/load/scrape.h"
#include "executor/load/stats.h"

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
	FAIL_TOO_LONG,       /* the stream went on past what max_tokens allows (load.c) */
	FAIL_INTERRUPTED,    /* the run was stopped (SIGINT/SIGTERM) */
	FAIL_NR,
};
extern const char *const fail_names[FAIL_NR];

/* A monotonic-clock interval in nanoseconds as seconds (what the results report). */
double ns_s(int64_t ns);

/* One request's outcome, in issue order. */
struct bench_req {
	struct req_rec rec;        /* owns rec.itl_ns and rec.text */
	long prompt_len, output_len; /* prompt tokens; max_tokens asked */
	enum fail_reason fail;
	int http_status;
	bool ok;
	bool approx_output;
	long long output_tokens;   /* 0 for failed requests */
	/* how late the client began the request (took a connection, started writing): from
	 * when it was due (its place on the rate schedule, or when a --max-concurrency slot
	 * freed, whichever is later; a run without a rate is due at its start) */
	int64_t sched_delay_ns;
	/* connect() to established, of the connection opened for this request or opened
	 * ahead of it (load.c); -1 when it reused a kept-alive connection or none was made */
	int64_t connect_ns;
	bool issued;               /* left the client (false: interrupted before its turn) */
	bool slot_waited;          /* it was due before a --max-concurrency slot freed */
};

/* Where the run's load came from, judged after it (bench_saturation). */
enum saturation {
	SAT_NONE,     /* the client kept its schedule and its loop kept up */
	SAT_CLIENT,   /* the client fell behind its own schedule or loop: its figures are bent */
	SAT_SERVER,   /* --max-concurrency slots stayed full: the server bounds the rate */
	SAT_NR,
};
extern const char *const saturation_names[SAT_NR];

struct bench_result {
	struct bench_req *reqs;    /* owned, nr of them */
	size_t nr;
	/* the timed load ran to its end (requests cut by a signal count as interrupted): the
	 * outcomes are a measurement. False when it could not start or ran out of descriptors:
	 * then no summary and no result file, which would look like a run */
	bool measured;
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
	/* client-side timing, in ms, at sched_pcts: schedule delay over issued requests,
	 * connect time over the requests that had a fresh connection (connects of them) */
	struct stats_summary sched_delay, connect;
	size_t issued, connects;
	double send_span_s;        /* first to last request issued (send rate = issued-1 over it) */
	double sched_span_s;       /* first to last request's due time: the drawn schedule's own
				    * rate is nr-1 over it (a Poisson draw of n gaps strays from the
				    * requested rate by about 1/sqrt(n)); 0 without a rate */
	double slot_wait_share;    /* share of requests that waited for a concurrency slot */
	/* successful requests whose output token count breaks max_tokens: with ignore_eos,
	 * any count other than max_tokens; without, a count above it. Counts from usage are
	 * checked both ways, counts of choice events (no usage) only for "above" */
	long output_len_mismatches;
	bool scraped;              /* server_metrics_interval_s was set: scrapes is filled */
	struct scrapes scrapes;    /* owned */
};

/* Fills completed, totals, goodput and the summaries from the per-request outcomes. */
void bench_result_compute(struct bench_result *r, const struct bench_config *cfg);
/* Whether the run met the client's own accuracy bound (executor-spec 4.7 item 8). */
bool bench_saturated(const struct bench_result *r);
/* The percentiles of sched_delay and connect: p50, p90, p99, p99.9, max. */
#define SCHED_PCTS_NR 5
extern const double sched_pcts[SCHED_PCTS_NR];
/* The saturation verdict (enum saturation): SAT_CLIENT when bench_saturated or the
 * schedule delay's p99 is over max(1 ms, a tenth of the mean gap of a rate-paced run). */
enum saturation bench_saturation(const struct bench_result *r, const struct bench_config *cfg);
/* Whether the server clearly ignored max_tokens (or ignore_eos): more than 1% of the
 * successful requests, and at least one, got other counts than asked
 * (output_len_mismatches). */
bool bench_ignores_max_tokens(const struct bench_result *r);
/* The failure gate (upstream's client exits non-zero above 5%): 0 when at most max_pct % of
 * the requests failed, else -1 with a diag naming the rate and `opt` (the option that sets
 * the bound). */
int bench_failure_gate(const struct bench_result *r, double max_pct, const char *opt,
		       struct diags *d);
void bench_result_release(struct bench_result *r);

#endif
