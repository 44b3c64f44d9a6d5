/*
 * sim_http: HTTP/1.1 request heads for simserver.  It finds where a head
 * ends in bytes that may arrive in pieces, and parses a complete head into
 * struct http_req.  It owns no I/O and no connection state: the caller keeps
 * the bytes, asks http_find_head_end after each read (passing the same
 * scan_from so earlier bytes are not scanned again), then http_parse_head
 * once, then waits for content_length body bytes.
 */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <stddef.h>

#define HTTP_MAX_HEAD (16 * 1024)
#define HTTP_MAX_BODY (32LL * 1024 * 1024)

enum http_method { HTTP_GET, HTTP_POST, HTTP_OTHER };

struct http_req {
	enum http_method method;
	char path[512];          /* target before '?', NUL-terminated */
	char query[512];         /* target after '?', "" if none */
	long long content_length;
	int keep_alive;          /* HTTP/1.1 default, or Connection: keep-alive */
	int expect_continue;     /* Expect: 100-continue */
	char fault[32];          /* X-Sim-Fault value, "" if absent */
	char session_id[256];    /* X-Session-ID value (a router's session key), "" if absent */
};

/* Length of the head including its blank line, or 0 when it has not all
 * arrived.  scan_from: caller-kept resume point, 0 for a new head. */
size_t http_find_head_end(const char *buf, size_t len, size_t *scan_from);

/* Parses a complete head.  0 on success; -1 with *err set to a short static
 * message for a request that must get 400 and a closed connection. */
int http_parse_head(struct http_req *out, const char *head, size_t len,
		    const char **err);

/* Whether query string q has the parameter name=value. */
int http_query_has(const char *q, const char *name, const char *value);

/* Reason phrase of a status code. */
const char *http_reason(int status);

#endif
