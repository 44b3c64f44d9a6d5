/* evals_v2: upstream's eval policy on v2 rows (expand_v2.h): mark_eval_entries,
 * mark_all_eval_entries and the eval-only filter. Groups are found by sorting row indexes
 * on a hash of each row's group key, rows of equal hashes then compared themselves (so a
 * collision can never join two groups): marking is O(n log n), and the keys' texts (a
 * kilobyte for a multi-node row) are never kept. */
#include <stdint.h>
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

/* The group keys: 's' a single-node fixed row (upstream's tuple of eight fields), 'a' a
 * single-node agentic row (four fields), 'm' and 'n' multi-node fixed and agentic rows (the
 * row less parallelism_skip: _multinode_parallelism_key) */
struct keyed {
	uint64_t hash; /* of the key's text */
	size_t i;      /* row index */
	long conc;     /* the value the group compares */
	char kind;     /* 's', 'a', 'm', 'n'; 0: not a candidate */
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

uint64_t evals_v2_hash_mask = UINT64_MAX;

/* FNV-1a, 64 bits (masked: tests make every hash collide) */
static uint64_t text_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h & evals_v2_hash_mask;
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

static uint64_t parallelism_hash(const struct row *r)
{
	struct buf b = BUF_INIT;
	row_canon(&b, r, parallelism_skip);
	uint64_t h = text_hash(b.s, b.len);
	buf_release(&b);
	return h;
}

/* The fields of the single-node keys, in upstream's tuple order */
static const char *const single_strs[] = { "model", "runner", "framework", "precision",
					   "spec-decoding", NULL };
static const char *const single_ints[] = { "isl", "osl", "dp-attn", NULL };
static const char *const agentic_strs[] = { "model", "runner", "framework", "precision", NULL };

/* Group keys are parts each ended by a unit separator (0x1f) */
static uint64_t fields_hash(const struct row *r, const char *const *strs,
			    const char *const *ints)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; strs[i]; i++) {
		buf_adds(&b, str_of(r, strs[i]));
		buf_addch(&b, '\x1f');
	}
	for (size_t i = 0; ints && ints[i]; i++) {
		buf_add_int(&b, int_of(r, ints[i]));
		buf_addch(&b, '\x1f');
	}
	uint64_t h = text_hash(b.s, b.len);
	buf_release(&b);
	return h;
}

static bool fields_equal(const struct row *a, const struct row *b, const char *const *strs,
			 const char *const *ints)
{
	for (size_t i = 0; strs[i]; i++)
		if (strcmp(str_of(a, strs[i]), str_of(b, strs[i])))
			return false;
	for (size_t i = 0; ints && ints[i]; i++)
		if (int_of(a, ints[i]) != int_of(b, ints[i]))
			return false;
	return true;
}

/* Whether two entries of one kind have the same key, from their rows */
static bool same_key(const struct rows *m, const struct keyed *x, const struct keyed *y)
{
	const struct row *a = &m->v[x->i], *b = &m->v[y->i];
	switch (x->kind) {
	case 's': return fields_equal(a, b, single_strs, single_ints);
	case 'a': return fields_equal(a, b, agentic_strs, NULL);
	default: return row_equal(a, b, parallelism_skip);
	}
}

/* Sorts the n entries of k into runs of equal keys, each in row order, and writes the end
 * of each run to ends (room for n); returns the number of runs. Entries of one hash are
 * split by their rows: a collision stays two groups. */
static size_t group_runs(const struct rows *m, struct keyed *k, size_t n, size_t *ends)
{
	qsort(k, n, sizeof(*k), keyed_cmp);
	size_t runs = 0;
	for (size_t g = 0; g < n;) {
		size_t end = g + 1;
		while (end < n && k[end].kind == k[g].kind && k[end].hash == k[g].hash)
			end++;
		for (size_t first = g; first < end;) {
			size_t next = first + 1; /* [first, next): the entries equal to k[first] */
			for (size_t j = first + 1; j < end; j++) {
				if (!same_key(m, &k[first], &k[j]))
					continue;
				struct keyed t = k[j];
				memmove(&k[next + 1], &k[next], (j - next) * sizeof(*k));
				k[next++] = t;
			}
			ends[runs++] = next;
			first = next;
		}
		g = end;
	}
	return runs;
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

/* The group key of each row: the candidates of mark_eval_entries (kind 0: not one). */
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
	struct keyed *k = &job->k[i];
	*k = (struct keyed){ 0, i, best, 0 };
	if (tp && is_8k1k(r) && best) {
		k->kind = 's';
		k->hash = fields_hash(r, single_strs, single_ints);
	} else if (!tp && prefill && is_8k1k(r) && best) {
		k->kind = 'm';
		k->hash = parallelism_hash(r);
	} else if (job->include_agentic && is_agentic(r) && prefill && best) {
		k->kind = 'n';
		k->hash = parallelism_hash(r);
	} else if (job->include_agentic && is_agentic(r) && !prefill) {
		k->kind = 'a';
		k->hash = fields_hash(r, agentic_strs, NULL);
		k->conc = row_get(r, "conc")->i;
	}
}

/* mark_eval_entries */
static void mark_evals(struct rows *m, bool include_agentic)
{
	struct keyed *k = xcalloc(m->nr ? m->nr : 1, sizeof(*k));
	bool *eval = xcalloc(m->nr ? m->nr : 1, sizeof(*eval));
	long *eval_conc = xcalloc(m->nr ? m->nr : 1, sizeof(*eval_conc));
	/* the keys of a sweep's multi-node rows are canonical JSON texts: they are built on
	 * two cores when there are many */
	struct key_job job = { m, include_agentic, k };
	par_for(m->nr, group_key, &job, m->nr >= PAR_WORTH_ROWS);
	size_t n = 0;
	for (size_t i = 0; i < m->nr; i++)
		if (k[i].kind)
			k[n++] = k[i];
	size_t *ends = xcalloc(n ? n : 1, sizeof(*ends));
	size_t runs = group_runs(m, k, n, ends);
	for (size_t r = 0, g = 0; r < runs; g = ends[r++]) {
		size_t end = ends[r];
		if (k[g].kind == 's') {
			mark_single_group(k + g, end - g, eval);
		} else {
			size_t best = g; /* max(): the first of the highest */
			for (size_t i = g + 1; i < end; i++)
				if (k[i].conc > k[best].conc)
					best = i;
			eval[k[best].i] = true;
			if (k[g].kind != 'a')
				eval_conc[k[best].i] = k[best].conc;
		}
	}
	for (size_t i = 0; i < m->nr; i++) {
		row_set(&m->v[i], "run-eval", rval_bool(eval[i]));
		if (eval_conc[i])
			row_set(&m->v[i], "eval-conc", rval_int(eval_conc[i]));
	}
	free(ends);
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
			k[n++] = (struct keyed){ parallelism_hash(r), i, 0, 'n' };
		else if (is_8k1k(r))
			k[n++] = (struct keyed){ parallelism_hash(r), i, 0, 'm' };
	}
	/* the rows of one key merge into the first of them */
	size_t *ends = xcalloc(n ? n : 1, sizeof(*ends));
	size_t runs = group_runs(m, k, n, ends);
	for (size_t r = 0, g = 0; r < runs; g = ends[r++])
		for (size_t i = g + 1; i < ends[r]; i++)
			leader[k[i].i] = k[g].i;
	free(ends);
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
