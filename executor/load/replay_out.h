/*
 * replay_out: what a replay (replay.h) leaves behind.
 *   replay_records_jsonl: one line per turn in the shape AIPerF writes its
 *     profile_export.jsonl (metadata: session_num, conversation_id, turn_index,
 *     request_start_ns, request_ack_ns, request_end_ns (wall clock), worker_id,
 *     benchmark_phase "profiling"; metrics: input_sequence_length, output_sequence_length,
 *     time_to_first_token, request_latency, inter_token_latency with value and unit; error
 *     null or {"type", "message"}), as upstream's utils/agentic/aggregation/
 *     request_metrics.py at 843c6254f reads it, so `executor process --agentic` reads a
 *     replay's directory as it reads AIPerf's. Ours beside them in metadata:
 *     x_due_ns (when the turn was due, wall clock) and x_cut (cut at the bound).
 *   replay_result_json: our raw result: the run's counts, pacing error, client CPU and the
 *     per-turn arrays (docs/executor.md, "Trace replay").
 *   replay_summary: the human summary.
 * Each appends to out.
 */
#ifndef EXECUTOR_REPLAY_OUT_H
#define EXECUTOR_REPLAY_OUT_H

#include "executor/load/replay.h"

struct buf;

void replay_records_jsonl(struct buf *out, const struct replay_result *r);
void replay_result_json(struct buf *out, const struct replay_config *cfg,
			const struct replay_result *r);
void replay_summary(struct buf *out, const struct replay_config *cfg,
		    const struct replay_result *r);

#endif
