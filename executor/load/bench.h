/*
 * bench: the load generator as a library call, for `executor bench` (cmd_bench.c, a thin
 * wrapper) and for `executor run` (executor-spec 4.8).
 *
 *   struct bench_config cfg; bench_config_init(&cfg);   fill it (config.h)
 *   struct bench_result res;
 *   bench_run(&res, &cfg, &diags);            prepares, warms up, runs the timed load
 *   bench_result_write_json(&buf, &cfg, &res); the raw result (raw_result.h, executor-spec 4.7)
 *   bench_summary(&buf, &cfg, &res);           the human summary (summary.h)
 *   bench_result_release(&res);                (result.h)
 *
 * bench_run returns -1 with diags when the load could not run (bad URL, server unreachable
 * for a required helper call, failed --profile start), ran out of file descriptors, or when
 * --profile's stop failed after it; res.measured says whether its outcomes are a measurement
 * (they are after a failed stop_profile and after SIGINT, not in the other cases). Failed
 * requests are data, counted in res.failures. The config borrows every string.
 */
#ifndef EXECUTOR_BENCH_H
#define EXECUTOR_BENCH_H

#include <stdbool.h>

/* the types of this interface, for every caller */
#include "executor/load/config.h"
#include "executor/load/result.h"

struct diags;

int bench_run(struct bench_result *out, const struct bench_config *cfg, struct diags *d);
/* bench_run in two steps, so `run` can build every request while the server is still
 * starting (bench_prepare_needs_server: not when prompts are sized by the server's
 * /tokenize). bench_prep_free is always needed after bench_prepare. */
struct bench_prep;
bool bench_prepare_needs_server(const struct bench_config *cfg);
int bench_prepare(struct bench_prep **out, const struct bench_config *cfg, struct diags *d);
int bench_run_prepared(struct bench_result *out, const struct bench_config *cfg,
		       struct bench_prep *p, struct diags *d);
void bench_prep_free(struct bench_prep *p);

#endif
