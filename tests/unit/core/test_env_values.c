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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_multi_node),
		cmocka_unit_test(test_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
