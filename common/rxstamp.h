/*
 * rxstamp: when a response's bytes reached this machine, as the kernel saw them, not when
 * the load's loop got around to reading them. The kernel stamps each received segment
 * (SO_TIMESTAMPING with SOF_TIMESTAMPING_RX_SOFTWARE: as the packet enters the stack; on
 * loopback inside the server's send) and recvmsg hands back, as an SCM_TIMESTAMPING cmsg,
 * the stamp of the last segment the read took. A client whose loop is busy (a turn of a
 * thousand ready sockets, a core shared with the server) then still times each token when
 * it arrived: its own lag is no longer booked as server latency.
 *
 * The stamps are CLOCK_REALTIME; the load runs on CLOCK_MONOTONIC. struct rx_clock holds
 * REALTIME - MONOTONIC, measured between two monotonic reads (the closest of 3 tries) and
 * re-measured every RX_REFRESH_NS (only a step of the wall clock moves it; a stamp is
 * never put after its read). One implementation for both sides: the load times responses
 * with it, the simulator (tests/sim) the arrival of requests, its ground truth. libc only,
 * so the simulator stays buildable alone with gcc (tests/sim/README.md).
 *
 * Use: rx_clock_init; rxstamp_enable(fd) on each socket (best effort: without it reads
 * carry no stamp); rxstamp_read instead of read; rx_clock_refresh once per loop turn.
 */
#ifndef COMMON_RXSTAMP_H
#define COMMON_RXSTAMP_H

#include <stdint.h>
#include <sys/types.h>

#define RX_REFRESH_NS 100000000 /* 100 ms */

struct rx_clock {
	int64_t offset_ns;   /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	int64_t measured_ns; /* CLOCK_MONOTONIC of the last measurement */
};

void rx_clock_init(struct rx_clock *c);
void rx_clock_refresh(struct rx_clock *c, int64_t now_ns);
int rxstamp_enable(int fd);
/* read(fd, buf, n) through recvmsg; *stamp_ns is the kernel's receive time of the last
 * segment read, on CLOCK_MONOTONIC, or 0 when none came. */
ssize_t rxstamp_read(int fd, void *buf, size_t n, const struct rx_clock *c, int64_t *stamp_ns);
/* The time to book bytes read in a loop turn at read_ns: the kernel's stamp when there is one
 * that is not before not_before (the request's send) nor after the read (a wall-clock step
 * could do that), else read_ns. */
int64_t rxstamp_pick(int64_t stamp_ns, int64_t not_before_ns, int64_t read_ns);

#endif
