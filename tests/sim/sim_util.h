/*
 * sim_util: the small helpers every simserver file shares: allocation that
 * exits on out-of-memory (xmalloc), one growable byte buffer (struct sbuf),
 * one array-growing macro (VEC_GROW), the monotonic clock, and JSON string
 * escaping.
 *
 * struct sbuf: sbuf_init, then sbuf_add*, then sbuf_release.  v is never
 * NULL and v[nr] is always '\0'.  sbuf_reset keeps the memory for reuse.
 */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Make room for at least `need` elements in v (capacity alloc). */
#define VEC_GROW(v, need, alloc)                                        \
	do {                                                            \
		if ((size_t)(need) > (alloc)) {                         \
			size_t na_ = (alloc) ? (alloc) : 16;            \
			while (na_ < (size_t)(need))                    \
				na_ *= 2;                               \
			(v) = xrealloc((v), na_ * sizeof(*(v)));        \
			(alloc) = na_;                                  \
		}                                                       \
	} while (0)

struct sbuf {
	char *v;      /* owned (or a shared static "" while alloc == 0) */
	size_t nr;    /* bytes used, not counting the terminating NUL */
	size_t alloc; /* bytes allocated */
};

void sbuf_init(struct sbuf *b);
void sbuf_release(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_grow(struct sbuf *b, size_t extra);
void sbuf_add(struct sbuf *b, const void *data, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s (n bytes) as a quoted JSON string; bytes >= 0x80 pass through. */
void sbuf_add_json_str(struct sbuf *b, const char *s, size_t n);
/* Drops the first n bytes. */
void sbuf_remove_front(struct sbuf *b, size_t n);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t now_ns(void);

#endif
