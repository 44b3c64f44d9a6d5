/*
 * agentic_table: aggregate's table of agentic results (scenario_type "agentic-coding", the
 * documents process --agentic writes): they have no isl/osl and are not rows of the
 * fixed-sequence tables, so they get a `## Agentic Results` section of their own after them:
 * the headline interactivity (E2E-normalised, p50 and p90), TTFT p90, throughput per GPU,
 * requests and the server's cache hit rate, one row per result, sorted like the other
 * tables (model, hardware, framework, precision, then concurrency).
 */
#ifndef EXECUTOR_AGENTIC_TABLE_H
#define EXECUTOR_AGENTIC_TABLE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct jnode;
struct result_set;
struct table;

/* The sentence under the section's heading. */
#define AGENTIC_TABLE_NOTE "Interactivity is 1 / percentile(E2EL / OSL) per request (upstream's " \
	"e2e_norm_intvty)."

/* Whether a result document is an agentic one. */
bool agentic_result_doc(const struct jnode *root);
/* The value at a dotted key path ("request_metrics.latency.ttft.p90") in doc, or NULL when a
 * step is absent or not an object. Borrowed from doc. */
const struct jnode *agentic_doc_at(const struct jnode *doc, const char *path);
/* The table of the set's agentic results, sorted (t initialised here, released by the
 * caller with table_release, also when none); returns their count. */
size_t agentic_table_fill(struct table *t, const struct result_set *rs);
/* Appends the section (nothing when the set has no agentic result); returns their count. */
size_t agentic_table_markdown(struct buf *out, const struct result_set *rs);

#endif
