/* test_aggregate: reading results from a mixed tree (directories, tarball, duplicates,
 * non-results, malformed files), the markdown byte for byte against the expectation that
 * tabulate itself produced for the same data (tests/results/aggregate/tabulate-markdown.md,
 * made once by tabulate 0.8.9; UPDATE=1 does not regenerate it), sort ties, CSV quoting;
 * and what results_read refuses or keeps: results nested too deep for the JSON writer, the
 * whole members of a tarball cut short, symlinked directories where the file system gives
 * no d_type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "executor/results/aggregate.h"
#include "executor/results/csv.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"
#include "tests/unit/test_files.h"

/* When set, readdir reports every entry as DT_UNKNOWN, as XFS without ftype and some
 * network and FUSE file systems do: results_read must not rely on d_type. */
static bool fake_unknown_d_type;

/* This definition takes the place of libc's for the whole test program, results_read
 * included; it calls libc's and then forgets d_type when asked. */
struct dirent *readdir(DIR *dir)
{
	static struct dirent *(*libc_readdir)(DIR *);
	if (!libc_readdir)
		libc_readdir = (struct dirent *(*)(DIR *))dlsym(RTLD_NEXT, "readdir");
	struct dirent *de = libc_readdir(dir);
	if (de && fake_unknown_d_type)
		de->d_type = DT_UNKNOWN;
	return de;
}



static void test_read_and_markdown(void **state)
{
	(void)state;
	struct buf in = BUF_INIT, want_path = BUF_INIT, want = BUF_INIT, md = BUF_INIT;
	buf_adds(&in, TESTS_DIR);
	buf_addf(&want_path, "%s/results/aggregate/tabulate-markdown.md", in.s);
	buf_adds(&in, "/results/aggregate/in");
	const char *paths[] = { in.s };
	struct result_set set = RESULT_SET_INIT;
	struct result_rows rows = { 0 };
	struct diags d = DIAGS_INIT;
	assert_int_equal(results_read(&set, paths, 1, &d), 0);
	assert_int_equal(set.nr, 25);        /* 21 single (one malformed) + 3 multi + h100 */
	/* notes.json, and the raw results and entry.json in the tarball, are not agg_*.json:
	 * not read, not warned about */
	assert_int_equal(set.skipped, 1);    /* agg_not_a_result.json */
	assert_int_equal(set.duplicates, 1); /* the plain copy of a tarball member */
	assert_int_equal(set.unreadable, 1); /* agg_broken.json */
	aggregate_rows(&rows, &set, &d);
	assert_int_equal(rows.nr, 24);       /* agg_bad_tp.json is malformed */
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.nr, 3);
	assert_non_null(strstr(d.v[0].file, "agg_broken.json"));
	assert_non_null(strstr(d.v[1].file, "agg_not_a_result.json"));
	assert_non_null(strstr(d.v[1].msg, "not a result"));
	assert_string_equal(d.v[2].path, "tp");
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

/* Equal sort keys keep reading order; single-node rows come first. The rows come in the
 * reverse of their reading order, so only the order tie-break can put them right. */
static void test_sort_ties(void **state)
{
	(void)state;
	struct result_row r[4];
	memset(r, 0, sizeof(r));
	const char *fw[] = { "sglang", "sglang", "sglang", "vllm" };
	for (size_t i = 0; i < 4; i++) {
		r[i].model_prefix = "m";
		r[i].hw = "h200";
		r[i].framework = fw[i];
		r[i].precision = "fp8";
		r[i].order = 3 - i;
		r[i].conc = 4;
		r[i].model = i == 2 ? "first" : "second";
	}
	r[3].multinode = true;
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

/* {"is_multinode": false, "x": [[...]]}: `containers` containers in all, the innermost an
 * empty list. */
static void nested(struct buf *out, int containers)
{
	buf_adds(out, "{\"is_multinode\": false, \"x\": ");
	for (int i = 1; i < containers; i++)
		buf_addch(out, '[');
	for (int i = 1; i < containers; i++)
		buf_addch(out, ']');
	buf_addch(out, '}');
}

/* A result nested deeper than the JSON writer can write back inside aggregate's array is
 * refused when read (a warning, the file skipped), not an abort in aggregate --json; one at
 * the limit is read and written. */
static void test_too_deep(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/test_aggregate.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	struct buf deep = BUF_INIT, ok = BUF_INIT;
	nested(&ok, JSONW_MAX_DEPTH - 2);   /* 62: with the array, 63 open in the writer */
	nested(&deep, JSONW_MAX_DEPTH - 1); /* 63: one too many */
	test_write_file(dir, "agg_deep.json", deep.s, deep.len);
	test_write_file(dir, "agg_ok.json", ok.s, ok.len);
	const char *paths[] = { dir };
	struct result_set set = RESULT_SET_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(results_read(&set, paths, 1, &d), 0);
	assert_int_equal(set.unreadable, 1);
	assert_int_equal(set.nr, 1);
	assert_non_null(strstr(set.v[0].source, "agg_ok.json"));
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.errors, 0);
	assert_non_null(strstr(d.v[0].file, "agg_deep.json"));
	assert_non_null(strstr(d.v[0].msg, "nesting too deep"));

	/* the one at the limit fills the writer: the array and 62 containers */
	struct result_row row;
	memset(&row, 0, sizeof(row));
	row.doc = set.v[0].root;
	struct result_rows rows = { &row, 1, 1 };
	struct buf json = BUF_INIT;
	aggregate_json(&json, &rows);
	assert_non_null(strstr(json.s, "\"is_multinode\": false"));
	size_t opens = 0;
	for (const char *p = json.s; *p; p++)
		opens += *p == '[';
	assert_int_equal(opens, JSONW_MAX_DEPTH - 2); /* the array's and the x lists' */
	assert_int_equal(json.s[json.len - 1], ']');

	result_set_release(&set);
	diags_release(&d);
	buf_release(&deep);
	buf_release(&ok);
	buf_release(&json);
	test_rm_rf(dir);
}

/* Appends one regular member to a tar being written. */
static void tar_add(struct archive *a, const char *name, const char *text)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
	archive_entry_free(e);
}

static const char *const result_a = "{\"is_multinode\": false, \"hw\": \"a\"}";
static const char *const result_b = "{\"is_multinode\": false, \"hw\": \"b\"}";

/* A gzip tarball cut inside the second member's header: the first member, read whole, is
 * kept; a warning says the rest was skipped. */
static void test_truncated_tarball(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/test_aggregate.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	/* ustar: header (512) + agg_a.json's data (one 512 block) + agg_b.json's header at 1024 */
	static char tar[8192];
	size_t used = 0;
	struct archive *a = archive_write_new();
	archive_write_set_format_ustar(a);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open_memory(a, tar, sizeof(tar), &used), ARCHIVE_OK);
	tar_add(a, "agg_a.json", result_a);
	tar_add(a, "agg_b.json", result_b);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	assert_true(used >= 2048);
	assert_memory_equal(tar + 1024, "agg_b.json", 10); /* its header starts there */
	size_t cut = 1024 + 100;

	/* gzip the first `cut` bytes as they are (libarchive's raw format: one stream) */
	struct buf tgz = BUF_INIT;
	buf_addf(&tgz, "%s/bmk_cut.tar.gz", dir);
	a = archive_write_new();
	archive_write_add_filter_gzip(a);
	archive_write_set_format_raw(a);
	assert_int_equal(archive_write_open_filename(a, tgz.s), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)cut);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, tar, cut), (la_ssize_t)cut);
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);

	const char *paths[] = { tgz.s };
	struct result_set set = RESULT_SET_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(results_read(&set, paths, 1, &d), 0);
	assert_int_equal(set.nr, 1);
	assert_non_null(strstr(set.v[0].source, "bmk_cut.tar.gz:agg_a.json"));
	assert_int_equal(set.unreadable, 1);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.errors, 0);
	assert_non_null(strstr(d.v[0].msg, "its remaining members skipped"));
	result_set_release(&set);
	diags_release(&d);
	buf_release(&tgz);
	test_rm_rf(dir);
}

/* An artifact directory as `run` leaves it (executor-spec 6): only agg_*.json, plain or in
 * the tarball, is read; entry.json, meta.json and the raw result are not results and give
 * no warning. A JSON file named as a PATH is read whatever its name. */
static void test_only_result_names(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/test_aggregate.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	const char *raw = "{\"date\": \"20250131-142501\", \"backend\": \"vllm\"}";
	const char *entry = "{\"image\": \"i\", \"model\": \"m\"}";
	test_write_file(dir, "agg_x.json", result_a, strlen(result_a));
	test_write_file(dir, "x.json", raw, strlen(raw));
	test_write_file(dir, "entry.json", entry, strlen(entry));
	test_write_file(dir, "meta.json", entry, strlen(entry));
	test_write_file(dir, "other.json", result_b, strlen(result_b)); /* a result, but not so named */
	struct buf tgz = BUF_INIT;
	buf_addf(&tgz, "%s/bmk_x.tar.gz", dir);
	struct archive *a = archive_write_new();
	archive_write_add_filter_gzip(a);
	archive_write_set_format_ustar(a);
	assert_int_equal(archive_write_open_filename(a, tgz.s), ARCHIVE_OK);
	tar_add(a, "agg_x.json", result_a);
	tar_add(a, "x.json", raw);
	tar_add(a, "entry.json", entry);
	tar_add(a, "meta.json", entry);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);

	const char *paths[] = { dir };
	struct result_set set = RESULT_SET_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(results_read(&set, paths, 1, &d), 0);
	assert_int_equal(set.nr, 1);
	assert_true(ends_with(set.v[0].source, "/agg_x.json")); /* "agg_" < "bmk_" */
	assert_int_equal(set.duplicates, 1); /* the tarball's agg_x.json */
	assert_int_equal(set.skipped, 0);
	assert_int_equal(set.unreadable, 0);
	assert_int_equal(d.nr, 0);
	result_set_release(&set);

	/* named: read, and warned about when not a result */
	struct buf other = BUF_INIT, meta = BUF_INIT;
	buf_addf(&other, "%s/other.json", dir);
	buf_addf(&meta, "%s/meta.json", dir);
	const char *named[] = { other.s, meta.s };
	assert_int_equal(results_read(&set, named, 2, &d), 0);
	assert_int_equal(set.nr, 1);
	assert_non_null(strstr(set.v[0].source, "other.json"));
	assert_int_equal(set.skipped, 1);
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.v[0].file, meta.s);
	assert_string_equal(d.v[0].msg, "not a result (no key 'is_multinode'); skipped");
	result_set_release(&set);
	diags_release(&d);
	buf_release(&tgz);
	buf_release(&other);
	buf_release(&meta);
	test_rm_rf(dir);
}

/* A symlinked directory is not followed (results_read.h), also where readdir gives no
 * d_type; a symlinked file is read. */
static void test_symlinked_dir_unknown_d_type(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/test_aggregate.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	struct buf in = BUF_INIT, real = BUF_INIT, p = BUF_INIT;
	buf_addf(&in, "%s/in", dir);
	buf_addf(&real, "%s/real", dir);
	struct diags d = DIAGS_INIT;
	assert_int_equal(mkdir_p(in.s, &d), 0);
	assert_int_equal(mkdir_p(real.s, &d), 0);
	test_write_file(real.s, "agg_b.json", result_b, strlen(result_b));
	test_write_file(dir, "agg_a.json", result_a, strlen(result_a));
	buf_addf(&p, "%s/linked_dir", in.s);
	assert_int_equal(symlink("../real", p.s), 0);
	buf_reset(&p);
	buf_addf(&p, "%s/agg_linked.json", in.s);
	assert_int_equal(symlink("../agg_a.json", p.s), 0);

	const char *paths[] = { in.s };
	struct result_set set = RESULT_SET_INIT;
	fake_unknown_d_type = true;
	int rc = results_read(&set, paths, 1, &d);
	fake_unknown_d_type = false;
	assert_int_equal(rc, 0);
	assert_int_equal(set.nr, 1);
	assert_non_null(strstr(set.v[0].source, "agg_linked.json"));
	assert_int_equal(d.nr, 0);
	result_set_release(&set);
	diags_release(&d);
	buf_release(&in);
	buf_release(&real);
	buf_release(&p);
	test_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_and_markdown),
		cmocka_unit_test(test_only_result_names),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_truncated_tarball),
		cmocka_unit_test(test_symlinked_dir_unknown_d_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
