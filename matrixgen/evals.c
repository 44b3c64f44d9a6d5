/* evals: see evals.h. Candidates are grouped by sorting their indexes on the group key, so
 * marking is O(n log n) however large the sweep. */
#include "matrixgen/evals.h"

#include <stdlib.h>
#include <string.h>

static bool is_candidate(const struct mentry *e)
{
	return !e->cfg->multinode && e->isl == 1024 && e->osl == 8192;
}

static const struct mentry *sort_base;

/* Group key: (model, runner, framework, precision, isl, osl, spec-decoding, dp-attn). */
static int group_cmp(const struct mentry *a, const struct mentry *b)
{
	int c;
	if ((c = strcmp(a->cfg->model, b->cfg->model)) ||
	    (c = strcmp(a->runner, b->runner)) ||
	    (c = strcmp(a->cfg->framework, b->cfg->framework)) ||
	    (c = strcmp(a->cfg->precision, b->cfg->precision)) ||
	    (c = strcmp(a->spec, b->spec)))
		return c;
	if (a->isl != b->isl)
		return a->isl < b->isl ? -1 : 1;
	if (a->osl != b->osl)
		return a->osl < b->osl ? -1 : 1;
	return (int)a->dp_attn - (int)b->dp_attn;
}

static int index_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = group_cmp(&sort_base[i], &sort_base[j]);
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/* Among the group's entries with tp == tp_pick, mark those with the highest conc. */
static void mark_tp(struct mentry *v, const size_t *idx, size_t nr, long tp_pick)
{
	long best = 0;
	for (size_t i = 0; i < nr; i++)
		if (v[idx[i]].tp == tp_pick && v[idx[i]].conc > best)
			best = v[idx[i]].conc;
	for (size_t i = 0; i < nr; i++)
		if (v[idx[i]].tp == tp_pick && v[idx[i]].conc == best)
			v[idx[i]].run_eval = true;
}

void evals_mark(struct mentries *m)
{
	size_t *idx = xcalloc(m->nr ? m->nr : 1, sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++) {
		m->v[i].run_eval = false;
		if (is_candidate(&m->v[i]))
			idx[n++] = i;
	}
	sort_base = m->v;
	qsort(idx, n, sizeof(*idx), index_cmp);
	for (size_t g = 0; g < n;) {
		size_t end = g + 1;
		while (end < n && !group_cmp(&m->v[idx[g]], &m->v[idx[end]]))
			end++;
		long lo = m->v[idx[g]].tp, hi = lo;
		for (size_t i = g; i < end; i++) {
			long tp = m->v[idx[i]].tp;
			lo = tp < lo ? tp : lo;
			hi = tp > hi ? tp : hi;
		}
		mark_tp(m->v, idx + g, end - g, hi);
		if (lo != hi)
			mark_tp(m->v, idx + g, end - g, lo);
		g = end;
	}
	free(idx);
}

void evals_keep_marked(struct mentries *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++) {
		if (m->v[i].run_eval)
			m->v[n++] = m->v[i];
		else
			free(m->v[i].concs);
	}
	m->nr = n;
}

void evals_apply(struct mentries *m, bool run_evals, bool evals_only)
{
	if (run_evals || evals_only)
		evals_mark(m);
	if (evals_only)
		evals_keep_marked(m);
}
