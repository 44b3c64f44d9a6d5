/*
 * perf_jscan: the per-event JSON read of a streaming response, jscan (the hot path's scanner)
 * against jtree (the executor's one JSON reader) on the same events. Each event is answered
 * the way api_event needs it: is "choices" a non-empty array, and usage.completion_tokens.
 * The events are those a vLLM-like server streams (and the simulator writes): completions
 * and chat chunks of one token each, plus the choice-less usage event that ends a stream,
 * one per OSL chunks. Prints events/s of each and the jscan/jtree ratio; jscan.h quotes it.
 *
 * Usage: perf_jscan [EVENTS]   (default 1,000,000 per reader; best of 3 rounds)
 * Exit status: non-zero only when the two readers disagree on an event (the timing figures
 * are reported, not asserted).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/jtree.h"
#include "executor/load/jscan.h"

#define OSL 128

static const char *const words[] = { " the", " quick", " brown", " fox", " jumps", " over",
				     " a", " lazy", " dog", "." };
#define WORDS_NR (sizeof(words) / sizeof(words[0]))

/* The events of one completions stream and one chat stream, each as its data: payload. */
static void make_events(struct buf *ev, size_t *off, size_t *len, size_t *nr)
{
	static const char *const head[2] = {
		"{\"id\":\"cmpl-4f6c2a9e1b8d4e0f\",\"object\":\"text_completion\",\"created\":"
		"1718000000,\"model\":\"meta-llama/Llama-3.1-70B-Instruct\",\"choices\":[",
		"{\"id\":\"chatcmpl-4f6c2a9e1b8d4e0f\",\"object\":\"chat.completion.chunk\","
		"\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-70B-Instruct\",\"choices\":[",
	};
	*nr = 0;
	for (int chat = 0; chat < 2; chat++) {
		for (int t = 0; t <= OSL; t++) {
			size_t start = ev->len;
			buf_adds(ev, head[chat]);
			if (t == OSL)
				buf_addf(ev, "],\"usage\":{\"prompt_tokens\":1024,\"total_tokens\":%d,"
					 "\"completion_tokens\":%d}}", 1024 + OSL, OSL);
			else if (chat)
				buf_addf(ev, "{\"index\":0,\"delta\":{\"content\":\"%s\"},\"logprobs\":"
					 "null,\"finish_reason\":%s}]}", words[t % WORDS_NR],
					 t == OSL - 1 ? "\"length\"" : "null");
			else
				buf_addf(ev, "{\"index\":0,\"text\":\"%s\",\"logprobs\":null,"
					 "\"finish_reason\":%s,\"stop_reason\":null}],\"usage\":null}",
					 words[t % WORDS_NR], t == OSL - 1 ? "\"length\"" : "null");
			off[*nr] = start;
			len[*nr] = ev->len - start;
			(*nr)++;
		}
	}
}

/* What jscan_event answers, read through jtree. */
static int jtree_event(struct jscan_event *out, const char *s, size_t n)
{
	struct diags d = DIAGS_INIT;
	struct jnode *root = jtree_parse(s, n, "event", &d);
	diags_release(&d);
	if (!root)
		return -1;
	const struct jnode *c = jobj_get(root, "choices");
	out->choices = !c || c->type != JT_ARR ? JS_CHOICES_MISSING
		       : c->nr		       ? JS_CHOICES_NONEMPTY
					       : JS_CHOICES_EMPTY;
	const struct jnode *u = jobj_get(root, "usage");
	const struct jnode *ct = u && u->type == JT_OBJ ? jobj_get(u, "completion_tokens") : NULL;
	out->completion_tokens = ct && ct->type == JT_NUM && ct->is_int && ct->s[0] != '-' &&
					 ct->len <= 18
				 ? strtoll(ct->s, NULL, 10)
				 : -1;
	jtree_free(root);
	return 0;
}

typedef int (*reader_fn)(struct jscan_event *out, const char *s, size_t n);

/* Events per second over total events (cycling through the set), best of 3 rounds;
 * *sum gets a checksum of the answers so that nothing is optimised away. */
static double rate(reader_fn fn, const struct buf *ev, const size_t *off, const size_t *len,
		   size_t nr, long total, long long *sum)
{
	double best = 0;
	for (int round = 0; round < 3; round++) {
		long long acc = 0;
		int64_t t0 = clock_mono_ns();
		for (long i = 0; i < total; i++) {
			struct jscan_event e;
			size_t k = (size_t)i % nr;
			if (fn(&e, ev->s + off[k], len[k]))
				acc -= 1000;
			acc += e.choices + e.completion_tokens;
		}
		double s = (double)(clock_mono_ns() - t0) / 1e9;
		if (total / s > best)
			best = total / s;
		*sum = acc;
	}
	return best;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 1000000;
	if (total < 1) {
		fprintf(stderr, "usage: perf_jscan [EVENTS]\n");
		return 2;
	}
	struct buf ev = BUF_INIT;
	size_t off[2 * (OSL + 1)], len[2 * (OSL + 1)], nr;
	make_events(&ev, off, len, &nr);
	int bad = 0;
	for (size_t k = 0; k < nr; k++) {
		struct jscan_event a, b;
		int ra = jscan_event(&a, ev.s + off[k], len[k]);
		int rb = jtree_event(&b, ev.s + off[k], len[k]);
		if (ra || rb || a.choices != b.choices || a.completion_tokens != b.completion_tokens) {
			fprintf(stderr, "perf_jscan: the readers disagree on event %zu: %.*s\n", k,
				(int)len[k], ev.s + off[k]);
			bad = 1;
		}
	}
	long long sum_scan = 0, sum_tree = 0;
	double scan = rate(jscan_event, &ev, off, len, nr, total, &sum_scan);
	double tree = rate(jtree_event, &ev, off, len, nr, total, &sum_tree);
	if (sum_scan != sum_tree) {
		fprintf(stderr, "perf_jscan: the readers' answers differ over the run\n");
		bad = 1;
	}
	printf("events: %ld per reader (%zu distinct, mean %.0f bytes)\n", total, nr,
	       (double)ev.len / (double)nr);
	printf("jscan: %.2f M events/s (%.0f ns/event)\n", scan / 1e6, 1e9 / scan);
	printf("jtree: %.2f M events/s (%.0f ns/event)\n", tree / 1e6, 1e9 / tree);
	printf("jscan/jtree: %.1fx\n", scan / tree);
	buf_release(&ev);
	return bad;
}
