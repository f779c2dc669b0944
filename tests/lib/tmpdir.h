/* SPDX-License-Identifier: GPL-2.0 */
/* tmpdir.h - temporary directories and files for the tests: under $TMPDIR (else /tmp), removed
 * whole. Setup code: a failure aborts the test program (no writable TMPDIR is no test). */
#ifndef SSDCACHE_TEST_TMPDIR_H
#define SSDCACHE_TEST_TMPDIR_H

#include <stddef.h>

/* A new directory $TMPDIR/ssdcache-test-XXXXXX in dir (len >= 64 is plenty for /tmp). */
void fx_mkdtemp(char *dir, size_t len);
/* rm -rf of a directory fx_mkdtemp made, with whatever the test wrote in it. */
void fx_rmdir(const char *dir);
/* path holding exactly text. */
void fx_write_file(const char *path, const char *text);

#endif
