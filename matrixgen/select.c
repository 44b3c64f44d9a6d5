/* select: see select.h. */
#include "matrixgen/select.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/keymatch.h"

static bool contains(const struct ptrvec *v, const struct config *c)
{
	for (size_t i = 0; i < v->nr; i++)
		if (v->v[i] == c)
			return true;
	return false;
}

static void available_keys(struct buf *out, const struct inputs *in)
{
	struct strvec keys = { 0 };
	for (size_t i = 0; i < in->configs_nr; i++)
		VEC_PUSH(&keys, in->configs[i].key);
	strvec_sort(&keys);
	buf_adds(out, "Available keys: ");
	strvec_join(out, &keys, ", ");
	free(keys.v);
}

int select_test_config_keys(struct ptrvec *out, const struct inputs *in,
			    const struct strvec *keys, struct diags *d)
{
	for (size_t k = 0; k < keys->nr; k++) {
		const char *key = keys->v[k];
		bool pattern = key_is_pattern(key), found = false;
		for (size_t i = 0; i < in->configs_nr; i++) {
			const struct config *c = &in->configs[i];
			if (pattern ? !key_glob_match(key, c->key) : strcmp(key, c->key))
				continue;
			found = true;
			if (!contains(out, c))
				VEC_PUSH(out, c);
		}
		if (found)
			continue;
		struct buf msg = BUF_INIT;
		if (pattern)
			buf_addf(&msg, "Pattern '%s' matched no config keys.\n", key);
		else
			buf_addf(&msg, "Config key(s) not found: %s.\n", key);
		available_keys(&msg, in);
		diags_errorf(d, NULL, 0, 0, NULL, "%s", msg.s);
		buf_release(&msg);
		return -1;
	}
	return 0;
}

/* Configs live in one array in master-config order, so their addresses sort that way. */
static int master_order_cmp(const void *a, const void *b)
{
	const struct config *x = *(const struct config *const *)a;
	const struct config *y = *(const struct config *const *)b;
	return x < y ? -1 : x > y;
}

int select_changelog_keys(struct ptrvec *out, struct ptrvec *taken, const struct inputs *in,
			  const char **keys, size_t keys_nr, struct diags *d)
{
	for (size_t k = 0; k < keys_nr; k++) {
		const char *key = keys[k];
		bool wildcard = strchr(key, '*') != NULL, found = false;
		for (size_t i = 0; i < in->configs_nr; i++) {
			const struct config *c = &in->configs[i];
			if (wildcard ? !key_star_match(key, c->key) : strcmp(key, c->key))
				continue;
			found = true;
			if (contains(taken, c) || contains(out, c))
				continue;
			VEC_PUSH(out, c);
		}
		if (found)
			continue;
		if (wildcard)
			return diags_errorf(d, NULL, 0, 0, NULL,
					    "No config keys matched the wildcard pattern '%s' in "
					    "master configs.", key);
		return diags_errorf(d, NULL, 0, 0, NULL,
				    "Config key '%s' not found in master configs.", key);
	}
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), master_order_cmp);
	for (size_t i = 0; i < out->nr; i++)
		VEC_PUSH(taken, out->v[i]);
	return 0;
}
