/* sse: see sse.h. */
#include "executor/load/sse.h"

#include <string.h>

void sse_init(struct sse *p)
{
	buf_init(&p->tail);
	buf_init(&p->data);
	p->tail.cap = SSE_MAX_LINE;
	p->data.cap = SSE_MAX_LINE;
	p->ref = NULL;
	p->ref_len = 0;
	p->nlines = 0;
}

void sse_reset(struct sse *p)
{
	buf_reset(&p->tail);
	buf_reset(&p->data);
	p->ref = NULL;
	p->ref_len = 0;
	p->nlines = 0;
}

void sse_release(struct sse *p)
{
	buf_release(&p->tail);
	buf_release(&p->data);
	sse_init(p);
}

/* Moves a borrowed data line into `data`, before the bytes it points into go away. */
static int sse_own_ref(struct sse *p)
{
	if (!p->ref)
		return 0;
	int rc = buf_add(&p->data, p->ref, p->ref_len);
	p->ref = NULL;
	return rc;
}

static int sse_add_data(struct sse *p, const char *v, size_t n, bool borrowed)
{
	if (p->nlines == 0 && borrowed) {
		p->ref = v;
		p->ref_len = n;
		p->nlines = 1;
		return 0;
	}
	if (sse_own_ref(p) < 0)
		return -1;
	if (p->nlines && buf_addch(&p->data, '\n') < 0)
		return -1;
	p->nlines++;
	return buf_add(&p->data, v, n);
}

static int sse_dispatch(struct sse *p, sse_event_fn fn, void *arg)
{
	if (!p->nlines)
		return 0;
	int rc = p->ref ? fn(p->ref, p->ref_len, arg) : fn(p->data.s, p->data.len, arg);
	p->ref = NULL;
	p->nlines = 0;
	buf_reset(&p->data);
	return rc;
}

/* One line without its "\n" (and without a "\r" before it). borrowed: it lies in the fed
 * bytes, not in `tail`. */
static int sse_line(struct sse *p, const char *s, size_t n, bool borrowed, sse_event_fn fn,
		    void *arg)
{
	if (n == 0)
		return sse_dispatch(p, fn, arg);
	if (s[0] == ':')
		return 0;
	const char *colon = memchr(s, ':', n);
	size_t name_len = colon ? (size_t)(colon - s) : n;
	if (name_len != 4 || memcmp(s, "data", 4) != 0)
		return 0; /* event:, id:, retry: and unknown fields */
	const char *v = colon ? colon + 1 : s + n;
	size_t vn = (size_t)(s + n - v);
	if (vn && *v == ' ') {
		v++;
		vn--;
	}
	return sse_add_data(p, v, vn, borrowed);
}

int sse_feed(struct sse *p, const char *bytes, size_t n, sse_event_fn fn, void *arg)
{
	const char *s = bytes, *end = bytes + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl) {
			if (sse_own_ref(p) < 0 || buf_add(&p->tail, s, (size_t)(end - s)) < 0)
				return -1;
			return 0;
		}
		const char *line = s;
		size_t len = (size_t)(nl - s);
		bool borrowed = true;
		if (p->tail.len) {
			if (buf_add(&p->tail, s, len) < 0)
				return -1;
			line = p->tail.s;
			len = p->tail.len;
			borrowed = false;
		}
		if (len && line[len - 1] == '\r')
			len--;
		int rc = sse_line(p, line, len, borrowed, fn, arg);
		buf_reset(&p->tail);
		if (rc)
			return rc;
		s = nl + 1;
	}
	return sse_own_ref(p) < 0 ? -1 : 0;
}
