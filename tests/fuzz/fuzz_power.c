/* fuzz_power: libFuzzer over the GPU power path of `executor power` and `executor run`
 * (results/pycsv, results/power), without files: what power_job_run does with their texts.
 * The input is a control byte pair, then up to 5 texts separated by NUL bytes:
 *   GPU metrics CSV, raw benchmark JSON, processed result JSON, energy_start CSV, energy_end CSV
 * byte 0: bits 0-3 the expected GPU count (0: none), bits 4-6 which of the CSV, start and end
 * texts are absent (a missing file); byte 1: the window used when the benchmark JSON has none,
 * [base + b1 % 16, base + b1 % 16 + 1 + b1 / 16] seconds, base 2024-01-01 00:00:00 UTC (TZ is
 * UTC here), so hand-made CSV rows fall in it and the integration runs.
 * Seeds (corpus_power/): the recorded cases of tests/results/power/cases, one file each, made by
 * corpus_power/make_seeds.py.
 * Besides crashes, leaks, hangs and undefined behaviour it checks the contracts: pycsv rows are
 * consistent (every field NUL-terminated in the row's text, the reader moves on), reasons are
 * distinct codes, figures exist only for valid power, and what power_patch_agg and
 * power_validation_json write reads back as JSON (the patched result as an object). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jtree.h"
#include "executor/results/power.h"
#include "executor/results/pycsv.h"

#define NR_TEXTS 5
#define WINDOW_BASE_UNIX 1704067200.0

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_power: %s\n", what);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1); /* naive timestamps are local time: the same every run */
	tzset();
	return 0;
}

/* Every row the reader gives, both ways of skipping initial spaces. */
static void check_pycsv(const char *s, size_t len, bool skipinitialspace)
{
	struct pycsv_reader rd = { s, len, 0, skipinitialspace };
	struct pycsv_row row = PYCSV_ROW_INIT;
	bool err = false;
	size_t last = 0;
	while (pycsv_next(&rd, &row, &err)) {
		check(rd.pos <= len, "the reader ran past the text");
		check(rd.pos > last || (!len && !rd.pos), "a row that consumed nothing");
		last = rd.pos;
		for (size_t i = 0; i < row.nr; i++) {
			size_t n;
			const char *f = pycsv_field(&row, i, &n);
			check(row.start[i] + n < row.text.len, "a field past the row's text");
			check(f[n] == '\0', "a field not NUL-terminated");
		}
	}
	check(!err || rd.pos <= len, "an error past the text");
	pycsv_row_release(&row);
}

static void check_reasons(const struct power_reasons *r)
{
	check(r->nr <= POWER_MAX_REASONS, "more reasons than room");
	for (size_t i = 0; i < r->nr; i++) {
		check(r->v[i] && *r->v[i], "an empty reason");
		for (size_t j = 0; j < i; j++)
			check(strcmp(r->v[i], r->v[j]), "a reason twice");
	}
}

static void check_json(const struct buf *b, bool object, const char *what)
{
	struct diags d = DIAGS_INIT;
	struct jnode *root = jtree_parse(b->s, b->len, "fuzz.json", &d);
	check(root != NULL, what);
	check(!object || root->type == JT_OBJ, what);
	jtree_free(root);
	diags_release(&d);
}

static void patch(const struct power_text *agg, bool valid, const struct power_metrics *m)
{
	struct diags d = DIAGS_INIT;
	struct jnode *root = jtree_parse(agg->s, agg->len, "agg.json", &d);
	diags_release(&d);
	if (!root)
		return;
	struct buf out = BUF_INIT;
	if (!power_patch_agg(&out, root, valid, m)) {
		check(root->type == JT_OBJ, "a result that is not an object patched");
		check_json(&out, true, "the patched result does not read back as an object");
	}
	buf_release(&out);
	jtree_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned flags = data[0], window = data[1];
	struct power_text t[NR_TEXTS] = { { NULL, 0 } };
	const char *p = (const char *)data + 2, *end = (const char *)data + size;
	for (size_t i = 0; i < NR_TEXTS && p <= end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *stop = nul ? nul : end;
		t[i] = (struct power_text){ p, (size_t)(stop - p) };
		p = stop + 1;
	}
	if (!t[0].s)
		t[0] = (struct power_text){ "", 0 };
	for (int i = 0; i < 3; i++) /* CSV, energy start, energy end: absent files */
		if (flags & (0x10u << i))
			t[i == 0 ? 0 : i + 2].s = NULL;

	if (t[0].s) {
		check_pycsv(t[0].s, t[0].len, true);
		check_pycsv(t[0].s, t[0].len, false);
	}

	struct power_reasons reasons = { { 0 }, 0 };
	struct power_bench b;
	bool has_window = power_bench_read(&b, t[1].s, t[1].len, &reasons);
	check_reasons(&reasons);
	double start = WINDOW_BASE_UNIX + window % 16, stop = start + 1 + window / 16;
	if (has_window) {
		start = b.start_unix;
		stop = b.end_unix;
	}
	long expected = flags & 0x0f;
	struct power_integration pi;
	power_integration_init(&pi, expected != 0, expected);
	power_integrate(&pi, t[0].s, t[0].len, start, stop, POWER_DEFAULT_MAX_SAMPLE_GAP_S);
	check_reasons(&pi.reasons);
	check(!pi.has_totals || pi.reasons.nr || pi.nr, "totals without a GPU");
	for (size_t i = 0; i < pi.nr; i++)
		check(pi.v[i].id != NULL, "a GPU without an id");
	for (size_t i = 0; i < pi.reasons.nr; i++)
		power_reason_add(&reasons, pi.reasons.v[i]);
	check_reasons(&reasons);

	bool valid = has_window && !reasons.nr;
	struct power_metrics m = { 0 };
	if (valid) {
		power_metrics_compute(&m, &pi, &b);
		check(pi.has_totals && pi.nr > 0, "valid power without totals");
	}
	if (t[2].s)
		patch(&t[2], valid, &m);

	/* without a window power_job_run integrates nothing: the sidecar sees an empty one */
	struct power_integration none;
	power_integration_init(&none, expected != 0, expected);
	struct power_validation v = {
		.csv_path = "gpu_metrics.csv", .bench_path = "bench.json",
		.bench = has_window ? &b : NULL, .pi = has_window ? &pi : &none, .power_valid = valid,
		.reasons = &reasons, .metrics = &m, .csv = t[0], .energy_start = t[3],
		.energy_end = t[4],
	};
	struct buf side = BUF_INIT;
	power_validation_json(&side, &v);
	check_json(&side, true, "the validation sidecar does not read back as an object");
	buf_release(&side);
	power_integration_release(&pi);
	power_integration_release(&none);
	return 0;
}
