/* par: see par.h. */
#include "common/par.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* How long the helper spins for the next job before it sleeps: a run's jobs come less than
 * a few milliseconds apart, and a sleeping helper is the slow wake-up par.h is about */
#define PAR_SPIN_MS 5

enum job_state { JOB_NONE, JOB_POSTED, JOB_TAKEN, JOB_DONE };

static struct {
	pid_t pid;              /* the process that started the helper; 0: not started */
	bool failed;            /* no helper: one CPU, or the thread could not start */
	pthread_t thread;
	pthread_mutex_t lock;   /* guards sleeping and the wake-up */
	pthread_cond_t wake;
	bool sleeping;
	_Atomic bool quit;      /* the helper returns: the program is ending */
	_Atomic int state;      /* enum job_state */
	void (*fn)(void *);
	void *arg;
} par = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Takes a posted job (the helper, or the caller taking it back); false if gone already. */
static bool take_job(void)
{
	int posted = JOB_POSTED;
	return atomic_compare_exchange_strong(&par.state, &posted, JOB_TAKEN);
}

static void *helper_main(void *unused)
{
	(void)unused;
	for (;;) {
		long long spin_until = now_ms() + PAR_SPIN_MS;
		while (atomic_load_explicit(&par.state, memory_order_acquire) != JOB_POSTED &&
		       !atomic_load(&par.quit) && now_ms() < spin_until)
			;
		if (take_job()) {
			par.fn(par.arg);
			atomic_store_explicit(&par.state, JOB_DONE, memory_order_release);
			continue;
		}
		if (now_ms() < spin_until && !atomic_load(&par.quit))
			continue; /* the caller took the job back: the next comes soon */
		pthread_mutex_lock(&par.lock);
		par.sleeping = true;
		while (!par.quit && atomic_load(&par.state) != JOB_POSTED)
			pthread_cond_wait(&par.wake, &par.lock);
		par.sleeping = false;
		bool quit = par.quit;
		pthread_mutex_unlock(&par.lock);
		if (quit)
			return NULL;
	}
}

static void stop_helper(void)
{
	if (par.pid != getpid() || par.failed)
		return;
	pthread_mutex_lock(&par.lock);
	par.quit = true;
	pthread_cond_signal(&par.wake);
	pthread_mutex_unlock(&par.lock);
	pthread_join(par.thread, NULL);
	par.failed = true;
}

/* The helper, pinned to an allowed CPU other than this thread's; false: none. */
static bool helper_ready(void)
{
	if (par.pid == getpid())
		return !par.failed;
	/* first call in this process (or in a child after fork, where the parent's helper does
	 * not exist and its lock may have been copied taken) */
	par.pid = getpid();
	par.failed = true;
	pthread_mutex_init(&par.lock, NULL);
	pthread_cond_init(&par.wake, NULL);
	cpu_set_t allowed, other;
	int here = sched_getcpu();
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return false;
	CPU_ZERO(&other);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed) && cpu != here) {
			CPU_SET(cpu, &other);
			break;
		}
	if (!CPU_COUNT(&other))
		return false;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(other), &other);
	atomic_store(&par.state, JOB_NONE);
	par.quit = false;
	int rc = pthread_create(&par.thread, &attr, helper_main, NULL);
	pthread_attr_destroy(&attr);
	if (rc)
		return false;
	par.failed = false;
	atexit(stop_helper);
	return true;
}

void par_start(void)
{
	helper_ready();
}

void par_two(void (*fn)(void *), void *a, void *b)
{
	if (!helper_ready()) {
		fn(a);
		fn(b);
		return;
	}
	par.fn = fn;
	par.arg = b;
	atomic_store_explicit(&par.state, JOB_POSTED, memory_order_release);
	pthread_mutex_lock(&par.lock);
	if (par.sleeping)
		pthread_cond_signal(&par.wake);
	pthread_mutex_unlock(&par.lock);
	fn(a);
	if (take_job()) {
		fn(b); /* the helper was not there in time: no waiting for it */
	} else {
		while (atomic_load_explicit(&par.state, memory_order_acquire) != JOB_DONE)
			;
	}
	atomic_store(&par.state, JOB_NONE);
}

struct par_items {
	_Atomic size_t next;
	size_t n;
	void (*fn)(void *ctx, size_t i);
	void *ctx;
};

static void take_items(void *arg)
{
	struct par_items *it = arg;
	for (size_t i; (i = atomic_fetch_add(&it->next, 1)) < it->n;)
		it->fn(it->ctx, i);
}

void par_for(size_t n, void (*fn)(void *ctx, size_t i), void *ctx, bool share)
{
	if (!share) {
		for (size_t i = 0; i < n; i++)
			fn(ctx, i);
		return;
	}
	struct par_items it = { 0, n, fn, ctx };
	par_two(take_items, &it, &it);
}
