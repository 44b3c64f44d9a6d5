/* yamltree: marks, aliases, merge-key order, duplicate keys, alias limits, and the split
 * load of big files against the whole one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/yamltree.h"

static int load(struct ydoc *doc, const char *text, struct diags *d)
{
	return ydoc_load(doc, "t.yaml", text, strlen(text), d);
}

static void keys_of(struct buf *out, const struct ynode *map)
{
	buf_reset(out);
	for (size_t i = 0; i < map->nr; i++)
		buf_addf(out, "%s%s=%s", i ? "," : "", map->pairs[i].key->str,
			 map->pairs[i].value->kind == YNODE_SCALAR ? map->pairs[i].value->str : "?");
}

static void test_marks(void **state)
{
	(void)state;
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	assert_int_equal(load(&doc, "a:\n  b: [1, 22]\n", &d), 0);
	const struct ynode *b = ynode_get(ynode_get(doc.root, "a"), "b");
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 6);
	assert_int_equal(b->items[1]->line, 2);
	assert_int_equal(b->items[1]->col, 10);
	ydoc_release(&doc);
	diags_release(&d);
}

static void test_merge_order(void **state)
{
	(void)state;
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	struct buf k = BUF_INIT;
	/* merged keys first in the merged map's order; written values win in place; in a list
	 * of merges the earlier map wins */
	const char *text = "x: &x {a: 1, b: 2, c: 3}\n"
			   "y: &y {c: 30, d: 40}\n"
			   "m: {z: 9, <<: *x, b: 20}\n"
			   "n: {<<: [*y, *x], e: 5}\n";
	assert_int_equal(load(&doc, text, &d), 0);
	keys_of(&k, ynode_get(doc.root, "m"));
	assert_string_equal(k.s, "a=1,b=20,c=3,z=9");
	keys_of(&k, ynode_get(doc.root, "n"));
	assert_string_equal(k.s, "c=30,d=40,a=1,b=2,e=5");
	/* an alias is the anchored node itself, and so is a merged value */
	assert_ptr_equal(ynode_get(ynode_get(doc.root, "m"), "a"),
			 ynode_get(ynode_get(doc.root, "x"), "a"));
	buf_release(&k);
	ydoc_release(&doc);
	diags_release(&d);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct { const char *text; const char *want; } rows[] = {
		{ "a: 1\nb: 2\na: 3\n", "t.yaml:3:1: a: duplicate key, first defined at t.yaml:1:1\n" },
		{ "a: {x: 1, x: 2}\n", "t.yaml:1:11: a.x: duplicate key, first defined at t.yaml:1:5\n" },
		{ "a: *nope\n", "t.yaml:1:4: a: alias '*nope' refers to no anchor defined before it\n" },
		{ "a: &r [1, *r]\n", "t.yaml:1:11: a[1]: alias '*r' refers to a node that contains it\n" },
		{ "a: 1\n---\nb: 2\n", "t.yaml:2:1: expected one YAML document, found a second one\n" },
		{ "a: {<<: 5}\n", "t.yaml:1:9: a.<<: expected a mapping or a list of mappings to merge, "
				  "found a scalar\n" },
		{ "? [1]\n: 2\n", "t.yaml:1:3: expected a string as mapping key, found a list\n" },
		{ "a: [1\n", "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' while "
			     "parsing a flow sequence\n" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ydoc doc;
		struct diags d = DIAGS_INIT;
		struct buf msg = BUF_INIT;
		assert_int_equal(load(&doc, rows[i].text, &d), -1);
		diags_format(&msg, &d);
		assert_string_equal(msg.s, rows[i].want);
		buf_release(&msg);
		ydoc_release(&doc);
		diags_release(&d);
	}
}

static void test_alias_limit(void **state)
{
	(void)state;
	struct buf text = BUF_INIT;
	buf_adds(&text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 9; i++) {
		buf_addf(&text, "a%d: &a%d [", i, i);
		for (int k = 0; k < 10; k++)
			buf_addf(&text, "%s*a%d", k ? ", " : "", i - 1);
		buf_adds(&text, "]\n");
	}
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	assert_int_equal(load(&doc, text.s, &d), -1);
	assert_non_null(strstr(d.v[0].msg, "expands to more than"));
	ydoc_release(&doc);
	diags_release(&d);
	buf_release(&text);
}

/* Every node as text: kind, place, alias expansion, scalar text, style and tag. */
static void dump(struct buf *out, const struct ynode *n, int depth)
{
	buf_addf(out, "%*s%d %d:%d %u", depth * 2, "", (int)n->kind, n->line, n->col,
		 (unsigned)n->expanded);
	if (n->kind == YNODE_SCALAR) {
		buf_addf(out, " %s %d %s\n", n->str, n->plain, n->tag ? n->tag : "-");
		return;
	}
	buf_addf(out, " (%zu)\n", n->nr);
	for (size_t i = 0; i < n->nr; i++) {
		if (n->kind == YNODE_MAP)
			dump(out, n->pairs[i].key, depth + 1);
		dump(out, n->kind == YNODE_MAP ? n->pairs[i].value : n->items[i], depth + 1);
	}
}

/* cmocka cuts long strings: show the first line that differs */
static void assert_same_lines(const char *a, const char *b)
{
	for (int line = 1; *a || *b; line++) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
		if (la != lb || memcmp(a, b, la))
			fail_msg("line %d: '%.*s' != '%.*s'", line, (int)la, a, (int)lb, b);
		a += la + (a[la] != '\0');
		b += lb + (b[lb] != '\0');
	}
}

/* Loads text both ways; they must give the same tree and the same messages. Returns
 * whether ydoc_load split it. */
static bool load_both_ways(const char *text, size_t len)
{
	struct ydoc split, whole;
	struct diags ds = DIAGS_INIT, dw = DIAGS_INIT;
	struct buf ts = BUF_INIT, tw = BUF_INIT;
	int rs = ydoc_load(&split, "t.yaml", text, len, &ds);
	int rw = ydoc_load_whole(&whole, "t.yaml", text, len, &dw);
	assert_int_equal(rs, rw);
	diags_format(&ts, &ds);
	diags_format(&tw, &dw);
	assert_string_equal(ts.s ? ts.s : "", tw.s ? tw.s : "");
	buf_reset(&ts);
	buf_reset(&tw);
	if (!rs) {
		dump(&ts, split.root, 0);
		dump(&tw, whole.root, 0);
		assert_same_lines(ts.s, tw.s);
	}
	bool was_split = split.split;
	assert_false(whole.split);
	buf_release(&ts);
	buf_release(&tw);
	ydoc_release(&split);
	ydoc_release(&whole);
	diags_release(&ds);
	diags_release(&dw);
	return was_split;
}

/* n top-level configs (480: about 60 KB), with `early` written after a quarter of them
 * and `late` after three quarters (in the second half); eol ends every line. */
static void big_text_named(struct buf *t, const char *name, int n, const char *early,
			   const char *late, const char *eol)
{
	buf_reset(t);
	buf_addf(t, "# a big file%s", eol);
	for (int i = 0; i < n; i++) {
		if (i == n / 4)
			buf_adds(t, early);
		if (i == n * 3 / 4)
			buf_adds(t, late);
		buf_addf(t, "%s-%03d:%s  image: \"img:%d\"%s  tags: [a, 'b', %d]%s"
			    "  nested:%s    - {k: %d, v: two}%s    - text: |%s        line %d%s%s",
			 name, i, eol, i, eol, i, eol, eol, i, eol, eol, i, eol, eol);
	}
}

static void big_text(struct buf *t, int n, const char *early, const char *late,
		     const char *eol)
{
	big_text_named(t, "cfg", n, early, late, eol);
}

static void test_split(void **state)
{
	(void)state;
	static const struct {
		const char *name, *early, *late;
		bool split;
	} rows[] = {
		{ "clean", "", "", true },
		{ "anchor and alias in the second half", "", "an: &l [1, 2]\nus: *l\n", true },
		{ "alias to the first half", "anch: &shared {p: 1}\n", "use: *shared\n", false },
		{ "a key in both halves", "dup: 1\n", "dup: 2\n", false },
		{ "syntax error in the second half", "", "bad: [1\n", false },
		{ "duplicate nested key in the second half", "", "nd: {q: 1, q: 2}\n", false },
		{ "merge key at the top of the second half", "", "bb: &b2 {m: 1}\n<<: *b2\n", false },
		{ "a second document", "", "---\nz: 1\n", false },
		{ "a Unicode line separator", "u: \"x\xe2\x80\xa8y\"\n", "", false },
		{ "a directive line", "", "%YAML 1.1\n", false },
	};
	struct buf t = BUF_INIT;
	/* about 55 KB (two pieces) and 230 KB (nine) */
	static const int sizes[] = { 480, 2000 };
	for (size_t n = 0; n < sizeof(sizes) / sizeof(sizes[0]); n++)
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			big_text(&t, sizes[n], rows[i].early, rows[i].late, "\n");
			if (load_both_ways(t.s, t.len) != rows[i].split)
				fail_msg("%s (%d configs): split %d, expected %d", rows[i].name,
					 sizes[n], !rows[i].split, rows[i].split);
		}
	/* CR LF line ends: libyaml counts lines its own way there, so never split */
	big_text(&t, 480, "", "", "\r\n");
	assert_false(load_both_ways(t.s, t.len));
	/* a quoted scalar whose lines go on at column 0 across the middle (libyaml takes it) */
	buf_reset(&t);
	buf_adds(&t, "first: 1\nq: \"");
	for (int i = 0; i < 4000; i++)
		buf_addf(&t, "word%d: x\n", i);
	buf_adds(&t, "end\"\nlast: 2\n");
	assert_false(load_both_ways(t.s, t.len));
	/* a flow mapping at the top, its keys at column 0 */
	buf_reset(&t);
	buf_adds(&t, "{\n");
	for (int i = 0; i < 4000; i++)
		buf_addf(&t, "key%d: %d,\n", i, i);
	buf_adds(&t, "end: 0}\n");
	assert_false(load_both_ways(t.s, t.len));
	/* a document end just before the split: the rest is a second document */
	struct buf late = BUF_INIT;
	big_text_named(&t, "cfg", 240, "", "", "\n");
	buf_adds(&t, "# ");
	for (int i = 0; i < 1000; i++)
		buf_adds(&t, "long comment across the middle ");
	buf_adds(&t, "\n...\n");
	big_text_named(&late, "dfg", 240, "", "", "\n");
	buf_add(&t, late.s, late.len);
	assert_false(load_both_ways(t.s, t.len));
	buf_release(&late);
	/* files under 32 KB are never split */
	big_text(&t, 200, "", "", "\n");
	assert_true(t.len < 32 * 1024);
	assert_false(load_both_ways(t.s, t.len));
	buf_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alias_limit),
		cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
