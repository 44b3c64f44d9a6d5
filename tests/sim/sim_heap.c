/*
 * sim_heap: min-heap on due_ns (see sim_heap.h).  Ties are served in no
 * particular order: all due entries go out in the same loop pass anyway.
 */
#define _GNU_SOURCE
#include "sim_heap.h"

#include <stdlib.h>

#include "sim_util.h"

void heap_init(struct heap *h)
{
	h->v = NULL;
	h->nr = h->alloc = 0;
}

void heap_release(struct heap *h)
{
	free(h->v);
	heap_init(h);
}

void heap_push(struct heap *h, struct heap_entry e)
{
	VEC_GROW(h->v, h->nr + 1, h->alloc);
	size_t i = h->nr++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->v[parent].due_ns <= e.due_ns)
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	h->v[i] = e;
}

int heap_pop(struct heap *h, struct heap_entry *out)
{
	if (!h->nr)
		return -1;
	*out = h->v[0];
	struct heap_entry last = h->v[--h->nr];
	size_t i = 0, n = h->nr;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h->v[c + 1].due_ns < h->v[c].due_ns)
			c++;
		if (last.due_ns <= h->v[c].due_ns)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (n)
		h->v[i] = last;
	return 0;
}
