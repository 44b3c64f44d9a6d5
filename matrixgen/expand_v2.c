/* expand_v2: see expand_v2.h. Comments name the upstream function each part follows. */
#include "matrixgen/expand_v2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/par.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "matrixgen/expand.h"

#define DURATION_S 3600
#define MAX_DRAM_MIB 2861022L /* MAX_AGENTIC_AVAILABLE_CPU_DRAM_MIB */

/* seq_len_to_str: only 1k1k and 8k1k have names in v2 */
static void seq_name(struct buf *out, long isl, long osl)
{
	if (isl == 1024 && osl == 1024)
		buf_adds(out, "1k1k");
	else if (isl == 8192 && osl == 1024)
		buf_adds(out, "8k1k");
	else
		buf_addf(out, "%ld_%ld", isl, osl);
}

static bool seq_selected(const struct v2_sweep *s, long isl, long osl)
{
	if (!s->seq_lens || !s->seq_lens->nr)
		return true;
	struct buf n = BUF_INIT;
	seq_name(&n, isl, osl);
	bool found = false;
	for (size_t i = 0; i < s->seq_lens->nr; i++)
		found |= !strcmp(s->seq_lens->v[i], n.s);
	buf_release(&n);
	return found;
}

/* The nodes a config's rows go to: its runner label, or with --runner-node-filter the
 * matching nodes (full-sweep: the label's nodes; test-config: the label itself first when
 * it matches, then its nodes, without repeats). Empty: the config has no rows. */
static void runner_values(struct strvec *out, const struct inputs *in, const struct config *c,
			  const struct v2_sweep *s)
{
	if (!s->node_filter || !*s->node_filter) {
		VEC_PUSH(out, c->runner);
		return;
	}
	const struct runner_type *rt = inputs_runner(in, c->runner);
	if (s->test_config && strstr(c->runner, s->node_filter))
		VEC_PUSH(out, c->runner);
	for (size_t i = 0; rt && i < rt->nodes_nr; i++) {
		bool seen = false;
		for (size_t k = 0; k < out->nr; k++)
			seen |= !strcmp(out->v[k], rt->nodes[i]);
		if (!seen && strstr(rt->nodes[i], s->node_filter))
			VEC_PUSH(out, rt->nodes[i]);
	}
}

/* Fixed-seq-len concurrency values; false: the item has no rows. */
static bool fixed_concs(struct longvec *out, const struct item_v2 *it, bool multinode,
			const struct v2_sweep *s)
{
	long step = s->test_config ? 2 : s->step;
	if (it->conc_list_nr) {
		for (size_t i = 0; i < it->conc_list_nr; i++)
			VEC_PUSH(out, it->conc_list[i]);
	} else if (multinode || s->test_config) {
		conc_expand(out, it->conc_start, it->conc_end, step);
	} else {
		long start = it->conc_start, end = it->conc_end;
		if (!conc_range_limit(&start, &end, s->min_conc, s->max_conc))
			return false;
		conc_expand(out, start, end, step);
		return true;
	}
	if (s->test_config) {
		conc_keep_only(out, s->conc_only);
		return out->nr > 0;
	}
	return conc_values_limit(out, s->min_conc, s->max_conc);
}

/* Agentic: --min-conc/--max-conc filter without clamping; test-config --conc */
static bool agentic_concs(struct longvec *out, const struct item_v2 *it, const struct v2_sweep *s)
{
	if (it->conc_list_nr)
		for (size_t i = 0; i < it->conc_list_nr; i++)
			VEC_PUSH(out, it->conc_list[i]);
	else
		conc_expand(out, it->conc_start, it->conc_end, s->test_config ? 2 : s->step);
	size_t n = 0;
	for (size_t i = 0; i < out->nr; i++)
		if ((!s->min_conc || out->v[i] >= s->min_conc) &&
		    (!s->max_conc || out->v[i] <= s->max_conc))
			out->v[n++] = out->v[i];
	out->nr = n;
	if (s->test_config)
		conc_keep_only(out, s->conc_only);
	return out->nr > 0;
}

static void row_head(struct row *r, const struct config *c, const char *runner)
{
	row_push(r, "image", rval_str(c->image));
	row_push(r, "model", rval_str(c->model));
	row_push(r, "model-prefix", rval_str(c->model_prefix));
	row_push(r, "precision", rval_str(c->precision));
	row_push(r, "framework", rval_str(c->framework));
	row_push(r, "runner", rval_str(runner));
}

/* with_worker_parallelism_defaults: keys as written, then pp, dcp-size, pcp-size */
static struct rval worker_val(const struct worker_v2 *w)
{
	struct rval v = rval_from_node(w->hdr.node);
	static const char *const keys[] = { "pp", "dcp-size", "pcp-size" };
	row_reserve(v.obj, v.obj->nr + 3);
	for (size_t i = 0; i < 3; i++)
		if (!row_get(v.obj, keys[i]))
			row_push(v.obj, keys[i], rval_int(1));
	return v;
}

/* component_metadata: the item's router / kv-p2p-transfer, else the config's */
static void row_metadata(struct row *r, const struct config *c, const struct item_v2 *it)
{
	const struct ynode *router = it->router.hdr.node ? it->router.hdr.node : c->router.hdr.node;
	if (router)
		row_push(r, "router", rval_from_node(router));
	const char *p2p = it->kv_p2p ? it->kv_p2p : c->kv_p2p;
	if (p2p)
		row_push(r, "kv-p2p-transfer", rval_str(p2p));
}

/* A fixed-seq-len row's exp-name: the same for every row of the seq-len config, so it is
 * built once and each row gets a copy */
static char *fixed_exp_name(const struct config *c, long isl, long osl)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, c->model_prefix);
	buf_addch(&b, '_');
	seq_name(&b, isl, osl);
	return buf_take(&b, NULL);
}

static struct row *row_new(struct rows *out)
{
	VEC_GROW(out->v, out->nr + 1, out->alloc);
	struct row *r = &out->v[out->nr++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void fixed_single(struct rows *out, const struct config *c, const struct fixed_v2 *f,
			 const struct item_v2 *it, const struct strvec *runners,
			 const struct v2_sweep *s)
{
	long ep = it->ep;
	if (!s->test_config) {
		if (s->max_tp && it->tp > s->max_tp)
			return;
		if (s->max_ep && ep > s->max_ep)
			ep = s->max_ep;
	}
	struct longvec concs = { 0 };
	if (!fixed_concs(&concs, it, false, s))
		goto done;
	bool dp_attn_written = ynode_get(it->hdr.node, "dp-attn");
	char *name = fixed_exp_name(c, f->isl, f->osl);
	for (size_t k = 0; k < concs.nr; k++)
		for (size_t n = 0; n < runners->nr; n++) {
		struct row *r = row_new(out);
		row_head(r, c, runners->v[n]);
		row_push(r, "isl", rval_int(f->isl));
		row_push(r, "osl", rval_int(f->osl));
		row_push(r, "tp", rval_int(it->tp));
		row_push(r, "pp", rval_int(it->pp));
		row_push(r, "dcp-size", rval_int(it->dcp_size));
		row_push(r, "pcp-size", rval_int(it->pcp_size));
		row_push(r, "conc", rval_int(concs.v[k]));
		row_push(r, "max-model-len", rval_int(f->isl + f->osl + 256));
		row_push(r, "ep", rval_int(ep ? ep : 1));
		row_push(r, "dp-attn", rval_bool(dp_attn_written && it->dp_attn));
		row_push(r, "spec-decoding", rval_str(it->spec));
		row_push(r, "exp-name", rval_own(xstrdup(name)));
		row_push(r, "disagg", rval_bool(c->disagg));
		row_push(r, "run-eval", rval_bool(false));
		row_metadata(r, c, it);
		}
	free(name);
done:
	free(concs.v);
}

static void fixed_multi(struct rows *out, const struct config *c, const struct fixed_v2 *f,
		const struct item_v2 *it, const struct strvec *runners,
		const struct v2_sweep *s)
{
	struct longvec concs = { 0 };
	if (!fixed_concs(&concs, it, true, s))
		goto done;
	/* built once, copied into each row: reading the YAML nodes again costs more */
	struct rval prefill = worker_val(&it->prefill), decode = worker_val(&it->decode);
	char *name = fixed_exp_name(c, f->isl, f->osl);
	for (size_t n = 0; n < runners->nr; n++) {
		struct row *r = row_new(out);
		row_head(r, c, runners->v[n]);
		row_push(r, "isl", rval_int(f->isl));
		row_push(r, "osl", rval_int(f->osl));
		row_push(r, "spec-decoding", rval_str(it->spec));
		row_push(r, "prefill", rval_copy(&prefill));
		row_push(r, "decode", rval_copy(&decode));
		row_push(r, "conc", rval_ints(concs.v, concs.nr));
		row_push(r, "max-model-len", rval_int(f->isl + f->osl + 256));
		row_push(r, "exp-name", rval_own(xstrdup(name)));
		row_push(r, "disagg", rval_bool(c->disagg));
		row_push(r, "run-eval", rval_bool(false));
		row_metadata(r, c, it);
	}
	free(name);
	rval_release(&prefill);
	rval_release(&decode);
done:
	free(concs.v);
}

/* Decimal(str(util)) as mantissa * 10^exp10, from Python's repr of the float. */
static void util_decimal(__int128 *mant, int *exp10, double util)
{
	char text[32];
	fmt_double_py(text, util);
	*mant = 0;
	*exp10 = 0;
	const char *p = text;
	bool frac = false;
	for (; *p && *p != 'e'; p++) {
		if (*p == '.') {
			frac = true;
			continue;
		}
		*mant = *mant * 10 + (*p - '0');
		if (frac)
			(*exp10)--;
	}
	if (*p == 'e')
		*exp10 += atoi(p + 1);
}

/* agentic_dram_offload_gb: int(min(avail, MAX) MiB * util * gpus / gpus-per-node / 1e9),
 * in exact integer arithmetic (upstream's Decimal keeps 28 digits: the same integer
 * for every value a config can write). The hardware and topology were checked at load. */
static long dram_gb(const struct inputs *in, const struct config *c, const struct agentic_v2 *a,
		    const struct item_v2 *it)
{
	if (!it->kv_offloading || strcmp(it->kv_offloading, "dram"))
		return 0;
	const struct runner_hw *hw = inputs_runner_hw(in, c->runner);
	if (!hw)
		return 0;
	long avail = hw->avail_dram_mib < MAX_DRAM_MIB ? hw->avail_dram_mib : MAX_DRAM_MIB;
	long per_node = hw->gpus_per_node, gpus;
	if (it->prefill.hdr.node) {
		gpus = it->prefill.tp * it->prefill.pp * it->prefill.pcp_size;
		if (gpus > per_node)
			gpus = per_node;
	} else {
		gpus = it->tp * it->pp * it->pcp_size;
	}
	__int128 mant;
	int exp10;
	util_decimal(&mant, &exp10, a->dram_util);
	__int128 num = (__int128)avail * 1048576 * gpus * mant;
	__int128 den = (__int128)per_node * 1000000000;
	for (; exp10 > 0; exp10--)
		num *= 10;
	for (; exp10 < 0; exp10++)
		den *= 10;
	return (long)(num / den);
}

static void offload_suffix(struct buf *b, const struct item_v2 *it, const char *kv)
{
	if (!strcmp(kv, "none"))
		buf_adds(b, "kvnone");
	else
		buf_addf(b, "kv%s-%s", kv, it->backend.name);
}

static void worker_tag(struct buf *b, const struct worker_v2 *w, char role)
{
	buf_addf(b, "%c%ldx%ld", role, w->num_worker, w->tp);
	if (w->ep != 1)
		buf_addf(b, "ep%ld", w->ep);
	if (w->dp_attn)
		buf_adds(b, "dpa");
}

static void agentic_tail(struct row *r, const struct config *c, const struct item_v2 *it)
{
	if (it->backend.hdr.node)
		row_push(r, "kv-offload-backend", rval_from_node(it->backend.hdr.node));
	row_metadata(r, c, it);
}

/* An agentic row's exp-name is head, conc, tail: the parts around conc are the same for all
 * of an item's rows, so they are built once (printf per row cost more than the row) */
struct agentic_name {
	struct buf head, tail;
};

static void agentic_name_init(struct agentic_name *n, const struct config *c,
			      const struct item_v2 *it, const char *kv)
{
	buf_init(&n->head);
	buf_init(&n->tail);
	buf_adds(&n->head, c->model_prefix);
	buf_addch(&n->head, '_');
	if (c->multinode) {
		/* {prefix}_{p-tag}_{d-tag}_conc{conc}, then _{offload} unless kv is none */
		worker_tag(&n->head, &it->prefill, 'p');
		buf_addch(&n->head, '_');
		worker_tag(&n->head, &it->decode, 'd');
		buf_adds(&n->head, "_conc");
		if (strcmp(kv, "none")) {
			buf_addch(&n->tail, '_');
			offload_suffix(&n->tail, it, kv);
		}
		return;
	}
	/* {prefix}_tp{tp}_conc{conc}_{offload}, then _spec-{spec} unless spec is none */
	buf_addf(&n->head, "tp%ld_conc", it->tp);
	buf_addch(&n->tail, '_');
	offload_suffix(&n->tail, it, kv);
	if (strcmp(it->spec, "none"))
		buf_addf(&n->tail, "_spec-%s", it->spec);
}

static char *agentic_name_for(const struct agentic_name *n, long conc)
{
	struct buf b = BUF_INIT;
	buf_add(&b, n->head.s, n->head.len);
	buf_add_int(&b, conc);
	buf_add(&b, n->tail.s, n->tail.len);
	return buf_take(&b, NULL);
}

static void agentic_name_release(struct agentic_name *n)
{
	buf_release(&n->head);
	buf_release(&n->tail);
}

/* The values agentic rows of one item share. */
struct agentic_common {
	const char *kv;  /* kv-offloading, "none" unless written */
	long dram_gb;    /* total-cpu-dram-gb */
	struct agentic_name name;
};

static void agentic_multi_rows(struct rows *out, const struct config *c, const struct item_v2 *it,
			       const struct agentic_common *ac, const struct longvec *concs,
			       const struct strvec *runners)
{
	struct rval prefill = worker_val(&it->prefill), decode = worker_val(&it->decode);
	for (size_t n = 0; n < runners->nr; n++)
		for (size_t k = 0; k < concs->nr; k++) {
			struct row *r = row_new(out);
			row_head(r, c, runners->v[n]);
			row_push(r, "spec-decoding", rval_str(it->spec));
			row_push(r, "prefill", rval_copy(&prefill));
			row_push(r, "decode", rval_copy(&decode));
			row_push(r, "conc", rval_ints(&concs->v[k], 1));
			row_push(r, "kv-offloading", rval_str(ac->kv));
			row_push(r, "total-cpu-dram-gb", rval_int(ac->dram_gb));
			row_push(r, "duration", rval_int(DURATION_S));
			row_push(r, "exp-name", rval_own(agentic_name_for(&ac->name, concs->v[k])));
			row_push(r, "disagg", rval_bool(c->disagg));
			row_push(r, "scenario-type", rval_str("agentic-coding"));
			agentic_tail(r, c, it);
		}
	rval_release(&prefill);
	rval_release(&decode);
}

static void agentic_single_rows(struct rows *out, const struct config *c,
				const struct item_v2 *it, const struct agentic_common *ac,
				const struct longvec *concs, const struct strvec *runners)
{
	bool dp_attn_written = ynode_get(it->hdr.node, "dp-attn");
	for (size_t k = 0; k < concs->nr; k++)
		for (size_t n = 0; n < runners->nr; n++) {
			struct row *r = row_new(out);
			row_head(r, c, runners->v[n]);
			row_push(r, "tp", rval_int(it->tp));
			row_push(r, "pp", rval_int(it->pp));
			row_push(r, "dcp-size", rval_int(it->dcp_size));
			row_push(r, "pcp-size", rval_int(it->pcp_size));
			row_push(r, "ep", rval_int(it->ep ? it->ep : 1));
			row_push(r, "dp-attn", rval_bool(dp_attn_written && it->dp_attn));
			row_push(r, "spec-decoding", rval_str(it->spec));
			row_push(r, "conc", rval_int(concs->v[k]));
			row_push(r, "kv-offloading", rval_str(ac->kv));
			row_push(r, "total-cpu-dram-gb", rval_int(ac->dram_gb));
			row_push(r, "duration", rval_int(DURATION_S));
			row_push(r, "exp-name", rval_own(agentic_name_for(&ac->name, concs->v[k])));
			row_push(r, "scenario-type", rval_str("agentic-coding"));
			agentic_tail(r, c, it);
		}
}

static void agentic_item(struct rows *out, const struct inputs *in, const struct config *c,
			 const struct agentic_v2 *a, const struct item_v2 *it,
			 const struct strvec *runners, const struct v2_sweep *s)
{
	struct longvec concs = { 0 };
	if (!agentic_concs(&concs, it, s))
		goto done;
	struct agentic_common ac = {
		.kv = it->kv_offloading ? it->kv_offloading : "none",
		.dram_gb = dram_gb(in, c, a, it),
	};
	agentic_name_init(&ac.name, c, it, ac.kv);
	if (c->multinode)
		agentic_multi_rows(out, c, it, &ac, &concs, runners);
	else
		agentic_single_rows(out, c, it, &ac, &concs, runners);
	agentic_name_release(&ac.name);
done:
	free(concs.v);
}

void expand_v2_config(struct rows *out, const struct inputs *in, const struct config *c,
		      const struct v2_sweep *s)
{
	if (!s->test_config && ((c->multinode && !s->multi) || (!c->multinode && !s->single)))
		return;
	struct strvec runners = { 0 };
	runner_values(&runners, in, c, s);
	for (size_t f = 0; runners.nr && s->fixed && f < c->scen.fixed_nr; f++) {
		const struct fixed_v2 *fx = &c->scen.fixed[f];
		if (!seq_selected(s, fx->isl, fx->osl))
			continue;
		for (size_t i = 0; i < fx->items_nr; i++) {
			if (c->multinode)
				fixed_multi(out, c, fx, &fx->items[i], &runners, s);
			else
				fixed_single(out, c, fx, &fx->items[i], &runners, s);
		}
	}
	for (size_t g = 0; runners.nr && s->agentic && g < c->scen.agentic_nr; g++) {
		const struct agentic_v2 *a = &c->scen.agentic[g];
		for (size_t i = 0; i < a->items_nr; i++)
			agentic_item(out, in, c, a, &a->items[i], &runners, s);
	}
	free(runners.v);
}

/* One config's rows, expanded on whichever thread par_for gives it to. */
struct expand_job {
	const struct inputs *in;
	const struct sweep_filter *f;
	const struct v2_sweep *s;
	struct rows *rows; /* per config */
};

static void expand_one(void *arg, size_t i)
{
	const struct expand_job *job = arg;
	if (config_selected(&job->in->configs[i], job->f))
		expand_v2_config(&job->rows[i], job->in, &job->in->configs[i], job->s);
}

void expand_v2_configs(struct rows *out, const struct inputs *in, const struct sweep_filter *f,
		       const struct v2_sweep *s)
{
	size_t n = in->configs_nr, nodes = 0;
	struct expand_job job = { in, f, s, xcalloc(n ? n : 1, sizeof(struct rows)) };
	for (size_t i = 0; i < n; i++)
		nodes += in->configs[i].hdr.node->expanded;
	par_for(n, expand_one, &job, nodes >= PAR_WORTH_NODES);
	size_t total = out->nr;
	for (size_t i = 0; i < n; i++)
		total += job.rows[i].nr;
	VEC_GROW(out->v, total, out->alloc);
	/* each config's rows move to out in config order: their field arrays go with them */
	for (size_t i = 0; i < n; i++) {
		if (job.rows[i].nr)
			memcpy(out->v + out->nr, job.rows[i].v, job.rows[i].nr * sizeof(*out->v));
		out->nr += job.rows[i].nr;
		free(job.rows[i].v);
	}
	free(job.rows);
}

/* Bytes of JSON gathered before they are written out (emit_rows with a stream) */
#define EMIT_CHUNK (64 * 1024)

/* The JSON of rows [from, to) as an array of their own: "[" and the rows, ", " between;
 * with a stream, written to it every EMIT_CHUNK bytes */
struct emit_part {
	const struct rows *m;
	size_t from, to;
	struct buf *out;
	FILE *stream;
};

static void emit_part(void *arg)
{
	struct emit_part *p = arg;
	struct jsonw w;
	/* rows take 300 to 900 bytes: without a stream, room for all of them at once, so the
	 * megabyte of a full sweep is not copied at each doubling */
	buf_grow(p->out, p->stream ? EMIT_CHUNK + 4096 : (p->to - p->from) * 1024);
	jsonw_init(&w, p->out, JSONW_LINE);
	jsonw_arr_open(&w);
	for (size_t i = p->from; i < p->to; i++) {
		row_write(&w, &p->m->v[i]);
		if (p->stream && p->out->len >= EMIT_CHUNK) {
			fwrite(p->out->s, 1, p->out->len, p->stream);
			buf_reset(p->out);
		}
	}
}

void emit_rows(struct buf *out, FILE *stream, const struct rows *m)
{
	/* a sweep's megabyte of JSON: the second half is written on another core, as an array
	 * of its own whose "[" becomes the ", " after the first half; with a stream the first
	 * half goes out as it is written, so only the second half is ever held whole */
	size_t half = m->nr >= PAR_WORTH_ROWS ? m->nr / 2 : m->nr;
	struct buf second = BUF_INIT;
	struct emit_part a = { m, 0, half, out, stream }, b = { m, half, m->nr, &second, NULL };
	if (!stream)
		buf_grow(out, m->nr * 1024); /* room for both halves: growing later moves the first */
	if (half < m->nr) {
		par_two(emit_part, &a, &b);
		buf_adds(out, ", ");
		if (stream) { /* not copied after the first half: written as it is */
			fwrite(out->s, 1, out->len, stream);
			buf_reset(out);
			fwrite(second.s + 1, 1, second.len - 1, stream);
		} else {
			buf_add(out, second.s + 1, second.len - 1);
		}
		buf_release(&second);
	} else {
		emit_part(&a);
	}
	buf_adds(out, "]\n");
	if (stream) {
		fwrite(out->s, 1, out->len, stream);
		buf_reset(out);
	}
}
