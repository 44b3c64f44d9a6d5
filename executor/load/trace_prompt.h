/*
 * trace_prompt: the token ids of a trace turn, made so that equal hash blocks are equal token
 * blocks: block h of namespace ns is `block` ids drawn from the load's rng seeded by
 * (seed, ns, h), so two prompts that share their k leading hash ids share exactly their k
 * leading blocks of ids (and a block's first ids differ from another block's with
 * overwhelming odds). A partial last block is the first ids of its block. Tokens past the
 * hash blocks (a turn longer than its blocks) come from a stream of their own, unique per
 * turn (`unique`), so they are never reused. Ids are in [DATASET_ID_LO, DATASET_ID_HI), as
 * the random dataset's.
 *
 * The namespace keeps hash ids apart where a trace says they are local: Mooncake's are
 * global (ns 0), AgentX's "local" ids get one namespace per replayed session.
 */
#ifndef EXECUTOR_TRACE_PROMPT_H
#define EXECUTOR_TRACE_PROMPT_H

#include <stddef.h>
#include <stdint.h>

/* Fills ids[0..in) for a turn of `in` tokens whose blocks are hashes[0..hash_nr). */
void trace_prompt_ids(int *ids, long in, const uint64_t *hashes, size_t hash_nr, long block,
		      uint64_t seed, uint64_t ns, uint64_t unique);

#endif
