/* opt: see opt.h. */
#include "common/opt.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/vec.h"

/* Which options the last parse saw, per table (tables are static, so the pointer is a key). */
static const struct opt_cmd *last_cmd;
/* the most rows a table may have (bench has 66): opt_parse asserts it */
static bool given[128];

bool opt_given(const struct opt_cmd *cmd, const char *name)
{
	if (cmd != last_cmd)
		return false;
	for (size_t i = 0; i < cmd->nr; i++)
		if (!strcmp(cmd->opts[i].name, name))
			return given[i];
	return false;
}

static bool looks_negative_number(const char *s)
{
	if (s[0] != '-' || !s[1])
		return false;
	char *end;
	strtod(s, &end);
	return *end == '\0';
}

static bool is_multi(const struct opt *o)
{
	return o->type == OPT_LIST || o->type == OPT_INT_LIST;
}

static bool is_option(const char *s)
{
	return s[0] == '-' && s[1] && !looks_negative_number(s);
}

/* Exact match first, then a unique prefix. Returns the index, or -1 after a usage error. */
static int find_opt(const struct opt_cmd *cmd, const char *name, size_t len, struct diags *d)
{
	for (size_t i = 0; i < cmd->nr; i++)
		if (strlen(cmd->opts[i].name) == len && !strncmp(cmd->opts[i].name, name, len))
			return (int)i;
	int found = -1, count = 0;
	struct buf cands = BUF_INIT;
	for (size_t i = 0; i < cmd->nr; i++) {
		if (!strncmp(cmd->opts[i].name, name, len)) {
			buf_addf(&cands, "%s--%s", count ? ", " : "", cmd->opts[i].name);
			found = (int)i;
			count++;
		}
	}
	if (len == 4 && !strncmp(name, "help", 4))
		found = -2;
	int rc = found;
	if (count == 0 && found != -2) {
		diags_usagef(d, "unknown option '--%.*s'", (int)len, name);
		rc = -1;
	} else if (count > 1) {
		diags_usagef(d, "ambiguous option '--%.*s' could be: %s", (int)len, name, cands.s);
		rc = -1;
	}
	buf_release(&cands);
	return rc;
}

static int check_choice(const struct opt *o, const char *v, struct diags *d)
{
	if (!o->choices)
		return 0;
	struct buf list = BUF_INIT;
	for (size_t i = 0; o->choices[i]; i++) {
		if (!strcmp(o->choices[i], v)) {
			buf_release(&list);
			return 0;
		}
		buf_addf(&list, "%s'%s'", i ? ", " : "", o->choices[i]);
	}
	diags_usagef(d, "--%s: invalid choice '%s' (choose from %s)", o->name, v, list.s);
	buf_release(&list);
	return -1;
}

static int store_value(const struct opt *o, const char *v, struct diags *d)
{
	switch (o->type) {
	case OPT_STR:
		if (check_choice(o, v, d))
			return -1;
		if (o->dest)
			*(const char **)o->dest = v;
		return 0;
	case OPT_INT:
	case OPT_INT_LIST: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (!*v || *end || errno)
			return diags_usagef(d, "--%s: expected an integer, found '%s'", o->name, v);
		if (n < o->min)
			return diags_usagef(d, "--%s: must be >= %ld, found %ld", o->name, o->min, n);
		if (!o->dest)
			return 0;
		if (o->type == OPT_INT_LIST)
			VEC_PUSH((struct longvec *)o->dest, n);
		else
			*(long *)o->dest = n;
		return 0;
	}
	case OPT_DOUBLE: {
		char *end;
		errno = 0;
		double n = strtod(v, &end);
		if (!*v || *end || errno || isnan(n))
			return diags_usagef(d, "--%s: expected a number, found '%s'", o->name, v);
		if (n < (double)o->min)
			return diags_usagef(d, "--%s: must be >= %ld, found '%s'", o->name, o->min, v);
		if (o->dest)
			*(double *)o->dest = n;
		return 0;
	}
	case OPT_LIST: {
		if (check_choice(o, v, d))
			return -1;
		struct strvec *sv = o->dest;
		if (sv)
			VEC_PUSH(sv, v);
		return 0;
	}
	case OPT_FLAG:
		break;
	}
	return -1;
}

/* A conflict declared on both rows is reported once: from the earlier row. */
static bool reported_from_other_row(const struct opt_cmd *cmd, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (cmd->opts[k].conflicts && !strcmp(cmd->opts[k].conflicts, cmd->opts[i].name) &&
		    !strcmp(cmd->opts[i].conflicts, cmd->opts[k].name))
			return true;
	return false;
}

int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, struct strvec *positional,
	      struct diags *d)
{
	assert(cmd->nr <= sizeof(given) / sizeof(given[0]));
	last_cmd = cmd;
	memset(given, 0, sizeof(given));
	/* help wins over every other problem */
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	int rc = 0;
	bool only_positional = false;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (only_positional || !is_option(arg)) {
			if (!positional) {
				rc = diags_usagef(d, "unexpected argument '%s'", arg);
				continue;
			}
			VEC_PUSH(positional, arg);
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_positional = true;
			continue;
		}
		if (arg[1] != '-') {
			rc = diags_usagef(d, "unknown option '%s'", arg);
			continue;
		}
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int idx = find_opt(cmd, name, len, d);
		if (idx == -2)
			return 1;
		if (idx < 0) {
			/* its values would only produce more messages */
			while (!eq && i + 1 < argc && !is_option(argv[i + 1]))
				i++;
			rc = -1;
			continue;
		}
		const struct opt *o = &cmd->opts[idx];
		if (given[idx] && !(o->flags & OPT_APPEND) && o->type == OPT_LIST && o->dest)
			((struct strvec *)o->dest)->nr = 0; /* the last occurrence wins */
		if (given[idx] && !(o->flags & OPT_APPEND) && o->type == OPT_INT_LIST && o->dest)
			((struct longvec *)o->dest)->nr = 0;
		given[idx] = true;
		if (o->type == OPT_FLAG) {
			if (eq) {
				rc = diags_usagef(d, "--%s takes no value", o->name);
				continue;
			}
			if (o->dest)
				*(bool *)o->dest = true;
			continue;
		}
		if (eq) {
			if (store_value(o, eq + 1, d))
				rc = -1;
		} else if (i + 1 < argc && !is_option(argv[i + 1])) {
			if (store_value(o, argv[++i], d))
				rc = -1;
		} else {
			rc = diags_usagef(d, "--%s: expected %s", o->name,
					  is_multi(o) ? "at least one value" : "a value");
			continue;
		}
		if (is_multi(o))
			while (i + 1 < argc && !is_option(argv[i + 1]))
				if (store_value(o, argv[++i], d))
					rc = -1;
	}
	for (size_t i = 0; i < cmd->nr; i++) {
		const struct opt *o = &cmd->opts[i];
		if ((o->flags & OPT_REQUIRED) && !given[i])
			rc = diags_usagef(d, "the option --%s is required", o->name);
		if (o->conflicts && given[i] && opt_given(cmd, o->conflicts) &&
		    !reported_from_other_row(cmd, i))
			rc = diags_usagef(d, "--%s cannot be used with --%s", o->name, o->conflicts);
	}
	return rc;
}

int opt_parse_or_help(const struct opt_cmd *cmd, int argc, char **argv,
		      struct strvec *positional, struct buf *out, struct diags *d)
{
	int rc = opt_parse(cmd, argc, argv, positional, d);
	if (rc == 1)
		opt_help(out, cmd);
	return rc;
}

void opt_help(struct buf *out, const struct opt_cmd *cmd)
{
	buf_addf(out, "usage: %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
	for (size_t i = 0; i < cmd->nr; i++) {
		const struct opt *o = &cmd->opts[i];
		struct buf left = BUF_INIT;
		buf_addf(&left, "  --%s", o->name);
		if (o->type != OPT_FLAG)
			buf_addf(&left, " %s%s", o->metavar ? o->metavar : "V",
				 is_multi(o) ? "..." : "");
		buf_addf(out, "%-30s", left.s);
		if (left.len >= 30)
			buf_addf(out, "\n%30s", "");
		buf_adds(out, o->help);
		if (o->choices) {
			buf_adds(out, " {");
			for (size_t c = 0; o->choices[c]; c++)
				buf_addf(out, "%s%s", c ? "," : "", o->choices[c]);
			buf_adds(out, "}");
		}
		if (o->flags & OPT_REQUIRED)
			buf_adds(out, " (required)");
		buf_addch(out, '\n');
		buf_release(&left);
	}
	buf_addf(out, "%-30s%s\n", "  -h, --help", "show this help and exit");
	if (cmd->epilog)
		buf_addf(out, "\n%s", cmd->epilog);
	/* a command whose statuses mean more says so in its epilog */
	if (!cmd->epilog || !strstr(cmd->epilog, "exit status:"))
		buf_adds(out, "\nexit status: 0 success, 1 error, 2 usage error\n");
}
