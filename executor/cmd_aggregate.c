/* cmd_aggregate: `executor aggregate PATH...` (executor-spec 7): read the results
 * (results_read), keep the well-formed ones (aggregate_rows), then each requested output.
 * Without an output option the markdown goes to stdout. Files are written whole (temp name +
 * rename), and only when every input path could be read. */
#include "executor/commands.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "common/vec.h"
#include "executor/results/aggregate.h"
#include "executor/results/chart.h"
#include "executor/results/eval_rows.h"
#include "executor/results/html.h"
#include "executor/results/agentic_chart.h"
#include "executor/results/agentic_table.h"
#include "executor/results/results_read.h"
#include "executor/results/sweep_curve.h"
#include "common/jtree.h"
#include "executor/results/set_read.h"

/* "-" is stdout (out), anything else a file. */
static int emit(struct buf *out, const char *dest, const struct buf *text, bool newline,
		struct diags *d)
{
	if (strcmp(dest, "-"))
		return file_write_atomic(dest, text->s, text->len, d);
	buf_add(out, text->s, text->len);
	if (newline)
		buf_addch(out, '\n');
	return 0;
}

static bool ends_with_blank_line(const struct buf *b)
{
	return b->len >= 2 && b->s[b->len - 1] == '\n' && b->s[b->len - 2] == '\n';
}

/* GitHub Actions' job summary: appended to, never replaced. */
static int append_step_summary(const struct buf *md, struct diags *d)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	if (!path || !*path || !md->len)
		return 0;
	return file_append(path, md->s, md->len, d);
}

/* --sweep FILE: a sweep summary (bench --sweep) as its latency-throughput table, appended
 * to md, and with --svg DIR its chart, DIR/sweep_{file's base name less .json}.svg. */
static int sweep_outputs(struct buf *md, const char *file, const char *svg_dir,
			 const char *title, struct diags *d)
{
	struct buf text = BUF_INIT;
	if (file_read_all(&text, file, d))
		return -1;
	struct jnode *doc = jtree_parse(text.s, text.len, file, d);
	struct sweep_curve c;
	int rc = -1;
	memset(&c, 0, sizeof(c));
	if (doc && !sweep_curve_is_summary(doc))
		diags_errorf(d, file, 1, 1, NULL, "--sweep: expected a sweep summary (an object "
			     "with \"sweep\" and \"points\", as bench --sweep writes)");
	else if (doc)
		rc = sweep_curve_read(&c, doc, file, d);
	if (!rc) {
		sweep_curve_markdown(md, &c);
		if (svg_dir) {
			struct buf path = BUF_INIT, chart = BUF_INIT;
			const char *base = strrchr(file, '/');
			base = base ? base + 1 : file;
			size_t n = strlen(base);
			if (n > 5 && !strcmp(base + n - 5, ".json"))
				n -= 5;
			buf_addf(&path, "%s/sweep_", svg_dir);
			buf_add(&path, base, n);
			buf_adds(&path, ".svg");
			chart_render_sweep(&chart, &c, title);
			rc = mkdir_p(svg_dir, d) || file_write_atomic(path.s, chart.s, chart.len, d)
				     ? -1 : 0;
			buf_release(&path);
			buf_release(&chart);
		}
	}
	sweep_curve_release(&c);
	if (doc)
		jtree_free(doc);
	buf_release(&text);
	return rc;
}

int cmd_aggregate(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *json = NULL, *markdown = NULL, *svg = NULL, *csv = NULL, *title = NULL;
	const char *sweep = NULL;
	const char *eval_json = NULL, *eval_csv = NULL, *html = NULL;
	const struct opt rows_opt[] = {
		{ "json", OPT_STR, 0, &json, "OUT", "the results as one JSON array ('-': stdout)", 0,
		  NULL, NULL },
		{ "markdown", OPT_STR, 0, &markdown, "OUT", "markdown tables ('-': stdout, the "
		  "default when no output option is given)", 0, NULL, NULL },
		{ "svg", OPT_STR, 0, &svg, "DIR", "one chart per model and sequence lengths: "
		  "throughput per GPU against interactivity; per model of agentic results, "
		  "output throughput per GPU against interactivity and TTFT p90 against "
		  "concurrency", 0, NULL, NULL },
		{ "csv", OPT_STR, 0, &csv, "OUT", "the table rows as CSV, one file, a 'kind' column "
		  "first ('-': stdout)", 0, NULL, NULL },
		{ "title", OPT_STR, 0, &title, "TEXT", "prefix of each chart's title", 0, NULL,
		  NULL },
		{ "sweep", OPT_STR, 0, &sweep, "FILE", "a sweep summary (bench --sweep): its "
		  "latency-throughput table in the markdown, its chart in --svg DIR; PATHs optional",
		  0, NULL, NULL },
		{ "eval-json", OPT_STR, 0, &eval_json, "OUT", "the eval rows as one JSON array "
		  "(upstream's agg_eval shape; '-': stdout)", 0, NULL, NULL },
		{ "eval-csv", OPT_STR, 0, &eval_csv, "OUT", "the eval rows as CSV ('-': stdout)", 0,
		  NULL, NULL },
		{ "html", OPT_STR, 0, &html, "DIR", "a static report, DIR/index.html: charts, "
		  "tables, evals, per-request timelines, server-metric curves", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor aggregate PATH... [options]",
		"Collect processed results from directories (searched recursively for agg_*.json\n"
		"and bmk_*.tar.gz), JSON files and artifacts (their agg_*.json members), and write\n"
		"tables, JSON, CSV and charts. A JSON document is a result when it is an object\n"
		"with the key is_multinode; one read that is not is a warning. Accuracy-eval\n"
		"results (results*.json with lm_eval_version, beside the run's entry.json) add\n"
		"an Eval Summary to the markdown.\n"
		"With $GITHUB_STEP_SUMMARY set, the markdown is also appended to that file.",
		rows_opt, sizeof(rows_opt) / sizeof(rows_opt[0]), NULL,
	};
	struct strvec paths = { 0 };
	struct result_set set = RESULT_SET_INIT;
	struct result_rows rows = { 0 };
	struct file_sets eval_sets = { 0 };
	struct eval_rows evals = { 0 };
	struct file_sets runs = { 0 };
	struct buf md = BUF_INIT, text = BUF_INIT;
	int rc = opt_parse_or_help(&cmd, argc, argv, &paths, out, d);
	if (rc) {
		rc = rc > 0 ? 0 : rc; /* 1: the help was asked for and written */
		goto done;
	}
	if (!paths.nr && !sweep) {
		rc = diags_usagef(d, "expected at least one PATH (directory, JSON file or artifact)");
		goto done;
	}
	if (!json && !markdown && !svg && !csv && !eval_json && !eval_csv && !html)
		markdown = "-";
	int to_stdout = (json && !strcmp(json, "-")) + (markdown && !strcmp(markdown, "-")) +
			(csv && !strcmp(csv, "-")) + (eval_json && !strcmp(eval_json, "-")) +
			(eval_csv && !strcmp(eval_csv, "-"));
	if (to_stdout > 1) {
		rc = diags_usagef(d, "only one of --json, --markdown, --csv, --eval-json and "
				  "--eval-csv can write to stdout");
		goto done;
	}
	rc = paths.nr ? results_read(&set, paths.v, paths.nr, d) : 0;
	if (rc)
		goto done;
	rc = aggregate_rows(&rows, &set, d);
	if (rc)
		goto done;
	rc = file_sets_read(&eval_sets, paths.v, paths.nr, eval_rows_want, d);
	if (rc)
		goto done;
	eval_rows_read(&evals, &eval_sets, d);
	size_t agentic = 0;
	for (size_t i = 0; i < set.nr; i++)
		agentic += agentic_result_doc(set.v[i].root);
	if (!rows.nr && !evals.nr && !agentic && paths.nr)
		diags_warnf(d, NULL, 0, 0, NULL, "no results found");
	if (json) { /* reading order, like the collectors' arrays */
		aggregate_json(&text, &rows);
		if (emit(out, json, &text, true, d))
			rc = -1;
	}
	aggregate_sort(&rows);
	if (rows.nr || paths.nr)
		aggregate_markdown(&md, &rows);
	agentic_table_markdown(&md, &set);
	if (evals.nr) {
		eval_rows_sort(&evals);
		if (md.len && !ends_with_blank_line(&md))
			buf_addch(&md, '\n');
		eval_rows_markdown(&md, &evals);
	}
	if (sweep && sweep_outputs(&md, sweep, svg, title, d)) {
		rc = -1;
		goto done;
	}
	if (markdown && emit(out, markdown, &md, false, d))
		rc = -1;
	if (csv) {
		buf_reset(&text);
		aggregate_csv(&text, &rows);
		if (emit(out, csv, &text, false, d))
			rc = -1;
	}
	if (eval_json) { /* sorted, as the markdown */
		buf_reset(&text);
		eval_rows_json(&text, &evals);
		if (emit(out, eval_json, &text, true, d))
			rc = -1;
	}
	if (eval_csv) {
		buf_reset(&text);
		eval_rows_csv(&text, &evals);
		if (emit(out, eval_csv, &text, false, d))
			rc = -1;
	}
	if (html) {
		struct html_input in = { title, &rows, &evals, &runs, &set };
		if (file_sets_read(&runs, paths.v, paths.nr, html_want, d) ||
		    html_report_write(html, &in, d))
			rc = -1;
	}
	if (svg && paths.nr && (chart_write_all(svg, &rows, title, d) ||
				agentic_chart_write_all(svg, &set, title, d)))
		rc = -1;
	if (append_step_summary(&md, d))
		rc = -1;
done:
	free(paths.v);
	result_rows_release(&rows);
	result_set_release(&set);
	eval_rows_release(&evals);
	file_sets_release(&eval_sets);
	file_sets_release(&runs);
	buf_release(&md);
	buf_release(&text);
	return rc ? -1 : 0;
}
