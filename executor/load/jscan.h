/*
 * jscan: a validating JSON scanner for stream events that reads only what the metrics need:
 * whether a top-level "choices" array is non-empty, and usage.completion_tokens. It
 * allocates nothing and copies nothing, so it can run on every event of every stream;
 * malformed JSON is reported, never half-read. Nesting deeper than JSCAN_MAX_DEPTH is
 * treated as malformed.
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
