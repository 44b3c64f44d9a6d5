/*
 * sim_req: what simserver reads from JSON request bodies: the fields of a
 * completions or chat request (struct gen_req), and the /tokenize answer.
 *
 * Token counts are simulated: a prompt given as an array of integers has
 * one token per element; text has one token per whitespace-separated word.
 * Chat messages count the words of all their text content (string content,
 * or the "text" of content parts).  /tokenize of messages adds a fixed
 * template overhead of TOKENIZE_TEMPLATE_TOKENS.
 *
 * scratch: a caller's reusable buffer for decoded strings.
 */
#ifndef SIM_REQ_H
#define SIM_REQ_H

#include "sim_util.h"

#define TOKENIZE_TEMPLATE_TOKENS 7
#define MAX_MODEL_LEN 131072
#define DEFAULT_MAX_TOKENS 16

enum api_kind { API_COMPLETIONS, API_CHAT };

struct gen_req {
	char model[256];          /* "" when absent or too long to be ours */
	int has_model;
	long long prompt_tokens;
	long long max_tokens;     /* >= 1; DEFAULT_MAX_TOKENS when absent */
	int stream;
	int include_usage;
	int continuous_usage;     /* stream_options.continuous_usage_stats */
	int ignore_eos;
};

/* 0 on success; -1 with *err (a static message) for a 400. */
int gen_req_parse(struct gen_req *out, enum api_kind kind, const char *body,
		  size_t n, struct sbuf *scratch, const char **err);

/* The same, appending to blocks (reset first) the chained hash (uint64_t, sim_prefix.h) of
 * each full block of block_tokens prompt tokens, in order. */
int gen_req_parse_blocks(struct gen_req *out, enum api_kind kind, const char *body,
			 size_t n, struct sbuf *scratch, struct sbuf *blocks,
			 long long block_tokens, const char **err);

/* Parses a /tokenize body and appends the answer JSON to out.  0 on
 * success, -1 with *err for a 400; *model_ok is 0 when the body names a
 * model other than `model` (then nothing is appended). */
int tokenize_answer(struct sbuf *out, int *model_ok, const char *model,
		    const char *body, size_t n, struct sbuf *scratch,
		    const char **err);

#endif
