/* test_process: processed results of hand-computed raw results, byte for byte
 * (executor-spec 5): single- and multi-node, zero TPOT, numeric strings, Python's int() and
 * dict rules, refused raw results with their messages; GPU counts from file names. The
 * command (files, the environment mode) is tests/unit/executor/test_cmd_process.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/core/entry.h"
#include "executor/results/process.h"
#include "tests/unit/process_fixtures.h"

static void run_single(const char *raw, struct buf *out, struct diags *d, int want_rc)
{
	struct entry e;
	assert_int_equal(entry_parse(&e, single_entry, strlen(single_entry), "e.json", d), 0);
	struct process_meta m;
	process_meta_from_entry(&m, &e);
	assert_int_equal(process_result(out, &m, raw, strlen(raw), "raw.json", d), want_rc);
	entry_release(&e);
}

static void test_single(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	run_single(single_raw, &out, &d, 0);
	assert_string_equal(out.s, single_want);
	assert_int_equal(d.nr, 0);
	buf_release(&out);
	diags_release(&d);
}

static void test_multi(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	struct entry e;
	assert_int_equal(entry_parse(&e, multi_entry, strlen(multi_entry), "e.json", &d), 0);
	assert_true(e.multinode);
	assert_int_equal(e.conc_nr, 2);
	assert_int_equal(e.prefill.settings_nr, 1);
	assert_string_equal(e.prefill.settings[0].name, "A_B");
	assert_string_equal(e.prefill.settings[0].value, "1");
	struct process_meta m;
	process_meta_from_entry(&m, &e);
	assert_int_equal(process_gpus_from_name(&m.prefill_gpus, &m.decode_gpus,
						"x_conc128_gpus_8_ctx_2_gen_6"), 0);
	assert_int_equal(process_result(&out, &m, multi_raw, strlen(multi_raw), "r.json", &d), 0);
	assert_string_equal(out.s, multi_want);
	struct buf name = BUF_INIT;
	entry_result_filename(&name, &e, "gb200-nv_0");
	assert_string_equal(name.s, "m1_8k1k_fp4_dynamo-sglang_prefill-tp4-ep4-dptrue-nw2_decode-"
			    "tp8-ep8-dpfalse-nw1_disagg-true_spec-mtp_conc64x128_gb200-nv_0");
	buf_release(&name);
	entry_release(&e);
	buf_release(&out);
	diags_release(&d);
}

/* Zero TPOT: the tpot key stays (0.0), its interactivity is null, one warning each. */
static void test_zero_tpot(void **state)
{
	(void)state;
	const char *raw = "{\"model_id\": \"org/M\", \"max_concurrency\": 4, "
			  "\"output_throughput\": 200.0, \"total_token_throughput\": 600.0, "
			  "\"median_tpot_ms\": 0, \"p99_tpot_ms\": 0.0}";
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	run_single(raw, &out, &d, 0);
	const char *tail = "  \"input_tput_per_gpu\": 200.0,\n"
			   "  \"median_tpot\": 0.0,\n"
			   "  \"median_intvty\": null,\n"
			   "  \"p99_tpot\": 0.0,\n"
			   "  \"p99_intvty\": null\n"
			   "}";
	assert_non_null(strstr(out.s, tail));
	assert_string_equal(strstr(out.s, tail), tail);
	assert_int_equal(d.nr, 2);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.v[0].level, DIAG_WARNING);
	assert_string_equal(d.v[0].path, "median_tpot_ms");
	buf_release(&out);
	diags_release(&d);
}

/* Numeric strings are numbers (Python's float()); an int() of a float string is not. */
static void test_numeric_strings(void **state)
{
	(void)state;
	const char *raw = "{\"model_id\": \"org/M\", \"max_concurrency\": \" 4 \", "
			  "\"output_throughput\": \"200\", \"total_token_throughput\": \"6e2\", "
			  "\"median_ttft_ms\": \" 12.5 \", \"median_tpot_ms\": \"-8\"}";
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	run_single(raw, &out, &d, 0);
	const char *tail = "  \"conc\": 4,\n";
	assert_non_null(strstr(out.s, tail));
	const char *lat = "  \"tput_per_gpu\": 300.0,\n"
			  "  \"output_tput_per_gpu\": 100.0,\n"
			  "  \"input_tput_per_gpu\": 200.0,\n"
			  "  \"median_ttft\": 0.0125,\n"
			  "  \"median_tpot\": -0.008,\n"
			  "  \"median_intvty\": -125.0\n"
			  "}";
	assert_non_null(strstr(out.s, lat));
	assert_string_equal(strstr(out.s, lat), lat);
	buf_release(&out);
	diags_release(&d);
}

/* max_concurrency as Python's int() reads it: integer strings with whitespace and a sign;
 * not float strings, hex, a NUL inside, or a value beyond long long. */
static void test_int_strings(void **state)
{
	(void)state;
	static const struct { const char *conc; long long want; } rows[] = {
		{ "\" +4 \"", 4 }, { "\"\\t-3\\n\"", -3 }, { "\"007\"", 7 }, { "12.9", 12 },
		{ "\"4.0\"", -1 }, { "\"0x4\"", -1 }, { "\"4\\u0000\"", -1 }, { "\"+\"", -1 },
		{ "\"99999999999999999999\"", -1 }, { "\"4 4\"", -1 }, { "\"\"", -1 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf raw = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
		struct diags d = DIAGS_INIT;
		buf_addf(&raw, "{\"model_id\": \"m\", \"max_concurrency\": %s, "
			 "\"output_throughput\": 1, \"total_token_throughput\": 2}", rows[i].conc);
		run_single(raw.s, &out, &d, rows[i].want == -1 ? -1 : 0);
		if (rows[i].want == -1) {
			assert_int_equal(d.errors, 1);
			assert_string_equal(d.v[0].msg, "expected an integer, found a string");
		} else {
			buf_addf(&want, "  \"conc\": %lld,\n", rows[i].want);
			assert_non_null(strstr(out.s, want.s));
		}
		buf_release(&raw);
		buf_release(&out);
		buf_release(&want);
		diags_release(&d);
	}
}

/* A raw key mapping onto an earlier output key takes its place (Python dict). */
static void test_dict_rules(void **state)
{
	(void)state;
	const char *raw = "{\"model_id\": \"org/M\", \"max_concurrency\": 4, "
			  "\"output_throughput\": 200.0, \"total_token_throughput\": 600.0, "
			  "\"tp_ms\": 3000, \"x_ms_ms\": 1, \"items\": 5, \"a\": 1, \"a\": 2, "
			  "\"tpot_count\": 4}";
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	run_single(raw, &out, &d, 0);
	assert_non_null(strstr(out.s, "  \"tp\": 3.0,\n  \"ep\": 1,\n"));
	assert_non_null(strstr(out.s, "  \"x\": 0.001,\n  \"items\": 0.005,\n"
				      "  \"intvty_count\": 250.0\n}"));
	buf_release(&out);
	diags_release(&d);
}

struct bad_raw {
	const char *raw;
	const char *msg; /* "file:line:col: path: message" as printed */
};

static const struct bad_raw bad_raws[] = {
	{ "{\"model_id\": \"m\", \"max_concurrency\": 4, \"output_throughput\": 1, "
	  "\"total_token_throughput\": 2, \"mean_ttft_ms\": true}",
	  "raw.json:1:110: mean_ttft_ms: expected a number or a numeric string, found boolean true" },
	{ "{\"model_id\": \"m\", \"max_concurrency\": 4, \"output_throughput\": 1, "
	  "\"total_token_throughput\": 2, \"mean_tpot_ms\": \"fast\"}",
	  "raw.json:1:110: mean_tpot_ms: expected a number or a numeric string, found \"fast\"" },
	{ "{\"model_id\": \"m\", \"max_concurrency\": null, \"output_throughput\": 1, "
	  "\"total_token_throughput\": 2}",
	  "raw.json:1:38: max_concurrency: expected an integer, found null (the run had no "
	  "concurrency limit)" },
	{ "{\"model_id\": \"m\", \"output_throughput\": 1, \"total_token_throughput\": 2}",
	  "raw.json:1:1: max_concurrency: missing key in the raw result" },
	{ "[1, 2]", "raw.json:1:1: expected a raw result object, found a list" },
	{ "{\"model_id\": \"m\",}", "raw.json:1:18: invalid JSON: expected '\"' to start a member "
	  "name, found '}'" },
};

static void test_bad_raw(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_raws) / sizeof(bad_raws[0]); i++) {
		struct buf out = BUF_INIT, msg = BUF_INIT;
		struct diags d = DIAGS_INIT;
		run_single(bad_raws[i].raw, &out, &d, -1);
		assert_int_equal(out.len, 0);
		diags_format(&msg, &d);
		if (msg.len && msg.s[msg.len - 1] == '\n')
			buf_setlen(&msg, msg.len - 1);
		assert_string_equal(msg.s, bad_raws[i].msg);
		buf_release(&msg);
		buf_release(&out);
		diags_release(&d);
	}
}

static void test_gpus_from_name(void **state)
{
	(void)state;
	long p = 0, dn = 0;
	assert_int_equal(process_gpus_from_name(&p, &dn, "a_conc4_gpus_12_ctx_4_gen_8"), 0);
	assert_int_equal(p, 4);
	assert_int_equal(dn, 8);
	assert_int_equal(process_gpus_from_name(&p, &dn, "a_ctx_1_gen_2_ctx_3_gen_5.json"), 0);
	assert_int_equal(p, 3);
	assert_int_equal(dn, 5);
	assert_int_equal(process_gpus_from_name(&p, &dn, "a_conc4_gpus_12_ctx_4"), -1);
	assert_int_equal(process_gpus_from_name(&p, &dn, "a_ctx_0_gen_8"), -1);
	assert_int_equal(process_gpus_from_name(&p, &dn, "a_ctx_x_gen_8"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_multi),
		cmocka_unit_test(test_zero_tpot),
		cmocka_unit_test(test_numeric_strings),
		cmocka_unit_test(test_dict_rules),
		cmocka_unit_test(test_bad_raw),
		cmocka_unit_test(test_gpus_from_name),
		cmocka_unit_test(test_int_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
