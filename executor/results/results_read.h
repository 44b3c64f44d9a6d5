/*
 * results_read: finds and reads result documents (executor-spec 7): directories searched
 * recursively for agg_*.json and bmk_*.tar.gz, JSON files, and artifacts (gzip tarballs, read
 * with libarchive: every agg_*.json member). Only agg_*.json, the processed result's name, is
 * read inside directories and artifacts: their other JSON (entry.json, meta.json, the raw
 * results) are not results, so they are not looked at; a JSON file named as a PATH is read
 * whatever its name. Everything is read in byte order of its path; a tarball member sorts as
 * the tarball's path, then the member's. A document is a result when it is a JSON object with
 * the key `is_multinode`; a document read that is not one is a warning naming it (counted in
 * skipped). A result byte-identical to one already read is read once. A file that cannot be
 * read or parsed is a warning naming it, and the rest are still read; a PATH that does not
 * exist is an error.
 *
 * Use: struct result_set rs = RESULT_SET_INIT; results_read(&rs, paths, n, d); use rs.v[i];
 * result_set_release(&rs).
 */
#ifndef EXECUTOR_RESULTS_READ_H
#define EXECUTOR_RESULTS_READ_H

#include <stdbool.h>
#include <stddef.h>

struct diags;
struct jnode;
struct strvec;

/* The directory walk of the result tools (results_read, set_read's file_sets_read): every
 * regular file below dir whose name keep accepts; symlinks to files are followed, symlinked
 * directories are not (a link cycle cannot loop); entries that vanish are skipped. For each
 * directory with kept files, once its listing is done (its subdirectories walked during it),
 * done gets their paths (owned: done takes the strings and frees the array). Readdir order:
 * callers sort. 0, or -1 when a directory could not be listed (a diag each). */
/* Whether the file at path starts with gzip's magic bytes (false when it cannot be read). */
bool looks_gzip(const char *path);

typedef bool (*walk_keep_fn)(const char *name, void *arg);
typedef void (*walk_done_fn)(const char *dir, struct strvec *files, void *arg);
int results_walk(const char *dir, walk_keep_fn keep, walk_done_fn done, void *arg,
		 struct diags *d);

struct result_doc {
	char *source;       /* owned: the file's path, or "TARBALL:MEMBER" */
	struct jnode *root; /* owned: a JT_OBJ with is_multinode */
};

struct result_set {
	struct result_doc *v; /* in reading order */
	size_t nr, alloc;
	size_t skipped;    /* documents read that are not results (warned) */
	size_t duplicates; /* results byte-identical to one read before */
	size_t unreadable; /* files or members that could not be read or parsed (warned) */
};

#define RESULT_SET_INIT { NULL, 0, 0, 0, 0, 0 }

/* Reads every result under paths[0..n). -1 when a path does not exist or cannot be listed
 * (an error each); the set holds what could be read either way. */
int results_read(struct result_set *rs, const char *const *paths, size_t n, struct diags *d);
void result_set_release(struct result_set *rs);

#endif
