/* SPDX-License-Identifier: GPL-2.0 */
/* hdd_file.h - the hdd model's preset file (`hdd:file=FILE`): options plus the tables a SPEC
 * cannot hold (a zone list, a seek table).
 *
 * One item per line; '#' starts a comment; blank lines are ignored.
 *
 *   key=value[,key=value...]   any hdd option (the same names and units as in a SPEC)
 *   zone FIRST LAST SPT TSKEW CSKEW [OFFSET [FRONT [SPARE [CYLSPARE]]]]
 *                              cylinders FIRST..LAST hold SPT sectors per track; the first
 *                              sector of each next track is rotated TSKEW sectors on a head
 *                              switch and CSKEW more on a cylinder switch; OFFSET: rotational
 *                              position of the zone's first sector; FRONT: sectors left unused
 *                              at the zone's start; SPARE: sectors held back (spares) at its end;
 *                              CYLSPARE: spare sectors at the end of every cylinder (DiskSim's
 *                              sectors-per-cylinder sparing: a slip then shifts the blocks after
 *                              it within its own cylinder only, into that cylinder's spares)
 *   seek DISTANCE TIME         a measured seek: DISTANCE cylinders take TIME (settle included);
 *                              distances strictly increasing; interpolated linearly between
 *                              points, extrapolated from the last two beyond the last one
 *   slip ZONE UNIT             a slipped (skipped) physical unit of zone ZONE (1-based): UNIT
 *                              counts from the zone's first physical sector (FRONT included),
 *                              in sectors, or in tracks with the option slip_tracks=1; the
 *                              blocks after it shift by one unit (into the zone's spares)
 *   seek_hpl V1 V2 V3 V4 V5    beyond the last table point: V2 + V3*sqrt(d) ms for d < V1,
 *                              V4 + V5*d ms otherwise (Ruemmler & Wilkes' two-part curve)
 *
 * Zones are listed from the outside in, with increasing, non-overlapping cylinder ranges (gaps
 * are unused cylinders). Errors are located: "FILE:LINE: ...".
 */
#ifndef SSDCACHE_HDD_FILE_H
#define SSDCACHE_HDD_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/base/opt.h"

struct hdd_zspec {
	uint32_t first_cyl, last_cyl, spt, tskew, cskew, offset;
	uint64_t front, spare;
	uint32_t cylspare; /* spare sectors at the end of each cylinder */
	uint64_t *slip; /* sorted physical units skipped; nslip of them */
	size_t nslip, capslip;
};

struct hdd_file {
	struct hdd_zspec *zones;
	size_t nz;
	uint32_t *seek_d;  /* distances, cylinders */
	uint64_t *seek_ns; /* times, ns */
	size_t ns;
	bool has_hpl;
	double hpl[5];     /* V1..V5 (V1 in cylinders, times in ms) */
};

/* Read path: option lines go through opt_parse_list(opts, obj, ...); "file" is refused there
 * (no nesting). Returns 0, or -errno with "path:line: ..." in err; out is empty on error. */
int hdd_file_load(const char *path, const struct opt *opts, void *obj, struct hdd_file *out,
		  char *err, size_t errlen);
void hdd_file_free(struct hdd_file *f);

#endif
