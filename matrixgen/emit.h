/*
 * emit: matrix entries -> the exact JSON that workflows read (matrix-spec section 2 and
 * 3.4). Key names and orders are common/entry_keys' table and layouts (the executor reads
 * entries with the same table); this file only maps each key to its value. The separators
 * and escapes come from common/jsonw.
 */
#ifndef MATRIXGEN_EMIT_H
#define MATRIXGEN_EMIT_H

#include "common/entry_keys.h"
#include "common/jsonw.h"
#include "matrixgen/expand.h"

/* l: entry_layout_sweep (full-sweep, test-config), entry_layout_rms (runner-model-sweep) or
 * entry_layout_changelog (entries inside the changelog object). */
void emit_entry(struct jsonw *w, const struct mentry *e, const struct entry_layout *l);
/* The whole matrix: one JSON array on one line (JSONW_LINE), then a newline. */
void emit_matrix(struct buf *out, const struct mentries *m, const struct entry_layout *l);

#endif
