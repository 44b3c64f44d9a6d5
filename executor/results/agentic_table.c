/* agentic_table: see agentic_table.h. The columns are a table of {header, key path, kind}. */
#include "executor/results/agentic_table.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jtree.h"
#include "common/xalloc.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"
#include "executor/results/table.h"

bool agentic_result_doc(const struct jnode *root)
{
	const char *s = jobj_str(root, "scenario_type");
	return s && !strcmp(s, "agentic-coding");
}

enum akind { A_STR, A_UPPER, A_INT, A_METRIC, A_REQUESTS };

struct acol {
	const char *header;
	const char *path; /* dotted key path in the result */
	enum akind kind;
};

static const struct acol cols[] = {
	{ "Model", "infmax_model_prefix", A_STR },
	{ "Hardware", "hw", A_UPPER },
	{ "Framework", "framework", A_UPPER },
	{ "Precision", "precision", A_UPPER },
	{ "Conc", "conc", A_INT },
	{ "TP", "tp", A_INT },
	{ "KV Offload", "kv_offloading", A_STR },
	{ "Interactivity p50 (tok/s/user)", "request_metrics.latency.e2e_norm_intvty.p50",
	  A_METRIC },
	{ "Interactivity p90 (tok/s/user)", "request_metrics.latency.e2e_norm_intvty.p90",
	  A_METRIC },
	{ "TTFT p90 (s)", "request_metrics.latency.ttft.p90", A_METRIC },
	{ "Total Tput/GPU (tok/s)", "request_metrics.throughput.per_gpu.total_tput_tps",
	  A_METRIC },
	{ "Output Tput/GPU (tok/s)", "request_metrics.throughput.per_gpu.output_tput_tps",
	  A_METRIC },
	{ "Requests (ok/total)", "num_requests_successful", A_REQUESTS },
	{ "Server Cache Hit", "server_metrics.cache.overall_cache_hit_rate", A_METRIC },
};
#define COLS_NR (sizeof(cols) / sizeof(cols[0]))

const struct jnode *agentic_doc_at(const struct jnode *n, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	for (char *k = strtok_r(copy, ".", &save); k && n; k = strtok_r(NULL, ".", &save))
		n = n->type == JT_OBJ ? jobj_get(n, k) : NULL;
	free(copy);
	return n;
}

static bool cell(struct buf *b, const struct jnode *doc, const struct acol *c)
{
	const struct jnode *n = agentic_doc_at(doc, c->path);
	buf_reset(b);
	if (!n)
		return false;
	switch (c->kind) {
	case A_STR:
	case A_UPPER:
		if (n->type != JT_STR)
			return false;
		if (c->kind == A_UPPER)
			upper(b, n->s);
		else
			buf_adds(b, n->s);
		return true;
	case A_INT:
		if (n->type != JT_NUM)
			return false;
		buf_adds(b, n->s);
		return true;
	case A_METRIC:
		if (n->type != JT_NUM)
			return false;
		table_metric_text(b, n->num);
		return true;
	case A_REQUESTS: {
		/* successful / profiled: the total less the warm-up's records, which upstream's
		 * processor counts in num_requests_total and drops from every figure */
		const struct jnode *total = jobj_get(doc, "num_requests_total");
		const struct jnode *acc = jobj_get(doc, "request_accounting");
		const struct jnode *warm = acc ? jobj_get(acc, "records_warmup_dropped") : NULL;
		if (n->type != JT_NUM || !total || total->type != JT_NUM)
			return false;
		if (warm && warm->type == JT_NUM && warm->is_int && total->is_int)
			buf_addf(b, "%s/%lld", n->s, (long long)total->num - (long long)warm->num);
		else
			buf_addf(b, "%s/%s", n->s, total->s);
		return true;
	}
	}
	return false;
}

static int doc_cmp(const void *pa, const void *pb)
{
	const struct jnode *a = *(const struct jnode *const *)pa;
	const struct jnode *b = *(const struct jnode *const *)pb;
	static const char *const keys[] = { "infmax_model_prefix", "hw", "framework", "precision" };
	for (size_t i = 0; i < 4; i++) {
		const char *x = jobj_str(a, keys[i]), *y = jobj_str(b, keys[i]);
		int c = strcmp(x ? x : "", y ? y : "");
		if (c)
			return c;
	}
	const struct jnode *x = jobj_get(a, "conc"), *y = jobj_get(b, "conc");
	double cx = x && x->type == JT_NUM ? x->num : 0, cy = y && y->type == JT_NUM ? y->num : 0;
	return (cx > cy) - (cx < cy);
}

static const char *headers[COLS_NR];

size_t agentic_table_fill(struct table *t, const struct result_set *rs)
{
	for (size_t c = 0; c < COLS_NR; c++)
		headers[c] = cols[c].header;
	table_init(t, headers, COLS_NR);
	const struct jnode **docs = xmalloc((rs->nr + 1) * sizeof(*docs));
	size_t n = 0;
	for (size_t i = 0; i < rs->nr; i++)
		if (agentic_result_doc(rs->v[i].root))
			docs[n++] = rs->v[i].root;
	qsort(docs, n, sizeof(*docs), doc_cmp); /* stable enough: ties keep no promised order */
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t row = table_row(t);
		for (size_t c = 0; c < COLS_NR; c++)
			table_set(t, row, c, cell(&b, docs[i], &cols[c]) ? b.s : NULL);
	}
	buf_release(&b);
	free(docs);
	return n;
}

size_t agentic_table_markdown(struct buf *out, const struct result_set *rs)
{
	struct table t;
	size_t n = agentic_table_fill(&t, rs);
	if (n) {
		buf_adds(out, "## Agentic Results\n\n" AGENTIC_TABLE_NOTE "\n\n");
		table_render(out, &t);
		buf_adds(out, "\n");
	}
	table_release(&t);
	return n;
}
