// SPDX-License-Identifier: GPL-2.0
/* cmd_quirks.c - placeholder. */
#include "sim/commands.h"

int cmd_quirks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return EXIT_RUNTIME;
}
