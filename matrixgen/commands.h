/*
 * commands: matrixgen's subcommands. Each takes the arguments after its name, appends its
 * finished stdout to out (only printed by main on success) and its problems to d; returns
 * 0 or -1. -h/--help puts the help text in out and returns 0. One exception: full-sweep and
 * test-config write their v2 rows to stdout themselves (emit_rows with a stream), as the
 * last step, once every check has passed and nothing can fail but the write; main then
 * flushes stdout and reports a write error as it does its own.
 */
#ifndef MATRIXGEN_COMMANDS_H
#define MATRIXGEN_COMMANDS_H

struct buf;
struct diags;

typedef int command_fn(int argc, char **argv, struct buf *out, struct diags *d);

command_fn cmd_full_sweep;
command_fn cmd_test_config;
command_fn cmd_runner_model_sweep;
command_fn cmd_changelog;
command_fn cmd_validate;
command_fn cmd_ci_priority;

#endif
