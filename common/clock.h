/*
 * clock: time sources. Measurements use CLOCK_MONOTONIC nanoseconds; the wall clock is only
 * for dates written into results.
 */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ns(void);
/* Wall-clock seconds since the epoch, as a double. */
double clock_wall_s(void);

#endif
