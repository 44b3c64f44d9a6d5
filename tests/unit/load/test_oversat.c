/* test_oversat: the over-saturation rule on synthetic loads fed every 10 ms: a server that
 * keeps up (completions follow the due requests one latency later) is never flagged, one
 * that completes half of what falls due is, once min_s has passed and not before; a
 * --max-concurrency cap that holds requests back counts them as due by the rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "executor/load/config.h"
#include "executor/load/oversat.h"

#define MS 1000000LL

/* Feeds t = 0..until_ms every 10 ms; returns the first time (ms) flagged, or -1. */
static long run(double rate, double keep_share, int64_t latency_ms, bool capped,
		double min_s, long until_ms)
{
	struct oversat o;
	oversat_init(&o, rate, min_s);
	long flagged = -1;
	for (long t = 0; t <= until_ms && flagged < 0; t += 10) {
		double due = rate * (double)t / 1000;
		double done = t > latency_ms ? keep_share * rate * (double)(t - latency_ms) / 1000 : 0;
		struct load_watch w = { .now_ns = 5000 * MS + t * MS, .start_ns = 5000 * MS,
					.nr = 1000000 };
		if (capped) { /* the cap holds the schedule back: issued = done + the cap */
			w.issued = (size_t)(done + 8);
			w.next_issue_ns = w.start_ns + (int64_t)((double)w.issued / rate * 1e9);
		} else {
			w.issued = (size_t)due;
			w.next_issue_ns = w.start_ns + (int64_t)((double)(w.issued + 1) / rate * 1e9);
		}
		w.done = (size_t)done;
		w.inflight = w.issued - w.done;
		if (oversat_feed(&o, &w))
			flagged = t;
	}
	oversat_release(&o);
	return flagged;
}

static void test_keeps_up(void **state)
{
	(void)state;
	assert_int_equal(run(100, 1.0, 300, false, 1, 20000), -1);
	assert_int_equal(run(1000, 1.0, 50, false, 1, 20000), -1);
	assert_int_equal(run(100, 0.95, 300, false, 1, 20000), -1); /* within 90% */
}

static void test_falls_behind(void **state)
{
	(void)state;
	long t = run(100, 0.5, 300, false, 2, 20000);
	assert_true(t >= 2000 && t <= 2100); /* judged from min_s on, flagged at once */
	t = run(100, 0.5, 300, true, 2, 20000);
	assert_true(t >= 2000 && t <= 2100);
	/* too few due in the later half: not judged (20 due needs 0.4 s at 100/s) */
	assert_int_equal(run(10, 0.5, 300, false, 0, 3000), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_up),
		cmocka_unit_test(test_falls_behind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
