/* proc: see proc.h. */
#include "common/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"

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
}

int proc_capture(const char *const *argv, struct buf *out, struct buf *err, int *status,
		 struct diags *d)
{
	int po[2], pe[2], px[2];
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) || pipe2(px, O_CLOEXEC))
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", argv[0],
				    strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", argv[0],
				    strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		int e = errno;
		if (write(px[1], &e, sizeof(e)) < 0) {
			/* the parent sees an empty pipe and a failed status */
		}
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	close(px[1]);
	drain_two(po[0], pe[0], out, err);
	int exec_errno = 0;
	ssize_t n = read(px[0], &exec_errno, sizeof(exec_errno));
	close(px[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(exec_errno))
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot run %s: %s", argv[0],
				    strerror(exec_errno));
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}
