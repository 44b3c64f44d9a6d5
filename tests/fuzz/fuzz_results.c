/* fuzz_results: libFuzzer over what `aggregate` and `compare` do with a downloaded result:
 * the JSON reader (jtree), then the rows, sort, markdown, CSV, JSON array and a chart, and
 * the agentic results' table and charts. The
 * input is up to 8 documents separated by NUL bytes (a NUL cannot occur in JSON text), so
 * several results meet in one sort and one table. Besides crashes, leaks and hangs, it
 * checks the reader's contract (jtree.h): a refused document gives exactly one error and
 * an accepted one none, and what jtree_write writes reads back and writes the same bytes
 * again (aggregate --json must be stable when its output is aggregated again). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/xalloc.h"
#include "common/jtree.h"
#include "executor/results/agentic_chart.h"
#include "executor/results/agentic_table.h"
#include "executor/results/aggregate.h"
#include "executor/results/chart.h"
#include "executor/results/results_read.h"

#define MAX_DOCS 8

static void append_chart(const char *name, const struct buf *svg, void *data)
{
	buf_adds(data, name);
	buf_add(data, svg->s, svg->len);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_results: %s\n", what);
		abort();
	}
}

static void write_tree(struct buf *out, const struct jnode *root)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_arr_open(&w); /* as aggregate_json: one level down */
	jtree_write(&w, root);
	jsonw_arr_close(&w);
}

/* Written, read back, written again: the same bytes. */
static void check_round_trip(const struct jnode *root)
{
	struct buf once = BUF_INIT, twice = BUF_INIT;
	struct diags d = DIAGS_INIT;
	write_tree(&once, root);
	struct jnode *again = jtree_parse(once.s, once.len, "written.json", &d);
	check(again != NULL, "what jtree_write wrote does not read back");
	check(again->type == JT_ARR && again->nr == 1, "not the one-element array written");
	write_tree(&twice, &again->items[0]);
	check(once.len == twice.len && !memcmp(once.s, twice.s, once.len),
	      "written, read back and written again: different bytes");
	jtree_free(again);
	diags_release(&d);
	buf_release(&once);
	buf_release(&twice);
}

/* One document: parsed; kept in rs when it is a result (results_read's rule). */
static void take(struct result_set *rs, const char *text, size_t len)
{
	struct diags d = DIAGS_INIT;
	struct jnode *root = jtree_parse(text, len, "agg_fuzz.json", &d);
	check((root == NULL) == (d.nr == 1 && d.errors == 1), "parse and its diags disagree");
	diags_release(&d);
	if (!root)
		return;
	check_round_trip(root);
	if (root->type != JT_OBJ || !jobj_get(root, "is_multinode")) {
		jtree_free(root);
		return;
	}
	rs->v[rs->nr].source = xstrdup("agg_fuzz.json");
	rs->v[rs->nr].root = root;
	rs->nr++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result_doc docs[MAX_DOCS];
	struct result_set rs = RESULT_SET_INIT;
	rs.v = docs;
	const char *p = (const char *)data, *end = p + size;
	for (size_t n = 0; n < MAX_DOCS && p <= end; n++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *stop = nul ? nul : end;
		take(&rs, p, (size_t)(stop - p));
		p = stop + 1;
	}

	struct result_rows rows = { 0 };
	struct diags d = DIAGS_INIT;
	struct buf out = BUF_INIT;
	/* malformed results are warnings (skipped); only a metric that is not a finite, plausible
	 * number makes the set an error, and then the call says so */
	int rc = aggregate_rows(&rows, &rs, &d);
	check((rc != 0) == (d.errors != 0), "aggregate_rows and its diags disagree");
	for (size_t i = 0; i < rows.nr; i++)
		for (int m = 0; m < MET_NR; m++)
			check(!rows.v[i].has[m] || (isfinite(rows.v[i].metric[m]) &&
						     rows.v[i].metric[m] >= 0),
			      "a row holds a metric that is not a finite number");
	aggregate_json(&out, &rows);
	aggregate_sort(&rows);
	aggregate_markdown(&out, &rows);
	aggregate_csv(&out, &rows);
	const struct result_row *chart_rows[MAX_DOCS];
	for (size_t i = 0; i < rows.nr; i++)
		chart_rows[i] = &rows.v[i];
	if (rows.nr)
		chart_render(&out, chart_rows, rows.nr, "fuzz");
	agentic_table_markdown(&out, &rs);
	agentic_chart_each(&rs, "fuzz", append_chart, &out, &d);

	buf_release(&out);
	diags_release(&d);
	result_rows_release(&rows);
	for (size_t i = 0; i < rs.nr; i++) {
		free(rs.v[i].source);
		jtree_free(rs.v[i].root);
	}
	return 0;
}
