/* csv: see csv.h. */
#include "executor/results/csv.h"

#include <string.h>

#include "common/buf.h"

void csv_field(struct buf *out, const char *s, int first)
{
	if (!first)
		buf_addch(out, ',');
	if (!s)
		return;
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
	if (!quote) {
		buf_add(out, s, n);
		return;
	}
	buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

void csv_record(struct buf *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_field(out, fields[i], i == 0);
	buf_adds(out, "\r\n");
}
