/*
 * stream: the response side of one streamed request on a connection, shared by the load
 * (load.c) and the trace replay (replay.c): the HTTP response parse (http.h), its SSE events
 * (sse.h) fed to the API's event reader (api.h) into the request's record, and the bounds a
 * response must keep (at most EVENTS_CAP data events for its max_tokens, and text within
 * TEXT_BYTES_PER_EVENT of that). What the connection does with the outcome (keep it, close
 * it, retry) stays with its owner.
 *
 * Use: stream_init once per connection; stream_start per request; stream_feed with each read
 * (and its time) until it returns false; stream_eof when the peer closed; stream_release.
 * The record is borrowed.
 */
#ifndef EXECUTOR_STREAM_H
#define EXECUTOR_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "executor/load/http.h"
#include "executor/load/result.h"
#include "executor/load/sse.h"

struct api_ops;
struct req_rec;

struct stream {
	struct http_resp resp;        /* owns its head buffer */
	struct sse sse;               /* owns its tail/data buffers */
	const struct api_ops *api;
	struct req_rec *rec;          /* borrowed: where the events go */
	size_t events, events_cap;    /* data events of this response; its bound */
	enum fail_reason stop_reason; /* why an event stopped the parse */
	int64_t t_ns;                 /* when the bytes being fed arrived */
};

void stream_init(struct stream *s);
void stream_release(struct stream *s);
/* Ready for a response to a request asking max_tokens, recorded into rec. */
void stream_start(struct stream *s, const struct api_ops *api, struct req_rec *rec,
		  long max_tokens);
/* Feeds n bytes that arrived at t_ns. true: the response goes on. false: it ended, *why says
 * how (FAIL_NONE: complete) and *keep whether the connection may carry another request (a
 * complete response with no bytes after it). */
bool stream_feed(struct stream *s, const char *p, size_t n, int64_t t_ns, enum fail_reason *why,
		 bool *keep);
/* The peer closed the connection: true when that completed the response (a body read to the
 * close). */
bool stream_eof(struct stream *s);

#endif
