/* test_sse: the SSE parser against hand-written streams, each also fed split at every byte
 * position (and byte by byte), which must give the same events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/sse.h"

/* Events joined as "<data>|" */
static int collect(const char *data, size_t n, void *arg)
{
	struct buf *b = arg;
	buf_add(b, data, n);
	buf_addch(b, '|');
	return 0;
}

struct sse_case {
	const char *name, *in, *want;
};

static const struct sse_case cases[] = {
	{ "space", "data: {\"a\":1}\n\n", "{\"a\":1}|" },
	{ "no space", "data:{\"a\":1}\n\n", "{\"a\":1}|" },
	{ "only one space dropped", "data:  x\n\n", " x|" },
	{ "crlf", "data: a\r\n\r\ndata: b\r\n\r\n", "a|b|" },
	{ "comment", ": keep-alive\n\ndata: a\n: mid\n\n", "a|" },
	{ "fields ignored", "event: message\nid: 7\nretry: 100\ndata: a\n\n", "a|" },
	{ "unknown field", "foo: bar\ndata: a\n\n", "a|" },
	{ "multi-line data", "data: a\ndata: b\ndata:c\n\n", "a\nb\nc|" },
	{ "done", "data: {}\n\ndata: [DONE]\n\n", "{}|[DONE]|" },
	{ "no data no event", "event: x\n\n\n\ndata: a\n\n", "a|" },
	{ "unterminated dropped", "data: a\n\ndata: b\n", "a|" },
	{ "data without colon", "data\n\n", "|" },
	{ "empty data", "data:\n\n", "|" },
	{ "cr inside kept", "data: a\rb\n\n", "a\rb|" },
	{ "datax is another field", "datax: a\ndata: b\n\n", "b|" },
	{ "usage chunk",
	  "data: {\"choices\":[],\"usage\":{\"completion_tokens\":3}}\n\ndata: [DONE]\n\n",
	  "{\"choices\":[],\"usage\":{\"completion_tokens\":3}}|[DONE]|" },
};

static void feed_split(struct buf *got, const char *in, size_t split)
{
	struct sse p;
	sse_init(&p);
	size_t n = strlen(in);
	assert_int_equal(sse_feed(&p, in, split, collect, got), 0);
	assert_int_equal(sse_feed(&p, in + split, n - split, collect, got), 0);
	sse_release(&p);
}

static void test_cases_every_split(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t n = strlen(cases[c].in);
		for (size_t split = 0; split <= n; split++) {
			struct buf got = BUF_INIT;
			feed_split(&got, cases[c].in, split);
			if (strcmp(got.s, cases[c].want))
				fail_msg("%s, split at %zu: got '%s', want '%s'", cases[c].name,
					 split, got.s, cases[c].want);
			buf_release(&got);
		}
	}
}

static void test_byte_by_byte(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sse p;
		struct buf got = BUF_INIT;
		sse_init(&p);
		for (const char *s = cases[c].in; *s; s++)
			assert_int_equal(sse_feed(&p, s, 1, collect, &got), 0);
		assert_string_equal(got.s, cases[c].want);
		sse_release(&p);
		buf_release(&got);
	}
}

static int stop_at_first(const char *data, size_t n, void *arg)
{
	(void)data;
	(void)n;
	++*(int *)arg;
	return 7;
}

static void test_callback_stops(void **state)
{
	(void)state;
	struct sse p;
	int calls = 0;
	sse_init(&p);
	assert_int_equal(sse_feed(&p, "data: a\n\ndata: b\n\n", 18, stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
	sse_release(&p);
}

static void test_reset_forgets_partial(void **state)
{
	(void)state;
	struct sse p;
	struct buf got = BUF_INIT;
	sse_init(&p);
	sse_feed(&p, "data: partial", 13, collect, &got);
	sse_reset(&p);
	sse_feed(&p, "data: b\n\n", 9, collect, &got);
	assert_string_equal(got.s, "b|");
	sse_release(&p);
	buf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_every_split),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_reset_forgets_partial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
