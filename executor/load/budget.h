/*
 * budget: what one load will hold, estimated from its config before anything is allocated,
 * against what this machine can give it. The load builds every request before the clock
 * starts (executor-spec 4.8: 10 x conc prompts), so a large concurrency asks for its memory
 * all at once: conc 100000 took 11.7 GB, conc 2^31 asked malloc for 1.3 TB and died. The
 * check turns that into one clear error before the first allocation.
 *
 *   load_budget_check(&cfg, &diags)   0, or -1 with a diag naming the size and the limit
 *
 * Counted: the prompts (token ids and request bytes, at the longest drawn length), each
 * request's record (its ITL array sized for max_tokens), the connections, and the ITL samples
 * flattened for the statistics after the load. Not counted: the kernel's socket buffers, and
 * limits other than the machine's (ulimit -v, cgroups); an allocation that fails anyway ends
 * through xalloc's out-of-memory path.
 */
#ifndef EXECUTOR_BUDGET_H
#define EXECUTOR_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

struct bench_config;
struct diags;

struct load_budget {
	double prompt_bytes;  /* token ids and request bytes of every prompt */
	double record_bytes;  /* per-request records and the statistics' samples */
	double conn_bytes;    /* connections and their warm-up records */
	double total_bytes;
	size_t inflight;      /* connections at once */
	double fds;           /* file descriptors the load needs */
};

/* Requests in flight at once: max_concurrency, else every request (or warm-up) at once. */
size_t load_max_inflight(const struct bench_config *cfg);
/* Whether the descriptors a load needs are known before it runs: with --max-concurrency, or
 * at an infinite rate (every request at once). A finite rate without a bound keeps as many in
 * flight as its schedule and the server's latency make: that is sized as it happens, and the
 * load fails only when descriptors really run out (load.c). */
bool load_fds_known(const struct bench_config *cfg);
/* The descriptor limit the load runs under: the soft limit raised to the hard one (raising it
 * is this process's right; the hard limit is not ours). raise false: only say what it will
 * be, so that a check before the server starts does not hand the raised limit to it. */
int load_fd_limit(bool raise);
void load_budget_estimate(struct load_budget *out, const struct bench_config *cfg);
/* 0 when the estimate fits in half of MemAvailable and in load_fd_limit, else -1. */
int load_budget_check(const struct bench_config *cfg, struct diags *d);

#endif
