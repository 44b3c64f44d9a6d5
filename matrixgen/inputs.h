/*
 * inputs: the options every subcommand shares (matrix-spec 3.0) and turning them into
 * loaded files: the config files given (or the default set), the runner file given (or
 * the default one, 1.3), and the warnings for runners the runner file lacks (1.1).
 */
#ifndef MATRIXGEN_INPUTS_H
#define MATRIXGEN_INPUTS_H

#include <stdbool.h>

#include "common/opt.h"
#include "common/vec.h"
#include "matrixgen/config.h"

struct common_opts {
	struct strvec config_files;
	const char *runner_config;
	bool run_evals, evals_only;
	bool no_evals, all_evals;       /* v2 only */
	struct strvec scenario_types;   /* v2 only: --scenario-type */
	const char *node_filter;
};

#define OPT_ROW_CONFIG_FILES(o, flags)                                                     \
	{ "config-files", OPT_LIST, flags, &(o)->config_files, "F", "master config files", 0,  \
	  NULL, NULL }
#define OPT_ROW_RUNNER_CONFIG(o)                                                           \
	{ "runner-config", OPT_STR, 0, &(o)->runner_config, "F",                               \
	  "runner file (default configs/runners.yaml, else .github/configs/runners.yaml)", 0,  \
	  NULL, NULL }
#define OPT_ROWS_EVALS(o)                                                                  \
	{ "run-evals", OPT_FLAG, 0, &(o)->run_evals, NULL,                                     \
	  "mark eval entries (run-eval: true)", 0, NULL, "evals-only" },                       \
	{ "evals-only", OPT_FLAG, 0, &(o)->evals_only, NULL,                                   \
	  "mark eval entries and print only those", 0, NULL, "run-evals" }
/* v2 (upstream 843c6254f): evals are marked by default */
#define OPT_ROWS_EVALS_V2(o)                                                               \
	{ "no-evals", OPT_FLAG, 0, &(o)->no_evals, NULL,                                       \
	  "v2: do not mark eval entries (marked by default)", 0, NULL, "evals-only" },         \
	{ "all-evals", OPT_FLAG, 0, &(o)->all_evals, NULL,                                     \
	  "v2: every 8k1k and agentic entry is an eval; print only those", 0, NULL, "no-evals" }, \
	{ "scenario-type", OPT_LIST, 0, &(o)->scenario_types, "T",                             \
	  "v2: only these scenario types", 0, scenario_type_choices, NULL }
extern const char *const scenario_type_choices[];
#define OPT_ROW_NODE_FILTER(o, help)                                                       \
	{ "runner-node-filter", OPT_STR, 0, &(o)->node_filter, "S", help, 0, NULL, NULL }

/* Loads configs and runner file. With default_configs, no --config-files means every
 * *-master.yaml of configs/ (else .github/configs/), in byte order of names. */
int inputs_load_all(struct inputs *in, const struct common_opts *o, bool default_configs,
		    struct diags *d);
void common_opts_release(struct common_opts *o);
/* Flags that exist in one layout only are usage errors with the other (after loading). */
int common_opts_check_layout(const struct common_opts *o, const struct inputs *in,
			     const struct strvec *seq_lens, struct diags *d);

#endif
