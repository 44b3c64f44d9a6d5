/*
 * row: one v2 matrix row as an ordered JSON object, the shape upstream's generator builds
 * (a Python dict): keys keep the order they were first set in, setting an existing key
 * replaces its value in place, and a deleted key leaves the order of the rest alone. The
 * v2 output, its eval marking and the changelog's recipe fingerprint all read rows.
 *
 * Ownership: a row owns its field array, its lists and nested objects; keys and strings
 * are borrowed (static text, or the ydoc's strings: valid until inputs_release), except
 * strings made with rval_own, which the row frees.
 */
#ifndef MATRIXGEN_ROW_H
#define MATRIXGEN_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct jsonw;
struct ynode;

enum rval_kind { RV_INT, RV_BOOL, RV_STR, RV_LIST, RV_OBJ };

struct row;

/* 16 bytes: a sweep holds tens of thousands of these, and on the VMs here every page of
 * memory costs a fault that two cores cannot share (expand_v2.h) */
struct rval {
	unsigned char kind; /* enum rval_kind */
	bool owned;   /* RV_STR: s was malloced (rval_own) and is freed with the value */
	uint32_t nr;  /* RV_LIST: the number of items */
	union {
		long i;                /* RV_INT */
		bool b;                /* RV_BOOL */
		const char *s;         /* RV_STR: borrowed unless owned */
		struct rval *items;    /* RV_LIST, owned */
		struct row *obj;       /* RV_OBJ, owned */
	};
};

struct rfield {
	const char *key;
	struct rval val;
};

struct row {
	struct rfield *v;
	size_t nr, alloc;
};

struct rows {
	struct row *v;
	size_t nr, alloc;
};

struct rval rval_int(long v);
struct rval rval_bool(bool v);
struct rval rval_str(const char *s);
struct rval rval_own(char *s);          /* takes s (malloced) */
struct rval rval_ints(const long *v, size_t nr);
struct rval rval_obj(struct row *obj);  /* takes obj (malloced, filled) */
/* A validated YAML node as written: mappings in written order, integers (also '_'
 * grouped), booleans, strings; lists of those. */
struct rval rval_from_node(const struct ynode *n);
/* A deep copy: owned strings, lists and objects are copied; borrowed strings stay borrowed. */
struct rval rval_copy(const struct rval *v);
void rval_release(struct rval *v);

/* Makes room for nr fields in all (an exact size: a row from a mapping of nr keys). */
void row_reserve(struct row *r, size_t nr);
/* Sets key (replacing in place, or appending); takes v. */
void row_set(struct row *r, const char *key, struct rval v);
/* Appends key, which r must not have yet (asserted in debug builds); takes v. For the
 * constructors, which know their keys are new: row_set's search for each key was a
 * quarter of the cost of building a full sweep's rows. */
void row_push(struct row *r, const char *key, struct rval v);
struct rval *row_get(const struct row *r, const char *key);
void row_del(struct row *r, const char *key);
void row_copy(struct row *dst, const struct row *src);
void row_release(struct row *r);
void rows_release(struct rows *m);

void row_write(struct jsonw *w, const struct row *r);
/* Appends a canonical text of r with keys sorted and the keys in skip (NULL-terminated)
 * left out: equal texts mean equal rows (upstream's _multinode_parallelism_key). */
void row_canon(struct buf *out, const struct row *r, const char *const *skip);
/* Whether a and b, less the keys in skip (top level only), have equal canonical texts:
 * the same keys with equal values, compared without writing the texts. */
bool row_equal(const struct row *a, const struct row *b, const char *const *skip);
/* The same as json.dumps(sort_keys=True, separators=(",", ":")) writes it (ASCII escapes):
 * the text a recipe fingerprint hashes. */
void row_canon_ascii(struct buf *out, const struct row *r, const char *const *skip);

#endif
