/*
 * env: one entry -> the recipe's environment (executor-spec 2.2), in the spec's order:
 * the table's variables, then the profile's env (of the table it may set only
 * HF_HUB_CACHE), then, multi-node only, prefill's and then decode's additional settings
 * (a name set twice keeps the later value), then the secrets (HF_TOKEN when set, and every
 * --secret-env name), taken from the executor's own environment.
 *
 * 2.2's table is one table in env.c. It also drives the other direction: env_read_entry
 * reads the variables the existing processor reads (executor-spec 5) back into an entry,
 * for `executor process` without --entry; and its names are the reserved names
 * (env_name_reserved) and the documented ones (tests/unit/core/test_env.c checks them
 * against docs/executor-spec.md 2.2).
 *
 * struct run_env owns every NAME=VALUE string; env_release frees them.
 */
#ifndef EXECUTOR_ENV_H
#define EXECUTOR_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/vec.h"

struct buf;
struct diags;
struct entry;
struct profile;

struct run_env {
	struct strvec vars;    /* NAME=VALUE, owned, one per name, in the order above */
	struct strvec secrets; /* names whose values are never shown (borrowed/static) */
};

struct env_inputs {
	const struct entry *entry;
	const struct profile *profile;
	const char *node;
	const char *result_filename;
	const char *result_dir;       /* as the recipe sees it */
	const struct strvec *secret_env; /* --secret-env names */
};

/* Whether name is one of the variables the executor sets (2.2's table): a profile's env may
 * set only HF_HUB_CACHE of them, an additional setting or a --secret-env none. */
bool env_name_reserved(const char *name);
/* A boolean as the recipe's variables write it (2.2), and RESULT_FILENAME: true/false. */
const char *env_bool_text(bool b);
/* Whether name[0..len) is a variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool env_name_valid(const char *name, size_t len);

/* The name of row i of 2.2's table, in the table's order; NULL past the last. */
const char *env_var_name(size_t i);

int entry_to_env(struct run_env *out, const struct env_inputs *in, struct diags *d);
/* The other direction (executor-spec 5): from the executor's environment into out, the
 * variables the existing processor reads: IS_MULTINODE (unset: single-node), then that
 * shape's rows. When any of the shape's v2 variables (upstream's process_result.py at
 * 843c6254f: PP_SIZE, ..., ROUTER_METADATA, KV_P2P_TRANSFER) is set, even empty, out->v2
 * is set and they are read too, unset ones as upstream defaults them (sizes 1, texts
 * absent). Other fields stay zero. 0, or -1 (out released) with a diag per variable unset
 * or mistyped, for DISAGG=true on a single-node run, for a ROUTER_METADATA upstream refuses,
 * or for only one of PREFILL_HARDWARE and DECODE_HARDWARE. */
int env_read_entry(struct entry *out, struct diags *d);
/* One more such variable that is not the table's (PREFILL_GPUS, DECODE_GPUS): an integer
 * >= 1 (env_read_count: >= 0) in decimal. 0, or -1 with a diag. */
int env_read_int(long *out, const char *name, struct diags *d);
int env_read_count(long *out, const char *name, struct diags *d);
/* Appends the names env_read_entry reads for entries of exactly `shapes` (ENTRY_SINGLE,
 * ENTRY_MULTI, or both), the required ones or (v2) the v2 ones, in the table's order,
 * separated by spaces: for --help. */
void env_read_names(struct buf *out, unsigned shapes, bool v2);
void env_release(struct run_env *e);
/* The value of NAME in the env, or NULL. */
const char *env_get(const struct run_env *e, const char *name);

#endif
