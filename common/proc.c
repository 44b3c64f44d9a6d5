/* proc: see proc.h. */
#include "common/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/vec.h"

extern char **environ;

/* Ours plus add, one entry per name (getenv and shells disagree on which of two wins).
 * The strings are borrowed; env->v is NULL-terminated. */
static void child_env(struct strvec *env, const struct strvec *add)
{
	for (char **e = environ; *e; e++) {
		size_t klen = strcspn(*e, "=") + 1;
		bool replaced = false;
		for (size_t i = 0; i < add->nr && !replaced; i++)
			replaced = !strncmp(*e, add->v[i], klen);
		if (!replaced)
			VEC_PUSH(env, *e);
	}
	for (size_t i = 0; i < add->nr; i++)
		VEC_PUSH(env, add->v[i]);
	VEC_PUSH(env, NULL);
}

/* What a child that cannot start writes on the status pipe before it exits. */
enum start_stage { START_STDIO, START_DIR, START_EXEC };
struct start_error {
	int stage; /* enum start_stage */
	int err;   /* errno */
};

static _Noreturn void child_fail(int status_fd, enum start_stage stage)
{
	struct start_error e = { stage, errno };
	if (write(status_fd, &e, sizeof(e)) < 0) {
		/* the parent then sees an empty pipe and a child that exited 127 */
	}
	_exit(127);
}

/* Makes fd the child's fd `to` (cleared of close-on-exec by dup2). */
static void child_dup(int fd, int to, int status_fd)
{
	if (fd != to && dup2(fd, to) < 0)
		child_fail(status_fd, START_STDIO);
}

/* In the child between fork and exec: only async-signal-safe calls. out_src and err_src are
 * the fds stdout and stderr come from (-1: leave as is), none of them 0, 1 or 2. */
static _Noreturn void child(const struct proc_opts *o, char *const *env, int out_src,
			    int err_src, int status_fd)
{
	if (o->new_group)
		setpgid(0, 0);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0)
		child_fail(status_fd, START_STDIO);
	child_dup(devnull, 0, status_fd);
	if (devnull > 2)
		close(devnull);
	if (out_src >= 0)
		child_dup(out_src, 1, status_fd);
	if (o->err == PROC_AS_OUT)
		child_dup(1, 2, status_fd);
	else if (err_src >= 0)
		child_dup(err_src, 2, status_fd);
	if (o->default_signals) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	}
	signal(SIGPIPE, SIG_DFL);
	if (o->dir && chdir(o->dir) < 0)
		child_fail(status_fd, START_DIR);
	if (env)
		execvpe(o->argv[0], (char *const *)o->argv, env);
	else
		execvp(o->argv[0], (char *const *)o->argv);
	child_fail(status_fd, START_EXEC);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The fd a stream comes from in the child (-1: none to set up), in *src. One of 0, 1 or 2 is
 * first copied above 2 (*copied set; the parent closes the copy), so that setting up one of
 * the child's standard fds cannot overwrite the source of another. */
static int stream_source(int *src, bool *copied, enum proc_io io, int fd, int pipe_w)
{
	*src = io == PROC_FD ? fd : io == PROC_PIPE ? pipe_w : -1;
	*copied = *src >= 0 && *src <= 2;
	if (*copied)
		*src = fcntl(*src, F_DUPFD_CLOEXEC, 3);
	return *src < 0 && (io == PROC_FD || io == PROC_PIPE) ? -1 : 0;
}

/* Waits for the child's exec: 0 once it happened (the close-on-exec status pipe closed), -1
 * with a diag when the child reported why it could not start (it is reaped). */
static int wait_exec(pid_t pid, int status_fd, const struct proc_opts *o, struct diags *d)
{
	struct start_error e;
	ssize_t n;
	while ((n = read(status_fd, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(e))
		return 0;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (e.stage == START_DIR)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot enter %s: %s", o->dir,
				    strerror(e.err));
	return diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", o->argv[0],
			    strerror(e.err));
}

int proc_spawn(struct proc *p, const struct proc_opts *o, struct diags *d)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ps[2] = { -1, -1 };
	p->pid = -1;
	p->out = p->err = -1;
	struct strvec env = { 0 };
	if (o->env_add)
		child_env(&env, o->env_add);
	int rc = 0, out_src = -1, err_src = -1;
	bool out_copied = false, err_copied = false;
	pid_t pid = -1;
	if ((o->out == PROC_PIPE && pipe2(po, O_CLOEXEC)) ||
	    (o->err == PROC_PIPE && pipe2(pe, O_CLOEXEC)) || pipe2(ps, O_CLOEXEC) ||
	    stream_source(&out_src, &out_copied, o->out, o->out_fd, po[1]) ||
	    stream_source(&err_src, &err_copied, o->err, o->err_fd, pe[1])) {
		rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", o->argv[0],
				  strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0)
		child(o, (char *const *)env.v, out_src, err_src, ps[1]);
	if (pid < 0) {
		rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", o->argv[0],
				  strerror(errno));
		goto out;
	}
	/* also here: no window in which a signal to the group misses the child */
	if (o->new_group)
		setpgid(pid, pid);
	close_fd(&po[1]);
	close_fd(&pe[1]);
	close_fd(&ps[1]);
	rc = wait_exec(pid, ps[0], o, d);
	if (!rc) {
		p->pid = pid;
		p->out = po[0];
		p->err = pe[0];
		po[0] = pe[0] = -1;
	}
out:
	if (out_copied)
		close_fd(&out_src);
	if (err_copied)
		close_fd(&err_src);
	for (int i = 0; i < 2; i++) {
		close_fd(&po[i]);
		close_fd(&pe[i]);
		close_fd(&ps[i]);
	}
	free(env.v);
	return rc;
}

/* Reads both pipes until both close; poll so that neither can fill up and block the child. */
static void drain_two(int fd_out, int fd_err, struct buf *out, struct buf *err)
{
	struct pollfd p[2] = { { fd_out, POLLIN, 0 }, { fd_err, POLLIN, 0 } };
	struct buf *dst[2] = { out, err };
	int open_nr = 2;
	while (open_nr) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char chunk[8192];
			ssize_t n = read(p[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				buf_add(dst[i], chunk, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(p[i].fd);
				p[i].fd = -1;
				open_nr--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
}

int proc_capture(const char *const *argv, struct buf *out, struct buf *err, int *status,
		 struct diags *d)
{
	/* its own process group: a Ctrl-C at the terminal (or a signal to our group) must not
	 * kill a short helper we wait for, such as the scancel of a clean-up */
	struct proc_opts o = { .argv = argv, .out = PROC_PIPE, .err = PROC_PIPE,
			       .new_group = true };
	struct proc p;
	if (proc_spawn(&p, &o, d))
		return -1;
	drain_two(p.out, p.err, out, err);
	int ws;
	while (waitpid(p.pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}
