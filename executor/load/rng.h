/*
 * rng: the random stream of the load generator (executor-spec 4.3): xoshiro256** seeded
 * through splitmix64, integers drawn without modulo bias (Lemire's multiply-and-reject).
 * Same seed, same draws on any machine. Pure state, nothing to free.
 */
#ifndef EXECUTOR_RNG_H
#define EXECUTOR_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n >= 1. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [lo, hi], lo <= hi. */
long long rng_range(struct rng *r, long long lo, long long hi);
/* Uniform in [0, 1), 53 bits. */
double rng_double(struct rng *r);

#endif
