/* emit: see emit.h. */
#include "matrixgen/emit.h"

#include "common/buf.h"

static void emit_worker_field(struct jsonw *w, const struct worker *k, enum entry_worker_key f)
{
	jsonw_key(w, entry_worker_keys[f].name);
	switch (f) {
	case EWK_NUM_WORKER: jsonw_int(w, k->num_worker); break;
	case EWK_TP: jsonw_int(w, k->tp); break;
	case EWK_EP: jsonw_int(w, k->ep); break;
	case EWK_DP_ATTN: jsonw_bool(w, k->dp_attn); break;
	case EWK_SETTINGS:
		jsonw_arr_open(w);
		for (size_t i = 0; i < k->settings_nr; i++)
			jsonw_str(w, k->settings[i]);
		jsonw_arr_close(w);
		break;
	case EWK_NR: break;
	}
}

static void emit_worker(struct jsonw *w, const struct worker *k, bool as_written)
{
	jsonw_obj_open(w);
	if (as_written)
		for (size_t i = 0; i < k->hdr.order_nr; i++)
			emit_worker_field(w, k, (enum entry_worker_key)k->hdr.order[i]);
	else
		for (size_t f = 0; f < EWK_NR; f++)
			emit_worker_field(w, k, (enum entry_worker_key)f);
	jsonw_obj_close(w);
}

static void emit_field(struct jsonw *w, const struct mentry *e, enum entry_key k, bool as_written)
{
	const struct config *c = e->cfg;
	jsonw_key(w, entry_keys[k].name);
	switch (k) {
	case EK_IMAGE: jsonw_str(w, c->image); break;
	case EK_MODEL: jsonw_str(w, c->model); break;
	case EK_MODEL_PREFIX: jsonw_str(w, c->model_prefix); break;
	case EK_PRECISION: jsonw_str(w, c->precision); break;
	case EK_FRAMEWORK: jsonw_str(w, c->framework); break;
	case EK_RUNNER: jsonw_str(w, e->runner); break;
	case EK_ISL: jsonw_int(w, e->isl); break;
	case EK_OSL: jsonw_int(w, e->osl); break;
	case EK_TP: jsonw_int(w, e->tp); break;
	case EK_EP: jsonw_int(w, e->ep); break;
	case EK_DP_ATTN: jsonw_bool(w, e->dp_attn); break;
	case EK_SPEC_DECODING: jsonw_str(w, e->spec); break;
	case EK_CONC:
		if (!c->multinode) {
			jsonw_int(w, e->conc);
			break;
		}
		jsonw_arr_open(w);
		for (size_t i = 0; i < e->concs_nr; i++)
			jsonw_int(w, e->concs[i]);
		jsonw_arr_close(w);
		break;
	case EK_MAX_MODEL_LEN: jsonw_int(w, e->max_model_len); break;
	case EK_EXP_NAME: {
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s_%s", c->model_prefix, e->seq_name);
		jsonw_str(w, name.s);
		buf_release(&name);
		break;
	}
	case EK_DISAGG: jsonw_bool(w, c->disagg); break;
	case EK_RUN_EVAL: jsonw_bool(w, e->run_eval); break;
	case EK_PREFILL: emit_worker(w, &e->item->prefill, as_written); break;
	case EK_DECODE: emit_worker(w, &e->item->decode, as_written); break;
	case EK_EVAL_ONLY: /* in no layout: matrixgen does not write it yet */
	case EK_NR: break;
	}
}

void emit_entry(struct jsonw *w, const struct mentry *e, const struct entry_layout *l)
{
	const enum entry_key *keys = e->cfg->multinode ? l->multi : l->single;
	jsonw_obj_open(w);
	for (size_t i = 0; keys[i] != EK_NR; i++)
		emit_field(w, e, keys[i], l->workers_as_written);
	jsonw_obj_close(w);
}

void emit_matrix(struct buf *out, const struct mentries *m, const struct entry_layout *l)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_LINE);
	jsonw_arr_open(&w);
	for (size_t i = 0; i < m->nr; i++)
		emit_entry(&w, &m->v[i], l);
	jsonw_arr_close(&w);
	buf_addch(out, '\n');
}
