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
#include "executor/results/agentic_table.h"
#include "executor/results/results_read.h"

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

/* GitHub Actions' job summary: appended to, never replaced. */
static int append_step_summary(const struct buf *md, struct diags *d)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	if (!path || !*path || !md->len)
		return 0;
	return file_append(path, md->s, md->len, d);
}

int cmd_aggregate(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *json = NULL, *markdown = NULL, *svg = NULL, *csv = NULL, *title = NULL;
	const struct opt rows_opt[] = {
		{ "json", OPT_STR, 0, &json, "OUT", "the results as one JSON array ('-': stdout)", 0,
		  NULL, NULL },
		{ "markdown", OPT_STR, 0, &markdown, "OUT", "markdown tables ('-': stdout, the "
		  "default when no output option is given)", 0, NULL, NULL },
		{ "svg", OPT_STR, 0, &svg, "DIR", "one chart per model and sequence lengths: "
		  "throughput per GPU against interactivity", 0, NULL, NULL },
		{ "csv", OPT_STR, 0, &csv, "OUT", "the table rows as CSV, one file, a 'kind' column "
		  "first ('-': stdout)", 0, NULL, NULL },
		{ "title", OPT_STR, 0, &title, "TEXT", "prefix of each chart's title", 0, NULL,
		  NULL },
	};
	const struct opt_cmd cmd = {
		"executor aggregate PATH... [options]",
		"Collect processed results from directories (searched recursively for agg_*.json\n"
		"and bmk_*.tar.gz), JSON files and artifacts (their agg_*.json members), and write\n"
		"tables, JSON, CSV and charts. A JSON document is a result when it is an object\n"
		"with the key is_multinode; one read that is not is a warning.\n"
		"With $GITHUB_STEP_SUMMARY set, the markdown is also appended to that file.",
		rows_opt, sizeof(rows_opt) / sizeof(rows_opt[0]), NULL,
	};
	struct strvec paths = { 0 };
	struct result_set set = RESULT_SET_INIT;
	struct result_rows rows = { 0 };
	struct buf md = BUF_INIT, text = BUF_INIT;
	int rc = opt_parse_or_help(&cmd, argc, argv, &paths, out, d);
	if (rc) {
		rc = rc > 0 ? 0 : rc; /* 1: the help was asked for and written */
		goto done;
	}
	if (!paths.nr) {
		rc = diags_usagef(d, "expected at least one PATH (directory, JSON file or artifact)");
		goto done;
	}
	if (!json && !markdown && !svg && !csv)
		markdown = "-";
	int to_stdout = (json && !strcmp(json, "-")) + (markdown && !strcmp(markdown, "-")) +
			(csv && !strcmp(csv, "-"));
	if (to_stdout > 1) {
		rc = diags_usagef(d, "only one of --json, --markdown and --csv can write to stdout");
		goto done;
	}
	rc = results_read(&set, paths.v, paths.nr, d);
	if (rc)
		goto done;
	rc = aggregate_rows(&rows, &set, d);
	if (rc)
		goto done;
	size_t agentic = 0;
	for (size_t i = 0; i < set.nr; i++)
		agentic += agentic_result_doc(set.v[i].root);
	if (!rows.nr && !agentic)
		diags_warnf(d, NULL, 0, 0, NULL, "no results found");
	if (json) { /* reading order, like the collectors' arrays */
		aggregate_json(&text, &rows);
		if (emit(out, json, &text, true, d))
			rc = -1;
	}
	aggregate_sort(&rows);
	aggregate_markdown(&md, &rows);
	agentic_table_markdown(&md, &set);
	if (markdown && emit(out, markdown, &md, false, d))
		rc = -1;
	if (csv) {
		buf_reset(&text);
		aggregate_csv(&text, &rows);
		if (emit(out, csv, &text, false, d))
			rc = -1;
	}
	if (svg && chart_write_all(svg, &rows, title, d))
		rc = -1;
	if (append_step_summary(&md, d))
		rc = -1;
done:
	free(paths.v);
	result_rows_release(&rows);
	result_set_release(&set);
	buf_release(&md);
	buf_release(&text);
	return rc ? -1 : 0;
}
