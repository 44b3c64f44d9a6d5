/*
 * raw_result: the raw result file's JSON (executor-spec 4.7), written from a computed
 * struct bench_result (result.h) and the config it ran with. Also exposed, for tests and
 * for cmd_bench's default file name, the pieces that are rules rather than numbers: the
 * ordered key list where a key written twice keeps its first position and takes the last
 * value, --metadata item parsing, the date stamp, and percentile key names.
 *
 * struct rkeys owns its keys and rendered values; rkeys_release frees them.
 */
#ifndef EXECUTOR_RAW_RESULT_H
#define EXECUTOR_RAW_RESULT_H

#include <stddef.h>

#include "common/buf.h"

struct bench_config;
struct bench_result;
struct diags;

struct rkey {
	char *key;       /* owned */
	struct buf val;  /* owned: the value as JSON text */
};

struct rkeys {
	struct rkey *v;
	size_t nr, alloc;
};

/* The value buffer for key, emptied: an existing key keeps its place. */
struct buf *rkeys_set(struct rkeys *k, const char *key);
/* Appends {"k": v, ...} with ", " and ": " (JSONW_LINE). */
void rkeys_write(struct buf *out, const struct rkeys *k);
void rkeys_release(struct rkeys *k);

/* "KEY=VALUE": KEY before the first '=', VALUE between the first and second '=', both
 * stripped of whitespace. Owned copies; -1 (usage diag) without '='. */
int metadata_parse(char **key, char **value, const char *item, struct diags *d);
/* unix_s as local time "%Y%m%d-%H%M%S" (the result's "date" and the default file name);
 * n >= 16. */
void result_date(char *out, size_t n, double unix_s);
/* "p99", "p99.9", "p50" ... for percentile p, then "_<metric>_ms" appended by the caller. */
void percentile_name(struct buf *out, double p);

/* Appends the raw result in cfg->schema's layout (config.h): separators ", " and ": ", ASCII,
 * no trailing newline. */
void bench_result_write_json(struct buf *out, const struct bench_config *cfg,
			     const struct bench_result *r);

#endif
