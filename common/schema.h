/*
 * schema: the table-driven validator. A spec's field table becomes a C table, nearly row for
 * row: {key, type, flags, bounds, choices, where the value goes}. schema_load walks one YAML
 * mapping with it, fills a C record, and reports every problem as a diag with the file, the
 * value's line and column, the key path, what was expected and what was found:
 *   unknown keys (with did-you-mean), wrong types (scalar.h's strict rules), values out of
 *   range, bad choices, empty lists where a non-empty one is required, missing required keys.
 * Rules that are not a row (start <= end, exactly one of two fields) are a small named check
 * function attached to the schema; it runs after the fields, on the filled record.
 *
 * Records start with `struct srec` (the mapping node, which fields were written and in which
 * order). Strings in records are borrowed from the ydoc (valid until ydoc_release); lists
 * (the arrays behind SF_*_LIST and SF_MAP_STR) are owned by the record and freed by
 * schema_release.
 */
#ifndef COMMON_SCHEMA_H
#define COMMON_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

struct diags;
struct ynode;

enum sfield_type {
	SF_STR,         /* const char * */
	SF_INT,         /* long, within [min, max] (max 0: no upper bound) */
	SF_BOOL,        /* bool */
	SF_ENUM,        /* const char *, one of choices */
	SF_STR_LIST,    /* const char **, count at nr_off */
	SF_INT_LIST,    /* long *, count at nr_off, each within [min, max] */
	SF_RECORD,      /* nested record of schema sub, in place */
	SF_RECORD_LIST, /* void * array of sub->size records, count at nr_off */
	SF_MAP_STR,     /* struct skv *, count at nr_off: mapping of name -> string */
	SF_DOUBLE,      /* double: an integer or a finite float (bounds: the record's check) */
};

enum {
	SF_REQUIRED = 1 << 0,
	SF_NONEMPTY = 1 << 1, /* lists and strings */
	SF_SAFE_NAME = 1 << 2, /* non-empty strings (and list items) that become part of a path:
				* common/safename.h's rule */
	SF_UNDERSCORES = 1 << 3, /* SF_INT, SF_INT_LIST: also digits grouped by single '_'
				  * (2_063_837), which PyYAML reads as an integer */
};

#define SCHEMA_MAX_FIELDS 32

struct srec {
	const struct ynode *node; /* the mapping, borrowed from the ydoc */
	unsigned seen;            /* bit i: fields[i] was written */
	unsigned char order[SCHEMA_MAX_FIELDS]; /* field indexes in written order */
	unsigned char order_nr;
};

struct skv {
	const char *key, *value; /* borrowed from the ydoc */
	const struct ynode *node; /* the value */
};

struct schema;

struct sfield {
	const char *key;
	enum sfield_type type;
	unsigned flags;
	long min, max;
	const char *const *choices; /* SF_ENUM: NULL-terminated */
	size_t off;
	size_t nr_off;
	const struct schema *sub;
	const char *hint; /* added to type errors, e.g. "write the value in quotes" */
};

struct schema_ctx {
	const char *file;  /* borrowed */
	struct diags *d;   /* borrowed */
	struct buf path;   /* owned: current key path */
};

struct schema {
	const char *what; /* "a search-space item": used in messages */
	const struct sfield *fields;
	size_t nr;
	size_t size;      /* sizeof the record, for lists of records */
	/* Extra rules on the filled record; adds diags and returns -1 on a problem. */
	int (*check)(void *rec, struct schema_ctx *ctx);
};

void schema_ctx_init(struct schema_ctx *ctx, const char *file, struct diags *d);
void schema_ctx_release(struct schema_ctx *ctx);
/* Path helpers: push returns the old length, to restore with schema_path_pop. */
size_t schema_path_push_key(struct schema_ctx *ctx, const char *key);
size_t schema_path_push_index(struct schema_ctx *ctx, size_t i);
void schema_path_pop(struct schema_ctx *ctx, size_t len);

/* Adds an error at node n, under the current path. Returns -1. */
int schema_errorf(struct schema_ctx *ctx, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills rec (zeroed by the caller) from mapping node map. Returns 0 or -1 (diags added;
 * the record is still filled as far as possible and must be released). */
int schema_load(void *rec, const struct schema *s, const struct ynode *map,
		struct schema_ctx *ctx);
/* Converts one value by one field's rules into dst (the field's offset already applied). */
int schema_value(void *rec, const struct sfield *f, const struct ynode *n,
		 struct schema_ctx *ctx);
/* Frees the lists a record owns, recursively. */
void schema_release(void *rec, const struct schema *s);

#endif
