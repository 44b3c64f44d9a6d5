/*
 * table: markdown tables in the "github" format of the released tabulate versions (up to
 * 0.10), byte for byte, because the field's summaries were made with it (executor-spec 7):
 *   - a column is numeric when every cell that is not missing reads as a number (Python's
 *     int() or float()); an int column keeps its texts, a float column prints each as %g;
 *     missing cells (NULL) do not count, like tabulate's None, and print as blanks;
 *   - numeric cells align on the decimal point, then pad left; text cells are stripped of
 *     surrounding whitespace and pad right; width = max(header + 2, longest cell) in code
 *     points; headers pad like their column;
 *   - `| a | b |` rows, `|---|---|` under the header (width + 2 dashes), no colons.
 *
 * Use: table_init(&t, headers, n) -> table_row / table_set per cell -> table_render ->
 * table_release. Headers are borrowed until table_release; cells are copied.
 */
#ifndef EXECUTOR_TABLE_H
#define EXECUTOR_TABLE_H

#include <stddef.h>

struct buf;

struct table {
	const char *const *headers; /* borrowed */
	size_t cols;
	char **cells; /* owned, rows x cols, row-major; NULL = missing value */
	size_t rows, alloc;
};

void table_init(struct table *t, const char *const *headers, size_t cols);
void table_release(struct table *t);
/* Appends an empty row (every cell missing); returns its index. */
size_t table_row(struct table *t);
/* Sets cell (row, col) to a copy of text (NULL: missing). */
void table_set(struct table *t, size_t row, size_t col, const char *text);
/* Appends the table, each line ending in '\n' except the last. */
void table_render(struct buf *out, const struct table *t);
/* The metric cell rule of executor-spec 7, whole: %.4f, that text read back as a number,
 * then %g ("12.34", "1234.57", "1.23457e+08", "0"; NaN "nan", infinities "inf"/"-inf").
 * Rendering the text again (a float column's %g) gives the same text. */
void table_metric_text(struct buf *out, double v);

#endif
