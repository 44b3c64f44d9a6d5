/* health: see health.h. */
#include "executor/launch/health.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "executor/core/hcall.h"
#include "executor/launch/launcher.h"

void deployment_release(struct deployment *dep)
{
	free(dep->base_url);
	free(dep->served_model);
	memset(dep, 0, sizeof(*dep));
}

/* A GPU count of deployment.env: decimal, at least min. */
static int parse_gpus(long *out, const char *v, long min)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || !(*v >= '0' && *v <= '9'))
		return -1;
	*out = n;
	return 0;
}

int deployment_read(struct deployment *out, const char *path, struct diags *d)
{
	struct buf text = BUF_INIT;
	memset(out, 0, sizeof(*out));
	if (file_read_all(&text, path, d))
		return -1;
	int rc = 0, line_no = 0;
	bool has_prefill = false, has_decode = false;
	char *save = NULL;
	for (char *line = strtok_r(text.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line_no++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		char *eq = strchr(line, '=');
		if (!eq) {
			rc = diags_errorf(d, path, line_no, 1, NULL, "expected NAME=VALUE, found \"%s\"",
					  line);
			continue;
		}
		*eq = '\0';
		const char *k = line, *v = eq + 1;
		if (!strcmp(k, "BASE_URL") && (!strncmp(v, "http://", 7) || !strncmp(v, "https://", 8))) {
			free(out->base_url);
			out->base_url = xstrdup(v);
			size_t n = strlen(out->base_url);
			while (n && out->base_url[n - 1] == '/')
				out->base_url[--n] = '\0';
		} else if (!strcmp(k, "PREFILL_GPUS") && !parse_gpus(&out->prefill_gpus, v, 1)) {
			has_prefill = true;
		} else if (!strcmp(k, "DECODE_GPUS") && !parse_gpus(&out->decode_gpus, v, 0)) {
			/* 0: an aggregated deployment (decode num-worker 0), its GPUs all prefill's */
			has_decode = true;
		} else if (!strcmp(k, "SERVED_MODEL_NAME") && *v) {
			free(out->served_model);
			out->served_model = xstrdup(v);
		} else {
			rc = diags_errorf(d, path, line_no, 1, k,
					  "expected BASE_URL=http://host:port, PREFILL_GPUS=N, "
					  "DECODE_GPUS=N (N >= 0) or SERVED_MODEL_NAME=name, found \"%s\"", v);
		}
	}
	if (!rc && !out->base_url)
		rc = diags_errorf(d, path, 0, 0, NULL, "missing BASE_URL");
	if (!rc && (!has_prefill || !has_decode))
		rc = diags_errorf(d, path, 0, 0, NULL, "missing PREFILL_GPUS or DECODE_GPUS");
	buf_release(&text);
	return rc;
}

void file_tail(struct buf *out, const char *path, int n)
{
	struct buf text = BUF_INIT;
	struct diags ignore = DIAGS_INIT;
	if (!file_read_all(&text, path, &ignore)) {
		size_t end = text.len;
		if (end && text.s[end - 1] == '\n')
			end--;
		size_t start = end;
		int lines = 0;
		while (start > 0 && lines < n) {
			start--;
			if (text.s[start] == '\n' && ++lines == n) {
				start++;
				break;
			}
		}
		buf_add(out, text.s + start, end - start);
	}
	diags_release(&ignore);
	buf_release(&text);
}

/* One GET, the body dropped; the HTTP status, or -1 when nothing answered within a second. */
static long probe(struct hcall *h, const char *url)
{
	struct hcall_req r = { .url = url, .timeout_ms = 1000 };
	return hcall_do(h, &r);
}

static int fail_with_log(const struct health_wait *w, struct diags *d, const char *why)
{
	struct buf tail = BUF_INIT;
	file_tail(&tail, w->server_log, 50);
	diags_errorf(d, NULL, 0, 0, NULL, "%s; last 50 lines of %s:\n%s", why, w->server_log,
		     tail.len ? tail.s : "(empty)");
	buf_release(&tail);
	return -1;
}

int health_wait(struct deployment *dep, const struct health_wait *w, struct launched *l,
		struct diags *d)
{
	struct hcall h;
	struct hcall_opts o = { .no_proxy = true };
	struct buf url = BUF_INIT;
	int rc = -1;
	if (hcall_init(&h, &o, d)) {
		hcall_release(&h);
		return -1;
	}
	for (;;) {
		if (w->stop && *w->stop) {
			diags_errorf(d, NULL, 0, 0, NULL, "interrupted while waiting for the server");
			break;
		}
		if (!l->ops->alive(l)) {
			struct buf why = BUF_INIT;
			buf_addf(&why, "the server stopped before it was ready: %s", l->how);
			fail_with_log(w, d, why.s);
			buf_release(&why);
			break;
		}
		if (!w->url && !dep->base_url && !access(w->deploy_env, F_OK)) {
			if (deployment_read(dep, w->deploy_env, d))
				break;
			buf_addf(&url, "%s%s", dep->base_url, w->health_path);
		}
		const char *target = w->url ? w->url : (url.len ? url.s : NULL);
		if (target && probe(&h, target) == 200) {
			rc = 0;
			break;
		}
		if (clock_mono_ns() >= w->deadline_ns) {
			struct buf why = BUF_INIT;
			if (target)
				buf_addf(&why, "the server was not ready after %ld s (%s never answered 200)",
					 w->timeout_s, target);
			else
				buf_addf(&why, "the deployment was not ready after %ld s (%s was never "
					       "written)", w->timeout_s, w->deploy_env);
			fail_with_log(w, d, why.s);
			buf_release(&why);
			break;
		}
		struct timespec nap = { 0, HEALTH_POLL_MS * 1000000L };
		nanosleep(&nap, NULL);
	}
	buf_release(&url);
	hcall_release(&h);
	return rc;
}
