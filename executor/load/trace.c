/* trace: see trace.h. */
#include "executor/load/trace.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/jtree.h"
#include "common/vec.h"
#include "common/xalloc.h"

const char *const trace_format_names[2] = { "mooncake", "agentx" };

/* Where a value was found, for messages: the file's path and line, the value's column. */
struct at {
	const struct trace_reader *r;
	struct diags *d;
};

static int bad(const struct at *a, const struct jnode *n, const char *key_path,
	       const char *expected)
{
	return diags_errorf(a->d, a->r->path, (int)a->r->line, n ? n->col : 1, key_path,
			    "expected %s, found %s", expected, n ? jtype_describe(n) : "nothing");
}

/* A member that must be an integer >= lo. */
static int get_long(long *out, const struct at *a, const struct jnode *obj, const char *key,
		    const char *path, long lo)
{
	const struct jnode *n = jobj_get(obj, key);
	char what[64];
	snprintf(what, sizeof(what), "an integer >= %ld", lo);
	if (!n || n->type != JT_NUM || !n->is_int || n->num < (double)lo || n->num > 1e15)
		return bad(a, n, path, what);
	*out = (long)n->num;
	return 0;
}

/* An optional number of seconds >= 0 (absent or null: NAN). */
static int get_seconds(double *out, const struct at *a, const struct jnode *obj,
		       const char *key, const char *path)
{
	const struct jnode *n = jobj_get(obj, key);
	*out = NAN;
	if (!n || n->type == JT_NULL)
		return 0;
	if (n->type != JT_NUM || !(n->num >= 0) || isinf(n->num))
		return bad(a, n, path, "a number of seconds >= 0");
	*out = n->num;
	return 0;
}

static int add_hashes(struct trace_session *s, struct trace_turn *t, const struct at *a,
		      const struct jnode *obj, const char *path)
{
	const struct jnode *h = jobj_get(obj, "hash_ids");
	t->hash_first = s->hashes_nr;
	t->hash_nr = 0;
	if (!h || h->type == JT_NULL)
		return 0;
	if (h->type != JT_ARR)
		return bad(a, h, path, "an array of integers");
	VEC_GROW(s->hashes, s->hashes_nr + h->nr, s->hashes_alloc);
	for (size_t i = 0; i < h->nr; i++) {
		const struct jnode *e = &h->items[i];
		if (e->type != JT_NUM || !e->is_int || e->num < 0 || e->num > 9.007e15) {
			char p[96];
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			return bad(a, e, p, "an integer >= 0");
		}
		s->hashes[s->hashes_nr++] = (uint64_t)e->num;
	}
	t->hash_nr = h->nr;
	return 0;
}

static struct trace_turn *new_turn(struct trace_session *s)
{
	VEC_GROW(s->turns, s->turns_nr + 1, s->turns_alloc);
	struct trace_turn *t = &s->turns[s->turns_nr++];
	memset(t, 0, sizeof(*t));
	return t;
}

static void new_chain(struct trace_session *s, char *conversation)
{
	VEC_GROW(s->chains, s->chains_nr + 1, s->chains_alloc);
	s->chains[s->chains_nr++] = (struct trace_chain){ s->turns_nr, 0, conversation };
}

static void new_step(struct trace_session *s)
{
	VEC_GROW(s->steps, s->steps_nr + 1, s->steps_alloc);
	s->steps[s->steps_nr++] = (struct trace_step){ s->chains_nr, 0 };
}

/* ---- Mooncake ---- */

static int read_mooncake(struct trace_session *s, const struct at *a, const struct jnode *row)
{
	long ts, in, out;
	if (row->type != JT_OBJ)
		return bad(a, row, "$", "an object");
	if (get_long(&ts, a, row, "timestamp", "$.timestamp", 0) ||
	    get_long(&in, a, row, "input_length", "$.input_length", 1) ||
	    get_long(&out, a, row, "output_length", "$.output_length", 1))
		return -1;
	char id[32];
	snprintf(id, sizeof(id), "row-%zu", a->r->line);
	s->id = xstrdup(id);
	s->block = TRACE_MOONCAKE_BLOCK;
	s->global_ids = true;
	s->at_ns = (int64_t)ts * 1000000;
	new_step(s);
	new_chain(s, xstrdup(id));
	struct trace_turn *t = new_turn(s);
	t->in = in;
	t->out = out;
	if (add_hashes(s, t, a, row, "$.hash_ids"))
		return -1;
	if (t->hash_nr && (in > (long)t->hash_nr * s->block || in <= (long)(t->hash_nr - 1) * s->block)) {
		char what[96];
		snprintf(what, sizeof(what), "%zu hash ids for %ld tokens (512-token blocks, the "
			 "last partial)", (size_t)((in + s->block - 1) / s->block), in);
		char found[64];
		snprintf(found, sizeof(found), "%zu", t->hash_nr);
		return diags_errorf(a->d, a->r->path, (int)a->r->line, jobj_get(row, "hash_ids")->col,
				    "$.hash_ids", "expected %s, found %s", what, found);
	}
	s->chains[0].nr = 1;
	s->steps[0].nr = 1;
	return 0;
}

/* ---- AgentX ---- */

/* One turn of a chain; *prev_end: the recorded end (t + api_time) of the turn before in
 * this chain or step, NAN when none. */
static int read_turn(struct trace_session *s, const struct at *a, const struct jnode *o,
		     const char *path, double *prev_end, uint32_t index)
{
	char p[128];
	if (o->type != JT_OBJ)
		return bad(a, o, path, "an object");
	struct trace_turn *t = new_turn(s);
	t->index = index;
	double ts, api, think;
	snprintf(p, sizeof(p), "%s.in", path);
	if (get_long(&t->in, a, o, "in", p, 1))
		return -1;
	snprintf(p, sizeof(p), "%s.out", path);
	if (get_long(&t->out, a, o, "out", p, 1))
		return -1;
	snprintf(p, sizeof(p), "%s.t", path);
	if (get_seconds(&ts, a, o, "t", p))
		return -1;
	snprintf(p, sizeof(p), "%s.api_time", path);
	if (get_seconds(&api, a, o, "api_time", p))
		return -1;
	snprintf(p, sizeof(p), "%s.think_time", path);
	if (get_seconds(&think, a, o, "think_time", p))
		return -1;
	double gap = think;
	if (isnan(gap))
		gap = isnan(*prev_end) || isnan(ts) ? 0 : fmax(0, ts - *prev_end);
	t->gap_ns = (int64_t)llround(gap * 1e9);
	*prev_end = isnan(ts) ? NAN : ts + (isnan(api) ? 0 : api);
	snprintf(p, sizeof(p), "%s.hash_ids", path);
	return add_hashes(s, t, a, o, p);
}

static int read_agentx(struct trace_session *s, const struct at *a, const struct jnode *tr)
{
	if (tr->type != JT_OBJ)
		return bad(a, tr, "$", "an object");
	const struct jnode *id = jobj_get(tr, "id"), *reqs = jobj_get(tr, "requests");
	if (!id || id->type != JT_STR)
		return bad(a, id, "$.id", "a string");
	s->id = xstrdup(id->s);
	long block = 64;
	if (jobj_get(tr, "block_size") && get_long(&block, a, tr, "block_size", "$.block_size", 1))
		return -1;
	s->block = block;
	const char *scope = jobj_str(tr, "hash_id_scope");
	s->global_ids = scope && !strcmp(scope, "global");
	if (!reqs || reqs->type != JT_ARR || !reqs->nr)
		return bad(a, reqs, "$.requests", "a non-empty array");
	double main_end = NAN;  /* the end of the step before, as recorded */
	uint32_t main_index = 0;
	bool in_fanout = false;
	double fanout_end = NAN;
	char p[96];
	for (size_t i = 0; i < reqs->nr; i++) {
		const struct jnode *e = &reqs->items[i];
		snprintf(p, sizeof(p), "$.requests[%zu]", i);
		const char *type = e->type == JT_OBJ ? jobj_str(e, "type") : NULL;
		if (type && !strcmp(type, "subagent")) {
			const struct jnode *inner = jobj_get(e, "requests");
			const char *agent = jobj_str(e, "agent_id");
			char ip[128];
			snprintf(ip, sizeof(ip), "%s.requests", p);
			if (!inner || inner->type != JT_ARR || !inner->nr)
				return bad(a, inner, ip, "a non-empty array");
			if (!in_fanout) {
				new_step(s);
				in_fanout = true;
				fanout_end = main_end;
			}
			struct buf conv = BUF_INIT;
			buf_addf(&conv, "%s::sa:%s", s->id, agent ? agent : "subagent");
			if (!agent)
				buf_addf(&conv, "-%zu", i);
			new_chain(s, buf_take(&conv, NULL));
			double chain_end = main_end;
			for (size_t k = 0; k < inner->nr; k++) {
				char tp[160];
				snprintf(tp, sizeof(tp), "%s[%zu]", ip, k);
				if (read_turn(s, a, &inner->items[k], tp, &chain_end, (uint32_t)k))
					return -1;
			}
			s->chains[s->chains_nr - 1].nr = inner->nr;
			s->steps[s->steps_nr - 1].nr++;
			if (isnan(fanout_end) || chain_end > fanout_end)
				fanout_end = chain_end;
			continue;
		}
		if (in_fanout) {
			main_end = fanout_end;
			in_fanout = false;
		}
		new_step(s);
		new_chain(s, xstrdup(s->id));
		if (read_turn(s, a, e, p, &main_end, main_index++))
			return -1;
		s->chains[s->chains_nr - 1].nr = 1;
		s->steps[s->steps_nr - 1].nr = 1;
	}
	return 0;
}

/* ---- the reader ---- */

/* The next non-empty line into r->text: 1, 0 at the end, -1 on a read error. */
static int next_line(struct trace_reader *r, struct diags *d)
{
	for (;;) {
		buf_reset(&r->text);
		int c;
		bool any = false;
		while ((c = getc(r->f)) != EOF) {
			any = true;
			if (c == '\n')
				break;
			buf_addch(&r->text, (char)c);
		}
		if (ferror(r->f))
			return diags_errorf(d, r->path, (int)r->line + 1, 0, NULL, "cannot read: %s",
					    strerror(errno));
		if (!any)
			return 0;
		r->line++;
		size_t i = 0;
		while (i < r->text.len && strchr(" \t\r", r->text.s[i]))
			i++;
		if (i < r->text.len)
			return 1;
	}
}

int trace_open(struct trace_reader *r, const char *path, struct diags *d)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
	r->f = fopen(path, "r");
	if (!r->f)
		return diags_errorf(d, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
	r->path = xstrdup(path);
	int rc = next_line(r, d);
	if (rc <= 0)
		return rc < 0 ? -1 : diags_errorf(d, path, 0, 0, NULL, "expected trace lines "
						  "(Mooncake or AgentX JSONL), found an empty file");
	struct jnode *j = jtree_parse(r->text.s, r->text.len, path, NULL);
	if (!j || j->type != JT_OBJ) {
		jtree_free(j);
		return diags_errorf(d, path, (int)r->line, 1, "$", "expected a JSON object (a "
				    "Mooncake row or an AgentX trace), found %s",
				    j ? "another value" : "malformed JSON");
	}
	if (jobj_get(j, "timestamp"))
		r->format = TRACE_MOONCAKE;
	else if (jobj_get(j, "requests"))
		r->format = TRACE_AGENTX;
	else
		rc = diags_errorf(d, path, (int)r->line, 1, "$", "expected a Mooncake row (with "
				  "\"timestamp\") or an AgentX trace (with \"requests\"), found "
				  "neither key");
	jtree_free(j);
	if (rc < 0)
		return -1;
	return trace_rewind(r, d);
}

int trace_rewind(struct trace_reader *r, struct diags *d)
{
	if (fseek(r->f, 0, SEEK_SET))
		return diags_errorf(d, r->path, 0, 0, NULL, "cannot rewind: %s", strerror(errno));
	r->line = 0;
	return 0;
}

int trace_next(struct trace_reader *r, struct trace_session *s, struct diags *d)
{
	trace_session_release(s);
	int rc = next_line(r, d);
	if (rc <= 0)
		return rc;
	struct diags local;
	diags_init(&local);
	struct jnode *j = jtree_parse(r->text.s, r->text.len, r->path, &local);
	if (!j) {
		/* jtree counts lines within the text: say the file's line */
		const struct diag *g = local.nr ? &local.v[0] : NULL;
		diags_errorf(d, r->path, (int)r->line, g ? g->col : 1, NULL, "%s",
			     g ? g->msg : "malformed JSON");
		diags_release(&local);
		return -1;
	}
	diags_release(&local);
	s->line = r->line;
	struct at a = { r, d };
	rc = r->format == TRACE_MOONCAKE ? read_mooncake(s, &a, j) : read_agentx(s, &a, j);
	jtree_free(j);
	if (rc)
		return -1;
	r->sessions++;
	return 1;
}

void trace_close(struct trace_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->path);
	buf_release(&r->text);
	memset(r, 0, sizeof(*r));
}

void trace_session_init(struct trace_session *s)
{
	memset(s, 0, sizeof(*s));
}

void trace_session_release(struct trace_session *s)
{
	free(s->id);
	for (size_t i = 0; i < s->chains_nr; i++)
		free(s->chains[i].conversation);
	free(s->turns);
	free(s->hashes);
	free(s->chains);
	free(s->steps);
	trace_session_init(s);
}
