/*
 * sse: the incremental server-sent-events parser. It owns the framing only: bytes in, event
 * data out. What an event means (JSON, [DONE], choices) is api.c's business.
 *
 * Rules (executor-spec 4.5, the SSE standard): lines end in "\n", a "\r" before it is
 * dropped; a blank line ends an event; lines starting with ':' are comments; the fields
 * event:, id:, retry: and unknown fields are ignored; a data: value loses one leading
 * space, and several data lines of one event are joined with "\n". An event without data
 * lines is not dispatched. An unterminated event at end of stream is dropped.
 *
 * It works in place: a line that lies whole in the caller's bytes is read there, and only
 * the tail of a line split across feeds is copied (into `tail`). An event whose only data
 * line lies in the caller's bytes is handed out without a copy; multi-line data is
 * assembled in `data`. The data pointer passed to the callback is valid during the call only.
 *
 * Use: sse_init; sse_feed as bytes arrive (any split); sse_reset between streams;
 * sse_release frees the two buffers it owns.
 */
#ifndef EXECUTOR_SSE_H
#define EXECUTOR_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* Called once per event; returns 0 to go on, non-zero to stop (sse_feed returns it). */
typedef int (*sse_event_fn)(const char *data, size_t len, void *arg);

#define SSE_MAX_LINE (64u << 20) /* a longer line is an error: untrusted input */

struct sse {
	struct buf tail;    /* owned: bytes of a line not yet ended */
	struct buf data;    /* owned: data of the current event, once it had to be copied */
	const char *ref;    /* the current event's single data line, borrowed from the bytes
			       being fed; NULL when none or when copied into data */
	size_t ref_len;
	size_t nlines;      /* data lines in the current event */
};

void sse_init(struct sse *p);
void sse_reset(struct sse *p);
void sse_release(struct sse *p);
/* Feeds n bytes. Returns 0, the callback's non-zero value, or -1 when a line is too long. */
int sse_feed(struct sse *p, const char *bytes, size_t n, sse_event_fn fn, void *arg);

#endif
