/*
 * agentic_stats: upstream's aggregation_common statistics with Python's numbers: the mean
 * of floats is statistics.mean's (the exact sum, then one rounding, here from Shewchuk's
 * exact partial sums), the population standard deviation statistics.pstdev's (two passes in
 * long double: equal to Python's after the result's rounding to 5 decimals), percentiles
 * upstream's linear interpolation over the sorted values.
 *
 * struct agentic_floats is a plain growable array; its owner frees v.
 */
#ifndef EXECUTOR_AGENTIC_STATS_H
#define EXECUTOR_AGENTIC_STATS_H

#include <stddef.h>

#include "executor/results/pyobj.h"

struct agentic_floats {
	double *v;
	size_t nr, alloc;
};

void agentic_floats_push(struct agentic_floats *f, double x);
/* statistics.mean of n >= 1 floats. */
double agentic_mean(const double *v, size_t n);
/* statistics.pstdev of n >= 2 floats. */
double agentic_pstdev(const double *v, size_t n);
/* percentile(data, p) over values sorted ascending (n >= 1). */
double agentic_percentile(const double *sorted, size_t n, double p);
/* stats_for(prefix, values) nested (keys mean p50 p75 p90 p95 std) into d; nothing when
 * empty. Sorts a copy. */
void agentic_stats_into(struct pyobj *d, const double *v, size_t n);
/* The float() of a JSON value as upstream's to_float reads it (number, bool, numeric
 * string), or None. */
struct jnode;
struct optd agentic_to_float(const struct jnode *n);

#endif
