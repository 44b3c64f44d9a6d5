/*
 * perf_matrixgen_v2: matrixgen against upstream's generator on the full v2 sweep (issue 10):
 * `full-sweep` on upstream's own configs at 843c6254f (tests/upstream-v2/configs: about
 * 1,800 entries), the median wall time of each, and the ratio. Target: 100x or more.
 *
 * Upstream runs only where the environment variable UPSTREAM names an InferenceX checkout
 * (its utils/matrix_logic/generate_sweep_configs.py) and python3 imports pydantic and
 * yaml; otherwise only matrixgen is timed and the comparison is said to be skipped. When
 * both run, their outputs must be byte-identical, and the runs are interleaved (each
 * upstream run followed by RUNS / UPSTREAM_RUNS of matrixgen's): a shared VM's speed drifts
 * by a third within minutes, and timing one program after the other measured the drift.
 *
 * Usage: [UPSTREAM=DIR] perf_matrixgen_v2 MATRIXGEN REPO_ROOT [RUNS [UPSTREAM_RUNS]]
 * Exit status: non-zero only if a program fails, matrixgen gives no entries, or the two
 * outputs differ (the timing figures are reported, not asserted).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"

#define TARGET_RATIO 100.0
#define MAX_RUNS 64

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Runs argv in dir with stdout to out_path and stderr to /dev/null; *ms its wall time.
 * Returns its exit status, or -1 if it could not run. */
static int run_timed(const char *const *argv, const char *dir, const char *out_path, double *ms)
{
	fflush(stdout);
	int64_t t0 = clock_mono_ns();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) || !freopen(out_path, "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	*ms = (double)(clock_mono_ns() - t0) / 1e6;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct timing {
	const char *label;
	const char *const *argv;
	const char *out_path;
	double ms[MAX_RUNS];
	int nr;
};

/* Times one more run of t's program; its output stays in out_path. */
static int time_one(struct timing *t, const char *dir)
{
	int rc = run_timed(t->argv, dir, t->out_path, &t->ms[t->nr]);
	if (rc) {
		fprintf(stderr, "%s: exit status %d\n", t->label, rc);
		return -1;
	}
	t->nr++;
	return 0;
}

/* Sorts t's times and prints them; returns the median. */
static double report(struct timing *t)
{
	qsort(t->ms, (size_t)t->nr, sizeof(double), cmp_double);
	double median = t->ms[t->nr / 2];
	printf("%-10s median %9.2f ms  min %9.2f ms  (%d runs)\n", t->label, median, t->ms[0], t->nr);
	return median;
}

/* Entries are the objects at depth 1 of the JSON array. */
static size_t count_entries(const struct buf *text)
{
	size_t n = 0;
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < text->len; i++) {
		char c = text->s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			n += c == '{' && depth == 1;
			depth++;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return n;
}

/* Why upstream cannot run here, or NULL when it can. */
static const char *upstream_missing(const char *up, char *gen, size_t gen_size)
{
	if (!up || !*up)
		return "UPSTREAM is not set";
	snprintf(gen, gen_size, "%s/utils/matrix_logic/generate_sweep_configs.py", up);
	if (access(gen, R_OK))
		return "UPSTREAM has no utils/matrix_logic/generate_sweep_configs.py";
	if (system("python3 -c 'import pydantic, yaml' >/dev/null 2>&1"))
		return "python3 with pydantic and PyYAML is not available";
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: perf_matrixgen_v2 MATRIXGEN REPO_ROOT [RUNS [UPSTREAM_RUNS]]\n");
		return 2;
	}
	const char *prog = argv[1], *root = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 11, up_runs = argc > 4 ? atoi(argv[4]) : 3;
	if (runs < 1 || runs > MAX_RUNS)
		runs = 11;
	if (up_runs < 1 || up_runs > MAX_RUNS)
		up_runs = 3;
	char tmp[] = "/tmp/perf_matrixgen_v2.XXXXXX";
	if (!mkdtemp(tmp))
		return 1;
	char ours_out[64], up_out[64], gen[4096];
	snprintf(ours_out, sizeof(ours_out), "%s/ours.json", tmp);
	snprintf(up_out, sizeof(up_out), "%s/upstream.json", tmp);
	/* upstream's order of the files, as tests/upstream-v2/record.sh ran it */
#define SWEEP_ARGS "full-sweep", "--config-files", "tests/upstream-v2/configs/nvidia-master.yaml", \
		"tests/upstream-v2/configs/amd-master.yaml", "--runner-config", \
		"tests/upstream-v2/configs/runners.yaml", NULL
	const char *ours_argv[] = { prog, SWEEP_ARGS };
	const char *up_argv[] = { "python3", gen, SWEEP_ARGS };
	struct buf ours = BUF_INIT, theirs = BUF_INIT;
	struct diags d = DIAGS_INIT;
	struct timing mg = { "matrixgen", ours_argv, ours_out, { 0 }, 0 };
	struct timing up = { "upstream", up_argv, up_out, { 0 }, 0 };
	const char *missing = upstream_missing(getenv("UPSTREAM"), gen, sizeof(gen));
	int rc = 1;
	if (missing) {
		for (int i = 0; i < runs; i++)
			if (time_one(&mg, root))
				goto done;
	} else {
		int per_round = runs / up_runs > 0 ? runs / up_runs : 1;
		for (int r = 0; r < up_runs; r++) {
			if (time_one(&up, root))
				goto done;
			for (int i = 0; i < per_round; i++)
				if (time_one(&mg, root))
					goto done;
		}
		printf("interleaved: %d rounds of 1 upstream run and %d matrixgen runs\n", up_runs,
		       per_round);
	}
	double ours_ms = report(&mg);
	if (file_read_all(&ours, ours_out, &d))
		goto done;
	size_t entries = count_entries(&ours);
	printf("matrixgen  %zu entries, %zu bytes, %.2f us/entry\n", entries, ours.len,
	       ours_ms * 1000 / (double)(entries ? entries : 1));
	if (!entries) {
		fprintf(stderr, "matrixgen: no entries\n");
		goto done;
	}
	if (missing) {
		printf("comparison with upstream skipped: %s\n", missing);
		rc = 0;
		goto done;
	}
	double up_ms = report(&up);
	if (file_read_all(&theirs, up_out, &d))
		goto done;
	if (theirs.len != ours.len || memcmp(theirs.s, ours.s, ours.len)) {
		fprintf(stderr, "the outputs differ (%zu bytes from upstream, %zu from matrixgen)\n",
			theirs.len, ours.len);
		goto done;
	}
	double ratio = up_ms / ours_ms;
	printf("outputs byte-identical; upstream / matrixgen = %.1fx\n", ratio);
	printf("target >= %.0fx: %s\n", TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "MISSED");
	rc = 0;
done:
	diags_release(&d);
	buf_release(&ours);
	buf_release(&theirs);
	unlink(ours_out);
	unlink(up_out);
	rmdir(tmp);
	return rc;
}
