/*
 * prepare: everything a request needs, built before the clock starts (executor-spec 4.3,
 * 4.4): the dataset, text prompts sized against the server's /tokenize, chat-template
 * prompts turned into token ids, and each request's complete wire bytes (HTTP head + JSON
 * body), so issuing a request is one write of ready bytes.
 *
 * struct prepared owns the dataset and the wire buffers; prepared_release frees them.
 */
#ifndef EXECUTOR_PREPARE_H
#define EXECUTOR_PREPARE_H

#include <stdbool.h>

#include "common/buf.h"
#include "executor/load/dataset.h"

struct bench_config;
struct diags;

struct prepared {
	struct dataset ds;
	struct buf *wire;        /* owned: ds.nr request byte strings */
	bool approximate_input;  /* text prompt lengths are word counts */
};

/* hostport: for the Host header; path: the endpoint. */
int prepare_requests(struct prepared *out, const struct bench_config *cfg,
		     const char *hostport, const char *path, struct diags *d);
void prepared_release(struct prepared *p);

#endif
