// SPDX-License-Identifier: GPL-2.0
/* devprobe.c - signatures (libblkid) and use (mountinfo, exclusive open, loop devices) of a device. */
#include "sim/devprobe.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *value(blkid_probe pr, const char *name)
{
	const char *v = NULL;

	return blkid_probe_lookup_value(pr, name, &v, NULL) == 0 ? v : NULL;
}

int devprobe_describe(const char *path, char *what, size_t len)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	const char *type, *usage, *id;
	int r;

	what[0] = '\0';
	if (!pr) {
		int e = errno ? errno : EIO;
		snprintf(what, len, "libblkid can not probe it: %s", strerror(e));
		return -e;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 1);
	r = blkid_do_safeprobe(pr);
	if (r == 1) {
		blkid_free_probe(pr);
		return 0;
	}
	if (r == -2) {
		/* two signatures that contradict each other: still not blank */
		snprintf(what, len, "several conflicting signatures (libblkid: ambivalent probe)");
		blkid_free_probe(pr);
		return 1;
	}
	if (r < 0) {
		snprintf(what, len, "libblkid could not probe it");
		blkid_free_probe(pr);
		return -EIO;
	}
	type = value(pr, "TYPE");
	usage = value(pr, "USAGE");
	if (!type && (id = value(pr, "PTTYPE"))) {
		snprintf(what, len, "a %s partition table", id);
		id = value(pr, "PTUUID");
		if (id)
			snprintf(what + strlen(what), len - strlen(what), " (PTUUID %s)", id);
		blkid_free_probe(pr);
		return 1;
	}
	if (!type)
		type = "unknown";
	if (!usage)
		usage = "other";
	if (!strcmp(type, "LVM2_member"))
		snprintf(what, len, "an LVM physical volume (%s)", type);
	else if (!strcmp(usage, "raid"))
		snprintf(what, len, "a RAID member (%s)", type);
	else if (!strcmp(usage, "crypto"))
		snprintf(what, len, "an encrypted volume (%s)", type);
	else if (!strcmp(usage, "filesystem"))
		snprintf(what, len, "a%s %s filesystem", strchr("aeiou", type[0]) ? "n" : "", type);
	else
		snprintf(what, len, "a %s signature", type);
	if ((id = value(pr, "UUID")))
		snprintf(what + strlen(what), len - strlen(what), " (UUID %s)", id);
	else if ((id = value(pr, "LABEL")))
		snprintf(what + strlen(what), len - strlen(what), " (label %s)", id);
	blkid_free_probe(pr);
	return 1;
}

/* The whole disk a partition belongs to (its dev_t), or dev itself. */
static dev_t whole_disk(dev_t dev)
{
	char p[128], buf[32];
	unsigned ma, mi;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	if (access(p, F_OK))
		return dev;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/../dev", major(dev), minor(dev));
	if (!(f = fopen(p, "r")))
		return dev;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%u:%u", &ma, &mi) != 2)
		ma = major(dev), mi = minor(dev);
	fclose(f);
	return makedev(ma, mi);
}

int devprobe_mounted_rdev(const char *mountinfo, dev_t dev, char *where, size_t len)
{
	FILE *f = fopen(mountinfo, "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return -errno;
	while (!found && getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPEROPTS */
		unsigned ma, mi;
		char mnt[4096], *sep, src[4096];
		struct stat st;

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &ma, &mi, mnt) != 3)
			continue;
		dev_t d = makedev(ma, mi);
		bool hit = d == dev || whole_disk(d) == dev;
		/* btrfs and others show an anonymous device number: the source names the device */
		if (!hit && (sep = strstr(line, " - ")) && sscanf(sep + 3, "%*s %4095s", src) == 1 &&
		    src[0] == '/' && stat(src, &st) == 0 && S_ISBLK(st.st_mode))
			hit = st.st_rdev == dev || whole_disk(st.st_rdev) == dev;
		if (hit) {
			snprintf(where, len, "%s", mnt);
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* A block device: mounted (mountinfo), or held by the kernel (O_EXCL refuses with EBUSY). */
static int blockdev_in_use(const char *path, dev_t rdev, char *why, size_t len)
{
	char where[4096];
	int fd;

	if (devprobe_mounted_rdev("/proc/self/mountinfo", rdev, where, sizeof(where)) == 1) {
		snprintf(why, len, "is mounted on %s", where);
		return 1;
	}
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) {
		snprintf(why, len, "is in use (the kernel refuses an exclusive open: a mounted partition, "
				   "a dm/md/LVM member or an active swap)");
		return 1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* A regular file: the backing file of a loop device that is in use? */
static int loop_backing_in_use(const struct stat *file, char *why, size_t len)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		char p[512], back[4096], devs[32];
		unsigned ma, mi;
		struct stat st;
		FILE *f;

		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", de->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		bool ok = fgets(back, sizeof(back), f) != NULL;
		fclose(f);
		if (!ok)
			continue;
		back[strcspn(back, "\n")] = '\0';
		if (stat(back, &st) || st.st_dev != file->st_dev || st.st_ino != file->st_ino)
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/dev", de->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		ok = fgets(devs, sizeof(devs), f) && sscanf(devs, "%u:%u", &ma, &mi) == 2;
		fclose(f);
		if (!ok)
			continue;
		char dpath[300], sub[4400];
		snprintf(dpath, sizeof(dpath), "/dev/%s", de->d_name);
		if (blockdev_in_use(dpath, makedev(ma, mi), sub, sizeof(sub)) == 1) {
			snprintf(why, len, "backs %s, which %s", dpath, sub);
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

int devprobe_in_use(const char *path, char *why, size_t len)
{
	struct stat st;

	why[0] = '\0';
	if (stat(path, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return blockdev_in_use(path, st.st_rdev, why, len);
	if (S_ISREG(st.st_mode))
		return loop_backing_in_use(&st, why, len);
	return 0;
}

int devprobe_guard(const char *path, bool force, char *msg, size_t msglen)
{
	char what[512], why[4600];
	struct stat st;
	int r;

	msg[0] = '\0';
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return 0; /* created by the caller: nothing to lose */
		r = -errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		snprintf(msg, msglen, "%s: not a file or a block device", path);
		return -EINVAL;
	}
	if ((r = devprobe_in_use(path, why, sizeof(why))) == 1) {
		snprintf(msg, msglen, "%s %s; refusing to write to it, even with --force", path, why);
		return -EBUSY;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0)
		return 0;
	r = devprobe_describe(path, what, sizeof(what));
	if (r < 0) {
		snprintf(msg, msglen, "%s: %s", path, what);
		return r;
	}
	if (r == 1 && !force) {
		snprintf(msg, msglen, "%s: holds %s; refusing to overwrite it without --force", path, what);
		return -EEXIST;
	}
	if (S_ISBLK(st.st_mode) && !force) {
		snprintf(msg, msglen, "%s: a block device (no signature found, but a raw device may still "
				      "hold data): the replay overwrites it; add --force if that is what you want",
			 path);
		return -EEXIST;
	}
	if (r == 1)
		snprintf(msg, msglen, "--force: overwriting %s: it holds %s", path, what);
	else if (S_ISBLK(st.st_mode))
		snprintf(msg, msglen, "--force: overwriting the block device %s (no signature found)", path);
	return 0;
}

int devprobe_disk(const char *path, dev_t *disk)
{
	struct stat st;
	dev_t whole;

	if (stat(path, &st))
		return -errno;
	dev_t dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	/* libblkid knows the sysfs walk from a partition to its disk; a device it cannot place
	 * (major 0: tmpfs, overlay, NFS) stands for itself */
	*disk = major(dev) && !blkid_devno_to_wholedisk(dev, NULL, 0, &whole) ? whole : dev;
	return 0;
}

int devprobe_same_disk(const char *a, const char *b)
{
	dev_t da, db;
	int r;

	if ((r = devprobe_disk(a, &da)) || (r = devprobe_disk(b, &db)))
		return r;
	return da == db;
}
