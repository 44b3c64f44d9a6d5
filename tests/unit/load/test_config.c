/* test_config: the config `run` drives each load with is the one executor-spec 4.8's
 * command line gives `bench` (every field, expectations written from the spec, 4.2 for the
 * flags 4.8 leaves out); the concurrency defaults; the rules bench_config_check keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/load/config.h"

struct run_case {
	const char *framework, *spec_decoding, *base_url;
	long isl, osl, conc;
	/* what 4.8 says the command line carries */
	const char *backend;  /* --backend: openai for trt, else vllm */
	bool chat_template;   /* --use-chat-template: only with mtp */
	const char *url;      /* --base-url, as bench keeps it (no trailing '/') */
};

static const struct run_case cases[] = {
	{ "vllm", "none", "http://127.0.0.1:8000", 1024, 1024, 4, "vllm", false,
	  "http://127.0.0.1:8000" },
	{ "trt", "none", "http://node7:8888", 1024, 8192, 64, "openai", false,
	  "http://node7:8888" },
	{ "trt", "mtp", "http://10.0.0.5:30000/", 8192, 1024, 512, "openai", true,
	  "http://10.0.0.5:30000" },
	{ "sglang", "mtp", "http://h:1//", 1, 2, 1, "vllm", true, "http://h:1" },
	{ "sglang", "draft_model", "http://h:2", 1024, 1024, 8, "vllm", false, "http://h:2" },
	{ "trtllm", "none", "http://h:3", 1024, 1024, 8, "vllm", false, "http://h:3" },
};

static void check_run_config(const struct bench_config *cfg, const struct run_case *c,
			     volatile sig_atomic_t *stop)
{
	/* --model M: both the model id and the name in requests; no --tokenizer */
	assert_string_equal(cfg->model_id, "org/model");
	assert_string_equal(cfg->served_model, "org/model");
	assert_null(cfg->tokenizer_id);
	assert_string_equal(cfg->base_url, c->url);
	assert_string_equal(cfg->backend, c->backend);
	/* vllm and openai both speak completions, at 4.2's default endpoint */
	assert_ptr_equal(cfg->api, &api_completions);
	assert_string_equal(cfg->endpoint, "/v1/completions");
	/* --dataset-name random --random-input-len ISL --random-output-len OSL
	 * --random-range-ratio R; no prefix, seed 0, token-id prompts (4.2) */
	assert_int_equal(cfg->ds.input_len, c->isl);
	assert_int_equal(cfg->ds.output_len, c->osl);
	assert_true(cfg->ds.range_ratio == 0.8);
	assert_int_equal(cfg->ds.prefix_len, 0);
	assert_int_equal(cfg->ds.seed, 0);
	assert_int_equal(cfg->ds.format, PROMPT_IDS);
	assert_int_equal(cfg->use_chat_template, c->chat_template);
	/* --num-prompts 10c --max-concurrency c --num-warmups 2c */
	assert_int_equal(cfg->ds.num_prompts, 10 * c->conc);
	assert_int_equal(cfg->max_concurrency, c->conc);
	assert_int_equal(cfg->num_warmups, 2 * c->conc);
	/* --request-rate inf (burstiness and best-of: 4.2's 1.0 and 1) */
	assert_true(isinf(cfg->request_rate) && cfg->request_rate > 0);
	assert_true(cfg->burstiness == 1.0);
	assert_int_equal(cfg->best_of, 1);
	/* --ignore-eos */
	assert_true(cfg->ignore_eos);
	/* --percentile-metrics ttft,tpot,itl,e2el; --metric-percentiles left at 99 (v1) */
	assert_int_equal(cfg->schema, RESULT_SCHEMA_V1);
	for (int m = 0; m < METRIC_NR; m++)
		assert_true(cfg->metrics[m]);
	assert_int_equal(cfg->percentiles_nr, 1);
	assert_true(cfg->percentiles[0] == 99);
	/* no --goodput, --metadata, --save-detailed, --profile, --disable-tqdm */
	assert_false(cfg->goodput);
	for (int m = 0; m < METRIC_NR; m++)
		assert_true(cfg->goodput_ms[m] < 0);
	assert_int_equal(cfg->metadata_nr, 0);
	assert_false(cfg->save_detailed);
	assert_false(cfg->profile);
	assert_true(cfg->progress);
	/* ours: the 6-hour request limit; the program's stop flag */
	assert_true(cfg->request_timeout_s == 21600);
	assert_ptr_equal(cfg->stop, stop);
}

static void test_run_config_is_the_spec_command_line(void **state)
{
	(void)state;
	static volatile sig_atomic_t stop;
	unsetenv("OPENAI_API_KEY");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct run_case *c = &cases[i];
		struct bench_load_spec spec = { c->base_url, "org/model", c->framework,
						c->spec_decoding, c->isl, c->osl, 0.8, c->conc,
						&stop, RESULT_SCHEMA_V1, 0 };
		struct bench_config cfg;
		struct buf url = BUF_INIT;
		struct diags d = DIAGS_INIT;
		assert_int_equal(bench_config_for_run(&cfg, &url, &spec, &d), 0);
		assert_int_equal(d.nr, 0);
		check_run_config(&cfg, c, &stop);
		assert_null(cfg.bearer);
		buf_release(&url);
		diags_release(&d);
	}
}

/* A v2 entry's load: upstream's client at 843c6254f, whose default percentiles are
 * 90,99,99.9; everything else as for v1. A later v1 goes back to 99. */
static void test_run_config_v2_schema(void **state)
{
	(void)state;
	struct bench_load_spec spec = { "http://h:1", "m", "vllm", "none", 8, 8, 0.8, 1, NULL,
					RESULT_SCHEMA_V2, 0 };
	struct bench_config cfg;
	struct buf url = BUF_INIT;
	struct diags d = DIAGS_INIT;
	assert_int_equal(bench_config_for_run(&cfg, &url, &spec, &d), 0);
	assert_int_equal(cfg.schema, RESULT_SCHEMA_V2);
	assert_int_equal(cfg.percentiles_nr, 3);
	assert_true(cfg.percentiles[0] == 90 && cfg.percentiles[1] == 99 &&
		    cfg.percentiles[2] == 99.9);
	bench_config_set_schema(&cfg, RESULT_SCHEMA_V1);
	assert_int_equal(cfg.schema, RESULT_SCHEMA_V1);
	assert_int_equal(cfg.percentiles_nr, 1);
	assert_true(cfg.percentiles[0] == 99);
	buf_release(&url);
	diags_release(&d);
}

/* Authorization: Bearer $OPENAI_API_KEY only when it is set and not empty (4.4). */
static void test_bearer(void **state)
{
	(void)state;
	struct bench_load_spec spec = { "http://h:1", "m", "vllm", "none", 8, 8, 0.8, 1, NULL,
					 RESULT_SCHEMA_V1, 0 };
	struct bench_config cfg;
	struct buf url = BUF_INIT;
	struct diags d = DIAGS_INIT;
	setenv("OPENAI_API_KEY", "sk-test", 1);
	assert_int_equal(bench_config_for_run(&cfg, &url, &spec, &d), 0);
	assert_string_equal(cfg.bearer, "sk-test");
	setenv("OPENAI_API_KEY", "", 1);
	assert_int_equal(bench_config_for_run(&cfg, &url, &spec, &d), 0);
	assert_null(cfg.bearer);
	unsetenv("OPENAI_API_KEY");
	buf_release(&url);
	diags_release(&d);
}

/* 4.2: without --max-concurrency 1000 prompts and no warm-up; with c, 10c and 2c. */
static void test_concurrency_defaults(void **state)
{
	(void)state;
	struct bench_config cfg;
	bench_config_init(&cfg);
	assert_int_equal(cfg.max_concurrency, 0);
	assert_int_equal(cfg.ds.num_prompts, 1000);
	assert_int_equal(cfg.num_warmups, 0);
	struct diags d = DIAGS_INIT;
	assert_int_equal(bench_config_set_concurrency(&cfg, 16, &d), 0);
	assert_int_equal(cfg.max_concurrency, 16);
	assert_int_equal(cfg.ds.num_prompts, 160);
	assert_int_equal(cfg.num_warmups, 32);
	/* 10 x it would overflow a long (undefined behaviour before the budget could refuse) */
	assert_int_equal(bench_config_set_concurrency(&cfg, 922337203685477581L, &d), -1);
	assert_true(d.usage);
	assert_int_equal(cfg.max_concurrency, 16);
	diags_release(&d);
}

/* A value out of range is a usage error from the builder as from the command line. */
static void test_run_config_refuses(void **state)
{
	(void)state;
	static const struct { double ratio; long conc; const char *want; } rows[] = {
		{ 1.5, 4, "--random-range-ratio: must be in [0, 1]\n" },
		{ -0.1, 4, "--random-range-ratio: must be in [0, 1]\n" },
		{ NAN, 4, "--random-range-ratio: must be in [0, 1]\n" },
		{ 0.8, 0, "--max-concurrency: expected 1 to" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bench_load_spec spec = { "http://h:1", "m", "vllm", "none", 8, 8,
						rows[i].ratio, rows[i].conc, NULL,
						RESULT_SCHEMA_V1, 0 };
		struct bench_config cfg;
		struct buf url = BUF_INIT, msg = BUF_INIT;
		struct diags d = DIAGS_INIT;
		assert_int_equal(bench_config_for_run(&cfg, &url, &spec, &d), -1);
		assert_int_equal(diags_status(&d), EXIT_USAGE);
		diags_format(&msg, &d);
		assert_true(!strncmp(msg.s, rows[i].want, strlen(rows[i].want)));
		buf_release(&url);
		buf_release(&msg);
		diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_config_is_the_spec_command_line),
		cmocka_unit_test(test_run_config_v2_schema),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_concurrency_defaults),
		cmocka_unit_test(test_run_config_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
