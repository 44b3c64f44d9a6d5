/*
 * sim_arrival: kernel receive timestamps and the REALTIME -> MONOTONIC
 * offset (see sim_arrival.h).
 */
#define _GNU_SOURCE
#include "sim_arrival.h"

#include <linux/net_tstamp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The tightest of a few REALTIME reads bracketed by MONOTONIC ones; returns
 * that bracket's width (twice the worst error). */
static int64_t measure(struct arrival_clock *out)
{
	struct timespec m1, r, m2;
	int64_t best_gap = INT64_MAX;

	for (int i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		int64_t gap = ts_ns(&m2) - ts_ns(&m1);
		if (gap < best_gap) {
			best_gap = gap;
			out->measured_ns = ts_ns(&m1) + gap / 2;
			out->offset_ns = ts_ns(&r) - out->measured_ns;
		}
	}
	return best_gap;
}

void arrival_clock_init(struct arrival_clock *ac)
{
	measure(ac);
}

void arrival_clock_refresh(struct arrival_clock *ac, int64_t now_ns)
{
	struct arrival_clock fresh;
	if (now_ns - ac->measured_ns < ARRIVAL_REFRESH_NS)
		return;
	/* a bracket stretched by preemption would be worse than the old value */
	if (measure(&fresh) <= ARRIVAL_MAX_GAP_NS)
		*ac = fresh;
}

int arrival_enable(int fd)
{
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
}

ssize_t arrival_recv(int fd, void *buf, size_t n, const struct arrival_clock *ac,
		     int64_t *arrival_ns)
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, n };
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	*arrival_ns = 0;
	ssize_t got = recvmsg(fd, &msg, 0);
	if (got <= 0)
		return got;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_TIMESTAMPING ||
		    h->cmsg_len < CMSG_LEN(3 * sizeof(struct timespec)))
			continue;
		struct timespec ts[3]; /* [0] software, [1] unused, [2] hardware */
		memcpy(ts, CMSG_DATA(h), sizeof(ts));
		if (ts[0].tv_sec || ts[0].tv_nsec)
			*arrival_ns = ts_ns(&ts[0]) - ac->offset_ns;
	}
	return got;
}
