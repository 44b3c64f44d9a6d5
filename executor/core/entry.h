/*
 * entry: one matrix entry (matrix-spec section 2, executor-spec 2.1), validated as strictly
 * as matrixgen's input: unknown keys (with a did-you-mean), duplicate keys (both places),
 * missing keys and exact types are errors naming the key, with line:col in the JSON text.
 * Key order is free. The shape is multi-node when the object has `prefill` or `decode`,
 * else single-node; a key of the other shape is an error that says so. A single-node entry
 * with `disagg: true` is an error. Additional settings (2.2) are split and checked here,
 * except against --secret-env names, which only `run` knows (env_name_reserved).
 *
 * Use: struct entry e; entry_parse(&e, json, len, "entry.json", d) -> read fields ->
 * entry_release(&e). entry_parse initialises e first, so entry_release is always safe.
 * Every string is owned by the entry.
 */
#ifndef EXECUTOR_ENTRY_H
#define EXECUTOR_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;

struct entry_setting {
	char *name;  /* owned: text before the first '=' */
	char *value; /* owned: text after it, verbatim */
};

struct entry_worker {
	long num_worker, tp, ep;
	bool dp_attn;
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
};

void entry_init(struct entry *e);
void entry_release(struct entry *e);
/* Parses and validates one entry object from json[0..len); name is the file name for diags.
 * 0, or -1 with every problem found as a diag. */
int entry_parse(struct entry *e, const char *json, size_t len, const char *name,
		struct diags *d);
/* RESULT_FILENAME of executor-spec 2.3 for this entry on node `node`. */
void entry_result_filename(struct buf *out, const struct entry *e, const char *node);

#endif
