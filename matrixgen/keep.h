/*
 * keep: what a command built and would free just before the program ends. matrixgen runs
 * for milliseconds and exits right after its command; freeing a full sweep's thousands of
 * blocks (its rows, its configs and their YAML) took 0.6 to 1 ms of a 12 ms run, for
 * memory the kernel takes back at exit anyway. So the commands hand those structures to
 * keep_until_exit instead: clang's -disable-free and git's UNLEAK do the same, for the
 * same reason.
 *
 * The structures stay reachable (copies in a list), so valgrind reports no leak, and a
 * build with assertions (the sanitizer build) frees them at exit, so their release
 * functions still run under ASan and LeakSanitizer. Only commands use it; everything else
 * frees as usual.
 */
#ifndef MATRIXGEN_KEEP_H
#define MATRIXGEN_KEEP_H

#include <stddef.h>

struct inputs;
struct mentries;
struct rows;

/* Takes obj (size bytes, copied; obj itself may be reused or go out of scope): release(the
 * copy) runs at exit in builds without NDEBUG, else never. */
void keep_until_exit(const void *obj, size_t size, void (*release)(void *));
/* The same for the three a sweep builds; each is left empty, as its release leaves it. */
void keep_inputs(struct inputs *in);
void keep_rows(struct rows *m);
void keep_mentries(struct mentries *m);

#endif
