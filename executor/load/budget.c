/* budget: see budget.h. Sizes are doubles: a hostile concurrency must not overflow the
 * arithmetic that is there to refuse it. */
#include "executor/load/budget.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/load/bench.h"
#include "executor/load/dataset.h"

/* descriptors besides the connections: stdio, epoll, its timer, server.log, libcurl's */
#define FDS_SPARE 16
/* what malloc keeps beside each block */
#define MALLOC_OVERHEAD 16.0
/* a connection and its flight: sockets state, response head, SSE buffers, event slot */
#define CONN_BYTES 4096.0
/* a connection's slot before it is opened (struct conn and struct flight), counted generously */
#define CONN_SLOT_BYTES 512.0
/* bytes of one token in a request, at most: "29999, " as an id (ids stay below 30000), a
 * word of the built-in list (6 letters at most) and its space as text */
#define WIRE_BYTES_PER_TOKEN 7.0
/* the request line, headers and the JSON around the prompt */
#define WIRE_OVERHEAD 512.0
/* a token of kept text (--save-detailed): a few bytes, counted generously */
#define TEXT_BYTES_PER_TOKEN 8.0
/* the load's own fixed buffers (the read buffer, the event loop), counted once */
#define FIXED_BYTES (4.0 * 1024 * 1024)
/* The share of MemAvailable a load may plan for: the server on the same node needs memory
 * too (weights pass through host memory while it loads), and the estimate is not exact. */
#define MEM_SHARE 0.5

size_t load_max_inflight(const struct bench_config *cfg)
{
	size_t n = cfg->ds.num_prompts, warm = (size_t)cfg->num_warmups;
	size_t m = cfg->max_concurrency ? (size_t)cfg->max_concurrency : (n > warm ? n : warm);
	return m ? m : 1;
}

bool load_fds_known(const struct bench_config *cfg)
{
	return cfg->max_concurrency || !isfinite(cfg->request_rate);
}

int load_fd_limit(bool raise)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	if (!raise) /* what it will be once raised: the hard limit */
		rl.rlim_cur = rl.rlim_max;
	else if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* the event loop keeps a slot per descriptor: a million is plenty */
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20) ? (1 << 20)
									 : (int)rl.rlim_cur;
}

/* buf doubles from 32 bytes: what a request of n bytes holds */
static double buf_alloc(double n)
{
	double a = 32;
	while (a < n + 1)
		a *= 2;
	return a + MALLOC_OVERHEAD;
}

void load_budget_estimate(struct load_budget *out, const struct bench_config *cfg)
{
	memset(out, 0, sizeof(*out));
	const struct dataset_config *ds = &cfg->ds;
	double n = (double)ds->num_prompts;
	/* the longest prompt and answer a draw can give: every request is counted at it */
	double tokens = (double)ds->prefix_len + (double)ds->input_len;
	double answer = (double)ds->output_len;
	bool ids = ds->format == PROMPT_IDS || cfg->use_chat_template;
	double prompt = sizeof(struct dataset_prompt) + sizeof(struct buf) +
			buf_alloc(tokens * WIRE_BYTES_PER_TOKEN + WIRE_OVERHEAD);
	if (ids)
		prompt += (tokens + 1) * sizeof(int) + MALLOC_OVERHEAD;
	double itl = (answer + 16) * sizeof(int64_t) + MALLOC_OVERHEAD;
	double record = sizeof(struct bench_req) + itl;
	if (cfg->save_detailed)
		record += sizeof(struct buf) + buf_alloc(answer * TEXT_BYTES_PER_TOKEN);
	/* after the load: every ITL gap and one TTFT, TPOT and E2EL each, as doubles */
	double samples = (answer + 3) * sizeof(double);
	if (isfinite(cfg->request_rate))
		samples += sizeof(int64_t); /* the arrival gaps */
	out->inflight = load_max_inflight(cfg);
	double inflight = (double)out->inflight;
	out->prompt_bytes = n * prompt;
	out->record_bytes = n * (record + samples);
	/* a rate without a bound allocates a slot per prompt, but opens (and fills) only the
	 * connections its schedule keeps in flight: those are not known here */
	double conn = load_fds_known(cfg) ? CONN_BYTES : CONN_SLOT_BYTES;
	out->conn_bytes = inflight * (conn + (cfg->num_warmups ? itl : 0));
	out->total_bytes = out->prompt_bytes + out->record_bytes + out->conn_bytes + FIXED_BYTES;
	out->fds = inflight + FDS_SPARE;
}

/* MemAvailable (the kernel's estimate of what can be had without swapping), in bytes; 0
 * when unknown. Older kernels lack it: free plus buffers from sysinfo stand in. */
static double mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long long kb = 0;
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "MemAvailable: %llu kB", &kb) == 1;
	if (f)
		fclose(f);
	if (found)
		return (double)kb * 1024;
	struct sysinfo si;
	if (sysinfo(&si))
		return 0;
	return ((double)si.freeram + (double)si.bufferram) * si.mem_unit;
}

static double gib(double bytes)
{
	return bytes / (1024.0 * 1024 * 1024);
}

int load_budget_check(const struct bench_config *cfg, struct diags *d)
{
	struct load_budget b;
	load_budget_estimate(&b, cfg);
	int rc = 0;
	double avail = mem_available();
	if (avail > 0 && b.total_bytes > avail * MEM_SHARE)
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "the load is too large for this machine: about %.1f GiB for %zu "
				  "prompts of up to %.0f tokens, their records and %zu connections; "
				  "the limit is %.1f GiB (half of MemAvailable, %.1f GiB)",
				  gib(b.total_bytes), cfg->ds.num_prompts,
				  (double)cfg->ds.prefix_len + (double)cfg->ds.input_len, b.inflight,
				  gib(avail * MEM_SHARE), gib(avail));
	int fd_limit = load_fd_limit(false);
	if (load_fds_known(cfg) && b.fds > fd_limit)
		rc = diags_errorf(d, NULL, 0, 0, NULL,
				  "the load is too large for this machine: %zu requests in flight "
				  "need %.0f file descriptors; the limit is %d (RLIMIT_NOFILE, "
				  "raised to its hard limit)", b.inflight, b.fds, fd_limit);
	return rc;
}
