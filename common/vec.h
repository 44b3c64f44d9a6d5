/*
 * vec: the one array habit. An array is three fields, `v` (elements), `nr` (used) and
 * `alloc` (capacity); VEC_GROW makes room for at least `n` elements. The owner frees `v`.
 */
#ifndef COMMON_VEC_H
#define COMMON_VEC_H

#include "common/xalloc.h"

#define VEC_ALLOC_NR(x) (((x) + 16) * 3 / 2)

/* Ensure arr has room for n elements; alloc is updated. */
#define VEC_GROW(arr, n, alloc)                                                  \
	do {                                                                     \
		if ((size_t)(n) > (alloc)) {                                     \
			size_t vec_new_ = VEC_ALLOC_NR(alloc);                   \
			if (vec_new_ < (size_t)(n))                              \
				vec_new_ = (size_t)(n);                          \
			(arr) = xrealloc((arr), st_mult(vec_new_, sizeof(*(arr)))); \
			(alloc) = vec_new_;                                      \
		}                                                                \
	} while (0)

/* Append one element to a struct holding v/nr/alloc. */
#define VEC_PUSH(s, elem)                                  \
	do {                                               \
		VEC_GROW((s)->v, (s)->nr + 1, (s)->alloc); \
		(s)->v[(s)->nr++] = (elem);                \
	} while (0)

/* A vector of borrowed or owned C strings; the owner frees v (and the strings it owns). */
struct strvec {
	const char **v;
	size_t nr, alloc;
};

/* qsort comparator for arrays of C strings: byte order. */
int strptr_cmp(const void *a, const void *b);
/* Sorts the strings of v in byte order. */
void strvec_sort(struct strvec *v);
/* Joins the strings with sep into out (a struct buf). */
struct buf;
void strvec_join(struct buf *out, const struct strvec *v, const char *sep);

#endif
