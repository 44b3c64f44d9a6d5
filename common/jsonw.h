/*
 * jsonw: the exact JSON writer. Workflows and dashboards read our JSON byte for byte, so
 * every separator, escape and number format is decided here, once:
 *
 *   JSONW_LINE    one line, ", " and ": " separators, ASCII only: every character below
 *                 U+0020 without a short escape, U+007F and every non-ASCII character as
 *                 \u + 4 lowercase hex digits (surrogate pairs above U+FFFF). This is Python's
 *                 json.dumps default, and the matrix output (matrix-spec section 2).
 *   JSONW_COMPACT one line, "," and ":" separators, non-ASCII written as raw UTF-8 (the
 *                 changelog object, matrix-spec 3.4; json.dumps(separators=(',',':'),
 *                 ensure_ascii=False)).
 *   JSONW_COMPACT_ASCII  "," and ":" separators, ASCII only as JSONW_LINE: json.dumps(
 *                 separators=(',',':')), CI priority's annotated matrix and the recipe
 *                 fingerprint's canonical text.
 *   JSONW_PRETTY  2-space indent, "," at line ends, ": ", ASCII only (json.dumps(indent=2)).
 *
 * Floats are written as Python's repr (jsonw_double, fmt_double_py). The writer appends to
 * a caller-owned buf; it owns nothing. Calls must nest properly; keys only inside objects.
 */
#ifndef COMMON_JSONW_H
#define COMMON_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum jsonw_style { JSONW_LINE, JSONW_COMPACT, JSONW_COMPACT_ASCII, JSONW_PRETTY };

#define JSONW_MAX_DEPTH 64

struct jsonw {
	struct buf *out; /* borrowed */
	enum jsonw_style style;
	int depth;
	bool after_key;
	const char *item_sep, *key_sep; /* static text: ", " or "," and ": " or ":" */
	size_t item_sep_len, key_sep_len;
	bool empty[JSONW_MAX_DEPTH]; /* no member written yet at this depth */
};

void jsonw_init(struct jsonw *w, struct buf *out, enum jsonw_style style);
void jsonw_obj_open(struct jsonw *w);
void jsonw_obj_close(struct jsonw *w);
void jsonw_arr_open(struct jsonw *w);
void jsonw_arr_close(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t len);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_double(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Writes text verbatim where a value goes (a number token the caller has already checked,
 * e.g. an integer too large for long long). */
void jsonw_raw(struct jsonw *w, const char *text);

/* Appends s as a quoted JSON string, escaped for the style. Invalid UTF-8 becomes U+FFFD. */
void json_quote(struct buf *out, const char *s, size_t len, enum jsonw_style style);
/* Python's repr of a float: shortest round-trip digits; "12.0", "1e-05", "1.5e+16",
 * "NaN", "Infinity", "-Infinity". out must hold 32 bytes. */
void fmt_double_py(char *out, double v);

#endif
