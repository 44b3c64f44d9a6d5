/* fileio: see fileio.h. */
#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/xalloc.h"

int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_read_all(struct buf *out, const char *path, struct diags *d)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return diags_errorf(d, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
	/* a regular file's size is known: room for all of it at once, not a doubling buffer
	 * copied on each step (a 320 KB master config took four) */
	struct stat st;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		if (out->alloc - out->len <= 1) /* full but for the NUL (or not yet allocated) */
			buf_grow(out, 65536);
		ssize_t n = read(fd, out->s + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			if (fd)
				close(fd);
			return diags_errorf(d, path, 0, 0, NULL, "cannot read: %s", strerror(e));
		}
		if (n == 0)
			break;
		buf_setlen(out, out->len + (size_t)n);
	}
	if (fd)
		close(fd);
	return 0;
}

int file_view_open(struct file_view *v, const char *path, struct diags *d)
{
	memset(v, 0, sizeof(*v));
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			close(fd);
			v->mapped = p;
			v->data = p;
			v->len = (size_t)st.st_size;
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	v->copy = xcalloc(1, sizeof(*v->copy));
	if (file_read_all(v->copy, path, d))
		return -1;
	v->data = v->copy->s ? v->copy->s : "";
	v->len = v->copy->len;
	return 0;
}

void file_view_release(struct file_view *v)
{
	if (v->mapped)
		munmap(v->mapped, v->len);
	if (v->copy) {
		buf_release(v->copy);
		free(v->copy);
	}
	memset(v, 0, sizeof(*v));
}

void file_temp_name(struct buf *out, const char *path)
{
	buf_addf(out, "%s.tmp.%ld", path, (long)getpid());
}

int file_commit(const char *tmp, const char *path, struct diags *d)
{
	if (!rename(tmp, path))
		return 0;
	int e = errno;
	unlink(tmp);
	return diags_errorf(d, path, 0, 0, NULL, "cannot rename into place: %s", strerror(e));
}

int file_append(const char *path, const void *data, size_t len, struct diags *d)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return diags_errorf(d, path, 0, 0, NULL, "cannot open to append: %s",
				    strerror(errno));
	int rc = write_full(fd, data, len);
	int e = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		e = errno;
	}
	if (rc)
		diags_errorf(d, path, 0, 0, NULL, "cannot append: %s", strerror(e));
	return rc;
}

int file_write_atomic(const char *path, const void *data, size_t len, struct diags *d)
{
	struct buf tmp = BUF_INIT;
	file_temp_name(&tmp, path);
	int fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		diags_errorf(d, path, 0, 0, NULL, "cannot create: %s", strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	int rc = write_full(fd, data, len);
	int e = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		e = errno;
	}
	if (!rc && rename(tmp.s, path) < 0) {
		rc = -1;
		e = errno;
	}
	if (rc) {
		unlink(tmp.s);
		diags_errorf(d, path, 0, 0, NULL, "cannot write: %s", strerror(e));
	}
	buf_release(&tmp);
	return rc;
}

int file_overwrite(const char *path, const void *data, size_t len, struct diags *d)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return diags_errorf(d, path, 0, 0, NULL, "cannot open to overwrite: %s",
				    strerror(errno));
	int rc = write_full(fd, data, len);
	if (!rc)
		rc = ftruncate(fd, (off_t)len);
	int e = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		e = errno;
	}
	if (rc)
		diags_errorf(d, path, 0, 0, NULL, "cannot overwrite: %s", strerror(e));
	return rc;
}

int mkdir_p(const char *path, struct diags *d)
{
	struct buf p = BUF_INIT;
	buf_adds(&p, path);
	for (char *s = p.s + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p.s, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			diags_errorf(d, p.s, 0, 0, NULL, "cannot create directory: %s", strerror(e));
			buf_release(&p);
			return -1;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p.s, 0755) < 0 && errno != EEXIST)
		rc = diags_errorf(d, p.s, 0, 0, NULL, "cannot create directory: %s", strerror(errno));
	buf_release(&p);
	return rc;
}

int file_write_atomic_mkdir(const char *path, const void *data, size_t len, struct diags *d)
{
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		int rc = mkdir_p(dir, d);
		free(dir);
		if (rc)
			return -1;
	}
	return file_write_atomic(path, data, len, d);
}
