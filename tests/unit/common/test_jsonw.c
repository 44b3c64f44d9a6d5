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
		cmocka_unit_test(test_styles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
