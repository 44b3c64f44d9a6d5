/*
 * aggregate: many processed results -> rows, sorted rows, and the outputs of executor-spec
 * section 7: the JSON array, the markdown sections, the CSV export. The SVG charts are
 * chart.c; the files and options are cmd_aggregate.c; compare.c reuses the rows.
 *
 * A row is a result whose configuration fields have the types process writes (strings,
 * integers, is_multinode a boolean). A result that does not is malformed: a warning names
 * its file and key, and it is left out of every output. Metrics may be numbers, numeric
 * strings, null or absent (null and absent print as empty cells).
 *
 * Use: aggregate_rows(&rows, &set, d) -> aggregate_sort(&rows) -> aggregate_markdown /
 * aggregate_csv -> result_rows_release(&rows). Rows borrow from the result set: release the
 * rows before the set.
 */
#ifndef EXECUTOR_AGGREGATE_H
#define EXECUTOR_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct jnode;
struct result_set;

/* The metrics of a processed result (a row's columns), not the load's per-request latency
 * metrics (load/config.h enum metric, the raw result's): these are medians in seconds,
 * interactivity and per-GPU throughputs, read back from the files process wrote. */
enum row_metric {
	MET_TTFT,    /* median_ttft, s */
	MET_TPOT,    /* median_tpot, s */
	MET_INTVTY,  /* median_intvty, tok/s/user */
	MET_E2EL,    /* median_e2el, s */
	MET_TPUT,    /* tput_per_gpu */
	MET_OUTPUT,  /* output_tput_per_gpu */
	MET_INPUT,   /* input_tput_per_gpu */
	MET_JPOT,    /* joules_per_output_token (power schema v2), only when measured */
	MET_NR,
};

/* The result key of each metric ("median_ttft", ...). */
extern const char *const metric_keys[MET_NR];

struct result_row {
	const char *source;       /* borrowed from the result set */
	const struct jnode *doc;  /* borrowed from the result set */
	size_t order;             /* reading order: ties keep it */
	bool multinode, disagg;
	const char *model_prefix, *model, *hw, *framework, *precision; /* borrowed */
	const char *spec_decoding, *image;  /* borrowed; "" when absent */
	const char *dp_attention;           /* single-node; borrowed */
	const char *prefill_dp, *decode_dp; /* multi-node; borrowed */
	long long isl, osl, conc, tp, ep;
	long long prefill_tp, prefill_ep, prefill_workers, prefill_gpus;
	long long decode_tp, decode_ep, decode_workers, decode_gpus;
	double metric[MET_NR];
	bool has[MET_NR]; /* false: null or absent */
};

struct result_rows {
	struct result_row *v;
	size_t nr, alloc;
};

/* One row per well-formed result of rs, in reading order; a warning per malformed one (it is
 * skipped). -1 with an error naming the file and key when a metric is not a finite number or
 * is implausible (negative, above 1e12): such a set is no measurement to publish. */
int aggregate_rows(struct result_rows *out, const struct result_set *rs, struct diags *d);
void result_rows_release(struct result_rows *rows);
/* Single-node rows first, each kind by the spec's sort key; ties in reading order. */
void aggregate_sort(struct result_rows *rows);
/* The markdown of executor-spec 7 (both sections; one without rows left out). */
void aggregate_markdown(struct buf *out, const struct result_rows *rows);
/* The rows' documents as one JSON array in the rows' order (cmd_aggregate: reading order,
 * like the collectors' arrays), 2-space indent, no trailing newline. */
void aggregate_json(struct buf *out, const struct result_rows *rows);
/* CSV (RFC 4180, CRLF line ends): one header row, then the rows as in the markdown: a
 * `kind` column (single-node / multi-node), then the union of both tables' columns; a
 * column a kind does not have is empty. Metrics are %.4f texts with trailing zeros dropped
 * (the markdown's first step without its %g, so large throughputs keep their digits). */
void aggregate_csv(struct buf *out, const struct result_rows *rows);

/* The markdown's columns of one kind (at most AGGREGATE_COLUMNS_MAX) and the text of a row's
 * column i by the markdown's rule; false: a missing (null) metric. For the HTML report. */
#define AGGREGATE_COLUMNS_MAX 32
size_t aggregate_columns(const char **headers, bool multinode);
bool aggregate_cell(struct buf *out, const struct result_row *r, size_t i);

#endif
