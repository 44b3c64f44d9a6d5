/* row: a v2 matrix row behaves as upstream's Python dict: first-set order, replace in
 * place, delete without reordering (a key set again after a delete goes last); the
 * canonical text sorts keys at every depth and skips keys at the top only; values built
 * from YAML nodes keep the written order; copies are deep and every owned value is freed
 * (run under ASan or valgrind to check the ownership half). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "common/yamltree.h"
#include "matrixgen/row.h"

/* Invariants after every operation: within capacity, no key twice. */
static void assert_sane(const struct row *r)
{
	assert_true(r->nr <= r->alloc || (!r->nr && !r->alloc));
	for (size_t i = 0; i < r->nr; i++)
		for (size_t k = i + 1; k < r->nr; k++)
			assert_string_not_equal(r->v[i].key, r->v[k].key);
}

/* r as upstream prints it (json.dumps defaults). */
static void assert_json(const struct row *r, const char *expected)
{
	struct buf out = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, JSONW_LINE);
	row_write(&w, r);
	assert_string_equal(out.s, expected);
	buf_release(&out);
}

static void assert_canon(const struct row *r, const char *const *skip, const char *expected)
{
	struct buf out = BUF_INIT;
	row_canon(&out, r, skip);
	assert_string_equal(out.s, expected);
	buf_release(&out);
}

static void test_set_keeps_first_order(void **state)
{
	(void)state;
	struct row r = { 0 };
	row_set(&r, "b", rval_int(1));
	row_set(&r, "a", rval_str("x"));
	row_set(&r, "c", rval_bool(true));
	assert_sane(&r);
	assert_json(&r, "{\"b\": 1, \"a\": \"x\", \"c\": true}");
	row_release(&r);
}

static void test_replace_in_place(void **state)
{
	(void)state;
	struct row r = { 0 };
	row_set(&r, "a", rval_int(1));
	row_set(&r, "b", rval_own(xstrdup("old")));
	row_set(&r, "c", rval_int(3));
	/* a key written by another literal with the same text is the same key */
	char key[] = "b";
	row_set(&r, key, rval_own(xstrdup("new"))); /* frees "old" */
	assert_sane(&r);
	assert_int_equal(r.nr, 3);
	assert_json(&r, "{\"a\": 1, \"b\": \"new\", \"c\": 3}");
	assert_string_equal(row_get(&r, "b")->s, "new");
	assert_null(row_get(&r, "missing"));
	row_release(&r);
}

static void test_delete_keeps_order_and_readd_goes_last(void **state)
{
	(void)state;
	struct row r = { 0 };
	static const char *const keys[] = { "k1", "k2", "k3", "k4" };
	for (size_t i = 0; i < 4; i++)
		row_set(&r, keys[i], rval_own(xstrdup(keys[i])));
	row_del(&r, "k2");
	assert_sane(&r);
	assert_json(&r, "{\"k1\": \"k1\", \"k3\": \"k3\", \"k4\": \"k4\"}");
	row_del(&r, "absent"); /* nothing happens */
	assert_int_equal(r.nr, 3);
	row_set(&r, "k2", rval_int(2));
	assert_json(&r, "{\"k1\": \"k1\", \"k3\": \"k3\", \"k4\": \"k4\", \"k2\": 2}");
	row_del(&r, "k4");
	row_del(&r, "k1");
	assert_sane(&r);
	assert_json(&r, "{\"k3\": \"k3\", \"k2\": 2}");
	row_release(&r);
	assert_int_equal(r.nr, 0);
}

static struct row *nested(void)
{
	struct row *o = xcalloc(1, sizeof(*o));
	row_set(o, "tp", rval_int(4));
	row_set(o, "ep", rval_int(2));
	row_set(o, "conc", rval_int(7)); /* a nested key named like a skipped one stays */
	return o;
}

static void test_canon_sorts_and_skips_top_level_only(void **state)
{
	(void)state;
	static const char *const skip[] = { "conc", "exp-name", NULL };
	struct row a = { 0 }, b = { 0 };
	long concs[] = { 8, 4 };
	row_set(&a, "model", rval_str("m"));
	row_set(&a, "conc", rval_ints(concs, 2));
	row_set(&a, "prefill", rval_obj(nested()));
	row_set(&a, "exp-name", rval_own(xstrdup("x_1k1k")));
	row_set(&a, "disagg", rval_bool(false));
	/* the same fields in another order, other skipped values */
	row_set(&b, "disagg", rval_bool(false));
	row_set(&b, "prefill", rval_obj(nested()));
	row_set(&b, "exp-name", rval_str("y"));
	row_set(&b, "model", rval_str("m"));
	const char *expected =
		"{\"disagg\":false,\"model\":\"m\",\"prefill\":{\"conc\":7,\"ep\":2,\"tp\":4}}";
	assert_canon(&a, skip, expected);
	assert_canon(&b, skip, expected);
	/* without skip every key is there; lists keep their order */
	assert_canon(&a, NULL,
		     "{\"conc\":[8,4],\"disagg\":false,\"exp-name\":\"x_1k1k\",\"model\":\"m\","
		     "\"prefill\":{\"conc\":7,\"ep\":2,\"tp\":4}}");
	/* canon appends and leaves the row's own order alone */
	assert_json(&b, "{\"disagg\": false, \"prefill\": {\"tp\": 4, \"ep\": 2, \"conc\": 7}, "
			"\"exp-name\": \"y\", \"model\": \"m\"}");
	row_release(&a);
	row_release(&b);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Small objects are sorted by insertion on the stack, larger ones by qsort: both sides of
 * the edge give sorted keys, with keys that are prefixes of others and a skip list whose
 * texts are not the row's pointers */
static void test_canon_sorts_any_number_of_keys(void **state)
{
	(void)state;
	static const size_t sizes[] = { 1, 2, 31, 32, 33, 70 };
	char skipped_key[] = "k37"; /* i = 1 */
	const char *const skip[] = { skipped_key, NULL };
	for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
		size_t n = sizes[t];
		char (*names)[8] = xcalloc(n, sizeof(*names));
		const char **sorted = xcalloc(n, sizeof(*sorted));
		struct row r = { 0 };
		size_t kept = 0;
		for (size_t i = 0; i < n; i++) {
			/* a scrambled order of distinct keys: k0, k37, k74, k10 ... (i * 37 mod 101) */
			size_t k = i * 37 % 101;
			snprintf(names[i], sizeof(names[i]), i % 3 ? "k%zu" : "k%zu-", k);
			row_push(&r, names[i], rval_int((long)k));
			if (strcmp(names[i], skipped_key))
				sorted[kept++] = names[i];
		}
		qsort(sorted, kept, sizeof(*sorted), str_cmp);
		struct buf want = BUF_INIT;
		buf_addch(&want, '{');
		for (size_t i = 0; i < kept; i++) {
			const struct rval *v = row_get(&r, sorted[i]);
			buf_addf(&want, "%s\"%s\":%ld", i ? "," : "", sorted[i], v->i);
		}
		buf_addch(&want, '}');
		assert_sane(&r);
		assert_canon(&r, skip, want.s);
		buf_release(&want);
		row_release(&r);
		free(sorted);
		free(names);
	}
}

/* row_push appends as row_set does for a new key; row_set still replaces a pushed one */
static void test_push_appends(void **state)
{
	(void)state;
	struct row r = { 0 };
	row_push(&r, "b", rval_int(1));
	row_push(&r, "a", rval_own(xstrdup("x")));
	row_set(&r, "b", rval_int(2));
	row_push(&r, "c", rval_bool(false));
	assert_sane(&r);
	assert_json(&r, "{\"b\": 2, \"a\": \"x\", \"c\": false}");
	row_release(&r);
}

static void test_from_node_keeps_written_order(void **state)
{
	(void)state;
	static const char yaml[] =
		"router: {name: sglang-router, args: [--policy, cache_aware], workers: 1_024}\n"
		"kv: {dram: true, quoted: \"12\", list: [{b: 1, a: 2}, 3], empty: []}\n";
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	assert_int_equal(ydoc_load(&doc, "t.yaml", yaml, sizeof(yaml) - 1, &d), 0);
	struct row r = { 0 };
	row_set(&r, "router", rval_from_node(ynode_get(doc.root, "router")));
	row_set(&r, "kv", rval_from_node(ynode_get(doc.root, "kv")));
	assert_sane(&r);
	assert_sane(row_get(&r, "router")->obj);
	assert_json(&r, "{\"router\": {\"name\": \"sglang-router\", \"args\": [\"--policy\", "
			"\"cache_aware\"], \"workers\": 1024}, \"kv\": {\"dram\": true, "
			"\"quoted\": \"12\", \"list\": [{\"b\": 1, \"a\": 2}, 3], \"empty\": []}}");
	/* an object from a mapping takes more keys (worker defaults) in order */
	row_set(row_get(&r, "router")->obj, "pp", rval_int(1));
	assert_json(row_get(&r, "router")->obj,
		    "{\"name\": \"sglang-router\", \"args\": [\"--policy\", \"cache_aware\"], "
		    "\"workers\": 1024, \"pp\": 1}");
	row_release(&r);
	ydoc_release(&doc);
	diags_release(&d);
}

static void test_copy_is_deep(void **state)
{
	(void)state;
	struct row src = { 0 }, dst;
	long concs[] = { 1, 2, 3 };
	row_set(&src, "name", rval_own(xstrdup("owned")));
	row_set(&src, "model", rval_str("borrowed"));
	row_set(&src, "conc", rval_ints(concs, 3));
	row_set(&src, "decode", rval_obj(nested()));
	row_copy(&dst, &src);
	assert_sane(&dst);
	assert_true(row_get(&dst, "name")->s != row_get(&src, "name")->s);
	assert_true(row_get(&dst, "model")->s == row_get(&src, "model")->s);
	assert_true(row_get(&dst, "conc")->items != row_get(&src, "conc")->items);
	assert_true(row_get(&dst, "decode")->obj != row_get(&src, "decode")->obj);
	/* changing the copy leaves the source alone */
	row_set(row_get(&dst, "decode")->obj, "tp", rval_int(16));
	row_get(&dst, "conc")->items[0].i = 99;
	row_del(&dst, "name");
	assert_json(&src, "{\"name\": \"owned\", \"model\": \"borrowed\", \"conc\": [1, 2, 3], "
			  "\"decode\": {\"tp\": 4, \"ep\": 2, \"conc\": 7}}");
	assert_json(&dst, "{\"model\": \"borrowed\", \"conc\": [99, 2, 3], "
			  "\"decode\": {\"tp\": 16, \"ep\": 2, \"conc\": 7}}");
	/* rval_copy of one value, released on its own */
	struct rval v = rval_copy(row_get(&src, "decode"));
	rval_release(&v);
	assert_int_equal(v.kind, RV_INT); /* released values are zeroed */
	row_release(&dst);
	row_release(&src);
}

static void test_rows_release_frees_all(void **state)
{
	(void)state;
	struct rows m = { 0 };
	for (int i = 0; i < 40; i++) {
		VEC_GROW(m.v, m.nr + 1, m.alloc);
		struct row *r = &m.v[m.nr++];
		memset(r, 0, sizeof(*r));
		row_reserve(r, 2);
		row_set(r, "i", rval_int(i));
		row_set(r, "s", rval_own(xstrdup("x")));
		row_set(r, "o", rval_obj(nested())); /* past the reserved 2: grows */
		assert_sane(r);
	}
	rows_release(&m);
	assert_null(m.v);
	assert_int_equal(m.nr, 0);
}

/* A small row from a text of key=value items: a value is an int, t/f (a boolean), [a list
 * of ints separated by /], {an object of the same form with ; between items} or a string */
static struct rval parse_val(const char *v, size_t len);

static struct row *parse_row(const char *text, char sep)
{
	struct row *r = xcalloc(1, sizeof(*r));
	while (*text) {
		const char *eq = strchr(text, '='), *end = eq;
		int depth = 0;
		while (*end && (*end != sep || depth)) {
			depth += *end == '{';
			depth -= *end == '}';
			end++;
		}
		row_set(r, xstrndup(text, (size_t)(eq - text)), parse_val(eq + 1, (size_t)(end - eq - 1)));
		text = *end ? end + 1 : end;
	}
	return r;
}

static struct rval parse_val(const char *v, size_t len)
{
	char *s = xstrndup(v, len);
	struct rval out;
	if (s[0] == '{') {
		s[len - 1] = '\0';
		out = rval_obj(parse_row(s + 1, ';'));
	} else if (s[0] == '[') {
		long items[8];
		size_t n = 0;
		for (char *p = s + 1; *p && *p != ']' && n < 8; p++)
			items[n++] = strtol(p, &p, 10);
		out = rval_ints(items, n);
	} else if (!strcmp(s, "t") || !strcmp(s, "f")) {
		out = rval_bool(s[0] == 't');
	} else if (s[0] >= '0' && s[0] <= '9') {
		out = rval_int(atol(s));
	} else {
		return rval_own(s);
	}
	free(s);
	return out;
}

static void free_keys(struct row *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		if (r->v[i].val.kind == RV_OBJ)
			free_keys(r->v[i].val.obj);
		free((char *)r->v[i].key);
	}
}

/* row_equal is equality of the canonical texts, without writing them */
static void test_equal_is_canon_equality(void **state)
{
	(void)state;
	static const char *const skip[] = { "conc", NULL };
	static const char *const pairs[][2] = {
		{ "a=1,b=x", "a=1,b=x" },
		{ "a=1,b=x", "b=x,a=1" },           /* key order: equal */
		{ "a=1,b=x", "a=1,b=y" },
		{ "a=1", "a=t" },                   /* an int is not a boolean */
		{ "a=t", "a=f" },
		{ "a=1,b=x", "a=1" },               /* a key more */
		{ "a=1", "a=1,b=x" },
		{ "a=1,conc=4", "a=1,conc=8" },     /* skipped at the top */
		{ "a=1,conc=4", "a=1" },
		{ "a=[1/2],b=x", "a=[1/2],b=x" },
		{ "a=[1/2]", "a=[2/1]" },           /* list order counts */
		{ "a=[1/2]", "a=[1/2/3]" },
		{ "p={x=1;y=2}", "p={y=2;x=1}" },   /* nested key order: equal */
		{ "p={x=1;y=2}", "p={x=1;y=3}" },
		{ "p={x=1;conc=2}", "p={x=1;conc=3}" }, /* skipped only at the top */
		{ "p={x=1}", "p=x" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct row *a = parse_row(pairs[i][0], ','), *b = parse_row(pairs[i][1], ',');
		struct buf ca = BUF_INIT, cb = BUF_INIT;
		row_canon(&ca, a, skip);
		row_canon(&cb, b, skip);
		bool canon_equal = !strcmp(ca.s, cb.s);
		if (row_equal(a, b, skip) != canon_equal || row_equal(b, a, skip) != canon_equal)
			fail_msg("%s vs %s: row_equal says %d, canonical texts %s / %s", pairs[i][0],
				 pairs[i][1], !canon_equal, ca.s, cb.s);
		buf_release(&ca);
		buf_release(&cb);
		free_keys(a);
		free_keys(b);
		row_release(a);
		row_release(b);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_keeps_first_order),
		cmocka_unit_test(test_replace_in_place),
		cmocka_unit_test(test_delete_keeps_order_and_readd_goes_last),
		cmocka_unit_test(test_canon_sorts_and_skips_top_level_only),
		cmocka_unit_test(test_canon_sorts_any_number_of_keys),
		cmocka_unit_test(test_push_appends),
		cmocka_unit_test(test_from_node_keeps_written_order),
		cmocka_unit_test(test_copy_is_deep),
		cmocka_unit_test(test_rows_release_frees_all),
		cmocka_unit_test(test_equal_is_canon_equality),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
