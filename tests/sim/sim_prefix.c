/* sim_prefix: see sim_prefix.h. A chained hash table of entry indices over a fixed pool of
 * `capacity` entries, with a doubly linked LRU list through the same indices. */
#include "sim_prefix.h"

#include <stdlib.h>
#include <string.h>

#include "sim_util.h"

void sim_prefix_init(struct sim_prefix *p, long long capacity)
{
	memset(p, 0, sizeof(*p));
	p->capacity = capacity;
	p->newest = p->oldest = -1;
	if (capacity <= 0)
		return;
	size_t nb = 1;
	while (nb < (size_t)capacity * 2)
		nb <<= 1;
	p->mask = nb - 1;
	p->buckets = xmalloc(nb * sizeof(int32_t));
	memset(p->buckets, 0xff, nb * sizeof(int32_t));
	p->keys = xmalloc((size_t)capacity * sizeof(uint64_t));
	p->newer = xmalloc((size_t)capacity * sizeof(int32_t));
	p->older = xmalloc((size_t)capacity * sizeof(int32_t));
	p->chain = xmalloc((size_t)capacity * sizeof(int32_t));
}

void sim_prefix_release(struct sim_prefix *p)
{
	free(p->buckets);
	free(p->keys);
	free(p->newer);
	free(p->older);
	free(p->chain);
	memset(p, 0, sizeof(*p));
}

static size_t bucket(const struct sim_prefix *p, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & p->mask;
}

static int32_t find(const struct sim_prefix *p, uint64_t key)
{
	for (int32_t e = p->buckets[bucket(p, key)]; e >= 0; e = p->chain[e])
		if (p->keys[e] == key)
			return e;
	return -1;
}

static void unlink_lru(struct sim_prefix *p, int32_t e)
{
	if (p->newer[e] >= 0)
		p->older[p->newer[e]] = p->older[e];
	else
		p->newest = p->older[e];
	if (p->older[e] >= 0)
		p->newer[p->older[e]] = p->newer[e];
	else
		p->oldest = p->newer[e];
}

static void push_newest(struct sim_prefix *p, int32_t e)
{
	p->newer[e] = -1;
	p->older[e] = p->newest;
	if (p->newest >= 0)
		p->newer[p->newest] = e;
	p->newest = e;
	if (p->oldest < 0)
		p->oldest = e;
}

static void unlink_bucket(struct sim_prefix *p, int32_t e)
{
	int32_t *at = &p->buckets[bucket(p, p->keys[e])];
	while (*at != e)
		at = &p->chain[*at];
	*at = p->chain[e];
}

static void touch(struct sim_prefix *p, uint64_t key)
{
	int32_t e = find(p, key);
	if (e >= 0) {
		unlink_lru(p, e);
		push_newest(p, e);
		return;
	}
	if (p->used < (size_t)p->capacity) {
		e = (int32_t)p->used++;
	} else { /* evict the least recently used */
		e = p->oldest;
		unlink_lru(p, e);
		unlink_bucket(p, e);
	}
	p->keys[e] = key;
	size_t b = bucket(p, key);
	p->chain[e] = p->buckets[b];
	p->buckets[b] = e;
	push_newest(p, e);
}

size_t sim_prefix_hit(struct sim_prefix *p, const uint64_t *blocks, size_t n)
{
	if (p->capacity <= 0)
		return 0;
	size_t hits = 0;
	while (hits < n && find(p, blocks[hits]) >= 0)
		hits++;
	for (size_t i = 0; i < n; i++)
		touch(p, blocks[i]);
	return hits;
}
