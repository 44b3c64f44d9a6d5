/* difflines: see difflines.h. */
#include "matrixgen/difflines.h"

#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/vec.h"

void added_lines_release(struct added_lines *a)
{
	buf_release(&a->text);
	free(a->line_of);
	a->line_of = NULL;
	a->nr = a->alloc = 0;
}

/* "@@ -a[,b] +c[,d] @@": the counts b and d (default 1) and the new start c. */
static int parse_hunk_header(const char *l, long *old_nr, long *new_start, long *new_nr)
{
	char *end;
	if (strncmp(l, "@@ -", 4))
		return -1;
	strtol(l + 4, &end, 10);
	*old_nr = *end == ',' ? strtol(end + 1, &end, 10) : 1;
	if (strncmp(end, " +", 2))
		return -1;
	*new_start = strtol(end + 2, &end, 10);
	*new_nr = *end == ',' ? strtol(end + 1, &end, 10) : 1;
	if (strncmp(end, " @@", 3) || *old_nr < 0 || *new_nr < 0)
		return -1;
	return 0;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\f\v", s[i]))
			return 0;
	return 1;
}

int diff_added_lines(struct added_lines *out, const char *diff, size_t len, const char *file,
		     struct diags *d)
{
	const char *p = diff, *end = diff + len;
	long old_left = 0, new_left = 0, new_line = 0;
	int in_hunk = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *l = p;
		p = nl ? nl + 1 : end;
		if (in_hunk && (old_left > 0 || new_left > 0)) {
			if (n && l[0] == '\\')
				continue; /* "\ No newline at end of file" */
			char kind = n ? l[0] : ' ';
			if (kind == '+') {
				if (out->nr)
					buf_addch(&out->text, '\n');
				buf_add(&out->text, l + 1, n - 1);
				VEC_GROW(out->line_of, out->nr + 1, out->alloc);
				out->line_of[out->nr++] = (int)new_line++;
				new_left--;
			} else if (kind == '-') {
				if (!is_blank(l + 1, n - 1)) {
					struct buf q = BUF_INIT;
					buf_add_escaped(&q, l + 1, n - 1);
					diags_errorf(d, file, 0, 0, NULL,
						     "the changelog is append-only, but the diff "
						     "removes the line \"%s\"", q.s);
					buf_release(&q);
					return -1;
				}
				old_left--;
			} else if (kind == ' ') {
				old_left--;
				new_left--;
				new_line++;
			} else {
				return diags_errorf(d, file, 0, 0, NULL,
						    "malformed diff: unexpected line in a hunk");
			}
			continue;
		}
		in_hunk = 0;
		if (n >= 2 && !strncmp(l, "@@", 2)) {
			struct buf hdr = BUF_INIT;
			buf_add(&hdr, l, n);
			int bad = parse_hunk_header(hdr.s, &old_left, &new_line, &new_left);
			buf_release(&hdr);
			if (bad)
				return diags_errorf(d, file, 0, 0, NULL,
						    "malformed diff: bad hunk header");
			in_hunk = 1;
		}
		/* anything else outside hunks is header: skipped */
	}
	return 0;
}
