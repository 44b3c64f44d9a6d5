/*
 * sim_http: HTTP/1.1 request-head framing and parsing (see sim_http.h).
 * Lines may end in CRLF or a bare LF.  Anything the simulator does not
 * understand is rejected rather than guessed: obsolete line folding,
 * Transfer-Encoding on a request, conflicting Content-Length, control bytes.
 */
#define _GNU_SOURCE
#include "sim_http.h"

#include <string.h>
#include <strings.h>

size_t http_find_head_end(const char *buf, size_t len, size_t *scan_from)
{
	size_t i = *scan_from;
	for (; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
		if (i + 2 >= len)
			break; /* not enough bytes to tell: look again later */
	}
	*scan_from = i;
	return 0;
}

static int is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int copy_field(char *dst, size_t dstsz, const char *src, size_t n)
{
	if (n >= dstsz)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

static int parse_request_line(struct http_req *r, const char *l, size_t n,
			      const char **err)
{
	const char *sp1 = memchr(l, ' ', n);
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l)) : NULL;
	if (!sp1 || !sp2 || sp1 == l) {
		*err = "malformed request line";
		return -1;
	}
	for (const char *p = l; p < sp1; p++)
		if (!is_tchar(*p)) {
			*err = "malformed method";
			return -1;
		}
	size_t mlen = (size_t)(sp1 - l);
	r->method = mlen == 3 && !memcmp(l, "GET", 3)    ? HTTP_GET
		    : mlen == 4 && !memcmp(l, "POST", 4) ? HTTP_POST
							 : HTTP_OTHER;

	const char *t = sp1 + 1;
	size_t tlen = (size_t)(sp2 - t);
	if (!tlen || *t != '/') {
		*err = "request target must start with /";
		return -1;
	}
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f) {
			*err = "bad byte in request target";
			return -1;
		}
	const char *q = memchr(t, '?', tlen);
	size_t plen = q ? (size_t)(q - t) : tlen;
	if (copy_field(r->path, sizeof(r->path), t, plen) ||
	    copy_field(r->query, sizeof(r->query), q ? q + 1 : "",
		       q ? tlen - plen - 1 : 0)) {
		*err = "request target too long";
		return -1;
	}

	const char *v = sp2 + 1;
	size_t vlen = n - (size_t)(v - l);
	if (vlen == 8 && !memcmp(v, "HTTP/1.1", 8)) {
		r->keep_alive = 1;
	} else if (vlen == 8 && !memcmp(v, "HTTP/1.0", 8)) {
		r->keep_alive = 0;
	} else {
		*err = "unsupported HTTP version";
		return -1;
	}
	return 0;
}

/* Whether comma-separated list v (n bytes) holds token tok, any case. */
static int list_has(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok);
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && !strncasecmp(v + s, tok, tl))
			return 1;
	}
	return 0;
}

static int parse_content_length(struct http_req *r, const char *v, size_t n,
				 const char **err)
{
	long long cl = 0;
	if (!n || n > 12) {
		*err = "bad Content-Length";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			*err = "bad Content-Length";
			return -1;
		}
		cl = cl * 10 + (v[i] - '0');
	}
	if (r->content_length >= 0 && r->content_length != cl) {
		*err = "conflicting Content-Length";
		return -1;
	}
	r->content_length = cl;
	return 0;
}

static int parse_header(struct http_req *r, const char *l, size_t n,
			const char **err)
{
	const char *colon = memchr(l, ':', n);
	if (!colon || colon == l) {
		*err = "malformed header line";
		return -1;
	}
	for (const char *p = l; p < colon; p++)
		if (!is_tchar(*p)) {
			*err = "malformed header name";
			return -1;
		}
	size_t nlen = (size_t)(colon - l);
	const char *v = colon + 1;
	const char *e = l + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	size_t vlen = (size_t)(e - v);
	for (size_t i = 0; i < vlen; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f) {
			*err = "control byte in header value";
			return -1;
		}

#define NAME_IS(s) (nlen == sizeof(s) - 1 && !strncasecmp(l, s, nlen))
	if (NAME_IS("content-length"))
		return parse_content_length(r, v, vlen, err);
	if (NAME_IS("transfer-encoding")) {
		*err = "request Transfer-Encoding is not supported";
		return -1;
	}
	if (NAME_IS("connection")) {
		if (list_has(v, vlen, "close"))
			r->keep_alive = 0;
		else if (list_has(v, vlen, "keep-alive"))
			r->keep_alive = 1;
	} else if (NAME_IS("expect")) {
		r->expect_continue = vlen == 12 && !strncasecmp(v, "100-continue", 12);
	} else if (NAME_IS("x-sim-fault")) {
		if (copy_field(r->fault, sizeof(r->fault), v, vlen)) {
			*err = "X-Sim-Fault value too long";
			return -1;
		}
	} else if (NAME_IS("x-session-id")) {
		if (copy_field(r->session_id, sizeof(r->session_id), v, vlen)) {
			*err = "X-Session-ID value too long";
			return -1;
		}
	}
#undef NAME_IS
	return 0;
}

int http_parse_head(struct http_req *out, const char *head, size_t len,
		    const char **err)
{
	memset(out, 0, sizeof(*out));
	out->content_length = -1;
	size_t i = 0;
	int line_no = 0;
	while (i < len) {
		const char *l = head + i;
		const char *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		i += n + 1;
		if (n && l[n - 1] == '\r')
			n--;
		if (!n)
			break; /* the blank line ending the head */
		if (memchr(l, '\r', n) || memchr(l, '\0', n)) {
			*err = "stray CR or NUL in head";
			return -1;
		}
		if (line_no++ == 0) {
			if (parse_request_line(out, l, n, err))
				return -1;
			continue;
		}
		if (*l == ' ' || *l == '\t') {
			*err = "obsolete header line folding";
			return -1;
		}
		if (parse_header(out, l, n, err))
			return -1;
	}
	if (!line_no) {
		*err = "empty request";
		return -1;
	}
	if (out->content_length < 0)
		out->content_length = 0;
	return 0;
}

int http_query_has(const char *q, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	while (*q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		if (n == nl + 1 + vl && !memcmp(q, name, nl) && q[nl] == '=' &&
		    !memcmp(q + nl + 1, value, vl))
			return 1;
		if (!amp)
			break;
		q = amp + 1;
	}
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
