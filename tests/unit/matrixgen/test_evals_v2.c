/* evals_v2: the eval marks do not depend on the group keys' hashes. Upstream's real configs
 * are expanded and marked (plain, --evals-only, --all-evals) once as built and once with
 * every hash made equal (evals_v2_hash_mask = 0), where each group must come from comparing
 * the rows themselves: the two outputs must be the same bytes. (That the marks are
 * upstream's is the upstream_v2.* cases' job.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "matrixgen/expand.h"
#include "matrixgen/expand_v2.h"
#include "matrixgen/inputs.h"

#define CONFIGS TESTS_DIR "/upstream-v2/configs/"

static void sweep(struct buf *out, bool evals_only, bool all_evals, uint64_t mask)
{
	struct inputs in;
	struct diags d = DIAGS_INIT;
	struct common_opts o = { .runner_config = CONFIGS "runners.yaml" };
	const char *files[] = { CONFIGS "nvidia-master.yaml", CONFIGS "amd-master.yaml" };
	o.config_files.v = files;
	o.config_files.nr = 2;
	inputs_init(&in);
	assert_int_equal(inputs_load_all(&in, &o, false, &d), 0);
	struct sweep_filter f = { 0 };
	struct v2_sweep s = { .single = true, .multi = true, .fixed = true, .agentic = true,
			      .step = 2 };
	struct rows m = { 0 };
	expand_v2_configs(&m, &in, &f, &s);
	evals_v2_hash_mask = mask;
	evals_v2_apply(&m, false, evals_only, all_evals);
	evals_v2_hash_mask = UINT64_MAX;
	emit_rows(out, NULL, &m);
	rows_release(&m);
	inputs_release(&in);
	diags_release(&d);
}

static void test_marks_without_hashes(void **state)
{
	(void)state;
	static const struct { bool evals_only, all_evals; } modes[] = {
		{ false, false }, { true, false }, { false, true },
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct buf hashed = BUF_INIT, colliding = BUF_INIT;
		sweep(&hashed, modes[i].evals_only, modes[i].all_evals, UINT64_MAX);
		sweep(&colliding, modes[i].evals_only, modes[i].all_evals, 0);
		assert_true(hashed.len > 1000);
		if (hashed.len != colliding.len || memcmp(hashed.s, colliding.s, hashed.len))
			fail_msg("mode %zu: %zu bytes with hashes, %zu with all colliding", i,
				 hashed.len, colliding.len);
		buf_release(&hashed);
		buf_release(&colliding);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks_without_hashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
