/* trace_prompt: see trace_prompt.h. */
#include "executor/load/trace_prompt.h"

#include "executor/load/dataset.h"
#include "executor/load/rng.h"

/* One 64-bit seed from three: splitmix-style finalising of a mixed word, so neighbouring
 * hash ids give unrelated streams. */
static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t z = a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (c * 0xc2b2ae3d27d4eb4fULL + 0x165667b19e3779f9ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill(int *ids, long n, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	for (long i = 0; i < n; i++)
		ids[i] = DATASET_ID_LO + (int)rng_below(&r, DATASET_ID_HI - DATASET_ID_LO);
}

void trace_prompt_ids(int *ids, long in, const uint64_t *hashes, size_t hash_nr, long block,
		      uint64_t seed, uint64_t ns, uint64_t unique)
{
	long at = 0;
	for (size_t b = 0; b < hash_nr && at < in; b++) {
		long n = in - at < block ? in - at : block;
		fill(ids + at, n, mix3(seed, ns + 1, hashes[b]));
		at += n;
	}
	if (at < in) /* ns 0 is never a block's (ns + 1 above): this stream is the turn's own */
		fill(ids + at, in - at, mix3(seed, 0, unique));
}
