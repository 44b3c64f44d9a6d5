/* keymatch: see keymatch.h. */
#include "matrixgen/keymatch.h"

#include <fnmatch.h>
#include <string.h>

bool key_is_pattern(const char *k)
{
	return strpbrk(k, "*?") != NULL;
}

bool key_glob_match(const char *pattern, const char *key)
{
	return fnmatch(pattern, key, FNM_NOESCAPE) == 0;
}

bool key_star_match(const char *p, const char *k)
{
	/* iterative matching with backtracking to the last '*' */
	const char *star = NULL, *resume = NULL;
	while (*k) {
		if (*p == '*') {
			star = p++;
			resume = k;
		} else if (*p == *k) {
			p++;
			k++;
		} else if (star) {
			p = star + 1;
			k = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
