/* vec: see vec.h (the string vector's helpers; the array habit itself is macros). */
#include "common/vec.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

int strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void strvec_sort(struct strvec *v)
{
	if (v->nr)
		qsort(v->v, v->nr, sizeof(*v->v), strptr_cmp);
}

void strvec_join(struct buf *out, const struct strvec *v, const char *sep)
{
	for (size_t i = 0; i < v->nr; i++) {
		if (i)
			buf_adds(out, sep);
		buf_adds(out, v->v[i]);
	}
}
