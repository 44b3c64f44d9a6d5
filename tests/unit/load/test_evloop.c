/* test_evloop: evloop_os_delay_ns, the part of a deadline's lateness that was the OS's. A loop
 * asleep with its timer armed at the deadline and the process not run past it (stopped by a
 * child with SIGSTOP once asleep, resumed 60 ms after the deadline): the OS's part is the lateness but for
 * the microseconds after the wake-up; a loop busy past the deadline: only the moment
 * epoll_wait took to return, not the busy time; a timer armed past the deadline (the
 * caller's mistake): none of it; before any sleep: none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "executor/load/evloop.h"

#define MS 1000000LL

struct probe {
	int64_t due_ns;       /* the deadline whose lateness is split */
	int64_t arm_ns;       /* what the timer is armed to (the caller's choice) */
	int64_t busy_until_ns; /* the first hook call works until then before sleeping */
	int64_t late_ns, os_ns; /* measured when the deadline has passed */
	int calls;
};

static void noop(struct evloop *l, void *data)
{
	(void)l;
	(void)data;
}

static void hook(struct evloop *l, void *data)
{
	struct probe *p = data;
	int64_t now = clock_mono_ns();
	if (p->calls++ == 0) {
		assert_int_equal(evloop_os_delay_ns(l, now), 0); /* never slept yet */
		evloop_set_timer(l, 0, p->arm_ns, noop, NULL);
		while (clock_mono_ns() < p->busy_until_ns)
			;
		return;
	}
	if (now < p->due_ns) {
		evloop_set_timer(l, 0, p->arm_ns, noop, NULL); /* an early wake-up: sleep again */
		return;
	}
	p->late_ns = now - p->due_ns;
	p->os_ns = evloop_os_delay_ns(l, p->due_ns);
	evloop_stop(l);
}

static void run(struct probe *p)
{
	struct evloop *l = evloop_new(16);
	assert_non_null(l);
	evloop_set_before_sleep(l, hook, p);
	assert_int_equal(evloop_run(l), 0);
	evloop_free(l);
	assert_true(p->calls >= 2);
}

static void sleep_until(int64_t t_ns)
{
	for (int64_t now; (now = clock_mono_ns()) < t_ns;) {
		struct timespec ts = { 0, (long)(t_ns - now) };
		nanosleep(&ts, NULL);
	}
}

/* Whether process pid is asleep in a system call (state S in /proc/PID/stat). */
static int asleep(pid_t pid)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	const char *state = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	return state && state[1] == ' ' && state[2] == 'S';
}

static void test_asleep_is_the_os(void **state)
{
	(void)state;
	int64_t now = clock_mono_ns();
	struct probe p = { .due_ns = now + 100 * MS, .arm_ns = now + 100 * MS };
	pid_t parent = getpid(), child = fork();
	assert_true(child >= 0);
	if (child == 0) { /* the OS not running the loop: stopped once asleep, until due + 60 ms */
		while (!asleep(parent) && clock_mono_ns() < p.due_ns - 20 * MS)
			sleep_until(clock_mono_ns() + MS);
		if (!asleep(parent))
			_exit(1);
		kill(parent, SIGSTOP);
		sleep_until(p.due_ns + 60 * MS);
		kill(parent, SIGCONT);
		_exit(0);
	}
	run(&p);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* it stopped us asleep */
	assert_true(p.late_ns >= 40 * MS);
	assert_true(p.os_ns <= p.late_ns);
	/* all of the lateness but the hook's own microseconds from the wake-up to its clock */
	assert_true(p.late_ns - p.os_ns < 5 * MS);
}

static void test_busy_is_the_caller(void **state)
{
	(void)state;
	int64_t now = clock_mono_ns();
	struct probe p = { .due_ns = now + 5 * MS, .arm_ns = now + 5 * MS,
			   .busy_until_ns = now + 45 * MS };
	run(&p);
	assert_true(p.late_ns >= 40 * MS);
	/* only what epoll_wait took to return with the timer already due */
	assert_true(p.os_ns >= 0);
	assert_true(p.os_ns < p.late_ns / 2);
}

static void test_timer_past_due_is_the_caller(void **state)
{
	(void)state;
	int64_t now = clock_mono_ns();
	struct probe p = { .due_ns = now + 5 * MS, .arm_ns = now + 30 * MS };
	run(&p);
	assert_true(p.late_ns >= 25 * MS);
	assert_int_equal(p.os_ns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asleep_is_the_os),
		cmocka_unit_test(test_busy_is_the_caller),
		cmocka_unit_test(test_timer_past_due_is_the_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
