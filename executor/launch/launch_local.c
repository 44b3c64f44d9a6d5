/*
 * launch_local: the recipe as a child process on this host, in its own process group, with
 * the workspace as working directory and server.log as stdout and stderr (executor-spec 3.3).
 * Stopping signals the whole group, so whatever the recipe started goes too. The group id is
 * recorded in a state file per node, so the next run on the node can remove what a crashed
 * run left behind (a port still taken by an old server is otherwise a confusing failure).
 * A group counts as gone once only zombies are left in it: they wait for their new parent to
 * reap them (PID 1, which in some containers does so late or never, or the executor itself when
 * it runs as PID 1), and waiting for that would stretch every stop to the grace period.
 */
#include "executor/launch/launcher.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/xalloc.h"


static void state_path(struct buf *out, const char *node)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	buf_addf(out, "%s/infbench-local-%s.pgid", dir, node);
}

/* A process of group pgid that is not a zombie (kill(-pgid, 0) counts zombies too). */
static bool group_alive(pid_t pgid)
{
	if (pgid <= 1 || kill(-pgid, 0) != 0)
		return false;
	DIR *dir = opendir("/proc");
	if (!dir)
		return true;
	bool live = false;
	const struct dirent *e;
	while (!live && (e = readdir(dir))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], text[1024];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			continue;
		text[n] = '\0';
		/* "pid (comm) state ppid pgrp ...": comm may hold anything, so from the last ')' */
		const char *p = strrchr(text, ')');
		char state;
		long ppid, pgrp;
		if (p && sscanf(p + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3 && pgrp == pgid &&
		    state != 'Z' && state != 'X')
			live = true;
	}
	closedir(dir);
	return live;
}

/* SIGTERM to the group, up to grace_s for it to empty, then SIGKILL. */
static void stop_group(pid_t pgid, pid_t leader, int grace_s, int *status, bool *reaped)
{
	kill(-pgid, SIGTERM);
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < grace_s * 50; i++) {
		if (leader > 0 && !*reaped && waitpid(leader, status, WNOHANG) == leader)
			*reaped = true;
		if ((leader <= 0 || *reaped) && !group_alive(pgid))
			return;
		nanosleep(&tick, NULL);
	}
	kill(-pgid, SIGKILL);
	if (leader > 0 && !*reaped && waitpid(leader, status, 0) == leader)
		*reaped = true;
}

/* Whether some process of group pgid carries RUNNER_NAME=node: a recorded group id may have
 * been reused by an unrelated group since (after a reboot, say); that one is not ours to kill. */
static bool group_is_ours(pid_t pgid, const char *node)
{
	struct buf want = BUF_INIT;
	buf_addf(&want, "RUNNER_NAME=%s", node);
	bool ours = false;
	DIR *proc = opendir("/proc");
	struct dirent *de;
	while (proc && !ours && (de = readdir(proc))) {
		long pid = atol(de->d_name);
		if (pid <= 0 || getpgid((pid_t)pid) != pgid)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
		struct buf env = BUF_INIT;
		struct diags ignore = DIAGS_INIT;
		if (!file_read_all(&env, path, &ignore))
			for (size_t i = 0; i < env.len && !ours; i += strlen(env.s + i) + 1)
				ours = !strcmp(env.s + i, want.s);
		buf_release(&env);
		diags_release(&ignore);
	}
	if (proc)
		closedir(proc);
	buf_release(&want);
	return ours;
}

static int local_remove_leftovers(const struct launch_spec *s, struct diags *d)
{
	(void)d;
	struct buf path = BUF_INIT, text = BUF_INIT;
	struct diags ignore = DIAGS_INIT;
	state_path(&path, s->node);
	if (!file_read_all(&text, path.s, &ignore)) {
		pid_t pgid = (pid_t)atol(text.s);
		if (group_alive(pgid) && group_is_ours(pgid, s->node)) {
			int st;
			bool reaped = false;
			stop_group(pgid, 0, 5, &st, &reaped);
		}
		unlink(path.s);
	}
	diags_release(&ignore);
	buf_release(&path);
	buf_release(&text);
	return 0;
}

static int local_start(struct launched *l, const struct launch_spec *s, struct diags *d)
{
	struct buf script = BUF_INIT;
	buf_addf(&script, "%s/%s", s->workspace, s->recipe_rel);
	const char *argv[] = { "bash", script.s, NULL };
	pid_t pid = launch_child(argv, &s->env, s->log_fd, s->workspace, d);
	buf_release(&script);
	if (pid < 0)
		return -1;
	l->pid = pid;
	l->host = xstrdup("127.0.0.1");
	struct buf path = BUF_INIT, pg = BUF_INIT;
	state_path(&path, s->node);
	buf_addf(&pg, "%ld\n", (long)pid);
	struct diags ignore = DIAGS_INIT; /* without the state file only leftover removal suffers */
	file_write_atomic(path.s, pg.s, pg.len, &ignore);
	diags_release(&ignore);
	buf_release(&path);
	buf_release(&pg);
	return 0;
}

static void describe_status(struct launched *l, int status)
{
	if (WIFEXITED(status))
		snprintf(l->how, sizeof(l->how), "the recipe exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(l->how, sizeof(l->how), "the recipe was killed by signal %d",
			 WTERMSIG(status));
}

static bool local_alive(struct launched *l)
{
	if (l->ended)
		return false;
	int status;
	pid_t r = waitpid(l->pid, &status, WNOHANG);
	if (r == 0)
		return true;
	l->ended = true;
	if (r == l->pid)
		describe_status(l, status);
	else
		snprintf(l->how, sizeof(l->how), "the recipe is gone");
	return false;
}

static int local_stop(struct launched *l, const struct launch_spec *s, int grace_s,
		      struct diags *d)
{
	(void)d;
	if (l->pid <= 0)
		return 0;
	int status = 0;
	bool reaped = l->ended;
	/* the leader may be gone while what it started still runs: stop the group anyway */
	stop_group(l->pid, l->ended ? 0 : l->pid, grace_s, &status, &reaped);
	if (!l->ended && reaped) {
		l->ended = true;
		describe_status(l, status);
	}
	struct buf path = BUF_INIT;
	state_path(&path, s->node);
	unlink(path.s);
	buf_release(&path);
	l->pid = 0;
	return 0;
}

static void local_describe(struct buf *out, const struct launch_spec *s)
{
	buf_adds(out, "launcher: local (a child process in its own process group)\n"
		      "working directory: ");
	launch_describe_str(out, s->workspace);
	buf_adds(out, "\ncommand: bash ");
	launch_describe_str(out, s->workspace);
	buf_addch(out, '/');
	launch_describe_str(out, s->recipe_rel);
	buf_adds(out, "\nenvironment:\n");
	launch_env_describe(out, s, "  ");
}

const struct launcher_ops launch_local_ops = {
	.name = "local", .server_on_this_host = true,
	.remove_leftovers = local_remove_leftovers, .start = local_start, .alive = local_alive,
	.stop = local_stop, .describe = local_describe,
};
