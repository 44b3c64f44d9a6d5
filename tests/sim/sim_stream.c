/*
 * sim_stream: one generation response (completions or chat SSE over
 * chunked HTTP): when each event is due, what bytes it writes, how faults
 * bend it, and the ground-truth samples it leaves in sim_stats.
 *
 * Timing: token 1 is due ttft after the request's last bytes arrived (the
 * kernel's receive stamp, or the read time without one; after the delayed
 * head for slow-headers); token k+1 is due one gap after token k's
 * *scheduled* time, so the intended schedule stays exact when the loop
 * keeps up.  Recorded TTFT runs from that arrival to when token 1's write
 * returned; gaps are between the times successive writes returned.
 * Every write is one send() of whole HTTP chunks, one chunk per SSE event.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_server.h"

static const char *const words[] = {
	" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy",
	" dog", " and", " runs", " far", " away", " into", " green", " fields",
};
#define WORDS_NR (sizeof(words) / sizeof(words[0]))

/* Tokens sent before the reset and stall faults act. */
#define FAULT_TOKENS 3
/* Token events of one flood write: many per send, so the flood outruns any client. */
#define FLOOD_BATCH 64

/* Appends one HTTP chunk holding the concatenation of parts (once per
 * token: no printf). */
static void add_chunk(struct sbuf *w, const char *const *parts, size_t nr)
{
	static const char hex[] = "0123456789abcdef";
	size_t lens[8], total = 0;
	char size[2 * sizeof(size_t) + 2];
	int at = (int)sizeof(size);

	for (size_t i = 0; i < nr; i++)
		total += lens[i] = strlen(parts[i]);
	size[--at] = '\n';
	size[--at] = '\r';
	for (size_t t = total; at == (int)sizeof(size) - 2 || t; t >>= 4)
		size[--at] = hex[t & 15];
	sbuf_grow(w, sizeof(size) + total + 2);
	sbuf_add(w, size + at, sizeof(size) - (size_t)at);
	for (size_t i = 0; i < nr; i++)
		sbuf_add(w, parts[i], lens[i]);
	sbuf_add(w, "\r\n", 2);
}

#define CHUNK(w, ...)                                                         \
	do {                                                                  \
		const char *const parts_[] = { __VA_ARGS__ };                 \
		add_chunk((w), parts_, sizeof(parts_) / sizeof(parts_[0]));   \
	} while (0)

static int send_head(struct server *srv, struct conn *c)
{
	sbuf_reset(&srv->wr);
	sbuf_addf(&srv->wr, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			    "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n%s\r\n",
		  c->req.keep_alive ? "" : "Connection: close\r\n");
	return conn_send(srv, c, srv->wr.v, srv->wr.nr);
}

static void schedule(struct server *srv, struct conn *c)
{
	struct heap_entry e = { c->st.due_ns, c->st.gen, c->fd };
	heap_push(&srv->heap, e);
}

static void format_head(struct server *srv, struct stream *st, uint64_t id)
{
	int chat = st->kind == API_CHAT;
	sbuf_reset(&st->head);
	sbuf_addf(&st->head, "data: {\"id\":\"%s-%llu\",\"object\":\"%s\",\"created\":%lld,\"model\":",
		  chat ? "chatcmpl" : "cmpl", (unsigned long long)id,
		  chat ? "chat.completion.chunk" : "text_completion", (long long)time(NULL));
	sbuf_add_json_str(&st->head, srv->cfg->model, strlen(srv->cfg->model));
	sbuf_adds(&st->head, ",\"choices\":[");
}

int stream_start(struct server *srv, struct conn *c, const struct gen_req *g,
		 enum api_kind kind, enum fault fault)
{
	struct stream *st = &c->st;
	const struct sim_config *cfg = srv->cfg;

	st->on = 1;
	st->kind = kind;
	st->fault = fault;
	st->gen = ++srv->gen_seq;
	st->prompt_tokens = g->prompt_tokens;
	st->max_tokens = g->max_tokens + cfg->output_tokens_delta;
	if (st->max_tokens < 1)
		st->max_tokens = 1;
	st->sent = 0;
	st->fault_after = st->max_tokens - 1 < FAULT_TOKENS ? st->max_tokens - 1 : FAULT_TOKENS;
	st->include_usage = g->include_usage;
	st->continuous_usage = g->include_usage && g->continuous_usage;
	st->decoding = 0;
	st->ttft_ns = (int64_t)(cfg->ttft_ms * 1e6 +
				cfg->prefill_us_per_token * 1e3 * (double)g->prompt_tokens);
	st->arrival_ns = c->arrival_ns;
	stats_add_arrival(&srv->stats, c->arrival_kernel, c->read_ns - c->arrival_ns);
	st->itl_nr = 0;
	format_head(srv, st, srv->req_seq);
	stats_add_active(&srv->stats, 1);

	if (fault == FAULT_SLOW_HEADERS) {
		st->stage = STAGE_HEADERS;
		st->due_ns = st->arrival_ns + cfg->slow_headers_ms * 1000000;
	} else {
		if (send_head(srv, c))
			return -1;
		st->stage = STAGE_TOKENS;
		st->due_ns = st->arrival_ns + st->ttft_ns;
	}
	schedule(srv, c);
	return 0;
}

void stream_release(struct stream *st)
{
	sbuf_release(&st->head);
	free(st->itl_ns);
	st->itl_ns = NULL;
	st->itl_nr = st->itl_alloc = 0;
}

/* Bookkeeping common to every way a stream ends. */
static void stream_end(struct server *srv, struct stream *st)
{
	st->on = 0;
	if (st->decoding) {
		st->decoding = 0;
		srv->decoding--;
	}
	stats_add_active(&srv->stats, -1);
	srv->ended++;
}

void stream_abort(struct server *srv, struct conn *c)
{
	if (c->st.fault == FAULT_NONE)
		srv->stats.aborted++;
	stream_end(srv, &c->st);
}

/* Appends this write's SSE events, as chunks, to srv->wr: one event of n tokens (their words
 * joined), with the usage so far when the request asked for continuous usage stats. */
static void add_token_events(struct server *srv, struct stream *st, int last, int n)
{
	struct sbuf *w = &srv->wr;
	char joined[MAX_TOKENS_PER_CHUNK * 16];
	size_t len = 0;
	for (int k = 0; k < n; k++) {
		const char *x = words[(st->sent + k) % WORDS_NR];
		size_t xl = strlen(x);
		if (len + xl + 1 < sizeof(joined)) {
			memcpy(joined + len, x, xl);
			len += xl;
		}
	}
	joined[len] = '\0';
	const char *word = joined;
	const char *fin = last ? "\"length\"" : "null";
	char usage_now[160] = "null";
	if (st->continuous_usage)
		snprintf(usage_now, sizeof(usage_now), "{\"prompt_tokens\":%lld,\"total_tokens\":%lld,"
			 "\"completion_tokens\":%lld}", st->prompt_tokens,
			 st->prompt_tokens + st->sent + n, st->sent + n);

	if (st->kind == API_CHAT) {
		if (st->sent == 0)
			CHUNK(w, st->head.v, "{\"index\":0,\"delta\":{\"role\":\"assistant\","
					     "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
		char tail[200]; /* add_chunk takes at most 8 parts */
		snprintf(tail, sizeof(tail), "}]%s%s}\n\n",
			 st->continuous_usage ? ",\"usage\":" : "",
			 st->continuous_usage ? usage_now : "");
		CHUNK(w, st->head.v, "{\"index\":0,\"delta\":{\"content\":\"", word,
		      "\"},\"logprobs\":null,\"finish_reason\":", fin, tail);
	} else {
		CHUNK(w, st->head.v, "{\"index\":0,\"text\":\"", word,
		      "\",\"logprobs\":null,\"finish_reason\":", fin,
		      ",\"stop_reason\":null}],\"usage\":", usage_now, "}\n\n");
	}
	if (st->fault == FAULT_MALFORMED && st->sent == 0)
		CHUNK(w, "data: {\"id\":\"broken\",\"choices\":[{\"text\":\n\n");
	if (!last)
		return;
	if (st->include_usage && st->fault != FAULT_NO_USAGE) {
		char usage[160];
		snprintf(usage, sizeof(usage),
			 "],\"usage\":{\"prompt_tokens\":%lld,\"total_tokens\":%lld,"
			 "\"completion_tokens\":%lld}}\n\n",
			 st->prompt_tokens, st->prompt_tokens + st->max_tokens, st->max_tokens);
		CHUNK(w, st->head.v, usage);
	}
	CHUNK(w, "data: [DONE]\n\n");
	sbuf_add(w, "0\r\n\r\n", 5);
}

static int stream_finish(struct server *srv, struct conn *c, int64_t t)
{
	struct stream *st = &c->st;
	if (st->fault == FAULT_NONE)
		sim_metrics_add_completed(&srv->metrics, srv->cfg, st->prompt_tokens,
					  st->max_tokens);
	if (st->fault == FAULT_NONE)
		stats_add_completed(&srv->stats, st->first_ns - st->arrival_ns,
				    t - st->arrival_ns, st->itl_ns, st->itl_nr,
				    st->prompt_tokens, st->max_tokens);
	stream_end(srv, st);
	return conn_request_done(srv, c);
}

static int64_t next_gap_ns(const struct server *srv)
{
	const struct sim_config *cfg = srv->cfg;
	double others = srv->decoding > 1 ? (double)(srv->decoding - 1) : 0;
	return (int64_t)(cfg->itl_ms * 1e6 * (1 + cfg->decode_slowdown * others));
}

/* Acts on reset and stall once their tokens went: 1 acted, -1 closed. */
static int fault_acts(struct server *srv, struct conn *c)
{
	struct stream *st = &c->st;
	if ((st->fault != FAULT_RESET && st->fault != FAULT_STALL) ||
	    st->sent < st->fault_after)
		return 0;
	if (st->fault == FAULT_RESET) {
		conn_close(srv, c, 1);
		return -1;
	}
	st->stage = STAGE_STALLED;
	if (st->decoding) {
		st->decoding = 0;
		srv->decoding--;
	}
	return 1;
}

/* Whether the stream ignores max_tokens and never ends on its own. */
static int streams_on(const struct stream *st)
{
	return st->fault == FAULT_ENDLESS || st->fault == FAULT_FLOOD;
}

/* flood: while the client has not taken the last batch, wait this long and look again, so
 * the output queued here stays one batch (the client's reading paces the flood, and the
 * 8 MiB drop of a client that stops reading never decides how the stream ends). */
#define FLOOD_WAIT_NS 1000000

static int send_token(struct server *srv, struct conn *c)
{
	struct stream *st = &c->st;
	int per = st->fault == FAULT_FLOOD ? 1 : (int)srv->cfg->tokens_per_chunk;
	if (!streams_on(st) && per > st->max_tokens - st->sent)
		per = (int)(st->max_tokens - st->sent);
	int last = !streams_on(st) && st->sent + per >= st->max_tokens;
	int first = st->sent == 0;
	int batch = st->fault == FAULT_FLOOD ? FLOOD_BATCH : 1;

	if (st->fault == FAULT_FLOOD && conn_pending(c)) {
		st->due_ns = srv->now_ns + FLOOD_WAIT_NS;
		schedule(srv, c);
		return 0;
	}
	sbuf_reset(&srv->wr);
	for (int k = 0; k < batch; k++, st->sent += per)
		add_token_events(srv, st, last, per);
	if (conn_send(srv, c, srv->wr.v, srv->wr.nr))
		return -1;
	int64_t t = now_ns();
	srv->now_ns = t; /* the serve loop's clock too: one read per token */
	if (first) {
		st->first_ns = t;
		if (!last) {
			st->decoding = 1;
			srv->decoding++;
		}
	} else if (st->fault == FAULT_NONE) {
		VEC_GROW(st->itl_ns, st->itl_nr + 1, st->itl_alloc);
		st->itl_ns[st->itl_nr++] = t - st->last_ns;
	}
	st->last_ns = t;
	if (last)
		return stream_finish(srv, c, t);
	/* flood: the next batch at once, whatever the gap */
	st->due_ns = st->fault == FAULT_FLOOD ? t : st->due_ns + per * next_gap_ns(srv);
	schedule(srv, c);
	return 0;
}

int stream_due(struct server *srv, struct conn *c, int64_t due_ns)
{
	struct stream *st = &c->st;
	int r;

	stats_note_lag(&srv->stats, srv->now_ns - due_ns);
	if (st->stage == STAGE_HEADERS) {
		if (send_head(srv, c))
			return -1;
		st->stage = STAGE_TOKENS;
		st->due_ns += st->ttft_ns;
		schedule(srv, c);
		return 0;
	}
	if (st->stage != STAGE_TOKENS)
		return 0;
	r = fault_acts(srv, c);
	if (r)
		return r < 0 ? -1 : 0;
	return send_token(srv, c);
}
