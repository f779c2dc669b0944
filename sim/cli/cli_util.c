// SPDX-License-Identifier: GPL-2.0
/* cli_util.c - the one error-to-exit-status mapping, and the database opening every command shares. */
#include "sim/cli/cli_util.h"

#include <stdio.h>

#include "reports/db.h"
#include "sim/base/errclass.h"
#include "sim/cli/commands.h"

int cli_exit_status(int err)
{
	if (!err)
		return 0;
	if (err == -EINVAL)
		return EXIT_USAGE;
	return err == -EINTR ? EXIT_INTERRUPTED : EXIT_RUNTIME;
}

int cli_trc_open_status(int rc)
{
	return cli_exit_status(err_from_trc_open(rc));
}

int cli_open_db(const char *cmd, const char *path, struct rep_db **db)
{
	char err[1024];

	if (!rep_db_open(path, db, err, sizeof(err)))
		return 0;
	fprintf(stderr, "ssdcache-sim %s: %s\n", cmd, err);
	return EXIT_RUNTIME;
}
