/* entry_keys: the one description of a matrix entry. Every row is filled and named once;
 * each layout lists every key of its shape exactly once; the layouts read as the spec's
 * lists word for word (matrix-spec 2 and 3.4), and the table's own order is executor-spec
 * 2.1's list, which is also full-sweep's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/entry_keys.h"

static void names(struct buf *out, const enum entry_key *keys)
{
	buf_reset(out);
	for (size_t i = 0; keys[i] != EK_NR; i++)
		buf_addf(out, "%s%s", i ? ", " : "", entry_keys[keys[i]].name);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t k = 0; k < EK_NR; k++) {
		assert_non_null(entry_keys[k].name);
		assert_true(entry_keys[k].shapes & (ENTRY_SINGLE | ENTRY_MULTI));
		assert_int_equal(entry_key_find(entry_keys[k].name), k);
	}
	for (size_t k = 0; k < EWK_NR; k++) {
		assert_non_null(entry_worker_keys[k].name);
		assert_int_equal(entry_worker_key_find(entry_worker_keys[k].name), k);
	}
	assert_int_equal(entry_key_find("tpp"), EK_NR);
	assert_int_equal(entry_worker_key_find("image"), EWK_NR);
}

/* A layout's list for a shape holds each required key of that shape once, an optional one
 * at most once (eval-only: read by the executor before matrixgen writes it), and no other. */
static void check_covers(const enum entry_key *keys, unsigned shape)
{
	unsigned seen[EK_NR] = { 0 };
	for (size_t i = 0; keys[i] != EK_NR; i++) {
		assert_true(entry_keys[keys[i]].shapes & shape);
		seen[keys[i]]++;
	}
	for (size_t k = 0; k < EK_NR; k++)
		if (entry_keys[k].optional)
			assert_true(seen[k] <= ((entry_keys[k].shapes & shape) ? 1u : 0u));
		else
			assert_int_equal(seen[k], (entry_keys[k].shapes & shape) ? 1 : 0);
}

static void test_layouts_cover_their_shape(void **state)
{
	(void)state;
	const struct entry_layout *layouts[] = { &entry_layout_sweep, &entry_layout_rms,
						 &entry_layout_changelog };
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		check_covers(layouts[i]->single, ENTRY_SINGLE);
		check_covers(layouts[i]->multi, ENTRY_MULTI);
	}
}

static void test_layouts_are_the_spec(void **state)
{
	(void)state;
	const struct {
		const enum entry_key *keys;
		const char *spec;
	} rows[] = {
		{ entry_layout_sweep.single, "image, model, model-prefix, precision, framework, "
		  "runner, isl, osl, tp, conc, max-model-len, ep, dp-attn, spec-decoding, exp-name, "
		  "disagg, run-eval" },
		{ entry_layout_rms.single, "image, model, model-prefix, precision, framework, runner, "
		  "isl, osl, tp, ep, dp-attn, spec-decoding, conc, max-model-len, exp-name, disagg, "
		  "run-eval" },
		{ entry_layout_sweep.multi, "image, model, model-prefix, precision, framework, "
		  "runner, isl, osl, spec-decoding, prefill, decode, conc, max-model-len, exp-name, "
		  "disagg, run-eval" },
		{ entry_layout_rms.multi, "image, model, model-prefix, precision, framework, runner, "
		  "isl, osl, spec-decoding, prefill, decode, conc, max-model-len, exp-name, disagg, "
		  "run-eval" },
		{ entry_layout_changelog.single, "image, model, model-prefix, precision, framework, "
		  "spec-decoding, runner, isl, osl, tp, ep, dp-attn, conc, max-model-len, exp-name, "
		  "disagg, run-eval" },
		{ entry_layout_changelog.multi, "image, model, model-prefix, precision, framework, "
		  "spec-decoding, runner, isl, osl, prefill, decode, conc, max-model-len, exp-name, "
		  "disagg, run-eval" },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		names(&b, rows[i].keys);
		assert_string_equal(b.s, rows[i].spec);
	}
	assert_true(entry_layout_sweep.workers_as_written);
	assert_false(entry_layout_rms.workers_as_written);
	assert_false(entry_layout_changelog.workers_as_written);
	/* matrix-spec 2: "num-worker, tp, ep, dp-attn, additional-settings" */
	buf_reset(&b);
	for (size_t k = 0; k < EWK_NR; k++)
		buf_addf(&b, "%s%s", k ? ", " : "", entry_worker_keys[k].name);
	assert_string_equal(b.s, "num-worker, tp, ep, dp-attn, additional-settings");
	buf_release(&b);
}

/* executor-spec 2.1 lists the single-node keys in the table's order (full-sweep's). */
static void test_table_order(void **state)
{
	(void)state;
	struct buf got = BUF_INIT, want = BUF_INIT;
	for (size_t k = 0; k < EK_NR; k++)
		if ((entry_keys[k].shapes & ENTRY_SINGLE) && !entry_keys[k].optional)
			buf_addf(&got, "%s%s", got.len ? ", " : "", entry_keys[k].name);
	names(&want, entry_layout_sweep.single);
	assert_string_equal(got.s, want.s);
	buf_release(&got);
	buf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_layouts_cover_their_shape),
		cmocka_unit_test(test_layouts_are_the_spec),
		cmocka_unit_test(test_table_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
