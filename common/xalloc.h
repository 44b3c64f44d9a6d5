/*
 * xalloc: allocation that cannot fail. On out-of-memory the program reports once on
 * stderr, runs the registered out-of-memory cleanup (xalloc_set_oom_cleanup) and exits with
 * status 1 (atexit handlers still run). Every other module allocates through these, never
 * through bare malloc.
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

/* fn(size, data) runs once on out-of-memory, after the message and before exit(1): the
 * chance of whoever started something outside this process (a server) to stop it and record
 * why. It may allocate (after a huge request failed, small ones usually still succeed); an
 * out-of-memory inside it exits at once. One at a time; fn NULL removes it. */
void xalloc_set_oom_cleanup(void (*fn)(size_t size, void *data), void *data);

#endif
