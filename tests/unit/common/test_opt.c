/* opt: prefixes, exact-name priority, ambiguity, multi-valued options, types, conflicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/opt.h"
#include "common/vec.h"

static struct {
	struct strvec prec;
	struct longvec conc;
	long max_conc, max;
	const char *name;
	bool single, a, b, solo;
	double rate;
} o;

static const char *const choices[] = { "1k1k", "1k8k", NULL };

static const struct opt rows[] = {
	{ "precision", OPT_LIST, 0, &o.prec, "V", "precisions", 0, NULL, NULL },
	{ "conc", OPT_INT_LIST, 0, &o.conc, "C", "values", 1, NULL, NULL },
	{ "max-conc", OPT_INT, 0, &o.max_conc, "C", "max", 1, NULL, NULL },
	{ "max", OPT_INT, 0, &o.max, "N", "exact name shorter than others", 0, NULL, NULL },
	{ "name", OPT_STR, OPT_REQUIRED, &o.name, "S", "name", 0, choices, NULL },
	{ "single-node", OPT_FLAG, 0, &o.single, NULL, "flag", 0, NULL, NULL },
	{ "run-a", OPT_FLAG, 0, &o.a, NULL, "a", 0, NULL, "run-b" },
	{ "run-b", OPT_FLAG, 0, &o.b, NULL, "b", 0, NULL, "run-a" },
	{ "rate", OPT_DOUBLE, 0, &o.rate, "R", "rate", 0, NULL, NULL },
	/* a conflict declared on one row only, the row whose name sorts later */
	{ "solo", OPT_FLAG, 0, &o.solo, NULL, "solo", 0, NULL, "single-node" },
};
static const struct opt_cmd cmd = { "t [options]", "test", rows, sizeof(rows) / sizeof(rows[0]), NULL };

/* Parses a space-separated command line; returns rc and the messages. */
static int parse(const char *line, struct buf *msgs)
{
	free(o.prec.v);
	free(o.conc.v);
	memset(&o, 0, sizeof(o));
	char *copy = strdup(line), *argv[32];
	int argc = 0;
	for (char *t = strtok(copy, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	struct diags d = DIAGS_INIT;
	int rc = opt_parse(&cmd, argc, argv, NULL, &d);
	buf_reset(msgs);
	diags_format(msgs, &d);
	if (rc < 0)
		assert_int_equal(diags_status(&d), EXIT_USAGE);
	diags_release(&d);
	/* argv strings are borrowed: keep them alive for the assertions */
	static char *keep[64];
	static int keep_nr;
	if (keep_nr == 64)
		keep_nr = 0;
	free(keep[keep_nr]);
	keep[keep_nr++] = copy;
	return rc;
}

static void test_values(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	assert_int_equal(parse("--name=1k1k --prec fp4 fp8 --conc 4 8 --max-c 7 --max 3 --single --rate inf", &m), 0);
	assert_int_equal(o.prec.nr, 2);
	assert_string_equal(o.prec.v[1], "fp8");
	assert_int_equal(o.conc.nr, 2);
	assert_int_equal(o.conc.v[1], 8);
	assert_int_equal(o.max_conc, 7);
	assert_int_equal(o.max, 3); /* exact name wins over being a prefix of max-conc */
	assert_true(o.single);
	assert_true(o.rate > 1e300);
	/* the last occurrence of a list option wins */
	assert_int_equal(parse("--name 1k8k --prec a --prec b c", &m), 0);
	assert_int_equal(o.prec.nr, 2);
	assert_string_equal(o.prec.v[0], "b");
	assert_int_equal(parse("--help", &m), 1);
	assert_int_equal(parse("--name 1k1k -h --bogus", &m), 1);
	buf_release(&m);
}

static void test_usage_errors(void **state)
{
	(void)state;
	static const struct { const char *line; const char *want; } rows[] = {
		{ "--name 1k1k --ma 4", "ambiguous option '--ma' could be: --max-conc, --max\n" },
		{ "--name 1k1k --bogus 1 2", "unknown option '--bogus'\n" },
		{ "--name 1k1k --max-conc", "--max-conc: expected a value\n" },
		{ "--name 1k1k --prec --single", "--precision: expected at least one value\n" },
		{ "--name 2k2k", "--name: invalid choice '2k2k' (choose from '1k1k', '1k8k')\n" },
		{ "--name 1k1k --max-conc 0", "--max-conc: must be >= 1, found 0\n" },
		{ "--name 1k1k --max-conc -3", "--max-conc: must be >= 1, found -3\n" },
		{ "--name 1k1k --conc 4 x", "--conc: expected an integer, found 'x'\n" },
		{ "--name 1k1k --conc 4x", "--conc: expected an integer, found '4x'\n" },
		{ "--single", "the option --name is required\n" },
		{ "--name 1k1k --run-a --run-b", "--run-a cannot be used with --run-b\n" },
		{ "--name 1k1k --solo --single", "--solo cannot be used with --single-node\n" },
		{ "--name 1k1k --single=1", "--single-node takes no value\n" },
		{ "--name 1k1k stray", "unexpected argument 'stray'\n" },
		{ "--name 1k1k -x", "unknown option '-x'\n" },
		{ "--name 1k1k --rate abc", "--rate: expected a number, found 'abc'\n" },
	};
	struct buf m = BUF_INIT;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(parse(rows[i].line, &m), -1);
		assert_string_equal(m.s, rows[i].want);
	}
	buf_release(&m);
}

/* Every row is listed once, in table order, each on a line of its own that starts with
 * "  --NAME" followed by a space or the line's end: a row left out cannot hide behind a
 * longer name that contains it ("--max" in "--max-conc") or behind a mention in a help text. */
static void test_help_lists_every_row(void **state)
{
	(void)state;
	struct buf h = BUF_INIT;
	opt_help(&h, &cmd);
	const char *p = h.s;
	size_t listed = 0;
	while ((p = strstr(p, "\n  --"))) {
		p += 5;
		size_t n = strcspn(p, " \n");
		if (n == 4 && !strncmp(p, "help", 4))
			continue;
		if (listed >= cmd.nr)
			fail_msg("more option lines than rows: --%.*s", (int)n, p);
		if (strlen(rows[listed].name) != n || strncmp(p, rows[listed].name, n))
			fail_msg("option line %zu: want --%s, found --%.*s", listed, rows[listed].name,
				 (int)n, p);
		listed++;
	}
	assert_int_equal(listed, cmd.nr);
	/* metavars: "..." for multi-valued options, none for flags; help texts at column 31 */
	assert_non_null(strstr(h.s, "\n  --conc C...                 values\n"));
	assert_non_null(strstr(h.s, "\n  --max-conc C                max\n"));
	assert_non_null(strstr(h.s, "\n  --single-node               flag\n"));
	assert_non_null(strstr(h.s, "{1k1k,1k8k} (required)"));
	assert_non_null(strstr(h.s, "exit status: 0 success, 1 error, 2 usage error"));
	buf_release(&h);
}

/* Rows without a destination: accepted, checked like any other, stored nowhere. */
static void test_accepted_without_effect(void **state)
{
	(void)state;
	static const char *const modes[] = { "auto", "slow", NULL };
	static const struct opt kept[] = {
		{ "mode", OPT_STR, 0, NULL, "M", "no effect", 0, modes, NULL },
		{ "trust", OPT_FLAG, 0, NULL, NULL, "no effect", 0, NULL, NULL },
		{ "n", OPT_INT, 0, NULL, "N", "no effect", 1, NULL, NULL },
		{ "x", OPT_DOUBLE, 0, NULL, "X", "no effect", 0, NULL, NULL },
		{ "items", OPT_LIST, 0, NULL, "I", "no effect", 0, NULL, NULL },
		{ "ns", OPT_INT_LIST, 0, NULL, "N", "no effect", 0, NULL, NULL },
	};
	static const struct opt_cmd kcmd = { "k", "k", kept, sizeof(kept) / sizeof(kept[0]), NULL };
	static const struct { const char *argv[8]; int argc; int rc; const char *msg; } cases[] = {
		{ { "--mode", "slow", "--trust", "--n", "2", "--x", "0.5" }, 7, 0, "" },
		{ { "--items", "a", "b", "--items", "c", "--ns", "1", "2" }, 8, 0, "" },
		{ { "--mode", "fast" }, 2, -1,
		  "--mode: invalid choice 'fast' (choose from 'auto', 'slow')\n" },
		{ { "--n", "0" }, 2, -1, "--n: must be >= 1, found 0\n" },
		{ { "--x", "y" }, 2, -1, "--x: expected a number, found 'y'\n" },
		{ { "--trust=1" }, 1, -1, "--trust takes no value\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diags d = DIAGS_INIT;
		struct buf m = BUF_INIT;
		assert_int_equal(opt_parse(&kcmd, cases[i].argc, (char **)cases[i].argv, NULL, &d),
				 cases[i].rc);
		diags_format(&m, &d);
		assert_string_equal(m.s, cases[i].msg);
		if (i == 0)
			assert_true(opt_given(&kcmd, "mode") && opt_given(&kcmd, "trust"));
		buf_release(&m);
		diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help_lists_every_row),
		cmocka_unit_test(test_accepted_without_effect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
