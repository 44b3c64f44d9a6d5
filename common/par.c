/* par: see par.h. */
#include "common/par.h"

#include <pthread.h>

struct par_call {
	void (*fn)(void *);
	void *arg;
};

static void *par_thread(void *p)
{
	struct par_call *c = p;
	c->fn(c->arg);
	return NULL;
}

void par_two(void (*fn)(void *), void *a, void *b)
{
	struct par_call other = { fn, b };
	pthread_t t;
	if (pthread_create(&t, NULL, par_thread, &other)) {
		fn(a);
		fn(b);
		return;
	}
	fn(a);
	pthread_join(t, NULL);
}
