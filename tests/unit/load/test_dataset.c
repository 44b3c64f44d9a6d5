/* test_dataset: the random stream and the dataset: same seed same draws, lengths within
 * [floor(len x ratio), len], ids within [1000, 30000), the shared prefix, unbiased draws
 * (neither modulo bias nor multiply-high bias without the rejection step). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/dataset.h"
#include "executor/load/rng.h"

static void test_rng_reference(void **state)
{
	(void)state;
	/* splitmix64 from 0 gives the well-known first output 0xe220a8397b1dcdaf */
	struct rng r;
	rng_seed(&r, 0);
	assert_true(r.s[0] == 0xe220a8397b1dcdafULL);
	struct rng a, b;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	rng_seed(&b, 43);
	assert_true(rng_next(&a) != rng_next(&b));
}

static void test_rng_unbiased(void **state)
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

static void test_lengths_and_ids(void **state)
{
	(void)state;
	struct dataset_config cfg = { 200, 100, 20, 0, 0.8, 1, PROMPT_IDS };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	assert_int_equal(dataset_len_floor(100, 0.8), 80);
	assert_int_equal(dataset_len_floor(20, 0.8), 16);
	bool lo_in = false, hi_in = false;
	for (size_t i = 0; i < ds.nr; i++) {
		const struct dataset_prompt *p = &ds.v[i];
		assert_in_range(p->input_len, 80, 100);
		assert_in_range(p->output_len, 16, 20);
		lo_in |= p->input_len == 80;
		hi_in |= p->input_len == 100;
		assert_int_equal(p->ids_nr, (size_t)p->input_len);
		assert_int_equal(p->prompt_len, p->input_len);
		for (size_t k = 0; k < p->ids_nr; k++)
			assert_in_range(p->ids[k], 1000, 29999);
	}
	assert_true(lo_in && hi_in); /* both ends are reachable */
	dataset_release(&ds);
}

static void test_same_seed_same_requests(void **state)
{
	(void)state;
	struct dataset_config cfg = { 20, 50, 10, 5, 0.5, 99, PROMPT_IDS };
	struct dataset a, b;
	dataset_init(&a);
	dataset_init(&b);
	dataset_generate(&a, &cfg);
	dataset_generate(&b, &cfg);
	for (size_t i = 0; i < a.nr; i++) {
		assert_int_equal(a.v[i].input_len, b.v[i].input_len);
		assert_int_equal(a.v[i].output_len, b.v[i].output_len);
		assert_memory_equal(a.v[i].ids, b.v[i].ids, a.v[i].ids_nr * sizeof(int));
	}
	cfg.seed = 100;
	dataset_generate(&b, &cfg);
	int differ = 0;
	for (size_t i = 0; i < a.nr; i++)
		differ += a.v[i].input_len != b.v[i].input_len;
	assert_true(differ > 0);
	dataset_release(&a);
	dataset_release(&b);
}

static void test_lengths_drawn_first(void **state)
{
	(void)state;
	/* the draw order is fixed: input lengths, output lengths, then contents; so the
	 * lengths do not depend on the prompt contents' size (input_len drives it) */
	struct dataset_config cfg = { 5, 30, 10, 0, 0.5, 3, PROMPT_IDS };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	struct rng r;
	rng_seed(&r, 3);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(ds.v[i].input_len, rng_range(&r, 15, 30));
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(ds.v[i].output_len, rng_range(&r, 5, 10));
	dataset_release(&ds);
}

static void test_prefix(void **state)
{
	(void)state;
	struct dataset_config cfg = { 10, 40, 10, 7, 1.0, 5, PROMPT_IDS };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	for (size_t i = 0; i < ds.nr; i++) {
		assert_int_equal(ds.v[i].prompt_len, 47); /* P + drawn input length (ratio 1) */
		assert_int_equal(ds.v[i].ids_nr, 47);
		assert_memory_equal(ds.v[i].ids, ds.v[0].ids, 7 * sizeof(int));
	}
	assert_true(memcmp(ds.v[0].ids + 7, ds.v[1].ids + 7, 40 * sizeof(int)) != 0);
	dataset_release(&ds);
}

static void test_text_words(void **state)
{
	(void)state;
	struct dataset_config cfg = { 3, 10, 5, 2, 1.0, 5, PROMPT_TEXT };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	struct buf a = BUF_INIT, b = BUF_INIT;
	dataset_text(&a, &ds, 0, 10);
	dataset_text(&b, &ds, 0, 4);
	size_t words = 1;
	for (size_t i = 0; i < a.len; i++)
		words += a.s[i] == ' ';
	assert_int_equal(words, 12); /* prefix 2 + 10 */
	/* fewer words: a prefix of the same text */
	assert_memory_equal(a.s, b.s, b.len);
	dataset_release(&ds);
	buf_release(&a);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_reference),
		cmocka_unit_test(test_rng_unbiased),
		cmocka_unit_test(test_lengths_and_ids),
		cmocka_unit_test(test_same_seed_same_requests),
		cmocka_unit_test(test_lengths_drawn_first),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_text_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
