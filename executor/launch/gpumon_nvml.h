/*
 * gpumon_nvml: gpumon's NVML source. NVML (libnvidia-ml.so.1, or the file INFBENCH_NVML_LIB
 * names) is loaded at run time with dlopen and its few functions declared here, so there is
 * no build dependency on the vendor SDK. A thread of ours samples every GPU once per interval
 * into the CSV that `nvidia-smi --query-gpu=GPUMON_NVIDIA_QUERY --format=csv -l N` writes:
 * the same header, the same columns and units, the same local-time timestamps, so
 * results/power reads both the same way.
 *
 *   n = gpumon_nvml_open(d)          NULL: no NVML here (not loadable, nvmlInit_v2 failed or
 *                                    no GPU): gpumon falls back to nvidia-smi / amd-smi
 *   gpumon_nvml_start(n, csv, s, d)  the header and a first sample, then one every s seconds
 *   gpumon_nvml_stop(n, d)           the thread joined, one last sample appended (the window's
 *                                    end bracketed, as the nvidia-smi path does), the file
 *                                    closed, NVML shut down and unloaded, n freed
 *
 * gpumon_nvml_stop is the only way to free what open returned, started or not.
 */
#ifndef EXECUTOR_GPUMON_NVML_H
#define EXECUTOR_GPUMON_NVML_H

struct diags;
struct gpumon_nvml;

/* The environment variable naming the NVML library to load instead of libnvidia-ml.so.1
 * (tests point it at tests/sim's stand-in). */
#define GPUMON_NVML_LIB_ENV "INFBENCH_NVML_LIB"

/* Loads and initialises NVML. NULL when it cannot be used; a warning says why when the library
 * was there (or named by INFBENCH_NVML_LIB) but did not work. */
struct gpumon_nvml *gpumon_nvml_open(struct diags *d);
/* Creates csv with the header and the first sample, then starts the sampling thread. -1 with a
 * diag when the file cannot be written or the thread cannot start (n still needs _stop). */
int gpumon_nvml_start(struct gpumon_nvml *n, const char *csv, int interval_s, struct diags *d);
/* Ends sampling and frees n (NULL is fine). -1 with a diag when the CSV could not be written
 * completely. */
int gpumon_nvml_stop(struct gpumon_nvml *n, struct diags *d);

#endif
