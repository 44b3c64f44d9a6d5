/* jsonw: see jsonw.h. */
#include "common/jsonw.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

void jsonw_init(struct jsonw *w, struct buf *out, enum jsonw_style style)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->style = style;
	w->empty[0] = true;
	bool compact = style == JSONW_COMPACT || style == JSONW_COMPACT_ASCII;
	w->item_sep = style == JSONW_LINE ? ", " : ",";
	w->item_sep_len = strlen(w->item_sep);
	w->key_sep = compact ? ":" : ": ";
	w->key_sep_len = strlen(w->key_sep);
}

static void newline_indent(struct jsonw *w, int depth)
{
	buf_addch(w->out, '\n');
	for (int i = 0; i < depth; i++)
		buf_adds(w->out, "  ");
}

/* Appends n bytes of short static text (a separator): stores, not a memcpy call. */
static void put_short(struct buf *out, const char *text, size_t n)
{
	buf_grow(out, n);
	char *p = out->s + out->len;
	for (size_t i = 0; i < n; i++)
		p[i] = text[i];
	p[n] = '\0';
	out->len += n;
}

/* The separator before a member of the open container (not right after a key). */
static void before_member(struct jsonw *w)
{
	if (!w->empty[w->depth])
		put_short(w->out, w->item_sep, w->item_sep_len);
	w->empty[w->depth] = false;
	if (w->style == JSONW_PRETTY)
		newline_indent(w, w->depth);
}

/* Separator before a value or a key at the current depth. Inline: half the items are
 * values right after their key, which need nothing. */
static inline void before_item(struct jsonw *w)
{
	if (w->after_key)
		w->after_key = false;
	else if (w->depth > 0)
		before_member(w);
}

static void open_container(struct jsonw *w, char c)
{
	before_item(w);
	buf_addch(w->out, c);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		/* callers bound their nesting below this (jtree's limit is smaller): never a stack
		 * write past empty[] in a build without asserts */
		fputs("fatal: JSON nesting deeper than JSONW_MAX_DEPTH\n", stderr);
		abort();
	}
	w->depth++;
	w->empty[w->depth] = true;
}

static void close_container(struct jsonw *w, char c)
{
	assert(w->depth > 0);
	bool was_empty = w->empty[w->depth];
	w->depth--;
	if (w->style == JSONW_PRETTY && !was_empty)
		newline_indent(w, w->depth);
	buf_addch(w->out, c);
}

void jsonw_obj_open(struct jsonw *w) { open_container(w, '{'); }
void jsonw_obj_close(struct jsonw *w) { close_container(w, '}'); }
void jsonw_arr_open(struct jsonw *w) { open_container(w, '['); }
void jsonw_arr_close(struct jsonw *w) { close_container(w, ']'); }

/* True for the bytes every style writes as they are: printable ASCII except '"' (0x22) and
 * '\\' (0x5c). A table, because a full sweep puts a megabyte through here: one load a byte
 * where there were four compares. NUL is not plain, so a scan of a C string stops at it. */
static const bool plain_byte[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f, '"' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 0x30-0x3f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 0x40-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,          /* 0x50-0x5f, '\\' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 0x60-0x6f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,          /* 0x70-0x7f, DEL */
};

/* The length of the run of plain bytes at the start of s: written as is. */
static size_t plain_run(const unsigned char *s, size_t len)
{
	size_t j = 0;
	while (j < len && plain_byte[s[j]])
		j++;
	return j;
}

/* '"', s, '"' and tail in one step, for an s known to need no escape. */
static void put_quoted(struct buf *out, const char *s, size_t len, const char *tail,
		       size_t tail_len)
{
	buf_grow(out, len + 2 + tail_len);
	char *p = out->s + out->len;
	*p++ = '"';
	memcpy(p, s, len);
	p += len;
	*p++ = '"';
	for (size_t i = 0; i < tail_len; i++)
		*p++ = tail[i];
	*p = '\0';
	out->len = (size_t)(p - out->s);
}

/* The length of the run of plain bytes at the start of the C string s: all of s when
 * s[len] is its NUL. One pass finds both the length and whether s needs escapes. */
static size_t plain_prefix(const char *s)
{
	size_t len = 0;
	while (plain_byte[(unsigned char)s[len]])
		len++;
	return len;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	size_t len = plain_prefix(key);
	before_item(w);
	if (!key[len]) {
		put_quoted(w->out, key, len, w->key_sep, w->key_sep_len);
	} else {
		json_quote(w->out, key, len + strlen(key + len), w->style);
		put_short(w->out, w->key_sep, w->key_sep_len);
	}
	w->after_key = true;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t len)
{
	before_item(w);
	json_quote(w->out, s, len, w->style);
}

void jsonw_str(struct jsonw *w, const char *s)
{
	size_t len = plain_prefix(s);
	before_item(w);
	if (!s[len])
		put_quoted(w->out, s, len, "", 0);
	else
		json_quote(w->out, s, len + strlen(s + len), w->style);
}

void jsonw_int(struct jsonw *w, long long v)
{
	before_item(w);
	buf_add_int(w->out, v);
}

void jsonw_double(struct jsonw *w, double v)
{
	char tmp[32];
	before_item(w);
	fmt_double_py(tmp, v);
	buf_adds(w->out, tmp);
}

void jsonw_raw(struct jsonw *w, const char *text)
{
	before_item(w);
	buf_adds(w->out, text);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before_item(w);
	buf_adds(w->out, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	before_item(w);
	buf_adds(w->out, "null");
}

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, *cp the code point,
 * or 1 with *cp = U+FFFD for an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (len > n)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

void json_quote(struct buf *out, const char *str, size_t len, enum jsonw_style style)
{
	const unsigned char *s = (const unsigned char *)str;
	bool ascii = style != JSONW_COMPACT;
	if (plain_run(s, len) == len) {
		put_quoted(out, str, len, "", 0);
		return;
	}
	buf_addch(out, '"');
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		/* fast path: a run of plain printable ASCII */
		size_t j = i + plain_run(s + i, len - i);
		if (j > i) {
			buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '"': buf_adds(out, "\\\""); i++; continue;
		case '\\': buf_adds(out, "\\\\"); i++; continue;
		case '\b': buf_adds(out, "\\b"); i++; continue;
		case '\f': buf_adds(out, "\\f"); i++; continue;
		case '\n': buf_adds(out, "\\n"); i++; continue;
		case '\r': buf_adds(out, "\\r"); i++; continue;
		case '\t': buf_adds(out, "\\t"); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			buf_addf(out, "\\u%04x", c);
			i++;
			continue;
		}
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!ascii) {
			if (cp == 0xfffd && n == 1 && c >= 0x80)
				buf_adds(out, "\xef\xbf\xbd");
			else
				buf_add(out, s + i, n);
		} else if (cp >= 0x10000) {
			unsigned v = cp - 0x10000;
			buf_addf(out, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
		} else {
			buf_addf(out, "\\u%04x", cp);
		}
		i += n;
	}
	buf_addch(out, '"');
}

void fmt_double_py(char *out, double v)
{
	if (isnan(v)) {
		strcpy(out, "NaN");
		return;
	}
	if (isinf(v)) {
		strcpy(out, v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	/* Shortest %e precision that reads back to the same double: Python's repr digits. */
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]XX: split into sign, digit string and decimal exponent. */
	const char *p = tmp;
	bool neg = *p == '-';
	if (neg)
		p++;
	char digits[24];
	size_t nd = 0;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	int exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';

	char *o = out;
	if (neg)
		*o++ = '-';
	if (exp >= -4 && exp < 16) {
		if (exp >= 0) {
			for (int i = 0; i <= exp; i++)
				*o++ = (size_t)i < nd ? digits[i] : '0';
			*o++ = '.';
			if ((size_t)exp + 1 < nd)
				for (size_t i = (size_t)exp + 1; i < nd; i++)
					*o++ = digits[i];
			else
				*o++ = '0';
		} else {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -exp - 1; i++)
				*o++ = '0';
			for (size_t i = 0; i < nd; i++)
				*o++ = digits[i];
		}
		*o = '\0';
	} else {
		*o++ = digits[0];
		if (nd > 1) {
			*o++ = '.';
			for (size_t i = 1; i < nd; i++)
				*o++ = digits[i];
		}
		sprintf(o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	}
}
