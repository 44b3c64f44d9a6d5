/*
 * run: one matrix entry, end to end, on this node (executor-spec 1.1): validate, resolve
 * node, profile, recipe and environment, remove leftovers, start the server, wait until it
 * is ready, drive the load (bench as a library call), process the raw results, stop the
 * server, and write meta.json and the artifact. Cleanup is not optional: every path after
 * start goes through stop, and every path writes meta.json and the artifact with what
 * exists, saying which phase failed and why.
 */
#ifndef EXECUTOR_RUN_H
#define EXECUTOR_RUN_H

#include <signal.h>
#include <stdbool.h>

#include "common/vec.h"

struct buf;
struct diags;
struct jnode;

struct run_opts {
	const char *node;        /* --node, else $RUNNER_NAME, else the entry's runner */
	const char *workspace;   /* holds benchmarks/ and runners/ */
	const char *output_dir;  /* where this entry's files go */
	struct strvec secret_env;
	long health_timeout_s;   /* 0: the profile's */
	/* the eval phase (entries with run-eval or eval-only): NULL picks the workspace's
	 * configs/evals/gsm8k-subset.jsonl, configs/eval-thresholds.yaml */
	const char *eval_dataset, *eval_thresholds;
	long eval_limit;         /* 0: every question */
	double server_metrics_interval_s; /* /metrics scrapes during each load; 0: none */
	double max_failed_pct;   /* the failure gate: a load with more failed requests fails */
	/* agentic entries: the trace (NULL: the profile's agentic-trace, else the local
	 * launcher's shipped trace) and a bound below the entry's DURATION (0: none) */
	const char *trace;
	double max_duration_s;
	bool dry_run;
	bool realtime;           /* --realtime: the whole run in the SCHED_FIFO class (load/realtime.h) */
	bool matrix_layout;      /* files go to {output_dir}/bmk_{RESULT_FILENAME}/ */
	/* the program's stop flag, set to the signal by SIGINT/SIGTERM: checked between phases,
	 * and passed on to the launcher, the health wait and the load */
	volatile sig_atomic_t *stop;
};

struct run_outcome {
	bool ok;
	char summary[512];       /* one line for --matrix */
};

/* One entry to run: its JSON text (written to the output as entry.json), and, for an item of a
 * matrix, the item already read, so that problems point into the matrix file. */
struct run_input {
	const char *json;
	size_t len;
	const char *name;          /* the entry's name in messages: a file, --entry-json, entry-N */
	const struct jnode *item;  /* NULL, or the matrix item json was written from */
	const char *item_file;     /* the matrix file: where item's lines and columns are */
};

/* Runs one entry. Returns 0 on full success. */
int run_entry(struct run_outcome *out, const struct run_opts *o, const struct run_input *in,
	      struct buf *stdout_text, struct diags *d);

#endif
