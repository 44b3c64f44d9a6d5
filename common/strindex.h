/*
 * strindex: a hash index from strings to positions in an array the caller owns, for the
 * lookups that would otherwise scan the array once per element (duplicate keys in a big
 * YAML mapping, config keys across files): with it every reader stays linear.
 *
 *   struct strindex x = STRINDEX_INIT;
 *   strindex_find(&x, s, len)       the position added for that string, or STRINDEX_NONE
 *   strindex_add(&x, s, len, pos)   remembers pos for s (the first one added wins)
 *   strindex_set(&x, s, len, pos)   remembers pos for s (the last one set wins)
 *   strindex_release(&x)
 *
 * The index borrows the strings: each must stay valid and unchanged until the release.
 * Strings are compared by their bytes (len of them), so they may hold NUL.
 */
#ifndef COMMON_STRINDEX_H
#define COMMON_STRINDEX_H

#include <stddef.h>
#include <stdint.h>

#define STRINDEX_NONE SIZE_MAX

struct strindex_slot {
	const char *s; /* borrowed; NULL: the slot is free */
	size_t len;
	size_t pos;
	uint64_t hash;
};

struct strindex {
	struct strindex_slot *slots; /* owned */
	size_t cap, nr;              /* cap: 0 or a power of two */
};

#define STRINDEX_INIT { NULL, 0, 0 }

size_t strindex_find(const struct strindex *x, const char *s, size_t len);
/* Adds s -> pos unless s is there already; returns the position s has now. */
size_t strindex_add(struct strindex *x, const char *s, size_t len, size_t pos);
/* s -> pos, replacing what s had (a later definition that shadows an earlier one). */
void strindex_set(struct strindex *x, const char *s, size_t len, size_t pos);
void strindex_release(struct strindex *x);

#endif
