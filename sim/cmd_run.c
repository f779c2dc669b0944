// SPDX-License-Identifier: GPL-2.0
/* cmd_run.c - placeholder, replaced by the run command. */
#include <stdio.h>

#include "sim/commands.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return EXIT_RUNTIME;
}
