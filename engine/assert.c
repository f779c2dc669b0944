// SPDX-License-Identifier: GPL-2.0
/* assert.c - the internal-error path of ASSERT (one line on stderr, exit status 3), and the
 * out-of-memory one (exit status 1). */
#include "engine/assert.h"

#include <stdio.h>
#include <unistd.h>

void ssdcache_internal_error(const char *file, int line, const char *cond)
{
	/* Whatever the program already printed (a partial summary, earlier warnings) is kept. */
	fflush(stdout);
	fprintf(stderr, "internal error at %s:%d: %s (please report)\n", file, line, cond);
	fflush(stderr);
	_exit(SSDCACHE_EXIT_INTERNAL);
}

void ssdcache_out_of_memory(const char *what)
{
	fflush(stdout);
	fprintf(stderr, "ssdcache-sim: out of memory for %s\n", what);
	fflush(stderr);
	_exit(1);
}
