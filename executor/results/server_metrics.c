/* server_metrics: see server_metrics.h. The names each adapter reads are one table row. */
#include "executor/results/server_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/jtree.h"

const char *const sm_keys[SM_NR] = {
	"server_prefix_cache_hit_rate",
	"server_kv_cache_usage_mean", "server_kv_cache_usage_max",
	"server_requests_running_mean", "server_requests_running_max",
	"server_requests_waiting_mean", "server_requests_waiting_max",
	"server_preemptions",
	"server_prompt_tokens", "server_generation_tokens",
	"server_generation_throughput",
};

struct adapter {
	const char *name, *prefix;
	const char *running, *waiting;
	const char *kv[2];        /* the first present in a scrape is read */
	const char *hits;         /* hit rate = d(hits) / d(queries) */
	const char *queries;
	const char *preemptions;
	const char *prompt, *generation;
};

static const struct adapter adapters[] = {
	{ "vllm", "vllm:", "vllm:num_requests_running", "vllm:num_requests_waiting",
	  { "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc" },
	  "vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total",
	  "vllm:num_preemptions_total", "vllm:prompt_tokens_total",
	  "vllm:generation_tokens_total" },
	{ "sglang", "sglang:", "sglang:num_running_reqs", "sglang:num_queue_reqs",
	  { "sglang:token_usage", NULL },
	  "sglang:cached_tokens_total", "sglang:prompt_tokens_total",
	  "sglang:num_retracted_requests_total", "sglang:prompt_tokens_total",
	  "sglang:generation_tokens_total" },
};

/* One usable scrape: its time and samples array (borrowed from the tree). */
struct scrape {
	const char *phase;
	double unix_s;
	const struct jnode *samples;
};

static int bad(struct diags *d, const char *name, const struct jnode *n, const char *path,
	       const char *expected)
{
	return diags_errorf(d, name, n ? n->line : 0, n ? n->col : 0, path,
			    "expected %s, found %s", expected, n ? jtype_describe(n) : "nothing");
}

int server_metrics_sample_value(double *out, const struct jnode *v)
{
	if (v->type == JT_NUM) {
		*out = v->num;
		return 0;
	}
	if (v->type != JT_STR)
		return -1;
	if (!strcmp(v->s, "NaN"))
		*out = NAN;
	else if (!strcmp(v->s, "+Inf"))
		*out = INFINITY;
	else if (!strcmp(v->s, "-Inf"))
		*out = -INFINITY;
	else
		return -1;
	return 0;
}

/* Checks one samples array: [name, {labels}, value] each. */
static int check_samples(const struct jnode *a, const char *name, size_t i, struct diags *d)
{
	char path[64];
	snprintf(path, sizeof(path), "scrapes[%zu].samples", i);
	if (!a || a->type != JT_ARR)
		return bad(d, name, a, path, "an array");
	for (size_t k = 0; k < a->nr; k++) {
		const struct jnode *s = &a->items[k];
		double v;
		snprintf(path, sizeof(path), "scrapes[%zu].samples[%zu]", i, k);
		if (s->type != JT_ARR || s->nr != 3 || s->items[0].type != JT_STR ||
		    s->items[1].type != JT_OBJ || server_metrics_sample_value(&v, &s->items[2]))
			return bad(d, name, s, path, "[name, {labels}, value]");
	}
	return 0;
}

/* The sum of the series named metric in sc, and whether there was one. With want_max,
 * the largest instead. */
static struct maybe series(const struct scrape *sc, const char *metric, bool want_max)
{
	struct maybe m = { false, 0 };
	if (!metric)
		return m;
	for (size_t k = 0; k < sc->samples->nr; k++) {
		const struct jnode *s = &sc->samples->items[k];
		if (strcmp(s->items[0].s, metric))
			continue;
		double v;
		if (server_metrics_sample_value(&v, &s->items[2]))
			continue; /* cannot happen: the file was checked when read */
		if (!m.ok)
			m.v = v;
		else
			m.v = want_max ? fmax(m.v, v) : m.v + v;
		m.ok = true;
	}
	return m;
}

static struct maybe delta(const struct scrape *a, const struct scrape *b, const char *metric)
{
	struct maybe x = series(a, metric, false), y = series(b, metric, false);
	struct maybe r = { x.ok && y.ok && y.v - x.v >= 0, y.v - x.v };
	return r;
}

static struct maybe ratio(struct maybe a, struct maybe b)
{
	struct maybe r = { a.ok && b.ok && b.v > 0, b.v > 0 ? a.v / b.v : 0 };
	return r;
}

/* mean and max over the scrapes of the gauge metric (kv: the first of two names present). */
static void gauge(struct maybe *mean, struct maybe *max, const struct scrape *v, size_t nr,
		  const char *const names[2], bool want_max)
{
	double sum = 0;
	long n = 0;
	max->ok = false;
	for (size_t i = 0; i < nr; i++) {
		struct maybe g = series(&v[i], names[0], want_max);
		if (!g.ok && names[1])
			g = series(&v[i], names[1], want_max);
		if (!g.ok)
			continue;
		sum += g.v;
		n++;
		if (!max->ok || g.v > max->v)
			max->v = g.v;
		max->ok = true;
	}
	mean->ok = n > 0;
	mean->v = n ? sum / (double)n : 0;
}

static const struct adapter *detect(const struct scrape *v, size_t nr)
{
	for (size_t a = 0; a < sizeof(adapters) / sizeof(adapters[0]); a++)
		for (size_t i = 0; i < nr; i++)
			for (size_t k = 0; k < v[i].samples->nr; k++)
				if (!strncmp(v[i].samples->items[k].items[0].s, adapters[a].prefix,
					     strlen(adapters[a].prefix)))
					return &adapters[a];
	return NULL;
}

static void reduce(struct server_metrics *out, const struct scrape *v, size_t nr)
{
	const struct adapter *a = detect(v, nr);
	out->adapter = a ? a->name : "none";
	if (!a || !nr)
		return;
	const struct scrape *first = &v[0], *last = &v[nr - 1];
	/* gauges over the scrapes taken during the load, or all when there were none */
	size_t during_from = nr, during_nr = 0;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(v[i].phase, "during")) {
			if (during_from == nr)
				during_from = i;
			during_nr = i - during_from + 1;
		}
	const struct scrape *g = during_nr ? &v[during_from] : v;
	size_t gnr = during_nr ? during_nr : nr;
	struct maybe *f = out->fig;
	const char *running[2] = { a->running, NULL }, *waiting[2] = { a->waiting, NULL };
	gauge(&f[SM_KV_USAGE_MEAN], &f[SM_KV_USAGE_MAX], g, gnr, a->kv, true);
	gauge(&f[SM_RUNNING_MEAN], &f[SM_RUNNING_MAX], g, gnr, running, false);
	gauge(&f[SM_WAITING_MEAN], &f[SM_WAITING_MAX], g, gnr, waiting, false);
	f[SM_PREFIX_HIT_RATE] = ratio(delta(first, last, a->hits), delta(first, last, a->queries));
	f[SM_PREEMPTIONS] = delta(first, last, a->preemptions);
	f[SM_PROMPT_TOKENS] = delta(first, last, a->prompt);
	f[SM_GENERATION_TOKENS] = delta(first, last, a->generation);
	struct maybe secs = { nr > 1, last->unix_s - first->unix_s };
	f[SM_GENERATION_THROUGHPUT] = ratio(f[SM_GENERATION_TOKENS], secs);
}

int server_metrics_reduce(struct server_metrics *out, const char *text, size_t len,
			  const char *name, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	out->adapter = "none";
	struct jnode *root = jtree_parse(text, len, name, d);
	if (!root)
		return -1;
	int rc = 0;
	const struct jnode *list = root->type == JT_OBJ ? jobj_get(root, "scrapes") : NULL;
	const char *format = root->type == JT_OBJ ? jobj_str(root, "format") : NULL;
	if (!format || strcmp(format, "inferencex-server-metrics-1")) {
		rc = bad(d, name, root->type == JT_OBJ ? jobj_get(root, "format") : root, "format",
			 "\"inferencex-server-metrics-1\"");
		goto done;
	}
	if (!list || list->type != JT_ARR) {
		rc = bad(d, name, list, "scrapes", "an array");
		goto done;
	}
	struct scrape *v = calloc(list->nr + 1, sizeof(*v));
	size_t nr = 0;
	for (size_t i = 0; i < list->nr && !rc; i++) {
		const struct jnode *s = &list->items[i];
		char path[48];
		snprintf(path, sizeof(path), "scrapes[%zu]", i);
		const struct jnode *t = s->type == JT_OBJ ? jobj_get(s, "unix") : NULL;
		const char *phase = s->type == JT_OBJ ? jobj_str(s, "phase") : NULL;
		if (s->type != JT_OBJ || !phase || !t || t->type != JT_NUM) {
			rc = bad(d, name, s, path, "an object with phase (string) and unix (number)");
			break;
		}
		const struct jnode *samples = jobj_get(s, "samples");
		if (check_samples(samples, name, i, d)) {
			rc = -1;
			break;
		}
		if (jobj_get(s, "error"))
			continue; /* a failed scrape: recorded, not counted */
		v[nr++] = (struct scrape){ phase, t->num, samples };
	}
	if (!rc) {
		out->scrapes = (long)nr;
		reduce(out, v, nr);
	}
	free(v);
done:
	jtree_free(root);
	return rc;
}
