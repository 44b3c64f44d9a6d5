/*
 * ramp: the arrival gaps of a ramp-up run (`--ramp-up-strategy linear|exponential
 * --ramp-up-start-rps A --ramp-up-end-rps B`), vLLM's benchmark_serving semantics
 * (vllm/benchmarks/serve.py, _get_current_request_rate and get_request): request i of n is
 * sent at the rate r(i), with p = i / max(n - 1, 1),
 *     linear       r(i) = A + (B - A) p
 *     exponential  r(i) = A (B / A)^p
 * and the wait before it is one gamma(burstiness, 1 / (r(i) burstiness)) draw, as a
 * constant-rate run draws its gaps (arrivals.h). Unlike a constant rate, the sum of the
 * gaps is not rescaled to n / rate (vLLM rescales only without a ramp).
 *
 * Ours: request 0 leaves at once (the constant-rate load does the same), so gaps_ns[i] is
 * the wait between request i and i + 1, drawn at r(i + 1). All drawn before the clock starts,
 * from the arrivals stream of the seed.
 */
#ifndef EXECUTOR_RAMP_H
#define EXECUTOR_RAMP_H

#include <stddef.h>
#include <stdint.h>

enum ramp_strategy { RAMP_NONE, RAMP_LINEAR, RAMP_EXPONENTIAL };

/* "linear", "exponential" (index: enum ramp_strategy - 1), NULL-terminated for the option */
extern const char *const ramp_strategy_names[];

struct ramp {
	enum ramp_strategy strategy; /* RAMP_NONE: a constant rate */
	double start_rps, end_rps;   /* 0 < start <= end, finite (bench_config_check) */
};

/* The rate of request i of n (requests/s). */
double ramp_rate(const struct ramp *r, size_t i, size_t n);
/* Fills gaps_ns[0..n): gaps_ns[i] is the wait before request i + 1 (the last one is drawn
 * too and never waited for, as with a constant rate). */
void ramp_draw(int64_t *gaps_ns, size_t n, const struct ramp *r, double burstiness,
	       uint64_t seed);

#endif
