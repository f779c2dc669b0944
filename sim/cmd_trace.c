// SPDX-License-Identifier: GPL-2.0
/* cmd_trace.c - placeholder until the trace command lands (replaced by its module's owner). */
#include <stdio.h>

#include "sim/commands.h"

int cmd_trace(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim: 'trace' is not part of this build yet\n");
	return EXIT_RUNTIME;
}
