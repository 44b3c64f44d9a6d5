/* cmd_compare: `executor compare BASE NEW` (compare.h): each side is anything aggregate
 * reads (a directory, a JSON file, an artifact); the report goes to stdout or --markdown. */
#include "executor/commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "common/vec.h"
#include "executor/results/aggregate.h"
#include "executor/results/compare.h"
#include "executor/results/results_read.h"

static int read_side(struct result_set *set, struct result_rows *rows, const char *path,
		     struct diags *d)
{
	const char *paths[1] = { path };
	if (results_read(set, paths, 1, d))
		return -1;
	if (aggregate_rows(rows, set, d))
		return -1;
	aggregate_sort(rows);
	if (!rows->nr)
		diags_warnf(d, path, 0, 0, NULL, "no results found");
	return 0;
}

int cmd_compare(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *markdown = NULL;
	double threshold = 5;
	bool fail = false;
	const struct opt rows_opt[] = {
		{ "threshold", OPT_DOUBLE, 0, &threshold, "PCT", "a change for the worse beyond this "
		  "many percent is a regression (default 5)", 0, NULL, NULL },
		{ "fail-on-regression", OPT_FLAG, 0, &fail, NULL, "exit 1 when there is a regression",
		  0, NULL, NULL },
		{ "markdown", OPT_STR, 0, &markdown, "OUT", "write the report there instead of "
		  "stdout ('-': stdout)", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor compare BASE NEW [options]",
		"Compare two sets of processed results (directories, JSON files or artifacts)\n"
		"configuration by configuration: throughput per GPU, median TTFT, TPOT, E2EL and\n"
		"interactivity. Throughput or interactivity down, or a latency up, by more than the\n"
		"threshold is a regression.",
		rows_opt, sizeof(rows_opt) / sizeof(rows_opt[0]),
		"exit status: 0 success, 1 error (or a regression with --fail-on-regression), 2 "
		"usage error\n",
	};
	struct strvec paths = { 0 };
	struct result_set bset = RESULT_SET_INIT, nset = RESULT_SET_INIT;
	struct result_rows brows = { 0 }, nrows = { 0 };
	struct buf md = BUF_INIT;
	struct compare_summary sum;
	int rc = opt_parse_or_help(&cmd, argc, argv, &paths, out, d);
	if (rc) {
		rc = rc > 0 ? 0 : rc; /* 1: the help was asked for and written */
		goto done;
	}
	if (paths.nr != 2) {
		rc = diags_usagef(d, "expected BASE and NEW, found %zu argument%s", paths.nr,
				  paths.nr == 1 ? "" : "s");
		goto done;
	}
	if (!isfinite(threshold)) {
		rc = diags_usagef(d, "--threshold: expected a finite number");
		goto done;
	}
	if (read_side(&bset, &brows, paths.v[0], d) | read_side(&nset, &nrows, paths.v[1], d)) {
		rc = -1;
		goto done;
	}
	compare_rows(&md, &sum, &brows, &nrows, threshold, d);
	if (markdown && strcmp(markdown, "-"))
		rc = file_write_atomic(markdown, md.s, md.len, d);
	else
		buf_add(out, md.s, md.len);
	if (!rc && fail && sum.regressions) {
		diags_errorf(d, NULL, 0, 0, NULL, "%zu regression%s beyond %g%%", sum.regressions,
			     sum.regressions == 1 ? "" : "s", threshold);
		rc = 1;
	}
done:
	free(paths.v);
	result_rows_release(&brows);
	result_rows_release(&nrows);
	result_set_release(&bset);
	result_set_release(&nset);
	buf_release(&md);
	return rc < 0 ? -1 : rc;
}
