/* pynum: see pynum.h. */
#include "common/pynum.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"

/* s without surrounding ASCII whitespace, as an owned copy; NULL when nothing is left. */
static char *trimmed(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

bool pynum_float(double *out, const char *s)
{
	char *t = trimmed(s);
	if (!t)
		return false;
	const char *body = t + (*t == '+' || *t == '-');
	bool ok = false;
	if (!strcasecmp(body, "inf") || !strcasecmp(body, "infinity")) {
		*out = *t == '-' ? -INFINITY : INFINITY;
		ok = true;
	} else if (!strcasecmp(body, "nan")) {
		*out = NAN;
		ok = true;
	} else if (*body && strspn(body, "0123456789.eE+-") == strlen(body) &&
		   (isdigit((unsigned char)*body) || *body == '.')) {
		/* decimal only: strtod alone would also take hex and "nan(...)" */
		char *end;
		double v = strtod(t, &end);
		if (!*end) {
			*out = v;
			ok = true;
		}
	}
	free(t);
	return ok;
}

bool pynum_is_int(const char *s)
{
	char *t = trimmed(s);
	if (!t)
		return false;
	const char *body = t + (*t == '+' || *t == '-');
	bool ok = *body && strspn(body, "0123456789") == strlen(body);
	free(t);
	return ok;
}
