/* env: the executor's own variables (executor-spec 2.2's table, looked up by bsearch, so
 * every name must be found) and the variable-name rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "executor/core/env.h"

static void test_reserved(void **state)
{
	(void)state;
	static const char *const table[] = {
		"EXP_NAME", "MODEL", "MODEL_PREFIX", "IMAGE", "FRAMEWORK", "PRECISION", "ISL", "OSL",
		"MAX_MODEL_LEN", "SPEC_DECODING", "DISAGG", "TP", "EP_SIZE", "DP_ATTENTION", "CONC",
		"RUN_EVAL", "CONC_LIST", "PREFILL_NUM_WORKERS", "PREFILL_TP", "PREFILL_EP",
		"PREFILL_DP_ATTN", "DECODE_NUM_WORKERS", "DECODE_TP", "DECODE_EP", "DECODE_DP_ATTN",
		"IS_MULTINODE", "RANDOM_RANGE_RATIO", "HF_HUB_CACHE", "RESULT_FILENAME", "RUNNER_TYPE",
		"RUNNER_NAME", "PORT", "RESULT_DIR",
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!env_name_reserved(table[i]))
			fail_msg("%s is not found", table[i]);
	static const char *const free_names[] = { "HF_TOKEN", "SIM_ITL_MS", "tp", "CONC_", "A", "" };
	for (size_t i = 0; i < sizeof(free_names) / sizeof(free_names[0]); i++)
		assert_false(env_name_reserved(free_names[i]));
}

static void test_valid(void **state)
{
	(void)state;
	static const struct { const char *s; bool ok; } rows[] = {
		{ "A", true }, { "_x1", true }, { "NCCL_IB_HCA", true }, { "", false },
		{ "1A", false }, { "A-B", false }, { "A B", false }, { "A=", false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(env_name_valid(rows[i].s, strlen(rows[i].s)), rows[i].ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
