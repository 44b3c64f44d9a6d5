/*
 * eval_rows: accuracy-eval results among aggregate's inputs -> rows, the markdown section,
 * the JSON array and the CSV, as upstream's utils/collect_eval_results.py (843c6254f) builds
 * them, plus our threshold verdict. An eval result is an lm-eval results JSON (a
 * `results*.json` with the key `lm_eval_version`: what `executor eval` and run's eval phase
 * write as results_gsm8k.json, and what lm-eval writes) in a set (set_read.h: an artifact or
 * a directory) that also holds the run's entry.json: the configuration columns come from the
 * entry, as upstream's come from meta_env.json. One row per task of `results`.
 *
 * Use: eval_rows_read(&rows, &sets, d) -> eval_rows_sort -> eval_rows_markdown / _json / _csv
 * -> eval_rows_release. Rows own their strings.
 */
#ifndef EXECUTOR_EVAL_ROWS_H
#define EXECUTOR_EVAL_ROWS_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct file_sets;

/* The files a set must offer eval_rows_read (set_read's want function). */
bool eval_rows_want(const char *base_name);

struct eval_row {
	char *source;                  /* owned: the results file */
	bool multinode;
	char *model_prefix, *model, *hw, *framework, *precision, *spec_decoding; /* owned */
	char *dp_attention, *prefill_dp, *decode_dp;                             /* owned */
	long long isl, osl, tp, ep, conc;
	long long prefill_tp, prefill_ep, prefill_workers, decode_tp, decode_ep, decode_workers;
	char *task;                    /* owned */
	/* exact_match under the strict and the flexible filter, their stderr; has_*: written */
	double strict, strict_se, flex, flex_se;
	bool has_strict, has_strict_se, has_flex, has_flex_se;
	long long n_eff;               /* 0: not written */
	/* our verdict (results JSON "threshold"): absent in lm-eval's own files */
	bool has_threshold, pass;
	double min_score;
	size_t order;                  /* reading order: sort ties keep it */
};

struct eval_rows {
	struct eval_row *v;
	size_t nr, alloc;
};

/* Rows from every eval result in sets, in reading order. A results file that is not JSON or
 * not lm-eval's shape, or a set without a readable entry.json, is a warning naming the file
 * (it is skipped). */
void eval_rows_read(struct eval_rows *out, const struct file_sets *sets, struct diags *d);
/* Upstream's sort: single-node rows by (model prefix, hardware, framework, precision,
 * spec decoding, isl, osl, tp, ep, conc), multi-node by the prefill and decode topology
 * in place of tp and ep; ties in reading order. */
void eval_rows_sort(struct eval_rows *rows);
/* "## Eval Summary", then upstream's "### Single-Node Eval Results" and "### Multi-Node
 * Eval Results" tables (tabulate's github format: table.h) with two columns of ours last,
 * "Min Score" and "Pass"; nothing when there are no rows. */
void eval_rows_markdown(struct buf *out, const struct eval_rows *rows);
/* upstream's agg_eval JSON: one object per row, its keys in upstream's order, then
 * min_score and pass (null without a verdict); 2-space indent, no trailing newline. */
void eval_rows_json(struct buf *out, const struct eval_rows *rows);
/* The markdown's columns as CSV (RFC 4180, CRLF), a `kind` column first, scores as
 * fractions (%.4f, trailing zeros dropped), not percentages. */
void eval_rows_csv(struct buf *out, const struct eval_rows *rows);
void eval_rows_release(struct eval_rows *rows);
/* The markdown's columns of one kind (at most EVAL_COLUMNS_MAX) and the text of a row's
 * column i; false: missing. For the HTML report. */
#define EVAL_COLUMNS_MAX 32
size_t eval_rows_columns(const char **headers, bool multinode);
bool eval_rows_cell(struct buf *out, const struct eval_row *r, size_t i);

#endif
