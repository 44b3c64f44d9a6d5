/*
 * libFuzzer target over the strict YAML loader and the schema validator: the same input is
 * loaded as a master config, as a runner file and as a changelog. Besides crashes, leaks and
 * hangs (the sanitizers and libFuzzer catch those), it checks the loader's contract: a
 * failed load always says why (at least one error), a successful one never carries an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/config.h"

typedef int loader_fn(struct inputs *, const char *, const char *, size_t, struct diags *);

static void check(loader_fn *fn, const char *text, size_t len)
{
	struct inputs in;
	struct diags d = DIAGS_INIT;
	struct buf msgs = BUF_INIT;
	inputs_init(&in);
	int rc = fn(&in, "fuzz.yaml", text, len, &d);
	if ((rc < 0) != (d.errors > 0)) {
		fprintf(stderr, "loader returned %d with %zu errors\n", rc, d.errors);
		abort();
	}
	inputs_warn_unknown_runners(&in, &d);
	diags_format(&msgs, &d);
	buf_release(&msgs);
	diags_release(&d);
	inputs_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	check(inputs_load_configs_text, text, size);
	check(inputs_load_runners_text, text, size);
	check(inputs_load_changelog, text, size);
	return 0;
}
