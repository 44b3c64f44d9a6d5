/*
 * evloop: the event loop (epoll, level-triggered, plus one timerfd), with redis ae's API
 * size: create, add or modify an fd, delete an fd, set a timer, run, stop, a before-sleep
 * hook, free. Callbacks sit in an fd-indexed array and the fired-event array is allocated
 * once, so a turn of the loop allocates nothing.
 *
 * Timers are a few fixed slots (EVLOOP_TIMERS), each with an absolute CLOCK_MONOTONIC
 * deadline: the load needs only "next issue" and "next request deadline", and a scan of a
 * handful of slots is cheaper than a heap. The timerfd is armed to the earliest one, with
 * nanosecond resolution (epoll_wait's own timeout has only milliseconds), and re-armed only
 * when that moves earlier or the armed time has passed: a slot may be re-set every turn, and
 * a slot that moved later only brings an early, empty wake-up.
 *
 * It also measures itself: lag = the time one turn spends between epoll_wait returning and
 * the next epoll_wait, i.e. the longest a ready event could have waited to be read.
 *
 * Use: evloop_new; evloop_set_fd / evloop_set_timer / evloop_set_before_sleep; evloop_run
 * until a callback calls evloop_stop; evloop_free. The loop owns its epoll and timer fds,
 * not the fds registered with it.
 */
#ifndef EXECUTOR_EVLOOP_H
#define EXECUTOR_EVLOOP_H

#include <stdint.h>

struct evloop;

enum { EVLOOP_READ = 1, EVLOOP_WRITE = 2, EVLOOP_ERROR = 4 };
#define EVLOOP_TIMERS 4

typedef void (*evloop_fd_fn)(struct evloop *l, int fd, unsigned events, void *data);
typedef void (*evloop_timer_fn)(struct evloop *l, void *data);
typedef void (*evloop_hook_fn)(struct evloop *l, void *data);

/* NULL (errno set) when epoll or the timerfd cannot be created. max_fds: fds are < it. */
struct evloop *evloop_new(int max_fds);
void evloop_free(struct evloop *l);
/* Adds fd or changes its mask; mask 0 keeps it registered without events. 0 or -1. */
int evloop_set_fd(struct evloop *l, int fd, unsigned mask, evloop_fd_fn fn, void *data);
void evloop_del_fd(struct evloop *l, int fd);
/* Arms slot (0..EVLOOP_TIMERS-1) for when_ns (monotonic); 0 disarms it. */
void evloop_set_timer(struct evloop *l, int slot, int64_t when_ns, evloop_timer_fn fn,
		      void *data);
void evloop_set_before_sleep(struct evloop *l, evloop_hook_fn fn, void *data);
/* Runs turns until evloop_stop; returns 0, or -1 when epoll_wait fails. */
int evloop_run(struct evloop *l);
void evloop_stop(struct evloop *l);
int64_t evloop_max_lag_ns(const struct evloop *l);
/* When the current turn's epoll_wait returned: every fd it reported had its bytes by then. */
int64_t evloop_woke_ns(const struct evloop *l);
/* How late the OS ran the loop for a deadline when_ns that falls due this turn: the turn's
 * wake-up minus the later of when_ns and the moment the loop went to sleep, when the loop
 * slept with its timer armed at or before when_ns (so it had done its part: the wake-up was
 * the kernel's and the hypervisor's to deliver); 0 otherwise, when any lateness is the
 * caller's (it was busy, or armed its timer past when_ns). */
int64_t evloop_os_delay_ns(const struct evloop *l, int64_t when_ns);
void evloop_reset_lag(struct evloop *l);

#endif
