/* arrivals: see arrivals.h. */
#include "executor/load/arrivals.h"

#include <math.h>

#include "executor/load/rng.h"

/* Standard normal by the polar method; the second value is dropped for simplicity. */
static double normal_draw(struct rng *r)
{
	double u, v, s;
	do {
		u = 2.0 * rng_double(r) - 1.0;
		v = 2.0 * rng_double(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

double gamma_draw(struct rng *r, double shape, double scale)
{
	if (shape < 1.0) {
		double u;
		do
			u = rng_double(r);
		while (u == 0.0);
		return gamma_draw(r, shape + 1.0, scale) * pow(u, 1.0 / shape);
	}
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = normal_draw(r), v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		double u = rng_double(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v * scale;
		if (u > 0.0 && log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v * scale;
	}
}

void arrivals_draw(int64_t *gaps_ns, size_t n, double rate, double burstiness, uint64_t seed)
{
	struct rng r;
	/* a stream apart from the dataset's, so changing the rate leaves the prompts alone */
	rng_seed(&r, seed ^ 0x5851f42d4c957f2dULL);
	double scale = 1.0 / (rate * burstiness);
	for (size_t i = 0; i < n; i++)
		gaps_ns[i] = (int64_t)llround(gamma_draw(&r, burstiness, scale) * 1e9);
}
