/* hcall: see hcall.h. */
#include "executor/core/hcall.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/xalloc.h"

/* Every socket the handle opens goes through here, so that hcall_cut can find it, and no
 * connection opens once it has been cut. */
static curl_socket_t open_sock(void *data, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)purpose;
	struct hcall *h = data;
	pthread_mutex_lock(&h->lock);
	curl_socket_t fd = h->cut ? CURL_SOCKET_BAD
				  : socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	h->sock = fd;
	pthread_mutex_unlock(&h->lock);
	return fd;
}

static int close_sock(void *data, curl_socket_t fd)
{
	struct hcall *h = data;
	pthread_mutex_lock(&h->lock);
	if (h->sock == fd)
		h->sock = CURL_SOCKET_BAD;
	int rc = close(fd);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

int hcall_init(struct hcall *h, const struct hcall_opts *o, struct diags *d)
{
	static const struct hcall_opts none;
	if (!o)
		o = &none;
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->sock = CURL_SOCKET_BAD;
	h->no_proxy = o->no_proxy;
	h->unix_socket = o->unix_socket ? xstrdup(o->unix_socket) : NULL;
	struct curl_slist *hs = NULL;
	if (o->json)
		hs = curl_slist_append(hs, "Content-Type: application/json");
	if (o->bearer) {
		struct buf a = BUF_INIT;
		buf_addf(&a, "Authorization: Bearer %s", o->bearer);
		hs = curl_slist_append(hs, a.s);
		buf_release(&a);
	}
	h->headers = hs;
	h->curl = curl_easy_init();
	if (!h->curl)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot create a libcurl handle");
	return 0;
}

void hcall_release(struct hcall *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl); /* closes the connection through close_sock */
	curl_slist_free_all(h->headers);
	free(h->unix_socket);
	pthread_mutex_destroy(&h->lock);
	memset(h, 0, sizeof(*h));
	h->sock = CURL_SOCKET_BAD;
}

static size_t on_write(char *p, size_t size, size_t n, void *data)
{
	const struct hcall_req *r = data;
	size_t len = size * n;
	if (r->resp) {
		buf_add(r->resp, p, len);
		return len;
	}
	return r->write ? r->write(p, len, r->write_data) : len;
}

/* Progress callback of a stoppable call: non-zero ends it. libcurl calls it about once a
 * second even while nothing arrives (an image pull can be silent for minutes). */
static int on_progress(void *data, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return *(volatile sig_atomic_t *)data != 0;
}

long hcall_do(struct hcall *h, const struct hcall_req *r)
{
	CURL *c = h->curl;
	h->error = NULL;
	if (!c) {
		h->error = "no libcurl handle";
		return -1;
	}
	/* every option is set anew for each call; the connection stays */
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_sock);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, h);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, close_sock);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, h);
	if (h->unix_socket)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
	if (h->no_proxy)
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (h->headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	const char *method = r->method ? r->method : "GET";
	bool post = !strcmp(method, "POST");
	if (r->body || post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(r->body ? strlen(r->body) : 0));
	}
	if (!post && strcmp(method, "GET"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (r->timeout_ms > 0)
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	if (r->fail_on_error)
		curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	if (r->stop) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, r->stop);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, (void *)r);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		h->error = curl_easy_strerror(rc);
		return -1;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

long hcall_post(struct hcall *h, struct buf *resp, const char *url, const char *body,
		struct diags *d)
{
	buf_reset(resp);
	struct hcall_req r = { .method = "POST", .url = url, .body = body, .timeout_ms = 300000,
			       .resp = resp };
	long status = hcall_do(h, &r);
	if (status < 0)
		diags_errorf(d, NULL, 0, 0, NULL, "POST %s: %s", url, h->error);
	return status;
}

char *hcall_escape(const char *s)
{
	/* what curl_easy_escape writes, without its out-of-memory NULL */
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~", *p);
		if (keep) {
			buf_addch(&b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_add(&b, e, 3);
		}
	}
	return buf_take(&b, NULL);
}

void hcall_cut(struct hcall *h)
{
	pthread_mutex_lock(&h->lock);
	h->cut = true;
	if (h->sock != CURL_SOCKET_BAD)
		shutdown(h->sock, SHUT_RDWR);
	pthread_mutex_unlock(&h->lock);
}
