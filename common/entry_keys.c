/* entry_keys: see entry_keys.h. The rows are executor-spec 2.1's list, the layouts
 * matrix-spec 2 and 3.4's orders, word for word. */
#include "common/entry_keys.h"

#include <string.h>

#define BOTH (ENTRY_SINGLE | ENTRY_MULTI)
#define AGENTIC (ENTRY_AGENTIC_SINGLE | ENTRY_AGENTIC_MULTI)
#define ALL (BOTH | AGENTIC)

const struct entry_key_row entry_keys[EK_NR] = {
	[EK_IMAGE] = { "image", EKT_STRING, ALL, false, 0, NULL },
	[EK_MODEL] = { "model", EKT_STRING, ALL, false, 0, NULL },
	[EK_MODEL_PREFIX] = { "model-prefix", EKT_NAME, ALL, false, 0, NULL },
	[EK_PRECISION] = { "precision", EKT_NAME, ALL, false, 0, NULL },
	[EK_FRAMEWORK] = { "framework", EKT_NAME, ALL, false, 0, NULL },
	[EK_RUNNER] = { "runner", EKT_RUNNER, ALL, false, 0, NULL },
	[EK_ISL] = { "isl", EKT_INT, BOTH, false, 0, NULL },
	[EK_OSL] = { "osl", EKT_INT, BOTH, false, 0, NULL },
	[EK_TP] = { "tp", EKT_INT, ENTRY_ANY_SINGLE, false, 0, NULL },
	[EK_CONC] = { "conc", EKT_CONC, ALL, false, 0, NULL },
	[EK_MAX_MODEL_LEN] = { "max-model-len", EKT_INT, BOTH, false, 0, NULL },
	[EK_EP] = { "ep", EKT_INT, ENTRY_ANY_SINGLE, false, 0, NULL },
	[EK_DP_ATTN] = { "dp-attn", EKT_BOOL, ENTRY_ANY_SINGLE, false, 0, NULL },
	[EK_SPEC_DECODING] = { "spec-decoding", EKT_CHOICE, ALL, false, ENTRY_AGENTIC_SINGLE, NULL },
	[EK_EXP_NAME] = { "exp-name", EKT_NAME, ALL, false, 0, NULL },
	[EK_DISAGG] = { "disagg", EKT_BOOL, BOTH | ENTRY_AGENTIC_MULTI, false, 0, NULL },
	[EK_RUN_EVAL] = { "run-eval", EKT_BOOL, ALL, false, AGENTIC, NULL },
	[EK_PREFILL] = { "prefill", EKT_WORKER, ENTRY_ANY_MULTI, false, 0, NULL },
	[EK_DECODE] = { "decode", EKT_WORKER, ENTRY_ANY_MULTI, false, 0, NULL },
};

const struct entry_key_row entry_worker_keys[EWK_NR] = {
	[EWK_NUM_WORKER] = { "num-worker", EKT_COUNT, ENTRY_MULTI, false, 0, NULL },
	[EWK_TP] = { "tp", EKT_INT, ENTRY_MULTI, false, 0, NULL },
	[EWK_EP] = { "ep", EKT_INT, ENTRY_MULTI, false, 0, NULL },
	[EWK_DP_ATTN] = { "dp-attn", EKT_BOOL, ENTRY_MULTI, false, 0, NULL },
	[EWK_SETTINGS] = { "additional-settings", EKT_SETTINGS, ENTRY_MULTI, true, 0, NULL },
};

const char *const entry_spec_values[] = { "none", "mtp", "draft_model", NULL };
const char *const entry_kv_offloading_values[] = { "none", "dram", NULL };
const char *const entry_scenario_values[] = { "agentic-coding", NULL };

/* Upstream's matrix entry models (utils/matrix_logic/validation.py at 843c6254f: the
 * *MatrixEntry classes): pp, dcp-size, pcp-size are required in a v2 single-node entry (a
 * check of the reader's, since v1 entries have none) and in an agentic one, default 1 in a
 * worker; the rest is optional but the agentic scenario's own keys. */
const struct entry_key_row entry_v2_keys[EK2_NR] = {
	[EK2_PP] = { "pp", EKT_INT, ENTRY_ANY_SINGLE, false, ENTRY_SINGLE, NULL },
	[EK2_DCP_SIZE] = { "dcp-size", EKT_INT, ENTRY_ANY_SINGLE, false, ENTRY_SINGLE, NULL },
	[EK2_PCP_SIZE] = { "pcp-size", EKT_INT, ENTRY_ANY_SINGLE, false, ENTRY_SINGLE, NULL },
	[EK2_ROUTER] = { "router", EKT_COMPONENT, ALL, true, 0, NULL },
	[EK2_KV_P2P_TRANSFER] = { "kv-p2p-transfer", EKT_NAME, ENTRY_ANY_MULTI, true, 0, NULL },
	[EK2_EVAL_ONLY] = { "eval-only", EKT_BOOL, ALL, true, 0, NULL },
	[EK2_EVAL_CONC] = { "eval-conc", EKT_INT, ENTRY_ANY_MULTI, true, 0, NULL },
	[EK2_EVAL_ALL_CONCS] = { "eval-all-concs", EKT_BOOL, ENTRY_MULTI, true, 0, NULL },
	[EK2_RECIPE_FINGERPRINT] = { "recipe-fingerprint", EKT_FINGERPRINT, ALL, true, 0, NULL },
	[EK2_KV_OFFLOADING] = { "kv-offloading", EKT_CHOICE, AGENTIC, false, 0,
				entry_kv_offloading_values },
	[EK2_KV_OFFLOAD_BACKEND] = { "kv-offload-backend", EKT_BACKEND, AGENTIC, true, 0, NULL },
	[EK2_TOTAL_CPU_DRAM_GB] = { "total-cpu-dram-gb", EKT_COUNT, AGENTIC, false, 0, NULL },
	[EK2_DURATION] = { "duration", EKT_INT, AGENTIC, false, 0, NULL },
	[EK2_SCENARIO_TYPE] = { "scenario-type", EKT_CHOICE, AGENTIC, false, 0,
				entry_scenario_values },
};

const struct entry_key_row entry_ci_keys[EKC_NR] = {
	[EKC_PRIORITY] = { "priority", EKT_PRIORITY, ALL, true, 0, NULL },
	[EKC_QUEUE_TOKEN] = { "queue-token", EKT_QUEUE_TOKEN, ALL, true, 0, NULL },
	[EKC_SKIP_QUEUE_PR] = { "skip-queue-pr", EKT_ANY_INT, ALL, true, 0, NULL },
};

const struct entry_key_row entry_v2_worker_keys[EWK2_NR] = {
	[EWK2_PP] = { "pp", EKT_INT, ENTRY_MULTI, true, 0, NULL },
	[EWK2_DCP_SIZE] = { "dcp-size", EKT_INT, ENTRY_MULTI, true, 0, NULL },
	[EWK2_PCP_SIZE] = { "pcp-size", EKT_INT, ENTRY_MULTI, true, 0, NULL },
	[EWK2_HARDWARE] = { "hardware", EKT_NAME, ENTRY_MULTI, true, 0, NULL },
};

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

enum entry_v2_key entry_v2_key_find(const char *name)
{
	size_t k = 0;
	while (k < EK2_NR && strcmp(entry_v2_keys[k].name, name))
		k++;
	return (enum entry_v2_key)k;
}

enum entry_v2_worker_key entry_v2_worker_key_find(const char *name)
{
	size_t k = 0;
	while (k < EWK2_NR && strcmp(entry_v2_worker_keys[k].name, name))
		k++;
	return (enum entry_v2_worker_key)k;
}
