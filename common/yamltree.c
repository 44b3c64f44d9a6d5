/* yamltree: see yamltree.h. */
#include "common/yamltree.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/par.h"
#include "common/strindex.h"
#include "common/vec.h"

struct anchor {
	char *name; /* owned */
	struct ynode *node;
};

struct frame {
	struct ynode *node;
	size_t alloc;       /* room in node's growing items or pairs */
	struct ynode *key;  /* map: the key read, waiting for its value */
	char *anchor;       /* owned: anchor to bind when the node closes, or NULL */
	struct ynode **merges; /* map: values of `<<` keys, in order */
	size_t merges_nr, merges_alloc;
	struct strindex keys;  /* map: its pairs by key, once it has MAP_INDEX_FROM of them */
};

/* Mappings smaller than this look for a duplicate key by scanning their pairs; larger ones
 * keep an index, so a mapping of n keys costs O(n), not O(n^2). */
#define MAP_INDEX_FROM 8

struct loader {
	struct ydoc *doc;
	struct diags *d;
	struct frame *stack;
	size_t depth, stack_alloc;
	struct anchor *anchors;
	size_t anchors_nr, anchors_alloc;
	struct strindex anchor_index; /* name -> the latest anchor of that name */
	int line_base;   /* lines before the text parsed (a later part of a split file) */
	bool root_block; /* the root is a block mapping */
	bool root_merges; /* the root mapping had `<<` keys */
	bool explicit_end; /* the document ended with `...`: more text would be a second one */
	int failed;
};

/* Bump allocation in blocks; nothing is freed before the whole arena. */
#define ARENA_BLOCK (256 * 1024)

struct yarena {
	struct yarena *prev; /* the blocks filled before this one */
	size_t used, size;
	_Alignas(max_align_t) char data[];
};

/* len bytes at a multiple of align (a power of two, at most max_align_t's) */
static void *arena_alloc_aligned(struct ydoc *doc, size_t len, size_t align)
{
	struct yarena *a = doc->arena;
	size_t at = a ? (a->used + align - 1) & ~(align - 1) : 0;
	if (!a || at > a->size || a->size - at < len) {
		size_t size = len > ARENA_BLOCK ? len : ARENA_BLOCK;
		struct yarena *b = xmalloc(sizeof(*b) + size);
		b->prev = a;
		b->used = 0;
		b->size = size;
		doc->arena = a = b;
		at = 0;
	}
	a->used = at + len;
	return a->data + at;
}

/* Nodes and arrays hold pointers and sizes: pointer alignment is all they need. */
static void *arena_alloc(struct ydoc *doc, size_t len)
{
	return arena_alloc_aligned(doc, len, _Alignof(void *));
}

/* Strings are packed byte by byte: a config's tens of thousands of short scalars would
 * waste a third of their room in aligned slots (and each page of it costs a fault). */
static char *arena_strndup(struct ydoc *doc, const char *s, size_t len)
{
	char *p = arena_alloc_aligned(doc, len + 1, 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static struct ynode *node_new(struct loader *l, enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode *n = arena_alloc(l->doc, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (int)mark.line + 1 + l->line_base;
	n->col = (int)mark.column + 1;
	n->expanded = 1;
	return n;
}

/* A closed collection's items or pairs move from their growable malloc'd array into the
 * arena at their exact size (the freed array serves the next open collection). */
static void node_finish(struct ydoc *doc, struct ynode *n)
{
	if (n->items) {
		struct ynode **v = arena_alloc(doc, (n->nr ? n->nr : 1) * sizeof(*v));
		memcpy(v, n->items, n->nr * sizeof(*v));
		free(n->items);
		n->items = v;
	}
	if (n->pairs) {
		struct ypair *v = arena_alloc(doc, (n->nr ? n->nr : 1) * sizeof(*v));
		memcpy(v, n->pairs, n->nr * sizeof(*v));
		free(n->pairs);
		n->pairs = v;
	}
}

/* Key path of the position being built, for messages: a.b[2].c */
static void current_path(struct loader *l, struct buf *out)
{
	for (size_t i = 0; i < l->depth; i++) {
		struct frame *f = &l->stack[i];
		if (f->node->kind == YNODE_MAP && f->key) {
			if (out->len)
				buf_addch(out, '.');
			buf_add(out, f->key->str, f->key->len);
		} else if (f->node->kind == YNODE_SEQ) {
			buf_addf(out, "[%zu]", f->node->nr);
		}
	}
}

static void errorf_at(struct loader *l, int line, int col, const char *extra_key,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void errorf_at(struct loader *l, int line, int col, const char *extra_key,
		      const char *fmt, ...)
{
	struct buf path = BUF_INIT, msg = BUF_INIT;
	va_list ap;
	current_path(l, &path);
	if (extra_key) {
		if (path.len)
			buf_addch(&path, '.');
		buf_adds(&path, extra_key);
	}
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_errorf(l->d, l->doc->file, line, col, path.s, "%s", msg.s);
	buf_release(&path);
	buf_release(&msg);
	l->failed = 1;
}

static int key_equal(const struct ynode *a, const struct ynode *b)
{
	return a->len == b->len && !memcmp(a->str, b->str, a->len);
}

static ssize_t pair_index(struct ypair *pairs, size_t nr, const struct ynode *key)
{
	for (size_t i = 0; i < nr; i++)
		if (key_equal(pairs[i].key, key))
			return (ssize_t)i;
	return -1;
}

/* The pair of the open mapping p (frame f) with this key, or -1. */
static ssize_t map_find_key(struct frame *f, const struct ynode *p, const struct ynode *key)
{
	if (p->nr < MAP_INDEX_FROM)
		return pair_index(p->pairs, p->nr, key);
	for (size_t i = f->keys.nr; i < p->nr; i++)
		strindex_add(&f->keys, p->pairs[i].key->str, p->pairs[i].key->len, i);
	size_t at = strindex_find(&f->keys, key->str, key->len);
	return at == STRINDEX_NONE ? -1 : (ssize_t)at;
}

static void add_expanded(struct loader *l, struct ynode *parent, const struct ynode *child)
{
	/* both are at most YAML_MAX_EXPANDED + 1: the sum fits, and stays there */
	uint32_t sum = parent->expanded + child->expanded;
	parent->expanded = sum > YAML_MAX_EXPANDED ? YAML_MAX_EXPANDED + 1 : sum;
	if (sum > YAML_MAX_EXPANDED && !l->failed)
		errorf_at(l, child->line, child->col, NULL,
			  "document expands to more than %d nodes through aliases",
			  YAML_MAX_EXPANDED);
}

/* A value is complete: attach it to the parent (sequence item, map key or map value). */
static void attach(struct loader *l, struct ynode *n)
{
	if (!l->depth) {
		l->doc->root = n;
		return;
	}
	struct frame *f = &l->stack[l->depth - 1];
	struct ynode *p = f->node;
	if (p->kind == YNODE_SEQ) {
		VEC_GROW(p->items, p->nr + 1, f->alloc);
		p->items[p->nr++] = n;
		add_expanded(l, p, n);
		return;
	}
	if (!f->key) {
		if (n->kind != YNODE_SCALAR) {
			errorf_at(l, n->line, n->col, NULL,
				  "expected a string as mapping key, found %s",
				  ynode_kind_name(n));
			/* keep the structure: a placeholder key at the same place */
			yaml_mark_t at = { 0, (size_t)n->line - 1, (size_t)n->col - 1 };
			struct ynode *k = node_new(l, YNODE_SCALAR, at);
			k->str = arena_strndup(l->doc, "?", 1);
			k->len = 1;
			f->key = k;
			return;
		}
		f->key = n;
		return;
	}
	struct ynode *key = f->key;
	f->key = NULL;
	if (key->plain && !key->tag && key->len == 2 && !memcmp(key->str, "<<", 2)) {
		VEC_GROW(f->merges, f->merges_nr + 1, f->merges_alloc);
		f->merges[f->merges_nr++] = n;
		add_expanded(l, p, n);
		return;
	}
	ssize_t dup = map_find_key(f, p, key);
	if (dup >= 0) {
		char first[64];
		snprintf(first, sizeof(first), "%d:%d", p->pairs[dup].key->line,
			 p->pairs[dup].key->col);
		errorf_at(l, key->line, key->col, key->str,
			  "duplicate key, first defined at %s:%s", l->doc->file, first);
		return;
	}
	VEC_GROW(p->pairs, p->nr + 1, f->alloc);
	p->pairs[p->nr].key = key;
	p->pairs[p->nr].value = n;
	p->nr++;
	add_expanded(l, p, n);
}

/* Merge keys: merged pairs first (earlier maps win), then own pairs, written values winning. */
static void resolve_merges(struct loader *l, struct frame *f)
{
	struct ynode *m = f->node;
	struct ypair *merged = NULL;
	size_t nr = 0, alloc = 0;
	struct strindex index = STRINDEX_INIT; /* merged's pairs by key */
	for (size_t i = 0; i < f->merges_nr; i++) {
		struct ynode *v = f->merges[i];
		struct ynode **srcs = &v;
		size_t srcs_nr = 1;
		if (v->kind == YNODE_SEQ) {
			srcs = v->items;
			srcs_nr = v->nr;
		}
		for (size_t s = 0; s < srcs_nr; s++) {
			struct ynode *src = srcs[s];
			if (src->kind != YNODE_MAP) {
				errorf_at(l, src->line, src->col, "<<",
					  "expected a mapping or a list of mappings to merge, found %s",
					  ynode_kind_name(src));
				continue;
			}
			for (size_t k = 0; k < src->nr; k++) {
				const struct ynode *key = src->pairs[k].key;
				if (strindex_add(&index, key->str, key->len, nr) != nr)
					continue;
				VEC_GROW(merged, nr + 1, alloc);
				merged[nr++] = src->pairs[k];
			}
		}
	}
	for (size_t k = 0; k < m->nr; k++) {
		const struct ynode *key = m->pairs[k].key;
		size_t at = strindex_add(&index, key->str, key->len, nr);
		if (at != nr) {
			merged[at].value = m->pairs[k].value;
			continue;
		}
		VEC_GROW(merged, nr + 1, alloc);
		merged[nr++] = m->pairs[k];
	}
	strindex_release(&index);
	free(m->pairs);
	m->pairs = merged;
	m->nr = nr;
	f->alloc = alloc;
}

static void bind_anchor(struct loader *l, char *name, struct ynode *n)
{
	if (!name)
		return;
	VEC_GROW(l->anchors, l->anchors_nr + 1, l->anchors_alloc);
	l->anchors[l->anchors_nr].name = name;
	l->anchors[l->anchors_nr].node = n;
	strindex_set(&l->anchor_index, name, strlen(name), l->anchors_nr);
	l->anchors_nr++;
}

static void push(struct loader *l, struct ynode *n, const yaml_char_t *anchor)
{
	VEC_GROW(l->stack, l->depth + 1, l->stack_alloc);
	struct frame *f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
}

static void pop(struct loader *l)
{
	struct frame *f = &l->stack[--l->depth];
	struct ynode *n = f->node;
	if (n->kind == YNODE_MAP && f->merges_nr) {
		l->root_merges |= l->depth == 0;
		resolve_merges(l, f);
	}
	free(f->merges);
	strindex_release(&f->keys);
	node_finish(l->doc, n);
	bind_anchor(l, f->anchor, n);
	attach(l, n);
}

static void on_scalar(struct loader *l, yaml_event_t *ev)
{
	struct ynode *n = node_new(l, YNODE_SCALAR, ev->start_mark);
	size_t len = ev->data.scalar.length;
	if (len > UINT32_MAX) {
		errorf_at(l, n->line, n->col, NULL, "a scalar of more than 4 GiB");
		len = 0;
	}
	n->str = arena_strndup(l->doc, (const char *)ev->data.scalar.value, len);
	n->len = (uint32_t)len;
	if (strlen(n->str) != n->len) {
		errorf_at(l, n->line, n->col, NULL, "string contains a NUL character");
		n->len = (uint32_t)strlen(n->str);
	}
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (ev->data.scalar.tag && strcmp((const char *)ev->data.scalar.tag, "!"))
		n->tag = arena_strndup(l->doc, (const char *)ev->data.scalar.tag,
				       strlen((const char *)ev->data.scalar.tag));
	bind_anchor(l, ev->data.scalar.anchor ? xstrdup((const char *)ev->data.scalar.anchor)
					     : NULL,
		    n);
	attach(l, n);
}

static void on_alias(struct loader *l, yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
	/* an anchor is bound when its node closes; one still open above us is recursion */
	for (size_t i = 0; i < l->depth; i++)
		if (l->stack[i].anchor && !strcmp(l->stack[i].anchor, name)) {
			errorf_at(l, line, col, NULL, "alias '*%s' refers to a node that contains it",
				  name);
			return;
		}
	size_t at = strindex_find(&l->anchor_index, name, strlen(name));
	struct ynode *target = at == STRINDEX_NONE ? NULL : l->anchors[at].node;
	if (!target) {
		errorf_at(l, line, col, NULL, "alias '*%s' refers to no anchor defined before it", name);
		return;
	}
	attach(l, target);
}

/* The 0-based line and column (in code points) of byte offset off of data. */
static yaml_mark_t mark_at(const char *data, size_t len, size_t off)
{
	yaml_mark_t m = { off, 0, 0 };
	for (size_t i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

/* libyaml gives no simple key past this many characters: a longer one reads as a value */
#define YAML_SIMPLE_KEY_MAX 1024

static void report_parser_error(struct loader *l, yaml_parser_t *p, const char *data,
				size_t len)
{
	yaml_mark_t m = p->problem_offset || p->problem_mark.line || p->problem_mark.column
				? p->problem_mark
				: p->context_mark;
	struct buf msg = BUF_INIT;
	buf_adds(&msg, "YAML syntax error: ");
	buf_adds(&msg, p->problem ? p->problem : "unknown problem");
	if (p->error == YAML_READER_ERROR) {
		/* the reader knows only the byte offset: the line and column are ours to find */
		m = mark_at(data, len, p->problem_offset);
		if (p->problem_value >= 0)
			buf_addf(&msg, " (found byte 0x%02x)", (unsigned)p->problem_value & 0xFF);
	}
	if (p->context) {
		buf_adds(&msg, " ");
		buf_adds(&msg, p->context);
	}
	if (p->error == YAML_SCANNER_ERROR && m.column > YAML_SIMPLE_KEY_MAX &&
	    ((p->context && strstr(p->context, "simple key")) ||
	     (p->problem && strstr(p->problem, "mapping values are not allowed"))))
		buf_addf(&msg, " (a key longer than %d characters? YAML allows longer keys only "
			 "as explicit '? ' keys)", YAML_SIMPLE_KEY_MAX);
	diags_errorf(l->d, l->doc->file, (int)m.line + 1, (int)m.column + 1, NULL, "%s", msg.s);
	buf_release(&msg);
	l->failed = 1;
}

/* Parses len bytes of data into l->doc. Returns 0, or -1 after adding diags to l->d. */
static int parse_text(struct loader *l, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	int documents = 0, done = 0;
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_parser_error(l, &parser, data, len);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				diags_errorf(l->d, l->doc->file, (int)ev.start_mark.line + 1,
					     (int)ev.start_mark.column + 1, NULL,
					     "expected one YAML document, found a second one");
				l->failed = 1;
				done = 1;
			}
			break;
		case YAML_DOCUMENT_END_EVENT:
			l->explicit_end = !ev.data.document_end.implicit;
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(l, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(l, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			push(l, node_new(l, YNODE_SEQ, ev.start_mark), ev.data.sequence_start.anchor);
			break;
		case YAML_MAPPING_START_EVENT:
			if (!l->depth)
				l->root_block = ev.data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE;
			push(l, node_new(l, YNODE_MAP, ev.start_mark), ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			pop(l);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < l->depth; i++) {
		node_finish(l->doc, l->stack[i].node); /* left open by an error */
		free(l->stack[i].anchor);
		free(l->stack[i].merges);
		strindex_release(&l->stack[i].keys);
	}
	free(l->stack);
	for (size_t i = 0; i < l->anchors_nr; i++)
		free(l->anchors[i].name);
	free(l->anchors);
	strindex_release(&l->anchor_index);
	return l->failed ? -1 : 0;
}

/*
 * Big files are parsed in pieces on two threads at once (par.h): libyaml's scanner is most
 * of a load (a 320 KB master config: 4 of its 6 ms), and the machines this runs on have a
 * second core. A top-level block mapping is cut at lines that start a top-level key, into
 * pieces of about PIECE_BYTES; each piece is parsed as a document of its own, its lines
 * counted from its start, and the pieces' top-level pairs are joined in order. Pieces, not
 * halves, because the two cores do not always run at the same speed here: whichever is
 * faster takes more of them. The pieces give exactly the whole file's tree when each parses
 * without a single diagnostic: an alias to an anchor of another piece, a merge key at the
 * top, a key in two pieces, a scalar or collection cut by a cut, a second document, a `...`
 * ending a piece but the last: each makes a piece fail or is checked below, and then the
 * file is parsed again as one, so every message is the one a whole parse gives. Texts whose
 * line count libyaml could see differently (CR, Unicode line breaks), with directives or a
 * UTF-16 byte order mark are never cut.
 */
#define SPLIT_MIN_BYTES (32 * 1024)
#define PIECE_BYTES (24 * 1024)
#define PIECES_MAX 32

/* The first byte at or after p (up to end) that is not ASCII, or end: eight at a time, as
 * this runs over most of every big file */
static const char *first_non_ascii(const char *p, const char *end)
{
	for (; end - p >= 8; p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (p < end && !((unsigned char)*p & 0x80))
		p++;
	return p;
}

/* Whether data[0, upto) is free of what would make libyaml count its lines or read the
 * rest differently. */
static bool cuttable_text(const char *data, size_t len, size_t upto)
{
	static const char *const breaks[] = { "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9" };
	const char *end = data + upto;
	if (len >= 2 && ((unsigned char)data[0] == 0xff || (unsigned char)data[0] == 0xfe))
		return false;
	if (memchr(data, '\r', upto))
		return false;
	for (const char *p = data; (p = memchr(p, '%', (size_t)(end - p))); p++)
		if (p == data || p[-1] == '\n')
			return false;
	for (const char *p = first_non_ascii(data, end); p < end;
	     p = first_non_ascii(p + 1, end))
		for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++)
			if ((size_t)(end - p) >= strlen(breaks[i]) &&
			    !memcmp(p, breaks[i], strlen(breaks[i])))
				return false;
	return true;
}

static bool key_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Where the pieces start: cuts[0] = 0, then after a newline at a character that can start
 * a top-level plain key. Returns the number of pieces; 1: not cut. */
static size_t cut_points(size_t cuts[PIECES_MAX], const char *data, size_t len)
{
	cuts[0] = 0;
	if (len < SPLIT_MIN_BYTES)
		return 1;
	size_t want = len / PIECE_BYTES;
	want = want < 2 ? 2 : want > PIECES_MAX ? PIECES_MAX : want;
	size_t n = 1;
	for (size_t k = 1; k < want; k++) {
		size_t i = k * (len / want);
		if (i <= cuts[n - 1])
			i = cuts[n - 1] + 1;
		while (i + 1 < len && !(data[i] == '\n' && key_start((unsigned char)data[i + 1])))
			i++;
		if (i + 1 >= len)
			break;
		cuts[n++] = i + 1;
	}
	return n > 1 && cuttable_text(data, len, cuts[n - 1]) ? n : 1;
}

struct piece {
	const char *file;
	struct ydoc doc;
	struct diags d;
	const char *data;
	size_t len;
	int line_base;
	bool root_block, root_merges, explicit_end;
	int rc;
};

static void parse_piece(void *arg, size_t i)
{
	struct piece *h = (struct piece *)arg + i;
	memset(&h->doc, 0, sizeof(h->doc));
	h->doc.file = xstrdup(h->file);
	diags_init(&h->d);
	struct loader l = { .doc = &h->doc, .d = &h->d, .line_base = h->line_base };
	h->rc = parse_text(&l, h->data, h->len);
	h->root_block = l.root_block;
	h->root_merges = l.root_merges;
	h->explicit_end = l.explicit_end;
}

/* A piece that can be joined: a clean block mapping at column 1 of its first line, with no
 * `<<` at the top, and (but the last) no `...`, which would make the next a second document */
static bool piece_is_clean(const struct piece *h, bool last)
{
	return !h->rc && h->doc.root && h->doc.root->kind == YNODE_MAP &&
	       h->doc.root->col == 1 && h->root_block && !h->root_merges &&
	       (last || !h->explicit_end) && (!h->line_base || h->doc.root->line == h->line_base + 1);
}

/* The pieces' top-level pairs joined in order into the first piece's root, which doc takes
 * with every piece's arena: false if a key is in two pieces or the aliases expand past the
 * limit (the whole parse then says so). */
static bool join_pieces(struct ydoc *doc, struct piece *v, size_t n)
{
	size_t nr = 0, expanded = 1; /* one root */
	for (size_t i = 0; i < n; i++) {
		nr += v[i].doc.root->nr;
		expanded += v[i].doc.root->expanded - 1;
	}
	if (expanded > YAML_MAX_EXPANDED)
		return false;
	struct ynode *root = v[0].doc.root;
	struct ypair *pairs = arena_alloc(&v[0].doc, (nr ? nr : 1) * sizeof(*pairs));
	struct strindex keys = STRINDEX_INIT;
	size_t at = 0;
	bool unique = true;
	for (size_t i = 0; i < n && unique; i++)
		for (size_t k = 0; k < v[i].doc.root->nr && unique; k++, at++) {
			pairs[at] = v[i].doc.root->pairs[k];
			unique = strindex_add(&keys, pairs[at].key->str, pairs[at].key->len, at) == at;
		}
	strindex_release(&keys);
	if (!unique)
		return false;
	root->pairs = pairs;
	root->nr = nr;
	root->expanded = (uint32_t)expanded;
	doc->root = root;
	for (size_t i = 0; i < n; i++) {
		struct yarena **bottom = &v[i].doc.arena;
		while (*bottom)
			bottom = &(*bottom)->prev;
		*bottom = doc->arena;
		doc->arena = v[i].doc.arena;
		v[i].doc.arena = NULL;
	}
	return true;
}

/* 0: doc holds the file's tree; -1: not cut here, doc untouched. */
static int load_pieces(struct ydoc *doc, const char *data, size_t len, const size_t *cuts,
		       size_t n)
{
	struct piece v[PIECES_MAX];
	int line = 0;
	for (size_t i = 0; i < n; i++) {
		size_t end = i + 1 < n ? cuts[i + 1] : len;
		v[i] = (struct piece){ .file = doc->file, .data = data + cuts[i],
				       .len = end - cuts[i], .line_base = line };
		for (const char *p = v[i].data; (p = memchr(p, '\n', (size_t)(data + end - p))); p++)
			line++;
	}
	par_for(n, parse_piece, v, true);
	bool clean = true;
	for (size_t i = 0; i < n; i++)
		clean &= piece_is_clean(&v[i], i + 1 == n);
	int rc = clean && join_pieces(doc, v, n) ? 0 : -1;
	for (size_t i = 0; i < n; i++) {
		ydoc_release(&v[i].doc);
		diags_release(&v[i].d);
	}
	return rc;
}

int ydoc_load_whole(struct ydoc *doc, const char *file, const char *data, size_t len,
		    struct diags *d)
{
	memset(doc, 0, sizeof(*doc));
	doc->file = xstrdup(file);
	struct loader l = { .doc = doc, .d = d };
	return parse_text(&l, data, len);
}

int ydoc_load(struct ydoc *doc, const char *file, const char *data, size_t len,
	      struct diags *d)
{
	size_t cuts[PIECES_MAX];
	size_t pieces = cut_points(cuts, data, len);
	if (pieces > 1) {
		memset(doc, 0, sizeof(*doc));
		doc->file = xstrdup(file);
		if (!load_pieces(doc, data, len, cuts, pieces)) {
			doc->split = true;
			return 0;
		}
		ydoc_release(doc); /* nothing but its name: the pieces left it untouched */
	}
	return ydoc_load_whole(doc, file, data, len, d);
}

void ydoc_release(struct ydoc *doc)
{
	while (doc->arena) {
		struct yarena *prev = doc->arena->prev;
		free(doc->arena);
		doc->arena = prev;
	}
	free(doc->file);
	memset(doc, 0, sizeof(*doc));
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->nr; i++)
		if (!strcmp(map->pairs[i].key->str, key))
			return map->pairs[i].value;
	return NULL;
}

const char *ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_SEQ: return "a list";
	case YNODE_MAP: return "a mapping";
	default: return "a scalar";
	}
}
