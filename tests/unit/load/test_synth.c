/* test_synth: the synthetic workloads (load/synth.h), read back through the trace reader
 * (so the replay takes them): the same parameters give the same bytes, another seed another
 * order of the same prompts; multi-turn sessions share the system prompt's whole blocks and
 * nothing else, each turn's prompt starts with the whole previous prompt, its length is
 * system + k x (user + output) + user, think gaps after the first turn; generated-shared-prefix
 * and prefix-repetition prompts share exactly their prefix's whole blocks within a group and
 * none across groups, with the counts asked for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "executor/load/synth.h"
#include "executor/load/trace.h"

/* The workload's sessions, as the replay reads them. */
struct read_back {
	struct trace_session *s;
	size_t nr;
};

static void read_back(struct read_back *rb, const struct synth_config *c)
{
	struct buf text = BUF_INIT;
	synth_write(&text, c);
	char path[] = "/tmp/test_synth.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct diags d = DIAGS_INIT;
	assert_int_equal(file_overwrite(path, text.s, text.len, &d), 0);
	struct trace_reader r;
	assert_int_equal(trace_open(&r, path, &d), 0);
	assert_int_equal(r.format, TRACE_AGENTX);
	rb->s = NULL;
	rb->nr = 0;
	for (;;) {
		rb->s = realloc(rb->s, (rb->nr + 1) * sizeof(*rb->s));
		trace_session_init(&rb->s[rb->nr]);
		int rc = trace_next(&r, &rb->s[rb->nr], &d);
		assert_true(rc >= 0);
		if (!rc)
			break;
		rb->nr++;
	}
	trace_session_release(&rb->s[rb->nr]);
	assert_int_equal(d.nr, 0);
	trace_close(&r);
	unlink(path);
	buf_release(&text);
	diags_release(&d);
}

static void read_back_release(struct read_back *rb)
{
	for (size_t i = 0; i < rb->nr; i++)
		trace_session_release(&rb->s[i]);
	free(rb->s);
}

static const uint64_t *hashes(const struct trace_session *s, size_t turn)
{
	return s->hashes + s->turns[turn].hash_first;
}

/* How many leading hash ids two turns share. */
static size_t common_lead(const struct trace_session *a, size_t ta, const struct trace_session *b,
			  size_t tb)
{
	size_t n = 0, an = a->turns[ta].hash_nr, bn = b->turns[tb].hash_nr;
	while (n < an && n < bn && hashes(a, ta)[n] == hashes(b, tb)[n])
		n++;
	return n;
}

static void test_reproducible(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		struct synth_config c = { .kind = (enum synth_kind)k, .seed = 7, .sessions = 3,
					  .turns = 4, .user_len = 50, .groups = 3, .per_group = 4,
					  .question_len = 30, .prompts = 20, .prefixes = 3,
					  .suffix_len = 40, .system_len = 200, .output_len = 8 };
		struct buf a = BUF_INIT, b = BUF_INIT, other = BUF_INIT;
		synth_write(&a, &c);
		synth_write(&b, &c);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
		c.seed = 8;
		synth_write(&other, &c);
		assert_int_equal(other.len, a.len); /* the same prompts... */
		if (k != SYNTH_MULTI_TURN) /* ...in another order (multi-turn has no order to draw) */
			assert_true(memcmp(other.s, a.s, a.len) != 0);
		buf_release(&a);
		buf_release(&b);
		buf_release(&other);
	}
}

static void test_multi_turn(void **state)
{
	(void)state;
	/* 200 system tokens: 3 whole blocks shared (192 tokens), the 4th is the session's */
	struct synth_config c = { .kind = SYNTH_MULTI_TURN, .seed = 1, .sessions = 3, .turns = 5,
				  .system_len = 200, .user_len = 50, .output_len = 20,
				  .think_s = 0.25 };
	struct read_back rb;
	read_back(&rb, &c);
	assert_int_equal(rb.nr, 3);
	for (size_t i = 0; i < rb.nr; i++) {
		const struct trace_session *s = &rb.s[i];
		assert_true(s->global_ids);
		assert_int_equal(s->block, SYNTH_BLOCK);
		assert_int_equal(s->turns_nr, 5);
		for (size_t k = 0; k < s->turns_nr; k++) {
			const struct trace_turn *t = &s->turns[k];
			assert_int_equal(t->in, 200 + (long)k * 70 + 50);
			assert_int_equal(t->out, 20);
			assert_int_equal(t->hash_nr, (size_t)(t->in + 63) / 64);
			assert_int_equal(t->gap_ns, k ? 250000000 : 0);
			if (k) /* the whole previous prompt's full blocks lead this one */
				assert_true(common_lead(s, k, s, k - 1) >=
					    (size_t)s->turns[k - 1].in / 64);
		}
		for (size_t j = 0; j < rb.nr; j++)
			if (j != i) /* other sessions: the system prompt's whole blocks, no more */
				assert_int_equal(common_lead(s, 4, &rb.s[j], 4), 3);
	}
	read_back_release(&rb);
}

static void test_shared_prefix(void **state)
{
	(void)state;
	struct synth_config gsp = { .kind = SYNTH_GSP, .seed = 3, .groups = 4, .per_group = 5,
				    .system_len = 300, .question_len = 70, .output_len = 6 };
	struct synth_config pr = { .kind = SYNTH_PREFIX_REPETITION, .seed = 3, .prompts = 23,
				   .prefixes = 4, .system_len = 128, .suffix_len = 10,
				   .output_len = 6 };
	const struct synth_config *cs[] = { &gsp, &pr };
	for (int v = 0; v < 2; v++) {
		const struct synth_config *c = cs[v];
		struct read_back rb;
		read_back(&rb, c);
		size_t n = v ? 23 : 20, whole = (size_t)c->system_len / 64;
		long own = v ? c->suffix_len : c->question_len;
		assert_int_equal(rb.nr, n);
		size_t same_group = 0, groups = 0;
		for (size_t i = 0; i < rb.nr; i++) {
			assert_int_equal(rb.s[i].turns_nr, 1);
			assert_int_equal(rb.s[i].turns[0].in, c->system_len + own);
			assert_int_equal(rb.s[i].turns[0].out, 6);
			size_t firsts = 0;
			for (size_t j = 0; j < rb.nr; j++) {
				if (j == i)
					continue;
				size_t lead = common_lead(&rb.s[i], 0, &rb.s[j], 0);
				assert_true(lead == whole || lead == 0); /* the prefix or nothing */
				same_group += lead == whole;
				firsts += lead == whole && j < i;
			}
			groups += !firsts; /* the first of its group */
		}
		/* gsp: 4 groups of 5 (20 x 4 others each); vLLM's: 23 over 4 prefixes, 6,6,6,5 */
		assert_int_equal(groups, 4);
		assert_int_equal(same_group, v ? 3 * 6 * 5 + 5 * 4 : 20 * 4);
		read_back_release(&rb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_multi_turn),
		cmocka_unit_test(test_shared_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
