/* env values: entry_to_env on real entries and profiles (executor-spec 2.2): every variable,
 * its value and its place, single-node and multi-node; the profile's env after the table (its
 * HF_HUB_CACHE replacing the default in place); additional settings (decode's after
 * prefill's, a name set twice keeping the later value at its first place); HF_TOKEN and
 * --secret-env taken from the environment and marked secret, and the errors for a missing
 * secret and a setting named like one. The table itself, the name rules and the way back
 * are test_env.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/vec.h"
#include "executor/core/entry.h"
#include "executor/core/env.h"
#include "executor/core/profile.h"

static const char single_json[] =
	"{\"image\": \"lmsysorg/sglang:v0.5.2\", \"model\": \"deepseek-ai/DeepSeek-R1\", "
	"\"model-prefix\": \"dsr1\", \"precision\": \"fp8\", \"framework\": \"sglang\", "
	"\"runner\": \"h200\", \"isl\": 1024, \"osl\": 8192, \"tp\": 8, \"conc\": 64, "
	"\"max-model-len\": 9416, \"ep\": 2, \"dp-attn\": true, \"spec-decoding\": \"mtp\", "
	"\"exp-name\": \"dsr1_1k8k\", \"disagg\": false, \"run-eval\": true}";

static const char multi_json[] =
	"{\"image\": \"dynamo:0.5.1\", \"model\": \"deepseek-ai/DeepSeek-R1\", "
	"\"model-prefix\": \"dsr1\", \"precision\": \"fp4\", \"framework\": \"dynamo-sglang\", "
	"\"runner\": \"gb200\", \"isl\": 1024, \"osl\": 1024, \"spec-decoding\": \"none\", "
	"\"prefill\": {\"num-worker\": 2, \"tp\": 4, \"ep\": 4, \"dp-attn\": true, "
	"\"additional-settings\": [\"A=1\", \"B=two\"]}, "
	"\"decode\": {\"num-worker\": 1, \"tp\": 16, \"ep\": 8, \"dp-attn\": false, "
	"\"additional-settings\": [\"C=3\", \"A=4\"]}, "
	"\"conc\": [256, 1024, 2048], \"max-model-len\": 2248, \"exp-name\": \"dsr1_1k1k\", "
	"\"disagg\": true, \"run-eval\": false}";

static void load(struct entry *e, struct profile *p, const char *entry_json,
		 const char *profile_yaml)
{
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_parse(e, entry_json, strlen(entry_json), "entry.json", &d), 0);
	assert_int_equal(profile_load_text(p, "node.yaml", profile_yaml, strlen(profile_yaml), &d),
			 0);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
}

/* The variables, in order, as NAME=VALUE lines. */
static void check_vars(const struct run_env *env, const char *want)
{
	struct buf got = BUF_INIT;
	for (size_t i = 0; i < env->vars.nr; i++)
		buf_addf(&got, "%s\n", env->vars.v[i]);
	assert_string_equal(got.s, want);
	buf_release(&got);
}

static void test_single_node(void **state)
{
	(void)state;
	unsetenv("HF_TOKEN");
	struct entry e;
	struct profile p;
	load(&e, &p, single_json, "launcher: docker\ngpu: h200\nport: 8000\n");
	struct env_inputs in = { &e, &p, "h200-nv_0", "RESULT", "/workspace/results", NULL };
	struct run_env env;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	assert_int_equal(d.nr, 0);
	check_vars(&env, "EXP_NAME=dsr1_1k8k\n"
			 "MODEL=deepseek-ai/DeepSeek-R1\n"
			 "MODEL_PREFIX=dsr1\n"
			 "IMAGE=lmsysorg/sglang:v0.5.2\n"
			 "FRAMEWORK=sglang\n"
			 "PRECISION=fp8\n"
			 "ISL=1024\n"
			 "OSL=8192\n"
			 "MAX_MODEL_LEN=9416\n"
			 "SPEC_DECODING=mtp\n"
			 "DISAGG=false\n"
			 "TP=8\n"
			 "EP_SIZE=2\n"
			 "DP_ATTENTION=true\n"
			 "CONC=64\n"
			 "RUN_EVAL=true\n"
			 "RANDOM_RANGE_RATIO=0.8\n"
			 "HF_HUB_CACHE=/mnt/hf_hub_cache/\n"
			 "RESULT_FILENAME=RESULT\n"
			 "RUNNER_TYPE=h200\n"
			 "RUNNER_NAME=h200-nv_0\n"
			 "PORT=8000\n"
			 "RESULT_DIR=/workspace/results\n");
	assert_int_equal(env.secrets.nr, 0);
	assert_string_equal(env_get(&env, "CONC"), "64");
	assert_null(env_get(&env, "CONC_LIST"));
	env_release(&env);
	profile_release(&p);

	/* the profile's env comes after the table; its HF_HUB_CACHE replaces the default in
	 * place */
	static const char yaml[] = "launcher: local\ngpu: sim\nport: 9000\n"
				   "env:\n  ZED: z\n  HF_HUB_CACHE: /data/hf\n";
	struct profile p2;
	assert_int_equal(profile_load_text(&p2, "node.yaml", yaml, strlen(yaml), &d), 0);
	in.profile = &p2;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	assert_string_equal(env_get(&env, "HF_HUB_CACHE"), "/data/hf");
	assert_string_equal(env.vars.v[17], "HF_HUB_CACHE=/data/hf");
	assert_string_equal(env.vars.v[21], "PORT=9000");
	assert_string_equal(env.vars.v[23], "ZED=z");
	assert_int_equal(env.vars.nr, 24);
	env_release(&env);
	profile_release(&p2);
	entry_release(&e);
	diags_release(&d);
}

static void test_multi_node(void **state)
{
	(void)state;
	unsetenv("HF_TOKEN");
	struct entry e;
	struct profile p;
	load(&e, &p, multi_json, "launcher: slurm\ngpu: gb200\nport: 8000\n");
	struct env_inputs in = { &e, &p, "gb200-nv_0", "R", "/out", NULL };
	struct run_env env;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	assert_int_equal(d.nr, 0);
	check_vars(&env, "EXP_NAME=dsr1_1k1k\n"
			 "MODEL=deepseek-ai/DeepSeek-R1\n"
			 "MODEL_PREFIX=dsr1\n"
			 "IMAGE=dynamo:0.5.1\n"
			 "FRAMEWORK=dynamo-sglang\n"
			 "PRECISION=fp4\n"
			 "ISL=1024\n"
			 "OSL=1024\n"
			 "MAX_MODEL_LEN=2248\n"
			 "SPEC_DECODING=none\n"
			 "DISAGG=true\n"
			 "CONC_LIST=256 1024 2048\n"
			 "PREFILL_NUM_WORKERS=2\n"
			 "PREFILL_TP=4\n"
			 "PREFILL_EP=4\n"
			 "PREFILL_DP_ATTN=true\n"
			 "DECODE_NUM_WORKERS=1\n"
			 "DECODE_TP=16\n"
			 "DECODE_EP=8\n"
			 "DECODE_DP_ATTN=false\n"
			 "IS_MULTINODE=true\n"
			 "RANDOM_RANGE_RATIO=0.8\n"
			 "RESULT_FILENAME=R\n"
			 "RUNNER_TYPE=gb200\n"
			 "RUNNER_NAME=gb200-nv_0\n"
			 "PORT=8000\n"
			 "RESULT_DIR=/out\n"
			 "A=4\n" /* prefill's, then decode's later value in its place */
			 "B=two\n"
			 "C=3\n");
	/* not set for multi-node: the single-node variables and the default cache */
	static const char *const absent[] = { "TP", "EP_SIZE", "DP_ATTENTION", "CONC", "RUN_EVAL",
					      "HF_HUB_CACHE" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_null(env_get(&env, absent[i]));
	env_release(&env);
	profile_release(&p);
	entry_release(&e);
	diags_release(&d);
}

static void test_secrets(void **state)
{
	(void)state;
	struct entry e;
	struct profile p;
	load(&e, &p, multi_json, "launcher: local\ngpu: sim\n");
	setenv("HF_TOKEN", "hf_secret", 1);
	setenv("TEST_ENV_KEY", "k3y", 1);
	unsetenv("TEST_ENV_UNSET");
	struct strvec names = { 0 };
	VEC_PUSH(&names, "TEST_ENV_KEY");
	struct env_inputs in = { &e, &p, "n", "R", "/out", &names };
	struct run_env env;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	assert_int_equal(d.nr, 0);
	size_t n = env.vars.nr;
	assert_string_equal(env.vars.v[n - 2], "HF_TOKEN=hf_secret");
	assert_string_equal(env.vars.v[n - 1], "TEST_ENV_KEY=k3y");
	assert_int_equal(env.secrets.nr, 2);
	assert_string_equal(env.secrets.v[0], "HF_TOKEN");
	assert_string_equal(env.secrets.v[1], "TEST_ENV_KEY");
	env_release(&env);

	/* a --secret-env name that is not set, and a setting named like a secret */
	VEC_PUSH(&names, "TEST_ENV_UNSET");
	VEC_PUSH(&names, "C");
	setenv("C", "c", 1);
	assert_int_equal(entry_to_env(&env, &in, &d), -1);
	struct buf msgs = BUF_INIT;
	diags_format(&msgs, &d);
	assert_string_equal(msgs.s,
			    "decode.additional-settings[0]: 'C' is a secret's name; a setting may "
			    "not set it\n"
			    "--secret-env TEST_ENV_UNSET: the variable is not set in the executor's "
			    "environment\n");
	env_release(&env);
	buf_release(&msgs);
	free(names.v);
	unsetenv("HF_TOKEN");
	unsetenv("TEST_ENV_KEY");
	unsetenv("C");
	profile_release(&p);
	entry_release(&e);
	diags_release(&d);
}

/* v2 entries: the table's rows, then the v2 rows (upstream's workflows at 843c6254f). */
static const char single_v2_json[] =
	"{\"image\": \"i\", \"model\": \"m\", \"model-prefix\": \"dsr1\", \"precision\": \"fp4\", "
	"\"framework\": \"sglang\", \"runner\": \"b200\", \"isl\": 8192, \"osl\": 1024, "
	"\"tp\": 4, \"pp\": 2, \"dcp-size\": 2, \"pcp-size\": 1, \"conc\": 1, "
	"\"max-model-len\": 9472, \"ep\": 1, \"dp-attn\": false, \"spec-decoding\": \"none\", "
	"\"exp-name\": \"dsr1_8k1k\", \"disagg\": false, \"run-eval\": false, "
	"\"router\": {\"name\": \"sglang-router\", \"version\": \"0.3.2\"}, "
	"\"recipe-fingerprint\": "
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";

static const char multi_v2_json[] =
	"{\"image\": \"i\", \"model\": \"m\", \"model-prefix\": \"dsr1\", \"precision\": \"fp4\", "
	"\"framework\": \"dynamo-trt\", \"runner\": \"gb200\", \"isl\": 8192, \"osl\": 1024, "
	"\"spec-decoding\": \"mtp\", \"prefill\": {\"num-worker\": 1, \"tp\": 4, \"ep\": 4, "
	"\"dp-attn\": true, \"pp\": 2, \"hardware\": \"gb200\"}, \"decode\": {\"num-worker\": 0, "
	"\"tp\": 8, \"ep\": 8, \"dp-attn\": true, \"hardware\": \"gb300\"}, \"conc\": [90], "
	"\"max-model-len\": 9472, \"exp-name\": \"dsr1_8k1k\", \"disagg\": true, \"run-eval\": true, "
	"\"kv-p2p-transfer\": \"nixl\", \"eval-conc\": 90}";

static void test_v2(void **state)
{
	(void)state;
	unsetenv("HF_TOKEN");
	struct entry e;
	struct profile p;
	load(&e, &p, single_v2_json, "launcher: docker\ngpu: b200\nport: 8000\n");
	struct env_inputs in = { &e, &p, "b200-nv_0", "RESULT", "/workspace/results", NULL };
	struct run_env env;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	struct buf tail = BUF_INIT;
	size_t i = 0;
	while (strncmp(env.vars.v[i], "RESULT_DIR=", 11))
		i++;
	for (i++; i < env.vars.nr; i++)
		buf_addf(&tail, "%s\n", env.vars.v[i]);
	assert_string_equal(tail.s, "PP_SIZE=2\n"
				    "DCP_SIZE=2\n"
				    "PCP_SIZE=1\n"
				    "GPU_COUNT=8\n"
				    "RECIPE_FINGERPRINT=0123456789abcdef0123456789abcdef0123456789abcdef"
				    "0123456789abcdef\n"
				    "ROUTER_METADATA={\"name\": \"sglang-router\", \"version\": \"0.3.2\"}\n"
				    "KV_P2P_TRANSFER=\n"
				    "EVAL_ONLY=false\n"
				    "SCENARIO_TYPE=fixed-seq-len\n"
				    "KV_OFFLOADING=\n"
				    "KV_OFFLOAD_BACKEND=\n"
				    "KV_OFFLOAD_BACKEND_METADATA=\n"
				    "TOTAL_CPU_DRAM_GB=0\n"
				    "DURATION=3600\n");
	env_release(&env);
	entry_release(&e);
	profile_release(&p);
	buf_release(&tail);

	load(&e, &p, multi_v2_json, "launcher: slurm\ngpu: gb200\nport: 8000\nslurm:\n  partition: x\n");
	in.entry = &e;
	assert_int_equal(entry_to_env(&env, &in, &d), 0);
	static const char *const want[][2] = {
		{ "PREFILL_PP_SIZE", "2" }, { "PREFILL_DCP_SIZE", "1" }, { "PREFILL_HARDWARE", "gb200" },
		{ "DECODE_PP_SIZE", "1" }, { "DECODE_HARDWARE", "gb300" }, { "DECODE_NUM_WORKERS", "0" },
		{ "KV_P2P_TRANSFER", "nixl" }, { "EVAL_CONC", "90" }, { "ROUTER_METADATA", "" },
		{ "RECIPE_FINGERPRINT", "" },
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		const char *got = env_get(&env, want[k][0]);
		if (!got || strcmp(got, want[k][1]))
			fail_msg("%s: want '%s', got '%s'", want[k][0], want[k][1], got ? got : "(unset)");
	}
	assert_null(env_get(&env, "PP_SIZE"));
	assert_null(env_get(&env, "GPU_COUNT"));
	env_release(&env);
	entry_release(&e);
	profile_release(&p);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_multi_node),
		cmocka_unit_test(test_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
