/*
 * compare: two sets of processed results (BASE, NEW) -> a markdown report of how the numbers
 * moved, configuration by configuration, and whether any moved the wrong way.
 *
 * A configuration is every field of a row but the numbers and the image: kind, model
 * prefix, served model, hardware, framework, precision, spec decoding, disagg, isl, osl,
 * tp/ep/dp attention (single-node) or the prefill/decode workers and GPU counts
 * (multi-node), and concurrency. The image is left out on purpose: a new image is what a
 * comparison usually measures. When a configuration appears more than once on one side,
 * the first in reading order is used and a warning says so.
 *
 * Compared: tput_per_gpu and median interactivity (higher is better), median TTFT, TPOT and
 * E2EL (lower is better). A regression is a change for the worse by more than the threshold
 * (percent of the base value); a base value of 0 or a null on either side is not compared.
 *
 * Use: compare_rows(&md, &summary, &base_rows, &new_rows, threshold_pct, d). Rows from
 * aggregate_rows, sorted with aggregate_sort (the report follows their order).
 */
#ifndef EXECUTOR_COMPARE_H
#define EXECUTOR_COMPARE_H

#include <stddef.h>

struct buf;
struct diags;
struct result_rows;

struct compare_summary {
	size_t matched, regressions, base_only, new_only;
};

void compare_rows(struct buf *md, struct compare_summary *sum, const struct result_rows *base,
		  const struct result_rows *neu, double threshold_pct, struct diags *d);


#endif
