/* entry: the reader follows common/entry_keys, row by row. An entry written from the table
 * (every key of its shape, a sample value of its type) is accepted; then, for each row, the
 * entry without that key, with a value of the wrong type, with the key misspelt, and (a
 * single-node key) in a multi-node entry must each be refused with a message naming the
 * row's key. The same for the v2 table and CI's scheduling keys, in each of the four shapes
 * (single- and multi-node, fixed and agentic), an entry written from all three tables. Also
 * RESULT_FILENAME (executor-spec 2.3) and the node name (2.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/jsonw.h"
#include "executor/core/entry.h"

enum change { KEEP, OMIT, MISTYPE, MISSPELL };

/* Or'ed into sample's shape: workers get the v2 worker keys too. */
#define WITH_V2 0x100u

/* A value of the row's type (good), or of another type (bad). */
static void sample(struct jsonw *w, const struct entry_key_row *r, unsigned shape, bool bad)
{
	const char *const *values = r->values ? r->values : entry_spec_values;
	size_t last = 0;
	while (values[last + 1])
		last++;
	switch (r->type) {
	case EKT_STRING: bad ? jsonw_int(w, 8) : jsonw_str(w, "s"); break;
	case EKT_NAME: jsonw_str(w, bad ? "../s" : "s"); break;
	case EKT_INT: bad ? jsonw_str(w, "8") : jsonw_int(w, 2); break;
	case EKT_BOOL: bad ? jsonw_str(w, "true") : jsonw_bool(w, false); break;
	/* the last value: kv-offloading dram, which kv-offload-backend goes with */
	case EKT_CHOICE: jsonw_str(w, bad ? "eagle" : values[last]); break;
	case EKT_PRIORITY: jsonw_str(w, bad ? "3" : "-12.500"); break;
	case EKT_QUEUE_TOKEN: jsonw_str(w, bad ? "A3E7341A6C77FF49A9412A8B7E467DAA" :
				       "a3e7341a6c77ff49a9412a8b7e467daa"); break;
	case EKT_ANY_INT: bad ? jsonw_double(w, 42.0) : jsonw_int(w, -42); break;
	case EKT_COUNT: bad ? jsonw_int(w, -1) : jsonw_int(w, 2); break;
	case EKT_RUNNER: jsonw_str(w, bad ? "cluster:../s" : "s"); break;
	case EKT_FINGERPRINT:
		jsonw_str(w, bad ? "ABC" : "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
		break;
	case EKT_COMPONENT:
	case EKT_BACKEND:
		if (bad) {
			jsonw_str(w, "s");
			break;
		}
		jsonw_obj_open(w);
		jsonw_key(w, "name");
		jsonw_str(w, "s");
		jsonw_key(w, "version");
		jsonw_str(w, "1.0");
		jsonw_obj_close(w);
		break;
	case EKT_CONC:
		if (bad) {
			jsonw_double(w, 4.0);
		} else if (shape & ENTRY_ANY_SINGLE) {
			jsonw_int(w, 4);
		} else {
			jsonw_arr_open(w);
			jsonw_int(w, 4);
			jsonw_int(w, 8);
			jsonw_arr_close(w);
		}
		break;
	case EKT_WORKER:
		if (bad) {
			jsonw_arr_open(w);
			jsonw_arr_close(w);
			break;
		}
		jsonw_obj_open(w);
		for (size_t k = 0; k < EWK_NR; k++) {
			jsonw_key(w, entry_worker_keys[k].name);
			sample(w, &entry_worker_keys[k], shape, false);
		}
		for (size_t k = 0; (shape & WITH_V2) && k < EWK2_NR; k++) {
			jsonw_key(w, entry_v2_worker_keys[k].name);
			sample(w, &entry_v2_worker_keys[k], shape, false);
		}
		jsonw_obj_close(w);
		break;
	case EKT_SETTINGS:
		if (bad) {
			jsonw_str(w, "NCCL_DEBUG=INFO");
			break;
		}
		jsonw_arr_open(w);
		jsonw_str(w, "NCCL_DEBUG=INFO");
		jsonw_arr_close(w);
		break;
	}
}

/* An entry of `shape` written from the table, row `at` changed by `how`; extra: a key of
 * the other shape added (EK_NR: none). */
static void write_entry(struct buf *out, unsigned shape, size_t at, enum change how,
			size_t extra)
{
	struct jsonw w;
	buf_reset(out);
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_obj_open(&w);
	for (size_t k = 0; k < EK_NR; k++) {
		const struct entry_key_row *r = &entry_keys[k];
		if (!(r->shapes & shape) && k != extra)
			continue;
		if (k == at && how == OMIT)
			continue;
		if (k == at && how == MISSPELL) {
			struct buf name = BUF_INIT;
			buf_addf(&name, "%s%c", r->name, r->name[strlen(r->name) - 1]);
			jsonw_key(&w, name.s);
			buf_release(&name);
		} else {
			jsonw_key(&w, r->name);
		}
		sample(&w, r, k == extra ? ENTRY_SINGLE : shape, k == at && how == MISTYPE);
	}
	jsonw_obj_close(&w);
}

static void first_diag(const struct diags *d, const char *path, const char *msg_start)
{
	assert_true(d->errors >= 1);
	if (strcmp(d->v[0].path, path) || strncmp(d->v[0].msg, msg_start, strlen(msg_start)))
		fail_msg("want '%s: %s...', got '%s: %s'", path, msg_start, d->v[0].path,
			 d->v[0].msg);
}

static void test_table_entry_accepted(void **state)
{
	(void)state;
	unsigned shapes[] = { ENTRY_SINGLE, ENTRY_MULTI };
	for (size_t s = 0; s < 2; s++) {
		struct buf json = BUF_INIT;
		struct diags d = DIAGS_INIT;
		struct entry e;
		write_entry(&json, shapes[s], EK_NR, KEEP, EK_NR);
		if (entry_parse(&e, json.s, json.len, "e.json", &d))
			fail_msg("%s refused: %s", json.s, d.v[0].msg);
		assert_int_equal(e.multinode, shapes[s] == ENTRY_MULTI);
		assert_int_equal(e.conc_nr, shapes[s] == ENTRY_MULTI ? 2 : 1);
		assert_string_equal(e.image, "s");
		entry_release(&e);
		diags_release(&d);
		buf_release(&json);
	}
}

static void test_each_row_refused(void **state)
{
	(void)state;
	unsigned shapes[] = { ENTRY_SINGLE, ENTRY_MULTI };
	for (size_t s = 0; s < 2; s++) {
		for (size_t k = 0; k < EK_NR; k++) {
			const struct entry_key_row *r = &entry_keys[k];
			if (!(r->shapes & shapes[s]))
				continue;
			static const enum change hows[] = { OMIT, MISTYPE, MISSPELL };
			for (size_t h = 0; h < 3; h++) {
				struct buf json = BUF_INIT, want = BUF_INIT;
				struct diags d = DIAGS_INIT;
				struct entry e;
				write_entry(&json, shapes[s], k, hows[h], EK_NR);
				assert_int_equal(entry_parse(&e, json.s, json.len, "e.json", &d), -1);
				if (hows[h] == OMIT) {
					first_diag(&d, r->name, "missing key");
				} else if (hows[h] == MISTYPE) {
					first_diag(&d, r->name, "expected ");
				} else {
					buf_addf(&want, "unknown key (did you mean '%s'?)", r->name);
					struct buf spelt = BUF_INIT;
					buf_addf(&spelt, "%s%c", r->name, r->name[strlen(r->name) - 1]);
					first_diag(&d, spelt.s, want.s);
					buf_release(&spelt);
				}
				entry_release(&e);
				diags_release(&d);
				buf_release(&json);
				buf_release(&want);
			}
		}
	}
}

/* A single-node key in a multi-node entry is refused as such. */
static void test_other_shape_refused(void **state)
{
	(void)state;
	for (size_t k = 0; k < EK_NR; k++) {
		if (entry_keys[k].shapes & ENTRY_MULTI)
			continue;
		struct buf json = BUF_INIT;
		struct diags d = DIAGS_INIT;
		struct entry e;
		write_entry(&json, ENTRY_MULTI, EK_NR, KEEP, k);
		assert_int_equal(entry_parse(&e, json.s, json.len, "e.json", &d), -1);
		first_diag(&d, entry_keys[k].name,
			   "a single-node key in a multi-node entry (it has 'prefill')");
		entry_release(&e);
		diags_release(&d);
		buf_release(&json);
	}
}

/* Each worker key: missing (unless optional) and mistyped, under its worker's path. */
static void test_worker_rows_refused(void **state)
{
	(void)state;
	for (size_t k = 0; k < EWK_NR; k++) {
		const struct entry_key_row *r = &entry_worker_keys[k];
		for (int bad = 0; bad < 2; bad++) {
			if (!bad && r->optional)
				continue;
			struct buf json = BUF_INIT, path = BUF_INIT;
			struct diags d = DIAGS_INIT;
			struct entry e;
			struct jsonw w;
			jsonw_init(&w, &json, JSONW_LINE);
			jsonw_obj_open(&w);
			for (size_t i = 0; i < EK_NR; i++) {
				if (!(entry_keys[i].shapes & ENTRY_MULTI))
					continue;
				jsonw_key(&w, entry_keys[i].name);
				if (i != EK_DECODE) {
					sample(&w, &entry_keys[i], ENTRY_MULTI, false);
					continue;
				}
				jsonw_obj_open(&w);
				for (size_t j = 0; j < EWK_NR; j++) {
					if (j == k && !bad)
						continue;
					jsonw_key(&w, entry_worker_keys[j].name);
					sample(&w, &entry_worker_keys[j], ENTRY_MULTI, j == k);
				}
				jsonw_obj_close(&w);
			}
			jsonw_obj_close(&w);
			assert_int_equal(entry_parse(&e, json.s, json.len, "e.json", &d), -1);
			buf_addf(&path, "decode.%s", r->name);
			first_diag(&d, path.s, bad ? "expected " : "missing key");
			entry_release(&e);
			diags_release(&d);
			buf_release(&json);
			buf_release(&path);
		}
	}
}

/* The tables an entry is written from, in the reader's order: v1, v2, CI's. */
static const struct {
	const struct entry_key_row *rows;
	size_t nr;
} tables[] = { { entry_keys, EK_NR }, { entry_v2_keys, EK2_NR }, { entry_ci_keys, EKC_NR } };
#define TABLES_NR (sizeof(tables) / sizeof(tables[0]))
static const unsigned all_shapes[] = { ENTRY_SINGLE, ENTRY_MULTI, ENTRY_AGENTIC_SINGLE,
				       ENTRY_AGENTIC_MULTI };

/* An entry of `shape` with every key of the three tables it has, row `at` of table `t_at`
 * changed by `how`. */
static void write_entry_all(struct buf *out, unsigned shape, size_t t_at, size_t at,
			    enum change how)
{
	struct jsonw w;
	buf_reset(out);
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_obj_open(&w);
	for (size_t t = 0; t < TABLES_NR; t++) {
		for (size_t k = 0; k < tables[t].nr; k++) {
			const struct entry_key_row *r = &tables[t].rows[k];
			bool here = t == t_at && k == at;
			if (!(r->shapes & shape) || (here && how == OMIT))
				continue;
			if (here && how == MISSPELL) {
				struct buf name = BUF_INIT;
				buf_addf(&name, "%s%c", r->name, r->name[strlen(r->name) - 1]);
				jsonw_key(&w, name.s);
				buf_release(&name);
			} else {
				jsonw_key(&w, r->name);
			}
			sample(&w, r, shape | WITH_V2, here && how == MISTYPE);
		}
	}
	jsonw_obj_close(&w);
}

/* Every key of every table, in each shape: accepted, as v2 (CI's keys do not decide it),
 * the CI keys read as written. */
static void test_all_tables_accepted(void **state)
{
	(void)state;
	for (size_t s = 0; s < 4; s++) {
		struct buf json = BUF_INIT;
		struct diags d = DIAGS_INIT;
		struct entry e;
		write_entry_all(&json, all_shapes[s], TABLES_NR, 0, KEEP);
		if (entry_parse(&e, json.s, json.len, "e.json", &d))
			fail_msg("%s refused: %s: %s", json.s, d.v[0].path, d.v[0].msg);
		assert_true(e.v2);
		assert_int_equal(e.multinode, (all_shapes[s] & ENTRY_ANY_MULTI) != 0);
		assert_int_equal(e.agentic, all_shapes[s] >= ENTRY_AGENTIC_SINGLE);
		assert_string_equal(e.ci_priority, "-12.500");
		assert_string_equal(e.ci_queue_token, "a3e7341a6c77ff49a9412a8b7e467daa");
		assert_int_equal(e.ci_skip_queue_pr, -42);
		entry_release(&e);
		diags_release(&d);
		buf_release(&json);
	}
}

/* Each row of the v2 and CI tables, in each shape that has it: left out (when the shape
 * needs it; v2 single-node needs its sizes), mistyped and misspelt, each refused naming
 * the key. scenario-type is the agentic shapes' own key: leaving it out or misspelling it
 * makes another shape, whose refusals test_entry_v2 checks. */
static void test_v2_and_ci_rows_refused(void **state)
{
	(void)state;
	const char *scenario = entry_v2_keys[EK2_SCENARIO_TYPE].name;
	for (size_t s = 0; s < 4; s++) {
		unsigned shape = all_shapes[s];
		for (size_t t = 1; t < TABLES_NR; t++) {
			for (size_t k = 0; k < tables[t].nr; k++) {
				const struct entry_key_row *r = &tables[t].rows[k];
				if (!(r->shapes & shape))
					continue;
				bool shape_key = !strcmp(r->name, scenario);
				bool needed = !r->optional && (!(r->optional_in & shape) ||
							       shape == ENTRY_SINGLE);
				for (enum change how = OMIT; how <= MISSPELL; how++) {
					if ((how == OMIT && (!needed || shape_key)) ||
					    (how == MISSPELL && shape_key))
						continue;
					struct buf json = BUF_INIT, want = BUF_INIT, spelt = BUF_INIT;
					struct diags d = DIAGS_INIT;
					struct entry e;
					write_entry_all(&json, shape, t, k, how);
					if (entry_parse(&e, json.s, json.len, "e.json", &d) != -1)
						fail_msg("accepted: %s", json.s);
					if (how == OMIT) {
						first_diag(&d, r->name, "missing key");
					} else if (how == MISTYPE) {
						first_diag(&d, r->name, "expected ");
					} else {
						buf_addf(&want, "unknown key (did you mean '%s'?)",
							 r->name);
						buf_addf(&spelt, "%s%c", r->name,
							 r->name[strlen(r->name) - 1]);
						first_diag(&d, spelt.s, want.s);
					}
					entry_release(&e);
					diags_release(&d);
					buf_release(&json);
					buf_release(&want);
					buf_release(&spelt);
				}
			}
		}
	}
}

/* Each v2 worker key mistyped, under its worker's path. */
static void test_v2_worker_rows_refused(void **state)
{
	(void)state;
	for (size_t k = 0; k < EWK2_NR; k++) {
		const struct entry_key_row *r = &entry_v2_worker_keys[k];
		struct buf json = BUF_INIT, path = BUF_INIT;
		struct diags d = DIAGS_INIT;
		struct entry e;
		struct jsonw w;
		write_entry_all(&json, ENTRY_MULTI, TABLES_NR, 0, KEEP);
		/* rewrite decode: every key, row k of the v2 worker keys mistyped */
		buf_reset(&json);
		jsonw_init(&w, &json, JSONW_LINE);
		jsonw_obj_open(&w);
		for (size_t t = 0; t < TABLES_NR; t++) {
			for (size_t i = 0; i < tables[t].nr; i++) {
				const struct entry_key_row *row = &tables[t].rows[i];
				if (!(row->shapes & ENTRY_MULTI))
					continue;
				jsonw_key(&w, row->name);
				if (t || i != EK_DECODE) {
					sample(&w, row, ENTRY_MULTI | WITH_V2, false);
					continue;
				}
				jsonw_obj_open(&w);
				for (size_t j = 0; j < EWK_NR; j++) {
					jsonw_key(&w, entry_worker_keys[j].name);
					sample(&w, &entry_worker_keys[j], ENTRY_MULTI, false);
				}
				for (size_t j = 0; j < EWK2_NR; j++) {
					jsonw_key(&w, entry_v2_worker_keys[j].name);
					sample(&w, &entry_v2_worker_keys[j], ENTRY_MULTI, j == k);
				}
				jsonw_obj_close(&w);
			}
		}
		jsonw_obj_close(&w);
		assert_int_equal(entry_parse(&e, json.s, json.len, "e.json", &d), -1);
		buf_addf(&path, "decode.%s", r->name);
		first_diag(&d, path.s, "expected ");
		entry_release(&e);
		diags_release(&d);
		buf_release(&json);
		buf_release(&path);
	}
}

static void test_result_filename_and_node(void **state)
{
	(void)state;
	static const char single[] =
		"{\"image\": \"i\", \"model\": \"m\", \"model-prefix\": \"dsr1\", \"precision\": "
		"\"fp8\", \"framework\": \"sglang\", \"runner\": \"h200\", \"isl\": 1024, \"osl\": "
		"1024, \"tp\": 8, \"conc\": 4, \"max-model-len\": 2248, \"ep\": 1, \"dp-attn\": false, "
		"\"spec-decoding\": \"none\", \"exp-name\": \"dsr1_1k1k\", \"disagg\": false, "
		"\"run-eval\": false}";
	struct entry e;
	struct diags d = DIAGS_INIT;
	assert_int_equal(entry_parse(&e, single, sizeof(single) - 1, "e.json", &d), 0);
	struct buf name = BUF_INIT;
	entry_result_filename(&name, &e, "h200-nv_0");
	assert_string_equal(name.s,
			    "dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nv_0");
	unsetenv("RUNNER_NAME");
	assert_string_equal(entry_node_name(&e, NULL), "h200");
	assert_string_equal(entry_node_name(&e, ""), "h200");
	setenv("RUNNER_NAME", "h200-nv_3", 1);
	assert_string_equal(entry_node_name(&e, NULL), "h200-nv_3");
	assert_string_equal(entry_node_name(&e, "x_1"), "x_1");
	setenv("RUNNER_NAME", "", 1);
	assert_string_equal(entry_node_name(&e, NULL), "h200");
	unsetenv("RUNNER_NAME");
	buf_release(&name);
	entry_release(&e);
	diags_release(&d);
}

/* An entry whose key is set to the JSON value text, else as test_result_filename's. */
static int parse_with(const char *key, const char *value, struct diags *d)
{
	static const char *const keys[] = { "image", "model", "model-prefix", "precision",
					     "framework", "runner", "isl", "osl", "tp", "conc",
					     "max-model-len", "ep", "dp-attn", "spec-decoding",
					     "exp-name", "disagg", "run-eval" };
	static const char *const values[] = { "\"i\"", "\"m\"", "\"dsr1\"", "\"fp8\"",
					       "\"sglang\"", "\"h200\"", "1024", "1024", "8", "4",
					       "2248", "1", "false", "\"none\"", "\"dsr1_1k1k\"",
					       "false", "false" };
	struct buf json = BUF_INIT;
	buf_addch(&json, '{');
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		buf_addf(&json, "%s\"%s\": %s", i ? ", " : "", keys[i],
			 strcmp(keys[i], key) ? values[i] : value);
	buf_addch(&json, '}');
	struct entry e;
	int rc = entry_parse(&e, json.s, json.len, "e.json", d);
	if (!rc)
		entry_release(&e);
	buf_release(&json);
	return rc;
}

/* Values that become part of a path are safe names; no string carries a NUL
 * (a NUL would cut "a\u0000b" to "a" in the recipe's MODEL); conc is bounded. */
static void test_hostile_values(void **state)
{
	(void)state;
	static const struct { const char *key, *value, *msg; } bad[] = {
		{ "exp-name", "\"../../../evil\"", "expected a safe name" },
		{ "exp-name", "\"x/../../esc\"", "expected a safe name" },
		{ "framework", "\"..\"", "expected a safe name" },
		{ "precision", "\"fp8\\u0000x\"", "expected a safe name" },
		{ "runner", "\"../../etc/passwd\"", "expected a safe name" },
		{ "model-prefix", "\"-rf\"", "expected a safe name" },
		{ "model", "\"a\\u0000b\"", "expected a string without NUL characters" },
		{ "image", "\"img\\u0000\"", "expected a string without NUL characters" },
		{ "conc", "2147483648", "expected an integer from 1 to 65536" },
		{ "conc", "65537", "expected an integer from 1 to 65536" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct diags d = DIAGS_INIT;
		assert_int_equal(parse_with(bad[i].key, bad[i].value, &d), -1);
		first_diag(&d, bad[i].key, bad[i].msg);
		diags_release(&d);
	}
	/* a member "image\u0000" is not image: unknown (it once passed as image and leaked) */
	struct diags dk = DIAGS_INIT;
	assert_int_equal(parse_with("isl", "1024, \"image\\u0000\": \"b\"", &dk), -1);
	first_diag(&dk, "image", "unknown key (it holds a NUL character)");
	diags_release(&dk);
	struct diags d = DIAGS_INIT;
	assert_int_equal(parse_with("conc", "65536", &d), 0);
	assert_int_equal(parse_with("model", "\"org/Model-v1.5 (caf\u00e9)\"", &d), 0);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_table_entry_accepted),
		cmocka_unit_test(test_each_row_refused),
		cmocka_unit_test(test_other_shape_refused),
		cmocka_unit_test(test_worker_rows_refused),
		cmocka_unit_test(test_all_tables_accepted),
		cmocka_unit_test(test_v2_and_ci_rows_refused),
		cmocka_unit_test(test_v2_worker_rows_refused),
		cmocka_unit_test(test_result_filename_and_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
