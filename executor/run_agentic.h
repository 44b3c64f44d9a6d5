/*
 * run_agentic: the load of an agentic entry (scenario-type agentic-coding) in `executor
 * run`, as upstream's benchmark_lib.sh drives AIPerf's agentx replay: a recorded trace
 * replayed (load/replay.h) against the server on its chat endpoint, streaming, with the
 * entry's conc as the live sessions (multi-node: each conc of its list, one replay each) and
 * its DURATION as the bound (turns in flight at the bound are drained, as AIPerf waits for
 * them), the server's /metrics scraped around and during it. It returns the texts run writes
 * into the artifact (run names them: single-node as below; multi-node per conc N under
 * agentic/conc_N/, see run.c's struct agentic_point):
 *   {RESULT_FILENAME}.json                     our replay result (replay_result_json)
 *   aiperf_artifacts/profile_export.jsonl      the AIPerf-style records, where
 *                                              agentic_process_dir() reads them
 *   {RESULT_FILENAME}.server_metrics.json      the scrapes (when scraped)
 * and a one-line summary. run processes them with agentic_process_dir().
 *
 * struct agentic_load owns its buffers: agentic_load_release.
 */
#ifndef EXECUTOR_RUN_AGENTIC_H
#define EXECUTOR_RUN_AGENTIC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct diags;

/* where the records go under the result directory (agentic_dir.h reads them there) */
#define AGENTIC_RECORDS_DIR "aiperf_artifacts"
#define AGENTIC_RECORDS_FILE AGENTIC_RECORDS_DIR "/profile_export.jsonl"

struct agentic_load_spec {
	const char *base_url;     /* http://host:port */
	const char *model;        /* what requests name */
	const char *trace;        /* the trace file (Mooncake or AgentX JSONL) */
	long sessions;            /* live session trees: the entry's conc (multi-node: one of them) */
	double duration_s;        /* the bound: the entry's DURATION, capped by run */
	double server_metrics_interval_s; /* 0: no scrapes */
	volatile sig_atomic_t *stop;
};

struct agentic_load {
	bool measured;            /* the replay ran: the texts below say what it did */
	struct buf result;        /* replay_result_json */
	struct buf records;       /* profile_export.jsonl */
	struct buf scrapes;       /* scrapes_write_json; empty when none were taken */
	struct buf summary;       /* replay_summary, for stdout */
	size_t turns, completed, sessions;
	double first_unix, last_unix; /* wall clock of the replay's start and end */
	double median_ttft_ms;    /* over the completed turns; 0 when none */
};

void agentic_load_init(struct agentic_load *l);
/* Runs the replay. -1 with diags when it could not run (an unreadable or bad trace, no
 * connection slots); a replay that ran with failed turns is data (l->completed says). */
int agentic_load_run(struct agentic_load *l, const struct agentic_load_spec *s,
		     struct diags *d);
void agentic_load_release(struct agentic_load *l);

#endif
