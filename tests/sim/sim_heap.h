/*
 * sim_heap: a binary min-heap of stream due times, the simulator's only
 * timer structure.  Entries are never removed early: a stream that ends or
 * is rescheduled changes its generation number, and an entry whose gen no
 * longer matches its stream is dropped when it reaches the top.  An entry
 * may also be a connection's idle close (--idle-close-ms): its gen is then
 * the connection's idle_gen, drawn from the same sequence.
 *
 * Use: heap_init, heap_push, heap_top / heap_pop, heap_release.
 */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_entry {
	int64_t due_ns; /* CLOCK_MONOTONIC */
	uint64_t gen;   /* the stream's gen (or the conn's idle_gen) when pushed */
	int fd;         /* the stream's connection */
};

struct heap {
	struct heap_entry *v; /* owned */
	size_t nr, alloc;
};

void heap_init(struct heap *h);
void heap_release(struct heap *h);
void heap_push(struct heap *h, struct heap_entry e);
/* The earliest entry, or NULL when empty. */
static inline const struct heap_entry *heap_top(const struct heap *h)
{
	return h->nr ? &h->v[0] : NULL;
}
/* Removes the earliest entry into *out; -1 when empty. */
int heap_pop(struct heap *h, struct heap_entry *out);

#endif
