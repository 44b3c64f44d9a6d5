/*
 * api: what differs between the completions and chat-completions APIs, as a small table of
 * functions (struct api_ops): how a request body is written (executor-spec 4.4, keys in
 * exactly the spec's order) and how stream events turn into one request's timings
 * (executor-spec 4.5). api_event is the per-event hot path: it allocates nothing unless the
 * generated text is kept (--save-detailed), and records in O(1).
 *
 * struct req_rec is one request's measurements. The caller owns it and its itl_ns array
 * (allocated before the clock starts, sized for the expected events; it grows only when a
 * server sends more events than tokens asked for) and the optional text buffer.
 */
#ifndef EXECUTOR_API_H
#define EXECUTOR_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

struct api_body {
	const char *model;
	const int *ids;      /* token-id prompt, or NULL for text */
	size_t ids_nr;
	const char *text;    /* text prompt when ids is NULL */
	long best_of;        /* completions only */
	long max_tokens;
	bool ignore_eos;
	bool continuous_usage; /* ours: stream_options.continuous_usage_stats (vLLM) */
};

struct req_rec {
	int64_t send_ns;
	int64_t first_ns;    /* first choice event; 0 before it */
	int64_t last_ns;     /* completions: last choice event; chat: last non-[DONE] event */
	int64_t prev_ns;     /* the event ITL gaps are measured from; 0 before any */
	long long usage_tokens; /* usage.completion_tokens from a choice-less event, or -1 */
	uint32_t choice_events;
	bool done_seen;      /* [DONE] arrived */
	int64_t *itl_ns;     /* owned by the caller */
	size_t itl_nr, itl_alloc;
	struct buf *text;    /* borrowed; NULL unless texts are kept */
	long long chunk_tokens; /* usage.completion_tokens of the latest choice event that had
				 * it (continuous usage stats), or -1: for ITL per token */
};

struct api_ops {
	const char *name;
	void (*body)(struct buf *out, const struct api_body *b);
	bool chat;           /* ITL and E2EL count every non-[DONE] event; 200 is success */
	/* Appends the text of one event's first choice (--save-detailed only). */
	void (*append_text)(struct buf *out, const char *json, size_t n);
};

extern const struct api_ops api_completions, api_chat;

/* Resets r for a new send at send_ns, keeping its itl_ns array and text buffer. */
void req_rec_start(struct req_rec *r, int64_t send_ns);
/* One event's data, timestamped t_ns when its bytes arrived. 0, or -1 when malformed.
 * ITL: a choice event after the first gives one gap, from the event before; when it and the
 * one before carry usage.completion_tokens k > 1 apart (several tokens in one chunk), the gap
 * is spread evenly over those k tokens, k samples summing to the gap (SGLang's
 * bench_serving rule), as far as the record's preallocated room allows. */
int api_event(struct req_rec *r, const struct api_ops *ops, int64_t t_ns, const char *data,
	      size_t n);
/* Output tokens: usage when it arrived, else choice events (*approximate set). */
long long req_rec_output_tokens(const struct req_rec *r, bool *approximate);

#endif
