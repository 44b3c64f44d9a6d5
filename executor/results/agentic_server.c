/* agentic_server: see agentic_server.h. The backends are a table of {name, matches,
 * populate, capacity}, tried in upstream's order; each populate is a port of its Python
 * class, so the names read and the fallbacks between them are upstream's. */
#include "executor/results/agentic_server.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jtree.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/agentic_stats.h"
#include "executor/results/pyval.h"
#include "executor/results/server_metrics.h"

/* ---- reading values the way the Python reads them ---- */

/* to_float(value): float() of a number, a bool or a numeric string; None otherwise. */
struct optd agentic_to_float(const struct jnode *n)
{
	double x;
	if (!n)
		return OPTD_NONE;
	switch (n->type) {
	case JT_NUM:
		return OPTD(n->num);
	case JT_BOOL:
		return OPTD(n->b ? 1 : 0);
	case JT_STR:
		return pynum_float(&x, n->s) ? OPTD(x) : OPTD_NONE;
	default:
		return OPTD_NONE;
	}
}

/* str(value) of a JSON scalar as Python prints it; containers as their JSON text. */
static char *py_str(const struct jnode *n)
{
	struct buf b = BUF_INIT;
	char tmp[40];
	switch (n->type) {
	case JT_STR:
		buf_add(&b, n->s, n->len);
		break;
	case JT_BOOL:
		buf_adds(&b, n->b ? "True" : "False");
		break;
	case JT_NUM:
		if (n->is_int) {
			buf_adds(&b, strcmp(n->s, "-0") ? n->s : "0");
		} else {
			fmt_double_py(tmp, n->num);
			if (!strcmp(tmp, "NaN"))
				strcpy(tmp, "nan");
			else if (!strcmp(tmp, "Infinity"))
				strcpy(tmp, "inf");
			else if (!strcmp(tmp, "-Infinity"))
				strcpy(tmp, "-inf");
			buf_adds(&b, tmp);
		}
		break;
	default: {
		struct jsonw w;
		jsonw_init(&w, &b, JSONW_LINE);
		jtree_write(&w, n);
		break;
	}
	}
	return buf_take(&b, NULL);
}

/* ---- the index ---- */

static struct am_metric *metric_add(struct agentic_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	VEC_GROW(m->v, m->nr + 1, m->alloc);
	struct am_metric *x = &m->v[m->nr++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	return x;
}

static const struct am_metric *metric_find(const struct agentic_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

static struct am_series *series_add(struct am_metric *x)
{
	VEC_GROW(x->v, x->nr + 1, x->alloc);
	struct am_series *s = &x->v[x->nr++];
	memset(s, 0, sizeof(*s));
	return s;
}

static void series_label(struct am_series *s, const char *key, char *val, bool truthy)
{
	VEC_GROW(s->labels, s->labels_nr + 1, s->labels_alloc);
	s->labels[s->labels_nr].key = xstrdup(key);
	s->labels[s->labels_nr].val = val;
	s->labels[s->labels_nr++].truthy = truthy;
}

static void series_from_aiperf(struct am_series *s, const struct jnode *n)
{
	const struct jnode *labels = jobj_get(n, "labels");
	if (labels && labels->type == JT_OBJ) {
		s->labels_is_dict = true;
		for (size_t i = 0; i < labels->nr; i++) {
			if (!jobj_first_of_key(labels, i))
				continue;
			const struct jnode *v = jobj_get(labels, labels->members[i].key);
			if (v->type != JT_NULL)
				series_label(s, labels->members[i].key, py_str(v), pyval_truthy(v));
		}
	}
	const struct jnode *url = jobj_get(n, "endpoint_url");
	if (url && pyval_truthy(url))
		s->endpoint_url = py_str(url);
	const struct jnode *stats = jobj_get(n, "stats");
	if (stats && stats->type == JT_OBJ) {
		s->total = agentic_to_float(jobj_get(stats, "total"));
		s->sum = agentic_to_float(jobj_get(stats, "sum"));
		s->max = agentic_to_float(jobj_get(stats, "max"));
		s->avg = agentic_to_float(jobj_get(stats, "avg"));
	}
}

void agentic_metrics_from_aiperf(struct agentic_metrics *m, const struct jnode *root)
{
	const struct jnode *metrics = root && root->type == JT_OBJ ? jobj_get(root, "metrics")
								    : NULL;
	if (!metrics || metrics->type != JT_OBJ)
		return;
	for (size_t i = 0; i < metrics->nr; i++) {
		if (!jobj_first_of_key(metrics, i))
			continue;
		const char *name = metrics->members[i].key;
		const struct jnode *entry = jobj_get(metrics, name);
		m->count++;
		if (entry->type != JT_OBJ)
			continue;
		struct am_metric *x = metric_add(m, name);
		const struct jnode *series = jobj_get(entry, "series");
		if (!series || series->type != JT_ARR)
			continue;
		for (size_t k = 0; k < series->nr; k++)
			if (series->items[k].type == JT_OBJ)
				series_from_aiperf(series_add(x), &series->items[k]);
	}
}

void agentic_metrics_release(struct agentic_metrics *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		struct am_metric *x = &m->v[i];
		for (size_t k = 0; k < x->nr; k++) {
			struct am_series *s = &x->v[k];
			for (size_t l = 0; l < s->labels_nr; l++) {
				free(s->labels[l].key);
				free(s->labels[l].val);
			}
			free(s->labels);
			free(s->endpoint_url);
		}
		free(x->v);
		free(x->name);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* ---- our scrape file -> the index ---- */

/* One series of our scrapes while they are read: its key (name + labels as JSON text),
 * and what the reduction needs. */
struct scrape_series {
	char *key;                     /* owned */
	const struct jnode *labels;    /* borrowed from the tree */
	const char *name;              /* borrowed */
	bool counter;
	bool has_first;
	double first, last;            /* counters: first and last good scrape's value */
	double max, sum;               /* gauges over the chosen scrapes */
	size_t n;
};

static bool ends_with_s(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int scrape_bad(struct diags *d, const char *name, const struct jnode *n,
		      const char *what)
{
	return diags_errorf(d, name, n ? n->line : 0, n ? n->col : 0, NULL,
			    "not a server metrics file: expected %s", what);
}

/* Whether scrape s is good (status 200 and samples) and which phase it is in. */
static bool scrape_good(const struct jnode *s, bool *during)
{
	const struct jnode *status = jobj_get(s, "status");
	const struct jnode *samples = jobj_get(s, "samples");
	const char *phase = jobj_str(s, "phase");
	*during = phase && !strcmp(phase, "during");
	return status && status->type == JT_NUM && status->num == 200 && !jobj_get(s, "error") &&
	       samples && samples->type == JT_ARR;
}

static int scrape_check(const struct jnode *root, const char *name, struct diags *d)
{
	if (!root || root->type != JT_OBJ)
		return scrape_bad(d, name, root, "a JSON object");
	const char *fmt = jobj_str(root, "format");
	if (!fmt || strcmp(fmt, "inferencex-server-metrics-1"))
		return scrape_bad(d, name, jobj_get(root, "format"),
				  "\"format\": \"inferencex-server-metrics-1\"");
	const struct jnode *scrapes = jobj_get(root, "scrapes");
	if (!scrapes || scrapes->type != JT_ARR)
		return scrape_bad(d, name, scrapes, "\"scrapes\": a list");
	for (size_t i = 0; i < scrapes->nr; i++) {
		const struct jnode *s = &scrapes->items[i];
		bool during;
		if (s->type != JT_OBJ)
			return scrape_bad(d, name, s, "each scrape an object");
		if (!scrape_good(s, &during))
			continue;
		const struct jnode *samples = jobj_get(s, "samples");
		for (size_t k = 0; k < samples->nr; k++) {
			const struct jnode *x = &samples->items[k];
			double v;
			if (x->type != JT_ARR || x->nr != 3 || x->items[0].type != JT_STR ||
			    x->items[1].type != JT_OBJ || server_metrics_sample_value(&v, &x->items[2]))
				return scrape_bad(d, name, x, "each sample [name, {labels}, value]");
		}
	}
	return 0;
}

static bool skipped_sample(const char *name)
{
	return ends_with_s(name, "_bucket") || ends_with_s(name, "_sum") ||
	       ends_with_s(name, "_count") || ends_with_s(name, "_created");
}

static struct scrape_series *scrape_series_find(struct scrape_series **v, size_t *nr,
						size_t *alloc, const struct jnode *sample)
{
	struct buf key = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &key, JSONW_COMPACT);
	jtree_write_sorted(&w, &sample->items[1]);
	buf_addch(&key, '\n');
	buf_adds(&key, sample->items[0].s);
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*v)[i].key, key.s)) {
			buf_release(&key);
			return &(*v)[i];
		}
	VEC_GROW(*v, *nr + 1, *alloc);
	struct scrape_series *s = &(*v)[(*nr)++];
	memset(s, 0, sizeof(*s));
	s->key = buf_take(&key, NULL);
	s->labels = &sample->items[1];
	s->name = sample->items[0].s;
	s->counter = ends_with_s(s->name, "_total");
	return s;
}

/* One pass over the good scrapes: counters take every good scrape, gauges the chosen ones
 * (during the load, or all when none was). */
static void scrape_reduce(struct scrape_series **v, size_t *nr, size_t *alloc,
			  const struct jnode *scrapes, bool any_during)
{
	for (size_t i = 0; i < scrapes->nr; i++) {
		bool during;
		const struct jnode *s = &scrapes->items[i];
		if (!scrape_good(s, &during))
			continue;
		const struct jnode *samples = jobj_get(s, "samples");
		for (size_t k = 0; k < samples->nr; k++) {
			const struct jnode *x = &samples->items[k];
			if (skipped_sample(x->items[0].s))
				continue;
			double val;
			if (server_metrics_sample_value(&val, &x->items[2]))
				continue; /* cannot happen: the file was checked when read */
			struct scrape_series *ss = scrape_series_find(v, nr, alloc, x);
			if (ss->counter) {
				if (!ss->has_first)
					ss->first = val;
				ss->has_first = true;
				ss->last = val;
			} else if (during || !any_during) {
				ss->max = ss->n && ss->max >= val ? ss->max : val;
				ss->sum += val;
				ss->n++;
			}
		}
	}
}

int agentic_metrics_from_scrapes(struct agentic_metrics *m, const struct jnode *root,
				 const char *name, struct diags *d)
{
	if (scrape_check(root, name, d))
		return -1;
	const struct jnode *scrapes = jobj_get(root, "scrapes");
	const char *url = jobj_str(root, "url");
	bool any_during = false;
	for (size_t i = 0; i < scrapes->nr; i++) {
		bool during;
		if (scrape_good(&scrapes->items[i], &during) && during)
			any_during = true;
	}
	struct scrape_series *v = NULL;
	size_t nr = 0, alloc = 0;
	scrape_reduce(&v, &nr, &alloc, scrapes, any_during);
	for (size_t i = 0; i < nr; i++) {
		struct scrape_series *ss = &v[i];
		if (!ss->counter && !ss->n) {
			free(ss->key);
			continue;
		}
		char *family = xstrdup(ss->name);
		if (ss->counter)
			family[strlen(family) - strlen("_total")] = '\0';
		if (!metric_find(m, family))
			m->count++;
		struct am_series *s = series_add(metric_add(m, family));
		free(family);
		s->labels_is_dict = true;
		for (size_t l = 0; l < ss->labels->nr; l++)
			if (jobj_first_of_key(ss->labels, l)) {
				const struct jnode *lv = jobj_get(ss->labels, ss->labels->members[l].key);
				series_label(s, ss->labels->members[l].key, py_str(lv), pyval_truthy(lv));
			}
		if (url && *url)
			s->endpoint_url = xstrdup(url);
		if (ss->counter && ss->last >= ss->first)
			s->total = OPTD(ss->last - ss->first);
		if (!ss->counter) {
			s->max = OPTD(ss->max);
			s->avg = OPTD(ss->sum / (double)ss->n);
		}
		free(ss->key);
	}
	free(v);
	return 0;
}

/* ---- aggregation_common ---- */

/* preferred keys: a string of T(otal) S(um) M(ax) A(vg), in order */
static struct optd series_stat(const struct am_series *s, const char *pref)
{
	for (; *pref; pref++) {
		const struct optd *v = *pref == 'T' ? &s->total : *pref == 'S' ? &s->sum :
				       *pref == 'M' ? &s->max : &s->avg;
		if (v->ok)
			return *v;
	}
	return OPTD_NONE;
}

typedef bool (*series_filter_fn)(const struct am_series *s, const void *data);

static const char *label_value(const struct am_series *s, const char *key)
{
	for (size_t i = 0; i < s->labels_nr; i++)
		if (!strcmp(s->labels[i].key, key))
			return s->labels[i].val;
	return NULL;
}

/* names: NULL-terminated */
static struct optd sum_stat_f(const struct agentic_metrics *m, const char *const *names,
			      const char *pref, series_filter_fn filter, const void *data)
{
	double total = 0;
	bool found = false;
	for (; *names; names++) {
		const struct am_metric *x = metric_find(m, *names);
		for (size_t i = 0; x && i < x->nr; i++) {
			if (filter && !filter(&x->v[i], data))
				continue;
			struct optd v = series_stat(&x->v[i], pref);
			if (v.ok) {
				total += v.v;
				found = true;
			}
		}
	}
	return found ? OPTD(total) : OPTD_NONE;
}

/* label_equals(key, value): data is {key, value} */
static bool label_is(const struct am_series *s, const void *data)
{
	const char *const *kv = data;
	const char *v = label_value(s, kv[0]);
	return v && !strcmp(v, kv[1]);
}

static struct optd sum_stat(const struct agentic_metrics *m, const char *name)
{
	const char *names[] = { name, NULL };
	return sum_stat_f(m, names, "TSMA", NULL, NULL);
}

static struct optd sum_stat_names(const struct agentic_metrics *m, const char *const *names)
{
	return sum_stat_f(m, names, "TSMA", NULL, NULL);
}

enum combine { COMBINE_MAX, COMBINE_AVG };

static struct optd gauge_stat_f(const struct agentic_metrics *m, const char *const *names,
				const char *pref, enum combine how, series_filter_fn filter,
				const void *data)
{
	struct agentic_floats vals = { 0 };
	for (; *names; names++) {
		const struct am_metric *x = metric_find(m, *names);
		for (size_t i = 0; x && i < x->nr; i++) {
			if (filter && !filter(&x->v[i], data))
				continue;
			struct optd v = series_stat(&x->v[i], pref);
			if (v.ok)
				agentic_floats_push(&vals, v.v);
		}
	}
	struct optd out = OPTD_NONE;
	if (vals.nr && how == COMBINE_AVG) {
		out = OPTD(agentic_mean(vals.v, vals.nr));
	} else if (vals.nr) {
		double mx = vals.v[0];
		for (size_t i = 1; i < vals.nr; i++)
			if (vals.v[i] > mx)
				mx = vals.v[i];
		out = OPTD(mx);
	}
	free(vals.v);
	return out;
}

static struct optd gauge(const struct agentic_metrics *m, const char *name, const char *pref,
			 enum combine how)
{
	const char *names[] = { name, NULL };
	return gauge_stat_f(m, names, pref, how, NULL, NULL);
}

static struct optd rate(struct optd num, struct optd den)
{
	if (!num.ok || !den.ok || den.v <= 0)
		return OPTD_NONE;
	return OPTD(num.v / den.v);
}

static struct optd normalize_fraction(struct optd v)
{
	if (v.ok && v.v > 1.5)
		v.v /= 100.0;
	return v;
}

/* sum_by_label: a dict of floats in first-seen order */
static struct pyobj *sum_by_label(const struct agentic_metrics *m, const char *name,
				  const char *label_key)
{
	struct pyobj *out = pyobj_dict();
	const struct am_metric *x = metric_find(m, name);
	for (size_t i = 0; x && i < x->nr; i++) {
		const struct am_series *s = &x->v[i];
		if (!s->labels_is_dict)
			continue;
		const char *label = label_value(s, label_key);
		if (!label)
			continue;
		struct optd v = series_stat(s, "TSMA");
		if (!v.ok)
			continue;
		struct pyobj *cur = pyobj_get(out, label);
		if (cur)
			cur->x += v.v;
		else
			pyobj_set(out, label, pyobj_float(0.0 + v.v));
	}
	return out;
}

static struct optd dict_get_f(const struct pyobj *d, const char *key)
{
	const struct pyobj *v = pyobj_get(d, key);
	return v ? OPTD(v->x) : OPTD_NONE;
}

static struct optd dict_sum(const struct pyobj *d)
{
	if (!d->nr)
		return OPTD_NONE;
	double s = 0;
	for (size_t i = 0; i < d->nr; i++)
		s += d->v[i].val->x;
	return OPTD(s);
}

/* ---- the flat fields and the nested object ---- */

struct optll {
	bool ok;
	long long v;
};

struct server_flat {
	struct optd gpu_hit, cpu_hit, external_hit, overall_hit, gpu_usage, cpu_usage;
	struct optd off_bytes_g2c, off_bytes_c2g, off_time_g2c, off_time_c2g, off_bw_g2c,
		off_bw_c2g;
	struct optll prompt_tokens, generation_tokens;
	long long requests_completed;
};

static struct optll counter_int(struct optd v)
{
	if (!v.ok || !isfinite(v.v))
		return (struct optll){ false, 0 };
	return (struct optll){ true, (long long)nearbyint(v.v) };
}

static struct pyobj *pyobj_optll(struct optll v)
{
	return v.ok ? pyobj_int(v.v) : pyobj_none();
}

static struct pyobj *sub(struct pyobj *nested, const char *key)
{
	return pyobj_get(nested, key);
}

static void set_nones(struct pyobj *d, const char *const *keys)
{
	for (; *keys; keys++)
		pyobj_set(d, *keys, pyobj_none());
}

static struct pyobj *empty_server_metrics(bool present, size_t count)
{
	static const char *const cache_keys[] = {
		"gpu_cache_hit_rate", "cpu_cache_hit_rate", "external_cache_hit_rate",
		"overall_cache_hit_rate", "prefix_cache_hits", "prefix_cache_queries",
		"external_prefix_cache_hits", "external_prefix_cache_queries", NULL };
	static const char *const cache_tail[] = {
		"frontend_cache_hit_rate", "router_kv_hit_rate", "router_shared_cache_hit_rate",
		"frontend_cached_tokens", "frontend_input_tokens", NULL };
	static const char *const kv_keys[] = { "gpu_usage_pct", "gpu_total_tokens",
		"cpu_usage_pct", "cpu_used_tokens", "cpu_total_tokens", NULL };
	static const char *const off_keys[] = { "bytes_gpu_to_cpu", "bytes_cpu_to_gpu",
		"time_gpu_to_cpu", "time_cpu_to_gpu", "bandwidth_gpu_to_cpu_bytes_per_second",
		"bandwidth_cpu_to_gpu_bytes_per_second", NULL };
	static const char *const tok_keys[] = { "prompt_total", "generation_total",
		"requests_completed", NULL };
	static const char *const src_keys[] = { "gpu_cache_hit", "cpu_or_external_cache_hit",
		"computed", NULL };
	struct pyobj *n = pyobj_dict();
	pyobj_set(n, "present", pyobj_bool(present));
	pyobj_set(n, "adapter", pyobj_str("none"));
	pyobj_set(n, "metric_count", pyobj_int((long long)count));
	struct pyobj *cache = pyobj_set(n, "cache", pyobj_dict());
	set_nones(cache, cache_keys);
	pyobj_set(cache, "cached_tokens_by_source", pyobj_dict());
	set_nones(cache, cache_tail);
	set_nones(pyobj_set(n, "kv_cache", pyobj_dict()), kv_keys);
	set_nones(pyobj_set(n, "kv_offload", pyobj_dict()), off_keys);
	struct pyobj *tokens = pyobj_set(n, "tokens", pyobj_dict());
	set_nones(tokens, tok_keys);
	struct pyobj *src = pyobj_set(tokens, "prompt_by_source", pyobj_dict());
	set_nones(src, src_keys);
	pyobj_set(src, "raw", pyobj_dict());
	pyobj_set(n, "sources", pyobj_list());
	return n;
}

static void set_f(struct pyobj *d, const char *key, struct optd v)
{
	pyobj_set(d, key, pyobj_optf(v));
}

/* The four hit rates into nested.cache, as every backend writes them. */
static void cache_rates(struct pyobj *cache, const struct server_flat *f)
{
	set_f(cache, "gpu_cache_hit_rate", f->gpu_hit);
	set_f(cache, "cpu_cache_hit_rate", f->cpu_hit);
	set_f(cache, "external_cache_hit_rate", f->external_hit);
	set_f(cache, "overall_cache_hit_rate", f->overall_hit);
}

static void token_totals(struct pyobj *nested, const struct server_flat *f)
{
	struct pyobj *tokens = sub(nested, "tokens");
	pyobj_set(tokens, "prompt_total", pyobj_optll(f->prompt_tokens));
	pyobj_set(tokens, "generation_total", pyobj_optll(f->generation_tokens));
}

/* ---- vLLM ---- */

static const char *const vllm_kv_usage[] = { "vllm:kv_cache_usage_perc",
	"vllm:gpu_cache_usage_perc", NULL };

static void vllm_totals(const struct agentic_metrics *m, struct optd *prompt, struct optd *gen,
			bool dynamo)
{
	if (!dynamo) {
		*prompt = sum_stat(m, "vllm:prompt_tokens");
		*gen = sum_stat(m, "vllm:generation_tokens");
		return;
	}
	/* first_counter_total: the first name that has a value */
	*prompt = sum_stat(m, "dynamo_frontend_input_sequence_tokens");
	if (!prompt->ok)
		*prompt = sum_stat(m, "vllm:prompt_tokens");
	*gen = sum_stat(m, "dynamo_frontend_output_tokens");
	if (!gen->ok)
		*gen = sum_stat(m, "vllm:generation_tokens");
}

static void vllm_prompt_by_source(const struct agentic_metrics *m, struct server_flat *f,
				  struct pyobj *nested)
{
	struct pyobj *by_source = sum_by_label(m, "vllm:prompt_tokens_by_source", "source");
	struct optd local = dict_get_f(by_source, "local_cache_hit");
	struct optd external = dict_get_f(by_source, "external_kv_transfer");
	struct optd compute = dict_get_f(by_source, "local_compute");
	double total = dict_sum(by_source).v;
	if (total > 0) {
		if (local.ok)
			f->gpu_hit = OPTD(local.v / total);
		if (external.ok) {
			f->cpu_hit = OPTD(external.v / total);
			f->external_hit = OPTD(external.v / total);
		}
		f->overall_hit = OPTD(((local.ok ? local.v : 0.0) + (external.ok ? external.v : 0.0))
				      / total);
	}
	struct pyobj *src = pyobj_dict();
	set_f(src, "gpu_cache_hit", local);
	set_f(src, "cpu_or_external_cache_hit", external);
	set_f(src, "computed", compute);
	pyobj_set(src, "raw", by_source);
	pyobj_set(sub(nested, "tokens"), "prompt_by_source", src);
}

static char *source_id(const struct am_series *s)
{
	const char *component = "";
	for (size_t i = 0; i < s->labels_nr; i++)
		if (!strcmp(s->labels[i].key, "dynamo_component") && s->labels[i].truthy)
			component = s->labels[i].val;
	if (!*component)
		for (size_t i = 0; i < s->labels_nr; i++)
			if (!strcmp(s->labels[i].key, "component") && s->labels[i].truthy)
				component = s->labels[i].val;
	const char *role = !strcmp(component, "prefill") ? "prefill" :
			   !strcmp(component, "backend") || !strcmp(component, "decode") ? "decode" :
			   !strcmp(component, "frontend") || !strcmp(component, "router") ? "router" :
			   "combined";
	struct buf b = BUF_INIT;
	buf_adds(&b, role);
	if (s->endpoint_url)
		buf_addf(&b, "|%s", s->endpoint_url);
	static const char *const keys[] = { "worker_id", "dp_rank", "engine" };
	for (size_t k = 0; k < 3; k++) {
		const char *v = label_value(s, keys[k]);
		if (v)
			buf_addf(&b, "|%s=%s", keys[k], v);
	}
	return buf_take(&b, NULL);
}

static bool source_is(const struct am_series *s, const void *data)
{
	char *id = source_id(s);
	bool same = !strcmp(id, data);
	free(id);
	return same;
}

static struct pyobj *vllm_sources(const struct agentic_metrics *m)
{
	static const char *const names[] = { "vllm:prompt_tokens", "vllm:generation_tokens",
		"vllm:prefix_cache_hits", "vllm:prefix_cache_queries", "vllm:kv_cache_usage_perc",
		"vllm:prompt_tokens_by_source" };
	struct strvec ids = { 0 };
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const struct am_metric *x = metric_find(m, names[n]);
		for (size_t i = 0; x && i < x->nr; i++) {
			char *id = source_id(&x->v[i]);
			bool seen = false;
			for (size_t k = 0; k < ids.nr && !seen; k++)
				seen = !strcmp(ids.v[k], id);
			if (seen)
				free(id);
			else
				VEC_PUSH(&ids, id);
		}
	}
	if (ids.nr)
		strvec_sort(&ids);
	struct pyobj *out = pyobj_list();
	for (size_t k = 0; k < ids.nr; k++) {
		const char *id = ids.v[k];
		const char *one[2] = { NULL, NULL };
		struct optd v[4];
		static const char *const counters[] = { "vllm:prompt_tokens",
			"vllm:generation_tokens", "vllm:prefix_cache_hits",
			"vllm:prefix_cache_queries" };
		for (size_t c = 0; c < 4; c++) {
			one[0] = counters[c];
			v[c] = sum_stat_f(m, one, "TSMA", source_is, id);
		}
		struct optd usage = normalize_fraction(
			gauge_stat_f(m, vllm_kv_usage, "MAT", COMBINE_MAX, source_is, id));
		struct pyobj *s = pyobj_dict();
		pyobj_set(s, "id", pyobj_str(id));
		char *role = xstrdup(id);
		char *bar = strchr(role, '|');
		if (bar)
			*bar = '\0';
		pyobj_set(s, "role", pyobj_str(role));
		free(role);
		set_f(s, "prompt_tokens", v[0]);
		set_f(s, "generation_tokens", v[1]);
		set_f(s, "prefix_cache_hit_rate", rate(v[2], v[3]));
		set_f(s, "gpu_kv_cache_usage_pct", usage);
		pyobj_append(out, s);
	}
	for (size_t k = 0; k < ids.nr; k++)
		free((char *)ids.v[k]);
	free(ids.v);
	return out;
}

static void vllm_populate_as(const struct agentic_metrics *m, struct server_flat *f,
			     struct pyobj *nested, bool dynamo)
{
	struct optd prompt, gen;
	vllm_totals(m, &prompt, &gen, dynamo);
	f->prompt_tokens = counter_int(prompt);
	f->generation_tokens = counter_int(gen);
	struct optd hits = sum_stat(m, "vllm:prefix_cache_hits");
	struct optd queries = sum_stat(m, "vllm:prefix_cache_queries");
	struct optd gpu_rate = rate(hits, queries);
	f->gpu_hit = gpu_rate;
	struct optd ext_hits = sum_stat(m, "vllm:external_prefix_cache_hits");
	struct optd ext_queries = sum_stat(m, "vllm:external_prefix_cache_queries");
	f->external_hit = f->cpu_hit = rate(ext_hits, ext_queries);
	struct pyobj *probe = sum_by_label(m, "vllm:prompt_tokens_by_source", "source");
	bool have_sources = probe->nr > 0;
	pyobj_free(probe);
	if (have_sources)
		vllm_prompt_by_source(m, f, nested);
	else if (gpu_rate.ok)
		f->overall_hit = gpu_rate;
	f->gpu_usage = normalize_fraction(gauge_stat_f(m, vllm_kv_usage, "MAT", COMBINE_MAX,
						       NULL, NULL));
	f->cpu_usage = normalize_fraction(gauge(m, "vllm:cpu_kv_cache_usage_perc", "MAT",
						COMBINE_MAX));
	f->off_bytes_g2c = sum_stat(m, "vllm:kv_offload_bytes_gpu_to_cpu");
	f->off_bytes_c2g = sum_stat(m, "vllm:kv_offload_bytes_cpu_to_gpu");
	f->off_time_g2c = sum_stat(m, "vllm:kv_offload_time_gpu_to_cpu");
	f->off_time_c2g = sum_stat(m, "vllm:kv_offload_time_cpu_to_gpu");
	f->off_bw_g2c = rate(f->off_bytes_g2c, f->off_time_g2c);
	f->off_bw_c2g = rate(f->off_bytes_c2g, f->off_time_c2g);

	struct pyobj *cache = sub(nested, "cache");
	cache_rates(cache, f);
	set_f(cache, "prefix_cache_hits", hits);
	set_f(cache, "prefix_cache_queries", queries);
	set_f(cache, "external_prefix_cache_hits", ext_hits);
	set_f(cache, "external_prefix_cache_queries", ext_queries);
	struct pyobj *kv = sub(nested, "kv_cache");
	set_f(kv, "gpu_usage_pct", f->gpu_usage);
	set_f(kv, "cpu_usage_pct", f->cpu_usage);
	struct pyobj *off = sub(nested, "kv_offload");
	set_f(off, "bytes_gpu_to_cpu", f->off_bytes_g2c);
	set_f(off, "bytes_cpu_to_gpu", f->off_bytes_c2g);
	set_f(off, "time_gpu_to_cpu", f->off_time_g2c);
	set_f(off, "time_cpu_to_gpu", f->off_time_c2g);
	set_f(off, "bandwidth_gpu_to_cpu_bytes_per_second", f->off_bw_g2c);
	set_f(off, "bandwidth_cpu_to_gpu_bytes_per_second", f->off_bw_c2g);
	token_totals(nested, f);
	pyobj_set(nested, "sources", vllm_sources(m));
}

static void vllm_populate(const struct agentic_metrics *m, struct server_flat *f,
			  struct pyobj *nested)
{
	vllm_populate_as(m, f, nested, false);
}

static void dynamo_populate(const struct agentic_metrics *m, struct server_flat *f,
			    struct pyobj *nested)
{
	vllm_populate_as(m, f, nested, true);
	struct optd usage = normalize_fraction(
		gauge(m, "dynamo_component_gpu_cache_usage_percent", "MAT", COMBINE_MAX));
	if (!f->gpu_usage.ok) {
		f->gpu_usage = usage;
		set_f(sub(nested, "kv_cache"), "gpu_usage_pct", usage);
	}
	struct optd cached = sum_stat(m, "dynamo_frontend_cached_tokens");
	struct optd input = sum_stat(m, "dynamo_frontend_input_sequence_tokens");
	struct optd frontend = rate(cached, input);
	struct optd router_kv = normalize_fraction(
		gauge(m, "dynamo_component_router_kv_hit_rate", "AMT", COMBINE_AVG));
	struct optd router_shared = normalize_fraction(
		gauge(m, "dynamo_component_router_shared_cache_hit_rate", "AMT", COMBINE_AVG));
	if (!f->overall_hit.ok) /* `frontend or router_shared`: 0.0 is falsy */
		f->overall_hit = frontend.ok && frontend.v != 0 ? frontend : router_shared;
	struct pyobj *cache = sub(nested, "cache");
	set_f(cache, "frontend_cache_hit_rate", frontend);
	set_f(cache, "router_kv_hit_rate", router_kv);
	set_f(cache, "router_shared_cache_hit_rate", router_shared);
	set_f(cache, "frontend_cached_tokens", cached);
	set_f(cache, "frontend_input_tokens", input);
}

/* ---- SGLang ---- */

static void sglang_populate(const struct agentic_metrics *m, struct server_flat *f,
			    struct pyobj *nested)
{
	struct optd prompt = sum_stat(m, "sglang:prompt_tokens");
	struct optd gen = sum_stat(m, "sglang:generation_tokens");
	f->prompt_tokens = counter_int(prompt);
	f->generation_tokens = counter_int(gen);
	struct pyobj *by_source = sum_by_label(m, "sglang:cached_tokens", "cache_source");
	struct optd device = dict_get_f(by_source, "device");
	struct optd host = dict_get_f(by_source, "host");
	struct optd total_cached = dict_sum(by_source);
	f->gpu_hit = rate(device, prompt);
	f->cpu_hit = rate(host, prompt);
	f->external_hit = f->cpu_hit;
	f->overall_hit = rate(total_cached, prompt);
	if (!f->overall_hit.ok)
		f->overall_hit = normalize_fraction(gauge(m, "sglang:cache_hit_rate", "AMT",
							  COMBINE_AVG));
	f->gpu_usage = normalize_fraction(gauge(m, "sglang:token_usage", "MAT", COMBINE_MAX));
	const char *max_total[] = { "sglang:max_total_num_tokens", NULL };
	struct optd max_tokens = sum_stat_f(m, max_total, "MATS", NULL, NULL);
	struct optd host_used = gauge(m, "sglang:hicache_host_used_tokens", "MAT", COMBINE_MAX);
	struct optd host_total = gauge(m, "sglang:hicache_host_total_tokens", "MAT", COMBINE_MAX);
	f->cpu_usage = rate(host_used, host_total);
	const char *rt[] = { "sglang:realtime_tokens", NULL };
	static const char *const prefill_compute[] = { "mode", "prefill_compute" };
	struct optd computed = sum_stat_f(m, rt, "TSMA", label_is, prefill_compute);

	struct pyobj *cache = sub(nested, "cache");
	cache_rates(cache, f);
	struct pyobj *raw = pyobj_dict();
	for (size_t i = 0; i < by_source->nr; i++)
		pyobj_set(raw, by_source->v[i].key, pyobj_float(by_source->v[i].val->x));
	pyobj_set(cache, "cached_tokens_by_source", by_source);
	struct pyobj *kv = sub(nested, "kv_cache");
	set_f(kv, "gpu_usage_pct", f->gpu_usage);
	pyobj_set(kv, "gpu_total_tokens", pyobj_optll(counter_int(max_tokens)));
	set_f(kv, "cpu_usage_pct", f->cpu_usage);
	set_f(kv, "cpu_used_tokens", host_used);
	set_f(kv, "cpu_total_tokens", host_total);
	token_totals(nested, f);
	struct pyobj *src = pyobj_dict();
	set_f(src, "gpu_cache_hit", device);
	set_f(src, "cpu_or_external_cache_hit", host);
	set_f(src, "computed", computed);
	pyobj_set(src, "raw", raw);
	pyobj_set(sub(nested, "tokens"), "prompt_by_source", src);
}

/* ---- ATOM ---- */

static void atom_populate(const struct agentic_metrics *m, struct server_flat *f,
			  struct pyobj *nested)
{
	/* direct worker names and Atomesh's, each raw and as aiperf's counter family */
#define ATOM_COUNTER(stem) { "atom:" stem, "atom_" stem, "atom:" stem "_total", \
			     "atom_" stem "_total", NULL }
	static const char *const prompt_n[] = ATOM_COUNTER("prompt_tokens");
	static const char *const gen_n[] = ATOM_COUNTER("generation_tokens");
	static const char *const cached_n[] = ATOM_COUNTER("prefix_cache_cached_tokens");
	static const char *const full_n[] = ATOM_COUNTER("prefix_cache_full_tokens");
	static const char *const ext_n[] = ATOM_COUNTER("lmcache_loaded_tokens");
	static const char *const usage_n[] = { "atom:kv_cache_usage_ratio",
		"atom_kv_cache_usage_ratio", NULL };
#undef ATOM_COUNTER
	f->prompt_tokens = counter_int(sum_stat_names(m, prompt_n));
	f->generation_tokens = counter_int(sum_stat_names(m, gen_n));
	struct optd cached = sum_stat_names(m, cached_n);
	struct optd full = sum_stat_names(m, full_n);
	struct optd hit = rate(cached, full);
	struct optd ext = sum_stat_names(m, ext_n);
	struct optd ext_rate = rate(ext, full);
	f->gpu_hit = hit;
	f->cpu_hit = f->external_hit = ext_rate;
	f->overall_hit = hit; /* the admitted count may already include an LMCache load */
	f->gpu_usage = normalize_fraction(gauge_stat_f(m, usage_n, "MAT", COMBINE_MAX, NULL,
						       NULL));
	struct pyobj *cache = sub(nested, "cache");
	cache_rates(cache, f);
	set_f(cache, "prefix_cache_hits", cached);
	set_f(cache, "prefix_cache_queries", full);
	set_f(cache, "external_prefix_cache_hits", ext);
	set_f(cache, "external_prefix_cache_queries", full);
	set_f(sub(nested, "kv_cache"), "gpu_usage_pct", f->gpu_usage);
	token_totals(nested, f);
}

/* ---- capacity from the server's logs ---- */

/* The next line of text (Python's str.splitlines on ASCII separators). */
static const char *next_line(const char *p, const char **end)
{
	const char *e = p;
	while (*e && !strchr("\n\r\v\f\x1c\x1d\x1e", *e))
		e++;
	*end = e;
	if (*e == '\r' && e[1] == '\n')
		return e + 2;
	return *e ? e + 1 : e;
}

struct tagged_total {
	struct strvec tags;
	long long *tokens;
	size_t alloc;
};

static void tagged_set(struct tagged_total *t, const char *tag, long long tokens)
{
	for (size_t i = 0; i < t->tags.nr; i++)
		if (!strcmp(t->tags.v[i], tag)) {
			t->tokens[i] = tokens;
			return;
		}
	VEC_GROW(t->tokens, t->tags.nr + 1, t->alloc);
	t->tokens[t->tags.nr] = tokens;
	VEC_PUSH(&t->tags, xstrdup(tag));
}

static long long tagged_sum(const struct tagged_total *t)
{
	long long s = 0;
	for (size_t i = 0; i < t->tags.nr; i++)
		s += t->tokens[i];
	return s;
}

static void tagged_release(struct tagged_total *t)
{
	for (size_t i = 0; i < t->tags.nr; i++)
		free((char *)t->tags.v[i]);
	free(t->tags.v);
	free(t->tokens);
}

static char *match_text(const char *s, const regmatch_t *m)
{
	return xstrndup(s + m->rm_so, (size_t)(m->rm_eo - m->rm_so));
}

/* One line's size and tag: 1 when the size regex matched a positive number. */
static int line_capacity(long long *tokens, char **tag, const char *line, const regex_t *size_re,
			 const regex_t *tag_re, bool commas)
{
	regmatch_t m[3];
	if (regexec(size_re, line, 2, m, 0))
		return 0;
	char *digits = match_text(line, &m[1]);
	size_t k = 0;
	for (size_t i = 0; digits[i]; i++)
		if (!commas || digits[i] != ',')
			digits[k++] = digits[i];
	digits[k] = '\0';
	bool ok = k > 0;
	*tokens = ok ? strtoll(digits, NULL, 10) : 0;
	free(digits);
	if (!ok || *tokens <= 0)
		return 0;
	*tag = !regexec(tag_re, line, 2, m, 0) ? match_text(line, &m[1]) : NULL;
	return 1;
}

struct log_parser {
	const char *marker, *size_re, *tag_re;
	bool commas, dp_size; /* vLLM: "1,234"; SGLang: dp_size multiplies a lone size */
};

static const struct log_parser vllm_log = {
	"GPU KV cache size", "GPU KV cache size:[[:space:]]*([0-9,]+)[[:space:]]*tokens",
	"\\((EngineCore(_DP[0-9]+)?)[[:space:]]+pid=[0-9]+\\)", true, false };
static const struct log_parser sglang_log = {
	"max_total_num_tokens", "\\bmax_total_num_tokens=([0-9]+)\\b",
	"\\b(DP[0-9]+[[:space:]]+TP[0-9]+[[:space:]]+EP[0-9]+)\\b", false, true };

static long long log_dp_size(const char *text)
{
	regex_t re;
	regmatch_t m[2];
	long long dp = 0;
	if (regcomp(&re, "\\bdp_size=([0-9]+)\\b", REG_EXTENDED))
		return 0;
	if (!regexec(&re, text, 2, m, 0)) {
		char *s = match_text(text, &m[1]);
		dp = strtoll(s, NULL, 10);
		free(s);
	}
	regfree(&re);
	return dp > 0 ? dp : 0;
}

/* kv_cache_pool_tokens_from_server_log of one log: *out, or 0 when it has none. */
static bool log_capacity(long long *out, const char *text, const struct log_parser *p)
{
	regex_t size_re, tag_re;
	if (regcomp(&size_re, p->size_re, REG_EXTENDED))
		return false;
	if (regcomp(&tag_re, p->tag_re, REG_EXTENDED)) {
		regfree(&size_re);
		return false;
	}
	struct tagged_total tagged = { 0 };
	long long bare = 0, bare_nr = 0;
	struct buf line = BUF_INIT;
	for (const char *s = text, *e; *s;) {
		const char *next = next_line(s, &e);
		buf_reset(&line);
		buf_add(&line, s, (size_t)(e - s));
		s = next;
		if (!strstr(line.s, p->marker))
			continue;
		long long tokens;
		char *tag = NULL;
		if (!line_capacity(&tokens, &tag, line.s, &size_re, &tag_re, p->commas))
			continue;
		if (tag)
			tagged_set(&tagged, tag, tokens);
		else {
			bare += tokens;
			bare_nr++;
		}
		free(tag);
	}
	long long dp = p->dp_size ? log_dp_size(text) : 0;
	bool found = true;
	if (tagged.tags.nr)
		*out = dp > 1 && tagged.tags.nr == 1 ? tagged.tokens[0] * dp : tagged_sum(&tagged);
	else if (bare_nr == 1 && dp > 1)
		*out = bare * dp;
	else if (bare_nr)
		*out = bare;
	else
		found = false;
	buf_release(&line);
	tagged_release(&tagged);
	regfree(&size_re);
	regfree(&tag_re);
	return found;
}

static struct optll logs_capacity(const struct agentic_logs *logs, const struct log_parser *p)
{
	struct optll total = { false, 0 };
	for (size_t i = 0; logs && i < logs->nr; i++) {
		long long v;
		if (logs->text[i] && *logs->text[i] && log_capacity(&v, logs->text[i], p)) {
			total.v += v;
			total.ok = true;
		}
	}
	return total;
}

/* ---- the backends, in upstream's detection order ---- */

static bool any_prefix(const struct agentic_metrics *m, const char *a, const char *b)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strncmp(m->v[i].name, a, strlen(a)) || (b && !strncmp(m->v[i].name, b,
									    strlen(b))))
			return true;
	return false;
}

static bool framework_is(const char *framework, const char *want)
{
	return !strcasecmp(framework, want);
}

struct backend {
	const char *name;
	const char *prefix, *prefix2; /* metric name prefixes that select it */
	const char *framework;       /* selects it when there are no metrics */
	bool framework_prefix;       /* dynamo: any framework starting with it, metrics or not */
	void (*populate)(const struct agentic_metrics *, struct server_flat *, struct pyobj *);
	const struct log_parser *log;
};

static const struct backend backends[] = {
	{ "dynamo-vllm", "dynamo_", NULL, "dynamo", true, dynamo_populate, &vllm_log },
	{ "atom", "atom:", "atom_", "atom", false, atom_populate, NULL },
	{ "sglang", "sglang:", NULL, "sglang", false, sglang_populate, &sglang_log },
	{ "vllm", "vllm:", NULL, "vllm", false, vllm_populate, &vllm_log },
};

static const struct backend *detect_backend(const struct agentic_metrics *m,
					    const char *framework)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		const struct backend *b = &backends[i];
		bool by_framework = b->framework_prefix
			? !strncasecmp(framework, b->framework, strlen(b->framework))
			: !m->count && framework_is(framework, b->framework);
		if (by_framework || any_prefix(m, b->prefix, b->prefix2))
			return b;
	}
	return NULL;
}

static int unsupported(const struct agentic_metrics *m, const char *framework,
		       struct diags *d)
{
	struct strvec names = { 0 };
	for (size_t i = 0; i < m->nr; i++)
		VEC_PUSH(&names, m->v[i].name);
	if (names.nr)
		strvec_sort(&names);
	struct buf list = BUF_INIT;
	for (size_t i = 0; i < names.nr && i < 10; i++)
		buf_addf(&list, "%s%s", i ? ", " : "", names.v[i]);
	int rc = diags_errorf(d, NULL, 0, 0, NULL, "unsupported agentic server metrics backend; "
			      "framework '%s', metric names [%s]", framework, list.s);
	buf_release(&list);
	free(names.v);
	return rc;
}

static void apply_profile_totals(struct server_flat *f, const struct agentic_profile_totals *t)
{
	if (!f->prompt_tokens.ok && t->has_input)
		f->prompt_tokens = (struct optll){ true, t->input_tokens };
	if (!f->generation_tokens.ok && t->has_output)
		f->generation_tokens = (struct optll){ true, t->output_tokens };
	f->requests_completed = t->requests;
}

int agentic_server_metrics(struct pyobj **out, struct pyobj *warnings,
			   const struct agentic_metrics *m, const char *framework,
			   const struct agentic_profile_totals *totals,
			   const struct agentic_logs *logs, struct diags *d)
{
	struct server_flat f;
	memset(&f, 0, sizeof(f));
	const struct backend *b = detect_backend(m, framework);
	if (m->count && !b)
		return unsupported(m, framework, d);
	struct pyobj *nested = empty_server_metrics(m->count > 0, m->count);
	struct pyobj *tokens = sub(nested, "tokens");
	if (!m->count) {
		pyobj_append(warnings, pyobj_str("server_metrics_export.json missing or empty"));
	} else {
		pyobj_set(nested, "adapter", pyobj_str(b->name));
		b->populate(m, &f, nested);
	}
	struct optll capacity = b && b->log ? logs_capacity(logs, b->log)
					    : (struct optll){ false, 0 };
	if (capacity.ok)
		pyobj_set(sub(nested, "kv_cache"), "gpu_total_tokens", pyobj_int(capacity.v));
	apply_profile_totals(&f, totals);
	if (!m->count || pyobj_get(tokens, "prompt_total")->type == PY_NONE)
		pyobj_set(tokens, "prompt_total", pyobj_optll(f.prompt_tokens));
	if (!m->count || pyobj_get(tokens, "generation_total")->type == PY_NONE)
		pyobj_set(tokens, "generation_total", pyobj_optll(f.generation_tokens));
	pyobj_set(tokens, "requests_completed", pyobj_int(f.requests_completed));
	*out = nested;
	return 0;
}
