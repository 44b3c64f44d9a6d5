/*
 * profile: node profiles, runners/<node-prefix>.yaml (executor-spec 3.1), loaded with the same
 * strict YAML code as matrixgen: unknown keys (with did-you-mean), wrong types and values out
 * of range are errors with file:line:col and key path. Defaults are filled in after loading,
 * so every field of a loaded profile is usable as is.
 *
 * Use: profile_load(&p, workspace, node_prefix, d) ... profile_release(&p).
 * The profile owns its YAML document; strings in it are valid until profile_release.
 */
#ifndef EXECUTOR_PROFILE_H
#define EXECUTOR_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/schema.h"
#include "common/yamltree.h"

/* The longest health wait a profile or --health-timeout may ask for (11.6 days): deadlines are
 * nanoseconds in an int64_t, and no server takes longer to come up. */
#define HEALTH_TIMEOUT_MAX_S 1000000

struct diags;

struct profile_docker {
	struct srec hdr;
	const char *host;     /* default $DOCKER_HOST, else unix:///var/run/docker.sock */
	const char *shm_size; /* default 16g */
	const char *pull;     /* missing | always | never */
};

struct profile_slurm {
	struct srec hdr;
	const char *partition; /* NULL: the cluster's default */
	long time_min;         /* 0: no --time */
	const char *gres;      /* default gpu:{tp} */
	const char **extra_args;
	size_t extra_args_nr;
	const char *container; /* none | pyxis */
};

struct profile {
	struct srec hdr;
	const char *launcher;   /* docker | slurm | local */
	const char *gpu;
	const char *gpu_vendor; /* nvidia | amd | none */
	long gpus_per_node;
	long port;
	const char *health_path;
	long health_timeout_s;
	/* the trace an agentic entry replays (run's --trace wins): a path, relative ones to the
	 * workspace; NULL: none (local launcher: the shipped tests/trace/agentx_small.jsonl) */
	const char *agentic_trace;
	struct skv *env;
	size_t env_nr;
	const char **mounts;
	size_t mounts_nr;
	struct profile_docker docker;
	struct profile_slurm slurm;
	char *path;       /* owned: the file it came from */
	struct ydoc doc;  /* owned */
};

/* Loads {workspace}/runners/{prefix}.yaml. Returns 0 or -1 (diags added). */
int profile_load(struct profile *p, const char *workspace, const char *prefix,
		 struct diags *d);
/* The same from text (tests, fuzzing); name is used in messages. */
int profile_load_text(struct profile *p, const char *name, const char *text, size_t len,
		      struct diags *d);
void profile_release(struct profile *p);


#endif
