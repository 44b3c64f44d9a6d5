/* sock: the non-blocking TCP steps of the load and the replay (see sock.h). */
#include "executor/load/sock.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int sock_open(const struct addrinfo *a)
{
	int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

bool sock_connected(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);
	return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err;
}

enum sock_send sock_send_rest(int fd, const struct buf *w, size_t *off)
{
	while (*off < w->len) {
		ssize_t n = send(fd, w->s + *off, w->len - *off, MSG_NOSIGNAL);
		if (n > 0) {
			*off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return SOCK_BLOCKED;
		return SOCK_FAILED;
	}
	return SOCK_SENT;
}
