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

struct config {
	struct srec hdr;
	const char *key;
	const struct ynode *key_node; /* where the key is written */
	const char *file;
	const char *image, *model, *model_prefix, *precision, *framework, *runner;
	bool multinode, disagg;
	struct seq_len *seq_lens;
	size_t seq_lens_nr;
};

struct runner_type {
	const char *name;
	const char **nodes;
	size_t nodes_nr;
};

struct changelog_entry {
	struct srec hdr;
	const char **keys;
	size_t keys_nr;
	const char **description;
	size_t description_nr;
	const char *pr_link;
	bool evals_only;
};

struct inputs {
	struct config *configs; /* master-config order: files as given, keys in file order */
	size_t configs_nr, configs_alloc;
	struct strindex config_index; /* key -> position in configs (keys are unique) */
	struct runner_type *runners; /* runner-file order */
	size_t runners_nr, runners_alloc;
	const char *runner_file; /* borrowed: the path given or found */
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

const struct runner_type *inputs_runner(const struct inputs *in, const char *name);
const struct config *inputs_config(const struct inputs *in, const char *key);

#endif
