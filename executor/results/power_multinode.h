/*
 * power_multinode: upstream's utils/aggregate_power_multinode.py (InferenceX 843c6254f) in C:
 * re-validate srt-slurm's dcgm-power package (LOGS/power/manifest.json, samples.csv,
 * windows/NAME.json), bind the processed result to its window by content, integrate each GPU
 * over the formal window and patch the processed result with whole-deployment and per-role
 * (prefill_/decode_) energy figures, power schema v2; write the validation sidecar.
 *
 * Unlike results/power this part reads the files itself: the package is a directory whose
 * scan (symlinks, where result paths resolve) is part of the rules. Everything it allocates
 * it frees before returning.
 */
#ifndef EXECUTOR_POWER_MULTINODE_H
#define EXECUTOR_POWER_MULTINODE_H

#include <stdbool.h>

struct buf;
struct diags;

struct power_multinode_job {
	const char *power_dir;         /* borrowed: the package directory */
	const char *logs_root;         /* borrowed: where windows' result_path resolve */
	const char *bench_result;      /* borrowed: the raw benchmark result (the workspace copy) */
	const char *agg_result;        /* borrowed: the processed result, patched in place */
	const char *validation_result; /* borrowed, or NULL: power_validation_{stem}.json beside
					* bench_result */
	long prefill_gpus, decode_gpus;
	const char *expected_producer_sha; /* borrowed, or NULL (an empty one counts as none) */
	bool require_power;
};

/* run(): the summary line upstream prints on success goes to out. Returns 0, or 1 when power
 * is invalid and required (an error diag; the files are written all the same), or -1 when the
 * job could not be set up (a diag). Invalid power that is not required is a warning and 0. */
int power_multinode_run(const struct power_multinode_job *job, struct buf *out,
			struct diags *d);

#endif
