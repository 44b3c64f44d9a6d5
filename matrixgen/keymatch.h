/*
 * keymatch: the two pattern languages of config keys.
 *   test-config (matrix-spec 3.2): a key with '*' or '?' is an fnmatch pattern ('*', '?',
 *     '[seq]', '[!seq]'), case-sensitive, matched against the whole key; no escapes.
 *   changelog (3.4): only '*' is special (any run, possibly empty); '?' and '[' are literal.
 */
#ifndef MATRIXGEN_KEYMATCH_H
#define MATRIXGEN_KEYMATCH_H

#include <stdbool.h>

bool key_is_pattern(const char *k);
bool key_glob_match(const char *pattern, const char *key);
bool key_star_match(const char *pattern, const char *key);

#endif
