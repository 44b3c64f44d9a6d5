/*
 * power: GPU power telemetry -> energy figures, the way upstream's utils/aggregate_power.py
 * computes them (power metric schema v2), so that `executor power` and `executor run` write
 * the same bytes the field's script writes for the same files.
 *
 * Pure: text in, figures and JSON text out; the caller reads and writes the files.
 *
 *   power_bench_read      raw benchmark JSON -> window, counts, reasons (benchmark_* rules)
 *   power_integrate       GPU metrics CSV text + window -> per-GPU trapezoidal energy with
 *                         linear interpolation at the window edges, validity reasons
 *   power_metrics         valid integration + bench -> avg_power_w ... joules_per_*_token
 *   power_patch_agg       a processed result (JSON) -> the same with the power fields set
 *   power_validation_json the validation sidecar, with the energy-accumulator cross-check
 *                         (amd-smi snapshots; advisory)
 *
 * Reason strings are upstream's codes (static strings, never freed). Every pointer a struct
 * here holds is owned by it and freed by its _release.
 */
#ifndef EXECUTOR_POWER_H
#define EXECUTOR_POWER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct jnode;

#define POWER_METRIC_SCHEMA_VERSION 2
#define POWER_DEFAULT_MAX_SAMPLE_GAP_S 3.0
#define POWER_MAX_REASONS 32

/* Validation reasons in discovery order, each once. */
struct power_reasons {
	const char *v[POWER_MAX_REASONS];
	size_t nr;
};
void power_reason_add(struct power_reasons *r, const char *reason);

/* BenchmarkData: the raw result's window and counts. */
struct power_bench {
	double start_unix, end_unix, reported_duration_s;
	long long completed, total_input_tokens, total_output_tokens; /* 0 when invalid */
};

/* Reads the raw benchmark result text. Returns true with *b filled (reasons may still be
 * added: duration mismatch, bad counts), or false when there is no usable window
 * (invalid_benchmark_result or invalid_benchmark_window added). */
bool power_bench_read(struct power_bench *b, const char *text, size_t len,
		      struct power_reasons *r);

/* One observed GPU, in upstream's order (numeric ids by value, then others by code point). */
struct power_gpu {
	char *id;               /* owned, UTF-8 (invalid bytes replaced by U+FFFD) */
	size_t sample_count;    /* distinct timestamps within the read window */
	bool has_gap, has_energy;
	double max_gap_s, energy_j;
	const char *issue;      /* static: the device issue, or NULL */
};

struct power_integration {
	struct power_reasons reasons;
	bool has_expected;
	long expected_num_gpus;
	struct power_gpu *v; /* owned */
	size_t nr, alloc;
	bool has_totals;
	double avg_power_w, avg_total_gpu_power_w, total_gpu_energy_j;
};

void power_integration_init(struct power_integration *pi, bool has_expected, long expected);
void power_integration_release(struct power_integration *pi);

/* integrate_power(): csv is the whole file (NULL when it does not exist), window in Unix
 * seconds. Reasons and figures land in *pi (initialised by the caller). */
void power_integrate(struct power_integration *pi, const char *csv, size_t len,
		     double start_unix, double end_unix, double max_sample_gap_s);

/* _derived_metrics, in upstream's key order. */
#define POWER_NR_METRICS 7
extern const char *const power_metric_keys[POWER_NR_METRICS];
struct power_metrics {
	bool present;
	double v[POWER_NR_METRICS];
};
void power_metrics_compute(struct power_metrics *m, const struct power_integration *pi,
			   const struct power_bench *b);

/* _patch_power_result: writes agg (an object) with the power keys replaced, as Python's
 * json.dumps(indent=2) writes it after json.loads. Returns -1 (out untouched) when agg is
 * not an object or a metric is not finite: upstream's aggregate_result_unwritable. */
int power_patch_agg(struct buf *out, const struct jnode *agg, bool power_valid,
		    const struct power_metrics *m);

/* _patch_power_result with any metric set (the multi-node one has role metrics too): the keys
 * in drop and power_invalid_reasons removed, the schema version and power_valid set, and when
 * valid keys[i] = round(vals[i], 3 for _w/_j keys else 6) appended in order. -1 as above. */
int power_patch_agg_keys(struct buf *out, const struct jnode *agg, bool power_valid,
			 const char *const *drop, size_t ndrop, const char *const *keys,
			 const double *vals, size_t n);

/* One reading of one GPU: time (Unix seconds), watts, and its place in the file (the tie
 * break of a stable sort; integration ignores it). */
struct power_sample {
	double t, w;
	size_t seq;
};
/* _integrate_device: the trapezoid over [start, end] of samples sorted by time that bracket
 * both edges, the edges linearly interpolated. */
double power_integrate_device(const struct power_sample *v, size_t n, double start, double end);
/* Python's round(x, nd) for a float. */
double power_py_round(double x, int nd);

/* A file's text, or absent (s NULL): the telemetry and the amd-smi energy snapshots. */
struct power_text {
	const char *s; /* borrowed */
	size_t len;
};

struct power_validation {
	const char *csv_path, *bench_path; /* borrowed, already as Python's str(Path) prints */
	const struct power_bench *bench;   /* NULL when the window was unusable */
	const struct power_integration *pi;
	bool power_valid;
	const struct power_reasons *reasons;
	const struct power_metrics *metrics;
	/* cross_check_accumulator's inputs: the telemetry and its _energy_start.csv and
	 * _energy_end.csv snapshots (absent: null, or the missing snapshot named) */
	struct power_text csv, energy_start, energy_end;
};
void power_validation_json(struct buf *out, const struct power_validation *v);

/* Python's str(Path(p)): repeated slashes and "." parts gone, no trailing slash, "." for
 * empty; two leading slashes kept (POSIX). */
void power_py_path(struct buf *out, const char *p);
/* Path(p).with_name(prefix + Path(p).stem + suffix); false when p has no name (Python's
 * ValueError). */
bool power_py_sibling(struct buf *out, const char *p, const char *prefix, const char *suffix);

#endif
