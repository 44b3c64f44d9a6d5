/*
 * oversat: is a rate-paced load over-saturated? The sweep's stop rule for one point
 * (sweep.h), fed the load's state once per loop turn (struct load_watch, config.h).
 *
 * Rule (ours, simpler than guidellm's slope test on concurrency and TTFT, see
 * docs/executor.md): the server keeps up when it completes, over the later half of the
 * run so far, at least 90% of the requests that fell due in that half. Due requests are the
 * ones issued plus, when the load is behind its schedule (a --max-concurrency cap full), the
 * ones the rate says are waiting: rate x (now - next due). Judged only after min_s seconds and
 * with at least 20 requests due in the half, so that a load still filling up (the first
 * requests take a whole latency to complete) and Poisson noise are not taken for it.
 *
 *   struct oversat o; oversat_init(&o, rate, min_s);
 *   oversat_feed(&o, &watch) per turn -> true once over-saturated (and from then on)
 *   oversat_release(&o)
 * Samples are kept every 100 ms (owned array, grown by VEC_GROW: one per 100 ms).
 */
#ifndef EXECUTOR_OVERSAT_H
#define EXECUTOR_OVERSAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct load_watch;

#define OVERSAT_KEEP_UP 0.9     /* completions / due in the later half, at least */
#define OVERSAT_MIN_DUE 20      /* due in the later half before it is judged */
#define OVERSAT_SAMPLE_NS 100000000

struct oversat_sample {
	int64_t t_ns;              /* since the timed load started */
	double due, done;
};

struct oversat {
	double rate;               /* requests/s the load is paced at (finite) */
	int64_t min_ns;
	struct oversat_sample *v;  /* owned */
	size_t nr, alloc;
	bool tripped;
};

void oversat_init(struct oversat *o, double rate, double min_s);
bool oversat_feed(struct oversat *o, const struct load_watch *w);
void oversat_release(struct oversat *o);

#endif
