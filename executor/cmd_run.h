/* cmd_run: `executor run`; see cmd_run.c. Returns the exit status. */
#ifndef EXECUTOR_CMD_RUN_H
#define EXECUTOR_CMD_RUN_H

struct diags;

int cmd_run(int argc, char **argv, struct diags *d);

#endif
