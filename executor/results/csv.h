/*
 * csv: RFC 4180 records. A field is quoted when it holds a comma, a quote, CR or LF, or
 * starts or ends with a space; quotes inside are doubled; records end in CRLF.
 */
#ifndef EXECUTOR_CSV_H
#define EXECUTOR_CSV_H

#include <stddef.h>

struct buf;

/* Appends one field (NULL: empty), preceded by a comma unless it is the first of a record. */
void csv_field(struct buf *out, const char *s, int first);
/* Appends one record of n fields and its CRLF. */
void csv_record(struct buf *out, const char *const *fields, size_t n);

#endif
