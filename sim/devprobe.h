/* SPDX-License-Identifier: GPL-2.0 */
/* devprobe.h - before writing to a file or block device: what does it hold, is it in use? */
#ifndef SSDCACHE_DEVPROBE_H
#define SSDCACHE_DEVPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * replay and `models calibrate` overwrite whatever their devices hold. Before they open a path
 * for writing they ask devprobe_guard(): libblkid looks for filesystem, partition table, RAID,
 * LVM, swap and crypto signatures (magic numbers are libblkid's business, not ours), and the
 * mount table and the kernel's exclusive open say whether the device is in use. A signature is
 * refused unless the user said --force; a device in use (mounted, a dm/md member, an active
 * swap, the backing file of a mounted loop device) is refused even then.
 */

/* What libblkid finds on path, e.g. "an ext4 filesystem (UUID 1234-...)" or "a gpt partition
 * table (PTUUID ...)". Returns 1 (found; what is filled), 0 (no signature), -errno (could not
 * be probed; what holds the reason). */
int devprobe_describe(const char *path, char *what, size_t len);

/* Is the block device dev (st_rdev) or one of its partitions mounted, according to the
 * mountinfo file (normally /proc/self/mountinfo)? Returns 1 and the mount point in where, 0,
 * or -errno when the file can not be read. */
int devprobe_mounted_rdev(const char *mountinfo, dev_t dev, char *where, size_t len);

/* Is path in use: a mounted or held block device, or the backing file of a loop device that is
 * mounted? Returns 1 with a description in why ("mounted on /mnt", ...), 0, or -errno. */
int devprobe_in_use(const char *path, char *why, size_t len);

/* The whole check before writing to path (which may not exist yet: then 0). Returns 0 when
 * writing is allowed: msg is empty, or (with force) says what is being overwritten, for a
 * warning. Returns -EEXIST (a signature, no force) or -EBUSY (in use) with the refusal in msg,
 * or another -errno. A block device without a signature still needs force: a raw disk may
 * hold data that no signature announces. */
int devprobe_guard(const char *path, bool force, char *msg, size_t msglen);

/* The disk that holds path: for a block device its whole disk (a partition's parent), for a
 * file the whole disk of its filesystem's device; a filesystem on no disk (tmpfs, overlay, a
 * network share) is its own "disk" (its st_dev). 0 with *disk, or -errno. */
int devprobe_disk(const char *path, dev_t *disk);

/* Do a and b live on the same disk (devprobe_disk)? 1, 0, or -errno. Two files there queue for
 * the same device: replay --predict then gives their models one server pool. */
int devprobe_same_disk(const char *a, const char *b);

#endif
