/* proc: the one spawner. Captured stdout and stderr and the exit status; a program that is
 * not there and a directory that cannot be entered reported by proc_spawn itself; stdin
 * /dev/null; the environment with additions replacing ours; the working directory; a
 * process group of its own or ours; default signal handling on request; stdout and stderr
 * to an fd (the launchers' server.log) or merged into one pipe (salloc); no fd of ours left
 * open by the spawn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/proc.h"
#include "common/vec.h"

/* sh -c script, captured; returns the exit status. */
static int sh(struct buf *out, struct buf *err, const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct diags d = DIAGS_INIT;
	int status = -1;
	assert_int_equal(proc_capture(argv, out, err, &status, &d), 0);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
	return status;
}

static void test_capture(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	assert_int_equal(sh(&out, &err, "echo out; echo err >&2; exit 3"), 3);
	assert_string_equal(out.s, "out\n");
	assert_string_equal(err.s, "err\n");
	buf_reset(&out);
	buf_reset(&err);
	assert_int_equal(sh(&out, &err, "kill -TERM $$"), 128 + SIGTERM);
	/* stdin is /dev/null, not ours (here a pipe with a line in it) */
	int fds[2], saved = dup(0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "ours\n", 5), 5);
	dup2(fds[0], 0);
	buf_reset(&out);
	int rc = sh(&out, &err, "read x && echo \"read $x\"; echo done");
	dup2(saved, 0);
	close(saved);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(rc, 0);
	assert_string_equal(out.s, "done\n");
	/* more than a pipe holds on both streams: neither may block the child */
	buf_reset(&out);
	buf_reset(&err);
	assert_int_equal(sh(&out, &err, "i=0; while [ $i -lt 2000 ]; do "
			 "echo 0123456789012345678901234567890123456789; "
			 "echo 0123456789012345678901234567890123456789 >&2; i=$((i+1)); done"), 0);
	assert_int_equal(out.len, 2000 * 41);
	assert_int_equal(err.len, 2000 * 41);
	buf_release(&out);
	buf_release(&err);
}

static void test_cannot_start(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct diags d = DIAGS_INIT;
	int status = -1;
	const char *argv[] = { "no-such-program-infbench", NULL };
	assert_int_equal(proc_capture(argv, &out, &err, &status, &d), -1);
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.v[0].msg,
			    "cannot run no-such-program-infbench: No such file or directory");
	const char *pwd[] = { "pwd", NULL };
	struct proc_opts o = { .argv = pwd, .dir = "/nonexistent/infbench" };
	struct proc p;
	assert_int_equal(proc_spawn(&p, &o, &d), -1);
	assert_int_equal(d.nr, 2);
	assert_string_equal(d.v[1].msg, "cannot enter /nonexistent/infbench: No such file or directory");
	assert_int_equal(p.pid, -1);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* both children were reaped */
	buf_release(&out);
	buf_release(&err);
	diags_release(&d);
}

/* Runs o (stdout into a pipe) to completion: its output and exit status. */
static int run(struct buf *out, struct proc_opts *o)
{
	struct proc p;
	struct diags d = DIAGS_INIT;
	o->out = PROC_PIPE;
	assert_int_equal(proc_spawn(&p, o, &d), 0);
	diags_release(&d);
	assert_int_equal(p.err, -1);
	char chunk[4096];
	ssize_t n;
	while ((n = read(p.out, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(p.out);
	int ws;
	assert_int_equal(waitpid(p.pid, &ws, 0), p.pid);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* The lines of text that start with prefix, joined by '|'. */
static void lines_with(struct buf *out, const char *text, const char *prefix)
{
	for (const char *l = text; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		if (strncmp(l, prefix, strlen(prefix)))
			continue;
		if (out->len)
			buf_addch(out, '|');
		buf_add(out, l, strcspn(l, "\n"));
	}
}

static void test_env_and_dir(void **state)
{
	(void)state;
	setenv("INFBENCH_A", "ours", 1);
	setenv("INFBENCH_B", "kept", 1);
	const char *add_v[] = { "INFBENCH_A=theirs", "INFBENCH_C=new" };
	struct strvec add = { add_v, 2, 2 };
	/* env itself, not a shell: a shell would fold two entries of a name into one */
	const char *env[] = { "env", NULL };
	struct proc_opts o = { .argv = env, .env_add = &add };
	struct buf out = BUF_INIT, got = BUF_INIT;
	assert_int_equal(run(&out, &o), 0);
	lines_with(&got, out.s, "INFBENCH_");
	assert_string_equal(got.s, "INFBENCH_B=kept|INFBENCH_A=theirs|INFBENCH_C=new");
	/* without additions: ours as is */
	buf_reset(&out);
	buf_reset(&got);
	o.env_add = NULL;
	assert_int_equal(run(&out, &o), 0);
	lines_with(&got, out.s, "INFBENCH_");
	assert_string_equal(got.s, "INFBENCH_A=ours|INFBENCH_B=kept");
	/* the working directory */
	char dir[] = "/tmp/test_proc.XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *pwd[] = { "pwd", NULL };
	struct proc_opts in_dir = { .argv = pwd, .dir = dir };
	buf_reset(&out);
	assert_int_equal(run(&out, &in_dir), 0);
	buf_reset(&got);
	buf_addf(&got, "%s\n", dir);
	assert_string_equal(out.s, got.s);
	rmdir(dir);
	unsetenv("INFBENCH_A");
	unsetenv("INFBENCH_B");
	buf_release(&out);
	buf_release(&got);
}

/* A child that waits for a signal: its pid and group. */
static pid_t sleeper(bool new_group, bool default_signals)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct proc_opts o = { .argv = argv, .new_group = new_group,
			       .default_signals = default_signals };
	struct proc p;
	struct diags d = DIAGS_INIT;
	assert_int_equal(proc_spawn(&p, &o, &d), 0);
	diags_release(&d);
	assert_int_equal(p.out, -1);
	return p.pid;
}

static int reap(pid_t pid)
{
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	return WIFSIGNALED(ws) ? WTERMSIG(ws) : -1;
}

static void test_group_and_signals(void **state)
{
	(void)state;
	pid_t pid = sleeper(true, false);
	assert_int_equal(getpgid(pid), pid);
	kill(-pid, SIGKILL); /* the group, as the launchers stop it */
	assert_int_equal(reap(pid), SIGKILL);
	pid = sleeper(false, false);
	assert_int_equal(getpgid(pid), getpgrp());
	kill(pid, SIGKILL);
	reap(pid);
	/* SIGTERM ignored here: inherited, unless default_signals */
	signal(SIGTERM, SIG_IGN);
	pid = sleeper(true, true);
	pid_t inherits = sleeper(true, false);
	signal(SIGTERM, SIG_DFL);
	kill(pid, SIGTERM);
	assert_int_equal(reap(pid), SIGTERM);
	kill(inherits, SIGTERM);
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	nanosleep(&tick, NULL);
	assert_int_equal(waitpid(inherits, NULL, WNOHANG), 0); /* still running */
	kill(inherits, SIGKILL);
	assert_int_equal(reap(inherits), SIGKILL);
}

/* stdout and stderr to one fd (server.log), and merged into one pipe in order (salloc). */
static void test_streams(void **state)
{
	(void)state;
	char path[] = "/tmp/test_proc.log.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2; echo three", NULL };
	struct proc_opts o = { .argv = argv, .out = PROC_FD, .out_fd = fd, .err = PROC_AS_OUT };
	struct proc p;
	struct diags d = DIAGS_INIT;
	assert_int_equal(proc_spawn(&p, &o, &d), 0);
	assert_int_equal(p.out, -1);
	assert_int_equal(p.err, -1);
	assert_int_equal(waitpid(p.pid, NULL, 0), p.pid);
	char text[64] = "";
	assert_int_equal(pread(fd, text, sizeof(text) - 1, 0), 14);
	assert_string_equal(text, "one\ntwo\nthree\n");
	close(fd);
	unlink(path);
	struct buf out = BUF_INIT;
	struct proc_opts m = { .argv = argv, .err = PROC_AS_OUT };
	assert_int_equal(run(&out, &m), 0);
	assert_string_equal(out.s, "one\ntwo\nthree\n");
	buf_release(&out);
	diags_release(&d);
}

/* Our open fds; in *inheritable, those above 2 without close-on-exec (a child gets them). */
static int open_fds(int *inheritable)
{
	int n = 0;
	*inheritable = 0;
	DIR *dir = opendir("/proc/self/fd");
	assert_non_null(dir);
	const struct dirent *e;
	while ((e = readdir(dir))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		n++;
		if (fd > 2 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			(*inheritable)++;
	}
	closedir(dir);
	return n;
}

/* The spawn leaves none of its pipes open here, and the child gets none of them. */
static void test_no_fd_left(void **state)
{
	(void)state;
	int inheritable, after;
	int before = open_fds(&inheritable);
	struct buf out = BUF_INIT, err = BUF_INIT;
	for (int i = 0; i < 3; i++) {
		buf_reset(&out);
		assert_int_equal(sh(&out, &err, "ls /proc/self/fd | wc -l"), 0);
	}
	/* ls's: 0, 1, 2, what we pass on anyway, and the directory it reads */
	assert_int_equal(atoi(out.s), 3 + inheritable + 1);
	const char *none[] = { "no-such-program-infbench", NULL };
	struct diags d = DIAGS_INIT;
	int status;
	assert_int_equal(proc_capture(none, &out, &err, &status, &d), -1);
	assert_int_equal(open_fds(&after), before);
	buf_release(&out);
	buf_release(&err);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_env_and_dir),
		cmocka_unit_test(test_group_and_signals),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_no_fd_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
