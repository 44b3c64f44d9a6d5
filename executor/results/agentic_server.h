/*
 * agentic_server: the server half of the agentic processed result (upstream 843c6254f's
 * utils/agentic/aggregation/server_metrics.py, backends/ (every .py), server_log_metrics.py):
 * the server's /metrics, read either from aiperf's server_metrics_export.json or from our
 * own scrape file (NAME.server_metrics.json, docs/executor.md "Server metrics"), reduced
 * by the backend its metric names belong to (dynamo-vllm, atom, sglang, vllm, tried in that
 * order) into the `server_metrics` object, and the GPU KV-cache pool size read from the
 * server's logs (vLLM's "GPU KV cache size", SGLang's max_total_num_tokens).
 *
 * Use: struct agentic_metrics m = AGENTIC_METRICS_INIT; agentic_metrics_from_aiperf (or
 * _from_scrapes); agentic_server_metrics(...); agentic_metrics_release(&m). The index owns
 * copies of every string it keeps.
 */
#ifndef EXECUTOR_AGENTIC_SERVER_H
#define EXECUTOR_AGENTIC_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "executor/results/pyobj.h"

struct diags;
struct jnode;

struct am_label {
	char *key, *val; /* owned: val is Python's str() of the JSON value */
	bool truthy;     /* the JSON value is truthy (not null, "", 0, false, empty) */
};

struct am_series {
	struct am_label *labels; /* owned */
	size_t labels_nr, labels_alloc;
	bool labels_is_dict;
	char *endpoint_url;           /* owned; NULL when absent or falsy */
	struct optd total, sum, max, avg; /* stats.<key> as float(), or None */
};

struct am_metric {
	char *name;            /* owned */
	struct am_series *v;   /* owned: the series that are objects, in order */
	size_t nr, alloc;
};

/* aiperf's {"metrics": {name: {"series": [{labels, endpoint_url, stats}]}}}, indexed. */
struct agentic_metrics {
	struct am_metric *v; /* owned, one per name (the last of a duplicated name) */
	size_t nr, alloc;
	size_t count;        /* len(metrics): names whatever their values */
};

#define AGENTIC_METRICS_INIT { NULL, 0, 0, 0 }

/* From aiperf's export (root: the parsed file; NULL or not an object: no metrics). */
void agentic_metrics_from_aiperf(struct agentic_metrics *m, const struct jnode *root);
/* From our scrape file (root: its parsed JSON; name for diags). Each sample's series is its
 * name and label set. A counter (a name ending _total) becomes its family (the name without
 * _total, as aiperf names it) with stats.total = its value in the last good scrape minus the
 * first (no stats when it went down); histogram and summary samples (_bucket, _sum, _count,
 * _created) are left out; every other sample is a gauge with stats.max and stats.avg over
 * the good scrapes taken during the load (all good scrapes when none was). 0, or -1 with
 * diags when the file is not in the format. */
int agentic_metrics_from_scrapes(struct agentic_metrics *m, const struct jnode *root,
				 const char *name, struct diags *d);
void agentic_metrics_release(struct agentic_metrics *m);

/* The server log texts capacity is read from (each NUL-free), borrowed. */
struct agentic_logs {
	const char *const *text;
	size_t nr;
};

/* Profile totals the server half falls back on (from the profiled records). */
struct agentic_profile_totals {
	bool has_input, has_output;
	long long input_tokens, output_tokens;
	long long requests;
};

/* compute_server_metrics: *out gets the server_metrics object, warnings (a list) gets its
 * warnings appended. -1 with a diag (no output) when there are metrics but no backend
 * matches them (upstream raises). */
int agentic_server_metrics(struct pyobj **out, struct pyobj *warnings,
			   const struct agentic_metrics *m, const char *framework,
			   const struct agentic_profile_totals *totals,
			   const struct agentic_logs *logs, struct diags *d);

#endif
