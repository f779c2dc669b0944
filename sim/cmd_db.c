// SPDX-License-Identifier: GPL-2.0
/* cmd_db.c - placeholder until the db command lands (replaced by its module's owner). */
#include <stdio.h>

#include "sim/commands.h"

int cmd_db(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ssdcache-sim: 'db' is not part of this build yet\n");
	return EXIT_RUNTIME;
}
