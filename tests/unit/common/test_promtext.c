/* promtext: samples of good expositions (labels, escapes, special values, timestamps, CRLF,
 * comments), and a table of bad lines with the exact diag each gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/promtext.h"

static void test_good(void **state)
{
	(void)state;
	const char *text =
		"# HELP vllm:num_requests_running Number of requests.\n"
		"# TYPE vllm:num_requests_running gauge\n"
		"vllm:num_requests_running{model_name=\"m\",engine=\"0\"} 3\n"
		"\n"
		"  # indented comment\n"
		"plain 1.5e+06 1700000000000\r\n"
		"esc{a=\"x\\\\y\\\"z\\n\",} -Inf\n"
		"empty{} NaN\n"
		"h_bucket{le=\"+Inf\"} +Inf\n"
		"neg -0.25 -5";
	struct prom_samples s = PROM_SAMPLES_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(promtext_parse(&s, text, strlen(text), "t", &d), 0);
	assert_int_equal(s.nr, 6);
	assert_string_equal(s.v[0].name, "vllm:num_requests_running");
	assert_int_equal(s.v[0].labels_nr, 2);
	assert_string_equal(prom_label(&s.v[0], "model_name"), "m");
	assert_string_equal(prom_label(&s.v[0], "engine"), "0");
	assert_null(prom_label(&s.v[0], "none"));
	assert_true(s.v[0].value == 3);
	assert_false(s.v[0].has_timestamp);
	assert_string_equal(s.v[1].name, "plain");
	assert_true(s.v[1].value == 1.5e6);
	assert_true(s.v[1].has_timestamp);
	assert_true(s.v[1].timestamp_ms == 1700000000000LL);
	assert_string_equal(prom_label(&s.v[2], "a"), "x\\y\"z\n");
	assert_true(isinf(s.v[2].value) && s.v[2].value < 0);
	assert_int_equal(s.v[3].labels_nr, 0);
	assert_true(isnan(s.v[3].value));
	assert_true(isinf(s.v[4].value) && s.v[4].value > 0);
	assert_true(s.v[5].value == -0.25 && s.v[5].timestamp_ms == -5);
	prom_samples_release(&s);
	diags_release(&d);
}

static const struct {
	const char *text, *diag;
} bad[] = {
	{ "1abc 1\n", "t:1:1: expected a metric name or '#', found '1abc 1'" },
	{ "ok 1\nm{a=1} 2\n", "t:2:5: expected '\"' opening a label value, found '1} 2'" },
	{ "m{a=\"x} 2\n", "t:1:10: expected '\"' closing the label value, found the end of "
	  "the line" },
	{ "m{a=\"\\t\"} 1\n", "t:1:7: expected an escape \\\\, \\\" or \\n, found 't\"} 1'" },
	{ "m{a:b=\"\"} 1\n", "t:1:4: expected '=' after the label name, found ':b=\"\"} 1'" },
	{ "m{a=\"\" b=\"\"} 1\n", "t:1:8: expected ',' or '}' after a label, found "
	  "'b=\"\"} 1'" },
	{ "m\n", "t:1:2: expected a sample value, found the end of the line" },
	{ "m 0x10\n", "t:1:3: expected a sample value (a number, NaN, +Inf or -Inf), "
	  "found '0x10'" },
	{ "m infinity\n", "t:1:3: expected a sample value (a number, NaN, +Inf or -Inf), "
	  "found 'infinity'" },
	{ "m 1 1.5\n", "t:1:5: expected a timestamp in milliseconds (an integer), found "
	  "'1.5'" },
	{ "m 1 2 3\n", "t:1:7: expected the end of the line, found '3'" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct prom_samples s = PROM_SAMPLES_INIT;
		struct diags d = DIAGS_INIT;
		struct buf out = BUF_INIT;
		assert_int_equal(promtext_parse(&s, bad[i].text, strlen(bad[i].text), "t", &d), -1);
		assert_int_equal(s.nr, 0); /* nothing half-read */
		diags_format(&out, &d);
		if (strcmp(out.s, bad[i].diag) && !(out.len && out.s[out.len - 1] == '\n' &&
						     !strncmp(out.s, bad[i].diag, out.len - 1)))
			fail_msg("case %zu: got '%s', want '%s'", i, out.s, bad[i].diag);
		buf_release(&out);
		prom_samples_release(&s);
		diags_release(&d);
	}
}

/* A NUL byte inside the text (its length goes past it): refused at its place, and the good
 * line before it is not kept either. */
static void test_nul(void **state)
{
	(void)state;
	static const char text[] = "m{} 1\nm 1\0\n";
	struct prom_samples s = PROM_SAMPLES_INIT;
	struct diags d = DIAGS_INIT;
	struct buf out = BUF_INIT;
	assert_int_equal(promtext_parse(&s, text, sizeof(text) - 1, "t", &d), -1);
	assert_int_equal(s.nr, 0);
	diags_format(&out, &d);
	assert_non_null(strstr(out.s, "t:2:4: expected text (no NUL byte), found"));
	prom_samples_release(&s);
	buf_release(&out);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_good), cmocka_unit_test(test_bad),
					    cmocka_unit_test(test_nul) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
