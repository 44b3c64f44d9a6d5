/*
 * perf_load: the load generator at its limits (issue 12), against the simulator's truth.
 *
 *   perf_load cold  --executor P --simserver P [--conc 256,1024,4096] [--h2load P] [--check MS]
 *     Cold start: for each concurrency, a fresh simulator (TTFT 50 ms, ITL 10 ms), then one
 *     burst of `conc` requests (ISL 1024, OSL 64, rate inf, --num-warmups 0, each on a new
 *     connection) from our client, and again, on another fresh simulator, from h2load
 *     (`--h1`, one request per connection: -n conc -c conc, the same POST body with -d).
 *     Prints each one's error against the simulator's truth (GET /stats?raw=1): ours for TTFT
 *     and E2E, h2load for E2E (it has no first-token time: its --log-file gives each
 *     request's time from submit to the end of the response). Targets (issue 12): ours mean
 *     TTFT error <= 1 ms at 256, 2 ms at 1,024, p99 <= 5 ms; our E2E error no worse than
 *     h2load's. Without h2load (not installed) its columns are skipped.
 *   perf_load pace  --executor P --simserver P [--rates 100,1000,5000,10000,20000]
 *                   [--seconds S] [--check PCT] [--realtime]
 *     Pacing: Poisson arrivals at each rate (OSL 8, TTFT 5 ms, ITL 1 ms, --max-concurrency
 *     2000), requested vs achieved rate as the simulator counted the arrivals (kernel stamps),
 *     and achieved vs the drawn schedule's own rate (the result's client.schedule_rate: n
 *     Poisson gaps stray from the requested rate by ~1/sqrt(n), which is not the client's),
 *     the coefficient of variation of the gaps it saw (1 for Poisson), our schedule delay
 *     p50/p99/p99.9, the verdict; and first the machine's own floor: the wake-up lateness of
 *     a bare timer loop at the same pace, without any load. --realtime runs the client
 *     with `bench --realtime` and the floor's loop in the same SCHED_FIFO class (root or
 *     CAP_SYS_NICE; load/realtime.h says why).
 *   perf_load long  --executor P --simserver P [--check PCT]
 *     100,000-token prompts at concurrency 64 (OSL 128, TTFT 50, ITL 10) against the ideal
 *     output throughput conc x OSL / (TTFT + (OSL - 1) x ITL); target within 5%.
 *
 * --check turns the printed report into a pass/fail bound for CTest: cold: every request
 * completed and our mean TTFT error within MS; pace: every rate's achieved rate within PCT %
 * of the schedule's and the gaps' CV in [0.7, 1.3]; long: throughput within PCT % of the
 * ideal. The bounds in tests/perf/CMakeLists.txt are loose enough for an idle 2-core CI
 * machine; the strict targets are the PASS/FAIL columns of the report.
 * Exit status: 0 (report printed, checks held), 1 a check failed or a run broke, 2 usage.
 */
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "executor/load/stats.h"
#include "sim_harness.h"

static const char *executor_path, *h2load_path = "h2load";
static char dir[] = "/tmp/perf_load.XXXXXX";
static struct sim_harness sim; /* sim_path and dir set in main */
static double check = NAN;
static bool realtime;

static double num(const struct jnode *o, const char *k)
{
	const struct jnode *v = jobj_get(o, k);
	return v && v->type == JT_NUM ? v->num : NAN;
}

static struct jnode *read_json(const char *path)
{
	struct buf b = BUF_INIT;
	struct diags d = DIAGS_INIT;
	struct jnode *j = NULL;
	if (!file_read_all(&b, path, &d))
		j = jtree_parse(b.s, b.len, NULL, NULL);
	diags_release(&d);
	buf_release(&b);
	return j;
}

static struct jnode *sim_stats(void)
{
	struct buf b = BUF_INIT;
	struct jnode *j = NULL;
	if (sim_harness_http(&sim, &b, "GET", "/stats?raw=1") == 200)
		j = jtree_parse(b.s, b.len, NULL, NULL);
	buf_release(&b);
	return j;
}

/* mean and p99 of v[0..n) (sorted in place). */
static void mean_p99(double *mean, double *p99, double *v, size_t n)
{
	double p = 99;
	struct stats_summary s;
	stats_summarise(&s, v, n, &p, 1);
	*mean = s.mean;
	*p99 = s.pct[0];
	stats_summary_release(&s);
}

static void arr_mean_p99(double *mean, double *p99, const struct jnode *arr)
{
	size_t n = arr && arr->type == JT_ARR ? arr->nr : 0;
	double *v = calloc(n + 1, sizeof(double));
	for (size_t k = 0; k < n; k++)
		v[k] = arr->items[k].type == JT_NUM ? arr->items[k].num : 0;
	mean_p99(mean, p99, v, n);
	free(v);
}

static const char *verdict(double err, double limit)
{
	return isnan(limit) ? "    " : fabs(err) <= limit ? "PASS" : "FAIL";
}

/* ---- cold start ---- */

struct cold_row {
	double ttft_mean, ttft_p99, e2e_mean, e2e_p99; /* ours minus truth, ms */
	double h2_mean, h2_p99;                          /* h2load E2E minus truth, ms */
	long done, h2_done;
	double sched_p99, connect_mean;
	bool h2;
};

static int cold_ours(struct cold_row *row, int conc)
{
	if (sim_harness_start(&sim, "50", "10") < 0)
		return -1;
	char url[64], c[16];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", sim.port);
	snprintf(c, sizeof(c), "%d", conc);
	char *argv[] = { (char *)executor_path, "bench", "--model", "sim-model", "--base-url", url,
			 "--random-input-len", "1024", "--random-output-len", "64",
			 "--random-range-ratio", "1", "--max-concurrency", c, "--num-prompts", c,
			 "--num-warmups", "0", "--metric-percentiles", "99", "--disable-tqdm",
			 "--save-result", "--result-dir", dir, "--result-filename", "cold.json",
			 NULL };
	if (run_quiet(argv) != 0)
		return -1;
	struct jnode *srv = sim_stats();
	char path[400];
	snprintf(path, sizeof(path), "%s/cold.json", dir);
	struct jnode *cli = read_json(path);
	int rc = srv && cli ? 0 : -1;
	if (!rc) {
		double tm, tp, em, ep;
		arr_mean_p99(&tm, &tp, jobj_get(srv, "ttfts_ms"));
		arr_mean_p99(&em, &ep, jobj_get(srv, "e2es_ms"));
		row->ttft_mean = num(cli, "mean_ttft_ms") - tm;
		row->ttft_p99 = num(cli, "p99_ttft_ms") - tp;
		row->e2e_mean = num(cli, "mean_e2el_ms") - em;
		row->e2e_p99 = num(cli, "p99_e2el_ms") - ep;
		row->done = (long)num(cli, "completed");
		const struct jnode *client = jobj_get(cli, "client");
		row->sched_p99 = num(jobj_get(client, "schedule_delay_ms"), "p99");
		row->connect_mean = num(jobj_get(client, "connect_ms"), "mean");
	}
	jtree_free(srv);
	jtree_free(cli);
	return rc;
}

/* The same request as ours: 1024 token ids, 64 tokens, streamed, ignore_eos. */
static void h2load_body(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs("{\"model\": \"sim-model\", \"prompt\": [", f);
	for (int i = 0; i < 1024; i++)
		fprintf(f, "%s%d", i ? ", " : "", 1000 + (i * 7919) % 30000);
	fputs("], \"max_tokens\": 64, \"ignore_eos\": true, \"stream\": true, "
	      "\"stream_options\": {\"include_usage\": true}}", f);
	fclose(f);
}

static int cold_h2load(struct cold_row *row, int conc)
{
	if (sim_harness_start(&sim, "50", "10") < 0)
		return -1;
	char url[96], c[16], body[300], log[300], logopt[320];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/completions", sim.port);
	snprintf(c, sizeof(c), "%d", conc);
	snprintf(body, sizeof(body), "%s/body.json", dir);
	snprintf(log, sizeof(log), "%s/h2load.log", dir);
	snprintf(logopt, sizeof(logopt), "--log-file=%s", log);
	h2load_body(body);
	unlink(log);
	char *argv[] = { (char *)h2load_path, "--h1", "-n", c, "-c", c, "-m", "1", "-d", body,
			 "-H", "Content-Type: application/json", logopt, url, NULL };
	if (run_quiet(argv) != 0)
		return -1;
	FILE *f = fopen(log, "r");
	if (!f)
		return -1;
	double *v = calloc((size_t)conc + 1, sizeof(double));
	size_t n = 0;
	long long start_us, dur_us;
	int status;
	while (n < (size_t)conc && fscanf(f, "%lld %d %lld", &start_us, &status, &dur_us) == 3)
		if (status == 200)
			v[n++] = (double)dur_us / 1000.0;
	fclose(f);
	struct jnode *srv = sim_stats();
	int rc = srv ? 0 : -1;
	if (!rc) {
		double em, ep, hm, hp;
		arr_mean_p99(&em, &ep, jobj_get(srv, "e2es_ms"));
		mean_p99(&hm, &hp, v, n);
		row->h2_mean = hm - em;
		row->h2_p99 = hp - ep;
		row->h2_done = (long)n;
		row->h2 = true;
	}
	jtree_free(srv);
	free(v);
	return rc;
}

static int cold(const char *concs)
{
	bool have_h2 = run_quiet((char *const[]){ (char *)h2load_path, "--version", NULL }) == 0;
	printf("cold start: client minus truth, ms (ISL 1024, OSL 64, TTFT 50, ITL 10, rate inf, "
	       "no warm-ups, a fresh simulator per run)%s\n",
	       have_h2 ? "" : "; h2load not found: its columns skipped");
	printf("  conc  ttft-mean      ttft-p99       e2e-mean e2e-p99  h2load-e2e-mean/p99  "
	       "vs-h2load  sched-p99 connect  done\n");
	int rc = 0;
	char *list = strdup(concs), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int conc = atoi(t);
		struct cold_row r = { 0 };
		if (cold_ours(&r, conc) < 0 || (have_h2 && cold_h2load(&r, conc) < 0)) {
			printf("%6d  a run broke\n", conc);
			rc = 1;
			continue;
		}
		double lim_m = conc <= 256 ? 1 : conc <= 1024 ? 2 : NAN;
		bool better = !r.h2 || (fabs(r.e2e_mean) <= fabs(r.h2_mean) &&
					fabs(r.e2e_p99) <= fabs(r.h2_p99));
		printf("%6d %8.3f %4s %8.3f %4s %8.3f %8.3f  ", conc, r.ttft_mean,
		       verdict(r.ttft_mean, lim_m), r.ttft_p99, verdict(r.ttft_p99, 5), r.e2e_mean,
		       r.e2e_p99);
		if (r.h2)
			printf("%8.3f/%-8.3f %5ld  %-9s", r.h2_mean, r.h2_p99, r.h2_done,
			       better ? "PASS" : "FAIL");
		else
			printf("%-25s", "-");
		printf("  %7.3f %7.3f  %ld/%d\n", r.sched_p99, r.connect_mean, r.done, conc);
		fflush(stdout);
		if (!isnan(check) && (r.done != conc || fabs(r.ttft_mean) > check)) {
			fprintf(stderr, "perf_load: cold start at %d: %ld of %d completed, mean TTFT "
				"error %.3f ms (bound %.1f)\n", conc, r.done, conc, r.ttft_mean, check);
			rc = 1;
		}
	}
	free(list);
	return rc;
}

/* ---- pacing ---- */

/* The machine's floor: how late a bare timerfd loop (slack 1 ns) wakes at `rate` a
 * second for `n` wake-ups, p50/p99/p99.9 in us. */
static void timer_floor(double out[3], double rate, size_t n)
{
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	struct sched_param rt = { .sched_priority = 10 }, normal = { 0 };
	if (realtime && sched_setscheduler(0, SCHED_FIFO, &rt) < 0)
		fprintf(stderr, "perf_load: the floor loop runs in the normal class: %s\n",
			strerror(errno));
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0), ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e);
	double *late = calloc(n + 1, sizeof(double));
	int64_t t = clock_mono_ns(), gap = (int64_t)(1e9 / rate);
	for (size_t i = 0; i < n; i++) {
		t += gap;
		struct itimerspec its = { .it_value = { t / 1000000000, t % 1000000000 } };
		timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
		uint64_t x;
		if (epoll_wait(ep, &e, 1, -1) == 1 && read(tfd, &x, sizeof(x)) < 0)
			break;
		late[i] = (double)(clock_mono_ns() - t) / 1000.0;
	}
	close(tfd);
	close(ep);
	if (realtime)
		sched_setscheduler(0, SCHED_OTHER, &normal);
	double pcts[] = { 50, 99, 99.9 };
	struct stats_summary s;
	stats_summarise(&s, late, n, pcts, 3);
	memcpy(out, s.pct, 3 * sizeof(double));
	stats_summary_release(&s);
	free(late);
}

static int pace(const char *rates, double seconds)
{
	double floor_us[3];
	timer_floor(floor_us, 5000, 5000);
	printf("pacing: Poisson, OSL 8, TTFT 5 ms, ITL 1 ms, --max-concurrency 2000, %.0f s a "
	       "rate; achieved = as the simulator counted arrivals (kernel stamps)\n", seconds);
	printf("machine floor: a bare timer loop at 5,000/s wakes late by p50 %.0f us, p99 %.0f "
	       "us, p99.9 %.0f us%s\n", floor_us[0], floor_us[1], floor_us[2],
	       realtime ? " (SCHED_FIFO; the client with --realtime)" : "");
	printf("(the drawn schedule's own rate strays from the requested by ~1/sqrt(n): error "
	       "vs schedule is the client's)\n");
	printf("  requested   schedule   achieved  vs-req  vs-sched  gap-cv  delay-p50 p99 "
	       "p99.9 (us)  verdict\n");
	int rc = 0;
	char *list = strdup(rates), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		double rate = atof(t);
		long n = (long)(rate * seconds);
		if (n < 200)
			n = 200;
		char url[64], r[32], np[32];
		if (sim_harness_start(&sim, "5", "1") < 0)
			return 1;
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", sim.port);
		snprintf(r, sizeof(r), "%s", t);
		snprintf(np, sizeof(np), "%ld", n);
		char *argv[] = { (char *)executor_path, "bench", "--model", "sim-model",
				 "--base-url", url, "--random-input-len", "64",
				 "--random-output-len", "8", "--random-range-ratio", "1",
				 "--request-rate", r, "--max-concurrency", "2000", "--num-prompts", np,
				 "--num-warmups", "0", "--disable-tqdm", "--save-result",
				 "--result-dir", dir, "--result-filename", "pace.json",
				 realtime ? "--realtime" : NULL, NULL };
		int brc = run_quiet(argv);
		struct jnode *srv = sim_stats();
		char path[400];
		snprintf(path, sizeof(path), "%s/pace.json", dir);
		struct jnode *cli = brc == 0 ? read_json(path) : NULL;
		if (!srv || !cli) {
			printf("%11.0f  a run broke (bench exit %d)\n", rate, brc);
			rc = 1;
		} else {
			const struct jnode *arr = jobj_get(srv, "arrivals");
			const struct jnode *client = jobj_get(cli, "client");
			const struct jnode *sd = jobj_get(client, "schedule_delay_ms");
			const char *sat = jobj_str(client, "saturation");
			double got = num(arr, "rate"), cv = num(arr, "gap_cv");
			double sched = num(client, "schedule_rate");
			double err = 100 * (got / sched - 1);
			printf("%11.0f %10.1f %10.1f %+6.2f%%  %+6.2f%%  %6.3f  %9.0f %6.0f %7.0f  "
			       "%s%s\n", rate, sched, got, 100 * (got / rate - 1), err, cv,
			       num(sd, "p50") * 1000, num(sd, "p99") * 1000, num(sd, "p99.9") * 1000,
			       sat ? sat : "?",
			       (long)num(arr, "count") == n ? "" : " (arrivals != sent)");
			if (!isnan(check) && (fabs(err) > check || cv < 0.7 || cv > 1.3 ||
					      (long)num(arr, "count") != n)) {
				fprintf(stderr, "perf_load: pacing at %.0f/s: achieved %.1f (%+.2f%% of "
					"the schedule's rate, bound %.1f%%), gap CV %.3f (bound 0.7-1.3), %.0f of %ld "
					"arrived\n", rate, got, err, check, cv, num(arr, "count"), n);
				rc = 1;
			}
		}
		fflush(stdout);
		jtree_free(srv);
		jtree_free(cli);
	}
	free(list);
	return rc;
}

/* ---- long prompts ---- */

static int long_prompts(void)
{
	const int conc = 64, osl = 128;
	if (sim_harness_start(&sim, "50", "10") < 0)
		return 1;
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", sim.port);
	char *argv[] = { (char *)executor_path, "bench", "--model", "sim-model", "--base-url", url,
			 "--random-input-len", "100000", "--random-output-len", "128",
			 "--random-range-ratio", "1", "--max-concurrency", "64", "--num-prompts",
			 "256", "--num-warmups", "64", "--disable-tqdm", "--save-result",
			 "--result-dir", dir, "--result-filename", "long.json", NULL };
	if (run_quiet(argv) != 0)
		return 1;
	char path[400];
	snprintf(path, sizeof(path), "%s/long.json", dir);
	struct jnode *cli = read_json(path);
	if (!cli)
		return 1;
	double ideal = conc * osl / (0.050 + (osl - 1) * 0.010);
	double got = num(cli, "output_throughput"), err = 100 * (got / ideal - 1);
	printf("long prompts (ISL 100000, OSL 128, conc 64, 256 requests): output %.0f tok/s, "
	       "ideal %.0f (%+.2f%%) %s; completed %.0f, client CPU %.2f s\n", got, ideal, err,
	       fabs(err) <= 5 ? "PASS" : "FAIL", num(cli, "completed"),
	       num(jobj_get(cli, "client"), "cpu_s"));
	int rc = !isnan(check) && (fabs(err) > check || num(cli, "completed") != 256);
	jtree_free(cli);
	return rc;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *concs = "256,1024,4096", *rates = "100,1000,5000,10000,20000";
	double seconds = 3;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--executor") && i + 1 < argc)
			executor_path = argv[++i];
		else if (!strcmp(argv[i], "--simserver") && i + 1 < argc)
			sim.sim_path = argv[++i];
		else if (!strcmp(argv[i], "--h2load") && i + 1 < argc)
			h2load_path = argv[++i];
		else if (!strcmp(argv[i], "--conc") && i + 1 < argc)
			concs = argv[++i];
		else if (!strcmp(argv[i], "--rates") && i + 1 < argc)
			rates = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--check") && i + 1 < argc)
			check = atof(argv[++i]);
		else if (!strcmp(argv[i], "--realtime"))
			realtime = true;
		else
			executor_path = NULL; /* unknown: usage */
	}
	bool known = !strcmp(mode, "cold") || !strcmp(mode, "pace") || !strcmp(mode, "long");
	sim.dir = dir;
	if (!known || !executor_path || !sim.sim_path || seconds <= 0 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: perf_load cold|pace|long --executor PATH --simserver PATH "
			"[--conc 256,1024,4096] [--h2load PATH] [--rates 100,1000,...] "
			"[--seconds S] [--check BOUND] [--realtime]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = !strcmp(mode, "cold") ? cold(concs) : !strcmp(mode, "pace")
				  ? pace(rates, seconds) : long_prompts();
	sim_harness_stop(&sim);
	curl_global_cleanup();
	if (rc)
		fprintf(stderr, "perf_load: files kept in %s\n", dir);
	else
		run_quiet((char *const[]){ "rm", "-rf", dir, NULL });
	return rc;
}
