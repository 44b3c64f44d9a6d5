/* gsm8k: the two answer filters and the exact match on tricky answers, each row's expected
 * value taken from upstream's regexes run by Python's re (lm-eval's RegexFilter: findall, the
 * last match, the first non-empty group, strip; exact_match's regexes_to_ignore in order,
 * then lower case); the data set's strict reading; the prompt's exact text. */
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
#include "executor/evals/gsm8k.h"

static const struct {
	const char *response, *strict, *flexible;
} filter_rows[] = {
	{ "The answer is $1,234.50.", "[invalid]", "$1,234.50." },
	{ "#### -5\n#### 7", "7", "7" },
	{ "no number here", "[invalid]", "[invalid]" },
	{ "x 5 y", "[invalid]", "5" },
	{ "#### 3.\n", "3.", "3." },
	{ "price $5", "[invalid]", "$5" },
	{ "-7", "[invalid]", "-7" },
	{ "1.2.3", "[invalid]", "1.2.3" },
	{ "#### 12,000 dollars", "12,000", "12,000" },
	{ "-$", "[invalid]", "[invalid]" },
	{ "a -- 9 , 10,", "[invalid]", "10," },
	{ "5 and $$", "[invalid]", "$$" },
	{ "#### #### 4", "4", "4" },
	{ "####  9", "[invalid]", "9" },
	{ "#### 1 #### 2 then 3", "2", "3" },
	{ "4.\n", "[invalid]", "4." },
	{ "Answer: 42\n\nThat is all.", "[invalid]", "42" },
	{ "0.5", "[invalid]", "0.5" },
};

static void test_filters(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(filter_rows) / sizeof(filter_rows[0]); i++) {
		const char *want[GSM8K_FILTER_NR] = { filter_rows[i].strict, filter_rows[i].flexible };
		for (int f = 0; f < GSM8K_FILTER_NR; f++) {
			char *got = gsm8k_extract((enum gsm8k_filter)f, filter_rows[i].response);
			if (strcmp(got, want[f]))
				fail_msg("row %zu %s: got '%s', want '%s'", i, gsm8k_filter_names[f],
					 got, want[f]);
			free(got);
		}
	}
}

static const struct {
	const char *in, *out;
} normal_rows[] = {
	{ "$1,234.50.", "1234.50" },
	{ "It is 6.\n#### 1,000", "1000" },
	{ "a #### b #### 7.", "7" },
	{ "5.\n", "5\n" },
	{ "5..", "5." },
	{ "[INVALID]", "[invalid]" },
	{ "", "" },
};

static void test_normalise(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(normal_rows) / sizeof(normal_rows[0]); i++) {
		gsm8k_normalise(&b, normal_rows[i].in);
		if (strcmp(b.s, normal_rows[i].out))
			fail_msg("row %zu: got '%s', want '%s'", i, b.s, normal_rows[i].out);
	}
	buf_release(&b);
}

static void test_exact_match(void **state)
{
	(void)state;
	const char *ref = "He has 2 + 3 = <<2+3=5>>5.\n#### 1,005";
	assert_true(gsm8k_exact_match("1005", ref));
	assert_true(gsm8k_exact_match("1,005.", ref));
	assert_true(gsm8k_exact_match("$1,005", ref));
	assert_false(gsm8k_exact_match("1005.0", ref));
	assert_false(gsm8k_exact_match("[invalid]", ref));
	assert_false(gsm8k_exact_match("-1005", ref));
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/test_gsm8k_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void expect_load_error(const char *text, const char *want)
{
	char *path = write_temp(text);
	struct gsm8k_set s;
	struct diags d = DIAGS_INIT;
	struct buf msg = BUF_INIT;
	assert_int_equal(gsm8k_load(&s, path, &d), -1);
	diags_format(&msg, &d);
	char *at = strstr(msg.s, path);
	if (!at || !strstr(at + strlen(path), want))
		fail_msg("got '%s', want '%s' after the file name", msg.s, want);
	gsm8k_set_release(&s);
	diags_release(&d);
	buf_release(&msg);
	unlink(path);
	free(path);
}

static void test_load(void **state)
{
	(void)state;
	char *path = write_temp("{\"question\": \"Q1?\", \"answer\": \"a\\n#### 1\", \"x\": 2}\n"
				"\n{\"answer\": \"#### 2\", \"question\": \"Q2?\"}");
	struct gsm8k_set s;
	struct diags d = DIAGS_INIT;
	assert_int_equal(gsm8k_load(&s, path, &d), 0);
	assert_int_equal(s.nr, 2);
	assert_string_equal(s.v[1].question, "Q2?");
	assert_int_equal(s.v[1].line, 3);
	gsm8k_set_release(&s);
	unlink(path);
	free(path);
	expect_load_error("{\"question\": \"Q\", \"answer\": \"#### 1\"}\n{\"question\": 5, "
			  "\"answer\": \"#### 1\"}\n", ":2:14: question: expected a string, found an integer");
	expect_load_error("{\"question\": \"Q\", \"answer\": \"1\"}\n",
			  ":1:29: answer: expected the final answer after \"#### \", found none");
	expect_load_error("{\"question\": \"Q\"}\n", ":1:1: answer: missing key");
	expect_load_error("[1]\n", ":1:1: expected an object");
	expect_load_error("{\"question\": \"Q\",\n", ":1:");
	expect_load_error("\n\n", "no questions in the data set");
}

static void test_prompt(void **state)
{
	(void)state;
	struct gsm8k_item shots[] = { { "A?", "x\n#### 1", 1 }, { "B?", "#### 2", 2 } };
	struct gsm8k_set fewshot = { shots, 2, 2 };
	struct gsm8k_item doc = { "C?", "#### 3", 1 };
	struct buf b = BUF_INIT;
	gsm8k_prompt(&b, &fewshot, 1, &doc);
	assert_string_equal(b.s,
		"Question: A?\nEnd your response with the answer on the last line, formatted as: "
		"#### [number]\nAnswer: x\n#### 1\n\n"
		"Question: C?\nEnd your response with the answer on the last line, formatted as: "
		"#### [number]\nAnswer:");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters), cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_exact_match), cmocka_unit_test(test_load),
		cmocka_unit_test(test_prompt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
