/*
 * scalar: strict typing of YAML scalars, shared by every loader.
 *
 * A plain scalar is classified the way a YAML 1.1 loader (PyYAML, which the field's
 * existing tools use) would read it, and additionally by YAML 1.2's core schema, so that
 * anything the two read differently is recognised and refused where a value is expected:
 * yes/no/on/off, 010, 0x8, 0b1, 1_000, 1:20, dates, True. Quoted scalars and scalars tagged
 * !!str are strings. The checks below accept only the one spelling that every reader agrees
 * on: decimal integers without leading zeros, lowercase true/false, and strings that no
 * reader takes for anything else.
 */
#ifndef COMMON_SCALAR_H
#define COMMON_SCALAR_H

#include <stdbool.h>

struct buf;
struct ynode;

enum scalar_kind {
	SC_STRING,
	SC_NULL,      /* ~, null, Null, NULL, empty */
	SC_BOOL,      /* true, false */
	SC_BOOL_ALT,  /* True, FALSE, yes, no, on, off ... (YAML 1.1 or capitalised) */
	SC_INT,       /* plain decimal, no leading zero */
	SC_INT_ALT,   /* 010, 0o10, 0x8, 0b1, 1_000, 1:20, +8 */
	SC_FLOAT,     /* 8.0, 1e3, .inf, .nan */
	SC_TIMESTAMP, /* 2024-01-31, 2024-01-31 10:00:00 */
};

/* Kind of a scalar node (quoted and !!str-tagged scalars are SC_STRING). */
enum scalar_kind scalar_classify(const struct ynode *n);
/* Appends how a node reads, for "found ..." messages: string "8", integer 8, float 8.0,
 * boolean true, null, 'yes' (a YAML 1.1 boolean), a list, a mapping. */
void scalar_describe(struct buf *out, const struct ynode *n);
/* Parses a plain decimal integer scalar; false when it is not one or overflows a long. */
bool scalar_to_long(long *out, const struct ynode *n);

#endif
