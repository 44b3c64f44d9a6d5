/* cmd_process: `executor process RAW.json` (executor-spec section 5). The run's description
 * comes from --entry (a matrix entry), or else from the existing processor's environment
 * variables; the numbers come from the raw file; process.c does the rest. Writes
 * agg_{RESULT_FILENAME}.json and puts the same JSON plus a newline in out. */
#include "executor/commands.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/fileio.h"
#include "common/opt.h"
#include "common/vec.h"
#include "executor/core/entry.h"
#include "executor/core/env.h"
#include "executor/results/agentic_dir.h"
#include "executor/results/process.h"
#include "executor/results/results_util.h"

/* The existing processor's variables (executor-spec 5): the recipe variables it reads
 * (core/env.c's table, read back into an entry), then the GPU counts a multi-node run
 * reports, which stay 0 when unset. */
static int meta_from_env(struct process_meta *m, struct entry *e, struct diags *d)
{
	if (env_read_entry(e, d))
		return -1;
	process_meta_from_entry(m, e);
	if (e->multinode && (getenv("PREFILL_GPUS") || getenv("DECODE_GPUS"))) {
		int rc = env_read_int(&m->prefill_gpus, "PREFILL_GPUS", d);
		/* v2: 0 decode GPUs is an aggregated multi-node run (upstream takes it) */
		rc |= (e->v2 ? env_read_count : env_read_int)(&m->decode_gpus, "DECODE_GPUS", d);
		return rc ? -1 : 0;
	}
	return 0;
}

/* --help's list of those variables, from the table. */
static void env_help(struct buf *out)
{
	buf_adds(out, "environment without --entry (the existing processor's variables):\n"
		 "  every run:   ");
	env_read_names(out, ENTRY_SINGLE | ENTRY_MULTI, false);
	buf_adds(out, "\n  single-node: ");
	env_read_names(out, ENTRY_SINGLE, false);
	buf_adds(out, "\n  multi-node:  IS_MULTINODE=true ");
	env_read_names(out, ENTRY_MULTI, false);
	buf_adds(out, " [PREFILL_GPUS DECODE_GPUS]\n"
		 "v2 (upstream's newer processor; any of these set, even empty, makes a v2 result):\n"
		 "  every run:   ");
	env_read_names(out, ENTRY_SINGLE | ENTRY_MULTI, true);
	buf_adds(out, "\n  single-node: ");
	env_read_names(out, ENTRY_SINGLE, true);
	buf_adds(out, "\n  multi-node:  ");
	env_read_names(out, ENTRY_MULTI, true);
	buf_adds(out, " (DECODE_GPUS may be 0)\n");
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

static const char *getenv_fn(const char *name, void *data)
{
	(void)data;
	return getenv(name);
}

/* --agentic: upstream's process_agentic_result.py: RESULT_FILENAME names the output,
 * {RESULT_FILENAME}.json in --output-dir (else $AGENTIC_OUTPUT_DIR, else .), from the aiperf
 * files under --result-dir (else $RESULT_DIR, else results); the recipe variables from the
 * environment. */
static int process_agentic(struct buf *out, const char *result_dir, const char *scrapes,
			   const char *out_dir, struct diags *d)
{
	const char *rf = getenv("RESULT_FILENAME");
	if (!rf || !*rf)
		return diags_usagef(d, "--agentic needs RESULT_FILENAME in the environment");
	if (!result_dir)
		result_dir = getenv("RESULT_DIR") ? getenv("RESULT_DIR") : "results";
	if (!out_dir)
		out_dir = getenv("AGENTIC_OUTPUT_DIR") ? getenv("AGENTIC_OUTPUT_DIR") : ".";
	struct agentic_dir_inputs in = { result_dir, scrapes, getenv_fn, NULL };
	struct buf json = BUF_INIT, path = BUF_INIT;
	int rc = agentic_process_dir(&json, NULL, &in, d);
	if (!rc)
		rc = mkdir_p(out_dir, d);
	if (!rc) {
		buf_addf(&path, "%s/%s.json", out_dir, rf);
		rc = file_write_atomic(path.s, json.s, json.len, d);
	}
	if (!rc) {
		buf_add(out, json.s, json.len);
		buf_addch(out, '\n');
	}
	buf_release(&json);
	buf_release(&path);
	return rc;
}

int cmd_process(int argc, char **argv, struct buf *out, struct diags *d)
{
	const char *entry_path = NULL, *node = NULL, *out_dir = NULL, *sm_path = NULL;
	const char *result_dir = NULL;
	bool agentic = false;
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
		  "_gen_<N> in the raw file name); 0 (v2): aggregated", 0, NULL, NULL },
		{ "server-metrics", OPT_STR, 0, &sm_path, "FILE", "the load's scrapes of /metrics "
		  "(NAME.server_metrics.json): their figures join the result (--agentic: read "
		  "instead of aiperf's server_metrics_export.json)", 0, NULL, NULL },
		{ "output-dir", OPT_STR, 0, &out_dir, "DIR", "where agg_{RESULT_FILENAME}.json goes "
		  "(default .; --agentic: {RESULT_FILENAME}.json, default $AGENTIC_OUTPUT_DIR, else .)",
		  0, NULL, NULL },
		{ "agentic", OPT_FLAG, 0, &agentic, NULL, "an agentic run: the aiperf files under "
		  "--result-dir into upstream's agentic processed result (recipe variables from the "
		  "environment)", 0, NULL, NULL },
		{ "result-dir", OPT_STR, 0, &result_dir, "DIR", "--agentic: the run's result directory "
		  "(aiperf_artifacts/ inside; default $RESULT_DIR, else results)", 0, NULL, NULL },
	};
	struct buf epilog = BUF_INIT;
	env_help(&epilog);
	const struct opt_cmd cmd = {
		"executor process RAW.json [options]",
		"Turn a raw benchmark result into the processed result the collectors read:\n"
		"agg_{RESULT_FILENAME}.json in the output directory, and the same JSON on stdout.\n"
		"Without --entry, RAW.json defaults to $RESULT_FILENAME.json.",
		rows, sizeof(rows) / sizeof(rows[0]), epilog.s,
	};
	struct strvec pos = { 0 };
	struct entry e;
	struct process_meta m;
	struct buf raw_path = BUF_INIT, name = BUF_INIT, text = BUF_INIT, json = BUF_INIT;
	struct buf path = BUF_INIT, sm_text = BUF_INIT;
	entry_init(&e);
	int rc = opt_parse_or_help(&cmd, argc, argv, &pos, out, d);
	if (rc) {
		rc = rc > 0 ? 0 : rc; /* 1: the help was asked for and written */
		goto done;
	}
	if (agentic) {
		if (pos.nr || entry_path || node || prefill_gpus)
			rc = diags_usagef(d, "--agentic takes no RAW.json, --entry, --node or GPU "
					     "counts: the run is described by the environment");
		else
			rc = process_agentic(out, result_dir, sm_path, out_dir, d);
		goto done;
	}
	if (result_dir) {
		rc = diags_usagef(d, "--result-dir goes with --agentic");
		goto done;
	}
	if (!out_dir)
		out_dir = ".";
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
		rc = meta_from_env(&m, &e, d);
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
	if (!rc && sm_path && !(rc = file_read_all(&sm_text, sm_path, d))) {
		m.server_metrics = sm_text.s;
		m.server_metrics_len = sm_text.len;
		m.server_metrics_name = sm_path;
	}
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
	buf_release(&epilog);
	entry_release(&e);
	buf_release(&raw_path);
	buf_release(&name);
	buf_release(&text);
	buf_release(&sm_text);
	buf_release(&json);
	buf_release(&path);
	return rc ? -1 : 0;
}
