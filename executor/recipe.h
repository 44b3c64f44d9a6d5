/*
 * recipe: which server recipe runs an entry (executor-spec 3.2). In
 * benchmarks/single_node/ or benchmarks/multi_node/ under the workspace (an agentic entry's
 * in their agentic/ folder, as upstream's SCENARIO_SUBDIR), the first existing of
 *   {code}_{precision}_{gpu}_{framework}[_{spec}].sh
 *   {code}_{precision}_{gpu}[_{spec}].sh
 * where code is exp-name up to the first '_', gpu comes from the node profile and _{spec}
 * is added when spec-decoding is not none. The error lists every name tried.
 */
#ifndef EXECUTOR_RECIPE_H
#define EXECUTOR_RECIPE_H

#include <stdbool.h>

struct buf;
struct diags;

struct recipe_key {
	bool multinode;
	bool agentic;   /* scenario-type agentic-coding: benchmarks/.../agentic/ */
	const char *exp_name, *precision, *gpu, *framework, *spec;
};

/* Sets rel_out to the recipe's path relative to the workspace
 * ("benchmarks/single_node/dsr1_fp8_h200_sglang.sh"). Returns 0 or -1 with a diag. */
int recipe_resolve(struct buf *rel_out, const char *workspace, const struct recipe_key *k,
		   struct diags *d);

#endif
