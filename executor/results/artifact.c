/* artifact: see artifact.h. Each file is checked (exists, is a plain file) before the
 * archive is opened, so a missing file leaves nothing behind. */
#include "executor/results/artifact.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/xalloc.h"

static int add_member(struct archive *a, const char *path, const char *name,
		      const struct stat *st, struct diags *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diags_errorf(d, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, st->st_mode & 0777);
	archive_entry_set_size(e, st->st_size);
	archive_entry_set_mtime(e, st->st_mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	int rc = 0;
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		rc = diags_errorf(d, path, 0, 0, NULL, "cannot add to the archive: %s",
				  archive_error_string(a));
		goto out;
	}
	char chunk[65536];
	ssize_t n;
	la_int64_t left = st->st_size;
	while (left > 0 && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = diags_errorf(d, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n > left) /* the file grew: the header already gave its size */
			n = (ssize_t)left;
		if (archive_write_data(a, chunk, (size_t)n) != n) {
			rc = diags_errorf(d, path, 0, 0, NULL, "cannot add to the archive: %s",
					  archive_error_string(a));
			goto out;
		}
		left -= n;
	}
	if (left > 0)
		rc = diags_errorf(d, path, 0, 0, NULL, "the file shrank while it was archived");
out:
	archive_entry_free(e);
	close(fd);
	return rc;
}

/* A member name: a relative path of plain names ("a.json", "aiperf_artifacts/x.jsonl"),
 * never absolute, empty, or through "." or "..": it cannot point outside the directory. */
static bool member_name_ok(const char *name)
{
	if (!*name || *name == '/')
		return false;
	for (const char *c = name; *c;) {
		size_t n = strcspn(c, "/");
		if (!n || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false; /* a trailing '/' */
	}
	return true;
}

int artifact_write(const char *tar_gz_path, const char *dir, const char *const *names,
		   size_t nr, struct diags *d)
{
	struct stat *st = xcalloc(nr + 1, sizeof(*st));
	struct buf path = BUF_INIT, tmp = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < nr; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if (!member_name_ok(names[i]))
			rc = diags_errorf(d, path.s, 0, 0, NULL, "a member name must be a relative "
					  "path of plain names");
		else if (stat(path.s, &st[i]))
			rc = diags_errorf(d, path.s, 0, 0, NULL, "cannot archive: %s", strerror(errno));
		else if (!S_ISREG(st[i].st_mode))
			rc = diags_errorf(d, path.s, 0, 0, NULL, "cannot archive: not a plain file");
	}
	if (rc)
		goto done;
	file_temp_name(&tmp, tar_gz_path);
	struct archive *a = archive_write_new();
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	/* gzip's header would carry the time of writing: 0 instead (no time) */
	if (archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp.s) != ARCHIVE_OK) {
		rc = diags_errorf(d, tar_gz_path, 0, 0, NULL, "cannot write: %s",
				  archive_error_string(a));
		archive_write_free(a);
		goto done;
	}
	for (size_t i = 0; i < nr && !rc; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		rc = add_member(a, path.s, names[i], &st[i], d);
	}
	if (archive_write_close(a) != ARCHIVE_OK && !rc)
		rc = diags_errorf(d, tar_gz_path, 0, 0, NULL, "cannot write: %s",
				  archive_error_string(a));
	archive_write_free(a);
	if (rc)
		unlink(tmp.s);
	else
		rc = file_commit(tmp.s, tar_gz_path, d);
done:
	free(st);
	buf_release(&path);
	buf_release(&tmp);
	return rc;
}
