/* fuzz_promtext: libFuzzer over the Prometheus text parser. Any bytes: either samples whose
 * names and labels are well formed, or one diag and nothing kept. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/promtext.h"

static int name_ok(const char *s, int colon)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++) {
		int alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
		int digit = *p >= '0' && *p <= '9' && p != s;
		if (!alpha && !digit && !(colon && *p == ':'))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_samples s = PROM_SAMPLES_INIT;
	struct diags d = DIAGS_INIT;
	int rc = promtext_parse(&s, (const char *)data, size, "fuzz", &d);
	if (rc && (s.nr || d.errors != 1))
		abort();
	if (!rc && d.errors)
		abort();
	for (size_t i = 0; i < s.nr; i++) {
		if (!name_ok(s.v[i].name, 1))
			abort();
		for (size_t k = 0; k < s.v[i].labels_nr; k++)
			if (!name_ok(s.v[i].labels[k].name, 0))
				abort();
	}
	prom_samples_release(&s);
	diags_release(&d);
	return 0;
}
