/* jscan: see jscan.h. */
#include "executor/load/jscan.h"

#include <stdbool.h>
#include <string.h>

struct js {
	const char *p, *end;
};

static void ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool hex4(const char *p)
{
	for (int i = 0; i < 4; i++) {
		char c = (char)(p[i] | 0x20);
		if (!((p[i] >= '0' && p[i] <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* A string; on success s and n give its raw bytes between the quotes (escapes left as is). */
static int scan_string(struct js *j, const char **s, size_t *n)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	const char *start = ++j->p;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			*s = start;
			*n = (size_t)(j->p - start);
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->end - j->p < 2)
				return -1;
			char e = j->p[1];
			if (e == 'u') {
				if (j->end - j->p < 6 || !hex4(j->p + 2))
					return -1;
				j->p += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || !e)
				return -1;
			j->p += 2;
			continue;
		}
		j->p++;
	}
	return -1;
}

static bool digit(struct js *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

/* A number; *ival gets its value when it is a plain integer, else stays -1. */
static int scan_number(struct js *j, long long *ival)
{
	const char *start = j->p;
	bool neg = false, integral = true;
	if (j->p < j->end && *j->p == '-') {
		neg = true;
		j->p++;
	}
	if (!digit(j))
		return -1;
	if (*j->p == '0')
		j->p++;
	else
		while (digit(j))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		integral = false;
		j->p++;
		if (!digit(j))
			return -1;
		while (digit(j))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		integral = false;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digit(j))
			return -1;
		while (digit(j))
			j->p++;
	}
	if (ival && integral && !neg && j->p - start <= 18) {
		long long v = 0;
		for (const char *q = start; q < j->p; q++)
			v = v * 10 + (*q - '0');
		*ival = v;
	}
	return 0;
}

static int scan_literal(struct js *j, const char *lit)
{
	size_t k = strlen(lit);
	if ((size_t)(j->end - j->p) < k || memcmp(j->p, lit, k))
		return -1;
	j->p += k;
	return 0;
}

/* Called for each member of an object being scanned; returns -1 on malformed input. */
typedef int (*member_fn)(struct js *j, const char *key, size_t klen, int depth, void *arg);

static int scan_value(struct js *j, int depth);

static int scan_object(struct js *j, int depth, member_fn fn, void *arg)
{
	j->p++; /* '{' */
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t kn;
		ws(j);
		if (scan_string(j, &k, &kn))
			return -1;
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return -1;
		j->p++;
		ws(j);
		if (fn ? fn(j, k, kn, depth, arg) : scan_value(j, depth + 1))
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == '}') {
			j->p++;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
	}
}

static int scan_array(struct js *j, int depth)
{
	j->p++; /* '[' */
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		ws(j);
		if (scan_value(j, depth + 1))
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
	}
}

static int scan_value(struct js *j, int depth)
{
	if (depth > JSCAN_MAX_DEPTH || j->p >= j->end)
		return -1;
	const char *s;
	size_t n;
	switch (*j->p) {
	case '{': return scan_object(j, depth, NULL, NULL);
	case '[': return scan_array(j, depth);
	case '"': return scan_string(j, &s, &n);
	case 't': return scan_literal(j, "true");
	case 'f': return scan_literal(j, "false");
	case 'n': return scan_literal(j, "null");
	default: return scan_number(j, NULL);
	}
}

static bool key_is(const char *k, size_t kn, const char *name)
{
	return kn == strlen(name) && !memcmp(k, name, kn);
}

static int usage_member(struct js *j, const char *k, size_t kn, int depth, void *arg)
{
	struct jscan_event *ev = arg;
	if (key_is(k, kn, "completion_tokens") && j->p < j->end && *j->p != '{' && *j->p != '[' &&
	    *j->p != '"' && *j->p != 't' && *j->p != 'f' && *j->p != 'n') {
		long long v = -1;
		if (scan_number(j, &v))
			return -1;
		ev->completion_tokens = v;
		return 0;
	}
	return scan_value(j, depth + 1);
}

static int top_member(struct js *j, const char *k, size_t kn, int depth, void *arg)
{
	struct jscan_event *ev = arg;
	if (key_is(k, kn, "choices") && j->p < j->end && *j->p == '[') {
		const char *after = j->p + 1;
		while (after < j->end && (*after == ' ' || *after == '\t' || *after == '\n' ||
					  *after == '\r'))
			after++;
		ev->choices = after < j->end && *after == ']' ? JS_CHOICES_EMPTY : JS_CHOICES_NONEMPTY;
	} else if (key_is(k, kn, "choices")) {
		ev->choices = JS_CHOICES_MISSING;
	}
	if (key_is(k, kn, "usage") && j->p < j->end && *j->p == '{') {
		ev->completion_tokens = -1;
		return scan_object(j, depth + 1, usage_member, ev);
	}
	return scan_value(j, depth + 1);
}

int jscan_event(struct jscan_event *out, const char *s, size_t n)
{
	struct js j = { s, s + n };
	out->choices = JS_CHOICES_MISSING;
	out->completion_tokens = -1;
	ws(&j);
	int rc;
	if (j.p < j.end && *j.p == '{')
		rc = scan_object(&j, 0, top_member, out);
	else
		rc = scan_value(&j, 0);
	if (rc)
		return -1;
	ws(&j);
	return j.p == j.end ? 0 : -1;
}
