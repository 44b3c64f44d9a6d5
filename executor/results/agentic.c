/* agentic: see agentic.h. Each function below ports the Python function of the same name
 * (process_agentic_result.py, request_metrics.py); the output is a pyobj built in the
 * script's dict order, so keys set twice keep their first place as in Python. */
#include "executor/results/agentic.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/agentic_stats.h"
#include "executor/results/pyval.h"

struct records {
	struct jnode **v; /* owned: every line's tree (profiled or not), in file order */
	size_t nr, alloc;
	const struct jnode **ok; /* borrowed from v: the profiled records without error */
	size_t ok_nr, ok_alloc;
};

static void records_release(struct records *r)
{
	for (size_t i = 0; i < r->nr; i++)
		jtree_free(r->v[i]);
	free(r->v);
	free(r->ok);
}

/* ---- reading values as the script does ---- */

/* record.get(key, {}) of an object; NULL when absent or when record is not an object */
static const struct jnode *member(const struct jnode *obj, const char *key)
{
	return obj && obj->type == JT_OBJ ? jobj_get(obj, key) : NULL;
}

/* _metric_value: metrics[key]["value"] when it is an object, else metrics[key] */
static const struct jnode *metric_value(const struct jnode *rec, const char *key)
{
	const struct jnode *m = member(member(rec, "metrics"), key);
	if (m && m->type == JT_OBJ)
		return jobj_get(m, "value");
	return m;
}

/* to_int: int() of an int, a float (truncated), a bool or an integer string; else None */
static bool to_int(long long *out, const struct jnode *n)
{
	if (!n)
		return false;
	if (n->type == JT_BOOL) {
		*out = n->b;
		return true;
	}
	if (n->type == JT_NUM) {
		if (!isfinite(n->num) || fabs(n->num) >= 9.2e18)
			return false;
		*out = n->is_int ? strtoll(n->s, NULL, 10) : (long long)n->num;
		return true;
	}
	if (n->type == JT_STR && pynum_is_int(n->s)) {
		errno = 0;
		*out = strtoll(n->s, NULL, 10);
		return !errno;
	}
	return false;
}

/* ---- load_records_with_accounting ---- */

static char *error_category(const struct jnode *err);

struct accounting {
	long long total, warmup, errors;
	struct pyobj *categories; /* owned: dict of ints in first-seen order */
};

/* One line as Python's str.strip() leaves it (ASCII whitespace). */
static void strip(const char **s, const char **e)
{
	while (*s < *e && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", **s))
		(*s)++;
	while (*e > *s && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", (*e)[-1]))
		(*e)--;
}

static int record_add(struct records *r, struct accounting *a, struct jnode *obj)
{
	VEC_PUSH(r, obj);
	a->total++;
	const struct jnode *phase = member(member(obj, "metadata"), "benchmark_phase");
	bool warmup = phase && phase->type != JT_NULL &&
		      !(phase->type == JT_STR && !strcmp(phase->s, "profiling"));
	const struct jnode *err = member(obj, "error");
	if (warmup)
		a->warmup++;
	if (pyval_truthy(err)) {
		a->errors++;
		char *cat = error_category(err);
		struct pyobj *cur = pyobj_get(a->categories, cat);
		if (cur)
			cur->i++;
		else
			pyobj_set(a->categories, cat, pyobj_int(1));
		free(cat);
	}
	if (!pyval_truthy(err) && !warmup) {
		VEC_GROW(r->ok, r->ok_nr + 1, r->ok_alloc);
		r->ok[r->ok_nr++] = obj;
	}
	return 0;
}

static int load_records(struct records *r, struct accounting *a, const struct agentic_inputs *in,
			struct diags *d)
{
	const char *p = in->records, *end = in->records + in->records_len;
	int lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p;
		p = nl ? nl + 1 : end;
		lineno++;
		strip(&s, &e);
		if (s == e)
			continue;
		size_t before = d->nr;
		struct jnode *obj = jtree_parse(s, (size_t)(e - s), in->records_name, d);
		for (size_t i = before; i < d->nr; i++)
			d->v[i].line = lineno;
		if (!obj)
			return -1;
		if (obj->type != JT_OBJ) {
			diags_errorf(d, in->records_name, lineno, 1, NULL,
				     "expected a record (a JSON object), found %s",
				     jtype_describe(obj));
			jtree_free(obj);
			return -1;
		}
		record_add(r, a, obj);
	}
	return 0;
}

/* str(x) for a category: strings as they are, other JSON as its text */
static char *py_text(const struct jnode *n)
{
	if (n->type == JT_STR)
		return xstrdup(n->s);
	if (n->type == JT_BOOL)
		return xstrdup(n->b ? "True" : "False");
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b, JSONW_LINE);
	jtree_write(&w, n);
	return buf_take(&b, NULL);
}

/* _error_category: the first of type, error_type, code, class, status; else the message's
 * first line up to its first ':', at most 120 characters. */
static char *error_category(const struct jnode *err)
{
	static const char *const keys[] = { "type", "error_type", "code", "class", "status" };
	const struct jnode *msg = err;
	if (err->type == JT_OBJ) {
		for (size_t i = 0; i < 5; i++) {
			const struct jnode *v = jobj_get(err, keys[i]);
			if (v && v->type != JT_NULL && !(v->type == JT_STR && !v->len))
				return py_text(v);
		}
		msg = jobj_get(err, "message");
		if (!pyval_truthy(msg))
			msg = jobj_get(err, "error");
	}
	if (!pyval_truthy(msg))
		return xstrdup("unknown");
	char *text = py_text(msg);
	const char *s = text, *e = text + strlen(text);
	strip(&s, &e);
	const char *line_end = s;
	while (line_end < e && !strchr("\n\r\v\f\x1c\x1d\x1e", *line_end))
		line_end++;
	const char *colon = memchr(s, ':', (size_t)(line_end - s));
	const char *cut = colon ? colon : line_end;
	/* 120 characters, not bytes */
	const char *q = s;
	for (size_t chars = 0; q < cut && chars < 120; chars++)
		do
			q++;
		while (q < cut && ((unsigned char)*q & 0xC0) == 0x80);
	char *out = q > s ? xstrndup(s, (size_t)(q - s)) : xstrdup("unknown");
	free(text);
	return out;
}

/* ---- the variables ---- */

struct env {
	agentic_env_fn get;
	void *data;
	struct diags *d;
	int rc;
};

static const char *env_str(struct env *e, const char *name, const char *dflt)
{
	const char *v = e->get(name, e->data);
	return v ? v : dflt;
}

/* env_int: unset or empty gives dflt; else int(value) */
static long long env_int(struct env *e, const char *name, long long dflt)
{
	const char *v = e->get(name, e->data);
	if (!v || !*v)
		return dflt;
	errno = 0;
	long long x = pynum_is_int(v) ? strtoll(v, NULL, 10) : 0;
	if (!pynum_is_int(v) || errno)
		e->rc = diags_errorf(e->d, NULL, 0, 0, name, "expected an integer, found '%s'", v);
	return x;
}

static bool env_bool(struct env *e, const char *name)
{
	const char *v = e->get(name, e->data);
	return v && (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
		     !strcasecmp(v, "on"));
}

static int env_fail(struct env *e, const char *msg)
{
	e->rc = diags_errorf(e->d, NULL, 0, 0, NULL, "%s", msg);
	return -1;
}

/* The metadata variables: a JSON object of non-empty strings with exactly the keys
 * (name, version), or (optional_version) name and an optional version. NULL when unset,
 * empty or "null"; *tree owns what is returned. */
static const struct jnode *env_metadata(struct env *e, const char *name, bool optional_version,
					struct jnode **tree)
{
	const char *raw = e->get(name, e->data);
	*tree = NULL;
	if (!raw || !*raw || !strcmp(raw, "null"))
		return NULL;
	struct buf msg = BUF_INIT;
	struct jnode *n = jtree_parse(raw, strlen(raw), name, NULL);
	if (!n) {
		buf_addf(&msg, "%s must contain valid JSON", name);
		goto bad;
	}
	bool has_name = false, has_version = false, other = false, strings = true;
	if (n->type == JT_OBJ)
		for (size_t i = 0; i < n->nr; i++) {
			const char *k = n->members[i].key;
			has_name |= !strcmp(k, "name");
			has_version |= !strcmp(k, "version");
			other |= strcmp(k, "name") && strcmp(k, "version");
			const struct jnode *v = jobj_get(n, k);
			strings &= v->type == JT_STR && v->len > 0;
		}
	if (!optional_version) {
		if (n->type != JT_OBJ || other || !has_name || !has_version) {
			buf_addf(&msg, "%s must contain exactly 'name' and 'version'", name);
			goto bad;
		}
		if (!strings) {
			buf_addf(&msg, "%s name and version must be non-empty strings", name);
			goto bad;
		}
	} else {
		if (n->type != JT_OBJ || other) {
			buf_addf(&msg, "%s may contain only 'name' and 'version'", name);
			goto bad;
		}
		if (!has_name) {
			buf_addf(&msg, "%s must contain 'name' and optional 'version'", name);
			goto bad;
		}
		if (!strings) {
			buf_addf(&msg, "%s values must be non-empty strings", name);
			goto bad;
		}
	}
	*tree = n;
	return n;
bad:
	env_fail(e, msg.s);
	buf_release(&msg);
	jtree_free(n);
	return NULL;
}

/* _validate_kv_offload_env: *backend gets the metadata node or NULL */
static const char *kv_offload(struct env *e, const struct jnode **backend, struct jnode **tree)
{
	const char *kv = e->get("KV_OFFLOADING", e->data);
	*backend = NULL;
	if (!kv || !*kv) {
		env_fail(e, "Missing required environment variable: KV_OFFLOADING");
		return NULL;
	}
	const char *name = env_str(e, "KV_OFFLOAD_BACKEND", "");
	*backend = env_metadata(e, "KV_OFFLOAD_BACKEND_METADATA", true, tree);
	if (e->rc)
		return NULL;
	if (!strcmp(kv, "none")) {
		if (*name || *backend) {
			env_fail(e, "KV_OFFLOAD_BACKEND must be empty when KV_OFFLOADING=none");
			return NULL;
		}
	} else {
		if (!*name || !strcmp(name, "none") || !*backend) {
			env_fail(e, "KV_OFFLOAD_BACKEND is required when KV_OFFLOADING is enabled");
			return NULL;
		}
		if (strcmp(jobj_str(*backend, "name"), name)) {
			env_fail(e, "KV_OFFLOAD_BACKEND must match KV_OFFLOAD_BACKEND_METADATA.name");
			return NULL;
		}
	}
	return kv;
}

struct gpu_shape {
	struct pyobj *fields; /* owned: the shape's fields, in the script's order */
	long long num_gpus, tp, ep;
	const char *dp_attention;
};

static void gpu_shape_single(struct gpu_shape *g, struct env *e)
{
	long long pp = env_int(e, "PP_SIZE", 1), dcp = env_int(e, "DCP_SIZE", 1),
		  pcp = env_int(e, "PCP_SIZE", 1);
	if (e->rc)
		return;
	if (pp <= 0 || dcp <= 0 || pcp <= 0) {
		env_fail(e, "PP_SIZE, DCP_SIZE, and PCP_SIZE must be positive integers.");
		return;
	}
	pyobj_set(g->fields, "pp", pyobj_int(pp));
	pyobj_set(g->fields, "dcp_size", pyobj_int(dcp));
	pyobj_set(g->fields, "pcp_size", pyobj_int(pcp));
	g->num_gpus = g->tp * pp * pcp;
}

static void gpu_shape_multi(struct gpu_shape *g, struct env *e)
{
	long long pw = env_int(e, "PREFILL_NUM_WORKERS", 0), ptp = env_int(e, "PREFILL_TP", 0);
	long long ppp = env_int(e, "PREFILL_PP_SIZE", 1), pdcp = env_int(e, "PREFILL_DCP_SIZE", 1);
	long long ppcp = env_int(e, "PREFILL_PCP_SIZE", 1), pep = env_int(e, "PREFILL_EP", 1);
	const char *pdp = env_str(e, "PREFILL_DP_ATTN", "false");
	long long dw = env_int(e, "DECODE_NUM_WORKERS", 0), dtp = env_int(e, "DECODE_TP", 0);
	long long dpp = env_int(e, "DECODE_PP_SIZE", 1), ddcp = env_int(e, "DECODE_DCP_SIZE", 1);
	long long dpcp = env_int(e, "DECODE_PCP_SIZE", 1), dep = env_int(e, "DECODE_EP", 1);
	const char *ddp = env_str(e, "DECODE_DP_ATTN", "false");
	if (e->rc)
		return;
	if (ppp <= 0 || pdcp <= 0 || ppcp <= 0 || dpp <= 0 || ddcp <= 0 || dpcp <= 0) {
		env_fail(e, "Multinode PP, DCP, and PCP sizes must be positive integers.");
		return;
	}
	const char *phw = env_str(e, "PREFILL_HARDWARE", ""), *dhw = env_str(e, "DECODE_HARDWARE", "");
	if (!*phw != !*dhw) {
		env_fail(e, "PREFILL_HARDWARE and DECODE_HARDWARE must be specified together.");
		return;
	}
	long long pg = pw * ptp * ppp * ppcp, dg = dw * dtp * dpp * dpcp;
	g->num_gpus = pg + dg;
	if (dg <= 0) { /* aggregated: no decode GPUs (upstream's comment) */
		dtp = 0;
		dep = 0;
		dpp = 1;
		ddcp = 1;
		dpcp = 1;
	}
	g->tp = ptp + dtp;
	g->ep = pep > dep ? pep : dep;
	g->dp_attention = env_bool(e, "PREFILL_DP_ATTN") || env_bool(e, "DECODE_DP_ATTN") ? "true"
											  : "false";
	struct pyobj *f = g->fields;
	pyobj_set(f, "prefill_num_workers", pyobj_int(pw));
	pyobj_set(f, "prefill_tp", pyobj_int(ptp));
	pyobj_set(f, "prefill_pp", pyobj_int(ppp));
	pyobj_set(f, "prefill_dcp_size", pyobj_int(pdcp));
	pyobj_set(f, "prefill_pcp_size", pyobj_int(ppcp));
	pyobj_set(f, "prefill_ep", pyobj_int(pep));
	pyobj_set(f, "prefill_dp_attention", pyobj_str(pdp));
	pyobj_set(f, "num_prefill_gpu", pyobj_int(pg));
	pyobj_set(f, "decode_num_workers", pyobj_int(dw));
	pyobj_set(f, "decode_tp", pyobj_int(dtp));
	pyobj_set(f, "decode_pp", pyobj_int(dpp));
	pyobj_set(f, "decode_dcp_size", pyobj_int(ddcp));
	pyobj_set(f, "decode_pcp_size", pyobj_int(dpcp));
	pyobj_set(f, "decode_ep", pyobj_int(dep));
	pyobj_set(f, "decode_dp_attention", pyobj_str(ddp));
	pyobj_set(f, "num_decode_gpu", pyobj_int(dg));
	if (*phw) {
		pyobj_set(f, "prefill_hw", pyobj_str(phw));
		pyobj_set(f, "decode_hw", pyobj_str(dhw));
	}
}

static void gpu_shape(struct gpu_shape *g, struct env *e)
{
	g->fields = pyobj_dict();
	g->tp = env_int(e, "TP", 1);
	g->ep = env_int(e, "EP_SIZE", 1);
	g->dp_attention = env_str(e, "DP_ATTENTION", "false");
	g->num_gpus = 0;
	if (env_bool(e, "IS_MULTINODE"))
		gpu_shape_multi(g, e);
	else
		gpu_shape_single(g, e);
}

/* ---- request metrics ---- */

static void record_floats(struct agentic_floats *out, const struct records *r, const char *key,
			  bool ms_to_s)
{
	for (size_t i = 0; i < r->ok_nr; i++) {
		struct optd v = agentic_to_float(metric_value(r->ok[i], key));
		if (!v.ok)
			continue;
		if (ms_to_s && !(isfinite(v.v) && v.v > 0))
			continue;
		agentic_floats_push(out, ms_to_s ? v.v / 1000.0 : v.v);
	}
}

struct ints {
	long long *v;
	size_t nr, alloc;
};

static void record_ints(struct ints *out, const struct records *r, const char *key)
{
	for (size_t i = 0; i < r->ok_nr; i++) {
		long long x;
		if (to_int(&x, metric_value(r->ok[i], key)))
			VEC_PUSH(out, x);
	}
}

/* _interactivity_stats: 1/x of each latency statistic, and the std of 1/x per request */
static struct pyobj *interactivity(const struct pyobj *lat, const double *v, size_t n)
{
	static const char *const keys[] = { "mean", "p50", "p75", "p90", "p95" };
	struct pyobj *out = pyobj_dict();
	for (size_t k = 0; k < 5; k++) {
		const struct pyobj *x = pyobj_get(lat, keys[k]);
		if (x && x->x > 0)
			pyobj_set(out, keys[k], pyobj_float(1.0 / x->x));
	}
	struct agentic_floats per = { 0 };
	for (size_t i = 0; i < n; i++)
		if (v[i] > 0)
			agentic_floats_push(&per, 1.0 / v[i]);
	if (per.nr)
		pyobj_set(out, "std", pyobj_float(per.nr > 1 ? agentic_pstdev(per.v, per.nr) : 0.0));
	free(per.v);
	return out;
}

static struct pyobj *stats_of(const struct agentic_floats *f)
{
	struct pyobj *d = pyobj_dict();
	agentic_stats_into(d, f->v, f->nr);
	return d;
}

static struct pyobj *latency_stats(const struct records *r)
{
	struct agentic_floats ttft = { 0 }, e2el = { 0 }, itl = { 0 }, full = { 0 }, ratio = { 0 };
	record_floats(&ttft, r, "time_to_first_token", true);
	record_floats(&e2el, r, "request_latency", true);
	record_floats(&itl, r, "inter_token_latency", true);
	record_floats(&full, r, "full_response_inter_token_latency", true);
	for (size_t i = 0; i < r->ok_nr; i++) {
		struct optd ms = agentic_to_float(metric_value(r->ok[i], "request_latency"));
		struct optd osl = agentic_to_float(metric_value(r->ok[i], "output_sequence_length"));
		if (ms.ok && osl.ok && isfinite(ms.v) && isfinite(osl.v) && ms.v > 0 && osl.v > 0)
			agentic_floats_push(&ratio, ms.v / 1000.0 / osl.v);
	}
	struct pyobj *out = pyobj_dict();
	pyobj_set(out, "ttft", stats_of(&ttft));
	pyobj_set(out, "e2el", stats_of(&e2el));
	struct pyobj *itl_d = pyobj_set(out, "itl", stats_of(&itl));
	pyobj_set(out, "tpot", stats_of(&itl));
	pyobj_set(out, "intvty", interactivity(itl_d, itl.v, itl.nr));
	struct pyobj *ratio_d = stats_of(&ratio);
	pyobj_set(out, "e2e_norm_intvty", interactivity(ratio_d, ratio.v, ratio.nr));
	pyobj_free(ratio_d);
	struct pyobj *full_d = pyobj_set(out, "full_response_itl", stats_of(&full));
	pyobj_set(out, "full_response_intvty", interactivity(full_d, full.v, full.nr));
	free(ttft.v);
	free(e2el.v);
	free(itl.v);
	free(full.v);
	free(ratio.v);
	return out;
}

/* metadata[key] as int() when truthy */
static bool record_ns(long long *out, const struct jnode *rec, const char *key)
{
	const struct jnode *v = member(member(rec, "metadata"), key);
	return pyval_truthy(v) && to_int(out, v);
}

static int double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* the first index of sorted ends >= x */
static size_t lower_bound(const double *v, size_t n, double x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* compute_qps_stats: completions per 1-second window from the first completion on */
static struct pyobj *qps_stats(const struct records *r)
{
	struct agentic_floats ends = { 0 }, qps = { 0 };
	for (size_t i = 0; i < r->ok_nr; i++) {
		long long ns;
		if (record_ns(&ns, r->ok[i], "request_end_ns"))
			agentic_floats_push(&ends, (double)ns / 1e9);
	}
	struct pyobj *out = pyobj_dict();
	if (ends.nr < 2)
		goto done;
	qsort(ends.v, ends.nr, sizeof(double), double_cmp);
	double last = ends.v[ends.nr - 1], duration = last - ends.v[0];
	if (duration <= 0)
		goto done;
	const double window = 1.0;
	for (double cur = ends.v[0]; cur + window <= last; cur += window) {
		size_t a = lower_bound(ends.v, ends.nr, cur);
		size_t b = lower_bound(ends.v, ends.nr, cur + window);
		agentic_floats_push(&qps, (double)(b - a) / window);
	}
	pyobj_set(out, "window_seconds", pyobj_float(window));
	pyobj_set(out, "samples", pyobj_int((long long)qps.nr));
	if (qps.nr)
		agentic_stats_into(out, qps.v, qps.nr);
	else
		pyobj_set(out, "mean", pyobj_float((double)ends.nr / duration));
done:
	free(ends.v);
	free(qps.v);
	return out;
}

/* _distribution: statistics.mean of ints is an int when exact */
static struct pyobj *distribution(const struct ints *x)
{
	struct pyobj *d = pyobj_dict();
	if (!x->nr)
		return d;
	struct agentic_floats f = { 0 };
	long long sum = 0;
	for (size_t i = 0; i < x->nr; i++) {
		agentic_floats_push(&f, (double)x->v[i]);
		sum += x->v[i];
	}
	agentic_stats_into(d, f.v, f.nr);
	if (sum % (long long)x->nr == 0)
		pyobj_set(d, "mean", pyobj_int(sum / (long long)x->nr));
	else
		pyobj_set(d, "mean", pyobj_float((double)sum / (double)x->nr));
	free(f.v);
	return d;
}

static struct pyobj *workload_stats(const struct records *r)
{
	struct ints in = { 0 }, outl = { 0 };
	record_ints(&in, r, "input_sequence_length");
	record_ints(&outl, r, "output_sequence_length");
	struct pyobj *out = pyobj_dict();
	pyobj_set(out, "input", distribution(&in));
	pyobj_set(out, "output_actual", distribution(&outl));
	/* output_expected comes from the trace in the Hugging Face cache upstream; we do not
	 * look there (docs/executor.md) */
	pyobj_set(out, "output_expected", pyobj_dict());
	free(in.v);
	free(outl.v);
	return out;
}

struct tput {
	bool ok;
	double total_tps, output_tps, input_tps;
};

static struct pyobj *throughput_stats(struct tput *t, const struct records *r)
{
	struct ints in = { 0 }, outl = { 0 };
	record_ints(&in, r, "input_sequence_length");
	record_ints(&outl, r, "output_sequence_length");
	bool have_start = false, have_end = false;
	long long min_start = 0, max_end = 0;
	for (size_t i = 0; i < r->ok_nr; i++) {
		long long ns;
		if (record_ns(&ns, r->ok[i], "request_start_ns") && (!have_start || ns < min_start)) {
			min_start = ns;
			have_start = true;
		}
		if (record_ns(&ns, r->ok[i], "request_end_ns") && (!have_end || ns > max_end)) {
			max_end = ns;
			have_end = true;
		}
	}
	struct pyobj *out = pyobj_dict();
	t->ok = false;
	double duration = have_start && have_end ? (double)(max_end - min_start) / 1e9 : 0;
	if (duration > 0) {
		long long ti = 0, to = 0;
		for (size_t i = 0; i < in.nr; i++)
			ti += in.v[i];
		for (size_t i = 0; i < outl.nr; i++)
			to += outl.v[i];
		t->ok = true;
		t->input_tps = (double)ti / duration;
		t->output_tps = (double)to / duration;
		t->total_tps = (double)(ti + to) / duration;
		struct pyobj *x = pyobj_set(out, "input", pyobj_dict());
		pyobj_set(x, "tokens_per_second", pyobj_float(t->input_tps));
		x = pyobj_set(out, "output", pyobj_dict());
		pyobj_set(x, "tokens_per_second", pyobj_float(t->output_tps));
		x = pyobj_set(out, "total", pyobj_dict());
		pyobj_set(x, "tokens_per_second", pyobj_float(t->total_tps));
		pyobj_set(out, "duration_seconds", pyobj_float(duration));
		pyobj_set(out, "per_gpu", pyobj_dict());
	}
	free(in.v);
	free(outl.v);
	return out;
}

/* _aiperf_percent_metric_as_rate(aggregate, "theoretical_prefix_cache_hit") */
static struct optd theoretical_hit_rate(const struct jnode *aggregate)
{
	const struct jnode *m = member(aggregate, "theoretical_prefix_cache_hit");
	if (!m || m->type != JT_OBJ)
		return OPTD_NONE;
	struct optd hit = agentic_to_float(jobj_get(m, "sum"));
	struct optd count = agentic_to_float(jobj_get(m, "count"));
	if (hit.ok && count.ok && count.v > 0)
		return OPTD(hit.v / count.v);
	struct optd avg = agentic_to_float(jobj_get(m, "avg"));
	if (!avg.ok)
		return OPTD_NONE;
	const struct jnode *unit = jobj_get(m, "unit");
	bool percent = false;
	if (unit && unit->type == JT_STR) {
		const char *s = unit->s, *e = unit->s + unit->len;
		strip(&s, &e);
		percent = e - s == 1 && *s == '%';
	}
	return OPTD(percent ? avg.v / 100.0 : avg.v);
}

static struct pyobj *request_metrics(struct tput *t, const struct records *r,
				     const struct jnode *aggregate)
{
	struct pyobj *out = pyobj_dict();
	pyobj_set(out, "qps", qps_stats(r));
	pyobj_set(out, "latency", latency_stats(r));
	pyobj_set(out, "tokens", workload_stats(r));
	pyobj_set(out, "throughput", throughput_stats(t, r));
	struct pyobj *cache = pyobj_set(out, "cache", pyobj_dict());
	pyobj_set(cache, "theoretical_cache_hit_rate", pyobj_optf(theoretical_hit_rate(aggregate)));
	return out;
}

/* apply_profile_totals' _record_token_sum */
static void profile_totals(struct agentic_profile_totals *t, const struct records *r)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < r->ok_nr; i++) {
		long long x;
		const struct jnode *in = metric_value(r->ok[i], "input_sequence_length");
		const struct jnode *out = metric_value(r->ok[i], "output_sequence_length");
		if (in && in->type != JT_NULL && to_int(&x, in)) {
			t->input_tokens += x;
			t->has_input = true;
		}
		if (out && out->type != JT_NULL && to_int(&x, out)) {
			t->output_tokens += x;
			t->has_output = true;
		}
	}
	t->requests = (long long)r->ok_nr;
}

/* ---- build_agg ---- */

static void accounting_into(struct pyobj *agg, const struct accounting *a, size_t profiled)
{
	struct pyobj *acc = pyobj_set(agg, "request_accounting", pyobj_dict());
	pyobj_set(acc, "records_total", pyobj_int(a->total));
	pyobj_set(acc, "records_profiled", pyobj_int((long long)profiled));
	pyobj_set(acc, "records_dropped_total", pyobj_int(a->total - (long long)profiled));
	pyobj_set(acc, "records_warmup_dropped", pyobj_int(a->warmup));
	pyobj_set(acc, "records_error_dropped", pyobj_int(a->errors));
	struct pyobj *cats = pyobj_set(acc, "error_categories", pyobj_dict());
	for (size_t i = 0; i < a->categories->nr; i++)
		pyobj_set(cats, a->categories->v[i].key, pyobj_int(a->categories->v[i].val->i));
}

/* The top-level fields up to the shape's, in the script's order. */
static int head_fields(struct pyobj *agg, struct env *e, const struct gpu_shape *g,
		       const char *kv, const struct jnode *backend)
{
	pyobj_set(agg, "hw", pyobj_str(env_str(e, "RUNNER_TYPE", "")));
	const char *conc = env_str(e, "CONC", "0");
	if (!pynum_is_int(conc))
		return diags_errorf(e->d, NULL, 0, 0, "CONC", "expected an integer, found '%s'",
				    conc);
	pyobj_set(agg, "conc", pyobj_int(strtoll(conc, NULL, 10)));
	pyobj_set(agg, "image", pyobj_str(env_str(e, "IMAGE", "")));
	pyobj_set(agg, "recipe_fingerprint", pyobj_str(env_str(e, "RECIPE_FINGERPRINT", "")));
	pyobj_set(agg, "model", pyobj_str(env_str(e, "MODEL", "")));
	pyobj_set(agg, "infmax_model_prefix", pyobj_str(env_str(e, "MODEL_PREFIX", "")));
	pyobj_set(agg, "framework", pyobj_str(env_str(e, "FRAMEWORK", "")));
	pyobj_set(agg, "precision", pyobj_str(env_str(e, "PRECISION", "")));
	pyobj_set(agg, "spec_decoding", pyobj_str(env_str(e, "SPEC_DECODING", "none")));
	pyobj_set(agg, "disagg", pyobj_bool(env_bool(e, "DISAGG")));
	pyobj_set(agg, "scenario_type", pyobj_str("agentic-coding"));
	pyobj_set(agg, "is_multinode", pyobj_bool(env_bool(e, "IS_MULTINODE")));
	pyobj_set(agg, "tp", pyobj_int(g->tp));
	pyobj_set(agg, "ep", pyobj_int(g->ep));
	pyobj_set(agg, "dp_attention", pyobj_str(g->dp_attention));
	pyobj_set(agg, "kv_offloading", pyobj_str(kv));
	pyobj_set(agg, "kv_offload_backend", backend ? pyobj_node(backend) : pyobj_none());
	pyobj_set(agg, "allocated_cpu_dram_gb", pyobj_int(env_int(e, "TOTAL_CPU_DRAM_GB", 0)));
	return e->rc;
}

static int build_agg(struct pyobj *agg, struct env *e, const struct records *r,
		     const struct accounting *a, const struct agentic_inputs *in,
		     struct jnode **trees)
{
	const struct jnode *backend;
	const char *kv = kv_offload(e, &backend, &trees[0]);
	if (!kv)
		return -1;
	struct gpu_shape g;
	gpu_shape(&g, e);
	int rc = e->rc ? -1 : head_fields(agg, e, &g, kv, backend);
	if (rc) {
		pyobj_free(g.fields);
		return -1;
	}
	pyobj_set(agg, "num_requests_total", pyobj_int(a->total));
	pyobj_set(agg, "num_requests_successful", pyobj_int((long long)r->ok_nr));
	accounting_into(agg, a, r->ok_nr);
	for (size_t i = 0; i < g.fields->nr; i++) {
		pyobj_set(agg, g.fields->v[i].key, g.fields->v[i].val);
		g.fields->v[i].val = NULL;
	}
	pyobj_free(g.fields);
	const struct jnode *router = env_metadata(e, "ROUTER_METADATA", false, &trees[1]);
	if (e->rc)
		return -1;
	if (router)
		pyobj_set(agg, "router", pyobj_node(router));
	const char *p2p = env_str(e, "KV_P2P_TRANSFER", "");
	if (*p2p)
		pyobj_set(agg, "kv_p2p_transfer", pyobj_str(p2p));
	const struct jnode *dataset = member(member(in->aggregate, "metadata"), "dataset");
	if (dataset && dataset->type == JT_OBJ)
		pyobj_set(agg, "dataset", pyobj_node(dataset));

	struct tput t;
	struct pyobj *req = request_metrics(&t, r, in->aggregate);
	struct agentic_profile_totals totals;
	profile_totals(&totals, r);
	struct pyobj *warnings = pyobj_list(), *server = NULL;
	struct agentic_metrics none = AGENTIC_METRICS_INIT;
	if (agentic_server_metrics(&server, warnings, in->metrics ? in->metrics : &none,
				   env_str(e, "FRAMEWORK", ""), &totals, &in->logs, e->d)) {
		pyobj_free(req);
		pyobj_free(warnings);
		return -1;
	}
	if (t.ok && g.num_gpus > 0) {
		struct pyobj *per = pyobj_set(pyobj_get(req, "throughput"), "per_gpu", pyobj_dict());
		pyobj_set(per, "total_tput_tps", pyobj_float(t.total_tps / (double)g.num_gpus));
		pyobj_set(per, "output_tput_tps", pyobj_float(t.output_tps / (double)g.num_gpus));
		pyobj_set(per, "input_tput_tps", pyobj_float(t.input_tps / (double)g.num_gpus));
	}
	pyobj_set(agg, "request_metrics", req);
	pyobj_set(agg, "server_metrics", server);
	const struct pyobj *pool = pyobj_get(pyobj_get(server, "kv_cache"), "gpu_total_tokens");
	pyobj_set(agg, "kv_cache_pool_tokens", pool->type == PY_INT ? pyobj_int(pool->i)
								   : pyobj_none());
	if (warnings->nr)
		pyobj_set(agg, "warnings", warnings);
	else
		pyobj_free(warnings);
	return 0;
}

int agentic_process(struct buf *out, struct agentic_summary *sum,
		    const struct agentic_inputs *in, struct diags *d)
{
	struct records r = { 0 };
	struct accounting a = { 0, 0, 0, pyobj_dict() };
	struct env e = { in->env, in->env_data, d, 0 };
	struct jnode *trees[2] = { NULL, NULL };
	struct pyobj *agg = pyobj_dict();
	int rc = load_records(&r, &a, in, d);
	if (!rc)
		rc = build_agg(agg, &e, &r, &a, in, trees);
	if (!rc) {
		struct jsonw w;
		jsonw_init(&w, out, JSONW_PRETTY);
		pyobj_write(&w, agg);
		if (sum) {
			sum->successful = r.ok_nr;
			sum->total = (size_t)a.total;
			sum->warmup_dropped = (size_t)a.warmup;
			sum->error_dropped = (size_t)a.errors;
		}
	}
	pyobj_free(agg);
	pyobj_free(a.categories);
	jtree_free(trees[0]);
	jtree_free(trees[1]);
	records_release(&r);
	return rc ? -1 : 0;
}
