/*
 * sim_eval: simserver answering GSM8K-style eval questions with a known accuracy, so that the
 * executor's eval score can be tested exactly (--eval-dataset FILE --eval-accuracy A).
 *
 * A chat request whose last user message asks a question of FILE (the text after its last
 * "Question: ", up to "\nEnd your response" or the end) is answered at once, whole, with no
 * timing model: non-streaming as a chat.completion, streaming as one content event and
 * [DONE]. Question i (0-based, in file order) is answered right when
 * floor((i+1) * A) > floor(i * A), A taken in thousandths: the first n questions hold exactly
 * floor(n * A) right answers. A right answer ends in "#### N" (N with thousands commas from
 * 1000 on). A wrong one, for even i, ends in "#### N+1"; for odd i, it is "The answer is N."
 * with no "####": strict-match misses it, flexible-extract finds N. Other chat requests go to
 * the ordinary streaming path, and so do requests for another model than --model.
 */
#ifndef SIM_EVAL_H
#define SIM_EVAL_H

#include <stddef.h>

#include "sim_util.h"

/* Loads FILE (JSONL: "question" and "answer" ending in "#### N"); accuracy in [0, 1].
 * 0, or -1 with a message in err. */
int sim_eval_load(const char *file, double accuracy, struct sbuf *err);
/* 1: body asks a known question, the answer body is in out (*sse: send it as
 * text/event-stream); 0: not an eval question (or no data set loaded). */
int sim_eval_answer(const char *body, size_t n, const char *model, struct sbuf *out, int *sse,
		    struct sbuf *scratch);

#endif
