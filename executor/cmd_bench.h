/* cmd_bench: `executor bench` (executor-spec 4.1): options -> struct bench_config, run,
 * summary on stdout, raw result file. Returns the exit status; prints diags via main. */
#ifndef EXECUTOR_CMD_BENCH_H
#define EXECUTOR_CMD_BENCH_H

struct diags;

int cmd_bench(int argc, char **argv, struct diags *d);

#endif
