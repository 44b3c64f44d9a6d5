/*
 * commands: the executor's subcommands, one cmd_<verb>.c each, dispatched by main.c's table.
 * A command either prints as it goes and returns its exit status (run, bench: long jobs whose
 * progress people watch), or appends its whole stdout to out and returns 0, -1 (failure:
 * nothing printed) or 1 (a verdict such as a regression: printed, exit status 1), so that
 * programs reading it never see half an output (process, aggregate, compare,
 * result-filename).
 * Diagnostics go to d; main alone prints them.
 */
#ifndef EXECUTOR_COMMANDS_H
#define EXECUTOR_COMMANDS_H

#include <signal.h>

struct buf;
struct diags;

/* stop: the program's stop flag (main.c), set to the signal by SIGINT/SIGTERM */
int cmd_run(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d);
int cmd_eval(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d);
int cmd_bench(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d);
int cmd_process(int argc, char **argv, struct buf *out, struct diags *d);
int cmd_result_filename(int argc, char **argv, struct buf *out, struct diags *d);
int cmd_aggregate(int argc, char **argv, struct buf *out, struct diags *d);
int cmd_compare(int argc, char **argv, struct buf *out, struct diags *d);
int cmd_power(int argc, char **argv, struct buf *out, struct diags *d);
int cmd_power_multinode(int argc, char **argv, struct buf *out, struct diags *d);

#endif
