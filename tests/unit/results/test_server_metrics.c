/* server_metrics: the reduction of scrapes files built by hand, each figure against the value
 * worked out in the comment beside it; then broken files and their diags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/results/server_metrics.h"

#define HEAD "{\"format\": \"inferencex-server-metrics-1\", \"url\": \"u\", \"interval_s\": 1, " \
	     "\"scrapes\": ["

static const char vllm[] = HEAD
	"{\"phase\": \"before\", \"unix\": 100, \"status\": 200, \"samples\": ["
	"[\"vllm:prefix_cache_hits_total\", {}, 10], [\"vllm:prefix_cache_queries_total\", {}, 100],"
	"[\"vllm:prompt_tokens_total\", {\"engine\": \"0\"}, 60],"
	"[\"vllm:prompt_tokens_total\", {\"engine\": \"1\"}, 40],"
	"[\"vllm:generation_tokens_total\", {}, 50], [\"vllm:num_preemptions_total\", {}, 1],"
	"[\"vllm:num_requests_running\", {}, 99]]},"
	"{\"phase\": \"during\", \"unix\": 101, \"status\": 200, \"samples\": ["
	"[\"vllm:num_requests_running\", {\"engine\": \"0\"}, 2],"
	"[\"vllm:num_requests_running\", {\"engine\": \"1\"}, 1],"
	"[\"vllm:num_requests_waiting\", {}, 1],"
	"[\"vllm:kv_cache_usage_perc\", {\"engine\": \"0\"}, 0.2],"
	"[\"vllm:kv_cache_usage_perc\", {\"engine\": \"1\"}, 0.5],"
	"[\"vllm:time_to_first_token_seconds_bucket\", {\"le\": \"+Inf\"}, \"+Inf\"]]},"
	"{\"phase\": \"during\", \"unix\": 102, \"status\": 200, \"samples\": ["
	"[\"vllm:num_requests_running\", {}, 5], [\"vllm:num_requests_waiting\", {}, 0],"
	"[\"vllm:gpu_cache_usage_perc\", {}, 0.25]]},"
	"{\"phase\": \"during\", \"unix\": 103, \"status\": 500, \"error\": \"HTTP 500\", "
	"\"samples\": []},"
	"{\"phase\": \"after\", \"unix\": 104, \"status\": 200, \"samples\": ["
	"[\"vllm:prefix_cache_hits_total\", {}, 40], [\"vllm:prefix_cache_queries_total\", {}, 200],"
	"[\"vllm:prompt_tokens_total\", {}, 200], [\"vllm:generation_tokens_total\", {}, 250],"
	"[\"vllm:num_preemptions_total\", {}, 4], [\"vllm:num_requests_running\", {}, 77]]}]}";

static void expect(const struct server_metrics *m, enum sm_figure f, double v)
{
	if (!m->fig[f].ok)
		fail_msg("%s: null, want %.17g", sm_keys[f], v);
	if (m->fig[f].v != v)
		fail_msg("%s: %.17g, want %.17g", sm_keys[f], m->fig[f].v, v);
}

static void expect_null(const struct server_metrics *m, enum sm_figure f)
{
	if (m->fig[f].ok)
		fail_msg("%s: %.17g, want null", sm_keys[f], m->fig[f].v);
}

static void test_vllm(void **state)
{
	(void)state;
	struct server_metrics m;
	struct diags d = DIAGS_INIT;
	assert_int_equal(server_metrics_reduce(&m, vllm, strlen(vllm), "v", &d), 0);
	assert_string_equal(m.adapter, "vllm");
	assert_int_equal(m.scrapes, 4);                   /* the HTTP 500 one does not count */
	expect(&m, SM_PREFIX_HIT_RATE, 30.0 / 100.0);     /* (40 - 10) / (200 - 100) */
	expect(&m, SM_PROMPT_TOKENS, 100);                /* 200 - (60 + 40): series summed */
	expect(&m, SM_GENERATION_TOKENS, 200);
	expect(&m, SM_PREEMPTIONS, 3);
	expect(&m, SM_GENERATION_THROUGHPUT, 200.0 / 4); /* over 104 - 100 s */
	/* gauges: the two during scrapes only (99 before and 77 after are not read) */
	expect(&m, SM_RUNNING_MEAN, (3.0 + 5.0) / 2);    /* 2 + 1 summed, then 5 */
	expect(&m, SM_RUNNING_MAX, 5);
	expect(&m, SM_WAITING_MEAN, 0.5);
	expect(&m, SM_WAITING_MAX, 1);
	expect(&m, SM_KV_USAGE_MEAN, (0.5 + 0.25) / 2);  /* largest series; the old name */
	expect(&m, SM_KV_USAGE_MAX, 0.5);
	diags_release(&d);
}

static const char sglang[] = HEAD
	"{\"phase\": \"before\", \"unix\": 10, \"status\": 200, \"samples\": ["
	"[\"sglang:prompt_tokens_total\", {}, 100],"
	"[\"sglang:cached_tokens_total\", {\"cache_source\": \"device\"}, 5],"
	"[\"sglang:generation_tokens_total\", {}, 7],"
	"[\"sglang:num_retracted_requests_total\", {}, 2],"
	"[\"sglang:num_running_reqs\", {}, 4], [\"sglang:token_usage\", {}, 0.5]]},"
	"{\"phase\": \"after\", \"unix\": 10, \"status\": 200, \"samples\": ["
	"[\"sglang:prompt_tokens_total\", {}, 300],"
	"[\"sglang:cached_tokens_total\", {\"cache_source\": \"device\"}, 65],"
	"[\"sglang:cached_tokens_total\", {\"cache_source\": \"host\"}, 20],"
	"[\"sglang:generation_tokens_total\", {}, 3],"
	"[\"sglang:num_running_reqs\", {}, 2], [\"sglang:token_usage\", {}, \"NaN\"]]}]}";

static void test_sglang(void **state)
{
	(void)state;
	struct server_metrics m;
	struct diags d = DIAGS_INIT;
	assert_int_equal(server_metrics_reduce(&m, sglang, strlen(sglang), "s", &d), 0);
	assert_string_equal(m.adapter, "sglang");
	expect(&m, SM_PREFIX_HIT_RATE, 80.0 / 200.0); /* (65 + 20 - 5) / (300 - 100) */
	expect(&m, SM_PROMPT_TOKENS, 200);
	expect_null(&m, SM_GENERATION_TOKENS);        /* went down: a restarted server */
	expect_null(&m, SM_GENERATION_THROUGHPUT);
	expect_null(&m, SM_PREEMPTIONS);              /* missing after */
	expect_null(&m, SM_WAITING_MEAN);             /* never sent */
	/* no during scrape: the gauges over all scrapes */
	expect(&m, SM_RUNNING_MEAN, 3);
	expect(&m, SM_RUNNING_MAX, 4);
	diags_release(&d);
}

static void test_none(void **state)
{
	(void)state;
	struct server_metrics m;
	struct diags d = DIAGS_INIT;
	const char *t = HEAD "{\"phase\": \"before\", \"unix\": 1, \"status\": -1, "
		"\"error\": \"no response\", \"samples\": []}]}";
	assert_int_equal(server_metrics_reduce(&m, t, strlen(t), "n", &d), 0);
	assert_string_equal(m.adapter, "none");
	assert_int_equal(m.scrapes, 0);
	for (int f = 0; f < SM_NR; f++)
		expect_null(&m, (enum sm_figure)f);
	diags_release(&d);
}

static const struct {
	const char *text, *diag;
} bad[] = {
	{ "[1]", "b:1:1: format: expected \"inferencex-server-metrics-1\", found a list" },
	{ "{\"format\": \"x\"}", "b:1:12: format: expected \"inferencex-server-metrics-1\", "
	  "found a string" },
	{ "{\"format\": \"inferencex-server-metrics-1\"}", "b: scrapes: expected an array, found "
	  "nothing" },
	{ HEAD "3]}", "b:1:84: scrapes[0]: expected an object with phase (string) and unix "
	  "(number), found an integer" },
	{ HEAD "{\"phase\": \"before\", \"unix\": 1, \"samples\": [[\"m\", {}, \"1\"]]}]}",
	  "b:1:127: scrapes[0].samples[0]: expected [name, {labels}, value], found a list" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct server_metrics m;
		struct diags d = DIAGS_INIT;
		struct buf out = BUF_INIT;
		assert_int_equal(server_metrics_reduce(&m, bad[i].text, strlen(bad[i].text), "b",
						       &d), -1);
		diags_format(&out, &d);
		while (out.len && out.s[out.len - 1] == '\n')
			buf_setlen(&out, out.len - 1);
		if (strcmp(out.s, bad[i].diag))
			fail_msg("case %zu: got '%s', want '%s'", i, out.s, bad[i].diag);
		buf_release(&out);
		diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vllm), cmocka_unit_test(test_sglang),
		cmocka_unit_test(test_none), cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
