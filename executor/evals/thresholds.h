/*
 * thresholds: the lowest passing score of each eval task, as data (configs/eval-thresholds.yaml,
 * upstream's utils/evals/thresholds.yaml format):
 *     default:            task -> score for every model
 *       gsm8k: 0.90
 *     models:             model prefix -> task -> score, which wins over default
 *       dsr1:
 *         gsm8k: 0.91
 * Read strictly: a mapping with only these two keys (either may be absent), every score a plain
 * number in [0, 1]; anything else is an error at its file:line:col with its key path. (Upstream
 * also reads a legacy flat mapping of task -> score and JSON; we do not.)
 *
 * Use: thresholds_load -> thresholds_resolve per (model prefix, task) -> thresholds_release.
 */
#ifndef EXECUTOR_EVALS_THRESHOLDS_H
#define EXECUTOR_EVALS_THRESHOLDS_H

#include <stddef.h>

struct diags;

struct threshold {
	char *model;  /* owned; NULL for a default */
	char *task;   /* owned */
	double min_score;
};

struct thresholds {
	struct threshold *v;
	size_t nr, alloc;
};

/* The score a task needs when no row names it (upstream's validate_scores --min-score). */
#define THRESHOLD_FALLBACK 0.85

int thresholds_load(struct thresholds *out, const char *path, struct diags *d);
void thresholds_release(struct thresholds *t);
/* The threshold for task under model_prefix (may be NULL): models.<prefix>.<task>, else
 * default.<task>, else THRESHOLD_FALLBACK; source_buf says which: "models.<prefix>",
 * "default" or "fallback". */
double thresholds_resolve(const struct thresholds *t, const char *model_prefix,
			  const char *task, char *source_buf, size_t source_size);

#endif
