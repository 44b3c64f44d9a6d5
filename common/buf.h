/*
 * buf: the growable byte buffer. `s` is never NULL and always NUL-terminated, so a fresh
 * buffer (BUF_INIT or buf_init) reads as "". `cap`, when non-zero, bounds the length for
 * untrusted input: buf_add past it fails (returns -1) and leaves the buffer unchanged.
 * The buffer owns `s`; buf_release frees it, buf_take hands it to the caller.
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *s;      /* owned unless it points at the shared empty string */
	size_t len;
	size_t alloc; /* 0 while s is the shared empty string */
	size_t cap;   /* 0: unbounded */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* The bytes, NUL-terminated; the buffer is reset to empty. Caller frees. */
char *buf_take(struct buf *b, size_t *len_out);
/* Reallocates for extra more bytes and the NUL (buf_grow's slow half). */
void buf_enlarge(struct buf *b, size_t extra);
/* Makes room for extra more bytes and the NUL. Inline because the JSON writer calls it for
 * every token and nearly every call finds the room there: alloc is 0 (the shared empty
 * string) or more than len, so the test also catches the first growth and overflow. */
static inline void buf_grow(struct buf *b, size_t extra)
{
	if (extra >= b->alloc - b->len)
		buf_enlarge(b, extra);
}
void buf_setlen(struct buf *b, size_t len);
static inline void buf_reset(struct buf *b) { buf_setlen(b, 0); }
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
/* Appends v in decimal. By hand, not buf_addf: the matrix and its row names write tens of
 * thousands of integers, and a printf call costs ten times as much. */
void buf_add_int(struct buf *b, long long v);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s with control characters escaped (\n, \t, \xNN), for messages to a terminal. */
void buf_add_escaped(struct buf *b, const char *s, size_t len);

#endif
