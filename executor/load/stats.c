/* stats: see stats.h. */
#include "executor/load/stats.h"

#include <math.h>
#include <stdlib.h>

#include "common/xalloc.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double stats_percentile_sorted(const double *v, size_t n, double p)
{
	double rank = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)floor(rank);
	if (lo >= n - 1)
		return v[n - 1];
	double frac = rank - (double)lo;
	return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

void stats_summarise(struct stats_summary *out, double *v, size_t n, const double *pcts,
		     size_t pcts_nr)
{
	static double zero = 0.0;
	if (n == 0) {
		v = &zero;
		n = 1;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	double mean = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	out->mean = mean;
	out->std = sqrt(ss / (double)n);
	out->median = stats_percentile_sorted(v, n, 50.0);
	out->pct_nr = pcts_nr;
	out->pct = xcalloc(pcts_nr ? pcts_nr : 1, sizeof(double));
	for (size_t i = 0; i < pcts_nr; i++)
		out->pct[i] = stats_percentile_sorted(v, n, pcts[i]);
}

void stats_summary_release(struct stats_summary *s)
{
	free(s->pct);
	s->pct = NULL;
	s->pct_nr = 0;
}
