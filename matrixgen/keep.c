/* keep: see keep.h. */
#include "matrixgen/keep.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "matrixgen/expand.h"
#include "matrixgen/inputs.h"
#include "matrixgen/row.h"

struct kept {
	struct kept *next;
	void (*release)(void *);
	_Alignas(max_align_t) unsigned char obj[];
};

static struct kept *kept; /* the list that keeps everything reachable */

#ifndef NDEBUG
static void release_kept(void)
{
	while (kept) {
		struct kept *k = kept;
		kept = k->next;
		k->release(k->obj);
		free(k);
	}
}
#endif

void keep_until_exit(const void *obj, size_t size, void (*release)(void *))
{
	struct kept *k = xmalloc(sizeof(*k) + size);
	memcpy(k->obj, obj, size);
	k->release = release;
#ifndef NDEBUG
	if (!kept)
		atexit(release_kept);
#endif
	k->next = kept;
	kept = k;
}

static void release_inputs(void *p) { inputs_release(p); }
static void release_rows(void *p) { rows_release(p); }
static void release_mentries(void *p) { mentries_release(p); }

void keep_inputs(struct inputs *in)
{
	keep_until_exit(in, sizeof(*in), release_inputs);
	inputs_init(in);
}

void keep_rows(struct rows *m)
{
	keep_until_exit(m, sizeof(*m), release_rows);
	memset(m, 0, sizeof(*m));
}

void keep_mentries(struct mentries *m)
{
	keep_until_exit(m, sizeof(*m), release_mentries);
	memset(m, 0, sizeof(*m));
}
