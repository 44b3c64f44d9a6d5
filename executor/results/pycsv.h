/*
 * pycsv: CSV read the way Python's csv.reader reads a file opened with newline='' (excel
 * dialect, strict off, the default field size limit), for the power tools that must see the
 * same rows upstream's scripts see. skipinitialspace as the caller's reader sets it.
 *
 * A row's fields live in row->text, each followed by a NUL; the row owns its arrays and is
 * released with pycsv_row_release. The reader borrows the text.
 */
#ifndef EXECUTOR_PYCSV_H
#define EXECUTOR_PYCSV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct pycsv_reader {
	const char *s; /* borrowed */
	size_t len, pos;
	bool skipinitialspace;
};

struct pycsv_row {
	struct buf text;      /* the fields, each followed by a NUL */
	size_t *start, *flen; /* owned */
	size_t nr, alloc_start, alloc_flen;
};

#define PYCSV_ROW_INIT { BUF_INIT, NULL, NULL, 0, 0, 0 }

/* Reader_iternext: the next row (true), or the end (false). Sets *error on csv.Error (a
 * field over the limit): the reader then stops, as Python's loop does. */
bool pycsv_next(struct pycsv_reader *rd, struct pycsv_row *r, bool *error);
void pycsv_row_release(struct pycsv_row *r);

/* Field i of r (i < r->nr) and its length. */
static inline const char *pycsv_field(const struct pycsv_row *r, size_t i, size_t *len)
{
	*len = r->flen[i];
	return r->text.s + r->start[i];
}

#endif
