/* run_agentic: see run_agentic.h. */
#include "executor/run_agentic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/xalloc.h"
#include "executor/load/api.h"
#include "executor/load/config.h"
#include "executor/load/replay.h"
#include "executor/load/replay_out.h"
#include "executor/load/scrape.h"

void agentic_load_init(struct agentic_load *l)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->result);
	buf_init(&l->records);
	buf_init(&l->scrapes);
	buf_init(&l->summary);
}

void agentic_load_release(struct agentic_load *l)
{
	buf_release(&l->result);
	buf_release(&l->records);
	buf_release(&l->scrapes);
	buf_release(&l->summary);
	memset(l, 0, sizeof(*l));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The counts and the median TTFT of the turns that completed (not cut, no failure). */
static void tally(struct agentic_load *l, const struct replay_result *r)
{
	double *ttft = xcalloc(r->nr + 1, sizeof(double));
	size_t n = 0;
	for (size_t i = 0; i < r->nr; i++) {
		const struct replay_rec *t = &r->recs[i];
		if (t->cut || t->fail != FAIL_NONE)
			continue;
		l->completed++;
		if (t->first_ns)
			ttft[n++] = (double)(t->first_ns - t->send_ns) / 1e6;
	}
	if (n) {
		qsort(ttft, n, sizeof(double), cmp_double);
		l->median_ttft_ms = n % 2 ? ttft[n / 2] : (ttft[n / 2 - 1] + ttft[n / 2]) / 2;
	}
	free(ttft);
	l->turns = r->nr;
	l->sessions = r->sessions_started;
	l->first_unix = r->start_unix;
	l->last_unix = (double)replay_wall_ns(r, r->end_ns) / 1e9;
}

/* The replay's knobs as upstream's build_replay_cmd (benchmarks/benchmark_lib.sh at 843c6254f)
 * passes them to AIPerf: seed 42, trajectory start in [0.25, 0.75], the scenario's 10 s
 * system idle cap, and two read from the environment as there. */
#define UPSTREAM_SEED 42
#define UPSTREAM_START_MIN 0.25
#define UPSTREAM_START_MAX 0.75
#define UPSTREAM_SYSTEM_IDLE_CAP_S 10.0

/* A number from the environment, as upstream's script reads it: def when unset or empty. */
static int env_knob(double *out, const char *name, double def, bool integer, struct diags *d)
{
	const char *v = getenv(name);
	*out = def;
	if (!v || !*v)
		return 0;
	char *end;
	double x = strtod(v, &end);
	if (*end || !(x >= 0 && x <= 1e9) || (integer && x != floor(x)))
		return diags_errorf(d, NULL, 0, 0, name, "expected %s >= 0 (the environment, as "
				    "upstream's benchmark_lib.sh reads it), found '%s'",
				    integer ? "an integer" : "seconds", v);
	*out = x;
	return 0;
}

static int upstream_knobs(struct replay_config *c, struct diags *d)
{
	double warm;
	if (env_knob(&c->trace_idle_cap_s, "AIPERF_TRACE_IDLE_GAP_CAP_SECONDS", 300, false, d) ||
	    env_knob(&warm, "AIPERF_WARMUP_REQUESTS_PER_LANE", 10, true, d))
		return -1;
	c->warmup_per_lane = (long)warm;
	return 0;
}

/* The request side as upstream's AIPerf call: the chat endpoint, streaming (every request
 * of a replay streams), the recorded output length as max_tokens with ignore_eos, as run's
 * fixed-sequence load. */
static int replay_bench_config(struct bench_config *cfg, struct buf *url,
			       const struct agentic_load_spec *s, struct diags *d)
{
	bench_config_init(cfg);
	cfg->stop = s->stop;
	cfg->model_id = cfg->served_model = s->model;
	bench_config_set_url(cfg, url, s->base_url);
	cfg->backend = "openai-chat";
	cfg->api = &api_chat;
	cfg->endpoint = "/v1/chat/completions";
	cfg->request_rate = INFINITY;
	cfg->ignore_eos = true;
	cfg->ds.seed = UPSTREAM_SEED;
	return bench_config_check(cfg, d);
}

int agentic_load_run(struct agentic_load *l, const struct agentic_load_spec *s,
		     struct diags *d)
{
	struct bench_config cfg;
	struct buf url = BUF_INIT;
	int rc = replay_bench_config(&cfg, &url, s, d);
	if (rc) {
		buf_release(&url);
		return rc;
	}
	struct replay_config rc_cfg = { .bench = &cfg, .trace_path = s->trace,
					.max_sessions = s->sessions, .duration_s = s->duration_s,
					.drain = true, .session_header = "X-Session-ID",
					.system_idle_cap_s = UPSTREAM_SYSTEM_IDLE_CAP_S,
					.start_min = UPSTREAM_START_MIN, .start_max = UPSTREAM_START_MAX };
	if (upstream_knobs(&rc_cfg, d)) {
		buf_release(&url);
		return -1;
	}
	struct scrapes sc = { 0 };
	struct scraper scraper;
	bool scraping = s->server_metrics_interval_s > 0;
	if (scraping && scraper_start(&scraper, &sc, cfg.base_url, cfg.bearer,
				      s->server_metrics_interval_s, d)) {
		scrapes_release(&sc);
		buf_release(&url);
		return -1;
	}
	struct replay_result res;
	rc = replay_run(&res, &rc_cfg, d);
	if (scraping)
		scraper_stop(&scraper);
	l->measured = res.measured;
	if (res.measured) {
		replay_result_json(&l->result, &rc_cfg, &res);
		replay_records_jsonl(&l->records, &res);
		replay_summary(&l->summary, &rc_cfg, &res);
		if (scraping)
			scrapes_write_json(&l->scrapes, &sc);
		tally(l, &res);
	}
	replay_result_release(&res);
	scrapes_release(&sc);
	buf_release(&url);
	return rc;
}
