/* promtext: see promtext.h. A line at a time, a cursor through it; each token's rule is one
 * function that returns 0 or sets the error (what was expected, where). */
#include "common/promtext.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/vec.h"
#include "common/xalloc.h"

struct cursor {
	const char *p, *end;   /* the rest of the line (without its '\n') */
	const char *line_start;
	const char *expected;  /* set with the position when a rule fails */
	const char *at;
};

static int fail(struct cursor *c, const char *expected)
{
	c->expected = expected;
	c->at = c->p;
	return -1;
}

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool name_char(char ch, bool first, bool colon)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_')
		return true;
	if (ch == ':')
		return colon;
	return !first && ch >= '0' && ch <= '9';
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; labels have no ':'. */
static int read_name(struct cursor *c, char **out, bool colon, const char *what)
{
	const char *s = c->p;
	while (c->p < c->end && name_char(*c->p, c->p == s, colon))
		c->p++;
	if (c->p == s)
		return fail(c, what);
	*out = xstrndup(s, (size_t)(c->p - s));
	return 0;
}

/* "..." with \\ \" \n; a raw newline cannot occur (lines are split at it). */
static int read_label_value(struct cursor *c, char **out)
{
	if (c->p >= c->end || *c->p != '"')
		return fail(c, "'\"' opening a label value");
	c->p++;
	struct buf v = BUF_INIT;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;
		if (ch == '\\') {
			char e = c->p < c->end ? *c->p : 0;
			if (e != '\\' && e != '"' && e != 'n') {
				buf_release(&v);
				return fail(c, "an escape \\\\, \\\" or \\n");
			}
			c->p++;
			ch = e == 'n' ? '\n' : e;
		}
		buf_addch(&v, ch);
	}
	if (c->p >= c->end) {
		buf_release(&v);
		return fail(c, "'\"' closing the label value");
	}
	c->p++;
	*out = buf_take(&v, NULL);
	return 0;
}

static void labels_free(struct prom_label *l, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(l[i].name);
		free(l[i].value);
	}
	free(l);
}

/* '{' name="value" (',' name="value")* [','] '}' */
static int read_labels(struct cursor *c, struct prom_sample *s)
{
	size_t alloc = 0;
	c->p++; /* '{' */
	for (;;) {
		skip_blanks(c);
		if (c->p < c->end && *c->p == '}')
			break;
		struct prom_label l = { 0 };
		if (read_name(c, &l.name, false, "a label name or '}'"))
			return -1;
		skip_blanks(c);
		if (c->p >= c->end || *c->p != '=') {
			free(l.name);
			return fail(c, "'=' after the label name");
		}
		c->p++;
		skip_blanks(c);
		if (read_label_value(c, &l.value)) {
			free(l.name);
			return -1;
		}
		VEC_GROW(s->labels, s->labels_nr + 1, alloc);
		s->labels[s->labels_nr++] = l;
		skip_blanks(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p >= c->end || *c->p != '}')
			return fail(c, "',' or '}' after a label");
		break;
	}
	c->p++; /* '}' */
	return 0;
}

/* A token up to the next blank or the line's end. */
static size_t token_len(const struct cursor *c)
{
	const char *q = c->p;
	while (q < c->end && *q != ' ' && *q != '\t')
		q++;
	return (size_t)(q - c->p);
}

/* Go's ParseFloat as Prometheus uses it: decimals, exponents, NaN, +Inf, -Inf (any case);
 * strtod's hex floats and "infinity" are refused as text no exporter writes. */
static int read_value(struct cursor *c, double *out)
{
	size_t n = token_len(c);
	char tmp[64];
	if (!n || n >= sizeof(tmp))
		return fail(c, "a sample value (a number, NaN, +Inf or -Inf)");
	memcpy(tmp, c->p, n);
	tmp[n] = '\0';
	const char *t = tmp + (tmp[0] == '+' || tmp[0] == '-');
	if (!strcasecmp(t, "nan") || !strcasecmp(t, "inf")) {
		*out = !strcasecmp(t, "nan") ? NAN : tmp[0] == '-' ? -INFINITY : INFINITY;
	} else {
		char *end;
		errno = 0;
		double v = strtod(tmp, &end);
		bool digits = strspn(t, "0123456789.eE+-") == strlen(t);
		if (*end || !digits || !isfinite(v))
			return fail(c, "a sample value (a number, NaN, +Inf or -Inf)");
		*out = v;
	}
	c->p += n;
	return 0;
}

static int read_timestamp(struct cursor *c, struct prom_sample *s)
{
	size_t n = token_len(c), sign = n && *c->p == '-';
	char tmp[24];
	if (n <= sign || n >= sizeof(tmp) - 4)
		return fail(c, "a timestamp in milliseconds (an integer)");
	memcpy(tmp, c->p, n);
	tmp[n] = '\0';
	errno = 0;
	if (strspn(tmp + sign, "0123456789") != n - sign ||
	    (s->timestamp_ms = strtoll(tmp, NULL, 10), errno))
		return fail(c, "a timestamp in milliseconds (an integer)");
	s->has_timestamp = true;
	c->p += n;
	return 0;
}

static void sample_release(struct prom_sample *s)
{
	free(s->name);
	labels_free(s->labels, s->labels_nr);
}

/* name [labels] value [timestamp] */
static int read_sample(struct cursor *c, struct prom_sample *s)
{
	if (read_name(c, &s->name, true, "a metric name or '#'"))
		return -1;
	if (c->p < c->end && *c->p == '{' && read_labels(c, s))
		return -1;
	const char *before = c->p;
	skip_blanks(c);
	if (c->p == before)
		return fail(c, c->p < c->end ? "a blank before the value" : "a sample value");
	if (read_value(c, &s->value))
		return -1;
	skip_blanks(c);
	if (c->p < c->end && read_timestamp(c, s))
		return -1;
	skip_blanks(c);
	if (c->p < c->end)
		return fail(c, "the end of the line");
	return 0;
}

/* The found text for a diag: the rest of the line from where parsing stopped, shortened. */
static void describe_found(struct buf *out, const char *at, const char *end)
{
	size_t n = (size_t)(end - at);
	if (!n) {
		buf_adds(out, "the end of the line");
		return;
	}
	buf_adds(out, "'");
	buf_add(out, at, n > 24 ? 24 : n);
	buf_adds(out, n > 24 ? "...'" : "'");
}

int promtext_parse(struct prom_samples *out, const char *text, size_t len, const char *name,
		   struct diags *d)
{
	size_t first = out->nr;
	const char *p = text, *end = text + len;
	int line = 0;
	while (p < end) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct cursor c = { p, le, p, NULL, NULL };
		if (le > p && le[-1] == '\r')
			c.end--;
		const char *nul = memchr(p, '\0', (size_t)(le - p));
		int rc = 0;
		struct prom_sample s = { 0 };
		if (nul) {
			c.p = nul;
			rc = fail(&c, "text (no NUL byte)");
		} else {
			skip_blanks(&c);
			if (c.p < c.end && *c.p != '#')
				rc = read_sample(&c, &s);
			if (!rc && s.name) {
				VEC_GROW(out->v, out->nr + 1, out->alloc);
				out->v[out->nr++] = s;
			}
		}
		if (rc) {
			sample_release(&s);
			struct buf found = BUF_INIT;
			describe_found(&found, c.at, c.end);
			diags_errorf(d, name, line, (int)(c.at - c.line_start) + 1, NULL,
				     "expected %s, found %s", c.expected, found.s);
			buf_release(&found);
			while (out->nr > first)
				sample_release(&out->v[--out->nr]);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

void prom_samples_release(struct prom_samples *s)
{
	for (size_t i = 0; i < s->nr; i++)
		sample_release(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->nr = s->alloc = 0;
}

const char *prom_label(const struct prom_sample *s, const char *name)
{
	for (size_t i = 0; i < s->labels_nr; i++)
		if (!strcmp(s->labels[i].name, name))
			return s->labels[i].value;
	return NULL;
}
