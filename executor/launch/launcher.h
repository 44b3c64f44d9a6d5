/*
 * launcher: how a recipe is brought up on a node (executor-spec 3.3), behind one small ops
 * table, one implementation per profile `launcher:` value:
 *   local   the recipe as a child in its own process group (launch_local.c)
 *   docker  the Docker Engine API over its socket, with libcurl (launch_docker.c)
 *   slurm   salloc --no-shell + srun --jobid, squeue, scancel (launch_slurm.c)
 *
 * Order of calls: remove_leftovers, start, alive (polled), stop (always, also after a failed
 * start; idempotent), launched_release. The spec and everything it points to are borrowed
 * for the whole run; struct launched owns its strings.
 */
#ifndef EXECUTOR_LAUNCHER_H
#define EXECUTOR_LAUNCHER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/vec.h"

struct buf;
struct diags;
struct profile;

struct launch_spec {
	const char *workspace;   /* absolute */
	const char *recipe_rel;  /* relative to the workspace: benchmarks/<dir>/<name>.sh */
	struct strvec env;       /* NAME=VALUE added to the recipe's environment (borrowed) */
	const struct strvec *secrets; /* names whose values are never printed */
	const char *result_dir;  /* absolute; the same path inside containers */
	const char *image;
	const char *node;        /* node name: container labels, Slurm job name */
	const char *run_id;      /* unique per run: container name, labels */
	const struct profile *profile;
	long tp;                 /* {tp} in the Slurm gres */
	long health_timeout_s;   /* --health-timeout, else the profile's: bounds a pending allocation */
	int log_fd;              /* server.log: the server's stdout and stderr go here */
	/* the program's stop flag (set by SIGINT/SIGTERM): long waits (an image pull, a pending
	 * allocation) give up when it is set; stop and remove_leftovers never do */
	volatile sig_atomic_t *stop;
};

struct launched {
	const struct launcher_ops *ops;
	pid_t pid;          /* local: the recipe (its process group); slurm: the srun step */
	char *id;           /* docker: container id; slurm: job id */
	char *host;         /* where the server listens (health and load) */
	char *image_digest; /* docker: the image id the container runs */
	bool ended;         /* the server process, container or job is gone */
	char how[256];      /* how it ended ("exit status 3", "killed by signal 9", ...) */
	void *priv;         /* the launcher's own state */
};

struct launcher_ops {
	const char *name;
	/* The server listens on this host, where the executor runs (local, docker with host
	 * network), not on a node elsewhere (slurm: the allocated node). Only then can run tell
	 * before start that a stranger already listens on the profile's port (it would answer
	 * the health check and take the load), and only then are this host's GPUs the server's
	 * (meta.json's probe). */
	bool server_on_this_host;
	/* Removes what an earlier run on this node left: containers labelled with the node,
	 * Slurm jobs named after it, a local process group recorded for it. */
	int (*remove_leftovers)(const struct launch_spec *s, struct diags *d);
	int (*start)(struct launched *l, const struct launch_spec *s, struct diags *d);
	/* true while the server runs; once false, l->ended and l->how are set */
	bool (*alive)(struct launched *l);
	/* SIGTERM (docker stop, scancel), up to grace_s seconds, then kill; removes it. */
	int (*stop)(struct launched *l, const struct launch_spec *s, int grace_s,
		    struct diags *d);
	/* --dry-run: what start would do (argv, API request bodies), secrets masked. */
	void (*describe)(struct buf *out, const struct launch_spec *s);
};

extern const struct launcher_ops launch_local_ops;
extern const struct launcher_ops launch_docker_ops;
extern const struct launcher_ops launch_slurm_ops;
const struct launcher_ops *launcher_find(const char *name);
void launched_release(struct launched *l);

/* The server's process, as the local and slurm launchers start it (common/proc_spawn): argv
 * (argv[0] looked up in PATH) in its own process group, in dir (NULL: ours), with stdin
 * /dev/null, stdout and stderr to log_fd, default signal dispositions, and our environment
 * plus extra (NAME=VALUE; an extra name replaces ours, so the child sees one value per name).
 * Returns the pid, or -1 with a diag when it could not be started (no such program, a
 * directory it cannot enter). */
pid_t launch_child(const char *const *argv, const struct strvec *extra, int log_fd,
		   const char *dir, struct diags *d);

/* Appends env as NAME=VALUE lines, values of secret names as ***, escaped as below. */
void launch_env_describe(struct buf *out, const struct launch_spec *s, const char *indent);
/* Appends str with newlines and other control characters escaped (\n, \xNN): what the
 * describe ops print goes to a terminal, and a value from an entry, a profile or the
 * environment must not forge lines of it. */
void launch_describe_str(struct buf *out, const char *str);
/* Whether the variable whose name is var[0..klen) is one of the spec's secrets. */
bool launch_is_secret(const struct launch_spec *s, const char *var, size_t klen);

#endif
