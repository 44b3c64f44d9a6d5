/*
 * entry_keys: the matrix entry, described once for both programs (matrix-spec section 2 and
 * 3.4, executor-spec 2.1). matrixgen writes entries with these names, in the key orders of
 * the layouts below; the executor's entry reader checks names, types, shapes (single- or
 * multi-node) and required keys against the same rows, and suggests a key of the table for
 * an unknown one. Neither program spells a key of the entry anywhere else.
 *
 * Everything here is static data: nothing to initialise, nothing to free. Rows are indexed
 * by their enum (designated initialisers), so entry_keys[EK_TP].name is "tp" whatever the
 * row order; the row order is executor-spec 2.1's list (single-node keys, then the
 * multi-node ones), which is also the order the executor reports missing keys in.
 */
#ifndef COMMON_ENTRY_KEYS_H
#define COMMON_ENTRY_KEYS_H

#include <stdbool.h>

enum entry_key {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_RUNNER, EK_ISL, EK_OSL,
	EK_TP, EK_CONC, EK_MAX_MODEL_LEN, EK_EP, EK_DP_ATTN, EK_SPEC_DECODING, EK_EXP_NAME,
	EK_DISAGG, EK_RUN_EVAL, EK_PREFILL, EK_DECODE,
	EK_EVAL_ONLY, /* v2 (upstream-v2.md), optional: read by the executor, not yet written by matrixgen */
	EK_NR /* also ends a layout's key list */
};

/* The keys of a worker mapping (`prefill`, `decode`), in the fixed order of
 * runner-model-sweep and changelog output (matrix-spec 2). */
enum entry_worker_key { EWK_NUM_WORKER, EWK_TP, EWK_EP, EWK_DP_ATTN, EWK_SETTINGS, EWK_NR };

enum entry_key_type {
	EKT_STRING,   /* a string without control characters */
	EKT_NAME,     /* a string that becomes part of a path: a safe name (common/safename.h) */
	EKT_INT,      /* an integer >= 1 */
	EKT_BOOL,     /* true or false */
	EKT_CHOICE,   /* one of entry_spec_values */
	EKT_CONC,     /* single-node: an integer 1..ENTRY_CONC_MAX; multi-node: a non-empty list */
	EKT_WORKER,   /* a worker mapping: entry_worker_keys */
	EKT_SETTINGS, /* a list of strings NAME=VALUE */
};

/* The highest concurrency an entry may ask for (matrixgen's conc-start, conc-end and
 * conc-list too): each request in flight holds a connection and its records, and the load
 * makes 10 x conc prompts (executor-spec 4.8), so a larger one cannot be run on one node. */
#define ENTRY_CONC_MAX 65536

/* Shapes: which entries carry a key. */
#define ENTRY_SINGLE 1u
#define ENTRY_MULTI 2u

/* One row type for both tables, so one reader walks either. */
struct entry_key_row {
	const char *name;
	enum entry_key_type type;
	unsigned shapes; /* ENTRY_SINGLE | ENTRY_MULTI: the entries that carry it (workers: multi) */
	bool optional;   /* may be left out; every other key of the shape is required */
};

extern const struct entry_key_row entry_keys[EK_NR];
extern const struct entry_key_row entry_worker_keys[EWK_NR];
/* spec-decoding's values, NULL-terminated (matrix-spec 1.1; the input schema uses it too). */
extern const char *const entry_spec_values[];

/* The key orders matrixgen writes (matrix-spec 2, 3.4). Lists end with EK_NR. */
struct entry_layout {
	const enum entry_key *single, *multi;
	bool workers_as_written; /* worker keys as written in the config, else entry_worker_keys order */
};

extern const struct entry_layout entry_layout_sweep;     /* full-sweep, test-config */
extern const struct entry_layout entry_layout_rms;       /* runner-model-sweep */
extern const struct entry_layout entry_layout_changelog; /* entries inside the changelog object */

/* The row named name, or EK_NR / EWK_NR. */
enum entry_key entry_key_find(const char *name);
enum entry_worker_key entry_worker_key_find(const char *name);

#endif
