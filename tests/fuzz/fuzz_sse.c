/* fuzz_sse: libFuzzer over the SSE parser and the event scanner behind it. The first two
 * bytes are a split position (little-endian, modulo the rest's length + 1), the rest is the
 * stream: it is fed whole and again split there; both feeds must give the same events (the
 * parser's central promise), and every event goes through jscan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/jscan.h"
#include "executor/load/sse.h"
#include "tests/fuzz/fuzz_split.h"

static int collect(const char *data, size_t n, void *arg)
{
	struct jscan_event ev;
	jscan_event(&ev, data, n);
	buf_add(arg, data, n);
	buf_addch(arg, '\0');
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t n, split;
	if (!fuzz_split(data, size, &s, &n, &split))
		return 0;
	struct buf whole = BUF_INIT, parts = BUF_INIT;
	struct sse p;
	sse_init(&p);
	sse_feed(&p, s, n, collect, &whole);
	sse_reset(&p);
	sse_feed(&p, s, split, collect, &parts);
	sse_feed(&p, s + split, n - split, collect, &parts);
	if (whole.len != parts.len || memcmp(whole.s, parts.s, whole.len))
		abort();
	sse_release(&p);
	buf_release(&whole);
	buf_release(&parts);
	return 0;
}
