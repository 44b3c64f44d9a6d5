/* profile: see profile.h. The table below is executor-spec 3.1, row for row. */
#include "executor/core/profile.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/safename.h"
#include "common/xalloc.h"
#include "executor/core/env.h"

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static const char *const launchers[] = { "docker", "slurm", "local", NULL };
static const char *const vendors[] = { "nvidia", "amd", "none", NULL };
static const char *const pulls[] = { "missing", "always", "never", NULL };
static const char *const containers[] = { "none", "pyxis", NULL };

static const struct sfield docker_fields[] = {
	{ "host", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile_docker, host), 0, NULL, NULL },
	{ "shm-size", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile_docker, shm_size), 0, NULL, NULL },
	{ "pull", SF_ENUM, 0, 0, 0, pulls, offsetof(struct profile_docker, pull), 0, NULL, NULL },
};
static const struct schema docker_schema = { "the docker section", docker_fields,
					     NR(docker_fields), sizeof(struct profile_docker), NULL };

static const struct sfield slurm_fields[] = {
	{ "partition", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile_slurm, partition), 0, NULL, NULL },
	{ "time", SF_INT, 0, 1, 0, NULL, offsetof(struct profile_slurm, time_min), 0, NULL, NULL },
	{ "gres", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile_slurm, gres), 0, NULL, NULL },
	{ "extra-args", SF_STR_LIST, 0, 0, 0, NULL, offsetof(struct profile_slurm, extra_args),
	  offsetof(struct profile_slurm, extra_args_nr), NULL, NULL },
	{ "container", SF_ENUM, 0, 0, 0, containers, offsetof(struct profile_slurm, container), 0, NULL, NULL },
};
static const struct schema slurm_schema = { "the slurm section", slurm_fields,
					    NR(slurm_fields), sizeof(struct profile_slurm), NULL };

static int check_profile(void *rec, struct schema_ctx *ctx);

static const struct sfield profile_fields[] = {
	{ "launcher", SF_ENUM, SF_REQUIRED, 0, 0, launchers, offsetof(struct profile, launcher), 0, NULL, NULL },
	{ "gpu", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile, gpu), 0, NULL, NULL },
	{ "gpu-vendor", SF_ENUM, 0, 0, 0, vendors, offsetof(struct profile, gpu_vendor), 0, NULL, NULL },
	{ "gpus-per-node", SF_INT, 0, 1, 0, NULL, offsetof(struct profile, gpus_per_node), 0, NULL, NULL },
	{ "port", SF_INT, 0, 1, 65535, NULL, offsetof(struct profile, port), 0, NULL, NULL },
	{ "health-path", SF_STR, 0, 0, 0, NULL, offsetof(struct profile, health_path), 0, NULL, NULL },
	{ "health-timeout", SF_INT, 0, 1, HEALTH_TIMEOUT_MAX_S, NULL, offsetof(struct profile, health_timeout_s), 0, NULL, NULL },
	{ "agentic-trace", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct profile, agentic_trace), 0, NULL, NULL },
	{ "env", SF_MAP_STR, 0, 0, 0, NULL, offsetof(struct profile, env), offsetof(struct profile, env_nr), NULL, NULL },
	{ "mounts", SF_STR_LIST, 0, 0, 0, NULL, offsetof(struct profile, mounts), offsetof(struct profile, mounts_nr), NULL, NULL },
	{ "docker", SF_RECORD, 0, 0, 0, NULL, offsetof(struct profile, docker), 0, &docker_schema, NULL },
	{ "slurm", SF_RECORD, 0, 0, 0, NULL, offsetof(struct profile, slurm), 0, &slurm_schema, NULL },
};
static const struct schema profile_schema = { "a node profile", profile_fields,
					      NR(profile_fields), sizeof(struct profile),
					      check_profile };

/* HOST:CONTAINER[:ro], both absolute paths. */
static bool mount_valid(const char *m)
{
	const char *c1 = strchr(m, ':');
	if (!c1 || m[0] != '/' || c1[1] != '/')
		return false;
	const char *c2 = strchr(c1 + 1, ':');
	return !c2 || !strcmp(c2, ":ro");
}

static int check_at(struct schema_ctx *ctx, const char *key, const struct ynode *n,
		    const char *msg, const char *arg)
{
	size_t old = schema_path_push_key(ctx, key);
	schema_errorf(ctx, n, msg, arg);
	schema_path_pop(ctx, old);
	return -1;
}

static int check_profile(void *rec, struct schema_ctx *ctx)
{
	struct profile *p = rec;
	const struct ynode *map = p->hdr.node;
	int rc = 0;
	if (p->health_path && p->health_path[0] != '/')
		rc = check_at(ctx, "health-path", ynode_get(map, "health-path"),
			      "expected a path starting with '/', found \"%s\"", p->health_path);
	for (size_t i = 0; i < p->mounts_nr; i++) {
		if (mount_valid(p->mounts[i]))
			continue;
		const struct ynode *list = ynode_get(map, "mounts");
		size_t old = schema_path_push_key(ctx, "mounts");
		size_t o2 = schema_path_push_index(ctx, i);
		rc = schema_errorf(ctx, list->items[i],
				   "expected HOST:CONTAINER or HOST:CONTAINER:ro with absolute "
				   "paths, found \"%s\"", p->mounts[i]);
		schema_path_pop(ctx, o2);
		schema_path_pop(ctx, old);
	}
	for (size_t i = 0; i < p->env_nr; i++) {
		const char *k = p->env[i].key;
		size_t old = schema_path_push_key(ctx, "env");
		if (!env_name_valid(k, strlen(k)))
			rc = check_at(ctx, k, p->env[i].node,
				      "expected a variable name ([A-Za-z_][A-Za-z0-9_]*), found '%s'", k);
		else if (env_name_reserved(k) && strcmp(k, "HF_HUB_CACHE"))
			rc = check_at(ctx, k, p->env[i].node,
				      "'%s' is set by the executor; of its variables a profile may set "
				      "only HF_HUB_CACHE", k);
		schema_path_pop(ctx, old);
	}
	static const struct { const char *section, *launcher; } only[] = {
		{ "docker", "docker" }, { "slurm", "slurm" },
	};
	for (size_t i = 0; i < NR(only); i++) {
		const struct ynode *sec = ynode_get(map, only[i].section);
		if (sec && strcmp(p->launcher, only[i].launcher))
			rc = check_at(ctx, only[i].section, sec,
				      "this section applies only to launcher: %s", only[i].launcher);
	}
	return rc;
}

static void fill_defaults(struct profile *p)
{
	if (!p->gpu_vendor)
		p->gpu_vendor = "nvidia";
	if (!p->gpus_per_node)
		p->gpus_per_node = 8;
	if (!p->port)
		p->port = 8888;
	if (!p->health_path)
		p->health_path = "/health";
	if (!p->health_timeout_s)
		p->health_timeout_s = 1800;
	if (!p->docker.host) {
		const char *h = getenv("DOCKER_HOST");
		p->docker.host = h && *h ? h : "unix:///var/run/docker.sock";
	}
	if (!p->docker.shm_size)
		p->docker.shm_size = "16g";
	if (!p->docker.pull)
		p->docker.pull = "missing";
	if (!p->slurm.gres)
		p->slurm.gres = "gpu:{tp}";
	if (!p->slurm.container)
		p->slurm.container = "none";
}

int profile_load_text(struct profile *p, const char *name, const char *text, size_t len,
		      struct diags *d)
{
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(name);
	if (ydoc_load(&p->doc, name, text, len, d))
		return -1;
	if (!p->doc.root)
		return diags_errorf(d, name, 1, 1, NULL, "expected a node profile (a mapping), "
							"found an empty document");
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, p->doc.file, d);
	int rc = schema_load(p, &profile_schema, p->doc.root, &ctx);
	schema_ctx_release(&ctx);
	fill_defaults(p);
	return rc;
}

int profile_load(struct profile *p, const char *workspace, const char *prefix,
		 struct diags *d)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/runners/%s.yaml", workspace, prefix);
	int rc;
	memset(p, 0, sizeof(*p));
	if (!safe_name_ok(prefix)) /* the node comes from --node, $RUNNER_NAME or the entry */
		rc = diags_errorf(d, NULL, 0, 0, NULL, "node prefix '%s': expected %s", prefix,
				  safe_name_rule);
	else if (access(path.s, F_OK))
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "no node profile for node prefix '%s': %s does not exist", prefix,
				  path.s);
	else if (!(rc = file_read_all(&text, path.s, d)))
		rc = profile_load_text(p, path.s, text.s, text.len, d);
	buf_release(&path);
	buf_release(&text);
	return rc;
}

void profile_release(struct profile *p)
{
	if (p->hdr.node)
		schema_release(p, &profile_schema);
	ydoc_release(&p->doc);
	free(p->path);
	memset(p, 0, sizeof(*p));
}
