/* entry: the matrix-entry reader (executor-spec 2.1). Valid single-node and multi-node
 * entries read field by field, in any key order; then one row per kind of refusal, each
 * with its exact messages (file:line:col: key path: message), all problems of an entry
 * reported at once, and the entry left released; then the same rules on the one-line
 * entries of the process tests (process_fixtures.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/core/entry.h"
#include "tests/unit/process_fixtures.h"

/* The keys no case varies, on line 1; the keys a case varies are on line 2 (and 3, 4), so
 * their columns can be read off the case itself ("image" at 2:1, its value at 2:10). */
#define LINE1                                                                              \
	"{\"model\": \"deepseek-ai/DeepSeek-R1\", \"model-prefix\": \"dsr1\", "                  \
	"\"precision\": \"fp8\", \"framework\": \"sglang\", \"runner\": \"h200\", \"osl\": 8192, " \
	"\"max-model-len\": 9416, \"exp-name\": \"dsr1_1k8k\", \"run-eval\": false,\n"
/* a valid single-node line 2 */
#define SN2                                                                                \
	"\"image\": \"lmsysorg/sglang:v0.5.2\", \"isl\": 1024, \"spec-decoding\": \"none\", "      \
	"\"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, \"disagg\": false"
/* the multi-node keys of line 2 that no multi-node case varies */
#define MN2 "\"image\": \"i\", \"isl\": 1024, \"spec-decoding\": \"none\", "
#define PREFILL                                                                            \
	"\"prefill\": {\"num-worker\": 2, \"tp\": 4, \"ep\": 4, \"dp-attn\": true, "           \
	"\"additional-settings\": [\"PREFILL_MAX_TOKENS=8192\", \"NCCL_IB_HCA=mlx5_0,mlx5_1\"]}"
#define DECODE "\"decode\": {\"num-worker\": 1, \"tp\": 16, \"ep\": 16, \"dp-attn\": false}"
/* a multi-node entry whose prefill worker is line 3, given without its closing brace */
#define MN_PREFILL(p) LINE1 MN2 "\"conc\": [1], \"disagg\": true,\n\"prefill\": " p ",\n" DECODE "}"

static int parse(struct entry *e, const char *json, struct diags *d)
{
	return entry_parse(e, json, strlen(json), "entry.json", d);
}

static void check_result_filename(const struct entry *e, const char *node, const char *want)
{
	struct buf b = BUF_INIT;
	entry_result_filename(&b, e, node);
	assert_string_equal(b.s, want);
	buf_release(&b);
}

static void test_single_node(void **state)
{
	(void)state;
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse(&e, LINE1 SN2 "}", &d), 0);
	assert_int_equal(d.nr, 0);
	assert_false(e.multinode);
	assert_string_equal(e.image, "lmsysorg/sglang:v0.5.2");
	assert_string_equal(e.model, "deepseek-ai/DeepSeek-R1");
	assert_string_equal(e.model_prefix, "dsr1");
	assert_string_equal(e.precision, "fp8");
	assert_string_equal(e.framework, "sglang");
	assert_string_equal(e.runner, "h200");
	assert_string_equal(e.spec_decoding, "none");
	assert_string_equal(e.exp_name, "dsr1_1k8k");
	assert_int_equal(e.isl, 1024);
	assert_int_equal(e.osl, 8192);
	assert_int_equal(e.max_model_len, 9416);
	assert_int_equal(e.tp, 8);
	assert_int_equal(e.ep, 1);
	assert_false(e.dp_attn);
	assert_false(e.disagg);
	assert_false(e.run_eval);
	assert_int_equal(e.conc_nr, 1);
	assert_int_equal(e.conc[0], 4);
	assert_int_equal(e.prefill.settings_nr, 0);
	check_result_filename(&e, "h200-nv_0",
			      "dsr1_1k8k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_"
			      "h200-nv_0");
	entry_release(&e);

	/* key order is free: the same entry written backwards, spread over lines */
	assert_int_equal(parse(&e, "{\"disagg\": false, \"conc\": 64, \"dp-attn\": true,\n"
			     "\"ep\": 8, \"tp\": 8, \"run-eval\": true, \"exp-name\": \"e\",\n"
			     "\"spec-decoding\": \"mtp\", \"max-model-len\": 1, \"osl\": 1,\n"
			     "\"isl\": 1, \"runner\": \"r\", \"framework\": \"f\",\n"
			     "\"precision\": \"p\", \"model-prefix\": \"x\", \"model\": \"m\",\n"
			     "\"image\": \"i\"}", &d), 0);
	assert_int_equal(d.nr, 0);
	assert_int_equal(e.conc[0], 64);
	assert_true(e.dp_attn);
	assert_true(e.run_eval);
	assert_string_equal(e.spec_decoding, "mtp");
	check_result_filename(&e, "n", "e_p_f_tp8-ep8-dpatrue_disagg-false_spec-mtp_conc64_n");
	entry_release(&e);
	entry_release(&e); /* released twice: safe (entry.h) */
	diags_release(&d);
}

static void test_multi_node(void **state)
{
	(void)state;
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse(&e, LINE1 MN2 "\"conc\": [256, 1024, 2048], \"disagg\": true,\n"
			     PREFILL ",\n" DECODE "}", &d), 0);
	assert_int_equal(d.nr, 0);
	assert_true(e.multinode);
	assert_true(e.disagg);
	assert_int_equal(e.conc_nr, 3);
	assert_int_equal(e.conc[0], 256);
	assert_int_equal(e.conc[1], 1024);
	assert_int_equal(e.conc[2], 2048);
	assert_int_equal(e.prefill.num_worker, 2);
	assert_int_equal(e.prefill.tp, 4);
	assert_int_equal(e.prefill.ep, 4);
	assert_true(e.prefill.dp_attn);
	assert_true(e.prefill.has_settings);
	assert_int_equal(e.prefill.settings_nr, 2);
	assert_string_equal(e.prefill.settings[0].name, "PREFILL_MAX_TOKENS");
	assert_string_equal(e.prefill.settings[0].value, "8192");
	assert_string_equal(e.prefill.settings[1].name, "NCCL_IB_HCA");
	assert_string_equal(e.prefill.settings[1].value, "mlx5_0,mlx5_1");
	assert_int_equal(e.decode.num_worker, 1);
	assert_int_equal(e.decode.tp, 16);
	assert_int_equal(e.decode.ep, 16);
	assert_false(e.decode.dp_attn);
	assert_false(e.decode.has_settings);
	assert_int_equal(e.decode.settings_nr, 0);
	check_result_filename(&e, "gb200-nv_0",
			      "dsr1_1k8k_fp8_sglang_prefill-tp4-ep4-dptrue-nw2_decode-tp16-ep16-"
			      "dpfalse-nw1_disagg-true_spec-none_conc256x1024x2048_gb200-nv_0");
	entry_release(&e);

	/* an empty settings list is written, and a value may hold '=' */
	assert_int_equal(parse(&e, LINE1 MN2 "\"conc\": [1], \"disagg\": false,\n"
			     "\"prefill\": {\"num-worker\": 1, \"tp\": 1, \"ep\": 1, \"dp-attn\": "
			     "false, \"additional-settings\": [\"A=b=c\", \"B=\"]},\n"
			     "\"decode\": {\"num-worker\": 1, \"tp\": 1, \"ep\": 1, \"dp-attn\": "
			     "false, \"additional-settings\": []}}", &d), 0);
	assert_int_equal(d.nr, 0);
	assert_string_equal(e.prefill.settings[0].value, "b=c");
	assert_string_equal(e.prefill.settings[1].name, "B");
	assert_string_equal(e.prefill.settings[1].value, "");
	assert_true(e.decode.has_settings);
	assert_int_equal(e.decode.settings_nr, 0);
	entry_release(&e);
	diags_release(&d);
}

/* Each refusal with every message it gives, in order, as main prints them. */
static const struct {
	const char *what, *json, *want;
} refusals[] = {
	{ "not JSON", "{\"image\": ",
	  "entry.json:1:11: invalid JSON: expected a value, found the end of the file\n" },
	{ "not an object", "[1]",
	  "entry.json:1:1: expected an entry object, found a list\n" },
	{ "unknown key, with a suggestion", LINE1 SN2 ", \"imgae\": \"x\"}",
	  "entry.json:2:147: imgae: unknown key (did you mean 'image'?)\n" },
	{ "unknown key", LINE1 SN2 ", \"zzzzzzzzzz\": 1}",
	  "entry.json:2:152: zzzzzzzzzz: unknown key\n" },
	{ "a single-node key in a multi-node entry", LINE1 MN2 "\"tp\": 8, \"conc\": [1], "
	  "\"disagg\": true,\n" PREFILL ",\n" DECODE "}",
	  "entry.json:2:59: tp: a single-node key in a multi-node entry (it has 'prefill')\n" },
	{ "decode alone makes it multi-node", LINE1 SN2 ",\n" DECODE "}",
	  "entry.json:2:80: tp: a single-node key in a multi-node entry (it has 'decode')\n"
	  "entry.json:2:89: ep: a single-node key in a multi-node entry (it has 'decode')\n"
	  "entry.json:2:103: dp-attn: a single-node key in a multi-node entry (it has "
	  "'decode')\n"
	  "entry.json:2:118: conc: expected a non-empty list of integers >= 1, found "
	  "integer 4\n"
	  "entry.json:1:1: prefill: missing key\n" },
	{ "duplicate key", LINE1 SN2 ", \"tp\": 4}",
	  "entry.json:2:144: tp: duplicate key (first at 2:80)\n" },
	{ "missing key", LINE1 "\"image\": \"i\", \"isl\": 1, \"spec-decoding\": \"none\", "
	  "\"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"disagg\": false}",
	  "entry.json:1:1: conc: missing key\n" },
	{ "missing keys, multi-node", LINE1 MN2 "\"conc\": [1], \"disagg\": true,\n"
	  "\"prefill\": {\"tp\": 4, \"ep\": 4, \"dp-attn\": true}}",
	  "entry.json:3:12: prefill.num-worker: missing key\n"
	  "entry.json:1:1: decode: missing key\n" },
	{ "a string expected", LINE1 "\"image\": 5, \"isl\": 1024, \"spec-decoding\": \"none\", "
	  "\"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, \"disagg\": false}",
	  "entry.json:2:10: image: expected a string, found integer 5\n" },
	{ "an integer expected, a string found", LINE1 "\"image\": \"i\", \"isl\": \"1024\", "
	  "\"spec-decoding\": \"none\", \"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, "
	  "\"disagg\": false}",
	  "entry.json:2:22: isl: expected an integer >= 1, found string \"1024\"\n" },
	{ "an integer expected, a float found", LINE1 "\"image\": \"i\", \"isl\": 1024.0, "
	  "\"spec-decoding\": \"none\", \"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, "
	  "\"disagg\": false}",
	  "entry.json:2:22: isl: expected an integer >= 1, found float 1024.0\n" },
	{ "integers below 1 and too large", LINE1 "\"image\": \"i\", \"isl\": "
	  "99999999999999999999, \"spec-decoding\": \"none\", \"tp\": 0, \"ep\": -1, \"dp-attn\": "
	  "false, \"conc\": 4, \"disagg\": false}",
	  "entry.json:2:22: isl: expected an integer >= 1, found integer 99999999999999999999\n"
	  "entry.json:2:75: tp: expected an integer >= 1, found integer 0\n"
	  "entry.json:2:84: ep: expected an integer >= 1, found integer -1\n" },
	{ "a bool expected", LINE1 "\"image\": \"i\", \"isl\": 1024, \"spec-decoding\": \"none\", "
	  "\"tp\": 8, \"ep\": 1, \"dp-attn\": \"false\", \"conc\": 4, \"disagg\": 0}",
	  "entry.json:2:82: dp-attn: expected true or false, found string \"false\"\n"
	  "entry.json:2:112: disagg: expected true or false, found integer 0\n" },
	{ "spec-decoding not one of its values", LINE1 "\"image\": \"i\", \"isl\": 1024, "
	  "\"spec-decoding\": \"eagle\", \"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, "
	  "\"disagg\": false}",
	  "entry.json:2:45: spec-decoding: expected one of none, mtp, draft_model, found string"
	  " \"eagle\"\n" },
	{ "single-node conc a list", LINE1 "\"image\": \"i\", \"isl\": 1024, \"spec-decoding\": "
	  "\"none\", \"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": [4], \"disagg\": false}",
	
	  "entry.json:2:97: conc: expected an integer from 1 to 65536, found a list\n" },
	{ "multi-node conc not a list", LINE1 MN2 "\"conc\": 4, \"disagg\": true,\n" PREFILL ",\n"
	  DECODE "}",
	  "entry.json:2:61: conc: expected a non-empty list of integers >= 1, found integer 4\n" },
	{ "multi-node conc empty", LINE1 MN2 "\"conc\": [], \"disagg\": true,\n" PREFILL ",\n"
	  DECODE "}",
	  "entry.json:2:61: conc: expected a non-empty list of integers >= 1, found a list\n" },
	{ "multi-node conc items", LINE1 MN2 "\"conc\": [1, \"2\", 0], \"disagg\": true,\n"
	  PREFILL ",\n" DECODE "}",
	  "entry.json:2:65: conc[1]: expected an integer from 1 to 65536, found string \"2\"\n"
	  "entry.json:2:70: conc[2]: expected an integer from 1 to 65536, found integer 0\n" },
	{ "single-node disagg", LINE1 "\"image\": \"i\", \"isl\": 1024, \"spec-decoding\": "
	  "\"none\", \"tp\": 8, \"ep\": 1, \"dp-attn\": false, \"conc\": 4, \"disagg\": true}",
	
	  "entry.json:2:110: disagg: a single-node entry cannot be disaggregated (disagg: true "
	  "needs 'prefill' and 'decode')\n" },
	{ "worker not an object", MN_PREFILL("[1]"),
	  "entry.json:3:12: prefill: expected a worker mapping (num-worker, tp, ep, dp-attn), f"
	  "ound a list\n" },
	{ "worker: unknown and duplicate keys", MN_PREFILL("{\"num-worker\": 1, \"tpp\": 4, "
	  "\"tp\": 4, \"ep\": 4, \"dp-attn\": true, \"ep\": 2}"),
	  "entry.json:3:37: prefill.tpp: unknown key (did you mean 'tp'?)\n"
	  "entry.json:3:81: prefill.ep: duplicate key (first at 3:55)\n" },
	{ "settings not a list", MN_PREFILL("{\"num-worker\": 1, \"tp\": 4, \"ep\": 4, "
	  "\"dp-attn\": true, \"additional-settings\": \"A=1\"}"),
	  "entry.json:3:88: prefill.additional-settings: expected a list of strings NAME=VALUE,"
	  " found string \"A=1\"\n" },
	{ "settings: not strings, no '='", MN_PREFILL("{\"num-worker\": 1, \"tp\": 4, \"ep\": 4, "
	  "\"dp-attn\": true, \"additional-settings\": [1, \"A\"]}"),
	  "entry.json:3:89: prefill.additional-settings[0]: expected a string NAME=VALUE, found"
	  " integer 1\n"
	  "entry.json:3:92: prefill.additional-settings[1]: expected a string NAME=VALUE, found"
	  " string \"A\"\n" },
	{ "settings: names", MN_PREFILL("{\"num-worker\": 1, \"tp\": 4, \"ep\": 4, \"dp-attn\": "
	  "true, \"additional-settings\": [\"1A=x\", \"=x\", \"A-B=x\"]}"),
	  "entry.json:3:89: prefill.additional-settings[0]: expected a variable name matching ["
	  "A-Za-z_][A-Za-z0-9_]* before '=', found string \"1A=x\"\n"
	  "entry.json:3:97: prefill.additional-settings[1]: expected a variable name matching ["
	  "A-Za-z_][A-Za-z0-9_]* before '=', found string \"=x\"\n"
	  "entry.json:3:103: prefill.additional-settings[2]: expected a variable name matching "
	  "[A-Za-z_][A-Za-z0-9_]* before '=', found string \"A-B=x\"\n" },
	{ "settings: the executor's own variables", MN_PREFILL("{\"num-worker\": 1, \"tp\": 4, "
	  "\"ep\": 4, \"dp-attn\": true, \"additional-settings\": [\"TP=1\", \"HF_TOKEN=x\", "
	  "\"CONC_LIST=1\"]}"),
	  "entry.json:3:89: prefill.additional-settings[0]: setting 'TP' would override a varia"
	  "ble the executor sets\n"
	  "entry.json:3:97: prefill.additional-settings[1]: setting 'HF_TOKEN' would override a"
	  " variable the executor sets\n"
	  "entry.json:3:111: prefill.additional-settings[2]: setting 'CONC_LIST' would override"
	  " a variable the executor sets\n" },
	{ "settings: values a shell would split or expand", MN_PREFILL("{\"num-worker\": 1, "
	  "\"tp\": 4, \"ep\": 4, \"dp-attn\": true, \"additional-settings\": [\"A=a b\", "
	  "\"B=$HOME\", \"C='q'\", \"D=`x`\", \"E=\\\\\", \"F=\\\"\", \"G=a\\tb\"]}"),
	  "entry.json:3:89: prefill.additional-settings[0]: the value of 'A' may not contain wh"
	  "itespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:98: prefill.additional-settings[1]: the value of 'B' may not contain wh"
	  "itespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:109: prefill.additional-settings[2]: the value of 'C' may not contain w"
	  "hitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:118: prefill.additional-settings[3]: the value of 'D' may not contain w"
	  "hitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:127: prefill.additional-settings[4]: the value of 'E' may not contain w"
	  "hitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:135: prefill.additional-settings[5]: the value of 'F' may not contain w"
	  "hitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n"
	  "entry.json:3:143: prefill.additional-settings[6]: the value of 'G' may not contain w"
	  "hitespace, quotes, '$', '`' or '\\' (workflows pass it through a shell)\n" },
	{ "every problem at once", LINE1 "\"image\": 5, \"isl\": 1024, \"spec-decoding\": \"none\", "
	  "\"tp\": 0, \"ep\": 1, \"dp-attn\": false, \"cnoc\": 4, \"disagg\": false}",
	  "entry.json:2:10: image: expected a string, found integer 5\n"
	  "entry.json:2:57: tp: expected an integer >= 1, found integer 0\n"
	  "entry.json:2:95: cnoc: unknown key (did you mean 'conc'?)\n"
	  "entry.json:1:1: conc: missing key\n" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct entry e;
		struct diags d = DIAGS_INIT;
		struct buf got = BUF_INIT;
		int rc = parse(&e, refusals[i].json, &d);
		diags_format(&got, &d);
		if (rc != -1 || strcmp(got.s, refusals[i].want))
			fail_msg("%s: want rc -1 and\n%sgot rc %d and\n%s", refusals[i].what,
				 refusals[i].want, rc, got.s);
		assert_int_equal(d.errors, d.nr);
		/* refused: released, nothing left to free */
		assert_null(e.image);
		assert_null(e.conc);
		assert_null(e.prefill.settings);
		entry_release(&e);
		diags_release(&d);
		buf_release(&got);
	}
}

/* The process tests' entries (process_fixtures.h), each edited into a refusal: the same
 * rules on one-line entries as matrixgen writes them. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_multi_node),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bad_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
