/*
 * perf_matrixgen: how fast matrixgen expands the v1 master configs (tests/golden/inputs/real-*), and configs
 * 10x and 100x larger (each config key repeated under new names), printing wall time and
 * peak memory (the child's ru_maxrss) per size, the time per entry, and the 100x/10x
 * ratio that shows whether the cost is linear in size. Targets (issue 2): the repo's full
 * sweep under 20 ms, the 100x one under 1 s.
 *
 * Usage: perf_matrixgen MATRIXGEN REPO_ROOT [RUNS]
 * Exit status: non-zero only if matrixgen fails or a larger config does not give exactly
 * N times the entries (the timing figures are reported, not asserted).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"

struct sample {
	double ms;
	long rss_kb;
	size_t entries, bytes;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Runs matrixgen full-sweep on files, output to out_path; times it. */
static int run_once(const char *prog, const char *const *files, size_t nr, const char *runners,
		    const char *out_path, struct sample *s)
{
	const char *argv[64] = { prog, "full-sweep", "--runner-config", runners, "--config-files" };
	size_t argc = 5;
	for (size_t i = 0; i < nr; i++)
		argv[argc++] = files[i];
	argv[argc] = NULL;
	fflush(stdout); /* the child's freopen would flush our pending lines again */
	int64_t t0 = clock_mono_ns();
	pid_t pid = fork();
	if (pid == 0) {
		FILE *f = freopen(out_path, "w", stdout);
		if (!f)
			_exit(126);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	s->ms = (double)(clock_mono_ns() - t0) / 1e6;
	s->rss_kb = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	struct buf text = BUF_INIT;
	struct diags d = DIAGS_INIT;
	if (file_read_all(&text, out_path, &d))
		return -1;
	s->bytes = text.len;
	s->entries = 0;
	/* entries are objects at depth 1: count "{" right after "[" or ", " at depth 1 */
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < text.len; i++) {
		char c = text.s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{') {
			if (c == '{' && depth == 1)
				s->entries++;
			depth++;
		} else if (c == ']' || c == '}')
			depth--;
	}
	buf_release(&text);
	diags_release(&d);
	return 0;
}

/* Writes copies x N of a master config: every top-level key gets the suffix -rK. */
static int replicate(const char *src, const char *dst, int n)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	if (file_read_all(&in, src, &d))
		return -1;
	for (int r = 0; r < n; r++) {
		const char *p = in.s;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			bool key = len > 1 && p[0] != ' ' && p[0] != '#' && p[0] != '-' &&
				   p[len - 1] == ':';
			if (key && r > 0)
				buf_addf(&out, "%.*s-r%d:\n", (int)len - 1, p, r);
			else
				buf_addf(&out, "%.*s\n", (int)len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	int rc = file_write_atomic(dst, out.s, out.len, &d);
	buf_release(&in);
	buf_release(&out);
	diags_release(&d);
	return rc;
}

static int measure(const char *label, const char *prog, const char *const *files, size_t nr,
		   const char *runners, const char *tmp, int runs, struct sample *best)
{
	double ms[64];
	long rss = 0;
	char out_path[4096];
	snprintf(out_path, sizeof(out_path), "%s/out.json", tmp);
	for (int i = 0; i < runs; i++) {
		struct sample s;
		if (run_once(prog, files, nr, runners, out_path, &s)) {
			fprintf(stderr, "%s: matrixgen failed\n", label);
			return -1;
		}
		ms[i] = s.ms;
		rss = s.rss_kb > rss ? s.rss_kb : rss;
		*best = s;
	}
	qsort(ms, (size_t)runs, sizeof(double), cmp_double);
	best->ms = ms[runs / 2];
	best->rss_kb = rss;
	printf("%-10s %9zu entries %10zu bytes  median %8.2f ms  min %8.2f ms  peak RSS %7.1f MiB  "
	       "%6.2f us/entry\n",
	       label, best->entries, best->bytes, best->ms, ms[0], (double)rss / 1024,
	       best->ms * 1000 / (double)best->entries);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: perf_matrixgen MATRIXGEN REPO_ROOT [RUNS]\n");
		return 2;
	}
	const char *prog = argv[1], *root = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 7;
	if (runs < 1 || runs > 64)
		runs = 7;
	char tmp[] = "/tmp/perf_matrixgen.XXXXXX";
	if (!mkdtemp(tmp))
		return 1;
	char nv[4096], amd[4096], runners[4096];
	snprintf(nv, sizeof(nv), "%s/tests/golden/inputs/real-nvidia-master.yaml", root);
	snprintf(amd, sizeof(amd), "%s/tests/golden/inputs/real-amd-master.yaml", root);
	snprintf(runners, sizeof(runners), "%s/tests/golden/inputs/real-runners.yaml", root);
	const char *repo[] = { amd, nv };
	struct sample base, x10, x100;
	int rc = measure("repo", prog, repo, 2, runners, tmp, runs, &base);
	static const int factors[] = { 10, 100 };
	struct sample *res[] = { &x10, &x100 };
	for (int f = 0; !rc && f < 2; f++) {
		char a[4200], b[4200], label[16];
		snprintf(a, sizeof(a), "%s/amd-x%d.yaml", tmp, factors[f]);
		snprintf(b, sizeof(b), "%s/nvidia-x%d.yaml", tmp, factors[f]);
		snprintf(label, sizeof(label), "repo x%d", factors[f]);
		const char *files[] = { a, b };
		rc = replicate(amd, a, factors[f]) || replicate(nv, b, factors[f]) ||
		     measure(label, prog, files, 2, runners, tmp, runs, res[f]);
		if (!rc && res[f]->entries != base.entries * (size_t)factors[f]) {
			fprintf(stderr, "x%d: %zu entries, expected %zu\n", factors[f], res[f]->entries,
				base.entries * (size_t)factors[f]);
			rc = 1;
		}
	}
	if (!rc) {
		printf("target repo full sweep < 20 ms: %s (%.2f ms)\n", base.ms < 20 ? "met" : "MISSED",
		       base.ms);
		printf("target x100 < 1000 ms: %s (%.2f ms)\n", x100.ms < 1000 ? "met" : "MISSED",
		       x100.ms);
		printf("linearity: time(x100) / time(x10) = %.2f (10.00 is linear; process start-up "
		       "makes small sizes look cheaper)\n", x100.ms / x10.ms);
	}
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd)) {
		/* a leftover temp dir is not worth failing the benchmark */
	}
	return rc ? 1 : 0;
}
