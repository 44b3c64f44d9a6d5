/*
 * jscan: a validating JSON scanner for stream events that reads only what the metrics need:
 * whether a top-level "choices" array is non-empty, and usage.completion_tokens. It
 * allocates nothing and copies nothing, so it can run on every event of every stream;
 * malformed JSON is reported, never half-read. Nesting deeper than JSCAN_MAX_DEPTH is
 * treated as malformed.
 *
 * Why not jtree, the executor's one JSON reader: jtree builds a tree (an allocation per
 * value, every key and string copied, line and column tracked) that a stream event is then
 * asked two questions of. On the events a server streams (one-token completions and chat
 * chunks, ~225 bytes), tests/perf/perf_jscan measured jscan at 5.0 M events/s against
 * jtree's 0.31 M (200 ns against 3.2 us an event; 13-16x over runs on a 2-core machine).
 * The load loop is one thread, and every event's cost delays the timestamps of the events
 * behind it: at 100,000 events/s jtree would take a third of that thread. Only api_event
 * uses jscan; everything else reads JSON with jtree.
 */
#ifndef EXECUTOR_JSCAN_H
#define EXECUTOR_JSCAN_H

#include <stddef.h>

#define JSCAN_MAX_DEPTH 64

enum jscan_choices { JS_CHOICES_MISSING, JS_CHOICES_EMPTY, JS_CHOICES_NONEMPTY };

struct jscan_event {
	enum jscan_choices choices; /* MISSING also when null or not an array */
	long long completion_tokens; /* -1 when usage.completion_tokens is absent or not an int */
};

/* 0 when s[0..n) is one JSON value (whitespace around allowed), -1 when malformed. */
int jscan_event(struct jscan_event *out, const char *s, size_t n);

#endif
