/* test_trace: the trace reader (load/trace.h) and the prompts made from it
 * (load/trace_prompt.h): rows that share k leading hash ids share exactly their k leading
 * blocks of token ids (and the block after differs); a partial block is its block's start;
 * the shipped traces read whole in both formats with the structure their generator made;
 * bad rows are refused with file:line:column and the key path. */
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
#include "executor/load/trace.h"
#include "executor/load/trace_prompt.h"

static void test_shared_blocks(void **state)
{
	(void)state;
	const long B = 512;
	const uint64_t a[] = { 7, 8, 9, 10 }, b[] = { 7, 8, 9, 11, 12 };
	int *x = calloc(4 * B, sizeof(int)), *y = calloc(5 * B, sizeof(int));
	trace_prompt_ids(x, 4 * B, a, 4, B, 42, 0, 1);
	trace_prompt_ids(y, 5 * B, b, 5, B, 42, 0, 2);
	/* k = 3 shared leading hash ids: exactly 3 blocks equal */
	assert_memory_equal(x, y, 3 * B * sizeof(int));
	assert_true(memcmp(x + 3 * B, y + 3 * B, B * sizeof(int)) != 0);
	size_t same = 0;
	for (long i = 3 * B; i < 4 * B; i++)
		same += x[i] == y[i];
	assert_true(same < 10); /* ids drawn from 29,000: a handful by chance at most */
	/* a partial last block is the start of its full block; the unhashed tail is unique */
	int *z = calloc(3 * B + 100, sizeof(int));
	trace_prompt_ids(z, 2 * B + 100, a, 3, B, 42, 0, 3);
	assert_memory_equal(x, z, (2 * B + 100) * sizeof(int));
	int *u = calloc(5 * B, sizeof(int)), *v = calloc(5 * B, sizeof(int));
	trace_prompt_ids(u, 5 * B, a, 4, B, 42, 0, 4);
	trace_prompt_ids(v, 5 * B, a, 4, B, 42, 0, 5);
	assert_memory_equal(u, x, 4 * B * sizeof(int));
	assert_true(memcmp(u + 4 * B, v + 4 * B, B * sizeof(int)) != 0);
	/* another namespace (an AgentX session's local ids): other tokens */
	trace_prompt_ids(v, B, a, 1, B, 42, 1, 6);
	assert_true(memcmp(u, v, B * sizeof(int)) != 0);
	/* the seed decides; the same seed gives the same tokens */
	trace_prompt_ids(v, B, a, 1, B, 43, 0, 6);
	assert_true(memcmp(u, v, B * sizeof(int)) != 0);
	trace_prompt_ids(v, B, a, 1, B, 42, 0, 99);
	assert_memory_equal(u, v, B * sizeof(int));
	for (long i = 0; i < 4 * B; i++)
		assert_true(x[i] >= 1000 && x[i] < 30000);
	free(x);
	free(y);
	free(z);
	free(u);
	free(v);
}

static void test_shipped_agentx(void **state)
{
	(void)state;
	struct trace_reader r;
	struct diags d = DIAGS_INIT;
	struct trace_session s;
	trace_session_init(&s);
	assert_int_equal(trace_open(&r, TESTS_DIR "/trace/agentx_small.jsonl", &d), 0);
	assert_int_equal(r.format, TRACE_AGENTX);
	size_t sessions = 0, fanouts = 0;
	int rc;
	while ((rc = trace_next(&r, &s, &d)) == 1) {
		sessions++;
		assert_int_equal(s.block, 64);
		assert_false(s.global_ids);
		for (size_t i = 0; i < s.steps_nr; i++)
			if (s.steps[i].nr > 1) {
				fanouts++;
				assert_int_equal(s.steps[i].nr, 2);
				const struct trace_chain *c = &s.chains[s.steps[i].first];
				assert_non_null(strstr(c->conversation, "::sa:explore_000"));
				assert_true(c->nr >= 2);
			}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(sessions, 8);
	assert_int_equal(fanouts, 4);
	/* the bound replays the file again */
	assert_int_equal(trace_rewind(&r, &d), 0);
	assert_int_equal(trace_next(&r, &s, &d), 1);
	assert_string_equal(s.id, "trace-0");
	assert_int_equal(s.turns[1].gap_ns, 58000000); /* think_time 0.058 */
	trace_session_release(&s);
	trace_close(&r);
	diags_release(&d);
}

static void test_shipped_mooncake(void **state)
{
	(void)state;
	struct trace_reader r;
	struct diags d = DIAGS_INIT;
	struct trace_session s;
	trace_session_init(&s);
	assert_int_equal(trace_open(&r, TESTS_DIR "/trace/mooncake_small.jsonl", &d), 0);
	assert_int_equal(r.format, TRACE_MOONCAKE);
	assert_int_equal(trace_next(&r, &s, &d), 1);
	assert_int_equal(s.at_ns, 34000000);
	assert_int_equal(s.turns[0].in, 1114);
	assert_int_equal(s.turns[0].out, 10);
	assert_int_equal(s.turns[0].hash_nr, 3);
	assert_int_equal(s.block, 512);
	size_t n = 1;
	while (trace_next(&r, &s, &d) == 1)
		n++;
	assert_int_equal(n, 60);
	trace_session_release(&s);
	trace_close(&r);
	diags_release(&d);
}

/* One bad file: the first diag, printed. */
static void expect_error(const char *text, const char *want)
{
	char path[] = "/tmp/test_trace_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct trace_reader r;
	struct diags d = DIAGS_INIT;
	struct trace_session s;
	trace_session_init(&s);
	int rc = trace_open(&r, path, &d);
	while (rc == 0 && (rc = trace_next(&r, &s, &d)) == 1)
		rc = 0;
	assert_int_equal(rc, -1);
	struct buf out = BUF_INIT;
	diags_format(&out, &d);
	const char *msg = strchr(out.s, ':'); /* after the temp file's name */
	assert_non_null(msg);
	if (!strstr(msg, want))
		fail_msg("got '%s', want '%s'", out.s, want);
	buf_release(&out);
	trace_session_release(&s);
	trace_close(&r);
	diags_release(&d);
	unlink(path);
}

static void test_bad(void **state)
{
	(void)state;
	expect_error("{\"timestamp\":1,\"input_length\":10,\"output_length\":2,\"hash_ids\":[1]}\n"
		     "{\"timestamp\":2,\"input_length\":0,\"output_length\":2}\n",
		     ":2:31: $.input_length: expected an integer >= 1, found an integer");
	expect_error("{\"timestamp\":1,\"input_length\":1000,\"output_length\":2,\"hash_ids\":[1]}\n",
		     ":1:65: $.hash_ids: expected 2 hash ids for 1000 tokens");
	expect_error("{\"timestamp\":1,\"input_length\":10,\"output_length\":2,\"hash_ids\":[1,\"x\"]}\n",
		     ":1:66: $.hash_ids[1]: expected an integer >= 0, found a string");
	expect_error("{\"id\":\"a\",\"requests\":[{\"in\":5,\"out\":1},{\"type\":\"subagent\","
		     "\"requests\":[{\"in\":5,\"out\":-1}]}]}\n",
		     "$.requests[1].requests[0].out: expected an integer >= 1");
	expect_error("{\"id\":\"a\",\"requests\":[]}\n", "$.requests: expected a non-empty array");
	expect_error("{\"id\":\"a\",\"requests\":[{\"in\":5,\"out\":1}]}\n{\"id\":\"b\",\n",
		     ":2:");
	expect_error("{\"prompt\":\"x\"}\n", "$: expected a Mooncake row (with \"timestamp\")");
	expect_error("\n\n", "found an empty file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_blocks),
		cmocka_unit_test(test_shipped_agentx),
		cmocka_unit_test(test_shipped_mooncake),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
