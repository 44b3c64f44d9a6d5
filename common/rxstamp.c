/* rxstamp: see rxstamp.h. */
#define _GNU_SOURCE /* the simulator's standalone build is strict C11 */
#include "common/rxstamp.h"

#include <linux/net_tstamp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* A bracket wider than this was stretched by preemption: the old offset is kept. */
#define RX_MAX_GAP_NS 10000

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* Measures the offset into *out; the narrowest bracket's width. */
static int64_t measure(struct rx_clock *out)
{
	int64_t best = INT64_MAX;
	for (int i = 0; i < 3; i++) {
		struct timespec m1, r, m2;
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		int64_t gap = ts_ns(&m2) - ts_ns(&m1);
		if (gap < best) {
			best = gap;
			out->measured_ns = ts_ns(&m1) + gap / 2;
			out->offset_ns = ts_ns(&r) - out->measured_ns;
		}
	}
	return best;
}

void rx_clock_init(struct rx_clock *c)
{
	measure(c);
}

void rx_clock_refresh(struct rx_clock *c, int64_t now_ns)
{
	struct rx_clock fresh;
	if (now_ns - c->measured_ns >= RX_REFRESH_NS && measure(&fresh) <= RX_MAX_GAP_NS)
		*c = fresh;
}

int rxstamp_enable(int fd)
{
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
}

ssize_t rxstamp_read(int fd, void *buf, size_t n, const struct rx_clock *c, int64_t *stamp_ns)
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
	*stamp_ns = 0;
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
			*stamp_ns = ts_ns(&ts[0]) - c->offset_ns;
	}
	return got;
}

int64_t rxstamp_pick(int64_t stamp_ns, int64_t not_before_ns, int64_t read_ns)
{
	if (!stamp_ns || stamp_ns < not_before_ns)
		return read_ns;
	if (stamp_ns <= read_ns)
		return stamp_ns;
	/* a segment that came after the turn began is later than the loop's time */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return stamp_ns <= ts_ns(&now) ? stamp_ns : read_ns;
}
