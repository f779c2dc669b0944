// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - placeholder until the report command lands (replaced by its module's owner). */
#include <stdio.h>

#include "sim/commands.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim: 'report' is not part of this build yet\n");
	return EXIT_RUNTIME;
}
