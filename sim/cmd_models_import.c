// SPDX-License-Identifier: GPL-2.0
/* cmd_models_import.c - placeholder until the DiskSim importer lands (next commit). */
#include <stdio.h>

#include "sim/commands.h"
#include "sim/models_cmds.h"

int cmd_models_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim models import: not implemented yet\n");
	return EXIT_USAGE;
}
