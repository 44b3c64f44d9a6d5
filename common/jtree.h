/*
 * jtree: the project's JSON reader: the executor's result files, server answers (/tokenize),
 * the container engine's answers, matrixgen's matrix input (ci-priority). The one exception is the per-event read of streamed responses on the
 * load's hot path, load/jscan (its header says why, with figures). A strict reader that keeps
 * what the result tools need: member order, duplicate members, the line and column of every
 * value, and whether a number was written as an integer (8) or a float (8.0), with its text.
 * Python's json module reads the same way (and so do the field's existing tools), so jtree
 * also accepts NaN, Infinity and -Infinity, which Python's json.dumps writes for non-finite
 * floats.
 *
 * Use: jtree_parse -> walk the nodes (jobj_get, members in order) -> jtree_free.
 * The root and everything under it are owned by the tree; strings are NUL-terminated UTF-8
 * (invalid UTF-8 and lone surrogates become U+FFFD); `len` counts bytes without the NUL.
 */
#ifndef COMMON_JTREE_H
#define COMMON_JTREE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/jsonw.h"

struct diags;

/* Values nested deeper than this are refused ("nesting too deep"). A tree is written back
 * with jtree_write, at most one level down (aggregate's array of results), and jsonw holds
 * at most JSONW_MAX_DEPTH - 1 open containers: so two levels less than jsonw's limit. */
#define JTREE_MAX_DEPTH (JSONW_MAX_DEPTH - 2)
_Static_assert(JTREE_MAX_DEPTH <= JSONW_MAX_DEPTH - 2,
	       "a tree jtree accepts must fit in jsonw inside one enclosing container");

enum jtype { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jmember;

struct jnode {
	enum jtype type;
	int line, col;  /* 1-based place of the value's first character */
	bool b;         /* JT_BOOL */
	bool is_int;    /* JT_NUM written without '.', 'e' or 'E' (and not NaN/Infinity) */
	double num;     /* JT_NUM, as strtod reads the text */
	char *s;        /* owned: JT_STR the decoded string, JT_NUM the number's text */
	size_t len;     /* bytes of s */
	struct jnode *items;     /* owned: JT_ARR elements */
	struct jmember *members; /* owned: JT_OBJ members in document order, duplicates kept */
	size_t nr, alloc;
};

struct jmember {
	char *key; /* owned */
	size_t key_len;
	struct jnode val;
};

/* Parses s[0..len) as one JSON value. name is the file name for diags. NULL on error (one
 * diag with line:col; none when d is NULL, for answers where malformed only means absent). */
struct jnode *jtree_parse(const char *s, size_t len, const char *name, struct diags *d);
/* The same, giving up (NULL, an "interrupted" diag) once *stop is set: for documents large
 * enough that reading them takes a while (a matrix of 100,000 entries). */
struct jnode *jtree_parse_stoppable(const char *s, size_t len, const char *name,
				    volatile sig_atomic_t *stop, struct diags *d);
void jtree_free(struct jnode *root);

/* The value of the LAST member named key (Python's json keeps the last), or NULL. */
const struct jnode *jobj_get(const struct jnode *obj, const char *key);
/* Item i of an array, or NULL (not an array, or too short). */
const struct jnode *jarr_at(const struct jnode *arr, size_t i);
/* The string value of obj's member key (as jobj_get finds it), or NULL when obj is not an
 * object, the member is absent or its value is not a string. */
const char *jobj_str(const struct jnode *obj, const char *key);
/* Whether member i of obj is the first one with its key (later duplicates are shadows). */
bool jobj_first_of_key(const struct jnode *obj, size_t i);
/* Writes n as Python's json.dumps would after json.loads: ints as integers, floats as
 * repr(float), strings re-escaped for w's style, members in order with the last value of a
 * duplicated key at its first position. w may be at most one container deep (see
 * JTREE_MAX_DEPTH). */
void jtree_write(struct jsonw *w, const struct jnode *n);
/* The same with every object's members sorted by key (json.dumps(sort_keys=True)), at any
 * depth: the canonical text that fingerprints hash. */
void jtree_write_sorted(struct jsonw *w, const struct jnode *n);
/* A name for the node's type in messages: "a string", "an integer", "null", ... */
const char *jtype_describe(const struct jnode *n);

#endif
