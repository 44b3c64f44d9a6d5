/* agentic_dir: see agentic_dir.h. */
#include "executor/results/agentic_dir.h"

#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"

static bool is_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The names in dir matching pattern (NULL: every directory), sorted. */
static void list_dir(struct strvec *out, const char *dir, const char *pattern)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (pattern && fnmatch(pattern, de->d_name, FNM_PERIOD))
			continue;
		VEC_PUSH(out, xstrdup(de->d_name));
	}
	closedir(dh);
	strvec_sort(out);
}

static void strvec_free_all(struct strvec *v)
{
	for (size_t i = 0; i < v->nr; i++)
		free((char *)v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/* _resolve_artifact_dir */
static void artifact_dir(struct buf *out, const char *result_dir)
{
	struct buf p = BUF_INIT;
	buf_addf(out, "%s/aiperf_artifacts", result_dir);
	buf_addf(&p, "%s/profile_export.jsonl", out->s);
	if (!is_file(p.s) && is_dir(out->s)) {
		struct strvec names = { 0 };
		list_dir(&names, out->s, NULL);
		for (size_t i = 0; i < names.nr; i++) {
			buf_reset(&p);
			buf_addf(&p, "%s/%s/profile_export.jsonl", out->s, names.v[i]);
			if (is_file(p.s)) {
				buf_addf(out, "/%s", names.v[i]);
				break;
			}
		}
		strvec_free_all(&names);
	}
	buf_release(&p);
}

/* find_server_log_paths: RESULT_DIR/server.log, then watchtower-*.out in RESULT_DIR and its
 * three nearest parents (Path.parents: lexical), each real file once. */
static void server_log_paths(struct strvec *out, const char *result_dir)
{
	struct strvec seen = { 0 }, cand = { 0 };
	struct buf p = BUF_INIT, dir = BUF_INIT;
	buf_addf(&p, "%s/server.log", result_dir);
	if (is_file(p.s))
		VEC_PUSH(&cand, buf_take(&p, NULL));
	buf_adds(&dir, result_dir);
	for (int level = 0; level < 4; level++) {
		if (level) { /* the lexical parent: "a/b" -> "a" -> "."; "/x" -> "/" */
			char *slash = strrchr(dir.s, '/');
			if (!strcmp(dir.s, ".") || !strcmp(dir.s, "/"))
				break;
			if (!slash)
				buf_reset(&dir), buf_adds(&dir, ".");
			else
				buf_setlen(&dir, slash == dir.s ? 1 : (size_t)(slash - dir.s));
		}
		struct strvec names = { 0 };
		if (is_dir(dir.s))
			list_dir(&names, dir.s, "watchtower-*.out");
		for (size_t i = 0; i < names.nr; i++) {
			buf_reset(&p);
			buf_addf(&p, "%s/%s", dir.s, names.v[i]);
			VEC_PUSH(&cand, buf_take(&p, NULL));
		}
		strvec_free_all(&names);
	}
	for (size_t i = 0; i < cand.nr; i++) {
		char real[PATH_MAX];
		const char *key = realpath(cand.v[i], real) ? real : cand.v[i];
		bool dup = false;
		for (size_t k = 0; k < seen.nr && !dup; k++)
			dup = !strcmp(seen.v[k], key);
		if (dup)
			continue;
		VEC_PUSH(&seen, xstrdup(key));
		VEC_PUSH(out, xstrdup(cand.v[i]));
	}
	strvec_free_all(&seen);
	strvec_free_all(&cand);
	buf_release(&p);
	buf_release(&dir);
}

/* load_server_log_head: the first 64 MiB, NULs removed (invalid UTF-8 kept: the patterns
 * are ASCII). NULL when it cannot be read. */
static char *log_head(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 64u << 20, n = 0;
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t got;
	while (n < cap && (got = fread(tmp, 1, sizeof(tmp) < cap - n ? sizeof(tmp) : cap - n, f))) {
		for (size_t i = 0; i < got; i++)
			if (tmp[i])
				buf_addch(&b, tmp[i]);
		n += got;
	}
	fclose(f);
	return buf_take(&b, NULL);
}

/* An optional JSON file: *root NULL when absent; -1 when present and unreadable. */
static int read_json(struct jnode **root, struct buf *text, const char *path, struct diags *d)
{
	*root = NULL;
	if (!is_file(path))
		return 0;
	if (file_read_all(text, path, d))
		return -1;
	*root = jtree_parse(text->s, text->len, path, d);
	return *root ? 0 : -1;
}

int agentic_process_dir(struct buf *out, struct agentic_summary *sum,
			const struct agentic_dir_inputs *in, struct diags *d)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, records = BUF_INIT, agg_text = BUF_INIT,
		   sm_text = BUF_INIT;
	struct jnode *aggregate = NULL, *sm = NULL;
	struct agentic_metrics metrics = AGENTIC_METRICS_INIT;
	struct strvec logs = { 0 }, texts = { 0 };
	int rc = 0;
	artifact_dir(&dir, in->result_dir);
	buf_addf(&path, "%s/profile_export.jsonl", dir.s);
	if (!is_file(path.s)) {
		rc = diags_errorf(d, path.s, 0, 0, NULL, "not found");
		goto done;
	}
	rc = file_read_all(&records, path.s, d);
	buf_reset(&path);
	buf_addf(&path, "%s/profile_export_aiperf.json", dir.s);
	if (!rc)
		rc = read_json(&aggregate, &agg_text, path.s, d);
	buf_reset(&path);
	buf_addf(&path, "%s/server_metrics_export.json", dir.s);
	const char *sm_path = in->scrape_file ? in->scrape_file : path.s;
	if (!rc && in->scrape_file && !is_file(in->scrape_file))
		rc = diags_errorf(d, in->scrape_file, 0, 0, NULL, "not found");
	if (!rc)
		rc = read_json(&sm, &sm_text, sm_path, d);
	if (!rc && in->scrape_file)
		rc = agentic_metrics_from_scrapes(&metrics, sm, sm_path, d);
	else if (!rc)
		agentic_metrics_from_aiperf(&metrics, sm);
	if (rc)
		goto done;
	server_log_paths(&logs, in->result_dir);
	for (size_t i = 0; i < logs.nr; i++) {
		char *t = log_head(logs.v[i]);
		if (t)
			VEC_PUSH(&texts, t);
	}
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s/profile_export.jsonl", dir.s);
	struct agentic_inputs ai = {
		records.s, records.len, name.s, aggregate, &metrics, { texts.v, texts.nr },
		in->env, in->env_data,
	};
	rc = agentic_process(out, sum, &ai, d);
	buf_release(&name);
done:
	agentic_metrics_release(&metrics);
	jtree_free(aggregate);
	jtree_free(sm);
	strvec_free_all(&logs);
	strvec_free_all(&texts);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&records);
	buf_release(&agg_text);
	buf_release(&sm_text);
	return rc ? -1 : 0;
}
