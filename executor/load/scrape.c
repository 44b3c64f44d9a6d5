/* scrape: see scrape.h. */
#include "executor/load/scrape.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/core/hcall.h"

/* A /metrics answer is a few hundred KiB at most on a big server; a scrape that takes this
 * long is recorded as failed rather than delaying the end of the run. */
#define SCRAPE_TIMEOUT_MS 10000

static void scrape_once(struct scraper *s, const char *phase)
{
	struct scrape_rec r = { .phase = phase, .status = -1 };
	struct hcall h;
	struct buf body = BUF_INIT;
	struct diags d = DIAGS_INIT;
	struct hcall_opts o = { .bearer = s->bearer, .no_proxy = true };
	if (hcall_init(&h, &o, &d)) {
		r.error = xstrdup("cannot set up libcurl");
	} else {
		struct hcall_req q = { .url = s->out->url, .timeout_ms = SCRAPE_TIMEOUT_MS,
				       .stop = &s->stop, .resp = &body };
		r.status = hcall_do(&h, &q);
		r.unix_s = clock_wall_s();
		struct buf e = BUF_INIT;
		if (r.status < 0) {
			buf_addf(&e, "no response: %s", h.error ? h.error : "unknown");
		} else if (r.status != 200) {
			buf_addf(&e, "HTTP %ld", r.status);
		} else if (promtext_parse(&r.samples, body.s, body.len, "/metrics", &d)) {
			diags_format(&e, &d);
			while (e.len && e.s[e.len - 1] == '\n')
				buf_setlen(&e, e.len - 1);
		}
		if (e.len)
			r.error = buf_take(&e, NULL);
		buf_release(&e);
	}
	hcall_release(&h);
	buf_release(&body);
	diags_release(&d);
	pthread_mutex_lock(&s->lock);
	VEC_GROW(s->out->v, s->out->nr + 1, s->out->alloc);
	s->out->v[s->out->nr++] = r;
	pthread_mutex_unlock(&s->lock);
}

static void *scrape_thread(void *arg)
{
	struct scraper *s = arg;
	struct timespec due;
	clock_gettime(CLOCK_MONOTONIC, &due);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		/* the schedule is start + k * interval, so a slow scrape does not drift it */
		double t = (double)due.tv_nsec / 1e9 + s->interval_s;
		due.tv_sec += (time_t)t;
		due.tv_nsec = (long)((t - floor(t)) * 1e9);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &due) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		scrape_once(s, "during");
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int scraper_start(struct scraper *s, struct scrapes *out, const char *base_url,
		  const char *bearer, double interval_s, struct diags *d)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->bearer = bearer;
	s->interval_s = interval_s;
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s/metrics", base_url);
	out->url = buf_take(&url, NULL);
	out->interval_s = interval_s;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	scrape_once(s, "before");
	int e = pthread_create(&s->thread, NULL, scrape_thread, s);
	if (e)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot start the /metrics thread: %s",
				    strerror(e));
	s->running = true;
	return 0;
}

void scraper_stop(struct scraper *s)
{
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		s->running = false;
		s->stop = 0;
		scrape_once(s, "after");
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
}

/* Prometheus' special values have no JSON number: they go as the strings it writes. */
static void write_value(struct jsonw *w, double v)
{
	if (isnan(v))
		jsonw_str(w, "NaN");
	else if (isinf(v))
		jsonw_str(w, v > 0 ? "+Inf" : "-Inf");
	else
		jsonw_double(w, v);
}

static void write_rec(struct jsonw *w, const struct scrape_rec *r)
{
	jsonw_obj_open(w);
	jsonw_key(w, "phase");
	jsonw_str(w, r->phase);
	jsonw_key(w, "unix");
	jsonw_double(w, r->unix_s);
	jsonw_key(w, "status");
	jsonw_int(w, r->status);
	if (r->error) {
		jsonw_key(w, "error");
		jsonw_str(w, r->error);
	}
	jsonw_key(w, "samples");
	jsonw_arr_open(w);
	for (size_t i = 0; i < r->samples.nr; i++) {
		const struct prom_sample *s = &r->samples.v[i];
		jsonw_arr_open(w);
		jsonw_str(w, s->name);
		jsonw_obj_open(w);
		for (size_t k = 0; k < s->labels_nr; k++) {
			jsonw_key(w, s->labels[k].name);
			jsonw_str(w, s->labels[k].value);
		}
		jsonw_obj_close(w);
		write_value(w, s->value);
		jsonw_arr_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

void scrapes_write_json(struct buf *out, const struct scrapes *sc)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_obj_open(&w);
	jsonw_key(&w, "format");
	jsonw_str(&w, "inferencex-server-metrics-1");
	jsonw_key(&w, "url");
	jsonw_str(&w, sc->url ? sc->url : "");
	jsonw_key(&w, "interval_s");
	jsonw_double(&w, sc->interval_s);
	jsonw_key(&w, "scrapes");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < sc->nr; i++)
		write_rec(&w, &sc->v[i]);
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
}

void scrapes_release(struct scrapes *sc)
{
	for (size_t i = 0; i < sc->nr; i++) {
		free(sc->v[i].error);
		prom_samples_release(&sc->v[i].samples);
	}
	free(sc->v);
	free(sc->url);
	memset(sc, 0, sizeof(*sc));
}
