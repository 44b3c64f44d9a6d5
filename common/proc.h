/*
 * proc: child processes, started from one place. A child is an argv vector, never a shell
 * string; argv[0] is looked up in PATH. Its stdin is always /dev/null (no child of ours reads
 * ours), SIGPIPE is back to its default, and what else it gets is an option: our environment
 * plus additions, a working directory, a process group of its own, default signal handling,
 * and where its stdout and stderr go (ours, an fd, or a pipe we read).
 *
 * Use: proc_spawn -> read the pipes it opened (then close them) -> waitpid(p.pid) (the caller
 * reaps; a child in its own group is signalled as -p.pid). proc_capture does all of it for a
 * command run to completion. A child that cannot be started (no such program, a directory it
 * cannot enter) is reaped by proc_spawn, which reports why: exec failure is seen before it
 * returns, through a close-on-exec pipe.
 */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct buf;
struct diags;
struct strvec;

/* Where the child's stdout or stderr goes. */
enum proc_io {
	PROC_INHERIT, /* ours */
	PROC_FD,      /* the fd in out_fd or err_fd */
	PROC_PIPE,    /* a new pipe; its read end comes back in struct proc */
	PROC_AS_OUT,  /* stderr only: wherever stdout goes (one stream, in order) */
};

struct proc_opts {
	const char *const *argv;      /* NULL-terminated */
	const struct strvec *env_add; /* NAME=VALUE added to our environment, an added name
				       * replacing ours (one value per name); NULL: ours as is */
	const char *dir;              /* working directory; NULL: ours */
	bool new_group;               /* a process group of its own, its id the child's pid */
	bool default_signals;         /* an empty signal mask, SIGINT and SIGTERM to SIG_DFL
				       * (a server must stop on the signals we catch or ignore) */
	enum proc_io out, err;
	int out_fd, err_fd;           /* for PROC_FD */
};

struct proc {
	pid_t pid;
	int out, err; /* owned: read ends (close-on-exec) of PROC_PIPE streams, else -1 */
};

/* Starts a child. Returns 0 with p filled, or -1 with a diag ("cannot run X: why",
 * "cannot enter DIR: why") when it could not be started; nothing is left open then. */
int proc_spawn(struct proc *p, const struct proc_opts *o, struct diags *d);

/* Runs argv to completion, in a process group of its own (a terminal's Ctrl-C does not reach
 * it), with stdout and stderr collected into out and err. Fills *status with the exit status
 * (128 + signal when killed). Returns -1 with a diag only when the command could not be run
 * at all. */
int proc_capture(const char *const *argv, struct buf *out, struct buf *err, int *status,
		 struct diags *d);

#endif
