/* test_arrivals: gamma gaps have the mean 1/rate and variance 1/(rate^2 x burstiness), for
 * Poisson (burstiness 1), bursty (< 1) and regular (> 1) traffic; same seed, same gaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "executor/load/arrivals.h"

#define N 200000

static int64_t gaps[N], again[N];

static void check(double rate, double burst)
{
	arrivals_draw(gaps, N, rate, burst, 11);
	double sum = 0, ss = 0;
	for (size_t i = 0; i < N; i++) {
		double g = (double)gaps[i] / 1e9;
		assert_true(g >= 0);
		sum += g;
		ss += g * g;
	}
	double mean = sum / N, var = ss / N - mean * mean;
	double want_mean = 1.0 / rate, want_var = 1.0 / (rate * rate * burst);
	if (fabs(mean - want_mean) > 0.02 * want_mean)
		fail_msg("rate %g burstiness %g: mean %g, want %g", rate, burst, mean, want_mean);
	if (fabs(var - want_var) > 0.06 * want_var)
		fail_msg("rate %g burstiness %g: variance %g, want %g", rate, burst, var, want_var);
}

static void test_moments(void **state)
{
	(void)state;
	check(10, 1.0);
	check(100, 0.5);
	check(4, 3.0);
}

static void test_reproducible(void **state)
{
	(void)state;
	arrivals_draw(gaps, 1000, 5, 1, 3);
	arrivals_draw(again, 1000, 5, 1, 3);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(gaps[i], again[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moments),
		cmocka_unit_test(test_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
