/*
 * ci_priority: scheduling metadata for every job of a generated matrix, as upstream's
 * utils/ci_priority.py (InferenceX 843c6254f) adds it before run-sweep.yml fans the jobs
 * out: `priority` (a score, higher runs sooner, three decimals), `queue-token` (the first
 * 32 hex digits of SHA-256 over "namespace:path:canonical job JSON") and, on a PR carrying
 * the skip-queue label, `skip-queue-pr`.
 *
 * The policy (configs/ci-priority.yaml) is read strictly: unknown keys, wrong types and
 * a version other than 1 are errors with file:line:col. Scores are exact decimals, as
 * Python's Decimal(str(value)) makes them: fixed point with 12 decimals (a policy number
 * with more is refused), rounded half up to 0.001.
 *
 * Ownership: struct ci_policy owns its lists and the YAML document its strings point into;
 * ci_policy_release frees them. ci_annotate borrows everything.
 */
#ifndef MATRIXGEN_CI_PRIORITY_H
#define MATRIXGEN_CI_PRIORITY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/yamltree.h"

struct buf;
struct diags;
struct jnode;

/* A score or adjustment in units of 1e-12. */
typedef long long ci_score;

struct ci_adjust {
	const char *key; /* borrowed from the policy document */
	ci_score v;
};

struct ci_adjust_map {
	struct ci_adjust *v; /* owned, in the order written (framework-prefix: first match wins) */
	size_t nr;
};

struct ci_policy {
	struct ydoc doc;
	ci_score base_score;
	struct ci_adjust_map event, precision, spec_decoding, framework_prefix, model_prefix;
	ci_score multi_node, agentic, eval_only;
	const char *skip_queue_label;
	const char **checklist_labels; /* owned array */
	size_t checklist_labels_nr;
	ci_score checklist_adjustment;
	const char **patchwork_labels, **patchwork_waivers; /* owned arrays */
	size_t patchwork_labels_nr, patchwork_waivers_nr;
	ci_score patchwork_score;
};

/* What the job is judged in: the workflow's event, the PR's labels, the queue namespace
 * (run id and attempt), the PR number, and optional criteria that replace the job's own
 * facts (upstream's --criteria-json). Borrowed strings. */
struct ci_context {
	const char *event_name;
	const char **labels;
	size_t labels_nr;
	const char *queue_namespace;
	bool has_pr_number;
	long pr_number;
	bool has_criteria;
	const char **criteria;
	size_t criteria_nr;
};

/* Loads and checks the policy text (name is used in messages). Returns 0 or -1 with diags;
 * release the policy either way. */
int ci_policy_load(struct ci_policy *p, const char *name, const char *text, size_t len,
		   struct diags *d);
void ci_policy_release(struct ci_policy *p);

/* Refuses criteria the policy does not know (upstream's "Unknown CI priority criteria"). */
int ci_check_criteria(const struct ci_policy *p, const struct ci_context *c, struct diags *d);

/* Writes the payload with every job (an object with both `runner` and `framework`, at any
 * depth) annotated, as compact ASCII JSON and a newline: json.dump(..., separators=(",",
 * ":")) of upstream's annotate_jobs. */
void ci_annotate(struct buf *out, const struct jnode *payload, const struct ci_policy *p,
		 const struct ci_context *c);

/* The score as upstream formats it: "%.3f" of the Decimal, half up ("-0.000" kept). */
void ci_score_format(char out[32], ci_score v);

#endif
