/* load: see load.h. */
#include "executor/load/load.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "common/rxstamp.h"
#include "common/xalloc.h"
#include "executor/load/arrivals.h"
#include "executor/load/bench.h"
#include "executor/load/budget.h"
#include "executor/load/evloop.h"
#include "executor/load/http.h"
#include "executor/load/prepare.h"
#include "executor/load/progress.h"
#include "executor/load/ramp.h"
#include "executor/load/sock.h"
#include "executor/load/stream.h"

#define READ_BUF (256u << 10)
/* Full reads of one connection in one loop turn. A server that writes as fast as it is read
 * would otherwise keep conn_read looping on its fd for ever: no other connection, timeout or
 * stop flag would be looked at again. The rest waits for the next turn (level-triggered). */
#define READS_PER_TURN 16
#define TIMER_ISSUE 0
#define TIMER_DEADLINE 1
#define TIMER_TICK 2
#define TIMER_PREOPEN 3
/* A rate-paced request gets its connection opened this long before it is due, so that its
 * bytes can leave at its due time: a loopback connect takes tens of microseconds, a remote
 * one a round trip; servers drop idle keep-alive connections after seconds, not 20 ms. */
#define PREOPEN_NS 20000000
/* Connects in progress at once before the clock starts: a burst of thousands of SYNs can
 * overflow the server's accept queue, and a dropped SYN is retried only after a second. */
#define PRECONNECT_BATCH 512
/* Requests one call of top_up_timed sends before it lets the loop read: a burst of 4,096
 * takes a few hundred ms to send on a shared machine, and the first tokens of its first
 * requests come back meanwhile; read late, several share one read and one kernel stamp. */
#define ISSUE_BATCH 32

struct flight;

/* One TCP connection; carries one request at a time. */
struct conn {
	int fd;                 /* -1 when closed */
	bool connecting;
	bool reused;            /* carried a response before: a close may be a stale keep-alive */
	bool fresh;             /* opened ahead of its request and carried none yet */
	int64_t connect_start_ns, connect_ns; /* connect() and how long it took */
	struct flight *fl;      /* the request on it, or NULL when idle */
	size_t wr_off;
	struct stream st;       /* the response on it */
	struct conn *next;      /* idle or spare stack; an idle one whose socket died keeps
				 * its place with fd -1 */
	struct load *L;
};

/* One request in flight. */
struct flight {
	struct bench_req *req;  /* borrowed: a timed request of the result, or warm */
	struct bench_req warm;  /* scratch measurements for warm-up requests (owned arrays) */
	const struct buf *wire; /* borrowed from the prepared requests */
	struct conn *c;
	bool timed, retried;
	int64_t deadline_ns;
	struct flight *prev, *next; /* in-flight list, oldest first = earliest deadline */
};

struct load {
	const struct bench_config *cfg;
	struct bench_result *res;
	const struct prepared *prep;
	struct evloop *ev;
	struct addrinfo *addr;  /* owned */
	int max_fds;
	int fds_ran_out;        /* 0, or why a socket could not be made (EMFILE, ENFILE) */
	size_t fds_inflight;    /* the requests in flight then */
	struct conn *conns;     /* owned, max_inflight of them */
	struct conn *idle, *spare;
	size_t idle_nr;         /* on the idle stack (those with fd -1 included) */
	size_t connecting_nr;   /* opened ahead of a request and not yet established */
	struct flight *flights; /* owned, max_inflight of them */
	struct flight *free_fl;
	struct flight head;     /* sentinel of the in-flight list */
	size_t inflight, max_inflight;
	bool warming;
	/* between the warm-ups and the clock: connections for the first requests are opened
	 * (preconnect_left still to open) and the clock starts once all are established */
	bool preconnecting;
	size_t preconnect_left;
	size_t preopen_upto;    /* requests [issued, preopen_upto) have a connection ahead */
	bool batch_cut;         /* top_up_timed stopped at ISSUE_BATCH with requests due */
	size_t warm_issued, warm_done, warm_nr;
	size_t issued, done;
	int64_t next_issue_ns;
	int64_t *due_off_ns;    /* owned, rate mode: when request i is due, from the start */
	/* when each free --max-concurrency slot was freed (a FIFO ring of max_inflight; the
	 * slots free at the start count first, freed at the start): a request is due no
	 * earlier than the slot it takes */
	int64_t *freed_ns;
	size_t freed_head, freed_nr, initial_free;
	int64_t timeout_ns;
	int64_t start_ns, end_ns;
	int64_t first_issue_ns, last_issue_ns;
	struct rusage ru0;
	char *rbuf;             /* owned: one read buffer for all connections */
	struct rx_clock rx;     /* for the kernel's receive stamps (rxstamp.h) */
	struct progress prog;
};

/* ---- URL ---- */

int url_split(struct url_parts *out, const char *base, const char *endpoint, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	if (strncmp(base, "http://", 7))
		return diags_usagef(d, "--base-url: only http:// URLs are supported, found '%s'",
				    base);
	const char *h = base + 7, *slash = strchr(h, '/');
	size_t hl = slash ? (size_t)(slash - h) : strlen(h);
	out->hostport = xstrndup(h, hl);
	const char *colon = h[0] == '[' ? memchr(h, ']', hl) : memchr(h, ':', hl);
	if (h[0] == '[') { /* [v6]:port */
		if (!colon)
			return diags_usagef(d, "--base-url: bad IPv6 host in '%s'", base);
		out->host = xstrndup(h + 1, (size_t)(colon - h - 1));
		colon = colon + 1 < h + hl && colon[1] == ':' ? colon + 1 : NULL;
	} else {
		out->host = xstrndup(h, colon ? (size_t)(colon - h) : hl);
	}
	out->port = colon ? xstrndup(colon + 1, hl - (size_t)(colon + 1 - h)) : xstrdup("80");
	if (!*out->host || !*out->port)
		return diags_usagef(d, "--base-url: no host or port in '%s'", base);
	struct buf p = BUF_INIT;
	if (slash)
		buf_adds(&p, slash);
	while (p.len && p.s[p.len - 1] == '/' && endpoint[0] == '/')
		buf_setlen(&p, p.len - 1);
	buf_adds(&p, endpoint);
	out->path = buf_take(&p, NULL);
	return 0;
}

void url_parts_release(struct url_parts *u)
{
	free(u->host);
	free(u->port);
	free(u->hostport);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

/* ---- connections ---- */

static void conn_event(struct evloop *ev, int fd, unsigned events, void *data);
static void issue_on(struct load *L, struct flight *f);

/* Closes c's socket; c stays on whatever stack it is on (issue_on reopens fd -1). */
static void conn_shut(struct load *L, struct conn *c)
{
	if (c->fd >= 0) {
		evloop_del_fd(L->ev, c->fd);
		close(c->fd);
	}
	if (c->fresh && c->connecting) /* opened ahead, closed before it was established */
		L->connecting_nr--;
	c->fd = -1;
	c->connecting = c->reused = c->fresh = false;
}

/* Closes a connection that carried a flight (on no stack) and puts it on the spare stack. */
static void conn_close(struct load *L, struct conn *c)
{
	conn_shut(L, c);
	c->fl = NULL;
	c->next = L->spare;
	L->spare = c;
}

/* Opens a non-blocking connection; 0, or -1 when the connect failed at once. */
static int conn_open(struct load *L, struct conn *c)
{
	const struct addrinfo *a = L->addr;
	int fd = sock_open(a);
	if (fd < 0) {
		if ((errno == EMFILE || errno == ENFILE) && !L->fds_ran_out) {
			L->fds_ran_out = errno; /* the load ends: before_sleep, load_run */
			L->fds_inflight = L->inflight;
		}
		return -1;
	}
	rxstamp_enable(fd); /* best effort: reads without a stamp take the loop's time */
	c->fd = fd;
	c->connect_start_ns = clock_mono_ns();
	if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS)
		return -1;
	c->connecting = true;
	if (evloop_set_fd(L->ev, fd, EVLOOP_READ | EVLOOP_WRITE, conn_event, c) < 0)
		return -1;
	return 0;
}

/* ---- request outcomes ---- */

static void list_remove(struct flight *f)
{
	f->prev->next = f->next;
	f->next->prev = f->prev;
	f->prev = f->next = f;
}

/* Ends the flight on c with reason (FAIL_NONE: judge the finished response). The connection
 * goes back to the idle stack when keep says so, else it is closed. */
static void finish(struct load *L, struct conn *c, enum fail_reason reason, bool keep)
{
	struct flight *f = c->fl;
	struct bench_req *r = f->req;
	r->http_status = c->st.resp.status;
	if (reason == FAIL_NONE && r->http_status != 200)
		reason = FAIL_HTTP;
	if (reason == FAIL_NONE && !L->cfg->api->chat && !r->rec.choice_events)
		reason = FAIL_NO_CHOICE;
	r->fail = reason;
	r->ok = reason == FAIL_NONE;
	list_remove(f);
	f->c = NULL;
	f->next = L->free_fl;
	L->free_fl = f;
	L->inflight--;
	if (f->timed) {
		L->done++;
		L->end_ns = clock_mono_ns();
		L->freed_ns[(L->freed_head + L->freed_nr++) % L->max_inflight] = L->end_ns;
	} else {
		L->warm_done++;
	}
	c->fl = NULL;
	/* a request whose bytes were not all sent (the server answered early, a 413 say) leaves
	 * the rest of its body in the way of the next request: that connection is not reused */
	if (keep && c->st.resp.keep_alive && c->wr_off == f->wire->len) {
		c->reused = true;
		c->next = L->idle;
		L->idle = c;
		L->idle_nr++;
	} else {
		conn_close(L, c);
	}
}

/* A connection that carried an earlier response failed before any byte of this one: the
 * server dropped an idle keep-alive connection. Send once more on a fresh connection. */
static bool retry_stale(struct load *L, struct conn *c)
{
	struct flight *f = c->fl;
	if (!c->reused || f->retried || c->st.resp.received)
		return false;
	f->retried = true;
	c->fl = NULL;
	conn_close(L, c);
	issue_on(L, f);
	return true;
}

static void fail_io(struct load *L, struct conn *c, enum fail_reason reason)
{
	if (!retry_stale(L, c))
		finish(L, c, reason, false);
}

/* ---- reading ---- */

/* Feeds n bytes read that arrived at t_ns; false when the connection is gone or idle. */
static bool conn_bytes(struct load *L, struct conn *c, size_t n, int64_t t_ns)
{
	enum fail_reason why;
	bool keep;
	if (stream_feed(&c->st, L->rbuf, n, t_ns, &why, &keep))
		return true;
	finish(L, c, why, keep);
	return false;
}

static void conn_eof(struct load *L, struct conn *c)
{
	if (!c->fl) { /* the server dropped an idle keep-alive connection */
		conn_shut(L, c);
		return;
	}
	if (stream_eof(&c->st))
		finish(L, c, FAIL_NONE, false);
	else
		fail_io(L, c, FAIL_CLOSED);
}

/* Reads what the socket holds. The first read of a turn is stamped with the time epoll_wait
 * returned: its bytes were there by then, and stamping later would add this fd's place in the
 * batch to its latency. A read that fills the buffer is followed by another, stamped anew
 * (up to READS_PER_TURN of them); a short read means the kernel had nothing more (the same as EAGAIN, one syscall fewer per
 * event: the fd is level-triggered, so later bytes wake the loop again). */
static void conn_read(struct load *L, struct conn *c)
{
	int64_t t = evloop_woke_ns(L->ev);
	for (int reads = 1;; reads++) {
		int64_t stamp;
		ssize_t n = rxstamp_read(c->fd, L->rbuf, READ_BUF, &L->rx, &stamp);
		if (n > 0) {
			if (!c->fl) { /* nothing was asked: a confused server */
				conn_shut(L, c);
				return;
			}
			/* the kernel's stamp when there is one: the bytes were there then. Never
			 * before the send, nor after now (a wall-clock step); a segment that came
			 * after the turn began is later than the loop's time, and its stamp says so */
			int64_t at = rxstamp_pick(stamp, c->fl->req->rec.send_ns, t);
			if (!conn_bytes(L, c, (size_t)n, at) || (size_t)n < READ_BUF ||
			    reads == READS_PER_TURN)
				return;
			t = clock_mono_ns();
			continue;
		}
		if (n == 0) {
			conn_eof(L, c);
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (c->fl)
			fail_io(L, c, errno == ECONNRESET ? FAIL_RESET : FAIL_CLOSED);
		else
			conn_shut(L, c);
		return;
	}
}

/* ---- writing ---- */

static void conn_write(struct load *L, struct conn *c)
{
	switch (sock_send_rest(c->fd, c->fl->wire, &c->wr_off)) {
	case SOCK_SENT:
		break;
	case SOCK_BLOCKED:
		evloop_set_fd(L->ev, c->fd, EVLOOP_READ | EVLOOP_WRITE, conn_event, c);
		return;
	case SOCK_FAILED:
		fail_io(L, c, FAIL_SEND);
		return;
	}
	/* the request's time starts when its last bytes left: connecting, waiting for the
	 * socket and the sends of the requests before it in a burst are not the server's */
	c->fl->req->rec.send_ns = clock_mono_ns();
	evloop_set_fd(L->ev, c->fd, EVLOOP_READ, conn_event, c);
}

static void connect_done(struct load *L, struct conn *c)
{
	if (c->fresh) /* opened ahead of a request (it may have one by now) */
		L->connecting_nr--;
	c->connecting = false;
	if (!sock_connected(c->fd)) {
		if (c->fl)
			finish(L, c, FAIL_CONNECT, false);
		else
			conn_shut(L, c); /* stays idle with fd -1: its request reconnects */
		return;
	}
	c->connect_ns = clock_mono_ns() - c->connect_start_ns;
	if (!c->fl) { /* opened ahead: wait for a request, watching for a close */
		evloop_set_fd(L->ev, c->fd, EVLOOP_READ, conn_event, c);
		return;
	}
	c->fresh = false;
	c->fl->req->connect_ns = c->connect_ns;
	conn_write(L, c);
}

static void top_up_timed(struct load *L);

static void conn_handle(struct load *L, struct conn *c, unsigned events)
{
	if (c->connecting) {
		connect_done(L, c);
		return;
	}
	if ((events & EVLOOP_WRITE) && c->fl && c->wr_off < c->fl->wire->len) {
		conn_write(L, c);
		if (c->fd < 0 || !c->fl)
			return;
	}
	if (events & EVLOOP_READ)
		conn_read(L, c);
}

static void conn_event(struct evloop *ev, int fd, unsigned events, void *data)
{
	(void)ev;
	(void)fd;
	struct conn *c = data;
	struct load *L = c->L;
	conn_handle(L, c, events);
	/* a paced request due while a turn reads a thousand ready sockets leaves between two
	 * of them, not after the turn: the schedule's delay stays one event's work, not one
	 * turn's (the clock read costs tens of ns) */
	if (L->due_off_ns && !L->warming && L->issued < L->res->nr &&
	    clock_mono_ns() >= L->next_issue_ns)
		top_up_timed(L);
}

/* ---- issuing ---- */

/* Puts f on a connection (an idle one, else a new one) and starts writing. */
static void issue_on(struct load *L, struct flight *f)
{
	struct conn *c = L->idle;
	if (c) {
		L->idle = c->next;
		L->idle_nr--;
	} else {
		c = L->spare;
		L->spare = c->next;
	}
	c->fl = f;
	f->c = c;
	c->wr_off = 0;
	stream_start(&c->st, L->cfg->api, &f->req->rec, f->req->output_len);
	f->req->connect_ns = -1;
	if (c->fd >= 0 && c->connecting)
		return; /* opened ahead and still connecting: connect_done writes */
	if (c->fd >= 0) {
		if (c->fresh) { /* opened ahead: its connect is this request's */
			c->fresh = false;
			f->req->connect_ns = c->connect_ns;
		}
		conn_write(L, c);
		return;
	}
	if (conn_open(L, c) < 0)
		finish(L, c, FAIL_CONNECT, false);
}

static void issue(struct load *L, struct bench_req *req, const struct buf *wire, bool timed,
		  int64_t now)
{
	if (!L->res->first_send_unix) /* for `run`: time from healthy to the first request */
		L->res->first_send_unix = clock_wall_s();
	struct flight *f = L->free_fl;
	L->free_fl = f->next;
	f->req = req;
	f->wire = wire;
	f->timed = timed;
	f->retried = false;
	f->deadline_ns = now + L->timeout_ns;
	f->prev = L->head.prev; /* append: deadlines grow with issue time */
	f->next = &L->head;
	L->head.prev->next = f;
	L->head.prev = f;
	L->inflight++;
	req_rec_start(&req->rec, now);
	issue_on(L, f);
}

static void top_up_warmups(struct load *L, int64_t now)
{
	while (L->warm_issued < L->warm_nr && L->inflight < L->max_inflight) {
		struct flight *f = L->free_fl;
		L->warm_issued++;
		issue(L, &f->warm, &L->prep->wire[0], false, now);
	}
}

/* When the slot the next request takes was freed (see freed_ns). */
static int64_t take_slot(struct load *L)
{
	if (L->initial_free) {
		L->initial_free--;
		return L->start_ns;
	}
	int64_t t = L->freed_ns[L->freed_head];
	L->freed_head = (L->freed_head + 1) % L->max_inflight;
	L->freed_nr--;
	return t;
}

/* Issues every request that is due. The schedule is absolute: request i is due at start +
 * due_off_ns[i] whenever the one before it left, so a late turn is caught up at once and
 * lateness never adds up over the run (each gap measured from the previous send would). */
static void top_up_timed(struct load *L)
{
	L->batch_cut = false;
	for (int sent = 0; L->issued < L->res->nr && L->inflight < L->max_inflight; sent++) {
		int64_t now = clock_mono_ns();
		if (L->due_off_ns && now < L->next_issue_ns)
			return;
		if (sent == ISSUE_BATCH) {
			L->batch_cut = true; /* the rest after the next epoll_wait (it does not sleep) */
			return;
		}
		size_t i = L->issued++;
		struct bench_req *q = &L->res->reqs[i];
		int64_t due = L->next_issue_ns, freed = take_slot(L);
		q->issued = true;
		if (!i)
			L->first_issue_ns = now;
		L->last_issue_ns = now;
		q->slot_waited = freed > due;
		q->sched_delay_ns = now - (freed > due ? freed : due);
		issue(L, q, &L->prep->wire[i], true, now);
		if (L->due_off_ns && L->issued < L->res->nr)
			L->next_issue_ns = L->start_ns + L->due_off_ns[L->issued];
	}
}

/* Opens a spare connection ahead of a request and puts it on the idle stack; false when
 * there is no spare or the socket could not be made. */
static bool open_ahead(struct load *L)
{
	struct conn *c = L->spare;
	if (!c)
		return false;
	L->spare = c->next;
	c->fl = NULL;
	c->next = L->idle;
	L->idle = c;
	L->idle_nr++;
	if (conn_open(L, c) < 0) {
		conn_shut(L, c); /* stays idle with fd -1: its request tries again */
		return false;
	}
	c->fresh = true;
	L->connecting_nr++;
	return true;
}

/* Rate mode: the requests due within PREOPEN_NS that no idle connection covers get one
 * opened now. */
static void preopen(struct load *L, int64_t now)
{
	if (!L->due_off_ns)
		return;
	if (L->preopen_upto < L->issued)
		L->preopen_upto = L->issued;
	while (L->preopen_upto < L->res->nr &&
	       L->start_ns + L->due_off_ns[L->preopen_upto] <= now + PREOPEN_NS) {
		if (L->idle_nr <= L->preopen_upto - L->issued && !open_ahead(L))
			return;
		L->preopen_upto++;
	}
}

/* How many connections the first requests want before the clock starts: without a rate,
 * one per request the first burst sends; with one, one per request due in PREOPEN_NS. */
static size_t preconnect_wanted(const struct load *L)
{
	size_t n = L->res->nr < L->max_inflight ? L->res->nr : L->max_inflight;
	if (L->due_off_ns) {
		size_t k = 0;
		while (k < n && L->due_off_ns[k] <= PREOPEN_NS)
			k++;
		n = k;
	}
	return n > L->idle_nr ? n - L->idle_nr : 0;
}

/* ---- the once-per-turn hook ---- */

static void expire(struct load *L, int64_t now)
{
	while (L->head.next != &L->head && L->head.next->deadline_ns <= now) {
		struct conn *c = L->head.next->c;
		finish(L, c, c->st.resp.status ? FAIL_TIMEOUT : FAIL_TIMEOUT_HEADERS, false);
	}
}

static void start_timed(struct load *L, int64_t now)
{
	L->warming = false;
	evloop_reset_lag(L->ev);
	getrusage(RUSAGE_SELF, &L->ru0);
	L->res->start_unix = clock_wall_s();
	L->start_ns = L->end_ns = now;
	L->next_issue_ns = now;
	L->initial_free = L->max_inflight - L->inflight;
	L->freed_nr = L->freed_head = 0;
	L->preopen_upto = 0;
	progress_init(&L->prog, L->cfg->progress, L->res->nr, "bench");
}

static void interrupt_all(struct load *L)
{
	while (L->head.next != &L->head)
		finish(L, L->head.next->c, FAIL_INTERRUPTED, false);
	for (; L->issued < L->res->nr; L->issued++) {
		L->res->reqs[L->issued].fail = FAIL_INTERRUPTED;
		L->done++;
	}
}

static void noop_timer(struct evloop *ev, void *data)
{
	(void)ev;
	(void)data;
}

/* The config's watch (config.h) on the timed load: true to end it now. */
static bool watch_stops(const struct load *L, int64_t now)
{
	if (!L->cfg->watch || L->warming)
		return false;
	struct load_watch w = { now, L->start_ns, L->next_issue_ns, L->res->nr, L->issued,
				L->done, L->inflight };
	return L->cfg->watch(&w, L->cfg->watch_data);
}

static void before_sleep(struct evloop *ev, void *data)
{
	struct load *L = data;
	int64_t now = clock_mono_ns();
	rx_clock_refresh(&L->rx, now);
	if ((L->cfg->stop && *L->cfg->stop) || L->fds_ran_out || watch_stops(L, now)) {
		interrupt_all(L);
		evloop_stop(ev);
		return;
	}
	expire(L, now);
	if (L->warming && !L->preconnecting) {
		top_up_warmups(L, now);
		if (L->warm_done == L->warm_nr && !L->inflight) {
			L->preconnecting = true;
			L->preconnect_left = preconnect_wanted(L);
		}
	}
	if (L->preconnecting) {
		while (L->preconnect_left && L->connecting_nr < PRECONNECT_BATCH) {
			L->preconnect_left--;
			open_ahead(L);
		}
		if (!L->preconnect_left && !L->connecting_nr) {
			L->preconnecting = false;
			start_timed(L, now = clock_mono_ns());
		}
	}
	if (!L->warming) {
		top_up_timed(L);
		preopen(L, clock_mono_ns());
		progress_update(&L->prog, L->done, now);
		if (L->done == L->res->nr) {
			evloop_stop(ev);
			return;
		}
	}
	bool wait_rate = !L->warming && L->issued < L->res->nr &&
			 L->inflight < L->max_inflight && isfinite(L->cfg->request_rate);
	int64_t issue_at = L->batch_cut ? now : wait_rate ? L->next_issue_ns : 0;
	evloop_set_timer(ev, TIMER_ISSUE, issue_at, noop_timer, NULL);
	int64_t oldest_deadline = L->head.next != &L->head ? L->head.next->deadline_ns : 0;
	evloop_set_timer(ev, TIMER_DEADLINE, oldest_deadline, noop_timer, NULL);
	evloop_set_timer(ev, TIMER_TICK, L->prog.on ? now + 100000000 : 0, noop_timer, NULL);
	bool ahead = !L->warming && L->due_off_ns && L->preopen_upto < L->res->nr && L->spare;
	evloop_set_timer(ev, TIMER_PREOPEN,
			 ahead ? L->start_ns + L->due_off_ns[L->preopen_upto] - PREOPEN_NS : 0,
			 noop_timer, NULL);
}

/* ---- setup and teardown ---- */

static void alloc_rec(struct bench_req *r, long output_len, bool text)
{
	r->rec.itl_alloc = (size_t)output_len + 16;
	r->rec.itl_ns = xmalloc(st_mult(r->rec.itl_alloc, sizeof(int64_t)));
	if (text) {
		r->rec.text = xmalloc(sizeof(struct buf));
		buf_init(r->rec.text);
	}
}

static int load_setup(struct load *L, const struct url_parts *url, struct diags *d)
{
	const struct bench_config *cfg = L->cfg;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	int gai = getaddrinfo(url->host, url->port, &hints, &L->addr);
	if (gai)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot resolve '%s': %s", url->host,
				    gai_strerror(gai));
	L->max_fds = load_fd_limit(true);
	size_t n = L->res->nr;
	L->max_inflight = load_max_inflight(cfg);
	/* load_budget_check refuses this up front; kept for callers that skip it */
	if (load_fds_known(cfg) && L->max_inflight + 16 > (size_t)L->max_fds)
		return diags_errorf(d, NULL, 0, 0, NULL, "%zu requests in flight need more file "
				    "descriptors than the limit of %d", L->max_inflight, L->max_fds);
	L->ev = evloop_new(L->max_fds);
	if (!L->ev)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot create the event loop: %s",
				    strerror(errno));
	L->conns = xcalloc(L->max_inflight, sizeof(*L->conns));
	L->flights = xcalloc(L->max_inflight, sizeof(*L->flights));
	for (size_t i = L->max_inflight; i-- > 0;) {
		struct conn *c = &L->conns[i];
		c->fd = -1;
		c->L = L;
		stream_init(&c->st);
		c->next = L->spare;
		L->spare = c;
		struct flight *f = &L->flights[i];
		if (cfg->num_warmups && n) { /* warm-ups send request 0 */
			f->warm.output_len = L->prep->ds.v[0].output_len;
			alloc_rec(&f->warm, f->warm.output_len, false);
		}
		f->next = L->free_fl;
		L->free_fl = f;
	}
	L->head.next = L->head.prev = &L->head;
	L->rbuf = xmalloc(READ_BUF);
	rx_clock_init(&L->rx);
	L->freed_ns = xcalloc(L->max_inflight ? L->max_inflight : 1, sizeof(int64_t));
	L->warm_nr = n ? (size_t)cfg->num_warmups : 0;
	L->warming = true;
	L->timeout_ns = (int64_t)(cfg->request_timeout_s * 1e9);
	if (isfinite(cfg->request_rate)) {
		int64_t *gaps = xcalloc(n ? n : 1, sizeof(int64_t));
		if (cfg->ramp.strategy != RAMP_NONE)
			ramp_draw(gaps, n, &cfg->ramp, cfg->burstiness, cfg->ds.seed);
		else
			arrivals_draw(gaps, n, cfg->request_rate, cfg->burstiness, cfg->ds.seed);
		/* gaps[i] is the wait before request i + 1: request 0 leaves at the start */
		L->due_off_ns = xcalloc(n ? n : 1, sizeof(int64_t));
		for (size_t i = 1; i < n; i++)
			L->due_off_ns[i] = L->due_off_ns[i - 1] + gaps[i - 1];
		free(gaps);
	}
	return 0;
}

static void load_teardown(struct load *L)
{
	for (size_t i = 0; L->conns && i < L->max_inflight; i++) {
		struct conn *c = &L->conns[i];
		if (c->fd >= 0)
			close(c->fd);
		stream_release(&c->st);
		free(L->flights[i].warm.rec.itl_ns);
	}
	free(L->conns);
	free(L->flights);
	free(L->rbuf);
	free(L->due_off_ns);
	free(L->freed_ns);
	evloop_free(L->ev);
	if (L->addr)
		freeaddrinfo(L->addr);
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void record_client(struct load *L)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	struct bench_result *r = L->res;
	r->cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime) - tv_s(L->ru0.ru_utime) -
		   tv_s(L->ru0.ru_stime);
	r->peak_rss_bytes = (long long)ru.ru_maxrss * 1024;
	r->max_loop_lag_ms = (double)evloop_max_lag_ns(L->ev) / 1e6;
	r->duration_s = (double)(L->end_ns - L->start_ns) / 1e9;
	r->send_span_s = (double)(L->last_issue_ns - L->first_issue_ns) / 1e9;
	r->sched_span_s = L->due_off_ns && r->nr ? (double)L->due_off_ns[r->nr - 1] / 1e9 : 0;
	r->end_unix = r->start_unix + r->duration_s;
}

int load_run(struct bench_result *res, const struct bench_config *cfg,
	     const struct prepared *prep, const struct url_parts *url, struct diags *d)
{
	struct load L = { .cfg = cfg, .res = res, .prep = prep };
	for (size_t i = 0; i < res->nr; i++) {
		alloc_rec(&res->reqs[i], prep->ds.v[i].output_len, cfg->save_detailed);
		res->reqs[i].connect_ns = -1;
	}
	int rc = load_setup(&L, url, d);
	/* the kernel may defer a timer wake-up by the thread's slack (50 us by default) to
	 * batch it with others: a paced send would leave that much late */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (!rc) {
		evloop_set_before_sleep(L.ev, before_sleep, &L);
		if (evloop_run(L.ev) < 0)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "epoll_wait: %s", strerror(errno));
		if (L.warming) /* interrupted during warm-up */
			start_timed(&L, clock_mono_ns());
		progress_finish(&L.prog, L.done, clock_mono_ns());
		record_client(&L);
		res->measured = !rc && !L.fds_ran_out;
		if (L.fds_ran_out == EMFILE)
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "out of file descriptors with %zu requests in flight (the "
					  "limit is %d, RLIMIT_NOFILE raised to its hard limit): raise "
					  "the hard limit (ulimit -Hn, LimitNOFILE=) or bound the load with "
					  "--max-concurrency", L.fds_inflight, L.max_fds);
		else if (L.fds_ran_out)
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "the system's file table is full with %zu requests in flight "
					  "(ENFILE): raise fs.file-max or bound the load with "
					  "--max-concurrency", L.fds_inflight);
	}
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	load_teardown(&L);
	return rc;
}
