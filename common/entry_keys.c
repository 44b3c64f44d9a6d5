/* entry_keys: see entry_keys.h. The rows are executor-spec 2.1's list, the layouts
 * matrix-spec 2 and 3.4's orders, word for word. */
#include "common/entry_keys.h"

#include <string.h>

#define BOTH (ENTRY_SINGLE | ENTRY_MULTI)

const struct entry_key_row entry_keys[EK_NR] = {
	[EK_IMAGE] = { "image", EKT_STRING, BOTH, false },
	[EK_MODEL] = { "model", EKT_STRING, BOTH, false },
	[EK_MODEL_PREFIX] = { "model-prefix", EKT_NAME, BOTH, false },
	[EK_PRECISION] = { "precision", EKT_NAME, BOTH, false },
	[EK_FRAMEWORK] = { "framework", EKT_NAME, BOTH, false },
	[EK_RUNNER] = { "runner", EKT_NAME, BOTH, false },
	[EK_ISL] = { "isl", EKT_INT, BOTH, false },
	[EK_OSL] = { "osl", EKT_INT, BOTH, false },
	[EK_TP] = { "tp", EKT_INT, ENTRY_SINGLE, false },
	[EK_CONC] = { "conc", EKT_CONC, BOTH, false },
	[EK_MAX_MODEL_LEN] = { "max-model-len", EKT_INT, BOTH, false },
	[EK_EP] = { "ep", EKT_INT, ENTRY_SINGLE, false },
	[EK_DP_ATTN] = { "dp-attn", EKT_BOOL, ENTRY_SINGLE, false },
	[EK_SPEC_DECODING] = { "spec-decoding", EKT_CHOICE, BOTH, false },
	[EK_EXP_NAME] = { "exp-name", EKT_NAME, BOTH, false },
	[EK_DISAGG] = { "disagg", EKT_BOOL, BOTH, false },
	[EK_RUN_EVAL] = { "run-eval", EKT_BOOL, BOTH, false },
	[EK_PREFILL] = { "prefill", EKT_WORKER, ENTRY_MULTI, false },
	[EK_DECODE] = { "decode", EKT_WORKER, ENTRY_MULTI, false },
	[EK_EVAL_ONLY] = { "eval-only", EKT_BOOL, BOTH, true },
};

const struct entry_key_row entry_worker_keys[EWK_NR] = {
	[EWK_NUM_WORKER] = { "num-worker", EKT_INT, ENTRY_MULTI, false },
	[EWK_TP] = { "tp", EKT_INT, ENTRY_MULTI, false },
	[EWK_EP] = { "ep", EKT_INT, ENTRY_MULTI, false },
	[EWK_DP_ATTN] = { "dp-attn", EKT_BOOL, ENTRY_MULTI, false },
	[EWK_SETTINGS] = { "additional-settings", EKT_SETTINGS, ENTRY_MULTI, true },
};

const char *const entry_spec_values[] = { "none", "mtp", "draft_model", NULL };

/* full-sweep, test-config: the table's order */
static const enum entry_key sweep_single[] = {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_RUNNER, EK_ISL,
	EK_OSL, EK_TP, EK_CONC, EK_MAX_MODEL_LEN, EK_EP, EK_DP_ATTN, EK_SPEC_DECODING,
	EK_EXP_NAME, EK_DISAGG, EK_RUN_EVAL, EK_NR,
};
static const enum entry_key rms_single[] = {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_RUNNER, EK_ISL,
	EK_OSL, EK_TP, EK_EP, EK_DP_ATTN, EK_SPEC_DECODING, EK_CONC, EK_MAX_MODEL_LEN,
	EK_EXP_NAME, EK_DISAGG, EK_RUN_EVAL, EK_NR,
};
/* every subcommand but changelog */
static const enum entry_key any_multi[] = {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_RUNNER, EK_ISL,
	EK_OSL, EK_SPEC_DECODING, EK_PREFILL, EK_DECODE, EK_CONC, EK_MAX_MODEL_LEN, EK_EXP_NAME,
	EK_DISAGG, EK_RUN_EVAL, EK_NR,
};
static const enum entry_key changelog_single[] = {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_SPEC_DECODING,
	EK_RUNNER, EK_ISL, EK_OSL, EK_TP, EK_EP, EK_DP_ATTN, EK_CONC, EK_MAX_MODEL_LEN,
	EK_EXP_NAME, EK_DISAGG, EK_RUN_EVAL, EK_NR,
};
static const enum entry_key changelog_multi[] = {
	EK_IMAGE, EK_MODEL, EK_MODEL_PREFIX, EK_PRECISION, EK_FRAMEWORK, EK_SPEC_DECODING,
	EK_RUNNER, EK_ISL, EK_OSL, EK_PREFILL, EK_DECODE, EK_CONC, EK_MAX_MODEL_LEN, EK_EXP_NAME,
	EK_DISAGG, EK_RUN_EVAL, EK_NR,
};

const struct entry_layout entry_layout_sweep = { sweep_single, any_multi, true };
const struct entry_layout entry_layout_rms = { rms_single, any_multi, false };
const struct entry_layout entry_layout_changelog = { changelog_single, changelog_multi, false };

enum entry_key entry_key_find(const char *name)
{
	size_t k = 0;
	while (k < EK_NR && strcmp(entry_keys[k].name, name))
		k++;
	return (enum entry_key)k;
}

enum entry_worker_key entry_worker_key_find(const char *name)
{
	size_t k = 0;
	while (k < EWK_NR && strcmp(entry_worker_keys[k].name, name))
		k++;
	return (enum entry_worker_key)k;
}
