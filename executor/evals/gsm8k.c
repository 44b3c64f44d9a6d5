/* gsm8k: see gsm8k.h. The filters use POSIX extended regexes with upstream's patterns as
 * written: for these two patterns the leftmost-longest match of POSIX is the match Python's
 * backtracking finds (each alternative is greedy, and the first alternative, when it matches,
 * is never shorter than the second), so the same text is extracted. */
#include "executor/evals/gsm8k.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"

const char *const gsm8k_filter_names[GSM8K_FILTER_NR] = { "strict-match", "flexible-extract" };

static const char *const filter_patterns[GSM8K_FILTER_NR] = {
	"#### (-?[0-9.,]+)",             /* upstream: "#### (\\-?[0-9\\.\\,]+)" */
	"(-?[$0-9.,]{2,})|(-?[0-9]+)",
};

#define INVALID "[invalid]"

static int load_line(struct gsm8k_set *out, const char *path, int line, const char *s,
		     size_t len, struct diags *d)
{
	struct diags one = DIAGS_INIT;
	struct jnode *n = jtree_parse(s, len, path, &one);
	if (!n) {
		/* jtree counts lines within this one; the file's line is ours */
		const struct diag *g = &one.v[0];
		diags_errorf(d, path, line, g->col, NULL, "%s", g->msg);
		diags_release(&one);
		return -1;
	}
	int rc = 0;
	const char *keys[] = { "question", "answer" };
	const char *vals[2] = { NULL, NULL };
	if (n->type != JT_OBJ)
		rc = diags_errorf(d, path, line, n->col, NULL,
				  "expected an object with \"question\" and \"answer\", found %s",
				  jtype_describe(n));
	for (size_t k = 0; !rc && k < 2; k++) {
		const struct jnode *v = jobj_get(n, keys[k]);
		if (!v)
			rc = diags_errorf(d, path, line, n->col, keys[k], "missing key");
		else if (v->type != JT_STR)
			rc = diags_errorf(d, path, line, v->col, keys[k],
					  "expected a string, found %s", jtype_describe(v));
		else
			vals[k] = v->s;
	}
	if (!rc && !strstr(vals[1], "#### "))
		rc = diags_errorf(d, path, line, jobj_get(n, "answer")->col, "answer",
				  "expected the final answer after \"#### \", found none");
	if (!rc) {
		struct gsm8k_item it = { xstrdup(vals[0]), xstrdup(vals[1]), line };
		VEC_PUSH(out, it);
	}
	jtree_free(n);
	return rc;
}

int gsm8k_load(struct gsm8k_set *out, const char *path, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct buf text = BUF_INIT;
	if (file_read_all(&text, path, d))
		return -1;
	int rc = 0, line = 1;
	for (const char *p = text.s, *end = text.s + text.len; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t blank = 0;
		while (blank < len && isspace((unsigned char)p[blank]))
			blank++;
		if (blank < len && load_line(out, path, line, p, len, d))
			rc = -1; /* and go on: every bad line is reported */
		p += len + (nl ? 1 : 0);
	}
	if (!rc && !out->nr)
		rc = diags_errorf(d, path, 0, 0, NULL, "no questions in the data set");
	buf_release(&text);
	return rc;
}

void gsm8k_set_release(struct gsm8k_set *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->v[i].question);
		free(s->v[i].answer);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void doc_to_text(struct buf *out, const struct gsm8k_item *it)
{
	buf_addf(out, "Question: %s\nEnd your response with the answer on the last line, "
		 "formatted as: #### [number]\nAnswer:", it->question);
}

void gsm8k_prompt(struct buf *out, const struct gsm8k_set *fewshot, size_t nshot,
		  const struct gsm8k_item *doc)
{
	for (size_t i = 0; i < nshot && i < fewshot->nr; i++) {
		doc_to_text(out, &fewshot->v[i]);
		buf_addf(out, " %s\n\n", fewshot->v[i].answer);
	}
	doc_to_text(out, doc);
}

char *gsm8k_extract(enum gsm8k_filter f, const char *response)
{
	regex_t re;
	if (regcomp(&re, filter_patterns[f], REG_EXTENDED))
		return xstrdup(INVALID); /* constant patterns: cannot happen */
	regmatch_t m[3];
	const char *p = response, *best = NULL;
	size_t best_len = 0;
	while (*p && !regexec(&re, p, 3, m, p == response ? 0 : REG_NOTBOL)) {
		/* the first non-empty group, as lm-eval takes from findall's tuple */
		size_t g = 1;
		while (g < 3 && (m[g].rm_so < 0 || m[g].rm_eo == m[g].rm_so))
			g++;
		if (g < 3) {
			best = p + m[g].rm_so;
			best_len = (size_t)(m[g].rm_eo - m[g].rm_so);
		}
		p += m[0].rm_eo > m[0].rm_so ? m[0].rm_eo : m[0].rm_so + 1;
	}
	regfree(&re);
	return best ? xstrndup(best, best_len) : xstrdup(INVALID);
}

static void remove_all(struct buf *b, char c)
{
	size_t w = 0;
	for (size_t r = 0; r < b->len; r++)
		if (b->s[r] != c)
			b->s[w++] = b->s[r];
	buf_setlen(b, w);
}

void gsm8k_normalise(struct buf *out, const char *s)
{
	buf_reset(out);
	buf_adds(out, s);
	remove_all(out, ',');
	remove_all(out, '$');
	/* "(?s).*#### ": greedy, so everything up to the last "#### " */
	const char *last = NULL;
	for (const char *p = strstr(out->s, "#### "); p; p = strstr(p + 1, "#### "))
		last = p;
	if (last) {
		size_t cut = (size_t)(last - out->s) + 5;
		memmove(out->s, out->s + cut, out->len - cut);
		buf_setlen(out, out->len - cut);
	}
	/* "\.$": a final "." or one before a final newline */
	size_t n = out->len;
	if (n && out->s[n - 1] == '.') {
		buf_setlen(out, n - 1);
	} else if (n >= 2 && out->s[n - 1] == '\n' && out->s[n - 2] == '.') {
		out->s[n - 2] = '\n';
		buf_setlen(out, n - 1);
	}
	for (size_t i = 0; i < out->len; i++)
		out->s[i] = (char)tolower((unsigned char)out->s[i]);
}

bool gsm8k_exact_match(const char *extracted, const char *reference)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	gsm8k_normalise(&a, extracted);
	gsm8k_normalise(&b, reference);
	bool eq = a.len == b.len && !memcmp(a.s, b.s, a.len);
	buf_release(&a);
	buf_release(&b);
	return eq;
}
