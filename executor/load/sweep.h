/*
 * sweep: a rate sweep as a driver above single loads (`executor bench --sweep N`), after
 * guidellm's "sweep" profile (src/guidellm/benchmark/profiles/sweep.py): point 1 runs
 * synchronously (one request at a time) and point 2 at full throughput (rate inf, the
 * --max-concurrency given); their measured request throughputs s and t give the remaining
 * N - 2 rates, numpy's linspace(s, t, N - 1)[1:] (evenly spaced, the last one t), each run
 * paced at that rate (gaps as --burstiness says: 1 is guidellm's "poisson" strategy).
 * Every point uses the same prepared requests (same prompts, same seed).
 *
 * A paced point stops early when it over-saturates (oversat.h); any point stops after
 * max_seconds when that is set. Requests never issued are dropped from a stopped point's
 * result; the ones cut in flight count as interrupted.
 *
 *   struct sweep s; sweep_run(&s, &cfg, &opts, on_point, data, &diags);
 *     on_point(point, cfg of the point, its result, data, diags) after each point: write
 *     its result (set point->result_file), print it; the result is released after it
 *   sweep_summary_json(&buf, &s, &cfg)        the summary document (docs/executor.md)
 *   sweep_release(&s)
 *
 * sweep_run returns -1 with diags when a point could not run, when on_point failed, when
 * the first two points completed nothing (no rates to sweep), or when the stop flag ended it;
 * the points run so far stay in s.
 */
#ifndef EXECUTOR_SWEEP_H
#define EXECUTOR_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "executor/load/config.h"

struct bench_result;
struct buf;
struct diags;

enum sweep_kind { SWEEP_SYNCHRONOUS, SWEEP_THROUGHPUT, SWEEP_CONSTANT };
/* "synchronous", "throughput", "constant": the points' "strategy" */
extern const char *const sweep_kind_names[];

struct sweep_opts {
	long points;          /* >= 2 */
	double max_seconds;   /* a point's timed load at most; 0: no limit */
	double oversat_min_s; /* over-saturation is judged after this many seconds */
};

struct sweep_point {
	size_t index;              /* 1-based, in run order */
	enum sweep_kind kind;
	double rate;               /* requested; INFINITY for synchronous and throughput */
	long max_concurrency;      /* 0: unlimited */
	bool over_saturated;       /* stopped by oversat */
	bool time_limited;         /* stopped by max_seconds */
	size_t sent;               /* requests issued */
	long completed;
	double duration_s;
	double request_throughput, output_throughput, total_token_throughput;
	double request_goodput;    /* NAN without --goodput */
	double mean_ms[METRIC_NR], median_ms[METRIC_NR], pct_ms[METRIC_NR]; /* pct: pct_at */
	double pct_at;             /* the first --metric-percentiles value (99) */
	char *result_file;         /* owned, set by on_point; NULL: none written */
};

struct sweep {
	struct sweep_point *v;     /* owned */
	size_t nr, alloc;
	double synchronous_rate, throughput_rate; /* measured (req/s); 0 until run */
};

typedef int (*sweep_point_fn)(struct sweep_point *point, const struct bench_config *cfg,
			      const struct bench_result *res, void *data, struct diags *d);

int sweep_run(struct sweep *out, const struct bench_config *base, const struct sweep_opts *o,
	      sweep_point_fn on_point, void *data, struct diags *d);
/* The rate of constant point k (0-based among the N - 2 of them): linspace(s, t, N - 1)[k+1]. */
double sweep_rate(double synchronous, double throughput, long points, long k);
void sweep_summary_json(struct buf *out, const struct sweep *s, const struct bench_config *base,
			const struct sweep_opts *o);
void sweep_release(struct sweep *s);

#endif
