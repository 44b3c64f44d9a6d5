/* fuzz_http: libFuzzer over the HTTP/1.1 response parser (load/http.c), which reads whatever a
 * server sends. The first two bytes are a split position (little-endian, modulo the rest's
 * length + 1), the rest is the response bytes: they are fed whole and again split there; both
 * feeds must end in the same state with the same body bytes and, unless the bytes were refused,
 * the same count of bytes used (the parser's promise that any split reads the same); an
 * end-of-file is fed after. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "executor/load/http.h"
#include "tests/fuzz/fuzz_split.h"

static int collect(const char *p, size_t n, void *arg)
{
	buf_add(arg, p, n);
	return 0;
}

/* Feeds s[0..n) as a connection would: again after each complete response (keep-alive),
 * until an error or the bytes run out. Returns the last result; *used counts bytes taken. */
static int feed(struct http_resp *r, struct buf *body, const char *s, size_t n,
		size_t split, size_t *used)
{
	int rc = HTTP_MORE;
	size_t off = 0;
	size_t ends[2] = { split, n };
	for (int part = 0; part < 2; part++) {
		while (off < ends[part]) {
			size_t u = 0;
			rc = http_resp_feed(r, s + off, ends[part] - off, &u, collect, body);
			off += u;
			if (rc == HTTP_DONE) {
				buf_addf(body, "<done %d>", r->status);
				http_resp_start(r);
				continue;
			}
			if (rc != HTTP_MORE || u == 0)
				break;
		}
		if (rc == HTTP_ERR)
			break;
	}
	*used = off;
	if (rc == HTTP_MORE)
		rc = http_resp_eof(r);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t n, split;
	if (!fuzz_split(data, size, &s, &n, &split))
		return 0;
	struct buf whole = BUF_INIT, parts = BUF_INIT;
	struct http_resp a, b;
	http_resp_init(&a);
	http_resp_init(&b);
	http_resp_start(&a);
	http_resp_start(&b);
	size_t used_a, used_b;
	int ra = feed(&a, &whole, s, n, n, &used_a);
	int rb = feed(&b, &parts, s, n, split, &used_b);
	/* after an error the connection is dropped, so how far it read does not matter */
	if (ra != rb || (ra != HTTP_ERR && used_a != used_b) || whole.len != parts.len ||
	    memcmp(whole.s, parts.s, whole.len))
		abort();
	http_resp_release(&a);
	http_resp_release(&b);
	buf_release(&whole);
	buf_release(&parts);
	return 0;
}
