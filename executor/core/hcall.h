/*
 * hcall: libcurl's easy interface in one place. Every blocking HTTP call the executor makes
 * outside the timed load goes through it: the health poll (launch/health.c), the Docker
 * Engine API over its unix socket, with the followed log stream in a thread of its own
 * (launch/launch_docker.c), /tokenize (load/prepare.c), /start_profile and /stop_profile
 * (load/bench.c), the eval's chat completions, one handle per thread (evals/eval.c). Not for
 * the timed load itself: load/http.c is its client, on the event loop. curl_global_init is
 * main's job.
 *
 * Use: hcall_init (what every call of the handle shares: unix socket, headers, proxy) ->
 * hcall_do (or hcall_post) as often as needed; the handle keeps its connection from one call
 * to the next -> hcall_release. One thread uses a handle at a time; the one call another
 * thread may make is hcall_cut, at any time between hcall_init and hcall_release. libcurl
 * holds the struct's address: it must not move after hcall_init. Sockets are close-on-exec,
 * so children never inherit a connection.
 */
#ifndef EXECUTOR_HCALL_H
#define EXECUTOR_HCALL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct diags;

struct hcall_opts {
	const char *unix_socket; /* connect to this socket instead of the URL's host (copied) */
	const char *bearer;      /* Authorization: Bearer <bearer>; NULL: none */
	bool json;               /* send Content-Type: application/json */
	bool no_proxy;           /* ignore http_proxy and friends */
};

/* Receives n bytes of the response body; returns n to go on, anything else ends the call. */
typedef size_t (*hcall_write_fn)(const char *p, size_t n, void *data);

struct hcall_req {
	const char *method;   /* NULL: GET; POST, DELETE, ... */
	const char *url;
	const char *body;     /* NUL-terminated; NULL: none (a POST then sends an empty body) */
	long timeout_ms;      /* for the whole call; 0: none */
	bool fail_on_error;   /* an HTTP status >= 400 fails the call; its body is not passed on */
	volatile sig_atomic_t *stop; /* when not NULL: the call fails soon after *stop is set */
	struct buf *resp;     /* the body is appended here; when NULL, it goes to write */
	hcall_write_fn write; /* when resp and write are both NULL, the body is dropped */
	void *write_data;
};

struct hcall {
	void *curl;           /* owned CURL easy handle */
	void *headers;        /* owned curl_slist, NULL when none */
	char *unix_socket;    /* owned, NULL for TCP */
	bool no_proxy;
	const char *error;    /* after a failed hcall_do: why, in libcurl's words (static text) */
	pthread_mutex_t lock; /* guards sock and cut against hcall_cut in another thread */
	int sock;             /* the open connection's socket, -1 when none */
	bool cut;             /* hcall_cut was called: no new connection is opened */
};

/* 0, or -1 with a diag; hcall_release is due either way. o may be NULL (no options). */
int hcall_init(struct hcall *h, const struct hcall_opts *o, struct diags *d);
void hcall_release(struct hcall *h);
/* One request. Returns the HTTP status, or -1 (h->error says why) when no response arrived,
 * the call was stopped, timed out or cut, the write function ended it, or fail_on_error
 * refused the status. */
long hcall_do(struct hcall *h, const struct hcall_req *r);
/* POSTs body (JSON, or NULL for an empty body) to url with a 300 s limit, the response in
 * resp (reset first). Returns the HTTP status, or -1 with a diag when no response arrived. */
long hcall_post(struct hcall *h, struct buf *resp, const char *url, const char *body,
		struct diags *d);
/* s percent-encoded for a URL's path or query (RFC 3986 unreserved characters kept). Owned. */
char *hcall_escape(const char *s);
/* From another thread: shuts the handle's connection down, so that a call blocked on it
 * (a followed stream) ends, and lets it open no other. For good: the handle is done. */
void hcall_cut(struct hcall *h);

#endif
