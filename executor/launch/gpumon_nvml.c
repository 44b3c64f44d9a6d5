/*
 * gpumon_nvml: see gpumon_nvml.h. The NVML prototypes below are the documented C API (nvml.h,
 * stable since the _v2 entry points of driver 325); every function returns nvmlReturn_t, an
 * enum whose 0 is NVML_SUCCESS. Each column nvidia-smi's query writes has its NVML source:
 *   timestamp              our clock at the reading (CLOCK_REALTIME, local time, ms)
 *   index                  the index the handle was taken by (nvmlDeviceGetHandleByIndex_v2:
 *                          the order nvidia-smi lists, CUDA_VISIBLE_DEVICES ignored by both)
 *   power.draw [W]         nvmlDeviceGetPowerUsage (mW; the value nvidia-smi prints, "%.2f W")
 *   temperature.gpu        nvmlDeviceGetTemperature(NVML_TEMPERATURE_GPU)
 *   clocks.current.sm      nvmlDeviceGetClockInfo(NVML_CLOCK_SM)
 *   clocks.current.memory  nvmlDeviceGetClockInfo(NVML_CLOCK_MEM)
 *   utilization.gpu/memory nvmlDeviceGetUtilizationRates
 * A reading NVML refuses is written "[N/A]", as nvidia-smi writes it. The power functions are
 * required (the library is not used without them); the others are optional.
 */
#include "executor/launch/gpumon_nvml.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/diag.h"
#include "common/xalloc.h"

/* ---- the NVML API we use (nvml.h, declared here: no vendor header) ------------------------ */
typedef struct nvml_device_st *nvml_device;
struct nvml_utilization {
	unsigned int gpu, memory; /* percent */
};
enum { NVML_SUCCESS = 0, NVML_TEMPERATURE_GPU = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };

struct nvml_api {
	int (*init)(void);
	int (*shutdown)(void);
	int (*count)(unsigned int *nr);
	int (*handle)(unsigned int index, nvml_device *dev);
	int (*power_mw)(nvml_device dev, unsigned int *mw);
	int (*temperature)(nvml_device dev, int sensor, unsigned int *celsius);
	int (*clock_mhz)(nvml_device dev, int type, unsigned int *mhz);
	int (*utilization)(nvml_device dev, struct nvml_utilization *u);
};

/* Symbol -> slot of struct nvml_api. */
static const struct nvml_symbol {
	const char *name;
	size_t offset;
	bool required;
} nvml_symbols[] = {
	{ "nvmlInit_v2", offsetof(struct nvml_api, init), true },
	{ "nvmlShutdown", offsetof(struct nvml_api, shutdown), true },
	{ "nvmlDeviceGetCount_v2", offsetof(struct nvml_api, count), true },
	{ "nvmlDeviceGetHandleByIndex_v2", offsetof(struct nvml_api, handle), true },
	{ "nvmlDeviceGetPowerUsage", offsetof(struct nvml_api, power_mw), true },
	{ "nvmlDeviceGetTemperature", offsetof(struct nvml_api, temperature), false },
	{ "nvmlDeviceGetClockInfo", offsetof(struct nvml_api, clock_mhz), false },
	{ "nvmlDeviceGetUtilizationRates", offsetof(struct nvml_api, utilization), false },
};

/* nvidia-smi's header for GPUMON_NVIDIA_QUERY with --format=csv. */
static const char nvml_csv_header[] =
	"timestamp, index, power.draw [W], temperature.gpu, clocks.current.sm [MHz], "
	"clocks.current.memory [MHz], utilization.gpu [%], utilization.memory [%]\n";

struct gpumon_nvml {
	void *lib; /* owned: dlopen handle */
	struct nvml_api api;
	nvml_device *dev; /* owned: one handle per GPU, by index */
	unsigned int nr;
	FILE *out;  /* owned: the CSV; written by the thread while it runs, else by the caller */
	char *csv;  /* owned: its path, for messages */
	int write_errno; /* the first write error, 0 when none */
	double interval_s;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock; /* guards stop */
	pthread_cond_t wake;  /* CLOCK_MONOTONIC */
	int stop;
};

static void nvml_unload(struct gpumon_nvml *n)
{
	if (n->lib)
		dlclose(n->lib);
	free(n->dev);
	free(n->csv);
	free(n);
}

/* Resolves the symbols; false (with the missing name in *missing) when a required one is
 * absent. */
static bool nvml_resolve(struct gpumon_nvml *n, const char **missing)
{
	for (size_t i = 0; i < sizeof(nvml_symbols) / sizeof(nvml_symbols[0]); i++) {
		const struct nvml_symbol *s = &nvml_symbols[i];
		void *sym = dlsym(n->lib, s->name);
		if (!sym && s->required) {
			*missing = s->name;
			return false;
		}
		/* POSIX: a data pointer from dlsym converts to the function pointer it is */
		memcpy((char *)&n->api + s->offset, &sym, sizeof(sym));
	}
	return true;
}

/* Initialises NVML and takes a handle per GPU; false with a warning when it cannot. */
static bool nvml_devices(struct gpumon_nvml *n, const char *name, struct diags *d)
{
	int e = n->api.init();
	if (e != NVML_SUCCESS) {
		diags_warnf(d, NULL, 0, 0, NULL,
			    "GPU monitor: nvmlInit_v2 of %s failed (NVML error %d), trying nvidia-smi",
			    name, e);
		return false;
	}
	unsigned int nr = 0;
	e = n->api.count(&nr);
	if (e == NVML_SUCCESS && nr) {
		n->dev = xcalloc(nr, sizeof(*n->dev));
		for (n->nr = 0; n->nr < nr; n->nr++)
			if ((e = n->api.handle(n->nr, &n->dev[n->nr])) != NVML_SUCCESS)
				break;
	}
	if (e == NVML_SUCCESS && n->nr)
		return true;
	diags_warnf(d, NULL, 0, 0, NULL,
		    "GPU monitor: NVML of %s lists no usable GPU (NVML error %d), trying nvidia-smi",
		    name, e);
	n->api.shutdown();
	return false;
}

struct gpumon_nvml *gpumon_nvml_open(struct diags *d)
{
	const char *named = getenv(GPUMON_NVML_LIB_ENV);
	const char *name = named && *named ? named : "libnvidia-ml.so.1";
	struct gpumon_nvml *n = xcalloc(1, sizeof(*n));
	n->lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!n->lib) {
		if (name == named) /* asked for by name: say why it is not used */
			diags_warnf(d, NULL, 0, 0, NULL, "GPU monitor: cannot load %s=%s: %s",
				    GPUMON_NVML_LIB_ENV, name, dlerror());
		nvml_unload(n);
		return NULL;
	}
	const char *missing = NULL;
	if (!nvml_resolve(n, &missing)) {
		diags_warnf(d, NULL, 0, 0, NULL, "GPU monitor: %s has no %s, trying nvidia-smi",
			    name, missing);
		nvml_unload(n);
		return NULL;
	}
	if (!nvml_devices(n, name, d)) {
		nvml_unload(n);
		return NULL;
	}
	return n;
}

/* nvidia-smi's timestamp: local time, "YYYY/MM/DD HH:MM:SS.mmm". */
static void nvml_stamp(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	size_t len = strftime(out, size, "%Y/%m/%d %H:%M:%S", &tm);
	snprintf(out + len, size - len, ".%03ld", ts.tv_nsec / 1000000);
}

/* A reading as nvidia-smi writes it: the value and its unit, or [N/A]. */
static void nvml_value(char *out, size_t size, int e, unsigned int v, const char *unit)
{
	if (e != NVML_SUCCESS)
		snprintf(out, size, "[N/A]");
	else
		snprintf(out, size, "%u%s", v, unit);
}

/* One row per GPU, then a flush, so the file holds whole rows whenever it is read. */
static void nvml_sample(struct gpumon_nvml *n)
{
	const struct nvml_api *a = &n->api;
	for (unsigned int i = 0; i < n->nr; i++) {
		nvml_device dev = n->dev[i];
		char stamp[48], power[32], temp[24], sm[32], mem[32], ugpu[24], umem[24];
		unsigned int mw = 0, celsius = 0, sm_mhz = 0, mem_mhz = 0;
		struct nvml_utilization u = { 0, 0 };
		int unsupported = 1; /* an NVML error: the function is absent */
		nvml_stamp(stamp, sizeof(stamp));
		/* each call before its value is formatted (an argument's order is unspecified) */
		int pe = a->power_mw(dev, &mw);
		int te = a->temperature ? a->temperature(dev, NVML_TEMPERATURE_GPU, &celsius)
					: unsupported;
		int se = a->clock_mhz ? a->clock_mhz(dev, NVML_CLOCK_SM, &sm_mhz) : unsupported;
		int me = a->clock_mhz ? a->clock_mhz(dev, NVML_CLOCK_MEM, &mem_mhz) : unsupported;
		int ue = a->utilization ? a->utilization(dev, &u) : unsupported;
		if (pe == NVML_SUCCESS)
			snprintf(power, sizeof(power), "%.2f W", mw / 1000.0);
		else
			snprintf(power, sizeof(power), "[N/A]");
		nvml_value(temp, sizeof(temp), te, celsius, "");
		nvml_value(sm, sizeof(sm), se, sm_mhz, " MHz");
		nvml_value(mem, sizeof(mem), me, mem_mhz, " MHz");
		nvml_value(ugpu, sizeof(ugpu), ue, u.gpu, " %");
		nvml_value(umem, sizeof(umem), ue, u.memory, " %");
		fprintf(n->out, "%s, %u, %s, %s, %s, %s, %s, %s\n", stamp, i, power, temp, sm, mem,
			ugpu, umem);
	}
	if ((fflush(n->out) || ferror(n->out)) && !n->write_errno)
		n->write_errno = errno ? errno : EIO;
}

static void *nvml_thread(void *arg)
{
	struct gpumon_nvml *n = arg;
	struct timespec due;
	clock_gettime(CLOCK_MONOTONIC, &due);
	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		/* the schedule is start + k * interval, as -l keeps it, without drift */
		double t = (double)due.tv_nsec / 1e9 + n->interval_s;
		due.tv_sec += (time_t)t;
		due.tv_nsec = (long)((t - floor(t)) * 1e9);
		while (!n->stop && pthread_cond_timedwait(&n->wake, &n->lock, &due) != ETIMEDOUT)
			;
		if (n->stop)
			break;
		pthread_mutex_unlock(&n->lock);
		nvml_sample(n);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

int gpumon_nvml_start(struct gpumon_nvml *n, const char *csv, int interval_s, struct diags *d)
{
	n->csv = xstrdup(csv);
	n->interval_s = interval_s > 0 ? interval_s : 1;
	n->out = fopen(csv, "we");
	if (!n->out)
		return diags_errorf(d, csv, 0, 0, NULL, "cannot create the GPU metrics file: %s",
				    strerror(errno));
	fputs(nvml_csv_header, n->out);
	nvml_sample(n);
	pthread_mutex_init(&n->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* signals stay with the main thread: the sampler starts with all of them blocked */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&n->thread, NULL, nvml_thread, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot start the GPU monitor thread: %s",
				    strerror(e));
	n->running = true;
	return 0;
}

int gpumon_nvml_stop(struct gpumon_nvml *n, struct diags *d)
{
	if (!n)
		return 0;
	if (n->running) {
		pthread_mutex_lock(&n->lock);
		n->stop = 1;
		pthread_cond_signal(&n->wake);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->thread, NULL);
		n->running = false;
	}
	int rc = 0;
	if (n->out) { /* started: the mutex and the condition exist when the file does */
		pthread_cond_destroy(&n->wake);
		pthread_mutex_destroy(&n->lock);
		nvml_sample(n);
		if (fclose(n->out) && !n->write_errno)
			n->write_errno = errno ? errno : EIO;
		if (n->write_errno)
			rc = diags_errorf(d, n->csv, 0, 0, NULL,
					  "cannot write the GPU metrics file: %s",
					  strerror(n->write_errno));
	}
	n->api.shutdown();
	nvml_unload(n);
	return rc;
}
