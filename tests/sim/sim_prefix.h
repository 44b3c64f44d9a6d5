/*
 * sim_prefix: simserver's prefix cache model (--prefix-cache-blocks N). A prompt's tokens are
 * cut into blocks of --prefix-block-tokens (default 512); each full block is named by a
 * chained hash of its token ids and every block before it (so a block hits only with its
 * whole prefix, as vLLM's block hashes do); a partial last block is never cached. A request
 * hits its leading blocks found in the cache, then all its full blocks become the most
 * recently used; the cache holds at most N blocks, the least recently used going first.
 *
 * The client conveys token blocks through the prompt itself: completions send the prompt's
 * token ids as an array (hashed per block as sent), chat and text prompts one token per
 * whitespace-separated word (sim_req.h), hashed as the word's id. What is cached per request
 * is the ground truth /stats?raw=1 reports (prompt_tokens, cached_tokens).
 *
 * Use: sim_prefix_init; sim_prefix_hit per request (blocks from gen_req_parse_blocks);
 * sim_prefix_release frees it.
 */
#ifndef SIM_PREFIX_H
#define SIM_PREFIX_H

#include <stddef.h>
#include <stdint.h>

struct sim_prefix {
	long long capacity;      /* blocks; 0: no cache */
	size_t used;
	uint64_t *keys;          /* owned, capacity of them */
	int32_t *newer, *older;  /* LRU list by entry index; -1 ends */
	int32_t *chain;          /* next entry in the same bucket */
	int32_t *buckets;        /* owned, mask + 1 of them */
	size_t mask;
	int32_t newest, oldest;
};

void sim_prefix_init(struct sim_prefix *p, long long capacity);
void sim_prefix_release(struct sim_prefix *p);
/* Leading blocks of blocks[0..n) found in the cache; then all n are touched or inserted. */
size_t sim_prefix_hit(struct sim_prefix *p, const uint64_t *blocks, size_t n);

#endif
