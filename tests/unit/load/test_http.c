/* test_http: the response parser: Content-Length, chunked (split at every byte position),
 * close-delimited bodies, keep-alive rules, bytes after the response, broken framing, the
 * head size cap, interim (1xx) heads skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/http.h"

static int body(const char *p, size_t n, void *arg)
{
	buf_add(arg, p, n);
	return 0;
}

struct http_case {
	const char *name, *in;
	int rc;             /* after feeding everything */
	int status;
	bool keep_alive;
	const char *body;
	size_t extra;       /* bytes after the response */
};

static const struct http_case cases[] = {
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n", HTTP_DONE, 200, true, "hello, world", 0 },
	{ "chunked trailer", "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
	  "A\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n", HTTP_DONE, 200, true, "0123456789", 0 },
	{ "length", "HTTP/1.1 500 Internal\r\nContent-Length: 3\r\n\r\nabc", HTTP_DONE, 500,
	  true, "abc", 0 },
	{ "length extra", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabXY", HTTP_DONE, 200,
	  true, "ab", 2 },
	{ "empty length", "HTTP/1.1 429 Too Many\r\nContent-Length: 0\r\n\r\n", HTTP_DONE, 429,
	  true, "", 0 },
	{ "close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nrest", HTTP_MORE, 200, false,
	  "rest", 0 },
	{ "http/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", HTTP_DONE, 200, false,
	  "x", 0 },
	{ "conn close with length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: "
	  "close\r\n\r\nx", HTTP_DONE, 200, false, "x", 0 },
	{ "bare LF head", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", HTTP_DONE, 200, true, "x",
	  0 },
	{ "partial", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", HTTP_MORE,
	  200, true, "hel", 0 },
	{ "not http", "SSH-2.0\r\n\r\n", HTTP_ERR, 0, false, "", 0 },
	{ "100 continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	  "Content-Length: 2\r\n\r\nok", HTTP_DONE, 200, true, "ok", 0 },
	{ "two interim heads", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
	  "Link: </a>\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "2\r\nhi\r\n0\r\n\r\n", HTTP_DONE, 200, true, "hi", 0 },
	{ "only interim", "HTTP/1.1 100 Continue\r\n\r\n", HTTP_MORE, 0, false, "", 0 },
	{ "interim heads forever", "HTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\n"
	  "HTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\n"
	  "HTTP/1.1 100 A\r\n\r\nHTTP/1.1 100 A\r\n\r\n", HTTP_ERR, 100, true, "", 0 },
	{ "101 is not reused", "HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\n\r\n", HTTP_DONE, 101,
	  false, "", 0 },
	{ "length with garbage", "HTTP/1.1 200 OK\r\nContent-Length: 37XK\r\n\r\n", HTTP_ERR, 200,
	  true, "", 0 },
	{ "chunked beside a length", "HTTP/1.1 200 OK\r\nContent-Length: 37\r\n"
	  "Transfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n", HTTP_MORE, 200, true, "", 0 },
	{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	  HTTP_ERR, 200, true, "", 0 },
};

static int feed_all(struct http_resp *r, struct buf *got, const char *in, size_t n,
		    size_t split, size_t *extra)
{
	size_t used;
	int rc = http_resp_feed(r, in, split, &used, body, got);
	if (rc != HTTP_MORE) {
		*extra = n - used;
		return rc;
	}
	rc = http_resp_feed(r, in + split, n - split, &used, body, got);
	*extra = rc == HTTP_DONE ? n - split - used : 0;
	return rc;
}

static void test_every_split(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct http_case *k = &cases[c];
		size_t n = strlen(k->in);
		for (size_t split = 0; split <= n; split++) {
			struct http_resp r;
			struct buf got = BUF_INIT;
			http_resp_init(&r);
			http_resp_start(&r);
			size_t extra = 0;
			int rc = feed_all(&r, &got, k->in, n, split, &extra);
			if (rc != k->rc)
				fail_msg("%s split %zu: rc %d want %d", k->name, split, rc, k->rc);
			if (rc != HTTP_ERR) {
				assert_int_equal(r.status, k->status);
				assert_int_equal(r.keep_alive, k->keep_alive);
				if (strcmp(got.s, k->body))
					fail_msg("%s split %zu: body '%s'", k->name, split, got.s);
				assert_int_equal(extra, k->extra);
			}
			http_resp_release(&r);
			buf_release(&got);
		}
	}
}

static void test_close_delimited_eof(void **state)
{
	(void)state;
	struct http_resp r;
	struct buf got = BUF_INIT;
	size_t used;
	http_resp_init(&r);
	http_resp_start(&r);
	const char *in = "HTTP/1.1 200 OK\r\n\r\nall of it";
	assert_int_equal(http_resp_feed(&r, in, strlen(in), &used, body, &got), HTTP_MORE);
	assert_int_equal(http_resp_eof(&r), HTTP_DONE);
	assert_string_equal(got.s, "all of it");
	/* a chunked body cut short is an error at EOF */
	http_resp_start(&r);
	in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab";
	http_resp_feed(&r, in, strlen(in), &used, body, &got);
	assert_int_equal(http_resp_eof(&r), HTTP_ERR);
	http_resp_release(&r);
	buf_release(&got);
}

/* A head and a body larger than HTTP_MAX_HEAD in one read: only the head counts against
 * the cap. A head that is itself over the cap is still an error. */
static void test_big_body_in_one_read(void **state)
{
	(void)state;
	size_t body_n = HTTP_MAX_HEAD + 1000;
	struct buf in = BUF_INIT, got = BUF_INIT;
	buf_addf(&in, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body_n);
	size_t head_n = in.len;
	for (size_t i = 0; i < body_n; i++)
		buf_addch(&in, (char)('a' + i % 26));
	struct http_resp r;
	size_t used;
	http_resp_init(&r);
	http_resp_start(&r);
	assert_int_equal(http_resp_feed(&r, in.s, in.len, &used, body, &got), HTTP_DONE);
	assert_int_equal(used, in.len);
	assert_int_equal(r.status, 200);
	assert_int_equal(got.len, body_n);
	assert_memory_equal(got.s, in.s + head_n, body_n);
	/* the head arrives in two reads, the second with the whole body */
	http_resp_start(&r);
	buf_reset(&got);
	assert_int_equal(http_resp_feed(&r, in.s, head_n - 3, &used, body, &got), HTTP_MORE);
	assert_int_equal(http_resp_feed(&r, in.s + head_n - 3, in.len - head_n + 3, &used, body,
					&got), HTTP_DONE);
	assert_int_equal(got.len, body_n);
	/* a head over the cap */
	http_resp_start(&r);
	buf_reset(&in);
	buf_adds(&in, "HTTP/1.1 200 OK\r\nX-Big: ");
	for (size_t i = 0; i < HTTP_MAX_HEAD; i++)
		buf_addch(&in, 'x');
	buf_adds(&in, "\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(http_resp_feed(&r, in.s, in.len, &used, body, &got), HTTP_ERR);
	http_resp_release(&r);
	buf_release(&in);
	buf_release(&got);
}

static void test_request_bytes(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	http_request(&b, "POST", "h:1", "/v1/completions", "k", "{}", 2);
	assert_string_equal(b.s, "POST /v1/completions HTTP/1.1\r\nHost: h:1\r\n"
			    "User-Agent: executor-bench\r\nAccept: */*\r\n"
			    "Authorization: Bearer k\r\nContent-Type: application/json\r\n"
			    "Content-Length: 2\r\n\r\n{}");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_close_delimited_eof),
		cmocka_unit_test(test_big_body_in_one_read),
		cmocka_unit_test(test_request_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
