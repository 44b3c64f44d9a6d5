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
	/* v2 (upstream 843c6254f) */
	EKT_COUNT,       /* an integer >= 0 */
	EKT_COMPONENT,   /* {name, version}: non-empty strings, version not "image:..." */
	EKT_BACKEND,     /* {name, version?}: the same with version optional */
	EKT_FINGERPRINT, /* 64 lower-case hex digits (a sha256) */
	EKT_RUNNER,      /* a safe name, or (v2) "cluster:" and a safe name */
	/* CI scheduling (entry_ci_keys) */
	EKT_PRIORITY,    /* a string: a decimal with 3 places, "-0.500", "12.000" */
	EKT_QUEUE_TOKEN, /* a string: 32 lower-case hex digits */
	EKT_ANY_INT,     /* any integer (in a C long) */
};

/* The highest concurrency an entry may ask for (matrixgen's conc-start, conc-end and
 * conc-list too): each request in flight holds a connection and its records, and the load
 * makes 10 x conc prompts (executor-spec 4.8), so a larger one cannot be run on one node. */
#define ENTRY_CONC_MAX 65536

/* Shapes: which entries carry a key. Agentic entries (v2: they have `scenario-type`) are
 * shapes of their own, since they have no isl, osl, max-model-len. */
#define ENTRY_SINGLE 1u
#define ENTRY_MULTI 2u
#define ENTRY_AGENTIC_SINGLE 4u
#define ENTRY_AGENTIC_MULTI 8u
#define ENTRY_ANY_SINGLE (ENTRY_SINGLE | ENTRY_AGENTIC_SINGLE)
#define ENTRY_ANY_MULTI (ENTRY_MULTI | ENTRY_AGENTIC_MULTI)

/* One row type for both tables, so one reader walks either. */
struct entry_key_row {
	const char *name;
	enum entry_key_type type;
	unsigned shapes; /* ENTRY_SINGLE | ENTRY_MULTI: the entries that carry it (workers: multi) */
	bool optional;   /* may be left out; every other key of the shape is required */
	unsigned optional_in; /* shapes where it may be left out though not `optional` */
	const char *const *values; /* EKT_CHOICE: NULL-terminated; NULL: entry_spec_values */
};

extern const struct entry_key_row entry_keys[EK_NR];
extern const struct entry_key_row entry_worker_keys[EWK_NR];

/* The keys upstream's v2 pipeline (843c6254f) added to entries and workers, a table of their
 * own so that the v1 layouts above stay as they are. An entry that has any of them (at top
 * level or in a worker) is a v2 entry: the executor then sets the v2 variables, writes the v2
 * RESULT_FILENAME and the v2 processed result (docs/executor.md, "v1 and v2 entries"). */
enum entry_v2_key {
	EK2_PP, EK2_DCP_SIZE, EK2_PCP_SIZE, EK2_ROUTER, EK2_KV_P2P_TRANSFER, EK2_EVAL_ONLY,
	EK2_EVAL_CONC, EK2_EVAL_ALL_CONCS, EK2_RECIPE_FINGERPRINT, EK2_KV_OFFLOADING,
	EK2_KV_OFFLOAD_BACKEND, EK2_TOTAL_CPU_DRAM_GB, EK2_DURATION, EK2_SCENARIO_TYPE,
	EK2_NR
};
enum entry_v2_worker_key { EWK2_PP, EWK2_DCP_SIZE, EWK2_PCP_SIZE, EWK2_HARDWARE, EWK2_NR };

extern const struct entry_key_row entry_v2_keys[EK2_NR];

/* The scheduling keys CI adds to every job of a matrix (upstream's utils/ci_priority.py at
 * 843c6254f, and `matrixgen ci-priority`): priority (ci_priority.py's format_priority),
 * queue-token (the first 32 digits of a sha256), skip-queue-pr (the PR number, only on a PR
 * with the skip-queue label). Optional in every shape, never written by the entry layouts,
 * and neither v1 nor v2: an entry keeps its version with them. The executor reads and checks
 * them and then leaves them alone (they are the scheduler's). */
enum entry_ci_key { EKC_PRIORITY, EKC_QUEUE_TOKEN, EKC_SKIP_QUEUE_PR, EKC_NR };
extern const struct entry_key_row entry_ci_keys[EKC_NR];
extern const struct entry_key_row entry_v2_worker_keys[EWK2_NR];
/* kv-offloading's and scenario-type's values, NULL-terminated. */
extern const char *const entry_kv_offloading_values[];
extern const char *const entry_scenario_values[];
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
enum entry_v2_key entry_v2_key_find(const char *name);
enum entry_v2_worker_key entry_v2_worker_key_find(const char *name);

#endif
