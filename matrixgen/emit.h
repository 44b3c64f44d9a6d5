/*
 * emit: matrix entries -> the exact JSON that workflows read (matrix-spec section 2 and
 * 3.4). Key orders are tables (one per subcommand family), not code paths; the separators
 * and escapes come from common/jsonw.
 */
#ifndef MATRIXGEN_EMIT_H
#define MATRIXGEN_EMIT_H

#include "common/jsonw.h"
#include "matrixgen/expand.h"

struct emit_layout;
extern const struct emit_layout layout_sweep;     /* full-sweep, test-config */
extern const struct emit_layout layout_rms;       /* runner-model-sweep */
extern const struct emit_layout layout_changelog; /* entries inside the changelog object */

void emit_entry(struct jsonw *w, const struct mentry *e, const struct emit_layout *l);
/* The whole matrix: one JSON array on one line (JSONW_LINE), then a newline. */
void emit_matrix(struct buf *out, const struct mentries *m, const struct emit_layout *l);

#endif
