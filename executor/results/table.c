/* table: see table.h. Mirrors tabulate's steps in its order: type each column, format the
 * cells for their column type, align each column (decimal or left), then the header. */
#include "executor/results/table.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"

enum coltype { CT_NONE, CT_INT, CT_FLOAT, CT_TEXT };

void table_init(struct table *t, const char *const *headers, size_t cols)
{
	memset(t, 0, sizeof(*t));
	t->headers = headers;
	t->cols = cols;
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

size_t table_row(struct table *t)
{
	VEC_GROW(t->cells, (t->rows + 1) * t->cols, t->alloc);
	memset(t->cells + t->rows * t->cols, 0, t->cols * sizeof(*t->cells));
	return t->rows++;
}

void table_set(struct table *t, size_t row, size_t col, const char *text)
{
	char **c = &t->cells[row * t->cols + col];
	free(*c);
	*c = text ? xstrdup(text) : NULL;
}

static size_t width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static enum coltype cell_type(const char *s)
{
	double v;
	if (!s)
		return CT_NONE;
	if (pynum_is_int(s))
		return CT_INT;
	if (pynum_float(&v, s))
		return CT_FLOAT;
	return CT_TEXT;
}

/* tabulate's _afterpoint: digits after the last '.', else after the last 'e', else -1; -1
 * for ints and non-numbers. */
static int after_point(const char *s)
{
	double v;
	if (pynum_is_int(s) || !pynum_float(&v, s))
		return -1;
	const char *p = strrchr(s, '.');
	if (!p) {
		const char *e = NULL;
		for (const char *q = s; *q; q++)
			if (*q == 'e' || *q == 'E')
				e = q;
		p = e;
	}
	return p ? (int)strlen(p + 1) : -1;
}

static void format_g(struct buf *out, double v)
{
	if (isnan(v))
		buf_adds(out, "nan");
	else
		buf_addf(out, "%g", v);
}

void table_metric_text(struct buf *out, double v)
{
	char tmp[400]; /* %.4f of the largest double is 309 digits and 5 more characters */
	snprintf(tmp, sizeof(tmp), "%.4f", v);
	format_g(out, strtod(tmp, NULL));
}

static void strip(struct buf *b, const char *s)
{
	const char *ws = " \t\n\r\f\v";
	while (*s && strchr(ws, *s))
		s++;
	size_t n = strlen(s);
	while (n && strchr(ws, s[n - 1]))
		n--;
	buf_add(b, s, n);
}

static void pad(struct buf *out, const char *s, size_t w, bool left)
{
	size_t n = width(s);
	if (left)
		for (size_t i = n; i < w; i++)
			buf_addch(out, ' ');
	buf_adds(out, s);
	if (!left)
		for (size_t i = n; i < w; i++)
			buf_addch(out, ' ');
}

void table_render(struct buf *out, const struct table *t)
{
	size_t nc = t->cols, nr = t->rows;
	struct buf *cell = xcalloc(nr * nc + 1, sizeof(*cell));
	size_t *w = xcalloc(nc + 1, sizeof(*w));
	bool *numeric = xcalloc(nc + 1, sizeof(*numeric));
	for (size_t c = 0; c < nc; c++) {
		enum coltype ct = CT_NONE;
		for (size_t r = 0; r < nr; r++) {
			enum coltype k = cell_type(t->cells[r * nc + c]);
			if (k > ct)
				ct = k;
		}
		numeric[c] = ct == CT_INT || ct == CT_FLOAT;
		int maxd = -1;
		for (size_t r = 0; r < nr; r++) {
			const char *s = t->cells[r * nc + c];
			struct buf *b = &cell[r * nc + c];
			buf_init(b);
			if (!s)
				;
			else if (ct == CT_FLOAT) {
				double v = 0;
				pynum_float(&v, s);
				format_g(b, v);
			} else if (ct == CT_INT)
				buf_adds(b, s);
			else
				strip(b, s);
			if (numeric[c] && after_point(b->s) > maxd)
				maxd = after_point(b->s);
		}
		w[c] = width(t->headers[c]) + 2;
		for (size_t r = 0; r < nr; r++) {
			struct buf *b = &cell[r * nc + c];
			if (numeric[c])
				for (int i = after_point(b->s); i < maxd; i++)
					buf_addch(b, ' ');
			if (width(b->s) > w[c])
				w[c] = width(b->s);
		}
	}
	buf_adds(out, "|");
	for (size_t c = 0; c < nc; c++) {
		buf_adds(out, " ");
		pad(out, t->headers[c], w[c], numeric[c]);
		buf_adds(out, " |");
	}
	buf_adds(out, "\n|");
	for (size_t c = 0; c < nc; c++) {
		for (size_t i = 0; i < w[c] + 2; i++)
			buf_addch(out, '-');
		buf_addch(out, '|');
	}
	for (size_t r = 0; r < nr; r++) {
		buf_adds(out, "\n|");
		for (size_t c = 0; c < nc; c++) {
			buf_adds(out, " ");
			pad(out, cell[r * nc + c].s, w[c], numeric[c]);
			buf_adds(out, " |");
		}
	}
	for (size_t i = 0; i < nr * nc; i++)
		buf_release(&cell[i]);
	free(cell);
	free(w);
	free(numeric);
}
