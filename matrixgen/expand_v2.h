/*
 * expand_v2: v2 master configs -> matrix rows, exactly as upstream's generator at
 * 843c6254f builds them (generate_full_sweep, generate_test_config_sweep), and its eval
 * marking (mark_eval_entries, mark_all_eval_entries, the --evals-only/--all-evals filter).
 *
 * Order: configs as given; per config the fixed-seq-len rows (seq-len configs, items,
 * concurrency values, nodes innermost for single-node), then the agentic rows. Rows are
 * struct row (row.h): the changelog's recipe fingerprint is taken on them.
 *
 * Use: fill struct v2_sweep, expand_v2_config for each chosen config, evals_v2_apply,
 * then emit_rows. The rows borrow strings from the inputs (valid until inputs_release).
 */
#ifndef MATRIXGEN_EXPAND_V2_H
#define MATRIXGEN_EXPAND_V2_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/opt.h"
#include "common/vec.h"
#include "matrixgen/config.h"
#include "matrixgen/row.h"

struct buf;
struct sweep_filter;

struct v2_sweep {
	bool test_config;          /* test-config's rules: step 2, --conc, nodes with the label */
	const struct strvec *seq_lens;     /* 1k1k / 8k1k; NULL or empty: all */
	bool fixed, agentic;       /* --scenario-type (both when not given) */
	bool single, multi;        /* full-sweep --single-node / --multi-node (both when neither) */
	long step, min_conc, max_conc, max_tp, max_ep; /* full-sweep; 0: not given */
	const struct longvec *conc_only; /* test-config --conc */
	const char *node_filter;   /* --runner-node-filter, NULL: none */
};

/* Appends the rows of one config. */
void expand_v2_config(struct rows *out, const struct inputs *in, const struct config *c,
		      const struct v2_sweep *s);
/* Appends the rows of every config f selects, in order: expand_v2_config on each, shared
 * out between two threads (par.h) and joined in config order. */
void expand_v2_configs(struct rows *out, const struct inputs *in, const struct sweep_filter *f,
		       const struct v2_sweep *s);
/* Upstream's eval policy: marks unless no_evals; --all-evals expands; --evals-only or
 * --all-evals keep only the eval rows and add eval-only. */
void evals_v2_apply(struct rows *m, bool no_evals, bool evals_only, bool all_evals);
/* The bits of the group keys' hashes evals_v2_apply uses (all): tests clear them to make
 * every key collide, which must change nothing (rows of equal hashes are compared). */
extern uint64_t evals_v2_hash_mask;
/* The JSON line upstream prints: json.dumps(rows) and a newline, appended to out; with a
 * stream, written to it instead as it is made (out is used as the chunk buffer and left
 * empty), so a sweep's megabyte is never held at once: each page of memory costs a fault
 * that does not run in parallel on the VMs here (2 us). Write errors show in the stream's
 * error flag. */
void emit_rows(struct buf *out, FILE *stream, const struct rows *m);

#endif
