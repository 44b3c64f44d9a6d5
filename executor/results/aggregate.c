/* aggregate: see aggregate.h. The result fields are a table {key, kind, shape, offset};
 * the markdown columns are two tables of {header, how to get the cell}, in the spec's order. */
#include "executor/results/aggregate.h"

#include <errno.h>
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
#include "executor/core/jtree.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"
#include "executor/results/table.h"

const char *const metric_keys[MET_NR] = {
	"median_ttft", "median_tpot", "median_intvty", "median_e2el",
	"tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu",
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

void aggregate_rows(struct result_rows *out, const struct result_set *rs, struct diags *d)
{
	for (size_t i = 0; i < rs->nr; i++) {
		struct result_row row;
		if (row_from(&row, &rs->v[i], d))
			continue;
		row.order = out->nr;
		VEC_PUSH(out, row);
	}
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

/* The cells of one row, in the order of the column tables below. */
enum col {
	C_MODEL, C_SERVED, C_HW, C_FW, C_PREC, C_ISL, C_OSL, C_TP, C_EP, C_DPA,
	C_P_TP, C_P_EP, C_P_DPA, C_P_WORKERS, C_P_GPUS, C_D_TP, C_D_EP, C_D_DPA, C_D_WORKERS,
	C_D_GPUS, C_CONC, C_TTFT, C_TPOT, C_INTVTY, C_E2EL, C_TPUT, C_OUT, C_IN, C_NR,
};

struct column {
	const char *header;
	enum col col;
};

static const struct column single_cols[] = {
	{ "Model", C_MODEL }, { "Served Model", C_SERVED }, { "Hardware", C_HW },
	{ "Framework", C_FW }, { "Precision", C_PREC }, { "ISL", C_ISL }, { "OSL", C_OSL },
	{ "TP", C_TP }, { "EP", C_EP }, { "DP Attention", C_DPA }, { "Conc", C_CONC },
	{ "TTFT (ms)", C_TTFT }, { "TPOT (ms)", C_TPOT },
	{ "Interactivity (tok/s/user)", C_INTVTY }, { "E2EL (s)", C_E2EL },
	{ "TPUT per GPU", C_TPUT }, { "Output TPUT per GPU", C_OUT },
	{ "Input TPUT per GPU", C_IN },
};

static const struct column multi_cols[] = {
	{ "Model", C_MODEL }, { "Served Model", C_SERVED }, { "Hardware", C_HW },
	{ "Framework", C_FW }, { "Precision", C_PREC }, { "ISL", C_ISL }, { "OSL", C_OSL },
	{ "Prefill TP", C_P_TP }, { "Prefill EP", C_P_EP }, { "Prefill DP Attn", C_P_DPA },
	{ "Prefill Workers", C_P_WORKERS }, { "Prefill GPUs", C_P_GPUS },
	{ "Decode TP", C_D_TP }, { "Decode EP", C_D_EP }, { "Decode DP Attn", C_D_DPA },
	{ "Decode Workers", C_D_WORKERS }, { "Decode GPUs", C_D_GPUS }, { "Conc", C_CONC },
	{ "TTFT (ms)", C_TTFT }, { "TPOT (ms)", C_TPOT },
	{ "Interactivity (tok/s/user)", C_INTVTY }, { "E2EL (s)", C_E2EL },
	{ "TPUT per GPU", C_TPUT }, { "Output TPUT per GPU", C_OUT },
	{ "Input TPUT per GPU", C_IN },
};

#define SINGLE_COLS_NR (sizeof(single_cols) / sizeof(single_cols[0]))
#define MULTI_COLS_NR (sizeof(multi_cols) / sizeof(multi_cols[0]))

static const char *const single_note =
	"Each row is one run on one node; latency columns are medians over its successful "
	"requests.";
static const char *const multi_note =
	"Each row is one concurrency of a disaggregated deployment; per-GPU throughput counts "
	"the prefill and decode GPUs the deployment reported.";

/* The metric of a column and its scale (TTFT and TPOT are shown in ms). */
static bool col_metric(enum col c, enum row_metric *m, double *scale)
{
	static const struct { enum col c; enum row_metric m; double scale; } map[] = {
		{ C_TTFT, MET_TTFT, 1000 }, { C_TPOT, MET_TPOT, 1000 }, { C_INTVTY, MET_INTVTY, 1 },
		{ C_E2EL, MET_E2EL, 1 }, { C_TPUT, MET_TPUT, 1 }, { C_OUT, MET_OUTPUT, 1 },
		{ C_IN, MET_INPUT, 1 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].c == c) {
			*m = map[i].m;
			*scale = map[i].scale;
			return true;
		}
	return false;
}

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
	enum row_metric m;
	double scale;
	buf_reset(b);
	if (col_metric(c, &m, &scale)) {
		if (!r->has[m])
			return false;
		if (csv) {
			buf_addf(b, "%.4f", r->metric[m] * scale);
			trim_zeros(b);
		} else {
			table_metric_text(b, r->metric[m] * scale);
		}
		return true;
	}
	long long v = 0;
	switch (c) {
	case C_MODEL:
		buf_adds(b, r->model_prefix);
		return true;
	case C_SERVED:
		buf_adds(b, r->model);
		return true;
	case C_HW:
		upper(b, r->hw);
		return true;
	case C_FW:
		upper(b, r->framework);
		return true;
	case C_PREC:
		upper(b, r->precision);
		return true;
	case C_DPA:
		buf_adds(b, r->dp_attention);
		return true;
	case C_P_DPA:
		buf_adds(b, r->prefill_dp);
		return true;
	case C_D_DPA:
		buf_adds(b, r->decode_dp);
		return true;
	case C_ISL: v = r->isl; break;
	case C_OSL: v = r->osl; break;
	case C_TP: v = r->tp; break;
	case C_EP: v = r->ep; break;
	case C_P_TP: v = r->prefill_tp; break;
	case C_P_EP: v = r->prefill_ep; break;
	case C_P_WORKERS: v = r->prefill_workers; break;
	case C_P_GPUS: v = r->prefill_gpus; break;
	case C_D_TP: v = r->decode_tp; break;
	case C_D_EP: v = r->decode_ep; break;
	case C_D_WORKERS: v = r->decode_workers; break;
	case C_D_GPUS: v = r->decode_gpus; break;
	case C_CONC: v = r->conc; break;
	default:
		return false;
	}
	buf_addf(b, "%lld", v);
	return true;
}

static void section(struct buf *out, const struct result_rows *rows, bool multinode)
{
	const struct column *cols = multinode ? multi_cols : single_cols;
	size_t nc = multinode ? MULTI_COLS_NR : SINGLE_COLS_NR;
	const char *headers[MULTI_COLS_NR];
	for (size_t i = 0; i < nc; i++)
		headers[i] = cols[i].header;
	struct table t;
	table_init(&t, headers, nc);
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < rows->nr; i++) {
		const struct result_row *r = &rows->v[i];
		if (r->multinode != multinode)
			continue;
		size_t row = table_row(&t);
		for (size_t c = 0; c < nc; c++) {
			bool ok = cell_text(&cell, r, cols[c].col, false);
			table_set(&t, row, c, ok ? cell.s : NULL);
		}
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

void aggregate_markdown(struct buf *out, const struct result_rows *rows)
{
	section(out, rows, false);
	section(out, rows, true);
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

/* Every column of both tables, each once, in table order. */
static const struct column csv_cols[] = {
	{ "Model", C_MODEL }, { "Served Model", C_SERVED }, { "Hardware", C_HW },
	{ "Framework", C_FW }, { "Precision", C_PREC }, { "ISL", C_ISL }, { "OSL", C_OSL },
	{ "TP", C_TP }, { "EP", C_EP }, { "DP Attention", C_DPA },
	{ "Prefill TP", C_P_TP }, { "Prefill EP", C_P_EP }, { "Prefill DP Attn", C_P_DPA },
	{ "Prefill Workers", C_P_WORKERS }, { "Prefill GPUs", C_P_GPUS },
	{ "Decode TP", C_D_TP }, { "Decode EP", C_D_EP }, { "Decode DP Attn", C_D_DPA },
	{ "Decode Workers", C_D_WORKERS }, { "Decode GPUs", C_D_GPUS }, { "Conc", C_CONC },
	{ "TTFT (ms)", C_TTFT }, { "TPOT (ms)", C_TPOT },
	{ "Interactivity (tok/s/user)", C_INTVTY }, { "E2EL (s)", C_E2EL },
	{ "TPUT per GPU", C_TPUT }, { "Output TPUT per GPU", C_OUT },
	{ "Input TPUT per GPU", C_IN },
};
#define CSV_COLS_NR (sizeof(csv_cols) / sizeof(csv_cols[0]))

static bool kind_has(bool multinode, enum col c)
{
	const struct column *cols = multinode ? multi_cols : single_cols;
	size_t nc = multinode ? MULTI_COLS_NR : SINGLE_COLS_NR;
	for (size_t i = 0; i < nc; i++)
		if (cols[i].col == c)
			return true;
	return false;
}

void aggregate_csv(struct buf *out, const struct result_rows *rows)
{
	const char *fields[CSV_COLS_NR + 1];
	fields[0] = "kind";
	for (size_t c = 0; c < CSV_COLS_NR; c++)
		fields[c + 1] = csv_cols[c].header;
	csv_record(out, fields, CSV_COLS_NR + 1);
	struct buf cells[CSV_COLS_NR];
	for (size_t c = 0; c < CSV_COLS_NR; c++)
		buf_init(&cells[c]);
	for (size_t i = 0; i < rows->nr; i++) {
		const struct result_row *r = &rows->v[i];
		fields[0] = r->multinode ? "multi-node" : "single-node";
		for (size_t c = 0; c < CSV_COLS_NR; c++) {
			bool ok = kind_has(r->multinode, csv_cols[c].col) &&
				  cell_text(&cells[c], r, csv_cols[c].col, true);
			fields[c + 1] = ok ? cells[c].s : NULL;
		}
		csv_record(out, fields, CSV_COLS_NR + 1);
	}
	for (size_t c = 0; c < CSV_COLS_NR; c++)
		buf_release(&cells[c]);
}
