/*
 * cmd_result_filename: `executor result-filename` prints RESULT_FILENAME (executor-spec 2.3)
 * for one entry, or for each entry of a matrix, one line each. It is the name the workflows
 * give the bmk_* artifact and the name `run` gives its files, made by the same function
 * (entry_result_filename) after the same strict entry reader, so the workflows never build
 * it themselves. The node is checked as run checks it (entry_node_name_checked): with the
 * entry's safe names, no name can carry a character an artifact or file name cannot.
 */
#include "executor/commands.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "executor/core/entry.h"
#include "common/jtree.h"

/* Appends the name of one entry and a newline. */
static int name_one(struct buf *out, const struct entry *e, const char *node, struct diags *d)
{
	/* every other part of the name is a safe name or a number already (entry reader) */
	const char *checked = entry_node_name_checked(e, node, d);
	if (!checked)
		return -1;
	entry_result_filename(out, e, checked);
	buf_addch(out, '\n');
	return 0;
}

/* --matrix: a JSON array of entries, each read by the same reader as one entry (messages
 * carry their line:col in the matrix); the names only when every entry has one. */
static int name_matrix(struct buf *out, const char *text, size_t len, const char *file,
		       const char *node, struct diags *d)
{
	struct jnode *arr = jtree_parse(text, len, file, d);
	if (!arr)
		return -1;
	int rc = 0;
	if (arr->type != JT_ARR)
		rc = diags_errorf(d, file, arr->line, arr->col, NULL,
				  "expected a JSON array of matrix entries");
	for (size_t i = 0; arr->type == JT_ARR && i < arr->nr; i++) {
		struct entry e;
		if (entry_from_jnode(&e, &arr->items[i], file, d) ||
		    name_one(out, &e, node, d))
			rc = -1; /* and go on: every entry's problems are reported */
		entry_release(&e);
	}
	jtree_free(arr);
	return rc;
}

int cmd_result_filename(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *entry = NULL, *entry_json = NULL, *matrix = NULL, *node = NULL;
	const struct opt rows[] = {
		{ "entry", OPT_STR, 0, &entry, "FILE", "the entry (- for stdin)", 0, NULL, NULL },
		{ "entry-json", OPT_STR, 0, &entry_json, "JSON", "the entry, given inline", 0, NULL, NULL },
		{ "matrix", OPT_STR, 0, &matrix, "FILE", "a matrix (JSON array): one name per entry, "
		  "in order (- for stdin)", 0, NULL, NULL },
		{ "node", OPT_STR, 0, &node, "NAME", "node name (default $RUNNER_NAME, else the "
		  "entry's runner), as for run", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor result-filename (--entry FILE | --entry-json JSON | --matrix FILE) [--node NAME]",
		"Prints RESULT_FILENAME (executor-spec 2.3) of the entry, or of each entry of the\n"
		"matrix, one line each: the name run gives its files and the workflows give the\n"
		"bmk_{RESULT_FILENAME} artifact. The entry is validated as run validates it.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct buf text = BUF_INIT, names = BUF_INIT;
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (!rc && !!entry + !!entry_json + !!matrix != 1)
		rc = diags_usagef(d, "give exactly one of --entry, --entry-json and --matrix");
	if (rc)
		goto done;
	const char *src = matrix ? matrix : entry;
	const char *file = !src ? "--entry-json" : strcmp(src, "-") ? src : "<stdin>";
	if (src && (rc = file_read_all(&text, src, d)))
		goto done;
	if (matrix) {
		rc = name_matrix(&names, text.s, text.len, file, node, d);
	} else {
		struct entry e;
		const char *json = entry_json ? entry_json : text.s;
		size_t len = entry_json ? strlen(entry_json) : text.len;
		rc = entry_parse(&e, json, len, file, d);
		if (!rc)
			rc = name_one(&names, &e, node, d);
		entry_release(&e);
	}
	if (!rc)
		buf_add(out, names.s, names.len);
done:
	buf_release(&text);
	buf_release(&names);
	return rc ? -1 : 0;
}
