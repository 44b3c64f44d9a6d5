/* deployment_read (launch/health): the deployment.env a multi-node recipe writes
 * (executor-spec 3.2), one row per case: the file's text, whether it is accepted, and what is
 * read or which complaint it gets. DECODE_GPUS=0 is an aggregated deployment (decode
 * num-worker 0); PREFILL_GPUS must be >= 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/launch/health.h"

static const struct row {
	const char *text;
	bool ok;
	long prefill, decode;  /* when ok */
	const char *served;    /* when ok; NULL: none reported */
	const char *complaint; /* when not: part of the message */
} rows[] = {
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=1\nDECODE_GPUS=4\n", true, 1, 4, NULL, NULL },
	{ "BASE_URL=http://h:1/\nPREFILL_GPUS=8\nDECODE_GPUS=0\nSERVED_MODEL_NAME=m\n", true, 8, 0,
	  "m", NULL },
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=0\nDECODE_GPUS=4\n", false, 0, 0, NULL,
	  "PREFILL_GPUS=N, DECODE_GPUS=N (N >= 0)" },
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=1\nDECODE_GPUS=-1\n", false, 0, 0, NULL, "found \"-1\"" },
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=1\nDECODE_GPUS=+2\n", false, 0, 0, NULL, "found \"+2\"" },
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=1\nDECODE_GPUS=\n", false, 0, 0, NULL, "found \"\"" },
	{ "BASE_URL=http://h:1\nPREFILL_GPUS=1\n", false, 0, 0, NULL,
	  "missing PREFILL_GPUS or DECODE_GPUS" },
	{ "PREFILL_GPUS=1\nDECODE_GPUS=0\n", false, 0, 0, NULL, "missing BASE_URL" },
};

static void check_row(const struct row *row)
{
	char path[] = "/tmp/test_deployment.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, row->text, strlen(row->text)), (ssize_t)strlen(row->text));
	close(fd);
	struct deployment dep;
	struct diags d = DIAGS_INIT;
	int rc = deployment_read(&dep, path, &d);
	unlink(path);
	if (row->ok) {
		assert_int_equal(rc, 0);
		assert_string_equal(dep.base_url, "http://h:1");
		assert_int_equal(dep.prefill_gpus, row->prefill);
		assert_int_equal(dep.decode_gpus, row->decode);
		if (row->served)
			assert_string_equal(dep.served_model, row->served);
		else
			assert_null(dep.served_model);
	} else {
		assert_int_equal(rc, -1);
		struct buf text = BUF_INIT;
		diags_format(&text, &d);
		if (!strstr(text.s, row->complaint))
			fail_msg("%s: expected '%s' in: %s", row->text, row->complaint, text.s);
		buf_release(&text);
	}
	deployment_release(&dep);
	diags_release(&d);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_rows) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
