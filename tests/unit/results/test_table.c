/* test_table: the tabulate "github" format, case by case (executor-spec 7). Each expected
 * table was produced by tabulate itself (0.8.9, tablefmt="github", None for a missing cell)
 * and is written here literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "executor/results/table.h"

struct table_case {
	const char *name;
	size_t cols, rows;
	const char *headers[4];
	const char *cells[12]; /* row-major; NULL: missing */
	const char *want;
};

static const struct table_case cases[] = {
	{ "spec example", 2, 1, { "Model", "ISL" },
	  { "dsr1", "1024" },
	  "| Model   |   ISL |\n"
	  "|---------|-------|\n"
	  "| dsr1    |  1024 |" },
	{ "decimal alignment", 2, 3, { "x", "TPUT per GPU" },
	  { "a", "12.3400", "b", "1234.5678", "c", "0.5000" },
	  "| x   |   TPUT per GPU |\n"
	  "|-----|----------------|\n"
	  "| a   |          12.34 |\n"
	  "| b   |        1234.57 |\n"
	  "| c   |           0.5  |" },
	{ "exponent form", 1, 3, { "v" },
	  { "123456789.0000", "1.5000", "0.0000" },
	  "|           v |\n"
	  "|-------------|\n"
	  "| 1.23457e+08 |\n"
	  "| 1.5         |\n"
	  "| 0           |" },
	{ "missing keeps numeric", 2, 3, { "name", "v" },
	  { "a", "2.5000", "b", NULL, "c", "10.0000" },
	  "| name   |    v |\n"
	  "|--------|------|\n"
	  "| a      |  2.5 |\n"
	  "| b      |      |\n"
	  "| c      | 10   |" },
	{ "all missing", 2, 2, { "h", "v" },
	  { "a", NULL, "b", NULL },
	  "| h   | v   |\n"
	  "|-----|-----|\n"
	  "| a   |     |\n"
	  "| b   |     |" },
	{ "text stripped", 2, 2, { "t", "n" },
	  { "  padded  ", "1", "x", "22" },
	  "| t      |   n |\n"
	  "|--------|-----|\n"
	  "| padded |   1 |\n"
	  "| x      |  22 |" },
	{ "numeric and text mix is text", 1, 3, { "t" },
	  { "1.0", "x", "2" },
	  "| t   |\n"
	  "|-----|\n"
	  "| 1.0 |\n"
	  "| x   |\n"
	  "| 2   |" },
	{ "code points", 2, 2, { "Modèle", "n" },
	  { "é", "3", "日本", "4" },
	  "| Modèle   |   n |\n"
	  "|----------|-----|\n"
	  "| é        |   3 |\n"
	  "| 日本       |   4 |" },
	{ "int and float mix", 1, 2, { "v" },
	  { "1024", "0.2500" },
	  "|       v |\n"
	  "|---------|\n"
	  "| 1024    |\n"
	  "|    0.25 |" },
	{ "negative and inf", 1, 3, { "v" },
	  { "-3.0000", "inf", "1.0000" },
	  "|   v |\n"
	  "|-----|\n"
	  "|  -3 |\n"
	  "| inf |\n"
	  "|   1 |" },
	{ "wide header", 2, 1, { "A very long header", "n" },
	  { "a", "1" },
	  "| A very long header   |   n |\n"
	  "|----------------------|-----|\n"
	  "| a                    |   1 |" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct table_case *c = &cases[i];
		struct table t;
		struct buf out = BUF_INIT;
		table_init(&t, c->headers, c->cols);
		for (size_t r = 0; r < c->rows; r++) {
			size_t row = table_row(&t);
			assert_int_equal(row, r);
			for (size_t k = 0; k < c->cols; k++)
				table_set(&t, row, k, c->cells[r * c->cols + k]);
		}
		table_render(&out, &t);
		if (strcmp(out.s, c->want))
			print_message("case '%s':\n%s\n", c->name, out.s);
		assert_string_equal(out.s, c->want);
		table_release(&t);
		buf_release(&out);
	}
}

/* The metric rule, whole: %.4f first (so 0.00004 is 0), then %g of that text (so
 * 1234.56789 is 1234.57, not 1234.5679). The spec's examples are among the rows. Each text
 * rendered in a float column stays as it is. */
static void test_metric_text(void **state)
{
	(void)state;
	static const struct { double v; const char *want; } rows[] = {
		{ 12.34, "12.34" }, { 0.00004, "0" }, { 1234.56789, "1234.57" },
		{ -0.5, "-0.5" }, { 123456789.0, "1.23457e+08" }, { 0.99996, "1" },
		{ 0.00005, "0.0001" }, { 999999.99999, "1e+06" }, { INFINITY, "inf" },
		{ NAN, "nan" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = BUF_INIT, out = BUF_INIT;
		table_metric_text(&b, rows[i].v);
		assert_string_equal(b.s, rows[i].want);
		static const char *const headers[] = { "v" };
		struct table t;
		table_init(&t, headers, 1);
		table_set(&t, table_row(&t), 0, b.s);
		table_set(&t, table_row(&t), 0, "0.5");
		table_render(&out, &t);
		/* the first data row, the third line: "| TEXT |" with padding */
		const char *cell = strchr(strchr(out.s, '\n') + 1, '\n') + 2;
		while (*cell == ' ')
			cell++;
		assert_memory_equal(cell, b.s, b.len);
		assert_true(cell[b.len] == ' ');
		table_release(&t);
		buf_release(&out);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_metric_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
