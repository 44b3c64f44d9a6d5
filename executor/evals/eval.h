/*
 * eval: the GSM8K accuracy eval against a running server, natively (no Python, no
 * lm-eval-harness in the container): every question of the data set as one non-streaming
 * chat completion (what lm-eval's `local-chat-completions` sends: one user message,
 * temperature 0, top_p 1, stop ["</s>", "<|im_end|>"], seed 1234), `conc` of them in flight
 * (one thread and one hcall handle each), a failed call retried up to EVAL_RETRIES times;
 * then both filters' exact match (gsm8k.h) and the threshold verdict.
 *
 * Use: eval_run(&res, &cfg, d) -> eval_results_json / eval_samples_jsonl / eval_summary ->
 * eval_result_release. A request that never got an answer fails the eval (-1 with a diag):
 * a score over the questions that did answer would not be the task's score.
 */
#ifndef EXECUTOR_EVALS_EVAL_H
#define EXECUTOR_EVALS_EVAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "executor/evals/gsm8k.h"

struct buf;
struct diags;
struct thresholds;

#define EVAL_TASK "gsm8k"
#define EVAL_RETRIES 5
#define EVAL_DEFAULT_FEWSHOT 5
/* the shipped data (scripts/gen_gsm8k_subset.py) and thresholds, relative to the workspace */
#define EVAL_DEFAULT_DATASET "configs/evals/gsm8k-subset.jsonl"
#define EVAL_DEFAULT_FEWSHOT_FILE "configs/evals/gsm8k-fewshot.jsonl"
#define EVAL_DEFAULT_THRESHOLDS "configs/eval-thresholds.yaml"
/* the files of a run's eval: upstream's collectors glob results*.json */
#define EVAL_RESULTS_FILE "results_" EVAL_TASK ".json"
#define EVAL_SAMPLES_FILE "samples_" EVAL_TASK ".jsonl"

struct eval_config {
	const char *base_url;      /* http://host:port, without /v1 */
	const char *model;         /* the served model's name */
	const char *model_prefix;  /* picks the thresholds' models.<prefix>; NULL: default only */
	const char *dataset;       /* JSONL, GSM8K's format */
	const char *fewshot;       /* JSONL of few-shot examples; NULL: zero-shot */
	long num_fewshot;          /* examples taken from the start of fewshot */
	long limit;                /* the first `limit` questions; 0: all */
	long conc;                 /* requests in flight */
	long max_tokens;
	long timeout_s;            /* per request */
	const char *bearer;        /* Authorization: Bearer, or NULL */
	const struct thresholds *thresholds; /* borrowed */
	volatile sig_atomic_t *stop;
};

struct eval_sample {
	char *response;                      /* owned: the answer's content */
	char *extracted[GSM8K_FILTER_NR];    /* owned */
	bool match[GSM8K_FILTER_NR];
};

struct eval_result {
	struct gsm8k_set set;      /* owned: the questions scored (limit applied) */
	struct eval_sample *samples; /* owned: set.nr */
	size_t correct[GSM8K_FILTER_NR];
	double score[GSM8K_FILTER_NR];   /* correct / n */
	double stderr_[GSM8K_FILTER_NR]; /* sample std / sqrt(n), as lm-eval's mean_stderr */
	double min_score;
	char threshold_source[160];  /* "models.<prefix>", "default" or "fallback" */
	bool pass;                   /* every filter's score >= min_score (validate_scores.py) */
	double duration_s;
	double start_unix;
};

int eval_run(struct eval_result *out, const struct eval_config *c, struct diags *d);
void eval_result_release(struct eval_result *r);

/* The result in the shape of lm-eval's results JSON, so upstream's collectors
 * (collect_eval_results.py, validate_scores.py) read it: results, configs, n-samples,
 * model_name, lm_eval_version; plus "threshold", our verdict. 2-space indent. */
void eval_results_json(struct buf *out, const struct eval_config *c, const struct eval_result *r);
/* One JSON line per question: doc_id, target, response, filtered answers, matches. */
void eval_samples_jsonl(struct buf *out, const struct eval_result *r);
/* One line: "gsm8k: strict-match 0.8000 (40/50), flexible-extract 0.9000 (45/50), min 0.90
 * (default): PASS" */
void eval_summary(struct buf *out, const struct eval_result *r);

#endif
