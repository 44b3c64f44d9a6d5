/* sweep: see sweep.h. */
#include "executor/load/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/bench.h"
#include "executor/load/oversat.h"

const char *const sweep_kind_names[] = { "synchronous", "throughput", "constant" };

double sweep_rate(double synchronous, double throughput, long points, long k)
{
	/* linspace(s, t, N - 1) has steps (t - s) / (N - 2); [1:] drops s itself */
	return synchronous + (throughput - synchronous) * (double)(k + 1) / (double)(points - 2);
}

/* The watch of one point: over-saturation (paced points) and the time limit. */
struct point_watch {
	struct oversat os;
	bool paced;
	int64_t max_ns;            /* 0: none */
	bool over_saturated, time_limited;
};

static bool point_watch(const struct load_watch *w, void *data)
{
	struct point_watch *pw = data;
	if (pw->paced && oversat_feed(&pw->os, w))
		pw->over_saturated = true;
	else if (pw->max_ns && w->now_ns - w->start_ns >= pw->max_ns)
		pw->time_limited = true;
	return pw->over_saturated || pw->time_limited;
}

/* A stopped load leaves its never-issued requests (send_ns 0, all at the tail: requests go
 * out in index order) as interrupted: they were no part of the point, so they go. */
static void drop_unsent(struct bench_result *r, const struct bench_config *cfg)
{
	size_t nr = r->nr;
	while (nr && !r->reqs[nr - 1].rec.send_ns) {
		struct bench_req *q = &r->reqs[--nr];
		free(q->rec.itl_ns);
		if (q->rec.text) {
			buf_release(q->rec.text);
			free(q->rec.text);
		}
		memset(q, 0, sizeof(*q));
	}
	if (nr != r->nr) {
		r->nr = nr;
		bench_result_compute(r, cfg);
	}
}

static void point_figures(struct sweep_point *p, const struct bench_config *cfg,
			  const struct bench_result *r)
{
	double dur = r->duration_s > 0 ? r->duration_s : 1e-9;
	p->sent = r->nr;
	p->completed = r->completed;
	p->duration_s = r->duration_s;
	p->request_throughput = (double)r->completed / dur;
	p->output_throughput = (double)r->total_output / dur;
	p->total_token_throughput = (double)(r->total_input + r->total_output) / dur;
	p->request_goodput = cfg->goodput ? (double)r->good / dur : NAN;
	p->pct_at = cfg->percentiles_nr ? cfg->percentiles[0] : NAN;
	for (int m = 0; m < METRIC_NR; m++) {
		p->mean_ms[m] = r->summary[m].mean;
		p->median_ms[m] = r->summary[m].median;
		p->pct_ms[m] = r->summary[m].pct_nr ? r->summary[m].pct[0] : NAN;
	}
}

/* The point's own keys after the given --metadata, for its raw result: sweep_point,
 * sweep_strategy and, when it was cut short, sweep_stopped. Returns the array cfg now
 * borrows; the caller frees it and the items past the given ones. */
static const char **point_metadata(struct bench_config *cfg, const struct sweep_point *p,
				   size_t index)
{
	size_t nr = cfg->metadata_nr;
	const char **v = xcalloc(nr + 3, sizeof(*v));
	if (nr)
		memcpy(v, cfg->metadata, nr * sizeof(*v));
	struct buf b = BUF_INIT;
	buf_addf(&b, "sweep_point=%zu", index);
	v[nr++] = buf_take(&b, NULL);
	buf_addf(&b, "sweep_strategy=%s", sweep_kind_names[p->kind]);
	v[nr++] = buf_take(&b, NULL);
	if (p->over_saturated || p->time_limited) {
		buf_addf(&b, "sweep_stopped=%s", p->over_saturated ? "over-saturated" : "time limit");
		v[nr++] = buf_take(&b, NULL);
	}
	buf_release(&b);
	cfg->metadata = v;
	cfg->metadata_nr = nr;
	return v;
}

/* Runs point p with cfg (the base config changed for it) and hands it to on_point. */
static int run_point(struct sweep_point *p, size_t index, struct bench_config *cfg,
		     struct bench_prep *prep, const struct sweep_opts *o, sweep_point_fn on_point,
		     void *data, struct diags *d)
{
	struct point_watch pw = { .paced = isfinite(cfg->request_rate),
				  .max_ns = (int64_t)(o->max_seconds * 1e9) };
	oversat_init(&pw.os, cfg->request_rate, o->oversat_min_s);
	cfg->watch = point_watch;
	cfg->watch_data = &pw;
	struct bench_result res;
	int rc = bench_run_prepared(&res, cfg, prep, d);
	cfg->watch = NULL;
	cfg->watch_data = NULL;
	oversat_release(&pw.os);
	p->over_saturated = pw.over_saturated;
	p->time_limited = pw.time_limited;
	if (res.measured) {
		drop_unsent(&res, cfg);
		point_figures(p, cfg, &res);
		struct bench_config with_keys = *cfg;
		const char **keys = point_metadata(&with_keys, p, index);
		if (on_point(p, &with_keys, &res, data, d))
			rc = -1;
		for (size_t i = cfg->metadata_nr; i < with_keys.metadata_nr; i++)
			free((char *)keys[i]);
		free(keys);
	}
	bench_result_release(&res);
	return rc;
}

static struct sweep_point *add_point(struct sweep *s, enum sweep_kind kind, double rate,
				     long max_concurrency)
{
	VEC_GROW(s->v, s->nr + 1, s->alloc);
	struct sweep_point *p = &s->v[s->nr++];
	memset(p, 0, sizeof(*p));
	p->index = s->nr;
	p->kind = kind;
	p->rate = rate;
	p->max_concurrency = max_concurrency;
	return p;
}

static bool stopped(const struct bench_config *cfg)
{
	return cfg->stop && *cfg->stop;
}

int sweep_run(struct sweep *out, const struct bench_config *base, const struct sweep_opts *o,
	      sweep_point_fn on_point, void *data, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct bench_config cfg = *base;
	cfg.ramp.strategy = RAMP_NONE;
	struct bench_prep *prep;
	int rc = bench_prepare(&prep, &cfg, d);
	for (long i = 0; !rc && i < o->points && !stopped(&cfg); i++) {
		struct sweep_point *p;
		if (i == 0) {
			cfg.max_concurrency = 1;
			cfg.request_rate = INFINITY;
			p = add_point(out, SWEEP_SYNCHRONOUS, INFINITY, 1);
		} else if (i == 1) {
			cfg.max_concurrency = base->max_concurrency;
			p = add_point(out, SWEEP_THROUGHPUT, INFINITY, base->max_concurrency);
		} else {
			cfg.request_rate = sweep_rate(out->synchronous_rate, out->throughput_rate,
						      o->points, i - 2);
			if (!(cfg.request_rate > 0))
				break; /* guidellm: no valid rate left */
			p = add_point(out, SWEEP_CONSTANT, cfg.request_rate, base->max_concurrency);
		}
		rc = run_point(p, (size_t)i + 1, &cfg, prep, o, on_point, data, d);
		if (i == 0)
			out->synchronous_rate = p->request_throughput;
		if (i == 1) {
			out->throughput_rate = p->request_throughput;
			if (!rc && !(out->synchronous_rate > 0) && !(out->throughput_rate > 0))
				rc = diags_errorf(d, NULL, 0, 0, NULL, "sweep: the synchronous and "
						  "throughput points completed no request: no rates "
						  "to sweep");
		}
	}
	if (!rc && stopped(&cfg))
		rc = diags_errorf(d, NULL, 0, 0, NULL, "interrupted");
	bench_prep_free(prep);
	return rc;
}

static void num_or_null(struct jsonw *w, const char *key, double v)
{
	jsonw_key(w, key);
	if (isfinite(v))
		jsonw_double(w, v);
	else
		jsonw_null(w);
}

static void point_json(struct jsonw *w, const struct sweep_point *p, size_t index)
{
	jsonw_obj_open(w);
	jsonw_key(w, "index");
	jsonw_int(w, (long long)index);
	jsonw_key(w, "strategy");
	jsonw_str(w, sweep_kind_names[p->kind]);
	jsonw_key(w, "request_rate");
	if (isfinite(p->rate))
		jsonw_double(w, p->rate);
	else
		jsonw_str(w, "inf");
	jsonw_key(w, "max_concurrency");
	if (p->max_concurrency)
		jsonw_int(w, p->max_concurrency);
	else
		jsonw_null(w);
	jsonw_key(w, "stopped");
	if (p->over_saturated)
		jsonw_str(w, "over-saturated");
	else if (p->time_limited)
		jsonw_str(w, "time limit");
	else
		jsonw_null(w);
	jsonw_key(w, "sent");
	jsonw_int(w, (long long)p->sent);
	jsonw_key(w, "completed");
	jsonw_int(w, p->completed);
	jsonw_key(w, "duration");
	jsonw_double(w, p->duration_s);
	jsonw_key(w, "request_throughput");
	jsonw_double(w, p->request_throughput);
	num_or_null(w, "request_goodput", p->request_goodput);
	jsonw_key(w, "output_throughput");
	jsonw_double(w, p->output_throughput);
	jsonw_key(w, "total_token_throughput");
	jsonw_double(w, p->total_token_throughput);
	char pname[48], key[96];
	fmt_double_py(pname, p->pct_at);
	size_t len = strlen(pname); /* p99, p99.9 as the raw result names them */
	if (len > 2 && !strcmp(pname + len - 2, ".0"))
		pname[len - 2] = '\0';
	for (int m = 0; m < METRIC_NR; m++) {
		snprintf(key, sizeof(key), "mean_%s_ms", metric_names[m]);
		num_or_null(w, key, p->mean_ms[m]);
		snprintf(key, sizeof(key), "median_%s_ms", metric_names[m]);
		num_or_null(w, key, p->median_ms[m]);
		if (isfinite(p->pct_at)) {
			snprintf(key, sizeof(key), "p%s_%s_ms", pname, metric_names[m]);
			num_or_null(w, key, p->pct_ms[m]);
		}
	}
	jsonw_key(w, "result_file");
	if (p->result_file)
		jsonw_str(w, p->result_file);
	else
		jsonw_null(w);
	jsonw_obj_close(w);
}

void sweep_summary_json(struct buf *out, const struct sweep *s, const struct bench_config *base,
			const struct sweep_opts *o)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	jsonw_key(&w, "sweep");
	jsonw_int(&w, o->points);
	jsonw_key(&w, "backend");
	jsonw_str(&w, base->backend);
	jsonw_key(&w, "model_id");
	jsonw_str(&w, base->model_id);
	jsonw_key(&w, "num_prompts");
	jsonw_int(&w, (long long)base->ds.num_prompts);
	jsonw_key(&w, "burstiness");
	jsonw_double(&w, base->burstiness);
	jsonw_key(&w, "goodput");
	if (base->goodput) {
		jsonw_obj_open(&w);
		for (int m = 0; m < METRIC_NR; m++) {
			if (base->goodput_ms[m] < 0)
				continue;
			jsonw_key(&w, metric_names[m]);
			jsonw_double(&w, base->goodput_ms[m]);
		}
		jsonw_obj_close(&w);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "synchronous_rate");
	jsonw_double(&w, s->synchronous_rate);
	jsonw_key(&w, "throughput_rate");
	jsonw_double(&w, s->throughput_rate);
	jsonw_key(&w, "points");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < s->nr; i++)
		point_json(&w, &s->v[i], i + 1);
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
}

void sweep_release(struct sweep *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->v[i].result_file);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
