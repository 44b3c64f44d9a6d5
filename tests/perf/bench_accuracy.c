/*
 * bench_accuracy: how far `executor bench` is from the truth. Starts the simulator (TTFT
 * 50 ms, ITL 10 ms), runs bench at each concurrency (ISL 1024, OSL 128, range ratio 1), and
 * prints client-reported minus server-truth for mean and p99 TTFT and ITL, the client's CPU
 * per 1,000 output tokens, output throughput, and PASS/FAIL against the targets;
 * then a long-context case (100,000-token prompts at concurrency 64) against the ideal
 * throughput.
 *
 * Truth for the timed requests only: bench runs its warm-ups first and waits for all of them
 * before the clock starts, and the simulator appends a request's samples when it completes,
 * so after POST /stats/reset the first W TTFTs and the first W x (OSL - 1) gaps of
 * /stats?raw=1 are the W warm-ups (range ratio 1: every request has OSL tokens). They are
 * dropped; the rest is summarised with the same stats.c the client uses. The simulator's
 * TTFT runs from the request's arrival (the kernel's receive stamp of its last bytes) to its
 * first token write, so time a request waits unread in the simulator's socket is not booked
 * as client error. Under each row, the simulator's own figures: where its arrival times came
 * from ("kernel", or "read" when no stamp came: then that wait counts again, and the row is
 * an upper bound on the client's error), the longest a request waited unread, and the most a
 * token was written after its scheduled time (the truth records the actual write times, so
 * this bends the schedule, not the comparison).
 *
 * Usage: bench_accuracy --executor PATH --simserver PATH [--conc 1,64,...] [--no-long]
 * Exit status: 0 when every run completed (PASS/FAIL is information), 1 on a crash.
 */
#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "executor/load/stats.h"
#include "sim_harness.h"

#define OSL 128

static const char *executor_path;
static char dir[] = "/tmp/bench_accuracy.XXXXXX";
static struct sim_harness sim; /* sim_path and dir set in main */

/* Runs bench; its exit status (0 or 1 are normal), or -1 when it crashed. */
static int run_bench(int conc, long isl, long prompts, long warmups, const char *out)
{
	char url[64], c[16], n[16], w[16], in[16], osl[16];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", sim.port);
	snprintf(c, sizeof(c), "%d", conc);
	snprintf(n, sizeof(n), "%ld", prompts);
	snprintf(w, sizeof(w), "%ld", warmups);
	snprintf(in, sizeof(in), "%ld", isl);
	snprintf(osl, sizeof(osl), "%d", OSL);
	char *argv[] = { (char *)executor_path, "bench", "--model", "sim-model", "--base-url", url,
			 "--random-input-len", in, "--random-output-len", osl,
			 "--random-range-ratio", "1", "--max-concurrency", c, "--num-prompts", n,
			 "--num-warmups", w, "--metric-percentiles", "99", "--disable-tqdm",
			 "--save-result", "--result-dir", dir, "--result-filename", (char *)out,
			 NULL };
	int rc = run_quiet(argv);
	return rc <= 1 ? rc : -1;
}

static double num(const struct jnode *o, const char *k)
{
	const struct jnode *v = jobj_get(o, k);
	return v && v->type == JT_NUM ? v->num : NAN;
}

static struct jnode *parse(const struct buf *b)
{
	return jtree_parse(b->s, b->len, NULL, NULL);
}

/* mean and p99 of a raw array after dropping its first `skip` samples. */
static void truth(double *mean, double *p99, const struct jnode *arr, size_t skip)
{
	size_t n = arr && arr->type == JT_ARR ? arr->nr : 0;
	double *v = calloc(n + 1, sizeof(double));
	for (size_t k = skip; k < n; k++)
		v[k - skip] = arr->items[k].type == JT_NUM ? arr->items[k].num : 0;
	double p = 99;
	struct stats_summary s;
	stats_summarise(&s, v, n > skip ? n - skip : 0, &p, 1);
	*mean = s.mean;
	*p99 = s.pct[0];
	stats_summary_release(&s);
	free(v);
}

static const char *verdict(double err, double limit)
{
	return isnan(limit) ? "    " : fabs(err) <= limit ? "PASS" : "FAIL";
}

static int one_conc(int conc)
{
	long prompts = conc <= 1 ? 16 : conc <= 256 ? 10L * conc : conc <= 1024 ? 4L * conc
			: 2L * conc;
	long warmups = conc <= 1 ? 2 : conc;
	struct buf b = BUF_INIT;
	char name[64], path[400];
	snprintf(name, sizeof(name), "c%d.json", conc);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sim_harness_http(&sim, &b, "POST", "/stats/reset");
	int rc = run_bench(conc, 1024, prompts, warmups, name);
	if (rc < 0 || sim_harness_http(&sim, &b, "GET", "/stats?raw=1") != 200)
		return -1;
	struct jnode *srv = parse(&b);
	struct diags d = DIAGS_INIT;
	buf_reset(&b);
	file_read_all(&b, path, &d);
	struct jnode *cli = parse(&b);
	diags_release(&d);
	if (!srv || !cli) {
		printf("%6d  no result (bench exit %d)\n", conc, rc);
		jtree_free(srv);
		jtree_free(cli);
		buf_release(&b);
		return 0;
	}
	double tm, tp, im, ip;
	truth(&tm, &tp, jobj_get(srv, "ttfts_ms"), (size_t)warmups);
	truth(&im, &ip, jobj_get(srv, "itls_ms"), (size_t)warmups * (OSL - 1));
	const struct jnode *client = jobj_get(cli, "client");
	const struct jnode *saturated = jobj_get(client, "saturated");
	double e_tm = num(cli, "mean_ttft_ms") - tm, e_tp = num(cli, "p99_ttft_ms") - tp;
	double e_im = num(cli, "mean_itl_ms") - im, e_ip = num(cli, "p99_itl_ms") - ip;
	double cpu = num(client, "cpu_s") * 1000 / (num(cli, "total_output_tokens") / 1000);
	double lim_tm = conc <= 256 ? 1 : conc <= 1024 ? 2 : 5;
	double lim_tp = conc <= 1024 ? 5 : NAN, lim_ip = conc <= 1024 ? 2 : NAN;
	printf("%6d %8.3f %4s %8.3f %4s %8.3f %8.3f %4s %8.2f %10.0f %5.0f/%-5ld %s %s\n", conc,
	       e_tm, verdict(e_tm, lim_tm), e_tp, verdict(e_tp, lim_tp), e_im, e_ip,
	       verdict(e_ip, lim_ip), cpu, num(cli, "output_throughput"), num(cli, "completed"),
	       prompts, saturated && saturated->type == JT_BOOL && saturated->b ? "sat" : "-",
	       rc ? "(bench exit 1)" : "");
	const char *clock = jobj_str(srv, "arrival_clock");
	printf("        sim: arrival clock %s (%.0f kernel, %.0f read), max read lag %.2f ms, "
	       "max schedule lag %.2f ms\n",
	       clock ? clock : "?", num(srv, "arrivals_kernel"),
	       num(srv, "arrivals_read"), num(srv, "max_read_lag_ms"), num(srv, "max_lag_ms"));
	fflush(stdout);
	jtree_free(srv);
	jtree_free(cli);
	buf_release(&b);
	return 0;
}

static int long_context(void)
{
	int conc = 64;
	long prompts = 128;
	struct buf b = BUF_INIT;
	char path[400];
	snprintf(path, sizeof(path), "%s/long.json", dir);
	int rc = run_bench(conc, 100000, prompts, conc, "long.json");
	if (rc < 0)
		return -1;
	struct diags d = DIAGS_INIT;
	buf_reset(&b);
	file_read_all(&b, path, &d);
	diags_release(&d);
	struct jnode *cli = parse(&b);
	/* ideal: every request takes TTFT + (OSL - 1) x ITL, conc at a time */
	double ideal = conc * OSL / (0.050 + (OSL - 1) * 0.010);
	double got = num(cli, "output_throughput");
	printf("long context (ISL 100000, conc %d, %ld prompts): output %.0f tok/s, ideal %.0f "
	       "(%.0f%%) %s; mean TTFT %.1f ms, completed %.0f\n", conc, prompts, got, ideal,
	       100 * got / ideal, got >= 0.8 * ideal ? "PASS" : "FAIL",
	       num(cli, "mean_ttft_ms"), num(cli, "completed"));
	jtree_free(cli);
	buf_release(&b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *concs = "1,64,256,1024,4096";
	int long_case = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--executor") && i + 1 < argc)
			executor_path = argv[++i];
		else if (!strcmp(argv[i], "--simserver") && i + 1 < argc)
			sim.sim_path = argv[++i];
		else if (!strcmp(argv[i], "--conc") && i + 1 < argc)
			concs = argv[++i];
		else if (!strcmp(argv[i], "--no-long"))
			long_case = 0;
	}
	sim.dir = dir;
	if (!executor_path || !sim.sim_path || !mkdtemp(dir)) {
		fprintf(stderr, "usage: bench_accuracy --executor PATH --simserver PATH "
			"[--conc 1,64,...] [--no-long]\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sim_harness_start(&sim, "50", "10") < 0) {
		fprintf(stderr, "bench_accuracy: the simulator did not start\n");
		return 1;
	}
	printf("client minus truth, ms (ISL 1024, OSL 128, TTFT 50 ms, ITL 10 ms)\n");
	printf("  conc  ttft-mean      ttft-p99       itl-mean itl-p99      cpu-ms/1k  out-tok/s  "
	       "done/sent\n");
	int rc = 0;
	char *list = strdup(concs), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save))
		rc = one_conc(atoi(t));
	if (!rc && long_case)
		rc = long_context();
	free(list);
	sim_harness_stop(&sim);
	if (rc)
		fprintf(stderr, "bench_accuracy: a run crashed (results kept in %s)\n", dir);
	curl_global_cleanup();
	return rc ? 1 : 0;
}
