/*
 * pynum: numbers read the way Python's float() and int() read strings, for tools that must
 * agree with the field's Python scripts about what "a number" is (numeric strings in raw
 * results, tabulate's numeric columns).
 */
#ifndef COMMON_PYNUM_H
#define COMMON_PYNUM_H

#include <stdbool.h>

/* float(s): surrounding whitespace, a decimal number, inf/infinity/nan in any case, with a
 * sign; false for anything else (hex, empty, trailing text, underscores). */
bool pynum_float(double *out, const char *s);
/* int(s) would succeed: surrounding whitespace, optional sign, decimal digits (no
 * underscores). */
bool pynum_is_int(const char *s);

#endif
