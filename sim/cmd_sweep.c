// SPDX-License-Identifier: GPL-2.0
/* cmd_sweep.c - placeholder until the sweep command lands (replaced by its module's owner). */
#include <stdio.h>

#include "sim/commands.h"

int cmd_sweep(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim: 'sweep' is not part of this build yet\n");
	return EXIT_RUNTIME;
}
