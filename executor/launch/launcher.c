/* launcher: the table of launchers and what they share. See launcher.h. */
#include "executor/launch/launcher.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/proc.h"

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

bool launch_is_secret(const struct launch_spec *s, const char *var, size_t klen)
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
		if (launch_is_secret(s, v, klen)) {
			buf_add_escaped(out, v, klen);
			buf_adds(out, "=***");
		} else {
			launch_describe_str(out, v);
		}
		buf_addch(out, '\n');
	}
}

pid_t launch_child(const char *const *argv, const struct strvec *extra, int log_fd,
		   const char *dir, struct diags *d)
{
	struct proc_opts o = { .argv = argv, .env_add = extra, .dir = dir, .new_group = true,
			       .default_signals = true, .out = PROC_FD, .out_fd = log_fd,
			       .err = PROC_AS_OUT };
	struct proc p;
	return proc_spawn(&p, &o, d) ? -1 : p.pid;
}
