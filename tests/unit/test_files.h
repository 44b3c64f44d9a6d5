/*
 * test_files: the file chores of the unit tests that work in a temporary folder: write a
 * file into it, remove it whole. Header-only (static inline), for test programs; include it
 * after <cmocka.h>, whose assertions it uses.
 */
#ifndef TESTS_UNIT_TEST_FILES_H
#define TESTS_UNIT_TEST_FILES_H

#include <ftw.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fileio.h"

static inline int test_rm_one(const char *path, const struct stat *st, int flag,
			      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf dir (links are removed, not followed) */
static inline void test_rm_rf(const char *dir)
{
	assert_int_equal(nftw(dir, test_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* dir/name holds len bytes of text, written atomically. */
static inline void test_write_file(const char *dir, const char *name, const char *text,
				   size_t len)
{
	struct buf p = BUF_INIT;
	struct diags d = DIAGS_INIT;
	buf_addf(&p, "%s/%s", dir, name);
	assert_int_equal(file_write_atomic(p.s, text, len, &d), 0);
	buf_release(&p);
}

#endif
