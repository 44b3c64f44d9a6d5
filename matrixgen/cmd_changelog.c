/*
 * changelog: the matrix for the entries a change added to the perf changelog
 * (matrix-spec 3.4): git diff base..head of the file, its added lines parsed as changelog
 * entries, each entry's keys resolved and expanded like test-config, marked for evals per
 * entry, grouped by node kind and seq-len name into one compact JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/proc.h"
#include "matrixgen/changelog_v2.h"
#include "matrixgen/commands.h"
#include "matrixgen/difflines.h"
#include "matrixgen/emit.h"
#include "matrixgen/evals.h"
#include "matrixgen/expand.h"
#include "matrixgen/inputs.h"
#include "matrixgen/select.h"

struct cl_opts {
	struct common_opts c;
	const char *base, *head, *file;
	bool trim_conc; /* v2 only, like c.all_evals and c.evals_only */
};

static int git_diff(struct buf *out, const struct cl_opts *o, struct diags *d)
{
	const char *argv[] = { "git", "diff", "--no-color", "--no-ext-diff", o->base, o->head,
			       "--", o->file, NULL };
	struct buf err = BUF_INIT;
	int status = 0;
	int rc = proc_capture(argv, out, &err, &status, d);
	if (!rc && status) {
		while (err.len && (err.s[err.len - 1] == '\n' || err.s[err.len - 1] == '\r'))
			buf_setlen(&err, err.len - 1);
		rc = diags_errorf(d, NULL, 0, 0, NULL, "git diff %s %s -- %s failed (exit %d): %s",
				  o->base, o->head, o->file, status, err.s);
	}
	buf_release(&err);
	return rc;
}

/* Diags about the added text carry its own line numbers: point them at the file's lines. */
static void remap_lines(struct diags *d, size_t from, const struct added_lines *a,
			const char *name, const char *file)
{
	for (size_t i = from; i < d->nr; i++) {
		struct diag *g = &d->v[i];
		if (!g->file || strcmp(g->file, name))
			continue;
		free(g->file);
		g->file = xstrdup(file);
		/* a mark just past the last added line (end of input) stays just past it */
		if (g->line >= 1 && (size_t)g->line <= a->nr)
			g->line = a->line_of[g->line - 1];
		else if (a->nr && (size_t)g->line > a->nr)
			g->line = a->line_of[a->nr - 1] + (g->line - (int)a->nr);
	}
}

static int load_additions(struct inputs *in, const struct cl_opts *o, struct diags *d)
{
	struct buf diff = BUF_INIT;
	struct added_lines add = { BUF_INIT, NULL, 0, 0 };
	int rc = git_diff(&diff, o, d);
	if (!rc)
		rc = diff_added_lines(&add, diff.s, diff.len, o->file, d);
	if (!rc) {
		size_t ws = strspn(add.text.s, " \t\r\n\f\v");
		if (ws == add.text.len) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "No additions found in the changelog file.");
		} else {
			const char *name = "<changelog additions>";
			size_t first = d->nr;
			rc = inputs_load_changelog(in, name, add.text.s, add.text.len, d);
			remap_lines(d, first, &add, name, o->file);
		}
	}
	buf_release(&diff);
	added_lines_release(&add);
	return rc;
}

static void emit_group_side(struct jsonw *w, const struct mentries *all, bool multi)
{
	/* groups by seq-len name, in order of first appearance */
	jsonw_obj_open(w);
	for (size_t i = 0; i < all->nr; i++) {
		const struct mentry *e = &all->v[i];
		if (e->cfg->multinode != multi)
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = all->v[k].cfg->multinode == multi &&
			       !strcmp(all->v[k].seq_name, e->seq_name);
		if (seen)
			continue;
		jsonw_key(w, e->seq_name);
		jsonw_arr_open(w);
		for (size_t k = i; k < all->nr; k++)
			if (all->v[k].cfg->multinode == multi &&
			    !strcmp(all->v[k].seq_name, e->seq_name))
				emit_entry(w, &all->v[k], &entry_layout_changelog);
		jsonw_arr_close(w);
	}
	jsonw_obj_close(w);
}

static void emit_metadata(struct jsonw *w, const struct inputs *in, const struct cl_opts *o)
{
	jsonw_key(w, "changelog_metadata");
	jsonw_obj_open(w);
	jsonw_key(w, "base_ref");
	jsonw_str(w, o->base);
	jsonw_key(w, "head_ref");
	jsonw_str(w, o->head);
	jsonw_key(w, "entries");
	jsonw_arr_open(w);
	for (size_t i = 0; i < in->changelog_nr; i++) {
		const struct changelog_entry *ce = &in->changelog[i];
		jsonw_obj_open(w);
		jsonw_key(w, "config-keys");
		jsonw_arr_open(w);
		for (size_t k = 0; k < ce->keys_nr; k++)
			jsonw_str(w, ce->keys[k]);
		jsonw_arr_close(w);
		jsonw_key(w, "description");
		jsonw_arr_open(w);
		for (size_t k = 0; k < ce->description_nr; k++)
			jsonw_str(w, ce->description[k]);
		jsonw_arr_close(w);
		jsonw_key(w, "pr-link");
		jsonw_str(w, ce->pr_link);
		jsonw_key(w, "evals-only");
		jsonw_bool(w, ce->evals_only);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* Per added entry: its new keys, expanded like test-config, marked on their own. */
static int expand_entries(struct mentries *all, const struct inputs *in, struct diags *d)
{
	struct ptrvec taken = { 0 };
	int rc = 0;
	for (size_t i = 0; i < in->changelog_nr && !rc; i++) {
		const struct changelog_entry *ce = &in->changelog[i];
		struct ptrvec keys = { 0 };
		struct mentries one = { 0 };
		rc = select_changelog_keys(&keys, &taken, in, ce->keys, ce->keys_nr, d);
		struct sweep_filter f = { .step = 2 };
		for (size_t k = 0; !rc && k < keys.nr; k++)
			expand_config(&one, in, keys.v[k], &f);
		/* --run-evals for an entry, --evals-only when it says evals-only (matrix-spec 3.4) */
		evals_apply(&one, true, ce->evals_only);
		for (size_t k = 0; k < one.nr; k++)
			VEC_PUSH(all, one.v[k]);
		free(one.v); /* the entries (and their conc arrays) moved to all */
		free(keys.v);
	}
	free(taken.v);
	return rc;
}

int cmd_changelog(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct cl_opts o = { 0 };
	const struct opt rows[] = {
		{ "base-ref", OPT_STR, OPT_REQUIRED, &o.base, "A", "git ref before the change", 0, NULL, NULL },
		{ "head-ref", OPT_STR, OPT_REQUIRED, &o.head, "B", "git ref after the change", 0, NULL, NULL },
		{ "changelog-file", OPT_STR, OPT_REQUIRED, &o.file, "F", "the perf changelog (append-only YAML list)", 0, NULL, NULL },
		OPT_ROW_CONFIG_FILES(&o.c, 0),
		OPT_ROW_RUNNER_CONFIG(&o.c),
		{ "trim-conc", OPT_FLAG, 0, &o.trim_conc, NULL, "v2: one concurrency point per recipe (the lowest)", 0, NULL, NULL },
		{ "all-evals", OPT_FLAG, 0, &o.c.all_evals, NULL, "v2: every entry's eval selection expanded (throughput unchanged)", 0, NULL, NULL },
		{ "evals-only", OPT_FLAG, 0, &o.c.evals_only, NULL, "v2: no throughput rows for any entry", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"matrixgen changelog --base-ref A --head-ref B --changelog-file F [options]",
		"The matrix for the changelog entries added between two git refs, as one JSON\n"
		"object for a workflow output. Default config files: every *-master.yaml in\n"
		"configs/ (else .github/configs/).",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct inputs in;
	struct mentries all = { 0 };
	inputs_init(&in);
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (rc || (rc = inputs_load_all(&in, &o.c, true, d)) || (rc = load_additions(&in, &o, d)))
		goto done;
	if (!in.changelog_nr) {
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "No valid YAML entries found in the changelog additions.");
		goto done;
	}
	if (in.layout == LAYOUT_V2) {
		struct changelog_v2_opts v2 = { .base_ref = o.base, .head_ref = o.head,
						.trim_conc = o.trim_conc, .all_evals = o.c.all_evals,
						.evals_only = o.c.evals_only };
		rc = changelog_v2(out, &in, &v2, d);
		goto done;
	}
	if (o.trim_conc || o.c.all_evals || o.c.evals_only) {
		rc = diags_usagef(d, "--trim-conc, --all-evals and --evals-only need v2 master "
				     "configs (scenarios); %s is v1", in.layout_file);
		goto done;
	}
	if ((rc = expand_entries(&all, &in, d)))
		goto done;
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	jsonw_obj_open(&w);
	jsonw_key(&w, "single_node");
	emit_group_side(&w, &all, false);
	jsonw_key(&w, "multi_node");
	emit_group_side(&w, &all, true);
	emit_metadata(&w, &in, &o);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
done:
	mentries_release(&all);
	inputs_release(&in);
	common_opts_release(&o.c);
	return rc;
}
