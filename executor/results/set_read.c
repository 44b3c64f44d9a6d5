/* set_read: see set_read.h. Sets are collected first (a directory walk does not sort), sorted
 * once, then read; the duplicate check hashes each set's names and bytes (64-bit FNV-1a),
 * then compares them whole. */
#include "executor/results/set_read.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/diag.h"
#include "common/fileio.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/results_read.h"
#include "executor/results/results_util.h"

/* the same guard as results_read: larger files are not results */
#define SET_FILE_MAX_BYTES (256u << 20)

enum set_kind { SET_DIR, SET_TARBALL, SET_FILE };

struct pending {
	enum set_kind kind;
	char *path;          /* owned */
	struct strvec files; /* SET_DIR: owned paths of its wanted files */
};

struct walk {
	struct pending *v;
	size_t nr, alloc;
	set_want_fn want;
};

static bool looks_tarball(const char *path)
{
	return ends_with(path, ".tar.gz") || ends_with(path, ".tgz") || looks_gzip(path);
}

static void pend(struct walk *w, enum set_kind kind, const char *path)
{
	VEC_GROW(w->v, w->nr + 1, w->alloc);
	w->v[w->nr] = (struct pending){ kind, xstrdup(path), { 0 } };
	w->nr++;
}

static bool walk_keep(const char *name, void *arg)
{
	const struct walk *w = arg;
	return is_artifact_name(name) || w->want(name);
}

/* A directory's kept files: its artifacts are sets of their own, the rest one set. */
static void walk_done(const char *dir, struct strvec *files, void *arg)
{
	struct walk *w = arg;
	size_t n = 0;
	for (size_t i = 0; i < files->nr; i++) {
		if (is_artifact_name(files->v[i])) {
			pend(w, SET_TARBALL, files->v[i]);
			free((char *)files->v[i]);
		} else {
			files->v[n++] = files->v[i];
		}
	}
	files->nr = n;
	if (!n) {
		free(files->v);
		return;
	}
	pend(w, SET_DIR, dir);
	w->v[w->nr - 1].files = *files;
}

static int pending_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pending *)a)->path, ((const struct pending *)b)->path);
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct set_file *)a)->name, ((const struct set_file *)b)->name);
}

static struct set_file *add_file(struct file_set *s, const char *name, const char *source)
{
	VEC_GROW(s->v, s->nr + 1, s->alloc);
	struct set_file *f = &s->v[s->nr++];
	f->name = xstrdup(name);
	f->source = xstrdup(source);
	buf_init(&f->bytes);
	return f;
}

static void drop_last_file(struct file_set *s)
{
	struct set_file *f = &s->v[--s->nr];
	free(f->name);
	free(f->source);
	buf_release(&f->bytes);
}

static void read_plain(struct file_set *s, const char *path, struct diags *d)
{
	struct stat st;
	if (!stat(path, &st) && st.st_size > (off_t)SET_FILE_MAX_BYTES) {
		diags_warnf(d, path, 0, 0, NULL, "larger than %u bytes; file skipped",
			    SET_FILE_MAX_BYTES);
		return;
	}
	struct diags local = DIAGS_INIT;
	struct set_file *f = add_file(s, base_name(path), path);
	if (file_read_all(&f->bytes, path, &local)) {
		for (size_t i = 0; i < local.nr; i++)
			diags_warnf(d, local.v[i].file, 0, 0, NULL, "%s; file skipped", local.v[i].msg);
		drop_last_file(s);
	}
	diags_release(&local);
}

static void read_tarball(struct file_set *s, const char *path, set_want_fn want, struct diags *d)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		diags_warnf(d, path, 0, 0, NULL, "cannot read the archive: %s; file skipped",
			    why ? why : "unknown error");
		archive_read_free(a);
		return;
	}
	struct archive_entry *e;
	int st;
	while ((st = archive_read_next_header(a, &e)) == ARCHIVE_OK || st == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG || !name || !want(base_name(name)))
			continue;
		if (archive_entry_size(e) > (int64_t)SET_FILE_MAX_BYTES) {
			diags_warnf(d, path, 0, 0, NULL, "member %s is larger than %u bytes; skipped",
				    name, SET_FILE_MAX_BYTES);
			continue;
		}
		struct buf src = BUF_INIT;
		buf_addf(&src, "%s:%s", path, name);
		struct set_file *f = add_file(s, base_name(name), src.s);
		buf_release(&src);
		char chunk[65536];
		la_ssize_t n;
		while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			buf_add(&f->bytes, chunk, (size_t)n);
		if (n < 0) { /* a member cut short is no file */
			drop_last_file(s);
			st = ARCHIVE_FATAL;
			break;
		}
	}
	if (st != ARCHIVE_EOF) {
		const char *why = archive_error_string(a);
		diags_warnf(d, path, 0, 0, NULL, "cannot read the archive: %s; its remaining "
			    "members skipped", why ? why : "unknown error");
	}
	archive_read_free(a);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

static uint64_t set_hash(const struct file_set *s)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < s->nr; i++) {
		h = fnv(h, s->v[i].name, strlen(s->v[i].name) + 1);
		h = fnv(h, s->v[i].bytes.s, s->v[i].bytes.len);
	}
	return h;
}

static bool set_equal(const struct file_set *a, const struct file_set *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->v[i].name, b->v[i].name) || a->v[i].bytes.len != b->v[i].bytes.len ||
		    memcmp(a->v[i].bytes.s, b->v[i].bytes.s, a->v[i].bytes.len))
			return false;
	return true;
}

static void set_release(struct file_set *s)
{
	while (s->nr)
		drop_last_file(s);
	free(s->v);
	free(s->source);
}

int file_sets_read(struct file_sets *out, const char *const *paths, size_t n, set_want_fn want,
		   struct diags *d)
{
	struct walk w = { NULL, 0, 0, want };
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st))
			rc = diags_errorf(d, paths[i], 0, 0, NULL, "cannot read: %s", strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = results_walk(paths[i], walk_keep, walk_done, &w, d) ? -1 : rc;
		else if (looks_tarball(paths[i]))
			pend(&w, SET_TARBALL, paths[i]);
		else if (want(base_name(paths[i])))
			pend(&w, SET_FILE, paths[i]);
	}
	if (w.nr)
		qsort(w.v, w.nr, sizeof(*w.v), pending_cmp);
	uint64_t *hashes = NULL;
	size_t hashes_alloc = 0;
	for (size_t i = 0; i < w.nr; i++) {
		struct pending *p = &w.v[i];
		struct file_set s = { xstrdup(p->path), NULL, 0, 0 };
		if (p->kind == SET_TARBALL)
			read_tarball(&s, p->path, want, d);
		else if (p->kind == SET_FILE)
			read_plain(&s, p->path, d);
		for (size_t j = 0; j < p->files.nr; j++)
			read_plain(&s, p->files.v[j], d);
		if (s.nr)
			qsort(s.v, s.nr, sizeof(*s.v), file_cmp);
		uint64_t h = set_hash(&s);
		bool seen = !s.nr;
		for (size_t j = 0; j < out->nr && !seen; j++)
			seen = hashes[j] == h && set_equal(&out->v[j], &s);
		if (seen) {
			set_release(&s);
		} else {
			VEC_GROW(hashes, out->nr + 1, hashes_alloc);
			hashes[out->nr] = h;
			VEC_PUSH(out, s);
		}
		for (size_t j = 0; j < p->files.nr; j++)
			free((char *)p->files.v[j]);
		free(p->files.v);
		free(p->path);
	}
	free(hashes);
	free(w.v);
	return rc;
}

const struct set_file *file_set_get(const struct file_set *s, const char *name)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

void file_sets_release(struct file_sets *s)
{
	for (size_t i = 0; i < s->nr; i++)
		set_release(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
