/* evals_v2: upstream's eval policy on v2 rows (expand_v2.h): mark_eval_entries,
 * mark_all_eval_entries and the eval-only filter. Groups are found by sorting row indexes
 * on a key text, so marking is O(n log n). */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/par.h"
#include "common/xalloc.h"
#include "matrixgen/expand_v2.h"

#define MIN_EVAL_CONC 16

/* _multinode_parallelism_key leaves these out */
static const char *const parallelism_skip[] = { "conc", "run-eval", "eval-only", "eval-conc",
						"eval-all-concs", "exp-name", NULL };

struct keyed {
	char *key;  /* owned; NULL: not a candidate */
	size_t i;   /* row index */
	long conc;  /* the value the group compares */
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static const char *str_of(const struct row *r, const char *key)
{
	const struct rval *v = row_get(r, key);
	return v && v->kind == RV_STR ? v->s : "";
}

static long int_of(const struct row *r, const char *key)
{
	const struct rval *v = row_get(r, key);
	return v && v->kind == RV_INT ? v->i : v && v->kind == RV_BOOL ? v->b : -1;
}

static bool is_8k1k(const struct row *r)
{
	return int_of(r, "isl") == 8192 && int_of(r, "osl") == 1024;
}

static bool is_agentic(const struct row *r)
{
	return !strcmp(str_of(r, "scenario-type"), "agentic-coding");
}

/* The largest conc >= MIN_EVAL_CONC of a row (a number or a list), or 0. */
static long best_eligible(const struct row *r)
{
	const struct rval *c = row_get(r, "conc");
	long best = 0;
	if (c->kind == RV_INT)
		return c->i >= MIN_EVAL_CONC ? c->i : 0;
	for (size_t i = 0; i < c->nr; i++)
		if (c->items[i].i >= MIN_EVAL_CONC && c->items[i].i > best)
			best = c->items[i].i;
	return best;
}

static char *parallelism_key(const struct row *r, char tag)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, tag);
	row_canon(&b, r, parallelism_skip);
	return buf_take(&b, NULL);
}

/* Group keys are parts each ended by a unit separator (0x1f), written without printf:
 * a sweep builds one for most of its rows */
static void key_part(struct buf *b, const char *s)
{
	buf_adds(b, s);
	buf_addch(b, '\x1f');
}

static void key_part_int(struct buf *b, long v)
{
	buf_add_int(b, v);
	buf_addch(b, '\x1f');
}

static char *single_key(const struct row *r)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, 's');
	key_part(&b, str_of(r, "model"));
	key_part(&b, str_of(r, "runner"));
	key_part(&b, str_of(r, "framework"));
	key_part(&b, str_of(r, "precision"));
	key_part_int(&b, int_of(r, "isl"));
	key_part_int(&b, int_of(r, "osl"));
	key_part(&b, str_of(r, "spec-decoding"));
	key_part_int(&b, int_of(r, "dp-attn"));
	return buf_take(&b, NULL);
}

static char *agentic_single_key(const struct row *r)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, 'a');
	key_part(&b, str_of(r, "model"));
	key_part(&b, str_of(r, "runner"));
	key_part(&b, str_of(r, "framework"));
	key_part(&b, str_of(r, "precision"));
	return buf_take(&b, NULL);
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Single-node fixed groups: mark the highest and the median distinct conc. */
static void mark_single_group(const struct keyed *g, size_t nr, bool *eval)
{
	long *c = xcalloc(nr, sizeof(*c));
	for (size_t i = 0; i < nr; i++)
		c[i] = g[i].conc;
	qsort(c, nr, sizeof(*c), long_cmp);
	size_t u = 0;
	for (size_t i = 0; i < nr; i++)
		if (!u || c[u - 1] != c[i])
			c[u++] = c[i];
	long hi = c[u - 1], median = c[u / 2];
	for (size_t i = 0; i < nr; i++)
		if (g[i].conc == hi || g[i].conc == median)
			eval[g[i].i] = true;
	free(c);
}

/* The group key of each row: the candidates of mark_eval_entries (key NULL: none). */
struct key_job {
	const struct rows *m;
	bool include_agentic;
	struct keyed *k; /* one per row */
};

static void group_key(void *arg, size_t i)
{
	struct key_job *job = arg;
	const struct row *r = &job->m->v[i];
	bool tp = row_get(r, "tp"), prefill = row_get(r, "prefill");
	long best = best_eligible(r);
	char *key = NULL;
	if (tp && is_8k1k(r) && best)
		key = single_key(r);
	else if (!tp && prefill && is_8k1k(r) && best)
		key = parallelism_key(r, 'm');
	else if (job->include_agentic && is_agentic(r) && prefill && best)
		key = parallelism_key(r, 'n');
	else if (job->include_agentic && is_agentic(r) && !prefill)
		key = agentic_single_key(r), best = row_get(r, "conc")->i;
	job->k[i] = (struct keyed){ key, i, best };
}

/* Below this many rows the keys are built on one thread */
#define PAR_MIN_ROWS 256

/* mark_eval_entries */
static void mark_evals(struct rows *m, bool include_agentic)
{
	struct keyed *k = xcalloc(m->nr ? m->nr : 1, sizeof(*k));
	bool *eval = xcalloc(m->nr ? m->nr : 1, sizeof(*eval));
	long *eval_conc = xcalloc(m->nr ? m->nr : 1, sizeof(*eval_conc));
	/* the keys of a sweep's multi-node rows are canonical JSON texts: they are built on
	 * two cores when there are many */
	struct key_job job = { m, include_agentic, k };
	if (m->nr >= PAR_MIN_ROWS) {
		par_for(m->nr, group_key, &job);
	} else {
		for (size_t i = 0; i < m->nr; i++)
			group_key(&job, i);
	}
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++)
		if (k[i].key)
			k[n++] = k[i];
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (size_t g = 0; g < n;) {
		size_t end = g + 1;
		while (end < n && !strcmp(k[g].key, k[end].key))
			end++;
		if (k[g].key[0] == 's') {
			mark_single_group(k + g, end - g, eval);
		} else {
			size_t best = g; /* max(): the first of the highest */
			for (size_t i = g + 1; i < end; i++)
				if (k[i].conc > k[best].conc)
					best = i;
			eval[k[best].i] = true;
			if (k[g].key[0] != 'a')
				eval_conc[k[best].i] = k[best].conc;
		}
		g = end;
	}
	for (size_t i = 0; i < m->nr; i++) {
		row_set(&m->v[i], "run-eval", rval_bool(eval[i]));
		if (eval_conc[i])
			row_set(&m->v[i], "eval-conc", rval_int(eval_conc[i]));
	}
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	free(eval);
	free(eval_conc);
}

/* sorted(set(a + b)) into a */
static void merge_concs(struct row *into, const struct rval *add)
{
	struct rval *have = row_get(into, "conc");
	long *v = xcalloc(have->nr + add->nr, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < have->nr; i++)
		v[n++] = have->items[i].i;
	for (size_t i = 0; i < add->nr; i++)
		v[n++] = add->items[i].i;
	qsort(v, n, sizeof(*v), long_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || v[u - 1] != v[i])
			v[u++] = v[i];
	row_set(into, "conc", rval_ints(v, u));
	free(v);
}

/* mark_all_eval_entries: multinode rows of one topology merge into the first one. */
static void mark_all_evals(struct rows *m)
{
	struct keyed *k = xcalloc(m->nr ? m->nr : 1, sizeof(*k));
	size_t *leader = xcalloc(m->nr ? m->nr : 1, sizeof(*leader));
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++) {
		leader[i] = i;
		const struct row *r = &m->v[i];
		if (!row_get(r, "prefill"))
			continue;
		if (is_agentic(r))
			k[n++] = (struct keyed){ parallelism_key(r, 'n'), i, 0 };
		else if (is_8k1k(r))
			k[n++] = (struct keyed){ parallelism_key(r, 'm'), i, 0 };
	}
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(k[i].key, k[i - 1].key))
			leader[k[i].i] = leader[k[i - 1].i];
	struct rows out = { 0 };
	size_t *pos = xcalloc(m->nr ? m->nr : 1, sizeof(*pos)); /* row index -> out index */
	for (size_t i = 0; i < m->nr; i++) {
		struct row *r = &m->v[i];
		bool agentic = is_agentic(r), multi = row_get(r, "prefill");
		if (multi && (agentic || is_8k1k(r)) && leader[i] != i) {
			struct row *into = &out.v[pos[leader[i]]];
			merge_concs(into, row_get(r, "conc"));
			if (agentic) {
				const struct rval *c = row_get(into, "conc");
				row_set(into, "eval-conc", rval_int(c->items[c->nr - 1].i));
			}
			row_release(r);
			continue;
		}
		if (multi && (agentic || is_8k1k(r))) {
			merge_concs(r, &(struct rval){ .kind = RV_LIST });
			row_set(r, "run-eval", rval_bool(true));
			if (agentic) {
				const struct rval *c = row_get(r, "conc");
				row_set(r, "eval-conc", rval_int(c->items[c->nr - 1].i));
			} else {
				row_set(r, "eval-all-concs", rval_bool(true));
				row_del(r, "eval-conc");
			}
		} else if (agentic || is_8k1k(r)) {
			row_set(r, "run-eval", rval_bool(true));
		}
		pos[i] = out.nr;
		VEC_GROW(out.v, out.nr + 1, out.alloc);
		out.v[out.nr++] = *r;
	}
	free(m->v);
	*m = out;
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	free(leader);
	free(pos);
}

void evals_v2_apply(struct rows *m, bool no_evals, bool evals_only, bool all_evals)
{
	if (!no_evals) {
		mark_evals(m, evals_only || all_evals);
		if (all_evals)
			mark_all_evals(m);
	}
	if (!evals_only && !all_evals)
		return;
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++) {
		const struct rval *e = row_get(&m->v[i], "run-eval");
		if (e && e->b) {
			row_set(&m->v[i], "eval-only", rval_bool(true));
			m->v[n++] = m->v[i];
		} else {
			row_release(&m->v[i]);
		}
	}
	m->nr = n;
}
