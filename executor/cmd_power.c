/*
 * cmd_power: `executor power`, a drop-in for upstream's utils/aggregate_power.py command
 * line, and power_job_run, the same job for `executor run`. Files are read and written here;
 * the rules and figures are results/power's.
 */
#include "executor/commands.h"
#include "executor/power_job.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "common/jtree.h"
#include "executor/results/power.h"

bool power_required_by_env(void)
{
	const char *v = getenv("REQUIRE_POWER");
	return v && (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

static bool is_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* Reads path when it is a regular file; false when it is not one or cannot be read. */
static bool read_if_file(struct buf *out, const char *path)
{
	struct diags quiet = DIAGS_INIT;
	bool ok = is_file(path) && !file_read_all(out, path, &quiet);
	diags_release(&quiet);
	return ok;
}

static void set_text(struct power_text *t, bool present, const struct buf *b)
{
	t->s = present ? b->s : NULL;
	t->len = present ? b->len : 0;
}

/* _patch_power_result: false (nothing written) when the processed result cannot be read,
 * is not a JSON object, has a non-finite metric or cannot be replaced; why goes to *why. */
static bool patch_agg(const char *path, bool valid, const struct power_metrics *m,
		      struct buf *why)
{
	struct buf text = BUF_INIT, json = BUF_INIT;
	struct diags local = DIAGS_INIT;
	bool ok = false;
	struct jnode *agg = NULL;
	if (file_read_all(&text, path, &local) ||
	    !(agg = jtree_parse(text.s, text.len, path, &local))) {
		buf_adds(why, diags_first_error(&local, 0) ? diags_first_error(&local, 0) : path);
	} else if (power_patch_agg(&json, agg, valid, m)) {
		buf_adds(why, agg->type != JT_OBJ ? "not a JSON object" : "non-finite power metric");
	} else if (file_write_atomic(path, json.s, json.len, &local)) {
		buf_adds(why, diags_first_error(&local, 0));
	} else {
		ok = true;
	}
	jtree_free(agg);
	buf_release(&text);
	buf_release(&json);
	diags_release(&local);
	return ok;
}

static void join_reasons(struct buf *out, const struct power_reasons *r)
{
	for (size_t i = 0; i < r->nr; i++)
		buf_addf(out, "%s%s", i ? ", " : "", r->v[i]);
}

int power_job_run(const struct power_job *job, struct buf *out, struct diags *d)
{
	struct buf validation = BUF_INIT, csv_name = BUF_INIT, bench_name = BUF_INIT;
	struct buf agg_name = BUF_INIT, csv = BUF_INIT, bench = BUF_INIT, why = BUF_INIT;
	struct buf start_path = BUF_INIT, end_path = BUF_INIT, start = BUF_INIT, end = BUF_INIT;
	struct buf sidecar = BUF_INIT, msg = BUF_INIT;
	struct power_integration pi;
	struct power_reasons reasons = { { 0 }, 0 };
	struct power_bench b;
	struct power_metrics m = { 0 };
	int rc = 0;
	power_integration_init(&pi, job->has_expected, job->expected_num_gpus);
	if (job->validation_result) {
		buf_adds(&validation, job->validation_result);
	} else if (!power_py_sibling(&validation, job->bench_result, "power_validation_",
				     ".json")) {
		rc = diags_usagef(d, "--bench-result '%s' names no file", job->bench_result);
		goto done;
	}
	power_py_path(&csv_name, job->csv);
	power_py_path(&bench_name, job->bench_result);
	power_py_path(&agg_name, job->agg_result);

	bool have_bench = read_if_file(&bench, job->bench_result);
	bool window = power_bench_read(&b, have_bench ? bench.s : NULL, bench.len, &reasons);
	bool have_csv = read_if_file(&csv, job->csv);
	if (window) {
		if (!have_csv && is_file(job->csv))
			power_reason_add(&pi.reasons, "telemetry_file_unreadable");
		else
			power_integrate(&pi, have_csv ? csv.s : NULL, csv.len, b.start_unix,
					b.end_unix, POWER_DEFAULT_MAX_SAMPLE_GAP_S);
	}
	for (size_t i = 0; i < pi.reasons.nr; i++)
		power_reason_add(&reasons, pi.reasons.v[i]);
	bool valid = !reasons.nr;
	if (valid)
		power_metrics_compute(&m, &pi, &b);

	if (!is_file(job->agg_result)) {
		power_reason_add(&reasons, "aggregate_result_missing");
		valid = false;
		m.present = false;
	} else if (!patch_agg(job->agg_result, valid, &m, &why)) {
		power_reason_add(&reasons, "aggregate_result_unwritable");
		valid = false;
		m.present = false;
		diags_warnf(d, NULL, 0, 0, NULL, "[aggregate_power] Failed to patch %s: %s",
			    agg_name.s, why.s);
	}

	/* the amd-smi energy snapshots beside the CSV: {stem}_energy_start.csv, _end.csv */
	bool have_start = power_py_sibling(&start_path, job->csv, "", "_energy_start.csv") &&
			  read_if_file(&start, start_path.s);
	bool have_end = power_py_sibling(&end_path, job->csv, "", "_energy_end.csv") &&
			read_if_file(&end, end_path.s);
	struct power_validation v = {
		.csv_path = csv_name.s, .bench_path = bench_name.s, .bench = window ? &b : NULL,
		.pi = &pi, .power_valid = valid, .reasons = &reasons, .metrics = &m,
	};
	set_text(&v.csv, have_csv, &csv);
	set_text(&v.energy_start, have_start, &start);
	set_text(&v.energy_end, have_end, &end);
	power_validation_json(&sidecar, &v);
	size_t mark = d->nr;
	if (file_write_atomic_mkdir(validation.s, sidecar.s, sidecar.len, d)) {
		if (!job->require_power) {
			/* best effort: the failure is a warning, as upstream prints it */
			const char *e = diags_first_error(d, mark);
			buf_addf(&msg, "[aggregate_power] Failed to write validation artifact: %s",
				 e ? e : validation.s);
			diags_truncate(d, mark);
			diags_warnf(d, NULL, 0, 0, NULL, "%s", msg.s);
		} else {
			rc = 1;
		}
		goto done;
	}
	if (!valid) {
		buf_adds(&msg, "[aggregate_power] Power validation failed: ");
		join_reasons(&msg, &reasons);
		buf_addf(&msg, " (details: %s)", validation.s);
		if (job->require_power) {
			diags_errorf(d, NULL, 0, 0, NULL, "%s", msg.s);
			rc = 1;
		} else {
			diags_warnf(d, NULL, 0, 0, NULL, "%s", msg.s);
		}
		goto done;
	}
	buf_addf(out, "[aggregate_power] avg_power_w=%.2f avg_total_gpu_power_w=%.2f "
		 "total_gpu_energy_j=%.2f (n=%zu) -> %s\n", m.v[0], m.v[1], m.v[2], pi.nr,
		 agg_name.s);
done:
	power_integration_release(&pi);
	buf_release(&validation);
	buf_release(&csv_name);
	buf_release(&bench_name);
	buf_release(&agg_name);
	buf_release(&csv);
	buf_release(&bench);
	buf_release(&why);
	buf_release(&start_path);
	buf_release(&end_path);
	buf_release(&start);
	buf_release(&end);
	buf_release(&sidecar);
	buf_release(&msg);
	return rc;
}

int cmd_power(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct power_job job = { .csv = "/workspace/gpu_metrics.csv" };
	bool require = power_required_by_env();
	const struct opt rows[] = {
		{ "csv", OPT_STR, 0, &job.csv, "FILE", "the GPU metrics CSV (default "
		  "/workspace/gpu_metrics.csv)", 0, NULL, NULL },
		{ "bench-result", OPT_STR, OPT_REQUIRED, &job.bench_result, "FILE", "the raw "
		  "benchmark result (window and token counts)", 0, NULL, NULL },
		{ "agg-result", OPT_STR, OPT_REQUIRED, &job.agg_result, "FILE", "the processed "
		  "result, patched in place", 0, NULL, NULL },
		{ "expected-num-gpus", OPT_INT, OPT_REQUIRED, &job.expected_num_gpus, "N",
		  "the GPUs the run used (TP * PP * PCP)", LONG_MIN, NULL, NULL },
		{ "validation-result", OPT_STR, 0, &job.validation_result, "FILE", "the validation "
		  "sidecar (default power_validation_{stem}.json beside --bench-result)", 0, NULL,
		  NULL },
		{ "require-power", OPT_FLAG, 0, &require, NULL, "fail (exit 1) when power is "
		  "invalid; also REQUIRE_POWER=1|true|yes", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor power --bench-result FILE --agg-result FILE --expected-num-gpus N "
		"[options]",
		"Integrate GPU power over the benchmark window (per GPU, trapezoidal, interpolated\n"
		"at the window's edges) and patch the processed result with power schema v2:\n"
		"power_valid, avg_power_w, avg_total_gpu_power_w, total_gpu_energy_j and joules\n"
		"per successful query, input, output and total token. Writes the validation\n"
		"sidecar. The same command line, files and bytes as upstream's\n"
		"utils/aggregate_power.py. Invalid power is a warning (exit 0) unless required.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc)
		return rc > 0 ? 0 : -1;
	job.has_expected = true;
	job.require_power = require;
	return power_job_run(&job, out, d);
}
