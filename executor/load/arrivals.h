/*
 * arrivals: the gaps between issued requests when a request rate is set (executor-spec 4.4):
 * gamma(shape = burstiness, scale = 1 / (rate x burstiness)); burstiness 1 is Poisson.
 * Drawn from their own stream (seed through rng) and all drawn before the clock starts.
 */
#ifndef EXECUTOR_ARRIVALS_H
#define EXECUTOR_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

struct rng;

/* One gamma(shape, scale) draw (Marsaglia-Tsang; shape < 1 via the U^(1/shape) boost). */
double gamma_draw(struct rng *r, double shape, double scale);
/* Fills gaps_ns[0..n) for rate (requests/s, finite > 0) and burstiness (> 0). */
void arrivals_draw(int64_t *gaps_ns, size_t n, double rate, double burstiness, uint64_t seed);

#endif
