/*
 * expand: search spaces -> matrix entries (matrix-spec sections 2 and 3), and the filters of
 * full-sweep as pure functions. Entry order is the spec's: configs in master-config order,
 * seq-len configs, search-space items, concurrency values in expansion order, and the node
 * loop innermost (single-node: per concurrency value; multi-node: per item).
 *
 * struct mentries owns its entries and each multi-node entry's conc array; everything else
 * in an entry is borrowed from the inputs (valid until inputs_release).
 */
#ifndef MATRIXGEN_EXPAND_H
#define MATRIXGEN_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "common/opt.h"
#include "common/seqlen.h"
#include "common/vec.h"
#include "matrixgen/config.h"

struct mentry {
	const struct config *cfg;
	const struct search_item *item;
	const char *runner; /* the config's runner, or the node name */
	long isl, osl;
	long tp, ep;        /* single-node */
	bool dp_attn;       /* single-node */
	const char *spec;
	long conc;          /* single-node */
	long *concs;        /* multi-node, owned */
	size_t concs_nr;
	long max_model_len;
	char seq_name[SEQ_LEN_NAME_MAX];  /* exp-name suffix: 1k1k, 1k8k, 8k1k, <isl>_<osl>, or test */
	bool run_eval;
};

struct mentries {
	struct mentry *v;
	size_t nr, alloc;
};

void mentries_release(struct mentries *m);

/* The full-sweep filters; zero values mean "not given". */
struct sweep_filter {
	const struct strvec *model_prefix, *precision, *framework, *runner_type, *seq_lens;
	bool single_only, multi_only;
	long step;            /* 2 unless given */
	long min_conc, max_conc, max_tp, max_ep;
	const char *node_filter; /* NULL or "": no node expansion */
	const struct longvec *conc_only; /* test-config --conc */
};


/* Range expansion (3.1): start, then multiply by step, clamp to end, stop after end. */
void conc_expand(struct longvec *out, long start, long end, long step);
/* 3.1 step 3: --min-conc and --max-conc on a single-node range; false: drop the item. */
bool conc_range_limit(long *start, long *end, long min_conc, long max_conc);
/* 3.1 steps 4 and 5: keep values >= min (none left: false), then <= max (none left: [max]). */
bool conc_values_limit(struct longvec *v, long min_conc, long max_conc);
/* test-config --conc (ONLY: its values; NULL or empty: all): keep only the listed values, in
 * expansion order. */
void conc_keep_only(struct longvec *v, const struct longvec *only);
/* Whether a node name passes --runner-node-filter S (substring; empty S passes all). */
bool node_matches(const char *node, const char *filter);

/* Appends the entries of one config under filter f (full-sweep and test-config). */
void expand_config(struct mentries *out, const struct inputs *in, const struct config *c,
		   const struct sweep_filter *f);
/* Whether a config passes full-sweep's per-config filters (3.1 step 1, without nodes). */
bool config_selected(const struct config *c, const struct sweep_filter *f);

#endif
