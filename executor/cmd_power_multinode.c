/*
 * cmd_power_multinode: `executor power-multinode`, a drop-in for upstream's
 * utils/aggregate_power_multinode.py command line (the same options and environment
 * defaults). The rules are results/power_multinode's.
 */
#include "executor/commands.h"

#include <limits.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/opt.h"
#include "executor/power_job.h"
#include "executor/results/power_multinode.h"

static const char *env_or(const char *name, const char *otherwise)
{
	const char *v = getenv(name);
	return v ? v : otherwise;
}

int cmd_power_multinode(int argc, char **argv, struct buf *out, struct diags *d)
{
	struct power_multinode_job job = {
		.power_dir = env_or("POWER_ARTIFACT_DIR", "LOGS/power"),
		.logs_root = env_or("POWER_RESULT_ROOT", "LOGS"),
	};
	const char *sha = getenv("POWER_PRODUCER_SHA");
	job.expected_producer_sha = sha && *sha ? sha : NULL;
	bool require = power_required_by_env();
	const struct opt rows[] = {
		{ "power-dir", OPT_STR, 0, &job.power_dir, "DIR", "the srt-slurm power package: "
		  "manifest.json, samples.csv, windows/ (default POWER_ARTIFACT_DIR or LOGS/power)",
		  0, NULL, NULL },
		{ "logs-root", OPT_STR, 0, &job.logs_root, "DIR", "where the windows' result_path "
		  "resolve (default POWER_RESULT_ROOT or LOGS)", 0, NULL, NULL },
		{ "bench-result", OPT_STR, OPT_REQUIRED, &job.bench_result, "FILE", "the raw "
		  "benchmark result (window and token counts)", 0, NULL, NULL },
		{ "agg-result", OPT_STR, OPT_REQUIRED, &job.agg_result, "FILE", "the processed "
		  "result, patched in place", 0, NULL, NULL },
		{ "prefill-gpus", OPT_INT, OPT_REQUIRED, &job.prefill_gpus, "N", "the workflow's "
		  "PREFILL_GPUS", LONG_MIN, NULL, NULL },
		{ "decode-gpus", OPT_INT, OPT_REQUIRED, &job.decode_gpus, "N", "the workflow's "
		  "DECODE_GPUS", LONG_MIN, NULL, NULL },
		{ "expected-producer-sha", OPT_STR, 0, &job.expected_producer_sha, "SHA", "the "
		  "srt-slurm producer commit required (default POWER_PRODUCER_SHA)", 0, NULL, NULL },
		{ "validation-result", OPT_STR, 0, &job.validation_result, "FILE", "the validation "
		  "sidecar (default power_validation_{stem}.json beside --bench-result)", 0, NULL,
		  NULL },
		{ "require-power", OPT_FLAG, 0, &require, NULL, "fail (exit 1) when power is "
		  "invalid; also REQUIRE_POWER=1|true|yes", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor power-multinode --bench-result FILE --agg-result FILE --prefill-gpus N "
		"--decode-gpus N [options]",
		"Re-validate a disaggregated multi-node run's srt-slurm dcgm-power package (the\n"
		"producer's verdict is recomputed, never trusted), bind the result to its window by\n"
		"content, integrate every GPU over the window and patch the processed result with\n"
		"power schema v2: whole-deployment figures and prefill_/decode_ energy, power and\n"
		"joules per input/output token. Writes the validation sidecar. The same command\n"
		"line, files and bytes as upstream's utils/aggregate_power_multinode.py. Invalid\n"
		"power is a warning (exit 0) unless required.",
		rows, sizeof(rows) / sizeof(rows[0]), NULL,
	};
	int rc = opt_parse_or_help(&cmd, argc, argv, NULL, out, d);
	if (rc)
		return rc > 0 ? 0 : -1;
	job.require_power = require;
	return power_multinode_run(&job, out, d);
}
