/* env: see env.h. */
#include "executor/core/env.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/xalloc.h"
#include "executor/core/entry.h"
#include "executor/core/profile.h"

/* executor-spec 2.2's table, row for row and in its order, which is the order the recipe's
 * environment is written in (then the profile's env, the settings, the secrets). A row
 * takes its value from a field of the entry (string, int, bool), is a fixed text, or is
 * computed by a small named function; `executor process` reads the rows marked `back` from
 * the environment into an entry again (executor-spec 5: the existing processor's
 * variables), so both directions go through the same row. */
enum var_kind { V_STR, V_INT, V_BOOL, V_FIXED, V_FN };

/* What `executor process` without --entry does with a row. BACK_V2 rows are the variables
 * upstream's process_result.py at 843c6254f reads and the existing (v1) processor did not:
 * when any of the shape's is set, even empty, the run is a v2 one and every BACK_V2 row of
 * the shape is read, an unset one taking upstream's default (sizes 1, texts empty). */
enum var_back { BACK_NO, BACK_REQUIRED, BACK_V2 };

/* A V_FN row read back: value is the variable's text, NULL when unset. */
typedef int (*var_read_fn)(struct entry *e, const char *name, const char *value,
			   struct diags *d);

struct recipe_var {
	const char *name;
	unsigned shapes;   /* ENTRY_SINGLE | ENTRY_MULTI: the entries it is set for */
	enum var_kind kind;
	size_t off;        /* V_STR, V_INT, V_BOOL: the field of struct entry */
	const char *fixed; /* V_FIXED */
	void (*fn)(struct buf *out, const struct env_inputs *in); /* V_FN */
	enum var_back back; /* read back by `executor process` without --entry */
	bool v2;           /* set for v2 entries only (upstream 843c6254f's workflows) */
	var_read_fn read;  /* V_FN rows read back (BACK_V2) */
	bool zero_in_v2;   /* V_INT read back: 0 too when v2 (decode's num-worker: aggregated) */
};

static void conc_one(struct buf *out, const struct env_inputs *in)
{
	buf_addf(out, "%ld", in->entry->conc[0]);
}

/* the conc values joined by one space, in order */
static void conc_list(struct buf *out, const struct env_inputs *in)
{
	for (size_t i = 0; i < in->entry->conc_nr; i++)
		buf_addf(out, "%s%ld", i ? " " : "", in->entry->conc[i]);
}

static void result_filename(struct buf *out, const struct env_inputs *in)
{
	buf_adds(out, in->result_filename);
}

static void node_name(struct buf *out, const struct env_inputs *in)
{
	buf_adds(out, in->node);
}

static void profile_port(struct buf *out, const struct env_inputs *in)
{
	buf_addf(out, "%ld", in->profile->port);
}

static void result_dir(struct buf *out, const struct env_inputs *in)
{
	buf_adds(out, in->result_dir);
}

/* ---- v2 (benchmark-tmpl.yml, benchmark-multinode-tmpl.yml at 843c6254f): a variable
 * upstream sets from an input that the entry may leave out is set empty, or to the input's
 * default there ---- */

static void opt_text(struct buf *out, const char *s)
{
	if (s)
		buf_adds(out, s);
}

/* {"name": ..., "version": ...} on one line, version left out when not written; empty when
 * the component is not written */
static void component_json(struct buf *out, const struct entry_component *c)
{
	if (!c->name)
		return;
	struct jsonw w;
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_obj_open(&w);
	jsonw_key(&w, "name");
	jsonw_str(&w, c->name);
	if (c->version) {
		jsonw_key(&w, "version");
		jsonw_str(&w, c->version);
	}
	jsonw_obj_close(&w);
}

static void recipe_fingerprint(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->recipe_fingerprint);
}

static void router_metadata(struct buf *out, const struct env_inputs *in)
{
	component_json(out, &in->entry->router);
}

static void kv_p2p_transfer(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->kv_p2p_transfer);
}

static void eval_conc(struct buf *out, const struct env_inputs *in)
{
	if (in->entry->eval_conc)
		buf_addf(out, "%ld", in->entry->eval_conc);
}

static void scenario_type(struct buf *out, const struct env_inputs *in)
{
	buf_adds(out, in->entry->scenario_type ? in->entry->scenario_type : "fixed-seq-len");
}

static void kv_offloading(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->kv_offloading);
}

static void kv_offload_backend(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->kv_offload_backend.name);
}

static void kv_offload_backend_metadata(struct buf *out, const struct env_inputs *in)
{
	component_json(out, &in->entry->kv_offload_backend);
}

static void duration(struct buf *out, const struct env_inputs *in)
{
	buf_addf(out, "%ld", in->entry->duration ? in->entry->duration : 3600L);
}

static void gpu_count(struct buf *out, const struct env_inputs *in)
{
	buf_addf(out, "%ld", entry_gpu_count(in->entry));
}

static void prefill_hardware(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->prefill.hardware);
}

static void decode_hardware(struct buf *out, const struct env_inputs *in)
{
	opt_text(out, in->entry->decode.hardware);
}

/* ---- v2 rows read back (upstream's process_result.py at 843c6254f reads them with
 * os.environ.get: unset and empty are alike) ---- */

/* an owned copy of value, or NULL when unset or empty (upstream: falsy) */
static char *text_or_null(const char *value)
{
	return value && *value ? xstrdup(value) : NULL;
}

static int read_prefill_hardware(struct entry *e, const char *name, const char *value,
				 struct diags *d)
{
	(void)name, (void)d;
	e->prefill.hardware = text_or_null(value);
	return 0;
}

static int read_decode_hardware(struct entry *e, const char *name, const char *value,
				struct diags *d)
{
	(void)name, (void)d;
	e->decode.hardware = text_or_null(value);
	return 0;
}

/* any text, as upstream copies it (the entry reader's 64-digit rule is for entries) */
static int read_recipe_fingerprint(struct entry *e, const char *name, const char *value,
				   struct diags *d)
{
	(void)name, (void)d;
	e->recipe_fingerprint = text_or_null(value);
	return 0;
}

static int read_kv_p2p_transfer(struct entry *e, const char *name, const char *value,
				struct diags *d)
{
	(void)name, (void)d;
	e->kv_p2p_transfer = text_or_null(value);
	return 0;
}

static int router_refused(const char *name, const char *why, struct diags *d)
{
	return diags_errorf(d, NULL, 0, 0, NULL, "environment variable %s: %s", name, why);
}

/* upstream's get_optional_component_metadata: unset, "" or "null" is no router; else JSON,
 * an object whose keys are exactly name and version (a repeated key counts once, its last
 * value wins, as json.loads reads it), both non-empty strings. The written order of the two
 * keys is kept: upstream writes the dict json.loads made. */
static int read_router_metadata(struct entry *e, const char *name, const char *value,
				struct diags *d)
{
	if (!value || !*value || !strcmp(value, "null"))
		return 0;
	struct diags quiet = DIAGS_INIT;
	struct jnode *n = jtree_parse(value, strlen(value), name, &quiet);
	int rc = 0;
	if (!n) {
		struct buf why = BUF_INIT;
		if (quiet.nr)
			buf_addf(&why, "expected JSON, at %d:%d: %s", quiet.v[0].line,
				 quiet.v[0].col, quiet.v[0].msg);
		else
			buf_adds(&why, "expected JSON");
		rc = router_refused(name, why.s, d);
		buf_release(&why);
		goto done;
	}
	bool only_both = n->type == JT_OBJ && jobj_get(n, "name") && jobj_get(n, "version");
	for (size_t i = 0; only_both && i < n->nr; i++)
		only_both = n->members[i].key_len == strlen(n->members[i].key) &&
			    (!strcmp(n->members[i].key, "name") ||
			     !strcmp(n->members[i].key, "version"));
	if (!only_both) {
		rc = router_refused(name, "expected an object with exactly 'name' and 'version'", d);
		goto done;
	}
	const char *rname = jobj_str(n, "name"), *rversion = jobj_str(n, "version");
	if (!rname || !*rname || !rversion || !*rversion ||
	    strlen(rname) != jobj_get(n, "name")->len ||
	    strlen(rversion) != jobj_get(n, "version")->len) {
		rc = router_refused(name, "'name' and 'version' must be non-empty strings", d);
		goto done;
	}
	e->router.name = xstrdup(rname);
	e->router.version = xstrdup(rversion);
	e->router.version_first = !strcmp(n->members[0].key, "version");
done:
	diags_release(&quiet);
	jtree_free(n);
	return rc;
}

#define SN ENTRY_SINGLE
#define MN ENTRY_MULTI
#define FIELD(name, shapes, kind, f, back) { name, shapes, kind, offsetof(struct entry, f), NULL, NULL, back ? BACK_REQUIRED : BACK_NO, false, NULL, false }
#define FIXED(name, shapes, text) { name, shapes, V_FIXED, 0, text, NULL, BACK_NO, false, NULL, false }
#define FN(name, shapes, fn) { name, shapes, V_FN, 0, NULL, fn, BACK_NO, false, NULL, false }
#define FIELD2(name, shapes, kind, f) { name, shapes, kind, offsetof(struct entry, f), NULL, NULL, BACK_NO, true, NULL, false }
#define FN2(name, shapes, fn) { name, shapes, V_FN, 0, NULL, fn, BACK_NO, true, NULL, false }
/* v2 rows that `executor process` reads back (upstream's process_result.py) */
#define SIZE2(name, shapes, f) { name, shapes, V_INT, offsetof(struct entry, f), NULL, NULL, BACK_V2, true, NULL, false }
#define FNBACK2(name, shapes, fn, rd) { name, shapes, V_FN, 0, NULL, fn, BACK_V2, true, rd, false }
static const struct recipe_var recipe_vars[] = {
	FIELD("EXP_NAME", SN | MN, V_STR, exp_name, false),
	FIELD("MODEL", SN | MN, V_STR, model, false),
	FIELD("MODEL_PREFIX", SN | MN, V_STR, model_prefix, true),
	FIELD("IMAGE", SN | MN, V_STR, image, true),
	FIELD("FRAMEWORK", SN | MN, V_STR, framework, true),
	FIELD("PRECISION", SN | MN, V_STR, precision, true),
	FIELD("ISL", SN | MN, V_INT, isl, true),
	FIELD("OSL", SN | MN, V_INT, osl, true),
	FIELD("MAX_MODEL_LEN", SN | MN, V_INT, max_model_len, false),
	FIELD("SPEC_DECODING", SN | MN, V_STR, spec_decoding, true),
	FIELD("DISAGG", SN | MN, V_BOOL, disagg, true),
	FIELD("TP", SN, V_INT, tp, true),
	FIELD("EP_SIZE", SN, V_INT, ep, true),
	FIELD("DP_ATTENTION", SN, V_BOOL, dp_attn, true),
	FN("CONC", SN, conc_one),
	FIELD("RUN_EVAL", SN, V_BOOL, run_eval, false),
	FN("CONC_LIST", MN, conc_list),
	FIELD("PREFILL_NUM_WORKERS", MN, V_INT, prefill.num_worker, true),
	FIELD("PREFILL_TP", MN, V_INT, prefill.tp, true),
	FIELD("PREFILL_EP", MN, V_INT, prefill.ep, true),
	FIELD("PREFILL_DP_ATTN", MN, V_BOOL, prefill.dp_attn, true),
	{ "DECODE_NUM_WORKERS", MN, V_INT, offsetof(struct entry, decode.num_worker), NULL, NULL,
	  BACK_REQUIRED, false, NULL, true },
	FIELD("DECODE_TP", MN, V_INT, decode.tp, true),
	FIELD("DECODE_EP", MN, V_INT, decode.ep, true),
	FIELD("DECODE_DP_ATTN", MN, V_BOOL, decode.dp_attn, true),
	/* read back first, on its own: it picks the shape (unset: single-node) */
	FIELD("IS_MULTINODE", MN, V_BOOL, multinode, false),
	FIXED("RANDOM_RANGE_RATIO", SN | MN, "0.8"),
	/* multi-node: only from the profile's env */
	FIXED("HF_HUB_CACHE", SN, "/mnt/hf_hub_cache/"),
	FN("RESULT_FILENAME", SN | MN, result_filename),
	FIELD("RUNNER_TYPE", SN | MN, V_STR, runner, true),
	FN("RUNNER_NAME", SN | MN, node_name),
	FN("PORT", SN | MN, profile_port),
	FN("RESULT_DIR", SN | MN, result_dir),
	/* v2 entries only */
	SIZE2("PP_SIZE", SN, pp),
	SIZE2("DCP_SIZE", SN, dcp_size),
	SIZE2("PCP_SIZE", SN, pcp_size),
	FN2("GPU_COUNT", SN, gpu_count),
	SIZE2("PREFILL_PP_SIZE", MN, prefill.pp),
	SIZE2("PREFILL_DCP_SIZE", MN, prefill.dcp_size),
	SIZE2("PREFILL_PCP_SIZE", MN, prefill.pcp_size),
	FNBACK2("PREFILL_HARDWARE", MN, prefill_hardware, read_prefill_hardware),
	SIZE2("DECODE_PP_SIZE", MN, decode.pp),
	SIZE2("DECODE_DCP_SIZE", MN, decode.dcp_size),
	SIZE2("DECODE_PCP_SIZE", MN, decode.pcp_size),
	FNBACK2("DECODE_HARDWARE", MN, decode_hardware, read_decode_hardware),
	FNBACK2("RECIPE_FINGERPRINT", SN | MN, recipe_fingerprint, read_recipe_fingerprint),
	FNBACK2("ROUTER_METADATA", SN | MN, router_metadata, read_router_metadata),
	FNBACK2("KV_P2P_TRANSFER", SN | MN, kv_p2p_transfer, read_kv_p2p_transfer),
	FIELD2("EVAL_ONLY", SN | MN, V_BOOL, eval_only),
	FN2("EVAL_CONC", MN, eval_conc),
	FN2("SCENARIO_TYPE", SN | MN, scenario_type),
	FN2("KV_OFFLOADING", SN | MN, kv_offloading),
	FN2("KV_OFFLOAD_BACKEND", SN | MN, kv_offload_backend),
	FN2("KV_OFFLOAD_BACKEND_METADATA", SN | MN, kv_offload_backend_metadata),
	FIELD2("TOTAL_CPU_DRAM_GB", SN | MN, V_INT, total_cpu_dram_gb),
	FN2("DURATION", SN | MN, duration),
};
#undef FIELD
#undef FIXED
#undef FN
#undef FIELD2
#undef FN2
#undef SIZE2
#undef FNBACK2
#define RECIPE_VARS_NR (sizeof(recipe_vars) / sizeof(recipe_vars[0]))

const char *env_var_name(size_t i)
{
	return i < RECIPE_VARS_NR ? recipe_vars[i].name : NULL;
}

bool env_name_reserved(const char *name)
{
	for (size_t i = 0; i < RECIPE_VARS_NR; i++)
		if (!strcmp(recipe_vars[i].name, name))
			return true;
	return false;
}

bool env_name_valid(const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

/* Sets NAME=VALUE, replacing an earlier value in place (a name appears once). */
static void env_set(struct run_env *e, const char *name, const char *value)
{
	size_t n = strlen(name);
	struct buf kv = BUF_INIT;
	buf_addf(&kv, "%s=%s", name, value);
	for (size_t i = 0; i < e->vars.nr; i++) {
		if (!strncmp(e->vars.v[i], name, n) && e->vars.v[i][n] == '=') {
			free((char *)e->vars.v[i]);
			e->vars.v[i] = buf_take(&kv, NULL);
			return;
		}
	}
	VEC_PUSH(&e->vars, buf_take(&kv, NULL));
}

const char *env_bool_text(bool b)
{
	return b ? "true" : "false";
}

const char *env_get(const struct run_env *e, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < e->vars.nr; i++)
		if (!strncmp(e->vars.v[i], name, n) && e->vars.v[i][n] == '=')
			return e->vars.v[i] + n + 1;
	return NULL;
}

static bool is_secret_name(const struct strvec *secrets, const char *name)
{
	for (size_t i = 0; secrets && i < secrets->nr; i++)
		if (!strcmp(secrets->v[i], name))
			return true;
	return false;
}

/* Additional settings: checked at entry_parse except against the secret names. */
static int add_settings(struct run_env *e, const struct entry_worker *w, const char *side,
			const struct strvec *secret_env, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < w->settings_nr; i++) {
		const struct entry_setting *s = &w->settings[i];
		if (is_secret_name(secret_env, s->name) || !strcmp(s->name, "HF_TOKEN")) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "%s.additional-settings[%zu]: '%s' is a secret's name; a "
					  "setting may not set it", side, i, s->name);
			continue;
		}
		env_set(e, s->name, s->value);
	}
	return rc;
}

/* The row's value for this entry, appended to out. */
static void var_value(struct buf *out, const struct recipe_var *v, const struct env_inputs *in)
{
	const char *field = (const char *)in->entry + v->off;
	switch (v->kind) {
	case V_STR: buf_adds(out, *(char *const *)field); break;
	case V_INT: buf_addf(out, "%ld", *(const long *)field); break;
	case V_BOOL: buf_adds(out, env_bool_text(*(const bool *)field)); break;
	case V_FIXED: buf_adds(out, v->fixed); break;
	case V_FN: v->fn(out, in); break;
	}
}

static void table_vars(struct run_env *e, const struct env_inputs *in)
{
	unsigned shape = in->entry->multinode ? ENTRY_MULTI : ENTRY_SINGLE;
	struct buf value = BUF_INIT;
	for (size_t i = 0; i < RECIPE_VARS_NR; i++) {
		if (!(recipe_vars[i].shapes & shape) || (recipe_vars[i].v2 && !in->entry->v2))
			continue;
		buf_reset(&value);
		var_value(&value, &recipe_vars[i], in);
		env_set(e, recipe_vars[i].name, value.s);
	}
	buf_release(&value);
}

int entry_to_env(struct run_env *out, const struct env_inputs *in, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	table_vars(out, in);
	for (size_t i = 0; i < in->profile->env_nr; i++)
		env_set(out, in->profile->env[i].key, in->profile->env[i].value);
	int rc = 0;
	if (in->entry->multinode) {
		rc |= add_settings(out, &in->entry->prefill, "prefill", in->secret_env, d);
		rc |= add_settings(out, &in->entry->decode, "decode", in->secret_env, d);
	}
	static const char *const hf = "HF_TOKEN";
	const char *v = getenv(hf);
	if (v) {
		env_set(out, hf, v);
		VEC_PUSH(&out->secrets, hf);
	}
	for (size_t i = 0; in->secret_env && i < in->secret_env->nr; i++) {
		const char *name = in->secret_env->v[i];
		VEC_PUSH(&out->secrets, name);
		const char *val = getenv(name);
		if (!val) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "--secret-env %s: the variable is not set in the "
					  "executor's environment", name);
			continue;
		}
		env_set(out, name, val);
	}
	return rc ? -1 : 0;
}

void env_release(struct run_env *e)
{
	for (size_t i = 0; i < e->vars.nr; i++)
		free((char *)e->vars.v[i]);
	free(e->vars.v);
	free(e->secrets.v);
	memset(e, 0, sizeof(*e));
}

/* ---- the other direction: `executor process` without --entry (executor-spec 5) ---- */

static int not_set(const char *name, struct diags *d)
{
	return diags_errorf(d, NULL, 0, 0, NULL, "environment variable %s is not set (it is read "
			    "when --entry is not given)", name);
}

/* An integer >= min (0 or 1) in decimal digits, no sign, spaces or leading zero. */
static int read_int_min(long *out, const char *name, long min, struct diags *d)
{
	const char *v = getenv(name);
	if (!v)
		return not_set(name, d);
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	bool zero = min == 0 && !strcmp(v, "0");
	if ((!zero && (*v < '1' || *v > '9')) || *end || errno)
		return diags_errorf(d, NULL, 0, 0, NULL, "environment variable %s: expected an "
				    "integer >= %ld, found '%s'", name, min, v);
	*out = n;
	return 0;
}

int env_read_int(long *out, const char *name, struct diags *d)
{
	return read_int_min(out, name, 1, d);
}

int env_read_count(long *out, const char *name, struct diags *d)
{
	return read_int_min(out, name, 0, d);
}

static int read_bool(bool *out, const char *name, struct diags *d)
{
	const char *v = getenv(name);
	if (!v)
		return not_set(name, d);
	if (strcmp(v, "true") && strcmp(v, "false"))
		return diags_errorf(d, NULL, 0, 0, NULL, "environment variable %s: expected true or "
				    "false, found '%s'", name, v);
	*out = !strcmp(v, "true");
	return 0;
}

static int read_var(struct entry *e, const struct recipe_var *v, struct diags *d)
{
	char *field = (char *)e + v->off;
	const char *s;
	switch (v->kind) {
	case V_STR:
		if (!(s = getenv(v->name)))
			return not_set(v->name, d);
		*(char **)field = xstrdup(s);
		return 0;
	case V_INT:
		return read_int_min((long *)field, v->name, v->zero_in_v2 && e->v2 ? 0 : 1, d);
	case V_BOOL:
		return read_bool((bool *)field, v->name, d);
	case V_FIXED:
	case V_FN:
		break;
	}
	return 0;
}

/* The row of the entry's bool field at off (IS_MULTINODE, DISAGG). */
static const struct recipe_var *bool_row(size_t off)
{
	for (size_t i = 0; i < RECIPE_VARS_NR; i++)
		if (recipe_vars[i].kind == V_BOOL && recipe_vars[i].off == off)
			return &recipe_vars[i];
	return NULL;
}

/* A BACK_V2 row: unset takes upstream's default (sizes 1; texts absent). */
static int read_v2_var(struct entry *e, const struct recipe_var *v, struct diags *d)
{
	const char *value = getenv(v->name);
	if (v->kind == V_FN)
		return v->read(e, v->name, value, d);
	if (!value) {
		*(long *)((char *)e + v->off) = 1;
		return 0;
	}
	return read_var(e, v, d);
}

/* Whether any BACK_V2 row of the shape is set, empty included. */
static bool v2_vars_set(unsigned shape)
{
	for (size_t i = 0; i < RECIPE_VARS_NR; i++)
		if (recipe_vars[i].back == BACK_V2 && (recipe_vars[i].shapes & shape) &&
		    getenv(recipe_vars[i].name))
			return true;
	return false;
}

int env_read_entry(struct entry *out, struct diags *d)
{
	entry_init(out);
	int rc = 0;
	const struct recipe_var *shape = bool_row(offsetof(struct entry, multinode));
	if (getenv(shape->name))
		rc |= read_var(out, shape, d);
	unsigned want = out->multinode ? ENTRY_MULTI : ENTRY_SINGLE;
	out->v2 = v2_vars_set(want);
	for (size_t i = 0; i < RECIPE_VARS_NR; i++) {
		const struct recipe_var *v = &recipe_vars[i];
		if (!(v->shapes & want))
			continue;
		if (v->back == BACK_REQUIRED)
			rc |= read_var(out, v, d);
		else if (v->back == BACK_V2 && out->v2)
			rc |= read_v2_var(out, v, d);
	}
	if (!rc && !out->multinode && out->disagg)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "%s=true needs %s=true: a single-node run "
				  "cannot be disaggregated",
				  bool_row(offsetof(struct entry, disagg))->name, shape->name);
	/* upstream: "PREFILL_HARDWARE and DECODE_HARDWARE must be specified together" */
	if (!rc && out->multinode && !out->prefill.hardware != !out->decode.hardware)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "environment variables PREFILL_HARDWARE and "
				  "DECODE_HARDWARE go together: both set and not empty, or "
				  "neither");
	if (rc)
		entry_release(out);
	return rc ? -1 : 0;
}

void env_read_names(struct buf *out, unsigned shapes, bool v2)
{
	const char *sep = "";
	for (size_t i = 0; i < RECIPE_VARS_NR; i++) {
		if (recipe_vars[i].back == (v2 ? BACK_V2 : BACK_REQUIRED) &&
		    recipe_vars[i].shapes == shapes) {
			buf_addf(out, "%s%s", sep, recipe_vars[i].name);
			sep = " ";
		}
	}
}
