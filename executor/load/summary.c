/* summary: see summary.h. */
#include "executor/load/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/config.h"
#include "executor/load/raw_result.h"
#include "executor/load/result.h"

static void line_s(struct buf *o, const char *label, const char *v)
{
	buf_addf(o, "%-40s %-10s\n", label, v);
}

static void line_d(struct buf *o, const char *label, double v)
{
	buf_addf(o, "%-40s %-10.2f\n", label, v);
}

static void line_l(struct buf *o, const char *label, long long v)
{
	buf_addf(o, "%-40s %-10lld\n", label, v);
}

static void rule(struct buf *o, const char *title, char c)
{
	size_t n = strlen(title), left = (50 - n) / 2, right = 50 - n - left;
	for (size_t i = 0; i < left; i++)
		buf_addch(o, c);
	buf_adds(o, title);
	for (size_t i = 0; i < right; i++)
		buf_addch(o, c);
	buf_addch(o, '\n');
}

static void summary_metric(struct buf *o, const struct bench_config *cfg,
			   const struct bench_result *r, int m)
{
	static const char *const titles[] = { "Time to First Token",
					      "Time per Output Token (excl. 1st token)",
					      "Inter-token Latency", "End-to-end Latency" };
	static const char *const upper[] = { "TTFT", "TPOT", "ITL", "E2EL" };
	const struct stats_summary *s = &r->summary[m];
	struct buf label = BUF_INIT;
	rule(o, titles[m], '-');
	buf_addf(&label, "Mean %s (ms):", upper[m]);
	line_d(o, label.s, s->mean);
	buf_reset(&label);
	buf_addf(&label, "Median %s (ms):", upper[m]);
	line_d(o, label.s, s->median);
	for (size_t i = 0; i < s->pct_nr; i++) {
		buf_reset(&label);
		percentile_name(&label, cfg->percentiles[i]);
		label.s[0] = 'P';
		buf_addf(&label, " %s (ms):", upper[m]);
		line_d(o, label.s, s->pct[i]);
	}
	buf_release(&label);
}

void bench_summary(struct buf *o, const struct bench_config *cfg, const struct bench_result *r)
{
	double dur = r->duration_s > 0 ? r->duration_s : 1e-9;
	rule(o, " Serving Benchmark Result ", '=');
	line_l(o, "Successful requests:", r->completed);
	line_l(o, "Failed requests:", (long long)r->nr - r->completed);
	line_d(o, "Benchmark duration (s):", r->duration_s);
	line_l(o, "Total input tokens:", r->total_input);
	line_l(o, "Total generated tokens:", r->total_output);
	line_d(o, "Request throughput (req/s):", (double)r->completed / dur);
	if (cfg->goodput)
		line_d(o, "Request goodput (req/s):", (double)r->good / dur);
	line_d(o, "Output token throughput (tok/s):", (double)r->total_output / dur);
	line_d(o, "Total Token throughput (tok/s):",
	       (double)(r->total_input + r->total_output) / dur);
	for (int m = 0; m < METRIC_NR; m++)
		if (cfg->metrics[m])
			summary_metric(o, cfg, r, m);
	rule(o, "Client", '-');
	for (int f = 1; f < FAIL_NR; f++) {
		if (f == FAIL_HTTP) {
			for (int s = 0; s < 1000; s++) {
				if (!r->http_counts[s])
					continue;
				char label[48];
				snprintf(label, sizeof(label), "Failed (http_%d):", s);
				line_l(o, label, r->http_counts[s]);
			}
		} else if (r->fail_counts[f]) {
			char label[48];
			snprintf(label, sizeof(label), "Failed (%s):", fail_names[f]);
			line_l(o, label, r->fail_counts[f]);
		}
	}
	if (r->output_len_mismatches)
		line_l(o, "Output len != max_tokens:", r->output_len_mismatches);
	line_d(o, "Client CPU (s):", r->cpu_s);
	line_d(o, "Client peak RSS (MiB):", (double)r->peak_rss_bytes / 1048576.0);
	line_d(o, "Client max loop lag (ms):", r->max_loop_lag_ms);
	if (r->issued && r->sched_delay.pct_nr > 2) {
		line_d(o, "Schedule delay mean (ms):", r->sched_delay.mean);
		line_d(o, "Schedule delay P99 (ms):", r->sched_delay.pct[2]);
	}
	if (r->connects && r->connect.pct_nr > 2) {
		line_l(o, "Connections opened:", (long long)r->connects);
		line_d(o, "Connect time mean (ms):", r->connect.mean);
		line_d(o, "Connect time P99 (ms):", r->connect.pct[2]);
	}
	if (isfinite(cfg->request_rate) && r->send_span_s > 0)
		line_d(o, "Send rate (req/s):", (double)(r->issued - 1) / r->send_span_s);
	switch (bench_saturation(r, cfg)) {
	case SAT_CLIENT:
		line_s(o, "Client saturated:", "yes: its own delay may show in the numbers");
		break;
	case SAT_SERVER:
		line_s(o, "Saturation:", "server: requests waited for --max-concurrency slots");
		break;
	default:
		break;
	}
	rule(o, "", '=');
}

