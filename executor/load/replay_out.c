/* replay_out: see replay_out.h. */
#include "executor/load/replay_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/xalloc.h"
#include "executor/load/config.h"

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static void metric(struct jsonw *w, const char *key, double v, const char *unit, bool is_int)
{
	jsonw_key(w, key);
	jsonw_obj_open(w);
	jsonw_key(w, "value");
	if (is_int)
		jsonw_int(w, (long long)v);
	else
		jsonw_double(w, v);
	jsonw_key(w, "unit");
	jsonw_str(w, unit);
	jsonw_obj_close(w);
}

static void error_obj(struct jsonw *w, const struct replay_rec *t)
{
	if (t->fail == FAIL_NONE) {
		jsonw_null(w);
		return;
	}
	char type[32];
	if (t->fail == FAIL_HTTP)
		snprintf(type, sizeof(type), "http_%d", t->http_status);
	else
		snprintf(type, sizeof(type), "%s", t->cut ? "cut" : fail_names[t->fail]);
	jsonw_obj_open(w);
	jsonw_key(w, "type");
	jsonw_str(w, type);
	jsonw_key(w, "message");
	jsonw_str(w, t->cut ? "in flight at the duration bound" : fail_names[t->fail]);
	jsonw_obj_close(w);
}

/* The warm-up's requests first (benchmark_phase "warmup", which AIPerf's readers drop),
 * then the profiling's. */
void replay_records_jsonl(struct buf *out, const struct replay_result *r)
{
	for (size_t i = 0; i < r->warm_nr + r->nr; i++) {
		bool warm = i < r->warm_nr;
		const struct replay_rec *t = warm ? &r->warm[i] : &r->recs[i - r->warm_nr];
		struct jsonw w;
		jsonw_init(&w, out, JSONW_LINE);
		jsonw_obj_open(&w);
		jsonw_key(&w, "metadata");
		jsonw_obj_open(&w);
		jsonw_key(&w, "session_num");
		jsonw_int(&w, t->session);
		jsonw_key(&w, "conversation_id");
		jsonw_str(&w, r->conversations[t->conversation]);
		jsonw_key(&w, "turn_index");
		jsonw_int(&w, t->turn);
		jsonw_key(&w, "request_start_ns");
		jsonw_int(&w, replay_wall_ns(r, t->send_ns));
		jsonw_key(&w, "request_ack_ns");
		jsonw_int(&w, replay_wall_ns(r, t->first_ns ? t->first_ns : t->end_ns));
		jsonw_key(&w, "request_end_ns");
		jsonw_int(&w, replay_wall_ns(r, t->end_ns));
		jsonw_key(&w, "worker_id");
		jsonw_str(&w, "worker_0");
		jsonw_key(&w, "benchmark_phase");
		jsonw_str(&w, warm ? "warmup" : "profiling");
		jsonw_key(&w, "x_due_ns");
		jsonw_int(&w, replay_wall_ns(r, t->due_ns));
		jsonw_key(&w, "x_cut");
		jsonw_bool(&w, t->cut);
		jsonw_obj_close(&w);
		jsonw_key(&w, "metrics");
		jsonw_obj_open(&w);
		metric(&w, "input_sequence_length", (double)t->in, "tokens", true);
		if (t->fail == FAIL_NONE) {
			metric(&w, "output_sequence_length", (double)t->output_tokens, "tokens", true);
			metric(&w, "time_to_first_token", ms(t->first_ns - t->send_ns), "ms", false);
			metric(&w, "request_latency", ms(t->end_ns - t->send_ns), "ms", false);
			if (t->output_tokens > 1)
				metric(&w, "inter_token_latency",
				       ms(t->end_ns - t->first_ns) / (double)(t->output_tokens - 1),
				       "ms", false);
		}
		jsonw_obj_close(&w);
		jsonw_key(&w, "error");
		error_obj(&w, t);
		jsonw_obj_close(&w);
		buf_addch(out, '\n');
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v (n >= 1). */
static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p / 100 * (double)n);
	return v[k ? k - 1 : 0];
}

struct tally {
	size_t ok, failed, cut;
	long long in, out;
	double *pace;             /* owned: send - due of the paced turns, ms, sorted */
	double *pace_os;          /* owned: the OS's part of each (os_delay_ns), ms, sorted */
	size_t pace_nr;
};

static void tally(struct tally *t, const struct replay_result *r)
{
	memset(t, 0, sizeof(*t));
	t->pace = xcalloc(r->nr ? r->nr : 1, sizeof(double));
	t->pace_os = xcalloc(r->nr ? r->nr : 1, sizeof(double));
	for (size_t i = 0; i < r->nr; i++) {
		const struct replay_rec *x = &r->recs[i];
		if (x->cut)
			t->cut++;
		else if (x->fail == FAIL_NONE)
			t->ok++;
		else
			t->failed++;
		if (x->fail == FAIL_NONE) {
			t->in += x->in;
			t->out += x->output_tokens;
		}
		if (x->paced) {
			t->pace_os[t->pace_nr] = ms(x->os_delay_ns);
			t->pace[t->pace_nr++] = ms(x->send_ns - x->due_ns);
		}
	}
	qsort(t->pace, t->pace_nr, sizeof(double), cmp_d);
	qsort(t->pace_os, t->pace_nr, sizeof(double), cmp_d);
}

/* KEY: {"p50", "p99", "max"} of sorted v (zeros when n is 0). */
static void pct_obj(struct jsonw *w, const char *key, const double *v, size_t n)
{
	const char *const names[] = { "p50", "p99", "max" };
	const double ps[] = { 50, 99, 100 };
	jsonw_key(w, key);
	jsonw_obj_open(w);
	for (int i = 0; i < 3; i++) {
		jsonw_key(w, names[i]);
		jsonw_double(w, n ? pct(v, n, ps[i]) : 0);
	}
	jsonw_obj_close(w);
}

static double dur_s(const struct replay_result *r)
{
	return (double)(r->end_ns - r->start_ns) / 1e9;
}

static void arr_ms(struct jsonw *w, const char *key, const struct replay_result *r,
		   int which)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (size_t i = 0; i < r->nr; i++) {
		const struct replay_rec *x = &r->recs[i];
		int64_t v = which == 0 ? x->due_ns - r->start_ns :
			    which == 1 ? x->send_ns - r->start_ns :
			    which == 2 ? x->end_ns - r->start_ns :
			    which == 4 ? x->os_delay_ns :
			    x->first_ns ? x->first_ns - x->send_ns : -1000000;
		jsonw_double(w, ms(v));
	}
	jsonw_arr_close(w);
}

static void arr_int(struct jsonw *w, const char *key, const struct replay_result *r,
		    int which)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (size_t i = 0; i < r->nr; i++) {
		const struct replay_rec *x = &r->recs[i];
		jsonw_int(w, which == 0 ? x->session : which == 1 ? x->conversation :
			     which == 2 ? x->turn : which == 3 ? x->in :
			     which == 4 ? x->out : x->output_tokens);
	}
	jsonw_arr_close(w);
}

void replay_result_json(struct buf *out, const struct replay_config *cfg,
			const struct replay_result *r)
{
	struct tally t;
	tally(&t, r);
	const struct bench_config *bc = cfg->bench;
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	jsonw_key(&w, "dataset_name");
	jsonw_str(&w, "trace");
	jsonw_key(&w, "trace");
	jsonw_str(&w, cfg->trace_path);
	jsonw_key(&w, "backend");
	jsonw_str(&w, bc->backend);
	jsonw_key(&w, "model_id");
	jsonw_str(&w, bc->model_id);
	jsonw_key(&w, "max_concurrency");
	jsonw_int(&w, cfg->max_sessions);
	jsonw_key(&w, "duration_bound_s");
	jsonw_double(&w, cfg->duration_s);
	jsonw_key(&w, "drain");
	jsonw_bool(&w, cfg->drain);
	jsonw_key(&w, "trace_idle_gap_cap_s");
	jsonw_double(&w, cfg->trace_idle_cap_s);
	jsonw_key(&w, "system_idle_gap_cap_s");
	jsonw_double(&w, cfg->system_idle_cap_s);
	jsonw_key(&w, "idle_removed_s");
	jsonw_double(&w, r->idle_removed_s);
	jsonw_key(&w, "trajectory_start_min_ratio");
	jsonw_double(&w, cfg->start_min);
	jsonw_key(&w, "trajectory_start_max_ratio");
	jsonw_double(&w, cfg->start_max);
	jsonw_key(&w, "warmup_requests_per_lane");
	jsonw_int(&w, cfg->warmup_per_lane);
	size_t warm_failed = 0;
	for (size_t i = 0; i < r->warm_nr; i++)
		warm_failed += r->warm[i].fail != FAIL_NONE;
	jsonw_key(&w, "warmup_requests");
	jsonw_int(&w, (long long)r->warm_nr);
	jsonw_key(&w, "warmup_failed");
	jsonw_int(&w, (long long)warm_failed);
	jsonw_key(&w, "warmup_s");
	jsonw_double(&w, r->warmup_s);
	jsonw_key(&w, "duration");
	jsonw_double(&w, dur_s(r));
	jsonw_key(&w, "start_unix");
	jsonw_double(&w, r->start_unix);
	jsonw_key(&w, "sessions_started");
	jsonw_int(&w, (long long)r->sessions_started);
	jsonw_key(&w, "sessions_completed");
	jsonw_int(&w, (long long)r->sessions_done);
	jsonw_key(&w, "max_live_sessions");
	jsonw_int(&w, (long long)r->max_live_sessions);
	jsonw_key(&w, "turns");
	jsonw_int(&w, (long long)r->nr);
	jsonw_key(&w, "completed");
	jsonw_int(&w, (long long)t.ok);
	jsonw_key(&w, "failed");
	jsonw_int(&w, (long long)t.failed);
	jsonw_key(&w, "cut");
	jsonw_int(&w, (long long)t.cut);
	jsonw_key(&w, "turns_dropped");
	jsonw_int(&w, (long long)r->turns_dropped);
	jsonw_key(&w, "total_input_tokens");
	jsonw_int(&w, t.in);
	jsonw_key(&w, "total_output_tokens");
	jsonw_int(&w, t.out);
	jsonw_key(&w, "request_throughput");
	jsonw_double(&w, dur_s(r) > 0 ? (double)t.ok / dur_s(r) : 0);
	jsonw_key(&w, "output_throughput");
	jsonw_double(&w, dur_s(r) > 0 ? (double)t.out / dur_s(r) : 0);
	pct_obj(&w, "pacing_error_ms", t.pace, t.pace_nr);
	pct_obj(&w, "pacing_os_delay_ms", t.pace_os, t.pace_nr);
	jsonw_key(&w, "client_cpu_s");
	jsonw_double(&w, r->cpu_s);
	jsonw_key(&w, "client_cpu_ms_per_1000_requests");
	jsonw_double(&w, r->nr ? r->cpu_s * 1e6 / (double)r->nr : 0);
	jsonw_key(&w, "max_loop_lag_ms");
	jsonw_double(&w, r->max_loop_lag_ms);
	jsonw_key(&w, "conversations");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < r->conversations_nr; i++)
		jsonw_str(&w, r->conversations[i]);
	jsonw_arr_close(&w);
	jsonw_key(&w, "paced");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < r->nr; i++)
		jsonw_bool(&w, r->recs[i].paced);
	jsonw_arr_close(&w);
	arr_int(&w, "session_nums", r, 0);
	arr_int(&w, "conversation_indices", r, 1);
	arr_int(&w, "turn_indices", r, 2);
	arr_int(&w, "input_lens", r, 3);
	arr_int(&w, "max_tokens", r, 4);
	arr_int(&w, "output_lens", r, 5);
	arr_ms(&w, "due_ms", r, 0);
	arr_ms(&w, "send_ms", r, 1);
	arr_ms(&w, "end_ms", r, 2);
	arr_ms(&w, "os_delay_ms", r, 4);
	arr_ms(&w, "ttfts_ms", r, 3);
	jsonw_key(&w, "errors");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < r->nr; i++) {
		const struct replay_rec *x = &r->recs[i];
		jsonw_str(&w, x->cut ? "cut" : x->fail == FAIL_NONE ? "" : fail_names[x->fail]);
	}
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
	free(t.pace);
	free(t.pace_os);
}

void replay_summary(struct buf *out, const struct replay_config *cfg,
		    const struct replay_result *r)
{
	struct tally t;
	tally(&t, r);
	buf_addf(out, "============ Trace Replay Result ============\n");
	buf_addf(out, "%-40s %s\n", "Trace:", cfg->trace_path);
	buf_addf(out, "%-40s %zu (%zu completed, %zu max live)\n", "Sessions:",
		 r->sessions_started, r->sessions_done, r->max_live_sessions);
	buf_addf(out, "%-40s %zu\n", "Turns sent:", r->nr);
	buf_addf(out, "%-40s %zu\n", "Successful turns:", t.ok);
	buf_addf(out, "%-40s %zu\n", "Failed turns:", t.failed);
	buf_addf(out, "%-40s %zu\n", "Cut at the bound:", t.cut);
	buf_addf(out, "%-40s %.2f\n", "Duration (s):", dur_s(r));
	if (replay_warms(cfg))
		buf_addf(out, "%-40s %zu in %.2f s\n", "Warm-up requests (not counted):",
			 r->warm_nr, r->warmup_s);
	if (cfg->trace_idle_cap_s || cfg->system_idle_cap_s)
		buf_addf(out, "%-40s %.2f\n", "Idle time the caps removed (s):", r->idle_removed_s);
	buf_addf(out, "%-40s %lld\n", "Total input tokens:", t.in);
	buf_addf(out, "%-40s %lld\n", "Total generated tokens:", t.out);
	if (t.pace_nr) {
		buf_addf(out, "%-40s %.3f / %.3f\n", "Pacing error p50 / p99 (ms):",
			 pct(t.pace, t.pace_nr, 50), pct(t.pace, t.pace_nr, 99));
		buf_addf(out, "%-40s %.3f / %.3f\n", "  of it, OS wake-up delay p50 / p99 (ms):",
			 pct(t.pace_os, t.pace_nr, 50), pct(t.pace_os, t.pace_nr, 99));
	}
	buf_addf(out, "%-40s %.2f\n", "Client CPU per 1,000 requests (ms):",
		 r->nr ? r->cpu_s * 1e6 / (double)r->nr : 0);
	buf_addf(out, "=============================================\n");
	free(t.pace);
	free(t.pace_os);
}
