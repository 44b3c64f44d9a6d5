/*
 * stats: summaries of samples, computed after the run (never in the load loop), shaped like
 * wrk's stats with h2load's explicit choices:
 *   mean; std is the population std (ddof 0); median and percentiles interpolate linearly
 *   between the two neighbours at rank p/100 x (n - 1) over the samples sorted once
 *   (numpy's default). An empty sample list counts as [0] (executor-spec 4.6).
 * stats_summarise sorts the caller's array in place; struct stats_summary owns its pct array.
 */
#ifndef EXECUTOR_STATS_H
#define EXECUTOR_STATS_H

#include <stddef.h>

struct stats_summary {
	double mean, median, std;
	double *pct; /* owned: one value per requested percentile, in the order asked */
	size_t pct_nr;
};

/* Sorts v[0..n) ascending and fills out. */
void stats_summarise(struct stats_summary *out, double *v, size_t n, const double *pcts,
		     size_t pcts_nr);
void stats_summary_release(struct stats_summary *s);
/* Percentile p (0..100) of sorted v[0..n), n >= 1. */
double stats_percentile_sorted(const double *v, size_t n, double p);

#endif
