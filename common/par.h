/*
 * par: two pieces of one job at once, on this thread and one more. A v2 full sweep is a
 * few milliseconds of work that splits cleanly (the halves of a big YAML file, the configs
 * of a file), and every machine it runs on has a second core.
 *
 *   par_two(fn, a, b)   runs fn(b) on a new thread and fn(a) on this one; returns when both
 *                       are done. If no thread can be started it runs both here, a first.
 *
 * fn must touch only what its argument gives it (and shared data that nobody writes while
 * it runs): the two calls share no lock.
 */
#ifndef COMMON_PAR_H
#define COMMON_PAR_H

void par_two(void (*fn)(void *), void *a, void *b);

#endif
