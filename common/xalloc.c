/* xalloc: see xalloc.h. */
#include "common/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*oom_cleanup)(size_t size, void *data);
static void *oom_cleanup_data;

void xalloc_set_oom_cleanup(void (*fn)(size_t size, void *data), void *data)
{
	oom_cleanup = fn;
	oom_cleanup_data = data;
}

static void die_oom(size_t size)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "fatal: out of memory allocating %zu bytes\n", size);
	if (n > 0 && write(2, msg, (size_t)n) < 0) {
		/* nothing left to report with */
	}
	void (*fn)(size_t, void *) = oom_cleanup;
	oom_cleanup = NULL; /* once: an out-of-memory inside it ends here */
	if (fn)
		fn(size, oom_cleanup_data);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(st_mult(nmemb, size));
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, SIZE_MAX);
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		die_oom(SIZE_MAX);
	return a * b;
}
