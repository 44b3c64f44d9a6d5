/* test_rxstamp: a read on a TCP loopback socket carries the kernel's receive stamp, moved to
 * CLOCK_MONOTONIC: after the send began and before the read returned, and the one of the
 * bytes' arrival, not of the read (a read 30 ms late still gets the earlier time); a socket
 * that did not ask gets no stamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/rxstamp.h"

/* A connected loopback pair: *client, *server. */
static void pair(int *client, int *server)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
	*server = accept(lfd, NULL, NULL);
	assert_true(*server >= 0);
	close(lfd);
}

static void test_stamp_is_arrival(void **state)
{
	(void)state;
	int c, s;
	pair(&c, &s);
	struct rx_clock rc;
	rx_clock_init(&rc);
	assert_int_equal(rxstamp_enable(c), 0);
	int64_t before = clock_mono_ns();
	assert_int_equal(send(s, "data: x\n\n", 9, 0), 9);
	struct timespec wait = { 0, 30000000 };
	nanosleep(&wait, NULL); /* the bytes wait unread */
	char buf[64];
	int64_t stamp;
	assert_int_equal(rxstamp_read(c, buf, sizeof(buf), &rc, &stamp), 9);
	int64_t after = clock_mono_ns();
	if (stamp == 0)
		skip(); /* a kernel without software receive stamps */
	assert_true(stamp >= before - 100000); /* the offset's error is well under 0.1 ms */
	assert_true(stamp <= after);
	assert_true(after - stamp >= 25000000); /* the arrival, not the read */
	close(c);
	close(s);
}

static void test_no_stamp_without_asking(void **state)
{
	(void)state;
	int c, s;
	pair(&c, &s);
	struct rx_clock rc;
	rx_clock_init(&rc);
	assert_int_equal(send(s, "x", 1, 0), 1);
	char buf[8];
	int64_t stamp = 1;
	assert_int_equal(rxstamp_read(c, buf, sizeof(buf), &rc, &stamp), 1);
	assert_int_equal(stamp, 0);
	close(c);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_is_arrival),
		cmocka_unit_test(test_no_stamp_without_asking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
