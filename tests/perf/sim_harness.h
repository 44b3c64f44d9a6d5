/*
 * sim_harness: what the perf drivers against the simulator share (perf_load, bench_accuracy):
 * a simulator started on a free port (its --port-file read back), stopped, asked over HTTP
 * (GET /stats?raw=1, POST /stats/reset), and programs run with their stdout (and the
 * simulator's stderr) thrown away. The simulator's files go to the driver's directory.
 */
#ifndef PERF_SIM_HARNESS_H
#define PERF_SIM_HARNESS_H

#include <sys/types.h>

struct buf;

struct sim_harness {
	const char *sim_path;
	const char *dir;     /* where the port file goes */
	pid_t pid;           /* 0: none running */
	int port;
};

/* Stops any simulator running, starts one with TTFT and ITL (ms); 0, or -1. */
int sim_harness_start(struct sim_harness *h, const char *ttft_ms, const char *itl_ms);
void sim_harness_stop(struct sim_harness *h);
/* METHOD the simulator's PATH into out; the HTTP status, or -1. */
long sim_harness_http(const struct sim_harness *h, struct buf *out, const char *method,
		      const char *path);
/* Runs argv, stdout to /dev/null: its exit status, or -1 when it did not exit normally. */
int run_quiet(char *const argv[]);

#endif
