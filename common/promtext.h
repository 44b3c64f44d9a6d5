/*
 * promtext: the Prometheus text exposition format (version 0.0.4, what vLLM's and SGLang's
 * /metrics send) read into a flat list of samples. Comment lines (# HELP, # TYPE, others)
 * and empty lines are skipped; histogram and summary series are samples like any other
 * (name_bucket{le="..."}, name_sum, name_count). The parser is strict: a line that is not
 * a comment and not a sample is an error at its line and column, and nothing is returned.
 *
 * Use: struct prom_samples s = PROM_SAMPLES_INIT; promtext_parse(&s, text, len, "name", d);
 * read s.v[0..s.nr); prom_samples_release(&s). The samples own their strings.
 */
#ifndef COMMON_PROMTEXT_H
#define COMMON_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>

struct diags;

struct prom_label {
	char *name;  /* owned */
	char *value; /* owned, unescaped (\\ \" \n) */
};

struct prom_sample {
	char *name;                /* owned */
	struct prom_label *labels; /* owned, in the order sent */
	size_t labels_nr;
	double value;              /* NaN and +-Inf allowed */
	bool has_timestamp;
	long long timestamp_ms;
};

struct prom_samples {
	struct prom_sample *v;
	size_t nr, alloc;
};

#define PROM_SAMPLES_INIT { NULL, 0, 0 }

/* Appends the samples of text[0..len) (name: the source, for diags). A NUL byte is an error.
 * 0, or -1 with one diag (file name:line:column) and out as it was. */
int promtext_parse(struct prom_samples *out, const char *text, size_t len, const char *name,
		   struct diags *d);
void prom_samples_release(struct prom_samples *s);
/* The value of label `name`, or NULL. */
const char *prom_label(const struct prom_sample *s, const char *name);

#endif
