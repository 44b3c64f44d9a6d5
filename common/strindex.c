/* strindex: see strindex.h. Open addressing with linear probing, kept at most half full;
 * FNV-1a hashes (the keys come from files, not from an adversary who would aim at them, and
 * the worst case is still a scan, never an error). */
#include "common/strindex.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strindex_slot *probe(const struct strindex *x, const char *s, size_t len,
				   uint64_t h)
{
	size_t mask = x->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct strindex_slot *slot = &x->slots[i];
		if (!slot->s)
			return slot;
		if (slot->hash == h && slot->len == len && !memcmp(slot->s, s, len))
			return slot;
	}
}

static void grow(struct strindex *x)
{
	struct strindex old = *x;
	x->cap = old.cap ? old.cap * 2 : 16;
	x->slots = xcalloc(x->cap, sizeof(*x->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].s)
			*probe(x, old.slots[i].s, old.slots[i].len, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

size_t strindex_find(const struct strindex *x, const char *s, size_t len)
{
	if (!x->cap)
		return STRINDEX_NONE;
	const struct strindex_slot *slot = probe(x, s, len, hash_bytes(s, len));
	return slot->s ? slot->pos : STRINDEX_NONE;
}

/* The slot of s, made (free, hash set) when s is not there yet. */
static struct strindex_slot *slot_for(struct strindex *x, const char *s, size_t len)
{
	if ((x->nr + 1) * 2 > x->cap)
		grow(x);
	uint64_t h = hash_bytes(s, len);
	struct strindex_slot *slot = probe(x, s, len, h);
	if (!slot->s) {
		slot->hash = h;
		x->nr++;
	}
	return slot;
}

size_t strindex_add(struct strindex *x, const char *s, size_t len, size_t pos)
{
	struct strindex_slot *slot = slot_for(x, s, len);
	if (!slot->s) {
		slot->s = s;
		slot->len = len;
		slot->pos = pos;
	}
	return slot->pos;
}

void strindex_set(struct strindex *x, const char *s, size_t len, size_t pos)
{
	struct strindex_slot *slot = slot_for(x, s, len);
	slot->s = s;
	slot->len = len;
	slot->pos = pos;
}

void strindex_release(struct strindex *x)
{
	free(x->slots);
	*x = (struct strindex)STRINDEX_INIT;
}
