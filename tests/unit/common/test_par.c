/* par: every item of par_for runs exactly once, both calls of par_two run, the helper does
 * take part when a second CPU is there (not checked under valgrind, which runs one thread
 * at a time), and with one CPU allowed
 * everything runs on the calling thread (in a child, which also checks that a child after
 * fork starts afresh). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/par.h"

#define ITEMS 20000

struct count {
	_Atomic int runs[ITEMS];
	_Atomic int by_caller, by_helper;
	pthread_t caller;
};

static void count_item(void *arg, size_t i)
{
	struct count *c = arg;
	atomic_fetch_add(&c->runs[i], 1);
	if (pthread_equal(pthread_self(), c->caller))
		atomic_fetch_add(&c->by_caller, 1);
	else
		atomic_fetch_add(&c->by_helper, 1);
	for (volatile int spin = 0; spin < 200; spin++)
		; /* a little work, so that both threads get items */
}

static struct count *run_items(void)
{
	struct count *c = calloc(1, sizeof(*c));
	c->caller = pthread_self();
	par_for(ITEMS, count_item, c, true);
	for (size_t i = 0; i < ITEMS; i++)
		if (c->runs[i] != 1)
			fail_msg("item %zu ran %d times", i, c->runs[i]);
	return c;
}

/* valgrind preloads its own libraries into the program it runs */
static bool under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");
	return preload && strstr(preload, "vgpreload");
}

static void test_every_item_once(void **state)
{
	(void)state;
	par_start();
	int helped = 0;
	for (int round = 0; round < 3; round++) {
		struct count *c = run_items();
		assert_int_equal(c->by_caller + c->by_helper, ITEMS);
		helped += c->by_helper;
		free(c);
	}
	cpu_set_t allowed;
	if (!sched_getaffinity(0, sizeof(allowed), &allowed) && CPU_COUNT(&allowed) > 1 &&
	    !helped && !under_valgrind())
		fail_msg("two CPUs, and the helper ran none of 3 x %d items", ITEMS);
	/* work judged too small is not shared */
	struct count *c = calloc(1, sizeof(*c));
	c->caller = pthread_self();
	par_for(ITEMS, count_item, c, false);
	int here = c->by_caller;
	free(c);
	assert_int_equal(here, ITEMS);
}

static void mark(void *arg)
{
	atomic_fetch_add((_Atomic int *)arg, 1);
}

static void test_two_calls(void **state)
{
	(void)state;
	_Atomic int a = 0, b = 0;
	for (int i = 0; i < 100; i++)
		par_two(mark, (void *)&a, (void *)&b);
	assert_int_equal(a, 100);
	assert_int_equal(b, 100);
}

static void test_one_cpu_runs_here(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			_exit(3);
		struct count *c = calloc(1, sizeof(*c));
		c->caller = pthread_self();
		par_for(ITEMS, count_item, c, true);
		for (size_t i = 0; i < ITEMS; i++)
			if (c->runs[i] != 1)
				_exit(1);
		_exit(c->by_caller == ITEMS ? 0 : 2);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_item_once),
		cmocka_unit_test(test_two_calls),
		cmocka_unit_test(test_one_cpu_runs_here),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
