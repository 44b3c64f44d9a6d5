/*
 * proc: child processes as argv vectors, never a shell string.
 * proc_capture runs a command to completion and collects its stdout and stderr.
 */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H

struct buf;
struct diags;

/* Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null. Fills out and err, and
 * *status with the exit status (128 + signal when killed). Returns -1 with a diag only when
 * the command could not be run at all. */
int proc_capture(const char *const *argv, struct buf *out, struct buf *err, int *status,
		 struct diags *d);

#endif
