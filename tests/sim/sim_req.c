/*
 * sim_req: request-body fields and simulated tokenization (see sim_req.h).
 * Unknown keys are skipped whole, whatever they hold.
 */
#define _GNU_SOURCE
#include "sim_req.h"

#include <stdint.h>
#include <string.h>

#include "sim_json.h"

/* Where counted words go: always counted, ids appended when ids != NULL. */
struct words {
	long long count;
	struct sbuf *ids; /* borrowed; NULL when only counting */
	struct sbuf *blocks; /* borrowed; NULL: no block hashes (sim_prefix.h) */
	long long block_tokens;
	long long in_block;
	uint64_t chain, cur; /* hash of the blocks so far; of the current block */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void words_add_id(struct words *w, unsigned long long id)
{
	if (w->ids)
		sbuf_addf(w->ids, "%s%llu", w->ids->nr > 1 ? "," : "", id);
	w->count++;
	if (w->blocks) {
		w->cur = mix(w->cur, id);
		if (++w->in_block == w->block_tokens) {
			w->chain = mix(w->chain ^ 0x5bd1e9955bd1e995ULL, w->cur);
			sbuf_add(w->blocks, &w->chain, sizeof(w->chain));
			w->cur = 0;
			w->in_block = 0;
		}
	}
}

/* Counts the words of text; ids are a stable hash of the word in [1000, 30000). */
static void words_of_text(struct words *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		uint32_t h = 2166136261u;
		while (i < n && !is_space(s[i]))
			h = (h ^ (unsigned char)s[i++]) * 16777619u;
		words_add_id(w, 1000 + h % 29000);
	}
}

/* A string value: decoded into scratch, its words counted. */
static int words_of_string(struct words *w, struct jscan *s, struct sbuf *scratch)
{
	sbuf_reset(scratch);
	if (jscan_string(s, scratch))
		return -1;
	words_of_text(w, scratch->v, scratch->nr);
	return 0;
}

/* prompt: a string, or an array of integer token ids. */
static int scan_prompt(struct words *w, struct jscan *s, struct sbuf *scratch,
		       const char **err)
{
	int first = 1, r;
	long long id;

	if (jscan_peek(s) == '"')
		return words_of_string(w, s, scratch);
	if (jscan_begin(s, '[')) {
		*err = "prompt must be a string or an array of token ids";
		return -1;
	}
	while ((r = jscan_next(s, ']', &first)) == 1) {
		if (jscan_int(s, &id) || id < 0) {
			*err = "prompt array must hold non-negative integer token ids";
			return -1;
		}
		words_add_id(w, (unsigned long long)id);
	}
	if (r < 0)
		*err = "malformed prompt array";
	return r;
}

/* One content part: counts the words of its "text". */
static int scan_part(struct words *w, struct jscan *s, struct sbuf *scratch)
{
	int first = 1, r;
	char key[16];
	if (jscan_begin(s, '{'))
		return -1;
	while ((r = jscan_next(s, '}', &first)) == 1) {
		if (jscan_key(s, key, sizeof(key)))
			return -1;
		if (!strcmp(key, "text") && jscan_peek(s) == '"')
			r = words_of_string(w, s, scratch);
		else
			r = jscan_skip(s);
		if (r)
			return -1;
	}
	return r;
}

static int scan_content(struct words *w, struct jscan *s, struct sbuf *scratch)
{
	int first = 1, r;
	char c = jscan_peek(s);
	if (c == '"')
		return words_of_string(w, s, scratch);
	if (c != '[')
		return jscan_skip(s); /* null, or something without text */
	if (jscan_begin(s, '['))
		return -1;
	while ((r = jscan_next(s, ']', &first)) == 1)
		if (jscan_peek(s) == '{' ? scan_part(w, s, scratch) : jscan_skip(s))
			return -1;
	return r;
}

static int scan_messages(struct words *w, struct jscan *s, struct sbuf *scratch,
			 const char **err)
{
	int first = 1, r, mfirst;
	char key[16];

	*err = "messages must be an array of objects";
	if (jscan_begin(s, '['))
		return -1;
	while ((r = jscan_next(s, ']', &first)) == 1) {
		if (jscan_begin(s, '{'))
			return -1;
		mfirst = 1;
		while ((r = jscan_next(s, '}', &mfirst)) == 1) {
			if (jscan_key(s, key, sizeof(key)))
				return -1;
			if (!strcmp(key, "content") ? scan_content(w, s, scratch)
						    : jscan_skip(s))
				return -1;
		}
		if (r < 0)
			return -1;
	}
	return r;
}

static int scan_stream_options(struct gen_req *out, struct jscan *s)
{
	int first = 1, r;
	char key[32];
	if (jscan_null(s))
		return 0;
	if (jscan_begin(s, '{'))
		return -1;
	while ((r = jscan_next(s, '}', &first)) == 1) {
		if (jscan_key(s, key, sizeof(key)))
			return -1;
		int *flag = !strcmp(key, "include_usage") ? &out->include_usage :
			    !strcmp(key, "continuous_usage_stats") ? &out->continuous_usage : NULL;
		if (flag ? jscan_bool(s, flag) : jscan_skip(s))
			return -1;
	}
	return r;
}

static int scan_model(char *model, size_t modelsz, struct jscan *s,
		      struct sbuf *scratch)
{
	sbuf_reset(scratch);
	if (jscan_string(s, scratch))
		return -1;
	if (scratch->nr < modelsz && !memchr(scratch->v, '\0', scratch->nr))
		memcpy(model, scratch->v, scratch->nr + 1);
	else
		model[0] = '\0';
	return 0;
}

static int gen_field(struct gen_req *out, enum api_kind kind, const char *key,
		     struct jscan *s, struct words *w, struct sbuf *scratch,
		     const char **err)
{
	if (!strcmp(key, "model")) {
		out->has_model = 1;
		*err = "model must be a string";
		return scan_model(out->model, sizeof(out->model), s, scratch);
	}
	if (kind == API_COMPLETIONS && !strcmp(key, "prompt"))
		return scan_prompt(w, s, scratch, err);
	if (kind == API_CHAT && !strcmp(key, "messages"))
		return scan_messages(w, s, scratch, err);
	if (!strcmp(key, "max_tokens") ||
	    (kind == API_CHAT && !strcmp(key, "max_completion_tokens"))) {
		*err = "max_tokens must be an integer >= 1";
		if (jscan_null(s))
			return 0;
		if (jscan_int(s, &out->max_tokens) || out->max_tokens < 1)
			return -1;
		return 0;
	}
	if (!strcmp(key, "stream")) {
		*err = "stream must be a boolean";
		return jscan_bool(s, &out->stream);
	}
	if (!strcmp(key, "stream_options")) {
		*err = "malformed stream_options";
		return scan_stream_options(out, s);
	}
	if (!strcmp(key, "ignore_eos")) {
		*err = "ignore_eos must be a boolean";
		return jscan_bool(s, &out->ignore_eos);
	}
	*err = "malformed JSON body";
	return jscan_skip(s);
}

int gen_req_parse(struct gen_req *out, enum api_kind kind, const char *body,
		  size_t n, struct sbuf *scratch, const char **err)
{
	return gen_req_parse_blocks(out, kind, body, n, scratch, NULL, 0, err);
}

int gen_req_parse_blocks(struct gen_req *out, enum api_kind kind, const char *body,
			 size_t n, struct sbuf *scratch, struct sbuf *blocks,
			 long long block_tokens, const char **err)
{
	struct jscan s;
	struct words w = { 0, NULL, blocks, block_tokens, 0, 0, 0 };
	if (blocks)
		sbuf_reset(blocks);
	int first = 1, r;
	char key[32];

	memset(out, 0, sizeof(*out));
	out->max_tokens = -1;
	jscan_init(&s, body, n);
	*err = "body must be a JSON object";
	if (jscan_begin(&s, '{'))
		return -1;
	while ((r = jscan_next(&s, '}', &first)) == 1) {
		*err = "malformed JSON body";
		if (jscan_key(&s, key, sizeof(key)) ||
		    gen_field(out, kind, key, &s, &w, scratch, err))
			return -1;
	}
	if (r < 0 || jscan_done(&s)) {
		*err = "malformed JSON body";
		return -1;
	}
	if (out->max_tokens < 0)
		out->max_tokens = DEFAULT_MAX_TOKENS;
	out->prompt_tokens = w.count;
	return 0;
}

int tokenize_answer(struct sbuf *out, int *model_ok, const char *model,
		    const char *body, size_t n, struct sbuf *scratch,
		    const char **err)
{
	struct jscan s;
	struct sbuf ids;
	struct words w = { 0, &ids, NULL, 0, 0, 0, 0 };
	int first = 1, r = 0, has_messages = 0;
	char key[32], req_model[256];

	*model_ok = 1;
	sbuf_init(&ids);
	sbuf_addc(&ids, '[');
	jscan_init(&s, body, n);
	*err = "body must be a JSON object";
	if (jscan_begin(&s, '{'))
		goto fail;
	while ((r = jscan_next(&s, '}', &first)) == 1) {
		*err = "malformed JSON body";
		if (jscan_key(&s, key, sizeof(key)))
			goto fail;
		if (!strcmp(key, "model")) {
			r = scan_model(req_model, sizeof(req_model), &s, scratch);
			*model_ok = !strcmp(req_model, model);
		} else if (!strcmp(key, "prompt")) {
			r = scan_prompt(&w, &s, scratch, err);
		} else if (!strcmp(key, "messages")) {
			has_messages = 1;
			r = scan_messages(&w, &s, scratch, err);
		} else {
			r = jscan_skip(&s);
		}
		if (r)
			goto fail;
	}
	if (r < 0 || jscan_done(&s)) {
		*err = "malformed JSON body";
		goto fail;
	}
	if (!*model_ok)
		goto done;
	/* Template tokens (ids of no real tokenizer): 3 before, 4 after. */
	if (has_messages) {
		static const char pre[] = "151644,872,198", post[] = "151645,198,151644,77091";
		size_t words_len = ids.nr - 1;
		struct sbuf t;
		sbuf_init(&t);
		sbuf_addf(&t, "[%s%s%.*s,%s", pre, words_len ? "," : "",
			  (int)words_len, ids.v + 1, post);
		sbuf_release(&ids);
		ids = t;
		w.count += TOKENIZE_TEMPLATE_TOKENS;
	}
	sbuf_addf(out, "{\"tokens\":%s],\"count\":%lld,\"max_model_len\":%d}",
		  ids.v, w.count, MAX_MODEL_LEN);
done:
	sbuf_release(&ids);
	return 0;
fail:
	sbuf_release(&ids);
	return -1;
}
