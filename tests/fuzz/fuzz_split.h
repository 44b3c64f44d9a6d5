/*
 * fuzz_split: the input shape of the fuzz targets that check "any split reads the same"
 * (fuzz_sse, fuzz_http): the first two bytes are a split position (little-endian, modulo the
 * rest's length + 1), the rest is the stream. Header-only, for fuzz targets.
 */
#ifndef TESTS_FUZZ_FUZZ_SPLIT_H
#define TESTS_FUZZ_FUZZ_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The stream in *s, *n and the split position in *split; false for an input too short. */
static inline bool fuzz_split(const uint8_t *data, size_t size, const char **s, size_t *n,
			      size_t *split)
{
	if (size < 2)
		return false;
	*s = (const char *)data + 2;
	*n = size - 2;
	*split = ((size_t)data[0] | (size_t)data[1] << 8) % (*n + 1);
	return true;
}

#endif
