/* eval: see eval.h. Workers take the next question under a mutex and keep their answers in
 * the sample of that question: no two threads write the same sample. */
#include "executor/evals/eval.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/jtree.h"
#include "common/xalloc.h"
#include "executor/core/hcall.h"
#include "executor/evals/thresholds.h"

struct shared {
	const struct eval_config *c;
	struct eval_result *r;
	const struct gsm8k_set *fewshot;
	const char *url;
	pthread_mutex_t lock;
	size_t next;         /* the next question to ask */
	size_t failed;       /* questions without an answer */
	char first_error[256]; /* the first failure, for the diag */
};

static void request_body(struct buf *out, const struct eval_config *c, const char *prompt)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_COMPACT);
	jsonw_obj_open(&w);
	jsonw_key(&w, "model");
	jsonw_str(&w, c->model);
	jsonw_key(&w, "messages");
	jsonw_arr_open(&w);
	jsonw_obj_open(&w);
	jsonw_key(&w, "role");
	jsonw_str(&w, "user");
	jsonw_key(&w, "content");
	jsonw_str(&w, prompt);
	jsonw_obj_close(&w);
	jsonw_arr_close(&w);
	jsonw_key(&w, "max_tokens");
	jsonw_int(&w, c->max_tokens);
	jsonw_key(&w, "temperature");
	jsonw_int(&w, 0);
	jsonw_key(&w, "top_p");
	jsonw_int(&w, 1);
	jsonw_key(&w, "stop");
	jsonw_arr_open(&w);
	jsonw_str(&w, "</s>");
	jsonw_str(&w, "<|im_end|>");
	jsonw_arr_close(&w);
	jsonw_key(&w, "seed");
	jsonw_int(&w, 1234);
	jsonw_key(&w, "stream");
	jsonw_bool(&w, false);
	jsonw_obj_close(&w);
}

/* choices[0].message.content, or its reasoning_content when content is empty (upstream's
 * lm-eval patch, for reasoning models); NULL when the answer has neither. Owned. */
static char *answer_text(const struct buf *resp)
{
	struct jnode *n = jtree_parse(resp->s, resp->len, "answer", NULL);
	if (!n)
		return NULL;
	const struct jnode *msg = jobj_get(jarr_at(jobj_get(n, "choices"), 0), "message");
	const char *s = jobj_str(msg, "content");
	if (!s || !*s)
		s = jobj_str(msg, "reasoning_content");
	char *out = s ? xstrdup(s) : NULL;
	jtree_free(n);
	return out;
}

/* One question, retried; 0, or -1 with why. */
static int ask(struct hcall *h, struct shared *sh, size_t i, char *why, size_t why_size)
{
	struct buf prompt = BUF_INIT, body = BUF_INIT, resp = BUF_INIT;
	gsm8k_prompt(&prompt, sh->fewshot, (size_t)sh->c->num_fewshot, &sh->r->set.v[i]);
	request_body(&body, sh->c, prompt.s);
	int rc = -1;
	for (int attempt = 0; attempt <= EVAL_RETRIES && rc && !*sh->c->stop; attempt++) {
		buf_reset(&resp);
		struct hcall_req q = { .method = "POST", .url = sh->url, .body = body.s,
				       .timeout_ms = sh->c->timeout_s * 1000, .stop = sh->c->stop,
				       .resp = &resp };
		long status = hcall_do(h, &q);
		char *text = status == 200 ? answer_text(&resp) : NULL;
		if (text) {
			sh->r->samples[i].response = text;
			rc = 0;
		} else if (status < 0) {
			snprintf(why, why_size, "%s", h->error ? h->error : "no response");
		} else if (status != 200) {
			snprintf(why, why_size, "HTTP %ld: %.160s", status, resp.s);
		} else {
			snprintf(why, why_size, "no choices[0].message.content in the answer: %.120s",
				 resp.s);
		}
	}
	if (rc && *sh->c->stop)
		snprintf(why, why_size, "interrupted");
	buf_release(&prompt);
	buf_release(&body);
	buf_release(&resp);
	return rc;
}

static void *worker(void *data)
{
	struct shared *sh = data;
	struct hcall h;
	struct diags quiet = DIAGS_INIT;
	struct hcall_opts o = { .bearer = sh->c->bearer, .json = true, .no_proxy = true };
	bool ok = !hcall_init(&h, &o, &quiet);
	for (;;) {
		pthread_mutex_lock(&sh->lock);
		size_t i = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		if (i >= sh->r->set.nr)
			break;
		char why[256] = "cannot set up libcurl";
		if (ok && !ask(&h, sh, i, why, sizeof(why)))
			continue;
		pthread_mutex_lock(&sh->lock);
		if (!sh->failed++)
			snprintf(sh->first_error, sizeof(sh->first_error), "question %zu (line %d): %s",
				 i + 1, sh->r->set.v[i].line, why);
		pthread_mutex_unlock(&sh->lock);
	}
	hcall_release(&h);
	diags_release(&quiet);
	return NULL;
}

static void score(struct eval_result *r, const struct eval_config *c)
{
	size_t n = r->set.nr;
	for (size_t i = 0; i < n; i++) {
		struct eval_sample *s = &r->samples[i];
		for (int f = 0; f < GSM8K_FILTER_NR; f++) {
			s->extracted[f] = gsm8k_extract((enum gsm8k_filter)f, s->response);
			s->match[f] = gsm8k_exact_match(s->extracted[f], r->set.v[i].answer);
			r->correct[f] += s->match[f];
		}
	}
	r->min_score = thresholds_resolve(c->thresholds, c->model_prefix, EVAL_TASK,
					  r->threshold_source, sizeof(r->threshold_source));
	r->pass = true;
	for (int f = 0; f < GSM8K_FILTER_NR; f++) {
		double p = (double)r->correct[f] / (double)n;
		r->score[f] = p;
		/* the sample standard deviation (n - 1) over sqrt(n): sqrt(p(1-p)/(n-1)) */
		r->stderr_[f] = n > 1 ? sqrt(p * (1 - p) / (double)(n - 1)) : 0.0;
		if (p < r->min_score)
			r->pass = false;
	}
}

int eval_run(struct eval_result *out, const struct eval_config *c, struct diags *d)
{
	memset(out, 0, sizeof(*out));
	struct gsm8k_set fewshot = { 0 };
	if (gsm8k_load(&out->set, c->dataset, d))
		return -1;
	if (c->fewshot && c->num_fewshot > 0 && gsm8k_load(&fewshot, c->fewshot, d))
		return -1;
	if (c->fewshot && c->num_fewshot > (long)fewshot.nr && c->num_fewshot > 0) {
		diags_errorf(d, c->fewshot, 0, 0, NULL, "%ld few-shot examples asked for, the file "
			     "has %zu", c->num_fewshot, fewshot.nr);
		gsm8k_set_release(&fewshot);
		return -1;
	}
	if (c->limit > 0 && (size_t)c->limit < out->set.nr) {
		for (size_t i = (size_t)c->limit; i < out->set.nr; i++) {
			free(out->set.v[i].question);
			free(out->set.v[i].answer);
		}
		out->set.nr = (size_t)c->limit;
	}
	out->samples = xcalloc(out->set.nr, sizeof(*out->samples));
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s/v1/chat/completions", c->base_url);
	struct shared sh = { .c = c, .r = out, .fewshot = &fewshot, .url = url.s };
	pthread_mutex_init(&sh.lock, NULL);
	size_t nthreads = (size_t)(c->conc > 0 ? c->conc : 1);
	if (nthreads > out->set.nr)
		nthreads = out->set.nr;
	pthread_t *tids = xcalloc(nthreads, sizeof(*tids));
	out->start_unix = clock_wall_s();
	int64_t t0 = clock_mono_ns();
	size_t started = 0;
	for (; started < nthreads; started++)
		if (pthread_create(&tids[started], NULL, worker, &sh))
			break;
	if (!started)
		worker(&sh); /* no thread could start: ask them all from here */
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	out->duration_s = (double)(clock_mono_ns() - t0) / 1e9;
	int rc = 0;
	if (sh.failed)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "eval %s: %zu of %zu questions got no answer; "
				  "first: %s", EVAL_TASK, sh.failed, out->set.nr, sh.first_error);
	else
		score(out, c);
	pthread_mutex_destroy(&sh.lock);
	free(tids);
	buf_release(&url);
	gsm8k_set_release(&fewshot);
	return rc;
}

void eval_result_release(struct eval_result *r)
{
	for (size_t i = 0; r->samples && i < r->set.nr; i++) {
		free(r->samples[i].response);
		for (int f = 0; f < GSM8K_FILTER_NR; f++)
			free(r->samples[i].extracted[f]);
	}
	free(r->samples);
	gsm8k_set_release(&r->set);
	memset(r, 0, sizeof(*r));
}

static void metric_key(char *out, size_t size, const char *metric, int f)
{
	snprintf(out, size, "%s,%s", metric, gsm8k_filter_names[f]);
}

void eval_results_json(struct buf *out, const struct eval_config *c, const struct eval_result *r)
{
	struct jsonw w;
	char key[64];
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	jsonw_key(&w, "results");
	jsonw_obj_open(&w);
	jsonw_key(&w, EVAL_TASK);
	jsonw_obj_open(&w);
	jsonw_key(&w, "alias");
	jsonw_str(&w, EVAL_TASK);
	for (int f = 0; f < GSM8K_FILTER_NR; f++) {
		metric_key(key, sizeof(key), "exact_match", f);
		jsonw_key(&w, key);
		jsonw_double(&w, r->score[f]);
		metric_key(key, sizeof(key), "exact_match_stderr", f);
		jsonw_key(&w, key);
		jsonw_double(&w, r->stderr_[f]);
	}
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "configs");
	jsonw_obj_open(&w);
	jsonw_key(&w, EVAL_TASK);
	jsonw_obj_open(&w);
	jsonw_key(&w, "task");
	jsonw_str(&w, EVAL_TASK);
	jsonw_key(&w, "num_fewshot");
	jsonw_int(&w, c->fewshot ? c->num_fewshot : 0);
	jsonw_key(&w, "metric_list");
	jsonw_arr_open(&w);
	jsonw_obj_open(&w);
	jsonw_key(&w, "metric");
	jsonw_str(&w, "exact_match");
	jsonw_obj_close(&w);
	jsonw_arr_close(&w);
	jsonw_key(&w, "filter_list");
	jsonw_arr_open(&w);
	for (int f = 0; f < GSM8K_FILTER_NR; f++) {
		jsonw_obj_open(&w);
		jsonw_key(&w, "name");
		jsonw_str(&w, gsm8k_filter_names[f]);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
	jsonw_key(&w, "dataset");
	jsonw_str(&w, c->dataset);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "n-samples");
	jsonw_obj_open(&w);
	jsonw_key(&w, EVAL_TASK);
	jsonw_obj_open(&w);
	jsonw_key(&w, "original");
	jsonw_int(&w, (long long)r->set.nr);
	jsonw_key(&w, "effective");
	jsonw_int(&w, (long long)r->set.nr);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "model_name");
	jsonw_str(&w, c->model);
	/* upstream's collectors take a results JSON only when this key is present */
	jsonw_key(&w, "lm_eval_version");
	jsonw_str(&w, "executor-native");
	jsonw_key(&w, "date");
	jsonw_double(&w, r->start_unix);
	jsonw_key(&w, "total_evaluation_time_seconds");
	jsonw_double(&w, r->duration_s);
	jsonw_key(&w, "threshold");
	jsonw_obj_open(&w);
	jsonw_key(&w, "task");
	jsonw_str(&w, EVAL_TASK);
	jsonw_key(&w, "model_prefix");
	if (c->model_prefix)
		jsonw_str(&w, c->model_prefix);
	else
		jsonw_null(&w);
	jsonw_key(&w, "min_score");
	jsonw_double(&w, r->min_score);
	jsonw_key(&w, "source");
	jsonw_str(&w, r->threshold_source);
	jsonw_key(&w, "pass");
	jsonw_bool(&w, r->pass);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	buf_addch(out, '\n');
}

void eval_samples_jsonl(struct buf *out, const struct eval_result *r)
{
	for (size_t i = 0; i < r->set.nr; i++) {
		const struct eval_sample *s = &r->samples[i];
		struct jsonw w;
		jsonw_init(&w, out, JSONW_LINE);
		jsonw_obj_open(&w);
		jsonw_key(&w, "doc_id");
		jsonw_int(&w, (long long)i);
		jsonw_key(&w, "target");
		jsonw_str(&w, r->set.v[i].answer);
		jsonw_key(&w, "response");
		jsonw_str(&w, s->response ? s->response : "");
		for (int f = 0; f < GSM8K_FILTER_NR; f++) {
			char key[64];
			jsonw_key(&w, gsm8k_filter_names[f]);
			jsonw_str(&w, s->extracted[f] ? s->extracted[f] : "");
			metric_key(key, sizeof(key), "exact_match", f);
			jsonw_key(&w, key);
			jsonw_int(&w, s->match[f]);
		}
		jsonw_obj_close(&w);
		buf_addch(out, '\n');
	}
}

void eval_summary(struct buf *out, const struct eval_result *r)
{
	buf_addf(out, "%s:", EVAL_TASK);
	for (int f = 0; f < GSM8K_FILTER_NR; f++)
		buf_addf(out, "%s %s %.4f (%zu/%zu)", f ? "," : "", gsm8k_filter_names[f],
			 r->score[f], r->correct[f], r->set.nr);
	buf_addf(out, ", min %.2f (%s): %s", r->min_score, r->threshold_source,
		 r->pass ? "PASS" : "FAIL");
}
