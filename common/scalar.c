/* scalar: see scalar.h. */
#include "common/scalar.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/yamltree.h"

static const char *const null_words[] = { "~", "null", "Null", "NULL" };
static const char *const bool_alt_words[] = {
	"True", "TRUE", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
	"on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
};
static const char *const float_words[] = {
	".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
	".nan", ".NaN", ".NAN",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[0] == list[i][0] && !strcmp(s, list[i]))
			return true;
	return false;
}

#define IN(s, list) in_list(s, list, sizeof(list) / sizeof(list[0]))

static bool all_chars(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

static bool is_decimal(const char *s)
{
	if (*s == '-')
		s++;
	if (!all_chars(s, "0123456789"))
		return false;
	return s[0] != '0' || s[1] == '\0';
}

/* YAML 1.1 int forms and YAML 1.2 forms that are not plain decimal. */
static bool is_int_alt(const char *s)
{
	if (*s == '-' || *s == '+') {
		if (*s == '+' && is_decimal(s + 1))
			return true;
		s++;
	}
	if (!*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return all_chars(s + 2, "0123456789abcdefABCDEF_");
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		return all_chars(s + 2, "01234567_");
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return all_chars(s + 2, "01_");
	if (!isdigit((unsigned char)s[0]))
		return false;
	if (all_chars(s, "0123456789_"))
		return true; /* 010, 1_000 */
	/* sexagesimal: [1-9][0-9_]*(:[0-5]?[0-9])+ */
	const char *colon = strchr(s, ':');
	if (!colon || s[0] == '0')
		return false;
	for (const char *p = s; p < colon; p++)
		if (!isdigit((unsigned char)*p) && *p != '_')
			return false;
	for (const char *p = colon; *p;) {
		if (*p != ':')
			return false;
		p++;
		size_t n = strspn(p, "0123456789");
		if (n < 1 || n > 2 || (n == 2 && p[0] > '5'))
			return false;
		p += n;
	}
	return true;
}

static bool is_float(const char *s)
{
	if (IN(s, float_words))
		return true;
	if (*s == '-' || *s == '+')
		s++;
	/* digits with optional '_' and one '.', optional exponent; YAML 1.2 also reads 1e3 */
	size_t digits = 0, dots = 0;
	const char *p = s;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else if (*p != '_' && *p != ':')
			return false;
	}
	if (!digits || dots > 1)
		return false;
	if (*p) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!all_chars(p, "0123456789"))
			return false;
		return true;
	}
	if (dots == 1)
		return true;
	return false;
}

static bool digits(const char *s, size_t min, size_t max, size_t *n)
{
	*n = strspn(s, "0123456789");
	return *n >= min && *n <= max;
}

/* YAML 1.1's timestamp: a date yyyy-mm-dd (two-digit month and day), or yyyy-m-d followed by
 * T, t or blanks and a time h:mm:ss (fraction and zone allowed). Anything else is a string in
 * both YAML 1.1 and 1.2 readers. */
static bool is_timestamp(const char *s)
{
	size_t n;
	if (!digits(s, 4, 4, &n) || s[4] != '-')
		return false;
	const char *p = s + 5;
	if (!digits(p, 1, 2, &n) || p[n] != '-')
		return false;
	size_t month = n;
	p += n + 1;
	if (!digits(p, 1, 2, &n))
		return false;
	size_t day = n;
	p += n;
	if (!*p)
		return month == 2 && day == 2;
	if (*p == 'T' || *p == 't')
		p++;
	else if (*p == ' ' || *p == '\t')
		p += strspn(p, " \t");
	else
		return false;
	if (!digits(p, 1, 2, &n) || p[n] != ':')
		return false;
	p += n + 1;
	if (!digits(p, 2, 2, &n) || p[n] != ':')
		return false;
	p += n + 1;
	return digits(p, 2, 2, &n);
}

enum scalar_kind scalar_classify(const struct ynode *n)
{
	if (n->kind != YNODE_SCALAR)
		return SC_STRING;
	if (n->tag) {
		if (!strcmp(n->tag, "tag:yaml.org,2002:str"))
			return SC_STRING;
		if (!strcmp(n->tag, "tag:yaml.org,2002:null"))
			return SC_NULL;
	}
	if (!n->plain)
		return SC_STRING;
	const char *s = n->str;
	/* fast path, most scalars are names: every null, boolean, number and date word starts
	 * with one of these letters or with a character that is not a letter */
	if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z' && !strchr("nNtTfFyYoO", *s))
		return SC_STRING;
	/* numbers and longer names are the other common cases: no null or boolean word starts
	 * with a digit or is longer than 5 characters, and a config holds thousands of them
	 * (26 string compares each cost more than the rest) */
	if (!isdigit((unsigned char)*s) && n->len <= 5) {
		if (!*s || IN(s, null_words))
			return SC_NULL;
		static const char *const bool_words[] = { "true", "false" };
		if (IN(s, bool_words))
			return SC_BOOL;
		if (IN(s, bool_alt_words))
			return SC_BOOL_ALT;
	}
	if (is_decimal(s))
		return SC_INT;
	if (is_int_alt(s))
		return SC_INT_ALT;
	if (is_float(s))
		return SC_FLOAT;
	if (is_timestamp(s))
		return SC_TIMESTAMP;
	return SC_STRING;
}

void scalar_describe(struct buf *out, const struct ynode *n)
{
	if (n->kind != YNODE_SCALAR) {
		buf_adds(out, ynode_kind_name(n));
		return;
	}
	struct buf q = BUF_INIT;
	buf_add_escaped(&q, n->str, n->len);
	switch (scalar_classify(n)) {
	case SC_STRING:
		buf_addf(out, "string \"%s\"", q.s);
		break;
	case SC_NULL:
		buf_adds(out, "null");
		break;
	case SC_BOOL:
		buf_addf(out, "boolean %s", q.s);
		break;
	case SC_BOOL_ALT:
		buf_addf(out, "'%s' (a boolean in YAML 1.1)", q.s);
		break;
	case SC_INT:
		buf_addf(out, "integer %s", q.s);
		break;
	case SC_INT_ALT:
		buf_addf(out, "'%s' (an integer only in some YAML readers)", q.s);
		break;
	case SC_FLOAT:
		buf_addf(out, "float %s", q.s);
		break;
	case SC_TIMESTAMP:
		buf_addf(out, "date '%s'", q.s);
		break;
	}
	buf_release(&q);
}

bool scalar_to_long(long *out, const struct ynode *n)
{
	if (scalar_classify(n) != SC_INT)
		return false;
	errno = 0;
	char *end;
	long v = strtol(n->str, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}
