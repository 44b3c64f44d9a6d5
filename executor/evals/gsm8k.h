/*
 * gsm8k: the GSM8K task as upstream runs it through lm-eval-harness (utils/evals/gsm8k.yaml at
 * 843c6254f): the data set (JSONL, one {"question", "answer"} object a line, the answer ending
 * in "#### N"), the prompt (doc_to_text, few-shot examples before the question, one user
 * message as `local-chat-completions --apply_chat_template` sends it), the two answer filters
 * and the exact match after normalisation. Pure functions: no I/O but gsm8k_load's file.
 *
 * Filters (lm-eval's RegexFilter, group_select -1, then take_first): the LAST match of the
 * regex in the response, as Python's re.findall scans (leftmost, non-overlapping); for the
 * flexible pattern's two groups, the first non-empty one; "[invalid]" when nothing matches.
 *   strict-match      "#### (\-?[0-9\.\,]+)"
 *   flexible-extract  "(-?[$0-9.,]{2,})|(-?[0-9]+)"
 * Exact match (lm-eval's exact_match with the task's regexes_to_ignore, ignore_case): on both
 * the extracted answer and the reference answer, in order, remove every ",", every "$", the
 * text up to the last "#### ", and one "." at the end (Python's "$": also before a final
 * newline); then lower-case both and compare.
 *
 * Use: gsm8k_load -> gsm8k_prompt per item -> (the server answers) -> gsm8k_extract for each
 * filter -> gsm8k_exact_match -> gsm8k_set_release. Strings returned are owned by the caller.
 */
#ifndef EXECUTOR_EVALS_GSM8K_H
#define EXECUTOR_EVALS_GSM8K_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;

struct gsm8k_item {
	char *question; /* owned */
	char *answer;   /* owned: the whole reference answer, "... #### N" */
	int line;       /* where it is in its file */
};

struct gsm8k_set {
	struct gsm8k_item *v;
	size_t nr, alloc;
};

enum gsm8k_filter { GSM8K_STRICT, GSM8K_FLEXIBLE, GSM8K_FILTER_NR };
/* lm-eval's filter names: "strict-match", "flexible-extract" */
extern const char *const gsm8k_filter_names[GSM8K_FILTER_NR];

/* Reads a JSONL file in GSM8K's format: every non-empty line an object with string members
 * "question" and "answer" (others are ignored), the answer holding "#### ". 0, or -1 with a
 * diag per bad line (file:line:col). An empty set is an error. */
int gsm8k_load(struct gsm8k_set *out, const char *path, struct diags *d);
void gsm8k_set_release(struct gsm8k_set *s);

/* The one user message for doc: each few-shot example as doc_to_text + " " + its answer,
 * followed by "\n\n", then doc_to_text(doc):
 *   "Question: {q}\nEnd your response with the answer on the last line, formatted as:
 *    #### [number]\nAnswer:" */
void gsm8k_prompt(struct buf *out, const struct gsm8k_set *fewshot, size_t nshot,
		  const struct gsm8k_item *doc);

/* The filter's answer from a response (owned), "[invalid]" when none. */
char *gsm8k_extract(enum gsm8k_filter f, const char *response);
/* Whether an extracted answer matches the reference answer after normalisation. */
bool gsm8k_exact_match(const char *extracted, const char *reference);
/* The normalised text (exposed for tests): the removals above, then lower case. */
void gsm8k_normalise(struct buf *out, const char *s);

#endif
