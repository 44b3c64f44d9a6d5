/*
 * suggest: did-you-mean. Picks the candidate closest to a mistyped word by edit distance
 * (Damerau: a swap of two neighbours counts once), if it is close enough to be a likely typo.
 */
#ifndef COMMON_SUGGEST_H
#define COMMON_SUGGEST_H

#include <stddef.h>

size_t edit_distance(const char *a, const char *b);
/* The closest of the n candidates (borrowed), or NULL when none is plausibly meant. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
