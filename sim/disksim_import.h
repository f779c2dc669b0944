/* SPDX-License-Identifier: GPL-2.0 */
/* disksim_import.h - read a DiskSim 4.0 parameter file (.parv and the files it sources) and
 * write an hdd preset file (sim/hdd_file.h) reproducing its disk drive.
 *
 * The files are read by sim/disksim_parse.c (the grammar is in its header). A seek curve named
 * by "Full seek curve" is DiskSim's .seek table ("Seek distances measured: N", then N lines
 * "distance, ms"), found beside the file naming it.
 *
 * Every parameter of the drive (the disksim_disk block, its dm_disk model, layout, zones and
 * mechanics, and the buses' block transfer times) is either mapped to hdd options or reported
 * through the warn callback with its file and line; other components (stats, driver, controller,
 * logorg, synthetic generators) are reported once per block. Nothing is dropped silently.
 */
#ifndef SSDCACHE_DISKSIM_IMPORT_H
#define SSDCACHE_DISKSIM_IMPORT_H

#include <stdio.h>

/* Called for each parameter or block not mapped: "file:line: what". */
typedef void (*ds_warn_fn)(void *ctx, const char *msg);

struct ds_import_info {
	char drive[128];  /* the disksim_disk block's name */
	unsigned mapped, unsupported;
};

/* Parse path and write the preset file to out. 0, or -errno with "file:line: ..." in err
 * (-ENOENT: a file is missing; -EINVAL: bad syntax or no disk drive in it). */
int ds_import(const char *path, FILE *out, ds_warn_fn warn, void *ctx,
	      struct ds_import_info *info, char *err, size_t errlen);

#endif
