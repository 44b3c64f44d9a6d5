/*
 * sim_stats: simserver's ground truth: counters and the per-request
 * samples (TTFT, inter-token gaps, end-to-end) of requests that completed
 * with no fault, and their JSON for GET /stats.
 *
 * Samples are int64 nanoseconds in flat growable arrays (no per-sample
 * allocation).  Summaries are computed on demand in stats_to_json: mean,
 * population std, and percentiles interpolated linearly at rank
 * p/100 * (n - 1) over the samples sorted once.  Times are CLOCK_MONOTONIC.
 *
 * Use: stats_init, stats_add_* while serving, stats_to_json, stats_reset
 * (keeps `active`), stats_release.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdint.h>

#include "sim_opts.h"
#include "sim_util.h"

struct sample_vec {
	int64_t *v; /* owned */
	size_t nr, alloc;
};

struct sim_stats {
	uint64_t requests;      /* generation requests accepted (faulted too) */
	uint64_t completed;     /* of them, streamed to the end with no fault */
	uint64_t aborted;       /* no-fault streams the client left early */
	uint64_t bad_requests;  /* answered 400, 404, 405 or 413 */
	uint64_t session_id_requests; /* generation requests that carried X-Session-ID */
	uint64_t failed_by_fault[FAULT_NR];
	uint64_t output_tokens; /* over completed requests */
	uint64_t prompt_tokens; /* over completed requests */
	long long active;       /* generation streams in progress now */
	long long max_active;
	int64_t max_lag_ns;     /* latest a due stream event was served */
	uint64_t arrivals_kernel; /* generation requests timed from a kernel stamp */
	uint64_t arrivals_read;   /* ... from the read (no stamp came) */
	int64_t max_read_lag_ns;  /* longest a request waited unread */
	struct sample_vec ttft, itl, e2e;
	uint64_t cached_tokens; /* over completed requests (sim_prefix.h) */
	struct sample_vec prompts, cached; /* per completed request, in order: ground truth */
	/* every generation request's arrival (CLOCK_MONOTONIC), in the order they were read:
	 * the arrival process the server saw (rate, gaps), for pacing checks */
	struct sample_vec arrival;
};

void stats_init(struct sim_stats *st);
void stats_release(struct sim_stats *st);
void stats_reset(struct sim_stats *st);
void stats_add_active(struct sim_stats *st, int delta);
static inline void stats_note_lag(struct sim_stats *st, int64_t lag_ns)
{
	if (lag_ns > st->max_lag_ns)
		st->max_lag_ns = lag_ns;
}
/* A generation request started: where its arrival time came from, and how
 * long after it the request was read. */
/* Every generation request (faulted ones too): its arrival, for the arrival process. */
void stats_add_arrival_time(struct sim_stats *st, int64_t arrival_ns);
static inline void stats_add_arrival(struct sim_stats *st, int kernel, int64_t read_lag_ns)
{
	if (kernel)
		st->arrivals_kernel++;
	else
		st->arrivals_read++;
	if (read_lag_ns > st->max_read_lag_ns)
		st->max_read_lag_ns = read_lag_ns;
}
/* One completed request: its TTFT, E2E and its itl_nr gaps. */
void stats_add_completed(struct sim_stats *st, int64_t ttft_ns, int64_t e2e_ns,
			 const int64_t *itl_ns, size_t itl_nr,
			 long long prompt_tokens, long long output_tokens, long long cached_tokens);
/* Appends the /stats JSON; raw adds ttfts_ms, itls_ms, e2es_ms, arrivals_ms and the
 * per-request prompt and cached token arrays. */
void stats_to_json(struct sbuf *out, const struct sim_stats *st, int raw);

#endif
