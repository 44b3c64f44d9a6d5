/*
 * launch_docker: the recipe in a container, through the Docker Engine API over the profile's
 * docker.host with libcurl (no CLI is shelled out). Works with Docker and with Podman's
 * Docker-compatible service; where they differ, the comments say so.
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

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/xalloc.h"
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
	pthread_mutex_t sock_lock; /* guards sock against the follower's close */
	curl_socket_t sock;        /* the follower's connection, CURL_SOCKET_BAD when none */
	bool closing;              /* under sock_lock: logs_finish gave up; open no new socket */
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

static size_t collect(char *p, size_t size, size_t n, void *data)
{
	buf_add(data, p, size * n);
	return size * n;
}

/* A pull may take an hour: it gives up when the executor is told to stop. */
static int abort_on_signal(void *data, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return *(volatile sig_atomic_t *)data != 0;
}

/* One API call. Returns 0 with r filled when the engine answered, -1 with a diag when not.
 * stop: when not NULL, the call ends once it is set (never for the calls that clean up). */
static int call(struct reply *r, const char *socket, const char *base, const char *method,
		const char *path, const char *json_body, long timeout_s, volatile sig_atomic_t *stop,
		struct diags *d)
{
	CURL *h = curl_easy_init();
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s%s", base, path);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	buf_init(&r->body);
	r->status = 0;
	curl_easy_setopt(h, CURLOPT_URL, url.s);
	if (socket)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	if (stop) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_on_signal);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, stop);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	if (json_body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, json_body);
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	}
	CURLcode c = curl_easy_perform(h);
	int rc = 0;
	if (c != CURLE_OK)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "container engine at %s%s: %s %s failed: %s",
				  socket ? "unix://" : "", socket ? socket : base, method, path,
				  curl_easy_strerror(c));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	buf_release(&url);
	return rc;
}

/* The engine's message from an error body ({"message": ...} or {"cause": ...}). */
static void engine_message(struct buf *out, const struct buf *body)
{
	cJSON *j = cJSON_ParseWithLength(body->s, body->len);
	const cJSON *m = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
	if (cJSON_IsString(m))
		buf_adds(out, m->valuestring);
	else
		buf_add_escaped(out, body->s, body->len > 300 ? 300 : body->len);
	cJSON_Delete(j);
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

static char *url_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *copy = xstrdup(e);
	curl_free(e);
	return copy;
}

/* Image present (id filled), absent (0 returned, id NULL) or error (-1). */
static int image_inspect(char **id, struct docker *k, const char *image, struct diags *d)
{
	struct reply r;
	struct buf path = BUF_INIT;
	char *esc = url_escape(image);
	buf_addf(&path, API "/images/%s/json", esc);
	free(esc);
	*id = NULL;
	int rc = call(&r, k->socket, k->base, "GET", path.s, NULL, 60, NULL, d);
	if (!rc && r.status == 200) {
		cJSON *j = cJSON_ParseWithLength(r.body.s, r.body.len);
		const cJSON *v = j ? cJSON_GetObjectItemCaseSensitive(j, "Id") : NULL;
		if (cJSON_IsString(v))
			*id = xstrdup(v->valuestring);
		cJSON_Delete(j);
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
	char *e1 = url_escape(name.s), *e2 = url_escape(tag);
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
		cJSON *j = cJSON_ParseWithLength(p, n);
		const cJSON *err = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
		if (cJSON_IsString(err))
			rc = diags_errorf(d, NULL, 0, 0, NULL, "container engine: pull %s failed: %s",
					  image, err->valuestring);
		cJSON_Delete(j);
		p = nl ? nl + 1 : NULL;
	}
	buf_release(&r.body);
	buf_release(&name);
	buf_release(&path);
	return rc;
}

static void add_bind(cJSON *binds, const char *host, const char *container, bool ro)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s:%s%s", host, container, ro ? ":ro" : "");
	cJSON_AddItemToArray(binds, cJSON_CreateString(b.s));
	buf_release(&b);
}

static void add_device(cJSON *devs, const char *path)
{
	cJSON *dv = cJSON_CreateObject();
	cJSON_AddStringToObject(dv, "PathOnHost", path);
	cJSON_AddStringToObject(dv, "PathInContainer", path);
	cJSON_AddStringToObject(dv, "CgroupPermissions", "rwm");
	cJSON_AddItemToArray(devs, dv);
}

/* The create request body. With mask_secrets, secret values read *** (for --dry-run). */
static char *create_body(const struct launch_spec *s, bool mask_secrets)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "Image", s->image);
	struct buf script = BUF_INIT;
	buf_addf(&script, "/workspace/%s", s->recipe_rel);
	const char *cmd[] = { "bash", script.s };
	cJSON_AddItemToObject(j, "Cmd", cJSON_CreateStringArray(cmd, 2));
	cJSON *env = cJSON_AddArrayToObject(j, "Env");
	for (size_t i = 0; i < s->env.nr; i++) {
		const char *v = s->env.v[i];
		size_t klen = strcspn(v, "=");
		bool secret = false;
		for (size_t k = 0; mask_secrets && s->secrets && k < s->secrets->nr; k++)
			secret |= strlen(s->secrets->v[k]) == klen && !strncmp(s->secrets->v[k], v, klen);
		if (secret) {
			struct buf m = BUF_INIT;
			buf_addf(&m, "%.*s=***", (int)klen, v);
			cJSON_AddItemToArray(env, cJSON_CreateString(m.s));
			buf_release(&m);
		} else {
			cJSON_AddItemToArray(env, cJSON_CreateString(v));
		}
	}
	cJSON_AddStringToObject(j, "WorkingDir", "/workspace");
	cJSON *labels = cJSON_AddObjectToObject(j, "Labels");
	cJSON_AddStringToObject(labels, LABEL_NODE, s->node);
	cJSON_AddStringToObject(labels, LABEL_RUN, s->run_id);
	cJSON_AddBoolToObject(j, "Tty", 0);
	cJSON *hc = cJSON_AddObjectToObject(j, "HostConfig");
	cJSON_AddStringToObject(hc, "NetworkMode", "host");
	cJSON_AddStringToObject(hc, "IpcMode", "host");
	cJSON_AddBoolToObject(hc, "Init", 1);
	cJSON *binds = cJSON_AddArrayToObject(hc, "Binds");
	add_bind(binds, s->workspace, "/workspace", false);
	add_bind(binds, s->result_dir, s->result_dir, false);
	for (size_t i = 0; i < s->profile->mounts_nr; i++)
		cJSON_AddItemToArray(binds, cJSON_CreateString(s->profile->mounts[i]));
	const char *vendor = s->profile->gpu_vendor;
	if (!strcmp(vendor, "nvidia")) {
		cJSON *reqs = cJSON_AddArrayToObject(hc, "DeviceRequests");
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "Driver", "nvidia");
		cJSON_AddNumberToObject(r, "Count", -1);
		cJSON *caps = cJSON_AddArrayToObject(r, "Capabilities");
		const char *gpu[] = { "gpu" };
		cJSON_AddItemToArray(caps, cJSON_CreateStringArray(gpu, 1));
		cJSON_AddItemToArray(reqs, r);
	} else if (!strcmp(vendor, "amd")) {
		cJSON *devs = cJSON_AddArrayToObject(hc, "Devices");
		add_device(devs, "/dev/kfd");
		add_device(devs, "/dev/dri");
		const char *groups[] = { "video" };
		cJSON_AddItemToObject(hc, "GroupAdd", cJSON_CreateStringArray(groups, 1));
		const char *sec[] = { "seccomp=unconfined" };
		cJSON_AddItemToObject(hc, "SecurityOpt", cJSON_CreateStringArray(sec, 1));
	}
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	buf_release(&script);
	char *copy = xstrdup(text);
	free(text);
	return copy;
}

static size_t demux_write(char *p, size_t size, size_t n, void *data)
{
	struct demux *m = data;
	size_t total = size * n, i = 0;
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

/* The follower's socket is recorded so that logs_finish can shut it down from the other thread. */
static curl_socket_t open_sock(void *data, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)purpose;
	struct docker *k = data;
	pthread_mutex_lock(&k->sock_lock);
	/* logs_finish may give up before the follower connects: then it must not connect */
	curl_socket_t fd = k->closing ? CURL_SOCKET_BAD
				      : socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	k->sock = fd;
	pthread_mutex_unlock(&k->sock_lock);
	return fd;
}

static int close_sock(void *data, curl_socket_t fd)
{
	struct docker *k = data;
	pthread_mutex_lock(&k->sock_lock);
	if (k->sock == fd)
		k->sock = CURL_SOCKET_BAD;
	int rc = close(fd);
	pthread_mutex_unlock(&k->sock_lock);
	return rc;
}

static void *follow_logs(void *arg)
{
	struct docker *k = arg;
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s" API "/containers/%s/logs?follow=1&stdout=1&stderr=1", k->base, k->id);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url.s);
	if (k->socket)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, k->socket);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L); /* an error body is not a log stream */
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, demux_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &k->follow);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_sock);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, k);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, close_sock);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, k);
	/* ends when the container exits or is removed (or logs_finish shuts the socket down) */
	CURLcode c = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	k->logger_ok = c == CURLE_OK && status == 200;
	curl_easy_cleanup(h);
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
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url.s);
	if (k->socket)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, k->socket);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, demux_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &m);
	curl_easy_perform(h);
	curl_easy_cleanup(h);
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
	if (!atomic_load(&k->logger_done)) {
		pthread_mutex_lock(&k->sock_lock);
		k->closing = true;
		if (k->sock != CURL_SOCKET_BAD)
			shutdown(k->sock, SHUT_RDWR);
		pthread_mutex_unlock(&k->sock_lock);
	}
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
	k->sock = CURL_SOCKET_BAD;
	atomic_init(&k->logger_done, false);
	pthread_mutex_init(&k->sock_lock, NULL);
	return k;
}

static void docker_free(struct docker *k)
{
	if (!k)
		return;
	free(k->socket);
	free(k->base);
	free(k->id);
	pthread_mutex_destroy(&k->sock_lock);
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
	char *esc = url_escape(filter.s);
	buf_addf(&path, API "/containers/json?all=1&filters=%s", esc);
	free(esc);
	int rc = ping(k, d);
	if (!rc)
		rc = call(&r, k->socket, k->base, "GET", path.s, NULL, 60, NULL, d);
	if (!rc && r.status != 200)
		rc = api_error(d, "list containers", &r);
	if (!rc) {
		cJSON *j = cJSON_ParseWithLength(r.body.s, r.body.len);
		const cJSON *c;
		cJSON_ArrayForEach(c, j) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "Id");
			if (cJSON_IsString(id) && remove_container(k, id->valuestring, d))
				rc = -1;
		}
		cJSON_Delete(j);
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
	char *body = create_body(s, false);
	struct buf path = BUF_INIT;
	buf_addf(&path, API "/containers/create?name=infbench-%s", s->run_id);
	struct reply r;
	int rc = call(&r, k->socket, k->base, "POST", path.s, body, 120, NULL, d);
	free(body);
	buf_release(&path);
	if (!rc && r.status != 201)
		rc = api_error(d, "create container", &r);
	if (!rc) {
		cJSON *j = cJSON_ParseWithLength(r.body.s, r.body.len);
		const cJSON *id = j ? cJSON_GetObjectItemCaseSensitive(j, "Id") : NULL;
		if (cJSON_IsString(id)) {
			k->id = xstrdup(id->valuestring);
			l->id = xstrdup(id->valuestring);
		} else {
			rc = diags_errorf(d, NULL, 0, 0, NULL, "container engine: create answered no Id");
		}
		cJSON_Delete(j);
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
			cJSON *j = cJSON_ParseWithLength(r.body.s, r.body.len);
			const cJSON *st = j ? cJSON_GetObjectItemCaseSensitive(j, "State") : NULL;
			const cJSON *run = cJSON_GetObjectItemCaseSensitive(st, "Running");
			const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "ExitCode");
			if (cJSON_IsBool(run) && cJSON_IsFalse(run)) {
				alive = false;
				snprintf(l->how, sizeof(l->how), "the container exited with status %d",
					 cJSON_IsNumber(code) ? code->valueint : -1);
			}
			cJSON_Delete(j);
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
		buf_addf(&path, API "/containers/%s/stop?t=%d", k->id, grace_s);
		if (!call(&r, k->socket, k->base, "POST", path.s, NULL, grace_s + 30, NULL, d))
			buf_release(&r.body);
		buf_release(&path);
		/* the log stream ends when the container stops: its last lines go to server.log */
		logs_finish(k, 2000);
		rc = remove_container(k, k->id, d);
		free(k->id);
		k->id = NULL;
	}
	docker_free(k);
	l->priv = NULL;
	return rc;
}

static void docker_describe(struct buf *out, const struct launch_spec *s)
{
	char *body = create_body(s, true);
	cJSON *j = cJSON_Parse(body);
	char *pretty = cJSON_Print(j);
	/* the body is JSON: cJSON escapes its strings; the rest is escaped here */
	buf_adds(out, "launcher: docker at ");
	launch_describe_str(out, s->profile->docker.host);
	buf_adds(out, " (pull: ");
	launch_describe_str(out, s->profile->docker.pull);
	buf_adds(out, ")\nPOST " API "/containers/create?name=infbench-");
	launch_describe_str(out, s->run_id);
	buf_addf(out, "\n%s\n(shm-size ", pretty);
	launch_describe_str(out, s->profile->docker.shm_size);
	buf_adds(out, " is not sent: with host IPC the host's /dev/shm is used)\n");
	free(pretty);
	cJSON_Delete(j);
	free(body);
}

const struct launcher_ops launch_docker_ops = {
	.name = "docker", .server_on_this_host = true,
	.remove_leftovers = docker_remove_leftovers, .start = docker_start, .alive = docker_alive,
	.stop = docker_stop, .describe = docker_describe,
};
