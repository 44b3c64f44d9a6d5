/* result: see result.h. */
#include "executor/load/result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/xalloc.h"

const char *const fail_names[FAIL_NR] = {
	"none", "connect", "send", "reset", "closed", "protocol", "http", "malformed",
	"no_choice_event", "timeout_headers", "timeout", "stream_too_long", "interrupted",
};

const char *const saturation_names[SAT_NR] = { "none", "client", "server" };
const double sched_pcts[SCHED_PCTS_NR] = { 50, 90, 99, 99.9, 100 };

double ns_s(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Metric m (TTFT, TPOT or E2EL) of a successful request into *out, in seconds; false when
 * the request has no such sample. A chat request succeeds on HTTP 200 alone, so its stream
 * may lack a choice event (no TTFT, no TPOT) or any event (no E2EL either); TPOT also needs
 * output_tokens > 1. */
static bool req_sample_s(double *out, const struct bench_req *q, int m)
{
	const struct req_rec *r = &q->rec;
	switch (m) {
	case METRIC_TTFT:
		*out = ns_s(r->first_ns - r->send_ns);
		return r->first_ns != 0;
	case METRIC_E2EL:
		*out = ns_s(r->last_ns - r->send_ns);
		return r->last_ns != 0;
	case METRIC_TPOT:
		if (q->output_tokens <= 1 || !r->first_ns || !r->last_ns)
			return false;
		*out = ns_s(r->last_ns - r->first_ns) / (double)(q->output_tokens - 1);
		return true;
	default:
		return false;
	}
}

/* Good: no criterion's metric is above its limit. A metric the request has no sample of
 * passes (TPOT with output_tokens <= 1 counts as 0, executor-spec 4.6). */
static bool req_good(const struct bench_req *q, const struct bench_config *cfg)
{
	for (int m = 0; m < METRIC_NR; m++) {
		double v;
		if (cfg->goodput_ms[m] >= 0 && req_sample_s(&v, q, m) &&
		    v * 1000 > cfg->goodput_ms[m])
			return false;
	}
	return true;
}

/* The samples of metric m over successful requests, in seconds (caller frees). */
static double *collect(const struct bench_result *r, int m, size_t *n)
{
	size_t cap = 1;
	for (size_t i = 0; i < r->nr; i++)
		cap += m == METRIC_ITL ? r->reqs[i].rec.itl_nr : 1;
	double *v = xmalloc(st_mult(cap, sizeof(double)));
	*n = 0;
	for (size_t i = 0; i < r->nr; i++) {
		const struct bench_req *q = &r->reqs[i];
		if (!q->ok)
			continue;
		if (m == METRIC_ITL) {
			for (size_t k = 0; k < q->rec.itl_nr; k++)
				v[(*n)++] = ns_s(q->rec.itl_ns[k]);
		} else if (req_sample_s(&v[*n], q, m)) {
			(*n)++;
		}
	}
	return v;
}

static bool output_len_breaks(const struct bench_req *q, const struct bench_config *cfg)
{
	if (q->output_tokens > q->output_len)
		return true;
	return cfg->ignore_eos && !q->approx_output && q->output_tokens != q->output_len;
}

static void count_outcomes(struct bench_result *r, const struct bench_config *cfg)
{
	r->completed = r->good = r->approximate_output = r->output_len_mismatches = 0;
	r->total_input = r->total_output = 0;
	memset(r->fail_counts, 0, sizeof(r->fail_counts));
	memset(r->http_counts, 0, sizeof(r->http_counts));
	for (size_t i = 0; i < r->nr; i++) {
		struct bench_req *q = &r->reqs[i];
		q->output_tokens = 0;
		if (!q->ok) {
			r->fail_counts[q->fail]++;
			if (q->fail == FAIL_HTTP && q->http_status > 0 && q->http_status < 1000)
				r->http_counts[q->http_status]++;
			continue;
		}
		q->output_tokens = req_rec_output_tokens(&q->rec, &q->approx_output);
		r->completed++;
		r->approximate_output += q->approx_output;
		r->output_len_mismatches += output_len_breaks(q, cfg);
		r->total_input += q->prompt_len;
		r->total_output += q->output_tokens;
		if (cfg->goodput && req_good(q, cfg))
			r->good++;
	}
}

/* Schedule delay and connect time summaries (ms), the send span and the slot waits. */
static void client_timing(struct bench_result *r)
{
	double *sd = xmalloc(st_mult(r->nr + 1, sizeof(double)));
	double *ct = xmalloc(st_mult(r->nr + 1, sizeof(double)));
	size_t waited = 0;
	r->issued = r->connects = 0;
	for (size_t i = 0; i < r->nr; i++) {
		const struct bench_req *q = &r->reqs[i];
		if (!q->issued)
			continue;
		sd[r->issued++] = (double)q->sched_delay_ns / 1e6;
		waited += q->slot_waited;
		if (q->connect_ns >= 0)
			ct[r->connects++] = (double)q->connect_ns / 1e6;
	}
	stats_summary_release(&r->sched_delay);
	stats_summary_release(&r->connect);
	stats_summarise(&r->sched_delay, sd, r->issued, sched_pcts, SCHED_PCTS_NR);
	stats_summarise(&r->connect, ct, r->connects, sched_pcts, SCHED_PCTS_NR);
	r->slot_wait_share = r->issued ? (double)waited / (double)r->issued : 0;
	free(sd);
	free(ct);
}

void bench_result_compute(struct bench_result *r, const struct bench_config *cfg)
{
	count_outcomes(r, cfg);
	for (int m = 0; m < METRIC_NR; m++) {
		size_t n;
		double *v = collect(r, m, &n);
		for (size_t i = 0; i < n; i++)
			v[i] *= 1000.0; /* ms, like the client: seconds x 1000 */
		stats_summary_release(&r->summary[m]);
		stats_summarise(&r->summary[m], v, n, cfg->percentiles, cfg->percentiles_nr);
		free(v);
	}
	client_timing(r);
}

bool bench_saturated(const struct bench_result *r)
{
	double bound = r->summary[METRIC_ITL].median * 0.1;
	return r->max_loop_lag_ms > (bound > 1.0 ? bound : 1.0);
}
int bench_failure_gate(const struct bench_result *r, double max_pct, const char *opt,
		       struct diags *d)
{
	if (!r->nr)
		return 0;
	double failed_pct = 100.0 * (double)(r->nr - (size_t)r->completed) / (double)r->nr;
	if (failed_pct <= max_pct)
		return 0;
	return diags_errorf(d, NULL, 0, 0, NULL, "request failure rate %.1f%% exceeds %g%% "
			    "(%ld/%zu completed; %s)", failed_pct, max_pct, r->completed, r->nr,
			    opt);
}

enum saturation bench_saturation(const struct bench_result *r, const struct bench_config *cfg)
{
	double bound_ms = 1.0;
	if (isfinite(cfg->request_rate) && cfg->request_rate > 0 &&
	    cfg->ramp.strategy == RAMP_NONE && 100.0 / cfg->request_rate > bound_ms)
		bound_ms = 100.0 / cfg->request_rate; /* a tenth of the mean gap, in ms */
	double p99 = r->sched_delay.pct_nr > 2 ? r->sched_delay.pct[2] : 0;
	/* the slot waits first: a full --max-concurrency delays requests by design, and that
	 * delay is the server's, not the client's */
	if (isfinite(cfg->request_rate) && r->slot_wait_share > 0.01)
		return SAT_SERVER;
	/* a schedule exists only with a rate: without one, the delay is the burst's sending */
	if (bench_saturated(r) || (isfinite(cfg->request_rate) && p99 > bound_ms))
		return SAT_CLIENT;
	return SAT_NONE;
}

bool bench_ignores_max_tokens(const struct bench_result *r)
{
	return r->output_len_mismatches > 0 && r->output_len_mismatches * 100 > r->completed;
}

void bench_result_release(struct bench_result *r)
{
	scrapes_release(&r->scrapes);
	for (size_t i = 0; r->reqs && i < r->nr; i++) {
		free(r->reqs[i].rec.itl_ns);
		if (r->reqs[i].rec.text) {
			buf_release(r->reqs[i].rec.text);
			free(r->reqs[i].rec.text);
		}
	}
	free(r->reqs);
	for (int m = 0; m < METRIC_NR; m++)
		stats_summary_release(&r->summary[m]);
	stats_summary_release(&r->sched_delay);
	stats_summary_release(&r->connect);
	memset(r, 0, sizeof(*r));
}
