/*
 * difflines: the added lines of a unified diff of one file (matrix-spec 3.4). Hunks are
 * read by their line counts, so a removed line whose content starts with "--" or an added
 * one starting with "++" counts like any other. A removed line that is not blank is an
 * error: the changelog is append-only.
 */
#ifndef MATRIXGEN_DIFFLINES_H
#define MATRIXGEN_DIFFLINES_H

#include <stddef.h>

#include "common/buf.h"

struct diags;

struct added_lines {
	struct buf text;  /* the added lines joined with '\n' */
	int *line_of;     /* owned: line_of[k] = new-file line number of added line k */
	size_t nr, alloc;
};

void added_lines_release(struct added_lines *a);
/* Parses diff (git diff output for file). Returns 0 or -1 with a diag. */
int diff_added_lines(struct added_lines *out, const char *diff, size_t len, const char *file,
		     struct diags *d);

#endif
