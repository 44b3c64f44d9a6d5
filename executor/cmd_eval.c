/*
 * cmd_eval: `executor eval` runs the GSM8K accuracy eval (evals/eval.h) against a server that
 * is already up, alone: the same runner `run` uses after the throughput load for an entry with
 * run-eval or eval-only. Prints one summary line; with --output-dir also writes
 * results_gsm8k.json (lm-eval's shape) and samples_gsm8k.jsonl. Exit status 1 when a score is
 * below its threshold (configs/eval-thresholds.yaml), as upstream's validate_scores.py.
 */
#include "executor/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "executor/evals/eval.h"
#include "executor/evals/thresholds.h"

struct eval_args {
	struct eval_config cfg;
	const char *thresholds, *output_dir;
};

static int parse(struct eval_args *a, int argc, char **argv, struct buf *help, struct diags *d)
{
	struct eval_config *c = &a->cfg;
	const struct opt rows[] = {
		{ "base-url", OPT_STR, OPT_REQUIRED, &c->base_url, "URL", "the server, e.g. "
		  "http://127.0.0.1:8888 (requests go to /v1/chat/completions)", 0, NULL, NULL },
		{ "model", OPT_STR, OPT_REQUIRED, &c->model, "NAME", "the served model's name", 0,
		  NULL, NULL },
		{ "model-prefix", OPT_STR, 0, &c->model_prefix, "PREFIX", "picks the thresholds' "
		  "models.PREFIX (default: the default thresholds only)", 0, NULL, NULL },
		{ "dataset", OPT_STR, 0, &c->dataset, "FILE", "questions, JSONL in GSM8K's format "
		  "(default " EVAL_DEFAULT_DATASET "; the full test set: openai/gsm8k's "
		  "test.jsonl)", 0, NULL, NULL },
		{ "fewshot", OPT_STR, 0, &c->fewshot, "FILE", "few-shot examples, JSONL (default "
		  EVAL_DEFAULT_FEWSHOT_FILE ")", 0, NULL, NULL },
		{ "num-fewshot", OPT_INT, 0, &c->num_fewshot, "N", "examples before each "
		  "question (default 5)", 0, NULL, NULL },
		{ "limit", OPT_INT, 0, &c->limit, "N", "only the first N questions (default: all)",
		  1, NULL, NULL },
		{ "conc", OPT_INT, 0, &c->conc, "N", "requests in flight (default 16)", 1, NULL,
		  NULL },
		{ "max-tokens", OPT_INT, 0, &c->max_tokens, "N", "max_tokens of each answer "
		  "(default 2048)", 1, NULL, NULL },
		{ "request-timeout", OPT_INT, 0, &c->timeout_s, "S", "per request, retries apart "
		  "(default 1800)", 1, NULL, NULL },
		{ "thresholds", OPT_STR, 0, &a->thresholds, "FILE", "the passing scores (default "
		  EVAL_DEFAULT_THRESHOLDS ")", 0, NULL, NULL },
		{ "output-dir", OPT_STR, 0, &a->output_dir, "DIR", "write results_gsm8k.json and "
		  "samples_gsm8k.jsonl there", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor eval --base-url URL --model NAME [options]",
		"Runs the GSM8K accuracy eval against a running server, natively (no Python): each\n"
		"question as one chat completion (temperature 0), the answer taken by lm-eval's\n"
		"strict-match (\"#### N\") and flexible-extract (last number) filters, scored by\n"
		"exact match. Exit status 1 when a score is below its threshold.",
		rows, sizeof(rows) / sizeof(rows[0]),
		"The default data set is a small one we made (scripts/gen_gsm8k_subset.py); for the\n"
		"real score, download GSM8K's test split as JSONL and pass it with --dataset.\n",
	};
	return opt_parse_or_help(&cmd, argc, argv, NULL, help, d);
}

/* results_gsm8k.json and samples_gsm8k.jsonl in dir */
static int write_files(const char *dir, const struct eval_config *c, const struct eval_result *r,
		       struct diags *d)
{
	struct buf json = BUF_INIT, samples = BUF_INIT, path = BUF_INIT;
	eval_results_json(&json, c, r);
	eval_samples_jsonl(&samples, r);
	int rc = mkdir_p(dir, d);
	if (!rc) {
		buf_addf(&path, "%s/%s", dir, EVAL_RESULTS_FILE);
		rc = file_write_atomic(path.s, json.s, json.len, d);
	}
	if (!rc) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, EVAL_SAMPLES_FILE);
		rc = file_write_atomic(path.s, samples.s, samples.len, d);
	}
	buf_release(&json);
	buf_release(&samples);
	buf_release(&path);
	return rc;
}

static int print(const struct buf *b, struct diags *d)
{
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) || ferror(stdout))
		return diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
	return 0;
}

int cmd_eval(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d)
{
	struct eval_args a = {
		.cfg = { .dataset = EVAL_DEFAULT_DATASET, .fewshot = EVAL_DEFAULT_FEWSHOT_FILE,
			 .num_fewshot = EVAL_DEFAULT_FEWSHOT, .conc = 16, .max_tokens = 2048,
			 .timeout_s = 1800, .stop = stop },
		.thresholds = EVAL_DEFAULT_THRESHOLDS,
	};
	struct buf help = BUF_INIT, line = BUF_INIT;
	int rc = parse(&a, argc, argv, &help, d);
	if (rc) {
		int status = rc > 0 ? (print(&help, d) ? EXIT_FAIL : EXIT_OK) : EXIT_USAGE;
		buf_release(&help);
		return status;
	}
	struct thresholds t;
	struct eval_result res;
	int status = EXIT_FAIL;
	if (thresholds_load(&t, a.thresholds, d))
		goto out;
	a.cfg.thresholds = &t;
	rc = eval_run(&res, &a.cfg, d);
	if (!rc && a.output_dir)
		rc = write_files(a.output_dir, &a.cfg, &res, d);
	if (!rc) {
		eval_summary(&line, &res);
		buf_addch(&line, '\n');
		rc = print(&line, d);
	}
	if (!rc && !res.pass)
		rc = diags_errorf(d, NULL, 0, 0, NULL, "eval %s: a score is below its threshold "
				  "%.2f (%s)", EVAL_TASK, res.min_score, res.threshold_source);
	if (!rc)
		status = EXIT_OK;
	eval_result_release(&res);
	thresholds_release(&t);
out:
	buf_release(&help);
	buf_release(&line);
	return status;
}
