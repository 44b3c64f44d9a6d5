/* test_process: processed results of hand-computed raw results, byte for byte
 * (executor-spec 5): single- and multi-node, zero TPOT, numeric strings, Python dict rules;
 * the entry reader's strictness (executor-spec 2.1); GPU counts from file names; the
 * command in both modes (--entry and the existing processor's environment). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/core/entry.h"
#include "executor/commands.h"
#include "executor/results/process.h"

static const char *const single_entry =
	"{\"image\": \"img:1\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp8\", \"framework\": \"sglang\", \"runner\": \"h200\", \"isl\": 1024, \"osl\": 1024, "
	"\"tp\": 2, \"conc\": 4, \"max-model-len\": 2248, \"ep\": 1, \"dp-attn\": false, "
	"\"spec-decoding\": \"none\", \"exp-name\": \"m1_1k1k\", \"disagg\": false, "
	"\"run-eval\": false}";

/* total 600, output 200, tp 2; latencies chosen so every quotient is exact to print */
static const char *const single_raw =
	"{\"date\": \"20250131-142501\", \"backend\": \"vllm\", \"model_id\": \"org/M\", "
	"\"tokenizer_id\": \"org/M\", \"best_of\": 1, \"num_prompts\": 8, \"request_rate\": "
	"\"inf\", \"burstiness\": 1.0, \"max_concurrency\": 4, \"duration\": 2.0, \"completed\": "
	"8, \"total_input_tokens\": 800, \"total_output_tokens\": 400, \"request_throughput\": "
	"4.0, \"request_goodput:\": null, \"output_throughput\": 200.0, "
	"\"total_token_throughput\": 600.0, \"mean_ttft_ms\": 50.0, \"median_ttft_ms\": 40, "
	"\"p99_ttft_ms\": 90.0, \"mean_tpot_ms\": 20.0, \"median_tpot_ms\": 25.0, "
	"\"p99.9_tpot_ms\": 40.0, \"mean_e2el_ms\": 1500.0, \"failures\": {}, "
	"\"client\": {\"max_loop_lag_ms\": 1.0}, \"benchmark_start_time_unix\": 1000.5}";

static const char *const single_want =
	"{\n"
	"  \"hw\": \"h200\",\n"
	"  \"conc\": 4,\n"
	"  \"image\": \"img:1\",\n"
	"  \"model\": \"org/M\",\n"
	"  \"infmax_model_prefix\": \"m1\",\n"
	"  \"framework\": \"sglang\",\n"
	"  \"precision\": \"fp8\",\n"
	"  \"spec_decoding\": \"none\",\n"
	"  \"disagg\": false,\n"
	"  \"isl\": 1024,\n"
	"  \"osl\": 1024,\n"
	"  \"is_multinode\": false,\n"
	"  \"tp\": 2,\n"
	"  \"ep\": 1,\n"
	"  \"dp_attention\": \"false\",\n"
	"  \"tput_per_gpu\": 300.0,\n"
	"  \"output_tput_per_gpu\": 100.0,\n"
	"  \"input_tput_per_gpu\": 200.0,\n"
	"  \"mean_ttft\": 0.05,\n"
	"  \"median_ttft\": 0.04,\n"
	"  \"p99_ttft\": 0.09,\n"
	"  \"mean_tpot\": 0.02,\n"
	"  \"mean_intvty\": 50.0,\n"
	"  \"median_tpot\": 0.025,\n"
	"  \"median_intvty\": 40.0,\n"
	"  \"p99.9_tpot\": 0.04,\n"
	"  \"p99.9_intvty\": 25.0,\n"
	"  \"mean_e2el\": 1.5\n"
	"}";

static const char *const multi_entry =
	"{\"image\": \"img:2\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp4\", \"framework\": \"dynamo-sglang\", \"runner\": \"gb200\", \"isl\": 8192, "
	"\"osl\": 1024, \"spec-decoding\": \"mtp\", \"prefill\": {\"num-worker\": 2, \"tp\": 4, "
	"\"ep\": 4, \"dp-attn\": true, \"additional-settings\": [\"A_B=1\"]}, \"decode\": "
	"{\"num-worker\": 1, \"tp\": 8, \"ep\": 8, \"dp-attn\": false}, \"conc\": [64, 128], "
	"\"max-model-len\": 9416, \"exp-name\": \"m1_8k1k\", \"disagg\": true, \"run-eval\": false}";

/* total 900, output 600, P 2, D 6: 900/8, 600/6, 300/2 */
static const char *const multi_raw =
	"{\"model_id\": \"org/M\", \"max_concurrency\": 128.0, \"output_throughput\": 600, "
	"\"total_token_throughput\": 900, \"median_tpot_ms\": 8.0, \"median_e2el_ms\": 100}";

static const char *const multi_want =
	"{\n"
	"  \"hw\": \"gb200\",\n"
	"  \"conc\": 128,\n"
	"  \"image\": \"img:2\",\n"
	"  \"model\": \"org/M\",\n"
	"  \"infmax_model_prefix\": \"m1\",\n"
	"  \"framework\": \"dynamo-sglang\",\n"
	"  \"precision\": \"fp4\",\n"
	"  \"spec_decoding\": \"mtp\",\n"
	"  \"disagg\": true,\n"
	"  \"isl\": 8192,\n"
	"  \"osl\": 1024,\n"
	"  \"is_multinode\": true,\n"
	"  \"prefill_tp\": 4,\n"
	"  \"prefill_ep\": 4,\n"
	"  \"prefill_dp_attention\": \"true\",\n"
	"  \"prefill_num_workers\": 2,\n"
	"  \"decode_tp\": 8,\n"
	"  \"decode_ep\": 8,\n"
	"  \"decode_dp_attention\": \"false\",\n"
	"  \"decode_num_workers\": 1,\n"
	"  \"num_prefill_gpu\": 2,\n"
	"  \"num_decode_gpu\": 6,\n"
	"  \"tput_per_gpu\": 112.5,\n"
	"  \"output_tput_per_gpu\": 100.0,\n"
	"  \"input_tput_per_gpu\": 150.0,\n"
	"  \"median_tpot\": 0.008,\n"
	"  \"median_intvty\": 125.0,\n"
	"  \"median_e2el\": 0.1\n"
	"}";

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

struct bad_entry {
	const char *from, *to; /* replace in single_entry (or multi_entry when from starts '#') */
	const char *msg;
};

static const struct bad_entry bad_entries[] = {
	{ "\"tp\": 2", "\"tp\": \"2\"", "e.json:1:153: tp: expected an integer >= 1, found string \"2\"" },
	{ "\"tp\": 2", "\"tp\": 2.0", "e.json:1:153: tp: expected an integer >= 1, found float 2.0" },
	{ "\"tp\": 2", "\"tpp\": 2", "e.json:1:154: tpp: unknown key (did you mean 'tp'?)\n"
	  "e.json:1:1: tp: missing key" },
	{ "\"ep\": 1, ", "", "e.json:1:1: ep: missing key" },
	{ "\"disagg\": false", "\"disagg\": true", "e.json:1:275: disagg: a single-node entry "
	  "cannot be disaggregated (disagg: true needs 'prefill' and 'decode')" },
	{ "\"spec-decoding\": \"none\"", "\"spec-decoding\": \"eagle\"",
	  "e.json:1:234: spec-decoding: expected one of none, mtp, draft_model, found string \"eagle\"" },
	{ "\"conc\": 4", "\"conc\": 4, \"conc\": 8", "e.json:1:175: conc: duplicate key (first at 1:164)" },
	{ "#\"prefill\": {", "\"tp\": 1, \"prefill\": {", "e.json:1:185: tp: a single-node key in a "
	  "multi-node entry (it has 'prefill')" },
	{ "#\"conc\": [64, 128]", "\"conc\": []", "e.json:1:351: conc: expected a non-empty list of "
	  "integers >= 1, found a list" },
	{ "#[\"A_B=1\"]", "[\"TP=1\", \"A=$x\"]", "e.json:1:267: prefill.additional-settings[0]: "
	  "setting 'TP' would override a variable the executor sets\n"
	  "e.json:1:275: prefill.additional-settings[1]: the value of 'A' may not contain "
	  "whitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)" },
};

static void replace(struct buf *out, const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	assert_non_null(at);
	buf_add(out, s, (size_t)(at - s));
	buf_adds(out, to);
	buf_adds(out, at + strlen(from));
}

static void test_bad_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		const struct bad_entry *b = &bad_entries[i];
		bool multi = b->from[0] == '#';
		struct buf json = BUF_INIT, msg = BUF_INIT;
		replace(&json, multi ? multi_entry : single_entry, b->from + multi, b->to);
		struct diags d = DIAGS_INIT;
		struct entry e;
		assert_int_equal(entry_parse(&e, json.s, json.len, "e.json", &d), -1);
		diags_format(&msg, &d);
		if (msg.len && msg.s[msg.len - 1] == '\n')
			buf_setlen(&msg, msg.len - 1);
		assert_string_equal(msg.s, b->msg);
		entry_release(&e);
		diags_release(&d);
		buf_release(&msg);
		buf_release(&json);
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

static char dir_template[] = "/tmp/test_process.XXXXXX";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf dir (links are removed, not followed) */
static void rm_rf(const char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	struct buf p = BUF_INIT;
	struct diags d = DIAGS_INIT;
	buf_addf(&p, "%s/%s", dir, name);
	assert_int_equal(file_write_atomic(p.s, text, strlen(text), &d), 0);
	buf_release(&p);
}

/* The command: --entry with a multi-node raw name, then the environment mode. */
static void test_cmd(void **state)
{
	(void)state;
	char *dir = mkdtemp(dir_template);
	assert_non_null(dir);
	write_file(dir, "entry.json", multi_entry);
	const char *raw_name = "R_conc128_gpus_8_ctx_2_gen_6.json";
	write_file(dir, raw_name, multi_raw);
	struct buf a1 = BUF_INIT, a2 = BUF_INIT, a3 = BUF_INIT, out = BUF_INIT, file = BUF_INIT;
	buf_addf(&a1, "%s/%s", dir, raw_name);
	buf_addf(&a2, "--entry=%s/entry.json", dir);
	buf_addf(&a3, "--output-dir=%s/out", dir);
	char *argv[] = { a1.s, a2.s, a3.s };
	struct diags d = DIAGS_INIT;
	assert_int_equal(cmd_process(3, argv, &out, &d), 0);
	struct buf want = BUF_INIT;
	buf_addf(&want, "%s\n", multi_want);
	assert_string_equal(out.s, want.s);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/out/agg_R_conc128_gpus_8_ctx_2_gen_6.json", dir);
	assert_int_equal(file_read_all(&file, p.s, &d), 0);
	assert_string_equal(file.s, multi_want);

	/* environment mode, single-node; --prefill-gpus is refused there */
	write_file(dir, "S.json", single_raw);
	setenv("RUNNER_TYPE", "h200", 1);
	setenv("FRAMEWORK", "sglang", 1);
	setenv("PRECISION", "fp8", 1);
	setenv("SPEC_DECODING", "none", 1);
	setenv("ISL", "1024", 1);
	setenv("OSL", "1024", 1);
	setenv("DISAGG", "false", 1);
	setenv("MODEL_PREFIX", "m1", 1);
	setenv("IMAGE", "img:1", 1);
	setenv("TP", "2", 1);
	setenv("EP_SIZE", "1", 1);
	setenv("DP_ATTENTION", "false", 1);
	setenv("RESULT_FILENAME", "ignored", 1);
	buf_reset(&a1);
	buf_addf(&a1, "%s/S.json", dir);
	char *argv2[] = { a1.s, a3.s };
	buf_reset(&out);
	assert_int_equal(cmd_process(2, argv2, &out, &d), 0);
	buf_reset(&want);
	buf_addf(&want, "%s\n", single_want);
	assert_string_equal(out.s, want.s);
	struct diags d2 = DIAGS_INIT;
	char gp[] = "--prefill-gpus=2", gd[] = "--decode-gpus=6";
	char *argv3[] = { a1.s, a3.s, gp, gd };
	buf_reset(&out);
	assert_int_equal(cmd_process(4, argv3, &out, &d2), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(d2.nr, 1);
	assert_true(d2.usage);
	assert_string_equal(d2.v[0].msg,
			    "--prefill-gpus and --decode-gpus are for multi-node runs");
	diags_release(&d2);
	setenv("TP", "two", 1);
	buf_reset(&out);
	assert_int_equal(cmd_process(2, argv2, &out, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "TP: expected an integer >= 1, found 'two'"));

	diags_release(&d);
	buf_release(&a1);
	buf_release(&a2);
	buf_release(&a3);
	buf_release(&out);
	buf_release(&file);
	buf_release(&want);
	buf_release(&p);
	rm_rf(dir);
}


/* The results.process-* cases check stdout only (tests/golden/run.sh cannot look at files):
 * here every such case with a stdout expectation is run again, its files taken from
 * tests/results/process/, and agg_{RESULT_FILENAME}.json must be that stdout without its
 * newline (executor-spec 5), byte for byte. */
static void test_cases_write_their_stdout(void **state)
{
	(void)state;
	struct buf cases = BUF_INIT, data = BUF_INIT;
	buf_adds(&cases, TESTS_DIR);
	buf_addf(&data, "%s/results/process", cases.s);
	buf_adds(&cases, "/results/cases");
	DIR *dh = opendir(cases.s);
	assert_non_null(dh);
	size_t ran = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, "process-", 8) || n < 4 ||
		    strcmp(de->d_name + n - 4, ".out"))
			continue;
		char tmpl[] = "/tmp/test_process.XXXXXX";
		char *dir = mkdtemp(tmpl);
		assert_non_null(dir);
		struct buf base = BUF_INIT, args = BUF_INIT, want = BUF_INIT, path = BUF_INIT;
		struct buf out = BUF_INIT, got = BUF_INIT, outdir = BUF_INIT;
		struct diags d = DIAGS_INIT;
		buf_addf(&base, "%s/", cases.s);
		buf_add(&base, de->d_name, n - 4);
		buf_addf(&path, "%s.args", base.s);
		assert_int_equal(file_read_all(&args, path.s, &d), 0);
		buf_reset(&path);
		buf_addf(&path, "%s.out", base.s);
		assert_int_equal(file_read_all(&want, path.s, &d), 0);
		assert_true(want.len && want.s[want.len - 1] == '\n');

		/* "process ARG...": plain words; a file of tests/results/process/ by its path */
		char *argv[16];
		int argc = 0;
		char *save = NULL;
		char *w = strtok_r(args.s, " \n", &save);
		assert_non_null(w);
		assert_string_equal(w, "process");
		while ((w = strtok_r(NULL, " \n", &save))) {
			struct buf f = BUF_INIT;
			buf_addf(&f, "%s/%s", data.s, w);
			assert_true(argc < 14);
			argv[argc++] = access(f.s, F_OK) ? strdup(w) : buf_take(&f, NULL);
			buf_release(&f);
		}
		buf_addf(&outdir, "--output-dir=%s", dir);
		argv[argc++] = outdir.s;
		assert_int_equal(cmd_process(argc, argv, &out, &d), 0);
		assert_string_equal(out.s, want.s);

		/* the one file written: agg_*.json, the stdout without its newline */
		DIR *oh = opendir(dir);
		assert_non_null(oh);
		size_t files = 0;
		struct dirent *oe;
		while ((oe = readdir(oh))) {
			if (oe->d_name[0] == '.')
				continue;
			files++;
			assert_int_equal(strncmp(oe->d_name, "agg_", 4), 0);
			buf_reset(&path);
			buf_addf(&path, "%s/%s", dir, oe->d_name);
			assert_int_equal(file_read_all(&got, path.s, &d), 0);
		}
		closedir(oh);
		assert_int_equal(files, 1);
		assert_int_equal(got.len, want.len - 1);
		assert_memory_equal(got.s, want.s, got.len);

		for (int i = 0; i < argc - 1; i++)
			free(argv[i]);
		buf_release(&base);
		buf_release(&args);
		buf_release(&want);
		buf_release(&path);
		buf_release(&out);
		buf_release(&got);
		buf_release(&outdir);
		diags_release(&d);
		rm_rf(dir);
		ran++;
	}
	closedir(dh);
	assert_true(ran >= 2); /* process-single, process-node-mismatch */
	buf_release(&cases);
	buf_release(&data);
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
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_gpus_from_name),
		cmocka_unit_test(test_cmd),
		cmocka_unit_test(test_int_strings),
		cmocka_unit_test(test_cases_write_their_stdout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
