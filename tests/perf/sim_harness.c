/* sim_harness: see sim_harness.h. */
#include "sim_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/core/hcall.h"

extern char **environ;

void sim_harness_stop(struct sim_harness *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		waitpid(h->pid, NULL, 0);
	}
	h->pid = 0;
}

int sim_harness_start(struct sim_harness *h, const char *ttft_ms, const char *itl_ms)
{
	sim_harness_stop(h);
	char portfile[300];
	snprintf(portfile, sizeof(portfile), "%s/port", h->dir);
	unlink(portfile);
	char *argv[] = { (char *)h->sim_path, "--port", "0", "--port-file", portfile,
			 "--ttft-ms", (char *)ttft_ms, "--itl-ms", (char *)itl_ms, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawn(&h->pid, h->sim_path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		h->pid = 0;
		return -1;
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			int ok = fscanf(f, "%d", &h->port) == 1;
			fclose(f);
			if (ok)
				return 0;
		}
		usleep(25000);
	}
	return -1;
}

long sim_harness_http(const struct sim_harness *h, struct buf *out, const char *method,
		      const char *path)
{
	char url[256];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", h->port, path);
	buf_reset(out);
	struct hcall c;
	struct diags d = DIAGS_INIT;
	long status = -1;
	if (!hcall_init(&c, NULL, &d)) {
		struct hcall_req r = { .method = method, .url = url, .timeout_ms = 60000,
				       .resp = out };
		status = hcall_do(&c, &r);
	}
	hcall_release(&c);
	diags_release(&d);
	return status;
}

int run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -1;
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
