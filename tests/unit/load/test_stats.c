/* test_stats: mean, median, population std and linearly interpolated percentiles against
 * hand-computed values; the empty-list-is-[0] rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "executor/load/stats.h"

struct stats_case {
	double v[8];
	size_t n;
	double mean, median, std, p99, p90, p25;
};

/* By hand: [1,2,3,4]: mean 2.5, median 2.5, var (2.25+0.25+0.25+2.25)/4 = 1.25,
 * p99 rank 2.97 -> 3 + 0.97 = 3.97, p90 rank 2.7 -> 3.7, p25 rank 0.75 -> 1.75. */
static const struct stats_case cases[] = {
	{ { 4, 1, 3, 2 }, 4, 2.5, 2.5, 1.118033988749895, 3.97, 3.7, 1.75 },
	{ { 10 }, 1, 10, 10, 0, 10, 10, 10 },
	/* [0,10]: p99 rank 0.99 -> 9.9; std 5 */
	{ { 10, 0 }, 2, 5, 5, 5, 9.9, 9, 2.5 },
	/* [1,1,1,5,7]: mean 3, var (4+4+4+4+16)/5 = 6.4; median 1; p90 rank 3.6 -> 5+0.6*2 = 6.2;
	 * p99 rank 3.96 -> 6.92; p25 rank 1 -> 1 */
	{ { 7, 1, 5, 1, 1 }, 5, 3, 1, 2.5298221281347035, 6.92, 6.2, 1 },
	{ { 0 }, 0, 0, 0, 0, 0, 0, 0 }, /* empty counts as [0] */
};

static void test_cases(void **state)
{
	(void)state;
	const double pcts[] = { 99, 90, 25 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v[8];
		for (size_t k = 0; k < 8; k++)
			v[k] = cases[i].v[k];
		struct stats_summary s;
		stats_summarise(&s, v, cases[i].n, pcts, 3);
		assert_float_equal(s.mean, cases[i].mean, 1e-12);
		assert_float_equal(s.median, cases[i].median, 1e-12);
		assert_float_equal(s.std, cases[i].std, 1e-12);
		assert_float_equal(s.pct[0], cases[i].p99, 1e-12);
		assert_float_equal(s.pct[1], cases[i].p90, 1e-12);
		assert_float_equal(s.pct[2], cases[i].p25, 1e-12);
		stats_summary_release(&s);
	}
}

static void test_extremes(void **state)
{
	(void)state;
	double v[] = { 3, 1, 2 };
	const double pcts[] = { 0, 100, 50 };
	struct stats_summary s;
	stats_summarise(&s, v, 3, pcts, 3);
	assert_float_equal(s.pct[0], 1, 0);
	assert_float_equal(s.pct[1], 3, 0);
	assert_float_equal(s.pct[2], 2, 0);
	/* sorted in place, once */
	assert_float_equal(v[0], 1, 0);
	assert_float_equal(v[2], 3, 0);
	stats_summary_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_extremes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
