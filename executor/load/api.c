/* api: see api.h. */
#include "executor/load/api.h"

#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/vec.h"
#include "common/jtree.h"
#include "executor/load/jscan.h"

/* Decimal ids joined by ", " (json.dumps), written without printf: prompts of 100,000 ids
 * for thousands of requests are built before every run. */
static void add_ids(struct buf *out, const int *ids, size_t n)
{
	buf_grow(out, n * 8 + 2);
	char *o = out->s + out->len;
	*o++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i) {
			*o++ = ',';
			*o++ = ' ';
		}
		char tmp[12];
		int k = 0;
		unsigned v = (unsigned)ids[i];
		do
			tmp[k++] = (char)('0' + v % 10);
		while ((v /= 10));
		while (k)
			*o++ = tmp[--k];
	}
	*o++ = ']';
	buf_setlen(out, (size_t)(o - out->s));
}

static void completions_body(struct buf *out, const struct api_body *b)
{
	buf_adds(out, "{\"model\": ");
	json_quote(out, b->model, strlen(b->model), JSONW_LINE);
	buf_adds(out, ", \"prompt\": ");
	if (b->ids)
		add_ids(out, b->ids, b->ids_nr);
	else
		json_quote(out, b->text, strlen(b->text), JSONW_LINE);
	buf_addf(out, ", \"temperature\": 0.0, \"best_of\": %ld, \"max_tokens\": %ld, "
		 "\"logprobs\": null, \"stream\": true, \"stream_options\": "
		 "{\"include_usage\": true%s}", b->best_of, b->max_tokens,
		 b->continuous_usage ? ", \"continuous_usage_stats\": true" : "");
	buf_adds(out, b->ignore_eos ? ", \"ignore_eos\": true}" : "}");
}

static void chat_body(struct buf *out, const struct api_body *b)
{
	buf_adds(out, "{\"model\": ");
	json_quote(out, b->model, strlen(b->model), JSONW_LINE);
	buf_adds(out, ", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", "
		 "\"text\": ");
	json_quote(out, b->text ? b->text : "", b->text ? strlen(b->text) : 0, JSONW_LINE);
	buf_addf(out, "}]}], \"temperature\": 0.0, \"max_completion_tokens\": %ld, "
		 "\"stream\": true, \"stream_options\": {\"include_usage\": true%s}",
		 b->max_tokens, b->continuous_usage ? ", \"continuous_usage_stats\": true" : "");
	buf_adds(out, b->ignore_eos ? ", \"ignore_eos\": true}" : "}");
}

/* The first choice's text at path a.b (b may be NULL), appended when it is a string. Only
 * for --save-detailed, so the tree is affordable here; the metrics read jscan's answers. */
static void append_choice_text(struct buf *out, const char *json, size_t n, const char *a,
			       const char *b)
{
	struct jnode *root = jtree_parse(json, n, NULL, NULL);
	const struct jnode *v = jobj_get(jarr_at(jobj_get(root, "choices"), 0), a);
	if (b)
		v = jobj_get(v, b);
	if (v && v->type == JT_STR) /* by length: a "\u0000" in the text is text too */
		buf_add(out, v->s, v->len);
	jtree_free(root);
}

static void completions_text(struct buf *out, const char *json, size_t n)
{
	append_choice_text(out, json, n, "text", NULL);
}

static void chat_text(struct buf *out, const char *json, size_t n)
{
	append_choice_text(out, json, n, "delta", "content");
}

const struct api_ops api_completions = { "completions", completions_body, false,
					 completions_text };
const struct api_ops api_chat = { "chat", chat_body, true, chat_text };

void req_rec_start(struct req_rec *r, int64_t send_ns)
{
	r->send_ns = send_ns;
	r->first_ns = r->last_ns = r->prev_ns = 0;
	r->usage_tokens = r->chunk_tokens = -1;
	r->choice_events = 0;
	r->done_seen = false;
	r->itl_nr = 0;
	if (r->text)
		buf_reset(r->text);
}

static void record_choice(struct req_rec *r, int64_t t, long long tokens)
{
	if (r->choice_events++ == 0) {
		r->first_ns = t;
	} else {
		int64_t gap = t - r->prev_ns;
		long long k = tokens >= 0 && r->chunk_tokens >= 0 ? tokens - r->chunk_tokens : 1;
		/* usage that claims more tokens than the record has room for cannot grow it */
		size_t room = r->itl_alloc > r->itl_nr ? r->itl_alloc - r->itl_nr : 1;
		if (k < 1)
			k = 1;
		if ((unsigned long long)k > room)
			k = (long long)room;
		VEC_GROW(r->itl_ns, r->itl_nr + (size_t)k, r->itl_alloc); /* no-op: sized before */
		for (long long i = 0; i < k; i++)
			r->itl_ns[r->itl_nr++] = gap * (i + 1) / k - gap * i / k;
	}
	if (tokens >= 0)
		r->chunk_tokens = tokens;
}

int api_event(struct req_rec *r, const struct api_ops *ops, int64_t t, const char *data,
	      size_t n)
{
	if (n == 6 && !memcmp(data, "[DONE]", 6)) {
		r->done_seen = true;
		return 0;
	}
	if (r->done_seen)
		return 0; /* nothing counts after [DONE] */
	struct jscan_event ev;
	if (jscan_event(&ev, data, n))
		return -1;
	if (ev.choices == JS_CHOICES_NONEMPTY) {
		record_choice(r, t, ev.completion_tokens);
		r->prev_ns = t;
		r->last_ns = t;
		if (r->text)
			ops->append_text(r->text, data, n);
		return 0;
	}
	if (ev.completion_tokens >= 0)
		r->usage_tokens = ev.completion_tokens;
	if (ops->chat) {
		r->prev_ns = t;
		r->last_ns = t;
	}
	return 0;
}

long long req_rec_output_tokens(const struct req_rec *r, bool *approximate)
{
	*approximate = r->usage_tokens < 0;
	return r->usage_tokens >= 0 ? r->usage_tokens : r->choice_events;
}
