/* process: see process.h. The output is built as an ordered key list with Python dict
 * semantics (a key set twice keeps its first place and takes the last value), because the
 * existing processor is a dict filled in this order, and raw keys may map onto earlier ones. */
#include "executor/results/process.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/core/entry.h"
#include "executor/core/env.h"
#include "common/jtree.h"
#include "executor/results/results_util.h"
#include "executor/results/server_metrics.h"

enum okind { OK_STR, OK_INT, OK_BOOL, OK_DOUBLE, OK_NULL, OK_COMPONENT };

struct oval {
	char *key; /* owned */
	enum okind kind;
	const char *s, *s2; /* borrowed from the meta or the raw tree; s2: OK_COMPONENT's version */
	long long i;
	bool b;
	double x;
};

struct omap {
	struct oval *v;
	size_t nr, alloc;
};

static struct oval *omap_set(struct omap *m, const char *key)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].key, key))
			return &m->v[i];
	VEC_GROW(m->v, m->nr + 1, m->alloc);
	struct oval *o = &m->v[m->nr++];
	memset(o, 0, sizeof(*o));
	o->key = xstrdup(key);
	return o;
}

static void set_str(struct omap *m, const char *key, const char *s)
{
	struct oval *o = omap_set(m, key);
	o->kind = OK_STR;
	o->s = s;
}

static void set_int(struct omap *m, const char *key, long long v)
{
	struct oval *o = omap_set(m, key);
	o->kind = OK_INT;
	o->i = v;
}

static void set_bool(struct omap *m, const char *key, bool v)
{
	struct oval *o = omap_set(m, key);
	o->kind = OK_BOOL;
	o->b = v;
}

static void set_double(struct omap *m, const char *key, double v)
{
	struct oval *o = omap_set(m, key);
	o->kind = OK_DOUBLE;
	o->x = v;
}

static void set_null(struct omap *m, const char *key)
{
	omap_set(m, key)->kind = OK_NULL;
}

/* {"name": s, "version": s2}, or with version_first the other way round: ROUTER_METADATA
 * as upstream reads it back (a dict in the order of the JSON text) */
static void set_component(struct omap *m, const char *key, const char *name, const char *version,
			  bool version_first)
{
	struct oval *o = omap_set(m, key);
	o->kind = OK_COMPONENT;
	o->s = name;
	o->s2 = version;
	o->b = version_first;
}

static void omap_write(struct buf *out, const struct omap *m)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	for (size_t i = 0; i < m->nr; i++) {
		const struct oval *o = &m->v[i];
		jsonw_key(&w, o->key);
		switch (o->kind) {
		case OK_STR:
			jsonw_str(&w, o->s);
			break;
		case OK_INT:
			jsonw_int(&w, o->i);
			break;
		case OK_BOOL:
			jsonw_bool(&w, o->b);
			break;
		case OK_DOUBLE:
			jsonw_double(&w, o->x);
			break;
		case OK_NULL:
			jsonw_null(&w);
			break;
		case OK_COMPONENT:
			jsonw_obj_open(&w);
			for (int k = 0; k < 2; k++) {
				bool version = (k == 0) == o->b;
				jsonw_key(&w, version ? "version" : "name");
				jsonw_str(&w, version ? o->s2 : o->s);
			}
			jsonw_obj_close(&w);
			break;
		}
	}
	jsonw_obj_close(&w);
}

static void omap_release(struct omap *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].key);
	free(m->v);
}

void process_meta_from_entry(struct process_meta *m, const struct entry *e)
{
	memset(m, 0, sizeof(*m));
	m->hw = e->runner;
	m->image = e->image;
	m->model_prefix = e->model_prefix;
	m->framework = e->framework;
	m->precision = e->precision;
	m->spec_decoding = e->spec_decoding;
	m->disagg = e->disagg;
	m->multinode = e->multinode;
	m->isl = e->isl;
	m->osl = e->osl;
	m->tp = e->tp;
	m->ep = e->ep;
	m->dp_attn = e->dp_attn;
	m->prefill = (struct process_worker){ e->prefill.tp, e->prefill.ep, e->prefill.num_worker,
					      e->prefill.dp_attn, e->prefill.pp,
					      e->prefill.dcp_size, e->prefill.pcp_size };
	m->decode = (struct process_worker){ e->decode.tp, e->decode.ep, e->decode.num_worker,
					     e->decode.dp_attn, e->decode.pp, e->decode.dcp_size,
					     e->decode.pcp_size };
	m->v2 = e->v2;
	m->pp = e->pp;
	m->dcp_size = e->dcp_size;
	m->pcp_size = e->pcp_size;
	m->recipe_fingerprint = e->recipe_fingerprint;
	m->router_name = e->router.name;
	m->router_version = e->router.version;
	m->router_version_first = e->router.version_first;
	m->kv_p2p_transfer = e->kv_p2p_transfer;
	m->prefill_hw = e->prefill.hardware;
	m->decode_hw = e->decode.hardware;
}

/* The number >= min after the last occurrence of tag, ended by '_', '.' or the end. */
static long number_after(const char *name, const char *tag, long min)
{
	const char *last = NULL;
	for (const char *p = strstr(name, tag); p; p = strstr(p + 1, tag))
		last = p;
	if (!last)
		return -1;
	const char *p = last + strlen(tag);
	if (!isdigit((unsigned char)*p))
		return -1;
	char *end;
	errno = 0;
	long v = strtol(p, &end, 10);
	if (errno || (*end && *end != '_' && *end != '.') || v < min)
		return -1;
	return v;
}

int process_gpus_from_name(long *prefill, long *decode, const char *name)
{
	long p = number_after(name, "_ctx_", 1), dn = number_after(name, "_gen_", 0);
	if (p < 1 || dn < 0)
		return -1;
	*prefill = p;
	*decode = dn;
	return 0;
}

static int read_number(double *out, const struct jnode *n, const char *key, const char *name,
		       struct diags *d)
{
	if (n->type == JT_NUM) {
		*out = n->num;
		return 0;
	}
	if (n->type == JT_STR && strlen(n->s) == n->len && pynum_float(out, n->s))
		return 0;
	struct buf found = BUF_INIT;
	if (n->type == JT_STR)
		json_quote(&found, n->s, n->len, JSONW_LINE);
	else
		buf_adds(&found, jtype_describe(n));
	diags_errorf(d, name, n->line, n->col, key, "expected a number or a numeric string, found %s",
		     found.s);
	buf_release(&found);
	return -1;
}

/* Python's int(): ints, floats truncated toward zero, integer strings. */
static int read_int(long long *out, const struct jnode *n, const char *key, const char *name,
		    struct diags *d)
{
	if (n->type == JT_NUM && isfinite(n->num)) {
		if (n->is_int) {
			errno = 0;
			*out = strtoll(n->s, NULL, 10);
			if (!errno)
				return 0;
		} else if (fabs(n->num) < 9.2e18) {
			*out = (long long)trunc(n->num);
			return 0;
		}
	} else if (n->type == JT_STR && strlen(n->s) == n->len && pynum_is_int(n->s)) {
		errno = 0;
		long long v = strtoll(n->s, NULL, 10); /* takes the same whitespace and sign */
		if (!errno) {
			*out = v;
			return 0;
		}
	}
	const char *hint = n->type == JT_NULL ? " (the run had no concurrency limit)" : "";
	return diags_errorf(d, name, n->line, n->col, key, "expected an integer, found %s%s",
			    jtype_describe(n), hint);
}

/* Python's str.replace(from, to): every non-overlapping occurrence, left to right. */
static void replace_all(struct buf *out, const char *s, const char *from, const char *to)
{
	size_t n = strlen(from);
	while (*s) {
		if (!strncmp(s, from, n)) {
			buf_adds(out, to);
			s += n;
		} else {
			buf_addch(out, *s++);
		}
	}
}

/* Step 4: every raw key ending in "ms" and every key containing "tpot", in raw order. */
static int add_latencies(struct omap *m, const struct jnode *raw, const char *name,
			 struct diags *d)
{
	int rc = 0;
	struct buf k = BUF_INIT, k2 = BUF_INIT;
	for (size_t i = 0; i < raw->nr; i++) {
		if (!jobj_first_of_key(raw, i))
			continue;
		const char *key = raw->members[i].key;
		bool ms = ends_with(key, "ms"), tpot = strstr(key, "tpot") != NULL;
		if (!ms && !tpot)
			continue;
		const struct jnode *v = jobj_get(raw, key);
		double x;
		if (read_number(&x, v, key, name, d)) {
			rc = -1;
			continue;
		}
		buf_reset(&k);
		replace_all(&k, key, "_ms", "");
		if (ms)
			set_double(m, k.s, x / 1000.0);
		if (!tpot)
			continue;
		buf_reset(&k2);
		replace_all(&k2, k.s, "tpot", "intvty");
		if (x == 0) {
			set_null(m, k2.s);
			diags_warnf(d, name, v->line, v->col, key,
				    "is 0, so %s (1000 / %s) is written as null", k2.s, key);
		} else {
			set_double(m, k2.s, 1000.0 / x);
		}
	}
	buf_release(&k);
	buf_release(&k2);
	return rc;
}

/* The reduced /metrics figures (server_metrics.h); an absent or non-finite figure is null. */
static int add_server_metrics(struct omap *o, const struct process_meta *m, struct diags *d)
{
	struct server_metrics sm;
	if (server_metrics_reduce(&sm, m->server_metrics, m->server_metrics_len,
				  m->server_metrics_name, d))
		return -1;
	set_str(o, "server_metrics_adapter", sm.adapter);
	set_int(o, "server_metrics_scrapes", sm.scrapes);
	for (int f = 0; f < SM_NR; f++) {
		if (sm.fig[f].ok && isfinite(sm.fig[f].v))
			set_double(o, sm_keys[f], sm.fig[f].v);
		else
			set_null(o, sm_keys[f]);
	}
	return 0;
}

static const struct jnode *need(const struct jnode *raw, const char *key, const char *name,
				struct diags *d)
{
	const struct jnode *v = jobj_get(raw, key);
	if (!v)
		diags_errorf(d, name, raw->line, raw->col, key, "missing key in the raw result");
	return v;
}

int process_result(struct buf *out, const struct process_meta *m, const char *raw_text,
		   size_t len, const char *raw_name, struct diags *d)
{
	struct jnode *raw = jtree_parse(raw_text, len, raw_name, d);
	if (!raw)
		return -1;
	struct omap o = { 0 };
	int rc = 0;
	if (raw->type != JT_OBJ) {
		rc = diags_errorf(d, raw_name, raw->line, raw->col, NULL,
				  "expected a raw result object, found %s", jtype_describe(raw));
		goto done;
	}
	const struct jnode *conc_n = need(raw, "max_concurrency", raw_name, d);
	const struct jnode *model_n = need(raw, "model_id", raw_name, d);
	const struct jnode *total_n = need(raw, "total_token_throughput", raw_name, d);
	const struct jnode *output_n = need(raw, "output_throughput", raw_name, d);
	if (!conc_n || !model_n || !total_n || !output_n) {
		rc = -1;
		goto done;
	}
	long long conc = 0;
	double total = 0, output = 0;
	if (read_int(&conc, conc_n, "max_concurrency", raw_name, d))
		rc = -1;
	if (model_n->type != JT_STR || strlen(model_n->s) != model_n->len)
		rc = diags_errorf(d, raw_name, model_n->line, model_n->col, "model_id",
				  "expected a string, found %s", jtype_describe(model_n));
	if (read_number(&total, total_n, "total_token_throughput", raw_name, d) ||
	    read_number(&output, output_n, "output_throughput", raw_name, d))
		rc = -1;
	if (rc)
		goto done;

	if (m->multinode && m->decode_gpus < 1 && !m->v2) {
		rc = diags_errorf(d, raw_name, 0, 0, NULL, "a v1 multi-node result needs decode GPUs "
				  "(0 is an aggregated run, which only v2 entries describe)");
		goto done;
	}
	set_str(&o, "hw", m->hw);
	set_int(&o, "conc", conc);
	set_str(&o, "image", m->image);
	set_str(&o, "model", model_n->s);
	set_str(&o, "infmax_model_prefix", m->model_prefix);
	set_str(&o, "framework", m->framework);
	set_str(&o, "precision", m->precision);
	set_str(&o, "spec_decoding", m->spec_decoding);
	set_bool(&o, "disagg", m->disagg);
	if (m->v2)
		set_str(&o, "recipe_fingerprint", m->recipe_fingerprint ? m->recipe_fingerprint : "");
	set_int(&o, "isl", m->isl);
	set_int(&o, "osl", m->osl);
	if (m->v2 && m->router_name)
		set_component(&o, "router", m->router_name, m->router_version,
			      m->router_version_first);
	if (m->v2 && m->kv_p2p_transfer && *m->kv_p2p_transfer)
		set_str(&o, "kv_p2p_transfer", m->kv_p2p_transfer);
	set_bool(&o, "is_multinode", m->multinode);
	/* the dp_attention fields are strings: the existing processor copied the recipe
	 * variable's text (DP_ATTENTION, ...), which env_bool_text writes */
	if (!m->multinode) {
		/* v2: per GPU is per tp x pp x pcp-size */
		double gpus = (double)(m->v2 ? m->tp * m->pp * m->pcp_size : m->tp);
		set_int(&o, "tp", m->tp);
		if (m->v2) {
			set_int(&o, "pp", m->pp);
			set_int(&o, "dcp_size", m->dcp_size);
			set_int(&o, "pcp_size", m->pcp_size);
		}
		set_int(&o, "ep", m->ep);
		set_str(&o, "dp_attention", env_bool_text(m->dp_attn));
		set_double(&o, "tput_per_gpu", total / gpus);
		set_double(&o, "output_tput_per_gpu", output / gpus);
		set_double(&o, "input_tput_per_gpu", (total - output) / gpus);
	} else {
		double p = (double)m->prefill_gpus, dg = (double)m->decode_gpus;
		/* v2: no decode GPUs (aggregated) writes decode tp, ep 0 and sizes 1, and output
		 * throughput per GPU over all GPUs, as upstream does */
		bool no_decode = m->decode_gpus < 1;
		set_int(&o, "prefill_tp", m->prefill.tp);
		if (m->v2) {
			set_int(&o, "prefill_pp", m->prefill.pp);
			set_int(&o, "prefill_dcp_size", m->prefill.dcp_size);
			set_int(&o, "prefill_pcp_size", m->prefill.pcp_size);
		}
		set_int(&o, "prefill_ep", m->prefill.ep);
		set_str(&o, "prefill_dp_attention", env_bool_text(m->prefill.dp_attn));
		set_int(&o, "prefill_num_workers", m->prefill.num_workers);
		set_int(&o, "decode_tp", no_decode ? 0 : m->decode.tp);
		if (m->v2) {
			set_int(&o, "decode_pp", no_decode ? 1 : m->decode.pp);
			set_int(&o, "decode_dcp_size", no_decode ? 1 : m->decode.dcp_size);
			set_int(&o, "decode_pcp_size", no_decode ? 1 : m->decode.pcp_size);
		}
		set_int(&o, "decode_ep", no_decode ? 0 : m->decode.ep);
		set_str(&o, "decode_dp_attention", env_bool_text(m->decode.dp_attn));
		set_int(&o, "decode_num_workers", m->decode.num_workers);
		set_int(&o, "num_prefill_gpu", m->prefill_gpus);
		set_int(&o, "num_decode_gpu", m->decode_gpus);
		set_double(&o, "tput_per_gpu", total / (p + dg));
		set_double(&o, "output_tput_per_gpu", output / (no_decode ? p + dg : dg));
		set_double(&o, "input_tput_per_gpu", (total - output) / p);
		if (m->v2 && m->prefill_hw) {
			set_str(&o, "prefill_hw", m->prefill_hw);
			set_str(&o, "decode_hw", m->decode_hw);
		}
	}
	rc = add_latencies(&o, raw, raw_name, d);
	if (!rc && m->server_metrics)
		rc = add_server_metrics(&o, m, d);
	if (!rc)
		omap_write(out, &o);
done:
	omap_release(&o);
	jtree_free(raw);
	return rc;
}
