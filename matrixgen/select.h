/*
 * select: which configs a list of keys or patterns names, with the error messages of
 * matrix-spec 3.2 (test-config) and 3.4 (changelog). Results are in master-config order
 * within one pattern, patterns in the order given, without repeats (first occurrence kept).
 */
#ifndef MATRIXGEN_SELECT_H
#define MATRIXGEN_SELECT_H

#include "common/vec.h"
#include "matrixgen/config.h"

/* Borrowed pointers to configs. */
struct ptrvec {
	const struct config **v;
	size_t nr, alloc;
};

/* test-config: fnmatch patterns; the first key or pattern that finds nothing is an error
 * listing every available key, sorted. */
int select_test_config_keys(struct ptrvec *out, const struct inputs *in,
			    const struct strvec *keys, struct diags *d);
/* changelog: '*' wildcards only; keys already in `taken` are skipped and the new ones are
 * added to both out and taken; out is then sorted in master-config order. */
int select_changelog_keys(struct ptrvec *out, struct ptrvec *taken, const struct inputs *in,
			  const char **keys, size_t keys_nr, struct diags *d);

#endif
