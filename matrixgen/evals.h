/*
 * evals: eval marking (matrix-spec section 4). Runs after every filter and node expansion,
 * over one invocation's entries (changelog: one entry's). Rewrites run_eval on every entry.
 */
#ifndef MATRIXGEN_EVALS_H
#define MATRIXGEN_EVALS_H

#include "matrixgen/expand.h"

void evals_mark(struct mentries *m);
/* --evals-only: keeps only the marked entries, order kept. */
void evals_keep_marked(struct mentries *m);
/* What --run-evals (mark) and --evals-only (mark, keep only marked) ask for. */
void evals_apply(struct mentries *m, bool run_evals, bool evals_only);

#endif
