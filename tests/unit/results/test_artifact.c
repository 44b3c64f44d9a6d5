/* test_artifact: an artifact written and read back with libarchive (executor-spec 6): gzip,
 * members under their names in the order given (top level, or a relative path below such as
 * an agentic run's aiperf_artifacts/), no name that leaves the directory, bytes intact; the gzip header carries no
 * time, so the tarball depends only on the files; a missing file writes nothing and leaves
 * an old tarball byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/results/artifact.h"
#include "tests/unit/test_files.h"

static char dir_template[] = "/tmp/test_artifact.XXXXXX";

/* dir/name holds text */
static void put(const char *dir, const char *name, const char *text)
{
	test_write_file(dir, name, text, strlen(text));
}

static void test_round_trip(void **state)
{
	(void)state;
	char *dir = mkdtemp(dir_template);
	assert_non_null(dir);
	put(dir, "agg_x.json", "{\"is_multinode\": false}");
	put(dir, "x.json", "{}");
	struct buf sub = BUF_INIT;
	buf_addf(&sub, "%s/aiperf_artifacts", dir);
	assert_int_equal(mkdir(sub.s, 0755), 0);
	buf_release(&sub);
	put(dir, "aiperf_artifacts/profile_export.jsonl", "line 1\nline 2\n");
	const char *names[] = { "agg_x.json", "x.json", "aiperf_artifacts/profile_export.jsonl" };
	struct buf tgz = BUF_INIT;
	buf_addf(&tgz, "%s/bmk_x.tar.gz", dir);
	struct diags d = DIAGS_INIT;
	assert_int_equal(artifact_write(tgz.s, dir, names, 3, &d), 0);

	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, tgz.s, 16384), ARCHIVE_OK);
	assert_int_equal(archive_filter_code(a, 0), ARCHIVE_FILTER_GZIP);
	struct archive_entry *e;
	size_t i = 0;
	const char *texts[] = { "{\"is_multinode\": false}", "{}", "line 1\nline 2\n" };
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		assert_true(i < 3);
		assert_string_equal(archive_entry_pathname(e), names[i]);
		char data[256] = { 0 };
		la_ssize_t n = archive_read_data(a, data, sizeof(data) - 1);
		assert_int_equal((size_t)n, strlen(texts[i]));
		assert_string_equal(data, texts[i]);
		i++;
	}
	assert_int_equal(i, 3);
	archive_read_free(a);

	/* gzip's MTIME (bytes 4..7, RFC 1952) is 0: no time of writing in the tarball */
	struct buf before = BUF_INIT, after = BUF_INIT;
	assert_int_equal(file_read_all(&before, tgz.s, &d), 0);
	assert_true(before.len > 10);
	assert_memory_equal(before.s, "\x1f\x8b", 2);
	assert_memory_equal(before.s + 4, "\0\0\0\0", 4);

	/* a missing member: an error, and the old tarball is left as it was */
	const char *bad[] = { "agg_x.json", "meta.json" };
	assert_int_equal(artifact_write(tgz.s, dir, bad, 2, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].file, "meta.json"));
	assert_int_equal(access(tgz.s, F_OK), 0);
	assert_int_equal(file_read_all(&after, tgz.s, &d), 0);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.s, before.s, before.len);
	diags_release(&d);

	/* names that would leave the directory, or name none: refused, nothing written */
	const char *outside[] = { "/etc/passwd", "../x.json", "aiperf_artifacts/../x.json",
				  "./x.json", "", "aiperf_artifacts/", "a//x.json" };
	for (size_t k = 0; k < sizeof(outside) / sizeof(outside[0]); k++) {
		struct diags dd = DIAGS_INIT;
		const char *one[] = { outside[k] };
		assert_int_equal(artifact_write(tgz.s, dir, one, 1, &dd), -1);
		assert_non_null(strstr(dd.v[0].msg, "relative path of plain names"));
		diags_release(&dd);
	}
	buf_reset(&after);
	assert_int_equal(file_read_all(&after, tgz.s, &d), 0);
	assert_memory_equal(after.s, before.s, before.len);
	diags_release(&d);
	buf_release(&tgz);
	buf_release(&before);
	buf_release(&after);
	test_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
