/*
 * sim_json: a tiny pull scanner for the JSON request bodies simserver reads.
 * It validates what it passes over (strings with escapes, numbers, literals,
 * nesting up to JSCAN_MAX_DEPTH) and never reads past `end`.
 *
 * Use: jscan_init over the body; jscan_begin(s, '{'); then
 *   while ((r = jscan_next(s, '}', &first)) == 1) { jscan_key(...); value }
 * r == 0 means the container closed, r < 0 a syntax error.  Arrays are the
 * same with '[' / ']' and no key.  Every function returns -1 on bad input.
 * Nothing allocates except jscan_string into a caller's sbuf.
 */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stddef.h>

#include "sim_util.h"

#define JSCAN_MAX_DEPTH 64

struct jscan {
	const char *p;   /* borrowed: next unread byte of the body */
	const char *end; /* borrowed: one past the body's last byte */
	int depth;       /* containers open now */
};

void jscan_init(struct jscan *s, const char *body, size_t n);
/* Skips whitespace; returns the next byte, or 0 at the end. */
char jscan_peek(struct jscan *s);
/* Succeeds when only whitespace is left. */
int jscan_done(struct jscan *s);
int jscan_begin(struct jscan *s, char open);
int jscan_next(struct jscan *s, char close, int *first);
/* Object key and its ':'; the decoded key goes to key (NUL-terminated);
 * a key longer than keysz - 1 comes back as "" (so matches nothing). */
int jscan_key(struct jscan *s, char *key, size_t keysz);
/* A string value, decoded (escapes, \u to UTF-8) and appended to out;
 * out NULL only validates and skips it. */
int jscan_string(struct jscan *s, struct sbuf *out);
/* An integer number (no fraction, no exponent, |v| < 1e15). */
int jscan_int(struct jscan *s, long long *out);
int jscan_bool(struct jscan *s, int *out);
/* Consumes `null` when it is next: 1 yes, 0 no. */
int jscan_null(struct jscan *s);
/* Any value. */
int jscan_skip(struct jscan *s);

#endif
