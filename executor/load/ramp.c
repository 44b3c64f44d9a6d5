/* ramp: see ramp.h. */
#include "executor/load/ramp.h"

#include <math.h>

#include "executor/load/arrivals.h"
#include "executor/load/rng.h"

const char *const ramp_strategy_names[] = { "linear", "exponential", NULL };

double ramp_rate(const struct ramp *r, size_t i, size_t n)
{
	double p = (double)i / (double)(n > 1 ? n - 1 : 1);
	if (r->strategy == RAMP_EXPONENTIAL)
		return r->start_rps * pow(r->end_rps / r->start_rps, p);
	return r->start_rps + (r->end_rps - r->start_rps) * p;
}

void ramp_draw(int64_t *gaps_ns, size_t n, const struct ramp *r, double burstiness,
	       uint64_t seed)
{
	struct rng g;
	/* the constant-rate arrivals' stream (arrivals.c), so a seed means the same draws */
	rng_seed(&g, seed ^ 0x5851f42d4c957f2dULL);
	for (size_t i = 0; i < n; i++) {
		double rate = ramp_rate(r, i + 1 < n ? i + 1 : i, n);
		gaps_ns[i] = (int64_t)llround(gamma_draw(&g, burstiness, 1.0 / (rate * burstiness)) *
					      1e9);
	}
}
