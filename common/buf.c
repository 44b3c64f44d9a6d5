/* buf: see buf.h. */
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->s = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	size_t cap = b->cap;
	if (b->alloc)
		free(b->s);
	buf_init(b);
	b->cap = cap;
}

char *buf_take(struct buf *b, size_t *len_out)
{
	char *s;
	if (len_out)
		*len_out = b->len;
	if (!b->alloc) {
		s = xstrdup("");
	} else {
		s = b->s;
	}
	size_t cap = b->cap;
	buf_init(b);
	b->cap = cap;
	return s;
}

void buf_enlarge(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		need = (size_t)-1; /* xrealloc reports the overflow as out-of-memory */
	if (need <= b->alloc)
		return;
	size_t n = b->alloc ? b->alloc : 32;
	while (n < need)
		n = n * 2 > n ? n * 2 : need;
	if (!b->alloc) {
		b->s = xmalloc(n);
		b->s[0] = '\0';
	} else {
		b->s = xrealloc(b->s, n);
	}
	b->alloc = n;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->alloc)
		return; /* only 0 is possible */
	b->len = len;
	b->s[len] = '\0';
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->cap && b->len + len > b->cap)
		return -1;
	if (!len)
		return 0;
	buf_grow(b, len);
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

void buf_add_int(struct buf *b, long long v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p = end;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(end - p));
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	char small[256];
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	if (b->cap && b->len + (size_t)n > b->cap)
		return -1;
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_add_escaped(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, (char)c);
	}
}
