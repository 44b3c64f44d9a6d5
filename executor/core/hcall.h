/*
 * hcall: blocking helper calls outside the timed load (/tokenize, /start_profile,
 * /stop_profile), through one libcurl easy handle that keeps its connection. Not for the
 * load itself (load.c has its own client). curl_global_init is main's job.
 *
 * Use: hcall_init; hcall_post as often as needed; hcall_release.
 */
#ifndef EXECUTOR_HCALL_H
#define EXECUTOR_HCALL_H

#include "common/buf.h"

struct diags;

struct hcall {
	void *curl;        /* owned CURL easy handle */
	void *headers;     /* owned curl_slist */
};

int hcall_init(struct hcall *h, const char *bearer, struct diags *d);
void hcall_release(struct hcall *h);
/* POSTs body (JSON, or NULL for an empty body) to url. Returns the HTTP status with the
 * response in resp, or -1 (diag added) when no response arrived. */
long hcall_post(struct hcall *h, struct buf *resp, const char *url, const char *body,
		struct diags *d);

#endif
