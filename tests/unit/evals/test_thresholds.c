/* thresholds: the strict reading of the thresholds file (the repository's own file, and every
 * kind of bad input at its file:line:col with its key path) and the resolution order
 * models.<prefix> > default > fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/evals/thresholds.h"

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/test_thresholds_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_repository_file(void **state)
{
	(void)state;
	struct thresholds t;
	struct diags d = DIAGS_INIT;
	char src[160];
	assert_int_equal(thresholds_load(&t, TESTS_DIR "/../configs/eval-thresholds.yaml", &d), 0);
	assert_true(thresholds_resolve(&t, "glm5", "gsm8k", src, sizeof(src)) == 0.94);
	assert_string_equal(src, "models.glm5");
	assert_true(thresholds_resolve(&t, "glm5", "swebench_lite", src, sizeof(src)) == 0.50);
	assert_string_equal(src, "default");
	assert_true(thresholds_resolve(&t, "nosuch", "gsm8k", src, sizeof(src)) == 0.90);
	assert_string_equal(src, "default");
	assert_true(thresholds_resolve(&t, NULL, "other", src, sizeof(src)) == THRESHOLD_FALLBACK);
	assert_string_equal(src, "fallback");
	thresholds_release(&t);
	diags_release(&d);
}

static const struct {
	const char *yaml, *want;
} bad_rows[] = {
	{ "default:\n  gsm8k: 1.5\n", ":2:10: default.gsm8k: expected a number from 0 to 1, found float 1.5" },
	{ "default:\n  gsm8k: \"0.9\"\n", ":2:10: default.gsm8k: expected a number from 0 to 1, found string \"0.9\"" },
	{ "models:\n  dsr1:\n    gsm8k: yes\n", ":3:12: models.dsr1.gsm8k: expected a number from 0 to 1" },
	{ "models:\n  dsr1: 0.9\n", ":2:9: models.dsr1: expected a mapping of task names to scores" },
	{ "default:\n  gsm8k: .nan\n", ":2:10: default.gsm8k: expected a number from 0 to 1" },
	{ "gsm8k: 0.9\n", ":1:1: gsm8k: unknown key: expected default or models" },
	{ "- 1\n", ":1:1: expected a mapping with default and models" },
	{ "", "expected a mapping with default and models, found an empty file" },
	{ "default:\n  gsm8k: 0.9\n  gsm8k: 0.8\n", "duplicate" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		char *path = write_temp(bad_rows[i].yaml);
		struct thresholds t;
		struct diags d = DIAGS_INIT;
		struct buf msg = BUF_INIT;
		assert_int_equal(thresholds_load(&t, path, &d), -1);
		assert_int_equal(t.nr, 0);
		diags_format(&msg, &d);
		if (!strstr(msg.s, bad_rows[i].want))
			fail_msg("row %zu: got '%s', want '%s'", i, msg.s, bad_rows[i].want);
		diags_release(&d);
		buf_release(&msg);
		unlink(path);
		free(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repository_file), cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
