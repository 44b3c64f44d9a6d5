/*
 * sim_arrival: when a request's bytes arrived, as opposed to when the loop
 * got around to reading them.  The kernel stamps every received segment
 * (SO_TIMESTAMPING, SOF_TIMESTAMPING_RX_SOFTWARE: taken as the packet enters
 * the stack, for loopback inside the client's send) and recvmsg hands back,
 * as an SCM_TIMESTAMPING cmsg, the stamp of the last segment it read from.
 *
 * Those stamps are CLOCK_REALTIME; the simulator runs on CLOCK_MONOTONIC.
 * struct arrival_clock holds REALTIME - MONOTONIC, measured between two
 * monotonic reads (error: half their gap, tens of ns; a refresh whose gap
 * exceeds ARRIVAL_MAX_GAP_NS is dropped) and re-measured at most every
 * ARRIVAL_REFRESH_NS.  NTP slewing moves both clocks alike, so
 * the offset changes only when the wall clock is stepped; a step mis-dates
 * the requests read before the next refresh (bounded: an arrival is never
 * put after its read).
 *
 * Use: arrival_clock_init; arrival_enable(fd) on the listener (the kernel
 * stamps only while some socket asks, and bytes may come before accept)
 * and on each accepted socket;
 * arrival_recv instead of recv; arrival_clock_refresh once per loop pass.
 */
#ifndef SIM_ARRIVAL_H
#define SIM_ARRIVAL_H

#include <stdint.h>
#include <sys/types.h>

#define ARRIVAL_REFRESH_NS 100000000 /* 100 ms */
#define ARRIVAL_MAX_GAP_NS 10000       /* 10 us */

struct arrival_clock {
	int64_t offset_ns;   /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	int64_t measured_ns; /* CLOCK_MONOTONIC of the last measurement */
};

void arrival_clock_init(struct arrival_clock *ac);
/* Re-measures the offset when the last measurement is older than
 * ARRIVAL_REFRESH_NS at now_ns (CLOCK_MONOTONIC). */
void arrival_clock_refresh(struct arrival_clock *ac, int64_t now_ns);

/* Asks the kernel to stamp fd's received segments; 0, or -1 (then reads
 * simply carry no stamp). */
int arrival_enable(int fd);

/* recv(fd, buf, n, 0) through recvmsg.  When it returns bytes with a kernel
 * stamp, *arrival_ns is that stamp on CLOCK_MONOTONIC; otherwise 0. */
ssize_t arrival_recv(int fd, void *buf, size_t n, const struct arrival_clock *ac,
		     int64_t *arrival_ns);

#endif
