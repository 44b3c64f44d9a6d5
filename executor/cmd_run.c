/*
 * cmd_run: `executor run` (executor-spec 1.1): one entry (--entry, --entry-json) or a whole
 * matrix (--matrix, each entry in turn on this host, a local stand-in for the Actions
 * fan-out, one summary line per entry). Exit status 0 only when every entry fully succeeded.
 */
#include "executor/commands.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/opt.h"
#include "common/vec.h"
#include "common/jtree.h"
#include "executor/core/profile.h"
#include "executor/load/realtime.h"
#include "executor/run.h"

struct run_cli {
	const char *entry, *entry_json, *matrix;
	struct run_opts o;
};

static int print_out(struct buf *b)
{
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout))
		return -1;
	buf_reset(b);
	return 0;
}

/* --matrix: a JSON array of entries, each written out again by the same strict reader the
 * entry itself goes through (jtree keeps 8 apart from 8.0) and run on its own. */
static int run_matrix(struct run_cli *c, const char *text, size_t len, struct diags *d)
{
	struct jnode *arr = jtree_parse_stoppable(text, len, c->matrix, c->o.stop, d);
	if (!arr)
		return -1;
	if (arr->type != JT_ARR) {
		jtree_free(arr);
		return diags_errorf(d, c->matrix, 1, 1, NULL, "expected a JSON array of matrix entries");
	}
	size_t n = arr->nr, ran = 0, succeeded = 0;
	if (!n) { /* a filter that matched nothing: not a failure, and no results to point at */
		struct buf msg = BUF_INIT;
		buf_adds(&msg, "nothing to run: the matrix has no entries\n");
		int rc = print_out(&msg);
		buf_release(&msg);
		jtree_free(arr);
		return rc ? diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout") : 0;
	}
	struct buf out = BUF_INIT, summary = BUF_INIT;
	bool stdout_failed = false;
	c->o.matrix_layout = true;
	for (size_t i = 0; i < n && !*c->o.stop; i++) {
		struct buf one = BUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &one, JSONW_LINE);
		jtree_write(&w, &arr->items[i]);
		char name[64];
		snprintf(name, sizeof(name), "entry-%zu", i + 1);
		fprintf(stderr, "executor: [%zu/%zu] running %s\n", i + 1, n, name);
		struct run_outcome res;
		size_t first = d->nr;
		struct run_input in = { one.s, one.len, name, &arr->items[i], c->matrix };
		run_entry(&res, &c->o, &in, &out, d);
		stdout_failed |= print_out(&out) != 0;
		/* each entry's problems are printed as they happen, not all at the end */
		struct diags mine = { d->v ? d->v + first : NULL, d->nr - first, 0, 0, 0 };
		diags_print(stderr, &mine);
		diags_truncate(d, first);
		ran++;
		succeeded += res.ok;
		buf_addf(&summary, "[%zu/%zu] %s\n", i + 1, n, res.summary);
		buf_release(&one);
	}
	jtree_free(arr);
	buf_addf(&summary, "%zu of %zu entries succeeded", succeeded, n);
	/* each entry that ran has its directory there (an invalid one too) */
	if (ran)
		buf_addf(&summary, "; results in %s", c->o.output_dir);
	buf_addch(&summary, '\n');
	fputs("\n", stdout);
	stdout_failed |= print_out(&summary) != 0;
	buf_release(&out);
	buf_release(&summary);
	if (stdout_failed) /* the plans and summaries are the product: not there is a failure */
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
	if (*c->o.stop)
		return diags_errorf(d, NULL, 0, 0, NULL, "interrupted after %zu of %zu entries", ran, n);
	return succeeded < n ? diags_errorf(d, NULL, 0, 0, NULL, "%zu of %zu entries failed",
					    n - succeeded, n) : 0;
}

int cmd_run(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d)
{
	struct run_cli c = { .o = { .workspace = ".", .output_dir = "./results", .stop = stop,
				    .server_metrics_interval_s = 5, .max_failed_pct = 5 } };
	const struct opt rows[] = {
		{ "entry", OPT_STR, 0, &c.entry, "FILE", "the entry to run (- for stdin)", 0, NULL, NULL },
		{ "entry-json", OPT_STR, 0, &c.entry_json, "JSON", "the entry to run, given inline", 0, NULL, NULL },
		{ "matrix", OPT_STR, 0, &c.matrix, "FILE", "a matrix (JSON array): every entry in turn (- for stdin)", 0, NULL, NULL },
		{ "node", OPT_STR, 0, &c.o.node, "NAME", "node name (default $RUNNER_NAME, else the entry's runner)", 0, NULL, NULL },
		{ "workspace", OPT_STR, 0, &c.o.workspace, "DIR", "holds benchmarks/ and runners/ (default .)", 0, NULL, NULL },
		{ "output-dir", OPT_STR, 0, &c.o.output_dir, "DIR", "where results go (default ./results)", 0, NULL, NULL },
		{ "secret-env", OPT_LIST, OPT_APPEND, &c.o.secret_env, "NAME", "pass this variable to the recipe, never shown (repeatable)", 0, NULL, NULL },
		{ "health-timeout", OPT_INT, 0, &c.o.health_timeout_s, "S", "seconds to wait for the server (default: the profile's)", 1, NULL, NULL },
		{ "eval-dataset", OPT_STR, 0, &c.o.eval_dataset, "FILE", "the eval's questions, JSONL in GSM8K's format (default: the workspace's configs/evals/gsm8k-subset.jsonl)", 0, NULL, NULL },
		{ "eval-limit", OPT_INT, 0, &c.o.eval_limit, "N", "the eval asks only the first N questions (default: all)", 1, NULL, NULL },
		{ "eval-thresholds", OPT_STR, 0, &c.o.eval_thresholds, "FILE", "the eval's passing scores (default: the workspace's configs/eval-thresholds.yaml)", 0, NULL, NULL },
		{ "server-metrics-interval", OPT_DOUBLE, 0, &c.o.server_metrics_interval_s, "S", "scrape the server's /metrics before, every S seconds during and after each load (default 5; 0: off)", 0, NULL, NULL },
		{ "max-failed-pct", OPT_DOUBLE, 0, &c.o.max_failed_pct, "PCT", "fail the run when more than PCT % of a load's requests failed (default 5, as upstream's client)", 0, NULL, NULL },
		{ "trace", OPT_STR, 0, &c.o.trace, "FILE", "agentic entries: the trace to replay (default: the profile's agentic-trace; the local launcher: the workspace's tests/trace/agentx_small.jsonl)", 0, NULL, NULL },
		{ "max-duration", OPT_DOUBLE, 0, &c.o.max_duration_s, "S", "agentic entries: end the replay after at most S seconds (default: the entry's duration)", 0, NULL, NULL },
		{ "realtime", OPT_FLAG, 0, &c.o.realtime, NULL, "the executor (not the server or the recipe) in the SCHED_FIFO real-time class: its load is run ahead of the node's other work (root or CAP_SYS_NICE)", 0, NULL, NULL },
		{ "dry-run", OPT_FLAG, 0, &c.o.dry_run, NULL, "print what would run (secrets masked) and start nothing", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor run (--entry FILE | --entry-json JSON | --matrix FILE) [options]",
		"Runs one matrix entry on this node: starts the server through the node profile's\n"
		"launcher, waits until it is ready, drives the load, processes the results, stops\n"
		"the server and leaves the artifact in the output directory (executor-spec 1.1).",
		rows, sizeof(rows) / sizeof(rows[0]),
		"Output: agg_{RESULT_FILENAME}.json, {RESULT_FILENAME}.json, server.log, entry.json,\n"
		"meta.json and bmk_{RESULT_FILENAME}.tar.gz; with --matrix each entry's files go to\n"
		"{output-dir}/bmk_{RESULT_FILENAME}/. SIGINT/SIGTERM stop the run, clean up and still\n"
		"write the artifact.\n",
	};
	struct buf out = BUF_INIT, text = BUF_INIT;
	int prc = opt_parse_or_help(&cmd, argc, argv, NULL, &out, d);
	int status = EXIT_OK;
	if (prc > 0) {
		if (print_out(&out)) {
			diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
			status = EXIT_FAIL;
		}
		goto done;
	}
	if (!prc && c.o.health_timeout_s > HEALTH_TIMEOUT_MAX_S)
		prc = diags_usagef(d, "--health-timeout: expected 1 to %d seconds, found %ld",
				   HEALTH_TIMEOUT_MAX_S, c.o.health_timeout_s);
	if (!prc && !(c.o.max_duration_s >= 0 && c.o.max_duration_s < 1e9))
		prc = diags_usagef(d, "--max-duration: expected seconds >= 0, found %g",
				   c.o.max_duration_s);
	int given = !!c.entry + !!c.entry_json + !!c.matrix;
	if (!prc && given != 1)
		prc = diags_usagef(d, "give exactly one of --entry, --entry-json and --matrix");
	if (prc) {
		status = EXIT_USAGE;
		goto done;
	}
	const char *src = c.matrix ? c.matrix : c.entry;
	if ((src && file_read_all(&text, src, d)) ||
	    (c.o.realtime && !c.o.dry_run && load_take_realtime(d))) {
		status = EXIT_FAIL;
		goto done;
	}
	int rc;
	if (c.matrix) {
		rc = run_matrix(&c, text.s, text.len, d);
	} else {
		struct run_outcome res;
		const char *json = c.entry_json ? c.entry_json : text.s;
		size_t len = c.entry_json ? strlen(c.entry_json) : text.len;
		struct run_input in = { json, len, c.entry ? c.entry : "--entry-json", NULL, NULL };
		rc = run_entry(&res, &c.o, &in, &out, d);
		if (print_out(&out))
			rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
		if (!c.o.dry_run)
			fprintf(stderr, "executor: %s\n", res.summary);
	}
	status = rc ? EXIT_FAIL : EXIT_OK;
done:
	free(c.o.secret_env.v);
	buf_release(&out);
	buf_release(&text);
	return status;
}
