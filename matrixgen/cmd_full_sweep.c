/* full-sweep: every config, filtered (matrix-spec 3.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/par.h"
#include "matrixgen/commands.h"
#include "matrixgen/emit.h"
#include "matrixgen/evals.h"
#include "matrixgen/expand.h"
#include "matrixgen/expand_v2.h"
#include "matrixgen/inputs.h"
#include "matrixgen/keep.h"

static const char *const seq_len_choices[] = { "1k1k", "1k8k", "8k1k", NULL };

struct fs_opts {
	struct common_opts c;
	struct strvec model_prefix, precision, framework, runner_type, seq_lens;
	bool single, multi;
	long step, min_conc, max_conc, max_tp, max_ep;
};

/* --runner-type values must all be runner types, checked before any output. */
static int check_runner_types(const struct inputs *in, const struct strvec *types,
			      struct diags *d)
{
	struct buf bad = BUF_INIT;
	for (size_t i = 0; i < types->nr; i++)
		if (!inputs_runner(in, types->v[i]))
			buf_addf(&bad, "%s%s", bad.len ? ", " : "", types->v[i]);
	if (!bad.len)
		return 0;
	struct strvec names = { 0 };
	for (size_t i = 0; i < in->runners_nr; i++)
		VEC_PUSH(&names, in->runners[i].name);
	strvec_sort(&names);
	struct buf valid = BUF_INIT;
	strvec_join(&valid, &names, ", ");
	diags_errorf(d, NULL, 0, 0, NULL, "Invalid runner type(s): %s. Valid runner types are: %s",
		     bad.s, valid.s);
	free(names.v);
	buf_release(&bad);
	buf_release(&valid);
	return -1;
}

static bool has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

static int full_sweep_v2(struct buf *out, const struct inputs *in, const struct fs_opts *o,
			 struct diags *d)
{
	if (o->min_conc && o->max_conc && o->min_conc > o->max_conc)
		return diags_usagef(d, "--min-conc must be less than or equal to --max-conc");
	bool both = !o->single && !o->multi;
	const struct strvec *st = &o->c.scenario_types;
	struct v2_sweep s = {
		.seq_lens = &o->seq_lens, .single = o->single || both, .multi = o->multi || both,
		.fixed = !st->nr || has(st, "fixed-seq-len"),
		.agentic = !st->nr || has(st, "agentic-coding"),
		.step = o->step, .min_conc = o->min_conc, .max_conc = o->max_conc,
		.max_tp = o->max_tp, .max_ep = o->max_ep, .node_filter = o->c.node_filter,
	};
	struct sweep_filter f = { .model_prefix = &o->model_prefix, .precision = &o->precision,
				  .framework = &o->framework, .runner_type = &o->runner_type };
	struct rows m = { 0 };
	expand_v2_configs(&m, in, &f, &s);
	evals_v2_apply(&m, o->c.no_evals, o->c.evals_only, o->c.all_evals);
	emit_rows(out, stdout, &m); /* commands.h */
	keep_rows(&m);
	return 0;
}

int cmd_full_sweep(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct fs_opts o = { .step = 2 };
	const struct opt rows[] = {
		OPT_ROW_CONFIG_FILES(&o.c, OPT_REQUIRED),
		OPT_ROW_RUNNER_CONFIG(&o.c),
		{ "model-prefix", OPT_LIST, 0, &o.model_prefix, "P", "keep configs whose key starts with one of P", 0, NULL, NULL },
		{ "precision", OPT_LIST, 0, &o.precision, "V", "keep configs with one of these precisions", 0, NULL, NULL },
		{ "framework", OPT_LIST, 0, &o.framework, "V", "keep configs with one of these frameworks", 0, NULL, NULL },
		{ "runner-type", OPT_LIST, 0, &o.runner_type, "R", "keep configs with one of these runner types (each must exist)", 0, NULL, NULL },
		{ "seq-lens", OPT_LIST, 0, &o.seq_lens, "N", "keep these sequence-length pairs", 0, seq_len_choices, NULL },
		{ "single-node", OPT_FLAG, 0, &o.single, NULL, "emit single-node entries (default: both kinds)", 0, NULL, NULL },
		{ "multi-node", OPT_FLAG, 0, &o.multi, NULL, "emit multi-node entries (default: both kinds)", 0, NULL, NULL },
		{ "step-size", OPT_INT, 0, &o.step, "K", "concurrency range step, a factor >= 2 (default 2)", 2, NULL, NULL },
		{ "min-conc", OPT_INT, 0, &o.min_conc, "C", "lowest concurrency to run", 1, NULL, NULL },
		{ "max-conc", OPT_INT, 0, &o.max_conc, "C", "highest concurrency to run", 1, NULL, NULL },
		{ "max-tp", OPT_INT, 0, &o.max_tp, "T", "drop single-node items with a larger tp", 1, NULL, NULL },
		{ "max-ep", OPT_INT, 0, &o.max_ep, "E", "lower a written single-node ep above E to E", 1, NULL, NULL },
		OPT_ROW_NODE_FILTER(&o.c, "one entry per node of the runner type whose name contains S"),
		OPT_ROWS_EVALS(&o.c),
		OPT_ROWS_EVALS_V2(&o.c),
	};
	const struct opt_cmd cmd = {
		"matrixgen full-sweep --config-files F... [options]",
		"Expand every master config into the job matrix, with optional filters.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct inputs in;
	struct mentries m = { 0 };
	inputs_init(&in);
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (!rc)
		par_start(); /* loading and expanding share work (par.h): the helper gets ready */
	if (rc || (rc = inputs_load_all(&in, &o.c, false, d)) ||
	    (rc = common_opts_check_layout(&o.c, &in, &o.seq_lens, d)) ||
	    (rc = check_runner_types(&in, &o.runner_type, d)))
		goto done;
	if (in.layout == LAYOUT_V2) {
		rc = full_sweep_v2(out, &in, &o, d);
		goto done;
	}
	struct sweep_filter f = {
		.model_prefix = &o.model_prefix, .precision = &o.precision,
		.framework = &o.framework, .runner_type = &o.runner_type, .seq_lens = &o.seq_lens,
		.single_only = o.single && !o.multi, .multi_only = o.multi && !o.single,
		.step = o.step, .min_conc = o.min_conc, .max_conc = o.max_conc,
		.max_tp = o.max_tp, .max_ep = o.max_ep, .node_filter = o.c.node_filter,
	};
	for (size_t i = 0; i < in.configs_nr; i++)
		if (config_selected(&in.configs[i], &f))
			expand_config(&m, &in, &in.configs[i], &f);
	evals_apply(&m, o.c.run_evals, o.c.evals_only);
	emit_matrix(out, &m, &entry_layout_sweep);
done:
	/* the run ends with this command: keep.h */
	keep_mentries(&m);
	keep_inputs(&in);
	common_opts_release(&o.c);
	free(o.model_prefix.v);
	free(o.precision.v);
	free(o.framework.v);
	free(o.runner_type.v);
	free(o.seq_lens.v);
	return rc;
}
