/* evloop: see evloop.h. */
#include "executor/load/evloop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/xalloc.h"

#define EVLOOP_BATCH 1024

struct fd_slot {
	evloop_fd_fn fn;
	void *data;
	unsigned mask;
	bool used;
};

struct timer_slot {
	int64_t when_ns; /* 0: disarmed */
	evloop_timer_fn fn;
	void *data;
};

struct evloop {
	int epfd, tfd;
	int max_fds;
	struct fd_slot *fds;          /* owned, indexed by fd */
	struct epoll_event *fired;    /* owned, EVLOOP_BATCH */
	struct timer_slot timers[EVLOOP_TIMERS];
	int64_t armed_ns;             /* what the timerfd is set to; 0: disarmed */
	evloop_hook_fn before_sleep;
	void *before_sleep_data;
	bool stop;
	int64_t max_lag_ns;
	int64_t woke_ns;
	int64_t slept_ns;             /* when the current turn's epoll_wait was entered */
	int64_t slept_armed_ns;       /* what the timerfd was set to then; 0: disarmed */
};

struct evloop *evloop_new(int max_fds)
{
	struct evloop *l = xcalloc(1, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epfd < 0 || l->tfd < 0) {
		int e = errno;
		evloop_free(l);
		errno = e;
		return NULL;
	}
	l->max_fds = max_fds;
	l->fds = xcalloc((size_t)max_fds, sizeof(*l->fds));
	l->fired = xcalloc(EVLOOP_BATCH, sizeof(*l->fired));
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l->tfd };
	epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev);
	return l;
}

void evloop_free(struct evloop *l)
{
	if (!l)
		return;
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	free(l->fds);
	free(l->fired);
	free(l);
}

static uint32_t to_epoll(unsigned mask)
{
	return (mask & EVLOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) | (mask & EVLOOP_WRITE ? EPOLLOUT : 0);
}

int evloop_set_fd(struct evloop *l, int fd, unsigned mask, evloop_fd_fn fn, void *data)
{
	if (fd < 0 || fd >= l->max_fds || fd == l->tfd) {
		errno = EMFILE;
		return -1;
	}
	struct fd_slot *s = &l->fds[fd];
	struct epoll_event ev = { .events = to_epoll(mask), .data.fd = fd };
	if (!s->used || s->mask != mask) {
		if (epoll_ctl(l->epfd, s->used ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
			return -1;
	}
	s->used = true;
	s->mask = mask;
	s->fn = fn;
	s->data = data;
	return 0;
}

void evloop_del_fd(struct evloop *l, int fd)
{
	if (fd < 0 || fd >= l->max_fds || !l->fds[fd].used)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
}

void evloop_set_timer(struct evloop *l, int slot, int64_t when_ns, evloop_timer_fn fn,
		      void *data)
{
	l->timers[slot] = (struct timer_slot){ when_ns, fn, data };
}

void evloop_set_before_sleep(struct evloop *l, evloop_hook_fn fn, void *data)
{
	l->before_sleep = fn;
	l->before_sleep_data = data;
}

void evloop_stop(struct evloop *l)
{
	l->stop = true;
}

int64_t evloop_woke_ns(const struct evloop *l)
{
	return l->woke_ns;
}

int64_t evloop_os_delay_ns(const struct evloop *l, int64_t when_ns)
{
	if (!l->slept_armed_ns || l->slept_armed_ns > when_ns)
		return 0; /* no timer, or one set past when_ns: any lateness is the caller's */
	int64_t from = when_ns > l->slept_ns ? when_ns : l->slept_ns;
	return l->woke_ns > from ? l->woke_ns - from : 0;
}

int64_t evloop_max_lag_ns(const struct evloop *l)
{
	return l->max_lag_ns;
}

void evloop_reset_lag(struct evloop *l)
{
	l->max_lag_ns = 0;
}

/* Arms the timerfd to the earliest slot, but only when that is earlier than what is armed,
 * or when nothing is armed (at start, or the armed time passed: run_timers disarms). A slot
 * that moves later, or is cleared, leaves the earlier time armed: that wake-up finds nothing
 * due and costs one turn, where re-arming would cost a syscall on every turn whose slots
 * move (a request deadline or progress tick re-set each turn). */
static void arm_timerfd(struct evloop *l)
{
	int64_t first = 0;
	for (int i = 0; i < EVLOOP_TIMERS; i++)
		if (l->timers[i].when_ns && (!first || l->timers[i].when_ns < first))
			first = l->timers[i].when_ns;
	if (!first || (l->armed_ns && l->armed_ns <= first))
		return;
	struct itimerspec its = { 0 };
	its.it_value.tv_sec = first / 1000000000;
	its.it_value.tv_nsec = first % 1000000000;
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed_ns = first;
}

static void run_timers(struct evloop *l)
{
	uint64_t expirations;
	if (read(l->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	l->armed_ns = 0; /* a fired timerfd is disarmed */
	int64_t now = clock_mono_ns();
	for (int i = 0; i < EVLOOP_TIMERS; i++) {
		struct timer_slot *t = &l->timers[i];
		if (t->when_ns && t->when_ns <= now) {
			t->when_ns = 0;
			t->fn(l, t->data);
		}
	}
}

static void dispatch(struct evloop *l, const struct epoll_event *e)
{
	int fd = e->data.fd;
	if (fd == l->tfd) {
		run_timers(l);
		return;
	}
	struct fd_slot *s = &l->fds[fd];
	if (!s->used)
		return; /* deleted by an earlier callback of this batch */
	unsigned ev = 0;
	if (e->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		ev |= EVLOOP_READ;
	if (e->events & EPOLLOUT)
		ev |= EVLOOP_WRITE;
	if (e->events & EPOLLERR)
		ev |= EVLOOP_ERROR | EVLOOP_READ;
	s->fn(l, fd, ev, s->data);
}

int evloop_run(struct evloop *l)
{
	l->stop = false;
	int64_t woke = 0;
	while (!l->stop) {
		if (l->before_sleep)
			l->before_sleep(l, l->before_sleep_data);
		if (l->stop)
			break;
		arm_timerfd(l);
		if (woke) {
			/* the whole turn, hook included: events waited this long at most */
			int64_t lag = clock_mono_ns() - woke;
			if (lag > l->max_lag_ns)
				l->max_lag_ns = lag;
		}
		l->slept_armed_ns = l->armed_ns;
		l->slept_ns = clock_mono_ns();
		int n = epoll_wait(l->epfd, l->fired, EVLOOP_BATCH, -1);
		if (n < 0) {
			if (errno == EINTR) {
				/* woken all the same (a signal, or SIGCONT after a stop: epoll_wait
				 * then fails so even without a handler), so evloop_os_delay_ns counts
				 * the time the process was not run; no fd to read, no lag to book */
				l->woke_ns = clock_mono_ns();
				woke = 0;
				continue;
			}
			return -1;
		}
		woke = l->woke_ns = clock_mono_ns();
		for (int i = 0; i < n; i++)
			dispatch(l, &l->fired[i]);
	}
	return 0;
}
