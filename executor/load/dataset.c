/* dataset: see dataset.h. */
#include "executor/load/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "executor/load/rng.h"

/* Common one-token English words: most tokenizers keep each as one token after a space. */
static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by",
	"at", "from", "his", "her", "it", "an", "were", "are", "which", "this", "be", "or",
	"has", "had", "not", "but", "their", "first", "one", "new", "after", "also", "who",
	"they", "two", "been", "its", "all", "there", "time", "would", "year", "when", "into",
	"more", "other", "city", "some", "made", "world", "over", "only", "many", "most", "then",
	"state", "people", "school", "can", "water", "house", "music", "light", "river", "game",
	"book", "night", "open", "line", "part", "small", "great", "story", "place", "early",
	"order", "field", "power", "round", "point", "short", "table", "green", "black", "white",
};
#define WORDS_NR (sizeof(words) / sizeof(words[0]))

void dataset_init(struct dataset *ds)
{
	memset(ds, 0, sizeof(*ds));
}

void dataset_release(struct dataset *ds)
{
	for (size_t i = 0; i < ds->nr; i++)
		free(ds->v[i].ids);
	free(ds->v);
	free(ds->prefix_ids);
	dataset_init(ds);
}

long dataset_len_floor(long len, double ratio)
{
	return (long)floor((double)len * ratio);
}

static void draw_lengths(struct dataset *ds, struct rng *r, const struct dataset_config *cfg)
{
	long in_lo = dataset_len_floor(cfg->input_len, cfg->range_ratio);
	long out_lo = dataset_len_floor(cfg->output_len, cfg->range_ratio);
	for (size_t i = 0; i < ds->nr; i++)
		ds->v[i].input_len = rng_range(r, in_lo, cfg->input_len);
	for (size_t i = 0; i < ds->nr; i++)
		ds->v[i].output_len = rng_range(r, out_lo, cfg->output_len);
}

static void draw_ids(int *ids, size_t n, struct rng *r)
{
	for (size_t k = 0; k < n; k++)
		ids[k] = (int)rng_range(r, DATASET_ID_LO, DATASET_ID_HI - 1);
}

void dataset_generate(struct dataset *ds, const struct dataset_config *cfg)
{
	dataset_generate_stoppable(ds, cfg, NULL);
}

int dataset_generate_stoppable(struct dataset *ds, const struct dataset_config *cfg,
			       volatile sig_atomic_t *stop)
{
	struct rng r;
	rng_seed(&r, cfg->seed);
	dataset_release(ds);
	ds->nr = cfg->num_prompts;
	ds->v = xcalloc(ds->nr ? ds->nr : 1, sizeof(*ds->v));
	ds->prefix_len = cfg->prefix_len;
	draw_lengths(ds, &r, cfg);
	if (cfg->format == PROMPT_IDS) {
		ds->prefix_ids = xcalloc((size_t)cfg->prefix_len + 1, sizeof(int));
		draw_ids(ds->prefix_ids, (size_t)cfg->prefix_len, &r);
	} else {
		ds->prefix_seed = rng_next(&r);
	}
	for (size_t i = 0; i < ds->nr; i++) {
		if (stop && *stop)
			return -1;
		struct dataset_prompt *p = &ds->v[i];
		p->target_len = cfg->prefix_len + p->input_len;
		p->prompt_len = p->target_len;
		if (cfg->format == PROMPT_IDS) {
			p->ids_nr = (size_t)p->target_len;
			p->ids = xmalloc(st_mult(p->ids_nr + 1, sizeof(int)));
			memcpy(p->ids, ds->prefix_ids, (size_t)cfg->prefix_len * sizeof(int));
			draw_ids(p->ids + cfg->prefix_len, (size_t)p->input_len, &r);
		} else {
			p->word_seed = rng_next(&r);
			p->words = p->input_len;
		}
	}
	return 0;
}

void dataset_words(struct buf *out, uint64_t seed, long n)
{
	struct rng r;
	rng_seed(&r, seed);
	for (long k = 0; k < n; k++) {
		if (k)
			buf_addch(out, ' ');
		buf_adds(out, words[rng_below(&r, WORDS_NR)]);
	}
}

void dataset_text(struct buf *out, const struct dataset *ds, size_t i, long n)
{
	dataset_words(out, ds->prefix_seed, ds->prefix_len);
	if (ds->prefix_len && n > 0)
		buf_addch(out, ' ');
	dataset_words(out, ds->v[i].word_seed, n);
}
