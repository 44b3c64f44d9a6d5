/*
 * agentic: aiperf's agentic-replay output -> the agentic processed result, byte for byte
 * what upstream 843c6254f's utils/agentic/aggregation/process_agentic_result.py writes
 * (json.dump(indent=2), every float through round_floats): the run's description from the
 * recipe's variables, request accounting and request metrics from the per-request records
 * (profile_export.jsonl), the dataset and theoretical cache hit rate from aiperf's
 * aggregate (profile_export_aiperf.json), and the server half (agentic_server.h). The
 * headline interactivity is request_metrics.latency.e2e_norm_intvty: 1 / percentile of
 * each request's E2EL / OSL.
 *
 * Pure: texts and trees in, bytes out; cmd_process and run do the files. The variables are
 * read through env (getenv for `process`, the run's recipe env for `run`), so both read the
 * same names with the same rules.
 */
#ifndef EXECUTOR_AGENTIC_H
#define EXECUTOR_AGENTIC_H

#include <stddef.h>

#include "executor/results/agentic_server.h"

struct buf;
struct diags;
struct jnode;

/* The value of a variable, or NULL when unset. */
typedef const char *(*agentic_env_fn)(const char *name, void *data);

struct agentic_inputs {
	const char *records;       /* borrowed: profile_export.jsonl's bytes, NUL-terminated */
	size_t records_len;
	const char *records_name;  /* for diags */
	const struct jnode *aggregate;          /* borrowed: profile_export_aiperf.json, or NULL */
	const struct agentic_metrics *metrics;  /* borrowed: the server's /metrics (may be empty) */
	struct agentic_logs logs;               /* borrowed: server logs for the KV pool size */
	agentic_env_fn env;
	void *env_data;
};

/* What the script prints after saving, for the caller's summary line. */
struct agentic_summary {
	size_t successful, total, warmup_dropped, error_dropped;
};

/* Appends the processed result (no trailing newline) to out. 0, or -1 with diags: a record
 * line that is not a JSON object, a variable upstream refuses (KV_OFFLOADING unset, a
 * backend without its metadata, ...), an integer variable that is not one, metrics no
 * backend reads. */
int agentic_process(struct buf *out, struct agentic_summary *sum,
		    const struct agentic_inputs *in, struct diags *d);

#endif
