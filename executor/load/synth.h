/*
 * synth: synthetic multi-turn and shared-prefix workloads for users without a trace, written
 * as an AgentX session trace (trace.h; one JSONL line a session, block_size SYNTH_BLOCK,
 * hash_id_scope "global") so the replay (replay.h) sends them with its session machinery:
 * live-session bound, think gaps, session header, hash blocks as token blocks.
 *
 *   multi-turn             `sessions` chats sharing one system prompt of `system_len`
 *                          tokens, each `turns` turns; turn k's prompt is the system prompt
 *                          plus the whole conversation so far (k x (user_len + output_len))
 *                          plus the new user message (user_len); think_s between turns (the
 *                          HomeLLM seed's multi-turn chat and RAG flows).
 *   generated-shared-prefix  SGLang's: num_groups groups of prompts_per_group prompts, each
 *                          a group's system prompt (system_len) + its own question
 *                          (question_len), output_len each; the prompts shuffled.
 *   prefix-repetition      vLLM's: num_prompts prompts over num_prefixes prefixes (prefix_len),
 *                          each with its own suffix (suffix_len), output_len each; shuffled.
 *
 * Shared text is shared as whole blocks: a prefix's floor(len / SYNTH_BLOCK) full blocks
 * are the same for every prompt that has it; the rest of a prompt is its own. The seed picks
 * the order (the shuffle); the replay's --seed picks the tokens of each block. Same
 * parameters, same bytes.
 */
#ifndef EXECUTOR_SYNTH_H
#define EXECUTOR_SYNTH_H

#include <stdint.h>

struct buf;

#define SYNTH_BLOCK 64

enum synth_kind { SYNTH_MULTI_TURN, SYNTH_GSP, SYNTH_PREFIX_REPETITION };
/* "multi-turn", "generated-shared-prefix", "prefix-repetition": the --dataset-name values */
extern const char *const synth_names[3];

struct synth_config {
	enum synth_kind kind;
	uint64_t seed;
	long sessions, turns, user_len; /* multi-turn */
	double think_s;
	long groups, per_group, question_len; /* generated-shared-prefix */
	long prompts, prefixes, suffix_len;   /* prefix-repetition */
	long system_len;          /* multi-turn and gsp: the shared prompt; prefix-repetition's
				   * prefix_len */
	long output_len;
};

/* Appends the workload's trace to out. Every count and length must be >= 1 (user_len,
 * question_len, suffix_len, system_len >= 0), think_s >= 0: the caller checks. */
void synth_write(struct buf *out, const struct synth_config *c);

#endif
