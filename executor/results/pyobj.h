/*
 * pyobj: an ordered JSON value built the way a Python script builds its dicts, for results
 * that must be byte-identical with one (the agentic processed result): pyobj_set on a key
 * already there replaces its value in place (dict assignment and dict.update keep the first
 * position); ints and floats stay apart (800 and 800.0 are written differently); a borrowed
 * jtree node may stand for a value copied from an input document (json.load then dump).
 *
 * pyobj_write writes with upstream's round_floats(obj, 5) applied to every float, the
 * borrowed nodes' floats included: a finite float becomes round(x, 5), and then an int when
 * its magnitude is at least 1 and it is integral. Non-finite floats are written as Python's
 * json.dump writes them (NaN, Infinity, -Infinity).
 *
 * Use: o = pyobj_obj(); pyobj_set(o, "k", pyobj_int(1)); ...; pyobj_write(&w, o);
 * pyobj_free(o). A container owns the values put in it; strings are copied.
 */
#ifndef EXECUTOR_PYOBJ_H
#define EXECUTOR_PYOBJ_H

#include <stdbool.h>
#include <stddef.h>

struct jnode;
struct jsonw;

enum pyobj_type { PY_NONE, PY_BOOL, PY_INT, PY_FLOAT, PY_STR, PY_LIST, PY_DICT, PY_NODE };

struct pyobj_item {
	char *key;          /* owned; NULL in a list */
	struct pyobj *val;  /* owned */
};

struct pyobj {
	enum pyobj_type type;
	bool b;
	long long i;
	double x;
	char *s;                  /* owned: PY_STR */
	const struct jnode *node; /* borrowed: PY_NODE, valid while its tree lives */
	struct pyobj_item *v;     /* owned: PY_LIST, PY_DICT */
	size_t nr, alloc;
};

/* An optional float: Python's `float | None`. */
struct optd {
	bool ok;
	double v;
};

#define OPTD_NONE ((struct optd){ false, 0 })
#define OPTD(x) ((struct optd){ true, (x) })

struct pyobj *pyobj_none(void);
struct pyobj *pyobj_bool(bool b);
struct pyobj *pyobj_int(long long i);
struct pyobj *pyobj_float(double x);
struct pyobj *pyobj_optf(struct optd x); /* the float, or None */
struct pyobj *pyobj_str(const char *s);
struct pyobj *pyobj_node(const struct jnode *n);
struct pyobj *pyobj_list(void);
struct pyobj *pyobj_dict(void);

/* d[key] = val (val's ownership moves to d); returns val. */
struct pyobj *pyobj_set(struct pyobj *d, const char *key, struct pyobj *val);
/* d[key], or NULL. */
struct pyobj *pyobj_get(const struct pyobj *d, const char *key);
/* l.append(val). */
void pyobj_append(struct pyobj *l, struct pyobj *val);
void pyobj_free(struct pyobj *o);

/* Writes o with round_floats applied. */
void pyobj_write(struct jsonw *w, const struct pyobj *o);

#endif
