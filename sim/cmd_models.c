// SPDX-License-Identifier: GPL-2.0
/* cmd_models.c - placeholder until the models command lands (replaced by its module's owner). */
#include <stdio.h>

#include "sim/commands.h"

int cmd_models(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim: 'models' is not part of this build yet\n");
	return EXIT_RUNTIME;
}
