/*
 * simserver: a simulated OpenAI-compatible streaming inference server that
 * reports its own ground truth (GET /stats).  This file owns main, the
 * single-threaded epoll loop (listener, signalfd, connections),
 * request framing and routing; sim_stream.c owns the token streams.
 *
 * The loop: wait for fds until the earliest due time (epoll_pwait2's ns
 * timeout; 0 while events are already due); handle the ready fds; serve at
 * most SERVE_BATCH due stream events in heap order; repeat.  So a long run
 * of due tokens is cut into batches with an fd poll between them, and new
 * connections and requests are taken in within one batch's time.
 * Times are CLOCK_MONOTONIC.  Sockets are non-blocking; a write that does
 * not finish leaves the rest in conn.out and waits for EPOLLOUT.
 *
 * A request's timing starts at its arrival, the kernel's receive stamp of
 * its last bytes (common/rxstamp.h), not at the read: the loop's own read lag
 * must not move the schedule nor the ground truth.  The read time stands
 * in when a read carries no stamp.
 *
 * Exceptions to "only main prints and exits": the die fault prints one
 * line and _exits(3) at once, as a crashed server would.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sim_eval.h"
#include "sim_server.h"

/* At most this many fd events, then at most SERVE_BATCH due stream events,
 * per loop pass: neither kind waits behind a long run of the other. */
#define MAX_EVENTS 128
#define SERVE_BATCH 128
#define READ_CHUNK 16384
/* Pending output above this means the client stopped reading: drop it. */
#define OUT_CAP (8u * 1024 * 1024)
/* Bytes a connection may hold unparsed (a whole request, plus slack). */
#define IN_CAP ((size_t)HTTP_MAX_BODY + HTTP_MAX_HEAD + 65536)

/* ---- connections ---- */

static void conn_set_events(struct server *srv, struct conn *c, uint32_t ev)
{
	if (c->events == ev)
		return;
	struct epoll_event e = { .events = ev, .data.fd = c->fd };
	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &e);
	c->events = ev;
}

void conn_close(struct server *srv, struct conn *c, int rst)
{
	if (c->st.on)
		stream_abort(srv, c);
	if (rst) {
		struct linger lg = { 1, 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	srv->conns[c->fd] = NULL;
	sbuf_release(&c->in);
	sbuf_release(&c->out);
	stream_release(&c->st);
	free(c);
	srv->connections--;
}

size_t conn_pending(const struct conn *c)
{
	return c->out.nr - c->out_off;
}

int conn_send(struct server *srv, struct conn *c, const char *data, size_t n)
{
	if (conn_pending(c) > OUT_CAP) {
		conn_close(srv, c, 0);
		return -1;
	}
	if (!conn_pending(c)) {
		while (n) {
			ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (w < 0) {
				conn_close(srv, c, 0);
				return -1;
			}
			data += w;
			n -= (size_t)w;
		}
		if (!n)
			return 0;
		sbuf_reset(&c->out);
		c->out_off = 0;
	}
	sbuf_add(&c->out, data, n);
	conn_set_events(srv, c, EPOLLIN | EPOLLOUT);
	return 0;
}

static int conn_writable(struct server *srv, struct conn *c)
{
	while (conn_pending(c)) {
		ssize_t w = send(c->fd, c->out.v + c->out_off, conn_pending(c), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w < 0) {
			conn_close(srv, c, 0);
			return -1;
		}
		c->out_off += (size_t)w;
	}
	sbuf_reset(&c->out);
	c->out_off = 0;
	if (c->closing) {
		conn_close(srv, c, 0);
		return -1;
	}
	conn_set_events(srv, c, EPOLLIN);
	return 0;
}

/* After a response is queued: close when the request asked for it. */
static int conn_after_response(struct server *srv, struct conn *c)
{
	if (c->req.keep_alive)
		return 0;
	c->closing = 1;
	if (!conn_pending(c)) {
		conn_close(srv, c, 0);
		return -1;
	}
	return 0;
}

static int respond(struct server *srv, struct conn *c, int status,
		   const char *ctype, const char *body, size_t n)
{
	sbuf_reset(&srv->wr);
	sbuf_addf(&srv->wr, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
		  status, http_reason(status), ctype, n,
		  c->req.keep_alive ? "" : "Connection: close\r\n");
	sbuf_add(&srv->wr, body, n);
	if (conn_send(srv, c, srv->wr.v, srv->wr.nr))
		return -1;
	return conn_after_response(srv, c);
}

static int respond_json(struct server *srv, struct conn *c, int status,
			const struct sbuf *body)
{
	return respond(srv, c, status, "application/json", body->v, body->nr);
}

/* An OpenAI-style error; close drops the connection after it. */
static int respond_error(struct server *srv, struct conn *c, int status,
			 const char *type, const char *msg, int close)
{
	if (status != 429 && status != 500)
		srv->stats.bad_requests++;
	if (close)
		c->req.keep_alive = 0;
	sbuf_reset(&srv->body);
	sbuf_adds(&srv->body, "{\"error\":{\"message\":");
	sbuf_add_json_str(&srv->body, msg, strlen(msg));
	sbuf_addf(&srv->body, ",\"type\":\"%s\",\"param\":null,\"code\":%d}}", type, status);
	return respond_json(srv, c, status, &srv->body);
}

/* ---- routes ---- */

static int gen_request(struct server *srv, struct conn *c, enum api_kind kind,
		       const char *body, size_t n)
{
	struct gen_req g;
	const char *err;
	int fault = FAULT_NONE;

	if (gen_req_parse_blocks(&g, kind, body, n, &srv->scratch,
				 srv->cfg->prefix_cache_blocks ? &srv->blocks : NULL,
				 srv->cfg->prefix_block_tokens, &err))
		return respond_error(srv, c, 400, "BadRequestError", err, 1);
	if (g.has_model && strcmp(g.model, srv->cfg->model))
		return respond_error(srv, c, 404, "NotFoundError",
				     "the model does not exist", 0);
	if (!g.stream)
		return respond_error(srv, c, 400, "BadRequestError",
				     "simserver supports only \"stream\": true", 0);
	if (c->req.fault[0]) {
		fault = fault_from_name(c->req.fault, strlen(c->req.fault));
		if (fault < 0)
			return respond_error(srv, c, 400, "BadRequestError",
					     "unknown X-Sim-Fault mode", 0);
	}
	uint64_t reqno = ++srv->req_seq;
	if (!c->req.fault[0])
		fault = fault_pick(srv->cfg, reqno);
	srv->stats.requests++;
	srv->stats.session_id_requests += c->req.session_id[0] != 0;
	srv->stats.failed_by_fault[fault]++;
	stats_add_arrival_time(&srv->stats, c->arrival_ns);

	switch (fault) {
	case FAULT_DIE:
		fprintf(stderr, "simserver: fault die on request %llu: exiting with status %d\n",
			(unsigned long long)reqno, EXIT_DIE);
		_exit(EXIT_DIE);
	case FAULT_500:
		srv->ended++;
		return respond_error(srv, c, 500, "InternalServerError",
				     "simulated internal error", 0);
	case FAULT_429:
		srv->ended++;
		return respond_error(srv, c, 429, "RateLimitError",
				     "simulated rate limit", 0);
	default:
		return stream_start(srv, c, &g, kind, (enum fault)fault);
	}
}

static int route_completions(struct server *srv, struct conn *c, const char *b, size_t n)
{
	return gen_request(srv, c, API_COMPLETIONS, b, n);
}

static int route_chat(struct server *srv, struct conn *c, const char *b, size_t n)
{
	int sse;
	if (sim_eval_answer(b, n, srv->cfg->model, &srv->body, &sse, &srv->scratch))
		return respond(srv, c, 200, sse ? "text/event-stream" : "application/json",
			       srv->body.v, srv->body.nr);
	return gen_request(srv, c, API_CHAT, b, n);
}

static int route_health(struct server *srv, struct conn *c, const char *b, size_t n)
{
	(void)b, (void)n;
	if (now_ns() - srv->start_ns < srv->cfg->startup_delay_ms * 1000000)
		return respond(srv, c, 503, "text/plain", "loading", 7);
	return respond(srv, c, 200, "text/plain", "ok", 2);
}

static int route_models(struct server *srv, struct conn *c, const char *b, size_t n)
{
	const char *m = srv->cfg->model;
	(void)b, (void)n;
	sbuf_reset(&srv->body);
	sbuf_adds(&srv->body, "{\"object\":\"list\",\"data\":[{\"id\":");
	sbuf_add_json_str(&srv->body, m, strlen(m));
	sbuf_addf(&srv->body, ",\"object\":\"model\",\"created\":%lld,\"owned_by\":\"simserver\",\"root\":",
		  (long long)time(NULL));
	sbuf_add_json_str(&srv->body, m, strlen(m));
	sbuf_addf(&srv->body, ",\"parent\":null,\"max_model_len\":%d}]}", MAX_MODEL_LEN);
	return respond_json(srv, c, 200, &srv->body);
}

static int route_tokenize(struct server *srv, struct conn *c, const char *b, size_t n)
{
	const char *err;
	int model_ok;
	sbuf_reset(&srv->body);
	if (tokenize_answer(&srv->body, &model_ok, srv->cfg->model, b, n,
			    &srv->scratch, &err))
		return respond_error(srv, c, 400, "BadRequestError", err, 1);
	if (!model_ok)
		return respond_error(srv, c, 404, "NotFoundError",
				     "the model does not exist", 0);
	return respond_json(srv, c, 200, &srv->body);
}

static int route_stats(struct server *srv, struct conn *c, const char *b, size_t n)
{
	(void)b, (void)n;
	sbuf_reset(&srv->body);
	stats_to_json(&srv->body, &srv->stats, http_query_has(c->req.query, "raw", "1"));
	return respond_json(srv, c, 200, &srv->body);
}

static int route_metrics(struct server *srv, struct conn *c, const char *b, size_t n)
{
	(void)b, (void)n;
	sbuf_reset(&srv->body);
	sim_metrics_write(&srv->body, &srv->metrics, srv->cfg, srv->decoding,
			  srv->stats.active - srv->decoding);
	return respond(srv, c, 200, "text/plain; version=0.0.4", srv->body.v, srv->body.nr);
}

static int route_stats_reset(struct server *srv, struct conn *c, const char *b, size_t n)
{
	(void)b, (void)n;
	stats_reset(&srv->stats);
	return respond(srv, c, 200, "application/json", "{}", 2);
}

static int route_profile(struct server *srv, struct conn *c, const char *b, size_t n)
{
	(void)b, (void)n;
	return respond(srv, c, 200, "application/json", "{}", 2);
}

typedef int route_fn(struct server *srv, struct conn *c, const char *body, size_t n);

static const struct route {
	const char *path;
	enum http_method method;
	route_fn *fn;
} routes[] = {
	{ "/health", HTTP_GET, route_health },
	{ "/v1/models", HTTP_GET, route_models },
	{ "/v1/completions", HTTP_POST, route_completions },
	{ "/v1/chat/completions", HTTP_POST, route_chat },
	{ "/tokenize", HTTP_POST, route_tokenize },
	{ "/stats", HTTP_GET, route_stats },
	{ "/stats/reset", HTTP_POST, route_stats_reset },
	{ "/metrics", HTTP_GET, route_metrics },
	{ "/start_profile", HTTP_POST, route_profile },
	{ "/stop_profile", HTTP_POST, route_profile },
};

static int route(struct server *srv, struct conn *c, const char *body, size_t n)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(routes[i].path, c->req.path))
			continue;
		if (routes[i].method != c->req.method)
			return respond_error(srv, c, 405, "MethodNotAllowed",
					     "method not allowed", 0);
		return routes[i].fn(srv, c, body, n);
	}
	return respond_error(srv, c, 404, "NotFoundError", "no such path", 0);
}

/* ---- request framing ---- */

/* Parses the head at the front of the unparsed input: 1 parsed, 0 needs
 * more bytes, -1 the connection was closed. */
static int conn_read_head(struct server *srv, struct conn *c)
{
	const char *err;
	while (c->in_off < c->in.nr &&
	       (c->in.v[c->in_off] == '\r' || c->in.v[c->in_off] == '\n'))
		c->in_off++; /* blank lines before a request are allowed */
	const char *p = c->in.v + c->in_off;
	size_t avail = c->in.nr - c->in_off;
	size_t end = http_find_head_end(p, avail, &c->head_scan);

	if ((!end && avail > HTTP_MAX_HEAD) || end > HTTP_MAX_HEAD)
		return respond_error(srv, c, 431, "BadRequestError",
				     "request head too large", 1) ? -1 : 0;
	if (!end)
		return 0;
	if (http_parse_head(&c->req, p, end, &err))
		return respond_error(srv, c, 400, "BadRequestError", err, 1) ? -1 : 0;
	if (c->req.content_length > HTTP_MAX_BODY)
		return respond_error(srv, c, 413, "BadRequestError",
				     "request body too large", 1) ? -1 : 0;
	c->head_len = end;
	return 1;
}

/* --idle-close-ms: from now on, a connection with no response in progress
 * is closed after that long without bytes, as servers drop idle keep-alive
 * connections.  Each call supersedes the entry of the one before. */
static void idle_arm(struct server *srv, struct conn *c)
{
	long long ms = srv->cfg->idle_close_ms;
	if (!ms || c->st.on || c->closing)
		return;
	c->idle_gen = ++srv->gen_seq;
	struct heap_entry e = { now_ns() + ms * 1000000, c->idle_gen, c->fd };
	heap_push(&srv->heap, e);
}

/* Answers the complete requests in the input, up to a streamed one. */
static int conn_take_requests(struct server *srv, struct conn *c)
{
	while (!c->st.on && !c->closing) {
		if (!c->head_len) {
			int r = conn_read_head(srv, c);
			if (r <= 0)
				return r;
		}
		size_t need = c->head_len + (size_t)c->req.content_length;
		if (c->in.nr - c->in_off < need) {
			if (c->req.expect_continue && !c->sent_continue) {
				static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
				c->sent_continue = 1;
				return conn_send(srv, c, cont, sizeof(cont) - 1);
			}
			return 0;
		}
		const char *body = c->in.v + c->in_off + c->head_len;
		if (route(srv, c, body, (size_t)c->req.content_length))
			return -1;
		c->in_off += need;
		c->head_len = 0;
		c->head_scan = 0;
		c->sent_continue = 0;
	}
	return 0;
}

static int conn_process_input(struct server *srv, struct conn *c)
{
	if (conn_take_requests(srv, c))
		return -1;
	idle_arm(srv, c);
	return 0;
}

int conn_request_done(struct server *srv, struct conn *c)
{
	if (conn_after_response(srv, c))
		return -1;
	if (c->closing)
		return 0;
	return conn_process_input(srv, c);
}

static int conn_readable(struct server *srv, struct conn *c)
{
	for (;;) {
		if (c->in_off == c->in.nr) {
			sbuf_reset(&c->in);
			c->in_off = 0;
		} else if (c->in_off >= 65536 && !c->head_len) {
			sbuf_remove_front(&c->in, c->in_off);
			c->in_off = 0;
		}
		if (c->in.nr - c->in_off > IN_CAP) {
			conn_close(srv, c, 0);
			return -1;
		}
		sbuf_grow(&c->in, READ_CHUNK);
		size_t room = c->in.alloc - c->in.nr - 1;
		int64_t arrival_ns;
		ssize_t n = rxstamp_read(c->fd, c->in.v + c->in.nr, room,
					 &srv->arrival_clock, &arrival_ns);
		if (n > 0) {
			c->read_ns = now_ns();
			/* never after the read: a wall-clock step could do that */
			c->arrival_kernel = arrival_ns != 0;
			c->arrival_ns = arrival_ns && arrival_ns < c->read_ns ? arrival_ns
									      : c->read_ns;
			c->in.nr += (size_t)n;
			c->in.v[c->in.nr] = '\0';
			if ((size_t)n < room)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		conn_close(srv, c, 0); /* EOF or error */
		return -1;
	}
	if (c->closing) {
		sbuf_reset(&c->in);
		c->in_off = 0;
		return 0;
	}
	if (c->st.on)
		return 0; /* the next request waits for this response */
	return conn_process_input(srv, c);
}

/* ---- listener, due events, signals ---- */

static void accept_one(struct server *srv, int fd)
{
	if ((size_t)fd >= srv->conns_alloc) {
		close(fd);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rxstamp_enable(fd); /* best effort: reads fall back to their own time */
	struct conn *c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->events = EPOLLIN;
	sbuf_init(&c->in);
	sbuf_init(&c->out);
	sbuf_init(&c->st.head);
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e)) {
		close(fd);
		free(c);
		return;
	}
	srv->conns[fd] = c;
	if (++srv->connections > srv->max_connections)
		srv->max_connections = srv->connections;
	idle_arm(srv, c);
}

/* Accepts up to MAX_EVENTS pending connections; the listener stays readable
 * for the rest, so a burst of connects is taken in between serve batches. */
static void accept_batch(struct server *srv)
{
	for (int i = 0; i < MAX_EVENTS; i++) {
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			accept_one(srv, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if ((errno == EMFILE || errno == ENFILE) && srv->spare_fd >= 0) {
			/* out of fds: free the spare to accept and drop one */
			close(srv->spare_fd);
			fd = accept(srv->listen_fd, NULL, NULL);
			if (fd >= 0)
				close(fd);
			srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (fd >= 0)
				continue;
		}
		return;
	}
}

/* Serves stream events due by now, in due order, at most SERVE_BATCH of
 * them.  srv->now_ns only moves forward (send_token refreshes it after each
 * write), so nothing is written before it is due. */
static void serve_due(struct server *srv)
{
	struct heap_entry e;
	int served = 0;

	srv->now_ns = now_ns();
	while (served < SERVE_BATCH) {
		const struct heap_entry *top = heap_top(&srv->heap);
		if (!top || top->due_ns > srv->now_ns)
			break;
		heap_pop(&srv->heap, &e);
		struct conn *c = srv->conns[e.fd];
		if (c && !c->st.on && c->idle_gen == e.gen) {
			if (conn_pending(c))
				idle_arm(srv, c); /* a response is still going out */
			else
				conn_close(srv, c, 0);
			continue;
		}
		if (!c || !c->st.on || c->st.gen != e.gen)
			continue; /* the stream ended since */
		stream_due(srv, c, e.due_ns);
		served++;
	}
}

/* epoll_wait until the earliest due time: 0 when one is due already, no
 * limit when nothing is scheduled.  Stale heap entries only wake it early. */
static int wait_events(struct server *srv, struct epoll_event *events)
{
	const struct heap_entry *top = heap_top(&srv->heap);
	int64_t wait_ns = -1;

	if (top) {
		wait_ns = top->due_ns - now_ns();
		if (wait_ns < 0)
			wait_ns = 0;
	}
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 35)
	if (srv->pwait2) {
		struct timespec ts = { (time_t)(wait_ns / 1000000000), (long)(wait_ns % 1000000000) };
		int n = epoll_pwait2(srv->epfd, events, MAX_EVENTS, wait_ns < 0 ? NULL : &ts, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		srv->pwait2 = 0; /* kernel < 5.11: millisecond waits, rounded up */
	}
#endif
	int ms = wait_ns < 0 ? -1 : (int)((wait_ns + 999999) / 1000000);
	return epoll_wait(srv->epfd, events, MAX_EVENTS, ms);
}

static void dispatch(struct server *srv, const struct epoll_event *ev)
{
	int fd = ev->data.fd;
	if (fd == srv->listen_fd) {
		accept_batch(srv);
	} else if (fd == srv->signal_fd) {
		struct signalfd_siginfo si;
		if (read(fd, &si, sizeof(si)) > 0)
			srv->stop = 1;
	} else if (srv->conns[fd]) {
		struct conn *c = srv->conns[fd];
		if ((ev->events & EPOLLOUT) && conn_writable(srv, c))
			return;
		if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_readable(srv, c);
	}
}

static void run_loop(struct server *srv)
{
	struct epoll_event *events = xmalloc(MAX_EVENTS * sizeof(*events));
	long long exit_after = srv->cfg->exit_after_requests;

	while (!srv->stop) {
		int n = wait_events(srv, events);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++)
			dispatch(srv, &events[i]);
		serve_due(srv);
		rx_clock_refresh(&srv->arrival_clock, srv->now_ns);
		if (exit_after && srv->ended >= (uint64_t)exit_after)
			srv->stop = 1;
	}
	free(events);
}

/* ---- setup ---- */

static void raise_nofile(struct server *srv)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max == RLIM_INFINITY ? (1u << 20) : rl.rlim_max;
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl); /* best effort: the old limit still works */
	}
	srv->conns_alloc = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		srv->conns_alloc = rl.rlim_cur;
	if (srv->conns_alloc > (1u << 20))
		srv->conns_alloc = 1u << 20;
	srv->conns = xmalloc(srv->conns_alloc * sizeof(*srv->conns));
	memset(srv->conns, 0, srv->conns_alloc * sizeof(*srv->conns));
}

/* Binds and listens; 0, or -1 with a message in err. */
static int open_listener(struct server *srv, struct sbuf *err)
{
	const char *host = srv->cfg->host;
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (!strcmp(host, "localhost"))
		host = "127.0.0.1";
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)srv->cfg->port);
		len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)srv->cfg->port);
		len = sizeof(*a6);
	} else {
		sbuf_addf(err, "--host: expected a numeric address or localhost, found '%s'", host);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 65535) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		sbuf_addf(err, "cannot listen on %s port %lld: %s", host,
			  srv->cfg->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	srv->cfg->port = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
	srv->listen_fd = fd;
	/* On the listener too: the kernel stamps packets only while some socket
	 * asks for it, and bytes can arrive before their socket is accepted. */
	rxstamp_enable(fd);
	return 0;
}

static int write_port_file(const char *path, long long port, struct sbuf *err)
{
	struct sbuf tmp;
	sbuf_init(&tmp);
	sbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp.v, "w");
	int bad = !f;
	if (f) {
		bad |= fprintf(f, "%lld\n", port) < 0;
		bad |= fclose(f) != 0;
	}
	if (bad || rename(tmp.v, path)) {
		sbuf_addf(err, "cannot write port file '%s': %s", path, strerror(errno));
		unlink(tmp.v);
		sbuf_release(&tmp);
		return -1;
	}
	sbuf_release(&tmp);
	return 0;
}

static int add_fd(struct server *srv, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
	return fd < 0 ? -1 : epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e);
}

static int server_open(struct server *srv, struct sim_config *cfg, struct sbuf *err)
{
	sigset_t mask;
	memset(srv, 0, sizeof(*srv));
	srv->cfg = cfg;
	srv->start_ns = now_ns();
	srv->listen_fd = srv->signal_fd = -1;
	srv->pwait2 = 1;
	rx_clock_init(&srv->arrival_clock);
	heap_init(&srv->heap);
	stats_init(&srv->stats);
	sbuf_init(&srv->scratch);
	sbuf_init(&srv->body);
	sbuf_init(&srv->wr);
	sbuf_init(&srv->blocks);
	sim_prefix_init(&srv->prefix, srv->cfg->prefix_cache_blocks);
	raise_nofile(srv);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->epfd < 0 || add_fd(srv, srv->signal_fd)) {
		sbuf_addf(err, "cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	if (open_listener(srv, err) || add_fd(srv, srv->listen_fd))
		return -1;
	if (cfg->port_file && write_port_file(cfg->port_file, cfg->port, err))
		return -1;
	return 0;
}

static void server_close(struct server *srv)
{
	for (size_t fd = 0; fd < srv->conns_alloc; fd++)
		if (srv->conns[fd])
			conn_close(srv, srv->conns[fd], 0);
	free(srv->conns);
	int fds[] = { srv->listen_fd, srv->signal_fd, srv->spare_fd, srv->epfd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	heap_release(&srv->heap);
	stats_release(&srv->stats);
	sbuf_release(&srv->scratch);
	sbuf_release(&srv->body);
	sbuf_release(&srv->wr);
	sbuf_release(&srv->blocks);
	sim_prefix_release(&srv->prefix);
}

int main(int argc, char **argv)
{
	struct sim_config cfg;
	struct server srv;
	struct sbuf err;
	int status = EXIT_OK;

	sbuf_init(&err);
	config_init(&cfg);
	if (config_parse_args(&cfg, argc, argv, &err)) {
		fprintf(stderr, "simserver: %s\n(see simserver --help)\n", err.v);
		sbuf_release(&err);
		config_release(&cfg);
		return EXIT_USAGE;
	}
	if (cfg.help) {
		config_print_help(stdout);
		config_release(&cfg);
		return fflush(stdout) || ferror(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	if (cfg.eval_accuracy > 1) {
		fprintf(stderr, "simserver: --eval-accuracy: expected a share from 0 to 1\n");
		config_release(&cfg);
		return EXIT_USAGE;
	}
	if (cfg.eval_dataset && sim_eval_load(cfg.eval_dataset, cfg.eval_accuracy, &err)) {
		fprintf(stderr, "simserver: %s\n", err.v);
		sbuf_release(&err);
		config_release(&cfg);
		return EXIT_USAGE;
	}
	if (server_open(&srv, &cfg, &err)) {
		fprintf(stderr, "simserver: %s\n", err.v);
		status = EXIT_FAIL;
	} else {
		fprintf(stderr, "simserver: listening on %s port %lld, model %s\n",
			cfg.host, cfg.port, cfg.model);
		run_loop(&srv);
		close(srv.listen_fd);
		srv.listen_fd = -1;
		fprintf(stderr, "simserver: stopping: requests %llu, completed %llu, "
				"faulted %llu, aborted %llu, max active %lld, "
				"max connections %lld, max lag %.3f ms\n",
			(unsigned long long)srv.stats.requests,
			(unsigned long long)srv.stats.completed,
			(unsigned long long)(srv.stats.requests - srv.stats.failed_by_fault[FAULT_NONE]),
			(unsigned long long)srv.stats.aborted, srv.stats.max_active,
			srv.max_connections, (double)srv.stats.max_lag_ns / 1e6);
	}
	server_close(&srv);
	sbuf_release(&err);
	config_release(&cfg);
	return status;
}
