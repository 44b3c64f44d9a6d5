/*
 * changelog_v2: the matrix for the changelog entries a change added, for v2 master configs,
 * as upstream's utils/process_changelog.py (InferenceX 843c6254f) builds it:
 *   - each entry's keys resolved ('*' wildcards, master order), entries with all-evals
 *     first; throughput rows as `test-config --no-evals [--scenario-type ...]` would print
 *     them and eval rows as `test-config --evals-only [--all-evals] --scenario-type ...`,
 *     each (config, scenario) taken once; eval-min-prefill-ep drops multinode eval rows;
 *   - append-only entries: the base revision's configs (git show) generate the same rows,
 *     and only the points the head adds are kept, after checking the change touched
 *     nothing outside the entries' scope;
 *   - --trim-conc, then a recipe-fingerprint on every throughput row (SHA-256 of the row
 *     without conc, exp-name and recipe-fingerprint, keys sorted, compact ASCII JSON);
 *   - the seven buckets and changelog_metadata, written as upstream's pydantic models dump
 *     them (model field order, defaults filled, unset optionals left out, compact UTF-8).
 * Errors carry upstream's messages (without its traceback).
 */
#ifndef MATRIXGEN_CHANGELOG_V2_H
#define MATRIXGEN_CHANGELOG_V2_H

#include <stdbool.h>

#include "matrixgen/config.h"

struct buf;
struct diags;

struct changelog_v2_opts {
	const char *base_ref, *head_ref;
	bool trim_conc, all_evals, evals_only;
};

/* in holds the head's configs, runner file and the added entries (in->changelog). */
int changelog_v2(struct buf *out, const struct inputs *in, const struct changelog_v2_opts *o,
		 struct diags *d);

#endif
