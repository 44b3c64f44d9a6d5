/*
 * sim_json: the request-body JSON scanner (see sim_json.h).  Bounds are
 * checked before every read; recursion is bounded by JSCAN_MAX_DEPTH.
 */
#define _GNU_SOURCE
#include "sim_json.h"

#include <string.h>

void jscan_init(struct jscan *s, const char *body, size_t n)
{
	s->p = body;
	s->end = body + n;
	s->depth = 0;
}

char jscan_peek(struct jscan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
	return s->p < s->end ? *s->p : 0;
}

int jscan_done(struct jscan *s)
{
	jscan_peek(s);
	return s->p == s->end ? 0 : -1;
}

int jscan_begin(struct jscan *s, char open)
{
	if (jscan_peek(s) != open || s->depth >= JSCAN_MAX_DEPTH)
		return -1;
	s->p++;
	s->depth++;
	return 0;
}

int jscan_next(struct jscan *s, char close, int *first)
{
	char c = jscan_peek(s);
	if (c == close && *first) {
		s->p++;
		s->depth--;
		return 0;
	}
	if (!*first) {
		if (c == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		if (c != ',')
			return -1;
		s->p++;
		c = jscan_peek(s);
		if (c == close)
			return -1; /* trailing comma */
	}
	if (!c)
		return -1;
	*first = 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct jscan *s, unsigned *out)
{
	unsigned v = 0;
	if (s->end - s->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s->p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	s->p += 4;
	*out = v;
	return 0;
}

/* Where decoded bytes go: an sbuf, a fixed window, or nowhere. */
struct sink {
	struct sbuf *sb;
	char *fixed;
	size_t fixedsz;
	size_t len;
};

static void sink_add(struct sink *k, const char *b, size_t n)
{
	if (k->sb)
		sbuf_add(k->sb, b, n);
	else if (k->fixed)
		for (size_t i = 0; i < n; i++)
			if (k->len + i + 1 < k->fixedsz)
				k->fixed[k->len + i] = b[i];
	k->len += n;
}

static void sink_utf8(struct sink *k, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sink_add(k, b, n);
}

/* \uXXXX, with surrogate pairs joined; a lone surrogate becomes U+FFFD. */
static int scan_unicode(struct jscan *s, struct sink *k)
{
	unsigned cp, lo;
	if (read_hex4(s, &cp))
		return -1;
	if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
	    s->p[0] == '\\' && s->p[1] == 'u') {
		const char *save = s->p;
		s->p += 2;
		if (read_hex4(s, &lo))
			return -1;
		if (lo >= 0xdc00 && lo < 0xe000)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			s->p = save, cp = 0xfffd;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = 0xfffd;
	}
	sink_utf8(k, cp);
	return 0;
}

static int scan_escape(struct jscan *s, struct sink *k)
{
	char c;
	if (s->p >= s->end)
		return -1;
	switch (*s->p++) {
	case '"': c = '"'; break;
	case '\\': c = '\\'; break;
	case '/': c = '/'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'u': return scan_unicode(s, k);
	default: return -1;
	}
	sink_add(k, &c, 1);
	return 0;
}

static int scan_string(struct jscan *s, struct sink *k)
{
	if (jscan_peek(s) != '"')
		return -1;
	s->p++;
	for (;;) {
		const char *run = s->p;
		while (s->p < s->end && *s->p != '"' && *s->p != '\\' &&
		       (unsigned char)*s->p >= 0x20)
			s->p++;
		if (s->p > run)
			sink_add(k, run, (size_t)(s->p - run));
		if (s->p >= s->end || (unsigned char)*s->p < 0x20)
			return -1;
		if (*s->p == '"') {
			s->p++;
			return 0;
		}
		s->p++; /* backslash */
		if (scan_escape(s, k))
			return -1;
	}
}

int jscan_string(struct jscan *s, struct sbuf *out)
{
	struct sink k = { out, NULL, 0, 0 };
	return scan_string(s, &k);
}

int jscan_key(struct jscan *s, char *key, size_t keysz)
{
	struct sink k = { NULL, key, keysz, 0 };
	if (scan_string(s, &k))
		return -1;
	key[k.len < keysz ? k.len : 0] = '\0';
	if (jscan_peek(s) != ':')
		return -1;
	s->p++;
	return 0;
}

static int digits(struct jscan *s)
{
	const char *start = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : -1;
}

/* Validates a number; *is_int says whether it had no fraction or exponent. */
static int scan_number(struct jscan *s, int *is_int)
{
	jscan_peek(s);
	*is_int = 1;
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s))
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		*is_int = 0;
		if (digits(s))
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		*is_int = 0;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s))
			return -1;
	}
	return 0;
}

/* The common case, a prompt's token id: 1 to 15 digits right at p, not
 * followed by more digits, a fraction or an exponent.  1 when taken. */
static int int_fast(struct jscan *s, long long *out)
{
	const char *p = s->p, *lim = s->end - p > 15 ? p + 15 : s->end;
	long long v = 0;

	if (p == lim || *p < '1' || *p > '9')
		return 0;
	while (p < lim && *p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (p < s->end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E'))
		return 0;
	s->p = p;
	*out = v;
	return 1;
}

int jscan_int(struct jscan *s, long long *out)
{
	int is_int;
	jscan_peek(s);
	if (int_fast(s, out))
		return 0;
	const char *start = s->p;
	if (scan_number(s, &is_int) || !is_int)
		return -1;
	int neg = *start == '-';
	const char *d = start + neg;
	if (s->p - d > 15)
		return -1;
	long long v = 0;
	for (; d < s->p; d++)
		v = v * 10 + (*d - '0');
	*out = neg ? -v : v;
	return 0;
}

static int literal(struct jscan *s, const char *word)
{
	size_t n = strlen(word);
	jscan_peek(s);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	s->p += n;
	return 0;
}

int jscan_bool(struct jscan *s, int *out)
{
	char c = jscan_peek(s);
	if (c == 't' && !literal(s, "true")) {
		*out = 1;
		return 0;
	}
	if (c == 'f' && !literal(s, "false")) {
		*out = 0;
		return 0;
	}
	return -1;
}

int jscan_null(struct jscan *s)
{
	if (jscan_peek(s) == 'n' && !literal(s, "null"))
		return 1;
	return 0;
}

static int skip_container(struct jscan *s, char open, char close)
{
	int first = 1, r;
	char key[2];
	if (jscan_begin(s, open))
		return -1;
	while ((r = jscan_next(s, close, &first)) == 1) {
		if (open == '{' && jscan_key(s, key, sizeof(key)))
			return -1;
		if (jscan_skip(s))
			return -1;
	}
	return r;
}

int jscan_skip(struct jscan *s)
{
	int is_int, b;
	switch (jscan_peek(s)) {
	case '{': return skip_container(s, '{', '}');
	case '[': return skip_container(s, '[', ']');
	case '"': return jscan_string(s, NULL);
	case 't':
	case 'f': return jscan_bool(s, &b);
	case 'n': return jscan_null(s) ? 0 : -1;
	default: return scan_number(s, &is_int);
	}
}
