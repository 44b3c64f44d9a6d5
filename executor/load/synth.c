/* synth: see synth.h. Hash ids (the trace reader takes up to 2^53): a shared prefix's blocks
 * are (P + 1) x 2^20 + b (P: the prefix's number), a prompt's own blocks 2^40 + its number
 * x 2^16 + b (prompts of up to 4M tokens): no two kinds meet. */
#include "executor/load/synth.h"

#include <stdbool.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "executor/load/rng.h"

const char *const synth_names[3] = { "multi-turn", "generated-shared-prefix",
				     "prefix-repetition" };

#define OWN_BASE ((uint64_t)1 << 40)

/* One turn: `in` tokens of which the first shared_blocks blocks are prefix `prefix`'s, the
 * rest prompt `own`'s. */
static void turn(struct buf *out, double t, long in, long outlen, long prefix,
		 long shared_blocks, uint64_t own, double think_s, bool first)
{
	buf_addf(out, "%s{\"t\":%.3f,\"type\":\"s\",\"in\":%ld,\"out\":%ld,\"hash_ids\":[",
		 first ? "" : ",", t, in, outlen);
	long blocks = (in + SYNTH_BLOCK - 1) / SYNTH_BLOCK;
	for (long b = 0; b < blocks; b++) {
		uint64_t id = b < shared_blocks ? ((uint64_t)(prefix + 1) << 20) + (uint64_t)b
						: OWN_BASE + (own << 16) + (uint64_t)b;
		buf_addf(out, "%s%llu", b ? "," : "", (unsigned long long)id);
	}
	buf_addf(out, "],\"api_time\":0");
	if (!first)
		buf_addf(out, ",\"think_time\":%.3f", think_s);
	buf_addch(out, '}');
}

static void session_open(struct buf *out, const char *kind, long n)
{
	buf_addf(out, "{\"id\":\"%s-%ld\",\"block_size\":%d,\"hash_id_scope\":\"global\","
		      "\"requests\":[", kind, n, SYNTH_BLOCK);
}

static void multi_turn(struct buf *out, const struct synth_config *c)
{
	long shared = c->system_len / SYNTH_BLOCK;
	for (long s = 0; s < c->sessions; s++) {
		session_open(out, "chat", s);
		for (long k = 0; k < c->turns; k++) {
			long in = c->system_len + k * (c->user_len + c->output_len) + c->user_len;
			turn(out, (double)k * c->think_s, in, c->output_len, 0, shared,
			     (uint64_t)s, c->think_s, k == 0);
		}
		buf_adds(out, "]}\n");
	}
}

/* Single-turn prompts over shared prefixes: prompt i has prefix of[i], in the seeded order. */
static void shared_prefix(struct buf *out, const struct synth_config *c, long n,
			  const long *of, long own_len, const char *kind)
{
	long *order = xmalloc((size_t)n * sizeof(long));
	for (long i = 0; i < n; i++)
		order[i] = i;
	struct rng r;
	rng_seed(&r, c->seed);
	for (long i = n - 1; i > 0; i--) { /* Fisher-Yates */
		long j = (long)rng_below(&r, (uint64_t)i + 1);
		long t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (long i = 0; i < n; i++) {
		long p = order[i];
		session_open(out, kind, p);
		turn(out, 0, c->system_len + own_len, c->output_len, of[p],
		     c->system_len / SYNTH_BLOCK, (uint64_t)p, 0, true);
		buf_adds(out, "]}\n");
	}
	free(order);
}

void synth_write(struct buf *out, const struct synth_config *c)
{
	if (c->kind == SYNTH_MULTI_TURN) {
		multi_turn(out, c);
		return;
	}
	bool gsp = c->kind == SYNTH_GSP;
	long n = gsp ? c->groups * c->per_group : c->prompts;
	long *of = xmalloc((size_t)(n ? n : 1) * sizeof(long));
	for (long i = 0; i < n; i++) /* gsp: group by group; vLLM: prompt i uses prefix i mod P */
		of[i] = gsp ? i / c->per_group : i % c->prefixes;
	shared_prefix(out, c, n, of, gsp ? c->question_len : c->suffix_len,
		      gsp ? "gsp" : "prefix");
	free(of);
}
