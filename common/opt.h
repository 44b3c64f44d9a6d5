/*
 * opt: command-line options as tables. Each subcommand declares an array of rows
 * {long name, type, flags, where to store, metavar, help, bounds/choices, conflicts}; one
 * parser handles them all, and --help is printed from the same table.
 *
 * Syntax (matrix-spec 3.0): options after the subcommand; a long option may be shortened to
 * any unique prefix (an exact name always wins; an ambiguous prefix lists the candidates);
 * `--opt=value` and `--opt value`; a multi-valued option (OPT_LIST) takes every following
 * argument up to the next one that starts with '-' (a negative number is a value); `--` ends
 * the options; `-h`/`--help` everywhere. Every problem is a usage error (diags_usagef: exit 2).
 * Values are stored into the caller's variables; strings are borrowed from argv.
 */
#ifndef COMMON_OPT_H
#define COMMON_OPT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct strvec;

enum opt_type {
	OPT_FLAG,   /* bool */
	OPT_STR,    /* const char *; choices optional */
	OPT_INT,    /* long >= min */
	OPT_DOUBLE, /* double >= min (inf accepted) */
	OPT_LIST,   /* struct strvec; one or more values; choices optional */
	OPT_INT_LIST, /* struct longvec; one or more integers >= min */
};

/* Values of an OPT_INT_LIST, in the order given. The owner frees v. */
struct longvec {
	long *v;
	size_t nr, alloc;
};

enum {
	OPT_REQUIRED = 1 << 0,
	OPT_APPEND = 1 << 1, /* repeatable: values accumulate (else the last one given wins) */
};

struct opt {
	const char *name; /* long name without "--" */
	enum opt_type type;
	unsigned flags;
	/* where the value goes; NULL: accepted and checked (type, bounds, choices), then
	 * dropped: an option kept only so that existing command lines still parse */
	void *dest;
	const char *metavar;
	const char *help;
	long min;                   /* OPT_INT, OPT_DOUBLE: smallest value allowed */
	const char *const *choices; /* NULL-terminated, or NULL for any value */
	const char *conflicts;      /* name of an option that may not be given with this one */
};

struct opt_cmd {
	const char *usage;   /* "matrixgen full-sweep [options]" */
	const char *summary; /* one paragraph */
	const struct opt *opts;
	size_t nr;
	const char *epilog;  /* extra help text, or NULL */
};

/* Parses argv[0..argc) (argv[0] is the first option, not the program). Positional
 * arguments go to positional, or are a usage error when it is NULL. Returns 0, 1 when help
 * was asked for (nothing else is checked then), or -1 on a usage error (diags added). */
int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, struct strvec *positional,
	      struct diags *d);
/* opt_parse for a command whose stdout is a buffer: on -h/--help the help goes to out.
 * Returns 0 to go on, 1 when the help was written (nothing else to do), -1 on a usage error. */
int opt_parse_or_help(const struct opt_cmd *cmd, int argc, char **argv,
		      struct strvec *positional, struct buf *out, struct diags *d);
/* The --help text for cmd. */
void opt_help(struct buf *out, const struct opt_cmd *cmd);
/* Whether the named option was given in the last opt_parse of cmd. */
bool opt_given(const struct opt_cmd *cmd, const char *name);

#endif
