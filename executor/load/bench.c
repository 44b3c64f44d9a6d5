/* bench: see bench.h. bench_run = prepare (before any clock) + profile + load + compute. */
#include "executor/load/bench.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/diag.h"
#include "common/xalloc.h"
#include "executor/core/hcall.h"
#include "executor/load/load.h"
#include "executor/load/prepare.h"
#include "executor/load/result.h"

/* POST {base}/start_profile or /stop_profile; 0 only on 200. */
static int profile_call(const struct bench_config *cfg, const char *what, struct diags *d)
{
	struct hcall h;
	struct buf url = BUF_INIT, resp = BUF_INIT;
	buf_addf(&url, "%s/%s", cfg->base_url, what);
	/* to the server directly, as the load's own connections (no http_proxy) */
	struct hcall_opts o = { .bearer = cfg->bearer, .json = true, .no_proxy = true };
	int rc = hcall_init(&h, &o, d);
	if (!rc) {
		long status = hcall_post(&h, &resp, url.s, NULL, d);
		if (status >= 0 && status != 200)
			diags_errorf(d, NULL, 0, 0, NULL, "POST %s: HTTP %ld", url.s, status);
		rc = status == 200 ? 0 : -1;
	}
	hcall_release(&h);
	buf_release(&url);
	buf_release(&resp);
	return rc;
}

static void init_result(struct bench_result *out, const struct prepared *prep)
{
	memset(out, 0, sizeof(*out));
	out->nr = prep->ds.nr;
	out->reqs = xcalloc(out->nr ? out->nr : 1, sizeof(*out->reqs));
	for (size_t i = 0; i < out->nr; i++) {
		out->reqs[i].prompt_len = prep->ds.v[i].prompt_len;
		out->reqs[i].output_len = prep->ds.v[i].output_len;
		out->reqs[i].fail = FAIL_INTERRUPTED; /* until it finishes */
	}
	out->approximate_input = prep->approximate_input;
}

struct bench_prep {
	struct url_parts url;
	struct prepared prep;
};

bool bench_prepare_needs_server(const struct bench_config *cfg)
{
	/* text prompts are sized with the server's /tokenize; token ids need nothing */
	return cfg->use_chat_template || cfg->api->chat || cfg->ds.format == PROMPT_TEXT;
}

int bench_prepare(struct bench_prep **out, const struct bench_config *cfg, struct diags *d)
{
	struct bench_prep *p = xcalloc(1, sizeof(*p));
	*out = p;
	if (url_split(&p->url, cfg->base_url, cfg->endpoint, d) < 0)
		return -1;
	return prepare_requests(&p->prep, cfg, p->url.hostport, p->url.path, d);
}

void bench_prep_free(struct bench_prep *p)
{
	if (!p)
		return;
	prepared_release(&p->prep);
	url_parts_release(&p->url);
	free(p);
}

int bench_run_prepared(struct bench_result *out, const struct bench_config *cfg,
		       struct bench_prep *p, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	int rc = cfg->profile ? profile_call(cfg, "start_profile", d) : 0;
	if (!rc) {
		init_result(out, &p->prep);
		struct scraper sc;
		bool scraping = cfg->server_metrics_interval_s > 0;
		if (scraping && scraper_start(&sc, &out->scrapes, cfg->base_url, cfg->bearer,
					      cfg->server_metrics_interval_s, d))
			rc = -1;
		out->scraped = scraping;
		if (!rc)
			rc = load_run(out, cfg, &p->prep, &p->url, d);
		if (scraping)
			scraper_stop(&sc);
		out->date_unix = clock_wall_s();
		if (cfg->profile && profile_call(cfg, "stop_profile", d) < 0)
			rc = -1;
		bench_result_compute(out, cfg);
	}
	return rc;
}

int bench_run(struct bench_result *out, const struct bench_config *cfg, struct diags *d)
{
	struct bench_prep *p;
	memset(out, 0, sizeof(*out));
	int rc = bench_prepare(&p, cfg, d);
	if (!rc)
		rc = bench_run_prepared(out, cfg, p, d);
	bench_prep_free(p);
	return rc;
}
