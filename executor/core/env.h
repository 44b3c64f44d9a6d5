/*
 * env: one entry -> the recipe's environment (executor-spec 2.2), in the spec's order:
 * the table's variables, then the profile's env (of the table it may set only
 * HF_HUB_CACHE), then, multi-node only, prefill's and then decode's additional settings
 * (a name set twice keeps the later value), then the secrets (HF_TOKEN when set, and every
 * --secret-env name), taken from the executor's own environment.
 *
 * struct run_env owns every NAME=VALUE string; env_release frees them.
 */
#ifndef EXECUTOR_ENV_H
#define EXECUTOR_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/vec.h"

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

int entry_to_env(struct run_env *out, const struct env_inputs *in, struct diags *d);
void env_release(struct run_env *e);
/* The value of NAME in the env, or NULL. */
const char *env_get(const struct run_env *e, const char *name);

#endif
