/* config: see config.h. The tables below are matrix-spec 1.1-1.4, row for row. */
#include "matrixgen/config.h"
#include "matrixgen/inputs.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/fileio.h"
#include "common/par.h"
#include "common/scalar.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "matrixgen/keymatch.h"

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* ---- worker config (multi-node prefill / decode) ----
 * Row i is common/entry_keys' worker key i: a worker's hdr.order (keys as written) is
 * written back by emit.c as entry_worker_keys indexes. */
static const struct sfield worker_fields[EWK_NR] = {
	[EWK_NUM_WORKER] = { "num-worker", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct worker, num_worker), 0, NULL, NULL },
	[EWK_TP] = { "tp", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct worker, tp), 0, NULL, NULL },
	[EWK_EP] = { "ep", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct worker, ep), 0, NULL, NULL },
	[EWK_DP_ATTN] = { "dp-attn", SF_BOOL, SF_REQUIRED, 0, 0, NULL, offsetof(struct worker, dp_attn), 0, NULL, NULL },
	[EWK_SETTINGS] = { "additional-settings", SF_STR_LIST, 0, 0, 0, NULL, offsetof(struct worker, settings),
			   offsetof(struct worker, settings_nr), NULL, NULL },
};
static const struct schema worker_schema = { "a worker config", worker_fields, NR(worker_fields),
					     sizeof(struct worker), NULL };

/* ---- search-space items ---- */

/* Concurrency, v1 and v2 alike (config.h): exactly one of (conc-start and conc-end) or
 * conc-list; start <= end. */
int config_check_conc(const struct ynode *map, long conc_start, long conc_end,
		      struct schema_ctx *ctx)
{
	bool start = ynode_get(map, "conc-start"), end = ynode_get(map, "conc-end");
	bool list = ynode_get(map, "conc-list");
	if (start != end)
		return schema_errorf(ctx, map, "conc-start and conc-end must be given together, "
					       "found only %s", start ? "conc-start" : "conc-end");
	if (start && list)
		return schema_errorf(ctx, map, "expected either conc-start/conc-end or conc-list, "
					       "found both");
	if (!start && !list)
		return schema_errorf(ctx, map, "missing concurrency: expected conc-start and "
					       "conc-end, or conc-list");
	if (start && conc_start > conc_end) {
		size_t old = schema_path_push_key(ctx, "conc-start");
		schema_errorf(ctx, ynode_get(map, "conc-start"),
			      "expected conc-start <= conc-end, found %ld > %ld", conc_start, conc_end);
		schema_path_pop(ctx, old);
		return -1;
	}
	return 0;
}

static int check_conc(void *rec, struct schema_ctx *ctx)
{
	const struct search_item *it = rec;
	return config_check_conc(it->hdr.node, it->conc_start, it->conc_end, ctx);
}

#define ITEM_CONC_FIELDS                                                                          \
	{ "conc-start", SF_INT, 0, 1, ENTRY_CONC_MAX, NULL, offsetof(struct search_item, conc_start), 0, NULL, NULL }, \
	{ "conc-end", SF_INT, 0, 1, ENTRY_CONC_MAX, NULL, offsetof(struct search_item, conc_end), 0, NULL, NULL },     \
	{ "conc-list", SF_INT_LIST, SF_NONEMPTY, 1, ENTRY_CONC_MAX, NULL, offsetof(struct search_item, conc_list),     \
	  offsetof(struct search_item, conc_list_nr), NULL, NULL }

static const struct sfield single_item_fields[] = {
	{ "tp", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct search_item, tp), 0, NULL, NULL },
	{ "ep", SF_INT, 0, 1, 0, NULL, offsetof(struct search_item, ep), 0, NULL, NULL },
	{ "dp-attn", SF_BOOL, 0, 0, 0, NULL, offsetof(struct search_item, dp_attn), 0, NULL, NULL },
	{ "spec-decoding", SF_ENUM, 0, 0, 0, entry_spec_values, offsetof(struct search_item, spec), 0, NULL, NULL },
	ITEM_CONC_FIELDS,
};
static const struct schema single_item_schema = { "a single-node search-space item",
						  single_item_fields, NR(single_item_fields),
						  sizeof(struct search_item), check_conc };

static const struct sfield multi_item_fields[] = {
	{ "spec-decoding", SF_ENUM, 0, 0, 0, entry_spec_values, offsetof(struct search_item, spec), 0, NULL, NULL },
	{ "prefill", SF_RECORD, SF_REQUIRED, 0, 0, NULL, offsetof(struct search_item, prefill), 0, &worker_schema, NULL },
	{ "decode", SF_RECORD, SF_REQUIRED, 0, 0, NULL, offsetof(struct search_item, decode), 0, &worker_schema, NULL },
	ITEM_CONC_FIELDS,
};
static const struct schema multi_item_schema = { "a multi-node search-space item",
						 multi_item_fields, NR(multi_item_fields),
						 sizeof(struct search_item), check_conc };

/* ---- seq-len configs ---- */
#define SEQ_LEN_FIELDS(item_schema)                                                               \
	{ "isl", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct seq_len, isl), 0, NULL, NULL },         \
	{ "osl", SF_INT, SF_REQUIRED, 1, 0, NULL, offsetof(struct seq_len, osl), 0, NULL, NULL },         \
	{ "search-space", SF_RECORD_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL,                          \
	  offsetof(struct seq_len, items), offsetof(struct seq_len, items_nr), &item_schema, NULL }

static const struct sfield single_seq_fields[] = { SEQ_LEN_FIELDS(single_item_schema) };
static const struct sfield multi_seq_fields[] = { SEQ_LEN_FIELDS(multi_item_schema) };
static const struct schema single_seq_schema = { "a seq-len config", single_seq_fields,
						 NR(single_seq_fields), sizeof(struct seq_len), NULL };
static const struct schema multi_seq_schema = { "a seq-len config", multi_seq_fields,
						NR(multi_seq_fields), sizeof(struct seq_len), NULL };

/* ---- master config entries: the seq-len schema follows `multinode` ---- */
#define CONFIG_FIELDS(seq_schema)                                                                 \
	{ "image", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, image), 0, NULL, NULL }, \
	{ "model", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, model), 0, NULL, NULL }, \
	{ "model-prefix", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, model_prefix), 0, NULL, NULL }, \
	{ "precision", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, precision), 0, NULL, NULL }, \
	{ "framework", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, framework), 0, NULL, NULL }, \
	{ "runner", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, runner), 0, NULL, NULL }, \
	{ "multinode", SF_BOOL, SF_REQUIRED, 0, 0, NULL, offsetof(struct config, multinode), 0, NULL, NULL }, \
	{ "disagg", SF_BOOL, 0, 0, 0, NULL, offsetof(struct config, disagg), 0, NULL, NULL },            \
	{ "seq-len-configs", SF_RECORD_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL,                        \
	  offsetof(struct config, seq_lens), offsetof(struct config, seq_lens_nr), &seq_schema, NULL }

static const struct sfield single_config_fields[] = { CONFIG_FIELDS(single_seq_schema) };
static const struct sfield multi_config_fields[] = { CONFIG_FIELDS(multi_seq_schema) };
static const struct schema single_config_schema = { "a master config entry", single_config_fields,
						    NR(single_config_fields), sizeof(struct config), NULL };
static const struct schema multi_config_schema = { "a master config entry", multi_config_fields,
						   NR(multi_config_fields), sizeof(struct config), NULL };

/* ---- perf changelog entries ---- */
/* the v1 entry's fields, which v2 entries have too */
#define CHANGELOG_FIELDS \
		{ "config-keys", SF_STR_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, \
		  offsetof(struct changelog_entry, keys), offsetof(struct changelog_entry, keys_nr), NULL, NULL }, \
		{ "description", SF_STR_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, \
		  offsetof(struct changelog_entry, description), \
		  offsetof(struct changelog_entry, description_nr), NULL, NULL }, \
		{ "pr-link", SF_STR, SF_REQUIRED, 0, 0, NULL, offsetof(struct changelog_entry, pr_link), 0, NULL, NULL }, \
		{ "evals-only", SF_BOOL, 0, 0, 0, NULL, offsetof(struct changelog_entry, evals_only), 0, NULL, NULL },
static const struct sfield changelog_fields[] = { CHANGELOG_FIELDS };
static const struct schema changelog_schema = { "a changelog entry", changelog_fields,
						NR(changelog_fields), sizeof(struct changelog_entry),
						NULL };

/* v2 (upstream 843c6254f's ChangelogEntry): four more fields, one rule between them */
static int changelog_v2_check(void *rec, struct schema_ctx *ctx)
{
	struct changelog_entry *e = rec;
	int rc = 0;
	for (size_t i = 0; i < e->scenario_types_nr; i++) {
		size_t k = 0;
		while (scenario_type_choices[k] && strcmp(scenario_type_choices[k], e->scenario_types[i]))
			k++;
		if (!scenario_type_choices[k]) {
			size_t old = schema_path_push_key(ctx, "scenario-type");
			schema_path_push_index(ctx, i);
			rc = schema_errorf(ctx, ynode_get(e->hdr.node, "scenario-type")->items[i],
					   "expected one of fixed-seq-len, agentic-coding, found '%s'",
					   e->scenario_types[i]);
			schema_path_pop(ctx, old);
		}
	}
	if (e->append_only && (e->evals_only || e->all_evals || e->eval_min_prefill_ep))
		rc = schema_errorf(ctx, e->hdr.node,
				   "append-only cannot be combined with eval selection fields "
				   "(evals-only, all-evals, eval-min-prefill-ep)");
	return rc;
}

static const struct sfield changelog_v2_fields[] = {
	CHANGELOG_FIELDS
	{ "all-evals", SF_BOOL, 0, 0, 0, NULL, offsetof(struct changelog_entry, all_evals), 0, NULL, NULL },
	{ "append-only", SF_BOOL, 0, 0, 0, NULL, offsetof(struct changelog_entry, append_only), 0, NULL, NULL },
	{ "eval-min-prefill-ep", SF_INT, 0, 1, 0, NULL,
	  offsetof(struct changelog_entry, eval_min_prefill_ep), 0, NULL, NULL },
	{ "scenario-type", SF_STR_LIST, SF_NONEMPTY, 0, 0, NULL,
	  offsetof(struct changelog_entry, scenario_types),
	  offsetof(struct changelog_entry, scenario_types_nr), NULL, NULL },
};
/* also releases v1 records: the same lists and one more, NULL there */
static const struct schema changelog_v2_schema = { "a changelog entry", changelog_v2_fields,
						   NR(changelog_v2_fields),
						   sizeof(struct changelog_entry), changelog_v2_check };

static const struct schema *config_schema(const struct config *c)
{
	if (c->layout == LAYOUT_V2)
		return config_v2_schema(c->multinode);
	return c->multinode ? &multi_config_schema : &single_config_schema;
}

void inputs_init(struct inputs *in)
{
	memset(in, 0, sizeof(*in));
}

void inputs_release(struct inputs *in)
{
	for (size_t i = 0; i < in->configs_nr; i++)
		schema_release(&in->configs[i], config_schema(&in->configs[i]));
	free(in->configs);
	strindex_release(&in->config_index);
	for (size_t i = 0; i < in->runners_nr; i++)
		free(in->runners[i].nodes);
	free(in->runners);
	free(in->hardware);
	for (size_t i = 0; i < in->changelog_nr; i++)
		schema_release(&in->changelog[i], &changelog_v2_schema);
	free(in->changelog);
	for (size_t i = 0; i < in->docs_nr; i++)
		ydoc_release(&in->docs[i]);
	free(in->docs);
	inputs_init(in);
}

/* Parses text into a new document owned by in; returns its root (NULL on failure or when
 * the document is empty; a failure adds diags). */
static const struct ynode *load_doc(struct inputs *in, const char *name, const char *text,
				    size_t len, struct diags *d, int *failed)
{
	VEC_GROW(in->docs, in->docs_nr + 1, in->docs_alloc);
	struct ydoc *doc = &in->docs[in->docs_nr++];
	*failed = ydoc_load(doc, name, text, len, d) < 0;
	return *failed ? NULL : doc->root;
}

typedef int text_loader(struct inputs *in, const char *name, const char *text, size_t len,
			struct diags *d);

static int load_file(struct inputs *in, const char *path, struct diags *d, text_loader *fn)
{
	struct file_view text;
	int rc = file_view_open(&text, path, d);
	if (!rc)
		rc = fn(in, path, text.data, text.len, d);
	file_view_release(&text);
	return rc;
}

/* Top level of a file: must be a mapping (or, for the changelog, a list). */
static int expect_root(const char *file, const struct ynode *root, enum ynode_kind kind,
		       const char *what, struct diags *d)
{
	if (!root)
		return diags_errorf(d, file, 1, 1, NULL, "expected %s, found an empty document",
				    what);
	if (root->kind != kind) {
		struct buf found = BUF_INIT;
		scalar_describe(&found, root);
		diags_errorf(d, file, root->line, root->col, NULL, "expected %s, found %s", what,
			     found.s);
		buf_release(&found);
		return -1;
	}
	return 0;
}

const struct config *inputs_config(const struct inputs *in, const char *key)
{
	size_t at = strindex_find(&in->config_index, key, strlen(key));
	return at == STRINDEX_NONE ? NULL : &in->configs[at];
}

/* v1 refuses '*' and '?' in keys; v2 (upstream 843c6254f) only '*'. */
static int check_config_key(const struct inputs *in, const struct ynode *k,
			    enum config_layout layout, struct schema_ctx *ctx)
{
	if (scalar_classify(k) != SC_STRING || !*k->str) {
		struct buf found = BUF_INIT;
		scalar_describe(&found, k);
		schema_errorf(ctx, k, "expected a config key (a non-empty string), found %s", found.s);
		buf_release(&found);
		return -1;
	}
	int rc = 0;
	if (layout == LAYOUT_V2 && strchr(k->str, '*'))
		rc = schema_errorf(ctx, k, "config keys may not contain '*' (reserved for "
					   "patterns), found '%s'", k->str);
	else if (layout == LAYOUT_V1 && key_is_pattern(k->str))
		rc = schema_errorf(ctx, k, "config keys may not contain '*' or '?' (reserved for "
					   "patterns), found '%s'", k->str);
	const struct config *prev = inputs_config(in, k->str);
	if (prev)
		rc = schema_errorf(ctx, k, "duplicate config key, first defined at %s:%d:%d",
				   prev->file, prev->key_node->line, prev->key_node->col);
	return rc;
}

/* One config of a file: its record and its own messages. The schema loads of a big file's
 * configs are shared out between two threads (par.h) and merged in file order after, so
 * the messages come out as one pass would write them. */
struct config_load {
	const struct ynode *key, *value;
	bool key_ok;       /* check_config_key passed: the config is kept */
	struct config c;
	struct diags d;
};

struct config_jobs {
	struct config_load *v;
	enum config_layout layout;
	const char *file;
};

static void load_config(void *arg, size_t i)
{
	const struct config_jobs *jobs = arg;
	struct config_load *job = &jobs->v[i];
	if (!job->key_ok)
		return;
	struct config *c = &job->c;
	const struct ynode *v = job->value;
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, jobs->file, &job->d);
	size_t old = schema_path_push_key(&ctx, job->key->str);
	c->layout = jobs->layout;
	/* `multinode` decides the schema of the search space, so it is read first */
	const struct ynode *mn = v->kind == YNODE_MAP ? ynode_get(v, "multinode") : NULL;
	c->multinode = mn && scalar_classify(mn) == SC_BOOL && mn->str[0] == 't';
	schema_load(c, config_schema(c), v, &ctx);
	c->key = job->key->str;
	c->key_node = job->key;
	c->file = jobs->file;
	for (size_t s = 0; s < c->seq_lens_nr; s++)
		for (size_t t = 0; t < c->seq_lens[s].items_nr; t++)
			if (!c->seq_lens[s].items[t].spec)
				c->seq_lens[s].items[t].spec = "none";
	schema_path_pop(&ctx, old);
	schema_ctx_release(&ctx);
}

int inputs_load_configs(struct inputs *in, const char *path, struct diags *d)
{
	return load_file(in, path, d, inputs_load_configs_text);
}

int inputs_load_configs_text(struct inputs *in, const char *path, const char *text, size_t len,
			     struct diags *d)
{
	int failed;
	const struct ynode *root = load_doc(in, path, text, len, d, &failed);
	if (failed)
		return -1;
	if (expect_root(path, root, YNODE_MAP, "a mapping of config keys to entries", d))
		return -1;
	const char *file = in->docs[in->docs_nr - 1].file;
	enum config_layout layout = config_doc_is_v2(root) ? LAYOUT_V2 : LAYOUT_V1;
	if (in->layout && layout != in->layout)
		return diags_errorf(d, file, root->line, root->col, NULL,
				    "expected a %s master config like '%s' (one run reads one "
				    "layout), found the %s layout",
				    in->layout == LAYOUT_V2 ? "v2 (scenarios)" : "v1 (seq-len-configs)",
				    in->layout_file,
				    layout == LAYOUT_V2 ? "v2 (scenarios)" : "v1 (seq-len-configs)");
	if (!in->layout) {
		in->layout = layout;
		in->layout_file = file;
	}
	size_t n = root->nr;
	struct config_load *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, file, NULL);
	for (size_t i = 0; i < n; i++) {
		jobs[i].key = root->pairs[i].key;
		jobs[i].value = root->pairs[i].value;
		ctx.d = &jobs[i].d;
		size_t old = schema_path_push_key(&ctx, jobs[i].key->str);
		jobs[i].key_ok = !check_config_key(in, jobs[i].key, layout, &ctx);
		schema_path_pop(&ctx, old);
	}
	schema_ctx_release(&ctx);
	struct config_jobs all = { jobs, layout, file };
	par_for(n, load_config, &all, root->expanded >= PAR_WORTH_NODES);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].d.errors || !jobs[i].key_ok)
			rc = -1;
		diags_move(d, &jobs[i].d);
		if (!jobs[i].key_ok)
			continue;
		struct config *c = &jobs[i].c;
		VEC_GROW(in->configs, in->configs_nr + 1, in->configs_alloc);
		strindex_add(&in->config_index, c->key, strlen(c->key), in->configs_nr);
		in->configs[in->configs_nr++] = *c;
	}
	free(jobs);
	return rc;
}

int inputs_load_runners(struct inputs *in, const char *path, struct diags *d)
{
	return load_file(in, path, d, inputs_load_runners_text);
}

int inputs_load_runners_text(struct inputs *in, const char *path, const char *text, size_t len,
			     struct diags *d)
{
	int failed;
	const struct ynode *root = load_doc(in, path, text, len, d, &failed);
	if (failed)
		return -1;
	if (expect_root(path, root, YNODE_MAP, "a mapping of runner types to node lists", d))
		return -1;
	in->runner_file = path;
	if (runners_doc_is_v2(root))
		return runners_v2_load(in, in->docs[in->docs_nr - 1].file, root, d);
	in->runner_layout = LAYOUT_V1;
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, in->docs[in->docs_nr - 1].file, d);
	static const struct sfield nodes_field = { "nodes", SF_STR_LIST, SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL,
						   offsetof(struct runner_type, nodes),
						   offsetof(struct runner_type, nodes_nr), NULL, NULL };
	int rc = 0;
	for (size_t i = 0; i < root->nr; i++) {
		const struct ynode *k = root->pairs[i].key, *v = root->pairs[i].value;
		size_t old = schema_path_push_key(&ctx, k->str);
		struct runner_type r = { .name = k->str };
		if (scalar_classify(k) != SC_STRING || !*k->str) {
			struct buf found = BUF_INIT;
			scalar_describe(&found, k);
			rc = schema_errorf(&ctx, k, "expected a runner type (a non-empty string), "
						    "found %s", found.s);
			buf_release(&found);
		}
		if (schema_value(&r, &nodes_field, v, &ctx))
			rc = -1;
		for (size_t n = 0; n < r.nodes_nr; n++) {
			if (r.nodes[n] && !*r.nodes[n]) {
				size_t o2 = schema_path_push_index(&ctx, n);
				rc = schema_errorf(&ctx, v->items[n], "expected a node name, found \"\"");
				schema_path_pop(&ctx, o2);
			}
		}
		VEC_GROW(in->runners, in->runners_nr + 1, in->runners_alloc);
		in->runners[in->runners_nr++] = r;
		schema_path_pop(&ctx, old);
	}
	schema_ctx_release(&ctx);
	return rc;
}

int inputs_load_changelog(struct inputs *in, const char *name, const char *text, size_t len,
			  struct diags *d)
{
	int failed;
	const struct ynode *root = load_doc(in, name, text, len, d, &failed);
	if (failed)
		return -1;
	/* an empty stream, `null` or `[]` has no entries; the caller decides if that is wrong */
	if (!root || (root->kind == YNODE_SCALAR && scalar_classify(root) == SC_NULL))
		return 0;
	if (expect_root(name, root, YNODE_SEQ, "a list of changelog entries", d))
		return -1;
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, in->docs[in->docs_nr - 1].file, d);
	in->changelog = xcalloc(root->nr, sizeof(*in->changelog));
	in->changelog_nr = root->nr;
	int rc = 0;
	for (size_t i = 0; i < root->nr; i++) {
		size_t old = schema_path_push_index(&ctx, i);
		if (schema_load(&in->changelog[i],
				in->layout == LAYOUT_V2 ? &changelog_v2_schema : &changelog_schema,
				root->items[i], &ctx))
			rc = -1;
		schema_path_pop(&ctx, old);
	}
	schema_ctx_release(&ctx);
	return rc;
}

const struct runner_type *inputs_runner(const struct inputs *in, const char *name)
{
	for (size_t i = 0; i < in->runners_nr; i++)
		if (!strcmp(in->runners[i].name, name))
			return &in->runners[i];
	return NULL;
}

void inputs_warn_unknown_runners(const struct inputs *in, struct diags *d)
{
	for (size_t i = 0; i < in->configs_nr; i++) {
		const struct config *c = &in->configs[i];
		if (!c->runner || inputs_runner(in, c->runner))
			continue;
		const struct ynode *n = ynode_get(c->hdr.node, "runner");
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s.runner", c->key);
		diags_warnf(d, c->file, n->line, n->col, path.s,
			    "runner '%s' is not a key of the runner file '%s'", c->runner,
			    in->runner_file ? in->runner_file : "");
		buf_release(&path);
	}
}
