/* http: see http.h. */
#include "executor/load/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->head);
	r->head.cap = HTTP_MAX_HEAD;
}

void http_resp_start(struct http_resp *r)
{
	struct buf head = r->head;
	memset(r, 0, sizeof(*r));
	r->head = head;
	buf_reset(&r->head);
}

void http_resp_release(struct http_resp *r)
{
	buf_release(&r->head);
}

static bool header_is(const char *line, size_t n, const char *name, const char **value)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return false;
	const char *v = line + k + 1;
	while (v < line + n && (*v == ' ' || *v == '\t'))
		v++;
	*value = v;
	return true;
}

static bool has_token(const char *v, size_t n, const char *token)
{
	size_t k = strlen(token);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(v + i, token, k))
			return true;
	return false;
}

/* Parses the complete head in r->head: status line and the headers that frame the body. */
static int parse_head(struct http_resp *r)
{
	char *s = r->head.s, *end = s + r->head.len;
	if (r->head.len < 12 || strncmp(s, "HTTP/1.", 7))
		return HTTP_ERR;
	bool http10 = s[7] == '0';
	r->status = atoi(s + 9);
	if (r->status < 100 || r->status > 999)
		return HTTP_ERR;
	if (r->status < 200 && r->status != 101) {
		/* an interim response (100 Continue, 103 Early Hints): the real one follows on the
		 * same connection, so its head is dropped and the next head is read */
		if (++r->interim > HTTP_MAX_INTERIM)
			return HTTP_ERR;
		buf_reset(&r->head);
		r->status = 0;
		return HTTP_MORE;
	}
	r->keep_alive = !http10;
	bool has_len = false;
	for (char *line = memchr(s, '\n', r->head.len) + 1; line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = (size_t)((nl ? nl : end) - line);
		if (n && line[n - 1] == '\r')
			n--;
		const char *v;
		if (header_is(line, n, "content-length", &v)) {
			char *e;
			r->remaining = strtoll(v, &e, 10);
			while (e < line + n && (*e == ' ' || *e == '\t'))
				e++;
			/* digits and nothing else ("37XK" is no length: RFC 9112 6.3 item 5) */
			if (e == v || e != line + n || r->remaining < 0 || *v == '-' || *v == '+')
				return HTTP_ERR;
			has_len = true;
		} else if (header_is(line, n, "transfer-encoding", &v)) {
			r->chunked = has_token(v, n - (size_t)(v - line), "chunked");
		} else if (header_is(line, n, "connection", &v)) {
			size_t vn = n - (size_t)(v - line);
			if (has_token(v, vn, "close"))
				r->keep_alive = false;
			else if (has_token(v, vn, "keep-alive"))
				r->keep_alive = true;
		}
		line = nl ? nl + 1 : end;
	}
	if (r->chunked) {
		/* the chunked framing decides the length (RFC 9112 6.3): a Content-Length beside it
		 * is ignored, and the first chunk size is counted from 0 */
		r->remaining = 0;
		r->st = HS_CHUNK_SIZE;
	}
	else if (r->status == 204 || r->status == 304)
		r->st = HS_DONE; /* no body */
	else if (r->status == 101) {
		/* a protocol switch we never ask for: a failure, and the connection speaks another
		 * protocol from here on, so it is not reused */
		r->st = HS_DONE;
		r->keep_alive = false;
	}
	else if (has_len)
		r->st = r->remaining ? HS_LEN : HS_DONE;
	else {
		r->st = HS_CLOSE;
		r->keep_alive = false;
	}
	return HTTP_MORE;
}

/* Takes head bytes from p; *used says how many belonged to the head. The end of the head is
 * found in p first and only the bytes up to it are kept: the body bytes that came in the
 * same read do not count against HTTP_MAX_HEAD. */
static int feed_head(struct http_resp *r, const char *p, size_t n, size_t *used)
{
	/* the two bytes before p[i]: from the head kept so far, then from p */
	size_t old = r->head.len;
	char b1 = old >= 1 ? r->head.s[old - 1] : 0, b2 = old >= 2 ? r->head.s[old - 2] : 0;
	for (size_t i = 0; i < n; i++) {
		/* a blank line: "\n\n" or "\n\r\n" */
		if (p[i] == '\n' && (b1 == '\n' || (b1 == '\r' && b2 == '\n'))) {
			if (buf_add(&r->head, p, i + 1) < 0)
				return HTTP_ERR;
			*used = i + 1;
			return parse_head(r);
		}
		b2 = b1;
		b1 = p[i];
	}
	if (buf_add(&r->head, p, n) < 0)
		return HTTP_ERR;
	*used = n;
	return HTTP_MORE;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One framing byte of the chunked encoding (size line, CRLF after data, trailers). */
static int chunk_byte(struct http_resp *r, char c)
{
	switch (r->st) {
	case HS_CHUNK_SIZE: {
		int h = hexval(c);
		if (h >= 0) {
			if (++r->size_digits > 15)
				return HTTP_ERR;
			r->remaining = r->remaining * 16 + h;
			return HTTP_MORE;
		}
		if (!r->size_digits)
			/* a line break before any digit (a blank line between chunks): tolerated */
			return c == '\r' || c == '\n' ? HTTP_MORE : HTTP_ERR;
		r->st = HS_CHUNK_EXT;
	}
	/* fall through */
	case HS_CHUNK_EXT:
		if (c != '\n')
			return HTTP_MORE;
		r->size_digits = 0;
		if (r->remaining) {
			r->st = HS_CHUNK_DATA;
		} else {
			r->st = HS_TRAILER;
			r->trailer_blank = true;
		}
		return HTTP_MORE;
	case HS_CHUNK_CR:
		if (c == '\n')
			r->st = HS_CHUNK_SIZE;
		else if (c != '\r')
			return HTTP_ERR;
		return HTTP_MORE;
	case HS_TRAILER:
		if (c == '\n') {
			if (r->trailer_blank)
				r->st = HS_DONE;
			r->trailer_blank = true;
		} else if (c != '\r') {
			r->trailer_blank = false;
		}
		return HTTP_MORE;
	default:
		return HTTP_ERR;
	}
}

static int feed_body(struct http_resp *r, const char *p, size_t n, size_t *used,
		     http_body_fn fn, void *arg)
{
	size_t i = 0;
	while (i < n && r->st != HS_DONE) {
		if (r->st == HS_CLOSE || r->st == HS_LEN || r->st == HS_CHUNK_DATA) {
			size_t take = n - i;
			if (r->st != HS_CLOSE && (long long)take > r->remaining)
				take = (size_t)r->remaining;
			if (r->st != HS_CLOSE)
				r->remaining -= (long long)take;
			if (r->st == HS_LEN && !r->remaining)
				r->st = HS_DONE;
			else if (r->st == HS_CHUNK_DATA && !r->remaining)
				r->st = HS_CHUNK_CR;
			if (take && fn(p + i, take, arg)) {
				*used = i + take;
				return HTTP_STOP;
			}
			i += take;
			continue;
		}
		int rc = chunk_byte(r, p[i++]);
		if (rc)
			return rc;
	}
	*used = i;
	return r->st == HS_DONE ? HTTP_DONE : HTTP_MORE;
}

int http_resp_feed(struct http_resp *r, const char *p, size_t n, size_t *used, http_body_fn fn,
		   void *arg)
{
	size_t head_used = 0, body_used = 0;
	*used = 0;
	if (n)
		r->received = true;
	while (r->st == HS_HEAD) {
		/* a head; after an interim (1xx) one, the next head from the bytes after it */
		size_t u = 0;
		int rc = feed_head(r, p + head_used, n - head_used, &u);
		head_used += u;
		*used = head_used;
		if (rc != HTTP_MORE || (r->st == HS_HEAD && head_used == n))
			return rc;
	}
	if (r->st == HS_DONE)
		return HTTP_DONE;
	int rc = feed_body(r, p + head_used, n - head_used, &body_used, fn, arg);
	*used = head_used + body_used;
	return rc;
}

int http_resp_eof(struct http_resp *r)
{
	if (r->st == HS_CLOSE) {
		r->st = HS_DONE;
		return HTTP_DONE;
	}
	return r->st == HS_DONE ? HTTP_DONE : HTTP_ERR;
}

void http_request(struct buf *out, const char *method, const char *hostport, const char *path,
		  const char *bearer, const char *body, size_t body_len)
{
	buf_addf(out, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: executor-bench\r\n"
		 "Accept: */*\r\n", method, path, hostport);
	if (bearer)
		buf_addf(out, "Authorization: Bearer %s\r\n", bearer);
	if (body)
		buf_addf(out, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
			 body_len);
	buf_adds(out, "\r\n");
	if (body)
		buf_add(out, body, body_len);
}
