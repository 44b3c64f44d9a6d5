/*
 * nvml_sim: an NVML stand-in (libnvml_sim.so) for the power tests, loaded by the executor's
 * GPU monitor through INFBENCH_NVML_LIB. It exports the functions executor/launch/gpumon_nvml
 * looks up, with NVML's C signatures, and answers like tests/sim/nvidia-smi: SIM_GPUS GPUs
 * (default 2, at most SIM_NVML_MAX), GPU i drawing 300 + 10 * i W, constant, at 40 C, SM
 * 1980 MHz, memory 2619 MHz, 50 % / 20 % busy, so a window's energy is known exactly.
 *   SIM_NVML_INIT_ERROR=N   nvmlInit_v2 returns N (an NVML error code) instead of success
 *   SIM_NVML_NA_GPU=I       GPU I reports no power (NVML_ERROR_NOT_SUPPORTED)
 *   SIM_NVML_LOG=FILE       one line per call of init, shutdown and power ("power I")
 * Reads its environment at each call; no state but the handles, so any order of calls works.
 */
#define _GNU_SOURCE /* O_CLOEXEC in the strict C11 of the standalone build */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIM_NVML_MAX 64
#define NVML_SUCCESS 0
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3

struct sim_device {
	unsigned int index;
};
static struct sim_device devices[SIM_NVML_MAX];

struct nvml_utilization {
	unsigned int gpu, memory;
};

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static unsigned int gpu_count(void)
{
	long n = env_long("SIM_GPUS", 2);
	return n < 0 ? 0 : n > SIM_NVML_MAX ? SIM_NVML_MAX : (unsigned int)n;
}

static void log_call(const char *fmt, unsigned int arg)
{
	const char *path = getenv("SIM_NVML_LOG");
	if (!path || !*path)
		return;
	char line[64];
	int n = snprintf(line, sizeof(line), fmt, arg);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n) { /* a test log: nothing to do about it */
	}
	close(fd);
}

/* The handle's GPU, or -1 for a handle we did not give out. */
static long device_index(const struct sim_device *dev)
{
	if (dev < devices || dev >= devices + gpu_count())
		return -1;
	return (long)dev->index;
}

int nvmlInit_v2(void)
{
	log_call("init\n", 0);
	return (int)env_long("SIM_NVML_INIT_ERROR", NVML_SUCCESS);
}

int nvmlShutdown(void)
{
	log_call("shutdown\n", 0);
	return NVML_SUCCESS;
}

int nvmlDeviceGetCount_v2(unsigned int *nr)
{
	*nr = gpu_count();
	return NVML_SUCCESS;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, struct sim_device **dev)
{
	if (index >= gpu_count())
		return NVML_ERROR_INVALID_ARGUMENT;
	devices[index].index = index;
	*dev = &devices[index];
	return NVML_SUCCESS;
}

int nvmlDeviceGetPowerUsage(struct sim_device *dev, unsigned int *mw)
{
	long i = device_index(dev);
	if (i < 0)
		return NVML_ERROR_INVALID_ARGUMENT;
	log_call("power %u\n", (unsigned int)i);
	if (env_long("SIM_NVML_NA_GPU", -1) == i)
		return NVML_ERROR_NOT_SUPPORTED;
	*mw = (unsigned int)(300000 + 10000 * i);
	return NVML_SUCCESS;
}

int nvmlDeviceGetTemperature(struct sim_device *dev, int sensor, unsigned int *celsius)
{
	if (device_index(dev) < 0 || sensor != 0)
		return NVML_ERROR_INVALID_ARGUMENT;
	*celsius = 40;
	return NVML_SUCCESS;
}

int nvmlDeviceGetClockInfo(struct sim_device *dev, int type, unsigned int *mhz)
{
	if (device_index(dev) < 0 || (type != 1 && type != 2)) /* NVML_CLOCK_SM, NVML_CLOCK_MEM */
		return NVML_ERROR_INVALID_ARGUMENT;
	*mhz = type == 1 ? 1980 : 2619;
	return NVML_SUCCESS;
}

int nvmlDeviceGetUtilizationRates(struct sim_device *dev, struct nvml_utilization *u)
{
	if (device_index(dev) < 0)
		return NVML_ERROR_INVALID_ARGUMENT;
	u->gpu = 50;
	u->memory = 20;
	return NVML_SUCCESS;
}
