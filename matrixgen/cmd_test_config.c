/* test-config: the entries of chosen config keys (matrix-spec 3.2). */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/commands.h"
#include "matrixgen/emit.h"
#include "matrixgen/evals.h"
#include "matrixgen/expand.h"
#include "matrixgen/inputs.h"
#include "matrixgen/select.h"

int cmd_test_config(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct common_opts c = { 0 };
	struct strvec keys = { 0 };
	struct longvec conc = { 0 };
	const struct opt rows[] = {
		OPT_ROW_CONFIG_FILES(&c, OPT_REQUIRED),
		OPT_ROW_RUNNER_CONFIG(&c),
		{ "config-keys", OPT_LIST, OPT_REQUIRED, &keys, "K", "config keys or fnmatch patterns ('*', '?', '[seq]')", 0, NULL, NULL },
		{ "conc", OPT_INT_LIST, 0, &conc, "C", "keep only these concurrency values", 1, NULL, NULL },
		OPT_ROW_NODE_FILTER(&c, "accepted for compatibility; has no effect here"),
		OPT_ROWS_EVALS(&c),
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
	if (rc || (rc = inputs_load_all(&in, &c, false, d)) ||
	    (rc = select_test_config_keys(&chosen, &in, &keys, d)))
		goto done;
	struct sweep_filter f = { .step = 2, .conc_only = &conc };
	for (size_t i = 0; i < chosen.nr; i++)
		expand_config(&m, &in, chosen.v[i], &f);
	evals_apply(&m, c.run_evals, c.evals_only);
	emit_matrix(out, &m, &entry_layout_sweep);
done:
	mentries_release(&m);
	inputs_release(&in);
	common_opts_release(&c);
	free(keys.v);
	free(conc.v);
	free(chosen.v);
	return rc;
}
