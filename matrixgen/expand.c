/* expand: see expand.h. */
#include "matrixgen/expand.h"

#include <stdlib.h>
#include <string.h>

void mentries_release(struct mentries *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].concs);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void conc_expand(struct longvec *out, long start, long end, long step)
{
	long c = start;
	for (;;) {
		VEC_PUSH(out, c);
		if (c >= end)
			break;
		c = c > end / step ? end : c * step; /* clamped to end, and no overflow */
	}
}

bool conc_range_limit(long *start, long *end, long min_conc, long max_conc)
{
	if (min_conc) {
		if (*end < min_conc)
			return false;
		if (*start < min_conc)
			*start = min_conc;
	}
	if (max_conc) {
		if (*start > max_conc)
			*start = *end = max_conc;
		else if (*end > max_conc)
			*end = max_conc;
	}
	return true;
}

bool conc_values_limit(struct longvec *v, long min_conc, long max_conc)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nr; i++)
		if (!min_conc || v->v[i] >= min_conc)
			v->v[n++] = v->v[i];
	v->nr = n;
	if (!n)
		return false;
	if (!max_conc)
		return true;
	n = 0;
	for (size_t i = 0; i < v->nr; i++)
		if (v->v[i] <= max_conc)
			v->v[n++] = v->v[i];
	v->nr = n;
	if (!n)
		VEC_PUSH(v, max_conc);
	return true;
}

void conc_keep_only(struct longvec *v, const struct longvec *only)
{
	if (!only || !only->nr)
		return;
	size_t n = 0;
	for (size_t i = 0; i < v->nr; i++)
		for (size_t k = 0; k < only->nr; k++)
			if (v->v[i] == only->v[k]) {
				v->v[n++] = v->v[i];
				break;
			}
	v->nr = n;
}

bool node_matches(const char *node, const char *filter)
{
	return !filter || !*filter || strstr(node, filter);
}

static bool in_list(const struct strvec *list, const char *s)
{
	for (size_t i = 0; i < list->nr; i++)
		if (!strcmp(list->v[i], s))
			return true;
	return false;
}

static bool has_prefix_in(const struct strvec *list, const char *s)
{
	for (size_t i = 0; i < list->nr; i++)
		if (!strncmp(s, list->v[i], strlen(list->v[i])))
			return true;
	return false;
}

bool config_selected(const struct config *c, const struct sweep_filter *f)
{
	if (f->model_prefix && f->model_prefix->nr && !has_prefix_in(f->model_prefix, c->key))
		return false;
	if (f->precision && f->precision->nr && !in_list(f->precision, c->precision))
		return false;
	if (f->framework && f->framework->nr && !in_list(f->framework, c->framework))
		return false;
	if (f->runner_type && f->runner_type->nr && !in_list(f->runner_type, c->runner))
		return false;
	if (f->single_only && c->multinode)
		return false;
	if (f->multi_only && !c->multinode)
		return false;
	return true;
}

static bool seq_len_selected(const struct seq_len *s, const struct sweep_filter *f)
{
	if (!f->seq_lens || !f->seq_lens->nr)
		return true;
	char name[SEQ_LEN_NAME_MAX];
	seq_len_name(name, s->isl, s->osl);
	return in_list(f->seq_lens, name);
}

/* The concurrency values of one item after the filters, or false to drop the item. */
static bool item_concs(struct longvec *out, const struct search_item *it, bool multi,
		       const struct sweep_filter *f)
{
	long step = f->step ? f->step : 2;
	if (it->conc_list_nr) {
		for (size_t i = 0; i < it->conc_list_nr; i++)
			VEC_PUSH(out, it->conc_list[i]);
		if (!conc_values_limit(out, f->min_conc, f->max_conc))
			return false;
	} else if (multi) {
		conc_expand(out, it->conc_start, it->conc_end, step);
		if (!conc_values_limit(out, f->min_conc, f->max_conc))
			return false;
	} else {
		long start = it->conc_start, end = it->conc_end;
		if (!conc_range_limit(&start, &end, f->min_conc, f->max_conc))
			return false;
		conc_expand(out, start, end, step);
	}
	conc_keep_only(out, f->conc_only);
	return out->nr > 0;
}

static struct mentry *entry_new(struct mentries *out, const struct config *c,
				const struct seq_len *s, const struct search_item *it,
				const char *runner)
{
	VEC_GROW(out->v, out->nr + 1, out->alloc);
	struct mentry *e = &out->v[out->nr++];
	memset(e, 0, sizeof(*e));
	e->cfg = c;
	e->item = it;
	e->runner = runner;
	e->isl = s->isl;
	e->osl = s->osl;
	e->spec = it->spec;
	e->max_model_len = s->isl + s->osl + 200;
	seq_len_name(e->seq_name, s->isl, s->osl);
	return e;
}

void expand_config(struct mentries *out, const struct inputs *in, const struct config *c,
		   const struct sweep_filter *f)
{
	/* nodes: with a node filter, one entry per matching node of the runner type */
	const char *own_runner[1] = { c->runner };
	const char *const *nodes = own_runner;
	size_t nodes_nr = 1;
	if (f->node_filter && *f->node_filter) {
		const struct runner_type *rt = inputs_runner(in, c->runner);
		const char **match = xcalloc(rt ? rt->nodes_nr : 1, sizeof(*match));
		nodes_nr = 0;
		for (size_t i = 0; rt && i < rt->nodes_nr; i++)
			if (node_matches(rt->nodes[i], f->node_filter))
				match[nodes_nr++] = rt->nodes[i];
		nodes = match;
	}
	struct longvec concs = { 0 };
	for (size_t s = 0; nodes_nr && s < c->seq_lens_nr; s++) {
		const struct seq_len *sl = &c->seq_lens[s];
		if (!seq_len_selected(sl, f))
			continue;
		for (size_t i = 0; i < sl->items_nr; i++) {
			const struct search_item *it = &sl->items[i];
			long ep = it->ep ? it->ep : 1;
			if (!c->multinode) {
				if (f->max_tp && it->tp > f->max_tp)
					continue;
				if (f->max_ep && it->ep && it->ep > f->max_ep)
					ep = f->max_ep;
			}
			concs.nr = 0;
			if (!item_concs(&concs, it, c->multinode, f))
				continue;
			if (c->multinode) {
				for (size_t n = 0; n < nodes_nr; n++) {
					struct mentry *e = entry_new(out, c, sl, it, nodes[n]);
					e->concs = xcalloc(concs.nr, sizeof(long));
					memcpy(e->concs, concs.v, concs.nr * sizeof(long));
					e->concs_nr = concs.nr;
				}
				continue;
			}
			for (size_t k = 0; k < concs.nr; k++)
				for (size_t n = 0; n < nodes_nr; n++) {
					struct mentry *e = entry_new(out, c, sl, it, nodes[n]);
					e->tp = it->tp;
					e->ep = ep;
					e->dp_attn = it->dp_attn;
					e->conc = concs.v[k];
				}
		}
	}
	free(concs.v);
	if (nodes != own_runner)
		free((void *)nodes);
}
