/*
 * config: the three inputs of matrixgen as C records, and their schema tables
 * (matrix-spec 1.1-1.4):
 *   master configs  config key -> entry (single- or multi-node search spaces)
 *   runner file     runner type -> node names
 *   perf changelog  list of {config-keys, description, pr-link, evals-only}
 *
 * Loading is strict (common/schema): every problem of every file is reported with
 * file:line:col and key path. Cross-file rules live here too: a config key defined in two
 * files, '*' or '?' in a key, a runner that the runner file lacks (a warning).
 *
 * Ownership: struct inputs owns the YAML documents, the records and their lists; every
 * string in a record is borrowed from a document and valid until inputs_release.
 */
#ifndef MATRIXGEN_CONFIG_H
#define MATRIXGEN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/schema.h"
#include "common/strindex.h"
#include "common/yamltree.h"

struct diags;

struct worker {
	struct srec hdr; /* hdr.order: keys as written, for the as-written output */
	long num_worker, tp, ep;
	bool dp_attn;
	const char **settings; /* additional-settings */
	size_t settings_nr;
};

struct search_item {
	struct srec hdr;
	long tp, ep;          /* ep 0: not written */
	bool dp_attn;
	const char *spec;     /* spec-decoding, never NULL after loading */
	long conc_start, conc_end; /* 0: not written */
	long *conc_list;
	size_t conc_list_nr;  /* 0: not written */
	struct worker prefill, decode; /* multi-node only */
};

struct seq_len {
	struct srec hdr;
	long isl, osl;
	struct search_item *items;
	size_t items_nr;
};

/* ---- v2 layout (upstream 843c6254f: `scenarios`); tables in config_v2.c ---- */

/* router {name, version} and kv-offload-backend {name, version?}; hdr.node NULL: not written */
struct component {
	struct srec hdr;
	const char *name, *version;
};

struct worker_v2 {
	struct srec hdr;      /* hdr.node NULL: not written */
	long num_worker, tp, pp, dcp_size, pcp_size, ep; /* pp, dcp-size, pcp-size: 1 unless written */
	bool dp_attn;
	const char *hardware; /* NULL: not written */
	const char **settings;
	size_t settings_nr;
};

/* One search-space item of any v2 kind (fixed single-node, fixed multinode, agentic); the
 * schema that loaded it decides which fields can be set. */
struct item_v2 {
	struct srec hdr;
	long tp, pp, dcp_size, pcp_size, ep; /* tp, ep 0: not written; the others 1 unless written */
	bool dp_attn;
	const char *spec;          /* spec-decoding, "none" unless written */
	struct worker_v2 prefill, decode;
	const char *kv_offloading; /* agentic: NULL when not written */
	struct component backend;  /* kv-offload-backend */
	struct component router;
	const char *kv_p2p;        /* kv-p2p-transfer, NULL when not written */
	long conc_start, conc_end; /* 0: not written */
	long *conc_list;
	size_t conc_list_nr;
};

struct fixed_v2 {
	struct srec hdr;
	long isl, osl;
	struct item_v2 *items;
	size_t items_nr;
};

struct agentic_v2 {
	struct srec hdr;
	double dram_util;          /* 0: not written */
	struct item_v2 *items;
	size_t items_nr;
};

struct scenarios_v2 {
	struct srec hdr;
	struct fixed_v2 *fixed;
	size_t fixed_nr;
	struct agentic_v2 *agentic;
	size_t agentic_nr;
};

enum config_layout { LAYOUT_V1 = 1, LAYOUT_V2 = 2 };

struct config {
	struct srec hdr;
	enum config_layout layout;
	const char *key;
	const struct ynode *key_node; /* where the key is written */
	const char *file;
	const char *image, *model, *model_prefix, *precision, *framework, *runner;
	bool multinode, disagg;
	struct seq_len *seq_lens; /* v1 */
	size_t seq_lens_nr;
	struct component router;  /* v2: top-level router */
	const char *kv_p2p;       /* v2: top-level kv-p2p-transfer, or NULL */
	struct scenarios_v2 scen; /* v2 */
};

struct runner_type {
	const char *name;
	const char **nodes;
	size_t nodes_nr;
};

/* runners.yaml v2 `hardware:` rows */
struct runner_hw {
	struct srec hdr;
	const char *name;
	long avail_dram_mib, gpus_per_node;
};

struct changelog_entry {
	struct srec hdr;
	const char **keys;
	size_t keys_nr;
	const char **description;
	size_t description_nr;
	const char *pr_link;
	bool evals_only;
	/* v2 only (upstream 843c6254f) */
	bool all_evals, append_only;
	long eval_min_prefill_ep; /* 0: not given */
	const char **scenario_types; /* NULL: both */
	size_t scenario_types_nr;
};

struct inputs {
	struct config *configs; /* master-config order: files as given, keys in file order */
	size_t configs_nr, configs_alloc;
	struct strindex config_index; /* key -> position in configs (keys are unique) */
	struct runner_type *runners; /* runner-file order */
	size_t runners_nr, runners_alloc;
	const char *runner_file; /* borrowed: the path given or found */
	enum config_layout layout;      /* of the master configs (0: none loaded yet) */
	const char *layout_file;        /* borrowed: the first file, for the mixing error */
	enum config_layout runner_layout;
	struct runner_hw *hardware;     /* runners.yaml v2 `hardware:` */
	size_t hardware_nr;
	struct changelog_entry *changelog;
	size_t changelog_nr;
	struct ydoc *docs; /* owned */
	size_t docs_nr, docs_alloc;
};

void inputs_init(struct inputs *in);
void inputs_release(struct inputs *in);

/* Appends the configs of one master config file. */
int inputs_load_configs(struct inputs *in, const char *path, struct diags *d);
int inputs_load_runners(struct inputs *in, const char *path, struct diags *d);
/* The same from text already in memory; name is used in messages (the fuzz targets). */
int inputs_load_configs_text(struct inputs *in, const char *name, const char *text, size_t len,
			     struct diags *d);
int inputs_load_runners_text(struct inputs *in, const char *name, const char *text, size_t len,
			     struct diags *d);
/* A changelog document already in memory (the whole file, or the added lines of a diff);
 * name is used in messages. An empty document, null or [] loads no entries. */
int inputs_load_changelog(struct inputs *in, const char *name, const char *text, size_t len,
			  struct diags *d);
/* One warning per config whose runner is not a key of the runner file (matrix-spec 1.1). */
void inputs_warn_unknown_runners(const struct inputs *in, struct diags *d);

const struct runner_hw *inputs_runner_hw(const struct inputs *in, const char *name);
/* v2 rules that need the runner file: the DRAM budget's hardware row, and topologies that fit
 * its gpus-per-node (upstream checks these only while generating; we check every config). */
int inputs_check_v2_hardware(const struct inputs *in, struct diags *d);

/* config.c: the concurrency rule of a search-space item, v1 and v2 alike (map: the item's
 * node; conc_start, conc_end as read): exactly one of (conc-start and conc-end) or conc-list,
 * and start <= end. 0, or -1 after reporting it in ctx. */
int config_check_conc(const struct ynode *map, long conc_start, long conc_end,
		      struct schema_ctx *ctx);

/* config_v2.c: the v2 tables, used by config.c's loaders. */
const struct schema *config_v2_schema(bool multinode);
int runners_v2_load(struct inputs *in, const char *file, const struct ynode *root,
		    struct diags *d);
/* Whether a master config document is v2 (some entry has `scenarios`). */
bool config_doc_is_v2(const struct ynode *root);
/* Whether a runner document is v2 (top-level `labels` or `hardware` is a mapping). */
bool runners_doc_is_v2(const struct ynode *root);

const struct runner_type *inputs_runner(const struct inputs *in, const char *name);
const struct config *inputs_config(const struct inputs *in, const char *key);

#endif
