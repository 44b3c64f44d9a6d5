/*
 * par: two pieces of one job at once, on this thread and one more. A v2 full sweep is a
 * few milliseconds of work that splits cleanly (the pieces of a big YAML file, the configs
 * of a file, the rows of a sweep), and the machines it runs on have a second core.
 *
 *   par_two(fn, a, b)   runs fn(a) on this thread and fn(b) on the helper thread when it
 *                       is free and quick to start, else here after fn(a); returns when
 *                       both are done.
 *   par_for(n, fn, ctx, share)  fn(ctx, i) for each i < n, shared out item by item.
 *
 * Why one helper thread that stays, pinned to another CPU: a thread started per job was
 * put on the starter's own CPU by the kernel and ran there first, and on the VMs this runs
 * on the idle CPU took 1 to 4 ms to be woken: the "parallel" halves ran one after the
 * other, slower than one pass. The helper is started once, on a CPU the caller is not on,
 * and waits for work spinning (up to PAR_SPIN_MS, then asleep). A job the helper has not
 * picked up by the time fn(a) is done is taken back and run here: par_two is never slower
 * than the two calls in a row by more than a handoff. With one CPU allowed, or in a child
 * after fork, everything runs here.
 *
 * fn must touch only what its argument gives it (and shared data nobody writes meanwhile).
 * par_two is called from one thread at a time (the program's main thread), never from
 * inside a job. The helper stops at exit (atexit).
 */
#ifndef COMMON_PAR_H
#define COMMON_PAR_H

#include <stdbool.h>
#include <stddef.h>

/* Starts the helper now rather than at the first job: a command that will share work calls
 * it first, so the helper's CPU is awake (spinning) by then. The first job of a helper
 * started on demand ran at half speed here (a piece of YAML: 4.7 ms there, 2.6 here). */
void par_start(void);
void par_two(void (*fn)(void *), void *a, void *b);
/* fn(ctx, i) for every i in [0, n), the items taken one at a time by this thread and the
 * helper, so uneven items still share out evenly; each call must write only item i's
 * own results. share false: all here, in order (the work is too small for a handoff:
 * callers judge it by PAR_WORTH_NODES or PAR_WORTH_ROWS). */
void par_for(size_t n, void (*fn)(void *ctx, size_t i), void *ctx, bool share);

/* Below these, sharing matrixgen's work costs more than it saves: YAML nodes (a file's
 * configs, a sweep's configs) and matrix rows */
#define PAR_WORTH_NODES 2000
#define PAR_WORTH_ROWS 256

#endif
