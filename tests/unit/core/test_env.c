/* env: executor-spec 2.2's table, used both ways. Its names are exactly the variables
 * docs/executor-spec.md 2.2 documents (each one in the table, each row documented) and the
 * reserved names; entry_to_env writes them in the spec's order for each shape; and what
 * `executor process` reads back from that environment (env_read_entry) is the entry again.
 * Also the variable-name rule and the environment reader's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/core/entry.h"
#include "executor/core/env.h"
#include "executor/core/profile.h"

static void test_reserved(void **state)
{
	(void)state;
	size_t n = 0;
	for (const char *name; (name = env_var_name(n)); n++)
		assert_true(env_name_reserved(name));
	assert_int_equal(n, 56);
	static const char *const free_names[] = { "HF_TOKEN", "SIM_ITL_MS", "tp", "CONC_", "A", "" };
	for (size_t i = 0; i < sizeof(free_names) / sizeof(free_names[0]); i++)
		assert_false(env_name_reserved(free_names[i]));
}

static bool is_var_name(const char *s, size_t n)
{
	if (!n || s[0] < 'A' || s[0] > 'Z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* The names in the first column of the table of section "### 2.2" of the spec, each
 * followed by '\n': a cell may list several, separated by ", ". */
static void documented_names(struct buf *out, const char *spec)
{
	const char *sec = strstr(spec, "\n### 2.2 ");
	assert_non_null(sec);
	const char *end = strstr(sec + 1, "\n### ");
	assert_non_null(end);
	for (const char *line = sec + 1; line < end; line += strcspn(line, "\n") + 1) {
		if (line[0] != '|')
			continue;
		const char *cell = line + 1, *cell_end = strchr(cell, '|');
		while (cell < cell_end) {
			while (*cell == ' ' || *cell == ',')
				cell++;
			size_t n = strcspn(cell, ",|");
			size_t len = n;
			while (len && cell[len - 1] == ' ')
				len--;
			if (is_var_name(cell, len)) {
				buf_add(out, cell, len);
				buf_addch(out, '\n');
			}
			cell += n;
		}
	}
}

static bool has_line(const char *lines, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = lines; (p = strstr(p, name)); p++)
		if ((p == lines || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* The docs check: docs/executor-spec.md 2.2 documents every row of the table, and the
 * table has every variable documented there. */
static void test_documented(void **state)
{
	(void)state;
	struct buf spec = BUF_INIT, doc = BUF_INIT, table = BUF_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(file_read_all(&spec, TESTS_DIR "/../docs/executor-spec.md", &d), 0);
	documented_names(&doc, spec.s);
	for (size_t i = 0; env_var_name(i); i++) {
		buf_addf(&table, "%s\n", env_var_name(i));
		if (!has_line(doc.s, env_var_name(i)))
			fail_msg("%s is in core/env.c's table but not documented in executor-spec.md "
				 "2.2", env_var_name(i));
	}
	for (const char *p = doc.s; *p; p = strchr(p, '\n') + 1) {
		struct buf one = BUF_INIT;
		buf_add(&one, p, strcspn(p, "\n"));
		if (!has_line(table.s, one.s))
			fail_msg("%s is documented in executor-spec.md 2.2 but not in core/env.c's "
				 "table", one.s);
		buf_release(&one);
	}
	assert_true(doc.len > 0);
	buf_release(&spec);
	buf_release(&doc);
	buf_release(&table);
	diags_release(&d);
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

static const char single_entry[] =
	"{\"image\": \"img:1\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp8\", \"framework\": \"sglang\", \"runner\": \"h200\", \"isl\": 1024, \"osl\": 8192, "
	"\"tp\": 2, \"conc\": 4, \"max-model-len\": 9416, \"ep\": 3, \"dp-attn\": true, "
	"\"spec-decoding\": \"mtp\", \"exp-name\": \"m1_1k8k\", \"disagg\": false, "
	"\"run-eval\": true}";
static const char multi_entry[] =
	"{\"image\": \"img:2\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp4\", \"framework\": \"dynamo-sglang\", \"runner\": \"gb200\", \"isl\": 8192, "
	"\"osl\": 1024, \"spec-decoding\": \"none\", \"prefill\": {\"num-worker\": 2, \"tp\": 4, "
	"\"ep\": 5, \"dp-attn\": true, \"additional-settings\": [\"A_B=1\"]}, \"decode\": "
	"{\"num-worker\": 1, \"tp\": 8, \"ep\": 9, \"dp-attn\": false}, \"conc\": [64, 128], "
	"\"max-model-len\": 9416, \"exp-name\": \"m1_8k1k\", \"disagg\": true, \"run-eval\": false}";

static const char *const single_env =
	"EXP_NAME=m1_1k8k MODEL=org/M MODEL_PREFIX=m1 IMAGE=img:1 FRAMEWORK=sglang PRECISION=fp8 "
	"ISL=1024 OSL=8192 MAX_MODEL_LEN=9416 SPEC_DECODING=mtp DISAGG=false TP=2 EP_SIZE=3 "
	"DP_ATTENTION=true CONC=4 RUN_EVAL=true RANDOM_RANGE_RATIO=0.8 "
	"HF_HUB_CACHE=/mnt/hf_hub_cache/ RESULT_FILENAME=RF RUNNER_TYPE=h200 RUNNER_NAME=h200-nv_0 "
	"PORT=8888 RESULT_DIR=/out";
static const char *const multi_env =
	"EXP_NAME=m1_8k1k MODEL=org/M MODEL_PREFIX=m1 IMAGE=img:2 FRAMEWORK=dynamo-sglang "
	"PRECISION=fp4 ISL=8192 OSL=1024 MAX_MODEL_LEN=9416 SPEC_DECODING=none DISAGG=true "
	"CONC_LIST=64 128 PREFILL_NUM_WORKERS=2 PREFILL_TP=4 PREFILL_EP=5 PREFILL_DP_ATTN=true "
	"DECODE_NUM_WORKERS=1 DECODE_TP=8 DECODE_EP=9 DECODE_DP_ATTN=false IS_MULTINODE=true "
	"RANDOM_RANGE_RATIO=0.8 RESULT_FILENAME=RF RUNNER_TYPE=gb200 RUNNER_NAME=h200-nv_0 "
	"PORT=8888 RESULT_DIR=/out A_B=1";

static void clear_table_vars(void)
{
	for (size_t i = 0; env_var_name(i); i++)
		unsetenv(env_var_name(i));
}

/* entry -> environment in the spec's order; environment -> the fields process reads. */
static void round_trip(const char *json, const char *want_env)
{
	struct entry e, back;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_parse(&e, json, strlen(json), "e.json", &d), 0);
	struct profile p;
	memset(&p, 0, sizeof(p));
	p.port = 8888;
	struct env_inputs in = { &e, &p, "h200-nv_0", "RF", "/out", NULL };
	struct run_env env;
	unsetenv("HF_TOKEN");
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	struct buf got = BUF_INIT;
	for (size_t i = 0; i < env.vars.nr; i++)
		buf_addf(&got, "%s%s", i ? " " : "", env.vars.v[i]);
	assert_string_equal(got.s, want_env);

	clear_table_vars();
	for (size_t i = 0; i < env.vars.nr; i++) {
		const char *kv = env.vars.v[i], *eq = strchr(kv, '=');
		struct buf name = BUF_INIT;
		buf_add(&name, kv, (size_t)(eq - kv));
		setenv(name.s, eq + 1, 1);
		buf_release(&name);
	}
	assert_int_equal(env_read_entry(&back, &d), 0);
	assert_int_equal(back.multinode, e.multinode);
	assert_string_equal(back.runner, e.runner);
	assert_string_equal(back.image, e.image);
	assert_string_equal(back.model_prefix, e.model_prefix);
	assert_string_equal(back.framework, e.framework);
	assert_string_equal(back.precision, e.precision);
	assert_string_equal(back.spec_decoding, e.spec_decoding);
	assert_int_equal(back.disagg, e.disagg);
	assert_int_equal(back.isl, e.isl);
	assert_int_equal(back.osl, e.osl);
	assert_int_equal(back.tp, e.tp);
	assert_int_equal(back.ep, e.ep);
	assert_int_equal(back.dp_attn, e.dp_attn);
	const struct entry_worker *w[] = { &e.prefill, &e.decode }, *bw[] = { &back.prefill,
									      &back.decode };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(bw[i]->num_worker, w[i]->num_worker);
		assert_int_equal(bw[i]->tp, w[i]->tp);
		assert_int_equal(bw[i]->ep, w[i]->ep);
		assert_int_equal(bw[i]->dp_attn, w[i]->dp_attn);
	}
	assert_int_equal(d.nr, 0);
	clear_table_vars();
	unsetenv("A_B");
	buf_release(&got);
	env_release(&env);
	entry_release(&e);
	entry_release(&back);
	diags_release(&d);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip(single_entry, single_env);
	round_trip(multi_entry, multi_env);
}

/* The reader's refusals, one message each, in the table's order. */
static void test_read_refused(void **state)
{
	(void)state;
	clear_table_vars();
	struct entry e;
	struct diags d = DIAGS_INIT;
	setenv("IS_MULTINODE", "yes", 1);
	assert_int_equal(env_read_entry(&e, &d), -1);
	assert_string_equal(d.v[0].msg, "environment variable IS_MULTINODE: expected true or "
			    "false, found 'yes'");
	/* then single-node: every variable it reads is missing */
	assert_string_equal(d.v[1].msg, "environment variable MODEL_PREFIX is not set (it is read "
			    "when --entry is not given)");
	assert_int_equal(d.errors, 1 + 12);
	diags_release(&d);

	static const char *const single[][2] = {
		{ "MODEL_PREFIX", "m" }, { "IMAGE", "i" }, { "FRAMEWORK", "f" }, { "PRECISION", "p" },
		{ "ISL", "1" }, { "OSL", "1" }, { "SPEC_DECODING", "none" }, { "DISAGG", "true" },
		{ "TP", "1" }, { "EP_SIZE", "1" }, { "DP_ATTENTION", "false" }, { "RUNNER_TYPE", "r" },
	};
	unsetenv("IS_MULTINODE");
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		setenv(single[i][0], single[i][1], 1);
	diags_init(&d);
	assert_int_equal(env_read_entry(&e, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "DISAGG=true needs IS_MULTINODE=true: a single-node run "
			    "cannot be disaggregated");
	diags_release(&d);
	static const char *const bad_ints[] = { "0", "+1", " 1", "1x", "", "-1", "01",
						"99999999999999999999" };
	setenv("DISAGG", "false", 1);
	for (size_t i = 0; i < sizeof(bad_ints) / sizeof(bad_ints[0]); i++) {
		setenv("TP", bad_ints[i], 1);
		diags_init(&d);
		assert_int_equal(env_read_entry(&e, &d), -1);
		assert_int_equal(d.errors, 1);
		struct buf want = BUF_INIT;
		buf_addf(&want, "environment variable TP: expected an integer >= 1, found '%s'",
			 bad_ints[i]);
		assert_string_equal(d.v[0].msg, want.s);
		buf_release(&want);
		diags_release(&d);
	}
	setenv("TP", "8", 1);
	diags_init(&d);
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_int_equal(e.tp, 8);
	entry_release(&e);
	diags_release(&d);
	clear_table_vars();
}

/* A multi-node run's required variables (v1), IS_MULTINODE included. */
static void set_multi_vars(void)
{
	static const char *const multi[][2] = {
		{ "IS_MULTINODE", "true" }, { "MODEL_PREFIX", "m" }, { "IMAGE", "i" },
		{ "FRAMEWORK", "f" }, { "PRECISION", "p" }, { "ISL", "1" }, { "OSL", "1" },
		{ "SPEC_DECODING", "none" }, { "DISAGG", "true" }, { "RUNNER_TYPE", "r" },
		{ "PREFILL_NUM_WORKERS", "1" }, { "PREFILL_TP", "4" }, { "PREFILL_EP", "4" },
		{ "PREFILL_DP_ATTN", "true" }, { "DECODE_NUM_WORKERS", "0" }, { "DECODE_TP", "8" },
		{ "DECODE_EP", "8" }, { "DECODE_DP_ATTN", "false" },
	};
	for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		setenv(multi[i][0], multi[i][1], 1);
}

/* One env_read_entry that fails with exactly the message want. */
static void read_fails(const char *want)
{
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(env_read_entry(&e, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, want);
	diags_release(&d);
}

/* The v2 variables (upstream's process_result.py at 843c6254f): read only when one of the
 * shape's is set, unset ones as upstream defaults them; decode's num-worker 0 only then;
 * the router as upstream's get_optional_component_metadata takes it; hardware both or
 * neither. */
static void test_read_v2(void **state)
{
	(void)state;
	clear_table_vars();
	set_multi_vars();
	/* no v2 variable: v1, and decode num-worker 0 is refused as before */
	read_fails("environment variable DECODE_NUM_WORKERS: expected an integer >= 1, found '0'");
	/* a single-node v2 variable does not make a multi-node run v2 */
	setenv("PP_SIZE", "2", 1);
	read_fails("environment variable DECODE_NUM_WORKERS: expected an integer >= 1, found '0'");
	unsetenv("PP_SIZE");

	/* RECIPE_FINGERPRINT set, empty: v2, sizes 1, no router, no hardware, 0 workers */
	setenv("RECIPE_FINGERPRINT", "", 1);
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_true(e.v2);
	assert_int_equal(e.decode.num_worker, 0);
	assert_int_equal(e.prefill.pp * e.prefill.dcp_size * e.prefill.pcp_size, 1);
	assert_int_equal(e.decode.pp * e.decode.dcp_size * e.decode.pcp_size, 1);
	assert_null(e.recipe_fingerprint);
	assert_null(e.router.name);
	assert_null(e.kv_p2p_transfer);
	assert_null(e.prefill.hardware);
	entry_release(&e);

	/* every v2 variable, the router indented as GitHub's toJson writes it */
	setenv("RECIPE_FINGERPRINT", "abc", 1);
	setenv("ROUTER_METADATA", "{\n  \"name\": \"dynamo\",\n  \"version\": \"0.8\"\n}", 1);
	setenv("KV_P2P_TRANSFER", "nixl", 1);
	setenv("PREFILL_PP_SIZE", "2", 1);
	setenv("DECODE_DCP_SIZE", "4", 1);
	setenv("PREFILL_HARDWARE", "gb200", 1);
	setenv("DECODE_HARDWARE", "b200", 1);
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_string_equal(e.recipe_fingerprint, "abc");
	assert_string_equal(e.router.name, "dynamo");
	assert_string_equal(e.router.version, "0.8");
	assert_false(e.router.version_first);
	assert_string_equal(e.kv_p2p_transfer, "nixl");
	assert_int_equal(e.prefill.pp, 2);
	assert_int_equal(e.decode.dcp_size, 4);
	assert_int_equal(e.decode.pp, 1);
	assert_string_equal(e.prefill.hardware, "gb200");
	assert_string_equal(e.decode.hardware, "b200");
	entry_release(&e);
	/* version first, a key repeated (the last value counts, as json.loads reads it) */
	setenv("ROUTER_METADATA", "{\"version\": \"1\", \"name\": \"a\", \"name\": \"b\"}", 1);
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_true(e.router.version_first);
	assert_string_equal(e.router.name, "b");
	entry_release(&e);
	setenv("ROUTER_METADATA", "null", 1);
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_null(e.router.name);
	entry_release(&e);
	assert_int_equal(d.nr, 0);

	/* refusals */
	static const char *const bad_router[][2] = {
		{ "{\"name\": \"a\"", "expected JSON, at 1:13: " },
		{ " null", "expected an object with exactly 'name' and 'version'" },
		{ "[]", "expected an object with exactly 'name' and 'version'" },
		{ "{\"name\": \"a\"}", "expected an object with exactly 'name' and 'version'" },
		{ "{\"name\": \"a\", \"version\": \"1\", \"x\": 1}",
		  "expected an object with exactly 'name' and 'version'" },
		{ "{\"name\": \"\", \"version\": \"1\"}",
		  "'name' and 'version' must be non-empty strings" },
		{ "{\"name\": \"a\", \"version\": 1}",
		  "'name' and 'version' must be non-empty strings" },
	};
	for (size_t i = 0; i < sizeof(bad_router) / sizeof(bad_router[0]); i++) {
		setenv("ROUTER_METADATA", bad_router[i][0], 1);
		assert_int_equal(env_read_entry(&e, &d), -1);
		assert_int_equal(d.errors, 1);
		struct buf want = BUF_INIT;
		buf_addf(&want, "environment variable ROUTER_METADATA: %s", bad_router[i][1]);
		assert_true(!strncmp(d.v[0].msg, want.s, want.len));
		buf_release(&want);
		diags_release(&d);
	}
	unsetenv("ROUTER_METADATA");
	setenv("DECODE_HARDWARE", "", 1);
	read_fails("environment variables PREFILL_HARDWARE and DECODE_HARDWARE go together: both "
		   "set and not empty, or neither");
	unsetenv("DECODE_HARDWARE");
	setenv("PREFILL_HARDWARE", "", 1);
	setenv("DECODE_PCP_SIZE", "0", 1);
	read_fails("environment variable DECODE_PCP_SIZE: expected an integer >= 1, found '0'");
	setenv("DECODE_PCP_SIZE", "1", 1);
	setenv("PREFILL_NUM_WORKERS", "0", 1);
	read_fails("environment variable PREFILL_NUM_WORKERS: expected an integer >= 1, found '0'");
	clear_table_vars();

	/* single-node: PCP_SIZE alone makes v2; PP_SIZE and DCP_SIZE default to 1 */
	static const char *const single[][2] = {
		{ "MODEL_PREFIX", "m" }, { "IMAGE", "i" }, { "FRAMEWORK", "f" }, { "PRECISION", "p" },
		{ "ISL", "1" }, { "OSL", "1" }, { "SPEC_DECODING", "none" }, { "DISAGG", "false" },
		{ "TP", "8" }, { "EP_SIZE", "1" }, { "DP_ATTENTION", "false" }, { "RUNNER_TYPE", "r" },
		{ "PCP_SIZE", "2" },
	};
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		setenv(single[i][0], single[i][1], 1);
	assert_int_equal(env_read_entry(&e, &d), 0);
	assert_true(e.v2);
	assert_int_equal(e.pp, 1);
	assert_int_equal(e.dcp_size, 1);
	assert_int_equal(e.pcp_size, 2);
	entry_release(&e);
	diags_release(&d);
	clear_table_vars();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_documented),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_read_refused),
		cmocka_unit_test(test_read_v2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
