/* compare: see compare.h. Configurations are matched by a canonical key string; the report
 * is three tables rendered with table.c (the same github format as the aggregate). */
#include "executor/results/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/strindex.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/aggregate.h"
#include "executor/results/results_util.h"
#include "executor/results/table.h"

struct cmp_metric {
	enum row_metric m;
	const char *header;
	double scale;
	bool higher_better;
};

/* The report's columns, in this order. */
static const struct cmp_metric cmp_metrics[] = {
	{ MET_TPUT, "TPUT per GPU", 1, true },
	{ MET_TTFT, "TTFT (ms)", 1000, false },
	{ MET_TPOT, "TPOT (ms)", 1000, false },
	{ MET_E2EL, "E2EL (s)", 1, false },
	{ MET_INTVTY, "Interactivity (tok/s/user)", 1, true },
};
#define CMP_METRICS_NR (sizeof(cmp_metrics) / sizeof(cmp_metrics[0]))

static void config_key(struct buf *k, const struct result_row *r)
{
	buf_reset(k);
	/* \x1f cannot be confused with text in the fields */
	buf_addf(k, "%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%lld\x1f%lld\x1f%lld",
		 r->multinode, r->model_prefix, r->model, r->hw, r->framework, r->precision,
		 r->spec_decoding, r->disagg, r->isl, r->osl, r->conc);
	if (!r->multinode)
		buf_addf(k, "\x1f%lld\x1f%lld\x1f%s", r->tp, r->ep, r->dp_attention);
	else
		buf_addf(k, "\x1f%lld\x1f%lld\x1f%s\x1f%lld\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%lld"
			 "\x1f%lld", r->prefill_tp, r->prefill_ep, r->prefill_dp, r->prefill_workers,
			 r->prefill_gpus, r->decode_tp, r->decode_ep, r->decode_dp,
			 r->decode_workers, r->decode_gpus);
}

/* A short human form of the parallelism part of a configuration. */
static void config_text(struct buf *b, const struct result_row *r)
{
	buf_reset(b);
	if (!r->multinode)
		buf_addf(b, "tp%lld ep%lld dpa-%s", r->tp, r->ep, r->dp_attention);
	else
		buf_addf(b, "prefill %lldx tp%lld ep%lld dp-%s (%lld GPUs), decode %lldx tp%lld "
			 "ep%lld dp-%s (%lld GPUs)", r->prefill_workers, r->prefill_tp,
			 r->prefill_ep, r->prefill_dp, r->prefill_gpus, r->decode_workers,
			 r->decode_tp, r->decode_ep, r->decode_dp, r->decode_gpus);
	if (r->spec_decoding[0] && strcmp(r->spec_decoding, "none"))
		buf_addf(b, " spec-%s", r->spec_decoding);
}

/* The configuration keys of one side's rows, and where each key first appears: look-ups
 * through the index keep a comparison of n rows O(n). */
struct keyset {
	char **v;              /* owned: one key per row */
	size_t nr;
	struct strindex first; /* key -> its first row */
};

/* The first row with key k, or STRINDEX_NONE. */
static size_t first_row(const struct keyset *ks, const char *k)
{
	return strindex_find(&ks->first, k, strlen(k));
}

/* Whether row i repeats the configuration of an earlier row (only the first is compared). */
static bool repeated(const struct keyset *ks, size_t i)
{
	return first_row(ks, ks->v[i]) != i;
}

static void keyset_build(struct keyset *ks, const struct result_rows *rows, const char *side,
			 struct diags *d)
{
	ks->v = xcalloc(rows->nr + 1, sizeof(*ks->v));
	ks->nr = rows->nr;
	ks->first = (struct strindex)STRINDEX_INIT;
	struct buf k = BUF_INIT;
	for (size_t i = 0; i < rows->nr; i++) {
		config_key(&k, &rows->v[i]);
		ks->v[i] = xstrdup(k.s);
		size_t first = strindex_add(&ks->first, ks->v[i], k.len, i);
		if (first != i)
			diags_warnf(d, rows->v[i].source, 0, 0, NULL, "same configuration as %s in "
				    "%s; only the first is compared", rows->v[first].source, side);
	}
	buf_release(&k);
}

static void keyset_release(struct keyset *ks)
{
	strindex_release(&ks->first);
	for (size_t i = 0; i < ks->nr; i++)
		free(ks->v[i]);
	free(ks->v);
}

/* Fills the identifying cells (Model .. Conc) of a report row. */
static void id_cells(struct table *t, size_t row, const struct result_row *r)
{
	struct buf b = BUF_INIT;
	table_set(t, row, 0, r->model_prefix);
	upper(&b, r->hw);
	table_set(t, row, 1, b.s);
	buf_reset(&b);
	upper(&b, r->framework);
	table_set(t, row, 2, b.s);
	buf_reset(&b);
	upper(&b, r->precision);
	table_set(t, row, 3, b.s);
	buf_reset(&b);
	buf_addf(&b, "%lld/%lld", r->isl, r->osl);
	table_set(t, row, 4, b.s);
	config_text(&b, r);
	table_set(t, row, 5, b.s);
	buf_reset(&b);
	buf_addf(&b, "%lld", r->conc);
	table_set(t, row, 6, b.s);
	buf_release(&b);
}

#define ID_COLS 7
static const char *const id_headers[ID_COLS] = {
	"Model", "Hardware", "Framework", "Precision", "ISL/OSL", "Configuration", "Conc",
};

/* One metric cell: "base -> new (+x.x%)", flagged when it is a regression. */
static bool metric_cell(struct buf *b, const struct cmp_metric *cm, const struct result_row *a,
			const struct result_row *n, double threshold)
{
	buf_reset(b);
	bool has_a = a->has[cm->m], has_n = n->has[cm->m];
	double va = a->metric[cm->m] * cm->scale, vn = n->metric[cm->m] * cm->scale;
	if (has_a)
		table_metric_text(b, va);
	else
		buf_adds(b, "null");
	buf_adds(b, " -> ");
	if (has_n)
		table_metric_text(b, vn);
	else
		buf_adds(b, "null");
	if (!has_a || !has_n || va == 0 || !isfinite(va) || !isfinite(vn))
		return false;
	double pct = (vn - va) / fabs(va) * 100;
	bool worse = cm->higher_better ? pct < -threshold : pct > threshold;
	buf_addf(b, " (%+.1f%%)%s", pct, worse ? " **regression**" : "");
	return worse;
}

static void only_table(struct buf *md, const char *title, const struct result_rows *rows,
		       const struct keyset *keys, const struct keyset *other, size_t *count)
{
	struct table t;
	table_init(&t, id_headers, ID_COLS);
	for (size_t i = 0; i < rows->nr; i++) {
		if (repeated(keys, i) || first_row(other, keys->v[i]) != STRINDEX_NONE)
			continue;
		id_cells(&t, table_row(&t), &rows->v[i]);
	}
	*count = t.rows;
	if (t.rows) {
		buf_addf(md, "\n\n### %s\n\n", title);
		table_render(md, &t);
	}
	table_release(&t);
}

void compare_rows(struct buf *md, struct compare_summary *sum, const struct result_rows *base,
		  const struct result_rows *neu, double threshold, struct diags *d)
{
	memset(sum, 0, sizeof(*sum));
	struct keyset bk, nk;
	keyset_build(&bk, base, "BASE", d);
	keyset_build(&nk, neu, "NEW", d);
	const char *headers[ID_COLS + CMP_METRICS_NR + 1];
	memcpy(headers, id_headers, sizeof(id_headers));
	for (size_t i = 0; i < CMP_METRICS_NR; i++)
		headers[ID_COLS + i] = cmp_metrics[i].header;
	headers[ID_COLS + CMP_METRICS_NR] = "Verdict";
	struct table t;
	table_init(&t, headers, ID_COLS + CMP_METRICS_NR + 1);
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < base->nr; i++) {
		if (repeated(&bk, i))
			continue;
		size_t j = first_row(&nk, bk.v[i]);
		if (j == STRINDEX_NONE)
			continue;
		size_t row = table_row(&t);
		id_cells(&t, row, &base->v[i]);
		bool bad = false;
		for (size_t m = 0; m < CMP_METRICS_NR; m++) {
			bad |= metric_cell(&cell, &cmp_metrics[m], &base->v[i], &neu->v[j], threshold);
			table_set(&t, row, ID_COLS + m, cell.s);
		}
		table_set(&t, row, ID_COLS + CMP_METRICS_NR, bad ? "regression" : "ok");
		sum->matched++;
		sum->regressions += bad;
	}
	buf_addf(md, "## Comparison\n\nThreshold %g%%: %zu regression%s in %zu matched "
		 "configuration%s.", threshold, sum->regressions, sum->regressions == 1 ? "" : "s",
		 sum->matched, sum->matched == 1 ? "" : "s");
	if (t.rows) {
		buf_adds(md, "\n\n### Matched\n\n");
		table_render(md, &t);
	}
	only_table(md, "Only in base", base, &bk, &nk, &sum->base_only);
	only_table(md, "Only in new", neu, &nk, &bk, &sum->new_only);
	buf_addch(md, '\n');
	buf_release(&cell);
	table_release(&t);
	keyset_release(&bk);
	keyset_release(&nk);
}
