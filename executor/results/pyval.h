/*
 * pyval: JSON values (jtree nodes) as Python sees them after json.loads: repr(), ==, truth
 * and type names, for messages and checks that must read exactly as the field's Python
 * scripts print and decide them (the multi-node power audit's failure texts).
 *
 * A NULL node stands for a missing member (dict.get's None). Nothing here allocates except
 * into the caller's buf.
 */
#ifndef EXECUTOR_PYVAL_H
#define EXECUTOR_PYVAL_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct jnode;

/* repr(value): None, True, 12, 1.5, 'text', [..], {'k': v}. Non-ASCII characters Python
 * calls printable are kept; the unprintable ones we know (controls, format characters,
 * separators other than space, private use) are escaped as Python escapes them. */
void pyval_repr(struct buf *out, const struct jnode *n);
/* repr() of a str given as UTF-8 */
void pyval_repr_str(struct buf *out, const char *s, size_t len);
/* a == b */
bool pyval_eq(const struct jnode *a, const struct jnode *b);
/* a == v for an int v (True == 1, 4.0 == 4) */
bool pyval_eq_int(const struct jnode *a, long long v);
/* a == s for a str s */
bool pyval_eq_str(const struct jnode *a, const char *s);
/* bool(value) */
bool pyval_truthy(const struct jnode *n);
/* type(value).__name__: NoneType, bool, int, float, str, list, dict */
const char *pyval_type_name(const struct jnode *n);
/* isinstance(value, int) and not isinstance(value, bool), its value in *v (clamped to the
 * range of long long) */
bool pyval_int(const struct jnode *n, long long *v);
/* _is_finite: an int or float, not a bool, finite */
bool pyval_finite(const struct jnode *n);

#endif
