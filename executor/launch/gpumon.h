/*
 * gpumon: samples every GPU of the node during the benchmark window into the GPU metrics CSV
 * upstream's benchmarks/benchmark_lib.sh writes (start_gpu_monitor / stop_gpu_monitor), with
 * the same tools and queries, so results/power reads it as upstream's aggregate_power.py does:
 *
 *   nvidia-smi --query-gpu=timestamp,index,power.draw,... --format=csv -l INTERVAL  > CSV
 *     and, once stopped, one more sample (--format=csv,noheader) appended, so the window's
 *     end is bracketed;
 *   amd-smi metric -p -c -t -u -w INTERVAL --csv, kept from its first "timestamp," header
 *     (repeated headers and preambles dropped), plus the energy-accumulator snapshots
 *     {stem}_energy_start.csv and {stem}_energy_end.csv (amd-smi metric -E --csv).
 *
 * Before either tool, NVML (gpumon_nvml: libnvidia-ml.so.1 loaded at run time, or the file
 * INFBENCH_NVML_LIB names) when it loads and nvmlInit_v2 finds a GPU: a thread of ours then
 * writes the same CSV, nvidia-smi's header and columns, with the same last sample at stop.
 * The tools are looked up in PATH (tests put a simulated nvidia-smi first). No vendor SDK.
 * A node without NVML or either tool is not an error: gpumon_start says so and samples
 * nothing. A tool runs as a child in a process group of its own; gpumon_stop ends and reaps
 * it (or joins the NVML thread).
 */
#ifndef EXECUTOR_GPUMON_H
#define EXECUTOR_GPUMON_H

#include <stdbool.h>
#include <sys/types.h>

struct diags;
struct gpumon_nvml;

enum gpumon_vendor { GPUMON_NONE, GPUMON_NVML, GPUMON_NVIDIA, GPUMON_AMD };

#define GPUMON_NVIDIA_QUERY                                                              \
	"timestamp,index,power.draw,temperature.gpu,clocks.current.sm,clocks.current.memory," \
	"utilization.gpu,utilization.memory"

struct gpumon {
	enum gpumon_vendor vendor;
	pid_t pid;      /* the sampling child, 0 when none */
	struct gpumon_nvml *nvml; /* owned: the NVML sampler (GPUMON_NVML), else NULL */
	char *csv;      /* owned: the CSV path */
	char *raw;      /* owned: amd-smi's unfiltered output (removed at stop), or NULL */
	int interval_s;
};

/* Starts sampling into csv every interval_s seconds. Returns 0 when sampling (m->vendor set),
 * 0 with GPUMON_NONE when the node has no NVML and neither tool, -1 with a diag when a source is there but
 * could not be started or the file could not be created. */
int gpumon_start(struct gpumon *m, const char *csv, int interval_s, struct diags *d);
/* Stops the child, adds nvidia-smi's last sample or amd-smi's filtered CSV and end snapshot.
 * Safe on a monitor that never started. -1 with a diag when the CSV could not be finished. */
int gpumon_stop(struct gpumon *m, struct diags *d);

#endif
