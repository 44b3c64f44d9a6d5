/* test_ramp: the rate of each request of a linear and an exponential ramp (vLLM's
 * _get_current_request_rate, row by row), the schedule they give (arrival times are the sums
 * of 1 / r(i) when the gamma shape is so large that each gap is its mean), and a flat ramp
 * drawing exactly the constant-rate arrivals of the same seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "executor/load/arrivals.h"
#include "executor/load/ramp.h"

static void assert_close(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want))
		fail_msg("got %.12g, want %.12g", got, want);
}

static void test_rates(void **state)
{
	(void)state;
	static const struct {
		enum ramp_strategy s;
		double a, b;
		size_t n;
		double want[5];
	} rows[] = {
		{ RAMP_LINEAR, 10, 50, 5, { 10, 20, 30, 40, 50 } },
		{ RAMP_LINEAR, 1, 2, 3, { 1, 1.5, 2 } },
		{ RAMP_EXPONENTIAL, 1, 16, 5, { 1, 2, 4, 8, 16 } },
		{ RAMP_EXPONENTIAL, 100, 100, 4, { 100, 100, 100, 100 } },
		{ RAMP_LINEAR, 7, 9, 1, { 7 } },      /* one request: progress 0 */
		{ RAMP_EXPONENTIAL, 3, 12, 2, { 3, 12 } },
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct ramp ramp = { rows[r].s, rows[r].a, rows[r].b };
		for (size_t i = 0; i < rows[r].n; i++)
			assert_close(ramp_rate(&ramp, i, rows[r].n), rows[r].want[i], 1e-12);
	}
}

/* Arrival time of request k = sum of the gaps before it; with burstiness 1e12 each gap is
 * 1 / r(k) to about 1e-6 (gamma's relative std is 1 / sqrt(shape)). */
static void check_schedule(enum ramp_strategy s, double a, double b, const double *want_s,
			   size_t n)
{
	struct ramp ramp = { s, a, b };
	int64_t gaps[8];
	ramp_draw(gaps, n, &ramp, 1e12, 5);
	double t = 0;
	for (size_t k = 1; k < n; k++) {
		t += (double)gaps[k - 1] / 1e9;
		assert_close(t, want_s[k], 1e-5);
	}
}

static void test_schedule(void **state)
{
	(void)state;
	/* linear 10 -> 50 over 5: waits 1/20, 1/30, 1/40, 1/50 */
	const double lin[] = { 0, 0.05, 0.05 + 1.0 / 30, 0.05 + 1.0 / 30 + 0.025,
			       0.05 + 1.0 / 30 + 0.025 + 0.02 };
	check_schedule(RAMP_LINEAR, 10, 50, lin, 5);
	/* exponential 1 -> 16 over 5: waits 1/2, 1/4, 1/8, 1/16 */
	const double ex[] = { 0, 0.5, 0.75, 0.875, 0.9375 };
	check_schedule(RAMP_EXPONENTIAL, 1, 16, ex, 5);
}

static void test_flat_is_constant(void **state)
{
	(void)state;
	enum { N = 1000 };
	static int64_t ramp[N], constant[N];
	for (int s = RAMP_LINEAR; s <= RAMP_EXPONENTIAL; s++) {
		struct ramp r = { (enum ramp_strategy)s, 40, 40 };
		ramp_draw(ramp, N, &r, 0.7, 9);
		arrivals_draw(constant, N, 40, 0.7, 9);
		for (size_t i = 0; i < N; i++)
			assert_int_equal(ramp[i], constant[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_flat_is_constant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
