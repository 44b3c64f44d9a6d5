/* launcher: the table of launchers and what they share. See launcher.h. */
#include "executor/launch/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"

static const struct launcher_ops *const launchers[] = {
	&launch_local_ops,
	&launch_docker_ops,
	&launch_slurm_ops,
};

const struct launcher_ops *launcher_find(const char *name)
{
	for (size_t i = 0; i < sizeof(launchers) / sizeof(launchers[0]); i++)
		if (!strcmp(launchers[i]->name, name))
			return launchers[i];
	return NULL;
}

void launched_release(struct launched *l)
{
	free(l->id);
	free(l->host);
	free(l->image_digest);
	memset(l, 0, sizeof(*l));
}

static bool is_secret(const struct launch_spec *s, const char *var, size_t klen)
{
	for (size_t i = 0; s->secrets && i < s->secrets->nr; i++)
		if (strlen(s->secrets->v[i]) == klen && !strncmp(s->secrets->v[i], var, klen))
			return true;
	return false;
}

void launch_describe_str(struct buf *out, const char *str)
{
	buf_add_escaped(out, str, strlen(str));
}

void launch_env_describe(struct buf *out, const struct launch_spec *s, const char *indent)
{
	for (size_t i = 0; i < s->env.nr; i++) {
		const char *v = s->env.v[i];
		size_t klen = strcspn(v, "=");
		buf_adds(out, indent);
		if (is_secret(s, v, klen)) {
			buf_add_escaped(out, v, klen);
			buf_adds(out, "=***");
		} else {
			launch_describe_str(out, v);
		}
		buf_addch(out, '\n');
	}
}

extern char **environ;

/* Ours plus extra, one entry per name (getenv and shells disagree on which of two wins). */
static void child_env(struct strvec *env, const struct strvec *extra)
{
	for (char **e = environ; *e; e++) {
		size_t klen = strcspn(*e, "=") + 1;
		bool replaced = false;
		for (size_t i = 0; i < extra->nr && !replaced; i++)
			replaced = !strncmp(*e, extra->v[i], klen);
		if (!replaced)
			VEC_PUSH(env, *e);
	}
	for (size_t i = 0; i < extra->nr; i++)
		VEC_PUSH(env, extra->v[i]);
	VEC_PUSH(env, NULL);
}

pid_t launch_child(const char *const *argv, const struct strvec *extra, int log_fd,
		   const char *dir, struct diags *d)
{
	struct strvec env = { 0 };
	child_env(&env, extra);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull > 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (dir && chdir(dir) < 0) {
			dprintf(2, "executor: cannot enter %s: %s\n", dir, strerror(errno));
			_exit(126);
		}
		execvpe(argv[0], (char *const *)argv, (char *const *)env.v);
		dprintf(2, "executor: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(env.v);
	if (pid < 0)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot start %s: %s", argv[0],
				    strerror(errno));
	setpgid(pid, pid); /* also here: no window in which a signal to the group misses it */
	return pid;
}
