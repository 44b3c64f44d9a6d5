/* raw_result: see raw_result.h. */
#include "executor/load/raw_result.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/diag.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/config.h"
#include "executor/load/result.h"

/* ---- ordered keys ---- */

struct buf *rkeys_set(struct rkeys *k, const char *key)
{
	for (size_t i = 0; i < k->nr; i++) {
		if (!strcmp(k->v[i].key, key)) {
			buf_reset(&k->v[i].val);
			return &k->v[i].val;
		}
	}
	VEC_GROW(k->v, k->nr + 1, k->alloc);
	struct rkey *r = &k->v[k->nr++];
	r->key = xstrdup(key);
	buf_init(&r->val);
	return &r->val;
}

void rkeys_write(struct buf *out, const struct rkeys *k)
{
	buf_addch(out, '{');
	for (size_t i = 0; i < k->nr; i++) {
		if (i)
			buf_adds(out, ", ");
		json_quote(out, k->v[i].key, strlen(k->v[i].key), JSONW_LINE);
		buf_adds(out, ": ");
		buf_add(out, k->v[i].val.s, k->v[i].val.len);
	}
	buf_addch(out, '}');
}

void rkeys_release(struct rkeys *k)
{
	for (size_t i = 0; i < k->nr; i++) {
		free(k->v[i].key);
		buf_release(&k->v[i].val);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static char *strip(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int metadata_parse(char **key, char **value, const char *item, struct diags *d)
{
	const char *eq = strchr(item, '=');
	if (!eq)
		return d ? diags_usagef(d, "--metadata: expected KEY=VALUE, found '%s'", item) : -1;
	const char *eq2 = strchr(eq + 1, '=');
	*key = strip(item, (size_t)(eq - item));
	*value = strip(eq + 1, eq2 ? (size_t)(eq2 - eq - 1) : strlen(eq + 1));
	return 0;
}

void result_date(char *out, size_t n, double unix_s)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	localtime_r(&t, &tm);
	if (!strftime(out, n, "%Y%m%d-%H%M%S", &tm) && n)
		out[0] = '\0';
}

void percentile_name(struct buf *out, double p)
{
	if (p == floor(p) && fabs(p) < 1e15) {
		buf_addf(out, "p%lld", (long long)p);
	} else {
		char tmp[32];
		fmt_double_py(tmp, p);
		buf_addf(out, "p%s", tmp);
	}
}

/* ---- the raw result ---- */

static void put_double(struct rkeys *k, const char *key, double v)
{
	struct jsonw w;
	jsonw_init(&w, rkeys_set(k, key), JSONW_LINE);
	jsonw_double(&w, v);
}

static void put_int(struct rkeys *k, const char *key, long long v)
{
	buf_addf(rkeys_set(k, key), "%lld", v);
}

static void put_str(struct rkeys *k, const char *key, const char *v)
{
	json_quote(rkeys_set(k, key), v, strlen(v), JSONW_LINE);
}

static void put_head(struct rkeys *k, const struct bench_config *cfg,
		     const struct bench_result *r)
{
	char date[32];
	result_date(date, sizeof(date), r->date_unix);
	put_str(k, "date", date);
	put_str(k, "backend", cfg->backend);
	put_str(k, "model_id", cfg->model_id);
	put_str(k, "tokenizer_id", cfg->tokenizer_id ? cfg->tokenizer_id : cfg->model_id);
	put_int(k, "best_of", cfg->best_of);
	put_int(k, "num_prompts", (long long)cfg->ds.num_prompts);
	for (size_t i = 0; i < cfg->metadata_nr; i++) {
		char *key, *value;
		if (metadata_parse(&key, &value, cfg->metadata[i], NULL) < 0)
			continue; /* checked when the options were parsed */
		put_str(k, key, value);
		free(key);
		free(value);
	}
	if (isfinite(cfg->request_rate) && cfg->ramp.strategy == RAMP_NONE)
		put_double(k, "request_rate", cfg->request_rate);
	else
		put_str(k, "request_rate", "inf");
	put_double(k, "burstiness", cfg->burstiness);
	if (cfg->max_concurrency)
		put_int(k, "max_concurrency", cfg->max_concurrency);
	else
		buf_adds(rkeys_set(k, "max_concurrency"), "null");
	if (cfg->ramp.strategy != RAMP_NONE) { /* vLLM's keys, after max_concurrency */
		put_str(k, "ramp_up_strategy", ramp_strategy_names[cfg->ramp.strategy - 1]);
		put_double(k, "ramp_up_start_rps", cfg->ramp.start_rps);
		put_double(k, "ramp_up_end_rps", cfg->ramp.end_rps);
	}
}

/* When the timed load began and ended, by the wall clock (the first request is sent after
 * the start, the last response ends before the end) */
static void put_wall_clock(struct rkeys *k, const struct bench_result *r)
{
	put_double(k, "benchmark_start_time_unix", r->start_unix);
	put_double(k, "benchmark_end_time_unix", r->end_unix);
}

static void put_totals(struct rkeys *k, const struct bench_config *cfg,
		       const struct bench_result *r)
{
	double dur = r->duration_s > 0 ? r->duration_s : 1e-9;
	put_double(k, "duration", r->duration_s);
	if (cfg->schema == RESULT_SCHEMA_V2)
		put_wall_clock(k, r);
	put_int(k, "completed", r->completed);
	put_int(k, "total_input_tokens", r->total_input);
	put_int(k, "total_output_tokens", r->total_output);
	put_double(k, "request_throughput", (double)r->completed / dur);
	if (cfg->goodput)
		put_double(k, "request_goodput:", (double)r->good / dur);
	else
		buf_adds(rkeys_set(k, "request_goodput:"), "null");
	put_double(k, "output_throughput", (double)r->total_output / dur);
	put_double(k, "total_token_throughput", (double)(r->total_input + r->total_output) / dur);
}

/* The per-request lists, keys [from, to) of: input_lens, output_lens (0 for failed), ttfts,
 * itls, generated_texts, errors */
enum { LIST_INPUT_LENS, LIST_OUTPUT_LENS, LIST_TTFTS, LIST_ITLS, LIST_TEXTS, LIST_ERRORS,
       LIST_NR };

static void put_lists(struct rkeys *k, const struct bench_result *r, int from, int to)
{
	static const char *const keys[LIST_NR] = { "input_lens", "output_lens", "ttfts", "itls",
						   "generated_texts", "errors" };
	for (int which = from; which < to; which++) {
		struct jsonw w;
		jsonw_init(&w, rkeys_set(k, keys[which]), JSONW_LINE);
		jsonw_arr_open(&w);
		for (size_t i = 0; i < r->nr; i++) {
			const struct bench_req *q = &r->reqs[i];
			switch (which) {
			case LIST_INPUT_LENS: jsonw_int(&w, q->prompt_len); break;
			case LIST_OUTPUT_LENS: jsonw_int(&w, q->ok ? q->output_tokens : 0); break;
			case LIST_TTFTS: jsonw_double(&w, q->rec.first_ns ? ns_s(q->rec.first_ns - q->rec.send_ns) : 0.0); break;
			case LIST_ITLS:
				jsonw_arr_open(&w);
				for (size_t j = 0; j < q->rec.itl_nr; j++)
					jsonw_double(&w, ns_s(q->rec.itl_ns[j]));
				jsonw_arr_close(&w);
				break;
			case LIST_TEXTS:
				jsonw_strn(&w, q->rec.text ? q->rec.text->s : "",
					   q->rec.text ? q->rec.text->len : 0);
				break;
			default: {
				struct buf e = BUF_INIT;
				if (q->fail == FAIL_HTTP)
					buf_addf(&e, "http_%d", q->http_status);
				else if (!q->ok)
					buf_adds(&e, fail_names[q->fail]);
				jsonw_str(&w, e.s);
				buf_release(&e);
			}
			}
		}
		jsonw_arr_close(&w);
	}
}

static void put_metrics(struct rkeys *k, const struct bench_config *cfg,
			const struct bench_result *r)
{
	struct buf name = BUF_INIT;
	for (int m = 0; m < METRIC_NR; m++) {
		if (!cfg->metrics[m])
			continue;
		const struct stats_summary *s = &r->summary[m];
		static const char *const pre[] = { "mean", "median", "std" };
		double vals[] = { s->mean, s->median, s->std };
		for (int i = 0; i < 3; i++) {
			buf_reset(&name);
			buf_addf(&name, "%s_%s_ms", pre[i], metric_names[m]);
			put_double(k, name.s, vals[i]);
		}
		for (size_t i = 0; i < s->pct_nr; i++) {
			buf_reset(&name);
			percentile_name(&name, cfg->percentiles[i]);
			buf_addf(&name, "_%s_ms", metric_names[m]);
			put_double(k, name.s, s->pct[i]);
		}
	}
	buf_release(&name);
}

/* failures: reason -> count, in the order of fail_names with http_<code> ascending in the
 * place of "http". */
static void put_failures(struct rkeys *k, const struct bench_result *r)
{
	struct jsonw w;
	jsonw_init(&w, rkeys_set(k, "failures"), JSONW_LINE);
	jsonw_obj_open(&w);
	char key[32];
	for (int f = 1; f < FAIL_NR; f++) {
		if (f == FAIL_HTTP) {
			for (int s = 0; s < 1000; s++) {
				if (!r->http_counts[s])
					continue;
				snprintf(key, sizeof(key), "http_%d", s);
				jsonw_key(&w, key);
				jsonw_int(&w, r->http_counts[s]);
			}
			continue;
		}
		if (!r->fail_counts[f])
			continue;
		jsonw_key(&w, fail_names[f]);
		jsonw_int(&w, r->fail_counts[f]);
	}
	jsonw_obj_close(&w);
}

/* {"count", "mean", "p50", "p90", "p99", "p99.9", "max"} of a client timing summary. */
static void put_timing(struct jsonw *w, const char *key, const struct stats_summary *s,
		       size_t count)
{
	static const char *const names[SCHED_PCTS_NR] = { "p50", "p90", "p99", "p99.9", "max" };
	jsonw_key(w, key);
	jsonw_obj_open(w);
	jsonw_key(w, "count");
	jsonw_int(w, (long long)count);
	jsonw_key(w, "mean");
	jsonw_double(w, s->mean);
	for (size_t i = 0; i < SCHED_PCTS_NR && i < s->pct_nr; i++) {
		jsonw_key(w, names[i]);
		jsonw_double(w, s->pct[i]);
	}
	jsonw_obj_close(w);
}

static void put_client(struct rkeys *k, const struct bench_config *cfg,
		       const struct bench_result *r)
{
	struct jsonw w;
	jsonw_init(&w, rkeys_set(k, "client"), JSONW_LINE);
	jsonw_obj_open(&w);
	jsonw_key(&w, "cpu_s");
	jsonw_double(&w, r->cpu_s);
	jsonw_key(&w, "peak_rss_bytes");
	jsonw_int(&w, r->peak_rss_bytes);
	jsonw_key(&w, "max_loop_lag_ms");
	jsonw_double(&w, r->max_loop_lag_ms);
	jsonw_key(&w, "approximate_input_tokens");
	jsonw_bool(&w, r->approximate_input);
	jsonw_key(&w, "approximate_output_tokens");
	jsonw_int(&w, r->approximate_output);
	jsonw_key(&w, "output_len_mismatches");
	jsonw_int(&w, r->output_len_mismatches);
	jsonw_key(&w, "saturated");
	jsonw_bool(&w, bench_saturated(r));
	/* ours (issue 12): where each request's time went before it left, and the verdict */
	put_timing(&w, "schedule_delay_ms", &r->sched_delay, r->issued);
	put_timing(&w, "connect_ms", &r->connect, r->connects);
	jsonw_key(&w, "send_rate");
	jsonw_double(&w, r->send_span_s > 0 ? (double)(r->issued - 1) / r->send_span_s : 0.0);
	jsonw_key(&w, "schedule_rate");
	jsonw_double(&w, r->sched_span_s > 0 ? (double)(r->nr - 1) / r->sched_span_s : 0.0);
	jsonw_key(&w, "slot_wait_share");
	jsonw_double(&w, r->slot_wait_share);
	jsonw_key(&w, "saturation");
	jsonw_str(&w, saturation_names[bench_saturation(r, cfg)]);
	jsonw_obj_close(&w);
}

void bench_result_write_json(struct buf *out, const struct bench_config *cfg,
			     const struct bench_result *r)
{
	struct rkeys k = { 0 };
	bool v2 = cfg->schema == RESULT_SCHEMA_V2;
	put_head(&k, cfg, r);
	put_totals(&k, cfg, r);
	/* upstream's v2 client drops only the lists after output_lens without --save-detailed */
	if (cfg->save_detailed || v2)
		put_lists(&k, r, LIST_INPUT_LENS, cfg->save_detailed ? LIST_NR : LIST_TTFTS);
	put_metrics(&k, cfg, r);
	put_failures(&k, r);
	put_client(&k, cfg, r);
	if (!v2) /* v1: our extras, last (executor-spec 4.7 item 8) */
		put_wall_clock(&k, r);
	rkeys_write(out, &k);
	rkeys_release(&k);
}
