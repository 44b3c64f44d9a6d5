/* jsonw: escapes per style, Python float repr, separators and indentation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"

static void test_float_repr(void **state)
{
	(void)state;
	static const struct { double v; const char *want; } rows[] = {
		{ 12.0, "12.0" }, { 0.1, "0.1" }, { 1e-05, "1e-05" }, { 0.0001, "0.0001" },
		{ 1.5e16, "1.5e+16" }, { 1e16, "1e+16" }, { 9999999999999998.0, "9999999999999998.0" },
		{ 123456.789, "123456.789" }, { -0.0, "-0.0" }, { 0.0, "0.0" }, { -2.5, "-2.5" },
		{ 1.0 / 3, "0.3333333333333333" }, { 2.0 / 3, "0.6666666666666666" },
		{ 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ 123e-7, "1.23e-05" }, { 100.0, "100.0" }, { 1e22, "1e+22" },
		{ 0.30000000000000004, "0.30000000000000004" }, { 41.67, "41.67" },
		{ INFINITY, "Infinity" }, { -INFINITY, "-Infinity" }, { NAN, "NaN" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[32];
		fmt_double_py(out, rows[i].v);
		assert_string_equal(out, rows[i].want);
	}
}

static void quote(struct buf *b, const char *s, enum jsonw_style st)
{
	buf_reset(b);
	json_quote(b, s, strlen(s), st);
}

static void test_escapes(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	const char *in = "a\"b\\c/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80";
	quote(&b, in, JSONW_LINE);
	assert_string_equal(b.s, "\"a\\\"b\\\\c/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\\u00e9\\u2028"
				 "\\ud83d\\ude00\"");
	quote(&b, in, JSONW_COMPACT);
	assert_string_equal(b.s, "\"a\\\"b\\\\c/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\xe2\x80\xa8"
				 "\xf0\x9f\x98\x80\"");
	/* invalid UTF-8 never passes through */
	quote(&b, "x\xff\xc3", JSONW_LINE);
	assert_string_equal(b.s, "\"x\\ufffd\\ufffd\"");
	buf_release(&b);
}

/* integers are formatted by hand: the edges of long long, zero, and keys needing escapes */
static void test_ints_and_keys(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b, JSONW_LINE);
	jsonw_arr_open(&w);
	static const long long v[] = { 0, 7, -1, 1024, -9223372036854775807LL - 1,
				       9223372036854775807LL };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		jsonw_int(&w, v[i]);
	jsonw_obj_open(&w);
	jsonw_key(&w, "plain");
	jsonw_int(&w, -42);
	jsonw_key(&w, "q\"k\n");
	jsonw_str(&w, "");
	jsonw_obj_close(&w);
	jsonw_arr_close(&w);
	assert_string_equal(b.s, "[0, 7, -1, 1024, -9223372036854775808, 9223372036854775807, "
				 "{\"plain\": -42, \"q\\\"k\\n\": \"\"}]");
	buf_release(&b);
}

/* The escape rule written out independently of jsonw's byte table: printable ASCII but '"'
 * and '\\' as is, the short escapes, the rest of the ASCII range as \u00XX. */
static void expect_quoted(struct buf *out, unsigned char c)
{
	static const char *const short_esc[128] = {
		['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
		['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
	};
	buf_adds(out, "\"x");
	if (short_esc[c])
		buf_adds(out, short_esc[c]);
	else if (c >= 0x20 && c < 0x7f)
		buf_addch(out, (char)c);
	else
		buf_addf(out, "\\u%04x", c);
	buf_adds(out, "y\"");
}

/* Every ASCII byte, through each way a string goes out: a key, jsonw_str (the one-pass scan
 * of a C string) and jsonw_strn / json_quote (a length) */
static void test_every_ascii_byte(void **state)
{
	(void)state;
	for (unsigned c = 1; c < 0x80; c++) {
		char s[4] = { 'x', (char)c, 'y', '\0' };
		struct buf got = BUF_INIT, want = BUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &got, JSONW_LINE);
		jsonw_obj_open(&w);
		jsonw_key(&w, s);
		jsonw_str(&w, s);
		jsonw_key(&w, "k");
		jsonw_strn(&w, s, 3);
		jsonw_obj_close(&w);
		buf_addch(&want, '{');
		expect_quoted(&want, (unsigned char)c);
		buf_adds(&want, ": ");
		expect_quoted(&want, (unsigned char)c);
		buf_adds(&want, ", \"k\": ");
		expect_quoted(&want, (unsigned char)c);
		buf_addch(&want, '}');
		assert_string_equal(got.s, want.s);
		assert_int_equal(got.len, strlen(got.s));
		buf_release(&got);
		buf_release(&want);
	}
}

/* Writes that end exactly at the buffer's room, and the first growth from the shared empty
 * string: after every prefix length each kind of token is written once, so some write ends
 * exactly where the room does; the text and its NUL must always fit */
static void test_growth_edges(void **state)
{
	(void)state;
	char prefix[300];
	memset(prefix, '.', sizeof(prefix));
	for (size_t p = 0; p < sizeof(prefix); p++) {
		struct buf b = BUF_INIT;
		buf_add(&b, prefix, p);
		struct jsonw w;
		jsonw_init(&w, &b, JSONW_LINE);
		jsonw_obj_open(&w);
		jsonw_key(&w, "key");
		jsonw_str(&w, "string");
		jsonw_key(&w, "n");
		jsonw_int(&w, -12345);
		jsonw_key(&w, "b");
		jsonw_bool(&w, true);
		jsonw_obj_close(&w);
		const char *want = "{\"key\": \"string\", \"n\": -12345, \"b\": true}";
		assert_int_equal(b.len, p + strlen(want));
		assert_string_equal(b.s + p, want);
		assert_true(b.len < b.alloc);
		buf_release(&b);
	}
}

static void build(struct jsonw *w)
{
	jsonw_obj_open(w);
	jsonw_key(w, "a");
	jsonw_int(w, 1);
	jsonw_key(w, "b");
	jsonw_arr_open(w);
	jsonw_double(w, 2.5);
	jsonw_bool(w, true);
	jsonw_null(w);
	jsonw_arr_close(w);
	jsonw_key(w, "e");
	jsonw_arr_open(w);
	jsonw_arr_close(w);
	jsonw_key(w, "o");
	jsonw_obj_open(w);
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}

static void test_styles(void **state)
{
	(void)state;
	static const struct { enum jsonw_style st; const char *want; } rows[] = {
		{ JSONW_LINE, "{\"a\": 1, \"b\": [2.5, true, null], \"e\": [], \"o\": {}}" },
		{ JSONW_COMPACT, "{\"a\":1,\"b\":[2.5,true,null],\"e\":[],\"o\":{}}" },
		{ JSONW_PRETTY, "{\n  \"a\": 1,\n  \"b\": [\n    2.5,\n    true,\n    null\n  ],\n"
				"  \"e\": [],\n  \"o\": {}\n}" },
	};
	for (size_t i = 0; i < 3; i++) {
		struct buf b = BUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &b, rows[i].st);
		build(&w);
		assert_string_equal(b.s, rows[i].want);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_repr),
		cmocka_unit_test(test_ints_and_keys),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_every_ascii_byte),
		cmocka_unit_test(test_growth_edges),
		cmocka_unit_test(test_styles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
