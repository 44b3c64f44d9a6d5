/* aggregate: see aggregate.h. The result fields are a table {key, kind, shape, offset};
 * the markdown columns are two tables of {header, how to get the cell}, in the spec's order. */
#include "executor/results/aggregate.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/csv.h"
#include "common/jtree.h"
#include "executor/results/agentic_table.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"
#include "executor/results/table.h"

const char *const metric_keys[MET_NR] = {
	"median_ttft", "median_tpot", "median_intvty", "median_e2el",
	"tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu", "joules_per_output_token",
};

enum fkind { FK_STR, FK_STR_OPT, FK_INT, FK_BOOL_OPT };
#define SNG 1u
#define MUL 2u

struct rfield {
	const char *key;
	enum fkind kind;
	unsigned shapes;
	size_t off;
};

#define R(f) offsetof(struct result_row, f)
/* What process writes (executor-spec 5) and the tables read. */
static const struct rfield result_fields[] = {
	{ "hw", FK_STR, SNG | MUL, R(hw) },
	{ "conc", FK_INT, SNG | MUL, R(conc) },
	{ "image", FK_STR_OPT, SNG | MUL, R(image) },
	{ "model", FK_STR, SNG | MUL, R(model) },
	{ "infmax_model_prefix", FK_STR, SNG | MUL, R(model_prefix) },
	{ "framework", FK_STR, SNG | MUL, R(framework) },
	{ "precision", FK_STR, SNG | MUL, R(precision) },
	{ "spec_decoding", FK_STR_OPT, SNG | MUL, R(spec_decoding) },
	{ "disagg", FK_BOOL_OPT, SNG | MUL, R(disagg) },
	{ "isl", FK_INT, SNG | MUL, R(isl) },
	{ "osl", FK_INT, SNG | MUL, R(osl) },
	{ "tp", FK_INT, SNG, R(tp) },
	{ "ep", FK_INT, SNG, R(ep) },
	{ "dp_attention", FK_STR, SNG, R(dp_attention) },
	{ "prefill_tp", FK_INT, MUL, R(prefill_tp) },
	{ "prefill_ep", FK_INT, MUL, R(prefill_ep) },
	{ "prefill_dp_attention", FK_STR, MUL, R(prefill_dp) },
	{ "prefill_num_workers", FK_INT, MUL, R(prefill_workers) },
	{ "decode_tp", FK_INT, MUL, R(decode_tp) },
	{ "decode_ep", FK_INT, MUL, R(decode_ep) },
	{ "decode_dp_attention", FK_STR, MUL, R(decode_dp) },
	{ "decode_num_workers", FK_INT, MUL, R(decode_workers) },
	{ "num_prefill_gpu", FK_INT, MUL, R(prefill_gpus) },
	{ "num_decode_gpu", FK_INT, MUL, R(decode_gpus) },
};
#undef R
#define RESULT_FIELDS_NR (sizeof(result_fields) / sizeof(result_fields[0]))

static int malformed(struct diags *d, const char *source, const struct jnode *n,
		     const char *key, const char *fmt, const char *found)
{
	struct buf msg = BUF_INIT;
	buf_addf(&msg, fmt, found);
	diags_warnf(d, source, n ? n->line : 0, n ? n->col : 0, key, "%s; result skipped",
		    msg.s);
	buf_release(&msg);
	return -1;
}

static int read_field(struct result_row *row, const struct rfield *f, const struct jnode *doc,
		      const char *source, struct diags *d)
{
	const struct jnode *n = jobj_get(doc, f->key);
	char *base = (char *)row;
	switch (f->kind) {
	case FK_STR_OPT:
		if (!n || n->type == JT_NULL) {
			*(const char **)(base + f->off) = "";
			return 0;
		}
		/* fall through */
	case FK_STR:
		if (!n)
			return malformed(d, source, doc, f->key, "missing key%s", "");
		if (n->type != JT_STR)
			return malformed(d, source, n, f->key, "expected a string, found %s",
					 jtype_describe(n));
		*(const char **)(base + f->off) = n->s;
		return 0;
	case FK_INT: {
		if (!n)
			return malformed(d, source, doc, f->key, "missing key%s", "");
		if (n->type != JT_NUM || !n->is_int)
			return malformed(d, source, n, f->key, "expected an integer, found %s",
					 jtype_describe(n));
		errno = 0;
		long long v = strtoll(n->s, NULL, 10);
		if (errno)
			return malformed(d, source, n, f->key, "integer %s out of range", n->s);
		*(long long *)(base + f->off) = v;
		return 0;
	}
	case FK_BOOL_OPT:
		if (!n || n->type == JT_NULL)
			return 0;
		if (n->type != JT_BOOL)
			return malformed(d, source, n, f->key, "expected true or false, found %s",
					 jtype_describe(n));
		*(bool *)(base + f->off) = n->b;
		return 0;
	}
	return -1;
}

/* Above any latency in seconds or throughput in tokens/s a real run reports (a trillion). */
#define METRIC_PLAUSIBLE_MAX 1e12

static int read_metric(struct result_row *row, enum row_metric m, const struct jnode *doc,
		       const char *source, struct diags *d)
{
	const struct jnode *n = jobj_get(doc, metric_keys[m]);
	if (!n || n->type == JT_NULL)
		return 0;
	if (n->type == JT_NUM)
		row->metric[m] = n->num;
	else if (!(n->type == JT_STR && pynum_float(&row->metric[m], n->s)))
		return malformed(d, source, n, metric_keys[m], "expected a number or null, found %s",
				 jtype_describe(n));
	/* a measurement that is not a number, or one no machine could produce, is an error, not
	 * a row: tables, charts and comparisons would otherwise carry it as if it were real */
	double v = row->metric[m];
	if (!isfinite(v))
		return diags_errorf(d, source, n->line, n->col, metric_keys[m],
				    "expected a finite number, found %s", n->s);
	if (v < 0 || v > METRIC_PLAUSIBLE_MAX)
		return diags_errorf(d, source, n->line, n->col, metric_keys[m],
				    "implausible value %s (expected 0 to %g)", n->s,
				    METRIC_PLAUSIBLE_MAX);
	row->has[m] = true;
	return 0;
}

static int row_from(struct result_row *row, const struct result_doc *doc, struct diags *d)
{
	memset(row, 0, sizeof(*row));
	row->source = doc->source;
	row->doc = doc->root;
	const struct jnode *mn = jobj_get(doc->root, "is_multinode");
	if (mn->type != JT_BOOL)
		return malformed(d, doc->source, mn, "is_multinode", "expected true or false, found %s",
				 jtype_describe(mn));
	row->multinode = mn->b;
	unsigned shape = row->multinode ? MUL : SNG;
	int rc = 0;
	for (size_t i = 0; i < RESULT_FIELDS_NR && !rc; i++)
		if (result_fields[i].shapes & shape)
			rc = read_field(row, &result_fields[i], doc->root, doc->source, d);
	for (int m = 0; m < MET_NR && !rc; m++)
		rc = read_metric(row, (enum row_metric)m, doc->root, doc->source, d);
	return rc;
}

int aggregate_rows(struct result_rows *out, const struct result_set *rs, struct diags *d)
{
	size_t errors = d->errors;
	for (size_t i = 0; i < rs->nr; i++) {
		struct result_row row;
		if (agentic_result_doc(rs->v[i].root)) /* their own table: agentic_table.c */
			continue;
		if (row_from(&row, &rs->v[i], d))
			continue;
		row.order = out->nr;
		VEC_PUSH(out, row);
	}
	return d->errors > errors ? -1 : 0;
}

void result_rows_release(struct result_rows *rows)
{
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

static int cmp_ll(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

/* executor-spec 7: (prefix, hw, framework, precision, isl, osl, tp, ep, conc), resp. the
 * multi-node key; strings by code point (strcmp on UTF-8 is code-point order). */
static int row_cmp(const void *pa, const void *pb)
{
	const struct result_row *a = pa, *b = pb;
	int c;
	if (a->multinode != b->multinode)
		return a->multinode ? 1 : -1;
	if ((c = strcmp(a->model_prefix, b->model_prefix)) || (c = strcmp(a->hw, b->hw)) ||
	    (c = strcmp(a->framework, b->framework)) || (c = strcmp(a->precision, b->precision)) ||
	    (c = cmp_ll(a->isl, b->isl)) || (c = cmp_ll(a->osl, b->osl)))
		return c;
	if (!a->multinode) {
		if ((c = cmp_ll(a->tp, b->tp)) || (c = cmp_ll(a->ep, b->ep)))
			return c;
	} else {
		if ((c = cmp_ll(a->prefill_tp, b->prefill_tp)) ||
		    (c = cmp_ll(a->prefill_ep, b->prefill_ep)) ||
		    (c = cmp_ll(a->decode_tp, b->decode_tp)) ||
		    (c = cmp_ll(a->decode_ep, b->decode_ep)))
			return c;
	}
	if ((c = cmp_ll(a->conc, b->conc)))
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

void aggregate_sort(struct result_rows *rows)
{
	if (rows->nr)
		qsort(rows->v, rows->nr, sizeof(*rows->v), row_cmp);
}

/* The cells of one row; this order is also the CSV's column order. */
enum col {
	C_MODEL, C_SERVED, C_HW, C_FW, C_PREC, C_ISL, C_OSL, C_TP, C_EP, C_DPA,
	C_P_TP, C_P_EP, C_P_DPA, C_P_WORKERS, C_P_GPUS, C_D_TP, C_D_EP, C_D_DPA, C_D_WORKERS,
	C_D_GPUS, C_CONC, C_TTFT, C_TPOT, C_INTVTY, C_E2EL, C_TPUT, C_OUT, C_IN, C_NR,
};

/* What a cell shows: a string field as it is or upper-cased, an integer field, or a metric
 * times a scale (TTFT and TPOT are shown in ms). */
enum cell_kind { CELL_STR, CELL_UPPER, CELL_INT, CELL_METRIC };

struct cell {
	const char *header;
	enum cell_kind kind;
	size_t offset;      /* of the field in struct result_row (CELL_STR, CELL_UPPER, CELL_INT) */
	enum row_metric metric; /* CELL_METRIC */
	double scale;       /* CELL_METRIC */
};

#define STR(h, f) { h, CELL_STR, offsetof(struct result_row, f), 0, 0 }
#define UPPER(h, f) { h, CELL_UPPER, offsetof(struct result_row, f), 0, 0 }
#define INT(h, f) { h, CELL_INT, offsetof(struct result_row, f), 0, 0 }
#define METRIC(h, m, scale) { h, CELL_METRIC, 0, m, scale }
static const struct cell cells[C_NR] = {
	[C_MODEL] = STR("Model", model_prefix),
	[C_SERVED] = STR("Served Model", model),
	[C_HW] = UPPER("Hardware", hw),
	[C_FW] = UPPER("Framework", framework),
	[C_PREC] = UPPER("Precision", precision),
	[C_ISL] = INT("ISL", isl),
	[C_OSL] = INT("OSL", osl),
	[C_TP] = INT("TP", tp),
	[C_EP] = INT("EP", ep),
	[C_DPA] = STR("DP Attention", dp_attention),
	[C_P_TP] = INT("Prefill TP", prefill_tp),
	[C_P_EP] = INT("Prefill EP", prefill_ep),
	[C_P_DPA] = STR("Prefill DP Attn", prefill_dp),
	[C_P_WORKERS] = INT("Prefill Workers", prefill_workers),
	[C_P_GPUS] = INT("Prefill GPUs", prefill_gpus),
	[C_D_TP] = INT("Decode TP", decode_tp),
	[C_D_EP] = INT("Decode EP", decode_ep),
	[C_D_DPA] = STR("Decode DP Attn", decode_dp),
	[C_D_WORKERS] = INT("Decode Workers", decode_workers),
	[C_D_GPUS] = INT("Decode GPUs", decode_gpus),
	[C_CONC] = INT("Conc", conc),
	[C_TTFT] = METRIC("TTFT (ms)", MET_TTFT, 1000),
	[C_TPOT] = METRIC("TPOT (ms)", MET_TPOT, 1000),
	[C_INTVTY] = METRIC("Interactivity (tok/s/user)", MET_INTVTY, 1),
	[C_E2EL] = METRIC("E2EL (s)", MET_E2EL, 1),
	[C_TPUT] = METRIC("TPUT per GPU", MET_TPUT, 1),
	[C_OUT] = METRIC("Output TPUT per GPU", MET_OUTPUT, 1),
	[C_IN] = METRIC("Input TPUT per GPU", MET_INPUT, 1),
};
#undef STR
#undef UPPER
#undef INT
#undef METRIC

/* The columns of each table, in order. */
static const enum col single_cols[] = {
	C_MODEL, C_SERVED, C_HW, C_FW, C_PREC, C_ISL, C_OSL, C_TP, C_EP, C_DPA, C_CONC,
	C_TTFT, C_TPOT, C_INTVTY, C_E2EL, C_TPUT, C_OUT, C_IN,
};

static const enum col multi_cols[] = {
	C_MODEL, C_SERVED, C_HW, C_FW, C_PREC, C_ISL, C_OSL, C_P_TP, C_P_EP, C_P_DPA,
	C_P_WORKERS, C_P_GPUS, C_D_TP, C_D_EP, C_D_DPA, C_D_WORKERS, C_D_GPUS, C_CONC,
	C_TTFT, C_TPOT, C_INTVTY, C_E2EL, C_TPUT, C_OUT, C_IN,
};

#define SINGLE_COLS_NR (sizeof(single_cols) / sizeof(single_cols[0]))
#define MULTI_COLS_NR (sizeof(multi_cols) / sizeof(multi_cols[0]))

static const char *const single_note =
	"Each row is one run on one node; latency columns are medians over its successful "
	"requests.";
static const char *const multi_note =
	"Each row is one concurrency of a disaggregated deployment; per-GPU throughput counts "
	"the prefill and decode GPUs the deployment reported.";

/* "%.4f" without trailing zeros (and without a trailing point). */
static void trim_zeros(struct buf *b)
{
	if (!strchr(b->s, '.'))
		return;
	size_t n = b->len;
	while (n && b->s[n - 1] == '0')
		n--;
	if (n && b->s[n - 1] == '.')
		n--;
	buf_setlen(b, n);
}

/* The cell text of column c for row r; false for a missing (null) metric. Metrics follow
 * the markdown rule (table_metric_text), or with csv the CSV one: %.4f, trailing zeros
 * dropped, no %g (aggregate.h). */
static bool cell_text(struct buf *b, const struct result_row *r, enum col c, bool csv)
{
	const struct cell *k = &cells[c];
	const char *field = (const char *)r + k->offset;
	buf_reset(b);
	switch (k->kind) {
	case CELL_STR:
		buf_adds(b, *(const char *const *)field);
		return true;
	case CELL_UPPER:
		upper(b, *(const char *const *)field);
		return true;
	case CELL_INT:
		buf_addf(b, "%lld", *(const long long *)field);
		return true;
	case CELL_METRIC:
		if (!r->has[k->metric])
			return false;
		if (csv) {
			buf_addf(b, "%.4f", r->metric[k->metric] * k->scale);
			trim_zeros(b);
		} else {
			table_metric_text(b, r->metric[k->metric] * k->scale);
		}
		return true;
	}
	return false;
}

static void section(struct buf *out, const struct result_rows *rows, bool multinode)
{
	const enum col *cols = multinode ? multi_cols : single_cols;
	size_t nc = multinode ? MULTI_COLS_NR : SINGLE_COLS_NR;
	const char *headers[MULTI_COLS_NR + 1];
	for (size_t i = 0; i < nc; i++)
		headers[i] = cells[cols[i]].header;
	/* joules per output token: a last column when a row of the table measured power */
	bool power = false;
	for (size_t i = 0; i < rows->nr; i++)
		power |= rows->v[i].multinode == multinode && rows->v[i].has[MET_JPOT];
	if (power)
		headers[nc] = "J/output token";
	struct table t;
	table_init(&t, headers, nc + power);
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < rows->nr; i++) {
		const struct result_row *r = &rows->v[i];
		if (r->multinode != multinode)
			continue;
		size_t row = table_row(&t);
		for (size_t c = 0; c < nc; c++) {
			bool ok = cell_text(&cell, r, cols[c], false);
			table_set(&t, row, c, ok ? cell.s : NULL);
		}
		if (power && r->has[MET_JPOT]) {
			buf_reset(&cell);
			table_metric_text(&cell, r->metric[MET_JPOT]);
		}
		if (power)
			table_set(&t, row, nc, r->has[MET_JPOT] ? cell.s : NULL);
	}
	if (t.rows) {
		buf_addf(out, "## %s Results\n\n%s\n\n", multinode ? "Multi-Node" : "Single-Node",
			 multinode ? multi_note : single_note);
		table_render(out, &t);
		buf_adds(out, multinode ? "\n" : "\n\n\n");
	}
	buf_release(&cell);
	table_release(&t);
}

/* Ours, after the spec's sections and only when a result has them: the server's /metrics
 * figures (process: server_*), one row per result that has them. */
static const struct {
	const char *header, *key;
	double scale;
} server_cols[] = {
	{ "Prefix Cache Hit (%)", "server_prefix_cache_hit_rate", 100 },
	{ "KV Cache Max (%)", "server_kv_cache_usage_max", 100 },
	{ "Running Max", "server_requests_running_max", 1 },
	{ "Waiting Max", "server_requests_waiting_max", 1 },
	{ "Preemptions", "server_preemptions", 1 },
	{ "Server Gen TPUT (tok/s)", "server_generation_throughput", 1 },
};
#define SERVER_COLS_NR (sizeof(server_cols) / sizeof(server_cols[0]))

static void server_section(struct buf *out, const struct result_rows *rows)
{
	const char *headers[5 + SERVER_COLS_NR] = { "Model", "Hardware", "Framework", "Conc",
						    "Adapter" };
	for (size_t c = 0; c < SERVER_COLS_NR; c++)
		headers[5 + c] = server_cols[c].header;
	struct table t;
	table_init(&t, headers, 5 + SERVER_COLS_NR);
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < rows->nr; i++) {
		const struct result_row *r = &rows->v[i];
		const char *adapter = jobj_str(r->doc, "server_metrics_adapter");
		if (!adapter)
			continue;
		size_t row = table_row(&t);
		table_set(&t, row, 0, r->model_prefix);
		buf_reset(&cell);
		upper(&cell, r->hw);
		table_set(&t, row, 1, cell.s);
		buf_reset(&cell);
		upper(&cell, r->framework);
		table_set(&t, row, 2, cell.s);
		buf_reset(&cell);
		buf_addf(&cell, "%lld", r->conc);
		table_set(&t, row, 3, cell.s);
		table_set(&t, row, 4, adapter);
		for (size_t c = 0; c < SERVER_COLS_NR; c++) {
			const struct jnode *n = jobj_get(r->doc, server_cols[c].key);
			if (!n || n->type != JT_NUM)
				continue; /* null: a blank cell */
			buf_reset(&cell);
			table_metric_text(&cell, n->num * server_cols[c].scale);
			table_set(&t, row, 5 + c, cell.s);
		}
	}
	if (t.rows) {
		buf_adds(out, "\n\n## Server Metrics\n\nWhat the server's /metrics said during "
			 "each load (ours; docs/executor.md, Server metrics).\n\n");
		table_render(out, &t);
		buf_adds(out, "\n");
	}
	buf_release(&cell);
	table_release(&t);
}

void aggregate_markdown(struct buf *out, const struct result_rows *rows)
{
	section(out, rows, false);
	section(out, rows, true);
	server_section(out, rows);
}

void aggregate_json(struct buf *out, const struct result_rows *rows)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < rows->nr; i++)
		jtree_write(&w, rows->v[i].doc);
	jsonw_arr_close(&w);
}

static bool kind_has(bool multinode, enum col c)
{
	const enum col *cols = multinode ? multi_cols : single_cols;
	size_t nc = multinode ? MULTI_COLS_NR : SINGLE_COLS_NR;
	for (size_t i = 0; i < nc; i++)
		if (cols[i] == c)
			return true;
	return false;
}

/* Every column of both tables, each once, in enum col order. */
void aggregate_csv(struct buf *out, const struct result_rows *rows)
{
	const char *fields[C_NR + 1];
	fields[0] = "kind";
	for (size_t c = 0; c < C_NR; c++)
		fields[c + 1] = cells[c].header;
	csv_record(out, fields, C_NR + 1);
	struct buf text[C_NR];
	for (size_t c = 0; c < C_NR; c++)
		buf_init(&text[c]);
	for (size_t i = 0; i < rows->nr; i++) {
		const struct result_row *r = &rows->v[i];
		fields[0] = r->multinode ? "multi-node" : "single-node";
		for (size_t c = 0; c < C_NR; c++) {
			bool ok = kind_has(r->multinode, c) && cell_text(&text[c], r, c, true);
			fields[c + 1] = ok ? text[c].s : NULL;
		}
		csv_record(out, fields, C_NR + 1);
	}
	for (size_t c = 0; c < C_NR; c++)
		buf_release(&text[c]);
}

/* For other renderings of the markdown's tables (the HTML report): the columns of a kind
 * and a row's cell text, by the markdown's rules. */
size_t aggregate_columns(const char **headers, bool multinode)
{
	const enum col *cols = multinode ? multi_cols : single_cols;
	size_t nc = multinode ? MULTI_COLS_NR : SINGLE_COLS_NR;
	for (size_t i = 0; i < nc; i++)
		headers[i] = cells[cols[i]].header;
	return nc;
}

bool aggregate_cell(struct buf *out, const struct result_row *r, size_t i)
{
	return cell_text(out, r, (r->multinode ? multi_cols : single_cols)[i], false);
}
