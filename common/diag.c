/* diag: see diag.h. */
#include "common/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fileio.h"
#include "common/vec.h"

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->v[i].file);
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

static void diags_vadd(struct diags *d, enum diag_level level, const char *file, int line,
		       int col, const char *path, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	VEC_GROW(d->v, d->nr + 1, d->alloc);
	struct diag *g = &d->v[d->nr++];
	g->level = level;
	g->file = file ? xstrdup(file) : NULL;
	g->line = line;
	g->col = col;
	g->path = path && *path ? xstrdup(path) : NULL;
	g->msg = buf_take(&msg, NULL);
	if (level == DIAG_ERROR)
		d->errors++;
}

int diags_errorf(struct diags *d, const char *file, int line, int col, const char *path,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_ERROR, file, line, col, path, fmt, ap);
	va_end(ap);
	return -1;
}

void diags_warnf(struct diags *d, const char *file, int line, int col, const char *path,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_WARNING, file, line, col, path, fmt, ap);
	va_end(ap);
}

int diags_usagef(struct diags *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_ERROR, NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	d->usage = 1;
	return -1;
}

void diags_move(struct diags *into, struct diags *from)
{
	if (!from->nr) {
		diags_release(from);
		return;
	}
	VEC_GROW(into->v, into->nr + from->nr, into->alloc);
	memcpy(into->v + into->nr, from->v, from->nr * sizeof(*from->v));
	into->nr += from->nr;
	into->errors += from->errors;
	into->usage |= from->usage;
	free(from->v);
	diags_init(from);
}

void diags_truncate(struct diags *d, size_t from)
{
	for (size_t i = from; i < d->nr; i++) {
		if (d->v[i].level == DIAG_ERROR)
			d->errors--;
		free(d->v[i].file);
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	if (from < d->nr)
		d->nr = from;
}

const char *diags_first_error(const struct diags *d, size_t from)
{
	for (size_t i = from; i < d->nr; i++)
		if (d->v[i].level == DIAG_ERROR)
			return d->v[i].msg;
	return NULL;
}

static void diag_format_one(struct buf *out, const struct diag *g)
{
	struct buf line = BUF_INIT;
	if (g->level == DIAG_WARNING)
		buf_adds(&line, "warning: ");
	if (g->file) {
		buf_adds(&line, g->file);
		if (g->line)
			buf_addf(&line, ":%d:%d", g->line, g->col);
		buf_adds(&line, ": ");
	}
	if (g->path) {
		buf_adds(&line, g->path);
		buf_adds(&line, ": ");
	}
	buf_adds(&line, g->msg);
	/* A message may hold several lines on purpose (a list of keys); escape the rest. */
	struct buf esc = BUF_INIT;
	const char *s = line.s;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		buf_add_escaped(&esc, s, n);
		if (nl) {
			buf_addch(&esc, '\n');
			s = nl + 1;
		} else {
			s += n;
		}
	}
	buf_add(out, esc.s, esc.len);
	buf_addch(out, '\n');
	buf_release(&esc);
	buf_release(&line);
}

void diags_format(struct buf *out, const struct diags *d)
{
	for (size_t i = 0; i < d->nr; i++)
		diag_format_one(out, &d->v[i]);
}

enum exit_status diags_status(const struct diags *d)
{
	if (d->usage)
		return EXIT_USAGE;
	return d->errors ? EXIT_FAIL : EXIT_OK;
}

enum exit_status diags_print(FILE *f, const struct diags *d)
{
	fflush(f);
	for (size_t i = 0; i < d->nr; i++) {
		struct buf one = BUF_INIT;
		diag_format_one(&one, &d->v[i]);
		if (write_full(fileno(f), one.s, one.len)) {
			/* stderr is gone: nowhere left to report to */
		}
		buf_release(&one);
	}
	return diags_status(d);
}
