/* test-config: the entries of chosen config keys (matrix-spec 3.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/par.h"
#include "matrixgen/commands.h"
#include "matrixgen/emit.h"
#include "matrixgen/evals.h"
#include "matrixgen/expand.h"
#include "matrixgen/expand_v2.h"
#include "matrixgen/inputs.h"
#include "matrixgen/keep.h"
#include "matrixgen/select.h"

int cmd_test_config(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct common_opts c = { 0 };
	struct strvec keys = { 0 };
	struct longvec conc = { 0 };
	struct strvec seq_lens = { 0 };
	static const char *const seq_len_choices[] = { "1k1k", "1k8k", "8k1k", NULL };
	const struct opt rows[] = {
		OPT_ROW_CONFIG_FILES(&c, OPT_REQUIRED),
		OPT_ROW_RUNNER_CONFIG(&c),
		{ "config-keys", OPT_LIST, OPT_REQUIRED, &keys, "K", "config keys or fnmatch patterns ('*', '?', '[seq]')", 0, NULL, NULL },
		{ "conc", OPT_INT_LIST, 0, &conc, "C", "keep only these concurrency values", 1, NULL, NULL },
		{ "seq-lens", OPT_LIST, 0, &seq_lens, "N", "keep these sequence-length pairs", 0, seq_len_choices, NULL },
		OPT_ROW_NODE_FILTER(&c, "v2: the runner label (when it matches) and its matching nodes; v1: no effect"),
		OPT_ROWS_EVALS(&c),
		OPT_ROWS_EVALS_V2(&c),
	};
	const struct opt_cmd cmd = {
		"matrixgen test-config --config-files F... --config-keys K... [options]",
		"Expand the chosen config keys: every seq-len config and item, ranges with step 2,\n"
		"both schemas.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct inputs in;
	struct mentries m = { 0 };
	struct ptrvec chosen = { 0 };
	inputs_init(&in);
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (!rc)
		par_start(); /* loading and expanding share work (par.h): the helper gets ready */
	if (rc || (rc = inputs_load_all(&in, &c, false, d)) ||
	    (rc = common_opts_check_layout(&c, &in, &seq_lens, d)) ||
	    (rc = select_test_config_keys(&chosen, &in, &keys, d)))
		goto done;
	if (in.layout == LAYOUT_V2) {
		const struct strvec *st = &c.scenario_types;
		struct v2_sweep s = { .test_config = true, .seq_lens = &seq_lens,
				      .fixed = !st->nr, .agentic = !st->nr,
				      .conc_only = &conc, .node_filter = c.node_filter };
		for (size_t i = 0; i < st->nr; i++) {
			s.fixed |= !strcmp(st->v[i], "fixed-seq-len");
			s.agentic |= !strcmp(st->v[i], "agentic-coding");
		}
		struct rows m2 = { 0 };
		for (size_t i = 0; i < chosen.nr; i++)
			expand_v2_config(&m2, &in, chosen.v[i], &s);
		evals_v2_apply(&m2, c.no_evals, c.evals_only, c.all_evals);
		emit_rows(out, stdout, &m2); /* commands.h */
		keep_rows(&m2);
		goto done;
	}
	struct sweep_filter f = { .step = 2, .conc_only = &conc, .seq_lens = &seq_lens };
	for (size_t i = 0; i < chosen.nr; i++)
		expand_config(&m, &in, chosen.v[i], &f);
	evals_apply(&m, c.run_evals, c.evals_only);
	emit_matrix(out, &m, &entry_layout_sweep);
done:
	/* the run ends with this command: keep.h */
	keep_mentries(&m);
	keep_inputs(&in);
	common_opts_release(&c);
	free(keys.v);
	free(conc.v);
	free(seq_lens.v);
	free(chosen.v);
	return rc;
}
