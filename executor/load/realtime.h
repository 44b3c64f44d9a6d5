/*
 * realtime: the load's own process in the SCHED_FIFO real-time class (bench and run
 * --realtime).
 *
 * Why: a load generator's timing is only as good as the OS's promptness in running it when a
 * timer or a byte is due. On a loaded node (the server's CPU threads, a compile, another
 * job) a normal-class process can wait milliseconds for a CPU: on this project's 2-core VM
 * with two compiles running, a trace replay's inter-turn gaps came 1-8 ms late at p99 with
 * the timer armed right and the loop idle (the loop's own trace showed no wake-up at all for
 * 8 ms), and 0.07-0.84 ms late under SCHED_FIFO. The class makes the client preempt
 * normal-class work when it wakes; it does not make it use more CPU (the loop still sleeps in
 * epoll), and the kernel's real-time throttling (sched_rt_runtime_us) still leaves others
 * their share if it ever spun.
 *
 *   load_take_realtime(&d)   0, or -1 with a diag naming why the OS refused and what grants it
 *
 * SCHED_RESET_ON_FORK: children (run's local-launcher server, a recipe) start in the normal
 * class; threads the process starts later (the /metrics scraper) inherit the class.
 */
#ifndef EXECUTOR_REALTIME_H
#define EXECUTOR_REALTIME_H

struct diags;

/* The priority taken, low among real-time ones: above every normal-class process, below the
 * kernel's own real-time threads (which run at 50 and up). */
#define LOAD_RT_PRIORITY 10

int load_take_realtime(struct diags *d);

#endif
