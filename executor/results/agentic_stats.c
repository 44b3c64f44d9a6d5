/* agentic_stats: see agentic_stats.h. */
#include "executor/results/agentic_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "common/xalloc.h"

void agentic_floats_push(struct agentic_floats *f, double x)
{
	VEC_PUSH(f, x);
}

/* Shewchuk's exact sum as non-overlapping partials (math.fsum's msum); returns how many. */
static size_t exact_partials(double *p, const double *v, size_t n)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		double x = v[i];
		size_t k = 0;
		for (size_t j = 0; j < np; j++) {
			double y = p[j];
			if (fabs(x) < fabs(y)) {
				double t = x;
				x = y;
				y = t;
			}
			double hi = x + y;
			double lo = y - (hi - x);
			if (lo != 0)
				p[k++] = lo;
			x = hi;
		}
		p[k++] = x;
		np = k;
	}
	return np;
}

double agentic_mean(const double *v, size_t n)
{
	double *p = xmalloc((n + 1) * sizeof(*p));
	size_t np = exact_partials(p, v, n);
	/* hi: the sum rounded; lo: what is left of the exact sum, rounded */
	double hi = 0, lo = 0;
	for (size_t i = np; i-- > 0;) {
		double t = hi + p[i];
		lo += p[i] - (t - hi);
		hi = t;
	}
	free(p);
	double q = hi / (double)n;
	double r = fma(-q, (double)n, hi); /* exactly hi - q*n */
	return q + (r + lo) / (double)n;
}

double agentic_pstdev(const double *v, size_t n)
{
	long double mean = agentic_mean(v, n), ss = 0;
	long double c = 0;
	for (size_t i = 0; i < n; i++)
		c += (long double)v[i] - mean;
	mean += c / (long double)n;
	for (size_t i = 0; i < n; i++) {
		long double dx = (long double)v[i] - mean;
		ss += dx * dx;
	}
	return (double)sqrtl(ss / (long double)n);
}

double agentic_percentile(const double *s, size_t n, double p)
{
	double k = (double)(n - 1) * (p / 100);
	size_t f = (size_t)k;
	size_t c = f + 1;
	if (c >= n)
		return s[f];
	return s[f] + (k - (double)f) * (s[c] - s[f]);
}

static int double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void agentic_stats_into(struct pyobj *d, const double *v, size_t n)
{
	if (!n)
		return;
	double *s = xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), double_cmp);
	pyobj_set(d, "mean", pyobj_float(agentic_mean(v, n)));
	pyobj_set(d, "p50", pyobj_float(agentic_percentile(s, n, 50)));
	pyobj_set(d, "p75", pyobj_float(agentic_percentile(s, n, 75)));
	pyobj_set(d, "p90", pyobj_float(agentic_percentile(s, n, 90)));
	pyobj_set(d, "p95", pyobj_float(agentic_percentile(s, n, 95)));
	pyobj_set(d, "std", pyobj_float(n > 1 ? agentic_pstdev(v, n) : 0.0));
	free(s);
}
