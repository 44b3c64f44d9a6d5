/*
 * pycsv: CPython's _csv.c reader state machine (parse_process_char), byte for byte on UTF-8
 * text; see pycsv.h.
 */
#include "executor/results/pycsv.h"

#include <stdlib.h>

#include "common/vec.h"

#define CSV_FIELD_LIMIT 131072 /* Python's csv.field_size_limit() default */

void pycsv_row_release(struct pycsv_row *r)
{
	buf_release(&r->text);
	free(r->start);
	free(r->flen);
}

enum csv_state { START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED, QUOTE_IN_QUOTED, EAT_CRNL };

struct csv_parse {
	enum csv_state state;
	size_t field_from; /* offset in row->text of the field being read */
	bool error;
};

static void save_field(struct pycsv_row *r, struct csv_parse *p)
{
	VEC_GROW(r->start, r->nr + 1, r->alloc_start);
	VEC_GROW(r->flen, r->nr + 1, r->alloc_flen);
	r->start[r->nr] = p->field_from;
	r->flen[r->nr] = r->text.len - p->field_from;
	r->nr++;
	buf_addch(&r->text, '\0');
	p->field_from = r->text.len;
}

static void add_char(struct pycsv_row *r, struct csv_parse *p, char c)
{
	if (r->text.len - p->field_from >= CSV_FIELD_LIMIT)
		p->error = true; /* "field larger than field limit" */
	else
		buf_addch(&r->text, c);
}

#define EOL (-2)

/* parse_process_char of CPython's _csv.c; c is a byte or EOL. */
static void csv_char(bool skip, struct pycsv_row *r, struct csv_parse *p, int c)
{
	bool nl = c == '\n' || c == '\r';
	switch (p->state) {
	case START_RECORD:
		if (c == EOL)
			return;
		if (nl) {
			p->state = EAT_CRNL;
			return;
		}
		p->state = START_FIELD;
		/* fall through */
	case START_FIELD:
		if (nl || c == EOL) {
			save_field(r, p);
			p->state = c == EOL ? START_RECORD : EAT_CRNL;
		} else if (c == '"') {
			p->state = IN_QUOTED;
		} else if (c == ' ' && skip) {
			/* skipinitialspace */
		} else if (c == ',') {
			save_field(r, p);
		} else {
			add_char(r, p, (char)c);
			p->state = IN_FIELD;
		}
		return;
	case IN_FIELD:
		if (nl || c == EOL) {
			save_field(r, p);
			p->state = c == EOL ? START_RECORD : EAT_CRNL;
		} else if (c == ',') {
			save_field(r, p);
			p->state = START_FIELD;
		} else {
			add_char(r, p, (char)c);
		}
		return;
	case IN_QUOTED:
		if (c == EOL)
			return;
		if (c == '"')
			p->state = QUOTE_IN_QUOTED;
		else
			add_char(r, p, (char)c);
		return;
	case QUOTE_IN_QUOTED:
		if (c == '"') {
			add_char(r, p, '"');
			p->state = IN_QUOTED;
		} else if (c == ',') {
			save_field(r, p);
			p->state = START_FIELD;
		} else if (nl || c == EOL) {
			save_field(r, p);
			p->state = c == EOL ? START_RECORD : EAT_CRNL;
		} else {
			add_char(r, p, (char)c);
			p->state = IN_FIELD;
		}
		return;
	case EAT_CRNL:
		if (c == EOL)
			p->state = START_RECORD;
		else if (!nl)
			p->error = true; /* cannot happen: lines end at their terminator */
		return;
	}
}

/* Reader_iternext: the next row (true), or the end (false). Sets *error on csv.Error. The
 * file is split into lines as Python's newline='' does: at \n, \r\n or \r. */
bool pycsv_next(struct pycsv_reader *rd, struct pycsv_row *r, bool *error)
{
	struct csv_parse p = { START_RECORD, 0, false };
	buf_reset(&r->text);
	r->nr = 0;
	do {
		if (rd->pos >= rd->len) {
			if (r->text.len - p.field_from || p.state == IN_QUOTED) {
				save_field(r, &p);
				return true;
			}
			return false;
		}
		size_t end = rd->pos;
		while (end < rd->len && rd->s[end] != '\n' && rd->s[end] != '\r')
			end++;
		if (end < rd->len)
			end += rd->s[end] == '\r' && end + 1 < rd->len && rd->s[end + 1] == '\n' ? 2 : 1;
		for (size_t i = rd->pos; i < end && !p.error; i++)
			csv_char(rd->skipinitialspace, r, &p, (unsigned char)rd->s[i]);
		rd->pos = end;
		if (!p.error)
			csv_char(rd->skipinitialspace, r, &p, EOL);
		if (p.error) {
			*error = true;
			return false;
		}
	} while (p.state != START_RECORD);
	return true;
}

