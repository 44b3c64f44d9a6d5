/* thresholds: see thresholds.h. */
#include "executor/evals/thresholds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/scalar.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/yamltree.h"

struct loader {
	struct thresholds *t;
	const char *file;
	struct diags *d;
};

static int found_error(struct loader *l, const struct ynode *n, const char *path,
		       const char *expected)
{
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	diags_errorf(l->d, l->file, n->line, n->col, path, "expected %s, found %s", expected,
		     found.s);
	buf_release(&found);
	return -1;
}

static int read_score(struct loader *l, double *out, const struct ynode *n, const char *path)
{
	enum scalar_kind k = n->kind == YNODE_SCALAR ? scalar_classify(n) : SC_STRING;
	char *end = NULL;
	if (n->kind == YNODE_SCALAR && (k == SC_INT || k == SC_FLOAT))
		*out = strtod(n->str, &end);
	if (!end || *end || !isfinite(*out) || *out < 0 || *out > 1)
		return found_error(l, n, path, "a number from 0 to 1");
	return 0;
}

/* A mapping of task -> score; model NULL for default. */
static int read_tasks(struct loader *l, const struct ynode *map, const char *model,
		      const char *path)
{
	if (map->kind != YNODE_MAP)
		return found_error(l, map, path, "a mapping of task names to scores");
	int rc = 0;
	for (size_t i = 0; i < map->nr; i++) {
		const struct ynode *k = map->pairs[i].key;
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s.%s", path, k->str);
		struct threshold row = { model ? xstrdup(model) : NULL, xstrdup(k->str), 0 };
		if (!k->len) {
			rc = diags_errorf(l->d, l->file, k->line, k->col, path,
					  "expected a task name, found an empty key");
		} else if (read_score(l, &row.min_score, map->pairs[i].value, p.s)) {
			rc = -1;
		} else {
			VEC_PUSH(l->t, row);
			row.model = row.task = NULL;
		}
		free(row.model);
		free(row.task);
		buf_release(&p);
	}
	return rc;
}

static int read_models(struct loader *l, const struct ynode *map)
{
	if (map->kind != YNODE_MAP)
		return found_error(l, map, "models", "a mapping of model prefixes to task scores");
	int rc = 0;
	for (size_t i = 0; i < map->nr; i++) {
		struct buf p = BUF_INIT;
		buf_addf(&p, "models.%s", map->pairs[i].key->str);
		if (read_tasks(l, map->pairs[i].value, map->pairs[i].key->str, p.s))
			rc = -1;
		buf_release(&p);
	}
	return rc;
}

int thresholds_load(struct thresholds *out, const char *path, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct loader l = { out, path, d };
	struct buf text = BUF_INIT;
	struct ydoc doc = { 0 };
	int rc = file_read_all(&text, path, d);
	if (!rc)
		rc = ydoc_load(&doc, path, text.s, text.len, d);
	if (!rc && (!doc.root || doc.root->kind != YNODE_MAP))
		rc = doc.root ? found_error(&l, doc.root, NULL, "a mapping with default and models")
			      : diags_errorf(d, path, 0, 0, NULL,
					     "expected a mapping with default and models, found "
					     "an empty file");
	for (size_t i = 0; !rc && i < doc.root->nr; i++) {
		const struct ynode *k = doc.root->pairs[i].key, *v = doc.root->pairs[i].value;
		if (!strcmp(k->str, "default"))
			rc = read_tasks(&l, v, NULL, "default");
		else if (!strcmp(k->str, "models"))
			rc = read_models(&l, v);
		else
			rc = diags_errorf(d, path, k->line, k->col, k->str,
					  "unknown key: expected default or models");
	}
	ydoc_release(&doc);
	buf_release(&text);
	if (rc)
		thresholds_release(out);
	return rc;
}

void thresholds_release(struct thresholds *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->v[i].model);
		free(t->v[i].task);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static const struct threshold *find(const struct thresholds *t, const char *model,
				    const char *task)
{
	for (size_t i = 0; i < t->nr; i++) {
		const struct threshold *r = &t->v[i];
		if (!strcmp(r->task, task) && (model ? r->model && !strcmp(r->model, model)
						     : !r->model))
			return r;
	}
	return NULL;
}

double thresholds_resolve(const struct thresholds *t, const char *model_prefix,
			  const char *task, char *source_buf, size_t source_size)
{
	const struct threshold *r = model_prefix ? find(t, model_prefix, task) : NULL;
	if (r) {
		snprintf(source_buf, source_size, "models.%s", model_prefix);
		return r->min_score;
	}
	r = find(t, NULL, task);
	snprintf(source_buf, source_size, "%s", r ? "default" : "fallback");
	return r ? r->min_score : THRESHOLD_FALLBACK;
}
