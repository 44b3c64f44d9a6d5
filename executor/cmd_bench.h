/* cmd_bench: `executor bench` (executor-spec 4.1): options -> struct bench_config, run,
 * summary on stdout, raw result file. Returns the exit status; prints diags via main. */
#ifndef EXECUTOR_CMD_BENCH_H
#define EXECUTOR_CMD_BENCH_H

struct bench_config;
struct buf;
struct diags;

/* The command's option table applied to argv, into cfg (for `executor run`, which drives the
 * load with executor-spec 4.8's command line). cfg borrows argv and url; release with
 * bench_args_release. One parsed config at a time (the table stores into one place). */
int bench_parse_args(struct bench_config *cfg, struct buf *url, int argc, char **argv,
		     struct diags *d);
void bench_args_release(struct bench_config *cfg);

#endif
