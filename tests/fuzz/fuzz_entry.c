/* fuzz_entry: libFuzzer over the matrix-entry reader (entry_parse), the first thing `run`
 * does with the matrix a workflow hands it. Besides crashes, leaks and hangs (the sanitizers
 * and libFuzzer catch those), it checks the reader's contract (entry.h): a refusal always
 * says why and leaves the entry released; an accepted entry carries no error, has every
 * string, integers >= 1 (but decode's num-worker, which may be 0: an aggregated multi-node run),
 * the concurrency its shape allows (single-node one value and never
 * disaggregated, multi-node a non-empty list), settings with a NAME and a VALUE, and a
 * RESULT_FILENAME that can be made from it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/diag.h"
#include "executor/core/entry.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_entry: %s\n", what);
		abort();
	}
}

static void check_worker(const struct entry_worker *w, long min_workers)
{
	check(w->num_worker >= min_workers, "num-worker below its minimum");
	check(w->tp >= 1 && w->ep >= 1, "worker integer below 1");
	check(w->settings_nr == 0 || w->has_settings, "settings without the key");
	for (size_t i = 0; i < w->settings_nr; i++)
		check(w->settings[i].name && *w->settings[i].name && w->settings[i].value,
		      "setting without a name or value");
}

static void check_accepted(const struct entry *e)
{
	check(e->image && e->model && e->model_prefix && e->precision && e->framework &&
	      e->runner && e->spec_decoding && e->exp_name, "accepted without a string");
	check(e->isl >= 1 && e->osl >= 1 && e->max_model_len >= 1, "integer below 1");
	check(e->conc_nr >= 1, "no concurrency");
	for (size_t i = 0; i < e->conc_nr; i++)
		check(e->conc[i] >= 1, "concurrency below 1");
	if (e->multinode) {
		check_worker(&e->prefill, 1);
		check_worker(&e->decode, 0);
	} else {
		check(e->conc_nr == 1, "single-node with a concurrency list");
		check(!e->disagg, "single-node disaggregated");
		check(e->tp >= 1 && e->ep >= 1, "integer below 1");
	}
	struct buf name = BUF_INIT;
	entry_result_filename(&name, e, "node_0");
	check(name.len > 0, "empty RESULT_FILENAME");
	buf_release(&name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entry e;
	struct diags d = DIAGS_INIT;
	struct buf msgs = BUF_INIT;
	int rc = entry_parse(&e, (const char *)data, size, "entry.json", &d);
	check(rc == 0 || rc == -1, "entry_parse returned neither 0 nor -1");
	check((rc < 0) == (d.errors > 0), "errors disagree with the return value");
	if (rc == 0)
		check_accepted(&e);
	else
		check(!e.image && !e.conc && !e.prefill.settings && !e.decode.settings,
		      "a refused entry not released");
	diags_format(&msgs, &d);
	entry_release(&e);
	buf_release(&msgs);
	diags_release(&d);
	return 0;
}
