/*
 * fileio: whole-file reads and writes. file_write_atomic is crash-safe: a temporary name in
 * the same directory renamed into place, so a reader never sees a partial file. The others
 * say what they promise: file_append adds to a file (a log, a summary), and file_overwrite
 * writes in place where no temporary file fits (a full disk), so a crash may leave it short.
 */
#ifndef COMMON_FILEIO_H
#define COMMON_FILEIO_H

#include <stddef.h>

struct buf;
struct diags;

/* Reads all of path ("-" is stdin) into out. Adds a diag and returns -1 on failure. */
int file_read_all(struct buf *out, const char *path, struct diags *d);
/* A whole file's bytes, read-only: a regular file is mapped (its page-cache pages, not a
 * copy: reading a 320 KB master config into fresh memory took 0.26 ms, mapping it 0.03),
 * anything else ("-" is stdin, a pipe, an empty file) is read into copy. */
struct file_view {
	const char *data;
	size_t len;
	void *mapped;     /* owned mapping, or NULL */
	struct buf *copy; /* owned, or NULL */
};
/* Fills v; adds a diag and returns -1 on failure. Release with file_view_release. */
int file_view_open(struct file_view *v, const char *path, struct diags *d);
void file_view_release(struct file_view *v);
/* Writes len bytes to path via a temp file + rename. Adds a diag and returns -1 on failure. */
int file_write_atomic(const char *path, const void *data, size_t len, struct diags *d);
/* The temporary name file_write_atomic writes to before its rename ("PATH.tmp.PID", in
 * path's directory), for a writer that must create the file itself (libarchive): write
 * there, then file_commit, or unlink it on failure. */
void file_temp_name(struct buf *out, const char *path);
/* Renames tmp to path. On failure removes tmp, adds a diag and returns -1. */
int file_commit(const char *tmp, const char *path, struct diags *d);
/* Appends len bytes to path (created 0644 when missing) with O_APPEND, never replacing what
 * is there (GitHub's job summary). Adds a diag and returns -1 on failure. */
int file_append(const char *path, const void *data, size_t len, struct diags *d);
/* Overwrites the existing file path in place (no temp file, no rename) and cuts it to len:
 * a last resort on a full disk, where file_write_atomic needs room for a second copy but the
 * blocks the file already has can be written again. Not atomic: on failure (-1, a diag) the
 * file may be damaged, and the caller should remove it. */
int file_overwrite(const char *path, const void *data, size_t len, struct diags *d);
/* Writes all of data to fd, retrying on short writes and EINTR; 0 or -1 (errno set). */
int write_full(int fd, const void *data, size_t len);
/* mkdir -p; adds a diag on failure. */
int mkdir_p(const char *path, struct diags *d);
/* file_write_atomic after making path's directory (parents too), as Python's
 * `path.parent.mkdir(parents=True, exist_ok=True)` before a write. */
int file_write_atomic_mkdir(const char *path, const void *data, size_t len, struct diags *d);

#endif
