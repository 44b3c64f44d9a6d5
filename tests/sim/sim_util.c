/*
 * sim_util: allocation, struct sbuf, the monotonic clock and JSON string
 * escaping for simserver (see sim_util.h).  Out-of-memory is the one error
 * reported here: it prints and exits 1, as nothing sensible can follow.
 */
#define _GNU_SOURCE
#include "sim_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char sbuf_empty[1];

static void oom(size_t n)
{
	static const char msg[] = "simserver: out of memory\n";
	(void)n;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to do */
	}
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

void sbuf_init(struct sbuf *b)
{
	b->v = sbuf_empty;
	b->nr = 0;
	b->alloc = 0;
}

void sbuf_release(struct sbuf *b)
{
	if (b->alloc)
		free(b->v);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->nr = 0;
	if (b->alloc)
		b->v[0] = '\0';
}

void sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->nr + extra + 1;
	if (need <= b->alloc)
		return;
	size_t na = b->alloc ? b->alloc : 64;
	while (na < need)
		na *= 2;
	if (b->alloc) {
		b->v = xrealloc(b->v, na);
	} else {
		b->v = xmalloc(na);
		b->v[0] = '\0';
	}
	b->alloc = na;
}

void sbuf_add(struct sbuf *b, const void *data, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->v + b->nr, data, n);
	b->nr += n;
	b->v[b->nr] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_grow(b, 1);
	b->v[b->nr++] = c;
	b->v[b->nr] = '\0';
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[128];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sbuf_add(b, small, (size_t)n);
		return;
	}
	sbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->v + b->nr, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->nr += (size_t)n;
}

void sbuf_add_json_str(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_grow(b, n + 2);
	sbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': sbuf_add(b, "\\\"", 2); break;
		case '\\': sbuf_add(b, "\\\\", 2); break;
		case '\n': sbuf_add(b, "\\n", 2); break;
		case '\r': sbuf_add(b, "\\r", 2); break;
		case '\t': sbuf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sbuf_add(b, e, 6);
			} else {
				sbuf_addc(b, (char)c);
			}
		}
	}
	sbuf_addc(b, '"');
}

void sbuf_remove_front(struct sbuf *b, size_t n)
{
	if (n >= b->nr) {
		sbuf_reset(b);
		return;
	}
	memmove(b->v, b->v + n, b->nr - n);
	b->nr -= n;
	b->v[b->nr] = '\0';
}

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
