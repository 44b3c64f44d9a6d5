/* test_cmd_process: the process command (executor-spec 5): --entry with a multi-node raw
 * name, the existing processor's environment mode and what it refuses there, and every
 * results.process-* case run again to check the agg_*.json it writes is its stdout. The
 * processing itself is tests/unit/results/test_process.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/commands.h"
#include "tests/unit/process_fixtures.h"
#include "tests/unit/test_files.h"

static char dir_template[] = "/tmp/test_cmd_process.XXXXXX";

/* The command: --entry with a multi-node raw name, then the environment mode. */
static void test_cmd(void **state)
{
	(void)state;
	char *dir = mkdtemp(dir_template);
	assert_non_null(dir);
	test_write_file(dir, "entry.json", multi_entry, strlen(multi_entry));
	const char *raw_name = "R_conc128_gpus_8_ctx_2_gen_6.json";
	test_write_file(dir, raw_name, multi_raw, strlen(multi_raw));
	struct buf a1 = BUF_INIT, a2 = BUF_INIT, a3 = BUF_INIT, out = BUF_INIT, file = BUF_INIT;
	buf_addf(&a1, "%s/%s", dir, raw_name);
	buf_addf(&a2, "--entry=%s/entry.json", dir);
	buf_addf(&a3, "--output-dir=%s/out", dir);
	char *argv[] = { a1.s, a2.s, a3.s };
	struct diags d = DIAGS_INIT;
	assert_int_equal(cmd_process(3, argv, &out, &d), 0);
	struct buf want = BUF_INIT;
	buf_addf(&want, "%s\n", multi_want);
	assert_string_equal(out.s, want.s);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/out/agg_R_conc128_gpus_8_ctx_2_gen_6.json", dir);
	assert_int_equal(file_read_all(&file, p.s, &d), 0);
	assert_string_equal(file.s, multi_want);

	/* environment mode, single-node; --prefill-gpus is refused there */
	test_write_file(dir, "S.json", single_raw, strlen(single_raw));
	setenv("RUNNER_TYPE", "h200", 1);
	setenv("FRAMEWORK", "sglang", 1);
	setenv("PRECISION", "fp8", 1);
	setenv("SPEC_DECODING", "none", 1);
	setenv("ISL", "1024", 1);
	setenv("OSL", "1024", 1);
	setenv("DISAGG", "false", 1);
	setenv("MODEL_PREFIX", "m1", 1);
	setenv("IMAGE", "img:1", 1);
	setenv("TP", "2", 1);
	setenv("EP_SIZE", "1", 1);
	setenv("DP_ATTENTION", "false", 1);
	setenv("RESULT_FILENAME", "ignored", 1);
	buf_reset(&a1);
	buf_addf(&a1, "%s/S.json", dir);
	char *argv2[] = { a1.s, a3.s };
	buf_reset(&out);
	assert_int_equal(cmd_process(2, argv2, &out, &d), 0);
	buf_reset(&want);
	buf_addf(&want, "%s\n", single_want);
	assert_string_equal(out.s, want.s);
	struct diags d2 = DIAGS_INIT;
	char gp[] = "--prefill-gpus=2", gd[] = "--decode-gpus=6";
	char *argv3[] = { a1.s, a3.s, gp, gd };
	buf_reset(&out);
	assert_int_equal(cmd_process(4, argv3, &out, &d2), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(d2.nr, 1);
	assert_true(d2.usage);
	assert_string_equal(d2.v[0].msg,
			    "--prefill-gpus and --decode-gpus are for multi-node runs");
	diags_release(&d2);
	setenv("TP", "two", 1);
	buf_reset(&out);
	assert_int_equal(cmd_process(2, argv2, &out, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "TP: expected an integer >= 1, found 'two'"));

	diags_release(&d);
	buf_release(&a1);
	buf_release(&a2);
	buf_release(&a3);
	buf_release(&out);
	buf_release(&file);
	buf_release(&want);
	buf_release(&p);
	test_rm_rf(dir);
}


/* The results.process-* cases check stdout only (tests/golden/run.sh cannot look at files):
 * here every such case with a stdout expectation is run again, its files taken from
 * tests/results/process/, and agg_{RESULT_FILENAME}.json must be that stdout without its
 * newline (executor-spec 5), byte for byte. */
static void test_cases_write_their_stdout(void **state)
{
	(void)state;
	struct buf cases = BUF_INIT, data = BUF_INIT;
	buf_adds(&cases, TESTS_DIR);
	buf_addf(&data, "%s/results/process", cases.s);
	buf_adds(&cases, "/results/cases");
	DIR *dh = opendir(cases.s);
	assert_non_null(dh);
	size_t ran = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, "process-", 8) || n < 4 ||
		    strcmp(de->d_name + n - 4, ".out"))
			continue;
		char tmpl[] = "/tmp/test_cmd_process.XXXXXX";
		char *dir = mkdtemp(tmpl);
		assert_non_null(dir);
		struct buf base = BUF_INIT, args = BUF_INIT, want = BUF_INIT, path = BUF_INIT;
		struct buf out = BUF_INIT, got = BUF_INIT, outdir = BUF_INIT;
		struct diags d = DIAGS_INIT;
		buf_addf(&base, "%s/", cases.s);
		buf_add(&base, de->d_name, n - 4);
		/* environment-mode cases (NAME.env, a shell script; their raw file laid out by
		 * NAME.repo) write their file through the same code as the --entry ones here */
		buf_addf(&path, "%s.env", base.s);
		if (!access(path.s, F_OK)) {
			buf_release(&base);
			buf_release(&path);
			rmdir(dir);
			continue;
		}
		buf_reset(&path);
		buf_addf(&path, "%s.args", base.s);
		assert_int_equal(file_read_all(&args, path.s, &d), 0);
		buf_reset(&path);
		buf_addf(&path, "%s.out", base.s);
		assert_int_equal(file_read_all(&want, path.s, &d), 0);
		assert_true(want.len && want.s[want.len - 1] == '\n');

		/* "process ARG...": plain words; a file of tests/results/process/ by its path */
		char *argv[16];
		int argc = 0;
		char *save = NULL;
		char *w = strtok_r(args.s, " \n", &save);
		assert_non_null(w);
		assert_string_equal(w, "process");
		while ((w = strtok_r(NULL, " \n", &save))) {
			struct buf f = BUF_INIT;
			buf_addf(&f, "%s/%s", data.s, w);
			assert_true(argc < 14);
			argv[argc++] = access(f.s, F_OK) ? strdup(w) : buf_take(&f, NULL);
			buf_release(&f);
		}
		buf_addf(&outdir, "--output-dir=%s", dir);
		argv[argc++] = outdir.s;
		assert_int_equal(cmd_process(argc, argv, &out, &d), 0);
		assert_string_equal(out.s, want.s);

		/* the one file written: agg_*.json, the stdout without its newline */
		DIR *oh = opendir(dir);
		assert_non_null(oh);
		size_t files = 0;
		struct dirent *oe;
		while ((oe = readdir(oh))) {
			if (oe->d_name[0] == '.')
				continue;
			files++;
			assert_int_equal(strncmp(oe->d_name, "agg_", 4), 0);
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, oe->d_name);
			assert_int_equal(file_read_all(&got, path.s, &d), 0);
		}
		closedir(oh);
		assert_int_equal(files, 1);
		assert_int_equal(got.len, want.len - 1);
		assert_memory_equal(got.s, want.s, got.len);

		for (int i = 0; i < argc - 1; i++)
			free(argv[i]);
		buf_release(&base);
		buf_release(&args);
		buf_release(&want);
		buf_release(&path);
		buf_release(&out);
		buf_release(&got);
		buf_release(&outdir);
		diags_release(&d);
		test_rm_rf(dir);
		ran++;
	}
	closedir(dh);
	assert_true(ran >= 2); /* process-single, process-node-mismatch */
	buf_release(&cases);
	buf_release(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd),
		cmocka_unit_test(test_cases_write_their_stdout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
