/*
 * artifact: bmk_{RESULT_FILENAME}.tar.gz (executor-spec 6): the named plain files of a
 * directory bundled under their names (top level, or a relative path below such as an
 * agentic run's aiperf_artifacts/profile_export.jsonl) in a gzip tarball (ustar/pax, via libarchive). Written
 * to a temporary name in the same directory, then renamed, so a collector never downloads
 * half an artifact. Members keep their size and mode; owner and group are root (0), each
 * member's time is its file's mtime, and the gzip header carries no time (0), so a tarball
 * depends only on the files (their names, bytes, modes and mtimes).
 */
#ifndef EXECUTOR_ARTIFACT_H
#define EXECUTOR_ARTIFACT_H

#include <stddef.h>

struct diags;

/* Bundles dir/names[i] (relative paths of plain names: no leading '/', no "." or "..")
 * into tar_gz_path. A missing file is an
 * error (nothing is written); 0 or -1 with diags. */
int artifact_write(const char *tar_gz_path, const char *dir, const char *const *names,
		   size_t nr, struct diags *d);

#endif
