/* entry, v2 (upstream 843c6254f): the rows of upstream's generator are read field by field
 * (tests/results/process/v2/rows.json is read whole by the result-filename-v2 case); then
 * one row per v2 rule, each with its exact messages; then the choice of v1 or v2 by the
 * keys written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/core/entry.h"

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* the keys no case varies, on line 1 */
#define COMMON                                                                             \
	"{\"image\": \"i\", \"model\": \"m\", \"model-prefix\": \"dsr1\", \"precision\": "      \
	"\"fp4\", \"framework\": \"sglang\", \"exp-name\": \"x\",\n"
#define FIXED "\"runner\": \"b200\", \"isl\": 8192, \"osl\": 1024, \"max-model-len\": 9472, "
#define SN_V1                                                                              \
	FIXED "\"tp\": 4, \"conc\": 1, \"ep\": 1, \"dp-attn\": false, \"spec-decoding\": "     \
	      "\"none\", \"disagg\": false, \"run-eval\": false"
#define SIZES "\"pp\": 1, \"dcp-size\": 1, \"pcp-size\": 1"
#define WORKER(nw, extra) \
	"{\"num-worker\": " #nw ", \"tp\": 8, \"ep\": 8, \"dp-attn\": true" extra "}"
#define MN_FIXED FIXED "\"spec-decoding\": \"mtp\", \"conc\": [4, 8], \"run-eval\": false, "
#define AGENTIC_SN                                                                         \
	"\"runner\": \"cluster:b200-dgxc\", \"tp\": 8, " SIZES ", \"ep\": 1, \"dp-attn\": false, " \
	"\"conc\": 8, \"total-cpu-dram-gb\": 2399, \"duration\": 3600, \"scenario-type\": "   \
	"\"agentic-coding\", "

static int parse(struct entry *e, const char *json, struct diags *d)
{
	return entry_parse(e, json, strlen(json), "e.json", d);
}

static void name_is(const struct entry *e, const char *want)
{
	struct buf b = BUF_INIT;
	entry_result_filename(&b, e, "n_0");
	assert_string_equal(b.s, want);
	buf_release(&b);
}

static void test_single_node_v2(void **state)
{
	(void)state;
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse(&e, COMMON SN_V1 ", \"pp\": 2, \"dcp-size\": 2, \"pcp-size\": 2, "
			      "\"router\": {\"name\": \"sglang-router\", \"version\": \"0.3.2\"}, "
			      "\"eval-only\": true, \"recipe-fingerprint\": \"" FP "\"}", &d), 0);
	assert_true(e.v2);
	assert_false(e.agentic);
	assert_int_equal(e.pp, 2);
	assert_int_equal(e.dcp_size, 2);
	assert_int_equal(e.pcp_size, 2);
	assert_string_equal(e.router.name, "sglang-router");
	assert_string_equal(e.router.version, "0.3.2");
	assert_true(e.eval_only);
	assert_string_equal(e.recipe_fingerprint, FP);
	assert_int_equal(entry_gpu_count(&e), 16);
	name_is(&e, "x_fp4_sglang_tp4-pp2-dcp2-pcp2-ep1-dpafalse_disagg-false_spec-none_conc1_n_0"
		    "_recipe-0123456789abcdef");
	entry_release(&e);
	/* v1: no v2 key, v1 name, pp 1 */
	assert_int_equal(parse(&e, COMMON SN_V1 "}", &d), 0);
	assert_false(e.v2);
	assert_int_equal(e.pp, 1);
	assert_int_equal(entry_gpu_count(&e), 4);
	name_is(&e, "x_fp4_sglang_tp4-ep1-dpafalse_disagg-false_spec-none_conc1_n_0");
	entry_release(&e);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
}

static void test_multi_node_v2(void **state)
{
	(void)state;
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse(&e, COMMON MN_FIXED "\"disagg\": true, \"kv-p2p-transfer\": \"nixl\", "
			      "\"eval-conc\": 8,\n\"prefill\": " WORKER(1, ", \"pp\": 2, "
			      "\"hardware\": \"gb200\"") ", \"decode\": " WORKER(0, ", \"dcp-size\": 4, "
			      "\"hardware\": \"gb300\"") "}", &d), 0);
	assert_true(e.v2);
	assert_string_equal(e.kv_p2p_transfer, "nixl");
	assert_int_equal(e.eval_conc, 8);
	assert_int_equal(e.prefill.pp, 2);
	assert_int_equal(e.prefill.dcp_size, 1);
	assert_int_equal(e.decode.dcp_size, 4);
	assert_int_equal(e.decode.num_worker, 0);
	assert_string_equal(e.prefill.hardware, "gb200");
	assert_string_equal(e.decode.hardware, "gb300");
	name_is(&e, "x_fp4_sglang_prefill-tp8-pp2-dcp1-pcp1-ep8-dptrue-nw1_decode-tp8-pp1-dcp4-"
		    "pcp1-ep8-dptrue-nw0_disagg-true_spec-mtp_conc4x8_n_0");
	entry_release(&e);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
}

static void test_agentic(void **state)
{
	(void)state;
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse(&e, COMMON AGENTIC_SN "\"kv-offloading\": \"dram\", "
			      "\"kv-offload-backend\": {\"name\": \"hicache\"}}", &d), 0);
	assert_true(e.agentic);
	assert_true(e.v2);
	assert_string_equal(e.spec_decoding, "none"); /* upstream's default */
	assert_string_equal(e.runner, "cluster:b200-dgxc");
	assert_string_equal(e.kv_offloading, "dram");
	assert_string_equal(e.kv_offload_backend.name, "hicache");
	assert_null(e.kv_offload_backend.version);
	assert_int_equal(e.total_cpu_dram_gb, 2399);
	assert_int_equal(e.duration, 3600);
	entry_release(&e);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
}

static const struct {
	const char *what, *json, *want;
} refusals[] = {
	{ "v2 single-node without its sizes", COMMON SN_V1 ", \"pp\": 1, \"router\": {\"name\": "
	  "\"r\", \"version\": \"1\"}}",
	  "e.json:1:1: dcp-size: missing key (a v2 entry: it has 'pp')\n"
	  "e.json:1:1: pcp-size: missing key (a v2 entry: it has 'pp')\n" },
	{ "sizes: types", COMMON SN_V1 ", \"pp\": 0, \"dcp-size\": \"1\", \"pcp-size\": 1.0}",
	  "e.json:2:182: pp: expected an integer >= 1, found integer 0\n"
	  "e.json:2:197: dcp-size: expected an integer >= 1, found string \"1\"\n"
	  "e.json:2:214: pcp-size: expected an integer >= 1, found float 1.0\n" },
	{ "tp % dcp-size", COMMON SN_V1 ", \"pp\": 1, \"dcp-size\": 3, \"pcp-size\": 1}",
	  "e.json:2:197: dcp-size: expected a divisor of tp (4), found 3\n" },
	{ "router: keys and values", COMMON SN_V1 ", " SIZES ", \"router\": {\"name\": \"\", "
	  "\"version\": \"image:x\", \"tag\": 1}}",
	  "e.json:2:234: router.name: expected a non-empty string, found string \"\"\n"
	  "e.json:2:249: router.version: expected the component's own version (a release, "
	  "package version or source commit), found an image reference\n"
	  "e.json:2:267: router.tag: unknown key (router has only name and version)\n" },
	{ "router: version required", COMMON SN_V1 ", " SIZES ", \"router\": {\"name\": \"r\"}}",
	  "e.json:2:225: router.version: missing key\n" },
	{ "fingerprint", COMMON SN_V1 ", " SIZES ", \"recipe-fingerprint\": \"ABC\"}",
	  "e.json:2:237: recipe-fingerprint: expected 64 lower-case hex digits (a sha256), found "
	  "string \"ABC\"\n" },
	{ "agentic keys in a fixed entry", COMMON SN_V1 ", " SIZES ", \"duration\": 60}",
	  "e.json:2:227: duration: not a key of a single-node entry (it has no 'scenario-type')\n" },
	{ "fixed keys in an agentic entry", COMMON AGENTIC_SN "\"kv-offloading\": \"none\", "
	  "\"isl\": 1}",
	  "e.json:2:230: isl: not a key of an agentic single-node entry (it has 'scenario-type')\n" },
	{ "agentic: backend pairing", COMMON AGENTIC_SN "\"kv-offloading\": \"dram\"}",
	  "e.json:1:1: kv-offload-backend: missing key (kv-offloading is 'dram')\n" },
	{ "agentic: backend without offloading", COMMON AGENTIC_SN "\"kv-offloading\": \"none\", "
	  "\"kv-offload-backend\": {\"name\": \"hicache\"}}",
	  "e.json:2:245: kv-offload-backend: only with kv-offloading other than 'none'\n" },
	{ "agentic: values", COMMON "\"runner\": \"cluster:../x\", \"tp\": 8, " SIZES ", \"ep\": 1, "
	  "\"dp-attn\": false, \"conc\": 8, \"total-cpu-dram-gb\": -1, \"duration\": 3600, "
	  "\"scenario-type\": \"chat\", \"kv-offloading\": \"disk\"}",
	  "e.json:2:11: runner: expected a safe name, or \"cluster:\" and a safe name, found string "
	  "\"cluster:../x\"\n"
	  "e.json:2:134: total-cpu-dram-gb: expected an integer >= 0, found integer -1\n"
	  "e.json:2:173: scenario-type: expected agentic-coding, found string \"chat\"\n"
	  "e.json:2:198: kv-offloading: expected one of none, dram, found string \"disk\"\n" },
	{ "multi-node: v2 rules", COMMON MN_FIXED "\"disagg\": true, \"eval-conc\": 8,\n\"prefill\": "
	  WORKER(0, ", \"dcp-size\": 3, \"hardware\": \"gb200\"") ", \"decode\": " WORKER(1, "") "}",
	  "e.json:3:77: prefill.dcp-size: expected a divisor of tp (8), found 3\n"
	  "e.json:3:27: prefill.num-worker: expected an integer >= 1 (only decode may have no "
	  "workers), found integer 0\n"
	  "e.json:3:92: prefill.hardware: written for prefill only: write hardware for both "
	  "workers or neither\n"
	  "e.json:2:137: disagg: a disaggregated v2 entry needs 'kv-p2p-transfer'\n" },
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
		assert_null(e.image);
		assert_null(e.router.name);
		entry_release(&e);
		diags_release(&d);
		buf_release(&got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_node_v2),
		cmocka_unit_test(test_multi_node_v2),
		cmocka_unit_test(test_agentic),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
