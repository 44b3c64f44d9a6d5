/* inputs: see inputs.h. */
#include "matrixgen/inputs.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"

static const char *const config_dirs[] = { "configs", ".github/configs" };

/* Every *-master.yaml in the first of config_dirs that has any, sorted by name. */
static void default_config_files(struct strvec *out, struct strvec *owned)
{
	for (size_t d = 0; d < sizeof(config_dirs) / sizeof(config_dirs[0]); d++) {
		DIR *dir = opendir(config_dirs[d]);
		if (!dir)
			continue;
		struct dirent *de;
		size_t first = owned->nr;
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);
			if (n > 12 && !strcmp(de->d_name + n - 12, "-master.yaml")) {
				struct buf p = BUF_INIT;
				buf_addf(&p, "%s/%s", config_dirs[d], de->d_name);
				VEC_PUSH(owned, buf_take(&p, NULL));
			}
		}
		closedir(dir);
		if (owned->nr > first) {
			qsort(owned->v + first, owned->nr - first, sizeof(char *), strptr_cmp);
			for (size_t i = first; i < owned->nr; i++)
				VEC_PUSH(out, owned->v[i]);
			return;
		}
	}
}

static const char *default_runner_file(void)
{
	static const char *const candidates[] = { "configs/runners.yaml",
						  ".github/configs/runners.yaml" };
	for (size_t i = 0; i < 2; i++)
		if (!access(candidates[i], F_OK))
			return candidates[i];
	return NULL;
}

int inputs_load_all(struct inputs *in, const struct common_opts *o, bool default_configs,
		    struct diags *d)
{
	struct strvec files = { 0 }, owned = { 0 };
	for (size_t i = 0; i < o->config_files.nr; i++)
		VEC_PUSH(&files, o->config_files.v[i]);
	if (!files.nr && default_configs) {
		default_config_files(&files, &owned);
		if (!files.nr)
			diags_errorf(d, NULL, 0, 0, NULL,
				     "no master configs: no *-master.yaml in configs/ or "
				     ".github/configs/; use --config-files");
	}
	int rc = files.nr || !default_configs ? 0 : -1;
	for (size_t i = 0; i < files.nr; i++)
		if (inputs_load_configs(in, files.v[i], d))
			rc = -1;
	const char *runner_file = o->runner_config ? o->runner_config : default_runner_file();
	if (!runner_file)
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "no runner file: neither configs/runners.yaml nor "
				  ".github/configs/runners.yaml exists; use --runner-config");
	else if (inputs_load_runners(in, runner_file, d))
		rc = -1;
	else if (inputs_check_v2_hardware(in, d))
		rc = -1;
	else
		inputs_warn_unknown_runners(in, d);
	/* names in messages must outlive this call: the ydocs keep their own copies */
	for (size_t i = 0; i < owned.nr; i++)
		free((char *)owned.v[i]);
	free(owned.v);
	free(files.v);
	return rc;
}

const char *const scenario_type_choices[] = { "fixed-seq-len", "agentic-coding", NULL };

int common_opts_check_layout(const struct common_opts *o, const struct inputs *in,
			     const struct strvec *seq_lens, struct diags *d)
{
	if (in->layout == LAYOUT_V2) {
		if (o->run_evals)
			return diags_usagef(d, "--run-evals is for v1 configs; v2 configs (%s) mark "
					       "evals by default (--no-evals turns that off)",
					    in->layout_file);
		for (size_t i = 0; seq_lens && i < seq_lens->nr; i++)
			if (!strcmp(seq_lens->v[i], "1k8k"))
				return diags_usagef(d, "--seq-lens 1k8k is for v1 configs; v2 configs "
						       "(%s) take 1k1k and 8k1k", in->layout_file);
		return 0;
	}
	const char *v2_only = o->no_evals ? "no-evals" : o->all_evals ? "all-evals" :
			      o->scenario_types.nr ? "scenario-type" : NULL;
	if (v2_only)
		return diags_usagef(d, "--%s is for v2 configs (scenarios); %s is a v1 config",
				    v2_only, in->layout_file ? in->layout_file : "the input");
	return 0;
}

void common_opts_release(struct common_opts *o)
{
	free(o->scenario_types.v);
	o->scenario_types.v = NULL;
	free(o->config_files.v);
	o->config_files.v = NULL;
	o->config_files.nr = o->config_files.alloc = 0;
}
