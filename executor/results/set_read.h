/*
 * set_read: the files of result *sets*, for the readers that need a file's neighbours rather
 * than results one by one (results_read): an eval result needs the entry.json beside it, the
 * HTML report a run's raw results and server-metric samples. A set is one artifact
 * (bmk_*.tar.gz: its members, by base name) or one directory (its regular files, not its
 * subdirectories, which are sets of their own); a file named as a PATH that is not a tarball
 * is a set of that file alone. Only the files `want` accepts (by base name) are read, named
 * files included.
 *
 * Directories are searched recursively (symlinked directories not followed), everything in
 * byte order of its path, a tarball's members by name. A set with no wanted file is left
 * out; a set whose wanted files are byte-identical to an earlier set's (a run's output
 * directory holds its files and its artifact) is read once. A file or member that cannot be
 * read, or larger than 256 MiB, is a warning naming it; a PATH that does not exist an error.
 *
 * Use: struct file_sets s = { 0 }; file_sets_read(&s, paths, n, want, d); s.v[i].v[j];
 * file_sets_release(&s).
 */
#ifndef EXECUTOR_SET_READ_H
#define EXECUTOR_SET_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct diags;

struct set_file {
	char *name;     /* owned: the base name */
	char *source;   /* owned: the path, or "TARBALL:MEMBER", for messages */
	struct buf bytes;
};

struct file_set {
	char *source;   /* owned: the directory, tarball or file */
	struct set_file *v; /* by name */
	size_t nr, alloc;
};

struct file_sets {
	struct file_set *v; /* in byte order of source */
	size_t nr, alloc;
};

typedef bool (*set_want_fn)(const char *base_name);

/* 0, or -1 when a path does not exist or a directory cannot be listed (an error each); the
 * sets hold what could be read either way. */
int file_sets_read(struct file_sets *out, const char *const *paths, size_t n, set_want_fn want,
		   struct diags *d);
/* The file called name in set s, or NULL. */
const struct set_file *file_set_get(const struct file_set *s, const char *name);
void file_sets_release(struct file_sets *s);

#endif
