/*
 * yamltree: libyaml's event stream -> a tree of nodes that remember where they were written.
 *
 * What it decides, once for every loader of the project:
 * - marks: every node carries the 1-based line and column of its first character;
 * - anchors and aliases are resolved: an alias is the anchored node itself (the tree is a DAG;
 *   an alias inside the node it names is an error, and a document that would expand past
 *   YAML_MAX_EXPANDED nodes through aliases is refused, so aliases cannot blow up memory or
 *   time);
 * - merge keys (`<<: *a`, `<<: [*a, *b]`) are resolved: merged keys first, in the merged
 *   mapping's order (earlier maps of a list win), then the mapping's own keys; a key both
 *   merged and written keeps the merged position and takes the written value;
 * - duplicate keys in one mapping are errors naming both places; keys must be scalars;
 * - one document per file; syntax errors carry libyaml's problem and mark.
 * Scalars are kept as written (text, plain or quoted, explicit tag): typing is scalar.h's job.
 *
 * Use: ydoc_load(&doc, file, data, len, diags); walk doc.root; ydoc_release(&doc).
 * A file of 32 KB or more is parsed in pieces on two threads when that gives the very
 * tree and messages a whole parse gives (yamltree.c says when); else in one piece.
 * The ydoc owns every node and string; pointers into it stay valid until ydoc_release.
 * They live in one arena of large blocks (a master config has tens of thousands of nodes:
 * one malloc each cost more than the parse), released at once.
 */
#ifndef COMMON_YAMLTREE_H
#define COMMON_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diags;

#define YAML_MAX_EXPANDED 10000000

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ypair {
	struct ynode *key;   /* always a scalar */
	struct ynode *value;
};

struct ynode {
	int line, col;  /* 1-based */
	uint32_t len;   /* scalar: bytes of str */
	uint32_t expanded; /* nodes this one stands for once aliases are expanded (at most
			    * YAML_MAX_EXPANDED + 1: counting stops past the limit) */
	enum ynode_kind kind;
	bool plain;     /* scalar: plain style, subject to type resolution */
	/* scalar */
	char *str;      /* owned by the ydoc, NUL-terminated */
	char *tag;      /* explicit tag (e.g. "tag:yaml.org,2002:str"), or NULL */
	/* sequence (items) or mapping (pairs) */
	struct ynode **items;
	struct ypair *pairs;
	size_t nr;
};

struct yarena;

struct ydoc {
	char *file;          /* owned copy of the name used in messages */
	struct ynode *root;  /* NULL for an empty stream */
	struct yarena *arena; /* owned: every node, string and finished item or pair array */
	bool split;          /* parsed in pieces at once (see yamltree.c): for tests */
};

/* Parses data as one YAML document. Returns 0, or -1 after adding diags. Even on failure
 * doc must be released. */
int ydoc_load(struct ydoc *doc, const char *file, const char *data, size_t len,
	      struct diags *d);
/* The same, never cut in pieces: the reference a split load must equal (tests). */
int ydoc_load_whole(struct ydoc *doc, const char *file, const char *data, size_t len,
		    struct diags *d);
void ydoc_release(struct ydoc *doc);

/* The value of key in a mapping node, or NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
/* "a mapping", "a list" or "a scalar": for messages. */
const char *ynode_kind_name(const struct ynode *n);

#endif
