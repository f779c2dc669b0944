/* SPDX-License-Identifier: GPL-2.0 */
/* assert.h - always-on assertions: a failed one is a bug, never bad input; it prints file:line and aborts. */
#ifndef SSDCACHE_ASSERT_H
#define SSDCACHE_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
