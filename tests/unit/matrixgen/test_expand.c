/* expand: range expansion, the full-sweep concurrency filters, node matching, seq-len names
 * (matrix-spec 3.1, including its worked example). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "matrixgen/expand.h"

static void fmt(struct buf *out, const struct longvec *v)
{
	buf_reset(out);
	for (size_t i = 0; i < v->nr; i++)
		buf_addf(out, "%s%ld", i ? " " : "", v->v[i]);
}

static void test_conc_expand(void **state)
{
	(void)state;
	static const struct { long s, e, step; const char *want; } rows[] = {
		{ 4, 64, 2, "4 8 16 32 64" }, { 4, 50, 2, "4 8 16 32 50" }, { 4, 4, 2, "4" },
		{ 1, 8, 3, "1 3 8" }, { 10, 20, 3, "10 20" }, { 4, 40, 3, "4 12 36 40" },
		{ 1, 2, 100, "1 2" },
		{ 1, 9223372036854775807L, 1000000000000L, "1 1000000000000 9223372036854775807" },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct longvec v = { 0 };
		conc_expand(&v, rows[i].s, rows[i].e, rows[i].step);
		fmt(&b, &v);
		assert_string_equal(b.s, rows[i].want);
		free(v.v);
	}
	buf_release(&b);
}

static void test_range_limit(void **state)
{
	(void)state;
	/* {start, end, min, max} -> kept?, start, end */
	static const struct { long s, e, mn, mx; bool keep; long ws, we; } rows[] = {
		{ 4, 64, 10, 20, true, 10, 20 }, { 4, 16, 10, 20, true, 10, 16 },
		{ 4, 8, 10, 0, false, 0, 0 }, { 32, 64, 0, 16, true, 16, 16 },
		{ 4, 64, 0, 0, true, 4, 64 }, { 4, 64, 64, 0, true, 64, 64 },
		{ 4, 64, 100, 0, false, 0, 0 }, { 4, 64, 0, 4, true, 4, 4 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		long s = rows[i].s, e = rows[i].e;
		assert_int_equal(conc_range_limit(&s, &e, rows[i].mn, rows[i].mx), rows[i].keep);
		if (rows[i].keep) {
			assert_int_equal(s, rows[i].ws);
			assert_int_equal(e, rows[i].we);
		}
	}
}

static void test_values_limit(void **state)
{
	(void)state;
	static const struct { long in[5]; size_t nr; long mn, mx; bool keep; const char *want; } rows[] = {
		{ { 64, 8, 8, 2 }, 4, 0, 0, true, "64 8 8 2" },
		{ { 64, 8, 8, 2 }, 4, 8, 0, true, "64 8 8" },
		{ { 64, 8, 8, 2 }, 4, 0, 8, true, "8 8 2" },
		{ { 64, 8, 8, 2 }, 4, 100, 0, false, "" },
		{ { 64, 32 }, 2, 0, 16, true, "16" },           /* none left: [max-conc] */
		{ { 4, 12, 36, 40 }, 4, 10, 20, true, "12" },   /* the spec's multi-node example */
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct longvec v = { 0 };
		for (size_t k = 0; k < rows[i].nr; k++)
			VEC_PUSH(&v, rows[i].in[k]);
		assert_int_equal(conc_values_limit(&v, rows[i].mn, rows[i].mx), rows[i].keep);
		if (rows[i].keep) {
			fmt(&b, &v);
			assert_string_equal(b.s, rows[i].want);
		}
		free(v.v);
	}
	buf_release(&b);
}

static void test_names_and_nodes(void **state)
{
	(void)state;
	char n[48];
	static const struct { long i, o; const char *want; } rows[] = {
		{ 1024, 1024, "1k1k" }, { 1024, 8192, "1k8k" }, { 8192, 1024, "8k1k" },
		{ 8192, 8192, "8192_8192" }, { 2048, 128, "2048_128" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		seq_len_name(n, rows[i].i, rows[i].o);
		assert_string_equal(n, rows[i].want);
	}
	assert_true(node_matches("h200-nv_0", "nv"));
	assert_true(node_matches("h200-nv_0", ""));
	assert_true(node_matches("h200-nv_0", NULL));
	assert_false(node_matches("h200-nv_0", "NV")); /* case-sensitive */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conc_expand),
		cmocka_unit_test(test_range_limit),
		cmocka_unit_test(test_values_limit),
		cmocka_unit_test(test_names_and_nodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
