/* hcall: see hcall.h. */
#include "executor/core/hcall.h"

#include <curl/curl.h>
#include <string.h>

#include "common/diag.h"

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

int hcall_init(struct hcall *h, const char *bearer, struct diags *d)
{
	h->curl = curl_easy_init();
	h->headers = NULL;
	if (!h->curl)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot create a libcurl handle");
	struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
	if (bearer) {
		struct buf a = BUF_INIT;
		buf_addf(&a, "Authorization: Bearer %s", bearer);
		hs = curl_slist_append(hs, a.s);
		buf_release(&a);
	}
	h->headers = hs;
	return 0;
}

void hcall_release(struct hcall *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	h->curl = h->headers = NULL;
}

long hcall_post(struct hcall *h, struct buf *resp, const char *url, const char *body,
		struct diags *d)
{
	CURL *c = h->curl;
	buf_reset(resp);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		diags_errorf(d, NULL, 0, 0, NULL, "POST %s: %s", url, curl_easy_strerror(rc));
		return -1;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}
