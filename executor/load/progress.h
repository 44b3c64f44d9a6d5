/*
 * progress: the progress bar on stderr, drawn only when stderr is a terminal and the user did
 * not pass --disable-tqdm; otherwise every call is a no-op, so logs stay clean. Redrawn at
 * most every 100 ms, from the loop's once-per-turn hook. Owns nothing.
 */
#ifndef EXECUTOR_PROGRESS_H
#define EXECUTOR_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
	bool on;
	size_t total;
	int64_t start_ns, drawn_ns;
	const char *label;
};

void progress_init(struct progress *p, bool wanted, size_t total, const char *label);
void progress_update(struct progress *p, size_t done, int64_t now_ns);
/* Draws the final state and ends the line. */
void progress_finish(struct progress *p, size_t done, int64_t now_ns);

#endif
