/*
 * power_job: one run of upstream's utils/aggregate_power.py on files: read the GPU metrics
 * CSV and the raw benchmark result, patch the processed result in place with the power
 * fields, write the validation sidecar. `executor power` is its command line and `executor
 * run` calls it after processing. The figures come from results/power (pure); this file
 * owns the file reading and writing and the exit rule (REQUIRE_POWER).
 */
#ifndef EXECUTOR_POWER_JOB_H
#define EXECUTOR_POWER_JOB_H

#include <stdbool.h>

struct buf;
struct diags;

struct power_job {
	const char *csv;               /* borrowed: the GPU metrics CSV */
	const char *bench_result;      /* borrowed: the raw benchmark result */
	const char *agg_result;        /* borrowed: the processed result, patched in place */
	const char *validation_result; /* borrowed, or NULL: power_validation_{stem}.json
					* beside bench_result */
	bool has_expected;
	long expected_num_gpus;
	bool require_power;
};

/* Runs the job. The one-line summary upstream prints on success goes to out. Returns 0, or
 * 1 when power is invalid and required (an error diag says why; the files are written all
 * the same), or -1 when the job could not be set up (a diag). Invalid power that is not
 * required is a warning diag and 0. */
int power_job_run(const struct power_job *job, struct buf *out, struct diags *d);

/* REQUIRE_POWER in {1, true, yes}, any case: the default of --require-power. */
bool power_required_by_env(void);

#endif
