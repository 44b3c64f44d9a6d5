/*
 * xalloc: allocation that cannot fail. On out-of-memory the program reports once on
 * stderr and exits with status 1 (atexit handlers, so registered cleanups, still run).
 * Every other module allocates through these, never through bare malloc.
 */
#ifndef COMMON_XALLOC_H
#define COMMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Multiplies and checks for overflow (an overflow counts as out-of-memory). */
size_t st_mult(size_t a, size_t b);

#endif
