/* test_agentic_chart: which agentic results become which charts: names and order per model,
 * one line per (hardware, framework, precision, KV offload) with points in conc order,
 * results missing a metric left out of that chart only (a warning each), results without
 * their configuration left out of both, fixed-sequence results ignored. */
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
#include "common/jtree.h"
#include "common/xalloc.h"
#include "executor/results/agentic_chart.h"
#include "executor/results/results_read.h"

/* An agentic result; intvty < 0: null. conc is JSON text ("16", "\"16\""). */
static void add_doc(struct result_set *rs, const char *prefix, const char *hw, const char *kv,
		    const char *conc, double intvty, double tput, double ttft)
{
	char intvty_text[32] = "null";
	if (intvty >= 0)
		snprintf(intvty_text, sizeof(intvty_text), "%g", intvty);
	struct buf text = BUF_INIT;
	buf_addf(&text, "{\"is_multinode\": false, \"scenario_type\": \"agentic-coding\", "
		 "\"infmax_model_prefix\": \"%s\", \"hw\": \"%s\", \"framework\": \"sglang\", "
		 "\"precision\": \"fp8\", \"kv_offloading\": \"%s\", \"conc\": %s, "
		 "\"request_metrics\": {\"latency\": {\"e2e_norm_intvty\": {\"p50\": %s}, "
		 "\"ttft\": {\"p90\": %g}}, \"throughput\": {\"per_gpu\": {\"output_tput_tps\": "
		 "%g}}}}", prefix, hw, kv, conc, intvty_text, ttft, tput);
	struct result_doc doc;
	doc.source = xmalloc(32);
	snprintf(doc.source, 32, "agg_%zu.json", rs->nr);
	doc.root = jtree_parse(text.s, text.len, doc.source, NULL);
	assert_non_null(doc.root);
	if (rs->nr == rs->alloc) {
		rs->alloc = rs->alloc * 2 + 4;
		rs->v = xrealloc(rs->v, rs->alloc * sizeof(*rs->v));
	}
	rs->v[rs->nr++] = doc;
	buf_release(&text);
}

struct got {
	struct buf names; /* "name\n" per chart */
	struct buf svg[8];
	size_t nr;
};

static void collect(const char *name, const struct buf *svg, void *data)
{
	struct got *g = data;
	buf_addf(&g->names, "%s\n", name);
	assert_true(g->nr < 8);
	buf_init(&g->svg[g->nr]);
	buf_add(&g->svg[g->nr], svg->s, svg->len);
	g->nr++;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *q = s; (q = strstr(q, what)); q++)
		n++;
	return n;
}

static void test_charts(void **state)
{
	(void)state;
	struct result_set rs = RESULT_SET_INIT;
	/* reading order is neither model nor conc order */
	add_doc(&rs, "n/x", "h200", "none", "16", 20, 40, 2.5);
	add_doc(&rs, "m", "h200", "none", "64", 8, 130, 9.5);
	add_doc(&rs, "m", "h200", "dram", "8", 33, 41, 0.95);
	add_doc(&rs, "m", "h200", "none", "4", 38, 21, 0.8);
	add_doc(&rs, "m", "h200", "none", "16", -1, 37, 2.5); /* interactivity null */
	add_doc(&rs, "m", "h200", "none", "\"32\"", 14, 98, 4.8); /* conc a string */
	struct buf plain = BUF_INIT; /* a fixed-sequence result: not charted here */
	struct result_doc fixed = { xstrdup("agg_fixed.json"), NULL };
	buf_adds(&plain, "{\"is_multinode\": false, \"infmax_model_prefix\": \"m\"}");
	fixed.root = jtree_parse(plain.s, plain.len, fixed.source, NULL);
	rs.v[rs.nr++] = fixed;
	buf_release(&plain);

	struct got g;
	memset(&g, 0, sizeof(g));
	buf_init(&g.names);
	struct diags d = DIAGS_INIT;
	agentic_chart_each(&rs, "T", collect, &g, &d);
	assert_string_equal(g.names.s, "m_agentic\nm_agentic_ttft\nn_x_agentic\nn_x_agentic_ttft\n");
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.nr, 2); /* the null interactivity, the string conc */
	assert_string_equal(d.v[0].path, "conc");
	assert_string_equal(d.v[1].path, "request_metrics.latency.e2e_norm_intvty.p50");

	/* m's interactivity chart: two lines (dram first), none's points 4 then 64; the null
	 * interactivity (conc 16) and the string conc (32) are not in it */
	const char *s = g.svg[0].s;
	assert_non_null(strstr(s, ">T: m agentic coding - output throughput per GPU vs "
				  "interactivity</text>"));
	assert_int_equal(count(s, "<polyline"), 2);
	const char *dram = strstr(s, ">H200 SGLANG FP8, KV offload: dram (1)</text>");
	const char *none = strstr(s, ">H200 SGLANG FP8, KV offload: none (2)</text>");
	assert_true(dram && none && dram < none);
	const char *c4 = strstr(s, "<title>conc 4: 38.0 tok/s/user, 21.0 tok/s/GPU</title>");
	const char *c64 = strstr(s, "<title>conc 64: 8.0 tok/s/user, 130.0 tok/s/GPU</title>");
	assert_true(c4 && c64 && c4 < c64);
	assert_null(strstr(s, "conc 16"));
	assert_null(strstr(s, "conc 32"));
	assert_non_null(strstr(s, ">64</text>")); /* labelled with conc */

	/* m's TTFT chart: conc 16 is in it (its TTFT is there), in conc order, no labels */
	s = g.svg[1].s;
	assert_non_null(strstr(s, "KV offload: none (3)</text>"));
	const char *t4 = strstr(s, "<title>conc 4: 0.800 s</title>");
	const char *t16 = strstr(s, "<title>conc 16: 2.500 s</title>");
	const char *t64 = strstr(s, "<title>conc 64: 9.500 s</title>");
	assert_true(t4 && t16 && t64 && t4 < t16 && t16 < t64);
	assert_null(strstr(s, ">64</text>"));
	assert_non_null(strstr(s, ">Concurrency</text>"));

	/* the same input draws the same bytes */
	struct got again;
	memset(&again, 0, sizeof(again));
	buf_init(&again.names);
	struct diags d2 = DIAGS_INIT;
	agentic_chart_each(&rs, "T", collect, &again, &d2);
	assert_int_equal(again.nr, g.nr);
	for (size_t i = 0; i < g.nr; i++) {
		assert_string_equal(again.svg[i].s, g.svg[i].s);
		buf_release(&again.svg[i]);
		buf_release(&g.svg[i]);
	}
	buf_release(&again.names);
	buf_release(&g.names);
	diags_release(&d);
	diags_release(&d2);
	result_set_release(&rs);
}

/* No agentic result: no chart, no warning. */
static void test_none(void **state)
{
	(void)state;
	struct result_set rs = RESULT_SET_INIT;
	struct got g;
	memset(&g, 0, sizeof(g));
	buf_init(&g.names);
	struct diags d = DIAGS_INIT;
	agentic_chart_each(&rs, NULL, collect, &g, &d);
	assert_int_equal(g.nr, 0);
	assert_int_equal(d.nr, 0);
	buf_release(&g.names);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charts),
		cmocka_unit_test(test_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
