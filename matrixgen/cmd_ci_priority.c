/* ci-priority: a generated matrix (stdin or --input) with scheduling metadata on every job;
 * a drop-in for upstream's utils/ci_priority.py command line (see ci_priority.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "common/opt.h"
#include "common/xalloc.h"
#include "matrixgen/ci_priority.h"
#include "matrixgen/commands.h"

/* A --labels-json / --criteria-json value: "" or null mean none; else an array of strings.
 * The strings are borrowed from *tree (the caller frees it). */
static int string_array_arg(const char ***out, size_t *nr, bool *given, struct jnode **tree,
			    const char *opt, const char *text, struct diags *d)
{
	*given = false;
	if (!*text)
		return 0;
	*tree = jtree_parse(text, strlen(text), opt, NULL);
	const struct jnode *n = *tree;
	if (n && n->type == JT_NULL)
		return 0;
	bool ok = n && n->type == JT_ARR;
	for (size_t i = 0; ok && i < n->nr; i++)
		ok = n->items[i].type == JT_STR && !memchr(n->items[i].s, '\0', n->items[i].len);
	if (!ok)
		return diags_usagef(d, "%s must be a JSON array of strings, found '%s'", opt, text);
	*out = xcalloc(n->nr + 1, sizeof(**out));
	for (size_t i = 0; i < n->nr; i++)
		(*out)[i] = n->items[i].s;
	*nr = n->nr;
	*given = true;
	return 0;
}

int cmd_ci_priority(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *policy_path = "configs/ci-priority.yaml", *event = "", *labels_json = "[]";
	const char *ns = "local", *criteria_json = "", *input = NULL;
	long pr_number = 0;
	const struct opt rows[] = {
		{ "policy", OPT_STR, 0, &policy_path, "F", "the priority policy (default configs/ci-priority.yaml)", 0, NULL, NULL },
		{ "event-name", OPT_STR, 0, &event, "NAME", "the workflow's event (push, pull_request ...)", 0, NULL, NULL },
		{ "labels-json", OPT_STR, 0, &labels_json, "JSON", "the PR's labels, a JSON array of strings (default [])", 0, NULL, NULL },
		{ "queue-namespace", OPT_STR, 0, &ns, "S", "prefix of every queue token, e.g. RUN_ID:ATTEMPT (default local)", 0, NULL, NULL },
		{ "pr-number", OPT_INT, 0, &pr_number, "N", "the PR number, written as skip-queue-pr on a PR with the skip-queue label", LONG_MIN, NULL, NULL },
		{ "criteria-json", OPT_STR, 0, &criteria_json, "JSON", "score by these criteria instead of each job's own facts", 0, NULL, NULL },
		{ "input", OPT_STR, 0, &input, "F", "read the matrix from F instead of stdin", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"matrixgen ci-priority [options] < MATRIX",
		"Add CI scheduling metadata to every job of a generated matrix (an object with\n"
		"`runner` and `framework`, at any depth): `priority` (higher runs sooner),\n"
		"`queue-token` and, on a PR with the skip-queue label, `skip-queue-pr`. Output:\n"
		"compact JSON and a newline, as upstream's utils/ci_priority.py writes it.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct ci_policy policy;
	memset(&policy, 0, sizeof(policy));
	struct ci_context ctx = { .event_name = event };
	struct jnode *labels_tree = NULL, *criteria_tree = NULL, *payload = NULL;
	struct buf text = BUF_INIT, matrix = BUF_INIT;
	bool labels_given;
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (rc)
		goto done;
	ctx.event_name = event;
	ctx.queue_namespace = ns;
	ctx.has_pr_number = opt_given(&cmd, "pr-number");
	ctx.pr_number = pr_number;
	if (string_array_arg(&ctx.labels, &ctx.labels_nr, &labels_given, &labels_tree,
			     "--labels-json", labels_json, d) ||
	    string_array_arg(&ctx.criteria, &ctx.criteria_nr, &ctx.has_criteria, &criteria_tree,
			     "--criteria-json", criteria_json, d)) {
		rc = -1;
		goto done;
	}
	rc = file_read_all(&text, policy_path, d);
	if (!rc)
		rc = ci_policy_load(&policy, policy_path, text.s, text.len, d);
	if (!rc)
		rc = ci_check_criteria(&policy, &ctx, d);
	if (!rc)
		rc = file_read_all(&matrix, input ? input : "-", d);
	if (!rc) {
		payload = jtree_parse(matrix.s, matrix.len, input ? input : "<stdin>", d);
		rc = payload ? 0 : -1;
	}
	if (!rc)
		ci_annotate(out, payload, &policy, &ctx);
done:
	jtree_free(payload);
	jtree_free(labels_tree);
	jtree_free(criteria_tree);
	free(ctx.labels);
	free(ctx.criteria);
	ci_policy_release(&policy);
	buf_release(&text);
	buf_release(&matrix);
	return rc;
}
