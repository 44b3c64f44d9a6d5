/*
 * config_v2: the v2 layout of master configs and runners.yaml (upstream 843c6254f,
 * utils/matrix_logic/validation.py), as schema tables and the rules that are not a row.
 * Records are declared in config.h; config.c picks v1 or v2 per file by its shape.
 *
 * Every integer of the v2 tables takes SF_UNDERSCORES (2_063_837), because the real
 * runners.yaml writes them so and PyYAML reads them as integers.
 */
#include "matrixgen/config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/entry_keys.h"
#include "common/scalar.h"
#include "common/vec.h"

#define NR(a) (sizeof(a) / sizeof((a)[0]))
#define U SF_UNDERSCORES

static const char *const kv_offloading_values[] = { "none", "dram", NULL };

/* ---- router {name, version} and kv-offload-backend {name, version?} ---- */
static int check_version(void *rec, struct schema_ctx *ctx)
{
	struct component *c = rec;
	if (!c->version || strncmp(c->version, "image:", 6))
		return 0;
	size_t old = schema_path_push_key(ctx, "version");
	schema_errorf(ctx, ynode_get(c->hdr.node, "version"),
		      "expected the component's own release, package version or source commit, "
		      "found an image reference \"%s\"", c->version);
	schema_path_pop(ctx, old);
	return -1;
}

static const struct sfield router_fields[] = {
	{ "name", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct component, name), 0, NULL, NULL },
	{ "version", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct component, version), 0, NULL, NULL },
};
static const struct schema router_schema = { "a router", router_fields, NR(router_fields),
					     sizeof(struct component), check_version };
static const struct sfield backend_fields[] = {
	{ "name", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct component, name), 0, NULL, NULL },
	{ "version", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct component, version), 0, NULL, NULL },
};
static const struct schema backend_schema = { "a kv-offload-backend", backend_fields,
					      NR(backend_fields), sizeof(struct component),
					      check_version };

/* ---- shared rules ---- */

/* tp % dcp-size == 0 (single-node items and workers) */
static int check_tp_dcp(const struct srec *hdr, long tp, long dcp, struct schema_ctx *ctx)
{
	if (!tp || tp % dcp == 0)
		return 0;
	size_t old = schema_path_push_key(ctx, "dcp-size");
	schema_errorf(ctx, ynode_get(hdr->node, "dcp-size"),
		      "expected a divisor of tp (%ld), found dcp-size %ld", tp, dcp);
	schema_path_pop(ctx, old);
	return -1;
}

static void default_parallelism(long *pp, long *dcp, long *pcp)
{
	if (!*pp)
		*pp = 1;
	if (!*dcp)
		*dcp = 1;
	if (!*pcp)
		*pcp = 1;
}

/* ---- workers ---- */
static int check_worker(void *rec, struct schema_ctx *ctx)
{
	struct worker_v2 *w = rec;
	default_parallelism(&w->pp, &w->dcp_size, &w->pcp_size);
	return check_tp_dcp(&w->hdr, w->tp, w->dcp_size, ctx);
}

/* Row order is entry_worker_keys' where the keys are shared: emit follows hdr.order. */
static const struct sfield worker_fields[] = {
	{ "num-worker", SF_INT, SF_REQUIRED | U, 0, 0, NULL, offsetof(struct worker_v2, num_worker), 0, NULL, NULL },
	{ "tp", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct worker_v2, tp), 0, NULL, NULL },
	{ "ep", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct worker_v2, ep), 0, NULL, NULL },
	{ "dp-attn", SF_BOOL, SF_REQUIRED, 0, 0, NULL, offsetof(struct worker_v2, dp_attn), 0, NULL, NULL },
	{ "additional-settings", SF_STR_LIST, 0, 0, 0, NULL, offsetof(struct worker_v2, settings),
	  offsetof(struct worker_v2, settings_nr), NULL, NULL },
	{ "pp", SF_INT, U, 1, 0, NULL, offsetof(struct worker_v2, pp), 0, NULL, NULL },
	{ "dcp-size", SF_INT, U, 1, 0, NULL, offsetof(struct worker_v2, dcp_size), 0, NULL, NULL },
	{ "pcp-size", SF_INT, U, 1, 0, NULL, offsetof(struct worker_v2, pcp_size), 0, NULL, NULL },
	{ "hardware", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct worker_v2, hardware), 0, NULL, NULL },
};
static const struct schema worker_schema = { "a worker config", worker_fields, NR(worker_fields),
					     sizeof(struct worker_v2), check_worker };

/* ---- search-space items ---- */

static int check_conc(const struct item_v2 *it, struct schema_ctx *ctx)
{
	return config_check_conc(it->hdr.node, it->conc_start, it->conc_end, ctx);
}

/* hardware on both workers or on neither */
static int check_hardware_pair(const struct item_v2 *it, struct schema_ctx *ctx)
{
	if (!it->prefill.hdr.node || !it->decode.hdr.node ||
	    !it->prefill.hardware == !it->decode.hardware)
		return 0;
	const struct worker_v2 *with = it->prefill.hardware ? &it->prefill : &it->decode;
	size_t old = schema_path_push_key(ctx, with == &it->prefill ? "decode" : "prefill");
	schema_errorf(ctx, (with == &it->prefill ? &it->decode : &it->prefill)->hdr.node,
		      "missing key 'hardware': expected hardware on both prefill and decode or "
		      "on neither, found it only on %s", with == &it->prefill ? "prefill" : "decode");
	schema_path_pop(ctx, old);
	return -1;
}

/* kv-offload-backend exactly when kv-offloading is written and not none */
static int check_kv_offload(const struct item_v2 *it, struct schema_ctx *ctx)
{
	bool offloads = it->kv_offloading && strcmp(it->kv_offloading, "none");
	if (offloads == (it->backend.hdr.node != NULL))
		return 0;
	if (offloads)
		return schema_errorf(ctx, it->hdr.node, "missing key 'kv-offload-backend': "
							 "expected it when kv-offloading is '%s'",
				     it->kv_offloading);
	size_t old = schema_path_push_key(ctx, "kv-offload-backend");
	schema_errorf(ctx, it->backend.hdr.node,
		      "expected no kv-offload-backend when kv-offloading is %s",
		      it->kv_offloading ? "'none'" : "not written");
	schema_path_pop(ctx, old);
	return -1;
}

static void item_defaults(struct item_v2 *it)
{
	default_parallelism(&it->pp, &it->dcp_size, &it->pcp_size);
	if (!it->spec)
		it->spec = "none";
}

static int check_single_item(void *rec, struct schema_ctx *ctx)
{
	struct item_v2 *it = rec;
	item_defaults(it);
	int rc = check_conc(it, ctx);
	return check_tp_dcp(&it->hdr, it->tp, it->dcp_size, ctx) | rc;
}

static int check_multi_item(void *rec, struct schema_ctx *ctx)
{
	struct item_v2 *it = rec;
	item_defaults(it);
	int rc = check_conc(it, ctx);
	return check_hardware_pair(it, ctx) | rc;
}

/* Agentic items are single-node (tp) or multinode (prefill and decode), never both. */
static int check_agentic_item(void *rec, struct schema_ctx *ctx)
{
	struct item_v2 *it = rec;
	const struct ynode *map = it->hdr.node;
	int rc = check_conc(it, ctx) | check_kv_offload(it, ctx);
	bool single = ynode_get(map, "tp"), pre = it->prefill.hdr.node, dec = it->decode.hdr.node;
	if (single ? pre || dec : !(pre && dec)) {
		item_defaults(it);
		return schema_errorf(ctx, map, "expected either tp or both prefill and decode, "
					       "found %s", single ? "tp with a worker" :
					       pre || dec ? "only one worker" : "neither");
	}
	if (single) {
		if (!it->kv_offloading)
			rc |= schema_errorf(ctx, map, "missing required key 'kv-offloading' in a "
						      "single-node agentic item");
		item_defaults(it);
		return check_tp_dcp(&it->hdr, it->tp, it->dcp_size, ctx) | rc;
	}
	static const char *const single_only[] = { "pp", "dcp-size", "pcp-size" };
	for (size_t i = 0; i < NR(single_only); i++) {
		const struct ynode *n = ynode_get(map, single_only[i]);
		if (!n)
			continue;
		size_t old = schema_path_push_key(ctx, single_only[i]);
		rc = schema_errorf(ctx, n, "expected %s on the prefill and decode workers of a "
					   "multinode agentic item, found it on the item",
				   single_only[i]);
		schema_path_pop(ctx, old);
	}
	item_defaults(it);
	return check_hardware_pair(it, ctx) | rc;
}

#define ITEM_CONC_FIELDS                                                                          \
	{ "conc-start", SF_INT, U, 1, ENTRY_CONC_MAX, NULL, offsetof(struct item_v2, conc_start), 0, NULL, NULL }, \
	{ "conc-end", SF_INT, U, 1, ENTRY_CONC_MAX, NULL, offsetof(struct item_v2, conc_end), 0, NULL, NULL },     \
	{ "conc-list", SF_INT_LIST, SF_NONEMPTY | U, 1, ENTRY_CONC_MAX, NULL, offsetof(struct item_v2, conc_list), \
	  offsetof(struct item_v2, conc_list_nr), NULL, NULL }
#define ITEM_FIELD(key, type, flags, min, field, sub) \
	{ key, type, flags, min, 0, NULL, offsetof(struct item_v2, field), 0, sub, NULL }
#define ITEM_PARALLELISM_FIELDS                                                 \
	ITEM_FIELD("pp", SF_INT, U, 1, pp, NULL),                               \
	ITEM_FIELD("dcp-size", SF_INT, U, 1, dcp_size, NULL),                   \
	ITEM_FIELD("pcp-size", SF_INT, U, 1, pcp_size, NULL),                   \
	ITEM_FIELD("ep", SF_INT, U, 1, ep, NULL),                               \
	ITEM_FIELD("dp-attn", SF_BOOL, 0, 0, dp_attn, NULL)
#define ITEM_SPEC_FIELD \
	{ "spec-decoding", SF_ENUM, 0, 0, 0, entry_spec_values, offsetof(struct item_v2, spec), 0, NULL, NULL }

static const struct sfield single_item_fields[] = {
	ITEM_FIELD("tp", SF_INT, SF_REQUIRED | U, 1, tp, NULL),
	ITEM_PARALLELISM_FIELDS,
	ITEM_SPEC_FIELD,
	ITEM_FIELD("router", SF_RECORD, 0, 0, router, &router_schema),
	ITEM_CONC_FIELDS,
};
static const struct schema single_item_schema = { "a single-node search-space item",
						  single_item_fields, NR(single_item_fields),
						  sizeof(struct item_v2), check_single_item };

static const struct sfield multi_item_fields[] = {
	ITEM_SPEC_FIELD,
	ITEM_FIELD("prefill", SF_RECORD, SF_REQUIRED, 0, prefill, &worker_schema),
	ITEM_FIELD("decode", SF_RECORD, SF_REQUIRED, 0, decode, &worker_schema),
	ITEM_FIELD("router", SF_RECORD, 0, 0, router, &router_schema),
	{ "kv-p2p-transfer", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct item_v2, kv_p2p), 0, NULL, NULL },
	ITEM_CONC_FIELDS,
};
static const struct schema multi_item_schema = { "a multinode search-space item",
						 multi_item_fields, NR(multi_item_fields),
						 sizeof(struct item_v2), check_multi_item };

static const struct sfield agentic_item_fields[] = {
	ITEM_FIELD("tp", SF_INT, U, 1, tp, NULL),
	ITEM_PARALLELISM_FIELDS,
	ITEM_SPEC_FIELD,
	ITEM_FIELD("prefill", SF_RECORD, 0, 0, prefill, &worker_schema),
	ITEM_FIELD("decode", SF_RECORD, 0, 0, decode, &worker_schema),
	{ "kv-offloading", SF_ENUM, 0, 0, 0, kv_offloading_values, offsetof(struct item_v2, kv_offloading), 0, NULL, NULL },
	ITEM_FIELD("kv-offload-backend", SF_RECORD, 0, 0, backend, &backend_schema),
	ITEM_FIELD("router", SF_RECORD, 0, 0, router, &router_schema),
	{ "kv-p2p-transfer", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct item_v2, kv_p2p), 0, NULL, NULL },
	ITEM_CONC_FIELDS,
};
static const struct schema agentic_item_schema = { "an agentic search-space item",
						   agentic_item_fields, NR(agentic_item_fields),
						   sizeof(struct item_v2), check_agentic_item };

/* ---- scenarios ---- */
#define FIXED_FIELDS(item_schema)                                                                 \
	{ "isl", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct fixed_v2, isl), 0, NULL, NULL },    \
	{ "osl", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct fixed_v2, osl), 0, NULL, NULL },    \
	{ "search-space", SF_RECORD_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL,                          \
	  offsetof(struct fixed_v2, items), offsetof(struct fixed_v2, items_nr), &item_schema, NULL }
static const struct sfield single_fixed_fields[] = { FIXED_FIELDS(single_item_schema) };
static const struct sfield multi_fixed_fields[] = { FIXED_FIELDS(multi_item_schema) };
static const struct schema single_fixed_schema = { "a fixed-seq-len config", single_fixed_fields,
						   NR(single_fixed_fields), sizeof(struct fixed_v2), NULL };
static const struct schema multi_fixed_schema = { "a fixed-seq-len config", multi_fixed_fields,
						  NR(multi_fixed_fields), sizeof(struct fixed_v2), NULL };

/* dram-utilization in (0, 1], and written when an item offloads to DRAM */
static int check_agentic(void *rec, struct schema_ctx *ctx)
{
	struct agentic_v2 *a = rec;
	const struct ynode *util = ynode_get(a->hdr.node, "dram-utilization");
	if (util && !(a->dram_util > 0 && a->dram_util <= 1)) {
		struct buf found = BUF_INIT;
		scalar_describe(&found, util);
		size_t old = schema_path_push_key(ctx, "dram-utilization");
		schema_errorf(ctx, util, "expected a number > 0 and <= 1, found %s", found.s);
		schema_path_pop(ctx, old);
		buf_release(&found);
		return -1;
	}
	for (size_t i = 0; !util && i < a->items_nr; i++) {
		if (!a->items[i].kv_offloading || strcmp(a->items[i].kv_offloading, "dram"))
			continue;
		return schema_errorf(ctx, a->hdr.node,
				     "missing key 'dram-utilization': expected it when "
				     "search-space[%zu] offloads to dram", i);
	}
	return 0;
}

static const struct sfield agentic_fields[] = {
	{ "dram-utilization", SF_DOUBLE, 0, 0, 0, NULL, offsetof(struct agentic_v2, dram_util), 0, NULL, NULL },
	{ "search-space", SF_RECORD_LIST, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL,
	  offsetof(struct agentic_v2, items), offsetof(struct agentic_v2, items_nr), &agentic_item_schema, NULL },
};
static const struct schema agentic_schema = { "an agentic-coding config", agentic_fields,
					      NR(agentic_fields), sizeof(struct agentic_v2),
					      check_agentic };

static int check_scenarios(void *rec, struct schema_ctx *ctx)
{
	struct scenarios_v2 *s = rec;
	if (s->fixed_nr || s->agentic_nr)
		return 0;
	return schema_errorf(ctx, s->hdr.node, "expected a non-empty fixed-seq-len or "
					       "agentic-coding list, found neither");
}

#define SCENARIO_FIELDS(fixed_schema)                                                             \
	{ "fixed-seq-len", SF_RECORD_LIST, 0, 0, 0, NULL, offsetof(struct scenarios_v2, fixed),           \
	  offsetof(struct scenarios_v2, fixed_nr), &fixed_schema, NULL },                                 \
	{ "agentic-coding", SF_RECORD_LIST, 0, 0, 0, NULL, offsetof(struct scenarios_v2, agentic),        \
	  offsetof(struct scenarios_v2, agentic_nr), &agentic_schema, NULL }
static const struct sfield single_scen_fields[] = { SCENARIO_FIELDS(single_fixed_schema) };
static const struct sfield multi_scen_fields[] = { SCENARIO_FIELDS(multi_fixed_schema) };
static const struct schema single_scen_schema = { "scenarios", single_scen_fields,
						  NR(single_scen_fields), sizeof(struct scenarios_v2),
						  check_scenarios };
static const struct schema multi_scen_schema = { "scenarios", multi_scen_fields,
						 NR(multi_scen_fields), sizeof(struct scenarios_v2),
						 check_scenarios };

/* ---- master config entries ---- */

/* Calls fn on every search-space item with the path pushed; ORs the results. */
static int each_item(const struct config *c, struct schema_ctx *ctx,
		     int (*fn)(const struct config *, const struct item_v2 *, const char *,
			       struct schema_ctx *))
{
	int rc = 0;
	size_t o1 = schema_path_push_key(ctx, "scenarios");
	for (int kind = 0; kind < 2; kind++) {
		size_t nr = kind ? c->scen.agentic_nr : c->scen.fixed_nr;
		size_t o2 = schema_path_push_key(ctx, kind ? "agentic-coding" : "fixed-seq-len");
		for (size_t s = 0; s < nr; s++) {
			size_t o3 = schema_path_push_index(ctx, s);
			size_t o4 = schema_path_push_key(ctx, "search-space");
			const struct item_v2 *items = kind ? c->scen.agentic[s].items : c->scen.fixed[s].items;
			size_t items_nr = kind ? c->scen.agentic[s].items_nr : c->scen.fixed[s].items_nr;
			for (size_t i = 0; i < items_nr; i++) {
				size_t o5 = schema_path_push_index(ctx, i);
				rc |= fn(c, &items[i], kind ? "agentic-coding" : "fixed-seq-len", ctx);
				schema_path_pop(ctx, o5);
			}
			schema_path_pop(ctx, o3);
			(void)o4;
		}
		schema_path_pop(ctx, o2);
	}
	schema_path_pop(ctx, o1);
	return rc;
}

/* router and kv-p2p-transfer: top level or search-space items, never both */
static int item_scope(const struct config *c, const struct item_v2 *it, const char *scenario,
		      struct schema_ctx *ctx)
{
	(void)scenario;
	int rc = 0;
	if (it->router.hdr.node && c->router.hdr.node) {
		size_t old = schema_path_push_key(ctx, "router");
		rc = schema_errorf(ctx, it->router.hdr.node,
				   "expected router at the top level or in search-space items, "
				   "found both (top level at line %d)", c->router.hdr.node->line);
		schema_path_pop(ctx, old);
	}
	const struct ynode *p2p = ynode_get(it->hdr.node, "kv-p2p-transfer");
	if (p2p && !c->multinode) {
		size_t old = schema_path_push_key(ctx, "kv-p2p-transfer");
		rc = schema_errorf(ctx, p2p, "expected kv-p2p-transfer only in multinode configs, "
					     "found it with multinode: false");
		schema_path_pop(ctx, old);
	} else if (p2p && c->kv_p2p) {
		size_t old = schema_path_push_key(ctx, "kv-p2p-transfer");
		rc = schema_errorf(ctx, p2p, "expected kv-p2p-transfer at the top level or in "
					     "search-space items, found both (top level at line %d)",
				   ynode_get(c->hdr.node, "kv-p2p-transfer")->line);
		schema_path_pop(ctx, old);
	} else if (!p2p && c->disagg && !c->kv_p2p) {
		rc = schema_errorf(ctx, it->hdr.node, "missing key 'kv-p2p-transfer': disagg: true "
						      "needs it at the top level or in every "
						      "search-space item");
	}
	return rc;
}

/* Our rule (upstream would fail while generating): an agentic item's topology follows
 * the config's `multinode`. */
static int item_topology(const struct config *c, const struct item_v2 *it, const char *scenario,
			 struct schema_ctx *ctx)
{
	if (strcmp(scenario, "agentic-coding") || !it->hdr.node)
		return 0;
	bool single = ynode_get(it->hdr.node, "tp");
	bool workers = it->prefill.hdr.node || it->decode.hdr.node;
	if (!single && !workers)
		return 0; /* already reported */
	if (c->multinode && single)
		return schema_errorf(ctx, it->hdr.node, "expected prefill and decode workers in a "
							"multinode config, found tp");
	if (!c->multinode && !single)
		return schema_errorf(ctx, it->hdr.node, "expected tp in a single-node config, "
							"found prefill/decode workers");
	return 0;
}

static int check_config(void *rec, struct schema_ctx *ctx)
{
	struct config *c = rec;
	int rc = 0;
	if (!c->multinode && c->disagg) {
		size_t old = schema_path_push_key(ctx, "disagg");
		rc = schema_errorf(ctx, ynode_get(c->hdr.node, "disagg"),
				   "expected false in a single-node config, found boolean true");
		schema_path_pop(ctx, old);
	}
	if (c->scen.agentic_nr && strncmp(c->runner, "cluster:", 8)) {
		size_t old = schema_path_push_key(ctx, "runner");
		rc = schema_errorf(ctx, ynode_get(c->hdr.node, "runner"),
				   "expected a 'cluster:<name>' runner in a config with "
				   "agentic-coding scenarios, found '%s'", c->runner);
		schema_path_pop(ctx, old);
	}
	bool items = false;
	for (size_t s = 0; s < c->scen.fixed_nr; s++)
		items |= c->scen.fixed[s].items_nr > 0;
	for (size_t s = 0; s < c->scen.agentic_nr; s++)
		items |= c->scen.agentic[s].items_nr > 0;
	if (!items && c->disagg && !c->kv_p2p)
		rc = schema_errorf(ctx, c->hdr.node, "missing key 'kv-p2p-transfer': disagg: true "
						     "needs it at the top level or in every "
						     "search-space item");
	rc |= each_item(c, ctx, item_scope);
	rc |= each_item(c, ctx, item_topology);
	return rc;
}

#define CONFIG_FIELDS(scen_schema)                                                                \
	{ "image", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, image), 0, NULL, NULL }, \
	{ "model", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, model), 0, NULL, NULL }, \
	{ "model-prefix", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, model_prefix), 0, NULL, NULL }, \
	{ "precision", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, precision), 0, NULL, NULL }, \
	{ "framework", SF_STR, SF_REQUIRED | SF_NONEMPTY | SF_SAFE_NAME, 0, 0, NULL, offsetof(struct config, framework), 0, NULL, NULL }, \
	{ "runner", SF_STR, SF_REQUIRED | SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, runner), 0, NULL, NULL }, \
	{ "multinode", SF_BOOL, SF_REQUIRED, 0, 0, NULL, offsetof(struct config, multinode), 0, NULL, NULL }, \
	{ "disagg", SF_BOOL, 0, 0, 0, NULL, offsetof(struct config, disagg), 0, NULL, NULL },            \
	{ "router", SF_RECORD, 0, 0, 0, NULL, offsetof(struct config, router), 0, &router_schema, NULL }, \
	{ "scenarios", SF_RECORD, SF_REQUIRED, 0, 0, NULL, offsetof(struct config, scen), 0, &scen_schema, NULL }

static const struct sfield single_config_fields[] = { CONFIG_FIELDS(single_scen_schema) };
static const struct sfield multi_config_fields[] = {
	CONFIG_FIELDS(multi_scen_schema),
	{ "kv-p2p-transfer", SF_STR, SF_NONEMPTY, 0, 0, NULL, offsetof(struct config, kv_p2p), 0, NULL, NULL },
};
static const struct schema single_config_schema = { "a single-node master config entry",
						    single_config_fields, NR(single_config_fields),
						    sizeof(struct config), check_config };
static const struct schema multi_config_schema = { "a multinode master config entry",
						   multi_config_fields, NR(multi_config_fields),
						   sizeof(struct config), check_config };

const struct schema *config_v2_schema(bool multinode)
{
	return multinode ? &multi_config_schema : &single_config_schema;
}

bool config_doc_is_v2(const struct ynode *root)
{
	if (!root || root->kind != YNODE_MAP)
		return false;
	for (size_t i = 0; i < root->nr; i++) {
		const struct ynode *v = root->pairs[i].value;
		if (v->kind == YNODE_MAP && ynode_get(v, "scenarios"))
			return true;
	}
	return false;
}

/* ---- runners.yaml v2: {labels: {label: [node...]}, hardware: {label: {...}}} ---- */

bool runners_doc_is_v2(const struct ynode *root)
{
	if (!root || root->kind != YNODE_MAP)
		return false;
	const struct ynode *labels = ynode_get(root, "labels");
	const struct ynode *hw = ynode_get(root, "hardware");
	return (labels && labels->kind == YNODE_MAP) || (hw && hw->kind == YNODE_MAP);
}

static const struct sfield hardware_fields[] = {
	{ "available-cpu-dram-mib", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct runner_hw, avail_dram_mib), 0, NULL, NULL },
	{ "gpus-per-node", SF_INT, SF_REQUIRED | U, 1, 0, NULL, offsetof(struct runner_hw, gpus_per_node), 0, NULL, NULL },
};
static const struct schema hardware_schema = { "a runner hardware entry", hardware_fields,
					       NR(hardware_fields), sizeof(struct runner_hw), NULL };

static int expect_map(const struct ynode *n, const char *what, struct schema_ctx *ctx)
{
	if (n->kind == YNODE_MAP)
		return 0;
	struct buf found = BUF_INIT;
	scalar_describe(&found, n);
	schema_errorf(ctx, n, "expected %s, found %s", what, found.s);
	buf_release(&found);
	return -1;
}

static int load_labels(struct inputs *in, const struct ynode *labels, struct schema_ctx *ctx)
{
	static const struct sfield nodes_field = { "nodes", SF_STR_LIST, SF_NONEMPTY, 0, 0, NULL,
						   offsetof(struct runner_type, nodes),
						   offsetof(struct runner_type, nodes_nr), NULL, NULL };
	if (expect_map(labels, "a mapping of runner labels to node lists", ctx))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < labels->nr; i++) {
		const struct ynode *k = labels->pairs[i].key, *v = labels->pairs[i].value;
		size_t old = schema_path_push_key(ctx, k->str);
		struct runner_type r = { .name = k->str };
		if (scalar_classify(k) != SC_STRING || !*k->str)
			rc = schema_errorf(ctx, k, "expected a runner label (a non-empty string)");
		rc |= schema_value(&r, &nodes_field, v, ctx);
		for (size_t n = 0; n < r.nodes_nr; n++) {
			if (r.nodes[n] && !*r.nodes[n]) {
				size_t o2 = schema_path_push_index(ctx, n);
				rc = schema_errorf(ctx, v->items[n], "expected a node name, found \"\"");
				schema_path_pop(ctx, o2);
			}
		}
		VEC_GROW(in->runners, in->runners_nr + 1, in->runners_alloc);
		in->runners[in->runners_nr++] = r;
		schema_path_pop(ctx, old);
	}
	return rc;
}

static int load_hardware(struct inputs *in, const struct ynode *hw, struct schema_ctx *ctx)
{
	if (expect_map(hw, "a mapping of runner labels to hardware entries", ctx))
		return -1;
	in->hardware = xcalloc(hw->nr ? hw->nr : 1, sizeof(*in->hardware));
	int rc = 0;
	for (size_t i = 0; i < hw->nr; i++) {
		const struct ynode *k = hw->pairs[i].key;
		size_t old = schema_path_push_key(ctx, k->str);
		struct runner_hw *h = &in->hardware[in->hardware_nr++];
		rc |= schema_load(h, &hardware_schema, hw->pairs[i].value, ctx);
		h->name = k->str;
		schema_path_pop(ctx, old);
	}
	return rc;
}

int runners_v2_load(struct inputs *in, const char *file, const struct ynode *root,
		    struct diags *d)
{
	struct schema_ctx ctx;
	schema_ctx_init(&ctx, file, d);
	int rc = 0;
	in->runner_layout = LAYOUT_V2;
	for (size_t i = 0; i < root->nr; i++) {
		const struct ynode *k = root->pairs[i].key, *v = root->pairs[i].value;
		size_t old = schema_path_push_key(&ctx, k->str);
		if (!strcmp(k->str, "labels"))
			rc |= load_labels(in, v, &ctx);
		else if (!strcmp(k->str, "hardware"))
			rc |= load_hardware(in, v, &ctx);
		else
			rc = schema_errorf(&ctx, k, "unknown key '%s' in a v2 runner file; expected "
						    "one of: labels, hardware", k->str);
		schema_path_pop(&ctx, old);
	}
	if (!ynode_get(root, "labels"))
		rc = schema_errorf(&ctx, root, "missing required key 'labels' in a v2 runner file");
	schema_ctx_release(&ctx);
	return rc;
}

const struct runner_hw *inputs_runner_hw(const struct inputs *in, const char *name)
{
	for (size_t i = 0; i < in->hardware_nr; i++)
		if (in->hardware[i].name && !strcmp(in->hardware[i].name, name))
			return &in->hardware[i];
	return NULL;
}

/* ---- cross-file: the DRAM budget's inputs ---- */

struct hw_check {
	const struct inputs *in;
	const struct runner_hw *hw;
	int reported_missing;
};

static int worker_fits(const struct worker_v2 *w, long per_node, struct schema_ctx *ctx)
{
	long g = w->tp * w->pp * w->pcp_size;
	if (g > per_node ? g % per_node == 0 : per_node % g == 0)
		return 0;
	size_t old = schema_path_push_key(ctx, "prefill");
	schema_errorf(ctx, w->hdr.node, "expected a worker whose tp*pp*pcp-size divides "
					"gpus-per-node (%ld) or is a multiple of it, found %ld",
		      per_node, g);
	schema_path_pop(ctx, old);
	return -1;
}

int inputs_check_v2_hardware(const struct inputs *in, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < in->configs_nr; i++) {
		const struct config *c = &in->configs[i];
		if (c->layout != LAYOUT_V2)
			continue;
		const struct runner_hw *hw = inputs_runner_hw(in, c->runner);
		struct schema_ctx ctx;
		schema_ctx_init(&ctx, c->file, d);
		schema_path_push_key(&ctx, c->key);
		for (size_t s = 0; s < c->scen.agentic_nr; s++) {
			const struct agentic_v2 *a = &c->scen.agentic[s];
			for (size_t k = 0; k < a->items_nr; k++) {
				const struct item_v2 *it = &a->items[k];
				if (!it->kv_offloading || strcmp(it->kv_offloading, "dram"))
					continue;
				struct buf p = BUF_INIT;
				buf_addf(&p, "scenarios.agentic-coding[%zu].search-space[%zu]", s, k);
				size_t old = schema_path_push_key(&ctx, p.s);
				buf_release(&p);
				if (!hw) {
					rc = schema_errorf(&ctx, it->hdr.node,
							   "kv-offloading 'dram' needs runner '%s' under "
							   "hardware: in the runner file '%s'", c->runner,
							   in->runner_file ? in->runner_file : "");
				} else if (it->prefill.hdr.node) {
					rc |= worker_fits(&it->prefill, hw->gpus_per_node, &ctx);
				} else if (it->tp * it->pp * it->pcp_size > hw->gpus_per_node) {
					rc = schema_errorf(&ctx, it->hdr.node,
							   "expected tp*pp*pcp-size <= gpus-per-node (%ld) "
							   "of runner '%s', found %ld", hw->gpus_per_node,
							   c->runner, it->tp * it->pp * it->pcp_size);
				}
				schema_path_pop(&ctx, old);
			}
		}
		schema_ctx_release(&ctx);
	}
	return rc;
}
