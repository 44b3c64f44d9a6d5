/*
 * launch_slurm: the recipe as a Slurm job step (executor-spec 3.3).
 *   salloc --no-shell -J <node> [--partition] [--time] [--gres] [extra-args]   the allocation
 *   srun --jobid=<id> --overlap [--container-image ... ] bash <recipe>          the server
 * The job is named after the node, so the next run on the node finds and cancels what a
 * crashed run left (squeue --name). srun runs as our child in its own process group; its
 * output is server.log. Liveness: the srun child, and once a second the job's state in
 * squeue (a job Slurm cancelled or timed out is a dead server even while srun lingers).
 * Stop: `scancel --signal=TERM JOB` (SIGTERM to the step's tasks), the grace period for srun
 * to end, then SIGTERM/SIGKILL to srun, and scancel of the job.
 *
 * Pitfalls (docs/real-components.md): salloc --no-shell returns once the allocation is granted
 * and the job lives until scancel, so every path ends in scancel; an impossible request is
 * refused at once only with EnforcePartLimits=ALL on the cluster, so salloc is waited for in
 * slices and a request that still pends after the profile's health-timeout, or when the
 * executor is told to stop (s->stop), is withdrawn and cancelled, with a clear error; the
 * node's address comes from scontrol (NodeAddr). srun answers SIGTERM by killing the step
 * with SIGKILL ("forcing job termination"), so the server would lose its last output: the stop
 * signals the tasks through scancel instead.
 * `slurm.gres: none` sends no --gres (ours: CPU-only test clusters have no GPUs to ask for).
 */
#include "executor/launch/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "executor/core/profile.h"


/* Runs a Slurm client command to completion; 0 with its stdout, or -1 with a diag. */
static int slurm_cmd(struct buf *out, const char *const *argv, struct diags *d)
{
	struct buf err = BUF_INIT;
	int status = 0;
	int rc = proc_capture(argv, out, &err, &status, d);
	if (!rc && status) {
		while (err.len && err.s[err.len - 1] == '\n')
			buf_setlen(&err, err.len - 1);
		rc = diags_errorf(d, NULL, 0, 0, NULL, "%s failed (exit %d): %s", argv[0], status,
				  err.s);
	}
	buf_release(&err);
	return rc;
}

/* "{tp}" in the profile's gres becomes the entry's tp. */
static void gres_arg(struct buf *out, const struct launch_spec *s)
{
	const char *g = s->profile->slurm.gres;
	const char *at = strstr(g, "{tp}");
	buf_adds(out, "--gres=");
	if (at)
		buf_addf(out, "%.*s%ld%s", (int)(at - g), g, s->tp, at + 4);
	else
		buf_adds(out, g);
}

static void salloc_argv(struct strvec *argv, struct buf *owned, const struct launch_spec *s)
{
	const struct profile_slurm *sl = &s->profile->slurm;
	VEC_PUSH(argv, "salloc");
	VEC_PUSH(argv, "--no-shell");
	buf_addf(&owned[0], "--job-name=%s", s->node);
	VEC_PUSH(argv, owned[0].s);
	if (sl->partition) {
		buf_addf(&owned[1], "--partition=%s", sl->partition);
		VEC_PUSH(argv, owned[1].s);
	}
	if (sl->time_min) {
		buf_addf(&owned[2], "--time=%ld", sl->time_min);
		VEC_PUSH(argv, owned[2].s);
	}
	if (strcmp(sl->gres, "none")) {
		gres_arg(&owned[3], s);
		VEC_PUSH(argv, owned[3].s);
	}
	for (size_t i = 0; i < sl->extra_args_nr; i++)
		VEC_PUSH(argv, sl->extra_args[i]);
	VEC_PUSH(argv, NULL);
}

static void srun_argv(struct strvec *argv, struct buf *owned, const struct launch_spec *s,
		      const char *job_id)
{
	bool pyxis = !strcmp(s->profile->slurm.container, "pyxis");
	VEC_PUSH(argv, "srun");
	buf_addf(&owned[0], "--jobid=%s", job_id);
	VEC_PUSH(argv, owned[0].s);
	VEC_PUSH(argv, "--overlap");
	VEC_PUSH(argv, "--nodes=1");
	VEC_PUSH(argv, "--ntasks=1");
	if (pyxis) {
		buf_addf(&owned[1], "--container-image=%s", s->image);
		VEC_PUSH(argv, owned[1].s);
		buf_addf(&owned[2], "--container-mounts=%s:/workspace,%s:%s", s->workspace,
			 s->result_dir, s->result_dir);
		for (size_t i = 0; i < s->profile->mounts_nr; i++)
			buf_addf(&owned[2], ",%s", s->profile->mounts[i]);
		VEC_PUSH(argv, owned[2].s);
		VEC_PUSH(argv, "--container-workdir=/workspace");
		buf_addf(&owned[3], "/workspace/%s", s->recipe_rel);
	} else {
		buf_addf(&owned[3], "%s/%s", s->workspace, s->recipe_rel);
		buf_addf(&owned[4], "--chdir=%s", s->workspace);
		VEC_PUSH(argv, owned[4].s);
	}
	VEC_PUSH(argv, "--export=ALL");
	VEC_PUSH(argv, "bash");
	VEC_PUSH(argv, owned[3].s);
	VEC_PUSH(argv, NULL);
}

static int jobs_named(struct strvec *ids, struct buf *text, const char *node, struct diags *d)
{
	struct buf name = BUF_INIT;
	buf_addf(&name, "--name=%s", node);
	/* --me: another user's job of that name is not ours to cancel (scancel would refuse it
	 * and fail the run) */
	const char *argv[] = { "squeue", "--me", "-h", "-o", "%i", name.s, NULL };
	int rc = slurm_cmd(text, argv, d);
	buf_release(&name);
	for (char *save = NULL, *t = rc ? NULL : strtok_r(text->s, "\n", &save); t;
	     t = strtok_r(NULL, "\n", &save))
		VEC_PUSH(ids, t);
	return rc;
}

static int slurm_remove_leftovers(const struct launch_spec *s, struct diags *d)
{
	struct strvec ids = { 0 };
	struct buf text = BUF_INIT;
	int rc = jobs_named(&ids, &text, s->node, d);
	for (size_t i = 0; !rc && i < ids.nr; i++) {
		struct buf out = BUF_INIT;
		const char *argv[] = { "scancel", ids.v[i], NULL };
		rc = slurm_cmd(&out, argv, d);
		buf_release(&out);
	}
	free(ids.v);
	buf_release(&text);
	return rc;
}

/* Appends what is readable on a non-blocking fd; false once it reached end of file. */
static bool read_some(int fd, struct buf *out)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0)
			buf_add(out, chunk, (size_t)n);
		else if (n == 0)
			return false;
		else if (errno != EINTR)
			return true; /* EAGAIN: nothing more for now */
	}
}

/* The job id salloc named ("Granted job allocation N", "Pending job allocation N"), or NULL. */
static char *salloc_job_id(const char *text)
{
	static const char *const keys[] = { "Granted job allocation ", "Pending job allocation " };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *at = strstr(text, keys[i]);
		if (at) {
			at += strlen(keys[i]);
			size_t n = strspn(at, "0123456789");
			if (n)
				return xstrndup(at, n);
		}
	}
	return NULL;
}

/* salloc, waited for in slices of 50 ms: it blocks for as long as the request pends, so it is
 * withdrawn (SIGTERM, then scancel of the pending job) once the profile's health-timeout has
 * passed or the executor is told to stop. The job id comes from "Granted job allocation N". */
static int allocate(char **job_id, const struct launch_spec *s, struct diags *d)
{
	struct strvec argv = { 0 };
	struct buf owned[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT }, err = BUF_INIT;
	salloc_argv(&argv, owned, s);
	int rc = 0;
	/* its stdout and stderr, in order, into one pipe: what salloc says, job id included */
	struct proc_opts opts = { .argv = argv.v, .default_signals = true, .out = PROC_PIPE,
				  .err = PROC_AS_OUT };
	struct proc child;
	if (proc_spawn(&child, &opts, d)) {
		rc = -1;
		goto out;
	}
	pid_t pid = child.pid;
	int fd = child.out;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	long limit_s = s->health_timeout_s;
	int64_t deadline = clock_mono_ns() + (int64_t)limit_s * 1000000000;
	int ws = 0;
	bool open_fd = true, exited = false;
	const char *why = NULL;
	for (;;) {
		if (open_fd)
			open_fd = read_some(fd, &err);
		if (waitpid(pid, &ws, WNOHANG) == pid) {
			exited = true;
			break;
		}
		if (*s->stop) {
			why = "interrupted while waiting for the Slurm allocation";
			break;
		}
		if (clock_mono_ns() >= deadline) {
			why = "Slurm did not grant the allocation in time";
			break;
		}
		struct pollfd p = { open_fd ? fd : -1, POLLIN, 0 };
		poll(&p, 1, 50);
	}
	if (!exited) {
		/* salloc withdraws a pending request on SIGTERM; the scancel below makes sure */
		kill(pid, SIGTERM);
		struct timespec tick = { 0, 20 * 1000 * 1000 };
		for (int i = 0; i < 250 && !exited; i++) {
			exited = waitpid(pid, &ws, WNOHANG) == pid;
			if (!exited)
				nanosleep(&tick, NULL);
		}
		if (!exited) {
			kill(pid, SIGKILL);
			waitpid(pid, &ws, 0);
		}
	}
	while (open_fd && read_some(fd, &err))
		; /* salloc has ended: the rest of its output, up to end of file */
	close(fd);
	while (err.len && err.s[err.len - 1] == '\n')
		buf_setlen(&err, err.len - 1);
	char *id = salloc_job_id(err.s);
	int status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (why) {
		if (id) {
			struct buf o = BUF_INIT;
			struct diags ignore = DIAGS_INIT;
			const char *sc[] = { "scancel", id, NULL };
			slurm_cmd(&o, sc, &ignore);
			diags_release(&ignore);
			buf_release(&o);
		}
		if (*s->stop)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "%s (job %s withdrawn)", why,
					  id ? id : "?");
		else
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "%s: still pending after %ld s (the profile's health-timeout), "
					  "job %s cancelled; salloc said: %s", why, limit_s,
					  id ? id : "?", err.s);
		free(id);
	} else if (status || !strstr(err.s, "Granted job allocation ") || !id) {
		rc = diags_errorf(d, NULL, 0, 0, NULL, "Slurm refused the allocation (salloc exit %d): %s",
				  status, err.s);
		free(id);
	} else {
		*job_id = id;
	}
out:
	for (int i = 0; i < 4; i++)
		buf_release(&owned[i]);
	buf_release(&err);
	free(argv.v);
	return rc;
}

/* The address of the job's node (NodeAddr, else its name). */
static char *job_host(const char *job_id, struct diags *d)
{
	struct buf nodes = BUF_INIT, info = BUF_INIT;
	const char *q[] = { "squeue", "-h", "-j", job_id, "-o", "%N", NULL };
	char *host = NULL;
	if (!slurm_cmd(&nodes, q, d)) {
		nodes.s[strcspn(nodes.s, ",[\n ")] = '\0';
		const char *sc[] = { "scontrol", "show", "node", nodes.s, "-o", NULL };
		if (!slurm_cmd(&info, sc, d)) {
			const char *a = strstr(info.s, "NodeAddr=");
			if (a)
				host = xstrndup(a + 9, strcspn(a + 9, " \n"));
		}
		if (!host && *nodes.s)
			host = xstrdup(nodes.s);
	}
	buf_release(&nodes);
	buf_release(&info);
	return host;
}

static int slurm_start(struct launched *l, const struct launch_spec *s, struct diags *d)
{
	if (allocate(&l->id, s, d))
		return -1;
	l->host = job_host(l->id, d);
	if (!l->host)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot tell which node job %s runs on",
				    l->id);
	struct strvec argv = { 0 };
	struct buf owned[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	srun_argv(&argv, owned, s, l->id);
	pid_t pid = launch_child(argv.v, &s->env, s->log_fd, NULL, d);
	l->priv = xcalloc(1, sizeof(int64_t));
	int rc = pid < 0 ? -1 : 0;
	l->pid = pid > 0 ? pid : 0;
	for (int i = 0; i < 5; i++)
		buf_release(&owned[i]);
	free(argv.v);
	return rc;
}

/* The job's state in the queue ("RUNNING", ...), or "" once it has left the queue. false
 * when squeue could not say (slurmctld busy or timed out): one such answer is no death. */
static bool job_state(struct buf *out, const char *job_id)
{
	struct diags why = DIAGS_INIT;
	const char *argv[] = { "squeue", "-h", "-j", job_id, "-o", "%T", NULL };
	bool known = true;
	if (slurm_cmd(out, argv, &why)) {
		buf_reset(out); /* squeue refuses a job id it no longer knows: the job has left */
		known = why.nr && strstr(why.v[0].msg, "Invalid job id");
	}
	while (out->len && (out->s[out->len - 1] == '\n' || out->s[out->len - 1] == ' '))
		buf_setlen(out, out->len - 1);
	diags_release(&why);
	return known;
}

/* Alive while srun runs and the job is in the queue as running (checked once a second:
 * squeue is a process per call). */
static bool slurm_alive(struct launched *l)
{
	if (l->ended)
		return false;
	int status;
	if (l->pid > 0 && waitpid(l->pid, &status, WNOHANG) == l->pid) {
		l->ended = true;
		l->pid = 0;
		snprintf(l->how, sizeof(l->how), "the job step ended (srun exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return false;
	}
	int64_t now = clock_mono_ns();
	int64_t *checked_ns = l->priv; /* when squeue was last asked */
	if (!l->id || !checked_ns || now - *checked_ns < 1000000000)
		return true;
	*checked_ns = now;
	struct buf state = BUF_INIT;
	if (!job_state(&state, l->id)) { /* asked again in a second; srun's exit is seen anyway */
		buf_release(&state);
		return true;
	}
	bool running = !strcmp(state.s, "RUNNING") || !strcmp(state.s, "CONFIGURING");
	if (!running) {
		l->ended = true;
		snprintf(l->how, sizeof(l->how), "job %s is %s", l->id,
			 state.len ? state.s : "no longer in the queue");
	}
	buf_release(&state);
	return running;
}

static int slurm_stop(struct launched *l, const struct launch_spec *s, int grace_s,
		      struct diags *d)
{
	(void)s;
	free(l->priv);
	l->priv = NULL;
	if (l->pid > 0) {
		struct timespec tick = { 0, 20 * 1000 * 1000 };
		int status;
		bool gone = false;
		if (l->id) {
			/* SIGTERM to the step's tasks; srun ends when they have */
			struct buf o = BUF_INIT;
			struct diags ignore = DIAGS_INIT;
			const char *sc[] = { "scancel", "--signal=TERM", l->id, NULL };
			slurm_cmd(&o, sc, &ignore);
			diags_release(&ignore);
			buf_release(&o);
		}
		for (int i = 0; i < grace_s * 50 && !gone; i++) {
			gone = waitpid(l->pid, &status, WNOHANG) == l->pid;
			if (!gone)
				nanosleep(&tick, NULL);
		}
		if (!gone) {
			/* srun ends the step (SIGKILL) on SIGTERM; then the group is killed */
			kill(-l->pid, SIGTERM);
			for (int i = 0; i < 5 * 50 && !gone; i++) {
				gone = waitpid(l->pid, &status, WNOHANG) == l->pid;
				if (!gone)
					nanosleep(&tick, NULL);
			}
		}
		if (!gone) {
			kill(-l->pid, SIGKILL);
			waitpid(l->pid, &status, 0);
		}
		l->pid = 0;
	}
	int rc = 0;
	if (l->id) {
		struct buf out = BUF_INIT;
		const char *argv[] = { "scancel", l->id, NULL };
		rc = slurm_cmd(&out, argv, d);
		buf_release(&out);
	}
	return rc;
}

static void slurm_describe(struct buf *out, const struct launch_spec *s)
{
	struct strvec a = { 0 }, b = { 0 };
	struct buf o1[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf o2[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	salloc_argv(&a, o1, s);
	srun_argv(&b, o2, s, "<job id>");
	buf_adds(out, "launcher: slurm\nallocation:");
	for (size_t i = 0; a.v[i]; i++) {
		buf_addch(out, ' ');
		launch_describe_str(out, a.v[i]);
	}
	buf_adds(out, "\nstep:");
	for (size_t i = 0; b.v[i]; i++) {
		buf_addch(out, ' ');
		launch_describe_str(out, b.v[i]);
	}
	buf_adds(out, "\nenvironment (exported to the step):\n");
	launch_env_describe(out, s, "  ");
	for (int i = 0; i < 4; i++)
		buf_release(&o1[i]);
	for (int i = 0; i < 5; i++)
		buf_release(&o2[i]);
	free(a.v);
	free(b.v);
}

const struct launcher_ops launch_slurm_ops = {
	.name = "slurm", .server_on_this_host = false,
	.remove_leftovers = slurm_remove_leftovers, .start = slurm_start, .alive = slurm_alive,
	.stop = slurm_stop, .describe = slurm_describe,
};
