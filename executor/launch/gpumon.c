/*
 * gpumon: see gpumon.h. The child writes straight into the CSV (nvidia-smi) or into a raw
 * file filtered at stop (amd-smi); only NVML needs a thread of ours (gpumon_nvml.c).
 */
#include "executor/launch/gpumon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/proc.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/launch/gpumon_nvml.h"

/* Whether name is an executable file in one of PATH's directories. */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	struct buf full = BUF_INIT;
	bool found = false;
	for (const char *s = path; !found;) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		buf_reset(&full);
		buf_add(&full, n ? s : ".", n ? n : 1);
		buf_addf(&full, "/%s", name);
		found = !access(full.s, X_OK);
		if (!e)
			break;
		s = e + 1;
	}
	buf_release(&full);
	return found;
}

/* Runs argv and writes its stdout to path, or removes path when it fails (upstream's
 * _write_amd_smi_sidecar): best effort, as upstream's warnings are. */
static void snapshot(const char *const *argv, const char *path, bool append, struct diags *d)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct diags quiet = DIAGS_INIT;
	int status = -1;
	if (!proc_capture(argv, &out, &err, &status, &quiet) && status == 0) {
		if (append ? file_append(path, out.s, out.len, &quiet)
			   : file_write_atomic(path, out.s, out.len, &quiet))
			status = -1;
	}
	if (status) {
		if (!append)
			unlink(path);
		diags_warnf(d, NULL, 0, 0, NULL, "GPU monitor: %s %s failed", argv[0], argv[1]);
	}
	buf_release(&out);
	buf_release(&err);
	diags_release(&quiet);
}

static char *sibling(const char *csv, const char *suffix)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(csv);
	if (n > 4 && !strcmp(csv + n - 4, ".csv"))
		n -= 4;
	buf_add(&b, csv, n);
	buf_adds(&b, suffix);
	return buf_take(&b, NULL);
}

static const char *const amd_energy[] = { "amd-smi", "metric", "-E", "--csv", NULL };

int gpumon_start(struct gpumon *m, const char *csv, int interval_s, struct diags *d)
{
	memset(m, 0, sizeof(*m));
	m->interval_s = interval_s > 0 ? interval_s : 1;
	if ((m->nvml = gpumon_nvml_open(d))) {
		if (!gpumon_nvml_start(m->nvml, csv, m->interval_s, d)) {
			m->vendor = GPUMON_NVML;
			return 0;
		}
		struct diags quiet = DIAGS_INIT; /* the start's error is the one to report */
		gpumon_nvml_stop(m->nvml, &quiet);
		diags_release(&quiet);
		m->nvml = NULL;
		return -1;
	}
	if (in_path("nvidia-smi"))
		m->vendor = GPUMON_NVIDIA;
	else if (in_path("amd-smi"))
		m->vendor = GPUMON_AMD;
	else
		return 0;
	m->csv = xstrdup(csv);
	if (m->vendor == GPUMON_AMD)
		m->raw = sibling(csv, ".amd-smi.raw");
	const char *target = m->raw ? m->raw : m->csv;
	int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		diags_errorf(d, target, 0, 0, NULL, "cannot create the GPU metrics file: %s",
			     strerror(errno));
		m->vendor = GPUMON_NONE;
		return -1;
	}
	char interval[24];
	snprintf(interval, sizeof(interval), "%d", m->interval_s);
	const char *nv[] = { "nvidia-smi", "--query-gpu=" GPUMON_NVIDIA_QUERY, "--format=csv",
			     "-l", interval, NULL };
	const char *amd[] = { "amd-smi", "metric", "-p", "-c", "-t", "-u", "-w", interval,
			      "--csv", NULL };
	struct strvec env = { 0 };
	const char *unbuffered = "PYTHONUNBUFFERED=1";
	if (m->vendor == GPUMON_AMD) {
		char *start = sibling(csv, "_energy_start.csv");
		snapshot(amd_energy, start, false, d);
		free(start);
		VEC_PUSH(&env, unbuffered);
	}
	struct proc p;
	struct proc_opts o = {
		.argv = m->vendor == GPUMON_NVIDIA ? nv : amd, .env_add = env.nr ? &env : NULL,
		.new_group = true, .default_signals = true, .out = PROC_FD, .out_fd = fd,
		.err = PROC_FD, .err_fd = -1,
	};
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	o.err_fd = devnull;
	int rc = proc_spawn(&p, &o, d);
	close(fd);
	if (devnull >= 0)
		close(devnull);
	free(env.v);
	if (rc) {
		m->vendor = GPUMON_NONE;
		return -1;
	}
	m->pid = p.pid;
	return 0;
}

/* awk '/^timestamp,/{if(!h){print;h=1};next} h{print}': the CSV from its first header on. */
static void amd_filter(struct buf *out, const char *s, size_t len)
{
	bool header = false;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		bool is_header = end - i >= 10 && !memcmp(s + i, "timestamp,", 10);
		if (is_header ? !header : header)
			buf_add(out, s + i, end - i);
		if (is_header)
			header = true;
		i = end;
	}
}

int gpumon_stop(struct gpumon *m, struct diags *d)
{
	int rc = 0;
	if (m->pid > 0) {
		if (m->vendor == GPUMON_AMD) /* its stamps are whole seconds: two more ticks */
			nanosleep(&(struct timespec){ m->interval_s + 2, 0 }, NULL);
		kill(-m->pid, SIGTERM);
		while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR)
			;
		m->pid = 0;
	}
	if (m->vendor == GPUMON_NVML) {
		rc = gpumon_nvml_stop(m->nvml, d);
		m->nvml = NULL;
	} else if (m->vendor == GPUMON_NVIDIA) {
		const char *last[] = { "nvidia-smi", "--query-gpu=" GPUMON_NVIDIA_QUERY,
				       "--format=csv,noheader", NULL };
		snapshot(last, m->csv, true, d);
	} else if (m->vendor == GPUMON_AMD) {
		struct buf raw = BUF_INIT, csv = BUF_INIT;
		rc = file_read_all(&raw, m->raw, d);
		if (!rc) {
			amd_filter(&csv, raw.s, raw.len);
			rc = file_write_atomic(m->csv, csv.s, csv.len, d);
		}
		unlink(m->raw);
		char *end = sibling(m->csv, "_energy_end.csv");
		snapshot(amd_energy, end, false, d);
		free(end);
		buf_release(&raw);
		buf_release(&csv);
	}
	free(m->csv);
	free(m->raw);
	m->csv = m->raw = NULL;
	m->vendor = GPUMON_NONE;
	return rc;
}
