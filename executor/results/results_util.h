/*
 * results_util: the small string helpers the result tools share (process, results_read,
 * aggregate, compare, chart), written once. Header-only: each is a few lines, static inline,
 * so no module owns them and no build file lists them.
 */
#ifndef EXECUTOR_RESULTS_UTIL_H
#define EXECUTOR_RESULTS_UTIL_H

#include <stdbool.h>
#include <string.h>

#include "common/buf.h"

/* Whether s ends with suffix. */
static inline bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The part of path after its last '/' (path itself when it has none). */
static inline const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Whether path names a run's artifact, bmk_*.tar.gz (by its base name). */
static inline bool is_artifact_name(const char *path)
{
	const char *b = base_name(path);
	return !strncmp(b, "bmk_", 4) && ends_with(b, ".tar.gz");
}

/* Appends s with ASCII a-z upper-cased (Hardware, Framework, Precision: executor-spec 7);
 * other bytes, UTF-8 included, are kept, whatever the locale. */
static inline void upper(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_addch(out, (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s));
}

#endif
