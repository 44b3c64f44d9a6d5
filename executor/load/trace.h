/*
 * trace: recorded workloads read one session at a time from disk (never the whole file), in
 * the two formats the field uses; the format is told by the first line:
 *
 *   Mooncake JSONL (a line with "timestamp"): {"timestamp": MS, "input_length": N,
 *     "output_length": N, "hash_ids": [...]} - one request a line, sent at its timestamp
 *     (ms from the trace's start); hash ids name 512-token blocks, the last one may be partial;
 *     ids are global to the file. Each row is a session of one turn.
 *   AgentX session traces (a line with "requests", upstream's weka corpus as
 *     utils/agentic/datasets/proxy_to_weka.py writes it): {"id", "block_size": 64,
 *     "hash_id_scope": "local", "requests": [turn | subagent group]}, a turn being
 *     {"t": S, "in": N, "out": N, "hash_ids": [...], "api_time": S, "think_time": S?} and a
 *     group {"type": "subagent", "agent_id", "requests": [turn...]}. Ids are local to the
 *     trace unless hash_id_scope is "global".
 *
 * A session is a list of steps run one after the other; a step is one or more chains run in
 * parallel (a main turn is a step of one chain of one turn; consecutive subagent groups
 * between two main turns are one step, a fan-out, that the next main turn joins); a chain is
 * turns run one after the other. Each turn waits gap_ns after the end of the turn before it
 * in its chain (a chain's first turn: after the end of the step before). The gap is the
 * trace's think_time, else its start t less the end (t + api_time) of the turn before, at
 * least 0.
 *
 * struct trace_session owns everything it points to; trace_session_release frees it.
 */
#ifndef EXECUTOR_TRACE_H
#define EXECUTOR_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"

struct diags;

enum trace_format { TRACE_MOONCAKE, TRACE_AGENTX };
extern const char *const trace_format_names[2];

#define TRACE_MOONCAKE_BLOCK 512

struct trace_turn {
	long in, out;            /* prompt tokens; max_tokens */
	int64_t gap_ns;          /* AgentX: wait after the turn (or step) before */
	uint32_t index;          /* the turn's place in its chain's conversation */
	size_t hash_first, hash_nr; /* into trace_session.hashes */
};

struct trace_chain {
	size_t first, nr;        /* turns [first, first + nr) */
	char *conversation;      /* owned: "ID" for main turns, "ID::sa:AGENT" for a subagent */
};

struct trace_step {
	size_t first, nr;        /* chains [first, first + nr) */
};

struct trace_session {
	char *id;                /* owned */
	size_t line;             /* its line in the file */
	long block;              /* tokens per hash block */
	bool global_ids;         /* hash ids shared across sessions (Mooncake, scope "global") */
	int64_t at_ns;           /* Mooncake: the row's timestamp */
	struct trace_turn *turns;
	size_t turns_nr, turns_alloc;
	uint64_t *hashes;
	size_t hashes_nr, hashes_alloc;
	struct trace_chain *chains;
	size_t chains_nr, chains_alloc;
	struct trace_step *steps;
	size_t steps_nr, steps_alloc;
};

struct trace_reader {
	FILE *f;                 /* owned */
	char *path;              /* owned */
	enum trace_format format;
	size_t line;             /* of the last line read */
	size_t sessions;         /* read so far, all passes */
	struct buf text;         /* owned: the current line */
};

/* Opens path and tells its format from its first non-empty line. -1 with a diag. */
int trace_open(struct trace_reader *r, const char *path, struct diags *d);
/* The next session into s (released and refilled): 1, 0 at the end of the file, -1 with a
 * diag (file:line:column, the key path, what was expected and found). */
int trace_next(struct trace_reader *r, struct trace_session *s, struct diags *d);
/* Back to the file's first line (a run bounded by --duration replays the file again). */
int trace_rewind(struct trace_reader *r, struct diags *d);
void trace_close(struct trace_reader *r);
void trace_session_init(struct trace_session *s);
void trace_session_release(struct trace_session *s);

#endif
