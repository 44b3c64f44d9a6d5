/* test_aggregate: reading results from a mixed tree (directories, tarball, duplicates,
 * non-results, malformed files), the markdown byte for byte against the expectation that
 * tabulate produced for the same data (tests/results/cases/aggregate-markdown.out), sort
 * ties, and CSV quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/aggregate.h"
#include "executor/csv.h"
#include "executor/results_read.h"

/* tests/ of the source tree, from this file's path */
static void tests_dir(struct buf *out)
{
	const char *f = __FILE__;
	const char *end = strstr(f, "/unit/test_aggregate.c");
	assert_non_null(end);
	buf_add(out, f, (size_t)(end - f));
}

static void test_read_and_markdown(void **state)
{
	(void)state;
	struct buf in = BUF_INIT, want_path = BUF_INIT, want = BUF_INIT, md = BUF_INIT;
	tests_dir(&in);
	buf_addf(&want_path, "%s/results/cases/aggregate-markdown.out", in.s);
	buf_adds(&in, "/results/aggregate/in");
	const char *paths[] = { in.s };
	struct result_set set = RESULT_SET_INIT;
	struct result_rows rows = { 0 };
	struct diags d = DIAGS_INIT;
	assert_int_equal(results_read(&set, paths, 1, &d), 0);
	assert_int_equal(set.nr, 25);        /* 21 single (one malformed) + 3 multi + h100 */
	assert_int_equal(set.skipped, 5);    /* notes.json; the raw files and entry in the tarball */
	assert_int_equal(set.duplicates, 1); /* the plain copy of a tarball member */
	assert_int_equal(set.unreadable, 1); /* broken.json */
	aggregate_rows(&rows, &set, &d);
	assert_int_equal(rows.nr, 24);       /* agg_bad_tp.json is malformed */
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.nr, 2);
	assert_non_null(strstr(d.v[0].file, "broken.json"));
	assert_string_equal(d.v[1].path, "tp");
	aggregate_sort(&rows);
	aggregate_markdown(&md, &rows);
	assert_int_equal(file_read_all(&want, want_path.s, &d), 0);
	assert_string_equal(md.s, want.s);
	result_rows_release(&rows);
	result_set_release(&set);
	diags_release(&d);
	buf_release(&in);
	buf_release(&want_path);
	buf_release(&want);
	buf_release(&md);
}

/* Equal sort keys keep reading order; single-node rows come first. */
static void test_sort_ties(void **state)
{
	(void)state;
	struct result_row r[4];
	memset(r, 0, sizeof(r));
	const char *fw[] = { "vllm", "sglang", "sglang", "sglang" };
	for (size_t i = 0; i < 4; i++) {
		r[i].model_prefix = "m";
		r[i].hw = "h200";
		r[i].framework = fw[i];
		r[i].precision = "fp8";
		r[i].order = i;
		r[i].conc = 4;
		r[i].model = i == 1 ? "first" : "second";
	}
	r[0].multinode = true;
	struct result_rows rows = { r, 4, 4 };
	aggregate_sort(&rows);
	assert_string_equal(rows.v[0].model, "first");
	assert_int_equal(rows.v[1].order, 2);
	assert_int_equal(rows.v[2].order, 3);
	assert_true(rows.v[3].multinode);
}

static void test_csv(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } rows[] = {
		{ "plain", "plain" }, { "a,b", "\"a,b\"" }, { "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" }, { " padded", "\" padded\"" }, { "", "" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = BUF_INIT;
		csv_field(&b, rows[i].in, 1);
		assert_string_equal(b.s, rows[i].want);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	const char *rec[] = { "a", NULL, "c,d" };
	csv_record(&b, rec, 3);
	assert_string_equal(b.s, "a,,\"c,d\"\r\n");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_and_markdown),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
