/*
 * sim_stats: ground-truth counters, samples and their summary JSON (see
 * sim_stats.h for the statistics' definitions).
 */
#define _GNU_SOURCE
#include "sim_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_init(struct sim_stats *st)
{
	memset(st, 0, sizeof(*st));
}

void stats_release(struct sim_stats *st)
{
	free(st->ttft.v);
	free(st->itl.v);
	free(st->e2e.v);
	free(st->prompts.v);
	free(st->cached.v);
	free(st->arrival.v);
	stats_init(st);
}

void stats_reset(struct sim_stats *st)
{
	long long active = st->active;
	struct sample_vec t = st->ttft, i = st->itl, e = st->e2e, p = st->prompts, c = st->cached;
	struct sample_vec a = st->arrival;

	memset(st, 0, sizeof(*st));
	st->ttft = t, st->itl = i, st->e2e = e, st->prompts = p, st->cached = c, st->arrival = a;
	st->ttft.nr = st->itl.nr = st->e2e.nr = st->prompts.nr = st->cached.nr = 0;
	st->arrival.nr = 0;
	st->active = active;
	st->max_active = active;
}

void stats_add_active(struct sim_stats *st, int delta)
{
	st->active += delta;
	if (st->active > st->max_active)
		st->max_active = st->active;
}

static void vec_add(struct sample_vec *s, const int64_t *v, size_t n)
{
	VEC_GROW(s->v, s->nr + n, s->alloc);
	memcpy(s->v + s->nr, v, n * sizeof(*v));
	s->nr += n;
}

void stats_add_arrival_time(struct sim_stats *st, int64_t arrival_ns)
{
	vec_add(&st->arrival, &arrival_ns, 1);
}

void stats_add_completed(struct sim_stats *st, int64_t ttft_ns, int64_t e2e_ns,
			 const int64_t *itl_ns, size_t itl_nr,
			 long long prompt_tokens, long long output_tokens, long long cached_tokens)
{
	int64_t pt = prompt_tokens, ct = cached_tokens;
	vec_add(&st->prompts, &pt, 1);
	vec_add(&st->cached, &ct, 1);
	st->cached_tokens += (uint64_t)cached_tokens;
	vec_add(&st->ttft, &ttft_ns, 1);
	vec_add(&st->e2e, &e2e_ns, 1);
	if (itl_nr)
		vec_add(&st->itl, itl_ns, itl_nr);
	st->completed++;
	st->prompt_tokens += (uint64_t)prompt_tokens;
	st->output_tokens += (uint64_t)output_tokens;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double pct(const int64_t *sorted, size_t n, double p)
{
	double rank = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)floor(rank);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	double frac = rank - (double)lo;
	return (double)sorted[lo] + ((double)sorted[hi] - (double)sorted[lo]) * frac;
}

static void summary_json(struct sbuf *out, const char *name,
			 const struct sample_vec *s)
{
	double mean = 0, std = 0, median = 0, p90 = 0, p99 = 0, min = 0, max = 0;
	size_t n = s->nr;

	if (n) {
		int64_t *sorted = xmalloc(n * sizeof(*sorted));
		memcpy(sorted, s->v, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_i64);
		double sum = 0, sq = 0;
		for (size_t i = 0; i < n; i++)
			sum += (double)sorted[i];
		mean = sum / (double)n;
		for (size_t i = 0; i < n; i++)
			sq += ((double)sorted[i] - mean) * ((double)sorted[i] - mean);
		std = sqrt(sq / (double)n);
		median = pct(sorted, n, 50);
		p90 = pct(sorted, n, 90);
		p99 = pct(sorted, n, 99);
		min = (double)sorted[0];
		max = (double)sorted[n - 1];
		free(sorted);
	}
	sbuf_addf(out, "\"%s\":{\"count\":%zu,\"mean\":%.6f,\"std\":%.6f,"
		       "\"median\":%.6f,\"p90\":%.6f,\"p99\":%.6f,\"min\":%.6f,\"max\":%.6f}",
		  name, n, mean / 1e6, std / 1e6, median / 1e6, p90 / 1e6,
		  p99 / 1e6, min / 1e6, max / 1e6);
}

static void raw_counts(struct sbuf *out, const char *name, const struct sample_vec *s)
{
	sbuf_addf(out, ",\"%s\":[", name);
	for (size_t i = 0; i < s->nr; i++)
		sbuf_addf(out, "%s%lld", i ? "," : "", (long long)s->v[i]);
	sbuf_addc(out, ']');
}

/* The arrival process: its rate, (n - 1) over first to last arrival, and the gaps
 * between successive arrivals (sorted by time: reads may come out of order) with their
 * coefficient of variation (std / mean: 1 for Poisson arrivals, 0 for a fixed pace). */
static void arrivals_json(struct sbuf *out, const struct sample_vec *a)
{
	size_t n = a->nr;
	int64_t *t = xmalloc((n + 1) * sizeof(*t));
	if (n) /* no arrivals yet: a->v is NULL, which memcpy may not be given */
		memcpy(t, a->v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_i64);
	struct sample_vec gaps = { 0 };
	for (size_t i = 1; i < n; i++) {
		int64_t g = t[i] - t[i - 1];
		vec_add(&gaps, &g, 1);
	}
	double span = n > 1 ? (double)(t[n - 1] - t[0]) / 1e9 : 0;
	double mean = 0, sq = 0;
	for (size_t i = 0; i < gaps.nr; i++)
		mean += (double)gaps.v[i];
	mean = gaps.nr ? mean / (double)gaps.nr : 0;
	for (size_t i = 0; i < gaps.nr; i++)
		sq += ((double)gaps.v[i] - mean) * ((double)gaps.v[i] - mean);
	double cv = mean > 0 ? sqrt(sq / (double)gaps.nr) / mean : 0;
	sbuf_addf(out, ",\"arrivals\":{\"count\":%zu,\"span_s\":%.6f,\"rate\":%.3f,"
		       "\"gap_cv\":%.4f,",
		  n, span, span > 0 ? (double)(n - 1) / span : 0.0, cv);
	summary_json(out, "gap_ms", &gaps);
	sbuf_addc(out, '}');
	free(gaps.v);
	free(t);
}

static void raw_json(struct sbuf *out, const char *name, const struct sample_vec *s)
{
	sbuf_addf(out, ",\"%s\":[", name);
	for (size_t i = 0; i < s->nr; i++)
		sbuf_addf(out, "%s%.6f", i ? "," : "", (double)s->v[i] / 1e6);
	sbuf_addc(out, ']');
}

void stats_to_json(struct sbuf *out, const struct sim_stats *st, int raw)
{
	sbuf_addf(out, "{\"requests\":%llu,\"completed\":%llu,\"aborted\":%llu,"
		       "\"bad_requests\":%llu,\"failed_by_fault\":{",
		  (unsigned long long)st->requests, (unsigned long long)st->completed,
		  (unsigned long long)st->aborted, (unsigned long long)st->bad_requests);
	for (int f = FAULT_NONE + 1; f < FAULT_NR; f++)
		sbuf_addf(out, "%s\"%s\":%llu", f > FAULT_NONE + 1 ? "," : "",
			  fault_names[f], (unsigned long long)st->failed_by_fault[f]);
	sbuf_addf(out, "},\"active\":%lld,\"max_active\":%lld,", st->active,
		  st->max_active);
	summary_json(out, "ttft_ms", &st->ttft);
	sbuf_addc(out, ',');
	summary_json(out, "itl_ms", &st->itl);
	sbuf_addc(out, ',');
	summary_json(out, "e2e_ms", &st->e2e);
	sbuf_addf(out, ",\"output_tokens\":%llu,\"prompt_tokens\":%llu,\"max_lag_ms\":%.6f",
		  (unsigned long long)st->output_tokens,
		  (unsigned long long)st->prompt_tokens, (double)st->max_lag_ns / 1e6);
	sbuf_addf(out, ",\"cached_tokens\":%llu", (unsigned long long)st->cached_tokens);
	sbuf_addf(out, ",\"session_id_requests\":%llu",
		  (unsigned long long)st->session_id_requests);
	sbuf_addf(out, ",\"arrival_clock\":\"%s\",\"arrivals_kernel\":%llu,\"arrivals_read\":%llu,"
		       "\"max_read_lag_ms\":%.6f",
		  st->arrivals_read ? (st->arrivals_kernel ? "mixed" : "read")
				    : (st->arrivals_kernel ? "kernel" : "none"),
		  (unsigned long long)st->arrivals_kernel,
		  (unsigned long long)st->arrivals_read, (double)st->max_read_lag_ns / 1e6);
	arrivals_json(out, &st->arrival);
	if (raw) {
		raw_json(out, "ttfts_ms", &st->ttft);
		raw_json(out, "itls_ms", &st->itl);
		raw_json(out, "e2es_ms", &st->e2e);
		raw_counts(out, "prompt_tokens_per_request", &st->prompts);
		raw_counts(out, "cached_tokens_per_request", &st->cached);
		raw_json(out, "arrivals_ms", &st->arrival);
	}
	sbuf_addc(out, '}');
}
