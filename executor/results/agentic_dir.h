/*
 * agentic_dir: the files of an agentic run's result directory, read as upstream's
 * process_agentic_result.py main() finds them, into the agentic processed result:
 * RESULT_DIR/aiperf_artifacts (or its first child directory, by name, that holds one) with
 * profile_export.jsonl (required), profile_export_aiperf.json and
 * server_metrics_export.json (optional); the server logs RESULT_DIR/server.log and
 * watchtower-*.out in RESULT_DIR and its three nearest parents. Our own scrape file
 * (NAME.server_metrics.json), when given, stands in for aiperf's server metrics export.
 */
#ifndef EXECUTOR_AGENTIC_DIR_H
#define EXECUTOR_AGENTIC_DIR_H

#include "executor/results/agentic.h"

struct buf;
struct diags;

struct agentic_dir_inputs {
	const char *result_dir;   /* borrowed */
	const char *scrape_file;  /* borrowed; NULL: aiperf's export, if any */
	agentic_env_fn env;
	void *env_data;
};

/* Appends the processed result (no trailing newline) to out. 0, or -1 with diags. */
int agentic_process_dir(struct buf *out, struct agentic_summary *sum,
			const struct agentic_dir_inputs *in, struct diags *d);

#endif
