/* replay: see replay.h. Connection handling follows load.c's (one request per connection at
 * a time, keep-alive reuse, a stale kept-alive connection retried once, reads stamped by the
 * kernel or the loop's wake time), each response parsed by the same stream.h; what differs is
 * where requests come from: a heap of turns made when the turn before them ended, each due at
 * its own time. */
#include "executor/load/replay.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/rxstamp.h"
#include "common/diag.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/api.h"
#include "executor/load/budget.h"
#include "executor/load/config.h"
#include "executor/load/evloop.h"
#include "executor/load/http.h"
#include "executor/load/load.h"
#include "executor/load/rng.h"
#include "executor/load/sock.h"
#include "executor/load/stream.h"
#include "executor/load/trace.h"
#include "executor/load/trace_prompt.h"

#define READ_BUF (256u << 10)
#define READS_PER_TURN 16
/* A Mooncake row is read and its request built this long before it is due. */
#define LOOKAHEAD_NS 20000000
#define TIMER_DUE 0
#define TIMER_DEADLINE 1
#define TIMER_END 2
#define TIMER_ADMIT 3

struct conn;
struct replay;

/* One live session tree. */
struct live {
	struct trace_session s;
	uint32_t num;             /* session number */
	uint32_t *conv;           /* owned: conversation index per chain */
	size_t step, chains_left;
	size_t inflight, pending; /* its turns in flight; on the heap */
	size_t warm_left;         /* warm-up requests still to make, the one in flight too */
	bool is_live;
	int64_t latest_due;       /* the latest due time put on the heap since pending was 0 */
	char *header_value;       /* owned: "ID" or "ID#PASS" */
	struct live *next;        /* free list */
};

/* One turn: made when it is scheduled, on the heap until due, then in flight. */
struct flight {
	struct live *ls;
	size_t chain, turn;       /* into ls->s.chains / turns */
	struct buf wire;          /* owned */
	struct req_rec rec;       /* its itl_ns grows as api_event needs; kept for reuse */
	int64_t due_ns, deadline_ns;
	int64_t os_delay_ns;      /* of its send: see evloop_os_delay_ns */
	struct conn *c;
	bool retried;
	bool paced;               /* due by a gap or a timestamp (not a session's start) */
	bool warm;                /* a warm-up request: max_tokens 1, kept apart */
	struct flight *prev, *next; /* in-flight list (oldest first) or free list */
};

struct conn {
	int fd;
	bool connecting, reused;
	struct flight *fl;
	size_t wr_off;
	struct stream st;         /* the response on it */
	struct conn *next;        /* idle stack */
	struct replay *R;
};

struct replay {
	const struct replay_config *cfg;
	const struct bench_config *bc;
	struct replay_result *res;
	struct evloop *ev;
	struct addrinfo *addr;
	struct url_parts url;
	struct trace_reader tr;
	bool eof;                 /* no more sessions (this pass, and no wrapping) */
	uint32_t pass;
	struct live *ahead;       /* Mooncake: the next row, read but not admitted */
	struct live *free_live;
	struct live **lives;      /* owned: every slot made (sessions cut at the bound never
				   * come back to the free list) */
	size_t lives_nr, lives_alloc;
	size_t live;
	struct conn **conns;      /* owned, all ever made */
	size_t conns_nr, conns_alloc;
	struct conn *idle;
	struct flight *free_fl;
	struct flight head;       /* in-flight list sentinel */
	size_t inflight;
	struct flight **heap;     /* due turns, earliest first */
	size_t heap_nr, heap_alloc;
	int64_t timeout_ns, end_at_ns; /* end_at 0: no bound */
	int64_t tree_cap_ns, system_cap_ns; /* the idle caps; 0: none */
	int64_t shift_ns;         /* Mooncake: idle time the system cap took out so far */
	bool warming;             /* the warm-up phase: lanes primed, no clock yet */
	size_t warm_lanes;        /* lanes still warming */
	int64_t warm_start_ns;
	struct rng rng;           /* trajectory start positions */
	bool ending;              /* the bound passed (or a stop): nothing more is sent */
	struct rx_clock rx;       /* for the kernel's receive stamps (common/rxstamp.h) */
	char *rbuf;
	int *ids;                 /* scratch prompt ids */
	size_t ids_alloc;
	struct buf body;
	uint64_t unique;          /* turns made: the stream of a turn's unhashed tail */
	int max_fds;
	int error;                /* errno that ended the replay (EMFILE, ENFILE) */
	struct rusage ru0;
	struct diags *d;
	int rc;
};

/* ---- the heap of due turns ---- */

static void heap_push(struct replay *R, struct flight *f)
{
	VEC_GROW(R->heap, R->heap_nr + 1, R->heap_alloc);
	size_t i = R->heap_nr++;
	while (i && R->heap[(i - 1) / 2]->due_ns > f->due_ns) {
		R->heap[i] = R->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	R->heap[i] = f;
}

/* Puts f at slot i or below it, moving earlier children up (slot i is free). */
static void heap_sift_down(struct replay *R, size_t i, struct flight *f)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= R->heap_nr)
			break;
		if (c + 1 < R->heap_nr && R->heap[c + 1]->due_ns < R->heap[c]->due_ns)
			c++;
		if (R->heap[c]->due_ns >= f->due_ns)
			break;
		R->heap[i] = R->heap[c];
		i = c;
	}
	R->heap[i] = f;
}

static struct flight *heap_pop(struct replay *R)
{
	struct flight *top = R->heap[0], *last = R->heap[--R->heap_nr];
	if (R->heap_nr)
		heap_sift_down(R, 0, last);
	return top;
}

/* Restores the heap order after some entries moved earlier (Floyd's bottom-up build). */
static void heap_rebuild(struct replay *R)
{
	for (size_t k = R->heap_nr / 2; k-- > 0;)
		heap_sift_down(R, k, R->heap[k]);
}

/* ---- the idle caps ---- */

/* The tree has nothing in flight: its pending turns move earlier together so the first is
 * due at most the cap after now. A scan of the heap only when one may be past it. */
static void tree_idle(struct replay *R, struct live *ls, int64_t now)
{
	if (!R->tree_cap_ns || ls->inflight || !ls->pending ||
	    ls->latest_due <= now + R->tree_cap_ns)
		return;
	int64_t first = INT64_MAX;
	for (size_t i = 0; i < R->heap_nr; i++)
		if (R->heap[i]->ls == ls && R->heap[i]->due_ns < first)
			first = R->heap[i]->due_ns;
	int64_t by = first - (now + R->tree_cap_ns);
	if (by <= 0)
		return;
	for (size_t i = 0; i < R->heap_nr; i++)
		if (R->heap[i]->ls == ls)
			R->heap[i]->due_ns -= by;
	ls->latest_due -= by;
	R->res->idle_removed_s += (double)by / 1e9;
	heap_rebuild(R);
}

/* A Mooncake row's due time: its timestamp from the start, less what the system cap took. */
static int64_t row_due(const struct replay *R, const struct live *ls)
{
	return R->res->start_ns + ls->s.at_ns - R->shift_ns;
}

/* Nothing in flight anywhere: everything pending moves earlier together so the next event
 * (a due turn, a Mooncake row's admission at its timestamp) is at most the cap after now.
 * The heap's order is kept (one amount off every entry). */
static void system_idle(struct replay *R, int64_t now)
{
	if (!R->system_cap_ns || R->inflight || R->ending)
		return;
	int64_t next = R->heap_nr ? R->heap[0]->due_ns : INT64_MAX;
	if (R->ahead && row_due(R, R->ahead) < next)
		next = row_due(R, R->ahead);
	if (next == INT64_MAX || next - now <= R->system_cap_ns)
		return;
	int64_t by = next - (now + R->system_cap_ns);
	for (size_t i = 0; i < R->heap_nr; i++)
		R->heap[i]->due_ns -= by;
	for (size_t i = 0; i < R->lives_nr; i++)
		if (R->lives[i]->pending)
			R->lives[i]->latest_due -= by;
	R->shift_ns += by;
	R->res->idle_removed_s += (double)by / 1e9;
}

/* ---- making turns ---- */

static void put_header(struct buf *w, const struct replay *R, const struct live *ls)
{
	const struct bench_config *bc = R->bc;
	buf_addf(w, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n",
		 R->url.path, R->url.hostport);
	if (bc->bearer)
		buf_addf(w, "Authorization: Bearer %s\r\n", bc->bearer);
	if (R->cfg->session_header)
		buf_addf(w, "%s: %s\r\n", R->cfg->session_header, ls->header_value);
	buf_addf(w, "Content-Length: %zu\r\n\r\n", R->body.len);
	buf_add(w, R->body.s, R->body.len);
}

/* Decimal ids separated by spaces (a chat prompt: one word per token). */
static void ids_text(struct buf *out, const int *ids, size_t n)
{
	buf_grow(out, n * 7);
	for (size_t i = 0; i < n; i++)
		buf_addf(out, i ? " %d" : "%d", ids[i]);
}

static void schedule(struct replay *R, struct live *ls, size_t chain, size_t turn, int64_t due,
		     bool paced, bool warm)
{
	struct flight *f = R->free_fl;
	if (f) {
		R->free_fl = f->next;
	} else {
		f = xcalloc(1, sizeof(*f));
		buf_init(&f->wire);
	}
	const struct trace_turn *t = &ls->s.turns[turn];
	f->ls = ls;
	f->chain = chain;
	f->turn = turn;
	f->due_ns = due;
	f->paced = paced;
	f->warm = warm;
	f->c = NULL;
	f->retried = false;
	VEC_GROW(R->ids, (size_t)t->in, R->ids_alloc);
	uint64_t ns = ls->s.global_ids ? 0 : (uint64_t)ls->num + 1;
	trace_prompt_ids(R->ids, t->in, ls->s.hashes + t->hash_first, t->hash_nr, ls->s.block,
			 R->bc->ds.seed, ns, ++R->unique);
	struct buf text = BUF_INIT;
	struct api_body b = { .model = R->bc->served_model, .max_tokens = warm ? 1 : t->out,
			      .best_of = R->bc->best_of, .ignore_eos = R->bc->ignore_eos,
			      .continuous_usage = R->bc->continuous_usage };
	if (R->bc->api->chat) {
		ids_text(&text, R->ids, (size_t)t->in);
		b.text = text.s;
	} else {
		b.ids = R->ids;
		b.ids_nr = (size_t)t->in;
	}
	buf_reset(&R->body);
	R->bc->api->body(&R->body, &b);
	buf_release(&text);
	buf_reset(&f->wire);
	put_header(&f->wire, R, ls);
	if (!ls->pending++ || due > ls->latest_due)
		ls->latest_due = due;
	heap_push(R, f);
}

/* Schedules ls->step's chains; a session's first step (first) goes at once, unpaced. */
static void start_step(struct replay *R, struct live *ls, int64_t after, bool first)
{
	const struct trace_step *st = &ls->s.steps[ls->step];
	ls->chains_left = st->nr;
	for (size_t c = st->first; c < st->first + st->nr; c++) {
		size_t turn = ls->s.chains[c].first;
		int64_t gap = first ? 0 : ls->s.turns[turn].gap_ns;
		schedule(R, ls, c, turn, after + gap, !first || R->tr.format == TRACE_MOONCAKE,
			 false);
	}
}

/* A warm-up request for ls->step: its first chain's first turn, one token, at once. */
static void warm_step(struct replay *R, struct live *ls, int64_t now)
{
	size_t c = ls->s.steps[ls->step].first;
	schedule(R, ls, c, ls->s.chains[c].first, now, false, true);
}

static uint32_t conversation(struct replay *R, const char *name)
{
	VEC_GROW(R->res->conversations, R->res->conversations_nr + 1,
		 R->res->conversations_alloc);
	R->res->conversations[R->res->conversations_nr] = xstrdup(name);
	return (uint32_t)R->res->conversations_nr++;
}

/* Reads the next session into a live slot: it, or NULL at the end (R->eof then set). */
static struct live *read_session(struct replay *R)
{
	struct live *ls = R->free_live;
	if (ls) {
		R->free_live = ls->next;
	} else {
		ls = xcalloc(1, sizeof(*ls));
		trace_session_init(&ls->s);
		VEC_GROW(R->lives, R->lives_nr + 1, R->lives_alloc);
		R->lives[R->lives_nr++] = ls;
	}
	for (int tries = 0;; tries++) {
		int rc = trace_next(&R->tr, &ls->s, R->d);
		if (rc > 0)
			break;
		if (rc < 0 || !R->end_at_ns || tries || R->tr.format == TRACE_MOONCAKE ||
		    trace_rewind(&R->tr, R->d)) {
			if (rc < 0)
				R->rc = -1;
			R->eof = true;
			ls->next = R->free_live;
			R->free_live = ls;
			return NULL;
		}
		R->pass++;
	}
	ls->num = (uint32_t)R->res->sessions_started++;
	free(ls->header_value);
	struct buf h = BUF_INIT;
	buf_adds(&h, ls->s.id);
	if (R->pass)
		buf_addf(&h, "#%u", R->pass + 1);
	ls->header_value = buf_take(&h, NULL);
	free(ls->conv);
	ls->conv = xcalloc(ls->s.chains_nr ? ls->s.chains_nr : 1, sizeof(uint32_t));
	uint32_t first = (uint32_t)R->res->conversations_nr;
	for (size_t c = 0; c < ls->s.chains_nr; c++) {
		struct buf name = BUF_INIT;
		buf_adds(&name, ls->s.chains[c].conversation);
		if (R->pass)
			buf_addf(&name, "#%u", R->pass + 1);
		uint32_t k = first;
		while (k < R->res->conversations_nr && strcmp(R->res->conversations[k], name.s))
			k++;
		ls->conv[c] = k < R->res->conversations_nr ? k : conversation(R, name.s);
		buf_release(&name);
	}
	ls->step = 0;
	ls->inflight = ls->pending = 0;
	return ls;
}

bool replay_warms(const struct replay_config *cfg)
{
	return cfg->warmup_per_lane > 0 || cfg->start_max > 0;
}

/* The session's start step, drawn from the start ratios; during the warm-up also its
 * warm-up requests (primer + per lane), both leaving it at least one step to profile. */
static void place_start(struct replay *R, struct live *ls)
{
	size_t steps = ls->s.steps_nr;
	ls->step = 0;
	ls->warm_left = 0;
	if (steps <= 1)
		return;
	const struct replay_config *cfg = R->cfg;
	double u = cfg->start_min + (cfg->start_max - cfg->start_min) * rng_double(&R->rng);
	size_t k = (size_t)(u * (double)steps);
	size_t warm = R->warming ? 1 + (size_t)cfg->warmup_per_lane : 0;
	if (warm > steps - 1)
		warm = steps - 1;
	if (k > steps - 1 - warm)
		k = steps - 1 - warm;
	ls->step = k;
	ls->warm_left = warm;
}

static void admit(struct replay *R, struct live *ls, int64_t at)
{
	R->live++;
	if (R->live > R->res->max_live_sessions)
		R->res->max_live_sessions = R->live;
	ls->is_live = true;
	place_start(R, ls);
	if (ls->warm_left) {
		R->warm_lanes++;
		warm_step(R, ls, at);
	} else if (!R->warming) {
		start_step(R, ls, at, true);
	} /* else a lane with nothing to warm: it starts with the profiling */
}

static bool has_room(const struct replay *R)
{
	return !R->cfg->max_sessions || R->live < (size_t)R->cfg->max_sessions;
}

/* Admits the sessions whose time has come; the next admission time (0: none pending). */
static int64_t admit_due(struct replay *R, int64_t now)
{
	if (R->ending)
		return 0;
	if (R->tr.format == TRACE_AGENTX) {
		while (!R->eof && has_room(R)) {
			struct live *ls = read_session(R);
			if (ls)
				admit(R, ls, now);
		}
		return 0;
	}
	for (;;) {
		if (!R->ahead && !R->eof)
			R->ahead = read_session(R);
		if (!R->ahead)
			return 0;
		int64_t due = row_due(R, R->ahead);
		if (due - LOOKAHEAD_NS > now)
			return due - LOOKAHEAD_NS;
		if (!has_room(R))
			return 0; /* a session's end admits it */
		struct live *ls = R->ahead;
		R->ahead = NULL;
		admit(R, ls, due > now ? due : now);
	}
}

/* ---- connections ---- */

static void conn_event(struct evloop *ev, int fd, unsigned events, void *data);
static void send_on(struct replay *R, struct flight *f);

static void conn_shut(struct replay *R, struct conn *c)
{
	if (c->fd >= 0) {
		evloop_del_fd(R->ev, c->fd);
		close(c->fd);
	}
	c->fd = -1;
	c->connecting = c->reused = false;
}

static void conn_idle(struct replay *R, struct conn *c)
{
	c->fl = NULL;
	c->next = R->idle;
	R->idle = c;
}

static int conn_open(struct replay *R, struct conn *c)
{
	const struct addrinfo *a = R->addr;
	int fd = sock_open(a);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			R->error = errno;
		return -1;
	}
	rxstamp_enable(fd); /* best effort: reads without a stamp take the loop's time */
	c->fd = fd;
	if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS)
		return -1;
	c->connecting = true;
	return evloop_set_fd(R->ev, fd, EVLOOP_READ | EVLOOP_WRITE, conn_event, c);
}

/* ---- outcomes ---- */

static void session_turn_done(struct replay *R, struct live *ls, size_t chain, size_t turn,
			      int64_t end)
{
	const struct trace_chain *ch = &ls->s.chains[chain];
	if (!R->ending && turn + 1 < ch->first + ch->nr) {
		schedule(R, ls, chain, turn + 1, end + ls->s.turns[turn + 1].gap_ns, true, false);
		return;
	}
	if (--ls->chains_left) /* at the bound a chain ends with its turn in flight */
		return;
	if (!R->ending && ++ls->step < ls->s.steps_nr) {
		start_step(R, ls, end, false);
		return;
	}
	R->live--;
	R->res->sessions_done++;
	ls->is_live = false;
	ls->next = R->free_live;
	R->free_live = ls;
}

/* A lane's warm-up request ended: its next one, or the lane is warm. */
static void warm_done(struct replay *R, struct live *ls, int64_t now)
{
	if (R->ending)
		return;
	ls->step++;
	if (--ls->warm_left) {
		warm_step(R, ls, now);
		return;
	}
	R->warm_lanes--;
}

/* Every lane is warm: the clock starts, and each lane resumes at its step after that
 * step's gap (a session not yet started, at once). */
static void begin_profiling(struct replay *R, int64_t now)
{
	R->warming = false;
	R->res->warmup_s = (double)(now - R->warm_start_ns) / 1e9;
	R->res->start_ns = R->res->end_ns = now;
	R->res->start_unix = clock_wall_s();
	if (R->cfg->duration_s > 0)
		R->end_at_ns = now + (int64_t)(R->cfg->duration_s * 1e9);
	for (size_t i = 0; i < R->lives_nr; i++)
		if (R->lives[i]->is_live) {
			start_step(R, R->lives[i], now, R->lives[i]->step == 0);
			tree_idle(R, R->lives[i], now);
		}
}

static void finish(struct replay *R, struct conn *c, enum fail_reason reason, bool keep)
{
	struct flight *f = c->fl;
	struct req_rec *r = &f->rec;
	int64_t end = clock_mono_ns();
	if (reason == FAIL_NONE && c->st.resp.status != 200)
		reason = FAIL_HTTP;
	if (reason == FAIL_NONE && !R->bc->api->chat && !r->choice_events)
		reason = FAIL_NO_CHOICE;
	const struct trace_turn *t = &f->ls->s.turns[f->turn];
	struct replay_rec *o;
	if (f->warm) {
		VEC_GROW(R->res->warm, R->res->warm_nr + 1, R->res->warm_alloc);
		o = &R->res->warm[R->res->warm_nr++];
	} else {
		VEC_GROW(R->res->recs, R->res->nr + 1, R->res->alloc);
		o = &R->res->recs[R->res->nr++];
		R->res->end_ns = end;
	}
	bool approx;
	*o = (struct replay_rec){
		.session = f->ls->num, .conversation = f->ls->conv[f->chain], .turn = t->index,
		.in = t->in, .out = f->warm ? 1 : t->out, .due_ns = f->due_ns, .send_ns = r->send_ns,
		.os_delay_ns = f->os_delay_ns,
		.first_ns = r->first_ns, .end_ns = reason == FAIL_NONE && r->last_ns ? r->last_ns : end,
		.fail = reason, .cut = reason == FAIL_INTERRUPTED, .paced = f->paced, .http_status = c->st.resp.status,
	};
	o->output_tokens = reason == FAIL_NONE ? req_rec_output_tokens(r, &approx) : 0;
	f->prev->next = f->next;
	f->next->prev = f->prev;
	R->inflight--;
	if (keep && c->st.resp.keep_alive && c->wr_off == f->wire.len) {
		c->reused = true;
		conn_idle(R, c);
	} else {
		conn_shut(R, c);
		conn_idle(R, c);
	}
	struct live *ls = f->ls;
	size_t chain = f->chain, turn = f->turn;
	bool warm = f->warm;
	f->next = R->free_fl;
	R->free_fl = f;
	ls->inflight--;
	if (warm) {
		warm_done(R, ls, end);
		return;
	}
	session_turn_done(R, ls, chain, turn, end);
	tree_idle(R, ls, end);
}

static bool retry_stale(struct replay *R, struct conn *c)
{
	struct flight *f = c->fl;
	if (!c->reused || f->retried || c->st.resp.received)
		return false;
	f->retried = true;
	conn_shut(R, c);
	conn_idle(R, c);
	send_on(R, f);
	return true;
}

static void fail_io(struct replay *R, struct conn *c, enum fail_reason reason)
{
	if (!retry_stale(R, c))
		finish(R, c, reason, false);
}

/* Feeds n bytes read that arrived at t_ns; false when the response ended. */
static bool conn_bytes(struct replay *R, struct conn *c, size_t n, int64_t t_ns)
{
	enum fail_reason why;
	bool keep;
	if (stream_feed(&c->st, R->rbuf, n, t_ns, &why, &keep))
		return true;
	finish(R, c, why, keep);
	return false;
}

/* As load.c's conn_read: the first read of a turn is booked at the loop's wake-up, or the
 * kernel's receive stamp when it has one (rxstamp_pick), further full reads anew. */
static void conn_read(struct replay *R, struct conn *c)
{
	int64_t t = evloop_woke_ns(R->ev);
	for (int reads = 1;; reads++) {
		int64_t stamp;
		ssize_t n = rxstamp_read(c->fd, R->rbuf, READ_BUF, &R->rx, &stamp);
		if (n > 0) {
			if (!c->fl) {
				conn_shut(R, c);
				return;
			}
			int64_t at = rxstamp_pick(stamp, c->fl->rec.send_ns, t);
			if (!conn_bytes(R, c, (size_t)n, at) || (size_t)n < READ_BUF ||
			    reads == READS_PER_TURN)
				return;
			t = clock_mono_ns();
			continue;
		}
		if (n == 0) {
			if (!c->fl)
				conn_shut(R, c);
			else if (stream_eof(&c->st))
				finish(R, c, FAIL_NONE, false);
			else
				fail_io(R, c, FAIL_CLOSED);
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (c->fl)
			fail_io(R, c, errno == ECONNRESET ? FAIL_RESET : FAIL_CLOSED);
		else
			conn_shut(R, c);
		return;
	}
}

static void conn_write(struct replay *R, struct conn *c)
{
	switch (sock_send_rest(c->fd, &c->fl->wire, &c->wr_off)) {
	case SOCK_SENT:
		break;
	case SOCK_BLOCKED:
		evloop_set_fd(R->ev, c->fd, EVLOOP_READ | EVLOOP_WRITE, conn_event, c);
		return;
	case SOCK_FAILED:
		fail_io(R, c, FAIL_SEND);
		return;
	}
	evloop_set_fd(R->ev, c->fd, EVLOOP_READ, conn_event, c);
}

static void conn_event(struct evloop *ev, int fd, unsigned events, void *data)
{
	(void)ev;
	(void)fd;
	struct conn *c = data;
	struct replay *R = c->R;
	if (c->connecting) {
		if (!sock_connected(c->fd)) {
			if (c->fl)
				finish(R, c, FAIL_CONNECT, false);
			else
				conn_shut(R, c);
			return;
		}
		c->connecting = false;
		if (c->fl)
			conn_write(R, c);
		return;
	}
	if ((events & EVLOOP_WRITE) && c->fl && c->wr_off < c->fl->wire.len) {
		conn_write(R, c);
		if (c->fd < 0 || !c->fl)
			return;
	}
	if (events & EVLOOP_READ)
		conn_read(R, c);
}

static struct conn *take_conn(struct replay *R)
{
	struct conn *c = R->idle;
	if (c) {
		R->idle = c->next;
		return c;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = -1;
	c->R = R;
	stream_init(&c->st);
	VEC_GROW(R->conns, R->conns_nr + 1, R->conns_alloc);
	R->conns[R->conns_nr++] = c;
	return c;
}

static void send_on(struct replay *R, struct flight *f)
{
	struct conn *c = take_conn(R);
	c->fl = f;
	f->c = c;
	c->wr_off = 0;
	stream_start(&c->st, R->bc->api, &f->rec, f->warm ? 1 : f->ls->s.turns[f->turn].out);
	if (c->fd >= 0) {
		conn_write(R, c);
		return;
	}
	if (conn_open(R, c) < 0)
		finish(R, c, FAIL_CONNECT, false);
}

static void issue(struct replay *R, struct flight *f, int64_t now)
{
	f->deadline_ns = now + R->timeout_ns;
	f->os_delay_ns = evloop_os_delay_ns(R->ev, f->due_ns);
	f->prev = R->head.prev;
	f->next = &R->head;
	R->head.prev->next = f;
	R->head.prev = f;
	R->inflight++;
	f->ls->pending--;
	f->ls->inflight++;
	req_rec_start(&f->rec, now);
	send_on(R, f);
}

/* ---- the once-per-turn hook ---- */

static void noop_timer(struct evloop *ev, void *data)
{
	(void)ev;
	(void)data;
}

/* The bound (or a stop): nothing more is sent; what is due is dropped, what is in flight is
 * cut unless drain waits for it. */
static void begin_end(struct replay *R, bool cut)
{
	R->ending = true;
	while (R->heap_nr) {
		struct flight *f = heap_pop(R);
		R->res->turns_dropped++;
		f->ls->pending--;
		f->next = R->free_fl;
		R->free_fl = f;
	}
	if (cut)
		while (R->head.next != &R->head)
			finish(R, R->head.next->c, FAIL_INTERRUPTED, false);
}

static void before_sleep(struct evloop *ev, void *data)
{
	struct replay *R = data;
	int64_t now = clock_mono_ns();
	rx_clock_refresh(&R->rx, now);
	bool stopped = (R->bc->stop && *R->bc->stop) || R->error;
	if (stopped || (R->end_at_ns && now >= R->end_at_ns && !R->ending) ||
	    (R->ending && !R->cfg->drain && R->inflight))
		begin_end(R, stopped || !R->cfg->drain);
	while (R->head.next != &R->head && R->head.next->deadline_ns <= now) {
		struct conn *c = R->head.next->c;
		finish(R, c, c->st.resp.status ? FAIL_TIMEOUT : FAIL_TIMEOUT_HEADERS, false);
	}
	system_idle(R, now);
	int64_t admit_at = admit_due(R, now);
	if (R->warming && !R->ending && !R->warm_lanes && (R->eof || !has_room(R)))
		begin_profiling(R, now);
	while (!R->ending && R->heap_nr && R->heap[0]->due_ns <= now) {
		issue(R, heap_pop(R), now);
		now = clock_mono_ns();
		if (!R->heap_nr || R->heap[0]->due_ns > now)
			admit_at = admit_due(R, now); /* a quick failure may have freed a slot */
	}
	if (!R->inflight && !R->heap_nr && (R->ending || (R->eof && !R->ahead && !R->live))) {
		evloop_stop(ev);
		return;
	}
	evloop_set_timer(ev, TIMER_DUE, R->heap_nr ? R->heap[0]->due_ns : 0, noop_timer, NULL);
	evloop_set_timer(ev, TIMER_DEADLINE, R->inflight ? R->head.next->deadline_ns : 0,
			 noop_timer, NULL);
	evloop_set_timer(ev, TIMER_END, R->ending ? 0 : R->end_at_ns, noop_timer, NULL);
	evloop_set_timer(ev, TIMER_ADMIT, admit_at, noop_timer, NULL);
}

/* ---- setup and teardown ---- */

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int replay_run(struct replay_result *out, const struct replay_config *cfg, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct replay R = { .cfg = cfg, .bc = cfg->bench, .res = out, .d = d };
	R.head.next = R.head.prev = &R.head;
	buf_init(&R.body);
	int rc = url_split(&R.url, R.bc->base_url, R.bc->endpoint, d);
	if (!rc)
		rc = trace_open(&R.tr, cfg->trace_path, d);
	if (!rc && replay_warms(cfg) && R.tr.format == TRACE_MOONCAKE)
		rc = diags_errorf(d, cfg->trace_path, 0, 0, NULL, "a Mooncake trace is a fixed "
				  "schedule of one-turn sessions: the trajectory start ratios and "
				  "--warmup-requests-per-lane are for AgentX session traces");
	if (!rc) {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
		int gai = getaddrinfo(R.url.host, R.url.port, &hints, &R.addr);
		if (gai)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot resolve '%s': %s", R.url.host,
					  gai_strerror(gai));
	}
	if (!rc) {
		R.max_fds = load_fd_limit(true);
		R.ev = evloop_new(R.max_fds);
		if (!R.ev)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot create the event loop: %s",
					  strerror(errno));
	}
	if (!rc) {
		R.rbuf = xmalloc(READ_BUF);
		R.timeout_ns = (int64_t)(R.bc->request_timeout_s * 1e9);
		getrusage(RUSAGE_SELF, &R.ru0);
		out->start_unix = clock_wall_s();
		rx_clock_init(&R.rx);
		out->start_ns = out->end_ns = clock_mono_ns();
		R.warming = replay_warms(cfg);
		R.warm_start_ns = out->start_ns;
		rng_seed(&R.rng, (uint64_t)R.bc->ds.seed);
		if (cfg->duration_s > 0 && !R.warming)
			R.end_at_ns = out->start_ns + (int64_t)(cfg->duration_s * 1e9);
		R.tree_cap_ns = (int64_t)(cfg->trace_idle_cap_s * 1e9);
		R.system_cap_ns = (int64_t)(cfg->system_idle_cap_s * 1e9);
		evloop_set_before_sleep(R.ev, before_sleep, &R);
		if (evloop_run(R.ev) < 0)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "epoll_wait: %s", strerror(errno));
		if (R.rc)
			rc = -1;
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		out->cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime) - tv_s(R.ru0.ru_utime) -
			     tv_s(R.ru0.ru_stime);
		out->max_loop_lag_ms = (double)evloop_max_lag_ns(R.ev) / 1e6;
		if (R.error)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "out of file descriptors (%s) with "
					  "%zu requests in flight: bound the live sessions with "
					  "--max-concurrency", strerror(R.error), R.inflight);
		out->measured = !R.error && !R.rc;
	}
	/* teardown: everything the loop made */
	for (size_t i = 0; i < R.conns_nr; i++) {
		if (R.conns[i]->fd >= 0)
			close(R.conns[i]->fd);
		stream_release(&R.conns[i]->st);
		free(R.conns[i]);
	}
	free(R.conns);
	while (R.heap_nr) {
		struct flight *f = heap_pop(&R);
		f->next = R.free_fl;
		R.free_fl = f;
	}
	while (R.head.next != &R.head) { /* a failed start leaves none; kept for safety */
		struct flight *f = R.head.next;
		f->prev->next = f->next;
		f->next->prev = f->prev;
		f->next = R.free_fl;
		R.free_fl = f;
	}
	for (struct flight *f = R.free_fl, *n; f; f = n) {
		n = f->next;
		buf_release(&f->wire);
		free(f->rec.itl_ns); /* api_event grows it: the gaps of the last turn it carried */
		free(f);
	}
	free(R.heap);
	for (size_t i = 0; i < R.lives_nr; i++) {
		trace_session_release(&R.lives[i]->s);
		free(R.lives[i]->conv);
		free(R.lives[i]->header_value);
		free(R.lives[i]);
	}
	free(R.lives);
	free(R.ids);
	free(R.rbuf);
	buf_release(&R.body);
	if (R.ev)
		evloop_free(R.ev);
	if (R.addr)
		freeaddrinfo(R.addr);
	trace_close(&R.tr);
	url_parts_release(&R.url);
	return rc;
}

int64_t replay_wall_ns(const struct replay_result *r, int64_t mono_ns)
{
	return (int64_t)llround(r->start_unix * 1e9) + (mono_ns - r->start_ns);
}

void replay_result_release(struct replay_result *r)
{
	for (size_t i = 0; i < r->conversations_nr; i++)
		free(r->conversations[i]);
	free(r->conversations);
	free(r->recs);
	free(r->warm);
	memset(r, 0, sizeof(*r));
}
