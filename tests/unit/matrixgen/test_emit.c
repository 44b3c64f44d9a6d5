/* emit: the keys matrixgen writes are common/entry_keys' layouts, in order, for both shapes
 * and every layout; workers keep their written key order where the layout says so, else
 * the table's worker order with additional-settings always present (matrix-spec 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "matrixgen/config.h"
#include "matrixgen/emit.h"
#include "matrixgen/expand.h"

/* One single-node and one multi-node config; the prefill worker's keys are written out of
 * the table's order. */
static const char config_yaml[] =
	"s1:\n"
	"  image: img\n  model: m\n  model-prefix: p\n  precision: fp8\n  framework: sglang\n"
	"  runner: h200\n  multinode: false\n"
	"  seq-len-configs:\n"
	"  - {isl: 1024, osl: 1024, search-space: [{tp: 8, conc-start: 4, conc-end: 4}]}\n"
	"m1:\n"
	"  image: img\n  model: m\n  model-prefix: p\n  precision: fp4\n  framework: dynamo-trt\n"
	"  runner: gb200\n  multinode: true\n  disagg: true\n"
	"  seq-len-configs:\n"
	"  - isl: 1024\n    osl: 8192\n    search-space:\n"
	"    - spec-decoding: mtp\n"
	"      prefill: {dp-attn: true, tp: 4, additional-settings: [A=1], num-worker: 2, ep: 4}\n"
	"      decode: {num-worker: 1, tp: 8, ep: 8, dp-attn: false}\n"
	"      conc-list: [64, 8]\n";
static const char runners_yaml[] = "h200: [h200_0]\ngb200: [gb200_0]\n";

/* The member names of JSON objects at nesting depth `depth` (1: the object itself), in
 * order, joined by ", ". Enough for what emit writes: no key holds a quote. */
static void keys_at(struct buf *out, const char *json, int depth)
{
	int d = 0;
	buf_reset(out);
	for (const char *p = json; *p; p++) {
		if (*p == '{' || *p == '[') {
			d++;
		} else if (*p == '}' || *p == ']') {
			d--;
		} else if (*p == '"') {
			const char *start = ++p;
			while (*p != '"')
				p += *p == '\\' ? 2 : 1;
			if (d == depth && p[1] == ':')
				buf_addf(out, "%s%.*s", out->len ? ", " : "", (int)(p - start), start);
		}
	}
}

static void layout_names(struct buf *out, const enum entry_key *keys)
{
	buf_reset(out);
	for (size_t i = 0; keys[i] != EK_NR; i++)
		buf_addf(out, "%s%s", i ? ", " : "", entry_keys[keys[i]].name);
}

struct loaded {
	struct inputs in;
	struct mentries m; /* [0] single-node, [1] multi-node */
};

static int setup(void **state)
{
	static struct loaded l;
	struct diags d = DIAGS_INIT;
	inputs_init(&l.in);
	assert_int_equal(inputs_load_configs_text(&l.in, "c.yaml", config_yaml,
						  sizeof(config_yaml) - 1, &d), 0);
	assert_int_equal(inputs_load_runners_text(&l.in, "r.yaml", runners_yaml,
						  sizeof(runners_yaml) - 1, &d), 0);
	struct sweep_filter f = { .step = 2 };
	memset(&l.m, 0, sizeof(l.m));
	for (size_t i = 0; i < l.in.configs_nr; i++)
		expand_config(&l.m, &l.in, &l.in.configs[i], &f);
	assert_int_equal(l.m.nr, 2);
	assert_false(l.m.v[0].cfg->multinode);
	assert_true(l.m.v[1].cfg->multinode);
	diags_release(&d);
	*state = &l;
	return 0;
}

static int teardown(void **state)
{
	struct loaded *l = *state;
	mentries_release(&l->m);
	inputs_release(&l->in);
	return 0;
}

static void emit_one(struct buf *out, const struct mentry *e, const struct entry_layout *l)
{
	struct jsonw w;
	buf_reset(out);
	jsonw_init(&w, out, JSONW_LINE);
	emit_entry(&w, e, l);
}

static void test_key_order_is_the_layout(void **state)
{
	struct loaded *l = *state;
	const struct entry_layout *layouts[] = { &entry_layout_sweep, &entry_layout_rms,
						 &entry_layout_changelog };
	struct buf json = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		emit_one(&json, &l->m.v[0], layouts[i]);
		keys_at(&got, json.s, 1);
		layout_names(&want, layouts[i]->single);
		assert_string_equal(got.s, want.s);
		emit_one(&json, &l->m.v[1], layouts[i]);
		keys_at(&got, json.s, 1);
		layout_names(&want, layouts[i]->multi);
		assert_string_equal(got.s, want.s);
	}
	buf_release(&json);
	buf_release(&got);
	buf_release(&want);
}

/* full-sweep: the prefill worker as written; runner-model-sweep: the table's order, with
 * additional-settings present even where it was not written (decode). */
static void test_worker_keys(void **state)
{
	struct loaded *l = *state;
	struct buf json = BUF_INIT, got = BUF_INIT;
	emit_one(&json, &l->m.v[1], &entry_layout_sweep);
	assert_non_null(strstr(json.s, "\"prefill\": {\"dp-attn\": true, \"tp\": 4, "
				       "\"additional-settings\": [\"A=1\"], \"num-worker\": 2, "
				       "\"ep\": 4}, \"decode\": {\"num-worker\": 1, \"tp\": 8, "
				       "\"ep\": 8, \"dp-attn\": false}"));
	emit_one(&json, &l->m.v[1], &entry_layout_rms);
	keys_at(&got, json.s, 2);
	struct buf want = BUF_INIT;
	for (int side = 0; side < 2; side++)
		for (size_t k = 0; k < EWK_NR; k++)
			buf_addf(&want, "%s%s", want.len ? ", " : "", entry_worker_keys[k].name);
	assert_string_equal(got.s, want.s);
	assert_non_null(strstr(json.s, "\"dp-attn\": false, \"additional-settings\": []}"));
	buf_release(&json);
	buf_release(&got);
	buf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_order_is_the_layout),
		cmocka_unit_test(test_worker_keys),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
