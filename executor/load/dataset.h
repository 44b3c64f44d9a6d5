/*
 * dataset: the random dataset (executor-spec 4.3). Draw order, fixed so that the same seed
 * gives the same requests anywhere: all input lengths, then all output lengths, then the
 * contents (the shared prefix first, then each prompt in order).
 *   ids:  each prompt is token ids uniform in [DATASET_ID_LO, DATASET_ID_HI), exact length.
 *   text: each prompt is words from a built-in list. A prompt's words come from its own
 *         stream (word_seed), so a prompt of n words is always the first n words of it:
 *         sizing against /tokenize (prepare.c) may change n without changing the others.
 * struct dataset owns its prompts and their id arrays; dataset_release frees them.
 */
#ifndef EXECUTOR_DATASET_H
#define EXECUTOR_DATASET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define DATASET_ID_LO 1000
#define DATASET_ID_HI 30000

enum prompt_format { PROMPT_IDS, PROMPT_TEXT };

struct dataset_config {
	size_t num_prompts;
	long input_len, output_len, prefix_len;
	double range_ratio;
	uint64_t seed;
	enum prompt_format format;
};

struct dataset_prompt {
	long input_len;   /* drawn, without the prefix */
	long output_len;  /* drawn: max_tokens */
	long target_len;  /* prefix_len + input_len */
	long prompt_len;  /* what the result reports: target_len, or the server's count */
	int *ids;         /* owned: PROMPT_IDS (or chat template) token ids, ids_nr of them */
	size_t ids_nr;
	uint64_t word_seed; /* PROMPT_TEXT: this prompt's word stream */
	long words;       /* PROMPT_TEXT: words after the prefix */
};

struct dataset {
	struct dataset_prompt *v; /* owned */
	size_t nr;
	int *prefix_ids;          /* owned, prefix_len of them (ids) */
	uint64_t prefix_seed;     /* text: the prefix's word stream */
	long prefix_len;
};

void dataset_init(struct dataset *ds);
void dataset_release(struct dataset *ds);
/* Lower bound of a drawn length: floor(len x ratio). */
long dataset_len_floor(long len, double ratio);
void dataset_generate(struct dataset *out, const struct dataset_config *cfg);
/* The same, looking at the program's stop flag before each prompt (a million prompts take
 * seconds): -1 once it is set, out then partly drawn (dataset_release frees it). */
int dataset_generate_stoppable(struct dataset *out, const struct dataset_config *cfg,
			       volatile sig_atomic_t *stop);
/* Appends the text of prompt i with `words` words after the prefix (words separated by
 * one space). */
void dataset_text(struct buf *out, const struct dataset *ds, size_t i, long words);
/* Appends n words of the stream `seed`, separated by single spaces. */
void dataset_words(struct buf *out, uint64_t seed, long n);

#endif
