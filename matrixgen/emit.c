/* emit: see emit.h. */
#include "matrixgen/emit.h"


#include "common/buf.h"

enum mkey {
	K_END, K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_RUNNER, K_ISL, K_OSL,
	K_TP, K_EP, K_DP_ATTN, K_SPEC, K_CONC, K_MAX_MODEL_LEN, K_EXP_NAME, K_DISAGG, K_RUN_EVAL,
	K_PREFILL, K_DECODE,
};

struct emit_layout {
	const enum mkey *single, *multi;
	bool workers_as_written; /* else num-worker, tp, ep, dp-attn, additional-settings */
};

static const enum mkey sweep_single[] = {
	K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_RUNNER, K_ISL, K_OSL, K_TP,
	K_CONC, K_MAX_MODEL_LEN, K_EP, K_DP_ATTN, K_SPEC, K_EXP_NAME, K_DISAGG, K_RUN_EVAL, K_END,
};
static const enum mkey rms_single[] = {
	K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_RUNNER, K_ISL, K_OSL, K_TP,
	K_EP, K_DP_ATTN, K_SPEC, K_CONC, K_MAX_MODEL_LEN, K_EXP_NAME, K_DISAGG, K_RUN_EVAL, K_END,
};
static const enum mkey any_multi[] = {
	K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_RUNNER, K_ISL, K_OSL,
	K_SPEC, K_PREFILL, K_DECODE, K_CONC, K_MAX_MODEL_LEN, K_EXP_NAME, K_DISAGG, K_RUN_EVAL,
	K_END,
};
static const enum mkey changelog_single[] = {
	K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_SPEC, K_RUNNER, K_ISL, K_OSL,
	K_TP, K_EP, K_DP_ATTN, K_CONC, K_MAX_MODEL_LEN, K_EXP_NAME, K_DISAGG, K_RUN_EVAL, K_END,
};
static const enum mkey changelog_multi[] = {
	K_IMAGE, K_MODEL, K_MODEL_PREFIX, K_PRECISION, K_FRAMEWORK, K_SPEC, K_RUNNER, K_ISL, K_OSL,
	K_PREFILL, K_DECODE, K_CONC, K_MAX_MODEL_LEN, K_EXP_NAME, K_DISAGG, K_RUN_EVAL, K_END,
};

const struct emit_layout layout_sweep = { sweep_single, any_multi, true };
const struct emit_layout layout_rms = { rms_single, any_multi, false };
const struct emit_layout layout_changelog = { changelog_single, changelog_multi, false };

/* Worker field indexes, in the schema's row order (config.c worker_fields). */
enum { W_NUM_WORKER, W_TP, W_EP, W_DP_ATTN, W_SETTINGS, W_NR };
static const char *const worker_keys[W_NR] = { "num-worker", "tp", "ep", "dp-attn",
					       "additional-settings" };

static void emit_worker_field(struct jsonw *w, const struct worker *k, int field)
{
	jsonw_key(w, worker_keys[field]);
	switch (field) {
	case W_NUM_WORKER: jsonw_int(w, k->num_worker); break;
	case W_TP: jsonw_int(w, k->tp); break;
	case W_EP: jsonw_int(w, k->ep); break;
	case W_DP_ATTN: jsonw_bool(w, k->dp_attn); break;
	case W_SETTINGS:
		jsonw_arr_open(w);
		for (size_t i = 0; i < k->settings_nr; i++)
			jsonw_str(w, k->settings[i]);
		jsonw_arr_close(w);
		break;
	}
}

static void emit_worker(struct jsonw *w, const struct worker *k, bool as_written)
{
	jsonw_obj_open(w);
	if (as_written)
		for (size_t i = 0; i < k->hdr.order_nr; i++)
			emit_worker_field(w, k, k->hdr.order[i]);
	else
		for (int f = 0; f < W_NR; f++)
			emit_worker_field(w, k, f);
	jsonw_obj_close(w);
}

static void emit_field(struct jsonw *w, const struct mentry *e, enum mkey k, bool as_written)
{
	const struct config *c = e->cfg;
	static const char *const names[] = {
		[K_IMAGE] = "image", [K_MODEL] = "model", [K_MODEL_PREFIX] = "model-prefix",
		[K_PRECISION] = "precision", [K_FRAMEWORK] = "framework", [K_RUNNER] = "runner",
		[K_ISL] = "isl", [K_OSL] = "osl", [K_TP] = "tp", [K_EP] = "ep",
		[K_DP_ATTN] = "dp-attn", [K_SPEC] = "spec-decoding", [K_CONC] = "conc",
		[K_MAX_MODEL_LEN] = "max-model-len", [K_EXP_NAME] = "exp-name",
		[K_DISAGG] = "disagg", [K_RUN_EVAL] = "run-eval", [K_PREFILL] = "prefill",
		[K_DECODE] = "decode",
	};
	jsonw_key(w, names[k]);
	switch (k) {
	case K_IMAGE: jsonw_str(w, c->image); break;
	case K_MODEL: jsonw_str(w, c->model); break;
	case K_MODEL_PREFIX: jsonw_str(w, c->model_prefix); break;
	case K_PRECISION: jsonw_str(w, c->precision); break;
	case K_FRAMEWORK: jsonw_str(w, c->framework); break;
	case K_RUNNER: jsonw_str(w, e->runner); break;
	case K_ISL: jsonw_int(w, e->isl); break;
	case K_OSL: jsonw_int(w, e->osl); break;
	case K_TP: jsonw_int(w, e->tp); break;
	case K_EP: jsonw_int(w, e->ep); break;
	case K_DP_ATTN: jsonw_bool(w, e->dp_attn); break;
	case K_SPEC: jsonw_str(w, e->spec); break;
	case K_CONC:
		if (!c->multinode) {
			jsonw_int(w, e->conc);
			break;
		}
		jsonw_arr_open(w);
		for (size_t i = 0; i < e->concs_nr; i++)
			jsonw_int(w, e->concs[i]);
		jsonw_arr_close(w);
		break;
	case K_MAX_MODEL_LEN: jsonw_int(w, e->max_model_len); break;
	case K_EXP_NAME: {
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s_%s", c->model_prefix, e->seq_name);
		jsonw_str(w, name.s);
		buf_release(&name);
		break;
	}
	case K_DISAGG: jsonw_bool(w, c->disagg); break;
	case K_RUN_EVAL: jsonw_bool(w, e->run_eval); break;
	case K_PREFILL: emit_worker(w, &e->item->prefill, as_written); break;
	case K_DECODE: emit_worker(w, &e->item->decode, as_written); break;
	case K_END: break;
	}
}

void emit_entry(struct jsonw *w, const struct mentry *e, const struct emit_layout *l)
{
	const enum mkey *keys = e->cfg->multinode ? l->multi : l->single;
	jsonw_obj_open(w);
	for (size_t i = 0; keys[i] != K_END; i++)
		emit_field(w, e, keys[i], l->workers_as_written);
	jsonw_obj_close(w);
}

void emit_matrix(struct buf *out, const struct mentries *m, const struct emit_layout *l)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < m->nr; i++)
		emit_entry(&w, &m->v[i], l);
	jsonw_arr_close(&w);
	buf_addch(out, '\n');
}
