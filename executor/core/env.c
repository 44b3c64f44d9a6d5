/* env: see env.h. */
#include "executor/core/env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/xalloc.h"
#include "executor/core/entry.h"
#include "executor/core/profile.h"

/* executor-spec 2.2's table. Sorted: bsearch. */
static const char *const reserved_vars[] = {
	"CONC", "CONC_LIST", "DECODE_DP_ATTN", "DECODE_EP", "DECODE_NUM_WORKERS", "DECODE_TP",
	"DISAGG", "DP_ATTENTION", "EP_SIZE", "EXP_NAME", "FRAMEWORK", "HF_HUB_CACHE", "IMAGE",
	"ISL", "IS_MULTINODE", "MAX_MODEL_LEN", "MODEL", "MODEL_PREFIX", "OSL", "PORT",
	"PRECISION", "PREFILL_DP_ATTN", "PREFILL_EP", "PREFILL_NUM_WORKERS", "PREFILL_TP",
	"RANDOM_RANGE_RATIO", "RESULT_DIR", "RESULT_FILENAME", "RUNNER_NAME", "RUNNER_TYPE",
	"RUN_EVAL", "SPEC_DECODING", "TP",
};

bool env_name_reserved(const char *name)
{
	return bsearch(&name, reserved_vars, sizeof(reserved_vars) / sizeof(reserved_vars[0]),
		       sizeof(reserved_vars[0]), strptr_cmp) != NULL;
}

bool env_name_valid(const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

/* Sets NAME=VALUE, replacing an earlier value in place (a name appears once). */
static void env_set(struct run_env *e, const char *name, const char *value)
{
	size_t n = strlen(name);
	struct buf kv = BUF_INIT;
	buf_addf(&kv, "%s=%s", name, value);
	for (size_t i = 0; i < e->vars.nr; i++) {
		if (!strncmp(e->vars.v[i], name, n) && e->vars.v[i][n] == '=') {
			free((char *)e->vars.v[i]);
			e->vars.v[i] = buf_take(&kv, NULL);
			return;
		}
	}
	VEC_PUSH(&e->vars, buf_take(&kv, NULL));
}

static void env_setl(struct run_env *e, const char *name, long v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%ld", v);
	env_set(e, name, tmp);
}

const char *env_bool_text(bool b)
{
	return b ? "true" : "false";
}

const char *env_get(const struct run_env *e, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < e->vars.nr; i++)
		if (!strncmp(e->vars.v[i], name, n) && e->vars.v[i][n] == '=')
			return e->vars.v[i] + n + 1;
	return NULL;
}

static void set_worker(struct run_env *e, const char *prefix, const struct entry_worker *w)
{
	char name[64];
	snprintf(name, sizeof(name), "%s_NUM_WORKERS", prefix);
	env_setl(e, name, w->num_worker);
	snprintf(name, sizeof(name), "%s_TP", prefix);
	env_setl(e, name, w->tp);
	snprintf(name, sizeof(name), "%s_EP", prefix);
	env_setl(e, name, w->ep);
	snprintf(name, sizeof(name), "%s_DP_ATTN", prefix);
	env_set(e, name, env_bool_text(w->dp_attn));
}

static bool is_secret_name(const struct strvec *secrets, const char *name)
{
	for (size_t i = 0; secrets && i < secrets->nr; i++)
		if (!strcmp(secrets->v[i], name))
			return true;
	return false;
}

/* Additional settings: checked at entry_parse except against the secret names. */
static int add_settings(struct run_env *e, const struct entry_worker *w, const char *side,
			const struct strvec *secret_env, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < w->settings_nr; i++) {
		const struct entry_setting *s = &w->settings[i];
		if (is_secret_name(secret_env, s->name) || !strcmp(s->name, "HF_TOKEN")) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "%s.additional-settings[%zu]: '%s' is a secret's name; a "
					  "setting may not set it", side, i, s->name);
			continue;
		}
		env_set(e, s->name, s->value);
	}
	return rc;
}

static void table_vars(struct run_env *e, const struct env_inputs *in)
{
	const struct entry *en = in->entry;
	env_set(e, "EXP_NAME", en->exp_name);
	env_set(e, "MODEL", en->model);
	env_set(e, "MODEL_PREFIX", en->model_prefix);
	env_set(e, "IMAGE", en->image);
	env_set(e, "FRAMEWORK", en->framework);
	env_set(e, "PRECISION", en->precision);
	env_setl(e, "ISL", en->isl);
	env_setl(e, "OSL", en->osl);
	env_setl(e, "MAX_MODEL_LEN", en->max_model_len);
	env_set(e, "SPEC_DECODING", en->spec_decoding);
	env_set(e, "DISAGG", env_bool_text(en->disagg));
	if (!en->multinode) {
		env_setl(e, "TP", en->tp);
		env_setl(e, "EP_SIZE", en->ep);
		env_set(e, "DP_ATTENTION", env_bool_text(en->dp_attn));
		env_setl(e, "CONC", en->conc[0]);
		env_set(e, "RUN_EVAL", env_bool_text(en->run_eval));
	} else {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < en->conc_nr; i++)
			buf_addf(&list, "%s%ld", i ? " " : "", en->conc[i]);
		env_set(e, "CONC_LIST", list.s);
		buf_release(&list);
		set_worker(e, "PREFILL", &en->prefill);
		set_worker(e, "DECODE", &en->decode);
		env_set(e, "IS_MULTINODE", "true");
	}
	env_set(e, "RANDOM_RANGE_RATIO", "0.8");
	if (!en->multinode)
		env_set(e, "HF_HUB_CACHE", "/mnt/hf_hub_cache/");
	env_set(e, "RESULT_FILENAME", in->result_filename);
	env_set(e, "RUNNER_TYPE", en->runner);
	env_set(e, "RUNNER_NAME", in->node);
	env_setl(e, "PORT", in->profile->port);
	env_set(e, "RESULT_DIR", in->result_dir);
}

int entry_to_env(struct run_env *out, const struct env_inputs *in, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	table_vars(out, in);
	for (size_t i = 0; i < in->profile->env_nr; i++)
		env_set(out, in->profile->env[i].key, in->profile->env[i].value);
	int rc = 0;
	if (in->entry->multinode) {
		rc |= add_settings(out, &in->entry->prefill, "prefill", in->secret_env, d);
		rc |= add_settings(out, &in->entry->decode, "decode", in->secret_env, d);
	}
	static const char *const hf = "HF_TOKEN";
	const char *v = getenv(hf);
	if (v) {
		env_set(out, hf, v);
		VEC_PUSH(&out->secrets, hf);
	}
	for (size_t i = 0; in->secret_env && i < in->secret_env->nr; i++) {
		const char *name = in->secret_env->v[i];
		VEC_PUSH(&out->secrets, name);
		const char *val = getenv(name);
		if (!val) {
			rc = diags_errorf(d, NULL, 0, 0, NULL,
					  "--secret-env %s: the variable is not set in the "
					  "executor's environment", name);
			continue;
		}
		env_set(out, name, val);
	}
	return rc ? -1 : 0;
}

void env_release(struct run_env *e)
{
	for (size_t i = 0; i < e->vars.nr; i++)
		free((char *)e->vars.v[i]);
	free(e->vars.v);
	free(e->secrets.v);
	memset(e, 0, sizeof(*e));
}
