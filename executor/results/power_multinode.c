/*
 * power_multinode: upstream's utils/aggregate_power_multinode.py (at 843c6254f), rule for rule;
 * the comments name the Python function each part stands for. Messages that upstream builds
 * with repr() use pyval, so the sidecar's "failures" read the same. Where we read less than
 * Python does, docs/executor.md says so.
 *
 * Floating point: sums in Python's order, in doubles, compiled with -ffp-contract=off.
 */
#include "executor/results/power_multinode.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/pynum.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/results/power.h"
#include "executor/results/pycsv.h"
#include "executor/results/pyval.h"

#define SCHEMA_VERSION 1
#define CLOCK_SOURCE "head_node_unix_clock"
#define MAX_SAMPLE_GAP_SECONDS 3.0 /* the producer contract's, not a multiple of the interval */
#define INTEGRATION_METHOD "per_device_trapezoidal_with_linear_boundary_interpolation"
#define TAG "[aggregate_power_multinode]"

static const char *const samples_header[] = {
	"schema_version", "timestamp_unix", "scrape_seq", "hostname", "gpu_index", "gpu_uuid",
	"power_w",
};
#define NR_HEADER (sizeof(samples_header) / sizeof(samples_header[0]))

static const char *const worker_roles[] = { "prefill", "decode", "agg" };
static const char *const window_statuses[] = { "running", "completed", "failed", "interrupted" };

/* _check_wire_contract's fixed fields and their values */
static const struct {
	const char *key, *str;
} wire_fields[] = {
	{ "schema_version", NULL }, /* the integer SCHEMA_VERSION */
	{ "producer", "srt-slurm.dcgm-power" },
	{ "source_metric", "DCGM_FI_DEV_POWER_USAGE" },
	{ "unit", "W" },
	{ "power_scope", "gpu_device_board_as_reported_by_dcgm" },
	{ "timestamp_source", CLOCK_SOURCE },
};

/* lifecycle reasons that contradict a complete manifest, sorted (they are reported sorted) */
static const char *const fatal_reasons[] = {
	"benchmark_child_reap_timeout", "collector_exception", "collector_interrupted",
	"collector_join_timeout", "exporter_exited",
};
static const char *const startup_reasons[] = {
	"endpoint_resolution_failed", "exporter_launch_failed", "exporter_startup_timeout",
};

/* the metric keys in the order upstream inserts them; every one is dropped from the agg */
static const char *const all_metric_keys[] = {
	"avg_power_w", "avg_total_gpu_power_w", "total_gpu_energy_j",
	"joules_per_successful_query", "joules_per_input_token", "joules_per_output_token",
	"joules_per_total_token", "prefill_gpu_energy_j", "decode_gpu_energy_j",
	"prefill_avg_power_w", "decode_avg_power_w", "prefill_joules_per_input_token",
	"decode_joules_per_output_token",
};
#define NR_METRICS (sizeof(all_metric_keys) / sizeof(all_metric_keys[0]))

/* ---- small owned collections --------------------------------------------------------------- */

struct strs {
	char **v; /* owned strings */
	size_t nr, alloc;
};

static void strs_addv(struct strs *s, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	VEC_PUSH(s, buf_take(&b, NULL));
}

__attribute__((format(printf, 2, 3))) static void strs_addf(struct strs *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strs_addv(s, fmt, ap);
	va_end(ap);
}

static void strs_release(struct strs *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* A dict of str -> value in insertion order: setting a present key keeps its place. */
struct kv {
	char *key; /* owned */
	const char *s; /* static value, or NULL */
	double x;
};
struct kvmap {
	struct kv *v;
	size_t nr, alloc;
};

static struct kv *kv_set(struct kvmap *m, const char *key)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].key, key))
			return &m->v[i];
	VEC_GROW(m->v, m->nr + 1, m->alloc);
	struct kv *e = &m->v[m->nr++];
	memset(e, 0, sizeof(*e));
	e->key = xstrdup(key);
	return e;
}

static void kv_release(struct kvmap *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* reasons: discovery order, each once (_dedupe / _append_reason) */
static void reason_add(struct power_reasons *r, const char *code)
{
	power_reason_add(r, code);
}

/* ---- files as Python reads them -------------------------------------------------------------- */

static bool is_dir(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
				      : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!k || i + k > n || (k == 2 && c < 0xc2))
			return false;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		if (k == 3) {
			unsigned cp = (c & 0x0f) << 12 | (s[i + 1] & 0x3fu) << 6 | (s[i + 2] & 0x3fu);
			if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
				return false;
		}
		if (k == 4) {
			unsigned cp = (c & 0x07) << 18 | (s[i + 1] & 0x3fu) << 12 |
				      (s[i + 2] & 0x3fu) << 6 | (s[i + 3] & 0x3fu);
			if (cp < 0x10000 || cp > 0x10ffff)
				return false;
		}
		i += k;
	}
	return true;
}

/* The whole file when it can be read and is UTF-8 (read_text); false otherwise. */
static bool read_text(struct buf *out, const char *path)
{
	struct diags quiet = DIAGS_INIT;
	bool ok = !file_read_all(out, path, &quiet) &&
		  utf8_valid((const unsigned char *)out->s, out->len);
	diags_release(&quiet);
	return ok;
}

/* json.loads(Path(path).read_text()): NULL when unreadable or not JSON (OSError, ValueError) */
static struct jnode *load_json(const char *path)
{
	struct buf text = BUF_INIT;
	struct jnode *n = NULL;
	if (read_text(&text, path))
		n = jtree_parse(text.s, text.len, path, NULL);
	buf_release(&text);
	return n;
}

/* Path(a) / b, as str() prints it */
static void path_join(struct buf *out, const char *a, const char *b)
{
	struct buf j = BUF_INIT;
	buf_addf(&j, "%s/%s", a, b);
	power_py_path(out, j.s);
	buf_release(&j);
}

/* Path.resolve() (strict off): symlinks resolved as far as the path exists, the rest kept. */
static void resolve(struct buf *out, const char *p)
{
	struct buf abs = BUF_INIT;
	if (p[0] != '/') {
		char cwd[PATH_MAX];
		buf_adds(&abs, getcwd(cwd, sizeof(cwd)) ? cwd : "/");
		buf_addch(&abs, '/');
	}
	buf_adds(&abs, p);
	struct buf norm = BUF_INIT;
	power_py_path(&norm, abs.s);
	char *real = realpath(norm.s, NULL);
	if (real) {
		buf_adds(out, real);
		free(real);
	} else {
		char *slash = strrchr(norm.s, '/');
		if (!slash || slash == norm.s) {
			buf_adds(out, norm.s);
		} else {
			*slash = '\0';
			resolve(out, norm.s);
			if (strcmp(out->s, "/"))
				buf_addch(out, '/');
			buf_adds(out, slash + 1);
		}
	}
	buf_release(&abs);
	buf_release(&norm);
}

/* _stays_below */
static bool stays_below(const char *root, const char *relative)
{
	struct buf r = BUF_INIT, full = BUF_INIT, p = BUF_INIT;
	resolve(&r, root);
	buf_addf(&full, "%s/%s", root, relative);
	resolve(&p, full.s);
	size_t n = r.len;
	bool ok = !strcmp(p.s, r.s) || (!strncmp(p.s, r.s, n) && (p.s[n] == '/' || !strcmp(r.s, "/")));
	buf_release(&r);
	buf_release(&full);
	buf_release(&p);
	return ok;
}

/* PurePosixPath(p).stem of the last part */
static void py_stem(struct buf *out, const char *p)
{
	struct buf norm = BUF_INIT;
	power_py_path(&norm, p);
	const char *slash = strrchr(norm.s, '/');
	const char *name = slash ? slash + 1 : norm.s;
	if (!strcmp(name, "."))
		name = "";
	size_t n = strlen(name);
	const char *dot = strrchr(name, '.');
	buf_add(out, name, dot && dot > name && dot < name + n - 1 ? (size_t)(dot - name) : n);
	buf_release(&norm);
}

/* ---- the manifest's expected devices and windows (_parse_expected_*) ----------------------- */

struct assignment {
	const char *role; /* static: one of worker_roles */
	bool het_none;
	long long het;
};

struct exp_dev {
	const char *host; /* borrowed from the manifest tree */
	long long idx;
	struct assignment *a;
	size_t na;
};

struct exp_win {
	const char *btype; /* borrowed */
	long long conc;
};

struct expected {
	struct exp_dev *dev;
	size_t ndev, alloc_dev;
	struct exp_win *win;
	size_t nwin, alloc_win;
};

static void expected_release(struct expected *e)
{
	for (size_t i = 0; i < e->ndev; i++)
		free(e->dev[i].a);
	free(e->dev);
	free(e->win);
}

/* the repr of the exception upstream's parser raises, into *exc */
static int py_raise(struct buf *exc, const char *type, const char *msg)
{
	buf_adds(exc, type);
	buf_addch(exc, '(');
	pyval_repr_str(exc, msg, strlen(msg));
	buf_addch(exc, ')');
	return -1;
}

/* obj[key]: the value, or an exception (KeyError, or TypeError for a non-dict) */
static const struct jnode *subscript(const struct jnode *obj, const char *key, struct buf *exc)
{
	struct buf msg = BUF_INIT;
	const struct jnode *v = NULL;
	if (obj->type == JT_OBJ) {
		v = jobj_get(obj, key);
		if (!v)
			py_raise(exc, "KeyError", key);
	} else if (obj->type == JT_STR) {
		py_raise(exc, "TypeError", "string indices must be integers, not 'str'");
	} else if (obj->type == JT_ARR) {
		py_raise(exc, "TypeError", "list indices must be integers or slices, not str");
	} else {
		buf_addf(&msg, "'%s' object is not subscriptable", pyval_type_name(obj));
		py_raise(exc, "TypeError", msg.s);
	}
	buf_release(&msg);
	return v;
}

/* obj.get(key): AttributeError for a non-dict; *v NULL when absent */
static int get_attr(const struct jnode *obj, const char *key, const struct jnode **v,
		    struct buf *exc)
{
	if (obj->type != JT_OBJ) {
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "'%s' object has no attribute 'get'", pyval_type_name(obj));
		py_raise(exc, "AttributeError", msg.s);
		buf_release(&msg);
		return -1;
	}
	*v = jobj_get(obj, key);
	return 0;
}

static int bad_value(struct buf *exc, const char *what, const struct jnode *v)
{
	struct buf msg = BUF_INIT;
	buf_adds(&msg, what);
	pyval_repr(&msg, v);
	py_raise(exc, "ValueError", msg.s);
	buf_release(&msg);
	return -1;
}

/* _whole */
static int whole(const struct jnode *v, const char *label, long long minimum, long long *out,
		 struct buf *exc)
{
	if (!pyval_int(v, out) || *out < minimum) {
		char what[96];
		snprintf(what, sizeof(what), "%s is not an integer >= %lld: ", label, minimum);
		return bad_value(exc, what, v);
	}
	return 0;
}

/* _text */
static int text(const struct jnode *v, const char *label, const char **out, struct buf *exc)
{
	if (!v || v->type != JT_STR || !v->len) {
		char what[96];
		snprintf(what, sizeof(what), "%s is not a non-empty string: ", label);
		return bad_value(exc, what, v);
	}
	*out = v->s;
	return 0;
}

/* manifest.get(key) or [] : a list, or TypeError */
static int list_or_empty(const struct jnode *manifest, const char *key, const struct jnode **out,
			 struct buf *exc)
{
	const struct jnode *v = jobj_get(manifest, key);
	*out = NULL;
	if (!pyval_truthy(v))
		return 0;
	if (v->type != JT_ARR) {
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "%s is not a list: ", key);
		pyval_repr(&msg, v);
		py_raise(exc, "TypeError", msg.s);
		buf_release(&msg);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_assignment(const struct jnode *a, struct assignment *out, struct buf *exc)
{
	const struct jnode *v = subscript(a, "worker_role", exc);
	if (!v)
		return -1;
	out->role = NULL;
	for (size_t i = 0; i < 3; i++)
		if (pyval_eq_str(v, worker_roles[i]))
			out->role = worker_roles[i];
	if (!out->role)
		return bad_value(exc, "worker_role is not one of ('prefill', 'decode', 'agg'): ", v);
	long long ignored;
	if (!(v = subscript(a, "worker_index", exc)) || whole(v, "worker_index", 0, &ignored, exc))
		return -1;
	if (!(v = subscript(a, "worker_process", exc)) ||
	    whole(v, "worker_process", 0, &ignored, exc))
		return -1;
	const struct jnode *het;
	if (get_attr(a, "het_group", &het, exc))
		return -1;
	out->het_none = !het || het->type == JT_NULL;
	if (!out->het_none && whole(het, "het_group", 0, &out->het, exc))
		return -1;
	return 0;
}

static int parse_expected(struct expected *e, const struct jnode *manifest, struct buf *exc)
{
	const struct jnode *list;
	if (list_or_empty(manifest, "expected_devices", &list, exc))
		return -1;
	for (size_t i = 0; list && i < list->nr; i++) {
		const struct jnode *entry = &list->items[i], *raw;
		if (get_attr(entry, "assignments", &raw, exc))
			return -1;
		if (!pyval_truthy(raw) || raw->type != JT_ARR) {
			if (!pyval_truthy(raw))
				raw = NULL;
			struct buf msg = BUF_INIT;
			buf_adds(&msg, "assignments is not a non-empty list: ");
			if (raw)
				pyval_repr(&msg, raw);
			else
				buf_adds(&msg, "[]");
			py_raise(exc, "ValueError", msg.s);
			buf_release(&msg);
			return -1;
		}
		VEC_GROW(e->dev, e->ndev + 1, e->alloc_dev);
		struct exp_dev *d = &e->dev[e->ndev++];
		memset(d, 0, sizeof(*d));
		d->a = xcalloc(raw->nr, sizeof(*d->a));
		for (size_t j = 0; j < raw->nr; j++, d->na++)
			if (parse_assignment(&raw->items[j], &d->a[j], exc))
				return -1;
		const struct jnode *v;
		if (!(v = subscript(entry, "hostname", exc)) || text(v, "hostname", &d->host, exc))
			return -1;
		if (!(v = subscript(entry, "gpu_index", exc)) || whole(v, "gpu_index", 0, &d->idx, exc))
			return -1;
	}
	if (list_or_empty(manifest, "expected_windows", &list, exc))
		return -1;
	for (size_t i = 0; list && i < list->nr; i++) {
		const struct jnode *entry = &list->items[i], *v;
		VEC_GROW(e->win, e->nwin + 1, e->alloc_win);
		struct exp_win *w = &e->win[e->nwin++];
		if (!(v = subscript(entry, "benchmark_type", exc)) ||
		    text(v, "benchmark_type", &w->btype, exc))
			return -1;
		if (!(v = subscript(entry, "concurrency", exc)) ||
		    whole(v, "concurrency", 1, &w->conc, exc))
			return -1;
	}
	return 0;
}

/* ---- _check_wire_contract -------------------------------------------------------------------- */

static bool positive_finite(const struct jnode *v)
{
	return pyval_finite(v) && v->num > 0;
}

static void check_wire_contract(struct strs *f, const struct jnode *m)
{
	for (size_t i = 0; i < sizeof(wire_fields) / sizeof(wire_fields[0]); i++) {
		const struct jnode *v = jobj_get(m, wire_fields[i].key);
		const char *want = wire_fields[i].str;
		if (want ? pyval_eq_str(v, want) : pyval_eq_int(v, SCHEMA_VERSION))
			continue;
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s is ", wire_fields[i].key);
		pyval_repr(&b, v);
		buf_adds(&b, ", expected ");
		if (want)
			pyval_repr_str(&b, want, strlen(want));
		else
			buf_addf(&b, "%d", SCHEMA_VERSION);
		VEC_PUSH(f, buf_take(&b, NULL));
	}
	const struct jnode *status = jobj_get(m, "status");
	if (!pyval_eq_str(status, "complete")) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "status is ");
		pyval_repr(&b, status);
		buf_adds(&b, ", expected 'complete'");
		VEC_PUSH(f, buf_take(&b, NULL));
	}
	if (!pyval_finite(jobj_get(m, "started_at_unix")))
		strs_addf(f, "started_at_unix is not a finite number");
	if (!pyval_finite(jobj_get(m, "stopped_at_unix")))
		strs_addf(f, "stopped_at_unix is not finite in a terminal manifest");
	static const char *const positive[] = { "sample_interval_seconds", "request_timeout_seconds" };
	for (size_t i = 0; i < 2; i++)
		if (!positive_finite(jobj_get(m, positive[i])))
			strs_addf(f, "%s is not finite and positive", positive[i]);
	static const char *const counts[] = { "scrape_count", "sample_row_count" };
	for (size_t i = 0; i < 2; i++) {
		long long n;
		if (!pyval_int(jobj_get(m, counts[i]), &n) || n < 0)
			strs_addf(f, "%s is not a non-negative integer", counts[i]);
	}
	const struct jnode *required = jobj_get(m, "required");
	if (!required || required->type != JT_BOOL) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "required is ");
		pyval_repr(&b, required);
		buf_adds(&b, ", expected a boolean");
		VEC_PUSH(f, buf_take(&b, NULL));
	}
	const struct jnode *reasons = jobj_get(m, "reason_codes");
	bool strings = reasons && reasons->type == JT_ARR;
	for (size_t i = 0; strings && i < reasons->nr; i++)
		strings = reasons->items[i].type == JT_STR;
	if (!strings) {
		strs_addf(f, "reason_codes is not a list of strings");
	} else {
		/* sorted(set(reasons) & blocking): the two tables merged in sorted order */
		bool with_startup = required && required->type == JT_BOOL && required->b;
		const char *hit[8];
		size_t nh = 0;
		for (size_t i = 0; i < sizeof(fatal_reasons) / sizeof(fatal_reasons[0]); i++)
			for (size_t j = 0; j < reasons->nr; j++)
				if (pyval_eq_str(&reasons->items[j], fatal_reasons[i])) {
					hit[nh++] = fatal_reasons[i];
					break;
				}
		for (size_t i = 0; with_startup && i < 3; i++)
			for (size_t j = 0; j < reasons->nr; j++)
				if (pyval_eq_str(&reasons->items[j], startup_reasons[i])) {
					hit[nh++] = startup_reasons[i];
					break;
				}
		qsort(hit, nh, sizeof(hit[0]), strptr_cmp);
		if (nh) {
			struct buf b = BUF_INIT;
			buf_adds(&b, "complete manifest carries lifecycle-failure reasons: ");
			for (size_t i = 0; i < nh; i++)
				buf_addf(&b, "%s%s", i ? ", " : "", hit[i]);
			VEC_PUSH(f, buf_take(&b, NULL));
		}
	}
	const struct jnode *exporter = jobj_get(m, "dcgm_exporter");
	if (!exporter || exporter->type != JT_OBJ)
		strs_addf(f, "dcgm_exporter is not an object");
	else if (!pyval_truthy(jobj_get(exporter, "container_image_resolved")))
		strs_addf(f, "dcgm_exporter.container_image_resolved is empty");
}

/* ---- samples.csv (read_samples) and the observed devices ------------------------------------ */

struct srow {
	double ts, w;
	long long seq, idx;
	char *host, *uuid; /* owned */
	size_t order;      /* file order */
};

struct samples {
	struct srow *v;
	size_t nr, alloc;
	struct power_reasons reasons;
};

static void samples_release(struct samples *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->v[i].host);
		free(s->v[i].uuid);
	}
	free(s->v);
}

/* int(s) */
static bool py_int(const char *s, long long *out)
{
	if (!pynum_is_int(s))
		return false;
	errno = 0;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* _parse_sample_row */
static bool parse_sample_row(const struct pycsv_row *r, struct srow *out)
{
	if (r->nr != NR_HEADER)
		return false;
	size_t n[NR_HEADER];
	const char *f[NR_HEADER];
	for (size_t i = 0; i < NR_HEADER; i++)
		f[i] = pycsv_field(r, i, &n[i]);
	long long schema;
	if (!py_int(f[0], &schema) || !pynum_float(&out->ts, f[1]) || !py_int(f[2], &out->seq) ||
	    !py_int(f[4], &out->idx) || !pynum_float(&out->w, f[6]))
		return false;
	if (schema != SCHEMA_VERSION || !n[3] || !n[5])
		return false;
	if (!isfinite(out->ts) || !isfinite(out->w) || out->w < 0)
		return false;
	if (out->seq < 0 || out->idx < 0)
		return false;
	out->host = xstrdup(f[3]);
	out->uuid = xstrdup(f[5]);
	return true;
}

static int key_cmp(const char *ha, long long ia, const char *hb, long long ib)
{
	int c = strcmp(ha, hb);
	return c ? c : (ia > ib) - (ia < ib);
}

/* by device, then scrape_seq */
static int srow_cmp(const void *pa, const void *pb)
{
	const struct srow *a = pa, *b = pb;
	int c = key_cmp(a->host, a->idx, b->host, b->idx);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* by device, then scrape_seq, then file order */
static int srow_order_cmp(const void *pa, const void *pb)
{
	const struct srow *a = pa, *b = pb;
	int c = srow_cmp(a, b);
	return c ? c : (a->order > b->order) - (a->order < b->order);
}

static int file_order_cmp(const void *pa, const void *pb)
{
	const struct srow *a = pa, *b = pb;
	return (a->order > b->order) - (a->order < b->order);
}

/* After the rows: a repeated (scrape_seq, hostname, gpu_index) is dropped (the first in the
 * file stays), then each device's timestamps must rise with scrape_seq. */
static void check_duplicates_and_order(struct samples *s)
{
	if (s->nr)
		qsort(s->v, s->nr, sizeof(*s->v), srow_order_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < s->nr; i++) {
		if (kept && !srow_cmp(&s->v[kept - 1], &s->v[i])) {
			reason_add(&s->reasons, "duplicate_sample_row");
			free(s->v[i].host);
			free(s->v[i].uuid);
			continue;
		}
		s->v[kept++] = s->v[i];
	}
	s->nr = kept;
	for (size_t i = 1; i < s->nr; i++)
		if (!key_cmp(s->v[i].host, s->v[i].idx, s->v[i - 1].host, s->v[i - 1].idx) &&
		    s->v[i].ts <= s->v[i - 1].ts) {
			reason_add(&s->reasons, "timestamp_non_monotonic");
			break;
		}
	if (s->nr)
		qsort(s->v, s->nr, sizeof(*s->v), file_order_cmp);
}

static void read_samples(struct samples *s, const char *path)
{
	struct buf text = BUF_INIT;
	if (!is_file(path)) {
		reason_add(&s->reasons, "samples_csv_missing");
		return;
	}
	if (!read_text(&text, path)) {
		reason_add(&s->reasons, "samples_csv_malformed");
		buf_release(&text);
		return;
	}
	struct pycsv_reader rd = { text.s, text.len, 0, false };
	struct pycsv_row row = PYCSV_ROW_INIT;
	bool err = false;
	bool header_ok = pycsv_next(&rd, &row, &err) && row.nr == NR_HEADER;
	for (size_t i = 0; header_ok && i < NR_HEADER; i++) {
		size_t n;
		const char *f = pycsv_field(&row, i, &n);
		header_ok = n == strlen(samples_header[i]) && !memcmp(f, samples_header[i], n);
	}
	if (err) {
		reason_add(&s->reasons, "samples_csv_malformed"); /* csv.Error on the header */
	} else if (!header_ok) {
		reason_add(&s->reasons, "samples_csv_header_mismatch");
	} else {
		size_t order = 0;
		while (pycsv_next(&rd, &row, &err)) {
			struct srow sr = { 0 };
			if (!parse_sample_row(&row, &sr)) {
				reason_add(&s->reasons, "samples_csv_malformed");
				continue;
			}
			sr.order = order++;
			VEC_PUSH(s, sr);
		}
		if (err)
			reason_add(&s->reasons, "samples_csv_malformed");
		check_duplicates_and_order(s);
	}
	pycsv_row_release(&row);
	buf_release(&text);
}

/* ObservedDevice: one (hostname, gpu_index) seen in the samples */
struct odev {
	const char *host; /* borrowed from the rows */
	long long idx;
	const char **uuids; /* owned array of borrowed strings, first-seen by scrape_seq */
	size_t nu;
	double first, last;
	double *times; /* owned, sorted */
	struct power_sample *readings; /* owned, sorted by (time, watts) */
	size_t nt;
};

struct observed {
	struct odev *v;
	size_t nr, alloc;
};

static void observed_release(struct observed *o)
{
	for (size_t i = 0; i < o->nr; i++) {
		free(o->v[i].uuids);
		free(o->v[i].times);
		free(o->v[i].readings);
	}
	free(o->v);
}

static int double_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

static int reading_cmp(const void *pa, const void *pb)
{
	const struct power_sample *a = pa, *b = pb;
	if (a->t != b->t)
		return (a->t > b->t) - (a->t < b->t);
	return (a->w > b->w) - (a->w < b->w);
}

/* derive_observed_devices: devices sorted by (hostname, gpu_index) */
static void derive_observed(struct observed *o, const struct samples *s)
{
	struct srow *rows = xcalloc(s->nr ? s->nr : 1, sizeof(*rows));
	if (s->nr)
		memcpy(rows, s->v, s->nr * sizeof(*rows));
	qsort(rows, s->nr, sizeof(*rows), srow_cmp);
	for (size_t i = 0; i < s->nr;) {
		size_t j = i;
		while (j < s->nr && !key_cmp(rows[i].host, rows[i].idx, rows[j].host, rows[j].idx))
			j++;
		VEC_GROW(o->v, o->nr + 1, o->alloc);
		struct odev *d = &o->v[o->nr++];
		memset(d, 0, sizeof(*d));
		d->host = rows[i].host;
		d->idx = rows[i].idx;
		d->nt = j - i;
		d->uuids = xcalloc(d->nt, sizeof(*d->uuids));
		d->times = xcalloc(d->nt, sizeof(*d->times));
		d->readings = xcalloc(d->nt, sizeof(*d->readings));
		for (size_t k = i; k < j; k++) {
			bool seen = false;
			for (size_t u = 0; u < d->nu && !seen; u++)
				seen = !strcmp(d->uuids[u], rows[k].uuid);
			if (!seen)
				d->uuids[d->nu++] = rows[k].uuid;
			d->times[k - i] = rows[k].ts;
			d->readings[k - i] = (struct power_sample){ rows[k].ts, rows[k].w, k - i };
		}
		qsort(d->times, d->nt, sizeof(double), double_cmp);
		qsort(d->readings, d->nt, sizeof(*d->readings), reading_cmp);
		d->first = d->times[0];
		d->last = d->times[d->nt - 1];
		i = j;
	}
	free(rows);
}

static const struct odev *observed_find(const struct observed *o, const char *host, long long idx)
{
	for (size_t i = 0; i < o->nr; i++)
		if (!key_cmp(o->v[i].host, o->v[i].idx, host, idx))
			return &o->v[i];
	return NULL;
}

static const struct exp_dev *expected_find(const struct expected *e, const char *host,
					   long long idx)
{
	for (size_t i = 0; i < e->ndev; i++)
		if (!key_cmp(e->dev[i].host, e->dev[i].idx, host, idx))
			return &e->dev[i];
	return NULL;
}

/* ---- device identity and roles (_validate_devices, _resolve_*, _check_role_topology) ------- */

/* A device's role, set when every device has one role (_resolve_roles); the map keyed by
 * device, sorted by (hostname, gpu_index) as sorted(roles.items()) walks it. */
struct role_of {
	const char *host;
	long long idx;
	const char *role;
	bool het_none;
	long long het;
};

struct roles {
	struct role_of *v;
	size_t nr, alloc;
};

static int role_cmp(const void *pa, const void *pb)
{
	const struct role_of *a = pa, *b = pb;
	return key_cmp(a->host, a->idx, b->host, b->idx);
}

static bool same_het(const struct assignment *a, const struct assignment *b)
{
	return a->het_none == b->het_none && (a->het_none || a->het == b->het);
}

/* _resolve_roles: false on conflicting_worker_roles (roles left empty) */
static bool resolve_roles(struct roles *r, const struct expected *e)
{
	for (size_t i = 0; i < e->ndev; i++) {
		const struct exp_dev *d = &e->dev[i];
		for (size_t j = 1; j < d->na; j++)
			if (d->a[j].role != d->a[0].role) {
				r->nr = 0;
				return false;
			}
		struct role_of *x = NULL;
		for (size_t k = 0; k < r->nr && !x; k++)
			if (!key_cmp(r->v[k].host, r->v[k].idx, d->host, d->idx))
				x = &r->v[k];
		if (!x) {
			VEC_GROW(r->v, r->nr + 1, r->alloc);
			x = &r->v[r->nr++];
		}
		*x = (struct role_of){ d->host, d->idx, d->a[0].role, d->a[0].het_none, d->a[0].het };
	}
	if (r->nr)
		qsort(r->v, r->nr, sizeof(*r->v), role_cmp);
	return true;
}

/* _resolve_het_groups: false on conflicting_het_groups; the group of a host is then the one
 * of any of its devices */
static bool het_groups_consistent(const struct expected *e)
{
	for (size_t i = 0; i < e->ndev; i++) {
		const struct exp_dev *d = &e->dev[i];
		for (size_t j = 1; j < d->na; j++)
			if (!same_het(&d->a[j], &d->a[0]))
				return false;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(e->dev[k].host, d->host) && !same_het(&e->dev[k].a[0], &d->a[0]))
				return false;
	}
	return true;
}

/* the het group of a host: the last device of that host's (dict assignment order) */
static const struct assignment *host_group(const struct expected *e, const char *host)
{
	const struct assignment *g = NULL;
	for (size_t i = 0; i < e->ndev; i++)
		if (!strcmp(e->dev[i].host, host))
			g = &e->dev[i].a[0];
	return g;
}

static void validate_devices(struct power_reasons *out, const struct expected *e,
			     const struct observed *o, struct roles *roles)
{
	bool missing = !e->ndev, unexpected = false;
	for (size_t i = 0; i < e->ndev; i++)
		if (!observed_find(o, e->dev[i].host, e->dev[i].idx))
			missing = true;
	for (size_t i = 0; i < o->nr; i++)
		if (!expected_find(e, o->v[i].host, o->v[i].idx))
			unexpected = true;
	if (missing)
		reason_add(out, "expected_device_missing");
	if (unexpected)
		reason_add(out, "unexpected_device");
	bool changed = false;
	for (size_t i = 0; i < o->nr; i++)
		if (o->v[i].nu != 1)
			changed = true;
	for (size_t i = 0; !changed && i < o->nr; i++)
		for (size_t j = 0; j < i && !changed; j++)
			changed = !strcmp(o->v[i].uuids[0], o->v[j].uuids[0]);
	if (changed)
		reason_add(out, "gpu_uuid_changed");
	if (!resolve_roles(roles, e))
		reason_add(out, "conflicting_worker_roles");
	if (!het_groups_consistent(e))
		reason_add(out, "conflicting_het_groups");
}

/* str() of a het group, for sorted(key=str) and the message */
static void het_str(struct buf *out, const struct assignment *g)
{
	if (g->het_none)
		buf_adds(out, "None");
	else
		buf_addf(out, "%lld", g->het);
}

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static void role_topology(struct strs *f, const struct expected *e, const struct roles *roles,
			  long prefill, long decode)
{
	/* counts in role order of first appearance; compared as sets, reported sorted */
	long count[3] = { 0, 0, 0 };
	for (size_t i = 0; i < roles->nr; i++)
		for (size_t k = 0; k < 3; k++)
			if (roles->v[i].role == worker_roles[k])
				count[k]++;
	long want[3] = { prefill > 0 ? prefill : 0, decode > 0 ? decode : 0, 0 };
	bool sets_differ = false;
	for (size_t k = 0; k < 3; k++)
		if ((count[k] > 0) != (want[k] > 0))
			sets_differ = true;
	if (sets_differ) {
		/* sorted(): "agg" < "decode" < "prefill" */
		static const size_t alpha[3] = { 2, 1, 0 };
		struct buf b = BUF_INIT;
		buf_adds(&b, "expected roles [");
		bool first = true;
		for (size_t a = 0; a < 3; a++)
			if (want[alpha[a]] > 0) {
				buf_addf(&b, "%s'%s'", first ? "" : ", ", worker_roles[alpha[a]]);
				first = false;
			}
		buf_adds(&b, "], found [");
		first = true;
		for (size_t a = 0; a < 3; a++)
			if (count[alpha[a]] > 0) {
				buf_addf(&b, "%s'%s'", first ? "" : ", ", worker_roles[alpha[a]]);
				first = false;
			}
		buf_addch(&b, ']');
		VEC_PUSH(f, buf_take(&b, NULL));
	}
	/* for role, count in sorted(expected_roles.items()): decode before prefill */
	if (want[1] > 0 && count[1] != want[1])
		strs_addf(f, "expected %ld decode GPUs, found %ld", want[1], count[1]);
	if (want[0] > 0 && count[0] != want[0])
		strs_addf(f, "expected %ld prefill GPUs, found %ld", want[0], count[0]);

	if (!het_groups_consistent(e)) {
		strs_addf(f, "conflicting_het_groups (topology)");
		return;
	}
	bool non_het = true;
	for (size_t i = 0; i < e->ndev; i++)
		if (!host_group(e, e->dev[i].host)->het_none)
			non_het = false;
	long long assigned[3];
	size_t na = 0;
	static const size_t alpha[3] = { 2, 1, 0 };
	for (size_t a = 0; a < 3; a++) {
		const char *role = worker_roles[alpha[a]];
		/* the set of host groups of this role's devices, in sorted(key=str) order */
		char *groups[64];
		size_t ng = 0;
		bool any = false;
		const struct assignment *only = NULL;
		for (size_t i = 0; i < e->ndev; i++) {
			const struct role_of *r = NULL;
			for (size_t k = 0; k < roles->nr && !r; k++)
				if (!key_cmp(roles->v[k].host, roles->v[k].idx, e->dev[i].host,
					     e->dev[i].idx))
					r = &roles->v[k];
			if (!r || r->role != role)
				continue;
			any = true;
			const struct assignment *g = host_group(e, e->dev[i].host);
			struct buf s = BUF_INIT;
			het_str(&s, g);
			bool seen = false;
			for (size_t k = 0; k < ng && !seen; k++)
				seen = !strcmp(groups[k], s.s);
			if (!seen && ng < 64) {
				groups[ng++] = buf_take(&s, NULL);
				only = g;
			}
			buf_release(&s);
		}
		if (!any)
			continue;
		if (ng != 1) {
			qsort(groups, ng, sizeof(groups[0]), str_cmp);
			struct buf b = BUF_INIT;
			buf_addf(&b, "role %s spans het groups [", role);
			for (size_t k = 0; k < ng; k++)
				buf_addf(&b, "%s%s", k ? ", " : "", groups[k]);
			buf_adds(&b, "], expected exactly one");
			VEC_PUSH(f, buf_take(&b, NULL));
		} else if (only->het_none) {
			if (!non_het)
				strs_addf(f, "role %s has het group None while other devices report "
					  "real het groups", role);
		} else {
			assigned[na++] = only->het;
		}
		for (size_t k = 0; k < ng; k++)
			free(groups[k]);
	}
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < i; j++)
			if (assigned[i] == assigned[j]) {
				strs_addf(f, "roles share a het group");
				return;
			}
}

/* ---- windows (_scan_windows, _parse_window, _validate_expected_windows) ---------------------- */

struct pwin {
	char *rel, *btype, *result_path; /* owned */
	long long conc;
	bool conc_bool;     /* concurrency was true/false (Python's bool is an int) */
	const char *status; /* static: one of window_statuses */
	double start, end, dur;
	bool has_end, has_dur;
};

struct windows {
	struct pwin *v; /* parsed, in scan order, duplicates removed */
	size_t nr, alloc;
};

static void windows_release(struct windows *w)
{
	for (size_t i = 0; i < w->nr; i++) {
		free(w->v[i].rel);
		free(w->v[i].btype);
		free(w->v[i].result_path);
	}
	free(w->v);
}

struct art_err {
	char *path;       /* owned */
	const char *code; /* static */
};

struct art_errs {
	struct art_err *v;
	size_t nr, alloc;
};

static void art_add(struct art_errs *a, const char *path, const char *code)
{
	VEC_PUSH(a, ((struct art_err){ xstrdup(path), code }));
}

static void art_release(struct art_errs *a)
{
	for (size_t i = 0; i < a->nr; i++)
		free(a->v[i].path);
	free(a->v);
}

/* _is_safe_relative_subpath */
static bool safe_relative(const char *v)
{
	if (!*v || *v == '/' || *v == '~')
		return false;
	bool parts = false;
	for (const char *s = v; *s;) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		if (n && !(n == 1 && *s == '.'))
			parts = true;
		s = e;
	}
	return parts;
}

/* _window_status_invariants_hold */
static bool status_invariants(const char *status, const struct jnode *end, const struct jnode *dur,
			      const struct jnode *reason)
{
	bool end_none = !end || end->type == JT_NULL, dur_none = !dur || dur->type == JT_NULL;
	bool reason_none = !reason || reason->type == JT_NULL;
	bool reason_text = reason && reason->type == JT_STR && reason->len;
	if (!strcmp(status, "running"))
		return end_none && dur_none && reason_none;
	if (!strcmp(status, "interrupted"))
		return end_none && dur_none && reason_text;
	if (!pyval_finite(end) || !pyval_finite(dur) || dur->num <= 0)
		return false;
	if (!strcmp(status, "completed"))
		return reason_none;
	return reason_text;
}

/* _parse_window: the window, or NULL with the reason code in *why */
static bool parse_window(struct pwin *w, const char *path, const char *name, const char *rel,
			 const char *result_root, const char **why)
{
	struct jnode *p = load_json(path);
	bool ok = false;
	*why = "measurement_window_malformed";
	if (!p || p->type != JT_OBJ)
		goto done;
	const struct jnode *status = jobj_get(p, "status"), *conc = jobj_get(p, "concurrency");
	const struct jnode *btype = jobj_get(p, "benchmark_type");
	const struct jnode *start = jobj_get(p, "benchmark_start_time_unix");
	const char *st = NULL;
	for (size_t i = 0; i < 4; i++)
		if (pyval_eq_str(status, window_statuses[i]))
			st = window_statuses[i];
	if (!pyval_eq_int(jobj_get(p, "schema_version"), SCHEMA_VERSION) ||
	    !pyval_eq_str(jobj_get(p, "clock_source"), CLOCK_SOURCE) || !st || !btype ||
	    btype->type != JT_STR || !conc || !(conc->type == JT_BOOL || (conc->type == JT_NUM &&
	    conc->is_int)) || !pyval_finite(start))
		goto done;
	const struct jnode *rp = jobj_get(p, "result_path");
	*why = "measurement_window_result_path_invalid";
	if (!rp || rp->type != JT_STR || !safe_relative(rp->s) ||
	    !stays_below(result_root, rp->s))
		goto done;
	struct buf a = BUF_INIT, b = BUF_INIT;
	py_stem(&a, rp->s);
	py_stem(&b, name);
	bool same = !strcmp(a.s, b.s);
	buf_release(&a);
	buf_release(&b);
	if (!same)
		goto done;
	const struct jnode *end = jobj_get(p, "benchmark_end_time_unix");
	const struct jnode *dur = jobj_get(p, "duration");
	*why = "measurement_window_malformed";
	if (!status_invariants(st, end, dur, jobj_get(p, "reason")))
		goto done;
	memset(w, 0, sizeof(*w));
	w->rel = xstrdup(rel);
	w->btype = xstrdup(btype->s);
	w->result_path = xstrdup(rp->s);
	w->conc_bool = conc->type == JT_BOOL;
	if (w->conc_bool)
		w->conc = conc->b;
	else
		pyval_int(conc, &w->conc);
	w->status = st;
	w->start = start->num;
	w->has_end = end && end->type != JT_NULL;
	w->end = w->has_end ? end->num : 0;
	w->has_dur = dur && dur->type != JT_NULL;
	w->dur = w->has_dur ? dur->num : 0;
	ok = true;
done:
	jtree_free(p);
	return ok;
}

static int name_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static bool win_key_eq(const struct pwin *w, const char *btype, long long conc)
{
	return !strcmp(w->btype, btype) && w->conc == conc;
}

/* _scan_windows: parsed windows without the duplicated keys; errors in scan order */
static void scan_windows(struct windows *out, struct windows *dups, struct art_errs *errs,
			 const char *power_dir, const char *result_root)
{
	struct buf dir = BUF_INIT;
	path_join(&dir, power_dir, "windows");
	if (!is_dir(dir.s))
		goto done;
	if (!stays_below(power_dir, "windows")) {
		art_add(errs, "windows", "measurement_window_artifact_path_invalid");
		goto done;
	}
	DIR *dp = opendir(dir.s);
	if (!dp)
		goto done;
	struct strs names = { 0 };
	struct dirent *de;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			VEC_PUSH(&names, xstrdup(de->d_name));
	closedir(dp);
	if (names.nr)
		qsort(names.v, names.nr, sizeof(names.v[0]), name_cmp);
	struct windows all = { 0 };
	bool *dup = NULL;
	for (size_t i = 0; i < names.nr; i++) {
		struct buf path = BUF_INIT, rel = BUF_INIT;
		path_join(&path, dir.s, names.v[i]);
		buf_addf(&rel, "windows/%s", names.v[i]);
		struct stat lst;
		const char *why;
		struct pwin w;
		if (lstat(path.s, &lst) || S_ISLNK(lst.st_mode) || !S_ISREG(lst.st_mode)) {
			art_add(errs, rel.s, "measurement_window_artifact_path_invalid");
		} else if (!parse_window(&w, path.s, names.v[i], rel.s, result_root, &why)) {
			art_add(errs, rel.s, why);
		} else {
			struct pwin *first = NULL;
			for (size_t k = 0; k < all.nr && !first; k++)
				if (win_key_eq(&all.v[k], w.btype, w.conc))
					first = &all.v[k];
			if (first) {
				dup = xrealloc(dup, (all.nr + 1) * sizeof(*dup));
				dup[first - all.v] = true;
				art_add(errs, first->rel, "measurement_window_duplicate");
				art_add(errs, rel.s, "measurement_window_duplicate");
				free(w.rel);
				free(w.btype);
				free(w.result_path);
			} else {
				VEC_PUSH(&all, w);
				dup = xrealloc(dup, all.nr * sizeof(*dup));
				dup[all.nr - 1] = false;
			}
		}
		buf_release(&path);
		buf_release(&rel);
	}
	for (size_t i = 0; i < all.nr; i++) {
		if (dup[i])
			VEC_PUSH(dups, all.v[i]); /* known for the audit rows */
		else
			VEC_PUSH(out, all.v[i]);
	}
	free(all.v);
	free(dup);
	strs_release(&names);
done:
	buf_release(&dir);
}

/* One row of the per-expected-window audit, as the producer stores it. */
struct validation {
	const char *btype; /* borrowed from the manifest tree */
	long long conc;
	const char *window_file; /* borrowed, or NULL */
	struct power_reasons reasons;
	struct kvmap gaps; /* label -> largest gap */
};

struct validations {
	struct validation *v;
	size_t nr, alloc;
};

static void validations_release(struct validations *vs)
{
	for (size_t i = 0; i < vs->nr; i++)
		kv_release(&vs->v[i].gaps);
	free(vs->v);
}

/* _check_window_result */
static const char *check_window_result(const struct pwin *w, const char *result_root)
{
	struct buf path = BUF_INIT;
	path_join(&path, result_root, w->result_path);
	const char *why = NULL;
	struct jnode *r = is_file(path.s) ? load_json(path.s) : NULL;
	if (!r) {
		why = "measurement_window_result_missing";
	} else if (r->type != JT_OBJ) {
		why = "measurement_window_result_mismatch";
	} else {
		const struct jnode *s = jobj_get(r, "benchmark_start_time_unix");
		const struct jnode *e = jobj_get(r, "benchmark_end_time_unix");
		const struct jnode *d = jobj_get(r, "duration");
		bool same = s && e && d && s->type != JT_NULL && e->type != JT_NULL &&
			    d->type != JT_NULL && (s->type == JT_NUM || s->type == JT_BOOL) &&
			    (e->type == JT_NUM || e->type == JT_BOOL) &&
			    (d->type == JT_NUM || d->type == JT_BOOL) &&
			    (s->type == JT_BOOL ? (double)s->b : s->num) == w->start &&
			    (e->type == JT_BOOL ? (double)e->b : e->num) == w->end &&
			    (d->type == JT_BOOL ? (double)d->b : d->num) == w->dur;
		if (!same) {
			why = "measurement_window_result_mismatch";
		} else {
			double wall = w->end - w->start;
			double tol = 0.01 * w->dur;
			if (!(tol > 0.5))
				tol = 0.5;
			if (fabs(wall - w->dur) > tol)
				why = "measurement_window_clock_mismatch";
		}
	}
	jtree_free(r);
	buf_release(&path);
	return why;
}

/* _bracketing_sequence's largest step; false when the window is not bracketed */
static bool largest_gap(const double *t, size_t n, double start, double end, double *gap)
{
	size_t before = n, after = n;
	for (size_t i = 0; i < n; i++)
		if (t[i] <= start)
			before = i;
	for (size_t i = n; i-- > 0;)
		if (t[i] >= end)
			after = i;
	if (before == n || after == n)
		return false;
	double prev = t[before], best = 0.0;
	bool any = false;
	for (size_t i = 0; i <= n; i++) {
		double x;
		if (i < n && start < t[i] && t[i] < end)
			x = t[i];
		else if (i == n)
			x = t[after];
		else
			continue;
		double step = x - prev;
		if (!any || step > best)
			best = step;
		any = true;
		prev = x;
	}
	*gap = best;
	return true;
}

static void device_label(struct buf *out, const struct odev *d)
{
	buf_addf(out, "%s/%s", d->host, d->uuids[0]);
}

/* _check_coverage over the expected devices, sorted and each once */
static void check_coverage(struct validation *v, double start, double end,
			   const struct expected *e, const struct observed *o)
{
	struct role_of *keys = xcalloc(e->ndev ? e->ndev : 1, sizeof(*keys));
	size_t nk = 0;
	for (size_t i = 0; i < e->ndev; i++) {
		bool seen = false;
		for (size_t k = 0; k < nk && !seen; k++)
			seen = !key_cmp(keys[k].host, keys[k].idx, e->dev[i].host, e->dev[i].idx);
		if (!seen)
			keys[nk++] = (struct role_of){ .host = e->dev[i].host, .idx = e->dev[i].idx };
	}
	qsort(keys, nk, sizeof(*keys), role_cmp);
	bool failed = false;
	for (size_t k = 0; k < nk; k++) {
		const struct odev *d = observed_find(o, keys[k].host, keys[k].idx);
		double gap;
		if (!d) {
			reason_add(&v->reasons, "measurement_window_not_bracketed");
			failed = true;
		} else if (d->nu != 1) {
			reason_add(&v->reasons, "gpu_uuid_changed");
			failed = true;
		} else if (!largest_gap(d->times, d->nt, start, end, &gap)) {
			reason_add(&v->reasons, "measurement_window_not_bracketed");
			failed = true;
		} else {
			struct buf label = BUF_INIT;
			device_label(&label, d);
			kv_set(&v->gaps, label.s)->x = gap;
			buf_release(&label);
			if (gap > MAX_SAMPLE_GAP_SECONDS) {
				reason_add(&v->reasons, "sample_gap_exceeded");
				failed = true;
			}
		}
	}
	if (failed)
		kv_release(&v->gaps);
	free(keys);
}

static int pwin_key_cmp(const void *pa, const void *pb)
{
	const struct pwin *a = *(const struct pwin *const *)pa, *b = *(const struct pwin *const *)pb;
	int c = strcmp(a->btype, b->btype);
	return c ? c : (a->conc > b->conc) - (a->conc < b->conc);
}

/* _validate_expected_windows */
static void validate_windows(struct validations *vs, struct windows *parsed,
			     struct art_errs *errs, const char *power_dir, const char *result_root,
			     const struct expected *e, const struct observed *o)
{
	struct windows dups = { 0 };
	scan_windows(parsed, &dups, errs, power_dir, result_root);
	const struct pwin **sorted = xcalloc(parsed->nr ? parsed->nr : 1, sizeof(*sorted));
	for (size_t i = 0; i < parsed->nr; i++)
		sorted[i] = &parsed->v[i];
	qsort(sorted, parsed->nr, sizeof(*sorted), pwin_key_cmp);
	for (size_t i = 0; i < parsed->nr; i++) {
		bool expected = false;
		for (size_t k = 0; k < e->nwin && !expected; k++)
			expected = win_key_eq(sorted[i], e->win[k].btype, e->win[k].conc);
		if (!expected)
			art_add(errs, sorted[i]->rel, "measurement_window_unexpected");
	}
	free(sorted);
	for (size_t k = 0; k < e->nwin; k++) {
		VEC_GROW(vs->v, vs->nr + 1, vs->alloc);
		struct validation *v = &vs->v[vs->nr++];
		memset(v, 0, sizeof(*v));
		v->btype = e->win[k].btype;
		v->conc = e->win[k].conc;
		const struct pwin *w = NULL;
		for (size_t i = 0; i < parsed->nr && !w; i++)
			if (win_key_eq(&parsed->v[i], v->btype, v->conc))
				w = &parsed->v[i];
		if (!w) {
			bool dup = false;
			for (size_t i = 0; i < dups.nr && !dup; i++)
				dup = win_key_eq(&dups.v[i], v->btype, v->conc);
			reason_add(&v->reasons, dup ? "measurement_window_duplicate"
						    : "measurement_window_missing");
			continue;
		}
		v->window_file = w->rel;
		if (strcmp(w->status, "completed")) {
			reason_add(&v->reasons, "measurement_window_incomplete");
		} else {
			const char *why = check_window_result(w, result_root);
			if (why)
				reason_add(&v->reasons, why);
		}
		if (!v->reasons.nr)
			check_coverage(v, w->start, w->end, e, o);
	}
	windows_release(&dups);
}

/* ---- the stored evidence, compared as Python compares values (_check_stored_evidence) ------- */

static void render_observed(struct buf *out, const struct observed *o)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < o->nr; i++) {
		const struct odev *d = &o->v[i];
		jsonw_obj_open(&w);
		jsonw_key(&w, "hostname");
		jsonw_str(&w, d->host);
		jsonw_key(&w, "gpu_index");
		jsonw_int(&w, d->idx);
		jsonw_key(&w, "gpu_uuids");
		jsonw_arr_open(&w);
		for (size_t u = 0; u < d->nu; u++)
			jsonw_str(&w, d->uuids[u]);
		jsonw_arr_close(&w);
		jsonw_key(&w, "first_sample_time_unix");
		jsonw_double(&w, d->first);
		jsonw_key(&w, "last_sample_time_unix");
		jsonw_double(&w, d->last);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
}

static void render_validations(struct buf *out, const struct validations *vs)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < vs->nr; i++) {
		const struct validation *v = &vs->v[i];
		jsonw_obj_open(&w);
		jsonw_key(&w, "benchmark_type");
		jsonw_str(&w, v->btype);
		jsonw_key(&w, "concurrency");
		jsonw_int(&w, v->conc);
		jsonw_key(&w, "window_file");
		if (v->window_file)
			jsonw_str(&w, v->window_file);
		else
			jsonw_null(&w);
		jsonw_key(&w, "power_coverage_valid");
		jsonw_bool(&w, !v->reasons.nr);
		jsonw_key(&w, "reason_codes");
		jsonw_arr_open(&w);
		for (size_t k = 0; k < v->reasons.nr; k++)
			jsonw_str(&w, v->reasons.v[k]);
		jsonw_arr_close(&w);
		jsonw_key(&w, "per_device_max_sample_gap_seconds");
		jsonw_obj_open(&w);
		for (size_t k = 0; k < v->gaps.nr; k++) {
			jsonw_key(&w, v->gaps.v[k].key);
			jsonw_double(&w, v->gaps.v[k].x);
		}
		jsonw_obj_close(&w);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
}

static void render_errors(struct buf *out, const struct art_errs *a)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < a->nr; i++) {
		jsonw_obj_open(&w);
		jsonw_key(&w, "path");
		jsonw_str(&w, a->v[i].path);
		jsonw_key(&w, "reason_codes");
		jsonw_arr_open(&w);
		jsonw_str(&w, a->v[i].code);
		jsonw_arr_close(&w);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
}

/* stored == the rendered recomputation, by Python's == */
static bool stored_equals(const struct jnode *stored, const struct buf *rendered)
{
	struct jnode *mine = jtree_parse(rendered->s, rendered->len, "recomputed", NULL);
	bool eq = mine && pyval_eq(stored, mine);
	jtree_free(mine);
	return eq;
}

static void check_stored_evidence(struct strs *f, const struct jnode *m, const struct expected *e,
				  const struct samples *s, const struct observed *o,
				  const struct validations *vs, const struct art_errs *errs)
{
	const struct jnode *rows = jobj_get(m, "sample_row_count");
	if (!pyval_eq_int(rows, (long long)s->nr)) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "sample_row_count is ");
		pyval_repr(&b, rows);
		buf_addf(&b, ", disk has %zu rows", s->nr);
		VEC_PUSH(f, buf_take(&b, NULL));
	}
	const struct jnode *scrapes = jobj_get(m, "scrape_count");
	if (s->nr) {
		long long least = 0, n;
		for (size_t i = 0; i < s->nr; i++)
			if (s->v[i].seq + 1 > least)
				least = s->v[i].seq + 1;
		if (!pyval_int(scrapes, &n) || n < least) {
			struct buf b = BUF_INIT;
			buf_adds(&b, "scrape_count is ");
			pyval_repr(&b, scrapes);
			buf_addf(&b, ", disk needs at least %lld", least);
			VEC_PUSH(f, buf_take(&b, NULL));
		}
	}
	if (!o->nr)
		strs_addf(f, "observed_devices is empty");
	struct buf r = BUF_INIT;
	render_observed(&r, o);
	if (!stored_equals(jobj_get(m, "observed_devices"), &r))
		strs_addf(f, "observed_devices does not match the devices derived from samples.csv");
	buf_reset(&r);
	render_validations(&r, vs);
	if (!stored_equals(jobj_get(m, "window_validations"), &r))
		strs_addf(f, "window_validations does not match the recomputed window audit");
	buf_reset(&r);
	render_errors(&r, errs);
	if (!stored_equals(jobj_get(m, "artifact_errors"), &r))
		strs_addf(f, "artifact_errors does not match the recomputed artifact scan");
	buf_release(&r);
	bool dup = false;
	for (size_t i = 0; i < e->ndev && !dup; i++)
		for (size_t j = 0; j < i && !dup; j++)
			dup = !key_cmp(e->dev[i].host, e->dev[i].idx, e->dev[j].host, e->dev[j].idx);
	if (dup)
		strs_addf(f, "expected_devices contains duplicate keys");
	dup = false;
	for (size_t i = 0; i < e->nwin && !dup; i++)
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(e->win[i].btype, e->win[j].btype) && e->win[i].conc == e->win[j].conc;
	if (dup)
		strs_addf(f, "expected_windows contains duplicate keys");
}

/* ---- the audit (MultinodePowerAudit, validate_and_integrate) -------------------------------- */

struct audit {
	bool power_valid;
	struct power_reasons reasons;
	struct strs failures;
	int stored_valid, recomputed_valid; /* -1: None */
	const char *producer_commit, *exporter_sha; /* borrowed from the manifest, or NULL */
	const char *expected_sha;
	bool has_window;
	const struct pwin *window; /* borrowed from the parsed windows */
	struct kvmap energy, role, gap;
	long long expected_gpus, observed_gpus;
	const char *metric_key[NR_METRICS];
	double metric[NR_METRICS];
	size_t nmetrics;
};

__attribute__((format(printf, 3, 4))) static void add_reason(struct audit *a, const char *code,
							     const char *fmt, ...)
{
	reason_add(&a->reasons, code);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		strs_addv(&a->failures, fmt, ap);
		va_end(ap);
	}
}

static void metric_set(struct audit *a, const char *key, double v)
{
	a->metric_key[a->nmetrics] = key;
	a->metric[a->nmetrics++] = v;
}

struct inputs {
	const struct power_multinode_job *job;
	const struct power_bench *bench; /* NULL unless fully valid */
	const char *bench_name;          /* str(Path(bench_result)) */
};

/* canonical text of a JSON value: json.dumps(sort_keys=True, separators=(",", ":")) */
static void canonical(struct buf *out, const struct jnode *n)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT_ASCII);
	jtree_write_sorted(&w, n);
}

/* _select_window_for_result: bind the processed result to one completed window by content */
static const struct pwin *select_window(struct audit *a, const struct windows *parsed,
					const struct inputs *in)
{
	const struct power_multinode_job *job = in->job;
	struct jnode *processed = NULL, *original = NULL;
	const struct pwin *found = NULL;
	struct buf bench_text = BUF_INIT, path = BUF_INIT, x = BUF_INIT, y = BUF_INIT;
	if (read_text(&bench_text, job->bench_result))
		processed = jtree_parse(bench_text.s, bench_text.len, job->bench_result, NULL);
	if (!processed) {
		add_reason(a, "invalid_benchmark_result", "unreadable result: %s", in->bench_name);
		goto done;
	}
	if (processed->type != JT_OBJ) {
		add_reason(a, "invalid_benchmark_result", "processed result is not an object");
		goto done;
	}
	const struct jnode *conc = jobj_get(processed, "max_concurrency");
	size_t matches = 0;
	for (size_t i = 0; i < parsed->nr; i++) {
		const struct pwin *w = &parsed->v[i];
		if (!strcmp(w->status, "completed") && pyval_eq_int(conc, w->conc)) {
			matches++;
			found = w;
		}
	}
	if (matches != 1) {
		struct buf r = BUF_INIT;
		pyval_repr(&r, conc);
		add_reason(a, "window_for_result_missing",
			   "found %zu completed windows for concurrency %s", matches, r.s);
		buf_release(&r);
		found = NULL;
		goto done;
	}
	path_join(&path, job->logs_root, found->result_path);
	if (!(original = load_json(path.s))) {
		add_reason(a, "measurement_window_result_missing", "original result unreadable: %s",
			   path.s);
		found = NULL;
		goto done;
	}
	canonical(&x, original);
	canonical(&y, processed);
	if (x.len != y.len || memcmp(x.s, y.s, x.len)) {
		struct buf name = BUF_INIT;
		power_py_path(&name, job->bench_result);
		const char *slash = strrchr(name.s, '/');
		add_reason(a, "result_content_mismatch", "workspace copy %s differs from original %s",
			   slash ? slash + 1 : name.s, found->result_path);
		buf_release(&name);
		found = NULL;
		goto done;
	}
	if (in->bench && (in->bench->start_unix != found->start || in->bench->end_unix != found->end)) {
		add_reason(a, "measurement_window_result_mismatch",
			   "benchmark window fields do not match the selected window file");
		found = NULL;
		goto done;
	}
	a->has_window = true;
	a->window = found;
done:
	jtree_free(processed);
	jtree_free(original);
	buf_release(&bench_text);
	buf_release(&path);
	buf_release(&x);
	buf_release(&y);
	return found;
}

/* Everything validate_and_integrate reads, owned here until the sidecar is written. */
struct package {
	struct jnode *manifest;
	struct expected e;
	struct samples s;
	struct observed o;
	struct roles roles;
	struct windows parsed;
	struct art_errs errs;
	struct validations vs;
};

static void package_release(struct package *p)
{
	expected_release(&p->e);
	samples_release(&p->s);
	observed_release(&p->o);
	free(p->roles.v);
	windows_release(&p->parsed);
	art_release(&p->errs);
	validations_release(&p->vs);
	jtree_free(p->manifest);
}

static void integrate(struct audit *a, const struct package *p, const struct pwin *w,
		      const struct power_bench *b, long prefill, long decode)
{
	double role_energy[2] = { 0.0, 0.0 }; /* prefill, decode */
	for (size_t i = 0; i < p->e.ndev; i++) {
		const struct exp_dev *d = &p->e.dev[i];
		const struct odev *od = observed_find(&p->o, d->host, d->idx);
		struct buf label = BUF_INIT;
		device_label(&label, od);
		double energy = power_integrate_device(od->readings, od->nt, w->start, w->end);
		kv_set(&a->energy, label.s)->x = energy;
		for (size_t k = 0; k < p->roles.nr; k++)
			if (!key_cmp(p->roles.v[k].host, p->roles.v[k].idx, d->host, d->idx)) {
				if (p->roles.v[k].role == worker_roles[0])
					role_energy[0] += energy;
				else if (p->roles.v[k].role == worker_roles[1])
					role_energy[1] += energy;
			}
		double gap = 0.0;
		largest_gap(od->times, od->nt, w->start, w->end, &gap);
		kv_set(&a->gap, label.s)->x = gap;
		buf_release(&label);
	}
	double duration = w->end - w->start, total = 0;
	for (size_t i = 0; i < a->energy.nr; i++)
		total += a->energy.v[i].x;
	long long tokens = b->total_input_tokens + b->total_output_tokens;
	metric_set(a, "avg_power_w", total / duration / (double)p->e.ndev);
	metric_set(a, "avg_total_gpu_power_w", total / duration);
	metric_set(a, "total_gpu_energy_j", total);
	metric_set(a, "joules_per_successful_query", total / (double)b->completed);
	metric_set(a, "joules_per_input_token", total / (double)b->total_input_tokens);
	metric_set(a, "joules_per_output_token", total / (double)b->total_output_tokens);
	metric_set(a, "joules_per_total_token", total / (double)tokens);
	if (prefill > 0) {
		metric_set(a, "prefill_gpu_energy_j", role_energy[0]);
		metric_set(a, "prefill_avg_power_w", role_energy[0] / duration / (double)prefill);
		metric_set(a, "prefill_joules_per_input_token",
			   role_energy[0] / (double)b->total_input_tokens);
	}
	if (decode > 0) {
		metric_set(a, "decode_gpu_energy_j", role_energy[1]);
		metric_set(a, "decode_avg_power_w", role_energy[1] / duration / (double)decode);
		metric_set(a, "decode_joules_per_output_token",
			   role_energy[1] / (double)b->total_output_tokens);
	}
	const char *bad[NR_METRICS];
	size_t nb = 0;
	for (size_t i = 0; i < a->nmetrics; i++)
		if (!isfinite(a->metric[i]))
			bad[nb++] = a->metric_key[i];
	if (nb) {
		qsort(bad, nb, sizeof(bad[0]), strptr_cmp);
		struct buf m = BUF_INIT;
		for (size_t i = 0; i < nb; i++)
			buf_addf(&m, "%s%s", i ? ", " : "", bad[i]);
		add_reason(a, "non_finite_power_metric", "non-finite: %s", m.s);
		buf_release(&m);
		a->nmetrics = 0;
		return;
	}
	a->power_valid = true;
}

static void validate_and_integrate(struct audit *a, struct package *p, const struct inputs *in)
{
	const struct power_multinode_job *job = in->job;
	struct buf path = BUF_INIT, name = BUF_INIT, exc = BUF_INIT;
	struct strs rf = { 0 };
	a->stored_valid = a->recomputed_valid = -1;
	power_py_path(&name, job->power_dir);
	if (!is_dir(job->power_dir)) {
		add_reason(a, "power_artifacts_missing", "power dir missing: %s", name.s);
		goto done;
	}
	path_join(&path, job->power_dir, "manifest.json");
	if (!is_file(path.s)) {
		add_reason(a, "manifest_missing", "manifest missing: %s", path.s);
		goto done;
	}
	struct buf text = BUF_INIT;
	if (read_text(&text, path.s))
		p->manifest = jtree_parse(text.s, text.len, path.s, NULL);
	buf_release(&text);
	if (!p->manifest) {
		/* upstream prints the JSONDecodeError here; we say what we know */
		add_reason(a, "manifest_malformed", "manifest unreadable: not JSON: %s", path.s);
		goto done;
	}
	const struct jnode *m = p->manifest;
	if (m->type != JT_OBJ) {
		add_reason(a, "manifest_malformed", "manifest is not an object");
		goto done;
	}
	const struct jnode *v = jobj_get(m, "publication_valid");
	a->stored_valid = v && v->type == JT_BOOL ? v->b : -1;
	a->producer_commit = jobj_str(m, "producer_git_commit");
	const struct jnode *exporter = jobj_get(m, "dcgm_exporter");
	if (exporter && exporter->type == JT_OBJ)
		a->exporter_sha = jobj_str(exporter, "container_image_sha256");

	if (!a->expected_sha || !*a->expected_sha) {
		add_reason(a, "producer_pin_missing", "no expected producer SHA configured");
	} else if (!a->producer_commit || strcmp(a->producer_commit, a->expected_sha)) {
		struct buf r = BUF_INIT, w = BUF_INIT;
		if (a->producer_commit)
			pyval_repr_str(&r, a->producer_commit, strlen(a->producer_commit));
		else
			buf_adds(&r, "None");
		pyval_repr_str(&w, a->expected_sha, strlen(a->expected_sha));
		add_reason(a, "producer_commit_mismatch", "producer_git_commit %s != expected %s",
			   r.s, w.s);
		buf_release(&r);
		buf_release(&w);
	}

	check_wire_contract(&rf, m);
	if (parse_expected(&p->e, m, &exc)) {
		add_reason(a, "manifest_malformed", "manifest malformed: %s", exc.s);
		a->recomputed_valid = 0;
		goto done;
	}
	buf_reset(&path);
	path_join(&path, job->power_dir, "samples.csv");
	read_samples(&p->s, path.s);
	for (size_t i = 0; i < p->s.reasons.nr; i++)
		strs_addf(&rf, "%s in samples.csv", p->s.reasons.v[i]);
	derive_observed(&p->o, &p->s);
	struct power_reasons dr = { { 0 }, 0 };
	validate_devices(&dr, &p->e, &p->o, &p->roles);
	for (size_t i = 0; i < dr.nr; i++)
		strs_addf(&rf, "%s (device identity/topology)", dr.v[i]);
	validate_windows(&p->vs, &p->parsed, &p->errs, job->power_dir, job->logs_root, &p->e,
			 &p->o);
	if (!p->e.nwin)
		strs_addf(&rf, "no expected measurement window");
	for (size_t i = 0; i < p->vs.nr; i++)
		for (size_t k = 0; k < p->vs.v[i].reasons.nr; k++)
			strs_addf(&rf, "%s (window %s/%lld)", p->vs.v[i].reasons.v[k], p->vs.v[i].btype,
				  p->vs.v[i].conc);
	for (size_t i = 0; i < p->errs.nr; i++)
		strs_addf(&rf, "%s (%s)", p->errs.v[i].code, p->errs.v[i].path);
	check_stored_evidence(&rf, m, &p->e, &p->s, &p->o, &p->vs, &p->errs);

	a->recomputed_valid = !rf.nr;
	for (size_t i = 0; i < rf.nr; i++)
		VEC_PUSH(&a->failures, xstrdup(rf.v[i]));
	if (rf.nr)
		reason_add(&a->reasons, "package_recompute_invalid");
	if (a->stored_valid != 1 || a->stored_valid != a->recomputed_valid) {
		if (a->stored_valid != a->recomputed_valid) {
			const char *s = a->stored_valid < 0 ? "None" : a->stored_valid ? "True" : "False";
			add_reason(a, "producer_verdict_mismatch",
				   "stored publication_valid=%s, recomputed=%s", s,
				   a->recomputed_valid ? "True" : "False");
		} else {
			add_reason(a, "package_recompute_invalid", "stored and recomputed both invalid");
		}
	}
	if (job->prefill_gpus <= 0 && job->decode_gpus <= 0) {
		add_reason(a, "topology_env_mismatch", "PREFILL_GPUS/DECODE_GPUS are both zero");
	} else if (p->roles.nr) {
		struct strs tf = { 0 };
		role_topology(&tf, &p->e, &p->roles, job->prefill_gpus, job->decode_gpus);
		for (size_t i = 0; i < tf.nr; i++)
			add_reason(a, "topology_env_mismatch", "%s", tf.v[i]);
		strs_release(&tf);
	}
	a->expected_gpus = (long long)p->e.ndev;
	a->observed_gpus = (long long)p->o.nr;
	for (size_t i = 0; i < p->roles.nr; i++) {
		const struct odev *od = observed_find(&p->o, p->roles.v[i].host, p->roles.v[i].idx);
		struct buf label = BUF_INIT;
		if (od && od->nu == 1)
			device_label(&label, od);
		else
			buf_addf(&label, "%s/%lld", p->roles.v[i].host, p->roles.v[i].idx);
		kv_set(&a->role, label.s)->s = p->roles.v[i].role;
		buf_release(&label);
	}
	const struct pwin *w = select_window(a, &p->parsed, in);
	if (a->reasons.nr || !w || !in->bench)
		goto done;
	integrate(a, p, w, in->bench, job->prefill_gpus, job->decode_gpus);
done:
	strs_release(&rf);
	buf_release(&path);
	buf_release(&name);
	buf_release(&exc);
}

/* ---- the aggregate patch, the sidecar and run() ---------------------------------------------- */

static void write_str_or_null(struct jsonw *w, const char *s)
{
	if (s)
		jsonw_str(w, s);
	else
		jsonw_null(w);
}

static void write_tristate(struct jsonw *w, int v)
{
	if (v < 0)
		jsonw_null(w);
	else
		jsonw_bool(w, v);
}

/* _sidecar_payload */
static void sidecar(struct buf *out, const struct audit *a, const struct inputs *in,
		    const struct power_bench *bench)
{
	struct jsonw w;
	struct buf dir = BUF_INIT;
	power_py_path(&dir, in->job->power_dir);
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	jsonw_key(&w, "schema_version");
	jsonw_int(&w, 1);
	jsonw_key(&w, "power_valid");
	jsonw_bool(&w, a->power_valid);
	jsonw_key(&w, "reasons");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < a->reasons.nr; i++)
		jsonw_str(&w, a->reasons.v[i]);
	jsonw_arr_close(&w);
	jsonw_key(&w, "failures");
	jsonw_arr_open(&w);
	for (size_t i = 0; i < a->failures.nr; i++)
		jsonw_str(&w, a->failures.v[i]);
	jsonw_arr_close(&w);
	jsonw_key(&w, "telemetry_source");
	jsonw_str(&w, dir.s);
	jsonw_key(&w, "benchmark_result");
	jsonw_str(&w, in->bench_name);
	jsonw_key(&w, "benchmark_window");
	if (bench) {
		jsonw_obj_open(&w);
		jsonw_key(&w, "start_time_unix");
		jsonw_double(&w, bench->start_unix);
		jsonw_key(&w, "end_time_unix");
		jsonw_double(&w, bench->end_unix);
		jsonw_key(&w, "reported_duration_s");
		jsonw_double(&w, bench->reported_duration_s);
		jsonw_key(&w, "integration_duration_s");
		jsonw_double(&w, bench->end_unix - bench->start_unix);
		jsonw_key(&w, "completed");
		jsonw_int(&w, bench->completed);
		jsonw_key(&w, "total_input_tokens");
		jsonw_int(&w, bench->total_input_tokens);
		jsonw_key(&w, "total_output_tokens");
		jsonw_int(&w, bench->total_output_tokens);
		jsonw_obj_close(&w);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "selected_window");
	if (a->has_window) {
		const struct pwin *win = a->window;
		jsonw_obj_open(&w);
		jsonw_key(&w, "window_file");
		jsonw_str(&w, win->rel);
		jsonw_key(&w, "result_path");
		jsonw_str(&w, win->result_path);
		jsonw_key(&w, "benchmark_type");
		jsonw_str(&w, win->btype);
		jsonw_key(&w, "concurrency");
		if (win->conc_bool)
			jsonw_bool(&w, win->conc);
		else
			jsonw_int(&w, win->conc);
		jsonw_key(&w, "start_time_unix");
		jsonw_double(&w, win->start);
		jsonw_key(&w, "end_time_unix");
		jsonw_double(&w, win->end);
		jsonw_key(&w, "duration");
		jsonw_double(&w, win->dur);
		jsonw_obj_close(&w);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "integration_method");
	jsonw_str(&w, INTEGRATION_METHOD);
	jsonw_key(&w, "producer");
	jsonw_obj_open(&w);
	jsonw_key(&w, "producer_git_commit");
	write_str_or_null(&w, a->producer_commit);
	jsonw_key(&w, "expected_producer_git_commit");
	write_str_or_null(&w, a->expected_sha);
	jsonw_key(&w, "exporter_image_sha256");
	write_str_or_null(&w, a->exporter_sha);
	jsonw_key(&w, "stored_publication_valid");
	write_tristate(&w, a->stored_valid);
	jsonw_key(&w, "recomputed_publication_valid");
	write_tristate(&w, a->recomputed_valid);
	jsonw_obj_close(&w);
	jsonw_key(&w, "expected_gpu_count");
	jsonw_int(&w, a->expected_gpus);
	jsonw_key(&w, "observed_gpu_count");
	jsonw_int(&w, a->observed_gpus);
	jsonw_key(&w, "per_gpu_role");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < a->role.nr; i++) {
		jsonw_key(&w, a->role.v[i].key);
		jsonw_str(&w, a->role.v[i].s);
	}
	jsonw_obj_close(&w);
	jsonw_key(&w, "per_gpu_max_sample_gap_s");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < a->gap.nr; i++) {
		jsonw_key(&w, a->gap.v[i].key);
		jsonw_double(&w, a->gap.v[i].x);
	}
	jsonw_obj_close(&w);
	jsonw_key(&w, "per_gpu_energy_j");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < a->energy.nr; i++) {
		jsonw_key(&w, a->energy.v[i].key);
		if (isfinite(a->energy.v[i].x))
			jsonw_double(&w, a->energy.v[i].x);
		else
			jsonw_null(&w);
	}
	jsonw_obj_close(&w);
	jsonw_key(&w, "metrics");
	jsonw_obj_open(&w);
	for (size_t i = 0; i < a->nmetrics; i++)
		if (isfinite(a->metric[i])) {
			jsonw_key(&w, a->metric_key[i]);
			jsonw_double(&w, power_py_round(a->metric[i], 6));
		}
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	buf_release(&dir);
}

/* _patch_agg: false (why set) when the aggregate cannot be read, patched or written */
static bool patch_agg(const char *path, const struct audit *a, struct buf *why)
{
	struct buf text = BUF_INIT, json = BUF_INIT;
	struct diags local = DIAGS_INIT;
	struct jnode *agg = NULL;
	bool ok = false;
	if (!read_text(&text, path) || !(agg = jtree_parse(text.s, text.len, path, &local))) {
		const char *e = diags_first_error(&local, 0);
		buf_addf(why, "%s: not readable as JSON", e ? e : path);
	} else if (power_patch_agg_keys(&json, agg, a->power_valid, all_metric_keys, NR_METRICS,
					a->metric_key, a->metric, a->power_valid ? a->nmetrics : 0)) {
		buf_adds(why, agg->type != JT_OBJ ? "not a JSON object" : "non-finite power metric");
	} else if (file_write_atomic(path, json.s, json.len, &local)) {
		buf_adds(why, diags_first_error(&local, 0));
	} else {
		ok = true;
	}
	jtree_free(agg);
	buf_release(&text);
	buf_release(&json);
	diags_release(&local);
	return ok;
}

static double metric_or_zero(const struct audit *a, const char *key)
{
	for (size_t i = 0; i < a->nmetrics; i++)
		if (!strcmp(a->metric_key[i], key))
			return a->metric[i];
	return 0.0;
}

int power_multinode_run(const struct power_multinode_job *job, struct buf *out,
			struct diags *d)
{
	struct buf validation = BUF_INIT, bench_name = BUF_INIT, agg_name = BUF_INIT;
	struct buf bench_text = BUF_INIT, why = BUF_INIT, json = BUF_INIT, msg = BUF_INIT;
	struct audit a = { 0 };
	struct package p = { 0 };
	struct power_reasons bench_reasons = { { 0 }, 0 };
	struct power_bench b;
	int rc = 0;
	if (job->validation_result) {
		buf_adds(&validation, job->validation_result);
	} else if (!power_py_sibling(&validation, job->bench_result, "power_validation_", ".json")) {
		rc = diags_usagef(d, "--bench-result '%s' names no file", job->bench_result);
		goto done;
	}
	power_py_path(&bench_name, job->bench_result);
	power_py_path(&agg_name, job->agg_result);
	a.expected_sha = job->expected_producer_sha;

	/* _load_benchmark_data */
	bool have = is_file(job->bench_result) && read_text(&bench_text, job->bench_result);
	bool window = power_bench_read(&b, have ? bench_text.s : NULL, bench_text.len,
				       &bench_reasons);
	struct inputs in = { job, window && !bench_reasons.nr ? &b : NULL, bench_name.s };
	validate_and_integrate(&a, &p, &in);
	for (size_t i = 0; i < bench_reasons.nr; i++)
		reason_add(&a.reasons, bench_reasons.v[i]);
	if (!window || a.reasons.nr) {
		a.power_valid = false;
		a.nmetrics = 0;
	}
	if (!is_file(job->agg_result)) {
		add_reason(&a, "aggregate_result_missing", "aggregate missing: %s", agg_name.s);
		a.power_valid = false;
		a.nmetrics = 0;
	} else if (!patch_agg(job->agg_result, &a, &why)) {
		add_reason(&a, "aggregate_result_unwritable", "%s", why.s);
		a.power_valid = false;
		a.nmetrics = 0;
		diags_warnf(d, NULL, 0, 0, NULL, TAG " Failed to patch %s: %s", agg_name.s, why.s);
	}
	sidecar(&json, &a, &in, window ? &b : NULL);
	size_t mark = d->nr;
	if (file_write_atomic_mkdir(validation.s, json.s, json.len, d)) {
		const char *e = diags_first_error(d, mark);
		buf_addf(&msg, TAG " Failed to write validation artifact %s: %s", validation.s,
			 e ? e : "");
		diags_truncate(d, mark);
		if (job->require_power) {
			diags_errorf(d, NULL, 0, 0, NULL, "%s", msg.s);
			rc = 1;
		} else {
			diags_warnf(d, NULL, 0, 0, NULL, "%s", msg.s);
		}
		goto done;
	}
	if (!a.power_valid) {
		buf_adds(&msg, TAG " Power validation failed: ");
		for (size_t i = 0; i < a.reasons.nr; i++)
			buf_addf(&msg, "%s%s", i ? ", " : "", a.reasons.v[i]);
		buf_addf(&msg, " (details: %s)", validation.s);
		if (job->require_power) {
			diags_errorf(d, NULL, 0, 0, NULL, "%s", msg.s);
			rc = 1;
		} else {
			diags_warnf(d, NULL, 0, 0, NULL, "%s", msg.s);
		}
		goto done;
	}
	buf_addf(out, TAG " avg_power_w=%.2f total_gpu_energy_j=%.2f prefill_gpu_energy_j=%.2f "
		 "decode_gpu_energy_j=%.2f (n=%lld) -> %s\n", metric_or_zero(&a, "avg_power_w"),
		 metric_or_zero(&a, "total_gpu_energy_j"), metric_or_zero(&a, "prefill_gpu_energy_j"),
		 metric_or_zero(&a, "decode_gpu_energy_j"), a.expected_gpus, agg_name.s);
done:
	package_release(&p);
	strs_release(&a.failures);
	kv_release(&a.energy);
	kv_release(&a.role);
	kv_release(&a.gap);
	buf_release(&validation);
	buf_release(&bench_name);
	buf_release(&agg_name);
	buf_release(&bench_text);
	buf_release(&why);
	buf_release(&json);
	buf_release(&msg);
	return rc;
}
