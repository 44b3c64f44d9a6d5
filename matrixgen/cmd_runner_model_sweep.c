/* runner-model-sweep: one small entry per (config, node) of a runner type, to check that
 * every node works (matrix-spec 3.3). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/commands.h"
#include "matrixgen/emit.h"
#include "matrixgen/evals.h"
#include "matrixgen/expand.h"
#include "matrixgen/inputs.h"

struct rms_opts {
	struct common_opts c;
	const char *runner_type;
	long conc;
	struct strvec model_prefix, precision, framework;
	bool single, multi;
};

static long list_min(const struct search_item *it)
{
	long m = LONG_MAX;
	for (size_t i = 0; i < it->conc_list_nr; i++)
		if (it->conc_list[i] < m)
			m = it->conc_list[i];
	return m;
}

/* 5: the item with the highest tp, first on ties. 6: the smallest conc-list minimum. */
static const struct search_item *pick_item(const struct config *c, const struct seq_len *s)
{
	const struct search_item *best = &s->items[0];
	for (size_t i = 1; i < s->items_nr; i++) {
		const struct search_item *it = &s->items[i];
		if (c->multinode ? list_min(it) < list_min(best) : it->tp > best->tp)
			best = it;
	}
	return best;
}

/* --conc, else conc-start, else the smallest of conc-list (3.3 steps 5 and 6). */
static long pick_conc(const struct search_item *it, long given)
{
	if (given)
		return given;
	if (it->conc_start)
		return it->conc_start;
	return list_min(it);
}

static void expand_rms(struct mentries *m, const struct config *c, const struct strvec *nodes,
		       long conc_opt)
{
	const struct seq_len *s = NULL;
	for (size_t i = 0; i < c->seq_lens_nr && !s; i++)
		if (c->seq_lens[i].isl == 1024 && c->seq_lens[i].osl == 1024)
			s = &c->seq_lens[i];
	if (!s)
		return;
	const struct search_item *it = pick_item(c, s);
	/* an item has a range or a list, never both, so one rule serves both schemas */
	long conc = pick_conc(it, conc_opt);
	for (size_t n = 0; n < nodes->nr; n++) {
		VEC_GROW(m->v, m->nr + 1, m->alloc);
		struct mentry *e = &m->v[m->nr++];
		memset(e, 0, sizeof(*e));
		e->cfg = c;
		e->item = it;
		e->runner = nodes->v[n];
		e->isl = e->osl = 1024;
		e->tp = it->tp;
		e->ep = it->ep ? it->ep : 1;
		e->dp_attn = it->dp_attn;
		e->spec = it->spec;
		e->max_model_len = 2048;
		strcpy(e->seq_name, "test");
		if (c->multinode) {
			e->concs = xcalloc(1, sizeof(long));
			e->concs[0] = conc;
			e->concs_nr = 1;
		} else {
			e->conc = conc;
		}
	}
}

static int rms_nodes(struct strvec *nodes, const struct inputs *in, const struct rms_opts *o,
		     struct diags *d)
{
	const struct runner_type *rt = inputs_runner(in, o->runner_type);
	if (!rt) {
		struct strvec names = { 0 };
		for (size_t i = 0; i < in->runners_nr; i++)
			VEC_PUSH(&names, in->runners[i].name);
		struct buf list = BUF_INIT;
		strvec_join(&list, &names, ", ");
		diags_errorf(d, NULL, 0, 0, NULL,
			     "Runner '%s' does not exist in runner config '%s'. Must choose from "
			     "existing runner types: '%s'.", o->runner_type, in->runner_file, list.s);
		buf_release(&list);
		free(names.v);
		return -1;
	}
	for (size_t i = 0; i < rt->nodes_nr; i++)
		if (node_matches(rt->nodes[i], o->c.node_filter))
			VEC_PUSH(nodes, rt->nodes[i]);
	if (!nodes->nr)
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "No runner nodes found matching filter '%s' for runner type '%s'.",
				    o->c.node_filter ? o->c.node_filter : "", o->runner_type);
	return 0;
}

int cmd_runner_model_sweep(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct rms_opts o = { 0 };
	const struct opt rows[] = {
		OPT_ROW_CONFIG_FILES(&o.c, OPT_REQUIRED),
		OPT_ROW_RUNNER_CONFIG(&o.c),
		{ "runner-type", OPT_STR, OPT_REQUIRED, &o.runner_type, "R", "the runner type whose nodes to check", 0, NULL, NULL },
		{ "conc", OPT_INT, 0, &o.conc, "C", "concurrency of every entry (default: the item's smallest)", 1, NULL, NULL },
		{ "model-prefix", OPT_LIST, 0, &o.model_prefix, "P", "keep configs whose key starts with one of P", 0, NULL, NULL },
		{ "precision", OPT_LIST, 0, &o.precision, "V", "keep configs with one of these precisions", 0, NULL, NULL },
		{ "framework", OPT_LIST, 0, &o.framework, "V", "keep configs with one of these frameworks", 0, NULL, NULL },
		{ "single-node", OPT_FLAG, 0, &o.single, NULL, "single-node configs (default: both kinds)", 0, NULL, NULL },
		{ "multi-node", OPT_FLAG, 0, &o.multi, NULL, "multi-node configs (default: both kinds)", 0, NULL, NULL },
		OPT_ROW_NODE_FILTER(&o.c, "only the nodes whose name contains S"),
		OPT_ROWS_EVALS(&o.c),
	};
	const struct opt_cmd cmd = {
		"matrixgen runner-model-sweep --config-files F... --runner-type R [options]",
		"One 1k1k entry per config of runner type R and per node of R: checks that every\n"
		"node works.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	struct inputs in;
	struct mentries m = { 0 };
	struct strvec nodes = { 0 };
	inputs_init(&in);
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (rc || (rc = inputs_load_all(&in, &o.c, false, d)) || (rc = rms_nodes(&nodes, &in, &o, d)))
		goto done;
	struct sweep_filter f = {
		.model_prefix = &o.model_prefix, .precision = &o.precision,
		.framework = &o.framework,
		.single_only = o.single && !o.multi, .multi_only = o.multi && !o.single,
	};
	for (size_t i = 0; i < in.configs_nr; i++) {
		const struct config *c = &in.configs[i];
		if (!strcmp(c->runner, o.runner_type) && config_selected(c, &f))
			expand_rms(&m, c, &nodes, o.conc);
	}
	evals_apply(&m, o.c.run_evals, o.c.evals_only);
	emit_matrix(out, &m, &entry_layout_rms);
done:
	mentries_release(&m);
	inputs_release(&in);
	common_opts_release(&o.c);
	free(nodes.v);
	free(o.model_prefix.v);
	free(o.precision.v);
	free(o.framework.v);
	return rc;
}
