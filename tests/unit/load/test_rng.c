/* test_rng: the random stream (executor-spec 4.3: "same seed, same requests, on any
 * machine"). Its draws are pinned: the published test vectors of splitmix64 and
 * xoshiro256**, then the first outputs of rng_next, rng_below, rng_range and rng_double,
 * computed apart from this code by rng_reference.py (beside this file: the reference
 * algorithms in Python's exact integers). A change to any draw fails here. Then:
 * unbiased draws (neither modulo bias nor multiply-high bias without the rejection step). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "executor/load/rng.h"

static void test_reference_vectors(void **state)
{
	(void)state;
	/* splitmix64 from 0: its well-known first four outputs are the seeded state */
	struct rng r;
	rng_seed(&r, 0);
	static const uint64_t sm0[4] = { 0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
					 0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL };
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.s[i], sm0[i]);
	/* xoshiro256** from the state {1, 2, 3, 4}: the reference implementation's outputs */
	struct rng x = { { 1, 2, 3, 4 } };
	static const uint64_t xo[4] = { 11520, 0, 1509978240, 1215971899390074240ULL };
	for (int i = 0; i < 4; i++)
		assert_int_equal(rng_next(&x), xo[i]);
}

static void test_pinned_draws(void **state)
{
	(void)state;
	static const uint64_t next42[8] = {
		0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
		0xecb8ad4703b360a1ULL, 0xfde6dc7fe2ec5e64ULL, 0xc50da53101795238ULL,
		0xb82154855a65ddb2ULL, 0xd99a2743ebe60087ULL,
	};
	static const uint64_t next0[4] = { 0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL,
					   0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL };
	static const uint64_t below1000[8] = { 83, 378, 680, 924, 991, 769, 719, 850 };
	/* n = 3 x 2^62 rejects a quarter of the draws: these 8 took 14 (the rejection loop) */
	static const uint64_t below3x2e62[8] = {
		0x8682bc397b3b18c3ULL, 0x35852e30bb76219dULL, 0xa1355e772fe15b30ULL,
		0xa79295aac8992936ULL, 0x1d2610b8012a810aULL, 0x67f14cda20978931ULL,
		0xb448097fea18275cULL, 0xa91f939ee8195b91ULL,
	};
	static const long long range_m5_5[8] = { -5, -1, 2, 5, 5, 3, 2, 4 };
	static const double unit[4] = { 0.08386297105988216, 0.3789802506626686,
					0.6800434110281394, 0.9246929453253876 };
	struct rng r;
	rng_seed(&r, 42);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rng_next(&r), next42[i]);
	rng_seed(&r, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rng_next(&r), next0[i]);
	rng_seed(&r, 42);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rng_below(&r, 1000), below1000[i]);
	rng_seed(&r, 7);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rng_below(&r, 3ULL << 62), below3x2e62[i]);
	rng_seed(&r, 42);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rng_range(&r, -5, 5), range_m5_5[i]);
	rng_seed(&r, 42);
	for (int i = 0; i < 4; i++)
		assert_true(rng_double(&r) == unit[i]); /* exact: 53 bits times 2^-53 */
}

static void test_same_seed(void **state)
{
	(void)state;
	struct rng a, b;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	rng_seed(&b, 43);
	assert_true(rng_next(&a) != rng_next(&b));
}

static void test_unbiased(void **state)
{
	(void)state;
	/* n = 3 * 2^62. A modulo draw (x % n) falls below n/3 half the time. The high word of
	 * x * n without the rejection step is floor(3x/4): values that are multiples of 3 get
	 * two x each, the others one, so half the draws are multiples of 3. Unbiased, both
	 * shares are 1/3 (and the rejection step runs on a quarter of the draws). */
	uint64_t n = 3ULL << 62, third = 1ULL << 62;
	struct rng r;
	rng_seed(&r, 7);
	int low = 0, mult3 = 0, total = 30000;
	for (int i = 0; i < total; i++) {
		uint64_t v = rng_below(&r, n);
		assert_true(v < n);
		low += v < third;
		mult3 += v % 3 == 0;
	}
	assert_in_range(low, total / 3 - 600, total / 3 + 600);
	assert_in_range(mult3, total / 3 - 600, total / 3 + 600);
	/* small range: every value hit, none outside */
	int seen[5] = { 0 };
	for (int i = 0; i < 5000; i++)
		seen[rng_range(&r, 10, 14) - 10]++;
	for (int i = 0; i < 5; i++)
		assert_in_range(seen[i], 850, 1150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_pinned_draws),
		cmocka_unit_test(test_same_seed),
		cmocka_unit_test(test_unbiased),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
