/* test_dataset: the random dataset (executor-spec 4.3): the requests of a pinned seed, token
 * ids and text (computed apart from this code by rng_reference.py), same seed same
 * requests, lengths within [floor(len x ratio), len], ids within [1000, 30000), each prompt
 * exactly as long as its drawn length plus the shared prefix, text cut to the words asked
 * for. The stream itself is test_rng.c's. */
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

/* Every prompt is the shared prefix, then exactly its own drawn length: with ratio 0.5
 * the lengths differ, so a prompt sized from the configured length would show. */
static void test_prefix(void **state)
{
	(void)state;
	struct dataset_config cfg = { 10, 40, 10, 7, 0.5, 5, PROMPT_IDS };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	bool lengths_differ = false;
	for (size_t i = 0; i < ds.nr; i++) {
		long n = ds.v[i].input_len;
		lengths_differ |= n != ds.v[0].input_len;
		assert_int_equal(ds.v[i].target_len, 7 + n);
		assert_int_equal(ds.v[i].prompt_len, 7 + n);
		assert_int_equal(ds.v[i].ids_nr, (size_t)(7 + n));
		assert_memory_equal(ds.v[i].ids, ds.v[0].ids, 7 * sizeof(int));
	}
	assert_true(lengths_differ);
	assert_true(memcmp(ds.v[0].ids + 7, ds.v[1].ids + 7, 20 * sizeof(int)) != 0);
	dataset_release(&ds);
}

static size_t count_words(const struct buf *b)
{
	size_t n = b->len ? 1 : 0;
	for (size_t i = 0; i < b->len; i++)
		n += b->s[i] == ' ';
	return n;
}

/* Text prompts: the prefix's words, then as many of the prompt's words as asked for; fewer
 * words are a strict prefix of the same text; the count a prompt starts with is its drawn
 * length. */
static void test_text_words(void **state)
{
	(void)state;
	struct dataset_config cfg = { 8, 10, 5, 2, 0.5, 5, PROMPT_TEXT };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	dataset_text(&a, &ds, 0, 10);
	dataset_text(&b, &ds, 0, 4);
	dataset_text(&c, &ds, 0, 0);
	assert_int_equal(count_words(&a), 12); /* prefix 2 + 10 */
	assert_int_equal(count_words(&b), 6);  /* prefix 2 + 4 */
	assert_int_equal(count_words(&c), 2);  /* the prefix alone */
	assert_true(b.len < a.len && a.s[b.len] == ' ');
	assert_memory_equal(a.s, b.s, b.len);
	assert_memory_equal(a.s, c.s, c.len);
	bool lengths_differ = false;
	for (size_t i = 0; i < ds.nr; i++) {
		lengths_differ |= ds.v[i].input_len != ds.v[0].input_len;
		assert_int_equal(ds.v[i].words, ds.v[i].input_len);
		assert_int_equal(ds.v[i].target_len, 2 + ds.v[i].input_len);
		buf_reset(&a);
		dataset_text(&a, &ds, i, ds.v[i].words);
		assert_int_equal(count_words(&a), (size_t)ds.v[i].target_len);
	}
	assert_true(lengths_differ);
	dataset_release(&ds);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
}

/* The requests of seed 2025, as executor-spec 4.3 draws them (rng_reference.py):
 * input lengths, output lengths, the prefix's ids, then each prompt's ids. */
static void test_pinned_ids(void **state)
{
	(void)state;
	static const long in[3] = { 7, 6, 6 }, out[3] = { 3, 4, 2 };
	static const int ids0[9] = { 15736, 13735, 26983, 16093, 4774, 13103, 25110, 25264, 23529 };
	static const int ids1[8] = { 15736, 13735, 8778, 3681, 26122, 29858, 15487, 4634 };
	static const int ids2[8] = { 15736, 13735, 28358, 4734, 12768, 24601, 15443, 24238 };
	static const int *const ids[3] = { ids0, ids1, ids2 };
	struct dataset_config cfg = { 3, 8, 4, 2, 0.5, 2025, PROMPT_IDS };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	assert_int_equal(ds.nr, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(ds.v[i].input_len, in[i]);
		assert_int_equal(ds.v[i].output_len, out[i]);
		assert_int_equal(ds.v[i].ids_nr, (size_t)(2 + in[i]));
		for (size_t k = 0; k < ds.v[i].ids_nr; k++)
			assert_int_equal(ds.v[i].ids[k], ids[i][k]);
	}
	dataset_release(&ds);
}

/* Seed 2025 in text: the prefix's and each prompt's word streams come after the lengths. */
static void test_pinned_text(void **state)
{
	(void)state;
	static const char *const want[2] = {
		"table part many part short round in river then",
		"table part many are part the the",
	};
	struct dataset_config cfg = { 2, 6, 4, 3, 0.5, 2025, PROMPT_TEXT };
	struct dataset ds;
	dataset_init(&ds);
	dataset_generate(&ds, &cfg);
	assert_int_equal(ds.v[0].input_len, 6);
	assert_int_equal(ds.v[1].input_len, 4);
	assert_int_equal(ds.v[0].output_len, 3);
	assert_int_equal(ds.v[1].output_len, 3);
	for (size_t i = 0; i < 2; i++) {
		struct buf t = BUF_INIT;
		dataset_text(&t, &ds, i, ds.v[i].words);
		assert_string_equal(t.s, want[i]);
		buf_release(&t);
	}
	dataset_release(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths_and_ids),
		cmocka_unit_test(test_same_seed_same_requests),
		cmocka_unit_test(test_lengths_drawn_first),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_text_words),
		cmocka_unit_test(test_pinned_ids),
		cmocka_unit_test(test_pinned_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
