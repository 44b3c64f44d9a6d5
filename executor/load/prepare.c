/* prepare: see prepare.h. */
#include "executor/load/prepare.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/jsonw.h"
#include "common/xalloc.h"
#include "executor/load/api.h"
#include "executor/load/bench.h"
#include "executor/core/hcall.h"
#include "common/jtree.h"
#include "executor/load/http.h"

#define SIZING_ROUNDS 10

/* SIGINT/SIGTERM while the requests are built: a million prompts take seconds, and the
 * stop flag is answered at once, not after them. */
static int stopped(struct diags *d)
{
	return diags_errorf(d, NULL, 0, 0, NULL, "interrupted while the requests were built");
}

struct tokenizer {
	struct hcall h;
	struct buf url, resp, body;
	const char *model;
};

/* A token id as the server wrote it: an integer saturated to int's range, 0 when not a number. */
static int token_id(const struct jnode *v)
{
	if (v->type != JT_NUM || isnan(v->num))
		return 0;
	return v->num >= INT_MAX ? INT_MAX : v->num <= INT_MIN ? INT_MIN : (int)v->num;
}

/* POSTs the body to /tokenize; the answer's count (and ids when ids_out), or -1. */
static long tokenize(struct tokenizer *t, int **ids_out, size_t *ids_nr, struct diags *d)
{
	long status = hcall_post(&t->h, &t->resp, t->url.s, t->body.s, d);
	if (status != 200)
		return -1;
	struct jnode *root = jtree_parse(t->resp.s, t->resp.len, NULL, NULL);
	const struct jnode *count = jobj_get(root, "count");
	const struct jnode *tokens = jobj_get(root, "tokens");
	long n = count && count->type == JT_NUM && fabs(count->num) < 1e18 ? (long)count->num : -1;
	if (ids_out && tokens && tokens->type == JT_ARR) {
		*ids_nr = tokens->nr;
		*ids_out = xmalloc(st_mult(*ids_nr + 1, sizeof(int)));
		for (size_t i = 0; i < tokens->nr; i++)
			(*ids_out)[i] = token_id(&tokens->items[i]);
	}
	jtree_free(root);
	return n;
}

static void tokenize_body(struct tokenizer *t, const char *text, bool messages)
{
	buf_reset(&t->body);
	buf_adds(&t->body, "{\"model\": ");
	json_quote(&t->body, t->model, strlen(t->model), JSONW_LINE);
	if (messages) {
		buf_adds(&t->body, ", \"messages\": [{\"role\": \"user\", \"content\": ");
		json_quote(&t->body, text, strlen(text), JSONW_LINE);
		buf_adds(&t->body, "}], \"add_generation_prompt\": true}");
	} else {
		buf_adds(&t->body, ", \"prompt\": ");
		json_quote(&t->body, text, strlen(text), JSONW_LINE);
		buf_adds(&t->body, "}");
	}
}

/* Text prompt i sized to its target: the word count moves by the miss, up to 10 rounds.
 * overhead: tokens the chat template adds. Returns the server's count, or -1. */
static long size_prompt(struct tokenizer *t, struct dataset *ds, size_t i, bool messages,
			long overhead, int **ids, size_t *ids_nr, struct diags *d)
{
	struct dataset_prompt *p = &ds->v[i];
	long words = p->input_len - overhead, count = -1;
	struct buf text = BUF_INIT;
	for (int round = 0; round < SIZING_ROUNDS; round++) {
		if (words < 1)
			words = 1;
		buf_reset(&text);
		dataset_text(&text, ds, i, words);
		tokenize_body(t, text.s, messages);
		free(*ids);
		*ids = NULL;
		count = tokenize(t, messages ? ids : NULL, ids_nr, d);
		if (count < 0 || count == p->target_len)
			break;
		words += p->target_len - count;
	}
	p->words = words;
	buf_release(&text);
	return count;
}

static int size_text_prompts(struct prepared *out, const struct bench_config *cfg,
			     struct tokenizer *t, struct diags *d)
{
	bool messages = cfg->use_chat_template;
	long overhead = 0;
	struct diags quiet = DIAGS_INIT;
	if (messages) {
		tokenize_body(t, "the", true);
		long one = tokenize(t, NULL, NULL, &quiet);
		if (one < 0) {
			diags_release(&quiet);
			return diags_errorf(d, NULL, 0, 0, NULL, "--use-chat-template needs a "
					    "/tokenize endpoint that accepts messages: %s", t->url.s);
		}
		overhead = one - 1;
	}
	for (size_t i = 0; i < out->ds.nr; i++) {
		if (cfg->stop && *cfg->stop) {
			diags_release(&quiet);
			return stopped(d);
		}
		struct dataset_prompt *p = &out->ds.v[i];
		int *ids = NULL;
		size_t ids_nr = 0;
		long n = size_prompt(t, &out->ds, i, messages, overhead, &ids, &ids_nr, &quiet);
		if (n < 0 && (messages || i > 0)) {
			free(ids);
			diags_release(&quiet);
			return diags_errorf(d, NULL, 0, 0, NULL, "/tokenize failed for prompt %zu: %s",
					    i, t->url.s);
		}
		if (n < 0) { /* no /tokenize: one word counts as one token */
			out->approximate_input = true;
			for (size_t k = 0; k < out->ds.nr; k++)
				out->ds.v[k].words = out->ds.v[k].input_len;
			break;
		}
		p->prompt_len = n;
		if (messages) {
			p->ids = ids;
			p->ids_nr = ids_nr;
		}
	}
	diags_release(&quiet);
	return 0;
}

static int build_wire(struct prepared *out, const struct bench_config *cfg,
		      const char *hostport, const char *path, struct diags *d)
{
	out->wire = xcalloc(out->ds.nr ? out->ds.nr : 1, sizeof(*out->wire));
	struct buf body = BUF_INIT, text = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < out->ds.nr; i++) {
		if (cfg->stop && *cfg->stop) {
			rc = stopped(d);
			break;
		}
		const struct dataset_prompt *p = &out->ds.v[i];
		struct api_body b = { cfg->served_model, p->ids, p->ids_nr, NULL, cfg->best_of,
				      p->output_len, cfg->ignore_eos, cfg->continuous_usage };
		if (!p->ids || cfg->api->chat) {
			buf_reset(&text);
			dataset_text(&text, &out->ds, i, p->words);
			b.ids = NULL;
			b.text = text.s;
		}
		buf_reset(&body);
		cfg->api->body(&body, &b);
		buf_init(&out->wire[i]);
		http_request(&out->wire[i], "POST", hostport, path, cfg->bearer, body.s, body.len);
	}
	buf_release(&body);
	buf_release(&text);
	return rc;
}

int prepare_requests(struct prepared *out, const struct bench_config *cfg,
		     const char *hostport, const char *path, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct dataset_config dc = cfg->ds;
	if (cfg->use_chat_template || cfg->api->chat)
		dc.format = PROMPT_TEXT;
	if (dataset_generate_stoppable(&out->ds, &dc, cfg->stop))
		return stopped(d);
	if (dc.format == PROMPT_TEXT) {
		struct tokenizer t = { .model = cfg->served_model };
		buf_init(&t.url);
		buf_init(&t.resp);
		buf_init(&t.body);
		buf_addf(&t.url, "%s/tokenize", cfg->base_url);
		/* to the server directly, as the load's own connections (no http_proxy) */
		struct hcall_opts o = { .bearer = cfg->bearer, .json = true, .no_proxy = true };
		int rc = hcall_init(&t.h, &o, d);
		if (!rc)
			rc = size_text_prompts(out, cfg, &t, d);
		hcall_release(&t.h);
		buf_release(&t.url);
		buf_release(&t.resp);
		buf_release(&t.body);
		if (rc)
			return -1;
	}
	return build_wire(out, cfg, hostport, path, d);
}

void prepared_release(struct prepared *p)
{
	for (size_t i = 0; p->wire && i < p->ds.nr; i++)
		buf_release(&p->wire[i]);
	free(p->wire);
	dataset_release(&p->ds);
	memset(p, 0, sizeof(*p));
}
