/* test_api: request bodies (exact bytes, executor-spec 4.4) and the event rules of 4.5:
 * choice events, ITL/E2EL for completions vs chat, usage, [DONE], malformed JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/api.h"
#include "executor/load/jscan.h"

static void test_completions_body(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	int ids[] = { 1000, 29999, 5 };
	struct api_body a = { "m", ids, 3, NULL, 1, 128, true, false };
	api_completions.body(&b, &a);
	assert_string_equal(b.s, "{\"model\": \"m\", \"prompt\": [1000, 29999, 5], "
			    "\"temperature\": 0.0, \"best_of\": 1, \"max_tokens\": 128, "
			    "\"logprobs\": null, \"stream\": true, \"stream_options\": "
			    "{\"include_usage\": true}, \"ignore_eos\": true}");
	buf_reset(&b);
	a.ids = NULL;
	a.text = "hi \"x\"";
	a.ignore_eos = false;
	api_completions.body(&b, &a);
	assert_string_equal(b.s, "{\"model\": \"m\", \"prompt\": \"hi \\\"x\\\"\", "
			    "\"temperature\": 0.0, \"best_of\": 1, \"max_tokens\": 128, "
			    "\"logprobs\": null, \"stream\": true, \"stream_options\": "
			    "{\"include_usage\": true}}");
	buf_release(&b);
}

static void test_chat_body(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct api_body a = { "m", NULL, 0, "hello", 1, 7, true, false };
	api_chat.body(&b, &a);
	assert_string_equal(b.s, "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", "
			    "\"content\": [{\"type\": \"text\", \"text\": \"hello\"}]}], "
			    "\"temperature\": 0.0, \"max_completion_tokens\": 7, \"stream\": true, "
			    "\"stream_options\": {\"include_usage\": true}, \"ignore_eos\": true}");
	buf_release(&b);
}

struct jcase {
	const char *json;
	int rc;
	enum jscan_choices choices;
	long long tokens;
};

static const struct jcase jcases[] = {
	{ "{\"choices\":[{\"text\":\"a\"}]}", 0, JS_CHOICES_NONEMPTY, -1 },
	{ "{\"choices\":[{\"text\":\"\"}]}", 0, JS_CHOICES_NONEMPTY, -1 },
	{ "{\"choices\":[{\"text\":null}]}", 0, JS_CHOICES_NONEMPTY, -1 },
	{ "{\"choices\": [ ] ,\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":12}}", 0,
	  JS_CHOICES_EMPTY, 12 },
	{ "{\"usage\":{\"completion_tokens\":3}}", 0, JS_CHOICES_MISSING, 3 },
	{ "{\"choices\":null,\"usage\":null}", 0, JS_CHOICES_MISSING, -1 },
	{ "{\"id\":\"x\",\"nested\":{\"choices\":[1]}}", 0, JS_CHOICES_MISSING, -1 },
	{ "{\"choices\":[{\"text\":\"a\"}]", -1, 0, 0 },
	{ "not json", -1, 0, 0 },
	{ "{\"a\":1,}", -1, 0, 0 },
	{ "{\"a\":\"\\q\"}", -1, 0, 0 },
	{ "{\"a\":01}", -1, 0, 0 },
	{ "{\"a\":[1,2.5e3,-0,true,false,null,\"\\u00e9\"]}", 0, JS_CHOICES_MISSING, -1 },
	{ "{} x", -1, 0, 0 },
};

static void test_jscan(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(jcases) / sizeof(jcases[0]); i++) {
		struct jscan_event ev;
		int rc = jscan_event(&ev, jcases[i].json, strlen(jcases[i].json));
		if (rc != jcases[i].rc)
			fail_msg("case %zu '%s': rc %d", i, jcases[i].json, rc);
		if (rc)
			continue;
		assert_int_equal(ev.choices, jcases[i].choices);
		assert_int_equal(ev.completion_tokens, jcases[i].tokens);
	}
}

static void feed(struct req_rec *r, const struct api_ops *ops, int64_t t, const char *json)
{
	assert_int_equal(api_event(r, ops, t, json, strlen(json)), 0);
}

static const char *CH = "{\"choices\":[{\"text\":\"x\"}]}";
static const char *USAGE = "{\"choices\":[],\"usage\":{\"completion_tokens\":3}}";

static void test_completions_rules(void **state)
{
	(void)state;
	int64_t itl[8];
	struct req_rec r = { .itl_ns = itl, .itl_alloc = 8 };
	req_rec_start(&r, 100);
	feed(&r, &api_completions, 150, CH);
	feed(&r, &api_completions, 160, CH);
	feed(&r, &api_completions, 175, CH);
	feed(&r, &api_completions, 190, USAGE);
	feed(&r, &api_completions, 195, "[DONE]");
	assert_int_equal(r.first_ns - r.send_ns, 50);   /* TTFT */
	assert_int_equal(r.last_ns - r.send_ns, 75);    /* E2EL: last choice event */
	assert_int_equal(r.itl_nr, 2);
	assert_int_equal(itl[0], 10);
	assert_int_equal(itl[1], 15);
	bool approx;
	assert_int_equal(req_rec_output_tokens(&r, &approx), 3);
	assert_false(approx);
}

static void test_chat_rules(void **state)
{
	(void)state;
	int64_t itl[8];
	struct req_rec r = { .itl_ns = itl, .itl_alloc = 8 };
	req_rec_start(&r, 0);
	feed(&r, &api_chat, 40, "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}");
	feed(&r, &api_chat, 50, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}");
	feed(&r, &api_chat, 55, "{\"other\":1}"); /* not a choice: moves prev and last */
	feed(&r, &api_chat, 70, "{\"choices\":[{\"delta\":{\"content\":\"b\"}}]}");
	feed(&r, &api_chat, 90, USAGE);
	feed(&r, &api_chat, 99, "[DONE]");
	assert_int_equal(r.first_ns, 40);
	assert_int_equal(r.itl_nr, 2);
	assert_int_equal(itl[0], 10);
	assert_int_equal(itl[1], 15);
	assert_int_equal(r.last_ns, 90); /* the usage event counts for chat E2EL */
}

static void test_no_usage_counts_choices(void **state)
{
	(void)state;
	int64_t itl[8];
	struct req_rec r = { .itl_ns = itl, .itl_alloc = 8 };
	req_rec_start(&r, 0);
	feed(&r, &api_completions, 1, CH);
	feed(&r, &api_completions, 2, "{\"choices\":[{\"text\":null}]}");
	feed(&r, &api_completions, 3, "[DONE]");
	feed(&r, &api_completions, 4, CH); /* after [DONE]: ignored */
	bool approx;
	assert_int_equal(req_rec_output_tokens(&r, &approx), 2);
	assert_true(approx);
}

/* Continuous usage stats: chunks of several tokens spread their gap over the tokens (k
 * samples summing to the gap); a chunk without usage after one with it gives one gap; a
 * usage jump past the record's room is clipped to it. */
static void test_itl_per_token(void **state)
{
	(void)state;
	int64_t itl[8];
	struct req_rec r = { .itl_ns = itl, .itl_alloc = 8 };
	req_rec_start(&r, 0);
#define CHU(n) "{\"choices\":[{\"text\":\"x\"}],\"usage\":{\"completion_tokens\":" #n "}}"
	feed(&r, &api_completions, 100, CHU(2)); /* first chunk: 2 tokens, TTFT only */
	feed(&r, &api_completions, 130, CHU(5)); /* 3 tokens in 30: 10, 10, 10 */
	feed(&r, &api_completions, 140, CHU(6)); /* 1 token: 10 */
	feed(&r, &api_completions, 150, CHU(6)); /* no new token: still one gap */
	feed(&r, &api_completions, 160, CHU(8)); /* 2 tokens in 10: 5, 5 */
	assert_int_equal(r.first_ns, 100);
	int64_t want[] = { 10, 10, 10, 10, 10, 5, 5 };
	assert_int_equal(r.itl_nr, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(itl[i], want[i]);
	/* uneven: 3 tokens in 10 ns sum to 10 exactly */
	req_rec_start(&r, 0);
	feed(&r, &api_completions, 100, CHU(1));
	feed(&r, &api_completions, 110, CHU(4));
	assert_int_equal(r.itl_nr, 3);
	assert_int_equal(itl[0] + itl[1] + itl[2], 10);
	/* a claim of 1000 tokens fills the room (8) and no more */
	req_rec_start(&r, 0);
	feed(&r, &api_completions, 100, CHU(1));
	feed(&r, &api_completions, 900, CHU(1001));
	assert_int_equal(r.itl_nr, 8);
	assert_int_equal(itl[7], 100);
	/* the count is still the final usage event's, or else the choice events */
	bool approx;
	assert_int_equal(req_rec_output_tokens(&r, &approx), 2);
	assert_true(approx);
#undef CHU
}

static void test_malformed(void **state)
{
	(void)state;
	int64_t itl[2];
	struct req_rec r = { .itl_ns = itl, .itl_alloc = 2 };
	req_rec_start(&r, 0);
	assert_int_equal(api_event(&r, &api_completions, 1, "{oops", 5), -1);
}

/* --save-detailed's text: the first choice's text (completions) or delta.content (chat),
 * only when it is a string; anything else appends nothing. */
static void test_append_text(void **state)
{
	(void)state;
	static const struct {
		const struct api_ops *ops;
		const char *json, *want;
	} cases[] = {
		{ &api_completions, "{\"choices\":[{\"text\":\" fox\"},{\"text\":\"x\"}]}", " fox" },
		{ &api_completions, "{\"choices\":[{\"text\":\"\\u00e9\\n\"}]}", "\xc3\xa9\n" },
		{ &api_completions, "{\"choices\":[{\"text\":null}]}", "" },
		/* a lone surrogate cannot be UTF-8: U+FFFD, as the JSON reader decodes it */
		{ &api_completions, "{\"choices\":[{\"text\":\"x\\ud800y\"}]}", "x\xef\xbf\xbdy" },
		{ &api_completions, "{\"choices\":[]}", "" },
		{ &api_completions, "{\"choices\":{\"text\":\"no\"}}", "" },
		{ &api_completions, "{oops", "" },
		{ &api_chat, "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}", "hi" },
		{ &api_chat, "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", "" },
		{ &api_chat, "{\"choices\":[{\"text\":\"no\"}]}", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "<");
		cases[i].ops->append_text(&b, cases[i].json, strlen(cases[i].json));
		if (strcmp(b.s + 1, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, b.s + 1, cases[i].want);
		buf_release(&b);
	}
}

/* A "\u0000" in the text is text: kept whole (by length), not the end of it. */
static void test_append_text_nul(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	const char *json = "{\"choices\":[{\"text\":\"a\\u0000b\"}]}";
	api_completions.append_text(&b, json, strlen(json));
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.s, "a\0b", 3);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_completions_body),
		cmocka_unit_test(test_chat_body),
		cmocka_unit_test(test_jscan),
		cmocka_unit_test(test_completions_rules),
		cmocka_unit_test(test_chat_rules),
		cmocka_unit_test(test_no_usage_counts_choices),
		cmocka_unit_test(test_itl_per_token),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_append_text),
		cmocka_unit_test(test_append_text_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
