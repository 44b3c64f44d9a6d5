/* validate: check config files, runner file and optionally the changelog (matrix-spec 3.5).
 * Prints nothing on stdout; for pre-commit hooks and CI. */
#include <stdlib.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "matrixgen/commands.h"
#include "matrixgen/inputs.h"

int cmd_validate(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct common_opts c = { 0 };
	const char *changelog = NULL;
	const struct opt rows[] = {
		OPT_ROW_CONFIG_FILES(&c, 0),
		OPT_ROW_RUNNER_CONFIG(&c),
		{ "changelog-file", OPT_STR, 0, &changelog, "F", "also check the changelog's structure (keys are not resolved)", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"matrixgen validate [options]",
		"Check the master configs, the runner file and optionally the perf changelog.\n"
		"Prints nothing on stdout; problems go to stderr; exit 0 when all is valid.\n"
		"Default config files: every *-master.yaml in configs/ (else .github/configs/).",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct inputs in;
	inputs_init(&in);
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (rc)
		goto done;
	rc = inputs_load_all(&in, &c, true, d);
	if (changelog) {
		struct buf text = BUF_INIT;
		if (file_read_all(&text, changelog, d) ||
		    inputs_load_changelog(&in, changelog, text.s, text.len, d))
			rc = -1;
		buf_release(&text);
	}
done:
	inputs_release(&in);
	common_opts_release(&c);
	return rc;
}
