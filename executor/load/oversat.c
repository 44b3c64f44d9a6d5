/* oversat: see oversat.h. */
#include "executor/load/oversat.h"

#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "executor/load/config.h"

void oversat_init(struct oversat *o, double rate, double min_s)
{
	memset(o, 0, sizeof(*o));
	o->rate = rate;
	o->min_ns = (int64_t)(min_s * 1e9);
}

void oversat_release(struct oversat *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static double due_now(const struct oversat *o, const struct load_watch *w)
{
	double due = (double)w->issued;
	if (w->issued < w->nr && w->now_ns > w->next_issue_ns)
		due += o->rate * (double)(w->now_ns - w->next_issue_ns) / 1e9;
	if (due > (double)w->nr)
		due = (double)w->nr;
	return due;
}

/* The latest sample taken at or before t_ns (samples are in time order). */
static const struct oversat_sample *at_or_before(const struct oversat *o, int64_t t_ns)
{
	size_t lo = 0, hi = o->nr; /* first sample after t_ns, by bisection */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->v[mid].t_ns <= t_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &o->v[lo - 1] : NULL;
}

bool oversat_feed(struct oversat *o, const struct load_watch *w)
{
	if (o->tripped)
		return true;
	int64_t t = w->now_ns - w->start_ns;
	if (o->nr && t - o->v[o->nr - 1].t_ns < OVERSAT_SAMPLE_NS)
		return false;
	VEC_GROW(o->v, o->nr + 1, o->alloc);
	struct oversat_sample *now = &o->v[o->nr++];
	now->t_ns = t;
	now->due = due_now(o, w);
	now->done = (double)w->done;
	if (t < o->min_ns)
		return false;
	const struct oversat_sample *half = at_or_before(o, t / 2);
	double due = now->due - (half ? half->due : 0);
	double done = now->done - (half ? half->done : 0);
	o->tripped = due >= OVERSAT_MIN_DUE && done < OVERSAT_KEEP_UP * due;
	return o->tripped;
}
