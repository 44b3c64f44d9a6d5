/* run: see run.h. The steps are a table run in order; stop and the artifact are the
 * "finally" of the table, reached from every step. */
#include "executor/run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "executor/launch/gpumon.h"
#include "executor/power_job.h"
#include "executor/results/artifact.h"
#include "executor/load/bench.h"
#include "executor/load/budget.h"
#include "executor/core/entry.h"
#include "executor/core/env.h"
#include "executor/launch/health.h"
#include "executor/launch/launcher.h"
#include "executor/load/raw_result.h"
#include "executor/load/summary.h"
#include "executor/results/meta.h"
#include "executor/results/process.h"
#include "executor/core/profile.h"
#include "executor/evals/eval.h"
#include "executor/evals/thresholds.h"
#include "executor/recipe.h"
#include "executor/results/agentic_dir.h"
#include "executor/run_agentic.h"

#define STOP_GRACE_S 30

/* One load's config and (when it needs no server) its prepared requests: built ahead so
 * the first request follows the health check at once. */
struct pending_load {
	bool active;
	struct buf file, url;     /* the raw result's file name; what cfg.base_url borrows */
	char *raw_name;
	long conc;
	struct bench_config cfg;
	struct bench_prep *prep;
};

struct run {
	const struct run_opts *o;
	struct diags *d;
	const char *json, *name;
	size_t len;
	const struct jnode *item; /* a matrix item, read from item_file (run_input) */
	const char *item_file;
	struct entry e;
	struct profile p;
	struct run_env env;
	struct launch_spec spec;
	const struct launcher_ops *ops;
	struct launched l;
	bool started;
	struct deployment dep;
	struct meta m;
	struct buf node, workspace, out_dir, rf, recipe, log_path;
	struct strvec raw_names; /* owned: raw result names (without .json) */
	struct strvec files;     /* owned: files of out_dir that go into the artifact */
	int log_fd;
	char run_id[64];
	struct pending_load next;  /* the next load, prepared ahead */
	int64_t recipe_started_ns;
	struct bench_result last;  /* the last load's result, for the summary line */
	bool have_last;
	bool power;                /* GPU metrics were sampled (or REQUIRE_POWER): patch power */
	struct buf eval_line;      /* the eval's summary (eval_summary), "" when none ran */
	struct buf trace;          /* an agentic entry's trace (resolve_trace) */
	struct agentic_load agentic; /* an agentic entry's load, once it ran */
	bool agentic_ran;
};

static bool has_file(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->files.nr; i++)
		if (!strcmp(r->files.v[i], name))
			return true;
	return false;
}

static void add_file(struct run *r, const char *name)
{
	for (size_t i = 0; i < r->files.nr; i++)
		if (!strcmp(r->files.v[i], name))
			return;
	VEC_PUSH(&r->files, xstrdup(name));
}

static void out_path(struct buf *p, const struct run *r, const char *name)
{
	buf_reset(p);
	buf_addf(p, "%s/%s", r->out_dir.s, name);
}

/* Writes a file of the output directory and lists it for the artifact. */
static int write_out(struct run *r, const char *name, const char *data, size_t len)
{
	struct buf p = BUF_INIT;
	out_path(&p, r, name);
	int rc = file_write_atomic(p.s, data, len, r->d);
	if (!rc)
		add_file(r, name);
	buf_release(&p);
	return rc;
}

static void abs_path(struct buf *out, const char *path)
{
	char real[PATH_MAX];
	buf_reset(out);
	if (realpath(path, real))
		buf_adds(out, real);
	else if (path[0] == '/')
		buf_adds(out, path);
	else if (getcwd(real, sizeof(real)))
		buf_addf(out, "%s/%s", real, path);
	else
		buf_adds(out, path);
}

/* ---- steps ---- */

static int step_validate(struct run *r)
{
	if (r->item ? entry_from_jnode(&r->e, r->item, r->item_file, r->d)
		    : entry_parse(&r->e, r->json, r->len, r->name, r->d))
		return -1;
	const char *node = entry_node_name_checked(&r->e, r->o->node, r->d);
	if (!node)
		return -1;
	buf_adds(&r->node, node);
	r->m.node = r->node.s;
	r->m.image = r->e.image;
	entry_result_filename(&r->rf, &r->e, r->node.s);
	if (r->o->matrix_layout) /* the layout the existing collectors download into */
		buf_addf(&r->out_dir, "/bmk_%s", r->rf.s);
	r->m.result_filename = xstrdup(r->rf.s);
	return 0;
}

static int check_secret_names(struct run *r)
{
	int rc = 0;
	for (size_t i = 0; i < r->o->secret_env.nr; i++) {
		const char *n = r->o->secret_env.v[i];
		if (!env_name_valid(n, strlen(n)))
			rc = diags_errorf(r->d, NULL, 0, 0, NULL,
					  "--secret-env: '%s' is not a variable name", n);
		if (env_name_reserved(n))
			rc = diags_errorf(r->d, NULL, 0, 0, NULL,
					  "--secret-env: '%s' is set by the executor", n);
	}
	return rc;
}

static int check_load_budget(struct run *r);

#define SHIPPED_TRACE "tests/trace/agentx_small.jsonl"

/* An agentic entry's trace: --trace, else the profile's agentic-trace (relative to the
 * workspace), else for the local launcher the shipped AgentX trace of the workspace. It
 * must be readable now: a missing trace is found before the server starts. */
static int resolve_trace(struct run *r)
{
	const char *given = r->o->trace ? r->o->trace : r->p.agentic_trace;
	if (!given && strcmp(r->p.launcher, "local"))
		return diags_errorf(r->d, NULL, 0, 0, NULL,
				    "scenario-type '%s' replays a trace: give run --trace FILE, or "
				    "agentic-trace in the node profile %s", r->e.scenario_type,
				    r->p.path);
	buf_reset(&r->trace);
	if (!given)
		buf_addf(&r->trace, "%s/%s", r->workspace.s, SHIPPED_TRACE);
	else if (given[0] != '/' && !r->o->trace)
		buf_addf(&r->trace, "%s/%s", r->workspace.s, given);
	else
		abs_path(&r->trace, given);
	if (access(r->trace.s, R_OK))
		return diags_errorf(r->d, r->trace.s, 0, 0, NULL, "cannot read the trace: %s",
				    strerror(errno));
	return 0;
}

static int step_prepare(struct run *r)
{
	size_t prefix_len = strcspn(r->node.s, "_");
	char *prefix = xstrndup(r->node.s, prefix_len);
	int rc = profile_load(&r->p, r->workspace.s, prefix, r->d);
	free(prefix);
	if (rc || check_secret_names(r))
		return -1;
	r->ops = launcher_find(r->e.multinode ? "local" : r->p.launcher);
	r->m.launcher = r->ops->name;
	long gpus = entry_gpu_count(&r->e); /* tp x pp x pcp-size; v1: tp */
	if (!r->e.multinode && gpus > r->p.gpus_per_node)
		return diags_errorf(r->d, NULL, 0, 0, NULL,
				    "%s %ld needs more GPUs than node %s has (gpus-per-node %ld in %s)",
				    r->e.v2 ? "tp x pp x pcp-size" : "tp", gpus, r->node.s,
				    r->p.gpus_per_node, r->p.path);
	struct recipe_key k = { r->e.multinode, r->e.agentic, r->e.exp_name, r->e.precision, r->p.gpu,
				r->e.framework, r->e.spec_decoding };
	if (recipe_resolve(&r->recipe, r->workspace.s, &k, r->d))
		return -1;
	struct env_inputs in = { &r->e, &r->p, r->node.s, r->rf.s, r->out_dir.s,
				 &r->o->secret_env };
	if (entry_to_env(&r->env, &in, r->d))
		return -1;
	if (r->e.agentic ? resolve_trace(r) : !r->e.eval_only && check_load_budget(r))
		return -1;
	snprintf(r->run_id, sizeof(r->run_id), "%ld-%ld", (long)getpid(),
		 (long)(clock_mono_ns() / 1000000 % 100000000));
	struct launch_spec s = {
		.workspace = r->workspace.s, .recipe_rel = r->recipe.s, .env = r->env.vars,
		.secrets = &r->env.secrets, .result_dir = r->out_dir.s, .image = r->e.image,
		.node = r->node.s, .run_id = r->run_id, .profile = &r->p, .tp = entry_gpu_count(&r->e),
		.log_fd = -1, .stop = r->o->stop,
		.health_timeout_s = r->o->health_timeout_s ? r->o->health_timeout_s
							   : r->p.health_timeout_s,
	};
	r->spec = s;
	return 0;
}

static int step_leftovers(struct run *r)
{
	return r->ops->remove_leftovers(&r->spec, r->d);
}

/* Whether something already listens on 127.0.0.1:port. */
static bool port_taken(long port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool taken = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return taken;
}

static int load_prepare(struct run *r, long c, const char *raw_name);

static int step_start(struct run *r)
{
	/* A server already on the port would answer the health check and take the load: the
	 * run would measure a stranger. (A server on another node: not checked from here.) */
	if (r->ops->server_on_this_host && port_taken(r->p.port))
		return diags_errorf(r->d, NULL, 0, 0, NULL,
				    "port %ld on this host is already in use: another server listens "
				    "there (a leftover of another run?), so this run would measure it",
				    r->p.port);
	/* created here, not earlier: --dry-run stops before this step and creates nothing */
	if (mkdir_p(r->out_dir.s, r->d))
		return -1;
	struct buf p = BUF_INIT;
	/* a stale deployment.env would pass for the new deployment's */
	out_path(&p, r, "deployment.env");
	unlink(p.s);
	struct buf text = BUF_INIT;
	buf_add(&text, r->json, r->len);
	if (!text.len || text.s[text.len - 1] != '\n')
		buf_addch(&text, '\n');
	int rc = write_out(r, "entry.json", text.s, text.len);
	buf_release(&text);
	out_path(&r->log_path, r, "server.log");
	r->log_fd = open(r->log_path.s, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (r->log_fd < 0) {
		rc = diags_errorf(r->d, r->log_path.s, 0, 0, NULL, "cannot create: %s",
				  strerror(errno));
	} else {
		add_file(r, "server.log");
		r->spec.log_fd = r->log_fd;
	}
	buf_release(&p);
	if (rc)
		return -1;
	r->started = true;
	rc = r->ops->start(&r->l, &r->spec, r->d);
	/* the health deadline counts from the recipe's start, not from a pull or an allocation */
	r->recipe_started_ns = clock_mono_ns();
	r->l.ops = r->ops;
	if (r->l.image_digest)
		r->m.image_digest = xstrdup(r->l.image_digest);
	/* while the server loads its model: every request body of the (single-node) load */
	if (!rc && !r->e.multinode && !r->e.eval_only && !r->e.agentic)
		rc = load_prepare(r, r->e.conc[0], r->rf.s);
	return rc;
}

static int step_health(struct run *r)
{
	long timeout = r->spec.health_timeout_s;
	struct buf url = BUF_INIT, env_path = BUF_INIT;
	if (!r->e.multinode)
		buf_addf(&url, "http://%s:%ld%s", r->l.host, r->p.port, r->p.health_path);
	out_path(&env_path, r, "deployment.env");
	struct health_wait w = {
		.url = r->e.multinode ? NULL : url.s,
		.deploy_env = env_path.s,
		.health_path = r->p.health_path,
		.server_log = r->log_path.s,
		/* counted from the start of the recipe */
		.deadline_ns = r->recipe_started_ns + (int64_t)timeout * 1000000000,
		.timeout_s = timeout,
		.stop = r->o->stop,
	};
	int rc = health_wait(&r->dep, &w, &r->l, r->d);
	if (!rc && r->e.multinode)
		add_file(r, "deployment.env");
	buf_release(&url);
	buf_release(&env_path);
	return rc;
}

/* RANDOM_RANGE_RATIO as given to the recipe: the load uses the ratio the recipe was told. */
static int range_ratio(double *out, const struct run *r)
{
	const char *v = env_get(&r->env, "RANDOM_RANGE_RATIO");
	char *end = NULL;
	if (v)
		*out = strtod(v, &end);
	if (!v || end == v || *end)
		return diags_errorf(r->d, NULL, 0, 0, NULL, "RANDOM_RANGE_RATIO: expected a number, "
				    "found '%s'", v ? v : "");
	return 0;
}

/* The server as started: single-node http://{host}:{PORT}, multi-node the deployment's
 * BASE_URL; and the model name it serves (multi-node: SERVED_MODEL_NAME when reported). */
static void server_base_url(struct buf *out, const struct run *r)
{
	buf_reset(out);
	if (!r->e.multinode)
		buf_addf(out, "http://%s:%ld", r->l.host, r->p.port);
	else
		buf_adds(out, r->dep.base_url);
}

static const char *served_model(const struct run *r)
{
	return r->e.multinode && r->dep.served_model ? r->dep.served_model : r->e.model;
}

/* executor-spec 4.8: the load's config for one concurrency against base_url, from the entry,
 * the deployment and the recipe's environment. The raw result goes to {out_dir}/{file}: run
 * writes it. */
static int load_config_at(struct bench_config *cfg, struct buf *url, const struct run *r,
			  long c, const char *base_url)
{
	struct bench_load_spec spec = {
		.base_url = base_url,
		.model = served_model(r),
		.framework = r->e.framework,
		.spec_decoding = r->e.spec_decoding,
		.isl = r->e.isl,
		.osl = r->e.osl,
		.conc = c,
		.stop = r->o->stop,
		.schema = r->e.v2 ? RESULT_SCHEMA_V2 : RESULT_SCHEMA_V1,
		.server_metrics_interval_s = r->o->server_metrics_interval_s,
	};
	int rc = range_ratio(&spec.range_ratio, r);
	if (!rc)
		rc = bench_config_for_run(cfg, url, &spec, r->d);
	return rc;
}

/* The config against the server as started: single-node {host}:{PORT}, multi-node BASE_URL. */
static int load_config(struct bench_config *cfg, struct buf *url, const struct run *r, long c)
{
	struct buf base = BUF_INIT;
	server_base_url(&base, r);
	int rc = load_config_at(cfg, url, r, c, base.s);
	buf_release(&base);
	return rc;
}

/* Every load's memory and descriptors, before the server starts: a concurrency this machine
 * cannot hold is refused here, with nothing to stop, not by malloc with the server up. (The
 * URL plays no part in the estimate: the server's is not known yet.) */
static int check_load_budget(struct run *r)
{
	int rc = 0;
	for (size_t i = 0; i < r->e.conc_nr && !rc; i++) {
		struct bench_config cfg;
		struct buf url = BUF_INIT;
		rc = load_config_at(&cfg, &url, r, r->e.conc[i], "http://server.invalid");
		if (!rc)
			rc = load_budget_check(&cfg, r->d);
		buf_release(&url);
	}
	return rc;
}

static void pending_release(struct pending_load *pl)
{
	if (!pl->active)
		return;
	bench_prep_free(pl->prep);
	buf_release(&pl->file);
	buf_release(&pl->url);
	free(pl->raw_name);
	memset(pl, 0, sizeof(*pl));
}

static int load_prepare(struct run *r, long c, const char *raw_name)
{
	struct pending_load *pl = &r->next;
	pending_release(pl);
	pl->active = true;
	buf_init(&pl->file);
	buf_init(&pl->url);
	pl->conc = c;
	pl->raw_name = xstrdup(raw_name);
	buf_addf(&pl->file, "%s.json", raw_name);
	if (load_config(&pl->cfg, &pl->url, r, c))
		return -1;
	if (!bench_prepare_needs_server(&pl->cfg))
		return bench_prepare(&pl->prep, &pl->cfg, r->d);
	return 0;
}

/* Whether the server still runs after a load. A server that dies closes its sockets a moment
 * before its process can be reaped: when requests failed, it gets half a second to show it. */
static bool server_survived(struct run *r, const struct bench_result *res)
{
	bool all_ok = res->completed == (long)res->nr;
	for (int i = 0; i < (all_ok ? 1 : 50); i++) {
		if (!r->ops->alive(&r->l))
			return false;
		if (i + 1 < (all_ok ? 1 : 50))
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	return true;
}

static int load_finish(struct run *r)
{
	struct pending_load *pl = &r->next;
	struct buf json = BUF_INIT, summary = BUF_INIT;
	struct bench_result res = { 0 };
	int rc = pl->prep ? 0 : bench_prepare(&pl->prep, &pl->cfg, r->d);
	if (!rc)
		rc = bench_run_prepared(&res, &pl->cfg, pl->prep, r->d);
	if (res.measured) {
		if (!r->m.first_request_unix)
			r->m.first_request_unix = res.first_send_unix;
		r->m.last_response_unix = clock_wall_s();
		bench_result_write_json(&json, &pl->cfg, &res);
		if (write_out(r, pl->file.s, json.s, json.len))
			rc = -1;
		else
			VEC_PUSH(&r->raw_names, xstrdup(pl->raw_name));
		if (!rc && res.scraped) {
			struct buf sm = BUF_INIT, name = BUF_INIT;
			scrapes_write_json(&sm, &res.scrapes);
			buf_addf(&name, "%s.server_metrics.json", pl->raw_name);
			rc = write_out(r, name.s, sm.s, sm.len);
			buf_release(&sm);
			buf_release(&name);
		}
		bench_summary(&summary, &pl->cfg, &res);
		fputs(summary.s, stdout);
		fflush(stdout);
		/* a server that ended during the load fails the run: its answers are no measurement */
		if (!rc && *r->o->stop)
			rc = diags_errorf(r->d, NULL, 0, 0, NULL, "interrupted during the load");
		else if (!rc && !server_survived(r, &res))
			rc = diags_errorf(r->d, NULL, 0, 0, NULL, "the server stopped during the load: %s",
					  r->l.how);
		else if (!rc && !res.completed)
			rc = diags_errorf(r->d, NULL, 0, 0, NULL,
					  "no request succeeded at concurrency %ld (see %s)", pl->conc,
					  pl->file.s);
		else if (!rc)
			rc = bench_failure_gate(&res, r->o->max_failed_pct, "--max-failed-pct", r->d);
		if (!rc && bench_ignores_max_tokens(&res))
			diags_warnf(r->d, NULL, 0, 0, NULL,
				    "the server ignores max_tokens%s: %ld of %ld successful requests got "
				    "another number of tokens than asked (see %s)",
				    pl->cfg.ignore_eos ? " or ignore_eos" : "", res.output_len_mismatches,
				    res.completed, pl->file.s);
	}
	if (r->have_last)
		bench_result_release(&r->last);
	r->last = res;
	r->have_last = true;
	pending_release(pl);
	buf_release(&json);
	buf_release(&summary);
	return rc;
}

/* The replay's bound: the entry's DURATION (the recipe's variable, 3600 when not written),
 * at most run's --max-duration. */
static double agentic_duration_s(const struct run *r)
{
	const char *v = env_get(&r->env, "DURATION");
	double dur = v ? strtod(v, NULL) : 0;
	if (!(dur > 0))
		dur = 3600;
	return r->o->max_duration_s > 0 && r->o->max_duration_s < dur ? r->o->max_duration_s
								      : dur;
}

/* ---- agentic entries ---- */

/* Where one replay's files go (relative to the output directory) and the CONC its processed
 * result is told. Single-node: the one replay at the top (run_agentic.h), processed as
 * agg_{RF}.json. Multi-node: one replay per conc in its own result directory
 * agentic/conc_N/ (upstream's LOGS/agentic/conc_N: agentic_process_dir reads
 * RESULT_DIR/aiperf_artifacts, so the records of two concs must be apart), its processed result
 * {RF}_conc{N}.json at the top, the name upstream's workflow checks and uploads, and the same
 * bytes as agg_{RF}_conc{N}.json, where aggregate and the collectors look. None of our own
 * files matches upstream's glob {RF}_conc*.json. */
struct agentic_point {
	long conc;
	char conc_text[24];       /* CONC for the processor: the entry's CONC is single-node only */
	struct buf dir;           /* "" (the output directory itself) or agentic/conc_N */
	struct buf result, records, scrapes; /* the replay's files */
	struct buf processed;     /* agg_{RF}.json, or {RF}_conc{N}.json */
	struct buf processed_agg; /* "", or agg_{RF}_conc{N}.json */
};

static void agentic_point_init(struct agentic_point *pt, const struct run *r, long conc)
{
	pt->conc = conc;
	snprintf(pt->conc_text, sizeof(pt->conc_text), "%ld", conc);
	struct buf *bufs[] = { &pt->dir, &pt->result, &pt->records, &pt->scrapes, &pt->processed,
			       &pt->processed_agg };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_init(bufs[i]);
	if (r->e.multinode) {
		buf_addf(&pt->dir, "agentic/conc_%ld", conc);
		buf_addf(&pt->result, "%s/replay_result.json", pt->dir.s);
		buf_addf(&pt->records, "%s/%s", pt->dir.s, AGENTIC_RECORDS_FILE);
		buf_addf(&pt->scrapes, "%s/server_metrics.json", pt->dir.s);
		buf_addf(&pt->processed, "%s_conc%ld.json", r->rf.s, conc);
		buf_addf(&pt->processed_agg, "agg_%s_conc%ld.json", r->rf.s, conc);
	} else {
		buf_addf(&pt->result, "%s.json", r->rf.s);
		buf_adds(&pt->records, AGENTIC_RECORDS_FILE);
		buf_addf(&pt->scrapes, "%s.server_metrics.json", r->rf.s);
		buf_addf(&pt->processed, "agg_%s.json", r->rf.s);
	}
}

static void agentic_point_release(struct agentic_point *pt)
{
	struct buf *bufs[] = { &pt->dir, &pt->result, &pt->records, &pt->scrapes, &pt->processed,
			       &pt->processed_agg };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_release(bufs[i]);
}

/* The point's result directory: the output directory, or a folder of it. */
static void agentic_point_dir(struct buf *out, const struct run *r,
			      const struct agentic_point *pt)
{
	if (pt->dir.len)
		out_path(out, r, pt->dir.s);
	else {
		buf_reset(out);
		buf_adds(out, r->out_dir.s);
	}
}

/* The replay's files into the output directory: the replay result, the records where
 * agentic_process_dir reads them, the scrapes. -1 when one could not be written. */
static int agentic_write(struct run *r, const struct agentic_point *pt)
{
	const struct agentic_load *l = &r->agentic;
	struct buf dir = BUF_INIT;
	agentic_point_dir(&dir, r, pt);
	buf_addf(&dir, "/%s", AGENTIC_RECORDS_DIR);
	int rc = mkdir_p(dir.s, r->d); /* the point's folder with it */
	if (!rc)
		rc = write_out(r, pt->result.s, l->result.s, l->result.len);
	if (!rc)
		rc = write_out(r, pt->records.s, l->records.s, l->records.len);
	if (!rc && l->scrapes.len)
		rc = write_out(r, pt->scrapes.s, l->scrapes.s, l->scrapes.len);
	buf_release(&dir);
	return rc;
}

/* One replay of the trace with conc live sessions (run_agentic.h) against the server as
 * started, its files written (agentic_write). It fails as the fixed-sequence load does: no
 * turn succeeded (upstream's rule: every concurrency needs successful requests), the server
 * died, a signal. */
static int agentic_replay(struct run *r, long conc)
{
	struct agentic_point pt;
	agentic_point_init(&pt, r, conc);
	struct buf base = BUF_INIT;
	server_base_url(&base, r);
	struct agentic_load_spec s = {
		.base_url = base.s, .model = served_model(r), .trace = r->trace.s,
		.sessions = conc, .duration_s = agentic_duration_s(r),
		.server_metrics_interval_s = r->o->server_metrics_interval_s, .stop = r->o->stop,
	};
	struct agentic_load *l = &r->agentic;
	agentic_load_release(l); /* the previous concurrency's */
	agentic_load_init(l);
	int rc = agentic_load_run(l, &s, r->d);
	r->agentic_ran = l->measured;
	if (l->measured) {
		if (!r->m.first_request_unix)
			r->m.first_request_unix = l->first_unix;
		r->m.last_response_unix = l->last_unix;
		fputs(l->summary.s, stdout);
		fflush(stdout);
		if (!rc)
			rc = agentic_write(r, &pt);
		if (!rc && *r->o->stop)
			rc = diags_errorf(r->d, NULL, 0, 0, NULL, "interrupted during the load");
		else if (!rc && !r->ops->alive(&r->l))
			rc = diags_errorf(r->d, NULL, 0, 0, NULL, "the server stopped during the load: %s",
					  r->l.how);
		else if (!rc && !l->completed)
			rc = diags_errorf(r->d, NULL, 0, 0, NULL,
					  "no turn of the trace succeeded at concurrency %ld (%ld live "
					  "sessions; see %s)", conc, conc, pt.result.s);
	}
	buf_release(&base);
	agentic_point_release(&pt);
	return rc;
}

/* Every concurrency of a multi-node entry in turn against the one deployment, as upstream's
 * agentic_srt.sh; the first that fails ends the load. */
static int agentic_replay_each_conc(struct run *r)
{
	for (size_t i = 0; i < r->e.conc_nr; i++)
		if (agentic_replay(r, r->e.conc[i]))
			return -1;
	return 0;
}

/* The processor's variables: the recipe's, with the point's CONC. */
struct point_vars {
	const struct run_env *env;
	const char *conc;
};

static const char *point_var(const char *name, void *data)
{
	const struct point_vars *v = data;
	return !strcmp(name, "CONC") ? v->conc : env_get(v->env, name);
}

/* One point's agentic processed result: upstream's process_agentic_result.py over its result
 * directory (agentic_dir.h) with the recipe's variables, under its name(s). */
static int agentic_process_point(struct run *r, const struct agentic_point *pt)
{
	struct buf sm = BUF_INIT, agg = BUF_INIT, dir = BUF_INIT;
	if (has_file(r, pt->scrapes.s))
		out_path(&sm, r, pt->scrapes.s);
	agentic_point_dir(&dir, r, pt);
	struct point_vars vars = { &r->env, pt->conc_text };
	struct agentic_dir_inputs in = { dir.s, sm.len ? sm.s : NULL, point_var, &vars };
	struct agentic_summary sum;
	int rc = agentic_process_dir(&agg, &sum, &in, r->d);
	if (!rc) {
		buf_addch(&agg, '\n');
		rc = write_out(r, pt->processed.s, agg.s, agg.len);
	}
	if (!rc && pt->processed_agg.len)
		rc = write_out(r, pt->processed_agg.s, agg.s, agg.len);
	buf_release(&sm);
	buf_release(&agg);
	buf_release(&dir);
	return rc;
}

/* Every replay's processed result: one (single-node), one per conc (multi-node). */
static int agentic_process_run(struct run *r)
{
	int rc = 0;
	for (size_t i = 0; i < r->e.conc_nr && !rc; i++) {
		struct agentic_point pt;
		agentic_point_init(&pt, r, r->e.conc[i]);
		rc = agentic_process_point(r, &pt);
		agentic_point_release(&pt);
	}
	return rc;
}

#define GPU_METRICS_CSV "gpu_metrics.csv"

/* The single-node load with the node's GPUs sampled around it (upstream's
 * start_gpu_monitor / stop_gpu_monitor); multi-node power is not sampled here. */
static int load_with_gpu_monitor(struct run *r)
{
	struct gpumon mon;
	struct buf csv = BUF_INIT;
	out_path(&csv, r, GPU_METRICS_CSV);
	int rc = gpumon_start(&mon, csv.s, 1, r->d);
	if (!rc) {
		if (mon.vendor != GPUMON_NONE)
			nanosleep(&(struct timespec){ 1, 200 * 1000 * 1000 }, NULL); /* a sample first */
		rc = r->e.agentic ? agentic_replay(r, r->e.conc[0]) : load_finish(r);
		bool sampled = mon.vendor != GPUMON_NONE;
		if (gpumon_stop(&mon, r->d))
			rc = -1;
		if (sampled)
			add_file(r, GPU_METRICS_CSV);
		r->power = sampled || power_required_by_env();
	}
	buf_release(&csv);
	return rc;
}

/* Patches agg_NAME.json with the power fields (power_job: upstream's aggregate_power.py)
 * and lists the CSV's validation sidecar; invalid power fails only under REQUIRE_POWER. */
static int patch_power(struct run *r, const char *raw_name, long gpus)
{
	struct buf csv = BUF_INIT, raw = BUF_INIT, agg = BUF_INIT, side = BUF_INIT, name = BUF_INIT;
	struct buf line = BUF_INIT;
	out_path(&csv, r, GPU_METRICS_CSV);
	buf_addf(&name, "%s.json", raw_name);
	out_path(&raw, r, name.s);
	buf_reset(&name);
	buf_addf(&name, "agg_%s.json", raw_name);
	out_path(&agg, r, name.s);
	buf_reset(&name);
	buf_addf(&name, "power_validation_%s.json", raw_name);
	out_path(&side, r, name.s);
	struct power_job job = { .csv = csv.s, .bench_result = raw.s, .agg_result = agg.s,
				 .validation_result = side.s, .has_expected = true,
				 .expected_num_gpus = gpus, .require_power = power_required_by_env() };
	int rc = power_job_run(&job, &line, r->d);
	add_file(r, name.s);
	fputs(line.s, stdout);
	buf_release(&csv);
	buf_release(&raw);
	buf_release(&agg);
	buf_release(&side);
	buf_release(&name);
	buf_release(&line);
	return rc ? -1 : 0;
}

static int step_load(struct run *r)
{
	if (!r->e.multinode)
		return load_with_gpu_monitor(r); /* prepared at start, while the server came up */
	if (r->e.agentic)
		return agentic_replay_each_conc(r);
	long p = r->dep.prefill_gpus, dg = r->dep.decode_gpus;
	for (size_t i = 0; i < r->e.conc_nr; i++) {
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s_conc%ld_gpus_%ld_ctx_%ld_gen_%ld", r->rf.s, r->e.conc[i], p + dg,
			 p, dg);
		int rc = load_prepare(r, r->e.conc[i], name.s);
		buf_release(&name);
		if (rc || load_finish(r))
			return -1;
	}
	return 0;
}

/* A path of the workspace unless given. */
static void workspace_path(struct buf *out, const struct run *r, const char *given,
			   const char *rel)
{
	buf_reset(out);
	if (given)
		buf_adds(out, given);
	else
		buf_addf(out, "%s/%s", r->workspace.s, rel);
}

/* The eval's answer budget from the entry's context length, as upstream's run_lm_eval:
 * max-model-len - 4096 (half of it when not above 4096), at most 16384. */
static long eval_max_tokens(const struct entry *e)
{
	long ctx = e->max_model_len;
	long out = ctx > 4096 ? ctx - 4096 : ctx / 2;
	return out > 16384 ? 16384 : out < 1 ? 1 : out;
}

/* The accuracy eval against the server, after the throughput load (eval-only: instead of
 * it). Its files go into the artifact even when a score is below its threshold, which then
 * fails the run (upstream's validate_scores.py fails the job). */
static int step_eval(struct run *r)
{
	struct buf base = BUF_INIT, dataset = BUF_INIT, fewshot = BUF_INIT, tpath = BUF_INIT;
	struct buf json = BUF_INIT, samples = BUF_INIT;
	server_base_url(&base, r);
	workspace_path(&dataset, r, r->o->eval_dataset, EVAL_DEFAULT_DATASET);
	workspace_path(&fewshot, r, NULL, EVAL_DEFAULT_FEWSHOT_FILE);
	workspace_path(&tpath, r, r->o->eval_thresholds, EVAL_DEFAULT_THRESHOLDS);
	long conc = 1; /* the entry's highest concurrency: its only one on a single node */
	for (size_t i = 0; i < r->e.conc_nr; i++)
		if (r->e.conc[i] > conc)
			conc = r->e.conc[i];
	struct thresholds t;
	struct eval_config c = {
		.base_url = base.s,
		.model = served_model(r),
		.model_prefix = r->e.model_prefix, .dataset = dataset.s, .fewshot = fewshot.s,
		.num_fewshot = EVAL_DEFAULT_FEWSHOT, .limit = r->o->eval_limit, .conc = conc,
		.max_tokens = eval_max_tokens(&r->e), .timeout_s = 1800, .thresholds = &t,
		.stop = r->o->stop,
	};
	struct eval_result res;
	int rc = thresholds_load(&t, tpath.s, r->d);
	if (!rc) {
		rc = eval_run(&res, &c, r->d);
		if (!rc) {
			eval_results_json(&json, &c, &res);
			eval_samples_jsonl(&samples, &res);
			rc = write_out(r, EVAL_RESULTS_FILE, json.s, json.len);
			if (!rc)
				rc = write_out(r, EVAL_SAMPLES_FILE, samples.s, samples.len);
			eval_summary(&r->eval_line, &res);
			printf("%s\n", r->eval_line.s);
			fflush(stdout);
			if (!rc && !res.pass)
				rc = diags_errorf(r->d, NULL, 0, 0, NULL, "eval %s below its threshold "
						  "%.2f (%s): strict-match %.4f, flexible-extract %.4f",
						  EVAL_TASK, res.min_score, res.threshold_source,
						  res.score[GSM8K_STRICT], res.score[GSM8K_FLEXIBLE]);
		}
		eval_result_release(&res);
		thresholds_release(&t);
	}
	struct buf *bufs[] = { &base, &dataset, &fewshot, &tpath, &json, &samples };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_release(bufs[i]);
	return rc;
}

static int step_process(struct run *r)
{
	if (r->e.agentic)
		return agentic_process_run(r);
	struct process_meta pm;
	process_meta_from_entry(&pm, &r->e);
	pm.prefill_gpus = r->dep.prefill_gpus;
	pm.decode_gpus = r->dep.decode_gpus;
	int rc = 0;
	for (size_t i = 0; i < r->raw_names.nr && !rc; i++) {
		struct buf raw = BUF_INIT, path = BUF_INIT, agg = BUF_INIT, name = BUF_INIT;
		buf_addf(&name, "%s.json", r->raw_names.v[i]);
		out_path(&path, r, name.s);
		rc = file_read_all(&raw, path.s, r->d);
		/* the load's /metrics scrapes, when it took them */
		struct buf sm_name = BUF_INIT, sm = BUF_INIT;
		buf_addf(&sm_name, "%s.server_metrics.json", r->raw_names.v[i]);
		pm.server_metrics = NULL;
		if (!rc && has_file(r, sm_name.s)) {
			out_path(&path, r, sm_name.s);
			rc = file_read_all(&sm, path.s, r->d);
			pm.server_metrics = sm.s;
			pm.server_metrics_len = sm.len;
			pm.server_metrics_name = sm_name.s;
		}
		if (!rc)
			rc = process_result(&agg, &pm, raw.s, raw.len, name.s, r->d);
		buf_release(&sm_name);
		buf_release(&sm);
		if (!rc) {
			buf_reset(&name);
			buf_addf(&name, "agg_%s.json", r->raw_names.v[i]);
			rc = write_out(r, name.s, agg.s, agg.len);
		}
		if (!rc && r->power && !r->e.multinode)
			rc = patch_power(r, r->raw_names.v[i], entry_gpu_count(&r->e));
		buf_release(&raw);
		buf_release(&path);
		buf_release(&agg);
		buf_release(&name);
	}
	return rc;
}

/* Records the first error added since `from` as the run's failure, as main prints it
 * ("file: message": which file a write failed on matters), or `otherwise` when none was. */
static void fail_with_first_error(struct run *r, size_t from, const char *otherwise)
{
	size_t i = from;
	while (i < r->d->nr && r->d->v[i].level != DIAG_ERROR)
		i++;
	if (i == r->d->nr) {
		meta_fail(&r->m, otherwise);
		return;
	}
	struct diags one = { &r->d->v[i], 1, 1, 1, 0 };
	struct buf line = BUF_INIT;
	diags_format(&line, &one);
	if (line.len && line.s[line.len - 1] == '\n')
		buf_setlen(&line, line.len - 1);
	meta_fail(&r->m, line.s);
	buf_release(&line);
}

/* ---- the finally part ---- */

/* SIGINT/SIGTERM after the steps, while the server is stopped or meta.json is about to be
 * written: the clean-up never looks at the flag and goes on to the end, but the run did not
 * end as it would have, so it ends as interrupted (in phase p), not as a success. */
static void note_late_signal(struct run *r, enum phase p)
{
	int sig = *r->o->stop;
	if (!sig || r->m.failed)
		return;
	char why[160];
	snprintf(why, sizeof(why), "interrupted by %s while %s (which went on to the end)",
		 sig == SIGINT ? "SIGINT" : "SIGTERM", phase_doing[p]);
	r->m.current = p;
	meta_fail(&r->m, why);
	r->m.signal = sig;
	diags_errorf(r->d, NULL, 0, 0, NULL, "%s", why);
}

static void finish_stop(struct run *r)
{
	if (!r->started)
		return;
	meta_begin(&r->m, PHASE_STOP);
	size_t first = r->d->nr;
	if (r->ops->stop(&r->l, &r->spec, STOP_GRACE_S, r->d))
		fail_with_first_error(r, first, "the server could not be stopped");
	meta_end(&r->m, PHASE_STOP);
	if (r->log_fd >= 0)
		close(r->log_fd);
	r->log_fd = -1;
}

/* meta.json as the run stands; -1 unless it was written whole (temp + rename). It must
 * never keep saying something else: an earlier run's success in a reused output directory,
 * or this run's before the artifact failed. On a full disk the atomic write, which needs
 * room for a second copy, fails: the file is then overwritten in place (its blocks exist
 * already), and as a last resort removed. */
static int write_meta(struct run *r)
{
	struct buf json = BUF_INIT, path = BUF_INIT;
	meta_write_json(&json, &r->m);
	int rc = write_out(r, "meta.json", json.s, json.len);
	if (rc) {
		struct diags quiet = DIAGS_INIT; /* the atomic write's error says it already */
		out_path(&path, r, "meta.json");
		/* not listed for the tarball: the run fails here, whatever this copy says */
		if (file_overwrite(path.s, json.s, json.len, &quiet))
			unlink(path.s);
		diags_release(&quiet);
	}
	buf_release(&json);
	buf_release(&path);
	return rc;
}

static void finish_artifact(struct run *r)
{
	if (!r->rf.len && r->o->matrix_layout) {
		/* an invalid entry still gets its own directory, named after where it came from */
		buf_adds(&r->out_dir, "/bmk_invalid-");
		for (const char *c = r->name; *c; c++)
			buf_addch(&r->out_dir, strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						      "0123456789.-", *c) ? *c : '_');
	}
	if (mkdir_p(r->out_dir.s, r->d))
		return;
	meta_begin(&r->m, PHASE_ARTIFACT);
	note_late_signal(r, PHASE_ARTIFACT);
	struct buf tar = BUF_INIT;
	buf_addf(&tar, "%s/bmk_%s.tar.gz", r->out_dir.s, r->rf.len ? r->rf.s : "invalid-entry");
	/* meta.json goes into the tarball, so its artifact phase ends before the tarball */
	meta_end(&r->m, PHASE_ARTIFACT);
	size_t first = r->d->nr;
	int rc = write_meta(r);
	/* with what exists, meta.json or not */
	if (artifact_write(tar.s, r->out_dir.s, r->files.v, r->files.nr, r->d))
		rc = -1;
	if (rc && !r->m.failed) {
		/* a failed tarball left nothing behind: room for meta.json again, usually */
		fail_with_first_error(r, first, "the artifact could not be written");
		size_t retry = r->d->nr;
		if (write_meta(r))
			diags_truncate(r->d, retry); /* the same complaint as the first attempt's */
	}
	buf_release(&tar);
}

/* Whether the entry asks for a step: the throughput load and its processing unless
 * eval-only, the eval with run-eval or eval-only. */
static bool wants_load(const struct run *r)
{
	return !r->e.eval_only;
}

static bool wants_eval(const struct run *r)
{
	return r->e.run_eval || r->e.eval_only;
}

static const struct step {
	enum phase phase;
	int (*fn)(struct run *r);
	bool (*wanted)(const struct run *r); /* NULL: always */
} steps[] = {
	{ PHASE_VALIDATE, step_validate, NULL }, { PHASE_PREPARE, step_prepare, NULL },
	{ PHASE_LEFTOVERS, step_leftovers, NULL }, { PHASE_START, step_start, NULL },
	{ PHASE_HEALTH, step_health, NULL }, { PHASE_LOAD, step_load, wants_load },
	{ PHASE_EVAL, step_eval, wants_eval }, { PHASE_PROCESS, step_process, wants_load },
};

static void summary_line(struct run_outcome *out, const struct run *r)
{
	if (!r->m.failed && r->agentic_ran) {
		const struct agentic_load *l = &r->agentic;
		char last[32] = ""; /* multi-node: the figures are the last concurrency's */
		if (r->e.multinode)
			snprintf(last, sizeof(last), " (conc %ld)", r->e.conc[r->e.conc_nr - 1]);
		snprintf(out->summary, sizeof(out->summary),
			 "ok      %s: %zu/%zu turns of %zu sessions, median TTFT %.1f ms%s", r->rf.s,
			 l->completed, l->turns, l->sessions, l->median_ttft_ms, last);
	} else if (!r->m.failed && r->have_last) {
		const struct bench_result *b = &r->last;
		snprintf(out->summary, sizeof(out->summary),
			 "ok      %s: %ld/%zu requests, %.1f output tok/s, median TTFT %.1f ms, "
			 "median TPOT %.2f ms%s%s", r->rf.s, b->completed, b->nr,
			 b->duration_s > 0 ? (double)b->total_output / b->duration_s : 0.0,
			 b->summary[METRIC_TTFT].median, b->summary[METRIC_TPOT].median,
			 r->eval_line.len ? "; " : "", r->eval_line.s);
	} else if (!r->m.failed && r->eval_line.len) {
		snprintf(out->summary, sizeof(out->summary), "ok      %s: %s", r->rf.s,
			 r->eval_line.s);
	} else {
		snprintf(out->summary, sizeof(out->summary), "FAILED  %s: %s: %.300s",
			 r->rf.len ? r->rf.s : r->name, phase_doing[r->m.failed_phase],
			 r->m.reason ? r->m.reason : "?");
		char *nl = strchr(out->summary, '\n');
		if (nl)
			*nl = '\0';
	}
}

static void run_release(struct run *r)
{
	if (r->log_fd >= 0)
		close(r->log_fd);
	entry_release(&r->e);
	profile_release(&r->p);
	env_release(&r->env);
	launched_release(&r->l);
	deployment_release(&r->dep);
	meta_release(&r->m);
	if (r->have_last)
		bench_result_release(&r->last);
	pending_release(&r->next);
	agentic_load_release(&r->agentic);
	struct buf *bufs[] = { &r->node, &r->workspace, &r->out_dir, &r->rf, &r->recipe,
			       &r->log_path, &r->eval_line, &r->trace };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_release(bufs[i]);
	for (size_t i = 0; i < r->files.nr; i++)
		free((char *)r->files.v[i]);
	free(r->files.v);
	for (size_t i = 0; i < r->raw_names.nr; i++)
		free((char *)r->raw_names.v[i]);
	free(r->raw_names.v);
}

static void dry_run(struct run *r, struct buf *out)
{
	struct buf recipe = BUF_INIT;
	buf_addf(&recipe, "%s/%s", r->workspace.s, r->recipe.s);
	/* label, value; values escaped like the launchers' (launch_describe_str) */
	const char *const lines[][2] = {
		{ "entry", r->name }, { "node", r->node.s }, { "profile", r->p.path },
		{ "recipe", recipe.s }, { "RESULT_FILENAME", r->rf.s },
		{ "output directory", r->out_dir.s },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		buf_addf(out, "%s: ", lines[i][0]);
		launch_describe_str(out, lines[i][1]);
		buf_addch(out, '\n');
	}
	if (r->e.agentic) { /* what the load replays, and for how long */
		buf_adds(out, "trace: ");
		launch_describe_str(out, r->trace.s);
		buf_adds(out, "\nreplay: ");
		for (size_t i = 0; i < r->e.conc_nr; i++) /* multi-node: one replay each, in turn */
			buf_addf(out, "%s%ld", i ? ", then " : "", r->e.conc[i]);
		buf_addf(out, " live sessions for %g s\n", agentic_duration_s(r));
	}
	buf_release(&recipe);
	r->ops->describe(out, &r->spec);
}

/* xalloc's out-of-memory exit while this run is on: the same "finally" as every other
 * path, so the server is stopped and meta.json and the artifact say what happened. The
 * prepared requests go first: they are most of the memory, and the code that was building
 * or using them never runs again (exit follows), so the stop and the artifact get room. */
static void run_out_of_memory(size_t size, void *data)
{
	struct run *r = data;
	pending_release(&r->next);
	char why[96];
	snprintf(why, sizeof(why), "out of memory allocating %zu bytes", size);
	meta_fail(&r->m, why);
	r->m.signal = *r->o->stop;
	/* the finally part may be where it ran out: what it finished is not done again, and
	 * an artifact half-written is not started over (its state is mid-way) */
	if (!r->m.phase[PHASE_STOP].ended)
		finish_stop(r);
	if (!r->o->dry_run && !r->m.phase[PHASE_ARTIFACT].begun)
		finish_artifact(r);
}

int run_entry(struct run_outcome *out, const struct run_opts *o, const struct run_input *in,
	      struct buf *stdout_text, struct diags *d)
{
	struct run r = { .o = o, .d = d, .json = in->json, .len = in->len, .name = in->name,
			 .item = in->item, .item_file = in->item_file, .log_fd = -1 };
	buf_init(&r.node);
	buf_init(&r.workspace);
	buf_init(&r.out_dir);
	buf_init(&r.rf);
	buf_init(&r.recipe);
	buf_init(&r.log_path);
	buf_init(&r.eval_line);
	buf_init(&r.trace);
	agentic_load_init(&r.agentic);
	meta_init(&r.m);
	entry_init(&r.e);
	memset(out, 0, sizeof(*out));
	abs_path(&r.workspace, o->workspace);
	abs_path(&r.out_dir, o->output_dir);
	xalloc_set_oom_cleanup(run_out_of_memory, &r);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (*r.o->stop) {
			char why[96];
			snprintf(why, sizeof(why), "interrupted by %s before %s",
				 *r.o->stop == SIGINT ? "SIGINT" : "SIGTERM", phase_doing[steps[i].phase]);
			r.m.current = steps[i].phase;
			meta_fail(&r.m, why);
			diags_errorf(d, NULL, 0, 0, NULL, "%s", why);
			break;
		}
		if (steps[i].phase == PHASE_LEFTOVERS && o->dry_run) {
			dry_run(&r, stdout_text);
			out->ok = true;
			snprintf(out->summary, sizeof(out->summary), "dry run %s: nothing started", r.rf.s);
			xalloc_set_oom_cleanup(NULL, NULL);
			run_release(&r);
			return 0;
		}
		if (steps[i].wanted && !steps[i].wanted(&r))
			continue;
		meta_begin(&r.m, steps[i].phase);
		size_t first = d->nr;
		int rc = steps[i].fn(&r);
		meta_end(&r.m, steps[i].phase);
		/* GPUs of this host: the server's only when it runs here (not on a Slurm node) */
		if (steps[i].phase == PHASE_START && r.ops->server_on_this_host)
			meta_probe_gpu(&r.m);
		if (rc) {
			fail_with_first_error(&r, first, "failed");
			break;
		}
	}
	r.m.signal = *o->stop;
	finish_stop(&r);
	if (r.started)
		note_late_signal(&r, PHASE_STOP);
	if (!o->dry_run)
		finish_artifact(&r);
	xalloc_set_oom_cleanup(NULL, NULL);
	summary_line(out, &r);
	out->ok = !r.m.failed;
	run_release(&r);
	return out->ok ? 0 : -1;
}
