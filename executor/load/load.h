/*
 * load: the timed load itself (executor-spec 4.4-4.6): one epoll loop over many keep-alive
 * HTTP/1.1 connections, one connection per request in flight, reused afterwards.
 *
 * Why not libcurl's multi-socket API: not measured side by side (no libcurl load path was
 * built). The choice was made on cost per event: at 1024-4096 streams x 100 events/s the
 * client handles 100k-400k events/s on a shared 2-core machine, and libcurl adds its own
 * state machine, curl_multi_socket_action and a write callback per chunk. This client does
 * one read() per ready fd, stamps it with the loop's wake time and parses in place; measured
 * (tests/perf/bench_accuracy.c) it uses 3-5 ms of CPU per 1,000 output tokens and its TTFT
 * and ITL errors stay under 1 ms through 1024 streams. It covers what the load needs:
 * keep-alive, Content-Length, chunked and close-delimited bodies, non-blocking connect.
 * Helper calls outside the timed load (/tokenize, profiling) use libcurl (hcall.c).
 *
 * Hot-loop rules kept here: every request's wire bytes and measurement arrays exist before
 * the clock starts; timestamps are CLOCK_MONOTONIC and taken before parsing (the first read
 * of a turn gets the time epoll_wait returned, as its bytes were there by then; a further
 * read its own time); a read that does not fill the buffer ends the fd's turn (epoll is
 * level-triggered, so the rest wakes the loop again); recording is O(1); issuing, timeouts,
 * progress and the stop flag are handled once per loop turn (the before-sleep hook).
 *
 * load_run fills the per-request outcomes and the run's clock/CPU figures of out;
 * bench_run (bench.h) wraps it with preparation and the summary.
 */
#ifndef EXECUTOR_LOAD_H
#define EXECUTOR_LOAD_H

struct bench_config;
struct bench_result;
struct prepared;
struct diags;

/* URL parts of cfg->base_url + cfg->endpoint. Owned strings, free()d by the caller. */
struct url_parts {
	char *host, *port, *hostport, *path;
};
int url_split(struct url_parts *out, const char *base_url, const char *endpoint,
	      struct diags *d);
void url_parts_release(struct url_parts *u);

int load_run(struct bench_result *out, const struct bench_config *cfg,
	     const struct prepared *prep, const struct url_parts *url, struct diags *d);

#endif
