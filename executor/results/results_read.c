/* results_read: see results_read.h. Paths are collected first (a directory walk does not
 * sort), sorted once, then read; dedup compares a 64-bit FNV-1a hash, then the bytes. */
#include "executor/results/results_read.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/strindex.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/jtree.h"
#include "executor/results/results_util.h"

/* Results larger than this are not results (a guard against reading a model by mistake). */
#define RESULT_MAX_BYTES (256u << 20)

struct reader {
	struct result_set *rs;
	struct diags *d;
	/* the bytes of every result taken, to drop a document seen twice (the same artifact
	 * downloaded twice, a file named twice): owned copies, indexed by their whole bytes */
	struct strvec seen;
	struct strindex seen_index;
};

struct member {
	char *name; /* owned */
	struct buf bytes;
};


/* The processed result's name, agg_{RESULT_FILENAME}.json (executor-spec 5, 6): the only
 * JSON read inside directories and artifacts, whose other JSON files (entry.json, meta.json,
 * the raw results) are never results. */
static bool is_result_name(const char *path)
{
	const char *b = base_name(path);
	return !strncmp(b, "agg_", 4) && ends_with(b, ".json");
}

/* Parse problems of one file become one warning: the file is skipped, the run goes on. */
static void warn_from(struct diags *d, const struct diags *local, const char *what)
{
	for (size_t i = 0; i < local->nr; i++) {
		const struct diag *g = &local->v[i];
		diags_warnf(d, g->file, g->line, g->col, g->path, "%s; %s skipped", g->msg, what);
	}
}

static void take_document(struct reader *r, const char *source, const char *bytes, size_t len)
{
	struct diags local = DIAGS_INIT;
	struct jnode *root = jtree_parse(bytes, len, source, &local);
	if (!root) {
		warn_from(r->d, &local, "file");
		diags_release(&local);
		r->rs->unreadable++;
		return;
	}
	diags_release(&local);
	if (root->type != JT_OBJ || !jobj_get(root, "is_multinode")) {
		diags_warnf(r->d, source, 0, 0, NULL, "not a result (no key 'is_multinode'); "
			    "skipped");
		jtree_free(root);
		r->rs->skipped++;
		return;
	}
	if (strindex_find(&r->seen_index, bytes, len) != STRINDEX_NONE) {
		jtree_free(root);
		r->rs->duplicates++;
		return;
	}
	char *copy = xmalloc(len + 1);
	memcpy(copy, bytes, len);
	copy[len] = '\0';
	strindex_add(&r->seen_index, copy, len, r->seen.nr);
	VEC_PUSH(&r->seen, copy);
	VEC_GROW(r->rs->v, r->rs->nr + 1, r->rs->alloc);
	r->rs->v[r->rs->nr].source = xstrdup(source);
	r->rs->v[r->rs->nr].root = root;
	r->rs->nr++;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name, ((const struct member *)b)->name);
}

/* Every regular agg_*.json member of a gzip tarball, in byte order of member names. */
static void read_tarball(struct reader *r, const char *path)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	struct member *m = NULL;
	size_t nr = 0, alloc = 0;
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		diags_warnf(r->d, path, 0, 0, NULL, "cannot read the archive: %s; file skipped",
			    why ? why : "unknown error");
		r->rs->unreadable++;
		goto out;
	}
	struct archive_entry *e;
	bool broken = false; /* reading stopped before the end of the archive */
	for (;;) {
		int st = archive_read_next_header(a, &e);
		if (st == ARCHIVE_EOF)
			break;
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) { /* WARN: read, with a remark */
			broken = true; /* the members read so far are whole: they are kept */
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG || !name || !is_result_name(name))
			continue;
		if (archive_entry_size(e) > (int64_t)RESULT_MAX_BYTES) {
			diags_warnf(r->d, path, 0, 0, NULL, "member %s is larger than %u bytes; "
				    "skipped", name, RESULT_MAX_BYTES);
			continue;
		}
		VEC_GROW(m, nr + 1, alloc);
		m[nr].name = xstrdup(name);
		buf_init(&m[nr].bytes);
		nr++;
		char chunk[65536];
		la_ssize_t n;
		while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			buf_add(&m[nr - 1].bytes, chunk, (size_t)n);
		if (n < 0) { /* this member cut short is not a document */
			nr--;
			free(m[nr].name);
			buf_release(&m[nr].bytes);
			broken = true;
			break;
		}
	}
	if (broken) {
		const char *why = archive_error_string(a);
		diags_warnf(r->d, path, 0, 0, NULL, "cannot read the archive: %s; %s",
			    why ? why : "unknown error",
			    nr ? "its remaining members skipped" : "file skipped");
		r->rs->unreadable++;
	}
	if (nr)
		qsort(m, nr, sizeof(*m), member_cmp);
	for (size_t i = 0; i < nr; i++) {
		struct buf src = BUF_INIT;
		buf_addf(&src, "%s:%s", path, m[i].name);
		take_document(r, src.s, m[i].bytes.s, m[i].bytes.len);
		buf_release(&src);
	}
out:
	for (size_t i = 0; i < nr; i++) {
		free(m[i].name);
		buf_release(&m[i].bytes);
	}
	free(m);
	archive_read_free(a);
}

bool looks_gzip(const char *path)
{
	unsigned char magic[2] = { 0, 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(magic, 1, 2, f);
	fclose(f);
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

static void read_file(struct reader *r, const char *path)
{
	if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz") || looks_gzip(path)) {
		read_tarball(r, path);
		return;
	}
	struct buf text = BUF_INIT;
	struct diags local = DIAGS_INIT;
	struct stat st;
	if (!stat(path, &st) && st.st_size > (off_t)RESULT_MAX_BYTES) {
		diags_warnf(r->d, path, 0, 0, NULL, "larger than %u bytes; file skipped",
			    RESULT_MAX_BYTES);
		r->rs->unreadable++;
	} else if (file_read_all(&text, path, &local)) {
		warn_from(r->d, &local, "file");
		r->rs->unreadable++;
	} else {
		take_document(r, path, text.s, text.len);
	}
	diags_release(&local);
	buf_release(&text);
}

int results_walk(const char *dir, walk_keep_fn keep, walk_done_fn done, void *arg,
		 struct diags *d)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return diags_errorf(d, dir, 0, 0, NULL, "cannot list the directory: %s",
				    strerror(errno));
	struct strvec files = { 0 };
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", de->d_name);
		struct stat st;
		if (lstat(p.s, &st)) {
			buf_release(&p);
			continue;
		}
		/* from lstat, not d_type: some file systems give DT_UNKNOWN */
		bool link = S_ISLNK(st.st_mode);
		if (link && stat(p.s, &st)) {
			buf_release(&p);
			continue;
		}
		if (S_ISDIR(st.st_mode) && !link) {
			if (results_walk(p.s, keep, done, arg, d))
				rc = -1;
		} else if (S_ISREG(st.st_mode) && keep(de->d_name, arg)) {
			VEC_PUSH(&files, buf_take(&p, NULL));
		}
		buf_release(&p);
	}
	closedir(dh);
	if (files.nr)
		done(dir, &files, arg);
	return rc;
}

static bool is_result_file(const char *name, void *arg)
{
	(void)arg;
	return is_result_name(name) || is_artifact_name(name);
}

/* Moves a directory's files onto the flat list. */
static void add_files(const char *dir, struct strvec *files, void *arg)
{
	(void)dir;
	struct strvec *all = arg;
	for (size_t i = 0; i < files->nr; i++)
		VEC_PUSH(all, files->v[i]);
	free(files->v);
}

int results_read(struct result_set *rs, const char *const *paths, size_t n, struct diags *d)
{
	struct strvec files = { 0 };
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st)) {
			rc = diags_errorf(d, paths[i], 0, 0, NULL, "cannot read: %s", strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (results_walk(paths[i], is_result_file, add_files, &files, d))
				rc = -1;
		} else {
			VEC_PUSH(&files, xstrdup(paths[i]));
		}
	}
	strvec_sort(&files);
	struct reader r = { rs, d, { 0 }, STRINDEX_INIT };
	for (size_t i = 0; i < files.nr; i++)
		read_file(&r, files.v[i]);
	strindex_release(&r.seen_index);
	for (size_t i = 0; i < r.seen.nr; i++)
		free((char *)r.seen.v[i]);
	free(r.seen.v);
	for (size_t i = 0; i < files.nr; i++)
		free((char *)files.v[i]);
	free(files.v);
	return rc;
}

void result_set_release(struct result_set *rs)
{
	for (size_t i = 0; i < rs->nr; i++) {
		free(rs->v[i].source);
		jtree_free(rs->v[i].root);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}
