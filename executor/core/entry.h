/*
 * entry: one matrix entry (matrix-spec section 2, executor-spec 2.1), validated as strictly
 * as matrixgen's input: unknown keys (with a did-you-mean), duplicate keys (both places),
 * missing keys and exact types are errors naming the key, with line:col in the JSON text.
 * Names, types, shapes and which keys are required come from common/entry_keys, the table
 * matrixgen writes entries with. Also the entry's two derived names: the node (2.1) and
 * RESULT_FILENAME (2.3), built here only (`executor result-filename` prints it for
 * workflows).
 * Key order is free. The shape is multi-node when the object has `prefill` or `decode`,
 * else single-node, and agentic (v2) when it has `scenario-type`; a key of the other shape is an error that says so. A single-node entry
 * with `disagg: true` is an error. Additional settings (2.2) are split and checked here,
 * except against --secret-env names, which only `run` knows (env_name_reserved).
 *
 * Use: struct entry e; entry_parse(&e, json, len, "entry.json", d) (or entry_read,
 * entry_from_jnode) -> read fields -> entry_release(&e). Each initialises e first and
 * releases it on failure, so entry_release is always safe. Every string is owned by the
 * entry.
 */
#ifndef EXECUTOR_ENTRY_H
#define EXECUTOR_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct jnode;

struct entry_setting {
	char *name;  /* owned: text before the first '=' */
	char *value; /* owned: text after it, verbatim */
};

/* router, kv-offload-backend (v2): NULL when not written */
struct entry_component {
	char *name, *version; /* owned; version NULL when not written (backend only) */
	/* `executor process` without --entry: ROUTER_METADATA wrote version before name, and
	 * upstream writes the router in the order json.loads read it */
	bool version_first;
};

struct entry_worker {
	long num_worker, tp, ep; /* num-worker >= 1, but decode's may be 0 (aggregated, v2) */
	bool dp_attn;
	long pp, dcp_size, pcp_size; /* v2: 1 when not written */
	char *hardware;              /* v2: owned, NULL when not written */
	bool has_settings; /* additional-settings was written (possibly []) */
	struct entry_setting *settings; /* owned, in written order */
	size_t settings_nr, settings_alloc;
};

struct entry {
	bool multinode;
	char *image, *model, *model_prefix, *precision, *framework, *runner; /* owned */
	char *spec_decoding, *exp_name;                                      /* owned */
	long isl, osl, max_model_len;
	bool disagg, run_eval;
	/* single-node */
	long tp, ep;
	bool dp_attn;
	/* conc: single-node one value (conc_nr == 1); multi-node the list in written order */
	long *conc; /* owned */
	size_t conc_nr, conc_alloc;
	/* multi-node */
	struct entry_worker prefill, decode;
	/* v2 (common/entry_keys' v2 table): v2 is whether any of its keys was written */
	bool v2, agentic;            /* agentic: scenario-type agentic-coding (no isl, osl) */
	long pp, dcp_size, pcp_size; /* single-node; 1 when not written */
	struct entry_component router, kv_offload_backend;
	char *kv_p2p_transfer, *recipe_fingerprint, *kv_offloading, *scenario_type; /* owned|NULL */
	bool eval_only, eval_all_concs; /* eval-only: the eval phase and no throughput load */
	long eval_conc;              /* 0: not written */
	long total_cpu_dram_gb, duration; /* agentic */
	/* CI scheduling (common/entry_keys' entry_ci_keys): checked, not used */
	char *ci_priority, *ci_queue_token; /* owned | NULL */
	long ci_skip_queue_pr;              /* 0: not written */
};

void entry_init(struct entry *e);
void entry_release(struct entry *e);
/* Parses and validates one entry object from json[0..len); name is the file name for diags.
 * 0, or -1 with every problem found as a diag. */
int entry_parse(struct entry *e, const char *json, size_t len, const char *name,
		struct diags *d);
/* The same for a value already parsed (an item of a matrix); name is its file, for diags. */
int entry_from_jnode(struct entry *e, const struct jnode *root, const char *name,
		     struct diags *d);
/* The same for the file at path ("-": stdin, "<stdin>" in messages). */
int entry_read(struct entry *e, const char *path, struct diags *d);
/* The node name (executor-spec 2.1): given (--node) when not empty, else $RUNNER_NAME when
 * set and not empty, else the entry's runner. Borrowed from given, the environment or e. */
const char *entry_node_name(const struct entry *e, const char *given);
/* Appends RESULT_FILENAME of executor-spec 2.3 for this entry on node `node`; a v2 entry gets
 * upstream's v2 name (pp, dcp, pcp sizes; `_recipe-` and 16 digits of its fingerprint). */
void entry_result_filename(struct buf *out, const struct entry *e, const char *node);
/* entry_node_name, refused (NULL, a diag) unless a safe name (common/safename.h): the node
 * names the profile, RESULT_FILENAME, the artifact and the output folder. */
const char *entry_node_name_checked(const struct entry *e, const char *given, struct diags *d);
/* The GPUs of a single-node entry: tp x pp x pcp-size (upstream's GPU_COUNT). */
long entry_gpu_count(const struct entry *e);

#endif
