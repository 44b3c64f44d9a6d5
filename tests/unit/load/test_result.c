/* test_result: the raw result of a hand-built run, byte for byte (executor-spec 4.7): key
 * order, number formats, pNN names, goodput, failures, metadata rules; requests without a
 * TTFT or E2EL sample. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/load/bench.h"
#include "executor/load/raw_result.h"
#include "executor/load/result.h"

#define MS 1000000LL

static int64_t itl0[4] = { 10 * MS, 10 * MS };

static void build(struct bench_config *cfg, struct bench_result *r, struct bench_req q[3])
{
	static double pcts[] = { 99, 99.9 };
	static const char *meta[] = { " a = b = c", "k=v", "backend=mine" };
	bench_config_init(cfg);
	cfg->model_id = "org/m";
	cfg->ds.num_prompts = 3;
	cfg->max_concurrency = 2;
	cfg->percentiles = pcts;
	cfg->percentiles_nr = 2;
	cfg->goodput = true;
	cfg->goodput_ms[METRIC_TTFT] = 45;
	cfg->metadata = meta;
	cfg->metadata_nr = 3;
	memset(q, 0, 3 * sizeof(*q));
	/* q0: send 0, choice events at 50, 60, 70 ms, usage 3 */
	q[0].rec = (struct req_rec){ 0, 50 * MS, 70 * MS, 70 * MS, 3, 3, true, itl0, 2, 4, NULL, -1 };
	q[0].prompt_len = 10;
	q[0].output_len = 3;
	q[0].ok = true;
	/* q1: one event at 40 ms, no usage: approximate 1 */
	q[1].rec = (struct req_rec){ 0, 40 * MS, 40 * MS, 40 * MS, -1, 1, true, NULL, 0, 0, NULL, -1 };
	q[1].prompt_len = 20;
	q[1].output_len = 16;
	q[1].ok = true;
	q[2].fail = FAIL_HTTP;
	q[2].http_status = 500;
	q[2].prompt_len = 30;
	/* client timing: due 0, 1 and 2 ms before they left; q0 on a fresh connection */
	for (int i = 0; i < 3; i++) {
		q[i].issued = true;
		q[i].sched_delay_ns = i * MS;
		q[i].connect_ns = i ? -1 : MS / 4;
	}
	memset(r, 0, sizeof(*r));
	r->reqs = q;
	r->nr = 3;
	r->duration_s = 2.0;
	r->date_unix = 0;
	r->start_unix = 1000.0;
	r->end_unix = 1002.0;
	r->cpu_s = 0.5;
	r->peak_rss_bytes = 1048576;
	r->max_loop_lag_ms = 0.25;
	bench_result_compute(r, cfg);
}

static const char *want =
	"{\"date\": \"19700101-000000\", \"backend\": \"mine\", \"model_id\": \"org/m\", "
	"\"tokenizer_id\": \"org/m\", \"best_of\": 1, \"num_prompts\": 3, \"a\": \"b\", "
	"\"k\": \"v\", \"request_rate\": \"inf\", \"burstiness\": 1.0, \"max_concurrency\": 2, "
	"\"duration\": 2.0, \"completed\": 2, \"total_input_tokens\": 30, "
	"\"total_output_tokens\": 4, \"request_throughput\": 1.0, \"request_goodput:\": 0.5, "
	"\"output_throughput\": 2.0, \"total_token_throughput\": 17.0, "
	"\"mean_ttft_ms\": 45.0, \"median_ttft_ms\": 45.0, \"std_ttft_ms\": 5.0, "
	"\"p99_ttft_ms\": 49.9, \"p99.9_ttft_ms\": 49.99, "
	"\"mean_tpot_ms\": 10.0, \"median_tpot_ms\": 10.0, \"std_tpot_ms\": 0.0, "
	"\"p99_tpot_ms\": 10.0, \"p99.9_tpot_ms\": 10.0, "
	"\"mean_itl_ms\": 10.0, \"median_itl_ms\": 10.0, \"std_itl_ms\": 0.0, "
	"\"p99_itl_ms\": 10.0, \"p99.9_itl_ms\": 10.0, "
	"\"mean_e2el_ms\": 55.0, \"median_e2el_ms\": 55.0, \"std_e2el_ms\": 15.0, "
	"\"p99_e2el_ms\": 69.7, \"p99.9_e2el_ms\": 69.97, "
	"\"failures\": {\"http_500\": 1}, \"client\": {\"cpu_s\": 0.5, "
	"\"peak_rss_bytes\": 1048576, \"max_loop_lag_ms\": 0.25, "
	"\"approximate_input_tokens\": false, \"approximate_output_tokens\": 1, "
	"\"output_len_mismatches\": 0, \"saturated\": false, "
	"\"schedule_delay_ms\": {\"count\": 3, \"mean\": 1.0, \"p50\": 1.0, \"p90\": 1.8, "
	"\"p99\": 1.98, \"p99.9\": 1.9980000000000002, \"max\": 2.0}, \"connect_ms\": {\"count\": 1, "
	"\"mean\": 0.25, \"p50\": 0.25, \"p90\": 0.25, \"p99\": 0.25, \"p99.9\": 0.25, "
	"\"max\": 0.25}, \"send_rate\": 0.0, \"schedule_rate\": 0.0, \"slot_wait_share\": 0.0, \"saturation\": \"none\"}, \"benchmark_start_time_unix\": 1000.0, "
	"\"benchmark_end_time_unix\": 1002.0}";

/* The max_tokens check: which counts break it, and when the run counts as ignoring it. */
static const struct {
	bool ignore_eos;
	long asked;
	long long usage;   /* -1: no usage (1 choice event counted) */
	long want;         /* output_len_mismatches */
} len_cases[] = {
	{ true, 3, 3, 0 },   /* q0 as built: exact */
	{ true, 4, 3, 1 },   /* fewer with ignore_eos */
	{ false, 4, 3, 0 },  /* fewer without: EOS may end it */
	{ false, 2, 3, 1 },  /* more, either way */
	{ true, 2, -1, 0 },  /* no usage, 1 counted event <= 2 asked: no conclusion */
	{ true, 0, -1, 1 },  /* no usage, 1 counted event > 0 asked */
};

static void test_output_len_mismatches(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
		struct bench_config cfg;
		struct bench_result r;
		struct bench_req q[3];
		build(&cfg, &r, q);
		cfg.ignore_eos = len_cases[i].ignore_eos;
		q[0].output_len = len_cases[i].asked;
		q[0].rec.usage_tokens = len_cases[i].usage;
		q[0].rec.choice_events = len_cases[i].usage < 0 ? 1 : 3;
		bench_result_compute(&r, &cfg);
		assert_int_equal(r.output_len_mismatches, len_cases[i].want);
		/* 1 of 2 successful requests is over 1%: the run ignores max_tokens */
		assert_int_equal(bench_ignores_max_tokens(&r), len_cases[i].want > 0);
		for (int m = 0; m < METRIC_NR; m++)
			stats_summary_release(&r.summary[m]);
		stats_summary_release(&r.sched_delay);
		stats_summary_release(&r.connect);
	}
}

static void test_raw_result_bytes(void **state)
{
	(void)state;
	struct bench_config cfg;
	struct bench_result r;
	struct bench_req q[3];
	build(&cfg, &r, q);
	struct buf out = BUF_INIT;
	bench_result_write_json(&out, &cfg, &r);
	assert_string_equal(out.s, want);
	buf_release(&out);
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r.summary[m]);
	stats_summary_release(&r.sched_delay);
	stats_summary_release(&r.connect);
}

/* v2 (upstream's client at 843c6254f): the wall-clock keys right after duration, input_lens
 * and output_lens without --save-detailed, the rest as v1 (our extras last). */
static const char *want_v2 =
	"{\"date\": \"19700101-000000\", \"backend\": \"mine\", \"model_id\": \"org/m\", "
	"\"tokenizer_id\": \"org/m\", \"best_of\": 1, \"num_prompts\": 3, \"a\": \"b\", "
	"\"k\": \"v\", \"request_rate\": \"inf\", \"burstiness\": 1.0, \"max_concurrency\": 2, "
	"\"duration\": 2.0, \"benchmark_start_time_unix\": 1000.0, "
	"\"benchmark_end_time_unix\": 1002.0, \"completed\": 2, \"total_input_tokens\": 30, "
	"\"total_output_tokens\": 4, \"request_throughput\": 1.0, \"request_goodput:\": 0.5, "
	"\"output_throughput\": 2.0, \"total_token_throughput\": 17.0, "
	"\"input_lens\": [10, 20, 30], \"output_lens\": [3, 1, 0], "
	"\"mean_ttft_ms\": 45.0, \"median_ttft_ms\": 45.0, \"std_ttft_ms\": 5.0, "
	"\"p99_ttft_ms\": 49.9, \"p99.9_ttft_ms\": 49.99, "
	"\"mean_tpot_ms\": 10.0, \"median_tpot_ms\": 10.0, \"std_tpot_ms\": 0.0, "
	"\"p99_tpot_ms\": 10.0, \"p99.9_tpot_ms\": 10.0, "
	"\"mean_itl_ms\": 10.0, \"median_itl_ms\": 10.0, \"std_itl_ms\": 0.0, "
	"\"p99_itl_ms\": 10.0, \"p99.9_itl_ms\": 10.0, "
	"\"mean_e2el_ms\": 55.0, \"median_e2el_ms\": 55.0, \"std_e2el_ms\": 15.0, "
	"\"p99_e2el_ms\": 69.7, \"p99.9_e2el_ms\": 69.97, "
	"\"failures\": {\"http_500\": 1}, \"client\": {\"cpu_s\": 0.5, "
	"\"peak_rss_bytes\": 1048576, \"max_loop_lag_ms\": 0.25, "
	"\"approximate_input_tokens\": false, \"approximate_output_tokens\": 1, "
	"\"output_len_mismatches\": 0, \"saturated\": false, "
	"\"schedule_delay_ms\": {\"count\": 3, \"mean\": 1.0, \"p50\": 1.0, \"p90\": 1.8, "
	"\"p99\": 1.98, \"p99.9\": 1.9980000000000002, \"max\": 2.0}, \"connect_ms\": {\"count\": 1, "
	"\"mean\": 0.25, \"p50\": 0.25, \"p90\": 0.25, \"p99\": 0.25, \"p99.9\": 0.25, "
	"\"max\": 0.25}, \"send_rate\": 0.0, \"schedule_rate\": 0.0, \"slot_wait_share\": 0.0, \"saturation\": \"none\"}}";

static void test_raw_result_v2_bytes(void **state)
{
	(void)state;
	struct bench_config cfg;
	struct bench_result r;
	struct bench_req q[3];
	build(&cfg, &r, q);
	cfg.schema = RESULT_SCHEMA_V2;
	struct buf out = BUF_INIT;
	bench_result_write_json(&out, &cfg, &r);
	assert_string_equal(out.s, want_v2);
	/* --save-detailed: the six lists in upstream's order, after total_token_throughput */
	cfg.save_detailed = true;
	buf_reset(&out);
	bench_result_write_json(&out, &cfg, &r);
	assert_non_null(strstr(out.s, "\"total_token_throughput\": 17.0, \"input_lens\": [10, 20, "
				"30], \"output_lens\": [3, 1, 0], \"ttfts\": [0.05, 0.04, 0.0], "
				"\"itls\": [[0.01, 0.01], [], []], \"generated_texts\": [\"\", \"\", "
				"\"\"], \"errors\": [\"\", \"\", \"http_500\"], \"mean_ttft_ms\""));
	buf_release(&out);
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r.summary[m]);
	stats_summary_release(&r.sched_delay);
	stats_summary_release(&r.connect);
}

/* --save-detailed: a generated text is written whole, a NUL in it as \u0000 (it was cut). */
static void test_detailed_text_with_nul(void **state)
{
	(void)state;
	struct bench_config cfg;
	struct bench_result r;
	struct bench_req q[3];
	build(&cfg, &r, q);
	cfg.save_detailed = true;
	struct buf text = BUF_INIT;
	buf_add(&text, "a\0b", 3);
	q[0].rec.text = &text;
	struct buf out = BUF_INIT;
	bench_result_write_json(&out, &cfg, &r);
	assert_non_null(strstr(out.s, "\"generated_texts\": [\"a\\u0000b\", \"\", \"\"]"));
	buf_release(&out);
	buf_release(&text);
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r.summary[m]);
	stats_summary_release(&r.sched_delay);
	stats_summary_release(&r.connect);
}

static void test_only_listed_metrics_and_rate(void **state)
{
	(void)state;
	struct bench_config cfg;
	struct bench_result r;
	struct bench_req q[3];
	build(&cfg, &r, q);
	cfg.metrics[METRIC_TPOT] = cfg.metrics[METRIC_ITL] = false;
	cfg.goodput = false;
	cfg.request_rate = 10;
	cfg.max_concurrency = 0;
	struct buf out = BUF_INIT;
	bench_result_write_json(&out, &cfg, &r);
	assert_non_null(strstr(out.s, "\"request_rate\": 10.0, \"burstiness\": 1.0, "
				"\"max_concurrency\": null"));
	assert_non_null(strstr(out.s, "\"request_goodput:\": null"));
	assert_null(strstr(out.s, "tpot"));
	assert_null(strstr(out.s, "_itl_"));
	assert_non_null(strstr(out.s, "\"p99.9_ttft_ms\": 49.99, \"mean_e2el_ms\""));
	buf_release(&out);
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r.summary[m]);
	stats_summary_release(&r.sched_delay);
	stats_summary_release(&r.connect);
}

/* Chat requests succeed on HTTP 200 alone: one with only a usage event has no TTFT (and no
 * TPOT), one with no event at all has no E2EL either. They give no such samples and pass
 * goodput limits on them; they are still completed requests. */
static void test_chat_without_choice_events(void **state)
{
	(void)state;
	struct bench_config cfg;
	struct bench_result r;
	struct bench_req q[3];
	bench_config_init(&cfg);
	cfg.api = &api_chat;
	cfg.goodput = true;
	cfg.goodput_ms[METRIC_TTFT] = 60;
	cfg.goodput_ms[METRIC_TPOT] = 5;
	memset(q, 0, sizeof(q));
	/* q0: sent at 1000 ms, choice events at 1050 and 1070 ms, usage 3 */
	q[0].rec = (struct req_rec){ 1000 * MS, 1050 * MS, 1070 * MS, 1070 * MS, 3, 2, true,
				     NULL, 0, 0, NULL, -1 };
	/* q1: a usage-only event at 1030 ms, usage 5 */
	q[1].rec = (struct req_rec){ 1000 * MS, 0, 1030 * MS, 1030 * MS, 5, 0, true, NULL, 0, 0,
				     NULL, -1 };
	/* q2: no event */
	q[2].rec = (struct req_rec){ 1000 * MS, 0, 0, 0, -1, 0, true, NULL, 0, 0, NULL, -1 };
	for (int i = 0; i < 3; i++)
		q[i].ok = true;
	memset(&r, 0, sizeof(r));
	r.reqs = q;
	r.nr = 3;
	bench_result_compute(&r, &cfg);
	assert_int_equal(r.completed, 3);
	assert_true(fabs(r.summary[METRIC_TTFT].mean - 50.0) < 1e-9);
	assert_true(fabs(r.summary[METRIC_TTFT].std) < 1e-9);
	assert_true(fabs(r.summary[METRIC_TPOT].mean - 10.0) < 1e-9);
	assert_true(fabs(r.summary[METRIC_E2EL].mean - 50.0) < 1e-9); /* 70 and 30 */
	assert_int_equal(r.good, 2); /* q0 fails TPOT 10 > 5; q1 and q2 have no TTFT/TPOT */
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r.summary[m]);
	stats_summary_release(&r.sched_delay);
	stats_summary_release(&r.connect);
}

struct meta_case {
	const char *item, *key, *value;
};

static void test_metadata(void **state)
{
	(void)state;
	static const struct meta_case cases[] = {
		{ "k=v", "k", "v" },
		{ " k = v ", "k", "v" },
		{ "k=v=w", "k", "v" },
		{ "k=", "k", "" },
		{ "=v", "", "v" },
		{ "url=http://x/?a=b", "url", "http://x/?a" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *k, *v;
		assert_int_equal(metadata_parse(&k, &v, cases[i].item, NULL), 0);
		assert_string_equal(k, cases[i].key);
		assert_string_equal(v, cases[i].value);
		free(k);
		free(v);
	}
	struct diags d = DIAGS_INIT;
	char *k, *v;
	assert_int_equal(metadata_parse(&k, &v, "novalue", &d), -1);
	assert_int_equal(diags_status(&d), EXIT_USAGE);
	diags_release(&d);
}

static void test_percentile_names(void **state)
{
	(void)state;
	static const struct { double p; const char *name; } cases[] = {
		{ 99, "p99" }, { 99.0, "p99" }, { 99.9, "p99.9" }, { 50, "p50" }, { 0.5, "p0.5" },
		{ 100, "p100" }, { 99.99, "p99.99" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		percentile_name(&b, cases[i].p);
		assert_string_equal(b.s, cases[i].name);
		buf_release(&b);
	}
}

static void test_rkeys_first_position_last_value(void **state)
{
	(void)state;
	struct rkeys k = { 0 };
	buf_adds(rkeys_set(&k, "a"), "1");
	buf_adds(rkeys_set(&k, "b"), "2");
	buf_adds(rkeys_set(&k, "a"), "3");
	struct buf out = BUF_INIT;
	rkeys_write(&out, &k);
	assert_string_equal(out.s, "{\"a\": 3, \"b\": 2}");
	buf_release(&out);
	rkeys_release(&k);
}

/* docs/executor.md's list of failure reasons names every reason the result writes, and
 * nothing else (it once said no_choice where the result writes no_choice_event). */
static void test_failure_names_documented(void **state)
{
	(void)state;
	struct buf doc = BUF_INIT, path = BUF_INIT, want = BUF_INIT;
	struct diags d = DIAGS_INIT;
	buf_addf(&path, "%s/../docs/executor.md", TESTS_DIR);
	assert_int_equal(file_read_all(&doc, path.s, &d), 0);
	const char *start = strstr(doc.s, "Failure reasons in `failures`:");
	assert_non_null(start);
	const char *end = strstr(start, ".\n");
	assert_non_null(end);
	struct buf list = BUF_INIT;
	buf_add(&list, start, (size_t)(end - start));
	for (int f = FAIL_NONE + 1; f < FAIL_NR; f++) {
		buf_reset(&want);
		buf_addf(&want, "`%s%s`", fail_names[f], f == FAIL_HTTP ? "_<status>" : "");
		if (!strstr(list.s, want.s))
			fail_msg("docs/executor.md does not list %s", want.s);
	}
	size_t listed = 0;
	for (const char *q = list.s; (q = strchr(q, '`')); q++, listed++)
		;
	assert_int_equal(listed % 2, 0);
	assert_int_equal(listed / 2 - 1, FAIL_NR - 1); /* "`failures`" itself, then one each */
	buf_release(&list);
	buf_release(&doc);
	buf_release(&path);
	buf_release(&want);
	diags_release(&d);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_result_bytes),
		cmocka_unit_test(test_raw_result_v2_bytes),
		cmocka_unit_test(test_output_len_mismatches),
		cmocka_unit_test(test_failure_names_documented),
		cmocka_unit_test(test_detailed_text_with_nul),
		cmocka_unit_test(test_only_listed_metrics_and_rate),
		cmocka_unit_test(test_chat_without_choice_events),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_percentile_names),
		cmocka_unit_test(test_rkeys_first_position_last_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
