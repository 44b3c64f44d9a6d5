/*
 * replay: a recorded trace (trace.h) replayed against a server, session by session, on the
 * load's event loop (evloop, http, sse, api as load.c uses them; a loop of its own, since a
 * replay's requests are made as sessions advance, not all before the clock starts).
 *
 * Rules (docs/executor.md, "Trace replay", says where they differ from AIPerf's):
 *   - Live sessions: at most max_sessions session trees are live at once (0: no bound); a
 *     session is live from its first turn's scheduling to its last turn's end, subagent
 *     chains included. A new session is read from the file when one ends.
 *   - A Mooncake row is due at the replay's start + its timestamp (fixed schedule), whatever
 *     the server does; with max_sessions it also waits for a free slot (then it is late).
 *   - A turn is due gap_ns after the end of the turn (or step) before it; step 0 starts at
 *     once. Due turns are sent on free connections (one per request in flight).
 *   - duration_s > 0: at the bound no turn is sent any more; turns in flight are cut (ended,
 *     recorded as cut) or, with drain, waited for. Sessions are read again from the file's
 *     start when it runs out before the bound (each pass a new session, its own ids).
 *     Without a bound every session runs once and the replay ends with the last.
 *   - Each request carries `session_header: ID` (the session's id and pass) for routers.
 *   - Idle caps (AIPerf's --trace-idle-gap-cap-seconds and --system-idle-gap-cap-seconds;
 *     0: none): when a session tree has no turn in flight, its pending turns are moved
 *     earlier together so the first is due at most trace_idle_cap_s away; when the whole
 *     replay has nothing in flight, everything pending (turns, Mooncake rows) is moved
 *     earlier together so the next is due at most system_idle_cap_s away. Order and the
 *     gaps within a burst are kept; only idle time is removed.
 *   - Warm start (AgentX; AIPerf's trajectory start ratios and warm-up requests per lane):
 *     each session starts at step floor(u x steps), u uniform in [start_min, start_max]
 *     (seeded), leaving at least one step. With warm-up (warmup_per_lane > 0 or a start
 *     ratio), the first max_sessions sessions (the lanes) are warmed before the clock
 *     starts: a primer (their start step's prompt, max_tokens 1) and warmup_per_lane more
 *     steps as one-token requests with no gaps; when every lane is warm the profiling
 *     starts (start_ns, the duration bound), each lane resuming at its next step after
 *     that step's recorded gap. Warm-up requests are kept apart (warm, never in recs).
 *
 * struct replay_result owns its records and conversation names; replay_result_release.
 */
#ifndef EXECUTOR_REPLAY_H
#define EXECUTOR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "executor/load/result.h"

struct bench_config;
struct diags;

struct replay_config {
	const struct bench_config *bench; /* url, api, model, timeout, ignore_eos, seed, stop */
	const char *trace_path;
	long max_sessions;        /* 0: no bound */
	double duration_s;        /* 0: every session once */
	bool drain;               /* at the bound: wait for turns in flight */
	const char *session_header; /* NULL: none */
	double trace_idle_cap_s;  /* 0: none */
	double system_idle_cap_s; /* 0: none */
	double start_min, start_max; /* trajectory start ratios in [0, 1], min <= max */
	long warmup_per_lane;     /* one-token requests after each lane's primer */
};

/* Is there a warm-up phase (a primer per lane)? */
bool replay_warms(const struct replay_config *cfg);

/* One turn sent (or cut), in the order they ended. */
struct replay_rec {
	uint32_t session;         /* the replay's session number, from 0 */
	uint32_t conversation;    /* index into replay_result.conversations */
	uint32_t turn;            /* its index in its conversation */
	long in, out;             /* prompt tokens; max_tokens */
	long long output_tokens;
	int64_t due_ns, send_ns, first_ns, end_ns; /* monotonic; first 0 when no token came */
	int64_t os_delay_ns;      /* the part of send - due the OS took to run the client
				   * (evloop_os_delay_ns); the rest is the client's own */
	enum fail_reason fail;
	bool cut;                 /* in flight at the duration bound */
	bool paced;               /* due by a gap or a Mooncake timestamp; false: an AgentX
				   * session's first step, sent when the session was admitted */
	int http_status;
};

struct replay_result {
	struct replay_rec *recs;
	size_t nr, alloc;
	struct replay_rec *warm;  /* the warm-up's requests (primers, one-token steps) */
	size_t warm_nr, warm_alloc;
	double warmup_s;          /* from the first primer to the profiling start */
	char **conversations;     /* owned */
	size_t conversations_nr, conversations_alloc;
	int64_t start_ns, end_ns; /* monotonic: the profiling's start (after any warm-up) */
	double start_unix;        /* wall clock at start_ns */
	size_t sessions_started, sessions_done, max_live_sessions;
	size_t turns_dropped;     /* due after the bound, never sent */
	double idle_removed_s;    /* idle time the caps took out (trees' and the system's) */
	double cpu_s;
	double max_loop_lag_ms;
	bool measured;            /* the replay ran (signal-cut replays too) */
};

int replay_run(struct replay_result *out, const struct replay_config *cfg, struct diags *d);
/* Wall-clock ns of a monotonic time of the replay. */
int64_t replay_wall_ns(const struct replay_result *r, int64_t mono_ns);
void replay_result_release(struct replay_result *r);

#endif
