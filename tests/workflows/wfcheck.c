/*
 * wfcheck: static checks of the GitHub Actions workflows in .github/workflows/, for what
 * actionlint does not see (local reusable workflows, our own rules), and of their consistency
 * with what matrixgen prints.
 *
 *   wfcheck [--root DIR] [--template KIND=FILE]... [--entries KIND=FILE]...
 *           [--changelog FILE]... [--step-outputs JOB:STEP=FILE]... [--dump-run DIR] WORKFLOW...
 *
 * --dump-run DIR also writes each `run:` script to DIR/<workflow>.<job>.<step>.sh (with a
 * bash shebang), for shellcheck (tests/workflows/shellcheck.sh).
 *
 * WORKFLOW: workflow files (paths as given; local `uses: ./X` are resolved under --root,
 * default "."). KIND is `single` or `multi`.
 *
 * Rules, each checked per workflow file (one result each, see the end of main):
 *   yaml            the file parses as YAML (one document, a mapping; no aliases)
 *   structure       `on` and a non-empty `jobs` mapping are present
 *   runs-on         every job has exactly one of `runs-on` (with `steps`) and `uses`
 *   needs           every name under `needs` is a job of the workflow, not the job itself
 *   inputs          every `inputs.X` is declared (under on.workflow_call.inputs when the
 *                   workflow is reusable, else under on.workflow_dispatch.inputs)
 *   needs-ref       `needs.J.*` names a job J of the job's `needs`; `needs.J.outputs.O` an
 *                   output J declares (for a `uses:` job J, the called workflow's outputs)
 *   reusable        a local `uses:` names an existing file with `on.workflow_call`; every
 *                   required input is passed, every `with` key is declared, and likewise for
 *                   named secrets
 *   step-ref        `steps.ID.*` names a step `id` of the same job, of an earlier step
 *   run-injection   no `${{ }}` at all in `run:` text (pass values through `env:`)
 *   pinned          remote actions are pinned by major version (`@v4`) or a full commit SHA
 *   shell           every `run:` step says `shell: bash` (or a `defaults.run.shell: bash`)
 *   strict-mode     a `run:` script of several lines starts with `set -euo pipefail`
 * With --template and --entries (the JSON array matrixgen printed, one KIND per file):
 *   entry-keys      in a job calling the KIND template, each `matrix.config.X[.Y]` exists in
 *                   every KIND entry, and the matrix comes from a setup output of that kind
 *                   (`..._single_...` / `..._multi_...`; with --step-outputs, every entry of
 *                   that output is of the KIND, and `matrix.config.X` exists in each of them);
 *                   in the KIND template, each `fromJSON(inputs.entry).X[.Y]` and each path a
 *                   `jq` program on $ENTRY reads exists in every KIND entry, except a jq path
 *                   followed by `//` (a default), which must exist in some entry
 * With --changelog (the object `matrixgen changelog` printed):
 *   changelog-keys  each `fromJSON(needs.J.outputs.matrix).A['B']` names a key A of the
 *                   object and, under single_node/multi_node, a group (1k1k, 1k8k, 8k1k,
 *                   agentic, or one present in the given objects); the entries of the
 *                   groups and of the v2 eval buckets are entries of their kind
 * With --step-outputs (the NAME=VALUE lines a step appends to $GITHUB_OUTPUT):
 *   step-outputs    (several files for one JOB:STEP: their union; a JSON array value is the
 *                   entries of that output, for entry-keys)
 *                   job JOB maps every NAME into its outputs as `steps.STEP.outputs.NAME`,
 *                   references no other `steps.STEP.outputs.*`, and every such job output
 *                   is read by some other job (`needs.JOB.outputs.O`); so nothing the step
 *                   computes (a slice of the sweep) is left without a job
 *
 * Prints each problem as FILE:LINE:COL: [rule] message, then "N passed, N failed";
 * exit status 0 when nothing failed, 1 otherwise, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <cjson/cJSON.h>
#include <yaml.h>

/* ---- memory: everything is freed at exit (LeakSanitizer runs this in the ASan build) ---- */

static void **allocs;
static size_t n_allocs, cap_allocs;

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p || (n_allocs == cap_allocs && !(cap_allocs = cap_allocs ? 2 * cap_allocs : 256,
						 allocs = realloc(allocs, cap_allocs * sizeof *allocs)))) {
		fprintf(stderr, "wfcheck: out of memory\n");
		exit(2);
	}
	allocs[n_allocs++] = p;
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

static char *xprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

static void free_all(void)
{
	for (size_t i = 0; i < n_allocs; i++)
		free(allocs[i]);
	free(allocs);
}

/* A growable array of pointers. */
struct vec {
	void **v;
	size_t n, cap;
};

static void vpush(struct vec *a, void *p)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 8;
		void **v = xmalloc(cap * sizeof *v);
		if (a->n)
			memcpy(v, a->v, a->n * sizeof *v);
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = p;
}

/* ---- YAML tree ---- */

enum ntype { N_SCALAR, N_SEQ, N_MAP };

struct node {
	enum ntype type;
	const char *val;  /* scalar text */
	bool plain;       /* a plain (unquoted) scalar */
	int line, col;    /* 1-based */
	struct vec items; /* seq: nodes; map: key, value, key, value, ... */
};

struct loader {
	yaml_parser_t p;
	yaml_event_t ev;
	const char *file;
	char err[512];
	int line, col; /* where the error is */
};

static bool next_event(struct loader *l)
{
	yaml_event_delete(&l->ev);
	if (!yaml_parser_parse(&l->p, &l->ev)) {
		l->line = (int)l->p.problem_mark.line + 1;
		l->col = (int)l->p.problem_mark.column + 1;
		snprintf(l->err, sizeof l->err, "%s%s%s", l->p.problem ? l->p.problem : "YAML error",
			 l->p.context ? " " : "", l->p.context ? l->p.context : "");
		l->ev.type = YAML_NO_EVENT;
		return false;
	}
	return true;
}

static struct node *load_node(struct loader *l)
{
	struct node *n = xmalloc(sizeof *n);
	n->line = (int)l->ev.start_mark.line + 1;
	n->col = (int)l->ev.start_mark.column + 1;
	switch (l->ev.type) {
	case YAML_SCALAR_EVENT:
		n->type = N_SCALAR;
		n->val = xstrndup((const char *)l->ev.data.scalar.value, l->ev.data.scalar.length);
		n->plain = l->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return next_event(l) ? n : NULL;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = l->ev.type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		n->type = map ? N_MAP : N_SEQ;
		if (!next_event(l))
			return NULL;
		while (l->ev.type != end) {
			struct node *c = load_node(l);
			if (!c)
				return NULL;
			if (map && c->type != N_SCALAR && n->items.n % 2 == 0) {
				snprintf(l->err, sizeof l->err, "a mapping key must be a scalar");
				l->line = c->line;
				l->col = c->col;
				return NULL;
			}
			vpush(&n->items, c);
		}
		return next_event(l) ? n : NULL;
	}
	case YAML_ALIAS_EVENT:
		snprintf(l->err, sizeof l->err, "aliases are not used in workflows");
		l->line = n->line;
		l->col = n->col;
		return NULL;
	default:
		snprintf(l->err, sizeof l->err, "unexpected YAML event");
		l->line = n->line;
		l->col = n->col;
		return NULL;
	}
}

/* Loads FILE; NULL and *err, *at set on any error (also: not exactly one document). */
static struct node *load_yaml(const char *file, const char **err, struct node **at)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		*err = xprintf("cannot open: %s", strerror(errno));
		*at = NULL;
		return NULL;
	}
	struct loader l = {.file = file};
	yaml_parser_initialize(&l.p);
	yaml_parser_set_input_file(&l.p, f);
	struct node *root = NULL;
	memset(&l.ev, 0, sizeof l.ev);
	if (next_event(&l) && l.ev.type == YAML_STREAM_START_EVENT && next_event(&l)) {
		if (l.ev.type != YAML_DOCUMENT_START_EVENT)
			snprintf(l.err, sizeof l.err, "empty file");
		else if (next_event(&l) && (root = load_node(&l)) != NULL) {
			if (l.ev.type != YAML_DOCUMENT_END_EVENT)
				root = NULL;
			else if (next_event(&l) && l.ev.type != YAML_STREAM_END_EVENT) {
				snprintf(l.err, sizeof l.err, "more than one YAML document");
				root = NULL;
			}
		}
	}
	if (!root && !l.err[0])
		snprintf(l.err, sizeof l.err, "YAML error");
	yaml_event_delete(&l.ev);
	yaml_parser_delete(&l.p);
	fclose(f);
	if (!root) {
		*err = xstrdup(l.err);
		*at = xmalloc(sizeof **at);
		(*at)->line = l.line ? l.line : 1;
		(*at)->col = l.col ? l.col : 1;
	}
	return root;
}

static struct node *map_get(const struct node *m, const char *key)
{
	if (!m || m->type != N_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->items.n; i += 2)
		if (strcmp(((struct node *)m->items.v[i])->val, key) == 0)
			return m->items.v[i + 1];
	return NULL;
}

#define MAP_EACH(m, K, V)                                                                          \
	for (size_t i_ = 0; (m) && (m)->type == N_MAP && i_ + 1 < (m)->items.n; i_ += 2)            \
		for (struct node *K = (m)->items.v[i_], *V = (m)->items.v[i_ + 1]; K; K = NULL, (void)V)

static bool is_scalar(const struct node *n, const char *val)
{
	return n && n->type == N_SCALAR && (!val || strcmp(n->val, val) == 0);
}

/* ---- results ---- */

enum rule {
	R_YAML, R_STRUCTURE, R_RUNS_ON, R_NEEDS, R_INPUTS, R_NEEDS_REF, R_REUSABLE, R_STEP_REF,
	R_RUN_INJECTION, R_PINNED, R_SHELL, R_STRICT, R_ENTRY_KEYS, R_CHANGELOG_KEYS,
	R_STEP_OUTPUTS, R_COUNT
};

static const char *const rule_names[R_COUNT] = {
	"yaml", "structure", "runs-on", "needs", "inputs", "needs-ref", "reusable", "step-ref",
	"run-injection", "pinned", "shell", "strict-mode", "entry-keys", "changelog-keys",
	"step-outputs",
};

static bool rule_failed[R_COUNT];
static bool rule_applies[R_COUNT];

static void problem(enum rule r, const char *file, const struct node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s:%d:%d: [%s] ", file, at ? at->line : 1, at ? at->col : 1, rule_names[r]);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	rule_failed[r] = true;
}

/* ---- expressions: the property paths they read ---- */

/* A path: segments; seg[0] may be "fromJSON(<inner path>)"; "*" and "?" (computed index). */
struct path {
	const char *seg[16];
	int n;
	bool optional; /* a jq path followed by `//` (a default for a key some entries lack) */
};

static bool ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

/* s[i] is a quote: returns the index after the closing quote ('' is an escaped quote). */
static size_t skip_string(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++)
		if (s[i] == '\'') {
			if (i + 1 < n && s[i + 1] == '\'')
				i++;
			else
				return i + 1;
		}
	return n;
}

/* s[i] is an opening bracket: returns the index of the matching closing one (or n). */
static size_t match_close(const char *s, size_t i, size_t n)
{
	int depth = 0;
	while (i < n) {
		if (s[i] == '\'') {
			i = skip_string(s, i, n);
			continue;
		}
		if (s[i] == '(' || s[i] == '[')
			depth++;
		else if ((s[i] == ')' || s[i] == ']') && --depth == 0)
			return i;
		i++;
	}
	return n;
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i;
}

static void scan_expr(const char *s, size_t n, struct vec *out);

/* Reads the segments after a path head (.x, .*, ['x'], [expr]) from s[*i]. */
static void read_segments(const char *s, size_t *i, size_t n, struct path *p, struct vec *out)
{
	for (;;) {
		if (*i < n && s[*i] == '.') {
			size_t j = *i + 1;
			if (j < n && s[j] == '*') {
				if (p->n < 16)
					p->seg[p->n++] = "*";
				*i = j + 1;
				continue;
			}
			size_t k = j;
			while (k < n && ident_char(s[k]))
				k++;
			if (k == j)
				return;
			if (p->n < 16)
				p->seg[p->n++] = xstrndup(s + j, k - j);
			*i = k;
		} else if (*i < n && s[*i] == '[') {
			size_t close = match_close(s, *i, n);
			size_t j = skip_space(s, *i + 1, n);
			if (j < n && s[j] == '\'') {
				size_t e = skip_string(s, j, n);
				if (skip_space(s, e, n) == close) {
					if (p->n < 16)
						p->seg[p->n++] = xstrndup(s + j + 1, e - j - 2);
					*i = close + 1;
					continue;
				}
			}
			scan_expr(s + *i + 1, close - *i - 1, out);
			if (p->n < 16)
				p->seg[p->n++] = "?";
			*i = close < n ? close + 1 : n;
		} else
			return;
	}
}

static void scan_expr(const char *s, size_t n, struct vec *out)
{
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		if (c == '\'') {
			i = skip_string(s, i, n);
			continue;
		}
		if (!ident_start(c) || (i > 0 && (ident_char(s[i - 1]) || s[i - 1] == '.'))) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && ident_char(s[j]))
			j++;
		char *head = xstrndup(s + i, j - i);
		size_t k = skip_space(s, j, n);
		struct path *p = xmalloc(sizeof *p);
		if (k < n && s[k] == '(') { /* a function call */
			size_t close = match_close(s, k, n);
			scan_expr(s + k + 1, close - k - 1, out);
			i = close < n ? close + 1 : n;
			if (strcasecmp(head, "fromJSON") != 0)
				continue;
			size_t a = skip_space(s, k + 1, close), b = close;
			while (b > a && isspace((unsigned char)s[b - 1]))
				b--;
			p->seg[p->n++] = xprintf("fromJSON(%.*s)", (int)(b - a), s + a);
			read_segments(s, &i, n, p, out);
			if (p->n > 1)
				vpush(out, p);
			continue;
		}
		i = j;
		if (!strcmp(head, "true") || !strcmp(head, "false") || !strcmp(head, "null"))
			continue;
		p->seg[p->n++] = head;
		read_segments(s, &i, n, p, out);
		vpush(out, p);
	}
}

/* The paths read by the expressions of a scalar: its ${{ }} parts, or the whole text of an
 * `if:` without them. */
static void scalar_paths(const char *val, bool whole, struct vec *out)
{
	if (whole && !strstr(val, "${{")) {
		scan_expr(val, strlen(val), out);
		return;
	}
	for (const char *p = strstr(val, "${{"); p; p = strstr(p, "${{")) {
		const char *e = strstr(p + 3, "}}");
		if (!e)
			break;
		scan_expr(p + 3, (size_t)(e - p - 3), out);
		p = e + 2;
	}
}

/* "fromJSON(needs.setup.outputs.x)" -> the inner path, parsed. */
static struct path *inner_path(const char *seg0)
{
	if (strncmp(seg0, "fromJSON(", 9) != 0)
		return NULL;
	struct vec v = {0};
	size_t len = strlen(seg0);
	scan_expr(seg0 + 9, len - 10, &v);
	return v.n == 1 ? v.v[0] : NULL;
}

/* ---- workflows ---- */

struct workflow {
	const char *file;  /* as given */
	const char *rel;   /* path under --root, for matching `uses: ./rel` */
	struct node *root; /* NULL: did not parse */
	struct node *on, *jobs, *call;
};

static const char *root_dir = ".";
static const char *dump_dir;

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static struct workflow *load_workflow(const char *file, const char *shown, bool report)
{
	struct workflow *w = xmalloc(sizeof *w);
	w->file = shown;
	const char *err = NULL;
	struct node *at = NULL;
	w->root = load_yaml(file, &err, &at);
	if (!w->root) {
		if (report)
			problem(R_YAML, shown, at, "%s", err);
		return w;
	}
	if (w->root->type != N_MAP) {
		if (report)
			problem(R_YAML, shown, w->root, "the document is not a mapping");
		w->root = NULL;
		return w;
	}
	w->on = map_get(w->root, "on");
	w->jobs = map_get(w->root, "jobs");
	w->call = w->on && w->on->type == N_MAP ? map_get(w->on, "workflow_call") : NULL;
	if (w->on && is_scalar(w->on, "workflow_call"))
		w->call = w->on;
	if (w->on && w->on->type == N_SEQ)
		for (size_t i = 0; i < w->on->items.n; i++)
			if (is_scalar(w->on->items.v[i], "workflow_call"))
				w->call = w->on->items.v[i];
	return w;
}

/* The called workflows, loaded once each. */
static struct vec called;

static struct workflow *called_workflow(const char *uses)
{
	const char *rel = uses + 2; /* after "./" */
	for (size_t i = 0; i < called.n; i++) {
		struct workflow *w = called.v[i];
		if (!strcmp(w->rel, rel))
			return w;
	}
	const char *path = xprintf("%s/%s", root_dir, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fclose(f);
	struct workflow *w = load_workflow(path, path, false);
	w->rel = xstrdup(rel);
	vpush(&called, w);
	return w;
}

static struct node *call_section(const struct workflow *w, const char *what)
{
	return w && w->call && w->call->type == N_MAP ? map_get(w->call, what) : NULL;
}

/* ---- consistency inputs ---- */

struct kind {
	const char *name;     /* single | multi */
	const char *template; /* file name of the template */
	struct vec entries;   /* cJSON objects */
};

static struct kind kinds[2] = {{.name = "single"}, {.name = "multi"}};
static struct vec json_docs; /* cJSON documents, deleted at exit */
static struct vec changelogs; /* cJSON objects */
static bool have_changelog;

struct step_outputs {
	const char *job, *step, *file;
	struct vec names;  /* the NAMEs written, in order */
	struct vec values; /* values[i]: NAME i's value parsed as JSON (cJSON, NULL when not JSON) */
};
static struct vec step_outputs_opts;

static struct kind *kind_by_name(const char *n)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(kinds[i].name, n))
			return &kinds[i];
	return NULL;
}

static struct kind *kind_of_template(const char *uses)
{
	for (int i = 0; i < 2; i++)
		if (kinds[i].template && !strcmp(basename_of(uses), kinds[i].template))
			return &kinds[i];
	return NULL;
}

static cJSON *read_json(const char *file)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "wfcheck: %s: %s\n", file, strerror(errno));
		exit(2);
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	char chunk[65536];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			char *nb = xmalloc(cap);
			if (len)
				memcpy(nb, buf, len);
			buf = nb;
		}
		memcpy(buf + len, chunk, got);
		len += got;
	}
	fclose(f);
	cJSON *j = cJSON_ParseWithLength(buf ? buf : "", len);
	if (!j) {
		fprintf(stderr, "wfcheck: %s: not JSON\n", file);
		exit(2);
	}
	vpush(&json_docs, j);
	return j;
}

/* Does every entry of kind k have the path seg[from..n)? Names the first one that lacks it. */
static bool entries_have(const struct kind *k, const struct path *p, int from, const char **why)
{
	for (size_t e = 0; e < k->entries.n; e++) {
		const cJSON *x = k->entries.v[e];
		for (int s = from; s < p->n; s++) {
			if (!strcmp(p->seg[s], "?") || !strcmp(p->seg[s], "*"))
				break;
			const cJSON *y = cJSON_IsObject(x) ? cJSON_GetObjectItemCaseSensitive(x, p->seg[s]) : NULL;
			if (!y) {
				const cJSON *nm = cJSON_GetObjectItemCaseSensitive(k->entries.v[e], "exp-name");
				*why = xprintf("entry %zu of %zu (%s) has no \"%s\"", e + 1, k->entries.n,
					       cJSON_IsString(nm) ? nm->valuestring : "?", p->seg[s]);
				return false;
			}
			x = y;
		}
	}
	return true;
}

/* Does some entry of kind k have the path seg[from..n)? (an optional key: a typo is in none) */
static bool entries_some(const struct kind *k, const struct path *p, int from)
{
	for (size_t e = 0; e < k->entries.n; e++) {
		const cJSON *x = k->entries.v[e];
		int s = from;
		for (; s < p->n && strcmp(p->seg[s], "?") && strcmp(p->seg[s], "*"); s++)
			if (!(x = cJSON_IsObject(x) ? cJSON_GetObjectItemCaseSensitive(x, p->seg[s]) : NULL))
				break;
		if (x)
			return true;
	}
	return false;
}

static const char *path_str(const struct path *p, int from)
{
	const char *s = "";
	for (int i = from; i < p->n; i++)
		s = xprintf("%s%s%s", s, i > from ? "." : "", p->seg[i]);
	return s;
}

/* ---- the checks of one workflow ---- */

struct ctx {
	struct workflow *w;
	const char *job_id;
	struct node *job;
	struct kind *job_kind;   /* the kind of the template the job calls */
	struct kind slice;       /* the entries of the step output its matrix comes from
				    (--step-outputs; none when not given), name: that output */
	struct vec step_ids;     /* step id nodes of the job, in order */
	int step;                /* id'd steps before the current step, -1 outside steps */
	int step_no;             /* 1-based number of the current step */
	bool in_outputs;         /* inside jobs.J.outputs */
};

static bool job_needs(const struct node *job, const char *name)
{
	struct node *n = map_get(job, "needs");
	if (is_scalar(n, name))
		return true;
	if (n && n->type == N_SEQ)
		for (size_t i = 0; i < n->items.n; i++)
			if (is_scalar(n->items.v[i], name))
				return true;
	return false;
}

static bool input_declared(const struct workflow *w, const char *name)
{
	if (w->call)
		return map_get(call_section(w, "inputs"), name) != NULL;
	struct node *d = w->on && w->on->type == N_MAP ? map_get(w->on, "workflow_dispatch") : NULL;
	return map_get(map_get(d, "inputs"), name) != NULL;
}

/* The outputs job J declares (a mapping), for its own steps or its called workflow. */
static struct node *job_outputs(struct workflow *w, const char *j, bool *known)
{
	struct node *job = map_get(w->jobs, j);
	struct node *uses = map_get(job, "uses");
	*known = true;
	if (is_scalar(uses, NULL)) {
		if (strncmp(uses->val, "./", 2) != 0) {
			*known = false;
			return NULL;
		}
		return call_section(called_workflow(uses->val), "outputs");
	}
	return map_get(job, "outputs");
}

static void check_path(struct ctx *c, const struct node *at, const struct path *p)
{
	struct workflow *w = c->w;
	const char *h = p->seg[0];
	if (!strcmp(h, "inputs") && p->n >= 2 && strcmp(p->seg[1], "?") && strcmp(p->seg[1], "*")) {
		if (!input_declared(w, p->seg[1]))
			problem(R_INPUTS, w->file, at, "inputs.%s is not declared under on.%s.inputs",
				p->seg[1], w->call ? "workflow_call" : "workflow_dispatch");
	} else if (!strcmp(h, "needs") && p->n >= 2 && c->job) {
		const char *j = p->seg[1];
		if (!job_needs(c->job, j))
			problem(R_NEEDS_REF, w->file, at, "needs.%s: job %s does not need %s", j,
				c->job_id, j);
		else if (p->n >= 4 && !strcmp(p->seg[2], "outputs") && strcmp(p->seg[3], "?")) {
			bool known;
			struct node *outs = job_outputs(w, j, &known);
			if (known && !map_get(outs, p->seg[3]))
				problem(R_NEEDS_REF, w->file, at, "needs.%s.outputs.%s: job %s declares no output %s",
					j, p->seg[3], j, p->seg[3]);
		}
	} else if (!strcmp(h, "steps") && p->n >= 2 && c->job) {
		bool found = false;
		for (size_t i = 0; i < c->step_ids.n; i++) {
			struct node *id = c->step_ids.v[i];
			if (strcmp(id->val, p->seg[1]) == 0)
				found = found || c->in_outputs || (c->step >= 0 && (int)i < c->step);
		}
		if (!found)
			problem(R_STEP_REF, w->file, at, "steps.%s: no %sstep with id %s in job %s",
				p->seg[1], c->step >= 0 ? "earlier " : "", p->seg[1], c->job_id);
	}

	/* entry keys: matrix.config.X in a job calling a template of a known kind */
	if (c->job_kind && !strcmp(h, "matrix") && p->n >= 3 && !strcmp(p->seg[1], "config")) {
		const char *why;
		rule_applies[R_ENTRY_KEYS] = true;
		if (!entries_have(c->job_kind, p, 2, &why))
			problem(R_ENTRY_KEYS, w->file, at, "matrix.config.%s: not in every %s-node entry: %s",
				path_str(p, 2), c->job_kind->name, why);
		else if (c->slice.entries.n && !entries_have(&c->slice, p, 2, &why))
			problem(R_ENTRY_KEYS, w->file, at, "matrix.config.%s: not in every entry of %s: %s",
				path_str(p, 2), c->slice.name, why);
	}
	/* entry keys: fromJSON(inputs.entry).X in a template */
	struct path *in = inner_path(h);
	struct kind *tk = kind_of_template(w->file);
	if (in && tk && in->n == 2 && !strcmp(in->seg[0], "inputs") && !strcmp(in->seg[1], "entry")) {
		const char *why;
		rule_applies[R_ENTRY_KEYS] = true;
		if (!entries_have(tk, p, 1, &why))
			problem(R_ENTRY_KEYS, w->file, at, "fromJSON(inputs.entry).%s: not in every %s-node entry: %s",
				path_str(p, 1), tk->name, why);
	}
	/* changelog keys: fromJSON(needs.J.outputs.matrix).A['B'] */
	if (in && have_changelog && in->n == 4 && !strcmp(in->seg[0], "needs") &&
	    !strcmp(in->seg[2], "outputs") && !strcmp(in->seg[3], "matrix") && p->n >= 2) {
		rule_applies[R_CHANGELOG_KEYS] = true;
		for (size_t i = 0; i < changelogs.n; i++) {
			cJSON *a = cJSON_GetObjectItemCaseSensitive(changelogs.v[i], p->seg[1]);
			if (!a) {
				problem(R_CHANGELOG_KEYS, w->file, at, "%s.%s: matrixgen changelog prints no key %s",
					h, p->seg[1], p->seg[1]);
				break;
			}
			if (p->n >= 3 && (!strcmp(p->seg[1], "single_node") || !strcmp(p->seg[1], "multi_node"))) {
				const char *g = p->seg[2];
				bool std = !strcmp(g, "1k1k") || !strcmp(g, "1k8k") || !strcmp(g, "8k1k") ||
					   !strcmp(g, "agentic");
				bool seen = false;
				for (size_t k = 0; k < changelogs.n; k++)
					if (cJSON_GetObjectItemCaseSensitive(
						    cJSON_GetObjectItemCaseSensitive(changelogs.v[k], p->seg[1]), g))
						seen = true;
				if (!std && !seen) {
					problem(R_CHANGELOG_KEYS, w->file, at, "%s.%s['%s']: not a seq-len group matrixgen prints",
						h, p->seg[1], g);
					break;
				}
			}
		}
	}
}

/* The root paths a jq program reads: `.a`, `.["a"]`, `.a.b`, `.["a"]["b"]` where a path can
 * start (not after an identifier, `)`, `]`, `"` or `$`). */
static void jq_paths(const char *s, size_t n, struct vec *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') { /* a string: skip it */
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			continue;
		}
		if (s[i] != '.')
			continue;
		size_t b = i;
		while (b > 0 && s[b - 1] == ' ')
			b--;
		if (b > 0 && (ident_char(s[b - 1]) || strchr(")]\"$.", s[b - 1])))
			continue;
		struct path *p = xmalloc(sizeof *p);
		size_t j = i;
		for (;;) {
			if (j < n && s[j] == '.' && j + 1 < n && ident_start(s[j + 1])) {
				size_t k = j + 1;
				while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
					k++;
				if (p->n < 16)
					p->seg[p->n++] = xstrndup(s + j + 1, k - j - 1);
				j = k;
			} else if (j + 1 < n && (s[j] == '[' || (s[j] == '.' && s[j + 1] == '[')) &&
				   s[j + (s[j] == '.' ? 2 : 1)] == '"') {
				size_t a = j + (s[j] == '.' ? 3 : 2), e = a;
				while (e < n && s[e] != '"')
					e++;
				if (e + 1 >= n || s[e + 1] != ']')
					break;
				if (p->n < 16)
					p->seg[p->n++] = xstrndup(s + a, e - a);
				j = e + 2;
			} else
				break;
		}
		size_t k = j;
		while (k < n && s[k] == ' ')
			k++;
		p->optional = k + 1 < n && s[k] == '/' && s[k + 1] == '/';
		if (p->n)
			vpush(out, p);
		i = j > i ? j - 1 : i;
	}
}

/* In a template's run: script, the jq programs given the entry (lines with jq and $ENTRY). */
static void check_template_jq(struct ctx *c, const struct node *run)
{
	struct kind *tk = kind_of_template(c->w->file);
	if (!tk)
		return;
	for (const char *p = run->val; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, len);
		p += len + (e ? 1 : 0);
		const char *jq = strstr(line, "jq ");
		if (!jq || !strstr(line, "$ENTRY"))
			continue;
		const char *q = strchr(jq, '\''), *q2 = q ? strchr(q + 1, '\'') : NULL;
		if (!q2)
			continue;
		struct vec paths = {0};
		jq_paths(q + 1, (size_t)(q2 - q - 1), &paths);
		rule_applies[R_ENTRY_KEYS] = true;
		for (size_t i = 0; i < paths.n; i++) {
			const char *why;
			struct path *jp = paths.v[i];
			if (jp->optional) {
				if (!entries_some(tk, jp, 0))
					problem(R_ENTRY_KEYS, c->w->file, run,
						"jq .%s // ... (on the entry): in no %s-node entry (a typo?)",
						path_str(jp, 0), tk->name);
			} else if (!entries_have(tk, paths.v[i], 0, &why))
				problem(R_ENTRY_KEYS, c->w->file, run, "jq .%s (on the entry): not in every %s-node entry: %s",
					path_str(paths.v[i], 0), tk->name, why);
		}
	}
}

static void check_scalar_exprs(struct ctx *c, const struct node *n, bool whole)
{
	struct vec paths = {0};
	scalar_paths(n->val, whole, &paths);
	for (size_t i = 0; i < paths.n; i++)
		check_path(c, n, paths.v[i]);
}

/* Every scalar value below n (keys are not expressions). `if` values are expressions. */
static void walk_values(struct ctx *c, const struct node *n, bool whole)
{
	if (!n)
		return;
	if (n->type == N_SCALAR) {
		check_scalar_exprs(c, n, whole);
		return;
	}
	if (n->type == N_SEQ) {
		for (size_t i = 0; i < n->items.n; i++)
			walk_values(c, n->items.v[i], false);
		return;
	}
	MAP_EACH(n, k, v)
		walk_values(c, v, !strcmp(k->val, "if"));
}

static bool default_shell_bash(const struct node *m)
{
	return is_scalar(map_get(map_get(map_get(m, "defaults"), "run"), "shell"), "bash");
}

static void dump_run(const struct ctx *c, const struct node *run)
{
	const char *path = xprintf("%s/%s.%s.%d.sh", dump_dir, basename_of(c->w->file), c->job_id,
				   c->step_no);
	FILE *f = fopen(path, "w");
	if (!f || fprintf(f, "#!/usr/bin/env bash\n%s", run->val) < 0 || fclose(f) != 0) {
		fprintf(stderr, "wfcheck: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static void check_step(struct ctx *c, struct node *st, bool bash_default)
{
	struct workflow *w = c->w;
	struct node *run = map_get(st, "run");
	struct node *uses = map_get(st, "uses");
	if (dump_dir && is_scalar(run, NULL))
		dump_run(c, run);
	if (run) {
		if (!is_scalar(run, NULL))
			problem(R_SHELL, w->file, run, "run: is not text");
		else {
			check_template_jq(c, run);
			if (strstr(run->val, "${{"))
				problem(R_RUN_INJECTION, w->file, run,
					"run: contains ${{ }}: pass the value through env: instead (script injection)");
			if (!bash_default && !is_scalar(map_get(st, "shell"), "bash"))
				problem(R_SHELL, w->file, st, "run: step without shell: bash");
			/* several non-blank lines: the first must be set -euo pipefail */
			int lines = 0;
			const char *first = NULL;
			for (const char *p = run->val; *p;) {
				const char *e = strchr(p, '\n');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				size_t j = 0;
				while (j < len && isspace((unsigned char)p[j]))
					j++;
				if (j < len && p[j] != '#') {
					if (!lines++)
						first = xstrndup(p + j, len - j);
				}
				p += len + (e ? 1 : 0);
			}
			if (lines > 1 && (!first || strncmp(first, "set -euo pipefail", 17) != 0))
				problem(R_STRICT, w->file, run,
					"a run: script of %d lines does not start with set -euo pipefail", lines);
		}
	}
	if (is_scalar(uses, NULL) && strncmp(uses->val, "./", 2) != 0 &&
	    strncmp(uses->val, "docker://", 9) != 0) {
		const char *at = strrchr(uses->val, '@');
		bool ok = false;
		if (at) {
			const char *r = at + 1;
			size_t len = strlen(r), hex = strspn(r, "0123456789abcdef");
			ok = (r[0] == 'v' && len > 1 && strspn(r + 1, "0123456789") == len - 1) ||
			     (len == 40 && hex == 40);
		}
		if (!ok)
			problem(R_PINNED, w->file, uses, "%s: pin the action by major version (@v4) or a full commit SHA",
				uses->val);
	}
}

static void check_reusable_call(struct ctx *c, struct node *uses)
{
	struct workflow *w = c->w;
	if (strncmp(uses->val, "./", 2) != 0)
		return;
	struct workflow *t = called_workflow(uses->val);
	if (!t) {
		problem(R_REUSABLE, w->file, uses, "%s: no such file under %s", uses->val, root_dir);
		return;
	}
	if (!t->root || !t->call) {
		problem(R_REUSABLE, w->file, uses, "%s: %s", uses->val,
			t->root ? "has no on.workflow_call" : "does not parse");
		return;
	}
	static const char *const what[2] = {"with", "secrets"};
	static const char *const decl[2] = {"inputs", "secrets"};
	for (int s = 0; s < 2; s++) {
		struct node *given = map_get(c->job, what[s]);
		struct node *declared = call_section(t, decl[s]);
		if (s == 1 && is_scalar(given, "inherit"))
			continue;
		MAP_EACH(given, k, v)
			if (!map_get(declared, k->val))
				problem(R_REUSABLE, w->file, k, "%s: %s declares no %s %s", what[s],
					uses->val, s ? "secret" : "input", k->val);
		MAP_EACH(declared, k, v) {
			bool required = is_scalar(map_get(v, "required"), "true");
			if (required && !map_get(v, "default") && !map_get(given, k->val))
				problem(R_REUSABLE, w->file, uses, "%s requires the %s %s, not passed",
					uses->val, s ? "secret" : "input", k->val);
		}
	}
}

/* The entries --step-outputs gave for output NAME of job J (the union over the files). */
static void slice_entries(struct kind *out, const char *j, const char *name)
{
	for (size_t o = 0; o < step_outputs_opts.n; o++) {
		struct step_outputs *so = step_outputs_opts.v[o];
		if (strcmp(so->job, j) != 0)
			continue;
		for (size_t i = 0; i < so->names.n; i++) {
			cJSON *v = so->values.v[i], *e;
			if (strcmp(so->names.v[i], name) != 0 || !cJSON_IsArray(v))
				continue;
			cJSON_ArrayForEach(e, v) vpush(&out->entries, e);
		}
	}
}

/* The matrix of a job calling a KIND template must come from a setup output of that kind: by
 * its name (..._single_... / ..._multi_...) and, when --step-outputs gave its values, by every
 * entry in it (a multi-node entry has `prefill`). Those entries become the job's slice, which
 * check_path checks matrix.config.X against. */
static void check_matrix_source(struct ctx *c)
{
	struct node *cfg = map_get(map_get(map_get(c->job, "strategy"), "matrix"), "config");
	if (!c->job_kind || !is_scalar(cfg, NULL))
		return;
	rule_applies[R_ENTRY_KEYS] = true;
	const char *other = strcmp(c->job_kind->name, "single") ? "single" : "multi";
	struct vec paths = {0};
	scalar_paths(cfg->val, false, &paths);
	for (size_t i = 0; i < paths.n; i++) {
		struct path *p = paths.v[i];
		struct path *in = inner_path(p->seg[0]);
		if (in && p->n == 1)
			p = in; /* fromJSON(needs.J.outputs.O) */
		const char *src = p->n >= 4 && !strcmp(p->seg[0], "needs") && !strcmp(p->seg[2], "outputs") ? p->seg[3] : NULL;
		if (!src)
			continue;
		if (strstr(src, other) && !strstr(src, c->job_kind->name))
			problem(R_ENTRY_KEYS, c->w->file, cfg,
				"job %s feeds %s-node entries (%s) to the %s-node template", c->job_id,
				other, src, c->job_kind->name);
		c->slice.name = src;
		slice_entries(&c->slice, p->seg[1], src);
		bool multi = !strcmp(c->job_kind->name, "multi");
		for (size_t e = 0; e < c->slice.entries.n; e++) {
			const cJSON *x = c->slice.entries.v[e];
			if (!cJSON_IsObject(x) || !!cJSON_GetObjectItemCaseSensitive(x, "prefill") != multi) {
				const cJSON *nm = cJSON_GetObjectItemCaseSensitive(x, "exp-name");
				problem(R_ENTRY_KEYS, c->w->file, cfg,
					"job %s feeds a %s-node entry (%s: entry %zu, %s) to the %s-node template",
					c->job_id, multi ? "single" : "multi", src, e + 1,
					cJSON_IsString(nm) ? nm->valuestring : "?", c->job_kind->name);
				break;
			}
		}
	}
}

static void check_step_outputs(struct workflow *w)
{
	for (size_t o = 0; o < step_outputs_opts.n; o++) {
		struct step_outputs *so = step_outputs_opts.v[o];
		struct node *job = map_get(w->jobs, so->job);
		if (!job)
			continue;
		rule_applies[R_STEP_OUTPUTS] = true;
		struct node *outs = map_get(job, "outputs");
		/* every NAME the step writes is mapped, as steps.STEP.outputs.NAME */
		for (size_t i = 0; i < so->names.n; i++) {
			const char *name = so->names.v[i];
			const char *want = xprintf("steps.%s.outputs.%s", so->step, name);
			bool mapped = false;
			MAP_EACH(outs, k, v)
				if (is_scalar(v, NULL) && strstr(v->val, want)) {
					const char *after = strstr(v->val, want) + strlen(want);
					mapped = mapped || !ident_char(*after);
				}
			if (!mapped)
				problem(R_STEP_OUTPUTS, w->file, outs ? outs : job,
					"job %s does not expose %s (written by %s)", so->job, want, so->file);
		}
		/* no job output reads a steps.STEP.outputs.X the step does not write */
		MAP_EACH(outs, k, v) {
			struct vec paths = {0};
			if (!is_scalar(v, NULL))
				continue;
			scalar_paths(v->val, false, &paths);
			for (size_t i = 0; i < paths.n; i++) {
				struct path *p = paths.v[i];
				if (p->n < 4 || strcmp(p->seg[0], "steps") || strcmp(p->seg[1], so->step))
					continue;
				bool written = false;
				for (size_t j = 0; j < so->names.n; j++)
					written = written || !strcmp(so->names.v[j], p->seg[3]);
				if (!written)
					problem(R_STEP_OUTPUTS, w->file, v, "steps.%s.outputs.%s: %s writes no %s",
						so->step, p->seg[3], so->file, p->seg[3]);
			}
		}
		/* every output of the job is read by another job */
		MAP_EACH(outs, k, v) {
			bool read = false;
			const char *want = xprintf("needs.%s.outputs.%s", so->job, k->val);
			MAP_EACH(w->jobs, jk, jv) {
				struct vec stack = {0};
				vpush(&stack, jv);
				while (stack.n && !read) {
					struct node *n = stack.v[--stack.n];
					if (n->type == N_SCALAR) {
						for (const char *s = strstr(n->val, want); s && !read; s = strstr(s + 1, want))
							read = !ident_char(s[strlen(want)]);
					} else
						for (size_t i = 0; i < n->items.n; i++)
							vpush(&stack, n->items.v[i]);
				}
			}
			if (!read && strcmp(k->val, "matrix") != 0)
				problem(R_STEP_OUTPUTS, w->file, k, "output %s of job %s is read by no job (entries without a job?)",
					k->val, so->job);
		}
	}
}

static void check_workflow(struct workflow *w)
{
	if (!w->root)
		return;
	if (!w->on)
		problem(R_STRUCTURE, w->file, w->root, "no `on:` section");
	if (!w->jobs || w->jobs->type != N_MAP || w->jobs->items.n == 0) {
		problem(R_STRUCTURE, w->file, w->jobs ? w->jobs : w->root, "no jobs");
		return;
	}
	/* `on:` holds no expressions that read inputs (its defaults are literal) */
	bool wf_bash = default_shell_bash(w->root);
	struct ctx top = {.w = w, .step = -1};
	MAP_EACH(w->root, k, v)
		if (strcmp(k->val, "on") && strcmp(k->val, "jobs"))
			walk_values(&top, v, false);
	MAP_EACH(w->jobs, jk, job) {
		struct ctx c = {.w = w, .job_id = jk->val, .job = job, .step = -1};
		if (job->type != N_MAP) {
			problem(R_RUNS_ON, w->file, jk, "job %s is not a mapping", jk->val);
			continue;
		}
		struct node *runs_on = map_get(job, "runs-on"), *uses = map_get(job, "uses");
		struct node *steps = map_get(job, "steps");
		if (!!runs_on == !!uses)
			problem(R_RUNS_ON, w->file, jk, "job %s needs exactly one of runs-on and uses", jk->val);
		else if (runs_on && (!steps || steps->type != N_SEQ || !steps->items.n))
			problem(R_RUNS_ON, w->file, jk, "job %s has runs-on but no steps", jk->val);
		else if (uses && steps)
			problem(R_RUNS_ON, w->file, jk, "job %s calls a workflow and has steps", jk->val);

		struct node *needs = map_get(job, "needs");
		struct vec nlist = {0};
		if (is_scalar(needs, NULL))
			vpush(&nlist, needs);
		else if (needs && needs->type == N_SEQ)
			for (size_t i = 0; i < needs->items.n; i++)
				vpush(&nlist, needs->items.v[i]);
		else if (needs)
			problem(R_NEEDS, w->file, needs, "needs is neither a name nor a list");
		for (size_t i = 0; i < nlist.n; i++) {
			struct node *n = nlist.v[i];
			if (!is_scalar(n, NULL) || !map_get(w->jobs, n->val))
				problem(R_NEEDS, w->file, n, "job %s needs %s, which is not a job here", jk->val,
					n->type == N_SCALAR ? n->val : "?");
			else if (!strcmp(n->val, jk->val))
				problem(R_NEEDS, w->file, n, "job %s needs itself", jk->val);
		}

		if (is_scalar(uses, NULL)) {
			c.job_kind = kind_of_template(uses->val);
			check_reusable_call(&c, uses);
			check_matrix_source(&c);
		}
		if (steps && steps->type == N_SEQ)
			for (size_t i = 0; i < steps->items.n; i++) {
				struct node *id = map_get(steps->items.v[i], "id");
				if (is_scalar(id, NULL))
					vpush(&c.step_ids, id);
			}

		bool job_bash = wf_bash || default_shell_bash(job);
		MAP_EACH(job, k, v) {
			if (!strcmp(k->val, "steps") && v->type == N_SEQ) {
				for (size_t i = 0; i < v->items.n; i++) {
					struct node *st = v->items.v[i];
					/* ids of steps up to this one, for the "earlier step" rule */
					int idx = 0;
					for (size_t j = 0; j < i; j++)
						if (is_scalar(map_get(v->items.v[j], "id"), NULL))
							idx++;
					c.step = idx;
					c.step_no = (int)i + 1;
					walk_values(&c, st, false);
					check_step(&c, st, job_bash);
				}
				c.step = -1;
			} else if (!strcmp(k->val, "outputs")) {
				c.in_outputs = true;
				walk_values(&c, v, false);
				c.in_outputs = false;
			} else
				walk_values(&c, v, !strcmp(k->val, "if"));
		}
	}
	check_step_outputs(w);
}

static void usage(void)
{
	fprintf(stderr, "usage: wfcheck [--root DIR] [--template KIND=FILE]... [--entries KIND=FILE]...\n"
			"               [--changelog FILE]... [--step-outputs JOB:STEP=FILE]... [--dump-run DIR]\n"
			"               WORKFLOW...\n");
	free_all();
	exit(2);
}

static void read_step_outputs(struct step_outputs *so)
{
	FILE *f = fopen(so->file, "rb");
	if (!f) {
		fprintf(stderr, "wfcheck: %s: %s\n", so->file, strerror(errno));
		exit(2);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		vpush(&so->names, xstrndup(line, (size_t)(eq - line)));
		size_t vlen = strlen(eq + 1);
		while (vlen && (eq[vlen] == '\n' || eq[vlen] == '\r'))
			vlen--;
		cJSON *v = cJSON_ParseWithLength(eq + 1, vlen);
		if (v)
			vpush(&json_docs, v);
		vpush(&so->values, v);
	}
	free(line);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct vec files = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--root") && v)
			root_dir = argv[++i];
		else if ((!strcmp(a, "--template") || !strcmp(a, "--entries")) && v) {
			const char *eq = strchr(v, '=');
			struct kind *k = eq ? kind_by_name(xstrndup(v, (size_t)(eq - v))) : NULL;
			if (!k)
				usage();
			if (!strcmp(a, "--template"))
				k->template = basename_of(eq + 1);
			else {
				cJSON *doc = read_json(eq + 1), *e;
				if (!cJSON_IsArray(doc)) {
					fprintf(stderr, "wfcheck: %s: not a JSON array\n", eq + 1);
					exit(2);
				}
				cJSON_ArrayForEach(e, doc) vpush(&k->entries, e);
			}
			i++;
		} else if (!strcmp(a, "--changelog") && v) {
			cJSON *doc = read_json(argv[++i]);
			if (!cJSON_IsObject(doc)) {
				fprintf(stderr, "wfcheck: %s: not a JSON object\n", v);
				exit(2);
			}
			vpush(&changelogs, doc);
			have_changelog = true;
			/* its entries are entries of their kind too: the groups of single_node and
			 * multi_node, and (v2) the eval buckets */
			static const char *const sides[2] = {"single_node", "multi_node"};
			static const char *const evals[2][2] = {{"evals", "agentic_evals"},
								{"multinode_evals", "multinode_agentic_evals"}};
			for (int s = 0; s < 2; s++) {
				cJSON *g, *e;
				cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(doc, sides[s]))
					cJSON_ArrayForEach(e, g) vpush(&kinds[s].entries, e);
				for (int b = 0; b < 2; b++)
					cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, evals[s][b]))
						vpush(&kinds[s].entries, e);
			}
		} else if (!strcmp(a, "--step-outputs") && v) {
			struct step_outputs *so = xmalloc(sizeof *so);
			const char *colon = strchr(v, ':'), *eq = strchr(v, '=');
			if (!colon || !eq || eq < colon)
				usage();
			so->job = xstrndup(v, (size_t)(colon - v));
			so->step = xstrndup(colon + 1, (size_t)(eq - colon - 1));
			so->file = eq + 1;
			read_step_outputs(so);
			vpush(&step_outputs_opts, so);
			i++;
		} else if (!strcmp(a, "--dump-run") && v)
			dump_dir = argv[++i];
		else if (a[0] == '-')
			usage();
		else
			vpush(&files, argv[i]);
	}
	if (!files.n)
		usage();
	for (int k = 0; k < 2; k++)
		if (kinds[k].template && !kinds[k].entries.n) {
			fprintf(stderr, "wfcheck: --template %s given without %s-node entries\n",
				kinds[k].name, kinds[k].name);
			exit(2);
		}

	int passed = 0, failed = 0;
	for (size_t i = 0; i < files.n; i++) {
		memset(rule_failed, 0, sizeof rule_failed);
		memset(rule_applies, 0, sizeof rule_applies);
		struct workflow *w = load_workflow(files.v[i], files.v[i], true);
		if (!w->root) {
			failed++;
			printf("%s: did not parse\n", (const char *)files.v[i]);
			continue;
		}
		check_workflow(w);
		for (int r = 0; r < R_COUNT; r++) {
			bool general = r < R_ENTRY_KEYS;
			if (!general && !rule_applies[r] && !rule_failed[r])
				continue;
			if (rule_failed[r])
				failed++;
			else
				passed++;
		}
		printf("%s: checked\n", (const char *)files.v[i]);
	}
	printf("%d passed, %d failed\n", passed, failed);
	for (size_t i = 0; i < json_docs.n; i++)
		cJSON_Delete(json_docs.v[i]);
	free_all();
	return failed ? 1 : 0;
}
