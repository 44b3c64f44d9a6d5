/* stream: see stream.h. */
#include "executor/load/stream.h"

#include "executor/load/api.h"

/* What one request may record. An honest stream has at most one event per token asked for
 * (a server may pack several tokens in one event, never split one), plus a few of its own:
 * chat's role event, the usage event, [DONE], empty deltas, keep-alive data. Twice max_tokens
 * plus 64 leaves room for all of them, and a server that streams on past max_tokens is cut
 * off after a bounded amount: without a cap each such request's ITL samples (and texts with
 * --save-detailed) grew without bound, hundreds of MB in seconds. */
#define EVENTS_CAP(max_tokens) (2 * (size_t)(max_tokens) + 64)
/* The kept text, per allowed event: a token's text is a few bytes; 64 is far above it. */
#define TEXT_BYTES_PER_EVENT 64

void stream_init(struct stream *s)
{
	http_resp_init(&s->resp);
	sse_init(&s->sse);
	s->api = NULL;
	s->rec = NULL;
	s->events = s->events_cap = 0;
	s->stop_reason = FAIL_NONE;
	s->t_ns = 0;
}

void stream_release(struct stream *s)
{
	http_resp_release(&s->resp);
	sse_release(&s->sse);
}

void stream_start(struct stream *s, const struct api_ops *api, struct req_rec *rec,
		  long max_tokens)
{
	http_resp_start(&s->resp);
	sse_reset(&s->sse);
	s->api = api;
	s->rec = rec;
	s->events = 0;
	s->events_cap = EVENTS_CAP(max_tokens);
	s->stop_reason = FAIL_NONE;
}

static int on_event(const char *data, size_t n, void *arg)
{
	struct stream *s = arg;
	struct req_rec *r = s->rec;
	if (++s->events > s->events_cap ||
	    (r->text && r->text->len + n > s->events_cap * TEXT_BYTES_PER_EVENT)) {
		s->stop_reason = FAIL_TOO_LONG;
		return 1;
	}
	if (api_event(r, s->api, s->t_ns, data, n) == 0)
		return 0;
	s->stop_reason = FAIL_MALFORMED;
	return 1;
}

static int on_body(const char *p, size_t n, void *arg)
{
	struct stream *s = arg;
	if (s->resp.status != 200)
		return 0; /* an error body: its status is the reason */
	int rc = sse_feed(&s->sse, p, n, on_event, s);
	if (rc < 0)
		s->stop_reason = FAIL_PROTOCOL;
	return rc;
}

bool stream_feed(struct stream *s, const char *p, size_t n, int64_t t_ns, enum fail_reason *why,
		 bool *keep)
{
	size_t used;
	s->t_ns = t_ns;
	*keep = false;
	switch (http_resp_feed(&s->resp, p, n, &used, on_body, s)) {
	case HTTP_MORE:
		return true;
	case HTTP_DONE:
		*why = FAIL_NONE;
		*keep = used == n; /* extra bytes: nothing was asked for them */
		return false;
	case HTTP_STOP:
		*why = s->stop_reason;
		return false;
	default:
		*why = FAIL_PROTOCOL;
		return false;
	}
}

bool stream_eof(struct stream *s)
{
	return http_resp_eof(&s->resp) == HTTP_DONE;
}
