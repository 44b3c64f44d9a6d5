/* test_chart: nice tick steps, and a chart's content: points in interactivity order with
 * their concurrency, one polyline per (hardware, framework, precision), legend, escaping,
 * null metrics left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "executor/results/aggregate.h"
#include "executor/results/chart.h"

static void test_nice_step(void **state)
{
	(void)state;
	static const struct { double max; int want; double step, top; } rows[] = {
		{ 127, 8, 20, 140 }, { 15934, 6, 5000, 20000 }, { 1, 5, 0.2, 1 },
		{ 0, 5, 0.2, 1 }, { 0.37, 4, 0.1, 0.4 }, { 2400, 6, 500, 2500 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double top;
		double step = chart_nice_step(rows[i].max, rows[i].want, &top);
		assert_float_equal(step, rows[i].step, 1e-9);
		assert_float_equal(top, rows[i].top, 1e-9);
	}
}

static struct result_row row(const char *hw, long long conc, double intvty, double tput)
{
	struct result_row r;
	memset(&r, 0, sizeof(r));
	r.model_prefix = "m<1>";
	r.hw = hw;
	r.framework = "sglang";
	r.precision = "fp8";
	r.isl = 1024;
	r.osl = 8192;
	r.conc = conc;
	r.metric[MET_INTVTY] = intvty;
	r.metric[MET_TPUT] = tput;
	r.has[MET_INTVTY] = r.has[MET_TPUT] = intvty > 0;
	return r;
}

static void test_render(void **state)
{
	(void)state;
	struct result_row rows[] = {
		row("h200", 64, 30, 6000), row("h200", 4, 95, 660), row("b200", 8, 110, 3000),
		row("h200", 16, 66, 2000), row("h200", 128, 0, 0) /* null: left out */,
	};
	const struct result_row *p[] = { &rows[0], &rows[1], &rows[2], &rows[3], &rows[4] };
	struct buf svg = BUF_INIT;
	chart_render(&svg, p, 5, "Nightly & co");
	assert_non_null(strstr(svg.s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_null(strstr(svg.s, "<script"));
	assert_non_null(strstr(svg.s, "Nightly &amp; co: m&lt;1&gt; 1k8k"));
	assert_non_null(strstr(svg.s, ">H200 SGLANG FP8 (3)</text>"));
	assert_non_null(strstr(svg.s, ">B200 SGLANG FP8 (1)</text>"));
	/* two polylines; h200's points by interactivity: conc 64 (30), 16 (66), 4 (95) */
	const char *a = strstr(svg.s, "<polyline"), *b = a ? strstr(a + 1, "<polyline") : NULL;
	assert_non_null(b);
	assert_null(strstr(b + 1, "<polyline"));
	const char *c64 = strstr(svg.s, ">64</text>"), *c16 = strstr(svg.s, ">16</text>");
	const char *c4 = strstr(svg.s, ">4</text>");
	assert_true(c64 && c16 && c4 && c64 < c16 && c16 < c4);
	assert_null(strstr(svg.s, ">128</text>"));
	buf_release(&svg);
}

/* A throughput near DBL_MAX makes the axis top overflow to infinity: the chart still ends,
 * with a bounded number of ticks (it once drew ticks until memory ran out). */
static void test_render_huge(void **state)
{
	(void)state;
	struct result_row rows[] = { row("h200", 4, 95, 1.7976931348623157e308),
				     row("h200", 8, 50, 1000) };
	const struct result_row *p[] = { &rows[0], &rows[1] };
	struct buf svg = BUF_INIT;
	chart_render(&svg, p, 2, NULL);
	assert_non_null(strstr(svg.s, "</svg>"));
	size_t lines = 0;
	for (const char *q = svg.s; (q = strstr(q, "<line ")); q++)
		lines++;
	assert_true(lines <= 2 * 64 + 8);
	buf_release(&svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_step),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
