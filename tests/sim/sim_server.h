/*
 * sim_server: the state simserver's event loop shares between its files.
 * struct server is one per process; struct conn one per accepted socket,
 * found by fd in server.conns; struct stream is the generation response a
 * connection is sending (at most one: HTTP/1.1 answers in order).
 *
 * simserver.c owns the loop, sockets, request framing and routing;
 * sim_stream.c owns streams: their schedule, chunks, faults and samples.
 * A function that may close a connection returns -1 when it did: the conn
 * is freed then, and the caller must not touch it again.
 */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdint.h>

#include "common/rxstamp.h"
#include "sim_heap.h"
#include "sim_http.h"
#include "sim_metrics.h"
#include "sim_opts.h"
#include "sim_prefix.h"
#include "sim_req.h"
#include "sim_stats.h"
#include "sim_util.h"

enum stream_stage {
	STAGE_HEADERS, /* slow-headers: waiting to send the response head */
	STAGE_TOKENS,  /* next event is a token */
	STAGE_STALLED, /* stall fault: nothing more will be sent */
};

struct stream {
	int on;                  /* a generation response is in progress */
	enum api_kind kind;
	enum fault fault;
	enum stream_stage stage;
	uint64_t gen;            /* equals the gen of this stream's heap entry */
	long long prompt_tokens;
	long long cached_tokens;   /* of them, found in the prefix cache (sim_prefix.h) */
	long long max_tokens;
	long long sent;          /* tokens written so far */
	long long fault_after;   /* reset/stall act once this many tokens went */
	int include_usage;
	int continuous_usage;    /* usage in every token event (vLLM's continuous_usage_stats) */
	int decoding;            /* counted in server.decoding */
	int64_t ttft_ns;         /* from arrival_ns (or the slow head) to token 1 */
	int64_t arrival_ns;      /* when the request's last bytes arrived (see conn) */
	int64_t due_ns;          /* scheduled time of the next event */
	int64_t first_ns;        /* when token 1's write returned */
	int64_t last_ns;         /* when the latest token's write returned */
	struct sbuf head;        /* owned: 'data: {"id":...,"choices":[' */
	int64_t *itl_ns;         /* owned: this stream's gaps; kept for reuse */
	size_t itl_nr, itl_alloc;
};

struct conn {
	int fd;
	uint32_t events;       /* registered with epoll */
	struct sbuf in;        /* owned: bytes read; unparsed from in_off on */
	size_t in_off;
	size_t head_scan;      /* http_find_head_end's resume point */
	size_t head_len;       /* 0 until the current request's head is parsed */
	struct http_req req;   /* the request being read or answered */
	int sent_continue;     /* 100 Continue already sent for it */
	struct sbuf out;       /* owned: bytes not yet sent, from out_off on */
	size_t out_off;
	int closing;           /* close once out is flushed; ignore input */
	int64_t read_ns;       /* time of the latest read that got bytes */
	int64_t arrival_ns;    /* kernel stamp of that read's last segment, on
				* CLOCK_MONOTONIC, <= read_ns; read_ns when none */
	int arrival_kernel;    /* arrival_ns came from the kernel */
	uint64_t idle_gen;     /* --idle-close-ms: gen of the heap entry that may close
				* it while idle; 0 none */
	struct stream st;
};

struct server {
	struct sim_config *cfg;   /* borrowed from main */
	int epfd, listen_fd, signal_fd, spare_fd;
	struct conn **conns;      /* owned, indexed by fd; NULL where none */
	size_t conns_alloc;
	struct heap heap;         /* stream due times */
	int64_t now_ns;           /* latest clock read: taken once a loop pass and
				   * after each token write (whose time it is) */
	int pwait2;               /* epoll_pwait2 works: ns wait timeouts */
	struct rx_clock arrival_clock;
	struct sim_stats stats;
	struct sim_metrics metrics; /* GET /metrics's counters: never reset */
	struct sim_prefix prefix;   /* --prefix-cache-blocks */
	struct sbuf blocks;         /* the current request's block hashes */
	uint64_t gen_seq;         /* last gen given out (streams and idle closes) */
	uint64_t req_seq;         /* generation requests, numbered from 1 */
	uint64_t ended;           /* generation requests that have ended */
	long long decoding;       /* streams between token 1 and their end */
	long long connections, max_connections;
	int64_t start_ns;
	int stop;
	struct sbuf scratch;      /* decoded JSON strings */
	struct sbuf body;         /* response bodies */
	struct sbuf wr;           /* bytes of one write */
};

/* simserver.c */
int conn_send(struct server *srv, struct conn *c, const char *data, size_t n);
/* Bytes queued for the socket that it has not taken yet. */
size_t conn_pending(const struct conn *c);
void conn_close(struct server *srv, struct conn *c, int rst);
/* A response has ended: close (no keep-alive) or read the next request. */
int conn_request_done(struct server *srv, struct conn *c);

/* sim_stream.c */
int stream_start(struct server *srv, struct conn *c, const struct gen_req *g,
		 enum api_kind kind, enum fault fault);
/* The stream's event scheduled for due_ns has come. */
int stream_due(struct server *srv, struct conn *c, int64_t due_ns);
/* The connection is closing under a live stream. */
void stream_abort(struct server *srv, struct conn *c);
void stream_release(struct stream *st);

#endif
