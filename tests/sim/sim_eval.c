/* sim_eval: see sim_eval.h. One data set per process (a simserver serves one model). */
#define _GNU_SOURCE
#include "sim_eval.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_json.h"

struct question {
	char *text;   /* owned */
	char *number; /* owned: the text after the answer's last "#### " */
};

static struct question *questions;
static size_t questions_nr;
static long long accuracy_pm; /* thousandths */

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p) {
		fprintf(stderr, "simserver: out of memory\n");
		exit(1);
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* One line's question and answer; -1 when malformed. */
static int load_line(const char *s, size_t n, struct sbuf *q, struct sbuf *a)
{
	struct jscan js;
	int first = 1, r;
	char key[16];
	sbuf_reset(q);
	sbuf_reset(a);
	jscan_init(&js, s, n);
	if (jscan_begin(&js, '{'))
		return -1;
	while ((r = jscan_next(&js, '}', &first)) == 1) {
		if (jscan_key(&js, key, sizeof(key)))
			return -1;
		struct sbuf *to = !strcmp(key, "question") ? q : !strcmp(key, "answer") ? a : NULL;
		if (to ? jscan_string(&js, to) : jscan_skip(&js))
			return -1;
	}
	return r < 0 || jscan_done(&js) || !q->nr || !strstr(a->v, "#### ") ? -1 : 0;
}

int sim_eval_load(const char *file, double accuracy, struct sbuf *err)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		sbuf_addf(err, "--eval-dataset %s: %s", file, strerror(errno));
		return -1;
	}
	accuracy_pm = llround(accuracy * 1000);
	struct sbuf q, a;
	sbuf_init(&q);
	sbuf_init(&a);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len <= 1)
			continue;
		if (load_line(line, (size_t)len, &q, &a)) {
			sbuf_addf(err, "--eval-dataset %s:%zu: expected {\"question\": ..., "
				  "\"answer\": \"... #### N\"}", file, lineno);
			rc = -1;
			break;
		}
		const char *hash = NULL;
		for (const char *p = strstr(a.v, "#### "); p; p = strstr(p + 1, "#### "))
			hash = p;
		questions = realloc(questions, (questions_nr + 1) * sizeof(*questions));
		if (!questions) {
			fprintf(stderr, "simserver: out of memory\n");
			exit(1);
		}
		questions[questions_nr].text = dup_n(q.v, q.nr);
		questions[questions_nr].number = dup_n(hash + 5, strlen(hash + 5));
		questions_nr++;
	}
	free(line);
	fclose(f);
	sbuf_release(&q);
	sbuf_release(&a);
	return rc;
}

/* The last user message's text content and whether the request streams; -1 when the body
 * is not what a chat request looks like (the ordinary path then answers it). */
static int read_request(const char *body, size_t n, const char *model, struct sbuf *content,
			int *stream)
{
	struct jscan js;
	int first = 1, r;
	char key[16], role[16];
	jscan_init(&js, body, n);
	if (jscan_begin(&js, '{'))
		return -1;
	while ((r = jscan_next(&js, '}', &first)) == 1) {
		if (jscan_key(&js, key, sizeof(key)))
			return -1;
		if (!strcmp(key, "stream")) {
			if (jscan_bool(&js, stream))
				return -1;
			continue;
		}
		if (!strcmp(key, "model") && jscan_peek(&js) == '"') {
			struct sbuf m;
			sbuf_init(&m);
			int bad = jscan_string(&js, &m) || strcmp(m.v, model);
			sbuf_release(&m);
			if (bad) /* another model's request: the ordinary path answers 404 */
				return -1;
			continue;
		}
		if (strcmp(key, "messages")) {
			if (jscan_skip(&js))
				return -1;
			continue;
		}
		int mfirst = 1, mr;
		if (jscan_begin(&js, '['))
			return -1;
		while ((mr = jscan_next(&js, ']', &mfirst)) == 1) {
			int kfirst = 1, kr, is_user = 0;
			struct sbuf text;
			sbuf_init(&text);
			if (jscan_begin(&js, '{'))
				mr = -1;
			while (mr == 1 && (kr = jscan_next(&js, '}', &kfirst)) == 1) {
				if (jscan_key(&js, key, sizeof(key))) {
					mr = -1;
				} else if (!strcmp(key, "role") && jscan_peek(&js) == '"') {
					struct sbuf rb;
					sbuf_init(&rb);
					if (jscan_string(&js, &rb))
						mr = -1;
					snprintf(role, sizeof(role), "%s", rb.v);
					is_user = !strcmp(role, "user");
					sbuf_release(&rb);
				} else if (!strcmp(key, "content") && jscan_peek(&js) == '"') {
					if (jscan_string(&js, &text))
						mr = -1;
				} else if (jscan_skip(&js)) {
					mr = -1;
				}
			}
			if (mr == 1 && is_user) {
				sbuf_reset(content);
				sbuf_add(content, text.v, text.nr);
			}
			sbuf_release(&text);
			if (mr != 1)
				return -1;
		}
		if (mr < 0)
			return -1;
	}
	return r < 0 ? -1 : 0;
}

static const struct question *find_question(const char *content, size_t *index)
{
	const char *q = NULL;
	for (const char *p = strstr(content, "Question: "); p; p = strstr(p + 1, "Question: "))
		q = p + 10;
	if (!q)
		return NULL;
	const char *end = strstr(q, "\nEnd your response");
	size_t len = end ? (size_t)(end - q) : strlen(q);
	for (size_t i = 0; i < questions_nr; i++)
		if (strlen(questions[i].text) == len && !memcmp(questions[i].text, q, len)) {
			*index = i;
			return &questions[i];
		}
	return NULL;
}

/* N with a comma every three digits from 1000 on (the normalisation removes them) */
static void add_with_commas(struct sbuf *out, const char *number)
{
	size_t n = strlen(number), digits = strspn(number + (number[0] == '-'), "0123456789");
	if (strchr(number, ',') || digits != n - (number[0] == '-') || digits < 4) {
		sbuf_adds(out, number);
		return;
	}
	if (number[0] == '-')
		sbuf_addc(out, '-');
	const char *d = number + (number[0] == '-');
	for (size_t i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0)
			sbuf_addc(out, ',');
		sbuf_addc(out, d[i]);
	}
}

static void answer_text(struct sbuf *out, const struct question *q, size_t i)
{
	long long before = (long long)i * accuracy_pm / 1000;
	long long upto = (long long)(i + 1) * accuracy_pm / 1000;
	sbuf_adds(out, "Let me work through it step by step: 1, 2, 3.\n");
	if (upto > before) {
		sbuf_adds(out, "So the result is below.\n#### ");
		add_with_commas(out, q->number);
	} else if (i % 2 == 0) {
		char *end;
		errno = 0;
		long long v = strtoll(q->number, &end, 10);
		sbuf_adds(out, "So the result is below.\n#### ");
		if (*end || errno)
			sbuf_addf(out, "%s1", q->number);
		else
			sbuf_addf(out, "%lld", v + 1);
	} else {
		sbuf_addf(out, "The answer is %s.", q->number);
	}
}

int sim_eval_answer(const char *body, size_t n, const char *model, struct sbuf *out, int *sse,
		    struct sbuf *scratch)
{
	size_t i;
	int stream = 0;
	if (!questions_nr)
		return 0;
	sbuf_reset(scratch);
	if (read_request(body, n, model, scratch, &stream))
		return 0;
	const struct question *q = find_question(scratch->v, &i);
	if (!q)
		return 0;
	struct sbuf text;
	sbuf_init(&text);
	answer_text(&text, q, i);
	sbuf_reset(out);
	long long now = (long long)time(NULL);
	if (stream) {
		sbuf_addf(out, "data: {\"id\":\"eval-%zu\",\"object\":\"chat.completion.chunk\","
			  "\"created\":%lld,\"model\":", i, now);
		sbuf_add_json_str(out, model, strlen(model));
		sbuf_adds(out, ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
			  "\"content\":");
		sbuf_add_json_str(out, text.v, text.nr);
		sbuf_adds(out, "},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
	} else {
		sbuf_addf(out, "{\"id\":\"eval-%zu\",\"object\":\"chat.completion\",\"created\":%lld,"
			  "\"model\":", i, now);
		sbuf_add_json_str(out, model, strlen(model));
		sbuf_adds(out, ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
			  "\"content\":");
		sbuf_add_json_str(out, text.v, text.nr);
		sbuf_adds(out, "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
			  "\"completion_tokens\":1,\"total_tokens\":2}}");
	}
	*sse = stream;
	sbuf_release(&text);
	return 1;
}
