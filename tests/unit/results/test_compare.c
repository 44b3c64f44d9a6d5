/* test_compare: matching by configuration, the regression rule in both directions with the
 * threshold, nulls and zero bases not judged, one-side-only configurations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/results/aggregate.h"
#include "executor/results/compare.h"

static struct result_row row(long long conc, const char *image, double tput, double ttft)
{
	struct result_row r;
	memset(&r, 0, sizeof(r));
	r.model_prefix = "m";
	r.model = "org/M";
	r.hw = "h200";
	r.framework = "sglang";
	r.precision = "fp8";
	r.spec_decoding = "none";
	r.image = image;
	r.dp_attention = "false";
	r.isl = r.osl = 1024;
	r.tp = 8;
	r.ep = 1;
	r.conc = conc;
	for (int m = 0; m < MET_NR; m++) {
		r.metric[m] = 10;
		r.has[m] = true;
	}
	r.metric[MET_TPUT] = tput;
	r.metric[MET_TTFT] = ttft;
	return r;
}

struct cmp_case {
	double threshold;
	double tput_new, ttft_new;
	size_t regressions;
};

static const struct cmp_case cases[] = {
	{ 5, 100, 0.1, 0 },   /* unchanged */
	{ 5, 94, 0.1, 1 },    /* throughput -6% */
	{ 5, 96, 0.1, 0 },    /* -4%: within */
	{ 10, 94, 0.1, 0 },   /* -6% under a 10% threshold */
	{ 5, 100, 0.106, 1 }, /* TTFT +6% */
	{ 5, 100, 0.09, 0 },  /* TTFT better */
	{ 5, 120, 0.2, 1 },   /* better throughput does not hide worse TTFT */
};

static void test_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct result_row b[] = { row(4, "img:1", 100, 0.1) };
		struct result_row n[] = { row(4, "img:2", cases[i].tput_new, cases[i].ttft_new) };
		struct result_rows br = { b, 1, 1 }, nr = { n, 1, 1 };
		struct buf md = BUF_INIT;
		struct diags d = DIAGS_INIT;
		struct compare_summary s;
		compare_rows(&md, &s, &br, &nr, cases[i].threshold, &d);
		assert_int_equal(s.matched, 1); /* the image is not part of the configuration */
		assert_int_equal(s.regressions, cases[i].regressions);
		assert_int_equal(strstr(md.s, "**regression**") != NULL, cases[i].regressions > 0);
		buf_release(&md);
		diags_release(&d);
	}
}

static void test_sides(void **state)
{
	(void)state;
	struct result_row b[] = { row(4, "", 100, 0.1), row(8, "", 0, 0.1), row(16, "", 1, 1) };
	struct result_row n[] = { row(8, "", 50, 0.1), row(32, "", 1, 1), row(8, "", 1, 1) };
	b[0].has[MET_TTFT] = false;
	struct result_rows br = { b, 3, 3 }, nr = { n, 3, 3 };
	struct buf md = BUF_INIT;
	struct diags d = DIAGS_INIT;
	struct compare_summary s;
	compare_rows(&md, &s, &br, &nr, 5, &d);
	assert_int_equal(s.matched, 1);
	assert_int_equal(s.regressions, 0); /* base throughput 0: not judged */
	assert_int_equal(s.base_only, 2);
	assert_int_equal(s.new_only, 1);
	assert_int_equal(d.nr, 1); /* conc 8 twice in NEW */
	assert_non_null(strstr(md.s, "| 0 -> 50 "));
	assert_non_null(strstr(md.s, "### Only in base"));
	assert_non_null(strstr(md.s, "### Only in new"));
	buf_release(&md);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_sides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
