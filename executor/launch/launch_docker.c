/*
 * launch_docker: the recipe in a container, through the Docker Engine API over the profile's
 * docker.host with libcurl (core/hcall; no CLI is shelled out). Works with Docker and with
 * Podman's Docker-compatible service; where they differ, the comments say so.
 *
 *   ping -> image inspect (pull per docker.pull) -> create (host network and IPC, GPUs,
 *   workspace and result mounts, labels) -> start -> follow the log stream into server.log
 *   (a thread, demultiplexing the 8-byte frame headers) -> inspect for liveness -> stop with
 *   the grace period -> end the log stream -> remove.
 *
 * Pitfalls handled (docs/real-components.md): a failed pull answers 200 with the error in
 * the body; Podman ignores GPU device requests without a word, so a started container is no
 * proof of GPUs (meta.json records what nvidia-smi says, not what we asked for); ShmSize is
 * not sent with host IPC (the host's /dev/shm is used); Init makes PID 1 pass SIGTERM on, so
 * a stop is prompt. Podman 4.3's followed log stream sometimes never ends for a container that
 * exits while the request starts: the follower is given a bounded time to end by itself, then
 * its socket is shut down, and what it missed is fetched once without follow (logs_finish).
 * That also runs as soon as the container is seen ended, so the failure message's log tail is
 * complete.
 */
#include "executor/launch/launcher.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/xalloc.h"
#include "executor/core/hcall.h"
#include "common/jtree.h"
#include "executor/core/profile.h"

#define API "/v1.41"
#define LABEL_NODE "infbench.node"
#define LABEL_RUN "infbench.run"

/* Reads the multiplexed log stream: [stream, 0, 0, 0, size (big-endian u32)] + payload. */
struct demux {
	unsigned char hdr[8];
	size_t hdr_have;
	size_t left;  /* payload bytes still to copy */
	size_t skip;  /* payload bytes to drop first (already written by the follower) */
	size_t seen;  /* payload bytes read so far */
	int fd;
};

struct docker {
	char *socket;   /* unix socket path, or NULL for tcp */
	char *base;     /* http://d or http://host:port */
	pthread_t logger;
	bool logger_running;
	atomic_bool logger_done;  /* set by the follower as it returns */
	bool logger_ok;           /* the stream ended by itself (the engine closed it) */
	struct hcall follower;    /* the follower's handle: logs_finish cuts it from this thread */
	struct demux follow;      /* the follower's demultiplexer: follow.seen bytes are written */
	int log_fd;
	volatile sig_atomic_t *stop; /* the program's stop flag: a pull gives up */
	char *id;
};

struct reply {
	long status;
	struct buf body;
};

static void docker_endpoint(const char *host, char **socket, char **base)
{
	if (!strncmp(host, "unix://", 7)) {
		*socket = xstrdup(host + 7);
		*base = xstrdup("http://d");
	} else {
		*socket = NULL;
		const char *hp = !strncmp(host, "tcp://", 6) ? host + 6 : host;
		struct buf b = BUF_INIT;
		buf_addf(&b, "http://%s", hp);
		*base = buf_take(&b, NULL);
	}
}

/* What every call to the engine shares: its socket, no proxy, JSON bodies when json. */
static void engine_opts(struct hcall_opts *o, const char *socket, bool json)
{
	memset(o, 0, sizeof(*o));
	o->unix_socket = socket;
	o->json = json;
	o->no_proxy = true;
}

/* One API call, on a connection of its own. Returns 0 with r filled when the engine answered,
 * -1 with a diag when not. stop: when not NULL, the call ends once it is set (a pull, which may
 * take an hour; never for the calls that clean up). */
static int call(struct reply *r, const char *socket, const char *base, const char *method,
		const char *path, const char *json_body, long timeout_s, volatile sig_atomic_t *stop,
		struct diags *d)
{
	struct hcall h;
	struct hcall_opts o;
	engine_opts(&o, socket, true);
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s%s", base, path);
	buf_init(&r->body);
	r->status = 0;
	int rc = hcall_init(&h, &o, d);
	if (!rc) {
		struct hcall_req q = { .method = method, .url = url.s, .body = json_body,
				       .timeout_ms = timeout_s * 1000, .stop = stop,
				       .resp = &r->body };
		long status = hcall_do(&h, &q);
		if (status < 0 && stop && *stop)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "interrupted during %s %s (the container "
					  "engine's answer was not waited for)", method, path);
		else if (status < 0)
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "container engine at %s%s: %s %s failed: %s",
					  socket ? "unix://" : "", socket ? socket : base, method,
					  path, h.error);
		else
			r->status = status;
	}
	if (rc) /* the callers read the body only of an answer */
		buf_release(&r->body);
	hcall_release(&h);
	buf_release(&url);
	return rc;
}

/* The body as JSON, or NULL when it is not JSON (an error page, a proxy's answer). */
static struct jnode *body_json(const struct buf *body)
{
	return jtree_parse(body->s, body->len, NULL, NULL);
}

/* The engine's message from an error body ({"message": ...} or {"cause": ...}). */
static void engine_message(struct buf *out, const struct buf *body)
{
	struct jnode *j = body_json(body);
	const char *m = jobj_str(j, "message");
	if (m)
		buf_adds(out, m);
	else
		buf_add_escaped(out, body->s, body->len > 300 ? 300 : body->len);
	jtree_free(j);
}

static int api_error(struct diags *d, const char *what, const struct reply *r)
{
	struct buf m = BUF_INIT;
	engine_message(&m, &r->body);
	diags_errorf(d, NULL, 0, 0, NULL, "container engine: %s: HTTP %ld: %s", what, r->status,
		     m.s);
	buf_release(&m);
	return -1;
}

/* Image present (id filled), absent (0 returned, id NULL) or error (-1). */
static int image_inspect(char **id, struct docker *k, const char *image, struct diags *d)
{
	struct reply r;
	struct buf path = BUF_INIT;
	char *esc = hcall_escape(image);
	buf_addf(&path, API "/images/%s/json", esc);
	free(esc);
	*id = NULL;
	int rc = call(&r, k->socket, k->base, "GET", path.s, NULL, 60, NULL, d);
	if (!rc && r.status == 200) {
		struct jnode *j = body_json(&r.body);
		const char *v = jobj_str(j, "Id");
		if (v)
			*id = xstrdup(v);
		jtree_free(j);
	} else if (!rc && r.status != 404) {
		rc = api_error(d, "image inspect", &r);
	}
	buf_release(&r.body);
	buf_release(&path);
	return rc;
}

/* A pull answers 200 and streams JSON lines; an error is a line with "error". */
static int image_pull(struct docker *k, const char *image, struct diags *d)
{
	struct buf name = BUF_INIT, path = BUF_INIT;
	buf_adds(&name, image);
	const char *tag = "latest";
	char *at = strrchr(name.s, '@'), *colon = strrchr(name.s, ':');
	char *slash = strrchr(name.s, '/');
	if (!at && colon && (!slash || colon > slash)) {
		*colon = '\0';
		tag = colon + 1;
	}
	char *e1 = hcall_escape(name.s), *e2 = hcall_escape(tag);
	if (at)
		buf_addf(&path, API "/images/create?fromImage=%s", e1);
	else
		buf_addf(&path, API "/images/create?fromImage=%s&tag=%s", e1, e2);
	free(e1);
	free(e2);
	struct reply r;
	int rc = call(&r, k->socket, k->base, "POST", path.s, NULL, 3600, k->stop, d);
	if (!rc && r.status != 200)
		rc = api_error(d, "pull", &r);
	for (const char *p = r.body.s; !rc && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct jnode *j = jtree_parse(p, n, NULL, NULL);
		const char *err = jobj_str(j, "error");
		if (err)
			rc = diags_errorf(d, NULL, 0, 0, NULL, "container engine: pull %s failed: %s",
					  image, err);
		jtree_free(j);
		p = nl ? nl + 1 : NULL;
	}
	buf_release(&r.body);
	buf_release(&name);
	buf_release(&path);
	return rc;
}

static void add_str(struct jsonw *w, const char *key, const char *value)
{
	jsonw_key(w, key);
	jsonw_str(w, value);
}

static void add_bind(struct jsonw *w, const char *host, const char *container, bool ro)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s:%s%s", host, container, ro ? ":ro" : "");
	jsonw_str(w, b.s);
	buf_release(&b);
}

static void add_device(struct jsonw *w, const char *path)
{
	jsonw_obj_open(w);
	add_str(w, "PathOnHost", path);
	add_str(w, "PathInContainer", path);
	add_str(w, "CgroupPermissions", "rwm");
	jsonw_obj_close(w);
}

/* A member whose value is an array of one string. */
static void add_one_str_array(struct jsonw *w, const char *key, const char *value)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	jsonw_str(w, value);
	jsonw_arr_close(w);
}

static void add_env(struct jsonw *w, const struct launch_spec *s, bool mask_secrets)
{
	jsonw_key(w, "Env");
	jsonw_arr_open(w);
	for (size_t i = 0; i < s->env.nr; i++) {
		const char *v = s->env.v[i];
		size_t klen = strcspn(v, "=");
		if (mask_secrets && launch_is_secret(s, v, klen)) {
			struct buf m = BUF_INIT;
			buf_addf(&m, "%.*s=***", (int)klen, v);
			jsonw_str(w, m.s);
			buf_release(&m);
		} else {
			jsonw_str(w, v);
		}
	}
	jsonw_arr_close(w);
}

/* HostConfig: host network and IPC, Init, the mounts, and the GPUs by vendor. */
static void add_host_config(struct jsonw *w, const struct launch_spec *s)
{
	jsonw_key(w, "HostConfig");
	jsonw_obj_open(w);
	add_str(w, "NetworkMode", "host");
	add_str(w, "IpcMode", "host");
	jsonw_key(w, "Init");
	jsonw_bool(w, true);
	jsonw_key(w, "Binds");
	jsonw_arr_open(w);
	add_bind(w, s->workspace, "/workspace", false);
	add_bind(w, s->result_dir, s->result_dir, false);
	for (size_t i = 0; i < s->profile->mounts_nr; i++)
		jsonw_str(w, s->profile->mounts[i]);
	jsonw_arr_close(w);
	const char *vendor = s->profile->gpu_vendor;
	if (!strcmp(vendor, "nvidia")) {
		jsonw_key(w, "DeviceRequests");
		jsonw_arr_open(w);
		jsonw_obj_open(w);
		add_str(w, "Driver", "nvidia");
		jsonw_key(w, "Count");
		jsonw_int(w, -1);
		jsonw_key(w, "Capabilities");
		jsonw_arr_open(w);
		jsonw_arr_open(w);
		jsonw_str(w, "gpu");
		jsonw_arr_close(w);
		jsonw_arr_close(w);
		jsonw_obj_close(w);
		jsonw_arr_close(w);
	} else if (!strcmp(vendor, "amd")) {
		jsonw_key(w, "Devices");
		jsonw_arr_open(w);
		add_device(w, "/dev/kfd");
		add_device(w, "/dev/dri");
		jsonw_arr_close(w);
		add_one_str_array(w, "GroupAdd", "video");
		add_one_str_array(w, "SecurityOpt", "seccomp=unconfined");
	}
	jsonw_obj_close(w);
}

/* The create request body, in style (compact for the engine, pretty for --dry-run). With
 * mask_secrets, secret values read ***. */
static void create_body(struct buf *out, const struct launch_spec *s, bool mask_secrets,
			enum jsonw_style style)
{
	struct jsonw w;
	jsonw_init(&w, out, style);
	jsonw_obj_open(&w);
	add_str(&w, "Image", s->image);
	struct buf script = BUF_INIT;
	buf_addf(&script, "/workspace/%s", s->recipe_rel);
	jsonw_key(&w, "Cmd");
	jsonw_arr_open(&w);
	jsonw_str(&w, "bash");
	jsonw_str(&w, script.s);
	jsonw_arr_close(&w);
	buf_release(&script);
	add_env(&w, s, mask_secrets);
	add_str(&w, "WorkingDir", "/workspace");
	jsonw_key(&w, "Labels");
	jsonw_obj_open(&w);
	add_str(&w, LABEL_NODE, s->node);
	add_str(&w, LABEL_RUN, s->run_id);
	jsonw_obj_close(&w);
	jsonw_key(&w, "Tty");
	jsonw_bool(&w, false);
	add_host_config(&w, s);
	jsonw_obj_close(&w);
}

static size_t demux_write(const char *p, size_t total, void *data)
{
	struct demux *m = data;
	size_t i = 0;
	while (i < total) {
		if (m->left) {
			size_t take = total - i < m->left ? total - i : m->left;
			size_t drop = m->skip > m->seen ? m->skip - m->seen : 0;
			if (drop > take)
				drop = take;
			if (take > drop && write_full(m->fd, p + i + drop, take - drop)) {
				/* server.log unwritable: keep draining so the stream does not stall */
			}
			i += take;
			m->left -= take;
			m->seen += take;
			continue;
		}
		m->hdr[m->hdr_have++] = (unsigned char)p[i++];
		if (m->hdr_have == 8) {
			m->left = (size_t)m->hdr[4] << 24 | (size_t)m->hdr[5] << 16 |
				  (size_t)m->hdr[6] << 8 | m->hdr[7];
			m->hdr_have = 0;
		}
	}
	return total;
}

/* The follower's thread: k->follower was set up before it started, so that logs_finish can cut
 * it at any time, even before it connects. */
static void *follow_logs(void *arg)
{
	struct docker *k = arg;
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s" API "/containers/%s/logs?follow=1&stdout=1&stderr=1", k->base, k->id);
	/* an error body is not a log stream (fail_on_error) */
	struct hcall_req r = { .url = url.s, .fail_on_error = true, .write = demux_write,
			       .write_data = &k->follow };
	/* ends when the container exits or is removed (or logs_finish cuts the connection) */
	k->logger_ok = hcall_do(&k->follower, &r) == 200;
	buf_release(&url);
	atomic_store(&k->logger_done, true);
	return NULL;
}

/* Appends to server.log what the follower missed: the whole log once more, without follow, less
 * the payload bytes the follower already wrote. */
static void logs_catch_up(struct docker *k)
{
	struct demux m = { .fd = k->log_fd, .skip = k->follow.seen };
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s" API "/containers/%s/logs?stdout=1&stderr=1", k->base, k->id);
	struct hcall h;
	struct hcall_opts o;
	engine_opts(&o, k->socket, false);
	struct diags ignore = DIAGS_INIT; /* best effort: server.log keeps what the follower wrote */
	if (!hcall_init(&h, &o, &ignore)) {
		struct hcall_req r = { .url = url.s, .timeout_ms = 30000, .fail_on_error = true,
				       .write = demux_write, .write_data = &m };
		hcall_do(&h, &r);
	}
	hcall_release(&h);
	diags_release(&ignore);
	buf_release(&url);
}

/* Ends the log follower: up to wait_ms for its stream to end by itself (it does once the
 * container has stopped), else its socket is shut down; then, unless the stream ended cleanly,
 * the missing part of the log is fetched once. Idempotent. */
static void logs_finish(struct docker *k, int wait_ms)
{
	if (!k->logger_running)
		return;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < wait_ms / 10 && !atomic_load(&k->logger_done); i++)
		nanosleep(&tick, NULL);
	if (!atomic_load(&k->logger_done))
		hcall_cut(&k->follower);
	pthread_join(k->logger, NULL);
	k->logger_running = false;
	if (!k->logger_ok)
		logs_catch_up(k);
}

static struct docker *docker_new(const struct launch_spec *s)
{
	struct docker *k = xcalloc(1, sizeof(*k));
	docker_endpoint(s->profile->docker.host, &k->socket, &k->base);
	k->log_fd = s->log_fd;
	k->stop = s->stop;
	k->follow.fd = s->log_fd;
	atomic_init(&k->logger_done, false);
	/* without a libcurl handle the follower's call fails at once, and logs_finish catches up */
	struct hcall_opts o;
	struct diags ignore = DIAGS_INIT;
	engine_opts(&o, k->socket, false);
	hcall_init(&k->follower, &o, &ignore);
	diags_release(&ignore);
	return k;
}

static void docker_free(struct docker *k)
{
	if (!k)
		return;
	free(k->socket);
	free(k->base);
	free(k->id);
	hcall_release(&k->follower);
	free(k);
}

static int ping(struct docker *k, struct diags *d)
{
	struct reply r;
	int rc = call(&r, k->socket, k->base, "GET", "/_ping", NULL, 10, NULL, d);
	if (!rc && r.status != 200)
		rc = api_error(d, "ping", &r);
	buf_release(&r.body);
	return rc;
}

static int remove_container(struct docker *k, const char *id, struct diags *d)
{
	struct reply r;
	struct buf path = BUF_INIT;
	buf_addf(&path, API "/containers/%s?force=1", id);
	int rc = call(&r, k->socket, k->base, "DELETE", path.s, NULL, 60, NULL, d);
	if (!rc && r.status != 204 && r.status != 200 && r.status != 404)
		rc = api_error(d, "remove container", &r);
	buf_release(&r.body);
	buf_release(&path);
	return rc;
}

static int docker_remove_leftovers(const struct launch_spec *s, struct diags *d)
{
	struct docker *k = docker_new(s);
	struct reply r = { 0, BUF_INIT };
	struct buf filter = BUF_INIT, path = BUF_INIT;
	struct buf label = BUF_INIT;
	buf_addf(&label, LABEL_NODE "=%s", s->node);
	buf_adds(&filter, "{\"label\":[");
	json_quote(&filter, label.s, label.len, JSONW_COMPACT); /* a node name is not trusted JSON */
	buf_adds(&filter, "]}");
	buf_release(&label);
	char *esc = hcall_escape(filter.s);
	buf_addf(&path, API "/containers/json?all=1&filters=%s", esc);
	free(esc);
	int rc = ping(k, d);
	if (!rc)
		rc = call(&r, k->socket, k->base, "GET", path.s, NULL, 60, NULL, d);
	if (!rc && r.status != 200)
		rc = api_error(d, "list containers", &r);
	if (!rc) {
		struct jnode *j = body_json(&r.body);
		for (size_t i = 0; j && j->type == JT_ARR && i < j->nr; i++) {
			const char *id = jobj_str(&j->items[i], "Id");
			if (id && remove_container(k, id, d))
				rc = -1;
		}
		jtree_free(j);
	}
	buf_release(&r.body);
	buf_release(&filter);
	buf_release(&path);
	docker_free(k);
	return rc;
}

static int docker_start(struct launched *l, const struct launch_spec *s, struct diags *d)
{
	struct docker *k = docker_new(s);
	l->priv = k;
	l->host = xstrdup("127.0.0.1");
	if (ping(k, d))
		return -1;
	char *image_id = NULL;
	const char *pull = s->profile->docker.pull;
	/* a failed inspect (the engine answered an error) is an error, not an absent image */
	if (strcmp(pull, "always") && image_inspect(&image_id, k, s->image, d))
		return -1;
	if (!strcmp(pull, "always") || (!image_id && strcmp(pull, "never"))) {
		if (image_pull(k, s->image, d))
			return -1;
		free(image_id);
		image_id = NULL;
		if (image_inspect(&image_id, k, s->image, d))
			return -1;
	}
	if (!image_id)
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "container engine: image %s is not present and docker.pull is "
				    "never", s->image);
	l->image_digest = image_id;
	struct buf body = BUF_INIT;
	create_body(&body, s, false, JSONW_COMPACT);
	struct buf path = BUF_INIT;
	buf_addf(&path, API "/containers/create?name=infbench-%s", s->run_id);
	struct reply r;
	int rc = call(&r, k->socket, k->base, "POST", path.s, body.s, 120, NULL, d);
	buf_release(&body);
	buf_release(&path);
	if (!rc && r.status != 201)
		rc = api_error(d, "create container", &r);
	if (!rc) {
		struct jnode *j = body_json(&r.body);
		const char *id = jobj_str(j, "Id");
		if (id) {
			k->id = xstrdup(id);
			l->id = xstrdup(id);
		} else {
			rc = diags_errorf(d, NULL, 0, 0, NULL, "container engine: create answered no Id");
		}
		jtree_free(j);
	}
	buf_release(&r.body);
	if (rc)
		return -1;
	buf_addf(&path, API "/containers/%s/start", k->id);
	rc = call(&r, k->socket, k->base, "POST", path.s, NULL, 120, NULL, d);
	if (!rc && r.status != 204 && r.status != 304)
		rc = api_error(d, "start container", &r);
	buf_release(&r.body);
	buf_release(&path);
	if (rc)
		return -1;
	if (!pthread_create(&k->logger, NULL, follow_logs, k))
		k->logger_running = true;
	return 0;
}

static bool docker_alive(struct launched *l)
{
	struct docker *k = l->priv;
	if (l->ended || !k || !k->id)
		return false;
	struct reply r;
	struct diags ignore = DIAGS_INIT;
	struct buf path = BUF_INIT;
	buf_addf(&path, API "/containers/%s/json", k->id);
	bool alive = true; /* an engine that does not answer once is not a dead server */
	if (!call(&r, k->socket, k->base, "GET", path.s, NULL, 10, NULL, &ignore)) {
		if (r.status == 404) {
			alive = false;
			snprintf(l->how, sizeof(l->how), "the container is gone");
		} else if (r.status == 200) {
			struct jnode *j = body_json(&r.body);
			const struct jnode *st = jobj_get(j, "State");
			const struct jnode *run = jobj_get(st, "Running");
			const struct jnode *code = jobj_get(st, "ExitCode");
			if (run && run->type == JT_BOOL && !run->b) {
				alive = false;
				snprintf(l->how, sizeof(l->how), "the container exited with status %d",
					 code && code->type == JT_NUM && fabs(code->num) < 1e9
						 ? (int)code->num
						 : -1);
			}
			jtree_free(j);
		}
		buf_release(&r.body);
	}
	diags_release(&ignore);
	buf_release(&path);
	if (!alive) {
		l->ended = true;
		/* the container's last lines into server.log before the caller prints its tail */
		logs_finish(k, 1000);
	}
	return alive;
}

static int docker_stop(struct launched *l, const struct launch_spec *s, int grace_s,
		       struct diags *d)
{
	(void)s;
	struct docker *k = l->priv;
	int rc = 0;
	if (k && k->id) {
		struct reply r;
		struct buf path = BUF_INIT;
		/* a stop that fails matters only if the forced remove fails too */
		struct diags stop_why = DIAGS_INIT;
		buf_addf(&path, API "/containers/%s/stop?t=%d", k->id, grace_s);
		if (!call(&r, k->socket, k->base, "POST", path.s, NULL, grace_s + 30, NULL,
			  &stop_why))
			buf_release(&r.body);
		buf_release(&path);
		/* the log stream ends when the container stops: its last lines go to server.log */
		logs_finish(k, 2000);
		rc = remove_container(k, k->id, d);
		if (rc)
			for (size_t i = 0; i < stop_why.nr; i++)
				diags_errorf(d, NULL, 0, 0, NULL, "%s", stop_why.v[i].msg);
		diags_release(&stop_why);
		free(k->id);
		k->id = NULL;
	}
	docker_free(k);
	l->priv = NULL;
	return rc;
}

static void docker_describe(struct buf *out, const struct launch_spec *s)
{
	struct buf body = BUF_INIT;
	create_body(&body, s, true, JSONW_PRETTY);
	/* the body is JSON: jsonw escapes its strings; the rest is escaped here */
	buf_adds(out, "launcher: docker at ");
	launch_describe_str(out, s->profile->docker.host);
	buf_adds(out, " (pull: ");
	launch_describe_str(out, s->profile->docker.pull);
	buf_adds(out, ")\nPOST " API "/containers/create?name=infbench-");
	launch_describe_str(out, s->run_id);
	buf_addf(out, "\n%s\n(shm-size ", body.s);
	launch_describe_str(out, s->profile->docker.shm_size);
	buf_adds(out, " is not sent: with host IPC the host's /dev/shm is used)\n");
	buf_release(&body);
}

const struct launcher_ops launch_docker_ops = {
	.name = "docker", .server_on_this_host = true,
	.remove_leftovers = docker_remove_leftovers, .start = docker_start, .alive = docker_alive,
	.stop = docker_stop, .describe = docker_describe,
};
