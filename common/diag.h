/*
 * diag: errors as values. A failing function adds a diag (file, 1-based line and column,
 * key path, message) and returns -1; callers pass the -1 on; only main prints the
 * collection, once, and picks the exit status. Collecting lets one run report every error
 * in a file, not only the first.
 *
 * A diags owns its entries (all strings are copied). diags_release frees them.
 * Printed form: "file:line:col: path: message" (parts that are unknown are left out);
 * warnings get a "warning: " prefix. Control characters are escaped and each message goes
 * out in one write.
 */
#ifndef COMMON_DIAG_H
#define COMMON_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct buf;

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* any error that is not a usage error */
	EXIT_USAGE = 2, /* unknown/ambiguous option, missing value, bad choice, out of range */
};

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_level level;
	char *file; /* owned, NULL when the problem has no place in a file */
	int line, col; /* 1-based; 0 when unknown */
	char *path; /* owned key path, NULL when none */
	char *msg;  /* owned */
};

struct diags {
	struct diag *v;
	size_t nr, alloc;
	size_t errors;  /* entries with level DIAG_ERROR */
	int usage;      /* set by diags_usage: the run is a usage error (exit 2) */
};

#define DIAGS_INIT { NULL, 0, 0, 0, 0 }

void diags_init(struct diags *d);
void diags_release(struct diags *d);

/* Adds an error; always returns -1 so callers can `return diags_errorf(...)`. */
int diags_errorf(struct diags *d, const char *file, int line, int col, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diags_warnf(struct diags *d, const char *file, int line, int col, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A usage error: like diags_errorf without a place, and the exit status becomes 2. */
int diags_usagef(struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Moves every entry of from to the end of into, in order (with from's usage mark); from is
 * left empty. For work done on its own diags (another thread's) and merged after. */
void diags_move(struct diags *into, struct diags *from);
/* Drops the entries from index `from` on (after printing them, say). */
void diags_truncate(struct diags *d, size_t from);
/* The message of the first error at index `from` or later, or NULL. */
const char *diags_first_error(const struct diags *d, size_t from);

/* Appends every message, one per line, to out. */
void diags_format(struct buf *out, const struct diags *d);
/* Prints every message to f, one write per message; returns the exit status they imply. */
enum exit_status diags_print(FILE *f, const struct diags *d);
/* Exit status implied: EXIT_OK with no error, EXIT_USAGE after a usage error, else EXIT_FAIL. */
enum exit_status diags_status(const struct diags *d);

#endif
