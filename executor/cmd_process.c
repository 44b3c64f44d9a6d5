/* cmd_process: `executor process RAW.json` (executor-spec section 5). The run's description
 * comes from --entry (a matrix entry), or else from the existing processor's environment
 * variables; the numbers come from the raw file; process.c does the rest. Writes
 * agg_{RESULT_FILENAME}.json and puts the same JSON plus a newline in out. */
#include "executor/commands.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "common/vec.h"
#include "executor/core/entry.h"
#include "executor/results/process.h"
#include "executor/results/results_util.h"

struct env_reader {
	struct diags *d;
	int rc;
};

static const char *env_str(struct env_reader *r, const char *name)
{
	const char *v = getenv(name);
	if (!v) {
		r->rc = diags_errorf(r->d, NULL, 0, 0, NULL,
				     "environment variable %s is not set (it is read when --entry "
				     "is not given)", name);
		return "";
	}
	return v;
}

static long env_long(struct env_reader *r, const char *name)
{
	const char *v = env_str(r, name);
	if (!*v && r->rc)
		return 1;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || !*v || n < 1 || v[0] == '0' || v[0] == '+') {
		r->rc = diags_errorf(r->d, NULL, 0, 0, NULL,
				     "environment variable %s: expected an integer >= 1, found '%s'",
				     name, v);
		return 1;
	}
	return n;
}

static bool env_bool(struct env_reader *r, const char *name, bool optional)
{
	const char *v = getenv(name);
	if (!v && optional)
		return false;
	v = env_str(r, name);
	if (!strcmp(v, "true"))
		return true;
	if (strcmp(v, "false") && getenv(name))
		r->rc = diags_errorf(r->d, NULL, 0, 0, NULL,
				     "environment variable %s: expected true or false, found '%s'",
				     name, v);
	return false;
}

/* The existing processor's variables (executor-spec 5). GPU counts stay 0 when unset. */
static int meta_from_env(struct process_meta *m, struct diags *d)
{
	struct env_reader r = { d, 0 };
	memset(m, 0, sizeof(*m));
	m->hw = env_str(&r, "RUNNER_TYPE");
	m->framework = env_str(&r, "FRAMEWORK");
	m->precision = env_str(&r, "PRECISION");
	m->spec_decoding = env_str(&r, "SPEC_DECODING");
	m->isl = env_long(&r, "ISL");
	m->osl = env_long(&r, "OSL");
	m->disagg = env_bool(&r, "DISAGG", false);
	m->model_prefix = env_str(&r, "MODEL_PREFIX");
	m->image = env_str(&r, "IMAGE");
	m->multinode = env_bool(&r, "IS_MULTINODE", true);
	if (!m->multinode) {
		m->tp = env_long(&r, "TP");
		m->ep = env_long(&r, "EP_SIZE");
		m->dp_attn = env_bool(&r, "DP_ATTENTION", false);
		if (m->disagg && !r.rc)
			r.rc = diags_errorf(d, NULL, 0, 0, NULL, "DISAGG=true needs IS_MULTINODE=true: "
					    "a single-node run cannot be disaggregated");
		return r.rc;
	}
	m->prefill.num_workers = env_long(&r, "PREFILL_NUM_WORKERS");
	m->prefill.tp = env_long(&r, "PREFILL_TP");
	m->prefill.ep = env_long(&r, "PREFILL_EP");
	m->prefill.dp_attn = env_bool(&r, "PREFILL_DP_ATTN", false);
	m->decode.num_workers = env_long(&r, "DECODE_NUM_WORKERS");
	m->decode.tp = env_long(&r, "DECODE_TP");
	m->decode.ep = env_long(&r, "DECODE_EP");
	m->decode.dp_attn = env_bool(&r, "DECODE_DP_ATTN", false);
	if (getenv("PREFILL_GPUS") || getenv("DECODE_GPUS")) {
		m->prefill_gpus = env_long(&r, "PREFILL_GPUS");
		m->decode_gpus = env_long(&r, "DECODE_GPUS");
	}
	return r.rc;
}

/* RESULT_FILENAME: the raw file's name without ".json". */
static void result_filename(struct buf *out, const char *raw_path)
{
	const char *b = base_name(raw_path);
	size_t n = strlen(b);
	if (n > 5 && ends_with(b, ".json"))
		n -= 5;
	buf_add(out, b, n);
}

int cmd_process(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *entry_path = NULL, *node = NULL, *out_dir = ".";
	long prefill_gpus = 0, decode_gpus = 0;
	const struct opt rows[] = {
		{ "entry", OPT_STR, 0, &entry_path, "FILE", "the matrix entry that was run ('-': "
		  "stdin); without it, the existing processor's environment variables", 0, NULL,
		  NULL },
		{ "node", OPT_STR, 0, &node, "NAME", "node name: the raw file name is checked "
		  "against RESULT_FILENAME (a warning when it differs)", 0, NULL, NULL },
		{ "prefill-gpus", OPT_INT, 0, &prefill_gpus, "N", "multi-node: prefill GPUs (else "
		  "_ctx_<N> in the raw file name)", 1, NULL, NULL },
		{ "decode-gpus", OPT_INT, 0, &decode_gpus, "N", "multi-node: decode GPUs (else "
		  "_gen_<N> in the raw file name)", 1, NULL, NULL },
		{ "output-dir", OPT_STR, 0, &out_dir, "DIR", "where agg_{RESULT_FILENAME}.json goes "
		  "(default .)", 0, NULL, NULL },
	};
	const struct opt_cmd cmd = {
		"executor process RAW.json [options]",
		"Turn a raw benchmark result into the processed result the collectors read:\n"
		"agg_{RESULT_FILENAME}.json in the output directory, and the same JSON on stdout.\n"
		"Without --entry, RAW.json defaults to $RESULT_FILENAME.json.",
		rows, sizeof(rows) / sizeof(rows[0]),
		"environment without --entry: RUNNER_TYPE FRAMEWORK PRECISION SPEC_DECODING ISL OSL\n"
		"DISAGG MODEL_PREFIX IMAGE [IS_MULTINODE], then TP EP_SIZE DP_ATTENTION, or\n"
		"PREFILL_{NUM_WORKERS,TP,EP,DP_ATTN} DECODE_{NUM_WORKERS,TP,EP,DP_ATTN}\n"
		"[PREFILL_GPUS DECODE_GPUS].\n",
	};
	struct strvec pos = { 0 };
	struct entry e;
	struct process_meta m;
	struct buf raw_path = BUF_INIT, name = BUF_INIT, text = BUF_INIT, json = BUF_INIT;
	struct buf path = BUF_INIT;
	entry_init(&e);
	int rc = opt_parse_or_help(&cmd, argc, argv, &pos, out, d);
	if (rc > 0) {
		rc = 0; /* the help was asked for and written */
		goto done;
	}
	if (rc)
		goto done;
	if (pos.nr > 1 || (!pos.nr && entry_path)) {
		if (pos.nr)
			rc = diags_usagef(d, "expected one raw result file, found %zu arguments",
					  pos.nr);
		else
			rc = diags_usagef(d, "expected the raw result file RAW.json");
		goto done;
	}
	if (opt_given(&cmd, "prefill-gpus") != opt_given(&cmd, "decode-gpus")) {
		rc = diags_usagef(d, "--prefill-gpus and --decode-gpus go together");
		goto done;
	}
	if (entry_path) {
		rc = entry_read(&e, entry_path, d);
		if (!rc)
			process_meta_from_entry(&m, &e);
	} else {
		rc = meta_from_env(&m, d);
	}
	if (rc)
		goto done;
	if (pos.nr) {
		buf_adds(&raw_path, pos.v[0]);
	} else {
		const char *rf = getenv("RESULT_FILENAME");
		if (!rf || !*rf) {
			rc = diags_usagef(d, "expected the raw result file RAW.json (or "
					     "$RESULT_FILENAME)");
			goto done;
		}
		buf_addf(&raw_path, "%s.json", rf);
	}
	result_filename(&name, raw_path.s);
	if (!m.multinode && prefill_gpus) {
		rc = diags_usagef(d, "--prefill-gpus and --decode-gpus are for multi-node runs");
		goto done;
	}
	if (m.multinode && prefill_gpus) {
		m.prefill_gpus = prefill_gpus;
		m.decode_gpus = decode_gpus;
	}
	if (m.multinode && !m.prefill_gpus &&
	    process_gpus_from_name(&m.prefill_gpus, &m.decode_gpus, name.s)) {
		rc = diags_errorf(d, raw_path.s, 0, 0, NULL,
				  "multi-node GPU counts unknown: give --prefill-gpus and "
				  "--decode-gpus, or name the file ..._ctx_<P>_gen_<D>.json");
		goto done;
	}
	if (node && entry_path) {
		struct buf want = BUF_INIT;
		entry_result_filename(&want, &e, node);
		if (strncmp(name.s, want.s, want.len) ||
		    (name.s[want.len] && strncmp(name.s + want.len, "_conc", 5)))
			diags_warnf(d, raw_path.s, 0, 0, NULL,
				    "the file name does not match the entry's RESULT_FILENAME '%s'",
				    want.s);
		buf_release(&want);
	}
	rc = file_read_all(&text, raw_path.s, d);
	if (!rc)
		rc = process_result(&json, &m, text.s, text.len, raw_path.s, d);
	if (!rc)
		rc = mkdir_p(out_dir, d);
	if (rc)
		goto done;
	buf_addf(&path, "%s/agg_%s.json", out_dir, name.s);
	rc = file_write_atomic(path.s, json.s, json.len, d);
	if (!rc) {
		buf_add(out, json.s, json.len);
		buf_addch(out, '\n');
	}
done:
	free(pos.v);
	entry_release(&e);
	buf_release(&raw_path);
	buf_release(&name);
	buf_release(&text);
	buf_release(&json);
	buf_release(&path);
	return rc ? -1 : 0;
}
