/*
 * process: raw benchmark result -> processed result (executor-spec section 5), the JSON the
 * collectors and dashboards read. Pure: bytes in, bytes out; cmd_process does the files.
 *
 * Use: fill a struct process_meta (process_meta_from_entry, or by hand from the existing
 * processor's variables), set the GPU counts of a multi-node run (options, else
 * process_gpus_from_name), then process_result. The meta borrows its strings.
 */
#ifndef EXECUTOR_PROCESS_H
#define EXECUTOR_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diags;
struct entry;

struct process_worker {
	long tp, ep, num_workers;
	bool dp_attn;
	long pp, dcp_size, pcp_size; /* v2 */
};

struct process_meta {
	const char *hw, *image, *model_prefix, *framework, *precision, *spec_decoding; /* borrowed */
	bool disagg, multinode;
	long isl, osl;
	/* single-node */
	long tp, ep;
	bool dp_attn;
	/* multi-node */
	struct process_worker prefill, decode;
	long prefill_gpus, decode_gpus; /* P >= 1; D >= 1, or (v2) 0: aggregated */
	/* v2 (upstream 843c6254f's process_result.py): the fields below are written */
	bool v2;
	long pp, dcp_size, pcp_size;                 /* single-node */
	const char *recipe_fingerprint;              /* borrowed; NULL: written "" */
	const char *router_name, *router_version;    /* borrowed; NULL: no router */
	bool router_version_first;                   /* written {"version", "name"} */
	const char *kv_p2p_transfer;                 /* borrowed; NULL: not written */
	const char *prefill_hw, *decode_hw;          /* borrowed; NULL: not written */
	/* the scrapes file of the load (server_metrics.h), NULL when none: its figures are
	 * added after every other key, so a result without one is as before */
	const char *server_metrics;
	size_t server_metrics_len;
	const char *server_metrics_name; /* for diags */
};

/* The meta of an entry (strings borrowed from it). GPU counts are left 0. */
void process_meta_from_entry(struct process_meta *m, const struct entry *e);
/* P and D from `_ctx_<P>` and `_gen_<D>` in a raw file name (the last of each); 0 when both
 * are there, P >= 1 and D >= 0 (0: aggregated, which only a v2 result takes), else -1. */
int process_gpus_from_name(long *prefill, long *decode, const char *name);
/* Appends the processed result for the raw JSON raw[0..len) (raw_name: for diags) to out:
 * JSONW_PRETTY, no trailing newline. A zero TPOT gives a null interactivity and a warning.
 * 0, or -1 with diags. */
int process_result(struct buf *out, const struct process_meta *m, const char *raw,
		   size_t len, const char *raw_name, struct diags *d);


#endif
