/* difflines: hunks read by their counts; "--"/"++" content; the append-only rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/difflines.h"

static int run(const char *diff, struct added_lines *a, struct buf *msgs)
{
	struct diags d = DIAGS_INIT;
	memset(a, 0, sizeof(*a));
	buf_init(&a->text);
	int rc = diff_added_lines(a, diff, strlen(diff), "log.yaml", &d);
	buf_reset(msgs);
	diags_format(msgs, &d);
	diags_release(&d);
	return rc;
}

static void test_added(void **state)
{
	(void)state;
	struct added_lines a;
	struct buf m = BUF_INIT;
	const char *diff = "diff --git a/log.yaml b/log.yaml\n"
			   "--- a/log.yaml\n+++ b/log.yaml\n"
			   "@@ -3,2 +3,5 @@ header text\n"
			   " ctx\n"
			   "-\n"
			   "+++ plus line\n"
			   "+- a\n"
			   "\\ No newline at end of file\n"
			   "+  b\n"
			   "+\n"
			   "@@ -20 +23,2 @@\n"
			   " c\n"
			   "+--x\n";
	assert_int_equal(run(diff, &a, &m), 0);
	assert_string_equal(a.text.s, "++ plus line\n- a\n  b\n\n--x");
	assert_int_equal(a.nr, 5);
	static const int lines[] = { 4, 5, 6, 7, 24 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(a.line_of[i], lines[i]);
	added_lines_release(&a);
	buf_release(&m);
}

static void test_removed(void **state)
{
	(void)state;
	struct added_lines a;
	struct buf m = BUF_INIT;
	assert_int_equal(run("@@ -1,2 +1,1 @@\n---- \n \n", &a, &m), -1);
	assert_string_equal(m.s, "log.yaml: the changelog is append-only, but the diff removes the "
				 "line \"--- \"\n");
	added_lines_release(&a);
	assert_int_equal(run("@@ -1,2 +1 @@\n-  \t\n x\n", &a, &m), 0); /* blank: allowed */
	assert_int_equal(a.nr, 0);
	added_lines_release(&a);
	assert_int_equal(run("@@ -1 +1 @@\n?x\n", &a, &m), -1);
	added_lines_release(&a);
	assert_int_equal(run("@@ -x +1 @@\n", &a, &m), -1);
	added_lines_release(&a);
	buf_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added),
		cmocka_unit_test(test_removed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
