/*
 * http: the HTTP/1.1 client side of one keep-alive connection, as pure byte handling (no
 * I/O, so the unit tests feed it every split of each case): request heads out, response
 * heads and bodies in. Bodies may be Content-Length, chunked, or delimited by close; the
 * decoded body bytes go to a callback, in place (chunk framing is skipped, never copied).
 *
 * Use: http_resp_init once per connection; http_resp_start before each response;
 * http_resp_feed with bytes as they arrive (any split); http_resp_eof when the peer closes;
 * http_resp_release frees the head buffer it owns.
 */
#ifndef EXECUTOR_HTTP_H
#define EXECUTOR_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

#define HTTP_MAX_HEAD (64u << 10)

enum http_rc {
	HTTP_MORE = 0,  /* the response is not complete yet */
	HTTP_DONE = 1,  /* complete; *used bytes were consumed, the rest belongs to no response */
	HTTP_ERR = -1,  /* protocol error: the connection cannot be used any more */
	HTTP_STOP = 2,  /* the body callback asked to stop */
};

enum http_state {
	HS_HEAD, HS_LEN, HS_CLOSE, HS_CHUNK_SIZE, HS_CHUNK_EXT, HS_CHUNK_DATA, HS_CHUNK_CR,
	HS_TRAILER, HS_DONE,
};

struct http_resp {
	enum http_state st;
	struct buf head;        /* owned: the head until it is complete (at most HTTP_MAX_HEAD) */
	int status;             /* 0 until the head is parsed */
	bool keep_alive;        /* the connection may carry another request afterwards */
	bool chunked;
	long long remaining;    /* bytes left of the Content-Length body or of this chunk */
	int size_digits;        /* hex digits seen of the current chunk size */
	bool trailer_blank;     /* HS_TRAILER: the current trailer line is empty so far */
	int interim;            /* interim (1xx) heads skipped: at most HTTP_MAX_INTERIM */
	bool received;          /* any byte of the response came (an interim head included) */
};

/* Interim heads before the real one (100 Continue, 103 Early Hints): more is a protocol error,
 * so a server that sends them forever cannot hold a request until its timeout. */
#define HTTP_MAX_INTERIM 8

/* Return non-zero to stop (http_resp_feed then returns HTTP_STOP). */
typedef int (*http_body_fn)(const char *p, size_t n, void *arg);

void http_resp_init(struct http_resp *r);
void http_resp_start(struct http_resp *r);
void http_resp_release(struct http_resp *r);
int http_resp_feed(struct http_resp *r, const char *p, size_t n, size_t *used, http_body_fn fn,
		   void *arg);
/* The peer closed: HTTP_DONE when that ends a close-delimited body, else HTTP_ERR. */
int http_resp_eof(struct http_resp *r);

/* Appends a request: method, target, Host, Content-Type: application/json, the optional
 * bearer token, Content-Length, then the body. */
void http_request(struct buf *out, const char *method, const char *hostport, const char *path,
		  const char *bearer, const char *body, size_t body_len);

#endif
