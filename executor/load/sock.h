/*
 * sock: the non-blocking TCP steps the timed load (load.c) and the trace replay (replay.c)
 * both take on a connection to the server: open the socket, learn how its connect ended, send
 * what is left of a request. Plain system calls, no state and no clock: the callers keep
 * their own connections, accounting and timing.
 */
#ifndef EXECUTOR_SOCK_H
#define EXECUTOR_SOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct addrinfo;

/* A non-blocking, close-on-exec stream socket for a's family, with TCP_NODELAY (a request's
 * last bytes must not wait for an ACK); -1 with errno set when socket() failed. Not yet
 * connected: the caller connects it (after whatever it sets on the socket first). */
int sock_open(const struct addrinfo *a);

/* After the loop reports a connecting socket: true when its connect succeeded. */
bool sock_connected(int fd);

enum sock_send {
	SOCK_SENT,    /* all of w went out */
	SOCK_BLOCKED, /* the socket is full: wait until it is writable, then call again */
	SOCK_FAILED,  /* send failed (the peer closed, reset ...): the connection is lost */
};

/* Sends w from *off on, advancing *off past what the kernel took (EINTR is retried). */
enum sock_send sock_send_rest(int fd, const struct buf *w, size_t *off);

#endif
