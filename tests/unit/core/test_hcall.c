/* hcall against a small HTTP/1.1 server in a thread of this test, on a unix socket (as the
 * container engine's) or on loopback TCP: the request as sent (method, path, headers, body),
 * one kept connection for a handle's calls, a body collected or passed to a write function,
 * fail_on_error, and the three ways a call that hangs ends (timeout, stop flag, hcall_cut
 * from another thread), and close-on-exec sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "executor/core/hcall.h"

/* How the server answers every request. */
enum mode { ANSWER_201, ANSWER_404, ANSWER_STALL };

struct server {
	int listen_fd;
	bool tcp;
	char path[108];     /* unix socket */
	int port;           /* tcp */
	pthread_t thread;
	atomic_int mode;
	atomic_int accepted;   /* connections */
	atomic_int conn_fd;    /* the connection being served, -1 when none */
	pthread_mutex_t lock;
	struct buf last;       /* the last request, head and body */
	atomic_bool quit;
};

/* Reads one request (head and Content-Length body) into req; false at end of connection. */
static bool read_request(int fd, struct buf *req)
{
	buf_reset(req);
	char chunk[4096];
	for (;;) {
		const char *end = strstr(req->s, "\r\n\r\n");
		if (end) {
			const char *cl = strstr(req->s, "Content-Length: ");
			size_t body = cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0;
			if (req->len >= (size_t)(end + 4 - req->s) + body)
				return true;
		}
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return false;
		buf_add(req, chunk, (size_t)n);
	}
}

static void write_all(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void *serve(void *arg)
{
	struct server *sv = arg;
	struct buf req = BUF_INIT;
	while (!atomic_load(&sv->quit)) {
		int fd = accept(sv->listen_fd, NULL, NULL);
		if (fd < 0)
			break;
		atomic_fetch_add(&sv->accepted, 1);
		atomic_store(&sv->conn_fd, fd);
		while (read_request(fd, &req)) {
			pthread_mutex_lock(&sv->lock);
			buf_reset(&sv->last);
			buf_add(&sv->last, req.s, req.len);
			pthread_mutex_unlock(&sv->lock);
			int mode = atomic_load(&sv->mode);
			if (mode == ANSWER_201) {
				write_all(fd, "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello");
			} else if (mode == ANSWER_404) {
				write_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope");
			} else {
				/* a followed stream: one chunk, then nothing until the client leaves */
				write_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
					      "5\r\nfirst\r\n");
				char c;
				while (read(fd, &c, 1) > 0)
					;
				break;
			}
		}
		atomic_store(&sv->conn_fd, -1);
		close(fd);
	}
	buf_release(&req);
	return NULL;
}

static int setup(void **state, bool tcp)
{
	struct server *sv = calloc(1, sizeof(*sv));
	pthread_mutex_init(&sv->lock, NULL);
	buf_init(&sv->last);
	sv->tcp = tcp;
	atomic_init(&sv->conn_fd, -1);
	if (tcp) {
		sv->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		if (bind(sv->listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
		    getsockname(sv->listen_fd, (struct sockaddr *)&a, &len))
			return -1;
		sv->port = ntohs(a.sin_port);
	} else {
		snprintf(sv->path, sizeof(sv->path), "/tmp/test_hcall.%d.sock", (int)getpid());
		unlink(sv->path);
		sv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		memcpy(a.sun_path, sv->path, strlen(sv->path) + 1);
		if (bind(sv->listen_fd, (struct sockaddr *)&a, sizeof(a)))
			return -1;
	}
	if (listen(sv->listen_fd, 8) || pthread_create(&sv->thread, NULL, serve, sv))
		return -1;
	*state = sv;
	return 0;
}

static int setup_unix(void **state)
{
	return setup(state, false);
}

static int setup_tcp(void **state)
{
	return setup(state, true);
}

static int teardown(void **state)
{
	struct server *sv = *state;
	atomic_store(&sv->quit, true);
	shutdown(sv->listen_fd, SHUT_RDWR); /* wakes accept */
	int fd = atomic_load(&sv->conn_fd);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR); /* and a read, when a failed test left a call hanging */
	pthread_join(sv->thread, NULL);
	close(sv->listen_fd);
	if (!sv->tcp)
		unlink(sv->path);
	buf_release(&sv->last);
	pthread_mutex_destroy(&sv->lock);
	free(sv);
	return 0;
}

static void last_request(struct server *sv, struct buf *out)
{
	pthread_mutex_lock(&sv->lock);
	buf_reset(out);
	buf_add(out, sv->last.s, sv->last.len);
	pthread_mutex_unlock(&sv->lock);
}

static void init_unix(struct hcall *h, struct server *sv, const char *bearer, bool json)
{
	struct hcall_opts o = { .unix_socket = sv->path, .bearer = bearer, .json = json };
	struct diags d = DIAGS_INIT;
	assert_int_equal(hcall_init(h, &o, &d), 0);
	diags_release(&d);
}

static void test_post_over_unix_socket(void **state)
{
	struct server *sv = *state;
	struct hcall h;
	init_unix(&h, sv, "tok", true);
	struct buf resp = BUF_INIT, req = BUF_INIT;
	buf_adds(&resp, "old");
	struct diags d = DIAGS_INIT;
	assert_int_equal(hcall_post(&h, &resp, "http://d/v1/x?y=1", "{\"a\": 1}", &d), 201);
	assert_string_equal(resp.s, "hello"); /* reset first */
	last_request(sv, &req);
	assert_true(!strncmp(req.s, "POST /v1/x?y=1 HTTP/1.1\r\n", 25));
	assert_non_null(strstr(req.s, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(strstr(req.s, "\r\nAuthorization: Bearer tok\r\n"));
	assert_non_null(strstr(req.s, "\r\nContent-Length: 8\r\n"));
	assert_true(req.len > 8 && !strcmp(req.s + req.len - 8, "{\"a\": 1}"));
	/* no body: an empty POST */
	assert_int_equal(hcall_post(&h, &resp, "http://d/empty", NULL, &d), 201);
	last_request(sv, &req);
	assert_true(!strncmp(req.s, "POST /empty HTTP/1.1\r\n", 22));
	assert_non_null(strstr(req.s, "\r\nContent-Length: 0\r\n"));
	assert_int_equal(d.nr, 0);
	hcall_release(&h);
	buf_release(&resp);
	buf_release(&req);
	diags_release(&d);
}

struct seen {
	struct buf body;
	int calls;
	bool refuse;
};

static size_t keep(const char *p, size_t n, void *data)
{
	struct seen *s = data;
	s->calls++;
	buf_add(&s->body, p, n);
	return s->refuse ? 0 : n;
}

/* GET and DELETE on one handle share one connection; no header unless asked for. */
static void test_methods_share_a_connection(void **state)
{
	struct server *sv = *state;
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	struct buf req = BUF_INIT;
	struct seen s = { BUF_INIT, 0, false };
	struct hcall_req get = { .url = "http://d/_ping", .write = keep, .write_data = &s };
	assert_int_equal(hcall_do(&h, &get), 201);
	assert_string_equal(s.body.s, "hello");
	last_request(sv, &req);
	assert_true(!strncmp(req.s, "GET /_ping HTTP/1.1\r\n", 21));
	assert_null(strstr(req.s, "Content-Type"));
	assert_null(strstr(req.s, "Authorization"));
	assert_null(strstr(req.s, "Content-Length"));
	struct hcall_req del = { .method = "DELETE", .url = "http://d/c/1?force=1" };
	assert_int_equal(hcall_do(&h, &del), 201); /* body dropped */
	last_request(sv, &req);
	assert_true(!strncmp(req.s, "DELETE /c/1?force=1 HTTP/1.1\r\n", 30));
	assert_int_equal(atomic_load(&sv->accepted), 1);
	/* a write function that refuses ends the call */
	s.refuse = true;
	assert_int_equal(hcall_do(&h, &get), -1);
	assert_non_null(h.error);
	hcall_release(&h);
	buf_release(&s.body);
	buf_release(&req);
}

static void test_fail_on_error(void **state)
{
	struct server *sv = *state;
	atomic_store(&sv->mode, ANSWER_404);
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	struct buf resp = BUF_INIT;
	struct hcall_req r = { .url = "http://d/x", .resp = &resp, .fail_on_error = true };
	assert_int_equal(hcall_do(&h, &r), -1);
	assert_string_equal(resp.s, "");
	/* the next call on the handle does not inherit the option */
	r.fail_on_error = false;
	assert_int_equal(hcall_do(&h, &r), 404);
	assert_string_equal(resp.s, "nope");
	hcall_release(&h);
	buf_release(&resp);
}

static double since_s(int64_t t0)
{
	return (double)(clock_mono_ns() - t0) / 1e9;
}

static void test_timeout(void **state)
{
	struct server *sv = *state;
	atomic_store(&sv->mode, ANSWER_STALL);
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	struct buf resp = BUF_INIT;
	struct hcall_req r = { .url = "http://d/logs", .resp = &resp, .timeout_ms = 200 };
	int64_t t0 = clock_mono_ns();
	assert_int_equal(hcall_do(&h, &r), -1);
	assert_true(since_s(t0) < 2);
	assert_string_equal(resp.s, "first");
	hcall_release(&h);
	buf_release(&resp);
}

static void test_stop_flag(void **state)
{
	struct server *sv = *state;
	atomic_store(&sv->mode, ANSWER_STALL);
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	volatile sig_atomic_t stop = 0;
	struct hcall_req r = { .method = "POST", .url = "http://d/images/create", .stop = &stop };
	/* not set: the call goes on (ended here by its timeout) */
	r.timeout_ms = 1500;
	int64_t t0 = clock_mono_ns();
	assert_int_equal(hcall_do(&h, &r), -1);
	assert_true(since_s(t0) >= 1.4);
	/* set: the call ends at the next progress callback (about once a second at most) */
	stop = 1;
	r.timeout_ms = 10000; /* a safety net: the test fails, not hangs, if stop is ignored */
	t0 = clock_mono_ns();
	assert_int_equal(hcall_do(&h, &r), -1);
	assert_true(since_s(t0) < 3);
	hcall_release(&h);
}

struct follower {
	struct hcall *h;
	struct seen s;
	atomic_bool got_first;
	long status;
};

static size_t note_first(const char *p, size_t n, void *data)
{
	struct follower *f = data;
	buf_add(&f->s.body, p, n);
	atomic_store(&f->got_first, true);
	return n;
}

static void *follow(void *arg)
{
	struct follower *f = arg;
	/* the timeout is a safety net: the test fails, not hangs, if the cut is ignored */
	struct hcall_req r = { .url = "http://d/logs?follow=1", .fail_on_error = true,
			       .timeout_ms = 10000, .write = note_first, .write_data = f };
	f->status = hcall_do(f->h, &r);
	return NULL;
}

/* The log follower's end: another thread cuts the connection, the blocked call returns, and
 * the handle opens no new connection. */
static void test_cut_from_another_thread(void **state)
{
	struct server *sv = *state;
	atomic_store(&sv->mode, ANSWER_STALL);
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	struct follower f = { .h = &h, .s = { BUF_INIT, 0, false } };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, follow, &f), 0);
	int64_t t0 = clock_mono_ns();
	while (!atomic_load(&f.got_first) && since_s(t0) < 5) {
		struct timespec tick = { 0, 5 * 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	assert_true(atomic_load(&f.got_first));
	assert_int_not_equal(h.sock, -1);
	assert_true(fcntl(h.sock, F_GETFD) & FD_CLOEXEC); /* children inherit no connection */
	t0 = clock_mono_ns();
	hcall_cut(&h);
	pthread_join(t, NULL);
	assert_true(since_s(t0) < 2);
	assert_int_equal(f.status, -1);
	assert_string_equal(f.s.body.s, "first");
	int before = atomic_load(&sv->accepted);
	struct hcall_req again = { .url = "http://d/logs", .timeout_ms = 2000 };
	assert_int_equal(hcall_do(&h, &again), -1);
	assert_int_equal(atomic_load(&sv->accepted), before);
	hcall_release(&h);
	buf_release(&f.s.body);
}

/* A cut before the call opens no connection at all (the follower may start late). */
static void test_cut_before_the_call(void **state)
{
	struct server *sv = *state;
	struct hcall h;
	init_unix(&h, sv, NULL, false);
	hcall_cut(&h);
	struct hcall_req r = { .url = "http://d/logs" };
	assert_int_equal(hcall_do(&h, &r), -1);
	assert_int_equal(atomic_load(&sv->accepted), 0);
	hcall_release(&h);
}

/* TCP, with a proxy in the environment that no_proxy ignores (the health poll's case). */
static void test_tcp_no_proxy(void **state)
{
	struct server *sv = *state;
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	struct hcall h;
	struct hcall_opts o = { .no_proxy = true };
	struct diags d = DIAGS_INIT;
	assert_int_equal(hcall_init(&h, &o, &d), 0);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/health", sv->port);
	struct hcall_req r = { .url = url, .timeout_ms = 1000 };
	assert_int_equal(hcall_do(&h, &r), 201);
	unsetenv("http_proxy");
	hcall_release(&h);
	diags_release(&d);
}

/* Nothing listens: -1 and libcurl's reason; hcall_post adds a diag naming the URL. */
static void test_no_answer(void **state)
{
	(void)state;
	struct hcall h;
	struct hcall_opts o = { .unix_socket = "/nonexistent/test_hcall.sock" };
	struct diags d = DIAGS_INIT;
	assert_int_equal(hcall_init(&h, &o, &d), 0);
	struct buf resp = BUF_INIT;
	assert_int_equal(hcall_post(&h, &resp, "http://d/tokenize", "{}", &d), -1);
	assert_int_equal(d.nr, 1);
	assert_non_null(strstr(d.v[0].msg, "POST http://d/tokenize: "));
	hcall_release(&h);
	buf_release(&resp);
	diags_release(&d);
}

/* hcall_escape writes what curl_easy_escape does. */
static void test_escape(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "plain-._~AZaz09", "localhost/simserver:latest", "a b&c=d?e#f%",
		"{\"label\":[\"infbench.node=n1\"]}", "\xc3\xa9\x7f\x01",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want = curl_easy_escape(NULL, cases[i], 0);
		char *got = hcall_escape(cases[i]);
		assert_string_equal(got, want);
		free(got);
		curl_free(want);
	}
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_post_over_unix_socket, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_methods_share_a_connection, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_fail_on_error, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_stop_flag, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_cut_from_another_thread, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_cut_before_the_call, setup_unix, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_no_proxy, setup_tcp, teardown),
		cmocka_unit_test(test_no_answer),
		cmocka_unit_test(test_escape),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
