/* recipe: see recipe.h. */
#include "executor/recipe.h"

#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/diag.h"

int recipe_resolve(struct buf *rel_out, const char *workspace, const struct recipe_key *k,
		   struct diags *d)
{
	const char *dir = k->multinode ? "benchmarks/multi_node" : "benchmarks/single_node";
	const char *sub = k->agentic ? "agentic/" : "";
	size_t code_len = strcspn(k->exp_name, "_");
	struct buf spec = BUF_INIT, tried = BUF_INIT;
	if (strcmp(k->spec, "none"))
		buf_addf(&spec, "_%s", k->spec);
	for (int with_framework = 1; with_framework >= 0; with_framework--) {
		struct buf rel = BUF_INIT, abs = BUF_INIT;
		buf_addf(&rel, "%s/%s%.*s_%s_%s", dir, sub, (int)code_len, k->exp_name, k->precision, k->gpu);
		if (with_framework)
			buf_addf(&rel, "_%s", k->framework);
		buf_addf(&rel, "%s.sh", spec.s);
		buf_addf(&abs, "%s/%s", workspace, rel.s);
		struct stat st;
		bool found = !stat(abs.s, &st) && S_ISREG(st.st_mode);
		if (found) {
			buf_reset(rel_out);
			buf_add(rel_out, rel.s, rel.len);
		} else {
			buf_addf(&tried, "\n  %s", abs.s);
		}
		buf_release(&rel);
		buf_release(&abs);
		if (found) {
			buf_release(&spec);
			buf_release(&tried);
			return 0;
		}
	}
	diags_errorf(d, NULL, 0, 0, NULL, "no recipe for this entry; tried:%s", tried.s);
	buf_release(&spec);
	buf_release(&tried);
	return -1;
}
