/* SPDX-License-Identifier: GPL-2.0 */
/* errclass.h - whose fault an error is: the user's choice (-EINVAL) or the data or the system. */
#ifndef SSDCACHE_ERRCLASS_H
#define SSDCACHE_ERRCLASS_H

#include <errno.h>

/*
 * The library reports an error the user can fix by choosing differently (a bad argument or
 * configuration) as -EINVAL and anything else (bad data, I/O) as another -errno; the command
 * line turns that into exit status 2 or 1 (sim/cli/cli_util.h: cli_exit_status).
 *
 * trc_open (traces/reader.h) speaks otherwise: -EINVAL is a malformed trace (the data), while
 * -ENOTUNIQ (several devices, none chosen), -ENODEV (the chosen one is absent) and -ENOTSUP
 * (an option the format does not have, e.g. --event D on MSR) are the user's choice. This is
 * the one translation of its codes into the library's.
 */
static inline int err_from_trc_open(int rc)
{
	if (rc == -ENOTUNIQ || rc == -ENODEV || rc == -ENOTSUP)
		return -EINVAL;
	return rc == -EINVAL ? -EIO : rc;
}

#endif
