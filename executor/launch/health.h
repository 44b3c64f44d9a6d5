/*
 * health: waiting until the server is ready (executor-spec 3.4), and what a multi-node
 * recipe reports in $RESULT_DIR/deployment.env (3.2).
 *
 * The wait polls every HEALTH_POLL_MS (the spec asks for at least once a second; a faster
 * poll measures start-up time instead of padding it), only HTTP 200 counts, and between
 * polls it asks the launcher whether the server still runs: a server that dies fails the
 * wait at once, with the last 50 lines of server.log in the message.
 */
#ifndef EXECUTOR_HEALTH_H
#define EXECUTOR_HEALTH_H

#include <signal.h>
#include <stdint.h>

struct buf;
struct diags;
struct launched;

#define HEALTH_POLL_MS 200

struct deployment {
	char *base_url;     /* owned */
	long prefill_gpus;  /* >= 1 */
	long decode_gpus;   /* >= 0: 0 is an aggregated deployment (decode num-worker 0) */
	char *served_model; /* owned, NULL when not reported */
};

/* Parses a deployment.env; -1 with a diag naming the line when it is not valid. */
int deployment_read(struct deployment *out, const char *path, struct diags *d);
void deployment_release(struct deployment *dep);

struct health_wait {
	const char *url;           /* single-node: http://host:port/path; NULL for multi-node */
	const char *deploy_env;    /* multi-node: the deployment.env path to wait for */
	const char *health_path;   /* multi-node: appended to BASE_URL */
	const char *server_log;    /* its tail goes into the failure message */
	int64_t deadline_ns;       /* CLOCK_MONOTONIC */
	long timeout_s;            /* for the message */
	volatile sig_atomic_t *stop; /* set by a signal handler: give up */
};

/* Returns 0 once ready (dep filled for multi-node), -1 with a diag otherwise. */
int health_wait(struct deployment *dep, const struct health_wait *w, struct launched *l,
		struct diags *d);
/* The last n lines of a file, appended to out. */
void file_tail(struct buf *out, const char *path, int n);

#endif
